"""The DuckDB store: connections, every write, and the lookups an ingest makes.

One file holds every table (see ``docs/ARCHITECTURE.md``, which also says where
else SQL may be written: the named reads of :mod:`provenance.queries`). Reads
hand back polars frames through :func:`frame`; every write goes through
:meth:`Store.atomic`, one transaction (:meth:`Store.write_batch` per ingest), so
a crash or ``kill -9`` leaves the store at its last committed state (DuckDB
replays only committed transactions from its WAL).

DuckDB lets one process write, or many read. Ingest therefore reads what it
needs through a short read-only connection, computes without holding the
file, and opens it for writing only for the final transaction; readers such as
the dashboard open, query and close, and retry while a write is in progress.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from provenance import __version__, schemas, summaries
from provenance.config import Config
from provenance.errors import ConfigMismatchError, StoreError
from provenance.lock import write_lock

SCHEMA_VERSION = 1

#: The store every shell opens when not told otherwise (``--store``, ``$PROVENANCE_STORE``).
DEFAULT_STORE = "provenance.duckdb"
#: The environment variable that names the store.
STORE_ENV = "PROVENANCE_STORE"


def tokenizer_version() -> str:
    """What shingles depend on besides the config: our tokenizer rules and Unicode's tables."""
    import unicodedata

    from provenance.detect.normalize import RULES_VERSION

    return f"rules {RULES_VERSION}, unicode {unicodedata.unidata_version}"

#: ``raw_text`` (the page before cleaning, read by credits, re-cleaning and single-article views) is
#: compressed with zstd rather than DuckDB's own choice, dictionary-FSST, whose analysis and encoding are
#: slow: inserting 100k articles' two text columns took 4.2 s that way and 2.8 s with zstd on raw_text,
#: whose bytes shrank 5x. ``text`` keeps dictionary-FSST: it is read by doc, and a zstd vector costs about
#: 1 ms per random doc read (40 random docs: 48 ms against 3 ms).
_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS ingests (
    ingest_id BIGINT PRIMARY KEY, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
    sources VARCHAR, added BIGINT, already_present BIGINT, rejected BIGINT, repaired BIGINT,
    pairs_added BIGINT, tool_version VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    doc BIGINT, article_id VARCHAR, url VARCHAR, canonical_url VARCHAR, outlet VARCHAR, published_at TIMESTAMPTZ,
    published_precision VARCHAR, published_offset SMALLINT, title VARCHAR, byline VARCHAR, dateline VARCHAR, text VARCHAR,
    raw_text VARCHAR USING COMPRESSION zstd, source VARCHAR, locator VARCHAR, content_hash VARCHAR,
    ingested_at TIMESTAMPTZ, ingest_id BIGINT);
CREATE TABLE IF NOT EXISTS rejects (
    ingest_id BIGINT, source VARCHAR, locator VARCHAR, reason VARCHAR, detail VARCHAR,
    action VARCHAR);
CREATE TABLE IF NOT EXISTS signatures (
    doc BIGINT, n_tokens INTEGER, n_shingles INTEGER, minhash UINTEGER[]);
CREATE TABLE IF NOT EXISTS bands (band SMALLINT, key UBIGINT, doc BIGINT);
CREATE TABLE IF NOT EXISTS anchors (anchor UINTEGER, doc BIGINT);
CREATE TABLE IF NOT EXISTS pairs (
    a VARCHAR, b VARCHAR, jaccard DOUBLE, containment_a_in_b DOUBLE, containment_b_in_a DOUBLE,
    shared_shingles INTEGER, a_shingles INTEGER, b_shingles INTEGER, via VARCHAR,
    a_doc BIGINT, b_doc BIGINT);
CREATE TABLE IF NOT EXISTS clusters (article_id VARCHAR, cluster_id BIGINT, doc BIGINT);
CREATE TABLE IF NOT EXISTS chrome_stats (outlet VARCHAR, line_hash UBIGINT, pages BIGINT);
CREATE INDEX IF NOT EXISTS articles_doc ON articles (doc);
-- stores written before the offset was kept get it (null) on their next write
ALTER TABLE articles ADD COLUMN IF NOT EXISTS published_offset SMALLINT;
-- and those written before a page's canonical link was kept, that column
ALTER TABLE articles ADD COLUMN IF NOT EXISTS canonical_url VARCHAR;
"""

#: Up to this many docs, reads by doc go through the ``articles_doc`` index (an
#: IN list of constants); above it one scan of the table is cheaper. Measured
#: on a 100k store: 100 docs 18 ms by index vs 190 ms by join; 2,000: 92 vs 182.
_INDEX_LOOKUP_MAX = 1000

#: Tables a user may export, with the columns that form the public interface.
EXPORTABLE = {
    "articles": [c for c in schemas.ARTICLES.names() if c != "doc"],
    "pairs": schemas.PAIRS.names(),
    "clusters": schemas.CLUSTERS.names(),
    "rejects": ["ingest_id", *schemas.REJECTS.names()],
    "credits": schemas.CREDITS.names(),
    "lineage": ["*"],
    "external_nodes": ["*"],
    "sourced": ["*"],
    "sources": ["*"],
    "overrides": ["*"],  # editorial overrides (provenance.trace.overrides); absent until the first one
    "cluster_events": ["*"],  # what each ingest did to each cluster (provenance.detect.history)
}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StoreState:
    """What ingest needs to know about the store before computing anything."""

    config: Config | None
    tokenizer: str | None
    next_doc: int
    next_ingest: int
    version: int


class Store:
    """A DuckDB file with the provenance tables."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._pinned: duckdb.DuckDBPyConnection | None = None

    # -- connections -----------------------------------------------------------------

    @contextmanager
    def _connect(
        self, *, read_only: bool, wait_s: float = 30.0, row_group_size: int = 0
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the file, retrying while another process holds the write lock."""
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path} (run `provenance ingest` first)")
        deadline = time.monotonic() + wait_s
        while True:
            try:
                con = (
                    duckdb.connect(str(self.path), read_only=True) if read_only
                    else _open_writer(self.path, row_group_size or ROW_GROUP_SIZE)
                )
                con.execute("SET enable_progress_bar = false")  # ours is rich's, on stderr
                con.execute(f"SET memory_limit = '{duckdb_memory_limit()}'")
                break
            except duckdb.IOException as e:
                if "lock" not in str(e).lower() or time.monotonic() > deadline:
                    raise StoreError(f"cannot open store {self.path}: {e}") from e
                time.sleep(0.2)
            except duckdb.Error as e:
                raise StoreError(f"cannot open store {self.path}: {e}") from e
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def reader(self, wait_s: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._pinned is not None:
            yield self._pinned
            return
        with self._connect(read_only=True, wait_s=wait_s) as con:
            yield con

    @contextmanager
    def session(self) -> Iterator[Store]:
        """Serve every read inside the block from one read-only connection.

        Opening the file costs ~20 ms (catalog and WAL replay); a search makes
        six reads, so it holds one connection instead. Writes still open
        their own, so do not write inside a session.
        """
        if self._pinned is not None:
            yield self
            return
        with self._connect(read_only=True) as con:
            self._pinned = con
            try:
                yield self
            finally:
                self._pinned = None

    def exists(self) -> bool:
        return self.path.exists()

    def has_table(self, name: str) -> bool:
        """Whether the store holds ``name`` (tables such as ``overrides`` appear with their first row)."""
        if not self.path.exists():
            return False
        with self.reader() as con:
            return _has_table(con, name)

    def has_column(self, table: str, column: str) -> bool:
        """Whether the store's ``table`` has ``column`` (stores written by older versions lack some)."""
        if not self.path.exists():
            return False
        with self.reader() as con:
            return bool(con.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'main' "
                "AND table_name = ? AND column_name = ?", [table, column]).fetchall()[0][0])

    @contextmanager
    def atomic(self, *, ddl: str = _DDL, lock: bool = True, row_group_size: int = 0
               ) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one way to write: a writer connection inside one transaction, committed whole or not at all.

        ``ddl`` runs first, outside the transaction (the tables a write may need); ``lock`` takes
        the store's writer lock (:mod:`provenance.lock`) for the duration. A DuckDB failure rolls
        back and becomes a :class:`StoreError` saying nothing was written.
        """
        with write_lock(self.path) if lock else nullcontext(), \
                self._connect(read_only=False, row_group_size=row_group_size) as con:
            if ddl:
                _run(con, ddl)
            with _transaction(con, self.path):
                yield con

    # -- reads --------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
        """Run a read-only query and return a polars frame."""
        with self.reader() as con:
            return frame(con, sql, params)

    def state(self) -> StoreState:
        if not self.path.exists():
            return StoreState(config=None, tokenizer=None, next_doc=0, next_ingest=1, version=0)
        with self.reader() as con:
            if not _has_table(con, "meta"):
                return StoreState(config=None, tokenizer=None, next_doc=0, next_ingest=1, version=0)
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            next_doc = con.execute("SELECT coalesce(max(doc) + 1, 0) FROM articles").fetchall()[0][0]
            next_ingest = con.execute("SELECT coalesce(max(ingest_id) + 1, 1) FROM ingests").fetchall()[0][0]
        if int(meta.get("schema_version", SCHEMA_VERSION)) != SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {meta.get('schema_version')}, "
                f"this provenance {__version__} reads version {SCHEMA_VERSION}"
            )
        cfg = Config.from_dict(json.loads(meta["config"])) if "config" in meta else None
        return StoreState(
            config=cfg, tokenizer=meta.get("tokenizer"), next_doc=int(next_doc), next_ingest=int(next_ingest),
            version=int(meta.get("store_version", 0)),
        )

    def agencies(self) -> list[dict[str, Any]]:
        """Agency entries the user declared for this store (``ingest --agencies``), in declaration order."""
        if not self.path.exists():
            return []
        with self.reader() as con:
            if not _has_table(con, "meta"):
                return []
            row = con.execute("SELECT value FROM meta WHERE key = 'agencies'").fetchone()
        return json.loads(row[0]) if row else []

    def declare_agencies(self, entries: Sequence[dict[str, Any]]) -> None:
        """Add agency entries to the store's declared ones (kept in ``meta``), so every later ingest,
        report and dashboard reads the same registry."""
        merged = self.agencies()
        for d in entries:
            if d not in merged:
                merged.append(d)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect(read_only=False) as con:
            _run(con, _DDL)
            _run(con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", ["agencies", json.dumps(merged, sort_keys=True)])

    def check_config(self, config: Config) -> None:
        """Refuse a run whose fingerprint parameters differ from the store's."""
        state = self.state()
        stored = state.config
        if stored is None:
            return
        if state.tokenizer is not None and state.tokenizer != tokenizer_version():
            raise ConfigMismatchError(
                f"store {self.path} was fingerprinted with tokenizer {state.tokenizer}, this provenance "
                f"uses {tokenizer_version()}; its shingles would not be comparable: use a new store"
            )
        want, have = config.fingerprint_params(), stored.fingerprint_params()
        diff = {k: (have[k], want[k]) for k in want if want[k] != have[k]}
        if diff:
            parts = ", ".join(f"{k}: store has {a}, this run asks {b}" for k, (a, b) in diff.items())
            raise ConfigMismatchError(
                f"store {self.path} was built with other detection parameters ({parts}); "
                "use the store's parameters or a new store"
            )

    def chrome_counts(self, keys: pl.DataFrame) -> pl.DataFrame:
        """CHROME_STATS rows for the given (outlet, line_hash) keys.

        A batch asks for its own lines only: the table holds every distinct
        line of every outlet (about 8 per article), far more than memory
        should, while a batch touches a few million keys.
        """
        if not self.path.exists() or keys.height == 0:
            return schemas.empty(schemas.CHROME_STATS)
        with self.reader() as con:
            if not _has_table(con, "chrome_stats"):
                return schemas.empty(schemas.CHROME_STATS)
            con.register("_k", schemas.conform(keys.unique(), pl.Schema({"outlet": pl.String, "line_hash": pl.UInt64})).to_arrow())
            out = frame(
                con,
                "SELECT c.outlet, c.line_hash, sum(c.pages)::BIGINT AS pages "
                "FROM chrome_stats c JOIN _k USING (outlet, line_hash) GROUP BY ALL",
            )
        return schemas.conform(out, schemas.CHROME_STATS)

    def chrome_line_sites(self, hashes: pl.Series) -> pl.DataFrame:
        """CHROME_STATS rows of the given line hashes, whatever their site.

        Asked only for the few lines a batch would learn as one site's
        furniture: a stored page of another site holding the line keeps it.
        """
        if not self.path.exists() or hashes.len() == 0:
            return schemas.empty(schemas.CHROME_STATS)
        with self.reader() as con:
            if not _has_table(con, "chrome_stats"):
                return schemas.empty(schemas.CHROME_STATS)
            con.register("_h", pl.DataFrame({"line_hash": hashes.unique().cast(pl.UInt64)}).to_arrow())
            out = frame(con, "SELECT c.outlet, c.line_hash, c.pages FROM chrome_stats c JOIN _h USING (line_hash)")
        return schemas.conform(out, schemas.CHROME_STATS)

    def existing_ids(self, ids: pl.Series) -> pl.DataFrame:
        """(article_id, content_hash) of the given ids already in the store."""
        if not self.path.exists() or ids.len() == 0:
            return pl.DataFrame(schema={"article_id": pl.String, "content_hash": pl.String})
        with self.reader() as con:
            con.register("_ids", pl.DataFrame({"article_id": ids.unique()}).to_arrow())
            return frame(
                con,
                "SELECT a.article_id, a.content_hash FROM articles a "
                "JOIN _ids USING (article_id)",
            )

    def present_records(self, probe: pl.DataFrame) -> pl.Series:
        """Row ids (``rid``) of probe records already stored (see ``provenance.ingest.identity``).

        ``probe`` has rid, key (id or URL id, may be null), source, locator and
        body (the text as read, null for HTML records). Bodies are compared by
        md5 inside DuckDB, so no stored text leaves the database.
        """
        if not self.path.exists() or probe.height == 0:
            return pl.Series("rid", [], dtype=pl.Int64)
        with self.reader() as con:
            if not _has_table(con, "articles"):
                return pl.Series("rid", [], dtype=pl.Int64)
            # Step 1 reads ids, sources and locators only: a fresh batch (no match) never reads stored texts.
            con.register("_p", probe.select("rid", "key", "source", "locator", pl.col("body").is_null().alias("html"))
                         .to_arrow())
            hits = frame(
                con,
                """
                SELECT p.rid, a.doc, p.html FROM _p p JOIN articles a ON a.article_id = p.key
                UNION ALL
                SELECT p.rid, a.doc, p.html FROM _p p JOIN articles a
                  ON a.article_id LIKE '%~%' AND split_part(a.article_id, '~', 1) = p.key WHERE NOT p.html
                UNION ALL
                SELECT p.rid, a.doc, p.html FROM _p p JOIN articles a USING (source, locator)
                  WHERE p.key IS NULL OR p.html
                """,
            )
            con.unregister("_p")
            if hits.height == 0:
                return pl.Series("rid", [], dtype=pl.Int64)
            # An HTML record: its key, or its file and locator, is enough (a page read again from the same
            # file is the same page even when the URL read from it changed, as it does when the rule that
            # reads URLs improves: else re-reading a folder would store those pages twice).
            html = hits.filter("html")["rid"]
            text = hits.filter(~pl.col("html"))
            if text.height:  # step 2: the stored bodies of the matched docs only, by md5
                stored = frame(con, "SELECT doc, md5(coalesce(raw_text, text)) AS h FROM articles WHERE "
                                + _doc_filter(con, text["doc"].unique()))
                mine = probe.select("rid", "body").join(text.select("rid", "doc"), on="rid")
                con.register("_b", mine.to_arrow())
                ours = frame(con, "SELECT rid, doc, md5(body) AS h FROM _b")
                con.unregister("_b")
                same = ours.join(stored, on=["doc", "h"])["rid"]
            else:
                same = pl.Series("rid", [], dtype=pl.Int64)
            out = pl.DataFrame({"rid": pl.concat([html.cast(pl.Int64), same.cast(pl.Int64)]).unique()})
        return out.get_column("rid").cast(pl.Int64) if out.height else pl.Series("rid", [], dtype=pl.Int64)

    def rejects_recorded(self, rejects: pl.DataFrame) -> bool:
        """Whether every one of these rejects is already in the store (a re-run that adds nothing)."""
        if not self.path.exists():
            return False
        if rejects.height == 0:
            return True
        cols = ["source", "locator", "reason", "detail", "action"]
        with self.reader() as con:
            if not _has_table(con, "rejects"):
                return False
            con.register("_r", rejects.select(cols).unique().to_arrow())
            missing = con.execute(
                "SELECT count(*) FROM _r r WHERE NOT EXISTS (SELECT 1 FROM rejects s WHERE "
                + " AND ".join(f"s.{c} IS NOT DISTINCT FROM r.{c}" for c in cols) + ")"
            ).fetchall()[0][0]
        return missing == 0

    def clusters_present(self, cluster_ids: set[int]) -> int:
        """How many of these cluster ids the store holds now (a run's clusters new or grown)."""
        if not cluster_ids or not self.path.exists():
            return 0
        with self.reader() as con:
            con.register("_c", pl.DataFrame({"cluster_id": sorted(cluster_ids)}, schema={"cluster_id": pl.Int64}).to_arrow())
            return int(con.execute(
                "SELECT count(DISTINCT c.cluster_id) FROM clusters c JOIN _c USING (cluster_id)"
            ).fetchall()[0][0])

    def band_matches(self, bands: pl.DataFrame) -> pl.DataFrame:
        """Stored (band, key, doc) rows whose (band, key) occurs in ``bands``."""
        if not self.path.exists() or bands.height == 0:
            return schemas.empty(schemas.BANDS)
        q = bands.select("band", "key").unique()
        with self.reader() as con:
            if q.height <= _INDEX_LOOKUP_MAX:  # a search: constants let zone maps skip row groups
                keys = ", ".join(str(int(k)) for k in q["key"])
                out = frame(con, f"SELECT band, key, doc FROM bands WHERE key IN ({keys})")
                out = schemas.conform(out, schemas.BANDS).join(q, on=["band", "key"], how="semi")
            else:
                con.register("_q", q.to_arrow())
                out = frame(con, "SELECT b.band, b.key, b.doc FROM bands b JOIN _q USING (band, key)")
        return schemas.conform(out, schemas.BANDS)

    def anchor_postings(self, anchors: pl.Series, *, max_df: int) -> pl.DataFrame:
        """Stored (anchor, doc) rows for the given anchors, and each anchor's stored df.

        Anchors stored in more than ``max_df`` documents come back with their df
        but without postings: they are boilerplate and make no candidates.
        """
        schema = {"anchor": pl.UInt32, "doc": pl.Int64, "stored_df": pl.Int64}
        if not self.path.exists() or anchors.len() == 0:
            return pl.DataFrame(schema=schema)
        q = anchors.unique().drop_nulls()
        with self.reader() as con:
            if q.len() <= _INDEX_LOOKUP_MAX:  # a search: constants let zone maps skip row groups
                hits = f"SELECT anchor, doc FROM anchors WHERE anchor IN ({', '.join(str(int(a)) for a in q)})"
            else:
                con.register("_q", pl.DataFrame({"anchor": q}).to_arrow())
                hits = "SELECT a.anchor, a.doc FROM anchors a JOIN _q USING (anchor)"
            out = frame(
                con,
                f"""
                WITH hits AS ({hits}),
                     df AS (SELECT anchor, count(*) AS stored_df FROM hits GROUP BY anchor)
                SELECT h.anchor, CASE WHEN df.stored_df <= ? THEN h.doc END AS doc, df.stored_df
                FROM hits h JOIN df USING (anchor)
                """,
                [max_df],
            )
        return out.unique(["anchor", "doc"]).cast(schema)  # type: ignore[arg-type]

    def texts(self, docs: pl.Series | Sequence[int]) -> pl.DataFrame:
        """(doc, article_id, text, published_at) for the given docs."""
        docs = pl.Series("doc", docs, dtype=pl.Int64).unique()
        if docs.len() == 0 or not self.path.exists():
            return pl.DataFrame(schema={"doc": pl.Int64, "article_id": pl.String, "text": pl.String,
                                        "published_at": schemas.UTC_US})
        with self.reader() as con:
            return frame(con, f"SELECT doc, article_id, text, published_at FROM articles WHERE {_doc_filter(con, docs)}"
                              " ORDER BY doc").cast({"published_at": schemas.UTC_US})

    def source_pool(
        self, docs: pl.Series, since: datetime | None, until: datetime | None, *, limit: int | None = None,
        copy_share: float | None = None,
    ) -> pl.DataFrame:
        """(doc, article_id, outlet, text, published_at, published_precision, cluster_id) of ``docs`` and of
        the articles published between ``since`` and ``until`` (the ``limit`` latest): the stored articles a
        batch's articles may draw on. Without ``since`` (a batch without dates, or no window) there are no
        bounds: the ``limit`` latest of all, undated last. ``cluster_id`` is null for an article in no
        cluster.

        With ``copy_share``, a window article whose first source (``sources``) holds that share of it and
        is in the window itself is left out: the original stands for its copies, so a wire story carried
        by 300 sites costs one text, and the limit counts distinct texts. ``docs`` are always returned.
        """
        schema = {"doc": pl.Int64, "article_id": pl.String, "outlet": pl.String, "text": pl.String,
                  "published_at": schemas.UTC_US, "published_precision": pl.String, "cluster_id": pl.Int64}
        if not self.path.exists():
            return pl.DataFrame(schema=schema)
        cols = "doc, a.article_id, outlet, text, published_at, published_precision, c.cluster_id"
        rows = "articles a LEFT JOIN clusters c USING (doc)"
        with self.reader() as con:
            parts = [frame(con, f"SELECT {cols} FROM {rows} WHERE {_doc_filter(con, docs)}")]
            cap = f" ORDER BY published_at DESC NULLS LAST, doc DESC LIMIT {int(limit)}" if limit is not None else ""
            copies = ""
            if copy_share is not None and _has_table(con, "sources"):
                copies = (" AND doc NOT IN (SELECT s.doc FROM sources s JOIN win w ON w.doc = s.source_doc"
                          f" WHERE s.rank = 1 AND s.share >= {float(copy_share)!r})")
            unbounded = since is None or until is None
            bounds = "TRUE" if unbounded else "published_at BETWEEN ? AND ?"
            parts.append(frame(
                con,
                f"WITH win AS (SELECT doc, published_at FROM articles WHERE {bounds})"
                f" SELECT {cols} FROM {rows} WHERE doc IN (SELECT doc FROM win WHERE TRUE{copies}{cap})",
                None if unbounded else [since, until],
            ))
        return pl.concat([p.cast(schema) for p in parts if p.height] or [pl.DataFrame(schema=schema)]).unique("doc")

    def grades_of(self, article_ids: pl.Series) -> pl.DataFrame:
        """(article_id, grade) of the given articles from the ``sourced`` table (none before it existed)."""
        if article_ids.len() == 0 or not self.path.exists():
            return pl.DataFrame(schema={"article_id": pl.String, "grade": pl.String})
        with self.reader() as con:
            if not _has_table(con, "sourced"):
                return pl.DataFrame(schema={"article_id": pl.String, "grade": pl.String})
            con.register("_i", pl.DataFrame({"article_id": article_ids.unique()}).to_arrow())
            return frame(con, "SELECT s.article_id, s.grade FROM sourced s JOIN _i USING (article_id)")

    def cluster_of(self, docs: pl.Series) -> pl.DataFrame:
        """(doc, cluster_id) for those given docs that belong to a cluster."""
        if not self.path.exists() or docs.len() == 0:
            return pl.DataFrame(schema={"doc": pl.Int64, "cluster_id": pl.Int64})
        with self.reader() as con:
            con.register("_d", pl.DataFrame({"doc": docs.unique()}).to_arrow())
            return frame(con, "SELECT c.doc, c.cluster_id FROM clusters c JOIN _d USING (doc)")

    def members(self, cluster_ids: pl.Series) -> pl.DataFrame:
        """(doc, article_id, cluster_id) of every member of the given clusters."""
        with self.reader() as con:
            con.register("_c", pl.DataFrame({"cluster_id": cluster_ids.unique()}).to_arrow())
            return frame(
                con, "SELECT c.doc, c.article_id, c.cluster_id FROM clusters c JOIN _c USING (cluster_id)"
            )

    def articles(self, docs: pl.Series) -> pl.DataFrame:
        """Full ARTICLES rows for the given docs."""
        if docs.len() == 0 or not self.path.exists():
            return schemas.empty(schemas.ARTICLES)
        with self.reader() as con:
            out = frame(con, f"SELECT * FROM articles WHERE {_doc_filter(con, docs.unique())} ORDER BY doc")
        return schemas.conform(out, schemas.ARTICLES)

    def pairs_among(self, docs: pl.Series) -> pl.DataFrame:
        """Stored pairs whose both ends are among ``docs`` (PAIRS + a_doc, b_doc)."""
        cols = [*schemas.PAIRS.names(), "a_doc", "b_doc"]
        schema = {**dict(schemas.PAIRS), "a_doc": pl.Int64, "b_doc": pl.Int64}
        if docs.len() == 0 or not self.path.exists():
            return pl.DataFrame(schema=schema)
        with self.reader() as con:
            con.register("_d", pl.DataFrame({"doc": docs.unique()}).to_arrow())
            out = frame(
                con,
                f"SELECT {', '.join(cols)} FROM pairs WHERE a_doc IN (SELECT doc FROM _d) "
                "AND b_doc IN (SELECT doc FROM _d)",
            )
        return out.cast(schema)  # type: ignore[arg-type]

    def credits_of(self, article_ids: pl.Series) -> pl.DataFrame:
        if article_ids.len() == 0 or not self.path.exists():
            return schemas.empty(schemas.CREDITS)
        with self.reader() as con:
            if not _has_table(con, "credits"):
                return schemas.empty(schemas.CREDITS)
            con.register("_i", pl.DataFrame({"article_id": article_ids.unique()}).to_arrow())
            out = frame(con, "SELECT c.* FROM credits c JOIN _i USING (article_id)")
        return schemas.conform(out, schemas.CREDITS)

    def table(self, name: str, *, columns: Sequence[str] | None = None) -> pl.DataFrame:
        if name not in EXPORTABLE and name not in _known_tables():
            raise StoreError(f"unknown table {name!r}; tables: {', '.join(sorted(EXPORTABLE))}")
        wanted = list(columns or EXPORTABLE.get(name, ["*"]))
        cols = "*" if wanted == ["*"] else ", ".join(f'"{c}"' for c in wanted)
        return self.query(f'SELECT {cols} FROM "{name}"')

    # -- writes -------------------------------------------------------------------

    def write_batch(
        self,
        batch: dict[str, pl.DataFrame],
        *,
        config: Config,
        ingest: dict[str, Any],
        deletes: dict[str, tuple[str, pl.Series] | pl.DataFrame | None] | None = None,
        extra_meta: dict[str, str] | None = None,
    ) -> int:
        """Write one ingest in a single transaction; return the new store version.

        ``batch`` maps a table to rows to append (a table that does not exist yet
        is created from the frame). ``deletes`` runs first: ``{table: (column,
        values)}`` drops the rows whose column is in values (rows being
        recomputed, e.g. the clusters and lineage of merged clusters),
        ``{table: frame}`` drops the rows whose key (the frame's columns)
        is in the frame (an upsert, with the new rows in ``batch``), and
        ``{table: None}`` empties the table (tables rewritten whole).
        """
        with self.atomic() as con:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            version = int(meta.get("store_version", 0)) + 1
            for key, value in {
                "schema_version": str(SCHEMA_VERSION),
                "config": json.dumps(config.to_dict(), sort_keys=True),
                "store_version": str(version),
                "tokenizer": tokenizer_version(),
                "tool_version": __version__,
                "updated_at": _now().isoformat(),
                **(extra_meta or {}),
            }.items():
                _run(con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
            for table, spec in (deletes or {}).items():
                if not _has_table(con, table):
                    continue
                if spec is None:
                    _run(con, f'DELETE FROM "{table}"')
                    continue
                if isinstance(spec, pl.DataFrame):
                    if spec.height:
                        con.register("_del", spec.unique().to_arrow())
                        on = " AND ".join(f't."{c}" = _del."{c}"' for c in spec.columns)
                        _run(con, f'DELETE FROM "{table}" t USING _del WHERE {on}')
                        con.unregister("_del")
                    continue
                column, values = spec
                if values.len() == 0:
                    continue
                con.register("_del", pl.DataFrame({"v": values.unique()}).to_arrow())
                _run(con, f'DELETE FROM "{table}" WHERE "{column}" IN (SELECT v FROM _del)')
                con.unregister("_del")
            for name, df in batch.items():
                if df.height or not _has_table(con, name):
                    _append(con, name, df)
            # the docs whose dashboard status rows this batch changed, for an incremental refresh
            summaries.record_changes(con, meta, version, batch, deletes or {})
            row = {**ingest, "finished_at": _now(), "tool_version": __version__}
            cols = list(row)
            _run(
                con,
                f"INSERT INTO ingests ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [row[c] for c in cols],
            )
        return version

    def compact(self) -> None:
        """Rewrite the lookup tables (``bands``, ``anchors``) as one run sorted by key.

        Each ingest batch appends its own sorted run, and a lookup by key reads
        one row group per run; after a bulk ingest of several batches one
        sorted run makes a search's lookups that many times cheaper. One
        transaction, like every write. Row groups grow with the tables
        (:func:`compact_row_group_size`).
        """
        if not self.path.exists():
            return
        with self.reader() as con:
            rows = max(
                (con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("bands", "anchors")
                 if _has_table(con, t)),
                default=0,
            )
        size = compact_row_group_size(rows)
        with self.atomic(ddl="", row_group_size=size) as con:
            for table, key in (("bands", "key"), ("anchors", "anchor")):
                if _has_table(con, table):
                    _run(con, f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM "{table}" ORDER BY "{key}"')

    def write_override_change(
        self, *, new_rows: pl.DataFrame | None, removed: tuple[int, str, datetime] | None,
        renames: Sequence[tuple[str, str]], lineage: pl.DataFrame, external_nodes: pl.DataFrame,
        article_ids: Sequence[str], cluster_ids: Sequence[int],
    ) -> None:
        """One override added or removed (:mod:`provenance.trace.overrides`), in one transaction.

        Appends ``new_rows`` to ``overrides`` or stamps ``removed`` (id, who, when), renames the
        outlets of ``renames`` (article_id, outlet), replaces the lineage of ``article_ids`` and
        the external nodes of ``cluster_ids`` with the recomputed rows, and bumps
        ``store_version`` (which the dashboard's caches are keyed by).
        """
        # Without the writer lock, as overrides always wrote: the write waits for DuckDB's own file
        # lock (like a reader) instead of failing at once while an ingest runs.
        with self.atomic(ddl=OVERRIDES_DDL, lock=False) as con:
            if new_rows is not None:
                _append(con, "overrides", new_rows)
            if removed is not None:
                _run(con, "UPDATE overrides SET removed_at = ?, removed_by = ? WHERE override_id = ?",
                     [removed[2], removed[1], removed[0]])
            for article_id, outlet in renames:
                _run(con, "UPDATE articles SET outlet = ? WHERE article_id = ?", [outlet, article_id])
            if article_ids:
                con.register("_ids", pl.DataFrame({"article_id": list(article_ids)}).to_arrow())
                _run(con, "DELETE FROM lineage WHERE article_id IN (SELECT article_id FROM _ids)")
                con.register("_cids", pl.DataFrame({"cluster_id": list(cluster_ids)}, schema={"cluster_id": pl.Int64})
                             .to_arrow())
                _run(con, "DELETE FROM external_nodes WHERE cluster_id IN (SELECT cluster_id FROM _cids)")
                _append(con, "lineage", lineage)
                if external_nodes.height:
                    _append(con, "external_nodes", external_nodes)
            version = int(con.execute("SELECT coalesce(max(value::BIGINT), 0) FROM meta WHERE key = 'store_version'")
                          .fetchall()[0][0]) + 1
            _run(con, "INSERT OR REPLACE INTO meta VALUES ('store_version', ?)", [str(version)])
            summaries.build(con)  # the dashboard's status tables, committed with the lineage they describe

    def summaries_current(self) -> bool:
        """Whether the dashboard's status tables describe the store as it is (:func:`summaries.is_current`)."""
        with self.reader() as con:
            if not _has_table(con, "meta"):
                return False
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return summaries.is_current(meta, tables)

    def refresh_summaries(self) -> None:
        """Bring the dashboard's precomputed status tables (:mod:`provenance.summaries`) up to the store as
        it is now, in one transaction: the rows of the articles the writes since the last build changed
        (and of their clusters), or a full rebuild (4.7 s at 1M articles) when those are not known. Once
        after a run of writes, not per batch; until it runs, the dashboard computes the same figures live."""
        with self.atomic(ddl="") as con:
            summaries.refresh(con)

    def initialize(self, config: Config) -> None:
        """Create an empty store (used by tests and `provenance init`)."""
        self.write_batch({}, config=config, ingest={"ingest_id": 0, "started_at": _now(), "sources": "[]",
                                                     "added": 0, "already_present": 0, "rejected": 0,
                                                     "repaired": 0, "pairs_added": 0})


#: The ``overrides`` table, created by the first override (a store without one has none).
OVERRIDES_DDL = (
    "CREATE TABLE IF NOT EXISTS overrides (override_id BIGINT, kind VARCHAR, subject VARCHAR, object VARCHAR, "
    "value VARCHAR, author VARCHAR, note VARCHAR, created_at TIMESTAMPTZ, removed_at TIMESTAMPTZ, removed_by VARCHAR)"
)

#: Rows per row group in what we write (DuckDB's default is 122,880). A lookup
#: by key reads whole row groups, so a search's ~60 band and anchor keys cost
#: 8x less with small ones: 1M store, 32 band keys 83 -> 22 ms, 30 anchors
#: 69 -> 20 ms, the file 5% smaller. The size is an ATTACH option, not stored
#: in the file, so only the writer sets it.
ROW_GROUP_SIZE = 16_384


def duckdb_memory_limit() -> str:
    """What DuckDB may hold: ``PROVENANCE_DUCKDB_MEMORY`` (e.g. ``8GB``), else a fifth of RAM.

    DuckDB's own default is 80% of RAM, and it fills it before spilling: the
    compaction after a 10M-article ingest (sorting 320M band rows) peaked at
    12.2 GB that way, 3.6 GB under a 3 GB limit in the same 61 s. The batch
    itself lives in polars, outside this limit, so DuckDB gets a share.
    """
    env = os.environ.get("PROVENANCE_DUCKDB_MEMORY", "").strip()
    if env:
        return env
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX
        return "4GB"
    return f"{max(1024, ram // 5 // 2**20)}MB"


#: A compacted lookup table is cut into at most about this many row groups.
#: Every search opens a fresh read-only connection, which loads each row
#: group's metadata: at 10M articles (320M band rows) 16k-row groups made a
#: search's p50 412 ms, 122,880-row groups (DuckDB's default) 197 ms.
COMPACT_ROW_GROUPS = 2048


def compact_row_group_size(rows: int) -> int:
    """Rows per row group for a compacted table of ``rows``: small groups until there are too many."""
    per = -(-rows // COMPACT_ROW_GROUPS)
    per = -(-per // 2048) * 2048  # DuckDB's vectors are 2,048 rows
    return min(122_880, max(ROW_GROUP_SIZE, per))


def _open_writer(path: Path, row_group_size: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        # Spills next to the store, as a file database's own connection would (not in the working directory).
        tmp = (str(path) + ".tmp").replace("'", "''")
        con.execute(f"SET temp_directory = '{tmp}'")
        con.execute(f"ATTACH '{quoted}' AS store (ROW_GROUP_SIZE {row_group_size})")
        con.execute("USE store")
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
    """One transaction: committed whole, or rolled back whole; a DuckDB failure (disk full, a read-only
    file) becomes a :class:`StoreError` that says nothing was written."""
    _run(con, "BEGIN TRANSACTION")
    try:
        yield
        _run(con, "COMMIT")
    except BaseException as e:
        _rollback(con)
        if isinstance(e, duckdb.Error):
            raise StoreError(f"writing store {path} failed, nothing of this batch was stored: {_first_line(e)}") from e
        raise


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, if the connection still can: after an I/O error DuckDB may have invalidated it."""
    with suppress(duckdb.Error):
        _run(con, "ROLLBACK")


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:300]


def _known_tables() -> set[str]:
    return {"meta", "ingests", "articles", "rejects", "signatures", "bands", "anchors", "pairs",
            "clusters", "chrome_stats", "credits", "lineage", "external_nodes", "overrides", "cluster_events"}


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    q = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?"  # 10x faster than information_schema
    return bool(con.execute(q, [name]).fetchall()[0][0])


def _doc_filter(con: duckdb.DuckDBPyConnection, docs: pl.Series) -> str:
    """A WHERE clause selecting ``docs``: index lookups for a few, a semi-join on ``_d`` for many."""
    docs = docs.cast(pl.Int64).drop_nulls()
    if docs.len() == 0:
        return "FALSE"
    if docs.len() <= _INDEX_LOOKUP_MAX:
        return f"doc IN ({', '.join(str(int(d)) for d in docs)})"  # integers only: nothing to inject
    con.register("_d", pl.DataFrame({"doc": docs}).to_arrow())
    return "doc IN (SELECT doc FROM _d)"


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> pl.DataFrame:
    """The one duckdb -> polars step: run ``sql`` on ``con`` and return its rows as a polars frame.

    Every read of the store, the report's and the dashboard's included, goes through here, so a
    DuckDB failure always becomes a :class:`StoreError`, and an empty parameter list means none.
    """
    try:
        rel = con.sql(sql, params=params) if params else con.sql(sql)
        if rel is None:
            return pl.DataFrame()
        out = pl.from_arrow(rel.to_arrow_table())
    except duckdb.Error as e:
        raise StoreError(f"store query failed: {e}") from e
    assert isinstance(out, pl.DataFrame)
    return out


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> None:
    """Execute a statement and drain its result (DuckDB 2 refuses new work on an undrained one)."""
    cur = con.execute(sql, params) if params is not None else con.execute(sql)
    cur.fetchall()


def _append(con: duckdb.DuckDBPyConnection, table: str, df: pl.DataFrame) -> None:
    """Append ``df`` to ``table``, creating the table from the frame if it is new."""
    con.register("_batch", df.to_arrow())
    try:
        if _has_table(con, table):
            cols = ", ".join(f'"{c}"' for c in df.columns)
            _run(con, f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _batch')
        else:
            _run(con, f'CREATE TABLE "{table}" AS SELECT * FROM _batch')
    finally:
        con.unregister("_batch")
