"""A rebuildable Tantivy full-text index beside the SQLite store (optional: ``pip install 'warta[tantivy]'``).

SQLite stays the one source of truth; this index only answers "which article ids match, best
first". It lives in the folder ``<store>.tantivy`` and holds, per article, its id, outlet, UTC
publication time and one ``body`` field (the title five times, then the text, as separate
values, so a title match weighs five times a text match as in the FTS5 ranking, and no phrase
spans two values).

Keeping it in step: :func:`rebuild` creates the table ``text_index_changes`` and triggers on
``articles`` (insert, delete, update of title, text, outlet or date) that queue the id of every
changed article in the same SQLite transaction as the change. :meth:`TextIndex.sync` applies the
queue (re-adds or drops each queued article), commits the index, then deletes the applied queue
rows; a crash between the two re-applies them next time, which changes nothing. Searches use
the index only while the queue is empty, so they never see an index behind the store; otherwise
they take the FTS5 path. :func:`drop` removes the triggers, the queue and the folder.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.exceptions import StoreError

if TYPE_CHECKING:
    import tantivy

logger = logging.getLogger(__name__)

#: How many times the title is indexed in ``body``: FTS5 ranks with title weight 5, text 1.
TITLE_REPEAT = 5
#: Articles read from SQLite and added per step of a sync or rebuild.
SYNC_CHUNK = 2000
#: Memory of the index writer (tantivy splits it over its threads, at least 15 MB each).
WRITER_HEAP = 128 * 2**20
#: Writer threads: the loader itself needs the other core of a 2-core machine.
WRITER_THREADS = 1
#: Most words a ``prefix*`` term stands for (the commonest ones it starts).
MAX_PREFIX_TERMS = 64
_ANALYZER = "warta"

CHANGES_SQL = (
    "CREATE TABLE IF NOT EXISTS text_index_changes (seq INTEGER PRIMARY KEY, article_id INTEGER NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS text_index_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO text_index_changes (article_id) VALUES (new.id); END",
    "CREATE TRIGGER IF NOT EXISTS text_index_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO text_index_changes (article_id) VALUES (old.id); END",
    "CREATE TRIGGER IF NOT EXISTS text_index_au AFTER UPDATE OF title, text, outlet, published_utc ON articles "
    "BEGIN INSERT INTO text_index_changes (article_id) VALUES (new.id); END",
)
DROP_SQL = (
    "DROP TRIGGER IF EXISTS text_index_ai",
    "DROP TRIGGER IF EXISTS text_index_ad",
    "DROP TRIGGER IF EXISTS text_index_au",
    "DROP TABLE IF EXISTS text_index_changes",
)
_DIGITS = re.compile(r"\d")


class TextIndexError(StoreError):
    """The Tantivy index cannot be used (package missing, folder damaged or locked)."""


def index_path(db_path: str | Path) -> Path:
    """The index folder of the store at ``db_path``: ``<store>.tantivy``."""
    return Path(f"{db_path}.tantivy")


def available() -> bool:
    """Whether the ``tantivy`` package is installed."""
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def enabled(conn: sqlite3.Connection) -> bool:
    """Whether the store keeps a change queue for a Tantivy index (made by :func:`rebuild`)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'text_index_changes'"
    ).fetchone() is not None


def time_key(iso: str | None) -> int | None:
    """An ISO time (``published_utc``, or a bound from :func:`db.search.iso_bound`) as an integer
    ``YYYYMMDDhhmmss`` that orders as the string does (to the second)."""
    if not iso:
        return None
    digits = "".join(_DIGITS.findall(iso[:19]))
    return int(digits[:14].ljust(14, "0"))


def _import() -> Any:
    try:
        import tantivy
    except ImportError as exc:
        raise TextIndexError(
            "the Tantivy index needs the tantivy package: pip install 'warta[tantivy]'"
        ) from exc
    return tantivy


def _schema(tv: Any) -> tantivy.Schema:
    b = tv.SchemaBuilder()
    b.add_integer_field("id", stored=False, indexed=True, fast=True)
    b.add_text_field("body", tokenizer_name=_ANALYZER, index_option="position")
    b.add_text_field("outlet", tokenizer_name="raw", index_option="basic")
    b.add_integer_field("published", indexed=True, fast=True)
    return b.build()


def _analyzer(tv: Any) -> tantivy.TextAnalyzer:
    # letters and digits, lower case, accents folded: what FTS5's unicode61 remove_diacritics 2 keeps
    return tv.TextAnalyzerBuilder(tv.Tokenizer.simple()).filter(tv.Filter.lowercase()).filter(
        tv.Filter.ascii_fold()).build()


@dataclass
class TextIndex:
    """An open Tantivy index of one store's articles.

    Args:
        path: the index folder (see :func:`index_path`).
        create: make an empty index when the folder has none.
    """

    path: Path
    create: bool = False
    _tv: Any = field(init=False, repr=False)
    index: Any = field(init=False, repr=False)
    analyzer: Any = field(init=False, repr=False)
    _writer: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._tv = tv = _import()
        if not self.create and not (self.path / "meta.json").is_file():
            raise TextIndexError(f"no Tantivy index at {self.path}: build it with warta reindex")
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self.index = tv.Index(_schema(tv), path=str(self.path), reuse=True)
        except (OSError, ValueError) as exc:
            raise TextIndexError(f"the Tantivy index {self.path} cannot be opened ({exc}): rebuild it with "
                                 "warta reindex") from exc
        self.analyzer = _analyzer(tv)
        self.index.register_tokenizer(_ANALYZER, self.analyzer)

    @property
    def schema(self) -> tantivy.Schema:
        """The index schema."""
        return self.index.schema

    def tokens(self, text: str) -> list[str]:
        """``text`` as the index tokenizes it."""
        return list(self.analyzer.analyze(text))

    def _document(self, article_id: int, title: str, text: str, outlet: str | None,
                  published_utc: str | None) -> tantivy.Document:
        doc = self._tv.Document()
        doc.add_integer("id", article_id)
        for _ in range(TITLE_REPEAT):
            doc.add_text("body", title or "")
        doc.add_text("body", text or "")
        if outlet:
            doc.add_text("outlet", outlet)
        key = time_key(published_utc)
        if key is not None:
            doc.add_integer("published", key)
        return doc

    def writer(self) -> tantivy.IndexWriter:
        """The index writer (opened on first use and kept until :meth:`close`: tantivy allows one per index)."""
        if self._writer is None:
            try:
                self._writer = self.index.writer(WRITER_HEAP, WRITER_THREADS)
            except ValueError as exc:
                raise TextIndexError(
                    f"the Tantivy index {self.path} is being written by another process ({exc}): "
                    "its changes stay queued in the store and are applied by the next sync"
                ) from exc
        return self._writer

    def _apply(self, conn: sqlite3.Connection, ids: list[int]) -> int:
        """Replace the documents of ``ids`` by the articles' current rows (none when deleted)."""
        writer = self.writer()
        added = 0
        for start in range(0, len(ids), SYNC_CHUNK):
            part = ids[start:start + SYNC_CHUNK]
            for article_id in part:
                writer.delete_documents_by_term("id", article_id)
            marks = ",".join("?" * len(part))
            for row in conn.execute(
                f"SELECT id, title, text, outlet, published_utc FROM articles WHERE id IN ({marks})", part
            ):
                writer.add_document(self._document(*row))
                added += 1
        return added

    def sync(self, conn: sqlite3.Connection) -> int:
        """Apply the store's queued changes; returns how many were applied.

        Raises:
            TextIndexError: the index is being written by another process (the queue stays).
        """
        rows = conn.execute("SELECT seq, article_id FROM text_index_changes ORDER BY seq").fetchall()
        if not rows:
            return 0
        ids = sorted({int(r[1]) for r in rows})
        try:
            self._apply(conn, ids)
            writer = self.writer()
            writer.commit()
            # the commit starts merging segments in the background; a writer dropped before they end
            # abandons them, and the index then grows one segment per sync (116 after 580,000 articles
            # loaded in batches, which slowed every search): wait for them, as rebuild does
            writer.wait_merging_threads()
        finally:
            # let go of the writer's lock (a few ms to take again), so another process writing the
            # same store can apply its own changes; uncommitted documents are discarded with it
            self.close()
        # only what was applied: a change queued meanwhile has a higher seq and stays
        conn.execute("DELETE FROM text_index_changes WHERE seq <= ?", (rows[-1][0],))
        logger.debug("text index: %d changed articles applied", len(ids))
        return len(rows)

    def _term(self, searcher: tantivy.Searcher, words: tuple[str, ...], prefix: bool) -> tantivy.Query:
        Query = self._tv.Query
        tokens = self.tokens(" ".join(words))
        if not tokens:
            return Query.empty_query()
        if prefix:
            if len(tokens) == 1:
                # the commonest words the prefix starts, each BM25-scored (a regex query scores none)
                expanded = searcher.terms_with_prefix("body", tokens[0], limit=MAX_PREFIX_TERMS)
                if not expanded:
                    return Query.empty_query()
                return Query.boolean_query([
                    (self._tv.Occur.Should, Query.term_query(self.schema, "body", t)) for t, _ in expanded
                ])
            return Query.phrase_prefix_query(self.schema, "body", tokens)
        if len(tokens) == 1:
            return Query.term_query(self.schema, "body", tokens[0])
        return Query.phrase_query(self.schema, "body", tokens)

    def search(
        self,
        groups: Iterable[Iterable[tuple[tuple[str, ...], bool]]],
        excluded: Iterable[tuple[tuple[str, ...], bool]],
        *,
        limit: int,
        since: str | None = None,
        until: str | None = None,
        hosts: list[str] | None = None,
        id_sets: Iterable[list[int]] = (),
    ) -> list[tuple[int, float]]:
        """The best ``limit`` articles, as (article id, BM25 score), best first.

        Args:
            groups: each a list of (words, prefix) terms of which one must match; every group must.
            excluded: (words, prefix) terms no hit may match.
            limit: most hits.
            since: ISO time, only articles published then or later.
            until: ISO time, only articles published before it.
            hosts: only articles of these outlet hosts.
            id_sets: only articles in every one of these id lists.
        """
        tv = self._tv
        Query, Occur = tv.Query, tv.Occur
        searcher = self.searcher()
        clauses: list[tuple[Any, Any]] = []
        for group in groups:
            alternatives = [self._term(searcher, words, prefix) for words, prefix in group]
            q = alternatives[0] if len(alternatives) == 1 else Query.boolean_query(
                [(Occur.Should, a) for a in alternatives])
            clauses.append((Occur.Must, q))
        for words, prefix in excluded:
            clauses.append((Occur.MustNot, self._term(searcher, words, prefix)))
        filters: list[Any] = []
        if since is not None or until is not None:
            filters.append(Query.range_query(
                self.schema, "published", tv.FieldType.Integer, time_key(since), time_key(until),
                include_upper=until is None,
            ))
        if hosts is not None:
            filters.append(Query.term_set_query(self.schema, "outlet", hosts))
        for ids in id_sets:
            filters.append(Query.term_set_query(self.schema, "id", ids))
        # filters take part in matching only, not in the score
        clauses += [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
        query = clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses)
        hits = searcher.search(query, limit=limit, count=False).hits
        if not hits:
            return []
        ids_found = searcher.fast_field_values("id", [a for _, a in hits])
        return [(int(i or 0), float(score)) for (score, _), i in zip(hits, ids_found)]

    def close(self) -> None:
        """Let go of the writer (and its lock on the folder)."""
        self._writer = None

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the last commit."""
        self.index.reload()
        return self.index.searcher()

    def ids(self) -> list[int]:
        """Every article id in the index (for checks against the store)."""
        searcher = self.searcher()
        n = searcher.num_docs
        if not n:
            return []
        hits = searcher.search(self._tv.Query.all_query(), limit=n, count=False).hits
        return sorted(int(v or 0) for v in searcher.fast_field_values("id", [a for _, a in hits]))


def rebuild(conn: sqlite3.Connection, db_path: str | Path) -> int:
    """Build the index of the store at ``db_path`` from scratch; returns the articles indexed.

    The change queue and its triggers are created first, in the same transaction that empties
    the queue, so every article changed while the index is built is queued and applied by the
    final sync.
    """
    path = index_path(db_path)
    _import()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql in CHANGES_SQL:
            conn.execute(sql)
        conn.execute("DELETE FROM text_index_changes")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if path.exists():
        shutil.rmtree(path)
    index = TextIndex(path, create=True)
    try:
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM articles ORDER BY id")]
        added = index._apply(conn, ids)
        writer = index.writer()
        writer.commit()
        index.close()
        writer.wait_merging_threads()  # the segments merged before the index is used
        index.sync(conn)  # what changed while it was built
    finally:
        index.close()
    logger.info("text index %s: %d articles", path, added)
    return added


def drop(conn: sqlite3.Connection, db_path: str | Path) -> None:
    """Remove the index folder, the change queue and its triggers (searches use FTS5 again)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql in DROP_SQL:
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    path = index_path(db_path)
    if path.exists():
        shutil.rmtree(path)


def same_ids(index: TextIndex, conn: sqlite3.Connection) -> bool:
    """Whether the index holds exactly the store's article ids."""
    return index.ids() == [int(r[0]) for r in conn.execute("SELECT id FROM articles ORDER BY id")]
