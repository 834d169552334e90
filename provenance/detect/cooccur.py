"""Shared-item counts between sets, compiled: the core of anchor candidates.

Documents are sets of anchors; two documents are candidates when they share
enough of them. Counting that with a relational self-join materializes one row
per (anchor, doc, doc) before grouping, and on wire-heavy corpora almost all of
those rows belong to pairs that never reach the threshold (97% of the distinct
pairs at 30k synthetic articles). Here each driving set sweeps the postings of
its items into a dense counter, so nothing but the qualifying pairs is written.

Everything works on dense indices: items are ``0..n_items-1`` and sets
``0..n_sets-1``, with postings given item-major in CSR form (``item_off``,
``item_sets``), each item's sets ascending.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def transpose(item_off: np.ndarray, item_sets: np.ndarray, n_sets: int) -> tuple[np.ndarray, np.ndarray]:
    """Set-major CSR (set_off, set_items) of item-major postings; each set's items come out ascending."""
    set_off = np.zeros(n_sets + 1, dtype=np.int64)
    for p in range(item_sets.shape[0]):
        set_off[item_sets[p] + 1] += 1
    for s in range(n_sets):
        set_off[s + 1] += set_off[s]
    fill = set_off[:-1].copy()
    set_items = np.empty(item_sets.shape[0], dtype=np.int64)
    for i in range(item_off.shape[0] - 1):
        for p in range(item_off[i], item_off[i + 1]):
            s = item_sets[p]
            set_items[fill[s]] = i
            fill[s] += 1
    return set_off, set_items


@njit(cache=True, nogil=True)
def _set_hashes(set_off: np.ndarray, set_items: np.ndarray) -> np.ndarray:
    n = set_off.shape[0] - 1
    out = np.empty(n, dtype=np.uint64)
    for s in range(n):
        h = np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(set_off[s + 1] - set_off[s])
        for p in range(set_off[s], set_off[s + 1]):
            h = (h ^ np.uint64(set_items[p])) * np.uint64(0x100000001B3)
            h ^= h >> np.uint64(29)
        out[s] = h
    return out


@njit(cache=True, nogil=True)
def _same_set(set_off: np.ndarray, set_items: np.ndarray, x: int, y: int) -> bool:
    n = set_off[x + 1] - set_off[x]
    if n != set_off[y + 1] - set_off[y]:
        return False
    for k in range(n):  # noqa: SIM110 - numba kernel: a plain loop, no generator
        if set_items[set_off[x] + k] != set_items[set_off[y] + k]:
            return False
    return True


@njit(cache=True, nogil=True)
def _assign_groups(set_off: np.ndarray, set_items: np.ndarray, hashes: np.ndarray, order: np.ndarray) -> np.ndarray:
    rep = np.empty(order.shape[0], dtype=np.int64)
    found = np.empty(order.shape[0], dtype=np.int64)  # the representatives of one run of equal hashes
    start = 0
    while start < order.shape[0]:
        end = start
        while end < order.shape[0] and hashes[order[end]] == hashes[order[start]]:
            end += 1
        k = 0
        for q in range(start, end):
            s = order[q]
            rep[s] = s
            for j in range(k):
                if _same_set(set_off, set_items, found[j], s):
                    rep[s] = found[j]
                    break
            if rep[s] == s:
                found[k] = s
                k += 1
        start = end
    return rep


def identical_sets(set_off: np.ndarray, set_items: np.ndarray) -> np.ndarray:
    """int64 [n_sets]: for each set, the lowest-numbered set with exactly the same items.

    Sets are bucketed by a hash and compared whole within a bucket, so a hash
    collision never merges two different sets.
    """
    hashes = _set_hashes(set_off, set_items)
    order = np.argsort(hashes, kind="stable")  # within a bucket, ascending set number: the first is the lowest
    return _assign_groups(set_off, set_items, hashes, order)


@njit(cache=True, nogil=True)
def drivers_last(item_off: np.ndarray, item_sets: np.ndarray, is_driver: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each item's sets reordered as non-drivers then drivers, both ascending, and where the drivers start."""
    out = np.empty_like(item_sets)
    split = np.empty(item_off.shape[0] - 1, dtype=np.int64)
    for i in range(item_off.shape[0] - 1):
        k = item_off[i]
        for p in range(item_off[i], item_off[i + 1]):
            if not is_driver[item_sets[p]]:
                out[k] = item_sets[p]
                k += 1
        split[i] = k
        for p in range(item_off[i], item_off[i + 1]):
            if is_driver[item_sets[p]]:
                out[k] = item_sets[p]
                k += 1
    return out, split


@njit(cache=True, nogil=True)
def shared_counts(
    item_off: np.ndarray,
    item_split: np.ndarray,
    item_sets: np.ndarray,
    set_off: np.ndarray,
    set_items: np.ndarray,
    drivers: np.ndarray,
    min_shared: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (x, y, shared) of sets sharing at least ``min_shared`` items, y a driver.

    Postings come as :func:`drivers_last` orders them. Each unordered pair is
    counted once: by its larger set when both are drivers, else by the one
    driver; so a driver reads the non-drivers of each of its items and the
    drivers below itself, and stops there.
    """
    n_sets = set_off.shape[0] - 1
    count = np.zeros(n_sets, dtype=np.int32)
    touched = np.empty(n_sets, dtype=np.int64)
    cap = 1024
    xs = np.empty(cap, dtype=np.int64)
    ys = np.empty(cap, dtype=np.int64)
    ns = np.empty(cap, dtype=np.int32)
    m = 0
    for y in drivers:
        t = _count_partners(item_off, item_split, item_sets, set_off, set_items, y, count, touched)
        if m + t > cap:
            cap = max(2 * cap, m + t)
            xs, ys, ns = _grown(xs, cap, m), _grown(ys, cap, m), _grown(ns, cap, m)
        m = _emit(touched, t, count, y, min_shared, xs, ys, ns, m)
    return xs[:m], ys[:m], ns[:m]


@njit(cache=True, nogil=True)
def _count_partners(
    item_off: np.ndarray, item_split: np.ndarray, item_sets: np.ndarray, set_off: np.ndarray, set_items: np.ndarray,
    y: int, count: np.ndarray, touched: np.ndarray,
) -> int:
    """Adds driver ``y``'s shared items to ``count``; returns how many partners it touched (listed in ``touched``).

    Its own function: with the output arrays re-bound in the same loop, numba
    kept this loop 6x slower.
    """
    t = 0
    for p in range(set_off[y], set_off[y + 1]):
        i = set_items[p]
        for q in range(item_off[i], item_off[i + 1]):
            x = item_sets[q]
            if q >= item_split[i] and x >= y:
                break
            if count[x] == 0:
                touched[t] = x
                t += 1
            count[x] += 1
    return t


@njit(cache=True, nogil=True)
def _emit(
    touched: np.ndarray, t: int, count: np.ndarray, y: int, min_shared: int,
    xs: np.ndarray, ys: np.ndarray, ns: np.ndarray, m: int,
) -> int:
    """Writes the touched partners of ``y`` that reach ``min_shared`` from row ``m`` on, clearing ``count``."""
    for k in range(t):
        x = touched[k]
        if count[x] >= min_shared:
            xs[m] = x
            ys[m] = y
            ns[m] = count[x]
            m += 1
        count[x] = 0
    return m


@njit(cache=True, nogil=True)
def _grown(a: np.ndarray, cap: int, m: int) -> np.ndarray:
    out = np.empty(cap, dtype=a.dtype)
    out[:m] = a[:m]
    return out


@njit(cache=True, nogil=True)
def expand_pairs(
    gx: np.ndarray,
    gy: np.ndarray,
    gn: np.ndarray,
    mem_off: np.ndarray,
    members: np.ndarray,
    sizes: np.ndarray,
    min_shared: int,
    first_new: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Member pairs (a < b, b ≥ ``first_new``) of group pairs, and within groups of ``sizes`` ≥ ``min_shared``.

    Group ``g`` holds ``members[mem_off[g]:mem_off[g+1]]``, ascending; members
    of one group share all their items, so a pair within it shares ``sizes[g]``.
    """
    n_groups = mem_off.shape[0] - 1
    old = np.empty(n_groups, dtype=np.int64)  # members below first_new, a prefix of each group
    for g in range(n_groups):
        k = mem_off[g]
        while k < mem_off[g + 1] and members[k] < first_new:
            k += 1
        old[g] = k - mem_off[g]
    total = 0
    for q in range(gx.shape[0]):
        nx = mem_off[gx[q] + 1] - mem_off[gx[q]]
        ny = mem_off[gy[q] + 1] - mem_off[gy[q]]
        total += nx * ny - old[gx[q]] * old[gy[q]]
    for g in range(n_groups):
        if sizes[g] >= min_shared:
            n = mem_off[g + 1] - mem_off[g]
            total += n * (n - 1) // 2 - old[g] * (old[g] - 1) // 2
    a = np.empty(total, dtype=np.int64)
    b = np.empty(total, dtype=np.int64)
    shared = np.empty(total, dtype=np.uint32)
    m = 0
    for q in range(gx.shape[0]):
        for i in range(mem_off[gx[q]], mem_off[gx[q] + 1]):
            x = members[i]
            for j in range(mem_off[gy[q]], mem_off[gy[q] + 1]):
                y = members[j]
                if x < first_new and y < first_new:
                    continue
                a[m] = min(x, y)
                b[m] = max(x, y)
                shared[m] = gn[q]
                m += 1
    for g in range(n_groups):
        if sizes[g] >= min_shared:
            for j in range(mem_off[g] + max(old[g], 1), mem_off[g + 1]):
                for i in range(mem_off[g], j):
                    a[m] = members[i]
                    b[m] = members[j]
                    shared[m] = sizes[g]
                    m += 1
    return a, b, shared
