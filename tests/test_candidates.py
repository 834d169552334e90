"""Anchor candidates against a brute-force count of shared anchors."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import polars as pl
import pytest

from provenance.detect.candidates import anchor_candidates


def _brute(postings: pl.DataFrame, *, first_new: int, min_shared: int, max_df: int,
           withheld: dict[int, int]) -> set[tuple[int, int, int]]:
    by_anchor: dict[int, set[int]] = {}
    for a, d in postings.iter_rows():
        by_anchor.setdefault(a, set()).add(d)
    sets: dict[int, set[int]] = {}
    for a, docs in by_anchor.items():
        df = max(len(docs), withheld.get(a, 0))
        if 2 <= df <= max_df:
            for d in docs:
                sets.setdefault(d, set()).add(a)
    out = set()
    for x, y in combinations(sorted(sets), 2):
        n = len(sets[x] & sets[y])
        if y >= first_new and n >= min_shared:
            out.add((x, y, n))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_anchor_candidates_equal_brute_force(seed: int) -> None:
    """Random postings with many identical sets (verbatim copies), stored and new docs, a df cap."""
    rng = np.random.default_rng(seed)
    stories = [rng.choice(400, size=rng.integers(2, 30), replace=False) for _ in range(12)]
    rows = []
    for doc in range(150):
        base = stories[rng.integers(len(stories))]
        if rng.random() < 0.5:  # a verbatim copy: the story's whole set
            anchors = set(base.tolist())
        else:  # trimmed or partial, with some noise
            anchors = set(rng.choice(base, size=rng.integers(1, len(base) + 1), replace=False).tolist())
            anchors |= set(rng.integers(0, 400, size=rng.integers(0, 4)).tolist())
        rows += [(int(a), doc) for a in anchors]
    postings = pl.DataFrame(rows, schema={"anchor": pl.UInt32, "doc": pl.Int64}, orient="row")
    withheld = {int(a): 60 for a in rng.choice(400, size=5, replace=False)}
    stored_df = pl.DataFrame({"anchor": list(withheld), "stored_df": list(withheld.values())},
                             schema={"anchor": pl.UInt32, "stored_df": pl.Int64})
    for first_new, max_df in ((0, 1000), (90, 1000), (90, 25), (149, 40)):
        got = anchor_candidates(postings, first_new=first_new, min_shared=3, max_df=max_df, stored_df=stored_df)
        assert set(got.iter_rows()) == _brute(postings, first_new=first_new, min_shared=3, max_df=max_df,
                                              withheld=withheld)
        assert got.select("a", "b").is_unique().all()
