"""Both cores for the Python-heavy stages: shards of a frame in worker processes.

Credits and lineage are per-article and per-cluster Python around numba
kernels, so threads would queue on the GIL. Their inputs split cleanly (rows;
whole clusters), so each shard goes to a process and the results are
concatenated. Workers are *spawned*, not forked: forking a process whose
polars and numba thread pools are running can deadlock the child. The pool
lives for the whole process, so its start-up (~1 s of imports; numba kernels
load from their on-disk cache) is paid once, and small inputs never use it.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing as mp
import os
import pickle
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import polars as pl
import pyarrow as pa

from provenance import schemas
from provenance.config import Config
from provenance.detect.fingerprint import usable_cores
from provenance.extract import clean as ex
from provenance.trace.attribution import Registry, credit_input, credits
from provenance.trace.lineage import ARTICLE_COLUMNS, LineageResult, lineage

T = TypeVar("T")

#: Below this many articles a stage runs in this process: a worker's start-up
#: and the pickling of its shard cost more than the second core gains.
MIN_PARALLEL_ROWS = 20_000

_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def workers() -> int:
    """Worker processes to use: ``PROVENANCE_WORKERS``, else the cores this process may run on."""
    env = os.environ.get("PROVENANCE_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    return max(1, usable_cores())


def _executor(n: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    if _pool is None or _pool_size < n:
        if _pool is not None:
            _pool.shutdown(wait=True)
        _pool = ProcessPoolExecutor(
            max_workers=n, mp_context=mp.get_context("spawn"), initializer=_exit_with_parent, initargs=(os.getpid(),)
        )
        _pool_size = n
    return _pool


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the process that started us is gone.

    A killed ingest (SIGTERM, SIGKILL, the OOM killer) runs no atexit hook,
    and its workers would wait on their task queue forever, each holding up
    to a batch's worth of memory. A worker whose parent died is re-parented,
    so its parent pid changes; a thread polls for that.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Keep spawned workers from re-running the caller's script.

    A spawned child imports the parent's ``__main__`` (by path or by module
    name) before it runs anything, so a user script without an ``if __name__
    == "__main__"`` guard would ingest again in every worker. Our workers
    only need provenance's own modules, so ``__main__`` is hidden while they
    start.
    """
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main is not None and k in main.__dict__}
    # Each worker is one core's worth: its polars and numba run one thread, so
    # they do not fight the main process for the cores (credits on 250k
    # articles: 15.1 s with the workers' default thread pools).
    env = {"POLARS_MAX_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
    saved_env = {k: os.environ.get(k) for k in env}
    try:
        os.environ.update(env)
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


@atexit.register
def _shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def map_shards(fn: Callable[..., T], shards: Sequence[tuple[Any, ...]], **kwargs: Any) -> list[T]:
    """``[fn(*shard, **kwargs) for shard in shards]``, the first shard here and the rest in workers.

    ``fn`` must be a module-level function and its arguments picklable
    (polars frames, frozen dataclasses). Results come back in shard order.
    """
    if len(shards) <= 1:
        return [fn(*s, **kwargs) for s in shards]
    pool = _executor(len(shards) - 1)
    with _main_hidden():  # workers start inside submit
        futures: list[Future[T]] = [pool.submit(fn, *s, **kwargs) for s in shards[1:]]
    try:
        first = fn(*shards[0], **kwargs)
        rest = []
        for shard, f in zip(shards[1:], futures, strict=True):
            try:
                rest.append(f.result())
            except BrokenProcessPool:  # a worker died (killed, out of memory): do its shard here
                _reset()
                rest.append(fn(*shard, **kwargs))
        return [first, *rest]
    finally:
        for f in futures:
            f.cancel()


def _reset() -> None:
    """Drop a broken pool; the next call starts a new one."""
    global _pool, _pool_size
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _pool_size = None, 0


def _shard_count(rows: int, shards: int | None, min_rows: int = MIN_PARALLEL_ROWS) -> int:
    """``shards`` if given (tests force it), else the workers when the input is big enough."""
    if shards is not None:
        return max(1, min(shards, rows))
    n = workers()
    return n if rows >= min_rows else 1


def parallel_credits(articles: pl.DataFrame, *, registry: Registry, shards: int | None = None) -> pl.DataFrame:
    """:func:`provenance.trace.attribution.credits` over contiguous row shards: the same rows, in the same order."""
    n = _shard_count(articles.height, shards)
    if n > 1:
        articles = credit_input(articles)  # what crosses to a worker: the scanned text once, not twice
    size = -(-articles.height // n)
    # The first shard runs here (map_shards), so only the others are packed for a worker.
    parts = [(credits, articles.slice(0, size) if i == 0 else _pack(articles.slice(i * size, size))) for i in range(n)]
    return pl.concat([_unpack(c) for c in map_shards(_packed_call, parts, registry=registry)])


#: Rows per record batch of a background job's Arrow file: the worker reads one batch at a time.
FILE_BATCH_ROWS = 20_000


def background_credits(articles: pl.DataFrame, *, registry: Registry, folder: Path | None = None,
                       shards: int | None = None) -> Callable[[], pl.DataFrame]:
    """:func:`credits` of ``articles`` started in a worker now; call what this returns to collect them.

    Credits read only the extracted articles, so a worker can scan them while this process
    fingerprints, pairs and verifies the batch (the rewrite stage reads them next), whose polars and
    numba leave part of the second core idle: on 100k articles that hides most of credits' time
    (docs/PERFORMANCE.md). The worker gets them as an
    Arrow file in ``folder`` (default: the system's temporary folder), read a record batch at a time,
    so neither process holds another copy of the batch's text while the rest of the ingest runs.
    With too few rows, one core, or no room for the file, they are computed here when collected;
    ``shards`` > 1 forces the worker (tests).
    """
    def here() -> pl.DataFrame:
        return credits(articles, registry=registry)

    if _shard_count(articles.height, shards) == 1:
        return here
    try:
        fd, name = tempfile.mkstemp(prefix="provenance-credits-", suffix=".arrow", dir=folder)
    except OSError:  # no room or no folder for the file: the credits are scanned here, later
        return here
    os.close(fd)
    path = Path(name)
    try:
        table = credit_input(articles).to_arrow()  # the scanned text once, not twice
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=FILE_BATCH_ROWS)
        del table
        job = in_background(_credits_of_file, path, registry=registry)
    except OSError:  # the disk filled up while writing
        path.unlink(missing_ok=True)
        return here
    except BaseException:
        path.unlink(missing_ok=True)
        raise

    def collect() -> pl.DataFrame:
        try:
            out = job()
        finally:
            path.unlink(missing_ok=True)
        return _unpack(out)

    weakref.finalize(collect, path.unlink, missing_ok=True)  # an ingest that failed before collecting
    return collect


def _credits_of_file(path: Path, *, registry: Registry) -> bytes:
    """:func:`credits` of the articles in the Arrow file ``path``, one record batch at a time, packed."""
    with pa.OSFile(str(path)) as f:
        reader = pa.ipc.open_file(f)
        parts = [credits(pl.DataFrame(pl.from_arrow(reader.get_batch(i))), registry=registry)
                 for i in range(reader.num_record_batches)]
    return _pack(pl.concat(parts) if parts else schemas.empty(schemas.CREDITS))


def in_background(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
    """``fn(*args, **kwargs)`` started in a worker now; call what this returns to wait for the result.

    ``fn`` must be a module-level function, its arguments and result picklable. A worker that died
    (killed, out of memory) costs time, not the result: it is computed here when collected.
    """
    with _main_hidden():  # a worker starts inside submit
        future = _executor(1).submit(fn, *args, **kwargs)

    def collect() -> T:
        try:
            return future.result()
        except BrokenProcessPool:
            _reset()
            return fn(*args, **kwargs)

    return collect


def _packed_call(fn: Callable[..., Any], *frames: pl.DataFrame | bytes, **kwargs: Any) -> Any:
    """``fn`` of the frames, unpacked; its frame (or tuple of frames) packed back when they came packed."""
    out = fn(*(_unpack(f) for f in frames), **kwargs)
    if not any(isinstance(f, bytes) for f in frames):
        return out
    return _pack(out) if isinstance(out, pl.DataFrame) else tuple(_pack(f) for f in out)


def parallel_lineage(
    articles: pl.DataFrame,
    pairs: pl.DataFrame,
    clusters: pl.DataFrame,
    credit_rows: pl.DataFrame,
    *,
    registry: Registry,
    config: Config,
    shards: int | None = None,
) -> LineageResult:
    """:func:`provenance.trace.lineage.lineage` over shards of whole clusters.

    A cluster's lineage reads only its own members, pairs and credits, so
    shards by ``cluster_id`` (the doc for an article in no cluster, as
    ``lineage`` itself groups them) give the same rows as one call; only
    the row order differs.
    """
    n = _shard_count(articles.height, shards)
    if n == 1:
        return lineage(articles, pairs, clusters, credit_rows, registry=registry, config=config)
    articles = articles.select(c for c in ARTICLE_COLUMNS if c in articles.columns)  # not raw_text, urls...
    cl = clusters.select("article_id", "cluster_id")
    own = pl.col("doc") if "doc" in articles.columns else pl.lit(0, dtype=pl.Int64)
    shard_of = (
        articles.select("article_id", own.alias("_own"))
        .join(cl, on="article_id", how="left")
        .select("article_id", (pl.coalesce("cluster_id", "_own") % n).alias("_shard"))
    )
    parts = []
    for s in range(n):
        ids = shard_of.filter(pl.col("_shard") == s)["article_id"].implode()
        frames = (
            articles.filter(pl.col("article_id").is_in(ids)),
            pairs.filter(pl.col("a").is_in(ids)),
            cl.filter(pl.col("article_id").is_in(ids)),
            credit_rows.filter(pl.col("article_id").is_in(ids)),
        )
        parts.append((lineage, *(frames if s == 0 else (_pack(f) for f in frames))))
    results = [[_unpack(f) for f in r] for r in map_shards(_packed_call, parts, registry=registry, config=config)]
    return LineageResult(pl.concat([r[0] for r in results]), pl.concat([r[1] for r in results]))


def min_parallel_extract_rows() -> int:
    """Records from which ingest extracts on both cores: ``PROVENANCE_PARALLEL_EXTRACT_ROWS``, else 0 (never).

    Off by default because it did not pay where it was measured: on the
    2-core machine, two shards took longer than one process at 20k,
    50k and 150k records (one process already runs polars on both cores, and
    the shards cost 40-60% more CPU in all: the line-hash round, Arrow
    copies both ways, contention), also when the machine was quiet. It won
    only under the heaviest outside load. docs/PERFORMANCE.md, 2026-12-06,
    has the figures. HTML pages are another matter (trafilatura runs on one
    core): from :data:`MIN_PARALLEL_HTML_PAGES` pages they go to both cores
    whatever this says.
    """
    try:
        return max(0, int(os.environ.get("PROVENANCE_PARALLEL_EXTRACT_ROWS", "0").strip() or 0))
    except ValueError:
        return 0


#: HTML pages (trafilatura, 5-20 ms each) go to the workers from this many on.
MIN_PARALLEL_HTML_PAGES = 64


def parallel_extract(
    raw: pl.DataFrame, *, config: Config, chrome_stats: ex.ChromeCounts | None = None,
    line_sites: ex.LineSites | None = None, shards: int | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """:func:`provenance.extract.clean.extract` on shards of whole sites: the same three frames, rows in the same order.

    Chrome is learned per site, so every site's pages go to one shard. The one
    thing a site's pages learn from other sites (a line another site's page in
    the batch carries is story text, not furniture) is handed to each shard as
    the line hashes that more than one shard carries: a first, short round
    hashes every shard's lines on its own core. HTML pages depend on nothing
    but themselves and are spread before that: their site may come from the
    page's canonical URL. The stored-chrome lookups run in the workers, so they
    must pickle (a :class:`provenance.store.Store`'s methods do); when they do
    not, everything runs here.
    """
    least = min_parallel_extract_rows()
    n = _shard_count(raw.height, shards, least) if shards is not None or least else 1
    if n == 1 or not _picklable(chrome_stats, line_sites):
        pages = _html_count(raw)
        w = workers() if shards is None else shards
        if w > 1 and pages >= MIN_PARALLEL_HTML_PAGES:
            # HTML pages alone on both cores: trafilatura is Python (5-35 ms a page, one core), and a
            # page depends on nothing but itself, so the frames are the same as one process gives.
            rejects: list[dict] = []
            df = ex.prepared(raw, rejects, html=lambda pages, rej: _parallel_html(pages, rej, w))
            articles, stats = ex.cleaned(df, rejects, config=config, chrome_stats=chrome_stats, line_sites=line_sites)
            return articles.drop("__rid"), ex.reject_frame(rejects), stats
        return ex.extract(raw, config=config, chrome_stats=chrome_stats, line_sites=line_sites)
    rejects: list[dict] = []
    df = ex.prepared(raw, rejects, html=lambda pages, rej: _parallel_html(pages, rej, n))
    parts = [df[rows] for rows in _site_shards(df, n)]
    del df  # the shards hold every row: one copy of the batch, not two
    # The first shard runs here (map_shards), so only the others are packed for a worker.
    elsewhere = _shared_lines(map_shards(_line_set, [(p.select("__body") if k == 0 else _pack(p.select("__body")),)
                                                     for k, p in enumerate(parts)]))
    shard_args = []
    for k, part in enumerate(parts):
        stats = chrome_stats
        if isinstance(stats, pl.DataFrame):  # only this shard's sites: the rest is never looked up
            stats = stats.filter(pl.col("outlet").is_in(part.select(ex.outlet_key_expr(pl.col("outlet"))).to_series().implode()))
        shard_args.append((part if k == 0 else _pack(part), stats))
    results = map_shards(_extract_shard, shard_args, config=config, line_sites=line_sites, elsewhere=elsewhere)
    articles = pl.concat([_unpack(a) for a, _, _ in results]).sort("__rid").drop("__rid")
    rejects += [r for _, rej, _ in results for r in rej]
    return articles, ex.reject_frame(rejects, reorder=True), pl.concat([s for _, _, s in results])


def _html_count(raw: pl.DataFrame) -> int:
    """Records that carry HTML and no text (the ones :func:`provenance.extract.clean.prepared` sends to trafilatura)."""
    if "html" not in raw.columns:
        return 0
    text = pl.col("text").str.contains(r"\S").fill_null(False) if "text" in raw.columns else pl.lit(False)
    return int(raw.select((pl.col("html").str.contains(r"\S").fill_null(False) & ~text).sum()).item())


def _pack(df: pl.DataFrame) -> bytes:
    """A frame as uncompressed Arrow IPC: 3x faster across processes than pickling the polars frame."""
    return df.write_ipc(None, compression="uncompressed").getvalue()


def _unpack(df: pl.DataFrame | bytes) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(df)) if isinstance(df, bytes) else df


def _picklable(*objs: object) -> bool:
    """Can the workers be given these (store lookups are bound methods of a picklable Store)?"""
    try:
        pickle.dumps(objs)
    except Exception:  # noqa: BLE001 - whatever fails to pickle keeps extraction in this process
        return False
    return True


def _extract_shard(
    df: pl.DataFrame | bytes, chrome_stats: ex.ChromeCounts | None, *, config: Config,
    line_sites: ex.LineSites | None, elsewhere: np.ndarray,
) -> tuple[pl.DataFrame | bytes, list[dict], pl.DataFrame]:
    """:func:`provenance.extract.clean.cleaned` of one shard, with its rejects (articles packed when they came so)."""
    rejects: list[dict] = []
    articles, stats = ex.cleaned(_unpack(df), rejects, config=config, chrome_stats=chrome_stats,
                                 line_sites=line_sites, elsewhere=elsewhere)
    return (_pack(articles) if isinstance(df, bytes) else articles), rejects, stats


def _line_set(body: pl.DataFrame | bytes) -> np.ndarray:
    """The distinct line hashes (as chrome statistics hash lines) of a shard's ``__body``."""
    return ex.line_set(_unpack(body).get_column("__body"))


def _shared_lines(sets: list[np.ndarray]) -> np.ndarray:
    """The hashes in more than one of the shards' line sets."""
    every = np.sort(np.concatenate(sets))
    return np.unique(every[1:][every[1:] == every[:-1]])


def _html_shard(pages: pl.DataFrame) -> tuple[pl.DataFrame, list[dict]]:
    rejects: list[dict] = []
    return ex.html_rows(pages, rejects), rejects


def _parallel_html(pages: pl.DataFrame, rejects: list[dict], n: int) -> pl.DataFrame:
    """:func:`provenance.extract.clean.html_rows` over contiguous slices of the pages, in page order."""
    if pages.height < MIN_PARALLEL_HTML_PAGES:
        return ex.html_rows(pages, rejects)
    size = -(-pages.height // n)
    results = map_shards(_html_shard, [(pages.slice(i * size, size),) for i in range(n)])
    for _, rej in results:
        rejects += rej
    return pl.concat([f for f, _ in results])


def _site_shards(df: pl.DataFrame, n: int) -> list[np.ndarray]:
    """Row positions of ``n`` shards of whole sites (records without a site are one group), near-equal in text bytes.

    Sites are placed largest first on the lightest shard; rows keep their order within a shard.
    """
    sizes = (
        df.select(ex.outlet_key_expr(pl.col("outlet")).alias("site"),
                  (pl.col("__body").str.len_bytes().fill_null(0) + 64).alias("b"))
        .with_row_index("pos")
    )
    per_site = sizes.group_by("site").agg(pl.col("b").sum()).sort(["b", "site"], descending=[True, False], nulls_last=True)
    load = [0] * n
    shard_of: dict[str | None, int] = {}
    for site, b in per_site.iter_rows():
        k = load.index(min(load))
        shard_of[site] = k
        load[k] += b
    keys = sizes.get_column("site")
    of = keys.replace_strict(
        [k for k in shard_of if k is not None], [v for k, v in shard_of.items() if k is not None],
        default=shard_of.get(None, 0), return_dtype=pl.Int64,
    ).to_numpy()
    return [np.flatnonzero(of == k) for k in range(n) if (of == k).any()]
