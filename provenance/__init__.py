"""provenance: who copied whom in news.

Ingest a news corpus into an embedded DuckDB store, find reused text with
MinHash/LSH and passage anchors, cluster the reuse and trace each copy back
to its origin. The stage functions are pure (polars in, polars out); the
store and the CLI are thin shells around them.

The public Python API (``docs/PYTHON.md``) is imported lazily, on first use::

    import provenance
    news = provenance.open_store("news.duckdb")
    lineage = news.table("lineage")           # a polars DataFrame
    news.search("a pasted paragraph ..."); news.explain(id_a, id_b); news.signatures()
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

#: name -> module that defines it; loaded on first access (importing provenance stays cheap).
_API = {
    "Store": "store", "Config": "config", "Explanation": "trace.explain", "IngestReport": "engine.pipeline",
    "ProvenanceError": "errors", "InputError": "errors", "StoreError": "errors",
    **{n: "api" for n in ("Corpus", "open_store", "lean_minhash", "datasketch_minhash", "shingles",
                          "DATASKETCH_SCHEME")},
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    mod = _API.get(name)
    if mod is None:
        raise AttributeError(f"module 'provenance' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"provenance.{mod}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
