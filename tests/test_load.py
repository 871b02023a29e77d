"""One load step for a locked store (``pipeline/load.py``): the crawl engine's (``ingest``, ``crawl``)
and ``import-warc``'s (``extract_and_load``) wait for another writer the same way.

The lock is real: a second SQLite connection holding ``BEGIN IMMEDIATE`` on the store file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from db.frontier import Frontier
from db.store import Store
from pipeline.config import load_config
from pipeline.engine import DateWindow, SourceCrawl, Task, Visit
from pipeline.ingest import source_crawl
from pipeline.load import LockRetry, StoreLockedError, is_store_failure
from pipeline.models import Article, ArticleFacts
from pipeline.run import ItemFailed, extract_and_load
from pipeline.stats import RunStats

URL = "http://127.0.0.1/berita/1"
#: Short waits: the store's busy timeout is 0.05 s, so a retry is what waits out the writer.
QUICK = LockRetry(attempts=8, backoff_s=0.05, max_backoff_s=0.4)
BRIEF = LockRetry(attempts=3, backoff_s=0.05)


def _article() -> Article:
    return Article(url=URL, canonical_url=URL, outlet="127.0.0.1", title="Bupati meninjau jembatan",
                   paragraphs=["Bupati Lahat meninjau jembatan di Kecamatan Merapi Barat, Senin."])


@contextmanager
def _writer_holding(db: Path, release_after: float | None = None) -> Iterator[sqlite3.Connection]:
    """Another connection holding the store's write lock (until ``release_after`` seconds, or the end)."""
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO runs (command, started, status) VALUES ('other writer', '2026-01-01', 'running')")
    timer = threading.Timer(release_after, other.execute, ("COMMIT",)) if release_after is not None else None
    if timer is not None:
        timer.start()
    try:
        yield other
    finally:
        if timer is not None:
            timer.join()
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


class _Facts:
    def extract(self, text: str, published: object = None, outlet: str | None = None) -> ArticleFacts:
        return ArticleFacts()


def _engine(tmp_path: Path, db: Path, store: Store, frontier: Frontier, stats: RunStats,
            retry: LockRetry) -> SourceCrawl:
    config = tmp_path / "sources.toml"
    config.write_text('[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\nfeeds = ["http://127.0.0.1/rss"]\n',
                      encoding="utf-8")
    source = load_config(config).sources[0]
    run_id = store.start_run("ingest")
    return source_crawl(source, frontier=frontier, store=store, stats=stats, run_id=run_id, window=DateWindow(),
                        stop=lambda: False, progress=None, clock=time.time, lock_retry=retry)


def _article_visit() -> tuple[Task, Visit]:
    return Task(URL, "article", URL), Visit(outcome="article", requests=1, fetched=1, article=_article(),
                                            facts=ArticleFacts())


def _rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def test_engine_load_waits_for_a_writer_that_lets_go(tmp_path: Path) -> None:
    db = tmp_path / "warta.db"
    with Store(db, timeout=0.05) as store, Frontier(db, busy_timeout=5) as frontier:
        stats = RunStats()
        crawl = _engine(tmp_path, db, store, frontier, stats, QUICK)
        frontier.add_many([(URL, URL, None)], source="lokal")
        t0 = time.monotonic()
        with _writer_holding(db, release_after=0.3):
            crawl.apply(*_article_visit())
        assert time.monotonic() - t0 >= 0.25  # retried past the 0.05 s busy timeout
        assert stats.inserted == 1 and stats.failed == 0
        assert frontier.counts() == {"done": 1}
    assert _rows(db) == 1


def test_engine_load_locked_through_every_retry_stops_the_run_and_keeps_the_url(tmp_path: Path) -> None:
    db = tmp_path / "warta.db"
    with Store(db, timeout=0.05) as store, Frontier(db, busy_timeout=5) as frontier:
        stats = RunStats()
        crawl = _engine(tmp_path, db, store, frontier, stats, BRIEF)
        frontier.add_many([(URL, URL, None)], source="lokal")
        with _writer_holding(db), pytest.raises(StoreLockedError, match="stayed locked by another writer"):
            crawl.apply(*_article_visit())
        assert stats.failed == 0 and stats.failures == []  # not charged to the URL
        assert frontier.counts() == {"pending": 1}  # the next run loads it
    assert _rows(db) == 0


def test_import_load_waits_for_a_writer_that_lets_go(tmp_path: Path) -> None:
    db = tmp_path / "warta.db"
    t0 = time.monotonic()
    with Store(db, timeout=0.05) as store, _writer_holding(db, release_after=0.3):
        _, result = extract_and_load(_article(), _Facts(), store, run_id=None, retry=QUICK)
        assert time.monotonic() - t0 >= 0.25  # retried past the 0.05 s busy timeout
    assert result.status == "inserted"
    assert _rows(db) == 1


def test_import_load_locked_through_every_retry_is_a_store_failure_not_an_item_failure(tmp_path: Path) -> None:
    db = tmp_path / "warta.db"
    with Store(db, timeout=0.05) as store, _writer_holding(db):
        with pytest.raises(StoreLockedError) as raised:
            extract_and_load(_article(), _Facts(), store, run_id=None, retry=BRIEF)
    assert not isinstance(raised.value, ItemFailed) and is_store_failure(raised.value)
    assert _rows(db) == 0


def test_lock_retry_pauses_double_up_to_the_cap() -> None:
    retry = LockRetry(attempts=6, backoff_s=1.0, max_backoff_s=5.0)
    assert [retry.pause(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    with pytest.raises(ValueError, match="attempts must be at least 1"):
        LockRetry(attempts=0)
