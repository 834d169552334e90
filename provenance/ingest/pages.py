"""Single pages (.html, .htm, .txt) into RAW records, one record per file.

Owns what a page file says about itself before extraction:

* ``source`` is the path the user gave (a folder or the file itself) and
  ``locator`` the page's path relative to it (its name, for a single file).
* Outlet, in order: a header block's ``Outlet:`` (txt) ; the host of the page
  URL (header ``URL:``, or an HTML page's canonical link / ``og:url``: ``og:url`` when the canonical
  link names another site, as a syndicated copy's does),
  lowercased without ``www.``; the name of the page's parent folder below the
  given root (``dailyexample/001.txt`` -> ``dailyexample``; date folders such as
  ``dailyexample/2024/10/001.txt`` are skipped over); else (HTML) the host of the
  site's own feed (``<link rel=alternate type=application/rss+xml|atom+xml>``,
  not on a feed service such as FeedBurner): pages saved without their URL still
  learn their site's chrome together; else null.
  ``og:site_name`` is not used: it names outlets differently from hosts
  ("Daily Example" vs "dailyexample.com") and would split one outlet's chrome
  statistics in two.
* A .txt page may start with a header block: consecutive ``Key: value`` lines
  with keys ``URL``, ``Outlet``, ``Site``, ``Published``, ``Date``, ``Title``,
  ``Byline``, ``Author`` or ``ID`` (any case), ended by a blank line. It is
  read into the record's fields and removed from the text. Only a block whose
  every line is such a header counts, so body text is never taken for one.
* Encoding: BOMs, then UTF-8, then (HTML) the page's declared ``charset``,
  then cp1252/latin-1 with a ``bad_encoding`` repair. NUL bytes are dropped
  (``nul_bytes``, repaired). Binary content (images, archives, mostly NUL or
  control bytes) is a ``binary_file`` reject.
"""

from __future__ import annotations

import codecs
import contextlib
import html as html_lib
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from provenance.ingest._common import decode_bytes, looks_binary, reject

_DATE_DIR = re.compile(r"^[\d_\-.]+$")
_HEADER_LINE = re.compile(r"^(url|outlet|site|published|date|title|byline|author|id)\s*:\s*(.*?)\s*$", re.I)
_HEADER_FIELD = {
    "url": "url", "outlet": "outlet", "site": "outlet", "published": "published", "date": "published",
    "title": "title", "byline": "byline", "author": "byline", "id": "id",
}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{1,40})""", re.I)
_TAG = re.compile(r"<(link|meta)\b[^>]{0,2000}>", re.I)
#: A Wayback Machine capture's URL prefix (as ``provenance.extract.clean.ARCHIVE_URL``).
_ARCHIVE = re.compile(r"(?:https?:)?//(?:web\.|wayback\.)?archive\.org/web/\d{1,14}(?:[a-z]{2}_|\*)?/", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def url_host(url: str | None) -> str | None:
    """Lowercased host of ``url`` without ``www.`` (of the archived page, for a Wayback Machine
    capture); None when there is none."""
    if not url:
        return None
    u = url.strip()
    m = _ARCHIVE.match(u)
    if m:
        u = u[m.end():]
        u = u if "://" in u[:12] else "//" + u
    if "://" not in u[:12]:
        if u.startswith("//"):
            u = "http:" + u
        else:
            return None
    try:
        host = urlsplit(u).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


#: Second-level labels under which country domains register names ("bbc.co.uk", "abc.net.au", "yna.co.kr",
#: "x.gob.mx"); :func:`provenance.extract.clean.outlet_key` reads the same set.
SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "gob", "ac", "edu", "ne", "or", "go", "nic", "gen", "ltd",
                          "plc", "res"})


def _registered_name(host: str) -> str:
    """The name a host is registered under, IDNs in ASCII: "example" for news.example.de and bbc.co.uk's "bbc"."""
    with contextlib.suppress(UnicodeError, ValueError):
        host = host.encode("idna").decode("ascii")
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL:  # not news.go.com
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def same_site(a: str | None, b: str | None) -> bool:
    """Whether two hosts are one site: one registered name, whatever the subdomains, suffix or script
    (``amp.`` and ``m.`` hosts, ``money.udn.com`` and ``udn.com``, ``pinup-fashion.de`` and ``.com``, an IDN
    and its punycode). Sites that only look alike are not: ``ksta.de`` and ``rundschau-online.de`` are
    sister papers, and a link from one to the other says where a text came from."""
    return bool(a and b) and _registered_name(a) == _registered_name(b)


def looks_html(data: bytes) -> bool:
    """Whether bytes open as an HTML page does (a tag first, and an html, doctype, head or body tag)."""
    low = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return low.startswith(b"<") and (b"<html" in low or b"<!doctype html" in low or b"<body" in low or b"<head" in low)


def folder_outlet(rel: str) -> str | None:
    """The page's parent folder below the root, skipping date folders (``2024/10``)."""
    for part in reversed(PurePosixPath(rel).parts[:-1]):
        if not _DATE_DIR.match(part):
            return part
    return None


def read_page(
    data: bytes, *, fmt: str, source: str, locator: str, outlet_hint: str | None, charset: str | None = None
) -> tuple[dict | None, list[dict]]:
    """One page file's bytes -> (RAW record or None, rejects). ``charset``: what the server said the
    encoding was (a web archive's HTTP header), tried after UTF-8 and before the page's own."""
    rejects: list[dict] = []
    if not data.strip():
        return None, [reject(source, locator, "empty_file", "file is empty")]
    if looks_binary(data):
        return None, [reject(source, locator, "binary_file", "binary content, not a text or HTML page")]
    text, enc = _decode_page(data, fmt, charset)
    if enc:
        rejects.append(reject(source, locator, "bad_encoding", f"not UTF-8; decoded as {enc}", "repaired"))
    if "\x00" in text:
        rejects.append(reject(source, locator, "nul_bytes", f"{text.count(chr(0))} NUL bytes removed", "repaired"))
        text = text.replace("\x00", "")
    if not text.strip():
        return None, [*rejects, reject(source, locator, "empty_file", "file has no text")]
    rec: dict = {"source": source, "locator": locator, "format": fmt}
    site = None
    if fmt == "html":
        rec["html"] = text
        canonical, og = page_urls(text)
        rec["url"], site = own_url(canonical, og), _html_site(text)
        rec["canonical"] = canonical  # extraction keeps it where it names another URL than the one stored
    else:
        fields, text = _header_block(text)
        rec.update(fields)
        rec["text"] = text
    rec["outlet"] = (rec.get("outlet") or "").strip() or url_host(rec.get("url")) or outlet_hint or site
    return rec, rejects


def _decode_page(data: bytes, fmt: str, charset: str | None = None) -> tuple[str, str | None]:
    if fmt == "html" and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
        m = _META_CHARSET.search(data[:8192])
        for name in (charset, m.group(1).decode("ascii", "ignore") if m else None):
            codec = _legacy_codec(name)
            if codec:
                # A declared legacy charset is the server's or the page's own word: not a repair.
                return data.decode(codec, errors="replace"), None
    return decode_bytes(data)


def _legacy_codec(name: str | None) -> str | None:
    """Python's codec for a declared charset that is not a Unicode one (those were tried), else None."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return None if codec in ("utf-8", "utf-32") or codec.startswith("utf-16") else codec


def _header_block(text: str) -> tuple[dict, str]:
    lines = text.lstrip("\ufeff").split("\n")
    fields: dict = {}
    i = 0
    while i < len(lines) and lines[i].strip():
        m = _HEADER_LINE.match(lines[i].strip())
        if not m:
            return {}, text
        key = _HEADER_FIELD[m.group(1).lower()]
        if m.group(2):
            fields.setdefault(key, m.group(2))
        i += 1
    if i == 0 or i >= len(lines):
        return {}, text  # no block, or nothing but a block (then it is the page)
    return fields, "\n".join(lines[i + 1 :])


def page_urls(html: str) -> tuple[str | None, str | None]:
    """(canonical link, og:url) of a page, each when it is an http(s) URL."""
    head = html[:200_000]
    canonical = og = None
    for m in _TAG.finditer(head):
        attrs = {a.group(1).lower(): (a.group(2) or a.group(3) or a.group(4) or "") for a in _ATTR.finditer(m.group(0))}
        if m.group(1).lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            canonical = canonical or attrs.get("href")
        elif m.group(1).lower() == "meta" and attrs.get("property", attrs.get("name", "")).lower() == "og:url":
            og = og or attrs.get("content")
        if canonical and og:
            break
    return _http(canonical), _http(og)


def is_http(url: str | None) -> bool:
    """Whether ``url`` is a web page's address (http or https), the only kind stored as an article's URL."""
    return (url or "").lower().startswith(("http://", "https://"))


def _http(url: str | None) -> str | None:
    url = html_lib.unescape(url or "").strip()
    return url if is_http(url) else None


_IP_HOST = re.compile(r"^[\d.]+$|^\[?[0-9a-f:]+\]?$", re.I)


def own_url(canonical: str | None, og: str | None) -> str | None:
    """The page's own URL: its canonical link, unless that names another site and ``og:url`` this one.

    A syndicated copy points its canonical link at the original (search engines then credit the
    original), while its ``og:url`` often stays its own: on the real page sets, where the two name
    different sites, ``og:url`` was the page's own host 13 times in 15 (MSN carrying CNN, a Tucson paper
    carrying AP, the Seattle Times carrying the New York Times) and the canonical link twice, both kept
    here: an ``og:url`` that is an IP address, and one on a subdomain of the canonical site."""
    if canonical and og:
        hc, ho = url_host(canonical), url_host(og)
        if hc and ho and not same_site(hc, ho) and not _IP_HOST.match(ho):
            return og
    return canonical or og


#: Hosts that serve other sites' feeds: their name says nothing about the page's site.
_FEED_SERVICES = ("feedburner.com", "feedblitz.com", "feedsportal.com", "blogger.com", "feedpress.me", "rss.app")


def _html_site(html: str) -> str | None:
    """Host of the page's own RSS/Atom feed link, when it is the site's (not a feed service)."""
    for m in _TAG.finditer(html[:200_000]):
        if m.group(1).lower() != "link":
            continue
        attrs = {a.group(1).lower(): (a.group(2) or a.group(3) or a.group(4) or "") for a in _ATTR.finditer(m.group(0))}
        if "alternate" not in attrs.get("rel", "").lower().split():
            continue
        if attrs.get("type", "").lower() not in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
            continue
        host = url_host(html_lib.unescape(attrs.get("href", "")).strip())
        if host and not any(host == d or host.endswith("." + d) for d in _FEED_SERVICES):
            return host
    return None
