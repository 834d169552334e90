"""The compiled names pass reads texts exactly as the regex rule does."""

from __future__ import annotations

import numpy as np
import pytest

from provenance.detect.names import NAME, _k_hash, name_hashes, name_spans, names, shared_names
from provenance.tools.synth import generate

TRICKY = [
    "",
    "A",
    "x A",
    ". B starts a sentence here, C does not",
    'She said: "Hello World". Then 12abc, 12 and 1,200.5 people; O\'Brien-Smith and ’Quoted’ 4th.',
    "ΟΔΟΣ and ΟΔΟς, Ölaf's Straße in İstanbul, Dr. Who and DR. WHO",
    "Ünïcödé ﬁne — 𝐁old 😀 text; «Quote» 東京 ٣٤ and Ⅻ, then A’s and X-ray",
    "lone \ud800 surrogate between A and Bo",
    "end. A start:\nB\tCo “Do “ Ed",
    "Tab\tAfter and newline\nBefore, 3\u00a0Non-breaking",
    "ends on a figure 45. then 2019, and 3.5. and 1,200.., also 7,,",
]


def _hash(s: str) -> int:
    return int(_k_hash(np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)))


def test_each_texts_hashes_are_its_regex_names_hashed() -> None:
    corpus = generate(150, seed=5, mode="realistic")
    texts = [r["text"] for r in corpus.articles.iter_rows(named=True)] + TRICKY
    flat, off = name_hashes(texts)
    assert len(off) == len(texts) + 1
    for t, text in enumerate(texts):
        assert flat[off[t]:off[t + 1]].tolist() == sorted({_hash(n) for n in names(text)}), repr(text)


def test_name_spans_are_the_regex_matches() -> None:
    corpus = generate(150, seed=6, mode="realistic")
    texts = [r["text"] for r in corpus.articles.iter_rows(named=True)] + TRICKY
    text_of, starts, ends = name_spans(texts)
    got = list(zip(text_of.tolist(), starts.tolist(), ends.tolist(), strict=True))
    want = [(t, m.start(), m.end()) for t, text in enumerate(texts) for m in NAME.finditer(text)]
    assert got == want


@pytest.mark.parametrize(("a", "b", "both", "fewer"), [
    ("Yesterday Kim Sung met Lee in Seoul for 3 hours.", "Later Kim Sung and Lee left Seoul.", 4, 4),
    ("In Paris, said Anne Roy on Monday", "in PARIS, said ANNE on Friday", 2, 3),  # case does not matter; a first word is no name
    ("nothing named here", "Nor Here", 0, 0),
    # a figure is the same figure before a full stop or a comma: "1,200." and "1,200 people"
    ("The toll rose to 1,200. Officials said 45, then 2019.", "About 1,200 died; 45 of them in 2019 alone", 3, 3),
])
def test_shared_names_counts_names_in_common_and_the_smaller_set(a: str, b: str, both: int, fewer: int) -> None:
    flat, off = name_hashes([a, b])
    got_both, got_fewer = shared_names(flat, off, np.array([0]), np.array([1]))
    assert (int(got_both[0]), int(got_fewer[0])) == (len(names(a) & names(b)), min(len(names(a)), len(names(b))))
    assert (int(got_both[0]), int(got_fewer[0])) == (both, fewer)
