"""Every table's schema: the contract between stages, the store and exports.

Stages take and return polars frames with these schemas; ``conform`` is the one
place a frame is coerced to one (missing columns become nulls, extra columns
are dropped, dtypes cast). Column names here are the public interface of
exports, so renaming one is a breaking change.
"""

from __future__ import annotations

import polars as pl

UTC_US = pl.Datetime("us", "UTC")

#: What a reader yields: one row per input record, before extraction.
#: ``source`` is the file, ``locator`` where in it (``line 14``, ``row 3``,
#: ``page.html``); ``html`` or ``text`` carries the content; ``published`` is
#: the raw date string as found.
RAW = pl.Schema(
    {
        "source": pl.String,
        "locator": pl.String,
        "format": pl.String,  # jsonl | csv | parquet | html | txt
        "id": pl.String,
        "url": pl.String,
        "canonical": pl.String,  # an HTML page's canonical link, when it names another URL than ``url``
        "outlet": pl.String,
        "published": pl.String,
        "title": pl.String,
        "byline": pl.String,
        "text": pl.String,
        "html": pl.String,
    }
)

#: Records that were skipped or repaired, with the reason. ``reason`` is a
#: short stable code (``malformed_json``, ``empty_text``, ...); ``detail`` is
#: human text. ``action`` is ``skipped`` (not stored), ``repaired`` (stored
#: after a fix, e.g. a cut or a renamed duplicate id), ``ignored`` (nothing
#: lost, e.g. unknown fields) or ``stored_not_compared`` (too short to
#: fingerprint; stored, not linked).
REJECTS = pl.Schema(
    {
        "source": pl.String,
        "locator": pl.String,
        "reason": pl.String,
        "detail": pl.String,
        "action": pl.String,
    }
)

#: A clean article. ``doc`` is a dense internal integer assigned at ingest
#: (monotonic across ingests, so "older in the store" is "smaller doc");
#: ``article_id`` is the public id. ``text`` is the clean body that is
#: fingerprinted; ``raw_text`` is the page text before chrome and disclaimers
#: were removed, kept as evidence for credits, and null when it equals ``text``
#: (nothing was removed; read ``coalesce(raw_text, text)``). ``published_precision`` is
#: ``minute``, ``day`` or null when unknown. ``published_offset`` is the offset the date was written
#: in, minutes east of UTC ("16:45 IST": 330), null when it named no zone (taken as UTC) or is a day:
#: ``published_at`` plus it is the page's own clock. ``dateline`` is e.g. "Seoul, Oct 16".
#: ``canonical_url`` is an HTML page's canonical link when it names another URL than ``url`` (a crawl's
#: fetched URL with tracking parameters, or a syndicated copy pointing at its original: then it is
#: evidence of where the text came from, read as a ``republished`` credit), else null.
ARTICLES = pl.Schema(
    {
        "doc": pl.Int64,
        "article_id": pl.String,
        "url": pl.String,
        "canonical_url": pl.String,
        "outlet": pl.String,
        "published_at": UTC_US,
        "published_precision": pl.String,
        "published_offset": pl.Int16,
        "title": pl.String,
        "byline": pl.String,
        "dateline": pl.String,
        "text": pl.String,
        "raw_text": pl.String,
        "source": pl.String,
        "locator": pl.String,
        "content_hash": pl.String,  # xxh64 hex of ``text``
        "ingested_at": UTC_US,
        "ingest_id": pl.Int64,
    }
)

#: Extraction output: ARTICLES without the store-assigned columns.
EXTRACTED = pl.Schema(
    {k: v for k, v in ARTICLES.items() if k not in ("doc", "ingested_at", "ingest_id")}
)

#: What an article says about where it came from. ``source`` is a canonical
#: agency name from the registry, or the named upstream as written ("Ukrainian
#: media outlets"); ``kind`` is ``agency``, ``external`` or ``outlet`` (an outlet a
#: republication notice names: "This article is republished from The Conversation");
#: ``role`` is ``byline``, ``dateline``, ``copyright`` ("© 2012 The Associated Press",
#: "Distributed by Reuters"), ``republished``, ``cited`` or ``disclaimer``. The span is in
#: characters of ``field`` (``byline``, ``title``, ``text`` or ``raw_text``).
CREDITS = pl.Schema(
    {
        "article_id": pl.String,
        "source": pl.String,
        "kind": pl.String,
        "role": pl.String,
        "field": pl.String,
        "span_start": pl.Int32,
        "span_end": pl.Int32,
        "span_text": pl.String,
        "cited_via": pl.String,  # for a cited source: who it was cited through, else null
    }
)

#: What extraction learned about an outlet's site chrome: how many of the
#: outlet's pages carry each normalized line (``line_hash``, xxh64). The row
#: with ``line_hash`` 0 counts the outlet's pages. Summed across ingests, so
#: chrome learned from earlier pages keeps working on new ones.
CHROME_STATS = pl.Schema({"outlet": pl.String, "line_hash": pl.UInt64, "pages": pl.Int64})

#: One row per article: its MinHash (datasketch ``affine32`` hashvalues).
#: ``n_shingles`` 0 means too short to fingerprint.
SIGNATURES_META = pl.Schema({"doc": pl.Int64, "n_tokens": pl.Int32, "n_shingles": pl.Int32})

#: LSH band keys: one row per (article, band).
BANDS = pl.Schema({"band": pl.Int16, "key": pl.UInt64, "doc": pl.Int64})

#: Passage anchors: one row per distinct anchor shingle hash in an article.
ANCHORS = pl.Schema({"anchor": pl.UInt32, "doc": pl.Int64})

#: Candidate pairs, ``a < b`` by doc, with how they were found.
CANDIDATES = pl.Schema({"a": pl.Int64, "b": pl.Int64, "via": pl.String})

#: Verified reuse pairs. ``a``/``b`` are article ids with ``a``'s doc < ``b``'s.
#: Similarities are exact on shingle sets: ``jaccard`` = |A∩B|/|A∪B|,
#: ``containment_a_in_b`` = |A∩B|/|A|.
PAIRS = pl.Schema(
    {
        "a": pl.String,
        "b": pl.String,
        "jaccard": pl.Float64,
        "containment_a_in_b": pl.Float64,
        "containment_b_in_a": pl.Float64,
        "shared_shingles": pl.Int32,
        "a_shingles": pl.Int32,
        "b_shingles": pl.Int32,
        "via": pl.String,  # lsh | anchors | lsh+anchors
    }
)

#: Reuse clusters: only articles with at least one verified pair appear.
#: ``cluster_id`` is the smallest ``doc`` in the component, so it never changes
#: when new articles join; when two clusters merge, the older id survives.
CLUSTERS = pl.Schema({"article_id": pl.String, "cluster_id": pl.Int64})


def conform(df: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """Return ``df`` with exactly ``schema``'s columns, in order, cast; missing ones null."""
    cols = []
    for name, dtype in schema.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype, strict=False))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(cols)


def empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


#: One row per article. ``parent_id`` is an article of the corpus, or null;
#: ``parent_external`` names the parent outside the corpus (an agency such as
#: "IANS", or a source as written, "Ukrainian media outlets") when there is no
#: ``parent_id``. ``origin_id`` is the topmost article of the chain in the
#: corpus (the article itself for a root); ``origin_external`` the topmost
#: external node above it, if any. ``depth`` counts hops from the top of the
#: chain, external nodes included. ``via_agency`` is the nearest agency up the
#: chain (the agency whose copy this is), or null. ``relation`` is one of
#: :data:`RELATIONS` (null when the parent is external and no text of it is
#: available); ``derivation`` is METER's wholly_derived / partially_derived /
#: non_derived; ``credited`` is credits_origin / credits_intermediary /
#: uncredited / miscredited / n/a. ``lag_minutes`` is the time since the
#: origin article (null if unknown or a root); ``confidence`` in [0, 1];
#: ``evidence`` is compact JSON of the signals used.
LINEAGE = pl.Schema(
    {
        "article_id": pl.String,
        "cluster_id": pl.Int64,
        "parent_id": pl.String,
        "parent_external": pl.String,
        "origin_id": pl.String,
        "origin_external": pl.String,
        "depth": pl.Int32,
        "via_agency": pl.String,
        "relation": pl.String,
        "derivation": pl.String,
        "credited": pl.String,
        "lag_minutes": pl.Float64,
        "confidence": pl.Float64,
        "evidence": pl.String,
    }
)

#: External nodes per cluster: agencies and named sources above the corpus.
#: ``parent_external`` is the node it took the story from (itself external);
#: ``cited_via`` the node that cited it (for "X reported quoting Y": Y's
#: cited_via is X). ``n_articles`` counts the cluster's articles naming it.
EXTERNAL_NODES = pl.Schema(
    {
        "cluster_id": pl.Int64,
        "name": pl.String,
        "kind": pl.String,  # agency | external | outlet (named by a republication notice)
        "parent_external": pl.String,
        "cited_via": pl.String,
        "n_articles": pl.Int32,
    }
)


#: Shared passages: maximal runs of identical tokens, one-to-one between the
#: texts. ``*_start``/``*_end`` are character offsets in the original texts
#: (end exclusive); ``*_tok_start``/``*_tok_end`` token indexes. ``in_order``
#: is false for a passage that was moved relative to the others.
PASSAGES = pl.Schema(
    {
        "a_start": pl.Int64,
        "a_end": pl.Int64,
        "b_start": pl.Int64,
        "b_end": pl.Int64,
        "a_tok_start": pl.Int64,
        "a_tok_end": pl.Int64,
        "b_tok_start": pl.Int64,
        "b_tok_end": pl.Int64,
        "n_tokens": pl.Int64,
        "in_order": pl.Boolean,
    }
)

#: Edits turning a into b. ``op`` is ``inserted`` (text only in b; a_start ==
#: a_end is where in a), ``deleted`` (only in a; b_start == b_end), ``changed``
#: (a's segment replaced by b's) or ``moved`` (same text, out of order).
#: Offsets as in :data:`PASSAGES`; ``a_tokens``/``b_tokens`` count tokens.
EDITS = pl.Schema(
    {
        "op": pl.String,
        "a_start": pl.Int64,
        "a_end": pl.Int64,
        "b_start": pl.Int64,
        "b_end": pl.Int64,
        "a_tokens": pl.Int64,
        "b_tokens": pl.Int64,
    }
)
