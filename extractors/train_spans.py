"""Train warta's officials span model (OFFICIAL, POST) from the real-news gold set.

Recipe (reproducible, CPU only, no vectors):

1. Align the gold officials of ``tests/fixtures/realnews/train.jsonl``, ``train2.jsonl`` and ``train3.jsonl`` to their texts as
   OFFICIAL (a name with its post in the sentence) and POST (that post as written) spans, plus
   negative sentences holding a position word and no official (:mod:`extractors.official_spans`);
   the same for ``dev.jsonl``, which only chooses the checkpoint. The blind test splits are
   refused (:func:`check_splits`); every text read (as joined from ``../shared/data/news``) is
   first run through the shared ``eval/check_reserved.py`` and anything it flags stops the run.
2. Train :data:`CONFIG_PATH` with the NER training loop of :mod:`extractors.train_ner`
   (evaluating on dev every ``eval_frequency`` steps, keeping the best checkpoint after at least
   one update, wall-clock cap).
3. Write it to a NEW folder ``extractors/models/officials_spans-YYYYMMDD-HHMMSS/`` (or
   ``--output``); a run that ends before its first update writes nothing, a folder holding
   anything but a warta span model is never written. ``--replace`` then swaps it in for the
   shipped model (:data:`SHIPPED_MODEL`) when its dev F1 is not lower (or with ``--force``).
   The saved vocabulary keeps only the labels (:func:`keep_label_strings`): no word of the
   training texts ships.

Run ``warta train-spans`` or ``python -m extractors.train_spans``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language

from extractors.exceptions import ModelFolderError, ReservedDataError
from extractors.ner_eval import TaggedSentence
from extractors.train_ner import GoldSpanSource, TrainResult, install_model, is_warta_model, train_model

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

logger = logging.getLogger(__name__)

#: The spaCy config the span model is trained from.
CONFIG_PATH = Path(__file__).resolve().parent / "spans_config.cfg"
#: The shipped span model (replaced only with ``--replace``).
SHIPPED_MODEL = Path(__file__).resolve().parent / "models" / "officials_spans"
MODEL_NAME = "officials_spans"
MODEL_VERSION = "0.3.0"
_REALNEWS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "realnews"
#: The gold splits trained on and choosing the checkpoint.
TRAIN_GOLDS = (_REALNEWS / "train.jsonl", _REALNEWS / "train2.jsonl", _REALNEWS / "train3.jsonl")
DEV_GOLD = _REALNEWS / "dev.jsonl"
#: Gold files never read here: the blind splits only the final scoring of a round may see.
BLIND_NAMES = frozenset({"test.jsonl", "test2.jsonl", "test3.jsonl"})


@dataclass(frozen=True, slots=True)
class OfficialSpanSource(GoldSpanSource):
    """An extraction gold file whose officials are aligned as OFFICIAL / POST spans
    (:func:`extractors.official_spans.align_records`), with negative sentences."""

    def align(self, records: list[dict[str, Any]], tokenizer: Tokenizer) -> list[TaggedSentence]:
        """The aligned sentences of every record (pairs first, then negatives, per record)."""
        from extractors.official_spans import align_records

        return align_records(records, tokenizer)

    def absent_hint(self) -> str:
        """What to do when the records' texts are not in the shared news corpus."""
        return ": pass --shared pointing at the folder holding data/news"


def check_splits(*golds: Path) -> None:
    """Refuse the blind test split (and anything named like it) as training or dev data.

    Raises:
        ReservedDataError: naming the file.
    """
    for gold in golds:
        if Path(gold).name in BLIND_NAMES:
            raise ReservedDataError(f"{gold} is a blind test split: it is never trained or tuned on; "
                                    "train on train.jsonl, train2.jsonl and train3.jsonl and choose the checkpoint on dev.jsonl")


def describe(train_golds: Sequence[Path], dev_gold: Path) -> Callable[[Language], None]:
    """A ``describe`` callback for :func:`extractors.train_ner.train_model`: the span model's meta."""

    def set_meta(nlp: Language) -> None:
        nlp.meta.update({
            "name": MODEL_NAME,
            "version": MODEL_VERSION,
            "description": "Officials in Indonesian news: OFFICIAL (a person named with a post) and POST "
            "(that post as written) spans; hash-embedding CNN + transition-based NER, CPU, no vectors. "
            f"Trained on the gold officials of {_names(train_golds)} (warta real-news gold set) aligned as "
            f"spans; checkpoint chosen on {Path(dev_gold).name}.",
            "license": "MIT (model); training data: warta's own gold annotations of news texts (CC-BY-4.0 "
            "CLICK-ID texts; lampung-, ciletuh- texts with no licence stated, which are not redistributed: "
            "only the model's weights ship, never the texts)",
            "sources": [{"name": "warta real-news gold set", "url": "tests/fixtures/realnews/README.md",
                         "splits": {"train": _names(train_golds), "dev": Path(dev_gold).name},
                         "author": "warta annotators (two passes)"}],
        })

    return set_meta


def train_spans(
    shared: Path,
    output: Path | None = None,
    max_minutes: float = 30.0,
    overrides: dict[str, object] | None = None,
    train_gold: Path | Sequence[Path] = TRAIN_GOLDS,
    dev_gold: Path = DEV_GOLD,
    shipped: Path = SHIPPED_MODEL,
    config_path: Path = CONFIG_PATH,
) -> TrainResult:
    """Align the gold officials, train the span model and write the best checkpoint to a new folder.

    Args:
        shared: The shared data folder (``data/news`` for the texts, ``eval/check_reserved.py``).
        output: A new or empty folder, or an earlier span model; beside ``shipped`` when None.
        max_minutes: Wall-clock cap on the training loop.
        overrides: Config overrides (dotted keys, e.g. ``{"training.max_steps": 3}``).
        train_gold: The gold file (or files) trained on.
        dev_gold: The gold file the checkpoint is chosen on.
        shipped: The shipped model, never an output.
        config_path: The spaCy config.

    Returns:
        The run's :class:`extractors.train_ner.TrainResult`.

    Raises:
        ReservedDataError: A gold file is the blind split, or ``check_reserved.py`` flags a text.
        ModelFolderError: ``output`` holds something other than a span model, or is ``shipped``.
        UntrainedModelError: Training ended before one update, or no sentence aligned; nothing is written.
    """
    train_golds = [Path(train_gold)] if isinstance(train_gold, (str, Path)) else [Path(g) for g in train_gold]
    check_splits(*train_golds, dev_gold)
    result = train_model(
        shared, output, max_minutes, config_path, overrides,
        train_sources=tuple(OfficialSpanSource(f"realnews-{g.stem}-officials", g) for g in train_golds),
        shipped=shipped,
        dev_sources=(OfficialSpanSource("realnews-dev-officials", Path(dev_gold), split="dev"),),
        model_name=MODEL_NAME,
        describe=describe(train_golds, dev_gold),
    )
    keep_label_strings(result.output)
    return result


def _names(golds: Sequence[Path]) -> str:
    return " and ".join(Path(g).name for g in golds)


def keep_label_strings(model: Path) -> None:
    """Drop every string but the labels from a saved span model's ``vocab/strings.json``.

    spaCy saves each word type the training texts held; the hash embeddings do not need them
    (predictions are identical without them), and the texts' words are not ours to ship.
    """
    meta = json.loads((Path(model) / "meta.json").read_text(encoding="utf-8"))
    labels = sorted({label for names in (meta.get("labels") or {}).values() for label in names})
    (Path(model) / "vocab" / "strings.json").write_text(json.dumps(labels), encoding="utf-8")


def dev_f1(model: Path) -> float:
    """The dev F1 a span model's ``meta.json`` records for its checkpoint (0.0 when none)."""
    try:
        meta = json.loads((Path(model) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0.0
    return float((meta.get("performance") or {}).get("ents_f") or 0.0)


def replace_shipped(new: Path, target: Path = SHIPPED_MODEL, force: bool = False) -> bool:
    """Swap ``new`` in for ``target`` when its dev F1 is not lower than the shipped one's (or ``force``).

    Returns:
        True when the model was replaced.

    Raises:
        ModelFolderError: ``new`` is no span model or ``target`` holds anything else.
    """
    if not is_warta_model(new, MODEL_NAME):
        raise ModelFolderError(f"{new} holds no span model (config.cfg + meta.json named {MODEL_NAME!r})")
    old, fresh = dev_f1(target) if is_warta_model(target, MODEL_NAME) else 0.0, dev_f1(new)
    if fresh < old and not force:
        logger.warning("the new model's dev F1 %.3f is below the shipped one's %.3f: not replaced (add --force)",
                       fresh, old)
        return False
    install_model(new, target, MODEL_NAME)
    from extractors.spans import _load

    _load.cache_clear()
    return True


def main() -> None:
    """Command-line entry point (``python -m extractors.train_spans``)."""
    import argparse

    parser = argparse.ArgumentParser(description="Train warta's officials span model (OFFICIAL, POST).")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--max-minutes", type=float, default=30.0)
    parser.add_argument("--replace", action="store_true", help="swap the new model in when its dev F1 is not lower")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result = train_spans(args.shared, args.output, args.max_minutes)
    logger.info("model written to %s (dev F1 %.3f, step %d of %d, %.0f s)", result.output, result.best_dev_f1,
                result.best_step, result.steps, result.seconds)
    if args.replace:
        replace_shipped(result.output)


if __name__ == "__main__":
    main()
