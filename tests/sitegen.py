"""A generated local news site for ingestion tests and the ingest benchmark.

:class:`GeneratedSite` serves ``n`` Indonesian-language articles, an RSS feed, a sitemap and a
paged listing on 127.0.0.1 (port 0), answers conditional GETs with 304, counts every response
by path and status, and can inject faults (an error status a number of times, a slow answer, an
answer dripped a byte at a time)
and change its content between runs (new articles, edited articles).

Example::

    with GeneratedSite(30) as site:
        site.feed_url, site.sitemap_url, site.listing_url
        site.add_articles(2); site.edit_article(0)
        site.count(kind="article", status=304)
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import json
import random
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

_PEOPLE = [
    ("Wali Kota Palembang", "Harnojoyo", "Pemerintah Kota Palembang"),
    ("Bupati Muara Enim", "Ahmad Yani", "Pemerintah Kabupaten Muara Enim"),
    ("Gubernur Sumatera Selatan", "Herman Deru", "Pemerintah Provinsi Sumatera Selatan"),
    ("Kepala Dinas Komunikasi dan Informatika Kota Prabumulih", "Rinaldo", "Diskominfo Kota Prabumulih"),
    ("Bupati Ogan Komering Ilir", "Iskandar", "Pemerintah Kabupaten Ogan Komering Ilir"),
]
_TOPICS_SMART = [
    "program Smart City", "Gerakan Menuju 100 Smart City", "layanan kota cerdas", "aplikasi smart city",
]
_WORDS = (
    "warga kecamatan kelurahan jalan pasar sekolah rumah sakit puskesmas anggaran daerah tahun program "
    "pembangunan jembatan sungai musi banjir drainase lampu taman kota layanan publik aplikasi data digital "
    "internet desa kabupaten provinsi dinas kepala camat lurah rapat koordinasi evaluasi target capaian "
    "pelatihan pemuda usaha mikro kecil menengah pedagang nelayan petani sawah kebun karet kopi sawit "
    "transportasi bus angkutan terminal pelabuhan bandara pariwisata festival budaya olahraga stadion "
    "kesehatan pendidikan beasiswa guru murid perpustakaan air bersih sampah daur ulang lingkungan hijau "
    "keamanan polisi pemadam kebakaran bencana relawan bantuan sosial pangan harga stok gudang distribusi"
).split()
_TOPICS_OTHER = ["festival kuliner", "pertandingan sepak bola", "harga cabai di pasar", "lomba perahu bidar"]

SITE_TZ = dt.timezone(dt.timedelta(hours=7))
"""Times on the generated site are WIB."""


@dataclass(slots=True)
class GeneratedArticle:
    """One article of the generated site."""

    index: int
    published: dt.datetime
    smart: bool
    """Whether the article speaks of smart-city programmes (passes a "smart city" keyword filter)."""
    version: int = 1
    modified: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def path(self) -> str:
        return f"/berita/{self.published:%Y/%m/%d}/artikel-{self.index:05d}"

    @property
    def title(self) -> str:
        role, name, _ = _PEOPLE[self.index % len(_PEOPLE)]
        topic = (_TOPICS_SMART if self.smart else _TOPICS_OTHER)[self.index % 4]
        return f"{role} {name} Tinjau {topic.title()} Nomor {self.index}"

    def paragraphs(self) -> list[str]:
        role, name, org = _PEOPLE[self.index % len(_PEOPLE)]
        topic = (_TOPICS_SMART if self.smart else _TOPICS_OTHER)[self.index % 4]
        day = self.published
        paras = [
            f"{role} {name} meninjau {topic} pada Senin ({day.day}/{day.month}/{day.year}). "
            f"Kunjungan itu merupakan bagian dari agenda {org} tahun {day.year}.",
            f"Menurut {name}, kegiatan nomor {self.index} ini melibatkan warga dari berbagai kecamatan "
            f"dan akan dievaluasi kembali pada bulan depan.",
            f"Sekretaris Daerah turut hadir mendampingi {name} bersama sejumlah kepala dinas terkait.",
        ]
        rng = random.Random(self.index)
        for _ in range(2):  # varied filler, so generated articles are not near-duplicates of each other
            words = [rng.choice(_WORDS) for _ in range(rng.randint(30, 45))]
            paras.append(" ".join(words).capitalize() + ".")
        if self.smart:
            paras.append(
                f"Kota tersebut terpilih dalam Gerakan Menuju 100 Smart City Tahap {1 + self.index % 3} "
                f"Tahun {day.year} yang digagas Kementerian Komunikasi dan Informatika."
            )
        if self.version > 1:
            paras.append(f"Pembaruan ke-{self.version}: berita ini diperbarui dengan keterangan tambahan.")
        return paras

    def render(self, base_url: str) -> str:
        url = base_url + self.path
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "datePublished": self.published.isoformat(),
            "dateModified": self.modified.isoformat(),
            "author": {"@type": "Person", "name": "Penulis Warta"},
            "mainEntityOfPage": url,
        }
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs())
        return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>{html.escape(self.title)} - Warta Lokal</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{html.escape(self.title)}">
<meta property="article:published_time" content="{self.published.isoformat()}">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head><body>
<header><a href="/">Warta Lokal</a></header>
<article><h1>{html.escape(self.title)}</h1>
<div class="date">{self.published:%d/%m/%Y %H:%M} WIB</div>
{body}
</article>
<footer>Hak cipta Warta Lokal</footer>
</body></html>"""


class GeneratedSite:
    """A news site of ``n`` generated articles served on loopback; a context manager.

    Args:
        n: number of articles.
        smart_every: every ``smart_every``-th article speaks of smart city (1: all of them).
        listing_page_size: articles per listing page.
        start: publication time of article 0; the others follow an hour apart.
        latency: seconds every article answer waits (to slow a run down for kill tests).
        host: the loopback address to serve on (127.0.0.2, 127.0.0.3 ... are other hosts).
        crawl_delay: serve a robots.txt asking for this Crawl-delay (None: no robots.txt).
    """

    def __init__(
        self,
        n: int = 20,
        *,
        smart_every: int = 1,
        listing_page_size: int = 20,
        start: dt.datetime = dt.datetime(2024, 3, 1, 8, 0, tzinfo=SITE_TZ),
        latency: float = 0.0,
        host: str = "127.0.0.1",
        crawl_delay: float | None = None,
    ) -> None:
        self.start_time = start
        self.latency = latency
        self.host = host
        self.crawl_delay = crawl_delay
        self.arrivals: list[tuple[str, float]] = []
        """Every request as the server saw it: path and server-side ``time.monotonic()`` on arrival."""
        self.smart_every = smart_every
        self.listing_page_size = listing_page_size
        self.articles: list[GeneratedArticle] = []
        self.counts: Counter[tuple[str, int]] = Counter()
        self.faults: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.add_articles(n)

    # -- content -----------------------------------------------------------------------

    def add_articles(self, k: int) -> list[GeneratedArticle]:
        """Publish ``k`` new articles (newest last)."""
        with self._lock:
            new = []
            for _ in range(k):
                i = len(self.articles)
                art = GeneratedArticle(
                    index=i,
                    published=self.start_time + dt.timedelta(hours=i),
                    smart=(i % self.smart_every == 0),
                )
                self.articles.append(art)
                new.append(art)
            return new

    def edit_article(self, i: int) -> GeneratedArticle:
        """Change article ``i``'s text (new ETag and Last-Modified)."""
        with self._lock:
            art = self.articles[i]
            art.version += 1
            art.modified = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=art.version)
            return art

    def fail(self, path: str, status: int = 500, times: int = 1_000_000) -> None:
        """Answer ``path`` with ``status`` the next ``times`` requests."""
        self.faults[path] = {"status": status, "times": times}

    def slow(self, path: str, seconds: float, times: int = 1_000_000) -> None:
        """Wait ``seconds`` before answering ``path`` (to provoke client timeouts)."""
        self.faults[path] = {"sleep": seconds, "times": times}

    def drip(self, path: str, interval: float, times: int = 1_000_000) -> None:
        """Answer ``path`` with its headers, then its body one byte every ``interval`` seconds
        (each read is quick: only a total deadline stops the client)."""
        self.faults[path] = {"drip": interval, "times": times}

    def heal(self, path: str | None = None) -> None:
        """Remove the fault on ``path`` (all faults when None)."""
        if path is None:
            self.faults.clear()
        else:
            self.faults.pop(path, None)

    # -- URLs and counters ---------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the site first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def feed_url(self) -> str:
        return self.base_url + "/rss"

    @property
    def sitemap_url(self) -> str:
        return self.base_url + "/sitemap.xml"

    @property
    def listing_url(self) -> str:
        return self.base_url + "/indeks"

    def article_urls(self) -> list[str]:
        """Absolute URLs of every article."""
        return [self.base_url + a.path for a in self.articles]

    def smart_urls(self) -> list[str]:
        """Absolute URLs of the smart-city articles."""
        return [self.base_url + a.path for a in self.articles if a.smart]

    def count(self, *, kind: str | None = None, status: int | None = None) -> int:
        """Responses served, by kind (``article``, ``feed``, ``sitemap``, ``listing``, ``other``) and status."""
        with self._lock:
            return sum(
                n for (path, st), n in self.counts.items()
                if (kind is None or _kind(path) == kind) and (status is None or st == status)
            )

    def reset_counts(self) -> None:
        """Forget the response counters and the arrival log."""
        with self._lock:
            self.counts.clear()
            self.arrivals.clear()

    def gaps(self) -> list[float]:
        """Seconds between consecutive requests, as they arrived at the server."""
        with self._lock:
            times = sorted(t for _, t in self.arrivals)
        return [b - a for a, b in zip(times, times[1:])]

    # -- serving -------------------------------------------------------------------------

    def _page(self, path: str, query: dict[str, list[str]]) -> tuple[str, str, str | None]:
        """``(body, content type, Last-Modified)`` of a path; raises KeyError when unknown."""
        with self._lock:
            arts = list(self.articles)
        newest = max((a.modified for a in arts), default=self.start_time)
        lm = email.utils.format_datetime(newest.astimezone(dt.UTC), usegmt=True)
        if path == "/robots.txt":
            return "User-agent: *\nAllow: /\n", "text/plain", None
        if path == "/rss":
            items = "".join(
                f"<item><title>{html.escape(a.title)}</title><link>{self.base_url}{a.path}</link>"
                f"<guid>{self.base_url}{a.path}</guid>"
                f"<pubDate>{email.utils.format_datetime(a.published)}</pubDate></item>"
                for a in reversed(arts)
            )
            body = (
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>Warta Lokal</title><link>{self.base_url}/</link><description>Berita</description>"
                f"{items}</channel></rss>"
            )
            return body, "application/rss+xml", lm
        if path == "/sitemap.xml":
            urls = "".join(
                f"<url><loc>{self.base_url}{a.path}</loc><lastmod>{a.modified.isoformat()}</lastmod></url>"
                for a in arts
            )
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            )
            return body, "application/xml", lm
        if path == "/indeks":
            page = int(query.get("page", ["1"])[0])
            size = self.listing_page_size
            newest_first = list(reversed(arts))
            chunk = newest_first[(page - 1) * size: page * size]
            if not chunk:
                raise KeyError(path)
            links = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in chunk)
            more = f'<a class="next" rel="next" href="/indeks?page={page + 1}">Berikutnya</a>' \
                if page * size < len(arts) else ""
            body = (f"<!DOCTYPE html><html><head><title>Indeks Berita</title></head><body>"
                    f"<ul class='lsi'>{links}</ul><div class='paging'>{more}</div></body></html>")
            return body, "text/html; charset=utf-8", None
        for a in arts:
            if a.path == path:
                return (a.render(self.base_url), "text/html; charset=utf-8",
                        email.utils.format_datetime(a.modified.astimezone(dt.UTC), usegmt=True))
        raise KeyError(path)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                path = urlsplit(self.path).path
                with site._lock:
                    site.counts[(path, status)] += 1
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):  # the client timed out first
                        self.close_connection = True

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                with site._lock:
                    site.arrivals.append((parts.path, time.monotonic()))
                if parts.path == "/robots.txt" and site.crawl_delay is not None:
                    self._send(200, f"User-agent: *\nCrawl-delay: {site.crawl_delay}\n".encode(),
                               {"Content-Type": "text/plain"})
                    return
                if site.latency and _kind(parts.path) == "article":
                    time.sleep(site.latency)
                fault = site.faults.get(parts.path)
                if fault and fault.get("times", 0) > 0:
                    fault["times"] -= 1
                    if "sleep" in fault:
                        time.sleep(fault["sleep"])
                    elif "drip" in fault:
                        self._drip(parts.path, fault["drip"])
                        return
                    else:
                        self._send(int(fault["status"]), b"server error", {"Content-Type": "text/plain"})
                        return
                try:
                    text, ctype, last_modified = site._page(parts.path, parse_qs(parts.query))
                except KeyError:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                body = text.encode("utf-8")
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                headers = {"Content-Type": ctype, "ETag": etag}
                if last_modified:
                    headers["Last-Modified"] = last_modified
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", {"ETag": etag})
                    return
                self._send(200, body, headers)

            def _drip(self, path: str, interval: float) -> None:
                try:
                    text, ctype, _ = site._page(path, {})
                except KeyError:
                    text, ctype = "not found", "text/plain"
                body = text.encode("utf-8")
                with site._lock:
                    site.counts[(path, 200)] += 1
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(interval)
                except OSError:  # the client gave up
                    pass

            do_HEAD = do_GET  # noqa: N815

        return Handler

    def start(self) -> GeneratedSite:
        """Serve on a free loopback port in a background thread."""
        self._server = ThreadingHTTPServer((self.host, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="sitegen", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GeneratedSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _kind(path: str) -> str:
    if path.startswith("/berita/"):
        return "article"
    return {"/rss": "feed", "/sitemap.xml": "sitemap", "/indeks": "listing"}.get(path, "other")


@cache
def shared_extractor() -> Any:
    """One ``extractors.Extractor`` for every ingest test in this process (it is slow to load)."""
    from extractors import Extractor

    return Extractor()


def write_config(path: Path, site: GeneratedSite) -> Path:
    """A minimal sources.toml reading ``site``'s feed: loopback allowed, no delay, no fetch retries."""
    path.write_text(
        "[fetch]\nallow_private = true\nretries = 0\nread_timeout = 2\n\n"
        "[defaults]\ndelay = 0\nretry_backoff_minutes = 0\n\n"
        f'[[source]]\nname = "lokal"\noutlet = "127.0.0.1"\nfeeds = ["{site.feed_url}"]\n',
        encoding="utf-8",
    )
    return path


def articles_in(db: Path) -> int:
    """Articles committed to the store at ``db`` so far (0 while it or its schema is not there yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # schema not written yet
        return 0
