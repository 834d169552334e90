"""The dashboard's precomputed status tables (provenance.summaries) and its faster reads.

Every read that has a fast path over ``article_status`` / ``cluster_status`` must return the same
frame as the live joins: each test reads a copy of the dashboard store with the tables built and a
copy without, and compares. The tables are only read while current (built at the store's version):
an ingest that does not rebuild them leaves them stale and the dashboard reads live again.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
import streamlit as st
from conftest_dashboard import CREDITED_ID, TRIMMED_ID, WIRE_ID, extra_records, get_store
from polars.testing import assert_frame_equal

from dashboard import data
from provenance import summaries
from provenance.store import Store


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> tuple[str, str]:
    """(live, built): two copies of the dashboard store, the second with the status tables built."""
    src = get_store(tmp_path_factory, request)
    root = tmp_path_factory.mktemp("summaries")
    live, built = root / "live.duckdb", root / "built.duckdb"
    shutil.copy(src.path, live)
    shutil.copy(src.path, built)
    with duckdb.connect(str(live)) as con:  # the store as written before the tables existed
        con.execute(f"DROP TABLE IF EXISTS {summaries.TABLE}")
        con.execute(f"DROP TABLE IF EXISTS {summaries.CLUSTERS}")
    Store(built).refresh_summaries()
    return str(live), str(built)


def _same(a: object, b: object, where: str = "") -> None:
    if isinstance(a, pl.DataFrame):
        assert isinstance(b, pl.DataFrame), where
        try:
            assert_frame_equal(a, b)
        except AssertionError as e:
            raise AssertionError(f"{where}: {e}") from None
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def _both(live: str, built: str, fn, *args) -> tuple[object, object]:  # noqa: ANN001
    li, bi = data.store_info(live), data.store_info(built)
    assert not li.status and bi.status
    st.cache_data.clear()
    return fn(li.path, li.version, *args), fn(bi.path, bi.version, *args)


def test_tables_are_current_only_at_the_version_they_were_built(stores):
    live, built = stores
    assert data.store_info(built).status
    assert not data.store_info(live).status
    s = Store(built)
    n = s.query("SELECT (SELECT count(*) FROM article_status) AS a, (SELECT count(*) FROM articles) AS b, "
                "(SELECT count(*) FROM cluster_status) AS c, (SELECT count(DISTINCT cluster_id) FROM clusters) AS d")
    assert n["a"][0] == n["b"][0] and n["c"][0] == n["d"][0]


def test_every_fast_read_matches_the_live_one(stores):
    live, built = stores
    s = Store(live)
    outlets = s.query("SELECT outlet FROM articles WHERE outlet IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 "
                      "LIMIT 4")["outlet"].to_list()
    agencies = s.query("SELECT source FROM credits WHERE kind = 'agency' GROUP BY 1 ORDER BY count(*) DESC, 1 "
                       "LIMIT 3")["source"].to_list()
    assert outlets and agencies
    calls = [(data.overview, ()), (data.top_clusters, (10,)), (data.outlet_agency_share, (25,)),
             (data.reuse_over_time, ()), (data.filter_options, ())]
    calls += [(data.reuse_over_time, (o,)) for o in outlets] + [(data.reuse_over_time, (None, a)) for a in agencies]
    calls += [(data.outlet_profile, (o,)) for o in outlets] + [(data.agency_profile, (a,)) for a in agencies]
    for fn, args in calls:
        a, b = _both(live, built, fn, *args)
        _same(a, b, f"{fn.__name__}{args}")


def test_clusters_list_matches_the_live_one_for_every_filter_and_sort(stores):
    live, built = stores
    relations = Store(live).query("SELECT DISTINCT relation FROM lineage WHERE relation IS NOT NULL ORDER BY 1"
                                  )["relation"].to_list()
    Q = data.ClusterQuery
    queries = [Q(), Q(outlets=("IANS",)), Q(agencies=("PTI",)), Q(agencies=("PTI", "Xinhua")),
               Q(relations=tuple(relations[:2])), Q(title="the"), Q(min_size=3),
               Q(date_from=date(2024, 10, 20), date_to=date(2024, 11, 5)), Q(outlets=("PTI",), date_to=date(2025, 1, 1))]
    for q in queries:
        for sort in data.SORTS:
            for desc in (True, False):
                for offset in (0, 10):
                    a, b = _both(live, built, data.clusters_page, q, sort, desc, 10, offset)
                    _same(a, b, f"{q} {sort} {desc} {offset}")


def test_cluster_detail_matches_the_live_one(stores):
    live, built = stores
    s = Store(live)
    ids = s.query("SELECT cluster_id FROM clusters GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 5")["cluster_id"].to_list()
    ids += s.query("SELECT cluster_id FROM clusters WHERE article_id = ?", [WIRE_ID])["cluster_id"].to_list()
    for cid in [*ids, -1]:
        a, b = _both(live, built, data.cluster_detail, cid)
        _same(a, b, f"cluster {cid}")
        again, _ = _both(live, built, data.cluster_detail, cid)
        _same(a, again, f"cluster {cid} read twice")  # pairs are ordered to the last tie


def test_an_ingest_rebuilds_them_and_stale_tables_are_not_read(stores, tmp_path: Path):
    from provenance.engine.pipeline import ingest

    _, built = stores
    path = tmp_path / "grown.duckdb"
    shutil.copy(built, path)
    wire = extra_records()[0]
    again = {**wire, "id": "dash-summaries-copy", "outlet": "Summaries Gazette", "published": "2031-03-02T12:00:00Z",
             "url": "https://summaries.example/1"}
    src = tmp_path / "more.jsonl"
    src.write_text(json.dumps(again) + "\n", encoding="utf-8")
    ingest([src], store=Store(path))
    info = data.store_info(path)
    assert info.status  # rebuilt by the ingest, at its version
    st.cache_data.clear()
    query = data.ClusterQuery(outlets=("Summaries Gazette",))
    fast_page = data.clusters_page(info.path, info.version, query)
    assert fast_page[1] == 1
    fast_share = data.outlet_agency_share(info.path, info.version, 500)
    assert "Summaries Gazette" in fast_share["outlet"].to_list()
    # A write committed without its rebuild (a crash between the two): the tables describe an older
    # version, so they are not read, and the live reads give the same answers.
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = CAST(value::BIGINT + 1 AS VARCHAR) WHERE key = 'store_version'")
    info = data.store_info(path)
    assert not info.status
    st.cache_data.clear()
    _same(fast_page, data.clusters_page(info.path, info.version, query))
    _same(fast_share, data.outlet_agency_share(info.path, info.version, 500))


def test_alignment_by_doc_matches_alignment_by_id(stores):
    live, _ = stores
    info = data.store_info(live)
    docs = Store(live).query("SELECT article_id, doc FROM articles WHERE article_id IN (?, ?, ?)",
                             [WIRE_ID, CREDITED_ID, TRIMMED_ID])
    doc = dict(zip(docs["article_id"].to_list(), docs["doc"].to_list(), strict=True))
    st.cache_data.clear()
    by_id = data.alignment(info.path, info.version, WIRE_ID, TRIMMED_ID)
    by_doc = data.alignment(info.path, info.version, WIRE_ID, TRIMMED_ID, (doc[WIRE_ID], doc[TRIMMED_ID]))
    assert by_id is not None
    _same(by_id, by_doc)
    # docs that do not name those articles (a stale page) fall back to the ids
    _same(by_id, data.alignment(info.path, info.version, WIRE_ID, TRIMMED_ID, (doc[CREDITED_ID], doc[CREDITED_ID])))


def test_concurrently_keeps_order_and_raises_the_first_error():
    assert data.concurrently(lambda: 1, lambda: 2, lambda: 3) == [1, 2, 3]
    with pytest.raises(data.StoreBusy):
        data.concurrently(lambda: 1, lambda: (_ for _ in ()).throw(data.StoreBusy("busy")))


def _status_tables(store: Store) -> tuple[pl.DataFrame, pl.DataFrame]:
    return (store.query(f"SELECT * FROM {summaries.TABLE} ORDER BY doc"),
            store.query(f"SELECT * FROM {summaries.CLUSTERS} ORDER BY cluster_id"))


def _full_build(store: Store) -> tuple[pl.DataFrame, pl.DataFrame]:
    with store.atomic(ddl="") as con:
        assert summaries.build(con)
    return _status_tables(store)


@pytest.fixture(scope="module")
def two_halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated corpus in two JSONL files, 420 and 280 articles drawn at random: the second part
    backfills the first (copies that join, grow and merge its clusters, and earlier versions that
    become the parents of its articles, so their lineage changes while their cluster does not)."""
    from provenance.tools.synth import generate

    root = tmp_path_factory.mktemp("halves")
    arts = generate(700, seed=11, mode="realistic").articles.sample(fraction=1.0, shuffle=True, seed=3)
    # Two clusters that one later article merges: copies of a story's first half, copies of its second
    # half, then the whole story.
    story = arts.filter(pl.col("text").str.count_matches("\n\n") >= 5).row(0, named=True)
    paras = story["text"].split("\n\n")
    half = len(paras) // 2
    halves = [{**story, "id": f"merge-{part}-{k}", "outlet": f"Merge Daily {part}{k}", "url": None,
               "text": "\n\n".join(paras[:half] if part == "a" else paras[half:])}
              for part in ("a", "b") for k in (1, 2)]
    whole = {**story, "id": "merge-whole", "outlet": "Merge Wire", "url": None}
    first, second = root / "first.jsonl", root / "second.jsonl"
    pl.concat([arts.head(420), pl.DataFrame(halves, schema=arts.schema)]).write_ndjson(first)
    pl.concat([arts.slice(420), pl.DataFrame([whole], schema=arts.schema)]).write_ndjson(second)
    return first, second


def test_an_incremental_refresh_equals_a_full_build(two_halves, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from provenance.engine.pipeline import ingest

    first, second = two_halves
    store = Store(tmp_path / "s.duckdb")
    ingest([first], store=store)
    assert store.summaries_current()
    before = _status_tables(store)
    full_builds: list[int] = []
    real_build = summaries.build
    monkeypatch.setattr(summaries, "build", lambda con: full_builds.append(1) or real_build(con))
    # in place whatever share of the store changed (a larger share is rebuilt whole only because it is cheaper)
    monkeypatch.setattr(summaries, "_INCREMENTAL_SHARE", 1.0)
    ingest([second], store=store, batch_size=100)  # three batches, one refresh after them
    assert full_builds == []  # refreshed in place, from the docs the three batches recorded
    assert store.summaries_current()
    assert store.query(f"SELECT count(*) AS n FROM {summaries.DIRTY}")["n"][0] == 0
    refreshed = _status_tables(store)
    assert refreshed[0].height == before[0].height + 281
    rebuilt = _full_build(store)
    assert_frame_equal(refreshed[0], rebuilt[0])
    assert_frame_equal(refreshed[1], rebuilt[1])
    # the second part changed rows of the first part's articles too: clusters merged, and parents found
    # in articles that stay in their cluster (only their lineage rows say so)
    old = before[0].join(refreshed[0], on="doc", suffix="_new")
    assert old["cluster_id"].ne_missing(old["cluster_id_new"]).any()
    assert set(before[1]["cluster_id"]) - set(refreshed[1]["cluster_id"])  # a cluster merged into another
    assert (old["cluster_id"].eq_missing(old["cluster_id_new"]) & old["parent_id"].ne_missing(old["parent_id_new"])).any()


def test_a_write_that_records_no_changes_makes_the_refresh_a_full_build(two_halves, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    from provenance.engine.pipeline import ingest

    first, second = two_halves
    store = Store(tmp_path / "s.duckdb")
    ingest([first], store=store)
    # a write that bumps the version without recording what it changed (as an override or an import does)
    with duckdb.connect(str(store.path)) as con:
        con.execute("UPDATE meta SET value = CAST(value::BIGINT + 1 AS VARCHAR) WHERE key = 'store_version'")
    full_builds: list[int] = []
    real_build = summaries.build
    monkeypatch.setattr(summaries, "build", lambda con: full_builds.append(1) or real_build(con))
    ingest([second], store=store)
    assert full_builds == [1]
    assert store.summaries_current()
    refreshed = _status_tables(store)
    assert_frame_equal(refreshed[0], _full_build(store)[0])
