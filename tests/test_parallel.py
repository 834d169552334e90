"""Sharded credits and lineage in worker processes give exactly the one-process rows."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from provenance.attribution import credits, load_registry
from provenance.config import Config
from provenance.lineage import lineage
from provenance.parallel import parallel_credits, parallel_lineage

REG = load_registry()


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(df.columns, nulls_last=True)


def test_sharded_lineage_equals_one_call(sample_store: Any) -> None:
    arts = sample_store.query("SELECT * FROM articles ORDER BY doc")
    pairs = sample_store.table("pairs")
    clusters = sample_store.table("clusters")
    cred = sample_store.table("credits")
    one = lineage(arts, pairs, clusters, cred, registry=REG, config=Config())
    two = parallel_lineage(arts, pairs, clusters, cred, registry=REG, config=Config(), shards=2)
    assert_frame_equal(_sorted(one.lineage), _sorted(two.lineage))
    assert_frame_equal(_sorted(one.external_nodes), _sorted(two.external_nodes))
    assert one.lineage["parent_id"].is_not_null().sum() > 50


def test_sharded_credits_keep_rows_and_order(sample_store: Any) -> None:
    arts = sample_store.query("SELECT * FROM articles ORDER BY doc")
    assert_frame_equal(credits(arts, registry=REG), parallel_credits(arts, registry=REG, shards=3))


def test_workers_do_not_rerun_an_unguarded_script(tmp_path: Any) -> None:
    """A user script with no ``__main__`` guard must not run again in each spawned worker."""
    marker = tmp_path / "runs.txt"
    script = tmp_path / "user_script.py"
    script.write_text(
        "from provenance.parallel import map_shards\n"
        f"open({str(marker)!r}, 'a').write('ran\\n')\n"
        "print(map_shards(abs, [(-1,), (-2,), (-3,)]))\n"
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[1, 2, 3]"
    assert marker.read_text() == "ran\n"


def _die_in_worker(x: int) -> int:
    import multiprocessing

    if multiprocessing.parent_process() is not None:  # only in a worker: the main process computes fine
        os._exit(1)
    return x * 2


def test_a_dead_worker_costs_time_not_results() -> None:
    """A worker that dies (OOM-killed, say) has its shard computed in this process instead."""
    from provenance.parallel import map_shards

    assert map_shards(_die_in_worker, [(1,), (2,), (3,)]) == [2, 4, 6]
    assert map_shards(abs, [(-4,), (-5,)]) == [4, 5]  # the pool is usable again


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_process_is_killed(tmp_path: Any) -> None:
    """A killed ingest runs no cleanup; its workers must not outlive it holding memory."""
    import signal
    import time

    script = tmp_path / "killed.py"
    script.write_text(
        "import sys, time\n"
        "from provenance import parallel\n"
        "parallel.map_shards(abs, [(-1,), (-2,), (-3,)])\n"
        "print(*parallel._pool._processes, flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split(")")[-1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 30
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(p) for p in workers), "workers outlived their killed parent"
