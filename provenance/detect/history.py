"""Cluster history: what each ingest did to each cluster it touched.

One row per (ingest, cluster) in ``cluster_events`` (:data:`CLUSTER_EVENTS`):

* ``created``: the cluster did not exist before this ingest;
* ``grew``: it existed and gained ``articles_added`` articles;
* ``merged_into``: new links joined it to an older cluster, ``merged_into``,
  whose id its members now carry (the older id always survives).

``articles_added`` counts articles that were in no cluster before (new ones,
or stored ones a new article linked); ``size_after`` is the cluster's size
after the ingest (for ``merged_into``: 0). Kept because cluster ids are
stable but their contents are not: a daily desk wants to see a story grow.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from provenance import queries
from provenance.store import Store

CLUSTER_EVENTS = pl.Schema({
    "ingest_id": pl.Int64, "cluster_id": pl.Int64, "event": pl.String, "articles_added": pl.Int64,
    "size_after": pl.Int64, "merged_into": pl.Int64, "at": pl.Datetime("us", "UTC"),
})


def cluster_events(changes: pl.DataFrame, before: pl.DataFrame, sizes_before: pl.DataFrame, merged: pl.DataFrame,
                   *, ingest_id: int, at: datetime) -> pl.DataFrame:
    """The events of one ingest.

    ``changes``: (doc, cluster_id) of every doc whose cluster this ingest set;
    ``before``: (doc, cluster_id) of those docs before it (absent: in no cluster);
    ``sizes_before``: (cluster_id, size) of the touched and merged clusters before it;
    ``merged``: (old_id, cluster_id) of the clusters merged away.
    """
    if changes.height == 0:
        return pl.DataFrame(schema=CLUSTER_EVENTS)
    prev = changes.select("doc", "cluster_id").join(
        before.select("doc", pl.col("cluster_id").alias("prev")), on="doc", how="left")
    size0 = dict(sizes_before.select("cluster_id", "size").iter_rows())
    merged_away = set(merged["old_id"].to_list()) if merged.height else set()
    rows = []
    for (cid,), g in prev.group_by(["cluster_id"], maintain_order=True):
        added = int(g["prev"].null_count())
        existed = size0.get(cid, 0) > 0
        moved_in = sum(size0.get(o, 0) for o in merged.filter(pl.col("cluster_id") == cid)["old_id"]) if merged.height else 0
        rows.append({"ingest_id": ingest_id, "cluster_id": cid, "event": "grew" if existed else "created",
                     "articles_added": added, "size_after": size0.get(cid, 0) + moved_in + added,
                     "merged_into": None, "at": at})
    for old, new in (merged.select("old_id", "cluster_id").iter_rows() if merged.height else []):
        if old in merged_away and old != new:
            rows.append({"ingest_id": ingest_id, "cluster_id": old, "event": "merged_into", "articles_added": 0,
                         "size_after": 0, "merged_into": new, "at": at})
    return pl.DataFrame(rows, schema=CLUSTER_EVENTS).sort("cluster_id", "event")


def events_of_batch(store: Store, clusters: pl.DataFrame, merged: pl.DataFrame, *, ingest_id: int,
                    at: datetime) -> pl.DataFrame:
    """:func:`cluster_events` of one ingest batch, reading the stored state it needs (before the write)."""
    if clusters.height == 0:
        return pl.DataFrame(schema=CLUSTER_EVENTS)
    before = store.cluster_of(clusters["doc"])
    ids = pl.concat([clusters["cluster_id"], merged["old_id"] if merged.height else pl.Series([], dtype=pl.Int64)])
    sizes = pl.DataFrame(schema={"cluster_id": pl.Int64, "size": pl.Int64})
    if store.exists():
        sizes = queries.cluster_sizes(store, ids.unique().to_list())
    return cluster_events(clusters, before, sizes, merged, ingest_id=ingest_id, at=at)


def history(store: Store, cluster_id: int) -> pl.DataFrame:
    """Events of a cluster and of every cluster merged into it (their whole past), oldest first.

    Empty for stores built before events were kept.
    """
    if not store.has_table("cluster_events"):
        return pl.DataFrame(schema=CLUSTER_EVENTS)
    ids = {cluster_id}
    while True:  # clusters merged into it, and those merged into them
        got = queries.merged_into(store, sorted(ids))
        if got <= ids:
            break
        ids |= got
    return queries.cluster_events(store, sorted(ids))
