"""extract: clean articles from pages and records; chrome learned per outlet; rejects."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.config import Config
from provenance.extract.boilerplate import DISCLAIMER
from provenance.extract.clean import (
    DISCLAIMER_HINT,
    chrome_min_pages,
    extract,
    header_line,
    line_hash,
)
from provenance.extract.dates import parse_published
from provenance.ingest import read_sources
from provenance.schemas import CHROME_STATS, EXTRACTED, RAW, REJECTS

FIXTURES = Path(__file__).parent / "fixtures"
CFG = Config()

WIRE = [
    "The Valmora port authority on Monday suspended all night ferry services after a storm damaged the "
    "main passenger pier, officials said.",
    "Engineers found cracks in two of the pier's support columns during an inspection early on Monday, and "
    "the authority said repairs could take up to three weeks.",
]
LONG_BACKGROUND = (
    "The port, which handles most of the region's passenger traffic, was rebuilt a decade ago after an "
    "earlier storm, and its operators have since faced repeated questions about maintenance budgets and "
    "the age of the ferry fleet."
)


def raw(rows: list[dict]) -> pl.DataFrame:
    base = {k: None for k in RAW}
    out = []
    for i, r in enumerate(rows):
        d = dict(base, source="test", locator=f"line {i + 1}", format="jsonl")
        d.update(r)
        out.append(d)
    return pl.DataFrame(out, schema=RAW)


def by_loc(arts: pl.DataFrame) -> dict[str, dict]:
    return {r["locator"]: r for r in arts.iter_rows(named=True)}


@pytest.fixture(scope="module")
def fixture_pages():
    r, rej = read_sources([FIXTURES / "pages", FIXTURES / "html"])
    assert rej.height == 0
    arts, rejects, stats = extract(r, config=CFG)
    return arts, rejects, stats


# ------------------------------------------------------------------ scraped pages


def test_schemas(fixture_pages):
    arts, rejects, stats = fixture_pages
    assert arts.schema == EXTRACTED
    assert rejects.schema == REJECTS
    assert stats.schema == CHROME_STATS


def test_scraped_page_of_the_agency_shape(fixture_pages):
    a = by_loc(fixture_pages[0])["harborherald/valmora-ferries.txt"]
    assert a["title"] == "Valmora port suspends night ferries after storm damages pier"
    assert a["byline"] == "IANS"
    assert a["published_at"] == datetime(2025, 3, 3, 8, 50, tzinfo=UTC)  # 14:20 IST
    assert a["published_precision"] == "minute"
    assert a["dateline"] == "Valmora, Mar 3"
    assert a["outlet"] == "harborherald"
    text = a["text"]
    assert text.startswith("The Valmora port authority on Monday suspended")
    assert text.endswith("cutting power to several neighbourhoods.")
    assert text.count("\n\n") == 4  # five paragraphs, blank-line separated
    for chrome in ("City", "Epaper", "Open in App", "Related Stories", "Disclaimer", "...", "National", "By IANS"):
        assert chrome not in text
    # raw_text is the page unchanged: credits and disclaimer stay as evidence
    page = (FIXTURES / "pages/harborherald/valmora-ferries.txt").read_text()
    assert a["raw_text"] == page
    assert a["content_hash"] == xxhash.xxh64_hexdigest(text.encode())
    assert a["article_id"] == "t" + xxhash.xxh64_hexdigest(f"{a['outlet']}\x1f{a['text']}".encode())


def test_second_outlet_with_its_own_chrome(fixture_pages):
    arts = by_loc(fixture_pages[0])
    a = arts["valleypost/2025-03-03-ferries.txt"]
    assert a["title"] == "Storm forces Valmora to halt night ferry trips"
    assert a["byline"] == "Valley Post Desk"
    assert a["published_at"] == datetime(2025, 3, 3, 9, 35, tzinfo=UTC)
    assert a["dateline"] == "VALMORA, Mar 3"
    assert a["text"].startswith("The Valmora port authority")  # "(IANS) -" went with the dateline
    for chrome in ("Home", "Subscribe", "Valley Post Today", "Follow us", "Also Read", "Harbour fees", "Weather Watch"):
        assert chrome not in a["text"], chrome
    assert a["text"].endswith("expect longer queues.")
    m = arts["valleypost/2025-03-06-market.txt"]
    assert m["dateline"] == "VALMORA, Mar 6"
    assert m["published_at"] == datetime(2025, 3, 6, 3, 15, tzinfo=UTC)  # 08:45 AM IST
    assert "Weather Watch" not in m["text"] and "six days a week." in m["text"]


def test_wire_paragraphs_shared_by_two_outlets_survive(fixture_pages):
    arts = by_loc(fixture_pages[0])
    for loc in ("harborherald/valmora-ferries.txt", "valleypost/2025-03-03-ferries.txt", "northwind-ferries.html"):
        for para in WIRE[1:]:
            assert para in arts[loc]["text"], loc


def test_chrome_stats_count_pages_per_outlet(fixture_pages):
    stats = fixture_pages[2]
    pages = dict(stats.filter(pl.col("line_hash") == 0).select("outlet", "pages").rows())
    assert pages["harborherald"] == 3 and pages["valleypost"] == 3 and pages["northwind.example"] == 1
    vp = stats.filter(pl.col("outlet") == "valleypost")
    assert vp.filter(pl.col("line_hash") == line_hash("Valley  Post\u00a0Weather Watch ")).item(0, "pages") == 3
    # the shared wire paragraph is counted per outlet, never summed across them
    h = line_hash(WIRE[1])
    assert stats.filter(pl.col("line_hash") == h).select("outlet", "pages").sort("outlet").rows() == [
        ("harborherald", 1), ("northwind.example", 1), ("valleypost", 1)
    ]


# ------------------------------------------------------------------ chrome learning


def _pages(outlet: str, n: int, extra: list[str], start: int = 0) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        body = [f"Story number {i} opens with its own lead paragraph about harbour item {i} and the people involved."]
        body += extra
        body.append(f"Closing paragraph {i} says something only this story says, quoting official number {i}.")
        rows.append({"outlet": outlet, "text": "\n\n".join(body), "id": f"{outlet}-{i}"})
    return rows


def test_short_recurring_line_learned_long_paragraph_kept():
    rows = _pages("coastline", 3, ["Coastline Live Desk", LONG_BACKGROUND]) + _pages("other", 1, ["Coastline Live Desk"])
    arts, _, stats = extract(raw(rows), config=CFG)
    texts = dict(arts.select("article_id", "text").rows())
    for i in range(3):
        assert "Coastline Live Desk" not in texts[f"coastline-{i}"]
        assert LONG_BACKGROUND in texts[f"coastline-{i}"]  # >25 words: needs 20 pages
    assert "Coastline Live Desk" in texts["other-0"]  # never learned across outlets


def test_a_dont_miss_box_inside_a_story_cuts_the_box_not_the_story():
    # A site that puts a box of links to its other stories in the middle of each story: the story's
    # paragraphs after the box are its own text, while a closing list of other stories, each headline
    # with a sentence of summary, is not.
    lead = [
        "The Valmora harbour board on Friday approved a plan to rebuild the storm-damaged northern pier by spring.",
        "Board members said the work would be paid for from the port's reserve fund and a short-term loan.",
    ]
    after = [
        "Engineers will first survey the foundations, which were scoured by the waves during the storm last week.",
        "Night ferries will stay suspended until the temporary landing stage opens, the board said in a statement.",
        "Fishing crews asked for a share of the berths during the works, and the board promised a reply next month.",
    ]
    box = ["DON'T MISS", "Ferry fares frozen for the winter [INSIGHT]", "Storm photos from the old town [VIDEO]"]
    closing = [
        "Related Stories",
        "Valmora market reopens after the flood",
        "Traders returned to the covered market on Monday after three days of cleaning and repairs to the roof.",
        "New lighthouse keeper named",
        "A former navy pilot will take over the Valmora lighthouse when the current keeper retires in June.",
    ]
    text = "\n\n".join(lead + box + after + closing)
    arts, _, _ = extract(raw([{"outlet": "coastline", "id": "pier", "text": text}]), config=CFG)
    out = arts.get_column("text")[0]
    for para in lead + after:
        assert para in out
    for line in box + closing:
        assert line not in out, line


def test_hindi_related_news_boxes_and_read_also_lines():
    # Hindi sites put "ये भी पढ़ें" ("also read") lines inside the story and a "संबंधित खबरें" ("related
    # news") box in it or at its end; their sentences end with the danda.
    story = [
        "वालमोरा बंदरगाह प्राधिकरण ने सोमवार को तूफान से घाट को हुए नुकसान के बाद रात की सभी फेरी सेवाएं अगले आदेश तक रोक दीं।",
        "अधिकारियों ने बताया कि इंजीनियरों की एक टीम मंगलवार सुबह घाट की नींव की जांच करेगी और उसके बाद ही सेवाएं फिर शुरू होंगी।",
        "यात्रियों से कहा गया है कि वे दिन की फेरियों के लिए टिकट पहले से बुक करें क्योंकि भीड़ बढ़ने की संभावना है।",
        "मछुआरों के संघ ने मांग की है कि मरम्मत के दौरान उनकी नावों के लिए पुराने घाट पर अलग जगह दी जाए।",
        "बंदरगाह प्रमुख ने कहा कि नुकसान का पूरा आकलन अगले सप्ताह तक सार्वजनिक कर दिया जाएगा और मुआवजे पर फैसला होगा।",
    ]
    box = ["संबंधित खबरें", "वालमोरा में बाजार फिर खुला", "नए प्रकाशस्तंभ रक्षक की नियुक्ति"]
    read_also = ["ये भी पढ़ें: मौसम विभाग ने तटीय जिलों के लिए चेतावनी जारी की", "यह भी पढ़ें"]
    closing = ["संबंधित ख़बरें", "तटीय सड़क पर यातायात बहाल", "मछली बाजार में दाम बढ़े"]
    lines = story[:2] + box + story[2:4] + read_also + story[4:] + closing
    arts, _, _ = extract(raw([{"outlet": "samudra", "id": "ghat", "text": "\n\n".join(lines)}]), config=CFG)
    out = arts.get_column("text")[0]
    for para in story:
        assert para in out
    for line in box[1:] + read_also + closing:
        assert line not in out, line


def test_spanish_and_german_related_headings_close_the_story():
    # "Notas relacionadas" / "Weitere Themen" over a list of other stories; "Lesen Sie auch: ..." and
    # "Mire: ..." are link lines inside a story, not the end of it; "Posted on" is what a page's date
    # line leaves.
    es = [
        "La junta portuaria de Valmora aprobó el viernes un plan para reconstruir el muelle norte antes de la primavera.",
        "Los pescadores pidieron un lugar para sus barcos durante las obras y la junta prometió responder en un mes.",
    ]
    de = [
        "Der Hafenrat von Valmora hat am Freitag beschlossen, den beschädigten Nordpier bis zum Frühjahr neu zu bauen.",
        "Die Fischer forderten während der Arbeiten eigene Liegeplätze, der Rat will im nächsten Monat antworten.",
    ]
    rows = [
        {"outlet": "costa", "id": "es", "text": "\n\n".join(
            ["Posted on"] + es[:1] + ["Mire: Reabre el puerto de pescadores tras el temporal"] + es[1:]
            + ["NOTAS RELACIONADAS", "Reabre el mercado tras la inundación", "Nuevo farero para Valmora"])},
        {"outlet": "kueste", "id": "de", "text": "\n\n".join(
            de[:1] + ["Lesen Sie auch: Fährpreise bleiben im Winter stabil"] + de[1:]
            + ["Weitere Themen", "Markt nach dem Hochwasser wieder offen", "Neuer Leuchtturmwärter ernannt"])},
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    texts = dict(arts.select("article_id", "text").rows())
    assert texts["es"] == "\n\n".join(es)
    assert texts["de"] == "\n\n".join(de)


def test_empty_table_rows_of_an_old_table_layout_go():
    # trafilatura writes a table layout's rows as "| cell | cell |"; the empty ones carry nothing.
    story = ["| The harbour board voted on Tuesday to close the old ferry pier for repairs over the winter. |  |  |",
             "Fishing crews said the closure would move their catch to the north quay for three months."]
    text = "\n\n".join(["|  |", "|  |  |  |  |", *story[:1], "\\| |  |", *story[1:]])
    arts, _, _ = extract(raw([{"outlet": "oldsite", "id": "t", "text": text}]), config=CFG)
    assert arts.get_column("text")[0] == "\n\n".join(story)


def test_a_title_loses_the_site_name_the_page_declares():
    # "Harbour Journal Weekly" does not read as the host hjw.example, but the page says it is the
    # site's name (og:site_name); a leading name before a dash may be the story's subject and stays.
    def page(k: int, title: str) -> str:  # one story per page: four pages of one text would be chrome
        return (f'<html><head><title>{title}</title><meta property="og:title" content="{title}">'
                '<meta property="og:site_name" content="Harbour Journal Weekly">'
                f'<link rel="canonical" href="https://hjw.example/news/pier-{k}"></head><body><article>'
                f"<p>The harbour board voted on Tuesday, in its meeting number {k}, to close the old pier.</p>"
                f"<p>Fishing crews said closure {k} would move their catch to the north quay for months.</p>"
                "</article></body></html>")
    rows = [
        {"html": page(1, "Pier closes for winter repairs - Harbour Journal Weekly")},
        {"html": page(2, "Harbour Journal Weekly | Pier closes for winter repairs")},
        {"html": page(3, "Harbour Journal Weekly - Pier closes for winter repairs")},
        {"html": page(4, "Pier closes for winter repairs - Ferry crews")},
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    assert arts.get_column("title").to_list() == [
        "Pier closes for winter repairs", "Pier closes for winter repairs",
        "Harbour Journal Weekly - Pier closes for winter repairs", "Pier closes for winter repairs - Ferry crews",
    ]


def test_a_title_loses_the_sites_name_so_copies_keep_one_headline(tmp_path):
    """Pages put their site's name before or after the headline. Two sites carrying one wire story
    verbatim would otherwise have two titles, and lineage would call the copy a changed headline."""
    from provenance.engine.pipeline import ingest
    from provenance.store import Store

    story = "\n\n".join([LONG_BACKGROUND, "The harbour board said the new berth would open to cargo ships "
                          "in the spring, once the dredging of the approach channel is finished and inspected."])
    rows = [
        {"id": "a", "outlet": "harborherald.com", "published": "2025-03-03T08:00:00Z",
         "title": "Valmora harbour to get a new berth | Harbor Herald", "text": story},
        {"id": "b", "outlet": "valleypost.in", "published": "2025-03-03T09:00:00Z",
         "title": "Valmora harbour to get a new berth - The Valley Post", "text": story},
        {"id": "c", "outlet": "coastline.com", "published": "2025-03-03T10:00:00Z",
         "title": "Opinion | Valmora harbour to get a new berth", "text": "Our view. " + story},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    ingest([path], store=store)
    titles = dict(store.table("articles").select("article_id", "title").iter_rows())
    assert titles == {"a": "Valmora harbour to get a new berth", "b": "Valmora harbour to get a new berth",
                      "c": "Opinion | Valmora harbour to get a new berth"}  # a section name is not the site's
    relation = dict(store.table("lineage").select("article_id", "relation").iter_rows())
    assert relation["b"] == "verbatim"


@pytest.mark.parametrize(("title", "outlet", "site"), [
    ("Pier closes for winter | Latest News India - Coastal Times", "www.coastaltimes.example", None),
    ("Pier closes for winter | World News - Coastal Times", "www.coastaltimes.example", None),
    ("Pier closes for winter | Harbour Standard News", "www.harbour-standard.example", None),  # name + "News"
    ("Pier closes for winter | Quill", "www.bluequill.example", None),  # the end of the host's label
    ("Pier closes for winter - Coast News XYZ", "www.coastnews.xyz", None),  # the labels run together
    ("Pier closes for winter - TIDE! - Lokalnachrichten", "tide-online.example", "TIDE! - Lokalnachrichten"),
    ("Pier closes for winter - TIDE 7 | Bay News, Weather | Port Area", "tide7.example",
     "TIDE 7 | Bay News, Weather | Port Area"),
])
def test_a_title_loses_site_names_as_sites_write_them(title: str, outlet: str, site: str | None) -> None:
    from provenance.extract.clean import without_site_name

    assert without_site_name(title, outlet, site) == "Pier closes for winter"


def test_a_title_keeps_what_is_not_the_sites_name() -> None:
    from provenance.extract.clean import without_site_name

    assert without_site_name("North - South talks resume | World News - Coastal Times",
                             "coastaltimes.example") == "North - South talks resume"  # the headline's own dash
    assert without_site_name("Pier closes for winter - Ferry crews", "coastaltimes.example") == (
        "Pier closes for winter - Ferry crews")
    assert without_site_name("Pier closes for winter | Times", "www.coastaltimes.example") == (
        "Pier closes for winter | Times")  # under half of the host's label


def test_two_pages_are_not_enough():
    arts, _, _ = extract(raw(_pages("tiny", 2, ["Tiny Menu Line"])), config=CFG)
    assert all("Tiny Menu Line" in t for t in arts.get_column("text"))


def test_rule_scales_with_outlet_size():
    medium = "Send your harbour news tips to the desk by email every weekday morning please"  # 14 words
    rows = _pages("big", 30, [medium]) + _pages("big", 4, [LONG_BACKGROUND], start=100)
    arts, _, _ = extract(raw(rows), config=CFG)
    texts = dict(arts.select("article_id", "text").rows())
    assert all(medium not in texts[f"big-{i}"] for i in range(30))
    assert all(LONG_BACKGROUND in texts[f"big-{i}"] for i in range(100, 104))
    assert chrome_min_pages(3, 2) == 3 and chrome_min_pages(30_000, 2) == 600
    assert chrome_min_pages(3, 14) == 5 and chrome_min_pages(30_000, 14) == 1500
    assert chrome_min_pages(3, 40) == 20 and chrome_min_pages(30_000, 40) == 7500


def test_chrome_stats_accumulate_across_ingests():
    first = _pages("drip", 2, ["Drip Feed Menu"])
    arts1, _, stats1 = extract(raw(first), config=CFG)
    assert all("Drip Feed Menu" in t for t in arts1.get_column("text"))
    arts2, _, stats2 = extract(raw(_pages("drip", 1, ["Drip Feed Menu"], start=10)), config=CFG, chrome_stats=stats1)
    assert "Drip Feed Menu" not in arts2.item(0, "text")  # 3 pages in total now
    assert stats2.filter((pl.col("outlet") == "drip") & (pl.col("line_hash") == 0)).item(0, "pages") == 3
    assert stats2.filter(pl.col("line_hash") == line_hash("Drip Feed Menu")).item(0, "pages") == 3


def test_identical_pages_count_once():
    rows = _pages("dupe", 1, ["Dupe Menu Line"]) * 3
    arts, _, stats = extract(raw(rows), config=CFG)
    assert stats.filter(pl.col("line_hash") == 0).item(0, "pages") == 1
    assert all("Dupe Menu Line" in t for t in arts.get_column("text"))


# ------------------------------------------------------------------ HTML


def test_html_minute_dates_and_metadata(fixture_pages):
    arts = by_loc(fixture_pages[0])
    nw = arts["northwind-ferries.html"]
    assert nw["published_at"] == datetime(2025, 3, 3, 10, 10, tzinfo=UTC)  # article:published_time, +05:30
    assert nw["published_precision"] == "minute"
    assert nw["title"] == "Valmora halts night ferries after storm"
    assert nw["byline"] == "Mira Castell"
    assert nw["outlet"] == "northwind.example"
    assert nw["url"] == "https://www.northwind.example/world/valmora-night-ferries"
    assert nw["dateline"] == "Valmora, Mar 3"
    assert nw["text"].startswith("The Valmora port authority")
    for bad in ("tracking text", "style text", "Copyright", "Most read", "alert", "Subscribe"):
        assert bad not in nw["text"]
    sg = arts["southgate-market.html"]
    assert sg["published_at"] == datetime(2025, 3, 6, 3, 20, tzinfo=UTC)  # JSON-LD @graph datePublished
    assert sg["published_precision"] == "minute"
    assert sg["byline"] == "Tomas Evering"
    eb = arts["eastbay-library.htm"]
    assert eb["published_at"] == datetime(2025, 3, 7, 9, 30, tzinfo=UTC)  # <time datetime>, +09:00
    assert eb["outlet"] == "news.eastbay.example"
    assert not eb["text"].startswith("Library opens longer")  # h2 title is not body


def test_url_ids_ignore_scheme_www_tracking_and_slash():
    rows = [
        {"url": "https://www.Example.com/a/b/?utm_source=x&id=3#top", "text": "one"},
        {"url": "http://example.com/a/b?id=3", "text": "two"},
        {"url": "https://example.com/a/b?id=4", "text": "three"},
        {"id": "  given-7 ", "url": "https://example.com/z", "text": "four"},
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    ids = arts.get_column("article_id").to_list()
    assert ids[0] == ids[1] == "u" + xxhash.xxh64_hexdigest(b"example.com/a/b?id=3")
    assert ids[2] != ids[0]
    assert ids[3] == "given-7"
    assert arts.get_column("outlet").to_list() == ["example.com"] * 4


def test_a_wayback_capture_is_a_page_of_its_own_site():
    # Old news is often scraped from the Wayback Machine: the capture's outlet and id are the archived
    # page's, so a capture and the live page are one article, and its outlet is not archive.org.
    rows = [
        {"url": "https://web.archive.org/web/20190717140047/http://www.harborherald.com/pier-closes", "text": "one"},
        {"url": "http://web.archive.org/web/20190101000000id_/harborherald.com/pier-closes/", "text": "two"},
        {"url": "https://harborherald.com/pier-closes", "text": "three"},
        {"url": "https://example.com/notes/archive.org/web/1/x", "text": "four"},
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    assert arts.get_column("outlet").to_list() == ["harborherald.com"] * 3 + ["example.com"]
    ids = arts.get_column("article_id").to_list()
    assert ids[0].split("~")[0] == ids[1].split("~")[0] == ids[2].split("~")[0] != ids[3]
    assert arts.get_column("url")[0].startswith("https://web.archive.org/")  # the link kept is the capture's


def test_hostile_html_does_not_crash_or_hang():
    nested = "<div>" * 50_000 + "deep" + "</div>" * 10
    unclosed_scripts = "<p>Visible paragraph of real words about the harbour board meeting today.</p>" + "<script>" * 2000
    broken = '<html><body onload="x()"><p>Broken <b><i>markup <img src=x onerror=alert(1)> still has words in it for us'
    big = (
        "<html><head><script>" + "var a=1;" * 1_000_000 + "</script></head><body>"
        + ("<p>" + ("Long page words repeated for size. " * 40) + "</p>\n") * 15_000 + "</body></html>"
    )
    assert len(big) > 20_000_000
    rows = [{"html": h, "format": "html"} for h in (nested, unclosed_scripts, broken, "<<<>>>", "\x00<p>", big)]
    t = time.perf_counter()
    arts, rejects, _ = extract(raw(rows), config=CFG)
    assert time.perf_counter() - t < 60
    texts = dict(arts.select("locator", "text").rows())
    assert "Visible paragraph" in texts.get("line 2", "")
    assert "alert" not in "".join(texts.values())
    assert ("line 6", "oversized_html") in rejects.select("locator", "reason").rows()


def test_post_bodies_in_noscript_and_pages_with_broken_end_tags_keep_their_text():
    # Blogger writes each post body twice: in a <script type="text/template"> and in a <noscript> copy
    # for readers without scripts. A logo svg closed as "</svg" with no ">" (the parser reads the end
    # tag up to the next ">") and an svg never closed must not cut the rest of the page.
    paras = [
        "The harbour board voted on Tuesday to close the old ferry pier for repairs over the winter.",
        "Fishing crews said the closure would move their catch to the north quay for three months.",
        "The board will publish the repair contract and its costs at the next monthly meeting.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paras)
    blogger = (
        "<html><head><title>Pier closes</title></head><body><div class='post-body'>"
        f"<script type='text/template'>{body}</script><noscript>{body}</noscript></div>"
        "<noscript><img src='pixel.gif'></noscript><noscript>Please enable JavaScript to comment.</noscript>"
        "</body></html>"
    )
    broken_svg = (
        "<html><body><span><svg width='138' viewBox='0 0 138 30'><g><text>Logo</text></g></svg\n</span>"
        f"<svg width='20'><g></g><article>{body}</article></body></html>"
    )
    arts, _, _ = extract(raw([{"html": blogger, "format": "html"}, {"html": broken_svg, "format": "html"}]), config=CFG)
    for text in arts.get_column("text").to_list():
        assert all(p in text for p in paras)
        assert text.count(paras[0]) == 1
        assert "enable JavaScript" not in text and "Logo" not in text


# ------------------------------------------------------------------ records


def test_a_sidebar_time_does_not_date_the_story_and_app_state_can():
    # A page that declares no date in its metadata: a <time> in a sidebar or a related-stories list dates
    # another item, so the story's own <time> or else the URL's date (htmldate) wins; a date kept only in
    # an app's JSON state is read from the page as it came (the extraction's copy has no scripts); a
    # <time> on a day the metadata gives adds its time.
    from provenance.extract.clean import html_article

    body = ("<p>The harbour board voted on Tuesday to close the old ferry pier for repairs over the winter.</p>"
            "<p>Fishing crews said the closure would move their catch to the north quay for three months.</p>")
    sidebar = ('<html><head><title>Pier</title><link rel="canonical" href="https://coastline.example/2021/05/14/pier">'
               f'</head><body><article>{body}</article><aside><h3>Older</h3><ul><li>'
               '<time datetime="2019-03-01T10:00:00Z">1 March 2019</time> Ferry fares</li></ul></aside></body></html>')
    app_state = (f"<html><head><title>Pier</title></head><body><article>{body}</article>"
                 '<script type="application/json" data-state="dates">{"publishedDate":"2021-05-14T06:30:00Z"}'
                 "</script></body></html>")
    day_then_time = ('<html><head><title>Pier</title><meta name="date" content="2021-05-14"></head><body><article>'
                     f'<p><time datetime="2021-05-14T08:30:00+02:00">14 May, 08:30</time></p>{body}</article></body></html>')
    related_first = ('<html><head><title>Pier</title></head><body><div class="related-posts"><ul><li>'
                     '<time datetime="2019-03-01T10:00:00Z">1 March 2019</time> Ferry fares</li></ul></div>'
                     '<div class="author-info">Mira Castell, <time datetime="2021-05-14T08:30:00Z">14 May</time></div>'
                     f'<article>{body}</article></body></html>')
    assert html_article(sidebar)["published"] == "2021-05-14"
    assert html_article(related_first)["published"] == "2021-05-14T08:30:00Z"  # the story's own <time>
    # WordPress: the post's own time sits in the article's footer, under a body with theme classes
    wordpress = ('<html><head><title>Pier</title></head><body class="wp-embed-responsive has-sidebar"><article>'
                 f'{body}<footer class="entry-footer"><span class="posted-on">'
                 '<time datetime="2021-05-14T08:30:00Z">14 May</time></span></footer></article>'
                 '<ol class="comment-list"><li><time datetime="2021-06-02T19:00:00Z">2 June</time></li></ol></body></html>')
    assert html_article(wordpress)["published"] == "2021-05-14T08:30:00Z"
    assert html_article(app_state)["published"] == "2021-05-14"
    assert html_article(day_then_time)["published"] == "2021-05-14T08:30:00+02:00"


def test_text_records_ids_dates_rejects():
    cfg = Config(max_text_chars=120)
    long_text = "First paragraph is short.\n\n" + ("Second paragraph goes on and on. " * 10)
    rows = [
        {"id": " a1 ", "text": "Body of a1.", "published": "2024-10-16T16:45:00+05:30", "url": "https://www.site.example/x"},
        {"text": "Body without date or url."},
        {"text": "Body with a bad date.", "published": "sometime last week"},
        {"text": "   \n\n  ", "id": "blank"},
        {"id": "long", "text": long_text},
        {"text": "Only day.", "published": "Oct 16, 2024"},
    ]
    arts, rejects, _ = extract(raw(rows), config=cfg)
    a = {r["locator"]: r for r in arts.iter_rows(named=True)}
    assert a["line 1"]["article_id"] == "a1"
    assert a["line 1"]["outlet"] == "site.example"
    assert a["line 1"]["published_at"] == datetime(2024, 10, 16, 11, 15, tzinfo=UTC)
    assert a["line 2"]["published_at"] is None and a["line 2"]["published_precision"] is None
    # No outlet, no url: the id hashes the (empty) outlet and the text.
    assert a["line 2"]["article_id"] == "t" + xxhash.xxh64_hexdigest(b"\x1fBody without date or url.")
    assert a["line 3"]["published_at"] is None
    assert a["line 5"]["text"] == "First paragraph is short."
    assert a["line 6"]["published_precision"] == "day"
    got = set(rejects.select("locator", "reason", "action").rows())
    assert got == {
        ("line 3", "bad_date", "repaired"),
        ("line 4", "empty_text", "skipped"),
        ("line 5", "oversized_text", "repaired"),
    }
    assert "line 4" not in a


def test_plain_records_keep_their_lead_but_drop_a_repeated_title():
    rows = [
        {"title": "Harbour board meets", "text": "Harbour board meets\n\nThe harbour board met on Monday to discuss fees."},
        {"text": "Harbour board meets on Monday.\n\nThe harbour board met on Monday to discuss fees."},
        {"text": "By the end of the year, officials said, the harbour would have new cranes installed.\n\nMore text here."},
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    t = arts.get_column("text").to_list()
    assert t[0] == "The harbour board met on Monday to discuss fees."
    assert t[1].startswith("Harbour board meets on Monday.")
    assert t[2].startswith("By the end of the year")
    assert arts.item(2, "byline") is None


def test_credit_line_in_text_records():
    rows = [{"text": "By Jane Roe | Published: 16 Oct 2024, 04:45 PM IST\n\nSEOUL (Yonhap) -- The ministry said on Wednesday it was watching closely."}]
    arts, _, _ = extract(raw(rows), config=CFG)
    r = arts.row(0, named=True)
    assert r["byline"] == "Jane Roe"
    assert r["published_at"] == datetime(2024, 10, 16, 11, 15, tzinfo=UTC)
    assert r["dateline"] == "SEOUL"
    assert r["text"] == "The ministry said on Wednesday it was watching closely."


@pytest.mark.parametrize(
    ("first", "dateline", "rest"),
    [
        ("WASHINGTON (AP) — Officials said on Tuesday.", "WASHINGTON", "Officials said on Tuesday."),
        ("New Delhi [India], Oct 16 (ANI): The ministry said.", "New Delhi [India], Oct 16", "The ministry said."),
        ("NEW DELHI: The ministry said.", "NEW DELHI", "The ministry said."),
        ("Seoul, Oct. 16, 2024 (Yonhap) -- The ministry said.", "Seoul, Oct. 16, 2024", "The ministry said."),
        ("Seoul, Oct 16", "Seoul, Oct 16", None),
        ("On Oct 16 the ministry said.", None, "On Oct 16 the ministry said."),
        ("The ministry said: all is well.", None, "The ministry said: all is well."),
        ("NASA said on Tuesday it would launch.", None, "NASA said on Tuesday it would launch."),
    ],
)
def test_datelines(first, dateline, rest):
    arts, _, _ = extract(raw([{"text": first + "\n\nSecond paragraph."}]), config=CFG)
    assert arts.item(0, "dateline") == dateline
    want = "Second paragraph." if rest is None else rest + "\n\nSecond paragraph."
    assert arts.item(0, "text") == want


def test_disclaimers_removed_from_text_kept_in_raw_text():
    d = "This story has not been edited by Harbor Herald staff and is auto-generated from a syndicated feed."
    rows = [{"text": "A paragraph of news.\n\n" + d}]
    arts, _, _ = extract(raw(rows), config=CFG)
    assert arts.item(0, "text") == "A paragraph of news."
    assert d in arts.item(0, "raw_text")


@pytest.mark.parametrize(
    "s",
    [
        "Disclaimer: This post has been auto-published from an agency feed without any modifications to the text.",
        "This story has not been edited by our staff and is published from a syndicated feed.",
        "Only the headline of this report may have been reworked by the newsroom staff; the rest is auto-generated.",
        "The above article was published via the wire service.",
        "Except for the headline, this story has not been edited by the desk team.",
        "This is an auto-generated story from a syndicated news feed.",
        "(This is an unedited and auto-generated story from Syndicated News feed, Example Staff may not have modified "
        "or edited the content body)",
        "(This article is part of an automated news feed and has not been edited by Example staff.)",
        "Disclaimer: This is an agency copy and has not been edited by our staff.",
        "डिस्क्लेमर: यह खबर एजेंसी फीड से सीधे प्रकाशित की गई है।",
        "यह खबर सिंडिकेट फ़ीड से ऑटो-पब्लिश की गई है।",
        "इसे हमारी टीम ने संपादित नहीं किया है।",
    ],
)
def test_disclaimer_hint_is_a_superset(s):
    import re

    assert DISCLAIMER.search(s)
    assert re.search(DISCLAIMER_HINT, s)


def test_header_line_parser():
    assert header_line("By IANS | Updated: October 16, 2024 16:45 IST") == ("IANS", "Updated: October 16, 2024 16:45 IST"[9:])
    assert header_line("IANS | Updated: Oct 16, 2024 16:45 IST") == ("IANS", "Oct 16, 2024 16:45 IST")
    assert header_line("Published: 03 Mar 2025, 03:05 PM IST") == (None, "03 Mar 2025, 03:05 PM IST")
    assert header_line("October 16, 2024 16:45 IST") == (None, "October 16, 2024 16:45 IST")
    assert header_line("By Jane Roe") == ("Jane Roe", None)
    assert header_line("By Wednesday, officials said the fire was out.") is None
    assert header_line("Published reports say the port will close.") is None
    # "By NAME on DATE", and a weekday segment that is the date's day, not a name
    assert header_line("Written by Ana Reyes on July 27, 2017") == ("Ana Reyes", "July 27, 2017")
    assert header_line("Posted by: Jane Roe on Mar 5, 2025 | 10:30 IST") == ("Jane Roe", "Mar 5, 2025 10:30 IST")
    assert header_line("By Jane on the Hill") is None
    assert header_line("Published:Tuesday | April 26, 2022 | 9:52 PM") == (None, "Tuesday, April 26, 2022 9:52 PM")
    assert header_line("Tuesday | April 26, 2022") == (None, "Tuesday, April 26, 2022")


def test_header_lines_of_more_page_layouts():
    # The name is the segment before the date; a section label opening the line is no byline.
    assert header_line("World | Press Trust of India | Updated: October 16, 2024 4:45 pm IST") == (
        "Press Trust of India", "October 16, 2024 4:45 pm IST")
    assert header_line("Sports | Updated: Oct 16, 2024") == (None, "Oct 16, 2024")
    assert header_line("India News | Reported by Staff | Updated: Oct 16, 2024") == ("Staff", "Oct 16, 2024")
    # A scraped page glues the label to the name; a word starting with "By" is not a byline.
    assert header_line("ByHT News Desk") == ("HT News Desk", None)
    assert header_line("Byron Bay") is None
    # A reading time before the date.
    assert header_line("2 min read Last Updated : Oct 16 2024 | 4:45 PM IST") == (None, "Oct 16 2024 4:45 PM IST")
    assert header_line("IANS | Updated: Oct 16, 2024 | 16:45 IST") == ("IANS", "Oct 16, 2024 16:45 IST")
    # A newsroom's name, then the place: the newsroom is the byline; "Created" is the first publication.
    assert header_line("Harbor Herald News Desk | Seaport | Updated: 16-10-2024 18:00 IST | Created: 16-10-2024 "
                       "16:45 IST") == ("Harbor Herald News Desk", "16-10-2024 16:45 IST")
    assert header_line("Coastal | PTI | Updated: Oct 16, 2024") == ("PTI", "Oct 16, 2024")
    # A name and a date without a label.
    assert header_line("Agency News IANS| Oct 16, 2024 04:45 PM IST") == ("Agency News IANS", "Oct 16, 2024 04:45 PM IST")
    assert header_line("Home | Oct 16, 2024") is None  # a section label is no name
    assert header_line("Harbour bridge | reopens to cyclists") is None


def test_page_headers_with_labels_on_lines_of_their_own_and_a_masthead() -> None:
    from provenance.extract.clean import resolve_header

    head = "Harbour bridge reopens to cyclists after repairs"
    para = ("Seaport, Oct 16 (IANS) The county council reopened the old harbour bridge to cyclists on Tuesday, "
            "after engineers found the deck sound enough for light traffic.")

    def resolve(lines: list[str]) -> tuple:
        return resolve_header(lines, [len(x.split()) for x in lines], is_page=True)

    # "Curated By :" over the name, "Published On:" over the date
    assert resolve([head, "Curated By :", "Coast Desk", "Last Updated: October 16, 2024, 16:45 IST", para]) == (
        [0, 1, 2, 3], head, "Coast Desk", "October 16, 2024, 16:45 IST")
    assert resolve([head, "Published By:", "Riya Sen", "Published On:", "Oct 16, 2024", para]) == (
        [0, 1, 2, 3, 4], head, "Riya Sen", "Oct 16, 2024")
    # the site's name over its own credit line is no headline
    assert resolve(["HARBOR HERALD", "THE HARBOR HERALD | Oct 16, 2024, 19:02:47 IST", para])[1] is None


STORY_PARAS = [
    "Harbour engineers in the coastal town halted repairs on the old swing bridge on Tuesday after divers found "
    "a crack in one of its stone piers, the council said.",
    "The bridge, which carries about four thousand vehicles a day, will stay shut to traffic until the pier "
    "has been surveyed, a council spokeswoman told reporters.",
    "Local shops said the closure would hurt trade during the autumn festival, when visitors usually cross "
    "the bridge to reach the market square.",
]


def _page(*lines: str) -> dict:
    return {"text": "\n\n".join(lines), "format": "txt"}


def test_page_layouts_give_title_credit_and_body():
    body = "\n\n".join(STORY_PARAS)
    pages = raw([
        # A credit line above the headline (section | name | date), a reading time, a promotional foot.
        _page("World | Press Trust of India | Updated: October 16, 2024 4:45 pm IST",
              "Harbour Bridge Shut After Divers Find Crack In Pier", "Read Time: 3 mins", "Share", body,
              "Track Latest News Live on Example.com and get news updates from around the world", "Show full article"),
        # Breadcrumb, headline, glued byline, date, share box; tags at the foot.
        _page("Home / Regional News / Harbour bridge shut", "Harbour bridge shut after divers find crack in pier",
              "ByExample News Desk", "Updated on Oct 16, 2024 04:45 PM IST", "Share Via", body,
              "Topics: harbour, bridges, council"),
        # Headline, then the agency and place, then the story: the short line is not the title.
        _page("Harbour bridge shut after divers find crack in pier", "IANS  Seaport", body),
    ])
    arts, _, _ = extract(pages, config=CFG)
    got = arts.sort("locator").to_dicts()
    assert [a["title"] for a in got] == [
        "Harbour Bridge Shut After Divers Find Crack In Pier", "Harbour bridge shut after divers find crack in pier",
        "Harbour bridge shut after divers find crack in pier"]
    assert [a["byline"] for a in got][:2] == ["Press Trust of India", "Example News Desk"]
    for a in got:
        assert a["text"] == body, a["locator"]


def test_a_date_at_the_foot_and_an_author_line_under_the_headline():
    body = "\n\n".join(STORY_PARAS)
    pages = raw([
        # The date only under the story, its time in the next segment.
        _page("Harbour bridge shut after divers find crack in pier", "IANS  Seaport", body,
              "First Published: Oct 16 2024 | 4:45 PM IST", "More From This Section"),
        # Headline, the agency on a line of its own, then the date.
        _page("Example Web Desk", "Harbour bridge shut after divers find crack in pier", "IANS",
              "Updated on: 16 October 2024 4:45 pm IST", body),
    ])
    arts, _, _ = extract(pages, config=CFG)
    got = arts.sort("locator").to_dicts()
    assert [a["published_at"] for a in got] == [datetime(2024, 10, 16, 11, 15, tzinfo=UTC)] * 2
    assert [a["title"] for a in got] == ["Harbour bridge shut after divers find crack in pier"] * 2
    assert got[1]["byline"] == "IANS"
    assert all(a["text"] == body for a in got), [a["text"][-80:] for a in got]
    # A labelled date line under the story of a page that has a header date does not move it.
    both = raw([_page("By IANS | Updated: March 4, 2025 10:15 IST", body, "First Published: Oct 16 2024 | 4:45 PM IST")])
    one = extract(both, config=CFG)[0].to_dicts()[0]
    assert one["published_at"] == datetime(2025, 3, 4, 4, 45, tzinfo=UTC)


def test_more_page_layouts_of_sites_that_carry_agency_copy():
    body = "\n\n".join(STORY_PARAS)
    head = "Harbour bridge shut after divers find crack in pier"
    pages = raw([
        # A newsroom, the place, then two labelled dates written day first; the disclaimer after the story.
        _page(head, "Example News Desk | Seaport | Updated: 05-03-2025 18:00 IST | Created: 05-03-2025 16:45 IST",
              body, "(This story has not been edited by Example staff and is auto-generated from a syndicated feed.)"),
        # A section label over the headline, the agency and an unlabelled date; the feed's disclaimer in brackets.
        _page("Agency News", head, "Agency News IANS| Mar 05, 2025 04:45 PM IST", body,
              "(This is an unedited and auto-generated story from Syndicated News feed, Example Staff may not have "
              "modified or edited the content body)", "Share Now"),
        # Labels on lines of their own; a disclaimer whose last clause names the agency inside the brackets.
        _page(head, "Curated By :", "Example Desk", "Last Updated: March 05, 2025, 16:45 IST", body,
              "(This story has not been edited by Example staff and is published from a syndicated news agency "
              "feed - IANS)"),
        # A disclaimer with the sentence the site adds to it.
        _page(head, "IANS", "05 March, 2025 04:45 pm IST", body,
              "This report is auto-generated from Syndicated News feed. Example holds no responsibility for its content."),
    ])
    arts, _, _ = extract(pages, config=CFG)
    got = arts.sort("locator").to_dicts()
    assert [a["title"] for a in got] == [head] * 4
    assert [a["byline"] for a in got] == ["Example News Desk", "Agency News IANS", "Example Desk", "IANS"]
    assert [a["published_at"] for a in got] == [datetime(2025, 3, 5, 11, 15, tzinfo=UTC)] * 4
    for a in got:
        assert a["text"] == body, a["text"][-120:]



def test_a_scraped_page_ends_with_its_story_not_with_the_sites_foot():
    """One page of a site (nothing to learn chrome from): what follows the story's last paragraph goes from
    the first line that ends no sentence, so a newsletter box, a comment form's labels, a copyright line and
    a menu at the foot are not story text; short closing sentences of the story stay."""
    body = "\n\n".join([*STORY_PARAS, "The council declined to comment.", "Repairs resume next week."])
    foot = ["Get our morning newsletter", "Your email address", "Leave a Reply", "Name *", "Weather", "Sport",
            "Contact us", "© 2024 Coastal Example Media"]
    got = extract(raw([_page("Harbour bridge shut after divers find crack in pier", "By IANS", body, *foot)]),
                  config=CFG)[0].to_dicts()[0]
    assert got["text"] == body
    assert "© 2024 Coastal Example Media" in got["raw_text"]  # removed from the text, kept for attribution
    # A credit or sign-off under the story leaves the text but is still read from the page.
    signed = extract(raw([_page("Harbour bridge shut after divers find crack in pier", body, "— IANS")]), config=CFG)[0]
    assert signed["text"].to_list() == [body]


def test_a_scraped_page_under_a_long_menu_keeps_its_header():
    """A site menu of dozens of lines above the headline: the header (title, credit line) is the lines just
    above the story's first paragraph, and the menu above them goes however long it is."""
    body = "\n\n".join(STORY_PARAS)
    menu = [f"Section {i}" for i in range(30)]
    got = extract(raw([_page(*menu, "Harbour bridge shut after divers find crack in pier",
                             "By IANS | Updated: October 16, 2024 16:45 IST", body)]), config=CFG)[0].to_dicts()[0]
    assert (got["title"], got["byline"], got["text"]) == ("Harbour bridge shut after divers find crack in pier",
                                                        "IANS", body)
    assert got["published_at"] == datetime(2024, 10, 16, 11, 15, tzinfo=UTC)


def test_a_headline_under_the_date_line_wins_over_the_menu_label_above_it():
    """Wire layouts print the date first, then the headline, then the byline: the menu's last entry above
    the date line is a label, the headline-sized line under it is the title."""
    body = "\n\n".join(STORY_PARAS)
    head = "Harbour bridge shut after divers find crack in pier"
    pages = raw([
        _page("Local News", "Local Sports", "E-Edition", "Nov. 20, 2019 6:02 AM EST", head, body),
        _page("Science", "Space Exploration", "November 18, 2019", head, body),
    ])
    got = extract(pages, config=CFG)[0].sort("locator").to_dicts()
    assert [a["title"] for a in got] == [head, head]
    assert all(a["text"] == body for a in got), [a["text"][:80] for a in got]
    assert got[0]["published_at"] == datetime(2019, 11, 20, 11, 2, tzinfo=UTC)


def test_share_and_like_buttons_between_headline_and_credit_line_are_not_the_title():
    """A page's share box, as its text gives it, stands between the headline and the credit line: its
    buttons are chrome in any of the languages a corpus mixes in, and the headline above them is found."""
    body = "\n\n".join(STORY_PARAS)
    head = "Harbour bridge shut after divers find crack in pier"
    pages = raw([
        _page(head, "X Share via", "Share permalink", "By Example Desk | Updated: Nov 20 2019, 10:18am IST", body,
              "Click to share on Reddit (Opens in new window)", "Like this:", "Like Loading..."),
        _page(head, "Print This Article Share it With Friends", "Teilen Sie dies mit:", "Save",
              "Updated: Nov 20 2019, 10:18am IST", body),
    ])
    got = extract(pages, config=CFG)[0].sort("locator").to_dicts()
    assert [a["title"] for a in got] == [head, head]
    assert all(a["text"] == body for a in got), [a["text"][-80:] for a in got]


def test_a_cookie_notice_goes_and_a_story_about_cookies_stays():
    """A site's cookie notice is a paragraph-sized line on the page, in the site's voice and in any of a
    corpus's languages: it goes (under the story it looked like the story's last paragraph). A story's own
    sentence about cookies reports what others do and stays."""
    about = ("The regulator said news websites must ask readers before they use advertising cookies, and "
             "fined two publishers for setting them by default.")
    body = "\n\n".join([*STORY_PARAS, about])
    head = "Harbour bridge shut after divers find crack in pier"
    pages = raw([
        _page(head, "By IANS | Updated: October 16, 2024 16:45 IST", body, "We use cookies to improve your "
              "experience on our website. By browsing this website, you agree to our use of cookies.", "Cookie Settings"),
        _page(head, "By IANS | Updated: October 16, 2024 16:45 IST", body, "Diese Website benutzt Cookies. Wenn du "
              "die Website weiter nutzt, gehen wir von deinem Einverständnis aus.", "OK"),
    ])
    got = extract(pages, config=CFG)[0].sort("locator").to_dicts()
    assert all(a["text"] == body for a in got), [a["text"][:80] for a in got]
    assert [a["title"] for a in got] == [head, head]
    assert "We use cookies" in got[0]["raw_text"]


def test_a_comment_section_under_the_story_goes_and_a_comment_count_by_the_headline_does_not_cut():
    """Readers' comments read like paragraphs; the section's heading says where they start ("4 thoughts on
    ...", "Leave a Reply", "12 Comments" once the story has had its paragraphs). A page also prints the
    count by its headline or under its lead: there it starts nothing, and goes itself."""
    body = "\n\n".join(STORY_PARAS)
    comments = ["Marta Vale says:", "October 16, 2024 at 5:02 pm",
                "I cross that bridge every morning and the council has known about the crack in that pier for "
                "years, so none of this comes as a surprise to anyone living here.", "Reply",
                "Tom Reed says:", "October 16, 2024 at 6:40 pm",
                "Good to see the divers finally looked at it properly before the festival crowds arrive next week "
                "and fill the market square again.", "Reply"]
    head = "Harbour bridge shut after divers find crack in pier"
    pages = raw([
        _page(head, "By IANS", body, "12 Comments", *comments),
        _page(head, "By IANS", body, "2 thoughts on “Harbour bridge shut after divers find crack in pier”", *comments),
        _page(head, "By IANS", STORY_PARAS[0], "12 Comments", *STORY_PARAS[1:]),
    ])
    got = extract(pages, config=CFG)[0].sort("locator").to_dicts()
    assert [a["text"] for a in got] == [body, body, body], [a["text"][-100:] for a in got]


@pytest.mark.parametrize("heading", [
    "Related coverage from Example Money:", "Read these next", "More Great Example Stories",
    "Want more stories like this?", "Ähnliche Beiträge", "Czytaj też", "Lue seuraavaksi:", "関連記事", "Terkait",
    "About the author", "Über die Autorin", "Sign up for our morning newsletter",
])
def test_a_list_of_other_stories_under_a_tail_heading_in_many_languages_goes(heading: str) -> None:
    """Teasers with a sentence of summary each (or an author's or a newsletter's blurb) read like the story's
    paragraphs; the heading above them says where the story ends."""
    body = "\n\n".join(STORY_PARAS)
    teasers = ["Ferry fares rise for the winter season",
               "Operators said the new timetable starts in November and adds two evening crossings.",
               "Council approves new cycle lanes on the coast road",
               "The lanes will be built in stages over the next two years, the council said."]
    page = _page("Harbour bridge shut after divers find crack in pier", "By IANS", body, heading, *teasers)
    got = extract(raw([page]), config=CFG)[0].to_dicts()[0]
    assert got["text"] == body, got["text"][-120:]


def test_a_record_holding_a_whole_scraped_page_is_cleaned_as_the_page_file_is():
    """Scrapers write JSONL and CSV too: a record whose text has a site menu above its story (more short
    labels than a header holds) gets a page's rules, as the same page saved as a text file does."""
    body = "\n\n".join(STORY_PARAS)
    menu = ["Home", "City", "Epaper", "World", "Sport", "Business", "Opinion", "Videos", "Photos"]
    page = _page(*menu, "Harbour bridge shut after divers find crack in pier",
                 "By IANS | Updated: October 16, 2024 16:45 IST", body,
                 "Open in App", "Get our morning newsletter", "Contact us", "© 2024 Coastal Example Media")
    as_file, as_record = extract(raw([page, {**page, "format": "jsonl"}]), config=CFG)[0].sort("locator").to_dicts()
    for got in (as_file, as_record):
        assert (got["title"], got["byline"], got["text"]) == ("Harbour bridge shut after divers find crack in pier",
                                                            "IANS", body)
        assert got["published_at"] == datetime(2024, 10, 16, 11, 15, tzinfo=UTC)


def test_a_record_that_is_a_story_keeps_its_lists_and_its_wrapped_lines():
    """A record without a menu above its story is not taken for a page: a chart listed under the story,
    a few header lines above it and text hard-wrapped at 72 columns all stay."""
    chart = ["Here is this week's full chart of the most borrowed books at the town library."] + [
        f"{i} Harbour Tales volume {i}" for i in range(1, 11)]
    wrapped = ("Harbour engineers in the coastal town halted repairs on the old swing\nbridge on Tuesday after "
               "divers found a crack in one of its stone piers,\nthe council said on Tuesday evening in a short "
               "statement to the\nlocal press.\nThe bridge, which carries about four thousand vehicles a day, will "
               "stay\nshut to traffic until the pier has been surveyed, a council\nspokeswoman told reporters.")
    head = ["Harbour bridge shut", "Example Weekly", "Local news", "Tuesday"]
    rows = [{"text": "\n\n".join([*STORY_PARAS, *chart])}, {"text": wrapped},
            {"text": "\n\n".join([*head, *STORY_PARAS])}]
    got = extract(raw(rows), config=CFG)[0].sort("locator").to_dicts()
    assert got[0]["text"].endswith("10 Harbour Tales volume 10")
    assert got[1]["text"].split() == wrapped.split()
    assert got[2]["text"].endswith("\n\n".join(STORY_PARAS)) and "Tuesday" in got[2]["text"]


def test_a_pages_headline_is_found_above_an_author_line_or_a_section_label():
    """Between the headline and the date line a page may print its author with a title, or a section label:
    the headline is the longest headline-like line of the three above the credit line."""
    body = "\n\n".join(STORY_PARAS)
    head = "Harbour bridge shut after divers find crack in pier"
    pages = raw([
        _page(head, "Tom Reed, Example Auto Writer", "Updated: October 16, 2024 4:45 pm IST", body),
        _page("Menu", head, "Regional", "October 16, 2024", body),
        # A breadcrumb longer than the headline is a path, not a headline.
        _page("Home / Regional News / Harbour bridge shut after divers find a crack in one of its piers", head,
              "ByExample News Desk", "Updated on Oct 16, 2024 04:45 PM IST", body),
    ])
    got = extract(pages, config=CFG)[0].sort("locator").to_dicts()
    assert [a["title"] for a in got] == [head, head, head]
    assert all(a["text"] == body for a in got)

SPANISH_BODY = "\n\n".join([
    "El consejo municipal votó el martes para reabrir el viejo puente del puerto a los ciclistas a partir del "
    "próximo mes, dijeron las autoridades.",
    "Los ingenieros dijeron que la estructura es segura para el tráfico ligero, aunque los camiones seguirán "
    "sin poder cruzar hasta el próximo año."])


@pytest.mark.parametrize(("line", "when"), [
    ("Publicado el 05/03/2025 a las 10:30", datetime(2025, 3, 5, 10, 30, tzinfo=UTC)),
    ("Mis à jour le 05/03/2025 à 10h30", datetime(2025, 3, 5, 10, 30, tzinfo=UTC)),
    ("Stand: 05.03.2025, 10:30 Uhr", datetime(2025, 3, 5, 10, 30, tzinfo=UTC)),
    ("Actualizado: 5 de marzo de 2025", datetime(2025, 3, 5, tzinfo=UTC)),
])
def test_a_text_page_in_spanish_french_or_german_is_dated_from_its_header(line: str, when: datetime) -> None:
    body = SPANISH_BODY
    a = extract(raw([_page("El puente del puerto reabre para ciclistas", line, body)]), config=CFG)[0].to_dicts()[0]
    assert (a["title"], a["published_at"], a["text"]) == ("El puente del puerto reabre para ciclistas", when, body)


@pytest.mark.parametrize(("line", "byline", "when"), [
    # the blog platforms' credit line, date first, in their languages
    ("Posted on March 5, 2025 by Jonas Brandtner", "Jonas Brandtner", datetime(2025, 3, 5, tzinfo=UTC)),
    ("Veröffentlicht am 5. März 2025 von Jonas Brandtner", "Jonas Brandtner", datetime(2025, 3, 5, tzinfo=UTC)),
    ("05.03.2025, 10:30 von jbrandtner", None, datetime(2025, 3, 5, 10, 30, tzinfo=UTC)),  # a handle, not a name
    ("Erstellt von Jonas Brandtner am Mittwoch 5. März 2025", "Jonas Brandtner", datetime(2025, 3, 5, tzinfo=UTC)),
    ("Publiziert: 05.03.2025, 10:30", None, datetime(2025, 3, 5, 10, 30, tzinfo=UTC)),
    # an Indian site's: a "Publish Date" label, the zone in brackets, the author's label glued to it
    ("Publish Date:Wed, 05 Mar 2025 04:00 PM (IST)Author: Jonas Brandtner", "Jonas Brandtner",
     datetime(2025, 3, 5, 10, 30, tzinfo=UTC)),
    ("Date: 5 March 2025 | By Jonas Brandtner", "Jonas Brandtner", datetime(2025, 3, 5, tzinfo=UTC)),
])
def test_a_date_then_its_author_is_a_credit_line(line: str, byline: str | None, when: datetime) -> None:
    body = SPANISH_BODY
    a = extract(raw([_page("El puente del puerto reabre para ciclistas", line, body)]), config=CFG)[0].to_dicts()[0]
    assert (a["title"], a["byline"], a["published_at"], a["text"]) == (
        "El puente del puerto reabre para ciclistas", byline, when, body)


def test_a_byline_with_its_date_glued_on_and_a_menu_above_a_teaser():
    """"By NAME DATE" with no "on" between (and a reading time after): the name and the date. Under a
    teaser too long for a header, the menu above the page's first paragraph still goes."""
    body = "\n\n".join(STORY_PARAS)
    teaser = ("A crack found by divers in one of the old swing bridge's stone piers has closed the harbour crossing "
              "to all traffic while engineers survey the damage and the council weighs the cost of repairs")
    page = _page("Home", "Regional", "Weather", "Sport", teaser, "By Jonas Brandtner Mar 5, 2025 5 min read", body)
    a = extract(raw([page]), config=CFG)[0].to_dicts()[0]
    assert (a["byline"], a["published_at"]) == ("Jonas Brandtner", datetime(2025, 3, 5, tzinfo=UTC))
    assert not any(w in a["text"].split("\n") for w in ("Home", "Regional", "Weather", "Sport")), a["text"][:120]
    assert a["text"].endswith(body)


@pytest.mark.parametrize(("line", "when"), [
    ("Example News March 5, 2025, 10:30 AM", datetime(2025, 3, 5, 10, 30, tzinfo=UTC)),  # an outlet, then the date
    ("Nachricht 5. März 2025", datetime(2025, 3, 5, tzinfo=UTC)),  # a section
    ("Seehafen, 5. März 2025", datetime(2025, 3, 5, tzinfo=UTC)),  # a place
])
def test_a_name_then_a_date_gives_the_date(line: str, when: datetime) -> None:
    """The name before the date may be an outlet, a section or a place as well as an author: the date is
    taken, the name is not taken for a byline."""
    body = SPANISH_BODY
    a = extract(raw([_page("El puente del puerto reabre para ciclistas", line, body)]), config=CFG)[0].to_dicts()[0]
    assert (a["title"], a["byline"], a["published_at"], a["text"]) == (
        "El puente del puerto reabre para ciclistas", None, when, body)


def test_prose_with_a_year_and_a_by_is_no_credit_line():
    from provenance.extract.clean import header_line

    assert header_line("The bridge was built in 1920 by Example Works") is None
    assert header_line("Sales rose by 5 percent in 2019 by volume") is None
    assert header_line("Date night ideas for the long weekend") is None
    assert header_line("The council met on March 3, 2019") is None  # prose, not a name and a date
    assert header_line("Termin: 28.02.2020, 18:30 Uhr") is None  # another date's label (an event)
    assert header_line("Wochenbericht 14. - 20. Januar 2022") is None  # a range


@pytest.mark.parametrize(("line", "byline"), [
    ("Por Lucía Ferrer | Publicado el 05/03/2025 a las 10:30", "Lucía Ferrer"),
    ("Par Claire Dubois | Mis à jour le 05/03/2025 à 10h30", "Claire Dubois"),
    ("Von Jonas Brandtner | Veröffentlicht am 05.03.2025 um 10:30 Uhr", "Jonas Brandtner"),
    ("Von Miller | 05.03.2025 10:30", "Von Miller"),  # a name
])
def test_a_text_pages_credit_line_in_another_language_gives_the_name(line: str, byline: str) -> None:
    body = SPANISH_BODY
    a = extract(raw([_page("El puente del puerto reabre para ciclistas", line, body)]), config=CFG)[0].to_dicts()[0]
    assert (a["byline"], a["published_at"], a["text"]) == (byline, datetime(2025, 3, 5, 10, 30, tzinfo=UTC), body)


HINDI_PARAS = [
    "नगर परिषद ने मंगलवार को पुराने बंदरगाह पुल को अगले महीने से साइकिल सवारों के लिए खोलने का फैसला किया। "
    "इंजीनियरों ने जांच के बाद कहा कि पुल हल्के यातायात के लिए सुरक्षित है।",
    "परिषद की प्रवक्ता ने बताया कि भारी वाहनों पर रोक जारी रहेगी और मरम्मत का काम अगले साल तक चलेगा।",
]


def test_a_hindi_page_gives_its_byline_and_date():
    body = "\n\n".join(HINDI_PARAS)
    page = _page("होम", "बंदरगाह पुल साइकिल सवारों के लिए खुलेगा, भारी वाहनों पर रोक जारी", "आईएएनएस | अपडेटेड: १६ अक्टूबर 2024 10:15 AM IST", body)
    a = extract(raw([page]), config=CFG)[0].to_dicts()[0]
    assert a["byline"] == "आईएएनएस" and a["title"] == "बंदरगाह पुल साइकिल सवारों के लिए खुलेगा, भारी वाहनों पर रोक जारी"
    assert a["published_at"] == datetime(2024, 10, 16, 4, 45, tzinfo=UTC) and a["published_precision"] == "minute"
    assert a["text"] == body
    assert parse_published("प्रकाशित: 16 अक्तूबर 2024") == (datetime(2024, 10, 16, tzinfo=UTC), "day")


def test_empty_input():
    arts, rej, stats = extract(pl.DataFrame(schema=RAW), config=CFG)
    assert arts.height == 0 and arts.schema == EXTRACTED
    assert rej.height == 0 and stats.height == 0


# ------------------------------------------------------------------ byte kernels vs Python


_WS_CHARS = "\t\n\x0b\x0c\r \u00a0\u0085\u2000\u2005\u200b\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from(list("ab .…\n\r") + list(_WS_CHARS) + ["é", "“", "—", "字"]), max_size=60),
        ),
        max_size=8,
    )
)
def test_line_scan_matches_python(texts):
    from provenance.extract import clean as E

    series = pl.Series("t", texts, dtype=pl.String)
    data, offs = E._k_arrow_bytes(series)
    rid, idx, ls, le, ell, h = E._scan(data, offs)
    got = [(int(r), bytes(data[a:b]).decode()) for r, a, b in zip(rid, ls, le, strict=True)]
    strip = re.compile(f"^[{_WS_CHARS}]+|[{_WS_CHARS}]+$")
    want = []
    for r, t in enumerate(texts):
        for line in (t or "").split("\n"):
            s = strip.sub("", line)
            if s:
                want.append((r, s))
    assert got == want
    assert [int(x) for x in h] == [line_hash(s) for _, s in want]
    assert list(ell) == [s.endswith(("...", "…")) for _, s in want]


def test_numba_xxh64_matches_xxhash():
    import random

    import numpy as np

    from provenance.extract import clean as E

    rnd = random.Random(7)
    for n in [*range(0, 70), 100, 257, 4096]:
        raw = bytes(rnd.randrange(256) for _ in range(n))
        b = np.frombuffer(raw, np.uint8) if n else np.zeros(0, np.uint8)
        assert E._xxh64(b, 0, n) == xxhash.xxh64_intdigest(raw)
    s = pl.Series(["", "a", None, "héllo wörld" * 9])
    assert E.xxh64_hex(s).to_list() == [
        xxhash.xxh64_hexdigest(b""), xxhash.xxh64_hexdigest(b"a"), None, xxhash.xxh64_hexdigest(("héllo wörld" * 9).encode())
    ]


def test_the_html_byline_box_gives_names_not_date_labels():
    from provenance.extract.clean import html_article

    paras = "".join(f"<p>Paragraph {i} of the story about the harbour bridge that the council reopened to cyclists "
                    "on Tuesday after the repairs ended.</p>" for i in range(5))

    def page(box: str) -> str:
        return (f"<html><head><title>Harbour bridge reopens</title></head><body><article><h1>Harbour bridge reopens"
                f"</h1>{box}{paras}</article></body></html>")

    box = ('<div class="byline">Coast News Desk | Seaport | Updated: 05-03-2025 16:45 IST | Created: 05-03-2025 '
           '16:45 IST</div>')
    assert html_article(page(box))["byline"] == "Coast News Desk; Seaport"
    assert html_article(page('<div class="author">Posted</div>'))["byline"] is None


@pytest.mark.parametrize(("box", "byline"), [
    ("Por Lucía Ferrer Ibáñez", "Lucía Ferrer Ibáñez"),
    ("Par AFP publié le 05/03/2025 à 10h30, mis à jour à 11h00", "AFP"),
    ("Af Ritzau", "Ritzau"),
    ("Autor: Eva Kolářová", "Eva Kolářová"),
    ("Paris Hollander", "Paris Hollander"),
])
def test_the_html_byline_box_in_other_languages_gives_the_name(box: str, byline: str):
    from provenance.extract.clean import html_article

    paras = "".join(f"<p>Paragraph {i} of the story about the harbour bridge that the council reopened to cyclists "
                    "on Tuesday after the repairs ended.</p>" for i in range(5))
    page = (f"<html><head><title>Harbour bridge reopens</title></head><body><article><h1>Harbour bridge reopens"
            f'</h1><div class="byline">{box}</div>{paras}</article></body></html>')
    assert html_article(page)["byline"] == byline


def test_a_german_byline_label_is_cut_but_a_name_that_starts_with_von_is_kept():
    from provenance.extract.clean import _author

    assert _author("Von Jonas Brandtner") == "Jonas Brandtner"
    assert _author("Von dpa") == "dpa"
    assert _author("Von Miller") == "Von Miller"
    assert _author("von der Leyen") == "von der Leyen"
