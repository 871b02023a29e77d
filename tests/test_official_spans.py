"""Officials span model (issue #11 item 3): gold alignment, the rules/model vote, safe training.

Sentences are invented. The vote is tested with spans written by hand (what the model would
return), so it does not depend on one trained model's weights; one test runs the shipped model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from extractors import Extractor, institutions, officials, places, text
from extractors.exceptions import ReservedDataError, UntrainedModelError
from extractors.ner_eval import MISSING
from extractors.official_spans import OfficialAlignCounts, align_record
from extractors.spans import MODEL_DIR
from extractors.tokenizer import TOKENIZER_CONFIG
from extractors.train_spans import MODEL_NAME, check_splits, train_spans
from extractors.train_ner import is_warta_model

PUB = "2024-03-05"


@pytest.fixture(scope="module")
def tokenizer() -> spacy.tokenizer.Tokenizer:
    return spacy.blank("id", config=TOKENIZER_CONFIG).tokenizer


def _tagged(sentence: object) -> list[tuple[str, str]]:
    return list(zip(sentence.tokens, sentence.tags))  # type: ignore[attr-defined]


def test_alignment_tags_name_and_nearest_post_with_body(tokenizer: spacy.tokenizer.Tokenizer) -> None:
    record = {
        "text": "Ketua Umum Koperasi Tani Makmur, Sugeng Riyadi, bertemu Bupati Wira Santosa. "
                "Sugeng mengatakan panen naik. Para kepala desa hadir.",
        "gold": {"officials": [
            {"name": ["Sugeng Riyadi", "Sugeng"], "role": ["ketua umum koperasi tani makmur", "ketua umum", "ketua"]},
            {"name": ["Wira Santosa"], "role": ["bupati"]},
        ]},
    }
    counts = OfficialAlignCounts()
    first, negative = align_record(record, tokenizer, counts)
    assert _tagged(first) == [
        ("Ketua", "B-POST"), ("Umum", "I-POST"), ("Koperasi", "I-POST"), ("Tani", "I-POST"), ("Makmur", "I-POST"),
        (",", "O"), ("Sugeng", "B-OFFICIAL"), ("Riyadi", "I-OFFICIAL"), (",", "O"), ("bertemu", "O"),
        ("Bupati", "B-POST"), ("Wira", "B-OFFICIAL"), ("Santosa", "I-OFFICIAL"), (".", "O"),
    ]
    # "Sugeng mengatakan ...": a name without its post in the sentence is neither; not kept alone
    assert all(tag == "O" for tag in negative.tags) and negative.tokens[:3] == ["Para", "kepala", "desa"]
    assert (counts.officials, counts.named, counts.posted, counts.pairs, counts.negatives) == (2, 2, 2, 2, 1)


def test_alignment_leaves_a_name_without_post_missing(tokenizer: spacy.tokenizer.Tokenizer) -> None:
    record = {"text": "Camat Rudi Hartono bersama Sugeng meninjau jalan.",
              "gold": {"officials": [{"name": ["Rudi Hartono"], "role": ["camat"]},
                                     {"name": ["Sugeng"], "role": ["kepala dinas"]}]}}
    (sentence,) = align_record(record, tokenizer)
    assert _tagged(sentence)[:5] == [("Camat", "B-POST"), ("Rudi", "B-OFFICIAL"), ("Hartono", "I-OFFICIAL"),
                                     ("bersama", "O"), ("Sugeng", MISSING)]


def _parts(body: str) -> tuple[list[text.Token], list[places.PlaceMatch], list[institutions.InstitutionMatch]]:
    toks = text.tokens(body)
    found_places = places.find_places(body, toks)
    return toks, found_places, institutions.find_institutions(body, toks, found_places)


def _span(body: str, words: str, label: str) -> tuple[int, int, str]:
    start = body.index(words)
    return start, start + len(words), label


@pytest.mark.parametrize(
    ("body", "post", "name", "role"),
    [
        ("Rapat dibuka Koordinator Relawan Desa Sugeng Riyadi pagi itu.", "Koordinator Relawan Desa",
         "Sugeng Riyadi", "koordinator relawan desa"),
        ("Rapat dibuka Sugeng Riyadi, Koordinator Relawan Desa, pagi itu.", "Koordinator Relawan Desa",
         "Sugeng Riyadi", "koordinator relawan desa"),
        ("Menurut Sugeng Riyadi selaku Koordinator Relawan Desa, panen naik.", "Koordinator Relawan Desa",
         "Sugeng Riyadi", "koordinator relawan desa"),
    ],
)
def test_model_official_beside_its_post_is_added(body: str, post: str, name: str, role: str) -> None:
    toks, found_places, insts = _parts(body)
    spans = sorted([_span(body, post, "POST"), _span(body, name, "OFFICIAL")])
    (o,) = officials.add_model_officials(body, toks, found_places, insts, [], spans)
    assert (o.name, o.role, o.name_start) == (name, role, body.index(name))


def test_model_official_needs_an_adjacent_post() -> None:
    body = "Koordinator Relawan Desa mengatakan Sugeng Riyadi sudah pulang."
    toks, found_places, insts = _parts(body)
    spans = [_span(body, "Koordinator Relawan Desa", "POST"), _span(body, "Sugeng Riyadi", "OFFICIAL")]
    assert officials.add_model_officials(body, toks, found_places, insts, [], spans) == []


def test_model_name_must_pass_the_rules_name_checks() -> None:
    # a place and an office's field words are no person's name, whatever the model says
    body = "Koordinator Relawan Kabupaten Bogor menerima Koordinator Pemberdayaan Masyarakat pagi itu."
    toks, found_places, insts = _parts(body)
    spans = [_span(body, "Koordinator Relawan", "POST"), _span(body, "Kabupaten Bogor", "OFFICIAL"),
             (body.index("Koordinator Pemberdayaan"), body.index("Koordinator Pemberdayaan") + 11, "POST"),
             _span(body, "Pemberdayaan Masyarakat", "OFFICIAL")]
    assert officials.add_model_officials(body, toks, found_places, insts, [], sorted(spans)) == []


def test_rule_officials_are_kept_and_not_added_twice() -> None:
    body = "Bupati Lahat Sandi Pramudya meninjau lokasi bersama Pembina Sanggar Tari Melati Sugeng Riyadi."
    toks, found_places, insts = _parts(body)
    rules = officials.find_officials(body, toks, found_places, insts)
    assert [o.name for o in rules] == ["Sandi Pramudya"]
    spans = sorted([_span(body, "Bupati Lahat", "POST"), _span(body, "Sandi Pramudya", "OFFICIAL"),
                    _span(body, "Pembina Sanggar Tari Melati", "POST"), _span(body, "Sugeng Riyadi", "OFFICIAL")])
    added = officials.add_model_officials(body, toks, found_places, insts, rules, spans)
    assert [(o.name, o.role) for o in added] == [("Sugeng Riyadi", "pembina sanggar tari melati")]
    assert rules[0].org == "Kabupaten Lahat"


def test_model_official_body_comes_from_its_post() -> None:
    body = "Rapat dibuka Sugeng Riyadi, Kepala Dinas Kesehatan Kabupaten Lahat, pagi itu."
    toks, found_places, insts = _parts(body)
    spans = sorted([_span(body, "Kepala Dinas Kesehatan Kabupaten Lahat", "POST"), _span(body, "Sugeng Riyadi", "OFFICIAL")])
    (o,) = officials.add_model_officials(body, toks, found_places, insts, [], spans)
    assert (o.role, o.org) == ("kepala dinas kesehatan kabupaten lahat", "Dinas Kesehatan Kabupaten Lahat")


def test_model_reads_only_around_positions_the_rules_left_unexplained() -> None:
    body = ("Bupati Lahat Sandi Pramudya meninjau lokasi. Para kepala desa hadir. "
            "Kepala Dinas Kesehatan Kab. Lahat, Dr. Rina Marlina, SKM menyampaikan bahwa vaksinasi berjalan lancar.")
    toks, found_places, insts = _parts(body)
    rules = officials.find_officials(body, toks, found_places, insts)
    assert [o.name for o in rules] == ["Sandi Pramudya"]  # the first post is explained
    windows = officials.model_windows(toks, text.sentence_spans(body), rules, found_places, insts)
    # "Para kepala desa hadir.": no word there could be a name
    assert [body[s:e] for s, e in windows] == [body[body.index("Kepala Dinas") :]]
    # with the NER model running, a window needs one of its PER spans
    name = (body.index("Rina"), body.index("Rina") + len("Rina Marlina"))
    sentences = text.sentence_spans(body)
    assert officials.model_windows(toks, sentences, rules, found_places, insts, [name]) == windows
    assert officials.model_windows(toks, sentences, rules, found_places, insts, []) == []


@pytest.mark.skipif(not (MODEL_DIR / "config.cfg").is_file(), reason="no shipped officials span model")
def test_shipped_model_adds_an_official_the_rules_miss() -> None:
    # the rules stop at "Kab. Lahat, Dr."; the model pairs the post (its body read on) with the name
    body = "Kepala Dinas Kesehatan Kab. Lahat, Dr. Rina Marlina, SKM menyampaikan bahwa vaksinasi berjalan lancar."
    assert Extractor(use_spans=False).extract(body, PUB).officials == []
    (o,) = Extractor(use_spans=True).extract(body, PUB).officials
    assert (o.name, o.role, o.titles, o.degrees) == ("Rina Marlina", "kepala dinas kesehatan kab lahat", ["Dr"], ["SKM"])
    assert is_warta_model(MODEL_DIR, MODEL_NAME)


@pytest.mark.parametrize("name", ["test.jsonl", "test2.jsonl", "test3.jsonl"])
def test_training_refuses_the_blind_splits(tmp_path: Path, name: str) -> None:
    blind = tmp_path / name
    blind.write_text("", encoding="utf-8")
    with pytest.raises(ReservedDataError, match="blind test split"):
        check_splits(Path("train.jsonl"), blind)
    with pytest.raises(ReservedDataError, match="blind test split"):
        train_spans(tmp_path, tmp_path / "out", dev_gold=blind, shipped=tmp_path / "shipped")
    with pytest.raises(ReservedDataError, match="blind test split"):
        train_spans(tmp_path, tmp_path / "out", train_gold=[Path("train.jsonl"), blind], shipped=tmp_path / "shipped")
    assert not (tmp_path / "out").exists()


def _shared(root: Path, exit_code: int = 0) -> tuple[Path, Path, Path]:
    """A shared folder with two invented articles, their gold files and a stand-in reserved checker."""
    texts = [("x-1", "Rapat dibuka Koordinator Relawan Desa Sugeng Riyadi pagi itu. Warga hadir."),
             ("x-2", "Hadir pula Ketua Koperasi Tani Makmur, Wira Santosa, di balai desa.")]
    news = root / "data" / "news" / "articles.jsonl"
    news.parent.mkdir(parents=True)
    news.write_text("".join(json.dumps({"id": i, "text": t, "published": PUB}) + "\n" for i, t in texts),
                    encoding="utf-8")
    gold = [{"id": "x-1", "gold": {"officials": [{"name": ["Sugeng Riyadi"], "role": ["koordinator relawan desa"]}]}},
            {"id": "x-2", "gold": {"officials": [{"name": ["Wira Santosa"], "role": ["ketua koperasi tani makmur"]}]}}]
    train, dev = root / "train.jsonl", root / "dev.jsonl"
    for path in (train, dev):
        path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    checker = root / "eval" / "check_reserved.py"
    checker.parent.mkdir()
    checker.write_text(f"import sys\nprint('flagged: 1 article' if {exit_code} else 'ok')\nsys.exit({exit_code})\n",
                       encoding="utf-8")
    return root, train, dev


def test_training_stops_on_data_the_checker_flags(tmp_path: Path) -> None:
    shared, train, dev = _shared(tmp_path / "shared", exit_code=1)
    with pytest.raises(ReservedDataError, match="flagged: 1 article"):
        train_spans(shared, tmp_path / "out", train_gold=train, dev_gold=dev, shipped=tmp_path / "shipped",
                    overrides={"training.max_steps": 3})
    assert not (tmp_path / "out").exists()


def test_training_writes_nothing_before_the_first_update_and_a_model_after(tmp_path: Path) -> None:
    shared, train, dev = _shared(tmp_path / "shared")
    with pytest.raises(UntrainedModelError, match="nothing written"):
        train_spans(shared, tmp_path / "zero", max_minutes=0, train_gold=train, dev_gold=dev,
                    shipped=tmp_path / "shipped")
    assert not (tmp_path / "zero").exists()
    result = train_spans(shared, tmp_path / "out", train_gold=train, dev_gold=dev, shipped=tmp_path / "shipped",
                         overrides={"training.max_steps": 3})
    assert result.steps >= 1 and is_warta_model(result.output, MODEL_NAME)
    meta = json.loads((result.output / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["labels"]["ner"]) == {"OFFICIAL", "POST"}
    # no word of the training texts ships with the model
    assert json.loads((result.output / "vocab" / "strings.json").read_text(encoding="utf-8")) == ["OFFICIAL", "POST"]


def test_a_post_before_a_name_is_not_the_previous_name_s() -> None:
    # "NAME, POST NAME": the post is the second name's, never the first's as well
    body = "Hadir Budi Santoso, Pembina Sanggar Tari Melati Wira Santosa, di balai desa."
    toks, found_places, insts = _parts(body)
    spans = sorted([_span(body, "Budi Santoso", "OFFICIAL"), _span(body, "Pembina Sanggar Tari Melati", "POST"),
                    _span(body, "Wira Santosa", "OFFICIAL")])
    added = officials.add_model_officials(body, toks, found_places, insts, [], spans)
    assert [(o.name, o.role) for o in added] == [("Wira Santosa", "pembina sanggar tari melati")]
