"""Reference text normalization and tokenization: the definition of a shingle.

This module owns what a "token" and a "shingle" are. It is the pure-Python
reference that ``provenance.detect.fingerprint`` (numba) must match bit for bit, and
the source of ``token_spans`` used to show aligned passages in the original
text. Both sides share one per-code-point classification (``char_classes``),
so they cannot drift apart.

Normalization (``normalize``), in this order:

1. Unicode NFKC: folds compatibility forms (full-width Latin, ligatures,
   superscripts, half-width katakana) and composes accents, so the same words
   typed or scraped differently hash alike.
2. ``str.lower()``: case-insensitive matching (headline case, ALL-CAPS leads).
   Lowering after NFKC is Python's full Unicode lowercasing (incl. final sigma).
3. Deleting invisible format characters that occur *inside* words in scraped
   news: soft hyphen, zero-width (non-)joiner, word joiner, BOM and variation
   selectors. Otherwise "in\\u00adformation" would split into two tokens and an
   emoji's variation selector would become a token of its own.

Tokens (``tokens``) on normalized text: a word is a maximal run of letters
(L*), marks (M*) and digits (N*), so Indic vowel signs and viramas stay inside
their word. Letters, marks and digits of scripts written without spaces (Han,
kana, Bopomofo, Yi, Thai, Lao, Tibetan, Myanmar, Khmer, Tai scripts, Balinese,
Javanese) are each a token of their own; character shingles follow. Anything
else (spaces, punctuation, symbols, emoji, controls, unassigned) separates.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from provenance.config import Config

#: Character classes, as stored in ``char_classes()``.
SEPARATOR = 0
WORD = 1
STANDALONE = 2
#: Deleted by ``normalize``; only the fingerprint kernel meets it, and skips it.
IGNORED = 3

#: Bump when the classification or deletion rules change (invalidates disk cache).
RULES_VERSION = 2

#: Code point ranges (inclusive) of scripts written without spaces between words.
SPACELESS_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x1950, 0x197F),  # Tai Le
    (0x1980, 0x19DF),  # New Tai Lue
    (0x19E0, 0x19FF),  # Khmer Symbols
    (0x1A20, 0x1AAF),  # Tai Tham
    (0x1B00, 0x1B7F),  # Balinese
    (0x2E80, 0x2FDF),  # CJK Radicals Supplement, Kangxi Radicals
    (0x3000, 0x303F),  # CJK Symbols and Punctuation (only its letters/digits: 々 〆 〇 ...)
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31BF),  # Bopomofo Extended
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA000, 0xA4CF),  # Yi Syllables, Yi Radicals
    (0xA980, 0xA9DF),  # Javanese
    (0xA9E0, 0xA9FF),  # Myanmar Extended-B
    (0xAA60, 0xAA7F),  # Myanmar Extended-A
    (0xAA80, 0xAADF),  # Tai Viet
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF65, 0xFF9F),  # Half-width Katakana (NFKC folds them, kept for raw input)
    (0x16FE0, 0x16FFF),  # Ideographic Symbols and Punctuation
    (0x1AFF0, 0x1B16F),  # Kana Extended-B, Kana Supplement, Kana Extended-A, Small Kana
    (0x20000, 0x3FFFF),  # CJK Extensions B..I, Compatibility Supplement (planes 2-3)
)

#: Invisible format characters deleted by ``normalize`` (they occur inside words).
DELETED_CHARS: tuple[int, ...] = (
    0x00AD,  # soft hyphen
    0x200C,  # zero-width non-joiner
    0x200D,  # zero-width joiner
    0x2060,  # word joiner
    0xFEFF,  # byte order mark / zero-width no-break space
    *range(0xFE00, 0xFE10),  # variation selectors 1-16
    *range(0xE0100, 0xE01F0),  # variation selectors supplement
)

_N_CODE_POINTS = 0x110000


def _cache_path(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "provenance" / f"{name}-u{unicodedata.unidata_version}-r{RULES_VERSION}.npy"


def _cached_table(name: str, dtype: type, build: Callable[[], np.ndarray]) -> np.ndarray:
    """A per-code-point table from the disk cache, or built and saved there; read-only."""
    path = _cache_path(name)
    try:
        table = np.load(path)
        if table.shape != (_N_CODE_POINTS,) or table.dtype != dtype:
            table = None
    except (OSError, ValueError):
        table = None
    if table is None:
        table = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, table)
            os.replace(tmp, path)
        except OSError:
            pass
    table.flags.writeable = False
    return table


def _build_char_classes() -> np.ndarray:
    spaceless = np.zeros(_N_CODE_POINTS, dtype=bool)
    for lo, hi in SPACELESS_RANGES:
        spaceless[lo : hi + 1] = True
    cls_of = {}
    for cat in ("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"):
        cls_of[cat] = WORD
    category = unicodedata.category
    out = np.frombuffer(
        bytes(cls_of.get(category(chr(cp)), SEPARATOR) for cp in range(_N_CODE_POINTS)),
        dtype=np.uint8,
    ).copy()
    out[(out == WORD) & spaceless] = STANDALONE
    out[list(DELETED_CHARS)] = IGNORED
    return out


@functools.cache
def char_classes() -> np.ndarray:
    """uint8 class (SEPARATOR/WORD/STANDALONE/IGNORED) of every code point, read-only.

    Built from ``unicodedata`` (~0.3 s) and cached on disk per Unicode version.
    """
    return _cached_table("charclass", np.uint8, _build_char_classes)


def _build_lowercase() -> np.ndarray:
    out = np.empty(_N_CODE_POINTS, dtype=np.int32)
    for cp in range(_N_CODE_POINTS):
        low = chr(cp).lower()
        out[cp] = ord(low) if len(low) == 1 else -1
    out[0x03A3] = -1  # capital sigma: str.lower() picks sigma or final sigma by context
    return out


@functools.cache
def lowercase() -> np.ndarray:
    """int32 ``str.lower()`` of every code point, or -1 where it is not one context-free code point.

    Lets the fingerprint kernel lowercase instead of Python (``needs_python_lower``
    tells which texts still need ``str.lower``). Cached on disk like ``char_classes``.
    """
    return _cached_table("lowercase", np.int32, _build_lowercase)


@functools.cache
def _complex_lower_chars() -> tuple[str, ...]:
    return tuple(chr(cp) for cp in np.flatnonzero(lowercase() < 0))


def needs_python_lower(text: str) -> bool:
    """Whether lowercasing ``text`` code point by code point (``lowercase()``) differs from ``str.lower``.

    >>> needs_python_lower("ΟΔΟΣ"), needs_python_lower("İstanbul"), needs_python_lower("Ça")
    (True, True, False)
    """
    return not text.isascii() and any(ch in text for ch in _complex_lower_chars())


@functools.cache
def _char_class_bytes() -> bytes:
    """``char_classes()`` as bytes: indexing it from Python is ~5x faster than numpy."""
    return char_classes().tobytes()


def _ranges_of(table: np.ndarray, cls: int) -> str:
    """A regex character-class body matching exactly the code points of class ``cls``."""
    mask = np.concatenate(([False], table == cls, [False]))
    edges = np.flatnonzero(mask[1:] != mask[:-1])
    parts = []
    for lo, hi in zip(edges[0::2], edges[1::2] - 1, strict=False):
        parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return "".join(parts)


@functools.cache
def _token_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(pattern for text without astral characters, pattern for any text).

    ``re`` tests a character class with astral ranges by scanning a range
    list, ~10x slower than the bitmap it builds for a BMP-only class; nearly
    all text is BMP-only, so that case gets its own pattern.
    """
    table = char_classes()
    bmp = table.copy()
    bmp[0x10000:] = SEPARATOR
    return (
        re.compile(f"[{_ranges_of(bmp, WORD)}]+|[{_ranges_of(bmp, STANDALONE)}]"),
        re.compile(f"[{_ranges_of(table, WORD)}]+|[{_ranges_of(table, STANDALONE)}]"),
    )


_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")
_DELETED_RE = re.compile("[\u00ad\u200c\u200d\u2060\ufeff\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_DELETED_BMP = tuple(chr(c) for c in DELETED_CHARS if c < 0x10000)


def _has_deleted(norm: str) -> bool:
    """Whether ``norm`` holds a DELETED_CHARS character (``in`` is ~10x faster than a regex search)."""
    if norm.isascii():
        return False
    if any(ch in norm for ch in _DELETED_BMP):
        return True
    has_astral = len(norm.encode("utf-16-le", "surrogatepass")) != 2 * len(norm)
    return has_astral and _DELETED_RE.search(norm) is not None


def _pattern_for(norm: str) -> re.Pattern[str]:
    bmp_only, general = _token_res()
    return bmp_only if norm.isascii() or not _ASTRAL_RE.search(norm) else general


def code_points(texts: Sequence[str], *, max_cps: int = 1 << 24) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """The texts as UTF-32 code points (indices as ``str``'s), in chunks of whole texts of about
    ``max_cps`` code points: (the chunk's first text, code points, offsets: its text t is
    ``cps[offsets[t]:offsets[t + 1]]``). Chunked because a batch as one buffer holds 4 bytes per
    character, over a gigabyte for 150k articles."""
    ends = np.cumsum(np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)))
    first = 0
    while first < len(texts):
        base = int(ends[first - 1]) if first else 0
        last = min(len(texts), max(first + 1, int(np.searchsorted(ends, base + max_cps, side="right"))))
        offsets = np.zeros(last - first + 1, dtype=np.int64)
        offsets[1:] = ends[first:last] - base
        cps = np.frombuffer("".join(texts[first:last]).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        yield first, cps, offsets
        first = last


def normalize(text: str) -> str:
    """NFKC, then lowercase, then delete in-word format characters.

    >>> normalize("ＢＲＵＳＳＥＬＳ ﬁnal")
    'brussels final'
    >>> normalize("in\\u00adfor\\u200dmation")
    'information'
    """
    norm = unicodedata.normalize("NFKC", text).lower()
    return _DELETED_RE.sub("", norm) if _has_deleted(norm) else norm


def kernel_text(text: str) -> str:
    """What the fingerprint kernel is given: NFKC, lowercased only where the kernel cannot.

    The kernel lowercases code point by code point (``lowercase()``) and skips
    DELETED_CHARS, which makes its tokens those of ``tokens(text)``; Python
    lowercases only texts with context-dependent or expanding capitals.

    >>> kernel_text("Ｉｎ\u00adfo ΟΔΟΣ")
    'in\xadfo οδος'
    >>> kernel_text("Ｉｎ\u00adfo Ça")
    'In\xadfo Ça'
    """
    norm = unicodedata.normalize("NFKC", text)
    return norm.lower() if needs_python_lower(norm) else norm


def tokens(text: str) -> list[str]:
    """Tokens of ``normalize(text)``: words, and single spaceless-script characters.

    >>> tokens("The U.N. said: 3.5% — 'don't'")
    ['the', 'u', 'n', 'said', '3', '5', 'don', 't']
    >>> tokens("हिन्दी भाषा")
    ['हिन्दी', 'भाषा']
    >>> tokens("東京都in2024年")
    ['東', '京', '都', 'in2024', '年']
    """
    norm = normalize(text)
    return _pattern_for(norm).findall(norm)


def _segments(text: str) -> list[int]:
    """Start offsets of segments that normalize independently of their neighbours.

    A segment starts at a character that is not combining, is not the second
    half of any canonical composition, and whose NFKC form starts likewise.
    Marks, Hangul vowel/trailing jamo and e.g. half-width sound marks thus
    stay with the character they compose with.
    """
    starts = []
    for i, ch in enumerate(text):
        if i == 0 or _is_segment_start(ch):
            starts.append(i)
    return starts


@functools.cache
def _composition_seconds() -> frozenset[str]:
    """Characters that are the second half of some canonical composition pair."""
    seconds = set()
    for cp in range(_N_CODE_POINTS):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2:
                seconds.add(chr(int(parts[1], 16)))
    # Hangul LV + T and L + V compose algorithmically, outside the decomposition data.
    seconds.update(chr(cp) for cp in range(0x1161, 0x1176))
    seconds.update(chr(cp) for cp in range(0x11A8, 0x11C3))
    return frozenset(seconds)


@functools.lru_cache(maxsize=65536)
def _is_segment_start(ch: str) -> bool:
    if unicodedata.combining(ch) or ch in _composition_seconds():
        return False
    n = unicodedata.normalize("NFKC", ch)
    return not n or not (unicodedata.combining(n[0]) or n[0] in _composition_seconds())


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in the ORIGINAL ``text`` of each of ``tokens(text)``.

    Where normalization changes lengths (NFKC expansions and compositions,
    ``İ`` lowercasing to two characters, deleted soft hyphens) offsets are
    mapped through independently normalizing segments. A token made from part
    of one original character (``½`` gives tokens ``1`` and ``2``) gets the
    whole character's span, so spans may then overlap.

    >>> t = "Ｆｕｌｌ-width ﬁne"
    >>> [t[s:e] for s, e in token_spans(t)]
    ['Ｆｕｌｌ', 'width', 'ﬁne']
    """
    norm = normalize(text)
    pattern = _pattern_for(norm)
    if len(norm) == len(text) and norm == text.lower() and unicodedata.is_normalized("NFKC", text):
        # Nothing composed, expanded or deleted: offsets are the same.
        return [m.span() for m in pattern.finditer(norm)]
    origin = _origin_map(text, norm)
    spans = []
    for m in pattern.finditer(norm):
        s, e = m.span()
        spans.append((int(origin[s, 0]), int(origin[e - 1, 1])))
    return spans


def _origin_map(text: str, norm: str) -> np.ndarray:
    """For each character of ``norm``: the [start, end) span in ``text`` it came from."""
    origin = _segment_origin(text, norm)
    if origin is None:
        # Segments interacted (not expected from the segment rules): every
        # character maps to the whole text; token counts stay right, spans coarse.
        origin = np.empty((len(norm), 2), dtype=np.int64)
        origin[:] = (0, len(text))
    return origin


def _segment_origin(text: str, norm: str) -> np.ndarray | None:
    """Origin spans from normalizing segments one by one; None if that changes the classes."""
    starts = _segments(text) + [len(text)]
    pieces = [normalize(text[a:b]) for a, b in zip(starts[:-1], starts[1:], strict=False)]
    joined = "".join(pieces)
    if len(joined) != len(norm) or not _same_classes(joined, norm, char_classes()):
        return None
    origin = np.empty((len(norm), 2), dtype=np.int64)
    pos = 0
    for a, b, piece in zip(starts[:-1], starts[1:], pieces, strict=False):
        origin[pos : pos + len(piece)] = (a, b)
        pos += len(piece)
    return origin


def _same_classes(a: str, b: str, table: np.ndarray) -> bool:
    ca = table[np.frombuffer(a.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
    cb = table[np.frombuffer(b.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
    return bool(np.array_equal(ca, cb))


def shingle_size_for(toks: list[str], config: Config) -> int:
    """``config.char_shingle_size`` if MOSTLY spaceless-script text, else ``config.shingle_size``.

    Mostly means: more than half of the tokens are single spaceless-script
    characters (one kanji in an English story changes nothing; a Chinese
    story quoting an English name is still Chinese).

    >>> shingle_size_for(tokens("中国外交部发言人 said"), Config(shingle_size=4, char_shingle_size=3))
    3
    >>> shingle_size_for(["a"], Config(shingle_size=4, char_shingle_size=3))
    4
    """
    table = _char_class_bytes()
    n_standalone = sum(1 for t in toks if len(t) == 1 and table[ord(t)] == STANDALONE)
    return config.char_shingle_size if 2 * n_standalone > len(toks) else config.shingle_size


def shingles(text: str, k: int | None = None, *, config: Config | None = None) -> list[bytes]:
    """k consecutive tokens joined by one space, UTF-8; ``k`` defaults to ``shingle_size_for``.

    Fewer than k tokens (but at least one) give one shingle of all tokens; no
    tokens give none. Repeated shingles are repeated (a list, not a set).

    >>> shingles("A b, c d", 3)
    [b'a b c', b'b c d']
    >>> shingles("too short", 5)
    [b'too short']
    >>> shingles("…", 5)
    []
    """
    toks = tokens(text)
    if not toks:
        return []
    if k is None:
        k = shingle_size_for(toks, config or Config())
    if k < 1:
        raise ValueError(f"shingle size must be >= 1, got {k}")
    if len(toks) <= k:
        return [" ".join(toks).encode("utf-8")]
    return [" ".join(gram).encode("utf-8") for gram in zip(*(toks[i:] for i in range(k)), strict=False)]
