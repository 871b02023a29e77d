"""One article from its pages: fetch, parse, and join the pages of a multi-page article.

:func:`assemble_article` asks the site adapter for an all-pages variant (``?page=all``,
``?single=1``) first; otherwise it follows ``next_page_urls`` and joins the pages with
:func:`scrapers.adapters.join_pages`. :func:`failed_fetch` turns an error into the
:class:`~pipeline.models.FailedFetch` record a crawl reports.

The crawl loop that uses them (frontier, budgets, filters, deduplication) is
``pipeline/engine.py``, one for ``warta crawl``, ``demo`` and ``ingest``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from pipeline.models import Article, FailedFetch, FetchedPage
from scrapers.adapters import adapter_for, join_pages
from scrapers.exceptions import FetchError, ParseError
from scrapers.fetch import Fetcher

logger = logging.getLogger(__name__)

__all__ = ["MAX_ARTICLE_PAGES", "assemble_article", "failed_fetch", "fetch_article"]

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
