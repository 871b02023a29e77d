"""Gold officials aligned to their article text as OFFICIAL and POST spans (training data).

A gold official (``tests/fixtures/realnews/*.jsonl``) lists name variants and role variants as
strings. :func:`align_record` finds them, sentence by sentence:

- every mention of a name variant (longest first, no overlaps, word and token boundaries, not
  starting in lower case: as :func:`extractors.gold_spans.find_spans`) is a *name mention*;
- the official's *post* in that sentence is the match of one of its role variants
  (case-blind, longest variant first, so "Ketua Umum BADKO HMI Sumbagsel" with its body words
  wins over "Ketua") nearest to the name mention, at most :data:`MAX_GAP` characters away;
  two officials never share a post, nearer pairs are taken first;
- a name mention with a post becomes ``OFFICIAL`` and its post ``POST``;
- a name mention without a post in its sentence ("kata Tommy") is left *missing*
  (:data:`MISSING`): the person is an official, but nothing in the sentence says so;
- every other token of a sentence holding an aligned pair is ``O``: the gold set lists every
  official of the article, so another capitalised name there is a person without a post (``O``
  too) and a post without a name ("Bupati mengatakan") is no official's post as written;
- a sentence without a pair is kept as a *negative* (all ``O``) when it holds a position word
  (``data/positions.txt``) and no mention of any gold name or role: the model then sees
  posts written without an official, which is where the pipeline runs it.

Sentences and tokens are warta's own (:func:`extractors.text.sentence_spans`, the tokenizer of
:mod:`extractors.tokenizer`), whitespace tokens dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokenizer import Tokenizer

from extractors import lexicon
from extractors.gold_spans import BLOCK, find_spans
from extractors.ner_eval import MISSING, TaggedSentence
from extractors.text import clean_spaces, sentence_spans

logger = logging.getLogger(__name__)

#: The labels of the officials span model.
OFFICIAL, POST = "OFFICIAL", "POST"
SPAN_LABELS: tuple[str, ...] = (OFFICIAL, POST)
#: How far (characters between the two spans) a post may sit from the name it belongs to.
MAX_GAP = 60


@dataclass(slots=True)
class OfficialAlignCounts:
    """What aligning gold officials found (per gold official and per sentence)."""

    officials: int = 0
    named: int = 0
    """Officials with at least one name mention in the text."""
    posted: int = 0
    """Officials with at least one name mention paired with a post."""
    pairs: int = 0
    off_token: int = 0
    sentences: int = 0
    negatives: int = 0

    def format(self) -> str:
        """One line: officials aligned by name and by name and post, sentences made."""
        total = max(self.officials, 1)
        return (f"{self.officials} gold officials: {self.named} named in the text ({self.named / total:.1%}), "
                f"{self.posted} with a post beside a name ({self.posted / total:.1%}); {self.pairs} pairs in "
                f"{self.sentences} sentences, {self.negatives} negative sentences, {self.off_token} spans off "
                "token boundaries")


def _variants(item: Mapping[str, Any], key: str) -> list[str]:
    values = item.get(key) or []
    out = [clean_spaces(str(v)) for v in ([values] if isinstance(values, str) else values)]
    return sorted({v for v in out if len(v) >= 2 and not v.endswith(")")}, key=lambda v: (-len(v), v))


def _role_spans(sentence: str, offset: int, roles: list[str]) -> list[tuple[int, int]]:
    """Matches of ``roles`` (longest first) in ``sentence``, case-blind, no overlaps, as text offsets."""
    taken = bytearray(len(sentence))
    out = []
    for role in roles:
        words = r"\s+".join(re.escape(w) for w in role.split())
        for m in re.finditer(rf"(?<!\w){words}(?!\w)", sentence, re.IGNORECASE):
            a, b = m.span()
            if not any(taken[a:b]):
                taken[a:b] = b"\x01" * (b - a)
                out.append((offset + a, offset + b))
    return out


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(a[0], b[0]) - min(a[1], b[1])


def _has_position(tokens: list[str]) -> bool:
    firsts = lexicon.positions_by_first()
    low = [t.lower() for t in tokens]
    return any(tuple(low[i : i + len(p)]) == p for i, t in enumerate(low) for p in firsts.get(t, ()))


def align_record(record: Mapping[str, Any], tokenizer: Tokenizer, counts: OfficialAlignCounts | None = None,
                 negatives: bool = True) -> list[TaggedSentence]:
    """Tag a gold record's sentences with OFFICIAL / POST / O (see the module docstring).

    Args:
        record: A gold record with ``text`` and ``gold`` (``officials``: ``name`` and ``role`` lists).
        tokenizer: warta's tokenizer (``spacy.blank("id", config=TOKENIZER_CONFIG).tokenizer``).
        counts: Updated with what was found, when given.
        negatives: Also return the sentences holding a position word and no gold name or role, all ``O``.

    Returns:
        The sentences with at least one name-post pair, then the negative ones.
    """
    counts = counts if counts is not None else OfficialAlignCounts()
    text = str(record["text"])
    officials = (record.get("gold") or {}).get("officials") or []
    # a string under two officials is ambiguous: left out
    owners: dict[str, set[int]] = {}
    for k, item in enumerate(officials):
        for name in _variants(item, "name"):
            owners.setdefault(name.lower(), set()).add(k)
    strings = [(name, str(k)) for k, item in enumerate(officials) for name in _variants(item, "name")
               if len(owners[name.lower()]) == 1]
    strings.sort(key=lambda pair: (-len(pair[0]), pair[0]))
    mentions = find_spans(text, [(s, label) for s, label in strings if label != BLOCK])
    roles = [_variants(item, "role") for item in officials]
    all_roles = sorted({r for rs in roles for r in rs}, key=lambda v: (-len(v), v))
    counts.officials += len(officials)
    named: set[int] = {int(label) for _a, _b, label in mentions}
    posted: set[int] = set()
    pairs_out: list[TaggedSentence] = []
    negatives_out: list[TaggedSentence] = []
    for s_start, s_end in sentence_spans(text):
        sentence = text[s_start:s_end]
        inside = [(a, b, int(label)) for a, b, label in mentions if a >= s_start and b <= s_end]
        candidates: list[tuple[int, int, int, tuple[int, int]]] = []  # (gap, mention index, official, post)
        for m, (a, b, k) in enumerate(inside):
            for post in _role_spans(sentence, s_start, roles[k]):
                if any(pa < post[1] and post[0] < pb for pa, pb, _k in inside):
                    continue  # a role word inside a name
                gap = _gap((a, b), post)
                if 0 <= gap <= MAX_GAP:
                    candidates.append((gap, m, k, post))
        chosen: dict[int, tuple[int, int]] = {}
        posts: list[tuple[int, int]] = []
        for _gap_, m, _k, post in sorted(candidates):
            if m in chosen or any(pa < post[1] and post[0] < pb for pa, pb in posts):
                continue
            chosen[m] = post
            posts.append(post)
        tokens = [t for t in tokenizer(sentence) if not t.is_space]
        words = [t.text for t in tokens]
        if not chosen:
            if negatives and not inside and _has_position(words) \
                    and not _role_spans(sentence, s_start, all_roles):
                negatives_out.append(TaggedSentence(words, ["O"] * len(words)))
            continue
        starts = {s_start + t.idx: i for i, t in enumerate(tokens)}
        ends = {s_start + t.idx + len(t.text): i for i, t in enumerate(tokens)}
        tags = ["O"] * len(tokens)
        spans = [(a, b, OFFICIAL if m in chosen else MISSING) for m, (a, b, _k) in enumerate(inside)]
        spans += [(a, b, POST) for a, b in posts]
        ok = True
        for a, b, label in spans:
            first, last = starts.get(a), ends.get(b)
            if first is None or last is None:
                counts.off_token += 1
                ok = ok and label == MISSING
                continue
            for i in range(first, last + 1):
                tags[i] = MISSING if label == MISSING else f"{'B' if i == first else 'I'}-{label}"
        if not ok:
            continue  # a pair we cannot tag whole would teach its tokens are O
        posted.update(inside[m][2] for m in chosen)
        counts.pairs += len(chosen)
        pairs_out.append(TaggedSentence(words, tags))
    counts.named += len(named)
    counts.posted += len(posted)
    counts.sentences += len(pairs_out)
    counts.negatives += len(negatives_out)
    return pairs_out + negatives_out


def align_records(records: Iterable[Mapping[str, Any]], tokenizer: Tokenizer,
                  counts: OfficialAlignCounts | None = None, negatives: bool = True) -> list[TaggedSentence]:
    """Align every gold record (with ``text`` and ``gold``); see :func:`align_record`."""
    counts = counts if counts is not None else OfficialAlignCounts()
    out: list[TaggedSentence] = []
    for record in records:
        out.extend(align_record(record, tokenizer, counts, negatives))
    logger.info("%s", counts.format())
    return out
