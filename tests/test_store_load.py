"""Batched loading (``Store.load_many``) against one article per transaction, and against a kill.

Issue #16: loading a million articles batches them (one transaction and one ``executemany``
per table per batch). These tests hold the batches to what loading one by one guarantees: the
same rows (entities, aliases with their reasons, mentions with provenance, roles, counts, the
full-text indexes), and after a SIGKILL in the middle of a batch, only whole committed batches,
no half-written article and no duplicate when the load is run again.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from db.schema import TABLES
from db.store import PREPARE_CHUNK, Store
from db.text_index import available as tantivy_available
from pipeline.models import Article, ArticleFacts
from procs import descendants, running
from store_bench import store_benchmark

#: Columns that hold the wall-clock time of the load, not what was loaded.
VOLATILE = {"articles": {"fetched_at"}, "outlets": {"first_seen"}, "runs": {"started", "finished"}}
#: A word in nearly every generated article, and one in a few percent of them.
WORDS = ("pemerintah", "bupati")


def corpus(n: int) -> list[tuple[Article, ArticleFacts]]:
    """The first ``n`` articles of the benchmark's generated corpus (the same in every process)."""
    gen = store_benchmark().Corpus()
    return [gen.article(i) for i in range(n)]


def dump(store: Store) -> dict[str, Any]:
    """Every row of every table (load times blanked), the mention counts and what both
    full-text indexes find for :data:`WORDS`."""
    out: dict[str, Any] = {}
    conn = store.conn
    for table in (*TABLES, "entity_mention_counts"):
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        blank = VOLATILE.get(table, set())
        select = ", ".join("NULL" if c in blank else c for c in cols)
        out[table] = sorted(conn.execute(f"SELECT {select} FROM {table}").fetchall(), key=repr)
    for word in WORDS:
        out["fts5:" + word] = sorted(
            r[0] for r in conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (word,))
        )
        if store.text_index() is not None:
            out["tantivy:" + word] = sorted(h.article_id for h in store.search(word, limit=10_000))
    return out


def test_batches_store_the_same_rows_as_one_article_per_transaction(tmp_path: Path) -> None:
    """Resolution, provenance and counts do not depend on how many articles share a transaction
    (nor on whether a chunk was fingerprinted in the worker process)."""
    items = corpus(PREPARE_CHUNK + 20)
    one = Store(tmp_path / "one.db")
    for art, facts in items:
        one.load(art, facts)
    expected = dump(one)
    one.close()
    assert len(expected["articles"]) == len(items)
    assert len(expected["mentions"]) > 10 * len(items)
    assert any(row[3] is not None for row in expected["official_relations"])  # subjects resolved
    for batch_size in (64, 10_000):
        batched = Store(tmp_path / f"batched-{batch_size}.db")
        results = list(batched.load_many(items, batch_size=batch_size))
        assert [r.status for r in results] == ["inserted"] * len(items)
        assert dump(batched) == expected, batch_size
        batched.close()


def _load(path: str, n: int, batch_size: int) -> None:
    with Store(path) as store:
        for _ in store.load_many(corpus(n), batch_size=batch_size):
            pass


def _writing(path: Path) -> bool:
    """Whether another connection holds the store's write lock (a batch's transaction is open)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
    return False


def _committed(path: Path) -> int:
    conn = sqlite3.connect(path, timeout=10)
    try:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is still being created
        return 0
    finally:
        conn.close()


@pytest.mark.parametrize("text_index", [False, True], ids=["fts5", "tantivy"])
def test_sigkill_in_the_middle_of_a_batch_keeps_whole_batches_and_a_rerun_completes(
    tmp_path: Path, text_index: bool
) -> None:
    """A loader killed while a batch's transaction is open leaves the batches committed before
    it, each article whole (the same rows as an uninterrupted load of as many articles); loading
    everything again skips those and stores the rest once."""
    if text_index and not tantivy_available():
        pytest.skip("the tantivy package is not installed (pip install 'warta[tantivy]')")
    n, batch = 600, 40
    path = tmp_path / "killed.db"
    with Store(path) as store:
        if text_index:
            store.rebuild_text_index()
    proc = multiprocessing.get_context("spawn").Process(target=_load, args=(str(path), n, batch))
    proc.start()
    try:
        deadline = time.monotonic() + 120
        # past the first batch, then caught while the next one is being written
        while _committed(path) < 2 * batch and proc.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        while not _writing(path) and proc.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.is_alive(), "the loader finished before it could be killed mid-batch"
        time.sleep(0.05)  # let it write some rows of the batch
        helpers = descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
    finally:
        if proc.is_alive():
            proc.kill()
    assert proc.exitcode == -signal.SIGKILL
    assert helpers, "the loader started no fingerprinting worker"
    # the worker sees its parent gone and exits, then the fork server (no client left): no orphan
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in helpers if running(pid)], "orphaned worker processes outlived the killed loader"
    items = corpus(n)
    kept = _committed(path)
    assert 2 * batch <= kept < n and kept % batch == 0, kept

    killed = Store(path)
    reference = Store(tmp_path / "reference.db")
    if text_index:
        reference.rebuild_text_index()
    assert [r.status for r in reference.load_many(items[:kept], batch_size=batch)] == ["inserted"] * kept
    assert dump(killed) == dump(reference)

    statuses = [r.status for r in killed.load_many(items, batch_size=batch)]
    assert statuses == ["unchanged"] * kept + ["inserted"] * (n - kept)
    for _ in reference.load_many(items[kept:], batch_size=batch):
        pass
    after = dump(killed)
    assert len(after["articles"]) == n
    assert after == dump(reference)
    killed.close()
    reference.close()
