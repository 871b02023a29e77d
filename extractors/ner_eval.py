"""Read token-tagged NER corpora and score entity spans the strict (seqeval) way.

Two layouts are read, both one token per line with a blank line between sentences:

* ``conll``: space-separated columns, the tag last (``TOKEN POS TAG``, idner-news-2k);
  CRLF line endings are accepted.
* ``tsv``: ``TOKEN<TAB>TAG`` (IndoLEM NER UGM).

Tags are IOB2 (``B-X``, ``I-X``, ``O``). Type names are mapped to warta's labels
(``PERSON`` -> ``PER`` ...) and types outside :data:`LABELS` become ``O``.

Scoring follows seqeval's strict mode for IOB2: an entity is a ``B-X`` followed by
``I-X`` tokens; it counts as correct only when the gold entity has the same start,
end and type. An ``I-X`` that does not continue a ``B-X``/``I-X`` run starts no entity.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from extractors.exceptions import NerDataError

logger = logging.getLogger(__name__)

#: The entity types warta's NER model predicts.
LABELS: tuple[str, ...] = ("PER", "ORG", "LOC")

#: Type names of the shipped corpora mapped onto :data:`LABELS`.
DEFAULT_LABEL_MAP: dict[str, str] = {
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOCATION": "LOC",
}

CorpusFormat = Literal["conll", "tsv"]
Split = Literal["train", "dev", "test"]


#: The tag of a token whose annotation is missing (neither entity nor ``O``), as spaCy writes it.
MISSING = "-"


class TaggedSentence(NamedTuple):
    """One sentence: its tokens and one IOB2 tag per token."""

    tokens: list[str]
    tags: list[str]


@dataclass(frozen=True, slots=True)
class NerCorpus:
    """One NER corpus in the shared data folder: where its splits are and how its tags map.

    Attributes:
        name: Short name (the folder name under ``data/ner``).
        files: File name of each split inside the folder.
        fmt: Layout of the files.
        label_map: The corpus's type names -> PER/ORG/LOC; other types become ``O``.
        labels: The types the corpus annotates; only these are scored on it (predictions
            of other types are neither right nor wrong there).
        note: What a reader of its scores should know.
    """

    name: str
    files: Mapping[str, str]
    fmt: CorpusFormat
    label_map: Mapping[str, str]
    labels: tuple[str, ...] = LABELS
    note: str = ""

    def path(self, shared: str | Path, split: Split) -> Path:
        """The file of ``split`` under ``shared/data/ner/NAME/``."""
        return Path(shared) / "data" / "ner" / self.name / self.files[split]

    def read(self, shared: str | Path, split: Split) -> list[TaggedSentence]:
        """Read one split with this corpus's format and label map (see :func:`read_tagged`)."""
        return read_tagged(self.path(shared, split), self.fmt, self.label_map)


#: The NER corpora of ``../shared/data/ner``, each with its own label map (see its SOURCE/README).
CORPORA: tuple[NerCorpus, ...] = (
    NerCorpus(
        "idner-news-2k", {"train": "train.txt", "dev": "dev.txt", "test": "test.txt"}, "conll",
        {"PER": "PER", "ORG": "ORG", "LOC": "LOC"},
        note="news, cased; PER/ORG/LOC as in warta",
    ),
    NerCorpus(
        "indolem-nerugm", {"train": "train.01.tsv", "dev": "dev.01.tsv", "test": "test.01.tsv"}, "tsv",
        {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC"},
        note="news, cased; fold 1; TIME and QUANTITY dropped",
    ),
    NerCorpus(
        "nergrit-indonlu",
        {"train": "train_preprocess.txt", "dev": "valid_preprocess.txt", "test": "test_preprocess.txt"}, "tsv",
        {"PERSON": "PER", "ORGANISATION": "ORG", "PLACE": "LOC"},
        note="mostly encyclopedic, cased; PLACE -> LOC",
    ),
    NerCorpus(
        "nerp-indonlu",
        {"train": "train_preprocess.txt", "dev": "valid_preprocess.txt", "test": "test_preprocess.txt"}, "tsv",
        {"PPL": "PER", "PLC": "LOC"}, ("PER", "LOC"),
        note="news, lower-cased; no ORG class (IND, EVT, FNB dropped): PER and LOC scored only",
    ),
)


def parse_label_map(spec: str | None) -> dict[str, str]:
    """Parse ``"PERSON=PER,ORGANIZATION=ORG"`` into a mapping added to the defaults.

    Args:
        spec: Comma-separated ``SOURCE=TARGET`` pairs, or None/empty for the defaults.

    Returns:
        :data:`DEFAULT_LABEL_MAP` updated with the pairs in ``spec``.
    """
    mapping = dict(DEFAULT_LABEL_MAP)
    if not spec:
        return mapping
    for pair in spec.split(","):
        pair = pair.strip()
        if not pair:
            continue
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise NerDataError(
                f"bad label-map entry {pair!r}: write SOURCE=TARGET pairs separated by commas, "
                "e.g. PERSON=PER,LOCATION=LOC"
            )
        mapping[source.strip()] = target.strip()
    return mapping


def map_tag(tag: str, label_map: Mapping[str, str]) -> str:
    """Map one IOB2 tag's type through ``label_map``; types outside :data:`LABELS` become ``O``."""
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, _, kind = tag.partition("-")
    kind = label_map.get(kind, kind)
    if prefix not in ("B", "I") or kind not in LABELS:
        return "O"
    return f"{prefix}-{kind}"


def detect_format(path: Path) -> CorpusFormat:
    """Guess a corpus file's layout from its first token line (TAB -> ``tsv``, else ``conll``).

    Args:
        path: The corpus file.

    Returns:
        ``"tsv"`` or ``"conll"``.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if line.strip():
                return "tsv" if "\t" in line else "conll"
    raise NerDataError(f"{path} has no token lines: give a CoNLL or TSV file with one token per line")


def _sentences(lines: Iterable[str], split: str | None, path: Path) -> list[tuple[list[str], list[str]]]:
    sentences: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        if line.startswith("-DOCSTART-"):
            continue
        columns = line.split(split) if split else line.split()
        if len(columns) < 2:
            raise NerDataError(
                f"{path}:{number}: expected a token and a tag, got {line!r}; "
                "check --format (conll: 'TOKEN ... TAG', tsv: 'TOKEN<TAB>TAG')"
            )
        tokens.append(columns[0].strip())
        tags.append(columns[-1].strip())
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def read_tagged(
    path: str | Path,
    fmt: CorpusFormat | None = None,
    label_map: Mapping[str, str] | None = None,
) -> list[TaggedSentence]:
    """Read a CoNLL or TSV NER file into sentences with IOB2 tags over :data:`LABELS`.

    Args:
        path: The corpus file (UTF-8; LF or CRLF line endings).
        fmt: ``"conll"`` (space-separated, tag in the last column) or ``"tsv"``
            (``TOKEN<TAB>TAG``); detected from the file when None.
        label_map: Type-name mapping; :data:`DEFAULT_LABEL_MAP` when None.

    Returns:
        The sentences in file order.
    """
    path = Path(path)
    if not path.is_file():
        raise NerDataError(f"{path} does not exist: give the path of a CoNLL or TSV NER file")
    fmt = fmt or detect_format(path)
    if fmt not in ("conll", "tsv"):
        raise NerDataError(f"unknown format {fmt!r}: use 'conll' or 'tsv'")
    mapping = DEFAULT_LABEL_MAP if label_map is None else label_map
    with path.open(encoding="utf-8", newline="") as handle:
        raw = _sentences(handle, "\t" if fmt == "tsv" else None, path)
    sentences = [TaggedSentence(tokens, [map_tag(t, mapping) for t in tags]) for tokens, tags in raw]
    logger.debug("read %d sentences from %s (%s)", len(sentences), path, fmt)
    return sentences


def read_conll(path: str | Path, label_map: Mapping[str, str] | None = None) -> list[TaggedSentence]:
    """Read a space-separated ``TOKEN ... TAG`` file (idner-news-2k); see :func:`read_tagged`."""
    return read_tagged(path, "conll", label_map)


def read_tsv(path: str | Path, label_map: Mapping[str, str] | None = None) -> list[TaggedSentence]:
    """Read a ``TOKEN<TAB>TAG`` file (IndoLEM NER UGM); see :func:`read_tagged`."""
    return read_tagged(path, "tsv", label_map)


def entity_spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entities of one IOB2 tag sequence as ``(start, end, type)`` token spans, end exclusive.

    Strict IOB2: an entity starts at ``B-X`` and runs over following ``I-X`` tags; a stray
    ``I-X`` (after ``O`` or another type) starts nothing.

    Args:
        tags: One tag per token.

    Returns:
        The set of entity spans.
    """
    spans: set[tuple[int, int, str]] = set()
    start: int | None = None
    kind = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and not (prefix == "I" and label == kind):
            spans.add((start, i, kind))
            start = None
        if prefix == "B":
            start, kind = i, label
    return spans


@dataclass(slots=True)
class TypeScore:
    """Counts and precision/recall/F1 for one entity type (or the micro average)."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class NerScores:
    """Entity-level scores per type and micro-averaged over all types."""

    per_type: dict[str, TypeScore] = field(default_factory=dict)
    micro: TypeScore = field(default_factory=TypeScore)
    sentences: int = 0
    tokens: int = 0


def score_tags(
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    labels: Iterable[str] | None = None,
) -> NerScores:
    """Score predicted IOB2 tag sequences against gold ones, exact span and type match.

    Args:
        gold: One tag sequence per sentence.
        predicted: The same shape as ``gold``.
        labels: Score only these types (gold and predicted entities of other types are
            ignored, for a corpus that does not annotate them); all types when None.

    Returns:
        Per-type and micro-averaged precision, recall and F1.
    """
    keep = None if labels is None else set(labels)
    if len(gold) != len(predicted):
        raise NerDataError(f"{len(gold)} gold sentences but {len(predicted)} predicted: score the same sentences")
    scores = NerScores()
    for gold_tags, pred_tags in zip(gold, predicted):
        if len(gold_tags) != len(pred_tags):
            raise NerDataError(
                f"sentence with {len(gold_tags)} gold tags but {len(pred_tags)} predicted: "
                "predict over the gold tokens"
            )
        scores.sentences += 1
        scores.tokens += len(gold_tags)
        gold_spans = entity_spans(gold_tags)
        pred_spans = entity_spans(pred_tags)
        if keep is not None:
            gold_spans = {span for span in gold_spans if span[2] in keep}
            pred_spans = {span for span in pred_spans if span[2] in keep}
        for kind in {s[2] for s in gold_spans | pred_spans}:
            scores.per_type.setdefault(kind, TypeScore())
        for span in gold_spans:
            scores.per_type[span[2]].gold += 1
        for span in pred_spans:
            scores.per_type[span[2]].predicted += 1
            if span in gold_spans:
                scores.per_type[span[2]].true_positives += 1
    for item in scores.per_type.values():
        scores.micro.true_positives += item.true_positives
        scores.micro.predicted += item.predicted
        scores.micro.gold += item.gold
    return scores


def format_scores(scores: NerScores) -> str:
    """Render scores as a table; the last line is exactly ``micro F1 = X`` (3 decimals)."""
    lines = [f"{'type':<6} {'precision':>9} {'recall':>7} {'f1':>6} {'gold':>6} {'pred':>6}"]
    for kind in sorted(scores.per_type):
        s = scores.per_type[kind]
        lines.append(f"{kind:<6} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.gold:>6} {s.predicted:>6}")
    m = scores.micro
    lines.append(f"{'micro':<6} {m.precision:>9.3f} {m.recall:>7.3f} {m.f1:>6.3f} {m.gold:>6} {m.predicted:>6}")
    lines.append(f"sentences = {scores.sentences}, tokens = {scores.tokens}")
    lines.append(f"micro F1 = {m.f1:.3f}")
    return "\n".join(lines)
