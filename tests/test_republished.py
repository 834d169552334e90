"""Republication notices: an outlet's copy saying which outlet its text first appeared in."""

from __future__ import annotations

import polars as pl
import pytest

from provenance.trace.attribution import credits, load_registry
from provenance.trace.republished import names_outlet, notices
from tests.test_lineage import WIRE_TEXT, art, row, run

REG = load_registry()
#: The tunnel story of test_lineage without its citation of an agency: an outlet's own story.
STORY = WIRE_TEXT.replace("Yonhap news agency reported quoting provincial broadcasters", "county officials said")


@pytest.mark.parametrize(("text", "name"), [
    ("Body.\n\nThis article is republished from The Conversation under a Creative Commons license. "
     "Read the original article.", "The Conversation"),
    ("This story was originally published by ProPublica, a nonprofit newsroom.", "ProPublica"),
    ("This article originally appeared on VICE US. In the middle of the day", "VICE US"),
    ("This article was originally published by Futurism. Read the original article.", "Futurism"),
    ("Republished with permission from CalMatters.", "CalMatters"),
    ("Originally published on Futurism.com.", "Futurism.com"),
    ("A version of this story appeared in The New York Times on Sunday.", "The New York Times"),
    ("This article first appeared in the March 2019 issue of Harper's Magazine.", "Harper's Magazine"),
    ("This article was originally published on U.S. News & World Report.", "U.S. News & World Report"),
    ("Dieser Artikel erschien zuerst bei Spiegel Online.", "Spiegel Online"),
    ("Este artículo fue publicado originalmente en El País.", "El País"),
    ("Cet article est republié à partir de The Conversation sous licence Creative Commons.", "The Conversation"),
])
def test_notices_name_the_outlet_as_written(text: str, name: str) -> None:
    assert [n.name for n in notices(text)] == [name]
    n = notices(text)[0]
    assert text[n.start:n.end].endswith(name)


@pytest.mark.parametrize("text", [
    "The band first appeared on The Tonight Show in 1999.",  # the subject is not the article
    "It first appeared in 2014, when families fled across the border.",
    "This article was originally published on March 3, 2020.",  # a date, not a source
    "This article was first published in English.",
    "First published in 1903, the Morning Herald is the city's oldest paper.",
    "The story was first reported by the Daily Example on Monday.",  # a citation of who broke it
    "The bill was produced by committee staff.",
])
def test_what_is_not_a_notice(text: str) -> None:
    assert notices(text) == []


@pytest.mark.parametrize(("name", "outlet", "same"), [
    ("The Conversation", "theconversation.com", True),
    ("ProPublica", "propublica.org", True),
    ("VICE US", "vice.com", True),
    ("Kaiser Health News", "khn.org", True),
    ("The New York Times", "nytimes.com", True),
    ("The 19th", "19thnews.org", True),
    ("Futurism.com", "www.futurism.com", True),
    ("El País", "elpais.com", True),
    ("BBC News", "bbc.co.uk", True),
    ("The Times of India", "timesofindia.indiatimes.com", True),
    ("The Hill", "hillsboro.com", False),
    ("The Times of India", "thetimes.co.uk", False),  # a name's first words are not the name
    ("Daily Mail", "daily.com", False),
    ("The Times", "nytimes.com", False),
    ("ProPublica", "publica.org", False),
    ("The Conversation", "example.com", False),
])
def test_names_outlet(name: str, outlet: str, same: bool) -> None:
    assert names_outlet(name, outlet) is same


assert STORY != WIRE_TEXT
NOTICE = "This article is republished from The Daily Example under a Creative Commons license."


def test_notice_credits_are_outlet_credits_and_a_site_naming_itself_is_none() -> None:
    df = pl.DataFrame({
        "article_id": ["a", "b", "c"], "outlet": ["other.org", "dailyexample.com", "third.net"],
        "byline": [None, None, None],
        "text": [f"{STORY}\n\n{NOTICE}", f"{STORY}\n\nOriginally published on The Daily Example.",
                 f"{STORY}\n\nThis story was originally published by the Associated Press."],
    })
    cr = credits(df, registry=REG).filter(pl.col("role") == "republished")
    got = {r["article_id"]: (r["source"], r["kind"]) for r in cr.iter_rows(named=True)}
    assert got == {"a": ("The Daily Example", "outlet"), "c": ("AP", "agency")}


def test_republished_copies_hang_off_the_named_outlets_page_and_are_credited() -> None:
    lin, _, _ = run([
        art("origin", "dailyexample.com", STORY, minutes=0),
        # An uncredited copy published first of the copies, so the notice's copies could chain to it.
        art("lifted", "lifter.net", STORY, minutes=30),
        art("repub1", "regional.org", f"{STORY}\n\n{NOTICE}", minutes=60),
        art("repub2", "citypaper.com", f"{STORY}\n\n{NOTICE}", minutes=90),
    ])
    assert row(lin, "origin")["relation"] == "original"
    for c in ("repub1", "repub2"):
        r = row(lin, c)
        assert r["parent_id"] == "origin" and r["credited"] == "credits_origin"
        assert "first appeared in The Daily Example" in r["evidence"]
    assert row(lin, "lifted")["credited"] == "uncredited"


def test_a_notice_naming_an_outlet_with_no_page_here_makes_it_the_external_source() -> None:
    lin, ext, _ = run([
        art("repub1", "regional.org", f"{STORY}\n\n{NOTICE}", minutes=60),
        art("repub2", "citypaper.com", f"{STORY}\n\n{NOTICE}", minutes=90),
        art("alone", "faraway.net", f"{STORY[:600]}\n\n{NOTICE}", minutes=None),
    ])
    for c in ("repub1", "repub2"):
        r = row(lin, c)
        assert r["parent_id"] is None and r["parent_external"] == "The Daily Example"
        assert r["derivation"] == "wholly_derived" and r["credited"] == "credits_origin"
    assert ext.filter(pl.col("name") == "The Daily Example")["kind"].to_list()[0] == "outlet"
    assert row(lin, "alone")["parent_external"] == "The Daily Example"


def test_without_notices_lineage_is_unchanged_by_them() -> None:
    """A copy without a notice next to the origin: the notice machinery adds no edge, note or credit."""
    lin, ext, _ = run([
        art("origin", "dailyexample.com", STORY, minutes=0),
        art("copy", "regional.org", STORY, minutes=60),
    ])
    assert row(lin, "copy")["parent_id"] == "origin" and row(lin, "copy")["credited"] == "uncredited"
    assert "first appeared" not in row(lin, "copy")["evidence"]
    assert ext.height == 0


def test_ingested_pages_end_to_end_and_explained(tmp_path) -> None:
    """Through the real pipeline and store: a republished copy is credited, and `explain` says why."""
    import json

    from provenance.engine.pipeline import ingest
    from provenance.store import Store
    from provenance.trace.explain import explain

    recs = [
        {"id": "origin", "url": "https://dailyexample.com/2025/03/04/tunnel", "published": "2025-03-04T06:00:00Z",
         "title": "Rail tunnel work halted after cave-in", "text": STORY},
        {"id": "repub", "url": "https://regional.org/news/tunnel-cave-in", "published": "2025-03-04T09:00:00Z",
         "title": "Rail tunnel work halted after cave-in", "text": f"{STORY}\n\n{NOTICE}"},
        {"id": "lifted", "url": "https://lifter.net/tunnel", "published": "2025-03-04T08:00:00Z",
         "title": "Rail tunnel work halted after cave-in", "text": STORY},
    ]
    src = tmp_path / "pages.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    store = Store(tmp_path / "store.duckdb")
    ingest([src], store=store)
    lin = {r["article_id"]: r for r in store.query(
        "SELECT l.*, a.url FROM lineage l JOIN articles a USING (article_id)").iter_rows(named=True)}
    by_url = {r["url"].split("/")[2]: r for r in lin.values()}
    repub, origin = by_url["regional.org"], by_url["dailyexample.com"]
    assert repub["parent_id"] == origin["article_id"] and repub["credited"] == "credits_origin"
    assert by_url["lifter.net"]["credited"] == "uncredited"
    got = explain(store, origin["article_id"], repub["article_id"])
    credit = [s for s in got.direction["signals"] if s["signal"] == "credit"]
    assert credit and credit[0]["points"] == "a→b" and "The Daily Example (republished)" in credit[0]["detail"]


def test_an_outlet_node_gets_no_agency_above_it_from_a_citation() -> None:
    """An outlet's story that cites an agency ("Reuters reported") is still the outlet's: the agency is
    not put above the outlet's node as it is above an agency's (whose copies carry what it cited)."""
    cited = STORY.replace("county officials said", "Reuters reported")
    lin, ext, _ = run([
        art("repub1", "regional.org", f"{cited}\n\n{NOTICE}", minutes=60),
        art("repub2", "citypaper.com", f"{cited}\n\n{NOTICE}", minutes=90),
    ])
    node = ext.filter(pl.col("name") == "The Daily Example").row(0, named=True)
    assert node["kind"] == "outlet" and node["parent_external"] is None
    assert row(lin, "repub1")["credited"] == "credits_origin"
