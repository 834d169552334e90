"""The explain page (``/explain?left=&right=``) and the cluster page's links to it, run with AppTest on the
dashboard store (data/sample plus known records, built by the real pipeline).

Expectations are read from the store with SQL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from conftest_dashboard import HOSTILE_ID, HOSTILE_TITLE, get_store
from test_dashboard_apptest import metric, run_app, texts

from provenance.store import Store


@pytest.fixture(scope="session")
def dashboard_store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Store:
    return get_store(tmp_path_factory, request)


def _parent(store: Store, child: str) -> str:
    return store.query("SELECT parent_id FROM lineage WHERE article_id = ?", [child])["parent_id"][0]


def test_explain_page_shows_grade_shares_and_sides(dashboard_store: Store, monkeypatch):
    parent = _parent(dashboard_store, HOSTILE_ID)
    assert parent is not None
    at = run_app(dashboard_store.path, monkeypatch, "explain", left=parent, right=HOSTILE_ID)
    page = texts(at)
    assert f"{HOSTILE_ID} was copied from {parent}".replace("-", "\\-") in page
    pair = dashboard_store.query(
        "SELECT a, containment_a_in_b, containment_b_in_a FROM pairs WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)",
        [parent, HOSTILE_ID, HOSTILE_ID, parent]).row(0, named=True)
    parent_in_child = pair["containment_a_in_b"] if pair["a"] == parent else pair["containment_b_in_a"]
    assert metric(at, "Of a found in b") == f"{100 * parent_in_child:.1f}%"
    lin = dashboard_store.query("SELECT relation, confidence FROM lineage WHERE article_id = ?", [HOSTILE_ID]).row(0)
    assert metric(at, "Confidence") == f"{lin[1]:.2f}"
    grade = at.dataframe[0].value
    assert grade["relation"].iloc[0] == lin[0] and grade["child"].iloc[0] == HOSTILE_ID
    sides = at.dataframe[3].value
    assert HOSTILE_TITLE in set(sides["b"])  # the title as data, shown in a table cell (text, not markup)
    html = "".join(str(h.proto.body) for h in at.get("html"))
    assert "&lt;script&gt;" in html and "<script>window" not in html  # escaped in the side-by-side view


def test_explain_page_without_pair_and_with_a_bad_id(dashboard_store: Store, monkeypatch):
    at = run_app(dashboard_store.path, monkeypatch, "explain")
    assert "Give two articles" in texts(at)
    at = run_app(dashboard_store.path, monkeypatch, "explain", left=HOSTILE_ID, right="no-such-article")
    assert "no stored article" in texts(at)


def test_cluster_members_link_to_the_explain_page(dashboard_store: Store, monkeypatch):
    cid = dashboard_store.query("SELECT cluster_id FROM clusters WHERE article_id = ?", [HOSTILE_ID])["cluster_id"][0]
    at = run_app(dashboard_store.path, monkeypatch, "cluster", id=str(cid))
    table = at.dataframe[0].value
    row = table[table["article_id"] == HOSTILE_ID].iloc[0]
    q = parse_qs(urlparse(row["explain"]).query)
    assert urlparse(row["explain"]).path.endswith("/explain")
    assert q == {"left": [_parent(dashboard_store, HOSTILE_ID)], "right": [HOSTILE_ID]}
    roots = dashboard_store.query("SELECT article_id FROM lineage WHERE cluster_id = ? AND parent_id IS NULL", [cid])
    for r in roots["article_id"]:
        if r in set(table["article_id"]):
            assert not isinstance(table[table["article_id"] == r].iloc[0]["explain"], str)


def test_overrides_page_and_explain_show_who_corrected_what(dashboard_store: Store, monkeypatch, tmp_path):
    import shutil

    from provenance.trace.overrides import add, remove

    copy = Store(tmp_path / "ov.duckdb")
    shutil.copy(dashboard_store.path, copy.path)
    at = run_app(copy.path, monkeypatch, "overrides")
    assert "No overrides yet." in texts(at)
    parent = _parent(copy, HOSTILE_ID)
    oid = add(copy, "reject", parent, HOSTILE_ID, author="night desk", note="<b>not</b> a copy")
    lic = add(copy, "licence", "Dashtest Gazette", "PTI", author="legal")
    remove(copy, lic, author="legal")
    at = run_app(copy.path, monkeypatch, "overrides")
    table = at.dataframe[0].value
    assert list(table["override_id"]) == [oid] and table["author"].iloc[0] == "night desk"
    assert parse_qs(urlparse(table["explain"].iloc[0]).query) == {"left": [parent], "right": [HOSTILE_ID]}
    at.toggle(key="ov_removed").set_value(True).run()
    assert list(at.dataframe[0].value["override_id"]) == [oid, lic]
    at = run_app(copy.path, monkeypatch, "explain", left=parent, right=HOSTILE_ID)
    page = texts(at)
    assert "rejected by night desk" in page and "\\<b\\>not\\</b\\> a copy" in page  # the note, as literal text
    # The cluster page's evidence column carries the override too.
    cid = copy.query("SELECT cluster_id FROM clusters WHERE article_id = ?", [HOSTILE_ID])["cluster_id"][0]
    table = run_app(copy.path, monkeypatch, "cluster", id=str(cid)).dataframe[0].value
    assert "rejected by night desk" in table[table["article_id"] == HOSTILE_ID].iloc[0]["evidence"]
