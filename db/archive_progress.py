"""How far ``warta import-warc`` got in each WARC archive: one row per archive, in the store's file.

The table lives beside the articles, so the progress and what it stands for are backed up,
copied and deleted together; this module owns it and creates it with ``CREATE TABLE IF NOT
EXISTS`` (the store's migrations in ``db/schema.py`` never touch it), as ``db/frontier.py``
does its own.

``archive_files``
    one row per archive content (``key``: size and a hash of the first MiB, so a renamed copy
    is the same archive): ``next_offset``, the byte offset before which every record has been
    handled (stored, skipped or reported), and ``retry``, the offsets of records whose
    extraction or load failed, with the attempts so far, as JSON (``{"1234": 1}``).

Crash safety: a record's article is loaded (one transaction, idempotent on the canonical URL)
before ``next_offset`` moves past it, so a run killed in between loads that record again as
"unchanged" on the next run: never twice, never lost.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from db.exceptions import StoreError
from db.frontier import iso_time

__all__ = ["ArchiveProgress", "ArchiveState", "SCHEMA"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS archive_files (
    key TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    next_offset INTEGER NOT NULL DEFAULT 0,
    retry TEXT NOT NULL DEFAULT '{}',
    records INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    finished TEXT,
    run_id INTEGER
);
"""


@dataclass(slots=True)
class ArchiveState:
    """Where an archive's import stands."""

    key: str
    path: str
    size: int
    next_offset: int = 0
    """Every record before this byte offset is handled."""
    retry: dict[int, int] = field(default_factory=dict)
    """Offset of a record to try again -> failed attempts so far."""
    records: int = 0
    """Records handled in every run so far."""

    @property
    def done(self) -> bool:
        """Read to the end, nothing left to retry."""
        return self.next_offset >= self.size and not self.retry


class ArchiveProgress:
    """The ``archive_files`` table of one store file; a context manager closing its connection.

    Args:
        path: the knowledge store's SQLite file.
        busy_timeout: seconds to wait for another writer before failing.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = str(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
            # as the store's own connection: in WAL mode a commit is durable at the next checkpoint,
            # and commits stay in order, so the offset never gets ahead of the articles it covers
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the archive progress table in {self.path}: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> ArchiveProgress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def state(self, key: str, path: str, size: int, *, now: float | None = None) -> ArchiveState:
        """The progress of the archive ``key`` (a new row at offset 0 the first time it is seen).

        Args:
            key: the archive's identity (``scrapers.warc.archive_key``).
            path: where it is now (recorded for people reading the table).
            size: its size in bytes.
            now: epoch seconds (default: the clock).
        """
        stamp = iso_time(time.time() if now is None else now)
        self._db.execute(
            "INSERT INTO archive_files (key, path, size, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET path = excluded.path, last_seen = excluded.last_seen",
            (key, path, size, stamp, stamp),
        )
        row = self._db.execute(
            "SELECT next_offset, retry, records FROM archive_files WHERE key = ?", (key,)
        ).fetchone()
        retry = {int(k): int(v) for k, v in json.loads(row[1] or "{}").items()}
        return ArchiveState(key=key, path=path, size=size, next_offset=int(row[0]), retry=retry, records=int(row[2]))

    def save(self, state: ArchiveState, *, records: int = 0, run_id: int | None = None,
             now: float | None = None) -> None:
        """Record ``state`` (its offset and retries together, in one statement).

        Args:
            state: the archive's progress, as the importer holds it.
            records: records handled since the last save (added to the row's total).
            run_id: the run that got this far.
            now: epoch seconds (default: the clock).
        """
        stamp = iso_time(time.time() if now is None else now)
        self._db.execute(
            "UPDATE archive_files SET next_offset = ?, retry = ?, records = records + ?, last_seen = ?, "
            "run_id = COALESCE(?, run_id), finished = CASE WHEN ? THEN COALESCE(finished, ?) ELSE NULL END "
            "WHERE key = ?",
            (state.next_offset, json.dumps({str(k): v for k, v in sorted(state.retry.items())}), records, stamp,
             run_id, state.done, stamp, state.key),
        )

    def all(self) -> list[ArchiveState]:
        """Every archive seen, oldest first."""
        rows = self._db.execute(
            "SELECT key, path, size, next_offset, retry, records FROM archive_files ORDER BY first_seen, key"
        ).fetchall()
        return [
            ArchiveState(key=r[0], path=r[1], size=int(r[2]), next_offset=int(r[3]),
                         retry={int(k): int(v) for k, v in json.loads(r[4] or "{}").items()}, records=int(r[5]))
            for r in rows
        ]
