"""Quotation marks: which tokens of a text are someone's quoted words.

Every outlet carries an official's statement in quotation marks, so shared quoted words are weak
evidence of copying. Lineage's independence check and the sourced share's narration count (in
:mod:`provenance.trace.lineage` and :mod:`provenance.detect.sourced`) both use this one rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import regex

from provenance.detect.align import TokenIndex
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
        """:meth:`counts` of ``texts`` (ascending), in one pass over their concatenated token starts.

        Quotation spans of a text whose normalization moved no character are shifted to the
        text's place in the concatenation; spans never straddle texts and do not overlap, so the
        last span opening at or before a token decides it as it does within one text.
        """
        index = self.index
        out: dict[int, np.ndarray | None] = {}
        spans: list[tuple[int, int]] = []
        plain: list[int] = []
        starts, offsets, tok_off = index.flat_starts()
        for i in texts:
            text = index.texts[i]
            quotes = quote_intervals(text)
            if not quotes:
                out[i] = None
            elif index.plain(i):
                base = int(offsets[i])
                spans.extend((a + base, b + base) for a, b in quotes)
                plain.append(i)
            else:
                out[i] = self._one(index.starts(i), quotes)
        if plain:
            # The token starts of those texts only, concatenated (text j's at seg[j]:seg[j + 1]).
            first = tok_off[plain]
            lens = tok_off[np.asarray(plain) + 1] - first
            seg = np.zeros(len(plain) + 1, dtype=np.int64)
            np.cumsum(lens, out=seg[1:])
            pos = starts[np.repeat(first - seg[:-1], lens) + np.arange(seg[-1])]
            q = np.array(spans, dtype=np.int64)
            x = np.searchsorted(q[:, 0], pos, side="right") - 1
            inside = (x >= 0) & (pos < q[np.maximum(x, 0), 1])
            run = np.zeros(len(pos) + 1, dtype=np.int64)
            np.cumsum(inside, out=run[1:])
            for j, i in enumerate(plain):
                out[i] = run[seg[j]:seg[j + 1] + 1] - run[seg[j]]
        return out

    @staticmethod
    def _one(pos: np.ndarray, quotes: list[tuple[int, int]]) -> np.ndarray:
        q = np.array(quotes, dtype=np.int64)
        x = np.searchsorted(q[:, 0], pos, side="right") - 1  # the last quotation opening at or before
        inside = (x >= 0) & (pos < q[np.maximum(x, 0), 1])
        c = np.zeros(len(pos) + 1, dtype=np.int64)
        np.cumsum(inside, out=c[1:])
        return c
