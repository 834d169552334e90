"""Download buttons for reports (provenance.report), generated when clicked.

The report module builds one JSON-ready dict per cluster, outlet, agency or
the corpus, and renders it to several formats. Buttons pass a callable to
``st.download_button``, so nothing is built until the user asks for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

#: (format, label, mime, file extension)
FORMATS = [
    ("html", "HTML", "text/html", "html"),
    ("md", "Markdown", "text/markdown", "md"),
    ("json", "JSON", "application/json", "json"),
    ("csv", "CSV", "text/csv", "csv"),
    ("pdf", "PDF", "application/pdf", "pdf"),
]


def _model() -> Any | None:
    try:
        from provenance.report import model
    except ImportError:
        return None
    return model if hasattr(model, "build_report") else None


def _renderer() -> Callable[[dict[str, Any], str], bytes | str] | None:
    """The report module's renderer ``render(report, fmt)`` if it has one."""
    try:
        import provenance.report as rep
    except ImportError:
        return None
    fn = getattr(rep, "render", None)
    return fn if callable(fn) else None


def available_formats() -> list[tuple[str, str, str, str]]:
    if _model() is None:
        return []
    if _renderer() is None:
        return [f for f in FORMATS if f[0] == "json"]
    return FORMATS


def _build(path: str, **entity: Any) -> dict[str, Any]:
    model = _model()
    assert model is not None
    return model.build_report(path, **entity)


def _content(path: str, fmt: str, entity: dict[str, Any]) -> Callable[[], bytes]:
    def make() -> bytes:
        report = _build(path, **entity)
        render = _renderer()
        if fmt == "json" or render is None:
            out: bytes | str = json.dumps(report, ensure_ascii=False, indent=2, default=str)
        else:
            out = render(report, fmt)
        return out.encode("utf-8") if isinstance(out, str) else out

    return make


def downloads(path: str, version: int, name: str, **entity: Any) -> None:
    """A row of download buttons for the report of ``entity`` (cluster=, outlet=, agency= or all=True)."""
    fmts = available_formats()
    if not fmts:
        return
    with st.expander("Download report", icon=":material/download:"):
        cols = st.columns(len(fmts))
        for col, (fmt, label, mime, ext) in zip(cols, fmts, strict=True):
            col.download_button(
                label, data=_content(path, fmt, entity), file_name=f"{name}.{ext}", mime=mime,
                key=f"dl_{name}_{fmt}_{version}", on_click="ignore", icon=":material/download:",
            )


def file_stem(kind: str, name: str) -> str:
    """A safe file name stem for an entity's report (the name is untrusted)."""
    try:
        from provenance.report.paths import safe_name

        return safe_name(name, prefix=f"{kind}-")
    except ImportError:
        import re

        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "unnamed"
        return f"{kind}-{slug}"


def overview_downloads(path: str, version: int) -> None:
    downloads(path, version, "corpus-report", all=True)
