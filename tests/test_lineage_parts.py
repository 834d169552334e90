"""The steps of one cluster's lineage, one at a time: pair statistics, candidates, edge weighting,
the choice of parents, external agency chains, the link deciders (relation, confidence,
evidence), and the batched alignments that must equal one alignment at a time."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from provenance.detect.align import TokenIndex
from provenance.detect.quotes import QuotedTokens
from provenance.trace import lineage as L
from provenance.trace.attribution import load_registry

REG = load_registry()
T0 = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)


def node(i: str, *, minutes: float | None = 0, agency: str | None = None, byline: list[str] | None = None,
         cited: list[str] | None = None, cited_by: dict[str, list[str]] | None = None, text: str = "",
         title: str | None = "A title", disclaimer: bool = False, precision: str = "minute") -> L._Node:
    return L._Node(
        id=i, outlet=f"{i}.example", t=None if minutes is None else T0 + timedelta(minutes=minutes),
        precision=None if minutes is None else precision, title=title, text=text, self_agency=agency,
        byline_ag=list(byline or []), cited_ag=list(cited or []), cited_by=dict(cited_by or {}),
        disclaimer=disclaimer,
    )


# --------------------------------------------------------------------------
# Pair statistics and candidates
# --------------------------------------------------------------------------


def stats(ids: list[str], rows: list[tuple]) -> L._PairStats:
    """``_pair_stats`` of one cluster given its pairs by article id."""
    return L._pair_stats(L._batch_pairs([(len(ids), L._pair_rows(ids, rows))]))[0]


def test_pair_stats_are_oriented_and_independent_of_row_order() -> None:
    ids = ["x", "y", "z"]
    rows = [("z", "x", 0.3, 0.9, 0.2, "rewrite"), ("x", "y", 0.5, 0.6, 0.7, "lsh"), ("x", "gone", 1.0, 1.0, 1.0)]
    ps = stats(ids, rows)
    assert ps.cont == {(0, 1): 0.6, (1, 0): 0.7, (0, 2): 0.2, (2, 0): 0.9}  # z in x is 0.9 whichever way given
    assert list(ps.cont) == [(0, 1), (1, 0), (0, 2), (2, 0)]  # canonical order: by node position
    assert ps.jac[(2, 0)] == ps.jac[(0, 2)] == 0.3
    assert ps.accepted == {(0, 2)}
    assert ps.nbrs == [[1, 2], [0], [0]]
    assert stats(ids, list(reversed(rows))).cont == ps.cont
    # A pair given twice: the row with the larger (jaccard, low in high, high in low) counts, and
    # either row's rewrite acceptance.
    twice = stats(ids, [*rows, ("x", "z", 0.3, 0.1, 0.95, "lsh"), ("y", "x", 0.5, 0.7, 0.6, "rewrite"),
                        ("y", "x", 0.5, 0.6, 0.71)])
    assert twice.cont == {(0, 1): 0.71, (1, 0): 0.6, (0, 2): 0.2, (2, 0): 0.9}
    assert twice.accepted == {(0, 1), (0, 2)}


def test_pair_stats_and_candidates_of_many_clusters_are_each_clusters_own() -> None:
    one = [node("a", minutes=0), node("b", minutes=5), node("c", minutes=9)]
    two = [node("d", minutes=0), node("e", minutes=5)]
    rows1 = [("a", "b", 0.5, 0.6, 0.7), ("b", "c", 0.4, 0.5, 0.45, "rewrite")]
    rows2 = [("e", "d", 0.9, 0.95, 0.92)]
    prs = [L._pair_rows([x.id for x in g], r) for g, r in ((one, rows1), (two, rows2))]
    bp = L._batch_pairs([(len(one), prs[0]), (len(two), prs[1])])
    both = L._pair_stats(bp)
    cands = L._candidates(bp, one + two)
    for k, (g, r) in enumerate(((one, rows1), (two, rows2))):
        alone = L._batch_pairs([(len(g), L._pair_rows([x.id for x in g], r))])
        assert both[k] == L._pair_stats(alone)[0]
        for a, b in zip(cands[k], L._candidates(alone, g)[0], strict=True):
            assert a.tolist() == b.tolist()
    assert list(zip(cands[1].c.tolist(), cands[1].p.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_candidates_keep_the_most_containing_parents_agencies_first() -> None:
    n = L.MAX_CANDIDATE_PARENTS + 3
    nodes = [node("c", minutes=100)] + [node(f"p{i}", minutes=i) for i in range(1, n)]
    nodes[5] = node("p5", minutes=50, agency="IANS")  # ties with p4 and p6 on containment
    rows = [("c", nodes[i].id, 0.1, 0.9 if i in (4, 5, 6) else 0.5 - i / 1000, 0.1) for i in range(1, n)]
    cands = L._candidates(L._batch_pairs([(n, L._pair_rows([x.id for x in nodes], rows))]), nodes)[0]
    pairs = list(zip(cands.c.tolist(), cands.p.tolist(), strict=True))
    got = [p for c, p in pairs if c == 0]
    assert len(got) == L.MAX_CANDIDATE_PARENTS
    assert got[:3] == [5, 4, 6]  # the agency first, then the earlier outlet
    assert got[3:] == sorted(got[3:])  # then by containment (which falls with i)
    assert {p for c, p in pairs if c != 0} == {0}
    assert pairs[0] == (0, 5)  # children in order of first appearance: c is in the first pair


def test_features_name_the_credited_agencies_without_an_article_here() -> None:
    nodes = [
        node("ians", agency="IANS", byline=["Yonhap"]),
        node("a", byline=["PTI", "IANS"]),
        node("b", byline=["IANS"]),
        node("c", byline=["PTI", "Reuters"]),
    ]
    f = L._features(nodes)
    assert f.ext_names == ["Yonhap", "PTI", "Reuters"]
    assert f.ext_index == {"Yonhap": 5, "PTI": 6, "Reuters": 7}  # root 0, articles 1..4
    assert f.ext_first == ["Yonhap", "PTI", None, "PTI"]
    assert f.here_first == [None, "IANS", "IANS", None]
    assert f.is_copy == [False, True, False, True]


# --------------------------------------------------------------------------
# Edge weighting
# --------------------------------------------------------------------------


def cands_of(ps: L._PairStats, cands: list[tuple[int, int]]) -> L._Cands:
    """The given (child, parent) candidates with their statistics from ``ps``."""
    return L._Cands(
        np.array([c for c, _ in cands], dtype=np.int64), np.array([p for _, p in cands], dtype=np.int64),
        np.array([ps.cont[(c, p)] for c, p in cands], dtype=float), np.array([ps.cont[(p, c)] for c, p in cands], dtype=float),
        np.array([ps.jac[(c, p)] for c, p in cands], dtype=float),
        np.array([(min(c, p), max(c, p)) in ps.accepted for c, p in cands], dtype=bool),
    )


def weigh(nodes: list[L._Node], pairs: dict[tuple[int, int], tuple[float, float, float]],
          cands: list[tuple[int, int]]) -> L._EdgeWeights:
    """``_edge_weights`` of one cluster; ``pairs`` (low, high) -> (jaccard, share of low in high, of high in low)."""
    rows = [(nodes[a].id, nodes[b].id, j, ab, ba) for (a, b), (j, ab, ba) in pairs.items()]
    return L._edge_weights([(nodes, L._features(nodes), cands_of(stats([x.id for x in nodes], rows), cands))])[0]


def test_edge_weight_follows_the_documented_formula() -> None:
    nodes = [node("w", minutes=0, agency="IANS"), node("c", minutes=30, byline=["IANS"])]
    ew = weigh(nodes, {(0, 1): (0.9, 0.9, 1.0)}, [(1, 0), (0, 1)])
    lo = 3.0 + 2.5 * (1.0 - 0.9) + 2.5 + 1.0  # earlier, contains more, credited, agency over outlet
    assert ew.d[0] == pytest.approx(1 / (1 + math.exp(-lo)))
    assert ew.w[0] == pytest.approx((1.0 + 0.1 * 0.9 + 0.06) * 1.0 + L.AGENCY_PRIOR)  # saturated; agency parent
    assert ew.d[1] < 0.01  # the copy before the wire it credits: no
    # Unsure direction scales the closeness; identical shingle sets add a bonus.
    a, b = node("a", minutes=None, title=None), node("b", minutes=None, title=None)
    ew = weigh([a, b], {(0, 1): (0.4, 0.5, 0.5)}, [(1, 0)])
    assert ew.d.tolist() == [0.5] and ew.w[0] == pytest.approx((0.5 + 0.04) * 0.5 / 0.9)
    ew = weigh([a, b], {(0, 1): (1.0, 1.0, 1.0)}, [(1, 0)])
    assert ew.w[0] == pytest.approx((1.0 + 0.1 + L.CLOSENESS_IDENTICAL) * 0.5 / 0.9)


def test_sibling_kinds_and_the_agency_prior() -> None:
    nodes = [
        node("pti_copy", minutes=None, byline=["PTI"]),  # PTI has no article here
        node("outlet", minutes=None),
        node("ians", minutes=None, agency="IANS"),
        node("ians_copy", minutes=None, byline=["IANS"]),  # IANS has its own page here
    ]
    pairs = {(a, b): (0.5, 0.6, 0.6) for a in range(4) for b in range(a + 1, 4)}
    cands = [(0, 1), (1, 0), (3, 1), (3, 2)]
    ew = weigh(nodes, pairs, cands)
    # c credits PTI and p is not PTI; p is itself a copy of PTI; c credits IANS, p another outlet; p is IANS.
    assert ew.sibling.tolist() == [1, 2, 3, 0]
    plain = weigh(nodes[1:2] + [node("other", minutes=None)], {(0, 1): (0.5, 0.6, 0.6)}, [(1, 0)])
    assert plain.sibling.tolist() == [0]
    assert ew.w[1] == pytest.approx(plain.w[0] * L.SIBLING_PENALTY)
    d_ians = 1 / (1 + math.exp(-(2.5 + 1.0)))  # credited by the child, an agency over an outlet
    assert ew.w[3] == pytest.approx((0.6 + 0.05 + 0.06) * min(1.0, d_ians / 0.9) + L.AGENCY_PRIOR)


def test_edge_weights_of_many_clusters_match_the_scalar_log_odds() -> None:
    rng = random.Random(13)
    agencies = [None, None, "IANS", "PTI"]
    clusters = []
    for _ in range(30):
        n = rng.randint(2, 6)
        nodes = [
            node(f"n{i}", minutes=rng.choice([None, 0, 0.5, 30, 24 * 60]), agency=rng.choice(agencies),
                 byline=rng.sample(["IANS", "PTI", "Reuters"], rng.randint(0, 2)), cited=rng.sample(["IANS", "PTI"], rng.randint(0, 1)),
                 disclaimer=rng.random() < 0.2, precision=rng.choice(["minute", "minute", "day"]),
                 title=rng.choice(["A", "B", None]))
            for i in range(n)
        ]
        for x in nodes:
            x.byline_ag = [a for a in x.byline_ag if a != x.self_agency]
        rows = [(nodes[a].id, nodes[b].id, rng.random(), rng.random(), rng.random())
                for a in range(n) for b in range(a + 1, n) if rng.random() < 0.7]
        clusters.append((nodes, L._pair_rows([x.id for x in nodes], rows)))
    bp = L._batch_pairs([(len(nodes), pr) for nodes, pr in clusters])
    all_cands = L._candidates(bp, [x for nodes, _ in clusters for x in nodes])
    weighed = [(nodes, L._features(nodes), cands) for (nodes, _), cands in zip(clusters, all_cands, strict=True)]
    for (nodes, f, cands), ps, ew in zip(weighed, L._pair_stats(bp), L._edge_weights(weighed), strict=True):
        assert len(ew.w) == len(cands.c)
        for k, (c, p) in enumerate(zip(cands.c.tolist(), cands.p.tolist(), strict=True)):
            assert (cands.cp[k], cands.pc[k], cands.jj[k]) == (ps.cont[(c, p)], ps.cont[(p, c)], ps.jac[(c, p)])
            lo = L._log_odds(nodes[p], nodes[c], ps.cont[(c, p)], ps.cont[(p, c)], L._order(f, p, c))
            assert ew.d[k] == L._sigmoid(lo)  # bit for bit
            pa = nodes[p].self_agency
            sibling = (1 if f.ext_first[c] is not None and pa not in f.byline_set[c] else 2 if f.is_copy[p]
                       else 3 if f.here_first[c] is not None and pa is None else 0)
            assert ew.sibling[k] == sibling
    assert L._edge_weights([]) == []
    none = L._edge_weights([(weighed[0][0], weighed[0][1], L._Cands(*(x[:0] for x in weighed[0][2])))])
    assert len(none) == 1 and len(none[0].w) == 0


def test_order_is_exact_and_respects_day_precision() -> None:
    nodes = [node("a", minutes=0), node("b", minutes=0.5), node("c", minutes=2), node("d", minutes=None),
             node("e", minutes=24 * 60, precision="day")]
    f = L._features(nodes)
    assert [L._order(f, 0, i) for i in range(5)] == [0, 0, 1, 0, 1]
    assert L._order(f, 2, 0) == -1
    for p in range(5):
        for c in range(5):
            assert L._order(f, p, c) == L._time_order(nodes[p], nodes[c])[0]


# --------------------------------------------------------------------------
# Choosing parents
# --------------------------------------------------------------------------


def _random_graph(rng: random.Random, n: int, per_node: int) -> list[tuple[int, int, float]]:
    edges = [(0, v, 0.05) for v in range(1, n)]
    for v in range(1, n):
        for _ in range(rng.randint(0, per_node)):
            u = rng.randrange(1, n)
            if u != v:
                edges.append((u, v, rng.choice([0.3, 0.5, 0.7, rng.random()])))  # ties too
    return edges


def test_best_incoming_is_edmonds_without_cycles_and_declines_with_one() -> None:
    rng = random.Random(7)
    seen_none = seen_tree = 0
    for _ in range(400):
        n = rng.randint(2, 9)
        edges = _random_graph(rng, n, 4)
        best = L._best_incoming(n, edges)
        full = L.max_arborescence(n, edges)
        if best is None:
            seen_none += 1
        else:
            seen_tree += 1
            assert best == full
        assert L._choose_parents(n, edges) == full  # never more than 12 incoming edges: nothing pruned
    assert seen_none and seen_tree
    assert L._best_incoming(3, [(0, 1, 0.1), (0, 2, 0.1), (1, 2, 0.9), (2, 1, 0.9)]) is None  # 1 <-> 2


def test_choose_parents_prunes_to_the_heaviest_incoming_edges() -> None:
    # Node 1 has 20 incoming edges; with a cycle among the best, Edmonds runs on the pruned set.
    n = 22
    edges = [(0, v, 0.05) for v in range(1, n)]
    edges += [(u, 1, 0.1 + u / 100) for u in range(2, n)]
    edges += [(1, v, 0.9) for v in range(2, n)]
    got = L._choose_parents(n, edges)
    assert L._best_incoming(n, edges) is None
    keep = sorted({i for i, e in enumerate(edges) if e[0] == 0}
                  | {i for i in sorted((i for i, e in enumerate(edges) if e[1] == 1), key=lambda i: -edges[i][2])[:12]}
                  | {i for i, e in enumerate(edges) if e[1] != 1})
    sub = L.max_arborescence(n, [edges[i] for i in keep])
    assert got == [keep[e] if e >= 0 else -1 for e in sub]


# --------------------------------------------------------------------------
# External agency chains
# --------------------------------------------------------------------------


def test_external_chain_votes_for_the_quoted_source_and_refuses_cycles() -> None:
    kids = [
        node("a", byline=["IANS"], cited=["Yonhap"], cited_by={"Yonhap": ["Ukrainian media"]}),
        node("b", byline=["IANS"], cited=["Yonhap", "AFP"]),
    ]
    ch = L._ExternalChains(REG)
    ch.upstream_of("IANS", kids, copy_of_name=True)
    # Copies of IANS cite Yonhap (2 votes) over AFP (1); Yonhap reported quoting Ukrainian media (3).
    assert ch.chain("IANS") == ["IANS", "Yonhap", "Ukrainian media"]
    assert ch.cited_via == {"IANS": None, "Yonhap": "IANS", "Ukrainian media": "Yonhap"}
    assert ch.kind["IANS"] == "agency" and ch.kind["Ukrainian media"] == "external"
    # A text saying Ukrainian media quoted IANS would close a loop: refused.
    ch.upstream_of("Ukrainian media", [node("z", cited_by={"Ukrainian media": ["IANS"]})], copy_of_name=False)
    assert ch.parent["Ukrainian media"] is None and ch.reaches("IANS", "Ukrainian media")
    rows = ch.rows(kids, 9)
    assert [r["name"] for r in rows] == ["IANS", "Yonhap", "Ukrainian media"]
    assert {r["name"]: r["n_articles"] for r in rows} == {"IANS": 2, "Yonhap": 2, "Ukrainian media": 1}


def test_a_root_citing_an_agency_hangs_off_it() -> None:
    nodes = [node("ians", agency="IANS", cited=["IANS", "Yonhap"]), node("solo")]
    tree = L._Tree([None, None], [None, None], [{"kind": "root"}, {"kind": "root"}])
    chains = L._external_chains(nodes, tree, REG)
    assert tree.parent_ext == ["Yonhap", None]
    assert tree.info[0] == {"kind": "cited", "agency": "Yonhap"}
    assert list(chains.kind) == ["Yonhap"]


# --------------------------------------------------------------------------
# Link deciders: relation, confidence, evidence
# --------------------------------------------------------------------------


def _decided(nodes: list[L._Node], rows: list[tuple]) -> L._Work:
    w = L._prepare(nodes, rows, config=L.Config(), aligner=None)
    L._decide(w, REG)
    return w


def test_copies_of_an_absent_agency_are_related_to_its_representative_copy() -> None:
    nodes = [
        node("long", minutes=0, byline=["PTI"], text="x" * 200),
        node("short", minutes=5, byline=["PTI"], text="x" * 100),
        node("disc", minutes=9, byline=["PTI"], disclaimer=True, text="y"),
    ]
    rows = [("long", "short", 0.5, 0.5, 1.0)]
    w = _decided(nodes, rows)
    assert w.tree is not None and w.tree.parent_ext == ["PTI", "PTI", "PTI"] and w.copies is not None
    assert w.copies.rep == {"PTI": 0} and w.copies.members == {"PTI": [0, 1, 2]}
    ev: dict = {}
    link = L._external_link(nodes, w.ids, w.ps, w.f, w.tree, w.copies, 1, ev)
    assert link == ("trimmed", 0.75, 1.0) and ev["relation_vs"] == "long"
    ev = {}
    assert L._external_link(nodes, w.ids, w.ps, w.f, w.tree, w.copies, 2, ev).relation == "verbatim"
    assert ev["relation_vs"].startswith("disclaimer")
    ev = {}
    link = L._external_link(nodes, w.ids, w.ps, w.f, w.tree, w.copies, 0, ev)  # the representative itself
    assert link == (None, 0.75, 1.0) and "relation_vs" not in ev


def test_an_uncredited_copy_inherits_the_agency_of_the_sibling_holding_it() -> None:
    nodes = [node("pti_copy", minutes=0, byline=["PTI"]), node("quiet", minutes=10)]
    w = _decided(nodes, [("quiet", "pti_copy", 0.85, 0.9, 0.95)])
    assert w.tree is not None and w.tree.info[1]["kind"] == "inferred"
    assert w.copies is not None
    ev: dict = {}
    link = L._external_link(nodes, w.ids, w.ps, w.f, w.tree, w.copies, 1, ev)
    assert link.confidence == pytest.approx(0.5 * 0.9) and link.cp_used == 0.9  # quiet is 90% inside pti_copy
    assert ev["inferred"] == "uncredited; text is 90% contained in pti_copy, which credits PTI"


def test_root_confidence_says_whether_every_partner_is_later() -> None:
    nodes = [node("a", minutes=0), node("b", minutes=10), node("c", minutes=None)]
    w = _decided(nodes, [("a", "b", 0.99, 1.0, 1.0)])
    ev: dict = {}
    assert L._root_link(nodes, w.ps, w.f, w.indep, 0, ev) == ("original", 0.9, None)
    assert L._root_link(nodes, w.ps, w.f, w.indep, 2, ev).confidence == 0.5
    assert ev["root"] == "no earlier source found; time missing"


def test_copy_link_flags_a_parent_published_later() -> None:
    text = "the quick brown fox jumps over the lazy dog near the river bank today " * 3
    nodes = [node("p", minutes=30, agency="IANS", text=text), node("c", minutes=0, byline=["IANS"], text=text)]
    w = _decided(nodes, [("p", "c", 1.0, 1.0, 1.0)])
    assert w.tree is not None and w.tree.parent_art == [None, 0]
    ev: dict = {}
    link = L._copy_link(nodes, w.ps, w.f, w.sig, 0, 1, w.tree.info[1], ev)
    assert link.relation == "verbatim"
    assert ev["time"].startswith("conflict: parent published later")
    assert link.confidence == pytest.approx(w.tree.info[1]["d"] * 0.6)
    assert "passages" not in ev  # identical shingle sets: no alignment needed


# --------------------------------------------------------------------------
# Batched alignment equals one pair at a time
# --------------------------------------------------------------------------

_SENTENCE = ("minister said the council would meet again on Friday to vote on the budget plan for roads "
             "and schools while critics called it “a waste of public money” and «too little» in a statement")
_WORDS = _SENTENCE.split(" ")


def _texts(rng: random.Random, n: int) -> list[str]:
    base = " ".join(rng.choice(_WORDS) for _ in range(120))
    out = []
    for _ in range(n):
        words = base.split()
        lo, hi = sorted(rng.sample(range(len(words)), 2))
        out.append(" ".join(words[lo:hi] + [rng.choice(_WORDS) for _ in range(rng.randint(0, 30))] + words[:lo]))
    out.append("Ünïcode TEXT “quoted part here”, which normalization changes: ﬁne")
    return out


def test_signal_counts_many_equals_signal_counts() -> None:
    rng = random.Random(3)
    texts = _texts(rng, 12)
    idx = TokenIndex(texts)
    q = QuotedTokens(idx)
    pairs = [(rng.randrange(len(texts)), rng.randrange(len(texts))) for _ in range(60)]
    counts = [q.counts(i) for i in range(len(texts))]
    lens = np.array([0 if c is None else len(c) for c in counts])
    off = np.concatenate([[0], np.cumsum(lens)])
    flat = np.concatenate([c for c in counts if c is not None])
    many = idx.signal_counts_many(np.array([p for p, _ in pairs]), np.array([c for _, c in pairs]), k=5,
                                  quoted=(flat, off))
    for (p, c), row in zip(pairs, many.tolist(), strict=True):
        assert tuple(row) == idx.signal_counts(p, c, k=5, quoted=counts[c])
    grouped = TokenIndex(texts, groups=[0, 5])
    with pytest.raises(ValueError, match="different groups"):
        grouped.signal_counts_many(np.array([0]), np.array([7]))


def test_aligner_fetch_equals_one_pair_at_a_time() -> None:
    rng = random.Random(5)
    texts = _texts(rng, 10)
    nodes = [node(str(i), text=t) for i, t in enumerate(texts)]
    batched = L._Aligner(texts, [0, 4])
    sig_a = L._Signals(nodes[:4], 5, (batched, 0))
    sig_b = L._Signals(nodes[4:], 5, (batched, 4))
    wanted = [(sig_a, 0, 1), (sig_a, 3, 2), (sig_b, 1, 6), (sig_b, 6, 0), (sig_b, 2, 2)]
    for s, p, c in wanted:
        s.need(p, c)
        s.need(p, c)  # announced twice, aligned once
    assert len(batched._wanted) == len(wanted)
    batched.fetch()
    lazy = L._Aligner(texts, [0, 4])
    for s, p, c in wanted:
        assert s.cache[(p, c)] == lazy.signals(s.base + p, s.base + c, k=5)


def test_quotation_counts_of_some_texts_equal_those_of_all() -> None:
    texts = _texts(random.Random(11), 8)
    whole = QuotedTokens(TokenIndex(texts))
    part = QuotedTokens(TokenIndex(texts))
    part.prepare([6, 2, 8])
    assert set(part._counts or {}) == {2, 6, 8}
    for i in [2, 6, 8, 0, 5]:  # 0 and 5 on first use
        a, b = whole.counts(i), part.counts(i)
        assert (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))
    assert any(whole.counts(i) is not None for i in range(len(texts)))


def test_the_stage_imports_no_store_pipeline_or_generator() -> None:
    code = ("import sys, provenance.trace.lineage; bad = [m for m in ('provenance.store', 'provenance.engine.pipeline', "
            "'provenance.tools.synth', 'duckdb') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
