"""The compiled quotation pass finds exactly the spans the regex rule finds."""

from __future__ import annotations

import random

from provenance.detect.quotes import quote_intervals, quote_spans
from provenance.tools.synth import generate


def _spans_by_text(texts: list[str]) -> list[list[tuple[int, int]]]:
    text_of, starts, ends = quote_spans(texts)
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    for t, a, b in zip(text_of.tolist(), starts.tolist(), ends.tolist(), strict=True):
        out[t].append((a, b))
    return out


def test_quote_spans_equal_the_regex_on_news_and_on_quote_soup() -> None:
    corpus = generate(120, seed=9, mode="realistic")
    texts = corpus.articles["text"].to_list()
    rng = random.Random(4)
    marks = ["“", "”", '"', "«", "»", "„", "「", "」", "\n", "a", " ", "é"]
    texts += ["".join(rng.choice(marks) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts += [
        "“" + "x" * 2000 + "”",  # the longest quotation the rule takes
        "“" + "x" * 2001 + "”",  # one character too long
        '"" and "a"',  # an empty quotation is none
        "„Guten Tag“ und „bis bald”",  # German quotes close on either mark
        "said «ça va» then “open\nline” and 「引用」",
        "",
    ]
    assert _spans_by_text(texts) == [quote_intervals(t) for t in texts]
