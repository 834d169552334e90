"""`provenance export` readable alone: pairs with both sides, articles with their cluster, filters, stdout.

On the sample store built by the real pipeline; expected rows are computed with SQL on the raw tables."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
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


def test_articles_carry_the_time_on_the_pages_own_clock(store: Store) -> None:
    df = export_frame(store, "articles")
    zoned = df.filter(pl.col("published_offset").is_not_null())
    assert zoned.height > 0 and 330 in zoned["published_offset"].to_list()  # the sample's IST pages
    for at, off, local in zoned.select("published_at", "published_offset", "published_local").iter_rows():
        t = datetime.fromisoformat(local)
        assert t == at and t.utcoffset() == timedelta(minutes=off)
    assert df.filter(pl.col("published_offset").is_null())["published_local"].null_count() == df.height - zoned.height


def test_a_store_written_before_offsets_were_kept_still_exports_reports_and_ingests(tmp_path: Path) -> None:
    from provenance.engine.pipeline import ingest
    from provenance.report import build_report

    body = ("Harbour officials in Port Calder said on Tuesday that the northern breakwater would close for six "
            "weeks of repairs after winter storms cracked its concrete crown in three places, a spokeswoman said.")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "outlet": "x", "published": "2024-10-16T01:45:00+05:30", "text": body})
                    + "\n" + json.dumps({"id": "b", "outlet": "y", "published": "2024-10-16T02:00:00+05:30",
                                         "text": body}) + "\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    ingest([feed], store=store)
    con = duckdb.connect(str(store.path))
    con.execute("DROP INDEX articles_doc")  # as an older version wrote it: no column, the index
    con.execute("ALTER TABLE articles DROP COLUMN published_offset")
    con.execute("ALTER TABLE articles DROP COLUMN canonical_url")  # nor this later one
    con.execute("CREATE INDEX articles_doc ON articles (doc)")
    con.close()
    old = export_frame(store, "articles")
    assert old["published_offset"].to_list() == [None, None] and old["published_local"].to_list() == [None, None]
    assert old["canonical_url"].to_list() == [None, None]
    cid = store.query("SELECT cluster_id FROM clusters LIMIT 1")["cluster_id"][0]
    assert all(m["published_local"] is None for m in build_report(store, cluster=cid)["cluster"]["members"])
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "c", "outlet": "z", "published": "Oct 16, 2024 02:10 IST", "text": body})
                    + "\n", encoding="utf-8")
    assert ingest([more], store=store).added == 1  # the column is added on the next write
    new = export_frame(store, "articles")
    assert new["published_offset"].to_list() == [None, None, 330] and store.has_column("articles", "canonical_url")
    assert new["published_local"].to_list()[2] == "2024-10-16T02:10:00+05:30"
