"""The spaCy pipeline: ``spacy.blank("id")`` plus one registered component per fact type.

Components run in order and fill one typed :class:`ExtractionState` in ``doc._.warta``; no
``Doc`` leaves this package. When the statistical NER model (``extractors.ner``) is available and ``use_ner`` is
on, its ``ner`` component runs first and its PER spans become extra name candidates for officials
and its LOC spans extra place candidates (normalised through the region list). When the officials span
model (``extractors.spans``) is on as well, ``warta_official_spans`` tags the text around each position
word no rule official covers (:func:`extractors.officials.model_windows`) and adds the officials it
finds there that the rules missed
(:func:`extractors.officials.add_model_officials`).

Components::

    [ner] -> warta_sentences -> warta_places -> warta_institutions -> warta_dates
          -> warta_officials -> [warta_official_spans] -> warta_programmes
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors import dates, institutions, lexicon, ner, officials, places, programmes, text
from extractors.dates import DateMatch
from extractors.institutions import InstitutionMatch
from extractors.officials import OfficialMatch, Relation
from extractors.places import PlaceMatch
from extractors.programmes import ParticipantMatch, StageMatch
from extractors.text import Token
from extractors.tokenizer import TOKENIZER_CONFIG

logger = logging.getLogger(__name__)

if not Doc.has_extension("warta"):
    Doc.set_extension("warta", default=None)


@dataclass(slots=True)
class ExtractionState:
    """What the components hand to one another, one field per stage, in pipeline order."""

    published: dt.datetime | None = None
    text: str = ""
    """The document's text, read once (spaCy joins its tokens again on every read of ``doc.text``)."""
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    """The NER model's spans (start, end, PER/ORG/LOC), read once from ``doc.ents`` (repaired by ``ner.fix_spans``)."""
    sentences: list[tuple[int, int]] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    places: list[PlaceMatch] = field(default_factory=list)
    institutions: list[InstitutionMatch] = field(default_factory=list)
    dates: list[DateMatch] = field(default_factory=list)
    official_mentions: list[OfficialMatch] = field(default_factory=list)
    """Every official mention found (``officials`` holds one per person)."""
    officials: list[OfficialMatch] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    program_stages: list[StageMatch] = field(default_factory=list)
    program_participants: list[ParticipantMatch] = field(default_factory=list)


def _state(doc: Doc) -> ExtractionState:
    if doc._.warta is None:
        doc._.warta = ExtractionState()
    st: ExtractionState = doc._.warta
    return st


@Language.component("warta_sentences")
def sentences_component(doc: Doc) -> Doc:
    """Split sentences (dots after honorifics and degrees do not end one) and tokenise with offsets."""
    st = _state(doc)
    st.text = doc.text
    st.entities = ner.fix_spans(st.text, [(e.start_char, e.end_char, e.label_) for e in doc.ents])
    st.sentences = text.sentence_spans(st.text)
    st.tokens = text.tokens(st.text)
    # mark sentence starts on the spaCy tokens too (other tokens keep "unknown")
    for s, _ in st.sentences:
        span = doc.char_span(s, s + 1, alignment_mode="expand")
        if span is not None and len(span):
            span[0].is_sent_start = True
    return doc


@Language.component("warta_places")
def places_component(doc: Doc) -> Doc:
    """Find provinces, kabupaten/kota, kecamatan, desa, towns and countries."""
    st = _state(doc)
    body = st.text
    found = places.find_places(body, st.tokens)
    # LOC spans from the statistical model that the region list knows and the rules missed
    idx = lexicon.regions()
    from_model = False
    for start, end, label in st.entities:
        if label != "LOC" or any(p.start <= start < p.end for p in found):
            continue
        surface = body[start:end]
        before = body[max(0, start - 20) : start].split()
        if before and before[-1].lower().rstrip(".") in places.VENUE_WORDS:
            continue  # "Geopark Pangandaran", "Jalan Sudirman": the rules' venue words hold for the model too
        low = surface.lower()
        after_post = bool(before) and (before[-1].lower(),) in lexicon.positions()
        if low in lexicon.place_stopwords() or (low in lexicon.needs_prefix() and not after_post
                                                and not places.known_here(surface, body)):
            continue  # "Batu Batik", "Karo-karo", "25 Juli": the rules' word lists hold for the model too,
            # but the model may vouch for a region right after a post ("Wakil Bupati Karo Cory ...")
        if surface.isupper() and len(surface) <= 3:
            continue  # a short form ("AS", "NTB") the rules did not take: initials in a list, another name's
        regs = idx.bare.get(low)
        if regs and len(regs) == 1:
            r = regs[0]
            found.append(places.PlaceMatch(start, end, surface, r.name, r.level, r.code))
            from_model = True
    if from_model:  # another story's headline names no place of this one, whoever found it
        found = places.off_headlines(body, found)
    st.places = sorted(found, key=lambda p: p.start)
    return doc


@Language.component("warta_institutions")
def institutions_component(doc: Doc) -> Doc:
    """Find ministries, agencies, regional governments, offices, associations and media groups."""
    st = _state(doc)
    found = institutions.find_institutions(st.text, st.tokens, st.places)
    org = [(s, e) for s, e, label in st.entities if label == "ORG"]
    st.institutions = institutions.add_model_spans(st.text, found, org, st.places)
    return doc


@Language.component("warta_dates")
def dates_component(doc: Doc) -> Doc:
    """Find and resolve calendar references against ``doc._.warta["published"]``."""
    st = _state(doc)
    st.dates = dates.find_dates(st.text, st.published)
    return doc


@Language.component("warta_officials")
def officials_component(doc: Doc) -> Doc:
    """Find officials (PER spans from the NER model help when the rules find no name)."""
    st = _state(doc)
    per = [(s, e) for s, e, label in st.entities if label == "PER"]
    found = officials.find_officials(st.text, st.tokens, st.places, st.institutions, per)
    st.official_mentions = found
    st.officials = officials.dedupe(found)
    st.relations = officials.find_relations(st.text, st.sentences, found)
    return doc


@Language.factory("warta_official_spans", default_config={"model_dir": None, "ner_ran": False})
def make_official_spans(nlp: Language, name: str, model_dir: str | None, ner_ran: bool) -> OfficialSpans:
    """The officials span model's vote (``model_dir``: the model folder, the shipped one when None)."""
    return OfficialSpans(Path(model_dir) if model_dir else None, ner_ran)


class OfficialSpans:
    """Add the officials the span model finds around position words the rules left unexplained."""

    def __init__(self, model_dir: Path | None = None, ner_ran: bool = False) -> None:
        """Load the span model (cached per process); without it the component changes nothing.

        Args:
            model_dir: The span model folder; the shipped one when None.
            ner_ran: The NER model runs in the pipeline: its PER spans choose where to read.
        """
        from extractors import spans

        self.model = spans.load_model(model_dir)
        self.ner_ran = ner_ran

    def __call__(self, doc: Doc) -> Doc:
        """Tag the gated sentences and add the model's officials to ``doc._.warta``."""
        st = _state(doc)
        if self.model is None:
            return doc
        from extractors.spans import tag_spans

        per = [(s, e) for s, e, label in st.entities if label == "PER"]
        gated = officials.model_windows(st.tokens, st.sentences, st.official_mentions, st.places, st.institutions,
                                        per if self.ner_ran else None)
        if not gated:
            return doc
        found = tag_spans(self.model, st.text, gated)
        new = officials.add_model_officials(st.text, st.tokens, st.places, st.institutions, st.official_mentions,
                                            found, per)
        if new:
            mentions = sorted([*st.official_mentions, *new], key=lambda o: o.start)
            st.official_mentions = mentions
            st.officials = officials.dedupe(mentions)
            st.relations = officials.find_relations(st.text, st.sentences, mentions)
        return doc


@Language.component("warta_programmes")
def programmes_component(doc: Doc) -> Doc:
    """Find programme stages and participating regions."""
    st = _state(doc)
    pub = st.published
    stages, parts = programmes.find_programmes(
        st.text, st.tokens, st.sentences, st.places, st.institutions, st.dates,
        [(o.start, o.end) for o in st.officials], pub.year if pub else None,
    )
    st.program_stages = stages
    st.program_participants = parts
    return doc


COMPONENTS = (
    "warta_sentences", "warta_places", "warta_institutions", "warta_dates", "warta_officials", "warta_programmes",
)


def build_pipeline(use_ner: bool = False, ner_model: Path | None = None, use_spans: bool | None = None,
                   spans_model: Path | None = None) -> Language:
    """Build the extraction pipeline.

    Args:
        use_ner: add the statistical NER model first when it can be loaded.
        ner_model: the NER model folder; the shipped one (``extractors/models/id_news_ner``)
            when None. Lets a candidate model be scored and timed inside extraction.
        use_spans: add the officials span model's vote after the rules' officials; as
            ``use_ner`` when None (the statistical models go together).
        spans_model: the span model folder; the shipped one (``extractors/models/officials_spans``)
            when None.

    Returns:
        A spaCy ``Language`` whose components fill ``doc._.warta``.
    """
    nlp = spacy.blank("id", config=TOKENIZER_CONFIG)
    if use_ner:
        ner_nlp = _load_ner(ner_model)
        if ner_nlp is not None:
            from extractors.ner import add_ner

            add_ner(nlp, ner_nlp)  # with a copy of its static vectors
    for name in COMPONENTS:
        nlp.add_pipe(name)
    if use_ner if use_spans is None else use_spans:
        nlp.add_pipe("warta_official_spans", after="warta_officials",
                     config={"model_dir": str(spans_model) if spans_model is not None else None,
                             "ner_ran": "ner" in nlp.pipe_names})
    lexicon.regions()  # load the gazetteer now, not inside the first article
    return nlp


def _load_ner(path: Path | None = None) -> Language | None:
    try:
        from extractors import ner
    except ImportError:
        logger.info("extractors.ner is not available; running the rules alone")
        return None
    try:
        model = ner.load_model(path)
    except (OSError, ValueError) as exc:
        logger.warning("NER model could not be loaded (%s); running the rules alone", exc)
        return None
    return model if isinstance(model, Language) else None


@functools.cache
def cached_pipeline(use_ner: bool = False, ner_model: Path | None = None, use_spans: bool | None = None,
                    spans_model: Path | None = None) -> Language:
    """The pipeline, built once per process (per set of arguments)."""
    return build_pipeline(use_ner, ner_model, use_spans, spans_model)


def run(nlp: Language, body: str, published: dt.datetime | None) -> ExtractionState:
    """Run ``nlp`` on ``body`` and return the records its components produced."""
    doc = nlp.make_doc(text.blank_clutter(body))
    _state(doc).published = published
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    result: ExtractionState = doc._.warta
    return result
