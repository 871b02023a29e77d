"""``warta crawl`` and ``warta demo``: seeds into the store through the crawl engine.

The loop itself is ``pipeline/engine.py`` (shared with ``warta ingest``), here over an
in-memory frontier. Expected per-item outcomes (a failed fetch, a page that is not an article)
are counted and logged, never raised out of the loop; so is any error extracting or loading
one article. Only the store's own errors (disk full, damaged file) stop a run.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.load import LockRetry, is_store_failure, load_article
from pipeline.models import Article, ArticleFacts
from pipeline.stats import ProgressCallback, RunStats

if TYPE_CHECKING:
    from db.search import SearchHit
    from db.store import LoadResult
    from pipeline.protocols import FactExtractor, Loader

__all__ = ["DEMO_QUERY", "DemoReport", "ItemFailed", "ProgressCallback", "RunStats", "crawl", "demo", "extract_and_load"]

logger = logging.getLogger(__name__)


class ItemFailed(Exception):
    """Extracting or loading one article failed; the run goes on. ``__cause__`` is the error."""


def extract_and_load(
    article: Article, extractor: FactExtractor, store: Loader, *, run_id: int | None,
    stats: RunStats | None = None, retry: LockRetry = LockRetry(),
) -> tuple[ArticleFacts, LoadResult]:
    """Extract an article's facts and load both (``warta import-warc`` ends each record with it).

    The load is :func:`pipeline.load.load_article`, as in the crawl engine's load step: the same
    wait for a locked store, the same line between an article's error and the store's.

    Args:
        article: the parsed article.
        extractor: makes the facts.
        store: loads article and facts in one transaction.
        run_id: the ``runs`` row the load belongs to.
        stats: gets the time spent per stage (``extract``, ``load``).
        retry: how long to wait for a store locked by another writer.

    Returns:
        The facts and what the load did.

    Raises:
        ItemFailed: this article could not be extracted or loaded (a LoadError, an extractor
            bug); nothing of it was stored.
        StoreError, sqlite3.Error: the store itself failed (disk full, damaged, locked through every
            retry: :class:`~pipeline.load.StoreLockedError`): the run stops.
    """
    timing = stats if stats is not None else RunStats()
    try:
        with timing.timed("extract"):
            facts = extractor.extract(article.text, article.published, article.outlet)
        with timing.timed("load"):
            result = load_article(store, article, facts, run_id=run_id, retry=retry)
    except Exception as exc:
        if is_store_failure(exc):
            raise
        raise ItemFailed(str(exc)) from exc
    return facts, result


def crawl(
    seeds: Iterable[str],
    db_path: str | Path,
    *,
    fetch_settings: Mapping[str, Any] | None = None,
    max_pages: int = 200,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    allowed_hosts: Iterable[str] | None = None,
    command: str = "crawl",
    progress: ProgressCallback | None = None,
) -> RunStats:
    """Crawl ``seeds`` (feeds, sitemaps, listing pages or articles) into the store at ``db_path``.

    Args:
        seeds: start URLs.
        db_path: the SQLite knowledge store (created when missing; any other SQLite file is refused).
        fetch_settings: overrides of ``scrapers.fetch.FetchSettings`` defaults.
        max_pages: upper bound on pages fetched.
        since: skip discovered links dated before this.
        until: skip discovered links dated after this.
        allowed_hosts: other hosts whose links may be followed.
        command: recorded in the ``runs`` table.
        progress: called after each item.

    Returns:
        The run's statistics (also saved in ``runs``).

    Raises:
        ValueError: a seed is not an http(s) URL (checked before anything loads).
        StoreError: ``db_path`` is not a warta store, or its folder is missing or read-only.
    """
    from db.frontier import MemoryFrontier
    from db.store import Store, check_store_path
    from extractors import Extractor
    from pipeline.engine import CrawlRules, DateWindow, SourceCrawl, usable_url
    from scrapers.fetch import Fetcher, FetchSettings

    seeds = [s.strip() for s in seeds if s.strip()]
    bad = [s for s in seeds if not usable_url(s)]
    if bad:
        raise ValueError(f"not an http(s) URL: {', '.join(repr(s) for s in bad)}; give feed, sitemap, "
                         "listing or article URLs such as https://sumsel.tribunnews.com/rss")
    check_store_path(db_path)  # before the models load and anything is fetched
    settings = FetchSettings.from_mapping(dict(fetch_settings or {}))
    rules = CrawlRules.for_seeds(seeds, name=command, allowed_hosts=allowed_hosts or (),
                                 window=DateWindow(since, until), max_pages=max_pages)
    extractor = Extractor()
    with Fetcher(settings) as fetcher, Store.open(db_path) as store:
        run_id = store.start_run(command)
        stats = RunStats(run_id=run_id, sources=[command])

        def deliver(article: Article, facts: ArticleFacts | None) -> str:
            return load_article(store, article, facts if facts is not None else ArticleFacts(), run_id=run_id).status

        engine = SourceCrawl(rules, frontier=MemoryFrontier(), deliver=deliver, stats=stats, run_id=run_id,
                             progress=progress, ready_at=fetcher.ready_at)
        try:
            engine.run(fetcher, extractor)
            stats.status = "partial" if stats.failed_urls else "ok"
        except KeyboardInterrupt:
            stats.status = "interrupted"
            raise
        except BaseException:
            stats.status = "failed"
            raise
        finally:
            stats.duration_s = time.monotonic() - stats.started
            store.finish_run(run_id, stats.as_dict(), stats.status)
    return stats


@dataclass(slots=True)
class DemoReport:
    """What ``warta demo`` prints: the run, the store's totals and one example search."""

    base_url: str
    db_path: str
    stats: RunStats
    totals: dict[str, int]
    query: str
    hits: list[SearchHit]


#: The example search the demo runs once its crawl is stored.
DEMO_QUERY = "smart city"


def demo(db_path: str | Path, *, progress: ProgressCallback | None = None) -> DemoReport:
    """Serve the bundled demo news site on loopback, crawl it into ``db_path``, search it.

    Args:
        db_path: the knowledge store to fill (re-running adds no duplicates).
        progress: called after each item.

    Returns:
        The run statistics, the store totals and the example search hits.
    """
    from db.store import Store, check_store_path
    from pipeline.demo import DemoSite

    check_store_path(db_path)
    with DemoSite() as site:
        stats = crawl(
            site.seeds(),
            db_path,
            fetch_settings={"delay": 0.0, "allow_private": True},
            max_pages=500,
            command="demo",
            progress=progress,
        )
        base_url = site.base_url
    with Store.open_existing(db_path) as store:
        return DemoReport(
            base_url=base_url,
            db_path=str(db_path),
            stats=stats,
            totals=store.stats(),
            query=DEMO_QUERY,
            hits=store.search(DEMO_QUERY, limit=3),
        )
