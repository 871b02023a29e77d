"""Content fingerprints: the exact content hash and MinHash signatures for near-duplicates.

Near-duplicates (the same report on several Tribun regional sites, an ANTARA story
republished with an editor line added) share most of their word 3-shingles. Each text gets
a MinHash signature of :data:`NUM_PERM` values; the signature is cut into :data:`BANDS`
bands of :data:`ROWS` values and each band hashed into one lookup key (locality-sensitive
hashing, Broder 1997; Leskovec et al., *Mining of Massive Datasets* ch. 3). Two texts with
shingle Jaccard similarity J share at least one key with probability 1 - (1 - J^ROWS)^BANDS:
0.94 at J = 0.5, over 0.999 at J = 0.8; unrelated texts almost never do. Candidates found
by key are then confirmed on their exact shingle overlap.

A 64-bit simhash was tried first: on an 87-word text one changed word already moved it
7 bits, so any Hamming threshold small enough for an index missed real copies.
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
# punctuation to spaces before splitting: str.split is several times faster than a regex
_PUNCT = str.maketrans(
    {c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u201c\u201d\u2013\u2014\u2026"}
)
_MASK63 = (1 << 63) - 1

#: MinHash values per signature.
NUM_PERM = 20
#: LSH bands and values per band (BANDS * ROWS == NUM_PERM).
BANDS, ROWS = 10, 2

_rng = np.random.default_rng(20190514)
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)


def content_hash(title: str, text: str) -> str:
    """SHA-256 hex digest of title and text: changes whenever the article's content does."""
    return hashlib.sha256(f"{title}\n{text}".encode("utf-8")).hexdigest()


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spread every input bit over all 64 output bits."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


class _WordIds(dict[str, int]):
    """word -> CRC-32 of its UTF-8 bytes, filled on first use (a dict lookup is the fast path)."""

    def __missing__(self, word: str) -> int:
        if len(self) >= _MAX_WORD_IDS:
            self.clear()
        value = self[word] = zlib.crc32(word.encode("utf-8"))
        return value


#: Words whose ids are kept (the cache starts over when full).
_MAX_WORD_IDS = 1 << 20
_word_ids = _WordIds()


def shingles(text: str) -> np.ndarray:
    """64-bit hashes of the word 3-shingles of ``text`` (lower-cased, punctuation ignored)."""
    words = text.lower().translate(_PUNCT).split()
    if not words:
        return np.zeros(0, dtype=np.uint64)
    ids = np.fromiter(map(_word_ids.__getitem__, words), dtype=np.uint64, count=len(words))
    if len(ids) >= 3:
        h = ids[:-2] * np.uint64(0x9E3779B97F4A7C15)
        h ^= ids[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)
        h ^= ids[2:] * np.uint64(0x165667B19E3779F9)
    else:
        h = ids * np.uint64(0x9E3779B97F4A7C15)
    return _mix(h)


def minhash(shingle_hashes: np.ndarray) -> np.ndarray:
    """MinHash signature (:data:`NUM_PERM` uint64 values) of a set of shingle hashes."""
    if shingle_hashes.size == 0:
        return np.zeros(NUM_PERM, dtype=np.uint64)
    return _mix(shingle_hashes[None, :] * _A[:, None] + _B[:, None]).min(axis=1)


def lsh_keys(signature: np.ndarray) -> list[int]:
    """One lookup key per band, as non-negative 63-bit integers (SQLite-safe)."""
    bands = signature.reshape(BANDS, ROWS)
    combined = _mix(bands[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ bands[:, 1] ^ np.arange(BANDS, dtype=np.uint64))
    return [int(k) & _MASK63 for k in combined]


def estimated_jaccard(signature: np.ndarray, other: bytes) -> float:
    """Share of equal MinHash values: an unbiased estimate of the shingle Jaccard similarity."""
    return int(np.count_nonzero(signature == np.frombuffer(other, dtype=np.uint64))) / NUM_PERM


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle-hash sets (0..1)."""
    sa, sb = set(a.tolist()), set(b.tolist())
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def title_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the word sets of two titles (0..1)."""
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)
