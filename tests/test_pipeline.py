"""The ingest pipeline end to end on a real DuckDB store: idempotence, config checks,
bad input, crash safety and the CLI's words."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from provenance.cli.main import main
from provenance.config import Config
from provenance.engine.pipeline import ingest
from provenance.errors import ConfigMismatchError
from provenance.store import Store

FIXTURES = Path(__file__).parent / "fixtures"

WIRE = (
    "Harbour officials in Port Calder said on Tuesday that the northern breakwater would close for "
    "six weeks of repairs after winter storms cracked its concrete crown in three places.\n\n"
    "The closure means fishing boats will use the southern channel, which a spokeswoman for the port "
    "authority described as narrower but safe in all but the strongest easterly winds.\n\n"
    "\"We would rather lose a few hours each day than lose a boat,\" harbourmaster Elin Varga told "
    "reporters at the quay, adding that pilots would guide larger vessels through the channel.\n\n"
    "The repairs are expected to cost about 4.2 million and will be paid from the regional storm fund "
    "that was set up two years ago after flooding damaged the old fish market."
)


def _records(tmp: Path, rows: list[dict], name: str = "feed.jsonl") -> Path:
    path = tmp / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("articles", "pairs", "clusters", "bands", "anchors", "signatures")}
    finally:
        con.close()


def test_fixture_pages_cluster_and_reingest_adds_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    first = ingest([FIXTURES], store=store)
    assert first.added > 5 and first.pairs_added > 0
    before = _counts(store.path)
    again = ingest([FIXTURES], store=store)
    assert again.added == 0 and again.already_present == first.added
    assert _counts(store.path) == before


def test_incremental_copy_joins_existing_cluster(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    a = _records(tmp_path, [
        {"id": "wire-1", "outlet": "Example Wire", "published": "2025-03-04T08:00:00Z", "title": "Breakwater to close",
         "text": WIRE},
        {"id": "copy-1", "outlet": "Daily Example", "published": "2025-03-04T09:00:00Z",
         "title": "Breakwater to close", "text": WIRE},
    ], "a.jsonl")
    ingest([a], store=store)
    cid = store.query("SELECT DISTINCT cluster_id FROM clusters")["cluster_id"].to_list()
    assert len(cid) == 1
    b = _records(tmp_path, [
        {"id": "copy-2", "outlet": "Valley Post", "published": "2025-03-04T11:00:00Z",
         "title": "Port Calder breakwater shut for repairs", "text": WIRE.rsplit("\n\n", 1)[0]},
    ], "b.jsonl")
    report = ingest([b], store=store)
    assert report.added == 1 and report.pairs_added == 2
    clusters = store.query("SELECT article_id, cluster_id FROM clusters ORDER BY article_id")
    assert dict(clusters.iter_rows()) == {"copy-1": cid[0], "copy-2": cid[0], "wire-1": cid[0]}
    lineage = store.query("SELECT article_id, parent_id, relation FROM lineage WHERE article_id = 'copy-2'")
    assert lineage.row(0, named=True)["parent_id"] in ("wire-1", "copy-1")
    assert lineage.row(0, named=True)["relation"] in ("trimmed", "headline_changed", "edited")


def test_a_stored_article_that_was_alone_gets_its_copies_as_children(tmp_path: Path) -> None:
    """The wire text arrives alone (in no cluster), its copy in a later ingest: lineage must read the
    stored article, not only the stored members of clusters, or the copy is left an original."""
    store = Store(tmp_path / "s.duckdb")
    ingest([_records(tmp_path, [{"id": "wire-1", "outlet": "Example Wire", "published": "2025-03-04T08:00:00Z",
                                 "title": "Breakwater to close", "text": WIRE}], "a.jsonl")], store=store)
    assert store.query("SELECT count(*) AS n FROM clusters")["n"][0] == 0
    ingest([_records(tmp_path, [{"id": "copy-1", "outlet": "Daily Example", "published": "2025-03-04T09:00:00Z",
                                 "title": "Breakwater to close", "text": WIRE}], "b.jsonl")], store=store)
    lineage = store.query("SELECT article_id, cluster_id, parent_id, relation FROM lineage ORDER BY article_id")
    rows = {r["article_id"]: r for r in lineage.iter_rows(named=True)}
    assert lineage.height == 2 and rows["wire-1"]["cluster_id"] == rows["copy-1"]["cluster_id"]
    assert (rows["copy-1"]["parent_id"], rows["copy-1"]["relation"]) == ("wire-1", "verbatim")
    assert (rows["wire-1"]["parent_id"], rows["wire-1"]["relation"]) == (None, "original")


def test_config_mismatch_is_refused_with_the_differences(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ingest([FIXTURES], store=store)
    with pytest.raises(ConfigMismatchError, match=r"num_perm: store has 128, this run asks 64"):
        ingest([FIXTURES], store=store, config=Config(num_perm=64))


def test_bad_input_is_skipped_with_reasons_and_the_rest_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = {"id": "ok-1", "outlet": "Daily Example", "published": "2025-03-04T09:00:00Z", "title": "T", "text": WIRE}
    lines = [
        json.dumps(good),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"id": "ok-1", "text": WIRE + "\n\nA later correction paragraph was added here."}),
        json.dumps({"id": "nodate", "outlet": "Valley Post", "text": WIRE, "colour": "blue"}),
        json.dumps({"id": "baddate", "published": "the day after Tuesday", "text": WIRE.upper()}),
        json.dumps({"id": "huge", "text": ("word " * 12) + "\n\n" + ("filler text here " * 80_000)}),
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners in Port Calder said the breakwater closure would hurt trade "
                                        "during the busiest weeks of the spring season, and asked for help.".encode("cp1252"))
    result = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(tmp_path / "s.duckdb"), "--quiet"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "malformed_json" in out and "line 2" in out
    assert "empty_text" in out
    assert "duplicate_id" in out
    assert "binary_file" in out
    assert "oversized_text" in out
    assert "bad_date" in out
    ids = set(Store(tmp_path / "s.duckdb").query("SELECT article_id FROM articles")["article_id"].to_list())
    assert {"ok-1", "nodate", "baddate", "huge"} <= ids
    assert any(i.startswith("ok-1~") for i in ids), "the second text under id ok-1 is kept under a new id"
    assert "empty" not in ids and "broken" not in ids
    nodate = Store(tmp_path / "s.duckdb").query("SELECT published_at FROM articles WHERE article_id = 'nodate'")
    assert nodate["published_at"][0] is None


def test_cli_errors_are_one_line_with_exit_1(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(main, ["ingest", str(tmp_path / "missing.jsonl"), "--store", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 1
    assert r.output.strip() == f"Error: no such file or folder: {tmp_path / 'missing.jsonl'}"
    r = runner.invoke(main, ["stats", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "no store at" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["search", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "exactly one of --text or --file" in r.output
    r = runner.invoke(main, ["export", "nonsense", "--out", "x"])
    assert r.exit_code == 2


def test_every_command_help_has_an_example() -> None:
    runner = CliRunner()
    for name in main.commands:
        r = runner.invoke(main, [name, "--help"])
        assert r.exit_code == 0
        assert "Example:" in r.output or "Examples:" in r.output, f"`provenance {name} --help` shows no example"


def test_export_and_search_from_the_cli(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(FIXTURES), "--store", str(store), "--quiet"]).exit_code == 0
    for table in ("articles", "pairs", "clusters", "rejects", "credits", "lineage"):
        out = tmp_path / f"{table}.jsonl"
        r = runner.invoke(main, ["export", table, "--store", str(store), "--out", str(out)])
        assert r.exit_code == 0, r.output
    pairs = [json.loads(line) for line in (tmp_path / "pairs.jsonl").read_text().splitlines()]
    assert pairs and {"a", "b", "jaccard", "containment_a_in_b", "containment_b_in_a"} <= set(pairs[0])
    arts = [json.loads(line) for line in (tmp_path / "articles.jsonl").read_text().splitlines()]
    assert {"article_id", "url", "outlet", "published_at", "title", "byline", "text"} <= set(arts[0])
    text = next(a["text"] for a in arts if a["article_id"] == pairs[0]["a"])
    r = runner.invoke(main, ["search", "--store", str(store), "--json", "--text", text[:600]])
    hits = [json.loads(line) for line in r.output.splitlines()]
    assert hits[0]["article_id"] in {pairs[0]["a"], pairs[0]["b"]} and hits[0]["reuse"]


KILLER = textwrap.dedent(
    """
    import sys, time
    import provenance.store as st
    real = st._append
    def slow_append(con, table, df):
        real(con, table, df)
        print("APPENDED", table, flush=True)
        time.sleep(60)
    st._append = slow_append
    from provenance.engine.pipeline import ingest
    ingest([sys.argv[2]], store=st.Store(sys.argv[1]))
    """
)


def test_kill_9_mid_write_leaves_the_last_good_state(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ingest([FIXTURES], store=store)
    before = _counts(store.path)
    version = store.state().version
    extra = _records(tmp_path, [{"id": f"x{i}", "outlet": "Valley Post", "text": WIRE + f" Note {i}."} for i in range(30)])
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(store.path), str(extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("APPENDED"), proc.stderr.read() if proc.stderr else line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _counts(store.path) == before
    assert store.state().version == version
    report = ingest([extra], store=store)
    assert report.added == 30


def test_batched_ingest_links_across_batches_like_one_transaction(tmp_path: Path) -> None:
    one, many = Store(tmp_path / "one.duckdb"), Store(tmp_path / "many.duckdb")
    ingest([FIXTURES], store=one)
    report = ingest([FIXTURES], store=many, batch_size=3)
    assert report.added == _counts(one.path)["articles"]
    q = "SELECT a, b, shared_shingles FROM pairs ORDER BY a, b"
    assert one.query(q).equals(many.query(q))
    part = "SELECT list(article_id ORDER BY article_id) AS m FROM clusters GROUP BY cluster_id ORDER BY m"
    assert one.query(part).equals(many.query(part))


def test_streamed_parquet_in_batches_equals_one_transaction(tmp_path: Path, monkeypatch: Any) -> None:
    """A big Parquet file read and committed in pieces gives the one-shot store."""
    import provenance.ingest as ingest_mod
    from provenance.tools.synth import generate

    corpus = tmp_path / "corpus.parquet"
    generate(400, seed=5, mode="realistic").articles.write_parquet(corpus, row_group_size=50)
    # Rewrite links weigh a phrase's rarity among the articles a batch can see (itself and the window
    # before it), so they may differ between batchings; the verified copies and their clusters may not.
    config = Config(rewrites=False)
    one, many = Store(tmp_path / "one.duckdb"), Store(tmp_path / "many.duckdb")
    ingest([corpus], store=one, config=config)
    monkeypatch.setattr(ingest_mod, "STREAM_BYTES", 0)
    report = ingest([corpus], store=many, batch_size=120, config=config)
    assert report.read == 400
    assert many.query("SELECT count(*) AS n FROM ingests WHERE ingest_id > 0")["n"][0] == 4
    assert "compact" in report.timings  # the four sorted runs of lookup keys were merged into one
    for table, key in (("bands", "key"), ("anchors", "anchor")):
        assert many.query(f"SELECT {key} FROM {table} ORDER BY rowid")[key].is_sorted()
    assert many.query("SELECT count(*) AS n FROM bands").equals(one.query("SELECT count(*) AS n FROM bands"))
    # Chrome is learned from the pages seen so far, so a sign-off that only
    # recurs later in the file can stay in an early batch's text: the same
    # articles, pairs and clusters, not always the same shingle counts.
    for q in ("SELECT doc, article_id FROM articles ORDER BY doc",
              "SELECT a, b FROM pairs ORDER BY a, b",
              "SELECT list(article_id ORDER BY article_id) AS m FROM clusters GROUP BY cluster_id ORDER BY m"):
        assert one.query(q).equals(many.query(q))
    # Each batch replaces the counts of the lines it touched: one row per
    # (outlet, line), summing to what one pass over all pages counts.
    chrome = "SELECT outlet, line_hash, pages FROM chrome_stats ORDER BY outlet, line_hash"
    assert many.query("SELECT count(*) - count(DISTINCT (outlet, line_hash)) AS d FROM chrome_stats")["d"][0] == 0
    assert one.query(chrome).equals(many.query(chrome))
    # With rewrites on, the verified pairs are still those of one pass.
    on_one, on_many = Store(tmp_path / "on1.duckdb"), Store(tmp_path / "onmany.duckdb")
    ingest([corpus], store=on_one)
    ingest([corpus], store=on_many, batch_size=120)
    verified = "SELECT a, b FROM pairs WHERE via <> 'rewrite' ORDER BY a, b"
    assert on_one.query(verified).equals(on_many.query(verified)) and on_one.query(verified).height > 1000


def test_duckdb_gets_a_share_of_memory_and_spills_beside_the_store(tmp_path: Path, monkeypatch: Any) -> None:
    """DuckDB's default (80% of RAM, filled before it spills) made a 10M compaction peak at 12 GB."""
    from provenance.store import duckdb_memory_limit

    store = Store(tmp_path / "s.duckdb")
    ingest([FIXTURES], store=store)
    ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    assert duckdb_memory_limit() == f"{max(1024, ram_mb // 5)}MB"
    monkeypatch.setenv("PROVENANCE_DUCKDB_MEMORY", "300MB")
    for read_only in (True, False):
        with store._connect(read_only=read_only) as con:
            limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
            tmp = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
        assert limit.replace(" ", "") in ("286.1MiB", "300.0MB"), limit
        assert Path(tmp).resolve() == (tmp_path / "s.duckdb.tmp").resolve()
    store.compact()  # a write under the limit still works


def test_compaction_grows_row_groups_with_the_tables(tmp_path: Path, monkeypatch: Any) -> None:
    """Small row groups serve lookups until their metadata is what a fresh connection pays for."""
    import provenance.store as store_mod
    from provenance.store import ROW_GROUP_SIZE, compact_row_group_size

    assert compact_row_group_size(0) == ROW_GROUP_SIZE
    assert compact_row_group_size(32_000_000) == ROW_GROUP_SIZE  # 1M articles' band rows
    assert compact_row_group_size(64_000_000) == 32_768
    assert compact_row_group_size(320_000_000) == 122_880  # 10M: DuckDB's default, no larger
    from provenance.tools.synth import generate

    corpus = tmp_path / "corpus.parquet"
    generate(300, seed=3, mode="fast").articles.write_parquet(corpus)
    store = Store(tmp_path / "s.duckdb")
    ingest([corpus], store=store)
    groups = "SELECT count(DISTINCT row_group_id) AS n FROM pragma_storage_info('bands')"
    rows = store.query("SELECT count(*) AS n FROM bands")["n"][0]
    monkeypatch.setattr(store_mod, "ROW_GROUP_SIZE", 2048)  # DuckDB's smallest, so ~10k rows span groups
    monkeypatch.setattr(store_mod, "COMPACT_ROW_GROUPS", 10**9)
    store.compact()
    small = store.query(groups)["n"][0]
    monkeypatch.setattr(store_mod, "COMPACT_ROW_GROUPS", 1)
    store.compact()
    assert small > store.query(groups)["n"][0] == -(-rows // compact_row_group_size(rows))
    assert store.query("SELECT key FROM bands ORDER BY rowid")["key"].is_sorted()


def test_same_page_text_on_two_outlets_is_two_articles(tmp_path: Path) -> None:
    for outlet in ("dailyexample", "valleypost"):
        (tmp_path / "pages" / outlet).mkdir(parents=True)
        (tmp_path / "pages" / outlet / "story.txt").write_text("Breakwater to close\n\n" + WIRE, encoding="utf-8")
    (tmp_path / "pages" / "truth.csv").write_text("article_id,story_id\nx,1\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    report = ingest([tmp_path / "pages"], store=store)
    assert report.added == 2
    assert [r[1] for r in report.reject_summary()] == ["not_articles"]
    pair = store.query("SELECT jaccard FROM pairs")
    assert pair.height == 1 and pair["jaccard"][0] == 1.0


def test_a_store_kept_in_the_folder_it_reads_is_not_read_as_input(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "dailyexample").mkdir(parents=True)
    (pages / "dailyexample" / "story.txt").write_text("Breakwater to close\n\n" + WIRE, encoding="utf-8")
    (pages / "notes.bin").write_bytes(b"\x00\x01\x02" * 50)  # a foreign file is still named as skipped
    store = Store(pages / "s.duckdb")
    first = ingest([pages], store=store)
    again = ingest([pages], store=store)
    assert first.added == 1 and again.added == 0 and again.already_present == 1
    assert store.path.exists()
    for report in (first, again):  # the store, its WAL and its lock file are not inputs
        assert report.rejects["locator"].to_list() == [None] and report.rejects["source"].str.ends_with(
            "notes.bin").to_list() == [True]

def test_stats_profiles_an_outlet_and_an_agency(sample_store: Store) -> None:
    runner = CliRunner()
    outlet = sample_store.query("SELECT outlet FROM articles GROUP BY outlet ORDER BY count(*) DESC LIMIT 1")["outlet"][0]
    r = runner.invoke(main, ["stats", "--store", str(sample_store.path), "--outlet", outlet, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    n = sample_store.query("SELECT count(*) AS n FROM articles WHERE outlet = ?", [outlet])["n"][0]
    assert data["summary"][0]["outlet"] == outlet and data["summary"][0]["articles"] == n
    r = runner.invoke(main, ["stats", "--store", str(sample_store.path), "--agency", "ians", "--json"])
    assert r.exit_code == 0, r.output
    copies = sample_store.query("SELECT count(*) AS n FROM lineage WHERE via_agency = 'IANS' AND derivation != 'non_derived'")
    assert sum(row["articles"] for row in json.loads(r.output)["detail"]) == copies["n"][0]
    r = runner.invoke(main, ["stats", "--store", str(sample_store.path), "--outlet", "No Such Outlet"])
    assert r.exit_code == 1 and "no articles from outlet 'No Such Outlet'" in r.output
