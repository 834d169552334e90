"""Pairs found on a folder of real web pages, printed so each can be judged by hand.

Why: on real pages a pair can come from site furniture (sidebars, comment
policies, "most read" boxes) instead of a copied story. This script ingests the
folder into a temporary store (or reads an existing one with ``--store``) and
prints every reported pair: both pages, their outlets, whether they are one
outlet (hosts with one registrable name, ``news.x.com`` and ``sport.x.com``),
the pair's figures, the lineage relation and credit status of the child, and
the start of the longest passage they share, so the judge sees what they share.

    .venv/bin/python benchmarks/real_pages.py DRAGNET/dragnet_data/input [--store S] [--snippet 160]

The page texts are third-party: the output is for reading, never for the repo.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import polars as pl

from provenance.detect.align import aligned_passages
from provenance.engine.pipeline import ingest
from provenance.extract.clean import outlet_key
from provenance.store import Store


def pairs_report(store: Store, snippet: int = 160) -> pl.DataFrame:
    """One row per stored pair: pages, outlets, same outlet, figures, child's lineage, shared snippet."""
    arts = store.table("articles", columns=["doc", "article_id", "locator", "outlet", "text"])
    pairs = store.query("SELECT a_doc, b_doc, shared_shingles, jaccard FROM pairs")
    lin = store.table("lineage", columns=["article_id", "parent_id", "relation", "credited", "confidence"])
    rows = []
    by_doc = {r["doc"]: r for r in arts.iter_rows(named=True)}
    for p in pairs.iter_rows(named=True):
        a, b = by_doc[p["a_doc"]], by_doc[p["b_doc"]]
        pas = aligned_passages(a["text"], b["text"])
        snip = ""
        if pas.height:
            best = pas.sort("n_tokens", descending=True).row(0, named=True)
            snip = a["text"][best["a_start"] : best["a_end"]].replace("\n", " ")
            snip = snip[:snippet] + ("…" if len(snip) > snippet else "")
        rows.append(
            {
                "a": a["locator"], "b": b["locator"], "a_outlet": a["outlet"], "b_outlet": b["outlet"],
                "same_outlet": a["outlet"] is not None and outlet_key(a["outlet"]) == outlet_key(b["outlet"]),
                "shared": p["shared_shingles"], "jaccard": round(p["jaccard"], 3), "snippet": snip,
                "a_id": a["article_id"], "b_id": b["article_id"],
            }
        )
    out = pl.DataFrame(rows, schema={
        "a": pl.String, "b": pl.String, "a_outlet": pl.String, "b_outlet": pl.String, "same_outlet": pl.Boolean,
        "shared": pl.Int64, "jaccard": pl.Float64, "snippet": pl.String, "a_id": pl.String, "b_id": pl.String,
    })
    # The lineage of whichever page of the pair names the other as parent (else of b).
    child = out.join(lin, left_on="b_id", right_on="article_id", how="left")
    return child.select(
        "a", "b", "a_outlet", "b_outlet", "same_outlet", "shared", "jaccard", "relation", "credited",
        "confidence", "snippet",
    ).sort("a", "b")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", help="folder of .html pages (Dragnet: dragnet_data/input)")
    ap.add_argument("--store", help="use (or create) this store instead of a temporary one")
    ap.add_argument("--snippet", type=int, default=160)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.store) if args.store else Path(tmp) / "pages.duckdb"
        store = Store(path)
        if args.folder and not (args.store and path.exists()):
            ingest([args.folder], store=store)
        rep = pairs_report(store, args.snippet)
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=args.snippet + 10, tbl_width_chars=400):
            for r in rep.iter_rows(named=True):
                print(
                    f"{r['a']} ({r['a_outlet']}) ~ {r['b']} ({r['b_outlet']}) same_outlet={r['same_outlet']} "
                    f"shared={r['shared']} j={r['jaccard']} rel={r['relation']} credited={r['credited']} "
                    f"conf={r['confidence']}\n    {r['snippet']}"
                )
        print(f"pairs: {rep.height}; inside one outlet: {rep['same_outlet'].sum()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
