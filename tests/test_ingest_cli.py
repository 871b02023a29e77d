"""``warta ingest`` as cron runs it: a real subprocess, killed, signalled, run twice at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen import GeneratedSite

WARTA = Path(sys.executable).with_name("warta")

pytestmark = pytest.mark.skipif(not WARTA.exists(), reason=f"the warta script is not installed at {WARTA}")


def write_config(path: Path, site: GeneratedSite) -> Path:
    path.write_text(
        "[fetch]\nallow_private = true\nretries = 0\nread_timeout = 2\n\n"
        "[defaults]\ndelay = 0\nretry_backoff_minutes = 0\n\n"
        f'[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\nfeeds = ["{site.feed_url}"]\n',
        encoding="utf-8",
    )
    return path


def start(config: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(WARTA), "ingest", "--config", str(config), "--db", str(db), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def articles_in(db: Path) -> int:
    """Articles committed so far (0 while the store does not exist yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def stored(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT canonical_url FROM articles"))


@pytest.fixture(scope="module")
def site() -> Iterator[GeneratedSite]:
    with GeneratedSite(24, latency=0.03) as s:
        yield s


@pytest.fixture(scope="module")
def reference(site: GeneratedSite, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Canonical URLs after one uninterrupted run."""
    tmp = tmp_path_factory.mktemp("reference")
    db = tmp / "warta.db"
    proc = start(write_config(tmp / "sources.toml", site), db)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "parsed 24: new 24" in out
    return stored(db)


@pytest.mark.parametrize("kill_after", [0, 7, 19])
def test_sigkill_at_any_point_then_rerun_loses_and_duplicates_nothing(
    site: GeneratedSite, reference: list[str], tmp_path: Path, kill_after: int
) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    proc = start(config, db)
    if kill_after:
        wait_for(lambda: articles_in(db) >= kill_after or proc.poll() is not None)
    else:
        wait_for(lambda: db.exists() or proc.poll() is not None)
    proc.kill()
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert kill_after <= articles_in(db) < len(reference)

    again = start(config, db)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    urls = stored(db)
    assert urls == reference  # same articles as an uninterrupted run
    assert len(urls) == len(set(urls))  # and none twice
    with sqlite3.connect(db) as conn:
        pending = conn.execute("SELECT COUNT(*) FROM frontier_urls WHERE status != 'done'").fetchone()[0]
        runs = conn.execute("SELECT status FROM runs ORDER BY id").fetchall()
    assert pending == 0
    assert runs[-1] == ("ok",)


def test_sigterm_finishes_the_current_article_and_exits_130(
    site: GeneratedSite, reference: list[str], tmp_path: Path
) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    log = tmp_path / "ingest.log"
    proc = start(config, db, "--log-file", str(log))
    wait_for(lambda: articles_in(db) >= 4 or proc.poll() is not None)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in out
    with sqlite3.connect(db) as conn:
        status, finished, counts = conn.execute("SELECT status, finished, counts FROM runs").fetchone()
    assert status == "interrupted" and finished
    assert json.loads(counts)["inserted"] == articles_in(db) < len(reference)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert any("SIGTERM" in r["msg"] for r in records)
    assert {"ts", "level", "logger", "msg"} <= set(records[0])

    again = start(config, db)
    again.communicate(timeout=120)
    assert again.returncode == 0
    assert stored(db) == reference


def test_two_concurrent_runs_one_exits_locked(site: GeneratedSite, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    first = start(config, db, "--quiet")
    wait_for(lambda: articles_in(db) >= 1 or first.poll() is not None)
    second = start(config, db)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 4
    assert "another warta ingest" in err and str(first.pid) in err
    first.communicate(timeout=120)
    assert first.returncode == 0


def test_config_error_exit_2_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text('[[source]]\nname = "x"\noutlet = "x.example"\nfeeds = ["http://x.example/rss"]\ndelay = -1\n')
    db = tmp_path / "warta.db"
    proc = subprocess.run([str(WARTA), "ingest", "--config", str(config), "--db", str(db)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"{config}:5:" in proc.stderr and "'delay'" in proc.stderr
    assert not db.exists() and not Path(f"{db}.lock").exists()


def test_store_error_exit_3(site: GeneratedSite, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    db.write_text("this is not a store")
    proc = subprocess.run([str(WARTA), "ingest", "--config", str(config), "--db", str(db)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "store error" in proc.stderr and str(db) in proc.stderr
    assert db.read_text() == "this is not a store"


def test_quiet_prints_nothing_on_success(site: GeneratedSite, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run([str(WARTA), "ingest", "--config", str(config), "--db", str(tmp_path / "w.db"), "--quiet"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
