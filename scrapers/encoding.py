"""Decode HTML/XML bytes to text, resolving HTTP-header vs ``<meta charset>`` conflicts.

Order of evidence: a byte-order mark; then the declared charsets (HTTP header, then the
document's own ``<meta charset>`` / ``<?xml encoding?>``), each accepted only when the body
decodes under it without error; strict UTF-8; statistical detection (charset-normalizer);
and finally UTF-8 with replacement characters. Servers often send a default
``ISO-8859-1`` header for pages that are really UTF-8 (latin-1 "decodes" anything), so a
latin-1-family header loses to a body that is valid UTF-8.
"""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)["']""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_LATIN1_FAMILY = {"latin-1", "iso8859-1", "cp1252", "ascii"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalise_encoding(name: str | None) -> str | None:
    """Python's canonical codec name for ``name``, or None when unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, normalised."""
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return normalise_encoding(m.group(1)) if m else None


def declared_charsets(body: bytes) -> list[str]:
    """Charsets the document declares itself (meta tags, XML declaration), in order, normalised."""
    head = body[:4096]
    found: list[str] = []
    m = _XML_ENCODING.search(head)
    raw = [m.group(1)] if m else []
    raw += _META_CHARSET.findall(head)
    for r in raw:
        enc = normalise_encoding(r.decode("ascii", "ignore"))
        if enc and enc not in found:
            found.append(enc)
    return found


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


#: Bad byte sequences a declared charset may have and still be trusted (at least; 1 per 1,000 bytes).
_FEW_BAD = 4


def _bad_sequences(body: bytes, encoding: str) -> int | None:
    """How many byte sequences of ``body`` do not decode under ``encoding`` (None: unknown codec)."""
    try:
        text = body.decode(encoding, errors="replace")
    except LookupError:
        return None
    literal = body.count("\ufffd".encode(encoding)) if encoding.startswith("utf") else 0
    return text.count("\ufffd") - literal


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML/XML body to text.

    Args:
        body: the raw bytes.
        content_type: the HTTP ``Content-Type`` header value, if any.

    Returns:
        ``(text, encoding)``; never raises on bad bytes (they become U+FFFD).
    """
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(enc, errors="replace"), enc

    header = header_charset(content_type)
    declared = declared_charsets(body)
    utf8_ok = _decodes(body, "utf-8")

    candidates: list[str] = []
    if header:
        candidates.append(header)
    candidates += [d for d in declared if d not in candidates]
    for enc in candidates:
        if enc in _LATIN1_FAMILY and utf8_ok and not body.isascii():
            # latin-1 decodes any byte string; a valid UTF-8 body is far likelier to be UTF-8.
            logger.debug("declared %s but body is valid UTF-8; using utf-8", enc)
            return body.decode("utf-8"), "utf-8"
        if _decodes(body, enc):
            if header and enc != header:
                logger.info("Content-Type says %s but the body does not decode; using %s", header, enc)
            return body.decode(enc), enc
    if utf8_ok:
        return body.decode("utf-8"), "utf-8"
    # A declared charset (or UTF-8) that fits all but a few stray bytes beats any statistical
    # guess: one bad byte must not turn a whole UTF-8 page into Mac Roman.
    for enc in [*candidates, *([] if "utf-8" in candidates else ["utf-8"])]:
        bad = _bad_sequences(body, enc)
        if bad is not None and bad <= max(_FEW_BAD, len(body) // 1000):
            logger.info("body is %s but for %d bad byte sequence(s); replacing them", enc, bad)
            return body.decode(enc, errors="replace"), enc
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            enc = normalise_encoding(best.encoding) or "utf-8"
            logger.info("no declared charset fits; detected %s", enc)
            return body.decode(enc, errors="replace"), enc
    except ImportError:  # pragma: no cover - charset-normalizer ships with requests
        pass
    enc = candidates[0] if candidates else "utf-8"
    logger.warning("body is not valid %s; decoding with replacement characters", enc)
    return body.decode(enc, errors="replace"), enc
