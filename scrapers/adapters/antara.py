"""ANTARA news agency (www.antaranews.com and the regional {city}.antaranews.com sites).

Reported markup: ``h1`` in the article header (new) or ``h1.post-title`` (old); body
``div.wrap__article-detail-content`` (new) or ``div.post-content`` (old); the date in
``span.article-date`` / ``meta[itemprop=datePublished]``; a closing line
"Pewarta: X / Editor: Y / COPYRIGHT © ANTARA 2023"; "Baca juga" in ``span.baca-juga``.
Regional sites print WITA (+08) or WIT (+09) times.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from scrapers.adapters.base import Page, SiteAdapter, block_paragraphs, first, names_of, text_of, xp_class
from scrapers.adapters.dates import parse_iso, parse_local

logger = logging.getLogger(__name__)

_BODY_XPATHS = (
    "//div[" + xp_class("wrap__article-detail-content") + "]",
    "//div[" + xp_class("post-content") + "]",
    '//*[@itemprop="articleBody"]',
)
_BODY_DROP = (
    ".//*[" + xp_class("baca-juga") + "] | .//*[" + xp_class("text-muted") + "] | .//*[starts-with(@class, 'ads')]"
    " | .//*[" + xp_class("adsbygoogle") + "] | .//*[" + xp_class("quote_old") + "] | .//*[" + xp_class("tags") + "]"
)
_CREDIT = re.compile(r"(Pewarta|Editor|Penulis|Reporter|Penerjemah)\s*:\s*([^\n\u2028]+?)\s*(?=$|\n|\u2028|(?:Pewarta|Editor|Penulis|Reporter|Penerjemah|COPYRIGHT|Copyright)\b)", re.I)


class AntaraAdapter(SiteAdapter):
    """antaranews.com and its regional sites."""

    name = "antara"
    hosts = ("antaranews.com",)
    title_suffix = re.compile(r"\s+[-|]\s+ANTARA(?: News)?(?:\s+\w+)*$", re.I)

    @classmethod
    def fingerprint(cls, html: str) -> bool:
        """ANTARA markup: its article-content block or the "(ANTARA) -" dateline with a Pewarta credit."""
        return "wrap__article-detail-content" in html or ("(ANTARA)" in html and "Pewarta" in html)

    def visible_title(self, page: Page) -> str | None:
        """The article h1 (``h1.post-title`` on old pages)."""
        return text_of(first(page.doc, "//h1[" + xp_class("post-title") + "]", "//div[" + xp_class("wrap__article-detail-title") + "]//h1", "//article//h1", "//h1")) or None

    def visible_date(self, page: Page) -> dt.datetime | None:
        """``span.article-date``, the ``wrap__article-detail-info`` date, or the line under the old ``h1.post-title``."""
        el = first(
            page.doc,
            "//*[" + xp_class("article-date") + "]",
            "//div[" + xp_class("wrap__article-detail-info") + "]//span[" + xp_class("text-secondary") + "]",
            "//h1[" + xp_class("post-title") + "]/following-sibling::p[1]",
        )
        if el is not None:
            value = parse_local(text_of(el))
            if value is not None:
                return value
        t = first(page.doc, "//time[@datetime]")
        return parse_iso(t.get("datetime")) if t is not None else None

    def _credits(self, page: Page) -> dict[str, list[str]]:
        box = first(page.doc, *_BODY_XPATHS)
        found: dict[str, list[str]] = {}
        if box is None:
            return found
        for el in box.xpath(".//p | .//*[" + xp_class("text-muted") + "]"):
            parts = [normalise(t) for t in el.xpath(".//text()")]
            text = "\n".join(p for p in parts if p)
            for m in _CREDIT.finditer(text):
                found.setdefault(m.group(1).lower(), []).extend(names_of(m.group(2)))
        return found

    def people(self, page: Page) -> tuple[list[str], str | None]:
        """"Pewarta:" names are the writers, "Editor:" the editor; JSON-LD author as fallback."""
        credits = self._credits(page)
        authors = credits.get("pewarta") or credits.get("penulis") or credits.get("reporter") or []
        editors = credits.get("editor") or []
        if not authors:
            authors, _ = super().people(page)
        editor = editors[0] if editors else None
        return [a for a in authors if a != editor], editor

    def tags(self, page: Page) -> list[str]:
        """Tag links under the article, else keywords."""
        tags = [text_of(a) for a in page.doc.xpath("//*[" + xp_class("tags") + " or " + xp_class("tag-list") + "]//a")]
        tags = list(dict.fromkeys(t.lstrip("#") for t in tags if t))
        return tags or super().tags(page)

    def body(self, page: Page) -> list[str]:
        """Paragraphs of the article-content block without "Baca juga", credits and ads."""
        box = first(page.doc, *_BODY_XPATHS)
        return block_paragraphs(box, _BODY_DROP) if box is not None else []


def normalise(text: str) -> str:
    """Whitespace-normalised text node."""
    return " ".join(text.split())
