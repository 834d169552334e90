"""The table of contents: read → extract → dedupe → fingerprint → candidates →
verify → credits → sourced → cluster → lineage → one transactional write.

Everything is computed before the store is opened for writing, so readers
(the dashboard) are locked out only for the final transaction, and a crash at
any point before COMMIT leaves the store exactly as it was.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from provenance import schemas
from provenance.config import Config
from provenance.detect.candidates import anchor_frame, band_frame, candidate_pairs
from provenance.detect.cluster import assign_clusters
from provenance.detect.fingerprint import band_keys, comparable, fingerprints, too_short_rejects
from provenance.detect.history import events_of_batch
from provenance.detect.sourced import COPY_CONTAINMENT, sourced_share
from provenance.detect.verify import overlaps, verified_pairs
from provenance.engine.parallel import background_credits, parallel_extract, parallel_lineage
from provenance.ingest import iter_sources
from provenance.ingest.identity import split_present
from provenance.lock import write_lock
from provenance.store import Store
from provenance.trace.agency_sites import signed_sites
from provenance.trace.attribution import Registry, agency_copies, load_registry, read_agency_file
from provenance.trace.lineage import graded
from provenance.trace.overrides import OVERRIDES, apply_aliases, apply_to_lineage, without_rejected
from provenance.trace.overrides import active as active_overrides

#: Stored articles from the rewrite window a batch may draw on: at least this many, else as many as the
#: batch holds (provenance.detect.sourced).
POOL_FLOOR = 50_000

#: Records above this many characters (text or HTML) are rejected before extraction. Cleaning is
#: linear (about 0.9 s per million characters, measured), but one such record is a dump or a
#: book rather than an article, and texts are cut to ``Config.max_text_chars`` anyway.
MAX_RECORD_CHARS = 5_000_000


@dataclass
class IngestReport:
    """What one ingest did, for the CLI summary and for tests."""

    ingest_id: int = 0
    read: int = 0
    added: int = 0
    already_present: int = 0
    pairs_added: int = 0
    clusters_touched: int = 0
    rejects: pl.DataFrame = field(default_factory=lambda: schemas.empty(schemas.REJECTS))
    timings: dict[str, float] = field(default_factory=dict)
    store_version: int = 0
    touched: set[int] = field(default_factory=set)  # cluster ids new or grown (per batch)

    def reject_summary(self) -> list[tuple[str, str, int, list[str]]]:
        """(action, reason, count, first locators) per reason, most frequent first."""
        if self.rejects.height == 0:
            return []
        g = (
            self.rejects.group_by("action", "reason")
            .agg(pl.len().alias("n"), pl.coalesce("locator", "source").head(3).alias("where"), pl.col("source").first())
            .sort("n", descending=True)
        )
        return [(r["action"], r["reason"], r["n"], [str(w) for w in r["where"]]) for r in g.iter_rows(named=True)]


class _Steps:
    """Times each stage and shows it on a rich progress display (or stays quiet)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[None]:
        task = self.progress.add_task(name, total=total) if self.progress else None
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 3)
            if self.progress and task is not None:
                self.progress.update(task, completed=total or 1, total=total or 1)


def progress_display(console: Console | None = None) -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.completed:>9,.0f}"),
        TimeElapsedColumn(), console=console or Console(stderr=True), transient=False,
    )


def ingest(
    paths: Sequence[str | Path],
    *,
    store: Store,
    config: Config | None = None,
    format: str | None = None,
    field_map: Mapping[str, str] | None = None,
    registry: Registry | None = None,
    progress: Progress | None = None,
    batch_size: int = 150_000,
    agencies: str | Path | None = None,
    max_record_chars: int = MAX_RECORD_CHARS,
) -> IngestReport:
    """Ingest ``paths`` into ``store`` and link the new articles to everything stored.

    A record whose text or HTML holds more than ``max_record_chars`` characters
    is rejected (``oversized_record``) before any work on it.

    Inputs of up to ``batch_size`` records are one transaction. Larger inputs
    are read and committed batch by batch (big Parquet files stream by row
    groups), each batch linked to everything stored before it, which bounds
    memory; a crash leaves every finished batch stored and consistent, and
    running the same command again resumes (the stored articles count as
    already present). ``agencies`` (TOML or YAML, the keys of ``agencies.toml``)
    declares agencies or their sites; it is stored and merged with the built-in
    registry by this and every later ingest and report.
    """
    with write_lock(store.path):  # one writer, checked before any work
        return _ingest(paths, store=store, config=config, format=format, field_map=field_map,
                       registry=registry, progress=progress, batch_size=batch_size,
                       max_record_chars=max_record_chars, agencies=agencies)


def _ingest(
    paths: Sequence[str | Path],
    *,
    store: Store,
    config: Config | None,
    format: str | None,
    field_map: Mapping[str, str] | None,
    registry: Registry | None,
    progress: Progress | None,
    batch_size: int,
    max_record_chars: int,
    agencies: str | Path | None,
) -> IngestReport:
    if agencies is not None:  # declared once, kept in the store for every later run
        store.declare_agencies(read_agency_file(agencies))
    registry = registry or load_registry(entries=store.agencies())
    steps = _Steps(progress)
    config = config or store.state().config or Config()
    store.check_config(config)
    total = IngestReport()
    sources = json.dumps([str(p) for p in paths])
    own = [store.path.with_name(store.path.name + end) for end in ("", ".wal", ".lock")]  # a store in its input folder
    pieces = iter_sources(paths, format=format, field_map=field_map, batch_records=batch_size, skip=own)
    batches = written = 0
    touched: set[int] = set()
    while True:
        with steps.step("read"):
            piece = next(pieces, None)
        if piece is None:
            break
        raw, rejects = piece
        total.read += raw.height
        for start in range(0, max(raw.height, 1), batch_size):
            part = _ingest_batch(
                raw.slice(start, batch_size), rejects if start == 0 else schemas.empty(schemas.REJECTS),
                store=store, config=config, registry=registry, steps=steps, sources=sources,
                max_record_chars=max_record_chars, batch_size=batch_size,
            )
            total.ingest_id = total.ingest_id or part.ingest_id
            total.added += part.added
            total.already_present += part.already_present
            total.pairs_added += part.pairs_added
            touched.update(part.touched)
            total.rejects = pl.concat([total.rejects, part.rejects])
            total.store_version = part.store_version or total.store_version or store.state().version
            batches += 1
            written += part.store_version > 0
        del raw, rejects, piece
    # Per run, not per batch: a cluster grown in three batches (or merged away later) counts once.
    total.clusters_touched = store.clusters_present(touched) if touched else 0
    if written > 1:  # one sorted run per batch: merge them so lookups read one
        with steps.step("compact"):
            store.compact()
    if written:
        with steps.step("summaries"):
            store.refresh_summaries()
    total.timings = steps.timings
    return total


def _ingest_batch(
    raw: pl.DataFrame,
    rejects: pl.DataFrame,
    *,
    store: Store,
    config: Config,
    registry: Registry,
    steps: _Steps,
    sources: str,
    max_record_chars: int = 0,
    batch_size: int = 0,
) -> IngestReport:
    """One transaction: extract, dedupe, fingerprint, link, trace and write ``raw``."""
    state = store.state()
    started = datetime.now(UTC)
    n_read = raw.height
    with steps.step("deduplicate"):
        raw, known = split_present(raw, store)  # identity from the source, before cleaning
    if max_record_chars:
        raw, too_big = _oversized(raw, max_record_chars)
        rejects = pl.concat([schemas.conform(rejects, schemas.REJECTS), too_big])
    with steps.step("extract", total=raw.height):
        articles, ext_rejects, chrome = parallel_extract(  # both cores only when PROVENANCE_PARALLEL_EXTRACT_ROWS says
            raw, config=config, chrome_stats=store.chrome_counts, line_sites=store.chrome_line_sites
        )
    overrides = active_overrides(store)  # editorial corrections apply to every ingest
    articles = apply_aliases(articles, overrides)
    rejects = pl.concat([schemas.conform(rejects, schemas.REJECTS), schemas.conform(ext_rejects, schemas.REJECTS)])
    with steps.step("deduplicate"):
        articles, dup_rejects, already = _dedupe(articles, store)
    already += known
    rejects = pl.concat([rejects, dup_rejects])
    report = IngestReport(ingest_id=state.next_ingest, read=n_read, already_present=already)
    articles = articles.with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + state.next_doc).alias("doc"),
        pl.lit(started).cast(schemas.UTC_US).alias("ingested_at"),
        pl.lit(report.ingest_id, dtype=pl.Int64).alias("ingest_id"),
    )
    articles = schemas.conform(articles, schemas.ARTICLES)

    credits_of_batch = background_credits(articles, registry=registry, folder=store.path.parent)  # in a worker meanwhile
    with steps.step("fingerprint", total=articles.height):
        fp = fingerprints(articles["text"], config=config)
        bands, rows = config.lsh_bands_rows
        ok = comparable(fp.n_tokens, fp.n_shingles, config)
        docs = articles["doc"].to_numpy()
        new_bands = band_frame(band_keys(fp.minhash, bands=bands, rows=rows), docs, fingerprinted=ok)
        new_anchors = anchor_frame(fp.anchor_offsets, fp.anchors, docs).filter(
            pl.col("doc").is_in(pl.Series(docs[ok]).implode())
        )
    if not ok.all():
        rejects = pl.concat([rejects, schemas.conform(too_short_rejects(articles, fp, ok, config), schemas.REJECTS)])

    with steps.step("candidates"):
        n_total = state.next_doc + articles.height
        cap = config.anchor_cap(n_total)
        old_bands = store.band_matches(new_bands)
        postings = store.anchor_postings(new_anchors["anchor"], max_df=cap)
        all_bands = pl.concat([old_bands, new_bands])
        all_anchors = pl.concat([postings.filter(pl.col("doc").is_not_null()).select("anchor", "doc"), new_anchors])
        cands = candidate_pairs(
            all_bands, all_anchors, first_new=state.next_doc, min_shared_anchors=config.min_shared_anchors,
            max_df=cap, stored_df=postings.select("anchor", "stored_df").unique(),
        )
    with steps.step("verify", total=cands.height):
        involved = pl.concat([cands["a"], cands["b"]]).unique()
        old = store.texts(involved.filter(involved < state.next_doc))
        texts = pl.concat([old.select("doc", "text"), articles.select("doc", "text")])
        verified = verified_pairs(cands, texts, config=config)
        ids = pl.concat([old.select("doc", "article_id"), articles.select("doc", "article_id")])
        pairs = (
            verified.join(ids.rename({"doc": "a_doc", "article_id": "a"}), on="a_doc")
            .join(ids.rename({"doc": "b_doc", "article_id": "b"}), on="b_doc")
        )
        pairs = pairs.select([*schemas.PAIRS.names(), "a_doc", "b_doc"])
    with steps.step("credits", total=articles.height):  # the rewrite decision reads which texts are agency copy
        new_credits = credits_of_batch()
    source_links = sourced = None
    if config.rewrites:
        with steps.step("sourced", total=articles.height):
            pairs, source_links, sourced = _sourced(store, articles, fp.n_tokens, verified, pairs, old["doc"],
                                                    new_credits, config=config, registry=registry)
    with steps.step("cluster"):
        existing = store.cluster_of(pl.concat([pairs["a_doc"], pairs["b_doc"]]).unique())
        dates = pl.concat([old.select("doc", "published_at"), articles.select("doc", "published_at")])
        changes, merged = assign_clusters(pairs, existing, dates)
        if merged.height:
            moved = store.members(merged["old_id"]).join(merged.rename({"cluster_id": "new"}),
                                                         left_on="cluster_id", right_on="old_id")
            changes = pl.concat([changes, moved.select("doc", pl.col("new").alias("cluster_id"))]).unique("doc")
        members = store.members(merged["old_id"]) if merged.height else None
        id_map = pl.concat([ids, members.select("doc", "article_id")]) if members is not None else ids
        clusters = changes.join(id_map.unique("doc"), on="doc", how="left").select("article_id", "cluster_id", "doc")
        events = events_of_batch(store, clusters, merged, ingest_id=report.ingest_id, at=started)

    with steps.step("lineage"):
        lin, ext, lineage_deletes = _lineage_update(
            store, articles, pairs, clusters, new_credits, merged["old_id"], registry=registry, config=config,
            overrides=overrides,
        )

    if sourced is not None:  # the sourced decision's grade, for this batch's and the older members
        older = lin.join(sourced.select("article_id"), on="article_id", how="anti")["article_id"]
        lin = graded(lin, pl.concat([sourced.select("article_id", "grade"), store.grades_of(older)]))
    report.rejects = rejects
    report.added = articles.height
    report.pairs_added = pairs.height
    report.clusters_touched = clusters["cluster_id"].n_unique()
    report.touched = set(clusters["cluster_id"].to_list())
    if articles.height == 0 and store.rejects_recorded(rejects):
        return report  # a batch that adds nothing changes nothing: no ingest row, no new version
    sig = pl.DataFrame(
        {"doc": docs, "n_tokens": fp.n_tokens, "n_shingles": fp.n_shingles, "minhash": fp.minhash},
    ).with_columns(pl.col("minhash").cast(pl.List(pl.UInt32)))
    ingest_row = {
        "ingest_id": report.ingest_id, "started_at": started,
        "sources": sources, "added": report.added,
        "already_present": already, "rejected": int((rejects["action"] == "skipped").sum()),
        "repaired": int((rejects["action"] != "skipped").sum()), "pairs_added": report.pairs_added,
    }
    with steps.step("write"):
        report.store_version = store.write_batch(
            {
                "articles": articles,
                "rejects": rejects.with_columns(pl.lit(report.ingest_id, dtype=pl.Int64).alias("ingest_id")),
                "signatures": sig,
                "bands": new_bands.sort("key"),  # zone maps on key serve lookups
                "anchors": new_anchors.sort("anchor"),
                "pairs": pairs,
                "clusters": clusters,
                "chrome_stats": schemas.conform(chrome, schemas.CHROME_STATS),  # touched keys, new totals
                "credits": new_credits,
                "lineage": lin,
                "external_nodes": ext,
                **({"sources": source_links, "sourced": sourced} if sourced is not None else {}),
                "cluster_events": events,
            },
            config=config,
            ingest=ingest_row,
            extra_meta={"ingest_options": json.dumps({"batch_size": batch_size, "max_record_chars": max_record_chars})},
            deletes={
                "clusters": ("doc", clusters["doc"]),
                "chrome_stats": chrome.select("outlet", "line_hash"),
                **lineage_deletes,
            },
        )
    return report


def _sourced(
    store: Store, articles: pl.DataFrame, n_tokens: np.ndarray, verified: pl.DataFrame, pairs: pl.DataFrame,
    partners: pl.Series, new_credits: pl.DataFrame, *, config: Config, registry: Registry,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The batch's sourced shares, and its pairs with the rewrites the sourced decision accepts.
    ``n_tokens``: each article's token count, from its fingerprint; ``new_credits``: the batch's credits
    (with the stored ones of the pool, they tell which texts are agency copy).

    Sources are looked for among the batch, the stored articles it already pairs with, and the stored
    articles published within the rewrite window before the batch's articles. A link between two
    articles that verification did not pair becomes a pair with ``via`` "rewrite".
    Returns (pairs, SOURCES with article ids, SOURCED with article ids).
    """
    t = articles["published_at"].drop_nulls()
    since = until = None
    if t.len() and config.rewrite_window_days is not None:
        since, until = t.min() - timedelta(days=config.rewrite_window_days), t.max()
    # A batch without any date (or any batch, without a window) may draw on any stored article: the
    # latest, under the same limit. A batch with dates draws on its window, its undated articles too,
    # and stored undated articles are not in it (each batch would re-read every one of them: at 1M,
    # 54k texts, which doubled a 10k increment's rewrite stage).
    # Bounded: at most as many stored articles from the window as the batch holds (the latest), so a
    # batch spanning months of an old store does not load the store; what falls outside is said in
    # docs/ARCHITECTURE.md, not silently assumed away.
    stored = store.source_pool(partners, since, until, limit=max(articles.height, POOL_FLOOR),
                               copy_share=COPY_CONTAINMENT)
    new = articles.select(stored.drop("cluster_id").columns).with_columns(
        pl.lit(None, pl.Int64).alias("cluster_id"), pl.Series("n_tokens", n_tokens, dtype=pl.Int64)
    )
    pool = pl.concat([stored, new], how="diagonal").unique("doc")
    credits = pl.concat([store.credits_of(stored["article_id"]), new_credits])
    agency = pool.join(agency_copies(pool.select("article_id", "outlet"), credits, registry).to_frame(),
                       on="article_id", how="semi")["doc"]
    src, summary = sourced_share(pool, new_docs=articles["doc"], verified=verified, config=config, agency_copy=agency)
    ids = pool.select("doc", "article_id")
    links = _links(src, summary).join(pairs.select(pl.col("a_doc").alias("a"), pl.col("b_doc").alias("b")),
                                      on=["a", "b"], how="anti")
    extra = overlaps(links.select("a", "b", pl.lit("rewrite").alias("via")), pool.select("doc", "text"), config=config)
    extra = _tiled(extra, links)
    extra = (
        extra.join(ids.rename({"doc": "a_doc", "article_id": "a"}), on="a_doc")
        .join(ids.rename({"doc": "b_doc", "article_id": "b"}), on="b_doc")
        .select(pairs.columns)
    )
    src = src.join(ids, on="doc").join(ids.rename({"doc": "source_doc", "article_id": "source_id"}), on="source_doc")
    summary = summary.join(ids, on="doc")
    return (
        pl.concat([pairs, extra.cast(pairs.schema)]),
        src.select("article_id", "source_id", *src.columns[:-2]),
        summary.select("article_id", *summary.columns[:-1]),
    )


def _links(src: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """(a, b, cov_a, cov_b): each source link as a canonical pair (a < b), with the share of the later
    text that the source's tiles cover alone (``own_tokens`` / ``n_tokens``) on that text's side."""
    cov = pl.col("own_tokens") / pl.col("n_tokens").clip(lower_bound=1)
    return (
        src.join(summary.select("doc", "n_tokens"), on="doc")
        .select(pl.min_horizontal("doc", "source_doc").alias("a"), pl.max_horizontal("doc", "source_doc").alias("b"),
                pl.when(pl.col("doc") < pl.col("source_doc")).then(cov).alias("cov_a"),
                pl.when(pl.col("doc") > pl.col("source_doc")).then(cov).alias("cov_b"))
        .group_by("a", "b").agg(pl.col("cov_a").max(), pl.col("cov_b").max())
    )


def _tiled(extra: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Rewrite pairs whose later text's containment is at least the share of it its source's tiles cover
    (``links``: :func:`_links`). A rewrite shares runs of three or four words, which five-word shingles
    miss: a story 20% written from a wire text can share no shingle with it, and a containment of 0
    would tell lineage it explains nothing of the story."""
    return (
        extra.join(links.rename({"a": "a_doc", "b": "b_doc"}), on=["a_doc", "b_doc"], how="left")
        .with_columns(pl.max_horizontal("containment_a_in_b", "cov_a").alias("containment_a_in_b"),
                      pl.max_horizontal("containment_b_in_a", "cov_b").alias("containment_b_in_a"))
        .drop("cov_a", "cov_b")
    )


def _oversized(raw: pl.DataFrame, limit: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split off records whose text or HTML is longer than ``limit`` characters, as rejects."""
    size = pl.max_horizontal(pl.col("text").str.len_chars().fill_null(0), pl.col("html").str.len_chars().fill_null(0))
    big = raw.filter(size > limit)
    if big.height == 0:
        return raw, schemas.empty(schemas.REJECTS)
    rej = big.select(
        "source", "locator", pl.lit("oversized_record").alias("reason"),
        pl.format("record of {} characters, over the limit of {} (--max-record-chars); not read", size, pl.lit(limit))
        .alias("detail"),
        pl.lit("skipped").alias("action"),
    )
    return raw.filter(size <= limit), schemas.conform(rej, schemas.REJECTS)


def _lineage_update(
    store: Store,
    new: pl.DataFrame,
    new_pairs: pl.DataFrame,
    cluster_rows: pl.DataFrame,
    new_credits: pl.DataFrame,
    merged_ids: pl.Series,
    *,
    registry: Registry,
    config: Config,
    overrides: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, tuple[str, pl.Series] | None]]:
    """Lineage of the new articles and of every cluster they touched, and what it replaces.

    A cluster's lineage depends on all its members, so a cluster that gained a
    member is recomputed whole; untouched clusters keep their stored rows.
    Articles that were alone and now joined a cluster lose their old row.
    """
    touched = cluster_rows["cluster_id"].unique()
    old_members = store.members(touched) if touched.len() and store.exists() else None
    # Stored articles of the touched clusters: their stored members, and stored articles that were alone
    # (in no cluster: not among the members) and joined one in this batch.
    first_new = new["doc"].min() if new.height else 0
    old_docs = pl.concat([
        old_members["doc"] if old_members is not None else pl.Series("doc", [], dtype=pl.Int64),
        cluster_rows["doc"].cast(pl.Int64),
    ]).unique().sort()
    old_docs = old_docs.filter(old_docs < first_new)
    old_articles = store.articles(old_docs)
    arts = pl.concat([old_articles, new.select(old_articles.columns)]) if old_articles.height else new
    ids = arts["article_id"]
    stored_pairs = store.pairs_among(old_docs)
    pairs = pl.concat([stored_pairs, new_pairs.select(stored_pairs.columns)]) if stored_pairs.height else new_pairs
    cred = pl.concat([store.credits_of(old_articles["article_id"]), new_credits])
    clusters = pl.concat(
        [
            (old_members.select("article_id", "cluster_id") if old_members is not None
             else pl.DataFrame(schema={"article_id": pl.String, "cluster_id": pl.Int64})),
            cluster_rows.select("article_id", "cluster_id"),
        ]
    ).unique("article_id", keep="last")
    ov = overrides if overrides is not None else schemas.empty(OVERRIDES)
    registry = registry.with_sites(signed_sites(arts, cred, clusters, registry))
    result = parallel_lineage(arts, without_rejected(pairs, ov), clusters, cred, registry=registry, config=config)
    gone = pl.concat([touched, merged_ids, old_docs, new["doc"]]).cast(pl.Int64)
    deletes: dict[str, tuple[str, pl.Series] | None] = {
        "lineage": ("article_id", ids),
        "external_nodes": ("cluster_id", gone),
    }
    return apply_to_lineage(result.lineage, arts.select("article_id", "outlet"), ov), result.external_nodes, deletes


def _dedupe(articles: pl.DataFrame, store: Store) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Resolve duplicate ids: (articles to add, rejects, count already in the store).

    Same id and same text: the record is the same article; later copies are
    skipped and one already stored counts as already present. Same id with
    other text (an updated story, a careless feed): kept under the id
    ``<id>~<8 hex of its text hash>``, and said so.
    """
    if articles.height == 0:
        return articles, schemas.empty(schemas.REJECTS), 0
    a = articles.with_row_index("_row")
    stored = store.existing_ids(a["article_id"]).rename({"content_hash": "_stored"})
    a = a.join(stored, on="article_id", how="left").with_columns(
        pl.col("content_hash").first().over("article_id", order_by="_row").alias("_first")
    )
    conflict = (pl.col("_stored").is_not_null() & (pl.col("_stored") != pl.col("content_hash"))) | (
        pl.col("_first") != pl.col("content_hash")
    )
    a = a.with_columns(
        conflict.alias("_conflict"),
        pl.when(conflict)
        .then(pl.format("{}~{}", "article_id", pl.col("content_hash").str.slice(0, 8)))
        .otherwise("article_id")
        .alias("_new_id"),
    )
    repaired = a.filter("_conflict").select(
        "source", "locator", pl.lit("duplicate_id").alias("reason"),
        pl.format("id {} already used for another text; stored as {}", "article_id", "_new_id").alias("detail"),
        pl.lit("repaired").alias("action"),
    )
    a = a.with_columns(pl.col("_new_id").alias("article_id")).drop("_stored", "_first", "_conflict", "_new_id")
    # Repaired ids may themselves be stored already (re-ingest of the same file).
    stored2 = store.existing_ids(a["article_id"]).rename({"content_hash": "_stored"})
    a = a.join(stored2, on="article_id", how="left")
    present = a.filter(pl.col("_stored") == pl.col("content_hash"))
    a = a.filter(pl.col("_stored").is_null() | (pl.col("_stored") != pl.col("content_hash")))
    dup = a.filter(pl.col("article_id").is_duplicated() & (pl.col("_row") != pl.col("_row").min().over("article_id")))
    a = a.unique("article_id", keep="first", maintain_order=True)
    dup_rejects = dup.select(
        "source", "locator", pl.lit("duplicate_record").alias("reason"),
        pl.format("same id {} and same text as an earlier record", "article_id").alias("detail"),
        pl.lit("skipped").alias("action"),
    )
    rejects = pl.concat([schemas.conform(repaired, schemas.REJECTS), schemas.conform(dup_rejects, schemas.REJECTS)])
    return a.drop("_row", "_stored"), rejects, present["article_id"].n_unique()

