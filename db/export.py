"""Export store tables as JSON Lines or CSV (raw HTML and other binary columns left out).

:func:`export_to_path` never writes onto the store (its file, ``-wal``, ``-shm``, ``-journal``
or ``.lock``, by name, symlink or hard link) and writes a regular file through a temporary
file renamed into place, so a failed export leaves the old file whole. CSV cells that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) are prefixed with ``'``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
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
            writer.writerow([_csv_cell(v) for v in row])
            n += 1
    else:
        for row in rows:
            out.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n")
            n += 1
    logger.info("exported %d rows of %s as %s", n, table, fmt)
    return n


#: First characters that make a spreadsheet read a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """A text cell starting like a formula gets a leading ``'``, so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def store_files(store_path: str | Path) -> list[Path]:
    """The store's file and its companions (WAL, shared memory, rollback journal, run lock)."""
    base = str(store_path)
    return [Path(base + suffix) for suffix in ("", "-wal", "-shm", "-journal", ".lock")]


def _is_store_file(target: Path, store_path: str | Path) -> bool:
    real = os.path.realpath(target)
    for path in store_files(store_path):
        if os.path.realpath(path) == real:
            return True
        with contextlib.suppress(OSError):
            if target.exists() and path.exists() and os.path.samefile(target, path):
                return True
    return False


def export_to_path(db: sqlite_utils.Database, table: str, fmt: str, output: str | Path, *, store_path: str | Path,
                   columns: Sequence[str] | None = None) -> int:
    """Write every row of ``table`` to the file ``output``, never onto the store itself.

    A regular file is written to a temporary file beside it, then renamed over it; a device
    or pipe (``/dev/stdout``) is written directly.

    Args:
        db: the store's database.
        table: one of :data:`db.schema.TABLES`.
        fmt: ``jsonl`` or ``csv``.
        output: the file to write.
        store_path: the store's file, whose companions are refused as ``output`` too.
        columns: only these columns, in this order (all when None).

    Returns:
        The number of rows written.

    Raises:
        ExportError: ``output`` is the store or one of its files, cannot be written, or the
            table or format is unknown.
    """
    target = Path(output)
    if _is_store_file(target, store_path):
        raise ExportError(
            f"refusing to export onto {target}: it is the store {store_path} or one of its files "
            "(-wal, -shm, -journal, .lock); choose another --output"
        )
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportError(f"cannot write the export to {target}: {exc}") from exc
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(target, "w", encoding="utf-8", newline="") as out:
                n = export_table(db, table, fmt, out, columns)
        except OSError as exc:
            raise ExportError(f"cannot write the export to {target}: {exc}") from exc
        return n
    parent = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise ExportError(f"cannot write the export to {target}: {exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            n = export_table(db, table, fmt, out, columns)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp_name, stat.S_IMODE(mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write the export to {target}: {exc}") from exc
        raise
    return n
