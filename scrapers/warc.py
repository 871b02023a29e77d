"""Reading WARC archives (Common Crawl News, Heritrix, ``wget --warc-file``): bytes in, records out.

::

    check_archive(path)                   # ArchiveError unless it is a .warc or .warc.gz file
    archive_key(path) -> str              # the archive's identity: size and a hash of its head
    read_archive(path, start=0)           # -> ArchivedRecord | BadRecord, in file order

Every item names its byte range in the file (``offset`` to ``end``), so a reader can stop
anywhere and start again at the ``end`` of the last item it handled. Only the payload of an
HTTP 200 ``response`` record of HTML is read into memory; every other record is passed over
with its type, URL, status and media type, for the caller to count.

Damage never stops the reading: a gzip member that does not inflate, a record cut short, a
record whose WARC digests do not match its bytes, or junk between records becomes one
:class:`BadRecord` for the whole unreadable byte range, and reading goes on at the next
record start found after it (the next gzip member header in a ``.warc.gz``, the next
``WARC/`` line in a ``.warc``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import zlib
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from scrapers.exceptions import ArchiveError

logger = logging.getLogger(__name__)

__all__ = [
    "HTML_TYPES", "MAX_BODY_BYTES", "ArchivedRecord", "BadRecord", "archive_key", "check_archive", "read_archive",
]

#: Media types read as pages.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

#: Payloads larger than this are not read (the fetcher's own ``max_bytes`` default).
MAX_BODY_BYTES = 10 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = b"WARC/1."
_SCAN_CHUNK = 1 << 20
_KEY_HEAD = 1 << 20


@dataclass(slots=True, frozen=True)
class ArchivedRecord:
    """One readable WARC record: where it is, what it is, and the page when it is one."""

    path: str
    offset: int
    """Byte offset of the record (of its gzip member in a ``.warc.gz``)."""
    end: int
    """Byte offset just past it: where the next record starts."""
    record_type: str
    """``response``, ``revisit``, ``request``, ``metadata``, ``warcinfo`` ..."""
    url: str
    """``WARC-Target-URI`` (empty for a ``warcinfo`` record)."""
    date: dt.datetime | None
    """``WARC-Date``: when the page was captured (UTC)."""
    status: int | None
    """HTTP status of a ``response`` or ``revisit`` record."""
    content_type: str
    """The HTTP ``Content-Type`` header of the payload, as sent ('' when absent)."""
    body: bytes = b""
    """The payload (content and transfer encodings removed) of an HTTP 200 HTML response; else empty."""
    too_large: bool = False
    """An HTML page larger than :data:`MAX_BODY_BYTES`, left unread."""

    @property
    def media_type(self) -> str:
        """The media type without parameters, lower-cased (``text/html``)."""
        return self.content_type.split(";")[0].strip().lower()

    @property
    def is_html_page(self) -> bool:
        """An HTTP 200 response holding an HTML page (its ``body`` is the page)."""
        return self.record_type == "response" and self.status == 200 and bool(self.body)


@dataclass(slots=True, frozen=True)
class BadRecord:
    """Bytes that could not be read as WARC records (a damaged gzip member, a truncated record ...)."""

    path: str
    offset: int
    """First unreadable byte."""
    end: int
    """Where reading went on (the next record found, or the end of the file)."""
    error: str
    """What was wrong, as the reader saw it."""


def check_archive(path: str | Path) -> None:
    """Make sure ``path`` is a WARC archive, plain or gzipped, before anything is read.

    Raises:
        ArchiveError: the file is missing, unreadable, empty, or starts with neither a gzip
            member holding a WARC record nor a ``WARC/`` line.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not head:
        raise ArchiveError(f"{path} is empty: give a .warc or .warc.gz archive")
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error as exc:
            raise ArchiveError(f"{path} starts with a damaged gzip member ({exc}): is it a .warc.gz archive?") from exc
    if not head.lstrip().startswith(b"WARC/"):
        raise ArchiveError(
            f"{path} is not a WARC archive (it does not start with a WARC record): give .warc or .warc.gz files"
        )


def archive_key(path: str | Path) -> str:
    """The identity of an archive's content: its size and a hash of its first MiB.

    A renamed or moved copy keeps its key (its progress is found again); a file of the same
    name with other content gets another.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read(_KEY_HEAD)).hexdigest()[:32]
    return f"{size}-{digest}"


def read_archive(
    path: str | Path, start: int = 0, *, max_body: int = MAX_BODY_BYTES
) -> Generator[ArchivedRecord | BadRecord, None, None]:
    """The records of a ``.warc`` or ``.warc.gz`` file from byte ``start`` on, in file order.

    Args:
        path: the archive.
        start: a record's offset (0, or the ``end`` of an item read before).
        max_body: HTML payloads larger than this are not read (``too_large``).

    Yields:
        An :class:`ArchivedRecord` per readable record, a :class:`BadRecord` per unreadable
        byte range; the items tile the file from ``start`` to its end.

    Raises:
        ArchiveError: the file cannot be opened.
    """
    name = str(path)
    try:
        fh = open(path, "rb")
        probe = open(path, "rb")
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with fh, probe:
        size = os.fstat(fh.fileno()).st_size
        gzipped = _starts_gzipped(probe)
        pos = start
        bad: tuple[int, str] | None = None  # an unreadable range in progress: its start, the first error
        while pos < size:
            pos = _skip_blank(probe, pos, size)
            if pos >= size:
                break
            fh.seek(pos)
            records = _quiet_iterator(fh)
            try:
                for raw in records:
                    item = _record(name, raw, records, max_body)
                    if not pos <= item.offset < item.end <= size:  # warcio lost count of the compressed bytes
                        raise _Unreadable(
                            "cannot find where the record ends: a .warc.gz must be one gzip member per record "
                            "(`warcio recompress` rewrites a file compressed as one stream)"
                        )
                    if item.offset > pos and not _blank(probe, pos, item.offset):
                        bad = bad or (pos, f"{item.offset - pos} bytes between records are not a WARC record")
                    if isinstance(item, BadRecord):  # joined with any unreadable bytes after it
                        bad = bad or (item.offset, item.error)
                        # a gzip member ends where it ends; a plain record cut short may have read on
                        # into the records after it, so they are looked for from its start on
                        pos = item.end if gzipped else _next_start(probe, item.offset + 1, size, gzipped)
                        break
                    if bad is not None:
                        yield BadRecord(name, bad[0], item.offset, bad[1])
                        bad = None
                    pos = item.end
                    yield item
                else:
                    if pos >= size or _blank(probe, pos, size):
                        pos = size
                        break
                    raise _Unreadable("the data ends inside a record (the file is truncated?)")
            except Exception as exc:  # any reader error: this byte range is reported, the rest read
                if bad is None:
                    bad = (pos, _describe(exc))
                logger.debug("unreadable bytes at %s:%d (%s)", name, pos, exc)
                pos = _next_start(probe, pos + 1, size, gzipped)
            finally:
                records.close()
        if bad is not None:
            yield BadRecord(name, bad[0], size, bad[1])


def _quiet_iterator(fh: IO[bytes]) -> Any:
    """warcio's WARC reader, checking digests, without its own warnings on stderr (damage is
    reported as :class:`BadRecord` instead)."""
    from warcio.archiveiterator import WARCIterator

    class Quiet(WARCIterator):  # type: ignore[misc]
        INC_RECORD = ""

    return Quiet(fh, check_digests=True)


class _Unreadable(Exception):
    """The reader stopped short of the end of the file."""


def _record(path: str, raw: Any, records: Any, max_body: int) -> ArchivedRecord | BadRecord:
    """One warcio record as an :class:`ArchivedRecord` (its payload read only when it is a page)."""
    headers = raw.rec_headers
    record_type = str(raw.rec_type or "")
    url = headers.get_header("WARC-Target-URI") or ""
    http = raw.http_headers if record_type in ("response", "revisit") else None
    status = _status(http.get_statuscode()) if http is not None else None
    content_type = (http.get_header("Content-Type") or "") if http is not None else ""
    media = content_type.split(";")[0].strip().lower()
    body = b""
    too_large = False
    if record_type == "response" and status == 200 and (media in HTML_TYPES or not media):
        body = raw.content_stream().read(max_body + 1)
        if len(body) > max_body:
            body, too_large = b"", True
        elif not media and not _looks_like_html(body):
            body = b""
    offset = records.get_record_offset()  # reads the rest of the record and checks its digests
    end = max(offset + records.get_record_length(), records.offset)  # past the blank lines after it
    if getattr(raw.raw_stream, "limit", 0) > 0:
        return BadRecord(path, offset, end, f"record cut short: {raw.raw_stream.limit} bytes of it are missing")
    if raw.digest_checker.passed is False:
        return BadRecord(path, offset, end, "damaged record: " + "; ".join(raw.digest_checker.problems))
    if not record_type:
        return BadRecord(path, offset, end, "not a WARC record (no WARC-Type)")
    return ArchivedRecord(
        path=path, offset=offset, end=end, record_type=record_type, url=url,
        date=_warc_date(headers.get_header("WARC-Date")), status=status, content_type=content_type,
        body=body, too_large=too_large,
    )


def _status(code: str | None) -> int | None:
    return int(code) if code and code.isdigit() else None


def _warc_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _describe(exc: BaseException) -> str:
    """The reader's error in one printable line (warcio quotes the line it could not read, which
    in a damaged gzip member is binary)."""
    text = " ".join(str(exc).split())
    head, sep, line = text.partition("first line:")
    if sep and sum(not c.isprintable() or not c.isascii() for c in line) > len(line) // 10:
        text = head + sep + " (binary data: a damaged gzip member?)"
    text = "".join(c if c.isprintable() else "?" for c in text)
    if len(text) > 200:
        text = text[:200] + " ..."
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, _Unreadable) else text


def _starts_gzipped(fh: IO[bytes]) -> bool:
    fh.seek(0)
    return fh.read(3) == _GZIP_MAGIC


def _blank(fh: IO[bytes], start: int, end: int) -> bool:
    """True when the bytes from ``start`` to ``end`` are only whitespace (record separators)."""
    fh.seek(start)
    left = end - start
    while left > 0:
        chunk = fh.read(min(left, _SCAN_CHUNK))
        if not chunk or chunk.strip():
            return not chunk
        left -= len(chunk)
    return True


def _skip_blank(fh: IO[bytes], pos: int, size: int) -> int:
    """``pos`` moved past whitespace (the blank lines that end an uncompressed record)."""
    while pos < size:
        fh.seek(pos)
        chunk = fh.read(4096)
        left = chunk.lstrip()
        pos += len(chunk) - len(left)
        if left or not chunk:
            break
    return min(pos, size)


def _next_start(fh: IO[bytes], start: int, size: int, gzipped: bool) -> int:
    """Offset of the next place a record may start at or after ``start`` (``size`` when none)."""
    marker = _GZIP_MAGIC if gzipped else b"\n" + _WARC_LINE
    skip = 0 if gzipped else 1  # the record starts after the newline
    pos = max(start - (0 if gzipped else 1), 0)
    while pos < size:
        fh.seek(pos)
        chunk = fh.read(_SCAN_CHUNK + len(marker))
        found = chunk.find(marker)
        if found >= 0:
            return max(pos + found + skip, start)
        if len(chunk) <= len(marker):
            break
        pos += _SCAN_CHUNK
    return size
