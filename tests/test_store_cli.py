"""The store's CLI commands: stats, entity, programme, export, reextract, serve."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.store import Store
from pipeline.cli import cli
from pipeline.models import (
    Article,
    ArticleFacts,
    Institution,
    Official,
    ProgrammeParticipant,
    ProgrammeStage,
    Provenance,
)

P = Provenance(0, 10, "kalimat", "warta.test", "0.1")
WIB = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture()
def filled(db_path: Path) -> Path:
    store = Store(db_path)
    run_id = store.start_run("crawl")
    for n, (name, surface) in enumerate([("Ahmad Yani", "Ir. H. Ahmad Yani, MM"), ("Yani", "Bupati Yani")], 1):
        store.load(
            Article(url=f"https://sumsel.tribunnews.com/{n}", canonical_url=f"https://sumsel.tribunnews.com/{n}",
                    outlet="sumsel.tribunnews.com", title=f"Smart city Muara Enim {n}",
                    paragraphs=[f"Bupati Muara Enim {surface} membuka rapat smart city ke-{n}."],
                    published=dt.datetime(2018 + n, 5, 15, 9, tzinfo=WIB)),
            ArticleFacts(
                officials=[Official(name, "bupati muara enim", "Kabupaten Muara Enim", surface, P, region_code="16.03")],
                institutions=[Institution("Kementerian Komunikasi dan Informatika", "Kominfo", "ministry", P,
                                          ["Kominfo"])],
                program_stages=[ProgrammeStage("Gerakan Menuju 100 Smart City", n + 1, 2017 + n, "tahap", P)],
                program_participants=[ProgrammeParticipant("Kabupaten Muara Enim", "Gerakan Menuju 100 Smart City",
                                                           2018, "terpilih", P, None, "16.03")],
            ),
            run_id=run_id,
        )
    store.finish_run(run_id, {"articles": 2, "failed": 0}, "ok")
    store.close()
    return db_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_every_store_command_has_help_with_an_example() -> None:
    for command in ("search", "stats", "entity", "programme", "export", "serve", "reextract"):
        code, out = run(command, "--help")
        assert code == 0 and "Example:" in out and "--db" in out


def test_stats(filled: Path) -> None:
    code, out = run("stats", "--db", str(filled), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["counts"]["articles"] == 2 and data["counts"]["persons"] == 1
    assert data["runs"][0]["command"] == "crawl" and data["runs"][0]["status"] == "ok"
    code, out = run("stats", "--db", str(filled))
    assert code == 0 and "run 1 crawl" in out


def test_entity_with_reasons(filled: Path) -> None:
    code, out = run("entity", "Bupati Yani", "--db", str(filled), "--why")
    assert code == 0
    assert out.startswith("Ahmad Yani (person), 2 mentions")
    assert "bupati muara enim (Kabupaten Muara Enim) 2019-05-15 .. 2020-05-15, articles [1, 2]" in out
    assert "alias 'Bupati Yani': written so in article 2" in out
    assert "surname 'yani' matches the only full name ending in it that holds 'bupati'" in out
    code, out = run("entity", "Kominfo", "--db", str(filled), "--json")
    assert code == 0 and json.loads(out)["name"] == "Kementerian Komunikasi dan Informatika"
    code, out = run("entity", "Siapa Saja", "--db", str(filled))
    assert code == 1 and "no person, institution, place or programme named 'Siapa Saja'" in out


def test_programme(filled: Path) -> None:
    code, out = run("programme", "gerakan menuju 100 smart city", "--db", str(filled), "--json")
    assert code == 0
    report = json.loads(out)
    assert [(s["year"], s["stage"], s["article_ids"]) for s in report["stages"]] == [(2018, 2, [1]), (2019, 3, [2])]
    assert [(p["region"], p["article_ids"]) for p in report["participants"]] == [("Kabupaten Muara Enim", [1, 2])]
    code, out = run("programme", "Program Tidak Ada", "--db", str(filled))
    assert code == 1 and "no programme named" in out


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_to_file(filled: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"roles.{fmt}"
    code, out = run("export", "--db", str(filled), "--format", fmt, "--table", "official_roles", "--output", str(target))
    assert code == 0 and "1 rows of official_roles written" in out
    text = target.read_text(encoding="utf-8")
    assert "bupati muara enim" in text
    code, out = run("export", "--db", str(filled), "--table", "nope")
    assert code == 1 and "cannot export table 'nope'" in out


@pytest.mark.slow
def test_reextract(filled: Path) -> None:
    code, out = run("reextract", "--db", str(filled), "--since", "2020-01-01")
    try:
        import extractors
    except ImportError:
        extractors = None  # type: ignore[assignment]
    if extractors is None or not hasattr(extractors, "extract") or not hasattr(extractors, "EXTRACTOR_VERSION"):
        assert code == 1 and "the extractors are not installed" in out
    else:
        assert code == 0 and out.startswith("re-extracted 1 articles")
        assert Store(filled).last_runs()[0].command == "reextract"


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    code, out = run("serve", "--db", str(tmp_path / "none.db"), "--port", "0")
    assert code == 1 and "no store at" in out


def test_export_carries_names_and_keeps_json_lists(demo_store: Path, tmp_path: Path) -> None:
    """roles.csv had person_id and no name; JSON Lines had "authors": "[\\"...\\"]"."""
    import csv

    roles = tmp_path / "roles.csv"
    code, out = run("export", "--db", str(demo_store), "--format", "csv", "--table", "official_roles",
                    "--output", str(roles))
    assert code == 0, out
    rows = list(csv.DictReader(roles.open(encoding="utf-8", newline="")))
    yani = next(r for r in rows if r["person"] == "Ahmad Yani")
    assert (yani["position"], yani["org_entity"]) == ("bupati muara enim", "Kabupaten Muara Enim")
    articles = tmp_path / "articles.jsonl"
    code, out = run("export", "--db", str(demo_store), "--table", "articles", "--output", str(articles))
    first = json.loads(articles.read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(first["authors"], list) and isinstance(first["tags"], list)


@pytest.mark.parametrize("name", ["persons", "institutions", "places", "programmes", "officials", "near_duplicates"])
def test_export_accepts_every_name_stats_prints(demo_store: Path, name: str) -> None:
    code, out = run("stats", "--db", str(demo_store))
    assert name in {line.split()[0] for line in out.splitlines() if not line.startswith("run ")}
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_store), "--table", name])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert f"{len(rows)} rows of {name} written" in result.stderr
    if name == "officials":
        assert {"person": "Ahmad Yani", "position": "bupati muara enim"}.items() <= next(
            r for r in rows if r["person"] == "Ahmad Yani").items()
        assert isinstance(rows[0]["evidence"], list)
    if name == "programmes":
        assert rows[0]["name"] == "Gerakan Menuju 100 Smart City" and rows[0]["articles"] >= 5


def test_search_and_export_output_formats_and_columns(demo_store: Path, tmp_path: Path) -> None:
    import csv
    import io

    db = str(demo_store)
    result = CliRunner().invoke(cli, ["search", "smart city", "--db", db, "--csv", "-c", "published", "-c", "title"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0]) == ["published", "title"]
    result = CliRunner().invoke(cli, ["search", "smart city", "--db", db, "--nl", "-c", "article_id", "--limit", "3"])
    assert [list(json.loads(line)) for line in result.stdout.splitlines()] == [["article_id"]] * 3
    result = CliRunner().invoke(cli, ["search", "smart city", "--db", db, "--json", "--limit", "2"])
    assert len(json.loads(result.stdout)) == 2
    result = CliRunner().invoke(cli, ["export", "--db", db, "--csv", "--table", "officials", "-c", "person", "-c", "position"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "person,position"
    target = tmp_path / "x.csv"
    result = CliRunner().invoke(cli, ["export", "--db", db, "--table", "officials", "-c", "nope", "--output", str(target)])
    assert result.exit_code == 1 and "officials has no column 'nope': choose from person_id, person" in result.output
    assert not target.exists()
    result = CliRunner().invoke(cli, ["export", "--db", db, "--output", str(tmp_path / "no" / "x.jsonl")])
    assert result.exit_code == 1 and "the folder" in result.output and "does not exist" in result.output
