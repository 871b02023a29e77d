"""Entity resolution: which stored person, institution, place or programme a fact names.

Every decision is recorded with a reason (on the mention and on each alias) so that
``warta entity NAME --why`` can explain it.

People: names are compared by a *name key*, the lower-cased name with honorifics
(Ir., H., Dr. ...), leading positions (Bupati ...) and degrees (MM, S.Sos ...) stripped,
so "Ir. H. Ahmad Yani, MM" and "Ahmad Yani" share the key ``ahmad yani``. A surname-only
mention ("Bupati Yani") attaches to a full name ending in that surname when exactly one
such person appears in the same article, or else when exactly one holds the same kind of
position (bupati, gubernur ...) in the same institution or region; otherwise it stays an
entity of its own until a unique full name turns up, which then absorbs it.

Institutions resolve through their canonical name and the aliases the extractor lists;
places resolve to their Kemendagri region code; programmes by their normalised name.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_PUNCT = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u201c\u201d\u2013\u2014"})

#: Honorifics and forms of address written before a name (dots removed, lower case).
TITLES = frozenset(
    "ir h hj dr drs dra prof kh haji hajah hajjah tgh ust ustadz ustad habib bapak pak ibu bu "
    "sdr sdri saudara saudari tuan nyonya ny kyai kiai gus raden rd mr mrs ms".split()
)
#: Position words that may stand before a name ("Bupati Yani").
POSITIONS = frozenset(
    "bupati wabup wakil gubernur wagub wali walikota wawako kota menteri wamen kepala kadis camat "
    "lurah kades sekda sekretaris ketua direktur dirut kapolres kapolda kapolri kapolsek dandim "
    "danrem presiden wapres plt pj pjs kasat kasi kabid anggota dprd dpr jenderal kombes akbp "
    "kompol iptu ipda aipda brigjen irjen komjen kolonel letkol mayor kapten".split()
)
#: Academic and professional degrees written after a name (dots removed, lower case).
DEGREES = frozenset(
    "mm msi ssos se sh mh st mt mpd spd mba mkes skm ak sp phd ma msc sip ssi skom mkom sstp "
    "mtp mp sag mag mhum shum sp1 sp2 mars map mph ssn ipu cpa sked mkn sthi lc amd ba bsc "
    "dea dipl mec meng msi".split()
)
_QUALIFIERS = frozenset({"wakil", "plt", "pj", "pjs", "wa"})


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces: the key of a non-person name."""
    return " ".join(text.lower().translate(_PUNCT).split())


def clean_name(name: str) -> str:
    """A person's name without honorifics, leading positions and degrees, case kept.

    Args:
        name: a name as written, e.g. ``Ir. H. Ahmad Yani, MM``.

    Returns:
        e.g. ``Ahmad Yani``; the name as given when stripping would leave nothing.
    """
    head = name.split(",", 1)[0]  # what follows a comma is degrees
    tokens = [t for t in head.replace(".", ". ").split() if t.translate(_PUNCT).strip()]

    def bare(token: str) -> str:
        return token.lower().translate(_PUNCT).replace(" ", "")

    while tokens and (bare(tokens[0]) in TITLES or bare(tokens[0]) in POSITIONS):
        tokens.pop(0)
    while len(tokens) > 1 and bare(tokens[-1]) in DEGREES:
        tokens.pop()
    words = [t.translate(_PUNCT).strip() for t in tokens]
    return " ".join(w for w in words if w) or " ".join(name.split())


def name_key(name: str) -> str:
    """The comparison key of a person's name: :func:`clean_name`, lower case, e.g. ``ahmad yani``."""
    return normalise(clean_name(name))


def position_head(role: str) -> str:
    """The kind of position, e.g. ``bupati`` for ``bupati muara enim``, ``wakil bupati`` for its deputy."""
    words = normalise(role).split()
    head: list[str] = []
    for word in words:
        head.append(word)
        if word not in _QUALIFIERS:
            break
    return " ".join(head)


@dataclass(slots=True, frozen=True)
class Resolution:
    """The entity a fact was linked to and why."""

    entity_id: int
    reason: str
    created: bool = False


class Resolver:
    """Finds or creates entities on one open connection (inside the caller's transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # ------------------------------------------------------------------ helpers

    def _get(self, kind: str, key: str) -> int | None:
        row = self.conn.execute("SELECT id FROM entities WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return int(row[0]) if row else None

    def _by_alias(self, kind: str, key: str) -> int | None:
        row = self.conn.execute(
            "SELECT a.entity_id FROM entity_aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.key = ? AND e.kind = ? ORDER BY a.entity_id LIMIT 1",
            (key, kind),
        ).fetchone()
        return int(row[0]) if row else None

    def _create(self, kind: str, name: str, key: str, reason: str, region_code: str | None = None) -> int:
        tokens = key.split()
        cur = self.conn.execute(
            "INSERT INTO entities (kind, name, key, region_code, last_token, n_tokens, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, name, key, region_code, tokens[-1] if tokens else None, len(tokens), reason),
        )
        entity_id = int(cur.lastrowid or 0)
        self.alias(entity_id, name, "canonical name", key=name_key(name) if kind == "person" else normalise(name))
        return entity_id

    def alias(self, entity_id: int, alias: str, reason: str, *, key: str | None = None) -> None:
        """Record ``alias`` as a name of the entity (the first reason given is kept)."""
        alias = alias.strip()
        if not alias:
            return
        self.conn.execute(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, key, reason) VALUES (?, ?, ?, ?)",
            (entity_id, alias, key if key is not None else normalise(alias), reason),
        )

    # ------------------------------------------------------------------ people

    def person(self, name: str, surface: str, role: str, org: str | None, article_id: int) -> Resolution:
        """Resolve an official's name (full or surname only) to a person entity.

        Args:
            name: the name as the extractor gave it.
            surface: the text as written in the article.
            role: the position, lower case.
            org: institution or region served, if known.
            article_id: the article being loaded (same-article matches win).

        Returns:
            The person entity and the reason for the link.
        """
        key = name_key(name) or name_key(surface)
        tokens = key.split()
        if len(tokens) >= 2:
            res = self._full_name(key, name)
        else:
            res = self._surname(key, name, role, org, article_id)
        self.alias(res.entity_id, surface, f"written so in article {article_id}; name key '{key}'", key=key)
        return res

    def _full_name(self, key: str, name: str) -> Resolution:
        found = self._get("person", key)
        if found is not None:
            return Resolution(found, f"name key '{key}' (titles and degrees stripped) matches")
        found = self._by_alias("person", key)
        if found is not None:
            return Resolution(found, f"name key '{key}' matches a recorded alias")
        entity_id = self._create("person", clean_name(name), key, f"first full-name mention of '{key}'")
        return Resolution(entity_id, f"new person: no entity had name key '{key}'", created=True)

    def _candidates(self, surname: str) -> list[tuple[int, str]]:
        return [
            (int(r[0]), str(r[1]))
            for r in self.conn.execute(
                "SELECT id, name FROM entities WHERE kind = 'person' AND last_token = ? AND n_tokens >= 2",
                (surname,),
            )
        ]

    def _holds(self, person_id: int, head: str, org: str | None) -> bool:
        org_key = normalise(org) if org else ""
        for position, role_org in self.conn.execute(
            "SELECT position, org_key FROM official_roles WHERE person_id = ?", (person_id,)
        ):
            if position_head(position) == head and (not org_key or not role_org or role_org == org_key):
                return True
        return False

    def _surname(self, key: str, name: str, role: str, org: str | None, article_id: int) -> Resolution:
        candidates = self._candidates(key)
        if candidates:
            ids = [c[0] for c in candidates]
            marks = ",".join("?" * len(ids))
            in_article = [
                int(r[0])
                for r in self.conn.execute(
                    f"SELECT DISTINCT entity_id FROM mentions WHERE article_id = ? AND entity_id IN ({marks})",
                    (article_id, *ids),
                )
            ]
            names = dict(candidates)
            if len(in_article) == 1:
                return Resolution(
                    in_article[0],
                    f"surname '{key}' matches the only full name ending in it in the same article "
                    f"('{names[in_article[0]]}')",
                )
            head = position_head(role)
            holding = [i for i in ids if head and self._holds(i, head, org)]
            if len(holding) == 1:
                where = f" ({org})" if org else ""
                return Resolution(
                    holding[0],
                    f"surname '{key}' matches the only full name ending in it that holds "
                    f"'{head}'{where}: '{names[holding[0]]}'",
                )
        found = self._get("person", key)
        why = (
            f"surname only; {len(candidates)} full names end in '{key}', none unique for this position"
            if candidates
            else f"surname only; no full name ending in '{key}' yet"
        )
        if found is not None:
            return Resolution(found, why)
        return Resolution(self._create("person", clean_name(name), key, why), why, created=True)

    def absorb_surname_entities(self, person_id: int) -> list[int]:
        """Merge surname-only people into ``person_id`` when it is their unique full-name match.

        Called after a full-name person gets a position: an earlier "Bupati Yani" kept apart
        for want of a full name joins "Ahmad Yani" once he is the only full name ending in
        "Yani" holding a bupati post.

        Returns:
            The ids of the merged (now deleted) entities.
        """
        row = self.conn.execute(
            "SELECT name, last_token, n_tokens FROM entities WHERE id = ?", (person_id,)
        ).fetchone()
        if row is None or (row[2] or 0) < 2:
            return []
        full_name, surname = row[0], row[1]
        merged: list[int] = []
        single = self._get("person", surname)
        if single is None or single == person_id:
            return merged
        others = [c for c, _ in self._candidates(surname) if c != person_id]
        roles = self.conn.execute(
            "SELECT position, org FROM official_roles WHERE person_id = ?", (single,)
        ).fetchall()
        for position, org in roles:
            head = position_head(position)
            if self._holds(person_id, head, org) and not any(self._holds(o, head, org) for o in others):
                why = (
                    f"surname-only '{surname}' merged: '{full_name}' became the only full name "
                    f"ending in it that holds '{head}'"
                )
                self.merge(single, person_id, why)
                merged.append(single)
                break
        return merged

    def merge(self, source: int, target: int, reason: str) -> None:
        """Move every mention, alias, role and relation of entity ``source`` to ``target``, then drop it."""
        c = self.conn
        c.execute(
            "UPDATE mentions SET entity_id = ?, reason = ? WHERE entity_id = ?", (target, reason, source)
        )
        c.execute("UPDATE official_relations SET subject_id = ? WHERE subject_id = ?", (target, source))
        c.execute("UPDATE official_relations SET object_id = ? WHERE object_id = ?", (target, source))
        c.execute("UPDATE official_roles SET org_entity_id = ? WHERE org_entity_id = ?", (target, source))
        c.execute(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, key, reason) "
            "SELECT ?, alias, key, ? FROM entity_aliases WHERE entity_id = ?",
            (target, reason, source),
        )
        c.execute("DELETE FROM entity_aliases WHERE entity_id = ?", (source,))
        for role_id, position, org_key in c.execute(
            "SELECT id, position, org_key FROM official_roles WHERE person_id = ?", (source,)
        ).fetchall():
            existing = c.execute(
                "SELECT id FROM official_roles WHERE person_id = ? AND position = ? AND org_key = ?",
                (target, position, org_key),
            ).fetchone()
            if existing:
                c.execute(
                    "INSERT OR IGNORE INTO official_role_articles (role_id, article_id) "
                    "SELECT ?, article_id FROM official_role_articles WHERE role_id = ?",
                    (existing[0], role_id),
                )
                c.execute("DELETE FROM official_roles WHERE id = ?", (role_id,))
                refresh_roles(c, [int(existing[0])])
            else:
                c.execute("UPDATE official_roles SET person_id = ? WHERE id = ?", (target, role_id))
        c.execute("DELETE FROM entities WHERE id = ?", (source,))
        logger.info("merged entity %d into %d: %s", source, target, reason)

    # ------------------------------------------------------------------ others

    def institution(self, name: str, aliases: list[str], surface: str, region_code: str | None) -> Resolution:
        """Resolve an institution by canonical name, then by any of its aliases."""
        key = normalise(name)
        found = self._get("institution", key)
        if found is not None:
            res = Resolution(found, f"canonical name '{name}'")
        else:
            found = None
            for alias in [name, *aliases]:
                found = self._by_alias("institution", normalise(alias))
                if found is not None:
                    res = Resolution(found, f"alias '{alias}' already names this institution")
                    break
            else:
                res = Resolution(
                    self._create("institution", name, key, "first mention", region_code),
                    f"new institution '{name}'",
                    created=True,
                )
        for alias in aliases:
            self.alias(res.entity_id, alias, f"alias listed by the extractor for '{name}'")
        self.alias(res.entity_id, surface, f"surface form of '{name}'")
        return res

    def place(self, name: str, code: str | None, surface: str) -> Resolution:
        """Resolve a place to its region code (by name when the code is unknown)."""
        key_name = normalise(name)
        if code:
            found = self._get("place", code)
            if found is not None:
                res = Resolution(found, f"region code {code}")
            else:
                res = Resolution(
                    self._create("place", name, code, f"region code {code}", code),
                    f"new place with region code {code}",
                    created=True,
                )
                self.alias(res.entity_id, name, f"official name of region {code}", key=key_name)
        else:
            found = self._get("place", "name:" + key_name) or self._by_alias("place", key_name)
            if found is not None:
                res = Resolution(found, f"name '{name}' matches a known place")
            else:
                res = Resolution(
                    self._create("place", name, "name:" + key_name, "no region code known"),
                    f"new place '{name}' without region code",
                    created=True,
                )
                self.alias(res.entity_id, name, "official name", key=key_name)
        self.alias(res.entity_id, surface, f"surface form of '{name}'")
        return res

    def programme(self, name: str, surface: str) -> Resolution:
        """Resolve a programme by its normalised name."""
        key = normalise(name)
        found = self._get("programme", key) or self._by_alias("programme", key)
        if found is not None:
            res = Resolution(found, f"programme name '{key}'")
        else:
            res = Resolution(self._create("programme", name, key, "first mention"), "new programme", created=True)
        return res


def refresh_roles(conn: sqlite3.Connection, role_ids: list[int]) -> None:
    """Recompute first/last seen, evidence and article count of roles; drop roles left without evidence."""
    for role_id in role_ids:
        conn.execute(
            """
            UPDATE official_roles SET
              first_seen = (SELECT min(substr(coalesce(a.published, a.fetched_at), 1, 10))
                            FROM official_role_articles r JOIN articles a ON a.id = r.article_id
                            WHERE r.role_id = official_roles.id),
              last_seen = (SELECT max(substr(coalesce(a.published, a.fetched_at), 1, 10))
                           FROM official_role_articles r JOIN articles a ON a.id = r.article_id
                           WHERE r.role_id = official_roles.id),
              evidence = (SELECT json_group_array(article_id) FROM
                          (SELECT article_id FROM official_role_articles WHERE role_id = official_roles.id
                           ORDER BY article_id)),
              n_articles = (SELECT count(*) FROM official_role_articles WHERE role_id = official_roles.id)
            WHERE id = ?
            """,
            (role_id,),
        )
    if role_ids:
        marks = ",".join("?" * len(role_ids))
        conn.execute(f"DELETE FROM official_roles WHERE n_articles = 0 AND id IN ({marks})", role_ids)


def find_entities(conn: sqlite3.Connection, name: str, kind: str | None = None) -> list[int]:
    """Entities a user-typed name may mean, most mentioned first.

    Matches the canonical key, any alias, and for a single word the surname of full names.
    """
    keys = sorted({normalise(name), name_key(name)} - {""})
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    kind_sql = " AND e.kind = ?" if kind else ""
    params: list[object] = [*keys, *keys, "name:" + normalise(name)]
    if kind:
        params.append(kind)
    rows = conn.execute(
        f"""
        SELECT e.id, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS n
        FROM entities e
        WHERE (e.key IN ({marks}) OR e.id IN (SELECT entity_id FROM entity_aliases WHERE key IN ({marks}))
               OR e.key = ?){kind_sql}
        ORDER BY n DESC, e.id
        """,
        params,
    ).fetchall()
    return [int(r[0]) for r in rows]
