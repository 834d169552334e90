"""Clusters: every reuse cluster, filtered, sorted and paginated in SQL.

Filters and the page number live in the URL (widgets bound to query
params), so a filtered view is a shareable link.
"""

from __future__ import annotations

import math
from datetime import date

import streamlit as st

from dashboard import common, data

PAGE_SIZE = 25

path, version = common.key()
opts = data.filter_options(path, version)

st.title("Clusters")


def _first_page() -> None:
    st.session_state["page"] = 1


with st.container(border=True):
    f1, f2, f3 = st.columns([2, 2, 2])
    title = f1.text_input("Title contains", key="q", on_change=_first_page, bind="query-params",
                          placeholder="words in any member's title")
    outlets = f2.multiselect("Outlet", opts["outlets"], key="outlet", on_change=_first_page, bind="query-params",
                             placeholder="any outlet")
    agencies = f3.multiselect("Agency", opts["agencies"], key="agency", on_change=_first_page, bind="query-params",
                              placeholder="any agency", disabled=not opts["agencies"])
    g1, g2, g3, g4, g5 = st.columns([2, 2, 2, 2, 1])
    relations = g1.multiselect("Relation", opts["relations"], key="relation", on_change=_first_page, bind="query-params",
                               placeholder="any relation", disabled=not opts["relations"],
                               help="How a member was derived from its parent (from lineage).")
    first = opts["first"].date() if opts["first"] else None
    last = opts["last"].date() if opts["last"] else None
    date_from = g2.date_input("First seen from", value=None, min_value=first, max_value=last, key="from", on_change=_first_page,
                              bind="query-params")
    date_to = g3.date_input("First seen to", value=None, min_value=first, max_value=last, key="to", on_change=_first_page,
                            bind="query-params")
    sort = g4.selectbox("Sort by", list(data.SORTS), key="sort", on_change=_first_page, bind="query-params")
    descending = g5.toggle("Desc.", value=True, key="desc", on_change=_first_page, bind="query-params")

q = data.ClusterQuery(
    outlets=tuple(outlets), agencies=tuple(agencies), relations=tuple(relations), title=title or "",
    date_from=date_from if isinstance(date_from, date) else None,
    date_to=date_to if isinstance(date_to, date) else None,
)

page_no = common.page_number("page")
rows, total = data.clusters_page(path, version, q, sort, descending, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
n_pages = max(1, math.ceil(total / PAGE_SIZE))
if page_no > n_pages:  # filters changed under a deep page: go back to the last one
    page_no = n_pages
    rows, total = data.clusters_page(path, version, q, sort, descending, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)

st.caption((f"{total:,} clusters match" if total != 1 else "1 cluster matches")
           + (f" · page {page_no} of {n_pages}" if total else ""))
if rows.height == 0:
    st.info("No cluster matches these filters.", icon=":material/filter_alt_off:")
else:
    show = common.with_links(rows, link=("cluster", "id", "cluster_id"))
    ev = st.dataframe(
        show, hide_index=True, on_select="rerun", selection_mode="single-row", key="clusters_table",
        column_order=["link", "title", "size", "outlets", "agencies", "origin", "first_seen", "spread_hours",
                      "uncredited"],
        column_config={
            "link": st.column_config.LinkColumn("cluster", display_text=r"id=(\d+)", width="small"),
            "title": st.column_config.TextColumn("title", width="large"),
            "size": st.column_config.NumberColumn("articles"),
            "first_seen": st.column_config.DatetimeColumn("first seen (UTC)", format="YYYY-MM-DD HH:mm"),
            "spread_hours": st.column_config.NumberColumn("spread (h)", format="%.1f",
                                                          help="First to last publication in the cluster"),
            "uncredited": st.column_config.NumberColumn("uncredited copies",
                                                        help="Copies that do not credit their source (lineage)"),
        },
    )
    row = common.selected_row(ev)
    if row is not None:
        common.go("cluster", id=rows["cluster_id"][row])
if "page" in st.session_state and st.session_state["page"] != page_no:
    st.session_state["page"] = page_no  # clamp a stale page number to the last page
st.pagination(n_pages, key="page", bind="query-params")
