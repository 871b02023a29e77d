"""warta command line: one click group, each command a few lines calling a public function."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

if TYPE_CHECKING:
    import datetime

    from pipeline.run import RunStats

DEFAULT_DB = "warta.db"


class _Progress:
    """A progress line on stderr, rewritten in place; silent when stderr is not a terminal
    (cron, pipes, log files) so logs stay clean."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.on = sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int | None = None, extra: str = "") -> None:
        if not self.on:
            return
        of = f"/{total}" if total else ""
        click.echo(f"\r  {self.label} {done}{of}{extra} ", nl=False, err=True)
        self.shown = True

    def run_stats(self, stats: "RunStats") -> None:
        """Callback for the crawl runner."""
        self(stats.articles, None, f" articles, {stats.failed_urls} failed")

    def close(self) -> None:
        if self.shown:
            click.echo("", err=True)
            self.shown = False


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

    \b
    Example:
        warta eval extraction ../shared/eval/dev.jsonl
    """


# --- scrapers: parse ------------------------------------------------------------------


@cli.command(name="parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--url", default=None,
              help="URL the page was saved from (picks the site adapter); default: the page's own "
                   "canonical link or og:url, else its file:// path.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the article as JSON (Article.to_dict()); one JSON line per page for several pages.")
@click.option("--force", is_flag=True,
              help="Parse pages that do not show they are articles (home pages, listings) anyway.")
def parse_command(files: tuple[str, ...], url: str | None, as_json: bool, force: bool) -> None:
    """Parse saved HTML pages (.html or .html.gz; - reads standard input) into articles.

    Without --url each page's own canonical URL picks the site adapter. A page that cannot
    be parsed is reported and the others are still parsed (exit status 1). A page that does
    not show it is an article (a home page, a listing) is refused unless --force is given.

    \b
    Example:
        warta parse page.html --url https://sumsel.tribunnews.com/2023/11/02/judul --json
        warta parse saved/*.html.gz --json > articles.jsonl
        curl -s https://example.org/berita/1 | warta parse -
        warta parse press-release.html --url "https://example.org/news_view.html?idx=12" --force
    """
    import gzip

    from scrapers.adapters import parse_article
    from scrapers.canonical import declared_url
    from scrapers.exceptions import ParseError

    if url and len(files) > 1:
        raise click.UsageError("--url names one page's address: give it with a single FILE")
    failed = shown = 0
    for file in files:
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
            if file.endswith(".gz") or data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            fallback = "file:///dev/stdin" if file == "-" else Path(file).resolve().as_uri()
            article = parse_article(data, url or declared_url(data) or fallback, force=force)
        except (ParseError, OSError, EOFError) as exc:
            click.echo(f"Error: cannot parse {'standard input' if file == '-' else file}: {exc}", err=True)
            failed += 1
            continue
        if as_json:
            indent = 2 if len(files) == 1 else None
            click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=indent))
            continue
        when = article.published.isoformat() if article.published else "unknown date"
        if shown:
            click.echo("")
        shown += 1
        if len(files) > 1:
            click.echo(f"== {file}")
        click.echo(f"{article.title}\n{article.outlet} | {when} | adapter {article.adapter} | pages {article.pages}")
        click.echo(f"by {', '.join(article.authors) or 'unknown'}" + (f" (editor {article.editor})" if article.editor else ""))
        click.echo(f"{article.canonical_url}\n{len(article.paragraphs)} paragraphs, {len(article.text.split())} words")
        click.echo("\n" + article.paragraphs[0][:300])
    if failed:
        sys.exit(1)


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

    \b
    Example:
        warta extract article.txt --published 2019-05-16T09:00:00+07:00 --eval-format
        warta extract --input ../shared/eval/dev.jsonl --output /tmp/pred.jsonl

    With --input, every line must be a JSON object with "id" and "text" ("published"
    optional); a bad line is reported with its file and line number before any work.
    """
    from extractors import Extractor
    from extractors.evaluate import predict_rows
    from extractors.exceptions import ExtractionError
    from pipeline.records import InputError, check_output, read_records

    try:  # inputs and outputs are checked before the models load
        rows = read_records(input_path) if input_path else None
        if output_path:
            check_output(output_path)
    except InputError as exc:
        raise click.ClickException(str(exc)) from exc
    extractor = Extractor(use_ner=use_ner)
    try:
        if rows is not None:
            bar = _Progress("extracted")
            lines = []
            for n, p in enumerate(predict_rows(rows, extractor), 1):
                lines.append(json.dumps(p, ensure_ascii=False))
                bar(n, len(rows))
                if not output_path:
                    click.echo(lines.pop())
            bar.close()
            if output_path:
                Path(output_path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            return
        facts = extractor.extract(file.read(), published)
    except (ExtractionError, json.JSONDecodeError, KeyError) as exc:
        raise click.ClickException(f"extraction failed: {exc}") from exc
    out = facts.to_eval_dict() if eval_format else facts.to_dict()
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@eval_group.command(name="extraction")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Also list every miss, false positive and wrong role with its sentence, per fact type.")
@click.option("--shared", "shared", default=None, type=click.Path(file_okay=False),
              help="Folder with data/news/articles.jsonl, for gold records stored by id [default: ../shared].")
@click.option("--ner/--no-ner", "use_ner", default=True, show_default=True, help="Also use the statistical NER model (PER/LOC spans as extra candidates).")
@click.option("--model", "model_path", default=None, type=click.Path(file_okay=False),
              help="NER model folder to extract with, e.g. a new `warta train-ner` model [default: the shipped one].")
@click.option("--spans/--no-spans", "use_spans", default=None,
              help="Also add the officials the span model finds that the rules missed [default: as --ner].")
@click.option("--spans-model", "spans_path", default=None, type=click.Path(file_okay=False),
              help="Officials span model folder, e.g. a new `warta train-spans` model [default: the shipped one].")
def eval_extraction_command(gold: str, as_json: bool, show_errors: bool, shared: str | None, use_ner: bool,
                            model_path: str | None, use_spans: bool | None, spans_path: str | None) -> None:
    """Run extraction on a gold set and score it (precision/recall/F1 per fact type).

    The last line of the table is ``overall F1 = X`` (mean of the six type F1 scores), as the
    shared scorer prints; with --errors the error study comes first.

    \b
    Example:
        warta eval extraction ../shared/eval/dev.jsonl
        warta eval extraction tests/fixtures/realnews/dev.jsonl --errors
        warta eval extraction tests/fixtures/realnews/dev.jsonl --model /tmp/ner-try
        warta eval extraction tests/fixtures/realnews/dev.jsonl --no-spans
    """
    from extractors import Extractor
    from extractors.evaluate import evaluate_file, format_errors, format_table
    from extractors.exceptions import ExtractionError
    from pipeline.records import InputError, read_records

    errors: list[dict[str, Any]] | None = [] if show_errors else None
    try:
        # names the file and line of a bad record; texts of records stored by id come from --shared
        read_records(gold, required=("id", "gold"))
    except InputError as exc:
        raise click.ClickException(str(exc)) from exc
    from extractors.train_ner import MODEL_NAME, is_warta_model

    if model_path is not None:
        if not use_ner:
            raise click.UsageError("--model names the NER model to use; it makes no sense with --no-ner")
        if not is_warta_model(Path(model_path)):
            raise click.ClickException(f"{model_path} holds no warta NER model (config.cfg + meta.json named "
                                       f"{MODEL_NAME!r}): give a folder written by `warta train-ner`")
    if spans_path is not None:
        from extractors.train_spans import MODEL_NAME as SPANS_NAME

        if use_spans is False:
            raise click.UsageError("--spans-model names the span model to use; it makes no sense with --no-spans")
        if not is_warta_model(Path(spans_path), SPANS_NAME):
            raise click.ClickException(f"{spans_path} holds no officials span model (config.cfg + meta.json named "
                                       f"{SPANS_NAME!r}): give a folder written by `warta train-spans`")
    try:
        extractor = Extractor(use_ner=use_ner, ner_model=Path(model_path) if model_path else None,
                              use_spans=use_spans, spans_model=Path(spans_path) if spans_path else None)
        result = evaluate_file(gold, extractor, errors, shared)
    except (ExtractionError, json.JSONDecodeError, KeyError) as exc:
        raise click.ClickException(f"cannot evaluate {gold}: {exc}") from exc
    if as_json:
        click.echo(json.dumps({**result, "errors": errors} if errors is not None else result, indent=2,
                              ensure_ascii=False))
        return
    if errors:
        click.echo(format_errors(errors) + "\n")
    click.echo(format_table(result))


# --- NER: train-ner, train-spans, eval ner ---------------------------------------------


@cli.command(name="train-spans")
@click.option("--shared", "shared", default=str(Path(__file__).resolve().parents[2] / "shared"),
              show_default=True, type=click.Path(file_okay=False),
              help="Shared data folder holding data/news (the gold articles' texts) and eval/check_reserved.py.")
@click.option("--output", default=None, type=click.Path(),
              help="New model folder: must not exist, be empty, or hold an earlier span model "
                   "[default: extractors/models/officials_spans-YYYYMMDD-HHMMSS].")
@click.option("--max-minutes", default=30.0, show_default=True, type=click.FloatRange(min=0.0),
              help="Wall-clock cap on training; the best dev checkpoint so far is kept.")
@click.option("--max-steps", default=None, type=click.IntRange(min=1),
              help="Cap on training steps [default: the config's, 6000].")
@click.option("--replace", is_flag=True,
              help="Then swap the new model in for the shipped one unless its dev F1 is lower.")
@click.option("--force", is_flag=True, help="With --replace: replace even when the new model scores lower.")
def train_spans_command(shared: str, output: str | None, max_minutes: float, max_steps: int | None,
                        replace: bool, force: bool) -> None:
    """Train the officials span model (OFFICIAL, POST) on CPU from the real-news gold set.

    Aligns the gold officials of tests/fixtures/realnews/train.jsonl, train2.jsonl and train3.jsonl to their
    texts (a name with its post in the sentence; sentences with a post and no official as
    negatives), trains a small
    CNN NER on them, chooses the checkpoint on dev.jsonl and writes it to a new folder; the texts
    go through ../shared/eval/check_reserved.py first. The shipped model
    (extractors/models/officials_spans) is replaced only with --replace.

    \b
    Example:
        warta -v train-spans --shared ../shared --max-minutes 20
        warta train-spans --shared ../shared --output /tmp/spans-try
        warta train-spans --shared ../shared --replace
    """
    from extractors.exceptions import ExtractionError
    from extractors.train_spans import replace_shipped, train_spans

    if force and not replace:
        raise click.UsageError("--force only makes sense with --replace")
    overrides: dict[str, object] = {"training.max_steps": max_steps} if max_steps else {}
    try:
        result = train_spans(Path(shared), Path(output) if output else None, max_minutes, overrides)
        click.echo(f"model written to {result.output}: dev F1 {result.best_dev_f1:.3f} at step "
                   f"{result.best_step} of {result.steps} ({result.seconds:.0f} s)")
        if replace and not replace_shipped(result.output, force=force):
            raise click.ClickException("the new model scores lower on dev, so the shipped model is unchanged "
                                       f"(add --force to replace anyway); the new one stays in {result.output}")
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from exc
    if replace:
        click.echo(f"replaced the shipped officials span model with {result.output}")


@cli.command(name="train-ner")
@click.option("--shared", "shared", default=str(Path(__file__).resolve().parents[2] / "shared"),
              show_default=True, type=click.Path(file_okay=False),
              help="Shared data folder holding data/ner/ (idner-news-2k, indolem-nerugm, nergrit-indonlu, "
                   "nerp-indonlu).")
@click.option("--output", default=None, type=click.Path(),
              help="New model folder: must not exist, be empty, or hold an earlier warta model "
                   "[default: extractors/models/id_news_ner-YYYYMMDD-HHMMSS, beside the shipped model].")
@click.option("--max-minutes", default=25.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Wall-clock cap on training; the best dev checkpoint so far is kept.")
@click.option("--max-steps", default=None, type=click.IntRange(min=1),
              help="Cap on training steps [default: the config's, 20000].")
@click.option("--replace", is_flag=True,
              help="Then score the new and the shipped model on the same dev sets, print both, and "
                   "replace the shipped model unless the new one scores lower.")
@click.option("--force", is_flag=True, help="With --replace: replace even when the new model scores lower.")
@click.option("--model", "model_path", default=None, type=click.Path(file_okay=False),
              help="The model --replace compares with and replaces [default: the shipped "
                   "extractors/models/id_news_ner].")
@click.option("--without", "without", multiple=True, metavar="CORPUS",
              help="Leave this corpus (a folder under data/ner, or realnews-train) out of training and "
                   "dev: a leave-one-corpus-out run to score on it with benchmarks/ner.py. Repeatable.")
@click.option("--vectors", default=None, type=click.Path(exists=True, file_okay=False),
              help="Static vectors folder to train with and ship in the model (make it with "
                   "`python -m extractors.news_vectors --output DIR`) [default: none].")
@click.option("--candidate", default=None, type=click.Path(exists=True, file_okay=False),
              help="With --replace: skip training and take this model, written earlier by train-ner "
                   "(after scoring it with benchmarks/ner.py and `warta eval extraction --model`), "
                   "through the same dev-set comparison and swap.")
@click.option("--resume", default=None, type=click.Path(exists=True, file_okay=False),
              help="Go on training this model, written earlier by train-ner (a warm start with a fresh "
                   "optimizer), instead of starting from random weights.")
def train_ner_command(shared: str, output: str | None, max_minutes: float, max_steps: int | None,
                      replace: bool, force: bool, model_path: str | None, without: tuple[str, ...],
                      vectors: str | None, candidate: str | None, resume: str | None) -> None:
    """Train the Indonesian news NER model (PER, ORG, LOC) on CPU from the shared corpora.

    Trains on the train splits of idner-news-2k, IndoLEM NER UGM (fold 1), NERGrit,
    NERP (PER/LOC only, ORG left unannotated) and the real-news gold set (its gold names
    aligned to the texts, other tokens unannotated) with lower-cased and re-capitalised copies,
    optionally with static vectors, selects the best checkpoint on their dev sets and writes it to a new folder; the shipped model is
    replaced only with --replace (--candidate DIR: no training, swap in a model trained and
    measured earlier, after the same dev-set comparison). Folders holding anything but a warta
    model are never written, and a run that ends before its first update writes nothing.

    \b
    Example:
        warta -v train-ner --shared ../shared --max-minutes 20
        warta train-ner --shared ../shared --output /tmp/ner-try
        warta train-ner --shared ../shared --replace
        warta train-ner --shared ../shared --without nergrit-indonlu
        warta train-ner --shared ../shared --vectors /tmp/news-vectors --max-minutes 45
        warta train-ner --shared ../shared --replace --candidate /tmp/ner-try
        warta train-ner --shared ../shared --resume /tmp/ner-try --output /tmp/ner-more
    """
    from extractors.exceptions import ExtractionError
    from extractors.train_ner import (
        MODEL_NAME,
        SHIPPED_MODEL,
        check_replaceable,
        compare_models,
        install_model,
        is_warta_model,
    )

    if force and not replace:
        raise click.UsageError("--force only makes sense with --replace")
    if candidate and not replace:
        raise click.UsageError("--candidate names a trained model to swap in: add --replace")
    if candidate and (output or without or vectors or max_steps or resume):
        raise click.UsageError("--candidate skips training: leave out --output, --without, --vectors, --max-steps "
                               "and --resume")
    if resume and vectors:
        raise click.UsageError("--resume goes on training a model with its own vectors: leave out --vectors")
    shipped = Path(model_path) if model_path else SHIPPED_MODEL
    overrides: dict[str, object] = {"training.max_steps": max_steps} if max_steps else {}
    try:
        if replace:
            check_replaceable(shipped, "pass --model naming a warta model folder")  # before hours of training
        if replace and without:
            raise click.UsageError("--without makes a leave-one-corpus-out model for measurement; "
                                   "it is never a --replace candidate")
        if candidate:
            if not is_warta_model(Path(candidate)):
                raise click.ClickException(f"{candidate} holds no warta NER model (config.cfg + meta.json "
                                           f"named {MODEL_NAME!r}): give a folder written by train-ner")
            new_model = Path(candidate)
        else:
            new_model = _train_ner(shared, output, max_minutes, overrides, shipped, without, vectors, resume)
        if not replace:
            return
        if (shipped / "config.cfg").is_file():
            comparison = compare_models(new_model, shipped, Path(shared))
            click.echo(comparison.format())
            if comparison.new_is_worse and not force:
                raise click.ClickException(
                    f"the new model scores lower on the dev sets, so {shipped} is unchanged; the new model "
                    f"stays in {new_model} (add --force to replace anyway)"
                )
        install_model(new_model, shipped)
    except ExtractionError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"replaced {shipped} with {new_model}")


def _train_ner(shared: str, output: str | None, max_minutes: float, overrides: dict[str, object], shipped: Path,
               without: tuple[str, ...], vectors: str | None, resume: str | None = None) -> Path:
    """Run `warta train-ner`'s training with a progress line; returns the new model's folder."""
    from extractors.train_ner import DEV_SOURCES, TRAIN_SOURCES, train_model, without_corpora

    bar = _Progress("training: step")
    try:
        result = train_model(Path(shared), Path(output) if output else None, max_minutes,
                             overrides=overrides, shipped=shipped,
                             train_sources=without_corpora(TRAIN_SOURCES, without),
                             dev_sources=without_corpora(DEV_SOURCES, without),
                             vectors=Path(vectors) if vectors else None,
                             resume=Path(resume) if resume else None,
                             progress=lambda step, secs, best: bar(
                                 step, None, f", {secs / 60:.1f} of {max_minutes:g} min, best dev F1 {best:.3f}"))
    finally:
        bar.close()
    click.echo(
        f"trained on {result.train_sentences} sentences ({result.steps} steps, {result.seconds:.0f} s); "
        f"best dev F1 = {result.best_dev_f1:.3f} (step {result.best_step}); model written to {result.output}"
    )
    return result.output


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
@click.option("--types", default=None,
              help="Score only these types, e.g. PER,LOC for a corpus without ORG (predictions of "
                   "other types are then ignored) [default: all].")
def eval_ner_command(file: str, fmt: str | None, label_map: str | None, model_path: str | None,
                     types: str | None) -> None:
    """Entity-level precision/recall/F1 of the NER model on a gold file (strict span + type match).

    \b
    Example:
        warta eval ner ../shared/data/ner/idner-news-2k/test.txt
        warta eval ner ../shared/data/ner/nerp-indonlu/test_preprocess.txt --label-map PPL=PER,PLC=LOC --types PER,LOC
    """
    from extractors.exceptions import NerModelMissing
    from extractors.ner import evaluate_file
    from extractors.ner_eval import format_scores, parse_label_map

    labels = [t.strip() for t in types.split(",") if t.strip()] if types else None
    if labels is not None and (not labels or set(labels) - {"PER", "ORG", "LOC"}):
        raise click.BadParameter(f"{types!r}: give some of PER, ORG, LOC separated by commas", param_hint="--types")
    try:
        scores = evaluate_file(file, fmt, parse_label_map(label_map),  # type: ignore[arg-type]
                               Path(model_path) if model_path else None, labels)
    except (ValueError, NerModelMissing) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_scores(scores))


# --- store: search, stats, entity, programme, export, serve, reextract ----------------

if TYPE_CHECKING:
    from typing import TextIO

    from db.reports import Evidence
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
@click.option("--json", "fmt", flag_value="json", help="Print hits as a JSON list.")
@click.option("--nl", "fmt", flag_value="nl", help="Print hits as JSON, one object per line.")
@click.option("--csv", "fmt", flag_value="csv", help="Print hits as CSV with a header row.")
@click.option("-c", "--column", "columns", multiple=True,
              type=click.Choice(["article_id", "published", "title", "outlet", "canonical_url", "snippet", "rank",
                                 "duplicate_of"]),
              help="Only this field in --json/--nl/--csv output (repeatable, kept in order).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Most hits shown.")
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only articles published on or before this date (YYYY-MM-DD).")
@click.option("--outlet", help="Only this outlet host, e.g. sumsel.tribunnews.com (subdomains included).")
@click.option("--person", help="Only articles mentioning this person (any alias).")
@click.option("--institution", help="Only articles mentioning this institution.")
@click.option("--place", help="Only articles mentioning this place.")
@click.option("--programme", help="Only articles about this programme.")
def search_command(query: str, db_path: str, fmt: str | None, columns: tuple[str, ...], limit: int,
                   **filters: str | None) -> None:
    """Full-text search of stored articles, best match first, matches marked **so**.

    QUERY takes words (all must occur), "a phrase", prefix*, -excluded and OR.

    \b
    Example:
        warta search '"smart city" tahap' --place "Muara Enim" --since 2019-01-01
        warta search "smart city" --person Yani --csv -c published -c title -c canonical_url
    """
    from db.exceptions import SearchQueryError

    store = _open_store(db_path)
    try:
        hits = store.search(query, limit=limit, **filters)
        why = store.why_no_hits(query, **filters) if not hits else ""
    except SearchQueryError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = [{c: h.to_dict()[c] for c in columns} if columns else h.to_dict() for h in hits]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "nl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        import csv
        import dataclasses

        from db.search import SearchHit

        fields = list(columns) or [f.name for f in dataclasses.fields(SearchHit)]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    else:
        for n, hit in enumerate(hits, 1):
            click.echo(f"{n}. {(hit.published or '')[:10]}  {hit.title}  ({hit.outlet})  [warta show {hit.article_id}]"
                       f"\n   {hit.snippet}\n   {hit.canonical_url}")
    if why:
        click.echo(why, err=True)


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

    NAME may be the full name, a surname ("Yani"), a position and name ("Bupati Yani"), a
    short form or acronym ("Kominfo", "Diskominfo Muara Enim"), another spelling ("Lubuk
    Linggau") or part of a name ("smart city"). A name that fits several people lists them.

    \b
    Example:
        warta entity "Bupati Yani" --why
        warta entity Kominfo
    """
    store = _open_store(db_path)
    report = store.entity(name)
    if report is None:
        close = store.suggest(name)
        hint = f"; did you mean: {'; '.join(close)}?" if close else ""
        raise click.ClickException(f"no person, institution, place or programme named {name!r} in {db_path}{hint}")
    if report.ambiguous and not as_json:
        names = [f"{report.name} (id {report.id})"] + [f"{o} (id {i})" for i, k, o in report.other_matches if k == report.kind]
        click.echo(f"{name!r} could mean {len(names)} people:", err=True)
        for candidate in names:
            click.echo(f"  {candidate}", err=True)
        raise click.ClickException("give more of the name, e.g. warta entity " + repr(report.name))
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


R = TypeVar("R")


def _report(fetch: Callable[[], R], as_json: bool) -> R | None:
    """A store report, or a clear error when what was asked for is not there; with ``as_json`` it
    is printed as JSON and None is returned (nothing left to print)."""
    from db.exceptions import NotFoundError

    try:
        report = fetch()
    except NotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))  # type: ignore[attr-defined]
        return None
    return report


@cli.command(name="programme")
@click.argument("name")
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def programme_command(name: str, db_path: str, as_json: bool) -> None:
    """Stages of a programme by year and the regions taking part, with the articles saying so.

    NAME may be part of the programme's name ("smart city"). Each stage and region is listed
    once per year and stage, with the date, outlet, title and sentence of every article
    stating it; a region's stage missing from its sentence is taken from the same article
    (title or an earlier sentence) or, when they agree, from other articles. Regions only
    planning to join ("berencana mendaftar") are listed apart.

    \b
    Example:
        warta programme "Gerakan Menuju 100 Smart City"
    """
    report = _report(lambda: _open_store(db_path).programme(name), as_json)
    if report is None:
        return
    def shown(ev: "Evidence") -> str:
        sentence = ev.sentence if len(ev.sentence) <= 220 else ev.sentence[:217] + "..."
        return (f"      {(ev.published or '')[:10]}  {ev.outlet}  {ev.title}  [warta show {ev.article_id}]\n"
                f"        \"{sentence}\"")

    click.echo(report.name + (f"  (counting also: {', '.join(report.counted_in)})" if report.counted_in else ""))
    for other in report.other_matches:
        click.echo(f"  (the name also matches: {other})")
    click.echo("stages:")
    for s in report.stages:
        click.echo(f"  {s.year or '?'} tahap {s.stage or '?'}")
        for ev in s.evidence:
            click.echo(shown(ev))
    click.echo("participants:")
    for p in report.participants:
        origin = {"stated": "", "unknown": "", "article": " (stage from the same article)",
                  "other articles": " (stage from other articles)"}[p.stage_from]
        click.echo(f"  {p.year or '?'} tahap {p.stage or '?'}: {p.region} [{p.region_code or '-'}]{origin}")
        for ev in p.evidence:
            click.echo(shown(ev))
    if report.plans:
        click.echo("plans to take part (not participation):")
        for p in report.plans:
            click.echo(f"  {p.year or '?'}: {p.region} [{p.region_code or '-'}]")
            for ev in p.evidence:
                click.echo(shown(ev))


@cli.command(name="show")
@click.argument("article_id", type=int)
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the article and its facts as JSON.")
@click.option("--no-text", is_flag=True, help="Leave the article text out (facts only).")
def show_command(article_id: int, db_path: str, as_json: bool, no_text: bool) -> None:
    """One stored article: title, date, outlet, text and the facts extracted from it.

    ARTICLE_ID is the number warta search prints in [warta show N].

    \b
    Example:
        warta show 3 --db warta.db
    """
    report = _report(lambda: _open_store(db_path).article(article_id), as_json)
    if report is None:
        return
    click.echo(f"{report.title}\n{(report.published or 'unknown date')}  {report.outlet}"
               + (f"  by {', '.join(report.authors)}" if report.authors else ""))
    click.echo(report.canonical_url)
    if report.duplicate_of:
        click.echo(f"(a near-copy of article {report.duplicate_of})")
    if not no_text:
        click.echo("\n" + report.text + "\n")
    click.echo(f"facts ({len(report.facts)}):")
    for f in report.facts:
        detail = f"  {f.detail}" if f.detail else ""
        written = f"  \"{f.surface}\"" if f.surface and f.surface != f.value else ""
        click.echo(f"  {f.kind:16} {f.value}{detail}{written}")


@cli.command(name="export")
@_DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True,
              help="parquet writes one <table>.parquet per table into the --output folder.")
@click.option("--csv", "fmt", flag_value="csv", help="Same as --format csv.")
@click.option("--nl", "fmt", flag_value="jsonl", help="Same as --format jsonl (newline-delimited JSON).")
@click.option("--table", default=None,
              help="A table or summary warta stats lists (persons, officials, places ... included). "
                   "Default: articles; with --format parquet, articles and every fact table.")
@click.option("-c", "--column", "columns", multiple=True, help="Only this column (repeatable, kept in order).")
@click.option("--output", type=click.Path(allow_dash=True), default="-",
              help="File to write (default: standard output), never the store itself; with --format parquet, a folder.")
def export_command(db_path: str, fmt: str, table: str | None, columns: tuple[str, ...], output: str) -> None:
    """Write one table of the store, or a summary warta stats lists, as JSON Lines or CSV;
    or the whole store as Parquet files, one per table, into a folder.

    Ids come with the names they stand for (official_roles has person beside person_id);
    JSON lists such as authors, tags and evidence stay JSON in JSON Lines. A file is written
    through a temporary file renamed into place, and never onto the store or its companions.

    \b
    Example:
        warta export --format csv --table official_roles --output roles.csv
        warta export --csv --table officials -c person -c position -c first_seen
        warta export --format parquet --output corpus/
    """
    from db.exceptions import ExportError
    from pipeline.records import InputError, check_output

    store = _open_store(db_path)
    if fmt == "parquet":
        if output == "-":
            raise click.ClickException("Parquet is written to a folder: give one with --output, e.g. --output corpus/")
        try:
            written = store.export_parquet(output, [table] if table else None, list(columns) or None)
        except ExportError as exc:
            raise click.ClickException(str(exc)) from exc
        for name, n in written.items():
            click.echo(f"{n} rows of {name} written to {Path(output) / (name + '.parquet')}", err=True)
        return
    table = table or "articles"
    try:
        if output == "-":
            n = store.export(table, fmt, sys.stdout, list(columns) or None)
        else:
            check_output(output)  # the folder exists: before anything is written
            n = store.export_file(table, fmt, output, list(columns) or None)
    except (ExportError, InputError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{n} rows of {table} written", err=True)


@cli.command(name="serve")
@_DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve_command(db_path: str, host: str, port: int) -> None:
    """Browse and search the store in Datasette (facets, canned queries) until Ctrl-C.

    The first line on stderr gives the address actually bound (--port 0 takes a free port).

    \b
    Example:
        warta serve --db warta.db --port 8001
    """
    from db.exceptions import ServeError
    from db.serve import serve

    _open_store(db_path).close()
    try:
        serve(db_path, host=host, port=port,
              on_ready=lambda url: click.echo(f"Serving {db_path} on {url} (Ctrl-C stops)", err=True))
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc


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
    bar = _Progress("re-extracted")
    try:
        counts = store.reextract(extract, EXTRACTOR_VERSION, since=since, progress=bar)
    except (StoreError, ValueError) as exc:
        bar.close()
        store.finish_run(run_id, {"error": str(exc)}, "failed")
        raise click.ClickException(str(exc)) from exc
    bar.close()
    store.finish_run(run_id, counts, "ok")
    click.echo(f"re-extracted {counts['articles']} articles with extractors {EXTRACTOR_VERSION}: "
               + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "articles"))


@cli.command(name="reindex")
@_DB_OPTION
@click.option("--drop", is_flag=True, help="Remove the Tantivy index instead (searches use FTS5 only).")
def reindex_command(db_path: str, drop: bool) -> None:
    """Build (or rebuild) the Tantivy full-text index beside the store, kept in step from then on.

    The index lives in the folder <store>.tantivy; SQLite stays the source of truth, and every
    later load, update or delete is applied to the index after its commit. Needs the tantivy
    package (pip install 'warta[tantivy]').

    \b
    Example:
        warta reindex --db warta.db
    """
    from db.exceptions import StoreError

    store = _open_store(db_path)
    try:
        if drop:
            store.drop_text_index()
            click.echo(f"Tantivy index of {db_path} removed: searches use FTS5")
            return
        started = time.monotonic()
        n = store.rebuild_text_index()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    click.echo(f"Tantivy index of {db_path}: {n} articles in {time.monotonic() - started:.1f} s")


# --- pipeline: demo, crawl, ingest ----------------------------------------------------


def _print_run(stats: "RunStats") -> None:
    click.echo(
        f"articles: {stats.articles} (new {stats.inserted}, updated {stats.updated}, "
        f"unchanged {stats.unchanged}), failed URLs: {stats.failed_urls}, {stats.duration_s:.1f} s"
    )
    if stats.skipped:
        click.echo("skipped: " + ", ".join(f"{reason} {n}" for reason, n in stats.skipped.most_common()))
    if stats.facts:
        click.echo("facts: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.facts.items())))
    for failure in stats.failures[:10]:
        hint = _FAILURE_HINTS.get(failure.get("error_kind", ""), "")
        click.echo(f"  {'skipped' if failure.get('status') == 'skipped' else 'failed'} {failure['url']}: "
                   f"{failure['error']}{hint}", err=True)
    if len(stats.failures) > 10:
        click.echo(f"  ... and {len(stats.failures) - 10} more failed URLs (warta stats --json lists them)", err=True)


#: What to do about a kind of failed fetch, said after it by crawl and demo.
_FAILURE_HINTS = {
    "BlockedAddress": "; crawl a loopback or private address with --allow-private",
}


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Knowledge store to fill.")
def demo(db_path: str) -> None:
    """Crawl the bundled demo news site into the store, then show a summary and a search.

    The demo site (Tribunnews-, Antara- and Detik-style pages written for warta) is served
    on a free loopback port for the length of the command. Running it again adds no
    duplicates.

    \b
    Example:
        warta demo --db warta.db
    """
    from db.exceptions import StoreError
    from pipeline.run import demo as run_demo

    bar = _Progress("crawled")
    try:
        report = run_demo(db_path, progress=bar.run_stats)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()
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

    \b
    Example:
        warta crawl https://sumsel.tribunnews.com/rss --max-pages 50 --db warta.db
    """
    from db.exceptions import StoreError
    from pipeline.run import crawl

    bar = _Progress("crawled")
    try:
        stats = crawl(
            urls, db_path, max_pages=max_pages, allowed_hosts=allowed_hosts,
            fetch_settings={"delay": delay, "allow_private": allow_private}, progress=bar.run_stats,
        )
    except (ValueError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()
    _print_run(stats)
    if stats.articles == 0 and stats.failed_urls:
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
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Sites crawled at once (each site still gets one request at a time, delay apart).")
@click.option("--cluster", default=None, metavar="tcp://HOST:8786",
              help="Visit pages on the workers of this Dask scheduler (pip install 'warta[cluster]').")
def ingest_command(
    config_path: str | None, db_path: str, since: "datetime.datetime | None", until: "datetime.datetime | None",
    log_file: str | None, quiet: bool, sources: tuple[str, ...], jobs: int, cluster: str | None,
) -> None:
    """Nightly ingestion of the configured sources: discover, fetch, parse, extract, load.

    Incremental (conditional GETs, only new or changed pages), resumable after a crash,
    retries failed URLs on later runs, and holds a lock so runs never overlap. Exit codes:
    0 ok, 1 some URLs failed, 2 configuration error, 3 store error, 4 locked, 5 outage
    (everything failed, nothing fetched), 6 hung run holds the lock, 130 interrupted. --quiet still prints an outage and
    feeds failing run after run on stderr.

    \b
    Example:
        warta ingest --config sources.toml --db warta.db --log-file ingest.log --quiet
        warta ingest --source tribunsumsel --since 2024-01-01 --db warta.db
        warta ingest --config sources.toml --db warta.db --jobs 4
        warta ingest --config sources.toml --db warta.db --cluster tcp://10.0.0.5:8786
    """
    from pipeline import ingest as ing

    ing.configure_logging(log_file=log_file, quiet=quiet)
    show = ing.progress_line(sys.stderr) if sys.stderr.isatty() and not quiet else None
    try:
        summary = ing.run_ingest(config_path, db_path, sources=sources, progress=show, jobs=jobs, cluster=cluster,
                                 since=since.date() if since else None, until=until.date() if until else None)
    except (ing.ConfigError, ing.StoreError, ing.LockedError, KeyboardInterrupt) as exc:
        code = ing.exit_code_for(exc)
        click.echo(f"warta ingest: {ing.EXIT_LABELS[code]}: {exc}", err=True)
        sys.exit(code)
    if show is not None:
        click.echo("", err=True)
    if not quiet:
        click.echo("\n".join(summary.lines()))
    # an outage, and feeds failing run after run, reach stderr even in a quiet (cron) run
    for line in summary.alerts() if quiet else summary.alerts()[:1] if summary.outage else []:
        click.echo(line, err=True)
    sys.exit(summary.exit_code)


@cli.command(name="import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Knowledge store to fill (it remembers how far each archive was read).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes reading, parsing and extracting archives at once (one archive each).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Stop after this many articles; the next run goes on from there.")
@click.option("--host", "hosts", multiple=True,
              help="Only pages of this host and its subdomains, e.g. tribunnews.com (repeatable).")
@click.option("--url-filter", default=None, help="Only pages whose URL this regular expression matches.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Skip articles published before this day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Skip articles published after this day (YYYY-MM-DD).")
@click.option("--ner/--no-ner", "use_ner", default=True, show_default=True,
              help="Also use the statistical NER model (PER/LOC spans as extra candidates).")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Append JSON-lines logs (one record per article) to this file.")
@click.option("--quiet", is_flag=True, help="Print only errors (no progress, no summary).")
def import_warc_command(
    files: tuple[str, ...], db_path: str, jobs: int, limit: int | None, hosts: tuple[str, ...],
    url_filter: str | None, since: "datetime.datetime | None", until: "datetime.datetime | None",
    use_ner: bool, log_file: str | None, quiet: bool,
) -> None:
    """Import the news pages of WARC archives (.warc, .warc.gz; Common Crawl News or any crawler's).

    HTTP 200 HTML responses are parsed by the outlet's adapter (chosen by URL), their facts
    extracted and both stored, as warta ingest does; revisit and other records, non-HTML
    payloads and pages that are not articles are counted and skipped; damaged gzip members
    and records are reported with file and byte offset and read past. Resumable: a rerun
    after a crash or Ctrl-C goes on where the last one stopped, without duplicates. Exit
    codes: 0 ok, 1 some records failed or were unreadable, 2 bad option or not a WARC file,
    3 store error, 4 locked by another run, 130 interrupted.

    \b
    Example:
        warta import-warc CC-NEWS-20240301012345-00001.warc.gz --db warta.db
        warta import-warc crawl/*.warc.gz --jobs 4 --host tribunnews.com --since 2024-01-01
        warta import-warc site.warc --limit 100 --no-ner --db try.db
    """
    from pipeline import ingest as ing
    from pipeline.warc_import import ImportFilters, run_import_warc
    from scrapers.exceptions import ArchiveError

    ing.configure_logging(log_file=log_file, quiet=quiet)
    bar = _Progress("articles")
    show = bar if not quiet else None
    filters = ImportFilters(
        hosts=tuple(h.strip().lower().strip(".") for h in hosts if h.strip()), url_pattern=url_filter,
        since=since.date() if since else None, until=until.date() if until else None,
    )
    try:
        report = run_import_warc(
            files, db_path, jobs=jobs, limit=limit, filters=filters, use_ner=use_ner,
            progress=(lambda s: bar(s.parsed, None, f", {s.pages_fetched} pages read, "
                                    f"{s.failed + s.gave_up} failed")) if show else None,
        )
    except ArchiveError as exc:
        click.echo(f"warta import-warc: {exc}", err=True)
        sys.exit(ing.EXIT_CONFIG)
    except (ing.ConfigError, ing.StoreError, ing.LockedError, KeyboardInterrupt) as exc:
        code = ing.exit_code_for(exc)
        click.echo(f"warta import-warc: {ing.EXIT_LABELS[code]}: {exc}", err=True)
        sys.exit(code)
    finally:
        bar.close()
    if not quiet:
        click.echo("\n".join(report.lines()))
    sys.exit(report.exit_code)
