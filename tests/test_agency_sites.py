"""An agency's own site outside the registry: known by its host's labels, by its pages' sign-off and
their opening their clusters, or by the user's declaration; copies hang under its in-corpus page and
the chain continues above it. All texts are invented."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from click.testing import CliRunner

from provenance.cli.main import main
from provenance.engine.pipeline import ingest
from provenance.store import Store
from provenance.trace.attribution import load_registry
from tests.test_lineage import WIRE_TEXT, page

T0 = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
WIRE2 = "\n\n".join([
    "Kyiv, March 5 Grain loading resumed at two southern ports on Wednesday after a three-day pause caused by "
    "damage to a rail bridge that carries most of the cargo to the docks, Yonhap news agency reported quoting "
    "Ukrainian media outlets.",
    "Port officials said about forty wagons of wheat and barley reached the terminals overnight on a detour "
    "through a smaller junction, and that the first vessel was expected to sail by Thursday evening.",
    "Engineers expect the damaged bridge to reopen within a fortnight, though trains will have to cross it at "
    "reduced speed until new supports are installed and tested under load.",
    "Traders said the pause had pushed up local purchase prices slightly, but that exporters had enough stock "
    "in coastal silos to cover contracts for the rest of the month.",
    "The two ports together handled about a third of the region's grain shipments last season, according to "
    "figures published by the regional transport authority.",
])
STORIES = [("Rail tunnel work halted after cave-in", WIRE_TEXT), ("Grain loading resumes at southern ports", WIRE2)]
OUTLETS = ("dailyexample.in", "citywire.example", "morningpost.example")


def _t(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def _html(title: str, text: str, url: str, when: str, byline: str | None) -> str:
    ps = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    by = f"<div class='byline'>{byline}</div>" if byline else ""
    return (f"<html><head><title>{title}</title><link rel='canonical' href='{url}'>"
            f"<meta property='article:published_time' content='{when}'></head>"
            f"<body><article><h1>{title}</h1>{by}{ps}</article></body></html>")


def corpus(agency_host: str, *, html: bool) -> list[dict]:
    """Per story: the agency's page (signed "--IANS", first), then three outlets' credited copies."""
    rows = []
    for k, (title, text) in enumerate(STORIES):
        signed = f"{text}\n\n--IANS"
        url = f"https://{agency_host}/story/{k}"
        t0 = 60 * 24 * k
        if html:
            rows.append({"id": f"ag{k}", "html": _html(title, signed, url, _t(t0), None)})
        else:
            rows.append({"id": f"ag{k}", "url": url, "title": title, "published": _t(t0), "text": signed})
        for j, outlet in enumerate(OUTLETS):
            u = f"https://{outlet}/news/{k}"
            when = _t(t0 + 30 + 10 * j)
            if html:
                rows.append({"id": f"{outlet}-{k}", "html": _html(title, text, u, when, "IANS")})
            else:
                rows.append({"id": f"{outlet}-{k}", "url": u, "published": when, "title": title,
                             "text": page(title, text)})
    return rows


def _ingest(tmp: Path, rows: list[dict], **kw) -> Store:
    feed = tmp / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    store = Store(tmp / "s.duckdb")
    ingest([feed], store=store, **kw)
    return store


def _lineage(store: Store) -> dict[str, dict]:
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        cols = [d[0] for d in con.execute("SELECT * FROM lineage LIMIT 0").description]
        return {r[0]: dict(zip(cols, r, strict=True)) for r in con.execute("SELECT * FROM lineage").fetchall()}
    finally:
        con.close()


def _check_chain(lin: dict[str, dict], why: str) -> None:
    for k in range(len(STORIES)):
        ag = lin[f"ag{k}"]
        ev = json.loads(ag["evidence"])
        assert ev["agency_site"]["agency"] == "IANS" and why in ev["agency_site"]["why"]
        assert ag["parent_id"] is None and ag["parent_external"] == "Yonhap"  # the chain goes on above the page
        for outlet in OUTLETS:
            c = lin[f"{outlet}-{k}"]
            assert c["parent_id"] == f"ag{k}" and c["parent_external"] is None, (outlet, c)
            assert c["via_agency"] == "IANS" and c["credited"] != "uncredited"


def test_host_labels_name_an_agency():
    reg = load_registry()
    assert reg.agency_of_outlet("wire-ians.test") == "IANS"
    assert reg.agency_of_outlet("yonhapnews.co.kr") == "Yonhap"
    assert reg.agency_of_outlet("en.yna.co.kr") == "Yonhap" and reg.agency_of_outlet("ianslive.in") == "IANS"
    assert reg.agency_of_outlet("ap.gov.in") is None  # "AP" is ambiguous: never from a label
    assert reg.agency_of_outlet("dailyexample.in") is None


def test_agency_host_outside_registry_text_pages(tmp_path: Path):
    store = _ingest(tmp_path, corpus("wire-ians.test", html=False))
    _check_chain(_lineage(store), "label 'ians'")


def test_agency_host_outside_registry_html_pages(tmp_path: Path):
    store = _ingest(tmp_path, corpus("wire-ians.test", html=True))
    _check_chain(_lineage(store), "label 'ians'")


def test_agency_site_from_its_sign_off_and_opening_its_clusters(tmp_path: Path):
    store = _ingest(tmp_path, corpus("deskportal.test", html=False))
    _check_chain(_lineage(store), "credit IANS and no other agency")


def test_declared_agency_site_is_kept_in_the_store(tmp_path: Path):
    decl = tmp_path / "mine.toml"
    decl.write_text('[[agency]]\nname = "IANS"\ndomains = ["feedroom.test"]\n')
    rows = corpus("feedroom.test", html=False)
    one_story = [r for r in rows if r["id"].endswith("0")]  # too little for the sign-off rule
    feed = tmp_path / "a.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in one_story))
    res = CliRunner().invoke(main, ["ingest", str(feed), "--store", str(tmp_path / "s.duckdb"), "--quiet",
                                    "--agencies", str(decl)])
    assert res.exit_code == 0, res.output
    store = Store(tmp_path / "s.duckdb")
    assert store.agencies() == [{"name": "IANS", "domains": ["feedroom.test"]}]
    lin = _lineage(store)
    assert "feedroom.test" in json.loads(lin["ag0"]["evidence"])["agency_site"]["why"]
    assert all(lin[f"{o}-0"]["parent_id"] == "ag0" for o in OUTLETS)
    # A later ingest without the file still knows the site.
    rest = tmp_path / "b.jsonl"
    rest.write_text("".join(json.dumps(r) + "\n" for r in rows if r["id"].endswith("1")))
    ingest([rest], store=store)
    assert _lineage(store)["ag1"]["parent_external"] == "Yonhap"
    assert all(_lineage(store)[f"{o}-1"]["parent_id"] == "ag1" for o in OUTLETS)
