"""Full-text search: ranking, snippets, filters, and safety against any user input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.exceptions import SearchQueryError
from db.search import to_fts_query
from db.store import Store
from pipeline.cli import cli
from pipeline.models import (
    Article,
    ArticleFacts,
    Institution,
    Official,
    Place,
    ProgrammeStage,
    Provenance,
)

WIB = dt.timezone(dt.timedelta(hours=7))
P = Provenance(0, 10, "kalimat", "warta.test", "1.0")

DOCS = [
    # (n, outlet, date, title, text, facts)
    (1, "sumsel.tribunnews.com", dt.datetime(2017, 6, 1, 9, tzinfo=WIB), "Muara Enim masuk Gerakan Menuju Smart City",
     "Kabupaten Muara Enim terpilih dalam Gerakan Menuju 100 Smart City tahap 1 tahun 2017, kata Bupati "
     "Muara Enim Ahmad Yani di Palembang. Kominfo menilai kesiapan daerah.",
     ArticleFacts(officials=[Official("Ahmad Yani", "bupati muara enim", "Kabupaten Muara Enim", "Ahmad Yani", P)],
                  places=[Place("Kabupaten Muara Enim", "Muara Enim", "regency", P, "16.03")],
                  program_stages=[ProgrammeStage("Gerakan Menuju 100 Smart City", 1, 2017, "tahap 1", P)])),
    (2, "www.antaranews.com", dt.datetime(2019, 8, 20, 14, tzinfo=WIB), "Palembang siapkan masterplan kota cerdas",
     "Pemerintah Kota Palembang menyiapkan masterplan smart city bersama Kementerian Komunikasi dan "
     "Informatika. Wali Kota Palembang Harnojoyo menyebut program ini tahap 3.",
     ArticleFacts(officials=[Official("Harnojoyo", "wali kota palembang", "Kota Palembang", "Harnojoyo", P)],
                  institutions=[Institution("Kementerian Komunikasi dan Informatika", "Kementerian Komunikasi dan "
                                            "Informatika", "ministry", P, ["Kominfo"])],
                  places=[Place("Kota Palembang", "Palembang", "city", P, "16.71")])),
    (3, "news.detik.com", dt.datetime(2020, 1, 5, 8, tzinfo=WIB), "Harga cabai naik di Jakarta",
     "Harga cabai merah di pasar Jakarta naik menjelang tahun baru. Pedagang mengeluhkan pasokan dari "
     "sentra produksi. Smartphone pedagang ramai dengan pesanan daring.",
     ArticleFacts(places=[Place("DKI Jakarta", "Jakarta", "province", P, "31")])),
]


@pytest.fixture()
def store(db_path: Path) -> Store:
    s = Store(db_path)
    for n, outlet, published, title, text, facts in DOCS:
        s.load(Article(url=f"https://{outlet}/{n}", canonical_url=f"https://{outlet}/{n}", outlet=outlet,
                       title=title, paragraphs=[text], published=published), facts)
    return s


def ids(hits: list) -> list[int]:  # type: ignore[type-arg]
    return [h.article_id for h in hits]


def test_bm25_rank_and_highlighted_snippet(store: Store) -> None:
    hits = store.search("smart city")
    assert ids(hits) == [1, 2]  # title match ranks first
    assert hits[0].rank <= hits[1].rank
    assert "**Smart** **City**" in hits[0].snippet or "**smart** **city**" in hits[0].snippet.lower()
    assert hits[0].canonical_url == "https://sumsel.tribunnews.com/1" and (hits[0].published or "").startswith("2017-06-01")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"smart city" tahap', [1, 2]),
        ('"city smart"', []),
        ("smart*", [1, 2, 3]),  # prefix: Smartphone too
        ("smart -masterplan", [1]),
        ("smart -palembang", []),
        ("cabai OR masterplan", [2, 3]),
        ("SMART CITY", [1, 2]),
    ],
)
def test_query_syntax(store: Store, query: str, expected: list[int]) -> None:
    assert sorted(ids(store.search(query))) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"since": "2018-01-01"}, [2, 3]),
        ({"until": "2017-06-01"}, [1]),
        ({"since": dt.date(2017, 6, 1), "until": dt.date(2019, 8, 20)}, [1, 2]),
        ({"outlet": "antaranews.com"}, [2]),
        ({"outlet": "sumsel.tribunnews.com"}, [1]),
        ({"person": "Ir. H. Ahmad Yani, MM"}, [1]),
        ({"person": "Nobody Here"}, []),
        ({"institution": "Kominfo"}, [2]),
        ({"place": "Palembang"}, [2]),
        ({"place": "Kabupaten Muara Enim"}, [1]),
        ({"programme": "gerakan menuju 100 smart city"}, [1]),
    ],
)
def test_filters(store: Store, kwargs: dict, expected: list[int]) -> None:  # type: ignore[type-arg]
    assert sorted(ids(store.search("smart OR city OR cabai", **kwargs))) == expected


@pytest.mark.parametrize(
    "query",
    [
        '"smart city',  # unbalanced quote
        "(smart city",  # unbalanced parenthesis
        "smart) city(",
        "NEAR(smart city)",
        "NEAR(smart city, 3",
        "title:smart",
        "smart AND",
        "OR smart",
        "^smart",
        "smart NOT",
        "'; DROP TABLE articles; --",
        "smart\" OR 1=1 --",
        "{title text}: smart",
        "smart + city",
        "sm*rt",
    ],
)
def test_any_input_is_safe(store: Store, query: str) -> None:
    store.search(query)
    assert store.stats()["articles"] == 3


@pytest.mark.parametrize("query", ["", "   ", "*", "-", '"', "()", "-smart", "AND OR NOT", "NEAR("])
def test_queries_without_words_are_a_clear_error(store: Store, query: str) -> None:
    with pytest.raises(SearchQueryError, match="look for"):
        store.search(query)
    with pytest.raises(ValueError):
        store.search(query)


def test_to_fts_query_quotes_every_word() -> None:
    assert to_fts_query('smart city -jakarta "tahap 3" wali*') == '("smart" AND "city" AND "tahap 3" AND "wali"*) NOT "jakarta"'
    assert to_fts_query("NEAR(a b)") == '"a" AND "b"'


def test_bad_date_is_a_clear_error(store: Store) -> None:
    with pytest.raises(SearchQueryError, match="YYYY-MM-DD"):
        store.search("smart", since="kemarin")


def test_cli_search(store: Store, db_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "smart city", "--db", str(db_path), "--json", "--place", "Palembang"])
    assert result.exit_code == 0, result.output
    assert [h["article_id"] for h in json.loads(result.output)] == [2]
    result = runner.invoke(cli, ["search", "smart", "--db", str(db_path), "--limit", "1"])
    assert result.exit_code == 0 and result.output.startswith("1. 2017-06-01  Muara Enim")
    result = runner.invoke(cli, ["search", "()", "--db", str(db_path)])
    assert result.exit_code == 1 and "Error: search '()' has no words" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["search", "x", "--db", str(db_path.parent / "none.db")])
    assert result.exit_code == 1 and "no store at" in result.output
