"""Connected components and the stability of cluster ids."""

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detect.cluster import assign_clusters, components

EMPTY = pl.DataFrame(schema={"doc": pl.Int64, "cluster_id": pl.Int64})


def _pairs(edges):
    return pl.DataFrame({"a_doc": [a for a, _ in edges], "b_doc": [b for _, b in edges]},
                        schema={"a_doc": pl.Int64, "b_doc": pl.Int64})


def _naive(edges):
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=60))
def test_components_match_union_find(edges):
    nodes, labels = components(np.array([a for a, _ in edges]), np.array([b for _, b in edges]))
    assert dict(zip(nodes.tolist(), labels.tolist(), strict=True)) == _naive(edges)


def test_new_article_joins_existing_cluster_without_changing_its_id():
    existing = pl.DataFrame({"doc": [3, 4], "cluster_id": [3, 3]})
    changes, merged = assign_clusters(_pairs([(4, 10)]), existing.filter(pl.col("doc") == 4))
    assert changes.to_dicts() == [{"doc": 10, "cluster_id": 3}]
    assert merged.height == 0


def test_bridge_merges_into_the_older_cluster():
    existing = pl.DataFrame({"doc": [2, 7], "cluster_id": [1, 5]})
    changes, merged = assign_clusters(_pairs([(2, 20), (7, 20)]), existing)
    assert merged.to_dicts() == [{"old_id": 5, "cluster_id": 1}]
    assert dict(changes.iter_rows()) == {20: 1, 7: 1}


def test_incremental_equals_batch():
    """Adding edges in two steps gives the same partition as all at once."""
    rng = np.random.default_rng(0)
    edges = [tuple(sorted(rng.integers(0, 200, 2).tolist())) for _ in range(150)]
    edges = [(a, b) for a, b in edges if a != b]
    first = [(a, b) for a, b in edges if b < 100]
    second = [(a, b) for a, b in edges if b >= 100]
    ch1, _ = assign_clusters(_pairs(first), EMPTY)
    state = dict(ch1.iter_rows())
    involved = {d for e in second for d in e}
    existing = pl.DataFrame({"doc": list(state), "cluster_id": list(state.values())},
                            schema={"doc": pl.Int64, "cluster_id": pl.Int64})
    ch2, merged = assign_clusters(_pairs(second), existing.filter(pl.col("doc").is_in(list(involved))))
    relabel = dict(merged.iter_rows())
    state = {d: relabel.get(c, c) for d, c in state.items()}
    state.update(dict(ch2.iter_rows()))
    batch, _ = assign_clusters(_pairs(edges), EMPTY)
    assert state == dict(batch.iter_rows())
