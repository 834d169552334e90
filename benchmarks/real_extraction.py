"""Article text extracted from real news pages, scored against hand-made ground truth.

Why: a pair found on real pages is only as good as the text it is found in. Site chrome left in makes
false pairs between pages of one site; body text cut out loses real copies. This scores what
`provenance ingest` keeps of each page (trafilatura's main text, then our cleaning: chrome lines,
disclaimers, agency datelines kept) against the article body a person marked, next to two baselines
from the same run:

  * ``trafilatura``: trafilatura's own ``extract()`` with its defaults (what our cleaning starts from);
  * ``all text``: every text node of the page's ``<body>``, scripts and styles dropped (no extraction).

The corpus is Zyte's article-extraction benchmark (181 pages of news and blog articles from as many
sites, each with its ``articleBody`` written out by hand; github.com/scrapinghub/article-extraction-benchmark).
It stays outside the repository; pass its folder (``html/*.html.gz`` and ``ground-truth.json``):

  python benchmarks/real_extraction.py DIR [--out OUTDIR] [--pages PAGEDIR] [--worst 10] [--json]

``--pages PAGEDIR`` also writes the pages there as ``KEY.html`` (the folder this script ingests), for
``provenance ingest PAGEDIR`` and ``benchmarks/real_pages.py PAGEDIR`` (the links between outlets'
reports of one event that docs/QUALITY.md judges).

Scoring is the benchmark's own idea, written here: each text is tokenized into words and punctuation
marks, cut into 4-token shingles, and precision / recall are the shared shingles (as multisets) over the
prediction's / the truth's, summed over all pages (micro average); F1 from those sums. ``exact`` is the
share of pages whose prediction holds at least 0.9 of the truth's shingles with precision at least 0.9.
With ``--out OUTDIR`` the predictions are also written as ``OUTDIR/output/NAME.json`` in the
benchmark's format, so its own ``evaluate.py`` can be run on them (from OUTDIR, beside a copy of
``ground-truth.json``). Only one page per site is in this corpus, so our per-outlet chrome learning has
nothing to learn from here: what is measured is trafilatura plus the rules that work page by page.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from provenance.engine.pipeline import ingest
from provenance.store import Store

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def shingles(text: str, k: int = 4) -> collections.Counter:
    """Multiset of ``k``-token shingles (words and punctuation marks, lowercased); short texts: one."""
    toks = _TOKEN.findall(text.lower())
    if len(toks) < k:
        return collections.Counter([tuple(toks)]) if toks else collections.Counter()
    return collections.Counter(tuple(toks[i:i + k]) for i in range(len(toks) - k + 1))


def scores(truth: dict[str, str], pred: dict[str, str]) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """Micro precision / recall / F1 and ``exact`` over pages, and each page's (precision, recall)."""
    tp = fp = fn = exact = 0
    per: dict[str, tuple[float, float]] = {}
    for key, t in truth.items():
        ts, ps = shingles(t), shingles(pred.get(key) or "")
        hit = sum((ts & ps).values())
        np_, nt = sum(ps.values()), sum(ts.values())
        tp, fp, fn = tp + hit, fp + np_ - hit, fn + nt - hit
        p = hit / np_ if np_ else (1.0 if not nt else 0.0)
        r = hit / nt if nt else 1.0
        per[key] = (p, r)
        exact += p >= 0.9 and r >= 0.9
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "exact": exact / max(1, len(truth))}, per


def write_pages(pages: dict[str, str | bytes], folder: Path) -> None:
    """The pages as ``KEY.html`` files in ``folder`` (bytes as they are: the ingest reads their encoding)."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, html in pages.items():
        path = folder / f"{key}.html"
        path.write_bytes(html) if isinstance(html, bytes) else path.write_text(html, encoding="utf-8")


def ours(pages: dict[str, str | bytes]) -> tuple[dict[str, str], float]:
    """Text `provenance ingest` keeps of each page (a folder of ``KEY.html`` files, one store)."""
    texts, _, secs = ours_with_titles(pages)
    return texts, secs


def ours_with_titles(pages: dict[str, str | bytes]) -> tuple[dict[str, str], dict[str, str], float]:
    """(text, title) `provenance ingest` keeps of each page, and the ingest's seconds."""
    rows, secs = ingested(pages, ["text", "title"])
    return ({k: r["text"] or "" for k, r in rows.items()}, {k: r["title"] or "" for k, r in rows.items()}, secs)


def ingested(pages: dict[str, str | bytes], columns: list[str]) -> tuple[dict[str, dict], float]:
    """The stored ``columns`` of each page after `provenance ingest` of them as one folder, and its seconds.

    A page that is the same record as an earlier one (same id and text: one page saved twice) is stored
    once; it gets the row kept for it.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        write_pages(pages, folder)
        store = Store(Path(tmp) / "store.duckdb")
        t0 = time.perf_counter()
        ingest([folder], store=store)
        secs = time.perf_counter() - t0
        arts = store.table("articles", columns=["article_id", "locator", *columns])
        dups = store.query("SELECT locator, detail FROM rejects WHERE reason = 'duplicate_record'")
    by_id = {r["article_id"]: r for r in arts.iter_rows(named=True)}
    rows = {Path(r["locator"]).stem: r for r in by_id.values()}
    for loc, detail in dups.iter_rows():
        m = re.match(r"same id (\S+)", detail or "")
        if m and m.group(1) in by_id:
            rows[Path(loc).stem] = by_id[m.group(1)]
    return rows, secs


def trafilatura_default(pages: dict[str, str | bytes]) -> tuple[dict[str, str], float]:
    from trafilatura import extract

    t0 = time.perf_counter()
    out = {k: extract(h) or "" for k, h in pages.items()}
    return out, time.perf_counter() - t0


def all_text(pages: dict[str, str | bytes]) -> tuple[dict[str, str], float]:
    import lxml.html

    t0 = time.perf_counter()
    out = {}
    for k, h in pages.items():
        try:
            tree = lxml.html.fromstring(h if isinstance(h, bytes) else h.encode("utf-8"))
            for bad in tree.xpath("//script|//style|//noscript|//template"):
                bad.drop_tree()
            body = tree.find("body")
            out[k] = " ".join((body if body is not None else tree).text_content().split())
        except Exception:  # noqa: BLE001 - an unparseable page is an empty prediction
            out[k] = ""
    return out, time.perf_counter() - t0


def load(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    gt = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {k: v.get("articleBody") or "" for k, v in gt.items()}
    pages = {}
    for key in truth:
        raw = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        pages[key] = raw.decode("utf-8", errors="replace")
    return truth, pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path, help="also write predictions in the benchmark's format here")
    ap.add_argument("--pages", type=Path, help="also write the pages here as KEY.html")
    ap.add_argument("--worst", type=int, default=10, help="list this many pages where ours loses most to trafilatura")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args(argv)
    truth, pages = load(args.folder)
    if args.pages:
        write_pages(pages, args.pages)
    runs = {"provenance": ours(pages), "trafilatura": trafilatura_default(pages), "all text": all_text(pages)}
    figures, per = {}, {}
    for name, (pred, secs) in runs.items():
        figures[name], per[name] = scores(truth, pred)
        figures[name]["seconds"] = round(secs, 2)
        figures[name]["empty"] = sum(1 for k in truth if not (pred.get(k) or "").strip())
    if args.out:
        (args.out / "output").mkdir(parents=True, exist_ok=True)
        shutil.copy(args.folder / "ground-truth.json", args.out / "ground-truth.json")
        for name, (pred, _) in runs.items():
            doc = {k: {"articleBody": pred.get(k) or ""} for k in truth}
            (args.out / "output" / f"{name.replace(' ', '_')}.json").write_text(json.dumps(doc), encoding="utf-8")
    # Pages where our cleaning costs most against trafilatura's defaults (recall, then precision).
    loss = sorted(
        truth,
        key=lambda k: (per["provenance"][k][1] - per["trafilatura"][k][1]) + (per["provenance"][k][0] - per["trafilatura"][k][0]),
    )[: args.worst]
    worst = [
        {"page": k, "ours_p": round(per["provenance"][k][0], 3), "ours_r": round(per["provenance"][k][1], 3),
         "traf_p": round(per["trafilatura"][k][0], 3), "traf_r": round(per["trafilatura"][k][1], 3)}
        for k in loss
    ]
    if args.json:
        print(json.dumps({"pages": len(truth), "figures": figures, "worst": worst}, indent=1))
        return 0
    print(f"{len(truth)} pages with hand-marked article bodies")
    print(f"{'':14}{'precision':>10}{'recall':>9}{'F1':>8}{'exact':>8}{'empty':>7}{'seconds':>9}")
    for name, f in figures.items():
        print(f"{name:14}{f['precision']:>10.3f}{f['recall']:>9.3f}{f['f1']:>8.3f}{f['exact']:>8.3f}{f['empty']:>7}{f['seconds']:>9.1f}")
    print("\npages where ours loses most to trafilatura's defaults (precision, recall):")
    for w in worst:
        print(f"  {w['page'][:16]}  ours {w['ours_p']:.3f} {w['ours_r']:.3f}   trafilatura {w['traf_p']:.3f} {w['traf_r']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
