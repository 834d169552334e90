"""Overview: corpus size, how much of it is reused copy, and where to look first."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import common, data, reports

path, version = common.key()
# The page's four reads are independent: run them at once.
ov, ts, top, share = data.concurrently(
    lambda: data.overview(path, version), lambda: data.reuse_over_time(path, version),
    lambda: data.top_clusters(path, version, 10), lambda: data.outlet_agency_share(path, version, 25))

st.title("Overview")
if not ov.get("articles"):
    common.empty_note("articles in this store")
    st.stop()

st.caption(
    f"Articles published {common.fmt_dt(ov['first_published'])} – {common.fmt_dt(ov['last_published'])}"
)
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Articles", f"{ov['articles']:,}")
c2.metric("Outlets", f"{ov['outlets']:,}")
c3.metric("Agencies credited", f"{ov['agencies']:,}" if ov["has_credits"] else "–",
          help="Distinct news agencies named in bylines, datelines, citations or disclaimers.")
c4.metric("Reuse clusters", f"{ov['clusters']:,}", help=f"{ov['pairs']:,} verified reuse pairs")
c5.metric("Reused copy", common.pct(ov["copy_share"]),
          help="Share of all articles that republish text first published elsewhere in the corpus "
               "(cluster members other than the origin).")
if ov["has_lineage"] and ov["copies"]:
    st.caption(
        f"{ov['copies']:,} copies: {ov['credited']:,} credit their source, "
        f"{ov['uncredited']:,} do not."
    )
elif not ov["has_lineage"]:
    st.caption("No lineage in this store: origins are the earliest published member of each cluster.")

st.subheader("Reuse over time")
if ts.height:
    grain = ts["grain"][0]
    chart = (
        alt.Chart(ts.drop("grain").to_pandas())
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=f"published ({grain})"),
            y=alt.Y("articles:Q", title="articles", stack=True, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "kind:N", title=None,
                scale=alt.Scale(domain=["reused copy", "origin of a cluster", "not reused"],
                                range=["#dc2626", "#f59e0b", "#94a3b8"]),
            ),
            tooltip=[alt.Tooltip("period:T", title=grain), "kind:N", "articles:Q"],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")
else:
    st.caption("No publication dates to chart.")

left, right = st.columns(2)
with left:
    st.subheader("Largest clusters")
    largest = top["largest"]
    if largest.height:
        show = common.with_links(largest.select("cluster_id", "title", "size", "outlets", "origin", "spread_hours"),
                                 link=("cluster", "id", "cluster_id"))
        ev = st.dataframe(
            show, hide_index=True, on_select="rerun", selection_mode="single-row", key="ov_largest",
            column_order=["link", "title", "size", "outlets", "origin", "spread_hours"],
            column_config={
                "link": st.column_config.LinkColumn("cluster", display_text=r"id=(\d+)", width="small"),
                "title": st.column_config.TextColumn("title", width="medium"),
                "spread_hours": st.column_config.NumberColumn("spread (h)", format="%.1f"),
            },
        )
        row = common.selected_row(ev)
        if row is not None:
            common.go("cluster", id=largest["cluster_id"][row])
    else:
        st.caption("No reuse clusters yet.")
with right:
    st.subheader("Fastest spreading")
    fastest = top["fastest"]
    if fastest.height:
        show = common.with_links(fastest, link=("cluster", "id", "cluster_id"))
        ev = st.dataframe(
            show, hide_index=True, on_select="rerun", selection_mode="single-row", key="ov_fastest",
            column_order=["link", "title", "outlets_24h", "articles_24h", "hours_to_last"],
            column_config={
                "link": st.column_config.LinkColumn("cluster", display_text=r"id=(\d+)", width="small"),
                "title": st.column_config.TextColumn("title", width="medium"),
                "outlets_24h": st.column_config.NumberColumn("outlets in 24 h"),
                "articles_24h": st.column_config.NumberColumn("articles in 24 h"),
                "hours_to_last": st.column_config.NumberColumn("hours to last", format="%.1f"),
            },
        )
        row = common.selected_row(ev)
        if row is not None:
            common.go("cluster", id=fastest["cluster_id"][row])
        st.caption("Outlets reached within 24 hours of the first publication.")
    else:
        st.caption("No cluster reached two outlets.")

st.subheader("Outlets by agency-copy share")
if share.height and share["agency_copy"].sum() > 0:
    chart = (
        alt.Chart(share.to_pandas())
        .mark_bar(color="#b45309")
        .encode(
            x=alt.X("agency_share:Q", title="share of articles that are agency copy", axis=alt.Axis(format="%")),
            y=alt.Y("outlet:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)),
            tooltip=["outlet:N", "articles:Q", "agency_copy:Q", "uncredited_agency:Q",
                     alt.Tooltip("agency_share:Q", format=".1%")],
        )
        .properties(height=max(140, 28 * share.height))
    )
    st.altair_chart(chart, width="stretch")
    show = common.with_links(share, link=("outlet", "name", "outlet"))
    ev = st.dataframe(
        show, hide_index=True, on_select="rerun", selection_mode="single-row", key="ov_share",
        column_order=["link", "articles", "agency_copy", "uncredited_agency", "agency_share"],
        column_config={
            "link": st.column_config.LinkColumn("outlet", display_text=r"name=(.+)$"),
            "agency_copy": st.column_config.NumberColumn("agency copy"),
            "uncredited_agency": st.column_config.NumberColumn("traced to an agency, uncredited"),
            "agency_share": st.column_config.ProgressColumn("share", min_value=0.0, max_value=1.0, format="percent"),
        },
    )
    row = common.selected_row(ev)
    if row is not None:
        common.go("outlet", name=share["outlet"][row])
else:
    st.caption("No article credits a news agency.")

reports.overview_downloads(path, version)
