"""``warta ingest --cluster tcp://HOST:8786``: the crawl engine's visits on Dask distributed workers.

::

    coordinator (this process: the store, the frontier, every engine's next_task/apply)
        |  one visit in flight per site group, submitted to the group's worker
        v
    Dask workers (any machine): fetch, discover, join pages, filter, extract facts
        (pipeline.engine.visit), with per-worker fetchers, politeness gates and extractor

* **A site stays on one worker**: each site group (``pipeline.jobs.site_groups``) is pinned to
  one worker, whose politeness gate spaces its requests (``max(delay, Crawl-delay)``, one in
  flight); the coordinator submits the group's next visit only when the last one is applied.
* **A worker new to a site waits one full delay first** (the longest delay seen for the group,
  Crawl-delay included): it cannot know when the previous worker last asked.
* **A killed worker's visit reruns elsewhere**: it is submitted with loose restrictions, so Dask
  reruns it on another worker, and the group moves there. Its page may be fetched twice: counted
  in ``refetched``. Nothing is stored twice: the coordinator is the only writer, loads are
  idempotent on the canonical URL, and a URL is marked done only after its load committed.
* **Same version everywhere**: the coordinator refuses workers running another warta version
  (their visits would parse and extract differently); a visit a worker of another version ran is
  refused too.

Dask ships tasks and results as pickles: whoever reaches the scheduler port runs code on every
worker. Keep it on a private network (see the README).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.config import ConfigError
from pipeline.engine import Task, Visit, visit

if TYPE_CHECKING:
    from pipeline.config import Source
    from pipeline.engine import CrawlRules, SourceCrawl
    from pipeline.stats import RunStats
    from scrapers.fetch import Fetcher, FetchSettings

logger = logging.getLogger(__name__)

__all__ = ["check_scheduler", "check_workers", "remote_visit", "run_on_cluster", "warm_worker", "warta_version"]

#: Seconds to wait for the scheduler to answer, and for the first worker.
CONNECT_TIMEOUT = 20.0


def check_scheduler(address: str, *, timeout: float = 5.0) -> None:
    """Make sure a Dask scheduler answers at ``address`` (``tcp://HOST:PORT``) before anything is written.

    Raises:
        ConfigError: the address is malformed, the extra is missing, or nothing listens there.
    """
    import socket
    from urllib.parse import urlsplit

    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ConfigError("--cluster needs Dask distributed: pip install 'warta[cluster]'") from exc
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port or 8786
    except ValueError as exc:
        raise ConfigError(f"--cluster {address!r} is not a scheduler address such as tcp://10.0.0.5:8786") from exc
    if parts.scheme not in ("tcp", "tls") or not host:
        raise ConfigError(f"--cluster {address!r} is not a scheduler address such as tcp://10.0.0.5:8786")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {address} ({exc}); start one with `dask scheduler` "
            "and workers with `dask worker tcp://HOST:8786`"
        ) from exc


def warta_version() -> str:
    """The installed warta version (what the coordinator compares its workers with)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("warta")
    except PackageNotFoundError:  # a source tree run without installing
        return "unknown"


# --------------------------------------------------------------------------- worker side


class _WorkerState:
    """What one worker process keeps between visits: fetchers, politeness gates, the extractor."""

    def __init__(self) -> None:
        from scrapers.fetch import PolitenessGates

        self.gates = PolitenessGates()
        self.fetchers: dict[tuple[str, FetchSettings, str], Fetcher] = {}
        self.met: set[str] = set()
        self.extractors: dict[bool, Any] = {}
        self.lock = threading.Lock()
        self.extract_lock = threading.Lock()

    def fetcher(self, source: str, settings: FetchSettings, politeness: str) -> Fetcher:
        from scrapers.fetch import Fetcher

        with self.lock:
            key = (source, settings, politeness)
            if key not in self.fetchers:
                self.fetchers[key] = Fetcher(settings, politeness=politeness, gates=self.gates)
            return self.fetchers[key]

    def meet(self, url: str, politeness: str, delay: float) -> None:
        """A site this worker has not fetched from yet waits ``delay`` before its first request."""
        from scrapers.fetch import politeness_key

        key = politeness_key(url, politeness)
        with self.lock:
            if key in self.met:
                return
            self.met.add(key)
        gate = self.gates.get(key)
        now = time.monotonic()
        gate.last = max(gate.last, now)
        gate.not_before = max(gate.not_before, now + delay)
        logger.info("worker new to %s: waiting %.2f s before its first request", key, delay)

    def extractor(self, use_ner: bool) -> _LockedExtract:
        with self.lock:
            if use_ner not in self.extractors:
                from extractors import Extractor

                self.extractors[use_ner] = Extractor(use_ner=use_ner)
            return _LockedExtract(self.extractors[use_ner], self.extract_lock)


@dataclass(slots=True)
class _LockedExtract:
    """The worker's extractor, one article at a time (its threads share it)."""

    extractor: Any
    lock: threading.Lock

    def extract(self, text: str, published: Any = None, outlet: str | None = None) -> Any:
        with self.lock:
            return self.extractor.extract(text, published, outlet)


_STATE: _WorkerState | None = None
_STATE_LOCK = threading.Lock()


def _state() -> _WorkerState:
    global _STATE
    with _STATE_LOCK:
        if _STATE is None:
            _STATE = _WorkerState()
        return _STATE


def warm_worker(use_ner: bool = True) -> str:
    """Load this worker's extractor now (``client.run(warm_worker)``; benchmarks start the clock after)."""
    _state().extractor(use_ner)
    return warta_version()


def remote_visit(
    task: Task, rules: CrawlRules, settings: FetchSettings, politeness: str, use_ner: bool, first_wait: float
) -> Visit:
    """Run on a Dask worker: one :func:`pipeline.engine.visit` with this worker's fetcher and extractor.

    Args:
        task: what to visit.
        rules: the source's rules.
        settings: the source's fetch settings.
        politeness: the source's politeness unit.
        use_ner: extract with the statistical NER model too.
        first_wait: seconds to wait first when this worker has not fetched from the site yet.
    """
    from distributed import get_worker

    state = _state()
    state.meet(task.url, politeness, first_wait)
    fetcher = state.fetcher(rules.name, settings, politeness)
    result = visit(task, rules, fetcher, state.extractor(use_ner))
    result.host_delay = fetcher.host_delay(task.url)
    result.worker = get_worker().address
    result.version = warta_version()
    return result


# --------------------------------------------------------------------------- coordinator side


def check_workers(client: Any, version: str, workers: Sequence[str] | None = None) -> list[str]:
    """The addresses of the cluster's workers (or of ``workers``), all running warta ``version``.

    Raises:
        ConfigError: a worker runs another warta version, or none is connected.
    """
    found = client.run(warta_version, workers=list(workers) if workers is not None else None)
    wrong = {addr: v for addr, v in found.items() if v != version}
    if wrong:
        listed = ", ".join(f"{addr} runs {v}" for addr, v in sorted(wrong.items()))
        raise ConfigError(
            f"refusing workers of another warta version (this coordinator runs {version}): {listed}; "
            f"install warta {version} on every worker and restart it"
        )
    if not found and workers is None:
        raise ConfigError("the Dask cluster has no workers: start some with `dask worker tcp://HOST:8786`")
    return sorted(found)


@dataclass(slots=True)
class _Group:
    """One site group on the cluster: its sources crawled one after another on one worker."""

    sources: list[Source]
    worker: str
    crawl: SourceCrawl | None = None
    source: Source | None = None
    delay: float = 0.0
    """The longest delay seen between its requests (Crawl-delay included): a new worker's first wait."""
    done: bool = False


def run_on_cluster(
    address: str,
    sources: Sequence[Source],
    *,
    make_crawl: Callable[[Source], SourceCrawl],
    settings: dict[str, FetchSettings],
    summary: RunStats,
    use_ner: bool = True,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> None:
    """Crawl ``sources`` with their visits on the Dask cluster at ``address``; apply them here.

    Args:
        address: the scheduler, ``tcp://HOST:8786``.
        sources: the sources to run.
        make_crawl: the engine of one source, writing to this process's store and frontier.
        settings: fetch settings per source name.
        summary: the run's counts (``refetched`` counts visits rerun after their worker was lost).
        use_ner: workers extract with the statistical NER model too.
        connect_timeout: seconds to wait for the scheduler.

    Raises:
        ConfigError: the extra is not installed, the scheduler is unreachable, or a worker runs
            another warta version.
    """
    try:
        from distributed import Client, as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
    except ImportError as exc:
        raise ConfigError("--cluster needs Dask distributed: pip install 'warta[cluster]'") from exc
    from pipeline.jobs import site_groups

    version = warta_version()
    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {address} ({exc}); start one with `dask scheduler` "
            "and workers with `dask worker tcp://HOST:8786`"
        ) from exc
    with client:
        workers = check_workers(client, version)
        load = dict.fromkeys(workers, 0)
        groups = []
        for sources_ in site_groups(list(sources)):
            worker = min(load, key=lambda w: (load[w], w))
            load[worker] += 1
            groups.append(_Group(list(sources_), worker))
        logger.info("ingest cluster=%s workers=%d site_groups=%d", address, len(workers), len(groups))
        pending: dict[Any, tuple[_Group, Task]] = {}
        ready = as_completed(loop=client.loop)
        vetted = set(workers)

        def live_worker(group: _Group) -> str:
            """The group's worker, or (when it is gone) the least busy live worker of our version."""
            alive = set(client.nthreads())
            if group.worker in alive:
                return group.worker
            for addr in sorted(alive - vetted):
                check_workers(client, version, [addr])
                vetted.add(addr)
            busy = {w: sum(1 for g in groups if g.worker == w and not g.done) for w in alive & vetted}
            if not busy:
                raise ConfigError(f"every worker of the Dask cluster at {address} is gone")
            moved = min(busy, key=lambda w: (busy[w], w))
            logger.warning("worker %s is gone: its sites move to %s", group.worker, moved)
            return moved

        def submit(group: _Group) -> None:
            while not group.done:
                if group.crawl is not None:
                    task = group.crawl.next_task()
                    if task is not None:
                        group.worker = live_worker(group)
                        assert group.source is not None
                        future = client.submit(
                            remote_visit, task, group.crawl.rules, settings[group.source.name],
                            group.source.settings.politeness, use_ner, max(group.delay, group.source.settings.delay),
                            workers=[group.worker], allow_other_workers=True, pure=False,
                        )
                        pending[future] = (group, task)
                        ready.add(future)
                        return
                if not group.sources:
                    group.done = True
                    return
                group.source = group.sources.pop(0)
                group.crawl = make_crawl(group.source)

        for group in groups:
            submit(group)
        for future in ready:
            group, task = pending.pop(future)
            try:
                result: Visit = future.result()
            except (KilledWorker, FutureCancelledError) as exc:  # the visit killed worker after worker
                logger.error("visit of %s failed on the cluster: %s", task.url, exc)
                from scrapers.crawl import failed_fetch

                result = Visit(failure=failed_fetch(task.url, exc))
                result.failure.retryable = True  # type: ignore[union-attr]
            else:
                if result.version != version:
                    raise ConfigError(f"worker {result.worker} runs warta {result.version}, this coordinator "
                                      f"{version}: install the same version everywhere")
                if result.worker != group.worker:
                    summary.refetched += 1
                    logger.warning("visit of %s ran again on %s (worker %s lost): its page may have been "
                                   "fetched twice", task.url, result.worker, group.worker)
                    group.worker = result.worker or group.worker
                group.delay = max(group.delay, result.host_delay)
            assert group.crawl is not None
            group.crawl.apply(task, result)
            submit(group)
