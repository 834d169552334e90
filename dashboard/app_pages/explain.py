"""Why two articles are linked: ``/explain?left=<id or URL>&right=<id or URL>``.

(Not ``a``/``b``: the cluster page binds its side-by-side pickers to those
query params, and Streamlit drops a bound param when its widget goes away,
which would strip them from a link followed from that page.)

The same answer as ``provenance explain`` (:func:`provenance.trace.explain.explain`):
the grade and evidence of the stored link, the share of each text found in
the other, the direction signals, both sides' credits, editorial overrides,
and the two texts side by side with the shared passages marked.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import common, data, render
from provenance.errors import InputError

path, version = common.key()
st.title("Explain a link")

a_ref, b_ref = common.param("left"), common.param("right")
with st.form("explain_form"):
    c1, c2 = st.columns(2)
    a_in = c1.text_input("Article a (id or URL)", value=a_ref or "", key="explain_a")
    b_in = c2.text_input("Article b (id or URL)", value=b_ref or "", key="explain_b")
    if st.form_submit_button("Explain", icon=":material/help:", type="primary") and a_in and b_in:
        common.go("explain", left=a_in.strip(), right=b_in.strip())

if not (a_ref and b_ref):
    st.caption("Give two articles, or follow an “explain” link from a cluster's members.")
    st.stop()

try:
    ex = data.explanation(path, version, a_ref, b_ref)
except InputError as e:
    st.warning(str(e), icon=":material/warning:")
    st.stop()

a, b, link, sh, al = ex["a"], ex["b"], ex["link"], ex["shared"], ex["alignment"]
st.subheader(common.md_text(ex["relationship"]))
m1, m2, m3, m4 = st.columns(4)
m1.metric("Of a found in b", common.pct(sh["a_in_b"]), help="Share of a's 5-word shingles that b also has")
m2.metric("Of b found in a", common.pct(sh["b_in_a"]), help="Share of b's 5-word shingles that a also has")
m3.metric("Shared passages", f"{al['n_passages']:,}", help=f"{al['shared_tokens']:,} words aligned")
m4.metric("Confidence", "–" if link is None else f"{link['confidence']:.2f}",
          help="Of the stored lineage link between the two")
st.caption(f"Overlap: {common.md_text(sh['source'])}; jaccard {sh['jaccard']:.2f}; "
           f"reuse by the store's rule: {'yes' if sh['verified_reuse'] else 'no'}"
           + (f"; found via {common.md_text(sh['via'])}" if sh["via"] else ""))

for side, info in (ex.get("sourced_share") or {}).items():
    parts = ", ".join(f"{x['share']:.0%} from {x['source_id']}" for x in info["sources"]) or "none linked"
    st.caption(common.md_text(f"Sourced share of {side}: {info['sourced_share']:.0%} of its words are in passages "
                              f"shared with earlier articles ({parts}); grade {info['grade']}"))

for o in ex["overrides"]:
    st.warning(
        common.md_text(f"Override: {o['kind']} {o['subject']} {o['object'] or ''} {o['value'] or ''} — by "
                       f"{o['author']} on {str(o['created_at'])[:19]}: {o['note'] or ''}"),
        icon=":material/edit_note:",
    )

st.subheader("Grade")
if link is None:
    st.write("No stored lineage link between these two.")
    g = ex.get("pair_grade")
    if g:
        st.write(common.md_text(f"As a pair: {g['relation']}, {g['derivation']}"
                                + ("; looks like an independent report" if g["looks_independent"] else "")
                                + f" — {g['basis']}"))
else:
    grade = pl.DataFrame([{k: link[k] for k in ("child", "parent", "relation", "derivation", "credited",
                                                 "confidence", "lag_minutes", "via_agency")}])
    st.dataframe(grade, hide_index=True, key="explain_grade")
    ev = link["evidence"]
    if isinstance(ev, dict):
        st.dataframe(pl.DataFrame({"evidence": list(ev), "value": [str(v) for v in ev.values()]}),
                     hide_index=True, key="explain_evidence")

st.subheader(f"Direction: {common.md_text(ex['direction']['verdict'])}")
st.caption("a→b means b copies a")
st.dataframe(pl.DataFrame(ex["direction"]["signals"]), hide_index=True, key="explain_direction")

st.subheader("The two articles")
rows = []
for key in ("article_id", "outlet", "published_at", "title", "byline", "url", "cluster_id"):
    rows.append({"": key, "a": str(a[key] or ""), "b": str(b[key] or "")})
for label, f in (("credits", lambda s: "; ".join(f"{c['source']} ({c['role']})" for c in s["credits"]) or "none"),
                 ("parent", lambda s: (s["lineage"] or {}).get("parent_id") or (s["lineage"] or {}).get("parent_external") or "–"),
                 ("relation", lambda s: str((s["lineage"] or {}).get("relation"))),
                 ("credited", lambda s: str((s["lineage"] or {}).get("credited")))):
    rows.append({"": label, "a": f(a), "b": f(b)})
st.dataframe(pl.DataFrame(rows), hide_index=True, key="explain_sides")
for side in (a, b):
    if side["cluster_id"] is not None:
        common.page_link("cluster", f"Cluster {side['cluster_id']} of {side['article_id']}",
                         icon=":material/account_tree:", id=side["cluster_id"])

st.subheader("Side by side")
pair = data.alignment(path, version, a["article_id"], b["article_id"])
if pair is not None:
    sides = [{**pair[k], "published_at": common.fmt_dt(pair[k]["published_at"])} for k in ("a", "b")]
    st.html(render.side_by_side(sides[0], sides[1], pair["passages"], pair["edits"]))
