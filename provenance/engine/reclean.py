"""``provenance reclean``: clean stored texts again with what the store knows about chrome now.

Chrome (menus, share lines, outlet slogans) is learned per outlet as pages
arrive, so an early page may keep a line that later pages showed to be
chrome. Re-ingesting the page does not fix that (identity comes from the
source: it is already present, see ``provenance.ingest.identity``); this command
does, in place:

* every stored article (of one outlet, or all) is cleaned again from the body
  it was read with (``raw_text``, or ``text`` when cleaning had changed
  nothing), with its stored title, byline, URL, outlet and date, and under its
  own id and doc number;
* the chrome counts are not counted twice: the article's own contribution is
  taken out of the stored counts before cleaning, so extraction sees exactly
  the store's knowledge (checked: the totals it returns must equal the stored
  ones);
* for the articles whose text changed: text, hash, fingerprints, pairs,
  clusters (recomputed as components over every cluster they touched, so a
  cluster can split as well as merge; ids stay the smallest doc), credits and
  the lineage of every touched cluster are replaced in one transaction,
  recorded as an ``ingests`` row with ``sources = ["reclean"]``.

Not yet redone: the rewrite stage (``provenance.detect.sourced``). A changed article's verified pairs are
found again, but its rewrite pairs are dropped and its ``sourced``/``sources`` rows keep the share
measured on the old text; lineage grades use those stored rows. Memory: the articles of the chosen
outlet(s) are loaded at once, so reclean a big store one ``--outlet`` at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from provenance import schemas
from provenance.config import Config
from provenance.detect.candidates import anchor_frame, band_frame, candidate_pairs
from provenance.detect.cluster import story_edges
from provenance.detect.fingerprint import band_keys, comparable, fingerprints
from provenance.detect.verify import verified_pairs
from provenance.engine.parallel import parallel_credits, parallel_lineage
from provenance.errors import StoreError
from provenance.extract.clean import extract
from provenance.extract.dates import local_iso
from provenance.lock import write_lock
from provenance.queries import stored_articles
from provenance.store import Store
from provenance.trace.attribution import Registry, load_registry
from provenance.trace.lineage import graded


@dataclass
class RecleanReport:
    """What a reclean did."""

    checked: int = 0
    changed: int = 0
    pairs_before: int = 0
    pairs_after: int = 0
    clusters_touched: int = 0
    store_version: int = 0


def reclean(store: Store, *, outlet: str | None = None, registry: Registry | None = None) -> RecleanReport:
    """Clean stored texts again; replace what depends on the ones that changed, in one transaction."""
    with write_lock(store.path):
        return _reclean(store, outlet=outlet, registry=registry or load_registry())


def _reclean(store: Store, *, outlet: str | None, registry: Registry) -> RecleanReport:
    if not store.exists():
        raise StoreError(f"no store at {store.path} (run `provenance ingest` first)")
    state = store.state()
    config = state.config or Config()
    arts = schemas.conform(stored_articles(store, outlet), schemas.ARTICLES)
    report = RecleanReport(checked=arts.height, store_version=state.version)
    if arts.height == 0:
        return report
    raw = _as_raw(arts)
    mine = _own_counts(raw)
    stored = store.chrome_counts

    def others(keys: pl.DataFrame) -> pl.DataFrame:  # stored counts without these pages' own
        s = stored(keys).join(mine.rename({"pages": "own"}), on=["outlet", "line_hash"], how="left")
        return s.select("outlet", "line_hash", (pl.col("pages") - pl.col("own").fill_null(0)).clip(0).alias("pages"))

    new, _, totals = extract(raw, config=config, chrome_stats=others)
    check = totals.join(stored(totals.select("outlet", "line_hash")), on=["outlet", "line_hash"], how="left")
    if check.filter(pl.col("pages") != pl.col("pages_right").fill_null(0)).height:
        raise StoreError("reclean: chrome counts do not match the store's (pages counted twice or lost); nothing changed")
    new = new.select("article_id", pl.col("text").alias("new_text"), pl.col("raw_text").alias("new_raw"),
                     pl.col("dateline").alias("new_dateline"), pl.col("content_hash").alias("new_hash"))
    changed = arts.join(new, on="article_id").filter(pl.col("new_text") != pl.col("text"))
    report.changed = changed.height
    if changed.height == 0:
        return report
    changed = changed.with_columns(
        pl.col("new_text").alias("text"), pl.col("new_hash").alias("content_hash"),
        pl.col("new_dateline").alias("dateline"),
        pl.when(pl.col("new_raw").is_null()).then(None).otherwise(pl.col("new_raw")).alias("raw_text"),
    ).select(schemas.ARTICLES.names())
    return _relink(store, state, config, registry, schemas.conform(changed, schemas.ARTICLES), report)


def _as_raw(arts: pl.DataFrame) -> pl.DataFrame:
    """Stored articles as RAW records: the body as read, the stored metadata, the id kept."""
    page = pl.col("locator").str.to_lowercase().str.contains(r"\.(txt|text)$").fill_null(False)
    published = (
        pl.when(pl.col("published_precision") == "day")
        .then(pl.col("published_at").dt.strftime("%Y-%m-%d"))
        .otherwise(local_iso(pl.col("published_at"), pl.col("published_offset")))
    )
    out = arts.select(
        "source", "locator", pl.when(page).then(pl.lit("txt")).otherwise(pl.lit("jsonl")).alias("format"),
        pl.col("article_id").alias("id"), "url", "outlet", published.alias("published"), "title", "byline",
        pl.coalesce("raw_text", "text").alias("text"), pl.lit(None, dtype=pl.String).alias("html"),
    )
    return schemas.conform(out, schemas.RAW)


def _own_counts(raw: pl.DataFrame) -> pl.DataFrame:
    """The chrome counts these pages contributed (as extraction counts them: lines per page, pages per outlet)."""
    from provenance.extract.clean import page_chrome_counts

    return page_chrome_counts(raw)


def _relink(
    store: Store, state, config: Config, registry: Registry, changed: pl.DataFrame, report: RecleanReport
) -> RecleanReport:
    docs = changed["doc"]
    # Fingerprints under temporary doc numbers above every stored one, so "new x stored" candidates apply.
    tmp = pl.int_range(changed.height, eager=True, dtype=pl.Int64) + state.next_doc
    back = dict(zip(tmp.to_list(), docs.to_list(), strict=True))
    fp = fingerprints(changed["text"], config=config)
    bands_n, rows_n = config.lsh_bands_rows
    ok = comparable(fp.n_tokens, fp.n_shingles, config)
    t = tmp.to_numpy()
    new_bands = band_frame(band_keys(fp.minhash, bands=bands_n, rows=rows_n), t, fingerprinted=ok)
    new_anchors = anchor_frame(fp.anchor_offsets, fp.anchors, t).filter(pl.col("doc").is_in(pl.Series(t[ok]).implode()))
    cap = config.anchor_cap(state.next_doc)
    gone = pl.col("doc").is_in(docs.implode())
    old_bands = store.band_matches(new_bands).filter(~gone)
    postings = store.anchor_postings(new_anchors["anchor"], max_df=cap)
    cands = candidate_pairs(
        pl.concat([old_bands, new_bands]),
        pl.concat([postings.filter(pl.col("doc").is_not_null() & ~gone).select("anchor", "doc"), new_anchors]),
        first_new=state.next_doc, min_shared_anchors=config.min_shared_anchors, max_df=cap,
        stored_df=postings.select("anchor", "stored_df").unique(),
    )
    involved = pl.concat([cands["a"], cands["b"]]).unique()
    old_texts = store.texts(involved.filter(involved < state.next_doc))
    texts = pl.concat([old_texts.select("doc", "text"), pl.DataFrame({"doc": tmp, "text": changed["text"]})])
    fresh = _order(verified_pairs(cands, texts, config=config).with_columns(
        pl.col("a_doc").replace(back), pl.col("b_doc").replace(back)))

    # Every cluster a changed article was in or now touches is recomputed whole.
    partners = pl.concat([fresh["a_doc"], fresh["b_doc"], docs]).unique()
    old_clusters = store.cluster_of(partners)["cluster_id"].unique()
    members = store.members(old_clusters) if old_clusters.len() else pl.DataFrame(
        schema={"doc": pl.Int64, "article_id": pl.String, "cluster_id": pl.Int64})
    scope = pl.concat([members["doc"], partners]).unique()
    kept = store.pairs_among(scope).filter(~pl.col("a_doc").is_in(docs.implode()) & ~pl.col("b_doc").is_in(docs.implode()))
    dropped = store.pairs_among(scope).filter(pl.col("a_doc").is_in(docs.implode()) | pl.col("b_doc").is_in(docs.implode()))
    others = store.articles(scope.filter(~scope.is_in(docs.implode())))
    arts = pl.concat([others, changed]).sort("doc")
    ids = arts.select("doc", "article_id")
    fresh = fresh.join(ids.rename({"doc": "a_doc", "article_id": "a"}), on="a_doc").join(
        ids.rename({"doc": "b_doc", "article_id": "b"}), on="b_doc").select(kept.columns)
    pairs = pl.concat([kept, fresh])
    clusters = _components(pairs, ids, arts.select("doc", "published_at"))
    new_credits = parallel_credits(changed, registry=registry)
    credits = pl.concat([store.credits_of(others["article_id"]), new_credits])
    lin = parallel_lineage(arts, pairs, clusters.select("article_id", "cluster_id"), credits, registry=registry,
                           config=config)
    lin = lin._replace(lineage=graded(lin.lineage, store.grades_of(arts["article_id"])))
    report.pairs_before, report.pairs_after = dropped.height, fresh.height
    report.clusters_touched = clusters["cluster_id"].n_unique()
    sig = pl.DataFrame({"doc": docs.to_numpy(), "n_tokens": fp.n_tokens, "n_shingles": fp.n_shingles,
                        "minhash": fp.minhash}).with_columns(pl.col("minhash").cast(pl.List(pl.UInt32)))
    remap = {"doc": pl.col("doc").replace(back)}
    started = datetime.now(UTC)
    report.store_version = store.write_batch(
        {
            "articles": changed, "signatures": sig,
            "bands": new_bands.with_columns(**remap).sort("key"),
            "anchors": new_anchors.with_columns(**remap).sort("anchor"),
            "pairs": fresh, "clusters": clusters, "credits": new_credits,
            "lineage": lin.lineage, "external_nodes": lin.external_nodes,
        },
        config=config,
        ingest={"ingest_id": state.next_ingest, "started_at": started, "sources": json.dumps(["reclean"]),
                "added": 0, "already_present": 0, "rejected": 0, "repaired": 0, "pairs_added": fresh.height},
        deletes={
            "articles": ("doc", docs), "signatures": ("doc", docs), "bands": ("doc", docs),
            "anchors": ("doc", docs), "pairs": dropped.select("a_doc", "b_doc"), "credits": ("article_id", changed["article_id"]),
            "clusters": ("doc", scope), "lineage": ("article_id", arts["article_id"]),
            "external_nodes": ("cluster_id", pl.concat([old_clusters, clusters["cluster_id"], scope]).unique()),
        },
    )
    store.refresh_summaries()
    return report


def _order(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs with ``a`` the older doc, as stored (a changed article kept its doc number)."""
    swap = pl.col("a_doc") > pl.col("b_doc")
    return pairs.with_columns(
        pl.when(swap).then(pl.col("b_doc")).otherwise(pl.col("a_doc")).alias("a_doc"),
        pl.when(swap).then(pl.col("a_doc")).otherwise(pl.col("b_doc")).alias("b_doc"),
        pl.when(swap).then(pl.col("containment_b_in_a")).otherwise(pl.col("containment_a_in_b")).alias("containment_a_in_b"),
        pl.when(swap).then(pl.col("containment_a_in_b")).otherwise(pl.col("containment_b_in_a")).alias("containment_b_in_a"),
        pl.when(swap).then(pl.col("b_shingles")).otherwise(pl.col("a_shingles")).alias("a_shingles"),
        pl.when(swap).then(pl.col("a_shingles")).otherwise(pl.col("b_shingles")).alias("b_shingles"),
    )


def _components(pairs: pl.DataFrame, ids: pl.DataFrame, published: pl.DataFrame) -> pl.DataFrame:
    """CLUSTERS rows: connected components of ``pairs``, each named by its smallest doc."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    empty = pl.DataFrame(schema={"doc": pl.Int64, "node": pl.Int64})
    for a, b in story_edges(pairs, empty, published).iter_rows():  # the ingest's rules: digests and rewrites merge nothing
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    rows = pl.DataFrame({"doc": list(parent), "cluster_id": [find(d) for d in parent]},
                        schema={"doc": pl.Int64, "cluster_id": pl.Int64})
    return rows.join(ids, on="doc").select("article_id", "cluster_id", "doc")
