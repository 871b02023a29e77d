"""Body extraction: warta's site adapters vs trafilatura on the real saved Indonesian pages.

For every page in ../shared/data/html/indonesian both extractors run on the same decoded HTML
text, side by side in one process: warta's ``parse_article`` (full parse: metadata and body)
and ``trafilatura.extract`` with its defaults. Reported per outlet family (the adapter that
handles the page): body token-F1 against the expected texts (pages that have one), pages/s of
each, and the warta/trafilatura speed ratio. Prints a markdown table.

Usage::

    .venv/bin/python benchmarks/extraction_vs_trafilatura.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import trafilatura  # noqa: E402
from gold_pages import HTML_DIR, gold_pages, token_f1  # noqa: E402
from timing import best_of  # noqa: E402

from scrapers.adapters import parse_article  # noqa: E402
from scrapers.encoding import decode_html  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page; the best time counts")
    args = parser.parse_args(argv)
    if not HTML_DIR.is_dir():
        print(f"../shared not found ({HTML_DIR}); nothing to measure", file=sys.stderr)
        return 1

    # warm both (imports, dateparser/trafilatura lazy set-up) so one-time costs do not count
    first = gold_pages()[0]
    parse_article(first.html(), first.url)
    trafilatura.extract(decode_html(first.html())[0], url=first.url)

    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for gold in gold_pages():
        text = decode_html(gold.html())[0]
        article, t_warta = best_of(lambda: parse_article(text, gold.url), args.repeat)
        extracted, t_traf = best_of(lambda: trafilatura.extract(text, url=gold.url) or "", args.repeat)
        row = rows[gold.family]
        row["t_warta"].append(t_warta)
        row["t_traf"].append(t_traf)
        expected = gold.expected_text()
        if expected is not None:
            row["f1_warta"].append(token_f1(article.text, expected))  # type: ignore[attr-defined]
            row["f1_traf"].append(token_f1(str(extracted), expected))

    def fmt(values: list[float]) -> str:
        return f"{statistics.mean(values):.3f}" if values else "-"

    print("| outlet family | pages | pages with gold text | F1 warta | F1 trafilatura | warta pages/s "
          "| trafilatura pages/s | speed ratio warta/trafilatura |")
    print("|---|---|---|---|---|---|---|---|")
    totals: dict[str, list[float]] = defaultdict(list)
    for family in sorted(rows, key=lambda f: (f == "generic", f)):
        row = rows[family]
        pps_w = len(row["t_warta"]) / sum(row["t_warta"])
        pps_t = len(row["t_traf"]) / sum(row["t_traf"])
        print(f"| {family} | {len(row['t_warta'])} | {len(row['f1_warta'])} | {fmt(row['f1_warta'])} | "
              f"{fmt(row['f1_traf'])} | {pps_w:.1f} | {pps_t:.1f} | {pps_w / pps_t:.2f} |")
        group = "adapter" if family != "generic" else "generic"
        for key, values in row.items():
            totals[f"{group}:{key}"].extend(values)
    for group in ("adapter", "generic"):
        tw, tt = totals[f"{group}:t_warta"], totals[f"{group}:t_traf"]
        if not tw:
            continue
        pps_w, pps_t = len(tw) / sum(tw), len(tt) / sum(tt)
        label = "all dedicated adapters" if group == "adapter" else "all generic"
        print(f"| **{label}** | {len(tw)} | {len(totals[f'{group}:f1_warta'])} | {fmt(totals[f'{group}:f1_warta'])} | "
              f"{fmt(totals[f'{group}:f1_traf'])} | {pps_w:.1f} | {pps_t:.1f} | {pps_w / pps_t:.2f} |")
    all_w = totals["adapter:f1_warta"] + totals["generic:f1_warta"]
    all_t = totals["adapter:f1_traf"] + totals["generic:f1_traf"]
    print(f"\nmean body token-F1 over all {len(all_w)} pages with gold text: warta {fmt(all_w)}, trafilatura {fmt(all_t)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
