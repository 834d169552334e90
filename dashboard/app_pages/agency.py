"""One news agency: who carries its copy, with or without credit, and its clusters.

Addressed as ``/agency?name=<agency>``.
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
    st.title("Agency")
    agencies = data.filter_options(path, version)["agencies"]
    if not agencies:
        st.info("No article in this store credits a news agency.", icon=":material/info:")
        st.stop()
    st.write("Pick an agency.")
    choice = st.selectbox("Agency", agencies, index=None, key="agency_pick", placeholder="type to search")
    if choice is not None:
        common.go("agency", name=choice)
    for a in agencies[:20]:
        common.page_link("agency", a, icon=":material/rss_feed:", name=a)
    st.stop()

q = data.ClusterQuery(agencies=(name,))
page_no = common.page_number("apage")
# The page's three reads are independent: run them at once.
prof, ts, (rows, total) = data.concurrently(
    lambda: data.agency_profile(path, version, name), lambda: data.reuse_over_time(path, version, agency=name),
    lambda: data.clusters_page(path, version, q, "first seen", True, PAGE_SIZE, (page_no - 1) * PAGE_SIZE))
st.title(common.md_text(name, max_len=120))
if prof is None:
    st.warning("No article credits this agency and no copy traces back to it.", icon=":material/search_off:")
    st.stop()

outlets = prof["outlets"]
roles = prof["roles"]
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Copies of its stories", f"{prof['copies']:,}",
          help="Articles derived from this agency's copy (it is the nearest agency on their chain)"
          if prof["has_lineage"] else "Articles crediting it (no lineage in this store)")
c2.metric("Outlets", f"{prof['n_outlets']:,}")
c3.metric("Credited", common.pct(prof["credited"] / prof["copies"]) if prof["copies"] and prof["has_lineage"] else "–")
c4.metric("Uncredited copies", f"{prof['uncredited']:,}" if prof["uncredited"] is not None else "–",
          help="Copies of its stories that do not credit it (or credit someone else)")
c5.metric("Median pickup lag", common.fmt_hours(prof["median_lag_minutes"] / 60)
          if prof["median_lag_minutes"] is not None else "–")
extra = [f"{prof['credited_articles']:,} articles name it in a byline, dateline, citation or disclaimer"]
if prof["indirect"]:
    extra.append(f"{prof['indirect']:,} more copies reach it through another agency")
st.caption(" · ".join(extra))

st.subheader("Its copy over time")
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
    st.subheader("Who carries it")
    if outlets.height:
        long = outlets.select("outlet", "credited", "uncredited").unpivot(
            index="outlet", variable_name="credit", value_name="articles").drop_nulls("articles")
        st.altair_chart(
            alt.Chart(long.to_pandas()).mark_bar().encode(
                x=alt.X("articles:Q", stack=True, title="copies", axis=alt.Axis(tickMinStep=1, format="d")),
                y=alt.Y("outlet:N", sort=alt.EncodingSortField("articles", op="sum", order="descending"), title=None,
                        axis=alt.Axis(labelOverlap=False, labelLimit=220)),
                color=alt.Color("credit:N", scale=alt.Scale(domain=["credited", "uncredited"],
                                                            range=["#2563eb", "#dc2626"]), title=None),
                tooltip=["outlet:N", "credit:N", "articles:Q"],
            ).properties(height=max(120, 28 * outlets.height)),
            width="stretch",
        )
        st.dataframe(common.with_links(outlets, link=("outlet", "name", "outlet")), hide_index=True,
                     column_config={"link": st.column_config.LinkColumn("profile", display_text="open"),
                                    "median_lag_minutes": st.column_config.NumberColumn("median lag (min)",
                                                                                        format="%.0f")})
    else:
        st.caption("No outlet carries its copy.")
with right:
    st.subheader("How it is credited")
    if roles.height:
        st.altair_chart(
            alt.Chart(roles.to_pandas()).mark_bar(color="#b45309").encode(
                x=alt.X("credits:Q", axis=alt.Axis(tickMinStep=1, format="d")), y=alt.Y("role:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)), tooltip=["role:N", "credits:Q"],
            ).properties(height=max(100, 30 * roles.height)),
            width="stretch",
        )
    else:
        st.caption("No article names it.")
    cv = prof["cited_via"]
    if cv.height:
        st.subheader("Sources it cites")
        st.dataframe(cv, hide_index=True)

st.subheader("Clusters with its copy")
n_pages = max(1, math.ceil(total / PAGE_SIZE))
if rows.height:
    show = common.with_links(rows, link=("cluster", "id", "cluster_id"))
    ev = st.dataframe(
        show, hide_index=True, on_select="rerun", selection_mode="single-row", key="agency_clusters",
        column_order=["link", "title", "size", "outlets", "origin", "first_seen", "uncredited"],
        column_config={
            "link": st.column_config.LinkColumn("cluster", display_text=r"id=(\d+)", width="small"),
            "first_seen": st.column_config.DatetimeColumn("first seen (UTC)", format="YYYY-MM-DD HH:mm"),
        },
    )
    row = common.selected_row(ev)
    if row is not None:
        common.go("cluster", id=rows["cluster_id"][row])
    if n_pages > 1:
        if "apage" in st.session_state and st.session_state["apage"] > n_pages:
            st.session_state["apage"] = n_pages
        st.pagination(n_pages, key="apage", bind="query-params")
else:
    st.caption("No reuse cluster carries a credit to this agency.")

reports.downloads(path, version, reports.file_stem("agency", name), agency=name)
