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

#: Anchor postings are self-joined in this many hash partitions so the join's
#: intermediate rows stay bounded on large corpora.
_ANCHOR_PARTITIONS = 16


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
    postings = anchors.select("anchor", "doc")
    # One pass per anchor: its df, and whether it touches a new document (only
    # those can make a new pair). Postings are distinct (anchor, doc) rows:
    # fingerprints emit each document's anchors once, stored and new docs differ.
    per_anchor = postings.group_by("anchor").agg(pl.len().alias("df"), pl.col("doc").max().alias("newest"))
    if stored_df is not None and stored_df.height:
        withheld = stored_df.group_by("anchor").agg(pl.col("stored_df").max())
        per_anchor = per_anchor.join(withheld, on="anchor", how="left").with_columns(
            pl.max_horizontal("df", pl.col("stored_df").fill_null(0)).alias("df")
        )
    keep = per_anchor.filter((pl.col("df") >= 2) & (pl.col("df") <= max_df) & (pl.col("newest") >= first_new))
    postings = postings.join(keep.select("anchor"), on="anchor", how="semi")
    # Documents with identical postings here (verbatim copies, mostly: a wire
    # story on 300 sites) pair with the same documents, so one representative
    # per posting set goes through the self-join and its pairs are expanded to
    # the members. The join is quadratic in an anchor's df; on 250k wire-heavy
    # articles this cuts its rows 3.6x. Sets are compared whole, not hashed.
    sets = postings.group_by("doc").agg(pl.col("anchor").sort().alias("_set"))
    members = sets.select(
        "doc", pl.col("doc").min().over("_set").alias("g"), pl.col("_set").list.len().alias("size")
    )
    groups = members.group_by("g").agg(pl.col("doc").max().alias("newest"), pl.col("size").first())
    reps = postings.join(members.filter(pl.col("doc") == pl.col("g")).select("doc"), on="doc", how="semi")
    reps = reps.rename({"doc": "g"})
    with_new = groups.filter(pl.col("newest") >= first_new).select("g")
    parts = []
    part_col = (pl.col("anchor").hash(seed=0) % _ANCHOR_PARTITIONS).alias("_p")
    for _, chunk in reps.with_columns(part_col).group_by("_p"):
        chunk = chunk.drop("_p")
        right = chunk.lazy().join(with_new.lazy(), on="g", how="semi").rename({"g": "g2"})
        counted = (
            chunk.lazy()
            .rename({"g": "g1"})
            .join(right, on="anchor")
            .join(groups.lazy().select(pl.col("g").alias("g1"), pl.col("newest").alias("n1")), on="g1")
            # each unordered pair once: g1 < g2, or g1 has no new member (then only g2 found it)
            .filter((pl.col("g1") != pl.col("g2")) & ((pl.col("g1") < pl.col("g2")) | (pl.col("n1") < first_new)))
            .group_by("g1", "g2")
            .agg(pl.len().alias("n"))
            .collect()
        )
        parts.append(counted)
    group_pairs = (
        pl.concat(parts).group_by("g1", "g2").agg(pl.col("n").sum())
        if parts else pl.DataFrame(schema={"g1": pl.Int64, "g2": pl.Int64, "n": pl.UInt32})
    ).filter(pl.col("n") >= min_shared)
    m = members.select("doc", "g")
    across = (
        group_pairs.join(m.rename({"g": "g1", "doc": "x"}), on="g1")
        .join(m.rename({"g": "g2", "doc": "y"}), on="g2")
        .select(pl.min_horizontal("x", "y").alias("a"), pl.max_horizontal("x", "y").alias("b"), "n")
    )
    big = groups.filter(pl.col("size") >= min_shared).select("g", pl.col("size").alias("n"))
    within = (
        m.join(big, on="g").rename({"doc": "a"})
        .join(m.filter(pl.col("doc") >= first_new).rename({"doc": "b"}), on="g")
        .filter(pl.col("a") < pl.col("b"))
        .select("a", "b", "n")
    )
    return (
        pl.concat([across.cast({"n": pl.UInt32}), within.cast({"n": pl.UInt32})])
        .filter(pl.col("b") >= first_new)
        .select("a", "b", pl.col("n").alias("shared_anchors"))
    )


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
