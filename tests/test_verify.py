"""Exact overlaps: verbatim copies share one shingle set, and the numbers equal a pair-by-pair count."""

from __future__ import annotations

import numpy as np
import polars as pl

from provenance.config import Config
from provenance.detect.fingerprint import shingle_sets
from provenance.detect.verify import overlaps


def test_overlaps_with_verbatim_copies_equal_pair_by_pair() -> None:
    config = Config()
    wire = "the minister said on tuesday that the new budget would cut taxes for small firms across the region " * 3
    other = "local council approves plans for a new bridge over the river after a long public consultation " * 3
    texts = pl.DataFrame({
        "doc": [7, 3, 5, 9, 11, 4],
        "text": [wire, wire, wire + "extra closing line here", other, wire, other + wire],
    })
    cands = pl.DataFrame({"a": [3, 3, 5, 4, 3, 7, 5], "b": [5, 7, 11, 9, 4, 11, 9],
                          "via": ["lsh", "anchors", "lsh+anchors", "anchors", "anchors", "lsh", "anchors"]})
    got = overlaps(cands, texts, config=config)
    assert got.select("a_doc", "b_doc", "via").rows() == cands.rows()
    by_doc = dict(zip(texts["doc"], texts["text"], strict=True))
    for row in got.iter_rows(named=True):
        offsets, hashes = shingle_sets([by_doc[row["a_doc"]], by_doc[row["b_doc"]]], config=config)
        a, b = hashes[offsets[0]:offsets[1]], hashes[offsets[1]:offsets[2]]
        shared = len(np.intersect1d(a, b))
        assert (row["shared_shingles"], row["a_shingles"], row["b_shingles"]) == (shared, len(a), len(b))
        assert row["jaccard"] == shared / max(1, len(a) + len(b) - shared)
