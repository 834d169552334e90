"""Reuse clusters: connected components of the verified-pair graph, with stable ids.

A cluster's id is the smallest ``doc`` among its members. Docs only grow, so
an article that joins a cluster later never changes its id; when new pairs
bridge two clusters, the older id survives and the other is reported as
merged. Incremental runs treat each stored cluster as one node, so the work
is proportional to the new pairs, not to the store.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label each node of the edge list (a[i], b[i]) with the smallest node of its component.

    Returns (nodes, labels), nodes sorted.

    >>> nodes, labels = components(np.array([5, 7, 2]), np.array([7, 9, 3]))
    >>> dict(zip(nodes.tolist(), labels.tolist()))
    {2: 2, 3: 2, 5: 5, 7: 5, 9: 5}
    """
    nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    if nodes.size == 0:
        return nodes, nodes
    m = a.size
    graph = coo_matrix((np.ones(m, dtype=np.int8), (inv[:m], inv[m:])), shape=(nodes.size, nodes.size))
    _, comp = connected_components(graph, directed=False)
    # nodes is sorted, so the first node seen for each component is its minimum.
    first = np.full(comp.max() + 1, -1, dtype=np.int64)
    order = np.arange(nodes.size)[::-1]
    first[comp[order]] = order  # later writes (smaller indices) win
    return nodes, nodes[first[comp]]


def assign_clusters(
    pairs: pl.DataFrame, existing: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New cluster memberships after adding ``pairs`` (a_doc, b_doc).

    ``existing`` (doc, cluster_id) is the stored membership of the docs in
    ``pairs``. Returns (changes, merged): ``changes`` (doc, cluster_id) for every
    doc of ``pairs`` whose membership is new or different; ``merged``
    (old_id, cluster_id) for stored clusters absorbed into an older one, whose
    other members the caller relabels.
    """
    merged_schema = {"old_id": pl.Int64, "cluster_id": pl.Int64}
    if pairs.height == 0:
        return pl.DataFrame(schema={"doc": pl.Int64, "cluster_id": pl.Int64}), pl.DataFrame(
            schema=merged_schema
        )
    # Each stored cluster is one node, named by its id (itself a doc number).
    to_node = existing.select("doc", pl.col("cluster_id").alias("node"))
    edges = pairs.select("a_doc", "b_doc")
    for side in ("a_doc", "b_doc"):
        edges = edges.join(to_node.rename({"doc": side, "node": f"{side}_n"}), on=side, how="left")
    a = edges.select(pl.coalesce("a_doc_n", "a_doc")).to_series().to_numpy()
    b = edges.select(pl.coalesce("b_doc_n", "b_doc")).to_series().to_numpy()
    nodes, labels = components(a, b)
    label = pl.DataFrame({"node": nodes, "cluster_id": labels})
    docs = pl.concat([pairs["a_doc"], pairs["b_doc"]]).unique().alias("doc").to_frame()
    docs = docs.join(to_node, on="doc", how="left").with_columns(pl.coalesce("node", "doc").alias("node"))
    assigned = docs.join(label, on="node").select("doc", "cluster_id")
    old_ids = existing["cluster_id"].unique()
    merged = label.filter(pl.col("node").is_in(old_ids.implode()) & (pl.col("node") != pl.col("cluster_id")))
    changes = assigned.join(existing, on=["doc", "cluster_id"], how="anti")
    return changes, merged.select(pl.col("node").alias("old_id"), "cluster_id").cast(merged_schema)
