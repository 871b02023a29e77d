"""Export store tables as JSON Lines or CSV (raw HTML and other binary columns left out)."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import sqlite_utils

from db.exceptions import ExportError
from db.schema import TABLES

logger = logging.getLogger(__name__)

#: Formats :func:`export_table` writes.
FORMATS = ("jsonl", "csv")

_NAME = "(SELECT name FROM entities WHERE id = t.{})"
#: Per table: name columns added right after the id column they name, so an export reads on
#: its own (roles.csv names the person, not only ``person_id``).
NAME_COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "official_roles": {"person_id": ("person", _NAME.format("person_id")),
                       "org_entity_id": ("org_entity", _NAME.format("org_entity_id"))},
    "mentions": {"entity_id": ("entity", _NAME.format("entity_id")),
                 "fact_type": ("entity_kind", "(SELECT kind FROM entities WHERE id = t.entity_id)")},
    "entity_aliases": {"entity_id": ("entity", _NAME.format("entity_id"))},
    "official_role_articles": {"role_id": (
        "person", "(SELECT e.name || ', ' || r.position FROM official_roles r JOIN entities e ON e.id = r.person_id "
                  "WHERE r.id = t.role_id)")},
    "article_tags": {"tag_id": ("tag", "(SELECT name FROM tags WHERE id = t.tag_id)")},
    "near_duplicate_keys": {},
}
#: The summary names ``warta stats`` prints that are not tables: the query each exports.
VIEWS: dict[str, str] = {
    **{
        plural: "SELECT e.id, e.name, e.region_code, e.reason, "
                "(SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mentions, "
                "(SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS articles "
                f"FROM entities e WHERE e.kind = '{kind}' ORDER BY e.id"
        for plural, kind in (("persons", "person"), ("institutions", "institution"), ("places", "place"),
                             ("programmes", "programme"))
    },
    "officials": "SELECT r.person_id, e.name AS person, r.position, r.head, r.org, r.region_code, r.first_seen, "
                 "r.last_seen, r.n_articles, r.evidence FROM official_roles r JOIN entities e ON e.id = r.person_id "
                 "ORDER BY e.name, r.first_seen",
    "near_duplicates": "SELECT a.id, a.title, a.canonical_url, a.published, a.duplicate_of, o.title AS original_title, "
                       "o.canonical_url AS original_url FROM articles a JOIN articles o ON o.id = a.duplicate_of "
                       "ORDER BY a.id",
}
#: Columns holding JSON lists or objects: kept as JSON in JSON Lines (as text in CSV).
JSON_COLUMNS = frozenset({"authors", "tags", "evidence", "counts"})


def _source(
    db: sqlite_utils.Database, table: str, fmt: str, wanted: Sequence[str] | None = None
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The columns and rows to export for ``table`` (a table or one of :data:`VIEWS`), only the
    ``wanted`` columns (in that order) when given.

    Raises:
        ExportError: unknown table or column.
    """
    if table in VIEWS:
        cursor = db.execute(VIEWS[table])
    elif table in TABLES:
        names = NAME_COLUMNS.get(table, {})
        parts = []
        for c in db[table].columns:
            if c.type.upper() == "BLOB":
                continue
            parts.append(f't."{c.name}"')
            if c.name in names:
                label, expr = names[c.name]
                parts.append(f'{expr} AS "{label}"')
        cursor = db.execute(f'SELECT {", ".join(parts)} FROM "{table}" AS t ORDER BY t.rowid')
    else:
        raise ExportError(
            f"cannot export table {table!r}: choose one of {', '.join(TABLES)}, or {', '.join(VIEWS)}"
        )
    columns = [d[0] for d in cursor.description]
    keep = list(range(len(columns)))
    if wanted:
        unknown = [c for c in wanted if c not in columns]
        if unknown:
            raise ExportError(f"{table} has no column {', '.join(map(repr, unknown))}: choose from {', '.join(columns)}")
        keep = [columns.index(c) for c in wanted]
        columns = list(wanted)
    decode = [i for i, c in enumerate(columns) if c in JSON_COLUMNS] if fmt == "jsonl" else []

    def rows() -> Iterator[tuple[Any, ...]]:
        for full in cursor:
            row = tuple(full[i] for i in keep) if wanted else full
            if decode:
                values = list(row)
                for i in decode:
                    if isinstance(values[i], str):
                        try:
                            values[i] = json.loads(values[i])
                        except ValueError:
                            pass  # not JSON after all: kept as written
                row = tuple(values)
            yield row

    return columns, rows()


def export_table(db: sqlite_utils.Database, table: str, fmt: str, out: TextIO,
                 columns: Sequence[str] | None = None) -> int:
    """Write every row of ``table`` to ``out``.

    Args:
        db: the store's database.
        table: one of :data:`db.schema.TABLES` (with name columns beside the ids, see
            :data:`NAME_COLUMNS`) or a summary ``warta stats`` prints (see :data:`VIEWS`).
        fmt: ``jsonl`` (one JSON object per line) or ``csv`` (header row first).
        out: a text stream (for CSV open it with ``newline=""``).
        columns: only these columns, in this order (default: all but binary ones).

    Returns:
        The number of rows written.

    Raises:
        ExportError: unknown table, column or format.
    """
    if fmt not in FORMATS:
        raise ExportError(f"cannot export as {fmt!r}: choose jsonl or csv")
    columns, rows = _source(db, table, fmt, columns)
    n = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            n += 1
    else:
        for row in rows:
            out.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n")
            n += 1
    logger.info("exported %d rows of %s as %s", n, table, fmt)
    return n
