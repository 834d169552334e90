"""Names and figures of a text: who, where and how many it reports.

A rewrite reports the same event as its source, so it names the same people, places and figures
(:mod:`provenance.detect.sourced` tests every candidate source with them). A name is a capitalised word
not opening a sentence, a figure a number: :data:`NAME` is the rule, :func:`names` applies it to one
text. :func:`name_hashes` applies the same rule to many texts in one compiled pass, because the regex
engine, run on every candidate pair's two texts, held a fifth of the rewrite stage: each text's
names become sorted distinct 64-bit hashes of their lowercase forms, and :func:`shared_names` counts
what two texts share by merging those arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import regex
from numba import njit

from provenance.detect.normalize import code_points

#: A name or a figure: a capitalised word not opening a sentence, or a number (without the full stop or
#: comma that may follow it).
NAME = regex.compile(r"(?<![.!?:\"“]\s)(?<!^)\b(\p{Lu}[\w'’-]+|\d(?:[\d,.]*\d)?)")

# Character classes :data:`NAME` reads, one bit each, per code point.
_WORD, _UPPER, _DIGIT, _SPACE, _STOP, _TAIL, _FIGURE = 1, 2, 4, 8, 16, 32, 64
_CLASS_TESTS = (
    (_WORD, regex.compile(r"\w")), (_UPPER, regex.compile(r"\p{Lu}")), (_DIGIT, regex.compile(r"\d")),
    (_SPACE, regex.compile(r"\s")), (_STOP, regex.compile(r"[.!?:\"“]")), (_TAIL, regex.compile(r"[\w'’-]")),
    (_FIGURE, regex.compile(r"[\d,.]")),
)
_classes = np.zeros(0x110000, dtype=np.uint8)
_known = np.zeros(0x110000, dtype=np.bool_)


def names(text: str) -> set[str]:
    """The names and figures of a text, lowercased."""
    return {g.lower() for g in NAME.findall(text)}  # one group: findall yields it


def _classes_of(cps: np.ndarray) -> np.ndarray:
    """The class table, filled for every code point in ``cps`` (each one asked of the regex engine once,
    so the table is the engine's own reading of Unicode)."""
    for cp in _k_unknown(cps, _known).tolist():
        ch = chr(cp)
        _classes[cp] = sum(bit for bit, test in _CLASS_TESTS if test.match(ch))
        _known[cp] = True
    return _classes


def name_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`names` of every text as hashes: (flat, offsets), text t's sorted distinct hashes being
    ``flat[offsets[t]:offsets[t + 1]]``; equal names hash equal."""
    flats, offs, done = [], [np.zeros(1, dtype=np.int64)], 0
    for first, cps, offsets in code_points(texts):
        hashes, text_of, starts, ends, ascii_ = _k_names(cps, offsets, _classes_of(cps))
        # Lowercasing beyond ASCII is Python's (it is not one code point to one: final sigma, dotted I).
        for x in np.flatnonzero(~ascii_).tolist():
            t = int(text_of[x])
            low = texts[first + t][starts[x] - offsets[t]:ends[x] - offsets[t]].lower()
            hashes[x] = _k_hash(np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
        flat, off = _k_distinct_per_text(hashes, text_of, len(offsets) - 1)
        flats.append(flat)
        offs.append(off[1:] + done)
        done += len(flat)
    return np.concatenate(flats or [np.empty(0, dtype=np.uint64)]), np.concatenate(offs)


def name_spans(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:data:`NAME`'s matches in every text in one compiled pass: (text, start, end) per match, text by
    text, offsets as ``str``'s."""
    parts = []
    for first, cps, offsets in code_points(texts):
        _, text_of, starts, ends, _ = _k_names(cps, offsets, _classes_of(cps))
        parts.append((text_of + first, starts - offsets[text_of], ends - offsets[text_of]))
    if not parts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]


@njit(cache=True, nogil=True)
def _k_unknown(cps: np.ndarray, known: np.ndarray) -> np.ndarray:
    """The distinct code points of ``cps`` not yet ``known``, ascending: one pass, where scattering
    every code point into a table of all of Unicode cost 0.1 s per chunk of 16M."""
    mark = np.zeros(known.shape[0], dtype=np.bool_)
    m = 0
    for c in cps:
        if not known[c] and not mark[c]:
            mark[c] = True
            m += 1
    out = np.empty(m, dtype=np.int64)
    if m:
        w = 0
        for c in range(known.shape[0]):
            if mark[c]:
                out[w] = c
                w += 1
    return out


_M1, _M2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9


@njit(cache=True, nogil=True)
def _k_mix(h: np.uint64, cp: np.uint64) -> np.uint64:
    h = (h ^ cp) * np.uint64(_M1)
    return h ^ (h >> np.uint64(31))


@njit(cache=True, nogil=True)
def _k_hash(cps: np.ndarray) -> np.uint64:
    h = np.uint64(_M2) ^ np.uint64(len(cps))
    for c in cps:
        h = _k_mix(h, np.uint64(c))
    return h


@njit(cache=True, nogil=True)
def _k_names(cps: np.ndarray, offsets: np.ndarray, cls: np.ndarray):  # noqa: ANN202
    """:data:`NAME`'s matches in every text, as findall scans: (hash of the lowercase match, text, start,
    end, ASCII-only). Non-ASCII matches get their hash from the caller."""
    cap = 0  # a match opens on a capital or a digit
    for x in range(len(cps)):
        if cls[cps[x]] & (_UPPER | _DIGIT):
            cap += 1
    hashes = np.empty(cap, dtype=np.uint64)
    text_of = np.empty(cap, dtype=np.int64)
    starts = np.empty(cap, dtype=np.int64)
    ends = np.empty(cap, dtype=np.int64)
    ascii_ = np.empty(cap, dtype=np.bool_)
    m = 0
    for t in range(len(offsets) - 1):
        lo, hi = offsets[t], offsets[t + 1]
        p = lo + 1  # (?<!^): never at a text's first character
        while p < hi:
            c = cls[cps[p]]
            e = p
            if (c & (_UPPER | _DIGIT)) and not (cls[cps[p - 1]] & _WORD) and (c & _WORD) and not (
                p - lo >= 2 and (cls[cps[p - 2]] & _STOP) and (cls[cps[p - 1]] & _SPACE)
            ):
                if c & _UPPER:
                    e = p + 1
                    while e < hi and (cls[cps[e]] & _TAIL):
                        e += 1
                    if e == p + 1:
                        e = p  # a capital needs a second character
                if e == p and (c & _DIGIT):
                    e = p + 1
                    while e < hi and (cls[cps[e]] & _FIGURE):
                        e += 1
                    while not (cls[cps[e - 1]] & _DIGIT):
                        e -= 1  # "45." closing a sentence, "2019," opening a clause: the figure is 45, 2019
            if e == p:
                p += 1
                continue
            h = np.uint64(_M2) ^ np.uint64(e - p)
            plain = True
            for q in range(p, e):
                x = cps[q]
                if x >= 128:
                    plain = False
                    break
                h = _k_mix(h, np.uint64(x + 32 if 65 <= x <= 90 else x))
            hashes[m] = h
            text_of[m] = t
            starts[m] = p
            ends[m] = e
            ascii_[m] = plain
            m += 1
            p = e
    return hashes[:m], text_of[:m], starts[:m], ends[:m], ascii_[:m]


@njit(cache=True, nogil=True)
def _k_distinct_per_text(hashes: np.ndarray, text_of: np.ndarray, n_texts: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's sorted distinct hashes (matches arrive text by text): (flat, offsets)."""
    out = np.empty(len(hashes), dtype=np.uint64)
    off = np.zeros(n_texts + 1, dtype=np.int64)
    w = 0
    x = 0
    for t in range(n_texts):
        k0 = x
        while x < len(hashes) and text_of[x] == t:
            x += 1
        part = np.sort(hashes[k0:x])
        for y in range(len(part)):
            if y == 0 or part[y] != part[y - 1]:
                out[w] = part[y]
                w += 1
        off[t + 1] = w
    return out[:w], off


@njit(cache=True, nogil=True)
def shared_names(flat: np.ndarray, off: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (a[r], b[r]) of texts of :func:`name_hashes`: (names both carry, names of the one
    naming fewer)."""
    both = np.zeros(len(a), dtype=np.int64)
    fewer = np.zeros(len(a), dtype=np.int64)
    for r in range(len(a)):
        i, i_end = off[a[r]], off[a[r] + 1]
        j, j_end = off[b[r]], off[b[r] + 1]
        fewer[r] = min(i_end - i, j_end - j)
        k = 0
        while i < i_end and j < j_end:
            if flat[i] == flat[j]:
                k += 1
                i += 1
                j += 1
            elif flat[i] < flat[j]:
                i += 1
            else:
                j += 1
        both[r] = k
    return both, fewer
