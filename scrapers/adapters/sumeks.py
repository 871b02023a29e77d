"""Sumeks (sumeks.co), a WordPress news site from South Sumatra.

Reported markup: ``h1.entry-title``, ``time.updated[datetime]`` / ``time.entry-date``,
body ``div.entry-content p``, categories ``a[rel~=category]``, tags ``a[rel=tag]``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from scrapers.adapters.base import Page, SiteAdapter, block_paragraphs, first, is_person_name, names_of, text_of, xp_class
from scrapers.adapters.dates import WIB, parse_iso, parse_local

logger = logging.getLogger(__name__)

_BODY_DROP = (
    ".//*[contains(@class, 'sharedaddy')] | .//*[contains(@class, 'jp-relatedposts')] | .//*[" + xp_class("wp-block-embed") + "]"
    " | .//*[contains(@class, 'related')] | .//*[starts-with(@class, 'ads')] | .//*[contains(@class, 'post-tags')]"
    " | .//*[contains(@class, 'wp-caption')]"
)


class SumeksAdapter(SiteAdapter):
    """sumeks.co (WordPress)."""

    name = "sumeks"
    hosts = ("sumeks.co", "sumeks.co.id")
    local_tz = WIB
    title_suffix = re.compile(r"\s+[-|–]\s+Sumeks(?:\.co)?(?:\s.*)?$", re.I)

    @classmethod
    def fingerprint(cls, html: str) -> bool:
        """A WordPress article page that names Sumeks."""
        return "entry-content" in html and "sumeks" in html.lower()

    def visible_title(self, page: Page) -> str | None:
        """``h1.entry-title``."""
        return text_of(first(page.doc, "//h1[" + xp_class("entry-title") + "]", "//h1")) or None

    def visible_date(self, page: Page) -> dt.datetime | None:
        """``time.entry-date[datetime]`` / ``time.published``, then any printed date."""
        t = first(page.doc, "//time[" + xp_class("entry-date") + " or " + xp_class("published") + "][@datetime]", "//time[@datetime]")
        if t is not None:
            return parse_iso(t.get("datetime")) or parse_local(text_of(t))
        return None

    def dates(self, page: Page) -> tuple[dt.datetime | None, dt.datetime | None]:
        """JSON-LD / article:published_time, then the ``time`` elements (``time.updated`` for updates)."""
        published, updated = super().dates(page)
        if updated is None:
            t = first(page.doc, "//time[" + xp_class("updated") + "][@datetime]")
            updated = parse_iso(t.get("datetime")) if t is not None else None
        return published, updated

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """The byline author (``.author a`` / ``a[rel=author]``), then JSON-LD / meta."""
        el = first(page.doc, "//*[" + xp_class("author") + "]//a", '//a[@rel="author"]')
        names = [n for n in names_of(text_of(el)) if is_person_name(n)] if el is not None else []
        if names:
            return names, None
        return super().people(page)

    def section(self, page: Page) -> str | None:
        """The first category link, else JSON-LD articleSection."""
        a = first(page.doc, '//a[contains(concat(" ", @rel, " "), " category ")]')
        return text_of(a) if a is not None and text_of(a) else super().section(page)

    def tags(self, page: Page) -> list[str]:
        """``a[rel=tag]`` links, else keywords."""
        tags = list(dict.fromkeys(text_of(a) for a in page.doc.xpath('//a[@rel="tag"]') if text_of(a)))
        return tags or super().tags(page)

    def body(self, page: Page) -> list[str]:
        """Paragraphs of ``div.entry-content`` without share/related blocks."""
        box = first(page.doc, "//div[" + xp_class("entry-content") + "]", '//*[@itemprop="articleBody"]')
        return block_paragraphs(box, _BODY_DROP) if box is not None else []
