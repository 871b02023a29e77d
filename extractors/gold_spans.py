"""Gold facts of an extraction gold set, aligned to their article text as NER training spans.

An extraction gold record (``tests/fixtures/realnews/*.jsonl``, read with
:func:`extractors.evaluate.read_gold`) lists strings, not offsets: officials' names, every
variant of each institution's name, every variant of each place's name. :func:`align_record`
finds them in the text and tags the tokens they cover:

- official names -> ``PER``, institution names -> ``ORG``, place names -> ``LOC``;
- longest string first; a match may not overlap one already taken, must sit at word boundaries
  (``Lampung`` is not found inside ``Lampungnya``) and on token boundaries, and is case-blind
  except that it must not start with a lower-case letter ("kota" in running text is no place);
- a string given under two types in one record is ambiguous and left out; a variant ending in a
  parenthesis (``Ikatan Wartawan Online (IWO)``) is left out too (the NER corpora tag a name and its
  acronym apart, as the shorter variants give them); a variant with words after a parenthesis
  (``Badan ... (BADKO HMI) Sumatera Bagian Selatan``) gives no span but blocks the shorter strings
  inside it (the region there is part of a name, not a place of its own): its tokens stay missing;
- every other token is *missing* (:data:`MISSING`, spaCy's ``-``), never ``O``: the gold set
  annotates only officials (people with a position) and the bodies and places of the article,
  so a person named without a post or a company may be there, untagged.

Sentences come from :func:`extractors.text.sentence_spans`, tokens from warta's tokenizer
(whitespace tokens dropped); a sentence without any aligned span is left out (it would teach
nothing).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokenizer import Tokenizer

from extractors.ner_eval import MISSING, TaggedSentence
from extractors.text import clean_spaces, sentence_spans

logger = logging.getLogger(__name__)

#: Gold fact type -> NER label.
GOLD_LABELS: dict[str, str] = {"officials": "PER", "institutions": "ORG", "places": "LOC"}
#: The label of a string that is matched only to keep shorter strings out of it (no span).
BLOCK = ""


@dataclass(slots=True)
class AlignCounts:
    """What aligning one or more records found."""

    strings: int = 0
    spans: int = 0
    off_token: int = 0
    ambiguous: int = 0
    sentences: int = 0


def gold_strings(gold: Mapping[str, Any]) -> tuple[list[tuple[str, str]], int]:
    """The ``(string, label)`` pairs of a record's gold facts, and how many were ambiguous.

    Args:
        gold: A gold record's ``gold`` mapping (``officials``, ``institutions``, ``places`` lists,
            each item with a ``name`` list of variants).

    Returns:
        The unambiguous pairs (a string under one label only), longest first; a variant with
        words after a parenthesis gets the label :data:`BLOCK`, one ending in one is left out.
    """
    labels: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for key, label in GOLD_LABELS.items():
        for item in gold.get(key) or []:
            names = item.get("name") or []
            for name in [names] if isinstance(names, str) else names:
                name = clean_spaces(str(name))
                if len(name) < 2:
                    continue
                labels.setdefault(name.lower(), set()).add(label)
                spelled.setdefault(name.lower(), name)
    pairs = [(spelled[low], BLOCK if ")" in low.rstrip(")") else next(iter(kinds)))
             for low, kinds in labels.items() if len(kinds) == 1 and not low.endswith(")")]
    ambiguous = sum(1 for kinds in labels.values() if len(kinds) > 1)
    pairs.sort(key=lambda pair: (-len(pair[0]), pair[0]))
    return pairs, ambiguous


def _pattern(string: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in string.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def find_spans(text: str, strings: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, label)`` of ``strings`` in ``text``: longest first, no overlaps.

    Args:
        text: The article text.
        strings: ``(string, label)`` pairs, tried in the order given (longest first).

    Returns:
        The spans, sorted by start (none for strings labelled :data:`BLOCK`).
    """
    taken = bytearray(len(text))
    spans: list[tuple[int, int, str]] = []
    for string, label in strings:
        for match in _pattern(string).finditer(text):
            start, end = match.span()
            if match.group()[0].islower() or any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            if label != BLOCK:
                spans.append((start, end, label))
    spans.sort()
    return spans


def align_text(
    text: str, strings: list[tuple[str, str]], tokenizer: Tokenizer, counts: AlignCounts | None = None
) -> list[TaggedSentence]:
    """Tag the tokens of ``text`` that ``strings`` cover; all others :data:`MISSING`.

    Args:
        text: The article text.
        strings: ``(string, label)`` pairs, longest first (:func:`gold_strings`).
        tokenizer: warta's tokenizer (``spacy.blank("id", config=TOKENIZER_CONFIG).tokenizer``).
        counts: Updated with what was found, when given.

    Returns:
        One :class:`TaggedSentence` per sentence holding at least one aligned span.
    """
    counts = counts if counts is not None else AlignCounts()
    spans = find_spans(text, strings)
    counts.strings += sum(1 for _s, label in strings if label != BLOCK)
    sentences: list[TaggedSentence] = []
    for s_start, s_end in sentence_spans(text):
        inside = [(a, b, label) for a, b, label in spans if a >= s_start and b <= s_end]
        if not inside:
            continue
        tokens = [t for t in tokenizer(text[s_start:s_end]) if not t.is_space]
        starts = {s_start + t.idx: i for i, t in enumerate(tokens)}
        ends = {s_start + t.idx + len(t.text): i for i, t in enumerate(tokens)}
        tags = [MISSING] * len(tokens)
        for a, b, label in inside:
            first, last = starts.get(a), ends.get(b)
            if first is None or last is None:
                counts.off_token += 1
                continue
            tags[first] = f"B-{label}"
            for i in range(first + 1, last + 1):
                tags[i] = f"I-{label}"
            counts.spans += 1
        if any(tag != MISSING for tag in tags):
            sentences.append(TaggedSentence([t.text for t in tokens], tags))
    counts.sentences += len(sentences)
    return sentences


def align_records(records: Iterable[Mapping[str, Any]], tokenizer: Tokenizer,
                  counts: AlignCounts | None = None) -> list[TaggedSentence]:
    """Align every gold record (with ``text`` and ``gold``) to its text; see :func:`align_text`."""
    counts = counts if counts is not None else AlignCounts()
    sentences: list[TaggedSentence] = []
    for record in records:
        strings, ambiguous = gold_strings(record.get("gold") or {})
        counts.ambiguous += ambiguous
        sentences.extend(align_text(str(record["text"]), strings, tokenizer, counts))
    logger.info("aligned %d gold strings: %d spans in %d sentences (%d off token boundaries, %d ambiguous)",
                counts.strings, counts.spans, counts.sentences, counts.off_token, counts.ambiguous)
    return sentences
