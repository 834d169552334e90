"""The dashboard's pages, run headless with streamlit.testing.v1.AppTest on a real store.

The store is data/sample plus known records (see conftest_dashboard), built
through the real pipeline; expectations are computed from the store with SQL
or from the known records, never hard-coded from a run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from conftest_dashboard import (
    CREDITED_ID,
    CREDITED_OUTLET,
    HOSTILE_ID,
    HOSTILE_OUTLET,
    HOSTILE_SCRIPT,
    TRIMMED_ID,
    TRIMMED_OUTLET,
    WIRE_ID,
    get_store,
    wire_body_excerpt,
)
from streamlit.testing.v1 import AppTest

from provenance.config import Config
from provenance.store import Store


@pytest.fixture(scope="session")
def dashboard_store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Store:
    return get_store(tmp_path_factory, request)

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")


def run_app(store_path: str | Path, monkeypatch: pytest.MonkeyPatch, app_page: str | None = None,
            **params: str) -> AppTest:
    monkeypatch.setenv("PROVENANCE_STORE", str(store_path))
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    if app_page:
        at.switch_page(f"app_pages/{app_page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every text the page shows outside tables and charts, one per line."""
    out = []
    for kind in ("title", "subheader", "header", "markdown", "caption", "info", "warning", "error", "success"):
        out.extend(str(e.value) for e in getattr(at, kind))
    out.extend(f"{m.label}={m.value}" for m in at.metric)
    return "\n".join(out)


def metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; metrics: {[m.label for m in at.metric]}")


def wire_cluster(store: Store) -> int:
    return int(store.query("SELECT cluster_id FROM clusters WHERE article_id = ?", [WIRE_ID])["cluster_id"][0])


# -- overview ---------------------------------------------------------------------------------


def test_overview_shows_corpus_figures_and_top_clusters(dashboard_store: Store, monkeypatch):
    at = run_app(dashboard_store.path, monkeypatch)
    n = dashboard_store.query("SELECT count(*) AS n, count(DISTINCT outlet) AS o FROM articles").row(0, named=True)
    assert at.title[0].value == "Overview"
    assert metric(at, "Articles") == f"{n['n']:,}"
    assert metric(at, "Outlets") == f"{n['o']:,}"
    clusters = dashboard_store.query("SELECT count(DISTINCT cluster_id) AS c FROM clusters")["c"][0]
    assert metric(at, "Reuse clusters") == f"{clusters:,}"
    copies = dashboard_store.query(
        "SELECT count(*) AS c FROM lineage WHERE parent_id IS NOT NULL OR parent_external IS NOT NULL")["c"][0]
    assert metric(at, "Reused copy") == f"{100 * copies / n['n']:.1f}%"
    largest = dashboard_store.query(
        "SELECT cluster_id, count(*) AS n FROM clusters GROUP BY 1 ORDER BY n DESC, cluster_id LIMIT 1")
    shown = at.dataframe[0].value
    assert shown["cluster_id"].iloc[0] == largest["cluster_id"][0]
    assert shown["size"].iloc[0] == largest["n"][0]
    assert "./cluster?id=" in shown["link"].iloc[0]
    # Outlets ranked by agency-copy share: our credited copy's outlet is all agency copy.
    share = next(df.value for df in at.dataframe if "agency_share" in df.value.columns)
    assert share["agency_share"].is_monotonic_decreasing
    row = share[share["outlet"] == CREDITED_OUTLET]
    if not row.empty:  # the list is capped; with the sample it may not reach our outlet
        assert row["agency_share"].iloc[0] == 1.0
    assert len(at.get("download_button")) >= 1 or "Reports are not available" in texts(at)


# -- clusters list ----------------------------------------------------------------------------


def test_clusters_list_counts_filters_and_paginates(dashboard_store: Store, monkeypatch):
    total = dashboard_store.query(
        "SELECT count(*) AS n FROM (SELECT cluster_id FROM clusters GROUP BY 1 HAVING count(*) >= 2)")["n"][0]
    at = run_app(dashboard_store.path, monkeypatch, "clusters")
    assert (f"{total:,} clusters match" if total != 1 else "1 cluster matches") in texts(at)
    table = at.dataframe[0].value
    assert len(table) == min(25, total)
    assert list(table["size"]) == sorted(table["size"], reverse=True)

    at = run_app(dashboard_store.path, monkeypatch, "clusters", outlet=TRIMMED_OUTLET)
    assert "1 cluster matches" in texts(at)
    assert at.dataframe[0].value["cluster_id"].iloc[0] == wire_cluster(dashboard_store)

    at = run_app(dashboard_store.path, monkeypatch, "clusters", q="HARBOUR PLAN")
    ids = set(at.dataframe[0].value["cluster_id"])
    assert wire_cluster(dashboard_store) in ids

    at = run_app(dashboard_store.path, monkeypatch, "clusters", q="no title has these words zqxj")
    assert "0 clusters match" in texts(at) and "No cluster matches these filters." in texts(at)

    if total > 25:
        p1 = run_app(dashboard_store.path, monkeypatch, "clusters").dataframe[0].value
        p2 = run_app(dashboard_store.path, monkeypatch, "clusters", page="2").dataframe[0].value
        assert "page 2 of" in texts(run_app(dashboard_store.path, monkeypatch, "clusters", page="2"))
        assert not set(p1["cluster_id"]) & set(p2["cluster_id"])


def test_clusters_sort_by_first_seen_ascending(dashboard_store: Store, monkeypatch):
    at = run_app(dashboard_store.path, monkeypatch, "clusters", sort="first seen", desc="false")
    firsts = list(at.dataframe[0].value["first_seen"].dropna())
    assert firsts == sorted(firsts)
    first = dashboard_store.query(
        "SELECT min(a.published_at) AS t FROM clusters c JOIN articles a USING (doc) GROUP BY c.cluster_id "
        "HAVING count(*) >= 2 ORDER BY t LIMIT 1")["t"][0]
    assert firsts[0].to_pydatetime() == first


# -- one cluster --------------------------------------------------------------------------------


def test_cluster_page_chain_timeline_members_and_side_by_side(dashboard_store: Store, monkeypatch):
    cid = wire_cluster(dashboard_store)
    at = run_app(dashboard_store.path, monkeypatch, "cluster", id=str(cid), a=TRIMMED_ID, b=HOSTILE_ID)
    assert at.title[0].value == f"Cluster {cid}"
    size = dashboard_store.query("SELECT count(*) AS n FROM clusters WHERE cluster_id = ?", [cid])["n"][0]
    assert metric(at, "Articles") == str(size)
    unc = dashboard_store.query(
        "SELECT count(*) AS n FROM lineage WHERE cluster_id = ? AND credited IN ('uncredited', 'miscredited')",
        [cid])["n"][0]
    assert metric(at, "Uncredited copies") == str(unc)
    # The chain graph: a DOT digraph with every member and the agency outside the corpus.
    dot = at.get("graphviz_chart")[0].proto.spec
    assert dot.startswith("digraph chain {")
    for art in (WIRE_ID, CREDITED_ID, TRIMMED_ID, HOSTILE_ID):
        assert f'"a:{art}"' in dot
    ext = dashboard_store.query("SELECT parent_external FROM lineage WHERE cluster_id = ? AND parent_external "
                                "IS NOT NULL LIMIT 1", [cid])
    if ext.height:
        assert f'"x:{ext["parent_external"][0]}"' in dot and "shape=hexagon" in dot
    assert "<script>" in dot  # the hostile title is in a tooltip, inside a quoted DOT string ...
    assert '\\"window.__pwned=1\\"' in dot  # ... with its quotes escaped
    # Members with their link evidence.
    members = next(df.value for df in at.dataframe if "status" in df.value.columns)
    assert set(members["article_id"]) >= {WIRE_ID, CREDITED_ID, TRIMMED_ID, HOSTILE_ID}
    status = dict(zip(members["article_id"], members["status"], strict=True))
    assert status[CREDITED_ID] == "credited copy"
    assert status[TRIMMED_ID] == "uncredited copy"
    # Times in UTC, and on the clock each page gave (the credited copy wrote IST).
    local = dict(zip(members["article_id"], members["local_time"], strict=True))
    assert local[CREDITED_ID] == "2031-03-02 13:00 UTC+05:30" and local[WIRE_ID] == "2031-03-02 06:00 UTC"
    # The side-by-side view of the URL's pair: shared passages marked, hostile text escaped.
    html = at.get("html")[0].proto.body
    assert html.count('<mark class="pv-p') >= 1
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<script>" not in html and "<img" not in html
    assert int(metric(at, "Shared passages")) >= 1
    # The right side begins with text the left lacks (the hostile intro): marked as inserted.
    assert '<ins class="pv-e"' in html


def test_cluster_page_default_pair_and_bad_ids(dashboard_store: Store, monkeypatch):
    cid = wire_cluster(dashboard_store)
    at = run_app(dashboard_store.path, monkeypatch, "cluster", id=str(cid))
    a, b = at.selectbox(key="a").value, at.selectbox(key="b").value
    assert a != b and a and b
    # the first copy whose parent is in the cluster, and that parent; when every copy hangs off an
    # agency outside the corpus (here PTI), a verified pair
    linked = dashboard_store.query(
        "SELECT l.parent_id FROM lineage l JOIN lineage p ON p.article_id = l.parent_id "
        "WHERE l.article_id = ? AND p.cluster_id = l.cluster_id", [b])
    paired = dashboard_store.query("SELECT count(*) AS n FROM pairs WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)",
                                   [a, b, b, a])["n"][0]
    assert (linked.height and linked["parent_id"][0] == a) or paired == 1
    # a sample cluster whose copies hang off its articles: the first such copy (members oldest first)
    cid2 = int(dashboard_store.query(
        "SELECT c.cluster_id FROM lineage l JOIN clusters c USING (article_id) JOIN clusters k "
        "ON k.article_id = l.parent_id AND k.cluster_id = c.cluster_id ORDER BY c.cluster_id LIMIT 1")["cluster_id"][0])
    first = dashboard_store.query(
        "SELECT a.article_id, l.parent_id FROM clusters c JOIN articles a ON a.doc = c.doc "
        "JOIN lineage l ON l.article_id = a.article_id "
        "WHERE c.cluster_id = ? AND l.parent_id IN (SELECT article_id FROM clusters WHERE cluster_id = ?) "
        "ORDER BY a.published_at NULLS LAST, a.doc LIMIT 1", [cid2, cid2]).row(0)
    at = run_app(dashboard_store.path, monkeypatch, "cluster", id=str(cid2))
    assert (at.selectbox(key="a").value, at.selectbox(key="b").value) == (first[1], first[0])

    at = run_app(dashboard_store.path, monkeypatch, "cluster", id="987654321")
    assert "There is no cluster 987654321 in this store." in texts(at)
    at = run_app(dashboard_store.path, monkeypatch, "cluster", id="<b>x</b>")
    assert "is not a cluster id" in texts(at)
    at = run_app(dashboard_store.path, monkeypatch, "cluster")
    assert len(at.get("page_link")) >= 1  # no id: links to the largest clusters


# -- outlet and agency --------------------------------------------------------------------------


def test_outlet_profile(dashboard_store: Store, monkeypatch):
    at = run_app(dashboard_store.path, monkeypatch, "outlet", name=TRIMMED_OUTLET)
    assert metric(at, "Articles") == "2"  # the trimmed copy and the unrelated article
    assert metric(at, "Reused copy") == "50.0%"
    assert metric(at, "Uncredited") == "100.0%"
    clusters = next(df.value for df in at.dataframe if "cluster_id" in df.value.columns)
    assert list(clusters["cluster_id"]) == [wire_cluster(dashboard_store)]
    assert any(link.label == "PTI" for link in at.get("page_link"))

    at = run_app(dashboard_store.path, monkeypatch, "outlet", name=HOSTILE_OUTLET)
    assert at.title[0].value != HOSTILE_OUTLET and "Herald" in at.title[0].value  # markdown-escaped
    assert metric(at, "Articles") == "1"

    at = run_app(dashboard_store.path, monkeypatch, "outlet", name="No Such Outlet")
    assert "No article from this outlet is in the store." in texts(at)


def test_agency_profile(dashboard_store: Store, monkeypatch):
    at = run_app(dashboard_store.path, monkeypatch, "agency", name="PTI")
    copies = dashboard_store.query(
        "SELECT count(*) AS n FROM lineage WHERE via_agency = 'PTI' AND derivation <> 'non_derived' "
        "AND (parent_id IS NOT NULL OR parent_external IS NOT NULL)")["n"][0]
    assert metric(at, "Copies of its stories") == f"{copies:,}"
    assert copies >= 4
    carriers = next(df.value for df in at.dataframe if "outlet" in df.value.columns)
    assert {CREDITED_OUTLET, TRIMMED_OUTLET} <= set(carriers["outlet"])
    clusters = next(df.value for df in at.dataframe if "cluster_id" in df.value.columns)
    assert wire_cluster(dashboard_store) in set(clusters["cluster_id"])

    at = run_app(dashboard_store.path, monkeypatch, "agency", name="Nobody News Agency")
    assert "No article credits this agency" in texts(at)


# -- search -------------------------------------------------------------------------------------


def test_search_finds_the_wire_story_and_its_copies(dashboard_store: Store, monkeypatch):
    at = run_app(dashboard_store.path, monkeypatch, "search")
    at.text_area(key="search_text").input(wire_body_excerpt())
    next(b for b in at.button if b.label == "Search").click()
    at.run()
    assert not at.exception
    hits = at.dataframe[0].value
    assert {WIRE_ID, CREDITED_ID, TRIMMED_ID, HOSTILE_ID} <= set(hits["article_id"])
    assert hits.set_index("article_id").loc[TRIMMED_ID, "containment_query_in_article"] == pytest.approx(1.0)
    assert bool(hits.set_index("article_id").loc[WIRE_ID, "reuse"])
    clusters = at.dataframe[1].value
    assert wire_cluster(dashboard_store) in set(clusters["cluster_id"])

    at.text_area(key="search_text").input(" ".join(f"qx{i}zv" for i in range(40)))
    next(b for b in at.button if b.label == "Search").click()
    at.run()
    assert not at.exception
    assert "No stored article shares text with this passage." in texts(at)


# -- the store missing, empty, or being written --------------------------------------------------


def test_missing_store_is_a_message_not_a_crash(tmp_path, monkeypatch):
    at = run_app(tmp_path / "nope.duckdb", monkeypatch)
    assert "No store at" in texts(at)


def test_empty_store_is_a_message(tmp_path, monkeypatch):
    store = Store(tmp_path / "empty.duckdb")
    store.initialize(Config())
    at = run_app(store.path, monkeypatch)
    assert "has no articles yet" in texts(at)
    assert not at.dataframe


def test_not_a_store_is_a_message(tmp_path, monkeypatch):
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_bytes(b"this is not a duckdb file" * 100)
    at = run_app(bogus, monkeypatch)
    assert "Cannot read the store" in texts(at)


def test_store_locked_by_a_writer_says_updating_then_recovers(dashboard_store: Store, tmp_path, monkeypatch):
    import dashboard.data as data

    monkeypatch.setattr(data, "READ_WAIT_S", 0.2)
    copy = tmp_path / "locked.duckdb"
    copy.write_bytes(dashboard_store.path.read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(120)",
         str(copy)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        at = run_app(copy, monkeypatch)
        assert "being updated" in texts(at)
        assert any(b.label == "Retry now" for b in at.button)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.2)
    next(b for b in at.button if b.label == "Retry now").click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "being updated" not in texts(at)


# -- rendering units ------------------------------------------------------------------------------


def test_render_escapes_and_marks():
    from dashboard import render

    text = 'a <script>x()</script> b & "c"'
    marks = [render._Mark(2, 22, "shared", 1)]
    html = render.highlight(text, marks, points=[len(text)])
    assert "<script>" not in html
    assert '<mark class="pv-p" data-p="1" title="shared passage 1">&lt;script&gt;x()&lt;/script&gt;</mark>' in html
    assert html.endswith("&#9660;</span>")
    assert "&amp;" in html and "&quot;c&quot;" in html

    sbs = render.side_by_side(
        {"text": "one two three four five six", "title": "<i>T</i>", "outlet": "O", "article_id": "x"},
        {"text": "zero one two three four five six", "title": "U", "outlet": "<O>", "article_id": "y"},
        pl.DataFrame({"a_start": [0], "a_end": [27], "b_start": [5], "b_end": [32], "in_order": [True]}),
        pl.DataFrame({"op": ["inserted"], "a_start": [0], "a_end": [0], "b_start": [0], "b_end": [4]}),
    )
    assert "&lt;i&gt;T&lt;/i&gt;" in sbs and "&lt;O&gt;" in sbs and "<i>" not in sbs
    assert '<ins class="pv-e" title="not in the other article">zero</ins>' in sbs


def test_dot_strings_cannot_break_out():
    from dashboard import render

    hostile = 'x"]; evil [label="pwn'
    s = render.dot_str(hostile)
    assert s == '"x\\"]; evil [label=\\"pwn"'
    assert render.dot_str("a\\Nb\nc") == '"a\\\\Nb\\nc"'
    dot = render.chain_dot(
        [render.GraphNode(key=hostile, label="<b>L</b>", kind="agency")],
        [render.GraphEdge(src=hostile, dst="k", relation="verbatim", credit="uncredited")],
    )
    assert "style=dashed" in dot and "uncredited" in dot
    # Outside quoted strings (escapes removed) no statement contains the hostile text's brackets:
    # every line is exactly one statement, with balanced quotes.
    for line in dot.splitlines()[4:-1]:
        unescaped = re.sub(r"\\.", "", line)
        assert unescaped.count('"') % 2 == 0, line
        outside = re.sub(r'"[^"]*"', "", unescaped)
        assert "evil" not in outside and "pwn" not in outside, line
        assert outside.rstrip().endswith("];"), line


def test_clusters_sql_binds_user_text():
    from dashboard import data

    info = data.StoreInfo(path="x", version=1, updated_at=None,
                          tables={"articles": (), "clusters": (), "pairs": ()})
    q = data.ClusterQuery(outlets=("O'Brien; DROP TABLE articles",), title="'; --")
    sql, params = data.clusters_sql(info, q, sort="size", descending=True, limit=25, offset=0)
    assert "O'Brien" not in sql and "DROP" not in sql and "'; --" not in sql
    assert ["O'Brien; DROP TABLE articles"] in params and "'; --" in params
    with pytest.raises(ValueError):
        data.clusters_sql(info, q, sort="size; DROP", descending=True, limit=1, offset=0)


def test_reuse_over_time_buckets_and_totals(dashboard_store: Store):
    from dashboard import data

    info = data.store_info(dashboard_store.path)
    ts = data.reuse_over_time(str(dashboard_store.path), info.version)
    n = dashboard_store.query("SELECT count(*) AS n FROM articles WHERE published_at IS NOT NULL")["n"][0]
    assert ts["articles"].sum() == n
    grain = ts["grain"][0]
    periods = ts["period"].unique().to_list()
    for p in periods:
        assert (p.minute, p.second, p.microsecond) == (0, 0, 0)
        if grain != "hour":
            assert p.hour == 0
        if grain == "week":
            assert p.weekday() == 0
        if grain == "month":
            assert p.day == 1
    copies = ts.filter(pl.col("kind") == "reused copy")["articles"].sum()
    expected = dashboard_store.query(
        "SELECT count(*) AS n FROM lineage l JOIN articles a USING (article_id) WHERE a.published_at IS NOT NULL "
        "AND (l.parent_id IS NOT NULL OR l.parent_external IS NOT NULL)")["n"][0]
    assert copies == expected
    # Per outlet: the chart of one outlet counts exactly its articles.
    one = data.reuse_over_time(str(dashboard_store.path), info.version, outlet=TRIMMED_OUTLET)
    assert one["articles"].sum() == 2


def test_report_downloads_build_real_reports(dashboard_store: Store):
    import io
    import zipfile

    from dashboard import reports

    fmts = {f[0] for f in reports.available_formats()}
    assert {"html", "json", "md", "csv"} <= fmts
    cid = wire_cluster(dashboard_store)
    path = str(dashboard_store.path)
    html = reports.content(path, "html", {"cluster": cid}).decode("utf-8")
    assert WIRE_ID in html or "harbour" in html.lower()
    assert HOSTILE_SCRIPT not in html  # the report module escapes too
    data = json.loads(reports.content(path, "json", {"outlet": TRIMMED_OUTLET}))
    assert isinstance(data, dict) and data
    z = zipfile.ZipFile(io.BytesIO(reports.content(path, "csv", {"agency": "PTI"})))
    names = z.namelist()
    assert names and all("/" not in n and n.endswith(".csv") for n in names)
    assert reports.content(path, "md", {"all": True}).strip()
    stem = reports.file_stem("outlet", HOSTILE_OUTLET)
    assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", stem) and ".." not in stem


def test_search_by_uploaded_html_file(dashboard_store: Store, monkeypatch):
    at = run_app(dashboard_store.path, monkeypatch, "search")
    paras = wire_body_excerpt().split("\n\n")
    page = ("<html><head><title>x</title><script>var a = 1;</script></head><body>"
            + "".join(f"<p>{p}</p>" for p in paras) + "</body></html>")
    at.file_uploader(key="search_file").set_value(("story.html", page.encode("utf-8"), "text/html"))
    next(b for b in at.button if b.label == "Search").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    hits = at.dataframe[0].value
    assert {WIRE_ID, TRIMMED_ID} <= set(hits["article_id"])


def test_a_new_ingest_shows_up_without_restarting(dashboard_store: Store, tmp_path, monkeypatch):
    from provenance.engine.pipeline import ingest

    copy = tmp_path / "growing.duckdb"
    copy.write_bytes(dashboard_store.path.read_bytes())
    at = run_app(copy, monkeypatch)
    before = int(metric(at, "Articles").replace(",", ""))
    version = Store(copy).state().version
    extra = tmp_path / "more.jsonl"
    extra.write_text("\n".join(json.dumps({
        "id": f"late-{i}", "outlet": "Late Outlet", "published": "2031-04-01T10:00:00Z", "title": f"Late {i}",
        "text": " ".join(f"w{i}x{j}" for j in range(60)),
    }) for i in range(3)) + "\n", encoding="utf-8")
    ingest([extra], store=Store(copy))
    assert Store(copy).state().version == version + 1
    at.run()  # the same session, as a user pressing Reload: the cache is keyed by store version
    assert not at.exception
    assert int(metric(at, "Articles").replace(",", "")) == before + 3


def test_serve_command_binds_loopback_and_passes_the_store(tmp_path):
    from provenance.cli import dashboard as dashboard_cli
    from provenance.errors import InputError

    cmd = dashboard_cli.command(tmp_path / "x.duckdb")
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.port") + 1] == "8501"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert cmd[-2:] == ["--store", str((tmp_path / "x.duckdb").resolve())]
    assert Path(cmd[cmd.index("run") + 1]).name == "streamlit_app.py"
    other = dashboard_cli.command("s.duckdb", host="0.0.0.0", port=9000)
    assert other[other.index("--server.address") + 1] == "0.0.0.0"
    with pytest.raises(InputError):
        dashboard_cli.command("s.duckdb", port=70000)
