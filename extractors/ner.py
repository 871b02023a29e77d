"""warta's shipped Indonesian news NER model (PER, ORG, LOC): loading and inference.

The model is a spaCy pipeline with one self-contained ``ner`` component (its tok2vec
inside it), trained by :mod:`extractors.train_ner` and shipped in
``extractors/models/id_news_ner/``. It loads offline; a model trained with static vectors
(floret, trained on real news by :mod:`extractors.news_vectors`) ships them inside it, in
``vocab/`` (the shipped 0.5.0 has none).

Other extractors can reuse the component in their own pipeline, with a copy of the model's
vectors (:func:`add_ner`)::

    nlp = spacy.blank("id", config=TOKENIZER_CONFIG)
    add_ner(nlp, load_model())

Only plain tuples and strings leave this module; no spaCy ``Doc`` does.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors import lexicon
from extractors.exceptions import NerModelMissing
from extractors.ner_eval import CorpusFormat, NerScores, TaggedSentence, read_tagged, score_tags
from extractors.tokenizer import TOKENIZER_CONFIG

logger = logging.getLogger(__name__)

#: Folder of the shipped model (a spaCy pipeline saved with ``nlp.to_disk``).
MODEL_DIR: Path = Path(__file__).resolve().parent / "models" / "id_news_ner"
#: Name and version recorded with facts the model produces.
NER_EXTRACTOR = "warta.ner.id_news_ner.v1"

_LINE = re.compile(r"[^\r\n]+")


def load_model(path: Path | None = None) -> Language | None:
    """Load the NER pipeline once per process (cached per folder).

    Args:
        path: Model folder; :data:`MODEL_DIR` when None.

    Returns:
        The spaCy pipeline, or None (with a logged warning) when the folder is absent.
    """
    return _load(Path(path).resolve() if path is not None else MODEL_DIR)


@functools.lru_cache(maxsize=4)
def _load(model_dir: Path) -> Language | None:
    if not (model_dir / "config.cfg").is_file():
        logger.warning(
            "NER model not found at %s: run `warta train-ner` to build it; NER spans are skipped",
            model_dir,
        )
        return None
    # The tokenizer is spaCy's Indonesian one with its 15k hyphenated words in a set
    # (extractors.tokenizer): building or reading its special cases costs seconds.
    nlp = spacy.load(model_dir, exclude=["tokenizer"], config=TOKENIZER_CONFIG)
    logger.debug("loaded NER model %s from %s", nlp.meta.get("name"), model_dir)
    return nlp


#: Words that open the names of institutions and never stand in a person's name. A PER span
#: holding one is a model error that runs a unit into a ministry ("Deputi Bidang Kelembagaan
#: dan Tata Laksana Kementerian Pendayagunaan Aparatur Negara ... Drs. Agus Salim Harahap"):
#: it becomes an ORG span from that word on, and what stood before it is dropped.
NOT_IN_PERSON_NAMES = frozenset({
    "kementerian", "dinas", "badan", "direktorat", "sekretariat", "pemerintah", "pemkab", "pemkot",
    "pemprov", "kepolisian", "kejaksaan", "pengadilan", "universitas", "komisi", "partai", "lembaga",
    "mahkamah", "majelis", "biro", "balai",
})
_WORD = re.compile(r"\S+")
#: A person span's own words for judging it: capitalised, letters with inner ``'`` or ``-``.
_NAME_WORD = re.compile(r"[A-Z][A-Za-z'-]*")
#: The mean name score (``lexicon.name_score``) a run of words after a region name needs to be
#: read as a person's name ("Muara Enim Ahmad Yani" -> "Muara Enim" + "Ahmad Yani").
PERSON_TAIL_MIN = 0.5
#: At most this many words after a region name are read as a person's name.
PERSON_TAIL_MAX_WORDS = 4
Span = tuple[int, int, str]


@functools.cache
def _unit_field_before() -> re.Pattern[str]:
    """Text ending in a unit's opener, its capitalised fields and "dan" ("Bidang Kelembagaan dan ")."""
    openers = "|".join(re.escape(w.capitalize()) for w in sorted(lexicon.unit_openers()))
    return re.compile(rf"\b(?:Sub\s+)?(?:{openers})(?:,?[ \t]+[A-Z][\w.-]*){{1,5}}[ \t]+(?:dan|&)[ \t]+$")


def _continues_unit(text: str, start: int) -> bool:
    """Whether the words at ``start`` follow a unit's fields and "dan" ("Bidang Kelembagaan dan |Tata Laksana")."""
    window = text[max(0, start - 120) : start]
    return _unit_field_before().search(window) is not None


def _fix_person_span(text: str, start: int, end: int) -> list[Span]:
    """A PER span as it stands; the ORG span from its first institution word on; or nothing when
    it only goes on a unit's list of fields ("Bidang Kelembagaan dan Tata Laksana")."""
    for word in _WORD.finditer(text, start, end):
        if word.group().lower() in NOT_IN_PERSON_NAMES:
            return [(word.start(), end, "ORG")] if word.end() < end else []
    return [] if _continues_unit(text, start) else [(start, end, "PER")]


def _is_region(words: list[str]) -> bool:
    """Whether ``words`` name a province or kabupaten/kota the region list knows, with or without
    its kind word ("Muara Enim", "Kabupaten Muara Enim"); names that need the kind word need it."""
    idx = lexicon.regions()
    kind = words[0].lower().rstrip(".")
    if kind in lexicon.region_kinds() and len(words) > 1:
        return " ".join(words[1:]).lower() in idx.bare
    bare = " ".join(words).lower()
    return bare in idx.bare and bare not in lexicon.needs_prefix()


def _reads_as_person(words: list[str]) -> bool:
    """Whether capitalised ``words`` read as a person's name: no common, field or place word, at
    least one word of three letters or more that is no title, and the n-gram name score
    (``lexicon.name_score``) of those words high enough on average."""
    if not 0 < len(words) <= PERSON_TAIL_MAX_WORDS or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    low = [w.lower() for w in words]
    if any(w in lexicon.common_words() or w in lexicon.field_words() for w in low):
        return False
    idx = lexicon.regions()
    if " ".join(low) in idx.bare or " ".join(low) in idx.district or low[0] in idx.district:
        return False
    scored = [w for w in words if len(w) > 2 and not lexicon.is_title(w)]  # "H", "Drs": no name by themselves
    return bool(scored) and sum(lexicon.name_score(w) for w in scored) / len(scored) >= PERSON_TAIL_MIN


def _split_place_span(text: str, start: int, end: int) -> list[Span]:
    """A LOC span as it stands, or a region's name and the person's name run on after it as a
    LOC and a PER span ("Bupati Muara Enim Ahmad Yani": "Muara Enim" + "Ahmad Yani")."""
    words = list(_WORD.finditer(text, start, end))
    surfaces = [w.group() for w in words]
    if len(words) < 2 or _is_region(surfaces):
        return [(start, end, "LOC")]
    for k in range(len(words) - 1, 0, -1):
        if _is_region(surfaces[:k]) and _reads_as_person(surfaces[k:]):
            return [(start, words[k - 1].end(), "LOC"), (words[k].start(), end, "PER")]
    return [(start, end, "LOC")]


#: Span repairs by label: each takes ``(text, start, end)`` and returns the spans to keep.
SPAN_FIXES: dict[str, Callable[[str, int, int], list[Span]]] = {
    "PER": _fix_person_span,
    "LOC": _split_place_span,
}


def fix_span(text: str, start: int, end: int, label: str) -> list[Span]:
    """One model span repaired by :data:`SPAN_FIXES` (unchanged when its label has no repair)."""
    fix = SPAN_FIXES.get(label)
    return fix(text, start, end) if fix is not None else [(start, end, label)]


def fix_spans(text: str, spans: Iterable[Span]) -> list[Span]:
    """``spans`` with model errors repaired, in order (:data:`SPAN_FIXES`):

    - a PER span holding a word of :data:`NOT_IN_PERSON_NAMES` becomes an ORG span from that
      word on (dropped when nothing follows it);
    - a PER span right after a unit's fields and "dan" ("Deputi Bidang Kelembagaan dan Tata
      Laksana") is one more field, dropped;
    - a LOC span made of a region's name and a person's name after it ("Muara Enim Ahmad Yani")
      becomes a LOC and a PER span.
    """
    return [fixed for start, end, label in spans for fixed in fix_span(text, start, end, label)]


def ner_spans(text: str) -> list[tuple[int, int, str]]:
    """Find PER, ORG and LOC mentions in a text with the shipped model.

    The text is tagged line by line (the model was trained on sentences, and a name
    never runs across a line break in news text); spans are trimmed of edge spaces
    and of trailing ``,`` ``;`` ``:``, then repaired by :func:`fix_spans`.

    Args:
        text: Plain article text.

    Returns:
        ``(start, end, label)`` character offsets into ``text`` (end exclusive), in text
        order; empty when the model is absent.
    """
    nlp = load_model()
    if nlp is None or not text.strip():
        return []
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group().strip()]
    spans: list[tuple[int, int, str]] = []
    for (offset, _line), doc in zip(lines, nlp.pipe(line for _offset, line in lines)):
        for ent in doc.ents:
            start, end = offset + ent.start_char, offset + ent.end_char
            while start < end and text[start].isspace():
                start += 1
            while start < end and (text[end - 1].isspace() or text[end - 1] in ",;:"):
                end -= 1
            if start >= end:
                continue
            spans.extend(fix_span(text, start, end, ent.label_))
    return spans


def add_ner(nlp: Language, model: Language, first: bool = True) -> None:
    """Add ``model``'s ``ner`` component to ``nlp``, with a copy of the model's static vectors.

    The component reads the vectors from the pipeline's vocab, and ``add_pipe(source=...)``
    does not bring them along (spaCy warns W113). A copy, not the model's own table: a vocab
    that takes a vectors table re-points it at its own strings, which would break the model.

    Args:
        nlp: The pipeline to add the component to.
        model: A loaded NER model (:func:`load_model`).
        first: Put the component first.
    """
    from spacy.vectors import Vectors

    vectors = Vectors(strings=nlp.vocab.strings)
    vectors.from_bytes(model.vocab.vectors.to_bytes())
    nlp.vocab.vectors = vectors
    nlp.add_pipe("ner", source=model, first=first)


def tag_sentences(
    nlp: Language, sentences: Sequence[Sequence[str]], batch_size: int = 256
) -> list[list[str]]:
    """Predict IOB2 tags over already-tokenised sentences (the gold tokens kept as they are).

    Args:
        nlp: A pipeline with an ``ner`` component, e.g. from :func:`load_model`.
        sentences: One token list per sentence.
        batch_size: Documents per batch.

    Returns:
        One tag list per sentence, aligned with its tokens.
    """
    docs = (Doc(nlp.vocab, words=list(tokens)) for tokens in sentences)
    tagged: list[list[str]] = []
    for doc in nlp.pipe(docs, batch_size=batch_size):
        tagged.append(["O" if t.ent_iob_ in ("O", "") else f"{t.ent_iob_}-{t.ent_type_}" for t in doc])
    return tagged


def evaluate_sentences(
    nlp: Language, sentences: Sequence[TaggedSentence], labels: Iterable[str] | None = None
) -> NerScores:
    """Score ``nlp`` on gold sentences with strict entity-level matching.

    Args:
        nlp: A pipeline with an ``ner`` component.
        sentences: Gold sentences.
        labels: Score only these types (for a corpus annotating fewer); all when None.

    Returns:
        Per-type and micro precision/recall/F1.
    """
    predicted = tag_sentences(nlp, [s.tokens for s in sentences])
    return score_tags([s.tags for s in sentences], predicted, labels)


def evaluate_file(
    path: str | Path,
    fmt: CorpusFormat | None = None,
    label_map: dict[str, str] | None = None,
    model_path: Path | None = None,
    labels: Iterable[str] | None = None,
) -> NerScores:
    """Score the NER model on a CoNLL or TSV gold file.

    Args:
        path: Gold file (``TOKEN POS TAG`` or ``TOKEN<TAB>TAG``; format detected when ``fmt`` is None).
        fmt: ``"conll"`` or ``"tsv"``.
        label_map: Gold type names -> PER/ORG/LOC (defaults map PERSON, ORGANIZATION, LOCATION).
        model_path: Model folder; the shipped model when None.
        labels: Score only these types (for a corpus annotating fewer); all when None.

    Returns:
        Per-type and micro precision/recall/F1.
    """
    nlp = load_model(model_path)
    if nlp is None:
        raise NerModelMissing(
            f"no NER model at {model_path or MODEL_DIR}: run `warta train-ner` first or pass --model"
        )
    return evaluate_sentences(nlp, read_tagged(path, fmt, label_map), labels)
