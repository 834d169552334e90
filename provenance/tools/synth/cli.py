"""The command line: ``python -m provenance.tools.synth N OUT ...`` and ``... sample DIR``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from provenance.tools.synth.sample import write_sample
from provenance.tools.synth.schema import DEFAULT_CHUNK
from provenance.tools.synth.writers import generate_to


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sample":
        ap = argparse.ArgumentParser(
            prog="python -m provenance.tools.synth sample",
            description="Regenerate the bundled sample corpus.",
        )
        ap.add_argument("out", nargs="?", default="data/sample")
        a = ap.parse_args(argv[1:])
        stats = write_sample(a.out)
        print(json.dumps(stats, indent=1, ensure_ascii=False))
        return 0
    ap = argparse.ArgumentParser(
        prog="python -m provenance.tools.synth",
        description="Generate a synthetic news corpus with ground truth. "
        "OUT is the articles file (truth goes beside it as <name>.truth.<ext>) or a directory "
        "(articles.<ext> and truth.<ext> inside). 'python -m provenance.tools.synth sample DIR' rewrites the bundled sample.",
    )
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out", help="articles file or directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mode", choices=("fast", "realistic"), default="fast")
    ap.add_argument(
        "--format",
        choices=("jsonl", "parquet"),
        default=None,
        help="default: from OUT's suffix, else parquet",
    )
    ap.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="articles per generated block")
    a = ap.parse_args(argv)
    fmt = a.format
    if fmt is None:
        suf = Path(a.out).suffix.lower()
        fmt = "jsonl" if suf in (".jsonl", ".ndjson") else "parquet"
    info = generate_to(a.out, a.n, seed=a.seed, mode=a.mode, format=fmt, chunk=a.chunk)
    print(
        f"wrote {info['rows']:,} articles to {info['articles']} and truth to {info['truth']} "
        f"in {info['seconds']:.1f}s ({info['articles_per_second']:,.0f} articles/s; generation {info['generate_seconds']:.1f}s)"
    )
    return 0
