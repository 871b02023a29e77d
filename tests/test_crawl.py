"""Crawling a real local site full of faults: every fault ends as a reported FailedFetch."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest

from faultserver import (
    FaultServer,
    conditional,
    gzipped,
    oversized,
    page,
    redirect,
    reset,
    sequence,
    slow,
    status,
    truncated,
)
from pipeline.models import Article, FailedFetch
from scrapers.adapters import adapter_for
from pipeline.engine import Crawler
from scrapers.crawl import failed_fetch, fetch_article
from scrapers.exceptions import HTTPStatusError
from scrapers.fetch import Fetcher, FetchSettings

FAST = {
    "delay": 0.0,
    "allow_private": True,
    "backoff": 0.01,
    "backoff_max": 0.02,
    "retry_after_max": 0.05,
    "retries": 2,
    "connect_timeout": 1.0,
    "read_timeout": 0.3,
}
WIB = dt.timezone(dt.timedelta(hours=7))


def article_html(n: int, *, canonical: str | None = None, published: str = "2024-01-15T10:00:00+07:00",
                 extra: str = "") -> str:
    """A small article page the generic adapter parses (JSON-LD NewsArticle, three paragraphs)."""
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Berita {n}: Pemkab Muara Enim luncurkan layanan kota cerdas</title>
<meta property="og:type" content="article">{canon}
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Berita {n}: Pemkab Muara Enim luncurkan layanan kota cerdas","datePublished":"{published}"}}</script>
</head><body><article><h1>Berita {n}: Pemkab Muara Enim luncurkan layanan kota cerdas</h1>
<p>MUARA ENIM - Pemerintah Kabupaten Muara Enim meluncurkan layanan kota cerdas nomor {n} pada hari Senin.</p>
<p>Layanan itu menghubungkan kamera lalu lintas, aduan warga dan data kependudukan dalam satu ruang kendali.</p>
<p>Kepala Dinas Kominfo mengatakan sistem dibangun bertahap sejak tahun lalu dengan anggaran daerah {extra}.</p>
</article></body></html>"""


def rss(items: list[tuple[str, str]]) -> str:
    """An RSS 2.0 feed of (link, RFC 822 date) items."""
    body = "".join(
        f"<item><title>Berita {i}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
        for i, (link, date) in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Demo</title>{body}</channel></rss>'


def slug(n: int) -> str:
    return f"/berita/{1000 + n}/pemkab-muara-enim-luncurkan-layanan-{n}"


@pytest.fixture()
def srv() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def run(srv_or_seeds: list[str], **settings: object) -> tuple[list[Article], list[FailedFetch], Crawler]:
    crawler_kw = {k: settings.pop(k) for k in ("max_pages", "since", "until", "allowed_hosts") if k in settings}
    fetcher = Fetcher(FetchSettings.from_mapping({**FAST, **settings}))
    crawler = Crawler(fetcher, **crawler_kw)  # type: ignore[arg-type]
    items = list(crawler.crawl(srv_or_seeds))
    fetcher.close()
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, FailedFetch)],
        crawler,
    )


# --------------------------------------------------------------------------- the fault matrix

FAULTS = {
    # n: (responder factory, expected FailedFetch kind, retryable)
    2: (lambda: status(500), "HTTPStatusError", True),
    3: (lambda: slow(1.0), "FetchTimeout", True),
    4: (lambda: truncated(b"<html><body><p>potongan", 9000), "TruncatedBody", True),
    5: (reset, "ConnectionFailed", True),
    6: (lambda: page(b"\x89PNG\r\n\x1a\n", "image/png"), "UnsupportedContentType", False),
    7: (lambda: redirect(slug(7)), "TooManyRedirects", False),
    8: (lambda: oversized(400_000), "BodyTooLarge", False),
    9: (lambda: page("<html><body><p>Halaman tidak ditemukan</p></body></html>"), "NotAnArticle", False),
    10: (lambda: status(404), "HTTPStatusError", False),
    11: (lambda: status(503, {"Retry-After": "1"}), "HTTPStatusError", True),
}


def test_fault_matrix_every_fault_reported_nothing_crashes(srv: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    srv.route("/robots.txt", page("User-agent: *\nDisallow: /rahasia/\n", "text/plain"))
    good = [1, 12, 13, 14, 15]
    for n in good:
        srv.route(slug(n), page(article_html(n)))
    # 12: invalid UTF-8 bytes and a header/meta charset conflict still give an article
    srv.route(slug(12), page(article_html(12, extra="\xe9").encode("utf-8").replace(b"Senin", b"Sen\xff\xfein"),
                             "text/html; charset=iso-8859-1"))
    # 13: 429 + Retry-After, then success
    srv.route(slug(13), sequence(status(429, {"Retry-After": "0"}), page(article_html(13))))
    for n, (make, _, _) in FAULTS.items():
        srv.route(slug(n), make())
    # 16: a mirror of article 1 (same rel=canonical) is not yielded twice
    canon1 = "https://contoh.warta.example/berita/1001"
    srv.route(slug(1), page(article_html(1, canonical=canon1)))
    srv.route(slug(16), page(article_html(1, canonical=canon1)))
    srv.route("/rahasia/1/berita-rahasia-pemkab", page(article_html(99)))
    feed_links = [srv.url(slug(n)) for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16]]
    feed_links += [srv.url(slug(1)) + "?utm_source=rss", srv.url("/rahasia/1/berita-rahasia-pemkab"),
                   "https://luar.warta.example/berita/1/situs-lain-tidak-diikuti"]
    date = "Mon, 15 Jan 2024 10:00:00 +0700"
    srv.route("/rss.xml", page(rss([(u, date) for u in feed_links]), "application/rss+xml"))
    srv.route("/bad-feed.xml", page("<rss><channel><<item>>", "application/rss+xml"))
    srv.route("/sitemap.xml", page("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>x</url>",
                                   "application/xml"))
    srv.route("/sitemap_news.xml.gz", gzipped(
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<url><loc>{srv.url(slug(14))}</loc><lastmod>2024-01-15</lastmod></url></urlset>"))
    srv.route("/index-news", page(
        f"<html><body><ul><li><a href='{slug(15)}?utm_medium=index'>15</a></li>"
        f"<li><a href='{slug(1)}'>1</a></li></ul><a rel='next' href='/index-news?page=2'>2</a></body></html>"))
    srv.route("/index-news?page=2", page("<html><body><p>kosong</p></body></html>"))
    seeds = [srv.url(p) for p in ("/rss.xml", "/bad-feed.xml", "/sitemap.xml", "/sitemap_news.xml.gz", "/index-news")]

    with caplog.at_level(logging.INFO, "scrapers"), caplog.at_level(logging.INFO, "pipeline.engine"):
        articles, failures, crawler = run(seeds, obey_robots=True, max_bytes=200_000)

    assert sorted(a.title.split(":")[0] for a in articles) == [f"Berita {n}" for n in (1, 12, 13, 14, 15)]
    assert len({a.canonical_url for a in articles}) == len(articles)
    by_url = {f.url: f for f in failures}
    for n, (_, kind, retryable) in FAULTS.items():
        f = by_url[srv.url(slug(n))]
        assert (f.kind, f.retryable) == (kind, retryable), (n, f)
        assert f.error
    assert by_url[srv.url(slug(2))].attempts == 3 and by_url[srv.url(slug(2))].status == 500
    assert by_url[srv.url(slug(10))].attempts == 1 and by_url[srv.url(slug(10))].status == 404
    assert by_url[srv.url("/rahasia/1/berita-rahasia-pemkab")].kind == "RobotsDisallowed"
    assert by_url[srv.url("/bad-feed.xml")].kind == "DiscoveryError"
    assert by_url[srv.url("/sitemap.xml")].kind == "DiscoveryError"
    assert len(failures) == len(FAULTS) + 3
    # robots-disallowed page never requested; off-site link never followed; duplicate fetched once
    assert srv.hits("/rahasia/1/berita-rahasia-pemkab") == []
    assert len(srv.hits(slug(1))) == 1
    assert "duplicate article" in caplog.text and "failed" in caplog.text
    assert crawler.pages_fetched >= len(seeds) + 5


def test_invalid_bytes_article_text_survives(srv: FaultServer) -> None:
    body = article_html(1).encode("utf-8").replace(b"nomor 1", b"nomor \xff\xfe 1")
    srv.route(slug(1), page(body, "text/html; charset=utf-8"))
    articles, failures, _ = run([srv.url(slug(1))])
    assert not failures and "Muara Enim" in articles[0].text


# --------------------------------------------------------------------------- politeness and scope


def test_off_site_links_not_followed_unless_allowed(srv: FaultServer) -> None:
    with FaultServer() as other:
        other.route(slug(2), page(article_html(2)))
        srv.route(slug(1), page(article_html(1)))
        date = "Mon, 15 Jan 2024 10:00:00 +0700"
        srv.route("/rss.xml", page(rss([(srv.url(slug(1)), date), (other.url(slug(2)), date)]), "application/rss+xml"))
        articles, failures, _ = run([srv.url("/rss.xml")])
        assert [a.title[:8] for a in articles] == ["Berita 1"] and not failures
        assert other.hits() == []
        articles, _, _ = run([srv.url("/rss.xml")], allowed_hosts=[other.base_url])
        assert len(articles) == 2 and len(other.hits(slug(2))) == 1


def test_delay_between_requests_in_a_crawl(srv: FaultServer) -> None:
    date = "Mon, 15 Jan 2024 10:00:00 +0700"
    for n in (1, 2, 3):
        srv.route(slug(n), page(article_html(n)))
    srv.route("/rss.xml", page(rss([(srv.url(slug(n)), date) for n in (1, 2, 3)]), "application/rss+xml"))
    articles, _, _ = run([srv.url("/rss.xml")], delay=0.2)
    assert len(articles) == 3
    assert [h.path for h in srv.hits()][:2] == ["/robots.txt", "/rss.xml"]
    times = [h.at for h in srv.hits()]  # robots.txt, feed, 3 articles
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 4 and min(gaps) >= 0.18, gaps


def test_private_addresses_blocked_in_crawl(srv: FaultServer) -> None:
    srv.route(slug(1), page(article_html(1)))
    articles, failures, _ = run([srv.url(slug(1))], allow_private=False)
    assert not articles and failures[0].kind == "BlockedAddress" and not failures[0].retryable
    assert srv.hits() == []


def test_max_pages_bounds_the_crawl(srv: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    date = "Mon, 15 Jan 2024 10:00:00 +0700"
    for n in range(1, 6):
        srv.route(slug(n), page(article_html(n)))
    srv.route("/rss.xml", page(rss([(srv.url(slug(n)), date) for n in range(1, 6)]), "application/rss+xml"))
    with caplog.at_level(logging.WARNING, "pipeline.engine"):
        articles, _, crawler = run([srv.url("/rss.xml")], max_pages=3)
    assert len(articles) == 2 and crawler.pages_fetched == 3
    assert "max_pages=3 reached; 3 queued URLs not fetched" in caplog.text


def test_since_until_backfill_window(srv: FaultServer) -> None:
    dates = {1: "Mon, 01 Jan 2024 10:00:00 +0700", 2: "Thu, 15 Feb 2024 10:00:00 +0700",
             3: "Fri, 15 Mar 2024 10:00:00 +0700"}
    for n, d in dates.items():
        srv.route(slug(n), page(article_html(n, published=f"2024-0{n}-15T10:00:00+07:00")))
    # 4 is undated in the feed but published outside the window: dropped after parsing
    srv.route(slug(4), page(article_html(4, published="2023-06-01T10:00:00+07:00")))
    items = [(srv.url(slug(n)), d) for n, d in dates.items()] + [(srv.url(slug(4)), "")]
    srv.route("/rss.xml", page(rss(items), "application/rss+xml"))
    articles, failures, _ = run(
        [srv.url("/rss.xml")],
        since=dt.datetime(2024, 2, 1, tzinfo=WIB),
        until=dt.datetime(2024, 2, 29, tzinfo=WIB),
    )
    assert [a.title[:8] for a in articles] == ["Berita 2"] and not failures
    assert srv.hits(slug(1)) == [] and srv.hits(slug(3)) == [] and len(srv.hits(slug(4))) == 1


def test_second_crawl_uses_conditional_get(srv: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    srv.route(slug(1), conditional(article_html(1), etag='"a1"'))
    fetcher = Fetcher(FetchSettings.from_mapping(FAST))
    crawler = Crawler(fetcher)
    first = list(crawler.crawl([srv.url(slug(1))]))
    with caplog.at_level(logging.INFO, "pipeline.engine"):
        second = list(crawler.crawl([srv.url(slug(1))]))
    fetcher.close()
    assert len(first) == 1 and isinstance(first[0], Article)
    assert second == [] and "unchanged since the last crawl" in caplog.text
    assert srv.hits(slug(1))[1].headers["If-None-Match"] == '"a1"'


def test_seed_that_is_not_a_url_is_reported() -> None:
    crawler = Crawler(Fetcher(FetchSettings.from_mapping(FAST)))
    (item,) = crawler.crawl(["file:///etc/passwd"])
    assert isinstance(item, FailedFetch) and item.kind == "InvalidSeed"


def test_failed_fetch_record_from_exception() -> None:
    exc = HTTPStatusError("HTTP 503", url="https://x.co/a", status=503)
    exc.attempts = 4
    rec = failed_fetch("https://x.co/a", exc)
    assert rec == FailedFetch("https://x.co/a", "HTTP 503", "HTTPStatusError", 503, True, 4)


# --------------------------------------------------------------------------- multi-page articles


def test_fetch_article_joins_pages_of_demo_site() -> None:
    from pipeline.demo import DemoSite

    with DemoSite() as site, Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        url = site.base_url + "/tribun/2018/08/14/empat-daerah-sumsel-lolos-gerakan-menuju-100-smart-city-tahap-ii"
        article = fetch_article(fetcher, url)
        adapter = adapter_for(url, fetcher.fetch(url, conditional=False).text)
    assert article.pages == 2 and adapter.name == "tribunnews"
    assert len(article.paragraphs) == len(set(article.paragraphs)) > 5


def test_pages_followed_when_no_all_pages_variant(srv: FaultServer) -> None:
    """A Tribun-family page whose ?page=all is missing: pages 1 and 2 are fetched and joined."""
    from pipeline.demo import DemoSite

    with DemoSite() as site, Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        base = "/tribun/2018/08/14/empat-daerah-sumsel-lolos-gerakan-menuju-100-smart-city-tahap-ii"
        p1 = fetcher.fetch(site.base_url + base).body.replace(site.base_url.encode(), srv.base_url.encode())
        p2 = fetcher.fetch(site.base_url + base + "?page=2").body.replace(site.base_url.encode(), srv.base_url.encode())
    srv.route(base, page(p1))
    srv.route(base + "?page=2", page(p2))
    srv.route(base + "?page=all", status(404))
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        article = fetch_article(fetcher, srv.url(base))
    assert article.pages == 2
    assert [h.path for h in srv.hits()] == ["/robots.txt", base, base + "?page=all", base + "?page=2"]


def test_demo_site_crawl_yields_each_article_once() -> None:
    from pipeline.demo import DemoSite

    with DemoSite() as site:
        articles, failures, _ = run(site.seeds(), max_pages=100)
    assert not failures
    canon = [a.canonical_url for a in articles]
    assert len(canon) == len(set(canon)) >= 10
    assert all(".warta.example/" in c for c in canon)
    assert max(a.pages for a in articles) == 2



def test_unreachable_robots_reported_per_url(srv: FaultServer) -> None:
    """robots.txt answering 503 blocks the host (RFC 9309); each URL is reported for retry."""
    srv.route("/robots.txt", status(503))
    for n in (1, 2):
        srv.route(slug(n), page(article_html(n)))
    articles, failures, _ = run([srv.url(slug(1)), srv.url(slug(2))], obey_robots=True, retries=0)
    assert not articles
    assert [(f.url, f.kind, f.retryable) for f in failures] == [
        (srv.url(slug(1)), "RobotsDisallowed", True),
        (srv.url(slug(2)), "RobotsDisallowed", True),
    ]
    assert srv.hits(slug(1)) == [] and len(srv.hits("/robots.txt")) == 1


def test_articles_before_next_listing_page(srv: FaultServer) -> None:
    """Listing page 1 -> its articles -> page 2: a small budget is spent on articles."""
    srv.route("/index-news", page(f"<html><body><a href='{slug(1)}'>1</a><a href='{slug(2)}'>2</a>"
                                  "<a rel='next' href='/index-news?page=2'>next</a></body></html>"))
    srv.route("/index-news?page=2", page(f"<html><body><a href='{slug(3)}'>3</a></body></html>"))
    for n in (1, 2, 3):
        srv.route(slug(n), page(article_html(n)))
    articles, _, _ = run([srv.url("/index-news")], max_pages=3)
    assert [a.title[:8] for a in articles] == ["Berita 1", "Berita 2"]
    articles, _, _ = run([srv.url("/index-news")])
    assert len(articles) == 3
    paths = [h.path for h in srv.hits() if h.path != "/robots.txt"][-5:]
    assert paths == ["/index-news", slug(1), slug(2), "/index-news?page=2", slug(3)]
