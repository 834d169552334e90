"""Benchmark: MinHash signatures per second, ours (numba) against datasketch.

Owns the throughput claim of ``provenance.fingerprint``. The corpus is made
here, deterministically: word salad of ~450 words per text drawn with Zipf
frequencies from a ~30k-word pseudo vocabulary, with sentence punctuation.

The reference is what a user would write: shingle each text in Python
(``normalize.shingles``) and call ``datasketch.MinHash.bulk`` with
``hashfunc=xxhash.xxh32_intdigest``; the benchmark checks that both give the
same signatures before it times anything.

    .venv/bin/python benchmarks/bench_signatures.py [--docs 20000] [--reference-docs 3000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import xxhash
from datasketch import MinHash
from rich.console import Console
from rich.table import Table

from provenance import fingerprint as fp
from provenance import normalize as nz
from provenance.config import Config

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


def _timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--reference-docs", type=int, default=3_000, help="docs timed for datasketch (it is slow)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs for ours")
    args = parser.parse_args()
    console = Console()
    config = Config()

    t0 = time.perf_counter()
    corpus = make_corpus(args.docs)
    n_bytes = sum(len(t) for t in corpus)
    console.print(
        f"corpus: {len(corpus):,} docs, {n_bytes / len(corpus):,.0f} chars/doc "
        f"{sum(t.count(' ') + 1 for t in corpus) / len(corpus):,.0f} words/doc, made in {time.perf_counter() - t0:.1f}s"
    )

    t0 = time.perf_counter()
    fp.fingerprints(corpus[:10], config=config, threads=1)
    console.print(f"warm-up (numba cache load or compile, char table): {time.perf_counter() - t0:.2f}s")

    ref_docs = corpus[: args.reference_docs]
    check = fp.fingerprints(ref_docs[:300], config=config).minhash
    ref_check = np.array([m.hashvalues for m in reference_signatures(ref_docs[:300], config=config)])
    if not np.array_equal(check, ref_check):
        raise SystemExit("signatures differ from datasketch: benchmark invalid")
    console.print("check: 300 signatures identical to datasketch")

    t_ref = _timed(lambda: reference_signatures(ref_docs, config=config), 1)
    t_shingle = _timed(lambda: [nz.shingles(t, config=config) for t in ref_docs], 1)
    t_one = _timed(lambda: fp.fingerprints(corpus, config=config, threads=1), args.repeat)
    t_two = _timed(lambda: fp.fingerprints(corpus, config=config, threads=2), args.repeat)

    ref_rate = len(ref_docs) / t_ref
    rows = [
        ("datasketch MinHash.bulk + Python shingling", 1, ref_rate),
        ("  of which Python shingling alone", 1, len(ref_docs) / t_shingle),
        ("provenance.fingerprint, 1 thread", 1, len(corpus) / t_one),
        ("provenance.fingerprint, 2 threads", 2, len(corpus) / t_two),
    ]
    table = Table(title=f"MinHash signatures, num_perm={config.num_perm}, k={config.shingle_size}")
    table.add_column("method")
    table.add_column("cores", justify="right")
    table.add_column("docs/s", justify="right")
    table.add_column("µs/doc", justify="right")
    table.add_column("× datasketch", justify="right")
    table.add_column("× per core", justify="right")
    for name, cores, rate in rows:
        table.add_row(
            name, str(cores), f"{rate:,.0f}", f"{1e6 / rate:,.1f}", f"{rate / ref_rate:.1f}", f"{rate / ref_rate / cores:.1f}"
        )
    console.print(table)


if __name__ == "__main__":
    main()
