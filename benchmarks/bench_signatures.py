"""Benchmark: MinHash signatures per second, ours (numba) against datasketch.

Owns the throughput claim of ``provenance.detect.fingerprint``. The corpus is made
here, deterministically: word salad of ~450 words per text drawn with Zipf
frequencies from a ~30k-word pseudo vocabulary, with sentence punctuation.

The reference is what a user would write: shingle each text in Python
(``normalize.shingles``) and call ``datasketch.MinHash.bulk`` with
``hashfunc=xxhash.xxh32_intdigest``; the benchmark checks that both give the
same signatures before it times anything.

    .venv/bin/python benchmarks/bench_signatures.py [--docs 20000] [--reference-docs 3000] [--repeat 3]

Per-core figures divide by process CPU time, so they hold on a busy machine;
wall-clock figures need an idle one (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import xxhash
from datasketch import MinHash
from rich.console import Console
from rich.table import Table

from provenance.config import Config
from provenance.detect import fingerprint as fp
from provenance.detect import normalize as nz

_ONSETS = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pl", "ch", "sh"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng"]


def make_vocabulary(size: int, *, rng: np.random.Generator) -> list[str]:
    """``size`` distinct pronounceable pseudo-words of 1-4 syllables, shorter ones first."""
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < size:
        n_syll = int(rng.choice([1, 2, 3, 4], p=[0.25, 0.4, 0.25, 0.1]))
        w = "".join(
            _ONSETS[rng.integers(len(_ONSETS))] + _VOWELS[rng.integers(len(_VOWELS))] + _CODAS[rng.integers(len(_CODAS))]
            for _ in range(n_syll)
        )
        if w not in seen:
            seen.add(w)
            words.append(w)
    words.sort(key=len)  # frequent words are short, as in real text
    return words


def make_corpus(n_docs: int, *, words_per_doc: int = 450, vocab_size: int = 30_000, seed: int = 7) -> list[str]:
    """Deterministic English-like word salad with Zipf(1.07) word frequencies."""
    rng = np.random.default_rng(seed)
    vocab = np.array(make_vocabulary(vocab_size, rng=rng), dtype=object)
    ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
    cdf = np.cumsum(ranks**-1.07)
    cdf /= cdf[-1]
    vocab_cap = np.array([w.capitalize() for w in vocab], dtype=object)
    docs = []
    for _ in range(n_docs):
        n = int(rng.integers(int(words_per_doc * 0.8), int(words_per_doc * 1.2) + 1))
        idx = np.minimum(np.searchsorted(cdf, rng.random(n)), vocab_size - 1)
        ends = rng.random(n) < 1 / 18
        capital = np.concatenate(([True], ends[:-1]))
        suffix = np.where(ends, ".", np.where(rng.random(n) < 1 / 12, ",", ""))
        words = np.where(capital, vocab_cap[idx], vocab[idx]) + suffix.astype(object)
        docs.append(" ".join(words.tolist()) + ".")
    return docs


def reference_signatures(texts: list[str], *, config: Config) -> list[MinHash]:
    """The user's version: Python shingling + datasketch MinHash.bulk with xxh32."""
    shingle_lists = [nz.shingles(t, config=config) for t in texts]
    return MinHash.bulk(shingle_lists, num_perm=config.num_perm, seed=config.seed, hashfunc=xxhash.xxh32_intdigest)


def non_ascii(corpus: list[str]) -> list[str]:
    """The corpus as typeset news: curly quotes and diacritics, so no text takes the ASCII path."""
    return ["\u201c" + t.replace("ai", "a\u00ef").replace(", ", "\u2019s, ") + "\u201d" for t in corpus]


def _measure(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of the fastest of ``repeat`` runs."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        run = (time.perf_counter() - w0, time.process_time() - c0)
        best = min(best, run)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--reference-docs", type=int, default=3_000, help="docs timed for datasketch (it is slow)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    console = Console(width=150)
    config = Config()

    t0 = time.perf_counter()
    corpora = {"ascii": make_corpus(args.docs)}
    corpora["typeset"] = non_ascii(corpora["ascii"])
    for name, corpus in corpora.items():
        console.print(
            f"corpus {name}: {len(corpus):,} docs, {sum(map(len, corpus)) / len(corpus):,.0f} chars/doc, "
            f"{sum(t.count(' ') + 1 for t in corpus) / len(corpus):,.0f} words/doc"
        )
    console.print(f"made in {time.perf_counter() - t0:.1f}s; load average before timing: {os.getloadavg()[0]:.2f}")

    t0 = time.perf_counter()
    fp.fingerprints(corpora["ascii"][:10], config=config, threads=1)
    console.print(f"warm-up (numba cache load or compile, char table): {time.perf_counter() - t0:.2f}s")

    table = Table(title=f"MinHash signatures, num_perm={config.num_perm}, k={config.shingle_size}, best of {args.repeat}")
    for col in ("method", "corpus", "threads", "docs/s (wall)", "CPU µs/doc", "× reference", "× per core"):
        table.add_column(col, justify="left" if col in ("method", "corpus") else "right")
    for name, corpus in corpora.items():
        ref_docs = corpus[: args.reference_docs]
        check = fp.fingerprints(ref_docs[:300], config=config).minhash
        ref_check = np.array([m.hashvalues for m in reference_signatures(ref_docs[:300], config=config)])
        if not np.array_equal(check, ref_check):
            raise SystemExit(f"{name}: signatures differ from datasketch: benchmark invalid")
        shingled = [nz.shingles(t, config=config) for t in ref_docs]
        runs = [
            ("reference: Python shingling + MinHash.bulk", 1, len(ref_docs),
             _measure(lambda docs=ref_docs: reference_signatures(docs, config=config), args.repeat)),
            ("  of which MinHash.bulk alone", 1, len(ref_docs),
             _measure(lambda shingled=shingled: MinHash.bulk(shingled, num_perm=config.num_perm, seed=config.seed,
                                           hashfunc=xxhash.xxh32_intdigest), args.repeat)),
            ("provenance.detect.fingerprint", 1, len(corpus),
             _measure(lambda corpus=corpus: fp.fingerprints(corpus, config=config, threads=1), args.repeat)),
            ("provenance.detect.fingerprint", 2, len(corpus),
             _measure(lambda corpus=corpus: fp.fingerprints(corpus, config=config, threads=2), args.repeat)),
        ]
        ref_wall = len(ref_docs) / runs[0][3][0]
        ref_cpu = len(ref_docs) / runs[0][3][1]
        for method, threads, n, (wall, cpu) in runs:
            table.add_row(
                method, name, str(threads), f"{n / wall:,.0f}", f"{cpu / n * 1e6:,.1f}",
                f"{n / wall / ref_wall:.1f}", f"{n / cpu / ref_cpu:.1f}",
            )
        table.add_section()
    console.print(table)
    console.print(
        "× reference: wall-clock docs/s over the reference's; × per core: docs per CPU-second over the "
        f"reference's (robust to other load). Load average after: {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
