"""Shared fixtures: the sample store is built once per session through the real pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding data/sample, ingested with the default config. Treat it as read-only."""
    from provenance.engine.pipeline import ingest

    store = Store(tmp_path_factory.mktemp("sample") / "sample.duckdb")
    ingest([SAMPLE], store=store)
    return store
