"""Assembly: ids, records and truth per block; the :class:`Corpus`, :func:`iter_blocks` and :func:`generate`."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl

from provenance.tools.synth.fast import _arrow_strings, _fast_vocab, _render_fast, _zipf_table
from provenance.tools.synth.outlets import _EPOCH, _NAMED_OUTLETS, AGENCIES, _outlets
from provenance.tools.synth.plan import (
    _COPY_RELS,
    _DEFAULT_REL_WEIGHTS,
    K_EXT,
    _Options,
    _Plan,
    _plan,
)
from provenance.tools.synth.realistic import _render_realistic
from provenance.tools.synth.schema import (
    ARTICLE_COLUMNS,
    CREDIT_STYLES,
    DEFAULT_CHUNK,
    DEFAULT_START,
    RELATIONS,
    TRUTH_SCHEMA,
)

_M64 = (1 << 64) - 1


def _splitmix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: a bijection on uint64, so distinct inputs give distinct ids."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _key(seed: int, salt: int) -> int:
    return int(_splitmix(np.array([(seed * 0x2545F4914F6CDD1D + salt) & _M64], np.uint64))[0])


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def _hex_ids(values: np.ndarray, key: int, prefix: str = "") -> pl.Series:
    h = _splitmix(values.astype(np.uint64) ^ np.uint64(key))
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    digits = _HEX[((h[:, None] >> shifts) & np.uint64(15)).astype(np.int64)]
    data = np.ascontiguousarray(digits).reshape(-1)
    offs = np.arange(0, 16 * len(values) + 1, 16, dtype=np.int64)
    s = _arrow_strings(data, offs)
    return (prefix + s) if prefix else s


def _parse_start(start: str | datetime) -> int:
    dt = datetime.fromisoformat(start) if isinstance(start, str) else start
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int((dt - _EPOCH).total_seconds() // 60)


def _pub_tables(n_out: int) -> dict[str, list[str]]:
    outs = _outlets(n_out)
    return {
        "outlet": [a.name for a in AGENCIES] + [ot.slug for ot in outs],
        "name": [a.name for a in AGENCIES] + [ot.name for ot in outs],
        "tz": [a.tz for a in AGENCIES] + ["+05:30"] * len(outs),
        "host": [f"{a.name.lower()}.wire.example" for a in AGENCIES] + [ot.slug for ot in outs],
        "section": ["story"] * len(AGENCIES) + [ot.section for ot in outs],
    }


def _published(time_min: np.ndarray, pub: np.ndarray, missing: np.ndarray, n_out: int) -> pl.Series:
    tz = _pub_tables(n_out)["tz"]
    off_min = np.array(
        [(-1 if z[0] == "-" else 1) * (int(z[1:3]) * 60 + int(z[4:6])) for z in tz], np.int64
    )
    local = time_min + off_min[pub]
    df = pl.DataFrame({"t": local * 60, "tz": pl.Series(tz)[pl.Series(pub)], "m": missing})
    out = df.select(
        pl.when(~pl.col("m"))
        .then(
            pl.from_epoch(pl.col("t"), time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S")
            + pl.col("tz")
        )
        .alias("published")
    )
    return out["published"]


def _block(
    b: int, plan: _Plan, seed: int, mode: str, o: _Options, row_offset: int, story_offset: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Render block ``b`` of a corpus from its plan: the articles and their truth."""
    n = plan.n
    A = len(AGENCIES)
    tabs = _pub_tables(o.n_outlets)
    ids = _hex_ids(np.arange(row_offset, row_offset + n), _key(seed, 1))
    if mode == "realistic":
        rr = _render_realistic(plan, o, random.Random(f"provenance-synth:{seed}:{b}"), story_offset)
        title = pl.Series(rr.title, dtype=pl.String)
        text = pl.Series(rr.text, dtype=pl.String)
        byline = pl.Series(rr.byline, dtype=pl.String)
        credited = pl.Series(rr.credited, dtype=pl.String)
        style = pl.Series(rr.style, dtype=pl.String)
        slugs = pl.Series(rr.slugs, dtype=pl.String) + "-"
    else:
        kseed = int(_splitmix(np.array([seed * 1_000_003 + b], np.uint64))[0] & 0xFFFFFFFF)
        title, text = _render_fast(plan, o, kseed)
        names = pl.Series(tabs["name"])
        has_credit = plan.credited >= 0
        credited = (
            names[pl.Series(np.where(has_credit, plan.credited, 0))].set(
                pl.Series(~has_credit), None
            )
            if n
            else pl.Series([], dtype=pl.String)
        )
        style = (
            pl.Series(np.array(CREDIT_STYLES)[plan.device]).set(pl.Series(~has_credit), "none")
            if n
            else pl.Series([], dtype=pl.String)
        )
        # a byline credit for copies, the agency's name on its own records
        pubname = names[pl.Series(plan.pub)]
        byline = (
            pl.DataFrame({"c": credited, "s": style, "p": pubname, "a": plan.pub < A})
            .select(
                pl.when(pl.col("s") == "byline")
                .then("By " + pl.col("c"))
                .when(pl.col("a"))
                .then(pl.col("p"))
                .otherwise(pl.lit(None, pl.String))
            )
            .to_series()
        )
        slugs = pl.Series([""] * n, dtype=pl.String)
    pub = pl.Series(plan.pub)
    host = pl.Series(tabs["host"])[pub]
    section = pl.Series(tabs["section"])[pub]
    url = "https://" + host + "/" + section + "/" + slugs + ids
    articles = pl.DataFrame(
        {
            "id": ids,
            "url": url,
            "outlet": pl.Series(tabs["outlet"])[pub],
            "published": _published(plan.time, plan.pub, plan.missing, o.n_outlets),
            "title": title,
            "byline": byline,
            "text": text,
        }
    )
    # truth
    story_ids = _hex_ids(story_offset + plan.story, _key(seed, 2), "s")
    event_ids = _hex_ids(story_offset + plan.event, _key(seed, 3), "e")
    root_row = np.arange(n) - plan.pos
    ext_story = plan.kind == K_EXT
    origin_id = ids[pl.Series(root_row)].set(pl.Series(ext_story), None) if n else ids
    ag_names = pl.Series([a.name for a in AGENCIES] + [""])
    ext_name = (
        ag_names[pl.Series(np.where(plan.ext >= 0, plan.ext, A))].set(pl.Series(plan.ext < 0), None)
        if n
        else pl.Series([], dtype=pl.String)
    )
    has_parent = plan.parent >= 0
    parent_id = (
        ids[pl.Series(np.where(has_parent, plan.parent, 0))].set(pl.Series(~has_parent), None)
        if n
        else ids
    )
    parent_ext = ext_name.set(pl.Series(has_parent | (plan.pos > 0)), None) if n else ext_name
    truth = pl.DataFrame(
        {
            "article_id": ids,
            "story_id": story_ids,
            "origin_id": origin_id,
            "origin_external": ext_name,
            "parent_id": parent_id,
            "parent_external": parent_ext,
            "relation": pl.Series(np.array(RELATIONS)[plan.rel])
            if n
            else pl.Series([], dtype=pl.String),
            "credited": credited,
            "credit_style": style,
            "lag_minutes": pl.Series(plan.lag).set(pl.Series(plan.lag < 0), None)
            if n
            else pl.Series([], dtype=pl.Int64),
            "event_id": event_ids,
        },
        schema=TRUTH_SCHEMA,
    )
    order = np.lexsort((np.arange(n), plan.time))
    idx = pl.Series(order)
    return articles[idx], truth[idx]


@dataclass(frozen=True)
class Corpus:
    """A generated corpus: RAW-like ``articles`` and their ground ``truth`` (same row order)."""

    articles: pl.DataFrame
    truth: pl.DataFrame

    def __len__(self) -> int:
        return self.articles.height


def _options(
    mode: str,
    *,
    start: str | datetime,
    n_outlets: int | None,
    stories_per_day: float | None,
    missing_date_rate: float,
    independent_share: float,
    external_share: float,
    foreign_share: float,
    outlet_share: float,
    rewrite_share: float,
    multihop_rate: float,
    mean_copies: float,
    relation_weights: dict[str, float] | None,
) -> _Options:
    if mode not in ("realistic", "fast"):
        raise ValueError(f"mode must be 'realistic' or 'fast', not {mode!r}")
    n_out = n_outlets or (len(_NAMED_OUTLETS) if mode == "realistic" else 300)
    if n_out < 3:
        raise ValueError("n_outlets must be at least 3")
    rw = dict(_DEFAULT_REL_WEIGHTS)
    if relation_weights:
        unknown = set(relation_weights) - set(_COPY_RELS)
        if unknown:
            raise ValueError(f"unknown copy relations: {sorted(unknown)}; use {_COPY_RELS}")
        rw.update(relation_weights)
    shares = external_share + independent_share + outlet_share + foreign_share
    if shares > 1 or min(external_share, independent_share, outlet_share, foreign_share) < 0:
        raise ValueError("story shares must be >= 0 and sum to at most 1")
    return _Options(
        n_outlets=n_out,
        stories_per_day=stories_per_day or (150.0 if mode == "realistic" else 2000.0),
        start_minute=_parse_start(start),
        missing_date_rate=missing_date_rate,
        independent_share=independent_share,
        external_share=external_share,
        foreign_share=foreign_share,
        outlet_share=outlet_share,
        rewrite_share=rewrite_share,
        multihop_rate=multihop_rate,
        mean_copies=mean_copies,
        rel_weights=tuple(rw[k] for k in _COPY_RELS),
    )


def iter_blocks(
    n_articles: int,
    *,
    seed: int = 0,
    mode: str = "realistic",
    chunk: int = DEFAULT_CHUNK,
    **options: Any,
) -> Iterator[Corpus]:
    """Generate the corpus block by block (``chunk`` articles each); see :func:`generate`."""
    if n_articles < 0:
        raise ValueError("n_articles must be >= 0")
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    o = _options(mode, **{**_DEFAULT_OPTS, **options})

    def jobs() -> Iterator[tuple[int, _Plan, int, int]]:
        # Plans are cheap and sequential (a block's story numbering continues the last one's).
        row, story, b = 0, 0, 0
        while row < n_articles:
            n = min(chunk, n_articles - row)
            plan = _plan(n, np.random.default_rng([seed, b, 0x5EED]), o, story)
            yield b, plan, row, story
            row += n
            story += plan.n_stories
            b += 1

    if mode != "fast" or n_articles <= chunk:
        for b, plan, row, story in jobs():
            yield Corpus(*_block(b, plan, seed, mode, o, row, story))
        return
    # fast mode: the numba kernels release the GIL, so render two blocks at once
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    _fast_vocab(o.n_outlets)
    _zipf_table()
    pending: deque[Future[tuple[pl.DataFrame, pl.DataFrame]]] = deque()
    with ThreadPoolExecutor(max_workers=2) as ex:
        for b, plan, row, story in jobs():
            pending.append(ex.submit(_block, b, plan, seed, mode, o, row, story))
            if len(pending) >= 2:
                yield Corpus(*pending.popleft().result())
        while pending:
            yield Corpus(*pending.popleft().result())


_DEFAULT_OPTS: dict[str, Any] = dict(
    start=DEFAULT_START,
    n_outlets=None,
    stories_per_day=None,
    missing_date_rate=0.05,
    independent_share=0.18,
    external_share=0.15,
    foreign_share=0.2,
    outlet_share=0.1,
    rewrite_share=0.6,
    multihop_rate=0.2,
    mean_copies=6.0,
    relation_weights=None,
)


def generate(
    n_articles: int,
    *,
    seed: int = 0,
    mode: str = "realistic",
    chunk: int = DEFAULT_CHUNK,
    start: str | datetime = DEFAULT_START,
    n_outlets: int | None = None,
    stories_per_day: float | None = None,
    missing_date_rate: float = 0.05,
    independent_share: float = 0.18,
    external_share: float = 0.15,
    foreign_share: float = 0.2,
    outlet_share: float = 0.1,
    rewrite_share: float = 0.6,
    multihop_rate: float = 0.2,
    mean_copies: float = 6.0,
    relation_weights: dict[str, float] | None = None,
) -> Corpus:
    """A corpus of exactly ``n_articles`` articles with known ground truth.

    ``mode``: ``"realistic"`` (grammar-built English, ~1-3k articles/s) or
    ``"fast"`` (Zipf pseudo-words, numba; for 1M+ benchmarks).
    Story mix: ``external_share`` of stories are an Indian agency's rewrite of
    a foreign story not in the corpus, ``foreign_share`` a foreign agency's
    original (rewritten by an Indian agency with probability
    ``rewrite_share``), ``outlet_share`` an outlet's own story,
    ``independent_share`` a single independent report of an earlier story's
    event; the rest are Indian agency originals. Wire stories get a
    lognormal number of copies (mean about ``mean_copies``) by distinct
    outlets; ``relation_weights`` weighs the copy relations; a copy is taken
    from another outlet's copy with probability ``multihop_rate``.
    ``stories_per_day`` spaces the stories in time from ``start``;
    ``missing_date_rate`` of records have no ``published``.
    """
    opts = dict(
        start=start,
        n_outlets=n_outlets,
        stories_per_day=stories_per_day,
        missing_date_rate=missing_date_rate,
        independent_share=independent_share,
        external_share=external_share,
        foreign_share=foreign_share,
        outlet_share=outlet_share,
        rewrite_share=rewrite_share,
        multihop_rate=multihop_rate,
        mean_copies=mean_copies,
        relation_weights=relation_weights,
    )
    blocks = list(iter_blocks(n_articles, seed=seed, mode=mode, chunk=chunk, **opts))
    if not blocks:
        o = _options(mode, **opts)  # validate anyway
        del o
        empty_a = pl.DataFrame(schema={c: pl.String for c in ARTICLE_COLUMNS})
        return Corpus(empty_a, pl.DataFrame(schema=TRUTH_SCHEMA))
    return Corpus(
        pl.concat([c.articles for c in blocks], rechunk=True),
        pl.concat([c.truth for c in blocks], rechunk=True),
    )
