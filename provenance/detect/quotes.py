"""Quotation marks: which tokens of a text are someone's quoted words.

Every outlet carries an official's statement in quotation marks, so shared quoted words are weak
evidence of copying. Lineage's independence check and the sourced share's narration count (in
:mod:`provenance.trace.lineage` and :mod:`provenance.detect.sourced`) both use this one rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import regex
from numba import njit

from provenance.detect.align import TokenIndex
from provenance.detect.normalize import code_points
from provenance.trace.attribution import find_all

_QUOTE = regex.compile(r"“[^”\n]{1,2000}”|\"[^\"\n]{1,2000}\"|«[^»\n]{1,2000}»|„[^“”\n]{1,2000}[“”]|「[^」\n]{1,2000}」")


_QUOTE_OPENERS = "“\"«„「"  # every match of _QUOTE starts with one of these


def quote_intervals(text: str) -> list[tuple[int, int]]:
    """Spans of ``_QUOTE.finditer(text)``: the pattern tried where a quotation can open."""
    starts = sorted(i for ch in _QUOTE_OPENERS if ch in text for i in find_all(text, ch))
    out: list[tuple[int, int]] = []
    cur = 0
    for p in starts:
        if p >= cur and (m := _QUOTE.match(text, p)):
            out.append((p, m.end()))
            cur = m.end()
    return out


def quote_spans(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`quote_intervals` of every text in one compiled pass: (text, start, end) per span, text by
    text (the regex, run text by text, held most of the quotation work of the rewrite stage)."""
    parts = [(first, *_k_quote_spans(cps, offsets)) for first, cps, offsets in code_points(texts)]
    if not parts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return (np.concatenate([text_of + first for first, text_of, _, _ in parts]),
            np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts]))


_OPEN = np.array([ord(c) for c in _QUOTE_OPENERS], dtype=np.uint32)
_CLOSE = np.array([ord(c) for c in "”\"»”」"], dtype=np.uint32)  # „ also closes on “
_LDQ, _NL, _MAX_QUOTE = ord("“"), ord("\n"), 2000


@njit(cache=True, nogil=True)
def _k_quote_spans(cps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_QUOTE`` tried at each opener in order, as :func:`quote_intervals` does: from an opener, the
    first closer (or line break) within 2,001 characters ends the quotation (or fails it)."""
    cap = 0
    for x in range(len(cps)):
        c = cps[x]
        if c == 34 or c >= 0xAB:  # '"' or beyond: every opener
            for o in _OPEN:
                if c == o:
                    cap += 1
    text_of = np.empty(cap, dtype=np.int64)
    q_start = np.empty(cap, dtype=np.int64)
    q_end = np.empty(cap, dtype=np.int64)
    m = 0
    for t in range(len(offsets) - 1):
        lo, hi = offsets[t], offsets[t + 1]
        p = lo
        while p < hi:
            kind = -1
            if cps[p] == 34 or cps[p] >= 0xAB:
                for y in range(len(_OPEN)):
                    if cps[p] == _OPEN[y]:
                        kind = y
                        break
            if kind < 0:
                p += 1
                continue
            close = _CLOSE[kind]
            q = p + 1
            stop = min(hi, p + 2 + _MAX_QUOTE)
            while q < stop and cps[q] != close and cps[q] != _NL and not (kind == 3 and cps[q] == _LDQ):
                q += 1
            if q < stop and q > p + 1 and cps[q] != _NL:
                text_of[m] = t
                q_start[m] = p - lo
                q_end[m] = q + 1 - lo
                m += 1
                p = q + 1
            else:
                p += 1
    return text_of[:m], q_start[:m], q_end[:m]


@njit(cache=True, nogil=True)
def _k_running_counts(starts: np.ndarray, tok_off: np.ndarray, offsets: np.ndarray, texts: np.ndarray,
                      seg: np.ndarray, q_start: np.ndarray, q_end: np.ndarray, q_lo: np.ndarray,
                      q_hi: np.ndarray) -> np.ndarray:
    """Running counts of quoted tokens of each of ``texts`` (text j's at ``seg[j]:seg[j + 1]``, one
    more than its tokens): a token is quoted when the last quotation opening at or before its start
    (spans ``q_lo[j]:q_hi[j]``, sorted and disjoint, in the text's own offsets) holds it."""
    out = np.zeros(seg[-1], dtype=np.int64)
    for j in range(len(texts)):
        t = texts[j]
        base = offsets[t]
        s = q_lo[j]
        last = q_hi[j]
        w = seg[j]
        c = 0
        for x in range(tok_off[t], tok_off[t + 1]):
            pos = starts[x] - base
            while s + 1 < last and q_start[s + 1] <= pos:
                s += 1
            if s < last and q_start[s] <= pos < q_end[s]:
                c += 1
            w += 1
            out[w] = c
    return out


class QuotedTokens:
    """Per text of a :class:`TokenIndex`: running count of its tokens that start inside quotation marks."""

    def __init__(self, index: TokenIndex) -> None:
        self.index = index
        self._counts: dict[int, np.ndarray | None] | None = None

    def counts(self, i: int) -> np.ndarray | None:
        """``c[t]`` = quoted tokens among the first t; None if the text has no quotation."""
        if self._counts is None:
            self._counts = self._all(range(len(self.index.texts)))
        elif i not in self._counts:
            self.prepare([i])
        return self._counts[i]

    def prepare(self, texts: Iterable[int]) -> None:
        """Compute :meth:`counts` of these texts in one pass (the others on first use, all of them
        at once if nothing was prepared): only the texts aligned as a child need them."""
        todo = sorted({i for i in texts if self._counts is None or i not in self._counts})
        if todo:
            if self._counts is None:
                self._counts = {}
            self._counts.update(self._all(todo))

    def _all(self, texts: Iterable[int]) -> dict[int, np.ndarray | None]:
        """:meth:`counts` of ``texts`` (ascending): the texts whose normalization moved no character
        in one compiled pass over their token starts (:func:`_k_running_counts`), the others one by one.
        """
        index = self.index
        texts = list(texts)
        out: dict[int, np.ndarray | None] = {}
        plain: list[int] = []  # texts whose token starts are their own offsets
        plain_at: list[int] = []  # ... and their place in ``texts``
        starts, offsets, tok_off = index.flat_starts()
        text_of, q_start, q_end = quote_spans([index.texts[i] for i in texts])
        cut = np.searchsorted(text_of, np.arange(len(texts) + 1))
        for k, i in enumerate(texts):
            lo, hi = cut[k], cut[k + 1]
            if lo == hi:
                out[i] = None
            elif index.plain(i):
                plain.append(i)
                plain_at.append(k)
            else:
                out[i] = self._one(index.starts(i), np.stack([q_start[lo:hi], q_end[lo:hi]], axis=1))
        if plain:
            # One compiled pass over those texts' token starts; each text's counts are a view of it.
            idx = np.asarray(plain, dtype=np.int64)
            at = np.asarray(plain_at, dtype=np.int64)
            seg = np.zeros(len(plain) + 1, dtype=np.int64)
            np.cumsum(tok_off[idx + 1] - tok_off[idx] + 1, out=seg[1:])
            run = _k_running_counts(starts, tok_off, offsets, idx, seg, q_start, q_end, cut[at], cut[at + 1])
            for j, i in enumerate(plain):
                out[i] = run[seg[j]:seg[j + 1]]
        return out

    @staticmethod
    def _one(pos: np.ndarray, quotes: np.ndarray) -> np.ndarray:
        q = np.asarray(quotes, dtype=np.int64)
        x = np.searchsorted(q[:, 0], pos, side="right") - 1  # the last quotation opening at or before
        inside = (x >= 0) & (pos < q[np.maximum(x, 0), 1])
        c = np.zeros(len(pos) + 1, dtype=np.int64)
        np.cumsum(inside, out=c[1:])
        return c
