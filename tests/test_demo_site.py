"""The bundled demo news site and its loopback server (``pipeline.demo``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import requests
from bs4 import BeautifulSoup, Tag
from lxml import etree

from pipeline.demo import DemoSite, load_site_files, resolve_path

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NEWS_NS = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}

#: Body container of each outlet family, by the first path segment.
BODY_SELECTORS = {
    "tribun": "div.side-article.txt-article",
    "antara": "div.wrap__article-detail-content",
    "detik": "div.detail__body-text.itp_bodycontent",
}
TITLE_SELECTORS = {"tribun": "h1#arttitle", "antara": "h1", "detik": "h1.detail__title"}
#: Elements inside a body that are boilerplate, not article text.
BODY_BOILERPLATE = "p.baca, span.baca-juga, table.linksisip, p.text-muted"

SEED_PATH = "/tribun/2019/05/16/kabupaten-muara-enim-terpilih-role-model-smart-city"
PAGED_PATH = "/tribun/2018/08/14/empat-daerah-sumsel-lolos-gerakan-menuju-100-smart-city-tahap-ii"

#: A position, then within a few words a name carrying an honorific or an academic degree.
OFFICIAL_WITH_TITLE = re.compile(
    r"\b(?:Bupati|Wakil Bupati|Wali Kota|Gubernur|Menteri|Kepala|Ketua|Sekretaris|Direktur|Deputi|Asisten|Kabid)\b"
    r"[^.\"]{0,140}?(?:\b(?:Ir|Drs|Dra|Dr|dr|H|Hj)\.?\s+[A-Z]|,\s*(?:S\.|M\.|MM\b|AP\b|SH\b))"
)


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    """One demo site server for the whole module."""
    with DemoSite() as demo:
        yield demo


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def get(http: requests.Session, url: str) -> requests.Response:
    return http.get(url, timeout=5)


def family(url: str) -> str:
    return urlsplit(url).path.strip("/").split("/")[0]


def soup_of(http: requests.Session, url: str) -> BeautifulSoup:
    resp = get(http, url)
    assert resp.status_code == 200, url
    return BeautifulSoup(resp.content, "lxml")


def body_text(soup: BeautifulSoup, fam: str) -> str:
    """The article body with in-body boilerplate removed, as one string."""
    body = soup.select_one(BODY_SELECTORS[fam])
    assert isinstance(body, Tag)
    for junk in body.select(BODY_BOILERPLATE):
        junk.decompose()
    return " ".join(p.get_text(" ", strip=True) for p in body.find_all("p"))


def sitemap_locs(http: requests.Session, url: str) -> list[str]:
    root = etree.fromstring(get(http, url).content)
    return [str(loc) for loc in root.xpath("//sm:loc/text()", namespaces=SITEMAP_NS)]


# --------------------------------------------------------------------------- server


def test_serves_on_a_free_loopback_port(site: DemoSite) -> None:
    parts = urlsplit(site.base_url)
    assert parts.scheme == "http" and parts.hostname == "127.0.0.1"
    assert parts.port and parts.port > 0
    assert site.seeds() == [site.base_url + p for p in ("/rss.xml", "/sitemap.xml", "/index-news")]


def test_at_least_twelve_articles_in_three_families(site: DemoSite) -> None:
    urls = site.article_urls()
    assert len(urls) >= 12
    counts = {fam: sum(family(u) == fam for u in urls) for fam in BODY_SELECTORS}
    assert counts["tribun"] >= 5 and counts["antara"] >= 4 and counts["detik"] >= 4, counts


def test_every_url_answers_with_its_content_type(site: DemoSite, http: requests.Session) -> None:
    expected = {u: "text/html" for u in site.article_urls()}
    expected[site.url_for("/rss.xml")] = "application/rss+xml"
    expected[site.url_for("/sitemap.xml")] = "application/xml"
    expected[site.url_for("/sitemap_index.xml")] = "application/xml"
    expected[site.url_for("/sitemap_news.xml")] = "application/xml"
    expected[site.url_for("/index-news")] = "text/html"
    expected[site.url_for("/index-news?page=2")] = "text/html"
    expected[site.url_for("/")] = "text/html"
    expected[site.url_for(PAGED_PATH + "?page=2")] = "text/html"
    for url, media_type in expected.items():
        resp = get(http, url)
        assert resp.status_code == 200, url
        assert resp.headers["Content-Type"].split(";")[0] == media_type, url
        assert "charset=utf-8" in resp.headers["Content-Type"]
        assert b"{{BASE_URL}}" not in resp.content, url
        assert len(resp.content) < 12_000, f"{url} should stay a small page"


def test_robots_allows_everything_and_names_the_sitemap(site: DemoSite, http: requests.Session) -> None:
    resp = get(http, site.url_for("/robots.txt"))
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert "Allow: /" in resp.text and "Disallow: /" not in resp.text
    assert f"Sitemap: {site.base_url}/sitemap_index.xml" in resp.text


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/tribun/2019/05/16",
        "/tribun/2019/05/16/tidak-ada",
        "/../pyproject.toml",
        "/index-news?page=3",
        "/index-news?page=0",
        "/index-news?page=dua",
        SEED_PATH + "?page=2",
        "/rss.xml?page=2",
        "/rss.xml?page=all",
        PAGED_PATH + "?page=3",
    ],
)
def test_missing_pages_are_404(site: DemoSite, http: requests.Session, path: str) -> None:
    assert get(http, site.url_for(path)).status_code == 404


def test_unknown_query_parameters_are_ignored(site: DemoSite, http: requests.Session) -> None:
    plain = get(http, site.url_for(SEED_PATH)).content
    assert get(http, site.url_for(SEED_PATH + "?utm_source=rss&page=1")).content == plain
    assert get(http, site.url_for("/index-news?tag=smart-city")).content == get(http, site.url_for("/index-news")).content


def test_head_and_conditional_get(site: DemoSite, http: requests.Session) -> None:
    url = site.url_for("/rss.xml")
    full = get(http, url)
    head = http.head(url, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(full.content))
    again = http.get(url, headers={"If-None-Match": full.headers["ETag"]}, timeout=5)
    assert again.status_code == 304 and again.content == b""


def test_requests_are_not_logged_to_stderr(site: DemoSite, http: requests.Session, capfd: pytest.CaptureFixture[str]) -> None:
    get(http, site.url_for("/index-news"))
    get(http, site.url_for("/nope"))
    assert capfd.readouterr().err == ""


def test_stop_releases_the_port() -> None:
    demo = DemoSite().start()
    port = urlsplit(demo.base_url).port
    assert port
    demo.stop()
    demo.stop()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_urls_need_a_running_server() -> None:
    with pytest.raises(RuntimeError, match="not serving"):
        DemoSite().seeds()


def test_resolve_path_maps_pages_to_files() -> None:
    files = load_site_files()
    assert resolve_path("/", "", files) == "index.html"
    assert resolve_path("/index-news", "page=2&tag=x", files) == "index-news.page2.html"
    assert resolve_path(PAGED_PATH, "page=2", files) == PAGED_PATH.lstrip("/") + ".page2.html"
    assert resolve_path("/rss.xml", "", files) == "rss.xml"
    assert resolve_path(PAGED_PATH, "page=all", files) == PAGED_PATH.lstrip("/") + ".pageall.html"
    assert resolve_path(PAGED_PATH, "page=-1", files) is None


# --------------------------------------------------------------------------- discovery


def test_feed_parses_and_lists_every_article(site: DemoSite, http: requests.Session) -> None:
    parsed = feedparser.parse(get(http, site.url_for("/rss.xml")).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    links = [entry.link for entry in parsed.entries]
    assert sorted(links) == site.article_urls()
    for entry in parsed.entries:
        assert entry.published_parsed is not None and entry.title


def test_sitemap_lists_every_article_with_lastmod(site: DemoSite, http: requests.Session) -> None:
    root = etree.fromstring(get(http, site.url_for("/sitemap.xml")).content)
    assert etree.QName(root).localname == "urlset"
    urls = root.xpath("sm:url", namespaces=SITEMAP_NS)
    assert sorted(u.findtext("sm:loc", namespaces=SITEMAP_NS) for u in urls) == site.article_urls()
    for url in urls:
        lastmod = dt.datetime.fromisoformat(url.findtext("sm:lastmod", namespaces=SITEMAP_NS))
        assert lastmod.utcoffset() is not None


def test_sitemap_index_and_news_sitemap(site: DemoSite, http: requests.Session) -> None:
    children = sitemap_locs(http, site.url_for("/sitemap_index.xml"))
    assert children == [site.url_for("/sitemap.xml"), site.url_for("/sitemap_news.xml")]
    root = etree.fromstring(get(http, site.url_for("/sitemap_news.xml")).content)
    titles = root.xpath("//news:news/news:title/text()", namespaces=NEWS_NS)
    locs = sitemap_locs(http, site.url_for("/sitemap_news.xml"))
    assert titles and len(titles) == len(locs)
    assert set(locs) <= set(site.article_urls())


def test_listing_is_paginated_and_covers_every_article(site: DemoSite, http: requests.Session) -> None:
    first = soup_of(http, site.url_for("/index-news"))
    nxt = first.select_one('link[rel="next"]')
    assert nxt is not None and nxt["href"] == site.url_for("/index-news?page=2")
    second = soup_of(http, str(nxt["href"]))
    assert second.select_one('link[rel="next"]') is None
    prev = second.select_one('link[rel="prev"]')
    assert prev is not None and prev["href"] == site.url_for("/index-news")
    links = [str(a["href"]) for page in (first, second) for a in page.select("ul.lsi > li a")]
    assert sorted(links) == site.article_urls()


# --------------------------------------------------------------------------- article pages


def test_canonical_urls_are_on_fixed_demo_hosts(site: DemoSite, http: requests.Session) -> None:
    seen = set()
    for url in site.article_urls():
        soup = soup_of(http, url)
        canonical = soup.select_one('link[rel="canonical"]')
        assert canonical is not None, url
        href = str(canonical["href"])
        host = urlsplit(href).hostname or ""
        assert host == f"{family(url)}-demo.warta.example", href
        assert urlsplit(href).scheme == "https"
        og_url = soup.select_one('meta[property="og:url"]')
        assert og_url is not None and og_url["content"] == href
        assert soup.select_one('meta[property="og:site_name"]') is not None
        seen.add(href)
    assert len(seen) == len(site.article_urls())


def test_every_article_names_an_official_with_a_title(site: DemoSite, http: requests.Session) -> None:
    for url in site.article_urls():
        soup = soup_of(http, url)
        fam = family(url)
        assert soup.select_one(TITLE_SELECTORS[fam]) is not None, url
        text = body_text(soup, fam)
        assert OFFICIAL_WITH_TITLE.search(text), f"no titled official in the body of {url}"


def test_bodies_carry_boilerplate_to_strip(site: DemoSite, http: requests.Session) -> None:
    for url in site.article_urls():
        soup = soup_of(http, url)
        fam = family(url)
        body = soup.select_one(BODY_SELECTORS[fam])
        assert isinstance(body, Tag)
        assert body.select(BODY_BOILERPLATE), f"{url} has no 'Baca juga' style boilerplate in its body"
        assert soup.find("footer") is not None
    detik = soup_of(http, next(u for u in site.article_urls() if family(u) == "detik"))
    detik_body = detik.select_one(BODY_SELECTORS["detik"])
    assert detik_body is not None
    detik_text = detik_body.get_text(" ", strip=True)
    assert "Baca juga:" in detik_text and "[Gambas:Video 20detik]" in detik_text
    after_video = detik_text.split("[Gambas:Video 20detik]", 1)[1]
    assert re.match(r"\s*\([a-z]{2,4}/[a-z]{2,4}\)", after_video), after_video[:40]


def test_publication_times_agree_and_use_three_zones(site: DemoSite, http: requests.Session) -> None:
    zones = set()
    for url in site.article_urls():
        soup = soup_of(http, url)
        fam = family(url)
        if fam == "tribun":
            ld = json.loads(soup.select_one('script[type="application/ld+json"]').string)
            published = dt.datetime.fromisoformat(ld["datePublished"])
            visible = soup.select_one("time").get_text()
        elif fam == "antara":
            published = dt.datetime.fromisoformat(soup.select_one('meta[itemprop="datePublished"]')["content"])
            visible = soup.select_one("span.article-date").get_text()
        else:
            unix_ms = int(soup.select_one('meta[name="dtk:publishdateunix"]')["content"])
            visible = soup.select_one("div.detail__date").get_text()
            zone = visible.rsplit(" ", 1)[1]
            offset = dt.timedelta(hours={"WIB": 7, "WITA": 8, "WIT": 9}[zone])
            published = dt.datetime.fromtimestamp(unix_ms / 1000, dt.timezone(offset))
            # The trap: ``pubdate`` is local wall time wrongly marked as UTC.
            trap = soup.select_one('meta[name="pubdate"]')["content"]
            assert trap == published.strftime("%Y-%m-%dT%H-%M-%SZ")
        zone = visible.rsplit(" ", 1)[1]
        zones.add(zone)
        hours = {"WIB": 7, "WITA": 8, "WIT": 9}[zone]
        assert published.utcoffset() == dt.timedelta(hours=hours), url
        assert f"{published:%H:%M} {zone}" in visible and str(published.year) in visible, url
    assert zones == {"WIB", "WITA", "WIT"}


def test_second_page_holds_the_rest_and_pages_link_each_other(site: DemoSite, http: requests.Session) -> None:
    first_url = site.url_for(PAGED_PATH)
    second_url = site.url_for(PAGED_PATH + "?page=2")
    first, second = soup_of(http, first_url), soup_of(http, second_url)
    assert [a["href"] for a in first.select("div.paging a")] == [first_url, second_url]
    assert [a["href"] for a in second.select("div.paging a")] == [first_url, second_url]
    text1, text2 = body_text(first, "tribun"), body_text(second, "tribun")
    assert "TRIBUNSUMSEL.COM, PALEMBANG" in text1 and "TRIBUNSUMSEL.COM" not in text2
    assert "Kepala Bappeda Kabupaten Banyuasin" in text2 and "Kepala Bappeda Kabupaten Banyuasin" not in text1
    assert second_url not in site.article_urls()


def test_page_all_serves_the_whole_text(site: DemoSite, http: requests.Session) -> None:
    first, second = soup_of(http, site.url_for(PAGED_PATH)), soup_of(http, site.url_for(PAGED_PATH + "?page=2"))
    whole = soup_of(http, site.url_for(PAGED_PATH + "?page=all"))
    assert body_text(whole, "tribun") == body_text(first, "tribun") + " " + body_text(second, "tribun")
    assert whole.select_one("div.paging") is None
    assert whole.select_one('link[rel="canonical"]')["href"] == first.select_one('link[rel="canonical"]')["href"]
    single = get(http, site.url_for(SEED_PATH + "?page=all"))
    assert single.status_code == 200 and single.content == get(http, site.url_for(SEED_PATH)).content


def test_seed_rendition_keeps_the_seed_text(site: DemoSite, http: requests.Session, shared_dir: Path) -> None:
    seed = (shared_dir / "seeds" / "tribunsumsel-muara-enim-smart-city.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in seed.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Bupati Muara Enim Ir. H. Ahmad Yani"))
    end = lines.index("Berita Terkait")
    key_sentences = lines[start:end]
    assert len(key_sentences) >= 15

    soup = soup_of(http, site.url_for(SEED_PATH))
    assert soup.select_one("h1#arttitle").get_text(strip=True) == lines[0]
    text = body_text(soup, "tribun")
    for sentence in key_sentences:
        assert sentence in text, sentence
    ld = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert ld["datePublished"].startswith("2019-05-16T") and ld["datePublished"].endswith("+07:00")
    assert "WIB" in soup.select_one("time").get_text()
    for boilerplate in ("Berita Terkait", "Ikuti kami di", "© 2025 TRIBUNnews.com Network,a subsidiary of KG Media."):
        assert boilerplate not in text
        holders = [el for el in soup.find_all(["footer", "aside", "div"]) if boilerplate in el.get_text()]
        assert holders, boilerplate
        assert all(el.find_parent(class_="txt-article") is None for el in holders)


def test_seed_rendition_body_matches_the_gold_text(site: DemoSite, http: requests.Session, shared_dir: Path) -> None:
    with (shared_dir / "eval" / "dev.jsonl").open(encoding="utf-8") as lines:
        gold = next(r for r in map(json.loads, lines) if r["title"].startswith("Kabupaten Muara Enim Terpilih"))
    soup = soup_of(http, site.url_for(SEED_PATH))
    body = soup.select_one(BODY_SELECTORS["tribun"])
    assert isinstance(body, Tag)
    for junk in body.select(BODY_BOILERPLATE):
        junk.decompose()
    paragraphs = [p.get_text(" ", strip=True) for p in body.find_all("p")]
    assert paragraphs == [p.strip() for p in gold["text"].split("\n\n")]
    ld = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert ld["datePublished"] == gold["published"]
