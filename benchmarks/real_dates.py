"""Publication dates read from real web pages, scored against dates a person checked.

Why: who copied whom is read from publication times. A copy given an earlier date than its source
turns the chain around, and a page with no date cannot be ordered at all. This scores the
``published_at`` that `provenance ingest` stores for each page against the page's publication day.

The corpus is htmldate's evaluation set (github.com/adbar/htmldate, ``tests/``), kept outside the
repository:
- ``eval_mediacloud_2020.json``: 200 news pages from many countries and languages, 2020, from the Media
  Cloud collection (Data Culture Group, Northeastern University);
- ``eval_default.json``: 800 pages of news sites, blogs and public bodies, mostly German (BBAW).
Each page has the day it was published, checked by hand; only pages with a clear date are in it.

    python benchmarks/real_dates.py TESTS_DIR [--set mediacloud|default|both] [--worst 15] [--json]

Per page, one of:
- right: the same day;
- a day off: one day before or after;
- wrong: further off;
- none: no date stored.

The truth is the page's own calendar day. We store UTC and the offset the page wrote its time in, and
compare the day on the page's clock (``published_at`` + ``published_offset``): a story dated 01:30 in
Kyiv (UTC+3) is on the previous day in UTC. The UTC day is printed too ("provenance, UTC day"). A page
whose metadata gives the time in UTC stays a day off when the checked day is the local one.

Two baselines from the same run, both htmldate (which was developed against this corpus, so its figures
flatter it):
- ``find_date`` with its defaults (an extensive search, the latest date a page gives);
- ``find_date`` with ``original_date=True`` and no extensive search. This is the call our extraction
  makes through trafilatura when a page declares no date in its metadata.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from real_extraction import ingested

SETS = {"mediacloud": "eval_mediacloud_2020.json", "default": "eval_default.json"}


def load(tests: Path, which: str) -> tuple[dict[str, dict], dict[str, bytes]]:
    """(truth by page key: url, day; page bytes by page key)."""
    truth, pages = {}, {}
    for name in (SETS if which == "both" else {which: SETS[which]}).values():
        for url, item in json.loads((tests / name).read_text(encoding="utf-8")).items():
            if not isinstance(item.get("date"), str):  # five pages marked NaN: no date to find
                continue
            path = next((tests / d / item["file"] for d in ("test_set", "eval", "cache")
                         if (tests / d / item["file"]).is_file()), None)
            if path is None:
                raise SystemExit(f"{url}: page {item['file']} not found under {tests}")
            key = Path(item["file"]).stem
            truth[key] = {"url": url, "day": date.fromisoformat(item["date"])}
            pages[key] = path.read_bytes()
    return truth, pages


def verdict(truth: date, got: date | None) -> str:
    if got is None:
        return "none"
    if got == truth:
        return "right"
    return "a day off" if abs(got - truth) <= timedelta(days=1) else "wrong"


def ours(pages: dict[str, bytes]) -> tuple[dict[str, date | None], dict[str, date | None], float]:
    """(day on the page's clock, UTC day) of each page's stored date, and the seconds."""
    rows, secs = ingested(pages, ["published_at", "published_offset"])
    local = {k: ((r["published_at"] + timedelta(minutes=r["published_offset"] or 0)).date() if r["published_at"]
                 else None) for k, r in rows.items()}
    return local, {k: (r["published_at"].date() if r["published_at"] else None) for k, r in rows.items()}, secs


def htmldate(pages: dict[str, bytes], **kwargs: object) -> tuple[dict[str, date | None], float]:
    from htmldate import find_date

    t0 = time.perf_counter()
    out: dict[str, date | None] = {}
    for k, html in pages.items():
        try:
            d = find_date(html, **kwargs)
        except Exception:  # noqa: BLE001 - a page it cannot read has no date
            d = None
        out[k] = date.fromisoformat(d) if d else None
    return out, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tests", type=Path, help="htmldate's tests folder")
    ap.add_argument("--set", default="both", choices=[*SETS, "both"])
    ap.add_argument("--worst", type=int, default=15, help="list this many pages ours dates wrong")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args(argv)
    truth, pages = load(args.tests, args.set)
    local, utc, secs = ours(pages)
    runs = {
        "provenance": (local, secs),
        "provenance, UTC day": (utc, secs),
        "htmldate defaults": htmldate(pages),
        "htmldate original": htmldate(pages, original_date=True, extensive_search=False),
    }
    kinds = ("right", "a day off", "wrong", "none")
    figures = {}
    for name, (got, secs) in runs.items():
        v = [verdict(t["day"], got.get(k)) for k, t in truth.items()]
        figures[name] = {**{kind: round(v.count(kind) / len(v), 3) for kind in kinds}, "seconds": round(secs, 1)}
    wrong = [
        {"page": k, "url": t["url"], "truth": str(t["day"]), "ours": str(runs["provenance"][0].get(k))}
        for k, t in truth.items() if verdict(t["day"], runs["provenance"][0].get(k)) in ("wrong", "none")
    ][: args.worst]
    if args.json:
        print(json.dumps({"pages": len(truth), "set": args.set, "figures": figures, "wrong": wrong}, indent=1))
        return 0
    print(f"{len(truth)} pages with a checked publication day ({args.set})")
    print(f"{'':20}" + "".join(f"{k:>11}" for k in kinds) + f"{'seconds':>9}")
    for name, f in figures.items():
        print(f"{name:20}" + "".join(f"{f[k]:>11.3f}" for k in kinds) + f"{f['seconds']:>9.1f}")
    print("\npages ours dates wrong or not at all:")
    for w in wrong:
        print(f"  {w['page'][:28]:28} truth {w['truth']}  ours {w['ours']:10}  {w['url'][:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
