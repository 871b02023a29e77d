"""The knowledge store: open, load articles with their facts, replace facts, runs.

One :class:`Store` wraps one SQLite file (WAL mode, busy timeout, foreign keys on).
Loading is keyed on the canonical URL and idempotent: the same article twice changes
nothing; a changed article (new content hash) is updated and its facts replaced in one
transaction; syndicated near-copies are linked to the earliest copy through
``articles.duplicate_of`` and kept.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import multiprocessing
import os
import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import quote

import sqlite_utils

from db import reports, search as search_mod, text_index as text_index_mod
from db.exceptions import CorruptStoreError, LoadError, ReadOnlyStoreError, StoreError, StoreNotFoundError
from db.fingerprint import content_hash, estimated_jaccard, jaccard, lsh_keys, minhash, shingles, title_similarity
from db.resolve import ROLE_EVIDENCE_SQL, Resolver, name_key, normalise
from db.schema import FTS_INDEX_SQL, MENTION_COUNTS_SQL, SCHEMA_VERSION, TABLES, migrate, schema_version
from pipeline.models import Article, ArticleFacts, Provenance, format_versions, parse_versions
from pipeline.processes import process_pool

logger = logging.getLogger(__name__)

LoadStatus = Literal["inserted", "updated", "unchanged"]

#: Articles per transaction in :meth:`Store.load_many` (random-key indexes such as the LSH
#: keys and mentions by entity dirty most of their pages in any large transaction, so fewer,
#: larger transactions write less).
BATCH_SIZE = 5000
#: Articles :meth:`Store.load_many` fingerprints at a time, in a worker process while the
#: previous ones are resolved and written.
PREPARE_CHUNK = 500
#: Page cache per connection, MB (SQLite's default is 2 MB; indexes of a large store need more).
CACHE_MB = 64
#: Page cache while :meth:`Store.load_many` writes, MB. A batch inserts keys all over the
#: random-key indexes (LSH keys, canonical URLs, mentions by entity); with every page it
#: touches held in memory each is read once and written once per batch, not spilled and
#: read back. Only what a load touches is allocated (a store only searched keeps :data:`CACHE_MB`).
LOAD_CACHE_MB = 1024
#: Seconds a connection waits for another writer's lock before failing.
BUSY_TIMEOUT_S = 30.0
#: Texts sharing at least this share of word 3-shingles are copies whatever their titles.
SAME_TEXT_JACCARD = 0.8
#: Texts sharing at least this share of shingles are copies when their titles are similar too.
NEAR_TEXT_JACCARD = 0.5
#: Title word-set similarity (Jaccard) that, with :data:`NEAR_TEXT_JACCARD`, makes a copy.
MIN_TITLE_SIMILARITY = 0.3
#: Texts shorter than this are not fingerprinted for near-duplicates (too little evidence).
MIN_FINGERPRINT_CHARS = 200
#: Most candidate copies looked at per article (LSH keys shared by boilerplate stay cheap).
MAX_CANDIDATES = 50
#: Candidates whose MinHash signatures agree on fewer values than this share are not
#: compared text to text (20 values: a true 0.5 overlap estimates below 0.3 about 2 % of the time).
MIN_ESTIMATED_JACCARD = 0.3

_PROV_COLS = "surface, char_start, char_end, sentence, extractor, extractor_version, confidence"
_SQL_MENTION = (
    "INSERT INTO mentions (article_id, entity_id, fact_type, surface, char_start, char_end, sentence, "
    "extractor, extractor_version, confidence, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQL_DATE = f"INSERT INTO dates (article_id, value, precision, {_PROV_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_SQL_STAGE = (
    f"INSERT INTO programme_stages (article_id, programme_id, programme, stage, year, {_PROV_COLS}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQL_PARTICIPANT = (
    "INSERT INTO programme_participants (article_id, programme_id, programme, region_id, region, region_code, "
    f"year, stage, {_PROV_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQL_RELATION = (
    "INSERT INTO official_relations (article_id, kind, subject_id, object_id, subject, object, char_start, "
    "char_end, sentence, extractor, extractor_version, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQL_ROLE_ARTICLE = "INSERT OR IGNORE INTO official_role_articles (role_id, article_id) VALUES (?, ?)"
#: Buffered statements, in the order they are flushed.
_BUFFERED = (_SQL_MENTION, _SQL_DATE, _SQL_STAGE, _SQL_PARTICIPANT, _SQL_RELATION, _SQL_ROLE_ARTICLE, ROLE_EVIDENCE_SQL)

_SQLITE_HEADER = b"SQLite format 3\x00"
_REGION_PREFIX = re.compile(r"^(kabupaten|kab\.?|kota|provinsi|prov\.?)\s", re.IGNORECASE)
_REGION_INSIDE = re.compile(r"\s(kabupaten|kab\.?|kota|provinsi|prov\.?)\s", re.IGNORECASE)
#: First words of an institution's name (an official's org with a region code but no "Kota ..." in it).
_INSTITUTION_HEADS = frozenset(
    "dinas dprd dprk dpr badan bappeda bapenda bpbd bpkad setda sekretariat pemerintah pemprov pemkab pemkot "
    "kantor kementerian polres polda polresta kodim korem rsud inspektorat satpol kecamatan".split()
)


@dataclass(slots=True, frozen=True)
class LoadResult:
    """What loading one article did."""

    status: LoadStatus
    article_id: int
    duplicate_of: int | None = None
    """The earliest stored copy when this article is a near-duplicate of it."""


@dataclass(slots=True)
class RunInfo:
    """One row of the ``runs`` table."""

    id: int
    command: str
    started: str
    finished: str | None
    status: str
    counts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat()


def version_key(version: str | None) -> tuple[int, ...]:
    """Sortable form of a version string (``1.10.0`` after ``1.9.2``); () for None."""
    return tuple(int(n) for n in re.findall(r"\d+", version or ""))


def is_outdated(stored: str | None, current: str) -> bool:
    """Whether facts made by extractor version ``stored`` predate ``current``.

    Per-type versions (``dates=1;officials=2;...``, see :func:`pipeline.models.format_versions`)
    compare type by type: one type's bump, or a type the stored facts lack, makes them outdated.
    A single version string (older stores) is outdated against per-type versions, and against
    another single version when its numbers sort lower.
    """
    if stored is None:
        return True
    cur, old = parse_versions(current), parse_versions(stored)
    if cur is None:
        return old is None and version_key(stored) < version_key(current)
    if old is None:
        return True
    return any(kind not in old or version_key(old[kind]) < version_key(v) for kind, v in cur.items())


def _prov(surface: str, prov: Provenance) -> tuple[Any, ...]:
    return (surface, prov.start, prov.end, prov.sentence, prov.extractor, prov.version, prov.confidence)


@dataclass(slots=True, frozen=True)
class _Prepared:
    """What loading an article computes without the database: its column values (but the
    outlet id, run id and extractor version), content hash, fingerprint and LSH keys."""

    values: dict[str, Any]
    shingles: Any
    signature: Any
    keys: list[int]


def _prepare(article: Article) -> _Prepared:
    text = article.text
    sh = shingles(text) if len(text) >= MIN_FINGERPRINT_CHARS else None
    signature = minhash(sh) if sh is not None else None
    values: dict[str, Any] = {
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "authors": json.dumps(article.authors, ensure_ascii=False),
        "editor": article.editor,
        "published": _iso(article.published),
        "published_utc": _utc(article.published),
        "updated": _iso(article.updated),
        "section": article.section,
        "tags": json.dumps(article.tags, ensure_ascii=False),
        "text": text,
        "dateline": article.dateline,
        "pages": article.pages,
        "adapter": article.adapter,
        "language": article.language,
        "content_hash": content_hash(article.title, text),
        "fingerprint": signature.tobytes() if signature is not None else None,
        "html": zlib.compress(article.html, 6) if article.html else None,
    }
    return _Prepared(values, sh, signature, lsh_keys(signature) if signature is not None else [])


def _prepare_all(articles: list[Article]) -> list[_Prepared | Exception]:
    """:func:`_prepare` for each article; one that fails gets its exception, raised when it is loaded."""
    out: list[_Prepared | Exception] = []
    for article in articles:
        try:
            out.append(_prepare(article))
        except Exception as exc:  # noqa: BLE001 - re-raised in order by load_many
            out.append(exc)
    return out


def _parent(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _blank_sqlite(path: Path) -> bool:
    """True for an empty file or an SQLite database without a single table (a kill during creation)."""
    if path.stat().st_size == 0:
        return True
    try:
        with path.open("rb") as fh:
            if fh.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0)
        finally:
            conn.close()
    except (OSError, sqlite3.DatabaseError):
        return False


def check_store_path(path: str | Path) -> None:
    """Make sure ``path`` is a readable warta store, or a new file that can be created there.

    Writes nothing. An empty file, or an SQLite file without a single table (a creation cut
    short), counts as new; any other SQLite database is refused, never taken over.

    Raises:
        CorruptStoreError: ``path`` is a folder, not an SQLite file, damaged, or not a warta store.
        ReadOnlyStoreError: the store cannot be written (read-only file system, file or folder).
        StoreError: the folder does not exist or is not writable.
    """
    p = Path(path)
    if p.exists():
        if p.is_dir():
            raise CorruptStoreError(f"{p} is a folder: give the path of a store file with --db")
        if _blank_sqlite(p):
            logger.info("store %s is empty (its creation was cut short): creating it again", p)
            return
        store = Store.open_existing(p)
        store.close()
        if store.read_only:
            raise ReadOnlyStoreError(
                f"the store {p} is read-only ({store.read_only}): this command writes to it; "
                "copy it somewhere writable, or run the reading commands (search, stats ...) on it"
            )
        return
    parent = _parent(p)
    if not parent.is_dir():
        raise StoreError(f"cannot create the store {p}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create the store {p}: the folder {parent} is not writable")


def _facts_version(facts: ArticleFacts) -> str | None:
    if facts.versions:
        return format_versions(facts.versions)
    versions = {
        f.prov.version
        for kind in (*facts.counts(), "relations")
        for f in getattr(facts, kind)
    }
    return max(versions, key=version_key) if versions else None


def read_only_reason(path: str | Path) -> str | None:
    """Why the store file ``path`` (existing or not) cannot be written, or None when it can."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "its file system is mounted read-only"
    except OSError:
        return None
    if p.exists() and not os.access(p, os.W_OK):
        return "the file is not writable"
    if folder.is_dir() and not os.access(folder, os.W_OK):
        return f"its folder {folder} is not writable"
    return None


def _read_only_message(path: Path, reason: str) -> str:
    return (
        f"the store {path} is read-only ({reason}): reading commands (search, stats, entity, "
        "programme, export) work on it; to write to it, copy it somewhere writable"
    )


class Store:
    """A warta knowledge store in one SQLite file.

    Args:
        path: the database file; created (with the current schema) when missing, upgraded
            in place when written by an older warta.
        timeout: seconds to wait for another writer's lock.
        read_only: open for reading only (SQLite ``mode=ro``, plus ``immutable=1`` when the
            folder cannot be written, since no ``-shm`` file can be made there); the reason
            given is named by every attempt to write.
    """

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S, read_only: str | None = None) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            self._open_read_only(timeout)
        else:
            try:
                self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=timeout)
                self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA foreign_keys = ON")
                self.conn.execute(f"PRAGMA cache_size = -{CACHE_MB * 1024}")
                migrate(self.conn)
            except sqlite3.DatabaseError as exc:
                reason = read_only_reason(self.path)
                if reason:
                    raise ReadOnlyStoreError(_read_only_message(self.path, reason)) from exc
                raise CorruptStoreError(
                    f"{self.path} is not a readable warta store ({exc}): give another --db path"
                ) from exc
        self.db = sqlite_utils.Database(self.conn)
        self._resolver = Resolver(self.conn, self._flush)
        self._data_version: int | None = None
        # fact rows waiting for one executemany per table (flushed before every commit)
        self._pending: dict[str, list[tuple[Any, ...]]] = {sql: [] for sql in _BUFFERED}
        # articles inserted in this transaction and not yet in the full-text index (ascending ids)
        self._unindexed: list[int] = []
        # computes fingerprints ahead for load_many (a process, or a thread where none can start)
        self._prepare_pool: Executor | None = None
        # outlet host -> id, tag name -> id (rows never deleted; dropped with the resolver's caches)
        self._outlets: dict[str, int] = {}
        self._tags: dict[str, int] = {}
        # the Tantivy index beside the store, when one was built (False: looked, none usable)
        self._text_index: text_index_mod.TextIndex | None | Literal[False] = None
        if not read_only:
            self._sync_text_index()

    def _open_read_only(self, timeout: float) -> None:
        folder = self.path.parent if str(self.path.parent) else Path(".")
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        if not os.access(folder, os.W_OK) or (os.statvfs(folder).f_flag & os.ST_RDONLY):
            uri += "&immutable=1"
        try:
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            version = schema_version(self.conn)
        except sqlite3.DatabaseError as exc:
            raise CorruptStoreError(f"{self.path} is damaged ({exc}): restore it from a backup or re-crawl") from exc
        if version != SCHEMA_VERSION:
            raise ReadOnlyStoreError(
                _read_only_message(self.path, str(self.read_only))
                + f"; it has schema version {version}, this warta reads {SCHEMA_VERSION}, and a "
                "read-only store cannot be upgraded"
            )

    @classmethod
    def open_existing(cls, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S) -> Store:
        """Open a store that must already exist (read commands never create an empty one).

        Raises:
            StoreNotFoundError: no file at ``path``.
            CorruptStoreError: the file is not an SQLite database or not a warta store.
        """
        p = Path(path)
        if p.is_dir():
            raise CorruptStoreError(f"{p} is a folder: give the path of a store file with --db")
        if not p.is_file():
            if not _parent(p).is_dir():
                raise StoreNotFoundError(f"no store at {p}: the folder {_parent(p)} does not exist")
            raise StoreNotFoundError(
                f"no store at {p}: fill one first (warta demo --db {p}, or warta crawl URL --db {p})"
            )
        with p.open("rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:
            raise CorruptStoreError(f"{p} is not an SQLite database: give the path of a warta store")
        read_only = read_only_reason(p)
        if read_only:
            store = cls(p, timeout=timeout, read_only=read_only)
            if not store.db["articles"].exists():
                store.close()
                raise CorruptStoreError(f"{p} is an SQLite database but not a warta store (no articles table)")
            return store
        try:
            probe = sqlite3.connect(str(p), timeout=timeout)
            try:
                names = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            raise CorruptStoreError(f"{p} is damaged ({exc}): restore it from a backup or re-crawl") from exc
        if "articles" not in names:
            raise CorruptStoreError(f"{p} is an SQLite database but not a warta store (no articles table)")
        return cls(p, timeout=timeout)

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S) -> Store:
        """Open the store at ``path`` to fill it: an existing warta store, or a new one.

        The one way every writing command (``crawl``, ``demo``, ``ingest`` ...) opens its
        ``--db``: see :func:`check_store_path` for what is refused, before anything is written.

        Raises:
            StoreError: the folder is missing or read-only, or the file is not a warta store.
        """
        check_store_path(path)
        return cls(path, timeout=timeout)

    def close(self) -> None:
        """Close the connection (and stop the fingerprinting worker, if one was started)."""
        if self._text_index:
            self._text_index.close()
        if self._prepare_pool is not None:
            self._prepare_pool.shutdown(wait=True, cancel_futures=True)
            self._prepare_pool = None
        self.conn.close()

    def _prepare_ahead(self, articles: list[Article]) -> Future[list[_Prepared | Exception]]:
        """Fingerprint ``articles`` in the worker process (started on first use), else in a thread.

        A process has its own GIL, so the fingerprints cost the loading thread nothing; where
        no child process can be started (inside a daemonic worker, say) a thread does the work.
        """
        if self._prepare_pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            self._prepare_pool = process_pool(1, context)  # ends with this process, even on SIGKILL
        try:
            return self._prepare_pool.submit(_prepare_all, articles)
        except (AssertionError, OSError, RuntimeError, BrokenExecutor) as exc:
            logger.info("fingerprinting in a thread: no worker process (%s)", exc)
            return self._prepare_in_thread().submit(_prepare_all, articles)

    def _prepare_in_thread(self) -> Executor:
        """Replace the fingerprinting worker process with a thread (it could not start, or died)."""
        if self._prepare_pool is not None:
            self._prepare_pool.shutdown(wait=False, cancel_futures=True)
        self._prepare_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warta-prepare")
        return self._prepare_pool

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            # another connection wrote since our last transaction: cached entity ids may be stale
            self._forget()
            self._data_version = version

    def _forget(self) -> None:
        self._resolver.forget()
        self._outlets.clear()
        self._tags.clear()

    def _commit(self) -> None:
        self._index_new()
        self._flush()
        self.conn.execute("COMMIT")
        self._sync_text_index()

    # ------------------------------------------------------------------ Tantivy index

    def text_index(self) -> text_index_mod.TextIndex | None:
        """The Tantivy index beside the store (:mod:`db.text_index`), or None when there is none
        (never built, dropped, or the ``tantivy`` package is missing)."""
        if self._text_index is None:
            self._text_index = False
            path = text_index_mod.index_path(self.path)
            if (path / "meta.json").is_file() and text_index_mod.enabled(self.conn):
                try:
                    self._text_index = text_index_mod.TextIndex(path)
                except text_index_mod.TextIndexError as exc:
                    logger.warning("searching with FTS5 only: %s", exc)
        return self._text_index or None

    def _sync_text_index(self) -> None:
        """Apply the queued article changes to the Tantivy index, if there is one.

        A failure leaves the changes queued: searches take the FTS5 path until a sync succeeds.
        """
        index = self.text_index()
        if index is None:
            return
        if not text_index_mod.enabled(self.conn):  # dropped by another process (warta reindex --drop)
            index.close()
            self._text_index = False
            return
        # the store's transaction is committed by now: nothing here may fail the load
        try:
            index.sync(self.conn)
        except (text_index_mod.TextIndexError, ValueError, OSError, sqlite3.Error) as exc:
            logger.warning("Tantivy index not brought up to date (searches use FTS5 meanwhile): %s", exc)

    def rebuild_text_index(self) -> int:
        """Build the Tantivy index beside the store from scratch; returns the articles indexed.

        Raises:
            TextIndexError: the ``tantivy`` package is missing.
            ReadOnlyStoreError: the store was opened read-only.
        """
        if self.read_only:
            raise ReadOnlyStoreError(_read_only_message(self.path, self.read_only))
        if self._text_index:
            self._text_index.close()
        self._text_index = None
        n = text_index_mod.rebuild(self.conn, self.path)
        self._text_index = None
        return n

    def drop_text_index(self) -> None:
        """Remove the Tantivy index and its change queue (searches use FTS5 only)."""
        if self.read_only:
            raise ReadOnlyStoreError(_read_only_message(self.path, self.read_only))
        if self._text_index:
            self._text_index.close()
        text_index_mod.drop(self.conn, self.path)
        self._text_index = False

    def _index_new(self) -> None:
        """Add the articles inserted since the last call to the full-text index, in one statement.

        Only this store inserts articles, and every id it inserted in the transaction is in
        ``_unindexed``, so the id range holds exactly the rows to index.
        """
        if self._unindexed:
            self.conn.execute(FTS_INDEX_SQL, (self._unindexed[0], self._unindexed[-1]))
            self._unindexed.clear()

    def _flush(self) -> None:
        """Write the buffered alias and fact rows (one executemany per statement), and add the
        new mentions to ``entity_mention_counts`` (one upsert per entity and link reason)."""
        self._resolver.flush_aliases()
        mentions = self._pending[_SQL_MENTION]
        counts = Counter((row[1], row[10] or "") for row in mentions)
        for sql, rows in self._pending.items():
            if rows:
                self.conn.executemany(sql, rows)
                rows.clear()
        if counts:
            self.conn.executemany(MENTION_COUNTS_SQL, [(e, r, n) for (e, r), n in counts.items()])

    def _rollback(self) -> None:
        for rows in self._pending.values():
            rows.clear()
        self._unindexed.clear()
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self._forget()

    # ------------------------------------------------------------------ runs

    def start_run(self, command: str) -> int:
        """Record the start of a crawl/ingest/reextract run; returns its id.

        Raises:
            ReadOnlyStoreError: the store was opened read-only.
        """
        if self.read_only:
            raise ReadOnlyStoreError(_read_only_message(self.path, self.read_only))
        cur = self.conn.execute("INSERT INTO runs (command, started) VALUES (?, ?)", (command, _now()))
        return int(cur.lastrowid or 0)

    def mark_killed_runs(self, command: str) -> list[int]:
        """Mark ``command``'s runs still 'running' as 'killed' (call it holding the run lock:
        no such run can still be alive); returns their ids."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM runs WHERE command = ? AND status = 'running'", (command,)
        )]
        if ids:
            self.conn.execute(
                f"UPDATE runs SET status = 'killed' WHERE id IN ({','.join('?' * len(ids))})", ids
            )
        return ids

    def finish_run(self, run_id: int, counts: Mapping[str, Any], status: str) -> None:
        """Record the end of a run with its counts (JSON) and status (ok, partial, failed)."""
        self.conn.execute(
            "UPDATE runs SET finished = ?, status = ?, counts = ? WHERE id = ?",
            (_now(), status, json.dumps(dict(counts), ensure_ascii=False, default=str), run_id),
        )

    def last_runs(self, limit: int = 5) -> list[RunInfo]:
        """The most recent runs, newest first."""
        rows = self.conn.execute(
            "SELECT id, command, started, finished, status, counts FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [RunInfo(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}")) for r in rows]

    # ------------------------------------------------------------------ loading

    def load(
        self,
        article: Article,
        facts: ArticleFacts,
        *,
        run_id: int | None = None,
        extractor_version: str | None = None,
    ) -> LoadResult:
        """Store one article with its facts in one transaction.

        Args:
            article: the parsed article (keyed on ``canonical_url``).
            facts: what the extractors found in ``article.text``.
            run_id: the ``runs`` row this load belongs to.
            extractor_version: version of the extractors that made ``facts``; defaults to the
                highest version named in the facts' provenance.

        Returns:
            inserted / updated / unchanged, the article id and its near-duplicate link.

        Raises:
            LoadError: the article could not be written; nothing of it was kept.
        """
        self._begin()
        try:
            result = self._load_one(article, facts, run_id, extractor_version)
            self._commit()
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, (sqlite3.Error, TypeError, ValueError, AttributeError)):
                raise LoadError(f"could not store {article.canonical_url}: {exc}") from exc
            raise
        return result

    def load_many(
        self,
        items: Iterable[tuple[Article, ArticleFacts]],
        *,
        run_id: int | None = None,
        batch_size: int = BATCH_SIZE,
        extractor_version: str | None = None,
    ) -> Iterator[LoadResult]:
        """Load a stream of (article, facts) pairs, ``batch_size`` articles per transaction.

        Results are yielded once their batch is committed. On an error the current batch is
        rolled back (earlier batches stay) and :class:`LoadError` names the article.

        Articles are read from ``items`` :data:`PREPARE_CHUNK` at a time. While one chunk is
        resolved and written, the next is fingerprinted (hash, MinHash, LSH keys, article
        values, compressed HTML) in a worker process started on first use (a thread where
        no process can start), so on a multi-core machine that work costs little wall time.
        """
        # kept for the connection's life: the next call touches the same index pages
        self.conn.execute(f"PRAGMA cache_size = -{max(CACHE_MB, LOAD_CACHE_MB) * 1024}")
        stream = iter(items)
        chunk_size = min(batch_size, PREPARE_CHUNK)
        chunk = list(itertools.islice(stream, chunk_size))
        prepared = _prepare_all([article for article, _ in chunk])
        current: Article | None = None
        done = 0
        results: list[LoadResult] = []
        while chunk:
            following = list(itertools.islice(stream, chunk_size))
            following_articles = [article for article, _ in following]
            # the next chunk is fingerprinted in the worker while this one is loaded
            ahead = self._prepare_ahead(following_articles) if following else None
            try:
                if not self.conn.in_transaction:
                    self._begin()
                for (article, facts), prep in zip(chunk, prepared):
                    current = article
                    if isinstance(prep, BaseException):
                        raise prep
                    results.append(self._load_one(article, facts, run_id, extractor_version, prep))
                self._flush()
                self._index_new()
                if len(results) >= batch_size or not following:
                    self._commit()
            except BaseException as exc:
                self._rollback()
                if isinstance(exc, (sqlite3.Error, TypeError, ValueError, AttributeError)):
                    url = current.canonical_url if current is not None else "?"
                    raise LoadError(
                        f"could not store {url}: {exc}; the {len(results) + 1} articles of its batch "
                        f"were not kept ({done} stored before it)"
                    ) from exc
                raise
            if not self.conn.in_transaction:
                done += len(results)
                yield from results
                results = []
            chunk, prepared = following, self._prepared_result(ahead, following_articles)

    def _prepared_result(
        self, ahead: Future[list[_Prepared | Exception]] | None, articles: list[Article]
    ) -> list[_Prepared | Exception]:
        """What :meth:`_prepare_ahead` computed; recomputed here if its worker died."""
        if ahead is None:
            return []
        try:
            return ahead.result()
        except BrokenExecutor as exc:
            logger.warning("fingerprinting worker failed (%s): going on in a thread", exc)
            self._prepare_in_thread()
            return _prepare_all(articles)

    def _outlet_id(self, host: str) -> int:
        cached = self._outlets.get(host)
        if cached is not None:
            return cached
        row = self.conn.execute("SELECT id FROM outlets WHERE host = ?", (host,)).fetchone()
        if row:
            outlet_id = int(row[0])
        else:
            cur = self.conn.execute("INSERT INTO outlets (host, first_seen) VALUES (?, ?)", (host, _now()))
            outlet_id = int(cur.lastrowid or 0)
        self._outlets[host] = outlet_id
        return outlet_id

    def _tag_id(self, name: str) -> int:
        cached = self._tags.get(name)
        if cached is not None:
            return cached
        self.conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        tag_id = int(self.conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0])
        self._tags[name] = tag_id
        return tag_id

    def _load_one(
        self, article: Article, facts: ArticleFacts, run_id: int | None, extractor_version: str | None,
        prepared: _Prepared | None = None,
    ) -> LoadResult:
        prep = prepared or _prepare(article)
        sh, signature, chash = prep.shingles, prep.signature, prep.values["content_hash"]
        row = self.conn.execute(
            "SELECT id, content_hash, duplicate_of FROM articles WHERE canonical_url = ?", (article.canonical_url,)
        ).fetchone()
        if row is not None and row[1] == chash:
            return LoadResult("unchanged", int(row[0]), row[2])
        values = dict(prep.values)
        values["outlet_id"] = self._outlet_id(article.outlet)
        values["run_id"] = run_id
        values["extractor_version"] = extractor_version or _facts_version(facts)
        if row is None:
            values["canonical_url"] = article.canonical_url
            values["fetched_at"] = _now()
            cols = ", ".join(values)
            marks = ", ".join("?" * len(values))
            cur = self.conn.execute(f"INSERT INTO articles ({cols}) VALUES ({marks})", tuple(values.values()))
            article_id = int(cur.lastrowid or 0)
            self._unindexed.append(article_id)
            status: LoadStatus = "inserted"
            touched: set[int] = set()
        else:
            article_id = int(row[0])
            # the update trigger takes the old text out of the index: it must be in it
            self._index_new()
            values["duplicate_of"] = None
            sets = ", ".join(f"{c} = ?" for c in values)
            self.conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*values.values(), article_id))
            self._flush()
            touched = self._delete_facts(article_id)
            self.conn.execute("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
            status = "updated"
        tags = [(article_id, self._tag_id(t)) for t in dict.fromkeys(t.strip() for t in article.tags) if t]
        if tags:
            self.conn.executemany("INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES (?, ?)", tags)
        duplicate_of = None
        if status == "updated":
            self.conn.execute("DELETE FROM near_duplicate_keys WHERE article_id = ?", (article_id,))
        if sh is not None and signature is not None:
            duplicate_of = self._link_duplicate(
                article_id, sh, signature, prep.keys, article.title, values["published_utc"]
            )
        self._resolver.refresh_roles(sorted(touched))
        self._insert_facts(article_id, facts, (values["published"] or values.get("fetched_at") or _now())[:10])
        return LoadResult(status, article_id, duplicate_of)

    def _link_duplicate(
        self, article_id: int, sh: Any, signature: Any, keys: list[int], title: str, published_utc: str | None
    ) -> int | None:
        """Link the article to the earliest near-identical copy (or make it the earliest)."""
        marks = ",".join("?" * len(keys))
        # candidates sharing the most LSH bands first; their stored MinHash signatures give a
        # cheap estimate of the overlap before the exact check on their texts
        candidates = self.conn.execute(
            f"SELECT k.article_id, a.fingerprint FROM (SELECT article_id, count(*) AS n FROM near_duplicate_keys "
            f"WHERE key IN ({marks}) AND article_id != ? GROUP BY article_id ORDER BY n DESC LIMIT {MAX_CANDIDATES}) k "
            "JOIN articles a ON a.id = k.article_id",
            (*keys, article_id),
        ).fetchall()
        self.conn.executemany(
            "INSERT OR IGNORE INTO near_duplicate_keys (key, article_id) VALUES (?, ?)",
            [(k, article_id) for k in keys],
        )
        roots: set[int] = set()
        for other_id, other_fp in candidates:
            if other_fp is None or estimated_jaccard(signature, other_fp) < MIN_ESTIMATED_JACCARD:
                continue
            other_title, other_text, other_dup = self.conn.execute(
                "SELECT title, text, duplicate_of FROM articles WHERE id = ?", (other_id,)
            ).fetchone()
            j = jaccard(sh, shingles(other_text))
            if j >= SAME_TEXT_JACCARD or (
                j >= NEAR_TEXT_JACCARD and title_similarity(title, other_title) >= MIN_TITLE_SIMILARITY
            ):
                roots.add(int(other_dup or other_id))
        if not roots:
            return None
        marks = ",".join("?" * len(roots))
        earliest = self.conn.execute(
            f"SELECT id, published_utc FROM articles WHERE id IN ({marks}) "
            "ORDER BY coalesce(published_utc, '9999'), id LIMIT 1",
            tuple(roots),
        ).fetchone()
        root_id, root_published = int(earliest[0]), earliest[1]
        if published_utc is not None and (root_published is None or published_utc < root_published):
            # this copy is older than every stored one: it becomes the one the others point to
            ids = (*roots, article_id)
            marks = ",".join("?" * len(ids))
            self.conn.execute(
                f"UPDATE articles SET duplicate_of = ? WHERE (id IN ({marks}) OR duplicate_of IN ({marks})) "
                "AND id != ?",
                (article_id, *ids, *ids, article_id),
            )
            self.conn.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", (article_id,))
            logger.info("article %d is the earliest copy of %s", article_id, sorted(roots))
            return None
        self.conn.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", (root_id, article_id))
        logger.info("article %d is a near-duplicate of %d", article_id, root_id)
        return root_id

    # ------------------------------------------------------------------ facts

    def _delete_facts(self, article_id: int) -> set[int]:
        """Delete every fact of one article; returns the official roles whose evidence changed."""
        roles = {
            int(r[0])
            for r in self.conn.execute(
                "SELECT role_id FROM official_role_articles WHERE article_id = ?", (article_id,)
            )
        }
        for table in (
            "mentions", "dates", "programme_stages", "programme_participants",
            "official_relations", "official_role_articles",
        ):
            self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        return roles

    def _mention(self, article_id: int, entity_id: int, fact_type: str, surface: str, prov: Provenance,
                 reason: str) -> None:
        self._pending[_SQL_MENTION].append(
            (article_id, entity_id, fact_type, surface, prov.start, prov.end, prov.sentence,
             prov.extractor, prov.version, prov.confidence, reason)
        )

    def _region_or_institution(self, name: str, code: str | None) -> int:
        """The entity of the body an official serves: a place for a region, else an institution.

        "Kabupaten Muara Enim" and "Sumatera Selatan" (with a region code) are places; "DPRD Kota
        Lubuklinggau" is an institution in region 16.73, never the place with that code.
        """
        if _REGION_PREFIX.match(name) or (code and not _REGION_INSIDE.search(name)
                                          and normalise(name).split(" ", 1)[0] not in _INSTITUTION_HEADS):
            return self._resolver.place(name, code, name).entity_id
        return self._resolver.institution(name, [], name, code).entity_id

    def _insert_facts(self, article_id: int, facts: ArticleFacts, seen: str | None) -> None:
        """Resolve every fact of one article and buffer its rows (``seen``: its date, for roles)."""
        r = self._resolver
        pending = self._pending
        people: dict[str, int] = {}
        in_article: dict[int, str] = {}
        roles_seen: set[int] = set()
        # full names first, so "Bupati Yani" later in the article finds "Ahmad Yani"
        officials = sorted(facts.officials, key=lambda o: -len(name_key(o.name).split()))
        for o in officials:
            res = r.person(o.name, o.surface, o.role, o.org, article_id, in_article)
            in_article.setdefault(res.entity_id, o.name)
            self._mention(article_id, res.entity_id, "officials", o.surface, o.prov, res.reason)
            people[name_key(o.name)] = res.entity_id
            position = normalise(o.role)
            if not position:
                continue
            org_id = self._region_or_institution(o.org, o.region_code) if o.org else None
            role_id, new_role = r.role(res.entity_id, position, o.org, org_id, o.region_code)
            if role_id not in roles_seen:
                roles_seen.add(role_id)
                pending[_SQL_ROLE_ARTICLE].append((role_id, article_id))
                pending[ROLE_EVIDENCE_SQL].append((seen, article_id, role_id))
            if new_role:
                r.absorb_surname_entities(res.entity_id)
        for i in facts.institutions:
            res = r.institution(i.name, i.aliases, i.surface, i.region_code)
            self._mention(article_id, res.entity_id, "institutions", i.surface, i.prov, res.reason)
        for p in facts.places:
            res = r.place(p.name, p.code, p.surface)
            self._mention(article_id, res.entity_id, "places", p.surface, p.prov, res.reason)
        for d in facts.dates:
            pending[_SQL_DATE].append((article_id, d.value, d.precision, *_prov(d.surface, d.prov)))
        for st in facts.program_stages:
            res = r.programme(st.program, st.surface)
            pending[_SQL_STAGE].append(
                (article_id, res.entity_id, st.program, st.stage, st.year, *_prov(st.surface, st.prov))
            )
            self._mention(article_id, res.entity_id, "program_stages", st.surface, st.prov, res.reason)
        for pp in facts.program_participants:
            prog = r.programme(pp.program, pp.program)
            region = r.place(pp.region, pp.region_code, pp.region)
            pending[_SQL_PARTICIPANT].append(
                (article_id, prog.entity_id, pp.program, region.entity_id, pp.region, pp.region_code,
                 pp.year, pp.stage, *_prov(pp.surface, pp.prov))
            )
            self._mention(article_id, prog.entity_id, "program_participants", pp.surface, pp.prov, prog.reason)
            self._mention(article_id, region.entity_id, "program_participants", pp.surface, pp.prov, region.reason)
        for rel in facts.relations:
            pending[_SQL_RELATION].append(
                (article_id, rel.kind, people.get(name_key(rel.subject)), people.get(name_key(rel.object)),
                 rel.subject, rel.object, rel.prov.start, rel.prov.end, rel.prov.sentence, rel.prov.extractor,
                 rel.prov.version, rel.prov.confidence)
            )

    def replace_facts(self, article_id: int, facts: ArticleFacts, *, extractor_version: str | None = None) -> None:
        """Replace every fact of a stored article in one transaction (used after re-extraction).

        Raises:
            LoadError: no such article, or the facts could not be written (the old ones stay).
        """
        self._begin()
        try:
            if self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                raise LoadError(f"no article with id {article_id} in {self.path}")
            self._flush()
            touched = self._delete_facts(article_id)
            self._resolver.refresh_roles(sorted(touched))
            seen = self.conn.execute(
                "SELECT substr(coalesce(published, fetched_at), 1, 10) FROM articles WHERE id = ?", (article_id,)
            ).fetchone()[0]
            self._insert_facts(article_id, facts, seen)
            self.conn.execute(
                "UPDATE articles SET extractor_version = ? WHERE id = ?",
                (extractor_version or _facts_version(facts), article_id),
            )
            self._commit()
        except LoadError:
            self._rollback()
            raise
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, (sqlite3.Error, TypeError, ValueError, AttributeError)):
                raise LoadError(f"could not replace the facts of article {article_id}: {exc}") from exc
            raise

    def articles_for_reextraction(
        self, older_than_version: str | None, since: dt.datetime | dt.date | str | None = None
    ) -> Iterator[tuple[int, str, dt.datetime | None]]:
        """Stored articles whose facts predate ``older_than_version`` (all when None).

        Args:
            older_than_version: the current extractor version; articles extracted by an
                older (or unknown) version are yielded.
            since: only articles published on or after this.

        Yields:
            (article id, text, published) for each article to re-extract.
        """
        sql = "SELECT id, extractor_version FROM articles"
        params: list[Any] = []
        if since is not None:
            sql += " WHERE published_utc >= ?"
            params.append(search_mod.iso_bound(since))
        ids = [
            int(i)
            for i, v in self.conn.execute(sql + " ORDER BY id", params).fetchall()
            if older_than_version is None or is_outdated(v, older_than_version)
        ]
        for article_id in ids:
            row = self.conn.execute("SELECT text, published FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is not None:
                yield article_id, row[0], dt.datetime.fromisoformat(row[1]) if row[1] else None

    def reextract(
        self,
        extract: Callable[[str, dt.datetime | None], ArticleFacts],
        version: str,
        *,
        since: dt.datetime | dt.date | str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, int]:
        """Run ``extract`` over stored articles extracted by older versions and replace their facts.

        Args:
            extract: the current extractors, ``(text, published) -> ArticleFacts``.
            version: their version, recorded on each article.
            since: only articles published on or after this.
            progress: called with (articles done, articles to do) after each article.

        Returns:
            Counts: articles re-extracted and facts per type.
        """
        counts: dict[str, int] = {"articles": 0}
        todo = list(self.articles_for_reextraction(version, since))
        for article_id, text, published in todo:
            facts = extract(text, published)
            self.replace_facts(article_id, facts, extractor_version=version)
            counts["articles"] += 1
            for kind, n in facts.counts().items():
                counts[kind] = counts.get(kind, 0) + n
            if progress is not None:
                progress(counts["articles"], len(todo))
        return counts

    # ------------------------------------------------------------------ reading

    def stats(self) -> dict[str, int]:
        """Row counts per table, plus people with a position, institutions, places, near-duplicates."""
        out = {t: int(self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
        for kind, key in (("person", "persons"), ("institution", "institutions"), ("place", "places"),
                          ("programme", "programmes")):
            out[key] = int(self.conn.execute("SELECT count(*) FROM entities WHERE kind = ?", (kind,)).fetchone()[0])
        out["officials"] = int(self.conn.execute("SELECT count(DISTINCT person_id) FROM official_roles").fetchone()[0])
        out["near_duplicates"] = int(
            self.conn.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
        )
        return out

    def search(
        self,
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
    ) -> list[search_mod.SearchHit]:
        """Full-text search over titles and texts, best first (see :func:`db.search.search`)."""
        return search_mod.search(
            self.conn, query, limit=limit, since=since, until=until, outlet=outlet, person=person,
            institution=institution, place=place, programme=programme, text_index=self.text_index(),
        )

    def why_no_hits(self, query: str, **filters: Any) -> str:
        """Which part of a search that found nothing matched nothing (see :func:`db.search.why_no_hits`)."""
        return search_mod.why_no_hits(self.conn, query, **filters)

    def entity(self, name: str) -> reports.EntityReport | None:
        """Who or what ``name`` is: aliases, positions over time, articles, resolution reasons.

        ``name`` may be a surname, a short form or acronym, a spelling variant or part of the
        name (see :func:`db.lookup.lookup`); None when nothing matches.
        """
        return reports.entity_report(self.conn, name)

    def suggest(self, name: str, kind: str | None = None) -> list[str]:
        """Stored names spelt like ``name`` ("did you mean")."""
        from db.lookup import suggest

        return suggest(self.conn, name, kind)

    def article(self, article_id: int) -> reports.ArticleReport:
        """One stored article with its facts.

        Raises:
            NotFoundError: no article has this id.
        """
        return reports.article_report(self.conn, article_id)

    def programme(self, name: str) -> reports.ProgrammeReport:
        """Stages of a programme by year and the regions taking part, with evidence articles.

        Raises:
            NotFoundError: no programme matches ``name``.
        """
        return reports.programme_report(self.conn, name)

    def export(self, table: str, fmt: str, out: TextIO, columns: list[str] | None = None) -> int:
        """Write one table (or summary) as ``jsonl`` or ``csv`` to ``out``, only ``columns`` when
        given; returns the number of rows (see :func:`db.export.export_table`)."""
        from db.export import export_table

        return export_table(self.db, table, fmt, out, columns)

    def export_file(self, table: str, fmt: str, output: str | Path, columns: list[str] | None = None) -> int:
        """Write one table (or summary) to the file ``output``, only ``columns`` when given (never
        onto the store itself; through a temporary file renamed into place); returns the number of rows."""
        from db.export import export_to_path

        return export_to_path(self.db, table, fmt, output, store_path=self.path, columns=columns)

    def export_parquet(self, folder: str | Path, tables: list[str] | None = None,
                       columns: list[str] | None = None) -> dict[str, int]:
        """Write tables (default: articles and every fact table) as ``<folder>/<table>.parquet``;
        returns the rows written per table (see :func:`db.parquet.export_parquet`)."""
        from db.parquet import export_parquet

        return export_parquet(self.db, folder, tables, columns)


__all__ = ["LoadResult", "RunInfo", "Store", "StoreError", "check_store_path", "is_outdated", "version_key"]
