"""Counts of one run (crawl, demo or ingest): one class, saved in the store's ``runs`` table.

The exit codes of ``warta ingest`` live here too, since a run's counts decide them
(:attr:`RunStats.exit_code`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_CONFIG = 2
EXIT_STORE = 3
EXIT_LOCKED = 4
EXIT_OUTAGE = 5
EXIT_STALE_LOCK = 6
EXIT_INTERRUPTED = 130

#: Exit code -> meaning, as documented in the README.
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success: every source was read, no URL failed",
    EXIT_PARTIAL: "partial failure: some URLs or feeds failed (they are retried on the next run)",
    EXIT_CONFIG: "configuration error (bad sources.toml, unknown --source, bad option)",
    EXIT_STORE: "store error: the --db file is unreachable, not a warta store, or damaged",
    EXIT_LOCKED: "another warta ingest holds the lock on this store; nothing was done",
    EXIT_OUTAGE: "outage: every feed and URL failed, nothing was fetched (network, site or block)",
    EXIT_STALE_LOCK: "another warta ingest holds the lock past its own deadline: it is hung, stop it",
    EXIT_INTERRUPTED: "interrupted by SIGTERM/SIGINT after finishing the current article",
}

#: Exit code -> the short label ``warta ingest`` prints before an error message.
EXIT_LABELS: dict[int, str] = {
    EXIT_PARTIAL: "partial failure",
    EXIT_CONFIG: "configuration error",
    EXIT_STORE: "store error",
    EXIT_LOCKED: "locked",
    EXIT_OUTAGE: "outage",
    EXIT_STALE_LOCK: "stale lock",
    EXIT_INTERRUPTED: "interrupted",
}


#: Skip reason of a link on a discovery page that is no usable URL (``http://[::1``).
UNUSABLE_LINK = "unusable link"


@dataclass(slots=True)
class RunStats:
    """What one crawl, demo or ingest run did; saved as the ``counts`` of its ``runs`` row."""

    run_id: int | None = None
    sources: list[str] = field(default_factory=list)
    discovered: int = 0
    """New article URLs added to the frontier."""
    revisits: int = 0
    """Stored articles queued again for a conditional re-fetch."""
    pages_fetched: int = 0
    """Requests answered 200 (discovery pages and articles)."""
    not_modified: int = 0
    """Requests answered 304."""
    parsed: int = 0
    """Articles parsed and kept (passed the filters) and handed to the loader."""
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Skipped URLs by reason (keyword filter, not an article, date range, other host)."""
    failed: int = 0
    """URLs that failed this run and will be retried later."""
    gave_up: int = 0
    """URLs that failed this run and reached max_attempts or a permanent error."""
    feeds_failed: int = 0
    """Discovery pages that failed this run."""
    refetched: int = 0
    """Visits run again after their worker was lost (``--cluster``): their pages may have been fetched twice."""
    deadline_reached: bool = False
    """The run stopped taking pages at its deadline (``max_run_seconds``); the rest waits for the next run."""
    facts: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    failing_feeds: list[dict[str, Any]] = field(default_factory=list)
    """Feeds that failed ``feed_alert_failures`` runs in a row."""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Time spent per stage: discover, fetch, parse, extract, load."""
    status: str = "running"
    """ok, partial, outage (nothing could be fetched), interrupted or failed."""
    started: float = field(default_factory=time.monotonic)
    duration_s: float = 0.0

    @property
    def exit_code(self) -> int:
        """The documented exit code of this run."""
        if self.status == "interrupted":
            return EXIT_INTERRUPTED
        if self.status == "failed":
            return EXIT_STORE
        if self.outage:
            return EXIT_OUTAGE
        return EXIT_PARTIAL if (self.failed or self.gave_up or self.feeds_failed or self.deadline_reached) else EXIT_OK

    @property
    def outage(self) -> bool:
        """True when something failed and nothing at all was fetched (not even a 304)."""
        return bool(self.failed + self.gave_up + self.feeds_failed) and not (self.pages_fetched + self.not_modified)

    def alerts(self) -> list[str]:
        """What a quiet run still reports on stderr: a total outage, feeds failing run after run."""
        out = []
        if self.outage:
            first = self.failures[0] if self.failures else None
            out.append(
                f"warta ingest: outage: all {self.feeds_failed + self.failed + self.gave_up} requests failed, "
                "nothing was fetched" + (f" (first: {first['url']}: {first['error']})" if first else "")
            )
        for feed in self.failing_feeds:
            out.append(
                f"warta ingest: feed failing {feed['consecutive_failures']} runs in a row: {feed['url']} "
                f"({feed['source']}): {feed['last_error']}"
            )
        return out

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent in the ``with`` block to ``stage_seconds[stage]``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - t0

    @property
    def articles(self) -> int:
        """Articles handed to the loader (``parsed``; the name ``warta crawl`` prints)."""
        return self.parsed

    @articles.setter
    def articles(self, value: int) -> None:
        self.parsed = value

    @property
    def failed_urls(self) -> int:
        """URLs that could not be fetched, read or parsed this run: failed (retried later), given
        up, discovery pages that failed, and unusable links (what ``warta crawl`` reports)."""
        return self.failed + self.gave_up + self.feeds_failed + self.skipped[UNUSABLE_LINK]

    @property
    def stored(self) -> int:
        """Articles written (inserted or updated)."""
        return self.inserted + self.updated

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready counts (the ``runs.counts`` column)."""
        return {
            "sources": self.sources,
            "discovered": self.discovered,
            "revisits": self.revisits,
            "fetched": self.pages_fetched,
            "not_modified": self.not_modified,
            "parsed": self.parsed,
            "articles": self.parsed,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(self.skipped),
            "failed": self.failed,
            "gave_up": self.gave_up,
            "feeds_failed": self.feeds_failed,
            "refetched": self.refetched,
            "deadline_reached": self.deadline_reached,
            "facts": dict(self.facts),
            "failures": self.failures[:100],
            "failing_feeds": self.failing_feeds,
            "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()},
            "duration_s": round(self.duration_s, 3),
            "status": self.status,
        }

    def lines(self) -> list[str]:
        """The human-readable summary printed at the end of ``warta ingest``."""
        skipped = ", ".join(f"{reason} {n}" for reason, n in self.skipped.most_common()) or "none"
        out = [
            f"ingest run {self.run_id}: {self.status} in {self.duration_s:.1f} s "
            f"(sources: {', '.join(self.sources) or 'none'})",
            f"  discovered {self.discovered} new URLs, {self.revisits} revisits; "
            f"fetched {self.pages_fetched}, not modified {self.not_modified}",
            f"  parsed {self.parsed}: new {self.inserted}, updated {self.updated}, unchanged {self.unchanged}",
            f"  skipped: {skipped}",
            f"  failed {self.failed} (retried next run), gave up {self.gave_up}, feeds failed {self.feeds_failed}",
            "  facts stored: " + (", ".join(f"{k} {v}" for k, v in sorted(self.facts.items())) or "none"),
        ]
        if self.refetched:
            out.append(f"  refetched {self.refetched} pages after losing their worker (none stored twice)")
        if self.deadline_reached:
            out.append("  run deadline reached: the remaining pages wait for the next run")
        for failure in self.failures[:10]:
            what = "skipped" if failure.get("status") == "skipped" else "failed"
            out.append(f"  {what} {failure['url']}: {failure['error']}")
        for feed in self.failing_feeds:
            out.append(
                f"  feed failing {feed['consecutive_failures']} runs in a row: {feed['url']} "
                f"({feed['source']}): {feed['last_error']}"
            )
        return out


#: Called after every page or item with the running statistics (progress display).
ProgressCallback = Callable[[RunStats], None]
