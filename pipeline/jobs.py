"""``warta ingest --jobs N``: sites crawled concurrently on one machine, politely by construction.

::

    coordinator thread (owns the store and the frontier: the only writer)
        ^  every frontier/store call of a worker is a message, run here in order
        |
    N worker threads, one *site group* each at a time: its sources run one after another
        fetch (one request in flight per site, max(delay, Crawl-delay) apart, shared
        Retry-After/backoff: the fetchers of a group share :class:`~scrapers.fetch.PolitenessGates`)
        extract (a process pool, spaCy loaded once per process; or the caller's extractor under a lock)

A *site group* joins the sources whose seeds share a politeness unit (``politeness = site``:
every ``*.tribunnews.com`` source is one group), so two workers never fetch from one unit.
The crawl loop is the same as the sequential run's (``pipeline.engine.SourceCrawl``); only the
seams differ: the frontier and the loader are :class:`Coordinator` proxies, so every write
happens on the coordinator's thread, in the order the worker asked for it (an article's load
commits before its URL is marked done, as in the sequential run).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pipeline.processes import process_pool
from pipeline.stats import RunStats

if TYPE_CHECKING:
    from pipeline.config import Source
    from pipeline.models import ArticleFacts
    from pipeline.protocols import FactExtractor

logger = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["Coordinator", "LockedExtractor", "PoolExtractor", "merge_stats", "run_groups", "site_groups"]


# --------------------------------------------------------------------------- grouping


def site_groups(sources: Sequence[Source]) -> list[list[Source]]:
    """Sources joined when their seeds share a politeness unit (their own ``politeness``
    setting decides the unit), in config order; each group is crawled by one worker."""
    from scrapers.fetch import politeness_key

    parent = list(range(len(sources)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, source in enumerate(sources):
        for url, _kind in source.seeds:
            key = politeness_key(url, source.settings.politeness)
            j = owner.setdefault(key, i)
            parent[find(i)] = find(j)
    groups: dict[int, list[Source]] = {}
    for i, source in enumerate(sources):
        groups.setdefault(find(i), []).append(source)
    return list(groups.values())


# --------------------------------------------------------------------------- coordinator


class Coordinator:
    """Runs calls on the thread that made it: workers hand it frontier and store calls
    (:meth:`proxy`) and wait for the answer, so one thread does every SQLite read and write."""

    def __init__(self) -> None:
        self._owner = threading.current_thread()
        self._calls: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], cf.Future[Any]]] = (
            queue.Queue()
        )

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the coordinator's thread and return its result (or raise its error)."""
        if threading.current_thread() is self._owner:
            return fn(*args, **kwargs)
        done: cf.Future[T] = cf.Future()
        self._calls.put((fn, args, kwargs, done))
        return done.result()

    def proxy(self, target: T) -> T:
        """``target`` with every method call run on the coordinator's thread."""
        return cast(T, _Proxy(self, target))

    def serve(self, workers: Sequence[cf.Future[Any]], *, tick: Callable[[], None] | None = None) -> None:
        """Answer the workers' calls until every one of ``workers`` has finished."""
        last_tick = 0.0
        while True:
            try:
                fn, args, kwargs, done = self._calls.get(timeout=0.05)
            except queue.Empty:
                if all(w.done() for w in workers):
                    return
            else:
                if done.set_running_or_notify_cancel():
                    try:
                        done.set_result(fn(*args, **kwargs))
                    except BaseException as exc:  # handed to the worker that asked
                        done.set_exception(exc)
            if tick is not None and time.monotonic() - last_tick > 0.5:
                last_tick = time.monotonic()
                tick()


class _Proxy:
    def __init__(self, coordinator: Coordinator, target: object) -> None:
        self._coordinator = coordinator
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._coordinator.call(attr, *args, **kwargs)

        return call


# --------------------------------------------------------------------------- extraction


class LockedExtractor:
    """A caller's extractor shared by the worker threads, one article at a time."""

    def __init__(self, extractor: FactExtractor) -> None:
        self._extractor = extractor
        self._lock = threading.Lock()

    def extract(
        self, text: str, published: dt.datetime | dt.date | str | None = None, outlet: str | None = None
    ) -> ArticleFacts:
        with self._lock:
            return self._extractor.extract(text, published, outlet)


_PROCESS_EXTRACTOR: Any = None


def _load_extractor(use_ner: bool) -> None:
    global _PROCESS_EXTRACTOR
    from extractors import Extractor

    _PROCESS_EXTRACTOR = Extractor(use_ner=use_ner)


def _extract_in_process(text: str, published: dt.datetime | dt.date | str | None, outlet: str | None) -> ArticleFacts:
    return cast("ArticleFacts", _PROCESS_EXTRACTOR.extract(text, published, outlet))


class PoolExtractor:
    """Extraction in a pool of processes, each loading spaCy once (at start, in parallel).

    The worker threads block on the answer with the GIL released, so the other sites keep
    fetching while articles are extracted on the other cores.

    Args:
        processes: pool size.
        use_ner: run the statistical NER model too.
    """

    #: Safe to call from several threads at once (the worker threads are not serialised on it).
    thread_safe = True

    def __init__(self, processes: int, *, use_ner: bool = True) -> None:
        self.processes = processes
        self.use_ner = use_ner
        self._pool: cf.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _started(self) -> cf.ProcessPoolExecutor:
        with self._lock:  # started when the first article needs it: a run with nothing new loads nothing
            if self._pool is None:
                self._pool = process_pool(self.processes, multiprocessing.get_context("spawn"),
                                          initializer=_load_extractor, initargs=(self.use_ner,))
            return self._pool

    def extract(
        self, text: str, published: dt.datetime | dt.date | str | None = None, outlet: str | None = None
    ) -> ArticleFacts:
        return self._started().submit(_extract_in_process, text, published, outlet).result()

    def warm_up(self) -> None:
        """Start every process and load its models now (benchmarks start the clock after this)."""
        pool = self._started()
        futures = [pool.submit(_extract_in_process, "Bupati Lahat meninjau lokasi.", None, None)
                   for _ in range(self.processes * 2)]
        for future in futures:
            future.result()

    def close(self) -> None:
        """Stop the processes."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


def default_extract_processes(jobs: int) -> int:
    """Extraction processes for ``jobs`` workers: one per core, at most one per worker."""
    return max(1, min(jobs, os.cpu_count() or 1))


# --------------------------------------------------------------------------- running


def merge_stats(total: RunStats, part: RunStats) -> None:
    """Add one worker's counts to the run's."""
    for name in ("discovered", "revisits", "pages_fetched", "not_modified", "parsed", "inserted", "updated",
                 "unchanged", "failed", "gave_up", "feeds_failed", "refetched"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.skipped.update(part.skipped)
    total.facts.update(part.facts)
    total.failures.extend(part.failures)
    total.deadline_reached = total.deadline_reached or part.deadline_reached
    for stage, seconds in part.stage_seconds.items():
        total.stage_seconds[stage] = total.stage_seconds.get(stage, 0.0) + seconds


def run_groups(
    groups: Sequence[list[Source]],
    run_group: Callable[[list[Source], RunStats], None],
    *,
    jobs: int,
    coordinator: Coordinator,
    summary: RunStats,
    abort: threading.Event,
    progress: Callable[[RunStats], None] | None = None,
) -> None:
    """Crawl site groups on ``jobs`` worker threads while this thread serves ``coordinator``.

    Each group gets its own :class:`RunStats`, merged into ``summary`` when it ends. The first
    error of a worker sets ``abort`` (the others finish their current page and stop) and is
    raised here once every worker has stopped.
    """
    parts: list[RunStats] = [RunStats() for _ in groups]

    def work(index: int) -> None:
        if abort.is_set():
            return
        try:
            run_group(list(groups[index]), parts[index])
        except BaseException:
            abort.set()
            raise

    def tick() -> None:
        if progress is not None:
            view = RunStats(run_id=summary.run_id, sources=summary.sources, started=summary.started)
            for part in parts:
                merge_stats(view, part)
            progress(view)

    with cf.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="warta-site") as pool:
        futures = [pool.submit(work, i) for i in range(len(groups))]
        try:
            coordinator.serve(futures, tick=tick)
        except BaseException:
            abort.set()
            coordinator.serve(futures)  # let the workers finish their current page
            raise
        finally:
            for part in parts:
                merge_stats(summary, part)
        for future in futures:
            error = future.exception()
            if error is not None:
                raise error
