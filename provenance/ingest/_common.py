"""What every reader shares: field names, byte decoding, binary sniffing, rejects.

Owned here so that the JSONL, tabular and page readers name fields, repair
encodings and report bad input the same way.

Decoding rule (``decode_bytes``): a BOM wins (UTF-8, UTF-16 LE/BE); then strict
UTF-8; then BOM-less UTF-16 when every other byte is NUL; else cp1252, or
latin-1 when cp1252 cannot map a byte. Anything but UTF-8 is reported as a
``bad_encoding`` repair, because a non-UTF-8 file usually means mojibake
somewhere upstream. Text is never silently replaced with U+FFFD.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from provenance.errors import InputError
from provenance.schemas import RAW, REJECTS, conform

#: Our record fields and the column names that mean them, in priority order.
#: A record may carry several (say ``text`` in some rows and ``body`` in
#: others): the first non-null in this order is used.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id", "uuid", "guid"),
    "url": ("url", "link", "canonical_url", "source_url"),
    "outlet": ("outlet", "source", "site", "publisher", "source_domain", "domain", "site_name", "sitename"),
    "published": (
        "published", "date", "published_at", "pubdate", "pub_date", "publish_date",
        "date_publish", "date_published", "datetime", "timestamp",
    ),
    "title": ("title", "headline"),
    "byline": ("byline", "author", "authors", "creator"),
    "text": ("text", "body", "content", "article", "article_text", "maintext", "full_text"),
    "html": ("html", "raw_html", "page_html"),
}
FIELDS = tuple(FIELD_SYNONYMS)
_BINARY_MAGIC = (
    b"PK\x03\x04", b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"PAR1",
    b"7z\xbc\xaf", b"Rar!", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"RIFF", b"\x1f\x8b", b"BZh",
    b"\xfd7zXZ", b"SQLite format",
)


def reject(source: str | None, locator: str | None, reason: str, detail: str, action: str = "skipped") -> dict:
    return {"source": source, "locator": locator, "reason": reason, "detail": detail, "action": action}


def rejects_frame(rows: Iterable[dict]) -> pl.DataFrame:
    rows = list(rows)
    if not rows:
        return pl.DataFrame(schema=REJECTS)
    return conform(pl.DataFrame(rows, schema=REJECTS), REJECTS)


def raw_frame(columns: Mapping[str, Sequence | pl.Series]) -> pl.DataFrame:
    """A RAW frame from equal-length columns (missing fields become null)."""
    n = None
    for v in columns.values():
        n = len(v)
        break
    if not n:
        return pl.DataFrame(schema=RAW)
    data = {k: pl.Series(k, v, dtype=pl.String) if not isinstance(v, pl.Series) else v for k, v in columns.items()}
    return conform(pl.DataFrame(data), RAW)


def resolve_fields(
    columns: Sequence[str], field_map: Mapping[str, str] | None, *, source: str, strict_map: bool
) -> tuple[dict[str, list[str]], list[str]]:
    """Which input columns feed each of our fields, and which columns are unknown.

    ``field_map`` (our field -> their column) wins over synonyms for that field.
    Column names match case-insensitively. ``strict_map``: a mapped column that
    is not among ``columns`` is an error (tabular files, where the header is
    known); for JSON lines it may simply appear in later records.
    """
    field_map = dict(field_map or {})
    bad = [k for k in field_map if k not in FIELD_SYNONYMS]
    if bad:
        raise InputError(
            f"--map names unknown field(s) {', '.join(map(repr, bad))}; fields are: {', '.join(FIELDS)}"
        )
    by_lower: dict[str, list[str]] = {}
    for c in columns:
        by_lower.setdefault(c.lower(), []).append(c)
    used: dict[str, list[str]] = {}
    claimed: set[str] = set()
    for field, col in field_map.items():
        if col in columns:
            used[field] = [col]
        elif by_lower.get(col.lower()):
            used[field] = [by_lower[col.lower()][0]]
        elif strict_map:
            raise InputError(
                f"{source}: --map {field}={col}: no column {col!r}; columns found: {', '.join(columns) or '(none)'}"
            )
        else:
            used[field] = [col]
        claimed.add(used[field][0])
    for field, names in FIELD_SYNONYMS.items():
        if field in used:
            continue
        cols = []
        for name in names:
            for c in by_lower.get(name, []):
                if c not in claimed and c not in cols:
                    cols.append(c)
        if cols:
            used[field] = cols
            claimed.update(cols)
    unknown = [c for c in columns if c not in claimed]
    return used, unknown


def select_fields(df: pl.DataFrame, used: Mapping[str, list[str]]) -> list[pl.Expr]:
    """Expressions producing our fields (as strings) from ``df``'s columns."""
    exprs = []
    for field, cols in used.items():
        present = [c for c in cols if c in df.columns]
        if not present:
            continue
        parts = [pl.col(c).cast(pl.String, strict=False) for c in present]
        e = pl.coalesce(parts) if len(parts) > 1 else parts[0]
        if field == "byline":
            # A JSON list of authors (["A", "B"]) reads as "A, B".
            e = (
                pl.when(e.str.starts_with("[") & e.str.ends_with("]"))
                .then(e.str.replace_all(r'^\[\s*"|"\s*\]$', "").str.replace_all(r'"\s*,\s*"', ", "))
                .otherwise(e)
            )
        exprs.append(e.alias(field))
    return exprs


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode a whole file: ``(text, None)`` for UTF-8, else ``(text, encoding used)``."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), None
        except UnicodeDecodeError:
            data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
        text = data.decode(enc, errors="replace")
        return text, (None if "\ufffd" not in text else "utf-16 (invalid sequences replaced)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    enc16 = _utf16_guess(data)
    if enc16:
        return data.decode(enc16, errors="replace"), enc16
    return damaged_utf8(data) or non_latin_legacy(data) or decode_legacy(data)


#: Legacy encodings of non-Latin scripts that pages still come in (Cyrillic, Greek, Hebrew, Arabic,
#: Korean, Japanese, Chinese, Thai): cp1252 cannot hold any of them, so when the bytes read as one, it is
#: the better guess.
_NON_LATIN_LEGACY = frozenset({
    "cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866", "cp1253", "iso8859_7", "cp1255",
    "iso8859_8", "cp1256", "iso8859_6", "cp949", "euc_kr", "euc_jp", "shift_jis", "cp932", "gb2312", "gbk",
    "gb18030", "big5", "big5hkscs", "cp874", "tis_620", "iso8859_11",
})


def non_latin_legacy(data: bytes) -> tuple[str, str] | None:
    """A whole file in a legacy encoding of a non-Latin script (a Russian page in cp1251, a Korean one in
    EUC-KR, without a charset declaration), or None.

    charset_normalizer guesses; the guess is taken only for the encodings above, with at least 64 bytes
    above ASCII to go on, and when the text it gives is mostly letters of that script. A short or Latin
    text keeps the cp1252 reading: guessers mistake "café crème" for Urdu.
    """
    sample = data[:200_000]
    if len(sample.translate(None, bytes(range(0x80)))) < 64:
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    best = from_bytes(sample).best()
    if best is None or best.encoding not in _NON_LATIN_LEGACY:
        return None
    # judged on the sample (a Python pass over every character of a large file would cost minutes);
    # the whole file is decoded only once the guess is taken
    seen = sample.decode(best.encoding, errors="replace")
    other = sum(1 for c in seen if c.isalpha() and ord(c) > 0x24F)
    latin = sum(1 for c in seen if c.isalpha() and 0x7F < ord(c) <= 0x24F)
    if other < 32 or other < 2 * latin:
        return None
    return data.decode(best.encoding, errors="replace"), best.encoding


def damaged_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few broken sequences (a teaser cut mid-character, a bad copy), or None.

    Text in a legacy 8-bit encoding almost never forms a valid multi-byte UTF-8 sequence, so data whose
    valid non-ASCII characters outnumber its invalid sequences is UTF-8 with damage: decoding all of it
    as cp1252 for one bad byte would garble every accented or non-Latin character on the page.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if bad <= 0 or good <= bad:
        return None
    return text, f"utf-8 ({bad} invalid sequence{'s' if bad > 1 else ''} replaced)"


def decode_legacy(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_line(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return damaged_utf8(data) or decode_legacy(data)


def _utf16_guess(data: bytes) -> str | None:
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we read (images, archives, executables)."""
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_guess(head):
        return False
    if not head:
        return False
    if head.count(0) > max(1, len(head) // 100):
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27, 11))
    return ctrl > 0.05 * len(head)


def strip_nul(text: str) -> tuple[str, int]:
    n = text.count("\x00")
    return (text.replace("\x00", "") if n else text), n
