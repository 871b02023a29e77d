"""Generic adapter for outlets without a dedicated one: the best of several body candidates.

Metadata comes from JSON-LD and meta tags (see :class:`~scrapers.adapters.base.SiteAdapter`).
The body is chosen among candidates by how well they agree (:func:`choose`):

- ``trafilatura``: trafilatura's fast extraction of the parsed page, kept to the page's main
  container (the element with the most paragraph text in its own ``<p>`` children) when that
  removes only teaser lists beside the article;
- ``own-rules``: the block elements of that main container and its like-classed siblings,
  without figures, captions, asides and share/related/newsletter blocks;
- ``json-ld``: the article JSON-LD ``articleBody``, unless it is a summary of a longer body.

When the trafilatura body agrees with one of the others it is kept; otherwise trafilatura's
full cascade (its recall fallback, readability and jusText comparisons) runs as a further
candidate and the candidate that agrees best with the rest wins.

Whether a page is an article at all is decided by evidence (:func:`article_evidence`): markup,
URL shape, body length and paragraphs, the title printed as the heading, a date in the text, and
how much of the body is link text. A home page or listing scores low and is refused with
:class:`~scrapers.exceptions.NotAnArticle`; ``GenericAdapter(require_evidence=False)`` (``warta
parse --force``) parses it anyway.
"""

from __future__ import annotations

import copy
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import lxml.html
import trafilatura

from scrapers.adapters.base import Page, SiteAdapter, is_person_name, names_of, text_of
from scrapers.adapters.boilerplate import clean_paragraphs, normalise_space
from scrapers.adapters.dates import date_from_url
from scrapers.exceptions import NotAnArticle

logger = logging.getLogger(__name__)

#: A body with fewer words than this is not an article (teaser, listing, error page).
MIN_WORDS = 30
#: Token F1 at or above which two candidate bodies count as the same text.
AGREEMENT = 0.8
#: A JSON-LD body shorter than this share of a page body that contains it is a summary.
SUMMARY_SHARE = 0.6
#: Evidence score (see :func:`article_evidence`) a page needs to be taken as an article.
MIN_EVIDENCE = 3
#: Keep trafilatura's output unfiltered when the container check would remove more than this share.
_MAX_DROPPED_SHARE = 0.5
#: CPU seconds the main-container check may take on one page; past it trafilatura's output is kept as is.
CONTAINER_CHECK_BUDGET = 2.0

_TOKEN = re.compile(r"\w+")
# Embedded social posts: quoted in the page, not written by the outlet.
_EMBEDS = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed')]"
)
# Elements trafilatura drops anyway; removing them first makes its tree passes shorter.
_INERT = ("script", "style", "noscript", "svg", "template", "link", "meta")
# Page furniture trafilatura's cleaning removes too, dropped before its fast pass (the full
# cascade gets the page with these, as its recall retry may need them).
_FURNITURE = _INERT + (
    "aside", "footer", "nav", "menu", "iframe", "embed", "object", "select", "button", "figure",
    "picture", "video", "audio", "canvas", "map", "input", "textarea", "label",
)


# ---------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    """One body the page could have, with its word counts for comparisons."""

    source: str
    paragraphs: list[str]
    counts: Counter[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.counts = Counter(_TOKEN.findall(" ".join(self.paragraphs).lower()))

    @property
    def words(self) -> int:
        """Number of word tokens."""
        return sum(self.counts.values())


def agreement(a: Candidate, b: Candidate) -> float:
    """Token F1 between two candidates (0.0 when either is empty)."""
    overlap = sum((a.counts & b.counts).values())
    if not overlap:
        return 0.0
    return 2 * overlap / (a.words + b.words)


def contained_share(part: Candidate, whole: Candidate) -> float:
    """Share of ``part``'s tokens that also occur in ``whole``."""
    return sum((part.counts & whole.counts).values()) / part.words if part.words else 0.0


def main_container(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element whose direct ``<p>`` children hold the most text (None below 400 characters).

    One pass over the paragraphs (each ``<p>``'s text is measured once), so time grows
    linearly with the page.
    """
    totals: dict[lxml.html.HtmlElement, int] = {}
    for p in doc.iter("p"):
        parent = p.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(p.text_content())
    if not totals:
        return None
    best = max(totals, key=totals.__getitem__)
    return best if totals[best] >= 400 else None


def main_container_text(doc: lxml.html.HtmlElement) -> str:
    """Text (whitespace removed) of :func:`main_container` ('' when there is none)."""
    best = main_container(doc)
    return _squash(best.text_content()) if best is not None else ""


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


def keep_to_container(paragraphs: list[str], container: str, url: str) -> list[str]:
    """``paragraphs`` without those outside the main container, unless that would drop most of them."""
    if not container or not paragraphs:
        return paragraphs
    found = in_container(paragraphs, container, deadline=time.thread_time() + CONTAINER_CHECK_BUDGET)
    if found is None:
        logger.warning("main-container check over its %.0f s CPU budget on %s; keeping trafilatura output",
                       CONTAINER_CHECK_BUDGET, url)
        return paragraphs
    dropped = sum(map(len, paragraphs)) - sum(map(len, found))
    if dropped > _MAX_DROPPED_SHARE * sum(map(len, paragraphs)):
        logger.debug("main-container check would drop %d chars on %s; keeping trafilatura output", dropped, url)
        return paragraphs
    return found


def trafilatura_paragraphs(doc: lxml.html.HtmlElement, url: str, *, fast: bool) -> list[str]:
    """Body paragraphs trafilatura finds in a copy of ``doc`` (no comments, tables or embedded posts).

    Args:
        doc: the parsed page (left unchanged).
        url: the page URL.
        fast: drop page furniture (asides, navigation, footers, figures, forms' fields) first and
            skip trafilatura's fallback comparisons (readability, jusText).
    """
    tree = copy.deepcopy(doc)
    for el in [*tree.iter(*(_FURNITURE if fast else _INERT)), *tree.xpath(_EMBEDS)]:
        if el.getparent() is not None:
            el.drop_tree()
    if fast:
        for el in [*_site_headers(tree), *_menus(tree)]:
            if el.getparent() is not None:
                el.drop_tree()
    text = trafilatura.extract(
        tree,
        url=url,
        fast=fast,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
        with_metadata=False,
    )
    return [normalise_space(p) for p in text.split("\n")] if text else []


def _site_headers(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """``<header>`` elements outside any ``<article>`` or ``<main>`` and without an ``<h1>`` (the site's masthead)."""
    return [
        h for h in tree.iter("header")
        if h.find(".//h1") is None and not any(a.tag in ("article", "main") for a in h.iterancestors())
    ]


def _menus(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Lists of four or more items that are each a short link (menus, teaser lists)."""
    out = []
    for lst in tree.iter("ul", "ol"):
        items = [li for li in lst if li.tag == "li"]
        if len(items) >= 4 and all(
            li.find(".//a") is not None and len(li.text_content().split()) <= 12 for li in items
        ):
            out.append(lst)
    return out


_SKIP_TAGS = frozenset({
    "figure", "figcaption", "aside", "nav", "footer", "header", "form", "script", "style", "noscript",
    "button", "select", "svg", "iframe", "template", "table",
})
_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "blockquote", "pre", "li"})
_NESTED_BLOCKS = frozenset({"p", "div", "ul", "ol", "table"})
_BOILER_CLASS = re.compile(
    r"related|share|social|caption|newsletter|promo|advert|\bads?\b|ad-|recirc|byline|comment|"
    r"footer|sidebar|widget|subscribe|author-bio|\btags?\b|breadcrumb|video|gallery|toolbar|menu|\bnav",
    re.I,
)


def own_rule_paragraphs(best: lxml.html.HtmlElement | None) -> list[str]:
    """Block texts of the main container ``best`` and its like-classed siblings (articles split in several divs).

    Figures, captions, asides, forms and elements whose class or id names a share, related,
    newsletter, comment, gallery or similar block are left out.
    """
    if best is None:
        return []
    parent = best.getparent()
    containers = [best]
    if parent is not None:
        containers = [c for c in parent if c is best or (c.tag == best.tag and c.get("class") == best.get("class"))]
    out: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag or tag in _SKIP_TAGS:
                continue
            if _BOILER_CLASS.search(f"{child.get('class') or ''} {child.get('id') or ''}"):
                continue
            if tag in _BLOCK_TAGS and not any(
                isinstance(d.tag, str) and d.tag in _NESTED_BLOCKS for d in child.iterdescendants()
            ):
                text = normalise_space(child.text_content())
                if text:
                    out.append(text)
            else:
                walk(child)

    for container in containers:
        walk(container)
    return out


def json_ld_paragraphs(page: Page) -> list[str]:
    """The article JSON-LD ``articleBody``, one paragraph a line ([] when absent)."""
    body = page.article_ld.get("articleBody")
    if not isinstance(body, str):
        return []
    return [p for p in (normalise_space(x) for x in body.split("\n")) if p]


def is_summary(short: Candidate, body: Candidate) -> bool:
    """True when ``short`` is much shorter than ``body`` and nearly all of it occurs in ``body``."""
    return bool(short.words) and short.words < SUMMARY_SHARE * body.words and contained_share(short, body) >= AGREEMENT


#: A body no other candidate can check is taken as it is from this many words on.
UNCHECKED_WORDS = 100


def confirmed(body: Candidate, own: Candidate, structured: Candidate) -> bool:
    """True when ``body`` needs no second opinion.

    It does when it agrees with the own-rules or the JSON-LD body (the latter only when that is
    not a summary of the own-rules body), when it covers an own-rules body that holds only part
    of the article (one of several containers), or when there is nothing to check it against and
    it is long enough to be an article.
    """
    if body.words < MIN_WORDS:
        return False
    if agreement(body, own) >= AGREEMENT:
        return True
    if agreement(body, structured) >= AGREEMENT and not is_summary(structured, own):
        return True
    if own.words >= MIN_WORDS and own.words < body.words and contained_share(own, body) >= AGREEMENT:
        return True
    return not own.words and not structured.words and body.words >= UNCHECKED_WORDS


def choose(candidates: list[Candidate]) -> Candidate | None:
    """The candidate that agrees best with the others (ties: the longer); None when all are empty.

    A ``json-ld`` candidate much shorter than a page body that contains it is a summary and is
    never chosen over that body.
    """
    present = [c for c in candidates if c.words]
    bodies = [c for c in present if c.source != "json-ld"]
    present = [c for c in present if not (c.source == "json-ld" and any(is_summary(c, b) for b in bodies))]
    if not present:
        return None
    if len(present) == 1:
        return present[0]

    def score(c: Candidate) -> tuple[float, int]:
        return sum(agreement(c, o) for o in present if o is not c) / (len(present) - 1), c.words

    return max(present, key=score)


# ---------------------------------------------------------------------------- tidying

_BULLET = re.compile(r"^[-•*]\s+")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]$")


def tidy(paragraphs: list[str], title: str | None) -> list[str]:
    """List bullets cut, the title repeated as first paragraph dropped, trailing menu words dropped."""
    out = [_BULLET.sub("", p) for p in paragraphs]
    out = [p for p in out if p and p not in ("-", "•", "*")]
    if out and title and _squash(out[0]).lower() == _squash(title).lower():
        out = out[1:]
    while out and len(out[-1].split()) <= 2 and not _SENTENCE_END.search(out[-1]):
        out.pop()
    return out


# ---------------------------------------------------------------------------- article evidence

_LISTING_PATH = re.compile(
    r"/(?:tag|tags|topic|topics|topik|category|categories|kategori|kanal|section|indeks|index-news|"
    r"search|cari|archive|arsip|author|penulis|page)(?:/|$)",
    re.I,
)
_ROOT_PATHS = frozenset({"", "index.html", "index.php", "index.htm", "home"})
_ID_IN_URL = re.compile(r"(?:\d{4,}|[?&](?:id|idx|p|nid|aid|artid|article_id|news_id)=\d+)", re.I)
_LINK_PENALTY = 3
_PROSE_END = re.compile(r"[.!?…\"”’»),:;]$")
_TEXT_DATE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|"
    r"\d{1,2}\.?\s+[A-Za-zÄÖÜäöüé]{3,10}\.?\s+(?:19|20)\d{2}|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+(?:19|20)\d{2})\b"
)


@dataclass
class Evidence:
    """How strongly a page shows it is one article: a score and the reasons that made it."""

    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        """Count ``points`` for ``reason`` (negative: evidence against)."""
        self.score += points
        self.reasons.append(f"{reason} ({points:+d})")


def _markup_evidence(page: Page, ev: Evidence) -> None:
    if page.article_ld:
        ev.add(2, "article JSON-LD")
    if (page.m("og:type") or "").lower() == "article":
        ev.add(1, "og:type article")
    if page.m("article:published_time"):
        ev.add(1, "published time")
    cards = sum(1 for _ in page.doc.iter("article"))
    if cards >= 3:
        ev.add(-1, f"{cards} <article> cards")
    elif cards or ("articleBody" in page.html and page.doc.xpath('//*[@itemprop="articleBody"]')):
        ev.add(1, "article markup")


def _url_evidence(page: Page, ev: Evidence) -> None:
    parts = urlsplit(page.url)
    if parts.scheme not in ("http", "https"):
        return  # a saved file: its path says nothing about the page
    path = parts.path.strip("/")
    last = path.rsplit("/", 1)[-1]
    if path.lower() in _ROOT_PATHS:
        ev.add(-4, "site root URL")
        return
    if date_from_url(page.url) or date_from_url(page.m("og:url") or ""):
        ev.add(2, "dated URL")
    if _LISTING_PATH.search("/" + path) or "page=" in parts.query:
        ev.add(-2, "listing URL")
    if len(re.split(r"[-_+]", re.sub(r"\.\w+$", "", last))) >= 4:
        ev.add(1, "slug URL")
    if _ID_IN_URL.search(path + "?" + parts.query):
        ev.add(1, "id in URL")
    if "/" not in path and not re.search(r"[\d_-]", path):
        ev.add(-1, "section-like URL")


def _body_evidence(page: Page, paragraphs: list[str], title: str | None, ev: Evidence) -> None:
    words = sum(len(p.split()) for p in paragraphs)
    if words >= 250:
        ev.add(2, f"{words} words of body")
    elif words >= 120:
        ev.add(1, f"{words} words of body")
    elif words < 60:
        ev.add(-1, f"only {words} words of body")
    long_paragraphs = sum(1 for p in paragraphs if len(p.split()) >= 20)
    if long_paragraphs >= 3:
        ev.add(1, f"{long_paragraphs} paragraphs of 20+ words")
    heading = text_of(page.doc.find(".//h1")) if page.doc.find(".//h1") is not None else ""
    if title and heading and (_squash(heading).lower() in _squash(title).lower()
                              or _squash(title).lower() in _squash(heading).lower()) and len(heading.split()) >= 3:
        ev.add(1, "title printed as heading")
    prose = sum(len(p.split()) for p in paragraphs if _PROSE_END.search(p))
    if words and prose < 0.5 * words:
        ev.add(-2, "body is mostly headlines (lines without a closing stop)")
    if words and ev.score < MIN_EVIDENCE + _LINK_PENALTY:  # else the link test cannot change the verdict
        links = _squash("\x00".join(a.text_content() for a in page.doc.iter("a"))).lower()
        linked = sum(len(p.split()) for p in paragraphs if len(p) > 10 and _squash(p).lower() in links)
        if linked > 0.4 * words:
            ev.add(-_LINK_PENALTY, "body is mostly link text")


def article_evidence(page: Page, paragraphs: list[str], title: str | None) -> Evidence:
    """Score how strongly ``page`` shows it is a single article, from markup, URL, text and links.

    Args:
        page: the parsed page.
        paragraphs: the chosen body paragraphs.
        title: the article title as found (None when there is none).

    Returns:
        The evidence; a page is taken as an article when its score reaches :data:`MIN_EVIDENCE`.
    """
    ev = Evidence()
    _markup_evidence(page, ev)
    _url_evidence(page, ev)
    if page.doc.find(".//time") is not None or _TEXT_DATE.search(" ".join(paragraphs[:1]) + " " + _head_text(page)):
        ev.add(1, "date in text")
    _body_evidence(page, paragraphs, title, ev)
    return ev


def _head_text(page: Page) -> str:
    """Visible text around the heading (byline, date line), at most 600 characters after it."""
    h1 = page.doc.find(".//h1")
    if h1 is None:
        return ""
    out: list[str] = []
    size = 0
    for el in h1.itersiblings():
        text = text_of(el) if isinstance(el.tag, str) else ""
        out.append(text)
        size += len(text)
        if size > 600:
            break
    parent = h1.getparent()
    if size < 200 and parent is not None:
        for el in parent.itersiblings():
            text = text_of(el) if isinstance(el.tag, str) else ""
            out.append(text[:600])
            size += len(text)
            if size > 600:
                break
    return " ".join(out)[:1200]


# ---------------------------------------------------------------------------- the adapter


class GenericAdapter(SiteAdapter):
    """Any news page: JSON-LD/meta for metadata, the best of several body candidates."""

    name = "generic"

    def __init__(self, require_evidence: bool = True) -> None:
        """Args: require_evidence: refuse pages that do not show they are articles (False: parse anyway)."""
        self.require_evidence = require_evidence

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """JSON-LD/meta authors; else "Penulis:/Pewarta:" lines; the editor from an "Editor:" line."""
        authors, editor = super().people(page)
        if authors and editor is not None:
            return authors, editor
        credits = credit_lines(page)
        if not authors:
            authors = credits.get("penulis") or credits.get("pewarta") or credits.get("reporter") or []
        if editor is None:
            editor = next((n for n in credits.get("editor", []) if n not in authors), None)
        return authors, editor

    def body(self, page: Page) -> list[str]:
        """Article body paragraphs; raises NotAnArticle for home pages, listings and stubs."""
        title = self.title(page)
        paragraphs = self.extract(page, title)
        words = sum(len(p.split()) for p in paragraphs)
        if not self.require_evidence:
            return paragraphs
        evidence = article_evidence(page, paragraphs, title)
        if evidence.score < MIN_EVIDENCE:
            raise NotAnArticle(
                f"{page.url} does not show it is an article (evidence {evidence.score} < {MIN_EVIDENCE}: "
                f"{'; '.join(evidence.reasons) or 'none'}): a home page or listing? "
                "Use `warta parse --force` to parse it anyway"
            )
        if words < MIN_WORDS:
            raise NotAnArticle(f"{page.url} has only {words} words of body text: not an article")
        return paragraphs

    def extract(self, page: Page, title: str | None = None) -> list[str]:
        """The chosen body paragraphs (see the module docstring), cleaned and tidied."""
        main = main_container(page.doc)
        container = _squash(main.text_content()) if main is not None else ""

        def candidate(source: str, make: Callable[[], list[str]]) -> Candidate:
            paragraphs = make()
            return Candidate(source, tidy(clean_paragraphs(paragraphs), title) if paragraphs else [])

        fast = candidate("trafilatura", lambda: keep_to_container(
            trafilatura_paragraphs(page.doc, page.url, fast=True), container, page.url))
        others = [candidate("own-rules", lambda: own_rule_paragraphs(main)),
                  candidate("json-ld", lambda: json_ld_paragraphs(page))]
        if confirmed(fast, *others):
            return fast.paragraphs
        cheap = choose([fast, *others])
        if cheap is not None and cheap.words >= MIN_WORDS and any(
            agreement(cheap, c) >= AGREEMENT for c in (fast, *others) if c is not cheap
        ):
            return cheap.paragraphs  # two of the three agree: no third opinion needed
        full = candidate("trafilatura-full", lambda: keep_to_container(
            trafilatura_paragraphs(page.doc, page.url, fast=False), container, page.url))
        best = choose([fast, full, *others])
        if best is None:
            return []
        logger.debug("body of %s from %s (of %s)", page.url, best.source,
                     ", ".join(f"{c.source}:{c.words}" for c in (fast, full, *others)))
        return best.paragraphs


_CREDIT_WORDS = ("Editor", "Penulis", "Pewarta", "Reporter")
_CREDIT_TEXT = "//text()[" + " or ".join(f"contains(., '{w}')" for w in _CREDIT_WORDS) + "]"
_CREDIT_TAGS = frozenset({"p", "div", "span", "li"})
# After a label in the markup: tags and (no-break) spaces, then the colon.
_AFTER_LABEL = re.compile(r"(?:\s|&nbsp;|&#160;|&#xa0;|</?[a-zA-Z][^>]*>)*:")


def _has_credit_label(html: str) -> bool:
    """True when the markup has a credit label followed by a colon (else there is no credit line).

    Case-sensitive, as the text search that follows it is.
    """
    for word in _CREDIT_WORDS:
        at = html.find(word)
        while at >= 0:
            if _AFTER_LABEL.match(html, at + len(word)):
                return True
            at = html.find(word, at + len(word))
    return False


_CREDIT = re.compile(r"^(Penulis|Pewarta|Reporter|Editor)\s*:\s*([A-Z][\w.' -]{1,60})$", re.I)


def credit_lines(page: Page) -> dict[str, list[str]]:
    """Names on short credit lines ("Penulis: X", "Editor : Y"), by lower-cased label.

    Only the text nodes holding a label are searched, then their short enclosing
    ``p``/``div``/``span``/``li`` elements (under 90 characters).
    """
    found: dict[str, list[str]] = {}
    if not _has_credit_label(page.html):
        return found
    seen: set[lxml.html.HtmlElement] = set()
    for node in page.doc.xpath(_CREDIT_TEXT):
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        while el is not None and el not in seen:
            seen.add(el)
            text = normalise_space(el.text_content())
            if len(text) >= 90:
                break  # enclosing elements only get longer
            m = _CREDIT.match(text) if el.tag in _CREDIT_TAGS else None
            if m:
                names = [n for n in names_of(m.group(2)) if is_person_name(n)]
                bucket = found.setdefault(m.group(1).lower(), [])
                bucket.extend(n for n in names if n not in bucket)
            el = el.getparent()
    return found
