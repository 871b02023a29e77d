"""Discovery: which fetched pages lead to which article URLs.

:func:`classify` tells a feed, a sitemap, a listing page and an article apart;
:func:`discover` returns the links a feed, sitemap or listing page points to:

* RSS/Atom (parsed with feedparser): one article link per item, with its published time;
* sitemaps (lxml, no entity expansion, no network): a ``<sitemapindex>`` gives sitemap links
  with ``lastmod``, a ``<urlset>`` article links with ``lastmod`` or the Google News
  ``news:publication_date``; gzip bodies (``sitemap.xml.gz``) are unpacked first;
* listing/index pages: same-site article links (by URL shape) and pagination links
  (``rel=next``, Tribunnews ``index-news?date=...&page=N``, ``/page/N``).

Article links are canonicalised (:func:`scrapers.canonical.canonicalize`); listing, feed and
sitemap links only lose tracking parameters, since their ``page=`` matters.
:func:`in_window` and :func:`filter_links` bound links by date for a backfill, and
:func:`backfill_listing_urls` lists Tribunnews-style day index pages for a date range.
Malformed feeds and sitemaps raise :class:`~scrapers.exceptions.DiscoveryError`. One
unusable link (``http://[::1``, a port of 99999999) never costs the rest of its document: it
is skipped and, when the caller passes ``bad_links``, recorded there as a
:class:`~pipeline.models.FailedFetch` with its exception.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser
import lxml.etree
import lxml.html
from courlan.urlutils import get_tldinfo

from pipeline.models import DiscoveredLink, FailedFetch, FetchedPage, LinkKind
from scrapers.canonical import canonicalize, is_tracking_param
from scrapers.exceptions import DiscoveryError

logger = logging.getLogger(__name__)

__all__ = [
    "backfill_listing_urls",
    "classify",
    "discover",
    "filter_links",
    "in_window",
    "looks_like_article_url",
    "parse_date",
    "site_key",
    "strip_tracking",
]

_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml"}
)
_ARTICLE_LD_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
     "OpinionNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting"}
)
_ROOT_TAG = re.compile(r"<(?!\?|!)([A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)")
_PAGER_KEYS = frozenset({"page", "p", "hal", "halaman"})
_PAGE_PATH = re.compile(r"/(?:page|halaman)/\d+/?$")
_NOT_ARTICLE_PATH = re.compile(
    r"(?:^|/)(?:tag|tags|topic|topik|kategori|category|kanal|author|penulis|editor|search|cari|"
    r"login|register|rss|feed|sitemap|index-news|indeks|indeks-berita|about|tentang|redaksi|"
    r"kontak|contact|privacy|kebijakan|pedoman|disclaimer)(?:/|$|\.)",
    re.I,
)
_INDEX_PATH = re.compile(r"/(?:index-news|indeks|indeks-berita|berita-terkini|terpopuler)/?$", re.I)
_STATIC_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|css|js|pdf|xml|txt|ico|mp4|mp3|zip)$", re.I)
_ID_SEGMENT = re.compile(r"^(?:[a-z]-?)?\d{4,}$|^\d{4}$", re.I)
_SITEMAP_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
#: Largest unpacked size of a gzipped body still gzipped after fetching (the fetcher unpacks one
#: layer within its own 10 MB cap; a second layer must not get past it).
MAX_SITEMAP_BYTES = 10 * 1024 * 1024


# --------------------------------------------------------------------------- URLs and dates


def usable_url(
    raw: str, base: str, clean: Callable[[str], str], bad: list[FailedFetch] | None = None
) -> str | None:
    """``clean(urljoin(base, raw))`` when that is a URL warta can use, else None.

    A link that no URL function can handle (an unclosed IPv6 bracket, a port out of range,
    no host) is logged and, when ``bad`` is given, recorded there with its exception.
    """
    try:
        url = clean(urljoin(base, raw.strip()))
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
        if parts.scheme in ("http", "https") and not parts.hostname:
            raise ValueError("the URL has no host")
    except ValueError as exc:
        logger.warning("unusable link %r on %s skipped: %s", raw[:200], base, exc)
        if bad is not None:
            bad.append(FailedFetch(url=raw[:2000], error=f"unusable link on {base}: {exc}", kind=type(exc).__name__))
        return None
    return url


def strip_tracking(url: str) -> str:
    """Drop tracking parameters and the fragment, keeping pager switches (``page=2``).

    Args:
        url: an absolute URL.

    Returns:
        The URL without ``utm_*``, ``fbclid`` ... and ``#fragment``; other parameters kept in order.
    """
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() in ("page", "single") or not is_tracking_param(k)
    ]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def parse_date(value: str | None) -> dt.datetime | None:
    """A W3C/ISO 8601 date or datetime (sitemap ``lastmod``), timezone-aware (UTC when unstated).

    Args:
        value: e.g. ``2023-11-02T14:03:27+09:00``, ``2023-11-02``, ``2023-11`` or ``2023``.

    Returns:
        The datetime, or None when the value is missing or unreadable.
    """
    if not value:
        return None
    text = value.strip()
    for candidate, fmt in ((text, None), (text, "%Y-%m"), (text, "%Y")):
        try:
            parsed = dt.datetime.fromisoformat(candidate) if fmt is None else dt.datetime.strptime(candidate, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    logger.debug("unreadable date %r", value)
    return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def in_window(when: dt.datetime | None, since: dt.datetime | None, until: dt.datetime | None) -> bool:
    """True when ``when`` lies in ``[since, until]``; undated items are always inside.

    Naive datetimes are taken as UTC.
    """
    if when is None:
        return True
    when = _aware(when)
    if since is not None and when < _aware(since):
        return False
    return not (until is not None and when > _aware(until))


def filter_links(
    links: Iterable[DiscoveredLink], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[DiscoveredLink]:
    """The links dated inside ``[since, until]`` plus every undated link (for a backfill).

    A sitemap-index entry is kept when its ``lastmod`` is after ``since`` (an older sitemap
    file cannot hold newer articles); its ``lastmod`` says nothing about ``until``. A dated
    index page (``?date=``, taken as midnight UTC) is kept when its day can overlap the window.
    """
    kept: list[DiscoveredLink] = []
    for link in links:
        if link.kind in ("sitemap", "feed"):
            ok = in_window(link.published, since, None)
        elif link.kind == "listing":
            early = since - dt.timedelta(days=1) if since is not None else None
            ok = in_window(link.published, early, until)
        else:
            ok = in_window(link.published, since, until)
        if ok:
            kept.append(link)
        else:
            logger.debug("outside %s..%s: %s (%s)", since, until, link.url, link.published)
    return kept


def backfill_listing_urls(index_url: str, since: dt.date, until: dt.date) -> list[str]:
    """Day index pages for a backfill, Tribunnews style: ``index-news?date=YYYY-M-D``.

    Args:
        index_url: the index page, e.g. ``https://www.tribunnews.com/index-news``.
        since: first day.
        until: last day (inclusive).

    Returns:
        One URL per day, newest first (later pages are found as pagination links).
    """
    if isinstance(since, dt.datetime):
        since = since.date()
    if isinstance(until, dt.datetime):
        until = until.date()
    days = (until - since).days
    urls = []
    for n in range(days, -1, -1):
        day = since + dt.timedelta(days=n)
        sep = "&" if "?" in index_url else "?"
        urls.append(f"{index_url}{sep}date={day.year}-{day.month}-{day.day}")
    return urls


def looks_like_article_url(url: str) -> bool:
    """True when a URL has the shape of a news article (slug, numeric id or dated path).

    Examples of article shapes: ``/2020/05/04/some-long-slug``, ``/berita/2391107/slug``,
    ``/d-7016874/slug``, ``/read/2023/11/02/...``; section, tag, author, search and static
    file URLs are not articles.
    """
    path = urlsplit(url).path
    if _NOT_ARTICLE_PATH.search(path) or _STATIC_SUFFIX.search(path) or _PAGE_PATH.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    slug = re.sub(r"\.s?html?$", "", segments[-1])
    words = [w for w in slug.split("-") if w]
    has_id = any(_ID_SEGMENT.match(s) for s in segments[:-1]) or bool(re.search(r"\d{5,}", slug))
    return len(words) >= 5 or (len(words) >= 2 and has_id)


# --------------------------------------------------------------------------- classification


def _unpacked(page: FetchedPage) -> tuple[bytes, str]:
    body, text = page.body, page.text
    if body[:2] == b"\x1f\x8b":
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = d.decompress(body, MAX_SITEMAP_BYTES)
            if d.unconsumed_tail and d.decompress(d.unconsumed_tail, 1):
                raise DiscoveryError(
                    f"{page.final_url}: gzip body unpacks to more than {MAX_SITEMAP_BYTES} bytes; not read"
                )
        except zlib.error as exc:
            raise DiscoveryError(f"{page.final_url}: corrupt gzip body ({exc}); refetch it") from exc
        text = body.decode("utf-8", errors="replace")
    return body, text


def _root_name(text: str) -> str:
    """Local name of the first element in an XML/HTML text, lower-cased ('' when none)."""
    head = re.sub(r"<!--.*?-->", "", text[:4096], flags=re.S)
    m = _ROOT_TAG.search(head)
    if not m:
        return ""
    prefix = (m.group(1) or "").lower()
    return prefix + m.group(2).lower()


def _is_article_html(doc: lxml.html.HtmlElement) -> bool:
    og = doc.xpath("//meta[@property='og:type']/@content")
    if og and og[0].strip().lower() == "article":
        return True
    for raw in doc.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(k in _ARTICLE_LD_TYPES for k in kinds if isinstance(k, str)):
                    return True
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return False


def _html_doc(page: FetchedPage) -> lxml.html.HtmlElement | None:
    text = page.text or page.body.decode("utf-8", errors="replace")
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return None


def classify(page: FetchedPage) -> LinkKind:
    """What a fetched page is: ``feed``, ``sitemap``, ``listing``, ``article`` or ``unknown``.

    Feeds and sitemaps are recognised by content type and root element; an HTML page is an
    article when it says so (``og:type=article`` or a JSON-LD article type) or when its URL
    has an article's shape, else a listing when it links to same-site articles, index pages
    or feeds.
    """
    if page.not_modified:
        return "unknown"
    try:
        _, text = _unpacked(page)
    except DiscoveryError:
        return "unknown"
    root = _root_name(text)
    if root in ("urlset", "sitemapindex"):
        return "sitemap"
    if root in ("rss", "feed", "rdf:rdf") or page.content_type in _FEED_TYPES:
        return "feed"
    if root != "html" and page.content_type not in ("text/html", "application/xhtml+xml"):
        return "unknown"
    doc = _html_doc(page)
    if doc is None:
        return "unknown"
    if _is_article_html(doc) or looks_like_article_url(page.final_url):
        return "article"
    return "listing" if _listing_links(doc, page.final_url) else "unknown"


# --------------------------------------------------------------------------- discovery


def discover(
    page: FetchedPage, kind: LinkKind | None = None, *, bad_links: list[FailedFetch] | None = None
) -> list[DiscoveredLink]:
    """The links a feed, sitemap or listing page leads to (none for an article).

    Args:
        page: a fetched page.
        kind: what :func:`classify` said about it, when the caller already asked.
        bad_links: receives a FailedFetch for every link that is not a usable URL (skipped).

    Returns:
        Discovered links in document order, without duplicates.

    Raises:
        DiscoveryError: the page is a feed or sitemap too malformed to read.
    """
    kind = kind or classify(page)
    bad = bad_links if bad_links is not None else []
    if kind == "feed":
        links = _feed_links(page, bad)
    elif kind == "sitemap":
        links = _sitemap_links(page, bad)
    elif kind == "listing":
        doc = _html_doc(page)
        links = _listing_links(doc, page.final_url, bad) if doc is not None else []
    else:
        links = []
    logger.info("discovered %d links on %s (%s)", len(links), page.final_url, kind)
    return links


def _dedupe(links: Iterable[DiscoveredLink]) -> list[DiscoveredLink]:
    seen: set[str] = set()
    out = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out


def _struct_to_dt(value: object) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.timezone.utc)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def _feed_links(page: FetchedPage, bad: list[FailedFetch]) -> list[DiscoveredLink]:
    body, _ = _unpacked(page)
    parsed = feedparser.parse(
        body,
        response_headers={
            "content-location": page.final_url,
            "content-type": page.headers.get("content-type") or "application/xml",
        },
    )
    entries = parsed.get("entries", [])
    links = []
    for entry in entries:
        href = entry.get("link") or ""
        if not href and str(entry.get("id", "")).startswith("http"):
            href = entry["id"]
        if not href:
            continue
        url = usable_url(href, page.final_url, canonicalize, bad)
        if url is None or urlsplit(url).scheme not in ("http", "https"):
            continue
        published = _struct_to_dt(entry.get("published_parsed") or entry.get("updated_parsed"))
        links.append(
            DiscoveredLink(
                url=url, kind="article", source=page.final_url,
                title=entry.get("title"), published=published,
            )
        )
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        if not links:
            raise DiscoveryError(
                f"{page.final_url}: malformed feed, no item links could be read ({problem}); "
                "check the URL is a feed"
            )
        if isinstance(problem, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)):
            # a charset or content-type header that disagrees with the document: harmless
            logger.debug("%s: %s", page.final_url, problem)
        else:
            logger.warning("%s: feed is malformed (%s); using the %d links read", page.final_url, problem, len(links))
    return _dedupe(links)


def _child_text(el: lxml.etree._Element, name: str) -> str | None:
    found = el.xpath(f"./*[local-name()='{name}']/text()")
    return found[0].strip() if found else None


def _sitemap_links(page: FetchedPage, bad: list[FailedFetch]) -> list[DiscoveredLink]:
    body, _ = _unpacked(page)
    try:
        root = lxml.etree.fromstring(body.lstrip(), parser=_SITEMAP_PARSER)
    except lxml.etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"{page.final_url}: malformed sitemap XML ({exc}); check the URL is a sitemap") from exc
    if root is None:
        raise DiscoveryError(f"{page.final_url}: empty sitemap document")
    name = lxml.etree.QName(root).localname
    links = []
    if name == "sitemapindex":
        for entry in root.xpath("./*[local-name()='sitemap']"):
            loc = _child_text(entry, "loc")
            url = usable_url(loc, page.final_url, strip_tracking, bad) if loc else None
            if url:
                links.append(
                    DiscoveredLink(
                        url=url, kind="sitemap",
                        source=page.final_url, published=parse_date(_child_text(entry, "lastmod")),
                    )
                )
    elif name == "urlset":
        for entry in root.xpath("./*[local-name()='url']"):
            loc = _child_text(entry, "loc")
            url = usable_url(loc, page.final_url, canonicalize, bad) if loc else None
            if not url:
                continue
            news = entry.xpath("./*[local-name()='news']")
            title = None
            published = parse_date(_child_text(entry, "lastmod"))
            if news:
                published = parse_date(_child_text(news[0], "publication_date")) or published
                title = _child_text(news[0], "title")
            links.append(
                DiscoveredLink(
                    url=url, kind="article",
                    source=page.final_url, title=title, published=published,
                )
            )
    else:
        raise DiscoveryError(f"{page.final_url}: root element <{name}> is neither urlset nor sitemapindex")
    return _dedupe(links)


def site_key(url: str) -> str:
    """The site a URL belongs to: its registrable domain (``tribunnews.com`` for every
    ``*.tribunnews.com``), or ``host:port`` for IP addresses and single-label hosts."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    domain = get_tldinfo(f"http://{host}/")[1] if "." in host and not host.replace(".", "").isdigit() else None
    if domain:
        return domain
    return f"{host}:{parts.port}" if parts.port else host


def _same_site(url: str, base: str) -> bool:
    return site_key(url) == site_key(base)


def _is_pager(url: str, base: str) -> bool:
    u, b = urlsplit(url), urlsplit(base)
    if _PAGE_PATH.search(u.path):
        return True
    keys = {k.lower() for k, _ in parse_qsl(u.query)}
    return u.path == b.path and bool(keys & _PAGER_KEYS)


def _listing_links(
    doc: lxml.html.HtmlElement, base: str, bad: list[FailedFetch] | None = None
) -> list[DiscoveredLink]:
    links: list[DiscoveredLink] = []
    base_href = doc.xpath("//base/@href")
    root_url = (usable_url(base_href[0], base, str, bad) if base_href else None) or base
    for href in doc.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href"):
        url = usable_url(href, root_url, strip_tracking, bad)
        if url and _same_site(url, base):
            links.append(DiscoveredLink(url=url, kind="listing", source=base, published=_date_param(url)))
    for link in doc.xpath("//link[@rel='alternate'][@href]"):
        if (link.get("type") or "").lower() in _FEED_TYPES:
            url = usable_url(link.get("href"), root_url, strip_tracking, bad)
            if url and _same_site(url, base):
                links.append(DiscoveredLink(url=url, kind="feed", source=base, title=link.get("title")))
    for a in doc.xpath("//a[@href]"):
        href = a.get("href", "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        found = usable_url(href, root_url, str, bad)
        if found is None:
            continue
        url = found
        if urlsplit(url).scheme not in ("http", "https") or not _same_site(url, base):
            continue
        if _is_pager(url, base):
            clean = strip_tracking(url)
            if clean != strip_tracking(base):
                links.append(DiscoveredLink(url=clean, kind="listing", source=base, published=_date_param(clean)))
        elif _INDEX_PATH.search(urlsplit(url).path) and strip_tracking(url) != strip_tracking(base):
            clean = strip_tracking(url)
            links.append(DiscoveredLink(url=clean, kind="listing", source=base, published=_date_param(clean)))
        elif looks_like_article_url(url):
            title = " ".join(a.text_content().split()) or None
            links.append(DiscoveredLink(url=canonicalize(url), kind="article", source=base, title=title))
    return _dedupe(links)


def _date_param(url: str) -> dt.datetime | None:
    """The day of a dated index page (``?date=2024-1-15``), as midnight UTC."""
    for k, v in parse_qsl(urlsplit(url).query):
        if k.lower() in ("date", "tanggal"):
            m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", v.strip())
            if m:
                try:
                    return dt.datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=dt.timezone.utc)
                except ValueError:
                    return None
    return None
