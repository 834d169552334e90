"""Helpers shared by the pages: the current store, links between pages, formatting.

No HTML here (that is :mod:`dashboard.render`'s job) and no SQL (that is
:mod:`dashboard.data`'s).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from dashboard import data

HERE = Path(__file__).resolve().parent
PAGE_FILES = {
    "overview": HERE / "app_pages/overview.py",
    "clusters": HERE / "app_pages/clusters.py",
    "cluster": HERE / "app_pages/cluster.py",
    "outlet": HERE / "app_pages/outlet.py",
    "agency": HERE / "app_pages/agency.py",
    "search": HERE / "app_pages/search.py",
    "explain": HERE / "app_pages/explain.py",
    "overrides": HERE / "app_pages/overrides.py",
}


def set_info(info: data.StoreInfo) -> None:
    st.session_state["_pv_info"] = info


def info() -> data.StoreInfo:
    """The store this run reads (set by the app before the page runs)."""
    got = st.session_state.get("_pv_info")
    if got is None:
        got = data.store_info(data.store_path())
        set_info(got)
    return got


def key() -> tuple[str, int]:
    """(path, version): the first two arguments of every cached read."""
    i = info()
    return i.path, i.version


# -- links ------------------------------------------------------------------------------------


def url(page: str, **params: Any) -> str:
    """A relative, shareable URL of a page (``./cluster?id=5``); params are URL-encoded."""
    q = urlencode({k: str(v) for k, v in params.items() if v is not None})
    return f"./{page}" + (f"?{q}" if q else "")


def page_link(page: str, label: str, *, icon: str | None = None, **params: Any) -> None:
    """A link to another page of the app; ``label`` is shown as text (markdown-escaped)."""
    st.page_link(PAGE_FILES[page], label=md_text(label), icon=icon,
                 query_params={k: str(v) for k, v in params.items() if v is not None})


def go(page: str, **params: Any) -> None:
    st.switch_page(PAGE_FILES[page], query_params={k: str(v) for k, v in params.items() if v is not None})


def param(name: str) -> str | None:
    """A query parameter of the page's URL, kept in the URL so the page stays shareable.

    Streamlit hands a page_link's or switch_page's query params to the page
    but does not always leave them in the browser's address bar; writing the
    value back puts it there (a no-op when it already is).
    """
    v = st.query_params.get(name)
    if not v:
        return None
    st.query_params[name] = v
    return v


def page_number(key: str) -> int:
    """The 1-based page of a paged list, from the session (the pager's widget) or the URL; 1 if unreadable."""
    try:
        return max(1, int(st.session_state.get(key) or st.query_params.get(key) or 1))
    except (TypeError, ValueError):
        return 1


# -- text -------------------------------------------------------------------------------------

_MD_SPECIAL = "\\`*_{}[]<>()#+-.!|~$:"


def md_text(value: object, *, max_len: int | None = None) -> str:
    """``value`` as literal text inside Streamlit markdown (labels, captions, headers).

    Streamlit markdown does not render raw HTML unless asked to, but it does
    interpret markdown; escaping every markdown character keeps untrusted text
    literal (no links, images or emphasis smuggled in through a title).
    """
    s = "" if value is None else str(value)
    s = " ".join(s.split())
    if max_len is not None and len(s) > max_len:
        s = s[: max_len - 1] + "…"
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)


def fmt_dt(value: datetime | None) -> str:
    if value is None:
        return "unknown"
    return value.strftime("%Y-%m-%d %H:%M UTC")


def fmt_hours(h: float | None) -> str:
    if h is None:
        return "–"
    if h < 1:
        return f"{h * 60:.0f} min"
    if h < 48:
        return f"{h:.1f} h"
    return f"{h / 24:.1f} days"


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def with_links(df: pl.DataFrame, **links: tuple[str, str, str]) -> pl.DataFrame:
    """Add URL columns: ``name=(page, param, source_column)`` for LinkColumn display."""
    out = df
    for name, (page, p, col) in links.items():
        out = out.with_columns(
            pl.col(col).map_elements(lambda v, page=page, p=p: url(page, **{p: v}) if v is not None else None,
                                     return_dtype=pl.String).alias(name)
        )
    return out


def selected_row(event: Any) -> int | None:
    """The selected row index of a st.dataframe selection event, if any."""
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    return rows[0] if rows else None


def empty_note(what: str) -> None:
    st.info(f"No {what} yet.", icon=":material/info:")
