"""warta command line: one click group, each command a few lines calling a public function."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

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
