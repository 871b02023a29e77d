"""The journalist's pages of ``warta serve`` over real HTTP on the demo store, and in headless Chromium.

A newcomer must be able to find "who signed up Muara Enim for which smart-city stage, and
when" without writing SQL: search -> article -> place page -> programme row with its article.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from db.serve import BackgroundServer
from db.webui import snippet_html

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def served(demo_store: Path) -> Iterator[str]:
    with BackgroundServer(demo_store) as server:
        yield server.url


def get(url: str) -> tuple[int, str]:
    try:
        with _OPENER.open(url, timeout=20) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def page(url: str) -> lxml.html.HtmlElement:
    status, body = get(url)
    assert status == 200, body[:500]
    return lxml.html.fromstring(body)


def text(node: lxml.html.HtmlElement) -> str:
    return " ".join(" ".join(node.itertext()).split())


def test_snippet_marks_are_html_not_asterisks() -> None:
    assert snippet_html("gerakan **smart** <b>city</b>") == "gerakan <mark>smart</mark> &lt;b&gt;city&lt;/b&gt;"


def test_home_page_is_a_search_box_with_filters(served: str) -> None:
    doc = page(served + "/")
    assert {i.get("name") for i in doc.xpath("//form[contains(concat(' ', @class, ' '), ' search ')]//input | //form[contains(concat(' ', @class, ' '), ' search ')]//select")} >= {
        "q", "since", "until", "outlet", "person", "institution", "place", "programme"}
    assert [text(a) for a in doc.xpath("//h2[@id='programmes']/following-sibling::ul[1]//a")][0] == "Gerakan Menuju 100 Smart City"
    assert doc.xpath("//a[@href='/warta']"), "the tables stay one click away for researchers"
    # internal tables are off the table list
    tables = text(page(served + "/warta"))
    assert "near_duplicate_keys" not in tables and "entity_aliases" not in tables and "articles" in tables


def test_long_cells_are_truncated_in_the_tables(served: str) -> None:
    """Article texts made every row of the articles table hundreds of pixels tall."""
    doc = page(served + "/warta/articles")
    cells = doc.xpath("//table[contains(concat(' ', @class, ' '), ' rows-and-columns ')]//td")
    assert cells and max(len(text(c)) for c in cells) < 200


def test_search_results_highlight_and_link_to_articles(served: str) -> None:
    q = urllib.parse.urlencode({"q": "smart city", "place": "Muara Enim", "since": "2019-01-01"})
    doc = page(f"{served}/?{q}")
    hits = doc.xpath("//li[contains(concat(' ', @class, ' '), ' hit ')]")
    assert hits and all(h.xpath(".//a[starts-with(@href, '/article/')]") for h in hits)
    assert "**" not in text(doc.xpath("//ol[contains(concat(' ', @class, ' '), ' hits ')]")[0])
    assert [text(m) for m in hits[0].xpath(".//div[contains(concat(' ', @class, ' '), ' snippet ')]//mark")][:2] == ["Smart", "City"]
    assert "place 'Muara Enim': Kabupaten Muara Enim" in text(doc)
    doc = page(f"{served}/?" + urllib.parse.urlencode({"q": "smart city", "person": "Yanni"}))
    assert text(doc.xpath("//p[contains(concat(' ', @class, ' '), ' why ')]")[0]) == "no person named 'Yanni' in the store (did you mean: Ahmad Yani?)"
    doc = page(f"{served}/?" + urllib.parse.urlencode({"q": '"smart (city'}))
    assert doc.xpath("//li[contains(concat(' ', @class, ' '), ' hit ')]")  # odd syntax is searched, never an error page


def test_article_page_marks_and_links_its_facts(served: str) -> None:
    doc = page(served + "/?" + urllib.parse.urlencode({"q": "role model"}))
    href = doc.xpath("//li[contains(concat(' ', @class, ' '), ' hit ')]//a")[0].get("href")
    doc = page(served + href)
    assert text(doc.xpath("//h1")[0]).startswith("Kabupaten Muara Enim Terpilih Jadi Role Model")
    marks = {text(m): m for m in doc.xpath("//div[contains(concat(' ', @class, ' '), ' article-text ')]//mark[contains(concat(' ', @class, ' '), ' fact ')]")}
    yani = marks["Bupati Muara Enim Ir. H. Ahmad Yani, MM"]
    assert "fact-official" in yani.get("class") and yani.xpath(".//a")[0].get("href").startswith("/entity/")
    assert any("fact-date" in m.get("class") for m in marks.values())
    facts = [text(r) for r in doc.xpath("//tr[contains(concat(' ', @class, ' '), ' fact-row ')]")]
    assert any(f.startswith("programme stage Gerakan Menuju 100 Smart City tahap 3 2019") for f in facts)


def test_place_page_answers_who_signed_up_for_which_stage_and_when(served: str) -> None:
    doc = page(served + "/?" + urllib.parse.urlencode({"q": "role model"}))
    article = page(served + doc.xpath("//li[contains(concat(' ', @class, ' '), ' hit ')]//a")[0].get("href"))
    place_href = next(m.xpath(".//a")[0].get("href") for m in article.xpath("//mark[contains(concat(' ', @class, ' '), ' fact-place ')]")
                      if text(m) == "Muara Enim")
    place = page(served + place_href)
    assert text(place.xpath("//h1")[0]) == "Kabupaten Muara Enim"
    rows = [text(r) for r in place.xpath("//tr[contains(concat(' ', @class, ' '), ' programme-row ')]")]
    assert len(rows) == 1 and rows[0].startswith("Gerakan Menuju 100 Smart City 2018 tahap 2")
    assert "Empat Daerah di Sumsel Lolos Gerakan Menuju 100 Smart City Tahap II Tahun 2018 2018-08-14" in rows[0]
    officials = [text(r) for r in place.xpath("//table[contains(concat(' ', @class, ' '), ' officials ')]//tr")]
    assert any(o.startswith("Ahmad Yani bupati muara enim") for o in officials)
    assert place.xpath("//div[contains(concat(' ', @class, ' '), ' coverage ')]/div[contains(concat(' ', @class, ' '), ' bar ')]")


def test_person_and_programme_pages(served: str) -> None:
    status, body = get(served + "/?" + urllib.parse.urlencode({"q": "role model", "_format": "json"}))
    hit = json.loads(body)["hits"][0]
    article = json.loads(get(f"{served}/article/{hit['article_id']}?_format=json")[1])
    yani = next(f for f in article["article"]["facts"] if f["value"] == "Ahmad Yani")
    person = page(f"{served}/entity/{yani['entity_id']}")
    assert [text(r) for r in person.xpath("//table[contains(concat(' ', @class, ' '), ' positions ')]//tr")][1].startswith(
        "bupati muara enim Kabupaten Muara Enim 2019-05-16 2019-05-16")
    programme_href = page(served + "/").xpath("//h2[@id='programmes']/following-sibling::ul[1]//a")[0].get("href")
    prog = page(served + programme_href)
    assert [text(b.xpath(".//span")[0]) for b in prog.xpath("//div[contains(concat(' ', @class, ' '), ' timeline ')]/div[contains(concat(' ', @class, ' '), ' bar ')]")][:2] == ["2018 · t2", "2019 · t3"]
    regions = [text(r) for r in prog.xpath("//tr[contains(concat(' ', @class, ' '), ' participant ')]")]
    assert sum(r.startswith("2018 tahap 2 Kabupaten Muara Enim") for r in regions) == 1
    assert "Kota Lubuklinggau" in text(prog.xpath("//table[contains(concat(' ', @class, ' '), ' plans ')]")[0])
    status, _ = get(served + "/article/9999")
    assert status == 404


@pytest.mark.browser
def test_newcomer_path_in_chromium(served: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian chromium to run the web UI test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.goto(served + "/")
            tab.fill("input[name=q]", "smart city")
            tab.fill("input[name=place]", "Muara Enim")
            tab.locator("form.search input[type=submit]").click()
            tab.wait_for_selector("li.hit")
            assert tab.locator("li.hit .snippet mark").count() > 0
            tab.screenshot(path=str(tmp_path / "search.png"), full_page=True)
            tab.locator("li.hit a", has_text="Role Model").first.click()
            tab.wait_for_selector(".article-text mark.fact-official")
            tab.screenshot(path=str(tmp_path / "article.png"), full_page=True)
            tab.locator(".article-text mark.fact-place a", has_text="Muara Enim").first.click()
            tab.wait_for_selector("tr.programme-row")
            row = tab.locator("tr.programme-row").first.inner_text()
            assert "Gerakan Menuju 100 Smart City" in row and "2018" in row and "tahap 2" in row
            tab.screenshot(path=str(tmp_path / "place.png"), full_page=True)
            # no row of the articles table is taller than a few lines
            tab.goto(served + "/warta/articles")
            heights = tab.locator("table.rows-and-columns tbody tr").evaluate_all(
                "rows => rows.map(r => r.getBoundingClientRect().height)")
            assert heights and max(heights) < 300, heights
        finally:
            browser.close()
    keep = os.environ.get("WARTA_SCREENSHOTS")  # e.g. docs/screenshots: the README's pictures
    for name in ("search", "article", "place"):
        shot = (tmp_path / f"{name}.png").read_bytes()
        assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / f"webui-{name}.png").write_bytes(shot)
