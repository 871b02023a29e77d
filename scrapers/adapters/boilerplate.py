"""Indonesian news boilerplate: the one list of phrases that must never reach an article body.

Every adapter runs its body paragraphs through :func:`clean_paragraphs`. The phrase list
:data:`BOILERPLATE_PHRASES` is exported so tests (and store tests) can assert that none of
them reaches the knowledge store.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

#: Phrases that mark a paragraph as boilerplate (matched case-insensitively).
#: A body paragraph that *starts* with one of them, as whole words ("ADVERTISEMENT" does not
#: match "Advertisements for ..."), is dropped; see also :data:`_ANYWHERE`.
BOILERPLATE_PHRASES: tuple[str, ...] = (
    "Baca juga:",
    "Baca:",
    "Lihat juga",
    "Simak video",
    "Ikuti kami di",
    "Berita Terkait",
    "Berita Terkini",
    "Artikel ini telah tayang di",
    "Editor:",
    "Penulis:",
    "Pewarta:",
    "Laporan Wartawan",
    "Laporan Reporter",
    "Laporan Jurnalis",
    "Laporan Koresponden",
    "Copyright ©",
    "All Right Reserved",
    "ADVERTISEMENT",
    "SCROLL TO CONTINUE WITH CONTENT",
    "Periksa kembali dan lengkapi data dirimu",
    "Dapatkan update berita",
    "Simak berita terbaru",
    "[Gambas:",
    "Ringkasan Berita:",
    "Sumber:",
    "Baca Selengkapnya",
    "Klik di sini",
    "Filed under:",
    "©",
)

# Phrases that condemn a paragraph wherever they appear in it (not only at its start).
_ANYWHERE: tuple[str, ...] = (
    "Artikel ini telah tayang di",
    "SCROLL TO CONTINUE WITH CONTENT",
    "Periksa kembali dan lengkapi data dirimu",
    "Copyright ©",
    "All Right Reserved",
    "All Rights Reserved",
    "[Gambas:",
)
# "Dapatkan update berita pilihan ... Telegram", "Simak berita terbaru ... Google News".
_CHANNEL_PROMO = re.compile(
    r"^(?:dapatkan|simak|ikuti|yuk|jangan lupa)\b.{0,160}\b(?:telegram|google news|whatsapp|saluran)\b",
    re.IGNORECASE,
)
_PREFIXES = tuple(p.lower() for p in BOILERPLATE_PHRASES)
# One alternation of the phrases, each ending at a word boundary when it ends in a letter.
_PREFIX = re.compile(
    "^(?:" + "|".join(re.escape(p) + (r"(?!\w)" if p[-1].isalnum() else "") for p in _PREFIXES) + ")"
)
_ANYWHERE_LOW = tuple(p.lower() for p in _ANYWHERE)
# Editor initials closing the last paragraph: "(vyp/kna)", "(ant/nvl)", "(wk)", "(*)".
_INITIALS = re.compile(
    r"\s*(?:[\[(](?:[A-Za-z]{1,5}(?:\s*/\s*[A-Za-z]{1,5})+|[a-z]{2,5}|\*)[\])])\s*$"
)
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_BAREWORDS = frozenset({"advertisement", "iklan", "baca juga", "lihat juga", "loading...", "(*)", "tags", "tag"})
_SPACE_COLON = re.compile(r"\s+:")


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace to one space, drop zero-width marks and soft hyphens, strip."""
    return " ".join(_INVISIBLE.sub("", text).split())  # str.split() splits on what \s matches


def is_boilerplate(paragraph: str) -> bool:
    """True when ``paragraph`` is a boilerplate line (related links, credits, ads, promos)."""
    low = _SPACE_COLON.sub(":", paragraph.lower().strip())  # "Baca juga : X" -> "baca juga: x"
    if not low or low in _BAREWORDS:
        return True
    if _PREFIX.match(low):
        return True
    if any(p in low for p in _ANYWHERE_LOW):
        return True
    return bool(_CHANNEL_PROMO.match(low))


def strip_initials(paragraph: str) -> str:
    """Remove editor initials such as ``(vyp/kna)`` from the end of a paragraph."""
    return _INITIALS.sub("", paragraph).rstrip()


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Normalise whitespace, drop boilerplate and duplicates, strip closing editor initials.

    Args:
        paragraphs: body paragraphs as extracted from the page, in order.

    Returns:
        The paragraphs that are article text, in order.
    """
    out: list[str] = []
    seen: set[str] = set()
    for raw in paragraphs:
        para = normalise_space(raw)
        if not para or is_boilerplate(para) or para in seen:
            continue
        seen.add(para)
        out.append(para)
    while out:
        last = strip_initials(out[-1])
        if last:
            out[-1] = last
            break
        out.pop()
    return out


def contains_boilerplate(text: str) -> list[str]:
    """The phrases of :data:`BOILERPLATE_PHRASES` that start any line/paragraph of ``text``.

    Used by tests: an empty list means the text is clean.
    """
    found: list[str] = []
    for line in text.splitlines():
        low = _SPACE_COLON.sub(":", line.strip().lower())
        if not low:
            continue
        m = _PREFIX.match(low)
        if m:
            phrase = BOILERPLATE_PHRASES[_PREFIXES.index(m.group(0))]
            if phrase not in found:
                found.append(phrase)
        for phrase in _ANYWHERE_LOW:
            if phrase in low and phrase not in found:
                found.append(phrase)
    return found
