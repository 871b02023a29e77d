"""The journalist's pages of ``warta serve``: search first, then articles, people, places, programmes.

Datasette stays underneath (the tables, facets, canned queries and SQL are one click away at
``/<db>`` for researchers); this module adds routes through Datasette's ``register_routes``
hook and renders them with the templates in ``db/templates/``:

* ``/``: a search box over articles with date, outlet, person, institution, place and
  programme filters; results with highlighted snippets, each linking to its article page.
  Names are looked up as people write them (:mod:`db.lookup`); an empty result says why.
* ``/article/<id>``: the text with every extracted fact marked and linked, and the facts listed.
* ``/entity/<id>``: a person (positions over time, articles), an institution (its officials),
  a place (officials, programmes it takes part in, coverage over time as a chart).
* ``/programme/<id>``: stages by year, participating regions with the sentence saying so,
  a timeline chart.

Every page is also served as JSON with ``?_format=json`` (what the page shows, for scripts).
"""

from __future__ import annotations

import html
import json
import logging
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from db import reports, text_index as text_index_mod
from db.exceptions import NotFoundError, SearchQueryError
from db.lookup import lookup
from db.search import HIGHLIGHT, ENTITY_FILTERS, search, why_no_hits

logger = logging.getLogger(__name__)

#: Folder of the page templates (also Datasette's template_dir, so base.html can be extended).
TEMPLATES = Path(__file__).with_name("templates")
#: Hits on one results page.
PAGE_SIZE = 20
#: Facts whose marks link to an entity page, by mention fact type.
_FACT_CLASS = {"officials": "official", "institutions": "institution", "places": "place"}
_MARKED = re.compile(re.escape(HIGHLIGHT[0]) + r"(.+?)" + re.escape(HIGHLIGHT[1]))


def snippet_html(snippet: str) -> str:
    """A search snippet as HTML: escaped, matched words in ``<mark>`` (not literal ``**``)."""
    return _MARKED.sub(r"<mark>\1</mark>", html.escape(snippet, quote=False))


def _plain(value: Any) -> Any:
    """JSON-ready form of dataclasses inside a page context."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ------------------------------------------------------------------ page data (sync, one connection)


_TEXT_INDEXES: dict[tuple[str, int], text_index_mod.TextIndex | None] = {}


def store_text_index(db_path: str | Path | None) -> text_index_mod.TextIndex | None:
    """The Tantivy index beside the store at ``db_path``, opened once per build of it; None without one.

    (``search`` uses it only while it is in step with the store, see :func:`db.search.search`.)
    """
    if db_path is None:
        return None
    folder = text_index_mod.index_path(db_path)
    try:
        key = (str(folder), folder.stat().st_ino)  # a rebuild makes a new folder
    except OSError:
        return None
    if key not in _TEXT_INDEXES:
        try:
            _TEXT_INDEXES[key] = text_index_mod.TextIndex(folder) if text_index_mod.available() else None
        except text_index_mod.TextIndexError as exc:
            logger.warning("searching with FTS5 only: %s", exc)
            _TEXT_INDEXES[key] = None
    return _TEXT_INDEXES[key]


def home_page(conn: sqlite3.Connection, args: dict[str, str],
              text_index: text_index_mod.TextIndex | None = None) -> dict[str, Any]:
    """What the search page shows for the query string ``args`` (searched through ``text_index`` if given)."""
    q = args.get("q", "").strip()
    filters = {k: args.get(k, "").strip() or None for k in ("since", "until", "outlet", *ENTITY_FILTERS)}
    page: dict[str, Any] = {
        "q": q, "filters": filters, "hits": [], "why": "", "notes": [], "error": "",
        "outlets": [r[0] for r in conn.execute("SELECT host FROM outlets ORDER BY host")],
        "programmes": [
            {"id": i, "name": n, "articles": a}
            for i, n, a in conn.execute(
                "SELECT e.id, e.name, (SELECT count(DISTINCT article_id) FROM mentions m WHERE m.entity_id = e.id) AS a "
                "FROM entities e WHERE e.kind = 'programme' ORDER BY a DESC, e.name LIMIT 10"
            )
        ],
        "recent": [
            {"id": i, "title": t, "published": p, "outlet": o}
            for i, t, p, o in conn.execute(
                "SELECT id, title, published, outlet FROM articles WHERE duplicate_of IS NULL "
                "ORDER BY coalesce(published_utc, '') DESC LIMIT 10"
            )
        ],
        "n_articles": conn.execute("SELECT count(*) FROM articles").fetchone()[0],
    }
    for kind in ENTITY_FILTERS:
        name = filters[kind]
        if name:
            found = lookup(conn, name, kind)
            if len(found.tied) > 1:
                page["notes"].append(f"{kind} {name!r} may mean any of: " + ", ".join(c.name for c in found.tied))
            elif found.best is not None and found.best.name.lower() != name.lower():
                page["notes"].append(f"{kind} {name!r}: {found.best.name}")
    if not q:
        return page
    try:
        hits = search(conn, q, limit=PAGE_SIZE, text_index=text_index, since=filters["since"],
                      until=filters["until"], outlet=filters["outlet"], person=filters["person"],
                      institution=filters["institution"], place=filters["place"], programme=filters["programme"])
        page["why"] = why_no_hits(conn, q, **filters) if not hits else ""
    except SearchQueryError as exc:
        page["error"] = str(exc)
        return page
    page["hits"] = [{**h.to_dict(), "snippet_html": snippet_html(h.snippet)} for h in hits]
    return page


def marked_text(conn: sqlite3.Connection, article_id: int, text: str) -> str:
    """The article text as HTML paragraphs, each extracted fact in a ``<mark>`` linking to its page."""
    spans: list[tuple[int, int, str, str, str]] = []  # start, end, css class, href, title
    for start, end, entity_id, fact_type, name in conn.execute(
        "SELECT m.char_start, m.char_end, m.entity_id, m.fact_type, e.name FROM mentions m "
        "JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ?",
        (article_id,),
    ):
        css = _FACT_CLASS.get(fact_type, "participant" if fact_type == "program_participants" else "programme")
        spans.append((start, end, css, f"/entity/{entity_id}", name))
    for start, end, pid, programme, stage, year in conn.execute(
        "SELECT char_start, char_end, programme_id, programme, stage, year FROM programme_stages WHERE article_id = ?",
        (article_id,),
    ):
        spans.append((start, end, "programme", f"/programme/{pid}", f"{programme}, tahap {stage or '?'} {year or ''}"))
    for start, end, value, precision in conn.execute(
        "SELECT char_start, char_end, value, precision FROM dates WHERE article_id = ?", (article_id,)
    ):
        spans.append((start, end, "date", "", f"{value} ({precision})"))
    # facts nest ("Muara Enim" inside "Bupati Muara Enim ... Yani"): build a tree, drop partial overlaps
    root: list[Any] = []
    stack: list[Any] = []
    for start, end, css, href, title in sorted(
        (sp for sp in spans if sp[0] is not None and sp[1] is not None and 0 <= sp[0] < sp[1] <= len(text)),
        key=lambda sp: (sp[0], -sp[1]),
    ):
        while stack and stack[-1]["end"] <= start:
            stack.pop()
        if stack and end > stack[-1]["end"]:
            continue  # overlaps a fact already marked without nesting in it
        node = {"start": start, "end": end, "css": css, "href": href, "title": title, "children": []}
        (stack[-1]["children"] if stack else root).append(node)
        stack.append(node)

    def emit(children: list[Any], lo: int, hi: int, href: str) -> str:
        parts: list[str] = []

        def plain(a: int, b: int) -> None:
            if a < b:
                piece = html.escape(text[a:b], quote=False)
                parts.append(f'<a href="{href}">{piece}</a>' if href else piece)

        pos = lo
        for child in children:
            if child["start"] < pos:
                continue  # same start as a sibling already written
            plain(pos, child["start"])
            inner = emit(child["children"], child["start"], child["end"], child["href"])
            parts.append(f'<mark class="fact fact-{child["css"]}" title="{html.escape(child["title"])}">{inner}</mark>')
            pos = child["end"]
        plain(pos, hi)
        return "".join(parts)

    out = [emit(root, 0, len(text), "")]
    body = "".join(out)
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in body.split("\n\n") if p.strip())


def article_page(conn: sqlite3.Connection, article_id: int) -> dict[str, Any]:
    """What the article page shows.

    Raises:
        NotFoundError: no such article.
    """
    report = reports.article_report(conn, article_id)
    return {"article": report, "text_html": marked_text(conn, article_id, report.text)}


def _years(rows: list[tuple[str | None]]) -> list[dict[str, Any]]:
    """Bars of a chart: count per year, every year between the first and last present."""
    counts = Counter(int(p[:4]) for (p,) in rows if p and p[:4].isdigit())
    if not counts:
        return []
    top = max(counts.values())
    return [{"year": y, "n": counts.get(y, 0), "pct": round(100 * counts.get(y, 0) / top)}
            for y in range(min(counts), max(counts) + 1)]


def entity_page(conn: sqlite3.Connection, entity_id: int) -> dict[str, Any]:
    """What a person, institution or place page shows.

    Raises:
        NotFoundError: no such entity.
    """
    row = conn.execute("SELECT id, kind, name, region_code FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no person, institution, place or programme with id {entity_id}")
    _, kind, name, code = row
    report = reports.entity_report_by_id(conn, entity_id)
    page: dict[str, Any] = {"entity": report, "kind": kind, "officials": [], "programmes": [], "plans": [],
                            "coverage": []}
    role_sql = (
        "SELECT e.id, e.name, r.position, r.org, r.first_seen, r.last_seen, r.n_articles FROM official_roles r "
        "JOIN entities e ON e.id = r.person_id WHERE {} ORDER BY r.last_seen DESC, e.name"
    )
    if kind == "institution":
        page["officials"] = conn.execute(role_sql.format("r.org_entity_id = ?"), (entity_id,)).fetchall()
    elif kind == "place" and code:
        page["officials"] = conn.execute(
            role_sql.format("(r.region_code = ? OR r.region_code LIKE ? || '.%')"), (code, code)
        ).fetchall()
    if kind == "place":
        page["programmes"], page["plans"] = _programmes_of(conn, entity_id)
    page["coverage"] = _years(conn.execute(
        "SELECT a.published FROM articles a WHERE a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)",
        (entity_id,),
    ).fetchall())
    return page


def _programmes_of(conn: sqlite3.Connection, region_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The programmes a region takes part in (stage and year as the programme page reads them,
    each with its evidence), and those it only plans to join."""
    taking_part: list[dict[str, Any]] = []
    planning: list[dict[str, Any]] = []
    covered: set[str] = set()
    for (pid,) in conn.execute(
        "SELECT p.programme_id FROM programme_participants p WHERE p.region_id = ? AND p.programme_id IS NOT NULL "
        "GROUP BY p.programme_id ORDER BY (SELECT count(*) FROM mentions m WHERE m.entity_id = p.programme_id) DESC",
        (region_id,),
    ).fetchall():
        report = reports.programme_report_by_id(conn, pid)
        if report.name in covered:
            continue
        covered.update(report.counted_in)
        for rows, out in ((report.participants, taking_part), (report.plans, planning)):
            out += [{"programme_id": report.id, "programme": report.name, "participant": p}
                    for p in rows if p.region_id == region_id]
    return taking_part, planning


def programme_page(conn: sqlite3.Connection, programme_id: int) -> dict[str, Any]:
    """What a programme page shows.

    Raises:
        NotFoundError: no such programme.
    """
    report = reports.programme_report_by_id(conn, programme_id)
    years = Counter(p.year for p in report.participants if p.year)
    stages = Counter(s.year for s in report.stages if s.year)
    timeline = []
    if years or stages:
        first, last = min([*years, *stages]), max([*years, *stages])
        top = max([*years.values(), *stages.values(), 1])
        timeline = [{"year": y, "regions": years.get(y, 0), "stages": sorted({s.stage for s in report.stages
                                                                             if s.year == y and s.stage}),
                     "pct": round(100 * years.get(y, 0) / top)} for y in range(first, last + 1)]
    return {"programme": report, "timeline": timeline}


# ------------------------------------------------------------------ routes


async def _render(datasette: Any, request: Any, template: str, page: dict[str, Any], title: str) -> Response:
    if request.args.get("_format") == "json":
        return Response.json(_plain(page), default=str)
    page = {**page, "page_title": title, "database_name": datasette.get_database().name}
    return Response.html(await datasette.render_template(template, page, request=request))


async def _not_found(datasette: Any, request: Any, message: str) -> Response:
    body = await datasette.render_template("warta_home.html", {
        "page_title": "Not found", "q": "", "filters": {}, "hits": [], "why": "", "notes": [], "error": message,
        "outlets": [], "programmes": [], "recent": [], "n_articles": 0,
        "database_name": datasette.get_database().name,
    }, request=request)
    return Response.html(body, status=404)


async def home_view(datasette: Any, request: Any) -> Response:
    """``/``: search articles."""
    args = {k: request.args.get(k, "") for k in ("q", "since", "until", "outlet", *ENTITY_FILTERS)}
    database = datasette.get_database()
    index = store_text_index(database.path) if args["q"] else None
    page = await database.execute_fn(lambda conn: home_page(conn, args, index))
    title = f"{page['q']} - warta" if page["q"] else "warta: search the news"
    return await _render(datasette, request, "warta_home.html", page, title)


async def _page_view(datasette: Any, request: Any, build: Callable[[Any, int], dict[str, Any]], template: str,
                     title: Callable[[dict[str, Any]], str]) -> Response:
    """Build the page of the id in the URL with ``build(conn, id)``; a missing id is a 404 page."""
    item_id = int(request.url_vars["id"])
    try:
        page = await datasette.get_database().execute_fn(lambda conn: build(conn, item_id))
    except NotFoundError as exc:
        return await _not_found(datasette, request, str(exc))
    return await _render(datasette, request, template, page, title(page))


async def article_view(datasette: Any, request: Any) -> Response:
    """``/article/<id>``."""
    return await _page_view(datasette, request, article_page, "warta_article.html", lambda p: p["article"].title)


async def entity_view(datasette: Any, request: Any) -> Response:
    """``/entity/<id>``: a person, institution or place (programmes go to their own page)."""
    entity_id = int(request.url_vars["id"])
    db = datasette.get_database()
    kind = await db.execute_fn(
        lambda conn: (conn.execute("SELECT kind FROM entities WHERE id = ?", (entity_id,)).fetchone() or [None])[0]
    )
    if kind == "programme":
        return Response.redirect(f"/programme/{entity_id}")
    try:
        page = await db.execute_fn(lambda conn: entity_page(conn, entity_id))
    except NotFoundError as exc:
        return await _not_found(datasette, request, str(exc))
    return await _render(datasette, request, "warta_entity.html", page, page["entity"].name)


async def programme_view(datasette: Any, request: Any) -> Response:
    """``/programme/<id>``."""
    return await _page_view(datasette, request, programme_page, "warta_programme.html",
                            lambda p: p["programme"].name)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """Datasette hook: the journalist's pages (the home page replaces Datasette's index)."""
    return [
        (r"^/$", home_view),
        (r"^/article/(?P<id>\d+)$", article_view),
        (r"^/entity/(?P<id>\d+)$", entity_view),
        (r"^/programme/(?P<id>\d+)$", programme_view),
    ]


def dumps(value: Any) -> str:
    """JSON for a template (used by the charts' data attributes)."""
    return json.dumps(_plain(value), ensure_ascii=False, default=str)
