"""docs/GLOSSARY.md covers every value the sample produces, and its example ids are the sample store's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from provenance.store import Store

DOC = Path(__file__).resolve().parent.parent / "docs" / "GLOSSARY.md"


@pytest.fixture(scope="module")
def glossary() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("table,column", [
    ("lineage", "relation"), ("lineage", "derivation"), ("lineage", "credited"), ("pairs", "via"),
    ("credits", "kind"), ("credits", "role"), ("credits", "field"), ("external_nodes", "kind"),
    ("rejects", "reason"), ("rejects", "action"), ("articles", "published_precision"), ("cluster_events", "event"),
])
def test_every_value_of_the_sample_is_explained(sample_store: Store, glossary: str, table: str, column: str) -> None:
    values = sample_store.query(f'SELECT DISTINCT "{column}" AS v FROM {table} WHERE "{column}" IS NOT NULL')["v"]
    assert values.len() > 0
    missing = [v for v in values if f"`{v}`" not in glossary]
    assert not missing, f"{table}.{column} values not in docs/GLOSSARY.md: {missing}"


def test_every_evidence_key_is_explained(sample_store: Store, glossary: str) -> None:
    keys = set()
    for e in sample_store.query("SELECT evidence FROM lineage")["evidence"]:
        keys |= set(json.loads(e))
    assert keys
    missing = sorted(k for k in keys if f"- `{k}`:" not in glossary)
    assert not missing, f"evidence keys not in docs/GLOSSARY.md: {missing}"


def test_example_ids_exist_in_the_sample_store(sample_store: Store, glossary: str) -> None:
    ids = set(re.findall(r"`([ut]?[0-9a-f]{16})`", glossary))
    assert len(ids) >= 15
    found = set(sample_store.query("SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                                   [sorted(ids)])["article_id"])
    assert ids == found, f"ids in docs/GLOSSARY.md not in the sample store: {sorted(ids - found)}"


def test_examples_say_what_the_store_says(sample_store: Store) -> None:
    """Spot checks of the glossary's worked examples."""
    q = sample_store.query
    assert q("SELECT relation FROM lineage WHERE article_id = '3e0d9d42d1af2781'")["relation"][0] == "partial"
    assert q("SELECT parent_id FROM lineage WHERE article_id = 'c9a0e25f2b1d7101'")["parent_id"][0] == "91c3a4ddddaea078"
    assert q("SELECT credited FROM lineage WHERE article_id = '2ee1b4ff14142b09'")["credited"][0] == "uncredited"
    row = q("SELECT parent_external, origin_external FROM lineage WHERE article_id = '07811361ed1950a9'").row(0)
    assert row == ("Yonhap", "government sources")


def test_data_readme_ids_are_what_the_store_gives(sample_store: Store) -> None:
    """data/README.md: feed records keep their id; pages get u…/t… ids; locator joins truth.csv's path."""
    import polars as pl

    root = DOC.parent.parent / "data" / "sample"
    truth = pl.read_csv(root / "truth.csv", infer_schema=False)
    arts = sample_store.query("SELECT article_id, locator, source FROM articles")
    pages = arts.filter(pl.col("locator").str.starts_with("html/") | pl.col("locator").str.starts_with("pages/"))
    assert pages.height == truth.filter(pl.col("form") != "feed").height
    assert pages.filter(pl.col("locator").str.starts_with("html/"))["article_id"].str.starts_with("u").all()
    assert pages.filter(pl.col("locator").str.starts_with("pages/"))["article_id"].str.starts_with("t").all()
    assert set(pages["locator"]) <= set(truth["path"])
    feed = truth.filter(pl.col("form") == "feed")["article_id"]
    assert set(feed) <= set(arts["article_id"])
    assert "the store's id is `t` + the hash" in (root.parent / "README.md").read_text(encoding="utf-8")
