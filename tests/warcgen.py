"""WARC archives written for the import tests and the import benchmark, with warcio's own writer.

Pages are ours: the demo site's articles (``pipeline/demo_site``) and generated articles
(``tests/sitegen.py``). :class:`WarcBuilder` adds records one by one and remembers each one's
byte range, so a test can damage a chosen record afterwards::

    w = WarcBuilder(gzip=True)
    w.response("https://x.example/a", html)          # -> its (offset, end)
    w.revisit("https://x.example/a"); w.response(url, b"GIF89a", content_type="image/gif")
    w.save(tmp_path / "a.warc.gz")
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitegen import GeneratedArticle

#: The demo site's single-page articles: file under ``demo_site/`` -> the URL a crawler would have saved.
DEMO_PAGES = {
    "tribun/2019/05/16/kabupaten-muara-enim-terpilih-role-model-smart-city.html":
        "https://tribun-demo.warta.example/2019/05/16/kabupaten-muara-enim-terpilih-role-model-smart-city",
    "tribun/2020/08/03/diskominfo-muara-enim-luncurkan-aplikasi-aduan-warga.html":
        "https://tribun-demo.warta.example/2020/08/03/diskominfo-muara-enim-luncurkan-aplikasi-aduan-warga",
    "antara/berita/780412/pemprov-sumsel-dorong-kabupaten-kota-ikut-gerakan-smart-city.html":
        "https://antara-demo.warta.example/berita/780412/pemprov-sumsel-dorong-kabupaten-kota-ikut-gerakan-smart-city",
    "antara/berita/2391107/kemendagri-minta-daerah-selaraskan-spbe-dan-smart-city.html":
        "https://antara-demo.warta.example/berita/2391107/kemendagri-minta-daerah-selaraskan-spbe-dan-smart-city",
    "detik/d-6104527/antrean-puskesmas-prabumulih-kini-bisa-lewat-aplikasi.html":
        "https://detik-demo.warta.example/d-6104527/antrean-puskesmas-prabumulih-kini-bisa-lewat-aplikasi",
    "detik/d-7016874/pemkot-ambon-bentuk-dewan-smart-city.html":
        "https://detik-demo.warta.example/d-7016874/pemkot-ambon-bentuk-dewan-smart-city",
}

GENERATED_BASE = "https://warta-lokal.example"


def demo_page(name: str) -> bytes:
    """One page of the demo site, its ``{{BASE_URL}}`` links pointing at the demo hosts."""
    data = resources.files("pipeline").joinpath("demo_site", *name.split("/")).read_bytes()
    return data.replace(b"{{BASE_URL}}", b"https://demo.warta.example")


def generated(n: int, start: int = 0) -> list[tuple[str, bytes]]:
    """``n`` generated articles (URL, page), numbered from ``start``."""
    first = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    out = []
    for i in range(start, start + n):
        article = GeneratedArticle(i, first + dt.timedelta(hours=i), smart=True)
        out.append((GENERATED_BASE + article.path, article.render(GENERATED_BASE).encode("utf-8")))
    return out


class WarcBuilder:
    """Records written one at a time into memory; :meth:`save` writes the file.

    Args:
        gzip: one gzip member per record (``.warc.gz``), as Common Crawl writes them.
    """

    def __init__(self, *, gzip: bool = True) -> None:
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip)
        self.ranges: list[tuple[int, int]] = []
        self.writer.write_record(self.writer.create_warcinfo_record("test.warc", {"software": "warta tests"}))
        self.ranges.append((0, self.buffer.tell()))

    def _write(self, record: object) -> tuple[int, int]:
        start = self.buffer.tell()
        self.writer.write_record(record)
        self.ranges.append((start, self.buffer.tell()))
        return self.ranges[-1]

    def response(self, url: str, body: bytes, *, status: str = "200 OK",
                 content_type: str = "text/html; charset=utf-8", date: str | None = None) -> tuple[int, int]:
        """An HTTP response record; returns its byte range."""
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date} if date else None
        return self._write(self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict=warc_headers,
        ))

    def request(self, url: str) -> tuple[int, int]:
        """The GET request record a crawler writes before a response."""
        headers = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x")], is_http_request=True)
        return self._write(self.writer.create_warc_record(url, "request", http_headers=headers))

    def revisit(self, url: str) -> tuple[int, int]:
        """A revisit record (the page was unchanged since an earlier capture)."""
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        return self._write(self.writer.create_revisit_record(
            url, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=url,
            refers_to_date="2024-03-01T00:00:00Z", http_headers=headers,
        ))

    def data(self) -> bytes:
        return self.buffer.getvalue()

    def save(self, path: Path, data: bytes | None = None) -> Path:
        """Write the archive (or ``data``, a damaged copy of it) to ``path``."""
        path.write_bytes(self.data() if data is None else data)
        return path
