"""The bundled demo news site, served on loopback for ``warta demo`` and the tests.

``pipeline/demo_site/`` holds small pages written for warta in the structure of three
Indonesian outlet families (Tribunnews network, Antara, Detik), plus an RSS feed, sitemaps,
a two-page listing and ``robots.txt``. :class:`DemoSite` serves them from a
``ThreadingHTTPServer`` in a daemon thread on ``127.0.0.1`` and a free port::

    with DemoSite() as site:
        crawl(site.seeds(), "warta.db")

URL to file mapping (files are found with :mod:`importlib.resources`, so an installed
package works too):

* ``/`` -> ``index.html``; ``/index-news`` -> ``index-news.html``;
* ``/a/b/slug`` -> ``a/b/slug.html``; ``/a/b/slug?page=N`` (N > 1) -> ``a/b/slug.pageN.html``;
  ``?page=all`` -> ``a/b/slug.pageall.html`` when the article has more than one page;
* paths with a suffix (``/rss.xml``, ``/robots.txt``) -> the file itself;
* other query parameters are ignored; anything else is a 404.

Links inside the files are written as ``{{BASE_URL}}/...`` and replaced by the server's
``http://127.0.0.1:PORT`` when served, while every article's canonical URL stays on a fixed
``*.warta.example`` host so the store key does not depend on the port.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from collections.abc import Container
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

#: Placeholder in the site's files, replaced by :attr:`DemoSite.base_url` when served.
BASE_URL_PLACEHOLDER = b"{{BASE_URL}}"

#: Top-level folders of ``demo_site/`` that hold article pages, one per outlet family.
ARTICLE_DIRS = ("tribun", "antara", "detik")

#: Paths of the discovery documents, relative to the base URL, in :meth:`DemoSite.seeds` order.
SEED_PATHS = ("/rss.xml", "/sitemap.xml", "/index-news")

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_FEED_CONTENT_TYPE = "application/rss+xml; charset=utf-8"


def site_root() -> Traversable:
    """The ``demo_site`` folder inside the installed ``pipeline`` package."""
    return resources.files("pipeline").joinpath("demo_site")


def _walk(node: Traversable, prefix: str = "") -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for child in node.iterdir():
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            files.update(_walk(child, rel + "/"))
        elif child.is_file():
            files[rel] = child.read_bytes()
    return files


def load_site_files() -> dict[str, bytes]:
    """Read every file of the demo site into memory.

    Returns:
        File contents keyed by path relative to ``demo_site/`` (``tribun/2019/.../slug.html``),
        placeholders not yet replaced.

    Raises:
        FileNotFoundError: when the package was installed without its ``demo_site`` data.
    """
    root = site_root()
    if not root.is_dir():
        raise FileNotFoundError(
            f"demo site files not found at {root}; reinstall warta (pip install -e .) so the "
            "pipeline/demo_site package data is included"
        )
    return _walk(root)


def resolve_path(url_path: str, query: str, files: Container[str]) -> str | None:
    """Map a request path and query string to a site file, or ``None`` for a 404.

    Args:
        url_path: the path part of the request URL, e.g. ``/tribun/2018/08/14/slug``.
        query: the raw query string; only ``page`` (a number or ``all``) is read, other
            parameters are ignored.
        files: the known file paths (anything supporting ``in``).

    Returns:
        The file's path relative to ``demo_site/``, or ``None`` when there is no such page.
    """
    if ".." in url_path.split("/") or "\\" in url_path:
        return None
    rel = posixpath.normpath("/" + url_path.lstrip("/")).strip("/")
    if not rel:
        rel = "index"
    page = parse_qs(query).get("page", ["1"])[0]
    if posixpath.splitext(rel)[1]:
        return rel if page == "1" and rel in files else None
    if page == "all":
        # The whole text on one page, like Tribunnews' ?page=all; a one-page article is itself.
        candidates = [f"{rel}.pageall.html", f"{rel}.html"]
    elif page == "1":
        candidates = [f"{rel}.html"]
    elif page.isdigit() and int(page) > 1:
        candidates = [f"{rel}.page{int(page)}.html"]
    else:
        return None
    return next((c for c in candidates if c in files), None)


def content_type(rel_path: str) -> str:
    """The Content-Type header for a site file (RSS feeds get ``application/rss+xml``)."""
    if rel_path.endswith("rss.xml"):
        return _FEED_CONTENT_TYPE
    return _CONTENT_TYPES.get(posixpath.splitext(rel_path)[1], "application/octet-stream")


class _Handler(BaseHTTPRequestHandler):
    """Serves the in-memory site of the owning :class:`DemoSite`."""

    server: _DemoServer
    protocol_version = "HTTP/1.1"
    server_version = "WartaDemo/1.0"
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def _serve(self, *, with_body: bool) -> None:
        parts = urlsplit(self.path)
        rel = resolve_path(parts.path, parts.query, self.server.pages)
        if rel is None:
            body = b"<!DOCTYPE html><html><body><h1>404 Halaman tidak ditemukan</h1></body></html>\n"
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, with_body=with_body)
            return
        body = self.server.pages[rel]
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._send(HTTPStatus.NOT_MODIFIED, None, b"", with_body=False, etag=etag)
            return
        self._send(HTTPStatus.OK, content_type(rel), body, with_body=with_body, etag=etag)

    def _send(
        self,
        status: HTTPStatus,
        ctype: str | None,
        body: bytes,
        *,
        with_body: bool,
        etag: str | None = None,
    ) -> None:
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        if etag is not None:
            self.send_header("ETag", etag)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (base class name)
        logger.debug("demo site %s - " + format, self.address_string(), *args)


class _DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: dict[str, bytes]


class DemoSite:
    """Serve the bundled demo news site on ``127.0.0.1`` for the length of a ``with`` block.

    Args:
        host: interface to bind (loopback by default).
        port: port to bind; 0 picks a free one.

    Example::

        with DemoSite() as site:
            print(site.base_url, site.article_urls())
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.base_url = ""
        self._server: _DemoServer | None = None
        self._thread: threading.Thread | None = None
        self._raw = load_site_files()

    def start(self) -> DemoSite:
        """Bind the port, fill in the base URL and start serving in a daemon thread."""
        if self._server is not None:
            return self
        server = _DemoServer((self.host, self.port), _Handler)
        self.port = server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        base = self.base_url.encode()
        server.pages = {rel: data.replace(BASE_URL_PLACEHOLDER, base) for rel, data in self._raw.items()}
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="warta-demo-site", daemon=True
        )
        self._thread.start()
        logger.info("demo site serving %d files at %s", len(server.pages), self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and release the port (safe to call twice)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        logger.info("demo site at %s stopped", self.base_url)

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _require_started(self) -> str:
        if not self.base_url:
            raise RuntimeError("the demo site is not serving yet; use `with DemoSite() as site:` or call start()")
        return self.base_url

    def seeds(self) -> list[str]:
        """The discovery URLs to crawl: the RSS feed, the sitemap and the first listing page."""
        base = self._require_started()
        return [base + p for p in SEED_PATHS]

    def article_urls(self) -> list[str]:
        """The served URL of every article's first page, sorted."""
        base = self._require_started()
        urls = []
        for rel in self._raw:
            top = rel.split("/", 1)[0]
            if top not in ARTICLE_DIRS or not rel.endswith(".html"):
                continue
            stem = rel[: -len(".html")]
            if posixpath.splitext(stem)[1].startswith(".page"):
                continue
            urls.append(f"{base}/{stem}")
        return sorted(urls)

    def url_for(self, path: str) -> str:
        """The served URL of a site path such as ``/rss.xml``."""
        return self._require_started() + "/" + path.lstrip("/")
