"""Sourced share and rewrite links on invented stories: a story built from three successive wire
versions, two outlets carrying one official statement, and a digest page that carries two stories."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from provenance.config import Config
from provenance.detect.sourced import sourced_share
from provenance.engine.pipeline import ingest
from provenance.store import Store

# Three versions of one wire story, as an agency files them: the snap, the lead, the update.
SNAP = (
    "Marrowfield harbour was closed to cargo traffic on Thursday after a grain carrier ran aground "
    "across the eastern channel during a squall, the port authority said. No injuries were reported "
    "among the crew of nineteen, and tugs from Castellan Bay were being sent to assist the stranded vessel."
)
LEAD = (
    "Salvage teams began pumping ballast water out of the stranded grain carrier Ostrava Dawn late on "
    "Thursday, hoping to float it off the sandbank at the evening high tide. The harbour master told "
    "reporters that forty container ships were waiting at anchor outside the breakwater and that "
    "perishable cargo would be moved to the smaller wharf at Pellin Point until the channel reopened."
)
UPDATE = (
    "By Friday morning the carrier had been refloated and towed to the inner basin for a hull "
    "inspection, and pilots resumed guiding vessels through the eastern channel shortly after dawn. "
    "Insurers for the shipowner said an investigation into the grounding would examine the bridge "
    "logbook and the weather routing advice the master had received before the squall hit."
)
# A newspaper story written from all three: the journalist's own opening, then the wire's text cut,
# reordered and partly paraphrased, with a sentence of its own.
STORY = (
    "Shipping in the region was thrown into confusion this week. "
    "Marrowfield harbour was closed to cargo traffic on Thursday after a grain carrier ran aground "
    "across the eastern channel during a squall. "
    "Forty container ships were waiting at anchor outside the breakwater and perishable cargo would be "
    "moved to the smaller wharf at Pellin Point until the channel reopened, the harbour master said. "
    "The carrier had been refloated and towed to the inner basin for a hull inspection by Friday, and "
    "pilots resumed guiding vessels through the eastern channel shortly after dawn. Local traders said "
    "the delay had cost them a week of sales. An investigation into the grounding would examine the "
    "bridge logbook and the weather routing advice the master had received before the squall hit."
)

# SNAP and LEAD paraphrased: short runs and names kept, no copied sentence (a rewrite, not a copy).
PARAPHRASE = (
    "Shipping in the region was thrown into confusion this week when a grain carrier ran aground "
    "across the eastern channel during a squall. Nobody among the crew of nineteen was hurt. "
    "Forty container ships were waiting at anchor outside the breakwater on Thursday night, and "
    "perishable cargo would be moved to the smaller wharf at Pellin Point, the harbour master said. "
    "Local traders said a closure of even two days would cost them a week of sales, and the chamber "
    "of commerce asked the port to publish a timetable for reopening the channel to cargo traffic."
)

# PARAPHRASE's first three sentences, then reporting of the paper's own: a story partly written from SNAP and LEAD.
PARTLY = ". ".join(PARAPHRASE.split(". ")[:3]) + ". " + (
    "The harbour's new dredging contract, signed last autumn with a firm from the north coast, was meant to keep "
    "the channel deep enough for the largest carriers, councillors recalled at an evening meeting. Several of them "
    "questioned whether the work had ever been inspected, and the mayor promised to publish the contractor's "
    "survey reports before the end of the month. Fishermen on the western quay said the closure had not touched "
    "their boats, which use the older channel on the far side of the lighthouse."
)

# Another outlet's own report of the SNAP and LEAD event: the same names and figures, two of the wire's
# sentences quoted, and narration of its own.
OWN_REPORT = (
    'Reporters gathered at Pellin Point on Thursday evening as the Ostrava Dawn sat on the sandbank in '
    'the eastern reach of Marrowfield harbour. "Forty container ships were waiting at anchor outside the '
    'breakwater," harbour master Tomas Rell told them, adding that "perishable cargo would be moved to the smaller '
    'wharf" until further notice. Tugs from Castellan Bay circled the grain carrier Ostrava Dawn while nineteen '
    'crewmen watched from the deck. Dock workers we spoke to blamed years of delay in dredging, and a '
    'shipping agent said his firm had already sent two vessels north instead.'
)

# One official statement, carried in quotation marks by two outlets that report independently.
STATEMENT = (
    '"We have decided to suspend the new water tariff for every household in the valley until the '
    'regional audit of the pumping stations is complete and the findings are published in full," '
)
REPORT_A = (
    "The utility board of Denholm announced a reversal on Monday evening after weeks of protests by "
    "residents of the northern districts, who had marched on the town hall twice. " + STATEMENT +
    "the board chairwoman Irena Vasko said. Campaigners welcomed the move but warned that they would "
    "return to the streets if the audit dragged on past the spring."
)
REPORT_B = (
    "Farmers in the Denholm valley, who irrigate orchards from the same network, had threatened to "
    "withhold payments altogether. Speaking at a crowded press conference at the board's offices, Irena "
    "Vasko read out a short statement: " + STATEMENT + "she told the room, declining to take questions. "
    "Orchard owners said the decision came too late for the summer planting season."
)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _ingest(paths: list[Path], *, store: Store, **kw) -> object:
    """``ingest`` with "Meridian Wire", the invented agency these tests write wire copy for, declared as
    a user declares an agency the registry does not know (``ingest --agencies``)."""
    declared = paths[0].parent / "agencies.toml"
    declared.write_text('[[agency]]\nname = "Meridian Wire"\naliases = ["Meridian Wire"]\n', encoding="utf-8")
    return ingest(paths, store=store, agencies=declared, **kw)


def test_story_from_three_wire_versions_is_sourced_from_each(tmp_path: Path) -> None:
    rows = [
        {"id": "wire-1", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z", "text": SNAP},
        {"id": "wire-2", "outlet": "Meridian Wire", "published": "2024-03-07T10:00:00Z", "text": LEAD},
        {"id": "wire-3", "outlet": "Meridian Wire", "published": "2024-03-08T07:40:00Z", "text": UPDATE},
        {"id": "paper", "outlet": "The Coastal Ledger", "published": "2024-03-08T14:00:00Z", "text": STORY},
    ]
    store = Store(tmp_path / "s.duckdb")
    _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    src = store.table("sources").filter(pl.col("article_id") == "paper").sort("rank")
    assert set(src["source_id"]) == {"wire-1", "wire-2", "wire-3"}  # each version adds text of its own
    summary = store.table("sourced").filter(pl.col("article_id") == "paper").row(0, named=True)
    assert summary["sourced_tokens"] == src["tokens"].sum()  # contributions add up to the union
    assert summary["sourced_share"] > src["own_tokens"].max() / summary["n_tokens"]  # union beats any one
    assert summary["grade"] == "wholly_derived"
    pairs = store.table("pairs")
    linked = {(a, b) for a, b in pairs.select("a", "b").iter_rows()}
    assert {("wire-1", "paper"), ("wire-2", "paper"), ("wire-3", "paper")} <= linked
    lin = store.table("lineage").filter(pl.col("article_id") == "paper").row(0, named=True)
    assert lin["parent_id"] in {"wire-1", "wire-2", "wire-3"}
    assert lin["derivation"] == "wholly_derived"
    # The cluster report says where the story's text came from, version by version.
    from provenance.report import build_report
    from provenance.report.json_format import validate

    cid = store.table("clusters").filter(pl.col("article_id") == "paper")["cluster_id"][0]
    report = build_report(store, cluster=int(cid))
    validate(report)
    link = next(x for x in report["cluster"]["links"] if x["child"] == "paper")
    assert [x["source_id"] for x in link["sourced"]["sources"]] == src["source_id"].to_list()
    assert link["sourced"]["share"] == round(summary["sourced_share"], 3)


def test_a_shared_official_statement_is_not_a_rewrite(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "outlet": "Meridian Wire", "published": "2024-05-06T18:00:00Z", "text": REPORT_A},
        {"id": "b", "outlet": "Orchard Times", "published": "2024-05-06T19:30:00Z", "text": REPORT_B},
    ]
    store = Store(tmp_path / "s.duckdb")
    _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    assert store.table("pairs").height == 0
    summary = store.table("sourced").filter(pl.col("article_id") == "b")
    assert summary["grade"].to_list() in ([], ["non_derived"])
    # Without the quotation marks the same words are narration, and the later text is a rewrite of the wire's.
    unquoted = [{**r, "text": r["text"].replace('"', "")} for r in rows]
    store2 = Store(tmp_path / "s2.duckdb")
    _ingest([_write(tmp_path / "in2.jsonl", unquoted)], store=store2)
    assert store2.table("pairs")["via"].to_list() == ["rewrite"]


def test_two_outlets_sharing_names_figures_and_quotes_are_not_called_derived(tmp_path: Path) -> None:
    """Calibrated on stories written from wire copy, the partial-derivation thresholds would call two
    outlets' own reports of one event derived when they share the event's names, figures and quoted
    words. Against a source that is not agency copy, a partly covered story must also share narration."""
    first = {"id": "first", "outlet": "The Coastal Ledger", "published": "2024-03-07T09:00:00Z", "text": SNAP + " " + LEAD}
    later = {"id": "later", "outlet": "Harbour Evening Post", "published": "2024-03-08T06:00:00Z", "text": OWN_REPORT}
    store = Store(tmp_path / "own.duckdb")
    _ingest([_write(tmp_path / "own.jsonl", [first, later])], store=store)
    measured = store.table("sourced").filter(pl.col("article_id") == "later").row(0, named=True)
    cfg = Config()
    assert cfg.min_sourced_share <= measured["sourced_share"] < cfg.wholly_sourced_share  # partly covered
    assert measured["narration_tokens"] >= cfg.min_sourced_narration  # what the wire-copy rule asks
    assert (measured["grade"], measured["n_sources"]) == ("non_derived", 0)
    assert store.table("pairs").height == 0
    # The same first story credited to an agency is agency copy: the later one is partly derived from it.
    store2 = Store(tmp_path / "credited.duckdb")
    _ingest([_write(tmp_path / "credited.jsonl", [{**first, "byline": "IANS"}, later])], store=store2)
    assert store2.table("sourced").filter(pl.col("article_id") == "later")["grade"].to_list() == ["partially_derived"]
    assert store2.table("pairs").select("a", "b", "via").rows() == [("first", "later", "rewrite")]
    # ... and so it is when the credited story was stored by an earlier ingest (its credits are read back).
    store4 = Store(tmp_path / "later.duckdb")
    _ingest([_write(tmp_path / "first.jsonl", [{**first, "byline": "IANS"}])], store=store4)
    _ingest([_write(tmp_path / "second.jsonl", [later])], store=store4)
    assert store4.table("sourced").filter(pl.col("article_id") == "later")["grade"].to_list() == ["partially_derived"]
    # A story that shares the first one's narration is partly derived from it, agency copy or not.
    store3 = Store(tmp_path / "narration.duckdb")
    _ingest([_write(tmp_path / "narration.jsonl", [first, {**later, "text": PARTLY}])], store=store3)
    got = store3.table("sourced").filter(pl.col("article_id") == "later").row(0, named=True)
    assert got["sourced_share"] < cfg.wholly_sourced_share and got["grade"] == "partially_derived", got
    assert store3.table("pairs").select("a", "b", "via").rows() == [("first", "later", "rewrite")]


def test_sources_must_be_earlier_and_within_the_window() -> None:
    pool = pl.DataFrame(
        {"doc": [0, 1, 2], "text": [SNAP + " " + LEAD, STORY, SNAP + " " + LEAD],
         "published_at": ["2024-03-07T09:00:00", "2024-03-08T14:00:00", "2024-03-01T09:00:00"],
         "published_precision": ["minute"] * 3},
    ).with_columns(pl.col("published_at").str.to_datetime().dt.replace_time_zone("UTC"))
    none = pl.DataFrame(schema={"a_doc": pl.Int64, "b_doc": pl.Int64, "containment_a_in_b": pl.Float64,
                                "containment_b_in_a": pl.Float64})
    src, summary = sourced_share(pool, new_docs=pl.Series([0, 1, 2]), verified=none, config=Config())
    pairs = set(src.select("doc", "source_doc").iter_rows())
    assert (1, 0) in pairs  # the day before: a source
    assert (0, 1) not in pairs  # later: never a source
    assert (1, 2) not in pairs  # a week before: outside the 3-day window
    wide = Config(rewrite_window_days=None)  # no window: the week-old copy is a source too (alone here)
    src, _ = sourced_share(pool.filter(pl.col("doc") != 0), new_docs=pl.Series([1]), verified=none, config=wide)
    assert (1, 2) in set(src.select("doc", "source_doc").iter_rows())


_LIVE_BLOG_FIRST = pytest.mark.xfail(strict=True, reason=(
    "known limit: a page dated before the articles it holds, stored with one article of each story, is "
    "read as a wire text excerpted twice (the two cases are the same data); see detect/cluster.py"))


@pytest.mark.parametrize(("order", "dated"), [
    ("digest last", "2024-03-07T20:00:00Z"),
    ("digest first", "2024-03-07T20:00:00Z"),
    ("digest last", "2024-03-07T06:00:00Z"),  # a live blog dated by its first post
    pytest.param("digest first", "2024-03-07T06:00:00Z", marks=_LIVE_BLOG_FIRST),
])
def test_a_digest_page_links_to_each_story_but_does_not_merge_them(tmp_path: Path, order: str, dated: str) -> None:
    story_a = [SNAP + " " + LEAD, SNAP + " " + LEAD + " Tugs stayed on standby overnight.",
               "Port news. " + SNAP + " " + LEAD]
    story_b = [REPORT_A.replace('"', ""), "Water board news. " + REPORT_A.replace('"', ""),
               REPORT_A.replace('"', "") + " More follows."]
    rows = [{"id": f"a{i}", "outlet": f"site{i}.example", "published": "2024-03-07T12:00:00Z", "text": t}
            for i, t in enumerate(story_a)]
    rows += [{"id": f"b{i}", "outlet": f"site{i}.example", "published": "2024-03-07T12:00:00Z", "text": t}
             for i, t in enumerate(story_b)]
    digest = {"id": "digest", "outlet": "roundup.example", "published": dated,
              "text": "Today's briefing. " + story_a[0] + " In other news. " + story_b[0] + " That is all."}
    store = Store(tmp_path / "s.duckdb")
    if order == "digest last":
        _ingest([_write(tmp_path / "in.jsonl", [*rows, digest])], store=store)
    else:  # the stories arrive after the digest, in a second ingest
        _ingest([_write(tmp_path / "in.jsonl", [digest, *rows[:1], *rows[3:4]])], store=store)
        _ingest([_write(tmp_path / "in2.jsonl", rows[1:3] + rows[4:])], store=store)
    clusters = dict(store.table("clusters").select("article_id", "cluster_id").iter_rows())
    assert len({clusters[f"a{i}"] for i in range(3)}) == 1
    assert len({clusters[f"b{i}"] for i in range(3)}) == 1
    assert clusters["a0"] != clusters["b0"]  # the digest did not merge the two stories
    partners = {b if a == "digest" else a for a, b in store.table("pairs").select("a", "b").iter_rows()
                if "digest" in (a, b)}
    assert partners & {"a0", "a1", "a2"} and partners & {"b0", "b1", "b2"}  # it still links to both


@pytest.mark.parametrize("batches", [1, 2])
def test_a_wire_story_excerpted_by_two_outlets_is_one_story_not_a_digest(tmp_path: Path, batches: int) -> None:
    """One outlet runs the wire story's first paragraph, another its last; the two share nothing with each
    other. The wire text holds both, as a digest holds its stories, but it was published before them:
    it is their source, and the three are one story (a digest gathers what was already written)."""
    rows = [
        {"id": "wire", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z",
         "text": SNAP + " " + LEAD + " " + UPDATE},
        {"id": "first", "outlet": "The Coastal Ledger", "published": "2024-03-07T11:00:00Z",
         "text": SNAP + " Harbour traders expect a busy weekend once the channel reopens."},
        {"id": "last", "outlet": "Harbour Evening Post", "published": "2024-03-08T07:00:00Z",
         "text": UPDATE + " The port authority will publish its own report within a month."},
    ]
    store = Store(tmp_path / "s.duckdb")
    if batches == 1:
        _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    else:  # the excerpts arrive after the wire text is stored
        _ingest([_write(tmp_path / "in.jsonl", rows[:1])], store=store)
        _ingest([_write(tmp_path / "in2.jsonl", rows[1:])], store=store)
    pairs = {frozenset(p) for p in store.table("pairs").select("a", "b").iter_rows()}
    assert {frozenset({"wire", "first"}), frozenset({"wire", "last"})} <= pairs
    assert frozenset({"first", "last"}) not in pairs
    clusters = dict(store.table("clusters").select("article_id", "cluster_id").iter_rows())
    assert clusters.get("first") == clusters.get("last") == clusters["wire"]
    parents = dict(store.table("lineage").select("article_id", "parent_id").iter_rows())
    assert parents["first"] == parents["last"] == "wire"


def test_a_rewrite_sharing_no_five_word_run_still_hangs_off_its_source(tmp_path: Path) -> None:
    """A paper rewrites the wire text breaking every run of five words (it shares runs of four at most):
    shingle containment is 0 both ways, yet the sourced decision links the two. Lineage must not leave
    the paper a root for want of shingles: the source's tiles explain most of it."""
    words = (SNAP + " " + LEAD).split()
    fillers = ["reportedly", "apparently", "notably", "meanwhile"]
    loose = " ".join(w + (f" {fillers[i // 4 % 4]}" if i % 4 == 3 else "") for i, w in enumerate(words))
    rows = [
        {"id": "wire", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z", "text": SNAP + " " + LEAD},
        {"id": "paper", "outlet": "The Coastal Ledger", "published": "2024-03-08T06:00:00Z", "text": loose},
    ]
    store = Store(tmp_path / "s.duckdb")
    _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    pair = store.table("pairs").row(0, named=True)
    assert (pair["via"], pair["shared_shingles"]) == ("rewrite", 0)
    share = store.table("sourced").filter(pl.col("article_id") == "paper")["sourced_share"][0]
    own = store.table("sources").filter(pl.col("article_id") == "paper").row(0, named=True)
    assert pair["containment_b_in_a" if pair["b"] == "paper" else "containment_a_in_b"] == pytest.approx(
        own["own_tokens"] / store.table("sourced").filter(pl.col("article_id") == "paper")["n_tokens"][0])
    lin = store.table("lineage").filter(pl.col("article_id") == "paper").row(0, named=True)
    assert lin["parent_id"] == "wire"
    assert lin["derivation"] == ("wholly_derived" if share >= Config().wholly_sourced_share else "partially_derived")


@pytest.mark.parametrize("batches", [1, 2])
def test_undated_pages_find_their_rewrite_source_in_a_later_ingest(tmp_path: Path, batches: int) -> None:
    """Scraped pages often carry no date. A page without one may draw on any stored article, so a later
    ingest's undated rewrite finds the undated wire text stored before it, as one ingest of both does."""
    rows = [
        {"id": "wire", "outlet": "Meridian Wire", "text": SNAP + " " + LEAD},
        {"id": "paper", "outlet": "The Coastal Ledger", "text": PARAPHRASE},
    ]
    store = Store(tmp_path / "s.duckdb")
    if batches == 1:
        _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    else:
        _ingest([_write(tmp_path / "in.jsonl", rows[:1])], store=store)
        _ingest([_write(tmp_path / "in2.jsonl", rows[1:])], store=store)
    assert store.table("articles")["published_at"].null_count() == 2
    src = store.table("sources").filter(pl.col("article_id") == "paper")
    assert src["source_id"].to_list() == ["wire"]
    assert store.table("pairs").select("a", "b", "via").rows() == [("wire", "paper", "rewrite")]


def test_the_dashboards_member_table_shows_the_sourced_share(tmp_path: Path) -> None:
    from dashboard import data, views

    rows = [
        {"id": "wire-1", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z", "text": SNAP},
        {"id": "wire-2", "outlet": "Meridian Wire", "published": "2024-03-07T10:00:00Z", "text": LEAD},
        {"id": "paper", "outlet": "The Coastal Ledger", "published": "2024-03-08T14:00:00Z", "text": STORY},
    ]
    store = Store(tmp_path / "s.duckdb")
    _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    cid = int(store.table("clusters").filter(pl.col("article_id") == "paper")["cluster_id"][0])
    detail = data.cluster_detail(str(store.path), store.state().version, cid)
    table = views.members_table(detail)
    share = dict(table.select("article_id", "sourced_share").iter_rows())
    expected = store.table("sourced").filter(pl.col("article_id") == "paper")["sourced_share"][0]
    assert share["paper"] == pytest.approx(expected) and expected > 0.16


def test_a_wire_text_filed_twice_at_once_still_stands_as_a_source(tmp_path: Path) -> None:
    """Agencies refile a story unchanged under a second slug; the two files copy each other at the same
    minute. One of them must stay a source of what was written from them."""
    rows = [
        {"id": "wire-a", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z", "text": SNAP + " " + LEAD},
        {"id": "wire-b", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z", "text": SNAP + " " + LEAD},
        {"id": "paper", "outlet": "The Coastal Ledger", "published": "2024-03-08T14:00:00Z", "text": STORY},
    ]
    store = Store(tmp_path / "s.duckdb")
    _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    src = store.table("sources").filter(pl.col("article_id") == "paper")
    assert set(src["source_id"]) & {"wire-a", "wire-b"}


def test_an_earlier_wire_text_beats_a_sibling_paper_of_the_same_day(tmp_path: Path) -> None:
    """Two papers of one day (day-precision dates) rewrite the same wire texts and verify as a pair; the
    sibling paper is not the other's source while an earlier wire text, found by its rare phrases,
    explains it."""
    sibling = STORY.replace("Shipping in the region was thrown into confusion this week.",
                            "Traders along the coast counted their losses on Saturday.")
    rows = [
        {"id": "wire-1", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z", "text": SNAP},
        {"id": "wire-2", "outlet": "Meridian Wire", "published": "2024-03-07T10:00:00Z", "text": LEAD},
        {"id": "paper-1", "outlet": "The Coastal Ledger", "published": "2024-03-09", "text": STORY},
        {"id": "paper-2", "outlet": "Harbour Evening Post", "published": "2024-03-09",
         "text": sibling.replace("Local traders said the delay had cost them a week of sales. ", "")
         + " Harbour pilots refused to comment on the inquiry, and the union representing them said its"
         " members had warned the port authority about the shifting sandbank in the eastern channel"
         " for two winters running without any reply from the dredging office."},
    ]
    store = Store(tmp_path / "s.duckdb")
    _ingest([_write(tmp_path / "in.jsonl", rows)], store=store)
    assert store.table("pairs").filter(pl.col("via") != "rewrite").height >= 1  # the papers verify as a pair
    for paper in ("paper-1", "paper-2"):
        src = set(store.table("sources").filter(pl.col("article_id") == paper)["source_id"])
        assert src and src <= {"wire-1", "wire-2"}, (paper, src)


def test_a_wire_story_carried_by_many_sites_in_an_earlier_ingest_is_still_a_source(tmp_path: Path) -> None:
    """A wire text carried verbatim by a dozen sites is one story, stored or new: its phrases stay rare
    (a phrase is stock when many *stories* use it), so a rewrite ingested the next day still finds it."""
    wire = SNAP + " " + LEAD
    rows = [{"id": "wire", "outlet": "Meridian Wire", "published": "2024-03-07T09:00:00Z", "text": wire}]
    rows += [{"id": f"site-{i}", "outlet": f"Portal {i} News", "published": f"2024-03-07T1{i % 10}:05:00Z",
              "text": wire} for i in range(12)]
    paper = PARAPHRASE
    store = Store(tmp_path / "s.duckdb")
    _ingest([_write(tmp_path / "day1.jsonl", rows)], store=store)
    # the next day's pool: the original stands for its copies, and knows its cluster
    from datetime import UTC, datetime

    day = datetime(2024, 3, 7, tzinfo=UTC), datetime(2024, 3, 8, 14, tzinfo=UTC)
    pool = store.source_pool(pl.Series("doc", [], dtype=pl.Int64), *day, limit=100, copy_share=0.9)
    assert pool["article_id"].to_list() == ["wire"] and pool["cluster_id"].is_not_null().all()
    assert store.source_pool(pl.Series("doc", [], dtype=pl.Int64), *day, limit=100).height == 13
    _ingest([_write(tmp_path / "day2.jsonl", [
        {"id": "paper", "outlet": "The Coastal Ledger", "published": "2024-03-08T14:00:00Z", "text": paper}])],
        store=store)
    assert store.table("pairs").filter(pl.col("b") == "paper")["via"].to_list() == ["rewrite"]  # not a copy
    src = store.table("sources").filter(pl.col("article_id") == "paper")
    assert set(src["source_id"]) == {"wire"}  # the original, not one of its copies


def test_a_near_copys_token_count_from_the_pool_equals_the_one_counted_here() -> None:
    """A near-copy's share is its containment times its token count: the ingest hands over the
    fingerprint's counts (``n_tokens``, null where unknown) instead of tokenizing the copy again."""
    from provenance.detect.normalize import tokens

    copy = "Ｍarrowfield " + SNAP.replace("aground", "a\u00adground") + " ΟΔΟΣ."
    pool = pl.DataFrame(
        {"doc": [0, 1, 2], "text": [SNAP, copy, STORY],
         "published_at": ["2024-03-07T09:00:00", "2024-03-07T10:00:00", "2024-03-08T14:00:00"],
         "published_precision": ["minute"] * 3},
    ).with_columns(pl.col("published_at").str.to_datetime().dt.replace_time_zone("UTC"))
    verified = pl.DataFrame({"a_doc": [0], "b_doc": [1], "containment_a_in_b": [0.97], "containment_b_in_a": [0.93]})
    counted = sourced_share(pool, new_docs=pl.Series([1, 2]), verified=verified, config=Config())
    n = [len(tokens(t)) for t in pool["text"]]
    for given in (n, [None, n[1], None]):
        handed = pool.with_columns(pl.Series("n_tokens", given, dtype=pl.Int64))
        got = sourced_share(handed, new_docs=pl.Series([1, 2]), verified=verified, config=Config())
        assert got[0].equals(counted[0]) and got[1].equals(counted[1])
    row = counted[1].filter(pl.col("doc") == 1).row(0, named=True)
    assert row["n_tokens"] == n[1] and row["grade"] == "wholly_derived"
    # the handed count is the one used (not counted again)
    handed = pool.with_columns(pl.Series("n_tokens", [None, n[1] + 10, None], dtype=pl.Int64))
    got = sourced_share(handed, new_docs=pl.Series([1, 2]), verified=verified, config=Config())
    assert got[1].filter(pl.col("doc") == 1)["n_tokens"].item() == n[1] + 10
