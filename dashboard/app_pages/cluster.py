"""One cluster: origin chain, republication timeline, members with evidence, side-by-side view.

Addressed as ``/cluster?id=<cluster_id>``; the side-by-side pair is in the
URL too (``&a=<article_id>&b=<article_id>``).
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard import common, data, render, reports, views

path, version = common.key()

raw_id = common.param("id")
cluster_id: int | None = None
if raw_id is not None:
    try:
        cluster_id = int(raw_id)
    except ValueError:
        st.error(f"“{common.md_text(raw_id, max_len=40)}” is not a cluster id (ids are whole numbers).")

if cluster_id is None:
    st.title("Cluster")
    st.write("Pick a cluster from the list, or enter its id.")
    top = data.top_clusters(path, version, 10)["largest"]
    choice = st.number_input("Cluster id", min_value=0, step=1, value=None, key="cluster_pick")
    if choice is not None:
        common.go("cluster", id=int(choice))
    for r in top.iter_rows(named=True):
        common.page_link("cluster", f"#{r['cluster_id']} · {r['size']} articles · {r['title'] or '(untitled)'}",
                         id=r["cluster_id"])
    st.stop()

# Members and history are independent reads: run them at once.
detail, hist = data.concurrently(lambda: data.cluster_detail(path, version, cluster_id),
                                 lambda: data.cluster_history(path, version, cluster_id))
if detail is None:
    st.title(f"Cluster {cluster_id}")
    st.warning(f"There is no cluster {cluster_id} in this store.", icon=":material/search_off:")
    common.page_link("clusters", "Browse all clusters", icon=":material/hub:")
    st.stop()

members: pl.DataFrame = detail["members"]
origin_ids = views.origins(members, detail["has_lineage"])
first = members.row(0, named=True)
origin_row = next((r for r in members.iter_rows(named=True) if r["article_id"] in origin_ids), None)
headline = (origin_row or first)["title"] or "(untitled)"

st.title(f"Cluster {cluster_id}")
st.subheader(common.md_text(headline, max_len=200))
ext_origin = next((r["origin_external"] for r in members.iter_rows(named=True) if r.get("origin_external")), None)
times = members["published_at"].drop_nulls()
spread = (times.max() - times.min()).total_seconds() / 3600 if times.len() > 1 else None
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Articles", f"{detail['size']:,}")
c2.metric("Outlets", f"{members['outlet'].n_unique():,}")
c3.metric("Origin", common.md_text(ext_origin or (origin_row or first)["outlet"] or "unknown", max_len=40),
          help="External source outside the corpus" if ext_origin else "Earliest article in the chain")
c4.metric("Spread", common.fmt_hours(spread), help="First to last publication")
if detail["has_lineage"]:
    unc = members.filter(pl.col("credited").is_in(["uncredited", "miscredited"])).height
    c5.metric("Uncredited copies", f"{unc:,}")
else:
    c5.metric("Uncredited copies", "–", help="This store has no lineage table")
st.caption(f"First seen {common.fmt_dt(times.min() if times.len() else None)}"
           + (f" · showing the first {members.height:,} of {detail['size']:,} members" if detail["size"] > members.height else ""))

# -- origin chain ---------------------------------------------------------------------------------
st.subheader("Origin chain")
groups = views.sibling_groups_of(members, has_lineage=detail["has_lineage"])
expanded: list[str] = []
if groups:
    labels_g = {g.key: g.label() for g in groups}
    expanded = st.multiselect(
        "Expand groups", list(labels_g), format_func=lambda k: common.md_text(labels_g[k]), key="expand_groups",
        help="Siblings that copy one parent the same way are drawn as one node; pick groups to draw each member.",
    )
nodes, edges, hidden = views.chain(members, detail["pairs"], has_lineage=detail["has_lineage"],
                                   external=detail["external"], groups=groups, expanded=expanded)
st.graphviz_chart(render.chain_dot(nodes, edges), width="stretch")
legend = ["edge colour: relation", "3-d box: a group of copies", "solid: credited", "dashed: uncredited or miscredited",
          "dotted: credit unknown or not applicable", "hexagon: agency outside the corpus",
          "ellipse: other source outside the corpus", "bold box: origin in the corpus"]
st.caption(" · ".join(legend) + ("" if detail["has_lineage"] else
           " — no lineage in this store: each member links to the earliest member it shares text with."))
# Drawn when opened (a rerun): a large cluster has a link per outlet, ~200 elements the browser would
# otherwise lay out on every visit while they stay folded.
links = st.expander("Outlets and agencies in this cluster", key="cluster_links", on_change="rerun")
if links.open:
    with links:
        cols = st.columns(3)
        for i, o in enumerate(sorted({str(x) for x in members["outlet"].drop_nulls().to_list()}, key=str.casefold)):
            with cols[i % 3]:
                common.page_link("outlet", o, icon=":material/newspaper:", name=o)
        cr = detail["credits"]
        if cr.height:
            for i, a in enumerate(sorted(set(cr.filter(pl.col("kind") == "agency")["source"].drop_nulls().to_list()))):
                with cols[i % 3]:
                    common.page_link("agency", a, icon=":material/rss_feed:", name=a)

# -- timeline -------------------------------------------------------------------------------------
st.subheader("Republication timeline")
tl = views.timeline(detail)
if tl.height:
    status_scale = alt.Scale(domain=["origin", "credited copy", "licensed copy", "uncredited copy", "miscredited copy",
                                     "copy"],
                             range=["#b45309", "#2563eb", "#0891b2", "#dc2626", "#9333ea", "#6b7280"])
    chart = (
        alt.Chart(tl.to_pandas())
        .mark_point(filled=True, size=110)
        .encode(
            x=alt.X("published_at:T", title="published (UTC)"),
            y=alt.Y("outlet:N", title=None, sort=alt.EncodingSortField("published_at", op="min"),
                    axis=alt.Axis(labelOverlap=False, labelLimit=220)),
            color=alt.Color("status:N", scale=status_scale, title=None),
            shape=alt.Shape("relation:N", title="relation"),
            tooltip=["outlet:N", alt.Tooltip("published_at:T", format="%Y-%m-%d %H:%M"), "status:N",
                     "relation:N", "title:N", "article_id:N", "lag_minutes:Q"],
        )
        .properties(height=max(160, 34 * tl["outlet"].n_unique()))
    )
    st.altair_chart(chart, width="stretch")
else:
    st.caption("No member has a publication time.")

# -- members --------------------------------------------------------------------------------------
st.subheader("Members and link evidence")
table = views.members_table(detail)
table = table.with_columns(views.explain_links(table, members).alias("explain"))
st.dataframe(
    table, hide_index=True, key="members_table",
    column_config={
        "published_at": st.column_config.DatetimeColumn("published (UTC)", format="YYYY-MM-DD HH:mm"),
        "local_time": st.column_config.TextColumn("on the page's clock",
                                                  help="The time in the zone the page gave (IST is UTC+05:30)"),
        "title": st.column_config.TextColumn("title", width="medium"),
        "lag_minutes": st.column_config.NumberColumn("lag (min)", format="%.0f"),
        "confidence": st.column_config.NumberColumn("confidence", format="%.2f"),
        "jaccard": st.column_config.NumberColumn("jaccard vs parent", format="%.2f"),
        "containment": st.column_config.NumberColumn("share of parent reused", format="%.2f"),
        "url": st.column_config.LinkColumn("url"),
        "explain": st.column_config.LinkColumn("explain", display_text="why?",
                                               help="Why this article is linked to its parent"),
    },
)

# -- side by side ---------------------------------------------------------------------------------
st.subheader("Side by side")
ids = members["article_id"].to_list()
labels = {r["article_id"]: f"{r['outlet'] or '?'} · {common.fmt_dt(r['published_at'])} · {r['article_id']}"
          for r in members.iter_rows(named=True)}
da, db = views.default_pair(detail)
if db is None:
    st.caption("A cluster with one member has nothing to compare.")
else:
    if st.session_state.get("a") not in ids:
        st.session_state["a"] = st.query_params.get("a") if st.query_params.get("a") in ids else da
    if st.session_state.get("b") not in ids:
        st.session_state["b"] = st.query_params.get("b") if st.query_params.get("b") in ids else db
    s1, s2 = st.columns(2)
    a_id = s1.selectbox("Left (earlier)", ids, key="a", format_func=labels.get, bind="query-params")
    b_id = s2.selectbox("Right", ids, key="b", format_func=labels.get, bind="query-params")
    if a_id == b_id:
        st.caption("Pick two different articles.")
    else:
        doc_of = dict(zip(members["article_id"].to_list(), members["doc"].to_list(), strict=True))
        al = data.alignment(path, version, a_id, b_id, (doc_of[a_id], doc_of[b_id]))
        if al is None:
            st.warning("One of these articles is no longer in the store.")
        else:
            p, e = al["passages"], al["edits"]
            m1, m2, m3, m4 = st.columns(4)
            m1.metric("Shared passages", f"{p.height:,}")
            m2.metric("Shared words", f"{al['shared_tokens']:,}")
            m3.metric("Of left reused", common.pct(al["shared_tokens"] / al["a_tokens"] if al["a_tokens"] else None))
            m4.metric("Edits", f"{e.filter(pl.col('op') != 'moved').height:,}",
                      help="Insertions, deletions and changes between the shared passages")
            sides = [{**al[k], "published_at": common.fmt_dt(al[k]["published_at"])} for k in ("a", "b")]
            st.html(render.side_by_side(sides[0], sides[1], p, e))
            common.page_link("explain", "Explain this pair: grade, evidence, direction, credits",
                             icon=":material/help:", left=a_id, right=b_id)

# -- history -------------------------------------------------------------------------------------
history = st.expander(f"History: {hist.height} event{'s' if hist.height != 1 else ''} across ingests", expanded=False,
                      key="cluster_history", on_change="rerun")  # drawn when opened, like the links above
if history.open:
    with history:
        if hist.height:
            st.dataframe(hist, hide_index=True, key="history_table", column_config={
                "at": st.column_config.DatetimeColumn("ingest finished (UTC)", format="YYYY-MM-DD HH:mm"),
                "articles_added": st.column_config.NumberColumn("articles added"),
                "size_after": st.column_config.NumberColumn("size after"),
                "merged_into": st.column_config.NumberColumn("merged into", format="%d"),
            })
            st.caption("created: first ingest that linked its articles · grew: an ingest added articles · "
                       "merged_into: another cluster joined this one and took its id")
        else:
            st.caption("No history: this store was built before cluster events were kept.")

reports.downloads(path, version, f"cluster-{cluster_id}", cluster=cluster_id)
