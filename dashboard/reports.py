"""Download buttons for reports (provenance.report), generated only when clicked.

:func:`provenance.report.build_report` reads one cluster, outlet, agency or
the corpus into a model and :func:`provenance.report.render` turns it into
HTML, Markdown, JSON, CSV (several files: zipped here) or PDF. The buttons
pass a callable to ``st.download_button``, so no report is built until the
user asks for it.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import streamlit as st

#: (format, label, mime, file extension)
FORMATS = [
    ("html", "HTML", "text/html", "html"),
    ("pdf", "PDF", "application/pdf", "pdf"),
    ("md", "Markdown", "text/markdown", "md"),
    ("json", "JSON", "application/json", "json"),
    ("csv", "CSV (zip)", "application/zip", "zip"),
]


def _report_module() -> Any | None:
    try:
        import provenance.report as rep
    except ImportError:
        return None
    if callable(getattr(rep, "build_report", None)) and callable(getattr(rep, "render", None)):
        return rep
    return None


def available_formats() -> list[tuple[str, str, str, str]]:
    if _report_module() is None:
        return []
    pdf_ok = importlib.util.find_spec("weasyprint") is not None
    return [f for f in FORMATS if f[0] != "pdf" or pdf_ok]


def content(path: str, fmt: str, entity: dict[str, Any]) -> bytes:
    """The report of ``entity`` (cluster=, outlet=, agency= or all=True) in ``fmt``, as bytes."""
    rep = _report_module()
    if rep is None:
        raise RuntimeError("the report module is not available")
    out = rep.render(rep.build_report(path, **entity), fmt)
    if isinstance(out, dict):  # csv: one file per table
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in out.items():
                z.writestr(_member_name(name), text)
        return buf.getvalue()
    return out.encode("utf-8") if isinstance(out, str) else bytes(out)


def _member_name(name: str) -> str:
    """A zip member name with no directories (names come from the report module; be strict anyway)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name).replace("\\", "/").split("/")[-1]).lstrip(".")
    return base or "table.csv"


def _deferred(path: str, fmt: str, entity: dict[str, Any]) -> Callable[[], bytes]:
    return lambda: content(path, fmt, entity)


def file_stem(kind: str, name: str) -> str:
    """A safe file name stem for an entity's report (the name is untrusted)."""
    try:
        from provenance.report.paths import safe_name

        return safe_name(name, prefix=f"{kind}-")
    except ImportError:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "unnamed"
        return f"{kind}-{slug}"


def downloads(path: str, version: int, name: str, **entity: Any) -> None:
    """Download buttons for the report of ``entity``; nothing is built before a click."""
    fmts = available_formats()
    if not fmts:
        st.caption("Reports are not available: the provenance.report module is missing.")
        return
    with st.expander("Download report", icon=":material/download:"):
        cols = st.columns(len(fmts))
        for col, (fmt, label, mime, ext) in zip(cols, fmts, strict=True):
            col.download_button(
                label, data=_deferred(path, fmt, entity), file_name=f"{name}.{ext}", mime=mime,
                key=f"dl_{name}_{fmt}_{version}", on_click="ignore", icon=":material/download:",
            )


def overview_downloads(path: str, version: int) -> None:
    downloads(path, version, "corpus-report", all=True)
