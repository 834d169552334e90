"""The fault suite (issue 13): each case a hostile but realistic user tried, on a real store,
through the real CLI in subprocesses where the fault is about processes. Nothing stored may be
lost or duplicated; every failure is a one-line error, never a traceback.
See docs/RELIABILITY.md for the table of faults and outcomes."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from test_pipeline import WIRE  # the invented wire story the pipeline tests use

from provenance.engine.pipeline import ingest
from provenance.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FIXTURES = Path(__file__).parent / "fixtures"

def cli(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess[str]:
    """Run this tree's CLI in a subprocess, as a user would."""
    e = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "provenance.cli.main", *args], capture_output=True, text=True,
                          env=e, timeout=600, **kw)


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
               for t in ("articles", "pairs", "clusters", "lineage", "ingests", "rejects")}
        out["version"] = int(con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchall()[0][0])
        out["distinct_sources"] = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT source, locator FROM articles)").fetchall()[0][0]
        return out
    finally:
        con.close()


def records(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ---------------------------------------------------------------- re-ingest: identity from the source


def test_reingesting_the_sample_adds_nothing_and_changes_nothing(tmp_path: Path) -> None:
    """Pages without id or URL used to get a new id when the cleaner learned more chrome."""
    store = Store(tmp_path / "s.duckdb")
    first = ingest([SAMPLE], store=store)
    before = counts(store.path)
    assert before["articles"] == before["distinct_sources"] == first.added
    again = ingest([SAMPLE], store=store)
    assert again.added == 0 and again.pairs_added == 0 and again.clusters_touched == 0
    assert again.already_present == first.added
    assert counts(store.path) == before  # no new ingests row, no new store version
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles WHERE article_id LIKE '%~%'").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM pairs p JOIN articles x ON x.doc = p.a_doc JOIN articles y "
                           "ON y.doc = p.b_doc WHERE x.source = y.source AND x.locator = y.locator").fetchall()[0][0] == 0
    finally:
        con.close()


def test_an_updated_story_under_the_same_id_is_still_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    feed = records(tmp_path / "a.jsonl", [{"id": "x1", "outlet": "Valley Post", "text": WIRE}])
    ingest([feed], store=store)
    upd = records(tmp_path / "b.jsonl", [{"id": "x1", "outlet": "Valley Post", "text": WIRE + "\n\nUpdated at noon."}])
    rep = ingest([upd], store=store)
    assert rep.added == 1
    again = ingest([upd, feed], store=store)
    assert again.added == 0 and again.already_present == 2


# ---------------------------------------------------------------- one writer, store path checked first

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from provenance.lock import write_lock
    with write_lock(Path(sys.argv[1])):
        print("HELD", flush=True)
        time.sleep(600)
    """
)


def test_second_writer_stops_at_once_with_a_clear_error_and_a_dead_holder_frees_the_lock(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    feed = records(tmp_path / "a.jsonl", [{"id": f"x{i}", "outlet": "Valley Post", "text": WIRE + f" Note {i}."}
                                          for i in range(5)])
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        r = cli("ingest", str(feed), "--store", str(store), "--quiet")
        assert r.returncode == 1, r.stderr
        assert "being written by another process" in r.stderr and f"pid {holder.pid}" in r.stderr
        assert "Traceback" not in r.stderr and "ingested" not in r.stdout
        assert not store.exists()  # stopped before any work
    finally:
        holder.send_signal(signal.SIGKILL)  # dies holding the lock: the lock file stays, the lock does not
        holder.wait()
    r = cli("ingest", str(feed), "--store", str(store), "--quiet")
    assert r.returncode == 0, r.stderr
    assert counts(store)["articles"] == 5


def test_store_under_a_file_is_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    feed = records(tmp_path / "a.jsonl", [{"id": "x1", "outlet": "Valley Post", "text": WIRE}])
    r = cli("ingest", str(feed), "--store", str(tmp_path / "afile" / "s.duckdb"), "--quiet")
    assert r.returncode == 1
    assert "is a file, not a folder" in r.stderr and "Traceback" not in r.stderr
    assert "ingested" not in r.stdout


# ---------------------------------------------------------------- lose no good record


def _csv(path: Path, rows: list[list[str]]) -> Path:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def test_csv_with_nul_characters_in_its_text_column_is_read_and_the_repair_recorded(tmp_path: Path) -> None:
    rows = [["id", "outlet", "text"]] + [
        [f"n{i}", "Valley Post", WIRE.replace(" ", " \x00", 12) + f" Note {i}."] for i in range(10)
    ]
    path = _csv(tmp_path / "scraped.csv", rows)
    store = Store(tmp_path / "s.duckdb")
    rep = ingest([path], store=store)
    assert rep.added == 10
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles WHERE text LIKE '%' || chr(0) || '%'").fetchall()[0][0] == 0
        assert con.execute("SELECT reason, action FROM rejects").fetchall() == [("nul_bytes", "repaired")]
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_gzip_cut_short_keeps_the_records_before_the_cut(tmp_path: Path, fmt: str) -> None:
    n = 400
    if fmt == "csv":
        rows = [["id", "outlet", "text"]] + [[f"g{i}", "Valley Post", WIRE + f" Note {i * 7919}."] for i in range(n)]
        plain = _csv(tmp_path / "plain.csv", rows).read_bytes()
    else:
        plain = "".join(json.dumps({"id": f"g{i}", "outlet": "Valley Post", "text": WIRE + f" Note {i * 7919}."}) + "\n"
                        for i in range(n)).encode()
    z = gzip.compress(plain)
    path = tmp_path / f"cut.{fmt}.gz"
    path.write_bytes(z[: len(z) // 2])
    store = Store(tmp_path / "s.duckdb")
    rep = ingest([path], store=store)
    assert 0 < rep.added < n
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        ids = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
        assert ids == {f"g{i}" for i in range(rep.added)}  # every record before the cut, whole
        why = con.execute("SELECT reason, detail FROM rejects WHERE action = 'skipped'").fetchall()
    finally:
        con.close()
    assert why and why[0][0] == "corrupt_file" and "before the cut were kept" in why[0][1]


def test_unreadable_dates_are_kept_null_with_a_bad_date_repair_and_a_summary_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    records(folder / "feed.jsonl", [
        {"id": f"d{i}", "outlet": "Valley Post", "published": d, "text": WIRE + f" Note {i}."}
        for i, d in enumerate(["2024-13-45", "yesterday", "0000-00-00"])
    ])
    para = "<p>" + WIRE.replace("\n\n", "</p><p>") + "</p>"
    (folder / "page.html").write_text(
        '<html><head><meta property="article:published_time" content="0000-00-00"><title>Breakwater</title>'
        f"</head><body><article><h1>Breakwater</h1>{para}<p>Page copy.</p></article></body></html>"
    )
    r = cli("ingest", str(folder), "--store", str(tmp_path / "s.duckdb"), "--quiet")
    assert r.returncode == 0, r.stderr
    assert "repaired 4: bad_date" in r.stdout
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(published_at) FROM articles").fetchall() == [(4, 0)]
        details = [d for (d,) in con.execute("SELECT detail FROM rejects WHERE reason = 'bad_date'").fetchall()]
    finally:
        con.close()
    assert sorted(d.split("'")[1] for d in details) == ["0000-00-00", "0000-00-00", "2024-13-45", "yesterday"]


# ---------------------------------------------------------------- shells: exports and the dashboard


def test_csv_export_neutralises_formula_cells(tmp_path: Path) -> None:
    import csv

    store = tmp_path / "s.duckdb"
    feed = records(tmp_path / "a.jsonl", [
        {"id": "f1", "outlet": "Valley Post", "title": '=HYPERLINK("http://evil.example","open")', "text": WIRE},
        {"id": "f2", "outlet": "@Valley", "title": "+1+2", "text": WIRE + " Also."},
    ])
    assert cli("ingest", str(feed), "--store", str(store), "--quiet").returncode == 0
    out = tmp_path / "articles.csv"
    r = cli("export", "articles", "--store", str(store), "--format", "csv", "--out", str(out))
    assert r.returncode == 0, r.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        rows = {row["article_id"]: row for row in csv.DictReader(fh)}
    assert rows["f1"]["title"] == "'" + '=HYPERLINK("http://evil.example","open")'
    assert rows["f2"]["title"] == "'+1+2" and rows["f2"]["outlet"] == "'@Valley"
    assert rows["f1"]["text"] == WIRE  # other text untouched


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _wait(cond, timeout: float = 90.0) -> bool:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_dashboard_server_stops_with_its_parent(tmp_path: Path, sig: signal.Signals) -> None:
    import socket

    store = tmp_path / "s.duckdb"
    feed = records(tmp_path / "a.jsonl", [{"id": "x1", "outlet": "Valley Post", "text": WIRE}])
    assert cli("ingest", str(feed), "--store", str(store), "--quiet").returncode == 0
    from provenance.cli.dashboard import free_port

    port = free_port()

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    parent = subprocess.Popen([sys.executable, "-m", "provenance.cli.main", "dashboard", "--store", str(store),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    child = None
    try:
        assert _wait(listening), "the dashboard never listened"
        kids = _children(parent.pid)
        assert len(kids) == 1
        child = kids[0]
        parent.send_signal(sig)
        parent.wait(timeout=60)
        assert _wait(lambda: not _alive(child)), "the Streamlit server outlived its parent"
        assert not listening()
    finally:
        for pid in (parent.pid, child):
            if pid and _alive(pid):
                os.kill(pid, signal.SIGKILL)
        parent.wait()


# ---------------------------------------------------------------- bounded work per record


def test_a_record_over_the_size_limit_is_rejected_and_the_rest_of_the_file_kept(tmp_path: Path) -> None:
    from provenance.engine.pipeline import MAX_RECORD_CHARS

    huge = (WIRE + "\n\n") * (MAX_RECORD_CHARS // len(WIRE) + 2)
    feed = records(tmp_path / "a.jsonl", [
        {"id": "small1", "outlet": "Valley Post", "text": WIRE},
        {"id": "huge", "outlet": "Live Blog", "text": huge},
        {"id": "small2", "outlet": "Coast Herald", "text": WIRE + " Also."},
    ])
    store = Store(tmp_path / "s.duckdb")
    rep = ingest([feed], store=store)
    assert rep.added == 2
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        assert {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()} == {"small1", "small2"}
        (reason, loc, detail), = con.execute("SELECT reason, locator, detail FROM rejects").fetchall()
    finally:
        con.close()
    assert (reason, loc) == ("oversized_record", "line 2") and f"{len(huge)} characters" in detail


def test_the_size_limit_is_configurable_from_the_cli(tmp_path: Path) -> None:
    feed = records(tmp_path / "a.jsonl", [
        {"id": "short", "outlet": "Valley Post", "text": WIRE},
        {"id": "long", "outlet": "Valley Post", "text": WIRE + "\n\n" + WIRE},
    ])
    r = cli("ingest", str(feed), "--store", str(tmp_path / "s.duckdb"), "--quiet", "--max-record-chars", "1000")
    assert r.returncode == 0, r.stderr
    assert "skipped 1: oversized_record (line 2)" in r.stdout
    assert counts(tmp_path / "s.duckdb")["articles"] == 1


# ---------------------------------------------------------------- honest values

DEPOT = (
    "The city council of Northam voted on Monday to close the old tram depot and turn the site into a park with a "
    "playground, a community garden and a small open-air theatre for summer concerts.\n\n"
    "Councillor Mira Osei said the depot had stood empty for eleven years and that neighbours had asked for green "
    "space in every consultation since the trams stopped running in the district.\n\n"
    "The plan will cost about 3.1 million, most of it from a national fund for urban renewal, and work is due to "
    "start next spring once the old rails and the contaminated soil beneath them have been removed.\n\n"
    "Opposition members said the money would be better spent on bus routes, but the motion passed by nineteen "
    "votes to eight after a debate that lasted late into the evening."
)
SOLO = (
    "A rare orchid flowered this week in the botanical garden of Lindholm for the first time in forty years, "
    "drawing queues of visitors who waited up to two hours to see the pale yellow blooms in the tropical house, "
    "where gardeners had kept the plant alive through two floods and a broken heating system last winter."
)


def _honest_corpus(tmp_path: Path) -> Path:
    """Times that cannot give a lag: a copy dated before the agency story it credits (text and credit
    say which is the source), day-precision dates, copies of an agency absent from the corpus; and a
    single article."""
    ians = "PORT CALDER, Oct 16 (IANS) " + WIRE
    return records(tmp_path / "feed.jsonl", [
        {"id": "c1", "outlet": "Valley Post", "published": "2024-10-16T10:00:00Z", "byline": "IANS", "text": ians},
        {"id": "c2", "outlet": "Coast Herald", "published": "2024-10-16T11:30:00Z", "byline": "IANS",
         "text": ians + "\n\nAgencies contributed."},
        {"id": "c3", "outlet": "Hill Times", "published": "2024-10-16", "byline": "IANS", "text": ians},
        {"id": "src", "outlet": "ians.in", "published": "2024-11-04T18:00:00Z", "byline": "IANS",
         "text": "NORTHAM, Nov 4 (IANS) " + DEPOT},
        {"id": "cp", "outlet": "County Wire", "published": "2024-11-03T19:00:00Z", "byline": "IANS",
         "text": "NORTHAM, Nov 4 (IANS) " + "\n\n".join(DEPOT.split("\n\n")[:3])},
        {"id": "solo", "outlet": "Garden Weekly", "published": "2024-11-05T08:00:00Z", "text": SOLO},
    ])


def test_lineage_stores_no_lag_it_did_not_measure_and_says_why(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ingest([_honest_corpus(tmp_path)], store=store)
    lin = {r["article_id"]: r for r in store.query("SELECT * FROM lineage").iter_rows(named=True)}
    assert all(r["lag_minutes"] is None or r["lag_minutes"] >= 0 for r in lin.values())
    # cp credits IANS and its text is inside src's, so src is its parent, but it is dated 23 h earlier.
    assert lin["cp"]["parent_id"] == "src" and lin["cp"]["lag_minutes"] is None
    assert "times contradict" in json.loads(lin["cp"]["evidence"])["lag"]
    # Copies of IANS (not in the corpus): the first minute-precision copy has no lag behind an agency
    # whose time is unknown (was 0), the day-precision one none either (was 600 for c1, 0 for c3).
    assert lin["c1"]["lag_minutes"] is None and lin["c2"]["lag_minutes"] == 90.0
    assert lin["c3"]["lag_minutes"] is None and "day-precision" in json.loads(lin["c3"]["evidence"])["lag"]


def test_stats_and_reports_show_unknown_not_none_or_negative_lags(tmp_path: Path) -> None:
    import re

    store = tmp_path / "s.duckdb"
    feed = _honest_corpus(tmp_path)
    untitled = records(tmp_path / "untitled.jsonl", [{"id": "u1", "outlet": "Valley Post", "text": DEPOT}])
    assert cli("ingest", str(untitled), str(feed), "--store", str(store), "--quiet").returncode == 0
    for args in (["stats"], ["stats", "--agency", "IANS"], ["stats", "--outlet", "County Wire"]):
        r = cli(*args, "--store", str(store))
        assert r.returncode == 0, r.stderr
        assert "None" not in r.stdout and not re.search(r"[\s│]-\d", r.stdout), r.stdout
    assert "unknown" in cli("stats", "--store", str(store)).stdout  # the untitled first article of a cluster
    for kind, key in (("--agency", "IANS"), ("--outlet", "County Wire"), ("--cluster", None)):
        out = tmp_path / f"r{kind}.json"
        cid = Store(store).query("SELECT cluster_id FROM lineage WHERE article_id = 'cp'")[0, 0]
        r = cli("report", "--store", str(store), kind, str(key or cid), "--format", "json", "--out", str(out))
        assert r.returncode == 0, r.stderr
        lags = re.findall(r'"(?:median_|parent_|p90_|min_|mean_)?lag_minutes": (-?[\d.]+)', out.read_text())
        assert lags == [x for x in lags if not x.startswith("-")], lags
        md = tmp_path / f"r{kind}.md"
        cli("report", "--store", str(store), kind, str(key or cid), "--format", "md", "--out", str(md))
        shown = "\n".join(ln for ln in md.read_text().splitlines() if not ln.startswith("- evidence"))
        assert not re.search(r"-\d[\d.,]* (min|h|d)\b", shown)  # the evidence may say "-1380 min": it is evidence
        assert "| None" not in md.read_text()


def test_every_cluster_id_lineage_exports_can_be_reported(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert cli("ingest", str(_honest_corpus(tmp_path)), "--store", str(store), "--quiet").returncode == 0
    exported = tmp_path / "lineage.jsonl"
    assert cli("export", "lineage", "--store", str(store), "--out", str(exported)).returncode == 0
    ids = {json.loads(line)["cluster_id"] for line in exported.read_text().splitlines()}
    solo = next(json.loads(line)["cluster_id"] for line in exported.read_text().splitlines()
                if json.loads(line)["article_id"] == "solo")
    assert solo in ids
    for cid in sorted(ids):
        r = cli("report", "--store", str(store), "--cluster", str(cid), "--format", "md",
                "--out", str(tmp_path / f"c{cid}.md"))
        assert r.returncode == 0, (cid, r.stderr)
    assert "Garden Weekly" in (tmp_path / f"c{solo}.md").read_text()


def test_relation_of_a_copy_of_an_absent_agency_is_unknown_not_empty(tmp_path: Path) -> None:
    from provenance.report import build_report

    store = Store(tmp_path / "s.duckdb")
    ingest([records(tmp_path / "a.jsonl", [
        {"id": "w1", "outlet": "Valley Post", "published": "2024-10-16T10:00:00Z", "byline": "IANS",
         "text": "NORTHAM, Nov 4 (IANS) " + DEPOT}])], store=store)
    cid = int(store.query("SELECT cluster_id FROM lineage WHERE article_id = 'w1'")[0, 0])
    lin = store.query("SELECT parent_external, relation FROM lineage").row(0)
    assert lin == ("IANS", None)  # lineage cannot compare it with the agency's text
    rep = build_report(store, cluster=cid)
    assert [m["relation"] for m in rep["cluster"]["members"]] == ["unknown"]
    rep = build_report(store, agency="IANS")
    assert rep["agency"]["relations"] == [{"value": "unknown", "n": 1}]


def test_report_config_is_the_one_used_and_run_counts_are_per_run(tmp_path: Path) -> None:
    from provenance.report import build_report

    store = Store(tmp_path / "s.duckdb")
    rep = ingest([FIXTURES], store=store, batch_size=3)
    n_clusters = store.query("SELECT count(DISTINCT cluster_id) AS n FROM clusters")["n"][0]
    assert 0 < rep.clusters_touched <= n_clusters  # was summed over batches: 727 for a store of 300
    cid = int(store.query("SELECT min(cluster_id) AS c FROM clusters")["c"][0])
    cfg = build_report(store, cluster=cid)["generated"]["config"]
    assert cfg["ingest_batch_size"] == 3 and "batch_size" not in cfg
    before = counts(store.path)
    again = ingest([FIXTURES], store=store, batch_size=3)  # several batches, each adding nothing
    assert again.added == 0 and counts(store.path) == before


# ---------------------------------------------------------------- interrupted, full, read-only, read while written


def _feed(tmp_path: Path, n: int, name: str = "feed.jsonl", prefix: str = "r") -> Path:
    return records(tmp_path / name, [
        {"id": f"{prefix}{i}", "outlet": f"Outlet {i % 7}", "published": "2024-10-16T10:00:00Z",
         "text": WIRE + f"\n\nLocal note {i}: " + " ".join(f"w{i}x{j}" for j in range(30))} for i in range(n)
    ])


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as in a terminal (a background job inherits it ignored)


def test_ctrl_c_mid_ingest_loses_nothing_and_a_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    feed = _feed(tmp_path, 300)
    clean = tmp_path / "clean.duckdb"
    assert cli("ingest", str(feed), "--store", str(clean), "--quiet", "--batch-size", "100").returncode == 0
    store = tmp_path / "s.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "provenance.cli.main", "ingest", str(feed), "--store", str(store),
                             "--batch-size", "100", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=_default_sigint)
    lock = tmp_path / "s.duckdb.lock"
    assert _wait(lambda: lock.exists() and lock.read_text().startswith("pid") or proc.poll() is not None)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert "Traceback" not in stderr
    if store.exists():  # whatever batches committed are whole
        c = counts(store)
        assert c["articles"] == c["distinct_sources"] and c["articles"] % 100 == 0
    assert cli("ingest", str(feed), "--store", str(store), "--quiet", "--batch-size", "100").returncode == 0
    mine, ref = counts(store), counts(clean)
    for k in ("articles", "pairs", "clusters", "lineage", "distinct_sources"):
        assert mine[k] == ref[k], k


def _limit_file_size(limit: int):
    def pre() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


def test_disk_full_during_the_write_is_a_clear_error_and_the_store_keeps_its_last_state(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert cli("ingest", str(_feed(tmp_path, 20, "a.jsonl", "a")), "--store", str(store), "--quiet").returncode == 0
    before = counts(store)
    big = _feed(tmp_path, 400, "b.jsonl", "b")
    r = subprocess.run([sys.executable, "-m", "provenance.cli.main", "ingest", str(big), "--store", str(store), "--quiet"],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                       preexec_fn=_limit_file_size(64 << 10), timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Error:" in r.stderr and "nothing of this batch was stored" in r.stderr and "Traceback" not in r.stderr
    assert counts(store) == before
    r = cli("ingest", str(big), "--store", str(store), "--quiet")  # room again: the same command completes
    assert r.returncode == 0, r.stderr
    assert counts(store)["articles"] == before["articles"] + 400


@pytest.fixture
def read_only_mount(tmp_path: Path):
    """A real read-only filesystem: a small tmpfs, filled, then remounted read-only (needs mount rights)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_read_only_store_is_refused_before_any_work_and_still_readable(tmp_path: Path, read_only_mount: Path) -> None:
    store = read_only_mount / "s.duckdb"
    assert cli("ingest", str(_feed(tmp_path, 10)), "--store", str(store), "--quiet").returncode == 0
    before = counts(store)
    assert subprocess.run(["mount", "-o", "remount,ro", str(read_only_mount)]).returncode == 0
    r = cli("ingest", str(_feed(tmp_path, 5, "more.jsonl", "m")), "--store", str(store), "--quiet")
    assert r.returncode == 1 and "Error:" in r.stderr and "read-only" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "ingested" not in r.stdout
    assert counts(store) == before
    r = cli("stats", "--store", str(store))
    assert r.returncode == 0 and "articles" in r.stdout, r.stderr


READER = textwrap.dedent(
    """
    import sys, time
    import duckdb
    seen = set()
    end = time.monotonic() + 600
    while time.monotonic() < end:
        try:
            con = duckdb.connect(sys.argv[1], read_only=True)
        except duckdb.IOException:  # the writer holds the file: a dashboard retries
            time.sleep(0.05)
            continue
        try:
            n = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        finally:
            con.close()
        seen.add(n)
        print(n, flush=True)
        if n >= int(sys.argv[2]):
            break
        time.sleep(0.05)
    print("SEEN", sorted(seen), flush=True)
    """
)


def test_a_dashboard_style_reader_during_ingest_sees_whole_batches_and_ingest_succeeds(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert cli("ingest", str(_feed(tmp_path, 10, "a.jsonl", "a")), "--store", str(store), "--quiet").returncode == 0
    reader = subprocess.Popen([sys.executable, "-c", READER, str(store), "310"], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "10"
        r = cli("ingest", str(_feed(tmp_path, 300, "b.jsonl", "b")), "--store", str(store), "--quiet",
                "--batch-size", "100")
        assert r.returncode == 0, r.stderr
        out, _ = reader.communicate(timeout=120)
    finally:
        if reader.poll() is None:
            reader.kill()
    seen = json.loads(out.strip().splitlines()[-1].removeprefix("SEEN "))
    assert set(seen) <= {10, 110, 210, 310} and 310 in seen  # only committed batches, never a partial one
    assert counts(store)["articles"] == 310


# ---------------------------------------------------------------- reclean: texts re-cleaned in place, never as new articles


def _by_source(path: Path) -> dict[str, object]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        texts = dict(con.execute("SELECT source || '|' || locator, text FROM articles").fetchall())
        pairs = {frozenset(p) for p in con.execute(
            "SELECT x.source || '|' || x.locator, y.source || '|' || y.locator FROM pairs p "
            "JOIN articles x ON x.doc = p.a_doc JOIN articles y ON y.doc = p.b_doc").fetchall()}
        members = {frozenset(m) for (m,) in con.execute(
            "SELECT list(a.source || '|' || a.locator) FROM clusters c JOIN articles a USING (doc) GROUP BY c.cluster_id"
        ).fetchall()}
        per_article = con.execute("SELECT (SELECT count(*) FROM lineage), (SELECT count(DISTINCT article_id) FROM lineage),"
                                  " (SELECT count(*) FROM signatures), (SELECT count(*) FROM articles)").fetchall()[0]
    finally:
        con.close()
    return {"texts": texts, "pairs": pairs, "clusters": members, "per_article": per_article}


def test_reclean_updates_texts_pairs_and_clusters_in_place_to_what_one_batch_would_give(tmp_path: Path) -> None:
    # Copies only: rewrite links weigh phrase rarity among the articles a batch sees, so they may differ
    # between batchings (docs/ARCHITECTURE.md), and reclean does not redo them.
    one, batched = tmp_path / "one.duckdb", tmp_path / "batched.duckdb"
    assert cli("ingest", str(SAMPLE), "--store", str(one), "--quiet", "--no-rewrites").returncode == 0
    assert cli("ingest", str(SAMPLE), "--store", str(batched), "--quiet", "--batch-size", "10",
               "--no-rewrites").returncode == 0
    ref, before = _by_source(one), _by_source(batched)
    stale = {k for k, v in before["texts"].items() if v != ref["texts"][k]}
    assert stale  # pages cleaned before later batches taught their outlet's chrome
    r = cli("reclean", "--store", str(batched))
    assert r.returncode == 0 and f"{len(stale)} texts re-cleaned" in r.stdout, r.stdout + r.stderr
    after = _by_source(batched)
    assert after == ref  # same texts, pairs and clusters as one batch; one lineage row and signature each
    n = len(ref["texts"])
    assert after["per_article"] == (n, n, n, n)
    version = counts(batched)["version"]
    r = cli("reclean", "--store", str(batched))
    assert "no text changed" in r.stdout and counts(batched)["version"] == version


def test_direction_from_nothing_is_said_to_be_unknown(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ingest([records(tmp_path / "a.jsonl", [
        {"id": "d1", "outlet": "A Times", "published": "2024-11-04", "text": DEPOT},
        {"id": "d2", "outlet": "B Post", "published": "2024-11-04T09:00:00Z", "text": DEPOT},
    ])], store=store)
    child = store.query("SELECT * FROM lineage WHERE parent_id IS NOT NULL").row(0, named=True)
    ev = json.loads(child["evidence"])
    assert ev["direction"].startswith("unknown") and child["lag_minutes"] is None


def test_credit_rules_read_a_bounded_window_so_one_long_line_costs_linear_time(tmp_path: Path) -> None:
    """A 1 MB live blog on one line took minutes in credits: every agency name copied and searched the
    whole line before it. The rules now read at most _CONTEXT characters each side, and find the same
    credits: each segment of the line credits what it credits on its own."""
    from provenance.trace.attribution import _CONTEXT, _line_bounds, find_credits, load_registry

    reg = load_registry()
    segment = "SEOUL, Oct 16 (Yonhap) -- South Korean officials met on Tuesday, Reuters reported, citing AFP. "
    alone = [(c.source, c.role) for c in find_credits(segment, field="text", registry=reg)]
    assert alone
    # Five segments fit in the window: read exactly as before. Each later one adds what the 2nd-5th add
    # (mid-line, "SEOUL, Oct 16 (Yonhap)" is no dateline; the citations are found).
    five = [(c.source, c.role) for c in find_credits(segment * 5, field="text", registry=reg)]
    per = (len(five) - len(alone)) // 4
    assert per and five[len(alone):] == five[len(alone):len(alone) + per] * 4
    line = segment * 3000  # about 290k characters, no line break
    found = [(c.source, c.role) for c in find_credits(line, field="text", registry=reg)]
    assert found == alone + five[len(alone):len(alone) + per] * 2999
    s, e = _line_bounds(line, len(line) // 2)
    assert e - s <= 2 * _CONTEXT
    assert _line_bounds("short line\nby IANS here", 15) == (11, 23)  # within a line: the line itself


def test_an_interrupt_swallowed_inside_a_library_callback_is_raised_again() -> None:
    import types

    from provenance.cli.main import _redeliver_interrupt

    got: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        _redeliver_interrupt(types.SimpleNamespace(exc_value=KeyboardInterrupt(), exc_type=KeyboardInterrupt,
                                                   exc_traceback=None, err_msg=None, object=None))
        # Not inside the hook, where the interrupt would fire and be ignored again ("Exception ignored
        # in: <function _redeliver_interrupt>"), but a moment after it returned.
        assert got == []
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert got == [signal.SIGINT]
