"""Writers: JSONL and Parquet files of a corpus, and :func:`generate_to`, which streams blocks to disk."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import polars as pl

from provenance.tools.synth.corpus import Corpus, iter_blocks
from provenance.tools.synth.schema import ARTICLE_COLUMNS, DEFAULT_CHUNK, TRUTH_SCHEMA


def _targets(path: str | Path, fmt: str) -> tuple[Path, Path]:
    """Articles and truth paths: ``x.parquet`` -> ``x.truth.parquet``; a directory -> articles/truth inside."""
    p = Path(path)
    if p.suffix.lower() in (".jsonl", ".parquet", ".ndjson"):
        return p, p.with_name(p.stem + ".truth" + p.suffix)
    return p / f"articles.{fmt}", p / f"truth.{fmt}"


def write_jsonl(corpus: Corpus, dir: str | Path) -> tuple[Path, Path]:
    """Write ``articles.jsonl`` and ``truth.jsonl`` into ``dir``."""
    a, t = _targets(dir, "jsonl")
    a.parent.mkdir(parents=True, exist_ok=True)
    corpus.articles.write_ndjson(a)
    corpus.truth.write_ndjson(t)
    return a, t


def write_parquet(corpus: Corpus, dir: str | Path) -> tuple[Path, Path]:
    """Write ``articles.parquet`` and ``truth.parquet`` into ``dir``."""
    a, t = _targets(dir, "parquet")
    a.parent.mkdir(parents=True, exist_ok=True)
    corpus.articles.write_parquet(a)
    corpus.truth.write_parquet(t)
    return a, t


def generate_to(
    path: str | Path,
    n: int,
    seed: int = 0,
    mode: str = "fast",
    format: str = "parquet",
    chunk: int = DEFAULT_CHUNK,
    **options: Any,
) -> dict[str, Any]:
    """Stream a corpus of ``n`` articles to disk, one block of ``chunk`` articles at a time.

    ``path`` is the articles file (``corpus.parquet``; truth goes to
    ``corpus.truth.parquet``) or a directory (``articles.<format>`` and
    ``truth.<format>`` inside). Memory stays bounded by one block, so 10M
    articles need no more than ``chunk`` in memory. The rows equal
    ``generate(n, seed=seed, mode=mode, chunk=chunk, **options)``.
    Returns the paths, row count and timings.
    """
    if format not in ("jsonl", "parquet"):
        raise ValueError(f"format must be 'jsonl' or 'parquet', not {format!r}")
    a_path, t_path = _targets(path, format)
    a_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    gen_s = 0.0
    rows = 0
    if format == "parquet":
        import pyarrow.parquet as pq

        aw = tw = None
        try:
            it = iter_blocks(n, seed=seed, mode=mode, chunk=chunk, **options)
            while True:
                g0 = time.perf_counter()
                c = next(it, None)
                gen_s += time.perf_counter() - g0
                if c is None:
                    break
                at, tt = c.articles.to_arrow(), c.truth.to_arrow()
                if aw is None:
                    aw = pq.ParquetWriter(a_path, at.schema, compression="zstd")
                    tw = pq.ParquetWriter(t_path, tt.schema, compression="zstd")
                aw.write_table(at)
                tw.write_table(tt)  # type: ignore[union-attr]
                rows += c.articles.height
        finally:
            if aw is not None:
                aw.close()
            if tw is not None:
                tw.close()
        if rows == 0:
            pl.DataFrame(schema={c: pl.String for c in ARTICLE_COLUMNS}).write_parquet(a_path)
            pl.DataFrame(schema=TRUTH_SCHEMA).write_parquet(t_path)
    else:
        with open(a_path, "wb") as fa, open(t_path, "wb") as ft:
            it = iter_blocks(n, seed=seed, mode=mode, chunk=chunk, **options)
            while True:
                g0 = time.perf_counter()
                c = next(it, None)
                gen_s += time.perf_counter() - g0
                if c is None:
                    break
                buf = io.BytesIO()
                c.articles.write_ndjson(buf)
                fa.write(buf.getvalue())
                buf = io.BytesIO()
                c.truth.write_ndjson(buf)
                ft.write(buf.getvalue())
                rows += c.articles.height
    total = time.perf_counter() - t0
    return {
        "articles": str(a_path),
        "truth": str(t_path),
        "rows": rows,
        "seconds": total,
        "generate_seconds": gen_s,
        "articles_per_second": rows / total if total else float("inf"),
    }
