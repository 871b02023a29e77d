"""Indonesian word lists shared by the extractors and the store: one home, read from ``pipeline/data``.

``titles.txt`` holds honorifics and ranks written before a name (``Ir``, ``H``, ``AKBP``,
``Bapak`` ...), ``degrees.txt`` academic degrees written after one (``MM``, ``S.Sos`` ...). The
extractors use them to read names, the store to clean them for entity resolution.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def lines(name: str) -> tuple[str, ...]:
    """The non-blank, non-comment lines of ``pipeline/data/<name>``."""
    raw = resources.files("pipeline").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return tuple(ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))


def keys(name: str) -> frozenset[str]:
    """The words of a list lower-cased, without dots or commas (``S.Sos.`` -> ``ssos``)."""
    return frozenset(w.replace(".", "").replace(",", "").lower() for line in lines(name) for w in line.split())
