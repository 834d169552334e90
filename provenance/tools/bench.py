"""Benchmarks: ours against the pipeline a user would otherwise write, in the same run.

``python -m provenance.tools.bench e2e`` (or ``provenance bench e2e``) generates a seeded
synthetic corpus with ground truth, then runs

* **ours**: ``provenance ingest`` into a fresh DuckDB store (read, extract,
  fingerprint, detect, verify, cluster, credits, lineage, store);
* **reference**: JSONL read with ``json``, word 5-gram shingles in Python,
  ``datasketch.MinHash.bulk`` with xxh32, ``MinHashLSH`` insert + query,
  union-find, articles and clusters written to DuckDB;

and reports wall time, the ratio, signatures per second per core against
``MinHash.bulk``, and cluster quality (adjusted Rand index against the truth,
and per relation the share of copies clustered with their source).

``scale`` ingests a large fast-mode corpus in a child process and reports
time and peak RSS, then 10k more articles into it, then search latency.
Figures go to stdout as tables and to ``bench-out/*.json``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table

console = Console()
OUT = Path("bench-out")


def _timed(fn, *a, **k):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    r = fn(*a, **k)
    return r, time.perf_counter() - t0


# -- the reference pipeline -------------------------------------------------------------

_WORD = re.compile(r"\w+")


def reference_pipeline(jsonl: Path, store_path: Path, *, threshold: float, num_perm: int = 128) -> tuple[dict[str, int], dict[str, float]]:
    """What a competent user writes with datasketch: returns (article_id → cluster label, stage times)."""
    import duckdb
    import xxhash
    from datasketch import MinHash, MinHashLSH

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    rows = [json.loads(line) for line in jsonl.open(encoding="utf-8") if line.strip()]
    ids = [str(r.get("id")) for r in rows]
    texts = [r.get("text") or "" for r in rows]
    times["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    shingles = []
    for t in texts:
        toks = _WORD.findall(t.lower())
        shingles.append([" ".join(toks[i : i + 5]).encode("utf-8") for i in range(max(1, len(toks) - 4))])
    times["shingle"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    mhs = MinHash.bulk(shingles, num_perm=num_perm, hashfunc=xxhash.xxh32_intdigest)
    times["minhash"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, m in enumerate(mhs):
            session.insert(i, m)
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, m in enumerate(mhs):
        for j in lsh.query(m):
            ri, rj = find(i), find(int(j))
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    labels = {ids[i]: find(i) for i in range(len(rows))}
    times["lsh+cluster"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    con = duckdb.connect(str(store_path))
    con.register("a", pl.DataFrame({"article_id": ids, "text": texts, "cluster": [labels[i] for i in ids]}).to_arrow())
    con.execute("CREATE TABLE articles AS SELECT * FROM a").fetchall()
    con.close()
    times["store"] = time.perf_counter() - t0
    return labels, times


# -- quality ------------------------------------------------------------------------------


def cluster_quality(truth: pl.DataFrame, labels: pl.DataFrame) -> dict[str, Any]:
    """ARI against truth story ids, and per relation the share of copies sharing their parent's cluster.

    ``labels`` is (article_id, label); articles without a label are singletons.
    """
    from sklearn.metrics import adjusted_rand_score

    t = truth.join(labels, on="article_id", how="left").with_columns(
        pl.coalesce(pl.col("label").cast(pl.String), pl.lit("s:") + pl.col("article_id")).alias("label")
    )
    ari = adjusted_rand_score(t["story_id"].to_list(), t["label"].to_list())
    lab = dict(zip(t["article_id"], t["label"], strict=True))
    by_rel: dict[str, float] = {}
    copies = t.filter(pl.col("parent_id").is_not_null())
    for rel, grp in copies.group_by("relation"):
        ok = [lab.get(p) == lab.get(c) for c, p in zip(grp["article_id"], grp["parent_id"], strict=True)]
        by_rel[str(rel[0])] = round(float(np.mean(ok)), 3)
    indep = t.filter(pl.col("relation") == "independent")
    # An independent article should not be clustered with any article of another story.
    size = t.group_by("label").agg(pl.col("story_id").n_unique().alias("stories"))
    mixed = indep.join(size, on="label")
    by_rel["independent_kept_apart"] = round(float((mixed["stories"] == 1).mean() or 0.0), 3) if mixed.height else 1.0
    return {"ari": round(float(ari), 4), "linked_to_parent_by_relation": dict(sorted(by_rel.items()))}


# -- signatures per core -------------------------------------------------------------------


def signature_rates(texts: list[str], *, num_perm: int = 128) -> dict[str, float]:
    """docs/s for datasketch MinHash.bulk (shingling included) and ours on 1 and 2 threads."""
    import numba
    import xxhash
    from datasketch import MinHash

    from provenance.config import Config
    from provenance.detect.fingerprint import fingerprints
    from provenance.detect.normalize import shingles

    sample = texts[: min(len(texts), 5000)]
    t0 = time.perf_counter()
    MinHash.bulk([shingles(t, 5) for t in sample], num_perm=num_perm, hashfunc=xxhash.xxh32_intdigest)
    ref = len(sample) / (time.perf_counter() - t0)
    cfg = Config(num_perm=num_perm)
    fingerprints(texts[:100], config=cfg)  # compile / load the cache
    rates = {"datasketch_bulk_docs_s": ref}
    for threads in (1, 2):
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        _, dt = _timed(fingerprints, texts, config=cfg)
        rates[f"ours_{threads}_thread_docs_s"] = len(texts) / dt
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    rates["per_core_ratio"] = rates["ours_1_thread_docs_s"] / ref
    return {k: round(v, 1) for k, v in rates.items()}


# -- commands ------------------------------------------------------------------------------


def e2e(n: int, *, seed: int = 0, mode: str = "realistic", ref_threshold: float = 0.8, repeat: int = 1) -> dict[str, Any]:
    """Ours and the reference on one generated corpus, ``repeat`` times each, alternating.

    A shared machine drifts by 10-20% over minutes, more than most changes: alternating the two
    pipelines and comparing medians keeps the drift out of the ratio. Every run's seconds are kept;
    the stages shown are those of our median run, the quality that of the first runs (each run's
    tables are the same).
    """
    from provenance.engine.pipeline import ingest
    from provenance.store import Store
    from provenance.tools.synth import generate, write_jsonl

    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        corpus, gen_s = _timed(generate, n, seed=seed, mode=mode)
        jsonl, _ = write_jsonl(corpus, tmpd / "corpus")
        console.print(f"generated {n:,} {mode} articles in {gen_s:.1f}s")
        ours_runs: list[tuple[float, dict[str, float]]] = []
        ref_runs: list[tuple[float, dict[str, float]]] = []
        for r in range(repeat):
            store = Store(tmpd / f"ours-{r}.duckdb")
            report, ours_s = _timed(ingest, [jsonl], store=store)
            (ref_labels, ref_times), ref_s = _timed(
                reference_pipeline, jsonl, tmpd / f"ref-{r}.duckdb", threshold=ref_threshold
            )
            ours_runs.append((ours_s, report.timings))
            ref_runs.append((ref_s, ref_times))
            if r == 0:  # every run's tables are the same: the quality is read once
                ours_labels = store.query("SELECT article_id, cluster_id AS label FROM clusters")
                pairs_added = report.pairs_added
                ref_frame = pl.DataFrame({"article_id": list(ref_labels), "label": list(ref_labels.values())})
            for path in (store.path, tmpd / f"ref-{r}.duckdb"):  # disk: one pair of stores at a time
                path.unlink(missing_ok=True)
            if repeat > 1:
                console.print(f"run {r + 1} of {repeat}: ours {ours_s:.2f}s, reference {ref_s:.2f}s")
        truth = corpus.truth.select("article_id", "story_id", "parent_id", "relation")
        rates = signature_rates(corpus.articles["text"].fill_null("").to_list())
    ours_s, stages = _median_run(ours_runs)
    ref_s, ref_times = _median_run(ref_runs)
    result = {
        "corpus": {"articles": n, "mode": mode, "seed": seed},
        "runs": {"ours": [round(x, 2) for x, _ in ours_runs], "reference": [round(x, 2) for x, _ in ref_runs]},
        "ours": {"seconds": round(ours_s, 2), "stages": stages, "pairs": pairs_added,
                 "quality": cluster_quality(truth, ours_labels.with_columns(pl.col("label").cast(pl.String)))},
        "reference": {"seconds": round(ref_s, 2), "stages": {k: round(v, 2) for k, v in ref_times.items()},
                      "lsh_threshold": ref_threshold,
                      "quality": cluster_quality(truth, ref_frame.with_columns(pl.col("label").cast(pl.String)))},
        "end_to_end_speedup": round(ref_s / ours_s, 2),
        # The reference's stages only: read, extract, fingerprint, detect, cluster,
        # store. Credits and lineage are work the reference does not do; since credits
        # are scanned in a worker during detection, what they cost is inside these stages.
        "detection_seconds": round(_detection_s(report.timings), 2),
        "detection_speedup": round(ref_s / max(_detection_s(report.timings), 1e-9), 2),
        "signatures": rates,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    _show_e2e(result)
    return result


def _median_run(runs: list[tuple[float, dict[str, float]]]) -> tuple[float, dict[str, float]]:
    """The run of median seconds (the lower middle one of an even count): its seconds and its stages."""
    return sorted(runs, key=lambda r: r[0])[(len(runs) - 1) // 2]


def _detection_s(stages: dict[str, float]) -> float:
    return sum(v for k, v in stages.items() if k not in ("credits", "lineage"))


def _show_e2e(r: dict[str, Any]) -> None:
    t = Table(title=f"end to end on {r['corpus']['articles']:,} {r['corpus']['mode']} articles")
    for c in ("", "ours", "reference (datasketch)", "ratio"):
        t.add_column(c)
    o, ref = r["ours"], r["reference"]
    x = r["end_to_end_speedup"]
    runs = r.get("runs", {}).get("ours", [])
    t.add_row("wall seconds" + (f" (median of {len(runs)}, alternating)" if len(runs) > 1 else ""),
              f"{o['seconds']:.2f}", f"{ref['seconds']:.2f}",
              f"{x:.1f}x faster" if x >= 1 else f"{1 / x:.1f}x slower")
    d = r["detection_speedup"]
    t.add_row("  without lineage (credits run beside detection)", f"{r['detection_seconds']:.2f}", f"{ref['seconds']:.2f}",
              f"{d:.1f}x faster" if d >= 1 else f"{1 / d:.1f}x slower")
    t.add_row("adjusted Rand index", f"{o['quality']['ari']:.3f}", f"{ref['quality']['ari']:.3f}", "")
    rels = sorted(set(o["quality"]["linked_to_parent_by_relation"]) | set(ref["quality"]["linked_to_parent_by_relation"]))
    for rel in rels:
        t.add_row(f"  {rel}", str(o["quality"]["linked_to_parent_by_relation"].get(rel, "")),
                  str(ref["quality"]["linked_to_parent_by_relation"].get(rel, "")), "")
    s = r["signatures"]
    t.add_row("signatures docs/s, 1 core", f"{s['ours_1_thread_docs_s']:,.0f}", f"{s['datasketch_bulk_docs_s']:,.0f}",
              f"{s['per_core_ratio']:.1f}x per core")
    t.add_row("signatures docs/s, 2 cores", f"{s['ours_2_thread_docs_s']:,.0f}", "", "")
    console.print(t)
    st = Table(title="our stages (s)")
    for k in o["stages"]:
        st.add_column(k)
    st.add_row(*(f"{v:.2f}" for v in o["stages"].values()))
    console.print(st)


_CHILD = """
import json, resource, sys, time
from provenance.config import Config
from provenance.engine.pipeline import ingest
from provenance.store import Store
t0 = time.perf_counter()
config = Config(rewrites=sys.argv[4] == "rewrites")
r = ingest([sys.argv[2]], store=Store(sys.argv[1]), batch_size=int(sys.argv[3]), config=config)
print(json.dumps({"seconds": time.perf_counter() - t0, "added": r.added, "pairs": r.pairs_added,
                  "stages": r.timings, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (Linux /proc), in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


_SPARK_CHILD = """
import json, sys, time
from provenance.config import Config
from provenance.engine.importer import import_run
from provenance.engine.spark import run_spark
from provenance.store import Store
t0 = time.perf_counter()
r = run_spark([sys.argv[2]], sys.argv[3], config=Config(), master=sys.argv[4])
t1 = time.perf_counter()
imp = import_run(sys.argv[3], Store(sys.argv[1]))
print(json.dumps({"seconds": t1 - t0, "import_seconds": time.perf_counter() - t1,
                  "stages": r.get("timings", {}), "pairs": r.get("pairs"), "cpu_seconds": r.get("cpu_seconds")}, default=str))
"""


def _child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh process; its last stdout line is JSON. Peak RSS is sampled over the whole process tree.

    ``ru_maxrss`` would see only the main process, not the spawned workers
    (credits, lineage) or Spark's JVM and Python workers, so the sum over the
    tree is polled every 0.2 s (a peak shorter than that can be missed).
    ``rss_trace`` keeps the peak of every 5 s as ``[unix time, MB]``, so a
    long run shows whether memory grows with what is already stored.
    """
    proc = subprocess.Popen([sys.executable, "-c", code, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    trace: list[list[float]] = []
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        bucket, bucket_peak = time.time() // 5, 0.0
        while not stop.wait(0.2):
            rss = _tree_rss_mb(proc.pid)
            peak = max(peak, rss)
            if time.time() // 5 != bucket:
                trace.append([bucket * 5, round(bucket_peak)])
                bucket, bucket_peak = time.time() // 5, 0.0
            bucket_peak = max(bucket_peak, rss)
        trace.append([bucket * 5, round(bucket_peak)])

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    stop.set()
    t.join()
    if proc.returncode != 0:
        raise RuntimeError(err[-3000:])
    res = json.loads(out.strip().splitlines()[-1])
    res["peak_tree_rss_mb"] = round(peak)
    res["rss_trace"] = trace
    return res


def _per_batch(store: Path, trace: list[list[float]]) -> list[dict[str, Any]]:
    """Each committed batch of a bulk ingest: articles stored after it, its seconds, its peak tree RSS."""
    from provenance.store import Store

    rows = Store(store).query(
        "SELECT ingest_id, epoch(started_at) AS t0, epoch(finished_at) AS t1, added FROM ingests "
        "WHERE ingest_id > 0 ORDER BY ingest_id"
    ).rows()
    out, stored = [], 0
    for _, t0, t1, added in rows:
        stored += added
        inside = [mb for t, mb in trace if t0 - 5 < t <= t1]
        out.append({"stored": stored, "seconds": round(t1 - t0, 1), "peak_tree_rss_mb": max(inside, default=None)})
    return out


def _ingest_child(store: Path, path: Path, batch_size: int, *, rewrites: bool = True) -> dict[str, Any]:
    return _child(_CHILD, str(store), str(path), str(batch_size), "rewrites" if rewrites else "no-rewrites")


def spark_vs_local(n: int, *, seed: int = 0, workdir: Path = Path("bench-out/spark"), master: str = "local[2]",
                   batch_size: int = 150_000, corpus: Path | None = None,
                   local_store: Path | None = None) -> dict[str, Any]:
    """The local engine and Spark on one fast synthetic corpus: time, peak RSS, same result.

    ``corpus`` reuses a generated corpus folder (e.g. the scale run's), and
    ``local_store`` a store the local engine already built from it (then only
    Spark runs, and the comparison keeps the store's first ``n`` docs).
    """
    import shutil

    from provenance.store import Store
    from provenance.tools.synth import generate_to

    workdir.mkdir(parents=True, exist_ok=True)
    corpus = corpus or workdir / f"fast-{n}-{seed}"
    if not (corpus / "articles.parquet").exists():
        generate_to(corpus, n, seed=seed, mode="fast", format="parquet")
    stores = {k: workdir / f"{k}-{n}.duckdb" for k in ("local", "spark")}
    for p in stores.values():
        for q in (p, Path(str(p) + ".wal")):
            q.unlink(missing_ok=True)
    run_dir = workdir / f"spark-out-{n}"
    shutil.rmtree(run_dir, ignore_errors=True)
    if local_store is None:
        # the Spark engine has no rewrite stage yet: compare like with like
        local = _ingest_child(stores["local"], corpus / "articles.parquet", batch_size, rewrites=False)
        console.print(f"local: {local['seconds']:.1f}s, peak RSS {local['peak_tree_rss_mb']:,} MB")
    else:
        stores["local"], local = local_store, {"reused_store": str(local_store)}
    spark = _child(_SPARK_CHILD, str(stores["spark"]), str(corpus / "articles.parquet"), str(run_dir), master)
    console.print(f"spark {master}: {spark['seconds']:.1f}s (+{spark['import_seconds']:.1f}s import), "
                  f"peak RSS {spark['peak_tree_rss_mb']:,} MB")
    same = {}
    for name, q in {
        "pairs": f"SELECT a, b FROM pairs WHERE b_doc < {n} ORDER BY a, b",
        "clusters": f"SELECT article_id, cluster_id FROM clusters WHERE doc < {n} ORDER BY article_id",
        "lineage": f"SELECT l.article_id, parent_id, parent_external, relation FROM lineage l "
                   f"JOIN articles a USING (article_id) WHERE a.doc < {n} ORDER BY l.article_id",
    }.items():
        same[name] = Store(stores["local"]).query(q).equals(Store(stores["spark"]).query(q))
    result = {"articles": n, "master": master, "local": local, "spark": spark, "same_result": same,
              "batch_size": batch_size}
    console.print(result)
    return result


def scale(n: int, *, seed: int = 0, workdir: Path = Path("bench-out/scale"), increment: int = 10_000,
          searches: int = 50, batch_size: int = 150_000) -> dict[str, Any]:
    from provenance.detect.search import search
    from provenance.store import Store
    from provenance.tools.synth import generate, generate_to

    workdir.mkdir(parents=True, exist_ok=True)
    corpus_dir = workdir / f"fast-{n}-{seed}"
    if not (corpus_dir / "articles.parquet").exists():
        _, gen_s = _timed(generate_to, corpus_dir, n, seed=seed, mode="fast", format="parquet")
        console.print(f"generated {n:,} fast articles in {gen_s:.1f}s")
    store = workdir / f"store-{n}.duckdb"
    for p in (store, Path(str(store) + ".wal")):
        p.unlink(missing_ok=True)
    bulk = _ingest_child(store, corpus_dir / "articles.parquet", batch_size)
    bulk["batches"] = _per_batch(store, bulk.pop("rss_trace"))
    for b in bulk["batches"]:
        console.print(f"  {b['stored']:>11,} stored  batch {b['seconds']:>6.1f}s  peak {b['peak_tree_rss_mb'] or 0:>6,} MB")
    console.print(f"bulk ingest of {n:,}: {bulk['seconds']:.1f}s, peak RSS {bulk['peak_tree_rss_mb']:,.0f} MB "
                  f"(all processes; main process alone {bulk['peak_rss_mb']:,.0f} MB)")
    inc_dir = workdir / f"inc-{increment}-{seed + 1}"
    if not (inc_dir / "articles.parquet").exists():
        generate_to(inc_dir, increment, seed=seed + 1, mode="fast", format="parquet")
    inc = _ingest_child(store, inc_dir / "articles.parquet", batch_size)
    inc.pop("rss_trace")
    console.print(f"incremental {increment:,} into {n:,}: {inc['seconds']:.1f}s")
    texts = generate(searches, seed=seed + 2, mode="fast").articles["text"].to_list()
    s = Store(store)
    search(texts[0], store=s)  # warm the kernels and the file cache
    lat = []
    for t in texts:
        _, dt = _timed(search, t[: len(t) // 2], store=s)
        lat.append(dt * 1000)
    result = {
        "articles": n, "batch_size": batch_size, "bulk": bulk, "incremental": {"articles": increment, **inc},
        "search_ms": {"p50": round(float(np.percentile(lat, 50)), 1), "p95": round(float(np.percentile(lat, 95)), 1),
                      "max": round(max(lat), 1)},
        "store_mb": round(store.stat().st_size / 1e6, 1),
    }
    console.print(result)
    return result


def _nice_step(top: float, ticks: int = 4) -> float:
    """The smallest 1, 2 or 5 x 10^k step whose ``ticks`` steps reach ``top``."""
    mag = 10 ** np.floor(np.log10(top / ticks))
    return float(next(m * mag for m in (1, 2, 5, 10) if m * mag * ticks >= top))


def scale_chart(result: dict[str, Any]) -> str:
    """An SVG of a scale run's batches: seconds and peak RSS against articles already stored.

    The two questions a bulk ingest at scale answers are whether a batch gets
    slower or bigger as the store grows; one picture answers both.
    """
    from html import escape

    batches = result["bulk"]["batches"]
    xs = [b["stored"] / 1e6 for b in batches]
    panels = [("seconds per batch", [b["seconds"] for b in batches]),
              ("peak RSS per batch, GB (all processes)", [(b["peak_tree_rss_mb"] or 0) / 1000 for b in batches])]
    w, ph, left, top, gap = 720, 190, 56, 48, 46
    height = top + len(panels) * (ph + gap) + 10
    x_max = max(xs) if xs else 1.0
    title = f"Bulk ingest of {result['articles']:,} articles in batches of {result.get('batch_size', 150_000):,}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" '
           f'font-family="sans-serif" font-size="11" role="img">',
           f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for k, (label, ys) in enumerate(panels):
        y0 = top + k * (ph + gap)
        step = _nice_step(max(ys) * 1.1 if ys and max(ys) > 0 else 1.0)
        y_max = step * 4
        def px(x: float) -> float:
            return left + (w - left - 20) * x / x_max
        def py(y: float, y0: int = y0, y_max: float = y_max) -> float:
            return y0 + ph - ph * y / y_max
        out.append(f'<text x="{left}" y="{y0 - 6}">{escape(label)}</text>')
        for i in range(5):
            v = step * i
            out.append(f'<line x1="{left}" x2="{w - 20}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#ddd"/>'
                       f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.3g}</text>')
        pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#1f6fb4" stroke-width="1.5"/>')
        out.extend(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2" fill="#1f6fb4"/>' for x, y in zip(xs, ys, strict=True))
        xstep = _nice_step(x_max, ticks=5)
        for i in range(int(x_max / xstep) + 1):
            v = xstep * i
            out.append(f'<text x="{px(v):.1f}" y="{y0 + ph + 14}" text-anchor="middle">{v:.3g}M</text>')
    out.append(f'<text x="{w - 20}" y="{height - 4}" text-anchor="end">articles stored after the batch</text></svg>')
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(
        prog="provenance bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Examples:\n  provenance bench e2e --n 20000\n  provenance bench scale --n 1000000\n"
               "  provenance bench spark --n 100000\n  provenance bench chart bench-out/scale-1000000.json",
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("e2e", help="ours vs datasketch end to end on a synthetic corpus")
    e.add_argument("--n", type=int, default=20_000)
    e.add_argument("--mode", default="realistic", choices=["realistic", "fast"])
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--ref-threshold", type=float, default=0.8)
    e.add_argument("--repeat", type=int, default=1,
                   help="run both pipelines this many times, alternating, and compare medians (a noisy machine)")
    s = sub.add_parser("scale", help="bulk ingest, incremental ingest and search latency at scale")
    s.add_argument("--n", type=int, default=1_000_000)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--increment", type=int, default=10_000)
    s.add_argument("--batch-size", type=int, default=150_000, help="records per committed ingest batch")
    sp = sub.add_parser("spark", help="local engine vs Spark on the same corpus (time, peak RSS, same result)")
    sp.add_argument("--n", type=int, default=100_000)
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--master", default="local[2]")
    sp.add_argument("--batch-size", type=int, default=150_000)
    sp.add_argument("--corpus", type=Path, help="a generated corpus folder to reuse (holds articles.parquet)")
    sp.add_argument("--local-store", type=Path, help="a store the local engine built from that corpus: run Spark only")
    c = sub.add_parser("chart", help="an SVG of a scale run's batches (seconds, peak RSS) from its JSON")
    c.add_argument("result", type=Path, help="a bench-out/scale-N.json")
    c.add_argument("--out", type=Path, help="the SVG to write (default: beside the JSON)")
    args = ap.parse_args(argv)
    if args.cmd == "chart":
        svg_path = args.out or args.result.with_suffix(".svg")
        svg_path.write_text(scale_chart(json.loads(args.result.read_text())), encoding="utf-8")
        console.print(f"wrote {svg_path}")
        return
    OUT.mkdir(exist_ok=True)
    if args.cmd == "e2e":
        res = e2e(args.n, seed=args.seed, mode=args.mode, ref_threshold=args.ref_threshold, repeat=args.repeat)
    elif args.cmd == "spark":
        res = spark_vs_local(args.n, seed=args.seed, master=args.master, batch_size=args.batch_size,
                             corpus=args.corpus, local_store=args.local_store)
    else:
        res = scale(args.n, seed=args.seed, increment=args.increment, batch_size=args.batch_size)
    path = OUT / f"{args.cmd}-{args.n}.json"
    path.write_text(json.dumps(res, indent=2, default=str))
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
