"""Which sites are an agency's own, from what the corpus shows.

Why: a registry of domains can never list every site an agency publishes on
(regional editions, mirrors, wire portals, a test host). When an agency's own
page is in the corpus but its host is unknown, its copies hang under a virtual
"agency with no article here" node and the agency page becomes one more
sibling. Host labels and user declarations are handled by
:meth:`provenance.trace.attribution.Registry.agency_identity`; this module adds the
corpus evidence: a site whose pages credit one agency only (byline, dateline,
sign-off "--IANS", copyright) and which opens every cluster it is in (its page
is the earliest) publishes that agency's stories first, so it is the agency's.

An outlet that carries one agency's copy only and is always first would be
taken for the agency: the evidence is written into ``lineage.evidence`` so a
reader sees why, and ``ingest --agencies`` can say otherwise.
"""

from __future__ import annotations

import polars as pl

from provenance.trace.attribution import CREDIT_ROLES, Registry

#: Pages of a site that must credit the agency, and clustered pages that must open their cluster.
MIN_SIGNED_PAGES = 2
MIN_OPENED_CLUSTERS = 2


def signed_sites(
    articles: pl.DataFrame, credits: pl.DataFrame, clusters: pl.DataFrame, registry: Registry
) -> list[tuple[str, str, str]]:
    """``(outlet, agency, evidence)`` for outlets the evidence makes an agency's own site.

    ``articles`` needs article_id, outlet, published_at; ``credits`` CREDITS rows of
    them; ``clusters`` article_id, cluster_id.
    """
    if articles.height == 0 or credits.height == 0 or "outlet" not in articles.columns:
        return []
    arts = articles.select("article_id", "outlet", "published_at").filter(pl.col("outlet").is_not_null())
    outlets = arts["outlet"].unique().to_list()
    unknown = [o for o in outlets if registry.agency_identity(o) is None]
    if not unknown:
        return []
    arts = arts.filter(pl.col("outlet").is_in(unknown))
    cr = credits.filter(pl.col("role").is_in(CREDIT_ROLES) & (pl.col("kind") == "agency")).select("article_id", "source")
    signed = (
        arts.join(cr, on="article_id")
        .group_by("outlet")
        .agg(pl.col("source").unique().alias("agencies"), pl.col("article_id").n_unique().alias("signed"))
        .filter((pl.col("agencies").list.len() == 1) & (pl.col("signed") >= MIN_SIGNED_PAGES))
        .with_columns(pl.col("agencies").list.first().alias("agency"))
    )
    if signed.height == 0:
        return []
    # Opens its cluster: published strictly before every member from another outlet.
    members = clusters.select("article_id", "cluster_id").join(
        articles.select("article_id", "outlet", "published_at"), on="article_id"
    )
    mine = members.join(signed.select("outlet"), on="outlet")
    others = mine.select("cluster_id", pl.col("outlet").alias("site"), pl.col("article_id").alias("own")).join(
        members, on="cluster_id"
    ).filter(pl.col("outlet") != pl.col("site"))
    first = mine.join(
        others.group_by("own").agg(pl.col("published_at").min().alias("next_t"), pl.len().alias("n_others")),
        left_on="article_id", right_on="own", how="inner",
    ).with_columns(
        (pl.col("published_at").is_not_null() & pl.col("next_t").is_not_null() & (pl.col("published_at") < pl.col("next_t")))
        .alias("opens")
    )
    opened = first.group_by("outlet").agg(pl.len().alias("clustered"), pl.col("opens").sum().alias("opened"))
    ok = signed.join(opened, on="outlet").filter(
        (pl.col("opened") == pl.col("clustered")) & (pl.col("clustered") >= MIN_OPENED_CLUSTERS)
    ).sort("outlet")
    return [
        (o, ag, f"{n} of its pages credit {ag} and no other agency; each of its {k} pages in a cluster published first")
        for o, ag, n, k in ok.select("outlet", "agency", "signed", "clustered").iter_rows()
    ]
