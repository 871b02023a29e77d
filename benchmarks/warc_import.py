"""WARC import speed: ``warta import-warc`` against trafilatura on the same archived pages, one process.

The archive is written here (warcio, one gzip member per record, a request record before each
response, as Common Crawl writes them) from generated articles (``tests/sitegen.py``) and the
demo site's pages; with ``../shared`` present, a second archive holds the real saved pages of
``../shared/data/html/indonesian`` (read, never copied). For each archive, in this process:

* ``read + trafilatura``: every record read (``scrapers/warc.py``), ``trafilatura.extract`` on each
  HTML page: the peer every other row is compared with;
* ``read + parse``: the same records through warta's adapters (``parse_article``);
* ``import-warc --no-ner`` and ``import-warc`` (NER on): the whole import, ``--jobs 1`` (read,
  parse, extract, load into a new store), models loaded before the clock starts;
* ``import-warc --jobs 2 --no-ner``: the archive split in two, two worker processes, their start-up
  (spawn, imports, models) included.

Usage::

    nice -n 10 .venv/bin/python benchmarks/warc_import.py [--pages 400] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from gold_pages import HTML_DIR, gold_pages  # noqa: E402
from warcgen import DEMO_PAGES, WarcBuilder, demo_page, generated  # noqa: E402

from extractors import Extractor  # noqa: E402
from pipeline.warc_import import import_warc  # noqa: E402
from scrapers.adapters import parse_article  # noqa: E402
from scrapers.encoding import decode_html  # noqa: E402
from scrapers.warc import ArchivedRecord, read_archive  # noqa: E402


def write(folder: Path, name: str, pages: list[tuple[str, bytes]], parts: int = 1) -> list[Path]:
    """``pages`` as ``parts`` archives (request + response records)."""
    paths = []
    for p in range(parts):
        w = WarcBuilder()
        for url, page in pages[p::parts]:
            w.request(url)
            w.response(url, page)
        paths.append(w.save(folder / f"{name}-{p}.warc.gz"))
    return paths


def html_pages(paths: list[Path]) -> int:
    return sum(1 for path in paths for r in read_archive(path) if isinstance(r, ArchivedRecord) and r.is_html_page)


def per_page(paths: list[Path], work: Callable[[ArchivedRecord], object]) -> float:
    """Seconds to read ``paths`` and run ``work`` on each HTML page."""
    t0 = time.perf_counter()
    for path in paths:
        for record in read_archive(path):
            if isinstance(record, ArchivedRecord) and record.is_html_page:
                work(record)
    return time.perf_counter() - t0


def parse(record: ArchivedRecord) -> object:
    try:
        return parse_article(record.body, record.url, record.content_type)
    except ValueError:  # not an article: counted as a page handled, as trafilatura's None is
        return None


def traf(record: ArchivedRecord) -> object:
    return trafilatura.extract(decode_html(record.body, record.content_type)[0], url=record.url)


def measure(name: str, pages: list[tuple[str, bytes]], folder: Path, extractors: dict[str, Extractor]) -> dict[str, object]:
    folder = folder / f"archive{len(list(folder.iterdir()))}"
    folder.mkdir()
    one = write(folder, "one", pages)
    two = write(folder, "split", pages, parts=2)
    n = html_pages(one)
    per_page(one[:1], parse)  # warm-up: imports, lazy set-up of dateparser and trafilatura
    per_page(one[:1], traf)
    seconds: dict[str, float] = {
        "read + trafilatura": per_page(one, traf),
        "read + parse": per_page(one, parse),
    }
    for label, key in (("import-warc --no-ner", "no-ner"), ("import-warc (NER)", "ner")):
        t0 = time.perf_counter()
        report = import_warc(one, folder / f"{key}.db", extractor=extractors[key])
        seconds[label] = time.perf_counter() - t0
        assert report.stats.failed == report.stats.gave_up == 0, report.stats.failures
    t0 = time.perf_counter()
    import_warc(two, folder / "jobs2.db", jobs=2, use_ner=False)
    seconds["import-warc --jobs 2 --no-ner (with start-up)"] = time.perf_counter() - t0
    peer = n / seconds["read + trafilatura"]
    return {
        "archive": name, "pages": n, "articles": report.stats.parsed,
        "rows": [{"run": label, "seconds": round(s, 2), "pages_per_s": round(n / s, 1),
                  "ratio_vs_trafilatura": round(n / s / peer, 2)} for label, s in seconds.items()],
    }


def main(argv: list[str] | None = None) -> int:
    """Write the archives, time every run, print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400, help="generated articles in the archive")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    extractors = {"no-ner": Extractor(use_ner=False), "ner": Extractor()}
    extractors["ner"].extract("Bupati Lahat meninjau lokasi.")  # the NER model loads on first use
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ours = generated(args.pages) + [(url, demo_page(name)) for name, url in DEMO_PAGES.items()]
        results.append(measure("generated+demo", ours, folder, extractors))
        if HTML_DIR.is_dir():
            real = [(g.url, g.html()) for g in gold_pages()]
            results.append(measure("real saved pages (../shared)", real, folder, extractors))
        else:
            print(f"{HTML_DIR} not found: the real-page archive is left out", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print("| archive | pages | run | pages/s | ratio vs trafilatura |")
    print("|---|---|---|---|---|")
    for result in results:
        for row in result["rows"]:  # type: ignore[attr-defined]
            print(f"| {result['archive']} | {result['pages']} | {row['run']} | {row['pages_per_s']} | "
                  f"{row['ratio_vs_trafilatura']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
