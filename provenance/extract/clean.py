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
  author. The date comes from the page's own metadata when present:
  ``article:published_time`` / ``og:published_time``, JSON-LD ``datePublished``,
  ``itemprop=datePublished``, common ``<meta name=...>`` dates; else from its
  first ``<time datetime>`` outside sidebars, related-story lists, comments and
  embedded posts (which date other items); else from htmldate on the page as it
  came (its URL, its header, an app's JSON state) (docs/QUALITY.md, publication
  dates). A record with ``text`` uses it,
  even if it also has ``html``: the supplier already extracted it.
* Text (``.txt`` pages, text records, and the HTML-extracted text) is cut into
  lines; blank lines are dropped and every remaining line is a paragraph. Then:

  - chrome lines go: language-level ones (``STATIC_CHROME``: "Open in App",
    "Epaper", share/follow/subscribe lines, "Advertisement"...) and the
    outlet's learned chrome (below);
  - a teaser, a line ending in "..."/"…" whose text starts a later line, goes;
  - "Also Read: <headline>" lines go, and a "Related Stories" / "Also Read" /
    "Trending"... heading (and its Hindi, Portuguese, Spanish, French,
    Italian, German and Indonesian forms; "also read" in those languages only
    drops its own line) cuts the page from there on, but only once a real
    paragraph (15+ words) came before it, and only up to where the page's
    own text resumes: three sentence paragraphs in a row (a "Don't miss" box
    in the middle of a story; a list of other stories alternates headlines
    with at most a sentence of summary);
  - the header: a credit line ("By IANS | Updated: October 16, 2024 16:45
    IST", "IANS | Updated: ...", "Published: ...", a bare date line) among the
    first lines gives ``byline`` and the page date ("Published" wins over
    "Updated" when both are given); the longest headline-like line of the
    three before it is the title (not an author line or section label between
    them; never a breadcrumb), and everything up to the credit line (menus,
    title) goes. A .txt
    page without a credit line: the lines before its first real paragraph are
    menu and title (the last headline-like one is the title). A plain text
    record is not searched for a title: its first line may be the lead;
  - a .txt page (a scraper's save: nothing extracted the story) keeps only
    ``PAGE_HEAD_LINES`` lines above its first paragraph for the header (a
    menu above them goes, and a title guessed without a credit line is then
    not taken), and ends at its last paragraph and the sentences right after
    it (the first line after the last paragraph that ends no sentence starts
    the page's foot: menus, forms, copyright and sign-off lines);
  - a first line equal to the title goes;
  - the dateline ("Seoul, Oct 16", "NEW DELHI, Oct 16 (IANS) -",
    "WASHINGTON (AP) —") at the start of the first paragraph goes to
    ``dateline`` (place and date, as written) and is *removed* from ``text``
    together with its agency tag and dash, so copies with different dateline
    styles fingerprint alike; ``raw_text`` keeps it for attribution;
  - auto-publication disclaimers go (``provenance.extract.boilerplate``).

  ``raw_text`` is the page text unchanged (for HTML: trafilatura's text).
* A title loses the site's name that pages put after or before it ("... | MoreBikes" on
  morebikes.co.uk): copies of one story on two sites keep one headline
  (:func:`without_site_name`).
* Record fields win over what the page says (title, byline, url, published);
  ``outlet`` is the given one, else the URL host (lowercase, no ``www.``).
  ``published``: the record's date, else the page header's, else the HTML
  metadata's. When some date string was found but none could be read, the
  article keeps a null date and a ``bad_date`` reject (repaired) says so; no
  date at all is not a reject.
* ``article_id``: the given id (stripped); else ``u`` + xxh64 hex of the
  normalized URL (host lowercased without ``www.``, scheme, fragment, tracking
  parameters and trailing ``/`` dropped, so http/https and utm variants of
  one page share an id); else ``t`` + xxh64 hex of the outlet and the clean
  text (so two outlets' verbatim copies stay two articles).
  ``content_hash`` is xxh64 hex of ``text``.
* Rejects: ``empty_text`` (skipped) when nothing is left; ``oversized_text``
  (repaired) when ``text`` exceeds ``config.max_text_chars``: cut at the last
  paragraph break before the limit.

Learned chrome (``CHROME_STATS``): for every site (an outlet's registrable
host, :func:`outlet_key`: ``news.x.com`` and ``sport.x.com`` are one site and
share their sidebars; the ``outlet`` column holds the site), how many of its
pages carry each normalized line (whitespace collapsed, case kept; xxh64),
plus the page count under ``line_hash`` 0. Identical pages of one site in one
batch count once. The counts are summed with those of earlier ingests and a
line is chrome for *that site* (never across sites: wire paragraphs recur
across outlets legitimately) when it is on at least

  * ``max(3, 2% of pages)`` pages for lines of up to 6 words (menus, labels);
  * ``max(5, 5% of pages)`` pages for 7-25 words (slogans, one-line blurbs);
  * ``max(20, 25% of pages)`` pages for longer lines.

Furniture (``_furniture``): those floors keep a sidebar, author box or
comment policy that a site with a handful of pages in the corpus repeats on
every page, and the pages then pair through it. So a line of 7+ words on 2+
pages of a site is chrome when two of those pages are otherwise different
stories (what they share with the site's other pages is under half their
text) and the line is on at least half the site's pages or closes both pages;
or when 3+ pages carry it under 2+ titles; one text on 3+ pages of a site
under 3+ titles is all furniture (the extractor found only the sidebar).
Never when a page of another site (in the batch, or stored: ``line_sites``)
holds the line: a copy of the same story elsewhere makes it story text.
Hosting services' subdomains (``x.blogspot.com``) are sites of their own. Short lines (up to 6 words) before a
page's first or after its last paragraph on 2+ of its site's pages are chrome
too (menus, buttons, section labels). A scraped page without a title keeps the
lines above its first paragraph for its header.

Credit lines near the top and "Related Stories"-like headings recur like
chrome but are never dropped as learned chrome: they are read (the byline;
where the tail list starts). Language-level patterns (static chrome, tail
headings, "Also Read:" lines, credit lines) are only tried on lines of at most
``SHORT_LINE_BYTES``; longer lines are paragraphs.

The floors make the rule hold for small outlets: with 3 pages a menu line
must be on all 3, and no sentence-length line can be learned before 5 pages
(long paragraphs before 20), so three updates of one story do not erase each
other. The fractions make it hold for big ones: with 30k pages a menu line
needs 600 pages (real chrome is on nearly all), while a wire background
paragraph would need 7,500 of one outlet's stories to be dropped.

Speed: text is handled as UTF-8 bytes straight from Arrow buffers. One numba
pass finds, strips and hashes every line; the decisions are integer joins in
polars; strings are materialized only for the lines a regex must read (short
ones, first ones); a second numba pass copies the kept lines out. Python runs
per record only for HTML, for page headers, and for the rare texts with a
disclaimer or oversize.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import islice

import numba as nb
import numpy as np
import polars as pl
import pyarrow as pa
import regex
import xxhash

from provenance.config import Config
from provenance.detect.fingerprint import xxh64_range
from provenance.extract.boilerplate import strip_disclaimers
from provenance.extract.dates import DATE_START, parse_published, parse_published_series
from provenance.ingest.pages import SECOND_LEVEL
from provenance.schemas import CHROME_STATS, EXTRACTED, RAW, REJECTS, conform

HTML_MAX_CHARS = 2_000_000
#: Lines looked at for a page header (menu, title, credit line).
HEADER_LINES = 12
#: A scraped page's header (title, credit line, teaser) is within this many lines above its story's first
#: paragraph, where :func:`resolve_header` reads it; a menu above that goes.
PAGE_HEAD_LINES = 8
#: A record's text (JSONL, CSV, Parquet) is a whole scraped page, and gets a page's rules, when at least
#: this many short lines (up to ``EDGE_MAX_WORDS`` words, ending no sentence) stand above its story's
#: first paragraph: more than a header holds (:data:`PAGE_HEAD_LINES`), so the site's menu.
PAGE_LIKE_LINES = PAGE_HEAD_LINES
#: Lines above a page's credit line among which its headline is looked for.
TITLE_REACH = 3
#: Words of a headline-sized line; shorter ones above a story are as often a menu's or a section's labels.
HEADLINE_MIN_WORDS = 4

# ---------------------------------------------------------------- patterns
# Rust-regex patterns (polars) run on the *normalized* line: lowercase,
# whitespace collapsed, stripped.

_SHARE = r"(?:facebook|twitter|x|whatsapp|telegram|linkedin|email|e-mail|reddit|pinterest|koo|instagram|youtube)"
#: "Also read" in other languages, a heading over a link or the prefix of one ("Baca juga: ..."). Hindi
#: and Indonesian pages put it inside the story, again and again, so it is not a tail heading: the line
#: itself goes (and a prefixed line, as "Also read: <headline>" does). Hindi's nukta letters come
#: precomposed or not (U+095D or U+0922 U+093C): both are matched.
_PADHEN = "प(?:\u0922\u093c|\u095d)ें"  # "read" (imperative)
_READ_ALSO = (r"(?:यह|ये|इसे|इन्हें) भी " + _PADHEN + r"|leia (?:também|mais)|lee también|lea también"
              r"|(?:à )?lire aussi|leggi anche|baca juga|lesen sie auch|lies auch|mehr dazu|mire|vea (?:también|además)"
              r"|lea (?:más|además)|voir aussi")
STATIC_CHROME = (
    r"^(?:open in app|epaper|e-paper|e paper|download (?:the )?(?:\w+ )?app.{0,40}|get the app|install app"
    r"|subscribe(?: now| to .{1,40})?|sign in|sign up|log ?in|register|my account|advertisement|advertisment"
    r"|ad|ads|sponsored|promoted|share(?: this| the| now)?(?: article| story| post| news)?(?: on .{1,30})?:?"
    r"|(?:x )?share via(?: .{1,30})?|share permalink|follow us(?: on .{1,60})?|tweet|" + _SHARE + r"(?: \| " + _SHARE + r")*"
    # share and like buttons as a page's text gives them ("Click to share on Reddit (Opens in new window)",
    # WordPress's "Like this:" / "Like Loading..."), and in the languages of the sites a corpus mixes in
    r"|click to (?:share on \w+|print|email (?:this|a link) to a friend)(?: \(opens in new window\))?"
    r"|like this:?|like loading\.*|save|follow|share it with (?:your )?friends"
    r"|print this (?:article|story|page)(?: share it with (?:your )?friends)?"
    r"|teilen(?: sie dies mit)?:?|gefällt mir:?|gefällt mir wird geladen\.*|compartir(?: en \w+)?|compártelo:?"
    r"|partager(?: sur \w+)?|condividi(?: su \w+)?|bagikan|udostępnij|поделиться|शेयर करें|साझा करें"
    r"|read(?:ing)? time:? ?\d{1,2} min(?:ute)?s?|\d{1,2} min(?:ute)?s? read|show (?:full|the full) (?:article|story)"
    r"|(?:next|previous) (?:story|article|post)|(?:topics|tags|tagged|tagged with|filed under) ?: .{1,200}"
    # the promotional line of a news site's page foot: "Catch all the Latest News ... on <site>."
    r"|catch all the (?:[a-z]+ )?(?:latest )?news\b.{0,160}|track (?:the )?latest news\b.{0,160}"
    r"|(?:get|stay updated with|check out) (?:the )?latest (?:news|updates|stories) (?:on|from|at|about) [^,]{1,80}"
    r"|print|copy link|link copied|listen(?: to (?:this|the) (?:article|story))?"
    r"|font size|text size|a\+? ?a-?|skip to (?:main )?content|menu|search|home|back to top|scroll to top"
    r"|click here to .{1,60}|read (?:the )?full (?:story|article)|continue reading|story continues below"
    r"|(?:story|article) continues below (?:this )?advertisement|loading\.*|please wait\.*"
    r"|(?:posted|published|updated) (?:on|by|at):?|(?:\\?\|\s*)+"  # the last: an empty table row ("|  |  |")
    r"|(?:" + _READ_ALSO + r")\s*[:.…]*)$"
)
#: A comment count or link ("12 Comments", "Kommentare"): printed by a page's headline, and as the heading of
#: its comment section under the story. Never story text; a tail heading once the story has had
#: ``RESUME_PARAGRAPHS`` paragraphs above it (:func:`_k_tail_cut`).
COMMENT_COUNT = (
    r"^(?:\d+ )?(?:comments?|kommentare?|comentarios?|commentaires?|commenti|komentarz[ey]?|комментари[йи]?)"
    r"(?: \(\d+\))?\s*[:.…]*$"
)
#: A cookie notice, in the site's voice ("we use cookies", "this website uses cookies", "by continuing to
#: browse ... cookies"), in the languages of the sites a news corpus mixes in; matched on lowercased lines
#: that name cookies.
COOKIE_NOTICE = (
    r"(?:(?:this|our) (?:web ?)?(?:site|page|website)s? (?:uses?|is using|utili[sz]es) (?:\w+ )?cookie"
    r"|we (?:and our partners )?(?:use|are using|utili[sz]e) cookies|(?:agree to|consent to|accept) (?:our|the) use of cookies"
    r"|by (?:continuing|using|browsing)\b.{0,80}\bcookies|(?:accept|allow|manage|reject) (?:all )?cookies"
    r"|necessary cookies are"
    r"|(?:diese|unsere|die) (?:web|internet)?(?:seite|site) (?:verwendet|nutzt|benutzt|setzt) (?:\w+ )?cookies"
    r"|wir (?:und unsere partner )?(?:verwenden|nutzen|benutzen|setzen) (?:\w+ )?cookies"
    r"|(?:verwenden|nutzen|setzen) wir (?:\w+ )?cookies|verwendung von cookies zu|dass wir cookies verwenden"
    r"|auf unserer (?:web|internet)?seite werden cookies|cookies (?:akzeptieren|zulassen|ablehnen)"
    r"|(?:nous utilisons|ce site(?: web)? utilise) (?:des )?cookies|(?:l')?utilisation (?:de|des) cookies"
    r"|(?:utilizamos|usamos) (?:las |nuestras )?cookies|este (?:sitio|site|portal)(?: web)? (?:utiliza|usa) cookies"
    r"|(?:utilizziamo|usiamo) (?:i )?cookie|questo sito(?: web)? (?:utilizza|usa) (?:i )?cookie"
    r"|(?:wykorzystuj\w+|używa\w*|korzysta\w*|stosuje\w*) (?:z )?(?:plik\w+ )?cookies"
    r"|(?:wij gebruiken|we gebruiken|deze (?:web)?site gebruikt) cookies)"
)
#: A cookie link or heading alone on its line ("Cookie Settings", "Privacy & Cookies").
COOKIE_LABEL = (
    r"^(?:(?:manage )?cookie[- ]?(?:policy|settings|preferences|einstellungen|richtlinie|hinweis|details)(?: \(\w+\))?"
    r"|cookies?|privacy & cookies(?: policy)?|datenschutz & cookies|politi(?:que|ca) de(?:s)? cookies|polityka cookies)$"
)
TAIL_HEADING = (
    r"^(?:(?:[a-z]+ )?(?:related|realted) (?:stories|story|news|articles|posts|topics|content|videos|links)"
    r"|also read|read also|read more|more stories|more news|more from [a-z0-9 .&'-]{1,40}|you may also like"
    r"|you might also like|recommended(?: for you| stories| articles)?|trending(?: now| stories| news)?"
    r"|most read|most popular|popular (?:stories|news)|top stories|latest news|latest stories|must read"
    r"|don't miss|also watch|watch more|also see|see also|more on this|in other news"
    # the same headings in the languages of the sites a news corpus mixes in (Hindi, Portuguese, Spanish,
    # French, Italian, German, Indonesian)
    r"|संबंधित (?:(?:ख|\u0916\u093c|\u0959)बरें|समाचार)|(?:você )?(?:também )?pode gostar|veja também"
    r"|notícias relacionadas|mais lidas|te puede interesar|noticias relacionadas|lo más leído|sur le même sujet"
    r"|articles similaires|les plus lus|potrebbe interessarti|articoli correlati|mehr zum thema"
    r"|das könnte (?:sie|dich) auch interessieren|weitere artikel|weitere themen|mehr themen|berita terkait"
    r"|notas relacionadas|contenido relacionado|art[ií]culos relacionados"
    r"|related (?:coverage|reading)(?: from .{1,60})?|read (?:these |this )?next|what to read next"
    r"|more (?:great )?[a-z0-9.&' -]{1,30} stories|(?:want )?more (?:stories|articles) like this\??"
    r"|ähnliche beiträge|verwandte artikel|weitere beiträge"
    r"|lees ook|gerelateerde artikelen|czytaj (?:też|także)|zobacz (?:też|także)|powiązane artykuły"
    r"|inne artykuły(?: autora)?|läs också|relaterade artiklar|les også|relaterte artikler|lue (?:myös|seuraavaksi)"
    r"|вам (?:также )?может быть интересно|похожие (?:статьи|новости)|terkait|berita lainnya|関連記事"
    r"|相关(?:新闻|阅读|文章|推荐)"
    # an author box and a newsletter box: what follows them is the site's, not the story's
    r"|about the authors?|über (?:den autor|die autorin)|zum autor|sobre (?:el|la) autora?|acerca del autor"
    r"|à propos de l'auteur|sull'autore|o autorze|об авторе"
    r"|(?:newsletter sign ?up|sign up for (?:our|the) .{0,40}newsletters?|subscribe to (?:our|the) .{0,40}newsletters?)"
    # a comment section's heading: what follows is readers' text, not the story's (a bare "12 Comments" is
    # COMMENT_COUNT)
    r"|(?:\d+ )?(?:comments?|responses?|replies|thoughts|reactions?) (?:to|on) .{1,160}|leave a (?:reply|comment)"
    r"|(?:schreibe|schreiben sie) einen kommentar|kommentar (?:verfassen|schreiben)|deja un comentario"
    r"|laisser un commentaire|lascia un commento|dodaj komentarz|join the (?:conversation|discussion))\s*[:.…]*$"
)
INLINE_READ = (r"^(?:also read|read also|read more|also see|see also|must read|also watch|watch|listen|" + _READ_ALSO
               + r")\s*[:|\-–—]\s*\S")
HEADER_HINT = (
    r"^(?:by|written by|reported by|posted by|edited by)\b|\|\s*(?:last )?(?:updated|published|posted)\b"
    r"|(?:^|\|\s*)(?:अपडेटेड|अपडेट|प्रकाशित|पब्लिश्ड)\s*[:ः]"
    r"|^(?:last |first )?(?:updated|published|posted)\b"
    r"|^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"|\|\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"  # "IANS | Mar 05, 2025 ..."
    r"|^(?:curated |compiled )?by\s*:?$"  # a label on a line of its own, the name on the next
    r"|^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|^\d{4}-\d{2}-\d{2}"
)
TEASER_END = r"(?:\.\.\.|…)$"
# Cheap superset of provenance.extract.boilerplate.DISCLAIMER: every pattern there needs one of these.
DISCLAIMER_HINT = (r"(?i)(?:published|generated)\s+(?:from|via|through)|auto[- ]?(?:generated|published)\s+"
                   r"(?:story|article|report|copy|news)|(?:reworked|changed|edited)\s+by"
                   "|फ\u093c?ीड|\u095eीड|एडिट|संपाद")  # Hindi: feed (nukta or not, precomposed or not), edit

_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PLACE = r"[A-Z][A-Za-z'’.\-]*(?:[ \-][A-Z][A-Za-z'’.\-]*){0,3}(?:\s*\[[^\]]{1,30}\])?"
_AGENCY = r"(?:\s*\((?:[A-Za-z][A-Za-z .&/\-]{0,30})\))?"
_SEP = r"(?:\s*(?:[:\-–—]+\s*|\s+)|$)"
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
#: "By IANS", "Written by: ...", and "ByHT News Desk" (a scraped page glues the label to the name).
_BYLINE = re.compile(r"^(?:(?:by|written by|reported by|posted by|edited by)\s*:?\s+|author\s*:\s*|(?-i:By(?=[A-Z])))"
                     r"(.{1,120})$", re.I)
_DATE_LABEL = re.compile(
    r"^\s*(?:(?:last|first)\s+)?(updated|published|posted|modified|created|publish(?:ed)?\s+date|publication\s+date"
    r"|date\s+published|date|अपडेटेड|अपडेट|प्रकाशित|पब्लिश्ड)\s*(?:on|at)?\s*([:ः])?\s*(.*)$", re.I
)
_PUBLISHED_LABELS = frozenset({"published", "created", "publish date", "published date", "publication date",
                               "date published", "date", "प्रकाशित", "पब्लिश्ड"})
#: A byline label glued to what stands before it ("... PM (IST)Author: Jana Berg"): a segment of its own.
_GLUED_AUTHOR = re.compile(r"(?<=\S)\s*(?=(?:author|written by|reported by)\s*:)", re.I)
#: An English date label's words ("Last Updated", "Published", "Created").
_DATE_WORD = r"(?:(?:last|first)\s+)?(?:updated|published|posted|modified|created)"
#: A label on a line of its own, whose value is the next line ("Curated By :" / "News Desk"; "Published On:" /
#: "Mar 4, 2025"): group 1 is a byline label, group 2 a date label.
_BARE_LABEL = re.compile(
    r"^\s*(?:((?:(?:curated|compiled|written|reported|posted|edited|published)\s+)?by)"
    rf"|({_DATE_WORD}(?:\s+(?:on|at))?))\s*:?\s*$", re.I)
#: A name of a newsroom, not a place: preferred as the byline among a credit line's segments.
_DESK = re.compile(r"\b(?:desk|bureau|staff|team|correspondents?|reporters?|news\s+service)\b", re.I)
_NAME_WORD = re.compile(r"^(?:[A-Z0-9&(\"'“‘][\w.'’&()\-]*|and|of|the|de|da|del|van|von|der|for|with|in|our|a|staff|team)$")
_SENT_END = re.compile(r"[.!?][\"'”’)]*$|[.!?]$")


# ---------------------------------------------------------------- hashing

def xxh64_hex(s: pl.Series) -> pl.Series:
    """xxh64 hex digest of each string (null stays null), hashed in one numba pass."""
    data, offs = _k_arrow_bytes(s)
    hexbuf = _k_hex16(_k_hash_rows(data, offs))
    out = _k_to_series(s.name, hexbuf, np.arange(0, 16 * (len(s) + 1), 16, dtype=np.int64))
    return out if s.null_count() == 0 else pl.select(pl.when(s.is_not_null()).then(out)).to_series().alias(s.name)


#: What the line kernel treats as whitespace (collapsed to one space, stripped at the ends).
_LINE_WS = re.compile("[\t\n\x0b\x0c\r \u00a0\u0085\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]+")


def line_key(line: str) -> str:
    """The normalized form of a line that chrome statistics count: whitespace collapsed, case kept."""
    return _LINE_WS.sub(" ", line).strip(" ")


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


# ---------------------------------------------------------------- byte kernels
# Text is processed as UTF-8 bytes straight from Arrow buffers: one numba pass
# finds, strips and hashes every line; decisions are then made on integer
# tables; a second pass copies the kept lines out. Strings are materialized
# only for the few lines a regex has to look at.


@nb.njit(cache=True)
def _xxh64(b, start, end):
    """XXH64 (seed 0) of ``b[start:end]``: the pure-numba fallback, shared with fingerprinting."""
    return xxh64_range(b, start, end, np.uint64(0))


@nb.njit(cache=True)
def _ws_at(b, i, end):
    """Byte length of the whitespace character starting at ``i`` (0 if none)."""
    c = b[i]
    if c == 32 or (9 <= c <= 13):
        return 1
    if c == 0xC2 and i + 1 < end and (b[i + 1] == 0xA0 or b[i + 1] == 0x85):
        return 2
    if c == 0xE2 and i + 2 < end:
        c1 = b[i + 1]
        c2 = b[i + 2]
        if c1 == 0x80 and (c2 <= 0x8D or c2 == 0xA8 or c2 == 0xA9 or c2 == 0xAF):
            return 3
        if c1 == 0x81 and (c2 == 0x9F or c2 == 0xA0):
            return 3
    if c == 0xE3 and i + 2 < end and b[i + 1] == 0x80 and b[i + 2] == 0x80:
        return 3
    if c == 0xEF and i + 2 < end and b[i + 1] == 0xBB and b[i + 2] == 0xBF:
        return 3
    return 0


@nb.njit(cache=True)
def _ws_before(b, j, start):
    """Byte length of the whitespace character ending just before ``j`` (0 if none)."""
    c = b[j - 1]
    if c == 32 or (9 <= c <= 13):
        return 1
    if j - 2 >= start and b[j - 2] == 0xC2 and (c == 0xA0 or c == 0x85):
        return 2
    if j - 3 >= start:
        a = b[j - 3]
        m = b[j - 2]
        if a == 0xE2 and m == 0x80 and (c <= 0x8D or c == 0xA8 or c == 0xA9 or c == 0xAF):
            return 3
        if a == 0xE2 and m == 0x81 and (c == 0x9F or c == 0xA0):
            return 3
        if a == 0xE3 and m == 0x80 and c == 0x80:
            return 3
        if a == 0xEF and m == 0xBB and c == 0xBF:
            return 3
    return 0


def _c_xxh64():
    """The C ``XXH64`` inside the installed ``xxhash`` package, if it exports it (5x numba's speed)."""
    import ctypes

    try:
        import xxhash._xxhash as mod

        f = ctypes.CDLL(mod.__file__).XXH64
    except (ImportError, OSError, AttributeError):
        return None
    f.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64]
    f.restype = ctypes.c_uint64
    probe = b"provenance xxh64 probe"
    buf = ctypes.create_string_buffer(probe, len(probe))
    return f if f(ctypes.addressof(buf), len(probe), 0) == xxhash.xxh64_intdigest(probe) else None


_XXH64_C = _c_xxh64()

@nb.njit(cache=True)
def _k_hash_spans_nb(b, starts, ends):
    out = np.empty(len(starts), np.uint64)
    for i in range(len(starts)):
        out[i] = _xxh64(b, starts[i], ends[i])
    return out


if _XXH64_C is not None:

    @nb.njit  # not cached: it calls a C function by address
    def _k_hash_spans_c(b, starts, ends):
        out = np.empty(len(starts), np.uint64)
        base = b.ctypes.data
        for i in range(len(starts)):
            out[i] = _XXH64_C(base + starts[i], ends[i] - starts[i], 0)
        return out

#: Bytes of spans from which the C XXH64 is worth compiling. Both give the same hashes; the C one hashes
#: ~1.7 GB/s against numba's ~0.9 GB/s, but it cannot be cached, so its first call in a process compiles
#: (~0.26 s). Below this, the cached numba one; once compiled, the C one whatever the size.
C_HASH_FROM_BYTES = 64 << 20


def _k_hash_spans(b, starts, ends):  # noqa: ANN001, ANN202
    """XXH64 (seed 0) of every ``b[starts[i]:ends[i]]``."""
    if _XXH64_C is not None and (
        _k_hash_spans_c.signatures or len(starts) and int((ends - starts).sum()) >= C_HASH_FROM_BYTES
    ):
        return _k_hash_spans_c(b, starts, ends)
    return _k_hash_spans_nb(b, starts, ends)


def _k_hash_rows(b, offs):
    return _k_hash_spans(b, offs[:-1], offs[1:])


@nb.njit(cache=True, inline="always")
def _odd_byte(b, i, n, c, prev):
    """Could the byte at ``i`` make its line need whitespace normalization? (False positives are harmless.)"""
    if c < 32:
        return c != 10
    if c == 32:
        return prev == 32
    if c == 0xE2:
        # U+2000-200D, 2028/29, 202F, 205F/2060; other E2 80 xx (quotes, dashes) are common and fine.
        if i + 2 < n:
            c1 = b[i + 1]
            c2 = b[i + 2]
            return (c1 == 0x80 and (c2 <= 0x8D or c2 == 0xA8 or c2 == 0xA9 or c2 == 0xAF)) or (
                c1 == 0x81 and (c2 == 0x9F or c2 == 0xA0)
            )
        return False
    return c == 0xC2 or c == 0xE3 or c == 0xEF  # maybe NBSP, ideographic space, BOM


@nb.njit(cache=True)
def _k_marks(b):
    """Two flat passes (count, then fill): positions of newlines, and of bytes that may make a
    line need whitespace normalization (control bytes, a second space in a row, Unicode spaces)."""
    n = len(b)
    n_nl = 0
    n_ab = 0
    # Branch-free counts (LLVM vectorizes them); odd bytes are over-counted (every byte up to a
    # space, every lead byte _odd_byte may accept) only to size the buffer.
    for i in range(n):
        c = b[i]
        n_nl += c == 10
        n_ab += (c <= 32) | (c == 0xC2) | (c == 0xE2) | (c == 0xE3) | (c == 0xEF)
    nl = np.empty(n_nl, np.int64)
    ab = np.empty(n_ab, np.int64)
    j = 0
    k = 0
    prev = np.uint8(0)
    for i in range(n):
        c = b[i]
        if c > 32 and c < 0x80:  # printable ASCII, most bytes: neither a newline nor odd
            prev = c
            continue
        if c == 10:
            nl[j] = i
            j += 1
        elif _odd_byte(b, i, n, c, prev):
            ab[k] = i
            k += 1
        prev = c
    return nl, ab[:k]


@nb.njit(cache=True)
def _k_lines(b, offs, nl, ab):
    """Every non-blank line of every row: row, index, stripped byte span, ellipsis end, needs-normalizing."""
    m = len(nl) + len(offs)
    rid = np.empty(m, np.int64)
    idx = np.empty(m, np.int32)
    ls = np.empty(m, np.int64)
    le = np.empty(m, np.int64)
    ell = np.empty(m, np.bool_)
    odd = np.empty(m, np.bool_)
    n = 0
    j = 0
    k = 0
    for r in range(len(offs) - 1):
        s = offs[r]
        e = offs[r + 1]
        while j < len(nl) and nl[j] < s:
            j += 1
        p = s
        li = 0
        while True:
            q = nl[j] if (j < len(nl) and nl[j] < e) else e
            a = p
            z = q
            while a < z:
                w = _ws_at(b, a, z)
                if w == 0:
                    break
                a += w
            while z > a:
                w = _ws_before(b, z, a)
                if w == 0:
                    break
                z -= w
            if z > a:
                while k < len(ab) and ab[k] < a:
                    k += 1
                rid[n] = r
                idx[n] = li
                ls[n] = a
                le[n] = z
                odd[n] = k < len(ab) and ab[k] < z
                ell[n] = (z - a >= 3 and b[z - 1] == 46 and b[z - 2] == 46 and b[z - 3] == 46) or (
                    z - a >= 3 and b[z - 3] == 0xE2 and b[z - 2] == 0x80 and b[z - 1] == 0xA6
                )
                n += 1
                li += 1
            if q >= e:
                break
            p = q + 1
            j += 1
    return rid[:n], idx[:n], ls[:n], le[:n], ell[:n], odd[:n]


@nb.njit(cache=True)
def _k_normalize(b, starts, ends):
    """Whitespace-collapsed copies of the given spans: (data, offsets)."""
    total = 0
    for i in range(len(starts)):
        total += ends[i] - starts[i]
    out = np.empty(total, np.uint8)
    offs = np.empty(len(starts) + 1, np.int64)
    offs[0] = 0
    nn = 0
    for t in range(len(starts)):
        i = starts[t]
        z = ends[t]
        prev_ws = False
        while i < z:
            w = _ws_at(b, i, z)
            if w > 0:
                if not prev_ws:
                    out[nn] = 32
                    nn += 1
                prev_ws = True
                i += w
            else:
                out[nn] = b[i]
                nn += 1
                prev_ws = False
                i += 1
        offs[t + 1] = nn
    return out[:nn], offs


@nb.njit(cache=True)
def _k_words(b, starts, ends):
    """Whitespace-separated word count of each span (spans are stripped).

    ASCII bytes are decided inline and only multi-byte characters go to
    ``_ws_at``: calling it for every byte made this 10x slower (0.65 s
    against 0.05 s on 19 MB of text), and it runs on every line of a batch.
    """
    out = np.empty(len(starts), np.int32)
    for t in range(len(starts)):
        nw = 1
        prev_ws = False
        i = starts[t]
        z = ends[t]
        while i < z:
            c = b[i]
            if c < 0x80:
                if c == 32 or (c >= 9 and c <= 13):
                    if not prev_ws:
                        nw += 1
                    prev_ws = True
                else:
                    prev_ws = False
                i += 1
                continue
            w = _ws_at(b, i, z)
            if w > 0:
                if not prev_ws:
                    nw += 1
                prev_ws = True
                i += w
            else:
                prev_ws = False
                i += 1
        out[t] = nw
    return out


def _scan(data: np.ndarray, offs: np.ndarray):
    """Lines of every row and their chrome-statistics hashes."""
    nl, ab = _k_marks(data)
    rid, idx, ls, le, ell, odd = _k_lines(data, offs, nl, ab)
    h = np.empty(len(rid), np.uint64)
    plain = ~odd
    h[plain] = _k_hash_spans(data, ls[plain], le[plain])
    if odd.any():
        nbuf, noffs = _k_normalize(data, ls[odd], le[odd])
        h[odd] = _k_hash_spans(nbuf, noffs[:-1], noffs[1:])
    h[h == 0] = 1
    return rid, idx, ls, le, ell, h


#: The scan a process kept for its next :func:`scan_lines` call: data, offsets, lines.
_kept_scan: list[tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]] = []


def scan_lines(data: np.ndarray, offs: np.ndarray, *, keep: bool = False) -> tuple[np.ndarray, ...]:
    """:func:`_scan`, or the kept scan when it was of the same bytes; ``keep`` keeps this one for the next call.

    :func:`provenance.engine.parallel.parallel_extract` hashes a shard's lines in a
    first round and cleans the shard in a second, usually in the same
    process; the second reuses the first's scan (a tenth of the shard's
    time) only when offsets and bytes compare equal.
    """
    while _kept_scan:
        d, o, lines = _kept_scan.pop()
        if len(d) == len(data) and np.array_equal(o, offs) and np.array_equal(d, data):
            return lines
    lines = _scan(data, offs)
    if keep:
        _kept_scan.append((data, offs, lines))
    return lines


@nb.njit(cache=True)
def _k_hex16(h):
    """Lowercase 16-digit hex of each u64, as one byte buffer (16 bytes a value)."""
    out = np.empty(16 * len(h), np.uint8)
    for i in range(len(h)):
        v = h[i]
        for k in range(16):
            d = np.uint8((v >> np.uint64(4 * (15 - k))) & np.uint64(15))
            out[16 * i + k] = d + (48 if d < 10 else 87)
    return out


@nb.njit(cache=True)
def _k_gather_spans(b, starts, ends):
    """Copy byte spans into one buffer: (data, offsets) of a string array."""
    offs = np.empty(len(starts) + 1, np.int64)
    offs[0] = 0
    for i in range(len(starts)):
        offs[i + 1] = offs[i] + (ends[i] - starts[i])
    out = np.empty(offs[-1], np.uint8)
    for i in range(len(starts)):
        out[offs[i] : offs[i + 1]] = b[starts[i] : ends[i]]
    return out, offs


@nb.njit(cache=True)
def _k_join_rows(b, n_rows, rid, starts, ends):
    """Rows of kept lines (sorted by row) joined with a blank line: (data, offsets)."""
    offs = np.zeros(n_rows + 1, np.int64)
    total = 0
    for i in range(len(rid)):
        total += ends[i] - starts[i] + 2
    out = np.empty(total, np.uint8)
    pos = 0
    j = 0
    for r in range(n_rows):
        first = True
        while j < len(rid) and rid[j] == r:
            if not first:
                out[pos] = 10
                out[pos + 1] = 10
                pos += 2
            n = ends[j] - starts[j]
            out[pos : pos + n] = b[starts[j] : ends[j]]
            pos += n
            first = False
            j += 1
        offs[r + 1] = pos
    return out[:pos], offs


@nb.njit(cache=True)
def _k_teaser_mask(b, rid, starts, ends, ell):
    """Lines ending in an ellipsis whose text (without it) starts a later line of the same row."""
    out = np.zeros(len(rid), np.bool_)
    for i in range(len(rid)):
        if not ell[i]:
            continue
        z = ends[i] - 3
        while z > starts[i] and (b[z - 1] == 32 or b[z - 1] == 46):
            z -= 1
        n = z - starts[i]
        if n < 12:
            continue
        j = i + 1
        while j < len(rid) and rid[j] == rid[i]:
            if ends[j] - starts[j] > n:
                same = True
                for k in range(n):
                    if b[starts[j] + k] != b[starts[i] + k]:
                        same = False
                        break
                if same:
                    out[i] = True
                    break
            j += 1
    return out


#: After a tail heading, the page's own text resumes at this many sentence paragraphs in a row: a
#: list of other stories alternates headlines (no closing stop) with at most a one-sentence summary,
#: while a story that carries a "Don't miss" box mid-text goes on in paragraphs after it.
RESUME_PARAGRAPHS = 3
#: ... each of at least this many words and ending as a sentence does (:func:`_k_sentence_end`).
RESUME_WORDS = 10


@nb.njit(cache=True)
def _k_tail_cut(rid, words, heading, sentence):
    """Lines from a tail heading on, once a 15+ word paragraph came before it in the row (a comment count,
    ``heading`` 2: once ``RESUME_PARAGRAPHS`` did, for a page prints one by its headline too), up to where
    the page's own text resumes (``RESUME_PARAGRAPHS`` sentence paragraphs in a row, kept)."""
    out = np.zeros(len(rid), np.bool_)
    i = 0
    while i < len(rid):
        r = rid[i]
        start = i
        while i < len(rid) and rid[i] == r:
            i += 1
        n_para = 0
        cut = False
        j = start
        while j < i:
            h = heading[j]
            if h != 0 and (cut or (h == 1 and n_para >= 1) or (h == 2 and n_para >= RESUME_PARAGRAPHS)):
                cut = True
                out[j] = True
            elif cut:
                run = 0
                while j + run < i and run < RESUME_PARAGRAPHS and heading[j + run] == 0 and sentence[j + run] \
                        and words[j + run] >= RESUME_WORDS:
                    run += 1
                if run == RESUME_PARAGRAPHS:
                    cut = False  # the story goes on: keep this paragraph and what follows
                else:
                    out[j] = True
            elif words[j] >= 15:
                n_para += 1
            j += 1
    return out


@nb.njit(cache=True)
def _k_row_ends(rid):
    """For each line, the index one past the last line of its row (rows are contiguous)."""
    out = np.empty(len(rid), np.int64)
    end = len(rid)
    for j in range(len(rid) - 1, -1, -1):
        if j + 1 < len(rid) and rid[j + 1] != rid[j]:
            end = j + 1
        out[j] = end
    return out


@nb.njit(cache=True)
def _k_page_start(rid, para, n_head):
    """Lines of a scraped page more than ``n_head`` lines above its first paragraph: the site's menu,
    which can run to dozens of lines, where the header resolver looks only at the first ``n_head``."""
    out = np.zeros(len(rid), np.bool_)
    ends = _k_row_ends(rid)
    start = 0
    while start < len(rid):
        for j in range(start, ends[start]):
            if para[j]:
                out[start:max(start, j - n_head)] = True
                break
        start = ends[start]
    return out


@nb.njit(cache=True)
def _k_page_end(rid, para, sentence):
    """Lines of a scraped page after its story: past the row's last paragraph, from the first line
    that does not end a sentence on. Menus, footers, newsletter and comment forms, copyright lines and
    link lists follow a story on the page a scraper saved; a story's closing short sentences ("He
    declined to comment.") are kept, a short line that ends no sentence and comes after every
    paragraph is the page's, not the story's. A page without a paragraph is left as it is."""
    out = np.zeros(len(rid), np.bool_)
    ends = _k_row_ends(rid)
    start = 0
    while start < len(rid):
        end = ends[start]
        last = end - 1
        while last >= start and not para[last]:
            last -= 1
        if last >= start:
            j = last + 1
            while j < end and sentence[j]:
                j += 1
            out[j:end] = True
        start = end
    return out


@nb.njit(cache=True)
def _k_page_like(rid, para, label, n_rows, min_lines):
    """Per row: whether ``min_lines``+ ``label`` lines stand above its first paragraph. Rows without a
    paragraph are not (nothing tells their story from their page)."""
    out = np.zeros(n_rows, np.bool_)
    ends = _k_row_ends(rid)
    start = 0
    while start < len(rid):
        n = 0
        for j in range(start, ends[start]):
            if para[j]:
                out[rid[start]] = n >= min_lines
                break
            n += label[j]
        start = ends[start]
    return out


@nb.njit(cache=True)
def _k_first_in_row(rid, h):
    """True for the first occurrence of each hash within its row (rows are contiguous)."""
    out = np.ones(len(rid), np.bool_)
    start = 0
    n = len(rid)
    while start < n:
        end = start + 1
        while end < n and rid[end] == rid[start]:
            end += 1
        if end - start <= 64:
            for i in range(start + 1, end):
                for j in range(start, i):
                    if h[j] == h[i]:
                        out[i] = False
                        break
        else:
            order = np.argsort(h[start:end], kind="mergesort")
            for t in range(1, end - start):
                if h[start + order[t]] == h[start + order[t - 1]]:
                    out[start + order[t]] = False
        start = end
    return out


@nb.njit(cache=True)
def _k_ranks(rid):
    out = np.empty(len(rid), np.int32)
    k = 0
    for i in range(len(rid)):
        if i > 0 and rid[i] == rid[i - 1]:
            k += 1
        else:
            k = 0
        out[i] = k
    return out


def _k_arrow_bytes(s) -> tuple[np.ndarray, np.ndarray]:
    """(data, offsets) of a polars String series (nulls read as empty)."""
    arr = s.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    _, ob, db = arr.buffers()
    offs = np.frombuffer(ob, dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    data = np.frombuffer(db, dtype=np.uint8) if db is not None else np.zeros(0, np.uint8)
    return data, offs


def line_set(body: pl.Series) -> np.ndarray:
    """The distinct line hashes (as chrome statistics hash lines) of the texts in ``body``."""
    data, offs = _k_arrow_bytes(body)
    return np.unique(scan_lines(data, offs, keep=True)[5])  # kept: a shard's cleaning scans the same lines


def _k_to_series(name, data: np.ndarray, offs: np.ndarray):
    arr = pa.LargeStringArray.from_buffers(len(offs) - 1, pa.py_buffer(offs), pa.py_buffer(data))
    return pl.Series(name, arr)


@nb.njit(cache=True)
def _k_char_boundary(b, starts, ends):
    """``ends`` moved back so no UTF-8 character is cut in two."""
    out = ends.copy()
    for i in range(len(ends)):
        e = ends[i]
        while e > starts[i] and e < len(b) and (b[e] & 0xC0) == 0x80:
            e -= 1
        out[i] = e
    return out


# ---------------------------------------------------------------- entry point

#: Earlier ingests' chrome counts: a CHROME_STATS frame, or a lookup that is
#: given the (outlet, line_hash) keys of a batch and returns their CHROME_STATS
#: rows (a store keeps tens of millions of keys; a batch needs its own few).
ChromeCounts = pl.DataFrame | Callable[[pl.DataFrame], pl.DataFrame]
#: Stored sites of lines: given line hashes (a UInt64 series), the ``(outlet, line_hash)``
#: rows of CHROME_STATS holding them.
LineSites = Callable[[pl.Series], pl.DataFrame]


def extract(
    raw: pl.DataFrame, *, config: Config, chrome_stats: ChromeCounts | None = None,
    line_sites: LineSites | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """RAW records -> ``(EXTRACTED articles, REJECTS, CHROME_STATS)``.

    ``line_sites`` tells which stored sites carry given lines, so a line this
    batch would learn as one site's furniture is kept when another site's page
    (a copy of the same story) holds it too.

    The CHROME_STATS returned hold the new totals (earlier + this batch) of
    every (outlet, line_hash) this batch touched, and only those: the rows a
    store replaces, so no ingest reads or rewrites the whole table.
    :func:`provenance.engine.parallel.parallel_extract` gives the same three frames
    from both cores.
    """
    rejects: list[dict] = []
    df = prepared(raw, rejects)
    articles, stats = cleaned(df, rejects, config=config, chrome_stats=chrome_stats, line_sites=line_sites)
    return articles.drop("__rid"), reject_frame(rejects), stats


def prepared(
    raw: pl.DataFrame, rejects: list[dict],
    html: Callable[[pl.DataFrame, list[dict]], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Per-record first step: fields stripped, HTML pages through trafilatura, ``__body`` and ``outlet`` set.

    ``__rid`` numbers the records; ``html`` replaces :func:`html_rows` (a
    caller spreading the pages over processes). Split from :func:`cleaned`
    because chrome is learned per site and
    a page's site may come from its HTML (the canonical URL): the sites, and
    so the shards of :func:`provenance.engine.parallel.parallel_extract`, are known
    only after this step.
    """
    raw = conform(raw, RAW)
    df = raw.with_row_index("__rid").with_columns(
        pl.col("__rid").cast(pl.Int64),
        *[pl.col(c).str.strip_chars() for c in ("id", "url", "outlet", "title", "byline", "published")],
    ).with_columns(
        [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in ("id", "url", "outlet", "title", "byline", "published")]
    )
    has_text = pl.col("text").str.contains(r"\S").fill_null(False)
    has_html = pl.col("html").str.contains(r"\S").fill_null(False)
    df = df.with_columns(has_text.alias("__has_text"), (~has_text & has_html).alias("__is_html"))

    pages = (html or html_rows)(df.filter(pl.col("__is_html")).select("__rid", "html", "source", "locator"), rejects)
    df = df.join(pages, on="__rid", how="left", maintain_order="left").with_columns(
        pl.when(pl.col("__has_text")).then(pl.col("text")).otherwise(pl.col("h_text")).alias("__body"),
        pl.coalesce("url", "h_url").alias("url"),
    )
    canonical = pl.coalesce("canonical", "h_canonical")
    return df.with_columns(
        pl.when(canonical != pl.col("url")).then(canonical).alias("canonical_url"),
        pl.when(pl.col("outlet").is_null()).then(host_expr(pl.col("url"))).otherwise(pl.col("outlet")).alias("outlet"),
    ).drop("text", "html", "h_text")


def cleaned(
    df: pl.DataFrame, rejects: list[dict], *, config: Config, chrome_stats: ChromeCounts | None = None,
    line_sites: LineSites | None = None, elsewhere: np.ndarray | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """:func:`prepared` records -> (EXTRACTED articles with their ``__rid``, CHROME_STATS).

    Whole sites only: chrome is learned from a site's own pages. ``elsewhere``
    holds the line hashes that pages outside ``df`` (of the same batch) carry,
    so a shard of whole sites keeps a line as story text exactly when the
    whole batch would.
    """
    old_stats: ChromeCounts = pl.DataFrame(schema=CHROME_STATS) if chrome_stats is None else chrome_stats
    df = df.with_columns(pl.col("__body").alias("raw_text"))
    body, stats = _clean_texts(df, old_stats, rejects, line_sites, elsewhere)
    df = df.join(body, on="__rid", how="left", maintain_order="left")

    # Dates: the record's, else the page header's, else the HTML metadata's.
    t1, p1, o1 = parse_published_series(df.get_column("published"))
    t2, p2, o2 = parse_published_series(df.get_column("r_date"))
    t3, p3, o3 = parse_published_series(df.get_column("h_published"))
    df = df.with_columns(
        pl.coalesce(t1, t2, t3).alias("published_at"),
        pl.when(t1.is_not_null()).then(p1).when(t2.is_not_null()).then(p2).otherwise(p3).alias("published_precision"),
        pl.when(t1.is_not_null()).then(o1).when(t2.is_not_null()).then(o2).otherwise(o3).alias("published_offset"),
    )
    bad_date = df.filter(
        pl.col("published_at").is_null()
        & pl.any_horizontal(pl.col("published").is_not_null(), pl.col("r_date").is_not_null(), pl.col("h_published").is_not_null())
        & pl.col("text").is_not_null()
        & (pl.col("text") != "")
    )
    for row in bad_date.select("source", "locator", "published", "r_date", "h_published", "__rid").iter_rows():
        s = next(x for x in row[2:5] if x is not None)
        rejects.append(_rej(row[0], row[1], "bad_date", f"unreadable date {s[:80]!r}; published_at left null", "repaired", row[5]))

    df = df.with_columns(
        pl.coalesce("title", "r_title", "h_title").alias("title"),
        pl.coalesce("byline", "r_byline", "h_byline").alias("byline"),
    )
    named = df.filter(pl.col("title").str.contains(_TITLE_SEP) & pl.col("outlet").is_not_null())
    if named.height:
        site = pl.col("h_site") if "h_site" in named.columns else pl.lit(None, pl.String)
        bare = {rid: without_site_name(t, o, s)
                for rid, t, o, s in named.select("__rid", "title", "outlet", site).iter_rows()}
        df = df.with_columns(pl.col("__rid").replace_strict(bare, default=None, return_dtype=pl.String)
                             .fill_null(pl.col("title")).alias("title"))

    # Oversized: cut at a paragraph boundary.
    limit = config.max_text_chars
    too_long = df.filter(pl.col("text").str.len_chars() > limit)
    if too_long.height:
        cut = {
            rid: _truncate(t, limit)
            for rid, t in too_long.select("__rid", "text").iter_rows()
        }
        for src, loc, t, rid in too_long.select("source", "locator", "text", "__rid").iter_rows():
            rejects.append(
                _rej(src, loc, "oversized_text", f"text of {len(t)} chars cut to at most {limit} at a paragraph break", "repaired", rid)
            )
        df = df.with_columns(
            pl.when(pl.col("__rid").is_in(list(cut)))
            .then(pl.col("__rid").replace_strict(cut, default=None, return_dtype=pl.String))
            .otherwise(pl.col("text"))
            .alias("text")
        )

    empty = df.filter(pl.col("text").is_null() | (pl.col("text") == ""))
    for src, loc, is_html, rid in empty.select("source", "locator", "__is_html", "__rid").iter_rows():
        rejects.append(
            _rej(src, loc, "empty_text", "no article text in the page" if is_html else "no article text after cleaning", rid=rid)
        )
    df = df.filter(pl.col("text").is_not_null() & (pl.col("text") != ""))

    # Ids and hashes.
    content_hash = xxh64_hex(df.get_column("text"))
    df = df.with_columns(content_hash.alias("content_hash"))
    need_url_id = (
        df.filter(pl.col("id").is_null() & pl.col("url").is_not_null())
        .select("__rid", normalized_url_expr(pl.col("url")).alias("__url_key"))
        .filter(pl.col("__url_key").is_not_null())
    )
    url_ids = xxh64_hex(need_url_id.get_column("__url_key"))
    df = df.join(
        pl.DataFrame({"__rid": need_url_id.get_column("__rid"), "__uid": url_ids}),
        on="__rid", how="left", maintain_order="left",
    )
    # Outlet and text, not text alone: two outlets' verbatim copies are two articles. A page file whose outlet
    # is unknown (a flat folder of scraped pages without URLs) adds its path: twenty sites' unchanged copies of
    # one agency story are twenty pages, not one page saved twenty times.
    anonymous_page = pl.col("outlet").is_null() & pl.col("format").is_in(["txt", "html"]) & pl.col("locator").is_not_null()
    text_key = pl.when(anonymous_page).then(
        pl.concat_str([pl.lit(""), pl.col("locator"), pl.col("text")], separator="\x1f")
    ).otherwise(pl.concat_str([pl.col("outlet").fill_null(""), pl.col("text")], separator="\x1f"))
    df = df.with_columns(xxh64_hex(df.select(text_key.alias("k")).get_column("k")).alias("__tid"))
    df = df.with_columns(
        pl.coalesce(
            "id",
            pl.lit("u") + pl.col("__uid"),
            pl.lit("t") + pl.col("__tid"),
        ).alias("article_id")
    )
    # raw_text only where cleaning changed something: most records are clean
    # already, and a second copy of their text doubled what the store writes.
    df = df.with_columns(pl.when(pl.col("raw_text") == pl.col("text")).then(None).otherwise(pl.col("raw_text")).alias("raw_text"))
    return pl.concat([df.select("__rid"), conform(df, EXTRACTED)], how="horizontal"), stats


#: The order of the reasons in :func:`extract`'s rejects (each in record order), for frames put
#: together from shards.
REJECT_ORDER = ("oversized_html", "bad_date", "oversized_text", "empty_text")


def reject_frame(rejects: list[dict], *, reorder: bool = False) -> pl.DataFrame:
    """REJECTS of :func:`extract`; ``reorder`` sorts rejects gathered from shards into one process's order."""
    if not rejects:
        return pl.DataFrame(schema=REJECTS)
    df = pl.DataFrame(rejects, schema={**REJECTS, "__rid": pl.Int64})
    if reorder:
        phase = pl.col("reason").replace_strict(REJECT_ORDER, list(range(len(REJECT_ORDER))), default=len(REJECT_ORDER))
        df = df.sort(phase, "__rid", maintain_order=True)
    return conform(df, REJECTS)


def _rej(source, locator, reason, detail, action="skipped", rid=None) -> dict:
    return {"source": source, "locator": locator, "reason": reason, "detail": detail, "action": action, "__rid": rid}


def _truncate(text: str, limit: int) -> str:
    cut = text.rfind("\n\n", 0, limit + 1)
    if cut <= 0:
        cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        cut = limit
    return text[:cut].rstrip()


# ---------------------------------------------------------------- URLs

_URL_RE = r"^(?i)(?:[a-z][a-z0-9+.\-]*:)?//(?:[^@/?#]*@)?([^/?#:]+)(?::\d+)?([^#]*)"


#: A Wayback Machine capture's URL: the archived page's own URL follows the capture's timestamp (the
#: same pattern as ``provenance.ingest.pages._ARCHIVE``, which reads a page's host).
ARCHIVE_URL = r"^(?i)(?:https?:)?//(?:web\.|wayback\.)?archive\.org/web/\d{1,14}(?:[a-z]{2}_|\*)?/"


def unarchived_expr(url: pl.Expr) -> pl.Expr:
    """The archived page's URL for a Wayback Machine capture, else ``url``: researchers scrape old news
    from the archive, and a capture is the page of its own site (its outlet, its id), not of archive.org."""
    rest = url.str.replace(ARCHIVE_URL, "")
    return (
        pl.when(~url.str.contains(ARCHIVE_URL)).then(url)
        .when(rest.str.contains(r"^(?i)[a-z][a-z0-9+.\-]*://")).then(rest)
        .otherwise(pl.lit("//") + rest)
    )


def host_expr(url: pl.Expr) -> pl.Expr:
    host = unarchived_expr(url).str.extract(_URL_RE, 1).str.to_lowercase().str.strip_chars_end(".")
    return host.str.replace(r"^www\.", "")


def normalized_url_expr(url: pl.Expr) -> pl.Expr:
    url = unarchived_expr(url)
    rest = url.str.extract(_URL_RE, 2)
    rest = (
        rest.str.replace_all(r"([?&])(?:utm_[^&=]*|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)=[^&]*", "$1")
        .str.replace_all(r"&&+", "&")
        .str.replace(r"\?&", "?")
        .str.replace(r"[?&]$", "")
        .str.replace(r"/+(\?|$)", "$1")
    )
    host = host_expr(url)
    return pl.when(host.is_not_null()).then(host + rest.fill_null(""))


# ---------------------------------------------------------------- HTML

_SCRIPTISH = re.compile(r"<(script|style|noscript|template|svg|iframe|object)\b([^>]{0,500})", re.I)
#: Elements whose content is raw text to an HTML parser: unclosed, they run to the end of the page.
_RAW_TEXT = frozenset({"script", "style", "template", "iframe"})
_PARAGRAPH = re.compile(r"<p[\s>]", re.I)


def _drop_scripts(html: str) -> str:
    """Cut script-like elements in one pass; JSON-LD stays.

    An end tag is read as a parser reads it, up to its ``>`` (``</svg`` followed by a newline and the next
    tag closes the svg). An unclosed raw-text element (script, style, template, iframe) ends the page, as
    it does for a browser; an unclosed svg or object loses only its own tag. A ``<noscript>`` holding
    paragraphs is what the page shows a reader without scripts (Blogger puts every post body in a script
    template and in a noscript copy), so it is unwrapped, not cut; other noscripts (tracking pixels,
    "enable JavaScript") are cut.
    """
    out, pos = [], 0
    while True:
        m = _SCRIPTISH.search(html, pos)
        if not m:
            out.append(html[pos:])
            break
        name = m.group(1).lower()
        close = re.compile(r"</" + name + r"\b[^>]*>", re.I).search(html, m.end())
        if not close:
            out.append(html[pos : m.start()])
            if name in _RAW_TEXT or name == "noscript":
                break
            pos = html.find(">", m.end()) + 1 or len(html)
            continue
        if name == "script" and "ld+json" in m.group(2).lower():  # metadata, not code
            out.append(html[pos : close.end()])
        elif name == "noscript" and _PARAGRAPH.search(html, m.end(), close.start()):
            out.append(html[pos : m.start()])
            out.append(html[html.find(">", m.end()) + 1 or m.end() : close.start()])
        else:
            out.append(html[pos : m.start()])
        pos = close.end()
    return "".join(out)


_META_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "dc.date.issued",
    "dc.date", "dcterms.created", "parsely-pub-date", "sailthru.date", "date",
)


def _published(declared: list[str], shown: list[str], guessed: Callable[[], str | None]) -> str | None:
    """The page's publication date: what its metadata declares (to the minute if any is; a story
    ``<time>`` on the same day adds the time), else its story ``<time>`` elements, else ``guessed()``
    (htmldate, which reads the URL and the page's header; called only then)."""
    d_minute, d_day = _first_date(declared)
    s_minute, s_day = _first_date(shown)
    if d_minute:
        return d_minute
    if d_day:
        return s_minute if s_minute and s_minute[:10] == d_day[:10] else d_day
    return s_minute or s_day or guessed()


def _htmldate(raw: str, url: str | None) -> str | None:
    """htmldate's original publication date of the page as it came, scripts included: many pages keep
    their date only in an app's JSON state or an RDF comment, which the extraction's copy has lost.
    Only for pages whose metadata declares no date, so most pages are not parsed a second time."""
    from htmldate import find_date

    try:
        return find_date(raw[:HTML_MAX_CHARS], extensive_search=False, original_date=True, url=url)
    except Exception:  # noqa: BLE001 - a page htmldate cannot read has no date from it
        return None


def _first_date(candidates: list[str]) -> tuple[str | None, str | None]:
    """(the first candidate read to the minute, the first read to the day)."""
    day = None
    for d in candidates:
        _, p = parse_published(d)
        if p == "minute":
            return d, day
        if p == "day" and day is None:
            day = d
    return None, day


def _meta_dates(tree) -> tuple[list[str], list[str]]:
    """(publication date strings the page declares in its metadata, best first; the datetimes of its
    first ``<time>`` elements outside sidebars, story lists, comments and embeds: :func:`_aside`)."""
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
    # the first three only: a page with a long comment thread has hundreds, each an ancestor walk
    shown = islice((t.get("datetime") for t in tree.iter("time") if t.get("datetime") and not _aside(t)), 3)
    return items, list(shown)


#: Where a ``<time>`` dates something other than the story: a sidebar, a list of related or popular
#: stories, a comment, an embedded post. Read from the tag, or from a class or id word ("comment-body",
#: "related-posts", "kb-comments"); a WordPress taxonomy class ("tag-twitter", "category-popular") names
#: the post's subject and a "has-" class a layout, not a box. A ``<footer>`` is not one: themes put the
#: post's own date in it.
_ASIDE_TAGS = frozenset({"aside", "nav", "blockquote"})
_ASIDE_WORDS = frozenset([
    "related", "suggest", "suggested", "suggestions", "sidebar", "teaser", "teasers", "recommend", "recommended",
    "recommendations", "comment", "comments", "widget", "widgets", "popular", "trending", "embed", "embedded",
    "instagram", "twitter", "tweet",
])


def _aside(el) -> bool:
    """Does this element sit in a sidebar, a list of other stories, a comment or an embedded post?"""
    for _ in range(16):
        el = el.getparent()
        if el is None or not isinstance(el.tag, str) or el.tag in ("body", "html"):
            return False  # the body's classes describe the theme ("wp-embed-responsive", "has-sidebar")
        if el.tag in _ASIDE_TAGS:
            return True
        for token in f"{el.get('class') or ''} {el.get('id') or ''}".lower().split():
            if not token.startswith(("tag-", "category-", "has-")) and not _ASIDE_WORDS.isdisjoint(regex.split(r"[-_]", token)):
                return True
    return False


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
    """One HTML page -> ``{text, title, byline, published, url, site, canonical, oversized}`` (values may be None;
    ``site`` is the name the page declares for its site, ``og:site_name``)."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    from provenance.ingest.pages import is_http, own_url, page_urls

    out = {"text": None, "title": None, "byline": None, "published": None, "url": None, "site": None,
           "canonical": None, "oversized": False}
    raw = html
    canonical, og = page_urls(html)
    out["canonical"] = canonical
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
        declared, shown = _meta_dates(tree)
        site = tree.xpath('//meta[@property="og:site_name" or @name="og:site_name"]/@content')
        out["site"] = " ".join(str(site[0]).split())[:200] or None if site else None
    except Exception:  # noqa: BLE001
        declared, shown = [], []
    dates = declared + shown
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
        out["byline"] = _author(doc.author)
        out["url"] = own_url(canonical, og) or (doc.url if is_http(doc.url) else None)
    else:
        out["text"] = _block_text(tree) or None
    out["published"] = _published(declared, shown, lambda: _htmldate(raw, out["url"]) or (doc.date if doc else None))
    if out["published"] is None and dates:
        out["published"] = dates[0]  # unreadable, but said: extract() keeps null with a bad_date repair
    return out


#: Date labels of French, Spanish, Portuguese, Italian and German byline boxes ("publié le", "Mis à jour à",
#: "Actualizado", "Veröffentlicht am").
_LOCAL_DATE_WORD = (r"(?:publié|mis\s+à\s+jour|publicado|actualizado|atualizado|pubblicato|aggiornato|veröffentlicht"
                    r"|aktualisiert)(?:\s+(?:le|à|el|em|il|am|um))*")
_LABEL_WORD = re.compile(rf"(?i)^(?:{_DATE_WORD}(?:\s+(?:on|at|by))?|{_LOCAL_DATE_WORD})\s*:?$")
_LABEL_TAIL = re.compile(rf"(?i)\s+(?:{_DATE_WORD}(?:\s+(?:on|at))?|{_LOCAL_DATE_WORD})\s*:?$")
#: Byline labels of other languages that trafilatura leaves on the name ("Por Alberto Ávila", "Par AFP",
#: "Door NU.nl", "Af Ritzau", "Autor: ..."). "Von" only before two words or a lowercase one: "Von Max
#: Muster" and "Von dpa" are labelled, "Von Miller" is a name.
_LOCAL_BY = re.compile(r"^(?:(?i:por|par|door|autor|autorin|auteur)\b\s*:?|(?:Af|Av)\b|Von(?=\s+(?:[a-zäöü]|\S+\s+\S)))\s*(?=\S)")


def _author(author: str | None) -> str | None:
    """trafilatura's author string without the date labels it takes from a byline box
    ("Desk; New Delhi; Updated ; Created" -> "Desk; New Delhi"; "Posted" -> None; "Par AFP publié le; Mis À
    Jour À" -> "AFP") and without another language's byline label ("Por Alberto Ávila" -> "Alberto Ávila")."""
    if not author:
        return None
    parts = [_LABEL_TAIL.sub("", a.strip()) for a in author.split(";")]
    parts = [_LOCAL_BY.sub("", a, count=1) if i == 0 else a for i, a in enumerate(parts)]
    return "; ".join(a for a in parts if a and not _LABEL_WORD.match(a)) or None


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


def html_rows(rows: pl.DataFrame, rejects: list[dict]) -> pl.DataFrame:
    """trafilatura's text and metadata of the HTML records ``rows`` (``__rid``, ``html``, ``source``, ``locator``)."""
    schema = {
        "__rid": pl.Int64, "h_text": pl.String, "h_title": pl.String, "h_byline": pl.String,
        "h_published": pl.String, "h_url": pl.String, "h_site": pl.String, "h_canonical": pl.String,
    }
    if rows.height == 0:
        return pl.DataFrame(schema=schema)
    out = {k: [] for k in schema}
    for rid, html, src, loc in rows.select("__rid", "html", "source", "locator").iter_rows():
        r = html_article(html)
        if r["oversized"]:
            rejects.append(
                _rej(src, loc, "oversized_html", f"HTML of {len(html)} chars cut to {HTML_MAX_CHARS} before extraction",
                     "repaired", rid)
            )
        out["__rid"].append(rid)
        out["h_text"].append(r["text"])
        out["h_title"].append(r["title"])
        out["h_byline"].append(r["byline"])
        out["h_published"].append(r["published"])
        out["h_url"].append(r["url"])
        out["h_site"].append(r["site"])
        out["h_canonical"].append(r["canonical"])
    return pl.DataFrame(out, schema=schema)


# ---------------------------------------------------------------- text cleaning

#: Lines longer than this (bytes) cannot be menu, heading or credit lines, so no regex looks at them.
SHORT_LINE_BYTES = 240


def _materialize(data: np.ndarray, starts: np.ndarray, ends: np.ndarray, name: str = "line") -> pl.Series:
    buf, offs = _k_gather_spans(data, starts, ends)
    return _k_to_series(name, buf, offs)


def _clean_texts(
    df: pl.DataFrame, old_stats: ChromeCounts, rejects: list[dict], line_sites: LineSites | None = None,
    elsewhere: np.ndarray | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Clean ``__body`` of every row: (frame of __rid, text, dateline, r_title, r_byline, r_date), new stats."""
    out_schema = {
        "__rid": pl.Int64, "text": pl.String, "dateline": pl.String,
        "r_title": pl.String, "r_byline": pl.String, "r_date": pl.String,
    }
    base = df.select("__rid", "outlet", "format", "__is_html", pl.coalesce("title", "h_title").alias("title"), "__body")
    n = base.height
    data, offs = _k_arrow_bytes(base.get_column("__body"))
    rid, ln, ls, le, ell, hs = scan_lines(data, offs)
    # Every line's words and whether it ends a sentence, once: the rules below read them for subsets.
    line_words, line_sent = _k_words(data, ls, le), _k_sentence_end(data, ls, le)
    # A scraper's saved page: a text page file, or a record whose text looks like one (scrapers write
    # JSONL and CSV too); text extracted from HTML is the extractor's story, not a page.
    is_page = (base.get_column("format") == "txt").fill_null(False).to_numpy() | (
        _k_page_like(rid, _paragraphs(line_words, line_sent), (line_words <= EDGE_MAX_WORDS) & ~line_sent, n,
                     PAGE_LIKE_LINES)
        & ~base.get_column("__is_html").fill_null(False).to_numpy()
    )

    # Sites (an outlet's subdomains are one site) as dense codes, so every per-line join is on integers.
    site = outlet_key_expr(pl.col("outlet")).alias("outlet")
    codes = base.select(site.cast(pl.Categorical).to_physical().cast(pl.Int64).alias("oc"), site)
    oc_row = codes.get_column("oc").fill_null(-1).to_numpy()
    oc = oc_row[rid]
    lines = pl.DataFrame({"oc": oc, "h": hs})
    body_hash = _k_hash_rows(data, offs)
    stats = _update_stats(codes, body_hash, rid, hs, old_stats)
    # One text under 3+ titles on one site: the extractor found no article, only the site's sidebar.
    sidebar_only = (
        codes.select("oc").with_columns(pl.Series("bh", body_hash), _title_key(base.get_column("title")).alias("t"))
        .select((pl.col("oc").is_not_null() & (pl.col("t").n_unique().over("oc", "bh") >= 3)
                 & (pl.col("t").null_count().over("oc", "bh") == 0)).alias("x"))
        .to_series().to_numpy()
    )

    # Learned chrome: the outlet's count for the line against the rule for its length.
    outlet_codes = codes.drop_nulls().unique()
    st = stats.join(outlet_codes, on="outlet", how="inner")
    n_pages = st.filter(pl.col("line_hash") == 0).select("oc", pl.col("pages").alias("n"))
    # Only lines over the lowest bar (the short lines' rule) can be chrome.
    st = (
        st.filter(pl.col("line_hash") != 0)
        .select("oc", pl.col("line_hash").alias("h"), "pages")
        .join(n_pages, on="oc")
        .filter(pl.col("pages") >= _chrome_min_pages_expr(pl.col("n"), pl.lit(1)))
    )
    hit = lines.with_row_index("i").join(st, on=["oc", "h"], how="inner")
    learned = np.zeros(len(rid), np.bool_)
    if hit.height:
        hi = hit.get_column("i").to_numpy()
        hw = line_words[hi]
        ok = hit.select(pl.col("pages") >= _chrome_min_pages_expr(pl.col("n"), pl.Series(hw))).to_series().to_numpy()
        learned[hi[ok]] = True
    # Regexes only for short lines (and the first lines, which may be a long title).
    nbytes = le - ls
    short_idx = np.flatnonzero(nbytes <= SHORT_LINE_BYTES)
    short = pl.DataFrame(
        {
            "i": short_idx, "line": _normalized(_materialize(data, ls[short_idx], le[short_idx])).str.to_lowercase(),
            "ln": ln[short_idx], "words": line_words[short_idx],
        }
    ).rename({"line": "norm"})
    flags = short.select(
        "i",
        pl.col("norm").str.contains(STATIC_CHROME).alias("static"),
        pl.col("norm").str.contains(TAIL_HEADING).alias("tail"),
        pl.col("norm").str.contains(COMMENT_COUNT).alias("count"),
        (pl.col("norm").str.contains(INLINE_READ) & (pl.col("words") <= 30)).alias("inline"),
    )
    static, tail, count, inline, hint = (np.zeros(len(rid), np.bool_) for _ in range(5))
    fi = flags.get_column("i").to_numpy()
    for arr, col in ((static, "static"), (tail, "tail"), (count, "count"), (inline, "inline")):
        arr[fi] = flags.get_column(col).to_numpy()
    static |= _cookie_notices(base.get_column("__body"), data, rid, ls, le)
    top = short.filter(pl.col("ln") < 2 * HEADER_LINES)  # credit lines are looked for near the top only
    hint[top.get_column("i").to_numpy()] = top.get_column("norm").str.contains(HEADER_HINT).to_numpy()
    learned |= _furniture(
        line_words, line_sent, rid, ls, le, oc, hs, stats.join(outlet_codes, on="outlet", how="inner"),
        base.select(_title_key(pl.col("title"))).to_series(), line_sites,
        is_page[rid], hint, sidebar_only, elsewhere,
    )

    # Credit lines and tail headings recur like chrome but are read (byline; where the tail starts).
    keep = ~(static | (learned & ~hint & ~tail & ~count))
    k = np.flatnonzero(keep)
    teaser = _k_teaser_mask(data, rid[k], ls[k], le[k], ell[k])
    keep[k[teaser]] = False
    keep &= ~inline
    k = np.flatnonzero(keep)
    tail_rows = np.zeros(n, np.bool_)
    tail_rows[rid[k[tail[k] | count[k]]]] = True
    t = k[tail_rows[rid[k]]]
    if len(t):
        level = np.where(tail[t], 1, np.where(count[t], 2, 0)).astype(np.int8)
        keep[t[_k_tail_cut(rid[t], line_words[t], level, line_sent[t])]] = False
    keep &= ~count  # a comment count that starts no cut is still no story text

    # A scraped page's story starts at its first paragraph, its header (title, credit line) just above it:
    # what is further up is the site's menu, however long (the header resolver reads a page's first lines).
    k = np.flatnonzero(keep & is_page[rid])
    menu_cut = np.zeros(n, np.bool_)
    if len(k):
        cut = k[_k_page_start(rid[k], _paragraphs(line_words[k], line_sent[k]), PAGE_HEAD_LINES)]
        keep[cut] = False
        menu_cut[rid[cut]] = True

    # Headers: pages always, other texts when a credit-like line is near the top.
    k = np.flatnonzero(keep)
    rank = _k_ranks(rid[k])
    todo_rows = np.zeros(n, np.bool_)
    todo_rows[is_page] = True
    todo_rows[rid[k[(rank < HEADER_LINES) & hint[k]]]] = True
    head = k[(rank < HEADER_LINES) & todo_rows[rid[k]]]
    resolved = _resolve_headers(
        pl.DataFrame(
            {
                "pos": rid[head], "rank": rank[(rank < HEADER_LINES) & todo_rows[rid[k]]],
                "line": _materialize(data, ls[head], le[head]), "words": line_words[head],
            }
        ),
        is_page,
    )
    if menu_cut.any() and resolved.height:
        # Under a long menu, the lines left above the story hold photo credits, sign-up boxes and author
        # lines as often as the headline: without a credit line to stand under, no line is taken for it.
        guess = pl.col("pos").is_in(np.flatnonzero(menu_cut)) & pl.col("r_byline").is_null() & pl.col("r_date").is_null()
        resolved = resolved.with_columns(pl.when(guess).then(None).otherwise(pl.col("r_title")).alias("r_title"))
    if resolved.height:
        drops = resolved.select("pos", "drop").explode("drop").drop_nulls()
        if drops.height:
            key = rid[k].astype(np.int64) * 4096 + rank
            dkey = drops.get_column("pos").to_numpy().astype(np.int64) * 4096 + drops.get_column("drop").to_numpy()
            keep[k[np.isin(key, dkey)]] = False

    foot = _foot_dates(data, rid, ls, le, nbytes, keep, is_page)
    # A scraped page ends at its last paragraph and the sentences that follow it (nothing extracted it).
    k = np.flatnonzero(keep & is_page[rid])
    if len(k):
        keep[k[_k_page_end(rid[k], _paragraphs(line_words[k], line_sent[k]), line_sent[k])]] = False

    # A first line equal to the title goes (compared loosely: case and punctuation aside).
    titles = base.select("__rid", "title").with_row_index("pos").with_columns(pl.col("pos").cast(pl.Int64)).join(
        resolved.select("pos", "r_title"), on="pos", how="left", maintain_order="left"
    ).select("pos", pl.coalesce("title", "r_title").alias("t"))
    k = np.flatnonzero(keep)
    rank = _k_ranks(rid[k])
    cand = k[(rank < 2) & (nbytes[k] <= 2 * SHORT_LINE_BYTES)]
    if len(cand):
        tl = titles.get_column("t").str.len_bytes().fill_null(-1000).to_numpy()
        close = np.abs(nbytes[cand] - tl[rid[cand]]) <= 0.2 * nbytes[cand] + 8
        cand = cand[close]
    if len(cand):
        cmp = pl.DataFrame({"i": cand, "pos": rid[cand], "line": _materialize(data, ls[cand], le[cand])}).join(
            titles, on="pos", how="left"
        )
        same = cmp.filter(_title_key(pl.col("line")) == _title_key(pl.col("t"))).get_column("i").to_numpy()
        keep[same] = False

    # Dateline at the start of the first paragraph.
    k = np.flatnonzero(keep)
    rank = _k_ranks(rid[k])
    first = k[rank == 0]
    head_end = _k_char_boundary(data, ls[first], np.minimum(le[first], ls[first] + 200))
    fl = pl.DataFrame({"i": first, "pos": rid[first], "line": _materialize(data, ls[first], head_end)})
    fl = fl.with_columns(
        pl.coalesce([pl.col("line").str.extract(p, 1) for p in DATELINES]).alias("dateline"),
        pl.coalesce([pl.col("line").str.extract(p, 0) for p in DATELINES]).str.len_bytes().alias("cut"),
    )
    dl = fl.filter(pl.col("dateline").is_not_null())
    starts = ls.copy()
    if dl.height:
        di = dl.get_column("i").to_numpy()
        starts[di] = ls[di] + dl.get_column("cut").to_numpy().astype(np.int64)
        keep[di[starts[di] >= le[di]]] = False

    k = np.flatnonzero(keep)
    buf, toffs = _k_join_rows(data, n, rid[k], starts[k], le[k])
    text = _k_to_series("text", buf, toffs)
    out = base.select("__rid").with_columns(text).with_row_index("pos").with_columns(pl.col("pos").cast(pl.Int64))
    out = (
        out.join(fl.select("pos", "dateline").drop_nulls(), on="pos", how="left", maintain_order="left")
        .join(resolved.select("pos", "r_title", "r_byline", "r_date"), on="pos", how="left", maintain_order="left")
        .join(foot, on="pos", how="left", maintain_order="left")
        .with_columns(pl.coalesce("r_date", "f_date").alias("r_date"))
        .drop("f_date")
    )
    # Disclaimers, only where a cheap pattern says one may be.
    maybe = out.filter(pl.col("text").str.contains(DISCLAIMER_HINT))
    if maybe.height:
        fixed = {rid_: strip_disclaimers(t) for rid_, t in maybe.select("__rid", "text").iter_rows()}
        out = out.with_columns(
            pl.when(pl.col("__rid").is_in(list(fixed)))
            .then(pl.col("__rid").replace_strict(fixed, default=None, return_dtype=pl.String))
            .otherwise(pl.col("text"))
            .alias("text")
        )
    return out.select(list(out_schema)).cast(out_schema), stats


#: Lines at the foot of a page looked at for its date ("First Published: Oct 16 2024 | 4:45 PM IST").
FOOT_LINES = 4


def _foot_dates(
    data: np.ndarray, rid: np.ndarray, ls: np.ndarray, le: np.ndarray, nbytes: np.ndarray, keep: np.ndarray,
    is_page: np.ndarray,
) -> pl.DataFrame:
    """``(pos, f_date)`` of pages whose last lines hold a labelled date line, which ``keep`` loses.

    Some sites print the date only under the story. A header's date comes first (the caller
    coalesces); a foot line is read only when labelled ("Published", "First Published", "Updated").
    """
    empty = pl.DataFrame(schema={"pos": pl.Int64, "f_date": pl.String})
    k = np.flatnonzero(keep)
    if not is_page.any() or not len(k):
        return empty
    rank = _k_ranks(rid[k])
    back = np.bincount(rid[k], minlength=len(is_page))[rid[k]] - 1 - rank
    foot = k[(back < FOOT_LINES) & (rank > 0) & is_page[rid[k]] & (nbytes[k] <= SHORT_LINE_BYTES)]
    if not len(foot):
        return empty
    found: dict[int, str] = {}
    for i, pos, line in zip(foot.tolist(), rid[foot].tolist(), _materialize(data, ls[foot], le[foot]).to_list(),
                            strict=True):
        if _DATE_LABEL.match(line) and (got := header_line(line)) is not None and got[0] is None and got[1]:
            keep[i] = False
            found.setdefault(pos, got[1])
    if not found:
        return empty
    return pl.DataFrame({"pos": list(found), "f_date": list(found.values())}, schema=empty.schema)


_WS = r"[\s\u200b\u200c\u200d\u2060\ufeff]+"
#: Where replacing ``_WS`` runs with one space changes a line: a space other than " ", two spaces in a
#: row, or a zero-width character. Few lines have one, and the replacement itself is slow.
_WS_ODD = r"[^\S ]|  |[\u200b\u200c\u200d\u2060\ufeff]"


def _cookie_notices(body: pl.Series, data: np.ndarray, rid: np.ndarray, ls: np.ndarray, le: np.ndarray) -> np.ndarray:
    """Lines that are a site's cookie notice ("This website uses cookies. By continuing to use it you agree
    ..."), of any length; only the lines of texts that name cookies are read. A notice speaks to the
    reader in the site's name; a story about cookies reports what others do, so it is not matched."""
    out = np.zeros(len(rid), np.bool_)
    rows = np.flatnonzero(body.str.contains("(?i)cookie").fill_null(False).to_numpy())
    if len(rows) == 0:
        return out
    i = np.flatnonzero(np.isin(rid, rows))
    low = _normalized(_materialize(data, ls[i], le[i])).str.to_lowercase()
    out[i] = (low.str.contains(COOKIE_NOTICE) | low.str.contains(COOKIE_LABEL)).to_numpy()
    return out


def _normalized(lines: pl.Series) -> pl.Series:
    """``lines`` with every run of ``_WS`` as one space, replaced only in the lines that have one.

    Polars' ``replace_all`` costs about as much when nothing changes (0.45 s
    for 117k short lines) as when every line changes, so the lines are first
    filtered with ``_WS_ODD``, whose matches are exactly the lines it changes.
    """
    odd = lines.str.contains(_WS_ODD).fill_null(False)
    if not odd.any():
        return lines
    return lines.scatter(np.flatnonzero(odd.to_numpy()), lines.filter(odd).str.replace_all(_WS, " "))

#: Furniture (see the module docstring): lines of this many words or more are sentences, sidebars, blurbs.
FURNITURE_MIN_WORDS = 7
#: A page whose lines shared with other pages of its site are under this share of its text is another story.
FURNITURE_MINORITY = 0.5
#: Chrome is on most of a site's pages: a line only two pages of a bigger site share is body text they
#: share (a digest quoting an article, a series' parts), unless 3+ pages carry it under different titles.
FURNITURE_SITE_SHARE = 0.5
#: Short lines outside the body: at most this many words, before the first or after the last paragraph
#: (``EDGE_PARAGRAPH_WORDS``+ words, or 8+ ending a sentence).
EDGE_MAX_WORDS = 6
EDGE_PARAGRAPH_WORDS = 15


def _paragraphs(words: np.ndarray, sentence_end: np.ndarray) -> np.ndarray:
    """Which lines are a story's paragraphs rather than a page's labels, headings and links:
    ``EDGE_PARAGRAPH_WORDS``+ words, or 8+ ending a sentence."""
    return (words >= EDGE_PARAGRAPH_WORDS) | ((words >= 8) & sentence_end)


@nb.njit(cache=True)
def _k_sentence_end(b, starts, ends):
    """Does each span end a sentence (``.``, ``!``, ``?``, the Devanagari danda ``।`` or ``॥``, the
    Arabic ``؟`` or Urdu ``۔``, maybe followed by a closing quote or bracket)?"""
    out = np.zeros(len(starts), np.bool_)
    for t in range(len(starts)):
        z = ends[t]
        while z > starts[t]:
            c = b[z - 1]
            if c == 34 or c == 39 or c == 41:  # " ' )
                z -= 1
            elif z - 3 >= starts[t] and c in (0x9D, 0x99) and b[z - 2] == 0x80 and b[z - 3] == 0xE2:  # ” ’
                z -= 3
            elif z - 2 >= starts[t] and c == 0xBB and b[z - 2] == 0xC2:  # »
                z -= 2
            else:
                break
        n = z - starts[t]
        c = b[z - 1] if n > 0 else 0
        out[t] = n > 0 and (
            c == 46 or c == 33 or c == 63
            or (n >= 3 and b[z - 3] == 0xE0 and b[z - 2] == 0xA5 and (c == 0xA4 or c == 0xA5))  # । ॥
            or (n >= 2 and ((b[z - 2] == 0xD8 and c == 0x9F) or (b[z - 2] == 0xDB and c == 0x94)))  # ؟ ۔
        )
    return out


def _furniture(
    words: np.ndarray, sentence: np.ndarray, rid: np.ndarray, ls: np.ndarray, le: np.ndarray, oc: np.ndarray,
    hs: np.ndarray,
    counts: pl.DataFrame, titles: pl.Series, line_sites: LineSites | None, on_page: np.ndarray, hint: np.ndarray,
    sidebar_only: np.ndarray, elsewhere: np.ndarray | None = None,
) -> np.ndarray:
    """Lines that are their site's chrome though too few pages carry them for the count rule.

    Why: a site with a handful of pages in the corpus (a blog, a newspaper's
    section) repeats its sidebar, author blurb or comment policy on every page,
    and those few pages then pair through it. A line of ``FURNITURE_MIN_WORDS``+
    words on 2+ pages of one site is furniture when two of those pages are
    otherwise different stories (the lines they share with the site's other
    pages are a minority of their text) and either it is on at least half the
    site's pages or it closes both pages (nothing of their own after it: comment
    policies, author boxes); or when 3+ pages carry it under 2+ different
    titles. One text on 3+ pages of a
    site under 3+ titles is all furniture: the extractor found only the sidebar. Updates of one story share most of their text and keep
    it. Never when another site's page (in this batch, ``elsewhere``, or stored) holds the line:
    a copy of the same story elsewhere makes it story text. Short lines (up to
    ``EDGE_MAX_WORDS`` words) before a page's first or after its last paragraph
    on 2+ pages of the site are chrome too (menus, buttons, section labels).
    """
    n = len(rid)
    out = np.zeros(n, np.bool_)
    if n == 0 or counts.height == 0:
        return out
    c = counts.filter(pl.col("line_hash") != 0).select("oc", pl.col("line_hash").alias("h"), pl.col("pages").alias("c"))
    lines = pl.DataFrame(
        {"i": np.arange(n), "rid": rid, "oc": oc, "h": hs, "w": words, "b": le - ls, "first": _k_first_in_row(rid, hs),
         "page": on_page, "hint": on_page & hint}
    ).join(c, on=["oc", "h"], how="left", maintain_order="left").with_columns(
        pl.col("c").fill_null(0),
        pl.Series("para", _paragraphs(words, sentence)),
    )
    shared_line = (pl.col("c") >= 2) & (pl.col("w") >= FURNITURE_MIN_WORDS) & pl.col("first") & (pl.col("oc") >= 0)
    page = lines.group_by("rid").agg(
        pl.col("b").sum().alias("total"), pl.col("b").filter(shared_line).sum().alias("shared"),
        pl.col("i").filter(pl.col("para")).min().alias("p0"),
        pl.col("i").filter(pl.col("para")).max().alias("p1"),
        pl.col("i").filter((pl.col("c") < 2) & (pl.col("w") > EDGE_MAX_WORDS)).max().alias("last_own"),
        pl.col("i").filter(pl.col("hint")).max().alias("last_hint"), pl.col("page").first(),
    ).with_columns((pl.col("shared") < FURNITURE_MINORITY * pl.col("total")).alias("minor"))
    tk = pl.DataFrame({"rid": np.arange(len(titles), dtype=np.int64), "t": titles})
    # A page whose title is not known yet (a scraped page's header names it) keeps the lines above its
    # first paragraph for the header: a title also listed under "related" elsewhere is still its title.
    page = page.join(tk, on="rid", how="left")
    eligible = pl.col("t").is_not_null() | pl.col("p0").is_null() | (pl.col("i") >= pl.col("p0"))
    cand = (
        lines.filter(shared_line).join(page.select("rid", "minor", "p0", "t", "last_own"), on="rid")
        .filter(eligible)
        # In the page's tail: after its last line of its own (comment policies, author boxes, footers).
        .with_columns((pl.col("last_own").is_null() | (pl.col("i") > pl.col("last_own"))).alias("tail"))
    )
    site_pages = counts.filter(pl.col("line_hash") == 0).select("oc", pl.col("pages").alias("n"))
    per_line = (
        cand.group_by("oc", "h")
        .agg(pl.col("minor").sum().alias("n_minor"), (pl.col("minor") & pl.col("tail")).sum().alias("n_tail"),
             pl.col("t").drop_nulls().n_unique().alias("n_titles"), pl.col("c").first())
        .join(site_pages, on="oc", how="left")
        .filter(
            ((pl.col("n_minor") >= 2) & (pl.col("c") >= FURNITURE_SITE_SHARE * pl.col("n")))
            | (pl.col("n_tail") >= 2)
            | ((pl.col("c") >= 3) & (pl.col("n_titles") >= 2))
        )
    )
    per_line = per_line.select("oc", "h")
    if sidebar_only.any():
        whole = lines.filter(pl.col("rid").is_in(np.flatnonzero(sidebar_only)) & (pl.col("oc") >= 0)).select("oc", "h")
        per_line = pl.concat([per_line, whole]).unique()
    if per_line.height:
        # Another site (or a page without one) in this batch carries it: story text, not furniture.
        sites = lines.filter(pl.col("first") & pl.col("h").is_in(per_line["h"].implode())).group_by("h").agg(
            pl.col("oc").n_unique().alias("n_sites")
        )
        per_line = per_line.join(sites, on="h").filter(pl.col("n_sites") == 1)
        if elsewhere is not None and len(elsewhere):  # pages of other sites, in the batch's other shards
            per_line = per_line.filter(~pl.col("h").is_in(pl.Series(elsewhere, dtype=pl.UInt64).implode()))
    if per_line.height and line_sites is not None:
        names = counts.select("oc", "outlet").unique()
        stored = conform(line_sites(per_line["h"].unique()), CHROME_STATS).select(
            pl.col("outlet").alias("elsewhere"), pl.col("line_hash").alias("h")
        )
        other = per_line.join(names, on="oc").join(stored, on="h").filter(pl.col("elsewhere") != pl.col("outlet"))
        per_line = per_line.join(other.select("oc", "h").unique(), on=["oc", "h"], how="anti")
    furn = (
        lines.join(per_line.select("oc", "h"), on=["oc", "h"], how="semi")
        .join(page.select("rid", "p0", "t"), on="rid").filter(eligible)
        .get_column("i").to_numpy()
    )
    out[furn] = True
    # A scraped page's header (menu, title, credit line) is the header resolver's: above the first
    # paragraph only the lines below its credit line are looked at, so the title line stays for it.
    top_ok = pl.col("t").is_not_null() | ~pl.col("page") | (pl.col("i") > pl.col("last_hint")).fill_null(False)
    edge = (
        lines.drop("page").join(page.select("rid", "p0", "p1", "t", "last_hint", "page"), on="rid", how="left",
                                maintain_order="left")
        .filter(
            (pl.col("oc") >= 0) & (pl.col("c") >= 2) & (pl.col("w") <= EDGE_MAX_WORDS)
            & (((pl.col("i") < pl.col("p0")) & top_ok) | (pl.col("i") > pl.col("p1")))
        )
        .get_column("i").to_numpy()
    )
    out[edge] = True
    return out



#: What separates a page title from the site's name ("Storm hits port | Harbor Herald", "Harbor Herald - ...").
_TITLE_SEP = r"\s(?:\||-|–|—|·|»|::)\s"
_GENERIC_LABELS = {"www", "com", "org", "net", "co", "gov", "edu", "blog", "blogs", "news", "m", "amp"}


def _site_form(s: str) -> str:
    """Letters and digits, lowercased, without a leading "the" or a trailing "com"/"blog": "The GiveWell
    Blog" and "givewell", "SpaceNews.com" and "spacenews" meet."""
    x = regex.sub(r"[^\p{L}\p{N}]+", "", s.lower())
    x = x.removeprefix("the") if len(x) > 6 else x
    for tail in ("com", "blog"):
        if len(x) > len(tail) + 3:
            x = x.removesuffix(tail)
    return x


def without_site_name(title: str, outlet: str, site: str | None = None) -> str:
    """``title`` without the site's name that pages put before or after it ("... | MoreBikes" on
    morebikes.co.uk, "LinkNaija | ..." on linknaija.com), so copies of one story on two sites keep one
    title (lineage reads a changed title as a changed headline). A part names the site when it reads as
    the outlet or one of its host's labels, give or take "the", ".com", "blog" or a two- or three-letter
    country tail ("The Paradigm" on theparadigmng.com); other parts ("Opinion", "Editorial") stay, and a
    leading name only goes before "|" (before a dash it may be the story's subject: "Apple - ...").
    ``site``, the name an HTML page declares for its site (``og:site_name``), is a name too: it catches
    names that do not read as the host ("Deutsche Jagdzeitung" on djz.de). A name reads as the host
    also as its labels run together ("Social News XYZ" on socialnews.xyz), with "News" after it
    ("Business Standard News" on business-standard.com), or as the end of a host label it is at least
    half of ("Mint" on livemint.com). Section labels between the headline and the site's name go with
    it ("… | Latest News India - Hindustan Times", "… | India News - Times of India")."""
    parts = regex.split(_TITLE_SEP, title)
    if len(parts) < 2:
        return title
    labels = [x for x in regex.split(r"[.\s]+", outlet.lower()) if len(x) >= 3 and x not in _GENERIC_LABELS]
    names = {f for f in (_site_form(x) for x in [*labels, "".join(labels), outlet, *([site] if site else [])])
             if len(f) >= 3}

    def is_site(part: str) -> bool:
        f = _site_form(part)
        return len(f) >= 3 and any(
            f == n or (len(f) >= 5 and n.startswith(f) and len(n) - len(f) <= 3) or f.removesuffix("news") == n
            or (len(f) >= 4 and n.endswith(f) and 2 * len(f) >= len(n)) for n in names
        )

    seps = regex.findall(_TITLE_SEP, title)
    for i in range(max(1, len(parts) - 3), len(parts)):  # the site's name, then at most a tagline
        # or a name with separators in it, whole ("TACH! - Lokalnachrichten", "WSVN 7News | Miami News, ...")
        if (i >= len(parts) - 2 and is_site(parts[i])) or _site_form("".join(parts[i:])) in names:
            head = i
            while head > 1 and _is_section(parts[head - 1]):
                head -= 1
            rest = parts[0] + "".join(sep + part for sep, part in zip(seps[: head - 1], parts[1:head], strict=True))
            return rest.strip() or title
    if is_site(parts[0]) and seps[0].strip() not in ("-", "–", "—"):  # "Apple - Microsoft talks" keeps Apple
        rest = "".join(part + sep for part, sep in zip(parts[1:], [*seps[1:], ""], strict=True))
        return rest.strip() or title
    return title


def _is_section(part: str) -> bool:
    """A section label of a page title ("Latest News India", "World News"): only the words of :data:`_SECTIONS`."""
    words = part.casefold().split()
    return bool(words) and all(w in _SECTION_WORDS for w in words)


def _title_key(e: pl.Expr) -> pl.Expr:
    return e.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()


def _update_stats(
    codes: pl.DataFrame, body_hash: np.ndarray, rid: np.ndarray, hs: np.ndarray, old: ChromeCounts
) -> pl.DataFrame:
    """New totals of the keys this batch touched: pages per (outlet, line), page counts under hash 0."""
    pages = (
        codes.with_columns(pl.Series("bh", body_hash), pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"))
        .filter(pl.col("oc").is_not_null())
        .group_by("oc", "bh")
        .agg(pl.col("pos").min())
    )
    counted = np.zeros(codes.height, np.bool_)
    counted[pages.get_column("pos").to_numpy()] = True
    sel = counted[rid]
    oc = codes.get_column("oc").fill_null(-1).to_numpy()
    r_sel, h_sel = rid[sel], hs[sel]
    first = _k_first_in_row(r_sel, h_sel)  # a line repeated on one page counts once
    per_line = pl.DataFrame({"oc": oc[r_sel[first]], "h": h_sel[first]})
    line_counts = per_line.group_by("oc", "h").agg(pl.len().cast(pl.Int64).alias("pages"))
    page_counts = pages.group_by("oc").agg(pl.len().cast(pl.Int64).alias("pages")).with_columns(
        pl.lit(0, dtype=pl.UInt64).alias("h")
    )
    names = codes.drop_nulls().unique()
    batch = (
        pl.concat([line_counts, page_counts.select("oc", "h", "pages")], how="vertical")
        .join(names, on="oc")
        .select("outlet", pl.col("h").alias("line_hash"), "pages")
    )
    batch = conform(batch, CHROME_STATS)
    keys = batch.select("outlet", "line_hash")
    before = old(keys) if callable(old) else conform(old, CHROME_STATS).join(keys, on=["outlet", "line_hash"], how="semi")
    new = pl.concat([conform(before, CHROME_STATS), batch], how="vertical")
    return new.group_by("outlet", "line_hash").agg(pl.col("pages").sum())


# ---------------------------------------------------------------- page headers

def _resolve_headers(head: pl.DataFrame, is_page: np.ndarray) -> pl.DataFrame:
    """Python per page, on its first lines only: which leading lines are header, and what they say."""
    schema = {
        "pos": pl.Int64, "drop": pl.List(pl.Int32), "r_title": pl.String,
        "r_byline": pl.String, "r_date": pl.String,
    }
    if head.height == 0:
        return pl.DataFrame(schema=schema)
    grouped = head.group_by("pos", maintain_order=True).agg(
        pl.col("line").sort_by("rank"), pl.col("words").sort_by("rank"), pl.col("rank").sort()
    )
    out = {k: [] for k in schema}
    for pos, lines, words, rk in grouped.iter_rows():
        drop, title, byline, date = resolve_header(lines, words, is_page=bool(is_page[pos]))
        out["pos"].append(pos)
        out["drop"].append([rk[i] for i in drop])
        out["r_title"].append(title)
        out["r_byline"].append(byline)
        out["r_date"].append(date)
    return pl.DataFrame(out, schema=schema)


def _caseless_word(w: str) -> bool:
    """A word of a script without case (Devanagari, Chinese, Arabic...): "आईएएनएस" is a name as "IANS" is."""
    return w[0].isalpha() and w.lower() == w.upper() and all(c.isalpha() or unicodedata.category(c)[0] == "M" for c in w)


def _who(s: str) -> str | None:
    s = s.strip().strip(",;:-–—").strip()
    words = s.split()
    if not words or len(words) > 8 or len(s) > 80:
        return None
    if not all(_NAME_WORD.match(w) or _caseless_word(w) for w in words):
        return None
    if not any(w[0].isupper() or _caseless_word(w) for w in words):
        return None
    return s


#: Section labels a credit line may open with ("World | Press Trust of India | Updated: ..."): no byline.
_SECTIONS = frozenset({
    "world", "india", "national", "international", "business", "sports", "sport", "entertainment", "tech",
    "technology", "science", "health", "politics", "opinion", "lifestyle", "city", "cities", "news", "latest",
    "nation", "economy", "markets", "education", "environment", "crime", "india news", "world news", "top news",
    "latest news", "breaking news", "city news", "home",
})
_SECTION_WORDS = frozenset(w for s in _SECTIONS for w in s.split())


_TIME_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5})?$", re.I)
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
_READ_TIME = re.compile(r"^\s*\d{1,2}\s+min(?:ute)?s?\s+read\s+(?=\S)", re.I)
#: A segment that is a weekday alone, maybe after a date label ("Published:Tuesday | April 26, 2022"): the
#: day of the date in the next segment, not a name.
_WEEKDAY_SEG = re.compile(rf"^(?:{_DATE_WORD}\s*:?\s*)?(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?$", re.I)


def _credit_segment(seg: str) -> str | None:
    """The name a segment of a credit line gives ("Press Trust of India", "Reported by Staff" -> "Staff",
    "Por Lucía Ferrer" -> "Lucía Ferrer"), or None for no name or a section label."""
    if m := _BYLINE.match(seg):
        seg = m.group(1)
    who = _who(_LOCAL_BY.sub("", seg, count=1))
    return None if who is None or who.casefold() in _SECTIONS else who


def _date_segment(seg: str) -> tuple[str | None, bool, bool]:
    """(date string, labeled, is 'published') for one '|' segment of a credit line."""
    m = _DATE_LABEL.match(seg)
    if m and (m.group(2) or parse_published(m.group(3))[0] is not None):
        return m.group(3).strip() or None, True, " ".join(m.group(1).lower().split()) in _PUBLISHED_LABELS
    if parse_published(seg)[0] is not None:
        return seg.strip(), False, False
    return None, False, False


#: A date, then its author: "Posted on March 3, 2019 by Jane Doe", "Veröffentlicht am 8. Februar 2022 von
#: Example-Team", "11.05.2012, 10:22 von jdoe" (the blog platforms' credit line, in their languages).
_DATE_THEN_BY = re.compile(r"^(.{6,80}?)\s+(?:by|von|por|par|da)\s+(\S.{0,59})$", re.I)
#: Its German form with the author first: "Erstellt von Jana Berg am Dienstag 6. Mai 2014".
_BY_THEN_DATE = re.compile(r"^(?:(?:erstellt|geschrieben|verfasst|publiziert|veröffentlicht|gepostet)\s+)?von\s+"
                           r"(.{1,60}?)\s+am\s+(.{6,60})$", re.I)


def _date_and_author(seg: str) -> tuple[str, str | None] | None:
    """A segment that is a date and its author (patterns above): (the date, the name or None)."""
    if m := _BY_THEN_DATE.match(seg):
        return (m.group(2), _who(m.group(1))) if _date_segment(m.group(2))[0] is not None else None
    if (m := _DATE_THEN_BY.match(seg)) and len(m.group(2).split()) <= 6 and _date_segment(m.group(1))[0] is not None:
        return m.group(1), _who(m.group(2))
    return None


_MIN_READ = re.compile(r"\s+\d{1,2}\s+min(?:ute)?s?\s+read$", re.I)


def _date_after(text: str, max_head: int, head_ok: Callable[[str], bool]) -> tuple[str, str] | None:
    """(head, date) for the first split of ``text`` into up to ``max_head`` words and a date that starts
    right after them (:data:`DATE_START`) and reads as one, with a head ``head_ok`` accepts."""
    words = text.split()
    for k in range(1, min(max_head, len(words) - 1) + 1):
        head, rest = " ".join(words[:k]), " ".join(words[k:])
        if head_ok(head) and DATE_START.match(rest) and _date_segment(rest)[0] is not None:
            return head, rest
    return None


def _name_then_date(text: str) -> tuple[str, str] | None:
    """A byline's name and the date glued after it ("Ana Reyes Feb 8, 2020 5 min read")."""
    return _date_after(_MIN_READ.sub("", text), 6, lambda _: True)


def _labelled_date(line: str) -> str | None:
    """The date of a short line that is a name and a date, without a separator ("CBS News February 24, 2020,
    7:57 AM", "Nachricht 19. November 2021"): the date only, since the name may be an outlet, a place or a
    section as well as an author. Prose ("The council met on March 3, 2019"), a label of another date
    ("Termin: 28.02.2020") and a range ("Wochenbericht 14. - 20. Januar 2022") are not."""
    if len(line.split()) > 12:
        return None
    found = _date_after(line, 3, lambda head: bool(_who(head)) and not re.search(r"[\d:]", head))
    return _date_segment(found[1])[0] if found else None


def header_line(line: str) -> tuple[str | None, str | None] | None:
    """``(byline, date string)`` when ``line`` is a credit/date line of a page header, else None."""
    found = _header_line(line)
    if found is None and (date := _labelled_date(line)) is not None:
        return None, date
    return found


def _header_line(line: str) -> tuple[str | None, str | None] | None:
    line = _READ_TIME.sub("", line)  # "2 min read Last Updated : Oct 16 2024 | 4:45 PM IST"
    line = _GLUED_AUTHOR.sub(" | ", line)
    if (both := _date_and_author(line)) is not None:
        byline, date = header_line(both[0]) or (None, None)
        return (both[1] or byline, date) if date else None
    segs = [s.strip() for s in re.split(r"\s+[|•·]\s+|\s*\|\s*", line) if s.strip()]
    if not segs or len(line) > 200:
        return None
    for i in range(len(segs) - 2, -1, -1):
        if _WEEKDAY_SEG.match(segs[i]):
            segs[i:i + 2] = [f"{segs[i].rstrip(',')}, {segs[i + 1]}"]
    byline = None
    first = segs[0]
    if m := _BYLINE.match(first):
        name, on, when = m.group(1).rpartition(" on ")
        if on and name and _date_segment(when)[0] is not None:  # "Written by Ana Reyes on July 27, 2017"
            segs[1:1] = [when]
        elif (split := _name_then_date(m.group(1))) is not None:  # "By Ana Reyes Feb 8, 2020 5 min read"
            name, when = split
            segs[1:1] = [when]
        else:
            name = m.group(1)
        byline = _who(name)
        if byline is None:
            return None
        rest = segs[1:]
    else:
        rest = segs
    dates = [_date_segment(s) for s in rest]
    # A time in the segment after a date belongs to it ("Oct 16 2024 | 4:45 PM IST").
    dates = [(d[0] + " " + rest[i + 1], *d[1:]) if d[0] is not None and i + 1 < len(rest)
             and _TIME_ONLY.match(rest[i + 1]) and not _HAS_TIME.search(d[0]) else d for i, d in enumerate(dates)]
    if byline is None:
        # "IANS | Updated: ..." : a name, then a labeled date; "World | Press Trust of India | Updated: ...": a
        # section, the name, then the date (the name is the segment right before the first labeled date).
        if len(segs) >= 2 and _date_segment(segs[0])[0] is None and any(d[1] for d in dates[1:]):
            at = next(i for i, d in enumerate(dates) if i >= 1 and d[1])
            # "Devdiscourse News Desk | New Delhi | Updated: ...": a newsroom's name, then the place.
            desk = next((n for sg in segs[:at] if (n := _credit_segment(sg)) and _DESK.search(n)), None)
            byline = _credit_segment(segs[at - 1]) if at >= 2 and dates[at - 1][0] is None else None
            byline = desk or byline or _credit_segment(segs[0])
            dates = dates[1:]
            if byline is None and _who(segs[0]) is None:
                return None
        elif len(segs) == 2 and dates[0][0] is None and dates[1][0] is not None and (who := _credit_segment(segs[0])):
            byline, dates = who, dates[1:]  # "IANS | Mar 05, 2025 04:45 PM IST"
        elif not dates or dates[0][0] is None or len(segs) > 2:
            return None
    if byline is None:  # "Published: Oct 16, 2024 | By Jana Berg": the author after the date
        byline = next((_who(m.group(1)) for sg in rest[1:] if (m := _BYLINE.match(sg))), None)
    found = [d for d in dates if d[0] is not None]
    published = [d for d in found if d[2]]
    date = (published or found or [(None,)])[0][0]
    if byline is None and date is None:
        return None
    return byline, date


def resolve_header(lines: Sequence[str], words: Sequence[int], *, is_page: bool) -> tuple[list[int], str | None, str | None, str | None]:
    """For a page's first lines: ``(ranks to drop, title, byline, date string)``."""
    hdr: list[tuple[int, str | None, str | None]] = []
    i = 0
    while i < len(lines):
        info, step = header_line(lines[i]), 1
        if info is None and i + 1 < len(lines) and (m := _BARE_LABEL.match(lines[i])):
            info, step = header_line(f"By {lines[i + 1]}" if m.group(1) else f"{m.group(2)}: {lines[i + 1]}"), 2
        if info is not None:
            hdr.extend([(i, *info)] + [(i + 1, None, None)] * (step - 1))
        elif hdr:
            break
        i += step
    if hdr:
        h0, h1 = hdr[0][0], hdr[-1][0]
        byline = next((b for _, b, _ in hdr if b), None)
        date = next((d for _, _, d in hdr if d), None)
        if sum(_paragraph_like(lines[i], words[i]) for i in range(h0)) >= 2:
            # After two of the story's paragraphs: the credit lines go, the story above them stays (a
            # short story's paragraphs are under 40 words, which made them look like a menu).
            top, title = _page_top(lines, words) if is_page else ([], None)
            return [*top, *range(h0, h1 + 1)], title, byline, date
        if h0 <= 8 and all(w <= 40 for w in words[:h0]):
            # The headline is the longest headline-like line just above the credit line: a section label, an
            # author line ("Tom Krisher, AP Auto Writer") or a photo credit may stand between them.
            above = [i for i in range(h0 - 1, max(-1, h0 - 1 - TITLE_REACH), -1) if _title_like(lines[i], words[i])]
            title = lines[max(above, key=lambda i: (words[i], i))] if above else None
            if title is not None and byline is not None and _same_name(title, byline):
                title = None  # the masthead over "THE TIMES OF INDIA | Oct 02, 2020": the site, not the headline
            if (byline is None and h0 >= 2 and words[h0 - 1] <= 4 and _who(lines[h0 - 1])
                    and _title_like(lines[h0 - 2], words[h0 - 2]) and words[h0 - 2] >= words[h0 - 1] + 3):
                # Headline, then the author or agency on a line of its own, then the date.
                return list(range(h1 + 1)), lines[h0 - 2], _who(lines[h0 - 1]), date
            j = h1 + 1
            if (is_page and (title is None or len(title.split()) < HEADLINE_MIN_WORDS) and j < len(lines)
                    and words[j] >= HEADLINE_MIN_WORDS and _title_like(lines[j], words[j])
                    and not _paragraph_like(lines[j], words[j])):
                # The credit line above the headline ("Nov. 20, 2019 6:02 AM EST" / headline / "By ..."): a
                # headline-sized line under it wins over a label above it, a menu's last entry or a section.
                return list(range(j + 1)), lines[j], byline, date
            return list(range(h1 + 1)), title, byline, date
        # Under a long line (a teaser, a notice): the credit line goes, and on a page what stands above the
        # first paragraph goes too, as it does when no credit line is found.
        top = _page_top(lines, words)[0] if is_page else []
        return [*top, *range(h0, h1 + 1)], None, byline, date
    if not is_page:
        return [], None, None, None
    top, title = _page_top(lines, words)
    return top, title, None, None


def _same_name(a: str, b: str) -> bool:
    """Whether one of two short lines names what the other does ("TIMES OF INDIA", "The Times of India")."""
    wa, wb = ({w for w in re.findall(r"\w+", x.casefold()) if w != "the"} for x in (a, b))
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def _page_top(lines: Sequence[str], words: Sequence[int]) -> tuple[list[int], str | None]:
    """A page without a credit line above its story: the lines above the first paragraph (to drop), and
    the nearest headline-sized one among them as the title; a short one ("IANS  Seoul", a section name)
    only when there is none."""
    p = next((i for i, (ln, w) in enumerate(zip(lines, words, strict=False)) if _paragraph_like(ln, w)), None)
    if p is None or p == 0 or p > 8:
        return [], None
    before = [i for i in range(p - 1, -1, -1) if _title_like(lines[i], words[i])]
    title = next((lines[i] for i in before if words[i] >= HEADLINE_MIN_WORDS), None) or next(
        (lines[i] for i in before if words[i] >= 2), None)
    return list(range(p)), title


def _paragraph_like(line: str, words: int) -> bool:
    return words >= 25 or (words >= 8 and bool(_SENT_END.search(line)))


#: A breadcrumb ("Home / World News / Storm hits port", "Blog > Recipes"): a path to the page, not its headline.
_BREADCRUMB = re.compile(r"\s(?:/|>|»|›)\s")


def _title_like(line: str, words: int) -> bool:
    if words > 40 or re.search(r"(?:\.\.\.|…|[.:;,])$", line) or _BREADCRUMB.search(line):
        return False
    return any(c.isalpha() for c in line)


# ---------------------------------------------------------------- sites

#: Hosting services whose subdomains are separate sites (each blog its own), and the reserved
#: documentation name "example" (RFC 2606) that test corpora put under country domains.
_HOSTED = frozenset({
    "blogspot.com", "wordpress.com", "typepad.com", "posterous.com", "tumblr.com", "github.io", "substack.com",
    "medium.com", "livejournal.com", "wixsite.com", "weebly.com", "blogger.com", "squarespace.com",
})


def outlet_key(outlet: str | None) -> str | None:
    """The site an outlet belongs to: its host's registrable name, so ``news.x.com`` and ``sport.x.com``
    are one outlet for chrome (they share sidebars and "most read" boxes). Names that are not hosts stay
    as they are."""
    if outlet is None:
        return None
    host = outlet.strip().lower().removeprefix("www.")
    labels = host.split(".")
    if len(labels) < 3 or not all(labels):
        return host
    last2 = ".".join(labels[-2:])
    third = (len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL) or last2 in _HOSTED or labels[-2] == "example"
    return ".".join(labels[-(3 if third else 2):])


def outlet_key_expr(outlet: pl.Expr) -> pl.Expr:
    """:func:`outlet_key` as a polars expression."""
    host = outlet.str.to_lowercase().str.strip_chars().str.replace(r"^www\.", "")
    sl = "|".join(sorted(SECOND_LEVEL))
    hosted = "|".join(re.escape(h) for h in sorted(_HOSTED))
    three = host.str.extract(r"([^.]+\.(?:(?:" + sl + r")\.[a-z]{2}|" + hosted + r"|example\.[^.]+))$", 1)
    two = host.str.extract(r"([^.]+\.[^.]+)$", 1)
    return pl.coalesce(three, two, host)


def page_chrome_counts(raw: pl.DataFrame) -> pl.DataFrame:
    """CHROME_STATS rows these RAW pages contribute, counted as :func:`extract` counts them.

    Lines per page, pages per site (``outlet_key``). ``provenance reclean`` subtracts a stored page's
    own counts before cleaning it again, so the rule must be extraction's own.
    """
    body = raw.get_column("text")
    data, offs = _k_arrow_bytes(body)
    rid, _, _, _, _, hs = _scan(data, offs)
    site = outlet_key_expr(pl.col("outlet")).alias("outlet")
    codes = raw.select(site.cast(pl.Categorical).to_physical().cast(pl.Int64).alias("oc"), site)
    return _update_stats(codes, _k_hash_rows(data, offs), rid, hs, pl.DataFrame(schema=CHROME_STATS))
