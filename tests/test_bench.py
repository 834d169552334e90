"""The benchmark's own pieces that are not timing: per-batch accounting and the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from provenance.config import Config
from provenance.store import Store
from provenance.tools.bench import _nice_step, _per_batch, scale_chart


def test_per_batch_matches_rss_samples_to_each_batch(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.initialize(Config())
    con = duckdb.connect(str(store.path))
    for i, (t0, t1, added) in enumerate([(1000.0, 1100.0, 150), (1100.0, 1190.0, 150), (1190.0, 1300.0, 70)], 1):
        con.execute("INSERT INTO ingests (ingest_id, started_at, finished_at, added) VALUES (?, ?, ?, ?)",
                    [i, datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t1, UTC), added])
    con.close()
    trace = [[1000.0, 500], [1050.0, 900], [1100.0, 700], [1150.0, 1200], [1250.0, 800]]
    batches = _per_batch(store.path, trace)
    assert [b["stored"] for b in batches] == [150, 300, 370]
    assert [b["seconds"] for b in batches] == [100.0, 90.0, 110.0]
    # a sample is the peak of the 5 s before its time: it belongs to the batch running then
    assert [b["peak_tree_rss_mb"] for b in batches] == [900, 1200, 800]


def test_scale_chart_is_svg_with_a_point_per_batch() -> None:
    result = {"articles": 450_000, "batch_size": 150_000, "bulk": {"batches": [
        {"stored": 150_000, "seconds": 50.0, "peak_tree_rss_mb": 3100},
        {"stored": 300_000, "seconds": 52.5, "peak_tree_rss_mb": 3300},
        {"stored": 450_000, "seconds": 51.0, "peak_tree_rss_mb": None},
    ]}}
    root = ET.fromstring(scale_chart(result))
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}circle")) == 6  # 3 batches x 2 panels
    assert "450,000 articles" in "".join(root.itertext())
    assert [_nice_step(x) for x in (0.9, 4.4, 55, 10_000)] == [0.5, 2.0, 20.0, 5000.0]


def test_e2e_repeated_alternates_and_reports_the_median_runs() -> None:
    """``--repeat`` runs both pipelines that many times on one corpus and reports each one's median run,
    with every run's seconds kept; the quality is the same whatever the repeat."""
    from provenance.tools.bench import _median_run, e2e

    assert _median_run([(3.0, {"a": 3.0}), (1.0, {"a": 1.0}), (2.0, {"a": 2.0})]) == (2.0, {"a": 2.0})
    assert _median_run([(4.0, {}), (1.0, {}), (3.0, {}), (2.0, {})])[0] == 2.0  # the lower middle of an even count
    once = e2e(300, seed=2, mode="fast")
    twice = e2e(300, seed=2, mode="fast", repeat=2)
    assert len(once["runs"]["ours"]) == 1 and len(twice["runs"]["ours"]) == len(twice["runs"]["reference"]) == 2
    assert twice["ours"]["seconds"] == min(twice["runs"]["ours"])  # the lower middle of two
    assert twice["reference"]["seconds"] == min(twice["runs"]["reference"])
    assert twice["ours"]["quality"] == once["ours"]["quality"] and twice["ours"]["pairs"] == once["ours"]["pairs"]
    # from the medians (the JSON's seconds are rounded to 0.01 s, the ratio is not computed from them)
    assert twice["end_to_end_speedup"] == pytest.approx(twice["reference"]["seconds"] / twice["ours"]["seconds"], abs=0.02)
