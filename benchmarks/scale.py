"""Benchmark ``warta ingest --jobs N``: how crawling scales with workers under politeness.

Serves H generated news sites (``tests/sitegen.py``), one per loopback address
(127.0.0.11, 127.0.0.12 ...: separate hosts), from a separate process that logs when every
request arrives. Each run ingests all of them into a fresh store with ``delay`` seconds
between requests to one site, with 1, 2 and 4 workers, NER off and on, and reports pages/s, the
speed-up against 1 worker of the same NER setting in the same run, the share of the politeness
ceiling reached (H / delay pages/s: every site busy all the time) and of the ceiling ``workers``
can reach (min(workers, H) / delay: a worker crawls one site at a time), and the checks: per-host
gaps below the delay on the server's clock (must be 0), duplicate rows (0), URLs left pending or
failed (0), articles missing (0). Per run: peak RSS of this process (the coordinator, cumulative)
and of each extraction process, CPU seconds of the coordinator thread, of the site threads (fetch,
discover, parse; this process) and of the extraction processes, and the wall seconds of every
stage summed over the threads that ran it.

Extraction models are loaded before the clock starts: in this process for 1 worker (the
sequential run extracts inline) and in a warmed process pool (``--extract pool``, the
default of ``warta ingest --jobs``) or under a lock in this process (``--extract thread``) for
more.

``--cluster 2,4`` adds rows for ``warta ingest --cluster`` on a Dask ``LocalCluster`` of that many
worker processes (each with a thread per site group it holds, extraction warmed on every worker
before the clock starts): the same sites, checks and speed-up against 1 worker.

The defaults are the full benchmark of issue 14 (20 hosts x 250 articles = 5,000 pages, delay
0.5 s: ceiling 40 pages/s; workers 1, 2, 4; NER off and on); 1 worker alone waits at least
250 x 0.5 s per host, about 42 minutes per NER setting. ``--pages 50`` is a quick run.

Usage:
    python benchmarks/scale.py [--hosts 20] [--pages 250] [--delay 0.5] [--workers 1,2,4]
                               [--ner off,on] [--cluster 2,4] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
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


_TICKS = os.sysconf("SC_CLK_TCK")


def _children() -> list[int]:
    """Pids of this process's live children (Linux ``/proc``)."""
    me = str(os.getpid())
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if stat[stat.rindex(")") + 2:].split()[1] == me:
                pids.append(int(entry.name))
    return pids


def _process_use(pid: int) -> tuple[float, float]:
    """(peak RSS in MiB, CPU seconds) of a live process."""
    peak = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return peak, (int(fields[11]) + int(fields[12])) / _TICKS


def _pool_use(pids: set[int]) -> tuple[list[float], float]:
    """Peak RSS of each of ``pids`` (the extraction processes) and their CPU seconds in all."""
    peaks, cpu = [], 0.0
    for pid in sorted(pids):
        try:
            peak, seconds = _process_use(pid)
        except (OSError, ValueError, IndexError):
            continue
        peaks.append(round(peak, 1))
        cpu += seconds
    return peaks, cpu


def _config(path: Path, feeds: list[str], pages: int, delay: float) -> Path:
    lines = ["[fetch]", "allow_private = true", "retries = 0", "",
             "[defaults]", f"delay = {delay}", f"max_pages = {pages + 10}", ""]
    for i, feed in enumerate(feeds):
        host = feed.split("/")[2].split(":")[0]
        lines += ["[[source]]", f'name = "site-{i}"', f'outlet = "{host}"', f'feeds = ["{feed}"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _one(config: Path, db: Path, workers: int, extractor: Any, cluster: str | None = None,
         ner: bool = False, pool_pids: set[int] | None = None) -> dict[str, Any]:
    from pipeline.config import load_config
    from pipeline.ingest import ingest

    _, pool_cpu0 = _pool_use(pool_pids or set())
    cpu0, thread0 = time.process_time(), time.thread_time()
    t0 = time.perf_counter()
    if cluster:
        summary = ingest(load_config(config), db, cluster=cluster, use_ner=ner)
    else:
        summary = ingest(load_config(config), db, extractor=extractor, jobs=workers)
    wall = time.perf_counter() - t0
    coordinator_cpu, process_cpu = time.thread_time() - thread0, time.process_time() - cpu0
    pool_peaks, pool_cpu = _pool_use(pool_pids or set())
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
        "ner": ner,
        "peak_rss_mb": {"coordinator_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                        "extraction_processes": pool_peaks},
        # the coordinator thread also runs everything of a 1-worker run (fetch, parse, extract inline)
        "cpu_s": {"coordinator_thread": round(coordinator_cpu, 1),
                  "site_threads": round(process_cpu - coordinator_cpu, 1),
                  "extraction_processes": round(pool_cpu - pool_cpu0, 1)},
        "stage_wall_s": {k: round(v, 1) for k, v in sorted(summary.stage_seconds.items())},
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


def _cluster_row(config: Path, db: Path, workers: int, args: argparse.Namespace, ner: bool) -> dict[str, Any]:
    """One run of ``warta ingest --cluster`` on a fresh LocalCluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    from pipeline.cluster import warm_worker

    threads = -(-args.hosts // workers)  # a thread per site group a worker holds
    with LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True, dashboard_address=None,
                      silence_logs=40) as local, Client(local, set_as_default=False) as client:
        client.run(warm_worker, ner)
        row = _one(config, db, workers, None, cluster=local.scheduler_address, ner=ner)
        rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    row["peak_rss_mb_per_worker"] = round(max(rss.values()), 1)
    return row


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages", type=int, default=250, help="Articles per host.")
    parser.add_argument("--delay", type=float, default=0.5, help="Seconds between requests to one host.")
    parser.add_argument("--latency", type=float, default=0.02, help="Seconds each article answer takes.")
    parser.add_argument("--workers", default="1,2,4", help="Comma-separated worker counts.")
    parser.add_argument("--extract", choices=("pool", "thread"), default="pool",
                        help="Extraction for more than 1 worker: process pool or this process under a lock.")
    parser.add_argument("--cluster", default="", help="Comma-separated Dask LocalCluster worker counts (extra rows).")
    parser.add_argument("--ner", default="off,on",
                        help="Statistical NER model: off, on, or off,on (every worker count with each).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    ner_legs = [{"off": False, "on": True}[v.strip()] for v in args.ner.split(",")]

    here, there = mp.Pipe()
    server = mp.get_context("spawn").Process(
        target=_serve, args=(args.hosts, args.pages, args.latency, there), daemon=True)
    server.start()
    feeds = here.recv()
    server_pid = server.pid

    import db.frontier  # noqa: F401  (imported before the clock starts, as the models are loaded)
    import db.store  # noqa: F401
    import scrapers.crawl  # noqa: F401
    import scrapers.fetch  # noqa: F401
    from extractors import Extractor
    from pipeline.jobs import PoolExtractor, default_extract_processes

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp) / "sources.toml", feeds, args.pages, args.delay)
        for ner in ner_legs:
            inline = Extractor(use_ner=ner)
            for workers in counts:
                pool = None
                pool_pids: set[int] = set()
                extractor: Any = inline
                if workers > 1 and args.extract == "pool":
                    before = set(_children())
                    pool = PoolExtractor(default_extract_processes(workers), use_ner=ner)
                    pool.warm_up()
                    pool_pids = set(_children()) - before - {server_pid or -1}
                    extractor = pool
                try:
                    row = _one(config, Path(tmp) / f"w{workers}-{ner}.db", workers, extractor, ner=ner,
                               pool_pids=pool_pids)
                finally:
                    if pool is not None:
                        pool.close()
                rows.append(_checked(row, here, args))
                print(f"# done: NER {'on' if ner else 'off'}, {workers} workers, {row['pages_per_s']} pages/s",
                      file=sys.stderr, flush=True)
            for workers in [int(w) for w in args.cluster.split(",") if w]:
                rows.append(_checked(_cluster_row(config, Path(tmp) / f"c{workers}-{ner}.db", workers, args, ner),
                                     here, args))
    here.send("stop")
    server.join(10)
    ceiling = args.hosts / args.delay
    for row in rows:
        base = next((r["pages_per_s"] for r in rows if r["workers"] == 1 and r["engine"] == "jobs"
                     and r["ner"] == row["ner"]), None)
        reachable = min(row["workers"], args.hosts) / args.delay
        row["speedup"] = round(row["pages_per_s"] / base, 2) if base else None
        row["ceiling_share"] = round(row["pages_per_s"] / ceiling, 3)
        row["reachable_ceiling_pages_per_s"] = round(reachable, 1)
        row["reachable_ceiling_share"] = round(row["pages_per_s"] / reachable, 3)
    result = {
        "hosts": args.hosts, "pages_per_host": args.pages, "delay_s": args.delay, "latency_s": args.latency,
        "extract": args.extract, "politeness_ceiling_pages_per_s": round(ceiling, 1),
        "cpu_count": os.cpu_count(), "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "runs": rows,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.hosts} hosts x {args.pages} articles, delay {args.delay} s, latency {args.latency} s, "
          f"extraction {args.extract}; ceiling {ceiling:.1f} pages/s")
    print("| NER | engine | workers | wall s | pages/s | speed-up | ceiling share | of reachable | gaps < delay "
          "| duplicate rows | pending/failed | missing | fetched twice | peak RSS MiB coord. / extract. "
          "| CPU s coord. / sites / extract. |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        rss, cpu = r["peak_rss_mb"], r["cpu_s"]
        extract_rss = max(rss.get("extraction_processes") or [0]) or "-"
        print(f"| {'on' if r['ner'] else 'off'} | {r['engine']} | {r['workers']} | {r['wall_s']} | {r['pages_per_s']} "
              f"| {r['speedup']}x | {r['ceiling_share']:.0%} | {r['reachable_ceiling_share']:.0%} "
              f"| {r['gaps_below_delay']} | {r['duplicate_rows']} | {r['pending_or_failed']} | {r['missing']} "
              f"| {r['articles_requested_twice']} | {rss['coordinator_process']} / {extract_rss} "
              f"| {cpu['coordinator_thread']} / {cpu['site_threads']} / {cpu['extraction_processes']} |")


if __name__ == "__main__":
    main()
