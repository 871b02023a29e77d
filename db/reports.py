"""Read-side views of the store: one entity, one programme."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from db.exceptions import NotFoundError
from db.lookup import lookup
from db.resolve import normalise

logger = logging.getLogger(__name__)

#: Most articles listed in a report.
MAX_ARTICLES = 50


@dataclass(slots=True)
class ArticleRef:
    """An article named as evidence."""

    id: int
    title: str
    published: str | None
    canonical_url: str
    outlet: str


@dataclass(slots=True)
class Alias:
    """A name the entity goes by, and why it was linked."""

    alias: str
    reason: str


@dataclass(slots=True)
class Position:
    """A position a person held, as seen in articles."""

    position: str
    org: str | None
    region_code: str | None
    first_seen: str | None
    last_seen: str | None
    article_ids: list[int]


@dataclass(slots=True)
class EntityReport:
    """Who or what an entity is, and how warta decided so."""

    id: int
    kind: str
    name: str
    region_code: str | None
    created_because: str | None
    aliases: list[Alias] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    articles: list[ArticleRef] = field(default_factory=list)
    n_mentions: int = 0
    link_reasons: list[tuple[str, int]] = field(default_factory=list)
    """Why mentions were linked to this entity, with how many mentions each reason covers."""
    other_matches: list[tuple[int, str, str]] = field(default_factory=list)
    """Other entities the name could mean: (id, kind, name)."""
    matched_because: str = ""
    """Why the name typed by the user was taken to mean this entity."""
    ambiguous: bool = False
    """The name fits several people equally well (the first of :attr:`other_matches` too)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(slots=True)
class Evidence:
    """An article stating a fact, with the sentence that states it."""

    article_id: int
    title: str
    published: str | None
    outlet: str
    sentence: str


@dataclass(slots=True)
class StageRow:
    """A stage of a programme in a year, with the articles that state it."""

    year: int | None
    stage: int | None
    article_ids: list[int]
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Participant:
    """A region said to take part in a programme (or, in :attr:`ProgrammeReport.plans`, planning to)."""

    region: str
    region_code: str | None
    year: int | None
    stage: int | None
    article_ids: list[int]
    evidence: list[Evidence] = field(default_factory=list)
    region_id: int | None = None
    """The region's entity id (its page), when it was resolved to one."""
    stage_from: str = "stated"
    """Where the stage comes from: ``stated`` with the region, ``article`` (the stage the same
    article gives for that year, e.g. in its title), ``other articles`` (the one stage other
    articles give this region that year), or ``unknown``."""


@dataclass(slots=True)
class ProgrammeReport:
    """A programme's stages by year and the regions taking part."""

    id: int
    name: str
    aliases: list[str]
    stages: list[StageRow]
    participants: list[Participant]
    articles: list[ArticleRef]
    other_matches: list[str] = field(default_factory=list)
    """Other programmes the name typed could mean."""
    plans: list[Participant] = field(default_factory=list)
    """Regions said to plan or intend to take part ("berencana mendaftar"), not participants."""
    counted_in: list[str] = field(default_factory=list)
    """Shorter names of the same programme whose facts are counted here ("Program Smart City")."""

    @property
    def stages_by_year(self) -> dict[int | None, list[int | None]]:
        """Stage numbers per year."""
        out: dict[int | None, list[int | None]] = {}
        for s in self.stages:
            out.setdefault(s.year, []).append(s.stage)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _articles(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[ArticleRef]:
    rows = conn.execute(
        f"SELECT id, title, published, canonical_url, outlet FROM articles WHERE id IN ({sql}) "
        "ORDER BY coalesce(published_utc, ''), id LIMIT ?",
        (*params, MAX_ARTICLES),
    ).fetchall()
    return [ArticleRef(*r) for r in rows]


def _ids(value: str | None) -> list[int]:
    return sorted(int(i) for i in str(value).split(",")) if value else []


def entity_report(conn: sqlite3.Connection, name: str) -> EntityReport | None:
    """Report on the entity ``name`` most likely means (most mentioned match), or None."""
    found = lookup(conn, name)
    if not found.candidates:
        return None
    ids = found.ids(tied_only=False)
    report = entity_report_by_id(conn, ids[0])
    report.matched_because = found.candidates[0].reason
    report.ambiguous = found.ambiguous
    for other in ids[1:10]:
        o = conn.execute("SELECT id, kind, name FROM entities WHERE id = ?", (other,)).fetchone()
        report.other_matches.append((int(o[0]), o[1], o[2]))
    return report


def entity_report_by_id(conn: sqlite3.Connection, entity_id: int) -> EntityReport:
    """Report on the entity ``entity_id`` (see :func:`entity_report`).

    Raises:
        NotFoundError: no entity has this id.
    """
    row = conn.execute(
        "SELECT id, kind, name, region_code, reason FROM entities WHERE id = ?", (entity_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no entity with id {entity_id} in the store")
    report = EntityReport(*row)
    report.aliases = [
        Alias(a, r)
        for a, r in conn.execute(
            "SELECT alias, reason FROM entity_aliases WHERE entity_id = ? ORDER BY id", (entity_id,)
        )
    ]
    report.positions = [
        Position(p, o, rc, f, last, sorted(json.loads(ev or "[]")))
        for p, o, rc, f, last, ev in conn.execute(
            "SELECT position, org, region_code, first_seen, last_seen, evidence FROM official_roles "
            "WHERE person_id = ? ORDER BY first_seen, position",
            (entity_id,),
        )
    ]
    # counts kept by triggers on mentions: a popular person has hundreds of thousands of mentions
    report.link_reasons = [
        (r, int(n))
        for r, n in conn.execute(
            "SELECT reason, n FROM entity_mention_counts WHERE entity_id = ? ORDER BY n DESC, reason", (entity_id,)
        )
    ]
    report.n_mentions = sum(n for _, n in report.link_reasons)
    report.articles = _entity_articles(conn, entity_id, report.n_mentions)
    return report


def _entity_articles(conn: sqlite3.Connection, entity_id: int, n_mentions: int) -> list[ArticleRef]:
    """The first :data:`MAX_ARTICLES` articles mentioning an entity, oldest first.

    An entity in few articles: their dates are read from the narrow (id, date) index and
    sorted. One in many: articles are walked in date order until enough mention it, which
    takes about MAX_ARTICLES / (its share of all articles) steps. Each way costs at most
    about sqrt(MAX_ARTICLES x articles stored) index look-ups.
    """
    stored = conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
    if n_mentions * n_mentions >= MAX_ARTICLES * stored:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM articles a INDEXED BY idx_articles_published_utc WHERE EXISTS "
            "(SELECT 1 FROM mentions m INDEXED BY idx_mentions_entity WHERE m.entity_id = ? AND m.article_id = a.id) "
            "ORDER BY published_utc, id LIMIT ?",
            (entity_id, MAX_ARTICLES),
        )]
    else:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM articles INDEXED BY idx_articles_card WHERE id IN "
            "(SELECT article_id FROM mentions WHERE entity_id = ?) ORDER BY coalesce(published_utc, ''), id LIMIT ?",
            (entity_id, MAX_ARTICLES),
        )]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {r[0]: r for r in conn.execute(
        f"SELECT id, title, published, canonical_url, outlet FROM articles INDEXED BY idx_articles_card WHERE id IN ({marks})",
        ids,
    )}
    return [ArticleRef(*rows[i]) for i in ids]


def programme_report(conn: sqlite3.Connection, name: str) -> ProgrammeReport:
    """Report on the programme ``name`` means.

    Raises:
        NotFoundError: no programme matches ``name``.
    """
    found = lookup(conn, name, "programme")
    if not found.candidates:
        close = found.suggestions
        raise NotFoundError(
            f"no programme named {name!r} in the store"
            + (f" (did you mean: {'; '.join(close)}?)" if close else ": try part of its name, or warta search")
        )
    others = [c.name for c in found.candidates[1:10]]
    return programme_report_by_id(conn, found.candidates[0].id, others)


def programme_report_by_id(
    conn: sqlite3.Connection, pid: int, other_matches: list[str] | None = None
) -> ProgrammeReport:
    """Report on the programme entity ``pid`` (see :func:`programme_report`).

    Raises:
        NotFoundError: no programme has this id.
    """
    row = conn.execute("SELECT name FROM entities WHERE id = ? AND kind = 'programme'", (pid,)).fetchone()
    if row is None:
        raise NotFoundError(f"no programme with id {pid} in the store")
    prog_name = row[0]
    aliases = [r[0] for r in conn.execute("SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY id", (pid,))]
    related = _shorter_names(conn, pid, prog_name)
    pids = [pid, *(i for i, _ in related)]
    marks = ",".join("?" * len(pids))
    stage_rows = conn.execute(
        f"SELECT year, stage, article_id, sentence FROM programme_stages WHERE programme_id IN ({marks}) "
        "ORDER BY article_id, char_start",
        pids,
    ).fetchall()
    part_rows = conn.execute(
        "SELECT coalesce(e.name, p.region), coalesce(p.region_code, e.region_code), p.year, p.stage, p.article_id, "
        "p.sentence, coalesce(CAST(p.region_id AS TEXT), p.region) FROM programme_participants p "
        f"LEFT JOIN entities e ON e.id = p.region_id WHERE p.programme_id IN ({marks}) ORDER BY p.article_id, p.char_start",
        pids,
    ).fetchall()
    refs = {
        int(r[0]): r
        for r in conn.execute(
            "SELECT id, title, published, outlet FROM articles WHERE id IN "
            f"(SELECT article_id FROM programme_stages WHERE programme_id IN ({marks}) "
            f"UNION SELECT article_id FROM programme_participants WHERE programme_id IN ({marks}))",
            pids * 2,
        )
    }

    def evidence(article_id: int, sentence: str | None) -> Evidence:
        _, title, published, outlet = refs[article_id]
        return Evidence(article_id, title, published, outlet, " ".join((sentence or "").split()))

    stages: dict[tuple[int | None, int | None], StageRow] = {}
    stated: dict[tuple[int, int | None], set[int]] = {}  # (article, year) -> stages it states
    for year, stage, article_id, sentence in stage_rows:
        row = stages.setdefault((year, stage), StageRow(year, stage, []))
        if article_id not in row.article_ids:
            row.article_ids.append(article_id)
            row.evidence.append(evidence(article_id, sentence))
        if stage is not None:
            stated.setdefault((article_id, year), set()).add(stage)

    # each participant fact: (region key, name, code, year, stage, where the stage comes from, evidence)
    facts: list[list[Any]] = []
    plans: list[list[Any]] = []
    for region, code, year, stage, article_id, sentence, key in part_rows:
        fact = [key, region, code, year, stage, "stated", evidence(article_id, sentence)]
        if stage is None:
            in_article = stated.get((article_id, year), set())
            fact[4], fact[5] = (next(iter(in_article)), "article") if len(in_article) == 1 else (None, "unknown")
        (plans if _PLAN.search(sentence or "") else facts).append(fact)
    known: dict[tuple[str, int | None], set[int]] = {}
    for key, _, _, year, stage, _, _ in facts:
        if stage is not None:
            known.setdefault((key, year), set()).add(stage)
    for fact in facts:
        others = known.get((fact[0], fact[3]), set())
        if fact[4] is None and len(others) == 1:
            fact[4], fact[5] = next(iter(others)), "other articles"

    def grouped(rows: list[list[Any]]) -> list[Participant]:
        out: dict[tuple[str, int | None, int | None], Participant] = {}
        for key, region, code, year, stage, origin, ev in rows:
            p = out.setdefault((key, year, stage), Participant(region, code, year, stage, [], stage_from=origin,
                                                               region_id=int(key) if key.isdigit() else None))
            if origin == "stated":
                p.stage_from = "stated"
            if ev.article_id not in p.article_ids:
                p.article_ids.append(ev.article_id)
                p.evidence.append(ev)
        for p in out.values():
            order = sorted(range(len(p.article_ids)), key=lambda i: (p.evidence[i].published or "", p.article_ids[i]))
            p.article_ids, p.evidence = [p.article_ids[i] for i in order], [p.evidence[i] for i in order]
        return sorted(out.values(), key=lambda p: (p.year or 0, p.stage is None, p.stage or 0, p.region))

    stage_list = sorted(stages.values(), key=lambda s: (s.year or 0, s.stage is None, s.stage or 0))
    for row in stage_list:
        order = sorted(range(len(row.article_ids)), key=lambda i: (row.evidence[i].published or "", row.article_ids[i]))
        row.article_ids, row.evidence = [row.article_ids[i] for i in order], [row.evidence[i] for i in order]
    articles = _articles(
        conn,
        f"SELECT article_id FROM programme_stages WHERE programme_id IN ({marks}) "
        f"UNION SELECT article_id FROM programme_participants WHERE programme_id IN ({marks})",
        tuple(pids * 2),
    )
    other_names = [n for n in other_matches or [] if n not in {name for _, name in related}]
    return ProgrammeReport(pid, prog_name, aliases, stage_list, grouped(facts), articles, other_names,
                           plans=grouped(plans), counted_in=[n for _, n in related])


#: A sentence saying a region plans or intends to join, not that it takes part.
_PLAN = re.compile(
    r"\b(berencana|merencanakan|rencananya|akan mendaftar|akan mengikuti|ingin (?:ikut|mendaftar|bergabung)|"
    r"berminat|berniat|menargetkan|berharap (?:bisa|dapat) (?:ikut|masuk|terpilih))\b",
    re.IGNORECASE,
)
#: Words a short programme name may add ("Program Smart City" is the Smart City programme).
_PROGRAMME_FILLER = frozenset({"program", "programme", "gerakan", "kegiatan"})


def _shorter_names(conn: sqlite3.Connection, pid: int, name: str) -> list[tuple[int, str]]:
    """Other programme entities whose words (but fillers such as "Program") all occur in ``name``:
    the same programme written shorter ("Program Smart City" for "Gerakan Menuju 100 Smart City")."""
    words = set(normalise(name).split())
    out = []
    for other_id, other in conn.execute("SELECT id, name FROM entities WHERE kind = 'programme' AND id != ?", (pid,)):
        core = set(normalise(other).split()) - _PROGRAMME_FILLER
        if core and core < words and len(core) >= 2:
            out.append((int(other_id), other))
    return out


@dataclass(slots=True)
class Fact:
    """One fact stated in an article: what kind, the entity or value, and the words written."""

    kind: str
    """official, institution, place, programme stage, participant, date."""
    value: str
    detail: str
    surface: str
    entity_id: int | None = None


@dataclass(slots=True)
class ArticleReport:
    """One stored article and the facts extracted from it."""

    id: int
    title: str
    outlet: str
    published: str | None
    canonical_url: str
    authors: list[str]
    text: str
    duplicate_of: int | None
    facts: list[Fact] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def article_report(conn: sqlite3.Connection, article_id: int) -> ArticleReport:
    """An article with its facts, each with the words the article used.

    Raises:
        NotFoundError: no article has this id.
    """
    row = conn.execute(
        "SELECT id, title, outlet, published, canonical_url, authors, text, duplicate_of FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        last = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
        raise NotFoundError(
            f"no article {article_id} in the store (ids run 1 to {last or 0}): find one with warta search"
        )
    report = ArticleReport(row[0], row[1], row[2], row[3], row[4], json.loads(row[5] or "[]"), row[6], row[7])
    facts = report.facts
    roles = {
        pid: (position, org)
        for pid, position, org in conn.execute(
            "SELECT r.person_id, r.position, r.org FROM official_role_articles ra "
            "JOIN official_roles r ON r.id = ra.role_id WHERE ra.article_id = ? ORDER BY r.id",
            (article_id,),
        )
    }
    kinds = {"officials": "official", "institutions": "institution", "places": "place"}
    for fact_type, entity_id, name, code, surface in conn.execute(
        "SELECT m.fact_type, e.id, e.name, e.region_code, group_concat(DISTINCT m.surface) FROM mentions m "
        "JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? AND m.fact_type IN "
        "('officials', 'institutions', 'places') GROUP BY m.fact_type, e.id ORDER BY min(m.char_start)",
        (article_id,),
    ):
        if fact_type == "officials":
            position, org = roles.get(entity_id, ("", None))
            detail = position + (f" ({org})" if org else "")
        else:
            detail = f"region {code}" if code else ""
        facts.append(Fact(kinds[fact_type], name, detail, surface or "", int(entity_id)))
    for programme, pid, stage, year, surface in conn.execute(
        "SELECT programme, programme_id, stage, year, surface FROM programme_stages WHERE article_id = ? ORDER BY char_start",
        (article_id,),
    ):
        facts.append(Fact("programme stage", programme, f"tahap {stage or '?'} {year or ''}".strip(), surface or "", pid))
    for region, rid, programme, year, stage, surface in conn.execute(
        "SELECT coalesce(e.name, p.region), p.region_id, p.programme, p.year, p.stage, p.surface "
        "FROM programme_participants p LEFT JOIN entities e ON e.id = p.region_id "
        "WHERE p.article_id = ? ORDER BY p.char_start",
        (article_id,),
    ):
        facts.append(Fact("participant", region, f"{programme}, tahap {stage or '?'} {year or ''}".strip(),
                          surface or "", rid))
    for value, precision, surface in conn.execute(
        "SELECT value, precision, surface FROM dates WHERE article_id = ? ORDER BY char_start", (article_id,)
    ):
        facts.append(Fact("date", value, precision or "", surface or ""))
    return report
