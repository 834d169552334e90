"""Site furniture: text shared by pages of one site (sidebars, author blurbs, comment policies, "most
read" boxes, navigation at the edges) is learned as that site's chrome with few pages, from HTML as
from scraped text, and never pairs two articles; a line another site's copy also holds stays."""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import polars as pl

from provenance.config import Config
from provenance.engine.pipeline import ingest
from provenance.extract.clean import extract, outlet_key
from provenance.schemas import RAW
from provenance.store import Store

CFG = Config()
_SYL = ("ka", "lo", "mer", "tin", "sa", "vo", "ril", "den", "pa", "qu", "zen", "tor", "bel", "ni", "gar", "fu")


def _words(r: random.Random, n: int) -> list[str]:
    return ["".join(r.choice(_SYL) for _ in range(r.randint(2, 3))) for _ in range(n)]


def story(seed: int, paras: int = 4) -> list[str]:
    """Invented paragraphs of pseudo-words: two stories never share a 5-word run."""
    r = random.Random(seed)
    out = []
    for _ in range(paras):
        w = _words(r, r.randint(28, 40))
        w[0] = w[0].capitalize()
        out.append(" ".join(w) + ".")
    return out


BLURB = (
    "Mara Lindqvist writes about small boats, tide tables and the people who keep old harbours working. "
    "She has sailed the northern coast for twenty years and answers every letter readers send her."
)
MOST_READ = [
    "Why the lighthouse keepers of Skarholm refused to leave their island this winter",
    "Seven knots every dinghy sailor should be able to tie with cold wet hands",
    "The quiet return of the wooden fishing smack to the western fjords",
]
POLICY = (
    "Comment policy: we welcome debate but remove posts that contain personal attacks, advertising or "
    "links to unrelated sites. By commenting you agree to our community rules and accept that moderators "
    "may edit or delete any contribution without notice."
)


def raw(rows: list[dict]) -> pl.DataFrame:
    base = {k: None for k in RAW}
    return pl.DataFrame(
        [dict(base, source="test", locator=f"p{i}", format=r.get("format", "jsonl"), **{k: v for k, v in r.items() if k != "format"})
         for i, r in enumerate(rows)],
        schema=RAW,
    )


def blog_html(title: str, paras: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    side = "".join(f"<li><a href='/x{i}'>{t}</a></li>" for i, t in enumerate(MOST_READ))
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
        f"<p>{BLURB}</p><p>Readers liked</p><ul>{side}</ul></article></body></html>"
    )


def _blog_rows() -> list[dict]:
    return [
        {"url": f"https://tidewriter.example/2024/post-{i}", "html": blog_html(f"Harbour notes number {i}", story(i))}
        for i in range(4)
    ]


def test_outlet_key_joins_subdomains():
    assert outlet_key("news.dailytimes.com") == outlet_key("sport.dailytimes.com") == "dailytimes.com"
    assert outlet_key("tidewriter.blogspot.com") != outlet_key("harbournotes.blogspot.com")  # one blog each
    assert outlet_key("en.yna.co.kr") == "yna.co.kr" and outlet_key("www.bbc.co.uk") == "bbc.co.uk"
    assert outlet_key("valleypost") == "valleypost"
    assert outlet_key("news.salud.gob.mx") == "salud.gob.mx" != outlet_key("sep.gob.mx")  # as same_site reads it


def test_blog_sidebar_and_author_blurb_on_four_html_pages_are_chrome():
    arts, _, _ = extract(raw(_blog_rows()), config=CFG)
    assert arts.height == 4
    for t in arts["text"]:
        assert "Mara Lindqvist" not in t
        assert not any(m in t for m in MOST_READ)
        assert len(t.split("\n\n")) >= 4  # the body stays whole


def test_furniture_alone_never_pairs(tmp_path: Path):
    """Four blog posts sharing only their sidebar and blurb, and two articles of one network on two
    subdomains sharing only their comment policy: no pair."""
    rows = _blog_rows()
    for i, host in enumerate(("news.harbourtimes.example", "sport.harbourtimes.example")):
        rows.append({"url": f"https://{host}/a{i}", "title": f"Network story {i}",
                     "text": "\n\n".join([*story(100 + i), POLICY])})
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    store = Store(tmp_path / "s.duckdb")
    ingest([feed], store=store)
    con = duckdb.connect(str(store.path), read_only=True)
    assert con.execute("SELECT count(*) FROM pairs").fetchone()[0] == 0
    texts = [r[0] for r in con.execute("SELECT text FROM articles").fetchall()]
    con.close()
    assert len(texts) == 6 and not any("Comment policy" in t or "Mara Lindqvist" in t for t in texts)


def test_comment_policy_on_two_scraped_pages_is_chrome_updates_of_one_story_are_not():
    lead = story(7)
    rows = [
        {"outlet": "news.harbourtimes.example", "text": "\n\n".join([*story(1), POLICY]), "id": "a"},
        {"outlet": "sport.harbourtimes.example", "text": "\n\n".join([*story(2), POLICY]), "id": "b"},
        # Two updates of one story on one site: most of their text is shared, so it is body text.
        {"outlet": "coastdaily.example", "title": "Ferry pier shut", "text": "\n\n".join(lead), "id": "u1"},
        {"outlet": "coastdaily.example", "title": "Ferry pier shut for weeks", "text": "\n\n".join([*lead, story(8, 1)[0]]), "id": "u2"},
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    texts = dict(arts.select("article_id", "text").rows())
    assert "Comment policy" not in texts["a"] and "Comment policy" not in texts["b"]
    assert all(p in texts["u1"] and p in texts["u2"] for p in lead)


def test_wire_story_on_three_pages_of_one_site_and_on_another_site_is_kept():
    wire = story(42)
    rows = [
        {"outlet": "coastdaily.example", "title": f"Section {k} headline", "text": "\n\n".join([*story(200 + k, 1), *wire]), "id": f"c{k}"}
        for k in range(3)
    ] + [{"outlet": "inlandherald.example", "title": "Elsewhere", "text": "\n\n".join(wire), "id": "other"}]
    arts, _, _ = extract(raw(rows), config=CFG)
    for t in arts["text"]:
        assert all(p in t for p in wire)


def test_stored_copy_on_another_site_keeps_the_line():
    wire = story(43)
    first = [{"outlet": "inlandherald.example", "title": "Elsewhere", "text": "\n\n".join(wire), "id": "other"}]
    _, _, stats = extract(raw(first), config=CFG)

    def line_sites(hashes: pl.Series) -> pl.DataFrame:
        return stats.filter(pl.col("line_hash").is_in(hashes.implode()))

    rows = [
        {"outlet": "coastdaily.example", "title": f"Section {k} headline", "text": "\n\n".join([*story(300 + k, 1), wire[1]]), "id": f"c{k}"}
        for k in range(3)
    ]
    without, _, _ = extract(raw(rows), config=CFG)
    assert all(wire[1] not in t for t in without["text"])  # only this site carries it here: furniture
    kept, _, _ = extract(raw(rows), config=CFG, line_sites=line_sites)
    assert all(wire[1] in t for t in kept["text"])


def test_short_navigation_at_the_edges_of_two_pages_is_chrome():
    rows = [
        {"outlet": "smallpaper.example", "id": f"s{i}",
         "text": "\n\n".join(["City", "Harbour Edition", *story(500 + i, 3), "Weekend Special", "Back Issues"])}
        for i in range(2)
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    for t in arts["text"]:
        lines = t.split("\n\n")
        assert not {"City", "Harbour Edition", "Weekend Special", "Back Issues"} & set(lines)
        assert len(lines) == 3


def test_paragraph_two_pages_of_a_bigger_site_share_is_body_text():
    """A digest quoting one paragraph of an article of the same site: body text, kept (chrome is on
    most of a site's pages, this is on 2 of 5)."""
    quoted = story(60, 1)[0]
    rows = [{"outlet": "sermonsite.example", "title": f"Essay {i}", "text": "\n\n".join(story(600 + i)), "id": f"e{i}"}
            for i in range(3)]
    rows += [
        {"outlet": "sermonsite.example", "title": "The article", "text": "\n\n".join([*story(700), quoted]), "id": "art"},
        {"outlet": "sermonsite.example", "title": "The daily digest", "text": "\n\n".join([quoted, *story(701, 2)]), "id": "dig"},
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    texts = dict(arts.select("article_id", "text").rows())
    assert quoted in texts["art"] and quoted in texts["dig"]


def test_section_label_below_the_credit_line_of_two_scraped_pages_is_chrome():
    """A scraped page's section label sits between its credit line and its body ("City"): with two
    pages of the outlet it is learned, while the header still gives title and byline."""
    rows = [
        {"outlet": "smalltimes.example", "format": "txt", "id": f"t{i}",
         "text": "\n\n".join(["Home", f"Harbour board story number {i}", "By IANS | Updated: March 4, 2025 10:15 IST",
                              "City", *story(800 + i, 3), "Epaper Edition"])}
        for i in range(2)
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    for r in arts.iter_rows(named=True):
        lines = r["text"].split("\n\n")
        assert "City" not in lines and "Epaper Edition" not in lines and len(lines) == 3
        assert r["byline"] == "IANS" and r["title"].startswith("Harbour board story")


def test_short_title_shared_by_two_scraped_pages_stays_their_title():
    rows = [
        {"outlet": "smalltimes.example", "format": "txt", "id": f"u{i}",
         "text": "\n\n".join(["Home", "Council meets today", f"By Staff Reporter | Updated: March {4 + i}, 2025 10:15 IST",
                              *story(900 + i, 3)])}
        for i in range(2)
    ]
    arts, _, _ = extract(raw(rows), config=CFG)
    assert arts["title"].to_list() == ["Council meets today"] * 2


def test_one_text_under_three_titles_is_the_sites_sidebar():
    """A blog whose every page extracts to the same author box (the posts were not found): no article, so
    no pair among them; the same text under one title (one story stored thrice) stays."""
    rows = [{"outlet": "tinyblog.example", "title": f"Post {i}", "text": BLURB, "id": f"b{i}"} for i in range(3)]
    rows += [{"outlet": "samepost.example", "title": "One post", "text": "\n\n".join(story(77)), "id": f"s{i}"} for i in range(3)]
    arts, rej, _ = extract(raw(rows), config=CFG)
    assert sorted(arts["article_id"]) == ["s0", "s1", "s2"]
    assert (rej["reason"] == "empty_text").sum() == 3
