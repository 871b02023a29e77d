"""Static vectors from the shared news (issue #12): the text floret trains on and the vectors folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from extractors.exceptions import TrainingDataMissing
from extractors.news_vectors import build_vectors, held_out_ids, write_vector_text

ARTICLES = [
    {"id": "keep-1", "title": "Bupati Lampung Tengah", "text": "Bupati Ardito Wijaya meresmikan jembatan.\n\nWarga senang."},
    {"id": "held-1", "title": "Rahasia", "text": "Teks ini dipakai untuk menguji ekstraksi."},
    {"id": "keep-2", "title": None, "text": "Gubernur Lampung membuka pasar murah di Bandar Lampung."},
]


def _shared(root: Path, copies: int = 1) -> Path:
    path = root / "data" / "news" / "articles.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES * copies), encoding="utf-8")
    return root


def test_vector_text_is_tokenised_lower_cased_and_leaves_out_held_out_articles(tmp_path: Path) -> None:
    out = tmp_path / "news.txt"
    articles, tokens = write_vector_text(_shared(tmp_path / "shared"), out, exclude={"held-1"})
    lines = out.read_text(encoding="utf-8").splitlines()
    assert articles == 2 and tokens == sum(len(line.split()) for line in lines)
    assert lines[:3] == ["bupati lampung tengah", "bupati ardito wijaya meresmikan jembatan .", "warga senang ."]
    assert not any("rahasia" in line or "ekstraksi" in line for line in lines)
    with pytest.raises(TrainingDataMissing, match="--shared"):
        write_vector_text(tmp_path / "absent", out)


def test_real_news_dev_and_test_articles_are_held_out() -> None:
    ids = held_out_ids()
    root = Path(__file__).resolve().parent / "fixtures" / "realnews"
    for split in ("dev", "test"):
        assert {json.loads(line)["id"] for line in (root / f"{split}.jsonl").open(encoding="utf-8")} <= ids
    train = {json.loads(line)["id"] for line in (root / "train.jsonl").open(encoding="utf-8")}
    assert not train & ids  # the train split's articles stay in the vector text


def test_build_vectors_gives_a_floret_table_keyed_on_lower_case(tmp_path: Path) -> None:
    pytest.importorskip("floret", reason="floret is in the dev extra (pip install -e '.[dev]')")
    shared = _shared(tmp_path / "shared", copies=20)
    out = build_vectors(shared, tmp_path / "vectors", dim=8, buckets=200, epochs=2, threads=1)
    nlp = spacy.load(out)
    assert nlp.vocab.vectors.mode == "floret" and nlp.vocab.vectors.shape == (200, 8)
    # unseen words get vectors from their pieces; case does not matter
    upper, lower, unseen = nlp("LAMPUNG lampung Lampungnya")
    assert unseen.has_vector
    assert (upper.vector == lower.vector).all()
