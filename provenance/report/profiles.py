"""Outlet, agency and corpus reports: figures over every copy in the lineage, SQL per entity."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from provenance import queries
from provenance.errors import InputError
from provenance.report.common import (
    DB,
    TOP_N,
    VERBATIM,
    _alignment,
    _counts,
    _evidence,
    _f,
    _finish,
    _iso,
    _lag_stats,
    _minutes,
    _share,
    _status,
)
from provenance.trace.attribution import Registry

# ----------------------------------------------------------------------------------------------
# Copies: one row per article that has a parent, with the agency its text comes from
# ----------------------------------------------------------------------------------------------

class _Context:
    """Per-run state: the open store, the registry, and the agency lookup tables."""

    def __init__(self, db: DB, registry: Registry) -> None:
        self.db = db
        self.registry = registry
        self.lineage = db.has("lineage", "article_id", "parent_id", "parent_external", "origin_id",
                              "origin_external", "credited", "lag_minutes", "derivation", "relation")
        self.credits = db.has("credits", "article_id", "source", "kind", "role")
        self._registered = False
        self.outlet_agency: dict[str, str] = {}
        self.copies_cte = queries.copies_cte(db)
        self.k = 5
        if db.has("meta"):
            try:
                cfg = json.loads(queries.stored_config(db) or "{}")
                self.k = int(cfg.get("shingle_size", 5))
            except (ValueError, TypeError, AttributeError):
                pass

    def register(self) -> None:
        """Name -> agency and outlet -> agency tables, built from the store's distinct values."""
        if self._registered:
            return
        outlets = queries.report_outlets(self.db)
        om = [(o, self.registry.agency_of_outlet(o)) for o in outlets]
        om = [(o, a) for o, a in om if a]
        names: set[str] = set(self.registry.names)
        if self.lineage:
            names.update(queries.external_names(self.db))
        nm = [(n, n if n in self.registry.names else self.registry.canonical(n)) for n in sorted(names)]
        nm = [(n, a) for n, a in nm if a]
        queries.register_agency_lookups(self.db, om, nm)
        self.outlet_agency = dict(om)
        self._registered = True

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        return queries.texts_of(self.db, ids)


def _copy_row(r: dict[str, Any]) -> dict[str, Any]:
    credit = r.get("credited")
    credit = None if credit is None else ({"true": "credits_origin", "false": "uncredited"}.get(credit, credit))
    return {
        "article_id": r["article_id"],
        "outlet": r["outlet"],
        "title": r["title"],
        "url": r["url"],
        "published_at": _iso(r["published_at"]),
        "content_hash": r["content_hash"],
        "cluster_id": r.get("cluster_id"),
        "parent_id": r.get("parent_id"),
        "parent_external": r.get("parent_external"),
        "parent_outlet": r.get("parent_outlet"),
        "parent_hash": r.get("parent_hash"),
        "origin_id": r.get("origin_id"),
        "origin_external": r.get("origin_external"),
        "origin_outlet": r.get("origin_outlet"),
        "source_agency": r.get("source_agency"),
        "relation": r.get("relation") or ("unknown" if r.get("parent_id") or r.get("parent_external") else None),
        "derivation": r.get("derivation"),
        "credited": credit,
        "status": _status(False, credit),
        "lag_minutes": _f(r.get("lag_minutes"), 1),
        "parent_lag_minutes": _f(r.get("parent_lag_minutes"), 1),
        "confidence": _f(r.get("confidence"), 3),
        "evidence": _evidence(r.get("evidence")),
    }


def _with_passages(ctx: _Context, rows: list[dict[str, Any]], *, max_passages: int = 3, batch: int = 200) -> None:
    """Add the alignment with the parent, and its longest passages, to each copy (texts loaded per batch)."""
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        need = {r["article_id"] for r in chunk} | {r["parent_id"] for r in chunk if r["parent_id"]}
        texts = ctx.texts(sorted(need))
        for r in chunk:
            r["alignment"], r["passages"] = None, []
            if r["parent_id"] and r["parent_id"] in texts and r["article_id"] in texts:
                summary, passages = _alignment(texts[r["parent_id"]] or "", texts[r["article_id"]] or "", k=ctx.k)
                r["alignment"] = summary
                r["passages"] = sorted(passages, key=lambda p: (-p["n_tokens"], p["child_start"]))[:max_passages]
                r["passages"].sort(key=lambda p: p["child_start"])


def _group(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    out = []
    for k, rs in groups.items():
        st = Counter(r["status"] for r in rs)
        out.append({
            key: k,
            "copies": len(rs),
            "credited": st.get("credited", 0),
            "uncredited": st.get("uncredited", 0),
            "miscredited": st.get("miscredited", 0),
            "credit_unknown": st.get("unknown", 0),
            "verbatim": sum(1 for r in rs if r["relation"] in VERBATIM),
            "median_lag_minutes": _lag_stats([r["lag_minutes"] for r in rs])["median_minutes"],
            "median_parent_lag_minutes": _lag_stats([r["parent_lag_minutes"] for r in rs])["median_minutes"],
        })
    out.sort(key=lambda g: (-g["copies"], str(g[key])))
    return out


# ----------------------------------------------------------------------------------------------
# Outlet report
# ----------------------------------------------------------------------------------------------

_NO_LINEAGE_COPIES = {
    "copies": None, "agency_copies": None, "agency_copy_share": None, "verbatim": None, "verbatim_share": None,
    "credited": None, "uncredited": None, "miscredited": None, "uncredited_share": None, "byline_mismatch": None,
    "lag": None, "parent_lag": None, "lag_bins": [], "derivations": [], "relations": [],
    "uncredited_copies": [],
}


def _copy_stats(rows: list[dict[str, Any]], denominator: int) -> dict[str, Any]:
    from provenance.report.svg import lag_bin_counts

    st = Counter(r["status"] for r in rows)
    agency_rows = [r for r in rows if r["source_agency"]]
    verbatim = sum(1 for r in rows if r["relation"] in VERBATIM)
    lags = [r["lag_minutes"] if r["lag_minutes"] is not None else r["parent_lag_minutes"] for r in rows]
    return {
        "copies": len(rows),
        "agency_copies": len(agency_rows),
        "agency_copy_share": _share(len(agency_rows), denominator),
        "verbatim": verbatim,
        "verbatim_share": _share(verbatim, len(rows)),
        "credited": st.get("credited", 0),
        "uncredited": st.get("uncredited", 0),
        "miscredited": st.get("miscredited", 0),
        "uncredited_share": _share(st.get("uncredited", 0), len(rows)),
        "byline_mismatch": sum(1 for r in rows if isinstance(r.get("evidence"), dict) and "byline_mismatch" in r["evidence"]),
        "lag": _lag_stats([r["lag_minutes"] for r in rows]),
        "parent_lag": _lag_stats([r["parent_lag_minutes"] for r in rows]),
        "lag_bins": [{"bin": b, "n": c} for b, c in lag_bin_counts(lags)],
        "derivations": _counts(r["derivation"] for r in rows),
        "relations": _counts(r["relation"] for r in rows),
    }


def outlet_report(ctx: _Context, outlet: str, *, now: datetime | None = None) -> dict[str, Any]:
    db = ctx.db
    counts = queries.outlet_counts(db, outlet)
    if not counts["articles"]:
        raise InputError(f"no outlet {outlet!r} in the store")
    ctx.register()
    body: dict[str, Any] = {
        "outlet": outlet,
        "is_agency": ctx.registry.agency_of_outlet(outlet),
        "lineage_available": ctx.lineage,
        "articles": counts["articles"],
        "in_clusters": counts["in_clusters"],
        "first_published": _iso(counts["first"]),
        "last_published": _iso(counts["last"]),
        "originals": None,
        "agencies": [],
        "sources": [],
    }
    if not ctx.lineage:
        body.update(_NO_LINEAGE_COPIES)
        return _finish(db, "outlet", f"Outlet report: {outlet}", body, now)
    rows = [_copy_row(r) for r in queries.outlet_copies(db, ctx.copies_cte, outlet).iter_rows(named=True)]
    originals = queries.originals_of(db, outlet)
    body.update(_copy_stats(rows, counts["articles"]))
    unc = [r for r in rows if r["status"] in ("uncredited", "miscredited")]
    _with_passages(ctx, unc)
    body.update(
        originals=int(originals or 0),
        agencies=[dict(g, agency=g.pop("source_agency")) for g in _group(
            [r for r in rows if r["source_agency"]], "source_agency")],
        sources=[dict(g, source=g.pop("_src")) for g in _group(
            [dict(r, _src=r["parent_outlet"] or r["parent_external"]) for r in rows], "_src")],
        uncredited_copies=unc,
    )
    return _finish(db, "outlet", f"Outlet report: {outlet}", body, now)


# ----------------------------------------------------------------------------------------------
# Agency report
# ----------------------------------------------------------------------------------------------


def agency_report(ctx: _Context, agency: str, *, now: datetime | None = None) -> dict[str, Any]:
    db = ctx.db
    canonical = agency if agency in ctx.registry.names else ctx.registry.canonical(agency)
    if canonical is None:
        raise InputError(f"unknown agency {agency!r}; known: {', '.join(sorted(ctx.registry.names))}")
    ctx.register()
    own_outlets = sorted(o for o, a in ctx.outlet_agency.items() if a == canonical)
    own = queries.own_articles(db, own_outlets)
    credit_mentions = queries.credit_mentions(db, canonical) if ctx.credits else 0
    body: dict[str, Any] = {
        "agency": canonical,
        "full_name": ctx.registry.by_name[canonical].full_name or None,
        "lineage_available": ctx.lineage,
        "own_outlets": own_outlets,
        "own_articles": own["n"],
        "first_published": _iso(own["first"]),
        "last_published": _iso(own["last"]),
        "credited_in_articles": credit_mentions,
        "outlets_reached": None,
        "clusters": None,
        "credited_share": None,
        "republishers": [],
    }
    if not ctx.lineage:
        body.update(_NO_LINEAGE_COPIES)
        return _finish(db, "agency", f"Agency report: {canonical}", body, now)
    rows = [_copy_row(r) for r in queries.agency_copies(db, ctx.copies_cte, canonical).iter_rows(named=True)]
    if not rows and own["n"] == 0 and not credit_mentions:
        raise InputError(f"agency {canonical!r} has no articles, copies or credits in the store")
    body.update(_copy_stats(rows, len(rows)))
    body.update(
        outlets_reached=len({r["outlet"] for r in rows}),
        clusters=len({r["cluster_id"] for r in rows if r["cluster_id"] is not None}),
        credited_share=_share(body["credited"], len(rows)),
        republishers=_group(rows, "outlet"),
        uncredited_copies=[r for r in rows if r["status"] in ("uncredited", "miscredited")],
    )
    return _finish(db, "agency", f"Agency report: {canonical}", body, now)


# ----------------------------------------------------------------------------------------------
# Corpus report
# ----------------------------------------------------------------------------------------------


def corpus_report(ctx: _Context, *, top: int = TOP_N, now: datetime | None = None) -> dict[str, Any]:
    db = ctx.db
    ctx.register()
    ov = queries.corpus_overview(db)
    overview: dict[str, Any] = {
        "articles": ov["articles"],
        "outlets": ov["outlets"],
        "first_published": _iso(ov["first"]),
        "last_published": _iso(ov["last"]),
        "pairs": queries.count_pairs(db) if db.has("pairs") else 0,
        "clusters": queries.count_clusters(db),
        "articles_in_clusters": queries.count_clustered_articles(db) if db.has("clusters") else 0,
        "credits": queries.count_credits(db) if ctx.credits else 0,
        "lineage_available": ctx.lineage,
        "copies": None, "credited": None, "uncredited": None, "miscredited": None, "agency_copies": None,
    }
    top_clusters: list[dict[str, Any]] = []
    if db.has("clusters"):
        df = queries.top_clusters(db, top, with_lineage=ctx.lineage)
        for r in df.iter_rows(named=True):
            top_clusters.append({
                "cluster_id": r["cluster_id"], "articles": r["articles"], "outlets": r["outlets"],
                "title": r["title"], "first_published": _iso(r["first"]), "last_published": _iso(r["last"]),
                "span_minutes": _minutes(r["first"], r["last"]),
                "origin": r.get("origin_external") or r.get("root_outlet"),
                "origin_id": r.get("root_id"),
                "uncredited": r.get("uncredited"),
            })
    top_outlets: list[dict[str, Any]] = []
    top_agencies: list[dict[str, Any]] = []
    if ctx.lineage:
        tot = queries.copy_totals(db, ctx.copies_cte)
        overview.update({k: int(v or 0) for k, v in tot.items()})
        og = queries.top_copying_outlets(db, ctx.copies_cte, top)
        for r in og.iter_rows(named=True):
            top_outlets.append({
                "outlet": r["outlet"], "articles": r["articles"], "copies": r["copies"],
                "uncredited": r["uncredited"], "verbatim": r["verbatim"], "agency_copies": r["agency_copies"],
                "agency_copy_share": _share(r["agency_copies"], r["articles"]),
                "uncredited_share": _share(r["uncredited"], r["copies"]),
                "median_lag_minutes": _f(r["median_lag"], 1),
            })
        ag = queries.top_copied_agencies(db, ctx.copies_cte, top)
        for r in ag.iter_rows(named=True):
            top_agencies.append({
                "agency": r["agency"], "copies": r["copies"], "outlets_reached": r["outlets"],
                "credited": r["credited"], "uncredited": r["uncredited"],
                "credited_share": _share(r["credited"], r["copies"]),
                "median_lag_minutes": _f(r["median_lag"], 1),
            })
    else:
        og = queries.top_outlets_by_articles(db, top)
        top_outlets = [{"outlet": r["outlet"], "articles": r["articles"], "copies": None, "uncredited": None,
                        "verbatim": None, "agency_copies": None, "agency_copy_share": None,
                        "uncredited_share": None, "median_lag_minutes": None} for r in og.iter_rows(named=True)]
    body = {"overview": overview, "top_clusters": top_clusters, "top_outlets": top_outlets,
            "top_agencies": top_agencies, "files": []}
    return _finish(db, "corpus", "Corpus report", body, now)


