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


def test_overlaps_find_rows_for_consecutive_and_gapped_docs_and_refuse_a_doc_without_text() -> None:
    """A batch's docs are consecutive (rows by subtraction), stored pools have gaps (rows by search):
    both give the same numbers, and a candidate whose doc has no text is an error, not a wrong row."""
    import pytest

    config = Config()
    base = "the council voted on the harbour plan after a long debate about costs and the timetable "
    texts = [base * 2, base * 2 + "with one more line", "an unrelated story about a village fair " * 3]
    cands = pl.DataFrame({"a": [0, 0], "b": [1, 2], "via": ["lsh", "lsh"]})
    dense = overlaps(cands.with_columns(pl.col("a") + 10, pl.col("b") + 10),
                     pl.DataFrame({"doc": [10, 11, 12], "text": texts}), config=config)
    gapped = overlaps(cands.with_columns(pl.col("a") * 5, pl.col("b") * 5),
                      pl.DataFrame({"doc": [0, 5, 10], "text": texts}), config=config)
    assert dense.drop("a_doc", "b_doc").equals(gapped.drop("a_doc", "b_doc"))
    assert dense["shared_shingles"][0] > 0 and dense["shared_shingles"][1] == 0
    for docs, missing in (([10, 11, 12], 13), ([10, 11, 12], 9), ([0, 5, 10], 7)):
        with pytest.raises(ValueError, match="no text"):
            overlaps(pl.DataFrame({"a": [docs[0]], "b": [missing], "via": ["lsh"]}),
                     pl.DataFrame({"doc": docs, "text": texts}), config=config)
