"""``warta import-warc``: archives through parse, extract and load; skips counted, damage reported,
resumable after --limit, a failed extraction, SIGTERM and ``kill -9`` (a real subprocess), never a
duplicate row.

The archives are written here with warcio's writer (tests/warcgen.py) from the demo site's pages
and generated articles, both ours.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from db.store import Store
from pipeline.cli import cli
from pipeline.ingest import RunLock
from pipeline.stats import EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL
from pipeline.warc_import import MAX_ATTEMPTS, ImportFilters, import_warc
from procs import children, running
from sitegen import articles_in, shared_extractor
from warcgen import DEMO_PAGES, WarcBuilder, demo_page, generated

ROOT = Path(__file__).resolve().parent.parent
WARTA = [str(Path(sys.executable).parent / "warta")]


def stored(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT canonical_url FROM articles"))


def totals(db: Path) -> dict[str, int]:
    """Rows per table (runs left out)."""
    with Store.open_existing(db) as store:
        return {k: v for k, v in store.stats().items() if k != "runs"}


def last_run(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT status, counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return {"status": row[0], **json.loads(row[1])}


@pytest.fixture(scope="module")
def extractor() -> Any:
    return shared_extractor()


# --------------------------------------------------------------------------- one mixed archive


def mixed_archive(path: Path) -> tuple[Path, dict[str, Any]]:
    """The demo articles among the records a crawl writes, plus one of every kind to skip and a
    damaged gzip member; returns the file and what an import must make of it."""
    w = WarcBuilder(gzip=True)
    urls = list(DEMO_PAGES.values())
    for name, url in DEMO_PAGES.items():
        w.request(url)
        w.response(url, demo_page(name))
    w.revisit(urls[0])
    w.response("https://demo.warta.example/img/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    w.response("https://demo.warta.example/feed", b"<rss></rss>", content_type="application/rss+xml")
    w.response("https://demo.warta.example/lama", b"", status="301 Moved Permanently")
    w.response("https://demo.warta.example/", demo_page("index.html"))  # a listing page
    w.response(urls[1] + "?page=2", demo_page(next(iter(DEMO_PAGES))))  # a later page of an article
    w.response("https://news.detik.com/berita/d-6104527/antrean-puskesmas/2", demo_page(list(DEMO_PAGES)[4]))
    damaged = w.response(*generated(1, start=900)[0])  # its gzip member is cut short below
    w.response(urls[2], demo_page(list(DEMO_PAGES)[2]))  # the same URL captured again
    extra = generated(2)
    for url, page in extra:
        w.response(url, page)
    data = w.data()
    start, end = damaged
    data = data[:start] + data[start:(start + end) // 2] + data[end:]
    expected = {
        "urls": sorted(urls + [u for u, _ in extra]),
        "damaged_at": start,
        "skipped": {"not a response record": 1 + len(urls), "revisit record": 1, "not HTML": 2,
                    "HTTP status not 200": 1, "not an article": 1, "later page of an article": 2},
    }
    return w.save(path, data), expected


def test_mixed_archive_articles_skips_and_damage(tmp_path: Path, extractor: Any) -> None:
    archive, expected = mixed_archive(tmp_path / "mixed.warc.gz")
    db = tmp_path / "warta.db"
    report = import_warc([archive], db, extractor=extractor)
    stats = report.stats
    assert stored(db) == expected["urls"]  # adapters chosen per page; the repeated URL stored once
    assert dict(stats.skipped) == expected["skipped"]
    assert (stats.inserted, stats.unchanged, stats.parsed) == (8, 1, 9)
    assert stats.gave_up == 1 and stats.failed == 0
    bad = stats.failures[0]
    assert bad["status"] == "unreadable" and f"mixed.warc.gz@{expected['damaged_at']}-" in bad["url"]
    assert report.exit_code == EXIT_PARTIAL and stats.status == "partial"
    assert report.archives[0].done
    assert last_run(db)["status"] == "partial"
    with sqlite3.connect(db) as conn:
        adapters = {r[0] for r in conn.execute("SELECT adapter FROM articles WHERE canonical_url LIKE '%-demo.%'")}
    assert adapters == {"tribunnews", "antara", "detik"}  # each outlet's own adapter
    # run again: the archive was read to the end, nothing is read or written twice
    before = totals(db)
    again = import_warc([archive], db, extractor=extractor)
    assert again.already_done == 1 and again.records == 0 and again.exit_code == EXIT_OK
    assert totals(db) == before


def test_plain_warc_and_a_copy_under_another_name(tmp_path: Path, extractor: Any) -> None:
    w = WarcBuilder(gzip=False)
    for url, page in generated(3):
        w.response(url, page)
    a = w.save(tmp_path / "a.warc")
    b = w.save(tmp_path / "copy-of-a.warc")
    report = import_warc([a, b, a], tmp_path / "warta.db", extractor=extractor)
    assert len(report.archives) == 1  # the same content, read once
    assert report.stats.inserted == 3 and report.exit_code == EXIT_OK


def test_filters_host_url_and_dates(tmp_path: Path, extractor: Any) -> None:
    w = WarcBuilder()
    for name, url in DEMO_PAGES.items():
        w.response(url, demo_page(name))
    pages = generated(30)  # published 2024-03-01 08:00 WIB, an hour apart: days 1 and 2 of March
    for url, page in pages[:24]:
        w.response(url, page, date="2024-03-02T12:00:00Z")
    for url, page in pages[24:]:
        w.response(url, page, date="2024-02-20T12:00:00Z")  # captured before --since: not even parsed
    archive = w.save(tmp_path / "a.warc.gz")

    def run(name: str, **filters: Any) -> list[str]:
        db = tmp_path / f"{name}.db"
        import_warc([archive], db, filters=ImportFilters(**filters), extractor=extractor)
        return stored(db)

    assert run("host", hosts=("detik-demo.warta.example",)) == sorted(
        u for u in DEMO_PAGES.values() if "detik" in u)
    assert run("url", url_pattern=r"/berita/\d+/[a-z]") == sorted(u for u in DEMO_PAGES.values() if "antara" in u)
    march_2 = run("since", hosts=("warta-lokal.example",), since=dt.date(2024, 3, 2))
    assert march_2 == sorted(u for u, _ in pages[16:24])  # hours 16-23 fall on 2 March (WIB)
    march_1 = run("until", hosts=("warta-lokal.example",), until=dt.date(2024, 3, 1))
    assert march_1 == sorted(u for u, _ in pages[:16])


def test_limit_then_resume_loads_the_rest_once(tmp_path: Path, extractor: Any) -> None:
    w = WarcBuilder()
    for url, page in generated(12):
        w.request(url)
        w.response(url, page)
    archive = w.save(tmp_path / "a.warc.gz")
    db = tmp_path / "warta.db"
    first = import_warc([archive], db, limit=5, extractor=extractor)
    assert first.stats.parsed == 5 and first.exit_code == EXIT_OK and first.stats.deadline_reached
    assert not first.archives[0].done and "--limit reached" in "\n".join(first.lines())
    second = import_warc([archive], db, extractor=extractor)
    assert second.stats.inserted == 7 and second.stats.unchanged == 0  # nothing before the offset again
    assert second.archives[0].done
    assert stored(db) == sorted(u for u, _ in generated(12))


class FailingOn:
    """The real extractor, failing on articles whose text holds ``word`` (an extractor bug)."""

    def __init__(self, inner: Any, word: str) -> None:
        self.inner, self.word = inner, word

    def extract(self, text: str, published: Any = None, outlet: str | None = None) -> Any:
        if self.word in text:
            raise RuntimeError(f"extractor bug on {self.word!r}")
        return self.inner.extract(text, published, outlet)


def test_failed_extraction_is_retried_next_run_then_given_up(tmp_path: Path, extractor: Any) -> None:
    w = WarcBuilder()
    pages = generated(4)
    for url, page in pages:
        w.response(url, page)
    archive = w.save(tmp_path / "a.warc.gz")
    db = tmp_path / "warta.db"
    bad_word = "nomor 2 ini"  # in article 2 only
    first = import_warc([archive], db, extractor=FailingOn(extractor, bad_word))
    assert first.stats.inserted == 3 and first.stats.failed == 1 and first.exit_code == EXIT_PARTIAL
    assert "extractor bug" in first.stats.failures[0]["error"]
    assert list(first.archives[0].retry.values()) == [1] and not first.archives[0].done
    fixed = import_warc([archive], db, extractor=extractor)  # only the failed record is read again
    assert (fixed.records, fixed.stats.inserted, fixed.exit_code) == (1, 1, EXIT_OK)
    assert fixed.archives[0].done and stored(db) == sorted(u for u, _ in pages)

    db2 = tmp_path / "other.db"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = import_warc([archive], db2, extractor=FailingOn(extractor, bad_word))
        assert report.stats.failed + report.stats.gave_up == 1
    assert report.stats.gave_up == 1 and report.archives[0].done  # given up: not tried again
    assert import_warc([archive], db2, extractor=extractor).already_done == 1


# --------------------------------------------------------------------------- the command


def write_archives(folder: Path, n_files: int, per_file: int) -> list[Path]:
    paths = []
    for f in range(n_files):
        w = WarcBuilder()
        for url, page in generated(per_file, start=f * per_file):
            w.request(url)
            w.response(url, page)
        paths.append(w.save(folder / f"crawl-{f}.warc.gz"))
    return paths


def test_cli_jobs_2_matches_jobs_1(tmp_path: Path) -> None:
    archives = write_archives(tmp_path, 3, 6)
    (tmp_path / "extra.warc.gz").write_bytes(mixed_archive(tmp_path / "m.warc.gz")[0].read_bytes())
    files = [str(p) for p in archives] + [str(tmp_path / "extra.warc.gz")]
    runs = {}
    for jobs in (1, 2):
        db = tmp_path / f"jobs{jobs}.db"
        proc = subprocess.run([*WARTA, "import-warc", *files, "--db", str(db), "--jobs", str(jobs), "--no-ner"],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert proc.returncode == EXIT_PARTIAL, proc.stderr  # the damaged member of the mixed archive
        assert "unreadable" in proc.stdout and "extra.warc.gz@" in proc.stdout
        assert "import-warc run 1: partial" in proc.stdout and "4 archives: 4 done" in proc.stdout
        runs[jobs] = (stored(db), totals(db))
    assert runs[1] == runs[2]
    assert len(runs[1][0]) == 18 + len(DEMO_PAGES)  # its two generated pages are also in crawl-0


def test_cli_errors_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    text = tmp_path / "notes.txt"
    text.write_text("not an archive", encoding="utf-8")
    result = runner.invoke(cli, ["import-warc", str(text), "--db", str(tmp_path / "w.db")])
    assert result.exit_code == EXIT_CONFIG and "is not a WARC archive" in result.output
    archive = write_archives(tmp_path, 1, 1)[0]
    result = runner.invoke(cli, ["import-warc", str(archive), "--url-filter", "(", "--db", str(tmp_path / "w.db")])
    assert result.exit_code == EXIT_CONFIG and "not a regular expression" in result.output
    result = runner.invoke(cli, ["import-warc", str(archive), "--since", "2024-02-01", "--until", "2024-01-01"])
    assert result.exit_code == EXIT_CONFIG
    result = runner.invoke(cli, ["import-warc", str(tmp_path / "missing.warc")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "w.db").exists()  # nothing was written for a bad command
    with RunLock(tmp_path / "w.db"):
        result = runner.invoke(cli, ["import-warc", str(archive), "--db", str(tmp_path / "w.db")])
    assert result.exit_code == EXIT_LOCKED


def wait_for(predicate: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def two_archives(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path]:
    """Two archives of 80 articles each, and the store of one uninterrupted import of them."""
    folder = tmp_path_factory.mktemp("archives")
    archives = [str(p) for p in write_archives(folder, 2, 80)]
    reference = folder / "reference.db"
    subprocess.run([*WARTA, "import-warc", *archives, "--db", str(reference), "--no-ner", "--quiet"],
                   check=True, timeout=600)
    return archives, reference


def worker_pids(pid: int) -> list[int]:
    """The import's worker processes (children started by multiprocessing's spawn, not its resource tracker)."""
    return [c for c in children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill -9", "SIGTERM", "kill -9 of a worker"])
def test_killed_mid_import_then_rerun_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, how: str, two_archives: tuple[list[str], Path]
) -> None:
    archives, reference = two_archives
    db = tmp_path / "warta.db"
    proc = subprocess.Popen([*WARTA, "import-warc", *archives, "--db", str(db), "--jobs", "2", "--no-ner",
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(lambda: articles_in(db) >= 30)
    workers = worker_pids(proc.pid)
    assert len(workers) == 2
    if how == "kill -9 of a worker":
        os.kill(workers[0], signal.SIGKILL)  # the other worker and the writer go on
    else:
        os.kill(proc.pid, signal.SIGKILL if how == "kill -9" else signal.SIGTERM)
    out, _ = proc.communicate(timeout=300)
    code = proc.returncode
    partial = articles_in(db)
    assert partial < 160  # stopped part-way
    if how == "SIGTERM":
        assert code == EXIT_INTERRUPTED and last_run(db)["status"] == "interrupted"
    elif how == "kill -9":
        assert code == -signal.SIGKILL
    else:
        assert code == EXIT_PARTIAL and last_run(db)["status"] == "partial"
        assert partial >= 80  # the other worker's archive was finished
        assert any("worker process reading it died" in f["error"] for f in last_run(db)["failures"])
    wait_for(lambda: not any(running(w) for w in workers), timeout=30)  # the workers stop too
    rerun = subprocess.run([*WARTA, "import-warc", *archives, "--db", str(db), "--jobs", "2", "--no-ner"],
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == EXIT_OK, rerun.stdout + rerun.stderr
    assert stored(db) == stored(reference)  # nothing lost ...
    assert totals(db) == totals(reference)  # ... and no article, fact or entity row twice
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles").fetchone() == (160, 160)
        statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == {"kill -9": ["killed", "ok"], "SIGTERM": ["interrupted", "ok"],
                        "kill -9 of a worker": ["partial", "ok"]}[how]


@pytest.mark.parametrize("url,page", [
    ("https://sumsel.tribunnews.com/2024/03/01/judul", 1),
    ("https://sumsel.tribunnews.com/2024/03/01/judul?page=3", 3),
    ("https://sumsel.tribunnews.com/2024/03/01/judul?page=all", 0),
    ("https://news.detik.com/berita/d-6104527/judul-berita", 1),
    ("https://news.detik.com/berita/d-6104527/judul-berita/2", 2),
    ("https://news.detik.com/berita/d-6104527/judul-berita?single=1", 1),
    ("https://regional.kompas.com/read/2024/03/01/judul?page=2", 2),
    ("https://warta-lokal.example/berita/2024/03/01/artikel-00001", 1),
])
def test_later_pages_are_known_by_their_adapter(url: str, page: int) -> None:
    from scrapers.adapters import adapter_for

    assert adapter_for(url).page_of(url) == page
