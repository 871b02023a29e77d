"""Benchmark warta's fact extractors: dev-set scores and articles per minute.

Scores extraction on ``../shared/eval/dev.jsonl`` with the same metric as the shared scorer,
then times ``Extractor.extract`` over the dev articles repeated for ``--seconds`` (after one
warm-up pass, so loading the region list and dateparser is not counted). Articles/min per core
uses this process's CPU time, so it stays meaningful on a busy machine; wall-clock is printed too.

Usage:
    python benchmarks/extraction.py [--gold ../shared/eval/dev.jsonl] [--seconds 10] [--ner]
    python benchmarks/extraction.py --gold tests/fixtures/realnews/dev.jsonl   # real news, texts from ../shared
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Print the score table and extraction speed."""
    from extractors import Extractor
    from extractors.evaluate import format_table, predict_rows, read_gold, score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--ner", action=argparse.BooleanOptionalAction, default=True,
                    help="run the statistical NER model too (the default, as warta does)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    extractor = Extractor(use_ner=args.ner)
    print(f"pipeline built in {time.perf_counter() - t0:.1f} s: {extractor.nlp.pipe_names}")
    gold = read_gold(args.gold)
    t0 = time.perf_counter()
    preds = list(predict_rows(gold, extractor))
    first = time.perf_counter() - t0
    print(format_table(score(gold, preds)))
    print(f"first pass (cold date cache): {len(gold)} articles in {first:.2f} s = {60 * len(gold) / first:.0f} articles/min")

    n = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < args.seconds:
        for row in gold:
            extractor.extract(row["text"], row.get("published"), row.get("outlet"))
            n += 1
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    chars = sum(len(r["text"]) for r in gold) * n / len(gold)
    print(f"{n} articles ({chars / n:.0f} chars each) in {wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"articles/min per core = {60 * n / cpu:.0f}; wall-clock articles/min = {60 * n / wall:.0f}")


if __name__ == "__main__":
    main()
