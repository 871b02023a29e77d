"""Discovery: classifying fetched pages and finding feed, sitemap and listing links."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
from pathlib import Path

import pytest

from pipeline.models import DiscoveredLink, FetchedPage
from scrapers.discover import (
    backfill_listing_urls,
    classify,
    discover,
    filter_links,
    in_window,
    looks_like_article_url,
    parse_date,
    site_key,
    strip_tracking,
)
from scrapers.encoding import decode_html
from scrapers.exceptions import DiscoveryError

WIB = dt.timezone(dt.timedelta(hours=7))
UTC = dt.timezone.utc


def make_page(body: bytes | str, url: str, content_type: str = "text/html; charset=utf-8") -> FetchedPage:
    """A FetchedPage as the fetcher builds it (decoded with decode_html)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    text, enc = decode_html(raw, content_type) if raw[:2] != b"\x1f\x8b" else ("", None)
    return FetchedPage(
        url=url, final_url=url, status=200, headers={"content-type": content_type}, body=raw,
        fetched_at=dt.datetime.now(UTC), encoding=enc, text=text,
    )


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tribunsumsel</title><link>https://sumsel.tribunnews.com/</link>
<item><title>Muara Enim Terpilih Smart City</title>
<link>https://sumsel.tribunnews.com/2019/05/16/muara-enim-terpilih-smart-city?utm_source=rss&amp;utm_medium=feed</link>
<pubDate>Thu, 16 May 2019 09:00:00 +0700</pubDate></item>
<item><title>Relative link</title><link>/2019/05/17/pemkab-lahat-gelar-rapat-kota-cerdas</link>
<pubDate>Fri, 17 May 2019 10:30:00 +0700</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Sumeks</title><id>urn:x</id><updated>2024-01-02T10:00:00Z</updated>
<entry><title>Walikota Palembang resmikan ruang kendali</title><id>urn:1</id>
<link href="https://sumeks.co/2024/01/02/walikota-palembang-resmikan-ruang-kendali/?fbclid=abc"/>
<updated>2024-01-02T10:00:00Z</updated></entry></feed>"""

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.tribunnews.com/regional/sitemap-news.xml</loc><lastmod>2024-03-01T08:00:00+07:00</lastmod></sitemap>
<sitemap><loc>https://www.tribunnews.com/old/sitemap-news.xml?utm_campaign=x</loc><lastmod>2019-01-01</lastmod></sitemap>
</sitemapindex>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.antaranews.com/berita/2391107/kemendagri-minta-daerah-selaraskan-spbe</loc><lastmod>2021-09-08</lastmod></url>
<url><loc>https://www.antaranews.com/berita/2391108/tanpa-tanggal-di-peta-situs</loc></url>
</urlset>"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.detik.com/berita/d-7016874/pemkot-ambon-bentuk-dewan-smart-city</loc>
<lastmod>2023-11-05T00:00:00+07:00</lastmod>
<news:news><news:publication><news:name>detikcom</news:name><news:language>id</news:language></news:publication>
<news:publication_date>2023-11-02T14:03:27+09:00</news:publication_date>
<news:title>Pemkot Ambon Bentuk Dewan Smart City</news:title></news:news></url>
</urlset>"""

LISTING = """<!DOCTYPE html><html><head><title>Indeks Berita</title>
<link rel="next" href="https://www.tribunnews.com/index-news?date=2024-1-15&amp;page=2&amp;utm_source=x">
<link rel="alternate" type="application/rss+xml" href="/rss">
</head><body>
<nav><a href="/">Home</a> <a href="/tag/smart-city">Tag</a> <a href="/regional">Regional</a>
<a href="/login">Masuk</a> <a href="/assets/logo.png">logo</a></nav>
<ul class="lsi">
<li><a href="https://www.tribunnews.com/regional/2024/01/15/bupati-muara-enim-buka-rapat-kota-cerdas?utm_source=index#komentar">Bupati buka rapat</a></li>
<li><a href="https://sumsel.tribunnews.com/2024/01/15/dprd-sumsel-setujui-anggaran-pusat-data">DPRD setujui</a></li>
<li><a href="https://m.tribunnews.com/nasional/2024/01/15/menteri-tinjau-jaringan-internet-desa">Menteri tinjau</a></li>
<li><a href="https://www.kompas.com/read/2024/01/15/123/berita-situs-lain-tidak-diikuti">situs lain</a></li>
<li><a href="javascript:void(0)">share</a></li>
</ul>
<div class="paging"><a href="https://www.tribunnews.com/index-news?date=2024-1-15&amp;page=3">3</a>
<a href="https://www.tribunnews.com/index-news?date=2024-1-15&amp;page=1">1</a></div>
</body></html>"""

ARTICLE = """<!DOCTYPE html><html><head><title>x</title><meta property="og:type" content="article">
</head><body><h1>Judul</h1><p>Isi berita.</p>
<a href="https://www.tribunnews.com/regional/2024/01/14/berita-terkait-lainnya-di-bawah-artikel">terkait</a>
</body></html>"""


# --------------------------------------------------------------------------- classify


@pytest.mark.parametrize(
    ("body", "url", "ctype", "kind"),
    [
        (RSS, "https://sumsel.tribunnews.com/rss", "application/rss+xml", "feed"),
        (RSS, "https://sumsel.tribunnews.com/rss", "text/xml", "feed"),
        (ATOM, "https://sumeks.co/feed/", "application/xml", "feed"),
        (SITEMAP_INDEX, "https://www.tribunnews.com/sitemap.xml", "application/xml", "sitemap"),
        (NEWS_SITEMAP, "https://news.detik.com/sitemap_news.xml", "text/xml", "sitemap"),
        (LISTING, "https://www.tribunnews.com/index-news?date=2024-1-15", "text/html", "listing"),
        (ARTICLE, "https://www.tribunnews.com/regional/2024/01/15/x", "text/html", "article"),
        ("<html><body><p>Halo</p></body></html>", "https://example.com/about", "text/html", "unknown"),
        ("", "https://example.com/empty", "text/html", "unknown"),
    ],
)
def test_classify(body: str, url: str, ctype: str, kind: str) -> None:
    assert classify(make_page(body, url, ctype)) == kind


def test_classify_json_ld_article() -> None:
    html = ('<html><head><script type="application/ld+json">{"@context":"https://schema.org",'
            '"@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","headline":"x"}]}</script></head>'
            "<body><p>x</p></body></html>")
    assert classify(make_page(html, "https://example.com/")) == "article"


def test_classify_saved_real_article_pages(shared_dir: Path) -> None:
    pages = sorted((shared_dir / "data/html/indonesian").glob("*.htm*"))
    assert pages
    for path in pages:
        body = path.read_bytes()
        if path.suffix == ".gz":
            body = gzip.decompress(body)
        host = path.name.split("_")[0]
        assert classify(make_page(body, f"https://{host}/")) == "article", path.name


# --------------------------------------------------------------------------- feeds


def test_rss_items_become_article_links_with_dates() -> None:
    links = discover(make_page(RSS, "https://sumsel.tribunnews.com/rss", "application/rss+xml"))
    assert [l.url for l in links] == [
        "https://sumsel.tribunnews.com/2019/05/16/muara-enim-terpilih-smart-city",
        "https://sumsel.tribunnews.com/2019/05/17/pemkab-lahat-gelar-rapat-kota-cerdas",
    ]
    assert all(l.kind == "article" and l.source == "https://sumsel.tribunnews.com/rss" for l in links)
    assert links[0].title == "Muara Enim Terpilih Smart City"
    assert links[0].published == dt.datetime(2019, 5, 16, 9, 0, tzinfo=WIB)


def test_atom_entry_link_tracking_stripped() -> None:
    (link,) = discover(make_page(ATOM, "https://sumeks.co/feed/", "application/atom+xml"))
    assert link.url == "https://sumeks.co/2024/01/02/walikota-palembang-resmikan-ruang-kendali/"
    assert link.published == dt.datetime(2024, 1, 2, 10, 0, tzinfo=UTC)


def test_malformed_feed_without_items_raises() -> None:
    bad = "<?xml version='1.0'?><rss><channel><title>Rusak</title><<item>>https://x.co/a</rss>"
    with pytest.raises(DiscoveryError, match="malformed feed") as info:
        discover(make_page(bad, "https://x.co/rss", "application/rss+xml"))
    assert isinstance(info.value, ValueError)


def test_feed_with_recoverable_error_warns_and_keeps_items(caplog: pytest.LogCaptureFixture) -> None:
    broken = RSS.replace("</channel></rss>", "<item><title>Tanpa penutup & rusak</title></channel></rss>")
    with caplog.at_level(logging.WARNING, "scrapers.discover"):
        links = discover(make_page(broken, "https://sumsel.tribunnews.com/rss", "application/rss+xml"))
    assert len(links) == 2
    assert "malformed" in caplog.text


# --------------------------------------------------------------------------- sitemaps


def test_sitemap_index_gives_sitemap_links_with_lastmod() -> None:
    links = discover(make_page(SITEMAP_INDEX, "https://www.tribunnews.com/sitemap.xml", "application/xml"))
    assert [(l.kind, l.url) for l in links] == [
        ("sitemap", "https://www.tribunnews.com/regional/sitemap-news.xml"),
        ("sitemap", "https://www.tribunnews.com/old/sitemap-news.xml"),
    ]
    assert links[0].published == dt.datetime(2024, 3, 1, 8, 0, tzinfo=WIB)


def test_urlset_lastmod_and_undated_entries() -> None:
    links = discover(make_page(URLSET, "https://www.antaranews.com/sitemap.xml", "application/xml"))
    assert [l.kind for l in links] == ["article", "article"]
    assert links[0].published == dt.datetime(2021, 9, 8, tzinfo=UTC)
    assert links[1].published is None


def test_google_news_sitemap_publication_date_wins_over_lastmod() -> None:
    (link,) = discover(make_page(NEWS_SITEMAP, "https://news.detik.com/sitemap_news.xml", "text/xml"))
    assert link.published == dt.datetime(2023, 11, 2, 14, 3, 27, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert link.title == "Pemkot Ambon Bentuk Dewan Smart City"


def test_gzipped_sitemap_body() -> None:
    page = make_page(gzip.compress(URLSET.encode()), "https://www.antaranews.com/sitemap.xml.gz", "application/x-gzip")
    assert classify(page) == "sitemap"
    assert len(discover(page)) == 2


def test_malformed_sitemap_raises_clear_error() -> None:
    broken = URLSET.replace("</urlset>", "<url><loc>https://www.antaranews.com/x</url>")
    with pytest.raises(DiscoveryError, match="malformed sitemap"):
        discover(make_page(broken, "https://www.antaranews.com/sitemap.xml", "application/xml"))


def test_sitemap_entities_are_not_expanded() -> None:
    xxe = ('<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/hostname">'
           '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           "<url><loc>https://x.co/berita/12345/a-&xxe;-&b;</loc></url></urlset>")
    (link,) = discover(make_page(xxe, "https://x.co/sitemap.xml", "application/xml"))
    assert link.url == "https://x.co/berita/12345/a-"  # text stops at the unexpanded entity


# --------------------------------------------------------------------------- listings


def test_listing_finds_same_site_articles_and_pagination() -> None:
    page = make_page(LISTING, "https://www.tribunnews.com/index-news?date=2024-1-15")
    links = discover(page)
    by_kind: dict[str, list[str]] = {}
    for l in links:
        by_kind.setdefault(l.kind, []).append(l.url)
    assert by_kind["article"] == [
        "https://www.tribunnews.com/regional/2024/01/15/bupati-muara-enim-buka-rapat-kota-cerdas",
        "https://sumsel.tribunnews.com/2024/01/15/dprd-sumsel-setujui-anggaran-pusat-data",
        "https://www.tribunnews.com/nasional/2024/01/15/menteri-tinjau-jaringan-internet-desa",
    ]
    assert by_kind["listing"] == [
        "https://www.tribunnews.com/index-news?date=2024-1-15&page=2",
        "https://www.tribunnews.com/index-news?date=2024-1-15&page=3",
        "https://www.tribunnews.com/index-news?date=2024-1-15&page=1",
    ]
    assert by_kind["feed"] == ["https://www.tribunnews.com/rss"]
    assert not any("kompas" in l.url or "utm_" in l.url or "#" in l.url for l in links)
    pager = next(l for l in links if l.kind == "listing")
    assert pager.published == dt.datetime(2024, 1, 15, tzinfo=UTC)


def test_article_page_discovers_nothing() -> None:
    assert discover(make_page(ARTICLE, "https://www.tribunnews.com/regional/2024/01/15/x")) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://sumsel.tribunnews.com/2020/05/04/jawaban-soal-belajar-dari-rumah", True),
        ("https://www.antaranews.com/berita/2391107/kemendagri-minta-daerah", True),
        ("https://news.detik.com/berita/d-7016874/pemkot-ambon-bentuk-dewan-smart-city", True),
        ("https://sumeks.co/walikota-palembang-resmikan-ruang-kendali-kota-cerdas/", True),
        ("https://www.tribunnews.com/tag/smart-city", False),
        ("https://www.tribunnews.com/regional", False),
        ("https://www.tribunnews.com/index-news?date=2024-1-15", False),
        ("https://www.tribunnews.com/", False),
        ("https://sumeks.co/page/2/", False),
        ("https://www.tribunnews.com/assets/foto-bupati-muara-enim-2024.jpg", False),
    ],
)
def test_looks_like_article_url(url: str, expected: bool) -> None:
    assert looks_like_article_url(url) is expected


# --------------------------------------------------------------------------- URLs and dates


def test_strip_tracking_keeps_pager() -> None:
    assert (
        strip_tracking("https://Www.Tribunnews.com/index-news?date=2024-1-15&page=2&utm_source=x&fbclid=1#top")
        == "https://www.tribunnews.com/index-news?date=2024-1-15&page=2"
    )


def test_site_key_groups_subdomains_but_not_ports() -> None:
    assert site_key("https://sumsel.tribunnews.com/a") == site_key("https://www.tribunnews.com/") == "tribunnews.com"
    assert site_key("https://news.detik.com/x") == "detik.com"
    assert site_key("http://127.0.0.1:8000/a") != site_key("http://127.0.0.1:8001/a")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-02T14:03:27+09:00", dt.datetime(2023, 11, 2, 14, 3, 27, tzinfo=dt.timezone(dt.timedelta(hours=9)))),
        ("2023-11-02T05:03:27Z", dt.datetime(2023, 11, 2, 5, 3, 27, tzinfo=UTC)),
        ("2023-11-02", dt.datetime(2023, 11, 2, tzinfo=UTC)),
        ("2023-11", dt.datetime(2023, 11, 1, tzinfo=UTC)),
        ("kemarin", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: dt.datetime | None) -> None:
    assert parse_date(value) == expected


def test_date_window_filtering() -> None:
    since = dt.datetime(2023, 1, 1, tzinfo=UTC)
    until = dt.datetime(2023, 12, 31, tzinfo=UTC)
    links = [
        DiscoveredLink("https://x.co/berita/1/a-b", "article", published=dt.datetime(2022, 6, 1, tzinfo=UTC)),
        DiscoveredLink("https://x.co/berita/2/a-b", "article", published=dt.datetime(2023, 6, 1, tzinfo=WIB)),
        DiscoveredLink("https://x.co/berita/3/a-b", "article", published=dt.datetime(2024, 6, 1, tzinfo=UTC)),
        DiscoveredLink("https://x.co/berita/4/a-b", "article"),
        DiscoveredLink("https://x.co/s-old.xml", "sitemap", published=dt.datetime(2022, 6, 1, tzinfo=UTC)),
        DiscoveredLink("https://x.co/s-new.xml", "sitemap", published=dt.datetime(2024, 6, 1, tzinfo=UTC)),
        DiscoveredLink("https://x.co/index-news?date=2023-1-1", "listing", published=dt.datetime(2023, 1, 1, tzinfo=UTC)),
        DiscoveredLink("https://x.co/index-news?date=2024-1-1", "listing", published=dt.datetime(2024, 1, 1, tzinfo=UTC)),
    ]
    kept = [l.url.rsplit("/", 1)[-1] for l in filter_links(links, since, until)]
    assert kept == ["a-b", "a-b", "s-new.xml", "index-news?date=2023-1-1"]
    assert [l.url for l in filter_links(links, since, until)][:2] == ["https://x.co/berita/2/a-b", "https://x.co/berita/4/a-b"]
    assert in_window(dt.datetime(2023, 5, 1), since, until)  # naive = UTC


def test_backfill_listing_urls() -> None:
    urls = backfill_listing_urls("https://www.tribunnews.com/index-news", dt.date(2024, 1, 30), dt.date(2024, 2, 1))
    assert urls == [
        "https://www.tribunnews.com/index-news?date=2024-2-1",
        "https://www.tribunnews.com/index-news?date=2024-1-31",
        "https://www.tribunnews.com/index-news?date=2024-1-30",
    ]


@pytest.mark.parametrize("ctype", ["text/html; charset=utf-8", "text/xml; charset=us-ascii"])
def test_feed_header_disagreement_is_not_a_warning(ctype: str, caplog: pytest.LogCaptureFixture) -> None:
    """A feed served as text/html, or under a wrong charset, is read without a warning."""
    body = RSS.replace("Tribunsumsel", "Tribunsumsel é").encode("utf-8")
    with caplog.at_level(logging.DEBUG, "scrapers.discover"):
        links = discover(make_page(body, "https://sumsel.tribunnews.com/rss", ctype))
    assert len(links) == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "not an XML media type" in caplog.text or "parsed as utf-8" in caplog.text
