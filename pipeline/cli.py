"""warta command line: one click group, each command a few lines calling a public function."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import datetime

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


@cli.command(name="parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", default=None, help="URL the page was saved from (picks the site adapter); default file:// path.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON (Article.to_dict()).")
def parse_command(file: str, url: str | None, as_json: bool) -> None:
    """Parse one saved HTML page (.html or .html.gz) into an article.

    Example:
        warta parse page.html --url https://sumsel.tribunnews.com/2023/11/02/judul --json
    """
    from scrapers.adapters import parse_file
    from scrapers.exceptions import ParseError

    try:
        article = parse_file(file, url)
    except (ParseError, OSError) as exc:
        raise click.ClickException(f"cannot parse {file}: {exc}") from exc
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        return
    when = article.published.isoformat() if article.published else "unknown date"
    click.echo(f"{article.title}\n{article.outlet} | {when} | adapter {article.adapter} | pages {article.pages}")
    click.echo(f"by {', '.join(article.authors) or 'unknown'}" + (f" (editor {article.editor})" if article.editor else ""))
    click.echo(f"{article.canonical_url}\n{len(article.paragraphs)} paragraphs, {len(article.text.split())} words")
    click.echo("\n" + article.paragraphs[0][:300])


# --- extractors: extract, eval extraction ---------------------------------------------


# --- NER: train-ner, eval ner ---------------------------------------------------------


@cli.command(name="train-ner")
@click.option("--shared", "shared", default=str(Path(__file__).resolve().parents[2] / "shared"),
              show_default=True, type=click.Path(file_okay=False),
              help="Shared data folder holding data/ner/idner-news-2k and data/ner/indolem-nerugm.")
@click.option("--output", default=None, type=click.Path(file_okay=False),
              help="Model folder to write [default: the shipped extractors/models/id_news_ner].")
@click.option("--max-minutes", default=25.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Wall-clock cap on training; the best dev checkpoint so far is kept.")
def train_ner_command(shared: str, output: str | None, max_minutes: float) -> None:
    """Train the Indonesian news NER model (PER, ORG, LOC) on CPU from the shared corpora.

    Trains on idner-news-2k train and IndoLEM NER UGM train.01, selects the best
    checkpoint on their dev sets and writes it as a spaCy pipeline.

    Example:
        warta -v train-ner --shared ../shared --max-minutes 20
    """
    from extractors.exceptions import TrainingDataMissing
    from extractors.train_ner import DEFAULT_OUTPUT, train_model

    try:
        result = train_model(Path(shared), Path(output) if output else DEFAULT_OUTPUT, max_minutes)
    except TrainingDataMissing as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"trained on {result.train_sentences} sentences ({result.steps} steps, {result.seconds:.0f} s); "
        f"best dev F1 = {result.best_dev_f1:.3f}; model written to {result.output}"
    )


@eval_group.command(name="ner")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["conll", "tsv"]), default=None,
              help="conll: 'TOKEN POS TAG' (space-separated, tag last); tsv: 'TOKEN<TAB>TAG'. "
                   "Detected when omitted.")
@click.option("--label-map", default=None,
              help="Gold type names to PER/ORG/LOC, e.g. PERSON=PER,ORGANIZATION=ORG "
                   "(those three are mapped by default; other types are dropped).")
@click.option("--model", "model_path", default=None, type=click.Path(file_okay=False),
              help="Model folder [default: the shipped model].")
def eval_ner_command(file: str, fmt: str | None, label_map: str | None, model_path: str | None) -> None:
    """Entity-level precision/recall/F1 of the NER model on a gold file (strict span + type match).

    Example:
        warta eval ner ../shared/data/ner/idner-news-2k/test.txt
    """
    from extractors.exceptions import NerModelMissing
    from extractors.ner import evaluate_file
    from extractors.ner_eval import format_scores, parse_label_map

    try:
        scores = evaluate_file(file, fmt, parse_label_map(label_map),  # type: ignore[arg-type]
                               Path(model_path) if model_path else None)
    except (ValueError, NerModelMissing) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_scores(scores))


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


@cli.command(name="ingest")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False),
              help="Sources file (TOML) [default: the sources.toml shipped with warta].")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Knowledge store to fill (its frontier tables remember what was fetched).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Skip articles published before this day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Skip articles published after this day (YYYY-MM-DD).")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Append JSON-lines logs (one record per page) to this file.")
@click.option("--quiet", is_flag=True, help="Print only errors (no progress, no summary).")
@click.option("--source", "sources", multiple=True, help="Run only this source (repeatable).")
def ingest_command(
    config_path: str | None, db_path: str, since: "datetime.datetime | None", until: "datetime.datetime | None",
    log_file: str | None, quiet: bool, sources: tuple[str, ...],
) -> None:
    """Nightly ingestion of the configured sources: discover, fetch, parse, extract, load.

    Incremental (conditional GETs, only new or changed pages), resumable after a crash,
    retries failed URLs on later runs, and holds a lock so runs never overlap. Exit codes:
    0 ok, 1 some URLs failed, 2 configuration error, 3 store error, 4 locked, 130 interrupted.

    Example:
        warta ingest --config sources.toml --db warta.db --log-file ingest.log --quiet
    """
    from pipeline import ingest as ing

    ing.configure_logging(log_file=log_file, quiet=quiet)
    show = ing.progress_line(sys.stderr) if sys.stderr.isatty() and not quiet else None
    try:
        summary = ing.run_ingest(config_path, db_path, sources=sources, progress=show,
                                 since=since.date() if since else None, until=until.date() if until else None)
    except (ing.ConfigError, ing.StoreError, ing.LockedError) as exc:
        code = ing.exit_code_for(exc)
        click.echo(f"warta ingest: {ing.EXIT_CODES[code].split(':')[0]}: {exc}", err=True)
        sys.exit(code)
    if show is not None:
        click.echo("", err=True)
    if not quiet:
        click.echo("\n".join(summary.lines()))
    sys.exit(summary.exit_code)
