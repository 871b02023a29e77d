"""``warta ingest`` as cron runs it: a real subprocess, its exit codes, output, lock and signals."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.ingest import RunLock, ingest
from sitegen import GeneratedSite, articles_in, shared_extractor, write_config

WARTA = Path(sys.executable).with_name("warta")

pytestmark = pytest.mark.skipif(not WARTA.exists(), reason=f"the warta script is not installed at {WARTA}")


def warta(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(WARTA), "ingest", *map(str, args)], capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def site() -> Iterator[GeneratedSite]:
    with GeneratedSite(12, latency=0.05) as s:
        yield s


def test_sigterm_then_quiet_rerun_then_summary(site: GeneratedSite, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    log = tmp_path / "ingest.log"
    proc = subprocess.Popen([str(WARTA), "ingest", "--config", str(config), "--db", str(db), "--log-file", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while articles_in(db) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "ingest run 1: interrupted" in out
    with sqlite3.connect(db) as conn:
        status, finished, counts = conn.execute("SELECT status, finished, counts FROM runs").fetchone()
    assert status == "interrupted" and finished
    assert 3 <= json.loads(counts)["inserted"] == articles_in(db) < 12
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {"ts", "level", "logger", "msg"} <= set(records[0])
    assert any("received SIGTERM" in r["msg"] for r in records)

    # The rest in this process (models already loaded), then the CLI again on the unchanged site.
    rest = ingest(load_config(config), db, extractor=shared_extractor())
    assert (rest.exit_code, articles_in(db)) == (0, 12)

    quiet = warta("--config", config, "--db", db, "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")

    again = warta("--config", config, "--db", db)
    assert again.returncode == 0, again.stderr
    assert "ingest run 4: ok" in again.stdout
    assert "fetched 0, not modified 1" in again.stdout  # the feed answered 304


def test_locked_store_exits_4_and_writes_nothing(site: GeneratedSite, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    with RunLock(db):
        result = warta("--config", config, "--db", db)
    assert result.returncode == 4
    assert "warta ingest: locked: another warta ingest" in result.stderr
    assert not db.exists()


def test_config_error_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text('[[source]]\nname = "x"\noutlet = "x.example"\nfeeds = ["http://x.example/rss"]\ndelay = -1\n')
    db = tmp_path / "warta.db"
    result = warta("--config", config, "--db", db)
    assert result.returncode == 2
    assert f"configuration error: {config}:5: " in result.stderr and "'delay'" in result.stderr
    unknown = warta("--config", config.with_name("absent.toml"), "--db", db)
    assert unknown.returncode == 2 and "file not found" in unknown.stderr
    assert not db.exists() and not Path(f"{db}.lock").exists()


def test_store_error_exits_3_and_leaves_the_file_alone(site: GeneratedSite, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    db = tmp_path / "warta.db"
    db.write_text("this is not a store")
    result = warta("--config", config, "--db", db)
    assert result.returncode == 3
    assert f"store error: {db} is not an SQLite database" in result.stderr
    assert db.read_text() == "this is not a store"


def test_total_outage_exits_5_and_a_quiet_run_says_so(tmp_path: Path) -> None:
    """A crontab line with --quiet must mail someone when every feed fails, and say which feeds
    have been failing run after run."""
    config = tmp_path / "sources.toml"
    config.write_text(
        "[fetch]\nallow_private = true\nretries = 0\nread_timeout = 2\n\n"
        "[defaults]\ndelay = 0\nretry_backoff_minutes = 0\nfeed_alert_failures = 2\n\n"
        '[[source]]\nname = "mati"\noutlet = "127.0.0.1"\n'
        'feeds = ["http://127.0.0.1:9/rss.xml", "http://127.0.0.1:9/lain.xml"]\n',
        encoding="utf-8",
    )
    db = tmp_path / "warta.db"
    first = warta("--config", config, "--db", db, "--quiet")
    assert (first.returncode, first.stdout) == (5, "")
    lines = first.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warta ingest: outage: all 2 requests failed, nothing was fetched")
    second = warta("--config", config, "--db", db, "--quiet")
    assert second.returncode == 5
    lines = second.stderr.splitlines()
    assert len(lines) == 3 and lines[0].startswith("warta ingest: outage:")
    assert sorted(line.split(": ConnectionFailed")[0] for line in lines[1:]) == [
        "warta ingest: feed failing 2 runs in a row: http://127.0.0.1:9/lain.xml (mati)",
        "warta ingest: feed failing 2 runs in a row: http://127.0.0.1:9/rss.xml (mati)",
    ]
    loud = warta("--config", config, "--db", db)
    assert loud.returncode == 5
    assert "feed failing 3 runs in a row: http://127.0.0.1:9/rss.xml" in loud.stdout
    assert loud.stderr.count("warta ingest: outage:") == 1
    assert loud.stdout.startswith("ingest run 3: outage in ")
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")] == ["outage"] * 3
