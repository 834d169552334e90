"""Named reads of the store for the shells and the library: the SQL outside ``store.py`` lives here.

``store.py`` owns connections, the transaction (``Store.atomic``), every write and the lookups
an ingest makes; this module owns the other reads (the CLI's summaries and profiles, search,
explain, overrides, history, exports, reclean, the Python API, and the reports' figures per
entity). Each function takes a :class:`~provenance.store.Store` (or, for the reports, a
:class:`ReadSession` over one open connection) and returns a polars frame or plain values read
through the one duckdb -> polars wrapper (``store.frame``), with the store's retry on a locked file. Callers compute on frames and never write SQL themselves
(``tests/test_layers.py`` checks it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from provenance.errors import InputError, StoreError
from provenance.store import EXPORTABLE, Store, frame

# -- corpus summary and profiles (CLI `stats`) --------------------------------------------------------


def store_summary(store: Store) -> dict[str, object]:
    """Corpus-level figures straight from SQL aggregates, and the ten largest clusters."""
    q = store.query
    counts = q(
        "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(DISTINCT outlet) FROM articles) AS outlets,"
        " (SELECT count(*) FROM pairs) AS reuse_pairs, (SELECT count(DISTINCT cluster_id) FROM clusters) AS clusters,"
        " (SELECT count(*) FROM clusters) AS articles_in_clusters, (SELECT count(*) FROM rejects) AS rejects,"
        " (SELECT count(*) FROM ingests WHERE ingest_id > 0) AS ingests,"
        " (SELECT value FROM meta WHERE key = 'store_version') AS store_version"
    ).row(0, named=True)
    largest = q(
        "SELECT c.cluster_id, count(*) AS articles, count(DISTINCT a.outlet) AS outlets,"
        " arg_min(a.title, a.doc) AS first_title FROM clusters c JOIN articles a USING (doc)"
        " GROUP BY c.cluster_id ORDER BY articles DESC, c.cluster_id LIMIT 10"
    )
    return {**counts, "largest_clusters": largest.to_dicts()}


def _joined(store: Store, key: str, values: pl.Series, sql: str) -> pl.DataFrame:
    """``sql`` run with the given keys registered as table ``_keys`` (column ``key``): a join inside
    DuckDB, since an outlet or a search may name many rows."""
    with store.reader() as con:
        con.register("_keys", pl.DataFrame({key: values}).to_arrow())
        return frame(con, sql)


def outlet_articles(store: Store, outlet: str) -> pl.DataFrame:
    """(article_id, outlet) of every article of ``outlet``."""
    return store.query("SELECT article_id, outlet FROM articles WHERE outlet = ?", [outlet])


def lineage_of(store: Store, article_ids: pl.Series) -> pl.DataFrame:
    """The lineage rows of the given articles (joined inside DuckDB: an outlet may have many)."""
    return _joined(store, "article_id", article_ids, "SELECT l.* FROM lineage l JOIN _keys USING (article_id)")


def lineage_via_agency(store: Store, agency: str) -> pl.DataFrame:
    """The lineage rows of the articles that came through ``agency`` (its canonical name)."""
    return store.query("SELECT * FROM lineage WHERE via_agency = ?", [agency])


def outlets_of(store: Store, article_ids: pl.Series) -> pl.DataFrame:
    """(article_id, outlet) of the given articles."""
    return _joined(store, "article_id", article_ids,
                   "SELECT a.article_id, a.outlet FROM articles a JOIN _keys USING (article_id)")


# -- search, dry runs, reclean, the Python API ---------------------------------------------------------


def search_details(store: Store, docs: pl.Series) -> pl.DataFrame:
    """What a search shows of each hit: (doc, article_id, outlet, title, published_at, url, cluster_id)."""
    return _joined(
        store, "doc", docs,
        "SELECT a.doc, a.article_id, a.outlet, a.title, a.published_at, a.url, c.cluster_id "
        "FROM articles a JOIN _keys USING (doc) LEFT JOIN clusters c USING (doc)",
    )


def clusters_of_ingest(store: Store, ingest_id: int) -> pl.DataFrame:
    """The ten largest clusters that ``ingest_id`` created or grew, with how many of its articles."""
    return store.query(
        "SELECT c.cluster_id, count(*) AS articles, count(DISTINCT a.outlet) AS outlets, "
        "arg_min(a.title, a.doc) AS first_title, count(*) FILTER (WHERE a.ingest_id = ?) AS new_articles "
        "FROM clusters c JOIN articles a USING (doc) GROUP BY 1 HAVING new_articles > 0 "
        "ORDER BY articles DESC, 1 LIMIT 10", [ingest_id],
    )


def stored_articles(store: Store, outlet: str | None = None) -> pl.DataFrame:
    """Every stored article (of ``outlet`` only when given), full rows in doc order."""
    where, params = ("WHERE outlet = ?", [outlet]) if outlet else ("", [])
    return store.query(f"SELECT * FROM articles {where} ORDER BY doc", params)


def signatures(store: Store, article_ids: Sequence[str] | None = None) -> pl.DataFrame:
    """(article_id, n_tokens, n_shingles, minhash) per article, in doc order."""
    where, params = "", None
    if article_ids is not None:
        where, params = "WHERE a.article_id IN (SELECT unnest(?::VARCHAR[]))", [list(article_ids)]
    return store.query(
        "SELECT a.article_id, g.n_tokens, g.n_shingles, g.minhash FROM signatures g JOIN articles a USING (doc) "
        f"{where} ORDER BY a.doc", params,
    )


# -- explain -------------------------------------------------------------------------------------------


def article_ids_by_id(store: Store, ref: str) -> pl.Series:
    """``ref`` if it is a stored article id (empty otherwise)."""
    return store.query("SELECT article_id FROM articles WHERE article_id = ?", [ref])["article_id"]


def article_ids_by_url(store: Store, ref: str) -> pl.Series:
    """Articles whose URL is ``ref`` (a trailing slash aside), oldest first."""
    return store.query(
        "SELECT article_id FROM articles WHERE url = ? OR rtrim(url, '/') = rtrim(?, '/') ORDER BY doc", [ref, ref]
    )["article_id"]


def resolve_article(store: Store, ref: str) -> str:
    """The article id an argument names: an article id, else a URL (exact, then without a trailing slash)."""
    ref = ref.strip()
    hit = article_ids_by_id(store, ref)
    if hit.len():
        return str(hit[0])
    hit = article_ids_by_url(store, ref)
    if hit.len() == 1:
        return str(hit[0])
    if hit.len() > 1:
        ids = ", ".join(hit.head(5).to_list())
        raise InputError(f"{ref!r} is the URL of {hit.len()} stored articles ({ids}): give an article id")
    raise InputError(f"no stored article has the id or URL {ref!r}")


def _each_of(select: str, key: str, n: int) -> str:
    """``select`` once per value of ``key``, as a union of equality lookups: DuckDB answers ``key = ?`` from
    its zone maps and fetches the other columns of the matching rows only, where ``key IN (?, ?)`` or an
    ``OR`` scans the whole table (on a 1M store: 0.03 s against 0.6-1.6 s for two articles with their text)."""
    return " UNION ALL ".join([f"{select} WHERE {key}"] * n)


def two_articles(store: Store, ids: list[str], columns: Sequence[str]) -> pl.DataFrame:
    """``columns`` and the text of the two articles ``ids``."""
    return store.query(_each_of(f"SELECT {', '.join(columns)}, text FROM articles", "article_id = ?", len(ids)),
                       ids)


def sourced_of(store: Store, article_id: str) -> pl.DataFrame:
    """The article's row of ``sourced`` (its sourced share and grade), empty when it had no candidate source."""
    return store.query("SELECT n_tokens, sourced_tokens, sourced_share, narration_tokens, n_sources, grade "
                       "FROM sourced WHERE article_id = ?", [article_id])


def sources_of(store: Store, article_id: str) -> pl.DataFrame:
    """The article's accepted rewrite sources, by rank."""
    return store.query("SELECT source_id, rank, tokens, own_tokens, share, longest FROM sources "
                       "WHERE article_id = ? ORDER BY rank", [article_id])


def two_lineage_rows(store: Store, ids: list[str], columns: Sequence[str]) -> pl.DataFrame:
    """article_id and ``columns`` of the lineage rows of the two articles ``ids``."""
    return store.query(_each_of(f"SELECT article_id, {', '.join(columns)} FROM lineage", "article_id = ?", len(ids)),
                       ids)


def two_cluster_rows(store: Store, ids: list[str]) -> pl.DataFrame:
    """(article_id, cluster_id) of those of the two articles ``ids`` that are in a cluster."""
    return store.query(_each_of("SELECT article_id, cluster_id FROM clusters", "article_id = ?", len(ids)), ids)


def stored_pair(store: Store, a_id: str, b_id: str) -> pl.DataFrame:
    """The verified pair of the two articles, in the stored order (either way round)."""
    return store.query(
        _each_of("SELECT a, b, jaccard, containment_a_in_b, containment_b_in_a, shared_shingles, a_shingles, "
                 "b_shingles, via FROM pairs", "a = ? AND b = ?", 2), [a_id, b_id, b_id, a_id],
    )


# -- overrides -----------------------------------------------------------------------------------------


def overrides(store: Store, *, include_removed: bool = False) -> pl.DataFrame:
    """The ``overrides`` rows, oldest first (active ones only unless ``include_removed``)."""
    where = "" if include_removed else " WHERE removed_at IS NULL"
    return store.query(f"SELECT * FROM overrides{where} ORDER BY override_id")


def articles_of_host(store: Store, outlet: str, host: str) -> pl.Series:
    """Ids of ``outlet``'s articles whose URL host or page folder is ``host`` (an alias being removed)."""
    return store.query(
        "SELECT article_id FROM articles WHERE outlet = ? AND (regexp_extract(lower(url), "
        "'^[a-z]+://(www\\.)?([^/:?#]+)', 2) = lower(?) OR contains(locator, ? || '/'))",
        [outlet, host, host])["article_id"]


def licensed_lineage(store: Store, outlet: str, agency: str) -> pl.Series:
    """Ids of ``outlet``'s articles whose lineage goes through ``agency`` (a licence being changed)."""
    return store.query(
        "SELECT l.article_id FROM lineage l JOIN articles a USING (article_id) WHERE a.outlet = ? AND "
        "(lower(l.via_agency) = lower(?) OR lower(l.origin_external) = lower(?) OR lower(l.parent_external) = lower(?))",
        [outlet, agency, agency, agency])["article_id"]


def lineage_clusters(store: Store, article_ids: Sequence[str]) -> list[int]:
    """The lineage clusters of the given articles."""
    return store.query("SELECT DISTINCT cluster_id FROM lineage WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                       [list(article_ids)])["cluster_id"].to_list()


def lineage_members(store: Store, cluster_ids: Sequence[int]) -> pl.Series:
    """Ids of every article with a lineage row in the given clusters."""
    return store.query("SELECT article_id FROM lineage WHERE cluster_id IN (SELECT unnest(?::BIGINT[]))",
                       [list(cluster_ids)])["article_id"]


def docs_of(store: Store, article_ids: Sequence[str]) -> pl.Series:
    """The ``doc`` of each given article id."""
    return store.query("SELECT doc FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                       [list(article_ids)])["doc"]


def cluster_rows(store: Store, docs: Sequence[int]) -> pl.DataFrame:
    """(article_id, cluster_id) of the given docs that are in a cluster."""
    return store.query("SELECT article_id, cluster_id FROM clusters WHERE doc IN (SELECT unnest(?::BIGINT[]))",
                       [list(docs)])


# -- cluster history -----------------------------------------------------------------------------------


def cluster_sizes(store: Store, cluster_ids: Sequence[int]) -> pl.DataFrame:
    """(cluster_id, size) of the given stored clusters."""
    return store.query(
        "SELECT cluster_id, count(*) AS size FROM clusters WHERE cluster_id IN (SELECT unnest(?::BIGINT[])) "
        "GROUP BY 1", [list(cluster_ids)])


def merged_into(store: Store, cluster_ids: Sequence[int]) -> set[int]:
    """Clusters whose events say they merged into one of ``cluster_ids``."""
    return set(store.query("SELECT cluster_id FROM cluster_events WHERE merged_into IN (SELECT unnest(?::BIGINT[]))",
                           [list(cluster_ids)])["cluster_id"].to_list())


def cluster_events(store: Store, cluster_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """``cluster_events`` rows (of the given clusters, else all), oldest ingest first."""
    if cluster_ids is None:
        return store.query("SELECT * FROM cluster_events ORDER BY ingest_id, cluster_id, event")
    return store.query("SELECT * FROM cluster_events WHERE cluster_id IN (SELECT unnest(?::BIGINT[])) "
                       "ORDER BY ingest_id, cluster_id, event", [list(cluster_ids)])


# -- exports -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which rows to export; ``None`` means no filter. Times are compared in UTC."""

    cluster: int | None = None
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.cluster, self.outlet, self.since, self.until))


def _article_cond(f: Filters, x: str = "x", k: str = "k") -> tuple[str, list[object]]:
    """Per-article condition on alias ``x`` (articles) and ``k`` (clusters), with its parameters."""
    given = [(f.cluster, f"{k}.cluster_id = ?"), (f.outlet, f"{x}.outlet = ?"),
             (f.since, f"{x}.published_at >= ?"), (f.until, f"{x}.published_at < ?")]
    given = [(v, c) for v, c in given if v is not None]
    return (" AND ".join(c for _, c in given) or "TRUE"), [v for v, _ in given]


def _cols(table: str, alias: str) -> str:
    return ", ".join(f'{alias}."{c}"' for c in EXPORTABLE[table])


def export_rows(store: Store, table: str, f: Filters) -> pl.DataFrame:
    """Rows of ``table`` (articles, pairs, clusters, credits, lineage, external_nodes) joined with what
    makes them readable alone, filtered by ``f``; a pair matches when either side does."""
    cond, params = _article_cond(f)
    if table == "articles":
        cols = _cols("articles", "x")
        for col, kind in (("published_offset", "SMALLINT"), ("canonical_url", "VARCHAR")):
            if not store.has_column("articles", col):  # a store written before it existed
                cols = cols.replace(f'x."{col}"', f"NULL::{kind} AS {col}")
        sql = (f"SELECT {cols}, k.cluster_id FROM articles x LEFT JOIN clusters k USING (doc) "
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
    else:
        raise InputError(f"{table} is not exported by a query of its own")
    return store.query(sql, params or None)


# -- reports (provenance.report): one read-only session per run, SQL per entity --------------------------


class ReadSession:
    """One open read-only connection with the store's table/column catalogue.

    A report run reads many entities through one connection; what the store holds decides which
    columns a query may use (stores written by older versions lack some), so the catalogue is read
    once, up front (all of it: DuckDB 2 refuses ``register`` while a result is open).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        cols: dict[str, set[str]] = defaultdict(set)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
        ).fetchall():
            cols[t].add(c)
        self.columns = dict(cols)

    def has(self, table: str, *columns: str) -> bool:
        have = self.columns.get(table)
        return have is not None and all(c in have for c in columns)

    def q(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        """Rows of ``sql`` through the store's one duckdb -> polars step (:func:`provenance.store.frame`)."""
        return frame(self.con, sql, list(params) if params else None)

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        try:
            rows = self.con.execute(sql, list(params or [])).fetchall()
        except duckdb.Error as e:
            raise StoreError(f"report query failed: {e}") from e
        return rows[0][0] if rows else None

    def register(self, name: str, df: pl.DataFrame) -> None:
        """Make ``df`` a view of this session (lookup tables the report's queries join)."""
        self.con.register(name, df.to_arrow())


def meta(db: ReadSession) -> dict[str, str]:
    """The ``meta`` table as a dict (empty for a store without one)."""
    return dict(db.q("SELECT key, value FROM meta").iter_rows()) if db.has("meta") else {}


def stored_config(db: ReadSession) -> str | None:
    """The store's ``meta.config`` (JSON), None without one."""
    return db.scalar("SELECT value FROM meta WHERE key = 'config'") if db.has("meta") else None


def last_ingest_finished(db: ReadSession) -> Any:
    """When the last ingest finished (None for a store without ingests)."""
    return db.scalar("SELECT max(finished_at) FROM ingests") if db.has("ingests") else None


def report_article_cols(db: ReadSession) -> str:
    """The article columns a cluster report shows (alias ``a``); a store written before
    ``published_offset`` existed gives it as null."""
    offset = "a.published_offset" if db.has("articles", "published_offset") else "NULL::SMALLINT AS published_offset"
    return ("a.doc, a.article_id, a.url, a.outlet, a.published_at, a.published_precision, "
            f"{offset}, a.title, a.byline, a.dateline, a.content_hash")


def cluster_members(db: ReadSession, cluster_id: int) -> pl.DataFrame:
    """The cluster's articles with their texts, oldest first (empty for a store without clusters)."""
    if not db.has("clusters"):
        return pl.DataFrame()
    return db.q(
        f"SELECT {report_article_cols(db)}, a.text FROM clusters c JOIN articles a ON a.doc = c.doc "
        "WHERE c.cluster_id = ? ORDER BY a.published_at NULLS LAST, a.doc",
        [cluster_id],
    )


def lineage_cluster_members(db: ReadSession, cluster_id: int) -> pl.DataFrame:
    """The articles lineage puts in ``cluster_id`` (a singleton's cluster id is its doc), oldest first."""
    return db.q(
        f"SELECT {report_article_cols(db)}, a.text FROM lineage l JOIN articles a ON a.article_id = l.article_id "
        "WHERE l.cluster_id = ? ORDER BY a.published_at NULLS LAST, a.doc",
        [cluster_id],
    )


def report_article(db: ReadSession, article_id: str) -> pl.DataFrame:
    """One article as :func:`cluster_members` shows it."""
    return db.q(f"SELECT {report_article_cols(db)}, a.text FROM articles a WHERE a.article_id = ?", [article_id])


def cluster_pairs(db: ReadSession, cluster_id: int) -> pl.DataFrame:
    """The stored pairs of the cluster (empty for a store whose pairs lack ``a_doc``)."""
    if not db.has("pairs", "a_doc"):
        return pl.DataFrame()
    return db.q("SELECT p.* FROM pairs p JOIN clusters c ON p.a_doc = c.doc WHERE c.cluster_id = ?", [cluster_id])


def credits_of_articles(db: ReadSession, article_ids: Sequence[str]) -> pl.DataFrame:
    """The credits of the given articles, by article, field and position."""
    return db.q(
        "SELECT cr.* FROM credits cr WHERE list_contains(?::VARCHAR[], cr.article_id) "
        "ORDER BY cr.article_id, cr.field, cr.span_start",
        [list(article_ids)],
    )


def cluster_lineage(db: ReadSession, cluster_id: int) -> pl.DataFrame:
    return db.q("SELECT * FROM lineage WHERE cluster_id = ?", [cluster_id])


def cluster_external_nodes(db: ReadSession, cluster_id: int) -> pl.DataFrame:
    return db.q("SELECT * FROM external_nodes WHERE cluster_id = ?", [cluster_id])


def cluster_sourced_shares(db: ReadSession, cluster_id: int) -> pl.DataFrame:
    """(article_id, sourced_share, grade) of the cluster's members that had a candidate source."""
    return db.q("SELECT s.article_id, s.sourced_share, s.grade FROM sourced s JOIN clusters c USING (article_id) "
                "WHERE c.cluster_id = ?", [cluster_id])


def cluster_source_links(db: ReadSession, cluster_id: int) -> pl.DataFrame:
    """(article_id, source_id, share, outlet, published_at) of each accepted rewrite source, by rank."""
    return db.q("SELECT s.article_id, s.source_id, s.share, a.outlet, a.published_at FROM sources s "
                "JOIN clusters c USING (article_id) JOIN articles a ON a.article_id = s.source_id "
                "WHERE c.cluster_id = ? ORDER BY s.article_id, s.rank", [cluster_id])


def cluster_ids_after(db: ReadSession, last: int, limit: int = 1000) -> list[int]:
    """The next ``limit`` cluster ids above ``last`` (reports page through them)."""
    return db.q("SELECT DISTINCT cluster_id FROM clusters WHERE cluster_id > ? ORDER BY cluster_id LIMIT ?",
                [last, limit])["cluster_id"].to_list()


def report_outlets(db: ReadSession) -> list[str]:
    return db.q("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")["outlet"].to_list()


def credited_agencies(db: ReadSession) -> list[str]:
    """Agencies named by an agency credit somewhere in the store."""
    return db.q("SELECT DISTINCT source FROM credits WHERE kind = 'agency'")["source"].to_list()


def count_clusters(db: ReadSession) -> int:
    return int(db.scalar("SELECT count(DISTINCT cluster_id) FROM clusters") or 0) if db.has("clusters") else 0


def count_outlets(db: ReadSession) -> int:
    return int(db.scalar("SELECT count(DISTINCT outlet) FROM articles") or 0)


# Copies: one row per article that has a parent, with the agency its text comes from.

#: Every copy in the lineage (an article with a parent in or outside the corpus), with its
#: parent's and origin's outlet and the agency whose copy it is. Lineage's ``via_agency`` says
#: that; for a store whose lineage lacks it, ``_names`` (name -> agency) and
#: ``_outlet_agency`` (outlet -> agency), registered per run, stand in. Lags are measured ones
#: only: none from a day-precision date ("-23.2 h") or from times that contradict the lineage
#: (a copy dated before its source made a median lag of -1,393.73 min): those are null, "unknown".
_COPIES = """
_copies AS (
    SELECT a.doc, a.article_id, a.outlet, a.published_at, a.title, a.url, a.content_hash,
           l.cluster_id, l.parent_id, l.parent_external, l.origin_id, l.origin_external, l.depth,
           l.relation, l.derivation, CAST(l.credited AS VARCHAR) AS credited,
           CASE WHEN l.lag_minutes >= 0 THEN l.lag_minutes END AS lag_minutes, l.confidence,
           l.evidence, p.outlet AS parent_outlet, p.content_hash AS parent_hash,
           CASE WHEN coalesce(a.published_precision, '') <> 'day' AND coalesce(p.published_precision, '') <> 'day'
                 AND a.published_at >= p.published_at
                THEN date_diff('second', p.published_at, a.published_at) / 60.0 END AS parent_lag_minutes,
           o.outlet AS origin_outlet, {source_agency} AS source_agency
    FROM lineage l
    JOIN articles a ON a.article_id = l.article_id
    LEFT JOIN articles p ON p.article_id = l.parent_id
    LEFT JOIN articles o ON o.article_id = l.origin_id
    {agency_joins}
    WHERE l.parent_id IS NOT NULL OR l.parent_external IS NOT NULL
)
"""
_AGENCY_JOINS = """
    LEFT JOIN _names n1 ON n1.name = l.origin_external
    LEFT JOIN _names n2 ON n2.name = l.parent_external
    LEFT JOIN _outlet_agency m1 ON m1.outlet = o.outlet
    LEFT JOIN _outlet_agency m2 ON m2.outlet = p.outlet
"""
_CREDITED_SQL = "credited IN ('credits_origin', 'credits_intermediary', 'true')"
_VERBATIM_SQL = "relation IN ('verbatim', 'headline_changed')"
_COPY_ORDER = "published_at NULLS LAST, doc"


def copies_cte(db: ReadSession) -> str:
    """The ``_copies`` CTE for this store: lineage's ``via_agency`` when it has one, else the lookup
    tables :func:`register_agency_lookups` registers."""
    if db.has("lineage", "via_agency"):
        return _COPIES.format(source_agency="l.via_agency", agency_joins="")
    return _COPIES.format(source_agency="coalesce(n1.agency, n2.agency, m1.agency, m2.agency)",
                          agency_joins=_AGENCY_JOINS)


def external_names(db: ReadSession) -> list[str]:
    """Every name lineage gives as an origin or parent outside the corpus."""
    out: list[str] = []
    for col in ("origin_external", "parent_external"):
        out += db.q(f"SELECT DISTINCT {col} AS v FROM lineage WHERE {col} IS NOT NULL")["v"].to_list()
    return out


def register_agency_lookups(db: ReadSession, outlet_agency: Sequence[tuple[str, str]],
                            name_agency: Sequence[tuple[str, str]]) -> None:
    """``_outlet_agency`` and ``_names``, which :func:`copies_cte` joins for a store without ``via_agency``."""
    db.register("_outlet_agency", pl.DataFrame(
        {"outlet": [o for o, _ in outlet_agency], "agency": [a for _, a in outlet_agency]},
        schema={"outlet": pl.String, "agency": pl.String}))
    db.register("_names", pl.DataFrame(
        {"name": [n for n, _ in name_agency], "agency": [a for _, a in name_agency]},
        schema={"name": pl.String, "agency": pl.String}))


def outlet_copies(db: ReadSession, cte: str, outlet: str) -> pl.DataFrame:
    """The outlet's copies, oldest first."""
    return db.q(f"WITH {cte} SELECT * FROM _copies WHERE outlet = ? ORDER BY {_COPY_ORDER}", [outlet])


def agency_copies(db: ReadSession, cte: str, agency: str) -> pl.DataFrame:
    """The copies whose text comes from ``agency``, oldest first."""
    return db.q(f"WITH {cte} SELECT * FROM _copies WHERE source_agency = ? ORDER BY {_COPY_ORDER}", [agency])


def copy_agencies(db: ReadSession, cte: str) -> list[str]:
    """Every agency some copy comes from."""
    return db.q(f"WITH {cte} SELECT DISTINCT source_agency FROM _copies WHERE source_agency IS NOT NULL"
                )["source_agency"].to_list()


def texts_of(db: ReadSession, article_ids: Sequence[str]) -> dict[str, str]:
    if not article_ids:
        return {}
    df = db.q("SELECT article_id, text FROM articles WHERE article_id IN (SELECT unnest(?))", [list(article_ids)])
    return dict(zip(df["article_id"].to_list(), df["text"].to_list(), strict=True))


def outlet_counts(db: ReadSession, outlet: str) -> dict[str, Any]:
    """(articles, in_clusters, first, last) of the outlet."""
    return db.q(
        "SELECT count(*) AS articles, count(c.doc) AS in_clusters, min(a.published_at) AS first, "
        "max(a.published_at) AS last FROM articles a LEFT JOIN clusters c ON c.doc = a.doc WHERE a.outlet = ?"
        if db.has("clusters") else
        "SELECT count(*) AS articles, 0 AS in_clusters, min(published_at) AS first, max(published_at) AS last "
        "FROM articles a WHERE a.outlet = ?",
        [outlet],
    ).row(0, named=True)


def originals_of(db: ReadSession, outlet: str) -> int:
    """How many of the outlet's articles are some copy's parent."""
    return int(db.scalar(
        "SELECT count(DISTINCT l.parent_id) FROM lineage l JOIN articles a ON a.article_id = l.parent_id "
        "WHERE a.outlet = ?",
        [outlet],
    ) or 0)


def own_articles(db: ReadSession, outlets: Sequence[str]) -> dict[str, Any]:
    """(n, first, last) of the articles of the given outlets (an agency's own sites)."""
    return db.q(
        "SELECT count(*) AS n, min(published_at) AS first, max(published_at) AS last FROM articles "
        "WHERE outlet IN (SELECT unnest(?))",
        [list(outlets)],
    ).row(0, named=True)


def credit_mentions(db: ReadSession, agency: str) -> int:
    """Articles whose credits name ``agency``."""
    return int(db.scalar("SELECT count(DISTINCT article_id) FROM credits WHERE source = ?", [agency]) or 0)


def corpus_overview(db: ReadSession) -> dict[str, Any]:
    """(articles, outlets, first, last) of the whole store."""
    return db.q(
        "SELECT count(*) AS articles, count(DISTINCT outlet) AS outlets, min(published_at) AS first, "
        "max(published_at) AS last FROM articles"
    ).row(0, named=True)


def count_pairs(db: ReadSession) -> int:
    return int(db.scalar("SELECT count(*) FROM pairs") or 0)


def count_clustered_articles(db: ReadSession) -> int:
    return int(db.scalar("SELECT count(*) FROM clusters") or 0)


def count_credits(db: ReadSession) -> int:
    return int(db.scalar("SELECT count(*) FROM credits") or 0)


def top_clusters(db: ReadSession, top: int, *, with_lineage: bool) -> pl.DataFrame:
    """The ``top`` largest clusters with their span and title (and root, origin, uncredited copies)."""
    lin_join = (
        "LEFT JOIN (SELECT cluster_id, mode(origin_external) AS origin_external, "
        "arg_min(article_id, depth) AS root_id, "
        "count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited FROM lineage "
        "GROUP BY cluster_id) l USING (cluster_id) LEFT JOIN articles ra ON ra.article_id = l.root_id"
        if with_lineage else ""
    )
    lin_cols = ", l.root_id, l.origin_external, l.uncredited, ra.outlet AS root_outlet" if with_lineage else ""
    return db.q(
        f"SELECT g.* {lin_cols} FROM (SELECT c.cluster_id, count(*) AS articles, "
        "count(DISTINCT a.outlet) AS outlets, min(a.published_at) AS first, max(a.published_at) AS last, "
        "arg_min(a.title, coalesce(epoch_us(a.published_at), 9e18)) AS title "
        "FROM clusters c JOIN articles a ON a.doc = c.doc GROUP BY c.cluster_id) g "
        f"{lin_join} ORDER BY g.articles DESC, g.cluster_id LIMIT ?",
        [top],
    )


def copy_totals(db: ReadSession, cte: str) -> dict[str, Any]:
    """Copies in the store, and how many are credited, uncredited, miscredited and an agency's."""
    return db.q(
        f"WITH {cte} SELECT count(*) AS copies, count(*) FILTER (WHERE {_CREDITED_SQL}) AS credited, "
        "count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited, "
        "count(*) FILTER (WHERE credited = 'miscredited') AS miscredited, "
        "count(*) FILTER (WHERE source_agency IS NOT NULL) AS agency_copies FROM _copies"
    ).row(0, named=True)


def top_copying_outlets(db: ReadSession, cte: str, top: int) -> pl.DataFrame:
    """The ``top`` outlets by copies, with their uncredited, verbatim and agency copies and median lag."""
    return db.q(
        f"WITH {cte} "
        "SELECT x.outlet, x.articles, coalesce(c.copies, 0) AS copies, coalesce(c.uncredited, 0) AS uncredited, "
        "coalesce(c.verbatim, 0) AS verbatim, coalesce(c.agency_copies, 0) AS agency_copies, c.median_lag "
        "FROM (SELECT outlet, count(*) AS articles FROM articles GROUP BY outlet) x LEFT JOIN ("
        "SELECT outlet, count(*) AS copies, count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited, "
        f"count(*) FILTER (WHERE {_VERBATIM_SQL}) AS verbatim, "
        "count(*) FILTER (WHERE source_agency IS NOT NULL) AS agency_copies, "
        "median(coalesce(lag_minutes, parent_lag_minutes)) AS median_lag "
        "FROM _copies GROUP BY outlet) c USING (outlet) "
        "ORDER BY copies DESC, x.articles DESC, x.outlet LIMIT ?",
        [top],
    )


def top_copied_agencies(db: ReadSession, cte: str, top: int) -> pl.DataFrame:
    """The ``top`` agencies by copies, with outlets reached, credited and uncredited copies, median lag."""
    return db.q(
        f"WITH {cte} "
        "SELECT source_agency AS agency, count(*) AS copies, count(DISTINCT outlet) AS outlets, "
        f"count(*) FILTER (WHERE {_CREDITED_SQL}) AS credited, "
        "count(*) FILTER (WHERE credited IN ('uncredited', 'false')) AS uncredited, "
        "median(coalesce(lag_minutes, parent_lag_minutes)) AS median_lag FROM _copies "
        "WHERE source_agency IS NOT NULL GROUP BY source_agency ORDER BY copies DESC, agency LIMIT ?",
        [top],
    )


def top_outlets_by_articles(db: ReadSession, top: int) -> pl.DataFrame:
    """The ``top`` outlets by articles (a store without lineage)."""
    return db.q("SELECT outlet, count(*) AS articles FROM articles GROUP BY outlet "
                "ORDER BY articles DESC, outlet LIMIT ?", [top])
