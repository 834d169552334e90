"""Named reads of the store for the shells and the library: the SQL outside ``store.py`` lives here.

``store.py`` owns connections, the transaction (``Store.atomic``), every write and the lookups
an ingest makes; this module owns the other reads (the CLI's summaries and profiles, search,
explain, overrides, history, exports, reclean, the Python API). Each function takes a
:class:`~provenance.store.Store` and returns a polars frame (or plain values) read through
``Store.query``, so the one duckdb -> polars wrapper (``store.frame``) and the store's retry on
a locked file apply to all of them. Callers compute on frames and never write SQL themselves
(``tests/test_layers.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from .errors import InputError
from .store import EXPORTABLE, Store, frame

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


def outlet_articles(store: Store, outlet: str) -> pl.DataFrame:
    """(article_id, outlet) of every article of ``outlet``."""
    return store.query("SELECT article_id, outlet FROM articles WHERE outlet = ?", [outlet])


def lineage_of(store: Store, article_ids: pl.Series) -> pl.DataFrame:
    """The lineage rows of the given articles (joined inside DuckDB: an outlet may have many)."""
    with store.reader() as con:
        con.register("_a", pl.DataFrame({"article_id": article_ids}).to_arrow())
        return frame(con, "SELECT l.* FROM lineage l JOIN _a USING (article_id)")


def lineage_via_agency(store: Store, agency: str) -> pl.DataFrame:
    """The lineage rows of the articles that came through ``agency`` (its canonical name)."""
    return store.query("SELECT * FROM lineage WHERE via_agency = ?", [agency])


def outlets_of(store: Store, article_ids: pl.Series) -> pl.DataFrame:
    """(article_id, outlet) of the given articles."""
    with store.reader() as con:
        con.register("_l", pl.DataFrame({"article_id": article_ids}).to_arrow())
        return frame(con, "SELECT a.article_id, a.outlet FROM articles a JOIN _l USING (article_id)")


# -- search, dry runs, reclean, the Python API ---------------------------------------------------------


def search_details(store: Store, docs: pl.Series) -> pl.DataFrame:
    """What a search shows of each hit: (doc, article_id, outlet, title, published_at, url, cluster_id)."""
    with store.reader() as con:
        con.register("_h", pl.DataFrame({"doc": docs}).to_arrow())
        return frame(
            con,
            "SELECT a.doc, a.article_id, a.outlet, a.title, a.published_at, a.url, c.cluster_id "
            "FROM articles a JOIN _h USING (doc) LEFT JOIN clusters c USING (doc)",
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


def two_articles(store: Store, ids: list[str], columns: Sequence[str]) -> pl.DataFrame:
    """``columns`` and the text of the two articles ``ids``."""
    return store.query(f"SELECT {', '.join(columns)}, text FROM articles WHERE article_id IN (?, ?)", ids)


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
    return store.query(f"SELECT article_id, {', '.join(columns)} FROM lineage WHERE article_id IN (?, ?)", ids)


def two_cluster_rows(store: Store, ids: list[str]) -> pl.DataFrame:
    """(article_id, cluster_id) of those of the two articles ``ids`` that are in a cluster."""
    return store.query("SELECT article_id, cluster_id FROM clusters WHERE article_id IN (?, ?)", ids)


def stored_pair(store: Store, a_id: str, b_id: str) -> pl.DataFrame:
    """The verified pair of the two articles, in the stored order (either way round)."""
    return store.query(
        "SELECT a, b, jaccard, containment_a_in_b, containment_b_in_a, shared_shingles, a_shingles, b_shingles, via "
        "FROM pairs WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)", [a_id, b_id, b_id, a_id],
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
    else:
        raise InputError(f"{table} is not exported by a query of its own")
    return store.query(sql, params or None)
