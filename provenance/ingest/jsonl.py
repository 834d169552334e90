"""JSON Lines (and JSON array) files into RAW records.

Owns the fast path for big feeds: the file is cut into ~32 MB chunks at line
ends and each chunk goes to polars' native NDJSON reader, asking only for the
columns that can mean one of our fields (every synonym, the ``field_map``
columns, and case variants seen in the first records), all as strings. A
chunk falls back to line-by-line ``json.loads`` only when it holds something
the native reader cannot take (a malformed or non-object line, invalid UTF-8,
NUL bytes) or when its row count does not match its non-blank lines; the
fallback is what names bad lines by number. So a clean 1M-line file is read
natively, and a dirty one costs Python time only in its dirty chunks.

:func:`iter_jsonl` reads a file from disk chunk by chunk (gzip decompressed
as a stream) and hands back pieces of about ``batch_records`` records, so a
30 GB feed needs one piece in memory, not the file; the pieces concatenate
to what :func:`read_jsonl` returns. Files it cannot take in pieces (a JSON
array, a pretty-printed object, UTF-16, a sample with no text field) are read
whole by :func:`read_jsonl`.

Rules:

* ``locator`` is ``line N`` (1-based physical line); for a JSON array file
  ``item N``. Blank lines are skipped silently.
* Malformed line: ``malformed_json`` (skipped, detail has the parser message);
  a line that is valid JSON but not an object: ``non_object_json`` (skipped).
* A line that is not valid UTF-8 is decoded as UTF-8 with its broken sequences replaced when its valid
  non-ASCII characters outnumber them (a character cut in two), else as cp1252 (else latin-1), and
  kept: ``bad_encoding`` (repaired). NUL bytes are dropped: ``nul_bytes`` (repaired).
* Non-string values become their JSON text (numbers, ``true``, nested objects).
* Unknown fields are ignored; the ones seen in the first 1000 records are
  listed once per file as an ``unknown_fields`` reject with action ``ignored``.
* A file whose records carry no field that can be text or html is an
  :class:`~provenance.errors.InputError` (the user probably needs ``--map``).
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import polars as pl

from provenance.errors import InputError
from provenance.ingest._common import (
    FIELD_SYNONYMS,
    decode_bytes,
    decode_line,
    raw_frame,
    reject,
    rejects_frame,
    resolve_fields,
    select_fields,
)
from provenance.schemas import RAW, conform

CHUNK_BYTES = 32 << 20
SAMPLE_RECORDS = 1000


def read_jsonl(
    data: bytes,
    *,
    source: str,
    field_map: Mapping[str, str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read JSON lines (or a JSON array / single object) from ``data``: (RAW, REJECTS)."""
    rejects: list[dict] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = decode_bytes(data)
        data = text.encode("utf-8")
        if enc:
            rejects.append(reject(source, None, "bad_encoding", f"file decoded as {enc}", "repaired"))
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data[:65536].strip() and not data.strip():  # (a full strip would copy a big file)
        return raw_frame({}), rejects_frame([reject(source, None, "empty_file", "file is empty")])

    whole = _whole_json(data)
    if whole is not None:
        return _read_array(whole, source=source, field_map=field_map, rejects=rejects)

    sample_keys = keys_in_sample(data)
    used, unknown, wanted = _plan(sample_keys, field_map, source)
    frames: list[pl.DataFrame] = []
    line_base = 0
    for chunk in _chunks(data):
        frame, n_lines = read_lines_chunk(chunk, line_base, wanted, source, rejects)
        if frame.height:
            frames.append(frame)
        line_base += n_lines
        if on_progress:
            on_progress(len(chunk))

    out = _finish(frames, wanted, used, sample_keys, source=source)
    if unknown:
        rejects.append(
            reject(source, None, "unknown_fields", f"ignored fields: {', '.join(unknown)}", "ignored")
        )
    return out, rejects_frame(rejects)


def iter_jsonl(
    path: Path, *, source: str, field_map: Mapping[str, str] | None = None, batch_records: int
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """A JSON-lines file from disk in pieces of about ``batch_records`` records: (RAW, REJECTS) per piece.

    Lines are numbered across pieces and file-level notes (unknown fields)
    come with the last piece, so the pieces concatenate to :func:`read_jsonl`'s
    result. Memory holds one piece plus one chunk of the file. A file that
    breaks while read (truncated gzip, an I/O error) keeps the pieces before
    the break and ends with a ``corrupt_file`` reject saying so.
    """
    try:
        yield from _iter_jsonl(path, source=source, field_map=field_map, batch_records=batch_records)
    except (OSError, EOFError, zlib.error) as e:
        detail = f"reading stopped: {e}; records before the break were kept"
        yield raw_frame({}), rejects_frame([reject(source, None, "corrupt_file", detail)])


def _iter_jsonl(
    path: Path, *, source: str, field_map: Mapping[str, str] | None, batch_records: int
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    gz = path.name.lower().endswith(".gz")
    if not gz:
        with open(path, "rb") as fh:
            gz = fh.read(2) == b"\x1f\x8b"
    with (gzip.open(path, "rb") if gz else open(path, "rb")) as fh:
        head = fh.read(CHUNK_BYTES)
        if not _streamable_head(head):
            yield read_jsonl(head + fh.read(), source=source, field_map=field_map)
            return
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        sample_keys = keys_in_sample(head)
        used, unknown, wanted = _plan(sample_keys, field_map, source)
        content = [c for c in used.get("text", []) + used.get("html", []) if c in sample_keys]
        if not content:  # the whole-file reader decides whether the file has any text at all
            yield read_jsonl(head + fh.read(), source=source, field_map=field_map)
            return
        rejects: list[dict] = []
        frames: list[pl.DataFrame] = []
        held = line_base = 0
        buf = head
        while buf:
            more = fh.read(CHUNK_BYTES)
            if more:  # cut at the last line end; the partial line waits for the next read
                nl = buf.rfind(b"\n")
                if nl < 0:
                    buf += more
                    continue
                chunk, buf = buf[: nl + 1], buf[nl + 1 :] + more
            else:
                chunk, buf = buf, b""
            frame, n_lines = read_lines_chunk(chunk, line_base, wanted, source, rejects)
            line_base += n_lines
            if frame.height:
                frames.append(frame)
                held += frame.height
            if held >= batch_records and buf:
                yield _finish(frames, wanted, used, sample_keys, source=source), rejects_frame(rejects)
                frames, rejects, held = [], [], 0
        if unknown:  # with the last piece, where read_jsonl puts it too
            rejects.append(reject(source, None, "unknown_fields", f"ignored fields: {', '.join(unknown)}", "ignored"))
        yield _finish(frames, wanted, used, sample_keys, source=source), rejects_frame(rejects)


def _plan(
    sample_keys: list[str], field_map: Mapping[str, str] | None, source: str
) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """(fields -> columns, unknown sample fields, columns to read) for a feed whose first records had ``sample_keys``.

    Resolved against the sample plus every synonym: a field first seen after
    the sample is still read.
    """
    every_name = [n for names in FIELD_SYNONYMS.values() for n in names]
    used, _ = resolve_fields(
        list(dict.fromkeys(sample_keys + every_name)), field_map, source=source, strict_map=False
    )
    _, unknown = resolve_fields(sample_keys, field_map, source=source, strict_map=False)
    return used, unknown, list(dict.fromkeys(c for cols in used.values() for c in cols))


def _streamable_head(head: bytes) -> bool:
    """Whether a file starting with ``head`` is JSON lines (one object on its first line)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] != b"{":
        return False
    nl = head.find(b"\n")
    if nl < 0:
        return False
    try:
        return isinstance(json.loads(head[:nl]), dict)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return False


def _finish(
    frames: list[pl.DataFrame], wanted: list[str], used: Mapping[str, list[str]], sample_keys: list[str], *, source: str
) -> pl.DataFrame:
    """Chunk frames -> one RAW frame; a file whose text field never appears is an InputError."""
    if frames:
        raw = pl.concat(frames, how="vertical")
    else:
        raw = pl.DataFrame(schema={**{c: pl.String for c in wanted}, "__line": pl.Int64})
    if raw.height and not any(c in sample_keys for c in used.get("text", []) + used.get("html", [])):
        has_content = raw.select(
            pl.any_horizontal(
                [pl.col(c).is_not_null().any() for c in used.get("text", []) + used.get("html", []) if c in raw.columns]
                or [pl.lit(False)]
            )
        ).item()
        if not has_content:
            raise _no_text_error(source, sample_keys)
    out = raw.select(
        pl.lit(source, dtype=pl.String).alias("source"),
        pl.format("line {}", pl.col("__line")).alias("locator"),
        pl.lit("jsonl").alias("format"),
        *select_fields(raw, used),
    )
    return conform(out, RAW)


def _no_text_error(source: str, keys: list[str]) -> InputError:
    return InputError(
        f"{source}: no field holds article text or html; fields found: {', '.join(keys) or '(none)'}. "
        f"Name the text field with --map text=FIELD (or html=FIELD)."
    )


def _whole_json(data: bytes) -> object | None:
    """The parsed document when ``data`` is one JSON array/object rather than JSON lines."""
    start = len(data) - len(data[:65536].lstrip()) if data[:65536].strip() else 0
    head = data[start : start + 1]
    if head == b"[":
        try:
            return json.loads(decode_bytes(data)[0])
        except (json.JSONDecodeError, RecursionError) as e:
            return _Malformed(str(e))
    if head == b"{":
        nl = data.find(b"\n", start)
        first = data[start : nl if nl >= 0 else len(data)]
        try:
            json.loads(first)
            return None  # the first line is a whole object: JSON lines
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            pass
        try:
            doc = json.loads(decode_bytes(data)[0])
        except (json.JSONDecodeError, RecursionError):
            return None  # JSON lines with a bad first line
        return doc if isinstance(doc, dict) else None
    return None


class _Malformed:
    def __init__(self, msg: str) -> None:
        self.msg = msg


def _read_array(doc: object, *, source: str, field_map, rejects: list[dict]):
    if isinstance(doc, _Malformed):
        rejects.append(reject(source, None, "malformed_json", f"file is not valid JSON: {doc.msg}"))
        return raw_frame({}), rejects_frame(rejects)
    items = doc if isinstance(doc, list) else [doc]
    records, locs, keys = [], [], {}
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            rejects.append(reject(source, f"item {i}", "non_object_json", f"item is a JSON {_kind(item)}"))
            continue
        records.append({k: _as_text(v) for k, v in item.items() if isinstance(k, str)})
        locs.append(f"item {i}")
        for k in item:
            keys.setdefault(k, None)
    key_list = list(keys)
    used, unknown = resolve_fields(key_list, field_map, source=source, strict_map=False)
    if not records:
        return raw_frame({}), rejects_frame(rejects)
    if not (used.get("text") or used.get("html")):
        raise _no_text_error(source, key_list)
    cols = {c: [r.get(c) for r in records] for c in {c for cs in used.values() for c in cs}}
    df = pl.DataFrame(cols, schema={c: pl.String for c in cols})
    out = df.select(*select_fields(df, used))
    out = out.with_columns(
        pl.lit(source, dtype=pl.String).alias("source"),
        pl.Series("locator", locs, dtype=pl.String),
        pl.lit("jsonl").alias("format"),
    )
    if unknown:
        rejects.append(reject(source, None, "unknown_fields", f"ignored fields: {', '.join(unknown)}", "ignored"))
    return conform(out, RAW), rejects_frame(rejects)


def keys_in_sample(data: bytes) -> list[str]:
    keys: dict[str, None] = {}
    n = 0
    for line in data[: 64 << 20].split(b"\n"):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            continue
        if isinstance(obj, dict):
            for k in obj:
                keys.setdefault(k, None)
        n += 1
        if n >= SAMPLE_RECORDS:
            break
    return list(keys)


def _chunks(data: bytes):
    start, n = 0, len(data)
    while start < n:
        end = min(start + CHUNK_BYTES, n)
        if end < n:
            nl = data.find(b"\n", end)
            end = n if nl < 0 else nl + 1
        yield data[start:end]
        start = end


def read_lines_chunk(
    chunk: bytes, line_base: int, wanted: list[str], source: str, rejects: list[dict]
) -> tuple[pl.DataFrame, int]:
    n_lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
    schema = {c: pl.String for c in wanted}
    if b"\x00" not in chunk:
        try:
            chunk.decode("utf-8")
            df = pl.read_ndjson(io.BytesIO(chunk), schema=schema)
            if df.height == n_lines:  # no blank lines: row i is line i
                return df.with_columns(pl.int_range(line_base + 1, line_base + 1 + n_lines, dtype=pl.Int64).alias("__line")), n_lines
            nonblank = [i for i, ln in enumerate(chunk.split(b"\n")) if ln.strip()]
            if df.height == len(nonblank):
                line_no = pl.Series("__line", [line_base + i + 1 for i in nonblank], dtype=pl.Int64)
                return df.with_columns(line_no), n_lines
        except Exception:  # noqa: BLE001 - any native failure means: locate it line by line
            pass
    lines = chunk.split(b"\n")
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    records: dict[str, list] = {c: [] for c in wanted}
    line_nos: list[int] = []
    wanted_set = set(wanted)
    for i in nonblank:
        no = line_base + i + 1
        loc = f"line {no}"
        text, enc = decode_line(lines[i])
        if enc:
            rejects.append(reject(source, loc, "bad_encoding", f"line is not valid UTF-8; decoded as {enc}", "repaired"))
        if "\x00" in text:
            text = text.replace("\x00", "")
            rejects.append(reject(source, loc, "nul_bytes", "NUL bytes removed", "repaired"))
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            rejects.append(reject(source, loc, "malformed_json", f"line {no}: {e.msg} at column {e.colno}"))
            continue
        except RecursionError:
            rejects.append(reject(source, loc, "malformed_json", f"line {no}: nested too deeply"))
            continue
        if not isinstance(obj, dict):
            rejects.append(reject(source, loc, "non_object_json", f"line {no} is a JSON {_kind(obj)}, not an object"))
            continue
        for c in wanted:
            records[c].append(None)
        for k, v in obj.items():
            if k in wanted_set:
                records[k][-1] = _as_text(v)
        line_nos.append(no)
    df = pl.DataFrame(records, schema=schema).with_columns(pl.Series("__line", line_nos, dtype=pl.Int64))
    return df, n_lines


def _as_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    try:
        return json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return None


def _kind(v: object) -> str:
    return {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(v), "null")
