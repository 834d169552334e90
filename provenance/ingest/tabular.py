"""CSV and Parquet files into RAW records.

Owns tabular input: the header decides which columns feed our fields
(synonyms or ``field_map``, see ``_common``), everything is read as strings,
and a file without any text or html column is refused with the columns it
does have, since the user then needs ``--map``.

Rules:

* ``locator`` is ``row N``: the 1-based data row (the header is not a row).
* CSV is read by polars' native reader. Only when it fails (ragged rows,
  broken quoting) is the file re-read with Python's ``csv`` module, which
  keeps every well-formed row and rejects the others as ``malformed_csv``.
* Not UTF-8: each physical line that does not decode is read as cp1252 (else
  latin-1); one ``bad_encoding`` repair per file lists the lines. NUL bytes are
  dropped (``nul_bytes``, repaired).
* A repeated column name: the first one is used, the others are reported as
  ``duplicate_column`` (action ``ignored``); unknown columns likewise as
  ``unknown_fields`` (``ignored``), once per file.
* Parquet: non-string columns are cast to strings; timestamps become ISO 8601
  (UTC ones with ``+00:00``), lists of strings are joined with ", ". A file
  polars cannot open is a ``corrupt_file`` reject.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import polars as pl

from provenance.errors import InputError
from provenance.ingest._common import (
    decode_bytes,
    decode_line,
    raw_frame,
    reject,
    rejects_frame,
    resolve_fields,
    select_fields,
)
from provenance.schemas import RAW, conform

_DUP = re.compile(r"^(.*)_duplicated_(\d+)$")


def _no_text_error(source: str, columns: list[str]) -> InputError:
    return InputError(
        f"{source}: no text or html column; columns found: {', '.join(columns) or '(none)'}. "
        f"Name the text column with --map text=COLUMN (or html=COLUMN)."
    )


def finish_table(df: pl.DataFrame, *, source: str, fmt: str, field_map, rejects: list[dict]) -> pl.DataFrame:
    columns = [c for c in df.columns if c != "__row"]
    dups = [c for c in columns if (m := _DUP.match(c)) and m.group(1) in columns]
    real = [c for c in columns if c not in dups]
    used, unknown = resolve_fields(real, field_map, source=source, strict_map=True)
    if not (used.get("text") or used.get("html")):
        raise _no_text_error(source, real)
    if dups:
        names = sorted({_DUP.match(c).group(1) for c in dups})
        rejects.append(
            reject(
                source, "header", "duplicate_column",
                f"column(s) {', '.join(map(repr, names))} repeated; the first of each is used", "ignored",
            )
        )
    if unknown:
        rejects.append(reject(source, "header", "unknown_fields", f"ignored columns: {', '.join(unknown)}", "ignored"))
    out = df.select(
        pl.lit(source, dtype=pl.String).alias("source"),
        pl.format("row {}", pl.col("__row") if "__row" in df.columns else pl.int_range(1, pl.len() + 1)).alias(
            "locator"
        ),
        pl.lit(fmt).alias("format"),
        *select_fields(df, used),
    )
    return conform(out, RAW)


def read_csv(
    data: bytes, *, source: str, field_map: Mapping[str, str] | None = None, separator: str = ","
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read a CSV (or TSV with ``separator="\\t"``) file's bytes: (RAW, REJECTS)."""
    rejects: list[dict] = []
    text, enc = _decode(data, source, rejects)
    had_nul = "\x00" in text
    if had_nul:
        rejects.append(reject(source, None, "nul_bytes", f"{text.count(chr(0))} NUL bytes removed", "repaired"))
        text = text.replace("\x00", "")
    if not text[:65536].strip() and not text.strip():
        return raw_frame({}), rejects_frame([*rejects, reject(source, None, "empty_file", "file is empty")])
    clean = enc is None and not had_nul and not data.startswith(b"\xef\xbb\xbf")
    payload = data if clean else text.encode("utf-8")
    try:
        df = pl.read_csv(io.BytesIO(payload), infer_schema=False, separator=separator, quote_char='"')
    except Exception:  # noqa: BLE001 - native reader failed: find the bad rows in Python
        df = _python_csv(text, source=source, separator=separator, rejects=rejects)
    return finish_table(df, source=source, fmt="csv", field_map=field_map, rejects=rejects), rejects_frame(rejects)


def _decode(data: bytes, source: str, rejects: list[dict]) -> tuple[str, str | None]:
    try:
        return (data[3:] if data.startswith(b"\xef\xbb\xbf") else data).decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = decode_bytes(data)
        if enc:
            rejects.append(reject(source, None, "bad_encoding", f"file decoded as {enc}", "repaired"))
        return text, enc
    text, enc = decode_bytes(data)
    if enc and enc.startswith("utf-16"):
        rejects.append(reject(source, None, "bad_encoding", f"file decoded as {enc}", "repaired"))
        return text, enc
    # Mixed files are common (one scraper run in another encoding): decode line by line.
    lines, bad = [], []
    for i, line in enumerate(data.split(b"\n"), 1):
        t, e = decode_line(line)
        if e:
            bad.append(i)
        lines.append(t)
    shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
    rejects.append(
        reject(
            source, f"lines {shown}", "bad_encoding",
            f"{len(bad)} line(s) not UTF-8, decoded as cp1252/latin-1", "repaired",
        )
    )
    return "\n".join(lines), "mixed"


def _python_csv(text: str, *, source: str, separator: str, rejects: list[dict]) -> pl.DataFrame:
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return pl.DataFrame()
    names = _dedupe(header)
    rows: list[list[str | None]] = []
    kept: list[int] = []
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            rejects.append(reject(source, f"row {n + 1}", "malformed_csv", f"unreadable from row {n + 1} on: {e}"))
            break
        n += 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) > len(names):
            rejects.append(
                reject(source, f"row {n}", "malformed_csv", f"row {n} has {len(row)} fields, the header {len(names)}")
            )
            continue
        rows.append(row + [None] * (len(names) - len(row)))
        kept.append(n)
    df = pl.DataFrame(rows, schema={c: pl.String for c in names}, orient="row")
    # Row numbers are those of the file, not of the kept rows.
    return df.with_columns(pl.Series("__row", kept, dtype=pl.Int64))


def _dedupe(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        if h in seen:
            out.append(f"{h}_duplicated_{seen[h] - 1}")
            seen[h] += 1
        else:
            seen[h] = 1
            out.append(h)
    return out


def read_parquet(
    data: bytes | str, *, source: str, field_map: Mapping[str, str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read a Parquet file (path or bytes): (RAW, REJECTS)."""
    rejects: list[dict] = []
    try:
        df = pl.read_parquet(io.BytesIO(data) if isinstance(data, bytes) else data)
    except Exception as e:  # noqa: BLE001 - a corrupt file is a reject, not a crash
        return raw_frame({}), rejects_frame([reject(source, None, "corrupt_file", f"not a readable Parquet file: {e}")])
    cols = []
    for name, dtype in df.schema.items():
        cols.append(string_column(df, name, dtype))
    df = pl.DataFrame(cols) if cols else df
    return finish_table(df, source=source, fmt="parquet", field_map=field_map, rejects=rejects), rejects_frame(rejects)


def iter_parquet(
    path: Path, *, source: str, field_map: Mapping[str, str] | None = None, batch_records: int
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """A Parquet file in slices of about ``batch_records`` rows: (RAW, REJECTS) per slice.

    Memory holds one slice, not the file, so a 10M-row file streams. Rows are
    numbered across slices (``row N`` as in :func:`read_parquet`) and
    file-level notes (unknown columns) come with the first slice only.
    """
    import pyarrow.parquet as pq

    try:
        # pre_buffer (pyarrow's default) caches every byte range it has read until
        # the file is closed: streaming 10M rows held the whole compressed file
        # (9.4 GB). Without it memory holds one row group.
        pf = pq.ParquetFile(path, pre_buffer=False)
        batches = pf.iter_batches(batch_size=batch_records)
        start = 0
        for rb in batches:
            df = pl.from_arrow(rb)
            assert isinstance(df, pl.DataFrame)
            df = pl.DataFrame([string_column(df, n, t) for n, t in df.schema.items()]).with_columns(
                pl.int_range(start + 1, start + 1 + df.height).alias("__row")
            )
            rejects: list[dict] = []
            raw = finish_table(df, source=source, fmt="parquet", field_map=field_map, rejects=rejects)
            yield raw, rejects_frame(rejects if start == 0 else [])
            start += df.height
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - a corrupt file is a reject, not a crash
        yield raw_frame({}), rejects_frame([reject(source, None, "corrupt_file", f"not a readable Parquet file: {e}")])


def string_column(df: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Series:
    s = df.get_column(name)
    try:
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone:
                return s.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
            return s.dt.strftime("%Y-%m-%dT%H:%M:%S")
        if isinstance(dtype, pl.Date):
            return s.dt.strftime("%Y-%m-%d")
        if isinstance(dtype, pl.List) and dtype.inner == pl.String:
            return s.list.join(", ")
        if isinstance(dtype, pl.Binary):
            return s.cast(pl.String, strict=False)
        if isinstance(dtype, pl.Struct):
            return s.struct.json_encode().alias(name)
        if isinstance(dtype, pl.List | pl.Array):
            vals = [None if v is None else json.dumps(v, default=str, ensure_ascii=False) for v in s.to_list()]
            return pl.Series(name, vals, dtype=pl.String)
        return s.cast(pl.String, strict=False)
    except Exception:  # noqa: BLE001 - an exotic column type we cannot show as text
        return pl.Series(name, [None] * len(s), dtype=pl.String)
