"""The one crawl engine (``pipeline/engine.py``): the rules ``crawl`` and ``ingest`` now share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.frontier import MemoryFrontier
from pipeline.config import load_config
from pipeline.engine import CrawlRules, DateWindow, SourceCrawl
from pipeline.models import Article, ArticleFacts, DiscoveredLink
from pipeline.stats import RunStats
from scrapers.fetch import Fetcher, FetchSettings
from sitegen import GeneratedSite, shared_extractor

WIB = dt.timezone(dt.timedelta(hours=7))


def test_date_window_days_are_the_outlets_and_instants_are_instants() -> None:
    late_evening = dt.datetime(2024, 3, 2, 0, 30, tzinfo=WIB)  # 1 March 17:30 UTC
    by_day = DateWindow(since=dt.date(2024, 3, 2))
    assert by_day.reason(late_evening) is None  # 2 March where it was published
    by_instant = DateWindow(since=dt.datetime(2024, 3, 2, tzinfo=dt.UTC))
    assert by_instant.reason(late_evening) == "published before --since"
    assert DateWindow(until=dt.date(2024, 3, 1)).reason(late_evening) == "published after --until"
    assert DateWindow(since=dt.date(2024, 3, 2)).reason(None) is None  # undated: the article decides
    # links get a day of margin; a sitemap's date says nothing about --until
    link = DiscoveredLink(url="https://a.id/x", kind="article", published=dt.datetime(2024, 3, 1, 23, tzinfo=dt.UTC))
    assert DateWindow(since=dt.date(2024, 3, 2)).link_reason(link) is None
    sitemap = DiscoveredLink(url="https://a.id/s.xml", kind="sitemap", published=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert DateWindow(until=dt.date(2024, 3, 2)).link_reason(sitemap) is None


def test_memory_frontier_hands_each_url_out_once() -> None:
    frontier = MemoryFrontier()
    assert frontier.add_many([("u1", "u1?x", None), ("u2", "u2", None), ("u1", "u1", None)], source="s") == {
        "u1": "new", "u2": "new"}
    assert frontier.add_many([("u1", "u1", None)], source="s") == {"u1": "seen"}
    assert [e.fetch_url for e in frontier.due("s")] == ["u1?x", "u2"]
    frontier.mark_done("u1")
    frontier.mark_tried("u2")
    assert frontier.due("s") == []
    assert frontier.mark_failed("u3", "timeout", retryable=True, max_attempts=5, backoff_s=0) == "failed"
    assert frontier.mark_failed("u4", "404", retryable=False, max_attempts=5, backoff_s=0) == "gave_up"
    assert frontier.counts() == {"done": 1, "pending": 1, "failed": 1, "gave_up": 1}
    assert frontier.feed_failed("f", "x", source="s", kind="feed") == 1
    frontier.feed_ok("f", source="s", kind="feed", etag='"e"')
    assert frontier.feed_validators("f") == ('"e"', None) and frontier.failing_feeds() == []


def test_an_ingest_source_and_a_crawl_run_the_same_loop(tmp_path: Path) -> None:
    """A configured source through the SQLite frontier and the same seeds through the in-memory one
    keep the same articles, in the same order: seeds first, then per host articles before the next
    listing page."""
    from db.frontier import Frontier

    with GeneratedSite(20, listing_page_size=8) as site:
        config = tmp_path / "sources.toml"
        config.write_text("[fetch]\nallow_private = true\nretries = 0\n[defaults]\ndelay = 0\n"
                          f'[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\nlistings = ["{site.listing_url}"]\n',
                          encoding="utf-8")
        (source,) = load_config(config).sources
        settings = FetchSettings.from_mapping({"delay": 0, "allow_private": True, "retries": 0})
        orders: list[list[str]] = []
        for frontier in (Frontier(tmp_path / "warta.db"), MemoryFrontier()):
            site.reset_counts()
            rules = CrawlRules.from_source(source) if isinstance(frontier, Frontier) else CrawlRules.for_seeds(
                [site.listing_url])
            kept: list[str] = []

            def deliver(article: Article, facts: ArticleFacts | None, kept: list[str] = kept) -> None:
                kept.append(article.canonical_url)

            stats = RunStats()
            with Fetcher(settings) as fetcher:
                SourceCrawl(rules, frontier=frontier, deliver=deliver, stats=stats, run_id=1).run(fetcher, None)
            if isinstance(frontier, Frontier):
                frontier.close()
            assert sorted(kept) == sorted(site.article_urls()) and stats.parsed == 20
            assert site.count(kind="listing", status=200) == 3  # 20 articles, 8 a page
            orders.append([p for p, _ in site.arrivals if p != "/robots.txt"])
        for order in orders:  # page 1, its 8 articles, page 2, its 8, page 3, its 4
            assert [i for i, p in enumerate(order) if p.startswith("/indeks")] == [0, 9, 18]
        for start, end in ((1, 9), (10, 18), (19, 23)):  # the same articles after each page (the SQLite
            assert set(orders[0][start:end]) == set(orders[1][start:end])  # frontier orders them by date)


def test_ingest_extracts_with_the_engine_and_counts_once(tmp_path: Path) -> None:
    from pipeline.ingest import ingest

    with GeneratedSite(3) as site:
        config = tmp_path / "sources.toml"
        config.write_text("[fetch]\nallow_private = true\nretries = 0\n[defaults]\ndelay = 0\n"
                          f'[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\nfeeds = ["{site.feed_url}"]\n',
                          encoding="utf-8")
        summary = ingest(load_config(config), tmp_path / "warta.db", extractor=shared_extractor())
    assert (summary.pages_fetched, summary.parsed, summary.inserted) == (4, 3, 3)  # the feed and 3 articles
    assert set(summary.stage_seconds) >= {"fetch", "discover", "parse", "extract", "load"}
