"""Dates: every calendar reference, resolved against the publication date with its precision.

Forms found: "Rabu (15/5)", "Senin (3/8/2020)", "(5/7/21)", "15 Mei 2019", "2-3 Mei 2017",
"Maret 2021", "April, Mei, dan Juni 2020", "Juli hingga September 2020", "bulan Juni",
"tahun 2018", "2017 sampai dengan 2019", "2025-2045", years inside longer phrases ("Tahap 3 Tahun
2019", "Asian Games 2018") and relative days ("kemarin"). A year that belongs to a fuller date
("15 Mei 2019") is not reported again on its own. Day-and-month forms resolve to the nearest such
date not after publication (dateparser with ``PREFER_DATES_FROM="past"``).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass

from dateparser.date import DateDataParser

from extractors import lexicon

logger = logging.getLogger(__name__)

NAME = "warta.dates"
VERSION = "3"

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "maret": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12,
}
_FULL_MONTHS = {"januari", "februari", "pebruari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
                "oktober", "november", "nopember", "desember"}
_M = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_Y = r"(?:19[5-9]\d|20\d\d)"
# a year after a day and month may be older ("lahir 10 Juli 1936")
_Y_DAY = r"(?:19\d\d|20\d\d)"
_RANGE = r"(?:-|–|—|s\.?d\.?|sampai(?:\s+dengan)?|hingga|dan|,)"
_D = r"(?:[12]\d|3[01]|0?[1-9])"

_NUMERIC = re.compile(r"\(\s*(" + _D + r")\s*/\s*(0?[1-9]|1[0-2])(?:\s*/\s*(\d{4}|\d{2}))?\s*\)")
_DAYNAME = r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad)"
_NUMERIC_BARE = re.compile(r"\b" + _DAYNAME + r",?\s+(" + _D + r")\s*[/-]\s*(0?[1-9]|1[0-2])(?:\s*[/-]\s*(\d{4}|\d{2}))?\b")
_NUMERIC_FULL = re.compile(r"(?<![\d/.])(" + _D + r")/(0?[1-9]|1[0-2])/((?:19|20)\d\d)(?![\d/])")
_MONTH_ONLY = re.compile(r"\b(?:pada|sejak|hingga|sampai|akhir|awal|pertengahan|medio|sebelum|menjelang)\s+(" + _M + r")\b(?!\s+" + _Y + r")(?!\s*\d)", re.I)
_DAY_RANGE = re.compile(r"\b(" + _D + r")\s*" + _RANGE + r"\s*(" + _D + r")\s+(" + _M + r")\b(?:\s+(" + _Y + r"))?", re.I)
_DAY = re.compile(r"\b(" + _D + r")\s+(" + _M + r")\b\.?(?:\s+(" + _Y_DAY + r"))?", re.I)
_MONTH_LIST = re.compile(r"\b(" + _M + r"(?:\s*(?:,|" + _RANGE + r")\s*(?:dan\s+)?" + _M + r")*)\s+(" + _Y + r")\b", re.I)
# "Maret, April dan Mei", "periode Januari-Agustus": two or more months named without a year
_FULL_M = r"(?:Januari|Februari|Pebruari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Nopember|Desember)"
_BARE_MONTH_LIST = re.compile(r"\b" + _FULL_M + r"(?:\s*(?:,|-|–|hingga|sampai|s\.?d\.?)?\s*(?:dan\s+)?" + _FULL_M + r")+\b"
                              r"(?!\s*,?\s*(?:tahun\s+)?" + _Y + r")")
_YEAR_BEFORE_LIST = re.compile(r"\btahun\s+(" + _Y + r")\s+(?:periode\s+|bulan\s+)?$", re.I)
_THIS_YEAR_AFTER = re.compile(r"\s*,?\s*tahun\s+ini\b", re.I)
# timestamp lines: "Rabu, 23 Juli 2025 5:25 WIB" (the article's own, then other stories' in a list)
_TIMESTAMP_LINE = re.compile(r"(?m)^[^\S\n]*" + _DAYNAME + r",?[^\S\n]+\d{1,2}[^\S\n]+" + _FULL_M +
                             r"[^\S\n]+\d{4}[^\S\n]+\d{1,2}[:.]\d{2}[^\S\n]*(?:WIB|Wib|wib|WITA|WIT)?[^\S\n]*$")
_BULAN = re.compile(r"\bbulan\s+(" + _M + r")\b(?!\s+" + _Y + ")", re.I)
_YEAR = re.compile(r"(?<![\d.,/:\w-])(" + _Y + r")(?![\d.,]\d|\w|/|%|-an\b)")
_AHEAD = re.compile(r"\s*(?:yang\s+akan\s+datang|mendatang|depan|nanti)\b", re.I)
_YEAR_RANGE = re.compile(r"(?<![\d.,/:\w-])(" + _Y + r")\s*[-–/]\s*(" + _Y + r")(?![\d\w])")
_REFERENCE_YEAR = re.compile(r"[\w.\-]*(?:/[\w.\-]*)*/(" + _Y + r")(?!\d)(?:/[\w.\-]+)*")
_RELATIVE = re.compile(r"\b(kemarin|kemarin lusa|hari ini|besok|lusa)\b", re.I)
_BEHIND = re.compile(r"\s*(?:lalu|silam|kemarin)\b", re.I)
_MONTH_BEFORE = re.compile(r"\b" + _M + r"\s+$", re.I)
_WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5, "minggu": 6, "ahad": 6}
_WEEKDAY_BEFORE = re.compile(_DAYNAME + r",?\s*$")
# Antara's dateline weekday: "di Makassar, Selasa, mengatakan" (the last such day up to publication)
_BARE_WEEKDAY = re.compile(r"(?<=,\s)(" + _DAYNAME + r")(?=[,.])")
_NOT_YEAR_AFTER = re.compile(
    r"\s*(orang|unit|bidang|buah|km|meter|m2|persen|%|vial|dosis|ton|ha|hektare|hektar|kk|kpm|desa|peserta|"
    r"warga|jiwa|rumah|sekolah|siswa|ekor|kg|liter|lembar|paket|titik)\b",
    re.I,
)


@dataclass(slots=True)
class DateMatch:
    """A resolved date mention."""

    start: int
    end: int
    surface: str
    value: str
    precision: str


@functools.cache
def _parser(base: dt.datetime, prefer: str = "past") -> DateDataParser:
    """dateparser for Indonesian relative to ``base``; ``prefer``: "past" or "future" for incomplete dates."""
    return DateDataParser(
        languages=["id"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer, "DATE_ORDER": "DMY",
                  "PREFER_DAY_OF_MONTH": "first"},
    )


@functools.lru_cache(maxsize=4096)
def _resolve(expr: str, base: dt.datetime, future: bool = False) -> tuple[str, str] | None:
    data = _parser(base, "future" if future else "past").get_date_data(expr)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    period = data.period or "day"
    if period == "year":
        return f"{d.year:04d}", "year"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}", "month"
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}", "day"


#: (near, far): a weekday that fits only a date more than ``far`` days from publication, written
#: beside a day and month within ``near`` days of it, is taken for a slip.
_WEEKDAY_SLIP_DAYS = (60, 300)


def _nearest_year(value: str, base: dt.datetime, future: bool, past: bool, weekday: int | None) -> str:
    """Re-anchor a day-month date without a year to the year that puts it nearest to publication.

    A weekday written beside it ("Selasa (28/8)") must match, unless only a date about a year away
    would while the day is near publication: then the writer slipped on the weekday ("Rabu (24/7)"
    in a paper of Thursday 24 July).
    "lalu" allows only past dates and "mendatang" only future ones. Falls back to ``value`` when no
    year fits.
    """
    month, day = int(value[5:7]), int(value[8:10])
    ref = base.date()
    best: dt.date | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        if (weekday is not None and cand.weekday() != weekday) or (past and cand > ref) or (future and cand < ref):
            continue
        if best is None or abs((cand - ref).days) < abs((best - ref).days):
            best = cand
    if weekday is not None and (best is None or abs((best - ref).days) > _WEEKDAY_SLIP_DAYS[1]):
        near = _nearest_year(value, base, future, past, None)
        if abs((dt.date.fromisoformat(near) - ref).days) <= _WEEKDAY_SLIP_DAYS[0]:
            return near
    return best.isoformat() if best else value


def _nearest_month(value: str, base: dt.datetime, future: bool, past: bool) -> str:
    """Re-anchor a month without a year ("awal Februari") to the year that puts it nearest to publication."""
    month = int(value[5:7])
    ref = base.year * 12 + base.month - 1
    years = [y for y in (base.year - 1, base.year, base.year + 1)
             if not (past and y * 12 + month - 1 > ref) and not (future and y * 12 + month - 1 < ref)]
    if not years:
        return value
    year = min(years, key=lambda y: abs(y * 12 + month - 1 - ref))
    return f"{year:04d}-{month:02d}"


def _base(published: dt.datetime | None, text: str) -> dt.datetime | None:
    """The anchor for partial and relative dates: publication, else the text's own latest full date."""
    if published is not None:
        return published.replace(tzinfo=None)
    found: list[dt.datetime] = []
    for m in _DAY.finditer(text):
        if m.group(3) and m.group(2).lower() in _FULL_MONTHS:
            try:
                found.append(dt.datetime(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
            except ValueError:
                continue
    for m in _NUMERIC_FULL.finditer(text):
        try:
            found.append(dt.datetime(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        except ValueError:
            continue
    return max(found) if found else None


def find_dates(text: str, published: dt.datetime | None) -> list[DateMatch]:
    """Find and resolve the calendar references in ``text``.

    Args:
        text: the article body.
        published: publication time, the anchor for day-month forms and relative days; when
            unknown, the latest full date the text gives, and without one such forms are left out.

    Returns:
        Mentions in text order, several per span for ranges and lists ("2-3 Mei 2017").
    """
    anchor = _base(published, text)
    base = anchor or dt.datetime(2000, 1, 1)  # only used for dates that carry their year
    out: list[DateMatch] = []
    stamps = [m.span() for m in _TIMESTAMP_LINE.finditer(text)]
    # a list of timestamps after the article's own (the first) is other stories' page clutter
    taken: list[tuple[int, int]] = stamps[1:] if len(stamps) >= 3 else []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def emit(s: int, e: int, expr: str) -> None:
        if anchor is None and not re.search(r"\d{4}|\b\d{1,2}/\d{1,2}/\d{2}\b", expr):
            return  # "Rabu (24/7)", "kemarin" with no publication date and no full date in the text
        # "Januari mendatang", "Mei depan": the next such month, not the last one
        future = bool(_AHEAD.match(text, e))
        res = _resolve(expr, base, future)
        if res is None:
            logger.debug("dateparser could not resolve %r", expr)
            return
        value = res[0]
        if res[1] == "month" and not re.search(r"\d", expr):
            value = _nearest_month(value, base, future, bool(_BEHIND.match(text, e)))
        if res[1] == "day" and not re.search(r"\d{4}", expr) and re.search(r"\d", expr):
            weekday = _WEEKDAY_BEFORE.search(text, max(0, s - 12), s)
            value = _nearest_year(value, base, future, bool(_BEHIND.match(text, e)),
                                  _WEEKDAYS.get(weekday.group(0).rstrip(", ").lower()) if weekday else None)
        out.append(DateMatch(s, e, text[s:e], value, res[1]))

    for m in _NUMERIC.finditer(text):
        day, month, year = m.group(1), m.group(2), m.group(3)
        if year and len(year) == 2:
            year = "20" + year
        emit(m.start(), m.end(), f"{day}/{month}/{year}" if year else f"{day}/{month}")
        taken.append(m.span())
    for m in _NUMERIC_BARE.finditer(text):
        if not free(*m.span()):
            continue
        day, month, year = m.group(1), m.group(2), m.group(3)
        if year and len(year) == 2:
            year = "20" + year
        emit(m.start(1), m.end(), f"{day}/{month}/{year}" if year else f"{day}/{month}")
        taken.append(m.span())
    for m in _NUMERIC_FULL.finditer(text):
        if free(*m.span()):
            emit(m.start(), m.end(), f"{m.group(1)}/{m.group(2)}/{m.group(3)}")
            taken.append(m.span())
    for m in _DAY_RANGE.finditer(text):
        if not free(*m.span()):
            continue
        d1, d2, mon, year = m.groups()
        if int(d1) >= int(d2):
            continue
        suffix = f" {mon} {year}" if year else f" {mon}"
        emit(m.start(), m.end(), d1 + suffix)
        emit(m.start(), m.end(), d2 + suffix)
        taken.append(m.span())
    for m in _DAY.finditer(text):
        if not free(*m.span()):
            continue
        day, mon, year = m.groups()
        if mon.lower() in ("mar", "jan", "jun", "jul", "des", "sep", "apr", "nov", "agu", "okt", "feb") and not year:
            continue
        emit(m.start(), m.end(), f"{day} {mon} {year}" if year else f"{day} {mon}")
        taken.append(m.span())
    for m in _MONTH_LIST.finditer(text):
        if not free(*m.span()):
            continue
        months, year = m.group(1), m.group(2)
        for mm in re.finditer(_M, months, re.I):
            word = mm.group(0)
            if mm.start() > 0 and months[mm.start() - 1].isalpha():
                continue
            if word.lower() in ("dan",):
                continue
            emit(m.start(1) + mm.start(), m.start(1) + mm.end(), f"{word} {year}")
        taken.append(m.span())
    for m in _BARE_MONTH_LIST.finditer(text):
        if not free(*m.span()):
            continue
        year = _YEAR_BEFORE_LIST.search(text, max(0, m.start() - 30), m.start())
        this_year = _THIS_YEAR_AFTER.match(text, m.end()) if anchor is not None else None
        for mm in re.finditer(_FULL_M, m.group(0)):
            s, e = m.start() + mm.start(), m.start() + mm.end()
            if year:
                emit(s, e, f"{mm.group(0)} {year.group(1)}")
            elif this_year and anchor is not None:
                emit(s, e, f"{mm.group(0)} {anchor.year}")
            else:
                emit(s, e, mm.group(0))
        if this_year and anchor is not None:  # "... dan November tahun ini": the year is named too
            emit(this_year.start() + this_year.group(0).lower().index("tahun"), this_year.end(), str(anchor.year))
            taken.append(this_year.span())
        taken.append(m.span())
    for m in _MONTH_ONLY.finditer(text):
        word = m.group(1)
        if free(*m.span()) and word.lower() in _FULL_MONTHS and word[0].isupper():
            emit(m.start(1), m.end(1), word)
            taken.append(m.span())
    for m in _BULAN.finditer(text):
        if free(*m.span()):
            emit(m.start(1), m.end(1), m.group(1))
            taken.append(m.span())
    for m in _YEAR_RANGE.finditer(text):
        if free(*m.span()):
            emit(m.start(1), m.end(1), m.group(1))
            emit(m.start(2), m.end(2), m.group(2))
            taken.append(m.span())
    for m in _YEAR.finditer(text):
        if not free(*m.span()):
            continue
        before = text[max(0, m.start() - 3) : m.start()]
        if before.endswith(("Rp", "Rp ", "©", "© ")) or _NOT_YEAR_AFTER.match(text, m.end()):
            continue
        emit(m.start(), m.end(), m.group(1))
        taken.append(m.span())
    for m in _REFERENCE_YEAR.finditer(text):
        # "SK No 3672 K/30/MEM/2017", "putusan Nomor 99/PUU-X/2012": the year of a numbered document
        if free(*m.span(1)) and re.search(r"[A-Za-z]", m.group(0)):
            emit(m.start(1), m.end(1), m.group(1))
            taken.append(m.span(1))
    for m in _BARE_WEEKDAY.finditer(text):
        if free(*m.span()) and anchor is not None:
            day = base.date() - dt.timedelta(days=(base.weekday() - _WEEKDAYS[m.group(1).lower()]) % 7)
            out.append(DateMatch(m.start(), m.end(), m.group(1), day.isoformat(), "day"))
    for m in _RELATIVE.finditer(text):
        if free(*m.span()):
            emit(m.start(), m.end(), m.group(1).lower())
    if anchor is not None:
        out.extend(_relative_periods(text, anchor.date(), taken))
    return sorted(out, key=lambda d: d.start)


@functools.cache
def _quantity_before() -> re.Pattern[str]:
    """A number or a quantity word right before a period: "satu bulan ini" is a duration."""
    words = "|".join([*lexicon.number_words(), "belasan", "puluhan", "ratusan", "beberapa", "berapa"])
    return re.compile(r"\b(?:\d+|" + words + r")\s+$", re.I)


def _relative_periods(text: str, anchor: dt.date, taken: list[tuple[int, int]]) -> list[DateMatch]:
    """"tahun ini", "bulan lalu", "tiga tahun lalu" resolved against publication (``data/relative_periods.tsv``)."""
    out: list[DateMatch] = []
    for pattern, unit, offset in lexicon.relative_periods():
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < b and a < e for a, b in taken):
                continue
            if unit == "year" and _MONTH_BEFORE.search(text, max(0, s - 12), s):
                continue  # "Januari tahun ini": the month's year, given with the month
            if not offset.endswith("N") and _quantity_before().search(text, max(0, s - 12), s):
                continue  # "sudah satu bulan ini", "lima tahun mendatang", "belasan tahun lalu": a duration
            if offset.endswith("N"):
                raw = m.group("n").lower()
                n = int(raw) if raw.isdigit() else lexicon.number_words()[raw]
                delta = -n if offset.startswith("-") else n
            else:
                delta = int(offset)
            if unit == "year":
                value, precision = str(anchor.year + delta), "year"
            else:
                months = anchor.year * 12 + anchor.month - 1 + delta
                value, precision = f"{months // 12:04d}-{months % 12 + 1:02d}", "month"
            out.append(DateMatch(s, e, m.group(0), value, precision))
            taken.append((s, e))
    return out
