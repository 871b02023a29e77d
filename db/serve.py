"""Datasette over a warta store: table descriptions, facets and canned queries.

:func:`build_datasette` makes the Datasette instance (so tests can serve it on a free port
in a thread with :class:`BackgroundServer`); :func:`serve` runs it in the foreground for
``warta serve``. The canned ``search`` query passes what the user typed through
``warta_fts_query()``, an SQL function registered on every Datasette connection that
applies :func:`db.search.to_fts_query`, so FTS syntax in the search box is never an error
(and an over-long query finds nothing at once instead of running for minutes).

Datasette's own full-text search (``?_search=``) gets the same length bound as warta's, and
custom SQL (``?sql=``) one of :data:`MAX_SQL_CHARS`: longer values are answered 400 at once. Served on a loopback address, only requests naming a loopback host (``localhost``,
``127.0.0.1``, ``[::1]``) in their ``Host`` header are answered (:func:`host_guard`): a web
page cannot reach the store through DNS rebinding.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from db.exceptions import SearchQueryError, ServeError
from db.search import MAX_QUERY_CHARS, to_fts_query

logger = logging.getLogger(__name__)

SEARCH_SQL = """select a.id, a.title, a.outlet, a.published,
  snippet(articles_fts, -1, '**', '**', ' … ', 24) as snippet, a.canonical_url
from articles_fts join articles a on a.id = articles_fts.rowid
where articles_fts match warta_fts_query(:q)
order by bm25(articles_fts, 5.0, 1.0)
limit 50"""

OFFICIALS_BY_REGION_SQL = """select e.name as official, r.position, r.org, r.region_code,
  r.first_seen, r.last_seen, r.n_articles, r.evidence as article_ids
from official_roles r join entities e on e.id = r.person_id
where :region = '' or r.region_code = :region or r.org like '%' || :region || '%'
order by r.region_code, r.org, r.last_seen desc"""

PARTICIPANTS_BY_YEAR_SQL = """select p.programme, p.year, p.stage, coalesce(e.name, p.region) as region,
  coalesce(p.region_code, e.region_code) as region_code,
  count(distinct p.article_id) as articles, group_concat(distinct p.article_id) as article_ids
from programme_participants p left join entities e on e.id = p.region_id
where :programme = '' or p.programme like '%' || :programme || '%'
group by p.programme_id, p.year, p.stage, coalesce(p.region_id, p.region)
order by p.programme, p.year, p.stage, region"""


#: Bookkeeping tables kept off the table list (still reachable by URL and SQL).
INTERNAL_TABLES = ("near_duplicate_keys", "article_tags", "official_role_articles", "frontier_urls", "frontier_feeds",
                   "archive_files")


def _fts_or_nothing(query: str | None) -> str:
    """``warta_fts_query(q)``: the safe FTS5 form of ``q``; an empty phrase (no rows) when it has no words."""
    try:
        return to_fts_query(query or "")
    except SearchQueryError:
        return '""'



@hookimpl
def prepare_connection(conn: Any) -> None:
    """Datasette hook: add ``warta_fts_query()`` to every connection."""
    conn.create_function("warta_fts_query", 1, _fts_or_nothing, deterministic=True)


def _register_plugin() -> None:
    from db import webui

    if pm.get_plugin("warta") is None:
        pm.register(sys.modules[__name__], name="warta")
    if pm.get_plugin("warta-webui") is None:
        pm.register(webui, name="warta-webui")


def metadata(db_name: str) -> dict[str, Any]:
    """Datasette metadata for a store opened under the name ``db_name``."""
    meta = _metadata(db_name)
    tables = meta["databases"][db_name]["tables"]
    for table in INTERNAL_TABLES:
        tables.setdefault(table, {})["hidden"] = True
    return meta


def _metadata(db_name: str) -> dict[str, Any]:
    return {
        "title": "warta knowledge store",
        "description": (
            "Indonesian regional news articles with the officials, institutions, places, dates and "
            "programme stages extracted from them. Every fact links to its article and character offsets."
        ),
        "databases": {
            db_name: {
                "tables": {
                    "articles": {
                        "description": "One row per canonical URL; duplicate_of links syndicated copies "
                        "to the earliest one. Full-text search covers title and text.",
                        "facets": ["outlet", "section", "adapter"],
                        "label_column": "title",
                        "sort_desc": "published_utc",
                    },
                    "outlets": {"description": "News sites by host.", "label_column": "host"},
                    "tags": {"description": "Article tags.", "label_column": "name"},
                    "article_tags": {"description": "Which article carries which tag.", "facets": ["tag_id"]},
                    "entities": {
                        "description": "Resolved people, institutions, places (with region codes) and programmes; "
                        "reason says why the entity was created.",
                        "facets": ["kind"],
                        "label_column": "name",
                    },
                    "entity_aliases": {
                        "description": "Names each entity goes by, each with the reason it was linked.",
                        "hidden": True,
                    },
                    "mentions": {
                        "description": "Each fact's link from an article to an entity, with offsets, "
                        "extractor version and the resolution reason.",
                        "facets": ["fact_type", "extractor_version"],
                    },
                    "official_roles": {
                        "description": "Positions people held, first and last seen (article dates) and evidence.",
                        "facets": ["position", "region_code"],
                    },
                    "programme_stages": {
                        "description": "Programme stages by year, e.g. Gerakan Menuju 100 Smart City Tahap 3 2019.",
                        "facets": ["programme", "year", "stage"],
                    },
                    "programme_participants": {
                        "description": "Regions said to take part in a programme.",
                        "facets": ["programme", "year", "region_code"],
                    },
                    "dates": {"description": "Resolved date mentions.", "facets": ["precision"]},
                    "official_relations": {"description": "Represented-by / accompanied-by relations.",
                                           "facets": ["kind"]},
                    "runs": {"description": "One row per crawl, ingest or re-extraction, with counts.",
                             "facets": ["command", "status"]},
                },
                "queries": {
                    "search": {
                        "title": "Search articles",
                        "description": "Words, \"a phrase\", prefix*, -excluded; best matches first.",
                        "sql": SEARCH_SQL,
                    },
                    "officials_by_region": {
                        "title": "Officials by region",
                        "description": "Positions held, by region code or institution name (empty: all).",
                        "sql": OFFICIALS_BY_REGION_SQL,
                    },
                    "programme_participants_by_year": {
                        "title": "Programme participants by year",
                        "description": "Regions taking part in a programme, by year and stage (empty: all).",
                        "sql": PARTICIPANTS_BY_YEAR_SQL,
                    },
                },
            }
        },
    }


def build_datasette(path: str | Path) -> Datasette:
    """A Datasette instance over the store at ``path`` with warta's metadata and canned queries."""
    p = Path(path)
    _register_plugin()
    from db.webui import TEMPLATES

    return Datasette(files=[str(p)], metadata=metadata(p.stem), template_dir=str(TEMPLATES),
                     settings={"sql_time_limit_ms": 3000, "truncate_cells_html": 80})


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port; see ``getsockname()``).

    Raises:
        ServeError: the port is in use, or the address cannot be listened on.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ServeError(f"cannot listen on {host}: {exc}: give another --host") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"cannot listen on {host}:{port}: the port is in use; choose another with --port "
                "(--port 0 takes any free one)"
            ) from exc
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def _host_name(header: str) -> str:
    """The host name of a ``Host`` header value, lower-cased, without the port."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


#: Longest custom SQL accepted (``?sql=``): FTS5 MATCH strings of many terms run past the SQL
#: time limit, growing faster than their length (12 KB of terms: 12 s on a 13-article store).
MAX_SQL_CHARS = 4000


def _too_long(query_string: bytes) -> str | None:
    """Why the request's parameters are refused (an over-long search or SQL), or None."""
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if key.startswith("_search") and len(value) > MAX_QUERY_CHARS:
            return f"search too long: use at most {MAX_QUERY_CHARS} characters"
        if key == "sql" and len(value) > MAX_SQL_CHARS:
            return f"SQL too long: use at most {MAX_SQL_CHARS} characters"
    return None


def host_guard(app: Any, bind_host: str) -> Any:
    """The ASGI ``app``, answering 400 to over-long ``_search`` or ``sql`` values and, when bound to a
    loopback address, 421 to requests whose ``Host`` is not a loopback name (DNS rebinding)."""
    loopback = _host_name(bind_host) in _LOOPBACK_NAMES or bind_host.startswith("127.")
    allowed = _LOOPBACK_NAMES | {_host_name(bind_host)}

    async def refuse(send: Any, status: int, message: str) -> None:
        body = (message + "\n").encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if loopback and _host_name(host) not in allowed:
                await refuse(send, 421, f"warta serve answers only requests for {', '.join(sorted(allowed))}")
                return
            problem = _too_long(scope.get("query_string") or b"")
            if problem:
                await refuse(send, 400, problem)
                return
        await app(scope, receive, send)

    return guarded


def serve(
    path: str | Path, *, host: str = "127.0.0.1", port: int = 8001, on_ready: Callable[[str], None] | None = None
) -> None:
    """Serve the store with Datasette until interrupted (blocking).

    Args:
        path: the store.
        host: address to listen on.
        port: port to listen on; 0 takes any free port.
        on_ready: called with the base URL actually bound (the real port), before serving.

    Raises:
        ServeError: the port is in use or the address cannot be listened on (nothing served).
    """
    import uvicorn

    sock = listen(host, port)
    bound = sock.getsockname()[1]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{bound}/"
    try:
        ds = build_datasette(path)
        logger.info("serving %s on %s", path, url)
        if on_ready is not None:
            on_ready(url)
        # SIGTERM: in-flight requests get a few seconds (queries are bounded by the SQL time limit
        # and the search length bounds), then the server stops regardless
        server = uvicorn.Server(uvicorn.Config(host_guard(ds.app(), host), log_level="warning", lifespan="on",
                                               timeout_graceful_shutdown=5))
        server.run(sockets=[sock])
    finally:
        sock.close()


class BackgroundServer:
    """Datasette over a store on a free loopback port in a background thread.

    Use as a context manager; :attr:`url` is the base URL while it runs.
    """

    def __init__(self, path: str | Path, *, host: str = "127.0.0.1", startup_timeout: float = 20.0) -> None:
        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self.url = f"http://{host}:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(host_guard(build_datasette(path).app(), host), log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)
        self._timeout = startup_timeout

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + self._timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"Datasette did not start on {self.url}")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
