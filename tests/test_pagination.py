"""Multi-page articles whose all-pages variant is missing, on the local fault server.

Detik: the pager links ``/d-<id>/<slug>/2`` when ``?single=1`` is not served. Tribunnews:
newer pages carry only a ``span.total-page`` counter ("1/3"), no ``div.paging`` links.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from faultserver import FaultServer, page, status
from scrapers.adapters import adapter_for
from scrapers.crawl import fetch_article
from scrapers.fetch import Fetcher, FetchSettings

FAST = {"delay": 0.0, "allow_private": True, "backoff": 0.01, "backoff_max": 0.02, "retries": 0,
        "connect_timeout": 1.0, "read_timeout": 0.5}
LD = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "%s", "datePublished": "2024-03-01T10:00:00+07:00"}</script>'


@pytest.fixture()
def srv() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def _paragraphs(n: int) -> str:
    return "".join(f"<p>Halaman {n} paragraf {i}: pemerintah daerah menyiapkan anggaran perbaikan jalan "
                   f"provinsi sepanjang {n}{i} kilometer tahun ini.</p>" for i in range(3))


def detik_page(n: int, base: str, total: int) -> str:
    nav = "".join(f'<a class="detail__anchor-numb" href="{base}/{k}">{k}</a>' for k in range(1, total + 1))
    return (f"<html><head><title>Jalan Provinsi Diperbaiki</title>{LD % 'Jalan Provinsi Diperbaiki'}</head><body>"
            f'<h1 class="detail__title">Jalan Provinsi Diperbaiki</h1>'
            f'<div class="detail__body-text itp_bodycontent">{_paragraphs(n)}'
            f'<div class="detail__long-nav">{nav}<a href="{base}/{min(n + 1, total)}">Selanjutnya</a>'
            f'<a href="/berita/d-999/artikel-lain/2">lain</a></div></div></body></html>')


def tribun_page(n: int, total: int) -> str:
    return (f"<html><head><title>Jalan Provinsi Diperbaiki - Tribunsumsel.com</title>"
            f"{LD % 'Jalan Provinsi Diperbaiki'}</head><body><h1 id=\"arttitle\">Jalan Provinsi Diperbaiki</h1>"
            f'<div class="side-article txt-article">{_paragraphs(n)}</div>'
            f'<div class="pagination"><span class="total-page">Halaman {n}/{total}</span></div></body></html>')


def test_detik_pages_followed_without_single(srv: FaultServer) -> None:
    base = "/berita/d-7016153/jalan-provinsi-diperbaiki"
    for n in (1, 2, 3):
        srv.route(base if n == 1 else f"{base}/{n}", page(detik_page(n, base, 3)))
    srv.route(base + "?single=1", status(404))
    html = detik_page(1, base, 3)
    assert adapter_for(srv.url(base), html).name == "detik"
    assert adapter_for(srv.url(base), html).next_page_urls(html, srv.url(base)) == [
        srv.url(f"{base}/2"), srv.url(f"{base}/3")]
    assert adapter_for(srv.url(base), html).next_page_urls(detik_page(3, base, 3), srv.url(f"{base}/3")) == []
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        article = fetch_article(fetcher, srv.url(base))
    assert article.pages == 3 and article.adapter == "detik"
    assert [p[:10] for p in article.paragraphs][::3] == ["Halaman 1 ", "Halaman 2 ", "Halaman 3 "]
    assert "/berita/d-999/artikel-lain/2" not in [h.path for h in srv.hits()]


def test_tribun_total_page_counter_followed(srv: FaultServer) -> None:
    base = "/2024/03/01/jalan-provinsi-diperbaiki"
    srv.route(base, page(tribun_page(1, 2)))
    srv.route(base + "?page=2", page(tribun_page(2, 2)))
    srv.route(base + "?page=all", status(404))
    html = tribun_page(1, 2)
    adapter = adapter_for(srv.url(base), html)
    assert adapter.name == "tribunnews"
    assert adapter.next_page_urls(html, srv.url(base)) == [srv.url(base + "?page=2")]
    assert adapter.next_page_urls(tribun_page(2, 2), srv.url(base + "?page=2")) == []
    with Fetcher(FetchSettings.from_mapping(FAST)) as fetcher:
        article = fetch_article(fetcher, srv.url(base))
    assert article.pages == 2 and len(article.paragraphs) == 6


def test_tribun_counter_is_bounded() -> None:
    from scrapers.adapters.tribunnews import MAX_COUNTED_PAGES

    url = "https://sumsel.tribunnews.com/2024/03/01/jalan-provinsi-diperbaiki"
    assert len(adapter_for(url).next_page_urls(tribun_page(1, 5000), url)) == MAX_COUNTED_PAGES - 1
