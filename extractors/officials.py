"""Officials: a person named with a position, the body or region served, titles and degrees apart.

Handles the position before the name ("Bupati Muara Enim Ir H Ahmad Yani MM"), after it
("Hendra Wijaya, Kepala Dinas Kominfo"), in parentheses ("Indra Kusuma (Direktur Utama PT
Kereta Api Indonesia)") and "X menjabat Wali Kota Y"; prefixes (Plt, Pj, Pjs, Plh, Wakil) and
abbreviations (Wabup, Sekda, Kadis, Mendagri ...) come from ``data/positions.txt``. Between the
position and the name sits the body served: regions, offices, ministries, field words
("Pemberdayaan Masyarakat dan Desa") and parenthesised abbreviations.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Literal

from extractors import lexicon
from extractors.institutions import InstitutionMatch
from extractors.lexicon import Region
from extractors.places import PlaceMatch
from extractors.text import Token

logger = logging.getLogger(__name__)

NAME = "warta.officials"
VERSION = "5"

_NOT_NAME = {
    "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "januari", "februari", "maret", "april",
    "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember", "yang", "dan", "di",
    "pada", "dalam", "saat", "menurut", "ia", "dia", "beliau", "kami", "kita", "ini", "itu", "tersebut",
    "setempat", "sendiri", "juga", "turut", "selaku", "sebagai", "bersama", "serta", "untuk", "dari",
    "nomor", "no", "tahun", "tentang", "beserta", "pernah", "sempat", "kini", "sudah", "telah", "masih", "akan",
    "baru", "lalu", "kemudian", "sebelumnya", "sekarang", "mantan", "eks", "calon", "sang", "para", "seorang",
}
# a name never starts with these: "Istana Wakil Presiden, Jalan Medan Merdeka Utara"
# positions that are also the second word of a rank ("Ajun Komisaris", "Komisaris Besar")
_RANK_WORDS = {"komisaris"}
_NOT_NAME_START = {"kab", "kec", "prov", "kel", 
    "jalan", "jl", "gedung", "hotel", "kantor", "istana", "rumah", "ruang", "balai", "aula", "masjid", "gereja",
    "pasar", "desa", "kecamatan", "kabupaten", "kota", "provinsi", "kampung", "kelurahan", "dusun", "dinas", "badan",
    "sekolah", "universitas", "pt", "cv", "bank", "partai", "satuan", "tim", "satgas", "komisi", "kementerian",
    "pemerintah", "pemkab", "pemkot", "pemprov", "polres", "polda", "program", "gerakan",
}
# a position right after these names a building, not a person ("Kantor Bupati", "Istana Wakil Presiden")
_BUILDING = {"istana", "kantor", "rumah", "gedung", "pendopo", "rumdin", "ruang", "aula", "halaman", "makam"}

_PUNCT = {"(", ")", ",", ";", ":", '"', "“", "”", "."}
_CONNECT = {"dan", ",", "&", "/"}
_STATUS = {"nonaktif", "terpilih", "definitif", "terpilih,", "demisioner"}
_RETIRED = {"purn", "purnawirawan", "ret"}
_LOCAL_HEADS = {"camat", "lurah", "kades", "desa", "sekcam"}
# positions that need the body they head before a one-word name counts ("Kepala Darah beserta")
_GENERIC_HEADS = {"kepala", "ketua", "wakil", "direktur", "sekretaris", "anggota", "asisten", "staf", "pimpinan",
                  "koordinator", "manajer", "manager", "deputi", "komisaris", "kabid", "kasi", "kabag"}
_WORKING_VERBS = {"menjabat", "sebagai", "selaku"}
_LIST_MARKERS = {"yakni", "yaitu", "adalah", "masing-masing", "antara", "ialah"}
_LINK_WORDS = {"yang", "juga", "kini", "sekarang", "masih", "saat", "ini"}
# a bracketed short form right after a "name": "Kepala Pusat Veteriner Farma (Pusvetma)"
_ABBREV_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z-]{1,14})\)")
# a name the NER model does not tag is dropped when its first word scores below the first bound
# and its words on average below the second (chosen on the real-news dev and train splits)
_NAME_FIRST_MIN = 0.25
_NAME_MEAN_MIN = 0.4
# a name's leading words up to the last one scoring under _NAME_TRIM_MAX are the body's, when a
# word scoring at least _NAME_KEEP_MIN is left ("Panca", 0.09, stays part of "Panca Wijaya Akbar")
_NAME_TRIM_MAX = 0.05
_NAME_KEEP_MIN = 0.5
# a common word scoring under _NAME_TAIL_MAX after at least two words all scoring _NAME_HEAD_MIN
# ends the name ("Agus Ambo Djiwa Pimpin Rapat")
_NAME_TAIL_MAX = 0.2
# a full name's leading word is the body's when it scores under _LEAD_BODY_MAX and is a known
# body's word ("Maritim Luhut Binsar Pandjaitan"; "Panca Wijaya Akbar" stays whole)
_LEAD_BODY_MAX = 0.2
_NAME_HEAD_MIN = 0.4


RelationKind = Literal["represented_by", "accompanied_by"]


@dataclass(slots=True)
class OfficialMatch:
    """An official found in the text."""

    start: int
    end: int
    surface: str
    name: str
    role: str
    org: str | None
    titles: list[str] = field(default_factory=list)
    degrees: list[str] = field(default_factory=list)
    region_code: str | None = None
    name_start: int = 0
    name_end: int = 0


#: (kind, subject, object): "A diwakili B" is (represented_by, A, B).
Relation = tuple[RelationKind, OfficialMatch, OfficialMatch]


def _position_at(toks: list[Token], i: int, lower: bool = False) -> int:
    """Number of tokens of a position (with its prefixes) starting at ``i``; 0 when none.

    ``lower`` also reads a position written in lower case ("anggota Komisi III DPR RI").
    """
    if i >= len(toks) or not (toks[i].is_cap or (lower and toks[i].text.islower())):
        return 0
    j = i
    # prefixes, each optionally followed by "(Abbr)"
    while True:
        for pre in lexicon.position_prefixes():
            n = len(pre)
            if j < len(toks) and toks[j].low == pre[0] and tuple(t.low for t in toks[j : j + n]) == pre:
                k = j + n
                if k + 2 < len(toks) and toks[k].text == "(" and toks[k + 2].text == ")":
                    k += 3
                # only a prefix when a position follows
                if _bare_position(toks, k):
                    j = k
                    break
        else:
            break
    n = _bare_position(toks, j)
    return (j - i) + n if n else 0


def _bare_position(toks: list[Token], j: int) -> int:
    if j >= len(toks):
        return 0
    for pos in lexicon.positions_by_first().get(toks[j].low, ()):
        n = len(pos)
        if tuple(t.low for t in toks[j : j + n]) == pos:
            return n
    return 0


def _holder_link_at(toks: list[Token], k: int) -> int:
    """The length of the phrase of ``data/holder_links.txt`` at token ``k`` ("yang dijabat oleh"), else 0."""
    for phrase in lexicon.holder_links():
        if tuple(t.low for t in toks[k : k + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _is_name_word(t: Token) -> bool:
    if t.text in _PUNCT or not t.is_cap:
        return False
    if t.bare.lower() in _NOT_NAME or lexicon.is_degree(t.text):
        return False
    return bool(re.match(r"^[A-Z][A-Za-z'\-]*\.?$", t.text))


class _Scanner:
    def __init__(self, text: str, toks: list[Token], places: list[PlaceMatch], insts: list[InstitutionMatch]):
        self.text = text
        self.toks = toks
        self.places = {p.start: p for p in places}
        self.insts = {m.start: m for m in insts}
        self.inst_list = insts
        self.place_list = places
        self.spans = [(p.start, p.end) for p in places] + [(m.start, m.end) for m in insts]
        self.per_starts: dict[int, int] = {}
        self.claimed: list[tuple[int, int]] = []
        self.fields = lexicon.field_words()
        self.common = lexicon.common_words()
        self.office_abbr = {o.abbrev.lower() for o in lexicon.offices()}

    def _skip_to(self, j: int, end: int) -> int:
        while j < len(self.toks) and self.toks[j].start < end:
            j += 1
        return j

    def body_end(self, j: int) -> int:
        """Index after the body served that starts at ``j``: the longest reading after which a name follows.

        A long unit name ("Direktur Layanan Aplikasi Informatika Pemerintahan Kementerian Kominfo
        Dr. Bambang ...") is read with capitalised common words as part of the body, when they lead
        to another part of it (an office, ministry or region) and a name follows; otherwise the
        body ends before them ("Ketua DPRD Indah Putri", "Wakil Bupati Klaten Yoga Pratama").
        """
        strict = self.org_phrase(j)
        for _ in range(3):  # "Kasat Sabhara Polres Sukabumi": a unit's name right before its institution
            if strict < len(self.toks) and self.toks[strict].is_cap and strict + 1 < len(self.toks) \
                    and (self.toks[strict + 1].start in self.insts or self.toks[strict + 1].start in self.places) \
                    and not lexicon.is_title(self.toks[strict].text):
                strict = self.org_phrase(strict + 1)
            else:
                break
        per = self.person_after(j, strict)
        if per is not None:
            return per
        loose = self.org_phrase(j, loose=True)
        last = self.toks[loose - 1] if loose > strict else None
        if last is not None and last.bare.lower() in self.common and last.bare.lower() not in self.fields \
                and not any(a <= last.start < b for a, b in self.spans):
            # the common words must lead to another part of the body: "Klaten Yoga Pratama" is a name
            return strict
        if loose > strict:
            k = loose + 1 if loose < len(self.toks) and self.toks[loose].text == "," else loose
            ns, ne, _titles, _degrees, _nxt = self.name_at(k)
            if ne > ns:
                return loose
        return strict

    def person_after(self, j: int, strict: int, limit: int = 14) -> int | None:
        """Where a name the NER model found begins, when only the body's words lie between ``j`` and it.

        The rules' reading wins when the model agrees with it (a PER span starts where the strict
        body ends); otherwise a PER span further on, reached through capitalised words, numbers,
        parentheses, connectors and one comma ("Direktur Walhi Jawa Barat Dadan Ramdan",
        "Kepala Balai Besar Karantina Pertanian Surabaya, Musyaffak Fauzi"), marks the body's end.
        """
        toks = self.toks
        if not self.per_starts:
            return None
        k = strict + 1 if strict < len(toks) and toks[strict].text == "," else strict
        ns, ne, _titles, _degrees, _nxt = self.name_at(k)
        if ne > ns:
            a, b = toks[ns].start, toks[ne - 1].end
            if any(s < b and a < e for s, e in self.per_starts.items()):
                return None  # the model agrees with the rules' name
            words = [t.bare.lower() for t in toks[ns:ne]]
            unit = ne < len(toks) and any(a == toks[ne].start for a, _ in self.spans)  # "... Management PLN Muhamad"
            if len(words) > 1 and not any(w in self.common for w in words) and not unit \
                    and not any(s < b and a < e for s, e in self.spans):
                return None  # the rules' reading looks like a person's name: keep it
        commas = depth = 0
        for x in range(j, min(len(toks), j + limit)):
            t = toks[x]
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                if depth == 0:
                    return None  # "Hidayat dari Partai Gerindra (Ketua), Achmad ...": the post's bracket closes
                depth -= 1
            if x > j and t.start in self.per_starts and _is_name_word(t) and not self.opens_no_name(x) \
                    and not any(a < self.per_starts[t.start] and t.start < b for a, b in self.spans):
                # (a PER span running into an institution or a region is no person's name)
                end = x - 1 if toks[x - 1].text == "," else x
                while end > j and lexicon.is_title(toks[end - 1].text):
                    end -= 1
                return end
            if x > j and _position_at(toks, x):
                return None  # the next official's position
            if t.text == ",":
                commas += 1
                if commas > 1:
                    return None
                continue
            if not (t.is_cap or t.text in ("(", ")", "/", "-", "&") or t.low in ("dan", "serta", "untuk", "pada", "di")
                    or re.match(r"^[\dIVXL]+$", t.text)):
                return None
        return None

    def run_end(self, p: int, limit: int = 24) -> int:
        """Index after the capitalised run that starts at ``p``: words, titles, numbers, bracketed
        short forms, up to three commas and a body's link words ("dan", "pada", "of"); it ends at a
        word in lower case, a sentence's end or the next position."""
        toks = self.toks
        links = lexicon.body_link_words()
        x, commas, lower = p, 0, 0
        while x < len(toks) and x - p < limit:
            t = toks[x]
            if t.text == "(":
                close = next((y for y in range(x + 1, min(len(toks), x + 10)) if toks[y].text == ")"), None)
                if close is None:
                    break
                x = close + 1
                continue
            if t.text == ",":
                commas += 1
                if commas > 3:
                    break
            elif x > p and _position_at(toks, x):
                break
            elif self.descriptor(x):
                lower += 1
                if lower > 3:
                    break
            elif not (t.is_cap or t.low in links or re.match(r"^[\dIVXL]+$", t.text)) or t.text in _PUNCT:
                break
            x += 1
        return x

    def descriptor(self, x: int) -> bool:
        """Token ``x`` is a lower-case noun describing a post ("Koordinator aksi", "Ketua panitia
        kegiatan", "Dinas Dikbudpora kabupaten Bima"): no function word, no verb (by its prefix)."""
        t = self.toks[x]
        if not (t.text.isalpha() and t.text.islower()) or t.low in _NOT_NAME or t.low in lexicon.body_link_words() \
                or t.low in lexicon.function_words():
            return False
        return t.low in self.fields or t.low in self.office_abbr or not t.low.startswith(lexicon.verb_prefixes())

    def later_name(self, p: int, ns: int, ne: int) -> tuple[int, int, int, list[str], list[str], int] | None:
        """A person's name closing the run after a position, past the name first read, when that one
        reads as the body's words: "Kepala Balai Teknik ... Jawa Bagian Barat, Achyar Pasaribu",
        "Vica President Corporate Affairs Gojek, Michael Reza", "Direktur Jendral ... Pedesaan Ir
        Harlina". The later name starts after a comma, a bracket or a title and runs to the run's
        end; it must read more like a name (:func:`lexicon.name_score`, or a PER span) than the first.

        Returns:
            (body end, name start, name end, titles, degrees, next index), or None.
        """
        toks = self.toks
        if ns < ne < len(toks) and not any(lexicon.is_title(t.text) for t in toks[ns + 1 : ne]):
            t = toks[ne]  # the run ends with the name read: no later one (the common case, decided cheaply)
            if t.text in _PUNCT and t.text not in ("(", ",") or not (t.is_cap or t.text in ("(", ",") or self.descriptor(ne)
                                                                    or t.low in lexicon.body_link_words()):
                return None
        end = self.run_end(p)
        while end > p and (toks[end - 1].text == "," or toks[end - 1].low in lexicon.body_link_words()):
            end -= 1
        if end - p < 3 or end < ne:
            return None
        for c in range(max(p + 1, ns + 1), end):
            prev = toks[c - 1]
            boundary = prev.text in (",", ")") or (lexicon.is_title(toks[c].text) and not lexicon.is_title(prev.text)) \
                or (lexicon.is_title(prev.text) and c - 1 >= ne - 1 and c - 1 > ns) or self.descriptor(c - 1)
            if not boundary or self.opens_no_name(c):
                continue
            s, e, titles, degrees, nxt = self.name_at(c)
            if e <= s or e - s > 4 or nxt < end or not _is_name_word(toks[s]):
                continue
            a, b = toks[s].start, toks[e - 1].end
            if any(x < b and a < y for x, y in self.spans):
                continue
            if self.descriptor(c - 1) and min(lexicon.name_score(t.bare) for t in toks[s:e]) < _NAME_HEAD_MIN \
                    and not any(x <= a and b <= y for x, y in self.per_starts.items()):
                continue  # after a lower-case word only a clear name: "Menteri Koordinator bidang Kemaritiman Luhut"
            if not self._reads_better(s, e, ns, ne):
                return None
            body = c - 1 if prev.text == "," else c
            while body > p + 1 and lexicon.is_title(toks[body - 1].text):
                body -= 1  # "Sekda Kabupaten Sukabumi H, Iyos Somantri": the title stays off the post
            return body, s, e, titles, degrees, nxt
        return None

    def _reads_better(self, s: int, e: int, ns: int, ne: int) -> bool:
        """The name in tokens ``s``..``e`` reads more like a person's than the one in ``ns``..``ne``."""
        def mean(a: int, b: int) -> float:
            words = [t.bare for t in self.toks[a:b] if len(t.bare) > 2 and not lexicon.is_title(t.text)]
            return sum(lexicon.name_score(w) for w in words) / len(words) if words else 0.5

        def whole(a: int, b: int) -> bool:
            x, y = self.toks[a].start, self.toks[b - 1].end
            return any(st <= x and y <= en for st, en in self.per_starts.items())

        def tagged(a: int, b: int) -> bool:  # (a PER span running into an institution or a region is none)
            x, y = self.toks[a].start, self.toks[b - 1].end
            return any(st < y and x < en and not any(p < en and st < q for p, q in self.spans)
                       for st, en in self.per_starts.items())

        later = mean(s, e)
        if not (later >= 0.5 or tagged(s, e)):
            return False
        if ne <= ns or (whole(s, e) and not whole(ns, ne)):
            return True  # the model reads the later words as a whole name and not the first ones
        first = mean(ns, ne)
        cur = [t.bare.lower() for t in self.toks[ns:ne]]
        weak = first < 0.4 or any(w in self.common or w in self.fields for w in cur) \
            or any(self.toks[ns].start < y and x < self.toks[ne - 1].end for x, y in self.spans)
        return weak and later > first and not (tagged(ns, ne) and not tagged(s, e))

    def org_phrase(self, j: int, loose: bool = False) -> int:
        """Index after the body served that follows a position (``loose``: common words are body words)."""
        toks = self.toks
        after_place = False
        while j < len(toks):
            t = toks[j]
            if t.text == "(":
                k = j + 1
                while k < len(toks) and toks[k].text != ")" and k - j < 10:
                    k += 1
                if k < len(toks) and toks[k].text == ")" and k > j + 1 and toks[j + 1].is_cap:
                    j = k + 1
                    continue
                break
            p = self.places.get(t.start)
            if p is not None:
                if after_place and not p.prefixed:
                    break
                j = self._skip_to(j, p.end)
                after_place = True
                continue
            after_place = False
            m = self.insts.get(t.start) or next((x for x in self.inst_list if x.start < t.start < x.end), None)
            if m is not None:  # an institution, or the rest of one the position began ("Kepala Kantor Bea Cukai Bogor")
                j = self._skip_to(j, m.end)
                continue
            low = t.bare.lower()
            if lexicon.is_title(t.text):
                break
            # "Camat Gelumbang Ahmad Rizal": a kecamatan name after camat/lurah
            if j > 0 and toks[j - 1].low in _LOCAL_HEADS and t.is_cap:
                idx = lexicon.regions()
                # "Kepala Desa Rantau Panjang, Markus Ladjar": the whole run before ", Name" is the village
                hit = 0
                while j + hit < len(toks) and hit < 3 and _is_name_word(toks[j + hit]):
                    hit += 1
                if not (hit and j + hit + 1 < len(toks) and toks[j + hit].text == ","
                        and _is_name_word(toks[j + hit + 1]) and toks[j + hit + 1].low not in lexicon.DAY_NAMES):
                    hit = 0
                    for n in (3, 2, 1):
                        if " ".join(x.low for x in toks[j : j + n]) in idx.district and j + n < len(toks) \
                                and _is_name_word(toks[j + n]):
                            hit = n
                            break
                if hit:
                    j += hit
                    continue
            # unit numbers: "Kodim 0729/Bantul", "Kodam XIV/Hasanuddin", "Regional 4"
            if j > 0 and toks[j - 1].is_cap and re.match(r"^(?:\d{1,4}|[IVXL]+)(?:/[A-Z][\w-]*)?$", t.text):
                j += 1
                continue
            if t.is_cap and (low in self.fields or low in self.office_abbr or _bare_position(toks, j)
                             or (loose and low in self.common)
                             or (t.text.isupper() and len(t.bare) >= 3 and not lexicon.is_degree(t.text))
                             or re.search(r"\d", t.text)):
                j += 1
                continue
            # "Anggota DPRD Sumatera Barat dari Fraksi Partai Gerindra, Hidayat Nasution"
            if low == "dari" and j + 1 < len(toks) and toks[j + 1].bare in ("Fraksi", "Komisi"):
                j += 1
                continue
            if low in _CONNECT:
                # "Bidang Politik, Hukum, dan Keamanan": connectors may follow one another
                k = j + 1
                while k < len(toks) and toks[k].low in _CONNECT and k - j < 3:
                    k += 1
                if k < len(toks) and toks[k].is_cap and (
                    toks[k].bare.lower() in self.fields or toks[k].start in self.places
                    or (loose and toks[k].bare.lower() in self.common)
                ):
                    j = k
                    continue
            break
        return j

    def name_at(self, j: int) -> tuple[int, int, list[str], list[str], int]:
        """Read titles, a name and degrees from ``j``; returns (name start idx, name end idx, titles, degrees, next)."""
        toks = self.toks
        titles: list[str] = []
        while j < len(toks) and lexicon.is_title(toks[j].text) and j + 1 < len(toks) and (
            toks[j + 1].is_cap or lexicon.is_title(toks[j + 1].text) or toks[j + 1].text == "("
        ):
            titles.append(toks[j].bare)
            j += 1
            # "Ajun Komisaris Besar Soliyah", "Letkol CPL Eko Daryanto": the rank goes on
            while j + 1 < len(toks) and toks[j].bare.lower() in lexicon.rank_words() and toks[j + 1].is_cap:
                titles.append(toks[j].bare)
                j += 1
            # "Letjen TNI (Purn) Hendarto": a retired rank
            if j + 2 < len(toks) and toks[j].text == "(" and toks[j + 1].low in _RETIRED and toks[j + 2].text == ")":
                j += 3
        s = j
        if j < len(toks) and self.opens_no_name(j):
            return s, s, titles, [], j
        if j < len(toks) and toks[j].bare.lower() in self.common and toks[j].start not in self.per_starts \
                and not titles and not (j + 1 < len(toks) and _is_name_word(toks[j + 1])
                                        and toks[j + 1].bare.lower() not in self.common):
            # "Gubernur Lampung Tetapkan Harga ...": a headline's verb, not a name ("Yoga Pratama" is one)
            return s, s, titles, [], j
        while j < len(toks) and _is_name_word(toks[j]) and j - s < 5:
            if _bare_position(toks, j) or toks[j].start in self.insts:
                break  # a name ends where a position or an institution begins
            # an all-capitals word after the first name word is a degree we do not list ("MSCE")
            if j > s and toks[j].bare.isupper() and len(toks[j].bare) >= 2 and toks[j].bare.isalpha():
                break
            if j > s and re.fullmatch(r"[A-Z]{2,}[a-z]+", toks[j].bare):
                break  # "MEpid", "MKes": a degree written without dots
            if j > s and "\n" in self.text[toks[j - 1].end : toks[j].start]:
                break  # a name ends with its line ("Kapolri Jenderal Listyo Sigit Prabowo" above a caption)
            if toks[j].start in self.places and j == s and not (j + 1 < len(toks) and _is_name_word(toks[j + 1])):
                break
            if j > s and toks[j - 1].text.endswith(".") and len(toks[j - 1].bare) > 1:
                break
            j += 1
            # "Muhammad bin Abdullah", "Siti binti Ahmad", "Cory Seriwaty br Sebayang"
            if j + 1 < len(toks) and toks[j].text in ("bin", "binti", "br", "boru") and _is_name_word(toks[j + 1]):
                j += 1
        e = j
        degrees: list[str] = []
        k = j
        while k < len(toks) and (lexicon.is_degree(toks[k].text) or toks[k].text == ","):
            if toks[k].text != ",":
                degrees.append(toks[k].text.rstrip(","))
            elif not (k + 1 < len(toks) and lexicon.is_degree(toks[k + 1].text)):
                break
            k += 1
        return s, e, titles, degrees, k

    def opens_no_name(self, j: int) -> bool:
        """Token ``j`` starts a position, an office's abbreviation or a place word, never a name
        ("..., Kapolda menjelaskan", "Kasi Dikdas", "Kab. Lombok Barat")."""
        t = self.toks[j]
        return bool(_position_at(self.toks, j)) or t.bare.lower() in self.office_abbr or t.low in _NOT_NAME_START \
            or t.bare.lower() in _NOT_NAME_START or (t.bare.lower(),) in lexicon.position_prefixes()

    def person_like(self, match: OfficialMatch) -> bool:
        """A name of two words or more, or one the NER model tags as a person."""
        return len(match.name.split()) > 1 or any(
            s < match.name_end and match.name_start < e for s, e in self.per_starts.items())

    def trim_name(self, match: OfficialMatch) -> None:
        """Drop the body's words the name reading took in front of the name ("Kremlin Dmitry
        Peskov", "Geopark Ciletuh-Palabuhanratu Deny Juanda", "Sekkab Firman"): everything up to
        the last word that reads as no name (:func:`lexicon.name_score`), when a name-like word
        is left after it and the NER model's person span starts there."""
        words = match.name.split()
        nouns = lexicon.non_name_nouns()
        place = max((k for k, w in enumerate(words) if w.lower() in nouns), default=-1)
        if 0 <= place < len(words) - 2:  # "Promosi Izu Geopark Yutaka Kikuchi": the body's words end at "Geopark"
            offset = self.text.find(words[place + 1], match.name_start)
            if 0 <= offset < match.name_end:
                if match.start < match.name_start:  # the words go back to the post written before the name
                    match.role = f"{match.role} {' '.join(words[: place + 1]).lower()}"
                match.name, match.name_start = " ".join(words[place + 1 :]), offset
                words = words[place + 1 :]
        scores = [lexicon.name_score(w) if len(w) > 2 else 1.0 for w in words]  # "Uu", "Ir": too short to judge
        # a headline's words after a whole name: "Bupati Agus Ambo Djiwa Pimpin Rapat" (the first
        # of them a common word)
        tail = next((k for k in range(2, len(words)) if scores[k] < _NAME_TAIL_MAX
                     and min(scores[:k]) >= _NAME_HEAD_MIN), None)
        if tail is not None:
            last = words[tail - 1]
            end = self.text.rfind(last, match.name_start, match.name_end)
            cut_at = end + len(last)
            if end > 0 and words[tail].lower() in self.common:  # a word news writes in lower case
                match.name_end = cut_at
                words, scores = words[:tail], scores[:tail]
                match.name = " ".join(words)
        cut = max((k for k in range(len(words) - 1) if scores[k] < _NAME_TRIM_MAX), default=-1) + 1
        if cut == 0 or max(scores[cut:]) < _NAME_KEEP_MIN:
            self.trim_body_words(match, words, scores)
            return
        offset = self.text.find(words[cut], match.name_start)
        if offset < 0 or offset >= match.name_end or offset not in self.per_starts:
            return  # the NER model must start a person's name there too
        match.name = " ".join(words[cut:])
        match.name_start = offset

    def trim_body_words(self, match: OfficialMatch, words: list[str], scores: list[float]) -> None:
        """Drop a body's words in front of a full name the rules read as one run ("Maritim Luhut
        Binsar Pandjaitan"): a leading word that scores under ``_LEAD_BODY_MAX`` and is a known
        body's word (:func:`lexicon.body_words`), or a village's name after a local head where the NER
        model starts the person after it; at least two words scoring ``_NAME_KEEP_MIN`` each must remain."""
        per = [self.text.find(w, match.name_start) in self.per_starts for w in words]
        body = lexicon.body_words()
        local = match.role.split()[-1] in _LOCAL_HEADS  # "Kepala Desa Mandrajaya Agustina ...": the village
        cut = 0
        while len(words) - cut > 2 and (
                (scores[cut] < _LEAD_BODY_MAX and words[cut].lower() in body and not per[cut])
                or (local and cut == 0 and any(per[1:]) and not per[0])):
            cut += 1
        if cut == 0 or min(scores[cut:]) < _NAME_KEEP_MIN:
            return
        offset = self.text.find(words[cut], match.name_start)
        if 0 <= offset < match.name_end:
            after_post = match.start < match.name_start
            match.name = " ".join(words[cut:])
            match.name_start = offset
            if after_post:
                match.role = f"{match.role} {' '.join(words[:cut]).lower()}"  # the words go back to the role

    def name_like(self, match: OfficialMatch) -> bool:
        """The name could be a person's: the NER model tags it, or its words' character n-grams
        do not read as an office's or a headline's words (:func:`lexicon.name_score`): "Subseksi
        Hanggar", "Pendayagunaan Aparatur Negara", "Penggerak Angkatan" are not names."""
        if any(w.lower() in lexicon.non_name_nouns() for w in match.name.split()):
            return False  # "Wali Kota Shimoda City"
        short = _ABBREV_AFTER.match(self.text, match.name_end)
        if short is not None and not match.titles and not self._names_a_body_or_post(short.group(1)):
            return False  # "Kepala Pusat Veteriner Farma (Pusvetma)": a unit and its short form
        if any(s < match.name_end and match.name_start < e for s, e in self.per_starts.items()):
            return True
        if match.degrees or any(t.lower() not in self.common for t in match.titles):
            return True  # "Kompol Dulhapid, S.Pd.": a rank or degree goes with a person (not "Guru ...")
        words = [w for w in match.name.split() if len(w) > 1]
        if not words:
            return True
        scores = [lexicon.name_score(w) for w in words]
        return not (scores[0] < _NAME_FIRST_MIN and sum(scores) / len(scores) < _NAME_MEAN_MIN)

    def _names_a_body_or_post(self, word: str) -> bool:
        """A bracketed word after a person's name tags them: a party or body ("Hasan (PPP)"), a post."""
        from extractors.institutions import known_at

        return known_at(word) is not None or word.lower() in self.office_abbr or bool(_position_at(
            [Token(word, 0, len(word))], 0)) or word.lower() in lexicon.regions().bare

    def claim(self, found: list[OfficialMatch], match: OfficialMatch) -> None:
        """Record ``match``; its name can no longer be read as another official's."""
        found.append(match)
        self.claimed.append((match.name_start, match.name_end))

    def make(self, pos_i: int, org_end: int, ns: int, ne: int, titles: list[str], degrees: list[str],
             end_i: int) -> OfficialMatch | None:
        """The official whose position runs from token ``pos_i`` to ``org_end`` and name from ``ns`` to ``ne``."""
        toks = self.toks
        name = " ".join(" ".join(t.bare for t in toks[ns:ne]).split())
        role = self.role_text(pos_i, org_end)
        if not name or not role:
            return None
        org, code = self.body_of(pos_i, org_end)
        s = min(toks[pos_i].start, toks[ns].start)
        e = max(toks[end_i - 1].end, toks[org_end - 1].end)
        return OfficialMatch(s, e, self.text[s:e], name, role, org, titles, degrees, code,
                             toks[ns].start, toks[ne - 1].end)

    def name_after(self, i: int, n: int) -> tuple[int, tuple[OfficialMatch, int] | None]:
        """Read "Position Body Name" from the position at ``i`` (``n`` tokens long).

        Returns:
            The index where the body ends, and the official with the index after it, or None.
        """
        toks = self.toks
        j = self.body_end(i + n)
        while j < len(toks) and toks[j].low in _STATUS:  # "Bupati Muara Enim nonaktif Ahmad Yani"
            j += 1
        k = j + 1 if j < len(toks) and toks[j].text == "," else j
        k += _holder_link_at(toks, k)  # "Kapolres Lebak yang sebelumnya dijabat AKBP Dani Arianto"
        ns, ne, titles, degrees, nxt = self.name_at(k)
        # "Kades Sukamaju, Wahyu Prasetyo": with no body read, a run before ", Name" is the body
        if j == i + n and k == j and ne > ns and ne < len(toks) and toks[ne].text == ",":
            ns2, ne2, titles2, degrees2, nxt2 = self.name_at(ne + 1)
            if ne2 > ns2 and (nxt2 >= len(toks) or toks[nxt2].text in (",", ".") or not toks[nxt2].is_cap) \
                    and not (ne2 - ns2 == 1 and toks[ns2].bare.isupper()):  # "Wakil Bupati Nadirsyah, OPD, serta"
                j, k = ne, ne + 1
                ns, ne, titles, degrees, nxt = ns2, ne2, titles2, degrees2, nxt2
        if ne == ns and k < len(toks) and toks[k].start in self.per_starts and not self.opens_no_name(k):
            pe = self.per_starts[toks[k].start]  # a name only the model delimits
            while ne < len(toks) and toks[ne].end <= pe:
                ne += 1
            nxt = ne
        if ne - ns == 1 and not titles and not degrees and ne < len(toks) and (
                (toks[ne].is_cap and toks[ne].text not in _PUNCT and not lexicon.is_degree(toks[ne].text)
                 and not (toks[ne].bare.isupper() and len(toks[ne].bare) <= 3))  # initials: "Beni SN"
                or toks[ne].low in ("kabupaten", "kota", "provinsi", "kecamatan", "desa")):
            ns = ne  # "Juru Bicara Vaksinasi COVID-19 ...", "Kepala Dinas Dikbudpora kabupaten Bima": a body word
        later = self.later_name(i + n, ns, ne) if not toks[i].text.islower() else None
        if later is not None:
            logger.debug("later name %s", self.text[toks[later[1]].start : toks[later[2] - 1].end])
            j, ns, ne, titles, degrees, nxt = later
            k = j + 1 if toks[j].text == "," else j
        generic = toks[i + n - 1].low in _GENERIC_HEADS
        # "Ketua Bawaslu, Muhammad, mengatakan"; "Menteri Sekretaris Negara (Mensesneg), Pratikno menyatakan"
        after = ne
        while after < len(toks) and after - ne < 2 and toks[after].text.isupper() and len(toks[after].text) <= 3:
            after += 1  # initials after a name: "Beni SN," "Herman HN,"
        appositive = k > j and after < len(toks) and (
            toks[after].text in (",", ".") or (not toks[after].is_cap and j > i + n))
        if ne > ns and (ne - ns > 1 or titles or degrees or appositive or (k == j and (j > i + n or not generic))):
            match = self.make(i, j, ns, ne, titles, degrees, nxt)
            if match is not None:
                return j, (match, nxt)
            return j, None
        return j, None

    def name_before(self, i: int, j: int) -> OfficialMatch | None:
        """Read "Name (Position ...)", "Name, Position ..." or "Name menjabat Position" for the
        position at ``i`` whose body ends at ``j``."""
        toks = self.toks
        b = i
        if b >= 1 and toks[b - 1].text in ("(", ","):
            b -= 1
        elif b >= 1 and toks[b - 1].bare.lower() in _WORKING_VERBS:
            b -= 1
            if b >= 1 and toks[b - 1].bare.lower() in _WORKING_VERBS:
                b -= 1
            # "Romli yang juga menjabat Sekda ...", "Budi yang kini menjabat sebagai ..."
            k = b
            while k >= 1 and b - k < 3 and toks[k - 1].low in _LINK_WORDS:
                k -= 1
            if k < b and toks[k].low == "yang":
                b = k
        if b == i:
            return None
        e2 = b
        if toks[b].text == "(" and b >= 2:
            # "Taufik Hidayat dari Partai Gerindra (Ketua)": the party between the name and its post
            inst = next((m for m in self.inst_list if m.end == toks[b - 1].end), None)
            if inst is not None:
                x = b - 1
                while x > 0 and toks[x].start > inst.start:
                    x -= 1
                if x >= 1 and toks[x - 1].low == "dari":
                    e2 = x - 1
        while e2 >= 1 and lexicon.is_degree(toks[e2 - 1].text) or (
                e2 >= 2 and toks[e2 - 1].text == "," and lexicon.is_degree(toks[e2 - 2].text)):
            e2 -= 1
        if e2 >= 2 and e2 < b and toks[e2 - 1].text == "," and _is_name_word(toks[e2 - 2]):
            e2 -= 1  # "Djohan Sjamsu, S.H., Bupati ...": the comma before the degrees
        s2 = e2
        while s2 >= 1 and _is_name_word(toks[s2 - 1]) and e2 - s2 < 5:
            s2 -= 1
        while s2 < e2 and lexicon.is_title(toks[s2].text) and e2 - s2 > 1:
            s2 += 1
        if e2 <= s2:
            return None
        span = (toks[s2].start, toks[e2 - 1].end)
        before = toks[s2 - 1] if s2 >= 1 else None
        ok_before = before is None or not before.is_cap or before.text in _PUNCT or lexicon.is_title(before.text)
        has_title = s2 >= 1 and lexicon.is_title(toks[s2 - 1].text)
        single_ok = toks[b].text == "(" or has_title or toks[b].bare.lower() in _WORKING_VERBS or toks[b].low == "yang"
        if not (ok_before and all(span[1] <= a or span[0] >= c for a, c in self.claimed)
                and (e2 - s2 > 1 or single_ok)):
            return None
        if any(a < span[1] and span[0] < c for a, c in self.spans) or any(self.opens_no_name(x) for x in range(s2, e2)):
            return None  # a region, an institution or another position, not a person
        titles: list[str] = []
        x = s2 - 1
        while x >= 0 and lexicon.is_title(toks[x].text):
            titles.insert(0, toks[x].bare)
            x -= 1
        org, code = self.body_of(i, j)
        return OfficialMatch(toks[s2].start, toks[j - 1].end, self.text[toks[s2].start : toks[j - 1].end],
                             " ".join(t.bare for t in toks[s2:e2]), self.role_text(i, j), org, titles, [], code,
                             span[0], span[1])

    def names_listed(self, i: int, j: int) -> list[OfficialMatch]:
        """People listed after a plural post: "Anggota DPRD yang hadir yakni Rudi Hartono (Partai
        Golkar), Hasan Basri (PPP) dan Joko Susilo": each name tagged by a bracketed party or body."""
        toks = self.toks
        k = j
        while k < len(toks) and k - j < 4 and toks[k].low in ("yang", "hadir", "terpilih", "tersebut", "itu"):
            k += 1
        if not (k < len(toks) and toks[k].low in _LIST_MARKERS):
            return []
        k += 1
        if k < len(toks) and toks[k].text == ":":
            k += 1
        out: list[OfficialMatch] = []
        while k < len(toks):
            ns, ne, titles, degrees, nxt = self.name_at(k)
            if ne <= ns or not (nxt + 2 < len(toks) and toks[nxt].text == "("):
                break
            close = next((x for x in range(nxt + 1, min(len(toks), nxt + 8)) if toks[x].text == ")"), None)
            if close is None or not self._names_a_body_or_post(" ".join(t.bare for t in toks[nxt + 1 : close])):
                break
            match = self.make(i, j, ns, ne, titles, degrees, close + 1)
            if match is None:
                break
            out.append(match)
            k = close + 1
            if k < len(toks) and toks[k].text == ",":
                k += 1
            if k < len(toks) and toks[k].low in ("dan", "serta"):
                k += 1
        return out if len(out) >= 2 else []

    def role_text(self, a: int, b: int) -> str:
        toks = self.toks
        words = []
        depth = 0
        for t in toks[a:b]:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth = max(0, depth - 1)
            elif depth == 0 and t.text not in _PUNCT:
                words.append(t.text.rstrip(",").lower())
        return " ".join(words).strip()

    def _branch(self, m: InstitutionMatch, s: int, e: int) -> str | None:
        """The branch of institution ``m`` a post in ``s``..``e`` serves, as written ("DPC PDIP Solo",
        "Bulog Cabang Pembantu Kalianda"), when a branch word (``data/body_branches.tsv``) opens or
        follows it; else None."""
        branches = lexicon.body_branches()
        before = self.text[s : m.start].split()
        after = self.text[m.end : e].split()
        if after and after[0] == "RI":  # "BPK RI Perwakilan ..."
            after = after[1:]
        start = m.start
        if before and branches.get(before[-1].lower()) == "before":
            start = m.start - len(before[-1]) - 1
        elif not (after and branches.get(after[0].lower().strip(",")) == "after"):
            return None
        return self.text[start:e].strip(" ,()") or None

    def _short_form_body(self, a: int, b: int) -> Token | None:
        """The first office's short form in tokens ``a``..``b`` the tables do not know ("BKPPD", "IOA"):
        capitals, not bracketed (that is the short form of the words before it), not a degree, a
        region or a field's short form ("GTK", "SDM", ``data/field_words.txt``)."""
        depth = 0
        for t in self.toks[a:b]:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth = max(0, depth - 1)
            elif depth == 0 and t.bare.isupper() and t.bare.isalpha() and len(t.bare) >= 3 \
                    and t.bare.lower() not in lexicon.unit_short_forms() and not lexicon.is_degree(t.text) \
                    and not any(p.start <= t.start < p.end for p in self.place_list):
                return t
        return None

    def body_of(self, pos_i: int, org_end: int) -> tuple[str | None, str | None]:
        """The body served by the post in tokens ``pos_i`` to ``org_end``: an institution named in it;
        else the office its abbreviation names ("Kapolres Tebing Tinggi" -> "Polres Tebing Tinggi"),
        the village or district a local head serves ("Lurah Terjun" -> "Kelurahan Terjun"), or the
        office its words open ("Kepala Balai Besar Karantina Pertanian Surabaya"); else a region in it."""
        toks = self.toks
        s, e = toks[pos_i].start, toks[org_end - 1].end
        inside = [m for m in self.inst_list if m.start >= s and m.end <= e]
        for m in reversed(inside):
            if m is not inside[0] and self.text[max(s, m.start - 8) : m.start].strip().lower() == "fraksi":
                continue  # "Anggota Komisi III DPR RI Fraksi PPP": the party's faction, not the body served
            return self._branch(m, s, e) or m.name, m.region_code
        n = _position_at(toks, pos_i)
        place = next((p for p in reversed(self.place_list) if p.start >= s and p.end <= e), None)
        code = place.code if place is not None else None
        body = [t for t in toks[pos_i + n : org_end] if t.text not in _PUNCT]
        words = self.text[body[0].start : body[-1].end] if body and n else ""
        last = toks[pos_i + n - 1].bare.lower() if n else ""
        office = lexicon.position_offices().get(last)
        if office and words and n == 1:
            return f"{office} {words}", code
        if last in _LOCAL_BODY and words:
            return f"{_LOCAL_BODY[last]} {words}", code
        if n >= 2 and toks[pos_i].low in _GENERIC_HEADS and (toks[pos_i + 1].bare,) in _office_heads_first():
            return self.text[toks[pos_i + 1].start : toks[org_end - 1].end].strip(" ,"), code
        if n == 1 and last in _GENERIC_HEADS and len(body) > 1 and (body[0].bare,) in _office_heads_first():
            return words.strip(" ,"), code  # "Kepala Pusat Veteriner Farma"
        short = self._short_form_body(pos_i + n, org_end) if n and not self.role_text(pos_i, pos_i + n).startswith(
            tuple(p.strip() for p in _MINISTER_POSTS)) else None
        if short is not None:  # "Kepala BKPPD Pasangkayu", "Ketua IOA": an office's short form the tables lack
            return self.text[short.start : body[-1].end].strip(" ,()"), code
        if place is not None:
            return _served_region(place, toks[pos_i + n - 1].bare.lower() if n else "")
        return None, None


def find_officials(
    text: str,
    toks: list[Token],
    places: list[PlaceMatch],
    insts: list[InstitutionMatch],
    person_spans: list[tuple[int, int]] | None = None,
) -> list[OfficialMatch]:
    """Find officials: at every position (``data/positions.txt``), the name after it, else before it.

    Args:
        text: the article body.
        toks: its tokens.
        places: place mentions.
        insts: institution mentions (unmerged).
        person_spans: optional PER spans from a statistical NER model; they vote on where a
            long body ends and give names the rules cannot delimit.

    Returns:
        Every mention in text order (see :func:`dedupe` for one entry per person).
    """
    sc = _Scanner(text, toks, places, insts)
    sc.per_starts = {s: e for s, e in (person_spans or [])}
    found: list[OfficialMatch] = []
    i = 0
    while i < len(toks):
        n = _position_at(toks, i)
        lower = False
        if not n and i > 0 and toks[i - 1].text not in _PUNCT:  # mid-sentence "anggota Komisi III DPR RI ..."
            n = _position_at(toks, i, lower=True)
            lower = bool(n)
        if n and any(m.start < toks[i].start < m.end for m in insts):
            n = 0  # a position inside an institution's name
        if n and i > 0 and toks[i - 1].low in _BUILDING:
            n = 0  # "Kantor Bupati", "Istana Wakil Presiden"
        if n and i > 0 and toks[i].low in _RANK_WORDS and lexicon.is_title(toks[i - 1].text):
            n = 0  # part of a rank: "Ajun Komisaris Yuda Wiranegara"
        if n and lower and _position_at(toks, i + n):
            n = 0  # "memenggal kepala Presiden Joko Widodo": a body part before the real position
        if not n:
            i += 1
            continue
        j, after = sc.name_after(i, n)
        if after is not None and lower and not sc.person_like(after[0]):
            after = None  # "para bupati dan wali kota": a position in lower case needs a clear name
        if after is not None:
            sc.trim_name(after[0])
            if not sc.name_like(after[0]):
                after = None
        if after is not None:
            match, nxt = after
            sc.claim(found, match)
            i = nxt
            continue
        listed = sc.names_listed(i, j) if not lower else []
        if listed:  # "Anggota DPRD yang hadir yakni Rudi (Partai Golkar), Hasan (PPP) dan ..."
            for match in listed:
                sc.claim(found, match)
            last_end = max(m.end for m in listed)
            i = next((x for x in range(j, len(toks)) if toks[x].start >= last_end), len(toks))
            continue
        # a position in lower case only after "selaku"/"sebagai"/"menjabat" ("Budi Santoso selaku kepala desa ...")
        before = None if lower and not (i > 0 and toks[i - 1].low in _WORKING_VERBS) else sc.name_before(i, j)
        if before is not None:
            sc.trim_name(before)
        if before is not None and sc.name_like(before):
            sc.claim(found, before)
        i = j if j > i else i + 1
    _fill_orgs(sorted(found, key=lambda o: o.start), insts, places)
    return sorted(found, key=lambda o: o.start)


_REGIONAL = ("bupati", "wakil bupati", "wabup", "wali kota", "walikota", "wakil wali kota", "wawako", "gubernur",
             "wakil gubernur", "wagub", "sekda", "sekretaris daerah", "plt bupati", "pj bupati", "plt wali kota",
             "pj wali kota", "pj gubernur", "plt gubernur")


#: Local heads and the kind of area they serve ("Lurah Terjun" -> "Kelurahan Terjun").
_LOCAL_BODY = {"lurah": "Kelurahan", "kades": "Desa", "camat": "Kecamatan", "sekcam": "Kecamatan",
               "kakon": "Pekon", "peratin": "Pekon", "keuchik": "Gampong", "geuchik": "Gampong"}


@functools.cache
def _office_heads_first() -> frozenset[tuple[str]]:
    return frozenset((h[0],) for h in lexicon.office_heads()) | frozenset((h,) for h in ("Kantor", "Pusat", "Balai"))


def _served_region(place: PlaceMatch, head: str) -> tuple[str, str | None]:
    """A regional head serves the kabupaten when the post is a bupati's, the city when a wali kota's
    ("Wakil Bupati Sukabumi" serves Kabupaten Sukabumi even where 'Sukabumi' alone named the city)."""
    want = "regency" if head in ("bupati", "wabup") else "city" if head in ("kota", "walikota", "wawako") else None
    if want and place.level in ("regency", "city") and place.level != want and place.code:
        idx = lexicon.regions()
        reg = idx.by_code.get(place.code)
        other = (idx.regency if want == "regency" else idx.city).get(reg.bare.lower()) if reg else None
        if other is not None:
            return other.name, other.code
    return place.name, place.code


#: Posts inside a ministry or national agency: with no body written, the one the article last named.
_NATIONAL_POSTS = ("dirjen ", "direktur jenderal ", "sekjen", "sekretaris jenderal", "irjen", "inspektur jenderal",
                   "deputi", "staf ahli menteri", "staf khusus menteri", "juru bicara", "jubir")
#: Posts serving a regional head: with no body written, the region the article last named.
_REGIONAL_STAFF = ("staf ahli bupati", "staf ahli wali kota", "staf ahli walikota", "staf ahli gubernur", "asisten ",
                   "staf khusus bupati", "staf khusus gubernur", "staf khusus wali kota")


#: A minister's post names the ministry: "menteri keuangan" -> Kementerian Keuangan, "menko bidang pangan" ->
#: Kementerian Koordinator Bidang Pangan.
_MINISTER_POSTS = ("menteri ", "wakil menteri ", "menko ", "wamenko ")
#: The country after a ministry's name ("Menteri Pariwisata RI", "... Republik Indonesia").
_COUNTRY_TAIL = re.compile(r"\s+(?:republik indonesia|ri)$")


def _ministry_of(role: str) -> str | None:
    """The ministry a minister's or deputy minister's post names, from the institution table."""
    from extractors.institutions import _entry, known_at

    field = _COUNTRY_TAIL.sub("", role.split(" ", 2 if role.startswith("wakil ") else 1)[-1])
    if field.startswith("koordinator "):
        field = field[len("koordinator "):]
        coordinating = True
    else:
        coordinating = role.startswith(("menko ", "wamenko "))
    if coordinating:
        bare = field[len("bidang "):] if field.startswith("bidang ") else field
        tries = [f"Kementerian Koordinator {field}", f"Kemenko {bare}"]
    else:
        tries = [f"Kementerian {field}"]
    for name in tries:
        m = known_at(name, full=True)
        if m is not None:
            return _entry(lexicon.institution_aliases(), m.group(1)).name
    return None


#: How far (characters) a bare post ("Wakil Ketua I") may follow the post whose body it shares.
_LIST_GAP = 120


def _bare_generic(role: str) -> bool:
    """A post with no body of its own: generic heads and numbers ("wakil ketua ii", "sekretaris")."""
    return all(w in _GENERIC_HEADS or w in ("umum", "bendahara") or re.fullmatch(r"[ivx]+|\d+", w)
               for w in role.split())


def _fill_orgs(found: list[OfficialMatch], insts: list[InstitutionMatch] | None = None,
               places: list[PlaceMatch] | None = None) -> None:
    """Fill a missing body served: ministers from the ministry table, ministry posts from the ministry
    last named, regional heads and their staff from the region last named."""
    from extractors.institutions import _entry, known_at  # one table for both

    table = lexicon.institution_aliases()
    national = sorted(((m.start, m.name) for m in insts or () if m.kind in ("ministry", "agency")), reverse=True)
    last_region: tuple[str, str | None] | None = None
    bodies = lexicon.position_bodies()
    last_level: dict[str, tuple[str, str | None]] = {}
    prev: OfficialMatch | None = None
    for o in found:
        if o.org is None and prev is not None and prev.org and o.start - prev.end < _LIST_GAP \
                and _bare_generic(o.role) and prev.role.split()[0] in _GENERIC_HEADS:
            o.org, o.region_code = prev.org, prev.region_code  # "Ketua DPRD Busroni, didampingi Wakil Ketua I Ponco"
        prev = o
        if o.org is None or o.org == "Indonesia":
            body = bodies.get(o.role) or next((b for p, b in bodies.items() if o.role.startswith(p + " ")), None)
            if body is not None:
                o.org = body
        if o.org is None and o.role.startswith(_NATIONAL_POSTS):
            o.org = next((name for start, name in national if start < o.start and o.start - start < 200), None)
        if o.org is None and o.role.startswith(_REGIONAL_STAFF) and last_region is not None:
            o.org, o.region_code = last_region
        if o.org in (None, "Indonesia", "Republik Indonesia") and o.role.startswith(_MINISTER_POSTS):
            o.org = _ministry_of(o.role) or o.org
        level = "province" if o.role.startswith(("gubernur", "wakil gubernur", "wagub", "pj gubernur", "plt gubernur")) \
            else None
        if o.org is None and o.role in _REGIONAL and level and level in last_level:
            o.org, o.region_code = last_level[level]
        if o.org is None and o.role in _REGIONAL and last_region is not None and level is None:
            o.org, o.region_code = last_region
        if o.org is None:
            _fill_from_article(o, places or [])
        if o.region_code and len(o.region_code) <= 5 and o.org and not o.org.startswith(("Dinas", "Badan")):
            last_region = (o.org, o.region_code)
            last_level["province" if len(o.region_code) == 2 else "local"] = (o.org, o.region_code)


#: Regional heads by the kind of region they head; the police and prosecutors' offices a region names.
_HEAD_LEVEL = {"bupati": ("regency",), "wakil bupati": ("regency",), "wabup": ("regency",), "pj bupati": ("regency",),
               "plt bupati": ("regency",), "wali kota": ("city",), "walikota": ("city",), "wakil wali kota": ("city",),
               "wawako": ("city",), "pj wali kota": ("city",), "plt wali kota": ("city",),
               "gubernur": ("province",), "wakil gubernur": ("province",), "wagub": ("province",),
               "pj gubernur": ("province",), "plt gubernur": ("province",),
               "sekda": ("regency", "city", "province"), "sekretaris daerah": ("regency", "city", "province"),
               "sekkab": ("regency",), "sekretaris kabupaten": ("regency",)}
_AREA_OFFICES = {"kapolres": "Polres", "wakapolres": "Polres", "kapolresta": "Polresta", "kasat reskrim": "Polres",
                 "kasat lantas": "Polres", "kasat narkoba": "Polres", "kajari": "Kejari"}
#: "Camat Gadingrejo", "Kepala Desa Kota Bani": the area is in the post itself.
_AREA_IN_ROLE = (("camat ", "Kecamatan"), ("kepala desa ", "Desa"), ("kades ", "Desa"), ("lurah ", "Kelurahan"))


def _main_region(places: list[PlaceMatch], levels: tuple[str, ...]) -> Region | None:
    """The region of one of ``levels`` the article names most (the first named on a tie)."""
    idx = lexicon.regions()
    counts: dict[str, list[int]] = {}
    for p in places:
        if p.code and p.level in levels:
            counts.setdefault(p.code, []).append(p.start)
    if not counts and "province" in levels:  # a province through the regions named inside it
        for p in places:
            if p.code and p.level in ("regency", "city"):
                counts.setdefault(p.code[:2], []).append(p.start)
    if not counts:
        return None
    code = max(counts, key=lambda c: (len(counts[c]), -min(counts[c])))
    return idx.by_code.get(code)


def _fill_from_article(o: OfficialMatch, places: list[PlaceMatch]) -> None:
    """A regional head, its secretary or a local police chief written without a region serves the
    region the article is about ("Bupati Agus Ambo Djiwa" in an article on Pasangkayu)."""
    for prefix, kind in _AREA_IN_ROLE:
        if o.role.startswith(prefix) and len(o.role) > len(prefix):
            o.org = f"{kind} {o.role[len(prefix):].title()}"
            return
    levels = _HEAD_LEVEL.get(o.role)
    office = _AREA_OFFICES.get(o.role)
    if office is not None:
        levels = ("regency", "city")
    if levels is None:
        return
    region = _main_region(places, levels)
    if region is None:
        return
    if office is not None:
        o.org = f"{office} {region.bare}"
    else:
        o.org, o.region_code = region.name, region.code


def dedupe(found: list[OfficialMatch]) -> list[OfficialMatch]:
    """One entry per person: the first mention with a position.

    A short form of a name the article also gives in full, its words all among the full name's ("Bupati
    Egi" after "Bupati Lampung Selatan Radityo Egi Pratama", "Wabup M. Syaiful" beside "Muhammad Syaiful",
    "Vandiko Gultom" beside "Vandiko Timotius Gultom"), is the same person.
    """
    seen: dict[str, OfficialMatch] = {}
    for o in found:
        seen.setdefault(o.name.lower(), o)
    def core(key: str) -> frozenset[str]:  # the name without initials ("m syaiful" -> {"syaiful"})
        return frozenset(w for w in key.split() if len(w.rstrip(".")) > 1)

    cores = [core(k) for k in seen]
    common = lexicon.common_words()
    out = []
    for key, o in seen.items():
        mine = core(key)
        if len(mine) == 1 and any(mine < other for other in cores):
            continue
        if any(mine < other and not (other - mine) & common and full.split()[0] == key.split()[0]
               for full, other in zip(seen, cores)):
            continue  # "Vandiko Gultom" beside "Vandiko Timotius Gultom" (not "... Prabowo Stadion Sumpah", nor
            # the husband "Cik Ujang" beside his wife "Lidyawati Cik Ujang")
        if len(mine) == 1 and len(key) >= 3 and any(
                len(other) > 1 and (full.replace(" ", "").startswith(key) or any(w.startswith(key) for w in other))
                for full, other in zip(seen, cores)):
            continue  # a short name of a fuller one: "Jokowi" (Joko Widodo), "Mirza" (Rahmat Mirzani Djausal)
        out.append(o)
    return sorted(out, key=lambda o: o.start)


def find_relations(text: str, sentences: list[tuple[int, int]], officials: list[OfficialMatch]) -> list[Relation]:
    """"diwakili (oleh)" and "didampingi (oleh)" relations between officials of one sentence or the next.

    Returns:
        (kind, subject, object) triples; kind is ``represented_by`` or ``accompanied_by``.
    """
    out = []
    for m in re.finditer(r"\b(diwakili|didampingi)\b", text, re.I):
        kind: RelationKind = "represented_by" if m.group(1).lower() == "diwakili" else "accompanied_by"
        before = [o for o in officials if o.name_end <= m.start() and m.start() - o.name_end < 300]
        after = [o for o in officials if o.start >= m.end() and o.start - m.end() < 120]
        if before and after:
            out.append((kind, before[-1], after[0]))
    return out


#: The officials span model's labels (see :mod:`extractors.official_spans`).
_OFFICIAL, _POST = "OFFICIAL", "POST"
#: How many tokens may stand between a POST span and the OFFICIAL span it belongs to.
_PAIR_GAP = 4


#: Tokens of context the span model reads before and after an unexplained position word: a name
#: of up to five words and its comma before it; the post, its body and the name after it.
_WINDOW_BEFORE, _WINDOW_AFTER = 8, 24


def model_windows(toks: list[Token], sentences: list[tuple[int, int]], found: list[OfficialMatch],
                  places: list[PlaceMatch] | None = None, insts: list[InstitutionMatch] | None = None,
                  person_spans: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Where the span model may find an official the rules missed: around each position word
    (``data/positions.txt``, any case) that no official the rules found covers, within its
    sentence, ``_WINDOW_BEFORE`` tokens before it to ``_WINDOW_AFTER`` after it, when a name may
    stand there: a PER span of the NER model starts there (``person_spans``; on the real-news dev
    and train splits 31 of the 33 officials the model adds are there, in half the windows), or,
    without the NER model, a word that could be a name (capitalised, not a place's, an
    institution's, a title, a position or a common word). Overlapping windows are merged.

    Returns:
        ``(start, end)`` character ranges, in text order.
    """
    per_starts = sorted(s for s, _e in person_spans) if person_spans is not None else None
    covered = sorted((o.start, o.end) for o in found)
    taken = sorted([(p.start, p.end) for p in places or ()] + [(m.start, m.end) for m in insts or ()])
    firsts = lexicon.positions_by_first()
    common = lexicon.common_words()
    out: list[tuple[int, int]] = []
    s_i = k = 0
    sent_first = 0
    for i, t in enumerate(toks):
        while s_i < len(sentences) and sentences[s_i][1] <= t.start:
            s_i += 1
            sent_first = i
        if s_i >= len(sentences) or t.low not in firsts:
            continue
        n = _position_at(toks, i, lower=True)
        if not n:
            continue
        while k < len(covered) and covered[k][1] <= t.start:
            k += 1
        if k < len(covered) and covered[k][0] <= t.start:
            continue  # inside an official the rules found
        s_start, s_end = sentences[s_i]
        a = max(sent_first, i - _WINDOW_BEFORE)
        b = i + n + _WINDOW_AFTER
        while b > i + n and (b > len(toks) or toks[b - 1].end > s_end):
            b -= 1
        if per_starts is not None:
            first = bisect.bisect_left(per_starts, toks[a].start)
            if first >= len(per_starts) or per_starts[first] >= toks[b - 1].end:
                continue
        elif not any(_is_name_word(x) and x.low not in common and x.low not in firsts
                     and not lexicon.is_title(x.text)
                     and not any(p <= x.start < q for p, q in taken) for x in toks[a:b] if x is not t):
            continue
        start, end = max(s_start, toks[a].start), toks[b - 1].end
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _token_index(toks: list[Token], starts: list[int], start: int, end: int) -> tuple[int, int] | None:
    """The token indexes ``[a, b)`` covering exactly ``start``..``end`` (``starts``: the tokens'
    start offsets); None off token boundaries."""
    a = bisect.bisect_left(starts, start)
    if a >= len(toks) or toks[a].start != start:
        return None
    b = a
    while b < len(toks) and toks[b].end <= end:
        b += 1
    return (a, b) if b > a and toks[b - 1].end == end else None


#: Words that may stand between a post and the body named after it ("Kepala Bidang Damkar pada Dinas
#: ...", "Kepala Dinas Kesehatan Kab. Sidoarjo").
_BODY_GAP_WORDS = {"pada", "di", "kab", "kec", "kel", "prov", "kabupaten", "kota", "provinsi", "kecamatan", "desa"}


def _post_reach(sc: _Scanner, pe: int, ns: int) -> int | None:
    """Where a post ending at token ``pe`` ends when the name starts at ``ns``: over the regions and
    institutions named after it (``_BODY_GAP_WORDS`` between them), then commas, brackets and titles;
    None when anything else, or more than ``_PAIR_GAP`` such words, stand between."""
    toks = sc.toks
    end, x, loose = pe, pe, 0
    while x < ns:
        t = toks[x]
        span = next((b for a, b in sc.spans if a <= t.start < b), None)
        if span is not None:
            x = sc._skip_to(x, span)
            end = x
        elif t.low in _BODY_GAP_WORDS or t.text == ".":
            x += 1
            loose += 1
        elif t.text in (",", "(", ")") or lexicon.is_title(t.text):
            x += 1
            loose += 1
        else:
            return None
        if loose > _PAIR_GAP:
            return None
    return min(end, ns)


def _pairs(sc: _Scanner, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, int, int]]:
    """``(post start, post end, name start, name end)`` token ranges of the spans the model pairs:
    "POST [body] [titles] NAME", "POST (Abbr) NAME", "NAME, POST", "NAME (POST", "NAME selaku POST"
    (``data/official_links.txt``). A post runs on over the regions and institutions named right
    after it (:func:`_post_reach`)."""
    toks, text = sc.toks, sc.text
    starts = [t.start for t in toks]
    ranges = [(r, label) for s, e, label in spans if (r := _token_index(toks, starts, s, e)) is not None]
    posts = [r for r, label in ranges if label == _POST]
    names = [r for r, label in ranges if label == _OFFICIAL]
    before = {(ns, ne): [(ps, reach) for ps, pe in posts if pe <= ns and (reach := _post_reach(sc, pe, ns)) is not None]
              for ns, ne in names}
    # a post written before a name is that name's: "Anda Suhanda, Sekretaris DPRD Banten Deni Hermawan"
    leading = {ps for found in before.values() for ps, _reach in found[-1:]}
    out = []
    links = lexicon.official_links()
    for ns, ne in names:
        after = [p for p in posts if p[0] >= ne and p[0] - ne <= _PAIR_GAP and p[0] not in leading
                 and all(toks[x].text in (",", "(") or toks[x].low in links or lexicon.is_degree(toks[x].text)
                         for x in range(ne, p[0]))]
        post = before[(ns, ne)][-1] if before[(ns, ne)] else after[0] if after else None
        if post is not None and "\n" not in text[toks[min(post[0], ns)].start : toks[max(post[1], ne) - 1].end]:
            out.append((post[0], post[1], ns, ne))
    return out


def _model_name_ok(sc: _Scanner, match: OfficialMatch) -> bool:
    """The rules' name checks for a model official (:meth:`_Scanner.name_like`), except that a bracketed
    word after a name the NER model tags as a person is a nickname, not a unit's short form
    ("Presiden Joko Widodo (Jokowi)")."""
    if any(s < match.name_end and match.name_start < e for s, e in sc.per_starts.items()) \
            and not any(w.lower() in lexicon.non_name_nouns() for w in match.name.split()):
        return True
    return sc.name_like(match)


def add_model_officials(text: str, toks: list[Token], places: list[PlaceMatch], insts: list[InstitutionMatch],
                        found: list[OfficialMatch], spans: list[tuple[int, int, str]],
                        person_spans: list[tuple[int, int]] | None = None) -> list[OfficialMatch]:
    """Officials the span model finds (an OFFICIAL span beside a POST span) that the rules missed.

    A model official is kept only when its name passes the rules' checks: it does not overlap an
    official, place or institution found, does not open with a position, a place or office word
    (:meth:`_Scanner.opens_no_name`), holds no office field word (``data/field_words.txt``) and
    reads as a person's name (:meth:`_Scanner.name_like`). Its body comes from its post as the
    rules read it (:meth:`_Scanner.body_of`), then from the article (:func:`_fill_orgs`).

    Args:
        text: the article body.
        toks: its tokens.
        places: place mentions.
        insts: institution mentions.
        found: the officials the rules found (their mentions, not deduplicated); not changed.
        spans: the span model's ``(start, end, label)`` spans, label OFFICIAL or POST.
        person_spans: PER spans from the NER model, as for :func:`find_officials`.

    Returns:
        The new officials, in text order.
    """
    sc = _Scanner(text, toks, places, insts)
    sc.per_starts = {s: e for s, e in (person_spans or [])}
    sc.claimed = [(o.start, o.end) for o in found]
    names = {o.name.lower() for o in found}
    new: list[OfficialMatch] = []
    for ps, pe, ns, ne in _pairs(sc, spans):
        a, b = toks[ns].start, toks[ne - 1].end
        if any(s < b and a < e for s, e in (*sc.claimed, *sc.spans)):
            continue
        words = [t for t in toks[ns:ne] if t.text not in _PUNCT]
        if not words or not all(_is_name_word(t) or lexicon.is_title(t.text) for t in words) \
                or sc.opens_no_name(ns) or any(t.low in sc.fields for t in words):
            continue
        titles: list[str] = []
        while words and lexicon.is_title(words[0].text) and len(words) > 1:
            titles.append(words.pop(0).bare)
        x = ns - 1
        while x >= 0 and lexicon.is_title(toks[x].text) and (ps >= ne or x >= pe):
            titles.insert(0, toks[x].bare)
            x -= 1
        degrees: list[str] = []
        y = ne
        while y < len(toks) and (lexicon.is_degree(toks[y].text) or (toks[y].text == "," and y + 1 < len(toks)
                                                                    and lexicon.is_degree(toks[y + 1].text))):
            if toks[y].text != ",":
                degrees.append(toks[y].text.rstrip(","))
            y += 1
        name = " ".join(t.bare for t in words)
        role = sc.role_text(ps, pe)
        if not role or name.lower() in names:
            continue
        org, code = sc.body_of(ps, pe)
        s, e = min(toks[ps].start, words[0].start), max(toks[pe - 1].end, words[-1].end)
        match = OfficialMatch(s, e, text[s:e], name, role, org, titles, degrees, code, words[0].start, words[-1].end)
        if not sc.person_like(match) and not titles and not degrees and ps >= ne:
            continue  # "Budi, Kepala ...": one word after-post needs a title or the NER model
        sc.trim_name(match)
        if not _model_name_ok(sc, match):
            continue
        sc.claim(new, match)
        names.add(match.name.lower())
    if new:
        merged = sorted([*found, *new], key=lambda o: o.start)
        kept = {id(o): (o.org, o.region_code) for o in found}
        _fill_orgs(merged, insts, places)
        for o in found:  # the rules' officials keep the bodies the rules gave them
            o.org, o.region_code = kept[id(o)]
    return sorted(new, key=lambda o: o.start)
