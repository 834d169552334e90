"""Tests for the reference tokenizer: classes, tokens, spans in the original text, shingles."""

from __future__ import annotations

import doctest
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.config import Config
from provenance.detect import normalize as nz


def _naive_tokens(text: str) -> list[str]:
    """Independent per-character restatement of the token rule, straight from unicodedata."""

    def spaceless(ch: str) -> bool:
        return any(lo <= ord(ch) <= hi for lo, hi in nz.SPACELESS_RANGES)

    out: list[str] = []
    word = ""
    for ch in nz.normalize(text):
        is_lmn = unicodedata.category(ch)[0] in "LMN" and ord(ch) not in nz.DELETED_CHARS
        if is_lmn and not spaceless(ch):
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        if is_lmn:
            out.append(ch)
    if word:
        out.append(word)
    return out


# Text drawn from the interesting parts of Unicode, mixed with plain ASCII words.
_ALPHABETS = st.sampled_from(
    [
        "abcdefghij XYZ 0123456789 .,;:'\"-\n\t",
        "हिन्दीभाषाक्षत्रज्ञ ",  # Devanagari with viramas and vowel signs
        "বাংলাভাষা ",
        "தமிழ்மொழி ",
        "中国外交部发言人。，「」",
        "ひらがなカタカナｶﾞｷﾞｰ々〇",
        "ภาษาไทยເລົ້າ",
        "한국어조선말ᄀᄁ\u1161\u11a8",
        "ÉéeÈ\u0301\u0308\u0327ñİıßẞΣσς",
        "ﬁﬂ½²①ＡＢｃ™㍻㌔",
        "😀👍🏽❤\ufe0f\u200d\u200c\u00ad\u2060\ufeff",
        "\x00\x01\u2028\u00a0\u3000\ue000\U000f0000\ud800\udfff\uffff",
        "\u0345\u0344\u0f73\u0f75\u0f81\U0001d15e",
    ]
)


@st.composite
def unicode_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_ALPHABETS, st.integers(0, 30)), max_size=8))
    text = "".join(draw(st.text(alphabet=alpha, max_size=n)) for alpha, n in parts)
    if draw(st.booleans()):
        text += draw(st.text(max_size=40))  # anything at all, incl. surrogates
    return text


def test_doctests() -> None:
    failures, tried = doctest.testmod(nz)
    assert tried > 5 and failures == 0


@settings(max_examples=400, deadline=None)
@given(unicode_texts())
def test_tokens_match_naive_rule(text: str) -> None:
    assert nz.tokens(text) == _naive_tokens(text)


@settings(max_examples=400, deadline=None)
@given(unicode_texts())
def test_token_spans_index_original_text(text: str) -> None:
    toks = nz.tokens(text)
    spans = nz.token_spans(text)
    assert len(spans) == len(toks)
    prev_start = 0
    for tok, (s, e) in zip(toks, spans, strict=False):
        assert 0 <= s < e <= len(text)
        assert s >= prev_start
        prev_start = s
        # The original slice holds the token (final sigma may differ out of context).
        assert tok.replace("ς", "σ") in [t.replace("ς", "σ") for t in nz.tokens(text[s:e])]
    # Spans are exact, never the whole-text fallback.
    assert nz._segment_origin(text, nz.normalize(text)) is not None


def test_token_spans_exact_when_lengths_change() -> None:
    text = "ＢＲＵＳＳＥＬＳ, Oct 16 — İstanbul's in\u00adformation ﬁnal e\u0301te ｶﾞｷﾞ 中国"
    spans = nz.token_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "ＢＲＵＳＳＥＬＳ", "Oct", "16", "İstanbul", "s", "in\u00adformation", "ﬁnal", "e\u0301te",
        "ｶﾞ", "ｷﾞ", "中", "国",
    ]
    assert [nz.normalize(text[s:e]) for s, e in spans] == nz.tokens(text)


def test_token_spans_plain_text_fast_path() -> None:
    text = "Seoul, Oct 16 (Yonhap) -- North Korea fired"
    assert [text[s:e].lower() for s, e in nz.token_spans(text)] == nz.tokens(text)


def test_token_spans_partial_character_gets_whole_character() -> None:
    assert nz.tokens("x ½") == ["x", "1", "2"]
    assert nz.token_spans("x ½") == [(0, 1), (2, 3), (2, 3)]


def test_marks_stay_inside_words() -> None:
    assert nz.tokens("क्षत्रिय नमस्ते") == ["क्षत्रिय", "नमस्ते"]
    assert nz.tokens("தமிழ் மொழி") == ["தமிழ்", "மொழி"]
    assert nz.tokens("e\u0301") == ["é"]


def test_spaceless_scripts_are_single_characters() -> None:
    assert nz.tokens("日本語テキスト") == list("日本語テキスト")
    assert nz.tokens("ภาษาไทย") == list("ภาษาไทย")
    assert nz.tokens("ＡＢＣ日本") == ["abc", "日", "本"]


def test_separators() -> None:
    assert nz.tokens("a-b_c/d😀e\u3000f。g") == list("abcdefg")
    assert nz.tokens("") == []
    assert nz.tokens("!!! ... 😀") == []


def test_in_word_format_characters_are_deleted() -> None:
    assert nz.tokens("in\u00adformation") == ["information"]
    assert nz.tokens("می\u200cخواهم") == ["میخواهم"]
    assert nz.tokens("❤\ufe0f love") == ["love"]


def test_char_classes_table() -> None:
    table = nz.char_classes()
    assert table.shape == (0x110000,)
    assert table[ord("a")] == nz.WORD
    assert table[ord("\u0301")] == nz.WORD
    assert table[ord("٣")] == nz.WORD
    assert table[ord("中")] == nz.STANDALONE
    assert table[ord("ก")] == nz.STANDALONE
    assert table[ord(" ")] == nz.SEPARATOR
    assert table[0xD800] == nz.SEPARATOR
    assert table[ord("。")] == nz.SEPARATOR
    assert table[0xAD] == table[0xFE0F] == table[0xE0100] == nz.IGNORED
    assert not table.flags.writeable


def test_shingle_size_for() -> None:
    cfg = Config(shingle_size=5, char_shingle_size=3)
    assert nz.shingle_size_for(nz.tokens("北京 news today"), cfg) == 5  # 2 of 4: not more than half
    assert nz.shingle_size_for(nz.tokens("北京市 news"), cfg) == 3  # 3 of 4
    assert nz.shingle_size_for([], cfg) == 5


def test_shingles() -> None:
    assert nz.shingles("One two three four", 2) == [b"one two", b"two three", b"three four"]
    assert nz.shingles("one two", 5) == [b"one two"]
    assert nz.shingles("one two three", 3) == [b"one two three"]
    assert nz.shingles("", 5) == []
    assert nz.shingles("a a a a", 2) == [b"a a", b"a a", b"a a"]
    cfg = Config(shingle_size=4, char_shingle_size=2)
    assert nz.shingles("中国外交", config=cfg) == ["中 国".encode(), "国 外".encode(), "外 交".encode()]
    assert nz.shingles("a b c d e", config=cfg) == [b"a b c d", b"b c d e"]


def test_deleted_regex_matches_deleted_chars() -> None:
    found = {cp for cp in range(0x110000) if nz._DELETED_RE.match(chr(cp))}
    assert found == set(nz.DELETED_CHARS)


def test_astral_text_uses_general_pattern() -> None:
    assert nz.tokens("𠀀𠀁 𝐀𝐁𝐂 𐐀𐐁x") == ["𠀀", "𠀁", "abc", "𐐨𐐩x"]


def test_code_points_chunks_hold_every_text_whole_and_in_order() -> None:
    texts = ["abc", "", "😀 non-BMP", "x" * 50, "\ud800 lone", "δ"]
    chunks = list(nz.code_points(texts, max_cps=8))
    assert [first for first, _, _ in chunks] == [0, 2, 3, 4]  # a text longer than a chunk is a chunk
    got = []
    for _, cps, off in chunks:
        got += ["".join(map(chr, cps[off[t]:off[t + 1]].tolist())) for t in range(len(off) - 1)]
    assert got == texts
    assert list(nz.code_points([])) == []
