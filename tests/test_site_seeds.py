"""A crawl that starts from the sitemaps a site's robots.txt lists (``Fetcher.site_seeds``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from faultserver import FaultServer, page
from pipeline.models import Article
from pipeline.engine import Crawler
from scrapers.fetch import Fetcher, FetchSettings

FAST = {"delay": 0.0, "allow_private": True, "backoff": 0.01, "backoff_max": 0.02, "retries": 0,
        "connect_timeout": 1.0, "read_timeout": 0.5, "obey_robots": True}


@pytest.fixture()
def srv() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def article(n: int) -> str:
    title = f"Berita {n}: Pemkab Muara Enim luncurkan layanan kota cerdas"
    return (f'<html><head><title>{title}</title><meta property="og:type" content="article">'
            f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{title}",'
            f'"datePublished":"2024-01-15T10:00:00+07:00"}}</script></head><body><article><h1>{title}</h1>'
            f"<p>MUARA ENIM - Pemerintah Kabupaten Muara Enim meluncurkan layanan kota cerdas nomor {n}.</p>"
            "<p>Layanan itu menghubungkan kamera lalu lintas, aduan warga dan data kependudukan.</p>"
            "<p>Kepala Dinas Kominfo mengatakan sistem dibangun bertahap sejak tahun lalu.</p></article></body></html>")


def slug(n: int) -> str:
    return f"/berita/{1000 + n}/pemkab-muara-enim-luncurkan-layanan-{n}"


def test_crawl_from_the_sitemaps_robots_txt_lists(srv: FaultServer) -> None:
    srv.route("/robots.txt", page(f"User-agent: *\nAllow: /\nSitemap: {srv.url('/sitemap_news.xml')}\n", "text/plain"))
    urls = "".join(f"<url><loc>{srv.url(slug(n))}</loc><lastmod>2024-01-15</lastmod></url>" for n in (1, 2))
    srv.route("/sitemap_news.xml", page(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        "application/xml"))
    for n in (1, 2):
        srv.route(slug(n), page(article(n)))
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        seeds = fetcher.site_seeds(srv.url("/"))
        assert seeds == [srv.url("/sitemap_news.xml")]
        items = list(Crawler(fetcher).crawl(seeds))
    assert sorted(i.title[:8] for i in items if isinstance(i, Article)) == ["Berita 1", "Berita 2"]
    assert srv.hits("/") == []  # the home page itself was never needed
