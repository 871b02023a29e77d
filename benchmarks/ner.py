"""Benchmark warta's NER model: test-set F1 and CPU speed per core.

Scores the model on idner-news-2k ``test.txt`` and IndoLEM NER UGM ``test.01.tsv``
(strict entity-level micro F1, as ``warta eval ner``), then measures words/s of
``nlp.pipe`` over the test sentences as raw text (tokeniser + NER) in one process with
BLAS/OpenMP threads limited to 1. Words/s per core is words per CPU-second of this
process, so it stays meaningful on a busy machine; wall-clock words/s is printed too.

Usage:
    python benchmarks/ner.py [--shared ../shared] [--model DIR] [--seconds 10]
"""

from __future__ import annotations

import os

# Limit numeric libraries to one thread before numpy is imported: speed is per core.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Print F1 per test set and words/s per core."""
    from extractors.ner import MODEL_DIR, evaluate_sentences, load_model
    from extractors.ner_eval import format_scores, read_tagged

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--model", type=Path, default=MODEL_DIR)
    parser.add_argument("--seconds", type=float, default=10.0, help="Minimum time of the speed run.")
    args = parser.parse_args()

    nlp = load_model(args.model)
    if nlp is None:
        raise SystemExit(f"no model at {args.model}: run `warta train-ner` first")
    tests = {
        "idner-news-2k test.txt": args.shared / "data/ner/idner-news-2k/test.txt",
        "IndoLEM NER UGM test.01.tsv": args.shared / "data/ner/indolem-nerugm/test.01.tsv",
    }
    texts: list[str] = []
    for name, path in tests.items():
        sentences = read_tagged(path)
        started = time.perf_counter()
        scores = evaluate_sentences(nlp, sentences)
        print(f"== {name} ({time.perf_counter() - started:.1f} s)")
        print(format_scores(scores))
        texts.extend(" ".join(s.tokens) for s in sentences)

    words = 0
    rounds = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while time.perf_counter() - started < args.seconds:
        for doc in nlp.pipe(texts, batch_size=256):
            words += len(doc)
        rounds += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(f"== speed: {words} words over {rounds} passes, 1 thread: {elapsed:.1f} s wall, {cpu:.1f} s CPU")
    print(f"words/s wall = {words / elapsed:,.0f} (lower when other processes share the core)")
    print(f"words/s per core = {words / cpu:,.0f} (words per CPU-second of this process)")


if __name__ == "__main__":
    main()
