"""Passage alignment and edits (texts invented for the tests)."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detect.align import (
    EDITS,
    PASSAGES,
    TokenIndex,
    align,
    aligned_passages,
    edits,
    heaviest_increasing_chain,
    match_blocks,
    token_counts,
)
from provenance.detect.normalize import token_spans, tokens
from provenance.tools.synth import generate

P1 = (
    "The harbour authority closed the northern pier on Tuesday after inspectors found cracks "
    "in three of its concrete supports."
)
P2 = (
    "Ferries will dock at the southern terminal until repairs are finished, which officials "
    "expect to take at least six weeks."
)
P3 = (
    "Local fishermen said the closure would cost them a week of catches during the busiest "
    "season of the year."
)
P4 = (
    "The authority said it had set aside funds for the work and would publish a timetable "
    "for the repairs by the end of the month."
)
STORY = "\n\n".join([P1, P2, P3, P4])


def _norm(text: str, s: int, e: int) -> list[str]:
    return tokens(text[s:e])


def _check_passages(a: str, b: str, p: pl.DataFrame) -> None:
    assert p.schema == PASSAGES
    for r in p.iter_rows(named=True):
        assert 0 <= r["a_start"] < r["a_end"] <= len(a)
        assert 0 <= r["b_start"] < r["b_end"] <= len(b)
        assert _norm(a, r["a_start"], r["a_end"]) == _norm(b, r["b_start"], r["b_end"])
        assert len(_norm(a, r["a_start"], r["a_end"])) == r["n_tokens"]


def test_verbatim_is_one_passage() -> None:
    b = "Title line\n\n" + STORY.replace("\n\n", "\n")
    p = aligned_passages(STORY, b)
    _check_passages(STORY, b, p)
    assert p.height == 1 and p["in_order"].all()
    assert p["n_tokens"][0] == len(tokens(STORY))
    e = edits(STORY, b)
    assert e.schema == EDITS
    assert e["op"].to_list() == ["inserted"]  # the title line only
    r = e.row(0, named=True)
    assert b[r["b_start"] : r["b_end"]] == "Title line"
    assert r["a_start"] == r["a_end"] == 0


def test_trimmed_copy() -> None:
    b = "\n\n".join([P1, P2])
    al = align(STORY, b)
    _check_passages(STORY, b, al.passages)
    assert al.passages.height == 1
    assert al.shared_tokens() == len(tokens(b))
    e = al.edits
    assert e["op"].to_list() == ["deleted"]
    r = e.row(0, named=True)
    assert tokens(STORY[r["a_start"] : r["a_end"]]) == tokens(P3 + " " + P4)
    assert r["b_start"] == r["b_end"] == b.rindex("weeks") + len("weeks")  # right after its last token


def test_intro_added() -> None:
    intro = "In a blow to the town's ferry users, a long-awaited decision came late in the day."
    b = intro + "\n\n" + STORY
    al = align(STORY, b)
    _check_passages(STORY, b, al.passages)
    assert al.passages.height == 1
    assert al.passages["b_tok_start"][0] == len(tokens(intro))
    e = al.edits.row(0, named=True)
    assert e["op"] == "inserted" and b[e["b_start"] : e["b_end"]] == intro[:-1]
    assert e["a_start"] == e["a_end"] == 0


def test_reordered_paragraphs() -> None:
    b = "\n\n".join([P1, P3, P2, P4])
    al = align(STORY, b)
    _check_passages(STORY, b, al.passages)
    p = al.passages
    assert p.height == 4
    assert p["n_tokens"].sum() == len(tokens(STORY))
    # Exactly one of the two swapped paragraphs is out of order (the lighter one).
    assert p.filter(~pl.col("in_order")).height == 1
    moved = al.edits.filter(pl.col("op") == "moved")
    assert moved.height == 1
    assert set(al.edits["op"]) == {"moved"}
    r = moved.row(0, named=True)
    assert tokens(STORY[r["a_start"] : r["a_end"]]) == tokens(b[r["b_start"] : r["b_end"]])


def test_one_word_changed() -> None:
    b = STORY.replace("six weeks", "eight weeks")
    al = align(STORY, b)
    _check_passages(STORY, b, al.passages)
    assert al.passages.height == 2 and al.passages["in_order"].all()
    e = al.edits
    assert e.height == 1
    r = e.row(0, named=True)
    assert r["op"] == "changed"
    assert STORY[r["a_start"] : r["a_end"]] == "six"
    assert b[r["b_start"] : r["b_end"]] == "eight"


def test_changed_sentence_is_refined_not_one_block() -> None:
    a = P1 + " " + P2
    b = P1.replace("on Tuesday after inspectors found", "late on Tuesday when engineers spotted") + " " + P2
    e = edits(a, b)
    assert set(e["op"]) <= {"changed", "inserted", "deleted"}
    # Only the edited words, not the whole sentence, are reported.
    assert sum(e["a_tokens"]) <= 4 and sum(e["b_tokens"]) <= 5


def test_unrelated_texts_share_nothing() -> None:
    b = "Completely different words about gardening and tomatoes grow in pots on a balcony each summer."
    al = align(STORY, b)
    assert al.passages.is_empty()
    assert al.edits["op"].to_list() == ["changed"]


def test_empty_and_short_texts() -> None:
    assert align("", "").passages.is_empty() and align("", "").edits.is_empty()
    al = align("", "a few words here and there")
    assert al.edits["op"].to_list() == ["inserted"]
    assert align("one two", "one two", k=5).passages.is_empty()
    assert aligned_passages("one two", "one two", k=2).height == 1


def test_offsets_map_to_original_text_with_unicode() -> None:
    a = "Ｔｈｅ ﬁnal  report — “delayed” again, the ministry said."
    b = "Breaking: the final report - \"delayed\" again, the Ministry said!"
    p = aligned_passages(a, b, k=3)
    _check_passages(a, b, p)
    assert p.height == 1 and p["n_tokens"][0] == 8
    assert a[p["a_start"][0] : p["a_end"][0]].startswith("Ｔｈｅ ﬁnal")


def test_chain_picks_heaviest_increasing() -> None:
    # blocks (i, j, n) by i: the heavy middle block out of order with small ones.
    blocks = [(0, 50, 5), (10, 0, 30), (45, 60, 5), (60, 70, 5)]
    assert heaviest_increasing_chain(blocks) == [False, True, True, True]
    assert heaviest_increasing_chain([]) == []


def test_match_blocks_one_to_one() -> None:
    a = np.array([1, 2, 3, 4, 5, 1, 2, 3, 4, 5], dtype=np.uint64)
    b = np.array([1, 2, 3, 4, 5], dtype=np.uint64)
    assert match_blocks(a, b, k=3) == [(0, 0, 5)]


def test_long_texts_are_fast() -> None:
    import time

    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(3000)]
    a = " ".join(rng.choice(words, 40_000))
    mid = a.index(" ", len(a) // 2)
    b = a[:mid] + " inserted words here " + a[mid:]
    t = time.perf_counter()
    al = align(a, b)
    assert time.perf_counter() - t < 5.0
    assert al.shared_tokens() == al.a_tokens
    assert (al.edits["op"] == "inserted").sum() == 1


# --- properties -------------------------------------------------------------

WORDS = ["the", "minister", "said", "port", "ferry", "über", "café", "naïve", "東京", "서울", "दिल्ली", "2024", "rain", "wind", "a", "of"]
SEPS = [" ", "  ", ", ", ". ", "\n", " — ", "\n\n", " \"", "\" "]


@st.composite
def texts(draw) -> str:  # noqa: ANN001
    ws = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=60))
    seps = draw(st.lists(st.sampled_from(SEPS), min_size=len(ws), max_size=len(ws)))
    return "".join(w + s for w, s in zip(ws, seps, strict=False))


@st.composite
def related_pair(draw) -> tuple[str, str]:  # noqa: ANN001
    a = draw(texts())
    # b: pieces of a (some reordered) mixed with new text.
    cuts = sorted(draw(st.lists(st.integers(0, len(a)), max_size=4)))
    pieces = [a[s:e] for s, e in zip([0, *cuts], [*cuts, len(a)], strict=False)]
    pieces = draw(st.permutations(pieces))
    extra = draw(st.lists(texts(), max_size=3))
    b = " ".join([*pieces, *extra])
    return a, b


@settings(max_examples=150, deadline=None)
@given(related_pair(), st.integers(1, 6))
def test_properties(pair: tuple[str, str], k: int) -> None:
    a, b = pair
    al = align(a, b, k=k)
    _check_passages(a, b, al.passages)
    p = al.passages
    # one-to-one: token ranges disjoint on each side
    for side in ("a", "b"):
        rng = sorted(zip(p[f"{side}_tok_start"], p[f"{side}_tok_end"], strict=False))
        assert all(e1 <= s2 for (_, e1), (s2, _) in zip(rng, rng[1:], strict=False))
    assert (p["n_tokens"] >= k).all()
    # in-order passages increase on both sides
    io = p.filter(pl.col("in_order")).sort("a_tok_start")
    assert io["b_tok_start"].to_list() == sorted(io["b_tok_start"].to_list())
    e = al.edits
    for r in e.iter_rows(named=True):
        assert 0 <= r["a_start"] <= r["a_end"] <= len(a)
        assert 0 <= r["b_start"] <= r["b_end"] <= len(b)
    assert e.filter(pl.col("op") == "moved").height == p.filter(~pl.col("in_order")).height
    # Never a token in two places; without gap refinement, in-order passages plus
    # deleted/changed/moved cover every token of a exactly once (and likewise b).
    for refine in (64, 0):
        al2 = align(a, b, k=k, refine_max=refine)
        for side, text, skip in (("a", a, "inserted"), ("b", b, "deleted")):
            spans = token_spans(text)
            cover = np.zeros(len(spans), dtype=int)
            io2 = al2.passages.filter(pl.col("in_order"))
            for s, t in zip(io2[f"{side}_tok_start"], io2[f"{side}_tok_end"], strict=False):
                cover[s:t] += 1
            for r in al2.edits.filter(pl.col("op") != skip).iter_rows(named=True):
                lo, hi = r[f"{side}_start"], r[f"{side}_end"]
                idx = [x for x, (s, t) in enumerate(spans) if s >= lo and t <= hi]
                assert len(idx) == r[f"{side}_tokens"]
                cover[idx] += 1
            assert cover.max(initial=0) <= 1
            if refine == 0:
                assert cover.min(initial=1) == 1


def test_identical_texts_property() -> None:
    @settings(max_examples=60, deadline=None)
    @given(texts())
    def inner(a: str) -> None:
        al = align(a, a, k=3)
        n = len(tokens(a))
        if n >= 3:
            assert al.passages.height == 1 and al.passages["n_tokens"][0] == n
        assert al.edits.is_empty() or n < 3

    inner()


def test_token_counts_are_the_token_index_counts() -> None:
    texts = generate(60, seed=2, mode="realistic").articles["text"].to_list()
    texts += ["Ünïcödé ﬁne — 𝐁old 😀; don't ½ stop-gap 3.5% «quote» 東京 ٣٤", "", None, "a", "İstanbul ΟΔΟΣ", "\ud800x"]
    index = TokenIndex(texts)
    assert token_counts(texts).tolist() == [index.n_tokens(i) for i in range(len(texts))]


def test_token_ids_number_equal_tokens_alike_by_first_appearance_in_each_group() -> None:
    """The shared ids are exact: per group, the i-th distinct token (as ``tokens`` gives them) gets id i.
    Thousands of distinct and long tokens make the kernel's table and its arena of tokens grow mid-group."""
    import random

    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyzéßΩж東京"
    vocab = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(6000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 900))) for _ in range(40)]
    texts += generate(20, seed=3, mode="realistic").articles["text"].to_list() + ["", "a", "ﬁne ﬁne FINE"]
    for groups in (None, [0, 1, 17, 40, 41, 62]):
        index = TokenIndex(texts, groups=groups)
        firsts = groups or [0]
        for g, lo in enumerate(firsts):
            hi = firsts[g + 1] if g + 1 < len(firsts) else len(texts)
            seen: dict[str, int] = {}
            for i in range(lo, hi):
                want = [seen.setdefault(t, len(seen)) for t in tokens(texts[i])]
                assert index.ids(i).tolist() == want, (groups, i)
