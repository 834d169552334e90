"""One outlet: what it publishes, how much is copy, from whom, whether it credits, its clusters.

Addressed as ``/outlet?name=<outlet>``.
"""

from __future__ import annotations

import math

import altair as alt
import streamlit as st

from dashboard import common, data, reports

PAGE_SIZE = 20

path, version = common.key()
name = common.param("name")

if name is None:
    st.title("Outlet")
    st.write("Pick an outlet.")
    outlets = data.filter_options(path, version)["outlets"]
    choice = st.selectbox("Outlet", outlets, index=None, key="outlet_pick", placeholder="type to search")
    if choice is not None:
        common.go("outlet", name=choice)
    st.stop()

q = data.ClusterQuery(outlets=(name,))
page_no = common.page_number("opage")
# The page's three reads are independent: run them at once.
prof, ts, (rows, total) = data.concurrently(
    lambda: data.outlet_profile(path, version, name), lambda: data.reuse_over_time(path, version, outlet=name),
    lambda: data.clusters_page(path, version, q, "first seen", True, PAGE_SIZE, (page_no - 1) * PAGE_SIZE))
st.title(common.md_text(name, max_len=120))
if prof is None:
    st.warning("No article from this outlet is in the store.", icon=":material/search_off:")
    st.stop()

n = prof["articles"]
c1, c2, c3, c4, c5, c6 = st.columns(6)
c1.metric("Articles", f"{n:,}")
c2.metric("Reused copy", common.pct(prof["copies"] / n), help=f"{prof['copies']:,} articles republish text "
          "first published elsewhere (in the corpus or by an agency)")
c3.metric("Agency copy", common.pct(prof["agency_copy"] / n) if prof["has_lineage"] else "–",
          help="Copies derived from a news agency's story (an agency on the chain)")
c4.metric("Verbatim", common.pct(prof["verbatim"] / prof["copies"]) if prof["has_lineage"] and prof["copies"] else "–",
          help="Share of its copies that keep the body unchanged")
c5.metric("Uncredited", common.pct(prof["uncredited_copies"] / prof["copies"])
          if prof["has_lineage"] and prof["copies"] else "–",
          help="Share of its copies that do not credit their source")
c6.metric("Median lag", common.fmt_hours(prof["median_lag_minutes"] / 60)
          if prof["median_lag_minutes"] is not None else "–", help="Behind the first article of the chain")
st.caption(
    f"In {prof['clusters']:,} reuse clusters · origin of {prof['origins']:,} of them"
    + (f" · {prof['byline_mismatch']:,} staff bylines on agency copy (the byline credits the outlet's staff, "
       "the text credits an agency or is its verbatim copy)" if prof.get("byline_mismatch") else "")
)

st.subheader("Published over time")
if ts.height:
    grain = ts["grain"][0]
    st.altair_chart(
        alt.Chart(ts.drop("grain").to_pandas()).mark_bar().encode(
            x=alt.X("period:T", title=f"published ({grain})"),
            y=alt.Y("articles:Q", stack=True, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(
                domain=["reused copy", "origin of a cluster", "not reused"],
                range=["#dc2626", "#f59e0b", "#94a3b8"])),
            tooltip=[alt.Tooltip("period:T", title=grain), "kind:N", "articles:Q"],
        ).properties(height=220),
        width="stretch",
    )

left, right = st.columns(2)
with left:
    st.subheader("Copies from")
    src = prof["sources"]
    if src.height:
        st.altair_chart(
            alt.Chart(src.to_pandas()).mark_bar(color="#2563eb").encode(
                x=alt.X("copies:Q", axis=alt.Axis(tickMinStep=1, format="d")), y=alt.Y("source:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)),
                tooltip=["source:N", "kind:N", "copies:Q", "credited:Q"],
            ).properties(height=max(120, 28 * src.height)),
            width="stretch",
        )
        if not prof["has_lineage"]:
            st.caption("Outlets that published the earlier side of this outlet's reuse pairs.")
    else:
        st.caption("Nothing this outlet published is a copy.")
with right:
    st.subheader("Agencies used")
    ag = prof["agencies"]
    if ag.height:
        st.altair_chart(
            alt.Chart(ag.to_pandas()).mark_bar(color="#b45309").encode(
                x=alt.X("articles:Q", axis=alt.Axis(tickMinStep=1, format="d")), y=alt.Y("agency:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)),
                tooltip=["agency:N", "articles:Q", "uncredited:Q"],
            ).properties(height=max(120, 28 * ag.height)),
            width="stretch",
        )
        for a in ag["agency"].to_list()[:10]:
            common.page_link("agency", a, icon=":material/rss_feed:", name=a)
    else:
        st.caption("No article of this outlet credits or comes through a news agency.")

cb = prof["copied_by"]
if cb.height:
    st.subheader("Copied by")
    show = common.with_links(cb, link=("outlet", "name", "copier"))
    st.dataframe(show, hide_index=True, column_order=["copier", "copies", "credited", "link"],
                 column_config={"link": st.column_config.LinkColumn("profile", display_text="open")})

st.subheader("Clusters with this outlet")
n_pages = max(1, math.ceil(total / PAGE_SIZE))
if rows.height:
    show = common.with_links(rows, link=("cluster", "id", "cluster_id"))
    ev = st.dataframe(
        show, hide_index=True, on_select="rerun", selection_mode="single-row", key="outlet_clusters",
        column_order=["link", "title", "size", "outlets", "agencies", "origin", "first_seen", "uncredited"],
        column_config={
            "link": st.column_config.LinkColumn("cluster", display_text=r"id=(\d+)", width="small"),
            "first_seen": st.column_config.DatetimeColumn("first seen (UTC)", format="YYYY-MM-DD HH:mm"),
        },
    )
    row = common.selected_row(ev)
    if row is not None:
        common.go("cluster", id=rows["cluster_id"][row])
    if n_pages > 1:
        if "opage" in st.session_state and st.session_state["opage"] > n_pages:
            st.session_state["opage"] = n_pages
        st.pagination(n_pages, key="opage", bind="query-params")
else:
    st.caption("This outlet is in no reuse cluster.")

reports.downloads(path, version, reports.file_stem("outlet", name), outlet=name)
