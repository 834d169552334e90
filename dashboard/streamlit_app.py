"""provenance dashboard: navigation and sidebar.

Run with ``provenance dashboard --store news.duckdb`` (or
``streamlit run dashboard/streamlit_app.py -- --store news.duckdb``; the
store may also come from ``$PROVENANCE_STORE``).

Every page is addressable: ``/cluster?id=123``, ``/outlet?name=...``,
``/agency?name=...``, ``/explain?left=...&right=...``, and the clusters list keeps its filters in the URL.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # running from a checkout without an installed package
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard import common, data  # noqa: E402

_HERE = Path(__file__).resolve().parent


@st.cache_resource(show_spinner=False)
def _libraries() -> None:
    """Import, once per server process, the libraries the pages draw and compute with (charts, frames
    for charts, reports, text alignment, search): about 1.5 s in all, which the first page to use each
    would otherwise add to its own drawing. The first run of the app pays it, whatever page it shows."""
    import altair  # noqa: F401
    import pandas  # noqa: F401

    import provenance.detect.align  # noqa: F401
    import provenance.detect.search  # noqa: F401
    import provenance.report  # noqa: F401


# A local favicon: a material-icon one would be fetched from a font CDN, and the dashboard loads nothing remote.
st.set_page_config(page_title="provenance", page_icon=str(_HERE / "favicon.png"), layout="wide")

PAGES = [
    st.Page(_HERE / "app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
            default=True),
    st.Page(_HERE / "app_pages/clusters.py", title="Clusters", icon=":material/hub:", url_path="clusters"),
    st.Page(_HERE / "app_pages/cluster.py", title="Cluster", icon=":material/account_tree:", url_path="cluster"),
    st.Page(_HERE / "app_pages/outlet.py", title="Outlet", icon=":material/newspaper:", url_path="outlet"),
    st.Page(_HERE / "app_pages/agency.py", title="Agency", icon=":material/rss_feed:", url_path="agency"),
    st.Page(_HERE / "app_pages/search.py", title="Search", icon=":material/search:", url_path="search"),
    st.Page(_HERE / "app_pages/explain.py", title="Explain a link", icon=":material/help:", url_path="explain"),
    st.Page(_HERE / "app_pages/overrides.py", title="Overrides", icon=":material/edit_note:", url_path="overrides"),
]

#: Automatic retries while an ingest holds the store, before asking the user.
MAX_BUSY_RETRIES = 5


def _sidebar(info: data.StoreInfo | None, path: Path) -> None:
    with st.sidebar:
        st.caption("Store")
        st.code(str(path), language=None, wrap_lines=True)
        if info is not None:
            st.caption(f"version {info.version}" + (f" · updated {info.updated_at[:19]} UTC" if info.updated_at else ""))
        if st.button("Reload", icon=":material/refresh:", help="Re-read the store (new ingests show up by themselves)"):
            st.rerun()


def main() -> None:
    _libraries()
    path = data.store_path()
    nav = st.navigation(PAGES)
    banner = st.empty()
    info: data.StoreInfo | None = None
    try:
        info = data.store_info(path)
    except data.StoreMissing:
        _sidebar(None, path)
        st.error(
            f"No store at `{path}`. Create one with `provenance ingest data/sample --store {path}` "
            "and start the dashboard with `provenance dashboard --store PATH`.",
            icon=":material/error:",
        )
        st.stop()
    except data.StoreBusy:
        _busy(banner)
        return
    except data.StoreUnreadable as e:
        _sidebar(None, path)
        st.error(f"Cannot read the store `{path}`: {e}", icon=":material/error:")
        st.stop()
    _sidebar(info, path)
    common.set_info(info)
    if not info.ready:
        st.info(
            f"The store `{path}` has no articles yet. Ingest some with "
            f"`provenance ingest FILES --store {path}`; this page updates after the next ingest.",
            icon=":material/hourglass_empty:",
        )
        st.stop()
    try:
        nav.run()
        st.session_state.pop("_busy_retries", None)
    except data.StoreBusy:
        _busy(banner)
    except data.StoreMissing:
        banner.error(f"The store `{path}` disappeared while this page was reading it.", icon=":material/error:")
    except data.StoreUnreadable as e:
        banner.error(f"Cannot read the store `{path}`: {e}", icon=":material/error:")


def _busy(banner) -> None:  # noqa: ANN001
    """An ingest holds the write lock: say so, and retry a few times by ourselves."""
    n = st.session_state.get("_busy_retries", 0)
    if n < MAX_BUSY_RETRIES:
        banner.warning("The store is being updated by an ingest; retrying in a moment…", icon=":material/sync:")
        st.session_state["_busy_retries"] = n + 1
        time.sleep(1.0)
        st.rerun()
    banner.warning("The store is still being updated by an ingest.", icon=":material/sync:")
    if st.button("Retry now"):
        st.session_state["_busy_retries"] = 0
        st.rerun()


main()
