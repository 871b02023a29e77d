"""`warta crawl` against the demo site on a real loopback server (foundation issue)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.demo import DemoSite


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def test_crawl_feed_then_single_article(db_path: Path) -> None:
    with DemoSite() as site:
        feed = site.url_for("/rss.xml")
        result = CliRunner().invoke(
            cli, ["crawl", feed, "--db", str(db_path), "--delay", "0", "--allow-private"],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        n = _count(db_path)
        assert n >= 12
        assert "failed URLs: 0" in result.output
        # one article again, by its URL: nothing new is stored
        article = site.article_urls()[0]
        again = CliRunner().invoke(
            cli, ["crawl", article, "--db", str(db_path), "--delay", "0", "--allow-private"],
            catch_exceptions=False,
        )
    assert again.exit_code == 0, again.output
    assert "unchanged 1" in again.output
    assert _count(db_path) == n
    with sqlite3.connect(db_path) as conn:
        status, counts = conn.execute("SELECT status, counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert status == "ok"
    assert json.loads(counts)["unchanged"] == 1


def test_crawl_refuses_loopback_without_allow_private(db_path: Path) -> None:
    with DemoSite() as site:
        result = CliRunner().invoke(cli, ["crawl", site.url_for("/rss.xml"), "--db", str(db_path), "--delay", "0"])
    assert result.exit_code == 1
    assert "BlockedAddress" in result.output
    assert _count(db_path) == 0


def test_crawl_missing_page_is_reported(db_path: Path) -> None:
    with DemoSite() as site:
        result = CliRunner().invoke(
            cli, ["crawl", site.url_for("/tidak-ada.html"), "--db", str(db_path), "--delay", "0", "--allow-private"],
        )
    assert result.exit_code == 1
    assert "failed URLs: 1" in result.output
    assert "404" in result.output


def test_loopback_refusal_is_printed_once_and_names_allow_private(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/rss.xml", "--db", str(db_path), "--delay", "0"])
    assert result.exit_code == 1
    assert result.stderr.count("http://127.0.0.1:9/rss.xml") == 2  # one line: the URL and the refusal naming it
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.rstrip().endswith("crawl a loopback or private address with --allow-private")


def test_invalid_seeds_are_rejected_before_anything_loads(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", "sumsel.tribunnews.com/rss", "ftp://x/y", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.output == ("Error: not an http(s) URL: 'sumsel.tribunnews.com/rss', 'ftp://x/y'; give feed, "
                             "sitemap, listing or article URLs such as https://sumsel.tribunnews.com/rss\n")
    assert not db_path.exists()
