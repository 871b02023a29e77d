"""detik.com network (news., health., finance., ... and detik regional sites).

Markup seen on real pages: 2023 ``h1.detail__title``, ``div.detail__date`` "Kamis, 02 Nov 2023
20:59 WIB", ``div.detail__author`` "Name - detikHealth", body ``div.detail__body-text``; 2015
``div.jdl`` with ``div.date`` / ``div.author`` and body ``div.detail_text`` with ``<br>`` breaks.
The ``pubdate`` meta "2023-11-02T20-59-53Z" is WIB wall-clock time wrongly marked UTC
(handled in :func:`scrapers.adapters.dates.parse_iso`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapers.adapters.base import Page, SiteAdapter, block_paragraphs, first, is_person_name, names_of, text_of, xp_class
from scrapers.adapters.dates import WIB, parse_iso, parse_local

logger = logging.getLogger(__name__)

_BODY_DROP = (
    ".//table[" + xp_class("linksisip") + "] | .//*[" + xp_class("parallaxindetail") + "]"
    " | .//*[" + xp_class("para_caption") + "] | .//*[" + xp_class("pic_artikel") + "]"
    " | .//*[" + xp_class("detail__body-tag") + "] | .//*[" + xp_class("lihatjg") + "]"
    " | .//*[" + xp_class("staticdetail_container") + "] | .//*[" + xp_class("nav") + "]"
    " | .//*[starts-with(@class, 'ads')] | .//*[contains(@class, 'embed')] | .//*[" + xp_class("sisip_embed_sosmed") + "]"
    " | .//*[" + xp_class("detail__long-nav") + "] | .//*[" + xp_class("detail__multiple") + "]"
)


_PAGER_LINKS = (
    "//*[" + xp_class("detail__long-nav") + " or " + xp_class("detail__multiple") + " or " + xp_class("pagination") + "]"
    "//a[@href] | //a[" + xp_class("detail__anchor-numb") + "][@href]"
)
#: An article path ("/berita/d-7016153/judul") and an optional page number after it ("/2").
_ARTICLE_PATH = re.compile(r"^(?P<base>.*/d-\d+/[^/]+?)(?:/(?P<n>\d{1,3}))?/?$")
#: Most pages followed for one article.
MAX_PAGES = 20


def _page_of(url: str) -> tuple[str | None, int]:
    """(scheme://host/article-path, page number) of a detik URL; (None, 0) when not an article URL."""
    parts = urlsplit(url)
    m = _ARTICLE_PATH.match(parts.path)
    if m is None:
        return None, 0
    n = int(m.group("n") or 1)
    for key, value in parse_qsl(parts.query):
        if key == "page" and value.isdigit():
            n = max(n, int(value))
    return f"{parts.scheme}://{parts.netloc.lower()}{m.group('base')}", n


class DetikAdapter(SiteAdapter):
    """All detik.com channels (2015 and current layouts)."""

    name = "detik"
    hosts = ("detik.com",)
    local_tz = WIB
    title_suffix = re.compile(r"\s+[-|]\s+detik\w*$", re.I)

    @classmethod
    def fingerprint(cls, html: str) -> bool:
        """detik markup: ``detail__body-text`` body or the ``dtk:`` meta tags."""
        return "detail__body-text" in html or ('name="dtk:' in html and "detail__title" in html)

    def all_pages_url(self, url: str) -> str | None:
        """The same article with ``?single=1`` (all pages on one)."""
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "single"] + [("single", "1")]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    def next_page_urls(self, html: str, url: str) -> list[str]:
        """Later pages of a multi-page article, for when ``?single=1`` is not served.

        The pager (``div.detail__long-nav``, ``a.detail__anchor-numb``) links the article's
        own path with a page number appended (``/d-123/judul/2``) or ``?page=2``; links to
        other articles, hosts or earlier pages are left out.
        """
        page = Page.from_html(html, url)
        base, current = _page_of(url)
        if base is None:
            return []
        found: dict[int, str] = {}
        for a in page.doc.xpath(_PAGER_LINKS):
            href = urljoin(url, a.get("href"))
            other_base, n = _page_of(href)
            if other_base == base and n > current and n not in found:
                found[n] = href
        return [found[n] for n in sorted(found)][:MAX_PAGES]

    def page_of(self, url: str) -> int:
        """The page number appended to the article path (``/d-123/judul/2``) or ``?page=N``."""
        base, n = _page_of(url)
        return n if base is not None else super().page_of(url)

    def visible_title(self, page: Page) -> str | None:
        """``h1.detail__title`` (2015: ``div.jdl h1``)."""
        return text_of(first(page.doc, "//h1[" + xp_class("detail__title") + "]", "//div[" + xp_class("jdl") + "]/h1", "//h1")) or None

    def dates(self, page: Page) -> tuple[dt.datetime | None, dt.datetime | None]:
        """JSON-LD, then ``dtk:publishdateunix``, then ``pubdate``, then the printed date, then the URL.

        ``pubdate`` ("2023-11-02T20-59-53Z") is local wall-clock time wrongly marked UTC; the
        local zone is the one the printed date names (WIB, or WITA/WIT on regional channels).
        """
        published = parse_iso(_first_str(page.ld_value("datePublished")))
        updated = parse_iso(_first_str(page.ld_value("dateModified")))
        shown = self.visible_date(page)
        zone = shown.tzinfo if shown is not None and shown.tzinfo is not None else WIB
        if published is None or published.tzinfo is None:
            unix = page.m("dtk:publishdateunix")
            trap = parse_iso(page.m("pubdate", "dtk:pubdate"))
            if unix and unix.isdigit():
                published = dt.datetime.fromtimestamp(int(unix) / 1000, zone)
            elif trap is not None:
                published = trap.replace(tzinfo=zone)
            elif shown is not None:
                published = shown
        if published is None:
            published, _ = super().dates(page)
        return published, updated

    def visible_date(self, page: Page) -> dt.datetime | None:
        """``div.detail__date`` or the 2015 ``div.jdl div.date`` line."""
        el = first(page.doc, "//div[" + xp_class("detail__date") + "]", "//div[" + xp_class("jdl") + "]/div[" + xp_class("date") + "]")
        return parse_local(text_of(el)) if el is not None else None

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """``div.detail__author`` / ``div.author`` ("Name - detikHealth"), then dtk:author meta."""
        el = first(page.doc, "//div[" + xp_class("detail__author") + "]", "//div[" + xp_class("jdl") + "]/div[" + xp_class("author") + "]")
        if el is not None:
            who = re.split(r"\s+-\s+", text_of(el))[0]
            names = [n for n in names_of(who) if is_person_name(n)]
            if names:
                return names, None
        names = [n for n in names_of(page.m("dtk:author", "author")) if is_person_name(n) and len(n) > 3]
        return names, None

    def section(self, page: Page) -> str | None:
        """The last breadcrumb (``div.page__breadcrumb``), else the site name."""
        crumbs = [text_of(a) for a in page.doc.xpath("//div[" + xp_class("page__breadcrumb") + "]/a")]
        crumbs = [c for c in crumbs if c]
        if crumbs:
            return crumbs[-1]
        return page.m("og:site_name") or super().section(page)

    def tags(self, page: Page) -> list[str]:
        """``div.detail__body-tag a`` links, else keywords."""
        tags = [text_of(a) for a in page.doc.xpath("//div[" + xp_class("detail__body-tag") + "]//a")]
        tags = list(dict.fromkeys(t for t in tags if t))
        return tags or super().tags(page)

    def body(self, page: Page) -> list[str]:
        """Paragraphs of ``div.detail__body-text`` (or 2015 ``div.detail_text``) without inserts."""
        box = first(page.doc, "//div[" + xp_class("detail__body-text") + "]", "//div[" + xp_class("detail_text") + "]",
                    '//*[@id="detikdetailtext"]', '//*[@itemprop="articleBody"]')
        return block_paragraphs(box, _BODY_DROP) if box is not None else []


def _first_str(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None
