"""Read-side views of the store: one entity, one programme."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from db.exceptions import NotFoundError
from db.lookup import lookup

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
class StageRow:
    """A stage of a programme in a year, with the articles that state it."""

    year: int | None
    stage: int | None
    article_ids: list[int]


@dataclass(slots=True)
class Participant:
    """A region said to take part in a programme."""

    region: str
    region_code: str | None
    year: int | None
    stage: int | None
    article_ids: list[int]


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
    entity_id = ids[0]
    row = conn.execute(
        "SELECT id, kind, name, region_code, reason FROM entities WHERE id = ?", (entity_id,)
    ).fetchone()
    report = EntityReport(*row)
    report.matched_because = found.candidates[0].reason
    report.ambiguous = found.ambiguous
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
    report.articles = _articles(conn, "SELECT article_id FROM mentions WHERE entity_id = ?", (entity_id,))
    report.n_mentions = int(
        conn.execute("SELECT count(*) FROM mentions WHERE entity_id = ?", (entity_id,)).fetchone()[0]
    )
    report.link_reasons = [
        (r, int(n))
        for r, n in conn.execute(
            "SELECT reason, count(*) AS n FROM mentions WHERE entity_id = ? GROUP BY reason ORDER BY n DESC",
            (entity_id,),
        )
    ]
    for other in ids[1:10]:
        o = conn.execute("SELECT id, kind, name FROM entities WHERE id = ?", (other,)).fetchone()
        report.other_matches.append((int(o[0]), o[1], o[2]))
    return report


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
    pid = found.candidates[0].id
    prog_name = conn.execute("SELECT name FROM entities WHERE id = ?", (pid,)).fetchone()[0]
    aliases = [r[0] for r in conn.execute("SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY id", (pid,))]
    stages = [
        StageRow(y, s, _ids(a))
        for y, s, a in conn.execute(
            "SELECT year, stage, group_concat(DISTINCT article_id) FROM programme_stages WHERE programme_id = ? "
            "GROUP BY year, stage ORDER BY year, stage",
            (pid,),
        )
    ]
    participants = [
        Participant(r, rc, y, s, _ids(a))
        for r, rc, y, s, a in conn.execute(
            "SELECT coalesce(e.name, p.region), coalesce(p.region_code, e.region_code), p.year, p.stage, "
            "group_concat(DISTINCT p.article_id) FROM programme_participants p "
            "LEFT JOIN entities e ON e.id = p.region_id WHERE p.programme_id = ? "
            "GROUP BY coalesce(p.region_id, p.region), p.year, p.stage ORDER BY p.year, p.stage, 1",
            (pid,),
        )
    ]
    articles = _articles(
        conn,
        "SELECT article_id FROM programme_stages WHERE programme_id = ? "
        "UNION SELECT article_id FROM programme_participants WHERE programme_id = ?",
        (pid, pid),
    )
    others = [c.name for c in found.candidates[1:10]]
    return ProgrammeReport(pid, prog_name, aliases, stages, participants, articles, others)


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
