"""The Datasette UI over a store: canned queries over HTTP, and real headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.serve import BackgroundServer
from db.store import Store
from pipeline.models import (
    Article,
    ArticleFacts,
    Official,
    Place,
    ProgrammeParticipant,
    ProgrammeStage,
    Provenance,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
WIB = dt.timezone(dt.timedelta(hours=7))
P = Provenance(0, 20, "kalimat", "warta.test", "1.0")
SEED_TITLE = "Kabupaten Muara Enim Jadi Percontohan Program Smart City"


def _article(n: int, outlet: str, title: str, text: str) -> Article:
    return Article(url=f"https://{outlet}/read/{n}", canonical_url=f"https://{outlet}/read/{n}", outlet=outlet,
                   title=title, paragraphs=[text], published=dt.datetime(2019, 5, 15, 9, n, tzinfo=WIB),
                   section="Sumsel", tags=["smart city"])


@pytest.fixture()
def served(db_path: Path) -> Iterator[str]:
    store = Store(db_path)
    store.load(
        _article(1, "sumsel.tribunnews.com", SEED_TITLE,
                 "Pemkab Muara Enim menghadiri penandatanganan nota kesepahaman Gerakan Menuju 100 Smart City "
                 "Tahap 3 Tahun 2019 di Jakarta. Bupati Muara Enim Ir. H. Ahmad Yani, MM diwakili asisten "
                 "pemerintahan. Muara Enim terpilih menjadi percontohan pada tahun 2018."),
        ArticleFacts(
            officials=[Official("Ahmad Yani", "bupati muara enim", "Kabupaten Muara Enim", "Ahmad Yani", P,
                                region_code="16.03")],
            places=[Place("Kabupaten Muara Enim", "Muara Enim", "regency", P, "16.03")],
            program_stages=[ProgrammeStage("Gerakan Menuju 100 Smart City", 3, 2019, "Tahap 3 Tahun 2019", P)],
            program_participants=[ProgrammeParticipant("Kabupaten Muara Enim", "Gerakan Menuju 100 Smart City",
                                                       2018, "Muara Enim terpilih", P, None, "16.03")],
        ),
    )
    store.load(_article(2, "www.antaranews.com", "Banyuasin matangkan rencana kota cerdas",
                        "Pemkab Banyuasin mematangkan rencana induk kota cerdas bersama tim ahli."), ArticleFacts())
    store.load(_article(3, "news.detik.com", "Harga cabai naik", "Harga cabai merah naik di pasar induk."),
               ArticleFacts())
    store.close()
    with BackgroundServer(db_path) as server:
        yield server.url


def _json(url: str) -> list[dict]:  # type: ignore[type-arg]
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_canned_queries_over_http(served: str) -> None:
    q = urllib.parse.quote('"smart city" (percontohan')
    rows = _json(f"{served}/warta/search.json?_shape=array&q={q}")
    assert [r["title"] for r in rows] == [SEED_TITLE] and "**" in rows[0]["snippet"]
    officials = _json(f"{served}/warta/officials_by_region.json?_shape=array&region=16.03")
    assert [(o["official"], o["position"]) for o in officials] == [("Ahmad Yani", "bupati muara enim")]
    participants = _json(f"{served}/warta/programme_participants_by_year.json?_shape=array&programme=smart")
    assert [(p["region"], p["year"], p["region_code"]) for p in participants] == [("Kabupaten Muara Enim", 2018, "16.03")]


@pytest.mark.browser
def test_browse_search_and_facet_in_chromium(served: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian chromium to run the web UI test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(served + "/")
            assert "warta knowledge store" in page.content()
            # the canned search query's form
            page.goto(served + "/warta/search")
            page.fill("input[name=q]", "percontohan smart")
            page.locator("form input[type=submit]").first.click()
            page.wait_for_selector(f"td:has-text('{SEED_TITLE}')")
            # the FTS search box and a facet on the articles table
            page.goto(served + "/warta/articles")
            page.fill("input#_search", "kota cerdas")
            page.locator("input#_search").press("Enter")
            page.wait_for_url("**_search=kota+cerdas**")
            assert page.locator("table.rows-and-columns tbody tr").count() == 1
            page.goto(served + "/warta/articles")
            assert page.locator("table.rows-and-columns tbody tr").count() == 3
            page.locator(".facet-info a", has_text="news.detik.com").first.click()
            page.wait_for_url("**outlet=news.detik.com**")
            rows = page.locator("table.rows-and-columns tbody tr")
            assert rows.count() == 1 and "Harga cabai naik" in rows.first.inner_text()
        finally:
            browser.close()
