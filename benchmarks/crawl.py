"""Fetching and crawling speed against real local servers (no network).

Three measurements, each the best of ``--repeat`` runs:

* ``fetch``: one fetcher, politeness delay 0, N sequential fetches of a ~60 kB HTML page from
  the fault server in ``tests/faultserver.py`` (connection handling, streaming, size and
  truncation checks, decoding);
* ``discover``: classify + discover on a 2,000-entry Google News sitemap (lxml) and a
  200-item RSS feed (feedparser), in memory;
* ``crawl``: the whole bundled demo site (feed, sitemap, two-page listing, 13 articles of
  which one spans two pages) through :class:`pipeline.engine.Crawler`, delay 0, parsing
  included.

Usage::

    .venv/bin/python benchmarks/crawl.py [--repeat 3] [--fetches 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from faultserver import FaultServer, page  # noqa: E402
from timing import best_of  # noqa: E402

from pipeline.demo import DemoSite  # noqa: E402
from pipeline.models import Article, FetchedPage  # noqa: E402
from pipeline.engine import Crawler  # noqa: E402
from scrapers.discover import discover  # noqa: E402
from scrapers.fetch import Fetcher, FetchSettings  # noqa: E402

LOCAL = FetchSettings(delay=0.0, allow_private=True, obey_robots=False)


def bench_fetch(n: int, repeat: int) -> None:
    body = "<html><body>" + "<p>Pemerintah Kabupaten Muara Enim meluncurkan layanan kota cerdas.</p>" * 900 + "</body></html>"
    with FaultServer() as srv, Fetcher(LOCAL) as fetcher:
        url = srv.route("/a", page(body))

        def run() -> int:
            return sum(len(fetcher.fetch(url, conditional=False).body) for _ in range(n))

        total, secs = best_of(run, repeat)
    print(f"fetch     {n} pages of {len(body) // 1000} kB: {secs:.3f} s, {n / secs:.0f} pages/s, "
          f"{total / secs / 1e6:.1f} MB/s")


def _page(body: str, url: str, ctype: str) -> FetchedPage:
    return FetchedPage(url=url, final_url=url, status=200, headers={"content-type": ctype},
                       body=body.encode(), fetched_at=dt.datetime.now(dt.timezone.utc), text=body)


def bench_discover(repeat: int) -> None:
    entries = "".join(
        f"<url><loc>https://www.tribunnews.com/regional/2024/01/{i % 28 + 1:02d}/berita-nomor-{i}-kota-cerdas</loc>"
        "<news:news><news:publication><news:name>Tribunnews</news:name><news:language>id</news:language>"
        f"</news:publication><news:publication_date>2024-01-{i % 28 + 1:02d}T10:00:00+07:00</news:publication_date>"
        f"<news:title>Berita {i}</news:title></news:news></url>"
        for i in range(2000)
    )
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>')
    items = "".join(
        f"<item><title>Berita {i}</title><link>https://sumsel.tribunnews.com/2024/01/15/berita-{i}-kota-cerdas"
        f"?utm_source=rss</link><pubDate>Mon, 15 Jan 2024 10:00:00 +0700</pubDate></item>"
        for i in range(200)
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    sm = _page(sitemap, "https://www.tribunnews.com/sitemap-news.xml", "application/xml")
    rss = _page(feed, "https://sumsel.tribunnews.com/rss", "application/rss+xml")
    links, secs = best_of(lambda: discover(sm), repeat)
    print(f"discover  sitemap {len(links)} entries ({len(sitemap) // 1000} kB): {secs * 1000:.1f} ms, "
          f"{len(links) / secs:.0f} links/s")
    links, secs = best_of(lambda: discover(rss), repeat)
    print(f"discover  RSS {len(links)} items ({len(feed) // 1000} kB): {secs * 1000:.1f} ms, "
          f"{len(links) / secs:.0f} links/s")


def bench_crawl(repeat: int) -> None:
    with DemoSite() as site:

        def run() -> tuple[int, int]:
            with Fetcher(FetchSettings(delay=0.0, allow_private=True)) as fetcher:
                crawler = Crawler(fetcher, max_pages=500)
                n = sum(isinstance(item, Article) for item in crawler.crawl(site.seeds()))
                return n, crawler.pages_fetched

        (articles, pages), secs = best_of(run, repeat)
    print(f"crawl     demo site: {articles} articles, {pages} pages (+ robots.txt) in {secs:.3f} s, "
          f"{pages / secs:.0f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fetches", type=int, default=200)
    args = parser.parse_args()
    bench_fetch(args.fetches, args.repeat)
    bench_discover(args.repeat)
    bench_crawl(args.repeat)


if __name__ == "__main__":
    main()
