"""End to end: `warta demo` crawls the bundled site over real HTTP into a real SQLite store.

Guards the foundation issue: the seed article's officials, programme stage and date reach the
store, its footer boilerplate does not, and a second run adds no duplicates.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from scrapers.adapters.boilerplate import BOILERPLATE_PHRASES

SEED_FOOTER = ("Berita Terkait", "Ikuti kami di", "(c) 2025 TRIBUNnews.com Network", "© 2025 TRIBUNnews.com")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    db = tmp_path_factory.mktemp("demo") / "warta.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    yield db, result.output


def _conn(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def _seed_article_id(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT id FROM articles WHERE title LIKE 'Kabupaten Muara Enim Terpilih Jadi Role Model%'"
    ).fetchone()
    assert row is not None, "the seed article was not stored"
    return int(row["id"])


def test_demo_prints_summary_and_search(demo_db: tuple[Path, str]) -> None:
    _, output = demo_db
    assert "Store now holds:" in output
    assert "Example search:" in output
    # at least one hit line with a URL on a demo host
    assert "warta.example" in output


def test_demo_stores_every_article_once(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    from pipeline.demo import DemoSite

    with DemoSite() as site:
        n_articles = len(site.article_urls())
    with _conn(db) as conn:
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        distinct = conn.execute("SELECT count(DISTINCT canonical_url) FROM articles").fetchone()[0]
    assert n_articles >= 12
    assert count == n_articles == distinct


def test_second_demo_adds_no_duplicates(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    with _conn(db) as conn:
        before = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        facts_before = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with _conn(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == facts_before


def test_seed_officials_reach_the_store(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    with _conn(db) as conn:
        aid = _seed_article_id(conn)
        rows = conn.execute(
            """SELECT e.name, r.position, r.org FROM official_roles r
               JOIN official_role_articles ra ON ra.role_id = r.id
               JOIN entities e ON e.id = r.person_id WHERE ra.article_id = ?""",
            (aid,),
        ).fetchall()
    roles = {(r["name"], r["position"].lower()) for r in rows}
    names = {name for name, _ in roles}
    assert "Ahmad Yani" in names
    assert any(n == "Ahmad Yani" and p.startswith("bupati") for n, p in roles)
    assert any(n == "Tjahjo Kumolo" and p.startswith("menteri dalam negeri") for n, p in roles)
    assert "Samuel Abrijani Pangerapan" in names


#: Every person the demo pages name with a position (we wrote them; the seed's people are real).
DEMO_OFFICIALS = {
    "Agus Salim Harahap", "Ahmad Yani", "Akbar Syaefudin", "Andi Kurniawan", "Andi Syamsul Alam",
    "Ardian Arifanardi", "Bambang Setiawan", "Darmawan Saputra", "Dedi Supriadi", "Fikri Ansori", "Hadi Prasetyo",
    "Hendra Gunawan", "Johan Pattiasina", "Juarsah", "Lilis Suryani", "M Teguh Jaya", "Mariana Sitompul",
    "Markus Wenda", "Maya Sari", "Muhammad Arsyad", "Nasrun Effendi", "Nova Tuhumury", "Paulus Latuheru",
    "Rahmad Hidayat", "Ratna Dewi", "Ridwan Effendi", "Rikard Bagun", "Rudi Hartawan",
    "Samuel Abrijani Pangerapan", "Sugeng Riyadi", "Syamsul Bahri", "Syarifuddin Lubis", "Tjahjo Kumolo",
    "Wulan Anggraini", "Yohanes Kambu", "Yudi Pratama",
}


def test_every_official_in_the_demo_store_is_a_person(demo_db: tuple[Path, str]) -> None:
    """No office or unit name stored as a person ("Kelembagaan" from "Deputi Bidang Kelembagaan ...")."""
    db, _ = demo_db
    with _conn(db) as conn:
        names = {r[0] for r in conn.execute(
            "SELECT DISTINCT e.name FROM official_roles r JOIN entities e ON e.id = r.person_id")}
    assert names == DEMO_OFFICIALS


def test_seed_programme_stage_and_date_reach_the_store(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    with _conn(db) as conn:
        aid = _seed_article_id(conn)
        stages = conn.execute(
            "SELECT programme, stage, year FROM programme_stages WHERE article_id = ?", (aid,)
        ).fetchall()
        dates = {r["value"] for r in conn.execute("SELECT value FROM dates WHERE article_id = ?", (aid,))}
        published = conn.execute("SELECT published FROM articles WHERE id = ?", (aid,)).fetchone()[0]
    assert any(
        "gerakan menuju 100 smart city" in s["programme"].lower() and s["stage"] == 3 and s["year"] == 2019
        for s in stages
    ), [tuple(s) for s in stages]
    assert "2019-05-15" in dates  # "Rabu (15/5)" resolved against the publication date
    assert published.startswith("2019-05-16")


def test_boilerplate_never_reaches_the_store(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    with _conn(db) as conn:
        texts = [(r["canonical_url"], r["text"]) for r in conn.execute("SELECT canonical_url, text FROM articles")]
    for url, text in texts:
        for phrase in SEED_FOOTER + tuple(BOILERPLATE_PHRASES):
            assert phrase.lower() not in text.lower(), f"{phrase!r} reached the store in {url}"


def test_search_command_finds_seed(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    result = CliRunner().invoke(cli, ["search", "Muara Enim", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert any("Muara Enim" in h["title"] for h in hits)


def test_stats_command_counts(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    result = CliRunner().invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "articles" in result.output
