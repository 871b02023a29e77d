"""Reliability under hostile input (issue 17), on real local servers.

Each test reproduces one way a hostile or broken web stopped or misled warta: answers dripped a
byte at a time, values no parser expects, pages built to be slow to parse, an export aimed at the
store itself. Servers are ``tests/faultserver.py`` (scripted faults) and ``tests/sitegen.py`` (a
generated news site).
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from db.exceptions import StoreError
from db.frontier import Frontier
from faultserver import FaultServer, drip, page, status
from pipeline.cli import cli
from pipeline.config import ConfigError, load_config
from pipeline.models import FailedFetch
from pipeline.ingest import (
    EXIT_PARTIAL,
    EXIT_STALE_LOCK,
    RunStats,
    LockedError,
    StaleLockError,
    ingest,
)
from scrapers.adapters import adapter_for
from scrapers.adapters.generic import GenericAdapter, in_container, main_container_text
from scrapers.discover import discover
from scrapers.crawl import fetch_article
from scrapers.exceptions import BlockedAddress, DiscoveryError, FetchTimeout
from scrapers.fetch import Fetcher, FetchSettings, check_address
from sitegen import SITE_TZ, GeneratedArticle, GeneratedSite, shared_extractor

HTML_OK = "<html><head><title>ok</title></head><body><p>Halo Palembang</p></body></html>"
FAST = {"delay": 0.0, "allow_private": True, "retries": 0, "connect_timeout": 1.0, "read_timeout": 0.5,
        "total_timeout": 1.0, "obey_robots": False}


@pytest.fixture()
def srv() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


# --------------------------------------------------------------------------- total deadline


@pytest.mark.parametrize("headers_too", [True, False], ids=["headers", "body"])
def test_dripped_answer_hits_the_total_deadline(srv: FaultServer, headers_too: bool) -> None:
    """issue 17: 1 byte every 0.2 s never trips the per-read timeout; the total deadline does."""
    url = srv.route("/drip", drip(HTML_OK * 5, interval=0.2, headers_too=headers_too))
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        t0 = time.monotonic()
        with pytest.raises(FetchTimeout) as err:
            fetcher.fetch(url)
        took = time.monotonic() - t0
    assert err.value.retryable and err.value.total
    assert "1s" in str(err.value)
    assert 0.9 < took < 2.5


def test_dripped_robots_txt_hits_the_total_deadline(srv: FaultServer) -> None:
    """issue 17: robots.txt is fetched under the same deadline; the page is not fetched."""
    srv.route("/robots.txt", drip("User-agent: *\nAllow: /\n" * 20, interval=0.2, content_type="text/plain"))
    url = srv.route("/page", page(HTML_OK))
    with Fetcher(FetchSettings.from_mapping({**FAST, "obey_robots": True})) as fetcher:
        t0 = time.monotonic()
        with pytest.raises(FetchTimeout):
            fetcher.fetch(url)
        assert time.monotonic() - t0 < 2.5
    assert not srv.hits("/page")


def test_fast_answers_are_not_cut_by_the_deadline(srv: FaultServer) -> None:
    """The watchdog of one request never touches the next one on a reused connection."""
    url = srv.route("/ok", page(HTML_OK))
    with Fetcher(FetchSettings.from_mapping({**FAST, "total_timeout": 0.3})) as fetcher:
        for _ in range(5):
            assert fetcher.fetch(url, conditional=False).text.startswith("<html>")
        time.sleep(0.4)
        assert fetcher.fetch(url, conditional=False).status == 200


# --------------------------------------------------------------------------- ingest: deadlines and the lock


def _config(path: Path, site: GeneratedSite, *, fetch: str = "", **settings: Any) -> Path:
    values = {"delay": 0, "max_pages": 500, "max_attempts": 3, "retry_backoff_minutes": 0, **settings}
    lines = ["[fetch]", "allow_private = true", "retries = 0", "connect_timeout = 2", "read_timeout = 1", fetch, ""]
    lines += ["[[source]]", 'name = "lokal"', 'outlet = "127.0.0.1"', f'feeds = ["{site.feed_url}"]']
    lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ingest(config: Path, db: Path, **kwargs: Any) -> RunStats:
    return ingest(load_config(config), db, extractor=shared_extractor(), **kwargs)


def test_ingest_counts_a_dripping_article_as_a_failed_attempt(tmp_path: Path, db_path: Path) -> None:
    """issue 17: an article dripped at 5 bytes/s used to hold the run (and its lock) for hours."""
    with GeneratedSite(4) as site:
        dripping = site.articles[1].path
        site.drip(dripping, 0.2)
        config = _config(tmp_path / "sources.toml", site, fetch="total_timeout = 1.5")
        t0 = time.monotonic()
        summary = _ingest(config, db_path)
        assert time.monotonic() - t0 < 30
        assert (summary.inserted, summary.failed, summary.exit_code) == (3, 1, EXIT_PARTIAL)
        assert "FetchTimeout" in summary.failures[0]["error"]
        with Frontier(db_path) as frontier:
            row = frontier.get(site.base_url + dripping)
        assert row is not None and (row["status"], row["attempts"]) == ("failed", 1)


def test_ingest_stops_taking_pages_at_its_own_deadline(tmp_path: Path, db_path: Path) -> None:
    with GeneratedSite(3) as site:
        config = _config(tmp_path / "sources.toml", site)
        summary = _ingest(config, db_path, max_run_seconds=0)
        assert summary.deadline_reached and summary.exit_code == EXIT_PARTIAL
        assert summary.status == "partial" and site.count() == 0
        assert "run deadline reached" in "\n".join(summary.lines())
        config.write_text("[run]\nmax_hours = 0.0001\n" + config.read_text(), encoding="utf-8")
        assert load_config(config).max_run_hours == 0.0001
        site.latency = 0.2  # 0.36 s of run time: two articles at most
        summary = _ingest(config, db_path)
        assert summary.deadline_reached and summary.inserted < 3
        config.write_text(config.read_text().replace("0.0001", "1e9"), encoding="utf-8")
        with pytest.raises(ConfigError, match="max_hours"):
            load_config(config)


_HOLD_LOCK = """
import sys, time
sys.path[:0] = {paths!r}
from pipeline.ingest import RunLock
lock = RunLock({db!r}, deadline={deadline!r})
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def _hold_lock(db: Path, deadline: float) -> subprocess.Popen[str]:
    code = _HOLD_LOCK.format(paths=sys.path, db=str(db), deadline=deadline)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_lock_held_past_its_deadline_is_reported_stale(tmp_path: Path, db_path: Path) -> None:
    """issue 17: a hung run kept the lock and every later cron run exited 4, which systemd counts as success."""
    with GeneratedSite(2) as site:
        config = _config(tmp_path / "sources.toml", site)
        hung = _hold_lock(db_path, deadline=time.time() - 3600)
        try:
            with pytest.raises(StaleLockError, match=rf"stale lock.*pid {hung.pid}.*kill {hung.pid}"):
                _ingest(config, db_path)
            result = CliRunner().invoke(cli, ["ingest", "--config", str(config), "--db", str(db_path), "--quiet"])
            assert result.exit_code == EXIT_STALE_LOCK, result.output
            assert "stale lock" in result.output
        finally:
            hung.kill()
            hung.wait()
        busy = _hold_lock(db_path, deadline=time.time() + 3600)
        try:
            with pytest.raises(LockedError) as err:
                _ingest(config, db_path)
            assert not isinstance(err.value, StaleLockError)
        finally:
            busy.kill()
            busy.wait()
        assert _ingest(config, db_path).inserted == 2


def test_runs_killed_mid_way_are_marked_killed(tmp_path: Path, db_path: Path) -> None:
    """issue 17 (low): a run ended by kill -9 stayed 'running' forever."""
    with GeneratedSite(1) as site:
        config = _config(tmp_path / "sources.toml", site)
        _ingest(config, db_path)
        with sqlite3.connect(db_path) as conn:
            conn.execute("INSERT INTO runs (command, started) VALUES ('ingest', '2024-01-01T00:00:00')")
        _ingest(config, db_path)
        with sqlite3.connect(db_path) as conn:
            statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
        assert statuses == ["ok", "killed", "ok"]


def test_a_symlinked_lock_file_is_not_followed(tmp_path: Path, db_path: Path) -> None:
    """issue 17 (low): ``<db>.lock`` pointing elsewhere had its target truncated."""
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    Path(f"{db_path}.lock").symlink_to(victim)
    with GeneratedSite(1) as site:
        with pytest.raises(StoreError, match="symbolic link"):
            _ingest(_config(tmp_path / "sources.toml", site), db_path)
    assert victim.read_text() == "keep me"


# --------------------------------------------------------------------------- one bad value, one item


_KOMPAS_9999 = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Wali Kota Tinjau Smart City Palembang - Kompas.com</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="9999-12-31T23:59:59-23:59">
</head><body><h1 class="read__title">Wali Kota Tinjau Smart City Palembang</h1>
<div class="read__content">{paras}</div></body></html>"""
_PARA = ("<p>Wali Kota Palembang Harnojoyo meninjau layanan smart city di Kecamatan Ilir Barat "
         "pada Senin bersama kepala dinas dan warga kota yang hadir dalam jumlah besar.</p>")


def _hostile_site(srv: FaultServer) -> dict[str, str]:
    """A feed and a sitemap each with one unusable link beside good ones, and a Kompas page dated 9999."""
    good = [GeneratedArticle(index=i, published=dt.datetime(2024, 3, 1, 8 + i, tzinfo=SITE_TZ), smart=True)
            for i in range(2)]
    for art in good:
        srv.route(art.path, page(art.render(srv.base_url)))
    kompas = srv.route("/read/2024/03/01/12345/wali-kota-tinjau-smart-city", page(_KOMPAS_9999.format(paras=_PARA * 4)))
    items = [
        "http://127.0.0.1:99999999/berita/2024/03/01/port-di-luar-jangkauan-sama-sekali",
        srv.url(good[0].path),
        kompas,
    ]
    feed = srv.route("/rss", page(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Warta</title>'
        + "".join(f"<item><title>t{i}</title><link>{u}</link></item>" for i, u in enumerate(items))
        + "</channel></rss>", "application/rss+xml"))
    sitemap = srv.route("/sitemap.xml", page(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>http://[::1</loc></url><url><loc>{srv.url(good[1].path)}</loc></url></urlset>",
        "application/xml"))
    return {"feed": feed, "sitemap": sitemap, "kompas": kompas, "good0": srv.url(good[0].path),
            "good1": srv.url(good[1].path)}


def test_discovery_skips_only_the_unusable_link(srv: FaultServer) -> None:
    """issue 17: a port of 99999999 or ``http://[::1`` raised ValueError out of discovery."""
    urls = _hostile_site(srv)
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        bad: list[FailedFetch] = []
        feed_links = discover(fetcher.fetch(urls["feed"]), bad_links=bad)
        sitemap_links = discover(fetcher.fetch(urls["sitemap"]), bad_links=bad)
    assert [link.url for link in feed_links] == [urls["good0"], urls["kompas"]]
    assert [link.url for link in sitemap_links] == [urls["good1"]]
    assert [(b.kind, b.url) for b in bad] == [
        ("ValueError", "http://127.0.0.1:99999999/berita/2024/03/01/port-di-luar-jangkauan-sama-sekali"),
        ("ValueError", "http://[::1"),
    ]
    assert "Port out of range" in bad[0].error and "IPv6" in bad[1].error


def test_kompas_date_in_year_9999_is_dropped_not_fatal() -> None:
    """issue 17: ``9999-12-31T23:59:59-23:59`` raised OverflowError in the Kompas date code."""
    html = _KOMPAS_9999.format(paras=_PARA * 4)
    article = adapter_for("https://regional.kompas.com/read/2024/03/01/12345/x", html).parse(
        html, "https://regional.kompas.com/read/2024/03/01/12345/x")
    assert article.adapter == "kompas" and article.text
    assert article.published is None or article.published.year < 9999


def test_ingest_goes_on_past_bad_links_and_values(srv: FaultServer, tmp_path: Path, db_path: Path) -> None:
    """issue 17: each of these aborted the whole ingest, and the URL crashed the next night again."""
    urls = _hostile_site(srv)
    config = tmp_path / "sources.toml"
    config.write_text(
        '[fetch]\nallow_private = true\nretries = 0\nread_timeout = 2\n\n'
        '[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\ndelay = 0\n'
        f'feeds = ["{urls["feed"]}"]\nsitemaps = ["{urls["sitemap"]}"]\n', encoding="utf-8")
    summary = _ingest(config, db_path)
    assert summary.skipped["unusable link"] == 2
    assert {f["url"] for f in summary.failures} == {"http://127.0.0.1:99999999/berita/2024/03/01/port-di-luar-jangkauan-sama-sekali",
                                                   "http://[::1"}
    assert summary.inserted == 3 and summary.feeds_failed == 0
    assert "  skipped http://[::1: ValueError: unusable link on" in "\n".join(summary.lines())
    with sqlite3.connect(db_path) as conn:
        stored = {r[0] for r in conn.execute("SELECT canonical_url FROM articles")}
    assert stored == {urls["good0"], urls["good1"], urls["kompas"]}


def test_crawl_keeps_a_feed_with_one_bad_link(srv: FaultServer, db_path: Path) -> None:
    """issue 17: ``warta crawl`` dropped the whole feed for one link it could not read."""
    urls = _hostile_site(srv)
    result = CliRunner().invoke(cli, ["crawl", urls["feed"], urls["sitemap"], "--db", str(db_path),
                                      "--delay", "0", "--allow-private"])
    assert result.exit_code == 0, result.output
    assert "articles: 3 (new 3" in result.output
    assert "failed URLs: 2" in result.output
    # seeds typed on the command line are checked before anything loads: named, no traceback
    seeds = CliRunner().invoke(cli, ["crawl", "http://[::1", "http://127.0.0.1:99999999/", urls["good0"],
                                     "--db", str(db_path), "--delay", "0", "--allow-private"])
    assert seeds.exit_code == 1 and "Traceback" not in seeds.output, seeds.output
    assert "not an http(s) URL: 'http://[::1', 'http://127.0.0.1:99999999/'" in seeds.output


# --------------------------------------------------------------------------- CPU on long pages


def _long_page(paragraphs: int) -> str:
    para = ("<p>Warga kecamatan membahas program pembangunan jembatan sungai musi nomor {i} "
            "bersama dinas kota.</p>\n")
    body = "".join(para.format(i=i) for i in range(paragraphs))
    return ('<html><head><title>Judul</title><meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2024-03-01T08:00:00+07:00"></head>'
            f'<body><article><h1>Judul</h1><div class="isi">{body}</div></article></body></html>')


def _best_of(n: int, fn: Any) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def test_main_container_time_grows_linearly() -> None:
    """issue 17: main_container_text() was O(paragraphs^2): 800 KB of text took 90 s."""
    docs = {n: lxml.html.document_fromstring(_long_page(n)) for n in (5000, 10000)}
    small = _best_of(3, lambda: main_container_text(docs[5000]))
    large = _best_of(3, lambda: main_container_text(docs[10000]))
    assert large / max(small, 1e-4) < 3.0, (small, large)  # quadratic would be ~4


def test_a_1mb_article_parses_in_seconds() -> None:
    """issue 17: a 5 MB page (under the 10 MB body cap) ran for over an hour."""
    html = _long_page(10000)
    assert len(html) > 1_000_000
    t0 = time.perf_counter()
    article = GenericAdapter().parse(html, "http://warta.example/2024/03/01/judul-berita-yang-panjang-sekali")
    assert time.perf_counter() - t0 < 20  # about 2 s on the 2-core development machine
    assert len(article.paragraphs) == 10000


def test_container_check_gives_up_at_its_budget() -> None:
    """The per-page budget: past it the check stops and every paragraph is kept."""
    container = "x" * 2_000_000
    paragraphs = [f"tidak ada {i}" for i in range(100)]
    assert in_container(paragraphs, container, deadline=time.thread_time() - 1) is None
    assert in_container(["xx", "yy"], container, deadline=time.thread_time() + 10) == ["xx"]


# --------------------------------------------------------------------------- export never overwrites the store


@pytest.fixture()
def small_store(srv: FaultServer, db_path: Path) -> Path:
    urls = _hostile_site(srv)
    result = CliRunner().invoke(cli, ["crawl", urls["good0"], "--db", str(db_path), "--delay", "0", "--allow-private"])
    assert result.exit_code == 0, result.output
    return db_path


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", ".lock", "link"])
def test_export_onto_the_store_is_refused(small_store: Path, tmp_path: Path, suffix: str) -> None:
    """issue 17: ``--output`` naming the store truncated it (294,912 -> 1,431 bytes, store lost)."""
    if suffix == "link":
        target = tmp_path / "looks-harmless.jsonl"
        target.symlink_to(small_store)
    else:
        target = Path(f"{small_store}{suffix}")
    before = small_store.read_bytes()
    result = CliRunner().invoke(cli, ["export", "--db", str(small_store), "--output", str(target)])
    assert result.exit_code == 1 and "refusing to export onto" in result.output
    assert small_store.read_bytes() == before
    assert CliRunner().invoke(cli, ["stats", "--db", str(small_store)]).exit_code == 0


def test_export_replaces_the_file_whole_and_escapes_formulas(small_store: Path, tmp_path: Path) -> None:
    """Written to a temporary file, then renamed; CSV cells starting like formulas get a quote."""
    with sqlite3.connect(small_store) as conn:
        conn.execute("UPDATE articles SET title = '=HYPERLINK(\"http://evil\",\"klik\")'")
    target = tmp_path / "articles.csv"
    target.write_text("old export\n")
    result = CliRunner().invoke(cli, ["export", "--db", str(small_store), "--format", "csv", "--output", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert "old export" not in text and "'=HYPERLINK(" in text
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    full = CliRunner().invoke(cli, ["export", "--db", str(small_store), "--output", "/dev/full"])
    assert full.exit_code == 1 and "cannot write the export to /dev/full" in full.output


# --------------------------------------------------------------------------- medium: Retry-After, SSRF, pager, charset


def test_a_host_asking_for_a_long_wait_is_left_for_a_later_run(srv: FaultServer, tmp_path: Path, db_path: Path) -> None:
    """issue 17: Retry-After 999999 on every URL made warta wait 2 minutes per URL, hitting the host each time."""
    arts = [GeneratedArticle(index=i, published=dt.datetime(2024, 3, 1, 8 + i, tzinfo=SITE_TZ), smart=True)
            for i in range(4)]
    for art in arts:
        srv.route(art.path, status(429, {"Retry-After": "999999"}))
    feed = srv.route("/rss", page(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Warta</title>'
        + "".join(f"<item><title>t</title><link>{srv.url(a.path)}</link></item>" for a in arts)
        + "</channel></rss>", "application/rss+xml"))
    config = tmp_path / "sources.toml"
    config.write_text(
        '[fetch]\nallow_private = true\nretries = 3\n\n'
        f'[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\ndelay = 0\nfeeds = ["{feed}"]\n', encoding="utf-8")
    t0 = time.monotonic()
    summary = _ingest(config, db_path)
    assert time.monotonic() - t0 < 10
    assert sum(len(srv.hits(a.path)) for a in arts) == 1  # asked once, then the host is left alone
    assert summary.skipped["host asked to wait (Retry-After)"] == 4
    assert (summary.failed, summary.gave_up) == (0, 0)
    with Frontier(db_path) as frontier:
        rows = [frontier.get(srv.url(a.path)) for a in arts]
    assert all(r is not None and (r["status"], r["attempts"]) == ("pending", 0) for r in rows)


@pytest.mark.parametrize("host", [
    "100.64.0.1",                 # shared address space (cloud metadata on some providers)
    "100.100.100.200",
    "0.0.0.0",
    "198.18.0.1",                 # benchmarking
    "[::ffff:127.0.0.1]",         # IPv4-mapped loopback
    "[::ffff:100.64.0.1]",
    "[2002:7f00:1::]",            # 6to4 of 127.0.0.1
    "[2002:a9fe:a9fe::]",         # 6to4 of 169.254.169.254
    "[64:ff9b::7f00:1]",          # NAT64 of 127.0.0.1
    "[64:ff9b::a9fe:a9fe]",       # NAT64 of 169.254.169.254
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo of 127.0.0.1
    "[fc00::1]",
    "[::1]",
])
def test_every_non_global_address_is_refused(host: str) -> None:
    """issue 17: 100.64.0.0/10 and 6to4 / other IPv6 forms of loopback got past the SSRF guard."""
    with pytest.raises(BlockedAddress):
        check_address(f"http://{host}/latest/meta-data/")


def test_global_addresses_pass_the_guard() -> None:
    for host in ("93.184.216.34", "[2606:2800:220:1:248:1893:25c8:1946]", "[2002:5db8:d822::]", "[64:ff9b::5db8:d822]"):
        check_address(f"http://{host}/")


_KOMPAS_PAGED = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Wali Kota Tinjau Smart City - Kompas.com</title>
<meta property="article:published_time" content="2024-03-01T01:00:00+00:00"></head><body>
<h1 class="read__title">Wali Kota Tinjau Smart City</h1>
<div class="read__content">{paras}</div>
<div class="read__paging"><a href="{next}">2</a></div></body></html>"""


def test_pager_links_stay_on_the_articles_host(srv: FaultServer) -> None:
    """issue 17: a page-2 link to another host was followed and its text joined into the article."""
    path = "/read/2024/03/01/12345/wali-kota-tinjau-smart-city"
    foreign = f"http://localhost:{srv.port}{path}?page=2"  # same server, another host name
    srv.route(path, page(_KOMPAS_PAGED.format(paras=_PARA * 3, next=foreign)))
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        article = fetch_article(fetcher, srv.url(path) + "?page=1")
    assert article.pages == 1
    assert [h.headers.get("Host") for h in srv.hits(path)].count(f"localhost:{srv.port}") == 0


def test_declared_charset_survives_a_stray_byte(srv: FaultServer) -> None:
    """issue 17: one bad byte in a UTF-8 page made the whole page decode as Mac Roman."""
    text = "<p>Pemkot menganggarkan “kota cerdas” — Rp 5 miliar, kata Wali Kota Palembang café.</p>" * 40
    body = ('<html><head><meta charset="utf-8"><title>Berita</title></head><body>'
            + text + "</body></html>").encode("utf-8")
    body = body.replace("Rp 5".encode(), b"Rp \xff5", 1)
    url = srv.route("/stray", page(body, "text/html"))
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        fetched = fetcher.fetch(url)
    assert fetched.encoding == "utf-8"
    assert fetched.text.count("\ufffd") == 1 and "“kota cerdas” —" in fetched.text and "café" in fetched.text


# --------------------------------------------------------------------------- text over spaCy's limit


def test_text_over_a_million_characters_is_extracted_in_chunks() -> None:
    """issue 17: text over spaCy's 1,000,000-character limit (E088) aborted crawl and was never stored."""
    from extractors import Extractor

    para = ("Bupati Muara Enim Ahmad Yani meninjau program Smart City di Kecamatan Lawang Kidul pada "
            "Senin (4/3/2024) bersama Dinas Komunikasi dan Informatika. ")
    filler = "Warga kota membahas pembangunan jembatan dan drainase di pasar. " * 200 + "\n"
    text = (para + "\n" + filler) * 80
    assert len(text) > 1_000_000
    facts = Extractor(use_ner=False).extract(text, "2024-03-05")
    assert max(o.prov.start for o in facts.officials) > 1_000_000  # the last chunk's facts are there too
    for fact in facts.officials + facts.places + facts.dates:
        assert text[fact.prov.start:fact.prov.end] == fact.surface
    assert len({p.name for p in facts.places}) == len(facts.places)


# --------------------------------------------------------------------------- read-only store


def _on_read_only_mount(folder: Path, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run ``warta`` commands in a private mount namespace where ``folder`` is mounted read-only."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) for a read-only mount namespace")
    warta = str(Path(sys.executable).with_name("warta"))
    mount = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"{mount} && ! touch {folder}/probe"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here (needs root or user namespaces): {probe.stderr.strip()}")
    results = []
    for command in commands:
        script = f"{mount} && exec {shlex.join([warta, *command])}"
        results.append(subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                                      timeout=120))
    return results


def test_read_only_store_reads_and_says_read_only(small_store: Path) -> None:
    """issue 17: on a read-only file system every command said the store was damaged."""
    db = str(small_store)
    stats, search, export, reextract, crawl, ingest_ = _on_read_only_mount(
        small_store.parent,
        ["stats", "--db", db], ["search", "Palembang", "--db", db], ["export", "--db", db, "--table", "outlets"],
        ["reextract", "--db", db], ["crawl", "http://127.0.0.1:9/rss", "--db", db],
        ["ingest", "--db", db, "--quiet"],
    )
    assert stats.returncode == 0 and "articles" in stats.stdout, stats.stderr
    assert search.returncode == 0 and "Palembang" in search.stdout, search.stderr
    assert export.returncode == 0 and "127.0.0.1" in export.stdout, export.stderr
    for result in (reextract, crawl, ingest_):
        assert result.returncode in (1, 3), result.stderr
        assert "read-only" in result.stderr and "damaged" not in result.stderr
        assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- low: search bounds, serve Host header


@pytest.mark.parametrize("args, message", [
    (["--until", "9999-12-31"], None),
    (["--since", "0001-01-01"], None),
    (["--limit", "99999999999999999999"], None),
    (["kota " * 20000], "too long"),
    ([" ".join(f"kata{i}" for i in range(100))], "more than 32 words"),
])
def test_search_bounds_give_answers_not_tracebacks(small_store: Path, args: list[str], message: str | None) -> None:
    """issue 17 (low): OverflowError tracebacks for extreme dates and limits; a 100 KB query ran for minutes."""
    query, options = (args[0], []) if message else ("Palembang", args)
    t0 = time.monotonic()
    result = CliRunner().invoke(cli, ["search", query, "--db", str(small_store), *options])
    assert time.monotonic() - t0 < 10
    assert not isinstance(result.exception, OverflowError) and result.exit_code in (0, 1), result.output
    if message:
        assert result.exit_code == 1 and message in result.output
    else:
        assert result.exit_code == 0


def test_serve_refuses_foreign_host_headers(small_store: Path) -> None:
    """issue 17 (low): ``warta serve`` answered any Host header (DNS rebinding)."""
    import requests

    from db.serve import BackgroundServer

    with BackgroundServer(small_store) as server:
        ok = requests.get(server.url + "/-/versions.json", timeout=10)
        rebound = requests.get(server.url + "/-/versions.json", headers={"Host": "evil.example:8001"}, timeout=10)
        local = requests.get(server.url + "/-/versions.json", headers={"Host": "localhost:8001"}, timeout=10)
    assert ok.status_code == 200 and local.status_code == 200
    assert rebound.status_code == 421


def test_serve_bounds_datasette_search(small_store: Path) -> None:
    """issue 17 (low): a long ``_search`` ran for seconds per KB (FTS5 is not stopped by the SQL time limit)."""
    import requests

    from db.serve import BackgroundServer

    words = " ".join(["kota"] * 2500)
    with BackgroundServer(small_store) as server:
        t0 = time.monotonic()
        long = requests.get(f"{server.url}/warta/articles?_search={words}", timeout=60)
        canned = requests.get(f"{server.url}/warta/search?q={words}", timeout=60)
        short = requests.get(f"{server.url}/warta/articles?_search=Palembang", timeout=60)
        match = " OR ".join(["kota"] * 1500)
        sql = requests.get(f"{server.url}/warta.json", timeout=60, params={
            "sql": f"select bm25(articles_fts) from articles_fts where articles_fts match '{match}'"})
        took = time.monotonic() - t0
    assert long.status_code == 400 and "too long" in long.text
    assert sql.status_code == 400 and "SQL too long" in sql.text
    assert canned.status_code == 200 and short.status_code == 200
    assert took < 4


# --------------------------------------------------------------------------- low: config values that broke runs


_SOURCE = '[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\nfeeds = ["http://127.0.0.1:9/rss"]\n'


@pytest.mark.parametrize("text, key", [
    ("[defaults]\ndelay = 1e308\n" + _SOURCE, "delay"),
    ("[defaults]\ndelay = inf\n" + _SOURCE, "delay"),
    ("[defaults]\ndelay = nan\n" + _SOURCE, "delay"),
    ("[defaults]\nmax_pages = 99999999999\n" + _SOURCE, "max_pages"),
    ("[fetch]\ndelay = 5\n\n" + _SOURCE, "delay"),
])
def test_config_values_that_would_break_a_run_are_refused(tmp_path: Path, text: str, key: str) -> None:
    """issue 17 (low): these passed validation, then stalled or broke the run (or were silently ignored)."""
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"'{key}'" in str(err.value) and "sources.toml:" in str(err.value)


@pytest.mark.parametrize("fetch", ["retries = 1000000000", "read_timeout = inf", "total_timeout = nan"])
def test_fetch_values_that_would_break_a_run_are_refused(tmp_path: Path, db_path: Path, fetch: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f"[fetch]\n{fetch}\n\n{_SOURCE}", encoding="utf-8")
    with pytest.raises(ConfigError, match=fetch.split()[0]):
        ingest(load_config(path), db_path, extractor=shared_extractor())
    assert not db_path.exists()


def test_config_with_a_bom_is_read_and_dev_zero_is_refused(tmp_path: Path) -> None:
    """issue 17 (low): a UTF-8 BOM was refused; ``--config /dev/zero`` ended in MemoryError."""
    path = tmp_path / "sources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + _SOURCE.encode())
    assert load_config(path).sources[0].name == "lokal"
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config("/dev/zero")
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (2 * 1024 * 1024))
    with pytest.raises(ConfigError, match="larger than"):
        load_config(big)


def test_double_gzipped_sitemap_stays_under_the_body_cap(srv: FaultServer) -> None:
    """issue 17 (low): a sitemap gzipped twice got past the 10 MB cap (50 MB unpacked, 645 MB RSS)."""
    import gzip

    entry = "<url><loc>http://127.0.0.1/berita/2024/03/01/judul-berita-nomor-{i:08d}</loc></url>"
    xml = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           + "".join(entry.format(i=i) for i in range(200_000)) + "</urlset>")
    assert len(xml) > 14 * 1024 * 1024
    url = srv.route("/sitemap.xml.gz", page(gzip.compress(gzip.compress(xml.encode())), "application/x-gzip"))
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        fetched = fetcher.fetch(url)
        assert len(fetched.body) < 10 * 1024 * 1024
        with pytest.raises(DiscoveryError, match="more than"):
            discover(fetched, "sitemap")


def test_sigterm_stops_serve_during_a_search(small_store: Path) -> None:
    """issue 17 (low): SIGTERM did not stop ``warta serve`` while a (long FTS) query ran."""
    import signal
    import socket
    import threading
    import urllib.parse

    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    warta = str(Path(sys.executable).with_name("warta"))
    proc = subprocess.Popen([warta, "serve", "--db", str(small_store), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/-/versions.json", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        words = urllib.parse.quote(" ".join(["kota"] * 2000))
        query = threading.Thread(
            target=lambda: requests.get(f"{base}/warta/search?q={words}", timeout=30), daemon=True)
        query.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        assert time.monotonic() - t0 < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
