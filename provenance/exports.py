"""Exports a spreadsheet or a notebook can use alone: ids resolved to who, where and when, and filters.

``provenance export`` writes what :func:`export_frame` returns. Compared with
the raw tables, ``pairs`` carries both sides' outlet, URL, title and
publication time and their cluster; ``articles`` carries ``published_local``, the
publication time on the page's own clock (ISO 8601 with its offset; null when the page
gave no zone or only the day); ``articles``, ``lineage`` and ``credits``
carry the article's ``cluster_id`` (null for an article in no cluster), and
``pairs`` an ``override`` column (``reject``/``confirm`` where an editor said so).
Filters select rows by cluster, outlet and publication time; a pair matches
when either side does, since a pair is about both articles.
"""

from __future__ import annotations

import polars as pl

from provenance.errors import InputError
from provenance.extract.dates import local_iso
from provenance.queries import Filters, cluster_events, export_rows
from provenance.store import EXPORTABLE, Store

__all__ = ["Filters", "export_frame"]


def export_frame(store: Store, table: str, filters: Filters | None = None) -> pl.DataFrame:
    """The rows of ``table`` to export, joined with what makes them readable alone, filtered."""
    f = filters or Filters()
    if table not in EXPORTABLE:
        raise InputError(f"unknown table {table!r}; tables: {', '.join(sorted(EXPORTABLE))}")
    if table in ("articles", "pairs", "clusters", "credits", "lineage", "external_nodes"):
        df = export_rows(store, table, f)
        if table == "articles":
            local = local_iso(pl.col("published_at"), pl.col("published_offset"), unknown="")
            at = df.get_column_index("published_offset") + 1
            return df.insert_column(at, df.select(pl.when(pl.col("published_offset").is_not_null()).then(local)
                                                  .alias("published_local")).to_series())
        return _mark_overridden(store, df) if table == "pairs" else df
    if table == "cluster_events":
        from provenance.detect.history import CLUSTER_EVENTS

        if f.outlet is not None or f.since is not None or f.until is not None:
            raise InputError("cluster_events can be filtered by --cluster only")
        if not store.has_table("cluster_events"):
            return pl.DataFrame(schema=CLUSTER_EVENTS)
        if f.cluster is not None:
            from provenance.detect.history import history

            return history(store, f.cluster)
        return cluster_events(store)
    elif table == "overrides":
        from provenance.trace.overrides import listing

        if f.any():
            raise InputError("overrides take no filters")
        return listing(store, include_removed=True)
    else:  # rejects: about input records, not articles
        if f.any():
            raise InputError(f"{table} rows are input records, not articles: they take no filters")
        return store.table(table)


def _mark_overridden(store: Store, pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs with an ``override`` column: ``reject`` or ``confirm`` when an editor said so, else null."""
    from provenance.trace.overrides import PAIR_KINDS, active

    ov = active(store).filter(pl.col("kind").is_in(PAIR_KINDS))
    keys = ov.select(pl.min_horizontal("subject", "object").alias("_lo"), pl.max_horizontal("subject", "object")
                     .alias("_hi"), pl.col("kind").alias("override")).unique(["_lo", "_hi"], keep="last")
    return (pairs.with_columns(pl.min_horizontal("a", "b").alias("_lo"), pl.max_horizontal("a", "b").alias("_hi"))
            .join(keys, on=["_lo", "_hi"], how="left", maintain_order="left").drop("_lo", "_hi"))
