"""Load a Spark run's Parquet output (``spark_engine.run_spark``) into a store.

``import_run(out_dir, store)`` reads every dataset of the run, restores the
types Spark cannot hold (unsigned band keys, anchors and line hashes; minhash
blobs back to ``uint32[]``), and writes them with ``Store.write_batch``: one
transaction, so the dashboard and reports see either nothing or the whole run.

The run numbered its articles from doc 0, so it goes into a new store (or one
with no articles yet); its fingerprint parameters must match the store's, as
for any ingest.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from provenance import schemas
from provenance.config import Config
from provenance.errors import StoreError
from provenance.schemas import EXTERNAL_NODES, LINEAGE
from provenance.store import SCHEMA_VERSION, Store

__all__ = ["import_run", "read_run_meta", "load_dataset"]

_REQUIRED = (
    "articles", "rejects", "signatures", "bands", "anchors", "pairs", "clusters",
    "chrome_stats", "credits", "lineage", "external_nodes",
)


def read_run_meta(out_dir: str | Path) -> dict[str, str]:
    """The ``meta`` key/values of a finished run; an error when the run is missing or incomplete."""
    out = Path(out_dir)
    if not out.is_dir():
        raise StoreError(f"no Spark run at {out}")
    if not (out / "meta" / "_SUCCESS").exists():
        raise StoreError(f"{out} is not a finished Spark run (no meta/_SUCCESS): it failed or is still running")
    missing = [d for d in _REQUIRED if not (out / d / "_SUCCESS").exists()]
    if missing:
        raise StoreError(f"{out} lacks datasets: {', '.join(missing)}")
    meta = load_dataset(out, "meta", {"key": pl.String, "value": pl.String})
    return dict(zip(meta["key"].to_list(), meta["value"].to_list(), strict=True))


def load_dataset(out_dir: str | Path, name: str, schema: dict[str, pl.DataType] | pl.Schema) -> pl.DataFrame:
    """One dataset of a run as a polars frame (empty with ``schema`` when Spark wrote no rows)."""
    files = sorted((Path(out_dir) / name).glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=dict(schema))
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")


def _minhash_list(blobs: pl.Series, num_perm: int) -> pl.Series:
    if blobs.len() == 0:
        return pl.Series("minhash", [], dtype=pl.List(pl.UInt32))
    raw = np.frombuffer(b"".join(blobs.to_list()), dtype="<u4").reshape(blobs.len(), num_perm)
    return pl.Series("minhash", raw).cast(pl.List(pl.UInt32))


def run_tables(out_dir: str | Path, config: Config, ingest_id: int) -> dict[str, pl.DataFrame]:
    """Every table of the run in the store's schemas, as ``pipeline.ingest`` hands them to ``write_batch``."""
    out = Path(out_dir)
    articles = schemas.conform(load_dataset(out, "articles", schemas.ARTICLES), schemas.ARTICLES).with_columns(
        pl.lit(ingest_id, dtype=pl.Int64).alias("ingest_id")
    ).sort("doc")
    rejects = schemas.conform(load_dataset(out, "rejects", schemas.REJECTS), schemas.REJECTS).with_columns(
        pl.lit(ingest_id, dtype=pl.Int64).alias("ingest_id")
    )
    sig = load_dataset(out, "signatures", {"doc": pl.Int64, "n_tokens": pl.Int32, "n_shingles": pl.Int32,
                                           "minhash": pl.Binary}).sort("doc")
    sig = sig.with_columns(_minhash_list(sig["minhash"], config.num_perm)).select(
        pl.col("doc").cast(pl.Int64), pl.col("n_tokens").cast(pl.Int32), pl.col("n_shingles").cast(pl.Int32), "minhash"
    )
    bands = load_dataset(out, "bands", {"band": pl.Int16, "key": pl.Int64, "doc": pl.Int64}).select(
        pl.col("band").cast(pl.Int16), pl.col("key").cast(pl.Int64).reinterpret(signed=False), pl.col("doc").cast(pl.Int64)
    ).sort("key")
    anchors = load_dataset(out, "anchors", {"anchor": pl.Int64, "doc": pl.Int64}).select(
        pl.col("anchor").cast(pl.UInt32), pl.col("doc").cast(pl.Int64)
    ).sort("anchor")
    pair_schema = {**dict(schemas.PAIRS), "a_doc": pl.Int64, "b_doc": pl.Int64}
    pairs = load_dataset(out, "pairs", pair_schema).select(
        [pl.col(c).cast(t) for c, t in pair_schema.items()]
    ).sort("a_doc", "b_doc")
    clusters = load_dataset(out, "clusters", {"article_id": pl.String, "cluster_id": pl.Int64, "doc": pl.Int64}).select(
        pl.col("article_id").cast(pl.String), pl.col("cluster_id").cast(pl.Int64), pl.col("doc").cast(pl.Int64)
    ).sort("doc")
    chrome = load_dataset(out, "chrome_stats", {"outlet": pl.String, "line_hash": pl.Int64, "pages": pl.Int64}).select(
        pl.col("outlet").cast(pl.String), pl.col("line_hash").cast(pl.Int64).reinterpret(signed=False),
        pl.col("pages").cast(pl.Int64),
    )
    credits = schemas.conform(load_dataset(out, "credits", schemas.CREDITS), schemas.CREDITS)
    lineage = schemas.conform(load_dataset(out, "lineage", LINEAGE), LINEAGE)
    external = schemas.conform(load_dataset(out, "external_nodes", EXTERNAL_NODES), EXTERNAL_NODES)
    return {
        "articles": articles, "rejects": rejects, "signatures": sig, "bands": bands, "anchors": anchors,
        "pairs": pairs, "clusters": clusters, "chrome_stats": chrome, "credits": credits, "lineage": lineage,
        "external_nodes": external,
    }


def import_run(out_dir: str | Path, store: Store) -> dict[str, Any]:
    """Load the Spark run in ``out_dir`` into ``store`` in one transaction; return row counts and the store version."""
    meta = read_run_meta(out_dir)
    if int(meta.get("schema_version", SCHEMA_VERSION)) != SCHEMA_VERSION:
        raise StoreError(
            f"{out_dir} was written for store schema version {meta.get('schema_version')}, "
            f"this provenance writes version {SCHEMA_VERSION}"
        )
    config = Config.from_dict(json.loads(meta["config"]))
    state = store.state()
    store.check_config(config)
    if state.next_doc != 0:
        raise StoreError(
            f"store {store.path} already holds articles; a Spark run numbers its articles from 0, "
            "so import it into a new store"
        )
    ingest = json.loads(meta["ingest"])
    ingest_id = state.next_ingest
    tables = run_tables(out_dir, config, ingest_id)
    ingest_row = {
        "ingest_id": ingest_id,
        "started_at": datetime.fromisoformat(ingest["started_at"]),
        "sources": ingest["sources"],
        "added": tables["articles"].height,
        "already_present": int(ingest.get("already_present", 0)),
        "rejected": int((tables["rejects"]["action"] == "skipped").sum()),
        "repaired": int((tables["rejects"]["action"] != "skipped").sum()),
        "pairs_added": tables["pairs"].height,
    }
    version = store.write_batch(tables, config=config, ingest=ingest_row, deletes={"chrome_stats": None})
    store.refresh_summaries()
    return {"store_version": version, "ingest_id": ingest_id, **{k: v.height for k, v in tables.items()}}
