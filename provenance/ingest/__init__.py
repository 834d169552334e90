"""Reading inputs: files and folders of any supported format into one RAW frame.

``read_sources`` owns finding the files, telling their formats apart and
handing each to its reader (``jsonl``, ``tabular``, ``pages``, ``warc``); the readers own
their format's details. Everything a reader could not use ends up in the
REJECTS frame with a reason; only unusable *arguments* raise
:class:`~provenance.errors.InputError`: a path that does not exist, an unknown
``format=``, a ``field_map`` naming an unknown field or missing column, or a
table/feed with no text or html column at all.

Format detection, per file: ``format=`` when given; else the extension under
an optional ``.gz`` (``.jsonl .ndjson .json`` -> jsonl, ``.csv``, ``.tsv``,
``.parquet .pq``, ``.html .htm .xhtml``, ``.txt .text``, ``.warc .arc``, ``.zip``); else the content
(Parquet magic, a leading ``{``/``[``, an HTML tag, a WARC or ARC header; a zip's, for a name without
an extension). A zip is read as the folder it packs (:func:`_read_zip`). Files that are none of
these are rejected (``binary_file`` or ``unknown_format``) and reading goes on.
Folders are walked recursively in sorted order, not following symlinked
folders; hidden files and folders (``.name``) are skipped silently.

Unknown columns/fields are not errors: each file reports them once as an
``unknown_fields`` reject with action ``ignored`` (repeated CSV columns as
``duplicate_column``, ``ignored``), so the REJECTS frame is the one place a
user sees what was not read.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from provenance.errors import InputError
from provenance.ingest._common import (
    FIELD_SYNONYMS,
    looks_binary,
    reject,
    rejects_frame,
    resolve_fields,
    select_fields,
)
from provenance.ingest.jsonl import iter_jsonl, keys_in_sample, read_jsonl, read_lines_chunk
from provenance.ingest.pages import folder_outlet, looks_html, read_page
from provenance.ingest.tabular import (
    finish_table,
    iter_parquet,
    read_csv,
    read_parquet,
    string_column,
)
from provenance.ingest.warc import is_warc_head, iter_warc, read_warc
from provenance.schemas import RAW, REJECTS, conform

#: The reading interface. ``read_sources``/``iter_sources`` for a run; the rest are the pieces the
#: Spark engine reads its units with (a file, a byte range of JSON lines, row groups of Parquet),
#: so a unit is read by the same code, with the same rejects, as the local engine reads it.
__all__ = [
    "read_sources", "iter_sources", "FORMATS", "EXTENSIONS", "sniff_format", "walk_folder", "read_file",
    "FIELD_SYNONYMS", "reject", "rejects_frame", "resolve_fields", "select_fields",
    "keys_in_sample", "read_lines_chunk", "finish_table", "string_column",
]

#: Accepted ``format=`` values and the reader format they select.
FORMATS = {
    "jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl",
    "csv": "csv", "tsv": "tsv", "parquet": "parquet",
    "html": "html", "htm": "html", "txt": "txt", "text": "txt", "warc": "warc", "arc": "warc", "zip": "zip",
}
EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".jsonlines": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "txt", ".text": "txt",
    ".warc": "warc", ".arc": "warc", ".zip": "zip",
}


def read_sources(
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    field_map: Mapping[str, str] | None = None,
    progress: Any = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read every file under ``paths``: ``(RAW frame, REJECTS frame)``.

    ``format`` forces one format for every file (see ``FORMATS``);
    ``field_map`` maps our field to the input's column (``{"text": "body"}``)
    and wins over the built-in synonyms. ``progress`` is an optional
    ``rich.progress.Progress`` (anything with ``add_task``/``update``/``advance``):
    one task advances per file.
    """
    parts = list(iter_sources(paths, format=format, field_map=field_map, progress=progress))
    raws = [r for r, _ in parts if r.height]
    rejects = [j for _, j in parts if j.height]
    raw_out = pl.concat(raws, how="vertical") if raws else pl.DataFrame(schema=RAW)
    rej_out = pl.concat(rejects, how="vertical") if rejects else pl.DataFrame(schema=REJECTS)
    return raw_out, rej_out


def iter_sources(
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    field_map: Mapping[str, str] | None = None,
    progress: Any = None,
    batch_records: int | None = None,
    skip: Sequence[str | Path] = (),
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """:func:`read_sources` in pieces of about ``batch_records`` records (all at once if None).

    Pieces follow the order ``read_sources`` gives: data files' rows in file
    order (a web archive's pages are its rows), then the pages. Big Parquet files stream by row
    groups, big JSON-lines files (plain or gzip) by chunks of lines and web archives (any size)
    record by record; CSV and TSV files are
    read whole (a quoted field may span lines), so a huge one still needs its
    size in memory: convert it to Parquet or JSON lines. Argument errors are
    raised before the first piece. Files in ``skip`` (the store's own files, when
    it lives in the folder being read) are passed over while walking a folder.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    fmt_override = None
    if format is not None:
        fmt_override = FORMATS.get(format.lower().lstrip("."))
        if fmt_override is None:
            raise InputError(f"unknown format {format!r}; use one of: {', '.join(sorted(FORMATS))}")
    jobs: list[tuple[str, Path, str | None]] = []  # (given root, file, relative path or None)
    passed_over = {os.path.realpath(s) for s in skip}
    for p in paths:
        given = str(p)
        path = Path(p)
        if not path.exists():
            raise InputError(f"input path does not exist: {given}")
        if path.is_dir():
            for f in walk_folder(path):
                if not passed_over or os.path.realpath(f) not in passed_over:
                    jobs.append((given, f, f.relative_to(path).as_posix()))
        else:
            jobs.append((given, path, None))

    task = None
    if progress is not None:
        task = progress.add_task("Reading", total=len(jobs))
    limit = batch_records or 0
    raws: list[pl.DataFrame] = []
    rejects: list[pl.DataFrame] = []
    held = 0
    page_rows: list[dict] = []
    page_rejects: list[dict] = []

    yielded = False

    def flush() -> tuple[pl.DataFrame, pl.DataFrame]:
        nonlocal raws, rejects, held, yielded
        yielded = True
        out = (
            pl.concat(raws, how="vertical") if raws else pl.DataFrame(schema=RAW),
            pl.concat(rejects, how="vertical") if rejects else pl.DataFrame(schema=REJECTS),
        )
        raws, rejects, held = [], [], 0
        return out

    for given, f, rel in jobs:
        try:
            stream = _stream_format(f, fmt_override) if limit else None
            if stream is not None:
                reader = {"parquet": iter_parquet, "jsonl": iter_jsonl, "warc": iter_warc}[stream]
                pieces: Iterable[tuple[pl.DataFrame | None, pl.DataFrame | None]] = reader(
                    f, source=given if rel is None else os.path.join(given, rel), field_map=field_map,
                    batch_records=limit,
                )
            else:
                pieces = [read_file(given, f, rel, fmt_override, field_map, page_rows, page_rejects)]
            for raw, rej in pieces:
                if raw is not None and raw.height:
                    raws.append(raw)
                    held += raw.height
                if rej is not None and rej.height:
                    rejects.append(rej)
                if limit and held >= limit:
                    yield flush()
        except InputError as e:
            if rel is None:  # a file the user named: its problem is the whole input's
                raise
            # A table found while walking a folder (a truth file, a manifest) is not an
            # article file: say so and read the rest of the folder.
            rejects.append(rejects_frame([reject(os.path.join(given, rel), None, "not_articles", str(e))]))
        if progress is not None:
            progress.update(task, advance=1)
    if page_rows:
        raws.append(conform(pl.DataFrame(page_rows, schema={k: pl.String for k in RAW}), RAW))
    if page_rejects:
        rejects.append(rejects_frame(page_rejects))
    if raws or rejects or not yielded:  # always at least one piece, empty or not
        yield flush()


def walk_folder(root: Path):
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def read_file(
    given: str,
    f: Path,
    rel: str | None,
    fmt_override: str | None,
    field_map: Mapping[str, str] | None,
    page_rows: list[dict],
    page_rejects: list[dict],
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    # Data files (one record per line/row) are named by their own path; pages by
    # the root given plus their path below it.
    file_source = given if rel is None else os.path.join(given, rel)
    page_source, page_loc = (given, rel) if rel is not None else (given, f.name)
    name = f.name.lower()
    gz = name.endswith(".gz")
    stem = name[:-3] if gz else name
    ext = os.path.splitext(stem)[1]
    declared = fmt_override or EXTENSIONS.get(ext)
    if declared == "warc":  # streamed from disk, never read whole
        return read_warc(f, source=file_source)
    if declared == "zip" or (declared is None and not ext and _is_zip(f)):
        return _read_zip(f, file_source, fmt_override, field_map, page_rows, page_rejects)
    try:
        data = f.read_bytes()
    except OSError as e:
        return None, rejects_frame([reject(file_source, None, "unreadable_file", str(e))])
    return _read_bytes(data, name, file_source, page_source, page_loc, rel, fmt_override, field_map, page_rows,
                       page_rejects)


def _read_bytes(
    data: bytes, name: str, file_source: str, page_source: str, page_loc: str, rel: str | None,
    fmt_override: str | None, field_map: Mapping[str, str] | None, page_rows: list[dict], page_rejects: list[dict],
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """One file's bytes (``name`` its lowercased name, for the format), gunzipped if need be, to its reader."""
    gz = name.endswith(".gz")
    ext = os.path.splitext(name[:-3] if gz else name)[1]
    cut: str | None = None
    if gz or data[:2] == b"\x1f\x8b":
        data, cut = gunzip_partial(data)
        if cut is not None and not data:
            return None, rejects_frame([reject(file_source, None, "corrupt_file", f"bad gzip data: {cut}")])
    fmt = fmt_override or EXTENSIONS.get(ext) or sniff_format(data)
    if cut is not None:
        if fmt not in ("jsonl", "csv", "tsv"):  # a page or a Parquet file cut short is not usable
            return None, rejects_frame([reject(file_source, page_loc if fmt in ("html", "txt") else None,
                                               "corrupt_file", f"gzip data cut short ({cut}); file not read")])
        data = data[: data.rfind(b"\n") + 1]  # the last line may be cut mid-record
        raw, rej = _read_file_data(data, file_source, page_source, page_loc, rel, fmt, field_map, page_rows,
                                   page_rejects)
        note = rejects_frame([reject(
            file_source, None, "corrupt_file",
            f"gzip data cut short after {len(data):,} decompressed bytes ({cut}); "
            "the records before the cut were kept, the rest of the file is lost",
        )])
        return raw, note if rej is None else pl.concat([rej, note])
    return _read_file_data(data, file_source, page_source, page_loc, rel, fmt, field_map, page_rows, page_rejects)


#: A zip member above this (uncompressed) is not read: a zip bomb or a file no record could come from.
MAX_ZIP_MEMBER_BYTES = 2 << 30


def _is_zip(f: Path) -> bool:
    try:
        with f.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _read_zip(
    f: Path, file_source: str, fmt_override: str | None, field_map: Mapping[str, str] | None,
    page_rows: list[dict], page_rejects: list[dict],
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """A zip file read as the folder it packs: every member (in name order, hidden ones and macOS's
    ``__MACOSX`` passed over) as a file of its own. A data member is named ``ZIP/member``; a page's
    source is the zip and its locator the member's path, whose folder gives the outlet as a folder's
    would. Nothing is extracted to disk. Members are read one at a time; a zip inside a zip is not
    opened (``nested_archive``)."""
    import zipfile

    raws: list[pl.DataFrame] = []
    rejects: list[pl.DataFrame] = []
    fmt_override = None if fmt_override == "zip" else fmt_override  # --format zip names the zip, not its members
    try:
        zf = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, OSError) as e:
        return None, rejects_frame([reject(file_source, None, "corrupt_file", f"not a readable zip file: {e}")])
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            member = info.filename
            parts = member.split("/")
            if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts if p):
                continue
            if info.file_size > MAX_ZIP_MEMBER_BYTES:
                rejects.append(rejects_frame([reject(file_source, member, "oversized_file",
                                                     f"{info.file_size:,} bytes uncompressed; not read")]))
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(MAX_ZIP_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as e:
                rejects.append(rejects_frame([reject(file_source, member, "corrupt_file", f"member not readable: {e}")]))
                continue
            if data[:4] == b"PK\x03\x04":
                rejects.append(rejects_frame([reject(file_source, member, "nested_archive",
                                                     "a zip inside a zip is not opened; unpack it")]))
                continue
            try:
                raw, rej = _read_bytes(data, parts[-1].lower(), os.path.join(file_source, member), file_source,
                                       member, member, fmt_override, field_map, page_rows, page_rejects)
            except InputError as e:  # a truth file or manifest packed with the articles, as in a folder
                raw, rej = None, rejects_frame([reject(os.path.join(file_source, member), None, "not_articles", str(e))])
            if raw is not None and raw.height:
                raws.append(raw)
            if rej is not None and rej.height:
                rejects.append(rej)
    return (pl.concat(raws, how="vertical") if raws else None,
            pl.concat(rejects, how="vertical") if rejects else None)


def gunzip_partial(data: bytes) -> tuple[bytes, str | None]:
    """Decompress gzip ``data`` (every member): ``(bytes, None)``, or what came before a break and why it broke."""
    out: list[bytes] = []
    rest = data
    try:
        while rest:
            d = zlib.decompressobj(wbits=31)
            out.append(d.decompress(rest))
            if not d.eof:
                return b"".join(out), "compressed stream ends before its end marker"
            rest = d.unused_data.lstrip(b"\x00")
    except zlib.error as e:
        return b"".join(out), str(e)
    return b"".join(out), None


def _read_file_data(
    data: bytes,
    file_source: str,
    page_source: str,
    page_loc: str,
    rel: str | None,
    fmt: str | None,
    field_map: Mapping[str, str] | None,
    page_rows: list[dict],
    page_rejects: list[dict],
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    if fmt is None:
        if not data[:65536].strip() and not data.strip():
            why = ("empty_file", "file is empty")
        elif looks_binary(data):
            why = ("binary_file", "binary content of no supported format")
        else:
            why = ("unknown_format", "not a recognised input format; pass format= (--format)")
        return None, rejects_frame([reject(file_source, None, *why)])
    if fmt == "warc":
        return read_warc(data, source=file_source)
    if fmt in ("html", "txt"):
        rec, rej = read_page(
            data, fmt=fmt, source=page_source, locator=page_loc,
            outlet_hint=folder_outlet(rel) if rel is not None else None,
        )
        if rec is not None:
            page_rows.append(rec)
        page_rejects.extend(rej)
        return None, None
    if fmt == "parquet":
        return read_parquet(data, source=file_source, field_map=field_map)
    if fmt != "jsonl" and looks_binary(data) and looks_binary(data.replace(b"\x00", b"")):
        # NULs alone do not make a table binary (scraped text columns carry them): read_csv drops and reports them.
        return None, rejects_frame([reject(file_source, None, "binary_file", f"binary content in a {fmt} file")])
    if fmt == "jsonl":
        if looks_binary(data) and data[:4096].lstrip()[:1] not in (b"{", b"["):
            return None, rejects_frame([reject(file_source, None, "binary_file", "binary content in a JSON file")])
        return read_jsonl(data, source=file_source, field_map=field_map)
    return read_csv(data, source=file_source, field_map=field_map, separator="\t" if fmt == "tsv" else ",")


#: Parquet and JSON-lines files above this size (on disk) stream in pieces when reading in pieces.
STREAM_BYTES = 64 << 20


def _stream_format(f: Path, fmt_override: str | None) -> str | None:
    """``parquet`` or ``jsonl`` for a big file that can be read in pieces, ``warc`` for a web archive of
    any size, else None (read whole).

    A gzipped Parquet file needs the whole file in memory anyway; gzipped JSON
    lines and web archives decompress as a stream.
    """
    try:
        name = f.name.lower()
        gz = name.endswith(".gz")
        fmt = fmt_override or EXTENSIONS.get(os.path.splitext(name[:-3] if gz else name)[1])
        if fmt is None:
            with f.open("rb") as fh:
                head = fh.read(4096)
            if head[:2] == b"\x1f\x8b":
                try:
                    head = zlib.decompressobj(wbits=31).decompress(head)
                except zlib.error:
                    return None  # read_file reports it
                gz = True
            fmt = sniff_format(head)
        if fmt == "warc":
            return "warc"
        if f.stat().st_size < STREAM_BYTES:
            return None
        if fmt == "parquet" and not gz:
            return "parquet"
        return "jsonl" if fmt == "jsonl" else None
    except OSError:
        return None  # read_file reports it


def sniff_format(data: bytes) -> str | None:
    if data[:4] == b"PAR1":
        return "parquet"
    if is_warc_head(data[:64]):
        return "warc"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "jsonl"
    return "html" if looks_html(head) else None
