"""Crash safety of ingestion: a run killed with SIGKILL at any point, or stopped with SIGTERM.

Each run is a real child process (started by a fork server, loading its own extraction models)
running the same ``ingest`` as ``warta ingest``; the store is polled from
here and the child is killed between, or in the middle of, its transactions. The next run
must leave exactly the articles of an uninterrupted run, none twice.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.ingest import EXIT_INTERRUPTED, EXIT_OK, GracefulStop, ingest
from sitegen import GeneratedSite, articles_in, shared_extractor, write_config

# Children start from a fork server, not a fork of this process: a fork inherits whatever lock
# another thread of the test process holds (SQLite's, from a Datasette test's writer thread) and
# can hang on it. Each child loads the extraction models itself.
FORK = multiprocessing.get_context("forkserver")


def _child(config: Path, db: Path) -> None:
    with GracefulStop() as stop:
        summary = ingest(load_config(config), db, extractor=shared_extractor(), stop=stop)
    os._exit(summary.exit_code)


def start(config: Path, db: Path) -> multiprocessing.process.BaseProcess:
    proc = FORK.Process(target=_child, args=(config, db))
    proc.start()
    return proc


def stored(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT canonical_url FROM articles"))


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def finish(config: Path, db: Path) -> None:
    """Run to the end in a child and check it succeeded."""
    proc = start(config, db)
    proc.join(120)
    assert proc.exitcode == EXIT_OK


@pytest.fixture(scope="module")
def site() -> Iterator[GeneratedSite]:
    with GeneratedSite(24, latency=0.02) as s:
        yield s


@pytest.fixture(scope="module")
def reference(site: GeneratedSite, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Canonical URLs after one uninterrupted run."""
    tmp = tmp_path_factory.mktemp("reference")
    finish(write_config(tmp / "sources.toml", site), tmp / "warta.db")
    urls = stored(tmp / "warta.db")
    assert len(urls) == len(site.articles)
    return urls


def check_complete(db: Path, reference: list[str]) -> None:
    urls = stored(db)
    assert urls == reference  # the articles of an uninterrupted run ...
    assert len(urls) == len(set(urls))  # ... none twice
    with sqlite3.connect(db) as conn:
        left = conn.execute("SELECT COUNT(*) FROM frontier_urls WHERE status != 'done'").fetchone()[0]
        last = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert (left, last) == (0, "ok")


@pytest.mark.parametrize("kill_after", [0, 3, 17])
def test_sigkill_after_k_articles_then_rerun(
    site: GeneratedSite, reference: list[str], tmp_path: Path, kill_after: int
) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    proc = start(config, db)
    wait_for(lambda: articles_in(db) >= kill_after or not proc.is_alive())
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    assert kill_after <= articles_in(db) < len(reference)
    finish(config, db)
    check_complete(db, reference)


def test_sigkill_at_random_moments_repeatedly(site: GeneratedSite, reference: list[str], tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    rng = random.Random(7)
    kills = 0
    for _ in range(8):
        proc = start(config, db)
        time.sleep(rng.uniform(0.0, 0.5))
        if proc.is_alive():
            assert proc.pid is not None
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.join(30)
    assert kills >= 4
    finish(config, db)
    check_complete(db, reference)


def test_sigterm_finishes_the_current_article_and_records_the_run(
    site: GeneratedSite, reference: list[str], tmp_path: Path
) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    proc = start(config, db)
    wait_for(lambda: articles_in(db) >= 4 or not proc.is_alive())
    proc.terminate()  # SIGTERM
    proc.join(60)
    assert proc.exitcode == EXIT_INTERRUPTED
    with sqlite3.connect(db) as conn:
        status, finished = conn.execute("SELECT status, finished FROM runs").fetchone()
        done = conn.execute("SELECT COUNT(*) FROM frontier_urls WHERE status = 'done'").fetchone()[0]
    assert status == "interrupted" and finished
    assert done == articles_in(db) < len(reference)  # every loaded article is marked done, no more
    finish(config, db)
    check_complete(db, reference)
