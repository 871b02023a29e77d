"""Benchmark warta's NER model: test-set scores on every shared NER corpus and CPU speed per core.

Scores the model on the test split of each corpus in ``../shared/data/ner``
(:data:`extractors.ner_eval.CORPORA`: idner-news-2k ``test.txt``, IndoLEM NER UGM
``test.01.tsv``, NERGrit ``test_preprocess.txt``, NERP ``test_preprocess.txt``), each with
its own label map onto PER/ORG/LOC, strict entity-level P/R/F1 as ``warta eval ner``. NERP
has no ORG class: only PER and LOC are scored there (predicted ORG spans are ignored).
The table says which corpora the model was trained on (its ``meta.json``, else the training
recipe ``TRAIN_SOURCES`` in ``extractors/train_ner.py``); the others are out-of-corpus for it
(leave-one-corpus-out: ``python -m extractors.train_ner --without CORPUS``).

Then it measures words/s of ``nlp.pipe`` over the test sentences as raw text (tokeniser +
NER) in one process with BLAS/OpenMP threads limited to 1. Words/s per core is words per
CPU-second of this process, so it stays meaningful on a busy machine; wall-clock words/s is
printed too. ``--seconds 0`` skips it.

Usage:
    python benchmarks/ner.py [--shared ../shared] [--model DIR] [--seconds 10] [--json]
"""

from __future__ import annotations

import os

# Limit numeric libraries to one thread before numpy is imported: speed is per core.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from spacy.language import Language

    from extractors.ner_eval import NerCorpus, NerScores, TypeScore

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def trained_on(corpus: NerCorpus, model: Path | None = None) -> str:
    """The splits of ``corpus`` the model was trained on ("" when none: out-of-corpus).

    Read from the model's ``meta.json`` (``corpora``, written by ``warta train-ner``) when it
    has one, else from the training recipe (``TRAIN_SOURCES``/``DEV_SOURCES``).
    """
    from extractors.train_ner import CORPUS_META, DEV_SOURCES, TRAIN_SOURCES

    train = [s.corpus for s in TRAIN_SOURCES]
    dev = [s.corpus for s in DEV_SOURCES]
    meta_path = Path(model) / "meta.json" if model is not None else None
    if meta_path is not None and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        corpora = meta.get("corpora")
        if isinstance(corpora, dict):
            train, dev = list(corpora.get("train", [])), list(corpora.get("dev", []))
        elif isinstance(meta.get("sources"), list):  # models written before "corpora": train = dev corpora
            named = {source.get("name") for source in meta["sources"] if isinstance(source, dict)}
            train = dev = [folder for folder, info in CORPUS_META.items() if info["name"] in named]
    parts = [corpus.files["train"]] if corpus.name in train else []
    if corpus.name in dev:
        parts.append(corpus.files["dev"])
    return ", ".join(parts)


def _type_json(score: TypeScore) -> dict[str, float | int]:
    return {"precision": round(score.precision, 4), "recall": round(score.recall, 4), "f1": round(score.f1, 4),
            "gold": score.gold, "predicted": score.predicted, "correct": score.true_positives}


def score_corpora(nlp: Language, shared: Path) -> list[tuple[NerCorpus, NerScores | None, float]]:
    """Each corpus's test-split scores (None when its file is absent) and the seconds they took."""
    from extractors.ner import evaluate_sentences
    from extractors.ner_eval import CORPORA

    rows: list[tuple[NerCorpus, NerScores | None, float]] = []
    for corpus in CORPORA:
        if not corpus.path(shared, "test").is_file():
            print(f"warning: {corpus.path(shared, 'test')} not found; {corpus.name} skipped", file=sys.stderr)
            rows.append((corpus, None, 0.0))
            continue
        started = time.perf_counter()
        scores = evaluate_sentences(nlp, corpus.read(shared, "test"), corpus.labels)
        rows.append((corpus, scores, time.perf_counter() - started))
    return rows


def format_table(rows: list[tuple[NerCorpus, NerScores | None, float]], model: Path | None = None) -> str:
    """A Markdown table: per corpus micro P/R/F1 and F1 per type (``-`` where a type is not scored)."""
    lines = [
        "| corpus (test split) | in training? | sentences | entities | P | R | F1 | PER F1 | ORG F1 | LOC F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for corpus, scores, _seconds in rows:
        seen = trained_on(corpus, model) or "no (out-of-corpus)"
        if scores is None:
            lines.append(f"| {corpus.name} {corpus.files['test']} | {seen} | missing | | | | | | | |")
            continue
        per_type = [
            f"{scores.per_type[k].f1:.3f}" if k in corpus.labels and k in scores.per_type else "-"
            for k in ("PER", "ORG", "LOC")
        ]
        m = scores.micro
        lines.append(
            f"| {corpus.name} {corpus.files['test']} | {seen} | {scores.sentences} | {m.gold} | "
            f"{m.precision:.3f} | {m.recall:.3f} | **{m.f1:.3f}** | {' | '.join(per_type)} |"
        )
    notes = [f"- {corpus.name}: {corpus.note}" for corpus, _s, _t in rows if corpus.note]
    return "\n".join([*lines, "", *notes])


def measure_speed(nlp: Language, texts: list[str], seconds: float) -> dict[str, float]:
    """Words per wall-second and per CPU-second of ``nlp.pipe`` over ``texts`` for at least ``seconds``."""
    words = rounds = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while time.perf_counter() - started < seconds:
        for doc in nlp.pipe(texts, batch_size=256):
            words += len(doc)
        rounds += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {"words": words, "passes": rounds, "wall_seconds": elapsed, "cpu_seconds": cpu,
            "words_per_second_wall": words / elapsed, "words_per_cpu_second": words / cpu}


def main() -> None:
    """Print the cross-corpus table (or JSON with --json) and words/s per core."""
    from extractors.ner import MODEL_DIR, load_model

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--model", type=Path, default=MODEL_DIR,
                        help="model folder [default: the shipped one]; 'in training?' comes from its "
                             "meta.json (else the training recipe)")
    parser.add_argument("--seconds", type=float, default=10.0, help="Minimum time of the speed run (0: skip).")
    parser.add_argument("--json", action="store_true", help="One JSON object on stdout instead of the table.")
    args = parser.parse_args()

    nlp = load_model(args.model)
    if nlp is None:
        raise SystemExit(f"no model at {args.model}: run `warta train-ner` first")
    rows = score_corpora(nlp, args.shared)
    speed: dict[str, float] = {}
    if args.seconds > 0:
        texts = [" ".join(s.tokens) for corpus, scores, _t in rows if scores is not None
                 for s in corpus.read(args.shared, "test")]
        speed = measure_speed(nlp, texts, args.seconds)

    if args.json:
        report: dict[str, Any] = {"model": str(args.model), "corpora": [], "speed": speed}
        for corpus, scores, seconds in rows:
            entry: dict[str, Any] = {
                "name": corpus.name, "split": "test", "file": corpus.files["test"],
                "trained_on": trained_on(corpus, args.model),
                "out_of_corpus": not trained_on(corpus, args.model),
                "labels_scored": list(corpus.labels), "note": corpus.note,
            }
            if scores is not None:
                entry.update(sentences=scores.sentences, tokens=scores.tokens, seconds=round(seconds, 2),
                             micro=_type_json(scores.micro),
                             per_type={k: _type_json(v) for k, v in sorted(scores.per_type.items())})
            report["corpora"].append(entry)
        print(json.dumps(report, indent=2))
        return

    print(f"NER test scores of {args.model} (strict entity-level, exact span and type)\n")
    print(format_table(rows, args.model))
    if speed:
        print(f"\n== speed: {speed['words']:.0f} words over {speed['passes']:.0f} passes, 1 thread: "
              f"{speed['wall_seconds']:.1f} s wall, {speed['cpu_seconds']:.1f} s CPU")
        print(f"words/s wall = {speed['words_per_second_wall']:,.0f} (lower when other processes share the core)")
        print(f"words/s per core = {speed['words_per_cpu_second']:,.0f} (words per CPU-second of this process)")


if __name__ == "__main__":
    main()
