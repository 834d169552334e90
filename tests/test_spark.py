"""The Spark engine equals the local engine, and its output imports into a working store.

One corpus, built to exercise every distributed path: a realistic synthetic
feed read in byte ranges (SPLIT_BYTES is made tiny), the same feed as Parquet
read in row-group runs, the bundled sample's HTML and text pages (chrome
learned per outlet), a web archive of some of those pages carried by other sites
(one pointing its canonical link at another site), and a hand-made file with a
malformed line, a repeated record, a reused id with other text and a too-short article. It is ingested
once locally and once by Spark on local[2]; every table must match row for row.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from provenance.config import Config
from provenance.errors import StoreError
from provenance.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def _java_ok() -> bool:
    if shutil.which("java") is None:
        return False
    try:
        return subprocess.run(["java", "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(not _java_ok(), reason="Spark needs a Java runtime (apt-get install openjdk-17-jre-headless)"),
]

LONG_A = " ".join(f"Alpha paragraph word{i} about the harbour expansion plan and its budget." for i in range(12))
LONG_B = " ".join(f"Beta paragraph word{i} about the river bridge repairs and the detour." for i in range(12))


def _edge_file(path: Path) -> None:
    rows = [
        json.dumps({"id": "dup1", "outlet": "edge.example", "published": "2024-10-02T10:00:00Z", "text": LONG_A}),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "dup1", "outlet": "edge.example", "published": "2024-10-02T10:00:00Z", "text": LONG_A}),
        json.dumps({"id": "dup1", "outlet": "edge.example", "published": "2024-10-02T11:00:00Z", "text": LONG_B}),
        json.dumps({"id": "tiny", "outlet": "edge.example", "text": "Too short to fingerprint."}),
        json.dumps({"id": "copyB", "url": "https://other.example/b", "text": LONG_B + " Extra closing line."}),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _crawl(path: Path) -> None:
    """Three sample pages as another site's crawl; the second says, by its canonical link, where it came from."""
    import io
    import re

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = sorted((SAMPLE / "html").rglob("*.html"))[:3]
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i, page in enumerate(pages):
            body = page.read_bytes()
            if i == 1:
                body = re.sub(rb'<link rel="canonical" href="[^"]+"',
                              b'<link rel="canonical" href="https://www.origin-desk.example/story/7"', body)
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(f"https://carrier.example/wire/{i}", "response",
                                                payload=io.BytesIO(body), http_headers=hh))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    from provenance.tools import synth

    d = tmp_path_factory.mktemp("spark_corpus")
    synth.generate_to(d / "feed", 300, seed=11, mode="realistic", format="jsonl")
    synth.generate_to(d / "pq", 120, seed=12, mode="realistic", format="parquet", chunk=40)
    _edge_file(d / "edge.jsonl")
    _crawl(d / "crawl.warc.gz")
    return [
        str(d / "feed" / "articles.jsonl"), str(d / "pq" / "articles.parquet"), str(d / "edge.jsonl"),
        str(d / "crawl.warc.gz"), str(SAMPLE / "html"), str(SAMPLE / "pages"),
    ]


@pytest.fixture(scope="module")
def local_store(corpus: list[str], tmp_path_factory: pytest.TempPathFactory) -> Store:
    from provenance.engine.pipeline import ingest

    store = Store(tmp_path_factory.mktemp("spark_local") / "local.duckdb")
    ingest(corpus, store=store, config=Config(rewrites=False))  # the Spark engine has no rewrite stage yet
    return store


@pytest.fixture(scope="module")
def spark():
    from provenance.engine.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=4, driver_memory="2g")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark_run(corpus: list[str], spark, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from provenance.engine import spark as spark_engine

    out = tmp_path_factory.mktemp("spark_out") / "run"
    mp = pytest.MonkeyPatch()
    mp.setattr(spark_engine, "SPLIT_BYTES", 48 << 10)  # several byte ranges and row-group runs
    try:
        result = spark_engine.run_spark(corpus, out, config=Config(), spark=spark)
    finally:
        mp.undo()
    return out, result


def _spark(out: Path, name: str) -> pl.DataFrame:
    from provenance.engine.importer import load_dataset
    from provenance.engine.spark import SPARK_SCHEMAS, _arrow_schema

    schema = pl.Schema(pl.from_arrow(_arrow_schema(SPARK_SCHEMAS[name]).empty_table()).schema)
    return load_dataset(out, name, schema)


def _same(a: pl.DataFrame, b: pl.DataFrame, cols: list[str], what: str) -> None:
    a = a.select(cols).sort(cols, nulls_last=True)
    b = b.select(cols).cast(dict(a.schema)).sort(cols, nulls_last=True)
    if not a.equals(b):
        only_a = a.join(b, on=cols, how="anti", nulls_equal=True)
        only_b = b.join(a, on=cols, how="anti", nulls_equal=True)
        pytest.fail(f"{what}: spark {a.height} rows, local {b.height}\nonly spark:\n{only_a}\nonly local:\n{only_b}")


def test_run_reads_in_ranges_and_row_groups(spark_run: tuple[Path, dict]) -> None:
    out, result = spark_run
    assert result["units"] >= 6, result  # byte ranges + row-group runs + file batches
    assert result["articles"] > 400
    assert result["pairs"] > 300
    assert not (out / "_work").exists()


def test_articles_and_docs_equal_local(spark_run, local_store: Store) -> None:
    out, _ = spark_run
    local = local_store.query("SELECT * FROM articles")
    cols = ["doc", "article_id", "url", "canonical_url", "outlet", "published_at", "published_precision",
            "published_offset", "title", "byline", "dateline", "text", "raw_text", "source", "locator", "content_hash"]
    _same(_spark(out, "articles"), local, cols, "articles")
    assert local.filter(pl.col("outlet") == "carrier.example").height == 3  # the crawl's pages are the crawler's site's
    # each names where the page came from: its sample site, or (the second) the one its link was changed to
    named = local_store.query("SELECT source FROM credits WHERE field = 'canonical_url'")["source"].to_list()
    assert len(named) == 3 and "origin-desk.example" in named
    ids = set(local["article_id"].to_list())
    assert "dup1" in ids and any(i.startswith("dup1~") for i in ids)  # the reused id was repaired


def test_pairs_clusters_lineage_equal_local(spark_run, local_store: Store) -> None:
    out, _ = spark_run
    q = local_store.query
    _same(_spark(out, "pairs"), q("SELECT * FROM pairs"),
          ["a", "b", "a_doc", "b_doc", "shared_shingles", "a_shingles", "b_shingles", "jaccard",
           "containment_a_in_b", "containment_b_in_a", "via"], "pairs")
    _same(_spark(out, "clusters"), q("SELECT * FROM clusters"), ["article_id", "cluster_id", "doc"], "clusters")
    lin_cols = ["article_id", "cluster_id", "parent_id", "parent_external", "origin_id", "origin_external", "depth",
                "via_agency", "relation", "derivation", "credited", "lag_minutes", "confidence", "evidence"]
    _same(_spark(out, "lineage"), q("SELECT * FROM lineage"), lin_cols, "lineage")
    _same(_spark(out, "external_nodes"), q("SELECT * FROM external_nodes"),
          ["cluster_id", "name", "kind", "parent_external", "cited_via", "n_articles"], "external_nodes")
    _same(_spark(out, "credits"), q("SELECT * FROM credits"),
          ["article_id", "source", "kind", "role", "field", "span_start", "span_end", "span_text", "cited_via"],
          "credits")
    assert q("SELECT count(DISTINCT cluster_id) AS n FROM clusters")["n"][0] > 20


def test_rejects_chrome_and_indexes_equal_local(spark_run, local_store: Store) -> None:
    out, _ = spark_run
    q = local_store.query
    rej = _spark(out, "rejects")
    _same(rej, q("SELECT * FROM rejects"), ["source", "locator", "reason", "detail", "action"], "rejects")
    assert {"malformed_json", "duplicate_record", "duplicate_id", "too_short"} <= set(rej["reason"].to_list())
    chrome = _spark(out, "chrome_stats").with_columns(pl.col("line_hash").reinterpret(signed=False))
    _same(chrome, q("SELECT * FROM chrome_stats"), ["outlet", "line_hash", "pages"], "chrome_stats")
    bands = _spark(out, "bands").with_columns(pl.col("key").reinterpret(signed=False))
    _same(bands, q("SELECT * FROM bands"), ["band", "key", "doc"], "bands")
    anchors = _spark(out, "anchors").with_columns(pl.col("anchor").cast(pl.UInt32))
    _same(anchors, q("SELECT * FROM anchors"), ["anchor", "doc"], "anchors")
    sig = _spark(out, "signatures").sort("doc")
    local_sig = q("SELECT * FROM signatures ORDER BY doc")
    assert sig["doc"].to_list() == local_sig["doc"].to_list()
    assert sig["n_shingles"].to_list() == local_sig["n_shingles"].to_list()
    mh = np.frombuffer(b"".join(sig["minhash"].to_list()), dtype="<u4").reshape(sig.height, -1)
    assert np.array_equal(mh, np.array(local_sig["minhash"].to_list(), dtype=np.uint32))


def test_import_gives_the_local_store(spark_run, local_store: Store, tmp_path: Path) -> None:
    from provenance.engine.importer import import_run

    out, _ = spark_run
    store = Store(tmp_path / "imported.duckdb")
    counts = import_run(out, store)
    assert counts["articles"] == local_store.query("SELECT count(*) AS n FROM articles")["n"][0]
    for table in ("articles", "pairs", "clusters", "lineage", "external_nodes", "credits", "signatures", "bands",
                  "anchors", "chrome_stats", "rejects"):
        drop = ["ingested_at"] if table == "articles" else []
        a = store.query(f"SELECT * FROM {table} ORDER BY ALL").drop(drop)
        b = local_store.query(f"SELECT * FROM {table} ORDER BY ALL").drop(drop)
        assert a.columns == b.columns, table
        assert a.equals(b), table
    st = store.state()
    assert st.next_doc == counts["articles"] and st.config == Config(rewrites=False)
    # The run numbers docs from 0: a store that already has articles is refused, and left as it was.
    with pytest.raises(StoreError, match="new store"):
        import_run(out, store)
    assert store.state().version == st.version


def test_unfinished_run_is_refused(spark_run, tmp_path: Path) -> None:
    from provenance.engine.importer import import_run

    out, _ = spark_run
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    shutil.rmtree(broken / "meta")
    with pytest.raises(StoreError, match="not a finished Spark run"):
        import_run(broken, Store(tmp_path / "x.duckdb"))
    assert not (tmp_path / "x.duckdb").exists()


def test_components_match_scipy_on_chains_and_random_graphs(spark) -> None:
    from provenance.detect.cluster import components
    from provenance.engine.spark import connected_components

    rng = np.random.default_rng(5)
    chain = np.arange(1, 300)
    perm = rng.permutation(300)  # a 300-node path visited in random label order: worst case for propagation
    a = np.concatenate([perm[chain - 1], rng.integers(1000, 1400, 250)])
    b = np.concatenate([perm[chain], rng.integers(1000, 1400, 250)])
    keep = a != b
    a, b = a[keep].astype(np.int64), b[keep].astype(np.int64)
    edges = spark.createDataFrame(list(zip(a.tolist(), b.tolist(), strict=True)), "u long, v long")
    labels, rounds = connected_components(edges)
    got = dict(labels.select("node", "label").toLocalIterator())
    nodes, want = components(a, b)
    assert got == dict(zip(nodes.tolist(), want.tolist(), strict=True))
    assert rounds < 20
