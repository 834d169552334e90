"""Copyright lines credit the page (a false "uncredited" is the worst thing the tool can say); staff
bylines on agency copy are flagged. All texts are invented."""

from __future__ import annotations

from tests.test_lineage import TITLE, WIRE_TEXT, art, row, run

AP_LINE = "© 2024 The Associated Press. All rights reserved."


def test_copyright_line_credits_the_copy() -> None:
    rows = [
        art("a", "dailyexample.in", WIRE_TEXT, minutes=30, raw_text=f"{TITLE}\n\nBy The Associated Press\n\n{WIRE_TEXT}"),
        art("b", "citywire.example", WIRE_TEXT, minutes=40, raw_text=f"{TITLE}\n\n{WIRE_TEXT}\n\n{AP_LINE}"),
    ]
    lin, _, t = run(rows)
    cr = t["credits"].filter(t["credits"]["article_id"] == "b")
    assert ("AP", "copyright") in set(zip(cr["source"], cr["role"], strict=True))
    b = row(lin, "b")
    assert b["credited"] == "credits_intermediary"  # credits AP; the text says AP had it from Yonhap


def test_staff_byline_over_agency_copy_is_flagged_and_counted() -> None:
    import json

    import polars as pl

    from provenance.trace.analytics import outlet_profile, outlet_table
    from provenance.trace.attribution import staff_byline

    dated = "NEW DELHI, March 4 (IANS) " + WIRE_TEXT
    rows = [
        art("a", "dailyexample.in", WIRE_TEXT, minutes=30, raw_text=f"{TITLE}\n\nBy IANS\n\n{WIRE_TEXT}"),
        # Staff byline, dateline credits IANS.
        art("s", "cityherald.example", WIRE_TEXT, minutes=40, byline="Staff Reporter", raw_text=dated),
        # Staff byline over a verbatim copy that credits nobody.
        art("v", "cityherald.example", WIRE_TEXT, minutes=50, byline="Express News Service"),
        # A named writer is no mismatch.
        art("n", "cityherald.example", WIRE_TEXT, minutes=60, byline="Meera Nair", raw_text=dated),
    ]
    lin, _, t = run(rows)
    ev = {r["article_id"]: json.loads(r["evidence"]) for r in lin.iter_rows(named=True)}
    assert "credits IANS" in ev["s"]["byline_mismatch"] and row(lin, "s")["credited"] != "uncredited"
    assert "verbatim copy of IANS" in ev["v"]["byline_mismatch"]
    assert "byline_mismatch" not in ev["n"] and "byline_mismatch" not in ev["a"]
    table = outlet_table(t["articles"], lin)
    assert table.filter(pl.col("outlet") == "cityherald.example")["byline_mismatch"].item() == 2
    assert outlet_profile("cityherald.example", t["articles"], lin)["byline_mismatch"].sum() == 2
    assert staff_byline("By Our Correspondent") and staff_byline("Web Desk") and not staff_byline("Meera Nair")


def test_byline_mismatch_in_outlet_report_and_dashboard(tmp_path) -> None:
    import json

    from dashboard import data
    from provenance.engine.pipeline import ingest
    from provenance.report import build_report
    from provenance.report.json_format import validate
    from provenance.store import Store

    rows = [
        {"id": "a", "outlet": "dailyexample.in", "published": "2025-03-04T06:30:00Z", "title": TITLE,
         "byline": "IANS", "text": WIRE_TEXT},
        {"id": "s", "outlet": "cityherald.example", "published": "2025-03-04T06:40:00Z", "title": TITLE,
         "byline": "Staff Reporter", "text": "NEW DELHI, March 4 (IANS) " + WIRE_TEXT},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    store = Store(tmp_path / "s.duckdb")
    ingest([feed], store=store)
    rep = build_report(store, outlet="cityherald.example")
    validate(rep)
    assert rep["outlet"]["byline_mismatch"] == 1
    prof = data.outlet_profile(str(store.path), store.state().version, "cityherald.example")
    assert prof["byline_mismatch"] == 1
