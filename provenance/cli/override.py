"""``provenance override add|list|remove|import``: editorial corrections kept in the store."""

from __future__ import annotations

import click
import polars as pl
from rich.console import Console
from rich.markup import escape

from provenance.cli.output import Section, emit, output_options, store_option
from provenance.store import Store

out = Console()

_KIND_HELP = (
    "reject A B: the link between articles A and B (ids or URLs) is wrong; "
    "confirm A B: it is right; licence OUTLET AGENCY: the outlet carries the agency's copy under licence "
    "(its uncredited copies become 'licensed'); alias HOST OUTLET: articles of HOST are OUTLET's."
)


_store_option = store_option


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
    from provenance.trace.overrides import add

    oid = add(Store(store_path), kind, subject, object_, author=author, note=note)
    out.print(f"override {oid} added: {kind} {escape(subject)} {escape(object_)}", highlight=False)


@override.command("list")
@_store_option
@click.option("--all", "include_removed", is_flag=True, help="Include removed overrides.")
@output_options(json_alias="jsonl")
def list_cmd(store_path: str, include_removed: bool, output: str) -> None:
    """List the overrides (active ones unless --all).

    \b
    Example:
      provenance override list --all
      provenance override list --format csv > overrides.csv
    """
    from provenance.trace.overrides import listing

    df = listing(Store(store_path), include_removed=include_removed)
    if not include_removed:
        df = df.drop("removed_at", "removed_by")
    when = {c: _when for c, t in df.schema.items() if isinstance(t, pl.Datetime)}
    emit(output, [Section("overrides", df, title=f"{df.height} overrides", empty="no overrides",
                          labels={c: c.replace("_", " ") for c in df.columns},
                          cells={**{c: _text for c in df.columns}, **when})],
         console=out, ensure_ascii=False)


def _text(v: object) -> str:
    return "" if v is None else str(v)


def _when(v: object) -> str:
    """A time to the second, as the table has always shown it."""
    return "" if v is None else str(v)[:19]


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
    from provenance.trace.overrides import remove

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
    from provenance.trace.overrides import add_many, load_file

    ids = add_many(Store(store_path), load_file(file))
    out.print(f"{len(ids)} overrides added from {escape(file)}" + (f" (ids {ids[0]}-{ids[-1]})" if ids else ""),
              highlight=False)
