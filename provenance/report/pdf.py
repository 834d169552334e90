"""PDF reports: the HTML report laid out by WeasyPrint for A4 (its ``@page`` and print rules).

WeasyPrint gets a URL fetcher that refuses every URL: the report is
self-contained, and untrusted text must never make the renderer read a local
file or reach the network (the HTML has no fetchable URL anyway; this is
the second lock).
"""

from __future__ import annotations

from typing import Any

from provenance.errors import ProvenanceError
from provenance.report.html import render_html

__all__ = ["render_pdf", "html_to_pdf", "refusing_fetcher", "PDF_PASSAGE_BUDGET"]

#: Characters of shared passages printed per link in a PDF (layout time grows with text).
PDF_PASSAGE_BUDGET = 1200


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"report rendering fetches nothing (refused {url[:80]!r})")


def refusing_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses everything (a URLFetcher on WeasyPrint >= 66, else a function)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # older WeasyPrint: a plain callable
        return _refuse

    class _Refusing(URLFetcher):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            _refuse(url)

    return _Refusing(allowed_protocols=(), fail_on_errors=False)


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` as PDF with nothing fetched (needs ``weasyprint`` and its Pango libraries)."""
    try:
        import weasyprint
    except (ImportError, OSError) as e:  # OSError: Pango/cairo libraries missing
        raise ProvenanceError(f"PDF reports need WeasyPrint (pip install 'provenance[report]'): {e}") from e
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=refusing_fetcher()).write_pdf()


def render_pdf(report: dict[str, Any]) -> bytes:
    """The report as PDF bytes."""
    return html_to_pdf(render_html(report, passage_budget=PDF_PASSAGE_BUDGET))
