"""The report model: one plain dict per report, built from the store with SQL per entity.

A report is JSON-ready data (str, int, float, bool, None, lists, dicts) and
every format renders the same dict, so the HTML, PDF, Markdown, CSV and JSON of
one report say the same thing. Its shape is published as
``report.schema.json`` (see :mod:`provenance.report.json_format`).

Kinds:

* ``cluster`` — summary (origin, first/last appearance, outlets, credits),
  every member with its lineage link (relation, derivation grade, credit
  status, lag, confidence, evidence) and, per link, the shared passages
  aligned with :func:`provenance.align.align`.
* ``outlet`` — share of agency copy, verbatim and uncredited shares, lags,
  agencies copied, and every uncredited copy with its evidence.
* ``agency`` — reach, who republishes, credited vs uncredited, speed.
* ``corpus`` — overview and the top clusters, outlets and agencies.

Evidence grade: every report carries the tool version, the store version and
config, the generation time, and the ``content_hash`` (xxh64 of the text) of
every article whose text it compares; ``digest`` is a SHA-256 of the report
without its generation time, so two runs on one store version give the same
digest.

Everything is read inside one read-only connection per report (or per
``--all`` run, see :func:`iter_reports`), so one report sees one store state.
Each entity is loaded with its own parameterised queries; nothing loads the
whole corpus.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import polars as pl
import xxhash

from provenance import __version__
from provenance.align import align
from provenance.attribution import Registry, load_registry
from provenance.errors import InputError, StoreError
from provenance.store import Store

__all__ = ["build_report", "iter_reports", "entity_keys", "REPORT_VERSION", "report_digest", "DB"]

REPORT_VERSION = "1"
#: Shared passages longer than this many characters are still reported whole
#: in JSON; renderers decide how much of them to print.
TOP_N = 20


# ----------------------------------------------------------------------------------------------
# Store access
# ----------------------------------------------------------------------------------------------


class DB:
    """One open read-only connection, with the store's table/column catalogue."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        cols: dict[str, set[str]] = defaultdict(set)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
        ).fetchall():  # fetch everything: DuckDB 2 refuses register() while a result is open
            cols[t].add(c)
        self.columns = dict(cols)

    def has(self, table: str, *columns: str) -> bool:
        have = self.columns.get(table)
        return have is not None and all(c in have for c in columns)

    def q(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        try:
            rel = self.con.sql(sql, params=list(params or [])) if params else self.con.sql(sql)
            out = pl.from_arrow(rel.to_arrow_table()) if rel is not None else pl.DataFrame()
        except duckdb.Error as e:
            raise StoreError(f"report query failed: {e}") from e
        assert isinstance(out, pl.DataFrame)
        return out

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        try:
            rows = self.con.execute(sql, list(params or [])).fetchall()
        except duckdb.Error as e:
            raise StoreError(f"report query failed: {e}") from e
        return rows[0][0] if rows else None


@contextmanager
def open_db(store: Store) -> Iterator[DB]:
    with store.reader() as con:
        db = DB(con, str(store.path))
        if not db.has("articles"):
            raise StoreError(f"{store.path} is not a provenance store (no articles table)")
        yield db


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=UTC)
        return v.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _f(v: Any, nd: int = 4) -> float | None:
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else round(x, nd)


def _b(v: Any) -> bool | None:
    return None if v is None else bool(v)


def _jsonable(v: Any) -> Any:
    """Any value read from the store as JSON-safe data."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return _f(v, 6)
    if isinstance(v, (datetime, date)):
        return _iso(v)
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return str(v)


def _evidence(v: Any) -> Any:
    """Lineage evidence as stored: JSON text is parsed, anything else kept as is."""
    if isinstance(v, str):
        s = v.strip()
        if s[:1] in ("{", "["):
            try:
                return _jsonable(json.loads(s))
            except ValueError:
                return v
        return v
    return _jsonable(v)


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return round((b - a).total_seconds() / 60.0, 1)


def _share(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _lag_stats(lags: Sequence[float | None]) -> dict[str, Any]:
    xs = sorted(x for x in lags if x is not None)
    if not xs:
        return {"n": 0, "median_minutes": None, "p90_minutes": None, "mean_minutes": None,
                "min_minutes": None, "max_minutes": None}
    p90 = xs[min(len(xs) - 1, math.ceil(0.9 * len(xs)) - 1)]
    return {
        "n": len(xs),
        "median_minutes": round(statistics.median(xs), 1),
        "p90_minutes": round(p90, 1),
        "mean_minutes": round(statistics.fmean(xs), 1),
        "min_minutes": round(xs[0], 1),
        "max_minutes": round(xs[-1], 1),
    }


def text_hash(text: str | None) -> str:
    """xxh64 hex of a text, as ``articles.content_hash`` is computed."""
    return xxhash.xxh64_hexdigest((text or "").encode("utf-8"))


#: lineage ``credited`` values that mean the copy names its source (the origin or an intermediary).
CREDITED = ("credits_origin", "credits_intermediary")
#: Relations whose body text is the parent's, unchanged (a new headline is allowed).
VERBATIM = ("verbatim", "headline_changed")


def _status(is_origin: bool, credited: Any) -> str:
    """origin | credited | uncredited | miscredited | unknown, from lineage's ``credited``.

    Older stores may hold a boolean; it maps to credited/uncredited.
    """
    if is_origin:
        return "origin"
    if credited is None or credited == "n/a":
        return "unknown"
    if isinstance(credited, bool):
        return "credited" if credited else "uncredited"
    if credited in CREDITED:
        return "credited"
    if credited in ("uncredited", "miscredited"):
        return credited
    return "unknown"


def _credit_value(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "credits_origin" if v else "uncredited"
    return str(v)


# ----------------------------------------------------------------------------------------------
# Header: tool, store, config, time
# ----------------------------------------------------------------------------------------------


def _generated(db: DB, now: datetime | None = None) -> dict[str, Any]:
    meta = dict(db.q("SELECT key, value FROM meta").iter_rows()) if db.has("meta") else {}
    try:
        config = json.loads(meta["config"]) if "config" in meta else None
    except ValueError:
        config = None
    last = db.scalar("SELECT max(finished_at) FROM ingests") if db.has("ingests") else None
    return {
        "generated_at": _iso(now or datetime.now(UTC)),
        "tool_version": __version__,
        "store_tool_version": meta.get("tool_version"),
        "store_version": int(meta["store_version"]) if str(meta.get("store_version", "")).isdigit() else None,
        "store_schema_version": meta.get("schema_version"),
        "store_updated_at": meta.get("updated_at") or _iso(last),
        "store_file": db.path.rsplit("/", 1)[-1],
        "config": _jsonable(config),
        "tables": sorted(t for t in db.columns if t in ("credits", "lineage", "external_nodes", "pairs", "clusters")),
    }


def report_digest(report: dict[str, Any]) -> str:
    """SHA-256 of the report's canonical JSON, without ``generated.generated_at`` and ``digest``."""
    body = {k: v for k, v in report.items() if k != "digest"}
    gen = dict(body.get("generated") or {})
    gen.pop("generated_at", None)
    body["generated"] = gen
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _finish(db: DB, kind: str, title: str, body: dict[str, Any], now: datetime | None) -> dict[str, Any]:
    report = {
        "report_version": REPORT_VERSION,
        "kind": kind,
        "title": title,
        "generated": _generated(db, now),
        kind: body,
    }
    report["digest"] = report_digest(report)
    return report


# ----------------------------------------------------------------------------------------------
# Agencies
# ----------------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------------
# Cluster report
# ----------------------------------------------------------------------------------------------

_ARTICLE_COLS = (
    "a.doc, a.article_id, a.url, a.outlet, a.published_at, a.published_precision, a.title, a.byline, "
    "a.dateline, a.content_hash"
)


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


def _alignment(parent_text: str, child_text: str, *, k: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    al = align(parent_text, child_text, k=k)
    ops = Counter()
    for r in al.edits.iter_rows(named=True):
        ops[r["op"]] += max(int(r["a_tokens"] or 0), int(r["b_tokens"] or 0))
    shared = al.shared_tokens()
    summary = {
        "parent_tokens": al.a_tokens,
        "child_tokens": al.b_tokens,
        "shared_tokens": shared,
        "child_coverage": _share(shared, al.b_tokens),
        "parent_coverage": _share(shared, al.a_tokens),
        "inserted_tokens": ops.get("inserted", 0),
        "deleted_tokens": ops.get("deleted", 0),
        "changed_tokens": ops.get("changed", 0),
        "moved_tokens": ops.get("moved", 0),
    }
    passages = []
    for r in al.passages.sort("b_start").iter_rows(named=True):
        text = child_text[r["b_start"] : r["b_end"]]
        ptext = parent_text[r["a_start"] : r["a_end"]]
        passages.append({
            "parent_start": r["a_start"],
            "parent_end": r["a_end"],
            "child_start": r["b_start"],
            "child_end": r["b_end"],
            "n_tokens": r["n_tokens"],
            "in_order": bool(r["in_order"]),
            "text": text,
            "text_hash": text_hash(text),
            "parent_text": None if ptext == text else ptext,
        })
    return summary, passages


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
    if not db.has("clusters"):
        raise InputError("the store has no clusters yet (ingest a corpus with reuse first)")
    members = db.q(
        f"SELECT {_ARTICLE_COLS}, a.text FROM clusters c JOIN articles a ON a.doc = c.doc "
        "WHERE c.cluster_id = ? ORDER BY a.published_at NULLS LAST, a.doc",
        [cluster_id],
    )
    if members.height == 0:
        raise InputError(f"no cluster {cluster_id} in the store")
    texts = dict(zip(members["article_id"].to_list(), members["text"].to_list(), strict=True))
    ids = members["article_id"].to_list()
    pairs = db.q(
        "SELECT p.* FROM pairs p JOIN clusters c ON p.a_doc = c.doc WHERE c.cluster_id = ?", [cluster_id]
    ) if db.has("pairs", "a_doc") else pl.DataFrame()
    credits = _credit_rows(db.q(
        "SELECT cr.* FROM credits cr JOIN clusters c ON cr.article_id = c.article_id "
        "WHERE c.cluster_id = ? ORDER BY cr.article_id, cr.field, cr.span_start",
        [cluster_id],
    )) if db.has("credits", "article_id") else {}
    lineage_available = db.has("lineage", "article_id", "cluster_id")
    if lineage_available:
        lin_df = db.q("SELECT * FROM lineage WHERE cluster_id = ?", [cluster_id])
        lineage = {r["article_id"]: r for r in lin_df.iter_rows(named=True)}
        lineage_available = bool(lineage)
    if not lineage_available:
        lineage = {r["article_id"]: r for r in _fallback_lineage(members, pairs)}
    externals: list[dict[str, Any]] = []
    if db.has("external_nodes", "cluster_id"):
        externals = [_jsonable(r) for r in
                     db.q("SELECT * FROM external_nodes WHERE cluster_id = ?", [cluster_id]).iter_rows(named=True)]
    k = 5
    if db.has("meta"):
        try:
            k = int(json.loads(db.scalar("SELECT value FROM meta WHERE key = 'config'") or "{}").get("shingle_size", 5))
        except (ValueError, TypeError, AttributeError):
            k = 5

    pidx = _pair_index(pairs) if pairs.height else {}
    by_id = {r["article_id"]: r for r in members.iter_rows(named=True)}
    # Parents outside the cluster (should not happen, but a report must not crash on it).
    missing_parents = sorted({
        r.get("parent_id") for r in lineage.values() if r.get("parent_id") and r.get("parent_id") not in by_id
    })
    for pid in missing_parents:
        extra = db.q(f"SELECT {_ARTICLE_COLS}, a.text FROM articles a WHERE a.article_id = ?", [pid])
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
        parent_lag = _minutes(parent["published_at"], m["published_at"]) if parent else None
        member_rows.append({
            "article_id": aid,
            "outlet": m["outlet"],
            "url": m["url"],
            "title": m["title"],
            "byline": m["byline"],
            "dateline": m["dateline"],
            "published_at": _iso(m["published_at"]),
            "published_precision": m["published_precision"],
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
            "relation": lin.get("relation"),
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
            "relation": lin.get("relation"),
            "derivation": lin.get("derivation"),
            "credited": credit,
            "status": status,
            "lag_minutes": _f(lin.get("lag_minutes"), 1),
            "parent_lag_minutes": parent_lag,
            "confidence": _f(lin.get("confidence"), 3),
            "evidence": _evidence(lin.get("evidence")),
            "pair": _pair_for(pidx, parent_id, aid) if parent_id else None,
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
        "published_at": _iso(root.get("published_at")), "name": root.get("outlet"),
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
                                       "published_at": m["published_at"]}

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


def _counts(values: Any) -> list[dict[str, Any]]:
    c = Counter(v for v in values if v is not None)
    return [{"value": str(k), "n": n} for k, n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def _dt(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s.replace("Z", "+00:00"))


# ----------------------------------------------------------------------------------------------
# Copies: one row per article that has a parent, with the agency its text comes from
# ----------------------------------------------------------------------------------------------

#: Every copy in the lineage (an article with a parent in or outside the corpus), with its
#: parent's and origin's outlet and the agency whose copy it is. Lineage's ``via_agency`` says
#: that; for a store whose lineage lacks it, ``_names`` (name -> agency) and
#: ``_outlet_agency`` (outlet -> agency), registered per run, stand in.
_COPIES = """
_copies AS (
    SELECT a.doc, a.article_id, a.outlet, a.published_at, a.title, a.url, a.content_hash,
           l.cluster_id, l.parent_id, l.parent_external, l.origin_id, l.origin_external, l.depth,
           l.relation, l.derivation, CAST(l.credited AS VARCHAR) AS credited, l.lag_minutes, l.confidence,
           l.evidence, p.outlet AS parent_outlet, p.content_hash AS parent_hash,
           date_diff('second', p.published_at, a.published_at) / 60.0 AS parent_lag_minutes,
           o.outlet AS origin_outlet, {source_agency} AS source_agency
    FROM lineage l
    JOIN articles a ON a.article_id = l.article_id
    LEFT JOIN articles p ON p.article_id = l.parent_id
    LEFT JOIN articles o ON o.article_id = l.origin_id
    {agency_joins}
    WHERE l.parent_id IS NOT NULL OR l.parent_external IS NOT NULL
)
"""
_AGENCY_JOINS = """
    LEFT JOIN _names n1 ON n1.name = l.origin_external
    LEFT JOIN _names n2 ON n2.name = l.parent_external
    LEFT JOIN _outlet_agency m1 ON m1.outlet = o.outlet
    LEFT JOIN _outlet_agency m2 ON m2.outlet = p.outlet
"""
_CREDITED_SQL = "credited IN ('credits_origin', 'credits_intermediary', 'true')"
_VERBATIM_SQL = "relation IN ('verbatim', 'headline_changed')"


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
        if self.lineage and db.has("lineage", "via_agency"):
            self.copies_cte = _COPIES.format(source_agency="l.via_agency", agency_joins="")
        else:
            self.copies_cte = _COPIES.format(
                source_agency="coalesce(n1.agency, n2.agency, m1.agency, m2.agency)", agency_joins=_AGENCY_JOINS)
        self.k = 5
        if db.has("meta"):
            try:
                cfg = json.loads(db.scalar("SELECT value FROM meta WHERE key = 'config'") or "{}")
                self.k = int(cfg.get("shingle_size", 5))
            except (ValueError, TypeError, AttributeError):
                pass

    def register(self) -> None:
        """Name -> agency and outlet -> agency tables, built from the store's distinct values."""
        if self._registered:
            return
        outlets = self.db.q("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL")["outlet"].to_list()
        om = [(o, self.registry.agency_of_outlet(o)) for o in outlets]
        om = [(o, a) for o, a in om if a]
        names: set[str] = set(self.registry.names)
        if self.lineage:
            for col in ("origin_external", "parent_external"):
                names.update(self.db.q(
                    f"SELECT DISTINCT {col} AS v FROM lineage WHERE {col} IS NOT NULL")["v"].to_list())
        nm = [(n, n if n in self.registry.names else self.registry.canonical(n)) for n in sorted(names)]
        nm = [(n, a) for n, a in nm if a]
        self.db.con.register("_outlet_agency", pl.DataFrame(
            {"outlet": [o for o, _ in om], "agency": [a for _, a in om]},
            schema={"outlet": pl.String, "agency": pl.String}).to_arrow())
        self.db.con.register("_names", pl.DataFrame(
            {"name": [n for n, _ in nm], "agency": [a for _, a in nm]},
            schema={"name": pl.String, "agency": pl.String}).to_arrow())
        self.outlet_agency = dict(om)
        self._registered = True

    def copies(self, where: str, params: Sequence[Any], *, order: str = "published_at NULLS LAST, doc") -> pl.DataFrame:
        self.register()
        return self.db.q(f"WITH {self.copies_cte} SELECT * FROM _copies WHERE {where} ORDER BY {order}", params)

    def copies_sql(self, select: str, params: Sequence[Any] = ()) -> pl.DataFrame:
        self.register()
        return self.db.q(f"WITH {self.copies_cte} {select}", params)

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        df = self.db.q("SELECT article_id, text FROM articles WHERE article_id IN (SELECT unnest(?))", [list(ids)])
        return dict(zip(df["article_id"].to_list(), df["text"].to_list(), strict=True))


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
        "relation": r.get("relation"),
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
    "credited": None, "uncredited": None, "miscredited": None, "uncredited_share": None,
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
        "lag": _lag_stats([r["lag_minutes"] for r in rows]),
        "parent_lag": _lag_stats([r["parent_lag_minutes"] for r in rows]),
        "lag_bins": [{"bin": b, "n": c} for b, c in lag_bin_counts(lags)],
        "derivations": _counts(r["derivation"] for r in rows),
        "relations": _counts(r["relation"] for r in rows),
    }


def outlet_report(ctx: _Context, outlet: str, *, now: datetime | None = None) -> dict[str, Any]:
    db = ctx.db
    counts = db.q(
        "SELECT count(*) AS articles, count(c.doc) AS in_clusters, min(a.published_at) AS first, "
        "max(a.published_at) AS last FROM articles a LEFT JOIN clusters c ON c.doc = a.doc WHERE a.outlet = ?"
        if db.has("clusters") else
        "SELECT count(*) AS articles, 0 AS in_clusters, min(published_at) AS first, max(published_at) AS last "
        "FROM articles a WHERE a.outlet = ?",
        [outlet],
    ).row(0, named=True)
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
    rows = [_copy_row(r) for r in ctx.copies("outlet = ?", [outlet]).iter_rows(named=True)]
    originals = db.scalar(
        "SELECT count(DISTINCT l.parent_id) FROM lineage l JOIN articles a ON a.article_id = l.parent_id "
        "WHERE a.outlet = ?",
        [outlet],
    )
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
    own = db.q(
        "SELECT count(*) AS n, min(published_at) AS first, max(published_at) AS last FROM articles "
        "WHERE outlet IN (SELECT unnest(?))",
        [own_outlets],
    ).row(0, named=True)
    credit_mentions = int(db.scalar(
        "SELECT count(DISTINCT article_id) FROM credits WHERE source = ?", [canonical]
    ) or 0) if ctx.credits else 0
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
    rows = [_copy_row(r) for r in ctx.copies("source_agency = ?", [canonical]).iter_rows(named=True)]
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
    ov = db.q(
        "SELECT count(*) AS articles, count(DISTINCT outlet) AS outlets, min(published_at) AS first, "
        "max(published_at) AS last FROM articles"
    ).row(0, named=True)
    overview: dict[str, Any] = {
        "articles": ov["articles"],
        "outlets": ov["outlets"],
        "first_published": _iso(ov["first"]),
        "last_published": _iso(ov["last"]),
        "pairs": int(db.scalar("SELECT count(*) FROM pairs") or 0) if db.has("pairs") else 0,
        "clusters": int(db.scalar("SELECT count(DISTINCT cluster_id) FROM clusters") or 0) if db.has("clusters") else 0,
        "articles_in_clusters": int(db.scalar("SELECT count(*) FROM clusters") or 0) if db.has("clusters") else 0,
        "credits": int(db.scalar("SELECT count(*) FROM credits") or 0) if ctx.credits else 0,
        "lineage_available": ctx.lineage,
        "copies": None, "credited": None, "uncredited": None, "miscredited": None, "agency_copies": None,
    }
    top_clusters: list[dict[str, Any]] = []
    if db.has("clusters"):
        lin_join = (
            "LEFT JOIN (SELECT cluster_id, mode(origin_external) AS origin_external, "
            "arg_min(article_id, depth) AS root_id, "
            "count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited FROM lineage "
            "GROUP BY cluster_id) l USING (cluster_id) LEFT JOIN articles ra ON ra.article_id = l.root_id"
            if ctx.lineage else ""
        )
        lin_cols = ", l.root_id, l.origin_external, l.uncredited, ra.outlet AS root_outlet" if ctx.lineage else ""
        df = db.q(
            f"SELECT g.* {lin_cols} FROM (SELECT c.cluster_id, count(*) AS articles, "
            "count(DISTINCT a.outlet) AS outlets, min(a.published_at) AS first, max(a.published_at) AS last, "
            "arg_min(a.title, coalesce(epoch_us(a.published_at), 9e18)) AS title "
            "FROM clusters c JOIN articles a ON a.doc = c.doc GROUP BY c.cluster_id) g "
            f"{lin_join} ORDER BY g.articles DESC, g.cluster_id LIMIT ?",
            [top],
        )
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
        tot = ctx.copies_sql(
            f"SELECT count(*) AS copies, count(*) FILTER (WHERE {_CREDITED_SQL}) AS credited, "
            "count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited, "
            "count(*) FILTER (WHERE credited = 'miscredited') AS miscredited, "
            "count(*) FILTER (WHERE source_agency IS NOT NULL) AS agency_copies FROM _copies"
        ).row(0, named=True)
        overview.update({k: int(v or 0) for k, v in tot.items()})
        og = ctx.copies_sql(
            "SELECT x.outlet, x.articles, coalesce(c.copies, 0) AS copies, coalesce(c.uncredited, 0) AS uncredited, "
            "coalesce(c.verbatim, 0) AS verbatim, coalesce(c.agency_copies, 0) AS agency_copies, c.median_lag "
            "FROM (SELECT outlet, count(*) AS articles FROM articles GROUP BY outlet) x LEFT JOIN ("
            "SELECT outlet, count(*) AS copies, count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited, "
            f"count(*) FILTER (WHERE {_VERBATIM_SQL}) AS verbatim, "
            "count(*) FILTER (WHERE source_agency IS NOT NULL) AS agency_copies, "
            "median(coalesce(lag_minutes, parent_lag_minutes)) AS median_lag "
            "FROM _copies GROUP BY outlet) c USING (outlet) "
            "ORDER BY copies DESC, x.articles DESC, x.outlet LIMIT ?",
            [top],
        )
        for r in og.iter_rows(named=True):
            top_outlets.append({
                "outlet": r["outlet"], "articles": r["articles"], "copies": r["copies"],
                "uncredited": r["uncredited"], "verbatim": r["verbatim"], "agency_copies": r["agency_copies"],
                "agency_copy_share": _share(r["agency_copies"], r["articles"]),
                "uncredited_share": _share(r["uncredited"], r["copies"]),
                "median_lag_minutes": _f(r["median_lag"], 1),
            })
        ag = ctx.copies_sql(
            "SELECT source_agency AS agency, count(*) AS copies, count(DISTINCT outlet) AS outlets, "
            f"count(*) FILTER (WHERE {_CREDITED_SQL}) AS credited, "
            "count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited, "
            "median(coalesce(lag_minutes, parent_lag_minutes)) AS median_lag FROM _copies "
            "WHERE source_agency IS NOT NULL GROUP BY source_agency ORDER BY copies DESC, agency LIMIT ?",
            [top],
        )
        for r in ag.iter_rows(named=True):
            top_agencies.append({
                "agency": r["agency"], "copies": r["copies"], "outlets_reached": r["outlets"],
                "credited": r["credited"], "uncredited": r["uncredited"],
                "credited_share": _share(r["credited"], r["copies"]),
                "median_lag_minutes": _f(r["median_lag"], 1),
            })
    else:
        og = db.q("SELECT outlet, count(*) AS articles FROM articles GROUP BY outlet "
                  "ORDER BY articles DESC, outlet LIMIT ?", [top])
        top_outlets = [{"outlet": r["outlet"], "articles": r["articles"], "copies": None, "uncredited": None,
                        "verbatim": None, "agency_copies": None, "agency_copy_share": None,
                        "uncredited_share": None, "median_lag_minutes": None} for r in og.iter_rows(named=True)]
    body = {"overview": overview, "top_clusters": top_clusters, "top_outlets": top_outlets,
            "top_agencies": top_agencies, "files": []}
    return _finish(db, "corpus", "Corpus report", body, now)


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------


def entity_keys(ctx: _Context, kind: str) -> Iterator[Any]:
    """Cluster ids, outlet names or agency names, in a stable order, fetched lazily in pages."""
    db = ctx.db
    if kind == "cluster":
        if not db.has("clusters"):
            return
        last = -(2**63)
        while True:
            ids = db.q("SELECT DISTINCT cluster_id FROM clusters WHERE cluster_id > ? ORDER BY cluster_id LIMIT 1000",
                       [last])["cluster_id"].to_list()
            if not ids:
                return
            yield from ids
            last = ids[-1]
    elif kind == "outlet":
        yield from db.q("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")["outlet"].to_list()
    elif kind == "agency":
        ctx.register()
        names = set(ctx.outlet_agency.values())
        if ctx.credits:
            names.update(db.q("SELECT DISTINCT source FROM credits WHERE kind = 'agency'")["source"].to_list())
        if ctx.lineage:
            names.update(ctx.copies_sql(
                "SELECT DISTINCT source_agency FROM _copies WHERE source_agency IS NOT NULL")["source_agency"].to_list())
        yield from sorted(n for n in names if n in ctx.registry.names)
    else:
        raise ValueError(f"unknown report kind {kind!r}")


def _one(ctx: _Context, kind: str, key: Any, now: datetime | None) -> dict[str, Any]:
    if kind == "cluster":
        return cluster_report(ctx.db, int(key), registry=ctx.registry, now=now)
    if kind == "outlet":
        return outlet_report(ctx, str(key), now=now)
    if kind == "agency":
        return agency_report(ctx, str(key), now=now)
    if kind == "corpus":
        return corpus_report(ctx, now=now)
    raise ValueError(f"unknown report kind {kind!r}")


def build_report(
    store: Store | str,
    *,
    cluster: int | str | None = None,
    outlet: str | None = None,
    agency: str | None = None,
    all: bool = False,  # noqa: A002 - the CLI flag's name
    registry: Registry | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The report model for one cluster, outlet or agency, or (``all=True``) the corpus overview.

    Exactly one of ``cluster``, ``outlet``, ``agency`` and ``all`` must be
    given. Raises :class:`~provenance.errors.InputError` for an unknown entity.
    """
    chosen = [x for x in (cluster is not None, outlet is not None, agency is not None, bool(all)) if x]
    if len(chosen) != 1:
        raise InputError("give exactly one of cluster, outlet, agency or all")
    if cluster is not None:
        try:
            cluster = int(cluster)
        except (TypeError, ValueError) as e:
            raise InputError(f"cluster id must be an integer, got {cluster!r}") from e
    store = store if isinstance(store, Store) else Store(store)
    with open_db(store) as db:
        ctx = _Context(db, registry or load_registry())
        if cluster is not None:
            return _one(ctx, "cluster", cluster, now)
        if outlet is not None:
            return _one(ctx, "outlet", outlet, now)
        if agency is not None:
            return _one(ctx, "agency", agency, now)
        return _one(ctx, "corpus", None, now)


def iter_reports(
    store: Store | str,
    *,
    kinds: Sequence[str] = ("cluster", "outlet", "agency"),
    registry: Registry | None = None,
    now: datetime | None = None,
    counts: dict[str, int] | None = None,
) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Yield ``(kind, key, report)`` for every entity, one at a time, from one store snapshot.

    Reports are built lazily: only one entity's rows are in memory at once.
    ``counts``, when given, is filled with the number of entities per kind
    before the first report is yielded (for a progress bar).
    """
    store = store if isinstance(store, Store) else Store(store)
    now = now or datetime.now(UTC)
    with open_db(store) as db:
        ctx = _Context(db, registry or load_registry())
        if counts is not None:
            counts.update(count_entities(ctx, kinds))
        for kind in kinds:
            for key in entity_keys(ctx, kind):
                yield kind, key, _one(ctx, kind, key, now)
        yield "corpus", None, corpus_report(ctx, now=now)


def count_entities(ctx: _Context, kinds: Sequence[str]) -> dict[str, int]:
    out = {}
    for kind in kinds:
        if kind == "cluster":
            out[kind] = int(ctx.db.scalar("SELECT count(DISTINCT cluster_id) FROM clusters") or 0) if ctx.db.has("clusters") else 0
        elif kind == "outlet":
            out[kind] = int(ctx.db.scalar("SELECT count(DISTINCT outlet) FROM articles") or 0)
        else:
            out[kind] = sum(1 for _ in entity_keys(ctx, kind))
    return out
