"""Cluster history: one event per cluster per ingest (created, grew, merged_into), exported and on the cluster page."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest

from provenance.detect.history import history
from provenance.engine.pipeline import ingest
from provenance.exports import Filters, export_frame
from provenance.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _body(seed: int) -> str:
    rng = random.Random(seed)
    words = [f"w{seed}x{i}" for i in range(400)]
    return "\n\n".join(" ".join(rng.choice(words) for _ in range(70)) + "." for _ in range(3))


def _write(path: Path, recs: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    return path


def test_created_grew_and_sizes_across_two_ingests(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.duckdb")
    ingest([ROOT / "data" / "sample" / "feed.jsonl"], store=store)
    first = store.table("cluster_events")
    assert set(first["event"]) == {"created"} and (first["articles_added"] == first["size_after"]).all()
    ingest([ROOT / "data" / "sample"], store=store)
    ev = store.table("cluster_events")
    second = ev.filter(pl.col("ingest_id") == ev["ingest_id"].max())
    assert {"grew", "created"} <= set(second["event"])
    grew = second.filter(pl.col("event") == "grew")
    assert set(grew["cluster_id"]) <= set(first["cluster_id"]) and (grew["articles_added"] > 0).all()
    # every cluster's last event gives its current size
    sizes = store.query("SELECT cluster_id, count(*) AS n FROM clusters GROUP BY 1")
    last = ev.sort("ingest_id").group_by("cluster_id").last().join(sizes, on="cluster_id")
    assert last.height == sizes.height and (last["size_after"] == last["n"]).all()


def test_a_merge_is_recorded_on_both_clusters(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.duckdb")
    a, b = _body(1), _body(2)
    ingest([_write(tmp_path / "1.jsonl", [
        {"id": "a1", "outlet": "one.example", "text": a}, {"id": "a2", "outlet": "two.example", "text": a},
        {"id": "b1", "outlet": "three.example", "text": b}, {"id": "b2", "outlet": "four.example", "text": b},
    ])], store=store)
    ids = dict(store.query("SELECT article_id, cluster_id FROM clusters").iter_rows())
    old, young = ids["a1"], ids["b1"]
    assert old < young
    # a copy of a that lifts b's first paragraph bridges the two (a page carrying both whole would be
    # a digest, which links to both but merges nothing)
    bridge = a + "\n\n" + b.split("\n\n")[0]
    ingest([_write(tmp_path / "2.jsonl", [{"id": "ab", "outlet": "five.example", "text": bridge}])], store=store)
    ev = store.table("cluster_events").filter(pl.col("ingest_id") == 2)
    rows = {r["event"]: r for r in ev.iter_rows(named=True)}
    assert rows["grew"]["cluster_id"] == old and rows["grew"]["articles_added"] == 1
    assert rows["grew"]["size_after"] == 5
    assert rows["merged_into"]["cluster_id"] == young and rows["merged_into"]["merged_into"] == old
    h = history(store, old)
    assert [(r["ingest_id"], r["cluster_id"], r["event"]) for r in h.iter_rows(named=True)] == [
        (1, old, "created"), (1, young, "created"), (2, old, "grew"), (2, young, "merged_into")]
    assert export_frame(store, "cluster_events", Filters(cluster=old)).equals(h)


def test_cluster_page_shows_the_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_dashboard_apptest import run_app

    store = Store(tmp_path / "m.duckdb")
    a = _body(3)
    ingest([_write(tmp_path / "1.jsonl", [{"id": "x1", "outlet": "one.example", "text": a},
                                          {"id": "x2", "outlet": "two.example", "text": a}])], store=store)
    ingest([_write(tmp_path / "2.jsonl", [{"id": "x3", "outlet": "three.example", "text": a}])], store=store)
    cid = store.query("SELECT cluster_id FROM clusters WHERE article_id = 'x1'")["cluster_id"][0]
    at = run_app(store.path, monkeypatch, "cluster", id=str(cid))
    assert not any("event" in d.value.columns for d in at.dataframe)  # folded: drawn when opened
    at.session_state["cluster_history"] = True  # the reader opens the section
    at.run()
    hist = next(d.value for d in at.dataframe if "event" in d.value.columns)
    assert list(hist["event"]) == ["created", "grew"] and list(hist["size_after"]) == [2, 3]
    assert any("History: 2 events" in e.label for e in at.expander)
