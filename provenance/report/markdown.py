"""Markdown reports (GitHub-flavoured tables).

Article text is untrusted and Markdown renderers pass raw HTML through, so
every fragment from the data is escaped: ``& < >`` become entities (no tag
can form) and Markdown punctuation is backslash-escaped (no link, image,
emphasis, code span or table cell can be forged). Passages are block quotes, escaped the
same way, never code fences (which a passage containing ``````` could close).
"""

from __future__ import annotations

import re
from typing import Any

from provenance.report import fmt

__all__ = ["render_markdown", "md"]

#: Characters that can start markup anywhere in a line (links, images, emphasis, code, cells,
#: headings in quotes, strikethrough); list and heading markers at a line start cannot occur,
#: because every line we write starts with our own ``| ``, ``> `` or ``- ``.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")


def md(value: Any) -> str:
    """Escape any value for inline Markdown (one line)."""
    s = "" if value is None else str(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())


def _block(text: str) -> str:
    """A passage as a block quote, line breaks kept."""
    lines = (text or "").splitlines() or [""]
    return "\n".join("> " + md(line) if line.strip() else ">" for line in lines)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return "_none_\n"
    out = ["| " + " | ".join(md(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def _provenance(report: dict[str, Any]) -> str:
    g = report["generated"]
    cfg = g.get("config") or {}
    rows = [
        ["generated at", g.get("generated_at")], ["provenance version", g.get("tool_version")],
        ["store file", g.get("store_file")], ["store version", g.get("store_version")],
        ["store written by", g.get("store_tool_version")], ["report digest (SHA-256)", report.get("digest")],
        ["detection config", ", ".join(f"{k}={v}" for k, v in sorted(cfg.items())) if isinstance(cfg, dict) else cfg],
    ]
    return ("\n## Provenance of this report\n\nArticle hashes are xxh64 of the stored text "
            "(`articles.content_hash`); passage hashes are xxh64 of the passage in the copy. The digest covers "
            "the report without its generation time.\n\n" + _table(["item", "value"], rows))


def _evidence(ev: Any) -> str:
    items = fmt.evidence_items(ev)
    return "; ".join(f"{k}: {v}" if k else v for k, v in items)


def _cluster(report: dict[str, Any]) -> list[str]:
    c = report["cluster"]
    s = c["summary"]
    o = s["origin"]
    origin = (f"{o['name']} (external; chain: {' → '.join(o['chain'])})" if o["kind"] == "external"
              else f"{o['outlet']} ({o['article_id']}, {fmt.published(o)})")
    out = [f"# Cluster {md(c['cluster_id'])}: {md(report['title'])}\n"]
    if not c["lineage_available"]:
        out.append("_The store has no lineage for this cluster: links are verified reuse pairs only._\n")
    out.append(_table(["", ""], [
        ["origin", origin],
        ["articles", f"{s['articles']} from {s['outlets']} outlets"],
        ["first appearance", f"{fmt.published(s['first'] or {})} ({(s['first'] or {}).get('outlet')})"],
        ["last appearance", f"{fmt.published(s['last'] or {})} ({(s['last'] or {}).get('outlet')})"],
        ["spread", fmt.lag(s["span_minutes"])],
        ["copies", f"{s['copies']}: {s['credited']} credited, {s['uncredited']} uncredited, "
                   f"{s['miscredited']} miscredited, {s['credit_unknown']} unknown"],
        ["credits in the text", ", ".join(f"{x['source']} ({x['articles']})" for x in s["credit_sources"]) or "none"],
        ["median lag after origin", fmt.lag(s["lag"]["median_minutes"])],
    ]))
    out.append("\n## Members\n")
    out.append(_table(
        ["#", "published", "outlet", "title", "article", "status", "relation", "derivation", "parent", "lag",
         "confidence", "xxh64"],
        [[i, fmt.published(m, m["published_precision"]), m["outlet"], m["title"], m["article_id"],
          m["status"], m["relation"] or ("original" if m["is_origin"] else ""), m["derivation"] or "",
          m["parent_id"] or m["parent_external"] or "", fmt.lag(m["lag_minutes"]), fmt.num(m["confidence"]),
          m["content_hash"]] for i, m in enumerate(c["members"], start=1)],
    ))
    out.append("\n## Links and shared passages\n")
    members = {m["article_id"]: m for m in c["members"]}
    for ln in c["links"]:
        src = ln["parent_outlet"] or ln["parent_external"] or "?"
        out.append(f"### {md(ln['child_outlet'])} ← {md(src)}\n")
        facts = [f"copy {md(ln['child'])} (xxh64 {md(ln['child_hash'])})",
                 f"source {md(ln['parent'] or ln['parent_external'])}"
                 + (f" (xxh64 {md(ln['parent_hash'])})" if ln["parent_hash"] else ""),
                 f"status: {md(ln['status'])} ({md(ln['credited'])})", f"relation: {md(ln['relation'])}",
                 f"derivation: {md(ln['derivation'])}", f"lag: {md(fmt.lag(ln['lag_minutes']))}",
                 f"confidence: {md(fmt.num(ln['confidence']))}"]
        if ln["pair"]:
            facts.append(f"Jaccard {md(fmt.num(ln['pair']['jaccard']))}, copy in source "
                         f"{md(fmt.pct(ln['pair']['child_in_parent']))}")
        if ln["alignment"]:
            facts.append(f"shared tokens {ln['alignment']['shared_tokens']} of {ln['alignment']['child_tokens']}")
        credits = [f"{c['source']} ({c['role']}): “{c['span_text']}”" for c in members.get(ln["child"], {}).get("credits", [])]
        facts.append(f"credits found: {md('; '.join(credits)) if credits else 'none'}")
        ev = _evidence(ln["evidence"])
        if ev:
            facts.append(f"evidence: {md(ev)}")
        out.append("\n".join(f"- {f}" for f in facts) + "\n")
        for p in ln["passages"]:
            out.append(f"Passage copy \\[{p['child_start']}:{p['child_end']}\\] ← source "
                       f"\\[{p['parent_start']}:{p['parent_end']}\\], {p['n_tokens']} tokens, xxh64 {md(p['text_hash'])}:\n")
            out.append(_block(p["text"]) + "\n")
    return out


def _copies(rows: list[dict[str, Any]]) -> str:
    return _table(
        ["published", "outlet", "title", "article", "status", "source", "relation", "lag", "confidence", "xxh64",
         "evidence"],
        [[fmt.when(r["published_at"]), r["outlet"], r["title"], r["article_id"], r["status"],
          r["parent_outlet"] or r["parent_external"] or "", r["relation"] or "",
          fmt.lag(r["lag_minutes"]), fmt.num(r["confidence"]), r["content_hash"], _evidence(r["evidence"])]
         for r in rows],
    )


def _group_table(rows: list[dict[str, Any]], key: str) -> str:
    return _table([key, "copies", "credited", "uncredited", "miscredited", "verbatim", "median lag"],
                  [[r[key], r["copies"], r["credited"], r["uncredited"], r["miscredited"], r["verbatim"],
                    fmt.lag(r["median_lag_minutes"])] for r in rows])


def _outlet(report: dict[str, Any]) -> list[str]:
    o = report["outlet"]
    out = [f"# Outlet report: {md(o['outlet'])}\n"]
    if not o["lineage_available"]:
        return [*out, f"{o['articles']} articles; the store has no lineage.\n"]
    out.append(_table(["", ""], [
        ["articles", f"{o['articles']} ({o['in_clusters']} in reuse clusters)"],
        ["agency copy", f"{fmt.pct(o['agency_copy_share'])} ({o['agency_copies']} articles)"],
        ["copies", o["copies"]],
        ["verbatim", f"{fmt.pct(o['verbatim_share'])} of copies ({o['verbatim']})"],
        ["uncredited", f"{fmt.pct(o['uncredited_share'])} of copies ({o['uncredited']}); "
                       f"{o['miscredited']} miscredited"],
        ["staff byline on agency copy", o.get("byline_mismatch")],
        ["median lag after origin", fmt.lag((o["lag"] or {}).get("median_minutes"))],
    ]))
    out.append("\n## Agencies copied\n")
    out.append(_group_table(o["agencies"], "agency"))
    out.append("\n## Sources copied\n")
    out.append(_group_table(o["sources"], "source"))
    out.append("\n## Uncredited and miscredited copies\n")
    out.append(_copies(o["uncredited_copies"]))
    return out


def _agency(report: dict[str, Any]) -> list[str]:
    a = report["agency"]
    out = [f"# Agency report: {md(a['agency'])}\n"]
    if not a["lineage_available"]:
        return [*out, "The store has no lineage.\n"]
    out.append(_table(["", ""], [
        ["reach", f"{a['copies']} copies in {a['outlets_reached']} outlets, {a['clusters']} stories"],
        ["credited", f"{fmt.pct(a['credited_share'])} ({a['credited']}); {a['uncredited']} uncredited, "
                     f"{a['miscredited']} miscredited"],
        ["median lag after origin", fmt.lag((a["lag"] or {}).get("median_minutes"))],
        ["own articles in the corpus", a["own_articles"]],
    ]))
    out.append("\n## Who republishes\n")
    out.append(_group_table(a["republishers"], "outlet"))
    out.append("\n## Uncredited and miscredited copies\n")
    out.append(_copies(a["uncredited_copies"]))
    return out


def _corpus(report: dict[str, Any]) -> list[str]:
    c = report["corpus"]
    ov = c["overview"]
    out = ["# Corpus report\n", _table(["", ""], [[k.replace("_", " "), v] for k, v in ov.items()])]
    out.append("\n## Top clusters\n")
    out.append(_table(["cluster", "story", "articles", "outlets", "first", "spread", "origin", "uncredited"],
                      [[r["cluster_id"], r["title"], r["articles"], r["outlets"], fmt.when(r["first_published"]),
                        fmt.lag(r["span_minutes"]), r["origin"], r["uncredited"]] for r in c["top_clusters"]]))
    out.append("\n## Top outlets\n")
    out.append(_table(["outlet", "articles", "copies", "agency copy", "uncredited", "verbatim", "median lag"],
                      [[r["outlet"], r["articles"], r["copies"], fmt.pct(r["agency_copy_share"]),
                        fmt.pct(r["uncredited_share"]), r["verbatim"], fmt.lag(r["median_lag_minutes"])]
                       for r in c["top_outlets"]]))
    out.append("\n## Top agencies\n")
    out.append(_table(["agency", "copies", "outlets reached", "credited", "uncredited", "median lag"],
                      [[r["agency"], r["copies"], r["outlets_reached"], fmt.pct(r["credited_share"]),
                        r["uncredited"], fmt.lag(r["median_lag_minutes"])] for r in c["top_agencies"]]))
    if c["files"]:
        out.append("\n## All reports\n")
        out.extend(f"- {md(f['kind'])} {md(f['key'])}: [{md(f['title'])}](<{f['file']}>)" for f in c["files"])
        out.append("")
    return out


def render_markdown(report: dict[str, Any]) -> str:
    kind = report["kind"]
    parts = {"cluster": _cluster, "outlet": _outlet, "agency": _agency, "corpus": _corpus}[kind](report)
    return "\n".join(parts) + _provenance(report)
