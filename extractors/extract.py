"""Article text -> :class:`pipeline.models.ArticleFacts`: the reusable :class:`Extractor`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from pathlib import Path

from extractors import dates, institutions, nlp, officials, places, programmes
from extractors.exceptions import BadInputError
from pipeline.models import (
    FACT_TYPES,
    ArticleFacts,
    DateMention,
    Institution,
    Official,
    OfficialRelation,
    Place,
    ProgrammeParticipant,
    ProgrammeStage,
    Provenance,
    format_versions,
)

logger = logging.getLogger(__name__)

#: Longest text extracted in one piece (spaCy's own limit is 1,000,000 characters).
CHUNK_CHARS = 100_000

#: Name and version of each fact type's extractor, recorded in every fact's provenance. Bump a
#: module's ``VERSION`` whenever its output can change: ``warta reextract`` then re-runs the
#: extractors over every stored article made by an older version of that type.
FACT_EXTRACTORS = {
    "officials": (officials.NAME, officials.VERSION),
    "institutions": (institutions.NAME, institutions.VERSION),
    "places": (places.NAME, places.VERSION),
    "dates": (dates.NAME, dates.VERSION),
    "program_stages": (programmes.NAME_STAGES, programmes.VERSION),
    "program_participants": (programmes.NAME_PARTICIPANTS, programmes.VERSION),
    "relations": ("warta.relations", officials.VERSION),
}

#: Version of each fact type's extractor.
VERSIONS: dict[str, str] = {kind: version for kind, (_name, version) in FACT_EXTRACTORS.items()}
#: The versions as stored with each article (``dates=1;institutions=1;...``).
EXTRACTOR_VERSION = format_versions(VERSIONS)


def parse_published(published: dt.datetime | dt.date | str | None) -> dt.datetime | None:
    """Accept a datetime, a date or an ISO string (``2019-05-16`` or ``2019-05-16T09:00:00+07:00``)."""
    if published is None or published == "":
        return None
    if isinstance(published, dt.datetime):
        return published
    if isinstance(published, dt.date):
        return dt.datetime(published.year, published.month, published.day)
    try:
        return dt.datetime.fromisoformat(str(published).replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadInputError(f"published {published!r} is not an ISO date; write e.g. 2019-05-16T09:00:00+07:00") from exc


class Extractor:
    """Reusable fact extractor holding one spaCy pipeline.

    Example:
        >>> ex = Extractor()
        >>> facts = ex.extract("Bupati Lahat Sandi Pramudya SH meninjau lokasi, Senin (7/3).", "2021-03-08")
        >>> facts.officials[0].name
        'Sandi Pramudya'
    """

    def __init__(self, use_ner: bool = True, ner_model: Path | None = None, use_spans: bool | None = None,
                 spans_model: Path | None = None) -> None:
        """Build (or reuse) the pipeline.

        Args:
            use_ner: also run the statistical NER model when it is installed.
            ner_model: the NER model folder; the shipped model when None (a candidate
                model is scored inside extraction this way, e.g. ``warta eval extraction --model``).
            use_spans: also run the officials span model (``extractors/models/officials_spans``)
                when it is installed; as ``use_ner`` when None.
            spans_model: the span model folder; the shipped one when None.
        """
        self.use_ner = use_ner
        self.nlp = nlp.cached_pipeline(use_ner, Path(ner_model).resolve() if ner_model is not None else None,
                                       use_spans, Path(spans_model).resolve() if spans_model is not None else None)

    def extract(self, text: str, published: dt.datetime | dt.date | str | None = None,
                outlet: str | None = None) -> ArticleFacts:
        """Extract the six fact types (and official relations) from one article body.

        Args:
            text: the article body (``Article.text``).
            published: publication time; anchors "Rabu (15/5)" and "kemarin".
            outlet: the publishing outlet's host (``Article.outlet``); the outlet naming itself
                ("kata X kepada Kompas.com" in a kompas.com article) is then no institution.

        Returns:
            The facts, each with provenance (offsets into ``text``, sentence, extractor, version).
        """
        if not isinstance(text, str):
            raise BadInputError(f"text must be a str, not {type(text).__name__}")
        pub = parse_published(published)
        if not text.strip():
            return ArticleFacts(versions=dict(VERSIONS))
        brand = outlet_brand(outlet)
        if len(text) <= CHUNK_CHARS:
            facts = _to_facts(text, nlp.run(self.nlp, text, pub), brand)
        else:
            # spaCy refuses texts over 1,000,000 characters (E088) and long ones are slow: extract
            # paragraph-aligned chunks and put their facts together, offsets into the whole text
            logger.info("text of %d characters extracted in chunks of at most %d", len(text), CHUNK_CHARS)
            facts = ArticleFacts()
            for offset, chunk in text_chunks(text, CHUNK_CHARS):
                _merge(facts, _to_facts(chunk, nlp.run(self.nlp, chunk, pub), brand), offset)
        facts.versions = dict(VERSIONS)
        return facts


def text_chunks(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` cut into ``(offset, chunk)`` pieces of at most ``size`` characters, at a
    paragraph break when there is one in the second half of a piece, else a sentence end."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            if cut < 0:
                cut = text.rfind(". ", start + size // 2, end)
                cut = cut + 1 if cut >= 0 else -1
            end = cut + 1 if cut >= 0 else end
        out.append((start, text[start:end]))
        start = end
    return out


def _merge(into: ArticleFacts, facts: ArticleFacts, offset: int) -> None:
    """Add one chunk's facts, moved by ``offset``; places and dates stay one per name/value."""
    seen_places = {p.name.lower() for p in into.places}
    seen_dates = {d.value for d in into.dates}
    for kind in (*FACT_TYPES, "relations"):
        for fact in getattr(facts, kind):
            if kind == "places" and fact.name.lower() in seen_places:
                continue
            if kind == "dates" and fact.value in seen_dates:
                continue
            fact.prov = dataclasses.replace(fact.prov, start=fact.prov.start + offset, end=fact.prov.end + offset)
            getattr(into, kind).append(fact)


def _sentence(text: str, sentences: list[tuple[int, int]], pos: int) -> str:
    for s, e in sentences:
        if s <= pos < e:
            return text[s:e]
    return ""


def outlet_brand(outlet: str | None) -> str | None:
    """The name an outlet's host gives itself: ``sumsel.tribunnews.com`` -> ``tribunnews``, ``lampost.co`` -> ``lampost``."""
    if not outlet:
        return None
    labels = [x for x in outlet.lower().split(".") if x and x not in ("www", "m", "amp")]
    while len(labels) > 1 and labels[-1] in ("com", "co", "id", "net", "org", "or", "go", "ac", "web", "news", "tv"):
        labels.pop()
    return labels[-1] if labels and len(labels[-1]) >= 3 else None


_NAME_BEFORE = re.compile(r"(?:([A-Z][\w.&'-]*)|\)|\b(bahasa|Bahasa))[^\S\n]+$")
_NOT_NAME_WORDS = {"Di", "Ke", "Dari", "Se", "Seluruh", "Negara", "Republik", "Pemerintah", "Presiden", "Wakil",
                   "Menteri", "Duta", "Timnas", "Kedutaan"}


def _closes_a_name(text: str, start: int, proper: list[tuple[int, int]]) -> bool:
    """A country right after a known body ("Kemendagri Republik Indonesia"), after its "(Kadin)", after
    another capitalised name word ("Museum Rekor Dunia Indonesia"), or after "bahasa" is part of a name."""
    if any(0 <= start - b <= 2 for _, b in proper):
        return True
    head = text[max(0, start - 40):start]
    if head.endswith("Republik "):
        head = head[: -len("Republik ")]
        if any(0 <= start - 9 - b <= 2 for _, b in proper):
            return True
    m = _NAME_BEFORE.search(head)
    if m is None:
        return False
    if m.group(2):
        return True
    word = m.group(1)
    if word is None:  # ")": "Kamar Dagang dan Industri (Kadin) Indonesia"
        return True
    sentence_start = re.search(r"(?:^|[.!?\n]\s*)" + re.escape(word) + r"[^\S\n]+$", head) is not None
    return not sentence_start and word not in _NOT_NAME_WORDS and not word.isupper()


def _self_mention(name: str, brand: str | None) -> bool:
    return brand is not None and brand in re.sub(r"[^a-z0-9]", "", name.lower())


def _to_facts(text: str, st: nlp.ExtractionState, brand: str | None = None) -> ArticleFacts:
    sents = st.sentences

    def prov(kind: str, start: int, end: int, confidence: float = 1.0) -> Provenance:
        name, version = FACT_EXTRACTORS[kind]
        return Provenance(start, end, _sentence(text, sents, start), name, version, confidence)

    facts = ArticleFacts()
    offs = st.officials
    name_spans = [(o.name_start, o.name_end) for o in offs]
    for o in offs:
        facts.officials.append(Official(o.name, o.role, o.org, o.surface, prov("officials", o.start, o.end),
                                        list(o.titles), list(o.degrees), o.region_code))
    for m in institutions.merge(st.institutions):
        if m.kind == "media" and (_self_mention(m.name, brand) or _self_mention(m.surface, brand)):
            continue  # the outlet naming itself
        facts.institutions.append(Institution(m.name, m.surface, m.kind, prov("institutions", m.start, m.end),
                                              list(m.aliases), m.region_code))
    seen_places: set[str] = set()
    # a region inside a national body's or company's proper name is not a place mention
    # ("Bank Indonesia", "Universitas Sriwijaya"); inside a regional office it is ("Dinas Kesehatan Lahat")
    proper = [(m.start, m.end) for m in st.institutions if m.key[0] == "known"]
    for p in st.places:
        if any(a <= p.start < b for a, b in name_spans):
            continue  # "Bima" in "Bima Saputra" is a person's name
        if any(a <= p.start and p.end <= b for a, b in proper):
            continue
        after_place = any(0 <= p.start - q.end <= 2 for q in st.places if q is not p)
        if p.level == "country" and not after_place and _closes_a_name(text, p.start, proper):
            continue  # "Kadin Indonesia", "Kemendagri Republik Indonesia", "bahasa Indonesia"; not "Paris Perancis"
        cut = min((a for a, _ in name_spans if p.start < a < p.end), default=None)
        if cut is not None:
            # "Kepala Desa Sukamaju Wahyu Prasetyo": the village ends where the name begins
            surface = text[p.start:cut].rstrip(" ,")
            if p.prefixed and " " in surface:
                p.name = p.name.split(" ", 1)[0] + " " + surface.split(" ", 1)[1]
            p.surface, p.end = surface, p.start + len(surface)
        key = p.name.lower()
        if key in seen_places:
            continue
        seen_places.add(key)
        facts.places.append(Place(p.name, p.surface, p.level, prov("places", p.start, p.end), p.code))
    seen_dates: set[str] = set()
    for d in st.dates:
        if d.value in seen_dates:
            continue
        seen_dates.add(d.value)
        facts.dates.append(DateMention(d.value, d.precision, d.surface, prov("dates", d.start, d.end)))  # type: ignore[arg-type]
    for s in st.program_stages:
        facts.program_stages.append(ProgrammeStage(s.program, s.stage, s.year, s.surface,
                                                   prov("program_stages", s.start, s.end)))
    for pp in st.program_participants:
        facts.program_participants.append(ProgrammeParticipant(pp.region, pp.program, pp.year, pp.surface,
                                                               prov("program_participants", pp.start, pp.end),
                                                               pp.stage, pp.region_code, pp.planned))
    for kind, subj, obj in st.relations:
        facts.relations.append(OfficialRelation(kind, subj.name, obj.name,
                                                prov("relations", subj.start, obj.end)))
    return facts


_DEFAULT: Extractor | None = None


def extract(text: str, published: dt.datetime | dt.date | str | None = None,
            outlet: str | None = None) -> ArticleFacts:
    """Extract facts with a module-level :class:`Extractor` (built on first use).

    Example:
        >>> extract("Wakil Bupati Merangin H Darmawan hadir.", "2021-02-02").officials[0].role
        'wakil bupati merangin'
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Extractor()
    return _DEFAULT.extract(text, published, outlet)
