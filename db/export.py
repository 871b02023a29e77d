"""Export store tables as JSON Lines or CSV (raw HTML and other binary columns left out)."""

from __future__ import annotations

import csv
import json
import logging
from typing import TextIO

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
            writer.writerow(row)
            n += 1
    else:
        for row in rows:
            out.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n")
            n += 1
    logger.info("exported %d rows of %s as %s", n, table, fmt)
    return n
