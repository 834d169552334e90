"""Provenance reports: one model, five formats.

:func:`build_report` reads one cluster, outlet or agency (or, with
``all=True``, the corpus overview) from a store into a plain dict (the report
model, schema in ``report.schema.json``); :func:`render` turns a model into
HTML, PDF, JSON, CSV or Markdown; :func:`write_report` writes it safely.
:func:`iter_reports` streams every entity of a store, one report at a time.

Example::

    from provenance.report import build_report, write_report
    report = build_report("news.duckdb", cluster=42)
    write_report(report, "html", "cluster-42.html")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from provenance.report.model import (
    REPORT_VERSION,
    build_report,
    iter_reports,
    report_digest,
    text_hash,
)
from provenance.report.paths import UnsafePathError, atomic_write, safe_join, safe_name

__all__ = [
    "build_report",
    "iter_reports",
    "render",
    "write_report",
    "FORMATS",
    "REPORT_VERSION",
    "report_digest",
    "text_hash",
    "safe_name",
    "safe_join",
    "UnsafePathError",
]

#: Format -> file extension; CSV reports are folders of CSV files.
FORMATS = {"html": ".html", "pdf": ".pdf", "json": ".json", "csv": "", "md": ".md"}


def render(report: dict[str, Any], fmt: str, *, href: Callable[[str, Any], str | None] | None = None
           ) -> str | bytes | dict[str, str]:
    """The report in ``fmt``: text (html, json, md), bytes (pdf) or ``{file name: text}`` (csv)."""
    if fmt == "html":
        from provenance.report.html import render_html

        return render_html(report, href=href)
    if fmt == "pdf":
        from provenance.report.pdf import render_pdf

        return render_pdf(report)
    if fmt == "json":
        from provenance.report.json_format import render_json

        return render_json(report)
    if fmt == "csv":
        from provenance.report.csv_format import render_csv

        return render_csv(report)
    if fmt == "md":
        from provenance.report.markdown import render_markdown

        return render_markdown(report)
    raise ValueError(f"unknown report format {fmt!r}; formats: {', '.join(FORMATS)}")


def write_report(report: dict[str, Any], fmt: str, path: str | Path, *,
                 href: Callable[[str, Any], str | None] | None = None) -> Path:
    """Render ``report`` and write it to ``path`` atomically (for csv, ``path`` is a folder)."""
    out = render(report, fmt, href=href)
    path = Path(path)
    if isinstance(out, dict):
        path.mkdir(parents=True, exist_ok=True)
        for name, text in out.items():
            atomic_write(safe_join(path, name), text)
        return path
    return atomic_write(path, out)
