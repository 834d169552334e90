"""Scraped text pages of real sites: what `provenance ingest` keeps of them, next to the page as saved.

Why: the mission's commonest input is a folder of pages a scraper saved as text (``../shared/samples/``:
the site's menu, the story, "Open in App", "Related Stories"), with no HTML left for an extractor to
read. Our HTML benchmarks (``real_extraction.py``, ``real_segments.py``) measure trafilatura plus our
cleaning; this one measures the cleaning of text pages alone, on the same real pages written out as a
scraper writes them: the visible text of ``<body>``, one line per block element (paragraph, heading,
list item, table cell, ``div``...), blocks separated by a blank line, scripts and styles dropped.

  python benchmarks/real_textpages.py traf TESTS_DIR [--pages OUT] [--json]
      trafilatura's evaluation pages (``tests/evaldata.json``), scored on the passages a person marked
      to keep and to drop (as ``real_segments.py`` scores them).
  python benchmarks/real_textpages.py aeb AEB_DIR [--pages OUT] [--json]
      Zyte's article-extraction benchmark, scored on the hand-written article bodies (4-token shingles,
      as ``real_extraction.py`` scores them).
  python benchmarks/real_textpages.py dates HTMLDATE_TESTS [--pages OUT] [--json]
      htmldate's evaluation pages (both sets), scored on the publication day a person checked (as
      ``real_dates.py`` scores them: right, a day off, wrong, none); the baseline is htmldate's
      ``find_date`` on the same text page.

For these two, each page's title is scored too, against the page's own headline in its HTML (``og:title``,
else ``<h1>``, else ``<title>``): right when one holds the other (a site may add its name), wrong, or none;
the baseline takes the page's first line of 4 to 40 words that ends no sentence.

Both sets hold one page per site, so the per-site chrome learning has nothing to learn from: what is
measured is the rules that work on a page alone (menu and credit line above the story, tail headings,
what follows the story's last paragraph). The baseline, from the same run, is the page as saved (no
cleaning; for dates, htmldate on the text page). A second row ingests the same pages as one JSONL file of
(id, text) records, as scrapers that write JSONL save them: a record whose text is a whole page should be
cleaned as the page file is. ``--pages OUT`` keeps the text pages (as ``KEY.txt``). The corpora are third-party and stay
outside the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import lxml.html

from provenance.engine.pipeline import ingest
from provenance.ingest.pages import _decode_page
from provenance.store import Store

#: Elements a browser lays out as blocks: each starts and ends a line of the saved text.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "button", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "label", "li", "main", "nav", "ol",
    "option", "p", "pre", "section", "select", "table", "td", "th", "tr", "ul",
})
SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe"})


def text_page(html: str | bytes) -> str:
    """The page as a scraper saves it: its body's text, a line per block, a blank line between lines."""
    if isinstance(html, bytes):  # decoded as `provenance ingest` decodes a page file (UTF-8, else its charset)
        html = _decode_page(html, "html")[0]
    tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    body = tree.find("body")
    lines: list[str] = []
    cur: list[str] = []

    def flush() -> None:
        line = " ".join("".join(cur).split())
        if line:
            lines.append(line)
        cur.clear()

    def walk(el) -> None:  # noqa: ANN001 - an lxml element
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag not in SKIP:
            if tag in BLOCKS:
                flush()
            if el.text and tag:
                cur.append(el.text)
            for child in el:
                walk(child)
            if tag in BLOCKS:
                flush()
        if el.tail:
            cur.append(el.tail)

    walk(body if body is not None else tree)
    flush()
    return "\n\n".join(lines)


def ingested(pages: dict[str, str], folder: Path, *, records: bool = False) -> tuple[dict[str, dict], float]:
    """Stored text and day of each text page after `provenance ingest`, and its seconds. The pages are
    written to ``folder`` as ``KEY.txt`` files, or with ``records`` as one JSONL file of (id, text)
    records, as a scraper that writes JSONL saves them."""
    folder.mkdir(parents=True, exist_ok=True)
    if records:
        with open(folder / "pages.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps({"id": key, "text": text}) + "\n" for key, text in pages.items())
    else:
        for key, text in pages.items():
            (folder / f"{key}.txt").write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store.duckdb")
        t0 = time.perf_counter()
        ingest([folder / "pages.jsonl" if records else folder], store=store)
        secs = time.perf_counter() - t0
        arts = store.table("articles", columns=["article_id", "locator", "text", "title", "published_at",
                                                "published_offset"])
    return {(r["article_id"] if records else Path(r["locator"]).stem): {"text": r["text"] or "", "title": r["title"],
                                                                        "day": _day(r)}
            for r in arts.iter_rows(named=True)}, secs


def headline(html: str | bytes) -> str | None:
    """The page's own headline, from its HTML (what a text page no longer has): ``og:title``, else the
    first ``<h1>``, else ``<title>``. A proxy for the title a person would mark: a site may add its name."""
    if isinstance(html, bytes):
        html = _decode_page(html, "html")[0]
    try:
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (ValueError, lxml.etree.ParserError):
        return None
    for path in ("//meta[@property='og:title']/@content", "//h1", "//title"):
        for hit in tree.xpath(path):
            text = " ".join((hit if isinstance(hit, str) else hit.text_content()).split())
            if text:
                return text
    return None


def _words(s: str | None) -> str:
    return " ".join(re.findall(r"\w+", (s or "").casefold()))


def title_verdict(truth: str | None, got: str | None) -> str:
    """right: the stored title is the headline, or the headline is it with the site's name added (one
    holds the other, at least half its length); wrong: another line; none: no title stored."""
    g, t = _words(got), _words(truth)
    if not g:
        return "none"
    short, long_ = sorted((g, t), key=len)
    return "right" if short and short in long_ and len(short) >= 0.5 * len(long_) else "wrong"


def _title_figures(heads: dict[str, str | None], got: dict[str, str | None]) -> dict[str, float]:
    keys = [k for k, h in heads.items() if h]
    v = [title_verdict(heads[k], got.get(k)) for k in keys]
    return {f"title {kind}": round(v.count(kind) / max(1, len(v)), 4) for kind in ("right", "wrong", "none")}


def _first_headline(text: str) -> str | None:
    """Baseline title of a text page: its first line of 4 to 40 words that does not end a sentence."""
    for line in text.splitlines():
        n = len(line.split())
        if 4 <= n <= 40 and not line.rstrip().endswith((".", "!", "?")):
            return line
    return None


def _day(row: dict) -> date | None:
    """The stored date's day on the page's own clock (as ``real_dates.py`` reads it)."""
    at = row["published_at"]
    return (at + timedelta(minutes=row["published_offset"] or 0)).date() if at is not None else None


def _date_figures(truth: dict[str, dict], got: dict[str, date | None]) -> dict[str, float]:
    from real_dates import verdict

    v = [verdict(t["day"], got.get(k)) for k, t in truth.items()]
    return {kind: round(v.count(kind) / len(v), 4) for kind in ("right", "a day off", "wrong", "none")}


def _htmldate_on_text(pages: dict[str, str]) -> dict[str, date | None]:
    from htmldate import find_date

    out: dict[str, date | None] = {}
    for k, text in pages.items():
        try:
            d = find_date(text)
        except Exception:  # noqa: BLE001 - a page it cannot read has no date
            d = None
        out[k] = date.fromisoformat(d) if d else None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", choices=["traf", "aeb", "dates"])
    ap.add_argument("folder", type=Path, help="trafilatura's or htmldate's tests folder, or the Zyte benchmark's")
    ap.add_argument("--pages", type=Path, help="keep the text pages here")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args(argv)
    if args.corpus == "traf":
        from real_segments import load, scores

        truth, html = load(args.folder)
    elif args.corpus == "aeb":
        from real_extraction import load, scores

        truth, html = load(args.folder)
    else:
        from real_dates import load

        truth, html = load(args.folder, "both")
    pages = {}
    for key, h in html.items():
        try:
            pages[key] = text_page(h)
        except (ValueError, lxml.etree.ParserError):  # an empty or unparseable page: nothing a scraper saves
            pages[key] = ""
    saved = {k: t for k, t in pages.items() if t.strip()}
    with tempfile.TemporaryDirectory() as tmp:
        ours, secs = ingested(saved, args.pages or Path(tmp) / "pages")
        as_records, rsecs = ingested(saved, Path(tmp) / "records", records=True)
    runs = {"provenance": ours, "provenance, as JSONL records": as_records}
    figures = {}
    if args.corpus == "dates":
        for name, got in runs.items():
            figures[name] = _date_figures(truth, {k: r["day"] for k, r in got.items()})
        figures["htmldate on the text"] = _date_figures(truth, _htmldate_on_text(pages))
    else:
        heads = {k: headline(h) for k, h in html.items()}
        for name, got in runs.items():
            f, _ = scores(truth, {k: r["text"] for k, r in got.items()})
            figures[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in f.items()}
            figures[name].update(_title_figures(heads, {k: r["title"] for k, r in got.items()}))
        f, _ = scores(truth, pages)
        figures["page as saved"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in f.items()}
        figures["page as saved"].update(_title_figures(heads, {k: _first_headline(t) for k, t in pages.items()}))
    figures["provenance"]["seconds"] = round(secs, 2)
    figures["provenance, as JSONL records"]["seconds"] = round(rsecs, 2)
    if args.json:
        print(json.dumps({"corpus": args.corpus, "pages": len(truth), "figures": figures}, indent=1))
        return 0
    cols = [c for c in ("precision", "recall", "f1", "exact", "accuracy", "right", "a day off", "wrong", "none",
                        "title right", "title wrong", "title none") if c in figures["provenance"]]
    print(f"{args.corpus}: {len(truth)} pages as scraped text")
    print(f"{'':30}" + "".join(f"{c:>11}" for c in cols))
    for name, f in figures.items():
        print(f"{name:30}" + "".join(f"{f[c]:>11.3f}" for c in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
