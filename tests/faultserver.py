"""A real threaded HTTP server on 127.0.0.1 (port 0) with scriptable faults.

Routes map a path (optionally with its query) to a *responder*, a callable that writes the
whole answer on the real socket. Helpers build the usual ones: pages, error statuses with
Retry-After, slow answers, connection resets, truncated bodies, redirects, oversized bodies,
conditional GET (ETag/Last-Modified -> 304), answers dripped a byte at a time and sequences (503 then 200)::

    with FaultServer() as srv:
        srv.route("/flaky", sequence(status(503, {"Retry-After": "0"}), page(b"<html>ok</html>")))
        fetcher.fetch(srv.url("/flaky"))
        assert len(srv.hits("/flaky")) == 2

Every request is recorded (path, server-side ``time.monotonic()``, headers) so tests can
measure politeness delays where the requests arrive.
"""

from __future__ import annotations

import gzip
import itertools
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Responder = Callable[[BaseHTTPRequestHandler], None]

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Hit:
    """One request as the server saw it."""

    path: str
    """Path with query string."""
    at: float
    """Server-side ``time.monotonic()`` when the request line was read."""
    headers: Mapping[str, str]


def _send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    *,
    length: int | None = None,
) -> None:
    h.send_response(status)
    hdrs = dict(headers or {})
    if "Content-Length" not in hdrs:
        hdrs["Content-Length"] = str(len(body) if length is None else length)
    for k, v in hdrs.items():
        h.send_header(k, v)
    h.end_headers()
    if h.command != "HEAD" and body:
        h.wfile.write(body)


def page(
    body: bytes | str,
    content_type: str = HTML,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Responder:
    """A fixed answer."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def respond(h: BaseHTTPRequestHandler) -> None:
        _send(h, status, data, {"Content-Type": content_type, **(headers or {})})

    return respond


def status(code: int, headers: Mapping[str, str] | None = None, body: bytes = b"error") -> Responder:
    """An error (or any) status with a small body, e.g. ``status(503, {"Retry-After": "1"})``."""
    return page(body, "text/plain", code, headers)


def gzipped(body: bytes | str, content_type: str = "application/x-gzip") -> Responder:
    """A gzip file (``sitemap.xml.gz``) served as-is, not as Content-Encoding."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return page(gzip.compress(data), content_type)


def slow(seconds: float, then: Responder | None = None) -> Responder:
    """Wait ``seconds`` before answering (longer than the client's read timeout)."""

    def respond(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        try:
            (then or page(b"<html><body>late</body></html>"))(h)
        except OSError:
            pass

    return respond


def stall_body(body: bytes, seconds: float) -> Responder:
    """Send the headers and half the body, then stall ``seconds`` before the rest."""

    def respond(h: BaseHTTPRequestHandler) -> None:
        _send(h, 200, b"", {"Content-Type": HTML}, length=len(body))
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        time.sleep(seconds)
        try:
            h.wfile.write(body[len(body) // 2 :])
        except OSError:
            pass

    return respond


def drip(
    body: bytes | str,
    *,
    interval: float = 0.2,
    content_type: str = HTML,
    headers_too: bool = False,
    stop: threading.Event | None = None,
) -> Responder:
    """Send the answer one byte every ``interval`` seconds: the body only, or with
    ``headers_too`` the status line and headers as well. Every single read is quick, so only a
    total deadline stops the client. Ends early (closing) when ``stop`` is set or the client left.
    """
    data = body.encode("utf-8") if isinstance(body, str) else body

    def respond(h: BaseHTTPRequestHandler) -> None:
        head = (
            f"HTTP/1.0 200 OK\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        ).encode("ascii")
        if headers_too:
            dripped = head + data
        else:
            h.wfile.write(head)
            h.wfile.flush()
            dripped = data
        h.close_connection = True
        try:
            for i in range(len(dripped)):
                if stop is not None and stop.is_set():
                    return
                h.wfile.write(dripped[i : i + 1])
                h.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass

    return respond


def reset() -> Responder:
    """Close the socket abruptly (RST via SO_LINGER 0) without answering."""

    def respond(h: BaseHTTPRequestHandler) -> None:
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True

    return respond


def truncated(body: bytes, claimed: int, content_type: str = HTML) -> Responder:
    """Announce ``claimed`` bytes in Content-Length, send ``body`` (shorter), close."""

    def respond(h: BaseHTTPRequestHandler) -> None:
        _send(h, 200, body, {"Content-Type": content_type}, length=claimed)
        h.wfile.flush()
        h.close_connection = True

    return respond


def redirect(location: str, code: int = 302) -> Responder:
    """A redirect to ``location`` (relative or absolute)."""
    return page(b"", "text/plain", code, {"Location": location})


def oversized(size: int, *, announce: bool = False, content_type: str = HTML) -> Responder:
    """Stream ``size`` bytes of HTML; without a Content-Length unless ``announce``."""

    def respond(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        if announce:
            h.send_header("Content-Length", str(size))
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        chunk = b"<p>" + b"x" * 8185 + b"</p>\n"
        sent = 0
        try:
            while sent < size:
                piece = chunk[: size - sent]
                h.wfile.write(piece)
                sent += len(piece)
        except OSError:
            pass

    return respond


def conditional(
    body: bytes | str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str = HTML,
) -> Responder:
    """Answer 304 when the request's If-None-Match / If-Modified-Since match, else 200."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    validators = {}
    if etag:
        validators["ETag"] = etag
    if last_modified:
        validators["Last-Modified"] = last_modified

    def respond(h: BaseHTTPRequestHandler) -> None:
        inm = h.headers.get("If-None-Match")
        ims = h.headers.get("If-Modified-Since")
        if (etag and inm == etag) or (not inm and last_modified and ims == last_modified):
            _send(h, 304, b"", validators)
        else:
            _send(h, 200, data, {"Content-Type": content_type, **validators})

    return respond


def sequence(*responders: Responder) -> Responder:
    """The n-th request gets the n-th responder; the last one repeats."""
    counter = itertools.count()
    lock = threading.Lock()

    def respond(h: BaseHTTPRequestHandler) -> None:
        with lock:
            n = next(counter)
        responders[min(n, len(responders) - 1)](h)

    return respond


class FaultServer:
    """A threaded HTTP server on 127.0.0.1, random port, with scriptable routes.

    Unknown paths answer 404 (so ``/robots.txt`` is absent unless routed).
    """

    def __init__(self, routes: Mapping[str, Responder] | None = None) -> None:
        self.routes: dict[str, Responder] = dict(routes or {})
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                with server._lock:
                    server.log.append(Hit(self.path, time.monotonic(), dict(self.headers.items())))
                responder = server.routes.get(self.path) or server.routes.get(urlsplit(self.path).path)
                if responder is None:
                    _send(self, 404, b"not found", {"Content-Type": "text/plain"})
                    return
                responder(self)

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients that give up early (timeouts) are expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + path

    def route(self, path: str, responder: Responder) -> str:
        """Serve ``responder`` at ``path``; returns the absolute URL."""
        self.routes[path] = responder
        return self.url(path)

    def hits(self, path: str | None = None) -> list[Hit]:
        """Requests received, optionally only those for ``path`` (with or without query)."""
        with self._lock:
            return [h for h in self.log if path is None or h.path == path or urlsplit(h.path).path == path]

    def start(self) -> FaultServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
