"""Republication notices: an article saying which outlet its text first appeared in.

Outlets republish each other's stories with a notice, not an agency byline: "This article is
republished from The Conversation under a Creative Commons license", "This story was originally
published by ProPublica", "Republished with permission from CalMatters", "Dieser Artikel erschien
zuerst bei ...". Such a copy credits its source as surely as "By IANS" does, but the source is an
outlet, which no agency registry lists. :func:`notices` reads the named source off the text;
:func:`names_outlet` tells whether a name ("The Conversation", "VICE US", "Kaiser Health News")
is a given outlet's site ("theconversation.com", "vice.com", "khn.org"), so lineage can tell a
credited copy from an uncredited one when the source's own page is in the corpus.

Precision first: a notice must read as one. Its subject is the article itself ("this story",
"a version of this article") or nothing (a line opening "Originally published in ..."), so
"The band first appeared on The Tonight Show" is no notice, and the name must look like a name
(capitalised words or a domain), not a date, a year or a language.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

import polars as pl
import regex

__all__ = ["Notice", "notices", "has_notice", "names_outlet", "PREFILTER"]

_SUBJECT = (
    r"(?:(?:this|a\s+(?:shorter\s+|longer\s+|different\s+|earlier\s+)?version\s+of\s+this|"
    r"an\s+earlier\s+version\s+of\s+this|portions\s+of\s+this)\s+"
    r"(?:article|story|post|blog\s+post|piece|report|column|essay|interview|op-ed|commentary|analysis|"
    r"feature|item|content|text|material|excerpt|review)"
    r"(?:\s*\([^)\n]{0,40}\))?)"
)
_FIRST = r"(?:originally|first|initially)"
_VERB = r"(?:published|appeared|ran|posted|printed)"
#: What stands before the name. Group ``lead`` is the notice up to the name.
_LEAD = regex.compile(
    r"(?im)(?P<lead>"
    # "This article was originally published on", "This story first appeared in", "... has been published by"
    rf"{_SUBJECT}\s+(?:was|is|has\s+been|had\s+been)?\s*(?:{_FIRST}\s+)?{_VERB}(?:\s+{_FIRST})?"
    r"(?:\s+(?:online|in\s+print))?\s+(?:on|in|at|by|with)\s+"
    # "This article is republished from", "This story was produced by", "... reprinted with permission from"
    rf"|{_SUBJECT}\s+(?:is|was|has\s+been)\s+(?:republished|reprinted|reposted|syndicated|produced|"
    r"adapted|excerpted|shared)(?:\s+(?:here\s+)?with\s+(?:the\s+)?permission)?\s+(?:from|by|of|with)\s+"
    # A line or sentence opening with the notice: "Originally published on", "Republished with permission from"
    r"|(?<=^|[\n.!?*_(\[]\s{0,3}|^[^\S\n]+)(?:(?:this\s+was\s+)?(?:originally|first)\s+"
    r"(?:published|appeared|posted|ran)(?:\s+online)?\s+(?:on|in|at|by)"
    r"|(?:republished|reprinted|reposted)(?:\s+(?:here\s+)?(?:with|by)\s+(?:the\s+)?(?:kind\s+)?permission)?"
    r"\s+(?:from|of|by|courtesy\s+of)"
    r"|(?:republished|reprinted)\s+(?:here\s+)?courtesy\s+of)\s+"
    # German, Spanish, Portuguese, French, Italian
    r"|(?:dieser\s+(?:artikel|beitrag|text)\s+)?(?:erschien|ist)\s+(?:zuerst|ursprünglich)\s+(?:erschienen\s+)?(?:bei|auf|in|im)\s+"
    r"|(?:zuerst|ursprünglich)\s+erschienen\s+(?:bei|auf|in|im)\s+"
    r"|(?:publicad[oa]|aparecid[oa])\s+(?:originalmente|originariamente|inicialmente)\s+(?:en|em|no|na|por)\s+"
    r"|(?:publié|paru)e?\s+(?:initialement|originellement|d'abord|à\s+l'origine)\s+(?:sur|dans|par)\s+"
    r"|(?:cet\s+article\s+)?est\s+republié\s+(?:à\s+partir\s+)?(?:de|du|depuis)\s+"
    r"|pubblicato\s+(?:originariamente|originalmente|inizialmente)\s+(?:su|da|in)\s+"
    r")"
    # "the March 2019 issue of", "the print edition of": the name comes after.
    r"(?:(?:the\s+)?(?:[\w,]+\s+){0,3}(?:issue|edition|editions)\s+of\s+)?"
    r"(?=\S)"
)
#: The name: capitalised words (with "of", "and", "&", "for", "de" between them, digits like
#: "19th"), or one domain ("Futurism.com", "19thnews.org").
_NAME = regex.compile(
    r"(?P<name>(?:The\s+|the\s+)?"
    r"(?:[\p{Lu}\d][\p{L}\p{M}\d'’&.-]*|[\p{L}\d-]+\.(?:com|org|net|news|co|io|info|uk|de|fr|es|in|au|ca)\b)"
    r"(?:\s+(?:(?:of|and|&|for|de|du|des|la|le|el|del|da|do|für|the)\s+)?[\p{Lu}\d][\p{L}\p{M}\d'’&.-]*){0,6})"
)
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
_NAME_FILLER = {"the", "of", "and", "&", "for", "de", "du", "des", "la", "le", "el", "del", "da", "do", "für"}
_NOT_NAMES = _MONTHS | {
    "english", "spanish", "french", "german", "hindi", "arabic", "chinese", "russian", "portuguese",
    "italian", "japanese", "korean", "print", "this", "our", "it", "a", "an", "its", "his", "her", "their",
}
#: Words every notice holds. Texts are tested with them as a whole column first (polars), and
#: :data:`_LEAD` runs only in a window around each: run over a whole text, its lookbehind and many
#: alternatives cost about 0.7 ms per 2 KB text.
PREFILTER = (
    r"(?i)(?:originally|first|initially)\s+(?:published|appeared|ran|posted|printed)"
    r"|(?:published|appeared|ran|posted|printed)\s+(?:originally|first|initially)"
    r"|republi|reprinted|reposted|syndicated\s+(?:from|by|with)|produced\s+by|adapted\s+from|excerpted\s+from"
    r"|version\s+of\s+this|zuerst|ursprünglich|originalmente|originariamente|inicialmente|initialement"
    r"|d'abord|à\s+l'origine|originellement"
)
_PREFILTER = regex.compile(PREFILTER)
#: The window around a prefilter word that :data:`_LEAD` searches (characters before and after).
_BEFORE, _AFTER = 120, 120


class Notice(NamedTuple):
    """The source as written, and the notice's span in the text (end exclusive)."""

    name: str
    start: int
    end: int


_INITIALISM = regex.compile(r"(?:\p{L}\.)+")
_DOMAIN = regex.compile(r"[\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.(?i:com|org|net|news|co|io|info|uk|de|fr|es|in|au|ca)")


def _clean_name(raw: str) -> tuple[str, int] | None:
    """The name a notice gives and where it ends in ``raw``, or None when what follows the notice
    is no name. It ends at a sentence's full stop ("Futurism. Read the original"; "U.S." is no full
    stop) and after a domain ("im Blog DoSchu.Com Was ist ...")."""
    words: list[tuple[str, int]] = []
    for m in regex.finditer(r"\S+", raw):
        w = m.group()
        if _DOMAIN.fullmatch(w.rstrip(".")) or (w.endswith(".") and not _INITIALISM.fullmatch(w)):
            words.append((w.rstrip(".'’-"), m.start() + len(w.rstrip(".'’-"))))
            break
        words.append((w, m.end()))
    # Trailing words that are not part of a name: "ProPublica On", a sentence's next capital.
    while words and words[-1][0].casefold() in _NAME_FILLER | {"on", "in", "at"}:
        words.pop()
    if not words:
        return None
    name = regex.sub(r"(?i)^the\s+(?=\S)", "The ", " ".join(w for w, _ in words).strip(" .'’-"))
    core = [w for w in name.split() if w.casefold() not in _NAME_FILLER]
    if not core or not regex.search(r"\p{L}", name):
        return None  # a year, a figure
    if core[0].strip(".,").casefold() in _NOT_NAMES or all(w.strip(".,").casefold() in _NOT_NAMES for w in core):
        return None
    return (name, words[-1][1]) if len(name) >= 2 else None


def notices(text: str | None) -> list[Notice]:
    """Every republication notice in ``text``, with the source's name as written."""
    if not text:
        return []
    out: list[Notice] = []
    leads: dict[int, regex.Match[str]] = {}
    for a in _PREFILTER.finditer(text):
        for m in _LEAD.finditer(text, max(0, a.start() - _BEFORE), a.end() + _AFTER):
            if m.start() <= a.start() and a.end() <= m.end():
                leads.setdefault(m.start(), m)
    for m in leads.values():
        nm = _NAME.match(text, m.end())
        if nm is None:
            continue
        got = _clean_name(nm.group("name"))
        if got is not None:
            out.append(Notice(got[0], m.start(), nm.start() + got[1]))
    return out


def has_notice(texts: pl.Series) -> pl.Series:
    """Whether each text may hold a notice (the cheap prefilter, on the whole column at once)."""
    return texts.fill_null("").str.contains(PREFILTER)


_TLDS = {
    "com", "org", "net", "news", "co", "io", "info", "uk", "de", "fr", "es", "in", "au", "ca", "us", "it", "nl",
    "ie", "nz", "za", "edu", "gov", "int", "eu", "ch", "at", "be", "br", "mx", "ar", "jp", "kr", "cn", "tv", "fm",
    "media", "online", "site", "press", "today",
}


def _labels(outlet: str) -> list[str]:
    """The naming labels of a host: "news.theconversation.com" -> ["theconversation", "news"]."""
    host = outlet.casefold().split("/")[0].split(":")[0]
    parts = [p for p in host.split(".") if p and p != "www"]
    while len(parts) > 1 and parts[-1] in _TLDS:
        parts.pop()
    return [p.replace("-", "") for p in reversed(parts)]


def _words(name: str) -> list[str]:
    """Casefolded words of a name, accents dropped ("El País" -> ["el", "pais"])."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    return [w for w in regex.split(r"[^\p{L}\d]+", plain) if w]


#: Words an outlet's name may add to its site's name: an edition, a medium ("VICE US" on vice.com,
#: "BBC News" on bbc.co.uk, "Spiegel Online" on spiegel.de).
_QUALIFIERS = {
    "us", "uk", "usa", "india", "australia", "canada", "africa", "asia", "europe", "international", "online",
    "news", "weekly", "magazine", "edition", "digital", "daily", "live", "tv", "media", "group", "network",
}


def _keys(name: str) -> set[str]:
    """What a site's label may be for a name: the name's words run together, with or without a
    leading "the" and trailing qualifiers ("theconversation", "conversation"; "vice" for "VICE US"),
    its initials (3+ words: "khn", "wsj"), and its initials with the last word whole ("nytimes")."""
    words = _words(name)
    out: set[str] = set()
    for ws in (words, words[1:] if len(words) > 1 and words[0] == "the" else []):
        while ws:
            out.add("".join(ws))
            if len(ws) < 2 or ws[-1] not in _QUALIFIERS:
                break
            ws = ws[:-1]
    core = [w for w in words if w not in _NAME_FILLER]
    if len(core) >= 3:
        out.add("".join(w[0] for w in core))
    if len(core) > 1:
        out.add("".join(w[0] for w in core[:-1]) + core[-1])
    return {k for k in out if k not in _NAME_FILLER and (len(k) >= 3 or k.isdigit())}


def names_outlet(name: str, outlet: str | None) -> bool:
    """Whether ``name`` (as a notice writes it) is the outlet ``outlet`` (a host, or a name).

    "The Conversation" ~ theconversation.com, "ProPublica" ~ propublica.org, "VICE US" ~ vice.com
    (the name starts with the site's label), "The 19th" ~ 19thnews.org (the label starts with the
    name), "Kaiser Health News" ~ khn.org (initials), "Futurism.com" ~ futurism.com.
    """
    if not name or not outlet:
        return False
    if "." in name and "." in outlet and not any(ch.isspace() for ch in name.strip()):
        from provenance.ingest.pages import same_site

        if same_site(name.strip(), outlet):
            return True  # a host, as a canonical link names it: "origin-desk.example", "news.site.example"
    dom = next((w for w in name.split() if _DOMAIN.fullmatch(w)), None)
    keys = set(_labels(dom)[:1]) if dom is not None else _keys(name)  # a domain: "Futurism.com"
    words = _words(name)
    wholes = {"".join(words), "".join(words[1:]) if words[:1] == ["the"] else ""} - {""}
    labels = _labels(outlet) if "." in outlet else ["".join(_words(outlet))]
    for label in labels[:2]:
        if label in keys:
            return True
        if any(label.startswith(w) and label[len(w):] in _QUALIFIERS for w in wholes):
            return True  # "The 19th" on 19thnews.org, "Texas Tribune" on texastribuneonline.com
    return False
