"""The only module that builds HTML or DOT for the dashboard.

Article text, titles, outlet names and every other value that comes from the
store are untrusted. Every fragment of them that ends up in HTML goes through
:func:`html.escape` (quotes included) right where it is inserted, and every
DOT label through :func:`dot_str`. Markup is only ever assembled from our own
constant strings and escaped values; nothing here emits ``<script>``, event
handlers or ``style`` attributes built from data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

# -- HTML ---------------------------------------------------------------------------------------

#: CSS for the side-by-side view; constant, no data in it.
SIDE_BY_SIDE_CSS = """
<style>
.pv-sbs { display: grid; grid-template-columns: 1fr 1fr; gap: 1.2rem; font-size: 0.92rem; }
.pv-doc { border: 1px solid rgba(128,128,128,0.35); border-radius: 0.4rem; padding: 0.6rem 0.8rem;
          max-height: 34rem; overflow-y: auto; }
.pv-head { font-weight: 600; margin-bottom: 0.15rem; }
.pv-meta { color: #6b7280; font-size: 0.8rem; margin-bottom: 0.5rem; }
.pv-body { white-space: pre-wrap; line-height: 1.45; overflow-wrap: anywhere; }
.pv-body mark.pv-p { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.pv-body mark.pv-p.pv-alt { background: #bfdbfe; }
.pv-body mark.pv-p.pv-moved { background: #e9d5ff; }
.pv-body del.pv-e { background: #fecaca; color: #7f1d1d; text-decoration: line-through; }
.pv-body ins.pv-e { background: #bbf7d0; color: #14532d; text-decoration: underline; }
.pv-body span.pv-at { color: #b91c1c; font-weight: 700; }
.pv-legend { font-size: 0.8rem; margin: 0.2rem 0 0.6rem 0; }
.pv-legend span { padding: 0 0.3rem; margin-right: 0.6rem; border-radius: 2px; }
</style>
"""

_CLS_SHARED = "pv-p"


def esc(value: object) -> str:
    """``value`` as HTML text (None becomes empty); quotes escaped too, safe in attributes."""
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    kind: str  # shared | moved | removed | added
    index: int  # passage number (1-based) for shared/moved, else 0


def _clip(start: int, end: int, n: int) -> tuple[int, int]:
    start = max(0, min(int(start), n))
    end = max(start, min(int(end), n))
    return start, end


def highlight(text: str, marks: Sequence[_Mark], points: Iterable[int] = ()) -> str:
    """``text`` as escaped HTML with ``marks`` wrapped and insertion ``points`` flagged.

    Marks may overlap (an edit inside a shared passage cannot, by construction
    of the alignment, but a caller's spans might): the text is cut at every
    mark boundary and each piece is wrapped by the innermost (last-starting)
    mark that covers it. Each piece is escaped separately, so no mark can
    split an entity or a tag.
    """
    text = text or ""
    n = len(text)
    clipped = []
    for m in marks:
        s, e = _clip(m.start, m.end, n)
        if e > s:
            clipped.append(_Mark(s, e, m.kind, m.index))
    pts = sorted({_clip(p, p, n)[0] for p in points})
    cuts = sorted({0, n, *(m.start for m in clipped), *(m.end for m in clipped), *pts})
    out: list[str] = []
    pi = 0
    for lo, hi in zip(cuts, cuts[1:] + [n], strict=True):
        while pi < len(pts) and pts[pi] == lo:
            out.append('<span class="pv-at" title="text inserted on the other side">&#9660;</span>')
            pi += 1
        if hi <= lo:
            continue
        piece = esc(text[lo:hi])
        cover = [m for m in clipped if m.start <= lo and hi <= m.end]
        if not cover:
            out.append(piece)
            continue
        m = max(cover, key=lambda m: (m.start, -m.end))
        if m.kind in ("shared", "moved"):
            cls = _CLS_SHARED + (" pv-moved" if m.kind == "moved" else (" pv-alt" if m.index % 2 == 0 else ""))
            label = f"shared passage {m.index}" + (" (moved)" if m.kind == "moved" else "")
            out.append(f'<mark class="{cls}" data-p="{m.index}" title="{esc(label)}">{piece}</mark>')
        elif m.kind == "removed":
            out.append(f'<del class="pv-e" title="not in the other article">{piece}</del>')
        else:
            out.append(f'<ins class="pv-e" title="not in the other article">{piece}</ins>')
    return "".join(out)


def side_by_side(
    a: dict[str, object],
    b: dict[str, object],
    passages: pl.DataFrame,
    edits: pl.DataFrame,
) -> str:
    """Two articles next to each other, shared passages highlighted and edits marked.

    ``a``/``b`` carry ``text``, ``title``, ``outlet``, ``published_at`` and
    ``article_id``. ``passages`` and ``edits`` are :mod:`provenance.detect.align`
    frames (character offsets into the two texts). Passages get the same
    number on both sides; text only in a is struck through on the left, text
    only in b is underlined on the right, and ▼ marks where the other side
    has text this one lacks.
    """
    ta, tb = str(a.get("text") or ""), str(b.get("text") or "")
    marks_a: list[_Mark] = []
    marks_b: list[_Mark] = []
    pts_a: list[int] = []
    pts_b: list[int] = []
    for k, p in enumerate(passages.sort("a_start").iter_rows(named=True), start=1):
        kind = "shared" if p.get("in_order", True) else "moved"
        marks_a.append(_Mark(p["a_start"], p["a_end"], kind, k))
        marks_b.append(_Mark(p["b_start"], p["b_end"], kind, k))
    for e in edits.iter_rows(named=True):
        op = e["op"]
        if op == "moved":
            continue  # shown as moved passages
        if e["a_end"] > e["a_start"]:
            marks_a.append(_Mark(e["a_start"], e["a_end"], "removed", 0))
        elif op == "inserted":
            pts_a.append(e["a_start"])
        if e["b_end"] > e["b_start"]:
            marks_b.append(_Mark(e["b_start"], e["b_end"], "added", 0))
        elif op == "deleted":
            pts_b.append(e["b_start"])

    def doc(side: dict[str, object], body: str, which: str) -> str:
        meta = " · ".join(esc(v) for v in (side.get("outlet"), side.get("published_at"), side.get("article_id")) if v)
        return (
            f'<div class="pv-doc" data-side="{which}">'
            f'<div class="pv-head">{esc(side.get("title") or "(untitled)")}</div>'
            f'<div class="pv-meta">{meta}</div>'
            f'<div class="pv-body">{body}</div></div>'
        )

    legend = (
        '<div class="pv-legend"><span style="background:#fde68a">shared passage</span>'
        '<span style="background:#e9d5ff">shared, moved</span>'
        '<span style="background:#fecaca"><s>only in left</s></span>'
        '<span style="background:#bbf7d0"><u>only in right</u></span>'
        "<span>&#9660; other side has text here</span></div>"
    )
    return (
        SIDE_BY_SIDE_CSS
        + legend
        + '<div class="pv-sbs">'
        + doc(a, highlight(ta, marks_a, pts_a), "a")
        + doc(b, highlight(tb, marks_b, pts_b), "b")
        + "</div>"
    )


def snippet(text: str, spans: Sequence[tuple[int, int]], *, context: int = 60) -> str:
    """Escaped excerpts of ``text`` around ``spans``, the span itself in ``<mark>``."""
    text = text or ""
    parts = []
    for s, e in spans:
        s, e = _clip(s, e, len(text))
        lo, hi = max(0, s - context), min(len(text), e + context)
        parts.append(
            ("…" if lo else "") + esc(text[lo:s]) + f'<mark class="{_CLS_SHARED}">{esc(text[s:e])}</mark>'
            + esc(text[e:hi]) + ("…" if hi < len(text) else "")
        )
    return '<div class="pv-body">' + "<br/>".join(parts) + "</div>"


# -- DOT ----------------------------------------------------------------------------------------

#: Edge colours by lineage relation (provenance.trace.lineage.RELATIONS); others get grey.
RELATION_COLORS = {
    "verbatim": "#1d4ed8",
    "headline_changed": "#0891b2",
    "trimmed": "#0d9488",
    "added_intro": "#7c3aed",
    "edited": "#d97706",
    "partial": "#16a34a",
    "rewrite": "#db2777",
    "cited": "#6b7280",
}
_DEFAULT_EDGE = "#6b7280"

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def dot_str(value: object, *, max_len: int = 60) -> str:
    """A DOT double-quoted string literal for ``value``, safe for any input.

    Backslashes are doubled (so no ``\\N``/``\\G``/``\\l`` escapes survive),
    quotes escaped, control characters dropped and newlines turned into DOT
    line breaks. Long values are cut to ``max_len`` characters.
    """
    s = "" if value is None else str(value)
    s = _CTRL.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))
    if len(s) > max_len:
        s = s[: max_len - 1] + "…"
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def relation_color(relation: object) -> str:
    return RELATION_COLORS.get(str(relation or "").lower(), _DEFAULT_EDGE)


@dataclass(frozen=True)
class GraphNode:
    key: str  # internal id; only ever emitted through dot_str
    label: str
    kind: str  # article | origin | agency | external | more | group
    tooltip: str = ""


@dataclass(frozen=True)
class GraphEdge:
    src: str
    dst: str
    relation: str | None
    credit: str | None  # credited | uncredited | miscredited | None (unknown / not applicable)
    label: str = ""


_NODE_STYLE = {
    "origin": 'shape=box style="rounded,filled,bold" fillcolor="#fef3c7" color="#b45309"',
    "article": 'shape=box style="rounded,filled" fillcolor="#eff6ff" color="#93c5fd"',
    "agency": 'shape=hexagon style=filled fillcolor="#fde68a" color="#b45309"',
    "external": 'shape=ellipse style="filled,dashed" fillcolor="#f3f4f6" color="#6b7280"',
    "more": 'shape=note style=filled fillcolor="#f9fafb" color="#9ca3af"',
    "group": 'shape=box3d style=filled fillcolor="#e0f2fe" color="#0369a1"',
}


def chain_dot(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge], *, title: str = "") -> str:
    """A DOT digraph of an origin chain. Every label and id goes through :func:`dot_str`.

    Edges are coloured by relation; a solid edge is a credited copy, a dashed
    one an uncredited (or miscredited, so labelled) copy, a dotted one a link
    whose credit is unknown or does not apply.
    """
    lines = [
        "digraph chain {",
        '  graph [rankdir=LR, bgcolor="transparent", fontname="Helvetica", fontsize=11, nodesep=0.25, ranksep=0.5];',
        '  node [fontname="Helvetica", fontsize=10, margin="0.12,0.06"];',
        '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];',
    ]
    if title:
        lines.append(f"  label={dot_str(title, max_len=120)}; labelloc=t;")
    for n in nodes:
        style = _NODE_STYLE.get(n.kind, _NODE_STYLE["article"])
        tip = f" tooltip={dot_str(n.tooltip, max_len=200)}" if n.tooltip else ""
        lines.append(f"  {dot_str(n.key, max_len=200)} [label={dot_str(n.label, max_len=80)} {style}{tip}];")
    for e in edges:
        color = relation_color(e.relation)
        style = {"credited": "solid", "licensed": "solid", "uncredited": "dashed", "miscredited": "dashed"}.get(
            e.credit or "", "dotted")
        label = e.label or (str(e.relation) if e.relation else "")
        if e.credit in ("uncredited", "miscredited"):
            label = f"{label} · {e.credit}" if label else e.credit
        lines.append(
            f"  {dot_str(e.src, max_len=200)} -> {dot_str(e.dst, max_len=200)} "
            f'[color="{color}", fontcolor="{color}", style={style}, penwidth=1.4, label={dot_str(label, max_len=40)}];'
        )
    lines.append("}")
    return "\n".join(lines)
