"""The site adapter base class and the page helpers every adapter shares.

An adapter turns one HTML page into a :class:`pipeline.models.Article`. :meth:`SiteAdapter.parse`
is a fixed sequence of small hooks (title, dates, people, section, tags, body) that each adapter
overrides where its site differs; the defaults read structured data first
(JSON-LD ``NewsArticle`` > meta tags > visible text > URL).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.etree
import lxml.html

from pipeline.models import Article
from scrapers.adapters.boilerplate import clean_paragraphs, normalise_space
from scrapers.adapters.dates import date_from_url, parse_iso, parse_local
from scrapers.canonical import canonicalize
from scrapers.exceptions import NotAnArticle, ParseError

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
     "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting"}
)
_HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_DROP_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "select", "svg", "template")
# Dateline at the start of the first paragraph, e.g. "TRIBUNSUMSEL.COM, PALEMBANG -",
# "JAKARTA, KOMPAS.com -", "Palembang (ANTARA) -", "Yogyakarta -", "Liputan6.com, Jakarta -".
_DL_WORD = r"(?:[A-Z][\w.'’]*(?:-[\w.]+)*|\([A-Z][A-Za-z ]{1,20}\))"
_DATELINE = re.compile(
    rf"^(?P<d>{_DL_WORD}(?:[ ,]+{_DL_WORD}){{0,5}})\s*[-–—]{{1,2}}(?:\s+(?=[A-Z0-9\"'“‘(])|\s*$)"
)
_DATELINE_MARKER = re.compile(
    r"\.com|\.co\.id|\.id\b|\(ANTARA|\bKOMPAS|\bdetik|\bTRIBUN|\bCNN\b|\bTempo\b|\bRepublika|\bOkezone"
    r"|\bSuara\b|\bBisnis\b|\bMedcom|\bVIVA\b|\biNews|\bKumparan|\bSumeks",
    re.I,
)
_SITE_SUFFIX = re.compile(r"\s+(?:[-|–—]|::)\s+[^-|:–—]{2,40}$")
_ORG_AUTHOR = re.compile(
    r"(?:\.com\b|\.co\.id|\.id\b|developer|redaksi|tribun|kompas|detik|antara\b|^admin$|^@|network|media\b|news\b)",
    re.I,
)


def xp_class(cls: str) -> str:
    """XPath predicate body matching elements whose class list contains ``cls``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def text_of(el: lxml.html.HtmlElement | None) -> str:
    """The visible text of an element, whitespace normalised ('' for None)."""
    if el is None:
        return ""
    return normalise_space(el.text_content())


def first(doc: lxml.html.HtmlElement, *xpaths: str) -> lxml.html.HtmlElement | None:
    """The first element matched by the first XPath that matches anything."""
    for xp in xpaths:
        found = doc.xpath(xp)
        if found:
            return found[0]
    return None


def load_html(html: str) -> lxml.html.HtmlElement:
    """Parse HTML text into an lxml document, raising ParseError when there is no document."""
    if not html or not html.strip():
        raise ParseError("empty page: nothing to parse; check that the fetch returned a body")
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_HTML_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"unparseable HTML ({exc}); check the page is HTML, not a feed or binary") from exc


def _flatten_ld(node: Any) -> Iterable[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _flatten_ld(item)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _flatten_ld(node["@graph"])


def _ld_types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, list):
        return {str(x) for x in t}
    return {str(t)} if t else set()


def names_of(value: Any) -> list[str]:
    """Person names from a JSON-LD author/editor value (string, object or list of them)."""
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            name = item.get("name")
        else:
            name = item
        if isinstance(name, str):
            for part in re.split(r"\s*(?:,|;|\bdan\b|&)\s*", name):
                part = normalise_space(part)
                if part and part not in out:
                    out.append(part)
    return out


def is_person_name(name: str) -> bool:
    """False for names that are organisations, sites or accounts rather than people."""
    return bool(name) and len(name) <= 60 and not _ORG_AUTHOR.search(name) and not name.startswith("http")


@dataclass
class Page:
    """A parsed page with its meta tags and JSON-LD pulled out once (stays inside scrapers)."""

    url: str
    html: str
    doc: lxml.html.HtmlElement
    meta: dict[str, str] = field(default_factory=dict)
    ld: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_html(cls, html: str, url: str) -> "Page":
        """Parse ``html`` and collect meta tags (first value per key, lower-cased) and JSON-LD."""
        doc = load_html(html)
        meta: dict[str, str] = {}
        for m in doc.iter("meta"):
            key = m.get("name") or m.get("property") or m.get("itemprop")
            content = m.get("content")
            if key and content is not None:
                meta.setdefault(key.strip().lower(), content.strip())
        ld: list[dict[str, Any]] = []
        for script in doc.xpath('//script[@type="application/ld+json"]'):
            raw = (script.text or "").strip()
            if not raw:
                continue
            try:
                data = json.loads(raw, strict=False)
            except ValueError:
                logger.debug("unreadable JSON-LD block on %s", url)
                continue
            ld.extend(_flatten_ld(data))
        return cls(url=url, html=html, doc=doc, meta=meta, ld=ld)

    @property
    def article_ld(self) -> dict[str, Any]:
        """The first JSON-LD object typed as an article ({} when there is none)."""
        for obj in self.ld:
            if _ld_types(obj) & ARTICLE_TYPES:
                return obj
        return {}

    def ld_value(self, key: str) -> Any:
        """A value from the article JSON-LD, falling back to any JSON-LD object that has it."""
        art = self.article_ld
        if art.get(key):
            return art[key]
        for obj in self.ld:
            if obj.get(key) and "BreadcrumbList" not in _ld_types(obj):
                return obj[key]
        return None

    def m(self, *keys: str) -> str | None:
        """The first non-empty meta tag content among ``keys``."""
        for k in keys:
            v = self.meta.get(k.lower())
            if v:
                return v
        return None


def strip_site_name(title: str, page: Page, always: bool = False) -> str:
    """Cut a trailing " - Site" / " | Site" when it names the site (og:site_name or host), or ``always``."""
    m = _SITE_SUFFIX.search(title)
    if not m:
        return title
    tail = re.sub(r"[^a-z0-9]", "", m.group(0).lower())
    host = outlet_of(page.url).split(".")
    names = {re.sub(r"[^a-z0-9]", "", (page.m("og:site_name") or "").lower())} | {h for h in host[:-1] if len(h) > 3}
    if always or any(n and (n in tail or tail in n) for n in names):
        return title[: m.start()].strip()
    return title


def strip_dateline(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Move a leading dateline ("JAKARTA, KOMPAS.com -") out of the first paragraph.

    A photo caption may stand before the lead ("Bupati X dan Wakil Bupati Y"): when the first
    paragraph is short and does not end a sentence, a dateline with an outlet marker
    ("TRIBUNSUMSEL.COM -") opening the second paragraph is taken too.

    Returns:
        The paragraphs with the dateline removed and the dateline (without the dash), or None.
    """
    for i, para in enumerate(paragraphs[:2]):
        if i == 1 and not _is_caption(paragraphs[0]):
            break
        m = _DATELINE.match(para)
        if not m:
            continue
        dateline = m.group("d").strip(" ,")
        words = dateline.replace(",", " ").split()
        marker = bool(_DATELINE_MARKER.search(dateline))
        # without an outlet marker, accept only a place: all capitals ("PALEMBANG") or one or two words
        if not (marker or (i == 0 and (dateline.isupper() or len(words) <= 2))):
            continue
        rest = para[m.end():].strip()
        out = paragraphs[:i] + ([rest] if rest else []) + paragraphs[i + 1:]
        return out, dateline
    return paragraphs, None


def _is_caption(paragraph: str) -> bool:
    """A short line that ends no sentence, as photo captions above a lead are."""
    text = paragraph.strip()
    return len(text.split()) <= 25 and not text.endswith((".", "!", "?", '"', "”"))


class SiteAdapter:
    """Turns a page of one outlet family into an :class:`Article`; subclasses override the hooks."""

    name: ClassVar[str] = "generic"
    #: Host suffixes this adapter handles (``tribunnews.com`` matches every subdomain).
    hosts: ClassVar[tuple[str, ...]] = ()
    #: The outlet's home zone for zone-less timestamps (None: leave them naive).
    local_tz: ClassVar[dt.tzinfo | None] = None
    #: Title suffixes to cut (" - Tribunnews.com", " | Kompas.com").
    title_suffix: ClassVar[re.Pattern[str] | None] = None

    @classmethod
    def handles_host(cls, host: str) -> bool:
        """True when ``host`` belongs to this adapter's outlet family."""
        host = host.lower()
        return any(host == h or host.endswith("." + h) for h in cls.hosts)

    @classmethod
    def fingerprint(cls, html: str) -> bool:
        """True when the markup looks like this outlet family's (for mirrors and unknown hosts)."""
        return False

    def all_pages_url(self, url: str) -> str | None:
        """The URL that serves every page of a multi-page article at once, or None."""
        return None

    def next_page_urls(self, html: str, url: str) -> list[str]:
        """URLs of the following pages of a multi-page article, in order ([] when single-page)."""
        return []

    def page_of(self, url: str) -> int:
        """Which page of a multi-page article ``url`` serves: 1 for the first (or only) page, 2 and
        up for a later one, 0 for an all-pages variant (``?page=all``). Archived copies of later
        pages are not articles of their own (``warta import-warc`` skips them)."""
        return page_number(url)

    # ------------------------------------------------------------------ parse
    def parse(self, html: str, url: str) -> Article:
        """Parse one article page.

        Args:
            html: the page as text.
            url: the URL it was fetched from.

        Returns:
            The article with canonical URL, metadata and clean body paragraphs.

        Raises:
            NotAnArticle: the page has no article title or body (listing, index, error page).
            ParseError: the page is not parseable HTML.
        """
        page = Page.from_html(html, url)
        canonical = self.canonical_url(page)
        title = self.title(page)
        if not title:
            raise NotAnArticle(f"no article title on {url}: not an article page")
        # metadata before the body: body() may drop inserts from the tree
        published, updated = (self.localise(v, page) for v in self.dates(page))
        authors, editor = self.people(page)
        section, tags = self.section(page), self.tags(page)
        paragraphs, dateline = strip_dateline(clean_paragraphs(self.body(page)))
        paragraphs = clean_paragraphs(paragraphs)
        if not paragraphs:
            raise NotAnArticle(f"no article body on {url}: not an article page (or markup changed)")
        return Article(
            url=url,
            canonical_url=canonical,
            outlet=outlet_of(canonical),
            title=title,
            paragraphs=paragraphs,
            authors=authors,
            editor=editor,
            published=published,
            updated=updated,
            section=section,
            tags=tags,
            dateline=dateline,
            adapter=self.name,
            html=html.encode("utf-8", "replace"),
        )

    # ------------------------------------------------------------------ hooks
    def canonical_url(self, page: Page) -> str:
        """rel=canonical, then og:url, then the fetched URL; canonicalised."""
        href = first(page.doc, '//link[@rel="canonical"]/@href')
        cand = str(href).strip() if href is not None else ""
        cand = cand or page.m("og:url") or page.url
        try:
            absolute = urljoin(page.url, cand)
            if not urlsplit(absolute).hostname:
                absolute = page.url
            return canonicalize(absolute)
        except ValueError:
            return canonicalize(page.url)

    def clean_title(self, title: str) -> str:
        """Cut the site-name suffix from a title."""
        title = normalise_space(title)
        if self.title_suffix is not None:
            title = self.title_suffix.sub("", title)
        return title.strip()

    def title(self, page: Page) -> str | None:
        """JSON-LD headline, then og:title, then :meth:`visible_title`, then <title>; site name cut off."""
        for cand in (page.ld_value("headline"), page.m("og:title", "twitter:title")):
            if isinstance(cand, str) and cand.strip():
                return self.clean_title(strip_site_name(cand, page))
        visible = self.visible_title(page)
        if visible:
            return self.clean_title(visible)
        t = first(page.doc, "//title")
        if t is not None and text_of(t):
            return self.clean_title(strip_site_name(text_of(t), page, always=True))
        return None

    def visible_title(self, page: Page) -> str | None:
        """The article heading as printed (default: the first h1)."""
        return text_of(first(page.doc, "//h1")) or None

    def dates(self, page: Page) -> tuple[dt.datetime | None, dt.datetime | None]:
        """JSON-LD datePublished/dateModified, then meta tags, then the URL's day."""
        published = parse_iso(_as_str(page.ld_value("datePublished"))) or parse_iso(
            page.m("article:published_time", "datepublished", "pubdate", "date", "dc.date")
        )
        updated = parse_iso(_as_str(page.ld_value("dateModified"))) or parse_iso(
            page.m("article:modified_time", "datemodified", "og:updated_time")
        )
        if published is None:
            published = self.visible_date(page)
        if published is None:
            day = date_from_url(page.url) or date_from_url(self.canonical_url(page))
            if day is not None:
                published = dt.datetime(day.year, day.month, day.day)
        return published, updated

    def localise(self, value: dt.datetime | None, page: Page) -> dt.datetime | None:
        """Give a zone-less timestamp with a time of day its offset.

        The offset comes from the date printed on the page when it shows the same wall-clock
        time with WIB/WITA/WIT, else from :attr:`local_tz` (the outlet's home zone), else none.
        """
        if value is None or value.tzinfo is not None or value.time() == dt.time(0, 0):
            return value
        shown = self.visible_date(page)
        if shown is not None and shown.tzinfo is not None and shown.replace(tzinfo=None, second=0) == value.replace(second=0):
            return value.replace(tzinfo=shown.tzinfo)
        return value.replace(tzinfo=self.local_tz) if self.local_tz is not None else value

    def visible_date(self, page: Page) -> dt.datetime | None:
        """A date printed on the page (``<time datetime>``), or None."""
        t = first(page.doc, "//time[@datetime]")
        if t is not None:
            return parse_iso(t.get("datetime")) or parse_local(t.get("datetime"))
        return None

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """(writers, editor): JSON-LD author, then meta author; organisation names dropped."""
        authors = [n for n in names_of(page.ld_value("author")) if is_person_name(n)]
        if not authors:
            authors = [n for n in names_of(page.m("author", "article:author", "dc.creator")) if is_person_name(n)]
        editors = [n for n in names_of(page.ld_value("editor")) if is_person_name(n)]
        return authors, (editors[0] if editors else None)

    def section(self, page: Page) -> str | None:
        """JSON-LD articleSection, then article:section meta."""
        value = page.ld_value("articleSection")
        if isinstance(value, list):
            value = value[0] if value else None
        value = value if isinstance(value, str) else page.m("article:section")
        return normalise_space(value) if value else None

    def tags(self, page: Page) -> list[str]:
        """JSON-LD keywords, then news_keywords / keywords / article:tag meta."""
        value = page.ld_value("keywords")
        if isinstance(value, list):
            raw = [str(v) for v in value]
        elif isinstance(value, str) and value.strip():
            raw = value.split(",")
        else:
            raw = (page.m("news_keywords", "keywords", "article:tag") or "").split(",")
        out: list[str] = []
        for tag in raw:
            tag = normalise_space(tag)
            if tag and tag not in out:
                out.append(tag)
        return out

    def body(self, page: Page) -> list[str]:
        """Raw body paragraphs (boilerplate still in); subclasses must override."""
        raise NotImplementedError


def _as_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def pager_urls(page: Page, container_xpath: str) -> list[str]:
    """Links to later pages (``?page=N``, N above the current page) inside the pager, in order."""
    current = page_number(page.url)
    found: dict[int, str] = {}
    for a in page.doc.xpath(container_xpath + "//a[@href]"):
        href = urljoin(page.url, a.get("href"))
        n = page_number(href)
        same = urlsplit(href)[:3] == urlsplit(page.url)[:3]  # scheme, host and path: never another site
        if n > current and n not in found and same:
            found[n] = href
    return [found[n] for n in sorted(found)]


def page_number(url: str) -> int:
    """The ``page`` query parameter of a URL (1 when absent, 0 when not a number, e.g. ``all``)."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "page":
            return int(value) if value.isdigit() else 0
    return 1


def outlet_of(url: str) -> str:
    """The outlet of an article URL: its host without ``www.``/``m.`` and port."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host


def block_paragraphs(container: lxml.html.HtmlElement, drop_xpath: str | None = None) -> list[str]:
    """Paragraph texts of a body container.

    Block children (``p``, ``h2``-``h4``, ``li``, ``blockquote``) become paragraphs; loose text
    and inline runs between them (``<br>``-separated bodies) become paragraphs too. Script, style,
    forms, and anything matching ``drop_xpath`` are removed first.
    """
    for el in container.xpath(".//" + " | .//".join(_DROP_TAGS)):
        el.drop_tree()
    if drop_xpath:
        for el in container.xpath(drop_xpath):
            if el.getparent() is not None:
                el.drop_tree()
    for br in container.iter("br"):
        br.tail = _SEP + (br.tail or "")
    out: list[str] = []
    _collect(container, out)
    return [p for p in (normalise_space(x) for x in out) if p]


_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "li", "blockquote", "pre", "ul", "ol", "dl"})
_CONTAINERS = frozenset({"div", "section", "article", "span", "center", "font", "main", "td", "tr", "tbody"})
_SKIP = frozenset({"figure", "figcaption", "table", "img", "picture", "video", "audio", "hr"})
_SEP = "\u2028"


def _collect(el: lxml.html.HtmlElement, out: list[str]) -> None:
    buf: list[str] = []

    def flush() -> None:
        for piece in "".join(buf).split(_SEP):
            if piece.strip():
                out.append(piece)
        buf.clear()

    if el.text:
        buf.append(el.text)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP:
            flush()
        elif tag in _BLOCKS:
            flush()
            if tag in ("ul", "ol"):
                for li in child.iter("li"):
                    out.extend(li.text_content().split(_SEP))
            else:
                out.extend(child.text_content().split(_SEP))
        elif tag in _CONTAINERS and _has_block(child):
            flush()
            _collect(child, out)
        elif tag:
            buf.append(child.text_content())
        if child.tail:
            buf.append(child.tail)
    flush()


def _has_block(el: lxml.html.HtmlElement) -> bool:
    for d in el.iter():
        if d is not el and isinstance(d.tag, str) and (d.tag in _BLOCKS or d.tag in ("div", "br", "table")):
            return True
    return False
