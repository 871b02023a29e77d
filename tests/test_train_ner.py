"""Safe NER training: folders that are not warta models are never written, untrained models are
never saved, and the shipped model is replaced only on request after a dev-score comparison.

Training runs for a few steps on a handful of sentences written by the tests (a few seconds).
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractors.ner import MODEL_DIR
from extractors.train_ner import (
    DEV_FILES,
    MODEL_NAME,
    REALNEWS_CORPUS,
    REALNEWS_TRAIN,
    TRAIN_FILES,
    TRAIN_SOURCES,
    GoldSpanSource,
    TrainingDataMissing,
    MISSING,
    ReservedDataError,
    ModelFolderError,
    UntrainedModelError,
    check_model_folder,
    check_reserved,
    compare_models,
    install_model,
    is_warta_model,
    new_model_dir,
    train_model,
    without_corpora,
)
from pipeline.cli import cli

SENTENCES = [
    [("Bupati", "O"), ("Muara", "B-LOC"), ("Enim", "I-LOC"), ("Ahmad", "B-PER"), ("Yani", "I-PER"),
     ("meresmikan", "O"), ("jembatan", "O"), ("di", "O"), ("Palembang", "B-LOC"), (".", "O")],
    [("Gubernur", "O"), ("Herman", "B-PER"), ("Deru", "I-PER"), ("bertemu", "O"), ("Kementerian", "B-ORG"),
     ("Kominfo", "I-ORG"), ("di", "O"), ("Jakarta", "B-LOC"), (".", "O")],
    [("Wali", "O"), ("Kota", "O"), ("Harnojoyo", "B-PER"), ("membuka", "O"), ("acara", "O"),
     ("Pemkot", "B-ORG"), ("Palembang", "I-ORG"), (".", "O")],
    [("KPK", "B-ORG"), ("memeriksa", "O"), ("Juarsah", "B-PER"), ("di", "O"), ("Lahat", "B-LOC"), (".", "O")],
]
_UGM_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION"}
_NERGRIT_TYPES = {"PER": "PERSON", "ORG": "ORGANISATION", "LOC": "PLACE"}
_NERP_TYPES = {"PER": "PPL", "ORG": "IND", "LOC": "PLC"}


def _conll(sentences: list[list[tuple[str, str]]]) -> str:
    return "".join("".join(f"{w} X {t}\r\n" for w, t in s) + "\r\n" for s in sentences)


def _tsv(sentences: list[list[tuple[str, str]]], types: dict[str, str] = _UGM_TYPES) -> str:
    def tag(t: str) -> str:
        return t if t == "O" else f"{t[:2]}{types[t[2:]]}"

    return "".join("".join(f"{w}\t{tag(t)}\n" for w, t in s) + "\n" for s in sentences)


def write_news_texts(shared: Path) -> Path:
    """Write ``shared/data/news/articles.jsonl`` with a short text for every record of the real-news
    train split (which keeps only ids): a sentence naming its first official, institution and place."""
    lines = []
    for line in REALNEWS_TRAIN.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold = record["gold"]
        first = {key: (gold.get(key) or [{"name": ["Warga"]}])[0]["name"][0]
                 for key in ("officials", "institutions", "places")}
        text = (f"Menurut {first['officials']}, {first['institutions']} bekerja di {first['places']}.\n\n"
                "Acara itu ramai.")
        lines.append(json.dumps({"id": record["id"], "outlet": "example.id", "url": None,
                                 "published": record.get("published"), "title": "Judul", "text": text}))
    path = shared / "data" / "news" / "articles.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_shared(root: Path) -> Path:
    """A shared data folder holding the training and dev files, each a few sentences, and a
    stand-in news corpus for the real-news train split."""
    write_news_texts(root)
    for relative, fmt, _copies in (*TRAIN_FILES, *DEV_FILES):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        types = _NERGRIT_TYPES if "nergrit" in relative else _NERP_TYPES if "nerp" in relative else _UGM_TYPES
        path.write_text(_conll(SENTENCES * 2) if fmt == "conll" else _tsv(SENTENCES * 2, types), encoding="utf-8")
    return root


QUICK = {"training.max_steps": 3}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(shared folder, a model trained for a few steps on it), made once for the module."""
    root = tmp_path_factory.mktemp("train")
    shared = write_shared(root / "shared")
    steps: list[tuple[int, float, float]] = []
    result = train_model(shared, root / "model", max_minutes=5, overrides=QUICK, shipped=root / "shipped",
                         progress=lambda step, secs, best: steps.append((step, secs, best)))
    # the progress callback hears every step, in order, with the time so far and the best dev F1
    assert [s for s, _, _ in steps] == list(range(steps[0][0], steps[0][0] + len(steps)))
    assert steps[-1][0] == result.steps and all(b >= 0.0 for _, _, b in steps)
    assert all(a[1] <= b[1] for a, b in zip(steps, steps[1:]))
    return shared, result.output


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_quick_training_writes_a_warta_model_to_a_new_folder(trained: tuple[Path, Path]) -> None:
    _shared, model = trained
    assert is_warta_model(model)
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == MODEL_NAME
    assert "ner" in meta["pipeline"]


def test_default_output_is_a_new_timestamped_folder_beside_the_shipped_model(tmp_path: Path) -> None:
    shipped = tmp_path / "models" / MODEL_NAME
    when = datetime.datetime(2026, 11, 30, 23, 5, 9)
    first = new_model_dir(shipped, when)
    assert first == tmp_path / "models" / f"{MODEL_NAME}-20261130-230509"
    first.mkdir(parents=True)
    assert new_model_dir(shipped, when) == tmp_path / "models" / f"{MODEL_NAME}-20261130-230509-2"
    shared = write_shared(tmp_path / "shared")
    result = train_model(shared, None, max_minutes=5, overrides=QUICK, shipped=shipped)
    assert result.output.parent == shipped.parent
    assert result.output.name.startswith(f"{MODEL_NAME}-") and is_warta_model(result.output)
    assert result.best_step >= 1
    assert not shipped.exists(), "training alone never writes the shipped model"


def test_folders_that_are_not_warta_models_are_refused(tmp_path: Path, trained: tuple[Path, Path]) -> None:
    _shared, model = trained
    shipped = tmp_path / "shipped"
    check_model_folder(tmp_path / "new", shipped)  # does not exist yet
    (tmp_path / "empty").mkdir()
    check_model_folder(tmp_path / "empty", shipped)
    check_model_folder(model, shipped)  # an earlier warta model may be overwritten
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(ModelFolderError, match="left alone"):
        check_model_folder(thesis, shipped)
    # A spaCy pipeline of someone else (config.cfg, meta.json with another name) is not ours either.
    other = tmp_path / "other_model"
    shutil.copytree(model, other)
    meta = json.loads((other / "meta.json").read_text(encoding="utf-8"))
    (other / "meta.json").write_text(json.dumps({**meta, "name": "their_model"}), encoding="utf-8")
    with pytest.raises(ModelFolderError, match="no warta model"):
        check_model_folder(other, shipped)
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ModelFolderError, match="is a file"):
        check_model_folder(tmp_path / "notes.txt", shipped)
    with pytest.raises(ModelFolderError, match="--replace"):
        check_model_folder(shipped, shipped)
    with pytest.raises(ModelFolderError, match="is the shipped model"):
        check_model_folder(MODEL_DIR, shipped)  # whatever --model names, the shipped model is no output


def test_training_into_a_foreign_folder_refuses_before_training(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(ModelFolderError):
        train_model(shared, thesis, overrides=QUICK, shipped=tmp_path / "shipped")
    assert (thesis / "chapter1.tex").read_text(encoding="utf-8") == "precious"
    assert [p.name for p in thesis.iterdir()] == ["chapter1.tex"]


def test_a_run_ending_before_any_update_writes_nothing(tmp_path: Path, trained: tuple[Path, Path]) -> None:
    shared, model = trained
    earlier = tmp_path / "earlier"
    shutil.copytree(model, earlier)
    before = _snapshot(earlier)
    with pytest.raises(UntrainedModelError, match="nothing written"):
        train_model(shared, earlier, max_minutes=0, shipped=tmp_path / "shipped")
    assert _snapshot(earlier) == before
    with pytest.raises(UntrainedModelError, match="nothing written"):
        train_model(shared, tmp_path / "fresh", max_minutes=0, shipped=tmp_path / "shipped")
    assert not (tmp_path / "fresh").exists()


def test_empty_training_corpus_is_refused(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    for relative, _fmt, _copies in TRAIN_FILES:
        (shared / relative).write_text("", encoding="utf-8")
    with pytest.raises(UntrainedModelError, match="no sentences"):
        train_model(shared, tmp_path / "out", overrides=QUICK, shipped=tmp_path / "shipped",
                    train_sources=without_corpora(TRAIN_SOURCES, [REALNEWS_CORPUS]))
    assert not (tmp_path / "out").exists()


def test_compare_and_install(tmp_path: Path, trained: tuple[Path, Path]) -> None:
    shared, model = trained
    comparison = compare_models(model, model, shared)
    assert [name for name, _o, _n in comparison.rows] == [
        Path(r).parent.name + "/" + Path(r).name for r, _f, _c in DEV_FILES
    ]
    assert comparison.total_new.micro.f1 == comparison.total_old.micro.f1
    assert not comparison.new_is_worse
    assert "all dev sets" in comparison.format().splitlines()[-1]
    assert comparison.total_old.sentences == 8 * len(DEV_FILES)

    target = tmp_path / "models" / MODEL_NAME
    install_model(model, target)  # a new path
    assert _snapshot(target) == _snapshot(model)
    (target / "stale.txt").write_text("from the old model", encoding="utf-8")
    install_model(model, target)  # replaces an existing warta model whole
    assert _snapshot(target) == _snapshot(model)
    assert sorted(p.name for p in target.parent.iterdir()) == [MODEL_NAME], "no staging folders left behind"

    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(ModelFolderError, match="left alone"):
        install_model(model, thesis)
    assert [p.name for p in thesis.iterdir()] == ["chapter1.tex"]
    with pytest.raises(ModelFolderError, match="no warta model"):
        install_model(thesis, target)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["train-ner", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_cli_refuses_foreign_output_and_stray_force(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("precious", encoding="utf-8")
    code, output = _cli("--shared", str(shared), "--output", str(thesis), "--max-steps", "3")
    assert code == 1 and "Error:" in output and "left alone" in output
    assert (thesis / "chapter1.tex").read_text(encoding="utf-8") == "precious"
    code, output = _cli("--shared", str(shared), "--force")
    assert code == 2 and "--force only makes sense with --replace" in output
    code, output = _cli("--shared", str(shared), "--replace", "--model", str(thesis), "--max-steps", "3",
                        "--output", str(tmp_path / "new"))
    assert code == 1 and "left alone" in output and not (tmp_path / "new").exists()
    code, output = _cli("--shared", str(shared), "--output", str(MODEL_DIR), "--max-steps", "3")
    assert code == 1 and "is the shipped model" in output


def test_cli_replace_swaps_in_a_model_that_scores_as_well(tmp_path: Path, trained: tuple[Path, Path]) -> None:
    shared, model = trained
    target = tmp_path / "current"
    shutil.copytree(model, target)
    (target / "stale.txt").write_text("old", encoding="utf-8")
    new = tmp_path / "new"
    code, output = _cli("--shared", str(shared), "--max-steps", "3", "--output", str(new),
                        "--replace", "--model", str(target))
    assert code == 0, output
    assert "shipped" in output and "all dev sets" in output  # both scores printed
    assert f"replaced {target}" in output
    assert _snapshot(target) == _snapshot(new)


def test_cli_replace_candidate_swaps_in_a_trained_model_without_training(tmp_path: Path,
                                                                      trained: tuple[Path, Path]) -> None:
    """`--replace --candidate DIR` takes a model measured earlier through the same comparison and swap."""
    shared, model = trained
    target = tmp_path / "current"
    shutil.copytree(model, target)
    (target / "stale.txt").write_text("old", encoding="utf-8")
    candidate = tmp_path / "candidate"
    shutil.copytree(model, candidate)
    before = _snapshot(candidate)
    code, output = _cli("--shared", str(shared), "--replace", "--candidate", str(candidate), "--model", str(target))
    assert code == 0, output
    assert "trained on" not in output  # no training run
    assert "all dev sets" in output and f"replaced {target} with {candidate}" in output
    assert _snapshot(target) == before == _snapshot(candidate)


def test_cli_candidate_is_refused_without_replace_or_when_no_model(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("precious", encoding="utf-8")
    code, output = _cli("--shared", str(shared), "--candidate", str(thesis))
    assert code == 2 and "add --replace" in output
    code, output = _cli("--shared", str(shared), "--replace", "--candidate", str(thesis), "--max-steps", "3")
    assert code == 2 and "skips training" in output
    target = tmp_path / "current"
    code, output = _cli("--shared", str(shared), "--replace", "--candidate", str(thesis), "--model", str(target))
    assert code == 1 and "holds no warta NER model" in output
    assert not target.exists() and [p.name for p in thesis.iterdir()] == ["chapter1.tex"]


@pytest.mark.skipif(not (MODEL_DIR / "config.cfg").is_file(), reason=f"no NER model at {MODEL_DIR}")
def test_cli_replace_refuses_a_worse_model_unless_forced(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    target = tmp_path / "current"
    shutil.copytree(MODEL_DIR, target)  # the shipped model (a copy): far better than 3 steps of training
    before = _snapshot(target)
    code, output = _cli("--shared", str(shared), "--max-steps", "3", "--output", str(tmp_path / "new"),
                        "--replace", "--model", str(target))
    assert code == 1, output
    assert "scores lower" in output and "--force" in output
    rows = [line for line in output.splitlines() if line.startswith("all dev sets")]
    old_f1, new_f1 = (float(x) for x in rows[0].split()[-2:])
    assert new_f1 < old_f1
    assert _snapshot(target) == before
    assert is_warta_model(tmp_path / "new"), "the new model is kept for inspection"
    code, output = _cli("--shared", str(shared), "--max-steps", "3", "--output", str(tmp_path / "new"),
                        "--replace", "--force", "--model", str(target))
    assert code == 0, output
    assert _snapshot(target) == _snapshot(tmp_path / "new")


def _write_checker(shared: Path, exit_code: int) -> Path:
    """A stand-in for the shared ``eval/check_reserved.py``: records its arguments, exits ``exit_code``."""
    checker = shared / "eval" / "check_reserved.py"
    checker.parent.mkdir(parents=True, exist_ok=True)
    log = shared / "eval" / "argv.json"
    checker.write_text("import json, sys\n"
                       f"json.dump(sys.argv[1:], open({str(log)!r}, 'w'))\n"
                       "print('flagged: 1 sentence' if " + str(exit_code) + " else 'nothing reserved')\n"
                       f"sys.exit({exit_code})\n", encoding="utf-8")
    return log


def test_every_training_and_dev_file_goes_through_check_reserved(tmp_path: Path) -> None:
    """Issue #12: check_reserved.py runs on everything trained on, the real-news texts as joined."""
    shared = write_shared(tmp_path / "shared")
    log = _write_checker(shared, 0)
    checked = check_reserved(shared, (*TRAIN_SOURCES, *TRAIN_SOURCES), tmp_path)  # a source twice: checked once
    argv = json.loads(log.read_text(encoding="utf-8"))
    assert argv == [str(p) for p in checked]
    for relative, _fmt, _copies in TRAIN_FILES:
        assert str(shared / relative) in argv
    joined = [Path(a) for a in argv if a.endswith(f"{REALNEWS_CORPUS}-texts.jsonl")]
    assert len(joined) == 1 and len(argv) == len(TRAIN_FILES) + 1
    first = json.loads(joined[0].read_text(encoding="utf-8").splitlines()[0])
    assert first["text"].startswith("Menurut Listyo Sigit Prabowo")


def test_training_stops_before_reading_data_the_checker_flags(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    _write_checker(shared, 1)
    with pytest.raises(ReservedDataError, match="flagged: 1 sentence"):
        train_model(shared, tmp_path / "model", max_minutes=5, overrides=QUICK, shipped=tmp_path / "shipped")
    assert not (tmp_path / "model").exists()
    code, output = _cli("--shared", str(shared), "--output", str(tmp_path / "model2"), "--max-steps", "3")
    assert code == 1 and "reserved for blind evaluation" in output and not (tmp_path / "model2").exists()


def test_real_news_train_split_is_aligned_and_its_missing_texts_named(tmp_path: Path) -> None:
    source = GoldSpanSource(REALNEWS_CORPUS, REALNEWS_TRAIN)
    with pytest.raises(TrainingDataMissing, match=f"--without {REALNEWS_CORPUS}"):
        source.read(tmp_path / "no-shared")
    shared = tmp_path / "shared"
    write_news_texts(shared)
    sentences = source.read(shared)
    first = sentences[0]
    # "Menurut Listyo Sigit Prabowo, Polri bekerja di Bandar Lampung." (the first record's gold)
    assert first.tokens[:5] == ["Menurut", "Listyo", "Sigit", "Prabowo", ","]
    assert first.tags[:5] == [MISSING, "B-PER", "I-PER", "I-PER", MISSING]
    assert {t for s in sentences for t in s.tags} <= {MISSING, "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}
    stand_in = [s for s in sentences if s.tokens[0] in ("Menurut", "Acara")]  # (programme pages keep their own text)
    assert all(tag == MISSING for s in stand_in for tok, tag in zip(s.tokens, s.tags) if tok in ("ramai", "."))
    with pytest.raises(TrainingDataMissing, match="not found"):
        GoldSpanSource(REALNEWS_CORPUS, tmp_path / "absent.jsonl").read(shared)


def test_resume_goes_on_training_an_earlier_model_and_refuses_a_foreign_folder(
    tmp_path: Path, trained: tuple[Path, Path]
) -> None:
    import spacy

    shared, _model = trained
    # an earlier model from another seed: a fresh run (seed 0) would start far from its weights
    model = train_model(shared, tmp_path / "earlier", max_minutes=5, overrides={**QUICK, "system.seed": 7},
                        shipped=tmp_path / "shipped").output
    before = _snapshot(model)
    result = train_model(shared, tmp_path / "more", max_minutes=5, overrides=QUICK, shipped=tmp_path / "shipped",
                         resume=model)
    assert is_warta_model(result.output) and result.best_step >= 1
    meta = json.loads((result.output / "meta.json").read_text(encoding="utf-8"))
    assert f"Trained further from {MODEL_NAME} " in meta["description"]
    assert _snapshot(model) == before, "the resumed model's own folder is left as it was"
    def weights(folder: Path) -> list[Any]:
        ner = spacy.load(folder).get_pipe("ner").model
        return [node.get_param(name) for node in ner.walk() for name in node.param_names if node.has_param(name)]

    started, resumed = weights(model), weights(result.output)
    assert [w.shape for w in started] == [w.shape for w in resumed]
    # three small steps from the earlier weights, not a fresh start from another init
    change = sum(float(((a - b) ** 2).sum()) for a, b in zip(started, resumed)) ** 0.5
    assert 0 < change < 0.2 * sum(float((a ** 2).sum()) for a in started) ** 0.5
    notes = tmp_path / "notes"
    notes.mkdir()
    with pytest.raises(ModelFolderError, match="no warta NER model to resume"):
        train_model(shared, tmp_path / "other", overrides=QUICK, shipped=tmp_path / "shipped", resume=notes)
    code, output = _cli("--shared", str(shared), "--resume", str(model), "--vectors", str(notes))
    assert code == 2 and "--resume" in output and "--vectors" in output
