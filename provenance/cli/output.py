"""How commands that print rows print them: one ``--format`` option and one printer for all.

Every command that prints rows (``stats``, ``search``, ``override list``) takes
``--format table|json|jsonl|csv`` through :func:`output_options` and hands its rows to
:func:`emit` as named sections (polars frames), so the formats mean the same everywhere:

* ``table``: one rich table per section (what a person reads; the default);
* ``json``: one JSON document (the command's own shape, e.g. ``stats``' summary dict);
* ``jsonl``: one JSON object per row, with a ``section`` field when there are several sections;
* ``csv``: one CSV table with a header (only when the command printed one section; article text
  is neutralized so a spreadsheet runs no formula).

``--json`` stays as the alias it was before ``--format`` existed: ``json`` for ``stats``,
``jsonl`` for ``search`` and ``override list``. The ``--store`` option shared by every command is
here too, so its default and environment variable are written once.
"""

from __future__ import annotations

import functools
import io
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from provenance.errors import InputError
from provenance.store import DEFAULT_STORE, STORE_ENV

FORMATS = ("table", "json", "jsonl", "csv")

F = TypeVar("F", bound=Callable[..., Any])


def store_option(f: F) -> F:
    """``--store``: the DuckDB file, ``$PROVENANCE_STORE`` by default, else ``provenance.duckdb``."""
    return click.option(
        "--store", "store_path", envvar=STORE_ENV, default=DEFAULT_STORE, show_default=True,
        type=click.Path(dir_okay=False), help="DuckDB store file (env PROVENANCE_STORE).",
    )(f)


def output_options(*, json_alias: str) -> Callable[[F], F]:
    """``--format table|json|jsonl|csv`` and the ``--json`` alias (``json_alias``: what it meant here).

    The command receives one argument, ``output``: the chosen format.
    """
    if json_alias not in FORMATS:
        raise ValueError(f"json_alias must be one of {FORMATS}")

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def wrapped(*args: Any, as_json: bool, output: str | None, **kwargs: Any) -> Any:
            if as_json and output not in (None, json_alias):
                raise InputError(f"--json means --format {json_alias}; it cannot be combined with --format {output}")
            return f(*args, output=json_alias if as_json else output or "table", **kwargs)

        wrapped = click.option("--json", "as_json", is_flag=True, help=f"Same as --format {json_alias}.")(wrapped)
        wrapped = click.option("--format", "output", type=click.Choice(FORMATS), default=None,
                               help="How to print the rows: table (default), json (one document), jsonl (one "
                                    "object per row) or csv.")(wrapped)
        return wrapped  # type: ignore[return-value]

    return decorate


@dataclass
class Section:
    """Rows to print under a name, with how the table format shows them.

    ``labels`` renames columns in the table header; ``cells`` formats a column's values for the
    table (the default: :func:`cell`). Other formats print the values themselves.
    """

    name: str
    rows: pl.DataFrame
    title: str | None = None
    header: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    cells: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    #: Printed instead of an empty table ("" prints nothing; None prints the empty table).
    empty: str | None = None
    #: The columns the table shows (default: all; the other formats print every column).
    columns: Sequence[str] | None = None
    #: A one-row section shown as label/value lines (a summary), not as one wide row.
    transpose: bool = False


def cell(v: object) -> str:
    """A table cell: ``unknown`` for a missing value (Python's ``None`` was printed as a value)."""
    if v is None or (isinstance(v, float) and v != v):
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, list):
        return ", ".join(cell(x) for x in v)
    return str(v)


def emit(fmt: str, sections: Sequence[Section], *, document: Any = None, console: Console | None = None,
         ensure_ascii: bool = True) -> None:
    """Print ``sections`` as ``fmt``; ``document`` is what ``json`` prints (default: the sections' rows).

    ``ensure_ascii`` keeps each command's JSON byte for byte what it printed before ``--format``.
    """
    if fmt == "json":
        doc = document if document is not None else (
            sections[0].rows.to_dicts() if len(sections) == 1 else {s.name: s.rows.to_dicts() for s in sections})
        click.echo(json.dumps(doc, indent=2, default=str, ensure_ascii=ensure_ascii))
    elif fmt == "jsonl":
        for s in sections:
            for row in s.rows.to_dicts():
                line = {"section": s.name, **row} if len(sections) > 1 else row
                click.echo(json.dumps(line, default=str, ensure_ascii=ensure_ascii))
    elif fmt == "csv":
        if len(sections) != 1:
            names = ", ".join(s.name for s in sections)
            raise InputError(f"--format csv prints one table; this prints {len(sections)} ({names}): "
                             "use --format jsonl or json")
        from provenance.report.csv_format import neutralize_frame

        rows = sections[0].rows
        flat = rows.with_columns(pl.col(c).cast(pl.String) for c, t in rows.schema.items() if t.is_nested())
        buf = io.BytesIO()
        neutralize_frame(flat).write_csv(buf)
        sys.stdout.flush()
        click.echo(buf.getvalue().decode("utf-8"), nl=False)
    else:
        con = console or Console()
        for s in sections:
            if s.rows.height == 0 and s.empty is not None:
                if s.empty:
                    con.print(s.empty)
                continue
            con.print(table(s))


def table(s: Section) -> Table:
    """The rich table of a section (cells escaped: article text is not markup)."""
    rows = s.rows.select(s.columns) if s.columns is not None else s.rows
    if s.transpose:
        t = Table(title=s.title, show_header=False)
        for c, v in (rows.row(0, named=True) if rows.height else {}).items():
            t.add_row(escape(s.labels.get(c, c)), escape(s.cells.get(c, cell)(v)))
        return t
    t = Table(title=s.title, show_header=s.header)
    for c in rows.columns:
        t.add_column(s.labels.get(c, c))
    for row in rows.iter_rows(named=True):
        t.add_row(*(escape(s.cells.get(c, cell)(v)) for c, v in row.items()))
    return t
