"""Tribunnews network (www.tribunnews.com and every regional *.tribunnews.com site).

Markup seen on real pages (2015, 2020): ``h1#arttitle``; JSON-LD ``NewsArticle`` (2020);
``div#jam[title]`` ISO time (2015); ``time.grey`` "Senin, 4 Mei 2020 04:25 WIB";
``div#penulis`` "Penulis: X" and ``div#editor`` "Editor: Y"; body ``div.side-article.txt-article``
with ``p.baca`` related links; tags ``h5.tagcloud3 a``; pager ``div.paging`` (``?page=2``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.adapters.base import (
    Page, SiteAdapter, block_paragraphs, first, names_of, page_number, pager_urls, text_of, xp_class,
)
from scrapers.adapters.dates import WIB, parse_iso, parse_local

logger = logging.getLogger(__name__)

_LAPORAN = re.compile(
    r"^Laporan\s+(?:Wartawan|Reporter|Jurnalis|Koresponden)\s+"
    r"(?:[\w.-]+\.(?:com|co\.id|id)\s*,?|[\w.-]+(?:\s+[\w.-]+)?\s*,)\s*(?P<name>[^|\n,]{3,60}?)\s*$",
    re.I,
)
_LABEL = re.compile(r"^\s*(?:Penulis|Editor|Reporter|Pewarta)\s*:\s*", re.I)
_BODY_DROP = (
    ".//p[" + xp_class("baca") + "] | .//*[" + xp_class("baca-juga") + "] | .//blockquote["
    + xp_class("summary-article") + "] | .//*[starts-with(@id, 'div-')] | .//*[" + xp_class("ads") + "]"
    " | .//*[" + xp_class("paging") + "] | .//*[" + xp_class("tag") + "]"
)


#: "1/3", "Halaman 1 / 3" in ``span.total-page``.
_TOTAL_PAGE = re.compile(r"(\d+)\s*/\s*(\d+)")
#: Most pages a ``span.total-page`` counter may announce (a broken counter must not start a long run).
MAX_COUNTED_PAGES = 20


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class TribunnewsAdapter(SiteAdapter):
    """www.tribunnews.com and the regional Tribun sites (sumsel., jateng., jogja., ...)."""

    name = "tribunnews"
    hosts = ("tribunnews.com",)
    local_tz = WIB
    title_suffix = re.compile(r"\s+[-|]\s+Tribun[\w.]*(?:\.com)?$", re.I)

    @classmethod
    def fingerprint(cls, html: str) -> bool:
        """Tribun pages: ``txt-article`` body block plus ``arttitle`` heading or Tribun credits."""
        return "side-article txt-article" in html or ('id="arttitle"' in html and "txt-article" in html)

    def all_pages_url(self, url: str) -> str | None:
        """The same article with ``?page=all`` (whole text on one page)."""
        return _with_query(url, page="all")

    def next_page_urls(self, html: str, url: str) -> list[str]:
        """The ``div.paging`` links after the current page, in page order.

        Newer pages have no such links, only a ``span.total-page`` counter ("1/3",
        "Halaman 1 / 3"): the following pages are then ``?page=N`` up to the total.
        """
        page = Page.from_html(html, url)
        linked = pager_urls(page, "//div[" + xp_class("paging") + "]")
        if linked:
            return linked
        counter = _TOTAL_PAGE.search(text_of(first(page.doc, "//span[" + xp_class("total-page") + "]")))
        if counter is None:
            return []
        current, total = max(page_number(url), 1), min(int(counter.group(2)), MAX_COUNTED_PAGES)
        return [_with_query(url, page=str(n)) for n in range(current + 1, total + 1)]

    def visible_title(self, page: Page) -> str | None:
        """``h1#arttitle``."""
        return text_of(first(page.doc, '//h1[@id="arttitle"]', "//h1")) or None

    def visible_date(self, page: Page) -> dt.datetime | None:
        """``div#jam[title]`` (ISO), then the printed "Senin, 4 Mei 2020 04:25 WIB" line."""
        jam = first(page.doc, '//*[@id="jam"][@title]')
        if jam is not None and parse_iso(jam.get("title")):
            return parse_iso(jam.get("title"))
        t = first(page.doc, "//time[" + xp_class("grey") + " and not(" + xp_class("timeago") + ")]",
                  '//*[@id="article"]//h3', '//*[@id="jam"]')
        return parse_local(text_of(t)) if t is not None else None

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """``div#penulis`` / ``div#editor``, then "Laporan Wartawan X, Name", then JSON-LD author."""
        authors: list[str] = []
        pen = first(page.doc, '//*[@id="penulis"]')
        if pen is not None:
            authors = names_of(_LABEL.sub("", text_of(pen)))
        if not authors:
            for p in page.doc.xpath("//div[" + xp_class("txt-article") + "]//p[position() <= 3]"):
                m = _LAPORAN.match(text_of(p))
                if m:
                    authors = [m.group("name")]
                    break
        ld_authors, _ = super().people(page)
        authors = authors or ld_authors
        ed = first(page.doc, '//*[@id="editor"]')
        editor = _LABEL.sub("", text_of(ed)).strip() if ed is not None else None
        return [a for a in authors if a != editor] or authors, editor or None

    def section(self, page: Page) -> str | None:
        """JSON-LD articleSection, else the first path segment of the URL."""
        value = super().section(page)
        if value:
            return value
        path = urlsplit(self.canonical_url(page)).path.strip("/").split("/")
        return path[0] if path and path[0] and not path[0].isdigit() else None

    def tags(self, page: Page) -> list[str]:
        """``h5.tagcloud3 a`` links, else keywords."""
        tags = [text_of(a) for a in page.doc.xpath("//h5[" + xp_class("tagcloud3") + "]//a")]
        tags = list(dict.fromkeys(t for t in tags if t))
        return tags or super().tags(page)

    def body(self, page: Page) -> list[str]:
        """Paragraphs of ``div.side-article.txt-article`` without related links and ads."""
        box = first(page.doc, "//div[" + xp_class("txt-article") + "]", '//*[@itemprop="articleBody"]')
        return block_paragraphs(box, _BODY_DROP) if box is not None else []

