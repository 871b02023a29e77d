"""What a name typed by a journalist or researcher means: the entities it may name, best first.

People type the names they use, not the store's canonical ones: a surname ("Yani"), a short
form or acronym ("Kominfo", "Diskominfo Muara Enim"), a spelling variant ("Lubuk Linggau" for
"Lubuklinggau"), or part of a programme's name ("smart city"). :func:`lookup` tries, in order:

1. the exact name, an alias, or a position plus a (sur)name (:func:`db.resolve.match_entities`);
2. the typed words found in the order written among the words of an entity's name or alias,
   where a typed word may also be several joined words ("Lubuklinggau"), one of several split
   words ("Lubuk Linggau"), or, for institutions, places and programmes, a syllable acronym of
   consecutive words ("Kominfo" = KOMunikasi dan INFOrmatika, "Dis" = DInaS).

Candidates are ranked by how many of the entity's own words the typed name leaves out (region
words such as "Kota" and "Kabupaten" cost nothing), then by acronyms used, then by mentions;
programmes by mentions only, as a partial programme name is what people type. When nothing
matches, :func:`suggest` offers close spellings ("did you mean").
"""

from __future__ import annotations

import difflib
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache

from db.resolve import POSITIONS, match_entities, name_key, normalise

#: Words of an entity's name a typed name may leave out at no cost.
GENERIC_WORDS = frozenset(
    "kota kabupaten kab provinsi prov dan di the of program programme gerakan pemerintah".split()
)
#: Words an acronym may skip ("KOMunikasi dan INFOrmatika").
_ACRONYM_SKIPS = frozenset({"dan", "and", "&", "serta"})
#: Most candidates a lookup returns.
MAX_CANDIDATES = 20
#: Most entities the word-alignment step compares (the most mentioned after a SQL pre-filter).
MAX_COMPARED = 5000

#: Kinds whose names may be typed as acronyms (people's names never are).
_ACRONYM_KINDS = frozenset({"institution", "place", "programme"})


@dataclass(slots=True, frozen=True)
class Candidate:
    """An entity a typed name may mean, and why."""

    id: int
    kind: str
    name: str
    region_code: str | None
    mentions: int
    reason: str
    score: tuple[int, int]
    """(entity words left out, acronyms used); (-1, 0) for an exact name or alias."""


@dataclass(slots=True)
class Lookup:
    """The result of :func:`lookup`: candidates best first, or spelling suggestions."""

    name: str
    kind: str | None
    candidates: list[Candidate] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        """The candidate meant, when there is one."""
        return self.candidates[0] if self.candidates else None

    @property
    def tied(self) -> list[Candidate]:
        """The candidates as good as the best one (several: the name is ambiguous)."""
        if not self.candidates:
            return []
        top = self.candidates[0]
        return [c for c in self.candidates if c.score == top.score and c.kind == top.kind]

    @property
    def ambiguous(self) -> bool:
        """True when the name fits several people equally well (other kinds: the most mentioned wins)."""
        tied = self.tied
        return len(tied) > 1 and tied[0].kind == "person"

    def ids(self, *, tied_only: bool = True) -> list[int]:
        """Entity ids of the best candidates (all tied ones), or of every candidate."""
        return [c.id for c in (self.tied if tied_only else self.candidates)]


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _piece_fits(piece: str, word: str) -> bool:
    """Whether ``piece`` can stand for ``word`` in an acronym: a subsequence of it starting with its
    first letter ("dis" for "dinas", "info" for "informatika"), or a run of 3+ letters inside it."""
    if not piece:
        return False
    if piece[0] == word[0]:
        it = iter(word)
        return all(ch in it for ch in piece)
    return len(piece) >= 3 and piece in word


@lru_cache(maxsize=65536)
def _acronym(token: str, words: tuple[str, ...]) -> bool:
    """Whether ``token`` splits into pieces standing for each of ``words`` in turn (skippable
    words such as "dan" may give no piece)."""
    if not words:
        return not token
    word, rest = words[0], words[1:]
    if word in _ACRONYM_SKIPS and _acronym(token, rest):
        return True
    for cut in range(1, len(token) + 1):
        if _piece_fits(token[:cut], word) and _acronym(token[cut:], rest):
            return True
    return False


def _align(tokens: list[str], words: list[str], acronyms: bool) -> tuple[int, int] | None:
    """Match typed ``tokens`` in order against an entity's ``words``.

    Returns:
        (words left out that are not generic, acronyms used), the smallest found; None when
        some token matches nothing.
    """
    best: tuple[int, int] | None = None
    n, m = len(tokens), len(words)
    memo: dict[tuple[int, int], tuple[int, int] | None] = {}

    def cost_left(j: int, k: int) -> int:
        return sum(1 for w in words[j:k] if w not in GENERIC_WORDS)

    def go(i: int, j: int) -> tuple[int, int] | None:
        if i == n:
            return (cost_left(j, m), 0)
        if (i, j) in memo:
            return memo[(i, j)]
        out: tuple[int, int] | None = None

        def keep(skip_from: int, nxt_i: int, nxt_j: int, acr: int) -> None:
            nonlocal out
            rest = go(nxt_i, nxt_j)
            if rest is None:
                return
            cand = (cost_left(j, skip_from) + rest[0], rest[1] + acr)
            if out is None or cand < out:
                out = cand

        for start in range(j, m):
            tok = tokens[i]
            # one typed word, one entity word
            if tok == words[start]:
                keep(start, i + 1, start + 1, 0)
            # one typed word for several joined entity words: "lubuklinggau" ~ "lubuk linggau"
            joined = words[start]
            for end in range(start + 1, min(m, start + 4)):
                joined += words[end]
                if len(joined) > len(tok):
                    break
                if joined == tok:
                    keep(start, i + 1, end + 1, 0)
            # several typed words for one joined entity word: "lubuk linggau" ~ "lubuklinggau"
            typed = tok
            for nxt in range(i + 1, min(n, i + 4)):
                typed += tokens[nxt]
                if typed == words[start]:
                    keep(start, nxt + 1, start + 1, 0)
            # a syllable acronym of consecutive entity words
            if acronyms and len(tok) >= 3:
                for end in range(start + 1, min(m, start + 6) + 1):
                    span = tuple(words[start:end])
                    if (len(span) > 1 or tok != span[0]) and _acronym(tok, span):
                        keep(start, i + 1, end, 1)
        memo[(i, j)] = out
        return out

    best = go(0, 0)
    return best


def _prefilter(conn: sqlite3.Connection, tokens: list[str], kind: str | None) -> list[tuple[int, str, list[str]]]:
    """Entities whose name or an alias contains the first two letters of every typed word:
    (id, kind, [normalised names])."""
    likes = " AND ".join("k LIKE ?" for _ in tokens)
    params: list[object] = [f"%{t[:2]}%" for t in tokens]
    kind_sql = "AND e.kind = ?" if kind else ""
    rows = conn.execute(
        f"""
        WITH names(entity_id, k) AS (
            SELECT id, lower(name) FROM entities
            UNION SELECT entity_id, key FROM entity_aliases  -- a person's alias key is the bare name
        )
        SELECT e.id, e.kind, group_concat(n.k, char(31))
        FROM names n JOIN entities e ON e.id = n.entity_id
        WHERE {likes} {kind_sql}
        GROUP BY e.id
        ORDER BY (SELECT coalesce(sum(c.n), 0) FROM entity_mention_counts c WHERE c.entity_id = e.id) DESC
        LIMIT {MAX_COMPARED}
        """,
        [*params, *([kind] if kind else [])],
    ).fetchall()
    return [(int(i), k, sorted({normalise(x) for x in names.split("\x1f")})) for i, k, names in rows]


def _rows(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[str, str, str | None, int]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    counts = dict(conn.execute(
        f"SELECT entity_id, sum(n) FROM entity_mention_counts WHERE entity_id IN ({marks}) GROUP BY entity_id", ids
    ).fetchall())
    return {
        int(i): (k, n, rc, int(counts.get(i, 0)))
        for i, k, n, rc in conn.execute(f"SELECT id, kind, name, region_code FROM entities WHERE id IN ({marks})", ids)
    }


def lookup(conn: sqlite3.Connection, name: str, kind: str | None = None) -> Lookup:
    """The entities a user-typed ``name`` may mean, best first.

    Args:
        conn: a connection to a warta store.
        name: what the user typed, e.g. ``Yani``, ``Kominfo``, ``Lubuk Linggau``, ``smart city``.
        kind: only entities of this kind (person, institution, place, programme).

    Returns:
        The candidates (empty when nothing matches; then ``suggestions`` holds close names).
    """
    result = Lookup(name, kind)
    exact = match_entities(conn, name, kind)
    if exact:
        rows = _rows(conn, [i for i, _ in exact])
        result.candidates = [Candidate(i, *rows[i][:3], rows[i][3], why, (-1, 0)) for i, why in exact if i in rows]
        return result
    written = normalise(name)
    first = written.split()[0] if written else ""
    if not written or first.replace(" ", "") in POSITIONS:
        # "Camat Yani": a position with a name means someone holding it; no looser reading
        result.suggestions = suggest(conn, name, kind)
        return result
    scored: list[tuple[tuple[int, int], int, str]] = []
    for entity_id, entity_kind, names in _prefilter(conn, written.split(), kind):
        tokens = (name_key(name) if entity_kind == "person" else written).split()
        best: tuple[int, int] | None = None
        why = ""
        for entity_name in names:
            words = (name_key(entity_name) if entity_kind == "person" else entity_name).split()
            got = _align(tokens, words, entity_kind in _ACRONYM_KINDS)
            if got is not None and (best is None or got < best):
                best, why = got, entity_name
        if best is not None:
            how = "a short form or acronym of" if best[1] else "part of, or a spelling of,"
            scored.append((best, entity_id, f"'{name}' is {how} '{why}'"))
    rows = _rows(conn, [i for _, i, _ in scored])
    candidates = [Candidate(i, *rows[i][:3], rows[i][3], why, score) for score, i, why in scored]

    def rank(c: Candidate) -> tuple[int, int, int, int]:
        if c.kind == "programme":  # part of a programme's name: the programme most written about
            return (0, 0, -c.mentions, c.id)
        return (c.score[0], c.score[1], -c.mentions, c.id)

    candidates.sort(key=rank)
    if candidates and candidates[0].kind == "programme":
        candidates = [
            Candidate(c.id, c.kind, c.name, c.region_code, c.mentions, c.reason, (0, 0) if c.kind == "programme" else c.score)
            for c in candidates
        ]
    result.candidates = candidates[:MAX_CANDIDATES]
    if not result.candidates:
        result.suggestions = suggest(conn, name, kind)
    return result


def suggest(conn: sqlite3.Connection, name: str, kind: str | None = None, n: int = 5) -> list[str]:
    """Stored names close in spelling to ``name`` ("did you mean"), most similar first.

    Compares the typed name with every entity name and alias, and with each run of as many
    words of them as were typed (so a misspelt surname, or part of a name, finds the entity).
    """
    typed = normalise(name)
    if not typed:
        return []
    width = len(typed.split())
    kind_sql = "WHERE e.kind = ?" if kind else ""
    by_form: dict[str, str] = {}
    for entity_name, entity_kind, alias in conn.execute(
        f"SELECT e.name, e.kind, a.alias FROM entities e LEFT JOIN entity_aliases a ON a.entity_id = e.id {kind_sql}",
        [kind] if kind else [],
    ):
        for form in {entity_name, alias} - {None}:
            by_form.setdefault(normalise(form), entity_name)
            words = (name_key(form) if entity_kind == "person" else normalise(form)).split()
            for start in range(len(words) - width + 1):
                part = " ".join(words[start:start + width])
                if len(part) > 2:
                    by_form.setdefault(part, entity_name)
    out: list[str] = []
    for form in difflib.get_close_matches(typed, list(by_form), n=n * 3, cutoff=0.72):
        if by_form[form] not in out:
            out.append(by_form[form])
    return out[:n]
