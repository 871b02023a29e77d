"""``warta ingest --cluster``: visits on a real 3-worker Dask ``LocalCluster`` (worker processes).

The same three sites as the ``--jobs`` tests (``tests/test_jobs.py``): 127.0.0.1, 127.0.0.2 and
127.0.0.3, per-request latency, one asking for a longer robots.txt Crawl-delay; each server logs
when every request arrives, so politeness is measured on the server's clock. One run is clean;
in the other one worker process is killed with SIGKILL when about 30 % of the articles are stored.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed", reason="needs the cluster extra: pip install 'warta[cluster]'")

from pipeline.config import ConfigError, load_config  # noqa: E402
from pipeline.ingest import EXIT_OK, ingest  # noqa: E402
from sitegen import GeneratedSite, articles_in  # noqa: E402
from test_jobs import CRAWL_DELAY, DELAY, all_articles, not_done, stored, write_config  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=3, threads_per_worker=2, processes=True, dashboard_address=None,
                                  silence_logs=40) as local:
        yield local


@pytest.fixture()
def sites() -> Iterator[list[GeneratedSite]]:
    with (
        GeneratedSite(8, host="127.0.0.1", latency=0.03) as a,
        GeneratedSite(8, host="127.0.0.2", latency=0.03) as b,
        GeneratedSite(5, host="127.0.0.3", latency=0.03, crawl_delay=CRAWL_DELAY) as c,
    ):
        yield [a, b, c]


def check_polite(sites: list[GeneratedSite]) -> None:
    for site in sites:
        least = CRAWL_DELAY if site.crawl_delay else DELAY
        assert min(site.gaps()) >= least, (site.host, min(site.gaps()))


def test_cluster_stores_every_article_once_politely(cluster: Any, sites: list[GeneratedSite], tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    summary = ingest(load_config(config), db, cluster=cluster.scheduler_address, use_ner=False)
    assert summary.exit_code == EXIT_OK, summary.failures
    assert stored(db) == all_articles(sites)  # exactly the sites' articles, none twice
    assert (summary.inserted, summary.parsed, summary.refetched) == (21, 21, 0)
    assert summary.facts["officials"] >= 21  # extracted on the workers
    assert not_done(db) == 0
    for site in sites:
        paths = [p for p, _ in site.arrivals if p.startswith("/berita/")]
        assert sorted(paths) == sorted(a.path for a in site.articles)  # each article requested once
    check_polite(sites)


def test_killed_worker_visits_rerun_elsewhere(cluster: Any, sites: list[GeneratedSite], tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    killed: list[int] = []
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = client.run(os.getpid)

        def kill_one_at_30_percent() -> None:
            deadline = time.monotonic() + 120
            while articles_in(db) < 6 and time.monotonic() < deadline:
                time.sleep(0.01)
            busy = [addr for addr, keys in client.processing().items() if keys] or list(pids)
            killed.append(pids[busy[0]])
            os.kill(pids[busy[0]], signal.SIGKILL)

        killer = threading.Thread(target=kill_one_at_30_percent)
        killer.start()
        summary = ingest(load_config(config), db, cluster=cluster.scheduler_address, use_ner=False)
        killer.join()
    assert killed
    assert summary.exit_code == EXIT_OK, summary.failures
    urls = stored(db)
    assert urls == all_articles(sites) and len(urls) == len(set(urls))  # same store, nothing twice
    assert not_done(db) == 0
    check_polite(sites)  # the worker that took over waited a full delay first
    twice = sum(n - 1 for site in sites
                for n in Counter(p for p, _ in site.arrivals if p.startswith("/berita/")).values())
    assert summary.refetched >= 1 and twice <= summary.refetched  # every page fetched twice is reported
    assert any("refetched" in line for line in summary.lines())


def _coordinator(config: Path, db: Path, address: str) -> None:
    summary = ingest(load_config(config), db, cluster=address, use_ner=False)
    os._exit(summary.exit_code)


def test_killed_coordinator_rerun_loses_nothing_and_stores_nothing_twice(
    cluster: Any, sites: list[GeneratedSite], tmp_path: Path
) -> None:
    import multiprocessing

    config = write_config(tmp_path / "sources.toml", sites)
    db = tmp_path / "warta.db"
    proc = multiprocessing.get_context("spawn").Process(target=_coordinator, args=(config, db, cluster.scheduler_address))
    proc.start()
    deadline = time.monotonic() + 120
    while articles_in(db) < 6 and proc.is_alive():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    assert 6 <= articles_in(db) < 21
    summary = ingest(load_config(config), db, cluster=cluster.scheduler_address, use_ner=False)
    assert summary.exit_code == EXIT_OK, summary.failures
    urls = stored(db)
    assert urls == all_articles(sites) and len(urls) == len(set(urls))
    assert not_done(db) == 0
    check_polite(sites)  # the rerun's workers, new to the sites or not, kept the delay


def test_workers_of_another_version_are_refused(cluster: Any) -> None:
    from pipeline.cluster import check_workers, warta_version

    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        assert len(check_workers(client, warta_version())) == 3
        with pytest.raises(ConfigError, match="refusing workers of another warta version"):
            check_workers(client, "0.0.0-other")


def test_unreachable_scheduler_is_a_config_error(sites: list[GeneratedSite], tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", sites)
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        ingest(load_config(config), tmp_path / "warta.db", cluster="tcp://127.0.0.1:9", use_ner=False)
    assert not (tmp_path / "warta.db").exists()  # checked before anything was written
    assert not any(site.arrivals for site in sites)


def test_cli_cluster_option_names_the_unreachable_scheduler(sites: list[GeneratedSite], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli
    from pipeline.ingest import EXIT_CONFIG

    config = write_config(tmp_path / "sources.toml", sites)
    args = ["ingest", "--config", str(config), "--db", str(tmp_path / "warta.db"), "--quiet"]
    result = CliRunner().invoke(cli, [*args, "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == EXIT_CONFIG
    assert "configuration error: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    both = CliRunner().invoke(cli, [*args, "--cluster", "tcp://127.0.0.1:9", "--jobs", "2"])
    assert both.exit_code == EXIT_CONFIG and "not both" in both.output
    assert not (tmp_path / "warta.db").exists()
