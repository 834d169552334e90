"""`provenance export` readable alone: pairs with both sides, articles with their cluster, filters, stdout.

On the sample store built by the real pipeline; expected rows are computed with SQL on the raw tables."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from provenance.cli.main import main
from provenance.errors import InputError
from provenance.exports import Filters, export_frame
from provenance.store import Store


@pytest.fixture(scope="module")
def store(sample_store: Store) -> Store:
    return sample_store


def test_pairs_carry_both_sides(store: Store) -> None:
    df = export_frame(store, "pairs")
    assert df.height == store.query("SELECT count(*) AS n FROM pairs")["n"][0]
    arts = store.table("articles").select("article_id", "outlet", "url", "title", "published_at")
    for side in ("a", "b"):
        want = df.select(side).join(arts.rename({"article_id": side}), on=side, how="left")
        for c in ("outlet", "url", "title", "published_at"):
            assert df[f"{side}_{c}"].to_list() == want[c].to_list()
    clusters = store.table("clusters")
    got = df.select("a", "cluster_id").join(clusters.rename({"article_id": "a", "cluster_id": "k"}), on="a")
    assert (got["cluster_id"] == got["k"]).all()


def test_articles_carry_their_cluster(store: Store) -> None:
    df = export_frame(store, "articles")
    assert df.height == store.query("SELECT count(*) AS n FROM articles")["n"][0]
    assert "doc" not in df.columns
    k = store.table("clusters")
    assert df["cluster_id"].null_count() == df.height - k.height
    joined = df.join(k, on="article_id", suffix="_k")
    assert (joined["cluster_id"] == joined["cluster_id_k"]).all()


def test_filters(store: Store) -> None:
    cid, n = store.query("SELECT cluster_id, count(*) AS n FROM clusters GROUP BY 1 ORDER BY 2 DESC LIMIT 1").row(0)
    assert set(export_frame(store, "articles", Filters(cluster=cid))["cluster_id"]) == {cid}
    assert export_frame(store, "lineage", Filters(cluster=cid)).height == n
    outlet = "ANI"
    pairs = export_frame(store, "pairs", Filters(outlet=outlet))
    want = store.query("SELECT count(*) AS n FROM pairs p JOIN articles a ON a.doc = p.a_doc JOIN articles b "
                       "ON b.doc = p.b_doc WHERE a.outlet = ? OR b.outlet = ?", [outlet, outlet])["n"][0]
    assert pairs.height == want > 0
    assert ((pairs["a_outlet"] == outlet) | (pairs["b_outlet"] == outlet)).all()
    since, until = datetime(2024, 10, 15, tzinfo=UTC), datetime(2024, 10, 16, tzinfo=UTC)
    arts = export_frame(store, "articles", Filters(since=since, until=until))
    want = store.query("SELECT count(*) AS n FROM articles WHERE published_at >= ? AND published_at < ?",
                       [since, until])["n"][0]
    assert arts.height == want > 0
    assert arts["published_at"].min() >= since and arts["published_at"].max() < until
    with pytest.raises(InputError):
        export_frame(store, "rejects", Filters(outlet=outlet))


def test_cli_out_dash_writes_to_stdout(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(main, ["export", "pairs", "--store", str(store.path), "--out", "-", "--outlet", "ANI"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all("ANI" in (x["a_outlet"], x["b_outlet"]) for x in rows)
    assert not (tmp_path / "-").exists()
    r = runner.invoke(main, ["export", "articles", "--store", str(store.path), "--out", "-", "--format", "parquet",
                             "--since", "2024-10-15"])
    assert r.exit_code == 0
    df = pl.read_parquet(io.BytesIO(r.stdout_bytes))
    assert df.height and "cluster_id" in df.columns
    r = runner.invoke(main, ["export", "rejects", "--store", str(store.path), "--out", "-", "--cluster", "1"])
    assert r.exit_code == 1 and "no filters" in r.output
