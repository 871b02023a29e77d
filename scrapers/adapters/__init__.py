"""Site adapters: one HTML page in, one :class:`pipeline.models.Article` out.

Public API::

    adapter_for(url, html=None) -> SiteAdapter     # by host, else by markup fingerprint, else generic
    SiteAdapter.parse(html, url) -> Article        # raises NotAnArticle for non-article pages
    SiteAdapter.all_pages_url(url) -> str | None   # '?page=all' / '?single=1' where the site has it
    SiteAdapter.next_page_urls(html, url) -> list[str]
    join_pages(articles) -> Article                # pages of one article, in order
    parse_article(html, url, content_type=None, *, force=False) -> Article
    parse_file(path, url=None, *, force=False) -> Article   # a saved .html / .html.gz page
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.models import Article
from scrapers.adapters.base import SiteAdapter
from scrapers.adapters.boilerplate import BOILERPLATE_PHRASES, clean_paragraphs, contains_boilerplate
from scrapers.adapters.generic import GenericAdapter
from scrapers.encoding import decode_html
from scrapers.exceptions import NotAnArticle

logger = logging.getLogger(__name__)

__all__ = [
    "ADAPTERS",
    "BOILERPLATE_PHRASES",
    "GenericAdapter",
    "SiteAdapter",
    "adapter_for",
    "contains_boilerplate",
    "join_pages",
    "parse_article",
    "parse_file",
]

#: Dedicated adapters, most specific first; the generic adapter is the fallback.
ADAPTERS: list[SiteAdapter] = []


def _register_site_adapters() -> None:
    import importlib

    for module, cls in (
        ("tribunnews", "TribunnewsAdapter"),
        ("detik", "DetikAdapter"),
        ("kompas", "KompasAdapter"),
        ("antara", "AntaraAdapter"),
        ("sumeks", "SumeksAdapter"),
    ):
        try:
            mod = importlib.import_module(f"scrapers.adapters.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"scrapers.adapters.{module}":
                raise
            continue
        ADAPTERS.append(getattr(mod, cls)())


_register_site_adapters()
_GENERIC = GenericAdapter()
_GENERIC_FORCED = GenericAdapter(require_evidence=False)


def adapter_for(url: str, html: str | None = None) -> SiteAdapter:
    """The adapter for a page.

    Args:
        url: the page URL; its host picks the adapter (``*.tribunnews.com`` -> tribunnews).
        html: the page text; for unknown hosts (mirrors, the local demo site) the markup
            fingerprint of an outlet family picks the adapter.

    Returns:
        A dedicated adapter, or the generic one.
    """
    host = (urlsplit(url).hostname or "").lower()
    for adapter in ADAPTERS:
        if adapter.handles_host(host):
            return adapter
    if html:
        for adapter in ADAPTERS:
            if adapter.fingerprint(html):
                logger.debug("adapter %s chosen by markup for %s", adapter.name, url)
                return adapter
    return _GENERIC


def join_pages(articles: list[Article]) -> Article:
    """Join the pages of one multi-page article, in order.

    Args:
        articles: the parsed pages, first page first.

    Returns:
        The first page's article with every page's paragraphs appended (no paragraph twice)
        and ``pages`` set to the number of pages joined.

    Raises:
        ValueError: ``articles`` is empty.
    """
    if not articles:
        raise ValueError("join_pages needs at least one parsed page")
    head = articles[0]
    paragraphs: list[str] = []
    seen: set[str] = set()
    for art in articles:
        for para in art.paragraphs:
            if para not in seen:
                seen.add(para)
                paragraphs.append(para)
    tags = list(dict.fromkeys(t for a in articles for t in a.tags))
    return dataclasses.replace(
        head, paragraphs=clean_paragraphs(paragraphs), tags=tags, pages=sum(a.pages for a in articles)
    )


def parse_article(html: str | bytes, url: str, content_type: str | None = None, *, force: bool = False) -> Article:
    """Parse one saved or fetched page with the adapter that fits it.

    Args:
        html: the page; bytes are decoded with :func:`scrapers.encoding.decode_html`.
        url: the URL the page was fetched from.
        content_type: the HTTP Content-Type header, used to decode bytes.
        force: parse the page even when it does not show it is an article (a home page,
            a listing): the generic adapter skips its evidence gate, and takes over a page
            a dedicated adapter refuses.

    Returns:
        The parsed article.

    Raises:
        NotAnArticle: the page is not an article (with ``force``: it has no title or no text).
        ParseError: the page cannot be parsed.
    """
    text = decode_html(html, content_type)[0] if isinstance(html, bytes) else html
    adapter = adapter_for(url, text)
    if not force:
        return adapter.parse(text, url)
    if adapter is _GENERIC:
        return _GENERIC_FORCED.parse(text, url)
    try:
        return adapter.parse(text, url)
    except NotAnArticle as exc:
        logger.info("%s refused %s (%s); parsing it with the generic adapter as forced", adapter.name, url, exc)
        return _GENERIC_FORCED.parse(text, url)


def parse_file(path: str | Path, url: str | None = None, *, force: bool = False) -> Article:
    """Parse a saved page (``.html`` or gzipped ``.html.gz``).

    Args:
        path: the saved page.
        url: the URL it was saved from; defaults to the file's ``file://`` URL, in which case
            the adapter is chosen by markup and the canonical URL by the page's own link tags.
        force: parse it even when it does not show it is an article (see :func:`parse_article`).

    Returns:
        The parsed article.

    Raises:
        OSError: the file cannot be read (or is not valid gzip).
        ParseError: the page cannot be parsed or is not an article.
    """
    path = Path(path)
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return parse_article(data, url or path.resolve().as_uri(), force=force)
