"""Site chrome and page rendering for the bundled sample: HTML article pages and scraped-text pages."""

from __future__ import annotations

import html as _html
import json
from datetime import datetime
from typing import Any

from provenance.tools.synth.frames import DISCLAIMERS
from provenance.tools.synth.outlets import _Outlet, _tzinfo
from provenance.tools.synth.vocab import _MONTHS

# Outlet index % 3 picks the form its pages take: 0 feed, 1 html, 2 pages.
_FORMS = ("feed", "html", "pages")

_HTML_CHROME: dict[int, dict[str, Any]] = {
    1: dict(
        theme="A",
        nav=("Home", "India", "World", "Business", "Sports", "Opinion"),
        footer="Example Times is a fictional newspaper used in tests.",
        jsonld=True,
        meta=True,
    ),
    4: dict(
        theme="B",
        nav=("Top", "Metro", "Nation", "Markets", "Lifestyle"),
        footer="Metro Bulletin — your city, every hour.",
        jsonld=False,
        meta=True,
    ),
    7: dict(
        theme="C",
        nav=("News", "States", "Explained", "Videos", "Podcasts", "Weather"),
        footer="Northern Star Post · Registered office: 1 Example Road.",
        jsonld=True,
        meta=False,
    ),
    10: dict(
        theme="A",
        nav=("Latest", "Agency Feed", "Cities", "Tech", "Health"),
        footer="Newsline Today publishes agency copy around the clock.",
        jsonld=True,
        meta=True,
    ),
    13: dict(
        theme="B",
        nav=("World", "Asia", "Europe", "Africa", "Americas"),
        footer="Global Desk 24 · All times IST.",
        jsonld=True,
        meta=False,
    ),
}
_PAGE_CHROME: dict[int, dict[str, Any]] = {
    2: dict(
        menu=("City", "Epaper"),
        related="Related Stories",
        app=True,
        sections=("National", "International", "Business", "Sports"),
    ),
    5: dict(
        menu=("Home", "Live TV", "E-Paper"),
        related="Also Read",
        app=False,
        sections=("Kerala", "India", "World", "Tech"),
    ),
    8: dict(
        menu=("Latest", "Trending", "Web Stories"),
        related="More Stories",
        app=True,
        sections=("Top Stories", "World", "Money"),
    ),
    11: dict(
        menu=("Menu", "Search", "Subscribe"),
        related="Related Stories",
        app=False,
        sections=("World", "India", "Science"),
    ),
    14: dict(
        menu=("Deccan", "Bengaluru", "Hyderabad", "E-Paper"),
        related="You May Also Like",
        app=True,
        sections=("State", "National", "Sports", "Business"),
    ),
}


def _ist(published: str | None) -> str | None:
    if not published:
        return None
    dt = datetime.fromisoformat(published).astimezone(_tzinfo("+05:30"))
    return f"{_MONTHS[dt.month - 1]} {dt.day}, {dt.year} {dt.hour:02d}:{dt.minute:02d} IST"


def _teaser(text: str, n: int = 18) -> str:
    words = text.split("\n\n")[0].split()
    return " ".join(words[:n]) + " ..."


def _page_txt(rec: dict[str, Any], ch: dict[str, Any], related: list[str]) -> str:
    lines: list[str] = list(ch["menu"])
    lines.append(rec["title"])
    by = rec["byline"]
    if by and not by.startswith("By "):
        by = "By " + by
    when = _ist(rec["published"])
    meta = " | ".join(x for x in (by, f"Updated: {when}" if when else None) if x)
    if meta:
        lines.append(meta)
    lines.append(_teaser(rec["text"]))
    if ch["app"]:
        lines.append("Open in App")
    lines += rec["text"].split("\n\n")
    if ch["app"]:
        lines.append("Open in App")
    lines.append(ch["related"])
    for k, t in enumerate(related):
        lines.append(ch["sections"][k % len(ch["sections"])] + t)
    return "\n\n".join(lines) + "\n"


_DISCLAIMER_HEADS = tuple(d.split("{")[0] for d in DISCLAIMERS)


def _e(s: str | None) -> str:
    return _html.escape(s or "", quote=True)


def _page_html(
    rec: dict[str, Any], ot: _Outlet, ch: dict[str, Any], related: list[tuple[str, str]], raw: bool
) -> str:
    """A full article page. ``raw``: the hostile record, whose markup is left unescaped."""
    title = rec["title"]
    paras = rec["text"].split("\n\n")
    body_ps = []
    for k, p in enumerate(paras):
        cls = ' class="disclaimer"' if p.startswith(_DISCLAIMER_HEADS) else ""
        body_ps.append(f"<p{cls}>{p if raw else _e(p)}</p>")
        if ch["theme"] == "C" and k == 1 and related:
            body_ps.append(
                f'<div class="also-read">Also read: <a href="{_e(related[0][1])}">{_e(related[0][0])}</a></div>'
            )
    pub = rec["published"]
    head = [
        '<meta charset="utf-8">',
        f"<title>{_e(title)} | {_e(ot.name)}</title>",
        f'<meta name="provenance:id" content="{_e(rec["id"])}">',
        f'<link rel="canonical" href="{_e(rec["url"])}">',
        f'<meta name="description" content="{_e(_teaser(rec["text"], 24))}">',
        f'<meta property="og:site_name" content="{_e(ot.name)}">',
        f'<meta property="og:title" content="{_e(title)}">',
    ]
    if pub and ch["meta"]:
        head.append(f'<meta property="article:published_time" content="{_e(pub)}">')
    if ch["jsonld"]:
        ld: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "mainEntityOfPage": rec["url"],
            "publisher": {"@type": "Organization", "name": ot.name},
        }
        if pub:
            ld["datePublished"] = pub
        if rec["byline"]:
            ld["author"] = {"@type": "Person", "name": rec["byline"].removeprefix("By ")}
        js = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        head.append(f'<script type="application/ld+json">{js}</script>')
    nav = "".join(
        f'<li><a href="/{n.lower().replace(" ", "-")}/">{_e(n)}</a></li>' for n in ch["nav"]
    )
    rel_items = "".join(f'<li><a href="{_e(u)}">{_e(t)}</a></li>' for t, u in related)
    when = _ist(pub)
    by = _e(rec["byline"]) if rec["byline"] else ""
    h1 = title if raw else _e(title)
    if ch["theme"] == "A":
        body = (
            f'<header class="site-header"><a class="logo" href="/">{_e(ot.name)}</a><nav><ul>{nav}</ul></nav></header>\n'
            f'<main><article><h1>{h1}</h1>\n<div class="byline">{by}</div>'
            + (f'<time datetime="{_e(pub)}">{_e(when)}</time>' if pub else "")
            + '\n<div class="article-body">\n'
            + "\n".join(body_ps)
            + "\n</div></article>\n"
            f'<aside class="related"><h2>Related</h2><ul>{rel_items}</ul></aside></main>\n'
            f'<footer><p>{_e(ch["footer"])}</p><p><a href="/about/">About us</a> | <a href="/privacy/">Privacy</a> | <a href="/contact/">Contact</a></p></footer>'
        )
    elif ch["theme"] == "B":
        body = (
            f'<div id="top-menu"><span class="brand">{_e(ot.name)}</span><ul class="menu">{nav}</ul></div>\n'
            f'<div class="story"><h1 class="headline">{h1}</h1>\n'
            f'<p class="meta">{by}{" | Updated: " + _e(when) if when else ""}</p>\n'
            f'<div id="story-content">\n' + "\n".join(body_ps) + "\n</div></div>\n"
            f'<div class="trending"><h3>Trending now</h3><ol>{rel_items}</ol></div>\n'
            f'<div class="footer">{_e(ch["footer"])} Copyright 2024. <a href="/terms/">Terms of use</a></div>'
        )
    else:
        body = (
            f'<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>\n'
            f'<nav class="main-nav"><ul>{nav}</ul></nav>\n'
            f'<div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/{ot.section}/">{_e(ot.section.title())}</a></div>\n'
            f'<section class="article"><h1>{h1}</h1>\n'
            f'<div class="author-line">{by}</div>'
            + (f'<div class="dateline">{_e(when)}</div>' if when else "")
            + '\n<div class="share">Share: Facebook | X | WhatsApp</div>\n<div class="content">\n'
            + "\n".join(body_ps)
            + "\n</div></section>\n"
            f'<div class="newsletter">Get the morning briefing in your inbox. <input type="email"></div>\n'
            f'<aside class="more"><h4>More from {_e(ot.name)}</h4><ul>{rel_items}</ul></aside>\n'
            f'<footer class="site-footer">{_e(ch["footer"])}</footer>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
        + "\n".join(head)
        + "\n</head>\n<body>\n"
        + body
        + "\n</body>\n</html>\n"
    )
