"""Content fingerprints: the exact content hash and a 64-bit simhash for near-duplicates.

The simhash (Charikar 2002) of a text is built from its word 3-shingles: texts that share
most shingles get fingerprints a few bits apart, so syndicated copies of one story (the same
report on several Tribun regional sites with another dateline or editor line) are found by
Hamming distance. Fingerprints are split into four 16-bit bands: two fingerprints within
Hamming distance 3 share at least one band exactly, which lets an index find candidates.
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
# punctuation to spaces before splitting: str.split is several times faster than a regex
_PUNCT = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u201c\u201d\u2013\u2014\u2026"})
_MASK64 = (1 << 64) - 1
_BITS = np.arange(64, dtype=np.uint64)
_SHINGLE = 3

#: Largest Hamming distance at which two texts count as near-duplicates.
MAX_DISTANCE = 3


def content_hash(title: str, text: str) -> str:
    """SHA-256 hex digest of title and text: changes whenever the article's content does."""
    return hashlib.sha256(f"{title}\n{text}".encode("utf-8")).hexdigest()


def _to_signed(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    return value - (1 << 64) if value >= (1 << 63) else value


def simhash(text: str) -> int:
    """64-bit simhash of the word 3-shingles of ``text``, as a signed integer for SQLite.

    Args:
        text: article body.

    Returns:
        The fingerprint; 0 for a text without words.
    """
    words = text.lower().translate(_PUNCT).split()
    if not words:
        return 0
    ids = np.array([zlib.crc32(w.encode("utf-8")) for w in words], dtype=np.uint64)
    if len(ids) >= _SHINGLE:
        h = ids[:-2] * np.uint64(0x9E3779B97F4A7C15)
        h ^= ids[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)
        h ^= ids[2:] * np.uint64(0x165667B19E3779F9)
    else:
        h = ids * np.uint64(0x9E3779B97F4A7C15)
    # splitmix64 finaliser: spread every input bit over all 64 output bits
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    bit_matrix = np.unpackbits(h.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = bit_matrix.sum(axis=0, dtype=np.int64)
    bits = votes * 2 > len(h)
    value = int((bits.astype(np.uint64) << _BITS).sum(dtype=np.uint64))
    return _to_signed(value)


def simhash_bands(fingerprint: int) -> tuple[int, int, int, int]:
    """The fingerprint's four 16-bit bands (low to high)."""
    value = fingerprint & _MASK64
    return tuple((value >> (16 * i)) & 0xFFFF for i in range(4))  # type: ignore[return-value]


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit fingerprints."""
    return ((a ^ b) & _MASK64).bit_count()


def title_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the word sets of two titles (0..1)."""
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)
