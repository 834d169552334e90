"""Article text extracted from real web pages, scored on hand-picked passages that must be kept or dropped.

Why a second extraction benchmark: our cleaning rules (chrome lines, tail headings, "also read" boxes,
titles) were written while reading Zyte's 181 pages (``benchmarks/real_extraction.py``), so that corpus
no longer measures them fairly. This one was never used to write a rule: trafilatura's evaluation
corpus (github.com/adbar/trafilatura, ``tests/evaldata.json`` with the pages under ``tests/eval`` and
``tests/cache``): about a thousand pages of news sites, magazines, blogs and public bodies, mostly German
and English, one page per site. For each page a person picked up to six passages of the main text that
an extractor must keep ("with": the start, the end, quotes and lists inside) and up to six that it must
drop ("without": menus, teasers, footers, comments, dates in the page chrome).

  python benchmarks/real_segments.py TESTS_DIR [--worst 10] [--json]

``TESTS_DIR`` is that repository's ``tests`` folder. Counted per passage, summed over pages:
a kept "with" passage is a true positive, a kept "without" one a false positive; precision, recall and
F1 from those sums. Texts are compared after Unicode NFKC, typographic quotes and dashes made plain,
and whitespace collapsed, so a system is not scored on how it writes an apostrophe.

Three systems from the same run, as in ``real_extraction.py``: what ``provenance ingest`` keeps of each
page (its text; and "+ title", with the title it stores beside the text, since some passages to keep
are headlines), trafilatura's ``extract()`` with its defaults (what our cleaning starts from), and all
the page's text. Two conventions of this corpus differ from ours and cost us passages: reader comments
are to be kept on some blogs (we keep the article, not its comments), and a place dateline opening the
text ("KOBE –") is part of a passage (we move it out of the text, so two copies of one wire story do not
differ by it). trafilatura was developed against this corpus, so its own figure is flattering; what the
comparison shows is what our cleaning adds or costs on top of it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

from real_extraction import all_text, ours_with_titles, trafilatura_default

_PLAIN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
                        "«": '"', "»": '"', "–": "-", "—": "-", "‑": "-", "\u00ad": None})


def plain(text: str) -> str:
    """NFKC, plain quotes and dashes, collapsed whitespace: the form both sides are compared in."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).translate(_PLAIN)).strip()


def load(tests: Path) -> tuple[dict[str, dict], dict[str, bytes]]:
    """(annotations, page bytes), both keyed by the page's file stem."""
    data = json.loads((tests / "evaldata.json").read_text(encoding="utf-8"))
    truth, pages = {}, {}
    for url, item in sorted(data.items()):
        path = next((tests / d / item["file"] for d in ("cache", "eval") if (tests / d / item["file"]).is_file()), None)
        if path is None:
            raise SystemExit(f"{url}: page {item['file']} not found under {tests}/cache or {tests}/eval")
        key = Path(item["file"]).stem
        truth[key] = {"url": url, "with": item["with"], "without": item["without"]}
        pages[key] = path.read_bytes()
    return truth, pages


def counts(item: dict, text: str) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of one page: its "with" passages kept, its "without" passages kept."""
    t = plain(text or "")
    tp = sum(plain(w) in t for w in item["with"])
    fp = sum(plain(w) in t for w in item["without"])
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def scores(truth: dict[str, dict], pred: dict[str, str]) -> tuple[dict[str, float], dict[str, tuple[int, ...]]]:
    """Precision, recall, F1 and accuracy over all passages, and each page's counts."""
    per = {k: counts(item, pred.get(k) or "") for k, item in truth.items()}
    tp, fp, fn, tn = (sum(c[i] for c in per.values()) for i in range(4))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "accuracy": (tp + tn) / max(1, tp + fp + fn + tn),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}, per


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tests", type=Path, help="trafilatura's tests folder (evaldata.json, eval/, cache/)")
    ap.add_argument("--worst", type=int, default=10, help="list this many pages where ours loses most to trafilatura")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args(argv)
    truth, pages = load(args.tests)
    texts, titles, secs = ours_with_titles(pages)
    runs = {
        "provenance": (texts, secs),
        "+ title": ({k: f"{titles.get(k, '')}\n{t}" for k, t in texts.items()}, secs),
        "trafilatura": trafilatura_default(pages),
        "all text": all_text(pages),
    }
    figures, per = {}, {}
    for name, (pred, secs) in runs.items():
        figures[name], per[name] = scores(truth, pred)
        figures[name]["seconds"] = round(secs, 2)
        figures[name]["empty"] = sum(1 for k in truth if not (pred.get(k) or "").strip())

    def cost(k: str) -> int:  # passages ours gets wrong that trafilatura gets right, net
        o, t = per["provenance"][k], per["trafilatura"][k]
        return (o[2] - t[2]) + (o[1] - t[1])

    worst = [
        {"page": k, "url": truth[k]["url"], "ours_fp_fn": per["provenance"][k][1:3],
         "traf_fp_fn": per["trafilatura"][k][1:3]}
        for k in sorted(truth, key=cost, reverse=True)[: args.worst] if cost(k) > 0
    ]
    if args.json:
        print(json.dumps({"pages": len(truth), "figures": figures, "worst": worst}, indent=1))
        return 0
    n_with = sum(len(t["with"]) for t in truth.values())
    n_without = sum(len(t["without"]) for t in truth.values())
    print(f"{len(truth)} pages; {n_with} passages to keep, {n_without} to drop")
    print(f"{'':14}{'precision':>10}{'recall':>9}{'F1':>8}{'accuracy':>10}{'empty':>7}{'seconds':>9}")
    for name, f in figures.items():
        print(f"{name:14}{f['precision']:>10.3f}{f['recall']:>9.3f}{f['f1']:>8.3f}{f['accuracy']:>10.3f}"
              f"{f['empty']:>7}{f['seconds']:>9.1f}")
    print("\npages where ours gets more passages wrong than trafilatura's defaults (false kept, false dropped):")
    for w in worst:
        print(f"  {w['page'][:34]:34} ours {w['ours_fp_fn']}  trafilatura {w['traf_fp_fn']}  {w['url'][:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
