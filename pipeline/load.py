"""The load step shared by every command that writes articles: one policy for a locked store.

``warta ingest``, ``crawl`` and ``demo`` (the crawl engine's ``deliver``) and ``warta
import-warc`` (:func:`pipeline.run.extract_and_load`) all store an article through
:func:`load_article`, and all tell an error about one article from an error of the store with
:func:`is_store_failure`.

A store locked by another writer (a ``warta serve`` write, a backup, a second tool) answers
``database is locked`` once the connection's busy timeout has run out. The load is then tried
again after a growing pause (:class:`LockRetry`); when the lock outlasts every retry,
:class:`StoreLockedError` stops the run like any other store failure. Nothing of the article is
kept by a failed attempt (each load is one transaction), and its URL or archive record is not
marked, so the next run loads it.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db.exceptions import LoadError, StoreError

if TYPE_CHECKING:
    from db.store import LoadResult
    from pipeline.models import Article, ArticleFacts
    from pipeline.protocols import Loader

logger = logging.getLogger(__name__)

__all__ = ["LockRetry", "StoreLockedError", "is_locked", "is_store_failure", "load_article"]


class StoreLockedError(StoreError):
    """Another writer held the store's lock through every retry; the run stops, the article stays to load."""


@dataclass(frozen=True, slots=True)
class LockRetry:
    """How often and how long a load waits for a store locked by another writer.

    Args:
        attempts: loads tried in all (the first one included).
        backoff_s: pause after the first ``database is locked``; doubled after each further one.
        max_backoff_s: longest single pause.
    """

    attempts: int = 5
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")

    def pause(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th locked attempt (1-based)."""
        return float(min(self.backoff_s * 2 ** (failures - 1), self.max_backoff_s))


def is_locked(exc: BaseException) -> bool:
    """True when ``exc`` (or the error it wraps, as in :class:`~db.exceptions.LoadError`) is SQLite's
    ``database is locked`` / ``database table is locked``."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.OperationalError):
            code = getattr(seen, "sqlite_errorcode", None)
            if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(seen):
                return True
        seen = seen.__cause__
    return False


def is_store_failure(exc: BaseException) -> bool:
    """True for errors of the store itself (disk full, damaged file, locked through every retry),
    which stop a run; a :class:`~db.exceptions.LoadError` is about one article and does not."""
    if isinstance(exc, LoadError):
        return False
    return isinstance(exc, (StoreError, sqlite3.Error))


def load_article(
    store: Loader,
    article: Article,
    facts: ArticleFacts,
    *,
    run_id: int | None,
    retry: LockRetry = LockRetry(),
    sleep: Callable[[float], None] = time.sleep,
) -> LoadResult:
    """Store one article with its facts, waiting out another writer's lock.

    Args:
        store: loads article and facts in one transaction.
        article: the parsed article.
        facts: its facts.
        run_id: the ``runs`` row the load belongs to.
        retry: how long to wait for a locked store.
        sleep: waits between attempts.

    Returns:
        What the load did.

    Raises:
        StoreLockedError: the store stayed locked through every attempt (nothing of the article was kept).
        LoadError: this article could not be written (nothing of it was kept).
        StoreError, sqlite3.Error: the store itself failed.
    """
    failures = 0
    while True:
        try:
            return store.load(article, facts, run_id=run_id)
        except (LoadError, sqlite3.OperationalError) as exc:
            if not is_locked(exc):
                raise
            failures += 1
            if failures >= retry.attempts:
                raise StoreLockedError(
                    f"the store stayed locked by another writer through {failures} attempts to store "
                    f"{article.canonical_url} ({exc}); nothing of it was kept: stop the other writer "
                    "(a second warta, a backup, an open sqlite3 shell) and run again"
                ) from exc
            pause = retry.pause(failures)
            logger.warning("store locked by another writer (attempt %d of %d): waiting %.1f s before "
                           "storing %s again", failures, retry.attempts, pause, article.canonical_url)
            sleep(pause)
