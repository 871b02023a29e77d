"""Full-text search over stored articles (SQLite FTS5, BM25 rank) with safe query handling.

User input never reaches FTS5 or SQL as syntax: :func:`to_fts_query` rebuilds the query
from its words, each double-quoted, so stray quotes, brackets, ``NEAR(``, ``:`` or SQL
fragments are searched as words or ignored. Supported: words (all must occur),
``"a phrase"``, ``prefix*``, ``-excluded`` and ``OR`` between terms. Values go to SQLite as
parameters only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from db.exceptions import SearchQueryError
from db.lookup import lookup, suggest

if TYPE_CHECKING:
    from db.text_index import TextIndex

logger = logging.getLogger(__name__)

#: Marks put around matched terms in snippets.
HIGHLIGHT = ("**", "**")
#: Words of context in a snippet.
SNIPPET_WORDS = 24
#: BM25 weights of the indexed columns (title, text): a title match counts more.
BM25_WEIGHTS = (5.0, 1.0)
#: Longest query and most terms accepted: FTS5 time grows with both, and bm25()/snippet()
#: cannot be interrupted by a SQL time limit (a 100 KB query ran for minutes).
MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 32
#: Most hits one search returns.
MAX_LIMIT = 10_000
#: Most matching articles a search ranks. FTS5 scores every match before it can sort by BM25,
#: so a common word ("bupati", "jalan") would cost time in proportion to the corpus; beyond
#: this many matches only the newest ones (highest rowids, read from the index's doclist
#: without scoring) are ranked. With fewer matches the ranking is the full BM25 ranking.
#: None ranks every match (the exhaustive ranking, for comparisons).
CANDIDATES: int | None = 2000
#: A filter (outlet, dates, person ...) keeping fewer articles than this is read as a set of
#: ids once; a larger one is checked by an index look-up per match instead, which a search
#: stops after :data:`CANDIDATES` matches. (At a million articles an outlet keeps 125,000:
#: reading them all cost more than the whole search should.)
FILTER_SET_MAX = 50_000

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_NEAR = re.compile(r"\bNEAR\s*\(")


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


@dataclass(slots=True, frozen=True)
class Term:
    """One word, phrase or prefix of a search, as the user's words (not yet tokenized)."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        """As an FTS5 string: ``"tahap 3"`` or ``"wali"*``."""
        return _quote(" ".join(self.words)) + ("*" if self.prefix else "")


@dataclass(slots=True, frozen=True)
class ParsedQuery:
    """A search as groups of terms: every group must match (any of its terms), no excluded term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    def fts(self) -> str:
        """As an FTS5 query (see :func:`to_fts_query`)."""
        expr = " AND ".join(
            "(" + " OR ".join(t.fts() for t in g) + ")" if len(g) > 1 else g[0].fts() for g in self.groups
        )
        for term in self.excluded:
            expr = f"({expr}) NOT {term.fts()}"
        return expr


def parse_query(query: str) -> ParsedQuery:
    """Read what a user typed as terms (see :func:`to_fts_query` for the syntax).

    Raises:
        SearchQueryError: the query is too long, has too many terms, or no word to look for.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise SearchQueryError(
            f"search of {len(query)} characters is too long: use at most {MAX_QUERY_CHARS} "
            "(a few words or phrases)"
        )
    positive: list[list[Term]] = []
    negative: list[Term] = []
    pending_or = False
    terms = 0
    for m in _TOKEN.finditer(_NEAR.sub(" ", query)):
        negate, phrase, bare = m.group(1) == "-", m.group(2), m.group(3)
        prefix = False
        if bare is not None:
            if bare == "OR":
                pending_or = bool(positive)
                continue
            if bare in ("AND", "NOT", "NEAR"):
                continue  # operators are ours to write, not the user's
            negate = bare.startswith("-")
            prefix = bare.rstrip(")]}.,;:!?").endswith("*")
            words = _WORD.findall(bare)
        else:
            words = _WORD.findall(phrase)
        if not words:
            continue
        terms += 1
        if terms > MAX_QUERY_TERMS:
            raise SearchQueryError(
                f"search has more than {MAX_QUERY_TERMS} words or phrases: use fewer"
            )
        term = Term(tuple(words), prefix)
        if negate:
            negative.append(term)
        elif pending_or and positive:
            positive[-1].append(term)
            pending_or = False
        else:
            positive.append([term])
    if not positive:
        if negative:
            raise SearchQueryError(
                f"search {query!r} only excludes words: add at least one word to look for"
            )
        raise SearchQueryError(
            f"search {query!r} has no words to look for: give at least one, e.g. warta search \"smart city\""
        )
    return ParsedQuery(tuple(tuple(g) for g in positive), tuple(negative))


def to_fts_query(query: str) -> str:
    """Turn what a user typed into a safe FTS5 query.

    Args:
        query: e.g. ``smart city -jakarta "tahap 3" wali*``.

    Returns:
        e.g. ``("smart" "city" "tahap 3" "wali"*) NOT "jakarta"``.

    Raises:
        SearchQueryError: no searchable word in ``query``.
    """
    return parse_query(query).fts()


def iso_bound(value: dt.datetime | dt.date | str, *, end: bool = False) -> str:
    """A date bound as an ISO string comparable with ``articles.published_utc``.

    Args:
        value: a datetime, a date, or an ISO string (``2019-05-01`` or with a time).
        end: an upper bound; a plain date then means the end of that day.

    Raises:
        SearchQueryError: ``value`` is a string that is not an ISO date.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.datetime.fromisoformat(text) if "T" in text or " " in text else dt.date.fromisoformat(text)
        except ValueError as exc:
            raise SearchQueryError(f"date {value!r} is not an ISO date: write it as YYYY-MM-DD") from exc
    try:
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return value.isoformat()
        return (value + dt.timedelta(days=1)).isoformat() if end else value.isoformat()
    except OverflowError:  # 9999-12-31 and the like: past (or before) every stored date
        return "9999-12-31T99" if end else "0000"


@dataclass(slots=True)
class SearchHit:
    """One search result."""

    article_id: int
    canonical_url: str
    title: str
    outlet: str
    published: str | None
    snippet: str
    """Text around the matches, matched terms between ``**``."""
    rank: float
    """BM25 rank: lower is better."""
    duplicate_of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(slots=True, frozen=True)
class _Filter:
    """One search filter as SQL on ``articles_fts.rowid``, in the two forms :func:`search` chooses from."""

    ids_sql: str
    """``SELECT`` of the ids of the articles it keeps (read in full, then looked up per match)."""
    probe_sql: str
    """A condition on ``articles_fts.rowid`` checked by one index look-up per match."""
    params: list[Any]
    size: int
    """How many articles it keeps, or :data:`FILTER_SET_MAX` when at least that many."""

    def sql(self) -> tuple[str, list[Any]]:
        """The cheaper form: the id set when small, else a look-up per match."""
        if self.size < FILTER_SET_MAX:
            return f"+rowid IN ({self.ids_sql})", self.params
        return self.probe_sql, self.params


def _counted(conn: sqlite3.Connection, ids_sql: str, params: list[Any]) -> int:
    """How many rows ``ids_sql`` gives, counting at most :data:`FILTER_SET_MAX`."""
    return int(conn.execute(f"SELECT count(*) FROM ({ids_sql} LIMIT ?)", [*params, FILTER_SET_MAX]).fetchone()[0])


def _outlet_hosts(conn: sqlite3.Connection, outlet: str) -> list[str]:
    """The stored outlet hosts ``outlet`` names: itself and its subdomains."""
    pattern = outlet.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [r[0] for r in conn.execute(
        "SELECT host FROM outlets WHERE host = ? OR host LIKE '%.' || ? ESCAPE '\\'", (outlet, pattern)
    )]


def _article_filters(
    conn: sqlite3.Connection,
    since: dt.datetime | dt.date | str | None,
    until: dt.datetime | dt.date | str | None,
    outlet: str | None,
) -> list[_Filter] | None:
    """The date and outlet filters; None when the outlet is not in the store (nothing can match)."""
    filters: list[_Filter] = []
    dates: list[str] = []
    params: list[Any] = []
    if since is not None:
        dates.append("published_utc >= ?")
        params.append(iso_bound(since))
    if until is not None:
        dates.append("published_utc < ?")
        params.append(iso_bound(until, end=True))
    if dates:
        ids_sql = f"SELECT id FROM articles WHERE {' AND '.join(dates)}"
        filters.append(_Filter(
            ids_sql,
            "EXISTS (SELECT 1 FROM articles a INDEXED BY idx_articles_card "
            f"WHERE a.id = articles_fts.rowid AND {' AND '.join(dates)})",
            params, _counted(conn, ids_sql, params),
        ))
    if outlet:
        hosts = _outlet_hosts(conn, outlet)
        if not hosts:
            return None
        marks = ",".join("?" * len(hosts))
        ids_sql = f"SELECT id FROM articles WHERE outlet IN ({marks})"
        filters.append(_Filter(
            ids_sql,
            "EXISTS (SELECT 1 FROM articles a INDEXED BY idx_articles_outlet "
            f"WHERE a.outlet IN ({marks}) AND a.id = articles_fts.rowid)",
            hosts, _counted(conn, ids_sql, hosts),
        ))
    return filters


def _entity_filters(conn: sqlite3.Connection, names: dict[str, str | None]) -> list[_Filter] | None:
    """One filter per entity name given (by kind); None when a name matches no entity (no hits)."""
    out = []
    for kind, name in names.items():
        if not name:
            continue
        ids = lookup(conn, name, kind).ids()
        if not ids:
            logger.info("no %s matches %r: no hits", kind, name)
            return None
        out.append(_entity_filter(conn, ids))
    return out


def _entity_filter(conn: sqlite3.Connection, ids: list[int]) -> _Filter:
    """Articles mentioning any of the entities ``ids``."""
    marks = ",".join("?" * len(ids))
    mentions = conn.execute(
        f"SELECT coalesce(sum(n), 0) FROM entity_mention_counts WHERE entity_id IN ({marks})", ids
    ).fetchone()[0]
    return _Filter(
        f"SELECT article_id FROM mentions WHERE entity_id IN ({marks})",
        "EXISTS (SELECT 1 FROM mentions m INDEXED BY idx_mentions_entity "
        f"WHERE m.entity_id IN ({marks}) AND m.article_id = articles_fts.rowid)",
        list(ids), min(int(mentions), FILTER_SET_MAX),
    )


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    since: dt.datetime | dt.date | str | None = None,
    until: dt.datetime | dt.date | str | None = None,
    outlet: str | None = None,
    person: str | None = None,
    institution: str | None = None,
    place: str | None = None,
    programme: str | None = None,
    text_index: TextIndex | None = None,
) -> list[SearchHit]:
    """Search article titles and texts, best BM25 rank first.

    Args:
        conn: connection to a warta store.
        query: what the user typed (see :func:`to_fts_query`).
        limit: most hits returned.
        since: only articles published on or after this date.
        until: only articles published on or before this date.
        outlet: only this outlet host (or its subdomains, e.g. ``tribunnews.com``).
        person: only articles mentioning this person (any alias; a surname or part of the
            name works, see :func:`db.lookup.lookup`; an ambiguous one means any of them).
        institution: only articles mentioning this institution (short forms such as Kominfo work).
        place: only articles mentioning this place (with or without Kota/Kabupaten, any spelling).
        programme: only articles about this programme (part of its name works).
        text_index: the store's Tantivy index (:mod:`db.text_index`); used while it is in step
            with the store (no queued change) and every entity filter keeps fewer than
            :data:`FILTER_SET_MAX` articles. Its ranking is BM25 over all matches (block-max
            WAND, so its cost hardly grows with them); ``rank`` is then minus its score.

    When more than :data:`CANDIDATES` articles match (filters included), only the newest that
    many (highest ids) are ranked, so the cost does not grow with the number of matches; the
    scores are the whole index's BM25 either way, and with fewer matches the hits are those of
    ranking every match.

    Returns:
        The hits, best first; :func:`why_no_hits` says why when there are none.

    Raises:
        SearchQueryError: empty or unusable query, or a bad date.
    """
    if limit < 1:
        raise SearchQueryError(f"limit must be at least 1, not {limit}")
    limit = min(limit, MAX_LIMIT)
    candidates = CANDIDATES if CANDIDATES is None else max(CANDIDATES, limit)
    parsed = parse_query(query)
    fts = parsed.fts()
    names = {"person": person, "institution": institution, "place": place, "programme": programme}
    if text_index is not None and _in_step(conn):
        hits = _search_index(conn, text_index, parsed, limit, since, until, outlet, names)
        if hits is not None:
            return hits
    # Filters narrow the rowids inside the FTS query, so BM25 ranking and the LIMIT happen
    # there and only the hits' article rows are read (joining first reads every match).
    filters = _article_filters(conn, since, until, outlet)
    if filters is None:
        logger.info("no outlet matches %r: no hits", outlet)
        return []
    entity_filters = _entity_filters(conn, names)
    if entity_filters is None:
        return []
    filters += entity_filters
    where = ["articles_fts MATCH ?"]
    params: list[Any] = [fts]
    for f in filters:
        sql, values = f.sql()
        where.append(sql)
        params += values
    try:
        if candidates is not None:
            # The newest matches, read in rowid order from the doclists (no scoring): when there
            # are more than `candidates`, only the newest that many are ranked.
            newest = [r[0] for r in conn.execute(
                f"SELECT rowid FROM articles_fts WHERE {' AND '.join(where)} ORDER BY rowid DESC LIMIT ?",
                [*params, candidates],
            )]
            if not newest:
                return []
            if len(newest) == candidates:
                logger.info("search %r: more than %d matches, the newest %d ranked", query, candidates, candidates)
            if filters:
                # ranking reads only the candidates' rowid range, checked against the candidates
                # themselves instead of the filters again
                where = ["articles_fts MATCH ?", "rowid BETWEEN ? AND ?", "+rowid IN (SELECT value FROM json_each(?))"]
                params = [fts, newest[-1], newest[0], json.dumps(newest)]
            elif len(newest) == candidates:
                where.append("rowid >= ?")
                params.append(newest[-1])
        # A top-level ORDER BY ... LIMIT lets SQLite compute snippets for the kept rows only
        # (inside a subquery it computes one per match), so articles are fetched in a second query.
        sql = f"""
            SELECT rowid, bm25(articles_fts, ?, ?) AS rank, snippet(articles_fts, -1, ?, ?, ' … ', ?)
            FROM articles_fts
            WHERE {' AND '.join(where)}
            ORDER BY rank
            LIMIT ?
        """
        ranked = conn.execute(sql, [*BM25_WEIGHTS, *HIGHLIGHT, SNIPPET_WORDS, *params, limit]).fetchall()
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
            raise SearchQueryError(f"search {query!r} could not be run ({exc}): use plain words or \"a phrase\"") from exc
        raise
    return _hits(conn, ranked)


def _hits(conn: sqlite3.Connection, ranked: list[tuple[int, float, str]]) -> list[SearchHit]:
    """(id, rank, snippet) rows, best first, as hits with their articles' fields."""
    if not ranked:
        return []
    marks = ",".join("?" * len(ranked))
    articles = {
        r[0]: r
        for r in conn.execute(
            "SELECT id, canonical_url, title, outlet, published, duplicate_of FROM articles INDEXED BY idx_articles_card "
            f"WHERE id IN ({marks})",
            [r[0] for r in ranked],
        )
    }
    return [
        SearchHit(int(i), a[1], a[2], a[3], a[4], " ".join(snippet.split()), float(rank), a[5])
        for i, rank, snippet in ranked
        if (a := articles.get(i)) is not None
    ]


def _in_step(conn: sqlite3.Connection) -> bool:
    """Whether the Tantivy index has every change of the store (its change queue is empty)."""
    try:
        return conn.execute("SELECT 1 FROM text_index_changes LIMIT 1").fetchone() is None
    except sqlite3.OperationalError:  # no queue: the index was dropped
        return False


def _search_index(
    conn: sqlite3.Connection,
    index: TextIndex,
    parsed: ParsedQuery,
    limit: int,
    since: dt.datetime | dt.date | str | None,
    until: dt.datetime | dt.date | str | None,
    outlet: str | None,
    names: dict[str, str | None],
) -> list[SearchHit] | None:
    """:func:`search` through the Tantivy index; None when an entity filter is too broad for it."""
    hosts = None
    if outlet:
        hosts = _outlet_hosts(conn, outlet)
        if not hosts:
            logger.info("no outlet matches %r: no hits", outlet)
            return []
    id_sets: list[list[int]] = []
    entity_filters = _entity_filters(conn, names)
    if entity_filters is None:
        return []
    for f in entity_filters:
        if f.size >= FILTER_SET_MAX:
            return None
        id_sets.append([int(r[0]) for r in conn.execute(f.ids_sql, f.params)])
    found = index.search(
        [[(t.words, t.prefix) for t in g] for g in parsed.groups],
        [(t.words, t.prefix) for t in parsed.excluded],
        limit=limit,
        since=iso_bound(since) if since is not None else None,
        until=iso_bound(until, end=True) if until is not None else None,
        hosts=hosts,
        id_sets=id_sets,
    )
    if not found:
        return []
    # snippets as the FTS5 path makes them, for the hits only
    snippets = dict(conn.execute(
        "SELECT rowid, snippet(articles_fts, -1, ?, ?, ' … ', ?) FROM articles_fts "
        "WHERE articles_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
        (*HIGHLIGHT, SNIPPET_WORDS, parsed.fts(), json.dumps([i for i, _ in found])),
    ).fetchall())
    return _hits(conn, [(article_id, -score, snippets.get(article_id, "")) for article_id, score in found])


def count_matches(
    conn: sqlite3.Connection,
    query: str,
    *,
    since: dt.datetime | dt.date | str | None = None,
    until: dt.datetime | dt.date | str | None = None,
    outlet: str | None = None,
) -> int:
    """How many articles match ``query`` within the article filters (no ranking, no snippets).

    Raises:
        SearchQueryError: empty or unusable query, or a bad date.
    """
    sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    params: list[Any] = [to_fts_query(query)]
    filters = _article_filters(conn, since, until, outlet)
    if filters is None:
        return 0
    for f in filters:
        condition, values = f.sql()
        sql += f" AND {condition}"
        params += values
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    except sqlite3.OperationalError as exc:
        raise SearchQueryError(f"search {query!r} could not be run ({exc}): use plain words or \"a phrase\"") from exc


#: Search filters that name an entity, with the entity kind they look up.
ENTITY_FILTERS = ("person", "institution", "place", "programme")


def why_no_hits(
    conn: sqlite3.Connection,
    query: str,
    *,
    since: dt.datetime | dt.date | str | None = None,
    until: dt.datetime | dt.date | str | None = None,
    outlet: str | None = None,
    **names: str | None,
) -> str:
    """Say which part of a search that found nothing matched nothing.

    Args:
        conn: connection to a warta store.
        query: the search query.
        since, until, outlet: the article filters used.
        names: the entity filters used (``person``, ``institution``, ``place``, ``programme``).

    Returns:
        e.g. ``no person named 'Yanto' in the store (did you mean: Ahmad Yani?)``, or
        ``'banjir' matches 3 articles and person 'Yani' (Ahmad Yani) 2, but no article has both``.
    """
    parts: list[str] = []
    for kind in ENTITY_FILTERS:
        name = names.get(kind)
        if not name:
            continue
        found = lookup(conn, name, kind)
        if not found.candidates:
            close = found.suggestions or suggest(conn, name)
            hint = f" (did you mean: {'; '.join(close)}?)" if close else ""
            return f"no {kind} named {name!r} in the store{hint}"
        ids = found.ids()
        marks = ",".join("?" * len(ids))
        n = conn.execute(f"SELECT count(DISTINCT article_id) FROM mentions WHERE entity_id IN ({marks})", ids).fetchone()[0]
        meant = ", ".join(c.name for c in found.tied)
        parts.append(f"{kind} {name!r} ({meant}) {n}")
    n_plain = count_matches(conn, query, since=since, until=until, outlet=outlet)
    article_filters = ", ".join(
        f"{k} {v}" for k, v in (("since", since), ("until", until), ("outlet", outlet)) if v
    )
    where = f" ({article_filters})" if article_filters else ""
    if not n_plain or not parts:
        return f"no article matches {query!r}{where}"
    return (f"{query!r} matches {n_plain} articles{where} and " + " and ".join(parts)
            + f", but no article has {'both' if len(parts) == 1 else 'all of them'}")
