"""Real pages as a crawl: a web archive of trafilatura's evaluation pages against the folder of the same pages.

  python benchmarks/real_warc.py TESTS_DIR [--json]

``TESTS_DIR`` is trafilatura's ``tests`` folder (see ``real_segments.py``). Every page is written twice into a
temporary folder: as a file, and as the ``response`` record of a gzipped WARC fetched from its URL (the
corpus key; for the few keys that are no URL, the page's canonical link), each followed by a request and an
image, as a crawler writes them. Both are ingested into fresh stores with ``provenance ingest``, and the
articles are matched by their cleaned text. Printed: pages, articles stored from each, texts found in both,
and how many of those differ in title, byline, date and outlet; with the seconds each ingest took.

What the comparison shows: reading a page out of an archive changes nothing of its extraction, and what the
archive adds is the URL the page was fetched from, which replaces the canonical link for the outlet (a
syndicated copy often points its canonical link at the original).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl
from real_segments import load
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provenance.engine.pipeline import ingest
from provenance.store import Store

_CANONICAL = re.compile(rb"""<link[^>]*rel=["']canonical["'][^>]*href=["'](https?://[^"']+)""", re.I)


def write_crawl(truth: dict[str, dict], pages: dict[str, bytes], archive: Path, folder: Path) -> int:
    n = 0
    with open(archive, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for key, body in pages.items():
            url = truth[key]["url"]
            if not url.startswith(("http://", "https://")):
                m = _CANONICAL.search(body[:200_000])
                if not m:
                    continue
                url = m.group(1).decode("utf-8", "replace")
            (folder / f"{key}.html").write_bytes(body)
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "crawl")], is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req))
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))
            img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url + "/lead.png", "response", payload=io.BytesIO(b"\x89PNG" + bytes(200)),
                                                http_headers=img))
            n += 1
    return n


def articles(store: Path) -> pl.DataFrame:
    con = duckdb.connect(str(store), read_only=True)
    try:
        cur = con.execute("select outlet, title, byline, cast(published_at as varchar) published, text from articles")
        return pl.DataFrame(cur.fetchall(), schema=[d[0] for d in cur.description], orient="row")
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tests", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    truth, pages = load(args.tests)
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        folder = tmpd / "pages"
        folder.mkdir()
        n = write_crawl(truth, pages, tmpd / "crawl.warc.gz", folder)
        secs = {}
        for name, src in (("folder", folder), ("warc", tmpd / "crawl.warc.gz")):
            t = time.perf_counter()
            ingest([src], store=Store(tmpd / f"{name}.duckdb"))
            secs[name] = round(time.perf_counter() - t, 1)
        a, b = articles(tmpd / "folder.duckdb"), articles(tmpd / "warc.duckdb")
    both = b.join(a, on="text", how="inner", suffix="_folder")
    out = {
        "pages": n, "articles_folder": a.height, "articles_warc": b.height, "same_text": both.height,
        **{f"{c}_differs": both.filter(pl.col(c).ne_missing(pl.col(f"{c}_folder"))).height
           for c in ("title", "byline", "published", "outlet")},
        "seconds": secs,
    }
    if args.json:
        json.dump(out, sys.stdout, indent=1)
        print()
        return
    print(f"{n} pages; stored from the folder {a.height}, from the web archive {b.height}; same text {both.height}")
    print(f"of those, differing: title {out['title_differs']}, byline {out['byline_differs']}, "
          f"date {out['published_differs']}, outlet {out['outlet_differs']} (the archive's is the fetched host)")
    print(f"ingest seconds: folder {secs['folder']}, web archive {secs['warc']}")


if __name__ == "__main__":
    main()
