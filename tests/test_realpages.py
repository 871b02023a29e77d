"""Adapters on real saved pages (../shared/data/html/indonesian): fields and body token-F1 floors."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from gold_pages import GoldPage, gold_pages, htmldate_days, token_f1
from pipeline.cli import cli
from pipeline.models import Article
from scrapers.adapters import BOILERPLATE_PHRASES, adapter_for, contains_boilerplate, parse_article

pytestmark = pytest.mark.shared

GOLD = gold_pages()
#: Average body token-F1 over the pages that have an expected text (measured: see the benchmark).
MEAN_F1_FLOOR = 0.95
#: No single page may fall below this.
PAGE_F1_FLOOR = 0.90

_parsed: dict[str, Article] = {}


def parsed(gold: GoldPage) -> Article:
    if gold.file not in _parsed:
        _parsed[gold.file] = parse_article(gold.html(), gold.url)
    return _parsed[gold.file]


@pytest.fixture(params=GOLD, ids=[g.file.split("_")[0] + ":" + g.file[-30:] for g in GOLD])
def gold(request: pytest.FixtureRequest, shared_dir: Path) -> GoldPage:
    return request.param


def test_adapter_family(gold: GoldPage) -> None:
    assert parsed(gold).adapter == gold.family


def test_title(gold: GoldPage) -> None:
    assert parsed(gold).title == gold.title


def test_publication_day_and_offset(gold: GoldPage) -> None:
    art = parsed(gold)
    assert art.published is not None
    assert art.published.date().isoformat() == gold.day
    if gold.published:
        assert art.published.isoformat() == gold.published


def test_htmldate_gold_days(shared_dir: Path) -> None:
    days = htmldate_days()
    assert len(days) == 2
    for gold in GOLD:
        if gold.file in days:
            assert gold.day == days[gold.file]
            assert parsed(gold).published is not None
            assert parsed(gold).published.date().isoformat() == days[gold.file]


def test_writer_and_editor(gold: GoldPage) -> None:
    art = parsed(gold)
    if gold.authors:
        assert art.authors == list(gold.authors)
    if gold.editor:
        assert art.editor == gold.editor
        assert gold.editor not in art.authors


def test_no_boilerplate_and_must_contain(gold: GoldPage) -> None:
    art = parsed(gold)
    assert contains_boilerplate(art.text) == []
    for phrase in ("Baca juga:", "Baca:", "Artikel ini telah tayang di", "SCROLL TO CONTINUE WITH CONTENT"):
        assert phrase in BOILERPLATE_PHRASES
        assert phrase.lower() not in art.text.lower()
    for snippet in gold.must_contain:
        assert snippet in art.text
    for snippet in gold.must_not_contain:
        assert snippet not in art.text
    assert art.canonical_url.startswith("http")
    assert art.html is not None and b"<html" in art.html[:3000].lower()


def test_body_f1_floor(gold: GoldPage) -> None:
    expected = gold.expected_text()
    if expected is None:
        pytest.skip(f"no expected body text for {gold.file}")
    assert token_f1(parsed(gold).text, expected) >= PAGE_F1_FLOOR


def test_mean_body_f1(shared_dir: Path) -> None:
    scores = [token_f1(parsed(g).text, g.expected_text() or "") for g in GOLD if g.expected_text() is not None]
    assert len(scores) == 10
    assert statistics.mean(scores) >= MEAN_F1_FLOOR


def test_tribunnews_real_pager(shared_dir: Path) -> None:
    gold = next(g for g in GOLD if g.file.startswith("tribunnews.com_2020"))
    urls = adapter_for(gold.url).next_page_urls(gold.html().decode("utf-8"), gold.url)
    assert urls == [f"{gold.url}?page={n}" for n in (2, 3, 4)]
    assert adapter_for(gold.url).all_pages_url(gold.url) == gold.url + "?page=all"


def test_cli_parse_json_on_real_page(shared_dir: Path) -> None:
    gold = next(g for g in GOLD if g.file.startswith("tribunnews.com_2020"))
    result = CliRunner().invoke(cli, ["parse", str(gold.path), "--url", gold.url, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == gold.title
    assert data["published"] == "2020-05-04T04:25:13+07:00"
    assert data["authors"] == ["Muhammad Renald Shiftanto"] and data["editor"] == "Sri Juliati"
    assert data["adapter"] == "tribunnews" and data["outlet"] == "tribunnews.com"


def test_cli_parse_summary_and_gzip(shared_dir: Path) -> None:
    gold = next(g for g in GOLD if g.file.endswith("2026_01_08.html.gz"))
    result = CliRunner().invoke(cli, ["parse", str(gold.path)])
    assert result.exit_code == 0, result.output
    assert gold.title in result.output
    assert "mediaindonesia.com" in result.output


def test_cli_parse_error_is_clean(tmp_path: Path) -> None:
    bad = tmp_path / "empty.html"
    bad.write_text("")
    result = CliRunner().invoke(cli, ["parse", str(bad)])
    assert result.exit_code == 1
    assert "cannot parse" in result.output and "Traceback" not in result.output
