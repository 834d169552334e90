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
