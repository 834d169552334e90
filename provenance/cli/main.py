"""The command line: a thin shell over the library.

Every command takes ``--store`` (default ``$PROVENANCE_STORE`` or
``provenance.duckdb``). Library errors become ``Error: ...`` on stderr and
exit code 1; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import click
import polars as pl
from rich.console import Console
from rich.markup import escape

from provenance import __version__, queries
from provenance.cli.output import Section, emit, output_options, store_option
from provenance.config import Config
from provenance.errors import InputError, ProvenanceError, StoreError
from provenance.queries import store_summary
from provenance.store import EXPORTABLE, Store

err = Console(stderr=True)
out = Console()


_store_option = store_option


def _redeliver_interrupt(unraisable: Any) -> None:
    """A Ctrl+C that lands inside a callback a library calls from compiled code (polars converting a
    dtype) cannot propagate there: Python prints it as "Exception ignored" and goes on, so the interrupt
    was lost. It is sent again instead, to stop the command at its next step. Not from here: a signal
    raised inside this hook fires inside it and is ignored the same way (a CI run printed that
    traceback), so a timer thread sends it a moment later, when the command is back in its own code."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        timer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
        timer.daemon = True
        timer.start()
        return
    sys.__unraisablehook__(unraisable)


class _Group(click.Group):
    """Turns ProvenanceError into a clean one-line error."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        sys.unraisablehook = _redeliver_interrupt
        try:
            return super().invoke(ctx)
        except ProvenanceError as e:
            err.print(f"[bold red]Error:[/] {e}", highlight=False, markup=True, soft_wrap=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="provenance")
def main() -> None:
    """Find who copied whom in a news corpus.

    \b
    Example:
      provenance ingest data/sample --store news.duckdb
      provenance stats --store news.duckdb
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_store_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "html", "txt", "warc", "zip"]),
              help="Read every path as this format instead of detecting it.")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Read our FIELD from the input's COLUMN, e.g. --map text=body (repeatable).")
@click.option("--quiet", is_flag=True, help="No progress display.")
@click.option("--batch-size", type=click.IntRange(min=1), default=150_000, show_default=True,
              help="Records per committed batch: bounds memory (1M ~450-word articles peaked at 6.6 GB "
                   "with 150k, 9.0 GB with 250k); "
                   "an interrupted run resumes at the first unfinished batch.")
@click.option("--max-record-chars", type=click.IntRange(min=1), default=5_000_000, show_default=True,
              help="Records whose text or HTML is longer are rejected (oversized_record) before any work.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: this process; spark: PySpark (needs `pip install provenance[spark]` and Java).")
@click.option("--master", default="local[2]", show_default=True, help="Spark master URL (with --engine spark).")
@click.option("--spark-out", type=click.Path(file_okay=False),
              help="Where the Spark run writes its Parquet datasets (with --engine spark); "
                   "default: a folder next to the store. It is then imported into --store.")
@click.option("--threshold", type=float, help="New store only: Jaccard at which whole articles become "
              "candidates (default 0.5).")
@click.option("--shingle-size", type=int, help="New store only: words per shingle (default 5).")
@click.option("--min-containment", type=float, help="New store only: share of the smaller article that makes "
              "a pair reuse (default 0.5).")
@click.option("--min-shared", type=int, help="New store only: shared shingles that make a pair reuse whatever "
              "its share (default 60).")
@click.option("--no-rewrites", is_flag=True, help="New store only: find copies only, not rewrites (no sourced "
              "share; faster).")
@click.option("--window", type=float, help="New store only: days before an article in which the sources of a "
              "rewrite are looked for (default 3).")
@click.option("--dry-run", is_flag=True, help="Report what this ingest would find, without changing the store "
              "(runs on a temporary copy of it).")
@click.option("--agencies", "agencies", type=click.Path(exists=True, dir_okay=False),
              help="TOML (or YAML) of agencies and their sites, merged with the built-in registry and kept "
                   "in the store for later ingests, reports and the dashboard, e.g. "
                   "[[agency]] name = \"IANS\" domains = [\"wire-ians.test\"].")
def ingest(paths: tuple[str, ...], store_path: str, fmt: str | None, mappings: tuple[str, ...], quiet: bool,
           batch_size: int, max_record_chars: int, engine: str, master: str, spark_out: str | None,
           threshold: float | None, shingle_size: int | None, min_containment: float | None,
           min_shared: int | None, no_rewrites: bool, window: float | None, dry_run: bool,
           agencies: str | None) -> None:
    """Add articles from files or folders and link them to the stored ones.

    PATHS are JSONL, CSV or Parquet files (plain or .gz), web archives
    (.warc/.arc, plain or .gz: their HTML captures), zip files (read as the
    folder they pack) and folders of .html/.htm/.txt pages. Re-ingesting a file adds nothing (identity comes
    from the id, URL, or file and line; `provenance reclean` re-cleans stored
    texts in place). One ingest per store at a time.

    \b
    Example:
      provenance ingest feed.jsonl pages/ --store news.duckdb --map text=body
    """
    from provenance.engine.pipeline import ingest as run
    from provenance.engine.pipeline import progress_display

    field_map = {}
    for m in mappings:
        if "=" not in m:
            raise InputError(f"--map expects FIELD=COLUMN, got {m!r}")
        k, v = m.split("=", 1)
        field_map[k.strip()] = v.strip()
    for p in paths:
        if not Path(p).exists():
            raise InputError(f"no such file or folder: {p}")
    from provenance.lock import check_store_path

    check_store_path(Path(store_path))  # a bad --store fails now, not after the whole run
    store = Store(store_path)
    from provenance.engine.newstore import config_for
    from provenance.engine.newstore import dry_run as on_copy

    config = config_for(store, {"threshold": threshold, "shingle_size": shingle_size,
                                "min_containment": min_containment, "min_shared": min_shared,
                                "rewrites": False if no_rewrites else None, "window": window})
    if engine == "spark":
        ctx = click.get_current_context()
        local_only = [f"--{name.replace('_', '-')}" for name in ("batch_size", "max_record_chars", "agencies", "dry_run")
                      if ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)]
        if local_only:  # refused, never dropped: the Spark engine reads every input at once and has no such step
            raise InputError(f"{', '.join(local_only)}: not supported by --engine spark (local engine only)")
        _ingest_spark(paths, store, config=config, quiet=quiet, fmt=fmt, field_map=field_map or None, master=master,
                      spark_out=spark_out)
        return

    def go(target: Store):  # type: ignore[no-untyped-def]
        if quiet:
            return run(paths, store=target, config=config, format=fmt, field_map=field_map or None,
                       batch_size=batch_size, agencies=agencies,
                       max_record_chars=max_record_chars)
        with progress_display(err) as progress:
            return run(paths, store=target, config=config, format=fmt, field_map=field_map or None,
                       progress=progress, batch_size=batch_size, agencies=agencies,
                       max_record_chars=max_record_chars)

    if dry_run:
        report, found = on_copy(store, go)
        out.print(f"dry run, {store_path} unchanged: would add {report.added:,} articles from {report.read:,} records "
                  f"({report.already_present:,} already in the store) with {report.pairs_added:,} reuse pairs; "
                  f"{report.clusters_touched:,} clusters new or grown", highlight=False)
        for c in found["clusters"]:
            out.print(f"  cluster {c['cluster_id']}: {c['articles']} articles ({c['new_articles']} new), "
                      f"{c['outlets']} outlets: {escape(str(c['first_title'] or ''))[:80]}", highlight=False)
        for action, reason, n, where in report.reject_summary():
            out.print(f"would be {action} {n:,}: {reason} ({', '.join(where)}{', ...' if n > len(where) else ''})",
                      highlight=False)
        return
    report = go(store)
    out.print(
        f"ingested {report.added:,} new articles from {report.read:,} records "
        f"({report.already_present:,} already in the store); {report.pairs_added:,} reuse pairs; "
        f"{report.clusters_touched:,} clusters new or grown; store version {report.store_version}",
        highlight=False,
    )
    if report.added == 0 and report.already_present:
        out.print("nothing new: every article was already in the store", highlight=False)
    for action, reason, n, where in report.reject_summary():
        shown = ", ".join(where) + (", ..." if n > len(where) else "")
        out.print(f"{action} {n:,}: {reason} ({shown})", highlight=False)


def _ingest_spark(paths: tuple[str, ...], store: Store, *, config: Config | None, quiet: bool, fmt: str | None,
                  field_map: dict[str, str] | None, master: str, spark_out: str | None) -> None:
    """Run the pipeline on Spark into Parquet datasets, then load them into a new store.

    The run uses the detection settings given on the command line, else the defaults: the store is
    new, so it has none of its own yet.
    """
    try:
        from provenance.engine.spark import run_spark
    except ImportError as e:
        raise InputError(f"--engine spark needs PySpark: pip install 'provenance[spark]' ({e})") from e
    from provenance.engine.importer import import_run

    if store.exists():
        raise InputError(f"--engine spark builds a new store; {store.path} exists (choose another --store)")
    out_dir = Path(spark_out) if spark_out else store.path.with_suffix(".spark")
    result = run_spark(list(paths), out_dir, config=config or store.state().config or Config(), master=master,
                       format=fmt, field_map=field_map, quiet=quiet)
    import_run(out_dir, store)
    out.print(f"spark run written to {out_dir} and imported into {store.path}: {json.dumps(result, default=str)[:400]}",
              highlight=False)


@main.command("import")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@_store_option
def import_(run_dir: str, store_path: str) -> None:
    """Load a Spark run's Parquet output into a (new) store for the dashboard and reports.

    \b
    Example:
      provenance import runs/2026-11-25 --store news.duckdb
    """
    from provenance.engine.importer import import_run

    import_run(run_dir, Store(store_path))
    out.print(f"imported {run_dir} into {store_path}", highlight=False)


@main.command()
@_store_option
@click.option("--outlet", help="Profile one outlet.")
@click.option("--agency", help="Profile one agency.")
@output_options(json_alias="json")
def stats(store_path: str, outlet: str | None, agency: str | None, output: str) -> None:
    """Summarize the store: articles, outlets, reuse pairs, clusters, rejects.

    \b
    Example:
      provenance stats --store news.duckdb
      provenance stats --store news.duckdb --outlet ANI --format csv
    """
    store = Store(store_path)
    if outlet or agency:
        _profile(store, outlet=outlet, agency=agency, output=output)
        return
    summary = store_summary(store)
    figures = {k: v for k, v in summary.items() if not isinstance(v, list)}
    largest = pl.DataFrame(summary["largest_clusters"] or None,
                           schema=None if summary["largest_clusters"] else LARGEST_CLUSTER_COLUMNS)
    emit(output, [
        Section("summary", pl.DataFrame([figures]), title=f"provenance store {store_path}", transpose=True,
                labels={k: k.replace("_", " ") for k in figures}),
        Section("largest_clusters", largest, title="largest clusters", empty=""),
    ], document=summary, console=out)


#: The columns of ``stats``' largest clusters (what ``queries.store_summary`` reads).
LARGEST_CLUSTER_COLUMNS = ["cluster_id", "articles", "outlets", "first_title"]


def _profile(store: Store, *, outlet: str | None, agency: str | None, output: str) -> None:
    """An outlet's or an agency's analytics, read for that entity only."""
    from provenance.trace.analytics import agency_profile, outlet_profile, outlet_table
    from provenance.trace.attribution import load_registry

    if outlet and agency:
        raise InputError("give one of --outlet or --agency")
    if outlet:
        arts = queries.outlet_articles(store, outlet)
        if arts.height == 0:
            raise InputError(f"no articles from outlet {outlet!r} in the store")
        lin = queries.lineage_of(store, arts["article_id"])
        summary, detail = outlet_table(arts, lin), outlet_profile(outlet, arts, lin)
        title = f"outlet {outlet}"
    else:
        assert agency is not None
        name = load_registry(entries=store.agencies()).canonical(agency) or agency
        lin = queries.lineage_via_agency(store, name)
        if lin.height == 0:
            raise InputError(f"no article in the store came through agency {agency!r}")
        arts = queries.outlets_of(store, lin["article_id"])
        summary, detail = None, agency_profile(name, arts, lin)
        title = f"agency {name}: {detail['articles'].sum():,} copies by {detail.height:,} outlets"
    sections = [Section(label, frame, title=name, labels={c: c.replace("_", " ") for c in frame.columns})
                for frame, label, name in ((summary, "summary", title),
                                           (detail, "detail", "by agency" if outlet else title)) if frame is not None]
    emit(output, sections, console=out, document={"summary": summary.to_dicts() if summary is not None else None,
                                                  "detail": detail.to_dicts()})


@main.command()
@_store_option
@click.option("--text", help="The text to look for.")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False), help="Read the text from a file.")
@click.option("--limit", default=20, show_default=True, help="How many matches at most.")
@output_options(json_alias="jsonl")
def search(store_path: str, text: str | None, file: str | None, limit: int, output: str) -> None:
    """Find stored articles that share text with a pasted passage.

    \b
    Example:
      provenance search --store news.duckdb --text "Seoul, Oct 16 South Korean officials said ..."
    """
    from provenance.detect.search import search as run

    if (text is None) == (file is None):
        raise InputError("give exactly one of --text or --file")
    if file is not None:
        text = Path(file).read_text(encoding="utf-8", errors="replace")
    assert text is not None
    hits = run(text, store=Store(store_path), limit=limit)
    share = "{:.2f}".format
    emit(output, [Section(
        "matches", hits, title=f"{hits.height} matches", empty="no stored article shares text with this passage",
        columns=["article_id", "outlet", "title", "cluster_id", "jaccard", "containment_query_in_article", "reuse"],
        labels={"containment_query_in_article": "query in article"},
        cells={"article_id": str, "outlet": lambda v: v or "", "title": lambda v: (v or "")[:60],
               "cluster_id": lambda v: "" if v is None else str(v), "jaccard": share,
               "containment_query_in_article": share, "reuse": lambda v: "yes" if v else ""},
    )], console=out)


@main.command()
@click.argument("table", type=click.Choice(sorted(EXPORTABLE)))
@_store_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "json"]), default="jsonl",
              show_default=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write; - writes to standard output.")
@click.option("--cluster", type=int, help="Only rows about this cluster's articles.")
@click.option("--outlet", help="Only rows about this outlet's articles (a pair: either side).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Only articles published at or after this UTC date/time.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Only articles published before this UTC date/time.")
def export(table: str, store_path: str, fmt: str, out_path: str, cluster: int | None, outlet: str | None,
           since: datetime | None, until: datetime | None) -> None:
    """Write a table of the store to a file, readable alone.

    ``pairs`` carries both sides' outlet, URL, title and published time;
    ``articles``, ``credits`` and ``lineage`` carry the cluster id.

    \b
    Example:
      provenance export pairs --store news.duckdb --format csv --out pairs.csv
      provenance export articles --outlet ANI --since 2024-10-14 --out - | head
    """
    from provenance.exports import Filters, export_frame

    utc = {k: v.replace(tzinfo=UTC) if v is not None else None for k, v in (("since", since), ("until", until))}
    df = export_frame(Store(store_path), table, Filters(cluster=cluster, outlet=outlet, **utc))
    if out_path == "-":
        buf = io.BytesIO()
        write_frame(df, buf, fmt)
        sys.stdout.buffer.write(buf.getvalue())
        sys.stdout.buffer.flush()
        err.print(f"wrote {df.height:,} rows of {table} to standard output", highlight=False)
        return
    write_frame(df, Path(out_path), fmt)
    out.print(f"wrote {df.height:,} rows of {table} to {out_path}", highlight=False)


@main.command()
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only.")
@click.option("--port", default=8501, show_default=True, type=int)
def dashboard(store_path: str, host: str, port: int) -> None:
    """Explore the store in the Streamlit dashboard (Ctrl+C stops it).

    \b
    Example:
      provenance dashboard --store news.duckdb --port 8501
    """
    from provenance.cli.dashboard import serve

    if not Path(store_path).exists():
        raise InputError(f"no store at {store_path} (run `provenance ingest` first)")
    store = Store(store_path)
    if not store.summaries_current():  # a store written before the dashboard's status tables existed
        try:
            out.print("building the dashboard's status tables once…", highlight=False)
            store.refresh_summaries()
        except StoreError as e:  # another process is writing: the pages compute the same figures live
            out.print(f"skipped ({e}); pages compute them live", highlight=False)
    out.print(f"dashboard on http://{host}:{port}  (store {store_path}; Ctrl+C stops it)", highlight=False)
    sys.exit(serve(store_path, host=host, port=port))


@main.command()
@_store_option
@click.option("--outlet", help="Only this outlet's articles (reclean a big store one outlet at a time).")
def reclean(store_path: str, outlet: str | None) -> None:
    """Clean stored texts again with the chrome the store knows now, in place.

    Re-ingesting a page adds nothing (it is already present); when later
    pages taught the store more of an outlet's chrome, this updates the
    earlier texts, their pairs, clusters and lineage in one transaction.

    \b
    Example:
      provenance reclean --store news.duckdb --outlet dailyexample.com
    """
    from provenance.engine.reclean import reclean as run

    rep = run(Store(store_path), outlet=outlet)
    if rep.changed == 0:
        out.print(f"checked {rep.checked:,} articles: no text changed; the store is unchanged", highlight=False)
        return
    out.print(
        f"checked {rep.checked:,} articles, {rep.changed:,} texts re-cleaned; their pairs {rep.pairs_before:,} -> "
        f"{rep.pairs_after:,}; {rep.clusters_touched:,} clusters recomputed; store version {rep.store_version}",
        highlight=False,
    )


def _attach_report() -> None:
    from provenance.cli.report import report

    main.add_command(report)


_attach_report()


def _attach_explain() -> None:
    from provenance.cli.explain import explain
    from provenance.cli.override import override

    main.add_command(explain)
    main.add_command(override)


_attach_explain()


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True}, add_help_option=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Benchmarks: e2e (ours vs datasketch, same run), scale, spark, chart (`provenance bench --help`).

    \b
    Example:
      provenance bench e2e --n 20000
      provenance bench scale --n 1000000
      provenance bench chart bench-out/scale-1000000.json
    """
    from provenance.tools.bench import main as run

    run(list(args))


def write_frame(df: pl.DataFrame, path: Path | IO[bytes], fmt: str) -> None:
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        df.write_ndjson(path)
    elif fmt == "json":
        df.write_json(path)
    elif fmt == "csv":
        from provenance.report.csv_format import neutralize_frame

        flat = df.with_columns(pl.col(c).cast(pl.String) for c, t in df.schema.items() if t.is_nested())
        neutralize_frame(flat).write_csv(path)  # article text is untrusted: no live formulas
    else:
        df.write_parquet(path)


if __name__ == "__main__":
    main()
