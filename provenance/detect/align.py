"""Passage alignment: where two texts share text, and what was edited between them.

This module owns the token-level alignment of two texts, reported in
character offsets of the ORIGINAL texts (via
:func:`provenance.detect.normalize.token_spans`), so a passage or an edit can be
shown highlighted in either article. Lineage uses it to tell a trimmed copy
from one with an added intro, a lifted passage from a paraphrase; the
dashboard uses it to show what a copier changed.

How (near-linear; no quadratic diff of whole texts):

1. Tokenize both texts with :func:`provenance.detect.normalize.tokens`; map tokens
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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numba import njit

from provenance.detect.cooccur import _grown
from provenance.detect.normalize import (
    STANDALONE,
    WORD,
    char_classes,
    code_points,
    normalize,
    token_spans,
    tokens,
)
from provenance.schemas import EDITS, PASSAGES

__all__ = [
    "PASSAGES", "EDITS", "Alignment", "TokenIndex", "align", "aligned_passages", "edits", "token_blocks", "tokenized",
]

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


# --------------------------------------------------------------------------
# Many texts at once (lineage aligns each article with several others)
# --------------------------------------------------------------------------
#
# ``TokenIndex`` tokenizes a batch of texts in one numba pass over their
# normalized code points (``tokens(text)`` is the runs of WORD characters and
# the single STANDALONE characters of ``normalize(text)``, by
# ``normalize.char_classes``), gives equal tokens equal ids across the batch
# (a hash table whose slots compare the tokens' code points, so the ids are
# exact), and aligns two of its texts with a numba port of
# :func:`match_blocks`. The port renumbers the pair's tokens by first
# appearance in a then in b, as :func:`_ids` does, so window hashes, candidate
# lists and therefore blocks are those of :func:`token_blocks` on the tokens.


@njit(cache=True, nogil=True)
def _k_tokens(cps: np.ndarray, offsets: np.ndarray, table: np.ndarray, word: int, standalone: int):  # noqa: ANN202
    """Token [start, end) in ``cps`` and token offsets per text, for texts cps[offsets[t]:offsets[t+1]]."""
    n = len(cps)
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    tok_off = np.empty(len(offsets), dtype=np.int64)
    m = 0
    for t in range(len(offsets) - 1):
        tok_off[t] = m
        i = offsets[t]
        e = offsets[t + 1]
        while i < e:
            c = table[cps[i]]
            if c == word:
                j = i + 1
                while j < e and table[cps[j]] == word:
                    j += 1
                starts[m] = i
                ends[m] = j
                m += 1
                i = j
            elif c == standalone:
                starts[m] = i
                ends[m] = i + 1
                m += 1
                i += 1
            else:
                i += 1
    tok_off[len(offsets) - 1] = m
    return starts[:m], ends[:m], tok_off


@njit(cache=True, nogil=True)
def _k_token_ids(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray, group_off: np.ndarray) -> np.ndarray:
    """Per group of tokens (``group_off``): ids 0..V-1 by first appearance, equal exactly
    for equal tokens (code point sequences) of the group.

    An open-addressing table keyed by the token itself: its 64-bit hash picks
    the first slot, and a slot is the token's only if the code points agree,
    compared with a copy of each distinct token kept in a small arena (the
    token's first occurrence lies anywhere in hundreds of MB of code points:
    a cache miss per token). The table is sized by the distinct tokens seen
    (doubled at a quarter full, between runs of :func:`_k_token_ids_run`), not by
    the token count. A rewrite pool of 60k articles holds 26M tokens and 100k
    distinct ones: 3.5 s with a table of 26M slots and comparisons in place,
    a fraction of that now. Emptied between groups, it stays in cache. A slot is
    one 8-byte word (31 bits of the hash above the id), and the table is kept at
    most a quarter full so probe runs stay short: on 150k articles of the fast
    synthetic mode (66.5M tokens, 100k distinct) that took 85-94 ns a token
    down to 46-58 (16-byte slots, half full, before).
    """
    size = 1024
    slots = np.full(size, -1, dtype=np.int64)  # per slot: -1, or the hash's high bits << 32 | id (8 bytes)
    filled = np.empty(size // 4, dtype=np.int64)  # the slot of each id
    id_hash = np.empty(size // 4, dtype=np.uint64)
    rep_off = np.empty(size // 4 + 1, dtype=np.int64)  # each id's token: arena[rep_off[i]:rep_off[i + 1]]
    rep_off[0] = 0
    arena = np.empty(8 * size, dtype=cps.dtype)
    ids = np.empty(len(starts), dtype=np.int64)
    g, x, nxt = 0, group_off[0] if len(group_off) else 0, 0
    while True:
        g, x, nxt = _k_token_ids_run(cps, starts, ends, group_off, g, x, nxt,
                                     slots, filled, id_hash, rep_off, arena, ids)
        if g >= len(group_off) - 1:
            return ids
        need = rep_off[nxt] + ends[x] - starts[x]
        if need > len(arena):  # the arena is full: grow it
            arena = _grown(arena, max(2 * len(arena), need), rep_off[nxt])
            continue
        size *= 2  # the table is a quarter full: double it and re-place every id of the group so far
        mask = np.uint64(size - 1)
        slots = np.full(size, -1, dtype=np.int64)
        filled = _grown(filled, size // 4, nxt)
        id_hash = _grown(id_hash, size // 4, nxt)
        rep_off = _grown(rep_off, size // 4 + 1, nxt + 1)
        for r in range(nxt):
            q = id_hash[r] & mask
            while slots[q] >= 0:
                q = (q + np.uint64(1)) & mask
            slots[q] = (np.int64(id_hash[r] >> np.uint64(33)) << 32) | r
            filled[r] = q


@njit(cache=True, nogil=True)
def _k_token_ids_run(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray, group_off: np.ndarray,
                     g0: int, x0: int, nxt0: int, slots: np.ndarray, filled: np.ndarray,
                     id_hash: np.ndarray, rep_off: np.ndarray, arena: np.ndarray, ids: np.ndarray):  # noqa: ANN202
    """:func:`_k_token_ids` from token ``x0`` of group ``g0`` (``nxt0`` ids given so far) until the
    table is a quarter full, the arena cannot take the next token or every group is done: returns
    (group, token, ids given) to resume from."""
    mask = np.uint64(len(slots) - 1)
    limit = len(slots) // 4
    nxt = nxt0
    x = x0
    for g in range(g0, len(group_off) - 1):
        if g > g0:
            nxt = 0
            x = group_off[g]
        while x < group_off[g + 1]:
            s0 = starts[x]
            ln = ends[x] - s0
            h = np.uint64(0xCBF29CE484222325)
            for i in range(s0, s0 + ln):
                h = (h ^ np.uint64(cps[i])) * np.uint64(0x100000001B3)
            h = (h ^ np.uint64(ln)) * np.uint64(0x100000001B3)
            # FNV's low bits depend only on the code points' low bits: mix the high ones down (a bijection,
            # so equal hashes still mean equal before) or the table's slots cluster
            h ^= h >> np.uint64(33)
            h *= np.uint64(0xFF51AFD7ED558CCD)
            h ^= h >> np.uint64(33)
            tag = np.int64(h >> np.uint64(33))
            pos = h & mask
            while True:
                v = slots[pos]
                if v < 0:
                    a0 = rep_off[nxt]
                    if nxt == limit or a0 + ln > len(arena):
                        return g, x, nxt
                    slots[pos] = (tag << 32) | nxt
                    filled[nxt] = pos
                    id_hash[nxt] = h
                    for i in range(ln):
                        arena[a0 + i] = cps[s0 + i]
                    rep_off[nxt + 1] = a0 + ln
                    ids[x] = nxt
                    nxt += 1
                    break
                if (v >> 32) == tag:
                    sid = v & 0xFFFFFFFF
                    q = rep_off[sid]
                    if rep_off[sid + 1] - q == ln:
                        same = True
                        for i in range(ln):
                            if cps[s0 + i] != arena[q + i]:
                                same = False
                                break
                        if same:
                            ids[x] = sid
                            break
                pos = (pos + np.uint64(1)) & mask
            x += 1
        for r in range(nxt):
            slots[filled[r]] = -1
    return len(group_off) - 1, 0, 0


@njit(cache=True, nogil=True)
def _k_window_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    n = len(ids) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    p = np.uint64(0x9E3779B97F4A7C15)
    h = np.zeros(n, dtype=np.uint64)
    for t in range(k):
        for i in range(n):
            h[i] = h[i] * p + ids[t + i]
    return h


@njit(cache=True, nogil=True)
def _k_match_blocks(ga: np.ndarray, gb: np.ndarray, local: np.ndarray, stamp: np.ndarray, pair: int,
                    k: int, max_candidates: int):  # noqa: ANN202
    """:func:`match_blocks` of two texts given their global token ids (see above); (i, j, n) arrays."""
    na, nb = len(ga), len(gb)
    a = np.empty(na, dtype=np.uint64)
    b = np.empty(nb, dtype=np.uint64)
    nxt = 1
    for t in range(na):  # renumber by first appearance, as _ids does
        g = ga[t]
        if stamp[g] != pair:
            stamp[g] = pair
            local[g] = nxt
            nxt += 1
        a[t] = local[g]
    for t in range(nb):
        g = gb[t]
        if stamp[g] != pair:
            stamp[g] = pair
            local[g] = nxt
            nxt += 1
        b[t] = local[g]
    ha = _k_window_hashes(a, k)
    hb = _k_window_hashes(b, k)
    out_i = np.empty(0, dtype=np.int64)
    if len(ha) == 0 or len(hb) == 0:
        return out_i, out_i, out_i
    # Positions of each hash, ascending, grouped by hash: perm[lo:hi] for the group found in an open-addressing
    # table (what a stable argsort of hb gave, without the sort: only positions within a group are used).
    nbh = len(hb)
    cap = 16
    while cap < 2 * nbh:
        cap <<= 1
    mask = cap - 1
    slot_key = np.empty(cap, dtype=np.uint64)
    slot_n = np.zeros(cap, dtype=np.int64)
    slot_lo = np.zeros(cap, dtype=np.int64)
    slot_of = np.empty(nbh, dtype=np.int64)
    for j in range(nbh):
        v = hb[j]
        sl = np.int64((v ^ (v >> np.uint64(31))) & np.uint64(mask))
        while slot_n[sl] > 0 and slot_key[sl] != v:
            sl = (sl + 1) & mask
        slot_key[sl] = v
        slot_n[sl] += 1
        slot_of[j] = sl
    start = 0
    for sl in range(cap):
        slot_lo[sl] = start
        start += slot_n[sl]
    fill = slot_lo.copy()
    perm = np.empty(nbh, dtype=np.int64)
    for j in range(nbh):
        sl = slot_of[j]
        perm[fill[sl]] = j
        fill[sl] += 1
    used = np.zeros(nb, dtype=np.bool_)
    bi = np.empty(na, dtype=np.int64)
    bj = np.empty(na, dtype=np.int64)
    bn = np.empty(na, dtype=np.int64)
    nblk = 0
    next_diag = -1
    i = 0
    while i < len(ha):
        v = ha[i]
        sl = np.int64((v ^ (v >> np.uint64(31))) & np.uint64(mask))
        lo = 0
        hi = 0
        while slot_n[sl] > 0:
            if slot_key[sl] == v:
                lo = slot_lo[sl]
                hi = lo + slot_n[sl]
                break
            sl = (sl + 1) & mask
        best_n = 0
        best_j = -1
        if hi > lo:
            stop = hi if hi - lo <= max_candidates else lo + max_candidates
            prefix = False
            if hi - lo > max_candidates and next_diag >= 0 and next_diag < len(hb) and hb[next_diag] == ha[i]:
                rank = lo + np.searchsorted(perm[lo:hi], next_diag)
                prefix = rank >= stop
            for y in range(lo - 1 if prefix else lo, stop):
                j = next_diag if y < lo else perm[y]
                if used[j]:
                    continue
                n = 0
                while i + n < na and j + n < nb and a[i + n] == b[j + n] and not used[j + n]:
                    n += 1
                if n > best_n or (n == best_n and j == next_diag):
                    best_n = n
                    best_j = j
        if best_n >= k:
            bi[nblk] = i
            bj[nblk] = best_j
            bn[nblk] = best_n
            nblk += 1
            used[best_j : best_j + best_n] = True
            next_diag = best_j + best_n
            i += best_n
        else:
            i += 1
    return bi[:nblk], bj[:nblk], bn[:nblk]


@njit(cache=True, nogil=True)
def _k_merge_runs(bi: np.ndarray, bj: np.ndarray, bn: np.ndarray) -> int:
    """Merge blocks contiguous on both sides in place, as token_blocks does; the number left."""
    m = 0
    for x in range(len(bi)):
        if m > 0 and bi[m - 1] + bn[m - 1] == bi[x] and bj[m - 1] + bn[m - 1] == bj[x]:
            bn[m - 1] += bn[x]
        else:
            bi[m] = bi[x]
            bj[m] = bj[x]
            bn[m] = bn[x]
            m += 1
    return m


@njit(cache=True, nogil=True)
def _k_chain(bj: np.ndarray, bn: np.ndarray, m: int) -> np.ndarray:
    """Of the first m blocks (sorted by i, distinct j): which belong to the heaviest chain increasing in
    j, as :func:`heaviest_increasing_chain` decides."""
    order = np.argsort(bj[:m])
    rank = np.empty(m, dtype=np.int64)
    for r in range(m):
        rank[order[r]] = r + 1
    tree_w = np.zeros(m + 1, dtype=np.int64)
    tree_i = np.full(m + 1, -1, dtype=np.int64)
    prev = np.full(m, -1, dtype=np.int64)
    best_w = -1
    best_end = -1
    for x in range(m):
        r = rank[x]
        q = r - 1
        w_max = 0
        i_max = -1
        while q > 0:
            if tree_w[q] > w_max:
                w_max = tree_w[q]
                i_max = tree_i[q]
            q -= q & -q
        w = w_max + bn[x]
        prev[x] = i_max
        if w > best_w:
            best_w = w
            best_end = x
        q = r
        while q <= m:
            if w > tree_w[q]:
                tree_w[q] = w
                tree_i[q] = x
            q += q & -q
    keep = np.zeros(m, dtype=np.bool_)
    x = best_end
    while x >= 0:
        keep[x] = True
        x = prev[x]
    return keep


@njit(cache=True, nogil=True)
def _k_signal_counts(ga: np.ndarray, gb: np.ndarray, local: np.ndarray, stamp: np.ndarray, pair: int, k: int,
                     max_candidates: int, quoted: np.ndarray) -> np.ndarray:
    """Integer passage statistics of b (child) against a (parent); see :meth:`TokenIndex.signal_counts`."""
    bi, bj, bn = _k_match_blocks(ga, gb, local, stamp, pair, k, max_candidates)
    m = _k_merge_runs(bi, bj, bn)
    nc, np_ = len(gb), len(ga)
    out = np.zeros(13, dtype=np.int64)
    out[0] = nc
    out[1] = np_
    out[8] = nc  # prefix_inserted
    out[10] = np_  # prefix_deleted
    if m == 0:
        return out
    keep = _k_chain(bj, bn, m)
    shared = 0
    in_order = 0
    longest = 0
    n_quoted = 0
    tenths = np.zeros(10, dtype=np.bool_)
    p_ins = nc
    s_ins_end = -1
    p_del = np_
    s_del_end = -1
    for x in range(m):
        i, j, n = bi[x], bj[x], bn[x]
        shared += n
        if n > longest:
            longest = n
        if nc > 0:
            for t in range(10 * j // nc, (10 * (j + n - 1)) // nc + 1):
                tenths[t] = True
        if len(quoted) > 0:
            n_quoted += quoted[j + n] - quoted[j]
        if keep[x]:
            in_order += n
            p_ins = min(p_ins, j)
            s_ins_end = max(s_ins_end, j + n)
            p_del = min(p_del, i)
            s_del_end = max(s_del_end, i + n)
    out[2] = shared
    out[3] = in_order
    out[4] = longest
    out[5] = m
    out[6] = tenths.sum()
    out[7] = n_quoted
    out[8] = p_ins
    out[9] = nc - s_ins_end
    out[10] = p_del
    out[11] = np_ - s_del_end
    out[12] = 1
    return out


_NO_QUOTES = np.empty(0, dtype=np.int64)


@njit(cache=True, nogil=True)
def _k_signal_counts_many(ids: np.ndarray, tok_off: np.ndarray, local: np.ndarray, stamp: np.ndarray, pair0: int,
                          k: int, max_candidates: int, q_flat: np.ndarray, q_off: np.ndarray, ps: np.ndarray,
                          cs: np.ndarray) -> np.ndarray:
    """:func:`_k_signal_counts` of text ``cs[r]`` against text ``ps[r]`` for every r, one row each.

    ``q_flat[q_off[t]:q_off[t + 1]]`` are text t's quoted running counts (empty: none). Alignment r
    uses stamp ``pair0 + r``.
    """
    out = np.empty((len(ps), 13), dtype=np.int64)
    for r in range(len(ps)):
        a, b = ps[r], cs[r]
        out[r] = _k_signal_counts(ids[tok_off[a]:tok_off[a + 1]], ids[tok_off[b]:tok_off[b + 1]], local, stamp,
                                  pair0 + r, k, max_candidates, q_flat[q_off[b]:q_off[b + 1]])
    return out


@functools.cache
def _classes() -> np.ndarray:
    return np.ascontiguousarray(char_classes())


@njit(cache=True, nogil=True)
def _k_first_positions(ids: np.ndarray):  # noqa: ANN202
    """(every id that occurs, ascending; the position of its first occurrence): ``np.unique``'s
    values and ``return_index`` for small non-negative ids."""
    first = np.full(int(ids.max()) + 1, -1, dtype=np.int64)
    n = 0
    for t in range(len(ids)):
        g = ids[t]
        if first[g] < 0:
            first[g] = t
            n += 1
    uniq = np.empty(n, dtype=ids.dtype)
    pos = np.empty(n, dtype=np.int64)
    m = 0
    for g in range(len(first)):
        if first[g] >= 0:
            uniq[m] = g
            pos[m] = first[g]
            m += 1
    return uniq, pos


def _tokenize_all(texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray, tuple]:
    """Normalized texts, their code points (offsets; concatenated) and ``_k_tokens``' (starts, ends, first
    token of each text) over them. The texts are joined and encoded once: per-text buffers and their
    concatenation held every code point twice (a gigabyte per 300k articles)."""
    norms = [normalize(t) for t in texts]
    lens = np.fromiter((len(x) for x in norms), dtype=np.int64, count=len(norms))  # code points: utf-32 units
    offsets = np.zeros(len(norms) + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    cps = np.frombuffer("".join(norms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return norms, offsets, cps, _k_tokens(cps, offsets, _classes(), WORD, STANDALONE)


def token_counts(texts: Sequence[str | None]) -> np.ndarray:
    """Tokens of each text: ``TokenIndex(texts).n_tokens(i)`` for every i, without the shared ids (and
    without the token positions, which cost 16 bytes per character)."""
    norms = [normalize(t or "") for t in texts]
    parts = [_k_token_counts(cps, off, _classes(), WORD, STANDALONE) for _, cps, off in code_points(norms)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


@njit(cache=True, nogil=True)
def _k_token_counts(cps: np.ndarray, offsets: np.ndarray, table: np.ndarray, word: int, standalone: int) -> np.ndarray:
    """Per text: how many tokens :func:`_k_tokens` finds (runs of WORD characters, single STANDALONE ones)."""
    out = np.zeros(len(offsets) - 1, dtype=np.int64)
    for t in range(len(offsets) - 1):
        n = 0
        in_word = False
        for i in range(offsets[t], offsets[t + 1]):
            c = table[cps[i]]
            if c == word:
                if not in_word:
                    n += 1
                in_word = True
            else:
                in_word = False
                if c == standalone:
                    n += 1
        out[t] = n
    return out


class TokenIndex:
    """Tokens of many texts with ids shared across them, for fast pairwise :func:`token_blocks`.

    ``blocks(a, b)`` equals ``token_blocks(tokens(texts[a]), tokens(texts[b]))``;
    ``starts(i)`` equals the start offsets of ``token_spans(texts[i])``.
    ``groups`` (first text of each group, ascending from 0) limits the shared
    ids to texts of one group: only texts of one group can then be aligned.
    """

    def __init__(self, texts: Sequence[str | None], *, groups: Sequence[int] | None = None) -> None:
        self.texts = [t or "" for t in texts]
        norms, offsets, cps, (starts, ends, tok_off) = _tokenize_all(self.texts)
        n_texts = len(norms)
        self._norms = norms
        firsts = np.array([0] if groups is None else list(groups), dtype=np.int64)
        if len(firsts) == 0 or firsts[0] != 0 or np.any(np.diff(firsts) < 0) or firsts[-1] > n_texts:
            raise ValueError("groups must start at 0 and ascend")
        self._group_of = np.zeros(n_texts, dtype=np.int64)
        self._group_of[firsts[1:][firsts[1:] < n_texts]] = 1
        self._group_of = np.cumsum(self._group_of)
        ids = _k_token_ids(cps, starts, ends, tok_off[np.append(firsts, n_texts)])
        # Kept as int32 while they fit (ids below the token count, positions below the code point count):
        # the rewrite stage holds these for a pool of 300k articles (130M tokens) through its joins,
        # where a 1M ingest peaks, and int64 made them 3 GB.
        # One at a time, each int64 array dropped before the next copy, so this does not raise the peak.
        small = len(cps) < 2**31
        del cps
        self._ids = ids.astype(np.int32) if small else ids
        del ids
        self._starts = starts.astype(np.int32) if small else starts
        del starts
        self._ends = ends.astype(np.int32) if small else ends
        del ends
        self._offsets = offsets
        self._tok_off = tok_off
        vocab = int(self._ids.max()) + 1 if len(self._ids) else 1
        self._local = np.zeros(vocab, dtype=np.uint64)
        self._stamp = np.full(vocab, -1, dtype=np.int64)
        self._pair = 0
        self._span_starts: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def ids(self, i: int) -> np.ndarray:
        return self._ids[self._tok_off[i] : self._tok_off[i + 1]]

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        """(token ids of every text, concatenated; offsets): text i is ``ids[off[i]:off[i + 1]]``."""
        return self._ids, self._tok_off

    def vocabulary(self, max_len: int) -> dict[str, int]:
        """Normalized token -> id, for the tokens of at most ``max_len`` characters."""
        out: dict[str, int] = {}
        if len(self._ids) == 0:
            return out
        uniq, first = _k_first_positions(self._ids)  # np.unique(ids, return_index=True), without the sort
        short = (self._ends[first] - self._starts[first]) <= max_len
        text_of = np.searchsorted(self._tok_off, first[short], side="right") - 1
        for tid, pos, t in zip(uniq[short].tolist(), first[short].tolist(), text_of.tolist(), strict=True):
            base = self._offsets[t]
            out[self._norms[t][self._starts[pos] - base:self._ends[pos] - base]] = tid
        return out

    def n_tokens(self, i: int) -> int:
        return int(self._tok_off[i + 1] - self._tok_off[i])

    def blocks(
        self, a: int, b: int, *, k: int = 5, max_candidates: int = 16, chain: bool = True
    ) -> tuple[list[tuple[int, int, int]], list[bool]]:
        """``token_blocks`` of texts a and b (``chain=False``: the in-order flags are left empty)."""
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        self._same_group(a, b)
        self._pair += 1
        bi, bj, bn = _k_match_blocks(self.ids(a), self.ids(b), self._local, self._stamp, self._pair, k,
                                     max_candidates)
        merged: list[tuple[int, int, int]] = []
        for blk in zip(bi.tolist(), bj.tolist(), bn.tolist(), strict=True):
            if merged and merged[-1][0] + merged[-1][2] == blk[0] and merged[-1][1] + merged[-1][2] == blk[1]:
                i, j, n = merged[-1]
                merged[-1] = (i, j, n + blk[2])
            else:
                merged.append(blk)
        return merged, (heaviest_increasing_chain(merged) if chain else [])

    def signal_counts(
        self, a: int, b: int, *, k: int = 5, max_candidates: int = 16, quoted: np.ndarray | None = None
    ) -> tuple[int, ...]:
        """Integer statistics of how text b reuses text a, from ``blocks(a, b)``:

        (b's tokens, a's tokens, shared tokens, of those in the in-order chain,
        longest block, blocks, tenths of b touched, shared tokens counted by
        ``quoted`` (running counts over b's tokens; 0 without), b tokens before
        the first / after the last in-order block, a tokens likewise, whether
        there are blocks).
        """
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        self._same_group(a, b)
        self._pair += 1
        q = _NO_QUOTES if quoted is None else np.ascontiguousarray(quoted, dtype=np.int64)
        got = _k_signal_counts(self.ids(a), self.ids(b), self._local, self._stamp, self._pair, k, max_candidates, q)
        return tuple(got.tolist())

    def signal_counts_many(
        self, ps: np.ndarray, cs: np.ndarray, *, k: int = 5, max_candidates: int = 16,
        quoted: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """:meth:`signal_counts` of text ``cs[r]`` against text ``ps[r]`` for every r: one row of 13
        each, in one compiled loop (no Python per pair). ``quoted`` is (flat running counts, offsets
        per text: text t's are ``flat[off[t]:off[t + 1]]``, empty for a text without quotations)."""
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        ps = np.ascontiguousarray(ps, dtype=np.int64)
        cs = np.ascontiguousarray(cs, dtype=np.int64)
        if len(ps) != len(cs):
            raise ValueError("ps and cs differ in length")
        if len(ps) and np.any(self._group_of[ps] != self._group_of[cs]):
            raise ValueError("texts of a pair are in different groups")
        if quoted is None:
            q_flat, q_off = _NO_QUOTES, np.zeros(len(self.texts) + 1, dtype=np.int64)
        else:
            q_flat, q_off = (np.ascontiguousarray(x, dtype=np.int64) for x in quoted)
        pair0 = self._pair + 1
        self._pair += len(ps)
        return _k_signal_counts_many(self._ids, self._tok_off, self._local, self._stamp, pair0, k, max_candidates,
                                     q_flat, q_off, ps, cs)

    def pair_scratch(self, n_pairs: int) -> tuple[np.ndarray, np.ndarray, int]:
        """(local, stamp, first pair number) for a compiled loop making ``n_pairs`` calls of
        ``_k_match_blocks`` over :meth:`flat` (call r uses pair number first + r). One group only."""
        if len(self._group_of) and self._group_of[-1] != 0:
            raise ValueError("pair_scratch needs one group of texts")
        pair0 = self._pair + 1
        self._pair += n_pairs
        return self._local, self._stamp, pair0

    def _same_group(self, a: int, b: int) -> None:
        if self._group_of[a] != self._group_of[b]:
            raise ValueError(f"texts {a} and {b} are in different groups")

    def plain(self, i: int) -> bool:
        """Whether normalization moved no character of text i: its token starts are then
        ``flat_starts()[0][tok_off[i]:tok_off[i + 1]] - flat_starts()[1][i]``."""
        text, norm = self.texts[i], self._norms[i]
        if text.isascii():  # NFKC is the identity, lowering moves nothing, no character is deleted
            return True
        return len(norm) == len(text) and norm == text.lower() and unicodedata.is_normalized("NFKC", text)

    def flat_starts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start of every token in the concatenated normalized texts, each text's first character there,
        each text's first token: ``flat()``'s offsets)."""
        return self._starts, self._offsets, self._tok_off

    def starts(self, i: int) -> np.ndarray:
        """Start offset in the original text of each token of text i (``token_spans``)."""
        got = self._span_starts.get(i)
        if got is None:
            if self.plain(i):
                got = self._starts[self._tok_off[i] : self._tok_off[i + 1]] - self._offsets[i]
            else:  # normalization moved characters: token_spans maps offsets back
                got = np.array([s for s, _ in token_spans(self.texts[i])], dtype=np.int64)
            self._span_starts[i] = got
        return got


def tokenized(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """``(tokens, token_spans)`` of ``text`` (cached)."""
    return _tokenized(text or "")


def aligned_passages(text_a: str, text_b: str, *, k: int = 5) -> pl.DataFrame:
    """Shared passages of two texts (schema :data:`PASSAGES`), ordered by position in a."""
    return align(text_a, text_b, k=k).passages


def edits(text_a: str, text_b: str, *, k: int = 5) -> pl.DataFrame:
    """Edits that turn ``text_a`` into ``text_b`` (schema :data:`EDITS`), ordered by position in a."""
    return align(text_a, text_b, k=k).edits
