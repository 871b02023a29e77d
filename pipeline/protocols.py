"""The typed seams between the stages the runner ties together.

``scrapers``, ``extractors`` and ``db`` know only ``pipeline/models.py``; the runner
(``pipeline/engine.py``, ``pipeline/run.py``, ``pipeline/ingest.py``, ``pipeline/jobs.py``,
``pipeline/cluster.py``) holds one of each behind
these ``Protocol`` s instead of ``Any``, so a test double, a process-pool extractor or a
coordinator proxy fits the same slot and mypy checks every call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from db.frontier import FeedHealth, FrontierEntry
    from db.store import LoadResult
    from pipeline.models import Article, ArticleFacts, FetchedPage


class FactExtractor(Protocol):
    """Article text in, facts out (``extractors.Extractor``)."""

    def extract(
        self, text: str, published: dt.datetime | dt.date | str | None = None, outlet: str | None = None
    ) -> ArticleFacts:
        """The facts of one article body."""
        ...


class Loader(Protocol):
    """Stores an article with its facts in one transaction (``db.store.Store``)."""

    def load(self, article: Article, facts: ArticleFacts, *, run_id: int | None = None) -> LoadResult:
        """Store one article; idempotent on its canonical URL."""
        ...


class PageFetcher(Protocol):
    """Fetches one page politely (``scrapers.fetch.Fetcher``)."""

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, conditional: bool = True
    ) -> FetchedPage:
        """The page at ``url`` (``not_modified`` on a 304)."""
        ...


class Frontier(Protocol):
    """What the crawl loop asks of a frontier: which URLs are due, and what became of each.

    ``db.frontier.Frontier`` (SQLite, for ``warta ingest``) implements it, so do
    ``db.frontier.MemoryFrontier`` (one run in memory, for ``warta crawl`` and ``demo``) and the
    coordinator's proxy that serialises every write in ``--jobs`` runs (``pipeline/jobs.py``).
    """

    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of a discovery page's last good fetch."""
        ...

    def feed_ok(
        self, url: str, *, source: str, kind: str, etag: str | None = None,
        last_modified: str | None = None, now: float | None = None,
    ) -> None:
        """Record a good fetch of a discovery page."""
        ...

    def feed_failed(self, url: str, error: str, *, source: str, kind: str, now: float | None = None) -> int:
        """Record a failed discovery page; returns its failures in a row."""
        ...

    def failing_feeds(self, min_failures: int = 1, sources: Iterable[str] | None = None) -> list[FeedHealth]:
        """Discovery pages failing at least ``min_failures`` runs in a row."""
        ...

    def add_many(
        self, links: list[tuple[str, str, str | None]], *, source: str, now: float | None = None,
        revisit_after_s: float | None = None, revisit_window_s: float = 0.0,
    ) -> dict[str, str]:
        """Add article links; returns canonical URL -> new / revisit / known."""
        ...

    def due(
        self, source: str, *, now: float | None = None, limit: int = 1000, run_id: int | None = None
    ) -> list[FrontierEntry]:
        """Article URLs due for fetching."""
        ...

    def mark_done(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        article_url: str | None = None, run_id: int | None = None, now: float | None = None,
    ) -> None:
        """The URL's article is stored (called only after the load committed)."""
        ...

    def mark_tried(self, url: str, *, run_id: int | None = None) -> None:
        """Leave the URL pending, but not again in this run."""
        ...

    def mark_skipped(self, url: str, reason: str, *, run_id: int | None = None, now: float | None = None) -> None:
        """The URL is not wanted (not an article, keyword filter ...)."""
        ...

    def mark_failed(
        self, url: str, error: str, *, retryable: bool, max_attempts: int, backoff_s: float,
        run_id: int | None = None, now: float | None = None,
    ) -> str:
        """Count a failure; returns ``failed`` (retried later) or ``gave_up``."""
        ...
