"""Gold facts of the real-news gold set aligned to their text as NER spans (issue #11, item 3)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokenizer import Tokenizer

from extractors.gold_spans import BLOCK, AlignCounts, align_records, align_text, find_spans, gold_strings
from extractors.ner_eval import MISSING
from extractors.tokenizer import TOKENIZER_CONFIG

GOLD = {
    "officials": [{"name": ["Ardito Wijaya", "Ardito"], "role": ["bupati"], "org": "Pemkab Lampung Tengah"}],
    "institutions": [
        {"name": ["Pemerintah Kabupaten Lampung Tengah", "Pemkab Lampung Tengah"]},
        {"name": ["Ikatan Wartawan Online (IWO)", "Ikatan Wartawan Online", "IWO"]},
        {"name": ["Badan Koordinasi HMI (BADKO HMI) Sumatera Bagian Selatan", "BADKO HMI"]},
    ],
    "places": [{"name": ["Lampung Tengah", "Kabupaten Lampung Tengah"]}, {"name": ["Lampung"]},
               {"name": ["Sumatera Bagian Selatan"]}],
    "dates": [],
}


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return spacy.blank("id", config=TOKENIZER_CONFIG).tokenizer


def _spans(text: str) -> list[tuple[str, str]]:
    strings, _ambiguous = gold_strings(GOLD)
    return [(text[a:b], label) for a, b, label in find_spans(text, strings)]


def test_gold_strings_are_typed_longest_first_and_parentheses_handled() -> None:
    strings, ambiguous = gold_strings(GOLD)
    assert ambiguous == 0
    assert [len(s) for s, _l in strings] == sorted((len(s) for s, _l in strings), reverse=True)
    labels = dict(strings)
    assert labels["Ardito Wijaya"] == "PER" and labels["Pemkab Lampung Tengah"] == "ORG"
    assert labels["Lampung"] == "LOC"
    assert "Ikatan Wartawan Online (IWO)" not in labels  # the name and its acronym are tagged apart
    assert labels["Badan Koordinasi HMI (BADKO HMI) Sumatera Bagian Selatan"] == BLOCK
    clash = {"officials": [{"name": ["Lampung"]}], "places": [{"name": ["Lampung"]}]}
    assert gold_strings(clash) == ([], 1)


def test_longest_match_first_at_word_boundaries_and_never_lower_case() -> None:
    text = ("Bupati Ardito Wijaya membuka acara Pemkab Lampung Tengah di Lampungnya warga. "
            "ardito pulang ke Lampung.")
    assert _spans(text) == [("Ardito Wijaya", "PER"), ("Pemkab Lampung Tengah", "ORG"), ("Lampung", "LOC")]
    # case-blind otherwise; spaces in the text may be any whitespace
    assert _spans("PEMKAB LAMPUNG\nTENGAH") == [("PEMKAB LAMPUNG\nTENGAH", "ORG")]


def test_a_name_with_words_after_its_parenthesis_blocks_the_strings_inside() -> None:
    text = "Badan Koordinasi HMI (BADKO HMI) Sumatera Bagian Selatan hadir. BADKO HMI dan IWO juga."
    assert _spans(text) == [("BADKO HMI", "ORG"), ("IWO", "ORG")]
    assert _spans("Ikatan Wartawan Online (IWO) Lampung") == [
        ("Ikatan Wartawan Online", "ORG"), ("IWO", "ORG"), ("Lampung", "LOC")]


def test_tokens_outside_aligned_spans_are_missing_and_empty_sentences_dropped(tokenizer: Tokenizer) -> None:
    text = "Ardito Wijaya bertemu Sifa di Kabupaten Lampung Tengah.\n\nHujan turun sore itu."
    counts = AlignCounts()
    sentences = align_text(text, gold_strings(GOLD)[0], tokenizer, counts)
    assert len(sentences) == 1 and counts.sentences == 1 and counts.spans == 2
    tokens, tags = sentences[0]
    assert tokens == ["Ardito", "Wijaya", "bertemu", "Sifa", "di", "Kabupaten", "Lampung", "Tengah", "."]
    # Sifa is a person the gold set does not list (no position): missing, never O
    assert tags == ["B-PER", "I-PER", MISSING, MISSING, MISSING, "B-LOC", "I-LOC", "I-LOC", MISSING]


def test_a_match_off_token_boundaries_gives_no_span(tokenizer: Tokenizer) -> None:
    counts = AlignCounts()
    gold = {"places": [{"name": ["Lampung"]}], "institutions": [{"name": ["IWO"]}]}
    records = [{"text": "Warga IWO-Lampung datang.", "gold": gold}]
    sentences = align_records(records, tokenizer, counts)
    assert counts.off_token + counts.spans == 2
    for sentence in sentences:
        assert all(tag == MISSING or tok in ("IWO", "Lampung") for tok, tag in zip(*sentence))
