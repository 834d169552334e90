"""One output option for every command that prints rows: --format table|json|jsonl|csv (--json an alias)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from provenance.cli.main import main
from provenance.store import Store


def _run(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def test_stats_formats_agree(sample_store: Store) -> None:
    s = str(sample_store.path)
    doc = json.loads(_run("stats", "--store", s, "--format", "json"))
    assert doc == json.loads(_run("stats", "--store", s, "--json"))  # the alias prints the same document
    lines = [json.loads(x) for x in _run("stats", "--store", s, "--format", "jsonl").splitlines()]
    summary = [x for x in lines if x["section"] == "summary"]
    largest = [x for x in lines if x["section"] == "largest_clusters"]
    assert len(summary) == 1 and summary[0]["articles"] == doc["articles"] == sample_store.query(
        "SELECT count(*) AS n FROM articles")["n"][0]
    assert [x["cluster_id"] for x in largest] == [c["cluster_id"] for c in doc["largest_clusters"]]
    detail = json.loads(_run("stats", "--store", s, "--agency", "ians", "--json"))["detail"]
    rows = list(csv.DictReader(io.StringIO(_run("stats", "--store", s, "--agency", "ians", "--format", "csv"))))
    assert [r["outlet"] for r in rows] == [d["outlet"] for d in detail] and rows


def test_search_csv_and_jsonl_hold_the_same_rows(sample_store: Store) -> None:
    s = str(sample_store.path)
    text = sample_store.query("SELECT text FROM articles ORDER BY doc LIMIT 1")["text"][0][:600]
    lines = [json.loads(x) for x in _run("search", "--store", s, "--text", text, "--json").splitlines()]
    assert lines == [json.loads(x) for x in _run("search", "--store", s, "--text", text, "--format", "jsonl")
                     .splitlines()]
    rows = list(csv.DictReader(io.StringIO(_run("search", "--store", s, "--text", text, "--format", "csv"))))
    assert [r["article_id"] for r in rows] == [x["article_id"] for x in lines] and lines
    assert json.loads(_run("search", "--store", s, "--text", text, "--format", "json")) == lines


def test_conflicting_and_impossible_formats_are_refused(sample_store: Store) -> None:
    s = str(sample_store.path)
    r = CliRunner().invoke(main, ["stats", "--store", s, "--json", "--format", "csv"])
    assert r.exit_code == 1 and "--json means --format json" in r.output
    r = CliRunner().invoke(main, ["stats", "--store", s, "--format", "csv"])  # two tables do not fit one CSV
    assert r.exit_code == 1 and "--format csv prints one table" in r.output
    r = CliRunner().invoke(main, ["stats", "--store", s, "--format", "xml"])
    assert r.exit_code == 2


def test_python_dash_m_provenance_is_the_cli() -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "provenance", "--version"], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and r.stdout.strip() == "provenance, version 0.1.0", r.stderr
