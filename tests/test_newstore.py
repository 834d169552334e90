"""`ingest` detection settings (new stores only) and `ingest --dry-run` (same figures, store untouched)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from provenance.cli.main import main
from provenance.store import Store

ROOT = Path(__file__).resolve().parent.parent
FEED = ROOT / "data" / "sample" / "feed.jsonl"


def test_settings_for_a_new_store_are_kept_and_refused_later(tmp_path: Path) -> None:
    r = CliRunner()
    s = str(tmp_path / "n.duckdb")
    res = r.invoke(main, ["ingest", str(FEED), "--store", s, "--quiet", "--threshold", "0.6", "--shingle-size", "4",
                          "--min-shared", "40", "--min-containment", "0.6"])
    assert res.exit_code == 0, res.output
    cfg = json.loads(Store(s).query("SELECT value FROM meta WHERE key = 'config'")["value"][0])
    assert (cfg["lsh_threshold"], cfg["shingle_size"], cfg["min_shared_shingles"], cfg["min_containment"]) == (
        0.6, 4, 40, 0.6)
    res = r.invoke(main, ["ingest", str(FEED), "--store", s, "--quiet", "--min-shared", "40"])
    assert res.exit_code == 1
    assert "only be chosen for a new store" in res.output and "--shingle-size 4" in res.output
    res = r.invoke(main, ["ingest", str(ROOT / "data" / "sample" / "pages"), "--store", s, "--quiet"])
    assert res.exit_code == 0, res.output  # without settings: the store's own
    cfg2 = json.loads(Store(s).query("SELECT value FROM meta WHERE key = 'config'")["value"][0])
    assert cfg2 == cfg
    res = r.invoke(main, ["ingest", str(FEED), "--store", str(tmp_path / "m.duckdb"), "--threshold", "1.5"])
    assert res.exit_code == 1 and "--threshold must be" in res.output


def test_dry_run_reports_what_the_ingest_does_and_changes_nothing(sample_store: Store, tmp_path: Path) -> None:
    store = tmp_path / "c.duckdb"
    shutil.copy(sample_store.path, store)
    a = sample_store.query("SELECT title, text FROM articles ORDER BY doc LIMIT 1").row(0, named=True)
    src = tmp_path / "new.jsonl"
    src.write_text(json.dumps({"id": "dry-1", "outlet": "dry.example", "title": a["title"], "text": a["text"],
                               "published": "2030-01-01T00:00:00Z"}) + "\n", encoding="utf-8")
    before = store.read_bytes()
    r = CliRunner()
    res = r.invoke(main, ["ingest", str(src), "--store", str(store), "--quiet", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert store.read_bytes() == before and not list(tmp_path.glob("provenance-dry-run-*"))
    m = re.search(r"would add (\d+) articles .* with (\d+) reuse pairs", " ".join(res.output.split()))
    assert m
    real = r.invoke(main, ["ingest", str(src), "--store", str(store), "--quiet"])
    m2 = re.search(r"ingested (\d+) new articles .*; (\d+) reuse pairs", " ".join(real.output.split()))
    assert m2 and m.groups() == m2.groups() and int(m.group(2)) > 0
    cid = Store(store).query("SELECT cluster_id FROM clusters WHERE article_id = 'dry-1'")["cluster_id"][0]
    assert f"cluster {cid}:" in res.output
    res = r.invoke(main, ["ingest", str(ROOT / "data" / "sample"), "--store", str(store), "--quiet", "--dry-run"])
    assert "would be skipped 1: not_articles" in " ".join(res.output.split())


def test_rewrite_settings_for_a_new_store(tmp_path: Path) -> None:
    r = CliRunner()
    off, wide = str(tmp_path / "off.duckdb"), str(tmp_path / "wide.duckdb")
    assert r.invoke(main, ["ingest", str(FEED), "--store", off, "--quiet", "--no-rewrites"]).exit_code == 0
    assert r.invoke(main, ["ingest", str(FEED), "--store", wide, "--quiet", "--window", "7"]).exit_code == 0
    cfg = {p: json.loads(Store(p).query("SELECT value FROM meta WHERE key = 'config'")["value"][0]) for p in (off, wide)}
    assert cfg[off]["rewrites"] is False and cfg[wide]["rewrites"] is True
    assert cfg[wide]["rewrite_window_days"] == 7.0
    assert Store(off).query("SELECT count(*) AS n FROM pairs WHERE via = 'rewrite'")["n"][0] == 0
    res = r.invoke(main, ["ingest", str(FEED), "--store", str(tmp_path / "z.duckdb"), "--window", "0"])
    assert res.exit_code == 1 and "--window must be" in res.output


def test_config_checks_every_range_once() -> None:
    """Config refuses out-of-range values itself; the CLI names the option, the library the field."""
    import pytest

    from provenance.config import Config
    from provenance.errors import ConfigError

    for bad in ({"lsh_threshold": 1.0}, {"min_containment": 0}, {"min_sourced_share": 1.5}, {"anchor_mod": 0},
                {"rewrite_window_days": 0}, {"fingerprint_batch_docs": 0}, {"min_tokens": -1},
                {"min_shared_shingles": 10}):
        with pytest.raises(ConfigError, match=next(iter(bad))):
            Config(**bad)
    assert Config().lsh_bands_rows == Config.from_dict(Config().to_dict()).lsh_bands_rows
    # A store written before the rename keeps its fingerprint batch under the old key.
    assert Config.from_dict({"batch_size": 7}).fingerprint_batch_docs == 7
    res = CliRunner().invoke(main, ["ingest", str(FEED), "--store", "/nonexistent/x.duckdb", "--min-shared", "5"])
    assert res.exit_code == 1 and "--min-shared must be >=" in res.output


def test_spark_engine_refuses_local_only_options(tmp_path: Path) -> None:
    """--engine spark never drops an option silently: local-only ones are refused before any work."""
    r = CliRunner()
    s = str(tmp_path / "s.duckdb")
    for extra in (["--batch-size", "10"], ["--max-record-chars", "10"], ["--dry-run"]):
        res = r.invoke(main, ["ingest", str(FEED), "--store", s, "--engine", "spark", *extra])
        assert res.exit_code == 1 and extra[0] in res.output and "not supported by --engine spark" in res.output
    assert not Path(s).exists()
