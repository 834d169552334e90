"""``provenance report``: write a cluster, outlet or agency report, or every one of them.

A thin shell over :mod:`provenance.report`. Output paths are safe whatever
the data: with ``--all`` (or when ``--out`` is a folder) file names come from
cluster ids and outlet/agency names through
:func:`provenance.report.paths.safe_name`, and every path is checked to stay
inside the chosen folder. ``--all`` streams: one entity is read, rendered and
written at a time, from one store snapshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from provenance.cli.output import store_option
from provenance.errors import InputError, ProvenanceError
from provenance.report import FORMATS, build_report, iter_reports, report_digest, write_report
from provenance.report.paths import UnsafePathError, safe_join, safe_name

__all__ = ["report", "entity_path", "write_all"]

_FOLDERS = {"cluster": "clusters", "outlet": "outlets", "agency": "agencies"}


def entity_file_name(kind: str, key: Any, fmt: str) -> str:
    """The safe file (or, for csv, folder) name of one entity's report."""
    base = safe_name(key, prefix="cluster-") if kind == "cluster" else safe_name(key)
    return base + FORMATS[fmt]


def entity_path(root: str | Path, kind: str, key: Any, fmt: str, *, used: set[str] | None = None) -> Path:
    """``root/<kind folder>/<safe name>.<ext>``, never outside ``root``.

    ``used`` (case-folded relative paths already written) disambiguates names
    that only differ in case, for case-insensitive file systems.
    """
    folder = _FOLDERS[kind]
    name = entity_file_name(kind, key, fmt)
    if used is not None:
        rel = f"{folder}/{name}".casefold()
        if rel in used:
            stem = name[: -len(FORMATS[fmt])] if FORMATS[fmt] else name
            name = safe_name(f"{stem}-{len(used)}") + FORMATS[fmt]
            rel = f"{folder}/{name}".casefold()
        used.add(rel)
    return safe_join(root, folder, name)


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[current]}", style="dim"), TimeElapsedColumn(), console=console, transient=False,
    )


def write_all(store_path: str, fmt: str, out_dir: str | Path, *, progress: Progress | None = None,
              skipped: list[tuple[str, Any, str]] | None = None, versions: set[Any] | None = None,
              ) -> dict[str, Any]:
    """Write every cluster, outlet and agency report into ``out_dir``, then the index.

    Returns the index (corpus) report, whose ``files`` list every report
    written. ``skipped`` collects entities that vanished during the run;
    ``versions`` the store versions the reports were read from (more than one
    when an ingest ran meanwhile).
    """
    skipped = [] if skipped is None else skipped
    versions = set() if versions is None else versions
    root = Path(out_dir)
    if root.exists() and not root.is_dir():
        raise InputError(f"--out {out_dir} exists and is not a folder (--all writes a folder)")
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    tasks: dict[str, Any] = {}
    used: set[str] = set()
    files: list[dict[str, Any]] = []
    for kind, key, rep in iter_reports(store_path, counts=counts, skipped=skipped):
        versions.add(rep["generated"]["store_version"])
        if progress is not None and not tasks:
            for k in ("cluster", "outlet", "agency"):
                tasks[k] = progress.add_task(_FOLDERS[k], total=counts.get(k, 0), current="")
        if kind == "corpus":
            rep["corpus"]["files"] = files
            rep["digest"] = report_digest(rep)
            index = safe_join(root, "index" + FORMATS[fmt])
            write_report(rep, fmt, index)
            return rep
        path = entity_path(root, kind, key, fmt, used=used)
        write_report(rep, fmt, path)
        files.append({"kind": kind, "key": key, "title": rep["title"],
                      "file": path.relative_to(root).as_posix()})
        if progress is not None:
            progress.update(tasks[kind], advance=1, current=str(key)[:40])
    raise ProvenanceError("the store yielded no index report")  # pragma: no cover


def _single_target(out_path: str, kind: str, key: Any, fmt: str) -> Path:
    """``--out`` as given, or a safe file name inside it when it is a folder (or ends with /)."""
    p = Path(out_path)
    if out_path.endswith(("/", "\\")) or (p.is_dir() and fmt != "csv"):
        p.mkdir(parents=True, exist_ok=True)
        return safe_join(p, entity_file_name(kind, key, fmt))
    return p


@click.command("report")
@store_option
@click.option("--cluster", "cluster", type=int, help="Report on this cluster id.")
@click.option("--outlet", help="Report on this outlet.")
@click.option("--agency", help="Report on this agency (name or alias).")
@click.option("--all", "all_", is_flag=True, help="Every cluster, outlet and agency, plus an index, into --out.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="html", show_default=True,
              help="html (self-contained), pdf, json (with a published schema), csv (a folder of tables) or md.")
@click.option("--out", "out_path", required=True, type=click.Path(),
              help="File to write; a folder for csv and --all (file names then come from the data, made safe).")
@click.option("--quiet", is_flag=True, help="No progress display.")
def report(store_path: str, cluster: int | None, outlet: str | None, agency: str | None, all_: bool, fmt: str,
           out_path: str, quiet: bool) -> None:
    """Write an evidence report on a cluster, an outlet or an agency, or on everything.

    Reports carry the tool and store versions, the detection config, the
    generation time and the xxh64 hash of every text compared.

    \b
    Examples:
      provenance report --store news.duckdb --cluster 42 --format html --out cluster-42.html
      provenance report --store news.duckdb --outlet "Daily Example" --format pdf --out daily.pdf
      provenance report --store news.duckdb --all --format html --out reports/
    """
    err = Console(stderr=True)
    chosen = sum(x is not None for x in (cluster, outlet, agency)) + int(all_)
    if chosen != 1:
        raise click.UsageError("give exactly one of --cluster, --outlet, --agency or --all")
    try:
        if not Path(store_path).exists():
            raise InputError(f"no store at {store_path} (run `provenance ingest` first)")
        if all_:
            skipped: list[tuple[str, Any, str]] = []
            versions: set[Any] = set()
            if quiet:
                idx = write_all(store_path, fmt, out_path, skipped=skipped, versions=versions)
            else:
                with _progress(err) as progress:
                    idx = write_all(store_path, fmt, out_path, progress=progress, skipped=skipped,
                                    versions=versions)
            click.echo(f"wrote {len(idx['corpus']['files']):,} reports and the index "
                       f"{Path(out_path) / ('index' + FORMATS[fmt])}")
            for kind, key, reason in skipped:
                click.echo(f"skipped {kind} {key}: {reason}", err=True)
            if len(versions) > 1:
                click.echo(f"note: the store changed during the run (versions {sorted(versions, key=str)}); "
                           "each report records the version it read", err=True)
            return
        rep = build_report(store_path, cluster=cluster, outlet=outlet, agency=agency)
        kind = rep["kind"]
        key = {"cluster": cluster, "outlet": outlet, "agency": rep.get("agency", {}).get("agency")}[kind]
        target = _single_target(out_path, kind, key, fmt)
        written = write_report(rep, fmt, target)
        click.echo(f"wrote {written}")
    except UnsafePathError as e:
        raise click.ClickException(str(e)) from e
    except ProvenanceError as e:
        raise click.ClickException(str(e)) from e

