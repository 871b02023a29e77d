"""Reading WARC archives (scrapers/warc.py): records, damage reported by byte range, resuming mid-file.

Every archive is written here with warcio's writer (tests/warcgen.py) from pages of our own.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scrapers.exceptions import ArchiveError
from scrapers.warc import ArchivedRecord, BadRecord, archive_key, check_archive, read_archive
from warcgen import WarcBuilder, generated


def _archive(gz: bool) -> tuple[WarcBuilder, list[str]]:
    w = WarcBuilder(gzip=gz)
    urls = []
    for url, page in generated(5):
        w.request(url)
        w.response(url, page)
        urls.append(url)
    return w, urls


def _items(path: Path, start: int = 0) -> list[ArchivedRecord | BadRecord]:
    return list(read_archive(path, start))


def _pages(items: list[ArchivedRecord | BadRecord]) -> list[str]:
    return [i.url for i in items if isinstance(i, ArchivedRecord) and i.is_html_page]


def _tiles(items: list[ArchivedRecord | BadRecord], start: int, size: int) -> bool:
    """The items cover the file from ``start`` to its end, each beginning where the last ended."""
    pos = start
    for item in items:
        if item.offset < pos:
            return False
        pos = item.end
    return pos == size


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_records_with_types_statuses_and_pages(tmp_path: Path, gz: bool) -> None:
    w, urls = _archive(gz)
    w.revisit(urls[0])
    w.response("https://warta-lokal.example/logo.gif", b"GIF89a\x01\x00", content_type="image/gif")
    w.response("https://warta-lokal.example/lama", b"", status="301 Moved Permanently")
    path = w.save(tmp_path / ("a.warc.gz" if gz else "a.warc"))
    items = _items(path)
    assert all(isinstance(i, ArchivedRecord) for i in items)
    records = [i for i in items if isinstance(i, ArchivedRecord)]
    assert [r.record_type for r in records] == ["warcinfo"] + ["request", "response"] * 5 + [
        "revisit", "response", "response"]
    assert _pages(items) == urls
    gif, moved = records[-2], records[-1]
    assert (gif.status, gif.media_type, gif.body) == (200, "image/gif", b"")  # only pages are read
    assert (moved.status, moved.body) == (301, b"")
    assert records[-3].status == 200 and not records[-3].is_html_page  # a revisit has no page
    assert records[2].body.startswith(b"<!DOCTYPE html>") and records[2].date is not None
    assert [(r.offset, r.end) for r in records] == w.ranges if gz else _tiles(items, 0, path.stat().st_size)


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_reading_resumes_at_any_record_end(tmp_path: Path, gz: bool) -> None:
    w, _ = _archive(gz)
    path = w.save(tmp_path / "a.warc")
    whole = _items(path)
    for k, item in enumerate(whole):
        assert _items(path, item.end) == whole[k + 1:]


def _damage(kind: str, data: bytes, target: tuple[int, int], gz: bool) -> bytes:
    start, end = target
    if kind == "truncated member":  # the second half of one record is missing, the next follows
        return data[:(start + end) // 2] + data[end:]
    if kind == "flipped bytes":
        damaged = bytearray(data)
        for k in range((start + end) // 2, (start + end) // 2 + 30):  # in the page (digests cover it)
            damaged[k] ^= 0x55
        return bytes(damaged)
    if kind == "junk between records":
        return data[:end] + b"this is not a WARC record\r\n" * 3 + data[end:]
    if kind == "truncated file":
        return data[:(start + end) // 2]
    raise AssertionError(kind)


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
@pytest.mark.parametrize("kind", ["truncated member", "flipped bytes", "junk between records", "truncated file"])
def test_damage_is_one_bad_range_and_reading_goes_on(tmp_path: Path, gz: bool, kind: str) -> None:
    w, urls = _archive(gz)
    target = w.ranges[6]  # the response of the third page (warcinfo, then request/response pairs)
    if kind == "truncated file":
        target = w.ranges[-1]
    path = w.save(tmp_path / "a.warc", _damage(kind, w.data(), target, gz))
    items = _items(path)
    bad = [i for i in items if isinstance(i, BadRecord)]
    assert len(bad) == 1, bad
    if kind == "junk between records":
        assert bad[0].offset == target[1] and _pages(items) == urls
    elif kind == "truncated file":
        assert bad[0].offset == target[0] and bad[0].end == path.stat().st_size
        assert _pages(items) == urls[:4]
    else:
        assert bad[0].offset == target[0]
        assert _pages(items) == urls[:2] + urls[3:]  # the pages after the damage are all read
    assert bad[0].error
    assert _tiles(items, 0, path.stat().st_size)


def test_a_single_gzip_stream_is_reported_not_looped_over(tmp_path: Path) -> None:
    """A .warc.gz compressed as one stream (not one member per record) has no record offsets:
    it is one bad range, whose message says how to recompress it."""
    w, _ = _archive(False)
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(w.data()))
    items = _items(path)
    assert len(items) == 1 and isinstance(items[0], BadRecord)
    assert "recompress" in items[0].error
    assert (items[0].offset, items[0].end) == (0, path.stat().st_size)


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"<html>not an archive</html>", "is not a WARC archive"),
    (gzip.compress(b"just some text"), "is not a WARC archive"),
    (b"\x1f\x8b\x08" + b"\x00" * 40, "damaged gzip member"),
])
def test_check_archive_refuses_other_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match=message):
        check_archive(path)
    with pytest.raises(ArchiveError, match="cannot read"):
        check_archive(tmp_path / "missing.warc")


def test_archive_key_follows_content_not_name(tmp_path: Path) -> None:
    w, _ = _archive(True)
    a = w.save(tmp_path / "a.warc.gz")
    b = w.save(tmp_path / "renamed.warc.gz")
    check_archive(a)
    assert archive_key(a) == archive_key(b)
    c = w.save(tmp_path / "a2.warc.gz", w.data()[:-10])
    assert archive_key(c) != archive_key(a)
