"""``provenance override add|list|remove|import``: editorial corrections kept in the store."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .store import Store

out = Console()

_KIND_HELP = (
    "reject A B: the link between articles A and B (ids or URLs) is wrong; "
    "confirm A B: it is right; licence OUTLET AGENCY: the outlet carries the agency's copy under licence "
    "(its uncredited copies become 'licensed'); alias HOST OUTLET: articles of HOST are OUTLET's."
)


def _store_option(f):  # type: ignore[no-untyped-def]
    return click.option("--store", "store_path", envvar="PROVENANCE_STORE", default="provenance.duckdb",
                        show_default=True, type=click.Path(dir_okay=False),
                        help="DuckDB store file (env PROVENANCE_STORE).")(f)


@click.group()
def override() -> None:
    """Correct the tool: reject or confirm a link, declare a licence or a host alias.

    Overrides are kept in the store with who made them and why, applied at
    once and at every later ingest, and never delete evidence (a rejected
    pair stays in `pairs`; lineage is recomputed without it).

    \b
    Example:
      provenance override add reject 91c3a4ddddaea078 c9a0e25f2b1d7101 --note "same press release"
      provenance override add licence dailyexample.in IANS --author desk
      provenance override list
    """


@override.command("add")
@click.argument("kind", type=click.Choice(["reject", "confirm", "licence", "alias"]))
@click.argument("subject")
@click.argument("object_")
@_store_option
@click.option("--author", help="Who makes the override (default $PROVENANCE_AUTHOR or the login name).")
@click.option("--note", help="Why.")
def add_cmd(kind: str, subject: str, object_: str, store_path: str, author: str | None, note: str | None) -> None:
    """Add an override. KIND SUBJECT OBJECT:

    \b
    reject A B            the link between articles A and B (ids or URLs) is wrong
    confirm A B           the link is right
    licence OUTLET AGENCY the outlet carries the agency's copy under licence
    alias HOST OUTLET     articles of HOST are OUTLET's

    \b
    Example:
      provenance override add alias m.dailyexample.in dailyexample.in --note "mobile site"
    """
    from .overrides import add

    oid = add(Store(store_path), kind, subject, object_, author=author, note=note)
    out.print(f"override {oid} added: {kind} {escape(subject)} {escape(object_)}", highlight=False)


@override.command("list")
@_store_option
@click.option("--all", "include_removed", is_flag=True, help="Include removed overrides.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
def list_cmd(store_path: str, include_removed: bool, as_json: bool) -> None:
    """List the overrides (active ones unless --all).

    \b
    Example:
      provenance override list --all
    """
    from .overrides import listing

    df = listing(Store(store_path), include_removed=include_removed)
    if not include_removed:
        df = df.drop("removed_at", "removed_by")
    if as_json:
        for row in df.to_dicts():
            click.echo(json.dumps(row, default=str, ensure_ascii=False))
        return
    if df.height == 0:
        out.print("no overrides")
        return
    t = Table(title=f"{df.height} overrides")
    for c in df.columns:
        t.add_column(c.replace("_", " "))
    for row in df.iter_rows():
        t.add_row(*(escape("" if v is None else str(v)[:19] if hasattr(v, "isoformat") else str(v)) for v in row))
    out.print(t)


@override.command("remove")
@click.argument("override_id", type=int)
@_store_option
@click.option("--author", help="Who removes it.")
def remove_cmd(override_id: int, store_path: str, author: str | None) -> None:
    """Withdraw an override (it stays listed under --all, stamped removed) and undo its effect.

    \b
    Example:
      provenance override remove 3
    """
    from .overrides import remove

    r = remove(Store(store_path), override_id, author=author)
    out.print(f"override {override_id} removed: {r['kind']} {escape(r['subject'])} {escape(r['object'])}",
              highlight=False)


@override.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_store_option
def import_cmd(file: str, store_path: str) -> None:
    """Add the overrides of a TOML or CSV file, all or none.

    TOML: one [[override]] table each, with kind, subject, object and
    optionally author, note. CSV: a header row with those column names.

    \b
    Example:
      provenance override import desk-corrections.toml
    """
    from .overrides import add_many, load_file

    ids = add_many(Store(store_path), load_file(file))
    out.print(f"{len(ids)} overrides added from {escape(file)}" + (f" (ids {ids[0]}-{ids[-1]})" if ids else ""),
              highlight=False)
