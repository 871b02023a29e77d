"""Nightly ingestion: ``warta ingest``, resumable, incremental, safe under cron.

One run, for every configured source (``pipeline/config.py``)::

    feeds / sitemaps / listings --fetch (conditional)--> discover --> frontier (db/frontier.py)
    frontier: due URLs --fetch (conditional)--> parse --> keyword/date filter --> extract --> load

* **Incremental**: discovery pages and articles are fetched with the ETag/Last-Modified of
  their last good fetch; a 304 is counted as "not modified" and nothing is reloaded. Stored
  articles are not fetched again unless a feed lists them again within the revisit window.
* **Resumable, loses nothing**: a URL stays ``pending`` in the frontier until its article's
  load has committed (the load is one transaction, idempotent on the canonical URL); links
  are committed before their feed's validators. After ``kill -9`` at any point the next run
  picks up exactly where this one stopped, without duplicates.
* **Retries**: a failed URL is retried on later runs with exponential backoff and given up
  (``gave_up``) after ``max_attempts``; feeds failing run after run are flagged in the summary.
* **Safe under cron**: :class:`RunLock` (``flock`` on ``<db>.lock``) keeps a second run out
  (exit 4); SIGTERM/SIGINT finish the current article and stop cleanly (exit 130, run row
  status ``interrupted``).

Exit codes (:data:`EXIT_CODES`): 0 success, 1 partial failure (some URLs or feeds failed),
2 configuration error, 3 store error, 4 locked by another run, 5 outage (every feed and URL
failed, nothing fetched), 6 locked by a run past its own deadline (hung), 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, TextIO, cast

from db.exceptions import StoreError
from pipeline.config import ConfigError, IngestConfig, Source, line_of_key, load_config
from pipeline.engine import CrawlRules, DateWindow, SourceCrawl
from pipeline.load import LockRetry, load_article
from pipeline.models import Article, ArticleFacts
from pipeline.protocols import FactExtractor, Frontier, Loader
from pipeline.stats import (
    EXIT_CODES,
    EXIT_CONFIG,
    EXIT_INTERRUPTED,
    EXIT_LABELS,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_OUTAGE,
    EXIT_PARTIAL,
    EXIT_STALE_LOCK,
    EXIT_STORE,
    ProgressCallback,
    RunStats,
)

if TYPE_CHECKING:
    from scrapers.fetch import FetchSettings

logger = logging.getLogger(__name__)

#: A run holding the lock longer than its own deadline plus this is reported as hung (exit 6).
LOCK_GRACE_SECONDS = 15 * 60.0

__all__ = [
    "EXIT_CODES", "EXIT_CONFIG", "EXIT_INTERRUPTED", "EXIT_LABELS", "EXIT_LOCKED", "EXIT_OK", "EXIT_OUTAGE",
    "EXIT_PARTIAL", "EXIT_STALE_LOCK", "EXIT_STORE", "ConfigError", "LockedError", "RunStats",
    "StaleLockError", "StoreError", "ingest", "run_ingest",
]


class LockedError(RuntimeError):
    """Another ``warta ingest`` holds the lock on this store."""


class StaleLockError(LockedError):
    """The run holding the lock is past its own deadline: hung, not merely busy."""




# --------------------------------------------------------------------------- lock and signals


class RunLock:
    """An exclusive, non-blocking ``flock`` on ``<db>.lock``, held for the whole run.

    The kernel drops the lock when the process dies, even on ``kill -9``, so a crashed run
    never blocks the next one. The file keeps the holder's pid and the epoch time by which it
    promised to be done (``deadline``): a run finding the lock held past that time reports the
    holder as hung (:class:`StaleLockError`, exit 6) instead of quietly standing aside (exit 4).
    A symlink in place of the lock file is refused, never followed.

    Args:
        db_path: the store; the lock is ``<db_path>.lock``.
        deadline: epoch seconds by which this run will have released the lock (None: no promise).
    """

    def __init__(self, db_path: str | Path, *, deadline: float | None = None) -> None:
        self.path = Path(f"{db_path}.lock")
        self.deadline = deadline
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            StaleLockError: another process holds it past its own deadline (hung).
            LockedError: another process holds it.
            StoreError: the lock file cannot be created, or is a symlink.
        """
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StoreError(
                    f"{self.path} is a symbolic link: refusing to follow it (it could truncate another "
                    "file); remove it and run again"
                ) from exc
            raise StoreError(f"cannot create the lock file {self.path}: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fields = os.read(fd, 64).decode("ascii", "replace").split()
            os.close(fd)
            holder = fields[0] if fields else "unknown"
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                deadline = _float(fields[1]) if len(fields) > 1 else None
                if deadline is not None and time.time() > deadline:
                    late = dt.timedelta(seconds=round(time.time() - deadline))
                    raise StaleLockError(
                        f"stale lock: warta ingest pid {holder} still holds {self.path} {late} after its own "
                        f"deadline ({dt.datetime.fromtimestamp(deadline, dt.UTC):%Y-%m-%d %H:%M} UTC); "
                        f"it is hung: look at its log, then stop it (kill {holder})"
                    ) from exc
                raise LockedError(
                    f"another warta ingest (pid {holder}) is running on this store ({self.path} is locked); "
                    "this run did nothing: let the other one finish"
                ) from exc
            raise StoreError(f"cannot lock {self.path}: {exc}") from exc
        os.ftruncate(fd, 0)
        stamp = str(os.getpid()) + (f" {self.deadline:.0f}" if self.deadline is not None else "")
        os.write(fd, stamp.encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the file stays, so a waiting run never locks a deleted inode)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class GracefulStop:
    """Turns SIGTERM/SIGINT into a stop request the ingest loop checks between articles.

    A second SIGINT raises ``KeyboardInterrupt`` at once. Handlers are only installed in the
    main thread and are restored on exit.
    """

    def __init__(self) -> None:
        self.requested: str | None = None
        self._previous: dict[int, Any] = {}

    def __call__(self) -> bool:
        return self.requested is not None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = name
        logger.warning("received %s: finishing the current article, then stopping", name)

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()


# --------------------------------------------------------------------------- checks before writing


def _fetch_settings(config: IngestConfig, source: Source) -> FetchSettings:
    """The fetcher settings of one source; a bad ``[fetch]`` key becomes a ConfigError."""
    from scrapers.fetch import FetchSettings

    values = {**config.fetch, "delay": source.settings.delay}
    try:
        return FetchSettings.from_mapping(values)
    except (ValueError, TypeError) as exc:
        text = Path(config.path).read_text(encoding="utf-8") if Path(config.path).is_file() else ""
        key = next((k for k in config.fetch if repr(k) in str(exc)), None)
        raise ConfigError(
            f"[fetch] {exc}", path=config.path, line=line_of_key(text, "[fetch]", 0, key) if text else None, key=key
        ) from exc


def check_store(db_path: str | Path) -> None:
    """Make sure ``db_path`` is a readable warta store, or a new file that can be created.

    Writes nothing (see :func:`db.store.check_store_path`, shared by every command).

    Raises:
        StoreError: the file is not a warta store, is damaged, or its folder is missing or read-only.
    """
    from db.store import check_store_path

    check_store_path(db_path)


# --------------------------------------------------------------------------- the run


def source_crawl(
    source: Source,
    *,
    frontier: Frontier,
    store: Loader,
    stats: RunStats,
    run_id: int,
    window: DateWindow,
    stop: Callable[[], bool],
    progress: ProgressCallback | None,
    clock: Callable[[], float],
    ready_at: Callable[[str], float] | None = None,
    lock_retry: LockRetry = LockRetry(),
    apply_via: Callable[..., None] | None = None,
) -> SourceCrawl:
    """The engine's crawl of one configured source into ``store`` over ``frontier``; each article is
    stored by :func:`pipeline.load.load_article` (``lock_retry``: the wait for a store another writer locked)."""

    def deliver(article: Article, facts: ArticleFacts | None) -> str:
        return load_article(store, article, facts if facts is not None else ArticleFacts(), run_id=run_id,
                            retry=lock_retry).status

    return SourceCrawl(CrawlRules.from_source(source, window), frontier=frontier, deliver=deliver, stats=stats,
                       run_id=run_id, stop=stop, progress=progress, clock=clock, ready_at=ready_at,
                       apply_via=apply_via)


class _LazyExtractor:
    """Makes the ``extractors.Extractor`` (slow to load) only when an article needs it."""

    def __init__(self, extractor: FactExtractor | None, *, use_ner: bool = True) -> None:
        self._extractor = extractor
        self._use_ner = use_ner

    def extract(
        self, text: str, published: dt.datetime | dt.date | str | None = None, outlet: str | None = None
    ) -> ArticleFacts:
        if self._extractor is None:
            from extractors import Extractor

            t0 = time.perf_counter()
            self._extractor = Extractor(use_ner=self._use_ner)
            logger.info("extractor loaded seconds=%.1f", time.perf_counter() - t0)
        return self._extractor.extract(text, published, outlet)


def _run_concurrently(
    selected: Sequence[Source],
    run_source: Callable[[Source, RunStats, Frontier, Loader, FactExtractor, ProgressCallback | None,
                          Callable[..., None] | None], None],
    *,
    jobs: int,
    frontier: Frontier,
    store: Loader,
    extractor: FactExtractor | None,
    use_ner: bool,
    summary: RunStats,
    abort: threading.Event,
    progress: ProgressCallback | None,
) -> None:
    """The sources in site groups on ``jobs`` workers; this thread does every store and frontier call."""
    from pipeline.jobs import Coordinator, LockedExtractor, PoolExtractor, default_extract_processes, run_groups
    from pipeline.jobs import site_groups

    coordinator = Coordinator()
    shared_frontier = coordinator.proxy(frontier)
    shared_store = coordinator.proxy(store)
    pool = None if extractor is not None else PoolExtractor(default_extract_processes(jobs), use_ner=use_ner)
    if extractor is None:
        extract: FactExtractor = cast(FactExtractor, pool)
    elif getattr(extractor, "thread_safe", False):  # a caller's PoolExtractor
        extract = extractor
    else:
        extract = LockedExtractor(extractor)
    groups = site_groups(selected)
    logger.info("ingest jobs=%d site_groups=%d", jobs, len(groups))

    def run_group(group: list[Source], stats: RunStats) -> None:
        for source in group:
            if abort.is_set():
                return
            # a page's whole apply (load, frontier marks, counts) in one hand-over to the coordinator
            run_source(source, stats, shared_frontier, shared_store, extract, None, coordinator.call)

    try:
        run_groups(groups, run_group, jobs=min(jobs, len(groups)), coordinator=coordinator, summary=summary,
                   abort=abort, progress=progress)
    finally:
        if pool is not None:
            pool.close()


def ingest(
    config: IngestConfig,
    db_path: str | Path,
    *,
    sources: Sequence[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    progress: ProgressCallback | None = None,
    stop: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.time,
    extractor: FactExtractor | None = None,
    max_run_seconds: float | None = None,
    jobs: int = 1,
    use_ner: bool = True,
    cluster: str | None = None,
) -> RunStats:
    """Run one ingestion of the configured sources into the store at ``db_path``.

    Validates everything (sources, fetch settings, the store) before writing anything, then
    holds :class:`RunLock` for the whole run.

    Args:
        config: the validated ``sources.toml``.
        db_path: the knowledge store (created when missing).
        sources: names of the sources to run (default: every enabled source).
        since: skip articles published before this date.
        until: skip articles published after this date.
        progress: called after every page.
        stop: polled between pages; True finishes the run as ``interrupted``.
        clock: the time source (epoch seconds) for retry scheduling.
        extractor: an ``extractors.Extractor`` to reuse; by default one is made when the first
            article needs it (a run where nothing changed never loads the models). With ``jobs``
            above 1 it is shared under a lock, unless it says ``thread_safe`` (``PoolExtractor``).
        max_run_seconds: the run takes no new page after this long (default: the config's
            ``[run] max_hours``; it ends ``partial``, the rest waits for the next run); its lock
            records this deadline plus
            :data:`LOCK_GRACE_SECONDS`, past which another run reports it as hung.
        jobs: site groups crawled at once (``pipeline/jobs.py``): 1 runs the sources one after
            another on this thread; more runs them on worker threads, the store and frontier
            written by this thread only, extraction in a process pool (or ``extractor`` under a lock).
        use_ner: the extractor made here (or on the cluster's workers) runs the statistical NER model too.
        cluster: a Dask scheduler (``tcp://HOST:8786``): every page is visited on its workers, a site
            on one worker at a time, and written here (``pipeline/cluster.py``); ``extractor`` is
            not used (each worker loads its own).

    Returns:
        The run summary (also saved in the ``runs`` table).

    Raises:
        ConfigError: an unknown source name or a bad ``[fetch]`` setting.
        StoreError: the store is unreachable, not a warta store, or damaged.
        LockedError: another run holds the lock (:class:`StaleLockError`: past its deadline).
    """
    from db.frontier import Frontier as SqliteFrontier
    from db.store import Store
    from scrapers.fetch import Fetcher, PolitenessGates

    if jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, got {jobs}", path=config.path)
    if cluster and jobs > 1:
        raise ConfigError("give --jobs (threads on this machine) or --cluster (Dask workers), not both")
    if cluster:
        from pipeline.cluster import check_scheduler

        check_scheduler(cluster)
    selected = config.select(list(sources) if sources else None)
    settings = {s.name: _fetch_settings(config, s) for s in selected}
    if since and until and since > until:
        raise ConfigError(f"--since {since} is after --until {until}", path=config.path)
    check_store(db_path)
    window = DateWindow(since, until)
    user_stop = stop or (lambda: False)
    summary = RunStats(sources=[s.name for s in selected])
    if max_run_seconds is None:
        max_run_seconds = config.max_run_hours * 3600
    run_deadline = time.monotonic() + max_run_seconds

    abort = threading.Event()  # a --jobs worker failed: the others stop too

    def should_stop() -> bool:
        if user_stop() or abort.is_set():
            return True
        if time.monotonic() >= run_deadline:
            if not summary.deadline_reached:
                logger.warning("run deadline reached after %.0f s: taking no more pages", max_run_seconds)
            summary.deadline_reached = True
        return summary.deadline_reached

    with RunLock(db_path, deadline=time.time() + max_run_seconds + LOCK_GRACE_SECONDS):
        store = Store(db_path)
        frontier = SqliteFrontier(db_path)
        try:
            killed = store.mark_killed_runs("ingest")
            if killed:
                logger.warning("runs %s never finished (killed): marked 'killed'", killed)
            run_id = store.start_run("ingest")
            summary.run_id = run_id
            logger.info("ingest run=%d sources=%s db=%s", run_id, ",".join(summary.sources), db_path)
            gates = PolitenessGates()

            def run_source(source: Source, stats: RunStats, frontier_: Frontier, store_: Loader,
                           extractor_: FactExtractor, progress_: ProgressCallback | None,
                           apply_via: Callable[..., None] | None = None) -> None:
                with Fetcher(settings[source.name], politeness=source.settings.politeness, gates=gates) as fetcher:
                    source_crawl(source, frontier=frontier_, store=store_, stats=stats, run_id=run_id,
                                 window=window, stop=should_stop, progress=progress_, clock=clock,
                                 ready_at=fetcher.ready_at, apply_via=apply_via).run(fetcher, extractor_)

            try:
                if cluster:
                    from pipeline.cluster import run_on_cluster

                    run_on_cluster(
                        cluster, selected, settings=settings, summary=summary, use_ner=use_ner,
                        make_crawl=lambda source: source_crawl(
                            source, frontier=frontier, store=store, stats=summary, run_id=run_id, window=window,
                            stop=should_stop, progress=progress, clock=clock),
                    )
                elif jobs <= 1:
                    lazy = _LazyExtractor(extractor, use_ner=use_ner)
                    for source in selected:
                        if should_stop():
                            break
                        run_source(source, summary, frontier, store, lazy, progress)
                else:
                    _run_concurrently(selected, run_source, jobs=jobs, frontier=frontier, store=store,
                                      extractor=extractor, use_ner=use_ner, summary=summary, abort=abort,
                                      progress=progress)
                summary.status = "interrupted" if user_stop() else (
                    "outage" if summary.outage else "partial" if summary.exit_code else "ok")
            except sqlite3.Error as exc:  # the frontier's own writes: disk full, database locked too long ...
                summary.status = "failed"
                raise StoreError(f"the store {db_path} failed during the run: {exc}") from exc
            except BaseException:
                summary.status = "interrupted" if user_stop() else "failed"
                raise
            finally:
                summary.duration_s = time.monotonic() - summary.started
                try:
                    alert = {s.name: s.settings.feed_alert_failures for s in selected}
                    summary.failing_feeds = [
                        {"url": f.url, "source": f.source, "kind": f.kind,
                         "consecutive_failures": f.consecutive_failures, "last_error": f.last_error}
                        for f in frontier.failing_feeds(1, sources=alert)
                        if f.consecutive_failures >= alert[f.source]
                    ]
                    store.finish_run(run_id, summary.as_dict(), summary.status)
                except Exception:  # the run's own error matters more than a failed bookkeeping write
                    logger.exception("could not record the end of run %d", run_id)
                logger.info("ingest finished run=%d status=%s %s", run_id, summary.status,
                            json.dumps(summary.as_dict(), ensure_ascii=False, default=str))
        finally:
            frontier.close()
            store.close()
    return summary


def run_ingest(
    config_path: str | Path | None,
    db_path: str | Path,
    *,
    sources: Sequence[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    progress: ProgressCallback | None = None,
    jobs: int = 1,
    cluster: str | None = None,
) -> RunStats:
    """Load the config and run :func:`ingest` with SIGTERM/SIGINT turned into a clean stop.

    Args:
        config_path: the ``sources.toml`` (None: the one shipped with warta).
        db_path: the knowledge store.
        sources: names of the sources to run (default: every enabled source).
        since: skip articles published before this date.
        until: skip articles published after this date.
        progress: called after every page.
        jobs: site groups crawled at once (see :func:`ingest`).
        cluster: a Dask scheduler address (see :func:`ingest`).

    Returns:
        The run summary; its ``exit_code`` is the documented exit code.

    Raises:
        ConfigError, StoreError, LockedError: see :func:`ingest` (nothing was written).
    """
    config = load_config(config_path)
    with GracefulStop() as stop:
        return ingest(config, db_path, sources=sources, since=since, until=until, progress=progress, stop=stop,
                      jobs=jobs, cluster=cluster)


# --------------------------------------------------------------------------- CLI helpers


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code for an error that stopped ``warta ingest`` before or during a run."""
    if isinstance(exc, StaleLockError):
        return EXIT_STALE_LOCK
    if isinstance(exc, LockedError):
        return EXIT_LOCKED
    if isinstance(exc, ConfigError):
        return EXIT_CONFIG
    if isinstance(exc, StoreError):
        return EXIT_STORE
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return EXIT_PARTIAL


class JsonLineFormatter(logging.Formatter):
    """One JSON object per log line: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, log_file: str | Path | None, quiet: bool, stream: TextIO | None = None) -> None:
    """Set up logging for ``warta ingest``: key=value lines on stderr, JSON lines in ``log_file``.

    Args:
        log_file: also write every INFO-and-above record here, one JSON object a line (appended).
        quiet: only errors on stderr.
        stream: the console stream (stderr).
    """
    root = logging.getLogger()
    console_level = logging.ERROR if quiet else min(root.level or logging.WARNING, logging.WARNING)
    fmt = logging.Formatter("%(asctime)s level=%(levelname)s logger=%(name)s %(message)s")
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(console_level)
            handler.setFormatter(fmt)
    if not root.handlers:
        console = logging.StreamHandler(stream or sys.stderr)
        console.setLevel(console_level)
        console.setFormatter(fmt)
        root.addHandler(console)
    if log_file is not None:
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(JsonLineFormatter())
        root.addHandler(file_handler)
    root.setLevel(min(console_level, logging.INFO if log_file else console_level))


def progress_line(stream: TextIO) -> ProgressCallback:
    """A progress display for a terminal: one line on ``stream`` rewritten in place."""

    def show(summary: RunStats) -> None:
        elapsed = time.monotonic() - summary.started
        stream.write(
            f"\r  fetched {summary.pages_fetched}  not modified {summary.not_modified}  "
            f"stored {summary.stored}  skipped {sum(summary.skipped.values())}  "
            f"failed {summary.failed + summary.gave_up + summary.feeds_failed}  {elapsed:.0f}s "
        )
        stream.flush()

    return show
