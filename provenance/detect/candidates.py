"""Candidate pairs: which articles are worth comparing exactly.

Two sources, because reuse comes in two shapes:

* **LSH bands** over the whole-article MinHash find near-verbatim copies
  (estimated Jaccard above ``lsh_threshold``): articles that agree on every
  row of some band fall in one bucket.
* **Passage anchors** find partial reuse, where a story lifts three wire
  paragraphs into otherwise new text and the whole-article Jaccard is low.
  An anchor is a shingle whose hash is 0 mod ``anchor_mod``; the choice
  depends only on the shingle, so a copied paragraph carries the same anchors
  wherever it lands. Articles sharing ``min_shared_anchors`` anchors become
  candidates. Anchors found in more than the df cap of documents are
  boilerplate (chrome, disclaimers, sign-offs) and make no candidates.

Both work on the union of new rows and the matching stored rows, and emit
only pairs with at least one new document, so an incremental ingest compares
new × (new ∪ stored) and never re-does stored × stored.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from provenance import schemas
from provenance.detect import cooccur


def band_frame(keys: np.ndarray, docs: np.ndarray, *, fingerprinted: np.ndarray | None = None) -> pl.DataFrame:
    """BANDS rows from a ``[n, bands]`` key matrix; unfingerprinted docs are left out."""
    n, bands = keys.shape
    if fingerprinted is not None:
        keys, docs = keys[fingerprinted], docs[fingerprinted]
        n = keys.shape[0]
    return pl.DataFrame(
        {
            "band": np.tile(np.arange(bands, dtype=np.int16), n),
            "key": keys.reshape(-1),
            "doc": np.repeat(docs.astype(np.int64), bands),
        },
        schema=schemas.BANDS,
    )


def anchor_frame(offsets: np.ndarray, anchors: np.ndarray, docs: np.ndarray) -> pl.DataFrame:
    """ANCHORS rows from a CSR (offsets, anchors) layout, one block per doc."""
    counts = np.diff(offsets)
    return pl.DataFrame(
        {"anchor": anchors, "doc": np.repeat(docs.astype(np.int64), counts)},
        schema=schemas.ANCHORS,
    )


def band_candidates(bands: pl.DataFrame, *, first_new: int) -> pl.DataFrame:
    """Pairs (a < b) sharing a band bucket, with b a new document (doc ≥ first_new)."""
    left = bands.lazy()
    right = bands.lazy().filter(pl.col("doc") >= first_new).rename({"doc": "b"})
    return (
        left.rename({"doc": "a"})
        .join(right, on=["band", "key"])
        .filter(pl.col("a") < pl.col("b"))
        .select("a", "b")
        .unique()
        .collect()
    )


def anchor_candidates(
    anchors: pl.DataFrame,
    *,
    first_new: int,
    min_shared: int,
    max_df: int,
    stored_df: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Pairs (a < b), b new, sharing at least ``min_shared`` anchors of df ≤ ``max_df``.

    ``anchors`` holds distinct (anchor, doc) postings: the new documents' plus
    the stored postings of the same anchors;
    ``stored_df`` (anchor, stored_df) gives stored counts for anchors whose
    postings were withheld because they were already over the cap.
    """
    postings = anchors.select("anchor", "doc").sort("anchor", "doc")
    anchor, doc = postings["anchor"].to_numpy(), postings["doc"].to_numpy()
    if anchor.shape[0] == 0:
        return _no_anchor_pairs()
    # One pass per anchor: its df, and whether it touches a new document (only
    # those can make a new pair). An anchor with one posting is shared by no
    # pair, whatever its stored df, so it is dropped with the rest.
    starts = np.flatnonzero(np.r_[True, anchor[1:] != anchor[:-1]])
    df = np.diff(np.r_[starts, anchor.shape[0]])
    cap_df = df
    if stored_df is not None and stored_df.height:
        withheld = stored_df.group_by("anchor").agg(pl.col("stored_df").max()).sort("anchor")
        w_anchor, w_df = withheld["anchor"].to_numpy(), withheld["stored_df"].to_numpy()
        at = np.minimum(np.searchsorted(w_anchor, anchor[starts]), w_anchor.shape[0] - 1)
        cap_df = np.where(w_anchor[at] == anchor[starts], np.maximum(df, w_df[at]), df)
    keep = (df >= 2) & (cap_df <= max_df) & (doc[starts + df - 1] >= first_new)
    if not keep.any():
        return _no_anchor_pairs()
    item_off = np.r_[0, np.cumsum(df[keep])]
    docs, item_sets = np.unique(doc[np.repeat(keep, df)], return_inverse=True)  # dense doc numbers, in doc order
    set_off, set_items = cooccur.transpose(item_off, item_sets, docs.shape[0])
    # Documents with identical anchor sets (verbatim copies, mostly: a wire
    # story on 300 sites) pair with the same documents, so they are counted
    # as one group and its pairs expanded to the members.
    rep = cooccur.identical_sets(set_off, set_items)
    is_rep = rep == np.arange(docs.shape[0])
    group_of = (np.cumsum(is_rep) - 1)[rep]  # groups numbered in their lowest member's order
    n_groups = int(is_rep.sum())
    by_group = np.argsort(group_of, kind="stable")
    members = docs[by_group]
    mem_off = np.r_[0, np.cumsum(np.bincount(group_of, minlength=n_groups))]
    has_new = members[mem_off[1:] - 1] >= first_new
    sizes = np.diff(set_off)[is_rep]
    of_rep = is_rep[item_sets]
    g_item_off = np.r_[0, np.cumsum(of_rep)][item_off]
    g_item_sets = group_of[item_sets[of_rep]]
    g_set_off, g_set_items = cooccur.transpose(g_item_off, g_item_sets, n_groups)
    g_item_sets, g_item_split = cooccur.drivers_last(g_item_off, g_item_sets, has_new)
    gx, gy, gn = cooccur.shared_counts(
        g_item_off, g_item_split, g_item_sets, g_set_off, g_set_items, np.flatnonzero(has_new), min_shared
    )
    a, b, shared = cooccur.expand_pairs(gx, gy, gn, mem_off, members, sizes, min_shared, first_new)
    return pl.DataFrame({"a": a, "b": b, "shared_anchors": shared},
                        schema={"a": pl.Int64, "b": pl.Int64, "shared_anchors": pl.UInt32})


def _no_anchor_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema={"a": pl.Int64, "b": pl.Int64, "shared_anchors": pl.UInt32})


def candidate_pairs(
    bands: pl.DataFrame,
    anchors: pl.DataFrame,
    *,
    first_new: int,
    min_shared_anchors: int,
    max_df: int,
    stored_df: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """CANDIDATES: the union of band and anchor candidates, with ``via`` saying which found it."""
    by_band = band_candidates(bands, first_new=first_new).with_columns(pl.lit(True).alias("lsh"))
    by_anchor = anchor_candidates(
        anchors, first_new=first_new, min_shared=min_shared_anchors, max_df=max_df, stored_df=stored_df
    ).select("a", "b", pl.lit(True).alias("anc"))
    both = by_band.join(by_anchor, on=["a", "b"], how="full", coalesce=True)
    via = (
        pl.when(pl.col("lsh") & pl.col("anc"))
        .then(pl.lit("lsh+anchors"))
        .when(pl.col("lsh"))
        .then(pl.lit("lsh"))
        .otherwise(pl.lit("anchors"))
    )
    out = both.with_columns(pl.col("lsh").fill_null(False), pl.col("anc").fill_null(False))
    return schemas.conform(out.with_columns(via.alias("via")), schemas.CANDIDATES).sort("a", "b")
