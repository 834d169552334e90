"""Plain-text formatting shared by the HTML, PDF and Markdown renderers (no escaping here)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from provenance.extract.dates import offset_text


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def num(x: Any, nd: int = 2) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    return str(x)


def lag(minutes: float | None) -> str:
    """35 min, 2.5 h, 3.1 d; ``unknown`` when there is no measured lag (no time, day precision)."""
    if minutes is None:
        return "unknown"
    sign = "-" if minutes < 0 else ""
    m = abs(minutes)
    if m < 90:
        return f"{sign}{m:.0f} min"
    if m < 48 * 60:
        return f"{sign}{m / 60:.1f} h"
    return f"{sign}{m / 1440:.1f} d"


def when(iso: str | None, precision: str | None = None) -> str:
    """``2024-10-16 07:45 UTC``, or on the clock the page gave, ``2024-10-16 13:15 UTC+05:30`` (or the day
    alone when only the day is known)."""
    if not iso:
        return "–"
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if precision == "day":
        return t.strftime("%Y-%m-%d")
    off = t.utcoffset()
    return t.strftime("%Y-%m-%d %H:%M UTC") + (offset_text(int(off.total_seconds() // 60)) if off else "")


def published(d: dict[str, Any], precision: str | None = None) -> str:
    """:func:`when` of a member or reference of a report: on the page's clock when it gave its zone."""
    return when(d.get("published_local") or d.get("published_at"), precision)


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s) (so it may become a link), else None."""
    if not url or any(c in url for c in "\x00\r\n\t") or len(url) > 2048:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def evidence_items(ev: Any) -> list[tuple[str, str]]:
    """Evidence as (label, text) pairs, whatever shape lineage stored it in."""
    if ev is None or ev == "" or ev == [] or ev == {}:
        return []
    if isinstance(ev, dict):
        return [(str(k).replace("_", " "), _plain(v)) for k, v in ev.items()]
    if isinstance(ev, list):
        return [("", _plain(x)) for x in ev]
    return [("", str(ev))]


def _plain(v: Any) -> str:
    """A stored evidence value as short readable text (a flat dict becomes ``k v, k v``)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, dict) and all(not isinstance(x, (dict, list)) for x in v.values()):
        return ", ".join(f"{str(k).replace('_', ' ')} {_plain(x)}" for k, x in v.items())
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return ", ".join(v)
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def clip(s: str | None, n: int) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: max(1, n - 1)] + "…"


def title_of(report: dict[str, Any]) -> str:
    kind = report["kind"]
    if kind == "cluster":
        return f"Cluster {report['cluster']['cluster_id']}: {report['title']}"
    return report["title"]
