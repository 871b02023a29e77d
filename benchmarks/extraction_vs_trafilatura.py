"""Body extraction: warta's site adapters vs trafilatura, on real saved pages.

Two sets of pages, each extractor running on the same decoded HTML text, side by side in one
process: warta's ``parse_article`` (full parse: metadata and body) and ``trafilatura.extract``
with its defaults.

- ``../shared/data/html/indonesian``: reported per outlet family (the adapter that handles the
  page); skipped with a note when ../shared is absent.
- the generic set in the repository (``tests/fixtures/generic``: pages of outlets without a warta
  adapter, hand-written expected bodies): reported for its dev half (rules were tuned on it), its
  test half (never tuned on) and both, with the pages warta refused as not an article and the
  pages whose body kept an Indonesian boilerplate phrase.

Each row gives body token-F1 against the expected texts (pages that have one), pages/s of each
and the warta/trafilatura speed ratio. Times are the best of ``--repeat`` runs per page, wall
clock or, with ``--clock cpu``, the process's CPU time (steadier on a shared machine). Prints
markdown tables.

Usage::

    .venv/bin/python benchmarks/extraction_vs_trafilatura.py [--repeat 5] [--clock cpu]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import trafilatura  # noqa: E402
from gold_pages import HTML_DIR, generic_pages, gold_pages, token_f1  # noqa: E402

from scrapers.adapters import contains_boilerplate, parse_article  # noqa: E402
from scrapers.encoding import decode_html  # noqa: E402
from scrapers.exceptions import NotAnArticle  # noqa: E402

HEADER = ("| {label} | pages | pages with gold text | F1 warta | F1 trafilatura | warta pages/s "
          "| trafilatura pages/s | speed ratio warta/trafilatura |\n|---|---|---|---|---|---|---|---|")


def best_time(fn: Callable[[], Any], repeat: int, clock: Callable[[], float]) -> tuple[Any, float]:
    """Result of ``fn()`` and its best time over ``repeat`` runs on ``clock``."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = clock()
        result = fn()
        best = min(best, clock() - start)
    return result, best


def fmt(values: list[float]) -> str:
    """Mean to three places, '-' for none."""
    return f"{statistics.mean(values):.3f}" if values else "-"


def row(label: str, data: dict[str, list[float]]) -> str:
    """One markdown table row from the collected times and scores."""
    tw, tt = data["t_warta"], data["t_traf"]
    pps_w, pps_t = len(tw) / sum(tw), len(tt) / sum(tt)
    return (f"| {label} | {len(tw)} | {len(data['f1_warta'])} | {fmt(data['f1_warta'])} | {fmt(data['f1_traf'])} "
            f"| {pps_w:.1f} | {pps_t:.1f} | {pps_w / pps_t:.2f} |")


def measure(text: str, url: str, expected: str | None, data: dict[str, list[float]], repeat: int,
            clock: Callable[[], float]) -> tuple[bool, list[str]]:
    """Time and score both extractors on one page into ``data``; (refused, boilerplate phrases kept)."""
    def warta() -> str | None:
        try:
            return parse_article(text, url).text
        except NotAnArticle:
            return None

    body, t_warta = best_time(warta, repeat, clock)
    extracted, t_traf = best_time(lambda: trafilatura.extract(text, url=url) or "", repeat, clock)
    data["t_warta"].append(t_warta)
    data["t_traf"].append(t_traf)
    if expected is not None:
        data["f1_warta"].append(token_f1(body or "", expected))
        data["f1_traf"].append(token_f1(str(extracted), expected))
    return body is None, contains_boilerplate(body or "")


def indonesian_table(repeat: int, clock: Callable[[], float]) -> list[str]:
    """Rows per outlet family on ../shared's saved Indonesian pages."""
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for gold in gold_pages():
        text = decode_html(gold.html())[0]
        measure(text, gold.url, gold.expected_text(), rows[gold.family], repeat, clock)
    out = [HEADER.format(label="outlet family")]
    totals: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for family in sorted(rows, key=lambda f: (f == "generic", f)):
        out.append(row(family, rows[family]))
        group = "all dedicated adapters" if family != "generic" else "all generic"
        for key, values in rows[family].items():
            totals[group][key].extend(values)
    for group in ("all dedicated adapters", "all generic"):
        if totals[group]["t_warta"]:
            out.append(row(f"**{group}**", totals[group]))
    return out


def generic_set_table(repeat: int, clock: Callable[[], float]) -> list[str]:
    """Rows for the generic set's dev and test halves and both, with refusals and boilerplate kept."""
    halves: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    refused: dict[str, list[str]] = defaultdict(list)
    kept: dict[str, list[str]] = defaultdict(list)
    for page in generic_pages():
        text = decode_html(page.html())[0]
        was_refused, phrases = measure(text, page.url, page.expected_text(), halves[page.split], repeat, clock)
        if was_refused:
            refused[page.split].append(page.file)
        if phrases:
            kept[page.split].append(f"{page.file}: {', '.join(phrases)}")
    both: dict[str, list[float]] = defaultdict(list)
    out = [HEADER.format(label="generic set")]
    for half in ("dev", "test"):
        out.append(row(f"generic set, {half} half", halves[half]))
        for key, values in halves[half].items():
            both[key].extend(values)
    out.append(row("**generic set, all**", both))
    for half in ("dev", "test"):
        out.append(f"\n{half}: refused as not an article: {', '.join(refused[half]) or 'none'}; "
                   f"boilerplate phrase kept: {'; '.join(kept[half]) or 'none'}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the comparisons and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page; the best time counts")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall-clock time or the process's CPU time")
    args = parser.parse_args(argv)
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    # warm both (imports, dateparser/trafilatura lazy set-up) so one-time costs do not count
    first = generic_pages()[0]
    parse_article(first.html(), first.url)
    trafilatura.extract(decode_html(first.html())[0], url=first.url)

    if HTML_DIR.is_dir():
        print("\n".join(indonesian_table(args.repeat, clock)) + "\n")
    else:
        print(f"../shared not found ({HTML_DIR}): the Indonesian pages are not measured\n", file=sys.stderr)
    print("\n".join(generic_set_table(args.repeat, clock)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
