"""Constants of the corpus format: copy relations, credit styles, article columns, the truth schema, defaults."""

from __future__ import annotations

import polars as pl

RELATIONS = (
    "original",
    "verbatim",
    "trimmed",
    "headline_changed",
    "added_intro",
    "edited",
    "partial",
    "rewrite",
    "independent",
)
R_ORIGINAL, R_VERBATIM, R_TRIMMED, R_HEADLINE, R_INTRO, R_EDITED, R_PARTIAL, R_REWRITE, R_INDEP = (
    range(9)
)

CREDIT_STYLES = ("none", "byline", "slug", "disclaimer", "cited")
C_NONE, C_BYLINE, C_SLUG, C_DISCLAIMER, C_CITED = range(5)

ARTICLE_COLUMNS = ("id", "url", "outlet", "published", "title", "byline", "text")

#: Ground truth, one row per article. ``event_id`` is extra: articles about
#: one event (a story's members and the independent reports of it) share it.
TRUTH_SCHEMA = pl.Schema(
    {
        "article_id": pl.String,
        "story_id": pl.String,
        "origin_id": pl.String,
        "origin_external": pl.String,
        "parent_id": pl.String,
        "parent_external": pl.String,
        "relation": pl.String,
        "credited": pl.String,
        "credit_style": pl.String,
        "lag_minutes": pl.Int64,
        "event_id": pl.String,
    }
)

DEFAULT_CHUNK = 50_000
DEFAULT_START = "2024-10-01T00:00:00+00:00"
