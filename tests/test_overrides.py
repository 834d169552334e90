"""Editorial overrides: applied at once, shown with the link, kept through later ingests, undone on removal.

Each test works on a copy of the sample store (built by the real pipeline); expectations are read from
the store before the override with SQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from provenance.cli.main import main
from provenance.engine.pipeline import ingest
from provenance.errors import InputError
from provenance.exports import export_frame
from provenance.store import Store
from provenance.trace.explain import explain
from provenance.trace.overrides import add, add_many, listing, load_file, remove


@pytest.fixture
def store(sample_store: Store, tmp_path: Path) -> Store:
    dst = tmp_path / "copy.duckdb"
    shutil.copy(sample_store.path, dst)
    return Store(dst)


def _lin(store: Store, aid: str) -> dict:
    return store.query("SELECT * FROM lineage WHERE article_id = ?", [aid]).row(0, named=True)


def _link(store: Store) -> tuple[str, str]:
    """A (parent, child) link in a cluster of at least 4 articles, so the child has other candidates."""
    r = store.query(
        "SELECT l.parent_id, l.article_id FROM lineage l WHERE l.parent_id IS NOT NULL AND l.cluster_id IN "
        "(SELECT cluster_id FROM clusters GROUP BY 1 HAVING count(*) >= 4) ORDER BY l.cluster_id, l.article_id LIMIT 1"
    ).row(0)
    return r[0], r[1]


def _copy_record(store: Store, of: str, tmp: Path) -> Path:
    """A new outlet's verbatim copy of a stored article, as a JSON-lines file (joins its cluster on ingest)."""
    a = store.query("SELECT title, text, published_at FROM articles WHERE article_id = ?", [of]).row(0, named=True)
    rec = {"id": "override-test-copy", "outlet": "latecomer.example", "url": "https://latecomer.example/x",
           "title": a["title"], "text": a["text"], "published": "2030-01-01T00:00:00Z"}
    p = tmp / "late.jsonl"
    p.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    return p


def test_reject_keeps_evidence_recomputes_lineage_and_survives_ingest(store: Store, tmp_path: Path) -> None:
    parent, child = _link(store)
    clusters_before = store.table("clusters").sort("article_id")
    version = store.state().version
    oid = add(store, "reject", parent, child, author="desk", note="same press release, not a copy")
    assert store.state().version == version + 1
    assert store.query("SELECT count(*) AS n FROM pairs WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)",
                       [parent, child, child, parent])["n"][0] == 1  # the evidence stays
    assert store.table("clusters").sort("article_id").equals(clusters_before)  # so does the cluster
    lc, lp = _lin(store, child), _lin(store, parent)
    assert lc["parent_id"] != parent and lp["parent_id"] != child
    assert "rejected by desk" in json.loads(lc["evidence"])["override"]
    pairs = export_frame(store, "pairs")
    marked = pairs.filter(pl.col("override") == "reject")
    assert marked.height == 1 and {marked["a"][0], marked["b"][0]} == {parent, child}
    ex = explain(store, parent, child)
    assert ex.link is None and ex.relationship.startswith(f"rejected by desk (override {oid})")
    assert ex.overrides[0]["note"] == "same press release, not a copy"

    # The next ingest grows the cluster, which recomputes its lineage: the rejection still holds.
    rep = ingest([_copy_record(store, parent, tmp_path)], store=store)
    assert rep.added == 1 and rep.pairs_added >= 1
    assert _lin(store, "override-test-copy")["cluster_id"] == lc["cluster_id"]
    assert _lin(store, child)["parent_id"] != parent and _lin(store, parent)["parent_id"] != child
    assert listing(store)["override_id"].to_list() == [oid]

    # Removing it gives the link back, and the override stays listed as removed.
    remove(store, oid, author="chief")
    assert listing(store).height == 0
    gone = listing(store, include_removed=True).row(0, named=True)
    assert gone["removed_by"] == "chief" and gone["removed_at"] is not None
    assert _lin(store, child)["parent_id"] == parent
    assert "override" not in json.loads(_lin(store, child)["evidence"])


def test_confirm_marks_the_link(store: Store) -> None:
    parent, child = _link(store)
    add(store, "confirm", child, parent, author="desk")
    row = _lin(store, child)
    assert row["parent_id"] == parent and row["confidence"] == 1.0
    assert "confirmed by desk" in json.loads(row["evidence"])["override"]
    assert explain(store, parent, child).relationship.startswith("confirmed by desk")


def test_licence_turns_uncredited_copies_into_licensed(store: Store) -> None:
    q = ("SELECT a.outlet, l.via_agency, count(*) AS n FROM lineage l JOIN articles a USING (article_id) "
         "WHERE l.credited = 'uncredited' AND l.via_agency IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 1")
    outlet, agency, n = store.query(q).row(0)
    total = store.query("SELECT count(*) AS n FROM lineage WHERE credited = 'uncredited'")["n"][0]
    oid = add(store, "licence", outlet, agency.lower(), author="legal")  # agency names are canonicalised
    assert listing(store)["object"][0] == agency
    got = store.query("SELECT l.credited, l.evidence FROM lineage l JOIN articles a USING (article_id) "
                      "WHERE a.outlet = ? AND l.via_agency = ?", [outlet, agency])
    assert "uncredited" not in set(got["credited"]) and (got["credited"] == "licensed").sum() == n
    assert all("under licence, per legal" in json.loads(e)["override"]
               for e, c in got.select("evidence", "credited").iter_rows() if c == "licensed")
    assert store.query("SELECT count(*) AS n FROM lineage WHERE credited = 'uncredited'")["n"][0] == total - n
    remove(store, oid)
    assert store.query("SELECT count(*) AS n FROM lineage WHERE credited = 'uncredited'")["n"][0] == total


def test_alias_renames_stored_and_new_articles_and_is_undone(store: Store, tmp_path: Path) -> None:
    host = store.query("SELECT outlet FROM articles WHERE url LIKE 'https://' || outlet || '/%' "
                       "GROUP BY 1 ORDER BY count(*), 1 LIMIT 1")["outlet"][0]
    ids = set(store.query("SELECT article_id FROM articles WHERE outlet = ?", [host])["article_id"])
    oid = add(store, "alias", host, "merged-outlet.example")
    assert set(store.query("SELECT article_id FROM articles WHERE outlet = 'merged-outlet.example'")["article_id"]) == ids
    rec = {"id": "alias-new", "outlet": host, "title": "A new one", "text": "Fresh words " * 30}
    (tmp_path / "n.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    ingest([tmp_path / "n.jsonl"], store=store)
    assert store.query("SELECT outlet FROM articles WHERE article_id = 'alias-new'")["outlet"][0] == "merged-outlet.example"
    remove(store, oid)
    assert set(store.query("SELECT article_id FROM articles WHERE outlet = ?", [host])["article_id"]) == ids


def test_import_files_all_or_nothing(store: Store, tmp_path: Path) -> None:
    parent, child = _link(store)
    toml = tmp_path / "o.toml"
    toml.write_text(f'[[override]]\nkind = "confirm"\nsubject = "{parent}"\nobject = "{child}"\nauthor = "a"\n\n'
                    '[[override]]\nkind = "licence"\nsubject = "x.example"\nobject = "PTI"\nnote = "contract 2024"\n',
                    encoding="utf-8")
    assert len(add_many(store, load_file(toml))) == 2
    csv = tmp_path / "o.csv"
    csv.write_text(f"kind,subject,object,author\nreject,{parent},{child},b\nbogus,x,y,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown override kind"):
        add_many(store, load_file(csv))
    assert listing(store).height == 2  # nothing of the bad file was added
    bad = tmp_path / "b.csv"
    bad.write_text("kind,subject,object,colour\nreject,a,b,red\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown fields"):
        load_file(bad)
    with pytest.raises(InputError, match="no stored article"):
        add(store, "reject", parent, "not-an-article")


def test_cli_add_list_remove_import(store: Store, tmp_path: Path) -> None:
    parent, child = _link(store)
    r = CliRunner()
    s = ["--store", str(store.path)]
    res = r.invoke(main, ["override", "add", "reject", parent, child, *s, "--author", "ed", "--note", "wrong"])
    assert res.exit_code == 0 and "override 1 added" in res.output
    res = r.invoke(main, ["override", "list", *s, "--json"])
    rows = [json.loads(x) for x in res.output.splitlines()]
    assert [(x["kind"], x["author"], x["note"]) for x in rows] == [("reject", "ed", "wrong")]
    res = r.invoke(main, ["override", "remove", "1", *s])
    assert res.exit_code == 0 and "removed" in res.output
    assert r.invoke(main, ["override", "list", *s]).output.strip() == "no overrides"
    (tmp_path / "o.csv").write_text(f"kind,subject,object\nconfirm,{parent},{child}\n", encoding="utf-8")
    res = r.invoke(main, ["override", "import", str(tmp_path / "o.csv"), *s])
    assert res.exit_code == 0 and "1 overrides added" in res.output
    res = r.invoke(main, ["override", "add", "reject", parent, "nope", *s])
    assert res.exit_code == 1 and "no stored article" in res.output


def test_licensed_copies_show_as_licensed_in_reports_and_the_dashboard(store: Store, monkeypatch) -> None:
    from test_dashboard_apptest import run_app

    from provenance.report import build_report, render
    from provenance.report.json_format import validate

    q = ("SELECT a.outlet, l.via_agency, min(l.cluster_id) AS cid, min(l.article_id) AS aid FROM lineage l "
         "JOIN articles a USING (article_id) WHERE l.credited = 'uncredited' AND l.via_agency IS NOT NULL "
         "AND l.cluster_id IN (SELECT cluster_id FROM clusters) GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1")
    outlet, agency, cid, aid = store.query(q).row(0)
    add(store, "licence", outlet, agency, author="legal")
    assert _lin(store, aid)["credited"] == "licensed"
    report = build_report(store, cluster=cid)
    validate(report)
    member = next(m for m in report["cluster"]["members"] if m["article_id"] == aid)
    assert member["status"] == "licensed"
    html = render(report, "html")
    assert "b-licensed" in html and "under licence, per legal" in html  # the override, in the link's evidence
    table = run_app(store.path, monkeypatch, "cluster", id=str(cid)).dataframe[0].value
    row = table[table["article_id"] == aid].iloc[0]
    assert row["status"] == "licensed copy" and "under licence, per legal" in row["evidence"]
