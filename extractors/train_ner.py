"""Train warta's Indonesian news NER model (PER, ORG, LOC) from the shared corpora.

Recipe (reproducible, CPU only, no pretrained vectors):

1. Convert idner-news-2k ``train.txt``/``dev.txt`` and IndoLEM NER UGM
   ``train.01.tsv``/``dev.01.tsv`` into spaCy ``DocBin`` files in a temporary folder
   (IndoLEM PERSON/ORGANIZATION/LOCATION -> PER/ORG/LOC; TIME and QUANTITY -> O).
   The test splits (idner ``test.txt``, IndoLEM ``test.01.tsv``) are never read here.
2. Train :data:`CONFIG_PATH` with spaCy's training loop, evaluating on the joined dev
   sets every ``eval_frequency`` steps and keeping the best checkpoint, until
   ``patience``/``max_steps`` in the config or the wall-clock cap is reached.
3. Write the best checkpoint to ``extractors/models/id_news_ner/`` (or ``--output``).

Run ``warta train-ner`` or ``python -m extractors.train_ner``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from extractors.exceptions import ExtractionError, TrainingDataMissing
from extractors.ner_eval import TaggedSentence, read_conll, read_tsv

logger = logging.getLogger(__name__)

#: The spaCy config the model is trained from.
CONFIG_PATH = Path(__file__).resolve().parent / "ner_config.cfg"
#: Where the trained model is written (and shipped) by default.
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "models" / "id_news_ner"
#: Training corpora inside the shared data folder: (path, format, copies) per file.
#: idner-news-2k is read twice: it is the hand-standardised set (acronyms such as KPK,
#: TNI, DPRD are ORG), while NER UGM often leaves such acronyms ``O``; doubling idner
#: makes its conventions win where the two disagree.
TRAIN_FILES: tuple[tuple[str, str, int], ...] = (
    ("data/ner/idner-news-2k/train.txt", "conll", 2),
    ("data/ner/indolem-nerugm/train.01.tsv", "tsv", 1),
)
DEV_FILES: tuple[tuple[str, str, int], ...] = (
    ("data/ner/idner-news-2k/dev.txt", "conll", 1),
    ("data/ner/indolem-nerugm/dev.01.tsv", "tsv", 1),
)
MODEL_NAME = "id_news_ner"
MODEL_VERSION = "0.1.0"

_NO_SPACE_BEFORE = {",", ".", ")", "]", "}", ":", ";", "!", "?", "%", "'s"}
_NO_SPACE_AFTER = {"(", "[", "{"}


@dataclass(slots=True)
class TrainResult:
    """What a training run produced."""

    output: Path
    best_dev_f1: float
    steps: int
    seconds: float
    train_sentences: int
    dev_sentences: int


def repair_iob(tags: list[str]) -> list[str]:
    """Turn a stray ``I-X`` (not continuing an ``X`` entity) into ``B-X`` so spaCy accepts the tags."""
    fixed: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


def sentence_to_doc(vocab: Vocab, sentence: TaggedSentence) -> Doc:
    """Build a spaCy ``Doc`` over a sentence's own tokens with its entities set.

    Spaces follow plain news typesetting (none before ``,`` ``.`` ``)``, none after
    ``(``), so ``doc.text`` reads like the article and re-tokenises the same way
    with ``spacy.blank("id")``.
    """
    words = sentence.tokens
    spaces = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        spaces.append(nxt is not None and nxt not in _NO_SPACE_BEFORE and word not in _NO_SPACE_AFTER)
    return Doc(vocab, words=words, spaces=spaces, ents=repair_iob(sentence.tags))


def _read_split(shared: Path, files: tuple[tuple[str, str, int], ...]) -> list[TaggedSentence]:
    sentences: list[TaggedSentence] = []
    for relative, fmt, copies in files:
        path = shared / relative
        if not path.is_file():
            raise TrainingDataMissing(
                f"{path} not found: pass --shared pointing at the shared data folder "
                "(the one holding data/ner/idner-news-2k and data/ner/indolem-nerugm)"
            )
        sentences.extend((read_conll(path) if fmt == "conll" else read_tsv(path)) * copies)
    return sentences


def convert_corpora(
    shared: Path, out_dir: Path, train_files: tuple[tuple[str, str, int], ...] = TRAIN_FILES
) -> tuple[Path, Path, int, int]:
    """Write the training and dev corpora as ``train.spacy`` and ``dev.spacy`` DocBins.

    Args:
        shared: The shared data folder (holding ``data/ner/...``).
        out_dir: Folder to write the two DocBin files into.
        train_files: ``(path, format, copies)`` of the training corpora.

    Returns:
        ``(train_path, dev_path, train_sentences, dev_sentences)``.
    """
    vocab = Vocab()  # DocBin keeps only strings and attributes: no language data needed
    counts = []
    paths = []
    for name, files in (("train", train_files), ("dev", DEV_FILES)):
        sentences = _read_split(shared, files)
        bin_ = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
        for sentence in sentences:
            bin_.add(sentence_to_doc(vocab, sentence))
        path = out_dir / f"{name}.spacy"
        bin_.to_disk(path)
        counts.append(len(sentences))
        paths.append(path)
        logger.info("%s: %d sentences -> %s", name, len(sentences), path)
    return paths[0], paths[1], counts[0], counts[1]


def _set_meta(nlp: spacy.language.Language) -> None:
    nlp.meta.update(
        {
            "name": MODEL_NAME,
            "version": MODEL_VERSION,
            "description": "Indonesian news NER (PER, ORG, LOC): hash-embedding CNN + "
            "transition-based NER, CPU, no vectors. Trained on idner-news-2k train/dev "
            "and IndoLEM NER UGM fold 1 train/dev.",
            "license": "MIT (model); training data: idner-news-2k MIT, IndoLEM NER UGM CC-BY-4.0",
            "sources": [
                {
                    "name": "idner-news-2k",
                    "url": "https://github.com/khairunnisaor/idner-news-2k",
                    "license": "MIT",
                    "author": "Khairunnisa, Imankulova, Komachi (AACL-IJCNLP 2020 SRW)",
                },
                {
                    "name": "IndoLEM NER UGM",
                    "url": "https://github.com/indolem/indolem",
                    "license": "CC-BY-4.0",
                    "author": "Koto et al. (COLING 2020); corpus by M. Fachri (2014)",
                },
            ],
        }
    )


def train_model(
    shared: Path,
    output: Path = DEFAULT_OUTPUT,
    max_minutes: float = 25.0,
    config_path: Path = CONFIG_PATH,
    overrides: dict[str, object] | None = None,
    train_files: tuple[tuple[str, str, int], ...] = TRAIN_FILES,
) -> TrainResult:
    """Convert the corpora, train the NER model and write the best checkpoint to ``output``.

    Args:
        shared: The shared data folder (holding ``data/ner/...``).
        output: Model folder to (re)write.
        max_minutes: Wall-clock cap on the training loop; the best checkpoint so far is kept.
        config_path: spaCy training config.
        overrides: Extra config overrides (dotted keys, e.g. ``{"training.max_steps": 200}``).
        train_files: ``(path, format, copies)`` of the training corpora.

    Returns:
        A :class:`TrainResult` with the best dev F1 and the run's size.
    """
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import (
        create_evaluation_callback,
        create_train_batches,
        train_while_improving,
        update_meta,
    )
    from spacy.schemas import ConfigSchemaTraining
    from spacy.util import load_config, registry, resolve_dot_names
    from thinc.api import fix_random_seed

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="warta-ner-") as tmp:
        workdir = Path(tmp)
        train_path, dev_path, n_train, n_dev = convert_corpora(Path(shared), workdir, train_files)
        settings: dict[str, object] = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
        settings.update(overrides or {})
        config = load_config(config_path, overrides=settings, interpolate=False)
        nlp = init_nlp(config)
        config = nlp.config.interpolate()
        fix_random_seed(config["training"]["seed"])
        T = registry.resolve(config["training"], schema=ConfigSchemaTraining)
        train_corpus, dev_corpus = resolve_dot_names(config, [T["train_corpus"], T["dev_corpus"]])
        optimizer = T["optimizer"]
        steps = train_while_improving(
            nlp,
            optimizer,
            create_train_batches(nlp, train_corpus, T["batcher"], T["max_epochs"]),
            create_evaluation_callback(nlp, dev_corpus, T["score_weights"]),
            dropout=T["dropout"],
            accumulate_gradient=T["accumulate_gradient"],
            patience=T["patience"],
            max_steps=T["max_steps"],
            eval_frequency=T["eval_frequency"],
            exclude=T["frozen_components"],
            annotating_components=T["annotating_components"],
            before_update=T["before_update"],
        )
        best_dir = workdir / "model-best"
        best = -1.0
        last_step = 0
        deadline = started + max_minutes * 60
        for _batch, info, is_best in steps:
            last_step = info["step"]
            if is_best is not None:
                scores = info["other_scores"]
                logger.info(
                    "epoch %d step %d loss %.1f dev P %.3f R %.3f F %.3f (%ds)",
                    info["epoch"], info["step"], info["losses"].get("ner", 0.0),
                    scores.get("ents_p", 0.0), scores.get("ents_r", 0.0), scores.get("ents_f", 0.0),
                    info["seconds"],
                )
                if is_best:
                    best = info["score"]
                    update_meta(T, nlp, info)
                    _set_meta(nlp)
                    with nlp.use_params(optimizer.averages):
                        nlp.to_disk(best_dir)
            if time.monotonic() > deadline:
                logger.warning("stopping after %.1f minutes (the --max-minutes cap) at step %d", max_minutes, last_step)
                break
        if not best_dir.is_dir():
            raise ExtractionError("training produced no checkpoint: raise --max-minutes or lower eval_frequency")
        output = Path(output)
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(best_dir, output)
    seconds = time.monotonic() - started
    logger.info("best dev F1 %.3f after %d steps in %.0fs -> %s", best, last_step, seconds, output)
    return TrainResult(output, best, last_step, seconds, n_train, n_dev)


def main() -> None:
    """Command-line entry point: ``python -m extractors.train_ner [SHARED] [OUTPUT] [MAX_MINUTES]``."""
    import argparse

    parser = argparse.ArgumentParser(description="Train warta's Indonesian news NER model.")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--max-minutes", type=float, default=25.0)
    parser.add_argument("--config", type=Path, default=CONFIG_PATH)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    train_model(args.shared, args.output, args.max_minutes, args.config)


if __name__ == "__main__":
    main()
