"""Rewrite detection and grading on real labelled text, next to a word n-gram containment baseline.

The corpora are third-party (research use only) and stay outside the repository; pass their paths.

  python benchmarks/real_text.py meter DIR [--set KEY=VALUE ...]
      DIR holds showbiz.jsonl and showbiz_labels.jsonl, as written by
      `../shared/eval/meter_showbiz.py prepare METER_DIR DIR` (METER's showbiz domain only: its courts
      domain is reserved for independent measurement and never read here).
  python benchmarks/real_text.py clough DIR
      DIR is Clough & Stevenson's corpus-20090418 folder (answers g*_task*.txt, sources orig_task*.txt);
      the category of each answer is read from its file name list in DIR/../corpus-final09.xls when
      xlrd is installed, else from the table in this script's docstring of the corpus.

For each corpus: the corpus is ingested into a fresh store with `provenance ingest` semantics (the
library call), pairs, sources and lineage are read back, and the figures are printed:
  * derived texts linked to one of their true sources (recall), non-derived texts linked to any source,
    balanced accuracy of derived vs not, 3-class macro-F1 (wholly / partially / non-derived) from
    `lineage.derivation`, and how often the source is the parent (direction);
  * the same figures for the baseline, word 3-gram containment of each text in the union of the sources
    published no later than it (no oracle: it does not know which sources are the text's own), with the
    two thresholds that maximise macro-F1 on this corpus (so the baseline is, if anything, flattered).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from provenance.config import Config
from provenance.engine.pipeline import ingest
from provenance.store import Store

LABELS = ("wholly-derived", "partially-derived", "non-derived")


def figures(truth: list[dict], linked: dict[str, set[str]], grade: dict[str, str]) -> dict[str, float]:
    """truth rows: id, label, sources (the ids it was derived from, or could have been)."""
    der = [t for t in truth if t["label"] != "non-derived"]
    non = [t for t in truth if t["label"] == "non-derived"]
    recall = sum(bool(linked.get(t["id"], set()) & set(t["sources"])) for t in der) / max(1, len(der))
    fp = sum(bool(linked.get(t["id"])) for t in non) / max(1, len(non))
    f1 = {}
    for lab in LABELS:
        pred = {t["id"]: grade.get(t["id"], "non-derived") if linked.get(t["id"]) else "non-derived" for t in truth}
        tp = sum(t["label"] == lab and pred[t["id"]] == lab for t in truth)
        fpn = sum(t["label"] != lab and pred[t["id"]] == lab for t in truth)
        fn = sum(t["label"] == lab and pred[t["id"]] != lab for t in truth)
        f1[lab] = 2 * tp / (2 * tp + fpn + fn) if tp else 0.0
    return {"recall": recall, "non_derived_linked": fp, "balanced_accuracy": (recall + 1 - fp) / 2,
            "macro_f1": sum(f1.values()) / 3, **{f"f1_{k.split('-')[0]}": v for k, v in f1.items()}}


def run_ours(jsonl: Path, truth: list[dict], sources: set[str], config: Config) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        ingest([jsonl], store=store, config=config)
        secs = time.perf_counter() - t0
        pairs = store.table("pairs")
        lin = store.table("lineage")
    linked: dict[str, set[str]] = collections.defaultdict(set)
    for a, b in pairs.select("a", "b").iter_rows():
        if a in sources and b not in sources:
            linked[b].add(a)
        if b in sources and a not in sources:
            linked[a].add(b)
    grade, parent_ok, parent_n = {}, 0, 0
    for aid, parent, der in lin.select("article_id", "parent_id", "derivation").iter_rows():
        grade[aid] = (der or "non_derived").replace("_", "-")
        if parent in sources and aid not in sources:
            linked[aid].add(parent)
            parent_ok += 1
        if aid in sources and parent is not None and parent not in sources:
            parent_n += 1
    out = figures(truth, linked, grade)
    out["direction"] = parent_ok / max(1, parent_ok + parent_n)
    out["seconds"] = secs
    return out


def _grams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def run_baseline(docs: dict[str, dict], truth: list[dict], sources: set[str], *, window_days: float = 3.0) -> dict:
    """Word 3-gram containment in the union of the sources dated no later than the text (within the
    window), best two thresholds; a text is linked to every such source sharing a 3-gram with it."""
    import datetime as dt

    def day(d: dict) -> dt.date | None:
        p = d.get("published")
        return dt.date.fromisoformat(p[:10]) if p else None

    src_grams = {s: _grams(docs[s]["text"]) for s in sources}
    cont, share_with = {}, {}
    for t in truth:
        d = docs[t["id"]]
        g = _grams(d["text"])
        when = day(d)
        pool = [s for s in sources if when is None or day(docs[s]) is None
                or 0 <= (when - day(docs[s])).days <= window_days]
        union = set().union(*(src_grams[s] for s in pool)) if pool else set()
        cont[t["id"]] = len(g & union) / max(1, len(g))
        share_with[t["id"]] = {s for s in pool if g & src_grams[s]}
    best = None
    for lo in [i / 100 for i in range(2, 80)]:
        for hi in [i / 100 for i in range(int(lo * 100) + 2, 96, 2)]:
            grade = {k: "wholly-derived" if c >= hi else "partially-derived" for k, c in cont.items()}
            linked = {k: (share_with[k] if c >= lo else set()) for k, c in cont.items()}
            f = figures(truth, linked, grade)
            if best is None or f["macro_f1"] > best[0]["macro_f1"]:
                best = (f, lo, hi)
    f, lo, hi = best
    return {**f, "thresholds": f"{lo:.2f}/{hi:.2f}"}


def meter(folder: Path) -> tuple[Path, dict[str, dict], list[dict], set[str]]:
    jsonl = folder / "showbiz.jsonl"
    docs = {d["id"]: d for d in map(json.loads, jsonl.open(encoding="utf-8"))}
    sources = {k for k, d in docs.items() if d["outlet"] == "PA"}
    truth = [{"id": r["newspaper_id"], "label": r["label"], "sources": r["pa_ids"]}
             for r in map(json.loads, (folder / "showbiz_labels.jsonl").open())]
    return jsonl, docs, truth, sources


#: Clough & Stevenson's categories, by file stem, for when the .xls cannot be read.
_CLOUGH_CATEGORY = {"cut": "wholly-derived", "light": "wholly-derived", "heavy": "partially-derived",
                    "non": "non-derived"}


def clough(folder: Path, out: Path) -> tuple[Path, dict[str, dict], list[dict], set[str]]:
    import xlrd  # the labels are an .xls sheet

    book = xlrd.open_workbook(str(folder.parent / "corpus-final09.xls"))
    sheet = book.sheet_by_index(1) if book.nsheets > 1 else book.sheet_by_index(0)
    rows = [sheet.row_values(i) for i in range(sheet.nrows)]
    head = [str(h).strip().lower() for h in rows[0]]
    fi, ci = head.index("file"), head.index("category")
    docs: dict[str, dict] = {}
    for p in sorted(folder.glob("orig_task*.txt")):
        docs[p.stem] = {"id": p.stem, "outlet": "source", "published": "2009-01-01",
                        "text": p.read_bytes().decode("latin-1")}
    truth = []
    for r in rows[1:]:
        stem = str(r[fi]).replace(".txt", "")
        p = folder / f"{stem}.txt"
        if not p.exists():
            continue
        task = re.search(r"task([a-e])", stem).group(1)
        docs[stem] = {"id": stem, "outlet": stem.split("_")[0], "published": "2009-01-02",
                      "text": p.read_bytes().decode("latin-1")}
        truth.append({"id": stem, "label": _CLOUGH_CATEGORY[str(r[ci]).strip()], "sources": [f"orig_task{task}"]})
    jsonl = out / "clough.jsonl"
    jsonl.write_text("".join(json.dumps(d) + "\n" for d in docs.values()), encoding="utf-8")
    return jsonl, docs, truth, {k for k in docs if k.startswith("orig_")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", choices=["meter", "clough"])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a Config field for this run")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args(argv)
    base = Config()
    over = {}
    for kv in args.set:
        k, v = kv.split("=", 1)
        cur = getattr(base, k)
        over[k] = None if v == "none" else (v.lower() == "true" if isinstance(cur, bool) else type(cur or 0.0)(v))
    config = Config(**{**base.to_dict(), **over})
    with tempfile.TemporaryDirectory() as tmp:
        if args.corpus == "meter":
            jsonl, docs, truth, sources = meter(args.folder)
        else:
            jsonl, docs, truth, sources = clough(args.folder, Path(tmp))
        ours = run_ours(jsonl, truth, sources, config)
        base_f = run_baseline(docs, truth, sources)
    result = {"corpus": args.corpus, "texts": len(docs), "labelled": len(truth),
              "labels": dict(collections.Counter(t["label"] for t in truth)), "config": over,
              "ours": ours, "baseline_word3_containment": base_f}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{args.corpus}: {len(docs)} texts, {len(truth)} labelled {result['labels']}  overrides {over or 'none'}")
    print(f"{'measure':<28}{'provenance':>12}{'baseline':>12}")
    for k in ("recall", "non_derived_linked", "balanced_accuracy", "macro_f1", "f1_wholly", "f1_partially",
              "f1_non", "direction"):
        b = base_f.get(k)
        print(f"{k:<28}{ours[k]:>12.3f}{(f'{b:.3f}' if b is not None else '-'):>12}")
    print(f"baseline thresholds (best on this corpus): {base_f['thresholds']}; ingest {ours['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
