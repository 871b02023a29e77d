"""warta ingest against a real local news site: incremental runs, retries, filters, bad input."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from db.exceptions import StoreError
from db.frontier import Frontier, iso_time
from pipeline.config import ConfigError, load_config
from pipeline.ingest import (
    EXIT_OK,
    EXIT_OUTAGE,
    EXIT_PARTIAL,
    RunStats,
    LockedError,
    RunLock,
    ingest,
)
from sitegen import GeneratedSite, shared_extractor


def write_config(path: Path, site: GeneratedSite, *, extra: str = "", **settings: Any) -> Path:
    """A sources.toml with one source reading ``site``'s feed, delay 0, no fetch-level retries."""
    values = {
        "delay": 0, "max_pages": 500, "max_attempts": 3, "retry_backoff_minutes": 0,
        "revisit_after_hours": 0, "revisit_window_days": 30, "feed_alert_failures": 2, **settings,
    }
    lines = ["[fetch]", "allow_private = true", "retries = 0", "connect_timeout = 2", "read_timeout = 1", ""]
    lines += ["[[source]]", 'name = "lokal"', 'outlet = "127.0.0.1"', f'feeds = ["{site.feed_url}"]']
    lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def stored_urls(db: Path) -> list[str]:
    """Canonical URLs in the store (with repeats, if there were any)."""
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT canonical_url FROM articles"))


def run(config: Path, db: Path, **kwargs: Any) -> RunStats:
    return ingest(load_config(config), db, extractor=shared_extractor(), **kwargs)


@pytest.fixture()
def site() -> Any:
    with GeneratedSite(20) as s:
        yield s


def test_incremental_runs_fetch_only_what_changed(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    first = run(config, db_path)
    assert (first.discovered, first.inserted, first.exit_code) == (20, 20, EXIT_OK)
    assert site.count(kind="article", status=200) == 20
    assert stored_urls(db_path) == sorted(site.article_urls())
    assert first.facts["officials"] > 0

    site.reset_counts()
    site.add_articles(2)
    site.edit_article(3)
    second = run(config, db_path)
    assert site.count(kind="feed", status=200) == 1
    assert site.count(kind="article", status=200) == 3  # two new, one edited
    assert site.count(kind="article", status=304) == 19  # every other stored one: conditional GET
    assert (second.discovered, second.inserted, second.updated, second.not_modified) == (2, 2, 1, 19)
    assert stored_urls(db_path) == sorted(site.article_urls())

    site.reset_counts()
    third = run(config, db_path)
    assert site.count(kind="feed", status=304) == 1
    assert site.count(kind="article") == 0  # feed unchanged: no article requested at all
    assert (third.pages_fetched, third.not_modified, third.exit_code) == (0, 1, EXIT_OK)

    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT command, status, counts FROM runs ORDER BY id").fetchall()
    assert [(c, s) for c, s, _ in rows] == [("ingest", "ok")] * 3
    assert json.loads(rows[1][2])["not_modified"] == 19


def test_without_revisits_stored_articles_are_not_fetched_again(
    site: GeneratedSite, tmp_path: Path, db_path: Path
) -> None:
    config = write_config(tmp_path / "sources.toml", site, revisit_after_hours=24)
    run(config, db_path)
    site.reset_counts()
    site.add_articles(1)
    second = run(config, db_path)
    assert site.count(kind="article") == 1
    assert (second.inserted, second.revisits) == (1, 0)


def test_keyword_filter_records_skips_with_reason(tmp_path: Path, db_path: Path) -> None:
    with GeneratedSite(12, smart_every=3) as site:
        config = write_config(tmp_path / "sources.toml", site, keywords=["SMART CITY", "kota cerdas"])
        summary = run(config, db_path)
        assert stored_urls(db_path) == sorted(site.smart_urls())
        assert summary.skipped["keyword filter"] == 8
        with Frontier(db_path) as frontier:
            assert frontier.counts() == {"done": 4, "skipped": 8}
            skipped = frontier.get(site.article_urls()[1])
        assert skipped is not None and skipped["skip_reason"] == "keyword filter"
        site.reset_counts()
        run(config, db_path)
        assert site.count(kind="article", status=200) == 0  # skipped URLs are not fetched again


def test_since_until_skip_by_publication_date(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    # Articles are an hour apart from 2024-03-01 08:00 WIB: 16 on March 1st, 4 on March 2nd.
    config = write_config(tmp_path / "sources.toml", site)
    summary = run(config, db_path, since=dt.date(2024, 3, 2))
    assert summary.inserted == 4
    assert summary.skipped["published before --since"] == 16
    assert all("/2024/03/02/" in u for u in stored_urls(db_path))


def test_failed_urls_retry_with_backoff_then_give_up(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    broken, flaky = site.articles[0].path, site.articles[1].path
    site.fail(broken, 500)
    site.fail(flaky, 503, times=1)
    config = write_config(tmp_path / "sources.toml", site, max_attempts=3, retry_backoff_minutes=10)
    t0 = 1_000_000.0
    first = run(config, db_path, clock=lambda: t0)
    assert (first.inserted, first.failed, first.exit_code) == (18, 2, EXIT_PARTIAL)
    with Frontier(db_path) as frontier:
        row = frontier.get(site.base_url + broken)
        assert row is not None and (row["status"], row["attempts"], row["next_try"]) == ("failed", 1, iso_time(t0 + 600))
    assert "HTTPStatusError" in first.failures[0]["error"]

    site.reset_counts()
    too_early = run(config, db_path, clock=lambda: t0 + 300)  # backoff not over: not retried
    assert site.count(kind="article") == 0 and too_early.failed == 0

    second = run(config, db_path, clock=lambda: t0 + 601)
    assert (second.inserted, second.failed) == (1, 1)  # the flaky one recovered
    with Frontier(db_path) as frontier:
        row = frontier.get(site.base_url + broken)
        assert row is not None and (row["attempts"], row["next_try"]) == (2, iso_time(t0 + 601 + 1200))  # doubled

    third = run(config, db_path, clock=lambda: t0 + 601 + 1201)
    assert (third.gave_up, third.exit_code) == (1, EXIT_PARTIAL)
    with Frontier(db_path) as frontier:
        row = frontier.get(site.base_url + broken)
        assert row is not None and (row["status"], row["attempts"]) == ("gave_up", 3)
    site.reset_counts()
    run(config, db_path, clock=lambda: t0 + 10**6)
    assert site.count(kind="article") == 0  # given up for good
    assert len(stored_urls(db_path)) == 19


def test_timeouts_are_failures_retried_next_run(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    slow = site.articles[5].path
    site.slow(slow, 1.5, times=1)
    config = write_config(tmp_path / "sources.toml", site)
    first = run(config, db_path)
    assert first.failed == 1 and "Timeout" in first.failures[0]["error"]
    second = run(config, db_path)
    assert (second.inserted, second.failed) == (1, 0)
    assert stored_urls(db_path) == sorted(site.article_urls())


def test_not_an_article_and_404_give_up_at_once(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    site.fail(site.articles[2].path, 404)
    config = write_config(tmp_path / "sources.toml", site)
    summary = run(config, db_path)
    assert (summary.gave_up, summary.failed) == (1, 0)
    with Frontier(db_path) as frontier:
        assert frontier.counts()["gave_up"] == 1


def test_failing_feed_is_reported_after_runs_in_a_row(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    site.fail("/rss", 500)
    config = write_config(tmp_path / "sources.toml", site, feed_alert_failures=2)
    first = run(config, db_path)
    # the only feed failing and nothing fetched is an outage, not a partial failure
    assert (first.feeds_failed, first.failing_feeds, first.exit_code) == (1, [], EXIT_OUTAGE)
    second = run(config, db_path)
    assert [f["url"] for f in second.failing_feeds] == [site.feed_url]
    assert second.failing_feeds[0]["consecutive_failures"] == 2
    assert any("feed failing 2 runs in a row" in line for line in second.lines())
    site.heal()
    third = run(config, db_path)
    assert (third.failing_feeds, third.inserted, third.exit_code) == ([], 20, EXIT_OK)


def test_lock_keeps_a_second_run_out(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    with RunLock(db_path):
        with pytest.raises(LockedError, match="another warta ingest"):
            run(config, db_path)
    assert not db_path.exists()  # the locked run wrote nothing
    assert run(config, db_path).inserted == 20  # the lock is free again


def test_corrupt_or_unreachable_store_writes_nothing(site: GeneratedSite, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"not a database at all" * 10)
    with pytest.raises(StoreError, match="not an SQLite database"):
        run(config, corrupt)
    assert corrupt.read_bytes() == b"not a database at all" * 10
    assert not Path(f"{corrupt}.lock").exists()
    with pytest.raises(StoreError, match="does not exist"):
        run(config, tmp_path / "missing-dir" / "warta.db")
    assert site.count() == 0  # nothing was fetched either


def test_bad_fetch_setting_is_a_config_error_with_line(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    config.write_text(config.read_text().replace("retries = 0", "retries = 0\ntimeout_s = 3"))
    with pytest.raises(ConfigError) as info:
        run(config, db_path)
    assert info.value.line == 4 and info.value.key == "timeout_s"
    assert not db_path.exists()


def test_unknown_source_name_is_a_config_error(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    with pytest.raises(ConfigError, match="no source named 'nope'"):
        run(config, db_path, sources=["nope"])
    assert not db_path.exists()


def test_stop_request_finishes_as_interrupted(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site)
    seen: list[int] = []

    def progress(summary: RunStats) -> None:
        seen.append(summary.inserted)

    summary = run(config, db_path, progress=progress, stop=lambda: len(seen) >= 6)
    assert summary.status == "interrupted" and summary.exit_code == 130
    assert summary.inserted == 5  # the feed, then five articles; each finished before stopping
    with sqlite3.connect(db_path) as conn:
        status, finished = conn.execute("SELECT status, finished FROM runs").fetchone()
    assert status == "interrupted" and finished
    rest = run(config, db_path)
    assert rest.inserted == 15
    assert stored_urls(db_path) == sorted(site.article_urls())


def test_sitemap_and_paged_listing_discover_every_article(tmp_path: Path, db_path: Path) -> None:
    with GeneratedSite(30, listing_page_size=8) as site:
        config = write_config(tmp_path / "sources.toml", site)
        text = config.read_text().replace(
            f'feeds = ["{site.feed_url}"]',
            f'sitemaps = ["{site.sitemap_url}"]\nlistings = ["{site.listing_url}"]',
        )
        config.write_text(text)
        summary = run(config, db_path)
        assert site.count(kind="listing", status=200) == 4  # 30 articles, 8 a page
        assert (summary.discovered, summary.inserted) == (30, 30)
        assert stored_urls(db_path) == sorted(site.article_urls())


def test_max_pages_bounds_a_run_and_the_next_run_goes_on(site: GeneratedSite, tmp_path: Path, db_path: Path) -> None:
    config = write_config(tmp_path / "sources.toml", site, max_pages=8, revisit_after_hours=24)
    first = run(config, db_path)
    assert (first.discovered, first.inserted) == (20, 7)  # the feed took one page of the budget
    second = run(config, db_path)
    assert second.inserted == 7
    third = run(config, db_path)
    assert third.inserted == 6
    assert stored_urls(db_path) == sorted(site.article_urls())


def test_bundled_demo_site_feed_sitemap_and_listing(tmp_path: Path, db_path: Path) -> None:
    from pipeline.demo import DemoSite

    with DemoSite() as demo:
        feeds = [u for u in demo.seeds() if u.endswith(".xml") and "sitemap" not in u]
        sitemaps = [u for u in demo.seeds() if "sitemap" in u]
        listings = [u for u in demo.seeds() if u not in feeds + sitemaps]
        config = tmp_path / "sources.toml"
        config.write_text(
            "[fetch]\nallow_private = true\nretries = 0\n[defaults]\ndelay = 0\n"
            f'[[source]]\nname = "demo"\noutlet = "demo"\nfeeds = {json.dumps(feeds)}\n'
            f"sitemaps = {json.dumps(sitemaps)}\nlistings = {json.dumps(listings)}\n",
            encoding="utf-8",
        )
        first = run(config, db_path)
        assert (first.discovered, first.inserted, first.exit_code) == (
            len(demo.article_urls()), len(demo.article_urls()), EXIT_OK,
        )
        assert first.facts["program_stages"] > 0
        second = run(config, db_path)
        assert (second.pages_fetched, second.not_modified) == (0, len(demo.seeds()))


def test_summary_lines_and_progress_line() -> None:
    import io

    from pipeline.ingest import progress_line

    summary = RunStats(run_id=7, sources=["lokal"], discovered=3, pages_fetched=4, inserted=2, unchanged=1)
    summary.skipped["keyword filter"] = 5
    summary.failures.append({"url": "http://x.example/a", "error": "HTTPStatusError: 500"})
    summary.failed = 1
    lines = summary.lines()
    assert lines[0].startswith("ingest run 7: running")
    assert "skipped: keyword filter 5" in lines[3]
    assert "failed http://x.example/a: HTTPStatusError: 500" in lines[-1]
    assert summary.exit_code == EXIT_PARTIAL
    out = io.StringIO()
    progress_line(out)(summary)
    assert out.getvalue().startswith("\r  fetched 4  not modified 0  stored 2  skipped 5  failed 1")


def test_feed_that_lists_nothing_counts_as_failing(tmp_path: Path, db_path: Path) -> None:
    with GeneratedSite(0) as empty:
        config = write_config(tmp_path / "sources.toml", empty)
        summary = run(config, db_path)
        assert (summary.feeds_failed, summary.exit_code) == (1, EXIT_PARTIAL)
        assert empty.feed_url in summary.failures[0]["url"]


def test_frontier_times_are_iso_and_epochs_of_an_older_store_are_converted(tmp_path: Path) -> None:
    """One timestamp format in the store: the frontier writes ISO 8601 UTC text, and times an older
    warta wrote as epoch seconds become that text when the frontier is opened."""
    import sqlite3

    db = tmp_path / "old.db"
    with Frontier(db) as f:
        f.add("https://x.id/a", fetch_url="https://x.id/a", source="s", now=1_700_000_000.0)
    with sqlite3.connect(db) as conn:  # as an older warta left it
        conn.execute("UPDATE frontier_urls SET next_try = 1700000600.5, first_seen = 1700000000, last_seen = 1700000000")
    with Frontier(db) as f:
        pass
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT next_try, first_seen, last_seen, typeof(next_try) FROM frontier_urls").fetchone()
    assert row == ("2023-11-14T22:23:20.500+00:00", "2023-11-14T22:13:20.000+00:00", "2023-11-14T22:13:20.000+00:00", "text")
    assert iso_time(0) == "1970-01-01T00:00:00.000+00:00" and iso_time(1e9) < iso_time(1e9 + 0.001) < iso_time(2e9)
