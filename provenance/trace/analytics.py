"""Analytics: who republishes whom, per outlet and per agency.

This module owns the aggregate views the product sells: for each outlet,
how much of what it publishes is agency copy, how much is verbatim, how much
goes uncredited, how far behind the origin it runs and which agencies it
uses; for each agency, its reach (outlets, articles), how often it is
credited, and how fast it is picked up. Pure polars over ``articles``
(ARTICLES), ``lineage`` (:data:`provenance.trace.lineage.LINEAGE`) and, for chains
through external agencies, ``external_nodes``
(:data:`provenance.trace.lineage.EXTERNAL_NODES`).

Definitions (all per article of the lineage):

* agency copy: derived (``derivation`` != non_derived) with an agency on its
  chain (``via_agency`` not null);
* verbatim: relation verbatim or headline_changed (the body unchanged);
* credited: ``credited`` is credits_origin or credits_intermediary;
  uncredited share is over derived articles only (an original has nothing
  to credit);
* lag: ``lag_minutes`` (behind the chain's first article in the corpus);
* byline mismatch: a staff byline ("By Staff Reporter") over a text that credits
  an agency or is a verbatim agency copy (``evidence.byline_mismatch``).

An agency's *direct* articles are those whose nearest agency (``via_agency``)
is it; its *indirect* ones reach it further up the chain (IANS copies of a
Yonhap story count for Yonhap as indirect).
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "OUTLET_TABLE",
    "AGENCY_TABLE",
    "OUTLET_PROFILE",
    "AGENCY_PROFILE",
    "chain_agencies",
    "outlet_table",
    "agency_table",
    "outlet_profile",
    "agency_profile",
]

#: One row per outlet. Shares are in [0, 1]; ``agencies`` lists the agencies
#: its copies come through, most used first.
OUTLET_TABLE = pl.Schema(
    {
        "outlet": pl.String,
        "articles": pl.UInt32,
        "derived": pl.UInt32,
        "agency_copy_share": pl.Float64,
        "verbatim_share": pl.Float64,
        "uncredited_share": pl.Float64,
        "byline_mismatch": pl.UInt32,
        "median_lag_minutes": pl.Float64,
        "agencies": pl.List(pl.String),
    }
)

#: One row per agency seen on any chain. ``own_articles``: articles the agency
#: itself published in the corpus; ``direct_*``: copies whose nearest agency it
#: is; ``indirect_articles``: copies reaching it further up. ``credited_share``
#: over direct copies; ``median_speed_minutes``: median lag of direct copies.
AGENCY_TABLE = pl.Schema(
    {
        "agency": pl.String,
        "in_corpus": pl.Boolean,
        "own_articles": pl.UInt32,
        "direct_outlets": pl.UInt32,
        "direct_articles": pl.UInt32,
        "indirect_articles": pl.UInt32,
        "credited_articles": pl.UInt32,
        "uncredited_articles": pl.UInt32,
        "credited_share": pl.Float64,
        "verbatim_share": pl.Float64,
        "median_speed_minutes": pl.Float64,
    }
)

#: One outlet's use of each agency (``agency`` null for copies of non-agency sources).
OUTLET_PROFILE = pl.Schema(
    {
        "agency": pl.String,
        "articles": pl.UInt32,
        "credited": pl.UInt32,
        "uncredited": pl.UInt32,
        "miscredited": pl.UInt32,
        "byline_mismatch": pl.UInt32,
        "verbatim": pl.UInt32,
        "median_lag_minutes": pl.Float64,
        "relations": pl.String,  # "verbatim:3, trimmed:1"
    }
)

#: One agency's republication by each outlet (direct copies).
AGENCY_PROFILE = pl.Schema(
    {
        "outlet": pl.String,
        "articles": pl.UInt32,
        "credited": pl.UInt32,
        "uncredited": pl.UInt32,
        "verbatim_share": pl.Float64,
        "median_lag_minutes": pl.Float64,
    }
)

_CREDITED = ["credits_origin", "credits_intermediary"]
_VERBATIM = ["verbatim", "headline_changed"]



#: Lags that are measurements: a negative lag (a copy dated before its source) is a contradiction
#: between times and text, not a speed, and made a median of -1,393.73 min; lineage now stores it
#: as null, and stores written before still hold some.
_LAG = pl.col("lag_minutes").filter(pl.col("lag_minutes") >= 0)

def _joined(articles: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    return lineage.join(articles.select("article_id", "outlet"), on="article_id", how="left").with_columns(
        (pl.col("derivation") != "non_derived").fill_null(False).alias("_derived"),
        pl.col("credited").is_in(_CREDITED).fill_null(False).alias("_credited"),
        (pl.col("credited") == "uncredited").fill_null(False).alias("_uncredited"),
        pl.col("relation").is_in(_VERBATIM).fill_null(False).alias("_verbatim"),
        pl.col("evidence").str.contains('"byline_mismatch"', literal=True).fill_null(False).alias("_mismatch"),
    )


def outlet_table(articles: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """Per-outlet summary (:data:`OUTLET_TABLE`), largest outlets first."""
    j = _joined(articles, lineage)
    agg = (
        j.group_by("outlet")
        .agg(
            pl.len().alias("articles"),
            pl.col("_derived").sum().alias("derived"),
            (pl.col("_derived") & pl.col("via_agency").is_not_null()).mean().alias("agency_copy_share"),
            pl.col("_verbatim").mean().alias("verbatim_share"),
            pl.col("_uncredited").filter(pl.col("_derived")).mean().alias("uncredited_share"),
            pl.col("_mismatch").sum().alias("byline_mismatch"),
            pl.col("lag_minutes").filter(pl.col("_derived") & (pl.col("lag_minutes") >= 0)).median().alias("median_lag_minutes"),
        )
    )
    used = (
        j.filter(pl.col("_derived") & pl.col("via_agency").is_not_null())
        .group_by("outlet", "via_agency")
        .agg(pl.len().alias("n"))
        .sort(["outlet", "n", "via_agency"], descending=[False, True, False])
        .group_by("outlet", maintain_order=True)
        .agg(pl.col("via_agency").alias("agencies"))
    )
    out = agg.join(used, on="outlet", how="left").with_columns(
        pl.col("agencies").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    return out.select(list(OUTLET_TABLE)).cast(OUTLET_TABLE).sort(["articles", "outlet"], descending=[True, False])


def chain_agencies(
    articles: pl.DataFrame,
    lineage: pl.DataFrame,
    external_nodes: pl.DataFrame | None = None,
    *,
    agency_names: frozenset[str] | set[str] | None = None,
) -> pl.DataFrame:
    """Every (article_id, agency, hop) with the agency on the article's chain.

    hop 0 is ``via_agency``; higher hops are agencies further up: the
    in-corpus origin article's own agency (when ``agency_names`` tells which
    outlets are agencies, via the lineage's via_agency of that origin) and
    external agency nodes above it.
    """
    rows: list[tuple[str, str, int]] = []
    ext_parent: dict[tuple[int | None, str], str | None] = {}
    ext_kind: dict[tuple[int | None, str], str] = {}
    if external_nodes is not None and external_nodes.height:
        for r in external_nodes.iter_rows(named=True):
            ext_parent[(r["cluster_id"], r["name"])] = r["parent_external"]
            ext_kind[(r["cluster_id"], r["name"])] = r["kind"]
    by_id = {r["article_id"]: r for r in lineage.select("article_id", "via_agency", "parent_external", "cluster_id", "origin_id").iter_rows(named=True)}
    for r in by_id.values():
        seen: list[str] = []
        if r["via_agency"]:
            seen.append(r["via_agency"])
        # Up from the chain's top article through external nodes.
        top = by_id.get(r["origin_id"]) if r["origin_id"] else None
        name = top["parent_external"] if top else r["parent_external"]
        guard = 0
        while name is not None and guard < 50:
            guard += 1
            key = (r["cluster_id"], name)
            kind = ext_kind.get(key)
            if (kind == "agency" or (kind is None and agency_names and name in agency_names)) and name not in seen:
                seen.append(name)
            name = ext_parent.get(key)
        rows.extend((r["article_id"], ag, hop) for hop, ag in enumerate(seen))
    return pl.DataFrame(rows, schema={"article_id": pl.String, "agency": pl.String, "hop": pl.Int32}, orient="row")


def agency_table(
    articles: pl.DataFrame,
    lineage: pl.DataFrame,
    external_nodes: pl.DataFrame | None = None,
    *,
    agency_of_outlet: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Per-agency reach and credit (:data:`AGENCY_TABLE`), widest reach first.

    ``agency_of_outlet`` maps outlet → agency for outlets that are agencies
    (``Registry.agency_of_outlet``), to count their own articles.
    """
    j = _joined(articles, lineage)
    derived = j.filter(pl.col("_derived"))
    direct = (
        derived.filter(pl.col("via_agency").is_not_null())
        .group_by("via_agency")
        .agg(
            pl.col("outlet").n_unique().alias("direct_outlets"),
            pl.len().alias("direct_articles"),
            pl.col("_credited").sum().alias("credited_articles"),
            pl.col("_uncredited").sum().alias("uncredited_articles"),
            pl.col("_credited").mean().alias("credited_share"),
            pl.col("_verbatim").mean().alias("verbatim_share"),
            _LAG.median().alias("median_speed_minutes"),
        )
        .rename({"via_agency": "agency"})
    )
    chains = chain_agencies(articles, lineage, external_nodes)
    indirect = (
        chains.filter(pl.col("hop") > 0)
        .join(derived.select("article_id"), on="article_id", how="semi")
        .group_by("agency")
        .agg(pl.len().alias("indirect_articles"))
    )
    amap = agency_of_outlet or {}
    own = (
        j.with_columns(pl.col("outlet").replace_strict(amap, default=None, return_dtype=pl.String).alias("agency"))
        .filter(pl.col("agency").is_not_null())
        .group_by("agency")
        .agg(pl.len().alias("own_articles"))
    )
    names = pl.concat(
        [direct.select("agency"), indirect.select("agency"), own.select("agency")], how="vertical"
    ).unique()
    out = (
        names.join(direct, on="agency", how="left")
        .join(indirect, on="agency", how="left")
        .join(own, on="agency", how="left")
        .with_columns(
            pl.col("own_articles").fill_null(0),
            pl.col("direct_outlets").fill_null(0),
            pl.col("direct_articles").fill_null(0),
            pl.col("indirect_articles").fill_null(0),
            pl.col("credited_articles").fill_null(0),
            pl.col("uncredited_articles").fill_null(0),
        )
        .with_columns((pl.col("own_articles") > 0).alias("in_corpus"))
    )
    return out.select(list(AGENCY_TABLE)).cast(AGENCY_TABLE).sort(
        ["direct_articles", "indirect_articles", "agency"], descending=[True, True, False]
    )


def outlet_profile(outlet: str, articles: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """One outlet's derived articles broken down by the agency they came through (:data:`OUTLET_PROFILE`)."""
    j = _joined(articles, lineage).filter((pl.col("outlet") == outlet) & pl.col("_derived"))
    rel = (
        j.group_by("via_agency", "relation")
        .agg(pl.len().alias("n"))
        .sort(["via_agency", "n", "relation"], descending=[False, True, False])
        .with_columns((pl.col("relation").fill_null("unknown") + ":" + pl.col("n").cast(pl.String)).alias("s"))
        .group_by("via_agency", maintain_order=True)
        .agg(pl.col("s").str.join(", ").alias("relations"))
    )
    agg = j.group_by("via_agency").agg(
        pl.len().alias("articles"),
        pl.col("_credited").sum().alias("credited"),
        pl.col("_uncredited").sum().alias("uncredited"),
        (pl.col("credited") == "miscredited").sum().alias("miscredited"),
        pl.col("_mismatch").sum().alias("byline_mismatch"),
        pl.col("_verbatim").sum().alias("verbatim"),
        _LAG.median().alias("median_lag_minutes"),
    )
    out = agg.join(rel, on="via_agency", how="left", nulls_equal=True).rename({"via_agency": "agency"})
    return out.select(list(OUTLET_PROFILE)).cast(OUTLET_PROFILE).sort(["articles", "agency"], descending=[True, False])


def agency_profile(agency: str, articles: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """Which outlets republish ``agency`` directly, how faithfully and how credited (:data:`AGENCY_PROFILE`)."""
    j = _joined(articles, lineage).filter((pl.col("via_agency") == agency) & pl.col("_derived"))
    out = j.group_by("outlet").agg(
        pl.len().alias("articles"),
        pl.col("_credited").sum().alias("credited"),
        pl.col("_uncredited").sum().alias("uncredited"),
        pl.col("_verbatim").mean().alias("verbatim_share"),
        _LAG.median().alias("median_lag_minutes"),
    )
    return out.select(list(AGENCY_PROFILE)).cast(AGENCY_PROFILE).sort(["articles", "outlet"], descending=[True, False])
