"""Tests for the numba fingerprint path: hashes, tokenizer parity, datasketch parity, API shapes."""

from __future__ import annotations

import random
import statistics
import time

import numpy as np
import polars as pl
import pytest
import xxhash
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.config import Config, lsh_params
from provenance.detect import fingerprint as fp
from provenance.detect import normalize as nz

CFG = Config()
OTHER = Config(seed=42, num_perm=64, shingle_size=3, char_shingle_size=2, anchor_mod=3, fingerprint_batch_docs=7)


def _xxh32_list(shingles: list[bytes]) -> list[int]:
    return [xxhash.xxh32_intdigest(s) for s in shingles]


def _datasketch(text: str | None, config: Config) -> np.ndarray:
    m = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=xxhash.xxh32_intdigest)
    m.update_batch(nz.shingles(text or "", config=config))
    return m.hashvalues


# ---------------------------------------------------------------- hash functions


@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1])
def test_xxh32_matches_xxhash_for_every_length(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for length in range(101):
        for _ in range(3):
            data = rng.integers(0, 256, size=length + 5, dtype=np.uint8)
            got = int(fp.xxh32_range(data, 3, 3 + length, np.uint64(seed)))
            assert got == xxhash.xxh32_intdigest(data[3 : 3 + length].tobytes(), seed=seed), length


@pytest.mark.parametrize("seed", [0, 7, 2**64 - 1])
def test_xxh64_matches_xxhash_for_every_length(seed: int) -> None:
    rng = np.random.default_rng(seed % 1000)
    for length in range(101):
        for _ in range(3):
            data = rng.integers(0, 256, size=length + 5, dtype=np.uint8)
            got = int(fp.xxh64_range(data, 2, 2 + length, np.uint64(seed)))
            assert got == xxhash.xxh64_intdigest(data[2 : 2 + length].tobytes(), seed=seed), length


@pytest.mark.parametrize("seed,num_perm", [(1, 128), (42, 64), (0, 1), (7, 256)])
def test_permutations_match_datasketch(seed: int, num_perm: int) -> None:
    a, b = fp.permutations(seed, num_perm)
    ref = MinHash(num_perm=num_perm, seed=seed).permutations
    assert np.array_equal(a, ref[0]) and np.array_equal(b, ref[1])
    assert a.dtype == np.uint32 and b.dtype == np.uint32


# ---------------------------------------------------------------- tokenizer parity

_ALPHABETS = st.sampled_from(
    [
        "abcdefghij XYZ 0123456789 .,;:'\"-\n\t",
        "हिन्दीभाषाक्षत्रज्ञ ",
        "বাংলাভাষা তমিল் ",
        "中国外交部发言人。，「」",
        "ひらがなカタカナｶﾞｷﾞｰ々〇",
        "ภาษาไทยເລົ້າ",
        "한국어조선말ᄀ\u1161\u11a8",
        "ÉéeÈ\u0301\u0308\u0327ñİıßẞΣσς",
        "ﬁﬂ½²①ＡＢｃ™㍻",
        "😀👍🏽❤\ufe0f\u200d\u200c\u00ad\U00020000\U0001d400",
        "\x00\x01\u2028\u00a0\u3000\ue000\U000f0000\ud800\udfff\uffff",
    ]
)


@st.composite
def unicode_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_ALPHABETS, st.integers(0, 40)), max_size=8))
    text = "".join(draw(st.text(alphabet=alpha, max_size=n)) for alpha, n in parts)
    if draw(st.booleans()):
        text += draw(st.text(max_size=40))
    return text


@settings(max_examples=500, deadline=None)
@given(unicode_texts())
def test_numba_tokenizer_matches_reference(text: str) -> None:
    """With k=1 every shingle is one token: the numba tokens equal normalize.tokens."""
    toks = nz.tokens(text)
    buf, offsets = fp._encode([text])
    hashes, ntok = fp._shingle_hashes(buf, offsets[0], offsets[1], nz.char_classes(), nz.lowercase(), 1, 1)
    assert ntok == len(toks)
    assert hashes.tolist() == _xxh32_list([t.encode("utf-8") for t in toks])


@settings(max_examples=300, deadline=None)
@given(unicode_texts(), st.sampled_from([CFG, OTHER]))
def test_numba_shingles_match_reference(text: str, config: Config) -> None:
    assert fp.shingle_hashes(text, config=config).tolist() == _xxh32_list(nz.shingles(text, config=config))


def test_invalid_utf8_bytes_separate() -> None:
    data = np.frombuffer(b"ab\xffcd\xc3 ef\xe4\xb8gh\xf0\x9f\x98", dtype=np.uint8)
    hashes, ntok = fp._shingle_hashes(data, 0, data.shape[0], nz.char_classes(), nz.lowercase(), 1, 1)
    assert ntok == 4
    assert hashes.tolist() == _xxh32_list([b"ab", b"cd", b"ef", b"gh"])


# ---------------------------------------------------------------- datasketch parity


def _varied_texts() -> list[str | None]:
    rng = random.Random(1234)
    words = ["the", "of", "and", "to", "in", "a", "said", "on", "for", "that", "is", "with", "was", "by", "as", "at", "from", "he", "it"] + [
        "Pyongyang", "missile", "ministry", "Σεούλ", "ΟΔΟΣ", "İstanbul", "naïve", "café", "3.5%", "2024",
    ]
    hindi = ["भारत", "सरकार", "ने", "आज", "कहा", "कि", "देश", "की", "अर्थव्यवस्था", "तेजी", "से", "बढ़", "रही", "है", "और", "निर्यात", "में", "वृद्धि", "हुई"]
    bengali = ["বাংলাদেশ", "সরকার", "আজ", "জানিয়েছে", "যে", "দেশের", "অর্থনীতি", "দ্রুত", "বাড়ছে"]
    tamil = ["தமிழ்நாடு", "அரசு", "இன்று", "அறிவித்தது"]
    chinese = "中国外交部发言人今天在例行记者会上表示中方坚决反对任何形式的单边制裁"
    japanese = "東京都は今日、新しい感染対策を発表しました。ｶﾀｶﾅも含む"
    thai = "รัฐบาลไทยประกาศมาตรการใหม่วันนี้"
    texts: list[str | None] = [
        None, "", " ", "!!!", "😀 🎉", "word", "two words", "one two three four",
        "one two three four five", "one two three four five six", "a a a a a a a a a a",
        "ＦＵＬＬ ＷＩＤＴＨ ﬁnal ½ ①", "in\u00adformation over\u200bflow", "\ud800 lone \udfff surrogates",
        chinese, japanese, thai, chinese[:3], chinese + " Reuters reported on Monday",
        "Seoul, Oct 16 (Yonhap) — " + chinese[:4] + " and more English words follow here",
    ]
    for i in range(190):
        kind = i % 7
        n = rng.choice([1, 2, 4, 5, 6, 9, 30, 120, 600])
        if kind == 0:
            t = " ".join(rng.choice(words) for _ in range(n))
        elif kind == 1:
            t = " ".join(rng.choice(hindi) for _ in range(n))
        elif kind == 2:
            t = "".join(rng.choice(chinese) for _ in range(n))
        elif kind == 3:
            t = " ".join(rng.choice(bengali + tamil + words) for _ in range(n))
        elif kind == 4:
            t = "".join(rng.choice(japanese + thai) for _ in range(n)) + " " + " ".join(rng.choice(words) for _ in range(n // 3))
        elif kind == 5:
            t = ", ".join(rng.choice(words).upper() for _ in range(n)) + "!"
        else:
            t = "".join(chr(rng.choice([rng.randrange(32, 0x3000), rng.randrange(0x10000, 0x30000)])) for _ in range(n * 3))
        texts.append(t)
    return texts


@pytest.mark.parametrize("config", [CFG, OTHER], ids=["default", "other"])
def test_minhash_equals_datasketch_bit_for_bit(config: Config) -> None:
    texts = _varied_texts()
    assert len(texts) >= 200
    got = fp.fingerprints(texts, config=config)
    assert got.minhash.dtype == np.uint32 and got.minhash.shape == (len(texts), config.num_perm)
    for i, text in enumerate(texts):
        assert np.array_equal(got.minhash[i], _datasketch(text, config)), (i, text)


@pytest.mark.parametrize("config", [CFG, OTHER], ids=["default", "other"])
def test_counts_and_anchors(config: Config) -> None:
    texts = _varied_texts()
    got = fp.fingerprints(texts, config=config)
    assert got.anchor_offsets.dtype == np.int64 and got.anchors.dtype == np.uint32
    assert got.anchor_offsets[0] == 0 and got.anchor_offsets[-1] == got.anchors.shape[0]
    for i, text in enumerate(texts):
        hashes = set(_xxh32_list(nz.shingles(text or "", config=config)))
        assert got.n_tokens[i] == len(nz.tokens(text or ""))
        assert got.n_shingles[i] == len(hashes)
        anchors = got.anchors[got.anchor_offsets[i] : got.anchor_offsets[i + 1]]
        assert anchors.tolist() == sorted(h for h in hashes if h % config.anchor_mod == 0)
        if not hashes:
            assert (got.minhash[i] == 0xFFFFFFFF).all()


def test_dense_anchors_use_the_large_sort() -> None:
    text = " ".join(f"w{i}" for i in range(3000))
    got = fp.fingerprints([text], config=Config(anchor_mod=1))
    assert got.anchors.tolist() == sorted(set(_xxh32_list(nz.shingles(text, 5))))


def _encodable(t: str | None) -> bool:
    try:
        (t or "").encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_inputs_batches_and_threads_agree() -> None:
    texts = [t for t in _varied_texts() if _encodable(t)]  # polars cannot hold lone surrogates
    ref = fp.fingerprints(texts, config=CFG, threads=1)
    variants = [
        fp.fingerprints(pl.Series(texts, dtype=pl.String), config=CFG),
        fp.fingerprints(tuple(texts), config=Config(fingerprint_batch_docs=3), threads=2),
        fp.fingerprints(texts, config=Config(fingerprint_batch_docs=100_000), threads=3),
    ]
    for v in variants:
        for name in ("n_tokens", "n_shingles", "minhash", "anchor_offsets", "anchors"):
            assert np.array_equal(getattr(v, name), getattr(ref, name)), name
    assert ref.n_tokens.dtype == np.int32 and ref.n_shingles.dtype == np.int32


def test_empty_input() -> None:
    got = fp.fingerprints([], config=CFG)
    assert got.minhash.shape == (0, CFG.num_perm)
    assert got.anchor_offsets.tolist() == [0] and got.anchors.shape == (0,)
    offsets, hashes = fp.shingle_sets(pl.Series([], dtype=pl.String), config=CFG)
    assert offsets.tolist() == [0] and hashes.shape == (0,)


def test_shingle_sets() -> None:
    texts = _varied_texts()
    offsets, hashes = fp.shingle_sets(texts, config=OTHER)
    assert offsets.dtype == np.int64 and hashes.dtype == np.uint32
    for i, text in enumerate(texts):
        want = sorted(set(_xxh32_list(nz.shingles(text or "", config=OTHER))))
        assert hashes[offsets[i] : offsets[i + 1]].tolist() == want


def test_signature_of() -> None:
    text = " ".join(f"wire{i % 97} copy text" for i in range(150))
    sig = fp.signature_of(text, config=CFG)
    assert np.array_equal(sig, _datasketch(text, CFG))
    assert (fp.signature_of(None, config=CFG) == 0xFFFFFFFF).all()
    times = []
    for _ in range(21):
        t0 = time.perf_counter()
        fp.signature_of(text, config=CFG)
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.005


# ---------------------------------------------------------------- LSH helpers


@pytest.mark.parametrize(
    "threshold,num_perm,fpw,fnw",
    [(0.5, 128, 0.1, 0.9), (0.5, 128, 0.5, 0.5), (0.8, 128, 0.5, 0.5), (0.3, 64, 0.2, 0.8), (0.9, 32, 0.9, 0.1), (0.6, 200, 0.1, 0.9)],
)
def test_lsh_params_match_datasketch(threshold: float, num_perm: int, fpw: float, fnw: float) -> None:
    assert lsh_params(threshold, num_perm, fpw, fnw) == _optimal_param(threshold, num_perm, fpw, fnw)


def test_band_keys() -> None:
    got = fp.fingerprints(_varied_texts()[:60], config=CFG)
    bands, rows = CFG.lsh_bands_rows
    keys = fp.band_keys(got.minhash, bands=bands, rows=rows)
    assert keys.dtype == np.uint64 and keys.shape == (60, bands)
    for i in range(60):
        for j in range(bands):
            raw = got.minhash[i, j * rows : (j + 1) * rows].astype("<u4").tobytes()
            assert int(keys[i, j]) == xxhash.xxh64_intdigest(raw)
    # Equal bands, equal keys; a non-contiguous or big-endian input changes nothing.
    assert np.array_equal(fp.band_keys(got.minhash[::-1], bands=bands, rows=rows), keys[::-1])
    assert np.array_equal(fp.band_keys(got.minhash.astype(">u4"), bands=bands, rows=rows), keys)
    with pytest.raises(ValueError):
        fp.band_keys(got.minhash, bands=bands + 200, rows=rows)


def test_pair_overlaps() -> None:
    rng = np.random.default_rng(5)
    sets = [np.unique(rng.integers(0, 400, size=rng.integers(0, 120))).astype(np.uint32) for _ in range(300)]
    sets[3] = np.empty(0, dtype=np.uint32)
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    hashes = np.concatenate(sets)
    for m in (0, 50, 25_000):  # the last one runs on the thread pool
        a = rng.integers(0, len(sets), size=m)
        b = rng.integers(0, len(sets), size=m)
        got = fp.pair_overlaps(offsets, hashes, a, b)
        assert got.dtype == np.int32 and got.shape == (m,)
        want = [len(set(sets[i].tolist()) & set(sets[j].tolist())) for i, j in zip(a[:2000], b[:2000], strict=False)]
        assert got[:2000].tolist() == want
        if m:
            assert np.array_equal(got, fp.pair_overlaps(offsets, hashes, a, b, threads=1))
    with pytest.raises(IndexError):
        fp.pair_overlaps(offsets, hashes, np.array([0]), np.array([300]))


@pytest.mark.parametrize(
    "text",
    [
        "ΟΔΟΣ ΣΑΣ ΣΑΣ'Β Σ",  # final sigma depends on context: Python lowers these texts
        "İSTANBUL İzmir",  # İ lowers to two code points
        "ȺȾ ⱯⱮ Ꞵ",  # capitals whose lowercase is longer in UTF-8
        "\U0001d6ba\U0001d6ba math sigma",  # NFKC makes a capital sigma
        "ÇA VA, ÉLÈVE ÑANDÚ Ǆ ǅ ǆ",
        "SOFT\u00adHYPHEN ZW\u200dJ VS\ufe0f\U000e0100X",
    ],
)
def test_kernel_lowercasing_matches_str_lower(text: str) -> None:
    config = Config(shingle_size=2, char_shingle_size=2)
    assert fp.shingle_hashes(text, config=config).tolist() == _xxh32_list(nz.shingles(text, config=config))
    assert np.array_equal(fp.signature_of(text, config=CFG), _datasketch(text, CFG))


@pytest.mark.parametrize("field", ["num_perm", "shingle_size", "char_shingle_size", "anchor_mod"])
def test_bad_config_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):  # Config refuses it at once: no stage sees it
        Config(**{field: 0})


def test_pair_overlaps_colliding_hashes_and_one_set_against_many() -> None:
    """Hashes equal in their low bits share table slots (long probe chains); one set paired with many (search)."""
    rng = np.random.default_rng(7)
    sets = [np.unique((rng.integers(0, 31, size=rng.integers(1, 30)) << 27).astype(np.uint32)) for _ in range(40)]
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    hashes = np.concatenate(sets)
    for a, b in ((rng.integers(0, 40, 500), rng.integers(0, 40, 500)), (np.zeros(40, dtype=np.int64), np.arange(40))):
        want = [len(set(sets[i].tolist()) & set(sets[j].tolist())) for i, j in zip(a, b, strict=True)]
        assert fp.pair_overlaps(offsets, hashes, a, b).tolist() == want
        assert fp.pair_overlaps(offsets, hashes, b, a).tolist() == want
