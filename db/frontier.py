"""The ingestion frontier: which URLs were seen, are pending, failed, given up or done.

The frontier lives in the knowledge store's own SQLite file, in two tables that this module
owns and creates with ``CREATE TABLE IF NOT EXISTS`` (the store's migrations in
``db/schema.py`` manage every other table and never touch these two):

``frontier_urls``
    one row per article URL (keyed by its canonical form): ``status`` is ``pending``,
    ``done``, ``failed`` (waiting for ``next_try``), ``gave_up`` (after ``max_attempts``
    failures or a permanent error) or ``skipped`` (with ``skip_reason``, e.g. the keyword
    filter); ``attempts``, ``last_error``, and the ``etag`` / ``last_modified`` validators
    of the last good fetch for conditional GETs.

``frontier_feeds``
    one row per discovery page (feed, sitemap, listing): its validators and health
    (``consecutive_failures``, ``total_failures``, ``last_ok``, ``last_error``).

Crash safety: a URL stays ``pending`` until the article's load has committed; it is marked
``done`` right after, and since the store's load is idempotent on the canonical URL, a run
killed between the two simply loads the same article again as "unchanged" on the next run.
Links found on a discovery page are committed before that page's validators, so a kill
never leaves a feed marked "seen" whose links were lost.
"""

from __future__ import annotations

import logging
import datetime as dt
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from db.exceptions import StoreError

logger = logging.getLogger(__name__)

UrlStatus = Literal["pending", "done", "failed", "gave_up", "skipped"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier_urls (
    url TEXT PRIMARY KEY,
    fetch_url TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try TEXT NOT NULL DEFAULT '1970-01-01T00:00:00.000+00:00',
    last_error TEXT,
    skip_reason TEXT,
    published TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    fetched_at TEXT,
    etag TEXT,
    last_modified TEXT,
    article_url TEXT,
    run_id INTEGER
);
CREATE INDEX IF NOT EXISTS frontier_urls_due ON frontier_urls (source, status, next_try);
CREATE TABLE IF NOT EXISTS frontier_feeds (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_checked TEXT,
    last_ok TEXT,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    total_failures INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(slots=True, frozen=True)
class FrontierEntry:
    """One article URL due for fetching."""

    url: str
    """Canonical URL, the frontier key."""
    fetch_url: str
    """The URL as discovered, the one to fetch."""
    source: str
    status: str
    attempts: int
    etag: str | None
    last_modified: str | None


@dataclass(slots=True, frozen=True)
class FeedHealth:
    """Health of one discovery page across runs."""

    url: str
    source: str
    kind: str
    consecutive_failures: int
    total_failures: int
    last_ok: str | None
    """When the page last answered, ISO 8601 UTC (``2026-11-30T01:30:00.000+00:00``)."""
    last_error: str | None


#: "No wait" for next_try: the epoch, as every frontier time is stored.
NEVER = "1970-01-01T00:00:00.000+00:00"
_TIME_COLUMNS = {"frontier_urls": ("next_try", "first_seen", "last_seen", "fetched_at"),
                 "frontier_feeds": ("last_checked", "last_ok")}


def iso_time(epoch: float) -> str:
    """Epoch seconds as the store writes times: ISO 8601 UTC with milliseconds and offset, one fixed
    width so that text order is time order (``2026-11-30T01:30:00.000+00:00``)."""
    when = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}+00:00"


class Frontier:
    """The frontier tables of one store file; a context manager closing its connection.

    Every time is ISO 8601 UTC text (:func:`iso_time`), as in the rest of the store; times that an
    older warta wrote as epoch seconds are converted when the frontier is opened.

    Args:
        path: the knowledge store's SQLite file (it must already be a valid store or new).
        busy_timeout: seconds to wait for the store's writer before failing.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = str(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
            # as the store's own connection: in WAL mode a commit is durable at the next checkpoint and
            # commits stay in order, so a URL is never marked done ahead of its article's load; the
            # default (FULL) synced the WAL on every mark, about 6 ms an article, on the coordinator
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(SCHEMA)
            self._convert_epoch_times()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the frontier tables in {self.path}: {exc}") from exc

    def _convert_epoch_times(self) -> None:
        """Rewrite epoch-second times (an older warta's) as ISO text, in one transaction; idempotent."""
        self._db.create_function("iso_time", 1, lambda v: iso_time(float(v)) if v is not None else None,
                                 deterministic=True)
        with self._tx():
            for table, cols in _TIME_COLUMNS.items():
                for c in cols:
                    self._write(f"UPDATE {table} SET {c} = iso_time({c}) WHERE typeof({c}) IN ('real', 'integer')"
                                f" OR (typeof({c}) = 'text' AND {c} GLOB '[0-9]*' AND {c} NOT LIKE '%-%')")

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Frontier:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _write(self, sql: str, params: Iterable[object] = ()) -> int:
        cur = self._db.execute(sql, tuple(params))
        return cur.rowcount

    # -- article URLs --------------------------------------------------------------

    def add(
        self,
        url: str,
        *,
        fetch_url: str,
        source: str,
        published: str | None = None,
        now: float | None = None,
        revisit_after_s: float | None = None,
        revisit_window_s: float = 0.0,
    ) -> str:
        """Record one discovered article URL (see :meth:`add_many`).

        Returns:
            ``"new"``, ``"revisit"`` (a done URL queued again) or ``"seen"``.
        """
        return self.add_many(
            [(url, fetch_url, published)], source=source, now=now,
            revisit_after_s=revisit_after_s, revisit_window_s=revisit_window_s,
        )[url]

    def add_many(
        self,
        links: Iterable[tuple[str, str, str | None]],
        *,
        source: str,
        now: float | None = None,
        revisit_after_s: float | None = None,
        revisit_window_s: float = 0.0,
    ) -> dict[str, str]:
        """Record discovered article URLs in one transaction.

        Args:
            links: ``(canonical url, url as found, published ISO text or None)`` triples.
            source: the configured source they belong to.
            now: the current time (epoch seconds).
            revisit_after_s: a ``done`` URL fetched at least this long ago, and first seen within
                ``revisit_window_s``, is set back to ``pending`` for a conditional re-fetch;
                None never revisits.
            revisit_window_s: see ``revisit_after_s``.

        Returns:
            For each canonical URL: ``"new"``, ``"revisit"`` (a done URL queued again) or ``"seen"``.
        """
        now = time.time() if now is None else now
        out: dict[str, str] = {}
        with self._tx():
            for url, fetch_url, published in links:
                if url in out:
                    continue
                inserted = self._write(
                    "INSERT OR IGNORE INTO frontier_urls"
                    " (url, fetch_url, source, published, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                    (url, fetch_url, source, published, iso_time(now), iso_time(now)),
                )
                if inserted:
                    out[url] = "new"
                    continue
                self._write("UPDATE frontier_urls SET last_seen = ? WHERE url = ?", (iso_time(now), url))
                revisited = 0
                if revisit_after_s is not None:
                    revisited = self._write(
                        "UPDATE frontier_urls SET status = 'pending', next_try = ? WHERE url = ?"
                        " AND status = 'done' AND fetched_at <= ? AND first_seen >= ?",
                        (NEVER, url, iso_time(now - revisit_after_s), iso_time(now - revisit_window_s)),
                    )
                out[url] = "revisit" if revisited else "seen"
        return out

    def due(
        self, source: str, *, now: float | None = None, limit: int = 1000, run_id: int | None = None
    ) -> list[FrontierEntry]:
        """Pending URLs and failed ones whose retry time has come, newest publication first.

        Args:
            source: the source name.
            now: the current time (epoch seconds).
            limit: at most this many.
            run_id: leave out URLs this run already tried (each URL at most once per run).
        """
        now = time.time() if now is None else now
        rows = self._db.execute(
            "SELECT url, fetch_url, source, status, attempts, etag, last_modified FROM frontier_urls"
            " WHERE source = ? AND status IN ('pending', 'failed') AND next_try <= ?"
            " AND (? IS NULL OR run_id IS NULL OR run_id != ?)"
            " ORDER BY published IS NULL, published DESC, first_seen, url LIMIT ?",
            (source, iso_time(now), run_id, run_id, limit),
        ).fetchall()
        return [FrontierEntry(*row) for row in rows]

    def mark_done(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        article_url: str | None = None,
        run_id: int | None = None,
        now: float | None = None,
    ) -> None:
        """The URL's article is stored (or unchanged): keep its validators for the next conditional GET."""
        now = time.time() if now is None else now
        with self._tx():
            self._write(
                "UPDATE frontier_urls SET status = 'done', attempts = 0, next_try = ?, last_error = NULL,"
                " skip_reason = NULL, fetched_at = ?, etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified), article_url = COALESCE(?, article_url), run_id = ?"
                " WHERE url = ?",
                (NEVER, iso_time(now), etag, last_modified, article_url, run_id, url),
            )

    def mark_tried(self, url: str, *, run_id: int | None = None) -> None:
        """This run looked at the URL but leaves it pending (e.g. outside this run's date range)."""
        with self._tx():
            self._write("UPDATE frontier_urls SET run_id = ? WHERE url = ?", (run_id, url))

    def mark_skipped(self, url: str, reason: str, *, run_id: int | None = None, now: float | None = None) -> None:
        """The URL was fetched but is not kept (keyword filter, not an article ...)."""
        now = time.time() if now is None else now
        with self._tx():
            self._write(
                "UPDATE frontier_urls SET status = 'skipped', skip_reason = ?, fetched_at = ?, run_id = ?,"
                " next_try = ? WHERE url = ?",
                (reason, iso_time(now), run_id, NEVER, url),
            )

    def mark_failed(
        self,
        url: str,
        error: str,
        *,
        retryable: bool,
        max_attempts: int,
        backoff_s: float,
        run_id: int | None = None,
        now: float | None = None,
    ) -> str:
        """Count one failed attempt; schedule the retry with exponential backoff or give up.

        Args:
            url: the canonical URL.
            error: what went wrong, kept in ``last_error``.
            retryable: False gives up at once (404, not allowed by robots.txt ...).
            max_attempts: give up once this many attempts failed.
            backoff_s: wait before the first retry; doubled after each further failure.
            run_id: the run that tried.
            now: the current time (epoch seconds).

        Returns:
            The new status, ``"failed"`` or ``"gave_up"``.
        """
        now = time.time() if now is None else now
        with self._tx():
            row = self._db.execute("SELECT attempts FROM frontier_urls WHERE url = ?", (url,)).fetchone()
            attempts = (row[0] if row else 0) + 1
            status = "failed" if retryable and attempts < max_attempts else "gave_up"
            next_try = iso_time(now + backoff_s * 2 ** (attempts - 1)) if status == "failed" else NEVER
            self._write(
                "UPDATE frontier_urls SET status = ?, attempts = ?, next_try = ?, last_error = ?, run_id = ?"
                " WHERE url = ?",
                (status, attempts, next_try, error[:500], run_id, url),
            )
        return status

    def get(self, url: str) -> dict[str, object] | None:
        """The frontier row of one URL as a dict, or None."""
        cur = self._db.execute("SELECT * FROM frontier_urls WHERE url = ?", (url,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def counts(self, source: str | None = None) -> dict[str, int]:
        """Number of URLs per status (all sources, or one)."""
        if source is None:
            rows = self._db.execute("SELECT status, COUNT(*) FROM frontier_urls GROUP BY status")
        else:
            rows = self._db.execute(
                "SELECT status, COUNT(*) FROM frontier_urls WHERE source = ? GROUP BY status", (source,)
            )
        return {status: n for status, n in rows}

    # -- discovery pages -----------------------------------------------------------

    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        """``(etag, last_modified)`` of a discovery page's last good fetch."""
        row = self._db.execute("SELECT etag, last_modified FROM frontier_feeds WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def feed_ok(
        self,
        url: str,
        *,
        source: str,
        kind: str,
        etag: str | None = None,
        last_modified: str | None = None,
        now: float | None = None,
    ) -> None:
        """A discovery page was fetched (or answered 304); call after its links are added."""
        now = time.time() if now is None else now
        with self._tx():
            self._write(
                "INSERT INTO frontier_feeds (url, source, kind, etag, last_modified, last_checked, last_ok)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET source = excluded.source,"
                " kind = excluded.kind, etag = COALESCE(excluded.etag, etag),"
                " last_modified = COALESCE(excluded.last_modified, last_modified),"
                " last_checked = excluded.last_checked, last_ok = excluded.last_ok,"
                " consecutive_failures = 0, last_error = NULL",
                (url, source, kind, etag, last_modified, iso_time(now), iso_time(now)),
            )

    def feed_failed(self, url: str, error: str, *, source: str, kind: str, now: float | None = None) -> int:
        """A discovery page failed this run.

        Returns:
            How many runs in a row it has failed.
        """
        now = time.time() if now is None else now
        with self._tx():
            self._write(
                "INSERT INTO frontier_feeds (url, source, kind, last_checked, last_error, consecutive_failures,"
                " total_failures) VALUES (?, ?, ?, ?, ?, 1, 1) ON CONFLICT(url) DO UPDATE SET"
                " last_checked = excluded.last_checked, last_error = excluded.last_error,"
                " consecutive_failures = consecutive_failures + 1, total_failures = total_failures + 1",
                (url, source, kind, iso_time(now), error[:500]),
            )
            row = self._db.execute("SELECT consecutive_failures FROM frontier_feeds WHERE url = ?", (url,)).fetchone()
        return int(row[0])

    def failing_feeds(self, min_failures: int = 1, sources: Iterable[str] | None = None) -> list[FeedHealth]:
        """Discovery pages that failed at least ``min_failures`` runs in a row."""
        rows = self._db.execute(
            "SELECT url, source, kind, consecutive_failures, total_failures, last_ok, last_error"
            " FROM frontier_feeds WHERE consecutive_failures >= ? ORDER BY consecutive_failures DESC, url",
            (min_failures,),
        ).fetchall()
        wanted = set(sources) if sources is not None else None
        return [FeedHealth(*row) for row in rows if wanted is None or row[1] in wanted]



@dataclass(slots=True)
class _MemoryRow:
    url: str
    fetch_url: str
    source: str
    status: str = "pending"
    tried: bool = False
    skip_reason: str | None = None
    last_error: str | None = None
    article_url: str | None = None


@dataclass(slots=True)
class _MemoryFeed:
    source: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    total_failures: int = 0
    last_error: str | None = None


class MemoryFrontier:
    """The frontier of one crawl held in memory (``warta crawl``, ``warta demo``): the same calls as
    :class:`Frontier`, so one crawl loop serves both; nothing outlives the object.

    Every URL is handed out at most once, in the order it was found; a failure is final here
    (the fetcher has retried it already): ``failed`` when retryable, else ``gave_up``.
    """

    def __init__(self) -> None:
        self._urls: dict[str, _MemoryRow] = {}
        self._feeds: dict[str, _MemoryFeed] = {}

    def add_many(
        self,
        links: Iterable[tuple[str, str, str | None]],
        *,
        source: str,
        now: float | None = None,
        revisit_after_s: float | None = None,
        revisit_window_s: float = 0.0,
    ) -> dict[str, str]:
        """Record discovered article URLs (see :meth:`Frontier.add_many`; nothing is revisited)."""
        out: dict[str, str] = {}
        for url, fetch_url, _published in links:
            if url not in out:
                out[url] = "seen" if url in self._urls else "new"
                self._urls.setdefault(url, _MemoryRow(url, fetch_url, source))
        return out

    def due(
        self, source: str, *, now: float | None = None, limit: int = 1000, run_id: int | None = None
    ) -> list[FrontierEntry]:
        """Pending URLs of ``source`` not yet looked at, in the order found."""
        out: list[FrontierEntry] = []
        for row in self._urls.values():
            if len(out) >= limit:
                break
            if row.source == source and row.status == "pending" and not row.tried:
                out.append(FrontierEntry(row.url, row.fetch_url, source, "pending", 0, None, None))
        return out

    def _settle(self, url: str, status: str) -> _MemoryRow:
        row = self._urls.setdefault(url, _MemoryRow(url, url, ""))
        row.status, row.tried = status, True
        return row

    def mark_done(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        article_url: str | None = None,
        run_id: int | None = None,
        now: float | None = None,
    ) -> None:
        """The URL's article is stored (a URL never queued, such as a seed, becomes known as done)."""
        self._settle(url, "done").article_url = article_url

    def mark_tried(self, url: str, *, run_id: int | None = None) -> None:
        """Looked at and left pending (outside the date window ...): not handed out again."""
        if url in self._urls:
            self._urls[url].tried = True

    def mark_skipped(self, url: str, reason: str, *, run_id: int | None = None, now: float | None = None) -> None:
        """Fetched but not kept."""
        self._settle(url, "skipped").skip_reason = reason

    def mark_failed(
        self,
        url: str,
        error: str,
        *,
        retryable: bool,
        max_attempts: int,
        backoff_s: float,
        run_id: int | None = None,
        now: float | None = None,
    ) -> str:
        """Count the failure, final within one crawl: ``failed`` when a later crawl may succeed, else ``gave_up``."""
        status = "failed" if retryable else "gave_up"
        self._settle(url, status).last_error = error[:500]
        return status

    def counts(self, source: str | None = None) -> dict[str, int]:
        """Number of URLs per status (all sources, or one)."""
        out: dict[str, int] = {}
        for row in self._urls.values():
            if source is None or row.source == source:
                out[row.status] = out.get(row.status, 0) + 1
        return out

    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        """``(etag, last_modified)`` of a discovery page fetched earlier through this object."""
        feed = self._feeds.get(url)
        return (feed.etag, feed.last_modified) if feed else (None, None)

    def feed_ok(
        self,
        url: str,
        *,
        source: str,
        kind: str,
        etag: str | None = None,
        last_modified: str | None = None,
        now: float | None = None,
    ) -> None:
        """A discovery page was fetched."""
        feed = self._feeds.setdefault(url, _MemoryFeed(source, kind))
        feed.etag, feed.last_modified = etag or feed.etag, last_modified or feed.last_modified
        feed.failures, feed.last_error = 0, None

    def feed_failed(self, url: str, error: str, *, source: str, kind: str, now: float | None = None) -> int:
        """A discovery page failed; returns its failures in a row."""
        feed = self._feeds.setdefault(url, _MemoryFeed(source, kind))
        feed.failures += 1
        feed.total_failures += 1
        feed.last_error = error[:500]
        return feed.failures

    def failing_feeds(self, min_failures: int = 1, sources: Iterable[str] | None = None) -> list[FeedHealth]:
        """Discovery pages that failed at least ``min_failures`` times in a row."""
        wanted = set(sources) if sources is not None else None
        return [FeedHealth(url, f.source, f.kind, f.failures, f.total_failures, None, f.last_error)
                for url, f in self._feeds.items()
                if f.failures >= min_failures and (wanted is None or f.source in wanted)]
