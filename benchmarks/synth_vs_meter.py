"""How much text the generator's copies share with their sources, next to METER's labelled stories.

Why: issue 16 asks that independent same-event reports stay apart (>= 0.99 on ``bench e2e``) while the
rewrite decision is calibrated on real text. If the generator's independent reports share more with
their event's wire story than METER's non-derived stories share with their wire texts, the two goals
pull apart, and the synthetic figure says more about the generator than about the product. This
script measures both sides with the same measures:

  * ``share``: our sourced share after a real ingest (``sourced.sourced_share``), and ``narration``:
    the sourced tokens outside quotation marks;
  * ``c5`` / ``c3``: word 5- and 3-gram containment of the text in the union of its true sources
    (METER: the story's wire texts, from the labels; generator: its parent, or for an independent
    report the first story of its event);
  * ``derived``: the share the rewrite decision grades derived (``sourced.grade``).

Per METER showbiz label and per generator relation it prints the quartiles of each measure.

    python benchmarks/synth_vs_meter.py DIR [--n 10000] [--seed 1]

DIR as written by ``../shared/eval/meter_showbiz.py prepare`` (showbiz only; the courts domain is
reserved for independent measurement and never read). The corpus is third-party and stays outside
the repository.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_text import _grams, meter  # noqa: E402  (the main benchmark's corpus reader and word n-grams)

from provenance.engine.pipeline import ingest  # noqa: E402
from provenance.store import Store  # noqa: E402
from provenance.tools.synth import generate  # noqa: E402


def _containment(text: str, sources: list[str], n: int) -> float:
    mine = _grams(text, n)
    union = set().union(*(_grams(s, n) for s in sources)) if sources else set()
    return len(mine & union) / max(1, len(mine))


def _sourced(jsonl: Path) -> dict[str, dict]:
    """The ``sourced`` row of every article of ``jsonl`` after a real ingest, by article id."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.duckdb")
        ingest([jsonl], store=store)
        rows = store.table("sourced")
    return {r["article_id"]: r for r in rows.iter_rows(named=True)}


def _row(text: str, sources: list[str], sourced: dict | None) -> dict[str, float]:
    s = sourced or {}
    return {"share": s.get("sourced_share") or 0.0, "narration": float(s.get("narration_tokens") or 0),
            "c5": _containment(text, sources, 5), "c3": _containment(text, sources, 3),
            "derived": float((s.get("grade") or "non_derived") != "non_derived")}


def meter_rows(folder: Path) -> dict[str, list[dict[str, float]]]:
    jsonl, docs, truth, _ = meter(folder)
    ours = _sourced(jsonl)
    out: dict[str, list[dict[str, float]]] = {}
    for t in truth:
        out.setdefault(t["label"], []).append(
            _row(docs[t["id"]]["text"], [docs[s]["text"] for s in t["sources"]], ours.get(t["id"])))
    return out


def synth_rows(n: int, seed: int) -> dict[str, list[dict[str, float]]]:
    corpus = generate(n, seed=seed, mode="realistic")
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        corpus.articles.write_ndjson(jsonl)
        ours = _sourced(jsonl)
    text = dict(zip(corpus.articles["id"].to_list(), corpus.articles["text"].to_list(), strict=True))
    truth = corpus.truth
    first_of_event = (truth.filter(pl.col("relation") == "original").group_by("event_id", maintain_order=True)
                      .agg(pl.col("article_id").first()))
    root = dict(zip(first_of_event["event_id"].to_list(), first_of_event["article_id"].to_list(), strict=True))
    out: dict[str, list[dict[str, float]]] = {}
    for t in truth.filter(pl.col("relation") != "original").iter_rows(named=True):
        src = t["parent_id"] or root.get(t["event_id"])
        sources = [text[src]] if src in text else []
        out.setdefault(t["relation"], []).append(_row(text[t["article_id"]], sources, ours.get(t["article_id"])))
    return out


def _print(title: str, groups: dict[str, list[dict[str, float]]]) -> None:
    print(f"{title:<34} {'n':>5}  {'share':<15} {'c5':<15} {'c3':<15} {'narration':<12} derived")
    def q(rows: list[dict[str, float]], key: str, fmt: str) -> str:
        return "/".join(format(x, fmt) for x in np.percentile([r[key] for r in rows], [25, 50, 75]))

    for name, rows in sorted(groups.items()):
        print(f"  {name:<32} {len(rows):>5}  {q(rows, 'share', '.2f'):<15} {q(rows, 'c5', '.2f'):<15} "
              f"{q(rows, 'c3', '.2f'):<15} {q(rows, 'narration', '.0f'):<12} {np.mean([r['derived'] for r in rows]):.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="the prepared METER showbiz folder")
    ap.add_argument("--n", type=int, default=10_000, help="articles in the generated corpus")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    print("quartiles (25/50/75 %); derived = share graded derived by the rewrite decision")
    _print("METER showbiz, by label", meter_rows(args.folder))
    _print(f"generator ({args.n:,}, seed {args.seed}), by relation", synth_rows(args.n, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
