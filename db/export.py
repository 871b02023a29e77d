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
from pathlib import Path
from typing import Any, TextIO

import sqlite_utils

from db.exceptions import ExportError
from db.schema import TABLES

logger = logging.getLogger(__name__)

#: Formats :func:`export_table` writes.
FORMATS = ("jsonl", "csv")


def export_table(db: sqlite_utils.Database, table: str, fmt: str, out: TextIO) -> int:
    """Write every row of ``table`` to ``out``.

    Args:
        db: the store's database.
        table: one of :data:`db.schema.TABLES`.
        fmt: ``jsonl`` (one JSON object per line) or ``csv`` (header row first).
        out: a text stream (for CSV open it with ``newline=""``).

    Returns:
        The number of rows written.

    Raises:
        ExportError: unknown table or format.
    """
    if table not in TABLES:
        raise ExportError(f"cannot export table {table!r}: choose one of {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise ExportError(f"cannot export as {fmt!r}: choose jsonl or csv")
    columns = [c.name for c in db[table].columns if c.type.upper() != "BLOB"]
    select = ", ".join(f'"{c}"' for c in columns)
    rows = db.execute(f'SELECT {select} FROM "{table}" ORDER BY rowid')
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


def export_to_path(db: sqlite_utils.Database, table: str, fmt: str, output: str | Path, *, store_path: str | Path) -> int:
    """Write every row of ``table`` to the file ``output``, never onto the store itself.

    A regular file is written to a temporary file beside it, then renamed over it; a device
    or pipe (``/dev/stdout``) is written directly.

    Args:
        db: the store's database.
        table: one of :data:`db.schema.TABLES`.
        fmt: ``jsonl`` or ``csv``.
        output: the file to write.
        store_path: the store's file, whose companions are refused as ``output`` too.

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
                n = export_table(db, table, fmt, out)
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
            n = export_table(db, table, fmt, out)
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
