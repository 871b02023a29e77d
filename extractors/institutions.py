"""Institutions: ministries and agencies, regional governments, their offices, associations, media.

Each mention gets a canonical name and an identity key so that "Dinas Komunikasi dan Informatika
(Dinkominfo) Kabupaten Purbalingga", "Dinkominfo Purbalingga" and "Dinkominfo" count as one body.
An office named inside a position ("Kepala Dinas Kominfo Muara Enim") is a mention; sub-units
(Bidang, Bagian, Tim) and bare titles ("Dirjen") are not.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field

from extractors import lexicon
from extractors.places import PlaceMatch
from extractors.text import Token, norm

logger = logging.getLogger(__name__)

NAME = "warta.institutions"
VERSION = "5"

_GOV = {"pemkab": "regency", "pemkot": "city", "pemko": "city", "pemprov": "province", "pemdaprov": "province",
        "pemdakab": "regency", "pemdakot": "city"}
#: Words before a body's name that make it that body's office in a region ("Kanwil Kemenag Jawa Timur").
_OFFICE_LEAD = re.compile(r"\b(?:Kantor\s+Wilayah|Kanwil|Kantor|Kantah)\s+$")
#: Where national bodies sit: "Gedung Kementerian PUPR Jakarta" is the ministry, not a regional office of it
#: ("Kanwil Kemenag DKI Jakarta", with the province named as such, is one).
_SEATS = {"Jakarta"}
_GOV_LONG = {"kabupaten": "regency", "kota": "city", "provinsi": "province"}
_GOV_NAME = {"regency": "Pemerintah Kabupaten", "city": "Pemerintah Kota", "province": "Pemerintah Provinsi"}
#: Provinces by the names people use ("Pemerintah Provinsi DKI Jakarta").
_USUAL = {"Daerah Khusus Ibukota Jakarta": "DKI Jakarta", "Daerah Khusus Ibu Kota Jakarta": "DKI Jakarta"}
#: Office abbreviations whose area may be a name the region list lacks ("Polres Pelabuhan Belawan",
#: "Polsek Terusan Nunyai", "Kodim 0703/Cilacap", "RSUD Alimuddin Umar").
_AREA_NAMED = {"polres", "polsek", "polresta", "polrestabes", "polda", "kodim", "koramil", "korem", "kodam",
               "lanal", "lanud", "rsud", "brimob", "satbrimob", "brimobda", "ksop", "brigif", "yonif", "denkav",
               "yonkav", "rindam", "lantamal", "koarmada"}
#: Office heads whose name is the area they serve, which the region list may lack.
_AREA_HEADS = {"Pengadilan Negeri", "Pengadilan Agama", "Pengadilan Tinggi", "Kejaksaan Negeri", "Kejaksaan Tinggi",
               "Kepolisian Sektor", "Kepolisian Resor", "Kantor Pertanahan"}
#: Schools: "SMAN 4 Lubuklinggau", "SMK Negeri 2 Rantauprapat", "SDN 01/02 Kampung Melayu".
_SCHOOL = re.compile(r"\b(?:SDN|SMPN|SMAN|SMKN|SD|SMP|SMA|SMK|SLB|MTsN|MTs|MAN|MIN|MI)(?:\s+(?:Negeri|Swasta|IT|N))?"
                     r"\s+\d{1,3}(?:/\d{1,3})?(?:\s+([A-Z][\w-]*)(?:\s+([A-Z][\w-]*))?)?")
#: A head word followed by these names a building, not a body ("Balai Desa", "Balai Kota").
_BUILDINGS = {("Balai", "Desa"), ("Balai", "Kota"), ("Balai", "Kelurahan"), ("Balai", "Pertemuan"), ("Balai", "Adat")}
_EXPAND = {"kominfo": "komunikasi informatika", "kesra": "kesejahteraan rakyat", "pu": "pekerjaan umum",
           "pupr": "pekerjaan umum penataan ruang"}
#: Region levels that close an office's name; a police or army unit's area may be a kecamatan
#: ("Kapolsek Sekampung Udik", "Mapolres Binjai" where the text's Binjai reads as the kecamatan).
_LEVELS = ("regency", "city", "province", "other")
_UNIT_LEVELS = _LEVELS + ("district",)
_STANDALONE = {"Dewan Perwakilan Rakyat Daerah", "Rumah Sakit Umum Daerah", "Kepolisian Daerah", "Kepolisian Resor"}
_BRANCH = {"cabang", "kantor", "unit", "wilayah", "area", "perwakilan"}


@dataclass(slots=True)
class InstitutionMatch:
    """One institution mention."""

    start: int
    end: int
    surface: str
    name: str
    kind: str
    key: tuple[str, ...]
    region_code: str | None = None
    has_region: bool = False
    aliases: list[str] = field(default_factory=list)
    bare_key: tuple[str, ...] | None = None
    """The key of the name without the region that closes it ("Pondok Pesantren Husnul Khotimah Kuningan")."""


def field_key(words: str) -> str:
    """Identity of an office's field: lower case, abbreviations expanded, "dan" and punctuation dropped."""
    out = []
    for w in norm(words).split():
        if w in ("dan", "serta"):
            continue
        out.extend(_EXPAND.get(w, _near_field(w) or w).split())
    return " ".join(out)


@functools.cache
def _caps_only() -> frozenset[str]:
    """Short acronyms of the gazetteer only ever written in capitals ("AJI", "PKB"), lower case: written
    otherwise ("Aji", "Bin") the word is a name or another word."""
    caps: set[str] = set()
    other: set[str] = set()
    for e in lexicon.institutions():
        for a in e.aliases:
            (caps if a.isupper() and a.isalpha() and len(a) <= 4 else other).add(a)
    return frozenset(a.lower() for a in caps) - {a.lower() for a in other}


@functools.cache
def _known_names() -> dict[str, str]:
    """Every alias of the gazetteer, normalised, with its entry's canonical name."""
    return {norm(a): name for a, e in lexicon.institution_aliases().items() for name in (e.name,)}


def _entry(table: dict[str, lexicon.InstitutionEntry], matched: str) -> lexicon.InstitutionEntry:
    """The table entry of a known name as the text wrote it (spaces and commas as they came)."""
    key = " ".join(matched.lower().split())
    if key in table:
        return table[key]
    bare = key.replace(",", "")
    return next(e for a, e in table.items() if a.replace(",", "") == bare)


def _alternation(aliases: list[str]) -> re.Pattern[str]:
    # the words of a name may be spaced out, but never across lines
    # a comma in a name may be left out ("Kementerian Pendidikan, Kebudayaan, Riset dan Teknologi")
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(a).replace(",", ",?").replace(r"\ ", r"[^\S\n]+")
                                                 for a in aliases) + r")(?![\w-])", re.I)


@functools.cache
def _known_by_first_word() -> dict[str, re.Pattern[str]]:
    """The known-name pattern split by each alias's first word: one small pattern per word."""
    groups: dict[str, list[str]] = {}
    for alias in sorted(lexicon.institution_aliases(), key=len, reverse=True):
        first = re.match(r"\w+", alias)
        if first is not None:
            groups.setdefault(first.group(), []).append(alias)
    return {word: _alternation(aliases) for word, aliases in groups.items()}


_WORD = re.compile(r"(?<![\w-])\w+")
_PAIR = re.compile(r"(?<![\w-])([A-Z]\w+)-([A-Z]\w+)(?![\w-])")


def known_at(text: str, pos: int = 0, *, full: bool = False) -> re.Match[str] | None:
    """The longest known name starting at ``pos`` (the whole of ``text`` with ``full``), or None."""
    w = _WORD.match(text, pos)
    pat = _known_by_first_word().get(w.group().lower()) if w is not None and w.start() == pos else None
    if pat is None:
        return None
    return pat.fullmatch(text, pos) if full else pat.match(text, pos)


def known_matches(text: str) -> list[re.Match[str]]:
    """Known names in ``text``, left to right, longest alias first, not overlapping; each alias is
    tried only where a word opens it (one small pattern per first word, not one for all)."""
    groups = _known_by_first_word()
    table = lexicon.institution_aliases()
    for pair in _PAIR.finditer(text):  # "TNI-Polri": two bodies written as one word
        if pair.group(1).lower() in table and pair.group(2).lower() in table:
            text = text[: pair.end(1)] + " " + text[pair.end(1) + 1 :]
    out: list[re.Match[str]] = []
    end = 0
    for w in _WORD.finditer(text):
        if w.start() < end:
            continue
        pat = groups.get(w.group().lower())
        m = pat.match(text, w.start()) if pat is not None else None
        if m is not None:
            out.append(m)
            end = m.end()
    return out


@functools.cache
def _office_table() -> dict[str, lexicon.OfficeEntry]:
    return {o.abbrev.lower(): o for o in lexicon.offices()}


def _place_at(places: dict[int, PlaceMatch], toks: list[Token], j: int) -> PlaceMatch | None:
    return places.get(toks[j].start) if j < len(toks) else None


def _region_after(toks: list[Token], j: int, places: dict[int, PlaceMatch],
                  levels: tuple[str, ...] = ("regency", "city", "province", "other")) \
        -> tuple[int, PlaceMatch | None, bool]:
    """Skip an optional "(ABBR)" and read an optional region of one of ``levels``; returns (next index,
    place, 'setempat')."""
    if j < len(toks) and toks[j].text == "(":
        k = j + 1
        while k < len(toks) and toks[k].text != ")" and k - j < 6:
            k += 1
        if k < len(toks) and toks[k].text == ")":
            nxt = _place_at(places, toks, k + 1)
            if nxt is not None:
                j = k + 1
    p = _place_at(places, toks, j)
    if p is not None and p.level in levels:
        k = j
        while k < len(toks) and toks[k].start < p.end:
            k += 1
        # "Polsek Medan Sunggal": a kecamatan whose name begins with the city's
        districts = lexicon.regions().district
        for n in (2, 1):
            if k + n <= len(toks) and all(x.is_cap for x in toks[k : k + n]):
                name = " ".join([p.surface] + [x.bare for x in toks[k : k + n]])
                if name.lower() in districts:
                    return k + n, PlaceMatch(p.start, toks[k + n - 1].end, name, name, "district", None, False), False
        return k, p, False
    if j < len(toks) and toks[j].text.lower() == "setempat":
        return j + 1, None, True
    return j, None, False


def _area_run(toks: list[Token], j: int, common: frozenset[str]) -> int:
    """End of the capitalised area name a unit takes at ``j`` ("Pelabuhan Belawan", "Terbanggi Besar",
    "0703/Cilacap"): up to three words, the first not a common word, no title, degree or position."""
    a = j
    while a < len(toks) and a - j < 3 and (toks[a].is_cap or re.match(r"^\d{2,4}(/[A-Z][\w-]*)?$", toks[a].text)
                                           or (a > j and _NUMERAL.match(toks[a].text))) \
            and toks[a].text not in ("(", ")", ",") and not lexicon.is_title(toks[a].text) \
            and not lexicon.is_degree(toks[a].text) and (toks[a].low,) not in lexicon.positions() \
            and not (a == j and toks[a].bare.lower() in common):
        a += 1
    return a


def _paren_abbrev(toks: list[Token], j: int) -> str | None:
    """The abbreviation in "(Diskominfo)" or "(Ditjen Aptika)" right at ``j``."""
    if j < len(toks) and toks[j].text == "(":
        for n in (1, 2, 3):
            if j + n + 1 < len(toks) and toks[j + n + 1].text == ")":
                words = [t.text for t in toks[j + 1 : j + n + 1]]
                if all(w[:1].isupper() for w in words) and (n > 1 or any(c.isupper() for c in words[0][1:])):
                    return " ".join(words)
                return None
    return None


_DEFINITION = re.compile(r"((?:\b[a-z][a-z-]*\s+){1,8})\(([A-Z]{2,6})\)")
_CAP_DEFINITION = re.compile(r"((?:\b[A-Z][\w-]*[^\S\n]+){2,8})\(([A-Z]{2,6})\)")


@functools.cache
def _body_words() -> frozenset[str]:
    """Words that open an organisation's name (lower case): a phrase opening with one names a body."""
    words = {h[0].lower() for h in lexicon.office_heads()} | {h[0].lower() for h in lexicon.named_heads()}
    return frozenset(words | {w.lower() for w in lexicon.association_heads()} | _MODEL_HEADS
                     | {"kementerian", "komisi", "badan", "dewan", "majelis", "partai", "kantor", "pusat"})


def other_definitions(text: str, table: dict[str, lexicon.InstitutionEntry]) -> dict[str, str]:
    """Acronyms the text spells out as a capitalised phrase that is no name of the gazetteer body the
    acronym stands for: "Kawasan Perdesaan Prioritas Nasional (KPPN)" is no "KPPN" office. Acronym ->
    the phrase."""
    found = {}
    for m in _CAP_DEFINITION.finditer(text):
        abbr, words = m.group(2), m.group(1).split()
        entry: object = table.get(abbr.lower()) or _office_table().get(abbr.lower())
        if entry is None:
            continue
        for n in range(len(abbr), len(words) + 1):  # the phrase's last words, as many as the acronym needs
            phrase = " ".join(words[-n:])
            initials = "".join(w[0] for w in phrase.split() if w.lower() not in ("dan", "&")).upper()
            if initials == abbr:
                if table.get(phrase.lower()) is not entry and words[-n].lower() not in _body_words() \
                        and getattr(entry, "long", "").lower() != phrase.lower():
                    found[abbr] = phrase
                break
    return found


def lower_case_definitions(text: str) -> frozenset[str]:
    """Short forms the text defines as a lower-case phrase, so not as an institution's name:
    "pajak kendaraan bermotor (PKB)", "bantuan langsung tunai (BLT)"."""
    found = set()
    for m in _DEFINITION.finditer(text):
        abbr = m.group(2)
        initials = "".join(w[0] for w in m.group(1).split()).upper()
        if abbr in initials and initials.endswith(abbr[-1]):
            found.add(abbr)
    return frozenset(found)


def _named_head(toks: list[Token], i: int) -> tuple[int, str, bool] | None:
    """The head of ``data/named_heads.tsv`` starting at token ``i``: (its length, kind, titles allowed)."""
    heads = lexicon.named_heads()
    for n in (4, 3, 2, 1):
        words = tuple(t.bare for t in toks[i : i + n])
        if len(words) == n and words in heads:
            kind, titled = heads[words]
            return n, kind, titled
    return None


_JOINERS = ("dan", ",", "&")
_STREET = {"Jalan", "Jl", "Jln", "JL"}
#: A name with its number inside a field ("Satgas Penanganan Covid-19").
_NAMED_NUMBER = re.compile(r"^[A-Z][A-Za-z]+-\d{1,4}$")
#: An acronym written with a lower-case letter inside or at its end ("CPUGGp", "BPKAD"-like forms).
_MIXED_ACRONYM = re.compile(r"^[A-Z]{3,}[a-z]{1,2}$|^[A-Z]{2,}[a-z][A-Z]+$")
#: Standalone office heads that, followed by a proper name, are that body's own name ("Rumah Sakit Umum
#: Daerah Abdul Moeloek"): the named-head rule (data/named_heads.tsv) reads them.
_NAMED_STANDALONE = {"Rumah Sakit Umum Daerah"}
_NUMERAL = re.compile(r"^(?:[IVX]{1,5}|\d{1,2})$")


def _field_abbrev(word: str) -> bool:
    """A field written as an office abbreviation's tail: "Dinas Dikbud" (Disdikbud), "Kadis Kominfo"
    (Diskominfo), "Dinas Dukcapil" (Disdukcapil)."""
    if len(word) < 3 or not word[:1].isupper():
        return False
    offices = _office_table()
    low = word.lower()
    return f"dis{low}" in offices or f"din{low}" in offices


def _through_abbrev(toks: list[Token], last: int, places: dict[int, PlaceMatch]) -> int:
    """``last`` moved over up to two capitalised words that the "(ABBR)" after them ends with:
    "Guru dan Tenaga Kependidikan (Dirjen GTK)" ("K" is Kependidikan's)."""
    for n in (1, 2):
        k = last + n
        if k + 2 < len(toks) and toks[k + 1].text == "(" and all(
                x.is_cap and x.text not in ("(", ")", ",") and places.get(x.start) is None
                and not lexicon.is_title(x.text) for x in toks[last + 1 : k + 1]):
            close = next((c for c in range(k + 2, min(k + 6, len(toks))) if toks[c].text == ")"), None)
            abbr = toks[close - 1].text if close is not None else ""
            if abbr.isupper() and len(abbr) >= n + 1 \
                    and abbr.endswith("".join(x.text[0] for x in toks[last + 1 : k + 1]).upper()):
                return k
    return last


def _own_abbrev(toks: list[Token], j: int, table: dict[str, lexicon.InstitutionEntry],
                entry: lexicon.InstitutionEntry) -> int:
    """Tokens of the body's own "(Kemenag)" or "(Ditjen Aptika)" right at ``j`` (0 when there is none)."""
    abbr = _paren_abbrev(toks, j)
    if abbr:
        return len(abbr.split()) + 2
    if j + 2 < len(toks) and toks[j].text == "(" and toks[j + 2].text == ")" \
            and table.get(toks[j + 1].text.lower()) is entry:
        return 3
    return 0


def _unit_key(head: str, area: str) -> tuple[str, ...]:
    """Identity of a unit named by its area or number: "Kodam XVII/Cenderawasih" and "Kodam XVII/Canderawasih"
    are one command (its number decides), "Polsek Percut Sei Tuan" is its area."""
    number = re.match(r"^([\dIVX]+)(?:/|\s|$)", area)
    return ("office", field_key(f"{head} {number.group(1) if number else area}"))


@functools.lru_cache(maxsize=4096)
def _near_field(word: str) -> str | None:
    """The field word that ``word`` writes one letter off ("Olahrag", "Kebudayan", "Hidul", "Perhuhungan"),
    a typo that is still the office's field; None otherwise. Lower-case ``word``; words of the common
    list are not typos."""
    if len(word) < 6 or not word.isalpha() or word in lexicon.common_words() or word in lexicon.field_words():
        return None
    for f in sorted(lexicon.field_words()):
        if abs(len(f) - len(word)) > 1 or len(f) < 6 or f[0] != word[0]:
            continue
        if len(f) == len(word):
            if sum(a != b for a, b in zip(f, word)) == 1:
                return f
            continue
        short, long_ = (word, f) if len(word) < len(f) else (f, word)
        if any(long_[:n] + long_[n + 1 :] == short for n in range(len(long_))):
            return f
    return None


def _region_level_at(places: dict[int, PlaceMatch], toks: list[Token], j: int) -> bool:
    p = _place_at(places, toks, j)
    return p is not None and p.level == "region"


def _office_area(toks: list[Token], j: int, places: dict[int, PlaceMatch], common: frozenset[str]) -> int | None:
    """End of the area an office's name closes with at ``j`` ("Jawa Bagian Barat", "Kalimantan II",
    "Cimanuk Cisanggarung", "III Jawa Barat"): capitalised words, "Bagian" and a numeral (which ends it),
    up to four tokens; None when there is none."""
    a = j
    while a < len(toks) and a - j < 4:
        w = toks[a]
        if _NUMERAL.match(w.text):
            a += 1
            if a - j > 1:
                break
            continue
        if not w.is_cap or w.text in ("(", ")", ",") or lexicon.is_title(w.text) or lexicon.is_degree(w.text) \
                or (w.low,) in lexicon.positions() or (a == j and w.bare.lower() in common):
            break
        if w.bare.lower() in lexicon.field_words() and w.bare != "Bagian":
            break
        a += 1
    return a if a > j else None


def _named_after(toks: list[Token], j: int, places: dict[int, PlaceMatch]) -> bool:
    """A proper name (not a region) follows at ``j``, after an optional "(ABBR)"."""
    if _paren_abbrev(toks, j):
        while j < len(toks) and toks[j].text != ")":
            j += 1
        j += 1
    return j < len(toks) and toks[j].is_cap and toks[j].text not in ("(", ")", ",") \
        and places.get(toks[j].start) is None


def find_institutions(text: str, toks: list[Token], places: list[PlaceMatch]) -> list[InstitutionMatch]:
    """Find institution mentions.

    Args:
        text: the article body.
        toks: its tokens.
        places: place mentions from :func:`extractors.places.find_places`.

    Returns:
        Mentions in text order (several may share a key; see :func:`merge`).
    """
    idx = lexicon.regions()
    at = {p.start: p for p in places}
    out: list[InstitutionMatch] = []
    taken: list[tuple[int, int]] = []
    aliases: dict[str, tuple[str, ...]] = {}
    company_short: dict[str, tuple[str, ...]] = {}  # a company's short form -> its key
    company_heads, company_suffixes = lexicon.company_forms()
    association_heads = lexicon.association_heads()
    offices = _office_table()
    heads = lexicon.office_heads()
    fields = lexicon.field_words()
    generic_fields = lexicon.generic_fields()
    area_words = lexicon.office_area_words()
    near_field = _near_field
    common = lexicon.common_words()  # capitalised after an office head, a common noun is a field word
    head_words = {h[0]: True for h in heads}

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    # known ministries, agencies, associations, media ...
    table = lexicon.institution_aliases()
    other_meaning = lower_case_definitions(text) | frozenset(other_definitions(text, table))
    continuation = lexicon.name_continuations()
    for m in known_matches(text):
        s, e = m.span()
        if not free(s, e):
            continue
        if m.group(1) in other_meaning:
            continue  # "pajak kendaraan bermotor (PKB)": this text's PKB is no party
        entry = _entry(table, m.group(1))
        if m.group(1).isupper() is False and m.group(1)[0].islower():
            continue
        if m.group(1).lower() in _caps_only() and not m.group(1).isupper():
            continue  # "Y Wahyu Aji": a short acronym ("AJI") is written in capitals
        if continuation.match(text, e):
            continue  # "UNESCO Global Geopark": a status named after the body
        if re.match(r"\s+Daerah\b", text[e : e + 8]):
            continue  # "Dewan Perwakilan Rakyat Daerah" is a regional legislature
        rank = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, s - 20) : s])
        if entry.kind in ("military", "police") and rank and lexicon.is_title(rank.group(1)):
            continue  # "Letjen TNI (Purn) ...": part of a rank, not a mention of the body
        match = InstitutionMatch(s, e, m.group(1), entry.name, entry.kind, ("known", entry.name))
        if entry.kind in ("ministry", "agency"):
            # "Kemenag Lebak", "Kanwil Kemenag Jawa Timur", "Kantor Bea Cukai Bogor" (its regional office),
            # "Kementerian Luar Negeri Iran", "Bea Cukai Tiongkok" (another country's)
            j = next((n for n, t in enumerate(toks) if t.start >= e), len(toks))
            name_end = e
            skip = _own_abbrev(toks, j, table, entry) if j < len(toks) and toks[j].start - e <= 1 else 0
            if skip:  # "Kementerian Agama (Kemenag) Lebak"
                j += skip
                e = toks[j - 1].end
            place = at.get(toks[j].start) if j < len(toks) and toks[j].start - e <= 1 else None
            if place is not None and place.level in ("regency", "city", "province", "country", "other") \
                    and place.name != "Indonesia" and place.surface not in _SEATS:
                lead = _OFFICE_LEAD.search(text, max(0, s - 20), s)
                s0 = lead.start() if lead is not None else s
                match = InstitutionMatch(s0, place.end, text[s0:place.end], f"{text[s0:name_end]} {place.surface}",
                                         "office",
                                         ("known", norm(f"{entry.name} {place.name}")), place.code, True)
                s, e = s0, place.end
        if entry.kind == "association":
            # a regional chapter: "Kadin Aceh", "Asosiasi Pengusaha Indonesia (Apindo) Kalimantan Timur";
            # the region stays a place mention, so the match span ends before it
            j = next((n for n, t in enumerate(toks) if t.start >= e), len(toks))
            _, place, _ = _region_after(toks, j, at)
            if place is not None and place.level in _GOV_NAME:
                match.name, match.has_region, match.region_code = f"{m.group(1)} {place.surface}", True, place.code
            elif not m.group(1).endswith("Indonesia"):
                country = _place_at(at, toks, j + _own_abbrev(toks, j, table, entry))
                if country is not None and country.name == "Indonesia":
                    match.name = f"{m.group(1)} {country.surface}"  # "Kamar Dagang dan Industri (Kadin) Indonesia"
        out.append(match)
        taken.append((s, e))
    for m in _SCHOOL.finditer(text):
        s, e = m.span()
        if m.group(2) and f"{m.group(1)} {m.group(2)}".lower() not in idx.bare \
                and f"{m.group(1)} {m.group(2)}".lower() not in idx.district \
                and not (m.group(1) in ("Kota", "Kabupaten") and m.group(2).lower() in idx.bare):
            e = m.end(1)  # "SMAN 4 Lubuklinggau Erwin Susanto": one word of area, unless two name a place
        if free(s, e):
            out.append(InstitutionMatch(s, e, text[s:e], text[s:e], "school", ("known", norm(text[s:e]))))
            taken.append((s, e))
    for m in lexicon.media_cues().finditer(text):  # "seperti dikutip dari Antara": a medium quoted
        s, e = m.span(1)
        first = m.group(1).split()[0]
        alone = first == m.group(1) and re.match(r"\s*[,.;)]", text[e : e + 2]) is not None  # "dari Antara, Minggu"
        numbered = re.match(r"\s+\d", text[e : e + 3]) is not None  # "mengutip Pasal 5": a law's article
        shouted = first.isupper() and len(first) > 3  # "dihubungi ANTARA": a name, not the word "antara"
        if not free(s, e) or numbered or (first.lower() in common and not alone and not shouted) \
                or lexicon.is_title(first) \
                or first.lower() in lexicon.DAY_NAMES \
                or (first.lower(),) in lexicon.positions() or any(p.start == s for p in places):
            continue
        out.append(InstitutionMatch(s, e, m.group(1), m.group(1), "media", ("known", norm(m.group(1)))))
        taken.append((s, e))
    known_spans = list(taken)

    def named_body(start: int, j: int, kind: str) -> None:
        """Record the body named by tokens from ``start`` up to ``j``, and its "(ABBR)" after them."""
        end = toks[j - 1].end
        name = text[start:end]
        out.append(InstitutionMatch(start, end, name, name, kind, ("known", norm(name))))
        taken.append((start, end))
        abbr = _paren_abbrev(toks, j)
        if abbr:
            aliases[abbr.lower()] = ("known", norm(name))

    i = 0
    while i < len(toks):
        t = toks[i]
        low = t.bare.lower()
        inside = next((b for a, b in known_spans if a <= t.start < b), None)
        if inside is not None:
            while i < len(toks) and toks[i].start < inside:
                i += 1
            continue
        # village, district and national governments: "Pemerintah Desa Sukorahayu", "Pemdes Anrihua",
        # "Pemerintah Kecamatan Labuhan Maringgai", "Pemerintah Republik Indonesia"
        lower_gov = 2 if low == "pemerintah" and i + 1 < len(toks) and toks[i + 1].bare in ("Desa", "Kecamatan") \
            else 1 if t.bare == "Pemdes" else 0
        if lower_gov and t.is_cap:
            a = _area_run(toks, i + lower_gov, frozenset())
            if a > i + lower_gov:
                end = toks[a - 1].end
                area = text[toks[i + lower_gov].start : end]
                level = "Kecamatan" if lower_gov == 2 and toks[i + 1].bare == "Kecamatan" else "Desa"
                out.append(InstitutionMatch(t.start, end, text[t.start:end], text[t.start:end], "regional_government",
                                            ("gov", level, norm(area))))
                taken.append((t.start, end))
                i = a
                continue
        if t.bare == "Pemerintah":
            nation = re.match(r"[^\S\n]+(?:Republik[^\S\n]+Indonesia|RI|Indonesia)\b", text[t.end : t.end + 22])
            if nation is not None:
                end = t.end + nation.end()
                out.append(InstitutionMatch(t.start, end, text[t.start:end], text[t.start:end], "government",
                                            ("gov", "national")))
                taken.append((t.start, end))
                while i < len(toks) and toks[i].start < end:
                    i += 1
                continue
        # regional governments
        region_next = low == "pemerintah" and i + 1 < len(toks) and toks[i + 1].bare.lower() not in _GOV_LONG \
            and _place_at(at, toks, i + 1) is not None  # "pemerintah Jawa Barat": the region's government
        if low == "pemda" or region_next or (low == "pemerintah" and i + 1 < len(toks) and toks[i + 1].low == "daerah"):
            # "Pemda Lahat", "Pemerintah Daerah (Pemda) Lahat": the level comes from the region
            j = i + 1 if low == "pemda" or region_next else i + 2
            if j + 2 < len(toks) and toks[j].text == "(" and toks[j + 2].text == ")":
                j += 3
            place = at.get(toks[j].start) if j < len(toks) else None
            if place is not None and place.level in _GOV_NAME and place.code:
                reg_obj = idx.by_code.get(place.code)
                if reg_obj is not None:
                    k = j
                    while k < len(toks) and toks[k].start < place.end:
                        k += 1
                    end = toks[k - 1].end
                    bare = reg_obj.bare if reg_obj.level != "province" else _USUAL.get(reg_obj.name, reg_obj.name)
                    out.append(InstitutionMatch(t.start, end, text[t.start:end], f"{_GOV_NAME[reg_obj.level]} {bare}",
                                                "regional_government", ("gov", reg_obj.code or bare), reg_obj.code, True))
                    taken.append((t.start, end))
                    i = k
                    continue
        daerah = int(low == "pemerintah" and i + 2 < len(toks) and toks[i + 1].low == "daerah"
                     and toks[i + 2].bare.lower() in _GOV_LONG)  # "Pemerintah Daerah Provinsi Jawa Barat"
        if low in _GOV or (low == "pemerintah" and i + 1 + daerah < len(toks)
                           and toks[i + 1 + daerah].bare.lower() in _GOV_LONG):
            level = _GOV.get(low) or _GOV_LONG[toks[i + 1 + daerah].bare.lower()]
            j = i + 1 if low in _GOV else i + 2 + daerah
            if j + 2 < len(toks) and toks[j].text == "(" and toks[j + 2].text == ")":
                j += 3  # "Pemerintah Kota (Pemkot) Jambi"
            gov_table = {"regency": idx.regency, "city": idx.city, "province": idx.province}[level]
            for n in (4, 3, 2, 1):
                words = [x.bare for x in toks[j : j + n]]
                if len(words) == n and all(w[:1].isupper() for w in words):
                    gov_region = gov_table.get(" ".join(words).lower())
                    if gov_region is not None:
                        end = toks[j + n - 1].end
                        bare = gov_region.bare if level != "province" else _USUAL.get(gov_region.name, gov_region.name)
                        name = f"{_GOV_NAME[level]} {bare}"
                        out.append(InstitutionMatch(t.start, end, text[t.start:end], name, "regional_government",
                                                    ("gov", gov_region.code or bare), gov_region.code, True))
                        taken.append((t.start, end))
                        i = j + n
                        break
            else:
                # a bare "Pemkot"/"Pemkab" is the government of the article's only city/regency of that level
                regs = {p.code for p in places if p.level == level and p.code} if low in _GOV else set()
                reg_obj = idx.by_code.get(next(iter(regs))) if len(regs) == 1 else None
                if reg_obj is not None and level != "province":
                    out.append(InstitutionMatch(t.start, t.end, t.text, f"{_GOV_NAME[level]} {reg_obj.bare}",
                                                "regional_government", ("gov", reg_obj.code or reg_obj.bare),
                                                reg_obj.code, False))
                    taken.append((t.start, t.end))
                i += 1
            continue
        # a multi-word abbreviation met earlier in parentheses ("Ditjen Bina Pemdes")
        multi = next((n for n in (3, 2) if " ".join(x.bare for x in toks[i : i + n]).lower() in aliases), 0)
        if multi and t.is_cap:
            j = i + multi
            k, place, _ = _region_after(toks, j, at)
            surface_head = text[t.start : toks[j - 1].end]
            end = toks[k - 1].end if place is not None else toks[j - 1].end
            out.append(InstitutionMatch(t.start, end, text[t.start:end],
                                        surface_head + (" " + place.surface if place is not None else ""), "office",
                                        aliases[surface_head.lower()], place.code if place else None, place is not None))
            taken.append((t.start, end))
            i = k if place is not None else j
            continue
        # long office names: Dinas/Badan/Kantor ... + field words (+ (ABBR)) (+ region)
        head_len = 0
        virtual_head = None
        if t.bare in ("Kadis", "Kadin") and i + 1 < len(toks) and toks[i + 1].is_cap \
                and (toks[i + 1].low in fields or _field_abbrev(toks[i + 1].bare)):
            virtual_head = "Dinas"
            head_len = 1
        for h in heads if virtual_head is None else ():
            if t.bare == h[0] and tuple(x.bare for x in toks[i : i + len(h)]) == h:
                head_len = len(h)
                break
        if head_len and i + 1 < len(toks) and (t.bare, toks[i + 1].bare) in _BUILDINGS:
            head_len = 0
        if head_len and tuple(x.bare for x in toks[i : i + head_len]) in lexicon.sub_unit_heads():
            i += head_len  # "Biro Hukum": a sub-unit of the Setda or ministry named after it
            continue
        if head_len:
            j = i + head_len
            last = j - 1
            while j < len(toks):
                w = toks[j]
                wl = w.bare.lower()
                if at.get(w.start) is not None:
                    break
                if w.is_cap and (wl in fields or (j > i + head_len - 1 and wl in common and not head_words.get(w.bare))
                                 or (j > i + head_len and _NAMED_NUMBER.match(w.text))
                                 or ((w.text.isupper() or _MIXED_ACRONYM.match(w.text)) and len(w.text) >= 2
                                     and wl not in offices)
                                 or near_field(wl) or _field_abbrev(w.bare)):
                    last = j
                    j += 1
                    continue
                if wl in _JOINERS or (not w.is_cap and wl in fields and last >= i + head_len):
                    # "Pemuda dan Olahraga", "Umum, Penataan Ruang perumahan dan Kawasan Permukiman",
                    # "Perindustrian dan perdagangan Provinsi Lampung" (a field word written in lower case)
                    k2, low_last = j, None
                    while k2 < len(toks) and (toks[k2].bare.lower() in _JOINERS
                                              or (not toks[k2].is_cap and toks[k2].bare.lower() in fields)):
                        if toks[k2].bare.lower() not in _JOINERS:
                            low_last = k2
                        k2 += 1
                    nxt = toks[k2] if k2 < len(toks) else None
                    if nxt is not None and nxt.is_cap and at.get(nxt.start) is None and not head_words.get(nxt.bare) \
                            and (nxt.bare.lower() in fields or nxt.bare.lower() in common
                                 or near_field(nxt.bare.lower())):
                        j = k2
                        continue
                    if nxt is not None and low_last == k2 - 1 and at.get(nxt.start) is not None:
                        last = low_last  # the region closes the name
                break
            last = _through_abbrev(toks, last, at) if last >= i + head_len else last
            head_phrase = " ".join(x.bare for x in toks[i : i + head_len])
            if last < i + head_len and head_phrase in _AREA_HEADS and at.get(toks[i + head_len].start) is None \
                    if i + head_len < len(toks) else False:
                a = _area_run(toks, i + head_len, common)
                if a > i + head_len:  # "Pengadilan Negeri Kalianda", "Kepolisian Sektor Gadingrejo"
                    end = toks[a - 1].end
                    out.append(InstitutionMatch(t.start, end, text[t.start:end], text[t.start:end], "office",
                                                ("office", field_key(text[t.start:end])), None, True))
                    taken.append((t.start, end))
                    i = a
                    continue
            standalone = last < i + head_len and head_phrase in _STANDALONE
            if standalone and head_phrase in _NAMED_STANDALONE and _named_after(toks, i + head_len, at):
                standalone = False  # "Rumah Sakit Umum Daerah (RSUD) Dr Soetomo": the hospital's own name follows
                last = i + head_len - 1
            generic = all(x.bare.lower() in generic_fields or x.bare.lower() in _JOINERS
                          for x in toks[i + head_len : last + 1])
            if last >= i + head_len and generic and _place_at(at, toks, last + 1) is None:
                i = last + 1  # "Badan Pengelola", "Biro Pelayanan": a head and a generic word name no body
                continue
            if last >= i + head_len or standalone:
                field_text = text[toks[i + head_len].start : toks[last].end] if not standalone else ""
                head_text = virtual_head or text[t.start : toks[i + head_len - 1].end]
                abbr = _paren_abbrev(toks, last + 1)
                if abbr is None and last + 3 < len(toks) and toks[last + 1].text == "(" and toks[last + 3].text == ")" \
                        and toks[last + 2].is_cap and toks[last + 2].text[:1].lower() in \
                        {x.bare[:1].lower() for x in toks[i : last + 1]}:
                    abbr = toks[last + 2].text  # "Dinas Pendidikan, Kebudayan, Pemuda dan Olahraga (Dikbudpora)"
                k, place, _ = _region_after(toks, last + 1, at)
                if abbr and place is None:
                    k = last + 1 + len(abbr.split()) + 2  # the "(ABBR)" belongs to this mention
                area_end = _office_area(toks, k if abbr and place is None else last + 1, at, common) \
                    if place is None and not standalone and (toks[last].bare.lower() in area_words or
                                                             _region_level_at(at, toks, k if abbr else last + 1)) \
                    else None
                if area_end is not None:
                    # "Balai Wilayah Sungai (BWS) Kalimantan II", "Balai Teknik Perkeretaapian Wilayah Jawa
                    # Bagian Barat"
                    a0 = k if abbr else last + 1
                    field_text = f"{field_text} {text[toks[a0].start : toks[area_end - 1].end]}"
                    k = area_end
                fk = (aliases.get(field_key(field_text)) or aliases.get(field_key(head_text + " " + field_text))
                      or ("office", field_key(head_text + " " + field_text)))
                if abbr:
                    aliases[abbr.lower()] = fk
                    aliases[field_key(abbr)] = fk
                name = f"{head_text} {field_text}".strip()
                if place is not None:
                    name += " " + place.surface
                end = toks[k - 1].end
                start = toks[i + 1].start if virtual_head else t.start
                kind = "legislature" if "Perwakilan" in head_text else "office"
                if head_text.startswith("Direktorat"):
                    kind = "agency"
                out.append(InstitutionMatch(start, end, text[start:end], name, kind, fk,
                                            place.code if place else None, place is not None))
                taken.append((start, end))
                i = k
                continue
        # "Kapolres OKU" names the office "Polres OKU"
        office_of = lexicon.position_offices().get(t.low)
        if office_of and t.is_cap:
            levels = _UNIT_LEVELS if office_of.lower() in _AREA_NAMED else _LEVELS
            k, place, _ = _region_after(toks, i + 1, at, levels)
            a = _area_run(toks, i + 1, common) if place is None and office_of.lower() in _AREA_NAMED else i + 1
            if a > i + 1 and re.match(r"^[\dIVX]", toks[i + 1].text):
                # "Dandim 1701/Jayapura" names "Kodim 1701/Jayapura", "Pangdam XVII/Cenderawasih" "Kodam ..."
                headed = offices[office_of.lower()]
                end = toks[a - 1].end
                name = f"{office_of} {text[toks[i + 1].start : end]}"
                out.append(InstitutionMatch(t.start, end, text[t.start:end], name, headed.kind,
                                            _unit_key(office_of, text[toks[i + 1].start : end]), None, True))
                taken.append((t.start, end))
                i = a
                continue
            if place is not None:
                headed = offices[office_of.lower()]
                name = f"{office_of} {place.surface}"
                if headed.kind == "police" and k < len(toks) and toks[k].bare == "Kota" and place.level != "city":
                    name += " Kota"  # "Kapolres Tangerang Kota": the police of the city of Tangerang
                    k += 1
                end = toks[k - 1].end
                out.append(InstitutionMatch(t.start, end, text[t.start:end], name,
                                            headed.kind, ("office", field_key(headed.long)), place.code, True))
                taken.append((t.start, end))
                i = k
                continue
        # office abbreviations: Bappeda, Setda, Diskominfo, Polda ... (+ region)
        hit: tuple[int, lexicon.OfficeEntry | None] | None = None
        for n in (2, 1) if t.is_cap else ():
            joined = " ".join(x.bare for x in toks[i : i + n])
            if len(toks[i : i + n]) == n and joined.lower() in offices and joined[:1].isupper():
                hit = (n, offices[joined.lower()])
                break
        headquarters = hit is None and t.bare.startswith("Ma") and t.bare[2:].lower() in offices \
            and offices[t.bare[2:].lower()].kind in ("police", "military")
        if headquarters:  # "Mapolresta Bandar Lampung": the headquarters of the Polresta
            hit = (1, offices[t.bare[2:].lower()])
        if hit is None and (t.bare.lower() in aliases) and t.is_cap:
            hit = (1, None)
        if hit is not None and hit[0] == 1 and t.bare in other_meaning:
            hit = None  # "Kawasan Perdesaan Prioritas Nasional (KPPN)": this text's KPPN is no office
        if hit is not None and hit[0] == 1 and _named_head(toks, i) is not None and i + 1 < len(toks) \
                and lexicon.is_title(toks[i + 1].text) and at.get(toks[i + 1].start) is None:
            hit = None  # "RSUD Dr Soetomo": the hospital's own name, read by the named-head rule below
        if hit is not None:
            n, office = hit
            j = i + n
            if j + 1 < len(toks) and toks[j].bare == "Metro" and at.get(toks[j + 1].start) is not None:
                j += 1  # "Polres Metro Bekasi", "Polda Metro Jaya"
            surface_head = text[t.start : toks[j - 1].end]
            unit = surface_head.lower() in _AREA_NAMED or (headquarters and office is not None
                                                           and office.abbrev.lower() in _AREA_NAMED)
            k, place, setempat = _region_after(toks, j, at, _UNIT_LEVELS if unit else _LEVELS)
            if place is None and surface_head.lower() in _AREA_NAMED:
                a = _area_run(toks, j, common)
                for n in (4, 3, 2, 1):  # "Polsek Percut Sei Tuan", "KSOP Panjang": a kecamatan's whole name
                    if j + n <= len(toks) and all(x.is_cap for x in toks[j : j + n]) \
                            and " ".join(x.bare for x in toks[j : j + n]).lower() in lexicon.regions().district:
                        a = max(a, j + n)
                        break
                if a > j:
                    area = text[toks[j].start : toks[a - 1].end]
                    fk = _unit_key(surface_head, area)
                    kind = office.kind if office is not None else "office"
                    out.append(InstitutionMatch(t.start, toks[a - 1].end, text[t.start : toks[a - 1].end],
                                                f"{surface_head} {area}", kind, fk, None, True))
                    taken.append((t.start, toks[a - 1].end))
                    i = a
                    continue
            if office is not None:
                fk = aliases.get(surface_head.lower()) or ("office", field_key(office.long))
                kind = office.kind
            else:
                fk = aliases[surface_head.lower()]
                kind = "office"
            if headquarters and place is None:
                i += 1
                continue
            if headquarters:
                surface_head = office.abbrev if office is not None else surface_head
            name = surface_head + (" " + place.surface if place is not None else "")
            if place is not None and kind == "police" and k < len(toks) and toks[k].bare == "Kota" \
                    and place.level != "city":
                name += " Kota"  # "Polres Bekasi Kota": the police of the city of Bekasi
                k += 1
            end = toks[k - 1].end if place is not None else toks[j - 1].end
            out.append(InstitutionMatch(t.start, end, text[t.start:end], name, kind, fk,
                                        place.code if place else None, place is not None))
            taken.append((t.start, end))
            i = k if place is not None else j
            continue
        # companies: "PT Semen Baturaja", "PT Bank Sumsel Babel (Persero)", "CV Bumi Kita", "PT Pelindo 4"
        if t.bare in company_heads and i + 1 < len(toks) and toks[i + 1].is_cap:
            j = i + 1
            while j < len(toks) and (toks[j].is_cap or (j > i + 1 and _NUMERAL.match(toks[j].text))) \
                    and toks[j].text not in ("(", ")", ",") and j - i <= 4 \
                    and not lexicon.is_title(toks[j].text) and toks[j].low not in _BRANCH:
                j += 1
            end = toks[j - 1].end
            short = None
            if j + 2 < len(toks) and toks[j].text == "(" and toks[j + 2].text == ")":
                if toks[j + 1].bare.lower() in company_suffixes:
                    end = toks[j + 2].end  # "(Persero)" is part of the name
                else:
                    short = toks[j + 1].bare  # "PT Sugar Group Companies (SGC)": "PT SGC" later
                j += 3
            name = text[t.start:end]
            key = company_short.get(norm(text[toks[i + 1].start : end]), ("known", norm(name)))
            if short:
                company_short[norm(short)] = key
            if free(t.start, end):
                out.append(InstitutionMatch(t.start, end, name, name, "company", key))
                taken.append((t.start, end))
            i = j
            continue
        # associations and foundations: "Lembaga Perlindungan Anak Indonesia (LPAI)"
        if t.bare in association_heads and i + 1 < len(toks) and toks[i + 1].is_cap:
            j = i + 1
            while j < len(toks) and j - i <= 6 and (toks[j].is_cap or (toks[j].low == "dan" and j + 1 < len(toks)
                                                                        and toks[j + 1].is_cap)) \
                    and toks[j].text not in ("(", ")", ",") and at.get(toks[j].start) is None \
                    and not lexicon.is_title(toks[j].text):
                j += 1
            closing = at.get(toks[j].start) if j < len(toks) else None
            if closing is not None and closing.level == "country":
                j += 1  # "... Anak Indonesia": the country closes the name
            if j - i >= 3:
                abbr = _paren_abbrev(toks, j)
                chapter = _place_at(at, toks, j + len(abbr.split()) + 2) if abbr else None
                if chapter is None and closing is not None and closing.level == "country":
                    chapter = _place_at(at, toks, j)  # "Forum Martabat Guru Indonesia Provinsi Lampung"
                if chapter is not None and chapter.level in _GOV_NAME:
                    # "Lembaga Penjamin Mutu Pendidikan (LPMP) Sumatera Utara": a body of that region
                    named_body(t.start, j, "association")
                    body = out[-1]
                    body.end = chapter.end
                    body.surface = text[t.start : chapter.end]
                    body.name = f"{body.name} {chapter.surface}"
                    taken[-1] = (t.start, chapter.end)
                    while j < len(toks) and toks[j].start < chapter.end:
                        j += 1
                else:
                    named_body(t.start, j, "association")
                i = j
                continue
        # universities, hospitals, pesantren: "Universitas X", "RSUP Haji Adam Malik" (data/named_heads.tsv)
        head = _named_head(toks, i) if t.is_cap and not known_at(text, t.start) \
            and not (i > 0 and toks[i - 1].bare in _STREET) else None  # "Jalan RS Fatmawati": a street
        if head is not None:
            n, kind, titled = head
            p0 = i + n
            head_abbr = _paren_abbrev(toks, p0)
            if head_abbr:  # "Rumah Sakit Umum Daerah (RSUD) Dr Soetomo"
                p0 += len(head_abbr.split()) + 2
            j = key_end = p0
            closed_by: PlaceMatch | None = None
            while j < len(toks) and (toks[j].is_cap or (titled and lexicon.is_title(toks[j].text))
                                     or (j > p0 and _NUMERAL.match(toks[j].text))) \
                    and toks[j].text not in ("(", ")", ",") and j - p0 <= 4 \
                    and (titled or not lexicon.is_title(toks[j].text)) and not lexicon.is_degree(toks[j].text) \
                    and (toks[j].low,) not in lexicon.positions():
                place = at.get(toks[j].start)
                if place is not None and j > p0:  # "Universitas Muhammadiyah Malang Sidik": the city closes it
                    while j < len(toks) and toks[j].start < place.end:
                        j += 1
                    closed_by = place
                    break
                j += 1
                key_end = j
            while j > p0 and toks[j - 1].bare.lower() in lexicon.DAY_NAMES:
                j -= 1  # "RS Rupit Kamis (4/1)": the day is the sentence's
            key_end = min(key_end, j)
            if j > p0:
                named_body(t.start, j, kind)
                body = out[-1]
                if kind == "hospital":
                    # "Rumah Sakit Umum Daerah (RSUD) Dr Soetomo Surabaya", "RSUD Dr Soetomo": one hospital
                    body.key = ("hospital", norm(" ".join(x.text for x in toks[p0:key_end]
                                                         if not lexicon.is_title(x.text))))
                if head_abbr:
                    aliases[head_abbr.lower()] = body.key
                if closed_by is not None and kind != "hospital":
                    body.bare_key = ("known", norm(text[t.start : toks[key_end - 1].end]))
                i = j
                continue
        i += 1
    out = _acronym_bodies(text, toks, at, out)
    out = _party_units(text, toks, at, out)
    tail = _headline_tail(text)
    out = [m for m in out if m.start < tail]
    return sorted(_cut_at_line_breaks(out), key=lambda x: x.start)


_ACRO_JOINERS = frozenset({"dan", "serta", "&", "untuk", "of", "and", "for", "the", "on"})
_ACRO_WORD = re.compile(r"^[A-Z][A-Za-z0-9-]{1,9}$")
#: Capitalised words that may follow a body's "(ABBR)" and still belong to its name: the central board.
_ACRO_TAILS = {"Pusat", "RI"}


def _acronym_letters(abbr: str) -> str | None:
    """The letters an acronym stands for, lower case: "P3A" -> "pppa" (a digit repeats the letter before)."""
    out: list[str] = []
    for ch in abbr.replace("-", "").replace(" ", ""):
        if ch.isdigit():
            if not out or ch in "01":
                return None
            out.append(out[-1][-1] * (int(ch) - 1))
        else:
            out.append(ch.lower())
    return "".join(out)


def _subsequence(part: str, word: str) -> bool:
    it = iter(word)
    return all(c in it for c in part)


def spells_out(abbr: str, words: list[str]) -> bool:
    """True when ``abbr`` is made of ``words`` in order, every word but a joiner ("dan", "of") giving it
    letters: initials or word beginnings for an acronym in capitals ("DJSN", "BADKO HMI", "P3A"),
    any letters in order for one written in mixed case ("Pusvetma": Pusat Veteriner Farma)."""
    letters = _acronym_letters(abbr)
    if not letters or not words or letters[0] != words[0][:1].lower():
        return False
    mixed = any(c.islower() for c in abbr)
    ws = [w.lower() for w in words]

    @functools.cache
    def fits(a: int, w: int) -> bool:
        if w == len(ws):
            return a == len(letters)
        if ws[w] in _ACRO_JOINERS and fits(a, w + 1):
            return True
        for n in range(1, len(letters) - a + 1):
            part = letters[a : a + n]
            ok = _subsequence(part, ws[w]) if mixed else ws[w].startswith(part)
            if not ok:
                if not mixed:
                    break
                continue
            if fits(a + n, w + 1):
                return True
        return False

    return fits(0, 0)


def _acronym_phrase(text: str, toks: list[Token], k: int, abbr: str) -> list[Token] | None:
    """The capitalised words before the "(" at ``k`` that ``abbr`` spells out and that open or close with
    an organisation's word (``data/acronym_heads.tsv``), longest first; None when there are none."""
    firsts, lasts = lexicon.acronym_heads()
    j = k
    while j > 0 and k - j < 10:
        w = toks[j - 1]
        if "\n" in text[w.end : toks[j].start] or w.text in ("(", ")", ",", ";", ":") \
                or not (w.is_cap or w.low in _ACRO_JOINERS):
            break
        j -= 1
    words = toks[j:k]
    for s in range(len(words) - 1):
        phrase = words[s:]
        if phrase[0].low in _ACRO_JOINERS or lexicon.is_title(phrase[0].text):
            continue
        if (phrase[0].bare.lower() in firsts or phrase[-1].bare.lower() in lasts) \
                and spells_out(abbr, [x.bare for x in phrase]):
            return phrase
    return None


def _acronym_bodies(text: str, toks: list[Token], places: dict[int, PlaceMatch],
                    found: list[InstitutionMatch]) -> list[InstitutionMatch]:
    """``found`` with the bodies the text spells out before their own acronym ("Dewan Jaminan Sosial
    Nasional (DJSN)", "Pengadilan Tata Usaha Negara (PTUN) Jakarta") and the acronym's later mentions.

    A spelled-out name replaces the shorter mentions found inside it ("Badan Pajak" in "Badan Pajak dan
    Retribusi Daerah (BPRD)"); a mention that already covers it stays. A name of a class of bodies
    (``data/generic_bodies.txt``) is none; a name that goes on after the acronym with a word of its own
    ("Perkumpulan Petani Pemakai Air (P3A) Mitra Cai") is left to the other rules, unless the acronym and
    that word are a known body's name ("... (BPJS) Kesehatan").
    """
    out = list(found)
    table = lexicon.institution_aliases()
    generic = lexicon.generic_bodies()
    defined: dict[str, InstitutionMatch] = {}
    for k, t in enumerate(toks):
        if t.text != "(":
            continue
        close = next((c for c in (k + 2, k + 3) if c < len(toks) and toks[c].text == ")"), None)
        if close is None or not all(_ACRO_WORD.match(x.text) for x in toks[k + 1 : close]):
            continue
        abbr = " ".join(x.text for x in toks[k + 1 : close])
        if sum(c.isupper() for c in abbr) < 2 and len(abbr) < 4:
            continue
        phrase = _acronym_phrase(text, toks, k, abbr)
        if phrase is None:
            continue
        start, end, reach = phrase[0].start, phrase[-1].end, toks[close].end
        name = text[start:end]
        if norm(name) in generic:
            out = [m for m in out if not (start <= m.start < reach and norm(m.name) == norm(name))]
            continue
        if any(m.start <= start and end <= m.end for m in out):
            continue  # a rule already read the whole name ("Komisi Pemberantasan Korupsi (KPK)")
        nxt = toks[close + 1] if close + 1 < len(toks) else None
        entry = table.get(f"{abbr} {nxt.bare}".lower()) if nxt is not None else None
        if entry is not None and nxt is not None:  # "... (BPJS) Kesehatan": the known "BPJS Kesehatan"
            match = InstitutionMatch(start, nxt.end, text[start : nxt.end], entry.name, entry.kind,
                                     ("known", entry.name))
        else:
            _, place, _ = _region_after(toks, close + 1, places)
            if place is None and nxt is not None and (nxt.is_cap or nxt.text[:1].isdigit()) \
                    and nxt.bare not in _ACRO_TAILS and "\n" not in text[toks[close].end : nxt.start]:
                continue  # the name goes on: "Perkumpulan Petani Pemakai Air (P3A) Mitra Cai", "... (SRMA) 32"
            match = InstitutionMatch(start, end, name, name, "organisation", ("known", norm(name)))
            if place is None and nxt is not None and nxt.bare in _ACRO_TAILS:
                match.name = f"{name} {nxt.bare}"  # "Ikatan Wartawan Online (IWO) Pusat"
                match.key = ("known", norm(match.name))
            if place is not None and (place.level in _GOV_NAME or place.level == "country"):
                match.name = f"{name} {place.surface}"  # the region stays a place mention
                match.key, match.has_region, match.region_code = ("known", norm(match.name)), True, place.code
            office = _office_table().get(abbr.lower())
            if office is not None:  # "Badan Pengawas Pemilu (Bawaslu) Humbang Hasundutan": one of the offices
                match.key, match.kind = ("office", field_key(office.long)), office.kind
        out = [m for m in out if m.end <= start or m.start >= max(reach, match.end)]
        out.append(match)
        if abbr.lower() not in table and abbr.lower() not in _office_table():
            defined.setdefault(abbr, match)  # its later mentions; the rules read a known short form
    out = [m for m in out if norm(m.name) not in generic]  # "Menteri Negara Badan Usaha Milik Negara"
    if defined:
        spans = [(m.start, m.end) for m in out]
        for t in toks:
            body = defined.get(t.bare)
            if body is not None and t.start > body.end and not any(a <= t.start < b for a, b in spans):
                out.append(InstitutionMatch(t.start, t.end, t.bare, t.bare, body.kind, body.key,
                                            body.region_code, False))
    return out


_HEADLINE_CHARS = 120


def _headline_tail(text: str) -> int:
    """Where a closing run of headline lines begins (links to other stories: short lines without a
    sentence's closing stop, at least two of them, at the very end of the text), else ``len(text)``."""
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    start, run = len(text), 0
    for m in reversed(lines):
        line = m.group().strip()
        if len(line) > _HEADLINE_CHARS or line[-1] in ".!?\"”'’:)":
            break
        start, run = m.start(), run + 1
    return start if run >= 2 else len(text)


def _party_units(text: str, toks: list[Token], places: dict[int, PlaceMatch],
                 found: list[InstitutionMatch]) -> list[InstitutionMatch]:
    """``found`` with a party's boards read whole ("DPC PDIP Solo", "DPP PDIP": bodies of their own), and a
    "DPD" that opens no board read as the Dewan Perwakilan Daerah ("MPR, DPR, DPD, dan DPRD")."""
    units = lexicon.party_units()
    by_start = {m.start: m for m in found}
    out = list(found)
    for i, t in enumerate(toks[:-1]):
        if t.text not in units or any(m.start <= t.start < m.end for m in out):
            continue
        nxt = toks[i + 1]
        party = by_start.get(nxt.start)
        if party is not None and party.kind == "party":
            j = next((n for n in range(i + 1, len(toks)) if toks[n].start >= party.end), len(toks))
            _, place, _ = _region_after(toks, j, places)
            name = f"{t.text} {party.surface}" + (f" {place.surface}" if place is not None else "")
            key = ("known", party.key[1], t.text, (place.code or norm(place.name)) if place is not None else "")
            out[out.index(party)] = InstitutionMatch(t.start, party.end, text[t.start : party.end], name, "party", key,
                                                     place.code if place else None, place is not None)
        elif t.text == "DPD" and party is None and not (nxt.is_cap and nxt.text.isupper() and nxt.text.isalpha()):
            entry = lexicon.institution_aliases().get("dewan perwakilan daerah")
            if entry is not None:
                out.append(InstitutionMatch(t.start, t.end, t.text, entry.name, entry.kind, ("known", entry.name)))
    return out


def _cut_at_line_breaks(found: list[InstitutionMatch]) -> list[InstitutionMatch]:
    """A name never runs across a line break ("RSUD Alimuddin Umar\n\nRumah" is page layout): cut it
    there, and drop what is left when that is a bare head word ("SMK Negeri")."""
    out = []
    for m in found:
        cut = m.surface.find("\n")
        if cut >= 0:
            head = m.surface[:cut].rstrip()
            if len(head.split()) < 2 or (head.split()[-1].lower() in lexicon.generic_fields()
                                         or tuple(head.split()) in lexicon.named_heads()
                                         or tuple(head.split()) in lexicon.office_heads()):
                continue
            if m.name == m.surface:
                m.name = head
            m.surface, m.end = head, m.start + len(head)
        out.append(m)
    return out


#: Words that open an organisation's name, so an ORG span of the NER model that starts with one
#: is kept as an institution the rules did not find ("Yayasan Assalaam", "Koalisi Kedaulatan
#: Benih Petani", "Pondok Pesantren Al Badar").
_MODEL_HEADS = {"yayasan", "koalisi", "komunitas", "pondok", "ponpes", "partai", "fraksi", "pt", "cv", "bank",
                "universitas", "institut", "politeknik", "sekolah", "smk", "sma", "smp", "sd", "smkn", "sman",
                "smpn", "sdn", "madrasah", "perum", "persatuan", "ikatan", "himpunan", "asosiasi", "lembaga",
                "forum", "dewan", "majelis", "gereja", "huria", "koperasi", "perusahaan", "klub", "persatuan"}


def _names_a_stage(words: list[str]) -> bool:
    """True when a stage word is followed by a number ("Sekolah Penggerak fase 2"): a programme, not a body."""
    stages, ordinals, cardinals = lexicon.stage_words()
    return any(word.lower() in stages and (nxt.isdigit() or nxt.lower() in ordinals or nxt.lower() in cardinals)
               for word, nxt in zip(words, words[1:]))


def add_model_spans(text: str, found: list[InstitutionMatch], org_spans: list[tuple[int, int]],
                    places: list[PlaceMatch]) -> list[InstitutionMatch]:
    """The rules' institutions plus the NER model's ORG spans that open with an organisation's head
    word, hold a capital letter, are no class of bodies' name (``lexicon.generic_bodies``), and overlap no institution or region the rules found (the model votes
    where rules have no table)."""
    taken = [(m.start, m.end) for m in found] + [(p.start, p.end) for p in places]
    out = list(found)
    for s, e in org_spans:
        surface = text[s:e].strip(" ,.;:")
        words = surface.split()
        for n, w in enumerate(words[2:], 2):  # "partai Gerindra H. Anda Suhanda": a person follows the name
            if (lexicon.is_title(w) and w.endswith(".")) or lexicon.is_degree(w):
                words = words[:n]
                surface = surface[: surface.find(w)].rstrip(" ,")
                break
        if len(words) < 2 or words[0].lower().rstrip(".") not in _MODEL_HEADS or _names_a_stage(words):
            continue
        if surface.islower():
            continue  # "koperasi merah putih" in running text: a kind of body, no name ("fraksi partai Gerindra" is)
        generic = lexicon.generic_bodies()
        if not any(w[:1].isupper() or w[:1].isdigit() for w in words[1:]) or norm(surface) in generic:
            continue  # "universitas negeri ternama", "Bank Sentral", "Sekolah Menengah Atas": no body's own name
        if any(s < b and a < e for a, b in taken):
            continue
        out.extend(_cut_at_line_breaks([InstitutionMatch(s, s + len(surface), surface, surface, "organisation",
                                                         ("known", norm(surface)))]))
        taken.append((s, e))
    return sorted(out, key=lambda m: m.start)


_ACRONYM = re.compile(r"^[A-Z]{3,6}$")


def _abbreviates(acro: str, name: str) -> bool:
    """``acro`` is the initials of the words opening ``name`` ("BBWS", "Balai Besar Wilayah Sungai Cimanuk
    Cisanggarung"), and what follows them does not make another body of the name ("DPR", "Dewan
    Perwakilan Rakyat Daerah": "Daerah" is a generic word, so that is another body)."""
    words = [w for w in re.findall(r"[\w-]+", name) if w.lower() not in ("dan", "&")]
    if len(words) < len(acro) or "".join(w[0] for w in words[: len(acro)]).upper() != acro \
            or not all(w[:1].isupper() for w in words[: len(acro)]):
        return False
    rest = words[len(acro)] if len(words) > len(acro) else None
    return rest is None or (rest[:1].isupper() and rest.lower() not in lexicon.generic_fields()
                            and rest.lower() != "daerah")


def merge(matches: list[InstitutionMatch]) -> list[InstitutionMatch]:
    """One entry per body: same key, and an office without region joins the one with a region.

    The reported name is that of the first mention naming its region (else the first mention).
    """
    groups: dict[tuple[str, ...], list[InstitutionMatch]] = {}
    known = _known_names()
    entry_names = set(known.values())
    for m in matches:
        if m.key[0] == "known" and m.key[1] not in entry_names and not m.has_region and norm(m.name) in known:
            m.key = ("known", known[norm(m.name)])  # "Lembaga Kebijakan ... Pemerintah" found by its head word
        groups.setdefault(m.key + ((m.region_code or "?"),) if m.key[0] == "office" else m.key, []).append(m)
    # attach region-less office mentions to the only same-field office with a region
    for key in [k for k in groups if k[0] == "office" and k[-1] == "?"]:
        same = [k for k in groups if k[:-1] == key[:-1] and k[-1] != "?"]
        if len(same) == 1:
            groups[same[0]].extend(groups.pop(key))
    # "Dinas Pendidikan Kabupaten Siak" after "Dinas Pendidikan dan Kebudayaan Kabupaten Siak": a region has
    # one office of a field, so a shorter field of the same region names the same office
    for key in sorted((k for k in groups if k[0] == "office" and k[-1] != "?"), key=lambda k: len(k[1])):
        longer = [k for k in groups if k[0] == "office" and k != key and k[-1] == key[-1]
                  and k[1].startswith(key[1] + " ")]
        if len(longer) == 1 and len(key[1].split()) >= 2:
            groups[longer[0]].extend(groups.pop(key))
    # "Pondok Pesantren Husnul Khotimah" after "Pondok Pesantren Husnul Khotimah Kuningan": the body without
    # the region that closed its name, when only one body has that name
    for key in [k for k, ms in groups.items() if k[0] == "known" and not any(m.bare_key for m in ms)]:
        hosts = [k for k, ms in groups.items() if k != key and any(m.bare_key == key for m in ms)]
        if len(hosts) == 1:
            groups[hosts[0]].extend(groups.pop(key))
    # "BBWS" after "Balai Besar Wilayah Sungai Cimanuk Cisanggarung": a short form of one body found
    for key in [k for k, ms in groups.items() if _ACRONYM.match(ms[0].surface)]:
        acro = groups[key][0].surface
        hosts = [k for k, ms in groups.items() if k != key and any(_abbreviates(acro, m.surface) for m in ms)]
        if len(hosts) == 1:
            groups[hosts[0]].extend(groups.pop(key))
    out = []
    for ms in groups.values():
        best = next((m for m in ms if m.has_region), ms[0])
        canonical = ms[0].key[1] if ms[0].key[0] == "known" and ms[0].key[1] in entry_names else None
        if canonical and best.name == canonical and not any(norm(m.surface) == norm(canonical) for m in ms):
            # a gazetteer body is named as the text writes it ("Kemenkominfo"), its full name where the
            # text writes that; the full name stays among its aliases (an official's body uses it)
            best.name = " ".join(best.surface.split())
        best.aliases = sorted({m.surface for m in ms if m.surface != best.name}
                              | ({canonical} if canonical and canonical != best.name else set()))
        out.append(best)
    return sorted(out, key=lambda m: m.start)
