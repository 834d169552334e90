"""Self-contained HTML reports: inline CSS and inline SVG, no script, no external asset.

Article text is untrusted. Every fragment from the report model passes
through :func:`~provenance.report.svg.esc` (``html.escape`` with quotes)
before it is written, links are made only from plain http(s) URLs, and a
Content-Security-Policy forbids scripts and any fetch, so even a mistake here
would not run code or call home. The same HTML is what the PDF renders
(``@media print`` and ``@page`` rules lay it out for A4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from provenance.report import fmt
from provenance.report.svg import (
    STATUS_COLOURS,
    GraphEdge,
    GraphNode,
    chain_graph,
    esc,
    lag_histogram,
    stacked_bars,
    timeline,
)
from provenance.trace.chaingroups import sibling_groups

__all__ = ["render_html", "CSP"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

#: Characters of shared passages printed per link; the JSON report has them all.
PASSAGE_BUDGET = 3000

CSS = """
:root { --ink:#1b1b1b; --muted:#5f6b73; --line:#d9dee2; --soft:#f4f6f8; --accent:#1f3a93; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 13.5px; color: var(--ink); }
body { margin: 0 auto; max-width: 1080px; padding: 24px 28px 48px; line-height: 1.45; }
h1 { font-size: 1.65rem; margin: 0 0 .2rem; line-height: 1.25; overflow-wrap: break-word; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; overflow-wrap: break-word; }
a { color: var(--accent); }
.kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--muted); font-size: .78rem; font-weight: bold; }
.meta { color: var(--muted); font-size: .85rem; margin: .2rem 0 1rem; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: .8rem 0; }
.card { flex: 1 1 150px; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--soft); }
.card .v { font-size: 1.3rem; font-weight: bold; overflow-wrap: break-word; }
.card .k { color: var(--muted); font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; }
.card .s { color: var(--muted); font-size: .8rem; overflow-wrap: break-word; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .84rem; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-size: .76rem; text-transform: uppercase; letter-spacing: .03em; color: #38424a; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.t, td code { overflow-wrap: anywhere; }
code, .hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .8rem; overflow-wrap: break-word; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: .74rem; font-weight: bold;
         color: #fff; white-space: nowrap; }
.b-origin { background: {{origin}}; } .b-credited { background: {{credited}}; }
.b-uncredited { background: {{uncredited}}; } .b-unknown { background: {{unknown}}; }
.b-external { background: {{external}}; } .b-miscredited { background: {{miscredited}}; }
.b-licensed { background: {{licensed}}; }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; font-size: .76rem;
       margin-right: 3px; background: #fff; }
figure { margin: .5rem 0 1rem; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .8rem; margin-top: .25rem; }
.legend span { margin-right: 14px; font-size: .8rem; white-space: nowrap; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.link { border: 1px solid var(--line); border-left: 4px solid {{unknown}}; border-radius: 6px; padding: 8px 12px;
        margin: 10px 0; page-break-inside: avoid; break-inside: avoid-page; }
.link.credited { border-left-color: {{credited}}; } .link.uncredited { border-left-color: {{uncredited}}; }
.link.miscredited { border-left-color: {{miscredited}}; } .link.licensed { border-left-color: {{licensed}}; }
.stats { color: #38424a; font-size: .82rem; margin: .2rem 0; }
.stats b { color: var(--ink); }
blockquote { margin: 6px 0; padding: 6px 10px; background: #fffbea; border-left: 3px solid #e0b100;
             white-space: pre-wrap; overflow-wrap: break-word; font-size: .84rem; }
blockquote .where { display: block; color: var(--muted); font-size: .72rem; font-family: "DejaVu Sans Mono", monospace; }
ul.ev { margin: 4px 0; padding-left: 18px; font-size: .82rem; }
.note { color: var(--muted); font-size: .82rem; font-style: italic; }
.prov { font-size: .78rem; color: #38424a; border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px;
        background: var(--soft); margin-top: 1.2rem; }
.prov table { font-size: .76rem; margin: 0; }
.prov td, .prov th { border: 0; padding: 1px 6px; }
@page { size: A4; margin: 14mm 12mm 16mm;
        @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt; color: #777; } }
@media print {
  html { font-size: 10.5px; }
  body { max-width: none; padding: 0; }
  a { color: var(--ink); text-decoration: none; }
  h2 { break-after: avoid-page; page-break-after: avoid; }
  figure, .card, tr { break-inside: avoid-page; page-break-inside: avoid; }
  .cards { gap: 6px; }
}
"""
for _k, _v in STATUS_COLOURS.items():
    CSS = CSS.replace("{{" + _k + "}}", _v)


# ----------------------------------------------------------------------------------------------
# Fragments (each returns escaped HTML)
# ----------------------------------------------------------------------------------------------


def _badge(status: str | None, text: str | None = None) -> str:
    s = status or "unknown"
    cls = s if s in STATUS_COLOURS else "unknown"
    return f'<span class="badge b-{cls}">{esc(text or s)}</span>'


def _tag(text: Any) -> str:
    return "" if text in (None, "") else f'<span class="tag">{esc(text)}</span>'


def _link(url: str | None, text: str | None) -> str:
    label = esc(text if text else (url or ""))
    u = fmt.safe_url(url)
    if u is None:
        return label
    return f'<a href="{esc(u)}" rel="noopener noreferrer nofollow">{label}</a>'


def _card(k: str, v: Any, sub: str = "") -> str:
    s = f'<div class="s">{esc(sub)}</div>' if sub else ""
    return f'<div class="card"><div class="k">{esc(k)}</div><div class="v">{esc(v)}</div>{s}</div>'


def _table(headers: list[tuple[str, str]], rows: list[list[str]], *, empty: str = "none") -> str:
    """``headers`` are (label, css class); cells must already be escaped HTML."""
    if not rows:
        return f'<p class="note">{esc(empty)}</p>'
    head = "".join(f'<th class="{c}">{esc(h)}</th>' for h, c in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="{headers[i][1]}">{cell}</td>' for i, cell in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _evidence(ev: Any) -> str:
    items = fmt.evidence_items(ev)
    if not items:
        return ""
    return '<ul class="ev">' + "".join(
        f"<li>{'<b>' + esc(k) + ':</b> ' if k else ''}{esc(v)}</li>" for k, v in items) + "</ul>"


def _legend() -> str:
    names = {"origin": "origin", "credited": "credited copy", "uncredited": "uncredited copy",
             "miscredited": "miscredited copy", "licensed": "licensed copy (override)", "unknown": "credit unknown",
             "external": "external source"}
    return '<div class="legend">' + "".join(
        f'<span><i style="background:{c}"></i>{esc(names[s])}</span>' for s, c in STATUS_COLOURS.items()
    ) + '<span>dashed arrow: edited copy</span></div>'


def _passages(passages: list[dict[str, Any]], budget: int) -> str:
    out, used = [], 0
    for i, p in enumerate(passages):
        text = p["text"] or ""
        room = budget - used
        if room <= 0:
            rest = len(passages) - i
            out.append(f'<p class="note">{rest} more shared passage{"s" if rest != 1 else ""} '
                       "(offsets and text in the JSON report).</p>")
            break
        shown = text if len(text) <= room else text[:room].rstrip() + " …"
        used += len(shown)
        cut = f"; {len(text) - len(shown) + 2:,} characters not shown" if len(shown) < len(text) else ""
        where = (f"copy [{p['child_start']}:{p['child_end']}] ← source [{p['parent_start']}:{p['parent_end']}] · "
                 f"{p['n_tokens']} tokens{'' if p['in_order'] else ' · moved'} · xxh64 {p['text_hash']}{cut}")
        out.append(f'<blockquote><span class="where">{esc(where)}</span>{esc(shown)}</blockquote>')
    return "".join(out)


def _credit_summary(credits: list[dict[str, Any]]) -> str:
    """``IANS (byline), Yonhap (cited)``: each source once per role."""
    seen = dict.fromkeys(f"{c['source']} ({c['role']})" for c in credits if c.get("source"))
    return ", ".join(seen)


def _credits_line(credits: list[dict[str, Any]]) -> str:
    if not credits:
        return '<span class="note">no credit found in the text</span>'
    return " ".join(
        _tag(f"{c['role']}: {c['source']}" + (f" via {c['cited_via']}" if c.get("cited_via") else ""))
        + f'<span class="note">“{esc(fmt.clip(c.get("span_text"), 80))}”</span>'
        for c in credits
    )


def _provenance(report: dict[str, Any]) -> str:
    g = report["generated"]
    cfg = g.get("config") or {}
    rows = [
        ("generated at", g.get("generated_at")),
        ("provenance version", g.get("tool_version")),
        ("store file", g.get("store_file")),
        ("store version", g.get("store_version")),
        ("store written by", g.get("store_tool_version")),
        ("store updated at", g.get("store_updated_at")),
        ("report digest (SHA-256)", report.get("digest")),
        ("detection config", ", ".join(f"{k}={v}" for k, v in sorted(cfg.items())) if isinstance(cfg, dict) else cfg),
    ]
    body = "".join(f"<tr><th>{esc(k)}</th><td class='t'><code>{esc(v)}</code></td></tr>" for k, v in rows)
    return (
        f'<div class="prov"><b>Provenance of this report.</b> Article hashes are xxh64 of the stored text '
        f'(<code>articles.content_hash</code>); passage hashes are xxh64 of the passage as it appears in the copy. '
        f'The digest covers everything in the report except its generation time.<table>{body}</table></div>'
    )


def _head(title: str, digest: str | None) -> str:
    # Printed pages carry the report digest (hex only: nothing from the data reaches CSS).
    footer = ""
    if digest and re.fullmatch(r"[0-9a-f]{64}", digest):
        footer = ('@page { @bottom-left { content: "provenance report · digest sha256:' + digest[:16]
                  + '…"; font-size: 7pt; color: #777; } }')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}{footer}</style></head><body>"
    )


# ----------------------------------------------------------------------------------------------
# Cluster
# ----------------------------------------------------------------------------------------------


_EXACT = (None, "original", "verbatim", "headline_changed")


def _graph(c: dict[str, Any]) -> str:
    """Chain graph of a cluster: members, the external sources above them, parent -> child edges."""
    members = c["members"]
    ids = {m["article_id"] for m in members}
    ext_parent = {e.get("name"): e.get("parent_external") for e in c.get("external_nodes", []) if e.get("name")}
    # an agency whose own story is here, where a chain leaving the corpus comes back (evidence origin_via)
    home: dict[str, str] = {}
    for m in members:
        ev = m.get("evidence")
        via = ev.get("origin_via") if isinstance(ev, dict) else None
        if via and m["origin_id"] in ids:
            home.setdefault(via, m["origin_id"])
    parent: dict[str, str] = {}
    externals: set[str] = set()
    for m in members:
        if m["parent_id"] and m["parent_id"] in ids:
            parent[m["article_id"]] = m["parent_id"]
        elif m["parent_external"] and not m["parent_id"]:
            name = m["parent_external"]
            parent[m["article_id"]] = home.get(name, f"ext:{name}")
            while name is not None and name not in home and f"ext:{name}" not in externals:  # the chain above
                externals.add(f"ext:{name}")
                up = ext_parent.get(name)
                if up in home:
                    parent[f"ext:{name}"] = home[up]
                elif up is not None and up != name:
                    parent[f"ext:{name}"] = f"ext:{up}"
                name = up

    depth: dict[str, int] = {}

    def depth_of(node: str) -> int:
        seen = []
        while node not in depth and node in parent and node not in seen:
            seen.append(node)
            node = parent[node]
        base = depth.get(node, 0)
        for i, n in enumerate(reversed(seen), start=1):
            depth[n] = base + i
        depth.setdefault(node, base)
        return depth[seen[0]] if seen else base

    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    groups = sibling_groups((m["article_id"], parent.get(m["article_id"]), m["relation"], m["status"]) for m in members)
    grouped = {a for g in groups for a in g.members}
    for g in groups:  # siblings copying one parent the same way: one box (the member table lists each)
        status = {"credited": "credited", "uncredited": "uncredited"}.get(g.credit or "", "unknown")
        head, _, tail = g.label().partition(", ")
        nodes.append(GraphNode(id=g.key, label=head, sublabel=tail or "all credited", status=status,
                               depth=depth_of(g.parent) + 1, order=0.0,
                               tooltip=f"{g.label()}: {', '.join(g.members[:30])}" + (" …" if len(g.members) > 30 else "")))
        edges.append(GraphEdge(g.parent, g.key, status, edited=g.relation not in _EXACT))
    for m in members:
        if m["article_id"] in grouped:
            continue
        sub = fmt.published(m, m["published_precision"])
        if m["parent_lag_minutes"] is not None and not m["is_origin"]:
            sub = f"+{fmt.lag(m['parent_lag_minutes'])} · {sub[5:16] if len(sub) > 16 else sub}"
        nodes.append(GraphNode(
            id=m["article_id"], label=m["outlet"] or "?", sublabel=sub, status=m["status"],
            depth=depth_of(m["article_id"]), order=_order(m["published_at"]),
            tooltip=f"{m['outlet']} — {m['title'] or ''} ({m['article_id']}; {m['status']}; "
                    f"{m['relation'] or ''})",
        ))
        if m["article_id"] in parent:
            edges.append(GraphEdge(parent[m["article_id"]], m["article_id"], m["status"],
                                   edited=m["relation"] not in _EXACT))
    for node in sorted(externals):
        name = node[4:]
        nodes.append(GraphNode(id=node, label=name, sublabel="not in the corpus", status="external",
                               depth=depth_of(node), tooltip=f"external source: {name}"))
        if node in parent:
            edges.append(GraphEdge(parent[node], node, "external"))
    return chain_graph(nodes, edges, title=f"Origin chain of cluster {c['cluster_id']}")


def _order(iso: str | None) -> float:
    if not iso:
        return float("inf")
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return float("inf")


def _cluster(report: dict[str, Any], budget: int) -> str:
    c = report["cluster"]
    s = c["summary"]
    o = s["origin"]
    if o["kind"] == "external":
        chain = " → ".join(o["chain"]) if len(o["chain"]) > 1 else ""
        origin_v = o["name"]
        origin_s = "external source, not in the corpus" + (f"; chain {chain}" if chain else "")
        if o["outlet"]:
            origin_s += f"; first here: {o['outlet']}, {fmt.published(o)}"
    else:
        origin_v, origin_s = o["outlet"] or "?", f"{o['article_id']} · {fmt.published(o)}"
    first, last = s["first"] or {}, s["last"] or {}
    parts = [
        f'<div class="kicker">Cluster report · cluster {esc(c["cluster_id"])}</div>',
        f"<h1>{esc(report['title'])}</h1>",
        f'<p class="meta">{esc(s["articles"])} articles from {esc(s["outlets"])} outlets · '
        f'first {esc(fmt.published(first))} ({esc(first.get("outlet") or "–")}) · '
        f'last {esc(fmt.published(last))} ({esc(last.get("outlet") or "–")})</p>',
    ]
    if not c["lineage_available"]:
        parts.append('<p class="note">The store has no lineage for this cluster: links below are verified reuse '
                     "pairs to the earliest paired article, without relation, credit status or confidence.</p>")
    parts.append('<div class="cards">' + "".join([
        _card("origin", origin_v, origin_s),
        _card("articles", s["articles"], f"{s['outlets']} outlets"),
        _card("copies", s["copies"], f"{s['credited']} credited · {s['uncredited']} uncredited · "
                                     + (f"{s['miscredited']} miscredited · " if s["miscredited"] else "")
                                     + f"{s['credit_unknown']} unknown"),
        _card("spread", fmt.lag(s["span_minutes"]), "first to last appearance"),
        _card("median lag", fmt.lag(s["lag"]["median_minutes"]), f"p90 {fmt.lag(s['lag']['p90_minutes'])}"),
    ]) + "</div>")
    credits = ", ".join(f"{x['source']} ({x['articles']})" for x in s["credit_sources"]) or "none"
    derivs = ", ".join(f"{x['value']} ({x['n']})" for x in s["derivations"]) or "–"
    outlets = ", ".join(f"{x['outlet']} ({x['articles']})" for x in s["outlet_counts"])
    parts.append(
        f'<p class="stats"><b>Credits in the text:</b> {esc(credits)}<br><b>Derivation grades:</b> {esc(derivs)}'
        f"<br><b>Outlets:</b> {esc(outlets)}</p>"
    )
    parts.append("<h2>Origin chain</h2>")
    parts.append(f"<figure>{_graph(c)}<figcaption>{_legend()}</figcaption></figure>")
    pts = [(_dt(m["published_at"]), m["status"], f"{m['outlet']}: {m['title'] or m['article_id']}")
           for m in c["members"]]
    tl = timeline([p for p in pts if p[0] is not None], missing=sum(1 for p in pts if p[0] is None),
                  title="Republication timeline")
    if tl:
        parts.append("<h2>Republication timeline</h2>")
        parts.append(f"<figure>{tl}<figcaption>Cumulative articles in the cluster; each dot is one article, "
                     "coloured by credit status.</figcaption></figure>")
    parts.append("<h2>Members</h2>")
    rows = []
    outlet_of = {m["article_id"]: m["outlet"] for m in c["members"]}
    for i, m in enumerate(c["members"], start=1):
        if m["parent_id"]:
            parent = f'{esc(outlet_of.get(m["parent_id"]) or "")}<br><code>{esc(m["parent_id"])}</code>'
        else:
            parent = esc(f"{m['parent_external']} (external)" if m["parent_external"] else "")
        rows.append([
            esc(i),
            esc(fmt.published(m, m["published_precision"])),
            esc(m["outlet"]),
            _link(m["url"], m["title"] or m["article_id"]) + f'<br><code>{esc(m["article_id"])}</code>'
            + (f'<br><span class="note">credits: {esc(_credit_summary(m["credits"]))}</span>' if m["credits"] else ""),
            _badge(m["status"]),
            esc(m["relation"] or ("origin" if m["is_origin"] else "–")) + "<br>" + esc(m["derivation"] or ""),
            parent,
            esc(fmt.lag(m["lag_minutes"])),
            esc(fmt.num(m["confidence"])),
            f'<span class="hash">{esc(m["content_hash"])}</span>',
        ])
    parts.append(_table(
        [("#", "n"), ("published", ""), ("outlet", "t"), ("article", "t"), ("credit", ""),
         ("relation / derivation", ""), ("parent", "t"), ("after origin", "n"), ("conf.", "n"), ("xxh64", "")],
        rows,
    ))
    parts.append("<h2>Links and shared passages</h2>")
    if not c["links"]:
        parts.append('<p class="note">No links.</p>')
    members = {m["article_id"]: m for m in c["members"]}
    for ln in c["links"]:
        parts.append(_link_card(ln, members.get(ln["child"], {}), budget))
    return "".join(parts)


def _link_card(ln: dict[str, Any], member: dict[str, Any], budget: int) -> str:
    src = ln["parent"] or ln["parent_external"] or "?"
    src_outlet = ln["parent_outlet"] or (ln["parent_external"] and f"{ln['parent_external']} (external)") or "?"
    out = [f'<div class="link {esc(ln["status"])}">']
    out.append(f"<h3>{esc(ln['child_outlet'])} ← {esc(src_outlet)} {_badge(ln['status'])} "
               f"{_tag(ln['relation'])}{_tag(ln['derivation'])}</h3>")
    out.append(f'<div class="stats">copy <code>{esc(ln["child"])}</code> (xxh64 <code>{esc(ln["child_hash"])}</code>)'
               f' ← source <code>{esc(src)}</code>'
               + (f' (xxh64 <code>{esc(ln["parent_hash"])}</code>)' if ln["parent_hash"] else "") + "</div>")
    stats = [f"<b>after the source</b> {esc(fmt.lag(ln['parent_lag_minutes']))}",
             f"<b>after the origin</b> {esc(fmt.lag(ln['lag_minutes']))}",
             f"<b>confidence</b> {esc(fmt.num(ln['confidence']))}",
             f"<b>credit</b> {esc((ln['credited'] or 'unknown').replace('_', ' '))}"]
    if ln.get("sourced"):
        sc = ln["sourced"]
        parts = ", ".join(f"{fmt.pct(x['share'])} from {x['outlet'] or x['source_id']}"
                          + (f" ({x['published_at'][:16].replace('T', ' ')})" if x["published_at"] else "")
                          for x in sc["sources"])
        stats.append(f"<b>sourced share</b> {esc(fmt.pct(sc['share']))}" + (f": {esc(parts)}" if parts else ""))
    if ln["pair"]:
        p = ln["pair"]
        stats += [f"<b>Jaccard</b> {esc(fmt.num(p['jaccard']))}",
                  f"<b>copy in source</b> {esc(fmt.pct(p['child_in_parent']))}",
                  f"<b>source in copy</b> {esc(fmt.pct(p['parent_in_child']))}",
                  f"<b>shared shingles</b> {esc(fmt.num(p['shared_shingles']))}"]
    if ln["alignment"]:
        a = ln["alignment"]
        stats += [f"<b>shared tokens</b> {esc(fmt.num(a['shared_tokens']))} of {esc(fmt.num(a['child_tokens']))} "
                  f"({esc(fmt.pct(a['child_coverage']))} of the copy)",
                  f"<b>edits</b> +{esc(a['inserted_tokens'])} −{esc(a['deleted_tokens'])} "
                  f"~{esc(a['changed_tokens'])} ↻{esc(a['moved_tokens'])} tokens"]
    out.append('<div class="stats">' + " · ".join(stats) + "</div>")
    out.append('<div class="stats"><b>Credits found:</b> ' + _credits_line(member.get("credits", [])) + "</div>")
    ev = _evidence(ln["evidence"])
    if ev:
        out.append(f'<div class="stats"><b>Evidence</b></div>{ev}')
    if ln["passages"]:
        out.append(_passages(ln["passages"], budget))
    elif ln["parent_external"] and not ln["parent"]:
        out.append('<p class="note">The source is not in the corpus: no text to align.</p>')
    out.append("</div>")
    return "".join(out)


def _dt(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# Outlet and agency
# ----------------------------------------------------------------------------------------------


def _copies_list(rows: list[dict[str, Any]], *, with_passages: bool, who: str, budget: int = PASSAGE_BUDGET) -> str:
    if not rows:
        return '<p class="note">None.</p>'
    out = []
    for r in rows:
        src = r["parent_outlet"] or r["parent_external"] or "?"
        out.append(f'<div class="link {esc(r["status"])}">')
        out.append(f"<h3>{_link(r['url'], r['title'] or r['article_id'])}</h3>")
        out.append(
            f'<div class="stats">{esc(r[who] if who == "outlet" else "")}'
            f'{" · " if who == "outlet" else ""}{esc(fmt.when(r["published_at"]))} · copy <code>{esc(r["article_id"])}</code> '
            f'(xxh64 <code>{esc(r["content_hash"])}</code>) ← {esc(src)} <code>{esc(r["parent_id"] or "")}</code>'
            + (f' (xxh64 <code>{esc(r["parent_hash"])}</code>)' if r["parent_hash"] else "")
            + f" · cluster {esc(r['cluster_id'])}</div>"
        )
        out.append(
            f'<div class="stats">{_badge(r["status"])} {_tag(r["relation"])}{_tag(r["derivation"])}'
            f'{_tag(r["source_agency"] and "agency: " + r["source_agency"])} <b>after the source</b> {esc(fmt.lag(r["parent_lag_minutes"]))} · '
            f'<b>after the origin</b> {esc(fmt.lag(r["lag_minutes"]))} · '
            f'<b>confidence</b> {esc(fmt.num(r["confidence"]))}'
            + (f' · <b>shared</b> {esc(fmt.pct(r["alignment"]["child_coverage"]))} of the copy'
               if r.get("alignment") else "")
            + "</div>"
        )
        out.append(_evidence(r["evidence"]))
        if with_passages and r.get("passages"):
            out.append(_passages(r["passages"], budget // 2))
        out.append("</div>")
    return "".join(out)


def _outlet(report: dict[str, Any], budget: int) -> str:
    o = report["outlet"]
    parts = [
        '<div class="kicker">Outlet report</div>',
        f"<h1>{esc(o['outlet'])}</h1>",
        f'<p class="meta">{esc(fmt.num(o["articles"]))} articles · {esc(fmt.when(o["first_published"]))} to '
        f'{esc(fmt.when(o["last_published"]))}'
        + (f" · this outlet is the agency {esc(o['is_agency'])}" if o["is_agency"] else "") + "</p>",
    ]
    if not o["lineage_available"]:
        parts.append('<p class="note">The store has no lineage: copy, credit and lag figures need it.</p>')
        parts.append('<div class="cards">' + _card("articles", fmt.num(o["articles"]))
                     + _card("in reuse clusters", fmt.num(o["in_clusters"])) + "</div>")
        return "".join(parts)
    parts.append('<div class="cards">' + "".join([
        _card("articles", fmt.num(o["articles"]), f"{fmt.num(o['in_clusters'])} in reuse clusters"),
        _card("agency copy", fmt.pct(o["agency_copy_share"]), f"{fmt.num(o['agency_copies'])} of all articles"),
        _card("copies", fmt.num(o["copies"]), f"others copied {fmt.num(o['originals'])} of its articles"),
        _card("verbatim", fmt.pct(o["verbatim_share"]), f"{fmt.num(o['verbatim'])} of the copies"),
        _card("uncredited", fmt.pct(o["uncredited_share"]), f"{fmt.num(o['uncredited'])} of the copies"),
        _card("staff byline on agency copy", fmt.num(o.get("byline_mismatch")),
              "byline credits the outlet's staff; the text credits an agency or is its verbatim copy"),
        _card("median lag", fmt.lag(o["lag"]["median_minutes"]), f"p90 {fmt.lag(o['lag']['p90_minutes'])}"),
    ]) + "</div>")
    if o["agencies"]:
        parts.append("<h2>Agencies copied</h2>")
        parts.append("<figure>" + stacked_bars(
            [(a["agency"], _bar_counts(a)) for a in o["agencies"]],
            title="Agencies copied") + "</figure>")
        parts.append(_table(
            [("agency", "t"), ("copies", "n"), ("credited", "n"), ("uncredited", "n"), ("verbatim", "n"),
             ("median lag", "n")],
            [[esc(a["agency"]), esc(a["copies"]), esc(a["credited"]), esc(a["uncredited"]), esc(a["verbatim"]),
              esc(fmt.lag(a["median_lag_minutes"]))] for a in o["agencies"]],
        ))
    hist = lag_histogram([(b["bin"], b["n"]) for b in o["lag_bins"]], title="Lag after the origin")
    if hist:
        parts.append("<h2>Speed</h2>")
        parts.append(f"<figure>{hist}<figcaption>Time from the story's first publication in the corpus (the origin) to "
                     "this outlet's copy; from the direct source when the origin has no time."
                     "</figcaption></figure>")
    parts.append("<h2>Sources copied</h2>")
    parts.append(_table(
        [("source", "t"), ("copies", "n"), ("credited", "n"), ("uncredited", "n"), ("verbatim", "n"),
         ("median lag", "n")],
        [[esc(s["source"]), esc(s["copies"]), esc(s["credited"]), esc(s["uncredited"]), esc(s["verbatim"]),
          esc(fmt.lag(s["median_lag_minutes"]))] for s in o["sources"][:30]],
    ))
    if o["derivations"]:
        parts.append('<p class="stats"><b>Derivation grades:</b> '
                     + esc(", ".join(f"{d['value']} ({d['n']})" for d in o["derivations"])) + "</p>")
    parts.append(f"<h2>Uncredited copies ({esc(o['uncredited'])})</h2>")
    parts.append(_copies_list(o["uncredited_copies"], with_passages=True, who="source", budget=budget))
    return "".join(parts)


def _bar_counts(g: dict[str, Any]) -> dict[str, int]:
    return {"credited": g["credited"], "miscredited": g["miscredited"], "uncredited": g["uncredited"],
            "unknown": g["credit_unknown"]}


def _agency(report: dict[str, Any]) -> str:
    a = report["agency"]
    parts = [
        '<div class="kicker">Agency report</div>',
        f"<h1>{esc(a['agency'])}</h1>",
        f'<p class="meta">{esc(a["full_name"] or "")}'
        + (f" · own outlets in the corpus: {esc(', '.join(a['own_outlets']))}" if a["own_outlets"] else
           " · none of its own articles is in the corpus")
        + f" · named in the credits of {esc(fmt.num(a['credited_in_articles']))} articles</p>",
    ]
    if not a["lineage_available"]:
        parts.append('<p class="note">The store has no lineage: reach, credit and speed figures need it.</p>')
        return "".join(parts)
    parts.append('<div class="cards">' + "".join([
        _card("reach", fmt.num(a["copies"]), f"copies in {fmt.num(a['outlets_reached'])} outlets"),
        _card("stories", fmt.num(a["clusters"]), "clusters its copy appears in"),
        _card("credited", fmt.pct(a["credited_share"]), f"{fmt.num(a['credited'])} credited · "
                                                         f"{fmt.num(a['uncredited'])} uncredited"),
        _card("verbatim", fmt.num(a["verbatim"]), "copies without changes"),
        _card("median lag", fmt.lag(a["lag"]["median_minutes"]), f"p90 {fmt.lag(a['lag']['p90_minutes'])}"),
        _card("own articles", fmt.num(a["own_articles"]), ""),
    ]) + "</div>")
    parts.append("<h2>Who republishes</h2>")
    bars = stacked_bars([(r["outlet"] or "?", _bar_counts(r)) for r in a["republishers"]],
                        title="Who republishes")
    if bars:
        parts.append(f"<figure>{bars}</figure>")
    parts.append(_table(
        [("outlet", "t"), ("copies", "n"), ("credited", "n"), ("uncredited", "n"), ("verbatim", "n"),
         ("median lag", "n")],
        [[esc(r["outlet"]), esc(r["copies"]), esc(r["credited"]), esc(r["uncredited"]), esc(r["verbatim"]),
          esc(fmt.lag(r["median_lag_minutes"]))] for r in a["republishers"]],
    ))
    hist = lag_histogram([(b["bin"], b["n"]) for b in a["lag_bins"]], title="Speed of republication")
    if hist:
        parts.append("<h2>Speed</h2>")
        parts.append(f"<figure>{hist}<figcaption>Time from the story's origin in the corpus to each copy; from "
                     "the direct source when the origin has no time.</figcaption></figure>")
    if a["derivations"]:
        parts.append('<p class="stats"><b>Derivation grades:</b> '
                     + esc(", ".join(f"{d['value']} ({d['n']})" for d in a["derivations"])) + "</p>")
    parts.append(f"<h2>Uncredited copies ({esc(a['uncredited'])})</h2>")
    parts.append(_copies_list(a["uncredited_copies"], with_passages=False, who="outlet"))
    return "".join(parts)


# ----------------------------------------------------------------------------------------------
# Corpus
# ----------------------------------------------------------------------------------------------


def _corpus(report: dict[str, Any], href: Callable[[str, Any], str | None]) -> str:
    c = report["corpus"]
    ov = c["overview"]
    parts = [
        '<div class="kicker">Corpus report</div>',
        "<h1>Corpus overview</h1>",
        f'<p class="meta">{esc(fmt.num(ov["articles"]))} articles from {esc(fmt.num(ov["outlets"]))} outlets, '
        f'{esc(fmt.when(ov["first_published"]))} to {esc(fmt.when(ov["last_published"]))}</p>',
        '<div class="cards">' + "".join([
            _card("articles", fmt.num(ov["articles"]), f"{fmt.num(ov['outlets'])} outlets"),
            _card("reuse pairs", fmt.num(ov["pairs"])),
            _card("clusters", fmt.num(ov["clusters"]), f"{fmt.num(ov['articles_in_clusters'])} articles"),
            _card("copies", fmt.num(ov["copies"]), f"{fmt.num(ov['agency_copies'])} from agencies"),
            _card("uncredited", fmt.num(ov["uncredited"]), f"{fmt.num(ov['credited'])} credited"),
        ]) + "</div>",
    ]
    if not ov["lineage_available"]:
        parts.append('<p class="note">The store has no lineage: copy and credit figures need it.</p>')

    def named(kind: str, key: Any, text: str) -> str:
        h = href(kind, key)
        return f'<a href="{esc(h)}">{esc(text)}</a>' if h else esc(text)

    parts.append("<h2>Top clusters</h2>")
    parts.append(_table(
        [("cluster", "n"), ("story", "t"), ("articles", "n"), ("outlets", "n"), ("first", ""), ("spread", "n"),
         ("origin", "t"), ("uncredited", "n")],
        [[named("cluster", r["cluster_id"], str(r["cluster_id"])), esc(r["title"]), esc(r["articles"]),
          esc(r["outlets"]), esc(fmt.when(r["first_published"])), esc(fmt.lag(r["span_minutes"])),
          esc(r["origin"] or "–") + (f'<br><code>{esc(r["origin_id"])}</code>' if r["origin_id"] else ""), esc(fmt.num(r["uncredited"]))]
         for r in c["top_clusters"]],
    ))
    parts.append("<h2>Top outlets</h2>")
    parts.append(_table(
        [("outlet", "t"), ("articles", "n"), ("copies", "n"), ("agency copy", "n"), ("uncredited", "n"),
         ("verbatim", "n"), ("median lag", "n")],
        [[named("outlet", r["outlet"], r["outlet"] or "?"), esc(fmt.num(r["articles"])), esc(fmt.num(r["copies"])),
          esc(fmt.pct(r["agency_copy_share"])), esc(fmt.pct(r["uncredited_share"])), esc(fmt.num(r["verbatim"])),
          esc(fmt.lag(r["median_lag_minutes"]))] for r in c["top_outlets"]],
    ))
    parts.append("<h2>Top agencies</h2>")
    parts.append(_table(
        [("agency", "t"), ("copies", "n"), ("outlets reached", "n"), ("credited", "n"), ("uncredited", "n"),
         ("median lag", "n")],
        [[named("agency", r["agency"], r["agency"]), esc(fmt.num(r["copies"])), esc(fmt.num(r["outlets_reached"])),
          esc(fmt.pct(r["credited_share"])), esc(fmt.num(r["uncredited"])), esc(fmt.lag(r["median_lag_minutes"]))]
         for r in c["top_agencies"]],
        empty="no agency copy found" if ov["lineage_available"] else "needs lineage",
    ))
    if c["files"]:
        parts.append(f"<h2>All reports ({len(c['files'])})</h2>")
        for kind in ("cluster", "outlet", "agency"):
            fs = [f for f in c["files"] if f["kind"] == kind]
            if fs:
                parts.append(f"<h3>{esc(kind.capitalize())} reports ({len(fs)})</h3>")
                parts.append(_table(
                    [(kind, "t"), ("title", "t"), ("file", "t")],
                    [[esc(f["key"]), esc(f["title"]), f'<a href="{esc(f["file"])}">{esc(f["file"])}</a>'] for f in fs],
                ))
    return "".join(parts)


# ----------------------------------------------------------------------------------------------


def render_html(report: dict[str, Any], *, href: Callable[[str, Any], str | None] | None = None,
                passage_budget: int = PASSAGE_BUDGET) -> str:
    """The report as one self-contained HTML document.

    ``href(kind, key)`` gives the relative link to another entity's report
    (used by the ``--all`` index); without it, entities are plain text.
    ``passage_budget`` bounds the characters of shared passages printed per
    link (the PDF prints fewer); the JSON report always has them all.
    """
    kind = report["kind"]
    if kind == "cluster":
        body = _cluster(report, passage_budget)
    elif kind == "outlet":
        body = _outlet(report, passage_budget)
    elif kind == "agency":
        body = _agency(report)
    elif kind == "corpus":
        files = {(f["kind"], str(f["key"])): f["file"] for f in report["corpus"].get("files", [])}
        body = _corpus(report, href or (lambda k, key: files.get((k, str(key)))))
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    return _head(fmt.title_of(report), report.get("digest")) + body + _provenance(report) + "</body></html>\n"
