"""Exports a spreadsheet or a notebook can use alone: ids resolved to who, where and when, and filters.

``provenance export`` writes what :func:`export_frame` returns. Compared with
the raw tables, ``pairs`` carries both sides' outlet, URL, title and
publication time and their cluster; ``articles``, ``lineage`` and ``credits``
carry the article's ``cluster_id`` (null for an article in no cluster), and
``pairs`` an ``override`` column (``reject``/``confirm`` where an editor said so).
Filters select rows by cluster, outlet and publication time; a pair matches
when either side does, since a pair is about both articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from .errors import InputError
from .store import EXPORTABLE, Store


@dataclass(frozen=True)
class Filters:
    """Which rows to export; ``None`` means no filter. Times are compared in UTC."""

    cluster: int | None = None
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.cluster, self.outlet, self.since, self.until))


#: Per-article condition on alias ``x`` (articles) and ``k`` (clusters), with its parameters.
def _article_cond(f: Filters, x: str = "x", k: str = "k") -> tuple[str, list[object]]:
    given = [(f.cluster, f"{k}.cluster_id = ?"), (f.outlet, f"{x}.outlet = ?"),
             (f.since, f"{x}.published_at >= ?"), (f.until, f"{x}.published_at < ?")]
    given = [(v, c) for v, c in given if v is not None]
    return (" AND ".join(c for _, c in given) or "TRUE"), [v for v, _ in given]


def _cols(table: str, alias: str) -> str:
    return ", ".join(f'{alias}."{c}"' for c in EXPORTABLE[table])


def export_frame(store: Store, table: str, filters: Filters | None = None) -> pl.DataFrame:
    """The rows of ``table`` to export, joined with what makes them readable alone, filtered."""
    f = filters or Filters()
    if table not in EXPORTABLE:
        raise InputError(f"unknown table {table!r}; tables: {', '.join(sorted(EXPORTABLE))}")
    cond, params = _article_cond(f)
    if table == "articles":
        sql = (f"SELECT {_cols('articles', 'x')}, k.cluster_id FROM articles x LEFT JOIN clusters k USING (doc) "
               f"WHERE {cond} ORDER BY x.doc")
    elif table == "pairs":
        ca, pa = _article_cond(f, "xa", "ka")
        cb, pb = _article_cond(f, "xb", "kb")
        side = ", ".join(f"{s}.{c} AS {p}_{c}" for p, s in (("a", "xa"), ("b", "xb"))
                         for c in ("outlet", "url", "title", "published_at"))
        sql = (f"SELECT {_cols('pairs', 'p')}, {side}, coalesce(ka.cluster_id, kb.cluster_id) AS cluster_id "
               "FROM pairs p JOIN articles xa ON xa.doc = p.a_doc JOIN articles xb ON xb.doc = p.b_doc "
               "LEFT JOIN clusters ka ON ka.doc = p.a_doc LEFT JOIN clusters kb ON kb.doc = p.b_doc "
               f"WHERE ({ca}) OR ({cb}) ORDER BY p.a_doc, p.b_doc")
        params = pa + pb
    elif table in ("clusters", "credits", "lineage"):
        cols = "t.*" if EXPORTABLE[table] == ["*"] else _cols(table, "t")
        extra = "" if table == "clusters" else ", k.cluster_id" if table == "credits" else ""
        order = "x.doc, t.span_start" if table == "credits" else "x.doc"
        sql = (f"SELECT {cols}{extra} FROM {table} t JOIN articles x USING (article_id) "
               f"LEFT JOIN clusters k ON k.doc = x.doc WHERE {cond} ORDER BY {order}")
    elif table == "external_nodes":
        if f.outlet is not None or f.since is not None or f.until is not None:
            raise InputError("external_nodes can be filtered by --cluster only")
        sql = "SELECT * FROM external_nodes" + (" WHERE cluster_id = ?" if f.cluster is not None else "")
        params = [f.cluster] if f.cluster is not None else []
        sql += " ORDER BY cluster_id, name"
    elif table == "cluster_events":
        from .history import CLUSTER_EVENTS

        if f.outlet is not None or f.since is not None or f.until is not None:
            raise InputError("cluster_events can be filtered by --cluster only")
        if not store.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'cluster_events'")["n"][0]:
            return pl.DataFrame(schema=CLUSTER_EVENTS)
        if f.cluster is not None:
            from .history import history

            return history(store, f.cluster)
        sql = "SELECT * FROM cluster_events ORDER BY ingest_id, cluster_id, event"
    elif table == "overrides":
        from .overrides import listing

        if f.any():
            raise InputError("overrides take no filters")
        return listing(store, include_removed=True)
    else:  # rejects: about input records, not articles
        if f.any():
            raise InputError(f"{table} rows are input records, not articles: they take no filters")
        return store.table(table)
    df = store.query(sql, params or None)
    return _mark_overridden(store, df) if table == "pairs" else df


def _mark_overridden(store: Store, pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs with an ``override`` column: ``reject`` or ``confirm`` when an editor said so, else null."""
    from .overrides import PAIR_KINDS, active

    ov = active(store).filter(pl.col("kind").is_in(PAIR_KINDS))
    keys = ov.select(pl.min_horizontal("subject", "object").alias("_lo"), pl.max_horizontal("subject", "object")
                     .alias("_hi"), pl.col("kind").alias("override")).unique(["_lo", "_hi"], keep="last")
    return (pairs.with_columns(pl.min_horizontal("a", "b").alias("_lo"), pl.max_horizontal("a", "b").alias("_hi"))
            .join(keys, on=["_lo", "_hi"], how="left", maintain_order="left").drop("_lo", "_hi"))
