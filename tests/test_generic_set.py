"""The generic adapter on real pages of outlets it has no rules for (tests/fixtures/generic).

Every page is an article a reader would call one, so none may be refused; the body must come
close to the hand-written expected text and, over the set, beat trafilatura's defaults measured
in the same run.
"""

from __future__ import annotations

import statistics

import pytest
import trafilatura

from gold_pages import GenericPage, generic_pages, token_f1
from pipeline.models import Article
from scrapers.adapters import contains_boilerplate, parse_article
from scrapers.encoding import decode_html

PAGES = generic_pages()
#: Mean body token-F1 over the set (measured 0.958; trafilatura 0.886).
MEAN_F1_FLOOR = 0.94
#: No page below this (the lowest, boingboing's 45-word post under a long teaser list, is 0.21).
PAGE_F1_FLOOR = 0.20
#: The generic adapter's mean F1 must exceed trafilatura's by at least this much.
MARGIN_OVER_TRAFILATURA = 0.02

_parsed: dict[str, Article] = {}


def parsed(page: GenericPage) -> Article:
    if page.file not in _parsed:
        _parsed[page.file] = parse_article(page.html(), page.url)
    return _parsed[page.file]


def test_the_set_is_large_enough() -> None:
    assert len(PAGES) >= 30
    assert len({p.url for p in PAGES}) == len(PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[p.file.removesuffix(".html.gz") for p in PAGES])
def test_page_is_parsed_by_the_generic_adapter(page: GenericPage) -> None:
    art = parsed(page)
    assert art.adapter == "generic"
    assert art.title
    assert contains_boilerplate(art.text) == []
    assert token_f1(art.text, page.expected_text()) >= PAGE_F1_FLOOR


def test_mean_f1_floor_and_margin_over_trafilatura() -> None:
    ours, theirs = [], []
    for page in PAGES:
        expected = page.expected_text()
        ours.append(token_f1(parsed(page).text, expected))
        text = decode_html(page.html())[0]
        theirs.append(token_f1(trafilatura.extract(text, url=page.url) or "", expected))
    assert statistics.mean(ours) >= MEAN_F1_FLOOR
    assert statistics.mean(ours) >= statistics.mean(theirs) + MARGIN_OVER_TRAFILATURA
