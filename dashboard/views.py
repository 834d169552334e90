"""Pure transformations from store rows to what a page shows (no Streamlit, no SQL, no HTML).

Kept apart so they can be tested on plain frames.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

import polars as pl

from dashboard.render import GraphEdge, GraphNode
from provenance.extract.dates import local_iso
from provenance.trace.chaingroups import SiblingGroup, sibling_groups

#: Most article nodes drawn in a chain graph; the rest are summarised in one node.
MAX_GRAPH_NODES = 60


def _when(v: Any) -> str:
    return v.strftime("%b %d %H:%M") if v is not None else "undated"


#: lineage ``credited`` value -> credit status shown (see provenance.trace.lineage.LINEAGE).
CREDIT = {
    "credits_origin": "credited",
    "credits_intermediary": "credited",
    "uncredited": "uncredited",
    "miscredited": "miscredited",
    "licensed": "licensed",  # uncredited, but the outlet has a licence (an editor's override)
}


def credit_of(raw: Any) -> str | None:
    return CREDIT.get(str(raw)) if raw is not None else None


def member_status(row: dict[str, Any], origin_ids: set[str]) -> str:
    if row["article_id"] in origin_ids:
        return "origin"
    credit = credit_of(row.get("credited"))
    return f"{credit} copy" if credit else "copy"


def origins(members: pl.DataFrame, has_lineage: bool) -> set[str]:
    """Articles at the top of the chain inside the corpus.

    With lineage: members with neither an article nor an external parent (a
    cluster copied from an agency outside the corpus may have none). Without
    it: the earliest member.
    """
    if members.height == 0:
        return set()
    if has_lineage and members["depth"].is_not_null().any():
        roots = members.filter(
            pl.col("depth").is_not_null() & pl.col("parent_id").is_null() & pl.col("parent_external").is_null()
        )
        return set(roots["article_id"].to_list())
    return {members["article_id"][0]}  # members come earliest first


def inferred_parents(members: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Without lineage: each member's parent is the earliest member it shares text with.

    Returns (article_id, parent_id, jaccard, containment) using verified pairs only.
    """
    schema = {"article_id": pl.String, "parent_id": pl.String, "jaccard": pl.Float64, "containment": pl.Float64}
    if members.height == 0 or pairs.height == 0:
        return pl.DataFrame(schema=schema)
    order = members.select("article_id").with_row_index("pos")
    both = pl.concat([
        pairs.select(pl.col("a").alias("x"), pl.col("b").alias("y"), "jaccard",
                     pl.col("containment_b_in_a").alias("containment")),
        pairs.select(pl.col("b").alias("x"), pl.col("a").alias("y"), "jaccard",
                     pl.col("containment_a_in_b").alias("containment")),
    ])
    both = (
        both.join(order.rename({"article_id": "x", "pos": "px"}), on="x")
        .join(order.rename({"article_id": "y", "pos": "py"}), on="y")
        .filter(pl.col("px") < pl.col("py"))
        .sort("py", "px")
        .unique("y", keep="first", maintain_order=True)
    )
    return both.select(pl.col("y").alias("article_id"), pl.col("x").alias("parent_id"), "jaccard", "containment")


def pair_with_parent(members: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """(article_id, jaccard, containment) of each member against its lineage parent, when a pair exists."""
    schema = {"article_id": pl.String, "jaccard": pl.Float64, "containment": pl.Float64, "via": pl.String}
    if members.height == 0 or pairs.height == 0:
        return pl.DataFrame(schema=schema)
    links = members.filter(pl.col("parent_id").is_not_null()).select("article_id", "parent_id")
    fw = links.join(pairs, left_on=["parent_id", "article_id"], right_on=["a", "b"]).select(
        "article_id", "jaccard", pl.col("containment_b_in_a").alias("containment"), "via")
    bw = links.join(pairs, left_on=["parent_id", "article_id"], right_on=["b", "a"]).select(
        "article_id", "jaccard", pl.col("containment_a_in_b").alias("containment"), "via")
    return pl.concat([fw, bw]).unique("article_id").cast(schema)  # type: ignore[arg-type]


def chain(
    members: pl.DataFrame,
    pairs: pl.DataFrame,
    *,
    has_lineage: bool,
    external: pl.DataFrame | None = None,
    max_nodes: int = MAX_GRAPH_NODES,
    groups: Sequence[SiblingGroup] = (),
    expanded: Collection[str] = (),
) -> tuple[list[GraphNode], list[GraphEdge], int]:
    """Nodes and edges of a cluster's origin chain, and how many members were left out.

    With lineage, every member hangs off its parent: an article, or an
    external node (an agency or named source outside the corpus, from
    ``external_nodes``), and external nodes hang off theirs (an agency that
    quoted local media). Without lineage, each member hangs off the earliest
    member it shares verified text with, credit unknown. ``groups`` (from
    :func:`sibling_groups_of`) not in ``expanded`` are drawn as one node each.
    """
    if members.height == 0:
        return [], [], 0
    collapsed = [g for g in groups if g.key not in expanded]
    grouped = {a for g in collapsed for a in g.members}
    every = members
    if grouped:
        members = members.filter(~pl.col("article_id").is_in(list(grouped)))
    shown = members.head(max_nodes)
    hidden = members.height - shown.height
    use_lineage = has_lineage and members["depth"].is_not_null().any()
    origin_ids = origins(members, use_lineage)
    ids = set(shown["article_id"].to_list())
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    for r in shown.iter_rows(named=True):
        nodes.append(GraphNode(
            key=f"a:{r['article_id']}",
            label=f"{r['outlet'] or 'unknown outlet'}\n{_when(r['published_at'])}",
            kind="origin" if r["article_id"] in origin_ids else "article",
            tooltip=f"{r['title'] or ''} [{r['article_id']}]",
        ))
    ext_kind: dict[str, str] = {}
    ext_parent: dict[str, str] = {}
    if external is not None and external.height:
        for r in external.iter_rows(named=True):
            ext_kind[str(r["name"])] = str(r.get("kind") or "external")
            if r.get("parent_external"):
                ext_parent[str(r["name"])] = str(r["parent_external"])
    used_ext: set[str] = set()
    home = agency_homes(every, ids) if use_lineage else {}
    if use_lineage:
        for r in shown.iter_rows(named=True):
            child = f"a:{r['article_id']}"
            if r.get("parent_id") is not None:
                if r["parent_id"] not in ids:
                    continue  # parent beyond the drawing cap
                src = f"a:{r['parent_id']}"
            elif r.get("parent_external") is not None:
                name = str(r["parent_external"])
                if name in home:
                    src = f"a:{home[name]}"
                else:
                    used_ext.add(name)
                    src = f"x:{name}"
            else:
                continue
            edges.append(GraphEdge(src=src, dst=child, relation=r.get("relation"),
                                   credit=credit_of(r.get("credited")), label=str(r.get("relation") or "")))
    else:
        for r in inferred_parents(shown, pairs).iter_rows(named=True):
            edges.append(GraphEdge(src=f"a:{r['parent_id']}", dst=f"a:{r['article_id']}", relation=None,
                                   credit=None, label=f"J {r['jaccard']:.2f}"))
    for g in collapsed:
        if g.parent.startswith("a:") and g.parent[2:] not in ids:
            continue  # parent beyond the drawing cap
        src = g.parent
        if src.startswith("x:"):
            if src[2:] in home:
                src = f"a:{home[src[2:]]}"
            else:
                used_ext.add(src[2:])
        nodes.append(GraphNode(key=g.key, label=g.label().replace(", ", "\n", 1), kind="group",
                               tooltip=f"{g.label()}: {', '.join(g.members[:20])}"
                                       + (" …" if len(g.members) > 20 else "")))
        edges.append(GraphEdge(src=src, dst=g.key, relation=g.relation, credit=g.credit,
                               label=str(g.relation or "")))
    # Chains above the corpus: external -> external (e.g. an agency quoting local media), or back to
    # the story of an agency that is here.
    todo = list(used_ext)
    while todo:
        name = todo.pop()
        parent = ext_parent.get(name)
        if parent in home:
            edges.append(GraphEdge(src=f"a:{home[parent]}", dst=f"x:{name}", relation="cited", credit=None,
                                   label="quoted"))
        elif parent and parent != name:
            edges.append(GraphEdge(src=f"x:{parent}", dst=f"x:{name}", relation="cited", credit=None,
                                   label="quoted"))
            if parent not in used_ext:
                used_ext.add(parent)
                todo.append(parent)
    for name in sorted(used_ext, reverse=True):
        kind = "agency" if ext_kind.get(name) == "agency" else "external"
        what = {"agency": "agency", "outlet": "outlet (named by a republication notice)"}.get(ext_kind.get(name, ""),
                                                                                          "source")
        nodes.insert(0, GraphNode(key=f"x:{name}", label=name, kind=kind, tooltip=f"{name}: {what} outside the corpus"))
    if hidden > 0:
        nodes.append(GraphNode(key="more", label=f"+{hidden} more members", kind="more"))
    return nodes, edges, hidden


def agency_homes(members: pl.DataFrame, ids: Collection[str]) -> dict[str, str]:
    """External agency name -> the drawn article that is its own story here, from lineage evidence
    (``origin_via``: a chain leaving the corpus through an agency came back to that agency's story)."""
    out: dict[str, str] = {}
    if "evidence" not in members.columns:
        return out
    for origin, evidence in members.select("origin_id", "evidence").iter_rows():
        if evidence and "origin_via" in evidence and origin in ids:
            via = json.loads(evidence).get("origin_via")
            if via:
                out.setdefault(str(via), str(origin))
    return out


def sibling_groups_of(members: pl.DataFrame, *, has_lineage: bool, min_size: int = 3) -> list[SiblingGroup]:
    """Groups of leaf members copying one parent the same way (lineage only), keyed like the graph's nodes."""
    if not has_lineage or members.height == 0 or "parent_id" not in members.columns:
        return []
    rows = []
    for r in members.select("article_id", "parent_id", "parent_external", "relation", "credited").iter_rows(named=True):
        parent = f"a:{r['parent_id']}" if r["parent_id"] else f"x:{r['parent_external']}" if r["parent_external"] else None
        rows.append((r["article_id"], parent, r["relation"], r["credited"]))
    # an article parent of someone is keyed "a:id" in rows' parents: leaves are those never named so
    parents = {p[2:] for _, p, _, _ in rows if p and p.startswith("a:")}
    return [g for g in sibling_groups([(a, p, rel, c) for a, p, rel, c in rows if a not in parents], min_size=min_size)]


def members_table(detail: dict[str, Any]) -> pl.DataFrame:
    """One row per member with its link evidence, for display."""
    m: pl.DataFrame = detail["members"]
    has_lineage = detail["has_lineage"]
    origin_ids = origins(m, has_lineage)
    by_id = {r["article_id"]: r for r in m.select("article_id", "outlet").iter_rows(named=True)}
    if has_lineage:
        ev = pair_with_parent(m, detail["pairs"])
        parents = m.select("article_id", "parent_id")
    else:
        ev = inferred_parents(m, detail["pairs"]).select("article_id", "jaccard", "containment",
                                                          pl.lit(None, pl.String).alias("via"))
        parents = inferred_parents(m, detail["pairs"]).select("article_id", "parent_id")
        m = m.drop("parent_id").join(parents, on="article_id", how="left")
    credits = detail["credits"]
    if credits.height:
        cr = credits.group_by("article_id").agg(
            pl.concat_str([pl.col("source"), pl.lit(" ("), pl.col("role"), pl.lit(")")])
            .unique(maintain_order=True).str.join("; ").alias("credits")
        )
    else:
        cr = pl.DataFrame(schema={"article_id": pl.String, "credits": pl.String})
    out = m.join(ev, on="article_id", how="left").join(cr, on="article_id", how="left")
    status = [member_status(r, origin_ids) for r in out.select("article_id", "credited").iter_rows(named=True)]
    parent_label = []
    for r in out.select("parent_id", "parent_external").iter_rows(named=True):
        if r["parent_id"] is not None:
            o = by_id.get(r["parent_id"], {}).get("outlet")
            parent_label.append(f"{o or '?'} [{r['parent_id']}]")
        elif r["parent_external"] is not None:
            parent_label.append(f"{r['parent_external']} (external)")
        else:
            parent_label.append(None)
    out = out.with_columns(pl.Series("status", status), pl.Series("parent", parent_label, dtype=pl.String))
    out = out.with_columns(pl.col("evidence").map_elements(_evidence_text, return_dtype=pl.String))
    if "published_offset" in out.columns:  # the time on the page's own clock, where its zone is known
        local = local_iso(pl.col("published_at"), pl.col("published_offset"))
        out = out.with_columns(
            pl.when(pl.col("published_offset").is_not_null() & (pl.col("published_precision") != "day"))
            .then(pl.concat_str(local.str.slice(0, 10), pl.lit(" "), local.str.slice(11, 5), pl.lit(" UTC"),
                                local.str.slice(19, 6).str.replace("+00:00", "", literal=True)))
            .alias("local_time"))
    cols = ["article_id", "outlet", "published_at", "local_time", "title", "status", "parent", "relation", "derivation",
            "sourced_share", "lag_minutes", "confidence", "jaccard", "containment", "via", "credits", "evidence",
            "url"]
    return out.select([c for c in cols if c in out.columns])


def explain_links(table: pl.DataFrame, members: pl.DataFrame) -> pl.Series:
    """Per member row, the relative URL of the explain page for (its parent, it); null without an in-corpus parent."""
    from urllib.parse import urlencode

    parents = dict(members.select("article_id", "parent_id").iter_rows()) if "parent_id" in members.columns else {}
    out = []
    for aid in table["article_id"].to_list():
        p = parents.get(aid)
        out.append(f"./explain?{urlencode({'left': p, 'right': aid})}" if p else None)
    return pl.Series("explain", out, dtype=pl.String)


def _evidence_text(v: Any) -> str | None:
    """Lineage evidence as one readable line (JSON objects become ``key: value; ...``)."""
    if v is None:
        return None
    s = str(v)
    try:
        obj = json.loads(s)
    except ValueError:
        return s
    if isinstance(obj, dict):
        return "; ".join(f"{k}: {_short(x)}" for k, x in obj.items())
    if isinstance(obj, list):
        return "; ".join(_short(x) for x in obj)
    return s


def _short(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.3g}"
    if isinstance(x, dict):
        return ", ".join(f"{k}={_short(v)}" for k, v in x.items())
    if isinstance(x, list):
        return ", ".join(_short(v) for v in x)
    return str(x)


def timeline(detail: dict[str, Any]) -> pl.DataFrame:
    """(outlet, published_at, status, relation, title, article_id) for the republication timeline."""
    m: pl.DataFrame = detail["members"]
    origin_ids = origins(m, detail["has_lineage"])
    status = [member_status(r, origin_ids) for r in m.select("article_id", "credited").iter_rows(named=True)]
    return m.with_columns(pl.Series("status", status)).select(
        "outlet", "published_at", "status", pl.col("relation").fill_null("–"), "title", "article_id", "lag_minutes"
    ).filter(pl.col("published_at").is_not_null())


def default_pair(detail: dict[str, Any]) -> tuple[str | None, str | None]:
    """The pair shown side by side first: the first copy with a parent in the cluster, and that parent."""
    m: pl.DataFrame = detail["members"]
    if m.height < 2:
        return (m["article_id"][0] if m.height else None), None
    if detail["has_lineage"]:
        linked = m.filter(pl.col("parent_id").is_not_null() & pl.col("parent_id").is_in(m["article_id"].implode()))
        if linked.height:
            r = linked.row(0, named=True)
            return r["parent_id"], r["article_id"]
    par = inferred_parents(m, detail["pairs"])
    if par.height:
        r = par.row(0, named=True)
        return r["parent_id"], r["article_id"]
    return m["article_id"][0], m["article_id"][1]
