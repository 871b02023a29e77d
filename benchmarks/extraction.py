"""Benchmark warta's fact extractors: dev-set scores and articles per minute.

Scores extraction on ``../shared/eval/dev.jsonl`` with the same metric as the shared scorer,
then times ``Extractor.extract`` over the dev articles repeated for ``--seconds`` (after one
warm-up pass, so loading the region list and dateparser is not counted). Articles/min per core
uses this process's CPU time, so it stays meaningful on a busy machine; wall-clock is printed too.

``--model DIR`` extracts with another NER model folder (e.g. a new ``warta train-ner`` model);
``--peer DIR`` also scores and times a second NER model in the same process, the two timed in
alternating passes over the articles, and prints the speed ratio (model / peer): the figure to
compare a candidate against the shipped model on a noisy machine. ``--spans-peer`` times the
pipeline with the officials span model against the same pipeline without it (the rules' officials
alone, as before the model), the same way.

Usage:
    python benchmarks/extraction.py [--gold ../shared/eval/dev.jsonl] [--seconds 10] [--ner]
    python benchmarks/extraction.py --gold tests/fixtures/realnews/dev.jsonl   # real news, texts from ../shared
    python benchmarks/extraction.py --gold tests/fixtures/realnews/dev.jsonl --model NEW --peer extractors/models/id_news_ner
    python benchmarks/extraction.py --gold tests/fixtures/realnews/dev.jsonl --spans-peer   # span model's cost
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractors import Extractor

ROOT = Path(__file__).resolve().parent.parent


def _timed_pass(extractor: Extractor, gold: list[dict[str, Any]]) -> tuple[int, float, float]:
    """Extract every article once: ``(articles, wall seconds, CPU seconds)``."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for row in gold:
        extractor.extract(row["text"], row.get("published"), row.get("outlet"))
    return len(gold), time.perf_counter() - wall0, time.process_time() - cpu0


def main() -> None:
    """Print the score table(s) and extraction speed (and the ratio against --peer)."""
    from extractors import Extractor
    from extractors.evaluate import format_table, predict_rows, read_gold, score

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--ner", action=argparse.BooleanOptionalAction, default=True,
                    help="run the statistical NER model too (the default, as warta does)")
    ap.add_argument("--model", type=Path, default=None, help="NER model folder [default: the shipped one]")
    ap.add_argument("--peer", type=Path, default=None,
                    help="a second NER model folder, scored and timed in the same process for a speed ratio")
    ap.add_argument("--spans-peer", action="store_true",
                    help="time the pipeline without the officials span model as the peer (for its cost)")
    args = ap.parse_args()
    if not args.ner and (args.model or args.peer):
        ap.error("--model/--peer name NER models; they make no sense with --no-ner")
    if args.spans_peer and args.peer:
        ap.error("--spans-peer and --peer each name the peer: give one")

    runs: dict[str, Extractor] = {}
    for label, model in (("model", args.model), ("peer", args.peer or args.model)):
        if label == "peer" and args.peer is None and not args.spans_peer:
            continue
        t0 = time.perf_counter()
        runs[label] = Extractor(use_ner=args.ner, ner_model=model,
                                use_spans=False if label == "peer" and args.spans_peer else None)
        print(f"{label} {model or 'shipped'}: pipeline built in {time.perf_counter() - t0:.1f} s: "
              f"{runs[label].nlp.pipe_names}")
    gold = read_gold(args.gold)
    for label, extractor in runs.items():
        t0 = time.perf_counter()
        preds = list(predict_rows(gold, extractor))
        first = time.perf_counter() - t0
        print(f"\n== {label}\n{format_table(score(gold, preds))}")
        print(f"first pass (cold date cache): {len(gold)} articles in {first:.2f} s = "
              f"{60 * len(gold) / first:.0f} articles/min")

    totals = {label: [0.0, 0.0, 0.0] for label in runs}  # articles, wall seconds, CPU seconds
    wall0 = time.perf_counter()
    while time.perf_counter() - wall0 < args.seconds * len(runs):
        for label, extractor in runs.items():  # alternate, so both see the same machine load
            for i, value in enumerate(_timed_pass(extractor, gold)):
                totals[label][i] += value
    chars = sum(len(r["text"]) for r in gold) / len(gold)
    per_core = {}
    for label, (n, wall, cpu) in totals.items():
        per_core[label] = 60 * n / cpu
        print(f"\n{label}: {n:.0f} articles ({chars:.0f} chars each) in {wall:.1f} s wall, {cpu:.1f} s CPU")
        print(f"articles/min per core = {per_core[label]:.0f}; wall-clock articles/min = {60 * n / wall:.0f}")
    if "peer" in per_core:
        print(f"\nspeed ratio model / peer = {per_core['model'] / per_core['peer']:.3f} (articles per CPU-second)")


if __name__ == "__main__":
    main()
