"""``warta ingest --jobs N``: sites crawled at once, each still polite, the store written by one thread.

Three real sites on three loopback addresses (127.0.0.1, 127.0.0.2, 127.0.0.3 are separate hosts),
with per-request latency, one asking for a longer robots.txt Crawl-delay; each server logs when
every request arrives, so politeness is measured on the server's clock.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_config
from pipeline.ingest import EXIT_OK, ingest
from pipeline.jobs import site_groups
from procs import descendants, running
from sitegen import GeneratedSite, articles_in, shared_extractor

DELAY = 0.15
CRAWL_DELAY = 0.3
# Children start from a fork server, not a fork of this process: a fork inherits whatever lock
# another thread of the test process holds (SQLite's, from a Datasette test's writer thread) and
# can hang on it. Each child loads the extraction models itself.
FORK = multiprocessing.get_context("forkserver")


@pytest.fixture()
def sites() -> Iterator[list[GeneratedSite]]:
    with (
        GeneratedSite(8, host="127.0.0.1", latency=0.03) as a,
        GeneratedSite(8, host="127.0.0.2", latency=0.03) as b,
        GeneratedSite(5, host="127.0.0.3", latency=0.03, crawl_delay=CRAWL_DELAY) as c,
    ):
        yield [a, b, c]


def write_config(path: Path, sites: list[GeneratedSite], *, politeness: str = "site") -> Path:
    lines = ["[fetch]", "allow_private = true", "retries = 0", "read_timeout = 5", "",
             "[defaults]", f"delay = {DELAY}", "retry_backoff_minutes = 0", f'politeness = "{politeness}"', ""]
    for i, site in enumerate(sites):
        host = site.host
        lines += ["[[source]]", f'name = "site-{i}"', f'outlet = "{host}"', f"feeds = {json.dumps([site.feed_url])}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def stored(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT canonical_url FROM articles"))


def not_done(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM frontier_urls WHERE status != 'done'").fetchone()[0])


def all_articles(sites: list[GeneratedSite]) -> list[str]:
    return sorted(url for site in sites for url in site.article_urls())


def test_jobs_2_stores_every_article_once_politely(sites: list[GeneratedSite], tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    summary = ingest(load_config(config), db, extractor=shared_extractor(), jobs=2)
    assert summary.exit_code == EXIT_OK, summary.failures
    assert stored(db) == all_articles(sites)  # exactly the sites' articles, none twice
    assert (summary.inserted, summary.parsed) == (21, 21)
    assert not_done(db) == 0
    for site in sites:
        paths = [p for p, _ in site.arrivals if p.startswith("/berita/")]
        assert sorted(paths) == sorted(a.path for a in site.articles)  # each article requested once
        least = CRAWL_DELAY if site.crawl_delay else DELAY
        assert min(site.gaps()) >= least, (site.host, min(site.gaps()))


def test_jobs_run_sites_at_the_same_time(sites: list[GeneratedSite], tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    ingest(load_config(config), db, extractor=shared_extractor(), jobs=3)
    spans = [(min(t for _, t in s.arrivals), max(t for _, t in s.arrivals)) for s in sites]
    # every site was being crawled while the others were: their request spans overlap
    assert max(start for start, _ in spans) < min(end for _, end in spans)


def test_sources_of_one_site_share_a_worker_and_its_delay(tmp_path: Path) -> None:
    with GeneratedSite(6, host="127.0.0.2", latency=0.01) as site:
        path = tmp_path / "sources.toml"
        lines = ["[fetch]", "allow_private = true", "retries = 0", "", "[defaults]", f"delay = {DELAY}", ""]
        for name, url in (("feed", site.feed_url), ("sitemap", site.sitemap_url)):
            lines += ["[[source]]", f'name = "{name}"', 'outlet = "127.0.0.2"', f'feeds = ["{url}"]', ""]
        path.write_text("\n".join(lines), encoding="utf-8")
        config = load_config(path)
        assert [[s.name for s in g] for g in site_groups(config.sources)] == [["feed", "sitemap"]]
        summary = ingest(config, tmp_path / "warta.db", extractor=shared_extractor(), jobs=2)
        assert summary.inserted == 6
        assert min(site.gaps()) >= DELAY  # the second source waited for the first one's last request


def test_politeness_is_validated_with_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[defaults]\npoliteness = "domain"\n\n[[source]]\nname = "x"\nfeeds = ["https://a.id/rss"]\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:2: ")
    assert "politeness" in str(info.value) and "'site', 'host', 'ip'" in str(info.value)


def _child(config: Path, db: Path) -> None:
    summary = ingest(load_config(config), db, extractor=shared_extractor(), jobs=2)
    os._exit(summary.exit_code)


def test_kill_9_mid_run_then_rerun_loses_nothing_and_stores_nothing_twice(
    sites: list[GeneratedSite], tmp_path: Path
) -> None:
    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    proc = FORK.Process(target=_child, args=(config, db))
    proc.start()
    deadline = time.monotonic() + 60
    while articles_in(db) < 6 and proc.is_alive():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    assert 6 <= articles_in(db) < 21
    summary = ingest(load_config(config), db, extractor=shared_extractor(), jobs=2)
    assert summary.exit_code == EXIT_OK, summary.failures
    urls = stored(db)
    assert urls == all_articles(sites) and len(urls) == len(set(urls))
    assert not_done(db) == 0


def test_extraction_in_a_process_pool(sites: list[GeneratedSite], tmp_path: Path) -> None:
    """The default of --jobs: each extraction process loads the models once; facts come back whole."""
    from pipeline.jobs import PoolExtractor

    config = write_config(tmp_path / "sources.toml", sites[:2])
    pool = PoolExtractor(1, use_ner=False)
    try:
        summary = ingest(load_config(config), tmp_path / "warta.db", extractor=pool, jobs=2)
    finally:
        pool.close()
    assert summary.exit_code == EXIT_OK and summary.inserted == 16
    assert summary.facts["officials"] >= 16  # every generated article names an official


def test_stop_request_ends_every_worker_and_marks_only_stored_articles_done(
    sites: list[GeneratedSite], tmp_path: Path
) -> None:
    """SIGTERM (here its stop flag) with --jobs: each worker finishes its page, then the run ends."""
    from pipeline.ingest import EXIT_INTERRUPTED

    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    summary = ingest(load_config(config), db, extractor=shared_extractor(), jobs=2,
                     stop=lambda: articles_in(db) >= 5)
    assert (summary.status, summary.exit_code) == ("interrupted", EXIT_INTERRUPTED)
    with sqlite3.connect(db) as conn:
        done = conn.execute("SELECT COUNT(*) FROM frontier_urls WHERE status = 'done'").fetchone()[0]
    assert 5 <= done == articles_in(db) < 21


@pytest.mark.slow
def test_kill_9_of_the_cli_leaves_no_extraction_process_behind(sites: list[GeneratedSite], tmp_path: Path) -> None:
    """``warta ingest --jobs 2`` killed with SIGKILL: its extraction pool's processes (and the
    multiprocessing helpers they keep alive) exit within seconds instead of running for ever."""
    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    warta = Path(sys.executable).with_name("warta")
    proc = subprocess.Popen([str(warta), "ingest", "--config", str(config), "--db", str(db), "--jobs", "2",
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while articles_in(db) < 3 and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        helpers = descendants(proc.pid)
        pool = [pid for pid in helpers if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert proc.poll() is None and len(pool) == 2, "the run ended before its extraction pool could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in helpers if running(pid)], "orphaned processes outlived the killed run"
