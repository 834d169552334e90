"""Web archives (WARC and ARC, plain or gzipped) into RAW records: one record per captured HTML page.

Crawls of news sites come as WARC files (Common Crawl's news crawl, Heritrix, wget
``--warc-file``, Webrecorder, Browsertrix). Each ``response`` record with status 200 and an
HTML content type (and each ``resource`` record of HTML, as Webrecorder writes them) becomes
a page record, read as :func:`provenance.ingest.pages.read_page` reads a page file (same
decoding, NUL and binary checks), with two differences that the archive makes possible:

* ``url`` and ``outlet`` come from the URL that was fetched (``WARC-Target-URI``), not from
  the page's canonical link: a syndicated copy often points its canonical link at the
  original, and taking it would give the copy to the outlet it copied.
* the HTTP ``Content-Type`` charset is tried after UTF-8 and before the page's own
  ``<meta charset>``.

``source`` is the archive's path and ``locator`` the record's byte offset in it (``@1234``;
for a gzipped archive, the offset of its gzip member), which is how WARC indexes (CDX) point
at a record. The capture time (``WARC-Date``) is *not* a publication date and is not used
as one: a page crawled a week later was not published then.

Skipped without a reject: ``request``, ``metadata``, ``warcinfo`` and ``conversion`` records
(bookkeeping, never a page). Skipped and counted, one ``warc_records`` reject per archive and
kind: captures that are not HTML (images, scripts, style sheets; the commonest types named),
responses other than 200 (redirects, errors; by status), ``revisit`` records (a re-crawl
found the page unchanged: its first capture is the page) and payloads over
:data:`MAX_PAGE_BYTES`. An archive that breaks part-way (truncated, corrupt) keeps the
pages before the break and ends with a ``corrupt_file`` reject.
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import polars as pl

from provenance.ingest._common import reject, rejects_frame
from provenance.ingest.pages import is_http, looks_html, read_page, url_host
from provenance.schemas import RAW, conform

__all__ = ["iter_warc", "read_warc", "is_warc_head", "MAX_PAGE_BYTES"]

# warcio logs a repaired URL ("Replacing spaces in invalid WARC-Target-URI") per record; with no handler
# Python prints each to stderr, through the progress display. A handler of ours keeps them for a caller who
# configured logging, and quiet otherwise.
logging.getLogger("warcio").addHandler(logging.NullHandler())

#: A page payload above this is not read (a video served as text/html, a runaway capture).
MAX_PAGE_BYTES = 32 << 20
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_NOT_PAGES = frozenset({"request", "metadata", "warcinfo", "conversion", "continuation"})


class _CutShort(Exception):
    """The archive ends inside a record (a crawl copied or written only in part)."""


def is_warc_head(head: bytes) -> bool:
    """Do these first bytes (decompressed) start a WARC or ARC file?"""
    head = head.lstrip(b"\r\n")
    return head.startswith(b"WARC/") or head.startswith(b"filedesc://")


def read_warc(data: bytes | Path, *, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A whole archive (its bytes, or its path) at once: (RAW, REJECTS)."""
    parts = list(iter_warc(data, source=source, batch_records=None))
    return (pl.concat([r for r, _ in parts], how="vertical"), pl.concat([j for _, j in parts], how="vertical"))


def iter_warc(
    path: Path | bytes, *, source: str, batch_records: int | None, field_map: Any = None
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """An archive in pieces of about ``batch_records`` pages (one piece if None): (RAW, REJECTS) per piece.

    ``field_map`` is accepted for the readers' common call and unused: an archive has no columns.
    Memory holds one piece of pages; the archive streams record by record. An archive gzipped whole
    (``gzip crawl.warc``) rather than record by record is read through one decompressor; its
    locators are then offsets in the decompressed archive.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    yielded = False
    for whole_gzip in (False, True):
        rows: list[dict] = []
        rejects: list[dict] = []
        skipped: dict[str, Counter] = {k: Counter() for k in ("type", "status", "revisit", "large")}
        again = False
        raw = io.BytesIO(path) if isinstance(path, bytes) else open(path, "rb")  # noqa: SIM115 - closed below
        fh: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if whole_gzip else raw
        try:
            it = ArchiveIterator(fh, arc2warc=True)
            while True:
                try:
                    record = next(it, None)
                    if record is None:
                        break
                    offset = it.offset
                    page = _page(record, skipped)
                except _CutShort:
                    rejects.append(reject(source, f"@{it.offset}", "corrupt_file",
                                          "the archive ends inside this record; the pages before it were kept"))
                    break
                except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as e:
                    if not whole_gzip and not yielded and "non-chunked gzip" in str(e):
                        again = True  # gzipped whole: read it again through one decompressor
                        break
                    rejects.append(reject(source, None, "corrupt_file",
                                          f"reading stopped: {' '.join(str(e).split())}; the pages before the break were kept"))
                    break
                if page is None:
                    continue
                url, data, charset = page
                rec, rej = read_page(data, fmt="html", source=source, locator=f"@{offset}", outlet_hint=None,
                                     charset=charset)
                rejects.extend(rej)
                if rec is not None:
                    if is_http(url):  # else what the page says of itself
                        rec["url"] = url
                        rec["outlet"] = url_host(url) or rec.get("outlet")
                    rows.append(rec)
                if batch_records and len(rows) >= batch_records:
                    yield _frame(rows), rejects_frame(rejects)
                    yielded = True
                    rows, rejects = [], []
        finally:
            fh.close()
            raw.close()
        if not again:
            break
    rejects.extend(_summary(source, skipped))
    yield _frame(rows), rejects_frame(rejects)


def _page(record: Any, skipped: dict[str, Counter]) -> tuple[str, bytes, str | None] | None:
    """(fetched URL, payload, HTTP charset) of a record that holds an HTML page, else None (counted).

    Raises :class:`_CutShort` for a page whose payload ends before its declared length (warcio reads a
    truncated archive to its end without a word) and for a record with no type (what is left of one)."""
    kind = record.rec_type
    if kind is None:
        raise _CutShort
    if kind in _NOT_PAGES:
        return None
    if kind == "revisit":
        skipped["revisit"]["revisit"] += 1
        return None
    if kind not in ("response", "resource"):
        skipped["type"][f"{kind} record"] += 1
        return None
    if kind == "response" and record.http_headers is None:  # a DNS or FTP capture
        skipped["type"][record.rec_headers.get_header("Content-Type") or "no HTTP headers"] += 1
        return None
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or "?"
        if status != "200":
            skipped["status"][status] += 1
            return None
        ctype = record.http_headers.get_header("Content-Type") or ""
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""
    mime = ctype.split(";", 1)[0].strip().lower()
    data = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if mime not in _HTML_TYPES and not (mime in ("", "application/octet-stream", "text/plain") and looks_html(data)):
        skipped["type"][mime or "no content type"] += 1
        return None
    if len(data) > MAX_PAGE_BYTES:
        skipped["large"]["large"] += 1
        return None
    if getattr(record.raw_stream, "limit", 0) > 0:  # the record's bytes stop short of its Content-Length
        raise _CutShort
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    return url, data, _charset(ctype)


def _charset(ctype: str) -> str | None:
    for part in ctype.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None


def _summary(source: str, skipped: dict[str, Counter]) -> list[dict]:
    """One reject per kind of skipped capture, with counts (an archive holds thousands of images)."""
    out = []
    if n := sum(skipped["type"].values()):
        common = ", ".join(f"{t} {c:,}" for t, c in skipped["type"].most_common(5))
        out.append(reject(source, None, "warc_records", f"captures that are not HTML pages: {n:,} ({common})"))
    if n := sum(skipped["status"].values()):
        common = ", ".join(f"{s}: {c:,}" for s, c in skipped["status"].most_common(5))
        out.append(reject(source, None, "warc_records", f"responses other than 200 OK: {n:,} ({common})"))
    if n := skipped["revisit"]["revisit"]:
        out.append(reject(source, None, "warc_records",
                          f"revisit records: {n:,} (a later capture found the page unchanged; its first capture is read)"))
    if n := skipped["large"]["large"]:
        out.append(reject(source, None, "warc_records", f"HTML payloads over {MAX_PAGE_BYTES:,} bytes: {n:,}"))
    return out


def _frame(rows: list[dict]) -> pl.DataFrame:
    return conform(pl.DataFrame(rows, schema={k: pl.String for k in RAW}), RAW)
