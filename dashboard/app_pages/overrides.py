"""Editorial overrides: who corrected what, and when (``/overrides``).

Read-only here: overrides are made with ``provenance override add|import``
so each has an author on record. Pair overrides link to the explain page.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import common, data

path, version = common.key()
st.title("Overrides")
st.write("Corrections made by editors: rejected or confirmed links, syndication licences, host aliases. "
         "Add them with `provenance override add KIND SUBJECT OBJECT --note ...` or `provenance override import FILE`; "
         "they apply at once and at every later ingest, and never delete evidence.")
show_removed = st.toggle("Include removed overrides", key="ov_removed")
df = data.overrides(path, version, bool(show_removed))
if df.height == 0:
    common.empty_note("overrides")
    st.stop()
st.caption(f"{df.height:,} overrides" + ("" if show_removed else " in force"))
df = df.with_columns(pl.Series("explain", [
    common.url("explain", left=s, right=o) if k in ("reject", "confirm") else None
    for k, s, o in df.select("kind", "subject", "object").iter_rows()], dtype=pl.String))
st.dataframe(
    df, hide_index=True, key="overrides_table",
    column_config={
        "created_at": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm"),
        "removed_at": st.column_config.DatetimeColumn("removed (UTC)", format="YYYY-MM-DD HH:mm"),
        "explain": st.column_config.LinkColumn("explain", display_text="why?"),
    },
)
