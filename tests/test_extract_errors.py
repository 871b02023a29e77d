"""The error study (`warta eval extraction --errors`) and gold records stored by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractors.evaluate import error_record, find_sentence, format_errors, read_gold, score
from extractors.exceptions import BadInputError
from pipeline.cli import cli

TEXT = ("PALEMBANG - Bupati Lahat Sandi Pramudya meninjau banjir di Kecamatan Merapi, Senin (7/3/2022). "
        "Ia didampingi Kepala Dinas Sosial Lahat Rina Marlina.")
GOLD = {"id": "t-1", "published": "2022-03-08", "text": TEXT, "gold": {
    "officials": [{"name": ["Sandi Pramudya"], "role": ["bupati"], "org": "Kabupaten Lahat"},
                  {"name": ["Rina Marlina"], "role": ["kepala dinas sosial", "kepala dinas"], "org": "Dinas Sosial Lahat"}],
    "institutions": [], "places": [{"name": ["Lahat"]}, {"name": ["Palembang"]}],
    "dates": [{"value": "2022-03-07"}], "program_stages": [], "program_participants": []}}


def test_errors_list_misses_false_positives_and_wrong_roles_with_their_sentence() -> None:
    pred = {"id": "t-1", "officials": [{"name": "Sandi Pramudya", "role": "wakil bupati"},
                                       {"name": "Merapi", "role": "camat", "sentence": "a sentence of its own"}],
            "places": [{"name": "Lahat"}], "dates": [{"value": "2022-03-07"}]}
    errors: list[dict] = []
    result = score([GOLD], [pred], errors)
    kinds = sorted((e["type"], e["kind"], json.dumps(e["fact"], ensure_ascii=False)) for e in errors)
    assert kinds == [
        ("officials", "false positive", '{"name": "Merapi", "role": "camat"}'),
        ("officials", "missed", '{"name": ["Rina Marlina"], "role": ["kepala dinas sosial", "kepala dinas"], '
                                '"org": "Dinas Sosial Lahat"}'),
        ("officials", "wrong body", '{"name": "Sandi Pramudya", "role": "wakil bupati"}'),  # gold: Kabupaten Lahat
        ("officials", "wrong role", '{"name": "Sandi Pramudya", "role": "wakil bupati"}'),
        ("places", "missed", '{"name": ["Palembang"]}'),
    ]
    by_kind = {(e["type"], e["kind"]): e for e in errors}
    assert by_kind[("officials", "missed")]["sentence"] == "Ia didampingi Kepala Dinas Sosial Lahat Rina Marlina."
    assert by_kind[("officials", "false positive")]["sentence"] == "a sentence of its own"
    assert by_kind[("officials", "wrong role")]["gold"]["role"] == ["bupati"]
    assert by_kind[("places", "missed")]["sentence"].startswith("PALEMBANG - Bupati Lahat")
    assert result["officials"]["matched"] == 1 and result["official_role_accuracy"] == 0.0
    text = format_errors(errors)
    assert text.splitlines()[0] == "== officials: missed 1, false positive 1, wrong role 1, wrong body 1"
    assert result["official_org_accuracy"] == 0.0
    assert "    | Ia didampingi Kepala Dinas Sosial Lahat Rina Marlina." in text


def test_find_sentence_and_record_without_text() -> None:
    assert find_sentence(TEXT, ["rina marlina"]).startswith("Ia didampingi")
    assert find_sentence(TEXT, ["Jakarta"]) == ""
    assert error_record("x", "dates", "missed", {"value": "2020"})["sentence"] == ""


def test_eval_extraction_errors_from_the_cli(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    record = json.loads(json.dumps(GOLD))
    record["gold"]["places"].append({"name": ["Sumatera Selatan"]})  # not in the text: always missed
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["eval", "extraction", str(gold), "--errors", "--no-ner"])
    assert res.exit_code == 0, res.output
    assert res.output.rstrip().splitlines()[-1].startswith("overall F1 = ")
    assert '[t-1] missed: {"name": ["Sumatera Selatan"]}' in res.output
    assert "== places: missed" in res.output
    res = CliRunner().invoke(cli, ["eval", "extraction", str(gold), "--errors", "--json", "--no-ner"])
    data = json.loads(res.output)
    assert {"id": "t-1", "type": "places", "kind": "missed", "fact": {"name": ["Sumatera Selatan"]},
            "sentence": ""} in data["errors"]
    assert data["officials"]["gold"] == 2


def test_gold_records_stored_by_id_get_their_text_from_the_shared_corpus(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "data" / "news").mkdir(parents=True)
    (shared / "data" / "news" / "articles.jsonl").write_text(
        json.dumps({"id": "news-1", "outlet": "x.id", "url": "https://x.id/1", "published": "2022-03-08",
                    "title": "T", "text": TEXT}) + "\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "news-1", "gold": GOLD["gold"]}) + "\n", encoding="utf-8")
    [row] = read_gold(gold, shared)
    assert row["text"] == TEXT and row["published"] == "2022-03-08" and row["url"] == "https://x.id/1"
    gold.write_text(json.dumps({"id": "news-2", "gold": {}}) + "\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="'news-2' has no text"):
        read_gold(gold, shared)
    with pytest.raises(BadInputError, match="which is absent"):
        read_gold(gold, tmp_path / "nowhere")
    gold.write_text('{"id": "a", "text": "x", "gold": {}}\n{oops\n', encoding="utf-8")
    with pytest.raises(BadInputError, match=r"gold.jsonl:2: not a JSON object"):
        read_gold(gold, shared)
