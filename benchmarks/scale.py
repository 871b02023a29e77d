"""Benchmark ``warta ingest --jobs N``: how crawling scales with workers under politeness.

Serves H generated news sites (``tests/sitegen.py``), one per loopback address
(127.0.0.11, 127.0.0.12 ...: separate hosts), from a separate process that logs when every
request arrives. Each run ingests all of them into a fresh store with ``delay`` seconds
between requests to one site, with 1, 2 and 4 workers, and reports pages/s, the speed-up
against 1 worker in the same run, the share of the politeness ceiling reached (H / delay pages/s:
every site busy all the time), and the checks: per-host gaps below the delay on the server's
clock (must be 0), duplicate rows (0), URLs left pending or failed (0), articles missing (0).

Extraction models are loaded before the clock starts: in this process for 1 worker (the
sequential run extracts inline) and in a warmed process pool (``--extract pool``, the
default of ``warta ingest --jobs``) or under a lock in this process (``--extract thread``) for
more. NER is off unless ``--ner``.

``--cluster 2,4`` adds rows for ``warta ingest --cluster`` on a Dask ``LocalCluster`` of that many
worker processes (each with a thread per site group it holds, extraction warmed on every worker
before the clock starts): the same sites, checks and speed-up against 1 worker.

Usage:
    python benchmarks/scale.py [--hosts 8] [--pages 15] [--delay 0.25] [--workers 1,2,4] [--cluster 2,4]
                               [--ner] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def _serve(hosts: int, pages: int, latency: float, conn: Any) -> None:
    """Child process: serve the sites; answer ``report`` with their logs, ``stop`` to end."""
    from contextlib import ExitStack

    from sitegen import GeneratedSite

    with ExitStack() as stack:
        sites = [stack.enter_context(GeneratedSite(pages, host=f"127.0.0.{11 + i}", latency=latency))
                 for i in range(hosts)]
        conn.send([s.feed_url for s in sites])
        while (command := conn.recv()) == "report":
            report = []
            for s in sites:
                article_hits = [p for p, _ in s.arrivals if p.startswith("/berita/")]
                report.append({"gaps": s.gaps(), "article_requests": len(article_hits),
                               "distinct_articles": len(set(article_hits))})
                s.reset_counts()
            conn.send(report)
        assert command == "stop"


def _config(path: Path, feeds: list[str], pages: int, delay: float) -> Path:
    lines = ["[fetch]", "allow_private = true", "retries = 0", "",
             "[defaults]", f"delay = {delay}", f"max_pages = {pages + 10}", ""]
    for i, feed in enumerate(feeds):
        host = feed.split("/")[2].split(":")[0]
        lines += ["[[source]]", f'name = "site-{i}"', f'outlet = "{host}"', f'feeds = ["{feed}"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _one(config: Path, db: Path, workers: int, extractor: Any, cluster: str | None = None,
         ner: bool = False) -> dict[str, Any]:
    from pipeline.config import load_config
    from pipeline.ingest import ingest

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    if cluster:
        summary = ingest(load_config(config), db, cluster=cluster, use_ner=ner)
    else:
        summary = ingest(load_config(config), db, extractor=extractor, jobs=workers)
    wall = time.perf_counter() - t0
    with sqlite3.connect(db) as conn:
        rows, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles").fetchone()
        left = conn.execute("SELECT COUNT(*) FROM frontier_urls WHERE status != 'done'").fetchone()[0]
    pages = summary.pages_fetched + summary.not_modified
    return {
        "workers": workers,
        "engine": "cluster" if cluster else "jobs",
        "refetched": summary.refetched,
        "wall_s": round(wall, 2),
        "pages": pages,
        "pages_per_s": round(pages / wall, 2),
        "articles": rows,
        "duplicate_rows": rows - distinct,
        "pending_or_failed": left,
        "status": summary.status,
        "coordinator_cpu_s": round(time.process_time() - cpu0, 1),
        "stage_seconds": {k: round(v, 1) for k, v in sorted(summary.stage_seconds.items())},
    }


def _checked(row: dict[str, Any], here: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Add the server's view of one run: gaps below the delay, articles requested twice, missing."""
    here.send("report")
    report = here.recv()
    row["gaps_below_delay"] = sum(1 for site in report for g in site["gaps"] if g < args.delay)
    row["min_gap_s"] = round(min(g for site in report for g in site["gaps"]), 3)
    row["article_requests"] = sum(site["article_requests"] for site in report)
    row["articles_requested_twice"] = sum(site["article_requests"] - site["distinct_articles"]
                                          for site in report)
    row["missing"] = args.hosts * args.pages - row["articles"]
    return row


def _cluster_row(config: Path, db: Path, workers: int, args: argparse.Namespace) -> dict[str, Any]:
    """One run of ``warta ingest --cluster`` on a fresh LocalCluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    from pipeline.cluster import warm_worker

    threads = -(-args.hosts // workers)  # a thread per site group a worker holds
    with LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True, dashboard_address=None,
                      silence_logs=40) as local, Client(local, set_as_default=False) as client:
        client.run(warm_worker, args.ner)
        row = _one(config, db, workers, None, cluster=local.scheduler_address, ner=args.ner)
        rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    row["peak_rss_mb_per_worker"] = round(max(rss.values()), 1)
    return row


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--pages", type=int, default=15, help="Articles per host.")
    parser.add_argument("--delay", type=float, default=0.25, help="Seconds between requests to one host.")
    parser.add_argument("--latency", type=float, default=0.02, help="Seconds each article answer takes.")
    parser.add_argument("--workers", default="1,2,4", help="Comma-separated worker counts.")
    parser.add_argument("--extract", choices=("pool", "thread"), default="pool",
                        help="Extraction for more than 1 worker: process pool or this process under a lock.")
    parser.add_argument("--cluster", default="", help="Comma-separated Dask LocalCluster worker counts (extra rows).")
    parser.add_argument("--ner", action="store_true", help="Run the statistical NER model too (slower).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]

    here, there = mp.Pipe()
    server = mp.get_context("spawn").Process(
        target=_serve, args=(args.hosts, args.pages, args.latency, there), daemon=True)
    server.start()
    feeds = here.recv()

    from extractors import Extractor
    from pipeline.jobs import PoolExtractor, default_extract_processes

    inline = Extractor(use_ner=args.ner)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp) / "sources.toml", feeds, args.pages, args.delay)
        for workers in counts:
            pool = None
            extractor: Any = inline
            if workers > 1 and args.extract == "pool":
                pool = PoolExtractor(default_extract_processes(workers), use_ner=args.ner)
                pool.warm_up()
                extractor = pool
            try:
                row = _one(config, Path(tmp) / f"w{workers}.db", workers, extractor)
            finally:
                if pool is not None:
                    pool.close()
            rows.append(_checked(row, here, args))
        for workers in [int(w) for w in args.cluster.split(",") if w]:
            rows.append(_checked(_cluster_row(config, Path(tmp) / f"c{workers}.db", workers, args), here, args))
    here.send("stop")
    server.join(10)
    ceiling = args.hosts / args.delay
    base = rows[0]["pages_per_s"] if rows and rows[0]["workers"] == 1 else None
    for row in rows:
        row["speedup"] = round(row["pages_per_s"] / base, 2) if base else None
        row["ceiling_share"] = round(row["pages_per_s"] / ceiling, 3)
    result = {
        "hosts": args.hosts, "pages_per_host": args.pages, "delay_s": args.delay, "latency_s": args.latency,
        "ner": args.ner, "extract": args.extract, "politeness_ceiling_pages_per_s": round(ceiling, 1),
        "peak_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_largest_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "runs": rows,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.hosts} hosts x {args.pages} articles, delay {args.delay} s, latency {args.latency} s, "
          f"NER {'on' if args.ner else 'off'}, extraction {args.extract}; ceiling {ceiling:.1f} pages/s")
    print("| engine | workers | wall s | pages/s | speed-up | ceiling share | gaps < delay | duplicate rows "
          "| pending/failed | missing | articles fetched twice |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['engine']} | {r['workers']} | {r['wall_s']} | {r['pages_per_s']} | {r['speedup']}x | {r['ceiling_share']:.0%} "
              f"| {r['gaps_below_delay']} | {r['duplicate_rows']} | {r['pending_or_failed']} | {r['missing']} "
              f"| {r['articles_requested_twice']} |")


if __name__ == "__main__":
    main()
