"""Inline SVG charts for reports, laid out here: no graphviz, no JavaScript, no assets.

Every string that reaches the SVG goes through :func:`esc` (``html.escape``
with quotes), so an outlet called ``<script>`` is drawn as text. Sizes are
bounded whatever the input: a chain graph of a cluster with thousands of
members shows a bounded number of rows per generation and a "+N more" box,
so the picture fits a printed page; the tables carry every member.

Charts:

* :func:`chain_graph` — the origin chain, left to right by generation
  (depth), children next to their parents, edges coloured by credit status
  and dashed when the copy was edited.
* :func:`timeline` — cumulative republications over time, one dot per
  article coloured by credit status.
* :func:`stacked_bars` — horizontal credited/uncredited bars (who republishes
  an agency, which agencies an outlet copies).
* :func:`lag_histogram` — how long after the source copies appeared.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["esc", "chain_graph", "timeline", "stacked_bars", "lag_histogram", "GraphNode", "GraphEdge",
           "STATUS_COLOURS", "LAG_BINS"]

#: Credit status -> colour, shared by every chart and the HTML legend.
STATUS_COLOURS = {
    "origin": "#1f3a93",
    "credited": "#1e8449",
    "uncredited": "#c0392b",
    "miscredited": "#d68910",
    "licensed": "#2874a6",
    "unknown": "#7f8c8d",
    "external": "#6c3483",
}

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def esc(value: object) -> str:
    """Escape any value for HTML/SVG text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _clip(s: str, n: int) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: max(1, n - 1)] + "…"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# ----------------------------------------------------------------------------------------------
# Chain graph
# ----------------------------------------------------------------------------------------------


@dataclass
class GraphNode:
    id: str
    label: str
    sublabel: str = ""
    status: str = "unknown"  # origin | credited | uncredited | unknown | external
    depth: int = 0
    order: float = 0.0  # tie-break within a generation (e.g. publication time)
    tooltip: str = ""
    more: int = 0  # > 0 for the "+N more" box


@dataclass
class GraphEdge:
    parent: str
    child: str
    status: str = "unknown"
    edited: bool = False


NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 150.0, 36.0, 44.0, 8.0, 14.0


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    mx = (x1 + x2) / 2
    return f"M{_num(x1)},{_num(y1)} C{_num(mx)},{_num(y1)} {_num(mx)},{_num(y2)} {_num(x2 - 2)},{_num(y2)}"


def chain_graph(
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    *,
    max_per_column: int = 18,
    max_columns: int = 7,
    min_width: float = 820.0,
    title: str = "Origin chain",
) -> str:
    """The origin chain as an inline ``<svg>``, left to right by generation (depth).

    Each generation is a column, ordered so children sit next to their
    parents; a column holds at most ``max_per_column`` boxes, the rest
    collapse into one "+N more" box (with their credit statuses counted), and
    at most ``max_columns`` generations are drawn, so the picture stays
    page-sized for any cluster.
    """
    if not nodes:
        return ""
    by_id = {n.id: n for n in nodes}
    parent_of: dict[str, str] = {}
    for e in edges:
        if e.parent in by_id and e.child in by_id and e.child not in parent_of:
            parent_of[e.child] = e.parent
    depths = sorted({n.depth for n in nodes})
    shown = depths[:max_columns]
    columns: list[list[GraphNode]] = []
    hidden: set[str] = set()
    slot: dict[str, float] = {}
    for d in shown:
        layer = [n for n in nodes if n.depth == d]
        layer.sort(key=lambda n: (slot.get(parent_of.get(n.id, ""), -1.0), n.order, n.id))
        if len(layer) > max_per_column:
            rest = layer[max_per_column - 1:]
            layer = layer[: max_per_column - 1]
            hidden.update(n.id for n in rest)
            layer.append(GraphNode(id=f"__more_{d}", label=f"+{len(rest)} more", status="unknown", depth=d,
                                   sublabel=_status_counts(rest), more=len(rest)))
        for i, n in enumerate(layer):
            slot[n.id] = float(i)
        columns.append(layer)
    for d in depths[len(shown):]:
        hidden.update(n.id for n in nodes if n.depth == d)
    tallest = max(len(c) for c in columns)
    graph_w = len(columns) * NODE_W + (len(columns) - 1) * COL_GAP
    width = max(min_width, graph_w + 2 * PAD)
    x0 = (width - graph_w) / 2
    col_h = tallest * NODE_H + (tallest - 1) * ROW_GAP
    footer = 18.0 if hidden else 0.0
    height = col_h + 2 * PAD + footer
    pos: dict[str, tuple[float, float]] = {}
    for ci, col in enumerate(columns):
        h = len(col) * NODE_H + (len(col) - 1) * ROW_GAP
        y0 = PAD + (col_h - h) / 2
        for i, n in enumerate(col):
            pos[n.id] = (x0 + ci * (NODE_W + COL_GAP), y0 + i * (NODE_H + ROW_GAP))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chain" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'font-family="{FONT}" font-size="11">',
        f"<title>{esc(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    # Edges first, so boxes sit on top of them; hidden children point at their column's "+N more".
    drawn: set[tuple[str, str]] = set()
    for e in edges:
        child = e.child
        if child in hidden and child in by_id:
            child = f"__more_{by_id[child].depth}"
        if e.parent not in pos or child not in pos or (e.parent, child) in drawn:
            continue
        drawn.add((e.parent, child))
        (px, py), (cx, cy) = pos[e.parent], pos[child]
        more = child != e.child
        colour = "#999" if more else STATUS_COLOURS.get(e.status, STATUS_COLOURS["unknown"])
        dash = ' stroke-dasharray="2 3"' if more else (' stroke-dasharray="5 3"' if e.edited else "")
        out.append(
            f'<path d="{_curve(px + NODE_W, py + NODE_H / 2, cx, cy + NODE_H / 2)}" fill="none" '
            f'stroke="{colour}" stroke-width="1.4" stroke-opacity="0.85"{dash} marker-end="url(#arrow)"/>'
        )
    for col in columns:
        for n in col:
            x, y = pos[n.id]
            colour = STATUS_COLOURS.get(n.status, STATUS_COLOURS["unknown"])
            fill = colour if n.status == "origin" else "#ffffff"
            text_fill = "#ffffff" if n.status == "origin" else "#1b1b1b"
            dash = ' stroke-dasharray="4 2"' if n.status == "external" or n.more else ""
            out.append(f'<g class="node {esc(n.status)}">')
            if n.tooltip:
                out.append(f"<title>{esc(n.tooltip)}</title>")
            out.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(NODE_W)}" height="{_num(NODE_H)}" rx="5" '
                f'fill="{fill}" stroke="{colour}" stroke-width="1.8"{dash}/>'
            )
            out.append(
                f'<text x="{_num(x + NODE_W / 2)}" y="{_num(y + 14)}" text-anchor="middle" '
                f'fill="{text_fill}" font-weight="bold">{esc(_clip(n.label, 19))}</text>'
            )
            if n.sublabel:
                out.append(
                    f'<text x="{_num(x + NODE_W / 2)}" y="{_num(y + 28)}" text-anchor="middle" '
                    f'fill="{text_fill}" font-size="9.5">{esc(_clip(n.sublabel, 26))}</text>'
                )
            out.append("</g>")
    if hidden:
        out.append(
            f'<text x="{_num(PAD)}" y="{_num(height - 6)}" fill="#555" font-size="10">'
            f"{len(hidden)} more articles are not drawn; the member table lists every one.</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _status_counts(nodes: Sequence[GraphNode]) -> str:
    counts: dict[str, int] = {}
    for n in nodes:
        counts[n.status] = counts.get(n.status, 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


# ----------------------------------------------------------------------------------------------
# Timeline
# ----------------------------------------------------------------------------------------------

_STEPS = [
    timedelta(minutes=m)
    for m in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 7 * 1440, 14 * 1440, 30 * 1440,
              91 * 1440, 365 * 1440)
]


def _tick_step(span: timedelta, want: int = 6) -> timedelta:
    for s in _STEPS:
        if span / s <= want:
            return s
    return _STEPS[-1]


def _fmt_tick(t: datetime, step: timedelta, first: bool) -> str:
    if step >= timedelta(days=1):
        return t.strftime("%Y-%m-%d") if first or t.month == 1 and t.day == 1 else t.strftime("%m-%d")
    if first or (t.hour == 0 and t.minute == 0):
        return t.strftime("%m-%d %H:%M")
    return t.strftime("%H:%M")


def _ticks(t0: datetime, t1: datetime) -> tuple[timedelta, list[datetime]]:
    step = _tick_step(t1 - t0)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    k = math.ceil((t0 - epoch) / step)
    out = []
    t = epoch + k * step
    while t <= t1 and len(out) < 50:
        out.append(t)
        t += step
    return step, out


def timeline(
    points: Sequence[tuple[datetime, str, str]],
    *,
    width: float = 820.0,
    height: float = 240.0,
    title: str = "Republication timeline",
    missing: int = 0,
) -> str:
    """Cumulative articles over time (UTC). ``points`` are ``(published_at, status, label)``."""
    pts = sorted((p for p in points if p[0] is not None), key=lambda p: p[0])
    if not pts:
        return ""
    t0, t1 = pts[0][0], pts[-1][0]
    if t1 - t0 < timedelta(minutes=10):
        t0, t1 = t0 - timedelta(minutes=5), t1 + timedelta(minutes=5)
    span = (t1 - t0).total_seconds()
    ml, mr, mt, mb = 46.0, 18.0, 26.0, 42.0
    pw, ph = width - ml - mr, height - mt - mb
    n = len(pts)

    def xs(t: datetime) -> float:
        return ml + pw * ((t - t0).total_seconds() / span)

    def ys(k: float) -> float:
        return mt + ph - ph * (k / n)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'font-family="{FONT}" font-size="10">',
        f"<title>{esc(title)}</title>",
        f'<rect x="{_num(ml)}" y="{_num(mt)}" width="{_num(pw)}" height="{_num(ph)}" fill="#fafafa" stroke="#ddd"/>',
    ]
    step, ticks = _ticks(t0, t1)
    for i, t in enumerate(ticks):
        x = xs(t)
        out.append(f'<line x1="{_num(x)}" y1="{_num(mt)}" x2="{_num(x)}" y2="{_num(mt + ph)}" stroke="#e3e3e3"/>')
        out.append(
            f'<text x="{_num(x)}" y="{_num(mt + ph + 14)}" text-anchor="middle" fill="#444">'
            f"{esc(_fmt_tick(t, step, i == 0))}</text>"
        )
    for k in sorted({0, n, *([n // 2] if n > 3 else [])}):
        y = ys(k)
        out.append(f'<text x="{_num(ml - 6)}" y="{_num(y + 3)}" text-anchor="end" fill="#444">{k}</text>')
        out.append(f'<line x1="{_num(ml)}" y1="{_num(y)}" x2="{_num(ml + pw)}" y2="{_num(y)}" stroke="#eee"/>')
    out.append(
        f'<text x="{_num(ml + pw / 2)}" y="{_num(height - 6)}" text-anchor="middle" fill="#444">'
        f"time (UTC){esc(f'; {missing} without a publication time not shown' if missing else '')}</text>"
    )
    out.append(
        f'<text x="12" y="{_num(mt + ph / 2)}" text-anchor="middle" fill="#444" '
        f'transform="rotate(-90 12 {_num(mt + ph / 2)})">articles</text>'
    )
    # Step line.
    d = [f"M{_num(xs(pts[0][0]))},{_num(ys(0))}"]
    for k, (t, _, _) in enumerate(pts, start=1):
        x = xs(t)
        d.append(f"L{_num(x)},{_num(ys(k - 1))} L{_num(x)},{_num(ys(k))}")
    d.append(f"L{_num(ml + pw)},{_num(ys(n))}")
    out.append(f'<path d="{" ".join(d)}" fill="none" stroke="#34495e" stroke-width="1.5"/>')
    r = 4.0 if n <= 60 else 2.5
    for k, (t, status, label) in enumerate(pts, start=1):
        colour = STATUS_COLOURS.get(status, STATUS_COLOURS["unknown"])
        out.append(
            f'<circle cx="{_num(xs(t))}" cy="{_num(ys(k))}" r="{r}" fill="{colour}" stroke="#fff" stroke-width="0.8">'
            f"<title>{esc(label)}</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# Bars and histogram
# ----------------------------------------------------------------------------------------------


#: Bar segments, in drawing order.
BAR_STATUSES = ("credited", "miscredited", "uncredited", "unknown")


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    *,
    width: float = 820.0,
    title: str = "",
    max_rows: int = 20,
) -> str:
    """Horizontal bars ``(label, {status: count})`` split by :data:`BAR_STATUSES`, largest first."""
    rows = sorted(rows, key=lambda r: (-sum(r[1].values()), r[0]))[:max_rows]
    if not rows:
        return ""
    bar_h, gap, ml, mr, mt = 16.0, 6.0, 190.0, 60.0, 10.0
    height = mt + len(rows) * (bar_h + gap) + 28
    top = max(sum(r[1].values()) for r in rows) or 1
    pw = width - ml - mr
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'font-family="{FONT}" font-size="10.5">',
        f"<title>{esc(title)}</title>",
    ]
    for i, (label, counts) in enumerate(rows):
        y = mt + i * (bar_h + gap)
        out.append(
            f'<text x="{_num(ml - 8)}" y="{_num(y + bar_h - 4)}" text-anchor="end" fill="#222">'
            f"{esc(_clip(label, 30))}</text>"
        )
        x = ml
        for status in BAR_STATUSES:
            value = counts.get(status, 0)
            if value <= 0:
                continue
            w = pw * value / top
            out.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0.5))}" height="{_num(bar_h)}" '
                f'fill="{STATUS_COLOURS[status]}"><title>{esc(f"{label}: {value} {status}")}</title></rect>'
            )
            x += w
        out.append(f'<text x="{_num(x + 6)}" y="{_num(y + bar_h - 4)}" fill="#222">{sum(counts.values())}</text>')
    ly = height - 12
    lx = ml
    for status in BAR_STATUSES:
        out.append(f'<rect x="{_num(lx)}" y="{_num(ly - 9)}" width="10" height="10" fill="{STATUS_COLOURS[status]}"/>')
        out.append(f'<text x="{_num(lx + 14)}" y="{_num(ly)}" fill="#444">{status}</text>')
        lx += 95
    out.append("</svg>")
    return "".join(out)


#: Lag bins in minutes: (label, lower bound inclusive, upper bound exclusive).
LAG_BINS: list[tuple[str, float, float]] = [
    ("< 0", -math.inf, 0.0),
    ("0–15 min", 0.0, 15.0),
    ("15–60 min", 15.0, 60.0),
    ("1–3 h", 60.0, 180.0),
    ("3–6 h", 180.0, 360.0),
    ("6–24 h", 360.0, 1440.0),
    ("1–3 d", 1440.0, 4320.0),
    ("> 3 d", 4320.0, math.inf),
]


def lag_bin_counts(lags: Sequence[float | None]) -> list[tuple[str, int]]:
    counts = [0] * len(LAG_BINS)
    for v in lags:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v < 0:  # contradictory times: no lag
            continue
        for i, (_, lo, hi) in enumerate(LAG_BINS):
            if lo <= v < hi:
                counts[i] += 1
                break
    return [(label, c) for (label, _, _), c in zip(LAG_BINS, counts, strict=True)]


def lag_histogram(bins: Sequence[tuple[str, int]], *, width: float = 820.0, height: float = 190.0,
                  title: str = "Lag of copies") -> str:
    """Bar chart of ``(bin label, count)`` (see :func:`lag_bin_counts`); an empty "< 0" bin is dropped."""
    bins = list(bins)
    if not any(c for _, c in bins):
        return ""
    if bins[0][1] == 0:
        bins = bins[1:]
    ml, mr, mt, mb = 40.0, 12.0, 14.0, 34.0
    pw, ph = width - ml - mr, height - mt - mb
    top = max(c for _, c in bins)
    bw = pw / len(bins)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart lags" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'font-family="{FONT}" font-size="10.5">',
        f"<title>{esc(title)}</title>",
        f'<line x1="{_num(ml)}" y1="{_num(mt + ph)}" x2="{_num(ml + pw)}" y2="{_num(mt + ph)}" stroke="#999"/>',
    ]
    for i, (label, c) in enumerate(bins):
        h = ph * c / top
        x = ml + i * bw
        out.append(
            f'<rect x="{_num(x + bw * 0.12)}" y="{_num(mt + ph - h)}" width="{_num(bw * 0.76)}" height="{_num(h)}" '
            f'fill="#2e6da4"><title>{esc(f"{label}: {c}")}</title></rect>'
        )
        if c:
            out.append(
                f'<text x="{_num(x + bw / 2)}" y="{_num(mt + ph - h - 3)}" text-anchor="middle" fill="#222">{c}</text>'
            )
        out.append(
            f'<text x="{_num(x + bw / 2)}" y="{_num(mt + ph + 15)}" text-anchor="middle" fill="#444">{esc(label)}</text>'
        )
    out.append(
        f'<text x="{_num(ml + pw / 2)}" y="{_num(height - 4)}" text-anchor="middle" fill="#444">'
        f"time from the origin to the copy</text>"
    )
    out.append("</svg>")
    return "".join(out)
