"""The synthetic corpus generator: determinism, truth consistency, text operations, overlap bounds, sample."""

from __future__ import annotations

import difflib
import json
import random
import re
import time
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from provenance.extract.boilerplate import DISCLAIMER
from provenance.tools import synth

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"

COPY_RELS = {"verbatim", "trimmed", "headline_changed", "added_intro", "edited"}


# --- helpers written independently of the generator -------------------------

_DECO_LINE = re.compile(r"^(?:--\S+|\(\S+\)|— \S+)$")


def core(text: str) -> str:
    """The body without trailing credit lines and disclaimers an outlet appended."""
    paras = text.split("\n\n")
    while paras and (_DECO_LINE.match(paras[-1]) or DISCLAIMER.fullmatch(paras[-1].strip())):
        paras.pop()
    return "\n\n".join(paras)


def shingles(text: str, k: int = 5) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def quotes(text: str) -> set[str]:
    return {m.strip(" ,.") for m in re.findall(r'"([^"]{20,})"', text)}


def when(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


@pytest.fixture(scope="module")
def realistic() -> synth.Corpus:
    return synth.generate(1200, seed=11)


@pytest.fixture(scope="module")
def fast() -> synth.Corpus:
    return synth.generate(4000, seed=11, mode="fast", chunk=1500)


def rows(c: synth.Corpus) -> dict[str, dict]:
    j = c.articles.join(c.truth, left_on="id", right_on="article_id", how="left")
    return {r["id"]: r for r in j.to_dicts()}


# --- shape and determinism -----------------------------------------------------


@pytest.mark.parametrize("mode", ["realistic", pytest.param("fast", marks=pytest.mark.slow)])
def test_exact_size_columns_and_schema(mode: str) -> None:
    c = synth.generate(257, seed=3, mode=mode, chunk=100)
    assert c.articles.columns == list(synth.ARTICLE_COLUMNS)
    assert all(dt == pl.String for dt in c.articles.dtypes)
    assert c.truth.schema == synth.TRUTH_SCHEMA
    assert c.articles.height == c.truth.height == 257
    assert c.articles["id"].to_list() == c.truth["article_id"].to_list()
    assert c.articles["id"].n_unique() == 257
    assert c.articles["text"].null_count() == 0 and c.articles["title"].null_count() == 0
    assert synth.generate(0, mode=mode).articles.height == 0


@pytest.mark.parametrize("mode", ["realistic", pytest.param("fast", marks=pytest.mark.slow)])
def test_deterministic_for_a_seed(mode: str) -> None:
    a = synth.generate(600, seed=5, mode=mode, chunk=250)
    b = synth.generate(600, seed=5, mode=mode, chunk=250)
    assert a.articles.equals(b.articles) and a.truth.equals(b.truth)
    c = synth.generate(600, seed=6, mode=mode, chunk=250)
    assert not a.articles["text"].equals(c.articles["text"])
    assert not set(a.articles["id"]) & set(c.articles["id"])


def test_published_is_iso_with_offset_or_null(realistic: synth.Corpus) -> None:
    pub = realistic.articles["published"]
    assert 0 < pub.null_count() < pub.len() * 0.15
    for s in pub.drop_nulls().to_list():
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", s), s
        assert when(s).utcoffset() is not None


# --- truth consistency ---------------------------------------------------------


def check_truth(c: synth.Corpus) -> None:
    by = rows(c)
    t = c.truth
    assert set(t["relation"]) <= set(synth.RELATIONS)
    assert set(t["credit_style"]) <= set(synth.CREDIT_STYLES)
    # credited is null exactly when nothing is credited
    assert (t["credited"].is_null() == (t["credit_style"] == "none")).all()
    stories: dict[str, set[str]] = {}
    for r in by.values():
        stories.setdefault(r["story_id"], set()).add(r["id"])
    for r in by.values():
        rel = r["relation"]
        if r["parent_id"] is not None:
            p = by[r["parent_id"]]  # every parent is in the corpus
            assert p["story_id"] == r["story_id"]
            assert p["origin_id"] == r["origin_id"] and p["origin_external"] == r["origin_external"]
            assert r["parent_external"] is None
            assert rel not in ("original", "independent")
            assert r["lag_minutes"] is not None and r["lag_minutes"] >= 1
            tp, tc = when(p["published"]), when(r["published"])
            if tp and tc:  # copies come after their parent
                assert tc > tp, (p["id"], r["id"])
        else:
            assert rel in ("original", "independent", "rewrite")
            if rel == "rewrite":  # a rewrite of a story that is not in the corpus
                assert r["parent_external"] is not None
                assert r["origin_external"] == r["parent_external"] and r["origin_id"] is None
                assert r["credit_style"] == "cited" and r["credited"] == r["parent_external"]
            else:
                assert r["origin_id"] == r["id"] and r["lag_minutes"] is None
        if r["origin_id"] is not None:
            assert r["origin_id"] in stories[r["story_id"]]
        if rel == "independent":
            assert stories[r["story_id"]] == {r["id"]}
            # ... but about an event that other articles report
            assert (t["event_id"] == r["event_id"]).sum() > 1
    # a story is one origin's family: one root per story
    roots = t.filter(pl.col("parent_id").is_null()).group_by("story_id").len()
    assert roots["len"].max() == 1 and roots.height == len(stories)


def test_truth_consistency_realistic(realistic: synth.Corpus) -> None:
    check_truth(realistic)


@pytest.mark.slow
def test_truth_consistency_fast(fast: synth.Corpus) -> None:
    check_truth(fast)


def test_truth_covers_the_structure(realistic: synth.Corpus) -> None:
    by = rows(realistic)
    t = realistic.truth
    assert set(t["relation"]) == set(synth.RELATIONS)
    assert set(t["credit_style"]) == set(synth.CREDIT_STYLES)
    agencies = {a.name for a in synth.AGENCIES}
    outlets = set(realistic.articles["outlet"]) - agencies
    assert len(outlets) >= 10
    # Indian agencies rewrite foreign agency stories and cite them, in and out of the corpus
    cited = [
        r
        for r in by.values()
        if r["outlet"] in ("IANS", "PTI", "ANI") and r["credit_style"] == "cited"
    ]
    assert any(r["parent_id"] for r in cited) and any(r["parent_external"] for r in cited)
    for r in cited:
        assert re.search(re.escape(r["credited"]) + r"(?: news agency)? reported", r["text"]), r[
            "id"
        ]
    # multi-hop: outlets copy other outlets' copies
    hops = [
        r
        for r in by.values()
        if r["parent_id"]
        and by[r["parent_id"]]["outlet"] not in agencies
        and by[r["parent_id"]]["parent_id"]
    ]
    assert hops
    # some copies credit nobody
    assert t.filter(pl.col("parent_id").is_not_null(), pl.col("credit_style") == "none").height > 0


def test_credit_devices_are_in_the_record(realistic: synth.Corpus) -> None:
    for r in rows(realistic).values():
        style, who = r["credit_style"], r["credited"]
        if style == "byline":
            assert who in (r["byline"] or ""), r["id"]
        elif style == "slug":
            assert f"({who})" in r["text"] or f"--{who}" in r["text"] or f"— {who}" in r["text"], r[
                "id"
            ]
        elif style == "disclaimer":
            assert DISCLAIMER.search(r["text"]), r["id"]
        elif style == "cited":
            assert who in r["text"], r["id"]


def test_disclaimers_are_recognised_by_boilerplate() -> None:
    for d in synth.DISCLAIMERS:
        text = d.format(outlet="Example Times")
        m = DISCLAIMER.search(text)
        assert m and m.start() == 0 and m.end() >= len(text) - 1, text


# --- relations match the text operations --------------------------------------------


def paras(text: str) -> list[str]:
    return core(text).split("\n\n")


def check_operations(c: synth.Corpus, *, sentences: bool) -> dict[str, int]:
    by = rows(c)
    seen: dict[str, int] = {}
    for r in by.values():
        if not r["parent_id"]:
            continue
        p = by[r["parent_id"]]
        rel = r["relation"]
        seen[rel] = seen.get(rel, 0) + 1
        cc, pc = core(r["text"]), core(p["text"])
        if rel == "verbatim":
            assert cc == pc and r["title"] == p["title"]
        elif rel == "headline_changed":
            assert cc == pc and r["title"] != p["title"]
        elif rel == "trimmed":
            assert pc.startswith(cc) and len(cc) < len(pc) and r["title"] == p["title"]
            assert paras(r["text"]) == paras(p["text"])[: len(paras(r["text"]))]
        elif rel == "added_intro":
            assert cc.endswith("\n\n" + pc) and r["title"] == p["title"]
            assert 1 <= len(paras(r["text"])) - len(paras(p["text"])) <= 2 or not sentences
        elif rel == "edited":
            a, b = cc.split(), pc.split()
            assert cc != pc and r["title"] == p["title"]
            ops = difflib.SequenceMatcher(None, b, a, autojunk=False).get_opcodes()
            changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")
            assert 1 <= changed <= 16 or (not sentences and changed <= 30), changed
        elif rel == "partial":
            pp = set(paras(p["text"])[1:])
            lifted = [x for x in paras(r["text"]) if x in pp]
            own = [x for x in paras(r["text"]) if x not in pp]
            assert 2 <= len(lifted) <= 4 or len(pp) < 2, r["id"]
            assert len(own) >= 3
        elif rel == "rewrite":
            assert cc != pc
            if sentences:  # quotes survive a paraphrase
                assert quotes(pc) <= quotes(cc) | {q.rstrip(",") for q in quotes(cc)}, r["id"]
            assert jaccard(shingles(cc), shingles(pc)) < 0.8
    return seen


def test_relations_match_text_realistic(realistic: synth.Corpus) -> None:
    seen = check_operations(realistic, sentences=True)
    assert set(seen) == set(synth.RELATIONS) - {"original", "independent"}


@pytest.mark.slow
def test_relations_match_text_fast(fast: synth.Corpus) -> None:
    seen = check_operations(fast, sentences=False)
    assert set(seen) == set(synth.RELATIONS) - {"original", "independent"}


def test_independent_reports_share_facts_and_a_quote_but_not_sentences(
    realistic: synth.Corpus,
) -> None:
    by = rows(realistic)
    ind = [r for r in by.values() if r["relation"] == "independent"]
    assert len(ind) >= 10
    for r in ind:
        others = [
            x
            for x in by.values()
            if x["event_id"] == r["event_id"] and x["story_id"] != r["story_id"]
        ]
        root = next(x for x in others if x["parent_id"] is None and x["relation"] != "independent")
        assert quotes(core(r["text"])) & quotes(core(root["text"])), r["id"]
        a = shingles(core(r["text"]))
        for o in others:
            b = shingles(core(o["text"]))
            shared = len(a & b)
            # not reuse by the detector's own thresholds (config: 60 shared, 0.5 containment)
            assert shared < 60 and shared / min(len(a), len(b)) < 0.5, (r["id"], o["id"], shared)


# --- overlap bounds ------------------------------------------------------------------


def test_unrelated_stories_share_few_shingles(realistic: synth.Corpus) -> None:
    by = rows(realistic)
    S = {k: shingles(core(r["text"])) for k, r in by.items()}
    ids = sorted(S)
    rng = random.Random(0)
    js = []
    while len(js) < 20_000:
        x, y = rng.sample(ids, 2)
        if by[x]["event_id"] == by[y]["event_id"]:
            continue
        js.append(jaccard(S[x], S[y]))
    js.sort()
    q = lambda f: js[int(f * (len(js) - 1))]  # noqa: E731
    print(
        f"\nunrelated-pair 5-shingle Jaccard (n={len(js)}): mean {sum(js) / len(js):.4f} "
        f"p50 {q(0.5):.4f} p99 {q(0.99):.4f} p99.9 {q(0.999):.4f} max {js[-1]:.4f}"
    )
    assert sum(j >= 0.1 for j in js) / len(js) < 0.001
    assert q(0.99) < 0.05
    assert sum(js) / len(js) < 0.02


@pytest.mark.slow
def test_copies_keep_their_parent(realistic: synth.Corpus, fast: synth.Corpus) -> None:
    for c in (realistic, fast):
        by = rows(c)
        for r in by.values():
            if r["relation"] not in COPY_RELS:
                continue
            a, p = shingles(core(r["text"])), shingles(core(by[r["parent_id"]]["text"]))
            inter = len(a & p)
            if r["relation"] == "trimmed":
                assert inter / len(a) == 1.0
            else:
                assert inter / len(p) >= 0.8, (r["relation"], inter / len(p))
        # partial reuse: a passage, not the whole story
        for r in by.values():
            if r["relation"] == "partial":
                a, p = shingles(core(r["text"])), shingles(core(by[r["parent_id"]]["text"]))
                assert 0.05 < len(a & p) / len(p) < 0.7


# --- streaming writers and CLI -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_generate_to_streams_the_same_rows(tmp_path: Path, fmt: str) -> None:
    info = synth.generate_to(tmp_path / f"c.{fmt}", 900, seed=4, mode="fast", format=fmt, chunk=400)
    assert info["rows"] == 900
    read = pl.read_parquet if fmt == "parquet" else pl.read_ndjson
    arts, truth = read(info["articles"]), read(info["truth"])
    ref = synth.generate(900, seed=4, mode="fast", chunk=400)
    assert arts.equals(ref.articles.select(arts.columns))
    assert truth["article_id"].to_list() == ref.truth["article_id"].to_list()
    assert truth["relation"].to_list() == ref.truth["relation"].to_list()
    assert Path(info["truth"]).name == f"c.truth.{fmt}"


def test_writers_and_cli(tmp_path: Path) -> None:
    c = synth.generate(50, seed=2)
    a, t = synth.write_jsonl(c, tmp_path / "j")
    assert pl.read_ndjson(a).height == 50 and pl.read_ndjson(t).height == 50
    a, t = synth.write_parquet(c, tmp_path / "p")
    assert pl.read_parquet(a).equals(c.articles) and pl.read_parquet(t).equals(c.truth)
    assert (
        synth.main(
            [
                "120",
                str(tmp_path / "cli"),
                "--seed",
                "9",
                "--mode",
                "realistic",
                "--format",
                "jsonl",
            ]
        )
        == 0
    )
    got = pl.read_ndjson(tmp_path / "cli" / "articles.jsonl")
    assert got.height == 120
    assert got["text"].to_list() == synth.generate(120, seed=9).articles["text"].to_list()
    assert (tmp_path / "cli" / "truth.jsonl").exists()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        synth.generate(10, mode="slow")
    with pytest.raises(ValueError):
        synth.generate(10, relation_weights={"copied": 1.0})
    with pytest.raises(ValueError):
        synth.generate(-1)


@pytest.mark.slow
def test_fast_mode_speed_is_reported() -> None:
    synth.generate(2000, seed=1, mode="fast")  # compiled / loaded from cache
    t0, c0 = time.perf_counter(), time.process_time()
    c = synth.generate(50_000, seed=1, mode="fast")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    words = c.articles["text"].str.count_matches(r"\S+").mean()
    print(
        f"\nfast mode: 50,000 articles ({words:.0f} words avg) in {wall:.2f}s wall, {cpu:.2f}s CPU: "
        f"{50_000 / wall:,.0f} articles/s wall, {50_000 / cpu:,.0f} articles/s CPU"
    )
    assert 380 <= words <= 520


# --- the bundled sample -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_truth() -> pl.DataFrame:
    return pl.read_csv(SAMPLE / "truth.csv", infer_schema=False)


def test_sample_regenerates_byte_identically(tmp_path: Path) -> None:
    synth.write_sample(tmp_path / "s")
    mine = {
        p.relative_to(tmp_path / "s").as_posix(): p.read_bytes()
        for p in (tmp_path / "s").rglob("*")
        if p.is_file()
    }
    bundled = {
        p.relative_to(SAMPLE).as_posix(): p.read_bytes()
        for p in SAMPLE.rglob("*")
        if p.is_file() and p.name != ".gitkeep"
    }
    assert sorted(mine) == sorted(bundled)
    changed = [k for k in mine if mine[k] != bundled[k]]
    assert not changed, (
        f"data/sample is stale; run python -m provenance.tools.synth sample data/sample ({changed[:3]})"
    )


def test_sample_size_and_composition(sample_truth: pl.DataFrame) -> None:
    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert total < 2_000_000
    t = sample_truth
    assert 150 <= t.height <= 400
    agencies = {a.name for a in synth.AGENCIES}
    roots = t.filter(pl.col("parent_id").is_null(), pl.col("outlet").is_in(list(agencies)))
    assert roots["story_id"].n_unique() >= 30
    assert len(set(roots["outlet"])) >= 5
    assert len(set(t["outlet"]) - agencies) >= 10
    assert set(t["relation"]) == set(synth.RELATIONS)
    rewrites = t.filter(
        pl.col("relation") == "rewrite",
        pl.col("credit_style") == "cited",
        pl.col("outlet").is_in(list(agencies)),
    )
    assert rewrites.height >= 3
    assert set(t["form"]) == {"feed", "html", "pages"}


def test_sample_records_carry_their_ids(sample_truth: pl.DataFrame) -> None:
    found: dict[str, str] = {}
    for line in (SAMPLE / "feed.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        assert set(rec) == set(synth.ARTICLE_COLUMNS)
        found[rec["id"]] = "feed.jsonl"
    for p in sorted((SAMPLE / "html").rglob("*.html")):
        page = p.read_text(encoding="utf-8")
        m = re.search(r'<meta name="provenance:id" content="([^"]+)">', page)
        assert m, p
        canon = re.search(r'<link rel="canonical" href="([^"]+)">', page)
        assert canon and canon.group(1).endswith(m.group(1))
        found[m.group(1)] = p.relative_to(SAMPLE).as_posix()
    for p in sorted((SAMPLE / "pages").rglob("*.txt")):
        found[p.stem] = p.relative_to(SAMPLE).as_posix()
    t = sample_truth
    assert len(found) == t.height
    assert dict(zip(t["article_id"], t["path"], strict=True)) == found
    # a folder is its outlet
    for r in t.filter(pl.col("form") != "feed").iter_rows(named=True):
        assert r["path"].split("/")[1] == r["outlet"]


def test_sample_pages_look_like_scraped_pages(sample_truth: pl.DataFrame) -> None:
    txt = sorted((SAMPLE / "pages").rglob("*.txt"))
    assert txt
    dated = 0
    for p in txt:
        page = p.read_text(encoding="utf-8")
        dated += bool(
            re.search(r"\| Updated: \w+ \d{1,2}, \d{4} \d\d:\d\d IST|^Updated: ", page, re.M)
        )
        assert " ...\n" in page  # the teaser
    assert dated >= len(txt) * 0.8
    assert any("Open in App" in p.read_text(encoding="utf-8") for p in txt)
    assert any(re.search(r"^By IANS \| Updated:", p.read_text(encoding="utf-8"), re.M) for p in txt)
    assert any(DISCLAIMER.search(p.read_text(encoding="utf-8")) for p in txt)
    htmls = sorted((SAMPLE / "html").rglob("*.html"))
    assert any("article:published_time" in p.read_text(encoding="utf-8") for p in htmls)
    assert any("application/ld+json" in p.read_text(encoding="utf-8") for p in htmls)


def test_sample_hostile_and_non_english_records(sample_truth: pl.DataFrame) -> None:
    feed = [json.loads(x) for x in (SAMPLE / "feed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any("<script>alert(1)</script>" in r["title"] for r in feed)
    assert any("<img src=x onerror=alert(1)>" in r["text"] for r in feed)
    raw_html = [
        p
        for p in (SAMPLE / "html").rglob("*.html")
        if "<img src=x onerror=alert(1)>" in p.read_text(encoding="utf-8")
    ]
    assert len(raw_html) == 1
    hindi = [r for r in feed if re.search(r"[\u0900-\u097F]{4}", r["text"])]
    chinese = [r for r in feed if re.search(r"[\u4e00-\u9fff]{8}", r["text"])]
    assert hindi and chinese
    t = sample_truth
    for rec in hindi + chinese:
        copies = t.filter(pl.col("parent_id") == rec["id"])
        assert copies.height == 1 and copies["relation"][0] == "verbatim"
