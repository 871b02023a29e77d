"""Typed records that warta's stages pass to one another.

Every stage knows only this module: scrapers produce :class:`FetchedPage`,
:class:`DiscoveredLink` and :class:`Article`; extractors turn article text into
:class:`ArticleFacts`; the store loads an :class:`Article` with its facts.
No BeautifulSoup tag, spaCy ``Doc`` or sqlite row crosses a stage boundary.

Data flow::

    URL --fetch--> FetchedPage --discover--> DiscoveredLink ... (more URLs)
                   FetchedPage --parse-----> Article
                   Article.text --extract--> ArticleFacts
                   Article + ArticleFacts --load--> knowledge store
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: Precision of a resolved date mention.
DatePrecision = Literal["day", "month", "year"]

#: What a discovered URL points at, as far as discovery can tell.
LinkKind = Literal["article", "feed", "sitemap", "listing", "unknown"]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --------------------------------------------------------------------------- fetching


@dataclass(slots=True)
class FetchedPage:
    """One HTTP response as the fetcher got it (body already size-checked)."""

    url: str
    """The URL that was asked for."""
    final_url: str
    """The URL after redirects."""
    status: int
    headers: dict[str, str]
    """Response headers, keys lower-cased."""
    body: bytes
    fetched_at: dt.datetime
    encoding: str | None = None
    """The encoding the body was decoded with (see :attr:`text`)."""
    text: str = ""
    """The body decoded to text (HTML, XML or feed); empty for a 304."""
    not_modified: bool = False
    """True when the server answered 304 to a conditional GET."""

    @property
    def content_type(self) -> str:
        """The media type without parameters, e.g. ``text/html``."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(slots=True)
class DiscoveredLink:
    """A URL found by discovery (feed item, sitemap entry, listing link, pager)."""

    url: str
    kind: LinkKind = "unknown"
    source: str | None = None
    """The feed/sitemap/listing URL it was found on."""
    title: str | None = None
    published: dt.datetime | None = None
    """Publication time when the feed or sitemap states it (used for --since/--until)."""


@dataclass(slots=True)
class FailedFetch:
    """A URL a crawl could not turn into an article, kept so it can be retried later."""

    url: str
    error: str
    """The error message."""
    kind: str
    """The exception class name, e.g. ``FetchTimeout`` or ``NotAnArticle``."""
    status: int | None = None
    """The HTTP status when the server answered with one."""
    retryable: bool = False
    """Whether fetching it again later may succeed (timeouts, resets, 429, 5xx)."""
    attempts: int = 1
    """How many times it was tried in this run."""


# --------------------------------------------------------------------------- articles


@dataclass(slots=True)
class Article:
    """A parsed news article: clean body text and metadata."""

    url: str
    """The URL the article was fetched from."""
    canonical_url: str
    """The canonical URL (rel=canonical, tracking parameters and mirrors removed); the store's key."""
    outlet: str
    """Publishing outlet, by host, e.g. ``sumsel.tribunnews.com``."""
    title: str
    paragraphs: list[str]
    """Body paragraphs in order, boilerplate removed, dateline removed."""
    authors: list[str] = field(default_factory=list)
    """Writers (Penulis / Pewarta / Laporan Wartawan), never the editor."""
    editor: str | None = None
    published: dt.datetime | None = None
    """Publication time, timezone-aware where the page gives a time (WIB = +07:00 ...)."""
    updated: dt.datetime | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    dateline: str | None = None
    """The dateline removed from the first paragraph, e.g. ``TRIBUNSUMSEL.COM, PALEMBANG``."""
    pages: int = 1
    """Number of pages joined into this article."""
    adapter: str = "generic"
    """Name of the site adapter that parsed it."""
    language: str = "id"
    html: bytes | None = None
    """Raw HTML of the (first) page, kept so extractors can re-run without refetching."""

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form used by ``warta parse --json`` (no raw HTML)."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "outlet": self.outlet,
            "title": self.title,
            "authors": list(self.authors),
            "editor": self.editor,
            "published": _iso(self.published),
            "updated": _iso(self.updated),
            "section": self.section,
            "tags": list(self.tags),
            "dateline": self.dateline,
            "pages": self.pages,
            "adapter": self.adapter,
            "text": self.text,
        }


# --------------------------------------------------------------------------- facts


@dataclass(slots=True)
class Provenance:
    """Where a fact came from: character offsets into ``Article.text`` and who found it."""

    start: int
    end: int
    sentence: str
    extractor: str
    """Extractor name, e.g. ``warta.officials``."""
    version: str
    """Extractor version, bumped whenever its output can change."""
    confidence: float = 1.0


@dataclass(slots=True)
class Official:
    """A person named together with a position."""

    name: str
    """Name without honorifics or degrees, e.g. ``Ahmad Yani``."""
    role: str
    """Position as written, lower case, without the name, e.g. ``bupati muara enim``."""
    org: str | None
    """Institution or region served, canonical form where known, e.g. ``Kabupaten Muara Enim``."""
    surface: str
    """The text as it stands in the article."""
    prov: Provenance
    titles: list[str] = field(default_factory=list)
    """Honorifics before the name: Ir., H., Dr. ..."""
    degrees: list[str] = field(default_factory=list)
    """Academic degrees after the name: MM, S.Sos ..."""
    region_code: str | None = None
    """Kemendagri code of the region served, where known."""


@dataclass(slots=True)
class OfficialRelation:
    """A relation between two officials in one article ("diwakili oleh", "didampingi")."""

    kind: Literal["represented_by", "accompanied_by"]
    subject: str
    """Name of the official represented / accompanied."""
    object: str
    """Name of the representative / companion."""
    prov: Provenance


@dataclass(slots=True)
class Institution:
    """An organisation named in the text."""

    name: str
    """Canonical name, e.g. ``Kementerian Komunikasi dan Informatika``."""
    surface: str
    kind: str
    """ministry | agency | regional_government | office | legislature | police | military |
    company | association | media | university | other"""
    prov: Provenance
    aliases: list[str] = field(default_factory=list)
    region_code: str | None = None
    """Region the body belongs to (Pemkab X, Dinas Y Kota Z)."""


@dataclass(slots=True)
class Place:
    """An administrative area (country, province, kabupaten/kota ...)."""

    name: str
    """Official name, e.g. ``Kabupaten Muara Enim``."""
    surface: str
    level: str
    """country | province | regency | city | district | village | other"""
    prov: Provenance
    code: str | None = None
    """Kemendagri region code, e.g. ``16.03``."""


@dataclass(slots=True)
class DateMention:
    """A calendar reference resolved to ISO with the precision the text gives."""

    value: str
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    precision: DatePrecision
    surface: str
    prov: Provenance


@dataclass(slots=True)
class ProgrammeStage:
    """A named programme with a numbered stage ("Gerakan Menuju 100 Smart City Tahap 3 Tahun 2019")."""

    program: str
    stage: int
    year: int | None
    surface: str
    prov: Provenance


@dataclass(slots=True)
class ProgrammeParticipant:
    """A region said to take part in / be selected for a programme."""

    region: str
    program: str
    year: int | None
    surface: str
    prov: Provenance
    stage: int | None = None
    region_code: str | None = None
    planned: bool = False
    """Only a plan or intention to join ("berencana mendaftar"); not a participant by the annotation
    rules, so left out of :meth:`ArticleFacts.to_eval_dict`."""


FACT_TYPES = ("officials", "institutions", "places", "dates", "program_stages", "program_participants")


@dataclass(slots=True)
class ArticleFacts:
    """Everything the extractors found in one text."""

    officials: list[Official] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    program_stages: list[ProgrammeStage] = field(default_factory=list)
    program_participants: list[ProgrammeParticipant] = field(default_factory=list)
    relations: list[OfficialRelation] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    """Version of each fact type's extractor that made these facts, the types that found nothing
    included (``{"officials": "2", ...}``); stored per article so re-extraction sees one type's bump."""

    def counts(self) -> dict[str, int]:
        """Number of facts per type."""
        return {t: len(getattr(self, t)) for t in FACT_TYPES}

    def to_dict(self) -> dict[str, Any]:
        """Full JSON-ready form, with provenance."""
        out = {t: [asdict(f) for f in getattr(self, t)] for t in FACT_TYPES}
        out["relations"] = [asdict(r) for r in self.relations]
        return out

    def to_eval_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The prediction format of ``shared/eval/score_extraction.py`` (one entry per distinct fact)."""
        return {
            "officials": [{"name": o.name, "role": o.role, "org": o.org} for o in self.officials],
            "institutions": [{"name": i.name} for i in self.institutions],
            "places": [{"name": p.name} for p in self.places],
            "dates": [{"value": d.value} for d in self.dates],
            "program_stages": [
                {"program": s.program, "stage": s.stage, "year": s.year} for s in self.program_stages
            ],
            "program_participants": [
                {"region": p.region, "program": p.program, "year": p.year, "stage": p.stage}
                for p in self.eval_facts("program_participants")
            ],
        }

    def eval_facts(self, fact_type: str) -> list[Any]:
        """The facts of ``fact_type`` that :meth:`to_eval_dict` lists, in its order (plans to join left out)."""
        facts = getattr(self, fact_type)
        if fact_type == "program_participants":
            return [p for p in facts if not p.planned]
        return list(facts)


_VERSION_ITEM = re.compile(r"([a-z_]+)=([^;=\s]+)")


def format_versions(versions: Mapping[str, str]) -> str:
    """Per-type extractor versions as one string: ``dates=1;officials=2;...`` (sorted by type)."""
    return ";".join(f"{t}={v}" for t, v in sorted(versions.items()))


def parse_versions(value: str | None) -> dict[str, str] | None:
    """The per-type versions of :func:`format_versions`; None for any other string (an older store's
    single version such as ``warta.extractors.v1``)."""
    if not value:
        return None
    items = value.split(";")
    found = [_VERSION_ITEM.fullmatch(i) for i in items]
    if not all(found):
        return None
    return {m.group(1): m.group(2) for m in found if m}
