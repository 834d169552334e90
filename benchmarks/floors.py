"""What each ingest stage costs at the least on this machine, next to what it takes.

    .venv/bin/python benchmarks/floors.py CORPUS.jsonl [--e2e bench-out/e2e-100000.json] [--json OUT]

CORPUS is a JSONL corpus like the one ``python -m provenance.tools.bench e2e --n 100000`` ingests
(``python -m provenance.tools.synth 100000 DIR/articles.jsonl --mode realistic`` writes it); the
e2e JSON, if given, supplies the stage seconds of a real ingest of it.

Each stage has one pass it cannot avoid: reading and parsing the file, looking at every line of every
text, tokenizing the texts, hashing their shingles, sorting keys to join them, scanning for agency names,
writing the bytes. This script times those primitives here (best of three, one core unless polars uses
more) and prints, per stage, the floor they make for this corpus and the stage's own seconds. A stage far
above its floor has work to lose; one near it can only get faster with less work or more cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
from numba import njit

from provenance.detect.align import TokenIndex
from provenance.trace.attribution import load_registry


def best(fn: Callable[[], object], runs: int = 3) -> float:
    """The fastest of ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


@njit(cache=True)
def _shingle_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    """One 64-bit multiply-xorshift hash per k-token window: the least a shingle costs."""
    n = max(0, ids.shape[0] - k + 1)
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        x = np.uint64(0)
        for j in range(k):
            x = (x ^ np.uint64(ids[i + j])) * np.uint64(0x9E3779B97F4A7C15)
            x ^= x >> np.uint64(31)
        out[i] = x
    return out


@njit(cache=True)
def _word_starts(data: np.ndarray) -> int:
    """Words in UTF-8 ``data``: starts of runs of letters, digits or non-ASCII bytes. Every tokenizer
    reads each byte at least once, so this pass is the least tokenizing can cost."""
    n = 0
    inside = False
    for b in data:
        word = b >= 128 or (48 <= b <= 57) or (65 <= b <= 90) or (97 <= b <= 122)
        if word and not inside:
            n += 1
        inside = word
    return n


def measure(corpus: Path) -> dict[str, dict[str, Any]]:
    """Per primitive: its amount in this corpus, the amount's unit and its seconds here."""
    raw = corpus.read_bytes()
    df = pl.read_ndjson(corpus)
    texts = df["text"].fill_null("")
    text_bytes = int(texts.str.len_bytes().sum())
    out: dict[str, dict[str, Any]] = {}
    out["file read (page cache)"] = {"amount": len(raw), "unit": "bytes", "s": best(corpus.read_bytes)}
    out["JSON parse"] = {"amount": len(raw), "unit": "bytes", "s": best(lambda: pl.read_ndjson(corpus))}
    lines = pl.DataFrame({"t": texts})
    out["split lines, hash each"] = {
        "amount": text_bytes, "unit": "bytes",
        "s": best(lambda: lines.select(pl.col("t").str.split("\n").explode().hash())),
    }
    data = np.frombuffer(texts.to_arrow().buffers()[-1], dtype=np.uint8)[:text_bytes]
    _word_starts(data[:100])  # compiled before timing
    out["find word boundaries (bytes)"] = {
        "amount": text_bytes, "unit": "bytes", "s": best(lambda: _word_starts(data)), "words": _word_starts(data),
    }
    index: list[TokenIndex] = []
    tok = best(lambda: index.append(TokenIndex(texts.to_list())), runs=1)
    ids, _ = index[-1].flat()
    out["our TokenIndex (NFKC, lowercase, ids)"] = {"amount": len(ids), "unit": "tokens", "s": tok}
    ids64 = ids.astype(np.int64)
    _shingle_hashes(ids64[:100], 5)  # compiled before timing
    keys = _shingle_hashes(ids64, 5)
    out["hash 5-token shingles"] = {"amount": len(keys), "unit": "shingles", "s": best(lambda: _shingle_hashes(ids64, 5))}
    out["sort 64-bit keys"] = {"amount": len(keys), "unit": "keys", "s": best(lambda: np.sort(keys))}
    aliases = sorted({a.casefold() for ag in load_registry().agencies for a in ag.all_aliases() if a.isascii()})
    out["scan for agency names"] = {
        "amount": text_bytes, "unit": "bytes",
        "s": best(lambda: lines.select(pl.col("t").str.contains_any(aliases, ascii_case_insensitive=True))),
    }
    with tempfile.TemporaryDirectory(dir=".") as tmp:
        arrow = df.to_arrow()

        def insert() -> None:
            path = Path(tmp) / f"x{time.perf_counter_ns()}.duckdb"
            con = duckdb.connect(str(path))
            con.execute("SET force_compression = 'uncompressed'")
            con.register("_b", arrow)
            con.execute("CREATE TABLE a AS SELECT * FROM _b")
            con.close()

        nbytes = int(df.estimated_size())
        out["write Arrow IPC to disk"] = {
            "amount": nbytes, "unit": "bytes", "s": best(lambda: df.write_ipc(Path(tmp) / "x.arrow")),
        }
        out["DuckDB insert, uncompressed"] = {"amount": nbytes, "unit": "bytes", "s": best(insert)}
    return out


#: Per stage, the primitives it cannot avoid (one pass each over this corpus).
FLOORS = {
    "read": ["file read (page cache)", "JSON parse"],
    "extract": ["split lines, hash each"],
    "fingerprint": ["find word boundaries (bytes)", "hash 5-token shingles"],
    "candidates": ["sort 64-bit keys"],
    "verify": ["find word boundaries (bytes)"],
    "sourced": ["find word boundaries (bytes)", "sort 64-bit keys"],
    "credits": ["scan for agency names"],
    "lineage": ["find word boundaries (bytes)"],
    "write": ["DuckDB insert, uncompressed"],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--e2e", type=Path, help="a bench e2e JSON of the same corpus: the stages' own seconds")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    prim = measure(args.corpus)
    print(f"{'primitive':38s} {'amount':>14s} {'unit':8s} {'seconds':>8s} {'per second':>14s}")
    for name, p in prim.items():
        print(f"{name:38s} {p['amount']:>14,.0f} {p['unit']:8s} {p['s']:8.3f} {p['amount'] / p['s']:>14,.0f}")
    stages = json.loads(args.e2e.read_text())["ours"]["stages"] if args.e2e else {}
    print(f"\n{'stage':12s} {'floor (s)':>10s} {'stage (s)':>10s} {'ratio':>7s}  floor made of")
    rows = {}
    for stage, parts in FLOORS.items():
        floor = sum(prim[p]["s"] for p in parts)
        own = stages.get(stage)
        rows[stage] = {"floor_s": round(floor, 3), "stage_s": own}
        ratio = f"{own / floor:7.1f}" if own else "      -"
        print(f"{stage:12s} {floor:10.2f} {own if own is not None else '-':>10} {ratio}  {' + '.join(parts)}")
    if args.json:
        args.json.write_text(json.dumps({"primitives": prim, "stages": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
