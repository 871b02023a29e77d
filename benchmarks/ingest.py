"""Benchmark ``warta ingest`` end to end on a generated local news site.

Serves a generated site of N articles (feed + sitemap; ``tests/sitegen.py``) from a separate
process on 127.0.0.1, then runs one full ingestion into a fresh store with delay 0 and
reports pages/s (the extraction models are loaded before the clock starts), peak memory (max RSS of this process, which holds the whole pipeline) and
the share of time per stage (discover, fetch, parse, extract, load). Then it runs twice more:
an unchanged site (feed answers 304), and one new article with every stored article revisited
(``revisit_after_hours = 0``: one conditional GET each, answered 304).

Usage:
    python benchmarks/ingest.py [--articles 2000] [--db PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _serve(n: int, conn: Any) -> None:
    """Child process: serve the generated site until told to stop."""
    from sitegen import GeneratedSite

    with GeneratedSite(n) as site:
        conn.send(site.feed_url)
        while conn.recv() == "add":  # one more article: the feed changes, every link is seen again
            site.add_articles(1)
            conn.send("added")
        conn.send({"200": site.count(kind="article", status=200), "304": site.count(kind="article", status=304)})


def _config(path: Path, feed_url: str, n: int, *, revisit: bool) -> Path:
    path.write_text(
        "[fetch]\nallow_private = true\nretries = 0\n\n"
        f"[defaults]\ndelay = 0\nmax_pages = {n + 10}\nrevisit_after_hours = {0 if revisit else 24}\n"
        "revisit_window_days = 30\n\n"
        f'[[source]]\nname = "generated"\noutlet = "127.0.0.1"\nfeeds = ["{feed_url}"]\n',
        encoding="utf-8",
    )
    return path


def _one(config: Path, db: Path, extractor: Any) -> dict[str, Any]:
    from pipeline.config import load_config
    from pipeline.ingest import ingest

    t0 = time.perf_counter()
    summary = ingest(load_config(config), db, extractor=extractor)
    wall = time.perf_counter() - t0
    pages = summary.pages_fetched + summary.not_modified
    stages = dict(summary.stage_seconds)
    staged = sum(stages.values())
    return {
        "wall_s": round(wall, 2),
        "pages": pages,
        "pages_per_s": round(pages / wall, 1),
        "inserted": summary.inserted,
        "not_modified": summary.not_modified,
        "status": summary.status,
        "stage_share": {k: round(v / wall, 3) for k, v in sorted(stages.items())},
        "other_share": round(1 - staged / wall, 3),
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--db", type=Path, default=None, help="Store path (default: a temporary file).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()

    here, there = mp.Pipe()
    server = mp.get_context("spawn").Process(target=_serve, args=(args.articles, there), daemon=True)
    server.start()
    feed_url = here.recv()
    from extractors import Extractor

    t0 = time.perf_counter()
    extractor = Extractor()
    load_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "warta.db"
        full = _one(_config(Path(tmp) / "a.toml", feed_url, args.articles, revisit=False), db, extractor)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        unchanged = _one(_config(Path(tmp) / "a.toml", feed_url, args.articles, revisit=False), db, extractor)
        here.send("add")
        here.recv()
        revisit = _one(_config(Path(tmp) / "b.toml", feed_url, args.articles, revisit=True), db, extractor)
        db_mb = db.stat().st_size / 1e6
    here.send("stop")
    served = here.recv()
    server.join(10)
    result = {
        "articles": args.articles,
        "full_run": full,
        "extractor_load_s": round(load_s, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "store_mb": round(db_mb, 1),
        "unchanged_run": unchanged,
        "revisit_run": revisit,
        "article_responses_served": served,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.articles} generated articles, delay 0, one process (server in another); "
          f"extractor loaded beforehand in {result['extractor_load_s']} s")
    print(f"full run: {full['wall_s']} s, {full['pages']} pages, {full['pages_per_s']} pages/s, "
          f"{full['inserted']} stored, peak RSS {result['peak_rss_mb']} MB, store {result['store_mb']} MB")
    print("  time share: " + ", ".join(f"{k} {v:.0%}" for k, v in full["stage_share"].items())
          + f", other {full['other_share']:.0%}")
    print(f"unchanged site: {unchanged['wall_s']} s ({unchanged['not_modified']} not modified)")
    print(f"one new article, every stored one revisited: {revisit['wall_s']} s, {revisit['pages_per_s']} pages/s "
          f"({revisit['not_modified']} not modified, {revisit['inserted']} new)")


if __name__ == "__main__":
    main()
