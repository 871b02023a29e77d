"""Errors raised by the knowledge store.

Tree::

    StoreError
    ├── StoreNotFoundError        (also FileNotFoundError)
    ├── CorruptStoreError
    ├── ReadOnlyStoreError
    ├── SchemaVersionError
    ├── LoadError
    ├── NotFoundError             (also LookupError)
    ├── SearchQueryError          (also ValueError)
    ├── ExportError               (also ValueError)
    └── ServeError                (also OSError)
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every knowledge-store error."""


class StoreNotFoundError(StoreError, FileNotFoundError):
    """The store file does not exist."""


class CorruptStoreError(StoreError):
    """The file is not a readable SQLite database or not a warta store."""


class ReadOnlyStoreError(StoreError):
    """The store cannot be written (read-only file system, file or folder); reading still works."""


class SchemaVersionError(StoreError):
    """The store was written by a newer warta than this one."""


class LoadError(StoreError):
    """An article and its facts could not be written; nothing of it was kept."""


class NotFoundError(StoreError, LookupError):
    """No entity or programme matches the name asked for."""


class SearchQueryError(StoreError, ValueError):
    """The search query is empty or cannot be turned into a full-text query."""


class ExportError(StoreError, ValueError):
    """The export table or format is not one warta can write."""


class ServeError(StoreError, OSError):
    """The store cannot be served: the port is in use or the address cannot be listened on."""
