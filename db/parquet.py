"""Export the store as Parquet files, one per table, for pandas, DuckDB, R or Spark.

Every file carries the same columns as the CSV/JSON Lines export (:mod:`db.export`): ids with
the names they stand for beside them (``official_roles.person`` beside ``person_id``,
``mentions.entity`` beside ``entity_id``), binary columns left out. Column types follow the
store's declared types (INTEGER -> int64, REAL -> double, TEXT -> string); JSON lists
(``authors``, ``tags``, ``evidence``) stay JSON text. Each file is written to a temporary name
in the output folder and renamed when complete, so a reader never sees half a file and an
interrupted export leaves the previous file in place.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from db.exceptions import ExportError
from db.export import VIEWS, _source
from db.schema import TABLES

if TYPE_CHECKING:
    import pyarrow as pa

logger = logging.getLogger(__name__)

#: Tables a whole-store Parquet export writes: the articles and every fact and entity table
#: (the near-duplicate LSH keys are bookkeeping and left out; ``--table`` still takes them).
PARQUET_TABLES = tuple(t for t in TABLES if t != "near_duplicate_keys")
#: Rows per Parquet row group (and per batch read from SQLite).
ROWS_PER_GROUP = 50_000
#: Compression of the Parquet files (readable by pyarrow, DuckDB, R arrow, Spark).
COMPRESSION = "zstd"


def _arrow_type(declared: str) -> pa.DataType:
    import pyarrow as pa

    declared = declared.upper()
    if "INT" in declared:
        return pa.int64()
    if "REAL" in declared or "FLOA" in declared or "DOUB" in declared:
        return pa.float64()
    return pa.string()


def _schema(db: sqlite_utils.Database, table: str, columns: list[str]) -> pa.Schema | None:
    """Arrow types of ``columns`` of ``table`` from the declared types (names are text); None
    for a summary, whose types are read from its values."""
    import pyarrow as pa

    if table in VIEWS:
        return None
    declared = {c.name: c.type for c in db[table].columns}
    return pa.schema([(c, _arrow_type(declared[c]) if c in declared else pa.string()) for c in columns])


def _batches(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_files(db: sqlite_utils.Database) -> set[Path]:
    """The store's own files (database, WAL, shared memory), which an export never overwrites."""
    files: set[Path] = set()
    for _, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            p = Path(path).resolve()
            files |= {p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm")}
    return files


def _write(db: sqlite_utils.Database, table: str, target: Path, columns: Sequence[str] | None) -> int:
    """Write ``table`` to ``target`` through a temporary file in the same folder; returns the rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names, rows = _source(db, table, "csv", columns)
    schema = _schema(db, table, names)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    n = 0
    try:
        if schema is None:  # a summary: small, its types read from its values
            data = list(rows)
            arrow = pa.table({c: pa.array([r[i] for r in data]) for i, c in enumerate(names)})
            pq.write_table(arrow, tmp, compression=COMPRESSION)
            n = len(data)
        else:
            with pq.ParquetWriter(tmp, schema, compression=COMPRESSION) as writer:
                for batch in _batches(rows, ROWS_PER_GROUP):
                    arrays = []
                    for i, field in enumerate(schema):
                        try:
                            arrays.append(pa.array([r[i] for r in batch], type=field.type))
                        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as exc:
                            raise ExportError(
                                f"{table}.{field.name} holds a value that is not {field.type} ({exc}): "
                                f"export it as CSV or JSON Lines instead"
                            ) from exc
                    writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
                    n += len(batch)
                if not n:
                    writer.write_table(schema.empty_table())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("exported %d rows of %s as Parquet to %s", n, table, target)
    return n


def export_parquet(
    db: sqlite_utils.Database,
    folder: str | Path,
    tables: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> dict[str, int]:
    """Write tables of the store as ``<folder>/<table>.parquet``, one file each.

    Args:
        db: the store's database.
        folder: output folder, created if missing.
        tables: tables or summaries (:data:`db.export.VIEWS`) to write; default
            :data:`PARQUET_TABLES` (articles and every fact and entity table).
        columns: only these columns, in this order (only with a single table).

    Returns:
        Rows written per table, in the order written.

    Raises:
        ExportError: unknown table or column, ``columns`` with several tables, or a folder
            that cannot be written or would overwrite the store; nothing is written then.
    """
    chosen = list(tables) if tables else list(PARQUET_TABLES)
    if columns and len(chosen) != 1:
        raise ExportError("choose one table with --table to export only some columns")
    for table in chosen:  # every table and column checked before any file is written
        _source(db, table, "csv", columns)
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise ExportError(f"cannot write Parquet files into {out}: it is a file; give a folder")
    if not out.parent.is_dir() and not out.is_dir():
        raise ExportError(f"cannot write into {out}: the folder {out.parent} does not exist (create it first)")
    out.mkdir(exist_ok=True)
    if not os.access(out, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write into {out}: the folder is not writable")
    own = _store_files(db)
    targets = {table: out / f"{table}.parquet" for table in chosen}
    for table, target in targets.items():
        if target.resolve() in own:
            raise ExportError(f"{target} is the store itself: choose another output folder")
    return {table: _write(db, table, target, columns) for table, target in targets.items()}
