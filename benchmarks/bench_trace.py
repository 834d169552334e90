"""Benchmark: articles per second of ``attribution.credits`` and ``lineage.lineage``.

Owns the throughput claims of the trace stages (credits and lineage; the
product target is 1M articles in 5 minutes on 2 cores, everything included,
so each stage must stay far under 300 µs per article).

The inputs are what the pipeline hands those two functions: a synthetic
corpus (``provenance.tools.synth``, fast or realistic mode) is ingested through the
real pipeline once, with ``pipeline.credits`` and ``pipeline.lineage`` wrapped
to record their arguments; the recording is cached (``--cache``), so later
runs skip the ingest. Then each function runs ``--repeat`` times on exactly
those arguments and the best run is reported.

    .venv/bin/python benchmarks/bench_trace.py [--mode fast|realistic|sparse|all] [--n 20000] [--seed 0] [--repeat 3]

Modes: ``fast`` and ``realistic`` are synth's defaults (nearly every article is a
wire copy, in clusters of up to ~140); ``sparse`` is fast-mode text with few
copies (``mean_copies=0.5, outlet_share=0.45``): mostly one-article and small
clusters, the shape of a general news crawl.

``--check DIR`` also compares the outputs with frames saved by an earlier run
(``--save DIR``): the benchmark then proves an optimization changed nothing.

Per-core figures divide by process CPU time, so they hold on a busy machine;
wall-clock figures need an idle one (the load average is printed). Polars may
use both cores, so CPU time can exceed wall time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from provenance.config import Config
from provenance.engine import pipeline
from provenance.store import Store
from provenance.tools import synth
from provenance.trace.attribution import credits, load_registry
from provenance.trace.lineage import lineage, reuse_signals

_INPUTS = ("credit_articles", "articles", "pairs", "clusters", "credits")
_MODES = {
    "fast": ("fast", {}),
    "realistic": ("realistic", {}),
    "sparse": ("fast", {"mean_copies": 0.5, "outlet_share": 0.45}),
}


def record_inputs(n: int, *, seed: int, mode: str, cache: Path) -> dict[str, pl.DataFrame]:
    """What the pipeline passes to credits() and lineage() for a synth corpus (cached)."""
    d = cache / f"{mode}-{n}-{seed}"
    if all((d / f"{k}.parquet").exists() for k in _INPUTS):
        return {k: pl.read_parquet(d / f"{k}.parquet") for k in _INPUTS}
    d.mkdir(parents=True, exist_ok=True)
    got: dict[str, pl.DataFrame] = {}
    real_credits, real_lineage = pipeline.credits, pipeline.lineage

    def rec_credits(articles: pl.DataFrame, **kw: Any) -> pl.DataFrame:
        got["credit_articles"] = articles
        return real_credits(articles, **kw)

    def rec_lineage(articles: pl.DataFrame, pairs: pl.DataFrame, clusters: pl.DataFrame, cred: pl.DataFrame,
                    **kw: Any) -> Any:
        got.update(articles=articles, pairs=pairs, clusters=clusters, credits=cred)
        return real_lineage(articles, pairs, clusters, cred, **kw)

    synth_mode, options = _MODES[mode]
    corpus = synth.generate(n, seed=seed, mode=synth_mode, **options)
    pipeline.credits, pipeline.lineage = rec_credits, rec_lineage  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path, _ = synth.write_jsonl(corpus, Path(tmp) / "articles.jsonl")
            pipeline.ingest([path], store=Store(Path(tmp) / "s.duckdb"))
    finally:
        pipeline.credits, pipeline.lineage = real_credits, real_lineage  # type: ignore[assignment]
    for k in _INPUTS:
        got[k].write_parquet(d / f"{k}.parquet")
    return got


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    """(result, best CPU seconds, best wall seconds) over ``repeat`` runs."""
    best_cpu = best_wall = float("inf")
    out = None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    return out, best_cpu, best_wall


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(df.columns, nulls_last=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=[*_MODES, "all"], default="all")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stage", choices=["credits", "lineage", "both"], default="both")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "provenance-bench-trace")
    ap.add_argument("--save", type=Path, help="write the outputs here")
    ap.add_argument("--check", type=Path, help="assert the outputs equal those saved here")
    args = ap.parse_args(argv)
    registry, config = load_registry(), Config()
    # Once per process, not per article: the registry's scanner (~0.1 s) and
    # loading the numba kernels of the alignment from their cache (~1 s).
    _ = registry.scanner
    reuse_signals("one two three four five six", "zero one two three four five six")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; best of {args.repeat}")
    for mode in (list(_MODES) if args.mode == "all" else [args.mode]):
        inp = record_inputs(args.n, seed=args.seed, mode=mode, cache=args.cache)
        n_art = inp["credit_articles"].height
        sizes = inp["clusters"].group_by("cluster_id").len()["len"]
        n_alone = n_art - int(sizes.sum()) + int((sizes == 1).sum())
        print(
            f"{mode:9s} {n_art} articles, {inp['pairs'].height} pairs, largest cluster {sizes.max()}, "
            f"{n_alone} articles alone"
        )
        outputs: dict[str, pl.DataFrame] = {}
        if args.stage in ("credits", "both"):
            cred, c_cpu, c_wall = timed(
                lambda inp=inp: credits(inp["credit_articles"], registry=registry), args.repeat
            )
            print(f"  credits  {n_art / c_cpu:9.0f} articles/s CPU   {n_art / c_wall:9.0f} articles/s wall   "
                  f"({cred.height} credits)")
            outputs["credits"] = cred
        if args.stage in ("lineage", "both"):
            res, l_cpu, l_wall = timed(
                lambda inp=inp: lineage(inp["articles"], inp["pairs"], inp["clusters"], inp["credits"],
                                        registry=registry, config=config),
                args.repeat,
            )
            print(f"  lineage  {n_art / l_cpu:9.0f} articles/s CPU   {n_art / l_wall:9.0f} articles/s wall")
            outputs.update(lineage=res.lineage, external_nodes=res.external_nodes)
        for k, df in outputs.items():
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                df.write_parquet(args.save / f"{mode}-{args.n}-{args.seed}-{k}.parquet")
            if args.check:
                ref = pl.read_parquet(args.check / f"{mode}-{args.n}-{args.seed}-{k}.parquet")
                assert_frame_equal(_sorted(df), _sorted(ref))
                print(f"  {k}: equal to {args.check}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
