"""PDF reports: the HTML report laid out by WeasyPrint for A4 (its ``@page`` and print rules).

WeasyPrint is given a URL fetcher that refuses every URL: the report is
self-contained, and untrusted text must never make the renderer read a local
file or reach the network.
"""

from __future__ import annotations

from typing import Any

from provenance.errors import ProvenanceError
from provenance.report.html import render_html

__all__ = ["render_pdf", "PDF_PASSAGE_BUDGET"]

#: Characters of shared passages printed per link in a PDF (layout time grows with text).
PDF_PASSAGE_BUDGET = 1200


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"report rendering fetches nothing (refused {url[:80]!r})")


def render_pdf(report: dict[str, Any]) -> bytes:
    """The report as PDF bytes (needs the ``weasyprint`` package and its Pango libraries)."""
    try:
        import weasyprint
    except (ImportError, OSError) as e:  # OSError: Pango/cairo libraries missing
        raise ProvenanceError(
            f"PDF reports need WeasyPrint (pip install 'provenance[report]'): {e}"
        ) from e
    html = render_html(report, passage_budget=PDF_PASSAGE_BUDGET)
    doc = weasyprint.HTML(string=html, base_url=None, url_fetcher=_no_fetch)
    return doc.write_pdf()
