"""Detection parameters: one frozen dataclass, every default with the reason for it.

The parameters that change fingerprints (seed, num_perm, shingle size, anchor
rate) are written into the store on the first ingest; a later run with other
values is refused, because its fingerprints would not be comparable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

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
    # Find rewrites and measure each article's sourced share (provenance.sourced). The Spark engine
    # does not run that stage yet and runs with this off.
    rewrites: bool = True
    # Rewrite detection (provenance.sourced), calibrated on METER's showbiz domain (docs/QUALITY.md).
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
    # non-derived stories median 0.13, partially derived 0.25, wholly 0.59) ...
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
    # Documents hashed per numba batch: bounds memory on huge corpora.
    batch_size: int = 50_000

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
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})
