"""Kompas.com network (www., nasional., regional., bola., money. ... kompas.com).

Current layout: ``h1.read__title``; ``div.read__time`` "Kompas.com - 02/11/2023, 21:34 WIB"
(day/month/year); ``meta[name=content_author]`` is the writer while the JSON-LD ``author`` is the
editor; ``article:published_time`` is UTC; body ``div.read__content``. The 2015 layout (seen):
``div.kcm-read-content-top h2`` title, "Rabu, 17 Juni 2015 | 22:26 WIB", body
``span.kcmread1114 p`` with ``<br><br>`` breaks, a "Penulis / Editor" table.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.adapters.base import (
    Page,
    SiteAdapter,
    block_paragraphs,
    first,
    is_person_name,
    names_of,
    pager_urls,
    text_of,
    xp_class,
)
from scrapers.adapters.dates import WIB, parse_iso, parse_local

logger = logging.getLogger(__name__)

_BODY_DROP = (
    ".//*[" + xp_class("inner-link-baca-juga") + "] | .//*[" + xp_class("kcm-read-terkait") + "]"
    " | .//*[starts-with(@class, 'ads')] | .//*[contains(@class, 'ads-on-body')] | .//*[" + xp_class("photo") + "]"
    " | .//*[" + xp_class("read__paging") + "] | .//*[" + xp_class("paging__wrap") + "] | .//*[contains(@class, 'comment')]"
    " | .//*[" + xp_class("kompasidRec") + "] | .//*[" + xp_class("video") + "]"
)
_CREDIT = re.compile(r"^\s*(Penulis|Editor|Kontributor|Penyunting)\s*:?\s*:?\s*(.+)$", re.I)


class KompasAdapter(SiteAdapter):
    """All kompas.com channels (current and 2015 layouts)."""

    name = "kompas"
    hosts = ("kompas.com",)
    local_tz = WIB
    title_suffix = re.compile(r"\s+[-|]\s+Kompas\.com(?:\s+\w+)?$", re.I)

    @classmethod
    def fingerprint(cls, html: str) -> bool:
        """Kompas markup: ``read__content`` / ``read__time`` or the 2015 ``kcm-read`` blocks."""
        return ("read__content" in html and "read__title" in html) or "kcm-read-content-text" in html

    def all_pages_url(self, url: str) -> str | None:
        """The same article with ``?page=all``."""
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", "all")]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    def next_page_urls(self, html: str, url: str) -> list[str]:
        """Links of the ``read__paging`` pager after the current page (``?page=2`` ...)."""
        return pager_urls(Page.from_html(html, url), "//div[" + xp_class("read__paging") + " or " + xp_class("paging__wrap") + "]")

    def visible_title(self, page: Page) -> str | None:
        """``h1.read__title`` (2015: the h2 of ``kcm-read-content-top``)."""
        return text_of(first(page.doc, "//h1[" + xp_class("read__title") + "]", "//div[" + xp_class("kcm-read-content-top") + "]/h2")) or None

    def dates(self, page: Page) -> tuple[dt.datetime | None, dt.datetime | None]:
        """JSON-LD, then ``div.read__time`` (day/month/year, WIB), then UTC meta shown in WIB."""
        published = parse_iso(_first_str(page.ld_value("datePublished")))
        updated = parse_iso(_first_str(page.ld_value("dateModified")))
        if published is None:
            published = self.visible_date(page)
        if published is None:
            published = parse_iso(page.m("article:published_time", "content_publishdate"))
            if published is not None and published.tzinfo is not None:
                published = published.astimezone(WIB)  # the meta value is UTC; Kompas writes WIB
        if updated is None:
            updated = parse_iso(page.m("article:modified_time"))
            if updated is not None and updated.tzinfo is not None:
                updated = updated.astimezone(WIB)
        if published is None:
            published, _ = super().dates(page)
        return published, updated

    def visible_date(self, page: Page) -> dt.datetime | None:
        """``div.read__time`` "Kompas.com - 02/11/2023, 21:34 WIB" or the 2015 date line."""
        el = first(page.doc, "//div[" + xp_class("read__time") + "]",
                   "//div[" + xp_class("kcm-read-content-top") + "]/div[" + xp_class("grey") + "]")
        if el is None:
            return None
        text = re.sub(r"^.*?\s-\s", "", text_of(el)).replace("|", " ")
        text = re.sub(r"\s*Diperbarui.*$", "", text)
        return parse_local(text)

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """Writer from ``content_author`` or the credit lines; editor from credits, else JSON-LD author."""
        credits: dict[str, list[str]] = {}
        for el in page.doc.xpath("//div[" + xp_class("read__credit__item") + "] | //*[" + xp_class("kcm-read-copy") + "]//tr"):
            m = _CREDIT.match(text_of(el))
            if m:
                credits.setdefault(m.group(1).lower(), []).extend(names_of(m.group(2).lstrip(": ")))
        authors = [n for n in names_of(page.m("content_author")) if is_person_name(n)]
        authors = authors or credits.get("penulis", []) or credits.get("kontributor", [])
        editor_names = (
            names_of(page.m("content_editor")) or credits.get("editor", []) or credits.get("penyunting", [])
            or [n for n in names_of(page.ld_value("author")) if is_person_name(n)]
        )
        editor = editor_names[0] if editor_names else None
        return [a for a in authors if a != editor], editor

    def section(self, page: Page) -> str | None:
        """``content_category`` / JSON-LD articleSection, else the last breadcrumb."""
        value = page.m("content_category") or super().section(page)
        if value:
            return value
        crumbs = [text_of(a) for a in page.doc.xpath("//*[contains(@class, 'breadcrump') or contains(@class, 'breadcrumb')]//a")]
        crumbs = [c for c in crumbs if c and c.lower() not in ("home", "kompas.com")]
        return crumbs[-1] if crumbs else None

    def tags(self, page: Page) -> list[str]:
        """``content_tag`` meta or the tag list, else keywords."""
        raw = page.m("content_tag")
        tags = [t.strip() for t in raw.split(",")] if raw else [text_of(a) for a in page.doc.xpath("//*[" + xp_class("tag__article__link") + "]")]
        tags = list(dict.fromkeys(t for t in tags if t))
        return tags or super().tags(page)

    def body(self, page: Page) -> list[str]:
        """Paragraphs of ``div.read__content`` (2015: ``span.kcmread*``) without inserts and widgets."""
        box = first(page.doc, "//div[" + xp_class("read__content") + "]", "//span[starts-with(@class, 'kcmread')]",
                    "//div[" + xp_class("kcm-read-text") + "]", '//*[@itemprop="articleBody"]')
        return block_paragraphs(box, _BODY_DROP) if box is not None else []


def _first_str(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None
