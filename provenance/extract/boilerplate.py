"""Auto-publication disclaimers: text that says "this is unedited agency copy".

They matter twice: extraction removes them from the fingerprinted body (they
recur across outlets and would link unrelated stories), and attribution keeps
them as evidence that an article is an unmodified agency copy. Both read the
patterns here so the two never disagree.
"""

from __future__ import annotations

import regex

# Phrasings seen on news sites that publish agency feeds automatically. Each
# matches from the start of the disclaimer sentence to its end.
_PATTERNS = [
    r"(?:disclaimer\s*:\s*)?(?:this|the above)\s+(?:post|story|article|report|news|copy)\s+(?:has\s+been|is|was)\s+"
    r"(?:auto[- ]?published|auto[- ]?generated|published)\s+(?:from|via|through)\s+(?:an?\s+|the\s+)?"
    r"(?:syndicated\s+|agency\s+|wire\s+|news\s+)*(?:feed|wire|service)[^.\n]*\.?",
    r"(?:disclaimer\s*:\s*)?(?:only\s+the\s+)?(?:headline|heading|image)s?\s+(?:and\s+(?:the\s+)?(?:picture|image)s?\s+)?"
    r"(?:of\s+this\s+(?:report|story)\s+)?"
    r"(?:and\s+(?:the\s+)?(?:picture|image)\s+)?(?:may\s+have\s+been|has\s+been|was)\s+(?:reworked|changed|edited)\s+by\s+[^.\n]{0,80}?staff"
    r"[^.\n]*\.?",
    r"(?:disclaimer\s*:\s*)?(?:this|the)\s+(?:story|article|report)\s+(?:has\s+)?not\s+(?:been\s+)?edited\s+by\s+[^.\n]{0,60}?staff"
    r"[^.\n]*\.?",
    r"(?:except\s+for\s+the\s+headline,\s*)?this\s+story\s+has\s+not\s+been\s+edited\s+by\s+[^.\n]{0,60}?(?:staff|team)"
    r"[^.\n]*\.?",
    # "This is an auto-generated story from a syndicated news feed."; "This is an unedited and auto-generated story
    # from Syndicated News feed, ... Staff may not have modified or edited the content body"
    r"(?:disclaimer\s*:\s*)?this\s+is\s+an?\s+(?:unedited\s+(?:and\s+)?)?(?:auto[- ]?generated|auto[- ]?published)\s+"
    r"(?:story|article|report|copy|news)\s+"
    r"(?:from|via|through)\s+(?:an?\s+|the\s+)?(?:syndicated\s+|agency\s+|wire\s+|news\s+)*(?:feed|wire|service)[^.\n]*\.?",
    # "... is part of an automated news feed and has not been edited by ... staff"; "This is an agency copy and has
    # not been edited by our staff"; an aggregator's "auto-aggregated by a computer program and has not been created
    # or edited by ..."
    r"(?:disclaimer\s*:\s*)?this\s+(?:is|story|article|report|post)\s+(?:is\s+)?(?:part\s+of\s+)?"
    r"(?:an?\s+(?:automated|auto[- ]?generated|syndicated)\s+(?:news\s+)?feed|an?\s+(?:agency|wire|syndicated)\s+(?:copy|story|feed)"
    r"|auto[- ]?aggregated\s+by\s+a\s+computer\s+program)\s+and\s+has\s+not\s+been\s+(?:created\s+or\s+)?edited\s+by\s+"
    r"[^.\n]+\.?",
    # Hindi: "डिस्क्लेमर: यह खबर एजेंसी फीड से सीधे प्रकाशित की गई है" ("this story is published straight from an
    # agency feed"), and "इसे हमारी टीम ने संपादित नहीं किया है" ("our team has not edited it"). Feed is written
    # with or without the nukta, precomposed or not.
    r"(?:(?:डिस्क्लेमर|अस्वीकरण)\s*[:ः]\s*)?(?:यह|ये)\s+(?:[^\s।.\n]+\s+){0,5}?(?:फ़ीड|फीड|\u095eीड)\s+से\s+"
    r"[^।.\n]{0,80}?(?:पब्लिश|प्रकाशित|पोस्ट)[^।.\n]*[।.]?",
    r"(?:इसे|इसके\s+साथ|इस\s+(?:खबर|ख़बर|स्टोरी|लेख)\s+(?:को|में|के\s+साथ))\s+[^।.\n]{0,60}?"
    r"(?:टीम|स्टाफ|संपादक|हम)[^।.\n]{0,40}?(?:एडिटिंग|एडिट|संपादित|संपादन)\s+नहीं[^।.\n]*[।.]?",
]
DISCLAIMER = regex.compile("|".join(f"(?:{p})" for p in _PATTERNS), regex.IGNORECASE)


def disclaimer_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of auto-publication disclaimers in ``text``.

    >>> t = "Body.\\nDisclaimer: This post has been auto-published from an agency feed without any modifications to the text."
    >>> s, e = disclaimer_spans(t)[0]
    >>> t[s:e].startswith("Disclaimer")
    True
    """
    return [(m.start(), m.end()) for m in DISCLAIMER.finditer(text)]


# What a disclaimer leaves of the brackets it stood in: "()", or the opening one alone when the disclaimer's
# last clause ran to the closing one ("(... published from a syndicated news agency feed - PTI)").
_EMPTIED = regex.compile(r"(?m)^[^\S\n]*[(\[][^\S\n]*[)\]]?[^\S\n]*\.?[^\S\n]*$")
# A second sentence some sites add to their disclaimer, which means nothing alone: "Only the headline has been
# changed."; "<Site> holds no responsibility for its content." Cut with the disclaimer it follows, not credited.
_TAIL = regex.compile(
    r"[^\S\n]*(?:only\s+the\s+headline\s+has\s+been\s+changed|[^.\n]{1,40}?\s+holds?\s+no\s+responsibility\s+for\s+"
    r"(?:its|the|this)\s+content)[^\S\n]*\.?",
    regex.IGNORECASE,
)


def strip_disclaimers(text: str) -> str:
    """``text`` without its disclaimers (lines left empty by the cut are dropped, and so are the
    brackets a disclaimer stood in: "(This story has not been edited by ...)"), each with the
    sentence that completes it where a site adds one."""
    if not text:
        return text
    parts, at = [], 0
    for m in DISCLAIMER.finditer(text):
        parts.append(text[at:m.start()])
        tail = _TAIL.match(text, m.end())
        at = tail.end() if tail else m.end()
    parts.append(text[at:])
    return regex.sub(r"\n{3,}", "\n\n", _EMPTIED.sub("", "".join(parts))).strip()
