"""The distributed engine: the local pipeline's stage functions, run on PySpark.

``run_spark(inputs, out, config=...)`` computes what ``pipeline.ingest`` computes
for a fresh store, and writes it as Parquet datasets under ``out`` (one folder
per table: articles, rejects, signatures, bands, anchors, pairs, clusters,
credits, lineage, external_nodes, chrome_stats, meta). ``provenance.engine.importer``
loads such a run into a store.

Nothing about detection is re-implemented here: every Python UDF calls the
same function the local pipeline calls, on a slice of the data that makes the
result identical.

=================  ============================================================
stage              how it is distributed
=================  ============================================================
read               the driver lists files exactly as ``read_sources`` does and
                   cuts them into *units*: big JSON-lines files into 64 MB byte
                   ranges (line numbers from a distributed newline count), big
                   Parquet files into runs of row groups, small files into
                   batches read by ``ingest.read_file`` itself. A mapInArrow
                   reads each unit. Every row keeps (cls, uid, pos): data rows
                   (cls 0) before page files (cls 1), then unit, then position,
                   which is the local engine's read order.
extract            chrome is learned per site across the corpus, so rows are
                   grouped by site (``extract.outlet_key``; ``groupBy.applyInArrow``)
                   and each group goes through ``extract.extract`` whole. Rows
                   without an outlet learn no chrome, so they are grouped per
                   read unit. The furniture guard (a line another site's page
                   holds is kept) sees the sites of its group only, and agency
                   sites known only from their sign-off (``agency_sites``) are
                   the local pipeline's: here the registry's rules decide.
dedupe, doc        windows over article_id ordered by read order reproduce
                   ``pipeline._dedupe``; ``doc`` is the rank in read order,
                   from per-unit counts (driver prefix sums) plus a row number
                   inside each unit. So doc = the local engine's doc.
fingerprint        mapInArrow calling ``fingerprint.fingerprints`` (threads=1:
                   Spark owns the cores); band keys by ``fingerprint.band_keys``.
candidates         LSH buckets: self-join on (band, key). Anchors: df per
                   anchor by groupBy, the df cap of the local engine, self-join
                   on anchor, pairs sharing >= min_shared_anchors. Both joins
                   see one representative per identical text; its pairs are
                   expanded to the copies after.
verify             pairs hashed to groups by their older doc; each group gets
                   its pairs and the texts they need (one shuffle of texts) and
                   runs ``verify.verified_pairs``.
clusters           connected components by min-label propagation with pointer
                   jumping, iterated joins until no label changes; the label
                   is the smallest doc = the local cluster id.
credits            mapInArrow calling ``attribution.credits``.
lineage            clusters hashed by id into buckets of whole clusters
                   (``groupBy(bucket).applyInArrow``); each bucket's articles
                   (in doc order), pairs and credits go through
                   ``lineage.lineage``, the local engine's call, which runs the
                   per-cluster core cluster by cluster. Articles in no cluster
                   go the same way in buckets of their own.
=================  ============================================================

Types Spark has no unsigned integers for are stored reinterpreted and restored
by the importer: ``bands.key`` (uint64) as a signed long with the same bits,
``anchors.anchor`` (uint32) as a long, ``chrome_stats.line_hash`` (uint64) as a
signed long, and ``signatures.minhash`` as ``binary`` (num_perm little-endian
uint32 values).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
from numba import njit

from provenance import schemas
from provenance.config import Config
from provenance.errors import InputError, ProvenanceError

__all__ = ["run_spark", "spark_session", "DATASETS", "SPARK_SCHEMAS"]

#: Every dataset a run writes, in the order the importer loads them.
DATASETS = (
    "articles", "rejects", "signatures", "bands", "anchors", "pairs", "clusters",
    "chrome_stats", "credits", "lineage", "external_nodes", "meta",
)

#: Read units: JSON-lines files above this size are read in byte ranges of it.
SPLIT_BYTES = 64 << 20
#: Small files are read together, up to this many per unit (and SPLIT_BYTES).
FILES_PER_UNIT = 256
#: Extraction groups (whole outlets) hold about this many records.
ROWS_PER_EXTRACT_GROUP = 20_000
#: Verification groups hold about this many candidate pairs.
PAIRS_PER_GROUP = 200_000
#: Articles in no cluster go through lineage in buckets of about this many.
SINGLETONS_PER_BUCKET = 20_000
#: Clustered articles go through lineage in buckets of whole clusters, about this many articles each.
CLUSTERED_PER_BUCKET = 5_000
#: Narrow per-article frames (doc numbers) up to this many rows are broadcast instead of shuffling texts.
BROADCAST_ROWS = 5_000_000
#: Rows per Arrow batch handed to Python (texts are large).
ARROW_BATCH_ROWS = 2_000

_RAW_COLS = list(schemas.RAW.names())
_REJ_COLS = list(schemas.REJECTS.names())
_KEY = "cls int, uid long, pos long"
_STR = lambda names: ", ".join(f"{n} string" for n in names)  # noqa: E731

#: Spark schemas (DDL) of the output datasets.
SPARK_SCHEMAS = {
    "articles": (
        "doc long, article_id string, url string, canonical_url string, outlet string, published_at timestamp, "
        "published_precision string, published_offset short, title string, byline string, dateline string, text string, "
        "raw_text string, source string, locator string, content_hash string, ingested_at timestamp, "
        "ingest_id long"
    ),
    "rejects": "ingest_id long, " + _STR(_REJ_COLS),
    "signatures": "doc long, n_tokens int, n_shingles int, minhash binary",
    "bands": "band short, key long, doc long",
    "anchors": "anchor long, doc long",
    "pairs": (
        "a string, b string, jaccard double, containment_a_in_b double, containment_b_in_a double, "
        "shared_shingles int, a_shingles int, b_shingles int, via string, a_doc long, b_doc long"
    ),
    "clusters": "article_id string, cluster_id long, doc long",
    "chrome_stats": "outlet string, line_hash long, pages long",
    "credits": (
        "article_id string, source string, kind string, role string, field string, span_start int, "
        "span_end int, span_text string, cited_via string"
    ),
    "lineage": (
        "article_id string, cluster_id long, parent_id string, parent_external string, origin_id string, "
        "origin_external string, depth int, via_agency string, relation string, derivation string, "
        "credited string, lag_minutes double, confidence double, evidence string"
    ),
    "external_nodes": (
        "cluster_id long, name string, kind string, parent_external string, cited_via string, n_articles int"
    ),
    "meta": "key string, value string",
}

_READ_SCHEMA = f"_t string, {_KEY}, " + _STR(_RAW_COLS) + ", reason string, detail string, action string, okey string"
_EXTRACTED_COLS = list(schemas.EXTRACTED.names())
_EXTRACT_SCHEMA = (
    f"_t string, {_KEY}, article_id string, url string, canonical_url string, outlet string, published_at timestamp, "
    "published_precision string, published_offset short, title string, byline string, dateline string, "
    "text string, raw_text string, "
    "source string, locator string, content_hash string, reason string, detail string, action string, "
    "line_hash long, pages long"
)
_FP_SCHEMA = "doc long, n_tokens int, n_shingles int, minhash binary, anchors array<long>, ok boolean, short_detail string"
_VERIFIED_SCHEMA = (
    "a_doc long, b_doc long, jaccard double, containment_a_in_b double, containment_b_in_a double, "
    "shared_shingles int, a_shingles int, b_shingles int, via string"
)
_LINEAGE_OUT_SCHEMA = (
    "_t string, article_id string, cluster_id long, parent_id string, parent_external string, "
    "origin_id string, origin_external string, depth int, via_agency string, relation string, "
    "derivation string, credited string, lag_minutes double, confidence double, evidence string, "
    "name string, kind string, cited_via string, n_articles int"
)
#: Article columns lineage reads (``lineage._nodes``), plus doc for ordering.
_LINEAGE_ARTICLE_COLS = ["doc", "article_id", "outlet", "published_at", "published_precision", "title", "byline", "text"]
_CREDIT_COLS = list(schemas.CREDITS.names())
_PAIR_COLS = [*schemas.PAIRS.names(), "a_doc", "b_doc"]


# --------------------------------------------------------------------------- session


def spark_session(
    master: str = "local[2]",
    *,
    app: str = "provenance",
    shuffle_partitions: int | None = None,
    driver_memory: str = "4g",
    conf: Mapping[str, str] | None = None,
):
    """A SparkSession set up for provenance (loopback only, no UI, UTC, Arrow batches of texts).

    ``driver_memory`` only takes effect when this call starts the JVM.
    """
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    local = master.startswith("local")
    cores = _local_cores(master) if local else None
    b = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions or (4 * cores if cores else 200)))
        .config("spark.python.worker.reuse", "true")
        .config("spark.driver.memory", driver_memory)
        .config("spark.executorEnv.PYSPARK_PYTHON", sys.executable)
    )
    if local:
        b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    for k, v in (conf or {}).items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _tree_cpu_seconds() -> float | None:
    """CPU seconds used so far by this process and its descendants (the local JVM, Python workers).

    Linux only (reads /proc); counts live processes and those reaped by a
    live parent, so it is exact for local masters and None elsewhere.
    """
    try:
        hz = os.sysconf("SC_CLK_TCK")
        parent: dict[int, list[tuple[int, float]]] = {}
        me = os.getpid()
        mine = 0.0
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open(f"/proc/{p}/stat") as fh:
                    st = fh.read()
            except OSError:
                continue
            f = st[st.rindex(")") + 2 :].split()
            used = (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])) / hz  # self + reaped children
            if int(p) == me:
                mine = (int(f[11]) + int(f[12])) / hz
            parent.setdefault(int(f[1]), []).append((int(p), used))
    except (OSError, ValueError):
        return None
    total, stack = mine, [me]
    while stack:
        for pid, used in parent.get(stack.pop(), []):
            total += used
            stack.append(pid)
    return total


def _local_cores(master: str) -> int:
    inner = master[len("local"):].strip("[]") or "1"
    if inner == "*":
        return os.cpu_count() or 1
    return max(1, int(inner.split(",")[0]))


# --------------------------------------------------------------------------- Arrow helpers


_ARROW_TYPES = {
    "string": pa.string(), "long": pa.int64(), "int": pa.int32(), "short": pa.int16(), "double": pa.float64(),
    "boolean": pa.bool_(), "binary": pa.binary(), "timestamp": pa.timestamp("us", tz="UTC"),
    "array<long>": pa.list_(pa.int64()),
}


def _arrow_schema(ddl: str) -> pa.Schema:
    """The Arrow schema Spark exchanges for a flat DDL string of the types above (no JVM needed)."""
    fields = []
    for part in ddl.split(", "):
        name, typ = part.strip().split(" ", 1)
        fields.append(pa.field(name, _ARROW_TYPES[typ.strip()]))
    return pa.schema(fields)


def _names(ddl: str) -> list[str]:
    return [f.name for f in _arrow_schema(ddl)]


def _to_arrow(df: pl.DataFrame, target: pa.Schema) -> pa.Table:
    """``df`` as an Arrow table of exactly ``target`` (missing columns null)."""
    cols = []
    for f in target:
        if f.name in df.columns:
            arr = df.get_column(f.name).to_arrow(compat_level=pl.CompatLevel.oldest())
            cols.append(arr.cast(f.type) if arr.type != f.type else arr)
        else:
            cols.append(pa.nulls(df.height, f.type))
    return pa.Table.from_arrays(cols, schema=target)


def _batches(tbl: pa.Table) -> Iterator[pa.RecordBatch]:
    yield from tbl.to_batches(max_chunksize=ARROW_BATCH_ROWS)


def _polars(obj: pa.Table | pa.RecordBatch) -> pl.DataFrame:
    out = pl.from_arrow(obj)
    assert isinstance(out, pl.DataFrame)
    return out


def _grouped(fn, *, with_key: bool = False, **kw):
    """``fn`` bound to ``kw`` as an unannotated function: applyInArrow picks the Table form from its arity."""
    if with_key:
        def call_with_key(key, table):
            return fn(key, table, **kw)

        return call_with_key

    def call(table):
        return fn(table, **kw)

    return call


def _rows(path: Path) -> int:
    """Rows of a Parquet dataset folder, from the file footers (no Spark job)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in sorted(Path(path).glob("*.parquet")))


def _column(path: Path, name: str) -> list:
    import pyarrow.parquet as pq

    return [v for f in sorted(Path(path).glob("*.parquet")) for v in pq.read_table(f, columns=[name]).column(0).to_pylist()]


# --------------------------------------------------------------------------- read: planning


def _plan_units(
    inputs: Sequence[str | Path], fmt_override: str | None, field_map: Mapping[str, str] | None
) -> tuple[list[dict], list[dict]]:
    """Read units in read order, and the rejects the driver found (unknown fields of split files)."""
    from provenance.ingest import EXTENSIONS, sniff_format, walk_folder

    jobs: list[tuple[str, Path, str | None]] = []
    for p in inputs:
        given, path = str(p), Path(p)
        if not path.exists():
            raise InputError(f"input path does not exist: {given}")
        if path.is_dir():
            jobs.extend((given, f, f.relative_to(path).as_posix()) for f in walk_folder(path))
        else:
            jobs.append((given, path, None))

    units: list[dict] = []
    rejects: list[dict] = []
    batch: list[list] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch, batch_bytes
        if batch:
            units.append({"t": "files", "files": batch})
        batch, batch_bytes = [], 0

    for given, f, rel in jobs:
        file_source = given if rel is None else os.path.join(given, rel)
        try:
            size = f.stat().st_size
        except OSError:
            size = 0
        split = None
        if size > SPLIT_BYTES:
            with open(f, "rb") as fh:
                head = fh.read(4096)
            name = f.name.lower()
            gz = name.endswith(".gz") or head[:2] == b"\x1f\x8b"
            ext = os.path.splitext(name)[1]
            fmt = fmt_override or EXTENSIONS.get(ext) or sniff_format(head)
            if not gz and fmt == "jsonl":
                split = _plan_jsonl(f, file_source, size, field_map, rejects)
            elif not gz and fmt == "parquet":
                split = _plan_parquet(f, file_source, size)
        if split:
            flush()
            units.extend(split)
            continue
        if batch and (len(batch) >= FILES_PER_UNIT or batch_bytes + size > SPLIT_BYTES):
            flush()
        batch.append([given, str(f), rel])
        batch_bytes += size
    flush()
    for uid, u in enumerate(units):
        u["uid"] = uid
    return units, rejects


def _plan_jsonl(f: Path, source: str, size: int, field_map, rejects: list[dict]) -> list[dict] | None:
    """Byte-range units for a JSON-lines file, or None when it must be read whole (as read_jsonl would)."""
    from provenance.ingest import FIELD_SYNONYMS, keys_in_sample, reject, resolve_fields

    with open(f, "rb") as fh:
        head = fh.read(64 << 20)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    body = head[start:]
    stripped = body.lstrip()
    if stripped[:1] != b"{":
        return None  # JSON array, binary or junk: read_jsonl / read_file decide, on the whole file
    first = stripped.split(b"\n", 1)[0]
    try:
        json.loads(first)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None  # maybe one pretty-printed object: whole-file semantics
    sample_keys = keys_in_sample(body)
    every_name = [n for names in FIELD_SYNONYMS.values() for n in names]
    used, _ = resolve_fields(list(dict.fromkeys(sample_keys + every_name)), field_map, source=source, strict_map=False)
    _, unknown = resolve_fields(sample_keys, field_map, source=source, strict_map=False)
    if not any(c in sample_keys for c in used.get("text", []) + used.get("html", [])):
        return None  # read_jsonl's "no text field" check needs the whole file
    wanted = list(dict.fromkeys(c for cols in used.values() for c in cols))
    if unknown:
        rejects.append(reject(source, None, "unknown_fields", f"ignored fields: {', '.join(unknown)}", "ignored"))
    n = math.ceil(size / SPLIT_BYTES)
    return [
        {
            "t": "jsonl", "path": str(f), "source": source, "start": max(start, i * SPLIT_BYTES),
            "end": min(size, (i + 1) * SPLIT_BYTES), "bom": start, "wanted": wanted, "used": used,
        }
        for i in range(n)
    ]


def _plan_parquet(f: Path, source: str, size: int) -> list[dict] | None:
    import pyarrow.parquet as pq

    try:
        md = pq.ParquetFile(f).metadata
    except Exception:  # noqa: BLE001 - corrupt: read whole, read_parquet rejects it
        return None
    if md.num_row_groups < 2:
        return None
    units, cur, cur_bytes, base, row = [], [], 0, 0, 0
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        if cur and cur_bytes + rg.total_byte_size > SPLIT_BYTES:
            units.append({"t": "parquet", "path": str(f), "source": source, "groups": cur, "row_base": base})
            cur, cur_bytes, base = [], 0, row
        cur.append(i)
        cur_bytes += rg.total_byte_size
        row += rg.num_rows
    if cur:
        units.append({"t": "parquet", "path": str(f), "source": source, "groups": cur, "row_base": base})
    for j, u in enumerate(units):
        u["first"] = j == 0
    return units


def _count_newlines(path: str, start: int, end: int) -> int:
    n = 0
    with open(path, "rb") as fh:
        fh.seek(start)
        left = end - start
        while left > 0:
            block = fh.read(min(left, 16 << 20))
            if not block:
                break
            n += block.count(b"\n")
            left -= len(block)
    return n


# --------------------------------------------------------------------------- read: tasks


def _read_units(
    batches: Iterator[pa.RecordBatch], *, fmt_override: str | None, field_map: dict | None
) -> Iterator[pa.RecordBatch]:
    target = _arrow_schema(_READ_SCHEMA)
    for rb in batches:
        for uid, spec_json in zip(rb.column("uid").to_pylist(), rb.column("spec").to_pylist(), strict=True):
            spec = json.loads(spec_json)
            try:
                frame = _read_one(spec, uid, fmt_override, field_map)
            except InputError as e:
                frame = pl.DataFrame(
                    {"_t": ["error"], "cls": [0], "uid": [uid], "pos": [0], "detail": [str(e)]},
                    schema_overrides={"cls": pl.Int32, "uid": pl.Int64, "pos": pl.Int64},
                )
            yield from _batches(_to_arrow(frame, target))


def _keyed(frame: pl.DataFrame, kind: str, cls: int, uid: int, pos: pl.Expr | None = None) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(kind).alias("_t"),
        pl.lit(cls, dtype=pl.Int32).alias("cls"),
        pl.lit(uid, dtype=pl.Int64).alias("uid"),
        (pos if pos is not None else pl.int_range(pl.len(), dtype=pl.Int64)).cast(pl.Int64).alias("pos"),
    )


def _read_one(spec: dict, uid: int, fmt_override: str | None, field_map: dict | None) -> pl.DataFrame:
    from provenance.ingest import read_file, rejects_frame

    parts: list[pl.DataFrame] = []
    if spec["t"] == "files":
        raws, rejs, page_rows, page_rejects = [], [], [], []
        for given, f, rel in spec["files"]:
            raw, rej = read_file(given, Path(f), rel, fmt_override, field_map, page_rows, page_rejects)
            if raw is not None and raw.height:
                raws.append(raw)
            if rej is not None and rej.height:
                rejs.append(rej)
        if raws:
            parts.append(_keyed(pl.concat(raws, how="vertical"), "raw", 0, uid))
        if page_rows:
            pages = schemas.conform(pl.DataFrame(page_rows, schema={k: pl.String for k in schemas.RAW}), schemas.RAW)
            parts.append(_keyed(pages, "raw", 1, uid))
        if rejs:
            parts.append(_keyed(pl.concat(rejs, how="vertical"), "reject", 0, uid))
        if page_rejects:
            parts.append(_keyed(rejects_frame(page_rejects), "reject", 1, uid))
    elif spec["t"] == "jsonl":
        raw, rej = _read_jsonl_range(spec)
        parts.append(_keyed(raw, "raw", 0, uid, pl.col("__line")).drop("__line"))
        if rej.height:
            parts.append(_keyed(rej, "reject", 0, uid))
    elif spec["t"] == "parquet":
        raw, rej = _read_parquet_groups(spec, field_map)
        parts.append(_keyed(raw, "raw", 0, uid))
        if rej.height:
            parts.append(_keyed(rej, "reject", 0, uid))
    else:  # pragma: no cover - the planner makes only the kinds above
        raise ValueError(f"unknown read unit {spec['t']!r}")
    parts = [p for p in parts if p.height]
    if not parts:
        return pl.DataFrame()
    out = pl.concat(parts, how="diagonal_relaxed")
    raw_rows = out.filter(pl.col("_t") == "raw")
    if raw_rows.height:
        key = _outlet_key(raw_rows)
        out = pl.concat([raw_rows.with_columns(key.alias("okey")), out.filter(pl.col("_t") != "raw")], how="diagonal_relaxed")
    return out


def _read_jsonl_range(spec: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The lines starting in [start, end) of a JSON-lines file, read as read_jsonl reads a chunk."""
    from provenance.ingest import read_lines_chunk, rejects_frame, select_fields

    path, source, s, e = spec["path"], spec["source"], spec["start"], spec["end"]
    rejects: list[dict] = []
    with open(path, "rb") as fh:
        if s <= spec["bom"]:
            first = s
        else:
            fh.seek(s - 1)
            first = -1
            pos = s - 1
            while first < 0:
                block = fh.read(1 << 20)
                if not block:
                    first = pos
                    break
                i = block.find(b"\n")
                if i >= 0:
                    first = pos + i + 1
                else:
                    pos += len(block)
        if first >= e:
            chunk = b""
        else:
            fh.seek(first)
            chunk = fh.read(e - first)
            if chunk and not chunk.endswith(b"\n"):
                rest = []
                while True:
                    block = fh.read(1 << 20)
                    if not block:
                        break
                    i = block.find(b"\n")
                    if i >= 0:
                        rest.append(block[: i + 1])
                        break
                    rest.append(block)
                chunk += b"".join(rest)
    line_base = spec["nl_before"] + _count_newlines(path, s, first) if first > s else spec["nl_before"]
    wanted, used = spec["wanted"], spec["used"]
    if chunk:
        frame, _ = read_lines_chunk(chunk, line_base, wanted, source, rejects)
    else:
        frame = pl.DataFrame(schema={**{c: pl.String for c in wanted}, "__line": pl.Int64})
    out = frame.select(
        pl.lit(source, dtype=pl.String).alias("source"),
        pl.format("line {}", pl.col("__line")).alias("locator"),
        pl.lit("jsonl").alias("format"),
        *select_fields(frame, used),
        pl.col("__line"),
    )
    raw = schemas.conform(out, schemas.RAW).with_columns(out["__line"])
    return raw, rejects_frame(rejects)


def _read_parquet_groups(spec: dict, field_map: dict | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Row groups of a Parquet file, read as ``tabular.read_parquet`` reads the file."""
    import pyarrow.parquet as pq

    from provenance.ingest import finish_table, rejects_frame, string_column

    tbl = pq.ParquetFile(spec["path"]).read_row_groups(spec["groups"])
    df = _polars(tbl)
    cols = [string_column(df, name, dtype) for name, dtype in df.schema.items()]
    df = pl.DataFrame(cols) if cols else df
    df = df.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + spec["row_base"] + 1).alias("__row"))
    rejects: list[dict] = []
    raw = finish_table(df, source=spec["source"], fmt="parquet", field_map=field_map, rejects=rejects)
    return raw, rejects_frame(rejects if spec["first"] else [])


def _outlet_key(raw: pl.DataFrame) -> pl.Series:
    """The outlet ``extract`` will give each RAW row (given outlet, else the host of its URL)."""
    from provenance.extract.clean import host_expr, html_article, outlet_key_expr

    def clean(c: str) -> pl.Expr:
        s = pl.col(c).str.strip_chars()
        return pl.when(s == "").then(None).otherwise(s)

    has_text = pl.col("text").is_not_null() & (pl.col("text").str.strip_chars().str.len_bytes() > 0)
    has_html = pl.col("html").is_not_null() & (pl.col("html").str.strip_chars().str.len_bytes() > 0)
    d = raw.select(clean("outlet").alias("o"), clean("url").alias("u"), (~has_text & has_html).alias("h"), "html")
    h_url: list[str | None] = [None] * d.height
    need = d.select(pl.col("o").is_null() & pl.col("u").is_null() & pl.col("h")).to_series()
    # Only an HTML page with neither outlet nor URL takes its outlet from the page's own URL.
    for i in np.flatnonzero(need.to_numpy()):
        h_url[i] = html_article(d["html"][int(i)])["url"]
    d = d.with_columns(pl.Series("hu", h_url, dtype=pl.String))
    # The site, not the host: a site's subdomains learn their chrome together (extract.outlet_key).
    return d.select(outlet_key_expr(pl.coalesce("o", host_expr(pl.coalesce("u", "hu"))))).to_series().alias("okey")


# --------------------------------------------------------------------------- extract


def _extract_group(table: pa.Table, *, config: Config) -> pa.Table:
    from provenance.extract.clean import extract

    target = _arrow_schema(_EXTRACT_SCHEMA)
    df = _polars(table).sort("cls", "uid", "pos")
    articles, rej, stats = extract(schemas.conform(df, schemas.RAW), config=config)
    # extract keeps its rows in input order and only drops some: match them back to their read keys.
    src, loc = df["source"].to_list(), df["locator"].to_list()
    cls, uid, pos = df["cls"].to_numpy(), df["uid"].to_numpy(), df["pos"].to_numpy()
    rows = np.empty(articles.height, dtype=np.int64)
    j = 0
    for k, (s, lo) in enumerate(zip(articles["source"].to_list(), articles["locator"].to_list(), strict=True)):
        while j < len(src) and (src[j] != s or loc[j] != lo):
            j += 1
        if j == len(src):
            raise RuntimeError("extract returned an article that is not among its input rows")
        rows[k] = j
        j += 1
    first_row: dict[tuple[Any, Any], int] = {}
    for i, key in enumerate(zip(src, loc, strict=True)):
        first_row.setdefault(key, i)
    parts = [
        articles.with_columns(
            pl.lit("article").alias("_t"), pl.Series("cls", cls[rows]), pl.Series("uid", uid[rows]),
            pl.Series("pos", pos[rows]),
        )
    ]
    if rej.height:
        at = np.array([first_row.get(k, 0) for k in zip(rej["source"].to_list(), rej["locator"].to_list(), strict=True)],
                      dtype=np.int64)
        parts.append(rej.with_columns(
            pl.lit("reject").alias("_t"), pl.Series("cls", cls[at]), pl.Series("uid", uid[at]), pl.Series("pos", pos[at]),
        ))
    if stats.height:
        parts.append(stats.with_columns(pl.lit("chrome").alias("_t"), pl.col("line_hash").reinterpret(signed=True)))
    return _to_arrow(pl.concat(parts, how="diagonal_relaxed"), target)


# --------------------------------------------------------------------------- fingerprints, bands


def _fingerprint_batches(batches: Iterator[pa.RecordBatch], *, config: Config) -> Iterator[pa.RecordBatch]:
    from provenance.detect.fingerprint import comparable, fingerprints, too_short_details

    target = _arrow_schema(_FP_SCHEMA)
    for rb in batches:
        if rb.num_rows == 0:
            continue
        fp = fingerprints(rb.column("text").to_pylist(), config=config, threads=1)
        mh = np.ascontiguousarray(fp.minhash, dtype="<u4")
        width = mh.shape[1] * 4
        minhash = pa.Array.from_buffers(
            pa.binary(), rb.num_rows,
            [None, pa.py_buffer(np.arange(0, width * (rb.num_rows + 1), width, dtype=np.int32)), pa.py_buffer(mh.tobytes())],
        )
        anchors = pa.ListArray.from_arrays(
            pa.array(fp.anchor_offsets.astype(np.int32)), pa.array(fp.anchors.astype(np.int64))
        )
        ok = comparable(fp.n_tokens, fp.n_shingles, config)  # the local engine's rule, and its reject detail
        detail = [d if not k else None for d, k in zip(too_short_details(fp.n_tokens, config), ok, strict=True)]
        yield pa.RecordBatch.from_arrays(
            [rb.column("doc"), pa.array(fp.n_tokens, pa.int32()), pa.array(fp.n_shingles, pa.int32()), minhash, anchors,
             pa.array(ok, pa.bool_()), pa.array(detail, pa.string())],
            schema=target,
        )


def _minhash_matrix(col: pa.Array, num_perm: int) -> np.ndarray:
    """uint32 [n, num_perm] from a column of little-endian minhash blobs."""
    return np.frombuffer(b"".join(col.to_pylist()), dtype="<u4").reshape(len(col), num_perm)


def _band_batches(batches: Iterator[pa.RecordBatch], *, config: Config) -> Iterator[pa.RecordBatch]:
    from provenance.detect.fingerprint import band_keys

    bands, rows = config.lsh_bands_rows
    target = _arrow_schema(SPARK_SCHEMAS["bands"])
    for rb in batches:
        n = rb.num_rows
        if n == 0:
            continue
        keys = band_keys(_minhash_matrix(rb.column("minhash"), config.num_perm), bands=bands, rows=rows)
        docs = rb.column("doc").to_numpy(zero_copy_only=False).astype(np.int64)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.tile(np.arange(bands, dtype=np.int16), n)),
                pa.array(keys.reshape(-1).view(np.int64)),
                pa.array(np.repeat(docs, bands)),
            ],
            schema=target,
        )


@njit(cache=True, nogil=True)
def _pairs_of_lists(offsets: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """a << 32 | b for every pair a < b inside each list docs[offsets[i]:offsets[i+1]] (distinct docs)."""
    total = 0
    for i in range(offsets.shape[0] - 1):
        k = offsets[i + 1] - offsets[i]
        total += k * (k - 1) // 2
    out = np.empty(total, dtype=np.int64)
    m = 0
    for i in range(offsets.shape[0] - 1):
        g = np.sort(docs[offsets[i] : offsets[i + 1]])
        for x in range(g.shape[0]):
            hi = g[x] << 32
            for y in range(x + 1, g.shape[0]):
                out[m] = hi | g[y]
                m += 1
    return out


def _pair_key_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    target = pa.schema([pa.field("pk", pa.int64())])
    for rb in batches:
        col = rb.column("docs")
        if len(col) == 0:
            continue
        offsets = np.asarray(col.offsets, dtype=np.int64)
        values = np.asarray(col.values, dtype=np.int64)
        keys = _pairs_of_lists(offsets - offsets[0], values[offsets[0] : offsets[-1]])
        for lo in range(0, keys.shape[0], 1 << 20):
            yield pa.RecordBatch.from_arrays([pa.array(keys[lo : lo + (1 << 20)])], schema=target)


# --------------------------------------------------------------------------- verify, credits, lineage


def _verify_group(table: pa.Table, *, config: Config) -> pa.Table:
    from provenance.detect.verify import verified_pairs

    df = _polars(table)
    cands = df.filter(pl.col("_t") == 1).select("a", "b", "via").sort("a", "b")
    texts = df.filter(pl.col("_t") == 0).select("doc", "text")
    return _to_arrow(verified_pairs(cands, texts, config=config), _arrow_schema(_VERIFIED_SCHEMA))


_REGISTRY_CACHE: dict[str | None, Any] = {}


def _registry(path: str | None):
    from provenance.trace.attribution import load_registry

    if path not in _REGISTRY_CACHE:
        _REGISTRY_CACHE[path] = load_registry(Path(path) if path else None)
    return _REGISTRY_CACHE[path]


def _credit_batches(batches: Iterator[pa.RecordBatch], *, registry_path: str | None) -> Iterator[pa.RecordBatch]:
    from provenance.trace.attribution import credits

    target = _arrow_schema(SPARK_SCHEMAS["credits"])
    registry = _registry(registry_path)
    for rb in batches:
        if rb.num_rows:
            yield from _batches(_to_arrow(credits(_polars(rb), registry=registry), target))


def _lineage_group(key: tuple, table: pa.Table, *, config: Config, registry_path: str | None) -> pa.Table:
    """Lineage of one bucket: whole clusters (key >= 0) or articles in no cluster (key < 0).

    Calls ``lineage.lineage``, the function the local engine calls, on the
    bucket; it runs the per-cluster core once per cluster. (One
    ``lineage_for_cluster`` call per cluster gives the same rows but costs
    ~3 ms of frame building per call, doubling lineage time on wire corpora,
    where most clusters have a handful of articles.)
    """
    from provenance.trace.lineage import lineage

    registry = _registry(registry_path)
    df = _polars(table)
    arts = df.filter(pl.col("_t") == 0).sort("doc")
    creds = df.filter(pl.col("_t") == 2).select(
        "article_id", *[pl.col(f"cr_{c}").alias(c) for c in _CREDIT_COLS if c != "article_id"]
    )
    pairs = df.filter(pl.col("_t") == 1).select(_PAIR_COLS).sort("a_doc", "b_doc")
    clusters = arts.filter(pl.col("_c").is_not_null()).select("article_id", pl.col("_c").alias("cluster_id"))
    res = lineage(
        arts.select(_LINEAGE_ARTICLE_COLS), pairs, clusters, schemas.conform(creds, schemas.CREDITS),
        registry=registry, config=config,
    )
    out = pl.concat(
        [res.lineage.with_columns(pl.lit("lineage").alias("_t")),
         res.external_nodes.with_columns(pl.lit("external").alias("_t"))],
        how="diagonal_relaxed",
    )
    return _to_arrow(out, _arrow_schema(_LINEAGE_OUT_SCHEMA))


# --------------------------------------------------------------------------- clusters


def connected_components(edges, *, max_rounds: int = 64):
    """(node, label) for every node of ``edges`` (columns u, v): label = smallest node of its component.

    Min-label propagation in the alternating large-star / small-star form
    (Kiveris et al., "Connected Components in MapReduce and Beyond", 2014):

    * large-star: every node links its strictly larger neighbours to the
      smallest label of its neighbourhood (itself included);
    * small-star: every node links itself and its smaller neighbours to the
      smallest of them.

    Both keep each component connected and only ever move edges towards
    smaller nodes; rounds repeat until every component is a star around its
    smallest node (each other node has exactly one edge, to a node that has
    no smaller neighbour). That takes O(log^2 n) rounds in the worst case and
    a handful in practice, even on long chains, where plain label propagation
    needs one round per hop. Each round is two joins and two group-bys.
    Returns (labels, rounds).
    """
    from pyspark.sql import functions as F

    def oriented(df):
        return (
            df.select(F.least("u", "v").alias("u"), F.greatest("u", "v").alias("v"))
            .where(F.col("u") != F.col("v")).distinct()
        )

    def directed(e):
        return e.union(e.select(F.col("v").alias("u"), F.col("u").alias("v")))

    def large_star(e):
        both = directed(e)
        low = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
        return oriented(both.join(low, "u").where(F.col("v") > F.col("u")).select(F.col("v").alias("u"), F.col("m").alias("v")))

    def small_star(e):
        smaller = directed(e).where(F.col("v") < F.col("u"))
        low = smaller.groupBy("u").agg(F.min("v").alias("m"))
        moved = smaller.join(low, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
        return oriented(moved.union(low.select("u", F.col("m").alias("v"))))

    def is_stars(e) -> bool:
        roles = e.select(F.col("v").alias("n"), F.lit(1).alias("leaf"), F.lit(0).alias("center")).union(
            e.select(F.col("u").alias("n"), F.lit(0).alias("leaf"), F.lit(1).alias("center"))
        )
        bad = roles.groupBy("n").agg(F.sum("leaf").alias("l"), F.sum("center").alias("c")).where(
            (F.col("l") > 1) | ((F.col("l") >= 1) & (F.col("c") >= 1))
        )
        return bad.limit(1).count() == 0

    e = oriented(edges).localCheckpoint()
    rounds = 0
    while not is_stars(e):
        if rounds == max_rounds:
            raise ProvenanceError(f"connected components did not converge in {max_rounds} rounds")
        e = large_star(e).localCheckpoint()
        e = small_star(e).localCheckpoint()
        rounds += 1
    labels = e.select(F.col("v").alias("node"), F.col("u").alias("label")).union(
        e.select(F.col("u").alias("node"), F.col("u").alias("label"))
    ).distinct()
    return labels, rounds


# --------------------------------------------------------------------------- the run


def run_spark(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    config: Config,
    master: str = "local[2]",
    format: str | None = None,
    field_map: Mapping[str, str] | None = None,
    registry_path: str | Path | None = None,
    spark: Any = None,
    partitions: int | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Run the whole pipeline on Spark over ``inputs``; write the Parquet datasets under ``out``.

    The result equals a local ``ingest`` of the same inputs into a new store
    with ``rewrites=False`` (same docs, pairs, clusters, credits and lineage):
    the rewrite stage (:mod:`provenance.detect.sourced`) is not distributed yet, so
    this engine runs without it, says so, and records ``rewrites=False`` in
    the run's config. ``spark`` reuses a session (else one is started on
    ``master``); ``partitions`` sets ``spark.sql.shuffle.partitions``;
    ``quiet`` keeps the notice about rewrites off stderr.
    Returns counts, timings and paths.
    """
    if config.rewrites:
        if not quiet:
            print("spark engine: rewrite detection (sourced share) is not distributed yet; running without it",
                  file=sys.stderr)
        config = dataclasses.replace(config, rewrites=False)
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from provenance.detect.fingerprint import TOO_SHORT_ACTION, TOO_SHORT_REASON
    from provenance.ingest import FORMATS

    fmt_override = None
    if format is not None:
        fmt_override = FORMATS.get(format.lower().lstrip("."))
        if fmt_override is None:
            raise InputError(f"unknown format {format!r}; use one of: {', '.join(sorted(FORMATS))}")
    field_map = dict(field_map) if field_map else None
    reg_path = str(registry_path) if registry_path else None
    t_all = time.perf_counter()
    timings: dict[str, float] = {}
    started = datetime.now(UTC)
    out = Path(out)
    work = out / "_work"
    if (out / "meta").exists():
        shutil.rmtree(out / "meta")  # a run without meta is incomplete, whatever else is there
    out.mkdir(parents=True, exist_ok=True)

    cpu: dict[str, float] = {}
    cpu_last = [_tree_cpu_seconds()]

    def mark(name: str, t0: float) -> None:
        timings[name] = round(time.perf_counter() - t0, 3)
        now = _tree_cpu_seconds()
        if now is not None and cpu_last[0] is not None:
            cpu[name] = round(now - cpu_last[0], 1)
        cpu_last[0] = now

    t0 = time.perf_counter()
    own_session = spark is None
    spark = spark or spark_session(master)
    sc = spark.sparkContext
    if partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    mark("session", t0)

    def write(df, name: str, *, sort: Sequence[str] | None = None) -> None:
        if sort:
            df = df.sortWithinPartitions(*sort)
        df.write.mode("overwrite").parquet(str(out / name))

    def work_write(df, name: str):
        df.write.mode("overwrite").parquet(str(work / name))
        return spark.read.parquet(str(work / name))

    # ------------------------------------------------------------------ read
    t0 = time.perf_counter()
    units, plan_rejects = _plan_units(inputs, fmt_override, field_map)
    ranges = [(i, u) for i, u in enumerate(units) if u["t"] == "jsonl"]
    if ranges:
        counts = sc.parallelize(ranges, len(ranges)).map(
            lambda iu: (iu[0], _count_newlines(iu[1]["path"], iu[1]["start"], iu[1]["end"]))
        ).collect()
        by_unit = dict(counts)
        totals: dict[str, int] = {}
        for i, u in ranges:  # ranges of one file are consecutive and in order
            u["nl_before"] = totals.get(u["path"], 0)
            totals[u["path"]] = u["nl_before"] + by_unit[i]
            if u["start"] == u["bom"]:
                u["nl_before"] = 0
    n_units = max(1, len(units))
    unit_df = spark.createDataFrame(
        sc.parallelize([(u["uid"], json.dumps(u)) for u in units], n_units), "uid long, spec string"
    )
    read = work_write(
        unit_df.mapInArrow(partial(_read_units, fmt_override=fmt_override, field_map=field_map), _READ_SCHEMA),
        "read",
    )
    kinds = dict(read.groupBy("_t").count().collect())
    if kinds.get("error"):
        errors = read.where(F.col("_t") == "error").orderBy("cls", "uid", "pos").select("detail").limit(1).collect()
        raise InputError(errors[0]["detail"])
    n_read = kinds.get("raw", 0)
    mark("read", t0)

    # ------------------------------------------------------------------ extract
    t0 = time.perf_counter()
    raw = read.where(F.col("_t") == "raw")
    # Every outlet lies whole in one group (its chrome is learned from all its pages); outlets share
    # groups by hash so each extract call gets thousands of rows. Rows without an outlet learn no
    # chrome and stay with their read unit.
    buckets = max(1, math.ceil(n_read / ROWS_PER_EXTRACT_GROUP))
    group = F.when(F.col("okey").isNotNull(), F.pmod(F.xxhash64("okey"), F.lit(buckets))).otherwise(-1 - F.col("uid"))
    extracted = work_write(
        raw.withColumn("_g", group).groupBy("_g").applyInArrow(_grouped(_extract_group, config=config), _EXTRACT_SCHEMA),
        "extracted",
    )
    mark("extract", t0)

    # ------------------------------------------------------------------ dedupe, doc
    t0 = time.perf_counter()
    order = ["cls", "uid", "pos"]
    arts = extracted.where(F.col("_t") == "article").drop("_t", "reason", "detail", "action", "line_hash", "pages")
    # Decide on a narrow frame (ids, hashes, read order); texts move once, in the final join.
    narrow = arts.select(*order, "article_id", "content_hash", "source", "locator")
    w_id = Window.partitionBy("article_id").orderBy(*order)
    narrow = narrow.withColumn("_first", F.first("content_hash").over(w_id))
    conflict = F.col("_first") != F.col("content_hash")
    narrow = narrow.withColumn("_conflict", conflict).withColumn(
        "_new_id",
        F.when(conflict, F.concat("article_id", F.lit("~"), F.substring("content_hash", 1, 8))).otherwise(F.col("article_id")),
    )
    repaired = narrow.where("_conflict").select(
        *order, "source", "locator", F.lit("duplicate_id").alias("reason"),
        F.concat(F.lit("id "), "article_id", F.lit(" already used for another text; stored as "), "_new_id").alias("detail"),
        F.lit("repaired").alias("action"), F.lit(2).alias("_stage"),
    )
    narrow = narrow.withColumn("_rn", F.row_number().over(Window.partitionBy("_new_id").orderBy(*order)))
    dups = narrow.where(F.col("_rn") > 1).select(
        *order, "source", "locator", F.lit("duplicate_record").alias("reason"),
        F.concat(F.lit("same id "), "_new_id", F.lit(" and same text as an earlier record")).alias("detail"),
        F.lit("skipped").alias("action"), F.lit(3).alias("_stage"),
    )
    dedupe_rejects = repaired.unionByName(dups)
    kept = work_write(narrow.where(F.col("_rn") == 1).select(*order, "_new_id"), "kept")
    per_unit = sorted(tuple(r) for r in kept.groupBy("cls", "uid").count().collect())
    offsets, total = [], 0
    for cls_, uid_, n in per_unit:
        offsets.append((cls_, uid_, total))
        total += n
    n_articles = total
    off_df = spark.createDataFrame(offsets or [(0, 0, 0)], "cls int, uid long, _off long")
    doc = F.col("_off") + F.row_number().over(Window.partitionBy("cls", "uid").orderBy("pos")) - 1
    kept = work_write(kept.join(F.broadcast(off_df), ["cls", "uid"]).withColumn("doc", doc).drop("_off"), "docs")
    articles = (
        arts.join(F.broadcast(kept) if n_articles <= BROADCAST_ROWS else kept, order)
        .withColumn("article_id", F.col("_new_id"))
        .withColumn("ingested_at", F.lit(started).cast("timestamp"))
        .withColumn("ingest_id", F.lit(1).cast("long"))
    )
    keyed = kept.select("doc", *order)  # read order of each doc, for rejects
    write(articles.select(*_names(SPARK_SCHEMAS["articles"])), "articles", sort=["doc"])
    articles = spark.read.parquet(str(out / "articles"))
    mark("deduplicate", t0)

    # ------------------------------------------------------------------ fingerprint, bands, anchors
    t0 = time.perf_counter()
    fp = work_write(
        articles.select("doc", "text").mapInArrow(partial(_fingerprint_batches, config=config), _FP_SCHEMA), "fp"
    )
    write(fp.select("doc", "n_tokens", "n_shingles", "minhash"), "signatures", sort=["doc"])
    ok = F.col("ok")  # fingerprint.comparable, computed in _fingerprint_batches
    good = fp.where(ok)
    write(good.select("doc", "minhash").mapInArrow(partial(_band_batches, config=config), SPARK_SCHEMAS["bands"]),
          "bands", sort=["band", "key"])
    write(good.select(F.explode("anchors").alias("anchor"), "doc"), "anchors", sort=["anchor"])
    short = fp.where(~ok).join(articles.select("doc", "source", "locator"), "doc").join(keyed, "doc").select(
        *order, "source", "locator", F.lit(TOO_SHORT_REASON).alias("reason"), F.col("short_detail").alias("detail"),
        F.lit(TOO_SHORT_ACTION).alias("action"), F.lit(4).alias("_stage"),
    )
    mark("fingerprint", t0)

    # ------------------------------------------------------------------ candidates
    t0 = time.perf_counter()
    bands = spark.read.parquet(str(out / "bands"))
    if n_articles >= 1 << 31:
        raise ProvenanceError("the Spark engine packs doc pairs into 64 bits: at most 2**31 articles per run")
    # A bucket (or an anchor's postings) becomes its doc pairs in one numba pass per batch; a pair
    # travels as one long, a << 32 | b, which Spark groups and counts faster than two columns.
    pair_keys = _pair_key_batches
    # Verbatim copies (a wire story auto-published by hundreds of sites) share every bucket and
    # every anchor, so k copies would emit k(k-1)/2 pairs once per band and once per shared anchor.
    # Only one representative per identical text goes through the self-joins; its pairs are
    # expanded to the copies afterwards, and the copies pair among themselves once. Identical
    # means equal under two independent 64-bit text hashes and equal length.
    copies = work_write(
        articles.join(good.select("doc"), "doc", "left_semi")
        .groupBy("content_hash", F.xxhash64("text").alias("_h2"), F.length("text").alias("_len"))
        .agg(F.min("doc").alias("g"), F.collect_list("doc").alias("docs"))
        .select("g", "docs"),
        "copies",
    )
    reps = copies.select(F.col("g").alias("doc"))
    many = copies.where(F.size("docs") > 1)

    def expand(rep_pairs):
        """Every (copy of g1, copy of g2) pair for each representative pair pk = g1 << 32 | g2."""
        d1 = copies.select(F.col("g").alias("g1"), F.col("docs").alias("d1"))
        d2 = copies.select(F.col("g").alias("g2"), F.col("docs").alias("d2"))
        return (
            rep_pairs.select(F.shiftright("pk", 32).alias("g1"), F.col("pk").bitwiseAND(F.lit(0xFFFFFFFF)).alias("g2"))
            .join(d1, "g1").join(d2, "g2")
            .select(F.explode("d1").alias("x"), "d2").select("x", F.explode("d2").alias("y"))
            .select(F.shiftleft(F.least("x", "y"), 32).bitwiseOR(F.greatest("x", "y")).alias("pk"))
        )

    rep_bands = (
        bands.join(reps, "doc", "left_semi").groupBy("band", "key").agg(F.collect_list("doc").alias("docs"))
        .where(F.size("docs") > 1).select("docs").mapInArrow(pair_keys, "pk long").distinct()
    )
    by_band = expand(rep_bands).unionByName(many.select("docs").mapInArrow(pair_keys, "pk long")).withColumn(
        "lsh", F.lit(True)
    )
    cap = config.anchor_cap(n_articles)
    post = spark.read.parquet(str(out / "anchors"))
    kept = post.groupBy("anchor").count().where((F.col("count") >= 2) & (F.col("count") <= cap)).select("anchor")
    rep_post = post.join(reps, "doc", "left_semi").join(kept, "anchor", "left_semi")
    rep_anchor_pairs = (
        rep_post.groupBy("anchor").agg(F.collect_list("doc").alias("docs")).where(F.size("docs") > 1)
        .select("docs").mapInArrow(pair_keys, "pk long").groupBy("pk").count()
        .where(F.col("count") >= config.min_shared_anchors).select("pk")
    )
    n_kept = rep_post.groupBy(F.col("doc").alias("g")).count().where(F.col("count") >= config.min_shared_anchors)
    by_anchor = expand(rep_anchor_pairs).unionByName(
        many.join(n_kept, "g", "left_semi").select("docs").mapInArrow(pair_keys, "pk long")
    ).select("pk", F.lit(True).alias("anc"))
    both = by_band.join(by_anchor, "pk", "full").select(
        F.shiftright("pk", 32).alias("a"), F.col("pk").bitwiseAND(F.lit(0xFFFFFFFF)).alias("b"),
        F.coalesce("lsh", F.lit(False)).alias("lsh"), F.coalesce("anc", F.lit(False)).alias("anc"),
    )
    via = (
        F.when(F.col("lsh") & F.col("anc"), F.lit("lsh+anchors"))
        .when(F.col("lsh"), F.lit("lsh")).otherwise(F.lit("anchors"))
    )
    cands = work_write(both.select("a", "b", via.alias("via")), "candidates")
    n_cands = _rows(work / "candidates")
    mark("candidates", t0)

    # ------------------------------------------------------------------ verify
    t0 = time.perf_counter()
    groups = max(1, math.ceil(n_cands / PAIRS_PER_GROUP))
    cands_p = cands.withColumn("_p", F.pmod(F.xxhash64("a"), F.lit(groups)))
    need = cands_p.select("_p", F.col("a").alias("doc")).union(cands_p.select("_p", F.col("b").alias("doc"))).distinct()
    texts = need.join(articles.select("doc", "text"), "doc")
    rows = cands_p.select("_p", F.lit(1).alias("_t"), "a", "b", "via").unionByName(
        texts.select("_p", F.lit(0).alias("_t"), "doc", "text"), allowMissingColumns=True
    )
    verified = rows.groupBy("_p").applyInArrow(_grouped(_verify_group, config=config), _VERIFIED_SCHEMA)
    ids = articles.select("doc", "article_id")
    pairs = (
        verified.join(ids.select(F.col("doc").alias("a_doc"), F.col("article_id").alias("a")), "a_doc")
        .join(ids.select(F.col("doc").alias("b_doc"), F.col("article_id").alias("b")), "b_doc")
    )
    write(pairs.select(*_PAIR_COLS), "pairs", sort=["a_doc", "b_doc"])
    pairs = spark.read.parquet(str(out / "pairs"))
    n_pairs = _rows(out / "pairs")
    mark("verify", t0)

    # ------------------------------------------------------------------ clusters
    t0 = time.perf_counter()
    labels, rounds = connected_components(pairs.select(F.col("a_doc").alias("u"), F.col("b_doc").alias("v")))
    clusters = labels.select(F.col("node").alias("doc"), F.col("label").alias("cluster_id")).join(ids, "doc")
    write(clusters.select("article_id", "cluster_id", "doc"), "clusters", sort=["cluster_id", "doc"])
    clusters = spark.read.parquet(str(out / "clusters"))
    n_clustered = _rows(out / "clusters")
    mark("cluster", t0)

    # ------------------------------------------------------------------ credits
    t0 = time.perf_counter()
    write(
        articles.select("article_id", "url", "outlet", "canonical_url", "byline", "text", "raw_text").mapInArrow(
            partial(_credit_batches, registry_path=reg_path), SPARK_SCHEMAS["credits"]
        ),
        "credits",
    )
    creds = spark.read.parquet(str(out / "credits"))
    mark("credits", t0)

    # ------------------------------------------------------------------ lineage
    t0 = time.perf_counter()
    # Buckets of whole clusters (and of unclustered articles) amortize Spark's per-group cost;
    # inside a bucket lineage.lineage still works cluster by cluster, as in the local engine.
    n_single = max(0, n_articles - n_clustered)
    single_buckets = max(1, math.ceil(n_single / SINGLETONS_PER_BUCKET))
    cluster_buckets = max(1, math.ceil(n_clustered / CLUSTERED_PER_BUCKET))
    member = clusters.select("doc", F.col("cluster_id").alias("_c"))
    bucket = F.when(F.col("_c").isNotNull(), F.pmod(F.col("_c"), F.lit(cluster_buckets))).otherwise(
        -1 - F.pmod("doc", F.lit(single_buckets))
    )
    arts_g = articles.select(*_LINEAGE_ARTICLE_COLS).join(member, "doc", "left").withColumn("_g", bucket)
    group_of = arts_g.select("article_id", "_g", "_c")
    lin_rows = (
        arts_g.select("_g", "_c", F.lit(0).alias("_t"), *_LINEAGE_ARTICLE_COLS)
        .unionByName(
            pairs.join(member.select(F.col("doc").alias("a_doc"), "_c"), "a_doc")
            .select(F.pmod(F.col("_c"), F.lit(cluster_buckets)).alias("_g"), "_c", F.lit(1).alias("_t"), *_PAIR_COLS),
            allowMissingColumns=True,
        )
        .unionByName(
            creds.join(group_of, "article_id").select(
                "_g", "_c", F.lit(2).alias("_t"), "article_id",
                *[F.col(c).alias(f"cr_{c}") for c in _CREDIT_COLS if c != "article_id"],
            ),
            allowMissingColumns=True,
        )
    )
    lin = work_write(
        lin_rows.groupBy("_g").applyInArrow(
            _grouped(_lineage_group, with_key=True, config=config, registry_path=reg_path), _LINEAGE_OUT_SCHEMA
        ),
        "lineage_out",
    )
    lin_cols = _names(SPARK_SCHEMAS["lineage"])
    ext_cols = _names(SPARK_SCHEMAS["external_nodes"])
    write(lin.where(F.col("_t") == "lineage").select(*lin_cols), "lineage", sort=["cluster_id", "article_id"])
    write(lin.where(F.col("_t") == "external").select(*ext_cols), "external_nodes", sort=["cluster_id", "name"])
    mark("lineage", t0)

    # ------------------------------------------------------------------ rejects, chrome stats, meta
    t0 = time.perf_counter()
    stage_rows = []
    for r in plan_rejects:
        stage_rows.append((0, -1, -1, r["source"], r["locator"], r["reason"], r["detail"], r["action"], 0))
    plan_df = spark.createDataFrame(
        stage_rows, f"{_KEY}, source string, locator string, reason string, detail string, action string, _stage int"
    )
    rej_cols = [*order, "source", "locator", "reason", "detail", "action", "_stage"]
    all_rejects = (
        plan_df.unionByName(read.where(F.col("_t") == "reject").select(*order, *_REJ_COLS).withColumn("_stage", F.lit(0)))
        .unionByName(extracted.where(F.col("_t") == "reject").select(*order, *_REJ_COLS).withColumn("_stage", F.lit(1)))
        .unionByName(dedupe_rejects.select(*rej_cols))
        .unionByName(short.select(*rej_cols))
    )
    write(
        all_rejects.orderBy("_stage", *order).select(F.lit(1).cast("long").alias("ingest_id"), *_REJ_COLS).coalesce(1),
        "rejects",
    )
    actions = _column(out / "rejects", "action")
    n_skipped = sum(a == "skipped" for a in actions)
    n_repaired = len(actions) - n_skipped
    chrome = (
        extracted.where(F.col("_t") == "chrome").groupBy("outlet", "line_hash").agg(F.sum("pages").alias("pages"))
    )
    write(chrome, "chrome_stats", sort=["outlet", "line_hash"])
    mark("rejects", t0)

    finished = datetime.now(UTC)
    timings["total"] = round(time.perf_counter() - t_all, 3)
    ingest_row = {
        "ingest_id": 1, "started_at": started.isoformat(), "finished_at": finished.isoformat(),
        "sources": json.dumps([str(p) for p in inputs]), "added": n_articles, "already_present": 0,
        "rejected": n_skipped, "repaired": n_repaired, "pairs_added": n_pairs,
    }
    from provenance import __version__
    from provenance.store import SCHEMA_VERSION

    result = {
        "out": str(out), "read": n_read, "articles": n_articles, "candidates": n_cands, "pairs": n_pairs,
        "clustered_articles": n_clustered, "cluster_rounds": rounds, "rejects": n_skipped + n_repaired,
        "units": len(units), "timings": timings, "cpu_seconds": cpu, "spark_version": spark.version, "master": sc.master,
    }
    meta = {
        "schema_version": str(SCHEMA_VERSION), "config": json.dumps(config.to_dict(), sort_keys=True),
        "ingest": json.dumps(ingest_row), "engine": "spark", "spark_version": spark.version,
        "tool_version": __version__, "result": json.dumps(result),
    }
    spark.createDataFrame(sorted(meta.items()), SPARK_SCHEMAS["meta"]).coalesce(1).write.mode("overwrite").parquet(
        str(out / "meta")
    )
    shutil.rmtree(work, ignore_errors=True)
    if own_session:
        spark.stop()
    return result
