"""The extract and eval extraction commands."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli

TEXT = "Bupati Lahat Sandi Pramudya SH meninjau Vaksinasi Covid-19 tahap II, Minggu (7/3)."


def test_extract_text_from_stdin_in_eval_format() -> None:
    res = CliRunner().invoke(cli, ["extract", "-", "--published", "2021-03-08", "--eval-format"], input=TEXT)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["officials"] == [{"name": "Sandi Pramudya", "role": "bupati lahat", "org": "Kabupaten Lahat"}]
    assert out["dates"] == [{"value": "2021-03-07"}]
    assert out["program_stages"] == [{"program": "Vaksinasi Covid-19", "stage": 2, "year": 2021}]


def test_extract_full_output_has_provenance(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(cli, ["extract", str(f), "--published", "2021-03-08"])
    assert res.exit_code == 0, res.output
    prov = json.loads(res.output)["officials"][0]["prov"]
    assert TEXT[prov["start"] : prov["end"]].startswith("Bupati Lahat")
    assert prov["extractor"] == "warta.officials"


#: TEXT annotated by the shared rules: what `warta eval extraction` scores 1.000 against
GOLD_ROW = {"id": "t-1", "published": "2021-03-08", "text": TEXT,
            "gold": {"officials": [{"name": ["Sandi Pramudya"], "role": ["bupati"], "org": "Kabupaten Lahat"}],
                     "institutions": [], "places": [{"name": ["Kabupaten Lahat", "Lahat"]}],
                     "dates": [{"value": "2021-03-07"}],
                     "program_stages": [{"program": ["Vaksinasi Covid-19"], "stage": 2, "year": 2021}],
                     "program_participants": []}}


def test_extract_jsonl_and_eval_extraction(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD_ROW) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    res = CliRunner().invoke(cli, ["extract", "--input", str(gold), "--output", str(pred)])
    assert res.exit_code == 0, res.output
    assert json.loads(pred.read_text(encoding="utf-8"))["id"] == "t-1"
    res = CliRunner().invoke(cli, ["eval", "extraction", str(gold)])
    assert res.exit_code == 0, res.output
    assert res.output.strip().splitlines()[-1] == "overall F1 = 1.000"


def test_eval_extraction_with_a_named_model_folder(tmp_path: Path) -> None:
    """`--model DIR` scores a candidate NER model inside extraction (issue #12); a folder holding
    no warta model is refused, never silently run without the model."""
    from extractors.ner import MODEL_DIR

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD_ROW) + "\n", encoding="utf-8")
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    res = CliRunner().invoke(cli, ["eval", "extraction", str(gold), "--model", str(empty)])
    assert res.exit_code == 1 and "holds no warta NER model" in res.output
    res = CliRunner().invoke(cli, ["eval", "extraction", str(gold), "--no-ner", "--model", str(MODEL_DIR)])
    assert res.exit_code == 2 and "--no-ner" in res.output
    if (MODEL_DIR / "config.cfg").is_file():
        res = CliRunner().invoke(cli, ["eval", "extraction", str(gold), "--model", str(MODEL_DIR)])
        assert res.exit_code == 0, res.output
        assert res.output.strip().splitlines()[-1] == "overall F1 = 1.000"


def test_bad_published_date_is_a_clean_error() -> None:
    res = CliRunner().invoke(cli, ["extract", "-", "--published", "yesterday-ish"], input=TEXT)
    assert res.exit_code == 1
    assert "not an ISO date" in res.output


def test_missing_output_folder_is_reported_before_any_work(tmp_path: Path) -> None:
    rows = tmp_path / "in.jsonl"
    rows.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "no" / "such" / "dir" / "p.jsonl"
    res = CliRunner().invoke(cli, ["extract", "--input", str(rows), "--output", str(out)])
    assert res.exit_code == 1
    assert res.output == f"Error: cannot write {out}: the folder {out.parent} does not exist (create it first)\n"


def test_bad_input_line_names_the_file_and_line(tmp_path: Path) -> None:
    rows = tmp_path / "in.jsonl"
    rows.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n\nnot json\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["extract", "--input", str(rows)])
    assert res.exit_code == 1
    assert res.output.startswith(f"Error: {rows}:3: not a JSON object (Expecting value at column 1)")
    res = CliRunner().invoke(cli, ["eval", "extraction", str(rows)])
    assert res.exit_code == 1 and f"{rows}:1: record has no 'gold'" in res.output


def test_record_without_text_is_an_error_not_an_empty_prediction(tmp_path: Path) -> None:
    rows = tmp_path / "in.jsonl"
    rows.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n" + json.dumps({"id": "b", "body": TEXT}) + "\n",
                    encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    res = CliRunner().invoke(cli, ["extract", "--input", str(rows), "--output", str(pred)])
    assert res.exit_code == 1
    assert res.output == f"Error: {rows}:2: record has no 'text' (keys found: id, body)\n"
    assert not pred.exists()
