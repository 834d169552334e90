"""Search by pasted text: which stored articles share text with it, and how much.

The query is fingerprinted like an article, looked up through the stored band
and anchor indexes (the same two routes as ingest), and every hit is verified
exactly, so the figures shown are true overlaps, not estimates.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from provenance import queries
from provenance.config import Config
from provenance.detect.candidates import anchor_frame, band_frame
from provenance.detect.fingerprint import band_keys, fingerprints, pair_overlaps, shingle_sets
from provenance.detect.verify import is_reuse
from provenance.errors import InputError
from provenance.store import Store

#: Result columns, best match first.
RESULT = pl.Schema(
    {
        "article_id": pl.String, "outlet": pl.String, "title": pl.String, "published_at": pl.Datetime("us", "UTC"),
        "url": pl.String, "cluster_id": pl.Int64, "jaccard": pl.Float64,
        "containment_query_in_article": pl.Float64, "containment_article_in_query": pl.Float64,
        "shared_shingles": pl.Int32, "reuse": pl.Boolean,
    }
)


def search(text: str, *, store: Store, config: Config | None = None, limit: int = 20) -> pl.DataFrame:
    """Stored articles sharing text with ``text``, best first (RESULT schema)."""
    with store.session():
        return _search(text, store=store, config=config, limit=limit)


def _search(text: str, *, store: Store, config: Config | None, limit: int) -> pl.DataFrame:
    state = store.state()
    config = config or state.config or Config()
    fp = fingerprints([text], config=config)
    if fp.n_shingles[0] == 0:
        raise InputError("the pasted text has no words to compare")
    bands, rows = config.lsh_bands_rows
    q = np.array([-1], dtype=np.int64)
    by_band = store.band_matches(band_frame(band_keys(fp.minhash, bands=bands, rows=rows), q))
    anchors = anchor_frame(fp.anchor_offsets, fp.anchors, q)
    postings = store.anchor_postings(anchors["anchor"], max_df=config.anchor_cap(state.next_doc))
    shared_anchors = postings.filter(pl.col("doc").is_not_null()).group_by("doc").agg(pl.len().alias("n"))
    # A short query holds few anchors; ask for as many as it can give.
    need = max(1, min(config.min_shared_anchors, anchors.height))
    docs = pl.concat([by_band["doc"], shared_anchors.filter(pl.col("n") >= need)["doc"]]).unique()
    if docs.len() == 0:
        return pl.DataFrame(schema=RESULT)
    texts = store.texts(docs)
    offsets, hashes = shingle_sets(pl.concat([pl.Series([text]), texts["text"]]), config=config)
    n = texts.height
    shared = pair_overlaps(offsets, hashes, np.zeros(n, dtype=np.int64), np.arange(1, n + 1, dtype=np.int64))
    sizes = np.diff(offsets)
    hits = pl.DataFrame(
        {"doc": texts["doc"], "shared_shingles": shared.astype(np.int32), "q_n": np.full(n, sizes[0]),
         "a_n": sizes[1:]}
    )
    s, qn, an = pl.col("shared_shingles"), pl.col("q_n"), pl.col("a_n")
    hits = hits.filter(s > 0).with_columns(
        (s / (qn + an - s)).alias("jaccard"),
        (s / qn).alias("containment_query_in_article"),
        (s / an.clip(lower_bound=1)).alias("containment_article_in_query"),
        is_reuse(s, qn, an, config=config).alias("reuse"),
    )
    hits = hits.sort(["reuse", "shared_shingles"], descending=True).head(limit)
    meta = queries.search_details(store, hits["doc"])
    out = hits.join(meta, on="doc").sort(["reuse", "shared_shingles"], descending=True)
    return out.select(RESULT.names()).cast(dict(RESULT))
