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


#: A page is a container of a partner when it holds this share of the partner's text ...
HUB_HOLDS = 0.5
#: ... while the partner holds at most this fraction of that share of the page (a two-story digest
#: holds each story whole and each story holds about half of it).
HUB_HELD = 0.8


def story_edges(pairs: pl.DataFrame, to_node: pl.DataFrame, published: pl.DataFrame | None = None) -> pl.DataFrame:
    """The (a_doc, b_doc) edges that join clusters: every verified pair, except a hub page's, and the
    rewrites that attach an article still alone (:func:`_attachments`).

    A roundup, digest or live blog carries several stories; linking each of them into one cluster
    would make a cluster of a day's news. A page is a hub when it contains (``HUB_HOLDS`` of the
    partner inside it, and clearly more of the partner in it than of it in the partner) partners that
    belong to two or more different stories once its own edges are set aside. A partner that is
    alone but for the page (no other pair, no stored cluster) and published after it
    (``published``: doc, published_at; a missing date never counts as after) is no story the page
    carries but an excerpt of it: one outlet runs a wire story's first paragraphs, another its last
    ones, and the two share nothing with each other; they are one story, the page's. A live blog
    dated by its first post still counts as a container of the stories it carries that have several
    members (an agency's text and its copies), which is what it carries from a feed. A hub keeps
    all its pairs, but only its strongest (most shared shingles) joins a cluster: it sits in the story
    it carries most of. ``to_node`` (doc, node) maps stored docs to their cluster; with the containment
    columns missing, every pair is an edge.
    """
    if "via" in pairs.columns:
        rewrites = pairs.filter(pl.col("via") == "rewrite")
        pairs = pairs.filter(pl.col("via") != "rewrite")
        main = _hub_filtered(pairs, to_node, published)
        return pl.concat([main, _attachments(rewrites, main, to_node)])
    return _hub_filtered(pairs, to_node, published)


def _node(docs: pl.Series, to_node: pl.DataFrame) -> pl.Series:
    """The node of each doc: its stored cluster, or itself."""
    return pl.DataFrame({"doc": docs}).join(to_node, on="doc", how="left").select(pl.coalesce("node", "doc")).to_series()


def _attachments(rewrites: pl.DataFrame, main: pl.DataFrame, to_node: pl.DataFrame) -> pl.DataFrame:
    """The rewrite pairs that join clusters: each only attaches an article in no cluster yet.

    A rewrite link carries less text than a verified copy, and a chain of them could walk from story
    to story; so a rewrite never merges two clusters. Strongest first (most shared shingles), a
    rewrite joins its two ends when at least one of them is still alone.
    """
    if rewrites.height == 0:
        return rewrites.select("a_doc", "b_doc")
    size: dict[int, int] = {}
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for u, v in zip(_node(main["a_doc"], to_node).to_list(), _node(main["b_doc"], to_node).to_list(), strict=True):
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[ru] = rv
            size[rv] = size.get(rv, 1) + size.get(ru, 1)
    for n in set(to_node["node"].to_list()):  # stored clusters have two or more members
        size[find(n)] = max(size.get(find(n), 1), 2)
    r = rewrites.sort(["shared_shingles", "a_doc", "b_doc"], descending=[True, False, False])
    keep = []
    for a, b, u, v in zip(r["a_doc"].to_list(), r["b_doc"].to_list(), _node(r["a_doc"], to_node).to_list(),
                          _node(r["b_doc"], to_node).to_list(), strict=True):
        ru, rv = find(u), find(v)
        if ru == rv or (size.get(ru, 1) > 1 and size.get(rv, 1) > 1):
            continue
        parent[ru] = rv
        size[rv] = size.get(rv, 1) + size.get(ru, 1)
        keep.append((a, b))
    return pl.DataFrame(keep, schema={"a_doc": pl.Int64, "b_doc": pl.Int64}, orient="row")


def _hub_filtered(pairs: pl.DataFrame, to_node: pl.DataFrame, published: pl.DataFrame | None) -> pl.DataFrame:
    """The verified pairs' edges, a hub page's reduced to its strongest (see :func:`story_edges`)."""
    edges = pairs.select("a_doc", "b_doc")
    if pairs.height == 0 or "containment_a_in_b" not in pairs.columns:
        return edges
    p = pairs.select("a_doc", "b_doc", "containment_a_in_b", "containment_b_in_a", "shared_shingles")
    held = pl.concat([  # (hub, partner, shared): partner mostly inside hub, hub mostly not inside partner
        p.filter((pl.col("containment_a_in_b") >= HUB_HOLDS)
                 & (pl.col("containment_b_in_a") <= HUB_HELD * pl.col("containment_a_in_b")))
        .select(pl.col("b_doc").alias("hub"), pl.col("a_doc").alias("partner"), "shared_shingles"),
        p.filter((pl.col("containment_b_in_a") >= HUB_HOLDS)
                 & (pl.col("containment_a_in_b") <= HUB_HELD * pl.col("containment_b_in_a")))
        .select(pl.col("a_doc").alias("hub"), pl.col("b_doc").alias("partner"), "shared_shingles"),
    ])
    maybe = held.group_by("hub").agg(pl.len().alias("n")).filter(pl.col("n") >= 2)["hub"]
    if maybe.len() == 0:
        return edges
    touches = pl.col("a_doc").is_in(maybe.implode()) | pl.col("b_doc").is_in(maybe.implode())
    rest = edges.filter(~touches)
    def node(col: pl.Series) -> pl.Series:
        return _node(col, to_node)

    a, b = node(rest["a_doc"]).to_numpy(), node(rest["b_doc"]).to_numpy()
    nodes, labels = components(a, b)
    comp = pl.DataFrame({"n": nodes, "story": labels}, schema={"n": pl.Int64, "story": pl.Int64})
    partners = held.filter(pl.col("hub").is_in(maybe.implode())).with_columns(node(held.filter(
        pl.col("hub").is_in(maybe.implode()))["partner"]).alias("n"))
    partners = partners.join(comp, on="n", how="left")
    if published is not None:
        # An article alone but for the page (no other pair, no stored cluster) and published after it
        # is an excerpt of the page, not a story the page carries.
        t = published.select("doc", "published_at").unique("doc")
        excerpt = (pl.col("story").is_null() & (pl.col("n") == pl.col("partner"))
                   & (pl.col("_th") < pl.col("_tp")).fill_null(False))
        partners = (
            partners.join(t.rename({"doc": "hub", "published_at": "_th"}), on="hub", how="left")
            .join(t.rename({"doc": "partner", "published_at": "_tp"}), on="partner", how="left")
            .filter(~excerpt)
            .drop("_th", "_tp")
        )
    partners = partners.with_columns(pl.coalesce("story", "n").alias("story"))
    hubs = partners.group_by("hub").agg(pl.col("story").n_unique().alias("stories")).filter(pl.col("stories") >= 2)
    if hubs.height == 0:
        return edges
    hub_ids = hubs["hub"].implode()
    strongest = (
        p.with_columns(pl.when(pl.col("a_doc").is_in(hub_ids)).then("a_doc").otherwise("b_doc").alias("_hub"))
        .filter(pl.col("a_doc").is_in(hub_ids) | pl.col("b_doc").is_in(hub_ids))
        .sort(["shared_shingles", "a_doc", "b_doc"], descending=[True, False, False])
        .unique("_hub", keep="first", maintain_order=True)
        .select("a_doc", "b_doc")
    )
    keep = edges.filter(~(pl.col("a_doc").is_in(hub_ids) | pl.col("b_doc").is_in(hub_ids)))
    return pl.concat([keep, strongest]).unique(maintain_order=True)


def assign_clusters(
    pairs: pl.DataFrame, existing: pl.DataFrame, published: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New cluster memberships after adding ``pairs`` (a_doc, b_doc).

    ``existing`` (doc, cluster_id) is the stored membership of the docs in
    ``pairs``; ``published`` (doc, published_at) their dates, for :func:`story_edges`.
    Returns (changes, merged): ``changes`` (doc, cluster_id) for every
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
    edges = story_edges(pairs, to_node, published)
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
