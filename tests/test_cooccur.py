"""The compiled shared-anchor kernels and anchor candidates on small hand-built postings with known answers."""

from __future__ import annotations

import numpy as np
import polars as pl

from provenance.detect import cooccur
from provenance.detect.candidates import anchor_candidates


def _csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    off = np.r_[0, np.cumsum([len(x) for x in lists])].astype(np.int64)
    return off, np.array([v for x in lists for v in x], dtype=np.int64)


def _postings(sets: dict[int, list[int]]) -> pl.DataFrame:
    rows = [(a, d) for d, anchors in sets.items() for a in anchors]
    return pl.DataFrame(rows, schema={"anchor": pl.UInt32, "doc": pl.Int64}, orient="row")


def _pairs(frame: pl.DataFrame) -> set[tuple[int, int, int]]:
    return set(frame.select("a", "b", "shared_anchors").iter_rows())


def test_transpose_lists_each_sets_items_ascending() -> None:
    item_off, item_sets = _csr([[0, 2], [1], [0, 1, 2]])  # item 0 in sets 0, 2; item 1 in set 1; ...
    set_off, set_items = cooccur.transpose(item_off, item_sets, 3)
    assert set_off.tolist() == [0, 2, 4, 6]
    assert set_items.tolist() == [0, 2, 1, 2, 0, 2]


def test_identical_sets_point_to_the_lowest_equal_set() -> None:
    set_off, set_items = _csr([[1, 2], [1, 3], [1, 2], [], [1, 3], [1, 2], [], [7]])
    assert cooccur.identical_sets(set_off, set_items).tolist() == [0, 1, 0, 3, 1, 0, 3, 7]


def test_shared_counts_count_each_pair_once_by_its_driver() -> None:
    # sets 0..3 over items 0..4; sets 2 and 3 are drivers (new)
    sets = [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3], [1, 2, 3, 4]]
    item_off, item_sets = _csr([[s for s, items in enumerate(sets) if i in items] for i in range(5)])
    set_off, set_items = cooccur.transpose(item_off, item_sets, 4)
    is_driver = np.array([False, False, True, True])
    ordered, split = cooccur.drivers_last(item_off, item_sets, is_driver)
    assert ordered[item_off[1]:item_off[2]].tolist() == [0, 1, 2, 3]
    assert split.tolist() == [2, 5, 9, 12, 14]  # where each item's drivers start (item 4: set 3 only)
    xs, ys, ns = cooccur.shared_counts(item_off, split, ordered, set_off, set_items, np.array([2, 3]), 3)
    got = {(int(min(x, y)), int(max(x, y)), int(n)) for x, y, n in zip(xs, ys, ns, strict=True)}
    # 0-1 is old x old: never counted; 0-3 shares 2 items: below min_shared
    assert got == {(0, 2, 3), (1, 2, 4), (1, 3, 3), (2, 3, 3)}
    assert len(xs) == len(got)


def test_expand_pairs_across_and_within_groups_with_a_new_member() -> None:
    mem_off, members = _csr([[1, 4], [2, 7], [3]])  # three groups of docs; first_new = 4
    sizes = np.array([5, 2, 6])
    a, b, n = cooccur.expand_pairs(np.array([0, 1]), np.array([2, 2]), np.array([3, 4], dtype=np.int32),
                                   mem_off, members, sizes, 3, 4)
    got = sorted(zip(a.tolist(), b.tolist(), n.tolist(), strict=True))
    # across: (1, 3) and (2, 3) are old x old and dropped; within: group 0 gives (1, 4) with its size,
    # group 1 is smaller than min_shared
    assert got == [(1, 4, 5), (3, 4, 3), (3, 7, 4)]


def test_anchor_candidates_df_cap_first_new_and_identical_sets() -> None:
    sets = {
        0: [1, 2, 3, 4], 1: [1, 2, 3, 4],  # stored, identical
        2: [1, 2, 3, 4],  # new, identical to 0 and 1: pairs within one group, n = the set's size
        3: [1, 2, 3, 9, 10], 4: [9, 10, 11, 50],  # new; 50 is in every doc below: over the cap
    }
    for d in range(5, 9):
        sets[d] = [50, 60 + d]
    sets[2].append(50)
    got = _pairs(anchor_candidates(_postings(sets), first_new=2, min_shared=3, max_df=4))
    assert got == {(0, 2, 4), (1, 2, 4), (0, 3, 3), (1, 3, 3), (2, 3, 3), (3, 4, 2)} - {(3, 4, 2)}
    # first_new: nothing among stored docs only
    assert _pairs(anchor_candidates(_postings(sets), first_new=3, min_shared=3, max_df=4)) == {
        (0, 3, 3), (1, 3, 3), (2, 3, 3)}
    # a cap that keeps anchor 50 (df 6) links 2 and 4 through it? they share 50 only: no
    assert (2, 4, 1) not in _pairs(anchor_candidates(_postings(sets), first_new=2, min_shared=1, max_df=5))
    assert (2, 4, 1) in _pairs(anchor_candidates(_postings(sets), first_new=2, min_shared=1, max_df=6))


def test_anchor_candidates_stored_df_withholds_anchors_over_the_cap() -> None:
    sets = {0: [1, 2, 3], 1: [1, 2, 3]}  # doc 0 stored, doc 1 new
    stored = pl.DataFrame({"anchor": [3, 3, 7], "stored_df": [50, 40, 2]},
                          schema={"anchor": pl.UInt32, "stored_df": pl.Int64})
    assert _pairs(anchor_candidates(_postings(sets), first_new=1, min_shared=3, max_df=60, stored_df=stored)) == {
        (0, 1, 3)}
    # anchor 3 was in 50 stored docs (postings withheld): over a cap of 45, so only 2 anchors are shared
    assert _pairs(anchor_candidates(_postings(sets), first_new=1, min_shared=2, max_df=45, stored_df=stored)) == {
        (0, 1, 2)}
    assert anchor_candidates(_postings(sets), first_new=1, min_shared=3, max_df=45, stored_df=stored).height == 0


def test_anchor_candidates_empty_and_single_postings() -> None:
    empty = pl.DataFrame(schema={"anchor": pl.UInt32, "doc": pl.Int64})
    out = anchor_candidates(empty, first_new=0, min_shared=1, max_df=10)
    assert out.height == 0
    assert out.schema == pl.Schema({"a": pl.Int64, "b": pl.Int64, "shared_anchors": pl.UInt32})
    assert anchor_candidates(_postings({0: [1, 2], 1: [3, 4]}), first_new=0, min_shared=1, max_df=10).height == 0
