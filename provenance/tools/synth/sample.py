"""The bundled sample: data/sample in three forms (feed, HTML pages, scraped text)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from provenance.tools.synth.corpus import _hex_ids, _key, generate
from provenance.tools.synth.outlets import AGENCIES, _outlets
from provenance.tools.synth.pages import _FORMS, _HTML_CHROME, _PAGE_CHROME, _page_html, _page_txt
from provenance.tools.synth.schema import ARTICLE_COLUMNS, RELATIONS, TRUTH_SCHEMA

SAMPLE_SEED = 20241016
SAMPLE_N = 236
_SAMPLE_OPTS: dict[str, Any] = dict(
    start="2024-10-14T00:30:00+00:00",
    n_outlets=16,
    stories_per_day=8.0,
    missing_date_rate=0.04,
    mean_copies=5.0,
)


_HOSTILE_TITLE = "Ward council postpones vote on market stalls <script>alert(1)</script>"
_HOSTILE_BODY = (
    "{city}: The ward council on {weekday} postponed a vote on the allocation of new market stalls for the third time this year, "
    "saying the list of applicants still had to be checked.\n\n"
    "Councillors said the revised list would be posted on the notice board outside the ward office <img src=x onerror=alert(1)> "
    "and that traders could raise objections for two weeks.\n\n"
    "Stall holders who have waited since the spring said the delay was costing them sales during the festival season, "
    "and asked the council to fix a firm date for the vote.\n\n"
    "The council chairperson said the vote would be held once the objections were heard, and promised that every application would be read."
)

# Written for this sample (Hindi, Devanagari): a new electric bus service in Jaipur.
_HINDI_TITLE = "जयपुर में नई इलेक्ट्रिक बस सेवा शुरू, रोज़ाना बीस हज़ार यात्रियों को लाभ"
_HINDI_BODY = (
    "जयपुर, 16 अक्टूबर (आईएएनएस)। राजस्थान की राजधानी जयपुर में बुधवार को नई इलेक्ट्रिक बस सेवा की शुरुआत हुई। "
    "परिवहन विभाग के अनुसार पहले चरण में शहर के छह प्रमुख मार्गों पर चालीस बसें चलाई जाएंगी।\n\n"
    'परिवहन मंत्री ने उद्घाटन के अवसर पर कहा, "हमारा लक्ष्य है कि अगले दो वर्षों में शहर की आधी बसें बिजली से चलें '
    'और हवा की गुणवत्ता में साफ़ सुधार दिखे।"\n\n'
    "अधिकारियों ने बताया कि इन बसों से रोज़ाना लगभग बीस हज़ार यात्रियों को सुविधा मिलेगी। किराया पहले जितना ही रहेगा, "
    "जबकि विद्यार्थियों और वरिष्ठ नागरिकों को विशेष छूट दी जाएगी।\n\n"
    "नगर निगम ने चार नए चार्जिंग केंद्र भी बनाए हैं। स्थानीय व्यापारियों ने इस पहल का स्वागत किया, हालांकि कुछ यात्रियों ने "
    "बस स्टॉप पर छाया और बैठने की बेहतर व्यवस्था की मांग की।"
)
# Written for this sample (Chinese): two new express bus lines in Kunming.
_CHINESE_TITLE = "昆明新开通两条城市公交快线"
_CHINESE_BODY = (
    "新华社昆明10月16日电 记者从昆明市交通运输局获悉，该市16日起新开通两条城市公交快线，连接主城区与南部新区，"
    "全程运行时间约为四十分钟。\n\n"
    "据介绍，两条快线共投入新能源公交车三十辆，高峰时段发车间隔为八分钟。市交通运输局负责人表示，"
    "将根据客流情况适时调整运力，方便市民出行。"
)


def _sample_specials(
    seed: int, row0: int, story0: int, n_out: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The hand-written records: a hostile pair, a Hindi pair, a Chinese pair."""
    outs = _outlets(n_out)
    ids = _hex_ids(np.arange(row0, row0 + 7), _key(seed, 1)).to_list()
    sids = _hex_ids(np.arange(story0, story0 + 3), _key(seed, 2), "s").to_list()
    eids = _hex_ids(np.arange(story0, story0 + 3), _key(seed, 3), "e").to_list()
    feed_out, html_out, page_out = outs[0], outs[1], outs[2]
    h_body = _HOSTILE_BODY.format(city="Pune", weekday="Thursday")
    recs = [
        # id, url, outlet, published, title, byline, text
        (
            ids[0],
            f"https://{feed_out.slug}/{feed_out.section}/ward-council-postpones-vote-{ids[0]}",
            feed_out.slug,
            "2024-10-17T09:10:00+05:30",
            _HOSTILE_TITLE,
            "By Rekha Joshi",
            h_body,
        ),
        (
            ids[1],
            f"https://{page_out.slug}/{page_out.section}/ward-council-vote-{ids[1]}",
            page_out.slug,
            "2024-10-17T10:02:00+05:30",
            _HOSTILE_TITLE,
            None,
            h_body,
        ),
        (
            ids[2],
            f"https://{html_out.slug}/{html_out.section}/ward-council-market-stalls-{ids[2]}",
            html_out.slug,
            "2024-10-17T11:45:00+05:30",
            _HOSTILE_TITLE,
            f"By {feed_out.name}",
            h_body,
        ),
        (
            ids[3],
            f"https://ians.wire.example/hindi/{ids[3]}",
            "IANS",
            "2024-10-16T13:20:00+05:30",
            _HINDI_TITLE,
            "IANS",
            _HINDI_BODY,
        ),
        (
            ids[4],
            f"https://{page_out.slug}/hindi/{ids[4]}",
            page_out.slug,
            "2024-10-16T14:05:00+05:30",
            _HINDI_TITLE,
            "IANS",
            _HINDI_BODY,
        ),
        (
            ids[5],
            f"https://xinhua.wire.example/zh/{ids[5]}",
            "Xinhua",
            "2024-10-16T10:30:00+08:00",
            _CHINESE_TITLE,
            "Xinhua",
            _CHINESE_BODY,
        ),
        (
            ids[6],
            f"https://{html_out.slug}/china/{ids[6]}",
            html_out.slug,
            "2024-10-16T09:15:00+05:30",
            _CHINESE_TITLE,
            None,
            _CHINESE_BODY,
        ),
    ]
    arts = pl.DataFrame(recs, schema={c: pl.String for c in ARTICLE_COLUMNS}, orient="row")
    T = [
        # article, story, origin, parent, relation, credited, style, lag
        (0, 0, 0, None, "original", None, "none", None),
        (1, 0, 0, 0, "verbatim", None, "none", 52),
        (2, 0, 0, 0, "verbatim", feed_out.name, "byline", 155),
        (3, 1, 3, None, "original", None, "none", None),
        (4, 1, 3, 3, "verbatim", "IANS", "byline", 45),
        (5, 2, 5, None, "original", None, "none", None),
        (6, 2, 5, 5, "verbatim", "Xinhua", "slug", 75),
    ]
    truth = pl.DataFrame(
        [
            (
                ids[a],
                sids[s],
                ids[o],
                None,
                None if p is None else ids[p],
                None,
                rel,
                cr,
                st,
                lag,
                eids[s],
            )
            for a, s, o, p, rel, cr, st, lag in T
        ],
        schema=TRUTH_SCHEMA,
        orient="row",
    )
    return arts, truth


def _sample_corpus() -> tuple[pl.DataFrame, pl.DataFrame]:
    c = generate(SAMPLE_N, seed=SAMPLE_SEED, mode="realistic", **_SAMPLE_OPTS)
    n_stories = c.truth["story_id"].n_unique()
    sa, st = _sample_specials(SAMPLE_SEED, SAMPLE_N, 10_000 + n_stories, _SAMPLE_OPTS["n_outlets"])
    arts = pl.concat([c.articles, sa])
    truth = pl.concat([c.truth, st])
    return arts, truth


def _check_sample(arts: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    """The composition the sample promises; raises if the generator stops delivering it."""
    t = truth.join(arts.select("id", "outlet"), left_on="article_id", right_on="id")
    ag_names = {a.name for a in AGENCIES}
    roots = t.filter(
        pl.col("parent_id").is_null() & pl.col("relation").is_in(["original", "rewrite"])
    )
    agency_roots = roots.filter(pl.col("outlet").is_in(list(ag_names)))
    stats = {
        "articles": arts.height,
        "agency_stories": agency_roots["story_id"].n_unique(),
        "agencies": sorted(set(t["outlet"]) & ag_names),
        "outlets": sorted(set(t["outlet"]) - ag_names),
        "relations": dict(sorted(Counter(t["relation"].to_list()).items())),
        "credit_styles": dict(sorted(Counter(t["credit_style"].to_list()).items())),
        "cited_foreign": t.filter(
            pl.col("credit_style") == "cited", pl.col("outlet").is_in(list(ag_names))
        ).height,
        "external_roots": t.filter(pl.col("parent_external").is_not_null()).height,
        "missing_published": arts["published"].null_count(),
    }
    problems = []
    if stats["agency_stories"] < 30:
        problems.append(f"{stats['agency_stories']} agency stories < 30")
    if len(set(roots.filter(pl.col("outlet").is_in(list(ag_names)))["outlet"])) < 5:
        problems.append("fewer than 5 agencies publish stories")
    if len(stats["outlets"]) < 10:
        problems.append("fewer than 10 outlets")
    missing = set(RELATIONS) - set(stats["relations"])
    if missing:
        problems.append(f"relations missing: {sorted(missing)}")
    if stats["cited_foreign"] < 3:
        problems.append("fewer than 3 agency rewrites citing a foreign agency")
    if problems:
        raise AssertionError("sample composition: " + "; ".join(problems))
    return stats


def write_sample(out_dir: str | Path) -> dict[str, Any]:
    """(Re)write the bundled sample into ``out_dir``: feed.jsonl, html/, pages/, truth.csv.

    Byte-identical on every run. Only these four entries of ``out_dir`` are
    replaced; anything else there is left alone.
    """
    import shutil

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("html", "pages"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    n_out = _SAMPLE_OPTS["n_outlets"]
    outs = _outlets(n_out)
    slug_idx = {ot.slug: i for i, ot in enumerate(outs)}
    arts, truth = _sample_corpus()
    stats = _check_sample(arts, truth)
    hostile_raw = {arts.row(SAMPLE_N + 2, named=True)["id"]}  # the HTML copy of the hostile story

    recs = arts.to_dicts()
    form_of: dict[str, str] = {}
    path_of: dict[str, str] = {}
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for rec in recs:
        i = slug_idx.get(rec["outlet"])
        form = "feed" if i is None else _FORMS[i % 3]
        form_of[rec["id"]] = form
        by_outlet.setdefault(rec["outlet"], []).append(rec)

    feed_lines = []
    for rec in recs:
        if form_of[rec["id"]] == "feed":
            feed_lines.append(json.dumps({c: rec[c] for c in ARTICLE_COLUMNS}, ensure_ascii=False))
            path_of[rec["id"]] = "feed.jsonl"
    (out / "feed.jsonl").write_text("\n".join(feed_lines) + "\n", encoding="utf-8")

    for slug, rs in sorted(by_outlet.items()):
        i = slug_idx.get(slug)
        if i is None or _FORMS[i % 3] == "feed":
            continue
        ot = outs[i]
        folder = out / _FORMS[i % 3] / slug
        folder.mkdir(parents=True, exist_ok=True)
        for k, rec in enumerate(rs):
            others = [rs[(k + d) % len(rs)] for d in range(1, min(6, len(rs)))]
            if _FORMS[i % 3] == "html":
                name = rec["url"].rstrip("/").rsplit("/", 1)[-1] + ".html"
                page = _page_html(
                    rec,
                    ot,
                    _HTML_CHROME[i],
                    [(x["title"], x["url"]) for x in others[:4]],
                    rec["id"] in hostile_raw,
                )
            else:
                name = rec["id"] + ".txt"
                page = _page_txt(rec, _PAGE_CHROME[i], [x["title"] for x in others])
            (folder / name).write_text(page, encoding="utf-8")
            path_of[rec["id"]] = f"{_FORMS[i % 3]}/{slug}/{name}"

    t = truth.join(
        arts.select("id", "outlet"),
        left_on="article_id",
        right_on="id",
        how="left",
        maintain_order="left",
    )
    t = t.with_columns(
        pl.col("article_id").replace_strict(form_of).alias("form"),
        pl.col("article_id").replace_strict(path_of).alias("path"),
    )
    t.write_csv(out / "truth.csv")
    stats["bytes"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    stats["forms"] = dict(sorted(Counter(form_of.values()).items()))
    return stats
