"""Extraction: RAW records into clean articles, with rejects and learned site chrome.

Owns the step from "what a reader found" to "the text we fingerprint". The
fingerprint must depend on the story only, so everything an outlet wraps
around a story is removed here, and everything we removed stays visible in
``raw_text`` for attribution.

Per record:

* HTML (records with ``html`` and no ``text``): ``<script>``/``<style>`` and
  similar are cut first (linear scan), pages over ``HTML_MAX_CHARS`` are cut
  there (``oversized_html``, repaired) so a 20 MB page costs seconds, not
  minutes; trafilatura gives the main text (one paragraph per line), title,
  author and a day-precision date. The minute comes from the page's own
  metadata when present: ``article:published_time`` / ``og:published_time``,
  JSON-LD ``datePublished``, ``itemprop=datePublished``, common ``<meta
  name=...>`` dates, then ``<time datetime>``. A record with ``text`` uses it,
  even if it also has ``html``: the supplier already extracted it.
* Text (``.txt`` pages, text records, and the HTML-extracted text) is cut into
  lines; blank lines are dropped and every remaining line is a paragraph. Then:

  - chrome lines go: language-level ones (``STATIC_CHROME``: "Open in App",
    "Epaper", share/follow/subscribe lines, "Advertisement"...) and the
    outlet's learned chrome (below);
  - a teaser, a line ending in "..."/"…" whose text starts a later line, goes;
  - "Also Read: <headline>" lines go, and a "Related Stories" / "Also Read" /
    "Trending"... heading cuts the page from there on, but only once a real
    paragraph (15+ words) came before it;
  - the header: a credit line ("By IANS | Updated: October 16, 2024 16:45
    IST", "IANS | Updated: ...", "Published: ...", a bare date line) among the
    first lines gives ``byline`` and the page date; the line before it is the
    title, and everything up to the credit line (menus, title) goes. A .txt
    page without a credit line: the lines before its first real paragraph are
    menu and title (the last headline-like one is the title). A plain text
    record is not searched for a title: its first line may be the lead;
  - a first line equal to the title goes;
  - the dateline ("Seoul, Oct 16", "NEW DELHI, Oct 16 (IANS) -",
    "WASHINGTON (AP) —") at the start of the first paragraph goes to
    ``dateline`` (place and date, as written) and is *removed* from ``text``
    together with its agency tag and dash, so copies with different dateline
    styles fingerprint alike; ``raw_text`` keeps it for attribution;
  - auto-publication disclaimers go (``provenance.boilerplate``).

  ``raw_text`` is the page text unchanged (for HTML: trafilatura's text).
* Record fields win over what the page says (title, byline, url, published);
  ``outlet`` is the given one, else the URL host (lowercase, no ``www.``).
  ``published``: the record's date, else the page header's, else the HTML
  metadata's. When some date string was found but none could be read, the
  article keeps a null date and a ``bad_date`` reject (repaired) says so; no
  date at all is not a reject.
* ``article_id``: the given id (stripped); else ``u`` + xxh64 hex of the
  normalized URL (host lowercased without ``www.``, scheme, fragment, tracking
  parameters and trailing ``/`` dropped, so http/https and utm variants of
  one page share an id); else ``t`` + xxh64 hex of the clean text.
  ``content_hash`` is xxh64 hex of ``text``.
* Rejects: ``empty_text`` (skipped) when nothing is left; ``oversized_text``
  (repaired) when ``text`` exceeds ``config.max_text_chars``: cut at the last
  paragraph break before the limit.

Learned chrome (``CHROME_STATS``): for every outlet, how many of its pages
carry each normalized line (lowercased, whitespace collapsed; xxh64), plus
the page count under ``line_hash`` 0. Identical pages of one outlet in one
batch count once. The counts are summed with those of earlier ingests and a
line is chrome for *that outlet* (never across outlets: wire paragraphs recur
across outlets legitimately) when it is on at least

  * ``max(3, 2% of pages)`` pages for lines of up to 6 words (menus, labels);
  * ``max(5, 5% of pages)`` pages for 7-25 words (slogans, one-line blurbs);
  * ``max(20, 25% of pages)`` pages for longer lines.

The floors make the rule hold for small outlets: with 3 pages a menu line
must be on all 3, and no sentence-length line can be learned before 5 pages
(long paragraphs before 20), so three updates of one story do not erase each
other. The fractions make it hold for big ones: with 30k pages a menu line
needs 600 pages (real chrome is on nearly all), while a wire background
paragraph would need 7,500 of one outlet's stories to be dropped.

Speed: everything on plain text is polars string operations over exploded
lines; Python runs per record only for HTML, for the header of pages that
have one, and for the rare texts with a disclaimer or oversize.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import polars as pl
import xxhash

from provenance.boilerplate import strip_disclaimers
from provenance.config import Config
from provenance.dates import parse_published, parse_published_series
from provenance.schemas import CHROME_STATS, EXTRACTED, RAW, REJECTS, conform

HTML_MAX_CHARS = 2_000_000
#: Lines looked at for a page header (menu, title, credit line).
HEADER_LINES = 12

# ---------------------------------------------------------------- patterns
# Rust-regex patterns (polars) run on the *normalized* line: lowercase,
# whitespace collapsed, stripped.

_SHARE = r"(?:facebook|twitter|x|whatsapp|telegram|linkedin|email|e-mail|reddit|pinterest|koo|instagram|youtube)"
STATIC_CHROME = (
    r"^(?:open in app|epaper|e-paper|e paper|download (?:the )?(?:\w+ )?app.{0,40}|get the app|install app"
    r"|subscribe(?: now| to .{1,40})?|sign in|sign up|log ?in|register|my account|advertisement|advertisment"
    r"|ad|ads|sponsored|promoted|share(?: this| the)?(?: article| story| post| news)?(?: on .{1,30})?:?"
    r"|share via .{1,30}|follow us(?: on .{1,60})?|tweet|" + _SHARE + r"(?: \| " + _SHARE + r")*"
    r"|print|copy link|link copied|comments?|\d+ comments?|listen(?: to (?:this|the) (?:article|story))?"
    r"|font size|text size|a\+? ?a-?|skip to (?:main )?content|menu|search|home|back to top|scroll to top"
    r"|click here to .{1,60}|read (?:the )?full (?:story|article)|continue reading|story continues below"
    r"|(?:story|article) continues below (?:this )?advertisement|loading\.*|please wait\.*)$"
)
TAIL_HEADING = (
    r"^(?:(?:[a-z]+ )?(?:related|realted) (?:stories|story|news|articles|posts|topics|content|videos|links)"
    r"|also read|read also|read more|more stories|more news|more from [a-z0-9 .&'-]{1,40}|you may also like"
    r"|you might also like|recommended(?: for you| stories| articles)?|trending(?: now| stories| news)?"
    r"|most read|most popular|popular (?:stories|news)|top stories|latest news|latest stories|must read"
    r"|don't miss|also watch|watch more|also see|see also|more on this|in other news)\s*:?$"
)
INLINE_READ = r"^(?:also read|read also|read more|also see|see also|must read|also watch|watch|listen)\s*[:|\-–—]\s*\S"
HEADER_HINT = (
    r"^(?:by|written by|reported by|posted by|edited by)\b|\|\s*(?:last )?(?:updated|published|posted)\b"
    r"|^(?:last |first )?(?:updated|published|posted)\b"
    r"|^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"|^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|^\d{4}-\d{2}-\d{2}"
)
TEASER_END = r"(?:\.\.\.|…)$"
# Cheap superset of provenance.boilerplate.DISCLAIMER: every pattern there needs one of these.
DISCLAIMER_HINT = r"(?i)(?:published|generated)\s+(?:from|via|through)|(?:reworked|changed|edited)\s+by"

_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PLACE = r"[A-Z][A-Za-z'’.\-]*(?:[ \-][A-Z][A-Za-z'’.\-]*){0,3}(?:\s*\[[^\]]{1,30}\])?"
_AGENCY = r"(?:\s*\((?:[A-Za-z][A-Za-z .&/\-]{0,30})\))?"
_SEP = r"(?:\s*(?:[:\-–—]+\s*|\s)|$)"
#: Datelines at the start of the first paragraph; group 1 is the dateline as stored.
DATELINES = [
    # Seoul, Oct 16 / New Delhi [India], Oct. 16, 2024 (ANI):
    r"^(" + _PLACE + r",\s*" + _MON + r"\s+\d{1,2}(?:,\s*\d{4})?)" + _AGENCY + _SEP,
    # WASHINGTON (AP) — / NEW DELHI: / LONDON, England (Reuters) -
    r"^([A-Z][A-Z'’.\-]+(?:[ \-][A-Z][A-Z'’.\-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+){0,2})" + _AGENCY + r"\s*(?:--|[:–—\-])\s*",
    # Seoul (Yonhap) --
    r"^(" + _PLACE + r")\s*\((?:[A-Za-z][A-Za-z .&/\-]{0,30})\)\s*(?:--|[:–—\-])\s*",
]

# Python patterns for the header resolver.
_BYLINE = re.compile(r"^(?:by|written by|reported by|posted by|edited by)\s*:?\s+(.{1,120})$", re.I)
_DATE_LABEL = re.compile(
    r"^\s*(?:(?:last|first)\s+)?(updated|published|posted|modified)\s*(?:on|at)?\s*(:)?\s*(.*)$", re.I
)
_NAME_WORD = re.compile(r"^(?:[A-Z0-9&(\"'“‘][\w.'’&()\-]*|and|of|the|de|da|del|van|von|der|for|with|in|our|a|staff|team)$")
_SENT_END = re.compile(r"[.!?][\"'”’)]*$|[.!?]$")


# ---------------------------------------------------------------- hashing

def _xxh64_u64(s: pl.Series) -> pl.Series:
    f = xxhash.xxh64_intdigest
    vals = [None if x is None else (f(x.encode("utf-8", "surrogatepass")) or 1) for x in s.to_list()]
    return pl.Series(s.name, vals, dtype=pl.UInt64)


def _xxh64_hex(s: pl.Series) -> pl.Series:
    f = xxhash.xxh64_hexdigest
    vals = [None if x is None else f(x.encode("utf-8", "surrogatepass")) for x in s.to_list()]
    return pl.Series(s.name, vals, dtype=pl.String)


def line_key(line: str) -> str:
    """The normalized form of a line that chrome statistics count."""
    return re.sub(r"\s+", " ", line.replace("\u200b", " ")).strip().lower()


def line_hash(line: str) -> int:
    """``CHROME_STATS.line_hash`` of a line (xxh64 of :func:`line_key`; never 0)."""
    return xxhash.xxh64_intdigest(line_key(line).encode("utf-8", "surrogatepass")) or 1


def chrome_min_pages(n_pages: int, words: int) -> int:
    """How many of an outlet's ``n_pages`` must carry a ``words``-word line for it to be chrome."""
    import math

    if words <= 6:
        return max(3, math.ceil(0.02 * n_pages))
    if words <= 25:
        return max(5, math.ceil(0.05 * n_pages))
    return max(20, math.ceil(0.25 * n_pages))


def _chrome_min_pages_expr(n: pl.Expr, words: pl.Expr) -> pl.Expr:
    nf = n.cast(pl.Float64)
    return (
        pl.when(words <= 6)
        .then(pl.max_horizontal(pl.lit(3.0), (nf * 0.02).ceil()))
        .when(words <= 25)
        .then(pl.max_horizontal(pl.lit(5.0), (nf * 0.05).ceil()))
        .otherwise(pl.max_horizontal(pl.lit(20.0), (nf * 0.25).ceil()))
    )


# ---------------------------------------------------------------- entry point

def extract(
    raw: pl.DataFrame, *, config: Config, chrome_stats: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """RAW records -> ``(EXTRACTED articles, REJECTS, CHROME_STATS old + this batch)``."""
    raw = conform(raw, RAW)
    old_stats = conform(chrome_stats, CHROME_STATS) if chrome_stats is not None else pl.DataFrame(schema=CHROME_STATS)
    rejects: list[dict] = []
    df = raw.with_row_index("__rid").with_columns(
        pl.col("__rid").cast(pl.Int64),
        *[pl.col(c).str.strip_chars() for c in ("id", "url", "outlet", "title", "byline", "published")],
    ).with_columns(
        [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in ("id", "url", "outlet", "title", "byline", "published")]
    )
    has_text = pl.col("text").is_not_null() & (pl.col("text").str.strip_chars().str.len_bytes() > 0)
    has_html = pl.col("html").is_not_null() & (pl.col("html").str.strip_chars().str.len_bytes() > 0)
    df = df.with_columns(has_text.alias("__has_text"), (~has_text & has_html).alias("__is_html"))

    html = _extract_html_rows(df.filter(pl.col("__is_html")), rejects)
    df = df.join(html, on="__rid", how="left", maintain_order="left").with_columns(
        pl.when(pl.col("__has_text")).then(pl.col("text")).otherwise(pl.col("h_text")).alias("__body"),
        pl.coalesce("url", "h_url").alias("url"),
    )
    df = df.with_columns(
        pl.coalesce("outlet", _host_expr(pl.col("url"))).alias("outlet"),
        pl.col("__body").alias("raw_text"),
    )

    body, stats = _clean_texts(df, old_stats, rejects)
    df = df.drop("text", "html").join(body, on="__rid", how="left", maintain_order="left")

    # Dates: the record's, else the page header's, else the HTML metadata's.
    t1, p1 = parse_published_series(df.get_column("published"))
    t2, p2 = parse_published_series(df.get_column("r_date"))
    t3, p3 = parse_published_series(df.get_column("h_published"))
    df = df.with_columns(
        pl.coalesce(t1, t2, t3).alias("published_at"),
        pl.when(t1.is_not_null()).then(p1).when(t2.is_not_null()).then(p2).otherwise(p3).alias("published_precision"),
    )
    bad_date = df.filter(
        pl.col("published_at").is_null()
        & pl.any_horizontal(pl.col("published").is_not_null(), pl.col("r_date").is_not_null(), pl.col("h_published").is_not_null())
        & pl.col("text").is_not_null()
        & (pl.col("text") != "")
    )
    for row in bad_date.select("source", "locator", "published", "r_date", "h_published").iter_rows():
        s = next(x for x in row[2:] if x is not None)
        rejects.append(_rej(row[0], row[1], "bad_date", f"unreadable date {s[:80]!r}; published_at left null", "repaired"))

    df = df.with_columns(
        pl.coalesce("title", "r_title", "h_title").alias("title"),
        pl.coalesce("byline", "r_byline", "h_byline").alias("byline"),
    )

    # Oversized: cut at a paragraph boundary.
    limit = config.max_text_chars
    too_long = df.filter(pl.col("text").str.len_chars() > limit)
    if too_long.height:
        cut = {
            rid: _truncate(t, limit)
            for rid, t in too_long.select("__rid", "text").iter_rows()
        }
        for src, loc, t in too_long.select("source", "locator", "text").iter_rows():
            rejects.append(
                _rej(src, loc, "oversized_text", f"text of {len(t)} chars cut to at most {limit} at a paragraph break", "repaired")
            )
        df = df.with_columns(
            pl.when(pl.col("__rid").is_in(list(cut)))
            .then(pl.col("__rid").replace_strict(cut, default=None, return_dtype=pl.String))
            .otherwise(pl.col("text"))
            .alias("text")
        )

    empty = df.filter(pl.col("text").is_null() | (pl.col("text") == ""))
    for src, loc, is_html in empty.select("source", "locator", "__is_html").iter_rows():
        rejects.append(
            _rej(src, loc, "empty_text", "no article text in the page" if is_html else "no article text after cleaning")
        )
    df = df.filter(pl.col("text").is_not_null() & (pl.col("text") != ""))

    # Ids and hashes.
    content_hash = _xxh64_hex(df.get_column("text"))
    df = df.with_columns(content_hash.alias("content_hash"))
    url_key = _normalized_url_expr(pl.col("url"))
    df = df.with_columns(url_key.alias("__url_key"))
    need_url_id = df.filter(pl.col("id").is_null() & pl.col("__url_key").is_not_null())
    url_ids = _xxh64_hex(need_url_id.get_column("__url_key"))
    df = df.join(
        pl.DataFrame({"__rid": need_url_id.get_column("__rid"), "__uid": url_ids}),
        on="__rid", how="left", maintain_order="left",
    )
    df = df.with_columns(
        pl.coalesce(
            "id",
            pl.lit("u") + pl.col("__uid"),
            pl.lit("t") + pl.col("content_hash"),
        ).alias("article_id")
    )
    articles = conform(df, EXTRACTED)
    rej = conform(pl.DataFrame(rejects, schema=REJECTS), REJECTS) if rejects else pl.DataFrame(schema=REJECTS)
    return articles, rej, stats


def _rej(source, locator, reason, detail, action="skipped") -> dict:
    return {"source": source, "locator": locator, "reason": reason, "detail": detail, "action": action}


def _truncate(text: str, limit: int) -> str:
    cut = text.rfind("\n\n", 0, limit + 1)
    if cut <= 0:
        cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        cut = limit
    return text[:cut].rstrip()


# ---------------------------------------------------------------- URLs

_URL_RE = r"^(?i)(?:[a-z][a-z0-9+.\-]*:)?//(?:[^@/?#]*@)?([^/?#:]+)(?::\d+)?([^#]*)"


def _host_expr(url: pl.Expr) -> pl.Expr:
    host = url.str.extract(_URL_RE, 1).str.to_lowercase().str.strip_chars_end(".")
    return host.str.replace(r"^www\.", "")


def _normalized_url_expr(url: pl.Expr) -> pl.Expr:
    rest = url.str.extract(_URL_RE, 2)
    rest = (
        rest.str.replace_all(r"([?&])(?:utm_[^&=]*|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)=[^&]*", "$1")
        .str.replace_all(r"&&+", "&")
        .str.replace(r"\?&", "?")
        .str.replace(r"[?&]$", "")
        .str.replace(r"/+(\?|$)", "$1")
    )
    host = _host_expr(url)
    return pl.when(host.is_not_null()).then(host + rest.fill_null(""))


# ---------------------------------------------------------------- HTML

_SCRIPTISH = re.compile(r"<(script|style|noscript|template|svg|iframe|object)\b([^>]{0,500})", re.I)


def _drop_scripts(html: str) -> str:
    """Cut script-like elements in one pass (an unclosed one ends the page); JSON-LD stays."""
    out, pos = [], 0
    while True:
        m = _SCRIPTISH.search(html, pos)
        if not m:
            out.append(html[pos:])
            break
        close = re.compile(r"</" + m.group(1) + r"\s*>", re.I).search(html, m.end())
        keep = m.group(1).lower() == "script" and "ld+json" in m.group(2).lower()  # metadata, not code
        out.append(html[pos : close.end() if (keep and close) else m.start()])
        if not close:
            break
        pos = close.end()
    return "".join(out)


_META_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "dc.date.issued",
    "dc.date", "dcterms.created", "parsely-pub-date", "sailthru.date", "date",
)


def _meta_dates(tree) -> list[str]:
    """Publication date strings the page declares, best first."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        val = (el.get("content") or "").strip()
        if key in _META_KEYS and val and key not in found:
            found[key] = val
    ld: list[str] = []
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text or len(el.text) > 1_000_000:
            continue
        try:
            _walk_ld(json.loads(el.text), ld, 0)
        except (ValueError, RecursionError):
            continue
    items = []
    for k in _META_KEYS[:3]:
        if k in found:
            items.append(found[k])
    items += ld
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if (el.get("itemprop") or "").lower() == "datepublished":
            v = el.get("datetime") or el.get("content")
            if v:
                items.append(v)
    items += [found[k] for k in _META_KEYS[3:] if k in found]
    items += [t.get("datetime") for t in tree.iter("time") if t.get("datetime")][:3]
    return items


def _walk_ld(obj, out: list[str], depth: int) -> None:
    if depth > 6 or len(out) > 5:
        return
    if isinstance(obj, dict):
        v = obj.get("datePublished")
        if isinstance(v, str):
            out.append(v)
        for k in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart"):
            if k in obj:
                _walk_ld(obj[k], out, depth + 1)
    elif isinstance(obj, list):
        for x in obj[:50]:
            _walk_ld(x, out, depth + 1)


def html_article(html: str) -> dict:
    """One HTML page -> ``{text, title, byline, published, url, oversized}`` (values may be None)."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    out = {"text": None, "title": None, "byline": None, "published": None, "url": None, "oversized": False}
    html = _drop_scripts(html)
    if len(html) > HTML_MAX_CHARS:
        html = html[:HTML_MAX_CHARS]
        out["oversized"] = True
    low = html[:5000].lower()
    if "<html" not in low and "<body" not in low:
        html = "<html><body>" + html + "</body></html>"  # a fragment, as feeds' html fields often are
    try:
        tree = load_html(html)
    except Exception:  # noqa: BLE001 - unparseable markup is an empty page, never a crash
        tree = None
    if tree is None:
        return out
    try:
        dates = _meta_dates(tree)
    except Exception:  # noqa: BLE001
        dates = []
    best_day = None
    for d in dates:
        t, p = parse_published(d)
        if p == "minute":
            out["published"] = d
            break
        if p == "day" and best_day is None:
            best_day = d
    try:
        doc = bare_extraction(
            tree, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # noqa: BLE001 - trafilatura failing on hostile markup: no text
        doc = None
    if doc is not None:
        text = doc.text or ""
        out["text"] = text or _block_text(tree) or None
        out["title"] = doc.title or None
        out["byline"] = doc.author or None
        out["url"] = doc.url if (doc.url or "").lower().startswith(("http://", "https://")) else None
        if out["published"] is None:
            out["published"] = best_day or doc.date or None
    else:
        out["text"] = _block_text(tree) or None
        if out["published"] is None:
            out["published"] = best_day
    return out


_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd")


def _block_text(tree) -> str:
    """Fallback when trafilatura finds no main text (short pages, fragments): text of block elements."""
    try:
        parts = [" ".join("".join(el.itertext()).split()) for el in tree.iter(*_BLOCKS)]
        parts = [p for p in parts if p]
        if not parts:
            parts = [" ".join(tree.text_content().split())]
    except Exception:  # noqa: BLE001
        return ""
    return "\n".join(p for p in parts if p)


def _extract_html_rows(rows: pl.DataFrame, rejects: list[dict]) -> pl.DataFrame:
    schema = {
        "__rid": pl.Int64, "h_text": pl.String, "h_title": pl.String, "h_byline": pl.String,
        "h_published": pl.String, "h_url": pl.String,
    }
    if rows.height == 0:
        return pl.DataFrame(schema=schema)
    out = {k: [] for k in schema}
    for rid, html, src, loc in rows.select("__rid", "html", "source", "locator").iter_rows():
        r = html_article(html)
        if r["oversized"]:
            rejects.append(
                _rej(src, loc, "oversized_html", f"HTML of {len(html)} chars cut to {HTML_MAX_CHARS} before extraction", "repaired")
            )
        out["__rid"].append(rid)
        out["h_text"].append(r["text"])
        out["h_title"].append(r["title"])
        out["h_byline"].append(r["byline"])
        out["h_published"].append(r["published"])
        out["h_url"].append(r["url"])
    return pl.DataFrame(out, schema=schema)


# ---------------------------------------------------------------- text cleaning

def _clean_texts(
    df: pl.DataFrame, old_stats: pl.DataFrame, rejects: list[dict]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Clean ``__body`` of every row: (frame of __rid, text, dateline, r_title, r_byline, r_date), new stats."""
    out_schema = {
        "__rid": pl.Int64, "text": pl.String, "dateline": pl.String,
        "r_title": pl.String, "r_byline": pl.String, "r_date": pl.String,
    }
    base = df.select("__rid", "outlet", "format", pl.coalesce("title", "h_title").alias("title"), "__body")
    lines = (
        base.select(
            "__rid", "outlet",
            pl.col("__body").str.replace_all(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n").str.split("\n").alias("line"),
        )
        .with_columns(pl.int_ranges(0, pl.col("line").list.len(), dtype=pl.Int32).alias("ln"))
        .explode(["line", "ln"])
        .with_columns(
            pl.col("line").str.replace_all(r"[\s\u200b\u200c\u200d\u2060\ufeff]+", " ").str.strip_chars()
        )
        .filter(pl.col("line").is_not_null() & (pl.col("line").str.len_bytes() > 0))
        .with_columns(pl.col("line").str.to_lowercase().alias("norm"))
        .with_columns(pl.col("norm").str.count_matches(" ").add(1).cast(pl.Int32).alias("words"))
    )
    lines = lines.with_columns(_xxh64_u64(lines.get_column("norm")).alias("h"))

    stats = _update_stats(base, lines, old_stats)
    n_pages = stats.filter(pl.col("line_hash") == 0).select("outlet", pl.col("pages").alias("__n"))
    lines = (
        lines.join(
            stats.rename({"line_hash": "h", "pages": "__pages"}), on=["outlet", "h"], how="left", maintain_order="left"
        )
        .join(n_pages, on="outlet", how="left", maintain_order="left")
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int32).over("__rid").alias("__r0"))
        .with_columns(
            (
                pl.col("norm").str.contains(STATIC_CHROME)
                | (
                    pl.col("__pages").is_not_null()
                    & (pl.col("__pages") >= _chrome_min_pages_expr(pl.col("__n"), pl.col("words")))
                    # A credit line ("By Staff Reporter") and a "Related Stories" heading recur like
                    # chrome, but are read (byline; where the tail list starts), not just dropped.
                    & ~((pl.col("__r0") < 2 * HEADER_LINES) & pl.col("norm").str.contains(HEADER_HINT))
                    & ~pl.col("norm").str.contains(TAIL_HEADING)
                )
            ).alias("chrome")
        )
    )
    kept = lines.filter(~pl.col("chrome")).drop("__pages", "__n", "chrome", "h", "__r0")

    # Teasers: "...", "…" lines whose text starts a later line of the same page.
    cand = kept.filter(pl.col("line").str.contains(TEASER_END)).select(
        "__rid", pl.col("ln").alias("t_ln"),
        pl.col("line").str.replace(r"\s*(?:\.\.\.|…)$", "").alias("prefix"),
    ).filter(pl.col("prefix").str.len_chars() >= 12)
    if cand.height:
        teasers = (
            cand.join(kept.select("__rid", "ln", "line"), on="__rid")
            .filter((pl.col("ln") > pl.col("t_ln")) & pl.col("line").str.starts_with(pl.col("prefix")))
            .select("__rid", pl.col("t_ln").alias("ln"))
            .unique()
        )
        kept = kept.join(teasers, on=["__rid", "ln"], how="anti", maintain_order="left")
    kept = kept.filter(~(pl.col("norm").str.contains(INLINE_READ) & (pl.col("words") <= 30)))
    kept = kept.with_columns(pl.int_range(pl.len(), dtype=pl.Int32).over("__rid").alias("rank"))

    # Tail lists: cut at a "Related Stories"-like heading once a real paragraph came before it.
    heads = kept.filter(pl.col("norm").str.contains(TAIL_HEADING)).group_by("__rid").agg(pl.col("rank").alias("hr"))
    if heads.height:
        first_para = kept.filter(pl.col("words") >= 15).group_by("__rid").agg(pl.col("rank").min().alias("fp"))
        cuts = (
            heads.join(first_para, on="__rid")
            .explode("hr")
            .filter(pl.col("hr") > pl.col("fp"))
            .group_by("__rid")
            .agg(pl.col("hr").min().alias("__cut"))
        )
        kept = (
            kept.join(cuts, on="__rid", how="left", maintain_order="left")
            .filter(pl.col("__cut").is_null() | (pl.col("rank") < pl.col("__cut")))
            .drop("__cut")
        )

    # Headers: pages always, other texts when a credit-like line is near the top.
    head = kept.filter(pl.col("rank") < HEADER_LINES)
    hinted = head.filter(pl.col("norm").str.contains(HEADER_HINT)).select("__rid").unique()
    meta = base.select("__rid", "format", "title")
    todo = meta.filter((pl.col("format") == "txt") | pl.col("__rid").is_in(hinted.get_column("__rid").implode()))
    resolved = _resolve_headers(head.join(todo, on="__rid", how="semi"), todo)
    drops = resolved.select("__rid", "drop").explode("drop").drop_nulls().rename({"drop": "rank"})
    if drops.height:
        kept = kept.join(drops, on=["__rid", "rank"], how="anti", maintain_order="left")

    # A first line equal to the title goes.
    titles = (
        meta.join(resolved.select("__rid", "r_title"), on="__rid", how="left")
        .select("__rid", pl.coalesce("title", "r_title").alias("__t"))
        .drop_nulls()
        .with_columns(_title_key(pl.col("__t")).alias("__tk"))
    )
    kept = kept.with_columns(pl.int_range(pl.len(), dtype=pl.Int32).over("__rid").alias("rank"))
    first = kept.filter(pl.col("rank") < 2).join(titles, on="__rid").filter(_title_key(pl.col("line")) == pl.col("__tk"))
    if first.height:
        kept = kept.join(first.select("__rid", "ln"), on=["__rid", "ln"], how="anti", maintain_order="left")
        kept = kept.with_columns(pl.int_range(pl.len(), dtype=pl.Int32).over("__rid").alias("rank"))

    # Dateline at the start of the first paragraph.
    firsts = kept.filter(pl.col("rank") == 0).select("__rid", "ln", "line")
    dl_exprs = [pl.col("line").str.extract(p, 1) for p in DATELINES]
    full_exprs = [pl.col("line").str.extract(p, 0) for p in DATELINES]
    firsts = firsts.with_columns(
        pl.coalesce(dl_exprs).alias("dateline"), pl.coalesce(full_exprs).alias("__dl_full")
    ).with_columns(
        pl.when(pl.col("__dl_full").is_not_null())
        .then(pl.col("line").str.slice(pl.col("__dl_full").str.len_chars()).str.strip_chars())
        .otherwise(pl.col("line"))
        .alias("__rest")
    )
    kept = kept.join(firsts.select("__rid", "ln", "__rest"), on=["__rid", "ln"], how="left", maintain_order="left")
    kept = kept.with_columns(pl.coalesce("__rest", "line").alias("line")).filter(pl.col("line") != "")

    texts = kept.group_by("__rid", maintain_order=True).agg(pl.col("line").sort_by("ln").str.join("\n\n").alias("text"))
    out = (
        base.select("__rid")
        .join(texts, on="__rid", how="left", maintain_order="left")
        .join(firsts.select("__rid", "dateline"), on="__rid", how="left", maintain_order="left")
        .join(resolved.select("__rid", "r_title", "r_byline", "r_date"), on="__rid", how="left", maintain_order="left")
    )
    # Disclaimers, only where a cheap pattern says one may be.
    maybe = out.filter(pl.col("text").str.contains(DISCLAIMER_HINT))
    if maybe.height:
        fixed = {rid: strip_disclaimers(t) for rid, t in maybe.select("__rid", "text").iter_rows()}
        out = out.with_columns(
            pl.when(pl.col("__rid").is_in(list(fixed)))
            .then(pl.col("__rid").replace_strict(fixed, default=None, return_dtype=pl.String))
            .otherwise(pl.col("text"))
            .alias("text")
        )
    return out.select(list(out_schema)).cast(out_schema), stats


def _title_key(e: pl.Expr) -> pl.Expr:
    return e.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()


def _update_stats(base: pl.DataFrame, lines: pl.DataFrame, old: pl.DataFrame) -> pl.DataFrame:
    """Old chrome statistics plus this batch's: pages per (outlet, line), page counts under hash 0."""
    pages = (
        base.filter(pl.col("outlet").is_not_null() & pl.col("__body").is_not_null())
        .with_columns(pl.col("__body").hash().alias("__bh"))
        .group_by("outlet", "__bh")
        .agg(pl.col("__rid").min())
        .select("outlet", "__rid")
    )
    counted = lines.join(pages.select("__rid"), on="__rid", how="semi").select("__rid", "outlet", "h").unique()
    line_counts = counted.group_by("outlet", "h").agg(pl.len().cast(pl.Int64).alias("pages")).rename({"h": "line_hash"})
    page_counts = pages.group_by("outlet").agg(pl.len().cast(pl.Int64).alias("pages")).with_columns(
        pl.lit(0, dtype=pl.UInt64).alias("line_hash")
    )
    new = pl.concat(
        [old, conform(line_counts, CHROME_STATS), conform(page_counts, CHROME_STATS)], how="vertical"
    )
    return new.group_by("outlet", "line_hash").agg(pl.col("pages").sum()).sort("outlet", "line_hash")


# ---------------------------------------------------------------- page headers

def _resolve_headers(head: pl.DataFrame, todo: pl.DataFrame) -> pl.DataFrame:
    """Python per page, on its first lines only: which leading lines are header, and what they say."""
    schema = {
        "__rid": pl.Int64, "drop": pl.List(pl.Int32), "r_title": pl.String,
        "r_byline": pl.String, "r_date": pl.String,
    }
    if todo.height == 0:
        return pl.DataFrame(schema=schema)
    fmt = dict(todo.select("__rid", "format").iter_rows())
    grouped = head.group_by("__rid", maintain_order=True).agg(pl.col("line").sort_by("rank"), pl.col("words").sort_by("rank"))
    out = {k: [] for k in schema}
    for rid, lines, words in grouped.iter_rows():
        drop, title, byline, date = resolve_header(lines, words, is_page=fmt.get(rid) == "txt")
        out["__rid"].append(rid)
        out["drop"].append(drop)
        out["r_title"].append(title)
        out["r_byline"].append(byline)
        out["r_date"].append(date)
    return pl.DataFrame(out, schema=schema)


def _who(s: str) -> str | None:
    s = s.strip().strip(",;:-–—").strip()
    words = s.split()
    if not words or len(words) > 8 or len(s) > 80:
        return None
    if not all(_NAME_WORD.match(w) for w in words):
        return None
    if not any(w[0].isupper() for w in words):
        return None
    return s


def _date_segment(seg: str) -> tuple[str | None, bool, bool]:
    """(date string, labeled, is 'published') for one '|' segment of a credit line."""
    m = _DATE_LABEL.match(seg)
    if m and (m.group(2) or parse_published(m.group(3))[0] is not None):
        return m.group(3).strip() or None, True, m.group(1).lower() == "published"
    if parse_published(seg)[0] is not None:
        return seg.strip(), False, False
    return None, False, False


def header_line(line: str) -> tuple[str | None, str | None] | None:
    """``(byline, date string)`` when ``line`` is a credit/date line of a page header, else None."""
    segs = [s.strip() for s in re.split(r"\s+[|•·]\s+|\s*\|\s*", line) if s.strip()]
    if not segs or len(line) > 200:
        return None
    byline = None
    first = segs[0]
    if m := _BYLINE.match(first):
        byline = _who(m.group(1))
        if byline is None:
            return None
        rest = segs[1:]
    else:
        rest = segs
    dates = [_date_segment(s) for s in rest]
    if byline is None:
        # "IANS | Updated: ..." : a name, then a labeled date.
        if len(segs) >= 2 and _date_segment(segs[0])[0] is None and any(d[1] for d in dates[1:]):
            byline = _who(segs[0])
            dates = dates[1:]
            if byline is None:
                return None
        elif not dates or dates[0][0] is None or len(segs) > 2:
            return None
    found = [d for d in dates if d[0] is not None]
    published = [d for d in found if d[2]]
    date = (published or found or [(None,)])[0][0]
    if byline is None and date is None:
        return None
    return byline, date


def resolve_header(lines: Sequence[str], words: Sequence[int], *, is_page: bool) -> tuple[list[int], str | None, str | None, str | None]:
    """For a page's first lines: ``(ranks to drop, title, byline, date string)``."""
    hdr: list[tuple[int, str | None, str | None]] = []
    for i, line in enumerate(lines):
        info = header_line(line)
        if info is not None:
            hdr.append((i, *info))
        elif hdr:
            break
    if hdr:
        h0, h1 = hdr[0][0], hdr[-1][0]
        byline = next((b for _, b, _ in hdr if b), None)
        date = next((d for _, _, d in hdr if d), None)
        if h0 <= 8 and all(w <= 40 for w in words[:h0]):
            title = lines[h0 - 1] if h0 >= 1 and _title_like(lines[h0 - 1], words[h0 - 1]) else None
            return list(range(h1 + 1)), title, byline, date
        return list(range(h0, h1 + 1)), None, byline, date
    if not is_page:
        return [], None, None, None
    p = next((i for i, (ln, w) in enumerate(zip(lines, words, strict=False)) if _paragraph_like(ln, w)), None)
    if p is None or p == 0 or p > 8:
        return [], None, None, None
    title = next((lines[i] for i in range(p - 1, -1, -1) if _title_like(lines[i], words[i]) and words[i] >= 2), None)
    return list(range(p)), title, None, None


def _paragraph_like(line: str, words: int) -> bool:
    return words >= 25 or (words >= 8 and bool(_SENT_END.search(line)))


def _title_like(line: str, words: int) -> bool:
    if words > 40 or re.search(r"(?:\.\.\.|…|[.:;,])$", line):
        return False
    return any(c.isalpha() for c in line)
