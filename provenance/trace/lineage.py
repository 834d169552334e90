"""Lineage: who copied whom, inside each reuse cluster, through external agencies too.

This module owns the decision of each article's parent (an earlier article of
the corpus, an agency or source outside it, or none), the chain's origin,
the kind of reuse (relation), the METER derivation grade, whether the article
credits its sources, the lag behind the origin, and the evidence and
confidence of all that. It reads verified pairs (exact containment both
ways), clusters, credits (:mod:`provenance.trace.attribution`) and, for the chosen
edges, passage alignment (:mod:`provenance.detect.align`).

Why a maximum spanning arborescence: "who copied whom" is a tree per story
whose edges point from a source to a copy. Every candidate edge p → c gets a
weight = (share of c found in p) × P(p precedes c), where the direction
probability combines time order, containment direction (a copy holds a subset
of its source), credits ("By IANS" on c and p is IANS), agency-ness and
disclaimers. An agency named by a credit but absent from the corpus becomes a
virtual node, so siblings copied from the same wire story hang off the agency
instead of off each other. Chu-Liu/Edmonds then picks the best parent for
every node with no cycles even when timestamps are missing or contradict the
text evidence; the evidence column says which signals decided it.

Above the in-corpus root the chain continues through credits: an IANS article
citing "Yonhap news agency reported quoting Ukrainian media outlets" gets
parent_external "Yonhap", and the external node Yonhap gets parent
"Ukrainian media outlets" (``external_nodes``), so chains are multi-hop. A chain
that leaves the corpus through an agency and reaches an agency whose own story
is here comes back to it: copies crediting IANS (not here), whose text says
Yonhap reported, have Yonhap's story as their origin (evidence ``origin_via``).

Rewrite vs independent same-event report: verified pairs between articles
that share under half of either text are checked passage by passage
(:func:`reuse_signals`). Shared text that is mostly inside quotation marks,
in short runs, is what two reporters at one press conference produce; shared
narration, spread over the child, in order, is a rewrite. The thresholds are
measured on synthetic corpora (docs/QUALITY.md).

Everything works per cluster (:func:`lineage_for_cluster`), the unit of work
for a distributed group-by. :func:`lineage` runs the steps of a cluster
(:func:`_prepare`, :func:`_decide`, :func:`_emit`) over a batch of clusters at
a time, so that edge weights and passage alignments are computed for the whole
batch at once; the rows are the same as one cluster at a time.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import numpy as np
import polars as pl
import regex

from provenance import schemas
from provenance.config import Config
from provenance.detect.align import TokenIndex
from provenance.detect.normalize import normalize
from provenance.detect.quotes import QuotedTokens
from provenance.schemas import EXTERNAL_NODES, LINEAGE
from provenance.trace.attribution import CREDIT_ROLES, GENERIC_FEED, Registry, staff_byline
from provenance.trace.republished import names_outlet

__all__ = [
    "LINEAGE",
    "EXTERNAL_NODES",
    "RELATIONS",
    "LineageResult",
    "lineage",
    "lineage_for_cluster",
    "reuse_signals",
    "classify_relation",
    "looks_independent",
    "max_arborescence",
]

RELATIONS = ("original", "verbatim", "headline_changed", "trimmed", "added_intro", "edited", "partial", "rewrite")


class LineageResult(NamedTuple):
    lineage: pl.DataFrame  # LINEAGE
    external_nodes: pl.DataFrame  # EXTERNAL_NODES


# --------------------------------------------------------------------------
# Maximum spanning arborescence (Chu-Liu/Edmonds)
# --------------------------------------------------------------------------


def max_arborescence(n: int, edges: list[tuple[int, int, float]], root: int = 0) -> list[int]:
    """Index into ``edges`` of the chosen parent edge of every node (-1 for ``root``).

    ``edges`` are (u, v, weight); every node other than ``root`` needs at least
    one incoming edge. Maximizes the total weight; O(V·E).
    """
    tagged = [(u, v, w, i) for i, (u, v, w) in enumerate(edges) if v != root and u != v]
    chosen = _edmonds(n, tagged, root)
    out = [-1] * n
    for i in chosen:
        out[edges[i][1]] = i
    for v in range(n):
        if v != root and out[v] < 0:
            raise ValueError(f"node {v} has no incoming edge")
    return out


def _edmonds(n: int, edges: list[tuple[int, int, float, int]], root: int) -> list[int]:
    best: list[tuple[int, int, float, int] | None] = [None] * n
    for e in edges:
        b = best[e[1]]
        if b is None or e[2] > b[2] or (e[2] == b[2] and e[3] < b[3]):
            best[e[1]] = e
    # Find cycles among best edges.
    stamp = [-1] * n
    cycle_of = [-1] * n
    cycles: list[list[int]] = []
    for s in range(n):
        x = s
        while x != root and stamp[x] == -1 and best[x] is not None:
            stamp[x] = s
            x = best[x][0]
        if x != root and stamp[x] == s and cycle_of[x] == -1:
            cyc = [x]
            y = best[x][0]
            while y != x:
                cyc.append(y)
                y = best[y][0]
            for y in cyc:
                cycle_of[y] = len(cycles)
            cycles.append(cyc)
    if not cycles:
        return [best[v][3] for v in range(n) if v != root and best[v] is not None]
    # Contract every cycle to one node.
    new_id = [-1] * n
    nxt = 0
    for v in range(n):
        if cycle_of[v] == -1:
            new_id[v] = nxt
            nxt += 1
    cyc_node = list(range(nxt, nxt + len(cycles)))
    for v in range(n):
        if cycle_of[v] != -1:
            new_id[v] = cyc_node[cycle_of[v]]
    n2 = nxt + len(cycles)
    edges2 = []
    enters: dict[int, int] = {}  # edge id -> original target v (for edges entering a cycle)
    for u, v, w, i in edges:
        nu, nv = new_id[u], new_id[v]
        if nu == nv:
            continue
        if cycle_of[v] != -1:
            w = w - best[v][2]
            enters[i] = v
        edges2.append((nu, nv, w, i))
    chosen2 = _edmonds(n2, edges2, new_id[root])
    chosen = set(chosen2)
    entered: set[int] = set()
    for i in chosen2:
        if i in enters:
            entered.add(enters[i])
    for cyc in cycles:
        for v in cyc:
            if v not in entered:
                chosen.add(best[v][3])
    return list(chosen)


# --------------------------------------------------------------------------
# Pair signals
# --------------------------------------------------------------------------

def reuse_signals(parent_text: str, child_text: str, *, k: int = 5) -> dict[str, float]:
    """Passage-level statistics of how ``child_text`` reuses ``parent_text``.

    Keys: ``child_tokens``, ``parent_tokens``, ``shared`` (tokens in shared
    passages), ``child_cov`` / ``parent_cov`` (shared share of each side),
    ``in_order_share`` (of shared tokens, those in the in-order chain),
    ``longest_run`` and ``mean_run`` (tokens per passage), ``n_passages``,
    ``spread`` (share of the child's tenths that contain shared text),
    ``quoted_share`` (share of shared child tokens inside quotation marks),
    ``prefix_inserted`` / ``suffix_inserted`` (child tokens before the first /
    after the last in-order passage), ``prefix_deleted`` / ``suffix_deleted``
    (parent tokens likewise).
    """
    index = TokenIndex([parent_text or "", child_text or ""])
    return _signals(index, 0, 1, k=k, quoted=QuotedTokens(index))


def _signals(index: TokenIndex, p: int, c: int, *, k: int, quoted: QuotedTokens) -> dict[str, float]:
    """:func:`reuse_signals` of texts p (parent) and c (child) of ``index``."""
    q = quoted.counts(c)
    return _signal_dict(index.signal_counts(p, c, k=k, quoted=q), quoted=q is not None)


def _signal_dict(counts: tuple[int, ...], *, quoted: bool) -> dict[str, float]:
    """:func:`reuse_signals`' dict from :meth:`TokenIndex.signal_counts`' integers (``quoted``: the
    child has quotation marks)."""
    nc, np_, shared, in_order, longest, n_blocks, n_tenths, n_quoted, p_ins, s_ins, p_del, s_del, has_io = counts
    out: dict[str, float] = {
        "child_tokens": nc,
        "parent_tokens": np_,
        "shared": shared,
        "child_cov": shared / nc if nc else 0.0,
        "parent_cov": shared / np_ if np_ else 0.0,
        "in_order_share": in_order / shared if shared else 0.0,
        "longest_run": longest,
        "mean_run": shared / n_blocks if n_blocks else 0.0,
        "n_passages": n_blocks,
        "spread": 0.0,
        "quoted_share": 0.0,
        "prefix_inserted": nc,
        "suffix_inserted": 0,
        "prefix_deleted": np_,
        "suffix_deleted": 0,
    }
    if not n_blocks or not nc:
        return out
    out["spread"] = n_tenths / 10
    if quoted:
        out["quoted_share"] = n_quoted / shared
    if has_io:
        out["prefix_inserted"] = p_ins
        out["suffix_inserted"] = s_ins
        out["prefix_deleted"] = p_del
        out["suffix_deleted"] = s_del
    return out


def looks_independent(sig: dict[str, float]) -> bool:
    """Shared text looks like two reports of one event, not reuse.

    Independent reports share quotes (the same official, the same statement)
    and stock phrases in short runs; a copy, a rewrite or a lifted passage
    shares narration. So: nothing shared, or shared text mostly inside
    quotation marks with little shared narration, or (for pairs sharing under
    half of the child) only short runs.
    """
    if sig["shared"] == 0:
        return True
    narration = sig["shared"] * (1 - sig["quoted_share"])
    if sig["quoted_share"] >= 0.6 and narration < 25:
        return True
    return sig["child_cov"] < 0.5 and narration < 25 and sig["longest_run"] < 20


_WORDS = regex.compile(r"\w+")
# json.dumps(ev, ensure_ascii=False, separators=(",", ":")) without a new encoder per row.
_EVIDENCE_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=65536)
def _norm_title(t: str | None) -> str | None:
    if not t:
        return None
    return " ".join(_WORDS.findall(normalize(t)))


def classify_relation(
    *,
    child_in_parent: float,
    parent_in_child: float,
    jaccard: float,
    same_title: bool | None,
    sig: dict[str, float] | None,
) -> str:
    """The kind of reuse of a child relative to its parent (one of :data:`RELATIONS` minus original).

    ``child_in_parent``/``parent_in_child`` are shingle containments (share of
    each text found in the other), ``same_title`` None when a title is
    missing. With ``sig`` (:func:`reuse_signals`) the decision uses aligned
    token counts, which see a one-sentence trim or intro that containment
    ratios blur; without it, containment thresholds.
    """
    cp, pc = child_in_parent, parent_in_child
    if sig is not None and sig["shared"] > 0:
        ec = sig["child_tokens"] - sig["shared"]  # child text not from the parent
        ep = sig["parent_tokens"] - sig["shared"]  # parent text the child lacks
        small = max(3.0, 0.01 * sig["child_tokens"])
        if ec == 0 and ep == 0 and sig["in_order_share"] == 1.0:
            return "headline_changed" if same_title is False else "verbatim"
        if ec <= 1 and ep > small:
            return "trimmed"
        if ep <= 1 and ec > small:
            return "added_intro" if sig["prefix_inserted"] >= 0.5 * ec else "edited"
        if sig["child_cov"] >= 0.5 and cp >= 0.5:
            return "edited"
        if sig["spread"] >= 0.6 and (sig["mean_run"] < 15 or sig["in_order_share"] < 0.8):
            return "rewrite"
        return "partial" if sig["child_cov"] < 0.5 else "edited"
    if jaccard >= 0.95 or (cp >= 0.97 and pc >= 0.97):
        return "headline_changed" if same_title is False else "verbatim"
    if cp >= 0.9 and pc < 0.9:
        return "trimmed"
    if pc >= 0.9 and cp < 0.9:
        return "added_intro"
    if cp >= 0.5:
        return "edited"
    return "partial"


def _derivation(relation: str | None, child_in_parent: float | None) -> str:
    if relation in (None, "original"):
        return "non_derived"
    if relation in ("verbatim", "headline_changed", "trimmed") or (child_in_parent or 0) >= 0.8:
        return "wholly_derived"
    return "partially_derived"


# --------------------------------------------------------------------------
# Per-cluster lineage
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    id: str
    outlet: str | None
    t: datetime | None
    precision: str | None
    title: str | None
    text: str
    self_agency: str | None
    byline_ag: list[str] = field(default_factory=list)  # byline/dateline/disclaimer agencies, in order
    cited_ag: list[str] = field(default_factory=list)  # agencies cited directly (cited_via null)
    cited_by: dict[str, list[str]] = field(default_factory=dict)  # via -> sources cited through it
    disclaimer: bool = False
    generic_disclaimer: bool = False
    agency_evidence: str | None = None  # why self_agency: registry domain, host label, declared, sign-off
    staff_byline: str | None = None  # the byline, when it credits the outlet's staff
    republished: list[str] = field(default_factory=list)  # outlets its notices say the text first appeared in
    inputs_only: list[str] = field(default_factory=list)  # agencies credited with part of the text only ("inputs")


_names_outlet = functools.lru_cache(maxsize=65536)(names_outlet)


def _names(c: _Node, p: _Node) -> bool:
    """Whether c's republication notices name p's outlet (another outlet than c's)."""
    return bool(c.republished) and p.outlet != c.outlet and any(_names_outlet(n, p.outlet) for n in c.republished)


# Weights of the arborescence (see module docstring).
W_ROOT = 0.05  # an article with no better parent hangs off the root
W_CREDITED_EXTERNAL = 0.65  # "By IANS" and no IANS article in the corpus (beats any penalized sibling, max 0.58)
W_UNCREDITED_EXTERNAL = 0.65  # × containment in a sibling crediting the agency
SIBLING_PENALTY = 0.5  # × the weight of a parent that is probably a sibling copy, not the source
# Pairs where neither text is mostly inside the other get the passage-level
# independence check (one alignment each); near-copies skip it.
INDEPENDENCE_CHECK_BELOW = 0.8
# Edge weight = (containment of the child in the parent + CLOSENESS_JACCARD ×
# Jaccard + CLOSENESS_TITLE if the titles match + CLOSENESS_IDENTICAL if the
# shingle sets are equal) × min(1, P(direction) / DIRECTION_SURE) +
# AGENCY_PRIOR for an agency parent: with equal text, the wire wins; a copy
# that shares an intermediary's edits or headline goes to the intermediary.
CLOSENESS_JACCARD = 0.1
CLOSENESS_TITLE = 0.06
# Same shingle set: a copy of a copy that was itself changed is identical to
# the intermediary, not to the wire (siblings rarely make the same changes).
CLOSENESS_IDENTICAL = 0.08
AGENCY_PRIOR = 0.05
DIRECTION_SURE = 0.9
# Texts tokenized together for the passage signals of consecutive clusters.
_ALIGN_BATCH = 2048
# Parent candidates weighed per article (the most containing ones).
MAX_CANDIDATE_PARENTS = 24


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return (b - a).total_seconds() / 60.0


@dataclass
class _Stamp:
    """A time and its precision, for lags behind something that is not a node (an agency's first copy)."""

    t: datetime | None
    precision: str | None


def _honest_lag(a: _Node | _Stamp, b: _Node | _Stamp) -> tuple[float | None, str | None]:
    """Minutes from ``a`` to ``b``, only when both are minute-precision times in order; else (None, why).

    A day-precision date gave "-23.2 h" and a copy published before its source a negative
    median lag: neither is a measured lag, so both are unknown and the evidence says why.
    """
    if a.t is None or b.t is None:
        return None, None
    if "day" in (a.precision, b.precision):
        return None, "day-precision date: lag unknown"
    m = _minutes(a.t, b.t)
    assert m is not None
    if m < 0:
        return None, f"published {-m:.0f} min before its source: times contradict the text, lag unknown"
    return m, None


def _time_order(p: _Node, c: _Node) -> tuple[int, str]:
    """+1 if p is earlier than c, -1 if later, 0 if unknown or tied; with a note."""
    if p.t is None or c.t is None:
        return 0, "time missing"
    if "day" in (p.precision, c.precision):
        dp, dc = p.t.date(), c.t.date()
        if dp == dc:
            return 0, "same day (day precision)"
        return (1 if dp < dc else -1), "day order"
    dt = _minutes(p.t, c.t)
    assert dt is not None
    if abs(dt) < 1:
        return 0, "same minute"
    return (1 if dt > 0 else -1), f"{dt:+.0f} min"


def _direction(p: _Node, c: _Node, cp: float, pc: float) -> tuple[float, dict[str, Any]]:
    """Log-odds that p precedes (is a source of) c, and the notes."""
    order, tnote = _time_order(p, c)
    notes: dict[str, Any] = {"time": tnote}
    if p.self_agency:
        if p.self_agency in c.byline_ag:
            notes["credit"] = f"child credits {p.self_agency}"
        elif p.self_agency in c.cited_ag:
            notes["credit"] = f"child cites {p.self_agency}"
    if _names(c, p):
        notes["credit"] = f"child says it first appeared in {next(n for n in c.republished if _names_outlet(n, p.outlet))}"
    return _log_odds(p, c, cp, pc, order), notes


def _log_odds(p: _Node, c: _Node, cp: float, pc: float, order: int) -> float:
    """The log-odds of :func:`_direction`, given the time order."""
    lo = 0.0
    lo += 3.0 * order
    lo += 2.5 * (cp - pc)
    if p.self_agency:
        if p.self_agency in c.byline_ag:
            lo += 2.5
        elif p.self_agency in c.cited_ag:
            lo += 1.5
    if c.self_agency:
        if c.self_agency in p.byline_ag:
            lo -= 2.5
        elif c.self_agency in p.cited_ag:
            lo -= 1.5
    if p.self_agency and not c.self_agency:
        lo += 1.0
    elif c.self_agency and not p.self_agency:
        lo -= 1.0
    if c.disclaimer:
        lo += 0.5
    if p.disclaimer:
        lo -= 0.5
    if _names(c, p):  # "This article is republished from p's outlet"
        lo += 2.5
    if _names(p, c):
        lo -= 2.5
    return lo


_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(t: datetime) -> int:
    """Exact microseconds since the epoch (differences equal those of the datetimes)."""
    return (t - (_EPOCH if t.tzinfo is None else _EPOCH_UTC)) // _MICROSECOND


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _same_title(a: str | None, b: str | None) -> bool | None:
    return _same_norm_title(_norm_title(a), _norm_title(b))


def _same_norm_title(na: str | None, nb: str | None) -> bool | None:
    if na is None or nb is None:
        return None
    return na == nb


def lineage_for_cluster(
    articles: pl.DataFrame,
    pairs: pl.DataFrame,
    credits: pl.DataFrame,
    *,
    cluster_id: int | None,
    registry: Registry,
    config: Config,
) -> LineageResult:
    """Lineage of one cluster: ``articles`` (ARTICLES rows of the cluster),
    ``pairs`` (PAIRS among them), ``credits`` (CREDITS of them).

    The unit of work: clusters are independent, so this can run inside a
    distributed group-by.
    """
    nodes = _nodes(_canonical_articles(articles), credits, registry)
    pair_rows = [
        (r["a"], r["b"], r["jaccard"], r["containment_a_in_b"], r["containment_b_in_a"])
        for r in pairs.iter_rows(named=True)
    ]
    rows, ext_rows = _cluster_rows(nodes, pair_rows, cluster_id=cluster_id, registry=registry, config=config)
    return _frames(rows, ext_rows)


def _frames(rows: list[dict[str, Any]], ext_rows: list[dict[str, Any]]) -> LineageResult:
    def frame(recs: list[dict[str, Any]], schema: pl.Schema) -> pl.DataFrame:
        if not recs:
            return schemas.empty(schema)
        return pl.DataFrame({k: [r[k] for r in recs] for k in schema}, schema=schema, strict=False)

    return LineageResult(frame(rows, LINEAGE), frame(ext_rows, EXTERNAL_NODES))


class _Aligner:
    """Texts of several clusters tokenized together (one :class:`TokenIndex`); a cluster's
    nodes are the texts from ``base`` on."""

    def __init__(self, texts: list[str], groups: list[int] | None = None) -> None:
        self.index = TokenIndex(texts, groups=groups)
        self.quoted = QuotedTokens(self.index)
        self._wanted: list[tuple[_Signals, int, int]] = []

    def signals(self, p: int, c: int, *, k: int) -> dict[str, float]:
        return _signals(self.index, p, c, k=k, quoted=self.quoted)

    def want(self, sig: _Signals, p: int, c: int) -> None:
        """Queue the signals of ``sig``'s nodes p and c for the next :meth:`fetch`."""
        self._wanted.append((sig, p, c))

    def fetch(self) -> None:
        """Align every queued pair in one compiled loop and fill each :class:`_Signals`' cache:
        the same dicts as :meth:`signals` one pair at a time, without Python per pair."""
        wanted, self._wanted = self._wanted, []
        for k in sorted({sig.k for sig, _, _ in wanted}):
            todo = [(sig, p, c) for sig, p, c in wanted if sig.k == k]
            ps = np.fromiter((sig.base + p for sig, p, _ in todo), dtype=np.int64, count=len(todo))
            cs = np.fromiter((sig.base + c for sig, _, c in todo), dtype=np.int64, count=len(todo))
            counts = self.index.signal_counts_many(ps, cs, k=k, quoted=self._quoted_flat(sorted(set(cs.tolist()))))
            for (sig, p, c), row, gc in zip(todo, counts.tolist(), cs.tolist(), strict=True):
                sig.cache[(p, c)] = _signal_dict(tuple(row), quoted=self.quoted.counts(gc) is not None)

    def _quoted_flat(self, children: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The quoted running counts of ``children`` (ascending text indices) concatenated, and
        offsets per text (empty: not a child, or no quotation)."""
        self.quoted.prepare(children)
        parts = [(i, q) for i in children if (q := self.quoted.counts(i)) is not None]
        lens = np.zeros(len(self.index), dtype=np.int64)
        for i, q in parts:
            lens[i] = len(q)
        off = np.zeros(len(self.index) + 1, dtype=np.int64)
        np.cumsum(lens, out=off[1:])
        return (np.concatenate([q for _, q in parts]) if parts else np.empty(0, dtype=np.int64)), off


class _PairRows(NamedTuple):
    """The verified pairs of one cluster in canonical order (numpy arrays, one entry per pair): node
    positions ``lo`` < ``hi``, Jaccard ``j``, share of lo found in hi ``ab`` and of hi in lo ``ba``,
    and ``acc``: the sourced-share decision accepted the pair as a rewrite."""

    lo: np.ndarray
    hi: np.ndarray
    j: np.ndarray
    ab: np.ndarray
    ba: np.ndarray
    acc: np.ndarray


class _PairTable:
    """The canonical pairs of many clusters (see :func:`_pair_table`), sliced by cluster key."""

    def __init__(self, rows: _PairRows, keys: list[Any], starts: list[int], ends: list[int]) -> None:
        self.rows = rows
        self.at = dict(zip(keys, zip(starts, ends, strict=True), strict=True))

    def of(self, key: Any) -> _PairRows:
        s, e = self.at.get(key, (0, 0))
        return _PairRows(*(col[s:e] for col in self.rows))


def _pair_table(df: pl.DataFrame) -> _PairTable:
    """Canonical pairs of ``df`` (columns g: cluster key, pa, pb: node positions, jaccard,
    containment_a_in_b, containment_b_in_a, rewrite: via "rewrite"), in one polars pass.

    Each pair is oriented low to high position and the pairs are sorted (by cluster, positions, then
    values), so that ties between equal weights break the same way whatever order the pairs came in;
    of a pair given twice the last in that order counts, and it is accepted if either row is. A pair
    the sourced-share decision accepted as a rewrite already told reuse from an independent report,
    so the passage-level independence check does not undo it.
    """
    swap = pl.col("pa") > pl.col("pb")
    ab = pl.col("containment_a_in_b").cast(pl.Float64).fill_null(0.0)
    ba = pl.col("containment_b_in_a").cast(pl.Float64).fill_null(0.0)
    t = (
        df.filter(pl.col("pa") != pl.col("pb"))
        .select(
            "g",
            pl.min_horizontal("pa", "pb").cast(pl.Int64).alias("lo"),
            pl.max_horizontal("pa", "pb").cast(pl.Int64).alias("hi"),
            pl.col("jaccard").cast(pl.Float64).fill_null(0.0).alias("j"),
            pl.when(swap).then(ba).otherwise(ab).alias("ab"),
            pl.when(swap).then(ab).otherwise(ba).alias("ba"),
            pl.col("rewrite").fill_null(False),
        )
        .with_columns(pl.col("rewrite").any().over("g", "lo", "hi").alias("acc"))
        .sort("g", "lo", "hi", "j", "ab", "ba")
        .unique(["g", "lo", "hi"], keep="last", maintain_order=True)
    )
    rows = _PairRows(*(t[c].to_numpy() for c in ("lo", "hi", "j", "ab", "ba", "acc")))
    g = t["g"]
    starts = np.flatnonzero(g.ne_missing(g.shift(1)).to_numpy()).tolist()
    return _PairTable(rows, g.gather(starts).to_list(), starts, [*starts[1:], len(g)] if starts else [])


def _pair_rows(ids: list[str], pair_rows: Iterable[tuple[Any, ...]]) -> _PairRows:
    """:func:`_pair_table` of one cluster given as rows (a, b, jaccard, containment_a_in_b,
    containment_b_in_a[, via]) by article id; pairs naming an unknown article are ignored."""
    index = {a: i for i, a in enumerate(ids)}
    known = [(index[r[0]], index[r[1]], *r[2:5], len(r) > 5 and r[5] == "rewrite")
             for r in pair_rows if r[0] in index and r[1] in index]
    cols = ("pa", "pb", "jaccard", "containment_a_in_b", "containment_b_in_a", "rewrite")
    df = pl.DataFrame(
        [(0, *r) for r in known], orient="row", schema={"g": pl.Int64, **dict.fromkeys(cols[:2], pl.Int64),
                                                        **dict.fromkeys(cols[2:5], pl.Float64), "rewrite": pl.Boolean},
    )
    return _pair_table(df).of(0)


@dataclass(slots=True)
class _PairStats:
    """The verified pairs of one cluster, by node position (see :func:`_pair_stats`)."""

    cont: dict[tuple[int, int], float]  # cont[(x, y)]: share of x found in y; keys in canonical pair order
    jac: dict[tuple[int, int], float]  # Jaccard, both orientations
    nbrs: list[list[int]]  # the nodes each node is paired with, ascending
    accepted: set[tuple[int, int]]  # (low, high) pairs the sourced-share decision accepted as rewrites


class _BatchPairs(NamedTuple):
    """The canonical pairs of many clusters end to end, node positions counted from the first node
    of the first cluster; cluster k has nodes ``node_off[k]:node_off[k + 1]`` and pairs
    ``pair_off[k]:pair_off[k + 1]``."""

    rows: _PairRows
    node_off: np.ndarray
    pair_off: np.ndarray


def _batch_pairs(clusters: list[tuple[int, _PairRows]]) -> _BatchPairs:
    """The canonical pairs of clusters of (number of nodes, pairs), end to end."""
    node_off = np.zeros(len(clusters) + 1, dtype=np.int64)
    np.cumsum([n for n, _ in clusters], out=node_off[1:])
    pair_off = np.zeros(len(clusters) + 1, dtype=np.int64)
    np.cumsum([len(pr.lo) for _, pr in clusters], out=pair_off[1:])
    if not clusters:
        return _BatchPairs(_PairRows(*(np.empty(0, dtype=t) for t in (np.int64, np.int64, float, float, float, bool))),
                           node_off, pair_off)
    shift = np.repeat(node_off[:-1], np.diff(pair_off))
    cols = [np.concatenate([pr[i] for _, pr in clusters]) for i in range(6)]
    return _BatchPairs(_PairRows(cols[0] + shift, cols[1] + shift, *cols[2:]), node_off, pair_off)


def _pair_stats(bp: _BatchPairs) -> list[_PairStats]:
    """Containment and Jaccard lookups of each cluster of ``bp``, by node position within the cluster;
    the lookups are built for all clusters at once and cut per cluster."""
    lo, hi, j, ab, ba, acc = bp.rows
    m = len(lo)
    shift = np.repeat(bp.node_off[:-1], np.diff(bp.pair_off))
    x, y, v = np.empty(2 * m, np.int64), np.empty(2 * m, np.int64), np.empty(2 * m)
    x[0::2], x[1::2], y[0::2], y[1::2], v[0::2], v[1::2] = lo, hi, hi, lo, ab, ba
    xs, ys = x - np.repeat(shift, 2), y - np.repeat(shift, 2)
    keys = list(zip(xs.tolist(), ys.tolist(), strict=True))
    vals, jacs = v.tolist(), np.repeat(j, 2).tolist()
    nbrs: list[list[int]] = [[] for _ in range(int(bp.node_off[-1]))]
    for a, b in zip(x.tolist(), ys.tolist(), strict=True):
        nbrs[a].append(b)  # ascending: pairs come sorted by (low, high)
    acc_at = np.flatnonzero(acc)
    acc_keys = list(zip((lo - shift)[acc_at].tolist(), (hi - shift)[acc_at].tolist(), strict=True))
    acc_bounds = np.searchsorted(acc_at, bp.pair_off).tolist()
    out = []
    for k, (s, e, n0, n1) in enumerate(zip(bp.pair_off[:-1].tolist(), bp.pair_off[1:].tolist(),
                                           bp.node_off[:-1].tolist(), bp.node_off[1:].tolist(), strict=True)):
        ks = keys[2 * s:2 * e]
        out.append(_PairStats(dict(zip(ks, vals[2 * s:2 * e], strict=True)), dict(zip(ks, jacs[2 * s:2 * e], strict=True)),
                              nbrs[n0:n1], set(acc_keys[acc_bounds[k]:acc_bounds[k + 1]])))
    return out


@dataclass(slots=True)
class _Features:
    """Per-node facts of one cluster that edge weighting reads, computed once (positions as in ``nodes``).

    Vertex 0 of the arborescence is the root, articles are 1..n, and the agencies credited in a
    byline but without an article here (``ext_names``) follow as virtual nodes.
    """

    titles: list[str | None]  # normalized titles
    present: set[str]  # agencies with an article here
    ext_names: list[str]  # credited agencies without an article here, first credit first
    ext_index: dict[str, int]  # their vertices
    t_us: list[int | None]  # exact microseconds
    t_day: list[bool]  # day-precision time
    t_date: list[date | None]
    ext_first: list[str | None]  # the first such agency the article credits
    here_first: list[str | None]  # outlet articles: the first credited agency that has its own page here
    byline_set: list[set[str]]
    is_copy: list[bool]  # no agency of its own, and credits an agency with no article here (or carries its text)
    named: list[list[int]]  # the nodes of the outlets its republication notices name
    named_away: list[str | None]  # the first outlet its notices name that has no page here
    inferred_of: dict[int, str] = field(default_factory=dict)  # copies marked by _inferred_copies: the agency


def _features(nodes: list[_Node]) -> _Features:
    named = [[q for q, y in enumerate(nodes) if _names(x, y)] if x.republished else [] for x in nodes]
    present = {x.self_agency for x in nodes if x.self_agency}
    ext_names: list[str] = []
    for x in nodes:
        for ag in x.byline_ag:
            if ag not in present and ag not in ext_names:
                ext_names.append(ag)
    named_away = [next((nm for nm in x.republished if not any(_names_outlet(nm, nodes[q].outlet) for q in named[i])), None)
                  for i, x in enumerate(nodes)]
    ext_names += [nm for nm in dict.fromkeys(nm for nm in named_away if nm is not None) if nm not in ext_names]
    n = len(nodes)
    ext_index = {name: n + 1 + i for i, name in enumerate(ext_names)}
    return _Features(
        titles=[_norm_title(x.title) for x in nodes],
        present=present,
        ext_names=ext_names,
        ext_index=ext_index,
        t_us=[None if x.t is None else _micros(x.t) for x in nodes],
        t_day=[x.precision == "day" for x in nodes],
        t_date=[None if x.t is None else x.t.date() for x in nodes],
        ext_first=[next((ag for ag in x.byline_ag if ag in ext_index), None) for x in nodes],
        here_first=[
            None if x.self_agency else next((ag for ag in x.byline_ag if ag in present), None) for x in nodes
        ],
        byline_set=[set(x.byline_ag) for x in nodes],
        is_copy=[not x.self_agency and any(ag in ext_index for ag in x.byline_ag) for x in nodes],
        named=named,
        named_away=named_away,
    )


def _order(f: _Features, p: int, c: int) -> int:
    """:func:`_time_order` of nodes p and c without its note, exact from integer microseconds."""
    up, uc = f.t_us[p], f.t_us[c]
    if up is None or uc is None:
        return 0
    if f.t_day[p] or f.t_day[c]:
        dp, dc = f.t_date[p], f.t_date[c]
        return 0 if dp == dc else (1 if dp < dc else -1)  # type: ignore[operator]
    dt = uc - up
    if abs(dt) < 60_000_000:  # under a minute
        return 0
    return 1 if dt > 0 else -1


class _Cands(NamedTuple):
    """Candidate edges (child c, parent p) of one cluster in weighing order (numpy arrays): node
    positions, the share of c found in p and of p in c, the Jaccard, and whether the pair is an
    accepted rewrite."""

    c: np.ndarray
    p: np.ndarray
    cp: np.ndarray
    pc: np.ndarray
    jj: np.ndarray
    rewrite: np.ndarray


def _candidates(bp: _BatchPairs, nodes: list[_Node]) -> list[_Cands]:
    """Candidate edges of the clusters of ``bp`` (``nodes``: theirs, end to end) in one numpy pass:
    per child the best :data:`MAX_CANDIDATE_PARENTS` parents by containment rounded to 3 places
    (ties: agencies, then earlier, then node position), so huge wire clusters stay near-linear.

    Children come in order of first appearance among the canonical pairs (low, high, low, high, ...),
    the order in which the pairs were once walked; rounding is Python's, so ties fall as they did.
    """
    lo, hi, j, ab, ba, acc = bp.rows
    m, off = len(lo), bp.node_off
    child, parent = np.concatenate([lo, hi]), np.concatenate([hi, lo])
    cp, pc, jj, rw = np.concatenate([ab, ba]), np.concatenate([ba, ab]), np.concatenate([j, j]), np.concatenate([acc, acc])
    walk = np.empty(2 * m, dtype=np.int64)
    walk[0::2], walk[1::2] = lo, hi
    first = np.zeros(len(nodes), dtype=np.int64)
    seen, at = np.unique(walk, return_index=True)
    first[seen] = at
    no_agency = np.array([x.self_agency is None for x in nodes], dtype=bool)
    far = float("inf")
    t = np.array([x.t.timestamp() if x.t else far for x in nodes], dtype=float)
    uniq, inv = np.unique(cp, return_inverse=True)
    r3 = np.array([round(v, 3) for v in uniq.tolist()], dtype=float)[inv]
    order = np.lexsort((parent, t[parent], no_agency[parent], -r3, first[child]))
    cs = child[order]
    start = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]])
    rank = np.arange(len(cs)) - np.repeat(start, np.diff(np.r_[start, len(cs)]))
    keep = order[rank < MAX_CANDIDATE_PARENTS]
    shift = np.repeat(off[:-1], np.diff(off))  # per node: its cluster's first node
    kc, kp = child[keep], parent[keep]
    cols = (kc - shift[kc], kp - shift[kp], cp[keep], pc[keep], jj[keep], rw[keep])
    bounds = np.searchsorted(kc, off).tolist()  # kept candidates come cluster by cluster
    return [_Cands(*(col[s:e] for col in cols)) for s, e in zip(bounds[:-1], bounds[1:], strict=True)]


class _EdgeWeights(NamedTuple):
    """Per candidate (child, parent) of one cluster, in candidate order (numpy arrays)."""

    w: np.ndarray  # edge weight
    d: np.ndarray  # P(parent precedes child)
    sibling: np.ndarray  # why the parent is probably a sibling copy (0: no reason; see _edge_weights)


def _edge_weights(clusters: list[tuple[list[_Node], _Features, _Cands]]) -> list[_EdgeWeights]:
    """Weights of the candidate edges p → c of many clusters ((nodes, features, candidates) each),
    in one numpy pass: the same float operations in the same order as one edge at a time, hence the
    same values (ties between equal weights pick parents).

    Weight = closeness × min(1, P(direction) / DIRECTION_SURE), halved for a probable sibling, plus
    AGENCY_PRIOR for an agency parent (copies come from the wire far more often than from another
    copy). Closeness is how much of c p explains, then how similar overall, then the title (a copy
    of a copy inherits the intermediary's changes), plus a bonus for identical shingle sets; the
    direction (:func:`_log_odds`, then a sigmoid with :func:`math.exp`) saturates, so once p is
    clearly earlier, text decides among the candidates. Sibling: 1 c credits an agency with no
    article here and p is not it; 2 p has no agency of its own and credits one with no article
    here; 3 c credits an agency whose own page is here and p is another outlet; 4 c says it was
    republished from an outlet whose page is here and p is not that page; 5 c says it was
    republished from an outlet with no page here.
    """
    if not any(len(cands.c) for _, _, cands in clusters):
        return [_EdgeWeights(np.empty(0), np.empty(0), np.empty(0, dtype=np.int64)) for _ in clusters]
    # Per node: the facts the log-odds read, agencies as integers, and which agencies each node
    # credits (bylines) or cites, as node × agency keys.
    agency_id: dict[str, int] = {}
    title_id: dict[str, int] = {}
    node_rows: list[tuple[Any, ...]] = []
    credits_of: list[tuple[int, str]] = []
    cites_of: list[tuple[int, str]] = []
    named_of: list[tuple[int, int]] = []  # (child, parent): the child's notice names the parent's outlet
    away_of: list[int] = []  # children whose notice names an outlet with no page here
    cs, ps = [], []
    base = 0
    for nodes, f, cands in clusters:
        cs.append(cands.c + base)
        ps.append(cands.p + base)
        for i, x in enumerate(nodes):
            node_rows.append((
                x.self_agency is not None, x.disclaimer, f.t_us[i] is None, f.t_us[i] or 0, f.t_day[i],
                f.t_date[i].toordinal() if f.t_date[i] is not None else 0, f.ext_first[i] is not None,
                f.here_first[i] is not None, f.is_copy[i],
                -1 if x.self_agency is None else agency_id.setdefault(x.self_agency, len(agency_id)),
                -1 if f.titles[i] is None else title_id.setdefault(f.titles[i], len(title_id)),
            ))
            credits_of += [(base + i, ag) for ag in x.byline_ag]
            cites_of += [(base + i, ag) for ag in x.cited_ag]
            named_of += [(base + i, base + q) for q in f.named[i]]
            if f.named_away[i] is not None:
                away_of.append(base + i)
        base += len(nodes)
    has_ag, disc, tmiss, tus, day, dord, ext_first, here_first, is_copy, ag, tid = (
        np.array(col) for col in zip(*node_rows, strict=True))
    n_ag = len(agency_id) + 1  # agencies only credited, never a node's own, match no node: one id for all

    def keys(pairs: list[tuple[int, str]]) -> np.ndarray:
        return np.array([v * n_ag + agency_id.get(a, n_ag - 1) for v, a in pairs], dtype=np.int64)

    credit_keys, cite_keys = keys(credits_of), keys(cites_of)
    C, P = np.concatenate(cs), np.concatenate(ps)
    cp, pc, jj = (np.concatenate([cands[i] for _, _, cands in clusters]) for i in (2, 3, 4))
    # Time order as _order's, from exact integers.
    dt = tus[C] - tus[P]
    minute = np.where(np.abs(dt) < 60_000_000, 0, np.sign(dt))
    order = np.where(tmiss[P] | tmiss[C], 0, np.where(day[P] | day[C], np.sign(dord[C] - dord[P]), minute))
    # _log_odds, term by term (adding 0.0 where a term is absent changes no value).
    lo = 3.0 * order + 2.5 * (cp - pc)
    pa, ca = ag[P], ag[C]
    p_credited = (pa >= 0) & np.isin(C * n_ag + pa, credit_keys)  # p's agency in c's bylines
    p_cited = (pa >= 0) & np.isin(C * n_ag + pa, cite_keys)
    lo = np.where(p_credited, lo + 2.5, np.where(p_cited, lo + 1.5, lo))
    c_credited = (ca >= 0) & np.isin(P * n_ag + ca, credit_keys)  # c's agency in p's bylines
    c_cited = (ca >= 0) & np.isin(P * n_ag + ca, cite_keys)
    lo = np.where(c_credited, lo - 2.5, np.where(c_cited, lo - 1.5, lo))
    hp, hc = has_ag[P], has_ag[C]
    lo = np.where(hp & ~hc, lo + 1.0, np.where(hc & ~hp, lo - 1.0, lo))
    lo = np.where(disc[C], lo + 0.5, lo)
    lo = np.where(disc[P], lo - 0.5, lo)
    if named_of:  # republication notices: "This article is republished from" p's outlet
        named_keys = np.array([c * base + q for c, q in named_of], dtype=np.int64)
        p_named, c_named = np.isin(C * base + P, named_keys), np.isin(P * base + C, named_keys)
        names_here = np.isin(C, np.array([c for c, _ in named_of], dtype=np.int64))
        lo = np.where(p_named, lo + 2.5, lo)
        lo = np.where(c_named, lo - 2.5, lo)
    d = np.array([_sigmoid(x) for x in lo.tolist()])  # math.exp: np.exp may differ in the last bit
    same_t = (tid[P] >= 0) & (tid[P] == tid[C])
    close = cp + CLOSENESS_JACCARD * jj + np.where(same_t, CLOSENESS_TITLE, 0.0)
    close = np.where(jj >= 0.999, close + CLOSENESS_IDENTICAL, close)
    w = close * np.minimum(1.0, d / DIRECTION_SURE)
    sibling = np.where(ext_first[C] & ~p_credited, 1, np.where(is_copy[P], 2, np.where(here_first[C] & ~hp, 3, 0)))
    if named_of:
        sibling = np.where((sibling == 0) & names_here & ~p_named, 4, sibling)
    if away_of:
        sibling = np.where((sibling == 0) & np.isin(C, np.array(away_of, dtype=np.int64)), 5, sibling)
    w = np.where(sibling > 0, w * SIBLING_PENALTY, w)
    w = np.where(hp, w + AGENCY_PRIOR, w)
    out = []
    lo_i = 0
    for _, _, cands in clusters:
        hi = lo_i + len(cands.c)
        out.append(_EdgeWeights(w[lo_i:hi], d[lo_i:hi], sibling[lo_i:hi]))
        lo_i = hi
    return out


class _Edges:
    """Candidate edges (u, v, weight) of one cluster's graph and what each means.

    An article edge's info is a tuple (p, c, d, cp, pc, sibling), made a dict with the notes of
    :func:`_direction` only for the edges chosen (:meth:`info`): most edges are never shown.
    """

    __slots__ = ("edges", "infos")

    def __init__(self) -> None:
        self.edges: list[tuple[int, int, float]] = []
        self.infos: list[dict[str, Any] | tuple] = []

    def add(self, u: int, v: int, w: float, info: dict[str, Any] | tuple) -> None:
        self.edges.append((u, v, w))
        self.infos.append(info)

    def info(self, e: int, nodes: list[_Node], f: _Features) -> dict[str, Any]:
        info = self.infos[e]
        if isinstance(info, tuple):
            p, c, d, cp, pc, sibling = info
            notes = _direction(nodes[p], nodes[c], cp, pc)[1]
            if sibling == 1:
                notes["sibling"] = f"child credits {f.ext_first[c]}, parent is not it"
            elif sibling == 2:
                ag = nodes[p].byline_ag[0] if nodes[p].byline_ag else f.inferred_of.get(p)
                notes["sibling"] = f"parent is itself a copy of {ag}"
            elif sibling == 3:
                notes["sibling"] = f"child credits {f.here_first[c]}, whose own page is here; parent is another outlet"
            elif sibling == 4:
                notes["sibling"] = (f"child says it first appeared in {', '.join(nodes[c].republished)}, whose page is "
                                    "here; parent is another page")
            elif sibling == 5:
                notes["sibling"] = f"child says it first appeared in {f.named_away[c]}, which has no page here"
            info = {"kind": "article", "p": p, "c": c, "d": d, "cp": cp, "pc": pc, **notes}
            self.infos[e] = info
        return info


class _Signals:
    """Passage signals of node pairs of one cluster, each pair aligned once; the cluster's texts
    are tokenized on first use unless an aligner already holds them (texts from ``base`` on)."""

    __slots__ = ("nodes", "k", "aligner", "base", "cache", "queued")

    def __init__(self, nodes: list[_Node], k: int, aligner: tuple[_Aligner, int] | None) -> None:
        self.nodes, self.k = nodes, k
        self.aligner, self.base = aligner if aligner else (None, 0)
        self.cache: dict[tuple[int, int], dict[str, float]] = {}
        self.queued: set[tuple[int, int]] = set()

    def need(self, p: int, c: int) -> None:
        """Announce that (p, c) will be asked for: with a shared aligner it is aligned in its next
        batch (:meth:`_Aligner.fetch`); without one, on first use as usual."""
        if self.aligner is not None and (p, c) not in self.cache and (p, c) not in self.queued:
            self.queued.add((p, c))
            self.aligner.want(self, p, c)

    def __call__(self, p: int, c: int) -> dict[str, float]:
        s = self.cache.get((p, c))
        if s is None:
            if self.aligner is None:
                self.aligner = _Aligner([x.text for x in self.nodes])
            s = self.cache[(p, c)] = self.aligner.signals(self.base + p, self.base + c, k=self.k)
        return s


@dataclass(slots=True)
class _Independence:
    """Pairs judged two reports of one event (both orientations), and each node's such partners."""

    pairs: set[tuple[int, int]]
    of: list[set[int]]


def _check_independent(
    nodes: list[_Node], p: int, c: int, sig: _Signals, indep: _Independence,
) -> None:
    """Align p and c, earlier first (p first when a time is missing), and record them as
    independent reports if :func:`looks_independent`."""
    tp, tc = nodes[p].t, nodes[c].t
    s = sig(p, c) if tp is None or tc is None or tp <= tc else sig(c, p)
    if looks_independent(s):
        indep.pairs.add((p, c))
        indep.pairs.add((c, p))
        indep.of[p].add(c)
        indep.of[c].add(p)


def _low_overlap(cands: _Cands) -> np.ndarray:
    """Candidates that get the passage-level independence check: sharing under
    INDEPENDENCE_CHECK_BELOW both ways, and not an accepted rewrite."""
    return (np.maximum(cands.cp, cands.pc) < INDEPENDENCE_CHECK_BELOW) & ~cands.rewrite


def _article_edges(
    nodes: list[_Node], cands: _Cands, ew: _EdgeWeights, sig: _Signals, indep: _Independence, out: _Edges,
) -> None:
    """Edges between articles weighted by ``ew`` (:func:`_edge_weights`), for every candidate
    (child, parent) of :func:`_candidates`, in order.

    Skipped: a rewrite link whose child credits another source (p is a sibling, not the source),
    and pairs that share under INDEPENDENCE_CHECK_BELOW both ways and look like independent
    reports. The check and the edge interleave as the candidates come: a pair recorded as
    independent is not checked again. Only those two kinds of candidate are walked in Python.
    """
    keep = np.ones(len(cands.c), dtype=bool)
    check = _low_overlap(cands)
    c_l, p_l = cands.c.tolist(), cands.p.tolist()
    for k in np.flatnonzero(check | cands.rewrite).tolist():
        c, p = c_l[k], p_l[k]
        if not check[k]:  # an accepted rewrite
            keep[k] = _same_agencies(nodes[p], nodes[c])
            continue
        if (p, c) not in indep.pairs:
            _check_independent(nodes, p, c, sig, indep)  # low overlap both ways: reuse or one event?
        keep[k] = (p, c) not in indep.pairs
    at = np.flatnonzero(keep)
    ps, cs = cands.p[at], cands.c[at]
    out.edges.extend(zip((ps + 1).tolist(), (cs + 1).tolist(), ew.w[at].tolist(), strict=True))
    out.infos.extend(zip(ps.tolist(), cs.tolist(), ew.d[at].tolist(), cands.cp[at].tolist(), cands.pc[at].tolist(),
                         ew.sibling[at].tolist(), strict=True))


def _agency_edges(nodes: list[_Node], ps: _PairStats, f: _Features, indep: _Independence, out: _Edges) -> None:
    """Edges from the virtual agency nodes: an outlet article crediting an agency with no article
    here hangs off it (W_CREDITED_EXTERNAL); an uncredited one inherits the agency of a sibling it
    is at least 80% contained in (the most containing; W_UNCREDITED_EXTERNAL × containment, or the
    weight that sibling would have as its parent when the sibling is earlier). An
    article whose republication notice names an outlet with no page here hangs off that outlet's
    node as a credited one does."""
    cont = ps.cont
    for c, x in enumerate(nodes):
        if (away := f.named_away[c]) is not None:
            out.add(f.ext_index[away], c + 1, W_CREDITED_EXTERNAL, {"kind": "republished", "agency": away})
        if x.self_agency:
            continue
        for ag in x.byline_ag:
            if ag in f.ext_index:
                out.add(f.ext_index[ag], c + 1, W_CREDITED_EXTERNAL, {"kind": "credit", "agency": ag})
                break
        else:
            best: tuple[float, str | None, int | None] = (0.0, None, None)
            for q in ps.nbrs[c]:
                if (c, q) in indep.pairs:
                    continue
                for ag in nodes[q].byline_ag:
                    if ag in f.ext_index and cont[(c, q)] >= 0.8 and cont[(c, q)] > best[0]:
                        best = (cont[(c, q)], ag, q)
            if best[1] is not None:
                q = best[2]
                assert q is not None
                w = W_UNCREDITED_EXTERNAL * best[0]
                if f.t_us[c] is not None and f.t_us[q] is not None and f.t_us[q] <= f.t_us[c]:
                    # An earlier copy crediting the agency holds this text: the agency's text explains it
                    # as closely as that copy would as a parent (an edit of the agency's own source, here,
                    # explains less). A later one may have copied this article, so it counts for less.
                    jac = ps.jac.get((c, q), 0.0)
                    w = (best[0] + CLOSENESS_JACCARD * jac + (CLOSENESS_IDENTICAL if jac >= 0.999 else 0.0)
                         + (CLOSENESS_TITLE if f.titles[c] is not None and f.titles[c] == f.titles[q] else 0.0)
                         + AGENCY_PRIOR)
                out.add(
                    f.ext_index[best[1]], c + 1, w,
                    {"kind": "inferred", "agency": best[1], "sibling": best[2], "cp": best[0]},
                )


#: Incoming edges per node kept for Edmonds (the heaviest; root edges always).
MAX_INCOMING_EDGES = 12


def _best_incoming(total: int, edges: list[tuple[int, int, float]]) -> list[int] | None:
    """Each vertex's heaviest incoming edge (ties: the first; -1 for the root, vertex 0), or None
    when those edges form a cycle or a vertex has none.

    Without a cycle this is what Chu-Liu/Edmonds returns (it contracts cycles only), and it is the
    common case: most clusters never need the contraction.
    """
    best = [-1] * total
    for i, (u, v, w) in enumerate(edges):
        if v != 0 and u != v and (best[v] < 0 or w > edges[best[v]][2]):
            best[v] = i
    state = [0] * total  # 0: not seen, 1: on the walk from s, 2: reaches the root
    state[0] = 2
    for s in range(1, total):
        walk = []
        x = s
        while state[x] == 0:
            state[x] = 1
            walk.append(x)
            if best[x] < 0:
                return None
            x = edges[best[x]][0]
        if state[x] == 1:
            return None
        for y in walk:
            state[y] = 2
    return best


def _choose_parents(total: int, edges: list[tuple[int, int, float]]) -> list[int]:
    """Index into ``edges`` of each vertex's chosen parent edge (-1 for the root, vertex 0).

    When the heaviest incoming edges form no cycle they are the answer (:func:`_best_incoming`).
    Otherwise only the MAX_INCOMING_EDGES heaviest edges into each node (ties: first added) and
    every root edge enter Chu-Liu/Edmonds, which keeps it near-linear; root edges keep every node
    reachable.
    """
    best = _best_incoming(total, edges)
    if best is not None:
        return best
    by_target: dict[int, list[int]] = {}
    for i, (_, v, _) in enumerate(edges):
        by_target.setdefault(v, []).append(i)
    if all(len(lst) <= MAX_INCOMING_EDGES for lst in by_target.values()):
        return max_arborescence(total, edges, root=0)  # nothing to prune
    keep = {i for lst in by_target.values() for i in sorted(lst, key=lambda i: -edges[i][2])[:MAX_INCOMING_EDGES]}
    keep |= {i for i, e in enumerate(edges) if e[0] == 0}
    keep_idx = sorted(keep)
    chosen_sub = max_arborescence(total, [edges[i] for i in keep_idx], root=0)
    return [keep_idx[e] if e >= 0 else -1 for e in chosen_sub]


class _ExternalChains:
    """External nodes of one cluster (agencies and sources outside the corpus) and the chain above
    each: "Yonhap reported quoting Ukrainian media outlets" makes the outlets Yonhap's parent.

    ``kind`` keeps the nodes in the order they were first named (the order of EXTERNAL_NODES rows).
    """

    def __init__(self, registry: Registry, outlets: Iterable[str] = ()) -> None:
        self.registry = registry
        self.outlets = set(outlets)  # names republication notices give: outlets, not agencies
        self.parent: dict[str, str | None] = {}
        self.cited_via: dict[str, str | None] = {}
        self.kind: dict[str, str] = {}

    def ensure(self, name: str) -> None:
        if name not in self.kind:
            self.kind[name] = ("agency" if name in self.registry.names
                               else "outlet" if name in self.outlets else "external")
            self.parent.setdefault(name, None)
            self.cited_via.setdefault(name, None)

    def upstream_of(self, name: str, via_text_of: Iterable[_Node], *, copy_of_name: bool) -> None:
        """Chain above external node ``name``, from texts that carry its words.

        "name reported quoting s" makes s its parent (3 votes per text). When the texts are copies
        of ``name``'s story (``copy_of_name``), an agency they cite is what ``name`` cited, so it is
        a parent too (1 vote: "By IANS ... Yonhap reported"). No cycles: a parent that already
        reaches ``name`` is refused.
        """
        self.ensure(name)
        if self.parent.get(name) is not None:
            return
        via_text_of = list(via_text_of)
        votes: Counter[str] = Counter()
        for x in via_text_of:
            for s in x.cited_by.get(name, []):
                votes[s] += 3
            if copy_of_name:
                for s in x.cited_ag:
                    if s != name and s not in x.byline_ag:
                        votes[s] += 1
        if votes:
            up, _ = votes.most_common(1)[0]
            if up != name and not self.reaches(up, name):
                self.parent[name] = up
                self.ensure(up)
                if self.cited_via.get(up) is None:
                    self.cited_via[up] = name
                self.upstream_of(up, via_text_of, copy_of_name=False)

    def reaches(self, a: str | None, b: str) -> bool:
        """Whether walking up the parents from ``a`` meets ``b``."""
        seen = set()
        while a is not None and a not in seen:
            if a == b:
                return True
            seen.add(a)
            a = self.parent.get(a)
        return False

    def chain(self, name: str | None) -> list[str]:
        """``name`` and the external nodes above it, nearest first (a cycle ends the walk)."""
        out = []
        seen = set()
        while name is not None and name not in seen:
            out.append(name)
            seen.add(name)
            name = self.parent.get(name)
        return out

    def rows(self, nodes: list[_Node], cluster_id: Any) -> list[dict[str, Any]]:
        """EXTERNAL_NODES rows; ``n_articles`` counts the cluster's articles naming each node."""
        count: Counter[str] = Counter()
        for x in nodes:
            for name in {*x.byline_ag, *x.cited_ag, *(s for lst in x.cited_by.values() for s in lst), *x.republished}:
                count[name] += 1
        return [
            {
                "cluster_id": cluster_id,
                "name": name,
                "kind": self.kind[name],
                "parent_external": self.parent.get(name),
                "cited_via": self.cited_via.get(name),
                "n_articles": count.get(name, 0),
            }
            for name in self.kind
        ]


#: Kinds of edge from an external node that say the text is the external source's: a credit, one
#: inherited from a sibling, a republication notice.
_CREDIT_KINDS = ("credit", "inferred", "republished")


@dataclass(slots=True)
class _Tree:
    """The chosen parents of one cluster's articles: an article, an external name, or neither."""

    parent_art: list[int | None]
    parent_ext: list[str | None]
    info: list[dict[str, Any]]  # the chosen edge's info (kind: root, article, credit, inferred, cited)

    def via_credit(self, c: int) -> bool:
        """Hangs off an external agency it credits or inherits from a sibling, or off the outlet its
        republication notice names."""
        return self.parent_ext[c] is not None and self.info[c].get("kind") in _CREDIT_KINDS


def _tree(nodes: list[_Node], f: _Features, edges: _Edges, parent_edge: list[int]) -> _Tree:
    n = len(nodes)
    tree = _Tree([None] * n, [None] * n, [{} for _ in range(n)])
    for c in range(n):
        e = parent_edge[c + 1]
        u = edges.edges[e][0]
        tree.info[c] = edges.info(e, nodes, f)
        if 1 <= u <= n:
            tree.parent_art[c] = u - 1
        elif u > n:
            tree.parent_ext[c] = f.ext_names[u - n - 1]
    return tree


def _external_chains(nodes: list[_Node], tree: _Tree, registry: Registry) -> _ExternalChains:
    """Chains above the agency nodes (from their copies' texts), and an external parent for each
    in-corpus root that cites a source (its first cited agency other than itself)."""
    chains = _ExternalChains(registry, (nm for x in nodes for nm in x.republished))
    children_of_ext: dict[str, list[_Node]] = {}
    for c, name in enumerate(tree.parent_ext):
        if name is not None:
            children_of_ext.setdefault(name, []).append(nodes[c])
    for name, kids in children_of_ext.items():
        # An agency's copies carry what it cited ("By IANS ... Yonhap reported"); an outlet's own
        # story cites as reporting does, so only "reported quoting" chains go above an outlet.
        chains.upstream_of(name, kids, copy_of_name=name not in chains.outlets)
    for c, x in enumerate(nodes):
        if tree.parent_art[c] is None and tree.parent_ext[c] is None:
            cited = [s for s in x.cited_ag if s != x.self_agency]
            if cited:
                tree.parent_ext[c] = cited[0]
                tree.info[c] = {"kind": "cited", "agency": cited[0]}
                chains.ensure(cited[0])
                chains.upstream_of(cited[0], [x], copy_of_name=False)
    return chains


@dataclass(slots=True)
class _AgencyCopies:
    """Per external agency, its copies here: ``rep`` the longest child hanging off it (closest to
    the full wire text), ``members`` the in-corpus roots among them, ``first`` their earliest
    minute-precision time (a lag in minutes from a day-precision date is not a fact)."""

    rep: dict[str, int]
    members: dict[str, list[int]]
    first: dict[str, datetime | None]


def _agency_copies(nodes: list[_Node], tree: _Tree) -> _AgencyCopies:
    rep: dict[str, int] = {}
    members: dict[str, list[int]] = {}
    for c in range(len(nodes)):
        if tree.via_credit(c):
            name = tree.parent_ext[c]
            assert name is not None
            r0 = rep.get(name)
            if r0 is None or len(nodes[c].text) > len(nodes[r0].text):
                rep[name] = c
            if tree.parent_art[c] is None:
                members.setdefault(name, []).append(c)
    first: dict[str, datetime | None] = {}
    for name, group in members.items():
        ts = [nodes[q].t for q in group if nodes[q].t is not None and nodes[q].precision != "day"]
        first[name] = min(ts) if ts else None  # type: ignore[type-var]
    return _AgencyCopies(rep, members, first)


class _Chain(NamedTuple):
    """Where an article's chain goes: its in-corpus path up to the top, and the external names above."""

    path: list[int]  # the article, its parent, ..., the in-corpus top
    above: list[str]  # external nodes above the top, nearest first
    via_agency: str | None  # the nearest agency on the chain
    agencies: list[str]  # agencies on the chain, nearest first (empty for a root with no external parent)


def _chain(c: int, nodes: list[_Node], tree: _Tree, chains: _ExternalChains, registry: Registry) -> _Chain:
    n = len(nodes)
    path = [c]
    while tree.parent_art[path[-1]] is not None and len(path) <= n:
        path.append(tree.parent_art[path[-1]])  # type: ignore[arg-type]
    top = path[-1]
    above = chains.chain(tree.parent_ext[top])
    via_agency = next((nodes[q].self_agency for q in path[1:] if nodes[q].self_agency), None)
    if via_agency is None:
        via_agency = next((a for a in above if a in registry.names), None)
    agencies = [nodes[q].self_agency for q in path[1:] if nodes[q].self_agency]
    agencies += [a for a in above if a in registry.names]
    if c == top and tree.parent_ext[c] is None:
        agencies = []
    return _Chain(path, above, via_agency, agencies)  # type: ignore[arg-type]


def _agency_homes(nodes: list[_Node], tree: _Tree) -> dict[str, int]:
    """Per agency, its own article in this cluster that heads a chain (no article parent; the earliest,
    then the first): where an external name of that agency above another chain leads."""
    homes: dict[str, int] = {}
    for q, x in enumerate(nodes):
        if x.self_agency is None or tree.parent_art[q] is not None:
            continue
        h = homes.get(x.self_agency)
        if h is None or (x.t is not None and (nodes[h].t is None or x.t < nodes[h].t)):
            homes[x.self_agency] = q
    return homes


def _origin(
    c: int, ch: _Chain, nodes: list[_Node], tree: _Tree, chains: _ExternalChains, registry: Registry,
    homes: dict[str, int],
) -> tuple[int, list[str], int, str | None]:
    """(origin article, external names above it, depth, the external name that led to it) of article c.

    The origin is the top of c's in-corpus path, unless the external chain above that top reaches an
    agency whose own story is in the cluster: "By IANS ... Yonhap news agency reported", with Yonhap's
    article here, has that article as its origin (IANS's text, not here, came from it). The names above
    it are those above Yonhap's article, or else those the copies name above Yonhap ("Yonhap reported
    quoting provincial broadcasters"). A story of that agency published after the chain's top is not
    where it came from (a later update of the story) and is passed over.
    """
    t_top = nodes[ch.path[-1]].t
    for k, name in enumerate(ch.above):
        h = homes.get(name)
        if h is None or h in ch.path or (t_top is not None and nodes[h].t is not None and nodes[h].t > t_top):
            continue
        hc = _chain(h, nodes, tree, chains, registry)
        if c in hc.path:
            continue
        above = hc.above or ch.above[k + 1:]
        return hc.path[-1], above, len(ch.path) + k + len(hc.path) - 1 + len(above), name
    return ch.path[-1], ch.above, len(ch.path) - 1 + len(ch.above), None


class _Link(NamedTuple):
    """What :func:`_copy_link` and the other link deciders find: relation, confidence, the
    containment the grade uses, and evidence entries."""

    relation: str | None
    confidence: float
    cp_used: float | None


def _copy_link(
    nodes: list[_Node], ps: _PairStats, f: _Features, sig: _Signals, p: int, c: int, info: dict[str, Any],
    ev: dict[str, Any],
) -> _Link:
    """Relation and confidence of article c under its in-corpus parent p, with evidence in ``ev``.

    Passage alignment (one per chosen edge, unless the shingle sets are identical) is what shows
    the link; the relation reads aligned token counts. Confidence = P(direction) scaled by how
    much of c p explains, lowered when no time order (×0.85) or a contrary one (×0.6) backs it.
    """
    cp, pc, jj = ps.cont[(c, p)], ps.cont[(p, c)], ps.jac[(c, p)]
    s = None if jj >= 0.999 else sig(p, c)
    relation = classify_relation(
        child_in_parent=cp, parent_in_child=pc, jaccard=jj,
        same_title=_same_norm_title(f.titles[p], f.titles[c]), sig=s,
    )
    d = info.get("d", 0.5)
    order, tnote = _time_order(nodes[p], nodes[c])
    conf = d * (0.6 + 0.4 * min(1.0, cp / 0.8))
    if order == 0:
        conf *= 0.85
        ev["time"] = f"{tnote}; order from containment/credits/agency"
    elif order < 0:
        conf *= 0.6
        ev["time"] = f"conflict: parent published later ({tnote}); text evidence overrides"
    else:
        ev["time"] = f"parent earlier ({tnote})"
    ev["containment"] = {"child_in_parent": round(cp, 3), "parent_in_child": round(pc, 3)}
    if s is not None:
        ev["passages"] = {
            "n": int(s["n_passages"]), "child_cov": round(s["child_cov"], 3),
            "in_order": round(s["in_order_share"], 3), "quoted": round(s["quoted_share"], 3),
        }
    for key in ("credit", "sibling"):
        if key in info:
            ev[key] = info[key]
    ev["direction_p"] = round(d, 3)
    if order == 0 and abs(d - 0.5) < 0.05:
        # Nothing says which came first (no minute order, symmetric texts, no credit): the
        # link is kept, but the evidence must not read as a direction.
        ev["direction"] = "unknown: no time order, containment or credit says which came first"
    return _Link(relation, conf, cp)


def _relation_vs(ps: _PairStats, f: _Features, c: int, q: int) -> str:
    """Relation of c to another copy q of the same external story, from containment alone."""
    return classify_relation(
        child_in_parent=ps.cont[(c, q)], parent_in_child=ps.cont[(q, c)], jaccard=ps.jac[(c, q)],
        same_title=_same_norm_title(f.titles[q], f.titles[c]), sig=None,
    )


def _external_link(
    nodes: list[_Node], ids: list[str], ps: _PairStats, f: _Features, tree: _Tree, copies: _AgencyCopies, c: int,
    ev: dict[str, Any],
) -> _Link:
    """Relation and confidence of article c under an external parent, with evidence in ``ev``.

    Credited (0.75): the relation is measured against the agency's representative copy here, or
    an identical sibling, or read from a "published without modification" disclaimer. Inferred
    (0.5 × containment in the crediting sibling): against that sibling. Cited above an in-corpus
    root (0.6): a rewrite for an agency's own story, else partial.
    """
    x, info, name = nodes[c], tree.info[c], tree.parent_ext[c]
    kind = info.get("kind")
    relation: str | None = None
    if kind in ("credit", "republished"):
        ev["credit"] = (f"credits {name}, which has no article here" if kind == "credit"
                        else f"says it first appeared in {name}, which has no page here")
        r0 = copies.rep.get(name)  # type: ignore[arg-type]
        cp_used = 1.0
        if r0 is not None and r0 != c and (c, r0) in ps.cont:
            relation = _relation_vs(ps, f, c, r0)
            cp_used = ps.cont[(c, r0)]
            ev["relation_vs"] = ids[r0]
        elif (
            r0 == c
            and (sib := _closest_sibling(c, copies.members.get(name, []), ps.jac)) is not None  # type: ignore[arg-type]
            and ps.jac[(c, sib)] >= 0.95
        ):
            # Another copy of the same wire story is identical: both carry it unchanged.
            relation = _relation_vs(ps, f, c, sib)
            ev["relation_vs"] = ids[sib]
        elif x.disclaimer:
            relation = "verbatim"
            ev["relation_vs"] = "disclaimer: published without modification"
        return _Link(relation, 0.75, cp_used)
    if kind == "inferred":
        q = info["sibling"]
        ev["inferred"] = f"uncredited; text is {info['cp']:.0%} contained in {ids[q]}, which credits {name}"
        return _Link(_relation_vs(ps, f, c, q), 0.5 * info["cp"], info["cp"])
    ev["cited"] = f"text cites {name}"  # cited upstream of an in-corpus root
    return _Link("rewrite" if x.self_agency else "partial", 0.6, 0.0)


def _root_link(nodes: list[_Node], ps: _PairStats, f: _Features, indep: _Independence, c: int,
               ev: dict[str, Any]) -> _Link:
    """An original: confident (0.9) when every non-independent partner is later, 0.6 when some
    are not, 0.5 alone."""
    later = [q for q in ps.nbrs[c] if (c, q) not in indep.pairs]
    ordered = [q for q in later if _order(f, c, q) > 0]
    conf = 0.9 if later and len(ordered) == len(later) else (0.6 if later else 0.5)
    ev["root"] = "no earlier source found" + ("" if nodes[c].t is not None else "; time missing")
    return _Link("original", conf, None)


def _lag(nodes: list[_Node], tree: _Tree, copies: _AgencyCopies, c: int, top: int) -> tuple[float | None, str | None]:
    """Minutes behind the origin, and why unknown (see :func:`_honest_lag`).

    A copy of an agency story that is not in the corpus lags behind its first copy seen (the
    first copy itself: unknown, not 0), and a chain whose top is such a copy adds that lag.
    """
    x = nodes[c]
    lag_note = None
    lag: float | None
    if top != c:
        lag, lag_note = _honest_lag(nodes[top], x)
    elif tree.parent_art[c] is None and tree.via_credit(c):
        fs_t = copies.first.get(tree.parent_ext[c])  # type: ignore[arg-type]
        lag, lag_note = (None, None) if fs_t is None or fs_t == x.t else _honest_lag(_Stamp(fs_t, "minute"), x)
    else:
        lag = None
    if top != c and tree.parent_art[top] is None and tree.via_credit(top):
        fs_t = copies.first.get(tree.parent_ext[top])  # type: ignore[arg-type]
        fs = None if fs_t is None else _honest_lag(_Stamp(fs_t, "minute"), nodes[top])[0]
        lag = None if lag is None or fs is None else lag + fs
    return lag, lag_note


@dataclass(slots=True)
class _Work:
    """One cluster on its way to rows: what :func:`_prepare_many` measures, :func:`_decide` chooses."""

    nodes: list[_Node]
    ids: list[str]
    ps: _PairStats
    f: _Features
    sig: _Signals
    indep: _Independence
    cands: _Cands | None = None
    weights: _EdgeWeights | None = None
    tree: _Tree | None = None
    chains: _ExternalChains | None = None
    copies: _AgencyCopies | None = None


def _prepare_many(
    clusters: list[tuple[list[_Node], _PairRows, int]], *, config: Config, aligner: _Aligner | None,
) -> list[_Work]:
    """Pair statistics, node features, candidate edges and their weights of many clusters ((nodes,
    canonical pairs, index of the first node's text in ``aligner``) each), the candidates and weights
    in one numpy pass; announces (``sig.need``) every alignment the independence checks of
    :func:`_article_edges` can ask for, so that a shared aligner computes them in one batch."""
    bp = _batch_pairs([(len(nodes), pr) for nodes, pr, _ in clusters])
    works = [
        _Work(nodes, [x.id for x in nodes], ps, _features(nodes),
              _Signals(nodes, config.shingle_size, (aligner, base) if aligner is not None else None),
              _Independence(set(), [set() for _ in nodes]), cands)
        for (nodes, _, base), ps, cands in zip(
            clusters, _pair_stats(bp), _candidates(bp, [x for nodes, _, _ in clusters for x in nodes]), strict=True)
    ]
    for w in works:
        _inferred_copies(w.nodes, w.ps, w.f)
    for w, ew in zip(works, _edge_weights([(w.nodes, w.f, w.cands) for w in works]), strict=True):
        w.weights = ew
    if aligner is not None:
        for w in works:
            assert w.cands is not None
            t_us = w.f.t_us
            for k in np.flatnonzero(_low_overlap(w.cands)).tolist():
                c, p = int(w.cands.c[k]), int(w.cands.p[k])
                tp, tc = t_us[p], t_us[c]
                w.sig.need(p, c) if tp is None or tc is None or tp <= tc else w.sig.need(c, p)
    return works


def _inferred_copies(nodes: list[_Node], ps: _PairStats, f: _Features) -> None:
    """Mark as agency copies (``f.is_copy``) the articles with no agency of their own that an earlier
    sibling crediting an agency with no article here contains at 0.8 or more: they carry that agency's
    text as the sibling does (what :func:`_agency_edges` infers), so as a parent each is a sibling
    too. Without this, of two uncredited copies of one wire text the later hung off the earlier. A
    sibling published later (or undated) does not mark: it may have copied this article, crediting the
    agency it names."""
    marked = {}
    t = f.t_us
    for i, x in enumerate(nodes):
        if f.is_copy[i] or x.self_agency or t[i] is None:
            continue
        q = next((q for q in ps.nbrs[i] if f.is_copy[q] and ps.cont.get((i, q), 0.0) >= 0.8
                  and t[q] is not None and t[q] <= t[i]), None)
        if q is not None:
            marked[i] = f.ext_first[q]
    for i, ag in marked.items():
        f.is_copy[i] = True
        if ag is not None:
            f.inferred_of[i] = ag


def _prepare(
    nodes: list[_Node], pair_rows: Iterable[tuple[Any, ...]], *, config: Config, aligner: tuple[_Aligner, int] | None,
) -> _Work:
    """:func:`_prepare_many` of one cluster given its pairs by article id (see :func:`_pair_rows`)."""
    pr = _pair_rows([x.id for x in nodes], pair_rows)
    al, base = aligner if aligner is not None else (None, 0)
    return _prepare_many([(nodes, pr, base)], config=config, aligner=al)[0]


def _decide(w: _Work, registry: Registry) -> None:
    """Choose every article's parent (weighted edges, Chu-Liu/Edmonds) and the external chains
    above; announces the alignment of each chosen article edge (its relation reads it)."""
    nodes, n = w.nodes, len(w.nodes)
    edges = _Edges()
    for i in range(n):
        edges.add(0, i + 1, W_ROOT, {"kind": "root"})
    for name, v in w.f.ext_index.items():
        edges.add(0, v, 0.0, {"kind": "root", "agency": name})
    assert w.cands is not None and w.weights is not None
    _article_edges(nodes, w.cands, w.weights, w.sig, w.indep, edges)
    _agency_edges(nodes, w.ps, w.f, w.indep, edges)
    w.tree = _tree(nodes, w.f, edges, _choose_parents(n + 1 + len(w.f.ext_names), edges.edges))
    w.chains = _external_chains(nodes, w.tree, registry)
    w.copies = _agency_copies(nodes, w.tree)
    for c, p in enumerate(w.tree.parent_art):
        if p is not None and w.ps.jac[(c, p)] < 0.999:
            w.sig.need(p, c)


def _emit(w: _Work, cluster_id: Any, registry: Registry) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """LINEAGE and EXTERNAL_NODES rows of a decided cluster."""
    assert w.tree is not None and w.chains is not None and w.copies is not None
    homes = _agency_homes(w.nodes, w.tree)
    rows = [
        _row(c, w.nodes, w.ids, w.ps, w.f, w.sig, w.indep, w.tree, w.chains, w.copies, registry, cluster_id, homes)
        for c in range(len(w.nodes))
    ]
    return rows, w.chains.rows(w.nodes, cluster_id)


def _cluster_rows(
    nodes: list[_Node],
    pair_rows: list[tuple[str, str, float | None, float | None, float | None]],
    *,
    cluster_id: int | None,
    registry: Registry,
    config: Config,
    aligner: tuple[_Aligner, int] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """LINEAGE and EXTERNAL_NODES rows of one cluster; ``aligner`` (an aligner holding the nodes'
    texts, and the index of the first) saves tokenizing them here.

    Choose (weighted candidate edges, Chu-Liu/Edmonds), then chain (external nodes above), then
    show (relation, confidence, evidence, grade, credit status, lag per article). :func:`lineage`
    runs the same three steps over many clusters at a time, aligning between them in batches.
    """
    w = _prepare(nodes, pair_rows, config=config, aligner=aligner)
    if aligner is not None:
        aligner[0].fetch()
    _decide(w, registry)
    if aligner is not None:
        aligner[0].fetch()
    return _emit(w, cluster_id, registry)


def _row(
    c: int, nodes: list[_Node], ids: list[str], ps: _PairStats, f: _Features, sig: _Signals, indep: _Independence,
    tree: _Tree, chains: _ExternalChains, copies: _AgencyCopies, registry: Registry, cluster_id: Any,
    homes: dict[str, int],
) -> dict[str, Any]:
    """The LINEAGE row of article c; ``homes``: :func:`_agency_homes`."""
    x = nodes[c]
    ch = _chain(c, nodes, tree, chains, registry)
    top, above, depth, origin_via = _origin(c, ch, nodes, tree, chains, registry, homes)
    info = tree.info[c]
    ev: dict[str, Any] = {}
    p = tree.parent_art[c]
    if p is not None:
        link = _copy_link(nodes, ps, f, sig, p, c, info, ev)
    elif tree.parent_ext[c] is not None:
        link = _external_link(nodes, ids, ps, f, tree, copies, c, ev)
    else:
        link = _root_link(nodes, ps, f, indep, c, ev)
    relation = link.relation
    if origin_via is not None:  # the external chain above reached an agency whose story is here
        ev["origin_via"] = origin_via
    if x.disclaimer:
        ev["disclaimer"] = True
    if x.agency_evidence:
        ev["agency_site"] = {"agency": x.self_agency, "why": x.agency_evidence}
    if p is not None and nodes[p].agency_evidence:
        ev["parent_agency_site"] = nodes[p].self_agency
    if x.staff_byline and not x.self_agency:
        mm = _byline_mismatch(x, relation, ch.via_agency)
        if mm:
            ev["byline_mismatch"] = mm
    if indep.of[c]:
        ev["independent_of"] = sorted({ids[r] for r in indep.of[c]})
    inherited = set(x.cited_ag) if (p is None and info.get("kind") in _CREDIT_KINDS) else None
    credited = _credited(x, ch, nodes, relation, inherited=inherited)
    if relation == "original":
        derivation = "non_derived"
    elif relation is None and tree.parent_ext[c] is not None:
        whole = info.get("kind") in _CREDIT_KINDS and tree.parent_ext[c] not in x.inputs_only
        derivation = "wholly_derived" if whole else "partially_derived"
    else:
        derivation = _derivation(relation, link.cp_used)
    lag, lag_note = _lag(nodes, tree, copies, c, top)
    if lag_note:
        ev["lag"] = lag_note
    return {
        "article_id": x.id,
        "cluster_id": cluster_id,
        "parent_id": ids[p] if p is not None else None,
        "parent_external": tree.parent_ext[c] if p is None else None,
        "origin_id": ids[top],
        "origin_external": above[-1] if above else None,
        "depth": depth,
        "via_agency": ch.via_agency,
        "relation": relation,
        "derivation": derivation,
        "credited": credited,
        "lag_minutes": lag,
        "confidence": round(max(0.0, min(1.0, link.confidence)), 3),
        "evidence": _EVIDENCE_JSON.encode(ev),
    }


def _same_agencies(p: _Node, c: _Node) -> bool:
    """No agency credit says p is not c's source: c credits or cites none, or p is, credits or cites one
    of them. (An article crediting Yonhap got its story from Yonhap, not from a page that never names it.)"""
    theirs = {*c.byline_ag, *c.cited_ag}
    return not theirs or bool(theirs & {p.self_agency, *p.byline_ag, *p.cited_ag})


def _byline_mismatch(x: _Node, relation: str | None, via_agency: str | None) -> str | None:
    """Why a staff byline claims agency copy as the outlet's own work, or None.

    What a media researcher looks for: "By Staff Reporter" over a text whose
    dateline or sign-off credits an agency, or over a verbatim agency copy.
    """
    if x.byline_ag:
        return f"byline {x.staff_byline!r} credits the outlet's staff; the text credits {', '.join(x.byline_ag)}"
    if via_agency and relation in ("verbatim", "headline_changed"):
        return f"byline {x.staff_byline!r} credits the outlet's staff; the text is a verbatim copy of {via_agency}"
    return None


def _closest_sibling(c: int, group: list[int], jac: dict[tuple[int, int], float]) -> int | None:
    best, best_j = None, -1.0
    for q in group:
        if q != c and (c, q) in jac and jac[(c, q)] > best_j:
            best, best_j = q, jac[(c, q)]
    return best


def _credited(
    x: _Node,
    ch: _Chain,
    nodes: list[_Node],
    relation: str | None,
    *,
    inherited: set[str] | None,
) -> str:
    """Whether the article credits its sources.

    Its own credits are bylines, datelines and disclaimers, plus citations it
    added: a citation already in the parent's text (or, for a copy of an
    external agency, anywhere in the copied text) is the parent's credit. A
    republication notice credits the outlet it names, when that outlet is on
    the chain: its page here, or the external source above the chain's top.
    """
    if relation == "original":
        return "n/a"
    path, chain_agencies = ch.path, ch.agencies
    own = set(x.byline_ag)
    if inherited is not None:
        parent_cites = inherited
    else:
        parent_cites = set(nodes[path[1]].cited_ag) if len(path) > 1 else set()
    own |= {a for a in x.cited_ag if a not in parent_cites}
    names = "none"
    if x.republished:
        origin_named = (ch.above[-1] in x.republished) if ch.above else (len(path) > 1 and _names(x, nodes[path[-1]]))
        if origin_named:
            names = "origin"
        elif any(_names(x, nodes[q]) for q in path[1:]) or any(a in x.republished for a in ch.above):
            names = "intermediary"
    if not chain_agencies:
        # Parent is an outlet (no agency on the chain): any agency credit is wrong.
        if names != "none":
            return "credits_origin" if names == "origin" else "credits_intermediary"
        return "miscredited" if own else "uncredited"
    if not own:
        return "credits_intermediary" if names != "none" else "uncredited"
    origin_agency = chain_agencies[-1]
    if origin_agency in own:
        return "credits_origin"
    if own & set(chain_agencies):
        return "credits_intermediary"
    return "miscredited"


_CREDIT_ORDER = ("article_id", "field", "span_start", "span_end", "role", "source", "kind", "cited_via", "span_text")


def _canonical_credits(credits: pl.DataFrame) -> pl.DataFrame:
    """Credits by article, field and position; ties broken by every other column (deterministic)."""
    return credits.sort([c for c in _CREDIT_ORDER if c in credits.columns], nulls_last=True, maintain_order=True)


def _canonical_articles(articles: pl.DataFrame) -> pl.DataFrame:
    """Articles in a canonical order: by ``doc`` (the store's order) when there is one, else by id."""
    return articles.sort("doc" if "doc" in articles.columns else "article_id", "article_id", nulls_last=True,
                         maintain_order=True)


_staff_byline = functools.lru_cache(maxsize=65536)(staff_byline)  # the same few bylines on many articles


def _nodes(articles: pl.DataFrame, credits: pl.DataFrame, registry: Registry) -> list[_Node]:
    by_art: dict[str, list[tuple[Any, ...]]] = {}
    if credits.height:
        cr = _canonical_credits(credits).select("article_id", "role", "kind", "source", "cited_via")
        for aid, *rest in cr.iter_rows():
            by_art.setdefault(aid, []).append(tuple(rest))
    n = articles.height

    def col(name: str) -> list[Any]:
        return articles[name].to_list() if name in articles.columns else [None] * n

    agency_of: dict[str | None, tuple[str, str] | None] = {}
    out = []
    for aid, outlet, t, precision, title, text, byline in zip(
        col("article_id"), col("outlet"), col("published_at"), col("published_precision"), col("title"),
        col("text"), col("byline"), strict=True,
    ):
        if outlet not in agency_of:
            agency_of[outlet] = registry.agency_identity(outlet)
        ident = agency_of[outlet]
        node = _Node(
            id=aid, outlet=outlet, t=t, precision=precision, title=title, text=text or "",
            self_agency=ident[0] if ident else None, agency_evidence=ident[1] if ident else None,
            staff_byline=byline if _staff_byline(byline) else None,
        )
        whole: set[str] = set()  # agencies credited with the text, not only with inputs to it
        for role, kind, source, via in by_art.get(aid, ()):
            if (role in CREDIT_ROLES and kind == "agency" and role != "inputs") or role == "disclaimer":
                whole.add(source)
            if role in CREDIT_ROLES and kind == "agency":
                if source not in node.byline_ag:
                    node.byline_ag.append(source)
            elif role == "republished":
                if source not in node.republished:
                    node.republished.append(source)
            elif role == "disclaimer":
                node.disclaimer = True
                if source == GENERIC_FEED:
                    node.generic_disclaimer = True
                elif source not in node.byline_ag:
                    node.byline_ag.append(source)
            elif role == "cited":
                if via is None:
                    if kind == "agency" and source not in node.cited_ag:
                        node.cited_ag.append(source)
                else:
                    node.cited_by.setdefault(via, [])
                    if source not in node.cited_by[via]:
                        node.cited_by[via].append(source)
        # An agency's own copy "credits" itself in its dateline; that is no upstream.
        if node.self_agency:
            node.byline_ag = [a for a in node.byline_ag if a != node.self_agency]
        node.inputs_only = [a for a in node.byline_ag if a not in whole]
        out.append(node)
    return out


class _Singletons:
    """Rows of one-article clusters, computed once per kind of article.

    Alone, an article's lineage depends only on its own agency, the agencies it
    credits or cites (and through whom), its disclaimers and whether its time
    is known: the rows of the first article of each kind are computed by
    :func:`_cluster_rows` with a probe id, then reused with the ids replaced
    (a kind whose rows mention the probe anywhere else is not reused).
    """

    _PROBE = "\x00probe-article\x00"
    _PROBE_CLUSTER = -7_777_777_777

    def __init__(self, registry: Registry, config: Config) -> None:
        self.registry, self.config = registry, config
        self._memo: dict[tuple, tuple[list[dict[str, Any]], list[dict[str, Any]]] | None] = {}

    def rows(self, node: _Node, cluster_id: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        key = (
            node.self_agency, tuple(node.byline_ag), tuple(node.cited_ag),
            tuple((k, tuple(v)) for k, v in node.cited_by.items()), node.disclaimer, node.generic_disclaimer,
            node.t is None, tuple(node.republished), tuple(node.inputs_only),
        )
        if key not in self._memo:
            probe = dataclasses.replace(node, id=self._PROBE)
            rows, ext = _cluster_rows([probe], [], cluster_id=self._PROBE_CLUSTER, registry=self.registry,
                                      config=self.config)
            ok = all(
                v != self._PROBE and not (isinstance(v, str) and self._PROBE in v)
                for r in rows for k, v in r.items() if k not in ("article_id", "origin_id")
            ) and all(r["article_id"] == r["origin_id"] == self._PROBE for r in rows) and len(rows) == 1
            ok = ok and all(r["cluster_id"] == self._PROBE_CLUSTER for r in (*rows, *ext))
            ok = ok and not any(v == self._PROBE_CLUSTER for r in (*rows, *ext) for k, v in r.items() if k != "cluster_id")
            self._memo[key] = (rows, ext) if ok else None
        tpl = self._memo[key]
        if tpl is None:
            return _cluster_rows([node], [], cluster_id=cluster_id, registry=self.registry, config=self.config)
        rows, ext = tpl
        return (
            [{**r, "article_id": node.id, "origin_id": node.id, "cluster_id": cluster_id} for r in rows],
            [{**e, "cluster_id": cluster_id} for e in ext],
        )


#: The article columns :func:`lineage` reads (with ``doc`` when there is one).
ARTICLE_COLUMNS = ("doc", "article_id", "outlet", "published_at", "published_precision", "title", "text", "byline")


def lineage(
    articles: pl.DataFrame,
    pairs: pl.DataFrame,
    clusters: pl.DataFrame,
    credits: pl.DataFrame,
    *,
    registry: Registry,
    config: Config,
) -> LineageResult:
    """Lineage of every article (LINEAGE) and the external nodes above them (EXTERNAL_NODES).

    Articles in no cluster are their own one-article cluster (``cluster_id`` =
    their ``doc``, null without one): they still get an external parent from
    their credits ("By IANS" → parent_external IANS).
    """
    cl = clusters.select("article_id", "cluster_id")
    # Input order must not matter (ties between equally good parents follow node order).
    arts = _canonical_articles(articles.join(cl, on="article_id", how="left", maintain_order="left"))
    cid = pl.coalesce("cluster_id", "doc") if "doc" in arts.columns else pl.col("cluster_id")
    arts = arts.with_columns(cid.alias("_cid"))
    if "text" in arts.columns:  # an article alone is never aligned: its text is not needed
        alone = pl.col("_cid").is_null() | (pl.len().over("_cid") == 1)
        arts = arts.with_columns(pl.when(alone).then(pl.lit("")).otherwise(pl.col("text")).alias("text"))
    nodes = _nodes(arts, credits, registry)
    cids = arts["_cid"].to_list()
    by_cluster: dict[Any, list[_Node]] = {}
    for node, c in zip(nodes, cids, strict=False):
        by_cluster.setdefault(c, []).append(node)
    # A pair belongs to the cluster of its ``a``; both ends must be nodes of that cluster.
    pos = arts.select(pl.col("_cid").alias("cluster_id"), "article_id", pl.int_range(pl.len()).over("_cid").alias("_pos"))
    rewrite = (pl.col("via") == "rewrite") if "via" in pairs.columns else pl.lit(False)
    table = _pair_table(
        pairs.join(cl.rename({"article_id": "a"}), on="a", how="inner")
        .join(pos.rename({"article_id": "a", "_pos": "pa"}), on=["cluster_id", "a"], how="inner")
        .join(pos.rename({"article_id": "b", "_pos": "pb"}), on=["cluster_id", "b"], how="inner")
        .select(pl.col("cluster_id").alias("g"), "pa", "pb", "jaccard", "containment_a_in_b", "containment_b_in_a",
                rewrite.alias("rewrite"))
    )
    rows: list[dict[str, Any]] = []
    ext_rows: list[dict[str, Any]] = []
    singletons = _Singletons(registry, config)
    clusters_in_order = list(by_cluster.items())
    done: dict[Any, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for at, (c, group) in enumerate(clusters_in_order):
        if c is None or len(group) == 1:  # alone (no cluster and no doc: each article alone)
            for node in group:
                r, e = singletons.rows(node, c)
                rows += r
                ext_rows += e
            continue
        if c not in done:  # this and the next clusters together: one tokenization, batched alignments
            batch: list[tuple[Any, int]] = []
            texts: list[str] = []
            for c2, g2 in clusters_in_order[at:]:
                if c2 is None or len(g2) == 1:
                    continue
                if texts and len(texts) + len(g2) > _ALIGN_BATCH:
                    break
                batch.append((c2, len(texts)))
                texts.extend(x.text for x in g2)
            done.update(_batch_rows(batch, by_cluster, table, texts, registry=registry, config=config))
        r, e = done.pop(c)
        rows += r
        ext_rows += e
    return _frames(rows, ext_rows)


def _batch_rows(
    batch: list[tuple[Any, int]], by_cluster: dict[Any, list[_Node]], table: _PairTable,
    texts: list[str], *, registry: Registry, config: Config,
) -> dict[Any, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Rows of the clusters of ``batch`` ((cluster id, index of its first text in ``texts``)).

    The texts are tokenized together, and each of :func:`_cluster_rows`' steps runs over every
    cluster before the next, so the alignments a step needs (independence checks, then chosen
    edges) are computed in one compiled loop per step instead of one Python call per pair, and the
    candidate edges and their weights in one numpy pass.
    """
    al = _Aligner(texts, [base for _, base in batch])
    works = _prepare_many([(by_cluster[c], table.of(c), base) for c, base in batch], config=config, aligner=al)
    al.fetch()
    for w in works:
        _decide(w, registry)
    al.fetch()
    return {c: _emit(w, c, registry) for (c, _), w in zip(batch, works, strict=True)}


def graded(lin: pl.DataFrame, grades: pl.DataFrame) -> pl.DataFrame:
    """LINEAGE whose ``derivation`` is the sourced-share decision's grade (``grades``: article_id,
    grade; see :mod:`provenance.detect.sourced`) where an article has a parent.

    The grade measures an article against all its earlier sources together; the one chosen parent
    would understate a story built from several wire versions. Lineage's own grade stays where the
    decision found no earlier source (a copy hanging off an agency with no article here), and roots
    stay non_derived.
    """
    has_parent = pl.col("parent_id").is_not_null() | pl.col("parent_external").is_not_null()
    derived = pl.col("_grade").is_in(["wholly_derived", "partially_derived"])
    return (
        lin.join(grades.select("article_id", pl.col("grade").alias("_grade")).unique("article_id"),
                 on="article_id", how="left")
        .with_columns(pl.when(has_parent & derived).then(pl.col("_grade")).otherwise(pl.col("derivation"))
                      .alias("derivation"))
        .drop("_grade")
    )
