"""Why are two articles linked? One answer for the CLI, the JSON output and the dashboard.

:func:`explain` gathers, for two stored articles, everything that decided
their link: the aligned passages side by side, the share of each text found
in the other (exact shingle overlap, from the stored pair or computed now
when the pair was never verified), the direction signals (publication
times, containment, credits, the stored lineage), the credits of both, and
the grade of the link (relation, derivation, credit status, confidence,
evidence) when lineage stores one between them. Editorial overrides that
name the pair or its outlets are listed with who made them.

The result is a plain :class:`Explanation` whose :meth:`Explanation.to_dict`
is JSON-safe; new fields (e.g. the per-source "sourced share" that the
rewrite work adds to the store) go in as new keys without changing the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from provenance import queries
from provenance.config import Config
from provenance.errors import InputError
from provenance.store import Store
from provenance.trace.republished import names_outlet

#: Article columns shown for each side.
ARTICLE_COLS = ("doc", "article_id", "outlet", "url", "title", "byline", "dateline", "published_at",
                "published_precision")
#: Lineage columns of one article.
LINEAGE_COLS = ("cluster_id", "parent_id", "parent_external", "origin_id", "origin_external", "depth", "via_agency",
                "relation", "derivation", "credited", "lag_minutes", "confidence", "evidence")


@dataclass
class Explanation:
    """Everything about one pair of articles; ``a`` and ``b`` in the order asked."""

    a: dict[str, Any]
    b: dict[str, Any]
    same_cluster: bool
    shared: dict[str, Any]
    alignment: dict[str, Any]
    direction: dict[str, Any]
    link: dict[str, Any] | None
    relationship: str
    overrides: list[dict[str, Any]] = field(default_factory=list)
    #: Without a stored link: how lineage's rules would grade the pair, one taken as the other's parent.
    pair_grade: dict[str, Any] | None = None
    #: Share of each article covered by text aligned to its sources, per source, as the store holds it
    #: (tables ``sourced`` and ``sources``); None for a store without them.
    sourced_share: dict[str, Any] | None = None
    texts: dict[str, str] = field(default_factory=dict, repr=False)

    def to_dict(self, *, with_texts: bool = False) -> dict[str, Any]:
        """A JSON-safe dict (datetimes as ISO 8601); texts only when asked (they can be long)."""
        d = {
            "a": self.a, "b": self.b, "same_cluster": self.same_cluster, "relationship": self.relationship,
            "link": self.link, "shared": self.shared, "direction": self.direction, "alignment": self.alignment,
            "pair_grade": self.pair_grade, "overrides": self.overrides, "sourced_share": self.sourced_share,
        }
        if with_texts:
            d["texts"] = self.texts
        return json.loads(json.dumps(d, default=_jsonable))


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    return str(v)


def explain(store: Store, a_ref: str, b_ref: str, *, config: Config | None = None,
            max_passages: int | None = None) -> Explanation:
    """Explain the link between two stored articles (ids or URLs), in the order given."""
    with store.session():
        a_id, b_id = queries.resolve_article(store, a_ref), queries.resolve_article(store, b_ref)
        if a_id == b_id:
            raise InputError(f"{a_ref!r} and {b_ref!r} are the same article ({a_id})")
        config = config or store.state().config or Config()
        arts = _articles(store, [a_id, b_id])
        lin = _lineage(store, [a_id, b_id])
        credits = store.credits_of(pl.Series([a_id, b_id]))
        pair = _stored_pair(store, a_id, b_id)
        cluster = _clusters(store, [a_id, b_id])
        overrides = _overrides(store, a_id, b_id, arts)
        sourced = _sourced(store, a_id, b_id)
    side = {}
    for k in (a_id, b_id):
        row = {c: arts[k][c] for c in ARTICLE_COLS if c != "doc"}
        row["cluster_id"] = cluster.get(k)
        row["lineage"] = _lineage_view(lin.get(k))
        row["credits"] = (credits.filter(pl.col("article_id") == k)
                          .select("source", "kind", "role", "field", "span_text", "cited_via").to_dicts())
        side[k] = row
    texts = {"a": arts[a_id]["text"] or "", "b": arts[b_id]["text"] or ""}
    shared = pair if pair is not None else _computed_overlap(texts["a"], texts["b"], config)
    align_view = _alignment(texts["a"], texts["b"], max_passages=max_passages)
    link = _link(a_id, b_id, lin)
    same = cluster.get(a_id) is not None and cluster.get(a_id) == cluster.get(b_id)
    direction = _direction(side[a_id], side[b_id], shared, link, credits)
    grade = None if link is not None or not shared["shared_shingles"] else _pair_grade(
        side[a_id], side[b_id], texts, shared, direction["verdict"])
    return Explanation(
        a=side[a_id], b=side[b_id], same_cluster=same, shared=shared, alignment=align_view, pair_grade=grade,
        direction=direction,
        link=link, relationship=_overridden(overrides) + _relationship(a_id, b_id, lin, link, same, shared),
        overrides=overrides, texts=texts, sourced_share=sourced,
    )


# -- reads ------------------------------------------------------------------------------------------


def _articles(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    df = queries.two_articles(store, ids, ARTICLE_COLS)
    return {r["article_id"]: r for r in df.iter_rows(named=True)}


def _sourced(store: Store, a_id: str, b_id: str) -> dict[str, Any] | None:
    """Each side's sourced share (provenance.detect.sourced) and what the other side contributes to it."""
    if not _has(store, "sourced"):
        return None
    out: dict[str, Any] = {}
    for me, other in ((a_id, b_id), (b_id, a_id)):
        row = queries.sourced_of(store, me)
        if row.height == 0:
            continue
        srcs = queries.sources_of(store, me)
        mine = srcs.filter(pl.col("source_id") == other)
        out[me] = {**row.row(0, named=True), "sources": srcs.to_dicts(),
                   "from_other": mine.row(0, named=True) if mine.height else None}
    return out or None


def _lineage(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not _has(store, "lineage"):
        return {}
    df = queries.two_lineage_rows(store, ids, LINEAGE_COLS)
    return {r["article_id"]: r for r in df.iter_rows(named=True)}


def _clusters(store: Store, ids: list[str]) -> dict[str, int]:
    df = queries.two_cluster_rows(store, ids)
    return {r["article_id"]: int(r["cluster_id"]) for r in df.iter_rows(named=True)}


def _stored_pair(store: Store, a_id: str, b_id: str) -> dict[str, Any] | None:
    """The verified pair as stored, re-expressed in the asked order (a, b)."""
    df = queries.stored_pair(store, a_id, b_id)
    if df.height == 0:
        return None
    r = df.row(0, named=True)
    flip = r["a"] != a_id
    return {
        "source": "stored pair",
        "verified_reuse": True,
        "via": r["via"],
        "jaccard": r["jaccard"],
        "a_in_b": r["containment_b_in_a"] if flip else r["containment_a_in_b"],
        "b_in_a": r["containment_a_in_b"] if flip else r["containment_b_in_a"],
        "shared_shingles": r["shared_shingles"],
        "a_shingles": r["b_shingles"] if flip else r["a_shingles"],
        "b_shingles": r["a_shingles"] if flip else r["b_shingles"],
    }


def _overrides(store: Store, a_id: str, b_id: str, arts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Editorial overrides that concern this pair: on the pair itself, or on either side's outlet."""
    if not _has(store, "overrides"):
        return []
    from provenance.trace.overrides import concerning

    return concerning(store, a_id, b_id, [arts[a_id]["outlet"], arts[b_id]["outlet"]])


def _has(store: Store, table: str) -> bool:
    return store.has_table(table)


# -- what is computed here -----------------------------------------------------------------------------


def _computed_overlap(text_a: str, text_b: str, config: Config) -> dict[str, Any]:
    """Exact shingle overlap of a pair that was never stored (not verified as reuse, or not a candidate)."""
    from provenance.detect.fingerprint import pair_overlaps, shingle_sets
    from provenance.detect.verify import is_reuse

    offsets, hashes = shingle_sets([text_a, text_b], config=config)
    sizes = np.diff(offsets)
    na, nb = int(sizes[0]), int(sizes[1])
    s = int(pair_overlaps(offsets, hashes, np.array([0]), np.array([1]))[0])
    reuse = pl.select(is_reuse(pl.lit(s), pl.lit(na), pl.lit(nb), config=config)).item() if na and nb else False
    return {
        "source": "computed now (no stored pair)",
        "verified_reuse": bool(reuse),
        "via": None,
        "jaccard": s / (na + nb - s) if na + nb - s else 0.0,
        "a_in_b": s / na if na else 0.0,
        "b_in_a": s / nb if nb else 0.0,
        "shared_shingles": s,
        "a_shingles": na,
        "b_shingles": nb,
    }


def _alignment(text_a: str, text_b: str, *, max_passages: int | None) -> dict[str, Any]:
    """Shared passages with their text on both sides, and the share of each text they cover."""
    from provenance.detect.align import align

    al = align(text_a, text_b)
    shared = al.shared_tokens()
    p = al.passages.sort("a_start")
    rows = []
    for r in p.iter_rows(named=True):
        rows.append({**r, "a_text": text_a[r["a_start"]:r["a_end"]], "b_text": text_b[r["b_start"]:r["b_end"]]})
    edits = al.edits.group_by("op").agg(pl.len().alias("n"), pl.col("a_tokens").sum(), pl.col("b_tokens").sum())
    return {
        "a_tokens": al.a_tokens,
        "b_tokens": al.b_tokens,
        "shared_tokens": shared,
        "a_share_aligned": shared / al.a_tokens if al.a_tokens else 0.0,
        "b_share_aligned": shared / al.b_tokens if al.b_tokens else 0.0,
        "n_passages": len(rows),
        "passages": rows if max_passages is None else rows[:max_passages],
        "edits": {r["op"]: {"n": r["n"], "a_tokens": r["a_tokens"], "b_tokens": r["b_tokens"]}
                  for r in edits.sort("op").iter_rows(named=True)},
    }


def _pair_grade(a: dict[str, Any], b: dict[str, Any], texts: dict[str, str], shared: dict[str, Any],
                verdict: str) -> dict[str, Any]:
    """Relation and derivation by lineage's own rules for a pair lineage did not link directly.

    The parent is the side the direction signals point to; when they are
    unclear, the earlier published (else a). Siblings of one wire story are
    graded as if one copied the other, which says how alike they are.
    """
    from provenance.trace import lineage

    if verdict == "b→a" or (verdict == "unclear" and a["published_at"] and b["published_at"]
                            and b["published_at"] < a["published_at"]):
        parent, child, pt, ct, cp, pc = b, a, texts["b"], texts["a"], shared["a_in_b"], shared["b_in_a"]
    else:
        parent, child, pt, ct, cp, pc = a, b, texts["a"], texts["b"], shared["b_in_a"], shared["a_in_b"]
    ta, tb = (str(x["title"] or "").casefold().split() for x in (parent, child))
    sig = lineage.reuse_signals(pt, ct)
    relation = lineage.classify_relation(child_in_parent=cp, parent_in_child=pc, jaccard=shared["jaccard"],
                                         same_title=(ta == tb) if ta and tb else None, sig=sig)
    derive = getattr(lineage, "_derivation", None)
    return {
        "parent": parent["article_id"], "child": child["article_id"], "relation": relation,
        "derivation": derive(relation, cp) if derive else None,
        "looks_independent": lineage.looks_independent(sig),
        "basis": "computed now by lineage's rules, taking " + parent["article_id"] + " as the parent ("
                 + ("direction signals" if verdict != "unclear" else "direction unclear: the earlier or first one") + ")",
    }


def _lineage_view(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    out = {c: row[c] for c in LINEAGE_COLS}
    out["evidence"] = _evidence(row["evidence"])
    return out


def _evidence(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _link(a_id: str, b_id: str, lin: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The stored lineage link between the two, if one is the other's parent."""
    for child, parent in ((b_id, a_id), (a_id, b_id)):
        row = lin.get(child)
        if row is not None and row["parent_id"] == parent:
            keep = ("relation", "derivation", "credited", "confidence", "lag_minutes", "depth", "via_agency",
                    "origin_id", "origin_external")
            return {"child": child, "parent": parent, **{k: row[k] for k in keep},
                    "evidence": _evidence(row["evidence"])}
    return None


def _relationship(a_id: str, b_id: str, lin: dict[str, dict[str, Any]], link: dict[str, Any] | None,
                  same: bool, shared: dict[str, Any]) -> str:
    """One sentence: how lineage relates the two."""
    if link is not None:
        return f"{link['child']} was copied from {link['parent']} ({link['relation'] or 'relation unknown'})"
    la, lb = lin.get(a_id), lin.get(b_id)
    if same and la and lb:
        if la["parent_id"] is not None and la["parent_id"] == lb["parent_id"]:
            return f"siblings: both were copied from {la['parent_id']}"
        if la["parent_external"] and la["parent_external"] == lb["parent_external"]:
            return f"siblings: both carry {la['parent_external']}'s story (not in the corpus)"
        if la["origin_id"] == lb["origin_id"]:
            return f"same chain: both descend from {la['origin_id']}, not directly linked"
        return "same cluster, not directly linked in the lineage"
    if same:
        return "same cluster, no lineage stored"
    if shared["verified_reuse"]:
        return "they share enough text to be reuse, but the store has not linked them (different ingests' settings?)"
    return "not linked: different clusters, not reuse by the store's rule"


def _overridden(overrides: list[dict[str, Any]]) -> str:
    """A prefix naming an editor's verdict on the pair, if any."""
    for o in overrides:
        if o["kind"] in ("reject", "confirm"):
            return f"{o['kind']}ed by {o['author']} (override {o['override_id']}): "
    return ""


def _direction(a: dict[str, Any], b: dict[str, Any], shared: dict[str, Any], link: dict[str, Any] | None,
               credits: pl.DataFrame) -> dict[str, Any]:
    """The signals that say which came first, each with the side it points to (``a→b`` = b copies a)."""
    signals: list[dict[str, Any]] = []
    ta, tb = a["published_at"], b["published_at"]
    if ta is not None and tb is not None:
        minutes = (tb - ta).total_seconds() / 60
        points = "a→b" if minutes > 0 else "b→a" if minutes < 0 else "none"
        signals.append({"signal": "time", "points": points,
                        "detail": f"b published {abs(minutes):.0f} min {'after' if minutes >= 0 else 'before'} a"
                                  + ("" if a["published_precision"] == b["published_precision"] == "minute"
                                     else " (a date is known to the day only)")})
    else:
        signals.append({"signal": "time", "points": "none", "detail": "a publication time is missing"})
    ab, ba = shared["a_in_b"], shared["b_in_a"]
    gap = ba - ab
    points = "a→b" if gap > 0.05 else "b→a" if gap < -0.05 else "none"
    signals.append({"signal": "containment", "points": points,
                    "detail": f"{ba:.0%} of b is in a, {ab:.0%} of a is in b (a copy holds a subset of its source)"})
    for me, other, arrow in ((b, a, "a→b"), (a, b, "b→a")):
        names = {str(other["outlet"] or "").casefold()}
        agency = (other.get("lineage") or {}).get("via_agency")
        if agency:
            names.add(str(agency).casefold())
        names -= {"", str(me["outlet"] or "").casefold()}  # an agency's own byline says nothing about the other
        mine = credits.filter(pl.col("article_id") == me["article_id"])
        hits = mine.filter(pl.col("source").str.to_lowercase().is_in(list(names)))
        if not hits.height and me["outlet"] != other["outlet"]:  # "This article is republished from <other>"
            hits = mine[[i for i, (kind, source) in enumerate(zip(mine["kind"], mine["source"], strict=True))
                         if kind == "outlet" and names_outlet(source, other["outlet"])]]
        if hits.height:
            signals.append({"signal": "credit", "points": arrow,
                            "detail": f"{me['article_id']} credits {hits['source'][0]} ({hits['role'][0]})"})
    if link is not None:
        arrow = "a→b" if link["child"] == b["article_id"] else "b→a"
        signals.append({"signal": "lineage", "points": arrow,
                        "detail": f"stored lineage: {link['parent']} is the parent of {link['child']} "
                                  f"(confidence {link['confidence']})"})
    votes = [s["points"] for s in signals if s["points"] != "none"]
    verdict = (link and ("a→b" if link["child"] == b["article_id"] else "b→a")) or (
        max(set(votes), key=votes.count) if votes and votes.count(max(set(votes), key=votes.count)) > len(votes) / 2
        else "unclear")
    return {"verdict": verdict, "signals": signals}
