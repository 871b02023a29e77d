"""Sentence splitting, word tokens with character offsets, and small text helpers.

Indonesian news writes honorifics with a dot ("Ir. H. Ahmad Yani, MM"), so a dot only ends a
sentence when the word before it is not a known abbreviation or a single letter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from extractors import lexicon

_SENT_END = re.compile(r"[.!?]+[\"'”’]?(?=\s+[\"'“‘(]?[A-Z0-9])|\n\s*\n|\n")
_WORD = re.compile(r"\(|\)|,|;|:|\"|“|”|[^\s,;:()\"“”]+")
_TRAILING = ".'’"


@dataclass(slots=True, frozen=True)
class Token:
    """A word or punctuation mark with its character offsets."""

    text: str
    start: int
    end: int
    bare: str = field(init=False, compare=False)
    """The word without a trailing dot or quote."""
    low: str = field(init=False, compare=False)
    """``bare`` in lower case."""
    is_cap: bool = field(init=False, compare=False)
    """True when the word starts with an upper-case letter."""

    def __post_init__(self) -> None:
        bare = self.text.rstrip(_TRAILING)
        object.__setattr__(self, "bare", bare)
        object.__setattr__(self, "low", bare.lower())
        object.__setattr__(self, "is_cap", bool(self.text) and self.text[0].isupper())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences, returned as (start, end) character offsets.

    Args:
        text: article body.

    Returns:
        Offsets of the non-empty sentences in order.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group(0).startswith((".",)) and "\n" not in m.group(0):
            before = text[max(0, m.start() - 12) : m.start()].split()
            last = before[-1] if before else ""
            last = last.lstrip("(")
            if len(last) == 1 or lexicon.is_title(last) or lexicon.is_degree(last) or last.lower() in _ABBREV:
                continue
        end = m.end()
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return spans


_ABBREV = {"no", "nomor", "tgl", "jl", "kab", "kec", "prov", "kel", "st", "sdr", "bpk", "a.n", "u.p", "dll", "dsb", "lic.econ"}


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    seg = text[start:end]
    stripped = seg.strip()
    if not stripped:
        return
    lead = len(seg) - len(seg.lstrip())
    spans.append((start + lead, start + lead + len(stripped)))


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word and punctuation tokens of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    out = []
    for m in _WORD.finditer(text, start, end):
        t = m.group(0)
        s, e = m.start(), m.end()
        if t[:3].lower() == "se-" and len(t) > 3 and t[3].isupper():
            t, s = t[3:], s + 3
        while len(t) > 1 and t[0] in "'‘’":
            t, s = t[1:], s + 1
        while len(t) > 1 and t[-1] in "'‘’" and not t[-2].isalpha():
            t, e = t[:-1], e - 1
        # a sentence-final dot is punctuation, not part of the word (keep "Ir." and "M.Si.")
        if len(t) > 1 and t.endswith(".") and not lexicon.is_title(t) and not lexicon.is_degree(t) and "." not in t[:-1]:
            if len(t.rstrip(".")) > 1:
                out.append(Token(t[:-1], s, e - 1))
                out.append(Token(".", e - 1, e))
                continue
        out.append(Token(t, s, e))
    return out


def norm(s: str) -> str:
    """Lower case, punctuation as spaces, whitespace collapsed (the scorer's normalisation)."""
    s = unicodedata.normalize("NFKC", s).lower()
    s = re.sub(r"[^\w\s]", " ", s)
    return " ".join(s.split())


def clean_spaces(s: str) -> str:
    """Collapse runs of whitespace to one space."""
    return " ".join(s.split())


def blank_clutter(text: str) -> str:
    """``text`` with page clutter (``data/clutter.txt``) replaced by spaces, offsets unchanged.

    A pattern with a group named ``blank`` blanks only that group (the outlet in a dateline).
    """
    from extractors import lexicon

    def blank(m: re.Match[str]) -> str:
        if "blank" not in pat.groupindex:
            return " " * len(m.group())
        s, e = m.span("blank")
        return m.group()[: s - m.start()] + " " * (e - s) + m.group()[e - m.start():]

    for pat in lexicon.clutter_patterns():
        text = pat.sub(blank, text)
    return text
