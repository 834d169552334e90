"""Reports: every format on a store built by the real pipeline, hashes that match the store,
hostile article text that stays inert, and output paths that never leave the chosen folder."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import xxhash
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.cli.report import entity_path, report
from provenance.engine.pipeline import ingest
from provenance.report import (
    FORMATS,
    UnsafePathError,
    build_report,
    iter_reports,
    render,
    safe_join,
    safe_name,
    write_report,
)
from provenance.report import model as report_model
from provenance.report.csv_format import neutralize
from provenance.report.json_format import schema, validate
from provenance.report.markdown import md
from provenance.store import Store

SAFE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")


# ----------------------------------------------------------------------------------------------
# Stores, built through the real pipeline
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(sample_store: Store) -> Store:
    """data/sample ingested by the real pipeline (`provenance ingest data/sample`; shared, read-only)."""
    return sample_store


PARAS = [
    "Officials in the northern river province said on Monday that a new flood barrier built along the old harbour "
    "had held back the highest tide recorded in forty years, sparing about two thousand homes in the low districts.",
    "The barrier, a line of steel gates and raised embankments finished last spring, was closed early on Sunday "
    "evening after forecasters warned of a storm surge combined with heavy rain upstream. <img src=x onerror=alert(1)>",
    "Engineers from the provincial water board watched the gauges through the night and reported that the water "
    'stopped a little more than half a metre below the top of the gates. "><svg onload=alert(2)> javascript:alert(3)',
    "Farmers further inland were still counting losses in flooded fields, and the board said it would review whether "
    "a second barrier should be built near the estuary before the next autumn storm season begins.",
]
WIRE = "\n\n".join(PARAS)
EVIL_OUTLET = "../../etc/<b onmouseover=alert(5)>x"
HOSTILE = [
    {"id": "wire-1", "outlet": "IANS", "url": "javascript:alert(4)", "published": "2025-03-04T06:00:00Z",
     "title": "<script>alert(1)</script>", "byline": "IANS", "text": "Harbour City, March 4 (IANS) " + WIRE},
    {"id": "copy-1", "outlet": EVIL_OUTLET, "url": 'https://example.org/a?x="><script>',
     "published": "2025-03-04T06:40:00Z", "title": '=HYPERLINK("http://evil.example","click")',
     "byline": None, "text": WIRE},
    {"id": "copy-2", "outlet": "Daily Example", "url": "https://daily.example/flood",
     "published": "2025-03-04T07:30:00Z", "title": "Flood barrier holds <i>back</i> record tide",
     "byline": "By IANS", "text": WIRE + "\n\nThe province has spent heavily on flood defences since the last disaster."},
]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Three articles with script in titles, text, URLs and an outlet name, through the real pipeline."""
    d = tmp_path_factory.mktemp("report-hostile")
    with open(d / "hostile.jsonl", "w", encoding="utf-8") as f:
        for r in HOSTILE:
            f.write(json.dumps(r) + "\n")
    s = Store(d / "hostile.duckdb")
    ingest([d / "hostile.jsonl"], store=s)
    return s


def _largest_cluster(s: Store) -> int:
    return int(s.query("SELECT cluster_id, count(*) AS n FROM clusters GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1")
               ["cluster_id"][0])


def _busiest_outlet(s: Store) -> str:
    return s.query(
        "SELECT a.outlet, count(*) AS n FROM lineage l JOIN articles a USING (article_id) "
        "WHERE l.parent_id IS NOT NULL OR l.parent_external IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1"
    )["outlet"][0]


def _top_agency(s: Store) -> str:
    return s.query(
        "SELECT via_agency, count(*) AS n FROM lineage WHERE via_agency IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1"
    )["via_agency"][0]


@pytest.fixture(scope="module")
def reports(store: Store) -> dict[str, dict]:
    return {
        "cluster": build_report(store, cluster=_largest_cluster(store)),
        "outlet": build_report(store, outlet=_busiest_outlet(store)),
        "agency": build_report(store, agency=_top_agency(store)),
        "corpus": build_report(store, all=True),
    }


# ----------------------------------------------------------------------------------------------
# The model against the store
# ----------------------------------------------------------------------------------------------


def test_cluster_report_holds_every_member_with_its_lineage(store: Store, reports: dict[str, dict]) -> None:
    r = reports["cluster"]
    c = r["cluster"]
    cid = c["cluster_id"]
    want = store.query("SELECT article_id FROM clusters WHERE cluster_id = ?", [cid])["article_id"].to_list()
    assert sorted(m["article_id"] for m in c["members"]) == sorted(want)
    lin = {x["article_id"]: x for x in store.query("SELECT * FROM lineage WHERE cluster_id = ?", [cid]).to_dicts()}
    assert c["lineage_available"] is True
    for m in c["members"]:
        row = lin[m["article_id"]]
        assert m["parent_id"] == row["parent_id"] and m["parent_external"] == row["parent_external"]
        assert m["relation"] == row["relation"] and m["derivation"] == row["derivation"]
        assert m["credited"] == row["credited"]
        assert m["is_origin"] == (row["parent_id"] is None and row["parent_external"] is None)
    # One link per member with a parent, each with the lineage evidence parsed from JSON.
    assert {ln["child"] for ln in c["links"]} == {m["article_id"] for m in c["members"] if not m["is_origin"]}
    for ln in c["links"]:
        assert ln["evidence"] == json.loads(lin[ln["child"]]["evidence"])
    s = c["summary"]
    assert s["articles"] == len(want)
    assert s["credited"] + s["uncredited"] + s["miscredited"] + s["credit_unknown"] == s["copies"]
    assert s["first"]["published_at"] <= s["last"]["published_at"]
    # Aligned passages exist for in-corpus parents and are ordered in the copy.
    in_corpus = [ln for ln in c["links"] if ln["parent"]]
    assert in_corpus and all(ln["alignment"] is not None for ln in in_corpus)
    assert any(ln["passages"] for ln in in_corpus)


def test_members_show_the_time_on_the_pages_own_clock(store: Store, reports: dict[str, dict]) -> None:
    members = reports["cluster"]["cluster"]["members"]
    offsets = dict(store.query("SELECT article_id, published_offset FROM articles").iter_rows())
    shown = [m for m in members if m["published_local"]]
    assert shown and len(shown) == sum(offsets[m["article_id"]] is not None for m in members)
    html, text = render(reports["cluster"], "html"), render(reports["cluster"], "md")
    for m in shown:  # the same instant, on the page's clock, in the table of members
        local = datetime.fromisoformat(m["published_local"])
        assert local == datetime.fromisoformat(m["published_at"].replace("Z", "+00:00"))
        assert local.utcoffset().total_seconds() == 60 * offsets[m["article_id"]]
        if local.utcoffset():
            label = local.strftime("%Y-%m-%d %H:%M UTC") + m["published_local"][-6:]
            assert label in html and label in text


def test_report_hashes_match_the_store(store: Store, reports: dict[str, dict]) -> None:
    c = reports["cluster"]["cluster"]
    ids = [m["article_id"] for m in c["members"]]
    rows = store.query("SELECT article_id, text, content_hash FROM articles WHERE article_id IN (SELECT unnest(?))",
                       [ids]).to_dicts()
    texts = {r["article_id"]: r["text"] for r in rows}
    for r in rows:
        assert xxhash.xxh64_hexdigest(r["text"].encode("utf-8")) == r["content_hash"]
    for m in c["members"]:
        assert m["content_hash"] == xxhash.xxh64_hexdigest(texts[m["article_id"]].encode("utf-8"))
        assert m["text_chars"] == len(texts[m["article_id"]])
    n = 0
    for ln in c["links"]:
        if ln["parent"]:
            assert ln["parent_hash"] == xxhash.xxh64_hexdigest(texts[ln["parent"]].encode("utf-8"))
        for p in ln["passages"]:
            child = texts[ln["child"]][p["child_start"]:p["child_end"]]
            assert p["text"] == child
            assert p["text_hash"] == xxhash.xxh64_hexdigest(child.encode("utf-8"))
            parent = texts[ln["parent"]][p["parent_start"]:p["parent_end"]]
            assert (p["parent_text"] or p["text"]) == parent
            n += 1
    assert n > 0
    # Uncredited copies of the outlet report carry the same hashes as the store.
    for cp in reports["outlet"]["outlet"]["uncredited_copies"]:
        h = store.query("SELECT content_hash FROM articles WHERE article_id = ?", [cp["article_id"]])["content_hash"][0]
        assert cp["content_hash"] == h


def test_report_header_is_reproducible(store: Store) -> None:
    cid = _largest_cluster(store)
    a = build_report(store, cluster=cid, now=datetime(2030, 1, 1, tzinfo=UTC))
    b = build_report(store, cluster=cid, now=datetime(2031, 6, 1, tzinfo=UTC))
    assert a["generated"]["generated_at"] == "2030-01-01T00:00:00Z"
    assert a["generated"]["generated_at"] != b["generated"]["generated_at"]
    assert a["digest"] == b["digest"] and re.fullmatch(r"[0-9a-f]{64}", a["digest"])
    meta = dict(store.query("SELECT key, value FROM meta").iter_rows())
    g = a["generated"]
    assert g["store_version"] == int(meta["store_version"])
    assert g["store_tool_version"] == meta["tool_version"]
    # The config as used: Config.batch_size (documents per hashing call) under its own name, and the
    # ingest's own options (--batch-size, --max-record-chars) as the last ingest recorded them.
    stored = json.loads(meta["config"])
    want = {("fingerprint_batch_docs" if k == "batch_size" else k): v for k, v in stored.items()}
    want.update({f"ingest_{k}": v for k, v in json.loads(meta.get("ingest_options", "{}")).items()})
    assert g["config"] == want and "batch_size" not in g["config"]
    # Same store, same time: byte-identical output in every text format.
    again = build_report(store, cluster=cid, now=datetime(2030, 1, 1, tzinfo=UTC))
    for fmt in ("html", "md", "json"):
        assert render(a, fmt) == render(again, fmt)
    assert render(a, "csv") == render(again, "csv")
    # The digest covers content: change one hash and it changes.
    c = copy.deepcopy(a)
    c["cluster"]["members"][0]["content_hash"] = "0" * 16
    assert report_model.report_digest(c) != a["digest"]


def test_outlet_and_agency_figures_follow_the_lineage(store: Store, reports: dict[str, dict]) -> None:
    o = reports["outlet"]["outlet"]
    rows = store.query(
        "SELECT l.* FROM lineage l JOIN articles a USING (article_id) WHERE a.outlet = ? "
        "AND (l.parent_id IS NOT NULL OR l.parent_external IS NOT NULL)", [o["outlet"]]).to_dicts()
    assert o["copies"] == len(rows) > 0
    assert o["uncredited"] == sum(r["credited"] == "uncredited" for r in rows)
    assert o["agency_copies"] == sum(r["via_agency"] is not None for r in rows)
    assert o["verbatim"] == sum(r["relation"] in ("verbatim", "headline_changed") for r in rows)
    assert o["articles"] == store.query("SELECT count(*) AS n FROM articles WHERE outlet = ?", [o["outlet"]])["n"][0]
    assert {c["article_id"] for c in o["uncredited_copies"]} == {
        r["article_id"] for r in rows if r["credited"] in ("uncredited", "miscredited")}
    a = reports["agency"]["agency"]
    arows = store.query("SELECT l.*, ar.outlet FROM lineage l JOIN articles ar USING (article_id) "
                        "WHERE via_agency = ? AND (parent_id IS NOT NULL OR parent_external IS NOT NULL)",
                        [a["agency"]]).to_dicts()
    assert a["copies"] == len(arows) > 0
    assert a["outlets_reached"] == len({r["outlet"] for r in arows})
    assert sum(r["copies"] for r in a["republishers"]) == a["copies"]
    assert a["credited"] == sum(r["credited"] in ("credits_origin", "credits_intermediary") for r in arows)
    ov = reports["corpus"]["corpus"]["overview"]
    assert ov["articles"] == store.query("SELECT count(*) AS n FROM articles")["n"][0]
    assert ov["clusters"] == store.query("SELECT count(DISTINCT cluster_id) AS n FROM clusters")["n"][0]
    top = reports["corpus"]["corpus"]["top_clusters"]
    assert top[0]["cluster_id"] == reports["cluster"]["cluster"]["cluster_id"]


def test_unknown_entities_are_clean_errors(store: Store) -> None:
    from provenance.errors import InputError

    with pytest.raises(InputError, match="no cluster"):
        build_report(store, cluster=-12345)
    with pytest.raises(InputError, match="no outlet"):
        build_report(store, outlet="no such outlet")
    with pytest.raises(InputError, match="unknown agency"):
        build_report(store, agency="Not An Agency")
    with pytest.raises(InputError, match="exactly one"):
        build_report(store, cluster=1, outlet="x")


# ----------------------------------------------------------------------------------------------
# Formats
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cluster", "outlet", "agency", "corpus"])
def test_json_follows_the_published_schema(reports: dict[str, dict], kind: str) -> None:
    r = reports[kind]
    text = render(r, "json")
    assert isinstance(text, str)
    again = json.loads(text)
    validate(again)
    assert again == r


def test_schema_rejects_broken_reports(reports: dict[str, dict]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    bad = copy.deepcopy(reports["cluster"])
    bad["cluster"]["members"][0]["content_hash"] = "not a hash"
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)
    bad = copy.deepcopy(reports["cluster"])
    bad["cluster"]["members"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)
    bad = copy.deepcopy(reports["outlet"])
    bad["cluster"] = reports["cluster"]["cluster"]
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)
    bad = copy.deepcopy(reports["corpus"])
    bad["corpus"]["files"] = [{"kind": "cluster", "key": 1, "title": "x", "file": "../escape.html"}]
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)


def test_html_is_self_contained_and_complete(reports: dict[str, dict]) -> None:
    r = reports["cluster"]
    html = render(r, "html")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html
    assert "<script" not in html.lower()
    assert re.search(r"\ssrc\s*=", html) is None  # no external (or any) fetched asset
    assert "<link" not in html and "@import" not in html
    assert html.count("<svg") >= 2  # chain graph and timeline, inline
    assert "@media print" in html and "@page" in html
    for m in r["cluster"]["members"]:
        assert m["content_hash"] in html
    assert r["digest"] in html and r["generated"]["tool_version"] in html
    for kind in ("outlet", "agency", "corpus"):
        h = render(reports[kind], "html")
        assert "<script" not in h.lower() and reports[kind]["digest"] in h


def test_markdown_and_csv_carry_the_members_and_passages(reports: dict[str, dict]) -> None:
    r = reports["cluster"]
    c = r["cluster"]
    text = render(r, "md")
    assert text.startswith(f"# Cluster {c['cluster_id']}")
    for m in c["members"]:
        assert m["content_hash"] in text
    files = render(r, "csv")
    assert {"summary.csv", "members.csv", "links.csv", "passages.csv", "credits.csv", "provenance.csv"} <= set(files)
    members = list(csv.DictReader(io.StringIO(files["members.csv"])))
    assert [m["article_id"] for m in members] == [m["article_id"] for m in c["members"]]
    assert [m["content_hash"] for m in members] == [m["content_hash"] for m in c["members"]]
    assert {m["cluster_id"] for m in members} == {str(c["cluster_id"])}
    passages = list(csv.DictReader(io.StringIO(files["passages.csv"])))
    assert len(passages) == sum(len(ln["passages"]) for ln in c["links"])
    prov = dict((row["field"], row["value"]) for row in csv.DictReader(io.StringIO(files["provenance.csv"])))
    assert prov["digest"] == r["digest"] and prov["store_version"] == str(r["generated"]["store_version"])
    for kind in ("outlet", "agency", "corpus"):
        assert render(reports[kind], "md")
        assert "provenance.csv" in render(reports[kind], "csv")


def test_csv_headers_are_fixed_by_the_schema(reports: dict[str, dict], hostile_store: Store) -> None:
    """Tables of different reports concatenate: same files, same header, even when a table is empty."""
    def headers(r: dict) -> dict[str, str]:
        return {name: text.splitlines()[0] for name, text in render(r, "csv").items()}

    a, b = headers(reports["cluster"]), headers(build_report(hostile_store, cluster=0))
    assert a == b
    assert a["members.csv"].startswith("cluster_id,article_id,") and "content_hash" in a["members.csv"]
    assert "pair_jaccard" in a["links.csv"] and "alignment_shared_tokens" in a["links.csv"]
    empty = copy.deepcopy(reports["outlet"])
    empty["outlet"]["uncredited_copies"] = []
    assert headers(empty) == headers(reports["outlet"])


def _nonblank_fraction(pdf: Path, tmp: Path, page: int = 1) -> float:
    """Share of non-white pixels on a page, rendered by pdftoppm as 8-bit grey PGM."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.fail("pdftoppm is missing: install Debian's poppler-utils (make sysdeps)")
    subprocess.run([tool, "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(pdf), str(tmp / "pg")],
                   check=True, capture_output=True)
    (out,) = sorted(tmp.glob("pg*.pgm"))
    data = out.read_bytes()
    out.unlink()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m, "pdftoppm did not write a binary PGM"
    w, h = int(m.group(1)), int(m.group(2))
    pixels = data[m.end(): m.end() + w * h]
    assert len(pixels) == w * h
    return sum(1 for b in pixels if b < 200) / (w * h)


@pytest.mark.slow
def test_pdf_renders_pages_with_ink(reports: dict[str, dict], tmp_path: Path) -> None:
    for kind in ("cluster", "outlet"):
        path = write_report(reports[kind], "pdf", tmp_path / f"{kind}.pdf")
        data = path.read_bytes()
        assert data.startswith(b"%PDF-")
        frac = _nonblank_fraction(path, tmp_path)
        assert 0.01 < frac < 0.6, f"{kind} page 1 looks blank or solid ({frac:.3f})"


def test_every_format_writes_for_every_kind(reports: dict[str, dict], tmp_path: Path) -> None:
    for kind, r in reports.items():
        for fmt in ("html", "json", "md", "csv"):
            p = write_report(r, fmt, tmp_path / f"{kind}{FORMATS[fmt]}")
            if fmt == "csv":
                assert p.is_dir() and (p / "provenance.csv").is_file()
            else:
                assert p.is_file() and p.stat().st_size > 200
    assert not list(tmp_path.glob(".tmp-*")), "atomic writes leave no temp files"


@pytest.mark.parametrize(("script", "char"), [("Han", "6606"), ("Devanagari", "0915")])
def test_pdf_fonts_cover_the_sample_scripts(script: str, char: str) -> None:
    """WeasyPrint draws with fontconfig's fonts: without one covering a script, its text prints as boxes."""
    tool = shutil.which("fc-list")
    assert tool, "fontconfig (fc-list) is missing"
    fams = subprocess.run([tool, f":charset={char}", "family"], capture_output=True, text=True, check=True).stdout
    assert fams.strip(), (f"no font covers {script} (U+{char.upper()}): install Debian's fonts-droid-fallback "
                          "and fonts-lohit-deva (make sysdeps)")


# ----------------------------------------------------------------------------------------------
# Hostile text stays inert
# ----------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_text_is_inert_in_html(hostile_store: Store) -> None:
    r = build_report(hostile_store, cluster=0)
    validate(r)
    for rep in (r, build_report(hostile_store, outlet=EVIL_OUTLET), build_report(hostile_store, agency="IANS"),
                build_report(hostile_store, all=True)):
        html = render(rep, "html")
        p = _Tags()
        p.feed(html)
        assert "script" not in p.tags
        assert "img" not in p.tags and "b" in p.tags  # our own <b> labels only
        assert not [a for a, _ in p.attrs if a.lower().startswith("on")], "no event handler attribute"
        hrefs = [v for a, v in p.attrs if a == "href"]
        assert all(v and (v.startswith(("http://", "https://")) or not re.match(r"^\w+:", v)) for v in hrefs)
        assert not any("javascript:" in (v or "").lower() for _, v in p.attrs)
        text = "".join(p.text)
        if rep is r:
            assert "<script>alert(1)</script>" in text  # the title shows, as text
            assert "<img src=x onerror=alert(1)>" in text
            assert EVIL_OUTLET in text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            svg = html[html.index("<svg"): html.index("</svg>")]
            assert "onmouseover" not in re.sub(r"&lt;.*?&gt;", "", svg.replace("&lt;b onmouseover", ""))


def test_hostile_text_is_inert_in_markdown_and_csv(hostile_store: Store) -> None:
    r = build_report(hostile_store, cluster=0)
    text = render(r, "md")
    assert "<script" not in text and "<img" not in text and "<svg" not in text and "<b " not in text
    assert "&lt;script&gt;" in text
    assert md("[x](javascript:alert(1))") == r"\[x\](javascript:alert(1))"
    assert md("a|b *c* `d` <e> &f") == r"a\|b \*c\* \`d\` &lt;e&gt; &amp;f"
    files = render(r, "csv")
    rows = list(csv.DictReader(io.StringIO(files["members.csv"])))
    titles = {row["article_id"]: row["title"] for row in rows}
    assert titles["copy-1"].startswith("'=HYPERLINK(")
    assert neutralize("-1+2") == "'-1+2" and neutralize(-3) == -3 and neutralize("@SUM(A1)") == "'@SUM(A1)"


@pytest.mark.slow
def test_hostile_text_prints_as_text_in_pdf(hostile_store: Store, tmp_path: Path) -> None:
    r = build_report(hostile_store, cluster=0)
    pdf = write_report(r, "pdf", tmp_path / "hostile.pdf")
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (make sysdeps)")
    out = subprocess.run([tool, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "<script>alert(1)</script>" in out
    assert f"digest sha256:{r['digest'][:16]}" in out  # every printed page carries the digest
    assert _nonblank_fraction(pdf, tmp_path) > 0.01


# ----------------------------------------------------------------------------------------------
# Safe paths
# ----------------------------------------------------------------------------------------------

HOSTILE_NAMES = ["..", ".", "", "../../etc/passwd", "/etc/passwd", "a/b", "a\\b", "C:\\Windows", "CON", "nul.txt",
                 "x\x00y", " .hidden", "ü" * 300, "名前", "a" * 500, "-rf", "~root", "$(rm -rf /)", "a_b"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_safe_name_is_one_harmless_component(name: str, tmp_path: Path) -> None:
    s = safe_name(name)
    assert SAFE.match(s) and s not in (".", "..") and len(s) <= 80
    assert s.split(".")[0].lower() not in ("con", "nul", "prn", "aux")
    p = safe_join(tmp_path, "outlets", s + ".html")
    assert tmp_path.resolve() in p.resolve().parents


def test_safe_names_stay_distinct() -> None:
    names = ["a/b", "a_b", "a\\b", "a b", "A/B", "Daily Example", "Daily_Example"]
    assert len({safe_name(n) for n in names}) == len(names)
    assert safe_name("Reuters") == "Reuters" and safe_name(42, prefix="cluster-") == "cluster-42"


@given(st.text(max_size=120))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_a_safe_name(name: str) -> None:
    s = safe_name(name)
    assert SAFE.match(s) and s not in (".", "..") and len(s) <= 80


def test_entity_paths_differ_on_case_insensitive_file_systems(tmp_path: Path) -> None:
    used: set[str] = set()
    a = entity_path(tmp_path, "outlet", "Daily News", "html", used=used)
    b = entity_path(tmp_path, "outlet", "daily news", "html", used=used)
    c = entity_path(tmp_path, "cluster", 7, "csv", used=used)
    assert a.name.casefold() != b.name.casefold() and a.parent == b.parent == tmp_path / "outlets"
    assert c == tmp_path / "clusters" / "cluster-7"


def test_safe_join_refuses_escapes(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    for bad in ("..", ".", "", "/etc", "a/b", "..\\x", "x\x00", "C:evil"):
        with pytest.raises(UnsafePathError):
            safe_join(root, bad)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, root / "clusters")
    with pytest.raises(UnsafePathError):
        safe_join(root, "clusters", "cluster-1.html")
    with pytest.raises(UnsafePathError):
        entity_path(root, "cluster", 1, "html")


def test_cli_all_writes_only_inside_the_folder(hostile_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    res = CliRunner().invoke(report, ["--store", str(hostile_store.path), "--all", "--format", "md", "--out",
                                      str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(out in p.parents for p in written)
    assert not (tmp_path / "etc").exists()
    for p in written:
        assert all(SAFE.match(part) for part in p.relative_to(out).parts)
    idx = (out / "index.md").read_text(encoding="utf-8")
    files = {p.relative_to(out).as_posix() for p in written} - {"index.md"}
    assert {f for f in files if f.startswith("clusters/")} == {"clusters/cluster-0.md"}
    assert all(f.startswith(("clusters/", "outlets/", "agencies/")) for f in files)
    assert len([f for f in files if f.startswith("outlets/")]) == 3
    assert "agencies/IANS.md" in files
    for f in files:
        assert f in idx
    # JSON --all: the index lists every file and validates.
    res = CliRunner().invoke(report, ["--store", str(hostile_store.path), "--all", "--format", "json", "--out",
                                      str(tmp_path / "j"), "--quiet"])
    assert res.exit_code == 0, res.output
    index = json.loads((tmp_path / "j" / "index.json").read_text(encoding="utf-8"))
    validate(index)
    assert sorted(f["file"] for f in index["corpus"]["files"]) == sorted(
        p.relative_to(tmp_path / "j").as_posix() for p in (tmp_path / "j").rglob("*.json") if p.name != "index.json")
    for f in index["corpus"]["files"]:
        validate(json.loads((tmp_path / "j" / f["file"]).read_text(encoding="utf-8")))


def test_cli_single_reports_and_errors(hostile_store: Store, tmp_path: Path) -> None:
    run = CliRunner().invoke
    s = str(hostile_store.path)
    res = run(report, ["--store", s, "--cluster", "0", "--format", "html", "--out", str(tmp_path / "c.html")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "c.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # --out a folder: the file name comes from the (hostile) outlet name, made safe.
    folder = tmp_path / "dir"
    folder.mkdir()
    res = run(report, ["--store", s, "--outlet", EVIL_OUTLET, "--format", "json", "--out", str(folder)])
    assert res.exit_code == 0, res.output
    (only,) = list(folder.iterdir())
    assert SAFE.match(only.name) and only.suffix == ".json"
    res = run(report, ["--store", s, "--agency", "ians", "--format", "csv", "--out", str(tmp_path / "ag")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ag" / "republishers.csv").is_file()
    res = run(report, ["--store", s, "--cluster", "999", "--format", "md", "--out", str(tmp_path / "x.md")])
    assert res.exit_code == 1 and "no cluster 999" in res.output
    res = run(report, ["--store", s, "--cluster", "0", "--outlet", "IANS", "--out", str(tmp_path / "y")])
    assert res.exit_code == 2 and "exactly one" in res.output
    res = run(report, ["--store", str(tmp_path / "missing.duckdb"), "--all", "--out", str(tmp_path / "z")])
    assert res.exit_code == 1 and "no store" in res.output


def test_all_streams_one_entity_at_a_time(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[tuple[str, object]] = []
    real = report_model._one

    def spy(ctx, kind, key, now):  # type: ignore[no-untyped-def]
        built.append((kind, key))
        return real(ctx, kind, key, now)

    monkeypatch.setattr(report_model, "_one", spy)
    counts: dict[str, int] = {}
    it = iter_reports(store, counts=counts)
    kind, key, first = next(it)
    assert len(built) == 1 and (kind, key) == built[0] and kind == "cluster"
    assert counts["cluster"] == store.query("SELECT count(DISTINCT cluster_id) AS n FROM clusters")["n"][0]
    assert counts["outlet"] == store.query("SELECT count(DISTINCT outlet) AS n FROM articles")["n"][0]
    kind2, _, _ = next(it)
    assert len(built) == 2
    it.close()


# ----------------------------------------------------------------------------------------------
# Charts
# ----------------------------------------------------------------------------------------------


def test_chain_graph_stays_page_sized_and_escaped() -> None:
    from provenance.report.svg import GraphEdge, GraphNode, chain_graph

    nodes = [GraphNode(id="root", label="<script>x</script>", status="origin", depth=0)]
    nodes += [GraphNode(id=f"c{i}", label=f"outlet {i} \" onload=\"x", status="uncredited" if i % 3 else "credited",
                        depth=1 + (i >= 400), order=i) for i in range(500)]
    edges = [GraphEdge("root", f"c{i}", "credited") for i in range(400)]
    edges += [GraphEdge("c0", f"c{i}", "uncredited", edited=True) for i in range(400, 500)]
    svg = chain_graph(nodes, edges, max_per_column=18)
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert m and float(m.group(2)) < 18 * 50 + 80  # height bounded by the column cap
    assert "+383 more" in svg and "+83 more" in svg and "466 more articles are not drawn" in svg
    assert "<script" not in svg and "&lt;script&gt;" in svg
    p = _Tags()
    p.feed(svg)
    assert not [a for a, _ in p.attrs if a.lower().startswith("on")]
    assert svg.count("<rect") == 1 + 17 + 1 + 17 + 1  # root, 17 + "more" per column


def test_timeline_and_bars_draw_every_point() -> None:
    from provenance.report.svg import lag_bin_counts, lag_histogram, stacked_bars, timeline

    t0 = datetime(2025, 1, 1, 6, tzinfo=UTC)
    from datetime import timedelta

    pts = [(t0 + timedelta(minutes=7 * i), "credited" if i % 2 else "uncredited", f"<b>{i}</b>") for i in range(30)]
    svg = timeline(pts, missing=2)
    assert svg.count("<circle") == 30 and "2 without a publication time" in svg and "<b>" not in svg
    assert timeline([]) == ""
    bins = lag_bin_counts([-5, 0, 10, 20, 90, 200, 400, 2000, 5000, None])
    # A negative lag is a contradiction between times, not a speed: counted in no bin, and the
    # empty "< 0" bin is not drawn.
    assert [c for _, c in bins] == [0, 2, 1, 1, 1, 1, 1, 1]
    assert lag_histogram(bins).count("<rect") == 7
    bars = stacked_bars([("<i>a</i>", {"credited": 3, "uncredited": 2}), ("b", {"miscredited": 1, "unknown": 1})])
    assert "&lt;i&gt;a&lt;/i&gt;" in bars and bars.count("<rect") == 4 + 4
    assert ">5</text>" in bars and ">2</text>" in bars


def test_reports_on_a_store_without_lineage(hostile_store: Store, tmp_path: Path) -> None:
    """A store written before lineage existed still reports: verified pairs stand in for links."""
    import duckdb

    path = tmp_path / "old.duckdb"
    shutil.copy(hostile_store.path, path)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE lineage").fetchall()
    con.execute("DROP TABLE external_nodes").fetchall()
    con.close()
    old = Store(path)
    r = build_report(old, cluster=0)
    validate(r)
    c = r["cluster"]
    assert c["lineage_available"] is False
    assert [m["article_id"] for m in c["members"] if m["is_origin"]] == ["wire-1"]
    assert {ln["child"]: ln["parent"] for ln in c["links"]} == {"copy-1": "wire-1", "copy-2": "wire-1"}
    assert all(ln["relation"] == "pair" and ln["status"] == "unknown" and ln["passages"] for ln in c["links"])
    for rep in (r, build_report(old, outlet="Daily Example"), build_report(old, agency="IANS"),
                build_report(old, all=True)):
        validate(rep)
        for fmt in ("html", "md", "csv", "json"):
            assert render(rep, fmt)
    assert build_report(old, outlet="Daily Example")["outlet"]["copies"] is None


def _png(path: Path) -> Path:
    """A 4x4 red PNG, written by hand."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


@pytest.mark.slow
def test_pdf_renderer_fetches_nothing(tmp_path: Path) -> None:
    import weasyprint

    from provenance.report.pdf import html_to_pdf

    img = _png(tmp_path / "local.png")
    html = f'<p>text</p><img src="{img.as_uri()}" style="width:40px"><img src="http://127.0.0.1:9/x.png">'
    # The default fetcher would read the local file (the check can fail) ...
    assert b"/Image" in weasyprint.HTML(string=html, base_url=None).write_pdf()
    # ... ours reads nothing and still renders.
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-") and b"/Image" not in pdf


def test_all_does_not_hold_the_store_between_reports(hostile_store: Store, tmp_path: Path) -> None:
    """An ingest can write while --all is between two reports; later reports record the new version."""
    path = tmp_path / "live.duckdb"
    shutil.copy(hostile_store.path, path)
    live = Store(path)
    before = live.state().version
    it = iter_reports(live)
    kind, key, first = next(it)
    assert (kind, key) == ("cluster", 0) and first["generated"]["store_version"] == before
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"id": "late-1", "outlet": "Late Outlet", "published": "2025-03-05T06:00:00Z",
                                 "title": "Late", "text": WIRE}) + "\n", encoding="utf-8")
    ingest([extra], store=live)  # would wait and fail if the iterator held the file
    rest = list(it)
    assert rest[-1][0] == "corpus"
    assert [r["generated"]["store_version"] for _, _, r in rest] == [before + 1] * len(rest), live.state()
