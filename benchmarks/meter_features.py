"""How far surface measures separate derived from non-derived stories on METER showbiz (out of sample).

The question behind issue 16's gap: is the sourced share a poor measure, or do surface measures of shared
text not separate the journalists' labels any better? For each labelled story this script measures

  * ``share``: our sourced share (``sourced.sourced_share`` after a real ingest of the corpus);
  * ``narration``: the sourced tokens outside quotation marks;
  * ``c1``, ``c2``, ``c3``, ``c5``: word n-gram containment of the story in the union of the wire texts
    dated no later than it (within 3 days; no oracle), ``c1`` on content words (4+ letters, not stop words);
  * ``idf1``: word containment weighted by inverse document frequency over the whole corpus (shared rare
    words count more); ``fw3`` / ``cw3``: 3-gram containment of the story's 3-grams made mostly of short
    or stop words (the narration's glue) / of the others (names, content);
  * ``wcov``: the share of the best single wire text's 3-grams the story holds (how much of the wire it
    carries, not how much of it is wire);
  * ``contrast``: ``c3`` over the story's 3-gram containment in its closest other newspaper story of the
    day before, the day or the day after (independent stories of one event share with each other what
    they share with the wire); ``length``: the story's words;

and prints the balanced accuracy of a class-balanced logistic regression on each set of measures,
cross-validated (5 folds, 5 shuffles): what a model fitted on those measures reaches on stories it did
not see. Needs scikit-learn (the ``bench`` extra).

    python benchmarks/meter_features.py DIR    # DIR as written by ../shared/eval/meter_showbiz.py prepare

The corpus is third-party (research use only) and stays outside the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_text import meter  # noqa: E402  (the same corpus reader as the main benchmark)

from provenance.engine.pipeline import ingest  # noqa: E402
from provenance.store import Store  # noqa: E402

STOP = frozenset(
    ["the", "and", "but", "for", "with", "from", "that", "this", "these", "those", "have", "has", "had", "was", "were", "been", "are", "will", "would", "could", "should", "said", "says", "about", "after", "before", "into", "over", "than", "then", "there", "which", "who", "whom", "what", "when", "where", "while", "also", "more", "most", "some", "such", "very", "just", "only", "other", "they", "their", "them", "your"]
)
SETS = (("share",), ("narration",), ("c1",), ("c2",), ("c3",), ("c5",), ("idf1",), ("fw3",), ("cw3",), ("wcov",),
        ("contrast",), ("share", "narration"), ("share", "c1"), ("share", "c1", "c2", "c3"), ("c1", "c2", "c3", "c5"),
        ("share", "narration", "c1", "c3", "c5"), ("share", "idf1"), ("share", "fw3"), ("share", "wcov"),
        ("share", "contrast"), ("share", "length"), ("share", "fw3", "wcov", "contrast"))


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def measures(folder: Path) -> tuple[list[dict[str, float]], np.ndarray]:
    """One row of measures per labelled story, and whether it is derived."""
    jsonl, docs, truth, sources = meter(folder)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "m.duckdb")
        ingest([jsonl], store=store)
        ours = {r["article_id"]: r for r in store.table("sourced").iter_rows(named=True)}
    words = {k: re.findall(r"\w+", d["text"].lower()) for k, d in docs.items()}
    day = {k: dt.date.fromisoformat(d["published"][:10]) for k, d in docs.items()}
    df = Counter(w for ws in words.values() for w in set(ws))
    idf = {w: math.log(len(words) / (1 + c)) for w, c in df.items()}
    glue = lambda g: sum(w in STOP or len(w) <= 3 for w in g) >= 2  # noqa: E731
    stories = [t["id"] for t in truth]
    rows = []
    for t in truth:
        k = t["id"]
        pool = [s for s in sources if 0 <= (day[k] - day[s]).days <= 3]
        row = {"share": (ours.get(k) or {}).get("sourced_share") or 0.0,
               "narration": float((ours.get(k) or {}).get("narration_tokens") or 0), "length": float(len(words[k]))}
        for n in (1, 2, 3, 5):
            pick = (lambda ws: [w for w in ws if len(w) > 3 and w not in STOP]) if n == 1 else (lambda ws: ws)
            mine = _grams(pick(words[k]), n)
            union = set().union(*(_grams(pick(words[s]), n) for s in pool)) if pool else set()
            row[f"c{n}"] = len(mine & union) / max(1, len(mine))
        mine3 = _grams(words[k], 3)
        union3 = set().union(*(_grams(words[s], 3) for s in pool)) if pool else set()
        union1 = set().union(*(words[s] for s in pool)) if pool else set()
        own = set(words[k])
        row["idf1"] = sum(idf[w] for w in own & union1) / max(1e-9, sum(idf[w] for w in own))
        for name, part in (("fw3", {g for g in mine3 if glue(g)}), ("cw3", {g for g in mine3 if not glue(g)})):
            row[name] = len(part & union3) / max(1, len(part))
        row["wcov"] = max((len(mine3 & (g := _grams(words[s], 3))) / max(1, len(g)) for s in pool), default=0.0)
        near = [len(mine3 & _grams(words[o], 3)) / max(1, len(mine3)) for o in stories
                if o != k and abs((day[k] - day[o]).days) <= 1]
        row["contrast"] = row["c3"] / max(0.01, max(near, default=0.0))
        rows.append(row)
    return rows, np.array([t["label"] != "non-derived" for t in truth])


def cv_balanced_accuracy(x: np.ndarray, y: np.ndarray, *, shuffles: int = 5) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    scores = []
    for seed in range(shuffles):
        p = cross_val_predict(LogisticRegression(class_weight="balanced"), x, y,
                              cv=StratifiedKFold(5, shuffle=True, random_state=seed)).astype(bool)
        scores.append(((p & y).sum() / y.sum() + (~p & ~y).sum() / (~y).sum()) / 2)
    return float(np.mean(scores))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="the prepared METER showbiz folder")
    args = ap.parse_args(argv)
    rows, y = measures(args.folder)
    print(f"{len(rows)} stories, {int(y.sum())} derived; balanced accuracy out of sample (5x5-fold CV)")
    for names in SETS:
        x = np.log1p(10 * np.array([[r[n] for n in names] for r in rows]))  # shares and counts on one scale
        print(f"  {' + '.join(names):<40} {cv_balanced_accuracy(x, y):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
