"""Fast fingerprints: shingle hashes, MinHash signatures, anchors, LSH band keys.

This module owns the hot path of detection, with no Python call per shingle.
Python only prepares each text (``normalize.kernel_text``: NFKC; an ASCII
text is just encoded) and concatenates the UTF-8 into one buffer. numba
kernels then decode it, lowercase and classify each code point with the
tables shared with the reference tokenizer (``normalize.char_classes``,
``normalize.lowercase``), hash every shingle with xxh32 (seed 0) and fold the
distinct hashes into a MinHash. Kernels release the GIL and run on a thread
pool (one thread per core) while the calling thread prepares the next chunk.

Compatibility contract (tested bit for bit): for any text,
``fingerprints([text]).minhash[0]`` equals
``datasketch.MinHash(num_perm, seed, hashfunc=xxhash.xxh32_intdigest)``
updated with ``normalize.shingles(text)``: datasketch 2.0's default
``affine32`` scheme (murmur3 fmix32 pre-mix, then ``a*h + b mod 2**32``).

Texts are not cut here: callers apply ``config.max_text_chars``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import polars as pl
from numba import njit

from provenance.config import Config
from provenance.detect.normalize import (
    IGNORED,
    STANDALONE,
    WORD,
    char_classes,
    kernel_text,
    lowercase,
)

# xxh32 / fmix32 arithmetic is done in uint64 and masked: numba would widen
# uint32 products anyway, and typed constants keep every expression integer.
_M32 = np.uint64(0xFFFFFFFF)
_P32_1 = np.uint64(2654435761)
_P32_2 = np.uint64(2246822519)
_P32_3 = np.uint64(3266489917)
_P32_4 = np.uint64(668265263)
_P32_5 = np.uint64(374761393)
_FMIX1 = np.uint64(0x85EBCA6B)
_FMIX2 = np.uint64(0xC2B2AE35)

_P64_1 = np.uint64(11400714785074694791)
_P64_2 = np.uint64(14029467366897019727)
_P64_3 = np.uint64(1609587929392839161)
_P64_4 = np.uint64(9650029242287828579)
_P64_5 = np.uint64(2870177450012600261)

_EMPTY = np.uint32(0xFFFFFFFF)
_R = TypeVar("_R")
_U8 = np.uint64(8)
_U16 = np.uint64(16)
_U24 = np.uint64(24)
_U32 = np.uint64(32)


@dataclass(frozen=True)
class Fingerprints:
    """Per-document fingerprints of a batch of texts, row i for text i."""

    n_tokens: np.ndarray  # int32 [n]
    n_shingles: np.ndarray  # int32 [n], number of DISTINCT shingle hashes
    minhash: np.ndarray  # uint32 [n, num_perm]; rows of docs with 0 shingles are all 0xFFFFFFFF
    anchor_offsets: np.ndarray  # int64 [n+1], CSR into anchors
    anchors: np.ndarray  # uint32, per doc the DISTINCT shingle hashes h with h % anchor_mod == 0, sorted


# --------------------------------------------------------------------------- the too-short rule
# Declared once here, where the counts come from: the local pipeline, reclean and the Spark
# engine all call these, so an article is indexed (or rejected as too short) the same way by each.

#: The reject a text too short to fingerprint gets: it is stored and shown, never compared.
TOO_SHORT_REASON = "too_short"
TOO_SHORT_ACTION = "stored_not_compared"


def comparable(n_tokens: np.ndarray, n_shingles: np.ndarray, config: Config) -> np.ndarray:
    """bool [n]: which texts enter the LSH and anchor indexes (enough tokens, at least one shingle).

    Shorter texts share too few shingles for an estimate or a verification to mean anything.
    """
    return (np.asarray(n_tokens) >= config.min_tokens) & (np.asarray(n_shingles) > 0)


def too_short_details(n_tokens: np.ndarray, config: Config) -> list[str]:
    """The reject detail of each too-short text, e.g. ``"12 tokens, fewer than 20"``."""
    return [f"{int(n)} tokens, fewer than {config.min_tokens}" for n in np.asarray(n_tokens)]


def too_short_rejects(articles: pl.DataFrame, fp: Fingerprints, ok: np.ndarray, config: Config) -> pl.DataFrame:
    """(source, locator, reason, detail, action) for the articles ``ok`` leaves out of the indexes."""
    short = articles.filter(~pl.Series(ok))
    return short.select(
        "source", "locator", pl.lit(TOO_SHORT_REASON).alias("reason"),
        pl.Series("detail", too_short_details(fp.n_tokens[~ok], config), dtype=pl.String),
        pl.lit(TOO_SHORT_ACTION).alias("action"),
    )


# --------------------------------------------------------------------------- hashing


@njit(cache=True, nogil=True, inline="always")
def _rotl32(x: np.uint64, r: np.uint64) -> np.uint64:
    return ((x << r) | (x >> (_U32 - r))) & _M32


@njit(cache=True, nogil=True, inline="always")
def _read32(buf: np.ndarray, p: int) -> np.uint64:
    return (
        np.uint64(buf[p])
        | (np.uint64(buf[p + 1]) << _U8)
        | (np.uint64(buf[p + 2]) << _U16)
        | (np.uint64(buf[p + 3]) << _U24)
    )


@njit(cache=True, nogil=True, inline="always")
def _xxh32_round(acc: np.uint64, lane: np.uint64) -> np.uint64:
    acc = (acc + lane * _P32_2) & _M32
    return (_rotl32(acc, np.uint64(13)) * _P32_1) & _M32


@njit(cache=True, nogil=True, inline="always")  # inlining makes shingle hashing 3x faster
def xxh32_range(buf: np.ndarray, start: int, end: int, seed: np.uint64) -> np.uint64:
    """XXH32 of ``buf[start:end]`` (uint8), as in the reference implementation."""
    n = end - start
    p = start
    seed = np.uint64(seed) & _M32
    if n >= 16:
        v1 = (seed + _P32_1 + _P32_2) & _M32
        v2 = (seed + _P32_2) & _M32
        v3 = seed
        v4 = (seed - _P32_1) & _M32
        limit = end - 16
        while p <= limit:
            v1 = _xxh32_round(v1, _read32(buf, p))
            v2 = _xxh32_round(v2, _read32(buf, p + 4))
            v3 = _xxh32_round(v3, _read32(buf, p + 8))
            v4 = _xxh32_round(v4, _read32(buf, p + 12))
            p += 16
        h = (
            _rotl32(v1, np.uint64(1))
            + _rotl32(v2, np.uint64(7))
            + _rotl32(v3, np.uint64(12))
            + _rotl32(v4, np.uint64(18))
        ) & _M32
    else:
        h = (seed + _P32_5) & _M32
    h = (h + np.uint64(n)) & _M32
    while p + 4 <= end:
        h = (h + _read32(buf, p) * _P32_3) & _M32
        h = (_rotl32(h, np.uint64(17)) * _P32_4) & _M32
        p += 4
    while p < end:
        h = (h + np.uint64(buf[p]) * _P32_5) & _M32
        h = (_rotl32(h, np.uint64(11)) * _P32_1) & _M32
        p += 1
    h ^= h >> np.uint64(15)
    h = (h * _P32_2) & _M32
    h ^= h >> np.uint64(13)
    h = (h * _P32_3) & _M32
    h ^= h >> np.uint64(16)
    return h


@njit(cache=True, nogil=True, inline="always")
def _rotl64(x: np.uint64, r: np.uint64) -> np.uint64:
    return (x << r) | (x >> (np.uint64(64) - r))


@njit(cache=True, nogil=True, inline="always")
def _read64(buf: np.ndarray, p: int) -> np.uint64:
    return _read32(buf, p) | (_read32(buf, p + 4) << _U32)


@njit(cache=True, nogil=True, inline="always")
def _xxh64_round(acc: np.uint64, lane: np.uint64) -> np.uint64:
    acc = acc + lane * _P64_2
    return _rotl64(acc, np.uint64(31)) * _P64_1


@njit(cache=True, nogil=True, inline="always")
def _xxh64_merge(acc: np.uint64, v: np.uint64) -> np.uint64:
    acc ^= _xxh64_round(np.uint64(0), v)
    return acc * _P64_1 + _P64_4


@njit(cache=True, nogil=True)  # not inlined: band keys are not hot, and it compiles 2x faster
def xxh64_range(buf: np.ndarray, start: int, end: int, seed: np.uint64) -> np.uint64:
    """XXH64 of ``buf[start:end]`` (uint8), as in the reference implementation."""
    n = end - start
    p = start
    seed = np.uint64(seed)
    if n >= 32:
        v1 = seed + _P64_1 + _P64_2
        v2 = seed + _P64_2
        v3 = seed
        v4 = seed - _P64_1
        limit = end - 32
        while p <= limit:
            v1 = _xxh64_round(v1, _read64(buf, p))
            v2 = _xxh64_round(v2, _read64(buf, p + 8))
            v3 = _xxh64_round(v3, _read64(buf, p + 16))
            v4 = _xxh64_round(v4, _read64(buf, p + 24))
            p += 32
        h = (
            _rotl64(v1, np.uint64(1))
            + _rotl64(v2, np.uint64(7))
            + _rotl64(v3, np.uint64(12))
            + _rotl64(v4, np.uint64(18))
        )
        h = _xxh64_merge(h, v1)
        h = _xxh64_merge(h, v2)
        h = _xxh64_merge(h, v3)
        h = _xxh64_merge(h, v4)
    else:
        h = seed + _P64_5
    h = h + np.uint64(n)
    while p + 8 <= end:
        h ^= _xxh64_round(np.uint64(0), _read64(buf, p))
        h = _rotl64(h, np.uint64(27)) * _P64_1 + _P64_4
        p += 8
    if p + 4 <= end:
        h ^= _read32(buf, p) * _P64_1
        h = _rotl64(h, np.uint64(23)) * _P64_2 + _P64_3
        p += 4
    while p < end:
        h ^= np.uint64(buf[p]) * _P64_5
        h = _rotl64(h, np.uint64(11)) * _P64_1
        p += 1
    h ^= h >> np.uint64(33)
    h = h * _P64_2
    h ^= h >> np.uint64(29)
    h = h * _P64_3
    h ^= h >> np.uint64(32)
    return h


@njit(cache=True, nogil=True, inline="always")
def _fmix32(h: np.uint64) -> np.uint64:
    h ^= h >> _U16
    h = (h * _FMIX1) & _M32
    h ^= h >> np.uint64(13)
    h = (h * _FMIX2) & _M32
    h ^= h >> _U16
    return h


# --------------------------------------------------------------------------- per document


@njit(cache=True, nogil=True, inline="always")
def _put_utf8(out: np.ndarray, c: int, cp: int) -> int:
    """Write code point ``cp`` as UTF-8 at ``out[c]``; return the position after it."""
    if cp < 0x80:
        out[c] = cp
        return c + 1
    if cp < 0x800:
        out[c] = 0xC0 | (cp >> 6)
        out[c + 1] = 0x80 | (cp & 0x3F)
        return c + 2
    if cp < 0x10000:
        out[c] = 0xE0 | (cp >> 12)
        out[c + 1] = 0x80 | ((cp >> 6) & 0x3F)
        out[c + 2] = 0x80 | (cp & 0x3F)
        return c + 3
    out[c] = 0xF0 | (cp >> 18)
    out[c + 1] = 0x80 | ((cp >> 12) & 0x3F)
    out[c + 2] = 0x80 | ((cp >> 6) & 0x3F)
    out[c + 3] = 0x80 | (cp & 0x3F)
    return c + 4


@njit(cache=True, nogil=True)
def _shingle_hashes(
    buf: np.ndarray, start: int, end: int, table: np.ndarray, lower: np.ndarray, k_word: int, k_char: int
) -> tuple[np.ndarray, int]:
    """xxh32 of every shingle of one normalized UTF-8 document, in order, and its token count.

    The document is ``normalize.kernel_text(text)`` (or an ASCII text as is):
    capitals are lowercased here (``lower``), and what normalize() deletes is
    skipped.

    Tokens are copied into a compact buffer joined by single spaces, so each
    shingle is a contiguous slice of it and is hashed in place; token j spans
    ``comp[tstart[j] : tstart[j + 1] - 1]``.
    """
    nbytes = end - start
    comp = np.empty(3 * nbytes + 4, dtype=np.uint8)  # lowercasing can lengthen a character
    tstart = np.empty(nbytes + 2, dtype=np.int64)
    ntok = 0
    nstand = 0
    c = 0
    in_word = 0
    i = start
    while i < end:
        b0 = np.int64(buf[i])
        if b0 < 0x80:
            # ASCII (never spaceless-script): branch-free, as word edges are unpredictable.
            w = np.int64(table[b0] == WORD)
            st = w & (1 - in_word)
            comp[c] = 32
            c += st & np.int64(ntok > 0)
            tstart[ntok] = c
            ntok += st
            comp[c] = b0 + 32 * np.int64(np.uint64(b0 - 65) < np.uint64(26))  # A-Z to a-z
            c += w
            in_word = w
            i += 1
            continue
        ln = 1
        cp = -1
        if b0 >= 0xC2 and b0 < 0xE0:
            if i + 1 < end and (buf[i + 1] & 0xC0) == 0x80:
                cp = ((b0 & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F)
                ln = 2
        elif b0 >= 0xE0 and b0 < 0xF0:
            if i + 2 < end and (buf[i + 1] & 0xC0) == 0x80 and (buf[i + 2] & 0xC0) == 0x80:
                cp = ((b0 & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6) | (np.int64(buf[i + 2]) & 0x3F)
                ln = 3
        elif b0 >= 0xF0 and b0 < 0xF5:  # noqa: SIM102 - numba kernel, kept in the shape of the UTF-8 spec
            if (
                i + 3 < end
                and (buf[i + 1] & 0xC0) == 0x80
                and (buf[i + 2] & 0xC0) == 0x80
                and (buf[i + 3] & 0xC0) == 0x80
            ):
                cp = (
                    ((b0 & 0x07) << 18)
                    | ((np.int64(buf[i + 1]) & 0x3F) << 12)
                    | ((np.int64(buf[i + 2]) & 0x3F) << 6)
                    | (np.int64(buf[i + 3]) & 0x3F)
                )
                ln = 4
        cls = 0  # invalid UTF-8 (never produced by _encode) separates
        if cp >= 0 and cp < table.shape[0]:
            low = np.int64(lower[cp])
            if low >= 0:
                cp = low
            cls = table[cp]
        if cls == WORD or cls == STANDALONE:  # noqa: SIM109 - numba kernel: plain comparisons, no tuple
            if cls == STANDALONE or in_word == 0:
                if ntok > 0:
                    comp[c] = 32
                    c += 1
                tstart[ntok] = c
                ntok += 1
            c = _put_utf8(comp, c, cp)
            if cls == STANDALONE:
                nstand += 1
                in_word = 0
            else:
                in_word = 1
        elif cls != IGNORED:  # deleted by normalize(): neither separates nor joins
            in_word = 0
        i += ln
    tstart[ntok] = c + 1
    if ntok == 0:
        return np.empty(0, dtype=np.uint32), 0
    k = k_char if 2 * nstand > ntok else k_word
    nsh = ntok - k + 1 if ntok > k else 1
    span = k if ntok > k else ntok
    hashes = np.empty(nsh, dtype=np.uint32)
    for j in range(nsh):
        hashes[j] = np.uint32(xxh32_range(comp, tstart[j], tstart[j + span] - 1, np.uint64(0)))
    return hashes, ntok


@njit(cache=True, nogil=True)
def _distinct(hashes: np.ndarray) -> np.ndarray:
    """Distinct values of a uint32 array, in first-seen order (open-addressing set)."""
    n = hashes.shape[0]
    size = 16
    while size < 2 * n:
        size *= 2
    mask = np.uint32(size - 1)
    slots = np.zeros(size, dtype=np.uint32)  # 0 marks a free slot; value 0 is tracked apart
    out = np.empty(n, dtype=np.uint32)
    m = 0
    seen_zero = False
    for j in range(n):
        h = hashes[j]
        if h == 0:
            if not seen_zero:
                seen_zero = True
                out[m] = h
                m += 1
            continue
        i = h & mask
        while True:
            s = slots[i]
            if s == 0:
                slots[i] = h
                out[m] = h
                m += 1
                break
            if s == h:
                break
            i = (i + np.uint32(1)) & mask
    return out[:m]


@njit(cache=True, nogil=True)
def _radix_sort(values: np.ndarray) -> np.ndarray:
    """Sorted copy of a uint32 array (LSD radix, 4 passes of 8 bits)."""
    n = values.shape[0]
    src = values.copy()
    dst = np.empty(n, dtype=np.uint32)
    counts = np.empty(256, dtype=np.int64)
    for shift in range(0, 32, 8):
        sh = np.uint32(shift)
        counts[:] = 0
        for j in range(n):
            counts[(src[j] >> sh) & np.uint32(0xFF)] += 1
        total = 0
        for c in range(256):
            cnt = counts[c]
            counts[c] = total
            total += cnt
        for j in range(n):
            key = (src[j] >> sh) & np.uint32(0xFF)
            dst[counts[key]] = src[j]
            counts[key] += 1
        src, dst = dst, src
    return src


@njit(cache=True, nogil=True)
def _sort_inplace(values: np.ndarray) -> None:
    """In-place sort: insertion sort for the few anchors of a typical document, else radix."""
    if values.shape[0] > 48:
        values[:] = _radix_sort(values)
        return
    for j in range(1, values.shape[0]):
        v = values[j]
        i = j - 1
        while i >= 0 and values[i] > v:
            values[i + 1] = values[i]
            i -= 1
        values[i + 1] = v


@njit(cache=True, nogil=True)
def _minhash_into(distinct: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """datasketch affine32: out[p] = min over h of (a[p] * fmix32(h) + b[p]) mod 2**32.

    Permutations outside, hashes inside: the inner loop is a vectorized
    min-reduction in registers (2x faster than updating ``out`` per hash).
    """
    nd = distinct.shape[0]
    mixed = np.empty(nd, dtype=np.uint32)
    for j in range(nd):
        mixed[j] = np.uint32(_fmix32(np.uint64(distinct[j])))
    for p in range(a.shape[0]):
        ap = a[p]
        bp = b[p]
        m = _EMPTY
        for j in range(nd):
            m = min(m, np.uint32(ap * mixed[j] + bp))
        out[p] = m


@njit(cache=True, nogil=True)
def _fingerprint_range(
    buf: np.ndarray,
    offsets: np.ndarray,
    table: np.ndarray,
    lower: np.ndarray,
    k_word: int,
    k_char: int,
    a: np.ndarray,
    b: np.ndarray,
    anchor_mod: int,
    n_tokens: np.ndarray,
    n_shingles: np.ndarray,
    minhash: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Fingerprint every document of ``buf``; fills the given rows, returns (anchor counts, anchors)."""
    n = offsets.shape[0] - 1
    counts = np.zeros(n, dtype=np.int64)
    anchors = np.empty(max(64, (offsets[n] - offsets[0]) // 32), dtype=np.uint32)
    m = 0
    mod = np.uint32(anchor_mod)
    pow2 = (anchor_mod & (anchor_mod - 1)) == 0
    low_bits = np.uint32(anchor_mod - 1)
    for d in range(n):
        hashes, ntok = _shingle_hashes(buf, offsets[d], offsets[d + 1], table, lower, k_word, k_char)
        distinct = _distinct(hashes)
        nd = distinct.shape[0]
        n_tokens[d] = ntok
        n_shingles[d] = nd
        _minhash_into(distinct, a, b, minhash[d])
        if m + nd > anchors.shape[0]:
            grown = np.empty(max(2 * anchors.shape[0], m + nd), dtype=np.uint32)
            grown[:m] = anchors[:m]
            anchors = grown
        first = m
        # Branch-free filter; a power-of-two anchor_mod avoids a division per hash.
        if pow2:
            for j in range(nd):
                anchors[m] = distinct[j]
                m += np.int64((distinct[j] & low_bits) == 0)
        else:
            for j in range(nd):
                anchors[m] = distinct[j]
                m += np.int64(distinct[j] % mod == 0)
        _sort_inplace(anchors[first:m])
        counts[d] = m - first
    return counts, anchors[:m]


@njit(cache=True, nogil=True)
def _shingle_sets_range(
    buf: np.ndarray, offsets: np.ndarray, table: np.ndarray, lower: np.ndarray, k_word: int, k_char: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct shingle hashes of every document of ``buf``: (counts, concatenated hashes)."""
    n = offsets.shape[0] - 1
    counts = np.zeros(n, dtype=np.int64)
    out = np.empty(max(16, (offsets[n] - offsets[0]) // 4), dtype=np.uint32)
    m = 0
    for d in range(n):
        hashes, _ = _shingle_hashes(buf, offsets[d], offsets[d + 1], table, lower, k_word, k_char)
        distinct = _radix_sort(_distinct(hashes))
        size = distinct.shape[0]
        if m + size > out.shape[0]:
            grown = np.empty(max(2 * out.shape[0], m + size), dtype=np.uint32)
            grown[:m] = out[:m]
            out = grown
        out[m : m + size] = distinct
        m += size
        counts[d] = size
    return counts, out[:m]


# --------------------------------------------------------------------------- batching


@functools.lru_cache(maxsize=8)
def permutations(seed: int, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch affine32 permutation parameters (a odd, b), uint32 [num_perm] each."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def _default_threads() -> int:
    """One thread per usable core (the kernels are CPU-bound), at most 8."""
    return max(1, min(usable_cores(), 8))


def usable_cores() -> int:
    """The cores this process may run on: its affinity on Linux, else every core (macOS, Windows)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no sched_getaffinity outside Linux
        return os.cpu_count() or 1


def _encode_one(text: str | None) -> bytes:
    if not text:
        return b""
    if text.isascii():
        # NFKC is the identity on ASCII, and the kernel lowercases: str.lower()
        # alone would cost a fifth of the whole fingerprint.
        return text.encode("ascii")
    # Lone surrogates (separators) pass through as 3-byte sequences.
    return kernel_text(text).encode("utf-8", "surrogatepass")


def _encode(texts: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """``kernel_text`` of each text as UTF-8 in one buffer, with int64 offsets [n+1]; None is empty."""
    parts = [_encode_one(t) for t in texts]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=offsets[1:])
    return np.frombuffer(b"".join(parts), dtype=np.uint8), offsets


def _batches(texts: Sequence[str | None] | pl.Series, size: int) -> Iterator[list[str | None]]:
    n = len(texts)
    for lo in range(0, n, size):
        if isinstance(texts, pl.Series):
            yield texts.slice(lo, size).to_list()
        else:
            yield list(texts[lo : lo + size])


def _chunked(
    texts: Sequence[str | None] | pl.Series,
    *,
    config: Config,
    threads: int | None,
    kernel: Callable[[np.ndarray, np.ndarray, int], _R],
) -> list[tuple[int, _R]]:
    """Run ``kernel(buf, offsets, first_doc)`` over chunks of normalized docs, in order.

    With more than one thread, chunks are hashed on a pool while the calling
    thread normalizes the next ones (normalization holds the GIL, kernels don't).
    """
    threads = _default_threads() if threads is None else max(1, threads)
    batch = max(1, config.fingerprint_batch_docs)
    chunk = max(64, min(1024, batch // (16 * threads)))
    results: list[tuple[int, _R]] = []
    if threads == 1:
        base = 0
        for docs in _batches(texts, batch):
            for lo in range(0, len(docs), chunk):
                buf, offsets = _encode(docs[lo : lo + chunk])
                results.append((base + lo, kernel(buf, offsets, base + lo)))
            base += len(docs)
        return results
    pending: list[tuple[int, Future[_R]]] = []
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fingerprint") as pool:
        base = 0
        for docs in _batches(texts, batch):
            for lo in range(0, len(docs), chunk):
                buf, offsets = _encode(docs[lo : lo + chunk])
                pending.append((base + lo, pool.submit(kernel, buf, offsets, base + lo)))
                # Bound memory: at most a few chunks in flight.
                while len(pending) - len(results) > 2 * threads:
                    first, fut = pending[len(results)]
                    results.append((first, fut.result()))
            base += len(docs)
        for first, fut in pending[len(results) :]:
            results.append((first, fut.result()))
    return results


def _csr(counts: list[np.ndarray], values: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(n + 1, dtype=np.int64)
    if counts:
        np.cumsum(np.concatenate(counts), out=offsets[1:])
    flat = np.concatenate(values) if values else np.empty(0, dtype=np.uint32)
    return offsets, flat.astype(np.uint32, copy=False)


# --------------------------------------------------------------------------- public API


def fingerprints(
    texts: Sequence[str | None] | pl.Series, *, config: Config, threads: int | None = None
) -> Fingerprints:
    """MinHash, token/shingle counts and passage anchors of each text (None is empty).

    ``threads`` defaults to the usable core count; 1 runs everything in the
    calling thread.
    """
    n = len(texts)
    a, b = permutations(config.seed, config.num_perm)
    table, lower = char_classes(), lowercase()
    n_tokens = np.zeros(n, dtype=np.int32)
    n_shingles = np.zeros(n, dtype=np.int32)
    minhash = np.empty((n, config.num_perm), dtype=np.uint32)

    def kernel(buf: np.ndarray, offsets: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
        last = first + offsets.shape[0] - 1
        return _fingerprint_range(
            buf, offsets, table, lower, config.shingle_size, config.char_shingle_size, a, b,
            config.anchor_mod, n_tokens[first:last], n_shingles[first:last], minhash[first:last],
        )

    results = _chunked(texts, config=config, threads=threads, kernel=kernel)
    anchor_offsets, anchors = _csr([r[0] for _, r in results], [r[1] for _, r in results], n)
    return Fingerprints(n_tokens, n_shingles, minhash, anchor_offsets, anchors)


def shingle_sets(
    texts: Sequence[str | None] | pl.Series, *, config: Config, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(offsets int64 [n+1], hashes uint32): each text's sorted distinct shingle hashes, CSR."""
    table, lower = char_classes(), lowercase()

    def kernel(buf: np.ndarray, offsets: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
        return _shingle_sets_range(buf, offsets, table, lower, config.shingle_size, config.char_shingle_size)

    results = _chunked(texts, config=config, threads=threads, kernel=kernel)
    return _csr([r[0] for _, r in results], [r[1] for _, r in results], len(texts))


def signature_of(text: str | None, *, config: Config) -> np.ndarray:
    """MinHash (uint32 [num_perm]) of one text, e.g. pasted into a search box."""
    return fingerprints([text], config=config, threads=1).minhash[0]


def shingle_hashes(text: str | None, *, config: Config) -> np.ndarray:
    """xxh32 of every shingle of one text, in order and with repeats (for alignment display)."""
    buf, offsets = _encode([text])
    hashes, _ = _shingle_hashes(
        buf, offsets[0], offsets[1], char_classes(), lowercase(), config.shingle_size, config.char_shingle_size
    )
    return hashes


@njit(cache=True, nogil=True)
def _band_keys(rows_bytes: np.ndarray, bands: int, row_bytes: int, out: np.ndarray) -> None:
    for i in range(rows_bytes.shape[0]):
        row = rows_bytes[i]
        for j in range(bands):
            out[i, j] = xxh64_range(row, j * row_bytes, (j + 1) * row_bytes, np.uint64(0))


def band_keys(minhash: np.ndarray, *, bands: int, rows: int) -> np.ndarray:
    """uint64 [n, bands]: key[i, j] = xxh64(minhash[i, j*rows:(j+1)*rows] as little-endian uint32 bytes, seed 0).

    Equal band rows give equal keys on every machine and run (no Python
    ``hash``, no polars hashing); values beyond ``bands * rows`` are unused.
    """
    minhash = np.asarray(minhash)
    if minhash.ndim != 2 or bands < 1 or rows < 1 or bands * rows > minhash.shape[1]:
        raise ValueError(f"cannot cut {bands} bands of {rows} rows from minhash of shape {minhash.shape}")
    raw = np.ascontiguousarray(minhash, dtype="<u4").view(np.uint8)
    out = np.empty((minhash.shape[0], bands), dtype=np.uint64)
    _band_keys(raw, bands, rows * 4, out)
    return out


@njit(cache=True, nogil=True, inline="always")
def _table_mask(n: int) -> int:
    """Slots - 1 of an open-addressing table for ``n`` hashes: a power of two, at most a quarter full."""
    size = 16
    while size < 4 * n:
        size *= 2
    return size - 1


@njit(cache=True, nogil=True)
def _pair_overlaps(
    offsets: np.ndarray, hashes: np.ndarray, a_idx: np.ndarray, b_idx: np.ndarray, order: np.ndarray,
    starts: np.ndarray, out: np.ndarray, lo: int, hi: int,
) -> None:
    """Pairs ``order[starts[g]:starts[g+1]]`` share their b set: it goes into a hash table once and each a probes it.

    Probing is about 2x cheaper than a sorted merge of the two sets (no
    mispredicted branch per element), and a set in many pairs is tabled once.
    """
    size = 16
    for g in range(lo, hi):
        y = b_idx[order[starts[g]]]
        size = max(size, _table_mask(offsets[y + 1] - offsets[y]) + 1)
    keys = np.empty(size, dtype=np.uint32)
    stamp = np.zeros(size, dtype=np.int64)  # slot used by group stamp - 1: no clearing between groups
    for g in range(lo, hi):
        gen = g + 1
        y = b_idx[order[starts[g]]]
        mask = _table_mask(offsets[y + 1] - offsets[y])
        for p in range(offsets[y], offsets[y + 1]):
            h = hashes[p]
            k = (h ^ (h >> np.uint32(15))) & mask
            while stamp[k] == gen:
                k = (k + 1) & mask
            keys[k] = h
            stamp[k] = gen
        for r in range(starts[g], starts[g + 1]):
            q = order[r]
            x = a_idx[q]
            shared = 0
            for p in range(offsets[x], offsets[x + 1]):
                h = hashes[p]
                k = (h ^ (h >> np.uint32(15))) & mask
                while stamp[k] == gen:
                    if keys[k] == h:
                        shared += 1
                        break
                    k = (k + 1) & mask
            out[q] = shared


def pair_overlaps(
    offsets: np.ndarray, hashes: np.ndarray, a_idx: np.ndarray, b_idx: np.ndarray, *, threads: int | None = None
) -> np.ndarray:
    """int32 [m]: |set a_idx[q] ∩ set b_idx[q]| for CSR sets of sorted distinct hashes."""
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    hashes = np.ascontiguousarray(hashes, dtype=np.uint32)
    a_idx = np.ascontiguousarray(a_idx, dtype=np.int64)
    b_idx = np.ascontiguousarray(b_idx, dtype=np.int64)
    if a_idx.shape != b_idx.shape or a_idx.ndim != 1:
        raise ValueError("a_idx and b_idx must be 1-d and of equal length")
    n_sets = offsets.shape[0] - 1
    for idx in (a_idx, b_idx):
        if idx.size and (idx.min() < 0 or idx.max() >= n_sets):
            raise IndexError(f"pair index out of range for {n_sets} sets")
    m = a_idx.shape[0]
    out = np.empty(m, dtype=np.int32)
    if m == 0:
        return out
    if np.unique(a_idx).shape[0] < np.unique(b_idx).shape[0]:  # table the side with fewer distinct sets
        a_idx, b_idx = b_idx, a_idx
    order = np.argsort(b_idx, kind="stable")
    by_b = b_idx[order]
    starts = np.r_[np.flatnonzero(np.r_[True, by_b[1:] != by_b[:-1]]), m].astype(np.int64)
    n_groups = starts.shape[0] - 1
    threads = _default_threads() if threads is None else max(1, threads)
    if threads == 1 or m < 10_000:
        _pair_overlaps(offsets, hashes, a_idx, b_idx, order, starts, out, 0, n_groups)
        return out
    # Chunks of whole groups with about equal pair counts.
    bounds = np.unique(np.searchsorted(starts, np.linspace(0, m, 4 * threads + 1), side="right") - 1)
    bounds[-1] = n_groups
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [
            pool.submit(_pair_overlaps, offsets, hashes, a_idx, b_idx, order, starts, out, int(lo), int(hi))
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=False)
        ]
        for f in futures:
            f.result()
    return out
