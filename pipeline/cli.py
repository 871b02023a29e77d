"""warta command line: one click group, each command a few lines calling a public function."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pipeline.run import RunStats

DEFAULT_DB = "warta.db"


@click.group()
@click.version_option(package_name="warta")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """warta: Indonesian regional news into a searchable knowledge store."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@cli.group(name="eval")
def eval_group() -> None:
    """Score warta against gold data (extraction facts, NER).

    Example:
        warta eval extraction ../shared/eval/dev.jsonl
    """


# --- scrapers: parse ------------------------------------------------------------------


# --- extractors: extract, eval extraction ---------------------------------------------


# --- NER: train-ner, eval ner ---------------------------------------------------------


# --- store: search, stats, entity, programme, export, serve, reextract ----------------


# --- pipeline: demo, crawl, ingest ----------------------------------------------------


def _print_run(stats: "RunStats") -> None:
    click.echo(
        f"articles: {stats.articles} (new {stats.inserted}, updated {stats.updated}, "
        f"unchanged {stats.unchanged}), failed URLs: {stats.failed}, {stats.duration_s:.1f} s"
    )
    if stats.facts:
        click.echo("facts: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.facts.items())))
    for failure in stats.failures[:10]:
        click.echo(f"  failed {failure['url']}: {failure['kind']}: {failure['error']}", err=True)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Knowledge store to fill.")
def demo(db_path: str) -> None:
    """Crawl the bundled demo news site into the store, then show a summary and a search.

    The demo site (Tribunnews-, Antara- and Detik-style pages written for warta) is served
    on a free loopback port for the length of the command. Running it again adds no
    duplicates.

    Example:
        warta demo --db warta.db
    """
    from pipeline.run import demo as run_demo

    report = run_demo(db_path)
    click.echo(f"Demo site served at {report.base_url}, crawled into {report.db_path}")
    _print_run(report.stats)
    t = report.totals
    click.echo(
        "Store now holds: "
        f"{t.get('articles', 0)} articles, {t.get('officials', 0)} officials, "
        f"{t.get('institutions', 0)} institutions, {t.get('places', 0)} places, "
        f"{t.get('programme_stages', 0)} programme stages"
    )
    click.echo(f'Example search: warta search "{report.query}" --db {report.db_path}')
    if not report.hits:
        raise click.ClickException("the example search found nothing; the demo crawl did not store articles")
    for hit in report.hits:
        click.echo(f"  {hit.published or ''}  {hit.title}\n    {hit.snippet}\n    {hit.canonical_url}")


@cli.command(name="crawl")
@click.argument("urls", nargs=-1, required=True)
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Knowledge store to fill.")
@click.option("--max-pages", default=200, show_default=True, type=click.IntRange(min=1),
              help="Upper bound on pages fetched.")
@click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="Minimum seconds between requests to one host.")
@click.option("--allow-host", "allowed_hosts", multiple=True, help="Another host whose links may be followed.")
@click.option("--allow-private", is_flag=True, help="Allow loopback/private addresses (local test sites).")
def crawl_command(
    urls: tuple[str, ...], db_path: str, max_pages: int, delay: float,
    allowed_hosts: tuple[str, ...], allow_private: bool,
) -> None:
    """Crawl feeds, sitemaps, listing pages or articles into the store.

    Each URL may be an RSS/Atom feed, a sitemap, a listing page or an article; warta
    finds the articles, parses them, extracts their facts and stores both.

    Example:
        warta crawl https://sumsel.tribunnews.com/rss --max-pages 50 --db warta.db
    """
    from pipeline.run import crawl

    try:
        stats = crawl(
            urls, db_path, max_pages=max_pages, allowed_hosts=allowed_hosts,
            fetch_settings={"delay": delay, "allow_private": allow_private},
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_run(stats)
    if stats.articles == 0 and stats.failed:
        sys.exit(1)
