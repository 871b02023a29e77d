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
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pipeline import wordlists

logger = logging.getLogger(__name__)

_PUNCT = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u201c\u201d\u2013\u2014"})

#: Honorifics, forms of address and ranks written before a name (dots removed, lower case).
TITLES = wordlists.keys("titles.txt")
#: Position words that may stand before a name ("Bupati Yani").
POSITIONS = frozenset(
    "bupati wabup wakil gubernur wagub wali walikota wawako kota menteri wamen kepala kadis camat "
    "lurah kades sekda sekretaris ketua direktur dirut kapolres kapolda kapolri kapolsek dandim "
    "danrem presiden wapres plt pj pjs kasat kasi kabid anggota dprd dpr jenderal kombes akbp "
    "kompol iptu ipda aipda brigjen irjen komjen kolonel letkol mayor kapten".split()
)
#: Academic and professional degrees written after a name (dots removed, lower case).
DEGREES = wordlists.keys("degrees.txt")
_QUALIFIERS = frozenset({"wakil", "plt", "pj", "pjs", "wa"})


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces: the key of a non-person name."""
    return " ".join(text.lower().translate(_PUNCT).split())


@lru_cache(maxsize=65536)
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


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The comparison key of a person's name: :func:`clean_name`, lower case, e.g. ``ahmad yani``."""
    return normalise(clean_name(name))


@lru_cache(maxsize=65536)
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

    def __init__(self, conn: sqlite3.Connection, flush: Callable[[], None] | None = None) -> None:
        self.conn = conn
        self._flush = flush or (lambda: None)
        # (kind, key) -> entity id, (entity id, alias) already stored, person id -> roles
        # [id, position, org_key, head]; only valid while no other connection has written and
        # no transaction of ours rolled back (see forget()).
        self._ids: dict[tuple[str, str], int] = {}
        self._aliases: set[tuple[int, str]] = set()
        self._roles: dict[int, list[list[Any]]] = {}
        # entities merged away in this session: cached ids pointing at them are looked up again
        self._merged: set[int] = set()
        # alias rows waiting for one executemany (written before any read of entity_aliases)
        self._alias_rows: list[tuple[int, str, str, str]] = []

    def forget(self) -> None:
        """Drop the lookup caches and unwritten aliases (after a rollback or another connection's writes)."""
        self._ids.clear()
        self._aliases.clear()
        self._roles.clear()
        self._merged.clear()
        self._alias_rows.clear()

    def flush_aliases(self) -> None:
        """Write the buffered alias rows (called before every commit and every alias lookup)."""
        if self._alias_rows:
            self.conn.executemany(
                "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, key, reason) VALUES (?, ?, ?, ?)",
                self._alias_rows,
            )
            self._alias_rows.clear()

    # ------------------------------------------------------------------ helpers

    def _get(self, kind: str, key: str) -> int | None:
        cached = self._ids.get((kind, key))
        if cached is not None and cached not in self._merged:
            return cached
        row = self.conn.execute("SELECT id FROM entities WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        if row is None:
            return None
        self._ids[(kind, key)] = int(row[0])
        return int(row[0])

    def _by_alias(self, kind: str, key: str) -> int | None:
        cached = self._ids.get(("alias:" + kind, key))
        if cached is not None and cached not in self._merged:
            return cached
        self.flush_aliases()
        row = self.conn.execute(
            "SELECT a.entity_id FROM entity_aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.key = ? AND e.kind = ? ORDER BY a.entity_id LIMIT 1",
            (key, kind),
        ).fetchone()
        if row is None:
            return None
        self._ids[("alias:" + kind, key)] = int(row[0])
        return int(row[0])

    def _create(self, kind: str, name: str, key: str, reason: str, region_code: str | None = None) -> int:
        tokens = key.split()
        cur = self.conn.execute(
            "INSERT INTO entities (kind, name, key, region_code, last_token, n_tokens, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, name, key, region_code, tokens[-1] if tokens else None, len(tokens), reason),
        )
        entity_id = int(cur.lastrowid or 0)
        self._ids[(kind, key)] = entity_id
        self.alias(entity_id, name, "canonical name", key=name_key(name) if kind == "person" else normalise(name))
        return entity_id

    def alias(self, entity_id: int, alias: str, reason: str, *, key: str | None = None) -> None:
        """Record ``alias`` as a name of the entity (the first reason given is kept)."""
        alias = alias.strip()
        if not alias or (entity_id, alias) in self._aliases:
            return
        self._aliases.add((entity_id, alias))
        self._alias_rows.append((entity_id, alias, key if key is not None else normalise(alias), reason))

    # ------------------------------------------------------------------ people

    def person(
        self, name: str, surface: str, role: str, org: str | None, article_id: int,
        in_article: dict[int, str] | None = None,
    ) -> Resolution:
        """Resolve an official's name (full or surname only) to a person entity.

        Args:
            name: the name as the extractor gave it.
            surface: the text as written in the article.
            role: the position, lower case.
            org: institution or region served, if known.
            article_id: the article being loaded.
            in_article: people already resolved in this article, id -> name (same-article
                full names win for a surname).

        Returns:
            The person entity and the reason for the link.
        """
        key = name_key(name) or name_key(surface)
        tokens = key.split()
        if len(tokens) >= 2:
            res = self._full_name(key, name)
        else:
            res = self._surname(key, name, role, org, in_article or {})
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

    def _n_full_names(self, surname: str) -> int:
        return int(self.conn.execute(
            "SELECT count(*) FROM entities WHERE kind = 'person' AND last_token = ? AND n_tokens >= 2", (surname,)
        ).fetchone()[0])

    def refresh_roles(self, role_ids: list[int]) -> None:
        """:func:`refresh_roles` on this connection, dropping the cached roles (some may be deleted)."""
        if role_ids:
            refresh_roles(self.conn, role_ids)
            self._roles.clear()

    def roles_of(self, person_id: int) -> list[list[Any]]:
        """The person's roles as [id, position, org_key, head] (cached)."""
        roles = self._roles.get(person_id)
        if roles is None:
            roles = [
                [int(r[0]), r[1], r[2], r[3]]
                for r in self.conn.execute(
                    "SELECT id, position, org_key, head FROM official_roles WHERE person_id = ?", (person_id,)
                )
            ]
            self._roles[person_id] = roles
        return roles

    def _holds(self, person_id: int, head: str, org_key: str) -> bool:
        return any(h == head and (not org_key or not ok or ok == org_key) for _, _, ok, h in self.roles_of(person_id))

    def _holders(self, surname: str, head: str, org_key: str, exclude: int | None = None) -> list[tuple[int, str]]:
        """Up to two full-name people ending in ``surname`` holding a ``head`` position there."""
        return [
            (int(r[0]), r[1])
            for r in self.conn.execute(
                "SELECT e.id, e.name FROM entities e "
                "WHERE e.kind = 'person' AND e.last_token = ? AND e.n_tokens >= 2 AND e.id != ? "
                "AND EXISTS (SELECT 1 FROM official_roles r WHERE r.person_id = e.id AND r.head = ? "
                "AND (? = '' OR r.org_key = '' OR r.org_key = ?)) LIMIT 2",
                (surname, exclude or 0, head, org_key, org_key),
            )
        ]

    def role(
        self, person_id: int, position: str, org: str | None, org_id: int | None, region_code: str | None
    ) -> tuple[int, bool]:
        """The person's role of this kind at this institution/region, created when new.

        "bupati" and "bupati muara enim" at Kabupaten Muara Enim are one role; the longer
        wording is kept.

        Returns:
            The role id and whether it was created.
        """
        head, org_key = position_head(position), normalise(org or "")
        for entry in self.roles_of(person_id):
            role_id, pos, okey, h = entry
            if h == head and (okey == org_key or not okey or not org_key):
                if len(position) > len(pos) or (org_key and not okey):
                    self.conn.execute(
                        "UPDATE OR IGNORE official_roles SET position = CASE WHEN length(?) > length(position) "
                        "THEN ? ELSE position END, org = coalesce(org, ?), org_key = CASE WHEN org_key = '' "
                        "THEN ? ELSE org_key END, org_entity_id = coalesce(org_entity_id, ?), "
                        "region_code = coalesce(region_code, ?) WHERE id = ?",
                        (position, position, org, org_key, org_id, region_code, role_id),
                    )
                    self._roles.pop(person_id, None)
                return int(role_id), False
        cur = self.conn.execute(
            "INSERT INTO official_roles (person_id, position, head, org, org_key, org_entity_id, region_code) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (person_id, position, head, org, org_key, org_id, region_code),
        )
        role_id = int(cur.lastrowid or 0)
        self.roles_of(person_id).append([role_id, position, org_key, head])
        return role_id, True

    def _surname(self, key: str, name: str, role: str, org: str | None, in_article: dict[int, str]) -> Resolution:
        same = [(i, n) for i, n in in_article.items() if len(name_key(n).split()) >= 2 and name_key(n).split()[-1] == key]
        if len(same) == 1:
            return Resolution(
                same[0][0],
                f"surname '{key}' matches the only full name ending in it in the same article ('{same[0][1]}')",
            )
        head = position_head(role)
        holding = self._holders(key, head, normalise(org or "")) if head else []
        if len(holding) == 1:
            where = f" ({org})" if org else ""
            return Resolution(
                holding[0][0],
                f"surname '{key}' matches the only full name ending in it that holds '{head}'{where}: "
                f"'{holding[0][1]}'",
            )
        found = self._get("person", key)
        if found is not None:
            return Resolution(found, "surname only; no unique full name ending in it for this position")
        n = self._n_full_names(key)
        why = (
            f"surname only; {n} full names end in '{key}', none unique for this position"
            if n
            else f"surname only; no full name ending in '{key}' yet"
        )
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
        single = self._get("person", surname)
        if single is None or single == person_id:
            return []
        for _, _, org_key, head in self.roles_of(single):
            if self._holds(person_id, head, org_key) and not self._holders(surname, head, org_key, exclude=person_id):
                why = (
                    f"surname-only '{surname}' merged: '{full_name}' became the only full name "
                    f"ending in it that holds '{head}'"
                )
                self.merge(single, person_id, why)
                return [single]
        return []

    def merge(self, source: int, target: int, reason: str) -> None:
        """Move every mention, alias, role and relation of entity ``source`` to ``target``, then drop it."""
        self._flush()
        self.flush_aliases()
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
        # only what involved the two entities is stale: the rest of the caches stays valid
        self._merged.add(source)
        self._roles.pop(source, None)
        self._roles.pop(target, None)
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


#: Article ids kept in ``official_roles.evidence`` (all are in ``official_role_articles``).
MAX_EVIDENCE = 20


#: Counts one more article for a role: widens first/last seen, extends the evidence list.
#: Parameters: (article date, article id, role id); run after the official_role_articles insert.
ROLE_EVIDENCE_SQL = f"""
UPDATE official_roles SET
  first_seen = CASE WHEN first_seen IS NULL OR ?1 < first_seen THEN ?1 ELSE first_seen END,
  last_seen = CASE WHEN last_seen IS NULL OR ?1 > last_seen THEN ?1 ELSE last_seen END,
  evidence = CASE WHEN n_articles < {MAX_EVIDENCE}
             THEN json_insert(coalesce(evidence, '[]'), '$[#]', ?2) ELSE evidence END,
  n_articles = n_articles + 1
WHERE id = ?3
"""


def refresh_roles(conn: sqlite3.Connection, role_ids: list[int]) -> None:
    """Recompute first/last seen, evidence and article count of roles; drop roles left without evidence.

    Used after facts are deleted; new evidence is added incrementally by :func:`add_role_evidence`.
    """
    for role_id in role_ids:
        conn.execute(
            f"""
            UPDATE official_roles SET
              first_seen = (SELECT min(substr(coalesce(a.published, a.fetched_at), 1, 10))
                            FROM official_role_articles r JOIN articles a ON a.id = r.article_id
                            WHERE r.role_id = official_roles.id),
              last_seen = (SELECT max(substr(coalesce(a.published, a.fetched_at), 1, 10))
                           FROM official_role_articles r JOIN articles a ON a.id = r.article_id
                           WHERE r.role_id = official_roles.id),
              evidence = (SELECT json_group_array(article_id) FROM
                          (SELECT article_id FROM official_role_articles WHERE role_id = official_roles.id
                           ORDER BY article_id LIMIT {MAX_EVIDENCE})),
              n_articles = (SELECT count(*) FROM official_role_articles WHERE role_id = official_roles.id)
            WHERE id = ?
            """,
            (role_id,),
        )
    if role_ids:
        marks = ",".join("?" * len(role_ids))
        conn.execute(f"DELETE FROM official_roles WHERE n_articles = 0 AND id IN ({marks})", role_ids)


def _position_splits(name: str) -> list[tuple[str, str]]:
    """Ways to read a typed name as position + person: [(position, name key)], longest position last.

    "Bupati Yani" gives [("bupati", "yani")]; "Bupati Muara Enim Ir. H. Ahmad Yani, MM" also
    gives ("bupati muara enim", "ahmad yani"). Empty when the name does not start with a
    position word (see :data:`POSITIONS`).
    """
    words = name.split()
    if len(words) < 2 or normalise(words[0]).replace(" ", "") not in POSITIONS:
        return []
    out: list[tuple[str, str]] = []
    for i in range(1, len(words)):
        position, rest = normalise(" ".join(words[:i])), name_key(" ".join(words[i:]))
        if position and rest and (position, rest) not in out:
            out.append((position, rest))
    return out


def match_entities(conn: sqlite3.Connection, name: str, kind: str | None = None) -> list[tuple[int, str]]:
    """Entities a user-typed name may mean, most mentioned first, each with why it matches.

    A name matches an entity's canonical key or any alias, as written (``Kota Ambon``) or as
    a person's name key with titles and degrees stripped (``Ir. H. Ahmad Yani, MM``). A name
    starting with a position (``Bupati Yani``, ``Wali Kota Harnojoyo``, ``Kepala Dinas
    Kominfo Yani``) also matches every person whose name ends in what follows the position
    (or is all of it) and who holds a role whose position starts with those words.

    Returns:
        (entity id, reason) pairs; several when the name is ambiguous.
    """
    written, key = normalise(name), name_key(name)
    splits = _position_splits(name) if kind in (None, "person") else []
    # after a position word, a lone surname only counts together with the position held
    keys = sorted({written} | ({key} if key and not (splits and len(key.split()) < 2) else set()) - {""})
    found: dict[int, str] = {}
    if keys:
        marks = ",".join("?" * len(keys))
        kind_sql = " AND e.kind = ?" if kind else ""
        params: list[object] = [*keys, "name:" + written, *keys, *([kind] if kind else [])]
        for entity_id, entity_key in conn.execute(
            f"SELECT e.id, e.key FROM entities e WHERE (e.key IN ({marks}) OR e.key = ? OR e.id IN "
            f"(SELECT entity_id FROM entity_aliases WHERE key IN ({marks}))){kind_sql}",
            params,
        ):
            found[int(entity_id)] = (
                f"key '{entity_key}' matches '{name}'" if entity_key in keys or entity_key == "name:" + written
                else f"a recorded alias matches '{name}'"
            )
    for position, rest in splits:
        tokens = rest.split()
        name_sql = "e.key = ?" if len(tokens) >= 2 else "e.last_token = ?"
        for (entity_id,) in conn.execute(
            f"SELECT e.id FROM entities e WHERE e.kind = 'person' AND {name_sql} AND EXISTS "
            "(SELECT 1 FROM official_roles r WHERE r.person_id = e.id AND (r.position = ? OR r.position LIKE ?))",
            (rest, position, position + " %"),
        ):
            what = f"name '{rest}'" if len(tokens) >= 2 else f"surname '{rest}'"
            found.setdefault(int(entity_id), f"{what} of a person holding a position starting '{position}'")
    if not found:
        return []
    marks = ",".join("?" * len(found))
    counts = dict(conn.execute(
        f"SELECT entity_id, sum(n) FROM entity_mention_counts WHERE entity_id IN ({marks}) GROUP BY entity_id",
        list(found),
    ).fetchall())
    order = sorted(found, key=lambda i: (-counts.get(i, 0), i))
    return [(i, found[i]) for i in order]


def find_entities(conn: sqlite3.Connection, name: str, kind: str | None = None) -> list[int]:
    """Entities a user-typed name may mean, most mentioned first (see :func:`match_entities`)."""
    return [entity_id for entity_id, _ in match_entities(conn, name, kind)]
