"""warta command line: one click group, each command a few lines calling a public function."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

if TYPE_CHECKING:
    import datetime

    from pipeline.run import RunStats

DEFAULT_DB = "warta.db"


@click.group()
@click.version_option(package_name="warta", prog_name="warta")
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


@cli.command(name="extract")
@click.argument("file", default="-", type=click.File("r", encoding="utf-8"))
@click.option("--published", default=None, help="Publication time (ISO), anchors 'Rabu (15/5)' and 'kemarin'.")
@click.option("--eval-format", "eval_format", is_flag=True,
              help="Print the scorer's keys only (no provenance) instead of the full facts.")
@click.option("--input", "input_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="JSON lines with id, text, published: extract each (FILE is ignored).")
@click.option("--output", "output_path", default=None, type=click.Path(dir_okay=False),
              help="With --input: write one prediction line per id here (default stdout).")
@click.option("--ner/--no-ner", "use_ner", default=True, show_default=True, help="Also use the statistical NER model (PER/LOC spans as extra candidates).")
def extract_command(file: TextIO, published: str | None, eval_format: bool,
                    input_path: str | None, output_path: str | None, use_ner: bool) -> None:
    """Extract officials, institutions, places, dates and programme facts from article text.

    Example:
        warta extract article.txt --published 2019-05-16T09:00:00+07:00 --eval-format
        warta extract --input ../shared/eval/dev.jsonl --output /tmp/pred.jsonl
    """
    from extractors import Extractor
    from extractors.evaluate import predict_rows, read_jsonl
    from extractors.exceptions import ExtractionError

    extractor = Extractor(use_ner=use_ner)
    try:
        if input_path:
            lines = (json.dumps(p, ensure_ascii=False) for p in predict_rows(read_jsonl(input_path), extractor))
            if output_path:
                Path(output_path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            else:
                for line in lines:
                    click.echo(line)
            return
        facts = extractor.extract(file.read(), published)
    except (ExtractionError, json.JSONDecodeError, KeyError) as exc:
        raise click.ClickException(f"extraction failed: {exc}") from exc
    out = facts.to_eval_dict() if eval_format else facts.to_dict()
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@eval_group.command(name="extraction")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--ner/--no-ner", "use_ner", default=True, show_default=True, help="Also use the statistical NER model (PER/LOC spans as extra candidates).")
def eval_extraction_command(gold: str, as_json: bool, use_ner: bool) -> None:
    """Run extraction on a gold set and score it (precision/recall/F1 per fact type).

    The last line is ``overall F1 = X`` (mean of the six type F1 scores), as the shared scorer prints.

    Example:
        warta eval extraction ../shared/eval/dev.jsonl
    """
    from extractors import Extractor
    from extractors.evaluate import evaluate_file, format_table
    from extractors.exceptions import ExtractionError

    try:
        result = evaluate_file(gold, Extractor(use_ner=use_ner))
    except (ExtractionError, json.JSONDecodeError, KeyError) as exc:
        raise click.ClickException(f"cannot evaluate {gold}: {exc}") from exc
    click.echo(json.dumps(result, indent=2) if as_json else format_table(result))


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

    \b
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

    \b
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

if TYPE_CHECKING:
    from typing import TextIO

    from db.store import Store

_DB_OPTION = click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
    help="Knowledge store to read.",
)


def _open_store(db_path: str) -> "Store":
    """Open an existing store or fail with a clean message."""
    from db.exceptions import StoreError
    from db.store import Store

    try:
        return Store.open_existing(db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command(name="search")
@click.argument("query")
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print hits as a JSON list.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Most hits shown.")
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only articles published on or before this date (YYYY-MM-DD).")
@click.option("--outlet", help="Only this outlet host, e.g. sumsel.tribunnews.com (subdomains included).")
@click.option("--person", help="Only articles mentioning this person (any alias).")
@click.option("--institution", help="Only articles mentioning this institution.")
@click.option("--place", help="Only articles mentioning this place.")
@click.option("--programme", help="Only articles about this programme.")
def search_command(query: str, db_path: str, as_json: bool, limit: int, **filters: str | None) -> None:
    """Full-text search of stored articles, best match first, matches marked **so**.

    QUERY takes words (all must occur), "a phrase", prefix*, -excluded and OR.

    \b
    Example:
        warta search '"smart city" tahap' --place "Muara Enim" --since 2019-01-01
    """
    from db.exceptions import SearchQueryError

    try:
        hits = _open_store(db_path).search(query, limit=limit, **filters)
    except SearchQueryError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    for n, hit in enumerate(hits, 1):
        click.echo(f"{n}. {(hit.published or '')[:10]}  {hit.title}  ({hit.outlet})\n   {hit.snippet}\n   {hit.canonical_url}")
    if not hits:
        click.echo("no articles match", err=True)


@cli.command(name="stats")
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print counts and runs as JSON.")
def stats_command(db_path: str, as_json: bool) -> None:
    """Rows per table of the store and its last runs.

    \b
    Example:
        warta stats --db warta.db
    """
    store = _open_store(db_path)
    counts, runs = store.stats(), store.last_runs()
    if as_json:
        click.echo(json.dumps({"counts": counts, "runs": [r.to_dict() for r in runs]}, indent=2))
        return
    for name, n in counts.items():
        click.echo(f"{name:24} {n:>10}")
    for r in runs:
        click.echo(f"run {r.id} {r.command} {r.started} -> {r.finished or '...'} {r.status} "
                   + json.dumps({k: v for k, v in r.counts.items() if not isinstance(v, (list, dict))}))


@cli.command(name="entity")
@click.argument("name")
@_DB_OPTION
@click.option("--why", is_flag=True, help="Also show why each alias and mention was linked.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def entity_command(name: str, db_path: str, why: bool, as_json: bool) -> None:
    """Who or what NAME is: aliases, positions over time and the articles naming it.

    \b
    Example:
        warta entity "Bupati Yani" --why
    """
    report = _open_store(db_path).entity(name)
    if report is None:
        raise click.ClickException(f"no person, institution, place or programme named {name!r} in {db_path}")
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    code = f" [{report.region_code}]" if report.region_code else ""
    click.echo(f"{report.name} ({report.kind}){code}, {report.n_mentions} mentions")
    click.echo("aliases: " + "; ".join(a.alias for a in report.aliases))
    for p in report.positions:
        click.echo(f"  {p.position} ({p.org or '-'}) {p.first_seen} .. {p.last_seen}, articles {p.article_ids}")
    for a in report.articles:
        click.echo(f"  {(a.published or '')[:10]}  {a.title}  {a.canonical_url}")
    if why:
        click.echo(f"matched: {report.matched_because}")
        click.echo(f"created: {report.created_because}")
        for alias in report.aliases:
            click.echo(f"  alias {alias.alias!r}: {alias.reason}")
        for reason, n in report.link_reasons:
            click.echo(f"  {n} mention(s): {reason}")
    for other_id, kind, other in report.other_matches:
        click.echo(f"also matches: {other} ({kind}, id {other_id})")


@cli.command(name="programme")
@click.argument("name")
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def programme_command(name: str, db_path: str, as_json: bool) -> None:
    """Stages of a programme by year and the regions taking part, with evidence articles.

    \b
    Example:
        warta programme "Gerakan Menuju 100 Smart City"
    """
    from db.exceptions import NotFoundError

    try:
        report = _open_store(db_path).programme(name)
    except NotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(report.name)
    for s in report.stages:
        click.echo(f"  {s.year or '?'}: tahap {s.stage or '?'}  articles {s.article_ids}")
    for p in report.participants:
        click.echo(f"  {p.year or '?'} tahap {p.stage or '?'}: {p.region} [{p.region_code or '-'}] articles {p.article_ids}")


@cli.command(name="export")
@_DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--table", default="articles", show_default=True, help="Table to export (see warta stats).")
@click.option("--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output); never the store itself.")
def export_command(db_path: str, fmt: str, table: str, output: str) -> None:
    """Write one table of the store as JSON Lines or CSV.

    \b
    Example:
        warta export --format csv --table official_roles --output roles.csv
    """
    from db.exceptions import ExportError

    try:
        store = _open_store(db_path)
        if output == "-":
            n = store.export(table, fmt, sys.stdout)
        else:
            n = store.export_file(table, fmt, output)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{n} rows of {table} written", err=True)


@cli.command(name="serve")
@_DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve_command(db_path: str, host: str, port: int) -> None:
    """Browse and search the store in Datasette (facets, canned queries) until Ctrl-C.

    \b
    Example:
        warta serve --db warta.db --port 8001
    """
    from db.serve import serve

    _open_store(db_path).close()
    click.echo(f"Serving {db_path} on http://{host}:{port}/", err=True)
    serve(db_path, host=host, port=port)


@cli.command(name="reextract")
@_DB_OPTION
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
def reextract_command(db_path: str, since: str | None) -> None:
    """Re-run the current extractors over stored articles whose facts older versions made.

    \b
    Example:
        warta reextract --db warta.db --since 2019-01-01
    """
    try:
        from extractors import EXTRACTOR_VERSION, extract
    except ImportError as exc:
        raise click.ClickException(f"the extractors are not installed ({exc}): pip install -e . first") from exc
    from db.exceptions import StoreError

    store = _open_store(db_path)
    try:
        run_id = store.start_run("reextract")
    except StoreError as exc:  # a read-only store
        raise click.ClickException(str(exc)) from exc
    try:
        counts = store.reextract(extract, EXTRACTOR_VERSION, since=since)
    except (StoreError, ValueError) as exc:
        store.finish_run(run_id, {"error": str(exc)}, "failed")
        raise click.ClickException(str(exc)) from exc
    store.finish_run(run_id, counts, "ok")
    click.echo(f"re-extracted {counts['articles']} articles with extractors {EXTRACTOR_VERSION}: "
               + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "articles"))


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
    from db.exceptions import StoreError
    from pipeline.run import crawl

    try:
        stats = crawl(
            urls, db_path, max_pages=max_pages, allowed_hosts=allowed_hosts,
            fetch_settings={"delay": delay, "allow_private": allow_private},
        )
    except (ValueError, StoreError) as exc:
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

    \b
    Example:
        warta ingest --config sources.toml --db warta.db --log-file ingest.log --quiet
        warta ingest --source tribunsumsel --since 2024-01-01 --db warta.db
    """
    from pipeline import ingest as ing

    ing.configure_logging(log_file=log_file, quiet=quiet)
    show = ing.progress_line(sys.stderr) if sys.stderr.isatty() and not quiet else None
    try:
        summary = ing.run_ingest(config_path, db_path, sources=sources, progress=show,
                                 since=since.date() if since else None, until=until.date() if until else None)
    except (ing.ConfigError, ing.StoreError, ing.LockedError, KeyboardInterrupt) as exc:
        code = ing.exit_code_for(exc)
        click.echo(f"warta ingest: {ing.EXIT_LABELS[code]}: {exc}", err=True)
        sys.exit(code)
    if show is not None:
        click.echo("", err=True)
    if not quiet:
        click.echo("\n".join(summary.lines()))
    sys.exit(summary.exit_code)
