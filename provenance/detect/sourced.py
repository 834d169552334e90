"""Sourced share: how much of each article is text aligned to articles published before it.

Real rewriting of agency copy is loose. On METER (journalists' labels of British press stories written
from Press Association copy), a wholly-derived story keeps a median of 0.23 of its word 5-grams from its
best wire text: journalists shorten, reorder and paraphrase, and keep names, numbers, quotes and short
runs of narration. Whole-document MinHash and the verified-pair rule (≥ 50% containment or ≥ 60 shared
5-grams) are built for copies and miss most of that. This stage measures reuse the way the text-reuse
literature does (Greedy String Tiling, seeded local alignment as in passim and TextPAIR):

1. **Candidate sources.** Word 3-grams (sampled by content when ``rewrite_sample_mod`` > 1), posted per
   article; 3-grams made only of common words are not posted. A 3-gram found in more than
   ``rewrite_rare_stories`` stories of the pool (a story: a verified-pair component) is a stock phrase
   and makes no candidate. A candidate shares ``min_rewrite_grams`` rare 3-grams with the article, is on
   another site (of any story, its own included: a story's members are not all paired with each other), is published no later than the article and at most
   ``rewrite_window_days`` before (no limit when either date is missing; a same-time source only when
   nothing earlier is a candidate), and names at least ``min_source_names`` of the names and figures of
   whichever side names fewer (a rewrite reports the same event). Verified partners are candidates too.
2. **Tiles.** Exact runs of at least ``rewrite_gram`` tokens between source and article
   (:meth:`provenance.detect.align.TokenIndex.blocks`: one-to-one, greedy, extended as far as they go) that hold
   a rare 3-gram and are not made only of common words (:data:`FUNCTION_WORDS`, words of 3 letters or
   fewer).
3. **Union.** One story is often built from several successive versions of a wire story (snap, lead,
   update), so the share is measured against the union of the article's sources: the share of its tokens
   inside some tile. Each source is credited with the tokens it adds, sources taken in order of their
   own coverage, so the contributions add up to the union.
4. **Decision.** An article is derived when the union covers at least ``min_sourced_share`` of it and
   at least ``min_sourced_narration`` of the covered tokens are narration (outside quotation marks:
   every outlet carries an official's statement, so shared quotes are weak evidence); wholly derived
   from ``wholly_sourced_share``. Sources adding ``min_source_tokens`` tokens and covering
   ``min_source_share`` of the article on their own are its links.
5. **Agency copy or not.** Those thresholds were calibrated on stories written from wire copy, where
   names, figures and short quotes kept from the wire are part of the derivation. Between two outlets'
   own reports of one event they are what independent reporters share: on 2019 pages of one event from
   different outlets (docs/QUALITY.md) the rule above called five such reports derived from another
   outlet, on shared names, titles and quoted statements. So a link to a source that is not agency copy
   (an agency's own site, or a page crediting an agency with the text:
   :func:`provenance.trace.attribution.agency_copies`) stands for a story not wholly derived only if,
   measured again against those sources alone with names, figures and quotations as weak words, the
   narration left covered is still ``min_sourced_share`` of the story; a story left with no link is
   not derived.

A near-copy (a verified source holding ``COPY_CONTAINMENT`` of the article's 5-grams) is not aligned: its
share is that containment, and its source is that one article; its original stands for it as a source
of later articles. The thresholds were calibrated on METER's showbiz domain (docs/QUALITY.md); their
reasons are in :mod:`provenance.config`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import polars as pl
from numba import njit

from provenance.config import Config
from provenance.detect.align import (
    TokenIndex,
    _k_chain,
    _k_match_blocks,
    _k_merge_runs,
    token_counts,
)
from provenance.detect.cluster import components
from provenance.detect.names import name_hashes, name_spans, shared_names
from provenance.detect.quotes import QuotedTokens, quote_spans
from provenance.extract.clean import outlet_key_expr

#: One row per (article, source) link the decision accepts. ``tokens``: article tokens this source adds
#: to the union; ``own_tokens``: article tokens this source covers alone; ``narration``: of ``tokens``,
#: those outside quotation marks; ``longest``: the longest tile of narration (mostly outside quotation
#: marks) in tokens; ``in_order``: of
#: ``own_tokens``, those in tiles that keep the source's order (the heaviest in-order chain); ``rank``: 1
#: for the source covering most.
SOURCES = pl.Schema(
    {
        "doc": pl.Int64, "source_doc": pl.Int64, "rank": pl.Int32, "tokens": pl.Int32, "own_tokens": pl.Int32,
        "share": pl.Float64, "narration": pl.Int32, "longest": pl.Int32, "in_order": pl.Int32,
    }
)

#: One row per article that had at least one candidate source. ``sourced_share`` = tokens inside some
#: tile / ``n_tokens``; ``narration_tokens`` = sourced tokens outside quotation marks; ``grade`` is
#: wholly_derived / partially_derived / non_derived (METER's labels, from the decision above).
SOURCED = pl.Schema(
    {
        "doc": pl.Int64, "n_tokens": pl.Int32, "sourced_tokens": pl.Int32, "sourced_share": pl.Float64,
        "narration_tokens": pl.Int32, "n_sources": pl.Int32, "grade": pl.String,
    }
)

#: A verified source holding this share of an article's 5-grams makes it a near-copy: no alignment needed.
COPY_CONTAINMENT = 0.9
#: Words that make no tile on their own: every word of up to three letters (in most languages the
#: articles, prepositions and pronouns) and English's longer function words and reporting verbs. A fixed
#: list, not the pool's frequencies, so a story's share does not depend on what it was ingested with.
SHORT_WORD = 3
FUNCTION_WORDS = frozenset(
    ["said", "says", "that", "with", "from", "have", "were", "been", "this", "they", "their", "them", "than", "then", "there", "these", "those", "which", "would", "could", "should", "about", "after", "before", "when", "where", "while", "will", "into", "also", "more", "most", "over", "only", "other", "some", "such", "what", "your", "just", "like", "being", "because", "under", "since", "very", "told", "added"]
)
#: The names test applies when both texts name at least this many people, places or figures.
MIN_NAMES = 3
#: Candidate sources aligned per article (the ones sharing most sampled 3-grams).
MAX_SOURCES = 4



def _common(index: TokenIndex) -> np.ndarray:
    """Per token id: is it a common word (:data:`SHORT_WORD`, :data:`FUNCTION_WORDS`)."""
    ids, _ = index.flat()
    common = np.zeros(int(ids.max()) + 1 if len(ids) else 1, dtype=bool)
    longest = max(SHORT_WORD, max(map(len, FUNCTION_WORDS)))
    for word, tid in index.vocabulary(longest).items():
        if len(word) <= SHORT_WORD or word in FUNCTION_WORDS:
            common[tid] = True
    return common


def _gram_hashes(index: TokenIndex, common: np.ndarray, *, mod: int) -> tuple[np.ndarray, np.ndarray]:
    """Per token position of the concatenated texts: the hash of the word 3-gram starting there, and
    whether it is sampled (hash ≡ 0 mod ``mod``, inside one text, not made only of common words)."""
    ids, off = index.flat()
    return _k_gram_hashes(ids, off, common, np.uint64(mod))


@njit(cache=True, nogil=True)
def _k_gram_hashes(ids: np.ndarray, off: np.ndarray, common: np.ndarray, mod: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_gram_hashes` in one pass: 9 bytes per token and no temporaries, because on a pool of 300k
    articles each per-token array is a gigabyte. Positions whose 3-gram leaves its text hash to 0."""
    h = np.zeros(ids.shape[0], dtype=np.uint64)
    ok = np.zeros(ids.shape[0], dtype=np.bool_)
    m1, m2, m3 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9)
    for t in range(off.shape[0] - 1):
        for i in range(off[t], off[t + 1] - 2):
            x = np.uint64(ids[i]) * m1 + np.uint64(ids[i + 1]) * m2 + np.uint64(ids[i + 2]) * m3
            x ^= x >> np.uint64(29)
            x *= m1
            x ^= x >> np.uint64(32)
            h[i] = x
            ok[i] = x % mod == 0 and not (common[ids[i]] and common[ids[i + 1]] and common[ids[i + 2]])
    return h, ok


@njit(cache=True, nogil=True)
def _distinct_per_text(hashes: np.ndarray, sampled: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (gram, text) postings: each text's distinct sampled hashes, and the text of each. Text by text,
    because a hash-based unique over all of them peaks at about 8x the postings' bytes (1 GB at 28k
    articles), which is what held a 1M ingest above its memory budget."""
    out = np.empty(int(sampled.sum()), dtype=np.uint64)
    row = np.empty(out.shape[0], dtype=np.int64)
    m = 0
    for t in range(off.shape[0] - 1):
        k0 = m
        for i in range(off[t], off[t + 1]):
            if sampled[i]:
                out[m] = hashes[i]
                m += 1
        if m - k0 > 1:
            out[k0:m] = np.sort(out[k0:m])
            w = k0 + 1
            for k in range(k0 + 1, m):
                if out[k] != out[w - 1]:
                    out[w] = out[k]
                    w += 1
            m = w
        row[k0:m] = t
    return out[:m], row[:m]


def _story_labels(pool: pl.DataFrame, verified: pl.DataFrame) -> pl.DataFrame:
    """(doc, story): verified-pair components over the pool, stored clusters included (``cluster_id``)."""
    edges = [verified.select(pl.col("a_doc").alias("a"), pl.col("b_doc").alias("b"))]
    if "cluster_id" in pool.columns:
        # a stored cluster is one story; its node ids are negative so they never meet a doc id
        edges.append(pool.filter(pl.col("cluster_id").is_not_null()).select(
            pl.col("doc").alias("a"), (-1 - pl.col("cluster_id")).alias("b")))
    e = pl.concat(edges)
    nodes, labels = components(e["a"].to_numpy(), e["b"].to_numpy())
    lab = pl.DataFrame({"doc": nodes, "story": labels}, schema={"doc": pl.Int64, "story": pl.Int64})
    return pool.select("doc").join(lab, on="doc", how="left").with_columns(pl.coalesce("story", "doc").alias("story"))


def _rare_grams(grams: pl.DataFrame, stories: pl.DataFrame, *, config: Config) -> pl.DataFrame:
    """(gram) sampled 3-grams seen in 2+ articles of at most ``rewrite_rare_stories`` stories.

    A phrase every desk uses ("told journalists in", "is expected to") turns up in many unrelated
    stories; a story's own wording turns up in its versions and in what was written from it. Counting
    stories (verified-pair components), not articles, keeps a wire story's wording rare however many
    sites carry it verbatim.
    """
    per = grams.join(stories, on="doc").group_by("gram").agg(
        pl.len().alias("df"), pl.col("story").n_unique().alias("stories")
    )
    return per.filter((pl.col("df") >= 2) & (pl.col("stories") <= config.rewrite_rare_stories)).select("gram")


def _candidates(
    grams: pl.DataFrame, stories: pl.DataFrame, pool: pl.DataFrame, *, new_docs: pl.Series, config: Config
) -> pl.DataFrame:
    """(doc, source_doc, n): new articles and the earlier articles of other sites sharing
    ≥ ``min_rewrite_grams`` rare grams with them (``grams`` holds the rare postings only).

    Joined at story level, so a wire story carried verbatim by 300 sites costs one posting per gram,
    not 300² pairs; each story is expanded to its earliest members afterwards. The article's own story
    counts too: a story's members are joined through chains of pairs, so its wire text may be no
    verified partner of the article (the caller adds those partners, with their containment).
    """
    posted = grams.join(stories, on="doc")
    by_story = posted.select("gram", pl.col("story").alias("s_story")).unique()
    hits = (
        posted.join(new_docs.to_frame("doc"), on="doc", how="semi")
        .join(by_story, on="gram")
        .group_by("doc", "s_story")
        .agg(pl.len().alias("n"))
        .filter(pl.col("n") >= config.min_rewrite_grams)
    )
    pairs = hits.join(stories.select(pl.col("doc").alias("source_doc"), pl.col("story").alias("s_story")),
                      on="s_story")
    pairs = pairs.filter(pl.col("doc") != pl.col("source_doc"))
    pairs = _earlier(pairs.select("doc", "source_doc", "n", "s_story"), pool, window=config.rewrite_window_days)
    if "outlet" in pool.columns:  # an outlet's pages share furniture and house phrasing, not rewrites
        site = pool.select("doc", outlet_key_expr(pl.col("outlet")).alias("_site"))
        pairs = (
            pairs.join(site, on="doc", how="left")
            .join(site.rename({"doc": "source_doc", "_site": "_ssite"}), on="source_doc", how="left")
            .filter(pl.col("_site").is_null() | pl.col("_ssite").is_null() | (pl.col("_site") != pl.col("_ssite")))
            .drop("_site", "_ssite")
        )
    t = pool.select(pl.col("doc").alias("source_doc"), pl.col("published_at").alias("_t"))
    return (
        pairs.join(t, on="source_doc", how="left")
        .sort(["doc", "s_story", "_t", "source_doc"], nulls_last=True)
        .group_by("doc", "s_story", maintain_order=True)
        .head(MAX_SOURCES)
        .select("doc", "source_doc", "n")
    )


def _earlier(pairs: pl.DataFrame, pool: pl.DataFrame, *, window: float | None) -> pl.DataFrame:
    """The (doc, source_doc) rows whose source may be a source of the article.

    A source is published before the article (within ``window`` days), or at the same time (same
    minute; same day when a date has day precision) when the article has no earlier candidate: an
    earlier source explains it better than a sibling published alongside it. Without a date either
    way, any candidate may be a source.
    """
    t = pool.select("doc", "published_at", (pl.col("published_precision") == "day").alias("_day"))
    pairs = pairs.join(t, on="doc", how="left").join(
        t.rename({"doc": "source_doc", "published_at": "_ts", "_day": "_sday"}), on="source_doc", how="left"
    )
    gap = pl.col("published_at") - pl.col("_ts")
    day = pl.col("_day") | pl.col("_sday")
    tie = pl.when(day).then(pl.col("published_at").dt.date() == pl.col("_ts").dt.date()).otherwise(
        gap.abs() < timedelta(minutes=1)
    )
    before = ~tie & (gap > timedelta(0))
    if window is not None:
        before &= gap <= timedelta(days=window)
    unknown = pl.col("published_at").is_null() | pl.col("_ts").is_null()
    pairs = pairs.with_columns(before.fill_null(False).alias("_before"), tie.fill_null(False).alias("_tie"))
    keep = unknown | pl.col("_before") | (pl.col("_tie") & ~pl.col("_before").any().over("doc"))
    return pairs.filter(keep).drop("published_at", "_ts", "_day", "_sday", "_before", "_tie")


def _copy_rows(by_pairs: pl.DataFrame, pool: pl.DataFrame) -> tuple[list[tuple], list[tuple]]:
    """SOURCES and SOURCED rows of the near-copies among ``by_pairs`` (doc, source_doc, cont): the share
    is the containment in the best earlier verified source, which is the one source."""
    best = (
        by_pairs.filter(pl.col("cont") >= COPY_CONTAINMENT)
        .sort(["doc", "cont", "source_doc"], descending=[False, True, False])
        .unique("doc", keep="first", maintain_order=True)
    )
    if best.height == 0:
        return [], []
    known = pl.col("n_tokens") if "n_tokens" in pool.columns else pl.lit(None, pl.Int64)
    texts = best.join(pool.select("doc", "text", known.alias("n_tokens")), on="doc")
    # The fingerprint counted every new article's tokens as tokens() does; count only what it did not.
    todo = texts["n_tokens"].is_null().to_numpy()
    counted = np.zeros(texts.height, dtype=np.int64)
    counted[todo] = token_counts(texts["text"].filter(todo).to_list())
    sizes = np.where(todo, counted, texts["n_tokens"].fill_null(0).to_numpy()).tolist()
    src: list[tuple] = []
    summary: list[tuple] = []
    for i, (doc, s_doc, cont) in enumerate(texts.select("doc", "source_doc", "cont").iter_rows()):
        n = sizes[i]
        k = int(round(cont * n))
        src.append((doc, s_doc, 1, k, k, cont, k, k, k))
        summary.append((doc, n, k, cont, k, 1, "wholly_derived"))
    return src, summary


def _aligned_sources(
    texts: list[str], row_of: dict[int, int], cands: pl.DataFrame, *, config: Config
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which candidates are aligned: per article of ``cands`` (doc, source_doc; grouped by doc, best
    first), its first :data:`MAX_SOURCES` candidates that pass the names test. ``texts`` by row.
    Returns (article rows, offsets into the sources, source rows, source docs)."""
    first = cands.filter(pl.int_range(pl.len()).over("doc") < MAX_SOURCES)
    c_row = first["doc"].replace_strict(row_of, return_dtype=pl.Int64).to_numpy()
    s_row = first["source_doc"].replace_strict(row_of, return_dtype=pl.Int64).to_numpy()
    # A rewrite reports the same event as its source: it names the same people, places and figures.
    # Stock phrases shared with another story of the day do not make a source. Either side's names
    # may be the fewer (a snap, then a story built from three versions of it).
    rows, at = np.unique(np.concatenate([c_row, s_row]), return_inverse=True)
    flat, off = name_hashes([texts[r] for r in rows.tolist()])
    both, fewer = shared_names(flat, off, at[:len(c_row)], at[len(c_row):])
    ok = (fewer < MIN_NAMES) | (both >= config.min_source_names * fewer)
    new_art = np.diff(c_row, prepend=-1) != 0  # cands is grouped by doc
    arts = c_row[new_art]
    group = np.cumsum(new_art) - 1
    s_off = np.zeros(len(arts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(group[ok], minlength=len(arts)), out=s_off[1:])
    return arts, s_off, s_row[ok], first["source_doc"].to_numpy()[ok]


@njit(cache=True, nogil=True)
def _k_tiles(ids: np.ndarray, off: np.ndarray, local: np.ndarray, stamp: np.ndarray, pair0: int, k: int,
             rare_at: np.ndarray, common: np.ndarray, arts: np.ndarray, q_flat: np.ndarray, q_off: np.ndarray,
             s_off: np.ndarray, s_row: np.ndarray, s_doc: np.ndarray, min_tokens: int,
             min_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Steps 2-3 of the module docstring for every article g (text ``arts[g]``) against its sources
    ``s_row[s_off[g]:s_off[g + 1]]``, in one compiled loop (a Python loop per article and source held
    a third of the stage). ``q_flat[q_off[g]:q_off[g + 1]]``: the article's quoted running counts
    (empty: none).

    Returns (summary, links): per article (tokens, covered tokens, covered narration, links; 0 tokens:
    not measured) and per link (article g, source doc, rank, tokens added, tokens covered alone,
    narration added, longest narration tile, tokens in order), sources taken by coverage, then doc.
    """
    summary = np.zeros((len(arts), 4), dtype=np.int64)
    links = np.empty((len(s_row), 8), dtype=np.int64)
    n_out = 0
    pair = pair0
    for g in range(len(arts)):
        c = arts[g]
        lo, hi = off[c], off[c + 1]
        n = hi - lo
        ns = s_off[g + 1] - s_off[g]
        pair += ns
        if n == 0:
            continue
        # quoted tokens before each position (the article's own running counts), and which are quoted
        wbefore = q_flat[q_off[g]:q_off[g + 1]] if q_off[g + 1] > q_off[g] else np.zeros(n + 1, dtype=np.int64)
        weak = wbefore[1:] > wbefore[:-1]
        rbefore = np.zeros(n + 1, dtype=np.int64)
        for t in range(n):
            rbefore[t + 1] = rbefore[t] + rare_at[lo + t]
        masks = np.zeros((ns, n), dtype=np.bool_)
        cov = np.zeros(ns, dtype=np.int64)
        longest = np.zeros(ns, dtype=np.int64)
        in_order = np.zeros(ns, dtype=np.int64)
        has = np.zeros(ns, dtype=np.bool_)
        for x in range(ns):
            s = s_row[s_off[g] + x]
            bi, bj, bn = _k_match_blocks(ids[off[s]:off[s + 1]], ids[lo:hi], local, stamp,
                                         pair - ns + x, k, 16)
            m = _k_merge_runs(bi, bj, bn)
            tj = np.empty(m, dtype=np.int64)
            tn = np.empty(m, dtype=np.int64)
            nt = 0
            for y in range(m):
                j, ln = bj[y], bn[y]
                if rbefore[j + ln - 2] <= rbefore[j]:
                    continue  # no rare 3-gram starts inside
                plain = False
                for t in range(lo + j, lo + j + ln):
                    if not common[ids[t]]:
                        plain = True
                        break
                if not plain:
                    continue  # common words only
                tj[nt] = j
                tn[nt] = ln
                nt += 1
            if nt == 0:
                continue
            has[x] = True
            for y in range(nt):
                j, ln = tj[y], tn[y]
                masks[x, j:j + ln] = True
                if 2 * (wbefore[j + ln] - wbefore[j]) < ln and ln > longest[x]:
                    longest[x] = ln  # a run of narration (mostly outside quotation marks)
            cov[x] = masks[x].sum()
            keep = _k_chain(tj, tn, nt)
            for y in range(nt):
                if keep[y]:
                    in_order[x] += tn[y]
        covered = np.zeros(n, dtype=np.bool_)
        done = np.zeros(ns, dtype=np.bool_)
        rank = 0
        for _ in range(ns):
            best = -1
            for x in range(ns):  # the most covering source left, then the lowest doc
                if has[x] and not done[x] and (best < 0 or cov[x] > cov[best]
                                               or (cov[x] == cov[best] and s_doc[s_off[g] + x] < s_doc[s_off[g] + best])):
                    best = x
            if best < 0:
                break
            done[best] = True
            add = 0
            add_told = 0
            for t in range(n):
                if masks[best, t] and not covered[t]:
                    covered[t] = True
                    add += 1
                    if not weak[t]:
                        add_told += 1
            if add >= min_tokens and cov[best] >= min_share * n:
                rank += 1
                links[n_out, 0] = g
                links[n_out, 1] = s_doc[s_off[g] + best]
                links[n_out, 2] = rank
                links[n_out, 3] = add
                links[n_out, 4] = cov[best]
                links[n_out, 5] = add_told
                links[n_out, 6] = longest[best]
                links[n_out, 7] = in_order[best]
                n_out += 1
        told = 0
        total = 0
        for t in range(n):
            if covered[t]:
                total += 1
                if not weak[t]:
                    told += 1
        summary[g, 0] = n
        summary[g, 1] = total
        summary[g, 2] = told
        summary[g, 3] = rank
    return summary, links[:n_out]


def _plain_counts(index: TokenIndex, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Running counts, per text of ``rows``, of its tokens that start inside a quotation or a name or
    figure (:data:`provenance.detect.names.NAME`), concatenated, and offsets per text: the weak
    evidence between two outlets' own reports of one event."""
    texts = [index.texts[r] for r in rows]
    q_text, q_start, q_end = quote_spans(texts)
    n_text, n_start, n_end = name_spans(texts)
    text_of = np.concatenate([q_text, n_text])
    order = np.lexsort((np.concatenate([q_start, n_start]), text_of))
    text_of, starts, ends = text_of[order], np.concatenate([q_start, n_start])[order], np.concatenate([q_end, n_end])[order]
    cut = np.searchsorted(text_of, np.arange(len(rows) + 1))
    parts = []
    for k, r in enumerate(rows):
        pos = index.starts(r)
        lo, hi = cut[k], cut[k + 1]
        c = np.zeros(len(pos) + 1, dtype=np.int64)
        if hi > lo:  # inside when the last span opening at or before reaches past it (spans may overlap)
            reach = np.maximum.accumulate(ends[lo:hi])
            x = np.searchsorted(starts[lo:hi], pos, side="right") - 1
            np.cumsum((x >= 0) & (pos < reach[np.maximum(x, 0)]), out=c[1:])
        parts.append(c)
    off = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in parts], out=off[1:])
    return (np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)), off


def _outlet_links(
    links: np.ndarray, summary: np.ndarray, agency_copy: pl.Series, tiles: Callable[..., tuple[np.ndarray, np.ndarray]],
    src: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], index: TokenIndex, *, config: Config,
) -> tuple[np.ndarray, np.ndarray]:
    """The links the decision keeps (step 5 above), re-ranked, and each article's count of them.
    ``links`` and ``summary`` as :func:`_k_tiles` gives them (links grouped by article, in rank order);
    ``tiles(arts, q_flat, q_off, s_off, s_row, s_doc)`` runs it again; ``src``: the aligned (arts,
    s_off, s_row, s_doc)."""
    arts, s_off, s_row, s_doc = src
    n, total = summary[:, 0], summary[:, 1]
    agency = agency_copy.cast(pl.Int64).to_numpy()
    from_agency = np.isin(links[:, 1], agency)
    partly = total[links[:, 0]] < config.wholly_sourced_share * n[links[:, 0]]
    check = np.unique(links[~from_agency & partly, 0])
    plain_ok = np.zeros(len(arts), dtype=np.bool_)
    if len(check):
        # Those articles measured again against their own-story sources alone, with names, figures and
        # quotations as weak words: what is left covered is narration the two outlets share.
        agency_src = np.isin(s_doc, agency)
        group = np.repeat(np.arange(len(arts)), np.diff(s_off))  # each aligned source's article
        in_check = np.zeros(len(arts), dtype=np.bool_)
        in_check[check] = True
        sel = np.flatnonzero(in_check[group] & ~agency_src)
        s_off2 = np.zeros(len(check) + 1, dtype=np.int64)
        np.cumsum(np.bincount(np.searchsorted(check, group[sel]), minlength=len(check)), out=s_off2[1:])
        q_flat, q_off = _plain_counts(index, arts[check].tolist())
        summary2, _ = tiles(arts[check], q_flat, q_off, s_off2, s_row[sel], s_doc[sel])
        plain_ok[check] = summary2[:, 2] >= config.min_sourced_share * np.maximum(summary2[:, 0], 1)
    kept = links[from_agency | ~partly | plain_ok[links[:, 0]]]
    if len(kept):
        first = np.flatnonzero(np.diff(kept[:, 0], prepend=-1) != 0)
        kept[:, 2] = np.arange(len(kept)) - np.repeat(first, np.diff(np.append(first, len(kept)))) + 1
    return kept, np.bincount(kept[:, 0], minlength=len(arts))


def sourced_share(
    pool: pl.DataFrame, *, new_docs: pl.Series, verified: pl.DataFrame, config: Config,
    agency_copy: pl.Series | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sourced share of each new article against the earlier articles of ``pool``.

    ``pool``: (doc, text, published_at, published_precision) of the new articles and the stored ones they may draw on,
    optionally with ``n_tokens`` (the fingerprint's token count; null where unknown: it is counted here);
    ``verified``: (a_doc, b_doc, containment_a_in_b, containment_b_in_a) pairs already verified;
    ``agency_copy``: the pool's docs whose text is agency copy
    (:func:`provenance.trace.attribution.agency_copies`); None: every source counts as agency copy.
    Returns (SOURCES, SOURCED) for the new articles.
    """
    if pool.height == 0 or new_docs.len() == 0:
        return pl.DataFrame(schema=SOURCES), pl.DataFrame(schema=SOURCED)
    pool = pool.unique("doc").sort("doc")
    # verified pairs, both ways, as candidates (their shared 5-grams stand for shared 3-grams)
    v = verified.select("a_doc", "b_doc", "containment_a_in_b", "containment_b_in_a")
    by_pairs = pl.concat([
        v.select(pl.col("b_doc").alias("doc"), pl.col("a_doc").alias("source_doc"),
                 pl.col("containment_b_in_a").alias("cont")),
        v.select(pl.col("a_doc").alias("doc"), pl.col("b_doc").alias("source_doc"),
                 pl.col("containment_a_in_b").alias("cont")),
    ])
    by_pairs = _earlier(by_pairs, pool, window=None)
    # A near-copy of an earlier article is measured by that pair and needs no text work; its original
    # stands for it as a source of later rewrites. The rest is tokenized once.
    # Twins published at the same time copy each other both ways: the lower doc id is the original, so
    # one of them stays to stand as a source.
    near = by_pairs.filter(pl.col("cont") >= COPY_CONTAINMENT)
    twin = near.join(near.select(pl.col("source_doc").alias("doc"), pl.col("doc").alias("source_doc")),
                     on=["doc", "source_doc"], how="semi").filter(pl.col("doc") < pl.col("source_doc"))
    by_pairs = by_pairs.join(twin.select("doc", "source_doc"), on=["doc", "source_doc"], how="anti")
    copies = by_pairs.filter(pl.col("cont") >= COPY_CONTAINMENT)["doc"].unique()
    by_pairs = by_pairs.join(new_docs.to_frame("doc"), on="doc", how="semi")
    work = pool.join(copies.to_frame("doc"), on="doc", how="anti")
    docs = work["doc"].to_numpy()
    index = TokenIndex(work["text"].to_list())
    common = _common(index)
    hashes, sampled = _gram_hashes(index, common, mod=config.rewrite_sample_mod)
    _, off = index.flat()
    g_hash, g_row = _distinct_per_text(hashes, sampled, off)
    grams = pl.DataFrame({"gram": g_hash, "doc": docs[g_row]})
    del g_hash, g_row
    if not work["doc"].is_in(new_docs.implode()).all():
        # Only a gram some new article holds can make a candidate or a tile: the stored side's postings
        # shrink to those before anything is counted (their df counts are unchanged by the cut).
        grams = grams.join(grams.join(new_docs.to_frame("doc"), on="doc", how="semi").select("gram").unique(),
                           on="gram", how="semi")
    stories = _story_labels(pool, verified).join(work.select("doc"), on="doc", how="semi")
    rare = _rare_grams(grams, stories, config=config)
    grams = grams.join(rare, on="gram", how="semi")
    # rare_at[t]: a rare sampled 3-gram starts at token t; a tile must hold one to count
    rare_at = np.zeros(len(sampled), dtype=bool)  # looked up at the sampled positions only, by hash
    rare_at[sampled] = pl.Series(hashes[sampled]).is_in(rare["gram"].implode()).to_numpy()
    by_grams = _candidates(grams, stories, work, new_docs=new_docs.filter(~new_docs.is_in(copies.implode())),
                           config=config)
    src_rows, sum_rows = _copy_rows(by_pairs, pool)
    by_pairs = by_pairs.join(copies.to_frame("doc"), on="doc", how="anti")
    cands = (
        by_grams.with_columns(pl.lit(None, dtype=pl.Float64).alias("cont"))
        .join(by_pairs, on=["doc", "source_doc"], how="full", coalesce=True)
        .with_columns(pl.coalesce("cont", "cont_right").alias("cont"), pl.col("n").fill_null(0))
        .select("doc", "source_doc", "n", "cont")
        .join(work.select(pl.col("doc").alias("source_doc")), on="source_doc", how="semi")
    )
    # a same-time source only when neither path found an earlier one
    cands = (
        _earlier(cands, pool, window=None)
        .sort(["doc", "cont", "n", "source_doc"], descending=[False, True, True, False], nulls_last=True)
    )
    row_of = {int(d): i for i, d in enumerate(docs)}
    arts, s_off, s_row, s_doc = _aligned_sources(index.texts, row_of, cands, config=config)
    quoted = QuotedTokens(index)
    quoted.prepare(arts.tolist())  # only the articles measured need them
    q_parts = [quoted.counts(c) for c in arts.tolist()]
    q_off = np.zeros(len(arts) + 1, dtype=np.int64)
    np.cumsum([0 if q is None else len(q) for q in q_parts], out=q_off[1:])
    q_flat = np.concatenate([q for q in q_parts if q is not None] or [np.empty(0, dtype=np.int64)]).astype(np.int64)
    del quoted, q_parts  # q_flat holds them
    ids, _ = index.flat()

    def tiles(arts, q_flat, q_off, s_off, s_row, s_doc):  # noqa: ANN001, ANN202 - _k_tiles' arrays
        local, stamp, pair0 = index.pair_scratch(len(s_row))
        return _k_tiles(ids, off, local, stamp, pair0, config.rewrite_gram, rare_at, common, arts, q_flat,
                        q_off, s_off, s_row, s_doc, config.min_source_tokens, config.min_source_share)

    summary, links = tiles(arts, q_flat, q_off, s_off, s_row, s_doc)
    n, total, narration, n_links = summary.T
    measured = n > 0
    share = np.where(measured, total / np.maximum(n, 1), 0.0)
    derived = measured & (share >= config.min_sourced_share) & (narration >= config.min_sourced_narration) \
        & (n_links > 0)
    if agency_copy is not None and len(links):
        links, n_links = _outlet_links(links[derived[links[:, 0]]], summary, agency_copy, tiles,
                                       (arts, s_off, s_row, s_doc), index, config=config)
        derived &= n_links > 0
    grade = np.where(~derived, "non_derived",
                     np.where(share >= config.wholly_sourced_share, "wholly_derived", "partially_derived"))
    art_doc = docs[arts]
    keep = derived[links[:, 0]]
    lk = links[keep]
    src_rows.extend(zip(art_doc[lk[:, 0]].tolist(), lk[:, 1].tolist(), lk[:, 2].tolist(), lk[:, 3].tolist(),
                        lk[:, 4].tolist(), (lk[:, 3] / n[lk[:, 0]]).tolist(), lk[:, 5].tolist(), lk[:, 6].tolist(),
                        lk[:, 7].tolist(), strict=True))
    g = np.flatnonzero(measured)
    sum_rows.extend(zip(art_doc[g].tolist(), n[g].tolist(), total[g].tolist(), share[g].tolist(),
                        narration[g].tolist(), np.where(derived, n_links, 0)[g].tolist(), grade[g].tolist(),
                        strict=True))
    return (
        pl.DataFrame(src_rows, schema=SOURCES, orient="row"),
        pl.DataFrame(sum_rows, schema=SOURCED, orient="row"),
    )
