"""Processes as Linux ``/proc`` shows them, for the tests that kill warta and look for what is left."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (its direct children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # the task ended meanwhile
            continue
    return found


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, and theirs."""
    found: list[int] = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (a zombie waiting to be reaped has)."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
