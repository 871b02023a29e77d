"""warta's officials span model (OFFICIAL, POST): loading and tagging sentences.

The model (``extractors/models/officials_spans``, trained by :mod:`extractors.train_spans`) is a
spaCy pipeline with one self-contained ``ner`` component. Only plain tuples leave this module.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language

from extractors.tokenizer import TOKENIZER_CONFIG

logger = logging.getLogger(__name__)

#: Folder of the shipped span model.
MODEL_DIR: Path = Path(__file__).resolve().parent / "models" / "officials_spans"


def load_model(path: Path | None = None) -> Language | None:
    """Load the span model once per process (cached per folder); None (logged) when it is absent."""
    return _load(Path(path).resolve() if path is not None else MODEL_DIR)


@functools.lru_cache(maxsize=4)
def _load(model_dir: Path) -> Language | None:
    if not (model_dir / "config.cfg").is_file():
        logger.warning("officials span model not found at %s: run `warta train-spans --replace`; "
                       "officials come from the rules alone", model_dir)
        return None
    return spacy.load(model_dir, exclude=["tokenizer"], config=TOKENIZER_CONFIG)


def tag_spans(model: Language, text: str, sentences: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The model's spans in the given pieces of ``text``, each tagged on its own.

    Args:
        model: A loaded span model.
        text: The article text.
        sentences: ``(start, end)`` character offsets of the sentences (or windows of them) to tag.

    Returns:
        ``(start, end, label)`` spans, offsets into ``text``, in text order.
    """
    out: list[tuple[int, int, str]] = []
    docs = model.pipe(text[s:e] for s, e in sentences)
    for (s, _e), doc in zip(sentences, docs):
        out.extend((s + ent.start_char, s + ent.end_char, ent.label_) for ent in doc.ents)
    return out
