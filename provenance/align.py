"""Passage alignment: where two texts share text, and what was edited between them.

This module owns the token-level alignment of two texts, reported in
character offsets of the ORIGINAL texts (via
:func:`provenance.normalize.token_spans`), so a passage or an edit can be
shown highlighted in either article. Lineage uses it to tell a trimmed copy
from one with an added intro, a lifted passage from a paraphrase; the
dashboard uses it to show what a copier changed.

How (near-linear; no quadratic diff of whole texts):

1. Tokenize both texts with :func:`provenance.normalize.tokens`; map tokens
   to integer ids; hash every k-token window (rolling polynomial in uint64).
2. Index b's windows by hash. Scan a left to right; at each position try b's
   positions with the same window hash (the one continuing the previous
   block's diagonal first, at most ``max_candidates``), verify and extend
   forward token by token, keep the longest, and skip a past it. Every b
   token is used by at most one block, so blocks are one-to-one.
3. Order: the heaviest (by tokens) chain of blocks increasing in both a and b
   (an O(m log m) longest-increasing-subsequence with a Fenwick tree) is "in
   order"; blocks outside it were moved (reordered paragraphs).
4. Edits: between consecutive in-order blocks, what a has and b lacks is
   deleted, what b has and a lacks is inserted, both is changed; moved
   blocks are reported as moved. Small gaps (<= ``refine_max`` tokens on
   each side) are refined with difflib on the gap's tokens only, which
   finds shared runs shorter than k inside a changed sentence.

Token counts are reported next to character offsets; tokens are what k, the
thresholds and the lineage statistics are measured in.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from provenance.normalize import token_spans, tokens

__all__ = ["PASSAGES", "EDITS", "Alignment", "align", "aligned_passages", "edits", "token_blocks", "tokenized"]

#: Shared passages: maximal runs of identical tokens, one-to-one between the
#: texts. ``*_start``/``*_end`` are character offsets in the original texts
#: (end exclusive); ``*_tok_start``/``*_tok_end`` token indexes. ``in_order``
#: is false for a passage that was moved relative to the others.
PASSAGES = pl.Schema(
    {
        "a_start": pl.Int64,
        "a_end": pl.Int64,
        "b_start": pl.Int64,
        "b_end": pl.Int64,
        "a_tok_start": pl.Int64,
        "a_tok_end": pl.Int64,
        "b_tok_start": pl.Int64,
        "b_tok_end": pl.Int64,
        "n_tokens": pl.Int64,
        "in_order": pl.Boolean,
    }
)

#: Edits turning a into b. ``op`` is ``inserted`` (text only in b; a_start ==
#: a_end is where in a), ``deleted`` (only in a; b_start == b_end), ``changed``
#: (a's segment replaced by b's) or ``moved`` (same text, out of order).
#: Offsets as in :data:`PASSAGES`; ``a_tokens``/``b_tokens`` count tokens.
EDITS = pl.Schema(
    {
        "op": pl.String,
        "a_start": pl.Int64,
        "a_end": pl.Int64,
        "b_start": pl.Int64,
        "b_end": pl.Int64,
        "a_tokens": pl.Int64,
        "b_tokens": pl.Int64,
    }
)

_P = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Alignment:
    """Both views of one alignment, plus the token counts they are relative to."""

    passages: pl.DataFrame  # PASSAGES
    edits: pl.DataFrame  # EDITS
    a_tokens: int
    b_tokens: int

    def shared_tokens(self, *, in_order_only: bool = False) -> int:
        p = self.passages.filter(pl.col("in_order")) if in_order_only else self.passages
        return int(p["n_tokens"].sum()) if p.height else 0


def _ids(ta: list[str], tb: list[str]) -> tuple[np.ndarray, np.ndarray]:
    vocab: dict[str, int] = {}
    a = np.fromiter((vocab.setdefault(t, len(vocab) + 1) for t in ta), dtype=np.uint64, count=len(ta))
    b = np.fromiter((vocab.setdefault(t, len(vocab) + 1) for t in tb), dtype=np.uint64, count=len(tb))
    return a, b


def _window_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    n = len(ids) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for t in range(k):
            h = h * _P + ids[t : t + n]
    return h


def match_blocks(a: np.ndarray, b: np.ndarray, *, k: int, max_candidates: int = 16) -> list[tuple[int, int, int]]:
    """One-to-one maximal common runs ``(i, j, n)`` (a[i:i+n] == b[j:j+n], n >= k), by i."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    na, nb = len(a), len(b)
    ha, hb = _window_hashes(a, k), _window_hashes(b, k)
    if not len(ha) or not len(hb):
        return []
    index: dict[int, list[int]] = {}
    for j, h in enumerate(hb.tolist()):
        index.setdefault(h, []).append(j)
    al, bl = a.tolist(), b.tolist()
    used = bytearray(nb)
    blocks: list[tuple[int, int, int]] = []
    ha_l = ha.tolist()
    next_diag = -1  # b position continuing the previous block
    i = 0
    while i < len(ha_l):
        cands = index.get(ha_l[i])
        best_n, best_j = 0, -1
        if cands:
            order = cands if len(cands) <= max_candidates else cands[:max_candidates]
            if next_diag >= 0 and next_diag in cands and next_diag not in order:
                order = [next_diag, *order]
            for j in order:
                if used[j]:
                    continue
                n = 0
                while i + n < na and j + n < nb and al[i + n] == bl[j + n] and not used[j + n]:
                    n += 1
                if n > best_n or (n == best_n and j == next_diag):
                    best_n, best_j = n, j
        if best_n >= k:
            blocks.append((i, best_j, best_n))
            used[best_j : best_j + best_n] = b"\x01" * best_n
            next_diag = best_j + best_n
            i += best_n
        else:
            i += 1
    return blocks


def heaviest_increasing_chain(blocks: list[tuple[int, int, int]]) -> list[bool]:
    """For blocks sorted by i: which belong to the max-weight chain increasing in j."""
    m = len(blocks)
    if m == 0:
        return []
    ranks = {j: r for r, j in enumerate(sorted({b[1] for b in blocks}), start=1)}
    size = len(ranks)
    tree_w = [0] * (size + 1)
    tree_i = [-1] * (size + 1)
    prev = [-1] * m
    best_w, best_end = -1, -1
    for x, (_, j, n) in enumerate(blocks):
        r = ranks[j]
        # max over ranks < r
        q, w_max, i_max = r - 1, 0, -1
        while q > 0:
            if tree_w[q] > w_max:
                w_max, i_max = tree_w[q], tree_i[q]
            q -= q & -q
        w = w_max + n
        prev[x] = i_max
        if w > best_w:
            best_w, best_end = w, x
        q = r
        while q <= size:
            if w > tree_w[q]:
                tree_w[q], tree_i[q] = w, x
            q += q & -q
    keep = [False] * m
    x = best_end
    while x >= 0:
        keep[x] = True
        x = prev[x]
    return keep


def _char_range(spans: list[tuple[int, int]], t0: int, t1: int, text_len: int) -> tuple[int, int]:
    """Characters of tokens [t0, t1); an empty range sits right after token t0-1."""
    if t1 > t0:
        return spans[t0][0], spans[t1 - 1][1]
    pos = spans[t0 - 1][1] if t0 > 0 else (spans[0][0] if spans else 0)
    pos = min(pos, text_len)
    return pos, pos


def _subtract(lo: int, hi: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[lo, hi) minus the (sorted, disjoint) ranges in ``cuts``."""
    out = []
    cur = lo
    for s, e in cuts:
        if e <= cur or s >= hi:
            continue
        if s > cur:
            out.append((cur, s))
        cur = max(cur, e)
    if cur < hi:
        out.append((cur, hi))
    return out


@functools.lru_cache(maxsize=2048)
def _tokenized(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Tokens and their spans, cached: lineage aligns one article against several."""
    return tuple(tokens(text)), tuple(token_spans(text))


def token_blocks(
    ta: Sequence[str], tb: Sequence[str], *, k: int = 5, max_candidates: int = 16
) -> tuple[list[tuple[int, int, int]], list[bool]]:
    """Shared token runs ``(i, j, n)`` of two token sequences, by i, and which are in order.

    The allocation-free core of :func:`align`, for callers that need only
    token statistics.
    """
    a, b = _ids(list(ta), list(tb))
    blocks = match_blocks(a, b, k=k, max_candidates=max_candidates)
    # Merge runs contiguous on both sides (possible when extension stopped at a used token).
    merged: list[tuple[int, int, int]] = []
    for blk in blocks:
        if merged and merged[-1][0] + merged[-1][2] == blk[0] and merged[-1][1] + merged[-1][2] == blk[1]:
            i, j, n = merged[-1]
            merged[-1] = (i, j, n + blk[2])
        else:
            merged.append(blk)
    return merged, heaviest_increasing_chain(merged)


def align(text_a: str, text_b: str, *, k: int = 5, max_candidates: int = 16, refine_max: int = 64) -> Alignment:
    """Shared passages and edits between ``text_a`` and ``text_b`` (see module docstring)."""
    ta, sa = _tokenized(text_a or "")
    tb, sb = _tokenized(text_b or "")
    blocks, keep = token_blocks(ta, tb, k=k, max_candidates=max_candidates)
    la, lb = len(text_a or ""), len(text_b or "")

    prow: dict[str, list] = {name: [] for name in PASSAGES.names()}
    for (i, j, n), ok in zip(blocks, keep, strict=False):
        a0, a1 = _char_range(sa, i, i + n, la)
        b0, b1 = _char_range(sb, j, j + n, lb)
        for name, v in zip(
            PASSAGES.names(), (a0, a1, b0, b1, i, i + n, j, j + n, n, ok), strict=False
        ):
            prow[name].append(v)
    passages = pl.DataFrame(prow, schema=PASSAGES)

    erows: list[tuple] = []

    def emit(op: str, a_t0: int, a_t1: int, b_t0: int, b_t1: int) -> None:
        a0, a1 = _char_range(sa, a_t0, a_t1, la)
        b0, b1 = _char_range(sb, b_t0, b_t1, lb)
        erows.append((op, a0, a1, b0, b1, a_t1 - a_t0, b_t1 - b_t0))

    moved = [blk for blk, ok in zip(blocks, keep, strict=False) if not ok]
    moved_a = sorted((i, i + n) for i, _, n in moved)
    moved_b = sorted((j, j + n) for _, j, n in moved)
    for i, j, n in moved:
        emit("moved", i, i + n, j, j + n)
    anchors = [blk for blk, ok in zip(blocks, keep, strict=False) if ok]
    prev_a = prev_b = 0
    for i, j, n in [*anchors, (len(ta), len(tb), 0)]:
        ra = _subtract(prev_a, i, moved_a)
        rb = _subtract(prev_b, j, moved_b)
        if len(ra) <= 1 and len(rb) <= 1 and (ra or rb):
            a_t0, a_t1 = ra[0] if ra else (prev_a, prev_a)
            b_t0, b_t1 = rb[0] if rb else (prev_b, prev_b)
            if not ra:
                a_t0 = a_t1 = i  # insertion point: right before the next anchor
            if not rb:
                b_t0 = b_t1 = j
            _gap_edits(emit, ta, tb, a_t0, a_t1, b_t0, b_t1, refine_max)
        else:
            for s, e in ra:
                emit("deleted", s, e, j, j)
            for s, e in rb:
                emit("inserted", i, i, s, e)
        prev_a, prev_b = i + n, j + n
    erows.sort(key=lambda r: (r[1], r[3]))
    edit_df = pl.DataFrame(erows, schema=EDITS, orient="row")
    return Alignment(passages=passages, edits=edit_df, a_tokens=len(ta), b_tokens=len(tb))


def _gap_edits(emit, ta, tb, a0: int, a1: int, b0: int, b1: int, refine_max: int) -> None:  # noqa: ANN001
    if a1 == a0 and b1 == b0:
        return
    if a1 == a0:
        emit("inserted", a0, a0, b0, b1)
        return
    if b1 == b0:
        emit("deleted", a0, a1, b0, b0)
        return
    if a1 - a0 <= refine_max and b1 - b0 <= refine_max:
        sm = difflib.SequenceMatcher(None, ta[a0:a1], tb[b0:b1], autojunk=False)
        for tag, i0, i1, j0, j1 in sm.get_opcodes():
            if tag == "equal":
                continue
            op = {"replace": "changed", "delete": "deleted", "insert": "inserted"}[tag]
            emit(op, a0 + i0, a0 + i1, b0 + j0, b0 + j1)
        return
    emit("changed", a0, a1, b0, b1)


def tokenized(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """``(tokens, token_spans)`` of ``text`` (cached)."""
    return _tokenized(text or "")


def aligned_passages(text_a: str, text_b: str, *, k: int = 5) -> pl.DataFrame:
    """Shared passages of two texts (schema :data:`PASSAGES`), ordered by position in a."""
    return align(text_a, text_b, k=k).passages


def edits(text_a: str, text_b: str, *, k: int = 5) -> pl.DataFrame:
    """Edits that turn ``text_a`` into ``text_b`` (schema :data:`EDITS`), ordered by position in a."""
    return align(text_a, text_b, k=k).edits
