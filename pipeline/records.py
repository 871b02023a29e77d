"""Input records and output files of the batch commands (``warta extract --input``).

Errors name the file and line, and outputs are checked before any work starts, so a long
run never ends in a crash that loses its results.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class InputError(ValueError):
    """An input file or one of its records cannot be used; the message names the file and line."""


def read_records(path: str | Path, *, required: tuple[str, ...] = ("id", "text")) -> list[dict[str, Any]]:
    """Read a JSON-lines file of records, each an object with the ``required`` keys.

    Blank lines are skipped. Every line is checked before any record is used.

    Args:
        path: the file, e.g. a gold set with ``id``, ``text`` and ``published``.
        required: keys every record must have; ``text`` must be a string.

    Returns:
        The records, in file order.

    Raises:
        InputError: the file cannot be read, a line is not a JSON object, or a record lacks a key.
    """
    records: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{n}: not a JSON object ({exc.msg} at column {exc.colno}): "
                                     "each line must be one JSON record") from exc
                if not isinstance(record, dict):
                    raise InputError(f"{path}:{n}: a JSON {type(record).__name__}, not an object with "
                                     + ", ".join(required))
                missing = [k for k in required if k not in record]
                if missing:
                    raise InputError(f"{path}:{n}: record has no {', '.join(repr(k) for k in missing)} "
                                     f"(keys found: {', '.join(record) or 'none'})")
                if "text" in required and not isinstance(record["text"], str):
                    raise InputError(f"{path}:{n}: 'text' is a {type(record['text']).__name__}, not a string")
                records.append(record)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return records


def check_output(path: str | Path) -> None:
    """Make sure ``path`` can be written (its folder exists and is writable), writing nothing.

    Raises:
        InputError: the folder is missing or read-only, or ``path`` is a folder or read-only.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise InputError(f"cannot write {p}: it is a folder; give a file name")
    if not parent.is_dir():
        raise InputError(f"cannot write {p}: the folder {parent} does not exist (create it first)")
    if p.exists() and not os.access(p, os.W_OK):
        raise InputError(f"cannot write {p}: the file is read-only")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {p}: the folder {parent} is not writable")
