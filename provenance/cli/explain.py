"""``provenance explain A B``: why two articles are linked, in the terminal or as JSON.

Kept apart from :mod:`provenance.cli.main` so the command's rendering lives next
to nothing else; ``cli`` attaches it like ``report``.
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from provenance.cli.output import store_option
from provenance.store import Store

out = Console()


@click.command()
@click.argument("a")
@click.argument("b")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option("--texts", is_flag=True, help="With --json: include both full texts.")
@click.option("--passages", "max_passages", type=click.IntRange(min=0), default=None,
              help="Show at most this many shared passages (default: all with --json, 12 in the terminal).")
def explain(a: str, b: str, store_path: str, as_json: bool, texts: bool, max_passages: int | None) -> None:
    """Explain why two stored articles (ids or URLs) are linked, or why not.

    Shows the shared passages side by side, the share of each text found in
    the other, the direction evidence, both sides' credits, the stored grade
    (relation, derivation, credit status, confidence) and its evidence, and
    any editorial override.

    \b
    Example:
      provenance explain 91c3a4ddddaea078 c9a0e25f2b1d7101 --store news.duckdb
      provenance explain https://example.in/a https://example.in/b --json
    """
    from provenance.trace.explain import explain as run

    ex = run(Store(store_path), a, b, max_passages=max_passages)
    if as_json:
        click.echo(json.dumps(ex.to_dict(with_texts=texts), indent=2, ensure_ascii=False))
        return
    show(ex.to_dict(), max_passages=12 if max_passages is None else max_passages)


def _e(v: object) -> str:
    """Untrusted text, shown literally (no rich markup)."""
    return escape("" if v is None else str(v))


def show(d: dict, *, max_passages: int) -> None:
    """The explanation in the terminal."""
    sides = Table(title="The two articles", show_lines=True)
    sides.add_column("")
    sides.add_column("a", overflow="fold")
    sides.add_column("b", overflow="fold")
    for key in ("article_id", "outlet", "published_at", "title", "byline", "url", "cluster_id"):
        sides.add_row(key, _e(d["a"][key]), _e(d["b"][key]))
    cred = [_e("; ".join(f"{c['source']} ({c['role']})" for c in d[s]["credits"]) or "none") for s in ("a", "b")]
    sides.add_row("credits", *cred)
    lin = [d[s]["lineage"] or {} for s in ("a", "b")]
    sides.add_row("parent", *(_e(x.get("parent_id") or x.get("parent_external") or "–") for x in lin))
    sides.add_row("relation / credit", *(_e(f"{x.get('relation')} / {x.get('credited')}") for x in lin))
    out.print(sides)
    out.print(f"[bold]Relationship:[/] {_e(d['relationship'])}")
    sh = d["shared"]
    out.print(
        f"[bold]Shared text[/] ({_e(sh['source'])}): {sh['a_in_b']:.0%} of a is in b, {sh['b_in_a']:.0%} of b is in a; "
        f"jaccard {sh['jaccard']:.2f}; {sh['shared_shingles']:,} shared 5-word shingles; "
        f"reuse by the store's rule: {'yes' if sh['verified_reuse'] else 'no'}" + (f"; found via {sh['via']}" if sh["via"] else ""),
        highlight=False,
    )
    al = d["alignment"]
    out.print(f"[bold]Aligned:[/] {al['n_passages']} passages, {al['shared_tokens']:,} words: "
              f"{al['a_share_aligned']:.0%} of a, {al['b_share_aligned']:.0%} of b", highlight=False)
    for side, info in (d.get("sourced_share") or {}).items():
        parts = ", ".join(f"{x['share']:.0%} from {x['source_id']}" for x in info["sources"])
        out.print(f"[bold]Sourced share of {_e(side)}:[/] {info['sourced_share']:.0%} of its words are in passages "
                  f"shared with earlier articles ({_e(parts) or 'none linked'}); grade {_e(info['grade'])}",
                  highlight=False)
    link = d["link"]
    if link:
        out.print(f"[bold]Grade:[/] {_e(link['relation'])}, {_e(link['derivation'])}, {_e(link['credited'])}, "
                  f"confidence {link['confidence']}", highlight=False)
        ev = link["evidence"] or {}
        for k, v in (ev.items() if isinstance(ev, dict) else [("evidence", ev)]):
            out.print(f"  evidence {_e(k)}: {_e(json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)}",
                      highlight=False)
    else:
        out.print("[bold]Grade:[/] no stored lineage link between these two", highlight=False)
        g = d.get("pair_grade")
        if g:
            out.print(f"  as a pair: {_e(g['relation'])}, {_e(g['derivation'])}"
                      + ("; looks like an independent report" if g["looks_independent"] else "")
                      + f" ({_e(g['basis'])})", highlight=False)
    dt = Table(title=f"Direction: {d['direction']['verdict']}  (a→b means b copies a)")
    for c in ("signal", "points", "detail"):
        dt.add_column(c)
    for s in d["direction"]["signals"]:
        dt.add_row(_e(s["signal"]), _e(s["points"]), _e(s["detail"]))
    out.print(dt)
    for o in d["overrides"]:
        out.print(f"[bold yellow]Override:[/] {_e(o['kind'])} {_e(o['subject'])} {_e(o['object'] or '')} "
                  f"{_e(o['value'] or '')} by {_e(o['author'])} ({_e(o['created_at'])}): {_e(o['note'] or '')}",
                  highlight=False)
    if max_passages and al["passages"]:
        pt = Table(title=f"Shared passages ({min(max_passages, al['n_passages'])} of {al['n_passages']})",
                   show_lines=True)
        pt.add_column("#")
        pt.add_column("words")
        pt.add_column("in a", overflow="fold", ratio=1)
        pt.add_column("in b", overflow="fold", ratio=1)
        for i, p in enumerate(al["passages"][:max_passages], start=1):
            pt.add_row(str(i), str(p["n_tokens"]) + ("" if p["in_order"] else " moved"),
                       _e(_clip(p["a_text"])), _e(_clip(p["b_text"])))
        out.print(pt)


def _clip(s: str, n: int = 400) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n // 2] + " … " + s[-n // 2:]
