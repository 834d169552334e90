"""Per-article and per-cluster status, precomputed for the dashboard: ``article_status``, one row per
article, and ``cluster_status``, one row per cluster.

Why: the dashboard's corpus-wide figures (reuse over time, agency-copy share per outlet, the agencies
list, an outlet's or an agency's profile) each need every article's cluster, lineage and agency
credits. Live, that is a join of ``articles`` to ``lineage`` (and ``credits``) on the text
``article_id``: about 0.2 s per query on a 1M store, paid by every such query of a page. This table
holds that join once, keyed by ``doc``, so those reads become a scan of one narrow table. The
clusters list and the largest and fastest-spreading clusters aggregate a million memberships per
view; ``cluster_status`` holds those aggregates (146k rows at 1M).

Correctness: the tables are a pure function of ``articles``, ``clusters``, ``lineage`` and ``credits``.
:func:`build` stamps it with the ``store_version`` it was built at (meta key
:data:`VERSION_KEY`); every write that changes those tables (an ingest batch, an override) bumps
``store_version``, so a table left behind by a write that did not rebuild it is simply not current,
and readers (:func:`is_current`) then compute live, as before. Compaction rewrites only the lookup
tables and changes no version. So the dashboard never shows a figure from a stale table.

When to build: once at the end of each ingest run, import and re-clean (:meth:`Store.refresh_summaries`,
its own transaction: a full rebuild per batch would cost a bulk ingest seconds per batch), inside the
transaction of an override change (``build(con)``), and once for a store written before these tables
existed: ``provenance dashboard`` builds them before serving when they are not current. Between a batch's
commit and the rebuild the tables are stale, so the dashboard computes live.

Incremental refresh: a full rebuild reads every article, lineage row and credit (4.7 s at 1M), which an
ingest of 10k articles into a 1M store paid whole. So each ingest batch also records, in its own
transaction, the docs whose rows it changed (:func:`record_changes`: the docs and article ids of the
rows it appends to or deletes from the tables above) in :data:`DIRTY`, and :func:`refresh` rebuilds
only those articles' rows and their clusters' (old and new) rows. It is exact only if every write since
the last build recorded its changes; :data:`DIRTY_KEY` holds the version up to which they did, and any
other write (an override, an import, a re-clean, a batch that empties a table) leaves it behind, so
:func:`refresh` falls back to a full build. ``tests/test_dashboard_summaries.py`` checks the refreshed
tables equal a full build.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl

#: The meta key holding the ``store_version`` the table was built at.
VERSION_KEY = "article_status_version"
#: The meta key holding the ``store_version`` up to which :data:`DIRTY` holds every doc whose rows changed
#: since the tables were built at :data:`VERSION_KEY`'s version.
DIRTY_KEY = "article_status_dirty_through"
#: The docs whose ``article_status`` rows are out of date (one column, ``doc``; duplicates allowed).
DIRTY = "summary_dirty"
TABLE = "article_status"
#: One row per cluster (of ``clusters``): its size, span, outlets, spread in its first 24 hours, lineage figures.
CLUSTERS = "cluster_status"

#: Lineage columns the table is built from (a store without them gets no table; the dashboard reads live).
_LINEAGE_COLS = ("article_id", "cluster_id", "parent_id", "parent_external", "origin_external", "via_agency",
                 "relation", "derivation", "credited", "lag_minutes", "evidence")
_CREDIT_COLS = ("article_id", "source", "kind")
#: The tables a status row is built from, and the column each names its article by.
_SOURCES = {"articles": "doc", "clusters": "doc", "lineage": "article_id", "credits": "article_id",
            "sourced": "article_id"}
#: Refresh in place while at most this share of the articles changed; above it a full build is cheaper.
_INCREMENTAL_SHARE = 0.25

#: One row per article. ``is_copy``, ``credit``, ``agency_copy`` and ``lag_minutes`` are the dashboard's
#: definitions (``dashboard.data._status_cols``); ``agencies`` is every agency the article credits or came
#: through (``dashboard.data._agency_article_cte``'s pairs, per article, sorted and distinct).
_SELECT = """
WITH cr AS (
    SELECT article_id, list(DISTINCT source ORDER BY source) AS credited_agencies
    FROM credits WHERE kind = 'agency' AND source IS NOT NULL {credits_filter} GROUP BY article_id
)
SELECT a.doc, a.article_id, a.outlet, a.published_at, c.cluster_id,
       CASE WHEN l.article_id IS NOT NULL THEN (l.parent_id IS NOT NULL OR l.parent_external IS NOT NULL)
            ELSE (c.cluster_id IS NOT NULL AND a.doc <> c.cluster_id) END AS is_copy,
       CASE WHEN l.credited IN ('credits_origin', 'credits_intermediary') THEN 'credited'
            WHEN l.credited IN ('uncredited', 'miscredited') THEN 'uncredited' END AS credit,
       coalesce(l.via_agency IS NOT NULL AND coalesce(l.derivation, '') <> 'non_derived'
                AND (l.parent_id IS NOT NULL OR l.parent_external IS NOT NULL), false) AS agency_copy,
       l.relation, l.derivation, l.via_agency, l.origin_external,
       CASE WHEN l.lag_minutes >= 0 THEN l.lag_minutes END AS lag_minutes,
       l.article_id IS NOT NULL AS has_lineage, l.cluster_id AS lineage_cluster_id,
       l.parent_id, l.parent_external, l.credited, p.outlet AS parent_outlet,
       coalesce(l.evidence LIKE '%"byline_mismatch"%', false) AS byline_mismatch,
       coalesce(cr.credited_agencies, []::VARCHAR[]) AS credited_agencies, {sourced_share} AS sourced_share,
       list_sort(list_distinct(list_concat(coalesce(cr.credited_agencies, []::VARCHAR[]),
                                           CASE WHEN l.via_agency IS NOT NULL THEN [l.via_agency]
                                                ELSE []::VARCHAR[] END))) AS agencies
FROM articles a
LEFT JOIN clusters c USING (doc)
LEFT JOIN lineage l ON l.article_id = a.article_id
LEFT JOIN articles p ON p.article_id = l.parent_id
LEFT JOIN cr ON cr.article_id = a.article_id
{sourced_join}
{articles_filter}
ORDER BY a.doc
"""


#: Built from ``article_status``. The figures are the dashboard's clusters list's and "fastest spreading"
#: ones (``dashboard.data.clusters_sql`` and ``top_clusters``); titles are not kept (the dashboard
#: reads them for the clusters it shows).
_SELECT_CLUSTERS = """
WITH m AS (SELECT cluster_id, outlet, published_at FROM article_status WHERE cluster_id IS NOT NULL {filter}),
g AS (
    SELECT cluster_id, count(*) AS size, count(DISTINCT outlet) AS outlets,
           min(published_at) AS first_seen, max(published_at) AS last_seen,
           round((epoch(max(published_at)) - epoch(min(published_at))) / 3600.0, 2) AS spread_hours
    FROM m GROUP BY cluster_id
),
w AS (
    SELECT m.cluster_id, count(DISTINCT m.outlet) AS outlets_24h, count(*) AS articles_24h,
           round((epoch(max(m.published_at)) - epoch(min(m.published_at))) / 3600.0, 2) AS hours_to_last
    FROM m JOIN g USING (cluster_id)
    WHERE m.published_at < g.first_seen + INTERVAL 24 HOUR
    GROUP BY m.cluster_id
),
lg AS (
    SELECT cluster_id, max(origin_external) AS origin_external,
           count(*) FILTER (WHERE (parent_id IS NOT NULL OR parent_external IS NOT NULL)
                            AND credited IN ('uncredited', 'miscredited')) AS uncredited
    FROM lineage {where_filter} GROUP BY cluster_id
)
SELECT g.*, w.outlets_24h, w.articles_24h, w.hours_to_last, lg.origin_external, coalesce(lg.uncredited, 0) AS uncredited
FROM g LEFT JOIN w USING (cluster_id) LEFT JOIN lg USING (cluster_id)
ORDER BY cluster_id
"""


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = current_schema()",
        [table]).fetchall()}


def buildable(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has what the table is built from (every table, lineage and credits columns)."""
    return (bool(_columns(con, "articles")) and bool(_columns(con, "clusters"))
            and set(_LINEAGE_COLS) <= _columns(con, "lineage") and set(_CREDIT_COLS) <= _columns(con, "credits"))


def _article_select(con: duckdb.DuckDBPyConnection, *, only_dirty: bool) -> str:
    """:data:`_SELECT` for every article, or for the docs of the temporary table ``_dd`` (doc, article_id)."""
    # the share of each article's words found in earlier articles (provenance.detect.sourced), where measured
    has_sourced = {"article_id", "sourced_share"} <= _columns(con, "sourced")
    return _SELECT.format(
        sourced_share="so.sourced_share" if has_sourced else "CAST(NULL AS DOUBLE)",
        sourced_join="LEFT JOIN sourced so ON so.article_id = a.article_id" if has_sourced else "",
        credits_filter="AND article_id IN (SELECT article_id FROM _dd)" if only_dirty else "",
        articles_filter="WHERE a.doc IN (SELECT doc FROM _dd)" if only_dirty else "")


def _stamp(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the tables current at the store's version, with no change pending."""
    version = con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchall()
    v = version[0][0] if version else "0"
    con.execute(f"CREATE TABLE IF NOT EXISTS {DIRTY} (doc BIGINT)")
    con.execute(f"DELETE FROM {DIRTY}")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [VERSION_KEY, v])
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [DIRTY_KEY, v])


def build(con: duckdb.DuckDBPyConnection) -> bool:
    """(Re)build ``article_status`` on a writer connection and stamp it with the current ``store_version``.

    Run it inside the transaction that wrote the batch (after the version bump), so the table and its
    stamp commit with the rows they describe. Without the source tables (an empty or older store) it
    drops a leftover table and returns False.
    """
    if not buildable(con):
        con.execute(f"DROP TABLE IF EXISTS {TABLE}")
        con.execute(f"DROP TABLE IF EXISTS {CLUSTERS}")
        con.execute(f"DROP TABLE IF EXISTS {DIRTY}")
        con.execute("DELETE FROM meta WHERE key IN (?, ?)", [VERSION_KEY, DIRTY_KEY])
        return False
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS {_article_select(con, only_dirty=False)}")
    con.execute(f"CREATE OR REPLACE TABLE {CLUSTERS} AS {_SELECT_CLUSTERS.format(filter='', where_filter='')}")
    _stamp(con)
    return True


def changed_keys(batch: Mapping[str, pl.DataFrame],
                 deletes: Mapping[str, tuple[str, pl.Series] | pl.DataFrame | None]) -> tuple[pl.Series, pl.Series] | None:
    """(docs, article ids) whose status rows a :meth:`Store.write_batch` changes: the keys of the rows it
    appends to or deletes from the tables they are built from. None when that cannot be told (a table
    emptied, articles deleted, rows keyed otherwise): the next refresh is then a full build."""
    docs: list[pl.Series] = []
    ids: list[pl.Series] = []
    for table, col in _SOURCES.items():
        df = batch.get(table)
        if df is not None and df.height:
            if col not in df.columns:
                return None
            (docs if col == "doc" else ids).append(df[col])
        if table not in deletes:
            continue
        spec = deletes[table]
        if table == "articles" or spec is None:
            return None
        if isinstance(spec, pl.DataFrame):
            if col not in spec.columns:
                return None
            values = spec[col]
        else:
            if spec[0] != col:
                return None
            values = spec[1]
        (docs if col == "doc" else ids).append(values)
    doc_s = pl.concat([d.cast(pl.Int64) for d in docs]) if docs else pl.Series("doc", [], dtype=pl.Int64)
    id_s = pl.concat([i.cast(pl.String) for i in ids]) if ids else pl.Series("article_id", [], dtype=pl.String)
    return doc_s.unique().rename("doc"), id_s.unique().rename("article_id")


def record_changes(con: duckdb.DuckDBPyConnection, meta: Mapping[str, str], version: int,
                   batch: Mapping[str, pl.DataFrame],
                   deletes: Mapping[str, tuple[str, pl.Series] | pl.DataFrame | None]) -> None:
    """Inside a batch's transaction (after its writes, ``meta`` as read before them): add the docs it
    changed (:func:`changed_keys`) to :data:`DIRTY` and move :data:`DIRTY_KEY` to ``version``, if every
    earlier write since the last build did the same. Otherwise, or when the changes cannot be told, leave
    :data:`DIRTY_KEY` behind, so the next refresh is a full build."""
    if VERSION_KEY not in meta or meta.get(DIRTY_KEY) != meta.get("store_version") or not _columns(con, DIRTY):
        return
    keys = changed_keys(batch, deletes)
    if keys is None:
        return
    docs, ids = keys
    con.register("_sd_docs", pl.DataFrame({"doc": docs}).to_arrow())
    con.register("_sd_ids", pl.DataFrame({"article_id": ids}).to_arrow())
    try:
        con.execute(f"INSERT INTO {DIRTY} SELECT doc FROM _sd_docs "
                    "UNION SELECT a.doc FROM articles a JOIN _sd_ids USING (article_id)")
    finally:
        con.unregister("_sd_docs")
        con.unregister("_sd_ids")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [DIRTY_KEY, str(version)])


def refresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring the tables up to the store's version on a writer connection: rebuild only the rows of the
    docs in :data:`DIRTY` and of their clusters when every write since the last build recorded its
    changes, else :func:`build`. Returns whether the tables exist afterwards."""
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    present = {TABLE, CLUSTERS, DIRTY} <= ({r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()").fetchall()})
    if not (present and buildable(con) and VERSION_KEY in meta and meta.get(DIRTY_KEY) == meta.get("store_version")):
        return build(con)
    if meta.get(VERSION_KEY) == meta.get("store_version"):
        return True
    con.execute(f"CREATE OR REPLACE TEMP TABLE _dd AS SELECT a.doc, a.article_id FROM articles a "
                f"WHERE a.doc IN (SELECT doc FROM {DIRTY})")
    n, total = con.execute("SELECT (SELECT count(*) FROM _dd), (SELECT count(*) FROM articles)").fetchall()[0]
    if n > _INCREMENTAL_SHARE * total:
        con.execute("DROP TABLE _dd")
        return build(con)
    # every cluster a changed doc was or is in (the clusters list's and the lineage's ids), before and after
    cluster_ids = f"""SELECT unnest([cluster_id, lineage_cluster_id]) AS cluster_id FROM {TABLE}
                      WHERE doc IN (SELECT doc FROM _dd)"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _dc AS {cluster_ids}")
    con.execute(f"DELETE FROM {TABLE} WHERE doc IN (SELECT doc FROM _dd)")
    con.execute(f"INSERT INTO {TABLE} {_article_select(con, only_dirty=True)}")
    con.execute(f"INSERT INTO _dc {cluster_ids}")
    con.execute(f"DELETE FROM {CLUSTERS} WHERE cluster_id IN (SELECT cluster_id FROM _dc)")
    con.execute(f"INSERT INTO {CLUSTERS} " + _SELECT_CLUSTERS.format(
        filter="AND cluster_id IN (SELECT cluster_id FROM _dc)",
        where_filter="WHERE cluster_id IN (SELECT cluster_id FROM _dc)"))
    con.execute("DROP TABLE _dd")
    con.execute("DROP TABLE _dc")
    _stamp(con)
    return True


def is_current(meta: dict[str, str], tables: set[str] | dict[str, object]) -> bool:
    """Whether ``article_status`` and ``cluster_status`` describe the store as it is (built at its current
    ``store_version``)."""
    return TABLE in tables and CLUSTERS in tables and VERSION_KEY in meta and meta.get(VERSION_KEY) == meta.get("store_version")
