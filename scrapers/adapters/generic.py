"""Generic adapter for outlets without a dedicated one: structured data first, body via trafilatura.

Metadata comes from JSON-LD and meta tags (see :class:`~scrapers.adapters.base.SiteAdapter`);
the body is trafilatura's precision-oriented extraction, then our Indonesian boilerplate rules.
"""

from __future__ import annotations

import logging

import trafilatura

from scrapers.adapters.base import Page, SiteAdapter, text_of, first

logger = logging.getLogger(__name__)


class GenericAdapter(SiteAdapter):
    """Any news page: JSON-LD/meta for metadata, trafilatura for the body."""

    name = "generic"

    def title(self, page: Page) -> str | None:
        """JSON-LD headline / og:title, preferring the h1 when it is the same title with punctuation."""
        title = super().title(page)
        h1 = first(page.doc, "//h1")
        if title and h1 is not None:
            h1_text = text_of(h1)
            if h1_text != title and _letters(h1_text) == _letters(title):
                return h1_text
        return title

    def body(self, page: Page) -> list[str]:
        """Body paragraphs from trafilatura (precision mode, no comments or tables)."""
        text = trafilatura.extract(
            page.html,
            url=page.url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            deduplicate=False,
            with_metadata=False,
        )
        return text.split("\n") if text else []


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
