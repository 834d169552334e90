"""Detection parameters: one frozen dataclass, every default with the reason for it.

The parameters that change fingerprints (seed, num_perm, shingle size, anchor
rate) are written into the store on the first ingest; a later run with other
values is refused, because its fingerprints would not be comparable.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from provenance.errors import ConfigError

FINGERPRINT_KEYS = (
    "seed",
    "num_perm",
    "shingle_size",
    "char_shingle_size",
    "anchor_mod",
    "lsh_threshold",
    "lsh_false_positive_weight",
    "lsh_false_negative_weight",
)


@dataclass(frozen=True, kw_only=True)
class Config:
    # datasketch's default seed, so our signatures equal datasketch.MinHash(seed=1).
    seed: int = 1
    # 128 permutations: standard error of a Jaccard estimate ~0.044, enough to
    # find candidates; every candidate is then verified exactly.
    num_perm: int = 128
    # Word 5-grams: long enough that independent reports of one event rarely
    # share them by chance, short enough that light edits leave most intact.
    shingle_size: int = 5
    # Scripts written without spaces (CJK, Thai) shingle characters instead;
    # 5 characters carry about as much as 2-3 words.
    char_shingle_size: int = 5
    # Document-level LSH threshold on estimated Jaccard. 0.5 catches trimmed
    # copies and copies with an added intro; partial reuse is the anchors' job.
    lsh_threshold: float = 0.5
    # LSH banding weights as in datasketch._optimal_param: we weigh a missed
    # pair 9x a wasted candidate, because verification is cheap and exact.
    lsh_false_positive_weight: float = 0.1
    lsh_false_negative_weight: float = 0.9
    # Passage anchors: shingles whose hash is 0 mod anchor_mod. Content-defined,
    # so the sample survives inserted or removed paragraphs; 1/8 of shingles
    # puts ~6 anchors in a 50-word paragraph.
    anchor_mod: int = 8
    # Two articles become anchor candidates when they share this many anchors
    # (~3 x 8 = 24 shared shingles expected): one shared stock phrase is not enough.
    min_shared_anchors: int = 3
    # An anchor seen in more documents than this is boilerplate (site chrome,
    # disclaimers, sign-offs) and creates no candidates. Wire stories reach
    # hundreds of outlets, so the cap is generous; see anchor_max_df_fraction.
    anchor_max_df: int = 2000
    # In smaller corpora the cap shrinks to this share of all documents ...
    anchor_max_df_fraction: float = 0.01
    # ... but never below this many documents, so a small corpus whose stories
    # reach most of its outlets still links them.
    anchor_df_floor: int = 100
    # A verified pair is reuse when the shared shingles cover this share of
    # the smaller article (a copy, trimmed or not) ...
    min_containment: float = 0.5
    # ... or when they amount to a passage this long in shingles (~3 wire
    # paragraphs lifted into a longer story), whatever its share.
    min_shared_shingles: int = 60
    # Never call fewer shared shingles reuse (two short quotes in common).
    min_shared_floor: int = 15
    # Find rewrites and measure each article's sourced share (provenance.detect.sourced). The Spark engine
    # does not run that stage yet and runs with this off.
    rewrites: bool = True
    # Rewrite detection (provenance.detect.sourced), calibrated on METER's showbiz domain (docs/QUALITY.md).
    # Tiles start from exact runs of this many tokens: 3 words find the short runs a journalist keeps
    # from the wire ("was found guilty of"); shorter runs are mostly chance.
    rewrite_gram: int = 3
    # Candidate sources share sampled word 3-grams (hash = 0 mod this). 1: every 3-gram; a tile must
    # hold a rare one, and sampling drops short tiles (1 in 2 cost METER showbiz 0.08 of its recall).
    rewrite_sample_mod: int = 1
    # ... at least this many of them (3-grams made only of the commonest words are not sampled) ...
    min_rewrite_grams: int = 3
    # ... counting only 3-grams found in at most this many stories (verified-pair components) of the
    # pool: more, and they are a desk's stock phrases. A tile counts only if it holds one.
    rewrite_rare_stories: int = 10
    # Sources are looked for this many days before an article (wire copy is rewritten within hours to a
    # day or two); no limit when a date is missing. None: no limit.
    rewrite_window_days: float | None = 3.0
    # Derived when tiles against all sources together cover this share of the article (METER showbiz:
    # non-derived stories median 0.13, partially derived 0.25, wholly 0.59); against sources that are
    # not agency copy, a story not wholly derived must also share this much narration, names, figures
    # and quotes aside (independent reports of one event share those; provenance.detect.sourced) ...
    min_sourced_share: float = 0.16
    # ... and this many covered tokens lie outside quotation marks: two outlets carrying one official
    # statement share only quotes, which is weak evidence. Low, because real derived showbiz items are
    # short and mostly quotes (20 cost METER showbiz 0.13 of its recall).
    min_sourced_narration: int = 8
    # Wholly derived from this share (METER: the journalists' "wholly" still paraphrases half the text).
    wholly_sourced_share: float = 0.43
    # A source shares at least this share of the names and figures (capitalised words not opening a
    # sentence, numbers) of whichever of the two names fewer: same-event sources on METER showbiz share
    # a median 0.55-0.83 of the article's (10th percentile 0.29); different stories sharing stock
    # phrases 0.17 (synthetic sample).
    min_source_names: float = 0.3
    # A source is linked when it adds at least this many tokens to the union ...
    min_source_tokens: int = 10
    # ... and covers this share of the article on its own: successive versions of one wire story each
    # cover much of a story built from them, while unrelated stories of the day each share a few stock
    # phrases that could add up to a union share.
    min_source_share: float = 0.08
    # Texts shorter than this many tokens are too short to fingerprint reliably.
    min_tokens: int = 20
    # Texts longer than this (characters) are cut before fingerprinting and
    # flagged; 20 MB "articles" are scraping accidents, not news.
    max_text_chars: int = 1_000_000
    # Documents hashed per compiled fingerprint call: bounds memory on huge corpora. Not the ingest's
    # ``--batch-size`` (records per committed transaction), which is a run option, not a detection one.
    fingerprint_batch_docs: int = 50_000

    def __post_init__(self) -> None:
        """Refuse out-of-range values here, once, so no stage re-checks (or forgets to)."""
        for name in _POSITIVE:
            if getattr(self, name) < 1:
                raise ConfigError(name, ">= 1", getattr(self, name))
        for name in _NON_NEGATIVE:
            if getattr(self, name) < 0:
                raise ConfigError(name, ">= 0", getattr(self, name))
        for name in _SHARES:
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(name, "in [0, 1]", getattr(self, name))
        if not 0 < self.lsh_threshold < 1:
            raise ConfigError("lsh_threshold", "in (0, 1)", self.lsh_threshold)
        if not 0 < self.min_containment <= 1:
            raise ConfigError("min_containment", "in (0, 1]", self.min_containment)
        if self.rewrite_window_days is not None and not self.rewrite_window_days > 0:
            raise ConfigError("rewrite_window_days", "a positive number of days (or None)", self.rewrite_window_days)
        if self.min_shared_shingles < self.min_shared_floor:
            raise ConfigError("min_shared_shingles", f">= min_shared_floor ({self.min_shared_floor})",
                              self.min_shared_shingles)

    @property
    def lsh_bands_rows(self) -> tuple[int, int]:
        """(bands, rows) of the LSH index, derived from the threshold, permutations and weights.

        The only place they are derived: the ingest, search, reclean and the Spark engine all read
        this, so they cannot cut signatures differently.
        """
        return lsh_params(self.lsh_threshold, self.num_perm, self.lsh_false_positive_weight,
                          self.lsh_false_negative_weight)

    def fingerprint_params(self) -> dict[str, Any]:
        """The parameters whose change makes stored fingerprints or band keys incomparable."""
        return {k: getattr(self, k) for k in FINGERPRINT_KEYS}

    def anchor_cap(self, n_docs: int) -> int:
        """The anchor document-frequency cap for a corpus of ``n_docs`` documents."""
        return min(self.anchor_max_df, max(self.anchor_df_floor, int(self.anchor_max_df_fraction * n_docs)))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Config:
        """A Config from a stored ``meta.config``; unknown keys are ignored, renamed ones mapped."""
        d = {_RENAMED.get(k, k): v for k, v in d.items()}
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


#: Fields stored under an older name in the ``meta.config`` of existing stores.
_RENAMED = {"batch_size": "fingerprint_batch_docs"}

#: Counts and sizes that must be at least 1.
_POSITIVE = ("num_perm", "shingle_size", "char_shingle_size", "anchor_mod", "min_shared_anchors", "anchor_max_df",
             "anchor_df_floor", "rewrite_gram", "rewrite_sample_mod", "min_rewrite_grams", "rewrite_rare_stories",
             "max_text_chars", "fingerprint_batch_docs")
#: Counts that may be 0 (0 turns the rule off).
_NON_NEGATIVE = ("seed", "min_shared_shingles", "min_shared_floor", "min_sourced_narration", "min_source_tokens",
                 "min_tokens", "lsh_false_positive_weight", "lsh_false_negative_weight")
#: Shares of an article or of a corpus.
_SHARES = ("anchor_max_df_fraction", "min_sourced_share", "wholly_sourced_share", "min_source_names",
           "min_source_share")


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, fp_weight: float, fn_weight: float) -> tuple[int, int]:
    """(bands, rows) minimizing fp_weight * P(false positive) + fn_weight * P(false negative).

    The same search as ``datasketch.lsh._optimal_param``. The integrands are
    polynomials of degree b*r <= num_perm, so Gauss-Legendre quadrature with
    num_perm//2 + 1 nodes integrates them exactly (no scipy needed).
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, got {num_perm}")
    x, w = np.polynomial.legendre.leggauss(num_perm // 2 + 2)
    s_fp = threshold * (x + 1.0) / 2.0
    w_fp = w * threshold / 2.0
    s_fn = threshold + (1.0 - threshold) * (x + 1.0) / 2.0
    w_fn = w * (1.0 - threshold) / 2.0
    best = float("inf")
    opt = (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = float(np.dot(w_fp, 1.0 - (1.0 - s_fp**rows) ** bands))
            fn = float(np.dot(w_fn, (1.0 - s_fn**rows) ** bands))
            error = fp * fp_weight + fn * fn_weight
            if error < best:
                best = error
                opt = (bands, rows)
    return opt
