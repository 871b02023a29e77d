"""Finding things by the names journalists use: surnames, short forms and acronyms, spelling
variants, joined or split words, part of a programme's name; ambiguous names list the
candidates, unknown ones get "did you mean", and an empty search says which filter matched nothing.
Runs on the store `warta demo` fills."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.lookup import lookup, suggest
from pipeline.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("typed", "kind", "expected"),
    [
        ("Yani", None, "Ahmad Yani"),  # surname
        ("Yani", "person", "Ahmad Yani"),
        ("Tjahjo", "person", "Tjahjo Kumolo"),  # first name
        ("Bupati Yani", None, "Ahmad Yani"),  # position and surname
        ("Kominfo", None, "Kementerian Komunikasi dan Informatika"),  # short form
        ("Kominfo", "institution", "Kementerian Komunikasi dan Informatika"),
        ("Diskominfo Muara Enim", None, "Dinas Komunikasi dan Informatika Kabupaten Muara Enim"),  # acronym + region
        ("Dishub Makassar", "institution", "Dinas Perhubungan Kota Makassar"),
        ("Lubuk Linggau", "place", "Kota Lubuklinggau"),  # without "Kota"
        ("Lubuklinggau", "place", "Kota Lubuklinggau"),  # joined spelling
        ("Lubuk Linggau", None, "Kota Lubuklinggau"),
        ("Muara Enim", None, "Kabupaten Muara Enim"),
        ("Sumsel", "place", "Sumatera Selatan"),
        ("smart city", "programme", "Gerakan Menuju 100 Smart City"),  # part of the name
        ("smart city", None, "Gerakan Menuju 100 Smart City"),
    ],
)
def test_names_people_use_resolve(demo_store: Path, typed: str, kind: str | None, expected: str) -> None:
    with sqlite3.connect(demo_store) as conn:
        found = lookup(conn, typed, kind)
    assert found.best is not None and found.best.name == expected, found.candidates[:3]
    assert not found.ambiguous


def test_acronym_lists_the_other_offices_it_could_mean(demo_store: Path) -> None:
    with sqlite3.connect(demo_store) as conn:
        found = lookup(conn, "Diskominfo Muara Enim")
    assert {c.name for c in found.candidates} == {
        "Dinas Komunikasi dan Informatika Kabupaten Muara Enim", "Dinas Kominfo Kabupaten Muara Enim"}
    assert "short form or acronym" in found.candidates[0].reason


def test_a_position_with_a_name_is_not_read_loosely(demo_store: Path) -> None:
    with sqlite3.connect(demo_store) as conn:
        assert lookup(conn, "Camat Yani").candidates == []
        assert suggest(conn, "Camat Yani") == ["Ahmad Yani"]  # offered, not assumed


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        (["entity", "Yani"], "Ahmad Yani (person), 1 mentions"),
        (["entity", "Kominfo"], "Kementerian Komunikasi dan Informatika (institution), 6 mentions"),
        (["entity", "Diskominfo Muara Enim"],
         "Dinas Komunikasi dan Informatika Kabupaten Muara Enim (institution) [16.03], 1 mentions"),
        (["entity", "Lubuk Linggau"], "Kota Lubuklinggau (place) [16.73], 2 mentions"),
    ],
)
def test_entity_command(demo_store: Path, args: list[str], first_line: str) -> None:
    code, out, err = run(*args, "--db", str(demo_store))
    assert code == 0, err
    assert out.splitlines()[0] == first_line


def test_ambiguous_surname_lists_the_candidates(demo_store: Path) -> None:
    code, out, err = run("entity", "Effendi", "--db", str(demo_store))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == "'Effendi' could mean 2 people:"
    assert sorted(line.split(" (id")[0].strip() for line in lines[1:3]) == ["Nasrun Effendi", "Ridwan Effendi"]
    assert lines[3].startswith("Error: give more of the name, e.g. warta entity ")


def test_unknown_name_gets_did_you_mean(demo_store: Path) -> None:
    code, _, err = run("entity", "Yanni", "--db", str(demo_store))
    assert code == 1
    assert err == f"Error: no person, institution, place or programme named 'Yanni' in {demo_store}; did you mean: Ahmad Yani?\n"
    code, _, err = run("programme", "smart citty", "--db", str(demo_store))
    assert code == 1 and "did you mean: " in err and "Smart City" in err


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--person", "Yani"), ("--institution", "Kominfo"), ("--place", "Lubuk Linggau"), ("--programme", "smart city")],
)
def test_search_filters_take_the_names_people_use(demo_store: Path, flag: str, value: str) -> None:
    code, out, err = run("search", "smart city", flag, value, "--db", str(demo_store), "--json")
    assert code == 0, err
    assert json.loads(out), f"no hits for {flag} {value}"


def test_empty_search_says_which_filter_matched_nothing(demo_store: Path) -> None:
    code, out, err = run("search", "smart city", "--person", "Yanni", "--db", str(demo_store))
    assert (code, out) == (0, "")
    assert err == "no person named 'Yanni' in the store (did you mean: Ahmad Yani?)\n"
    code, out, err = run("search", "smart city", "--person", "Juarsah", "--place", "Lubuk Linggau",
                         "--db", str(demo_store))
    assert (code, out) == (0, "")
    assert err == ("'smart city' matches 8 articles and person 'Juarsah' (Juarsah) 1 and place 'Lubuk Linggau' "
                   "(Kota Lubuklinggau) 1, but no article has all of them\n")
    code, out, err = run("search", "banjir bandang", "--db", str(demo_store))
    assert err == "no article matches 'banjir bandang'\n"


def test_programme_accepts_part_of_its_name(demo_store: Path) -> None:
    code, out, err = run("programme", "smart city", "--db", str(demo_store))
    assert code == 0, err
    assert out.splitlines()[0] == "Gerakan Menuju 100 Smart City  (counting also: Program Smart City)"
    assert "\n  2019 tahap 3\n" in out


def test_show_prints_an_article_with_its_facts(demo_store: Path) -> None:
    code, out, err = run("search", "role model", "--db", str(demo_store))
    article_id = out.split("[warta show ")[1].split("]")[0]
    code, out, err = run("show", article_id, "--db", str(demo_store))
    assert code == 0, err
    assert out.startswith("Kabupaten Muara Enim Terpilih Jadi Role Model")
    assert "Gerakan Menuju 100 Smart City" in out  # the text
    assert 'official         Ahmad Yani  bupati muara enim (Kabupaten Muara Enim)  "Bupati Muara Enim Ir. H. Ahmad Yani, MM"' in out
    assert "programme stage  Gerakan Menuju 100 Smart City  tahap 3 2019" in out
    data = json.loads(run("show", article_id, "--db", str(demo_store), "--json")[1])
    assert {"official", "institution", "place", "programme stage", "participant", "date"} <= {f["kind"] for f in data["facts"]}
    code, _, err = run("show", "9999", "--db", str(demo_store))
    assert code == 1 and "no article 9999 in the store (ids run 1 to 13)" in err


def test_programme_view_lists_each_region_once_per_stage_with_its_articles(demo_store: Path) -> None:
    """The same 2018 regions appeared as "tahap ?" and "tahap 2", "Program Smart City" split off,
    a plan to register counted as participation, and rows showed bare article ids."""
    code, out, err = run("programme", "smart city", "--db", str(demo_store), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["name"] == "Gerakan Menuju 100 Smart City" and report["counted_in"] == ["Program Smart City"]
    rows = [(p["year"], p["stage"], p["region"]) for p in report["participants"]]
    assert len(rows) == len(set(rows))
    assert (2018, None, "Kabupaten Muara Enim") not in rows
    for region in ("Kota Palembang", "Kabupaten Muara Enim", "Kabupaten Banyuasin", "Kabupaten Musi Banyuasin"):
        assert (2018, 2, region) in rows
    assert "Kota Lubuklinggau" not in {p["region"] for p in report["participants"]}
    [plan] = report["plans"]
    assert plan["region"] == "Kota Lubuklinggau" and "berencana mendaftar" in plan["evidence"][0]["sentence"]
    muara_enim = next(p for p in report["participants"] if p["region"] == "Kabupaten Muara Enim")
    first = muara_enim["evidence"][0]
    assert first["title"] and first["outlet"] and first["published"] and "Muara Enim" in first["sentence"]
    code, out, err = run("programme", "smart city", "--db", str(demo_store))
    assert "  2018 tahap 2: Kabupaten Muara Enim [16.03]\n" in out
    assert "plans to take part (not participation):\n  2022: Kota Lubuklinggau [16.73]\n" in out
    assert '"Keempat daerah itu adalah Kota Palembang, Kabupaten Muara Enim' in out
