"""``warta parse`` without --url: the page's own canonical URL picks the site adapter."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from scrapers.canonical import declared_url


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<html><head><link rel="canonical" href="https://news.detik.com/berita/d-1/judul"></head></html>',
         "https://news.detik.com/berita/d-1/judul"),
        ('<html><head><link rel="alternate canonical" href=" https://a.example/x "></head></html>', "https://a.example/x"),
        ('<html><head><meta property="og:url" content="http://sumeks.co/2020/1/x"></head></html>', "http://sumeks.co/2020/1/x"),
        ('<html><head><link rel="canonical" href="/relative/only"></head></html>', None),
        ("<html><body>no head</body></html>", None),
        ("", None),
    ],
)
def test_declared_url(html: str, expected: str | None) -> None:
    assert declared_url(html) == expected


def test_saved_detik_page_uses_the_detik_adapter_without_url(shared_dir: Path, tmp_path: Path) -> None:
    page = shared_dir / "data" / "html" / "indonesian" / "news.detik.com_2015-06_ugm-robot.html"
    if not page.exists():
        pytest.skip(f"{page} not found")
    result = CliRunner().invoke(cli, ["parse", str(page)])
    assert result.exit_code == 0, result.output
    assert "adapter detik" in result.output and "by Bagus Kurniawan" in result.output
    zipped = tmp_path / "robot.html.gz"
    zipped.write_bytes(gzip.compress(page.read_bytes()))
    result = CliRunner().invoke(cli, ["parse", str(zipped)])
    assert result.exit_code == 0 and "adapter detik" in result.output
    assert "http://news.detik.com/berita/2943745/mahasiswa-ugm-kembangkan-robot-terapi-pascastroke" in result.output


def test_unreadable_gzip_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "page.html.gz"
    bad.write_bytes(b"\x1f\x8bnot really gzip")
    result = CliRunner().invoke(cli, ["parse", str(bad)])
    assert result.exit_code == 1 and result.output.startswith(f"Error: cannot parse {bad}:")


def test_parse_reads_stdin_and_many_files(shared_dir: Path, tmp_path: Path) -> None:
    pages = shared_dir / "data" / "html" / "indonesian"
    detik, suara = pages / "news.detik.com_2015-06_ugm-robot.html", pages / "suara.com_2015-06-19_angeline.html"
    if not (detik.exists() and suara.exists()):
        pytest.skip("saved pages not found")
    result = CliRunner().invoke(cli, ["parse", "-"], input=detik.read_bytes())
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("news.detik.com | 2015-06-16T14:05:11+07:00 | adapter detik")
    missing = tmp_path / "nope.html"
    result = CliRunner().invoke(cli, ["parse", str(detik), str(missing), str(suara), "--json"])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outlet"] for r in rows] == ["news.detik.com", "suara.com"]
    assert result.stderr.startswith(f"Error: cannot parse {missing}:")


def test_force_parses_a_listing_the_generic_adapter_refuses(tmp_path: Path) -> None:
    """Issue #15: `warta parse --force` parses a page that does not show it is an article."""
    cards = "".join(
        f'<article><h2><a href="/b/{i}">Kabar daerah nomor {i} dari kecamatan hari ini</a></h2></article>'
        for i in range(10)
    )
    listing = tmp_path / "index.html"
    listing.write_text(f"<html><head><title>Berita Daerah</title></head><body>{cards}</body></html>", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["parse", str(listing), "--url", "https://portal.example/kategori/daerah"])
    assert refused.exit_code == 1 and "--force" in refused.stderr
    forced = CliRunner().invoke(cli, ["parse", str(listing), "--url", "https://portal.example/kategori/daerah",
                                      "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["title"] == "Berita Daerah"
