"""``warta import-warc``: WARC archives (Common Crawl News, any crawler's) into the store.

::

    workers (--jobs N processes, spaCy loaded once in each; or this process when N is 1),
    one archive at a time each:
        read records (scrapers/warc.py) -> keep HTTP 200 HTML responses -> host/URL filter
        -> parse (the outlet's adapter, chosen by URL) -> --since/--until -> extract
            |  one message per article (or per run of skipped records), in file order
            v
    this process, the only writer: load (the same extract_and_load step as ingest and crawl),
    then move the archive's next_offset past the record (db/archive_progress.py)

* **Resumable**: an archive's ``next_offset`` moves only after its records' articles have
  committed; a run killed anywhere (``kill -9`` included) goes on at that offset next time,
  and loads at most the last record again, as "unchanged" (the load is idempotent on the
  canonical URL). Archives read to the end are passed over.
* **Never stopped by bad data**: damaged gzip members, truncated records and junk are
  reported with file and byte offset and read past; a record whose extraction or load
  fails is tried again on the next runs (up to :data:`MAX_ATTEMPTS`), then given up.
* Revisit, request and metadata records, other HTTP statuses, non-HTML payloads, pages that
  are not articles and later pages of a multi-page article (``?page=2``) are counted, by
  reason, and skipped.

Exit codes are those of ``warta ingest`` (``pipeline/stats.py``): 0 ok, 1 some records failed
or were unreadable, 2 bad option or not a WARC file, 3 store error, 4 another run holds the
store's lock, 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import queue
import re
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.processes import exit_with_parent
from pipeline.run import ItemFailed, extract_and_load
from pipeline.stats import EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, EXIT_STORE, ProgressCallback, RunStats
from scrapers.exceptions import ConfigError

if TYPE_CHECKING:
    from db.archive_progress import ArchiveProgress, ArchiveState
    from db.store import Store
    from pipeline.models import Article, ArticleFacts
    from pipeline.protocols import FactExtractor
    from scrapers.warc import ArchivedRecord, BadRecord

logger = logging.getLogger(__name__)

__all__ = ["MAX_ATTEMPTS", "ImportFilters", "ImportReport", "import_warc", "run_import_warc"]

#: A record whose extraction or load failed this many runs is given up.
MAX_ATTEMPTS = 3

#: Skipped records are reported to the writer in runs of at most this many.
_SKIP_BATCH = 200

#: The ``runs.command`` of an import.
COMMAND = "import-warc"

# skip reasons, as the summary prints them
NOT_RESPONSE = "not a response record"
REVISIT = "revisit record"
NOT_200 = "HTTP status not 200"
NOT_HTML = "not HTML"
TOO_LARGE = "page too large"
FILTERED = "host or URL filter"
LATER_PAGE = "later page of an article"
NOT_ARTICLE = "not an article"
BEFORE_SINCE = "published before --since"
AFTER_UNTIL = "published after --until"

#: Reasons that concern records which are not pages (the summary counts them apart).
_NOT_PAGES = (NOT_RESPONSE, REVISIT, NOT_200, NOT_HTML, TOO_LARGE)


@dataclass(slots=True, frozen=True)
class ImportFilters:
    """Which pages of the archives are wanted (plain values: they travel to the worker processes).

    Args:
        hosts: only these hosts and their subdomains (empty: every host).
        url_pattern: only URLs this regular expression matches (``re.search``).
        since: only articles published on or after this day.
        until: only articles published on or before this day.
    """

    hosts: tuple[str, ...] = ()
    url_pattern: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def check(self) -> None:
        """Raises ConfigError for a bad pattern or date range (before anything is read)."""
        if self.url_pattern is not None:
            try:
                re.compile(self.url_pattern)
            except re.error as exc:
                raise ConfigError(f"--url-filter {self.url_pattern!r} is not a regular expression: {exc}") from exc
        if self.since and self.until and self.since > self.until:
            raise ConfigError(f"--since {self.since} is after --until {self.until}")

    def wants_url(self, url: str) -> bool:
        """The record's URL passes the host and URL filters."""
        if self.hosts:
            host = (urlsplit(url).hostname or "").lower()
            if not any(host == h or host.endswith("." + h) for h in self.hosts):
                return False
        return self.url_pattern is None or re.search(self.url_pattern, url) is not None

    def captured_too_early(self, captured: dt.datetime | None) -> bool:
        """The page was captured before ``since`` (a day of margin): what it holds is older."""
        return bool(self.since and captured and captured.date() < self.since - dt.timedelta(days=1))

    def date_reason(self, published: dt.datetime | None) -> str | None:
        """The skip reason when the article's day falls outside [since, until], else None."""
        if published is None:
            return None
        if self.since and published.date() < self.since:
            return BEFORE_SINCE
        if self.until and published.date() > self.until:
            return AFTER_UNTIL
        return None


# --------------------------------------------------------------------------- worker side


@dataclass(slots=True, frozen=True)
class _Task:
    """One archive for a worker: read from ``start`` on, after retrying the records at ``retry``."""

    path: str
    key: str
    start: int
    retry: tuple[int, ...] = ()


@dataclass(slots=True)
class _Outcome:
    """What became of a run of records (skipped ones) or of one record, as the writer applies it."""

    key: str
    offset: int
    end: int
    """The archive's ``next_offset`` once this is applied (unused for retried records)."""
    retried: bool = False
    """A record read again from the retry list: the archive's offset does not move."""
    records: int = 0
    pages: int = 0
    """HTML pages read."""
    skipped: Counter[str] = field(default_factory=Counter)
    url: str = ""
    article: Article | None = None
    facts: ArticleFacts | None = None
    error: str | None = None
    error_kind: str | None = None
    """``unreadable`` (damaged bytes), ``parse`` (given up at once), ``extract`` (tried again) or ``file``."""
    seconds: dict[str, float] = field(default_factory=dict)
    worker: int = 0


class _LazyExtractor:
    """The extractor made when the first article needs it (a run with nothing new loads no model)."""

    def __init__(self, use_ner: bool, extractor: FactExtractor | None = None) -> None:
        self.use_ner = use_ner
        self._extractor = extractor

    def get(self) -> FactExtractor:
        if self._extractor is None:
            from extractors import Extractor

            t0 = time.perf_counter()
            self._extractor = Extractor(use_ner=self.use_ner)
            logger.info("extractor loaded pid=%d seconds=%.1f", os.getpid(), time.perf_counter() - t0)
        return self._extractor


def _page_outcome(record: ArchivedRecord, key: str, filters: ImportFilters, extractor: _LazyExtractor,
                  retried: bool) -> _Outcome:
    """Parse and extract one HTML page record (or say why it is skipped or failed)."""
    from scrapers.adapters import adapter_for, parse_article
    from scrapers.exceptions import NotAnArticle, ParseError

    out = _Outcome(key, record.offset, record.end, retried=retried, records=1, pages=1, url=record.url)
    if adapter_for(record.url).page_of(record.url) > 1:  # would replace the article with its page 2
        out.skipped[LATER_PAGE] += 1
        return out
    t0 = time.perf_counter()
    try:
        article = parse_article(record.body, record.url, record.content_type or None)
    except NotAnArticle:
        out.skipped[NOT_ARTICLE] += 1
        return out
    except ParseError as exc:
        out.error, out.error_kind = f"{type(exc).__name__}: {exc}", "parse"
        return out
    except Exception as exc:  # a value no parser expected: this record only, logged in full
        logger.exception("parsing failed url=%s", record.url)
        out.error, out.error_kind = f"{type(exc).__name__}: {exc}", "parse"
        return out
    finally:
        out.seconds["parse"] = time.perf_counter() - t0
    reason = filters.date_reason(article.published)
    if reason:
        out.skipped[reason] += 1
        return out
    t0 = time.perf_counter()
    try:
        out.facts = extractor.get().extract(article.text, article.published, article.outlet)
    except Exception as exc:  # an extractor bug must not end the import: the record is tried again later
        logger.exception("extraction failed url=%s", record.url)
        out.error, out.error_kind = f"{type(exc).__name__}: {exc}", "extract"
        return out
    finally:
        out.seconds["extract"] = time.perf_counter() - t0
    out.article = article
    return out


def _skip_reason(record: ArchivedRecord, filters: ImportFilters) -> str | None:
    """Why a readable record is not a wanted page, or None when it is one."""
    if record.record_type == "revisit":
        return REVISIT
    if record.record_type != "response":
        return NOT_RESPONSE
    if record.status != 200:
        return NOT_200
    if record.too_large:
        return TOO_LARGE
    if not record.is_html_page:
        return NOT_HTML
    if not filters.wants_url(record.url):
        return FILTERED
    if filters.captured_too_early(record.date):
        return BEFORE_SINCE
    return None


def _record_outcomes(task: _Task, filters: ImportFilters, extractor: _LazyExtractor) -> Iterator[_Outcome]:
    """The outcomes of one archive's records, in file order: its retries first, then from ``start``."""
    from scrapers.warc import BadRecord, read_archive

    for offset in task.retry:
        reader = read_archive(task.path, offset)
        item = next(reader, None)
        reader.close()
        if item is not None:
            yield _one(item, task.key, filters, extractor, retried=True)
    skipped = _Outcome(task.key, task.start, task.start)
    for item in read_archive(task.path, task.start):
        reason = None if isinstance(item, BadRecord) else _skip_reason(item, filters)
        if reason is not None:
            skipped.skipped[reason] += 1
            skipped.records += 1
            skipped.pages += not isinstance(item, BadRecord) and item.is_html_page
            skipped.end = item.end
            if skipped.records >= _SKIP_BATCH:
                yield skipped
                skipped = _Outcome(task.key, item.end, item.end)
            continue
        if skipped.records:
            yield skipped
        yield _one(item, task.key, filters, extractor, retried=False)
        skipped = _Outcome(task.key, item.end, item.end)
    yield skipped  # the end of the archive (maybe no records)


def _one(item: ArchivedRecord | BadRecord, key: str, filters: ImportFilters, extractor: _LazyExtractor,
         *, retried: bool) -> _Outcome:
    from scrapers.warc import BadRecord

    if isinstance(item, BadRecord):
        return _Outcome(key, item.offset, item.end, retried=retried, error=item.error, error_kind="unreadable")
    reason = _skip_reason(item, filters)
    if reason is not None:
        out = _Outcome(key, item.offset, item.end, retried=retried, records=1, url=item.url,
                       pages=int(item.is_html_page))
        out.skipped[reason] += 1
        return out
    return _page_outcome(item, key, filters, extractor, retried)


def _task_outcomes(task: _Task, filters: ImportFilters, extractor: _LazyExtractor,
                   worker: int = 0) -> Iterator[_Outcome]:
    """:func:`_record_outcomes`, with an archive that cannot be read at all reported, not raised."""
    from scrapers.exceptions import ArchiveError

    yield _Outcome(task.key, task.start, task.start, worker=worker)  # "this worker reads this archive"
    try:
        for out in _record_outcomes(task, filters, extractor):
            out.worker = worker
            yield out
    except ArchiveError as exc:
        yield _Outcome(task.key, task.start, task.start, error=str(exc), error_kind="file", worker=worker)


@dataclass(slots=True, frozen=True)
class _WorkerDone:
    worker: int


def _worker_main(worker: int, tasks: Any, results: Any, filters: ImportFilters, use_ner: bool) -> None:
    """One worker process: archives from ``tasks`` until a None, outcomes into ``results``."""
    exit_with_parent()  # the writer killed (even with SIGKILL): stop at once, wherever we are
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle: it stops us
    extractor = _LazyExtractor(use_ner)
    while True:
        task = tasks.get()
        if task is None:
            break
        for out in _task_outcomes(task, filters, extractor, worker):
            results.put(out)
    results.put(_WorkerDone(worker))


# --------------------------------------------------------------------------- writer side


@dataclass(slots=True)
class ImportReport:
    """What ``warta import-warc`` prints: the run's counts and where each archive stands."""

    stats: RunStats
    archives: list[ArchiveState]
    """Every archive named, in the order given."""
    already_done: int = 0
    """Archives passed over: an earlier run read them to the end."""
    records: int = 0
    """Records read in this run (every type)."""

    @property
    def exit_code(self) -> int:
        """0 ok, 1 some records failed or could not be read, 3 the store failed, 130 interrupted."""
        s = self.stats
        if s.status == "interrupted":
            return EXIT_INTERRUPTED
        if s.status == "failed":
            return EXIT_STORE
        return EXIT_PARTIAL if (s.failed or s.gave_up) else EXIT_OK

    def lines(self) -> list[str]:
        """The human-readable summary."""
        s = self.stats
        not_pages = sum(s.skipped[r] for r in _NOT_PAGES)
        page_reasons = ", ".join(f"{r} {n}" for r, n in s.skipped.most_common() if r not in _NOT_PAGES) or "none"
        other_reasons = ", ".join(f"{r} {n}" for r, n in s.skipped.most_common() if r in _NOT_PAGES) or "none"
        done = sum(1 for a in self.archives if a.done)
        out = [
            f"import-warc run {s.run_id}: {s.status} in {s.duration_s:.1f} s ({len(self.archives)} archives: "
            f"{done} done, {len(self.archives) - done} to go on next run; {self.already_done} done before)",
            f"  records read {self.records}: HTML pages {s.pages_fetched}, other records {not_pages} "
            f"({other_reasons})",
            f"  pages skipped: {page_reasons}",
            f"  articles {s.parsed}: new {s.inserted}, updated {s.updated}, unchanged {s.unchanged}",
            f"  failed {s.failed} (tried again next run), gave up {s.gave_up} (unreadable or unparseable)",
            "  facts stored: " + (", ".join(f"{k} {v}" for k, v in sorted(s.facts.items())) or "none"),
        ]
        if s.deadline_reached:
            out.append("  --limit reached: the rest of the archives waits for the next run")
        for failure in s.failures[:10]:
            out.append(f"  {failure['status']} {failure['url']}: {failure['error']}")
        if len(s.failures) > 10:
            out.append(f"  ... and {len(s.failures) - 10} more (warta stats --json lists the run's failures)")
        return out


class _Writer:
    """Applies outcomes in arrival order: loads articles, counts, and saves each archive's progress."""

    def __init__(self, store: Store, progress: ArchiveProgress, states: dict[str, ArchiveState],
                 summary: RunStats, run_id: int, limit: int | None) -> None:
        self.store = store
        self.progress = progress
        self.states = states
        self.summary = summary
        self.run_id = run_id
        self.limit = limit
        self.records = 0
        self.reading: dict[int, str] = {}
        """Worker -> the archive it reads now."""

    @property
    def full(self) -> bool:
        """``--limit`` articles were loaded in this run."""
        return self.limit is not None and self.summary.parsed >= self.limit

    def apply(self, out: _Outcome) -> None:
        state = self.states[out.key]
        stats = self.summary
        self.reading[out.worker] = out.key
        self.records += out.records
        stats.pages_fetched += out.pages
        stats.skipped.update(out.skipped)
        for stage, seconds in out.seconds.items():
            stats.stage_seconds[stage] = stats.stage_seconds.get(stage, 0.0) + seconds
        where = f"{state.path}@{out.offset}"
        error, kind = out.error, out.error_kind
        if out.article is not None and out.facts is not None:
            try:
                facts, result = extract_and_load(out.article, _Extracted(out.facts), self.store, run_id=self.run_id,
                                                 stats=stats)
            except ItemFailed as failed:
                cause = failed.__cause__
                error, kind = f"{type(cause).__name__}: {cause}", "extract"
            else:
                setattr(stats, result.status, getattr(stats, result.status) + 1)
                stats.parsed += 1
                if result.status != "unchanged":
                    stats.facts.update(facts.counts())
                logger.info("%s url=%s archive=%s", result.status, out.article.canonical_url, where)
        if kind == "extract":  # tried again on the next runs, then given up
            attempts = state.retry.get(out.offset, 0) + 1
            if attempts >= MAX_ATTEMPTS:
                state.retry.pop(out.offset, None)
                self._failure(out, where, error, "gave up", gave_up=True)
            else:
                state.retry[out.offset] = attempts
                self._failure(out, where, error, "failed", gave_up=False)
        elif kind in ("parse", "unreadable"):
            state.retry.pop(out.offset, None)
            what = "unreadable" if kind == "unreadable" else "gave up"
            self._failure(out, where if kind == "parse" else f"{where}-{out.end}", error, what, gave_up=True)
        elif kind == "file":
            self._failure(out, state.path, error, "failed", gave_up=False)
            return
        elif out.retried:
            state.retry.pop(out.offset, None)
        if not out.retried:
            state.next_offset = max(state.next_offset, out.end)
        self.progress.save(state, records=out.records, run_id=self.run_id)

    def _failure(self, out: _Outcome, where: str, error: str | None, what: str, *, gave_up: bool) -> None:
        if gave_up:
            self.summary.gave_up += 1
        else:
            self.summary.failed += 1
        url = f"{out.url} ({where})" if out.url else where
        self.summary.failures.append({"url": url, "error": error or "", "status": what})
        logger.warning("%s %s: %s", what, url, error)

    def worker_died(self, worker: int, exitcode: int | None) -> None:
        """A worker process ended without saying it was done (killed, out of memory)."""
        key = self.reading.get(worker)
        where = self.states[key].path if key else "an archive"
        self.summary.failed += 1
        self.summary.failures.append({
            "url": where, "status": "failed",
            "error": f"the worker process reading it died (exit code {exitcode}); the next run goes on from "
                     "where it stopped",
        })
        logger.error("worker %d died (exit code %s) reading %s", worker, exitcode, where)


class _Extracted:
    """The facts a worker process extracted, handed to the shared extract-and-load step."""

    def __init__(self, facts: ArticleFacts) -> None:
        self.facts = facts

    def extract(self, text: str, published: dt.datetime | dt.date | str | None = None,
                outlet: str | None = None) -> ArticleFacts:
        return self.facts


def _run_here(tasks: Sequence[_Task], writer: _Writer, filters: ImportFilters, extractor: _LazyExtractor,
              stop: Callable[[], bool], progress: ProgressCallback | None) -> None:
    """--jobs 1: read, parse and extract in this process, between the loads."""
    for task in tasks:
        for out in _task_outcomes(task, filters, extractor):
            writer.apply(out)
            if progress is not None:
                progress(writer.summary)
            if stop() or writer.full:
                return


def _run_pool(tasks: Sequence[_Task], writer: _Writer, filters: ImportFilters, *, jobs: int, use_ner: bool,
              stop: Callable[[], bool], progress: ProgressCallback | None) -> None:
    """--jobs N: N worker processes read, parse and extract; this process loads what they send."""
    ctx = multiprocessing.get_context("spawn")
    todo: Any = ctx.Queue()
    results: Any = ctx.Queue(maxsize=64 * jobs)
    for task in tasks:
        todo.put(task)
    for _ in range(jobs):
        todo.put(None)
    workers = [ctx.Process(target=_worker_main, args=(i, todo, results, filters, use_ner), daemon=True,
                           name=f"warta-warc-{i}") for i in range(jobs)]
    for w in workers:
        w.start()
    running = set(range(jobs))
    try:
        while running and not (stop() or writer.full):
            try:
                msg = results.get(timeout=0.2)
            except queue.Empty:
                for i in list(running):
                    if not workers[i].is_alive() and results.empty():
                        running.discard(i)
                        writer.worker_died(i, workers[i].exitcode)
                continue
            if isinstance(msg, _WorkerDone):
                running.discard(msg.worker)
                continue
            writer.apply(msg)
            if progress is not None:
                progress(writer.summary)
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
        for w in workers:
            w.join(10)
        todo.cancel_join_thread()
        todo.close()
        results.close()


def import_warc(
    files: Sequence[str | Path],
    db_path: str | Path,
    *,
    jobs: int = 1,
    limit: int | None = None,
    filters: ImportFilters | None = None,
    use_ner: bool = True,
    extractor: FactExtractor | None = None,
    stop: Callable[[], bool] | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import the HTML pages of WARC archives into the store at ``db_path``, resumably.

    Every file is checked (a WARC archive), and so is the store, before anything is written;
    the run then holds the store's run lock (``pipeline.ingest.RunLock``), so it never
    overlaps an ingest or another import.

    Args:
        files: ``.warc`` / ``.warc.gz`` archives (one named twice is read once).
        db_path: the knowledge store (created when missing).
        jobs: worker processes reading, parsing and extracting (one archive at a time each);
            1 does it all in this process.
        limit: stop after this many articles were loaded (the rest waits for the next run).
        filters: hosts, URL pattern and publication dates wanted.
        use_ner: the extractors made here run the statistical NER model too.
        extractor: with ``jobs`` 1, an ``extractors.Extractor`` to reuse (default: one is
            made when the first article needs it).
        stop: polled between records; True ends the run as ``interrupted``.
        progress: called after every outcome with the run's counts.

    Returns:
        The report (its ``stats`` are also saved in the ``runs`` table).

    Raises:
        ConfigError: a bad option or filter.
        ArchiveError: a file is missing or not a WARC archive.
        StoreError: the store is unreachable, not a warta store, or damaged.
        LockedError: another run holds the store's lock.
    """
    import sqlite3

    from db.archive_progress import ArchiveProgress
    from db.exceptions import StoreError
    from db.store import Store, check_store_path
    from pipeline.ingest import RunLock
    from scrapers.warc import archive_key, check_archive

    filters = filters or ImportFilters()
    if jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, got {jobs}")
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {limit}")
    filters.check()
    named: dict[str, tuple[str, int]] = {}
    for file in files:
        check_archive(file)
        named.setdefault(archive_key(file), (str(file), os.path.getsize(file)))
    check_store_path(db_path)
    user_stop = stop or (lambda: False)
    summary = RunStats(sources=[Path(p).name for p, _ in named.values()])
    with RunLock(db_path):
        store = Store(db_path)
        progress_table = ArchiveProgress(db_path)
        try:
            killed = store.mark_killed_runs(COMMAND)
            if killed:
                logger.warning("runs %s never finished (killed): marked 'killed'", killed)
            run_id = store.start_run(COMMAND)
            summary.run_id = run_id
            states = {key: progress_table.state(key, path, size) for key, (path, size) in named.items()}
            tasks = [_Task(s.path, s.key, s.next_offset, tuple(sorted(s.retry))) for s in states.values() if not s.done]
            report = ImportReport(summary, list(states.values()), already_done=len(states) - len(tasks))
            writer = _Writer(store, progress_table, states, summary, run_id, limit)
            logger.info("import-warc run=%d archives=%d to_read=%d jobs=%d db=%s", run_id, len(states), len(tasks),
                        jobs, db_path)
            try:
                if jobs <= 1 or len(tasks) <= 1:  # one archive: a worker process would only add its start-up
                    _run_here(tasks, writer, filters, _LazyExtractor(use_ner, extractor), user_stop, progress)
                elif tasks:
                    _run_pool(tasks, writer, filters, jobs=min(jobs, len(tasks)), use_ner=use_ner, stop=user_stop,
                              progress=progress)
                summary.deadline_reached = writer.full and not all(s.done for s in states.values())
                summary.status = "interrupted" if user_stop() else (
                    "partial" if summary.failed or summary.gave_up else "ok")
            except sqlite3.Error as exc:
                summary.status = "failed"
                raise StoreError(f"the store {db_path} failed during the import: {exc}") from exc
            except BaseException:
                summary.status = "interrupted" if user_stop() else "failed"
                raise
            finally:
                report.records = writer.records
                summary.duration_s = time.monotonic() - summary.started
                try:
                    store.finish_run(run_id, {**summary.as_dict(), "records": writer.records}, summary.status)
                except Exception:  # the run's own error matters more than a failed bookkeeping write
                    logger.exception("could not record the end of run %d", run_id)
        finally:
            progress_table.close()
            store.close()
    return report


def run_import_warc(files: Sequence[str | Path], db_path: str | Path, **options: Any) -> ImportReport:
    """:func:`import_warc` with SIGTERM/SIGINT turned into a clean stop after the current record."""
    from pipeline.ingest import GracefulStop

    with GracefulStop() as stop:
        return import_warc(files, db_path, stop=stop, **options)
