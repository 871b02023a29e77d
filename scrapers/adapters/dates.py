"""Page dates: ISO stamps, Indonesian visible dates with WIB/WITA/WIT, and known site traps.

ISO 8601 values (JSON-LD, meta tags) are read with :meth:`datetime.fromisoformat`;
visible Indonesian dates ("Senin, 4 Mei 2020 04:25 WIB", "02/11/2023, 21:34 WIB") go through
dateparser with ``languages=["id"]`` and day-first order. The Indonesian zone names map to
fixed offsets: WIB +07:00, WITA +08:00, WIT +09:00.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache

logger = logging.getLogger(__name__)

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
WIT = dt.timezone(dt.timedelta(hours=9), "WIT")
ZONES: dict[str, dt.timezone] = {"WIB": WIB, "WITA": WITA, "WIT": WIT}

_ZONE = re.compile(r"\b(WITA|WIB|WIT)\b")
_DETIK_TRAP = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z?$")
_ISOISH = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})(?:[,\s]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?")
_MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "peb": 2, "pebruari": 2, "mar": 3, "maret": 3,
    "apr": 4, "april": 4, "mei": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "agu": 8, "ags": 8,
    "agt": 8, "agus": 8, "agustus": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11, "des": 12, "desember": 12,
}
# "4 Mei 2020 04:25", "17 Juni 2015 | 22:26", "02 Nov 2023 20:59": the common printed form,
# read without dateparser (which stays the fallback for everything else).
_D_MONTH_Y = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})(?:[\s,|]+(?:pukul\s+)?(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?", re.I)
_DAYNAME = re.compile(r"^\s*(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\s*,?\s*", re.I)


def parse_iso(value: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp as a datetime (aware when the value has an offset), else None."""
    if not value:
        return None
    value = value.strip()
    m = _DETIK_TRAP.match(value)
    if m:  # detik "2023-11-02T20-59-53Z": WIB wall-clock time wrongly marked UTC
        return dt.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}:{m.group(3)}:{m.group(4)}").replace(
            tzinfo=WIB
        )
    if not _ISOISH.match(value):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        return None
    # year 1 or 9999 cannot be moved to every time zone (OverflowError): no news page means it
    return parsed if 1 < parsed.year < 9999 else None


@lru_cache(maxsize=1)
def _date_parser():  # type: ignore[no-untyped-def]
    import dateparser

    return dateparser.DateDataParser(
        languages=["id", "en"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
    )


def parse_local(text: str | None, default_tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """A visible Indonesian date ("Kamis, 02 Nov 2023 20:59 WIB") as a datetime.

    Args:
        text: the date as printed on the page; a WIB/WITA/WIT suffix sets the offset.
        default_tz: offset to attach when the text names no zone but has a time.

    Returns:
        The datetime (aware when a zone is known and the text has a time), or None.
    """
    if not text:
        return None
    text = " ".join(text.split())
    zone_m = _ZONE.search(text)
    tz = ZONES[zone_m.group(1)] if zone_m else default_tz
    core = _ZONE.sub("", text).strip(" ,-|")
    iso = parse_iso(core)
    if iso is not None:
        return iso if iso.tzinfo or tz is None else iso.replace(tzinfo=tz)
    m = _DMY.search(core)
    if m:  # day/month/year (Kompas): never month-first on these sites
        return _build(int(m.group(3)), int(m.group(2)), int(m.group(1)), m.group(4), m.group(5), m.group(6), tz)
    m = _D_MONTH_Y.search(core)
    if m and m.group(2).lower() in _MONTHS:
        month = _MONTHS[m.group(2).lower()]
        return _build(int(m.group(3)), month, int(m.group(1)), m.group(4), m.group(5), m.group(6), tz)
    return _with_dateparser(_DAYNAME.sub("", core), tz)


def _build(
    year: int, month: int, day: int, hour: str | None, minute: str | None, second: str | None,
    tz: dt.tzinfo | None,
) -> dt.datetime | None:
    """A datetime from parts; aware only when there is a time and a zone; None when invalid."""
    try:
        if hour is None or minute is None:
            return dt.datetime(year, month, day)
        value = dt.datetime(year, month, day, int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    return value.replace(tzinfo=tz) if tz is not None else value


def _with_dateparser(core: str, tz: dt.tzinfo | None) -> dt.datetime | None:
    data = _date_parser().get_date_data(core)
    value: dt.datetime | None = data.date_obj if data else None
    if value is None:
        logger.debug("unparsed page date %r", core)
        return None
    if value.tzinfo is None and tz is not None and data.period == "day" and re.search(r"\d[:.]\d{2}", core):
        value = value.replace(tzinfo=tz)
    return value


def date_from_url(url: str) -> dt.date | None:
    """The publication day encoded in an article URL ("/2020/05/04/"), if any."""
    m = _URL_DATE.search(url)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
