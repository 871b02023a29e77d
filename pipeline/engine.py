"""The crawl engine: one loop for ``warta crawl``, ``warta demo`` and ``warta ingest``.

One :class:`SourceCrawl` crawls one source (a configured outlet, or the seeds given to
``warta crawl``) over a :class:`~pipeline.protocols.Frontier`: the SQLite frontier of the store
for ``ingest`` (resumable, incremental), :class:`db.frontier.MemoryFrontier` for ``crawl`` and
``demo``. Budgets, host and date filters, deduplication and the counts live here once.

Each step has three parts, so the middle one can run anywhere (this thread, a ``--jobs``
worker thread, a Dask worker on another machine, see ``pipeline/cluster.py``)::

    next_task()            coordinator: which URL next (frontier, budget, order, stop)
    visit(task, ...)       anywhere: fetch, classify, discover links / join pages, date and
                           keyword filters, extract facts; plain picklable values in and out
    apply(task, visit)     coordinator: frontier marks, the load, counts, reports

Order: the source's seeds first (feeds, sitemaps, listings: their links are compared by
publication date before any article is taken), then, per host, articles already found before
further discovery pages (listing page 1 -> its articles -> page 2), so ``max_pages`` is spent on
articles. Across hosts the one whose politeness delay ends first goes next.

Budget: ``max_pages`` counts every HTTP request the crawl makes (every page of every
document); discovery pages found on other discovery pages (sitemap children, listing pages)
may use at most half of it, so a huge sitemap index never starves the articles.

Deduplication: a discovery page is fetched once per run (keyed by
:func:`scrapers.discover.strip_tracking`, which keeps ``page=``), an article URL once (the
frontier is keyed by :func:`scrapers.canonical.canonicalize`), and an article whose
``canonical_url`` was already stored in this run is skipped (mirrors, rel=canonical).

An article's frontier URL is marked done only after its load has committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pipeline.config import keyword_match
from pipeline.load import is_store_failure
from pipeline.models import Article, DiscoveredLink, FailedFetch, LinkKind
from pipeline.stats import UNUSABLE_LINK, ProgressCallback, RunStats

if TYPE_CHECKING:
    from db.frontier import FrontierEntry
    from pipeline.config import Source
    from pipeline.models import ArticleFacts, FetchedPage
    from pipeline.protocols import FactExtractor, Frontier, PageFetcher

logger = logging.getLogger(__name__)

__all__ = [
    "DEFERRED", "CrawlRules", "Crawler", "DateWindow", "Deliver", "SourceCrawl", "Task", "Visit", "visit",
]

#: Skip reason of URLs whose host asked for a long pause (Retry-After): they wait for a later run.
DEFERRED = "host asked to wait (Retry-After)"

#: Discovery link kinds followed as discovery pages.
NAV_KINDS = ("feed", "sitemap", "listing")

#: Stores an article with its facts; returns what the load did (``inserted``, ``updated``,
#: ``unchanged``), or None when the article is only handed on (``Crawler``).
Deliver = Callable[[Article, "ArticleFacts | None"], "str | None"]


# --------------------------------------------------------------------------- rules


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class DateWindow:
    """Publication dates a crawl keeps: ``[since, until]``, either bound optional.

    A bound that is a ``datetime`` is an instant (naive = UTC); a ``date`` is a day, compared
    with the day of the article in its own time zone (the outlet's). Undated items are inside.
    """

    since: dt.date | dt.datetime | None = None
    until: dt.date | dt.datetime | None = None

    def reason(self, published: dt.datetime | None, *, margin_days: int = 0, check_until: bool = True) -> str | None:
        """The skip reason when ``published`` is outside the window (by more than the margin), else None."""
        if published is None:
            return None
        margin = dt.timedelta(days=margin_days)
        if self.since is not None and _before(published, self.since, margin):
            return "published before --since"
        if check_until and self.until is not None and _before(self.until, published, margin):
            return "published after --until"
        return None

    def link_reason(self, link: DiscoveredLink) -> str | None:
        """The skip reason of a discovered link, with a day of margin (feeds restate times in UTC;
        the article itself decides). A sitemap's or feed's date says when it last changed,
        nothing about ``until``."""
        return self.reason(link.published, margin_days=1, check_until=link.kind not in ("sitemap", "feed"))


def _before(a: dt.date | dt.datetime, b: dt.date | dt.datetime, margin: dt.timedelta) -> bool:
    """True when ``a`` is before ``b`` by more than ``margin``; a plain date compares days."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return _aware(a) + margin < _aware(b)
    day_a = a.date() if isinstance(a, dt.datetime) else a
    day_b = b.date() if isinstance(b, dt.datetime) else b
    return day_a + margin < day_b


@dataclass(frozen=True, slots=True)
class CrawlRules:
    """What one source's crawl follows and keeps: plain values, sent along to remote workers.

    Args:
        name: the source name (the frontier's partition).
        seeds: ``(url, kind)`` of the discovery pages to start from; kind None for a URL of any
            kind (``warta crawl``), classified once fetched.
        hosts: hosts whose links are followed.
        sites: registrable domains whose links are followed (every host of each).
        window: publication dates kept.
        keywords: keep only articles naming one of these.
        max_pages: most HTTP requests in one run.
        max_article_pages: most pages joined into one article (None: ``scrapers.crawl.MAX_ARTICLE_PAGES``).
        max_attempts, retry_backoff_s: a failing URL is retried on later runs, the wait doubling,
            and given up after this many attempts.
        revisit_after_s, revisit_window_s: see :meth:`db.frontier.Frontier.add_many`.
        remembered_validators: ask conditionally with the fetcher's own remembered validators when
            the frontier has none (``crawl``, whose frontier lives one run).
    """

    name: str
    seeds: tuple[tuple[str, LinkKind | None], ...]
    hosts: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    window: DateWindow = DateWindow()
    keywords: tuple[str, ...] = ()
    max_pages: int = 200
    max_article_pages: int | None = None
    max_attempts: int = 5
    retry_backoff_s: float = 3600.0
    revisit_after_s: float | None = None
    revisit_window_s: float = 0.0
    remembered_validators: bool = False

    def __post_init__(self) -> None:
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {self.max_pages}")

    @classmethod
    def from_source(cls, source: Source, window: DateWindow = DateWindow()) -> CrawlRules:
        """The rules of one configured ``sources.toml`` source."""
        s = source.settings
        return cls(
            name=source.name, seeds=tuple((url, kind) for url, kind in source.seeds), hosts=source.hosts,  # type: ignore[misc]
            window=window, keywords=s.keywords, max_pages=s.max_pages, max_attempts=s.max_attempts,
            retry_backoff_s=s.retry_backoff_minutes * 60,
            revisit_after_s=s.revisit_after_hours * 3600 if s.revisit_window_days else None,
            revisit_window_s=s.revisit_window_days * 86400,
        )

    @classmethod
    def for_seeds(
        cls, seeds: Iterable[str], *, name: str = "crawl", allowed_hosts: Iterable[str] = (),
        window: DateWindow = DateWindow(), max_pages: int = 200, max_article_pages: int | None = None,
    ) -> CrawlRules:
        """The rules of ``warta crawl``: URLs of any kind; links followed on the seeds' sites and
        ``allowed_hosts`` (a site is a registrable domain: ``tribunnews.com`` covers every regional host)."""
        from scrapers.discover import site_key

        seeds = list(seeds)
        sites = {site_key(u) for u in seeds} | {site_key(h if "//" in h else f"http://{h}/") for h in allowed_hosts}
        return cls(name=name, seeds=tuple((u, None) for u in seeds), sites=frozenset(sites), window=window,
                   max_pages=max_pages, max_article_pages=max_article_pages, remembered_validators=True)

    def in_scope(self, url: str) -> bool:
        """True when links to ``url`` are followed."""
        host = (urlsplit(url).hostname or "").lower()
        if host in self.hosts:
            return True
        if not self.sites:
            return False
        from scrapers.discover import site_key

        return site_key(url) in self.sites

    def wants(self, title: str, text: str) -> bool:
        """True when the article passes the keyword filter."""
        return keyword_match(self.keywords, title, text)


# --------------------------------------------------------------------------- one step


@dataclass(slots=True)
class Task:
    """One URL to visit."""

    url: str
    """The URL to fetch."""
    kind: LinkKind | None
    """``article``, a discovery kind, or None (classified once fetched)."""
    key: str
    """The frontier key: the canonical URL of an article, the URL of a discovery page."""
    seed: bool = False
    """A discovery page the source starts from (a configured one must list links)."""
    etag: str | None = None
    last_modified: str | None = None
    conditional: bool = False
    budget: int = 1
    """Requests this visit may make."""

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


@dataclass(slots=True)
class Visit:
    """What visiting one task found: plain values, picklable, applied by the coordinator."""

    outcome: str = "failed"
    """``links`` (a discovery page read), ``article``, ``not_modified``, ``skipped``, ``outside``
    (date window), ``deferred`` (Retry-After), ``failed`` or ``budget`` (max_pages used up)."""
    requests: int = 0
    """HTTP requests made (the budget they used)."""
    fetched: int = 0
    """Of them, pages answered in full."""
    page_kind: str | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    links: list[DiscoveredLink] = field(default_factory=list)
    bad_links: list[FailedFetch] = field(default_factory=list)
    article: Article | None = None
    facts: ArticleFacts | None = None
    reason: str | None = None
    failure: FailedFetch | None = None
    page_failures: list[FailedFetch] = field(default_factory=list)
    """Further pages of an article that failed (the article holds the pages before)."""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    host_delay: float = 0.0
    """Seconds the fetcher keeps between requests to this host (delay or Crawl-delay)."""
    worker: str | None = None
    """Where the visit ran (``--cluster``)."""
    version: str | None = None
    """The warta version that ran it (``--cluster``)."""

    def timed(self, stage: str, t0: float) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - t0


class _BudgetExhausted(Exception):
    """Internal: the task's request budget is used up."""


def visit(
    task: Task, rules: CrawlRules, fetcher: PageFetcher, extractor: FactExtractor | None = None
) -> Visit:
    """Fetch one task's URL and make of it what it is; never raises for anything a server sends.

    Args:
        task: the URL, its kind and validators, and its request budget.
        rules: the source's date window and keywords.
        fetcher: makes every request (politeness, robots.txt, limits).
        extractor: makes the facts of a kept article (None: articles are handed on without facts).

    Returns:
        The :class:`Visit`, for :meth:`SourceCrawl.apply`.
    """
    from scrapers.crawl import assemble_article, failed_fetch
    from scrapers.discover import classify, discover
    from scrapers.exceptions import DiscoveryError, FetchError, HostDeferred, NotAnArticle, WartaScraperError

    out = Visit()

    def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None,
              conditional: bool = False) -> FetchedPage:
        if out.requests >= task.budget:
            raise _BudgetExhausted(url)
        out.requests += 1
        t0 = time.perf_counter()
        try:
            page = fetcher.fetch(url, etag=etag, last_modified=last_modified, conditional=conditional)
        finally:
            out.timed("fetch", t0)
        if not page.not_modified:
            out.fetched += 1
        return page

    try:
        page = fetch(task.url, etag=task.etag, last_modified=task.last_modified, conditional=task.conditional)
        if page.not_modified:
            out.outcome = "not_modified"
            return out
        out.final_url, out.etag, out.last_modified = page.final_url, page.etag, page.last_modified
        if not task.is_article:
            t0 = time.perf_counter()
            out.page_kind = classify(page)
            if out.page_kind != "article" or task.kind is not None:
                out.links = discover(page, out.page_kind, bad_links=out.bad_links) if out.page_kind in NAV_KINDS else []
                out.outcome = "links"
                out.timed("discover", t0)
                return out
        t0 = time.perf_counter()
        pages = {"max_pages": rules.max_article_pages} if rules.max_article_pages else {}
        article, out.page_failures = assemble_article(lambda u: fetch(u), task.url, page, **pages)
        out.timed("parse", t0)
    except _BudgetExhausted:
        out.outcome = "budget"
        return out
    except HostDeferred as exc:
        out.outcome, out.failure = "deferred", failed_fetch(task.url, exc)
        return out
    except NotAnArticle as exc:
        out.outcome, out.reason, out.failure = "skipped", "not an article", failed_fetch(task.url, exc)
        return out
    except (FetchError, DiscoveryError, WartaScraperError) as exc:
        out.failure = failed_fetch(task.url, exc)
        return out
    except Exception as exc:  # a value no parser expected (a date in year 9999 ...): this URL only
        logger.exception("reading failed url=%s", task.url)
        out.failure = failed_fetch(task.url, exc)
        return out
    reason = rules.window.reason(article.published)
    if reason:
        out.outcome, out.reason = "outside", reason
        return out
    if not rules.wants(article.title, article.text):
        out.outcome, out.reason = "skipped", "keyword filter"
        return out
    out.outcome, out.article = "article", article
    if extractor is not None:
        t0 = time.perf_counter()
        try:
            out.facts = extractor.extract(article.text, article.published, article.outlet)
        except Exception as exc:  # an extractor bug must not stop a run; logged in full
            logger.error("extraction failed url=%s", task.url, exc_info=exc)
            out.outcome, out.article = "failed", None
            out.failure = FailedFetch(task.url, f"{exc}", type(exc).__name__, retryable=True)
        out.timed("extract", t0)
    return out


# --------------------------------------------------------------------------- the loop


class SourceCrawl:
    """Crawl one source over a frontier: :meth:`next_task`, :func:`visit`, :meth:`apply`.

    Args:
        rules: what to follow and keep.
        frontier: which article URLs are due and what became of each.
        deliver: stores a kept article (the store's load, or a hand-over).
        stats: receives the counts (shared by the sources of one run).
        run_id: the ``runs`` row of this run.
        stop: polled before each task; True ends the crawl.
        progress: called after each task.
        clock: epoch seconds, for the frontier's retry times.
        on_failure: also told of every URL that could not be fetched, read or parsed.
        ready_at: ``time.monotonic()`` time a host (``scheme://netloc/``) may be asked again,
            to take the host that is ready first; None takes hosts in the order found.
        apply_via: runs :meth:`apply` in :meth:`step` (``--jobs``: on the coordinator's thread, so a
            page's load and frontier marks are one hand-over, not one each); None runs it here.
    """

    def __init__(
        self,
        rules: CrawlRules,
        *,
        frontier: Frontier,
        deliver: Deliver,
        stats: RunStats,
        run_id: int | None = None,
        stop: Callable[[], bool] = lambda: False,
        progress: ProgressCallback | None = None,
        clock: Callable[[], float] = time.time,
        on_failure: Callable[[FailedFetch], None] | None = None,
        ready_at: Callable[[str], float] | None = None,
        apply_via: Callable[[Callable[[Task, Visit], None], Task, Visit], None] | None = None,
    ) -> None:
        from scrapers.discover import strip_tracking

        self.rules = rules
        self.frontier = frontier
        self.deliver = deliver
        self.stats = stats
        self.run_id = run_id
        self.stop = stop
        self.progress = progress
        self.clock = clock
        self.on_failure = on_failure
        self.ready_at = ready_at
        self.apply_via = apply_via
        self.budget = rules.max_pages
        self._nav_budget = max(len(rules.seeds), rules.max_pages // 2)
        self._seeds = deque(Task(url, kind, strip_tracking(url), seed=True) for url, kind in rules.seeds)
        self._children: dict[str, deque[Task]] = {}
        self._articles: dict[str, deque[FrontierEntry]] = {}
        self._visited: set[str] = set()
        self._stored: set[str] = set()
        self._stale = True
        self._more = False
        self._ended = False

    # -- choosing ---------------------------------------------------------------------

    def next_task(self) -> Task | None:
        """The next URL to visit, or None when the source is done (or stopped, or out of budget)."""
        if self._ended or self.stop():
            return None
        while True:
            if self.budget <= 0:
                self._end_of_budget()
                return None
            if self._seeds:
                task = self._seeds.popleft()
                if task.key in self._visited:
                    continue
                return self._nav(task)
            if self._stale or (self._more and not any(self._articles.values())):
                self._refill()
            hosts = [h for h in {**self._articles, **self._children} if self._articles.get(h) or self._children.get(h)]
            if not hosts:
                return None
            ready_at = self.ready_at
            host = min(hosts, key=lambda h: ready_at(h + "/")) if ready_at is not None else hosts[0]
            if self._articles.get(host):
                entry = self._articles[host].popleft()
                conditional = bool(entry.etag or entry.last_modified) or self.rules.remembered_validators
                return Task(entry.fetch_url, "article", entry.url, etag=entry.etag,
                            last_modified=entry.last_modified, conditional=conditional, budget=self.budget)
            task = self._children[host].popleft()
            if task.key in self._visited:
                continue
            if self._nav_budget <= 0:
                left = sum(len(q) for q in self._children.values()) + 1
                logger.info("source=%s: discovery pages may use half of max_pages=%d; %d not fetched",
                            self.rules.name, self.rules.max_pages, left)
                self._children.clear()
                continue
            return self._nav(task)

    def _nav(self, task: Task) -> Task:
        self._visited.add(task.key)
        self._nav_budget -= 1
        task.etag, task.last_modified = self.frontier.feed_validators(task.url)
        task.conditional = bool(task.etag or task.last_modified) or self.rules.remembered_validators
        task.budget = self.budget
        return task

    def _refill(self) -> None:
        limit = 200
        entries = self.frontier.due(self.rules.name, now=self.clock(), limit=limit, run_id=self.run_id)
        self._articles = {}
        for entry in entries:
            self._articles.setdefault(_origin(entry.fetch_url), deque()).append(entry)
        self._stale, self._more = False, len(entries) >= limit

    def _end_of_budget(self) -> None:
        left = sum(len(q) for q in self._articles.values()) + sum(len(q) for q in self._children.values())
        left += len(self._seeds)
        if left:
            logger.warning("max_pages=%d reached; %d queued URLs not fetched", self.rules.max_pages, left)
        self._ended = True

    # -- running here -------------------------------------------------------------------

    def step(self, fetcher: PageFetcher, extractor: FactExtractor | None) -> bool:
        """Visit the next task on this thread; False when the source is done."""
        task = self.next_task()
        if task is None:
            return False
        result = visit(task, self.rules, fetcher, extractor)
        if self.apply_via is None:
            self.apply(task, result)
        else:
            self.apply_via(self.apply, task, result)
        return True

    def run(self, fetcher: PageFetcher, extractor: FactExtractor | None) -> None:
        """Crawl the whole source on this thread."""
        while self.step(fetcher, extractor):
            pass

    # -- applying -------------------------------------------------------------------------

    def apply(self, task: Task, result: Visit) -> None:
        """Record what a visit found: frontier, store (through ``deliver``), counts, reports.

        Raises:
            StoreError, sqlite3.Error: the store itself failed (the run stops).
        """
        self.budget -= result.requests
        self.stats.pages_fetched += result.fetched
        for stage, seconds in result.stage_seconds.items():
            self.stats.stage_seconds[stage] = self.stats.stage_seconds.get(stage, 0.0) + seconds
        for failure in result.page_failures:
            logger.warning("incomplete article url=%s page=%s error=%s", task.url, failure.url, failure.error)
            self._report(failure)
        if result.outcome == "budget":
            logger.info("max_pages reached before %s", task.url)
            self._end_of_budget()
        elif result.outcome == "deferred":
            if task.is_article:
                self.frontier.mark_tried(task.key, run_id=self.run_id)
            self.stats.skipped[DEFERRED] += 1
            logger.info("deferred source=%s url=%s: %s", self.rules.name, task.url,
                        result.failure.error if result.failure else "")
            self._report(result.failure)
        elif task.is_article or result.outcome not in ("links", "not_modified", "failed"):
            self._apply_article(task, result)
        else:
            self._apply_nav(task, result)
        if self.progress is not None:
            self.progress(self.stats)

    def _report(self, failure: FailedFetch | None) -> None:
        if failure is not None and self.on_failure is not None:
            self.on_failure(failure)

    def _failure_record(self, failure: FailedFetch, status: str, **extra: object) -> None:
        self.stats.failures.append({
            "url": failure.url, "error": f"{failure.kind}: {failure.error}", "error_kind": failure.kind,
            "source": self.rules.name, "status": status, "http_status": failure.status, **extra,
        })

    # discovery pages

    def _apply_nav(self, task: Task, result: Visit) -> None:
        name = self.rules.name
        kind = task.kind or result.page_kind or "unknown"
        if result.outcome == "not_modified":
            self.stats.not_modified += 1
            self.frontier.feed_ok(task.url, source=name, kind=kind, now=self.clock())
            logger.info("unchanged since the last crawl: source=%s url=%s", name, task.url)
            return
        if result.outcome == "failed":
            assert result.failure is not None
            self._feed_failed(task, kind, result.failure)
            return
        for bad in result.bad_links:  # the document's other links are still used
            self.stats.skipped[UNUSABLE_LINK] += 1
            self._failure_record(bad, "skipped")
            self._report(bad)
        if not result.links:
            if task.seed and task.kind is not None:  # a news feed never lists nothing: it moved
                self._feed_failed(task, kind, FailedFetch(
                    task.url, f"no links found on {result.final_url}: check the URL in the config", "NoLinks"))
            else:
                logger.info("nothing to follow on %s (%s)", task.url, result.page_kind)
                self.frontier.feed_ok(task.url, source=name, kind=kind, etag=result.etag,
                                      last_modified=result.last_modified, now=self.clock())
            return
        from scrapers.canonical import canonicalize
        from scrapers.discover import strip_tracking

        articles: list[tuple[str, str, str | None]] = []
        for link in result.links:
            if not self.rules.in_scope(link.url):
                if link.kind == "article":
                    self.stats.skipped["other host"] += 1
                logger.debug("off-site link not followed: %s (from %s)", link.url, task.url)
                continue
            reason = self.rules.window.link_reason(link)
            if link.kind in NAV_KINDS:
                key = strip_tracking(link.url)
                if not reason and key not in self._visited:
                    self._children.setdefault(_origin(link.url), deque()).append(Task(link.url, link.kind, key))
                continue
            if link.kind != "article":
                continue
            if reason:
                self.stats.skipped[reason] += 1
                continue
            published = link.published.isoformat() if link.published else None
            articles.append((canonicalize(link.url), link.url, published))
        outcome = self.frontier.add_many(
            articles, source=name, now=self.clock(), revisit_after_s=self.rules.revisit_after_s,
            revisit_window_s=self.rules.revisit_window_s,
        )
        new = sum(1 for v in outcome.values() if v == "new")
        revisits = sum(1 for v in outcome.values() if v == "revisit")
        self.stats.discovered += new
        self.stats.revisits += revisits
        self._stale = self._stale or bool(new or revisits)
        # Validators only after the links are committed: a kill in between refetches the page.
        self.frontier.feed_ok(task.url, source=name, kind=kind, etag=result.etag,
                              last_modified=result.last_modified, now=self.clock())
        logger.info("discovered source=%s url=%s links=%d new=%d revisits=%d",
                    name, task.url, len(result.links), new, revisits)

    def _feed_failed(self, task: Task, kind: str, failure: FailedFetch) -> None:
        runs = self.frontier.feed_failed(task.url, f"{failure.kind}: {failure.error}", source=self.rules.name,
                                         kind=kind, now=self.clock())
        self.stats.feeds_failed += 1
        self._failure_record(failure, "feed failed", kind=kind)
        self._report(failure)
        logger.warning("feed failed source=%s url=%s runs_in_a_row=%d error=%s: %s",
                       self.rules.name, task.url, runs, failure.kind, failure.error)

    # articles

    def _apply_article(self, task: Task, result: Visit) -> None:
        key = task.key
        if not task.is_article:  # a seed that turned out to be an article
            from scrapers.canonical import canonicalize

            key = canonicalize(task.url)
        outcome = result.outcome
        if outcome == "not_modified":
            self.stats.not_modified += 1
            self.frontier.mark_done(key, run_id=self.run_id, now=self.clock())
            logger.info("unchanged since the last crawl: url=%s", task.url)
        elif outcome == "outside":  # a property of this run, not of the URL: pending for runs without it
            self.frontier.mark_tried(key, run_id=self.run_id)
            self.stats.skipped[result.reason or "date window"] += 1
            logger.info("skipped url=%s reason=%r", task.url, result.reason)
        elif outcome == "skipped":
            self._skip(key, task.url, result.reason or "skipped")
            self._report(result.failure)
        elif outcome == "failed":
            assert result.failure is not None
            self._failed(key, result.failure)
        elif outcome == "article":
            assert result.article is not None
            self._store(task, key, result)

    def _store(self, task: Task, key: str, result: Visit) -> None:
        article = result.article
        assert article is not None
        if article.canonical_url in self._stored:
            logger.info("duplicate article %s (canonical %s) skipped", task.url, article.canonical_url)
            self._skip(key, task.url, "duplicate article")
            return
        t0 = time.perf_counter()
        try:
            status = self.deliver(article, result.facts)
        except Exception as exc:
            if is_store_failure(exc):
                raise
            logger.error("load failed url=%s", task.url, exc_info=exc)
            self._failed(key, FailedFetch(task.url, str(exc), type(exc).__name__, retryable=True))
            return
        finally:
            self.stats.stage_seconds["load"] = self.stats.stage_seconds.get("load", 0.0) + time.perf_counter() - t0
        self._stored.add(article.canonical_url)
        # The load has committed; marking done afterwards is idempotent (a kill here reloads as unchanged).
        self.frontier.mark_done(key, etag=result.etag, last_modified=result.last_modified,
                                article_url=article.canonical_url, run_id=self.run_id, now=self.clock())
        self.stats.parsed += 1
        if status is not None:
            setattr(self.stats, status, getattr(self.stats, status) + 1)
            if status != "unchanged" and result.facts is not None:
                self.stats.facts.update(result.facts.counts())
        facts = sum(result.facts.counts().values()) if result.facts is not None else 0
        logger.info("%s url=%s (%d page(s), adapter %s) facts=%d", status or "article", article.canonical_url,
                    article.pages, article.adapter, facts)

    def _skip(self, key: str, url: str, reason: str) -> None:
        self.frontier.mark_skipped(key, reason, run_id=self.run_id, now=self.clock())
        self.stats.skipped[reason] += 1
        logger.info("skipped url=%s reason=%r", url, reason)

    def _failed(self, key: str, failure: FailedFetch) -> None:
        error = f"{failure.kind}: {failure.error}"
        status = self.frontier.mark_failed(
            key, error, retryable=failure.retryable, max_attempts=self.rules.max_attempts,
            backoff_s=self.rules.retry_backoff_s, run_id=self.run_id, now=self.clock(),
        )
        if status == "gave_up":
            self.stats.gave_up += 1
        else:
            self.stats.failed += 1
        self._failure_record(failure, status)
        self._report(failure)
        logger.warning("fetch failed url=%s status=%s error=%s", failure.url, status, error)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


# --------------------------------------------------------------------------- crawl without a store


class Crawler:
    """Crawl seeds into a stream of articles and failed URLs (no store, no extraction).

    The engine with an in-memory frontier: every article it keeps is yielded, every URL that
    could not be fetched, read or parsed is yielded as a :class:`FailedFetch`.

    Args:
        fetcher: does every request (politeness, robots.txt, limits).
        max_pages: most HTTP requests in one crawl (every page of every document counts).
        since: skip links and articles dated before this (naive = UTC).
        until: skip links and articles dated after this.
        allowed_hosts: other sites whose links may be followed; the seeds' sites always are.
        max_article_pages: most pages joined into one article (None: ``scrapers.crawl.MAX_ARTICLE_PAGES``).
    """

    def __init__(
        self,
        fetcher: PageFetcher,
        *,
        max_pages: int = 200,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        allowed_hosts: Iterable[str] | None = None,
        max_article_pages: int | None = None,
    ) -> None:
        if max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {max_pages}")
        self.fetcher = fetcher
        self.max_pages = max_pages
        self.window = DateWindow(since, until)
        self.allowed_hosts = list(allowed_hosts or ())
        self.max_article_pages = max_article_pages
        self.pages_fetched = 0
        """HTTP requests made by the last crawl."""
        self.stats = RunStats()
        """Counts of the last crawl."""

    def crawl(self, seeds: Iterable[str]) -> Iterable[Article | FailedFetch]:
        """Crawl from ``seeds``, yielding each new article and each failed URL.

        Args:
            seeds: feed, sitemap, listing page or article URLs, in any mix.

        Yields:
            :class:`Article` for every distinct article (by canonical URL), and
            :class:`FailedFetch` for every URL that could not be fetched, read or parsed.
        """
        from db.frontier import MemoryFrontier

        self.pages_fetched = 0
        self.stats = RunStats()
        usable = []
        for seed in (s.strip() for s in seeds):
            if not seed:
                continue
            if usable_url(seed):
                usable.append(seed)
            else:
                yield FailedFetch(url=seed, error=f"seed {seed!r} is not an http(s) URL", kind="InvalidSeed")
        if not usable:
            return
        out: deque[Article | FailedFetch] = deque()

        def hand_on(article: Article, facts: ArticleFacts | None) -> None:
            out.append(article)

        rules = CrawlRules.for_seeds(usable, allowed_hosts=self.allowed_hosts, window=self.window,
                                     max_pages=self.max_pages, max_article_pages=self.max_article_pages)
        engine = SourceCrawl(rules, frontier=MemoryFrontier(), deliver=hand_on, stats=self.stats,
                             on_failure=out.append, ready_at=getattr(self.fetcher, "ready_at", None))
        while engine.step(self.fetcher, None):
            self.pages_fetched = self.max_pages - engine.budget
            while out:
                yield out.popleft()
        self.pages_fetched = self.max_pages - engine.budget
        yield from out
        logger.info("crawl done: %d requests, %d articles", self.pages_fetched, self.stats.parsed)


def usable_url(url: str) -> bool:
    """An http(s) URL with a host and a valid port ("http://[::1" and port 99999999 are not)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
