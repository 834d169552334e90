"""`provenance explain`: the library answer and the CLI, on the sample store built by the real pipeline.

Expectations come from the store's own rows (pairs, lineage, articles) read with SQL, never from a run.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from provenance.cli.main import main
from provenance.errors import InputError
from provenance.store import Store
from provenance.trace.explain import explain


@pytest.fixture(scope="module")
def store(sample_store: Store) -> Store:
    return sample_store


def _a_link(store: Store) -> dict:
    """A stored lineage link (child, parent) with its pair row."""
    return store.query(
        "SELECT l.article_id AS child, l.parent_id AS parent, l.relation, l.derivation, l.credited, l.confidence, "
        "l.evidence, p.a, p.containment_a_in_b, p.containment_b_in_a, p.jaccard, p.shared_shingles "
        "FROM lineage l JOIN pairs p ON (p.a = l.parent_id AND p.b = l.article_id) "
        "OR (p.b = l.parent_id AND p.a = l.article_id) WHERE l.parent_id IS NOT NULL "
        "ORDER BY p.jaccard, l.article_id LIMIT 1"
    ).row(0, named=True)


def test_a_stored_link_is_explained_with_its_grade_and_evidence(store: Store) -> None:
    row = _a_link(store)
    ex = explain(store, row["parent"], row["child"])
    assert ex.link is not None
    assert (ex.link["child"], ex.link["parent"]) == (row["child"], row["parent"])
    for k in ("relation", "derivation", "credited", "confidence"):
        assert ex.link[k] == row[k]
    assert ex.link["evidence"] == json.loads(row["evidence"])
    assert ex.same_cluster
    assert ex.direction["verdict"] == "a→b"
    assert row["child"] in ex.relationship and row["parent"] in ex.relationship
    # shares each way are the stored pair's, in the asked order
    parent_in_child = row["containment_a_in_b"] if row["a"] == row["parent"] else row["containment_b_in_a"]
    assert ex.shared["source"] == "stored pair"
    assert ex.shared["a_in_b"] == pytest.approx(parent_in_child)
    assert ex.shared["shared_shingles"] == row["shared_shingles"]
    # the other order mirrors it
    back = explain(store, row["child"], row["parent"])
    assert back.shared["b_in_a"] == pytest.approx(parent_in_child)
    assert back.direction["verdict"] == "b→a"
    assert back.link == ex.link


def test_passages_are_the_texts_they_claim(store: Store) -> None:
    row = _a_link(store)
    ex = explain(store, row["parent"], row["child"])
    al = ex.alignment
    assert al["n_passages"] >= 1 and al["passages"]
    for p in al["passages"]:
        assert ex.texts["a"][p["a_start"]:p["a_end"]] == p["a_text"]
        assert ex.texts["b"][p["b_start"]:p["b_end"]] == p["b_text"]
    assert al["shared_tokens"] == sum(p["n_tokens"] for p in al["passages"])
    assert 0 < al["a_share_aligned"] <= 1 and 0 < al["b_share_aligned"] <= 1


def test_urls_resolve_and_unlinked_pairs_are_computed(store: Store) -> None:
    two = store.query(
        "SELECT a.article_id, a.url, c.cluster_id FROM articles a JOIN clusters c USING (doc) "
        "WHERE a.url IS NOT NULL ORDER BY c.cluster_id, a.doc"
    )
    first = two.row(0, named=True)
    other = two.filter(two["cluster_id"] != first["cluster_id"]).row(0, named=True)
    ex = explain(store, first["url"], other["url"])
    assert (ex.a["article_id"], ex.b["article_id"]) == (first["article_id"], other["article_id"])
    assert ex.link is None and not ex.same_cluster
    assert ex.shared["source"].startswith("computed")
    assert ex.shared["verified_reuse"] is False
    assert ex.relationship.startswith("not linked")
    json.dumps(ex.to_dict())  # JSON-safe
    sourced = ex.to_dict()["sourced_share"] or {}  # each side's sourced share; neither drew on the other
    assert all(v["from_other"] is None and 0 <= v["sourced_share"] <= 1 for v in sourced.values())


def test_bad_references_are_refused(store: Store) -> None:
    aid = store.query("SELECT article_id FROM articles LIMIT 1")["article_id"][0]
    with pytest.raises(InputError, match="same article"):
        explain(store, aid, aid)
    with pytest.raises(InputError, match="no stored article"):
        explain(store, aid, "no-such-id")


def test_cli_terminal_and_json(store: Store) -> None:
    row = _a_link(store)
    r = CliRunner().invoke(main, ["explain", row["parent"], row["child"], "--store", str(store.path), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["link"]["relation"] == row["relation"] and "texts" not in d
    r = CliRunner().invoke(main, ["explain", row["parent"], row["child"], "--store", str(store.path)])
    assert r.exit_code == 0, r.output
    assert "Relationship:" in r.output and row["child"] in r.output and "Shared passages" in r.output
    r = CliRunner().invoke(main, ["explain", row["parent"], "nope", "--store", str(store.path)])
    assert r.exit_code == 1 and "no stored article" in r.output


def test_terminal_output_shows_markup_in_article_text_literally(tmp_path) -> None:
    from provenance.engine.pipeline import ingest

    body = " ".join(f"word{i % 97} token{i % 13}" for i in range(300))
    title = "[bold red]PWN[/bold red] [link=http://x]y[/link]"
    recs = [{"id": "m1", "outlet": "[blink]o1[/blink]", "title": title, "text": body},
            {"id": "m2", "outlet": "o2", "title": title, "text": body}]
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    store = Store(tmp_path / "m.duckdb")
    ingest([tmp_path / "m.jsonl"], store=store)
    r = CliRunner().invoke(main, ["explain", "m1", "m2", "--store", str(store.path)], terminal_width=200)
    assert r.exit_code == 0, r.output
    assert "[bold red]PWN[/bold red]" in r.output and "[blink]o1[/blink]" in r.output


def test_siblings_get_a_computed_pair_grade(store: Store) -> None:
    sib = store.query(
        "SELECT x.article_id AS s1, y.article_id AS s2 FROM lineage x JOIN lineage y ON x.parent_id = y.parent_id "
        "AND x.article_id < y.article_id JOIN pairs p ON (p.a = x.article_id AND p.b = y.article_id) "
        "OR (p.a = y.article_id AND p.b = x.article_id) ORDER BY 1, 2 LIMIT 1").row(0, named=True)
    ex = explain(store, sib["s1"], sib["s2"])
    assert ex.link is None and ex.relationship.startswith("siblings: both were copied from")
    g = ex.pair_grade
    assert g is not None and {g["parent"], g["child"]} == {sib["s1"], sib["s2"]}
    from provenance.trace.lineage import RELATIONS

    assert g["relation"] in RELATIONS and g["derivation"] in ("wholly_derived", "partially_derived")
    assert g["looks_independent"] is False
    linked = _a_link(store)
    assert explain(store, linked["parent"], linked["child"]).pair_grade is None  # a stored link has its own grade
