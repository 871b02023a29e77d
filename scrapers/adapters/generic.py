"""Generic adapter for outlets without a dedicated one: structured data first, body via trafilatura.

Metadata comes from JSON-LD and meta tags (see :class:`~scrapers.adapters.base.SiteAdapter`);
the body is trafilatura's precision-oriented extraction, then our Indonesian boilerplate rules.
Trafilatura sometimes keeps teaser lists that sit beside the article ("related" blocks, sidebar
headlines); when the page has a clear main container (the element with the most paragraph text
in its own ``<p>`` children), paragraphs that do not occur inside it are dropped.
"""

from __future__ import annotations

import logging
import re
import time

import lxml.html
import trafilatura

from urllib.parse import urlsplit

from scrapers.adapters.base import Page, SiteAdapter, is_person_name, names_of
from scrapers.adapters.boilerplate import normalise_space
from scrapers.adapters.dates import date_from_url
from scrapers.exceptions import NotAnArticle

logger = logging.getLogger(__name__)

#: A body with fewer words than this is not an article (teaser, listing, error page).
MIN_WORDS = 30
#: Keep trafilatura's output unfiltered when the container check would remove more than this share.
_MAX_DROPPED_SHARE = 0.5
#: CPU seconds the main-container check may take on one page; past it trafilatura's output is kept as is.
CONTAINER_CHECK_BUDGET = 2.0


def main_container_text(doc: lxml.html.HtmlElement) -> str:
    """Text (whitespace removed) of the element whose direct ``<p>`` children hold the most text.

    One pass over the paragraphs (each ``<p>``'s text is measured once), so time grows
    linearly with the page.
    """
    totals: dict[lxml.html.HtmlElement, int] = {}
    for p in doc.iter("p"):
        parent = p.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(p.text_content())
    if not totals:
        return ""
    best = max(totals, key=totals.__getitem__)
    return _squash(best.text_content()) if totals[best] >= 400 else ""


def in_container(paragraphs: list[str], container: str, *, deadline: float) -> list[str] | None:
    """The paragraphs whose text (whitespace removed) occurs in ``container``, in order.

    Paragraphs usually come in document order, so each search starts where the previous match
    ended (linear overall); one out of order is searched from the start. Returns None when the
    thread's CPU time (``time.thread_time()``) passes ``deadline`` first (the caller keeps every
    paragraph).
    """
    kept: list[str] = []
    pos = 0
    for p in paragraphs:
        if not p:
            continue
        if time.thread_time() > deadline:
            return None
        needle = _squash(p)
        at = container.find(needle, pos)
        if at < 0:
            at = container.find(needle)
        if at >= 0:
            kept.append(p)
            pos = at + len(needle)
    return kept


def _squash(text: str) -> str:
    """Text without any whitespace, so line-break handling cannot break a substring test."""
    return "".join(normalise_space(text).split())


class GenericAdapter(SiteAdapter):
    """Any news page: JSON-LD/meta for metadata, trafilatura for the body."""

    name = "generic"

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """JSON-LD/meta authors; else "Penulis:/Pewarta:" lines; the editor from an "Editor:" line."""
        authors, editor = super().people(page)
        credits = credit_lines(page)
        if not authors:
            authors = credits.get("penulis") or credits.get("pewarta") or credits.get("reporter") or []
        if editor is None:
            editor = next((n for n in credits.get("editor", []) if n not in authors), None)
        return authors, editor

    def body(self, page: Page) -> list[str]:
        """Article body paragraphs; raises NotAnArticle for home pages, listings and stubs."""
        if not has_article_signal(page):
            raise NotAnArticle(
                f"{page.url} has no sign of being an article (no article JSON-LD, og:type, "
                "published time, <article> or dated URL): a home page or listing"
            )
        paragraphs = self.extract(page)
        words = sum(len(p.split()) for p in paragraphs)
        if words < MIN_WORDS:
            raise NotAnArticle(f"{page.url} has only {words} words of body text: not an article")
        return paragraphs

    def extract(self, page: Page) -> list[str]:
        """Body paragraphs from trafilatura (precision mode, no comments or tables), kept to the main container."""
        text = trafilatura.extract(
            page.html,
            url=page.url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            deduplicate=False,
            with_metadata=False,
        )
        paragraphs = [normalise_space(p) for p in text.split("\n")] if text else []
        if not paragraphs:  # e.g. a script-rendered page whose JSON-LD still carries the text
            body = page.article_ld.get("articleBody")
            return [normalise_space(p) for p in body.split("\n")] if isinstance(body, str) else []
        container = main_container_text(page.doc)
        if not container or not paragraphs:
            return paragraphs
        found = in_container(paragraphs, container, deadline=time.thread_time() + CONTAINER_CHECK_BUDGET)
        if found is None:
            logger.warning("main-container check over its %.0f s CPU budget on %s; keeping trafilatura output",
                           CONTAINER_CHECK_BUDGET, page.url)
            return paragraphs
        kept = found
        dropped = sum(map(len, paragraphs)) - sum(map(len, kept))
        if dropped > _MAX_DROPPED_SHARE * sum(map(len, paragraphs)):
            logger.debug("main-container check would drop %d chars on %s; keeping trafilatura output", dropped, page.url)
            return paragraphs
        return kept


_CREDIT_XPATH = (
    "//*[self::p or self::div or self::span or self::li][string-length(normalize-space(.)) < 90]"
    "[contains(., 'Editor') or contains(., 'Penulis') or contains(., 'Pewarta') or contains(., 'Reporter')]"
)
_CREDIT = re.compile(r"^(Penulis|Pewarta|Reporter|Editor)\s*:\s*([A-Z][\w.' -]{1,60})$", re.I)


def credit_lines(page: Page) -> dict[str, list[str]]:
    """Names on short credit lines ("Penulis: X", "Editor : Y"), by lower-cased label."""
    found: dict[str, list[str]] = {}
    for el in page.doc.xpath(_CREDIT_XPATH):
        m = _CREDIT.match(normalise_space(el.text_content()))
        if m:
            names = [n for n in names_of(m.group(2)) if is_person_name(n)]
            bucket = found.setdefault(m.group(1).lower(), [])
            bucket.extend(n for n in names if n not in bucket)
    return found


def has_article_signal(page: Page) -> bool:
    """True when the page declares or looks like a single article (not a home page or listing)."""
    path = urlsplit(page.url).path
    if path.strip("/") in ("", "index.html", "index.php") and not page.article_ld:
        return False
    return bool(
        page.article_ld
        or (page.m("og:type") or "").lower() == "article"
        or page.m("article:published_time")
        or page.doc.xpath('//*[@itemprop="articleBody"] | //article')
        or date_from_url(page.url)
        or date_from_url(page.m("og:url") or "")
    )
