"""provenance: who copied whom in news.

Ingest a news corpus into an embedded DuckDB store, find reused text with
MinHash/LSH and passage anchors, cluster the reuse and trace each copy back
to its origin. The stage functions are pure (polars in, polars out); the
store and the CLI are thin shells around them.
"""

__version__ = "0.1.0"
