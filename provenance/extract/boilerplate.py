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
    r"(?:disclaimer\s*:\s*)?(?:only\s+the\s+)?(?:headline|heading|image)s?\s+(?:of\s+this\s+(?:report|story)\s+)?"
    r"(?:and\s+(?:the\s+)?(?:picture|image)\s+)?(?:may\s+have\s+been|has\s+been|was)\s+(?:reworked|changed|edited)\s+by\s+[^.\n]{0,80}?staff"
    r"[^.\n]*\.?",
    r"(?:disclaimer\s*:\s*)?(?:this|the)\s+(?:story|article|report)\s+(?:has\s+)?not\s+(?:been\s+)?edited\s+by\s+[^.\n]{0,60}?staff"
    r"[^.\n]*\.?",
    r"(?:except\s+for\s+the\s+headline,\s*)?this\s+story\s+has\s+not\s+been\s+edited\s+by\s+[^.\n]{0,60}?(?:staff|team)"
    r"[^.\n]*\.?",
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


def strip_disclaimers(text: str) -> str:
    """``text`` without its disclaimers (lines left empty by the cut are dropped)."""
    if not text:
        return text
    return regex.sub(r"\n{3,}", "\n\n", DISCLAIMER.sub("", text)).strip()
