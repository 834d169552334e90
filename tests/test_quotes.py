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


def test_quoted_token_counts_of_many_texts_equal_each_text_alone() -> None:
    """The running counts come from one compiled pass over every text whose normalization moves no
    character, and text by text for the others: both must count, token by token, the tokens that
    start inside a quotation of the original text."""
    import numpy as np

    from provenance.detect.align import TokenIndex
    from provenance.detect.normalize import token_spans
    from provenance.detect.quotes import QuotedTokens

    corpus = generate(60, seed=5, mode="realistic")
    texts = corpus.articles["text"].to_list()
    rng = random.Random(8)
    pieces = ["“", "”", '"', "«", "»", "„", "「", "」", "\n", " word ", "Ｆｕｌｌ", "ﬁnal", "in\u00adfo", " The ", "İ",
              "ΟΔΟΣ", "東京", ". "]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(400)] + ["", "no quotes"]
    quoted = QuotedTokens(TokenIndex(texts))
    quoted.prepare(range(0, len(texts), 2))  # half at once, the rest on demand
    seen_plain = seen_moved = 0
    for i, text in enumerate(texts):
        spans = quote_intervals(text)
        starts = [s for s, _ in token_spans(text)]
        want = np.cumsum([0] + [any(a <= s < b for a, b in spans) for s in starts])
        got = quoted.counts(i)
        if not spans:
            assert got is None
            continue
        assert got is not None and got.tolist() == want.tolist(), text
        seen_plain += quoted.index.plain(i)
        seen_moved += not quoted.index.plain(i)
    assert seen_plain > 50 and seen_moved > 50  # both paths ran
