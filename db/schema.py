"""The knowledge store's schema and its migrations.

The schema version lives in ``PRAGMA user_version``. :data:`MIGRATIONS` lists one function
per version; :func:`migrate` runs the ones a store has not seen yet, in order, so a store
written by an older warta is upgraded in place when it is opened.

Version history:

1. Articles, outlets, entities with aliases, mentions with provenance, official roles,
   programme stages and participants, dates, official relations, runs; FTS5 over
   ``articles(title, text)`` kept current by triggers.
2. Near-duplicate detection (MinHash signature in ``articles.fingerprint``, its LSH band
   keys in ``near_duplicate_keys``, ``duplicate_of`` linking a copy to the earliest one),
   raw HTML kept zlib-compressed, the extractor version per article, the kind of position
   (``official_roles.head``: bupati, wakil bupati ...) for surname matching, indexes on every
   entity foreign key (merging two entities checks them all), tags as a
   ``tags``/``article_tags`` many-to-many table (back-filled from ``articles.tags``); the FTS
   update trigger fires only when title or text change.
3. New articles are added to the FTS index once per transaction by the store (one
   ``INSERT ... SELECT`` over the rows it inserted, about three times cheaper than the
   per-row insert trigger, which is dropped); the index's in-memory buffer (``hashsize``) is
   raised to 16 MB so a batch is written as one segment. Update and delete triggers stay.
4. Mentions per entity and link reason (``entity_mention_counts``), kept by triggers on
   ``mentions``, so entity pages, name lookups and search filters read counts instead of
   counting every mention of a popular entity; a narrow index ``articles(id, published_utc)``
   so date filters and entity pages read dates without the (wide) article rows.
5. A narrow covering index of the columns lists show (``idx_articles_card``).
6. Mention counts of new mentions are added by the store, one upsert per entity and link
   reason per flush of fact rows (:data:`MENTION_COUNTS_SQL`), instead of the per-row insert
   trigger (dropped); the update and delete triggers stay. Whoever inserts into ``mentions``
   other than through :class:`db.store.Store` must add to ``entity_mention_counts`` too.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable

import sqlite_utils

from db.exceptions import SchemaVersionError
from db.fingerprint import lsh_keys, minhash, shingles
from db.resolve import position_head

logger = logging.getLogger(__name__)

#: ``PRAGMA application_id`` of a warta store ("WRTA").
APPLICATION_ID = 0x57525441

#: Tables of the current schema, in dependency order (used by stats and export).
TABLES = (
    "runs",
    "outlets",
    "articles",
    "near_duplicate_keys",
    "tags",
    "article_tags",
    "entities",
    "entity_aliases",
    "mentions",
    "official_roles",
    "official_role_articles",
    "programme_stages",
    "programme_participants",
    "dates",
    "official_relations",
)

_PROVENANCE = """
    char_start INTEGER,
    char_end INTEGER,
    sentence TEXT,
    extractor TEXT,
    extractor_version TEXT,
    confidence REAL"""

V1_SQL = f"""
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    counts TEXT
);
CREATE TABLE IF NOT EXISTS outlets (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL UNIQUE,
    first_seen TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    canonical_url TEXT NOT NULL UNIQUE,
    url TEXT,
    outlet_id INTEGER NOT NULL REFERENCES outlets(id),
    outlet TEXT NOT NULL,
    title TEXT NOT NULL,
    authors TEXT,
    editor TEXT,
    published TEXT,
    published_utc TEXT,
    updated TEXT,
    section TEXT,
    tags TEXT,
    text TEXT NOT NULL,
    dateline TEXT,
    pages INTEGER NOT NULL DEFAULT 1,
    adapter TEXT,
    language TEXT,
    content_hash TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id)
);
CREATE INDEX IF NOT EXISTS idx_articles_published_utc ON articles(published_utc);
CREATE INDEX IF NOT EXISTS idx_articles_outlet ON articles(outlet);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'institution', 'place', 'programme')),
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    region_code TEXT,
    last_token TEXT,
    n_tokens INTEGER,
    reason TEXT,
    UNIQUE (kind, key)
);
CREATE INDEX IF NOT EXISTS idx_entities_last_token ON entities(kind, last_token);
CREATE INDEX IF NOT EXISTS idx_entities_region_code ON entities(region_code);
CREATE TABLE IF NOT EXISTS entity_aliases (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    key TEXT NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (entity_id, alias)
);
CREATE INDEX IF NOT EXISTS idx_entity_aliases_key ON entity_aliases(key);
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    fact_type TEXT NOT NULL,
    surface TEXT,{_PROVENANCE},
    reason TEXT
);
CREATE INDEX IF NOT EXISTS idx_mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_mentions_entity ON mentions(entity_id, article_id);
CREATE TABLE IF NOT EXISTS official_roles (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES entities(id),
    position TEXT NOT NULL,
    org TEXT,
    org_key TEXT NOT NULL DEFAULT '',
    org_entity_id INTEGER REFERENCES entities(id),
    region_code TEXT,
    first_seen TEXT,
    last_seen TEXT,
    evidence TEXT,
    n_articles INTEGER NOT NULL DEFAULT 0,
    UNIQUE (person_id, position, org_key)
);
CREATE INDEX IF NOT EXISTS idx_official_roles_region ON official_roles(region_code);
CREATE TABLE IF NOT EXISTS official_role_articles (
    role_id INTEGER NOT NULL REFERENCES official_roles(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, article_id)
);
CREATE INDEX IF NOT EXISTS idx_official_role_articles_article ON official_role_articles(article_id);
CREATE TABLE IF NOT EXISTS programme_stages (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    programme_id INTEGER NOT NULL REFERENCES entities(id),
    programme TEXT NOT NULL,
    stage INTEGER,
    year INTEGER,
    surface TEXT,{_PROVENANCE}
);
CREATE INDEX IF NOT EXISTS idx_programme_stages_article ON programme_stages(article_id);
CREATE INDEX IF NOT EXISTS idx_programme_stages_programme ON programme_stages(programme_id);
CREATE TABLE IF NOT EXISTS programme_participants (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    programme_id INTEGER NOT NULL REFERENCES entities(id),
    programme TEXT NOT NULL,
    region_id INTEGER REFERENCES entities(id),
    region TEXT NOT NULL,
    region_code TEXT,
    year INTEGER,
    stage INTEGER,
    surface TEXT,{_PROVENANCE}
);
CREATE INDEX IF NOT EXISTS idx_programme_participants_article ON programme_participants(article_id);
CREATE INDEX IF NOT EXISTS idx_programme_participants_programme ON programme_participants(programme_id);
CREATE TABLE IF NOT EXISTS dates (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    precision TEXT NOT NULL,
    surface TEXT,{_PROVENANCE}
);
CREATE INDEX IF NOT EXISTS idx_dates_article ON dates(article_id);
CREATE INDEX IF NOT EXISTS idx_dates_value ON dates(value);
CREATE TABLE IF NOT EXISTS official_relations (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject_id INTEGER REFERENCES entities(id),
    object_id INTEGER REFERENCES entities(id),
    subject TEXT NOT NULL,
    object TEXT NOT NULL,{_PROVENANCE}
);
CREATE INDEX IF NOT EXISTS idx_official_relations_article ON official_relations(article_id);
"""

#: Tokenizer of the full-text index: Unicode-aware, accents folded.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def _v1(conn: sqlite3.Connection) -> None:
    conn.executescript(V1_SQL)
    sqlite_utils.Database(conn).table("articles").enable_fts(
        ["title", "text"], fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE
    )


_V2_COLUMNS = (
    ("fingerprint", "BLOB"),
    ("duplicate_of", "INTEGER REFERENCES articles(id)"),
    ("html", "BLOB"),
    ("extractor_version", "TEXT"),
)


def _v2(conn: sqlite3.Connection) -> None:
    have = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    for name, decl in _V2_COLUMNS:
        if name not in have:
            conn.execute(f"ALTER TABLE articles ADD COLUMN {name} {decl}")
    if "head" not in {row[1] for row in conn.execute("PRAGMA table_info(official_roles)")}:
        conn.execute("ALTER TABLE official_roles ADD COLUMN head TEXT")
    for role_id, position in conn.execute("SELECT id, position FROM official_roles WHERE head IS NULL").fetchall():
        conn.execute("UPDATE official_roles SET head = ? WHERE id = ?", (position_head(position), role_id))
    conn.executescript(
        """
        CREATE TABLE IF NOT EXISTS near_duplicate_keys (
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (key, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS idx_near_duplicate_keys_article ON near_duplicate_keys(article_id);
        CREATE INDEX IF NOT EXISTS idx_articles_duplicate_of ON articles(duplicate_of);
        CREATE INDEX IF NOT EXISTS idx_official_roles_head ON official_roles(head);
        CREATE INDEX IF NOT EXISTS idx_official_roles_person ON official_roles(person_id, head);
        CREATE INDEX IF NOT EXISTS idx_official_roles_org_entity ON official_roles(org_entity_id);
        CREATE INDEX IF NOT EXISTS idx_official_relations_subject ON official_relations(subject_id);
        CREATE INDEX IF NOT EXISTS idx_official_relations_object ON official_relations(object_id);
        CREATE INDEX IF NOT EXISTS idx_programme_participants_region ON programme_participants(region_id);
        CREATE TABLE IF NOT EXISTS tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE IF NOT EXISTS article_tags (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id),
            PRIMARY KEY (article_id, tag_id)
        );
        CREATE INDEX IF NOT EXISTS idx_article_tags_tag ON article_tags(tag_id);
        DROP TRIGGER IF EXISTS articles_au;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, text)
            VALUES('delete', old.rowid, old.title, old.text);
          INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """
    )
    rows = conn.execute("SELECT id, text, tags FROM articles WHERE fingerprint IS NULL").fetchall()
    for article_id, text, tags in rows:
        signature = minhash(shingles(text))
        conn.execute("UPDATE articles SET fingerprint = ? WHERE id = ?", (signature.tobytes(), article_id))
        conn.executemany(
            "INSERT OR IGNORE INTO near_duplicate_keys (key, article_id) VALUES (?, ?)",
            [(k, article_id) for k in lsh_keys(signature)],
        )
        for tag in json.loads(tags or "[]"):
            conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
            conn.execute(
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id) "
                "SELECT ?, id FROM tags WHERE name = ?",
                (article_id, tag),
            )
    if rows:
        logger.info("schema v2: fingerprinted and tagged %d existing articles", len(rows))


#: Bytes of new index terms FTS5 buffers in memory before writing a segment (its default is 1 MB).
FTS_HASHSIZE = 16 * 1024 * 1024

#: Adds the articles with ids in [?1, ?2] to the full-text index (they must not be in it yet).
FTS_INDEX_SQL = (
    "INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text FROM articles WHERE id BETWEEN ? AND ?"
)


def _v3(conn: sqlite3.Connection) -> None:
    # every row inserted so far went through the trigger, so the index is complete
    conn.execute("DROP TRIGGER IF EXISTS articles_ai")
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', ?)", (FTS_HASHSIZE,))


V4_SQL = """
CREATE TABLE IF NOT EXISTS entity_mention_counts (
    entity_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (entity_id, reason)
) WITHOUT ROWID;
DROP TRIGGER IF EXISTS mentions_count_ai;
CREATE TRIGGER mentions_count_ai AFTER INSERT ON mentions BEGIN
  INSERT INTO entity_mention_counts (entity_id, reason, n) VALUES (new.entity_id, coalesce(new.reason, ''), 1)
    ON CONFLICT (entity_id, reason) DO UPDATE SET n = n + 1;
END;
DROP TRIGGER IF EXISTS mentions_count_ad;
CREATE TRIGGER mentions_count_ad AFTER DELETE ON mentions BEGIN
  UPDATE entity_mention_counts SET n = n - 1 WHERE entity_id = old.entity_id AND reason = coalesce(old.reason, '');
  DELETE FROM entity_mention_counts WHERE entity_id = old.entity_id AND reason = coalesce(old.reason, '') AND n <= 0;
END;
DROP TRIGGER IF EXISTS mentions_count_au;
CREATE TRIGGER mentions_count_au AFTER UPDATE OF entity_id, reason ON mentions BEGIN
  UPDATE entity_mention_counts SET n = n - 1 WHERE entity_id = old.entity_id AND reason = coalesce(old.reason, '');
  DELETE FROM entity_mention_counts WHERE entity_id = old.entity_id AND reason = coalesce(old.reason, '') AND n <= 0;
  INSERT INTO entity_mention_counts (entity_id, reason, n) VALUES (new.entity_id, coalesce(new.reason, ''), 1)
    ON CONFLICT (entity_id, reason) DO UPDATE SET n = n + 1;
END;
CREATE INDEX IF NOT EXISTS idx_articles_id_published ON articles(id, published_utc);
"""


def _v4(conn: sqlite3.Connection) -> None:
    conn.executescript(V4_SQL)
    if not conn.in_transaction:  # executescript() commits: back-fill and version bump in one transaction
        conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM entity_mention_counts")
    conn.execute(
        "INSERT INTO entity_mention_counts (entity_id, reason, n) "
        "SELECT entity_id, coalesce(reason, ''), count(*) FROM mentions GROUP BY 1, 2"
    )


#: The columns of an article that lists show (entity pages, search hits), by id: a list reads
#: this narrow index instead of the wide rows (text, fingerprint, compressed HTML), whose pages
#: are mostly not cached in a large store, and never follows a row's overflow pages to reach
#: ``duplicate_of``. Its first two columns serve the date filters the (id, date) index served.
V5_SQL = (
    "CREATE INDEX IF NOT EXISTS idx_articles_card ON articles"
    "(id, published_utc, published, title, outlet, canonical_url, duplicate_of)",
    "DROP INDEX IF EXISTS idx_articles_id_published",
)


def _v5(conn: sqlite3.Connection) -> None:
    for sql in V5_SQL:
        conn.execute(sql)


#: Adds ``n`` mentions of an entity with one link reason to ``entity_mention_counts``.
#: Parameters: (entity id, reason or '', n). The store runs it once per (entity, reason) for the
#: mention rows of each flush, right after inserting them: a per-row trigger ran an upsert on the
#: (entity, reason) key for every mention, 15-25 % of the loading thread's CPU.
MENTION_COUNTS_SQL = (
    "INSERT INTO entity_mention_counts (entity_id, reason, n) VALUES (?, ?, ?) "
    "ON CONFLICT (entity_id, reason) DO UPDATE SET n = n + excluded.n"
)


def _v6(conn: sqlite3.Connection) -> None:
    # the counts are complete: the trigger kept them until now
    conn.execute("DROP TRIGGER IF EXISTS mentions_count_ai")


#: One function per schema version; ``MIGRATIONS[i]`` takes a store from version i to i + 1.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3, _v4, _v5, _v6)

#: The schema version this warta writes.
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The store's schema version (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bring the store on ``conn`` to :data:`SCHEMA_VERSION`, running missing migrations in order.

    Migrations are idempotent (``IF NOT EXISTS``, column checks, back-fills of NULLs only) and
    the version is bumped only once one has completed, so an interrupted upgrade is simply
    redone on the next open. (SQLite's ``executescript`` commits, so a migration is not
    always one transaction.)

    Args:
        conn: an open connection in autocommit mode (``isolation_level=None``).

    Returns:
        The versions before and after.

    Raises:
        SchemaVersionError: the store is newer than this warta.
    """
    before = schema_version(conn)
    if before > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"store schema version {before} is newer than this warta's {SCHEMA_VERSION}: "
            "upgrade warta (pip install -U warta) to open it"
        )
    for version in range(before, SCHEMA_VERSION):
        logger.info("migrating store schema %d -> %d", version, version + 1)
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            if not conn.in_transaction:
                # executescript() commits; take the lock again for the version bump.
                conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return before, SCHEMA_VERSION
