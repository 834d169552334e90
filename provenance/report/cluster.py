"""The cluster report: summary, origin chain, every member with its lineage link and shared passages."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import polars as pl

from provenance import queries
from provenance.errors import InputError
from provenance.report.common import (
    DB,
    _alignment,
    _counts,
    _credit_value,
    _dt,
    _evidence,
    _f,
    _finish,
    _iso,
    _jsonable,
    _lag_stats,
    _local_iso,
    _minutes,
    _status,
)
from provenance.trace.attribution import Registry


def _credit_rows(df: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in df.iter_rows(named=True):
        out[r["article_id"]].append({
            "source": r.get("source"),
            "kind": r.get("kind"),
            "role": r.get("role"),
            "field": r.get("field"),
            "span_start": r.get("span_start"),
            "span_end": r.get("span_end"),
            "span_text": r.get("span_text"),
            "cited_via": r.get("cited_via"),
        })
    return out



def _pair_index(pairs: pl.DataFrame) -> dict[tuple[str, str], dict[str, Any]]:
    idx: dict[tuple[str, str], dict[str, Any]] = {}
    for r in pairs.iter_rows(named=True):
        idx[(r["a"], r["b"])] = r
    return idx


def _pair_for(idx: dict[tuple[str, str], dict[str, Any]], parent: str, child: str) -> dict[str, Any] | None:
    r = idx.get((parent, child))
    if r is not None:
        return {"jaccard": _f(r["jaccard"]), "parent_in_child": _f(r["containment_a_in_b"]),
                "child_in_parent": _f(r["containment_b_in_a"]), "shared_shingles": r["shared_shingles"],
                "via": r.get("via")}
    r = idx.get((child, parent))
    if r is not None:
        return {"jaccard": _f(r["jaccard"]), "parent_in_child": _f(r["containment_b_in_a"]),
                "child_in_parent": _f(r["containment_a_in_b"]), "shared_shingles": r["shared_shingles"],
                "via": r.get("via")}
    return None


def _fallback_lineage(members: pl.DataFrame, pairs: pl.DataFrame) -> list[dict[str, Any]]:
    """Links when the store has no lineage: each article to its earliest earlier paired article.

    Marked with relation ``pair`` and no derivation, credit status or
    confidence: it shows verified reuse, not an inferred chain.
    """
    order = {r["article_id"]: i for i, r in enumerate(members.iter_rows(named=True))}
    partners: dict[str, set[str]] = defaultdict(set)
    for r in pairs.iter_rows(named=True):
        partners[r["a"]].add(r["b"])
        partners[r["b"]].add(r["a"])
    rows = []
    root = members["article_id"][0]
    depth: dict[str, int] = {root: 0}
    for r in members.iter_rows(named=True):
        aid = r["article_id"]
        earlier = [p for p in partners[aid] if p in order and order[p] < order[aid]]
        parent = min(earlier, key=order.__getitem__) if earlier else None
        if aid != root and parent is not None:
            depth[aid] = depth.get(parent, 0) + 1
        rows.append({
            "article_id": aid, "parent_id": parent if aid != root else None, "parent_external": None,
            "origin_id": root, "origin_external": None, "via_agency": None, "depth": depth.get(aid, 0 if aid == root else 1),
            "relation": None if aid == root else "pair", "derivation": None, "credited": None,
            "lag_minutes": None, "confidence": None,
            "evidence": None if aid == root else "verified reuse pair; the store has no lineage table",
        })
    return rows


def cluster_report(db: DB, cluster_id: int, *, registry: Registry, now: datetime | None = None) -> dict[str, Any]:
    has_lineage = db.has("lineage", "article_id", "cluster_id")
    if not db.has("clusters") and not has_lineage:
        raise InputError("the store has no clusters yet (ingest a corpus with reuse first)")
    members = queries.cluster_members(db, cluster_id)
    if members.height == 0 and has_lineage:
        # A single article's cluster: lineage (and its export) gives it its doc as cluster id, so
        # every cluster id an export shows can be reported.
        members = queries.lineage_cluster_members(db, cluster_id)
    if members.height == 0:
        raise InputError(f"no cluster {cluster_id} in the store")
    texts = dict(zip(members["article_id"].to_list(), members["text"].to_list(), strict=True))
    ids = members["article_id"].to_list()
    pairs = queries.cluster_pairs(db, cluster_id)
    credits = _credit_rows(queries.credits_of_articles(db, ids)) if db.has("credits", "article_id") else {}
    lineage_available = db.has("lineage", "article_id", "cluster_id")
    if lineage_available:
        lin_df = queries.cluster_lineage(db, cluster_id)
        lineage = {r["article_id"]: r for r in lin_df.iter_rows(named=True)}
        lineage_available = bool(lineage)
    if not lineage_available:
        lineage = {r["article_id"]: r for r in _fallback_lineage(members, pairs)}
    externals: list[dict[str, Any]] = []
    if db.has("external_nodes", "cluster_id"):
        externals = [_jsonable(r) for r in
                     queries.cluster_external_nodes(db, cluster_id).iter_rows(named=True)]
    k = 5
    if db.has("meta"):
        try:
            k = int(json.loads(queries.stored_config(db) or "{}").get("shingle_size", 5))
        except (ValueError, TypeError, AttributeError):
            k = 5

    sourced = _sourced(db, cluster_id)
    pidx = _pair_index(pairs) if pairs.height else {}
    by_id = {r["article_id"]: r for r in members.iter_rows(named=True)}
    # Parents outside the cluster (should not happen, but a report must not crash on it).
    missing_parents = sorted({
        r.get("parent_id") for r in lineage.values() if r.get("parent_id") and r.get("parent_id") not in by_id
    })
    for pid in missing_parents:
        extra = queries.report_article(db, pid)
        for r in extra.iter_rows(named=True):
            by_id[pid] = r
            texts[pid] = r["text"]

    member_rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for aid in ids:
        m = by_id[aid]
        lin = lineage.get(aid, {})
        parent_id, parent_ext = lin.get("parent_id"), lin.get("parent_external")
        is_origin = not parent_id and not parent_ext
        credit = _credit_value(lin.get("credited"))
        status = _status(is_origin, credit)
        text = texts.get(aid) or ""
        parent = by_id.get(parent_id) if parent_id else None
        parent_lag = _measured_lag(parent, m) if parent else None
        member_rows.append({
            "article_id": aid,
            "outlet": m["outlet"],
            "url": m["url"],
            "title": m["title"],
            "byline": m["byline"],
            "dateline": m["dateline"],
            "published_at": _iso(m["published_at"]),
            "published_precision": m["published_precision"],
            "published_local": _local_iso(m["published_at"], m.get("published_offset")),
            "content_hash": m["content_hash"],
            "text_chars": len(text),
            "is_origin": is_origin,
            "status": status,
            "depth": lin.get("depth"),
            "parent_id": parent_id,
            "parent_external": parent_ext,
            "origin_id": lin.get("origin_id"),
            "origin_external": lin.get("origin_external"),
            "via_agency": lin.get("via_agency"),
            "relation": _relation(lin, is_origin),
            "derivation": lin.get("derivation"),
            "credited": credit,
            "lag_minutes": _f(lin.get("lag_minutes"), 1),
            "parent_lag_minutes": parent_lag,
            "confidence": _f(lin.get("confidence"), 3),
            "evidence": _evidence(lin.get("evidence")),
            "credits": credits.get(aid, []),
        })
        if is_origin:
            continue
        link: dict[str, Any] = {
            "child": aid,
            "child_outlet": m["outlet"],
            "child_hash": m["content_hash"],
            "parent": parent_id,
            "parent_external": parent_ext,
            "parent_outlet": parent["outlet"] if parent else None,
            "parent_hash": parent["content_hash"] if parent else None,
            "via_agency": lin.get("via_agency"),
            "relation": _relation(lin, is_origin),
            "derivation": lin.get("derivation"),
            "credited": credit,
            "status": status,
            "lag_minutes": _f(lin.get("lag_minutes"), 1),
            "parent_lag_minutes": parent_lag,
            "confidence": _f(lin.get("confidence"), 3),
            "evidence": _evidence(lin.get("evidence")),
            "pair": _pair_for(pidx, parent_id, aid) if parent_id else None,
            "sourced": sourced.get(aid),
            "alignment": None,
            "passages": [],
        }
        if parent_id in texts:
            link["alignment"], link["passages"] = _alignment(texts[parent_id] or "", text, k=k)
        links.append(link)

    summary = _cluster_summary(member_rows, by_id, externals, registry)
    title = _cluster_title(by_id, summary)
    body = {
        "cluster_id": int(cluster_id),
        "lineage_available": lineage_available,
        "summary": summary,
        "members": member_rows,
        "links": links,
        "external_nodes": externals,
    }
    return _finish(db, "cluster", title, body, now)


def _sourced(db: DB, cluster_id: int) -> dict[str, dict[str, Any]]:
    """Per member: its sourced share and what each linked source contributed ("62%: 40% from the 09:12
    version, 22% from the 11:40 update")."""
    if not (db.has("sourced", "article_id") and db.has("sources", "article_id")):
        return {}
    shares = queries.cluster_sourced_shares(db, cluster_id)
    links = queries.cluster_source_links(db, cluster_id)
    out: dict[str, dict[str, Any]] = {}
    for aid, share, grade in shares.iter_rows():
        out[aid] = {"share": round(float(share), 3), "grade": grade, "sources": []}
    for aid, sid, share, outlet, when in links.iter_rows():
        if aid in out:
            out[aid]["sources"].append({"source_id": sid, "outlet": outlet, "published_at": _iso(when),
                                        "share": round(float(share), 3)})
    return out


def _cluster_title(by_id: dict[str, dict[str, Any]], summary: dict[str, Any]) -> str:
    origin = summary["origin"]
    aid = origin.get("article_id") or (summary["first"] or {}).get("article_id")
    t = by_id.get(aid, {}).get("title") if aid else None
    return t or f"Cluster {aid}"


def _external_chain(name: str | None, externals: list[dict[str, Any]]) -> list[str]:
    """``name`` and the external nodes above it, nearest first."""
    parent = {e.get("name"): e.get("parent_external") for e in externals}
    out: list[str] = []
    while name is not None and name not in out:
        out.append(name)
        name = parent.get(name)
    return out


def _cluster_summary(
    members: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], externals: list[dict[str, Any]],
    registry: Registry,
) -> dict[str, Any]:
    dated = [m for m in members if m["published_at"]]
    first = min(dated, key=lambda m: m["published_at"]) if dated else None
    last = max(dated, key=lambda m: m["published_at"]) if dated else None
    # The story's origin: the topmost external node when the chain leaves the corpus,
    # else the in-corpus root most members descend from.
    ext = Counter(m["origin_external"] for m in members if m["origin_external"])
    roots = Counter(m["origin_id"] for m in members if m["origin_id"])
    root_id = roots.most_common(1)[0][0] if roots else None
    if root_id is None or root_id not in by_id:
        root_id = next((m["article_id"] for m in members if m["is_origin"]), None) or (
            first["article_id"] if first else members[0]["article_id"])
    root = by_id.get(root_id, {})
    origin: dict[str, Any] = {
        "kind": "article", "article_id": root_id, "outlet": root.get("outlet"),
        "published_at": _iso(root.get("published_at")),
        "published_local": _local_iso(root.get("published_at"), root.get("published_offset")), "name": root.get("outlet"),
        "agency": registry.agency_of_outlet(root.get("outlet")), "chain": [],
    }
    if ext:
        name = ext.most_common(1)[0][0]
        nearest = next((m["parent_external"] for m in members if m["parent_external"]), None)
        chain = list(reversed(_external_chain(nearest, externals))) if nearest else []
        if name not in chain:
            chain = [name, *chain]
        origin.update(kind="external", name=name, agency=registry.canonical(name), chain=chain)
    outlets = Counter(m["outlet"] for m in members)
    sources: Counter[str] = Counter()
    for m in members:
        for src in {c["source"] for c in m["credits"] if c["source"]}:
            sources[src] += 1
    copies = [m for m in members if not m["is_origin"]]
    status = Counter(m["status"] for m in copies)

    def ref(m: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if m is None else {"article_id": m["article_id"], "outlet": m["outlet"],
                                       "published_at": m["published_at"], "published_local": m["published_local"]}

    return {
        "articles": len(members),
        "outlets": len(outlets),
        "outlet_counts": [{"outlet": o, "articles": n}
                          for o, n in sorted(outlets.items(), key=lambda kv: (-kv[1], str(kv[0])))],
        "origin": origin,
        "first": ref(first),
        "last": ref(last),
        "span_minutes": _minutes(_dt(first["published_at"]), _dt(last["published_at"])) if first and last else None,
        "copies": len(copies),
        "credited": status.get("credited", 0),
        "uncredited": status.get("uncredited", 0),
        "miscredited": status.get("miscredited", 0),
        "credit_unknown": status.get("unknown", 0),
        "credit_sources": [{"source": s, "articles": n}
                           for s, n in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))],
        "relations": _counts(m["relation"] for m in copies),
        "derivations": _counts(m["derivation"] for m in copies),
        "lag": _lag_stats([m["lag_minutes"] for m in copies]),
        "undated": len(members) - len(dated),
    }


def _measured_lag(parent: dict[str, Any], m: dict[str, Any]) -> float | None:
    """Minutes from the parent to the copy, only between minute-precision times in order.

    Day-precision dates gave "-23.2 h" and a "< 0" speed bucket: a lag is shown only where it was measured.
    """
    if "day" in (parent.get("published_precision"), m.get("published_precision")):
        return None
    lag = _minutes(parent["published_at"], m["published_at"])
    return lag if lag is not None and lag >= 0 else None


def _relation(lin: dict[str, Any], is_origin: bool) -> str | None:
    """The copy's relation; ``unknown`` for a copy whose source text is not in the corpus (was empty)."""
    if lin.get("relation") or is_origin or not lin:
        return lin.get("relation")
    return "unknown"
