"""Programme stages and programme participants.

A stage is a stage word (tahap, gelombang, fase, batch, angkatan ...) followed by a number written
as digits, Roman numerals, ordinals or cardinals ("tahap 3", "tahap III", "tahap ketiga",
"tahap ke-3", "tahap pertama dan kedua"); a number *before* the word is a count ("empat tahap") and
is skipped. The programme is the capitalised phrase right after ("tahap pertama Gerakan Menuju 100
Smart City") or right before the stage, else the programme the article is currently talking about.
The year is the one the text ties to the stage, else one in the sentence, else the last one before.

A participant is a kabupaten/kota said to be chosen for, take part in or sign up to a programme
("terpilih", "mengikuti", "keikutsertaan", "peserta", "lolos" ...); places in location phrases
("di Kota Makassar") and regions inside offices or officials' roles are not participants.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field

from extractors import lexicon
from extractors.dates import DateMatch
from extractors.institutions import InstitutionMatch
from extractors.places import PlaceMatch
from extractors.text import Token, norm

logger = logging.getLogger(__name__)

NAME_STAGES = "warta.program_stages"
NAME_PARTICIPANTS = "warta.program_participants"
VERSION = "6"

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_GENERIC_LEAD = {"acara", "penandatanganan", "mou", "nota", "kesepahaman", "pembukaan", "peluncuran", "rapat",
                 "kegiatan", "evaluasi", "penilaian", "sosialisasi", "pelaksanaan", "tahun", "dalam", "pada",
                 "sebagai", "bagian", "dari", "dan", "menuju", "ini", "itu", "yang", "untuk", "saat", "sementara",
                 "setelah", "sebelumnya", "menurut", "namun", "kemudian", "selain", "di", "ke", "para", "seluruh"}
_SELF_STANDING = {"vaksinasi", "imunisasi", "bimtek"}
# lower-case words that may open a programme name only when written with a capital
_CAPITAL_ONLY_HEADS = {"kegiatan", "evaluasi", "penilaian", "penyusunan", "pembangunan"}
# how many sentences back "the current programme" may have been named
_CURRENT_REACH = 4
_INNER_LOWER = {"dan", "menuju"}
# a stage word after these numbers a round of selection or testing, not a programme's stage
_ROUNDS = {"seleksi", "tes", "ujian", "verifikasi", "wawancara", "pendaftaran", "penilaian", "lokakarya"}
# a count of regions a stage runs in: "serentak di 6 kabupaten/kota"
_REGION_COUNT = re.compile(r"\b(?:\d{1,3}|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)\s+"
                           r"(?:kabupaten/kota|kabupaten|kota|provinsi|daerah)\b", re.I)
_DELEGATES = re.compile(r"peserta\s+(?:dari|asal)\b", re.I)
# what an agreement is about: "MoU tentang ..."
_ABOUT = {"tentang", "terkait", "mengenai", "soal", "perihal"}
_SIGNING = re.compile(r"(?:menandatangani|meneken|menandatanganan|teken)\b", re.I)
# words that never belong to a programme written in lower case
_LOWER_STOP = {"di", "ke", "dari", "yang", "dan", "untuk", "dengan", "pada", "dalam", "ini", "itu", "tersebut",
               "oleh", "bagi", "sebagai", "akan", "telah", "sudah", "masih", "juga", "seleksi", "pendaftaran"}
_REFERS = {"tersebut", "ini", "itu"}
_REFERENCE = re.compile(
    r"\b(?:program|gerakan|kegiatan|penilaian|evaluasi|seleksi|tahap|tahapan|gelombang|angkatan|batch)\s+"
    r"(?:tersebut|ini|itu)\b|\bdi\s?antaranya\b",
    re.I,
)
_AMOUNT_UNITS = {"persen", "%", "orang", "desa", "kpm", "unit", "juta", "miliar", "ribu"}
_BULLET = re.compile(r"\s*(?:[-•*–]|\d{1,2}[.)])\s+\S")
_AREA_WORDS = re.compile(r"\b(?:wilayah|daerah|kabupaten|kota|provinsi|lokasi|desa|peserta)\b", re.I)
_VILLAGE_PREFIX = {"Desa", "Kelurahan", "Kampung", "Nagari", "Gampong"}
_RESET = {"yaitu", "yakni", "antara", "antaranya", "lain", "masing-masing", ":", "adalah", "ialah", "termasuk", "selain",
          "bersama", "di antaranya"}


@dataclass(slots=True)
class StageMatch:
    """A numbered stage of a programme."""

    start: int
    end: int
    surface: str
    program: str
    stage: int
    year: int | None


@dataclass(slots=True)
class ParticipantMatch:
    """A region taking part in a programme."""

    start: int
    end: int
    surface: str
    region: str
    program: str
    year: int | None
    stage: int | None = None
    region_code: str | None = None
    planned: bool = False
    """The region only plans or intends to join ("berencana mendaftar"): no participant by the
    annotation rules, kept so that reports can list plans apart."""


@dataclass(slots=True)
class _Prog:
    start: int
    end: int
    name: str
    year: int | None = None
    canon: str = ""


@dataclass(slots=True)
class _State:
    progs: list[_Prog] = field(default_factory=list)
    memory: dict[tuple[str, int], int | None] = field(default_factory=dict)
    last_stage: StageMatch | None = None
    part_year: dict[str, int | None] = field(default_factory=dict)


def _number(toks: list[Token], j: int) -> tuple[int, int] | None:
    """Stage number at ``j`` as (value, tokens used)."""
    if j >= len(toks):
        return None
    _, ordinals, cardinals = lexicon.stage_words()
    w = toks[j].bare
    low = w.lower()
    m = re.fullmatch(r"(?:ke-?)?(\d{1,2})", low)
    if m:
        return int(m.group(1)), 1
    if low == "ke" and j + 1 < len(toks):  # "tahap ke 3", "tahap ke III"
        after = _number(toks, j + 1) if toks[j + 1].low != "ke" else None
        return (after[0], after[1] + 1) if after is not None else None
    if w in _ROMAN:
        return _ROMAN[w], 1
    if low in ordinals:
        return ordinals[low], 1
    if low in cardinals:
        return cardinals[low], 1
    return None


def _cap_run_back(text: str, toks: list[Token], i: int, places: dict[int, PlaceMatch]) -> tuple[int, int] | None:
    """Programme phrase ending right before token ``i``: capitalised words, digits, (groups), inner "dan"."""
    heads = lexicon.programme_heads()
    j = i - 1
    start = i
    while j >= 0:
        t = toks[j]
        if _newline_between(text, toks, j, j + 1):
            break
        if t.text == ")":
            k = j
            while k >= 0 and toks[k].text != "(" and j - k < 8:
                k -= 1
            if k >= 0 and toks[k].text == "(":
                j = k - 1
                start = k
                continue
            break
        if t.start in places and places[t.start].level in ("regency", "city", "province", "district"):
            break
        if t.bare.lower() in _GENERIC_LEAD and t.bare.lower() not in ("evaluasi", "penilaian", "kegiatan"):
            break
        if t.text.lower().endswith((".com", ".co.id", ".id")):
            break
        if (t.is_cap or re.fullmatch(r"\d+|[A-Z0-9][A-Z0-9-]*|Covid-19|COVID-19", t.text)) and t.text not in {",", ".", "("}:
            start = j
            j -= 1
            continue
        if t.text.lower() in _INNER_LOWER and j >= 1 and (toks[j - 1].is_cap or toks[j - 1].text == ")") and start < i:
            j -= 1
            continue
        if t.text.lower() in heads:
            start = j
            j -= 1
            break
        break
    if start >= i:
        # "program sekolah penggerak angkatan III": a lower-case name right after a head noun
        k = i - 1
        while k >= 0 and i - k <= 4 and toks[k].text.isalpha() and toks[k].text.islower() \
                and toks[k].text not in heads and toks[k].text not in _LOWER_STOP:
            k -= 1
        if k >= 0 and k < i - 1 and toks[k].text.lower() in heads and not _newline_between(text, toks, k, i - 1):
            return k, i
        return None
    # a lower-case head noun right before the capitalised phrase
    if j >= 0 and toks[j].text.lower() in heads and toks[j].end + 1 >= toks[start].start:
        start = j
    return start, i


def _cap_run_fwd(text: str, toks: list[Token], j: int, places: dict[int, PlaceMatch]) -> tuple[int, int] | None:
    """Programme phrase starting at ``j`` when it opens with Program/Gerakan or another head word."""
    heads = lexicon.programme_heads()
    if j >= len(toks) or not toks[j].is_cap or toks[j].bare.lower() not in heads:
        return None
    k = j
    stage_words = lexicon.stage_words()[0]
    while k < len(toks):
        t = toks[k]
        if t.start in places and places[t.start].prefixed:
            break
        if k > j and (t.bare.lower() in stage_words or _newline_between(text, toks, k - 1, k)):
            break
        if t.text == "(":
            e = k
            while e < len(toks) and toks[e].text != ")" and e - k < 8:
                e += 1
            if e < len(toks):
                k = e + 1
                continue
            break
        if t.bare.lower() == "tahun":
            break
        if t.is_cap or re.fullmatch(r"\d+|Covid-19|COVID-19", t.text):
            if re.fullmatch(r"(19|20)\d\d", t.text) or (t.text in _ROMAN and k > j + 1):
                break  # a year; "Dana Desa III": the third stage written without its stage word
            k += 1
            continue
        if t.text.lower() in _INNER_LOWER and k + 1 < len(toks) and toks[k + 1].is_cap:
            k += 1
            continue
        break
    return (j, k) if k > j else None


def _clean(text: str, toks: list[Token], a: int, b: int) -> tuple[str, int | None] | None:
    while a < b and (toks[a].bare.lower() in _GENERIC_LEAD or (toks[a].bare.isdigit() and b - a > 1)):
        a += 1  # "lokakarya 9 Pendidikan Guru Penggerak": the number is the workshop's
    while a < b and (toks[a].low,) in lexicon.positions():
        a += 1  # "Ketua Koordinator Guru Penggerak Angkatan 4": the post is not the programme's name
    year = None
    while b > a and (re.fullmatch(r"(19|20)\d\d", toks[b - 1].text) or toks[b - 1].bare.lower() == "tahun"):
        if toks[b - 1].text.isdigit():
            year = int(toks[b - 1].text)
        b -= 1
    if a >= b:
        return None
    name = " ".join(text[toks[a].start : toks[b - 1].end].split())
    if re.fullmatch(r"\([^()]+\)", name):
        name = name[1:-1]  # "... (DD) tahap II": the short form alone names the programme
    if len(name) < 2 or name.isdigit():
        return None
    common = lexicon.common_words()
    if b - a == 1 and toks[a].bare.lower() in common and toks[a].bare.lower() not in lexicon.programme_heads():
        return None  # "Terakhir fase ketiga": a sentence's first word, not a programme
    return name, year


def _canon(state: _State, name: str, before: int) -> str:
    """Map a short mention ("Bimtek", "vaksinasi") to the longer programme it abbreviates."""
    n = norm(name)
    best = None
    for p in state.progs:
        if p.start >= before:
            continue
        pn = norm(p.canon or p.name)
        if pn == n:
            return p.canon or p.name
        m = re.search(r"\b" + re.escape(n) + r"\b", pn)
        # "Dana Desa" in "Bantuan Langsung Tunai Dana Desa": aid paid out of a fund is a programme
        # of its own, the fund is not short for it
        if m and not any(w in lexicon.aid_words("money") for w in pn[: m.start()].split()):
            best = p.canon or p.name
    return best or name


_RELATIVE_YEAR = {"lalu": -1, "kemarin": -1, "ini": 0, "depan": 1, "mendatang": 1}


def _year_after(toks: list[Token], j: int, limit: int = 12, published_year: int | None = None) -> int | None:
    for k in range(j, min(len(toks), j + limit)):
        t = toks[k]
        # "angkatan pertama tahun lalu"
        if published_year is not None and t.low == "tahun" and k + 1 < len(toks) and toks[k + 1].low in _RELATIVE_YEAR:
            return published_year + _RELATIVE_YEAR[toks[k + 1].low]
        if t.text in (".", ";") or (t.text == "," and k > j):
            break
        if re.fullmatch(r"(19|20)\d\d", t.text):
            prev = toks[k - 1].bare.lower() if k > 0 else ""
            if prev in ("tahun", "pada", "sejak", "anggaran", "ta") or k == j or toks[k - 1].is_cap or toks[k - 1].text == ")":
                return int(t.text)
    return None


def find_programmes(
    text: str,
    toks: list[Token],
    sentences: list[tuple[int, int]],
    places: list[PlaceMatch],
    insts: list[InstitutionMatch],
    dates: list[DateMatch],
    official_spans: list[tuple[int, int]],
    published_year: int | None,
) -> tuple[list[StageMatch], list[ParticipantMatch]]:
    """Find programme stages and participants.

    Args:
        text: the article body.
        toks: its tokens.
        sentences: sentence offsets.
        places: place mentions.
        insts: institution mentions.
        dates: resolved dates (their years anchor stages and participations).
        official_spans: character spans of officials (position, body served and name).
        published_year: fallback year.

    Returns:
        (stages, participants), one entry per distinct fact.
    """
    at = {p.start: p for p in places}
    stage_words, _, cardinals = lexicon.stage_words()
    heads = lexicon.programme_heads()
    state = _State()
    aliases: dict[str, str] = {}
    stages: list[StageMatch] = []
    parts: list[ParticipantMatch] = []
    sent_of = _sentence_index(sentences)
    tok_sent = [sent_of(t.start) for t in toks]

    def fallback_year(pos: int) -> int | None:
        """The year of the last date before ``pos``, else the publication year, else (an article
        without one) the year of the first date written with numbers."""
        before = [d for d in dates if d.end <= pos]
        if published_year is None:  # "tahun lalu" has no anchor: a date written with its numbers first
            before = [d for d in before if any(c.isdigit() for c in d.surface)] or before
        if before:
            return int(before[-1].value[:4])
        if published_year is not None:
            return published_year
        written = [d for d in dates if any(c.isdigit() for c in d.surface)]
        return int(written[0].value[:4]) if written else None

    def sentence_year(si: int, near: int) -> int | None:
        s, e = sentences[si]
        ds = [d for d in dates if s <= d.start < e and any(c.isdigit() for c in d.surface)]
        if not ds:  # (relative periods are read below, after the dates written with numbers)
            # "... gelombang kedua dari Kementerian X tahun ini": the year relative to publication
            rel = re.search(r"\btahun\s+(ini|lalu|depan|mendatang)\b", text[s:e], re.I)
            if rel and published_year is not None:
                return published_year + _RELATIVE_YEAR[rel.group(1).lower()]
            return None
        d = min(ds, key=lambda d: abs(d.start - near))
        return int(d.value[:4])

    def add_prog(a: int, b: int, year: int | None = None) -> _Prog | None:
        cleaned = _clean(text, toks, a, b)
        if cleaned is None:
            return None
        name, y = cleaned
        p = _Prog(toks[a].start, toks[b - 1].end, name, year or y or _year_after(toks, b, 3))
        p.canon = _canon(state, name, p.start)
        if p.canon == name:
            # "penyaluran BST" after "Penyaluran Bantuan Sosial Tunai (BST)"
            known = [aliases[w] for w in re.findall(r"[\w-]+", name) if w in aliases]
            if known:
                p.canon = known[0]
        if all(q.start != p.start for q in state.progs):
            state.progs.append(p)
        # "Pendaftaran Tanah Sistematis Lengkap (PTSL)": a later "PTSL" names the same programme
        for m in re.finditer(r"\(([A-Z][A-Za-z0-9-]{1,11})\)", name):
            aliases[m.group(1)] = p.canon or p.name
        return p

    def current(pos: int) -> _Prog | None:
        """The programme the article talks about: the last one named within a few sentences."""
        prior = [p for p in state.progs if p.start < pos]
        if not prior or sent_of(pos) - sent_of(prior[-1].start) > _CURRENT_REACH:
            return None
        return prior[-1]

    # programme mentions opening with a head word (Program, Gerakan, Bimtek, Pendaftaran, vaksinasi ...)
    def scan_mentions(upto: int, from_i: int) -> int:
        i = from_i
        while i < len(toks) and toks[i].start < upto:
            t = toks[i]
            inside = next((m.end for m in insts if m.start <= t.start < m.end), None)
            if inside is not None:  # "Kementerian Desa, Pembangunan Daerah Tertinggal ..." is a body
                while i < len(toks) and toks[i].start < inside:
                    i += 1
                continue
            if t.bare in aliases and all(q.start != t.start for q in state.progs):
                state.progs.append(_Prog(t.start, t.end, t.bare, _year_after(toks, i + 1, 2), aliases[t.bare]))
            if t.bare.lower() in heads:
                run = _cap_run_fwd(text, toks, i, at) if t.is_cap else None
                if run is not None and run[1] - run[0] == 1 and t.low not in _SELF_STANDING \
                        and _canon(state, t.bare, t.start) == t.bare:
                    run = None  # a lone "Penyaluran" names no programme unless one named before contains it
                if run is None and not t.is_cap and not (i + 1 < len(toks) and toks[i + 1].is_cap
                                                          and toks[i + 1].low in heads):
                    run = _cap_run_fwd_lower(text, toks, i)
                if run is not None:
                    add_prog(run[0], run[1])
                    i = run[1]
                    continue
            i += 1
        return i

    tok_starts = [t.start for t in toks]

    def signed_programme(pos: int, end: int) -> None:
        """Register what an agreement signed at ``pos`` is about: "menandatangani MoU Kerja Sama
        Pengembangan Geopark X" names the programme right after the agreement's name."""
        k = bisect.bisect_left(tok_starts, pos)
        close = _bracket_end(toks, k)  # "Nota Kesepahaman (MoU) tentang ..."
        if close is not None:
            k = close + 1
        if k < len(toks) and toks[k].low in _ABOUT:
            k += 1
        run = _name_run(text, toks, k, at)
        if run is None or toks[run[0]].start >= end:
            return
        a, b = toks[run[0]].start, toks[run[1] - 1].end
        if not any(a <= p.start < b for p in state.progs):
            add_prog(*run)

    def object_programme(pos: int, end: int) -> None:
        """Register the programme a participation trigger names right after it, led by a head noun
        ("mengikuti penilaian Kota Layak Anak (KLA)", "tergabung dalam Program Desa Cerdas")."""
        k = bisect.bisect_left(tok_starts, pos)
        headed = False
        while k < len(toks) and toks[k].start < end and toks[k].text.islower() \
                and (toks[k].low in _OBJECT_LEAD or toks[k].low in heads):
            headed = headed or toks[k].low in heads or (toks[k].low,) in lexicon.participant_nouns()
            k += 1
        if k >= len(toks) or toks[k].start >= end or not toks[k].is_cap:
            return
        place = at.get(toks[k].start)
        if (place is not None and (place.prefixed or place.level in ("province", "regency", "city"))) \
                or any(m.start <= toks[k].start < m.end for m in insts):
            return  # "mengikuti program di Kabupaten X", "bergabung dengan Dinas Y"
        run = _name_run(text, toks, k, at)
        if run is None or any(p.start == toks[run[0]].start for p in state.progs):
            return
        if not (headed or toks[k].low in heads):
            # "mengikuti Smart City" after "Gerakan Menuju 100 Smart City": a headless name counts only
            # as a short form of a programme the article named before
            short = norm(text[toks[run[0]].start:toks[run[1] - 1].end])
            if not any(re.search(r"\b" + re.escape(short) + r"\b", norm(p.canon or p.name)) for p in state.progs
                       if p.start < pos):
                return
        add_prog(*run)

    def designation(pos: int) -> bool:
        """"ditetapkan sebagai Kawasan Strategis Pariwisata Nasional": the region was given a status
        named right after the trigger, which is no programme mention."""
        k = bisect.bisect_left(tok_starts, pos)
        if k > 0 and toks[k - 1].low not in ("sebagai", "menjadi"):
            if k >= len(toks) or toks[k].low not in ("sebagai", "menjadi"):
                return False
            k += 1
        if k >= len(toks) or not toks[k].is_cap or toks[k].low in heads:
            return False
        return not any(p.start == toks[k].start for p in state.progs) and toks[k].start not in at

    pending: list[tuple[str, list[tuple[int, int, str, str | None]], int | None]] = []
    scanned = 0
    prev_part_sentence = -2
    prev_part: tuple[str, int | None] | None = None
    list_intro: StageMatch | None = None
    part_list: tuple[str, int | None] | None = None
    area_intro: StageMatch | None = None
    for si, (s, e) in enumerate(sentences):
        first, last = bisect.bisect_left(tok_starts, s), bisect.bisect_left(tok_starts, e)
        if first >= last:
            continue
        scanned = max(scanned, first)
        # stages, left to right, registering programme mentions on the way
        sent_stages: list[StageMatch] = []
        i = first
        while i < last:
            t = toks[i]
            if t.bare.lower() not in stage_words:
                i += 1
                continue
            scan_mentions(t.start, scanned)
            scanned = i
            prev = toks[i - 1].bare.lower() if i > first else ""
            num = _number(toks, i + 1)
            counted = (prev.isdigit() or prev in cardinals) and num is None
            if counted or prev in ("beberapa", "semua", "seluruh", "total") or prev in _ROUNDS:
                # "empat tahap" is a count ("lokakarya 7 angkatan 4" is no count: a number follows);
                # "seleksi tahap dua" a selection round, not a stage
                if counted and not any(s <= p.start < t.start for p in state.progs):
                    # "Kominfo melakukan penghentian siaran TV analog dalam tiga tahap": what is staged
                    divided = _process_phrase(toks, first, i - 1)
                    if divided is not None:
                        add_prog(*divided)
                i += 1
                continue
            if num is None or (i > first and sent_stages and sent_stages[-1].end == toks[i - 1].end):
                i += 1  # "Tahap Kedua Termin Pertama": a part of the stage just read, not a stage of its own
                continue
            nxt = i + 1 + num[1]
            if t.is_cap and toks[i + num[1]].is_cap and nxt + 2 < len(toks) and toks[nxt].text == "(" \
                    and toks[nxt + 2].text == ")" and toks[nxt + 1].text.isupper():
                i += 1  # "Fasilitas Kesehatan Tahap Pertama (FKTP)": part of a proper name, not a stage
                continue
            values = [num[0]]
            j = i + 1 + num[1]
            while j + 1 < last and toks[j].low in ("dan", ",", "serta", "maupun", "atau", "sampai", "hingga", "s.d", "s/d") \
                    and _number(toks, j + 1):
                more = _number(toks, j + 1)
                assert more is not None
                after_more = j + 1 + more[1]
                if after_more < len(toks) and toks[after_more].low in _AMOUNT_UNITS:
                    break  # "40 persen tahap pertama, 40 persen tahap kedua": an amount, not a stage
                if toks[j].low in ("sampai", "hingga", "s.d", "s/d") and values[-1] < more[0] <= values[-1] + 5:
                    values.extend(range(values[-1] + 1, more[0]))  # "tahap pertama sampai ketiga"
                values.append(more[0])
                j = j + 1 + more[1]
            # the programme: after ("tahap pertama Gerakan ..."), before ("Gerakan ... tahap 3"), else current
            prog: _Prog | None = None
            fwd = _cap_run_fwd(text, toks, j, at)
            if fwd is None and j + 1 < last and toks[j].text in ("program", "gerakan") and toks[j + 1].is_cap:
                fwd = _cap_run_fwd_lower(text, toks, j, strict=False)  # "gelombang pertama program Kota Tanpa Kumuh"
            if fwd is not None and toks[fwd[0]].bare.lower() in ("program", "gerakan"):
                prog = add_prog(*fwd)
            if prog is None:
                # "penyaluran dana desa 40 persen tahap dua": the amount stands between name and stage
                name_end = i - 2 if i - 2 >= first and toks[i - 1].low in _AMOUNT_UNITS \
                    and toks[i - 2].text.replace(",", "").replace(".", "").isdigit() else i
                back = _cap_run_back(text, toks, name_end, at)
                if back is not None and back[1] - back[0] == 1 and toks[back[0]].text.islower() \
                        and toks[back[0]].low not in _SELF_STANDING \
                        and (current(t.start) is not None or state.last_stage is not None):
                    back = None  # "pelatihan gelombang pertama" of the programme being discussed
                if back is not None:
                    # "Pelatihan Teknis (Pelatek) tahap 2 penyusunan Rencana Induk Kota"
                    tail = j
                    if name_end == i and j + 1 < last and toks[j].text.islower() and toks[j].text in heads \
                            and toks[j + 1].is_cap:
                        fwd2 = _cap_run_fwd(text, toks, j + 1, at) or _cap_run_fwd_lower(text, toks, j, strict=False)
                        if fwd2 is not None:
                            tail = fwd2[1]
                    if tail > j:
                        cleaned_back = _clean(text, toks, *back)
                        cleaned_tail = _clean(text, toks, j, tail)
                        if cleaned_back and cleaned_tail:
                            name = cleaned_back[0] + " " + cleaned_tail[0]
                            prog = _Prog(toks[back[0]].start, toks[tail - 1].end, name, cleaned_back[1])
                            prog.canon = _canon(state, name, prog.start)
                            # the shorter phrase seen on the way now stands for the joined name
                            for q in state.progs:
                                if q.start == prog.start:
                                    q.canon = prog.canon
                            for m in re.finditer(r"\(([A-Z][A-Za-z0-9-]{1,11})\)", name):
                                aliases[m.group(1)] = prog.canon
                            state.progs.append(prog)
                    if prog is None:
                        prog = add_prog(*back)
            if prog is None and current(t.start) is None and state.last_stage is None:
                # "Fase pertama pengadaan kapal riset ini", "tahap tiga dana desa 2018": a lower-case
                # name led by a head or action noun right after the stage, when no programme is current
                lower = _lower_run_fwd(toks, j, last)
                if lower is not None:
                    prog = add_prog(*lower)
            if prog is None:
                prog = current(t.start)
            if prog is None and state.last_stage is not None:
                # "pada tahap pertama tahun 2017 ...", paragraphs after the programme was named
                prog = _Prog(t.start, t.start, state.last_stage.program, canon=state.last_stage.program)
            if prog is None:
                i = j
                continue
            canon = prog.canon or prog.name
            paired = _paired_years(toks, j, len(values))
            for n, v in enumerate(values):
                year = paired[n] if paired else _year_after(toks, j, 4, published_year)
                if year is None and fwd is not None and prog.start >= toks[j].start:
                    year = prog.year or _year_after(toks, fwd[1], 3)
                if year is None and (canon, v) in state.memory:
                    year = state.memory[(canon, v)]
                if year is None:
                    year = sentence_year(si, t.start)
                if year is None and prog.year is not None and prog.start < t.start and tok_sent[i] == sent_of(prog.start):
                    year = prog.year
                if year is None:
                    year = fallback_year(t.start)
                state.memory.setdefault((canon, v), year)
                sm = StageMatch(t.start, toks[j - 1].end, text[t.start : toks[j - 1].end], canon, v, year)
                stages.append(sm)
                sent_stages.append(sm)
                state.last_stage = sm
            i = j
        scan_mentions(e, scanned)
        scanned = last
        # participants
        for st in sent_stages:  # "PPGP Angkatan 4 Kabupaten Garut": the stage of that region
            after_stage = _region_after_stage(toks, bisect.bisect_left(tok_starts, st.end), at, official_spans,
                                              not is_aid(st.program))
            if after_stage is not None:
                parts.append(ParticipantMatch(after_stage.start, after_stage.end,
                                              text[after_stage.start:after_stage.end], after_stage.name, st.program,
                                              st.year, st.stage, after_stage.code))
        sent_text = text[s:e]
        if sent_stages and _REGION_COUNT.search(sent_text):
            area_intro = sent_stages[-1]
        # "... serentak di 6 kabupaten/kota" and then paragraphs "Kabupaten Lombok Barat: bertempat di ..."
        head = at.get(toks[first].start)
        if area_intro is not None and head is not None and head.prefixed and head.level in ("regency", "city") \
                and text[head.end:head.end + 1] == ":" and "\n" in text[max(0, s - 3):s]:
            parts.append(ParticipantMatch(head.start, head.end, head.surface, head.name, area_intro.program,
                                          area_intro.year, area_intro.stage, head.code))
        # "Berikut rincian wilayah pada ASO tahap I:" and a bulleted list of regions, one a line
        if part_list is not None:
            # "Keempat daerah itu adalah:" and then one region a line, bulleted, numbered or bare
            items = _list_item_regions(text, s, e, places, insts)
            if items:
                for item in items:
                    parts.append(ParticipantMatch(item[0], item[1], text[item[0]:item[1]], item[2], part_list[0],
                                                  part_list[1], None, item[3]))
                prev_part_sentence = si
                continue
            if not _BULLET.match(sent_text):
                part_list = None  # (a bulleted line whose region went unrecognised keeps the list open)
        if list_intro is not None and _BULLET.match(sent_text):
            for p in places:
                if s <= p.start < e and p.level in ("province", "regency", "city", "other"):
                    parts.append(ParticipantMatch(p.start, p.end, p.surface, p.name, list_intro.program,
                                                  list_intro.year, list_intro.stage, p.code))
            continue
        list_intro = None
        if sent_stages and sent_text.rstrip().endswith(":") and _AREA_WORDS.search(sent_text):
            list_intro = sent_stages[-1]
        trigs = list(lexicon.participation_triggers().finditer(sent_text))
        trigs = [m for m in trigs if not _attends_event(sent_text, m.end())]
        live = [m for m in trigs if not _blocked(sent_text, m.start(), "negation")
                and not _blocked(sent_text, m.start(), "intention")]
        planned = False
        if not live:
            # "Kota Lubuklinggau berencana mendaftar": no participation, reported apart as a plan
            live = [m for m in trigs if not _blocked(sent_text, m.start(), "negation")]
            planned = bool(live)
        trig = live[0] if live else None
        signing = any(_SIGNING.match(m.group(0)) for m in live)
        # "Bupati Gowa X resmi mendaftarkan daerahnya": the head, as the subject, stands for the region
        headed = signing or (trig is not None and _head_subject(text, s + trig.start(), official_spans))
        if trig is None and sent_stages:
            # "para calon guru penggerak (CGP) di Kabupaten X akhirnya sampai pada lokakarya 9 PGP
            # Angkatan 4": those taking part in a region, in the sentence naming the stage
            st = sent_stages[0]
            led = [] if is_aid(st.program) else \
                _participant_regions(toks, first, last, places, insts, official_spans, noun_led=True)
            for region in led:
                parts.append(ParticipantMatch(region[0], region[1], text[region[0]:region[1]], region[2],
                                              st.program, st.year, st.stage, region[3]))
        regions = _participant_regions(toks, first, last, places, insts, official_spans, headed)
        if trig is not None:
            regions = _in_live_clauses(toks, first, last, s, regions, live)
        continuation = (not trig and prev_part_sentence == si - 1 and prev_part is not None and len(regions) >= 2)
        if not (trig or continuation) or (not regions and continuation):
            if trig is None and not regions and prev_part is not None and prev_part_sentence == si - 1 \
                    and sent_text.rstrip().endswith(":"):
                part_list = prev_part  # "Kelima daerah itu adalah:" opens the list of those taking part
            continue
        if continuation:
            assert prev_part is not None
            prog_name, year = prev_part
            stage_no = None
        else:
            assert trig is not None
            tpos = s + trig.start()
            if signing:
                sign = next(m for m in live if _SIGNING.match(m.group(0)))
                signed_programme(s + sign.end(), e)
            elif designation(s + trig.end()):
                continue
            else:
                object_programme(s + trig.end(), e)
            in_sent = [p for p in state.progs if s <= p.start < e]
            after = [p for p in in_sent if p.start >= tpos]
            prev_s = sentences[max(0, si - 2)][0]  # a programme named in the two sentences before
            # "diikuti 54 peserta dari Kabupaten Bima": delegates of the staged programme the article is about
            delegates = state.last_stage is not None and _DELEGATES.search(sent_text) is not None
            named = bool(in_sent or sent_stages or delegates or _REFERENCE.search(sent_text)
                         or any(prev_s <= p.start < s for p in state.progs)
                         or any(prev_s <= x.start < s for x in stages))
            if not named:
                # "dinyatakan lulus menjadi sekolah penggerak": the words after the trigger may name,
                # in lower case, a programme the article names in full further on
                obj = _trigger_object(toks, bisect.bisect_left(tok_starts, s + trig.end()), last)
                if obj and regions and not planned:
                    pending.append((obj, regions, sentence_year(si, tpos) or fallback_year(tpos)))
                continue  # a participation with no programme named nearby ("menjadi daerah percontohan desa digital")
            chosen = after[0] if after else (in_sent[-1] if in_sent else current(tpos))
            if chosen is None and state.last_stage is not None:
                staged = state.last_stage
                chosen = _Prog(staged.start, staged.start, staged.program, canon=staged.program)
            if sent_stages:
                st = sent_stages[0]
                prog_name, year, stage_no = st.program, st.year, st.stage
            elif chosen is not None:
                prog_name = chosen.canon or chosen.name
                year = chosen.year if chosen.start >= s else None
                stage_no = None
                if year is None:
                    year = sentence_year(si, tpos)
                if year is None:
                    year = state.part_year.get(prog_name)
                if state.last_stage is not None and state.last_stage.program == prog_name:
                    if year is None:
                        year = state.last_stage.year
                    if year == state.last_stage.year:
                        stage_no = state.last_stage.stage
                if year is None:
                    year = chosen.year
                if year is None:
                    year = fallback_year(tpos)
            else:
                continue
        if _hands_out(prog_name) and not signing:
            continue  # "Dana Desa tahap II disalurkan ke 3 kabupaten, yaitu ...": areas receiving aid
        if planned:
            for region in regions:
                parts.append(ParticipantMatch(region[0], region[1], text[region[0]:region[1]], region[2], prog_name,
                                              year, stage_no, region[3], planned=True))
            continue
        if not regions:
            # "Lima desa ... terpilih mengikuti X." followed by "Kelima desa itu adalah A, B, ..."
            # "Daerah yang lolos meliputi:", "Berikut daftar daerah peserta X." and a list, one a line
            prev_part_sentence, prev_part = si, (prog_name, year)
            part_list = prev_part
            continue
        for region in regions:
            parts.append(ParticipantMatch(region[0], region[1], text[region[0]:region[1]], region[2], prog_name, year,
                                          stage_no, region[3]))
        state.part_year.setdefault(prog_name, year)
        prev_part_sentence = si
        prev_part = (prog_name, year)
        if sent_text.rstrip().endswith(":"):
            part_list = prev_part
    for obj, regions, year in pending:
        named_later = next((p for p in state.progs if re.search(r"\b" + re.escape(obj) + r"\b", norm(p.canon or p.name))),
                           None)
        if named_later is None:
            continue
        for region in regions:
            parts.append(ParticipantMatch(region[0], region[1], text[region[0]:region[1]], region[2],
                                          named_later.canon or named_later.name, year, None, region[3]))
    return _dedupe_stages(stages), _dedupe_parts(parts)


_LIST_FILLER = re.compile(r"[\s\d.,;:()\-–•*]*(?:\b(?:dan|serta)\b[\s\d.,;:()\-–•*]*)*")


def _list_item_regions(text: str, s: int, e: int, places: list[PlaceMatch], insts: list[InstitutionMatch]
                       ) -> list[tuple[int, int, str, str | None]]:
    """The regions of a list line ("1. Kabupaten Alor", "- Kota Dumai", "Kabupaten Siak, Kabupaten Kampar
    dan Kota Dumai"): a line holding nothing but regions, bullets, numbers and "dan"; [] for any other."""
    found: list[tuple[int, int, str, str | None]] = []
    for m in insts:
        if s <= m.start < e and m.kind == "regional_government" and m.region_code:
            found.append((m.start, m.end, m.name.removeprefix("Pemerintah "), m.region_code))
    for p in places:
        if s <= p.start < e and p.level in ("province", "regency", "city") \
                and not any(a <= p.start < b for a, b, _, _ in found):
            found.append((p.start, p.end, p.name, p.code))
    if not found:
        return []
    found.sort()
    rest, pos = [], s
    for a, b, _, _ in found:
        rest.append(text[pos:a])
        pos = b
    rest.append(text[pos:e])
    return found if all(_LIST_FILLER.fullmatch(r) for r in rest) else []


def _head_subject(text: str, pos: int, official_spans: list[tuple[int, int]]) -> bool:
    """An official's title and name end right before the trigger at ``pos``, with only adverbs
    ("resmi", "telah") between: the official is the subject of the trigger."""
    ends = [b for a, b in official_spans if b <= pos]
    if not ends:
        return False
    gap = text[max(ends):pos].replace(",", " ").lower().split()
    return len(gap) <= 2 and all(w in lexicon.participation_adverbs() for w in gap)


def _attends_event(sent_text: str, end: int) -> bool:
    """The trigger ending at ``end`` takes an event about a programme as its object ("mengikuti
    sosialisasi program X"), not the programme."""
    words = sent_text[end:end + 40].lower().split()[:2]
    events = lexicon.programme_events()
    return bool(words) and (words[0] in events or (len(words) > 1 and words[0] in _OBJECT_LEAD and words[1] in events))


def _blocked(sent_text: str, pos: int, kind: str) -> bool:
    """A trigger at ``pos`` negated ("belum lolos", kind "negation") or made an intention ("berencana
    mendaftar", "berharap bisa ikut", kind "intention") by the words before it."""
    return lexicon.participation_blockers(kind).search(sent_text, max(0, pos - 40), pos) is not None


def _in_live_clauses(toks: list[Token], first: int, last: int, s: int,
                     regions: list[tuple[int, int, str, str | None]], live: list[re.Match[str]]
                     ) -> list[tuple[int, int, str, str | None]]:
    """The regions of the clauses holding a live trigger, when a contrasting conjunction splits the
    sentence ("Kota A terpilih, sedangkan Kota B belum"); all regions when it is one clause."""
    breaks = lexicon.clause_breaks()
    cuts = [toks[k].start for k in range(first + 1, last) if toks[k].low in breaks]
    if not cuts:
        return regions
    bounds = [toks[first].start, *cuts, toks[last - 1].end + 1]
    spans = [(a, b) for a, b in zip(bounds, bounds[1:])]
    alive = [(a, b) for a, b in spans if any(a <= s + m.start() < b for m in live)]
    return [r for r in regions if any(a <= r[0] < b for a, b in alive)]


# words between a participation trigger and what the region takes part in
_OBJECT_LEAD = {"menjadi", "sebagai", "peserta", "penerima", "dalam", "ke", "di", "program", "salah", "satu", "daerah"}


def _trigger_object(toks: list[Token], k: int, last: int) -> str:
    """The lower-case words right after a trigger ("lulus menjadi sekolah penggerak" -> "sekolah
    penggerak"), at least two of them, normalised; "" when there are none."""
    while k < last and toks[k].low in _OBJECT_LEAD:
        k += 1
    words: list[str] = []
    while k < last and len(words) < 4 and toks[k].text.isalpha() and toks[k].text.islower() \
            and toks[k].low not in _LOWER_STOP:
        words.append(toks[k].low)
        k += 1
    return " ".join(words) if len(words) >= 2 else ""


def _paired_years(toks: list[Token], j: int, n: int) -> list[int] | None:
    """One year for each of ``n`` coordinated stages: "angkatan I dan II di tahun 2020 dan 2021"."""
    if n < 2:
        return None
    k = j
    while k < len(toks) and k - j < 2 and toks[k].low in ("di", "pada", "tahun"):
        k += 1
    years: list[int] = []
    while k < len(toks) and re.fullmatch(r"(19|20)\d\d", toks[k].text):
        years.append(int(toks[k].text))
        k += 1
        if k < len(toks) and toks[k].low in ("dan", ",", "serta"):
            k += 1
    return years if len(years) == n else None


def _region_after_stage(toks: list[Token], j: int, at: dict[int, PlaceMatch],
                        official_spans: list[tuple[int, int]], held_in: bool = True) -> PlaceMatch | None:
    """A kabupaten/kota written with its prefix at token ``j``, right after a stage ("Angkatan 9
    Kabupaten Blora", "Tahap 3 Tahun 2019 Kota Bogor", "Angkatan 9 tingkat Kabupaten Manggarai Barat"),
    not as part of an official's title; with ``held_in`` also the region the stage is held in
    ("Bimbingan Teknis ... Tahap 1 di Kabupaten Tegal")."""
    if j + 1 < len(toks) and toks[j].low == "tahun" and re.fullmatch(r"(19|20)\d\d", toks[j + 1].text):
        j += 2
    if j < len(toks) and (toks[j].low == "tingkat" or (held_in and toks[j].low == "di")):
        j += 1
    if j >= len(toks):
        return None
    p = at.get(toks[j].start)
    if p is None or not p.prefixed or p.level not in ("regency", "city"):
        return None
    if any(a <= p.start < b for a, b in official_spans):
        return None
    return p


def _newline_between(text: str, toks: list[Token], a: int, b: int) -> bool:
    """True when a line break separates tokens ``a`` and ``b``."""
    if b >= len(toks):
        return False
    return "\n" in text[toks[a].end : toks[b].start]


def _lower_run_fwd(toks: list[Token], j: int, last: int) -> tuple[int, int] | None:
    """A lower-case head or action noun at ``j`` and the lower-case words after it, at least two
    words in all ("pengadaan kapal riset", "penggunaan dana desa")."""
    if j >= last or not toks[j].text.islower() or not toks[j].text.isalpha():
        return None
    if toks[j].low not in lexicon.programme_heads() and toks[j].low not in lexicon.programme_actions():
        return None
    k = j + 1
    while k < last and k - j < 5 and toks[k].text.isalpha() and toks[k].text.islower() \
            and toks[k].low not in _LOWER_STOP and toks[k].low not in _GENERIC_LEAD:
        k += 1
    return (j, k) if k - j >= 2 else None


def _cap_run_fwd_lower(text: str, toks: list[Token], i: int, strict: bool = True) -> tuple[int, int] | None:
    """A lower-case head noun with the capitalised words after it ("vaksinasi Covid-19")."""
    if strict and toks[i].low in _CAPITAL_ONLY_HEADS:
        return None
    k = i + 1
    stage_words = lexicon.stage_words()[0]
    while k < len(toks) and (toks[k].is_cap or re.fullmatch(r"Covid-19|COVID-19|\d+", toks[k].text)):
        if _newline_between(text, toks, k - 1, k) or toks[k].low in stage_words:
            break
        if re.fullmatch(r"(19|20)\d\d", toks[k].text):
            break
        if toks[k].text.isdigit() and k + 1 < len(toks) and toks[k + 1].low in _AMOUNT_UNITS:
            break  # "pencairan 15 persen tahap kedua": an amount, not part of the name
        if toks[k].text in _ROMAN and k > i + 1:
            break  # "penyaluran Dana Desa III": the third stage written without its stage word
        k += 1
        # "vaksinasi Sub Pekan Imunisasi Nasional (Sub PIN) Polio": a short form inside the name
        close = _bracket_end(toks, k)
        if close is not None and close + 1 < len(toks) and toks[close + 1].is_cap \
                and not _newline_between(text, toks, close, close + 1):
            k = close + 1
    if k == i + 1 and toks[i].text.lower() not in _SELF_STANDING:
        return None
    return i, k


def _name_run(text: str, toks: list[Token], k: int, at: dict[int, PlaceMatch]) -> tuple[int, int] | None:
    """Capitalised words (digits, hyphenated words, an inner "dan" or bracketed short form) from ``k``."""
    j = k
    while j < len(toks) and not (j > k and _newline_between(text, toks, j - 1, j)):
        t = toks[j]
        if j > k and t.start in at and at[t.start].prefixed:
            break  # "... dengan Kabupaten X": the partner, not the programme
        close = _bracket_end(toks, j)
        if close is not None and j > k:
            j = close + 1
            continue
        if t.text.lower() in _INNER_LOWER and j > k and j + 1 < len(toks) and toks[j + 1].is_cap:
            j += 1
            continue
        if (t.is_cap or re.fullmatch(r"\d+|Covid-19|COVID-19", t.text)) and not re.fullmatch(r"(19|20)\d\d", t.text):
            j += 1
            continue
        break
    return (k, j) if j > k else None


def _bracket_end(toks: list[Token], k: int) -> int | None:
    """Index of the ")" closing a short bracketed group that opens at token ``k``."""
    if k >= len(toks) or toks[k].text != "(":
        return None
    e = k + 1
    while e < len(toks) and e - k < 6 and toks[e].text not in (")", "(", "."):
        e += 1
    return e if e < len(toks) and toks[e].text == ")" and e > k + 1 else None


def _sentence_index(sentences: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    import bisect

    starts = [s for s, _ in sentences]

    def find(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    return find


def _participant_regions(
    toks: list[Token],
    first: int,
    last: int,
    places: list[PlaceMatch],
    insts: list[InstitutionMatch],
    official_spans: list[tuple[int, int]],
    signing: bool = False,
    noun_led: bool = False,
) -> list[tuple[int, int, str, str | None]]:
    """Regions of a sentence that take part; with ``signing`` ("Bupati Lebong menandatangani MoU ..."),
    a region in its head's title signs for it; with ``noun_led`` only the regions of those taking
    part ("para calon guru penggerak di Kabupaten X")."""
    s, e = toks[first].start, toks[last - 1].end
    blocked = [(m.start, m.end) for m in insts if m.kind != "regional_government"]
    if not signing:
        blocked += official_spans
    out: list[tuple[int, int, str, str | None]] = []
    cands: list[tuple[int, int, str, str | None]] = []
    for p in places:
        if s <= p.start < e and (p.level in ("regency", "city", "other")
                                 or (p.prefixed and p.name.split(" ", 1)[0] in _VILLAGE_PREFIX)):
            cands.append(_headed_region(toks, first, p) if signing else (p.start, p.end, p.name, p.code))
    for m in insts:
        if s <= m.start < e and m.kind == "regional_government" and m.region_code and len(m.region_code) == 5:
            name = m.name.removeprefix("Pemerintah ")
            cands.append((m.start, m.end, name, m.region_code))
    region_starts = {c[0] for c in cands}
    for c in sorted(cands):
        # the dateline ("Makassar (ANTARA) -", "PALEMBANG -") is where the report was filed
        if c[0] == 0 and not any(m.start == 0 for m in insts) and re.match(r"\s*(\(|-|–|—|,)", _text_after(toks, c[1])):
            continue
        if any(a <= c[0] < b for a, b in blocked):
            continue
        if any(x[0] < c[0] < x[1] for x in cands if x is not c):
            continue
        # "Kabupaten Musi Banyuasin (Muba)": the short form repeats the region just named
        if any(x[3] == c[3] and x[1] < c[0] and "(" in _between(toks, x[1], c[0]) and c[0] - x[1] <= 3
               for x in cands if x is not c):
            continue
        # a location phrase: "di Four Points by Sheraton, Kota Makassar"
        idx = next(k for k in range(first, last) if toks[k].start >= c[0])
        if idx > first and toks[idx - 1].low in lexicon.resident_nouns():
            continue  # "masyarakat Tuban mengikuti ...": the people, not the region, take part
        k = idx - 1
        adjunct = False
        by_noun = False
        steps = 0
        while k >= first and steps < 7:
            w = toks[k].bare.lower()
            if w in _RESET or toks[k].start in region_starts:
                break
            if w in ("di", "ke"):
                # "pada 6 kabupaten/kota, yaitu di Kabupaten Asahan, ...": the list names the regions;
                # "22 satuan pendidikan di Kabupaten Buleleng dinyatakan lulus": those who take part
                by_noun = w == "di" and _after_participant_noun(toks, first, k)
                adjunct = not (k - 1 >= first and toks[k - 1].bare.lower() in _RESET) and not by_noun
                break
            k -= 1
            steps += 1
        if not adjunct and (by_noun or not noun_led):
            out.append(c)
    return out


def _headed_region(toks: list[Token], first: int, p: PlaceMatch) -> tuple[int, int, str, str | None]:
    """A bare region name in its head's title read as the kabupaten or kota he or she heads
    ("Bupati Bogor" -> Kabupaten Bogor, "Wali Kota Bogor" -> Kota Bogor)."""
    if p.prefixed or p.level in ("regency", "city"):
        return p.start, p.end, p.name, p.code
    k = next((k for k in range(first, len(toks)) if toks[k].start >= p.start), first)
    level = {"bupati": "regency", "walikota": "city", "kota": "city"}.get(toks[k - 1].low if k > first else "")
    index = lexicon.regions()
    region = (index.regency if level == "regency" else index.city if level == "city" else {}).get(p.surface.lower())
    if region is None:
        return p.start, p.end, p.name, p.code
    return p.start, p.end, region.name, region.code


def _after_participant_noun(toks: list[Token], first: int, k: int) -> bool:
    """The words before token ``k`` (skipping one bracketed short form) end with a participant noun."""
    j = k
    if j - 3 >= first and toks[j - 1].text == ")" and toks[j - 3].text == "(":
        j -= 3
    words = tuple(t.bare.lower() for t in toks[max(first, j - 3) : j])
    return any(words[-len(noun):] == noun for noun in lexicon.participant_nouns() if len(noun) <= len(words))


def _between(toks: list[Token], a: int, b: int) -> str:
    return "".join(t.text for t in toks if a <= t.start < b)


def _text_after(toks: list[Token], end: int) -> str:
    nxt = next((t for t in toks if t.start >= end), None)
    return nxt.text if nxt is not None else ""


def is_aid(name: str) -> bool:
    """True for a programme that hands out money or goods ("Dana Desa", "pencairan BLT"): the areas
    it reaches receive it, they do not take part in it."""
    words = re.findall(r"[\w-]+", name.lower())
    aid = lexicon.aid_words()
    return bool(words) and (words[0] in lexicon.programme_actions() and words[0] not in ("program", "kegiatan")
                            or any(w in aid for w in words))


_NOMINAL = re.compile(r"pe[a-z]{3,}an")
_VERBAL = re.compile(r"(?:di|me|ber|ter)[a-z]{3,}")


def _process_phrase(toks: list[Token], first: int, count: int) -> tuple[int, int] | None:
    """The process a count of stages divides, in lower case, nearest before token ``count``: a head
    noun or a pe-...-an nominalisation and the words after it up to a verb or function word
    ("penghentian siaran TV analog dilakukan dalam tiga tahap", "pencairan dana melalui 3 tahap")."""
    heads, actions = lexicon.programme_heads(), lexicon.programme_actions()
    def process(w: str) -> bool:
        return w.isalpha() and w.islower() and (w in heads or w in actions or _NOMINAL.fullmatch(w) is not None)

    for k in range(count - 1, first - 1, -1):
        if not process(toks[k].text):
            continue
        while k > first and process(toks[k - 1].text):
            k -= 1  # "pencairan dana": the phrase opens with the first of them
        e = k + 1
        while e < count and e - k < 7 and re.fullmatch(r"[A-Za-z][\w-]*", toks[e].text) \
                and toks[e].low not in _LOWER_STOP and toks[e].low not in _GENERIC_LEAD \
                and not (toks[e].text.islower() and _VERBAL.fullmatch(toks[e].text)):
            e += 1
        return (k, e) if e - k >= 2 else None
    return None


def _hands_out(name: str) -> bool:
    """A programme whose name says it hands out money, goods or a service ("Dana Desa", "BLT",
    "vaksinasi"), whatever action word leads it."""
    return any(w in lexicon.aid_words() for w in re.findall(r"[\w-]+", name.lower()))


def programme_core(name: str) -> tuple[str, str, str]:
    """A programme name without its lead action words and bracketed short forms, the initials of
    what is left and the initials of every word ("pencairan Dana Desa (DD)" -> ("dana desa",
    "dd", "pdd"))."""
    words = re.sub(r"\([^)]*\)", " ", name).lower().replace("/", " ").split()
    every = "".join(w[0] for w in words if w[0].isalnum())
    actions = lexicon.programme_actions()
    while len(words) > 1 and words[0] in actions:
        words = words[1:]
    return " ".join(words), "".join(w[0] for w in words if w[0].isalnum()), every


def same_programme(a: str, b: str) -> bool:
    """True when two written names of a programme name the same one: equal once lead action
    words are set aside, or one is a short form of the other ("PGP" / "Program Guru Penggerak",
    "DD" / "pencairan Dana Desa")."""
    ca, cb = programme_core(a), programme_core(b)
    if ca[0] and ca[0] == cb[0]:
        return True
    for short, other in ((a, cb), (b, ca)):
        bare = _without_actions(re.sub(r"[()]", "", short).strip())  # "pencairan DD" -> "DD"
        if re.fullmatch(r"[A-Z]{2,6}", bare) and any(_initials_cover(bare.lower(), i) for i in other[1:]):
            return True
    return False


def _without_actions(name: str) -> str:
    """A name without its lead action words, case kept ("pencairan DD" -> "DD")."""
    words = name.split()
    actions = lexicon.programme_actions()
    while len(words) > 1 and words[0].lower() in actions:
        words = words[1:]
    return " ".join(words)


def _initials_cover(abbr: str, initials: str) -> bool:
    """The short form's letters appear in order among the initials, first and last included."""
    if not initials or abbr[0] != initials[0] or abbr[-1] != initials[-1]:
        return False
    it = iter(initials)
    return all(ch in it for ch in abbr)


def _dedupe_stages(stages: list[StageMatch]) -> list[StageMatch]:
    """One stage per (programme, number, year); a mention without a year gives way to the same stage
    with one."""
    out: list[StageMatch] = []
    for st in stages:
        if any(o.stage == st.stage and o.year == st.year
               and (same_programme(o.program, st.program) or _names_within(o.program, st.program)) for o in out):
            continue
        out.append(st)
    dated = [o for o in out if o.year is not None]
    return [o for o in out if o.year is not None
            or not any(d.stage == o.stage and same_programme(d.program, o.program) for d in dated)]


def _names_within(a: str, b: str) -> bool:
    """One programme name written inside the other ("vaksinasi" in "Vaksinasi Covid-19", "pembangunan
    jembatan" in "Pembangunan Jembatan Pasar Baru"), unless money words come before it ("Dana Desa" in
    "BLT Dana Desa" is the fund, not the same programme)."""
    short, long_ = sorted((programme_core(a)[0], programme_core(b)[0]), key=len)
    m = re.search(r"\b" + re.escape(short) + r"\b", long_) if short else None
    return m is not None and not any(w in lexicon.aid_words("money") for w in long_[: m.start()].split())


def _dedupe_parts(parts: list[ParticipantMatch]) -> list[ParticipantMatch]:
    seen = set()
    out = []
    for p in parts:
        key = (p.region_code or norm(p.region), norm(p.program), p.year, p.planned)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
