"""Crawling: seeds (feeds, sitemaps, listing pages, articles) in, articles and failures out.

:class:`Crawler` is deliberately sequential: one thread, one frontier queue per host, and
each step takes the host whose politeness delay (``FetchSettings.delay`` or robots.txt
Crawl-delay, see :meth:`scrapers.fetch.Fetcher.ready_at`) ends first, so hosts are
interleaved instead of waiting on one another, with no locks or thread pools to reason about.
Every outcome is logged; every URL that fails becomes a :class:`~pipeline.models.FailedFetch`
(with ``retryable`` and ``attempts``) in the output stream, and nothing a server sends ends
the crawl.

Order: per host, articles already discovered are fetched before further feeds, sitemaps and
listing pages (listing -> its articles -> next page), so ``max_pages`` is spent on articles.

Deduplication: a URL is fetched at most once per crawl (keyed by
:func:`scrapers.canonical.canonicalize`, or by :func:`scrapers.discover.strip_tracking` for
feeds, sitemaps and listing pages, whose ``page=`` matters), and an article whose
``canonical_url`` was already yielded is skipped (mirrors, rel=canonical).

Multi-page articles: :func:`fetch_article` asks the site adapter for an all-pages variant
(``?page=all``, ``?single=1``) first; otherwise it follows ``next_page_urls`` and joins the
pages with :func:`scrapers.adapters.join_pages`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pipeline.models import Article, DiscoveredLink, FailedFetch, FetchedPage, LinkKind
from scrapers.adapters import adapter_for, join_pages
from scrapers.canonical import canonicalize
from scrapers.discover import classify, discover, filter_links, in_window, site_key, strip_tracking
from scrapers.exceptions import FetchError, ParseError, WartaScraperError
from scrapers.fetch import Fetcher

logger = logging.getLogger(__name__)

__all__ = ["Crawler", "assemble_article", "failed_fetch", "fetch_article"]

#: Most pages joined into one article (a pager that never ends is cut here).
MAX_ARTICLE_PAGES = 20

FetchFn = Callable[[str], FetchedPage]


def failed_fetch(url: str, exc: BaseException) -> FailedFetch:
    """The :class:`FailedFetch` record of ``exc`` raised while handling ``url``.

    The record names ``url`` (what to retry later), not a redirect hop or robots.txt.
    """
    return FailedFetch(
        url=url,
        error=str(exc),
        kind=type(exc).__name__,
        status=getattr(exc, "status", None),
        retryable=bool(getattr(exc, "retryable", False)),
        attempts=int(getattr(exc, "attempts", 1)),
    )


def assemble_article(
    fetch: FetchFn, url: str, first: FetchedPage | None = None, *, max_pages: int = MAX_ARTICLE_PAGES
) -> tuple[Article, list[FailedFetch]]:
    """Fetch (unless ``first`` is given) and parse an article, joining its pages.

    Args:
        fetch: fetches one URL (e.g. ``lambda u: fetcher.fetch(u, conditional=False)``); the
            caller's budget or bookkeeping can wrap it.
        url: the article URL.
        first: its first page when already fetched (then only further pages are fetched).
        max_pages: most pages joined.

    Returns:
        The article and a FailedFetch for a further page that failed (the article then holds
        the pages before it).

    Raises:
        FetchError: the first page could not be fetched.
        ParseError: the first page is not an article.
    """
    failures: list[FailedFetch] = []
    if first is None:
        host_adapter = adapter_for(url)
        all_url = host_adapter.all_pages_url(url)
        if all_url and all_url != url:
            try:
                page = fetch(all_url)
                article = adapter_for(page.final_url, page.text).parse(page.text, url)
            except (FetchError, ParseError) as exc:
                logger.info("all-pages variant %s unusable (%s); fetching %s", all_url, exc, url)
            else:
                logger.debug("article %s read from its all-pages variant", url)
                return article, failures
        first = fetch(url)
    adapter = adapter_for(first.final_url, first.text)
    article = adapter.parse(first.text, first.final_url)
    host = urlsplit(first.final_url).netloc.lower()
    next_urls = []
    for next_url in adapter.next_page_urls(first.text, first.final_url):
        if urlsplit(next_url).netloc.lower() == host:
            next_urls.append(next_url)
        else:  # a pager pointing at another site would splice foreign text into the article
            logger.warning("page link %s of %s leaves the article's host; not followed", next_url, url)
    if not next_urls:
        return article, failures
    all_url = adapter.all_pages_url(first.final_url)
    if all_url and all_url not in (url, first.final_url):
        try:
            page = fetch(all_url)
            whole = adapter.parse(page.text, first.final_url)
        except (FetchError, ParseError) as exc:
            logger.info("all-pages variant %s unusable (%s); following %d pages", all_url, exc, len(next_urls))
        else:
            if len(whole.paragraphs) > len(article.paragraphs):  # not page 1 served again
                whole.pages = max(whole.pages, 1 + len(next_urls))
                return whole, failures
            logger.info("all-pages variant %s is no longer than page 1; following %d pages", all_url, len(next_urls))
    pages = [article]
    for next_url in next_urls[: max_pages - 1]:
        try:
            page = fetch(next_url)
            pages.append(adapter.parse(page.text, page.final_url))
        except (FetchError, ParseError) as exc:
            logger.warning("page %s of %s failed (%s); keeping %d pages", next_url, url, exc, len(pages))
            failures.append(failed_fetch(next_url, exc))
            break
    if len(next_urls) >= max_pages:
        logger.warning("%s has more than %d pages; joined the first %d", url, max_pages, max_pages)
    return join_pages(pages), failures


def fetch_article(fetcher: Fetcher, url: str, *, max_pages: int = MAX_ARTICLE_PAGES) -> Article:
    """Fetch and parse one article, joining all its pages.

    The adapter's all-pages variant (``?page=all``) is tried first; otherwise every page
    from ``next_page_urls`` is fetched and the pages are joined in order.

    Args:
        fetcher: the fetcher to use (politeness and limits apply).
        url: the article URL (any page of it).
        max_pages: most pages joined.

    Returns:
        The article; ``pages`` is the number of pages joined.

    Raises:
        FetchError: the first page could not be fetched.
        ParseError: it is not an article (:class:`~scrapers.exceptions.NotAnArticle`).
    """
    article, failures = assemble_article(lambda u: fetcher.fetch(u, conditional=False), url, max_pages=max_pages)
    for failure in failures:
        logger.warning("article %s is incomplete: %s failed (%s)", url, failure.url, failure.error)
    return article


@dataclass(slots=True)
class _Task:
    url: str
    kind: LinkKind | None
    """None for seeds (classified after fetching)."""
    source: str | None = None


@dataclass(slots=True)
class _HostQueue:
    """One host's frontier: articles already found go before further feeds/sitemaps/listings,
    so a page budget is spent on articles rather than on walking every index page first."""

    articles: deque[_Task] = field(default_factory=deque)
    documents: deque[_Task] = field(default_factory=deque)

    def push(self, task: _Task) -> None:
        (self.articles if task.kind == "article" else self.documents).append(task)

    def pop(self) -> _Task:
        return self.articles.popleft() if self.articles else self.documents.popleft()

    def __len__(self) -> int:
        return len(self.articles) + len(self.documents)


class Crawler:
    """Crawl seeds into a stream of articles and failed URLs.

    Args:
        fetcher: does every request (politeness, robots.txt, limits).
        max_pages: most HTTP fetches in one crawl (every page of every document counts).
        since: skip links and articles dated before this (naive = UTC).
        until: skip links and articles dated after this.
        allowed_hosts: other sites whose links may be followed; the seeds' sites always are.
            A site is a registrable domain (``tribunnews.com`` covers every regional host).
        max_article_pages: most pages joined into one article.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        max_pages: int = 200,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        allowed_hosts: Iterable[str] | None = None,
        max_article_pages: int = MAX_ARTICLE_PAGES,
    ) -> None:
        if max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {max_pages}")
        self.fetcher = fetcher
        self.max_pages = max_pages
        self.since = since
        self.until = until
        self.allowed_sites = {site_key(h if "//" in h else f"http://{h}/") for h in (allowed_hosts or ())}
        self.max_article_pages = max_article_pages
        self.pages_fetched = 0

    # ---------------------------------------------------------------- public

    def crawl(self, seeds: Iterable[str]) -> Iterator[Article | FailedFetch]:
        """Crawl from ``seeds``, yielding each new article and each failed URL.

        Args:
            seeds: feed, sitemap, listing page or article URLs, in any mix.

        Yields:
            :class:`Article` for every distinct article (by canonical URL), and
            :class:`FailedFetch` for every URL that could not be fetched, read or parsed.
        """
        self.pages_fetched = 0
        sites = set(self.allowed_sites)
        queues: dict[str, _HostQueue] = {}
        seen: set[str] = set()
        yielded: set[str] = set()

        def enqueue(task: _Task) -> None:
            key = canonicalize(task.url) if task.kind == "article" else strip_tracking(task.url)
            if key in seen:
                return
            seen.add(key)
            parts = urlsplit(task.url)
            queues.setdefault(f"{parts.scheme}://{parts.netloc}", _HostQueue()).push(task)

        for seed in seeds:
            seed = seed.strip()
            if not seed:
                continue
            try:
                usable = urlsplit(seed).scheme in ("http", "https") and bool(site_key(seed))
            except ValueError:  # "http://[::1", a port out of range
                usable = False
            if not usable:
                yield FailedFetch(url=seed, error=f"seed {seed!r} is not an http(s) URL", kind="InvalidSeed")
                continue
            sites.add(site_key(seed))
            enqueue(_Task(seed, None))

        while any(queues.values()):
            if self.pages_fetched >= self.max_pages:
                left = sum(len(q) for q in queues.values())
                logger.warning("max_pages=%d reached; %d queued URLs not fetched", self.max_pages, left)
                return
            host = min((h for h, q in queues.items() if q), key=lambda h: self.fetcher.ready_at(h + "/"))
            task = queues[host].pop()
            for item in self._process(task):
                if isinstance(item, DiscoveredLink):
                    if site_key(item.url) not in sites:
                        logger.debug("off-site link not followed: %s (from %s)", item.url, item.source)
                        continue
                    enqueue(_Task(item.url, item.kind, item.source))
                elif isinstance(item, Article):
                    if item.canonical_url in yielded:
                        logger.info("duplicate article %s (canonical %s) skipped", item.url, item.canonical_url)
                        continue
                    yielded.add(item.canonical_url)
                    seen.add(canonicalize(item.url))
                    yield item
                else:
                    yield item
        logger.info("crawl done: %d pages fetched, %d articles", self.pages_fetched, len(yielded))

    # ---------------------------------------------------------------- steps

    def _fetch(self, url: str, *, conditional: bool = True) -> FetchedPage:
        if self.pages_fetched >= self.max_pages:
            raise _BudgetExhausted(url)
        self.pages_fetched += 1
        return self.fetcher.fetch(url, conditional=conditional)

    def _process(self, task: _Task) -> Iterator[Article | FailedFetch | DiscoveredLink]:
        """Handle one queued URL; never raises for anything a server sends."""
        try:
            if task.kind == "article":
                yield from self._article(task.url, None)
                return
            page = self._fetch(task.url)
            if page.not_modified:
                logger.info("unchanged since the last crawl: %s", task.url)
                return
            kind = classify(page)
            if kind == "article":
                yield from self._article(task.url, page)
            elif kind in ("feed", "sitemap", "listing"):
                bad_links: list[FailedFetch] = []
                links = discover(page, kind, bad_links=bad_links)
                yield from bad_links  # one unusable link costs only itself
                kept = filter_links(links, self.since, self.until)
                if len(kept) < len(links):
                    logger.info("%d of %d links on %s outside the date window", len(links) - len(kept), len(links), task.url)
                yield from kept
            else:
                logger.info("not a feed, sitemap, listing or article, skipped: %s (%s)", task.url, page.content_type)
        except _BudgetExhausted:
            logger.info("max_pages reached before %s", task.url)
        except WartaScraperError as exc:
            logger.info("failed %s: %s: %s", task.url, type(exc).__name__, exc)  # the caller reports it
            yield failed_fetch(task.url, exc)
        except Exception as exc:  # a bug in a parser must not end the crawl: report it
            logger.exception("unexpected error on %s", task.url)
            yield failed_fetch(task.url, exc)

    def _article(self, url: str, first: FetchedPage | None) -> Iterator[Article | FailedFetch]:
        if first is None:
            # conditional GET of the plain URL: an unchanged article is not parsed again
            first = self._fetch(url)
            if first.not_modified:
                logger.info("article unchanged since the last crawl: %s", url)
                return
        article, failures = assemble_article(
            lambda u: self._fetch(u, conditional=False), url, first, max_pages=self.max_article_pages
        )
        yield from failures
        if not in_window(article.published, self.since, self.until):
            logger.info("article %s published %s is outside the date window", url, article.published)
            return
        logger.info("article %s (%d page(s), adapter %s)", article.canonical_url, article.pages, article.adapter)
        yield article


#: Former private name, kept for callers written against it.


class _BudgetExhausted(Exception):
    """Internal: the crawl's max_pages is used up."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url
