"""Sharded extraction, credits and lineage in worker processes give exactly the one-process rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from provenance.config import Config
from provenance.engine.parallel import (
    _line_set,
    _shared_lines,
    _site_shards,
    background_credits,
    in_background,
    parallel_credits,
    parallel_extract,
    parallel_lineage,
)
from provenance.extract.clean import extract
from provenance.ingest import iter_sources
from provenance.schemas import RAW
from provenance.trace.attribution import credits, load_registry
from provenance.trace.lineage import lineage

REG = load_registry()
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


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


def test_credits_scanned_in_the_background_are_the_same_rows(
    sample_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker reads the articles from a file in record batches (several here) and the file is gone after."""
    monkeypatch.setattr("provenance.engine.parallel.FILE_BATCH_ROWS", 50)
    arts = sample_store.query("SELECT * FROM articles ORDER BY doc")
    collect = background_credits(arts, registry=REG, folder=tmp_path, shards=2)
    assert len(list(tmp_path.iterdir())) == 1
    assert_frame_equal(credits(arts, registry=REG), collect())
    assert not list(tmp_path.iterdir())


def test_credits_without_room_for_their_file_are_scanned_here(sample_store: Any, tmp_path: Path) -> None:
    arts = sample_store.query("SELECT * FROM articles ORDER BY doc")
    collect = background_credits(arts, registry=REG, folder=tmp_path / "no-such-folder", shards=2)
    assert_frame_equal(credits(arts, registry=REG), collect())


def _first_row_unless_in_worker(df: pl.DataFrame, *, die: bool) -> pl.DataFrame:
    import multiprocessing

    if die and multiprocessing.parent_process() is not None:  # only in a worker
        os._exit(1)
    return df.head(1)


def test_a_background_job_whose_worker_dies_is_done_here() -> None:
    df = pl.DataFrame({"x": [1, 2, 3]})
    assert_frame_equal(in_background(_first_row_unless_in_worker, df, die=True)(), df.head(1))
    assert_frame_equal(in_background(_first_row_unless_in_worker, df, die=False)(), df.head(1))  # a new pool


def test_workers_do_not_rerun_an_unguarded_script(tmp_path: Any) -> None:
    """A user script with no ``__main__`` guard must not run again in each spawned worker."""
    marker = tmp_path / "runs.txt"
    script = tmp_path / "user_script.py"
    script.write_text(
        "from provenance.engine.parallel import map_shards\n"
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
    from provenance.engine.parallel import map_shards

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
        "from provenance.engine import parallel\n"
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


def _raw(rows: list[dict[str, Any]]) -> pl.DataFrame:
    base = dict.fromkeys(RAW)
    return pl.DataFrame([dict(base, source="t", locator=f"r{i}", format="jsonl", **r) for i, r in enumerate(rows)],
                        schema=RAW)


def _mixed_corpus() -> pl.DataFrame:
    """The bundled sample (feed, HTML and text pages of a dozen sites) and rows for every reject and
    for the one rule that looks across sites: a wire story on three pages of one site is furniture
    there unless another site's page carries it."""
    from tests.test_furniture import POLICY, story

    sample = pl.concat([p for p, _ in iter_sources([SAMPLE])])
    wire = story(42)
    extra = [
        {"outlet": "coastdaily.example", "title": f"Section {k} headline", "id": f"c{k}",
         "text": "\n\n".join([*story(200 + k, 1), *wire])} for k in range(3)
    ] + [
        {"outlet": "inlandherald.example", "title": "Elsewhere", "text": "\n\n".join(wire), "id": "other"},
        {"outlet": "news.harbourtimes.example", "text": "\n\n".join([*story(1), POLICY]), "id": "a"},
        {"outlet": "sport.harbourtimes.example", "text": "\n\n".join([*story(2), POLICY]), "id": "b"},
        {"outlet": "coastdaily.example", "text": "  \n ", "id": "empty"},
        {"outlet": "inlandherald.example", "text": "\n\n".join(story(5)), "published": "the 45th of Smarch"},
        {"outlet": "inlandherald.example", "text": "\n\n".join(story(6, 40)), "id": "long"},
        {"text": "\n\n".join(story(9)), "published": "not a date either"},  # no outlet, no url: no site
        {"text": "\n\n".join(wire)},
    ]
    return pl.concat([sample, _raw(extra)])


@pytest.mark.parametrize("shards", [2, 3])
def test_sharded_extract_equals_one_process(shards: int) -> None:
    raw = _mixed_corpus()
    config = Config(max_text_chars=5_000)
    arts, rej, stats = extract(raw, config=config)
    p_arts, p_rej, p_stats = parallel_extract(raw, config=config, shards=shards)
    assert_frame_equal(arts, p_arts)  # same rows in the same order
    assert_frame_equal(rej, p_rej)
    assert_frame_equal(_sorted(stats), _sorted(p_stats))
    assert set(rej["reason"]) >= {"empty_text", "bad_date", "oversized_text"}
    assert {"c0", "other"} <= set(arts["article_id"])


def test_html_pages_on_both_cores_give_what_one_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """From MIN_PARALLEL_HTML_PAGES pages, HTML goes to both cores even with the text-record sharding
    off (trafilatura runs on one core); the frames are the same, rejects included."""
    from provenance.engine.parallel import MIN_PARALLEL_HTML_PAGES
    from tests.test_furniture import story

    monkeypatch.setenv("PROVENANCE_WORKERS", "2")
    monkeypatch.delenv("PROVENANCE_PARALLEL_EXTRACT_ROWS", raising=False)
    pages = [
        {"outlet": f"site{k % 7}.example", "html": (
            f"<html><head><title>Story {k} | Site {k % 7}</title></head><body><nav>Home | World | Sport</nav>"
            + "".join(f"<p>{p}</p>" for p in story(500 + k)) + "<footer>All rights reserved.</footer></body></html>")}
        for k in range(MIN_PARALLEL_HTML_PAGES + 6)
    ]
    pages += [{"html": "<html><body>\x00<p></p></body></html>"}, {"html": "<<<>>>"},
              {"text": "\n\n".join(story(9)), "outlet": "site1.example"}]
    raw = _raw(pages)
    one = extract(raw, config=Config())
    two = parallel_extract(raw, config=Config())
    assert_frame_equal(one[0], two[0])
    assert_frame_equal(one[1], two[1])
    assert_frame_equal(_sorted(one[2]), _sorted(two[2]))
    assert one[0].height >= MIN_PARALLEL_HTML_PAGES + 7 and one[1].height >= 1


@pytest.mark.parametrize("shards", [2, 3])
def test_sharding_keeps_sites_whole_and_finds_lines_of_other_shards(shards: int) -> None:
    from provenance.extract.clean import line_hash, outlet_key_expr, prepared
    from tests.test_furniture import story

    df = prepared(_mixed_corpus(), [])
    groups = _site_shards(df, shards)
    site = df.select(outlet_key_expr(pl.col("outlet"))).to_series()
    seen = [set(site[g].to_list()) for g in groups]
    assert len(groups) == shards and all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1:])
    assert sorted(r for g in groups for r in g) == list(range(df.height))
    # The wire story is on pages of more than one shard (the page without a site holds it too), so
    # coastdaily's shard must be told: alone it would learn the story as its furniture.
    shared = set(_shared_lines([_line_set(df[g].select("__body")) for g in groups]).tolist())
    assert all(line_hash(p) in shared for p in story(42))


def test_sharded_extract_with_stored_chrome_equals_one_process(sample_store: Any) -> None:
    """The stored-chrome lookups run in the workers (a Store pickles) and give the same rows."""
    from tests.test_furniture import story

    wire = story(43)
    raw = _raw(
        [{"outlet": "coastdaily.example", "title": f"Section {k} headline", "id": f"c{k}",
          "text": "\n\n".join([*story(300 + k, 1), wire[1]])} for k in range(3)]
        + [{"outlet": f"site{k}.example", "text": "\n\n".join(story(400 + k)), "id": f"s{k}"} for k in range(6)]
    )
    raw = pl.concat([pl.concat([p for p, _ in iter_sources([SAMPLE])]), raw])
    lookups = {"chrome_stats": sample_store.chrome_counts, "line_sites": sample_store.chrome_line_sites}
    one = extract(raw, config=Config(), **lookups)
    two = parallel_extract(raw, config=Config(), shards=2, **lookups)
    assert_frame_equal(one[0], two[0])
    assert_frame_equal(one[1], two[1])
    assert_frame_equal(_sorted(one[2]), _sorted(two[2]))
    # The stored counts were used: the sample's sites have more pages now than this batch gives them.
    assert two[2].filter(pl.col("line_hash") == 0)["pages"].max() > 20


def test_ingest_with_extract_on_both_cores_stores_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``PROVENANCE_PARALLEL_EXTRACT_ROWS`` turns the two-shard path on in ingest; in batches, so the
    later ones read the stored chrome from the workers."""
    from provenance.engine.pipeline import ingest
    from provenance.store import Store

    tables = ("articles", "rejects", "chrome_stats", "pairs", "clusters", "lineage")
    got = {}
    monkeypatch.setenv("PROVENANCE_WORKERS", "2")
    for mode in ("0", "1"):
        monkeypatch.setenv("PROVENANCE_PARALLEL_EXTRACT_ROWS", mode)
        store = Store(tmp_path / f"s{mode}.duckdb")
        ingest([SAMPLE], store=store, batch_size=120)
        got[mode] = {t: _sorted(store.table(t).drop("ingested_at", strict=False)) for t in tables}
    for t in tables:
        assert_frame_equal(got["0"][t], got["1"][t])
    assert got["1"]["articles"].height == 243
