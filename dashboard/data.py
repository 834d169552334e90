"""Everything the dashboard reads from the store, and the only cached layer.

Every cached function takes ``(path, version, ...)``: the store file and its
``store_version`` from ``meta``, which every ingest bumps in the same
transaction as its rows. A new ingest therefore invalidates every cached
answer without any timer, and an unchanged store is never queried twice for
the same thing.

Reads open the file read-only, run their SQL and close it, so an ingest in
another process is locked out for milliseconds at most. While an ingest
holds the write lock, a read waits :data:`READ_WAIT_S` seconds, then raises
:class:`StoreBusy`; the app shows "the store is being updated" and retries.

Pages never load a table whole: lists are SQL aggregates with LIMIT/OFFSET,
and a cluster shows at most :data:`MAX_MEMBERS` members. User input reaches
SQL only as bound parameters; sort columns come from a whitelist.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC as _UTC
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import polars as pl
import streamlit as st

from provenance import summaries
from provenance.errors import ProvenanceError, StoreError
from provenance.store import DEFAULT_STORE, STORE_ENV, Store, frame

#: How long one read waits for a writer before the app says "being updated".
READ_WAIT_S = 4.0
#: Members shown for one cluster (the rest are counted, not loaded).
MAX_MEMBERS = 500
#: Pairs loaded for one cluster's evidence.
MAX_PAIRS = 5000
#: Options offered in the outlet filter (most prolific first).
MAX_OUTLET_OPTIONS = 5000
#: Largest text accepted by the search page (characters).
MAX_SEARCH_CHARS = 200_000


class DashboardError(Exception):
    """A condition the app shows as a message instead of a traceback."""


class StoreMissing(DashboardError):
    pass


class StoreBusy(DashboardError):
    pass


class StoreUnreadable(DashboardError):
    pass


# -- the store path ------------------------------------------------------------------------------


def store_path() -> Path:
    """The store to show: ``--store PATH`` after ``--`` on the streamlit command line, else
    ``$PROVENANCE_STORE``, else ``provenance.duckdb`` in the working directory."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--store" and i + 1 < len(argv):
            return Path(argv[i + 1]).expanduser().resolve()
        if arg.startswith("--store="):
            return Path(arg.split("=", 1)[1]).expanduser().resolve()
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE).expanduser().resolve()


@st.cache_resource(max_entries=8, show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def _is_lock(e: BaseException) -> bool:
    s = str(e).lower()
    return "lock" in s or "conflicting" in s


@contextmanager
def _connect(path: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short read-only connection; open failures become StoreBusy/StoreUnreadable.

    Errors raised by the caller's queries are not translated: they are bugs
    (or a store from another version) and should say so.
    """
    store = _store(path)
    if not store.exists():
        raise StoreMissing(path)
    cm = store.reader(wait_s=READ_WAIT_S)
    try:
        con = cm.__enter__()
    except (StoreError, duckdb.Error) as e:
        if _is_lock(e):
            raise StoreBusy(str(e)) from e
        raise StoreUnreadable(str(e)) from e
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        cm.__exit__(None, None, None)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
    """The store's one duckdb -> polars step (:func:`provenance.store.frame`)."""
    return frame(con, sql, list(params) if params else None)


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
    """The first row of a query (DuckDB 2 wants every result consumed before the next statement)."""
    rows = con.execute(sql, list(params) if params else []).fetchall()
    return rows[0] if rows else ()


def concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """The results of a page's independent reads, run at once (one thread each), in the order given.

    Each read opens its own read-only connection; DuckDB shares one database instance between them
    and runs their queries side by side, so a page waits for its slowest read instead of their sum
    (most of a query's time is spent in phases one core runs: scans of one row group, hash-table
    building, the conversion to polars). The threads carry the page's script context, so cached reads
    are cached as when called from the page; the first exception is raised here once all are done.
    """
    if len(calls) < 2:
        return [c() for c in calls]
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)

    def run(call: Callable[[], Any]) -> Any:
        if ctx is not None:
            add_script_run_ctx(threading.current_thread(), ctx)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="provenance-read") as pool:
        futures = [pool.submit(run, c) for c in calls]
        wait(futures)
    return [f.result() for f in futures]


class _AtOnce:
    """Queries on one connection run side by side, each on its own cursor in a thread: ``q(sql, params)``
    starts one and returns its future frame. Leaving the ``with`` block waits for all of them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, workers: int = 4) -> None:
        self.con = con
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="provenance-query")

    def __enter__(self) -> _AtOnce:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True)

    def __call__(self, sql: str, params: Sequence[Any] | None = None) -> Future[pl.DataFrame]:
        return self.pool.submit(self._run, sql, params)

    def _run(self, sql: str, params: Sequence[Any] | None) -> pl.DataFrame:
        cur = self.con.cursor()
        try:
            cur.execute("SET TimeZone = 'UTC'")
            return _frame(cur, sql, params)
        finally:
            cur.close()


def _read(path: str, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
    with _connect(path) as con:
        return _frame(con, sql, params)


# -- what is in the store ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreInfo:
    path: str
    version: int
    updated_at: str | None
    tables: dict[str, tuple[str, ...]]
    articles: int = 0
    #: ``article_status`` (:mod:`provenance.summaries`) was built at this version: read it instead of joins.
    status: bool = False

    @property
    def ready(self) -> bool:
        return "articles" in self.tables and "clusters" in self.tables and self.articles > 0

    def has(self, table: str, *columns: str) -> bool:
        cols = self.tables.get(table)
        return cols is not None and all(c in cols for c in columns)


def store_info(path: str | Path) -> StoreInfo:
    """The store's version and tables (not cached: this is what the cache is keyed on)."""
    path = str(path)
    with _connect(path) as con:
        cols = _frame(
            con,
            "SELECT table_name, list(column_name ORDER BY ordinal_position) AS cols "
            "FROM information_schema.columns WHERE table_schema = 'main' GROUP BY table_name",
        )
        tables = {r["table_name"]: tuple(r["cols"]) for r in cols.iter_rows(named=True)}
        meta: dict[str, str] = {}
        if "meta" in tables:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        articles = _row(con, "SELECT count(*) FROM articles")[0] if "articles" in tables else 0
    try:
        version = int(meta.get("store_version", 0))
    except ValueError:
        version = 0
    return StoreInfo(path=path, version=version, updated_at=meta.get("updated_at"), tables=tables,
                     articles=int(articles), status=summaries.is_current(meta, tables))


@st.cache_data(max_entries=32, show_spinner=False)
def _info(path: str, version: int) -> StoreInfo:
    return store_info(path)


def _has_lineage(info: StoreInfo) -> bool:
    return info.has("lineage", "article_id", "parent_id", "parent_external", "credited")


def _has_credits(info: StoreInfo) -> bool:
    return info.has("credits", "article_id", "source", "kind", "role")


#: lineage ``credited`` values that mean the copy names its source (or the agency it came through).
CREDITED = ("credits_origin", "credits_intermediary")
#: ... and those that mean it does not (miscredited: it names someone else).
UNCREDITED = ("uncredited", "miscredited")

_LINEAGE_TYPES = {
    "parent_id": "VARCHAR", "parent_external": "VARCHAR", "origin_id": "VARCHAR", "origin_external": "VARCHAR",
    "depth": "INTEGER", "via_agency": "VARCHAR", "relation": "VARCHAR", "derivation": "VARCHAR",
    "credited": "VARCHAR", "lag_minutes": "DOUBLE", "confidence": "DOUBLE", "evidence": "VARCHAR",
}


def _l(info: StoreInfo, col: str) -> str:
    """``l.col`` if the lineage table has it, else a typed NULL (older or partial stores)."""
    if _has_lineage(info) and info.has("lineage", col):
        return f"l.{col}"
    return f"NULL::{_LINEAGE_TYPES[col]}"


def _status_cols(info: StoreInfo) -> str:
    """Per-article status columns over aliases ``a`` (articles), ``c`` (clusters), ``l`` (lineage).

    ``is_copy``: with lineage, the article has a parent (an article, or an
    agency or source outside the corpus); without lineage, it is a cluster
    member other than the earliest published.
    ``credit``: credited / uncredited / null (unknown or not a copy).
    ``agency_copy``: a copy derived from an agency's story (lineage's
    ``via_agency``), as in :mod:`provenance.trace.analytics`.
    """
    window = (
        "(c.cluster_id IS NOT NULL AND row_number() OVER ("
        "PARTITION BY c.cluster_id ORDER BY a.published_at NULLS LAST, a.doc) > 1)"
    )
    # Articles lineage has not reached (a store written before lineage existed): members other than
    # the first stored (cluster ids are the smallest doc) count as copies. No window: it would be
    # computed over the whole corpus and stop filters from being pushed down.
    cheap = "(c.cluster_id IS NOT NULL AND a.doc <> c.cluster_id)"
    if _has_lineage(info):
        is_copy = (f"CASE WHEN l.article_id IS NOT NULL THEN (l.parent_id IS NOT NULL OR "
                   f"{_l(info, 'parent_external')} IS NOT NULL) ELSE {cheap} END")
        credit = (f"CASE WHEN l.credited IN {CREDITED} THEN 'credited' "
                  f"WHEN l.credited IN {UNCREDITED} THEN 'uncredited' END")
        agency_copy = (f"coalesce({_l(info, 'via_agency')} IS NOT NULL AND "
                       f"coalesce({_l(info, 'derivation')}, '') <> 'non_derived' AND "
                       f"(l.parent_id IS NOT NULL OR {_l(info, 'parent_external')} IS NOT NULL), false)")
    else:
        is_copy, credit, agency_copy = window, "NULL::VARCHAR", "false"
    return (
        f"{is_copy} AS is_copy, {credit} AS credit, {agency_copy} AS agency_copy, "
        f"{_l(info, 'relation')} AS relation, {_l(info, 'derivation')} AS derivation, "
        f"{_l(info, 'via_agency')} AS via_agency, {_l(info, 'origin_external')} AS origin_external, "
        # A negative lag (a copy dated before its source, in stores written before lineage nulled
        # them) is a contradiction, not a speed.
        f"CASE WHEN {_l(info, 'lag_minutes')} >= 0 THEN {_l(info, 'lag_minutes')} END AS lag_minutes"
    )


def _lineage_join(info: StoreInfo) -> str:
    return "LEFT JOIN lineage l ON l.article_id = a.article_id" if _has_lineage(info) else ""


#: ``s``'s columns, as :data:`provenance.summaries.TABLE` holds them.
_S_COLS = ("cluster_id, doc, article_id, outlet, published_at, is_copy, credit, agency_copy, relation, derivation, "
           "via_agency, origin_external, lag_minutes")


def _articles_cte(info: StoreInfo) -> str:
    """``s``: every article with its status; ``cluster_id`` null outside clusters."""
    if info.status:
        return f"s AS (SELECT {_S_COLS} FROM {summaries.TABLE})"
    return f"""
        s AS (
            SELECT c.cluster_id, a.doc, a.article_id, a.outlet, a.published_at, a.title, {_status_cols(info)}
            FROM articles a LEFT JOIN clusters c USING (doc) {_lineage_join(info)}
        )"""


def _agency_article_cte(info: StoreInfo, within: str | None = None) -> str:
    """``ag``: (article_id, source) for every agency an article credits or came through (of the articles
    of relation ``within`` only, when given)."""
    only = f" AND article_id IN (SELECT article_id FROM {within})" if within else ""
    parts = []
    if _has_credits(info):
        parts.append(f"SELECT article_id, source FROM credits WHERE kind = 'agency' AND source IS NOT NULL{only}")
    if _has_lineage(info) and info.has("lineage", "via_agency"):
        parts.append(f"SELECT article_id, via_agency AS source FROM lineage WHERE via_agency IS NOT NULL{only}")
    if not parts:
        return "ag AS (SELECT NULL::VARCHAR AS article_id, NULL::VARCHAR AS source WHERE false)"
    return f"ag AS ({' UNION '.join(parts)})"


def _agency_sources_sql(info: StoreInfo) -> str:
    """Every agency some article credits or came through, with repeats (``ag``'s sources without its
    de-duplication of (article, agency) pairs: counting distinct agencies needs none, and skipping it
    spares a hash of a million article ids, 0.5 s on a 1M store)."""
    parts = []
    if _has_credits(info):
        parts.append("SELECT source FROM credits WHERE kind = 'agency' AND source IS NOT NULL")
    if _has_lineage(info) and info.has("lineage", "via_agency"):
        parts.append("SELECT via_agency AS source FROM lineage WHERE via_agency IS NOT NULL")
    return " UNION ALL ".join(parts) if parts else "SELECT NULL::VARCHAR AS source WHERE false"


# -- overview ------------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def overview(path: str, version: int) -> dict[str, Any]:
    info = _info(path, version)
    if not info.ready:
        return {"articles": 0}
    with _connect(path) as con:
        base = _frame(
            con,
            "SELECT count(*) AS articles, count(DISTINCT outlet) AS outlets, "
            "min(published_at) AS first_published, max(published_at) AS last_published FROM articles",
        ).row(0, named=True)
        cl = _frame(
            con, "SELECT count(DISTINCT cluster_id) AS clusters, count(*) AS clustered FROM clusters"
        ).row(0, named=True)
        if _has_lineage(info):
            # Lineage has one row per article: count straight from it (no join over the corpus).
            pext = _l(info, "parent_external").replace("l.", "")
            copies = _frame(
                con,
                f"SELECT count(*) FILTER (WHERE parent_id IS NOT NULL OR {pext} IS NOT NULL) AS copies, "
                f"count(*) FILTER (WHERE (parent_id IS NOT NULL OR {pext} IS NOT NULL) AND credited IN {UNCREDITED}) "
                "AS uncredited, "
                f"count(*) FILTER (WHERE (parent_id IS NOT NULL OR {pext} IS NOT NULL) AND credited IN {CREDITED}) "
                "AS credited FROM lineage",
            ).row(0, named=True)
        else:
            copies = {"copies": cl["clustered"] - cl["clusters"], "uncredited": 0, "credited": 0}
        agencies = _row(con, f"SELECT count(DISTINCT source) FROM ({_agency_sources_sql(info)})")[0]
        pairs = _row(con, "SELECT count(*) FROM pairs")[0] if "pairs" in info.tables else 0
    out = {**base, **cl, **copies, "agencies": int(agencies), "pairs": int(pairs)}
    out["copy_share"] = (out["copies"] / out["articles"]) if out["articles"] else 0.0
    out["has_lineage"] = _has_lineage(info)
    out["has_credits"] = _has_credits(info)
    return out


def _grain(first: datetime | None, last: datetime | None) -> str:
    if first is None or last is None:
        return "day"
    span = last - first
    if span > timedelta(days=730):
        return "month"
    if span > timedelta(days=120):
        return "week"
    if span < timedelta(days=3):
        return "hour"
    return "day"


def _bucket(grain: str, col: str) -> str:
    """SQL for the start of ``col``'s period (UTC). Arithmetic on epoch seconds, which is several
    times faster than time-zone-aware date_trunc on a million rows; weeks start on Monday."""
    step = {"hour": 3600, "day": 86400}.get(grain)
    if step:
        return f"to_timestamp(floor(epoch({col}) / {step}) * {step})"
    if grain == "week":
        monday = 4 * 86400  # the epoch began on a Thursday
        return f"to_timestamp(floor((epoch({col}) - {monday}) / 604800) * 604800 + {monday})"
    return f"date_trunc('month', {col}::TIMESTAMP)::TIMESTAMPTZ"


#: Kinds of article in the over-time charts, in stacking order.
KINDS = ["reused copy", "origin of a cluster", "not reused"]


def _agency_articles_sql(info: StoreInfo) -> str:
    """A subquery of the article ids that credit agency ``?`` or came through it (one ``?`` per branch)."""
    parts = []
    if _has_credits(info):
        parts.append("SELECT article_id FROM credits WHERE kind = 'agency' AND source = ?")
    if _has_lineage(info) and info.has("lineage", "via_agency"):
        parts.append("SELECT article_id FROM lineage WHERE via_agency = ?")
    return " UNION ALL ".join(parts) if parts else "SELECT NULL::VARCHAR WHERE false"


@st.cache_data(max_entries=32, show_spinner=False)
def reuse_over_time(path: str, version: int, outlet: str | None = None, agency: str | None = None) -> pl.DataFrame:
    """(period, kind, articles, grain): reused copies, cluster origins and the rest per period."""
    info = _info(path, version)
    schema = {"period": pl.Datetime("us", "UTC"), "kind": pl.String, "articles": pl.Int64, "grain": pl.String}
    if not info.ready:
        return pl.DataFrame(schema=schema)
    where, params = ["a.published_at IS NOT NULL"], []
    if outlet is not None:
        where.append("a.outlet = ?")
        params.append(outlet)
    if agency is not None and info.status:
        where.append("list_contains(a.agencies, ?)")
        params.append(agency)
    elif agency is not None:
        sub = _agency_articles_sql(info)
        where.append(f"a.article_id IN ({sub})")
        params.extend([agency] * sub.count("?"))
    cond = " AND ".join(where)
    # With ``article_status`` current, one scan of it; else the articles joined to clusters and lineage.
    table = summaries.TABLE if info.status else "articles"
    s_cte = (f"s AS (SELECT cluster_id, published_at, is_copy FROM {table} a WHERE {cond})" if info.status else f"""
            s AS (
                SELECT c.cluster_id, a.doc, a.article_id, a.outlet, a.published_at, a.title, {_status_cols(info)}
                FROM (SELECT * FROM articles a WHERE {cond}) a
                LEFT JOIN clusters c USING (doc) {_lineage_join(info)}
            )""")
    with _connect(path) as con:
        span = _row(con, f"SELECT min(a.published_at), max(a.published_at) FROM {table} a WHERE {cond}", params)
        grain = _grain(span[0], span[1])
        df = _frame(
            con,
            f"""
            WITH {s_cte}
            SELECT {_bucket(grain, "s.published_at")} AS period,
                   CASE WHEN s.is_copy THEN 'reused copy'
                        WHEN s.cluster_id IS NOT NULL THEN 'origin of a cluster'
                        ELSE 'not reused' END AS kind,
                   count(*) AS articles
            FROM s GROUP BY ALL ORDER BY period, kind
            """,
            params,
        )
    return df.with_columns(pl.lit(grain).alias("grain"))


class ClusterQuery(NamedTuple):
    """Filters of the clusters list; every field is bound as a parameter, never formatted."""

    outlets: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    title: str = ""
    date_from: date | None = None
    date_to: date | None = None
    min_size: int = 2


SORTS = {
    "size": "size",
    "outlets": "outlets",
    "first seen": "first_seen",
    "spread time": "spread_hours",
    "uncredited copies": "uncredited",
    "cluster id": "cluster_id",
}


def clusters_sql(
    info: StoreInfo, q: ClusterQuery, *, sort: str, descending: bool, limit: int, offset: int
) -> tuple[str, list[Any]]:
    """The clusters-list SQL and its parameters (one page, plus the total in ``total_rows``).

    Per-cluster figures come from ``clusters`` joined to ``articles`` on the
    integer ``doc``; lineage figures are aggregated on lineage's own
    ``cluster_id``, so no text-keyed join over the corpus is needed; agencies
    are looked up for the page's clusters only.
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    order = SORTS[sort]
    direction = "DESC" if descending else "ASC"
    lin = _has_lineage(info) and info.has("lineage", "cluster_id")
    if info.status:
        return _clusters_sql_status(q, order=order, direction=direction, limit=limit, offset=offset)
    params: list[Any] = []
    preds: list[str] = []
    if q.outlets:
        preds.append(
            "c.cluster_id IN (SELECT c2.cluster_id FROM clusters c2 JOIN articles a2 USING (doc) "
            "WHERE a2.outlet IN (SELECT unnest(?::VARCHAR[])))"
        )
        params.append(list(q.outlets))
    if q.agencies:
        sub = []
        if _has_credits(info):
            sub.append("SELECT c3.cluster_id FROM clusters c3 JOIN credits cr ON cr.article_id = c3.article_id "
                       "WHERE cr.kind = 'agency' AND cr.source IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(q.agencies))
        if lin and info.has("lineage", "via_agency", "origin_external"):
            sub.append("SELECT cluster_id FROM lineage WHERE via_agency IN (SELECT unnest(?::VARCHAR[])) "
                       "OR origin_external IN (SELECT unnest(?::VARCHAR[]))")
            params.extend([list(q.agencies), list(q.agencies)])
        preds.append(f"c.cluster_id IN ({' UNION '.join(sub)})" if sub else "false")
    if q.relations:
        if lin and info.has("lineage", "relation"):
            preds.append("c.cluster_id IN (SELECT cluster_id FROM lineage WHERE relation IN (SELECT unnest(?::VARCHAR[])))")
            params.append(list(q.relations))
        else:
            preds.append("false")
    if q.title.strip():
        preds.append(
            "c.cluster_id IN (SELECT c4.cluster_id FROM clusters c4 JOIN articles a4 USING (doc) "
            "WHERE contains(lower(a4.title), lower(?)))"
        )
        params.append(q.title.strip())
    having = ["count(*) >= ?"]
    having_params: list[Any] = [int(q.min_size)]
    if q.date_from is not None:
        having.append("min(a.published_at) >= ?")
        having_params.append(datetime.combine(q.date_from, time.min, tzinfo=_UTC))
    if q.date_to is not None:
        having.append("min(a.published_at) < ?")
        having_params.append(datetime.combine(q.date_to + timedelta(days=1), time.min, tzinfo=_UTC))
    where = ("WHERE " + " AND ".join(preds)) if preds else ""
    # Two phases: ``base`` has one row per matching cluster but only what the filters and the sort need
    # (timestamps and counts); titles, first outlets, distinct outlets and lineage figures, which read
    # strings, are computed for the page's clusters only (on a 1M store: 1.1 s -> 0.3 s for a page).
    base_outlets = order == "outlets"
    base_lineage = lin and order == "uncredited"
    oext = "origin_external" if info.has("lineage", "origin_external") else "NULL::VARCHAR"
    pext = "parent_external" if info.has("lineage", "parent_external") else "NULL::VARCHAR"

    def lineage_agg(scope: str) -> str:
        return (f"SELECT cluster_id, max({oext}) AS origin_external, "
                f"count(*) FILTER (WHERE (parent_id IS NOT NULL OR {pext} IS NOT NULL) "
                f"AND credited IN {UNCREDITED}) AS uncredited "
                f"FROM lineage WHERE cluster_id IN (SELECT cluster_id FROM {scope}) GROUP BY cluster_id")

    ctes = [f"""base AS (
        SELECT c.cluster_id,
               count(*) AS size,
               {"count(DISTINCT a.outlet) AS outlets," if base_outlets else ""}
               min(a.published_at) AS first_seen,
               max(a.published_at) AS last_seen,
               round((epoch(max(a.published_at)) - epoch(min(a.published_at))) / 3600.0, 2) AS spread_hours
        FROM clusters c JOIN articles a USING (doc) {where}
        GROUP BY c.cluster_id
        HAVING {' AND '.join(having)}
    )"""]
    if base_lineage:
        ctes.append(f"lagg AS ({lineage_agg('base')})")
        ctes.append(f"""page AS (
        SELECT base.*, coalesce(lagg.uncredited, 0) AS uncredited, lagg.origin_external, count(*) OVER () AS total_rows
        FROM base LEFT JOIN lagg USING (cluster_id)
        ORDER BY {order} {direction} NULLS LAST, cluster_id
        LIMIT ? OFFSET ?
    )""")
    else:
        ctes.append(f"""page AS (
        SELECT base.*, count(*) OVER () AS total_rows FROM base
        ORDER BY {order} {direction} NULLS LAST, cluster_id
        LIMIT ? OFFSET ?
    )""")
    ctes.append(f"""pa AS (
        SELECT c.cluster_id,
               coalesce(arg_min(a.title, a.published_at), any_value(a.title)) AS title,
               coalesce(arg_min(a.outlet, a.published_at), any_value(a.outlet)) AS first_outlet
               {"" if base_outlets else ", count(DISTINCT a.outlet) AS outlets"}
        FROM clusters c JOIN articles a USING (doc)
        WHERE c.cluster_id IN (SELECT cluster_id FROM page)
        GROUP BY c.cluster_id
    )""")
    outlets_col = "page.outlets" if base_outlets else "pa.outlets"
    if base_lineage:
        origin = "coalesce(page.origin_external, pa.first_outlet) AS origin"
        uncredited = "page.uncredited"
    elif lin:
        ctes.append(f"plag AS ({lineage_agg('page')})")
        origin = "coalesce(plag.origin_external, pa.first_outlet) AS origin"
        uncredited = "coalesce(plag.uncredited, 0) AS uncredited"
    else:
        origin = "pa.first_outlet AS origin"
        uncredited = "NULL::BIGINT AS uncredited"
    plag_join = "LEFT JOIN plag USING (cluster_id)" if lin and not base_lineage else ""
    agency_parts = []
    if _has_credits(info):
        agency_parts.append("SELECT pm.cluster_id, cr.source FROM pm JOIN credits cr ON cr.article_id = pm.article_id "
                            "WHERE cr.kind = 'agency' AND cr.source IS NOT NULL")
    if lin and info.has("lineage", "via_agency"):
        agency_parts.append("SELECT cluster_id, via_agency FROM lineage "
                            "WHERE cluster_id IN (SELECT cluster_id FROM page) AND via_agency IS NOT NULL")
    ctes.append("pm AS (SELECT cx.cluster_id, cx.article_id FROM clusters cx WHERE cx.cluster_id IN "
                "(SELECT cluster_id FROM page))")
    ctes.append("pag AS (SELECT cluster_id, string_agg(DISTINCT source, ', ' ORDER BY source) AS agencies FROM ("
                f"{' UNION '.join(agency_parts) if agency_parts else 'SELECT NULL::BIGINT, NULL::VARCHAR WHERE false'}"
                ") t(cluster_id, source) GROUP BY cluster_id)")
    sql = f"""
    WITH {', '.join(ctes)}
    SELECT page.cluster_id, pa.title, page.size, {outlets_col} AS outlets, pag.agencies, {origin},
           page.first_seen, page.last_seen, page.spread_hours, {uncredited}, page.total_rows
    FROM page LEFT JOIN pa USING (cluster_id) {plag_join} LEFT JOIN pag USING (cluster_id)
    ORDER BY {order} {direction} NULLS LAST, cluster_id
    """
    return sql, [*params, *having_params, int(limit), int(offset)]


def _page_strings_ctes() -> list[str]:
    """``pa`` (title and first outlet) and ``pag`` (agencies) of the clusters of ``page`` (``pag`` from
    ``article_status``: each member's credited agencies, each lineage row's agency)."""
    st_ = summaries.TABLE
    return [
        """pa AS (
        SELECT c.cluster_id,
               coalesce(arg_min(a.title, a.published_at), any_value(a.title)) AS title,
               coalesce(arg_min(a.outlet, a.published_at), any_value(a.outlet)) AS first_outlet
        FROM clusters c JOIN articles a USING (doc)
        WHERE c.cluster_id IN (SELECT cluster_id FROM page)
        GROUP BY c.cluster_id
    )""",
        "pag AS (SELECT cluster_id, string_agg(DISTINCT source, ', ' ORDER BY source) AS agencies FROM ("
        f"SELECT cluster_id, unnest(credited_agencies) FROM {st_} WHERE cluster_id IN (SELECT cluster_id FROM page) "
        f"UNION SELECT lineage_cluster_id, via_agency FROM {st_} "
        "WHERE lineage_cluster_id IN (SELECT cluster_id FROM page) AND via_agency IS NOT NULL"
        ") t(cluster_id, source) GROUP BY cluster_id)",
    ]


def _clusters_sql_status(q: ClusterQuery, *, order: str, direction: str, limit: int, offset: int
                         ) -> tuple[str, list[Any]]:
    """:func:`clusters_sql` over ``cluster_status`` and ``article_status`` (current: lineage and credits
    present). The same rows: each filter names the same clusters (memberships from ``article_status``,
    lineage's clusters from its ``lineage_cluster_id``), and every figure but the title and first outlet
    is the cluster's row; those two, and the agencies, are read for the page's clusters as live."""
    st_ = summaries.TABLE
    preds = ["size >= ?"]
    params: list[Any] = [int(q.min_size)]
    if q.outlets:
        preds.append(f"cluster_id IN (SELECT cluster_id FROM {st_} WHERE cluster_id IS NOT NULL "
                     "AND outlet IN (SELECT unnest(?::VARCHAR[])))")
        params.append(list(q.outlets))
    if q.agencies:
        preds.append(f"cluster_id IN (SELECT cluster_id FROM {st_} WHERE cluster_id IS NOT NULL "
                     f"AND list_has_any(credited_agencies, ?::VARCHAR[]) UNION "
                     f"SELECT lineage_cluster_id FROM {st_} WHERE has_lineage AND "
                     "(via_agency IN (SELECT unnest(?::VARCHAR[])) OR origin_external IN (SELECT unnest(?::VARCHAR[]))))")
        params.extend([list(q.agencies)] * 3)
    if q.relations:
        preds.append(f"cluster_id IN (SELECT lineage_cluster_id FROM {st_} WHERE has_lineage "
                     "AND relation IN (SELECT unnest(?::VARCHAR[])))")
        params.append(list(q.relations))
    if q.title.strip():
        preds.append("cluster_id IN (SELECT c4.cluster_id FROM clusters c4 JOIN articles a4 USING (doc) "
                     "WHERE contains(lower(a4.title), lower(?)))")
        params.append(q.title.strip())
    if q.date_from is not None:
        preds.append("first_seen >= ?")
        params.append(datetime.combine(q.date_from, time.min, tzinfo=_UTC))
    if q.date_to is not None:
        preds.append("first_seen < ?")
        params.append(datetime.combine(q.date_to + timedelta(days=1), time.min, tzinfo=_UTC))
    ctes = [f"""page AS (
        SELECT cluster_id, size, outlets, first_seen, last_seen, spread_hours, origin_external, uncredited,
               count(*) OVER () AS total_rows
        FROM {summaries.CLUSTERS} WHERE {' AND '.join(preds)}
        ORDER BY {order} {direction} NULLS LAST, cluster_id
        LIMIT ? OFFSET ?
    )""", *_page_strings_ctes()]
    sql = f"""
    WITH {', '.join(ctes)}
    SELECT page.cluster_id, pa.title, page.size, page.outlets, pag.agencies,
           coalesce(page.origin_external, pa.first_outlet) AS origin,
           page.first_seen, page.last_seen, page.spread_hours, page.uncredited, page.total_rows
    FROM page LEFT JOIN pa USING (cluster_id) LEFT JOIN pag USING (cluster_id)
    ORDER BY {order} {direction} NULLS LAST, cluster_id
    """
    return sql, [*params, int(limit), int(offset)]


@st.cache_data(max_entries=128, show_spinner=False)
def clusters_page(
    path: str, version: int, q: ClusterQuery, sort: str = "size", descending: bool = True,
    limit: int = 25, offset: int = 0,
) -> tuple[pl.DataFrame, int]:
    """One page of the clusters list and the number of clusters matching ``q``."""
    info = _info(path, version)
    if not info.ready:
        return pl.DataFrame(), 0
    sql, params = clusters_sql(info, q, sort=sort, descending=descending, limit=limit, offset=offset)
    df = _read(path, sql, params)
    total = int(df["total_rows"][0]) if df.height else 0
    if df.height == 0 and offset > 0:
        # Past the end (a stale page number): report the total anyway.
        probe, pp = clusters_sql(info, q, sort=sort, descending=descending, limit=1, offset=0)
        first = _read(path, probe, pp)
        total = int(first["total_rows"][0]) if first.height else 0
    return df.drop("total_rows"), total


@st.cache_data(max_entries=32, show_spinner=False)
def top_clusters(path: str, version: int, n: int = 10) -> dict[str, pl.DataFrame]:
    """The largest clusters and the fastest-spreading ones.

    Fastest spreading: most outlets reached within 24 hours of the cluster's
    first publication, ties broken by the shorter time to the last of them.
    """
    info = _info(path, version)
    if not info.ready:
        return {"largest": pl.DataFrame(), "fastest": pl.DataFrame()}
    largest, _ = clusters_page(path, version, ClusterQuery(), "size", True, n, 0)
    if info.status:
        return {"largest": largest, "fastest": _read(
            path,
            f"""
            WITH w AS (
                SELECT cluster_id, outlets_24h, articles_24h, hours_to_last, first_seen FROM {summaries.CLUSTERS}
                WHERE outlets_24h >= 2 ORDER BY outlets_24h DESC, hours_to_last ASC, cluster_id LIMIT ?
            ),
            t AS (
                SELECT c.cluster_id, coalesce(arg_min(a.title, a.published_at), any_value(a.title)) AS title
                FROM clusters c JOIN articles a USING (doc) WHERE c.cluster_id IN (SELECT cluster_id FROM w)
                GROUP BY c.cluster_id
            )
            SELECT w.cluster_id, t.title, w.outlets_24h, w.articles_24h, w.hours_to_last, w.first_seen
            FROM w LEFT JOIN t USING (cluster_id)
            ORDER BY w.outlets_24h DESC, w.hours_to_last ASC, w.cluster_id
            """,
            [n],
        )}
    fastest = _read(
        path,
        """
        WITH m AS (SELECT c.cluster_id, a.outlet, a.published_at FROM clusters c JOIN articles a USING (doc)),
        f AS (SELECT cluster_id, min(published_at) AS first_seen FROM m GROUP BY cluster_id),
        w AS (
            SELECT m.cluster_id, count(DISTINCT m.outlet) AS outlets_24h, count(*) AS articles_24h,
                   round((epoch(max(m.published_at)) - epoch(min(m.published_at))) / 3600.0, 2) AS hours_to_last
            FROM m JOIN f USING (cluster_id)
            WHERE m.published_at < f.first_seen + INTERVAL 24 HOUR
            GROUP BY m.cluster_id
            HAVING count(DISTINCT m.outlet) >= 2
            ORDER BY outlets_24h DESC, hours_to_last ASC, m.cluster_id
            LIMIT ?
        ),
        -- titles for the chosen clusters only (``m`` carries none: it is read three times, and with a
        -- title per membership the query took 0.39 s on a 1M store, 0.30 s without)
        t AS (
            SELECT c.cluster_id, coalesce(arg_min(a.title, a.published_at), any_value(a.title)) AS title
            FROM clusters c JOIN articles a USING (doc) WHERE c.cluster_id IN (SELECT cluster_id FROM w)
            GROUP BY c.cluster_id
        )
        SELECT w.cluster_id, t.title, w.outlets_24h, w.articles_24h, w.hours_to_last, f.first_seen
        FROM w JOIN f USING (cluster_id) LEFT JOIN t USING (cluster_id)
        ORDER BY w.outlets_24h DESC, w.hours_to_last ASC, w.cluster_id
        """,
        [n],
    )
    return {"largest": largest, "fastest": fastest}


@st.cache_data(max_entries=32, show_spinner=False)
def outlet_agency_share(path: str, version: int, n: int = 25, min_articles: int = 1) -> pl.DataFrame:
    """Outlets ranked by the share of their articles that are agency copy.

    With lineage, agency copy is a derived article with an agency on its
    chain (``via_agency``; the definition of :mod:`provenance.trace.analytics`), and
    ``uncredited_agency`` counts those that do not credit their source.
    Without lineage, an article is agency copy when it credits an agency.
    """
    info = _info(path, version)
    if not info.ready:
        return pl.DataFrame()
    if info.status:
        return _read(
            path,
            f"""
            SELECT outlet, count(*) AS articles,
                   count(*) FILTER (WHERE agency_copy) AS agency_copy,
                   count(*) FILTER (WHERE agency_copy AND credit = 'uncredited') AS uncredited_agency,
                   round(count(*) FILTER (WHERE agency_copy) / count(*), 4) AS agency_share
            FROM {summaries.TABLE} WHERE outlet IS NOT NULL
            GROUP BY outlet HAVING count(*) >= ? ORDER BY agency_share DESC, articles DESC, outlet LIMIT ?
            """,
            [min_articles, n],
        )
    if _has_lineage(info):
        # Articles per outlet from ``articles`` alone; agency copies from the lineage rows that are
        # some (lineage has one row per article, so this is the per-article count of ``s`` without
        # joining clusters, or lineage to the articles that have no agency copy).
        pext, deriv = _l(info, "parent_external"), _l(info, "derivation")
        agency_copy = (f"{_l(info, 'via_agency')} IS NOT NULL AND coalesce({deriv}, '') <> 'non_derived' "
                       f"AND (l.parent_id IS NOT NULL OR {pext} IS NOT NULL)")
        return _read(
            path,
            f"""
            WITH x AS (SELECT outlet, count(*) AS articles FROM articles WHERE outlet IS NOT NULL GROUP BY outlet),
            la AS (
                SELECT a.outlet, count(*) AS agency_copy,
                       count(*) FILTER (WHERE l.credited IN {UNCREDITED}) AS uncredited_agency
                FROM lineage l JOIN articles a ON a.article_id = l.article_id
                WHERE a.outlet IS NOT NULL AND {agency_copy}
                GROUP BY a.outlet
            )
            SELECT x.outlet, x.articles, coalesce(la.agency_copy, 0) AS agency_copy,
                   coalesce(la.uncredited_agency, 0) AS uncredited_agency,
                   round(coalesce(la.agency_copy, 0) / x.articles, 4) AS agency_share
            FROM x LEFT JOIN la USING (outlet) WHERE x.articles >= ?
            ORDER BY agency_share DESC, articles DESC, outlet LIMIT ?
            """,
            [min_articles, n],
        )
    else:
        body = f"""
        WITH {_agency_article_cte(info)},
        per AS (SELECT a.outlet, a.article_id, bool_or(ag.source IS NOT NULL) AS credits_agency
                FROM articles a LEFT JOIN ag ON ag.article_id = a.article_id GROUP BY a.outlet, a.article_id)
        SELECT outlet, count(*) AS articles, count(*) FILTER (WHERE credits_agency) AS agency_copy,
               NULL::BIGINT AS uncredited_agency,
               round(count(*) FILTER (WHERE credits_agency) / count(*), 4) AS agency_share
        FROM per WHERE outlet IS NOT NULL
        """
    return _read(
        path,
        body + " GROUP BY outlet HAVING count(*) >= ? ORDER BY agency_share DESC, articles DESC, outlet LIMIT ?",
        [min_articles, n],
    )


@st.cache_data(max_entries=32, show_spinner=False)
def filter_options(path: str, version: int) -> dict[str, Any]:
    """Values offered by the clusters filters."""
    info = _info(path, version)
    if not info.ready:
        return {"outlets": [], "agencies": [], "relations": [], "first": None, "last": None}
    with _connect(path) as con:
        outlets = [r[0] for r in con.execute(
            "SELECT outlet FROM articles WHERE outlet IS NOT NULL GROUP BY outlet "
            "ORDER BY count(*) DESC, outlet LIMIT ?", [MAX_OUTLET_OPTIONS]).fetchall()]
        agencies = [r[0] for r in con.execute(
            f"SELECT source FROM (SELECT unnest(agencies) AS source FROM {summaries.TABLE}) GROUP BY source "
            "ORDER BY count(*) DESC, source" if info.status else
            f"WITH {_agency_article_cte(info)} SELECT source FROM ag GROUP BY source "
            "ORDER BY count(*) DESC, source").fetchall()]
        relations = []
        if _has_lineage(info) and info.has("lineage", "relation"):
            relations = [r[0] for r in con.execute(
                "SELECT DISTINCT relation FROM lineage WHERE relation IS NOT NULL ORDER BY 1").fetchall()]
        first, last = _row(con, "SELECT min(published_at), max(published_at) FROM articles")
    return {"outlets": sorted(outlets, key=str.casefold), "agencies": agencies, "relations": relations,
            "first": first, "last": last}


# -- one cluster ---------------------------------------------------------------------------------

_LINEAGE_COLS = ("parent_id", "parent_external", "origin_id", "origin_external", "depth", "via_agency",
                 "relation", "derivation", "credited", "lag_minutes", "confidence", "evidence")


@st.cache_data(max_entries=64, show_spinner=False)
def cluster_detail(path: str, version: int, cluster_id: int) -> dict[str, Any] | None:
    """A cluster's members (earliest first, at most MAX_MEMBERS), their lineage, credits and pairs."""
    info = _info(path, version)
    if not info.ready:
        return None
    lin = _has_lineage(info)
    lcols = ", ".join(f"{_l(info, c)} AS {c}" for c in _LINEAGE_COLS)
    # the share of each member's words found in earlier articles (provenance.detect.sourced), where measured
    has_sourced = info.has("sourced", "article_id", "sourced_share")
    scol = ", s.sourced_share" if has_sourced else ", CAST(NULL AS DOUBLE) AS sourced_share"
    sjoin = "LEFT JOIN sourced s ON s.article_id = a.article_id" if has_sourced else ""
    lin_join = _lineage_join(info)
    # the offset the page wrote its time in (stores written before it was kept have none)
    ocol = "a.published_offset" if info.has("articles", "published_offset") else "CAST(NULL AS SMALLINT) AS published_offset"
    params: list[Any] = [cluster_id, MAX_MEMBERS]
    if info.status:
        # The members' lineage rows are among those of the lineage clusters ``article_status`` gives
        # them, an integer filter, instead of every lineage row probed by its text id (0.45 -> 0.1 s
        # for the largest cluster at 1M); their sourced share is ``article_status``'s, joined by doc.
        lin_join = (f"LEFT JOIN (SELECT * FROM lineage WHERE cluster_id IN (SELECT lineage_cluster_id FROM "
                    f"{summaries.TABLE} WHERE cluster_id = ?)) l ON l.article_id = a.article_id")
        scol = ", s.sourced_share"
        sjoin = f"LEFT JOIN {summaries.TABLE} s ON s.doc = a.doc"
        params = [cluster_id, *params]
    with _connect(path) as con, _AtOnce(con) as q:  # members, credits, pairs, external nodes: at once
        size = _row(con, "SELECT count(*) FROM clusters WHERE cluster_id = ?", [cluster_id])[0]
        if not size:
            return None
        members = q(
            f"""
            SELECT a.doc, a.article_id, a.outlet, a.published_at, a.published_precision, {ocol}, a.title, a.url,
                   a.byline, a.dateline, {lcols}{scol}
            FROM clusters c JOIN articles a USING (doc) {lin_join} {sjoin}
            WHERE c.cluster_id = ?
            ORDER BY a.published_at NULLS LAST, a.doc
            LIMIT ?
            """,
            params,
        )
        credits: Any = pl.DataFrame(schema={"article_id": pl.String, "source": pl.String, "kind": pl.String,
                                            "role": pl.String})
        if _has_credits(info):
            credits = q(
                "SELECT cr.* FROM credits cr JOIN clusters c ON c.article_id = cr.article_id "
                "WHERE c.cluster_id = ? ORDER BY cr.article_id, cr.span_start",
                [cluster_id],
            )
        pairs = q(
            "SELECT p.a, p.b, p.jaccard, p.containment_a_in_b, p.containment_b_in_a, p.shared_shingles, p.via "
            "FROM pairs p JOIN clusters c ON c.doc = p.a_doc WHERE c.cluster_id = ? "
            # (a, b) break ties: without, which of equally strong pairs fill the last of MAX_PAIRS changed
            # from one run to the next on a large cluster
            "ORDER BY p.shared_shingles DESC, p.a, p.b LIMIT ?",
            [cluster_id, MAX_PAIRS],
        )
        external: Any = pl.DataFrame(schema={"name": pl.String, "kind": pl.String, "parent_external": pl.String})
        if info.has("external_nodes", "cluster_id", "name", "kind"):
            external = q("SELECT * FROM external_nodes WHERE cluster_id = ? ORDER BY name", [cluster_id])

    def got(x: Any) -> Any:
        return x.result() if isinstance(x, Future) else x

    return {"cluster_id": cluster_id, "size": int(size), "members": members.result(), "credits": got(credits),
            "pairs": pairs.result(), "external": got(external), "has_lineage": lin, "has_credits": _has_credits(info)}


@st.cache_data(max_entries=64, show_spinner=False)
def article_texts(path: str, version: int, article_ids: tuple[str, ...]) -> pl.DataFrame:
    return _read(
        path,
        "SELECT article_id, outlet, published_at, title, url, text FROM articles "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(article_ids)],
    )


def _texts_by_doc(path: str, docs: Sequence[int]) -> pl.DataFrame:
    """What :func:`article_texts` reads, for the articles ``docs``: one equality lookup on the integer
    ``doc`` each, which zone maps answer reading only the matching rows (0.02 s on a 1M store, where
    looking two article ids up scans every id, 0.15-0.25 s)."""
    return _read(path, " UNION ALL ".join(
        ["SELECT article_id, outlet, published_at, title, url, text FROM articles WHERE doc = ?"] * len(docs)),
        [int(d) for d in docs])


@st.cache_data(max_entries=64, show_spinner=False)
def alignment(path: str, version: int, a_id: str, b_id: str,
              docs: tuple[int, int] | None = None) -> dict[str, Any] | None:
    """Shared passages and edits between two stored articles (provenance.detect.align); ``docs``, when the
    caller knows them (a cluster's members), are the two articles' docs, a faster lookup."""
    from provenance.detect.align import align

    rows = {}
    if docs is not None:
        rows = {r["article_id"]: r for r in _texts_by_doc(path, docs).iter_rows(named=True)}
    if a_id not in rows or b_id not in rows:
        texts = article_texts(path, version, (a_id, b_id))
        rows = {r["article_id"]: r for r in texts.iter_rows(named=True)}
    if a_id not in rows or b_id not in rows:
        return None
    al = align(rows[a_id]["text"] or "", rows[b_id]["text"] or "")
    return {"a": rows[a_id], "b": rows[b_id], "passages": al.passages, "edits": al.edits,
            "a_tokens": al.a_tokens, "b_tokens": al.b_tokens, "shared_tokens": al.shared_tokens()}


@st.cache_data(max_entries=64, show_spinner=False)
def explanation(path: str, version: int, a_ref: str, b_ref: str) -> dict[str, Any]:
    """:func:`provenance.trace.explain.explain` of two articles (ids or URLs), as a JSON-safe dict."""
    from provenance.trace.explain import explain

    if not Path(path).exists():
        raise StoreMissing(path)
    try:
        return explain(_store(path), a_ref, b_ref).to_dict()
    except StoreError as e:
        if _is_lock(e):
            raise StoreBusy(str(e)) from e
        raise


@st.cache_data(max_entries=8, show_spinner=False)
def overrides(path: str, version: int, include_removed: bool = False) -> pl.DataFrame:
    """The editorial overrides (provenance.trace.overrides), oldest first."""
    from provenance.trace.overrides import listing

    if not Path(path).exists():
        raise StoreMissing(path)
    try:
        return listing(_store(path), include_removed=include_removed)
    except StoreError as e:
        if _is_lock(e):
            raise StoreBusy(str(e)) from e
        raise


@st.cache_data(max_entries=64, show_spinner=False)
def cluster_history(path: str, version: int, cluster_id: int) -> pl.DataFrame:
    """What each ingest did to a cluster and to the clusters merged into it (provenance.detect.history)."""
    from provenance.detect.history import history

    if not Path(path).exists():
        raise StoreMissing(path)
    try:
        return history(_store(path), cluster_id)
    except StoreError as e:
        if _is_lock(e):
            raise StoreBusy(str(e)) from e
        raise


# -- outlets and agencies ------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def outlet_profile(path: str, version: int, outlet: str) -> dict[str, Any] | None:
    info = _info(path, version)
    if not info.ready:
        return None
    lin = _has_lineage(info)
    with _connect(path) as con, _AtOnce(con) as q:
        n = _row(con, "SELECT count(*) FROM articles WHERE outlet = ?", [outlet])[0]
        if not n:
            return None
        # Five independent reads, each joining lineage to the outlet's articles: run at once.
        figures = q(
            f"""
            WITH {_articles_cte(info)}
            SELECT count(*) FILTER (WHERE cluster_id IS NOT NULL AND NOT is_copy) AS origins,
                   count(*) FILTER (WHERE is_copy) AS copies,
                   count(*) FILTER (WHERE is_copy AND credit = 'credited') AS credited_copies,
                   count(*) FILTER (WHERE is_copy AND credit = 'uncredited') AS uncredited_copies,
                   count(*) FILTER (WHERE agency_copy) AS agency_copy,
                   count(*) FILTER (WHERE is_copy AND relation IN ('verbatim', 'headline_changed')) AS verbatim,
                   median(lag_minutes) FILTER (WHERE is_copy) AS median_lag_minutes,
                   count(DISTINCT cluster_id) AS clusters
            FROM s WHERE outlet = ?
            """,
            [outlet],
        )
        # The outlet's articles first, then their credits and lineage agencies (not the corpus' ``ag``,
        # which de-duplicates a million (article, agency) pairs before the outlet filter applies).
        agencies = q(
            f"""
            SELECT source AS agency, count(DISTINCT article_id) AS articles,
                   count(DISTINCT article_id) FILTER (WHERE credit = 'uncredited') AS uncredited
            FROM (SELECT article_id, credit, unnest(agencies) AS source FROM {summaries.TABLE} WHERE outlet = ?)
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30
            """,
            [outlet],
        ) if info.status else q(
            f"""
            WITH {_articles_cte(info)},
            so AS (SELECT article_id, credit FROM s WHERE outlet = ?),
            {_agency_article_cte(info, within="so")}
            SELECT ag.source AS agency, count(DISTINCT so.article_id) AS articles,
                   count(DISTINCT so.article_id) FILTER (WHERE so.credit = 'uncredited') AS uncredited
            FROM so JOIN ag ON ag.article_id = so.article_id
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30
            """,
            [outlet],
        )
        if info.status:
            sources = q(
                f"""
                SELECT coalesce(parent_outlet, parent_external) AS source,
                       CASE WHEN parent_outlet IS NULL THEN 'outside the corpus' ELSE 'outlet' END AS kind,
                       count(*) AS copies,
                       count(*) FILTER (WHERE credited IN {CREDITED}) AS credited
                FROM {summaries.TABLE}
                WHERE outlet = ? AND (parent_id IS NOT NULL OR parent_external IS NOT NULL)
                GROUP BY ALL ORDER BY copies DESC, source, kind LIMIT 30
                """,
                [outlet],
            )
            copied_by = q(
                f"""
                SELECT outlet AS copier, count(*) AS copies,
                       count(*) FILTER (WHERE credited IN {CREDITED}) AS credited
                FROM {summaries.TABLE}
                WHERE parent_outlet = ? AND outlet IS DISTINCT FROM parent_outlet
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30
                """,
                [outlet],
            )
        elif lin:
            ext = _l(info, "parent_external")
            sources = q(
                f"""
                SELECT coalesce(p.outlet, {ext}) AS source,
                       CASE WHEN p.outlet IS NULL THEN 'outside the corpus' ELSE 'outlet' END AS kind,
                       count(*) AS copies,
                       count(*) FILTER (WHERE l.credited IN {CREDITED}) AS credited
                FROM lineage l JOIN articles a ON a.article_id = l.article_id
                LEFT JOIN articles p ON p.article_id = l.parent_id
                WHERE a.outlet = ? AND (l.parent_id IS NOT NULL OR {ext} IS NOT NULL)
                GROUP BY ALL ORDER BY copies DESC, source, kind LIMIT 30
                """,
                [outlet],
            )
            copied_by = q(
                f"""
                SELECT a.outlet AS copier, count(*) AS copies,
                       count(*) FILTER (WHERE l.credited IN {CREDITED}) AS credited
                FROM lineage l JOIN articles a ON a.article_id = l.article_id
                JOIN articles p ON p.article_id = l.parent_id
                WHERE p.outlet = ? AND a.outlet IS DISTINCT FROM p.outlet
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30
                """,
                [outlet],
            )
        else:
            # Without lineage: which outlets published the earlier side of this outlet's pairs.
            sources = q(
                """
                SELECT pa.outlet AS source, 'outlet' AS kind, count(*) AS copies, NULL::BIGINT AS credited
                FROM pairs p JOIN articles pa ON pa.doc = p.a_doc JOIN articles pb ON pb.doc = p.b_doc
                WHERE pb.outlet = ? AND pa.outlet <> pb.outlet GROUP BY ALL ORDER BY copies DESC, source, kind LIMIT 30
                """,
                [outlet],
            )
            copied_by = q(
                """
                SELECT pb.outlet AS copier, count(*) AS copies, NULL::BIGINT AS credited
                FROM pairs p JOIN articles pa ON pa.doc = p.a_doc JOIN articles pb ON pb.doc = p.b_doc
                WHERE pa.outlet = ? AND pa.outlet <> pb.outlet GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30
                """,
                [outlet],
            )
        # Staff bylines on agency copy (lineage evidence ``byline_mismatch``): what a researcher looks for.
        mismatch = (
            q(f"SELECT count(*) FILTER (WHERE byline_mismatch) AS n FROM {summaries.TABLE} WHERE outlet = ?", [outlet])
            if info.status else
            q("SELECT count(*) AS n FROM lineage l JOIN articles a ON a.article_id = l.article_id "
              "WHERE a.outlet = ? AND l.evidence LIKE '%\"byline_mismatch\"%'", [outlet])
            if lin and info.has("lineage", "evidence") else None
        )
    return {"outlet": outlet, "articles": int(n), **figures.result().row(0, named=True),
            "agencies": agencies.result(), "sources": sources.result(), "copied_by": copied_by.result(),
            "has_lineage": lin, "byline_mismatch": mismatch.result()["n"][0] if mismatch is not None else None}


@st.cache_data(max_entries=64, show_spinner=False)
def agency_profile(path: str, version: int, agency: str) -> dict[str, Any] | None:
    """Reach of one agency: who carries its copy (with or without credit), how it is credited."""
    info = _info(path, version)
    if not info.ready:
        return None
    lin = _has_lineage(info) and info.has("lineage", "via_agency")
    with _connect(path) as con, _AtOnce(con) as q:  # independent reads: run at once
        credited_articles: Any = 0
        roles = pl.DataFrame(schema={"role": pl.String, "credits": pl.Int64})
        cited = pl.DataFrame(schema={"cited_source": pl.String, "times": pl.Int64})
        if _has_credits(info):
            credited_articles = q(
                "SELECT count(DISTINCT article_id) AS n FROM credits WHERE kind = 'agency' AND source = ?", [agency]
            )
            roles = q(
                "SELECT role, count(*) AS credits FROM credits WHERE kind = 'agency' AND source = ? "
                "GROUP BY 1 ORDER BY 2 DESC, 1",
                [agency],
            )
            if info.has("credits", "cited_via"):
                cited = q(
                    "SELECT source AS cited_source, count(*) AS times FROM credits "
                    "WHERE cited_via = ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
                    [agency],
                )
        if lin:
            pext = _l(info, "parent_external")
            deriv = _l(info, "derivation")
            copy = (f"(l.parent_id IS NOT NULL OR {pext} IS NOT NULL) "
                    f"AND coalesce({deriv}, '') <> 'non_derived'")
            cred = f"l.credited IN {CREDITED}"
            uncred = f"l.credited IN {UNCREDITED}"
            # Copies joined to their outlets: one scan of ``article_status`` (whose columns lineage's
            # names carry, under alias ``l``) when it is current.
            copies_of = (f"{summaries.TABLE} l" if info.status
                         else "lineage l JOIN articles a ON a.article_id = l.article_id")
            outlet_col = "l.outlet" if info.status else "a.outlet"
            outlets = q(
                f"""
                SELECT {outlet_col} AS outlet, count(*) AS articles,
                       count(*) FILTER (WHERE {cred}) AS credited,
                       count(*) FILTER (WHERE {uncred}) AS uncredited,
                       median(l.lag_minutes) FILTER (WHERE l.lag_minutes >= 0) AS median_lag_minutes
                FROM {copies_of}
                WHERE l.via_agency = ? AND {copy}
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 40
                """,
                [agency],
            )
            oext = _l(info, "origin_external")
            totals = q(
                f"""
                SELECT count(*) FILTER (WHERE l.via_agency = ? AND {copy}) AS copies,
                       count(*) FILTER (WHERE l.via_agency = ? AND {copy} AND {cred}) AS credited,
                       count(*) FILTER (WHERE l.via_agency = ? AND {copy} AND {uncred}) AS uncredited,
                       count(*) FILTER (WHERE {oext} = ? AND l.via_agency IS DISTINCT FROM ?) AS indirect,
                       median(l.lag_minutes) FILTER (WHERE l.via_agency = ? AND {copy} AND l.lag_minutes >= 0) AS median_lag_minutes
                FROM lineage l WHERE l.via_agency = ? OR {oext} = ?
                """,
                [agency] * 8,
            )
            n_outlets = q(
                f"SELECT count(DISTINCT {outlet_col}) AS n FROM {copies_of} WHERE l.via_agency = ? AND {copy}",
                [agency],
            )
        else:
            outlets = q(
                "SELECT a.outlet, count(DISTINCT a.article_id) AS articles, count(DISTINCT a.article_id) AS credited, "
                "NULL::BIGINT AS uncredited, NULL::DOUBLE AS median_lag_minutes FROM credits cr "
                "JOIN articles a ON a.article_id = cr.article_id WHERE cr.kind = 'agency' AND cr.source = ? "
                "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 40",
                [agency],
            ) if _has_credits(info) else pl.DataFrame()

    def got(x: Any) -> Any:
        return x.result() if isinstance(x, Future) else x

    if isinstance(credited_articles, Future):
        credited_articles = credited_articles.result()["n"][0]
    roles, cited, outlets = got(roles), got(cited), got(outlets)
    if lin:
        totals = totals.result().row(0, named=True)
        totals["n_outlets"] = n_outlets.result()["n"][0]
    else:
        totals = {"copies": credited_articles, "credited": credited_articles, "uncredited": None,
                  "indirect": None, "n_outlets": outlets.height, "median_lag_minutes": None}
    if not credited_articles and not totals["copies"] and not totals["indirect"]:
        return None
    return {"agency": agency, "credited_articles": int(credited_articles), **totals, "roles": roles,
            "outlets": outlets, "cited_via": cited, "has_lineage": lin}


# -- search --------------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def search(path: str, version: int, text: str, limit: int = 20) -> pl.DataFrame:
    """Stored articles sharing text with ``text`` (provenance.detect.search), verified exactly."""
    from provenance.detect.search import search as run

    try:
        return run(text, store=_store(path), limit=limit)
    except StoreError as e:
        if _is_lock(e):
            raise StoreBusy(str(e)) from e
        raise
    except ProvenanceError:
        raise


def cluster_summaries(path: str, version: int, cluster_ids: Sequence[int]) -> pl.DataFrame:
    """(cluster_id, size, outlets) for the given clusters (used by search results)."""
    ids = tuple(int(c) for c in cluster_ids if c is not None)
    if not ids:
        return pl.DataFrame(schema={"cluster_id": pl.Int64, "size": pl.Int64, "outlets": pl.Int64})
    return _cluster_summaries(path, version, ids)


@st.cache_data(max_entries=64, show_spinner=False)
def _cluster_summaries(path: str, version: int, ids: tuple[int, ...]) -> pl.DataFrame:
    return _read(
        path,
        "SELECT c.cluster_id, count(*) AS size, count(DISTINCT a.outlet) AS outlets "
        "FROM clusters c JOIN articles a USING (doc) WHERE c.cluster_id IN (SELECT unnest(?::BIGINT[])) "
        "GROUP BY 1",
        [list(ids)],
    )
