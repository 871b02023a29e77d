"""Generic adapter for outlets without a dedicated one: structured data first, body via trafilatura.

Metadata comes from JSON-LD and meta tags (see :class:`~scrapers.adapters.base.SiteAdapter`);
the body is trafilatura's precision-oriented extraction, then our Indonesian boilerplate rules.
Trafilatura sometimes keeps teaser lists that sit beside the article ("related" blocks, sidebar
headlines); when the page has a clear main container (the element with the most paragraph text
in its own ``<p>`` children), paragraphs that do not occur inside it are dropped.
"""

from __future__ import annotations

import logging

import lxml.html
import trafilatura

from scrapers.adapters.base import Page, SiteAdapter
from scrapers.adapters.boilerplate import normalise_space

logger = logging.getLogger(__name__)

#: Keep trafilatura's output unfiltered when the container check would remove more than this share.
_MAX_DROPPED_SHARE = 0.5


def main_container_text(doc: lxml.html.HtmlElement) -> str:
    """Text (whitespace removed) of the element whose direct ``<p>`` children hold the most text."""
    best, best_len = None, 0
    for p in doc.iter("p"):
        parent = p.getparent()
        if parent is None:
            continue
        total = sum(len(c.text_content()) for c in parent if c.tag == "p")
        if total > best_len:
            best, best_len = parent, total
    return _squash(best.text_content()) if best is not None and best_len >= 400 else ""


def _squash(text: str) -> str:
    """Text without any whitespace, so line-break handling cannot break a substring test."""
    return "".join(normalise_space(text).split())


class GenericAdapter(SiteAdapter):
    """Any news page: JSON-LD/meta for metadata, trafilatura for the body."""

    name = "generic"

    def body(self, page: Page) -> list[str]:
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
        container = main_container_text(page.doc)
        if not container or not paragraphs:
            return paragraphs
        kept = [p for p in paragraphs if p and _squash(p) in container]
        dropped = sum(map(len, paragraphs)) - sum(map(len, kept))
        if dropped > _MAX_DROPPED_SHARE * sum(map(len, paragraphs)):
            logger.debug("main-container check would drop %d chars on %s; keeping trafilatura output", dropped, page.url)
            return paragraphs
        return kept
