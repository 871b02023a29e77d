"""Schema versions: a store written by an older warta is upgraded in place, data kept."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from db.exceptions import SchemaVersionError
from db.schema import SCHEMA_VERSION, TABLES, schema_version
from db.store import Store
from pipeline.models import Article, ArticleFacts, Official, Provenance

# The store as warta schema version 1 wrote it, frozen here (never import it from db.schema:
# this test must keep describing what old stores on disk look like).
V1 = """
CREATE TABLE runs (id INTEGER PRIMARY KEY, command TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
  status TEXT NOT NULL DEFAULT 'running', counts TEXT);
CREATE TABLE outlets (id INTEGER PRIMARY KEY, host TEXT NOT NULL UNIQUE, first_seen TEXT);
CREATE TABLE articles (id INTEGER PRIMARY KEY, canonical_url TEXT NOT NULL UNIQUE, url TEXT,
  outlet_id INTEGER NOT NULL REFERENCES outlets(id), outlet TEXT NOT NULL, title TEXT NOT NULL, authors TEXT,
  editor TEXT, published TEXT, published_utc TEXT, updated TEXT, section TEXT, tags TEXT, text TEXT NOT NULL,
  dateline TEXT, pages INTEGER NOT NULL DEFAULT 1, adapter TEXT, language TEXT, content_hash TEXT NOT NULL,
  fetched_at TEXT NOT NULL, run_id INTEGER REFERENCES runs(id));
CREATE INDEX idx_articles_published_utc ON articles(published_utc);
CREATE INDEX idx_articles_outlet ON articles(outlet);
CREATE TABLE entities (id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('person', 'institution', 'place', 'programme')), name TEXT NOT NULL,
  key TEXT NOT NULL, region_code TEXT, last_token TEXT, n_tokens INTEGER, reason TEXT, UNIQUE (kind, key));
CREATE INDEX idx_entities_last_token ON entities(kind, last_token);
CREATE INDEX idx_entities_region_code ON entities(region_code);
CREATE TABLE entity_aliases (id INTEGER PRIMARY KEY,
  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE, alias TEXT NOT NULL, key TEXT NOT NULL,
  reason TEXT NOT NULL, UNIQUE (entity_id, alias));
CREATE INDEX idx_entity_aliases_key ON entity_aliases(key);
CREATE TABLE mentions (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  entity_id INTEGER NOT NULL REFERENCES entities(id), fact_type TEXT NOT NULL, surface TEXT, char_start INTEGER,
  char_end INTEGER, sentence TEXT, extractor TEXT, extractor_version TEXT, confidence REAL, reason TEXT);
CREATE INDEX idx_mentions_article ON mentions(article_id);
CREATE INDEX idx_mentions_entity ON mentions(entity_id, article_id);
CREATE TABLE official_roles (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES entities(id),
  position TEXT NOT NULL, org TEXT, org_key TEXT NOT NULL DEFAULT '', org_entity_id INTEGER REFERENCES entities(id),
  region_code TEXT, first_seen TEXT, last_seen TEXT, evidence TEXT, n_articles INTEGER NOT NULL DEFAULT 0,
  UNIQUE (person_id, position, org_key));
CREATE TABLE official_role_articles (role_id INTEGER NOT NULL REFERENCES official_roles(id) ON DELETE CASCADE,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE, PRIMARY KEY (role_id, article_id));
CREATE TABLE programme_stages (id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  programme_id INTEGER NOT NULL REFERENCES entities(id), programme TEXT NOT NULL, stage INTEGER, year INTEGER,
  surface TEXT, char_start INTEGER, char_end INTEGER, sentence TEXT, extractor TEXT, extractor_version TEXT,
  confidence REAL);
CREATE TABLE programme_participants (id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  programme_id INTEGER NOT NULL REFERENCES entities(id), programme TEXT NOT NULL,
  region_id INTEGER REFERENCES entities(id), region TEXT NOT NULL, region_code TEXT, year INTEGER, stage INTEGER,
  surface TEXT, char_start INTEGER, char_end INTEGER, sentence TEXT, extractor TEXT, extractor_version TEXT,
  confidence REAL);
CREATE TABLE dates (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  value TEXT NOT NULL, precision TEXT NOT NULL, surface TEXT, char_start INTEGER, char_end INTEGER, sentence TEXT,
  extractor TEXT, extractor_version TEXT, confidence REAL);
CREATE TABLE official_relations (id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE, kind TEXT NOT NULL,
  subject_id INTEGER REFERENCES entities(id), object_id INTEGER REFERENCES entities(id), subject TEXT NOT NULL,
  object TEXT NOT NULL, char_start INTEGER, char_end INTEGER, sentence TEXT, extractor TEXT,
  extractor_version TEXT, confidence REAL);
CREATE VIRTUAL TABLE articles_fts USING FTS5 (title, text, tokenize='unicode61 remove_diacritics 2',
  content="articles");
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES('delete', old.rowid, old.title, old.text);
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
PRAGMA user_version = 1;
"""

TEXT = ("Gubernur Sumatera Selatan Herman Deru meresmikan ruang kendali smart city di Palembang. " * 4).strip()


def make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1)
    conn.execute("INSERT INTO outlets (id, host) VALUES (1, 'sumsel.tribunnews.com')")
    for n in (1, 2):
        conn.execute(
            "INSERT INTO articles (id, canonical_url, outlet_id, outlet, title, tags, text, published, "
            "published_utc, content_hash, fetched_at) VALUES (?, ?, 1, 'sumsel.tribunnews.com', ?, ?, ?, "
            "'2019-05-14T10:30:00+07:00', '2019-05-14T03:30:00', 'h', '2019-05-14T04:00:00+00:00')",
            (n, f"https://sumsel.tribunnews.com/{n}", f"Ruang kendali smart city {n}",
             '["smart city", "Palembang"]', TEXT),
        )
    conn.execute("INSERT INTO entities (id, kind, name, key, last_token, n_tokens) "
                 "VALUES (1, 'person', 'Herman Deru', 'herman deru', 'deru', 2)")
    conn.execute("INSERT INTO mentions (article_id, entity_id, fact_type, surface) "
                 "VALUES (1, 1, 'officials', 'Herman Deru')")
    conn.commit()
    conn.close()


def test_v1_store_is_upgraded_in_place_and_keeps_its_data(db_path: Path) -> None:
    make_v1(db_path)
    store = Store(db_path)
    assert schema_version(store.conn) == SCHEMA_VERSION == 6
    stats = store.stats()
    assert stats["articles"] == 2 and stats["mentions"] == 1 and stats["entities"] == 1
    assert set(TABLES) <= {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # v2 back-fills tags as rows and near-duplicate fingerprints
    assert stats["tags"] == 2 and stats["article_tags"] == 4
    assert store.conn.execute("SELECT count(*) FROM articles WHERE fingerprint IS NULL").fetchone()[0] == 0
    assert [h.article_id for h in store.search("kendali")] == [1, 2]
    # v3 indexes new articles in the store instead of a per-row trigger
    triggers = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "articles_ai" not in triggers and {"articles_au", "articles_ad"} <= triggers
    # v4 back-fills mention counts per entity and reason; from v6 the store adds those of the
    # mentions it inserts (no per-row insert trigger), triggers follow updates and deletes
    assert store.conn.execute("SELECT entity_id, reason, n FROM entity_mention_counts").fetchall() == [(1, "", 1)]
    assert "mentions_count_ai" not in triggers and {"mentions_count_au", "mentions_count_ad"} <= triggers
    # new loads work on the upgraded store, and the person resolves to the old entity
    p = Provenance(0, 11, "s", "warta.officials", "2.0")
    result = store.load(
        Article(url="https://sumsel.tribunnews.com/3", canonical_url="https://sumsel.tribunnews.com/3",
                outlet="sumsel.tribunnews.com", title="Deru buka rapat", paragraphs=["Gubernur Herman Deru membuka rapat."],
                published=dt.datetime(2020, 1, 2, tzinfo=dt.timezone.utc), tags=["Palembang"]),
        ArticleFacts(officials=[Official("Herman Deru", "gubernur sumatera selatan", None, "Herman Deru", p)]),
    )
    assert result.status == "inserted"
    report = store.entity("Herman Deru")
    assert report is not None and report.id == 1 and {a.id for a in report.articles} == {1, 3}
    assert report.n_mentions == 2
    assert [h.article_id for h in store.search("rapat")] == [3]
    store.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    store.close()
    # opening again changes nothing
    again = Store(db_path)
    assert schema_version(again.conn) == SCHEMA_VERSION and again.stats()["articles"] == 3


def test_fresh_store_is_current_with_wal_and_foreign_keys(db_path: Path) -> None:
    store = Store(db_path)
    assert schema_version(store.conn) == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_newer_store_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaVersionError, match="upgrade warta"):
        Store(db_path)
