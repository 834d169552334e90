"""Lineage quality against synthetic ground truth: a tool, not a pipeline stage (docs/QUALITY.md).

``python -m provenance.tools.lineage_eval 600 --seed 1`` generates a realistic synthetic corpus
(:mod:`provenance.tools.synth`), ingests it through the real pipeline into a temporary store, computes
credits and lineage as the pipeline hands them their inputs, and prints :func:`evaluate`'s JSON.
It lives apart from :mod:`provenance.trace.lineage` so that the stage imports no store, pipeline or
generator (the pipeline imports lineage, not the other way round).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

from provenance.config import Config
from provenance.engine.pipeline import ingest
from provenance.store import Store
from provenance.tools import synth
from provenance.trace.attribution import credits as attribution_credits
from provenance.trace.attribution import load_registry
from provenance.trace.lineage import lineage, reuse_signals

__all__ = ["evaluate", "main"]


def evaluate(
    lineage_df: pl.DataFrame,
    truth: pl.DataFrame,
    *,
    articles: pl.DataFrame,
    pairs: pl.DataFrame,
    external_nodes: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """Accuracy of ``lineage_df`` against :data:`provenance.tools.synth.TRUTH_SCHEMA` truth.

    Returns counts and accuracies: parent (in-corpus parents, external
    parents, roots), origin, relation (where the parent is right), and the
    rewrite-vs-independent separation with the passage signals of each class.
    """
    j = truth.join(lineage_df, on="article_id", how="inner", suffix="_p")
    paired = set(zip(pairs["a"].to_list(), pairs["b"].to_list(), strict=False))
    paired |= {(b, a) for a, b in paired}
    text = dict(zip(articles["article_id"].to_list(), articles["text"].to_list(), strict=False))
    ext_parent: dict[tuple[Any, str], str | None] = {}
    if external_nodes is not None:
        for r in external_nodes.iter_rows(named=True):
            ext_parent[(r["cluster_id"], r["name"])] = r["parent_external"]
    by_id = {r["article_id"]: r for r in lineage_df.iter_rows(named=True)}
    par_of = dict(zip(truth["article_id"].to_list(), truth["parent_id"].to_list(), strict=False))

    def ext_chain(r: dict[str, Any]) -> set[str]:
        top = by_id.get(r["origin_id_p"]) if r["origin_id_p"] else None
        name = (top or {}).get("parent_external")
        out: set[str] = set()
        while name is not None and name not in out:
            out.add(name)
            name = ext_parent.get((r["cluster_id"], name))
        return out

    res: dict[str, Any] = {"articles": j.height}
    n_par = n_par_ok = n_par_paired = n_par_paired_ok = n_indist = 0
    n_ext = n_ext_ok = n_root = n_root_ok = 0
    n_org = n_org_ok = 0
    conf: Counter[tuple[str, str]] = Counter()
    sep = {"rewrite": [0, 0], "independent": [0, 0], "independent_paired": [0, 0]}  # [n, decided right]
    event_members: dict[Any, list[str]] = {}
    for a, e in zip(truth["article_id"].to_list(), truth["event_id"].to_list(), strict=False):
        event_members.setdefault(e, []).append(a)
    sig_rows: list[dict[str, Any]] = []
    roots_by_event = {}
    for r in truth.iter_rows(named=True):
        if r["parent_id"] is None and r["relation"] != "independent":
            roots_by_event.setdefault(r["event_id"], r["article_id"])
    for r in j.iter_rows(named=True):
        rel = r["relation"]
        if r["parent_id"] is not None:
            n_par += 1
            ok = r["parent_id_p"] == r["parent_id"]
            n_par_ok += ok
            if (r["article_id"], r["parent_id"]) in paired:
                n_par_paired += 1
                n_par_paired_ok += ok
            gp = par_of.get(r["parent_id"])
            if gp is not None and text.get(r["parent_id"]) == text.get(gp):
                n_indist += 1
            if ok:
                conf[(rel, r["relation_p"] or "null")] += 1
        elif r["parent_external"] is not None:
            n_ext += 1
            n_ext_ok += r["parent_external_p"] == r["parent_external"]
        else:
            n_root += 1
            n_root_ok += r["parent_id_p"] is None and r["parent_external_p"] is None
        if r["origin_id"] is not None:
            n_org += 1
            n_org_ok += r["origin_id_p"] == r["origin_id"]
        elif r["origin_external"] is not None:
            n_org += 1
            n_org_ok += r["origin_external"] in ext_chain(r)
        if rel == "rewrite" and r["parent_id"] is not None:
            sep["rewrite"][0] += 1
            sep["rewrite"][1] += r["parent_id_p"] is not None or r["parent_external_p"] is not None
            if r["parent_id"] in text:
                sig_rows.append({"class": "rewrite", **reuse_signals(text[r["parent_id"]], text[r["article_id"]])})
        elif rel == "independent":
            sep["independent"][0] += 1
            kept = r["parent_id_p"] is None and r["relation_p"] == "original"
            sep["independent"][1] += kept
            if any((r["article_id"], q) in paired for q in event_members.get(r["event_id"], ())):
                sep["independent_paired"][0] += 1
                sep["independent_paired"][1] += kept
            root = roots_by_event.get(r["event_id"])
            if root in text:
                sig_rows.append({"class": "independent", **reuse_signals(text[root], text[r["article_id"]])})
    res["parent"] = {
        "with_parent_in_corpus": n_par,
        "accuracy": n_par_ok / n_par if n_par else None,
        "pair_verified": n_par_paired,
        "accuracy_given_pair": n_par_paired_ok / n_par_paired if n_par_paired else None,
        "indistinguishable_multi_hop": n_indist,
        "external_parent": n_ext,
        "external_accuracy": n_ext_ok / n_ext if n_ext else None,
        "roots": n_root,
        "roots_accuracy": n_root_ok / n_root if n_root else None,
    }
    res["origin"] = {"n": n_org, "accuracy": n_org_ok / n_org if n_org else None}
    n_rel = sum(conf.values())
    res["relation"] = {
        "n_with_right_parent": n_rel,
        "accuracy": sum(v for (a, b), v in conf.items() if a == b) / n_rel if n_rel else None,
        "confusion": {f"{a}->{b}": v for (a, b), v in sorted(conf.items())},
    }
    res["rewrite_vs_independent"] = {
        "rewrites_given_a_source": sep["rewrite"][0],
        "rewrite_recall": sep["rewrite"][1] / sep["rewrite"][0] if sep["rewrite"][0] else None,
        "independents": sep["independent"][0],
        "independent_kept_original": sep["independent"][1] / sep["independent"][0] if sep["independent"][0] else None,
        "independents_in_a_verified_pair_with_their_event": sep["independent_paired"][0],
        "of_those_kept_original": (
            sep["independent_paired"][1] / sep["independent_paired"][0] if sep["independent_paired"][0] else None
        ),
    }
    if sig_rows:
        sg = pl.DataFrame(sig_rows).with_columns(
            (pl.col("shared") * (1 - pl.col("quoted_share"))).alias("shared_narration"),
        )
        summary = sg.group_by("class", maintain_order=True).agg(
            pl.len().alias("n"),
            pl.col("shared").median().alias("median_shared_tokens"),
            pl.col("shared_narration").median().alias("median_shared_narration"),
            pl.col("quoted_share").median().alias("median_quoted_share"),
            pl.col("longest_run").median().alias("median_longest_run"),
            pl.col("spread").median().alias("median_spread"),
            (pl.col("shared_narration") >= 25).mean().alias("share_narration_ge_25"),
        )
        res["signals"] = {r["class"]: {k: v for k, v in r.items() if k != "class"} for r in summary.iter_rows(named=True)}
    return res


def main(argv: list[str] | None = None) -> int:
    """``python -m provenance.tools.lineage_eval N [--seed S]``: synth corpus → ingest → lineage → accuracy (JSON)."""
    ap = argparse.ArgumentParser(prog="python -m provenance.tools.lineage_eval",
                                 description="measure lineage on a synthetic corpus")
    ap.add_argument("n", type=int, help="articles to generate")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    corpus = synth.generate(args.n, seed=args.seed)
    with tempfile.TemporaryDirectory() as d:
        path, _ = synth.write_jsonl(corpus, Path(d) / "articles.jsonl")
        store = Store(Path(d) / "s.duckdb")
        ingest([path], store=store)
        # As the pipeline hands them to lineage: articles with their doc, in doc order.
        arts = store.query("SELECT * FROM articles ORDER BY doc")
        pairs = store.query("SELECT * FROM pairs ORDER BY a_doc, b_doc")
        clusters = store.table("clusters")
    reg, cfg = load_registry(), Config()
    cred = attribution_credits(arts, registry=reg)
    res = lineage(arts, pairs, clusters, cred, registry=reg, config=cfg)
    out = evaluate(res.lineage, corpus.truth, articles=arts, pairs=pairs, external_nodes=res.external_nodes)
    out = {"n": args.n, "seed": args.seed, **out}
    print(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
