"""Outlet and agency analytics over lineage of invented clusters."""

from __future__ import annotations

import polars as pl
import pytest
from test_lineage import CONFIG, REG, TITLE, TRIMMED, WIRE_TEXT, art, build, page

from provenance.trace.analytics import (
    AGENCY_PROFILE,
    AGENCY_TABLE,
    OUTLET_PROFILE,
    OUTLET_TABLE,
    agency_profile,
    agency_table,
    chain_agencies,
    outlet_profile,
    outlet_table,
)
from provenance.trace.lineage import lineage

OTHER = (
    "The state election commission on Monday announced that voting for local bodies in the hill districts "
    "will be held in three phases next month, with counting scheduled for the first week of the month after.\n\n"
    "Officials said more than two million voters are eligible and that extra polling stations would be set up "
    "in remote villages that were cut off by landslides during the monsoon season last year.\n\n"
    "Candidates have until the end of this week to file their nominations, and scrutiny will follow on Monday."
)


@pytest.fixture(scope="module")
def corpus() -> dict[str, pl.DataFrame]:
    rows = [
        # Story 1: IANS article in corpus (citing Yonhap), three outlet copies.
        art("ians1", "ianslive.in", WIRE_TEXT, minutes=0),
        art("d1", "dailyexample.in", WIRE_TEXT, minutes=20, raw_text=page(TITLE, WIRE_TEXT, disclaimer=True)),
        art("m1", "morningpost.example", TRIMMED, minutes=60),
        art("c1", "citywire.example", WIRE_TEXT, minutes=40, raw_text=page(TITLE, WIRE_TEXT)),
        # Story 2: PTI story not in corpus; two outlets credit PTI, one does not.
        art("d2", "dailyexample.in", OTHER, minutes=300, title="Local polls in three phases",
            raw_text=page("Local polls in three phases", OTHER, agency="PTI")),
        art("c2", "citywire.example", OTHER, minutes=310, title="Local polls in three phases",
            raw_text=page("Local polls in three phases", OTHER, agency="PTI")),
        art("m2", "morningpost.example", OTHER, minutes=330, title="Hill districts vote next month"),
        # An original of the daily's own.
        art("d3", "dailyexample.in", "Our reporter visited the flower show, which drew record crowds this weekend "
            "despite the rain and the closure of the main road.", minutes=500, title="Flower show"),
    ]
    t = build(rows)
    res = lineage(t["articles"], t["pairs"], t["clusters"], t["credits"], registry=REG, config=CONFIG)
    return {"articles": t["articles"], "lineage": res.lineage, "external_nodes": res.external_nodes}


def test_outlet_table(corpus: dict[str, pl.DataFrame]) -> None:
    ot = outlet_table(corpus["articles"], corpus["lineage"])
    assert ot.schema == OUTLET_TABLE
    d = ot.filter(pl.col("outlet") == "dailyexample.in").row(0, named=True)
    assert d["articles"] == 3 and d["derived"] == 2
    assert d["agency_copy_share"] == pytest.approx(2 / 3)
    assert d["verbatim_share"] == pytest.approx(2 / 3)
    assert d["uncredited_share"] == 0.0
    assert sorted(d["agencies"]) == ["IANS", "PTI"]
    m = ot.filter(pl.col("outlet") == "morningpost.example").row(0, named=True)
    assert m["uncredited_share"] == 1.0 and m["verbatim_share"] == pytest.approx(0.5)  # trimmed + verbatim
    assert m["median_lag_minutes"] == pytest.approx((60 + 30) / 2)
    i = ot.filter(pl.col("outlet") == "ianslive.in").row(0, named=True)
    assert i["agency_copy_share"] == 1.0 and i["derived"] == 1  # its story is a rewrite of Yonhap
    assert ot["articles"].to_list() == sorted(ot["articles"].to_list(), reverse=True)


def test_agency_table(corpus: dict[str, pl.DataFrame]) -> None:
    at = agency_table(
        corpus["articles"], corpus["lineage"], corpus["external_nodes"],
        agency_of_outlet={"ianslive.in": "IANS"},
    )
    assert at.schema == AGENCY_TABLE
    rows = {r["agency"]: r for r in at.iter_rows(named=True)}
    ians, pti, yon = rows["IANS"], rows["PTI"], rows["Yonhap"]
    assert ians["in_corpus"] and ians["own_articles"] == 1
    assert (ians["direct_outlets"], ians["direct_articles"]) == (3, 3)
    assert (ians["credited_articles"], ians["uncredited_articles"]) == (2, 1)
    assert ians["median_speed_minutes"] == 40
    assert not pti["in_corpus"] and (pti["direct_articles"], pti["direct_outlets"]) == (3, 3)
    assert pti["credited_share"] == pytest.approx(2 / 3)
    # Yonhap reaches the outlets only through IANS (and the IANS article itself directly).
    assert yon["direct_articles"] == 1 and yon["indirect_articles"] == 3


def test_chain_agencies(corpus: dict[str, pl.DataFrame]) -> None:
    ch = chain_agencies(corpus["articles"], corpus["lineage"], corpus["external_nodes"])
    got = {(r["article_id"], r["agency"], r["hop"]) for r in ch.iter_rows(named=True)}
    assert {("d1", "IANS", 0), ("d1", "Yonhap", 1), ("ians1", "Yonhap", 0), ("d2", "PTI", 0)} <= got
    assert not any(a == "d3" for a, _, _ in got)


def test_profiles(corpus: dict[str, pl.DataFrame]) -> None:
    op = outlet_profile("morningpost.example", corpus["articles"], corpus["lineage"])
    assert op.schema == OUTLET_PROFILE
    assert {r["agency"]: (r["articles"], r["uncredited"]) for r in op.iter_rows(named=True)} == {
        "IANS": (1, 1), "PTI": (1, 1),
    }
    assert op.filter(pl.col("agency") == "IANS")["relations"].to_list() == ["trimmed:1"]
    ap = agency_profile("PTI", corpus["articles"], corpus["lineage"])
    assert ap.schema == AGENCY_PROFILE
    assert set(ap["outlet"]) == {"dailyexample.in", "citywire.example", "morningpost.example"}
    assert ap["credited"].sum() == 2
    assert agency_profile("AFP", corpus["articles"], corpus["lineage"]).is_empty()
