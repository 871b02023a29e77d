"""Worker processes that end with the process that started them, however it ends.

Every process warta starts for a pool (the store's fingerprinting worker, the extraction pool
of ``warta ingest --jobs``, the readers of ``warta import-warc --jobs``) runs
:func:`exit_with_parent` first. Without it a parent killed with SIGKILL leaves its workers
running for ever: a ``ProcessPoolExecutor`` worker waits on its call queue, a pipe whose write
end it holds itself, so it never reads EOF; one started by the fork server has the fork server
as its parent (``os.getppid()`` does not change) and keeps that server alive in turn, since
every client holds the server's "alive" pipe.

The watch: multiprocessing gives each child a *sentinel*, the read end of a pipe whose write end
only the parent holds (``multiprocessing.parent_process().sentinel``); it becomes readable when the
parent's process ends, by any means. A daemon thread waits on it and ends the worker at once
(``os._exit``: the parent that would take its results is gone). Standard library only, so every
stage can use it (as ``pipeline.wordlists``).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

__all__ = ["EXIT_PARENT_GONE", "exit_with_parent", "process_pool"]

#: Exit status of a worker ended because its parent process was gone.
EXIT_PARENT_GONE = 3


def exit_with_parent() -> None:
    """End this process as soon as the process that started it ends (a daemon thread watches).

    Call it first thing in a worker started by ``multiprocessing`` (any start method); in a
    process not started by ``multiprocessing`` (no parent sentinel) it does nothing.
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(EXIT_PARENT_GONE)

    threading.Thread(target=watch, name="warta-parent-watch", daemon=True).start()


def _start_worker(initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    exit_with_parent()
    if initializer is not None:
        initializer(*initargs)


def process_pool(
    max_workers: int,
    context: multiprocessing.context.BaseContext,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> cf.ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` whose workers end with this process (see :func:`exit_with_parent`).

    Args:
        max_workers: pool size.
        context: the start method's context (``multiprocessing.get_context("spawn")`` ...).
        initializer: run in each worker after the watch starts (a module-level function).
        initargs: its arguments.

    Returns:
        The pool; its workers start when the first task is submitted.
    """
    return cf.ProcessPoolExecutor(
        max_workers=max_workers, mp_context=context, initializer=_start_worker, initargs=(initializer, initargs)
    )
