"""Search: paste text or upload a file; which stored articles and clusters share text with it."""

from __future__ import annotations

import contextlib

import polars as pl
import streamlit as st

from dashboard import common, data
from provenance.errors import InputError

path, version = common.key()

st.title("Search")
st.write("Paste a passage or upload a text file: every stored article that shares text with it, "
         "with the exact overlap (shared 5-word shingles), best first.")

with st.form("search_form"):
    text = st.text_area("Text", height=180, key="search_text", max_chars=data.MAX_SEARCH_CHARS,
                        placeholder="Paste an article or a few paragraphs…")
    upload = st.file_uploader("…or upload a file", type=["txt", "md", "html", "htm"], key="search_file",
                              max_upload_size=5)
    limit = st.slider("Matches at most", 5, 100, 20, step=5, key="search_limit")
    submitted = st.form_submit_button("Search", icon=":material/search:", type="primary")

query = text or ""
if upload is not None:
    raw = upload.getvalue()[: 4 * data.MAX_SEARCH_CHARS]
    query = raw.decode("utf-8", errors="replace")
    if upload.name.lower().endswith((".html", ".htm")):
        from lxml import html as lxml_html  # a dependency of trafilatura, always installed

        with contextlib.suppress(Exception):  # unparseable HTML: search its raw text
            doc = lxml_html.fromstring(query)
            for node in doc.xpath("//script|//style|//noscript|//template"):
                node.drop_tree()
            # One text node per line, so words of adjacent paragraphs never run together.
            query = "\n".join(t.strip() for t in doc.itertext() if t.strip())
query = query[: data.MAX_SEARCH_CHARS]

if not query.strip():
    st.caption("Results appear here.")
    st.stop()

try:
    hits = data.search(path, version, query, int(limit))
except InputError as e:
    st.warning(str(e), icon=":material/warning:")
    st.stop()

if hits.height == 0:
    st.info("No stored article shares text with this passage.", icon=":material/search_off:")
    st.stop()

reuse = hits.filter(pl.col("reuse")).height
st.caption(f"{hits.height} articles share text with it; {reuse} of them meet the reuse rule.")
show = common.with_links(hits, link=("cluster", "id", "cluster_id"))
ev = st.dataframe(
    show, hide_index=True, on_select="rerun", selection_mode="single-row", key="search_hits",
    column_order=["title", "outlet", "published_at", "jaccard", "containment_query_in_article",
                  "containment_article_in_query", "shared_shingles", "reuse", "link", "article_id"],
    column_config={
        "published_at": st.column_config.DatetimeColumn("published (UTC)", format="YYYY-MM-DD HH:mm"),
        "jaccard": st.column_config.ProgressColumn("similarity (Jaccard)", min_value=0.0, max_value=1.0,
                                                   format="%.2f"),
        "containment_query_in_article": st.column_config.ProgressColumn(
            "your text found in article", min_value=0.0, max_value=1.0, format="percent"),
        "containment_article_in_query": st.column_config.ProgressColumn(
            "article found in your text", min_value=0.0, max_value=1.0, format="percent"),
        "shared_shingles": st.column_config.NumberColumn("shared shingles"),
        "reuse": st.column_config.CheckboxColumn("reuse"),
        "link": st.column_config.LinkColumn("cluster", display_text=r"id=(\d+)"),
    },
)
row = common.selected_row(ev)
if row is not None and hits["cluster_id"][row] is not None:
    common.go("cluster", id=hits["cluster_id"][row])

clusters = data.cluster_summaries(path, version, hits["cluster_id"].drop_nulls().unique().to_list())
if clusters.height:
    st.subheader("Clusters")
    best = hits.filter(pl.col("cluster_id").is_not_null()).group_by("cluster_id").agg(
        pl.col("jaccard").max().alias("best_jaccard"),
        pl.col("containment_query_in_article").max().alias("best_containment"),
        pl.len().alias("matching_articles"),
    )
    summary = clusters.join(best, on="cluster_id").sort("best_jaccard", descending=True)
    st.dataframe(
        common.with_links(summary, link=("cluster", "id", "cluster_id")), hide_index=True,
        column_order=["link", "size", "outlets", "matching_articles", "best_jaccard", "best_containment"],
        column_config={
            "link": st.column_config.LinkColumn("cluster", display_text=r"id=(\d+)"),
            "best_jaccard": st.column_config.NumberColumn("best similarity", format="%.2f"),
            "best_containment": st.column_config.NumberColumn("best containment", format="%.2f"),
        },
    )
