"""Attribution: what an article itself says about where its text came from.

This module owns the registry of news agencies (``agencies.toml`` plus any
user file) and the detection of credits in article text: bylines and slugs
("By IANS", "IANS |", "(IANS)", "— PTI", "Source: ANI"), credits of part of
the text ("With inputs from PTI", "The Associated Press contributed to this
report"), datelines ("SEOUL, Oct 16 (Yonhap) --", "LONDON (Reuters) -"),
citations of an upstream ("Yonhap news agency reported", "according to
Xinhua", "told Reuters") including who an agency itself quoted ("... reported
quoting Ukrainian media outlets" gives the external source "Ukrainian media
outlets" cited via Yonhap), and auto-publication disclaimers (patterns from
:mod:`provenance.extract.boilerplate`).

Why it is separate from lineage: credits are facts read off one article, with
character spans as evidence; lineage weighs them against text reuse and time.

Detection is occurrence-first: every alias occurrence is found (the matches of
one alternation of all aliases, :attr:`Registry.pattern`), then its context
decides the role (or that it is no credit at all). Finding them is fast
because the alternation itself never runs: see :class:`_Scanner`. Short or
ambiguous aliases ("AP", "PA", "CP") only count in a credit position, so "the
PA system", "APPLE" or "Ani" never credit an agency, and "told Reuters" is a
citation, not a byline.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import regex

from provenance import schemas
from provenance.extract import boilerplate
from provenance.trace import republished

__all__ = [
    "Agency",
    "Credit",
    "Registry",
    "load_registry",
    "read_agency_file",
    "staff_byline",
    "find_credits",
    "credits",
    "agency_copies",
    "GENERIC_FEED",
    "CREDIT_ROLES",
]

#: Source name for a disclaimer when the article names no agency.
GENERIC_FEED = "agency feed"
#: Roles that credit a source with the article's text (a citation only says it was quoted).
#: "republished": a notice naming where the text first appeared ("This article is republished from
#: The Conversation"); its source is an agency (kind ``agency``) or an outlet (kind ``outlet``).
#: "inputs": a note crediting it with part of the text ("With inputs from PTI", "The Associated Press
#: contributed to this report").
CREDIT_ROLES = ("byline", "dateline", "copyright", "republished", "inputs")


@dataclass(frozen=True, kw_only=True)
class Agency:
    """One news agency. ``ambiguous`` aliases need a credit position to count."""

    name: str
    full_name: str = ""
    aliases: tuple[str, ...] = ()
    ambiguous: frozenset[str] = frozenset()
    country: str = ""
    language: str = ""
    domains: tuple[str, ...] = ()

    def all_aliases(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for a in (self.name, self.full_name, *self.aliases, *self.ambiguous):
            if a and a.strip():
                seen.setdefault(a.strip(), None)
        return tuple(seen)


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _alias_key(s: str) -> str:
    return " ".join(_nfc(s).casefold().split())


_NO_BOUNDARY_SCRIPTS = regex.compile(r"[\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}]")


def _alias_pattern(alias: str, *, case_sensitive: bool) -> str:
    body = r"\s+".join(regex.escape(part) for part in alias.split())
    left = "" if _NO_BOUNDARY_SCRIPTS.match(alias[0]) else r"(?<![\w])"
    right = "" if _NO_BOUNDARY_SCRIPTS.match(alias[-1]) else r"(?![\w])"
    if not case_sensitive:
        body = f"(?i:{body})"
    return f"{left}{body}{right}"


def _is_case_sensitive(alias: str, ambiguous: bool) -> bool:
    # Acronyms, short aliases and ambiguous ones keep their case: "AP" but not
    # "ap", "dpa" but not "Dpa"; long names are matched in any case.
    return ambiguous or len(alias) <= 4 or alias == alias.upper()


@dataclass(frozen=True)
class Registry:
    """All known agencies, with the compiled alias matcher."""

    agencies: tuple[Agency, ...]
    #: Sites found to be an agency's from corpus evidence: (outlet, agency, evidence); see
    #: :func:`provenance.trace.agency_sites.signed_sites`.
    sites: tuple[tuple[str, str, str], ...] = ()

    def with_sites(self, sites: Iterable[tuple[str, str, str]]) -> Registry:
        """This registry plus sites known from evidence (the registry's own rules still come first)."""
        out = Registry(self.agencies, tuple(dict.fromkeys((*self.sites, *sites))))
        for k in ("by_name", "names", "_alias_index", "pattern", "scanner", "_domain_index", "_label_index"):
            if k in self.__dict__:  # the aliases did not change: keep what was compiled
                out.__dict__[k] = self.__dict__[k]
        return out

    @cached_property
    def by_name(self) -> dict[str, Agency]:
        return {a.name: a for a in self.agencies}

    @cached_property
    def _alias_index(self) -> dict[str, tuple[str, bool]]:
        """casefolded alias -> (canonical name, ambiguous)."""
        out: dict[str, tuple[str, bool]] = {}
        for a in self.agencies:
            amb_keys = {_alias_key(x) for x in a.ambiguous}
            for alias in a.all_aliases():
                k = _alias_key(alias)
                out.setdefault(k, (a.name, k in amb_keys))
        return out

    @cached_property
    def pattern(self) -> regex.Pattern[str]:
        parts = []
        items = []
        for a in self.agencies:
            amb = {_alias_key(x) for x in a.ambiguous}
            for alias in a.all_aliases():
                items.append((alias, _alias_key(alias) in amb))
        # Longest first, so "PA Media" wins over "PA" and "Press Trust of India" over "PTI".
        items.sort(key=lambda t: (-len(t[0]), t[0]))
        for alias, amb in items:
            parts.append(_alias_pattern(_nfc(alias), case_sensitive=_is_case_sensitive(alias, amb)))
        return regex.compile("|".join(parts))

    @cached_property
    def scanner(self) -> _Scanner:
        """Finds the matches of :attr:`pattern` without running it (see :class:`_Scanner`)."""
        items = []
        for a in self.agencies:
            amb = {_alias_key(x) for x in a.ambiguous}
            for alias in a.all_aliases():
                items.append((alias, _alias_key(alias) in amb))
        items.sort(key=lambda t: (-len(t[0]), t[0]))  # the order of the alternatives of ``pattern``
        return _Scanner([(_nfc(alias), _is_case_sensitive(alias, amb)) for alias, amb in items])

    @cached_property
    def _domain_index(self) -> list[tuple[str, str]]:
        return sorted(
            ((d.lower().lstrip("."), a.name) for a in self.agencies for d in a.domains),
            key=lambda t: -len(t[0]),
        )

    def lookup(self, alias: str) -> tuple[str, bool] | None:
        """``(canonical name, ambiguous)`` for an alias as written, or None."""
        return self._alias_index.get(_alias_key(alias))

    def canonical(self, alias: str | None) -> str | None:
        """Canonical agency name for an alias (any case), or None."""
        if not alias:
            return None
        hit = self.lookup(alias.strip())
        return hit[0] if hit else None

    def agency_of_outlet(self, outlet: str | None) -> str | None:
        """The agency an outlet *is* (``"IANS"``, ``"ianslive.in"``, ``"wire-ians.test"``), or None.

        See :meth:`agency_identity` for the rules.
        """
        found = self.agency_identity(outlet)
        return found[0] if found else None

    def agency_identity(self, outlet: str | None) -> tuple[str, str] | None:
        """``(agency, evidence)`` when an outlet is an agency's own site, else None.

        Outlet names equal to an agency alias count, and so do web domains
        listed for the agency (with any subdomain). A registry of domains can
        never list every site of an agency (regional editions, mirrors, wire
        portals), so a host is the agency's too when one of its labels (split at
        dots and hyphens) is an unambiguous alias of 3+ letters, alone or with a
        portal word ("ianslive", "yonhapnews", "wire-ians"): ambiguous aliases
        ("AP", "PA") would make "ap.gov.in" an agency.
        """
        if not outlet:
            return None
        name = self.canonical(outlet)
        if name:
            return name, f"outlet name {outlet!r} is an alias of {name}"
        host = outlet.strip().lower()
        host = regex.sub(r"^[a-z]+://", "", host).split("/")[0]
        for dom, ag in self._domain_index:
            if host == dom or host.endswith("." + dom):
                return ag, f"host {host} is under {dom}, a domain of {ag} in the registry"
        for site, ag, why in self.sites:
            if site == outlet:
                return ag, why
        labels = [x for x in regex.split(r"[.\-]", host) if x]
        for label in labels[:-1]:  # the last label is the top-level domain
            for word in ("", *_PORTAL_WORDS):
                for key in (label.removesuffix(word), label.removeprefix(word)) if word else (label,):
                    if key != label or not word:
                        ag = self._label_index.get(key)
                        if ag:
                            return ag, f"host {host}: label {label!r} names {ag}"
        return None

    @cached_property
    def _label_index(self) -> dict[str, str]:
        """Unambiguous aliases of 3+ letters, lowercase without spaces -> agency (for host labels)."""
        out: dict[str, str] = {}
        for a in self.agencies:
            amb = {_alias_key(x) for x in a.ambiguous}
            for alias in a.all_aliases():
                k = _alias_key(alias)
                key = regex.sub(r"[^a-z0-9]", "", k)
                if k not in amb and len(key) >= 3 and key == k.replace(" ", "") and key.isascii():
                    out.setdefault(key, a.name)
        return out

    @cached_property
    def names(self) -> frozenset[str]:
        """Canonical agency names (asked per lineage row: computed once)."""
        return frozenset(a.name for a in self.agencies)


#: A byline that credits the outlet's own staff, not a named writer or an agency.
STAFF_BYLINE = regex.compile(
    r"(?i)^\s*(?:by\s+)?(?:(?:our|a|the)\s+)?(?:staff\s+(?:reporter|writer|correspondent)s?|(?:our\s+)?"
    r"(?:special\s+)?correspondents?|(?:our\s+)?bureau|[\w .&'-]{0,40}\s+news\s+service|news\s+desk|web\s+desk"
    r"|(?:[\w .&'-]{0,40}\s+)?(?:staff|desk|team)|express\s+news\s+service)\s*$"
)


def staff_byline(byline: str | None) -> bool:
    """Does the byline credit the outlet's staff ("By Staff Reporter", "Express News Service", "Web Desk")?"""
    return bool(byline) and bool(STAFF_BYLINE.match(byline or "")) and "|" not in (byline or "")


#: Words a wire portal's host adds to the agency's name ("ianslive", "yonhapnews", "wire-ians").
_PORTAL_WORDS = ("live", "news", "wire", "online", "english", "world", "newswire", "en")


def _agency_from_mapping(d: dict[str, Any]) -> Agency:
    if "name" not in d or not str(d["name"]).strip():
        raise ValueError(f"agency entry without a name: {d!r}")

    def tup(key: str) -> tuple[str, ...]:
        v = d.get(key) or []
        if isinstance(v, str):
            v = [v]
        return tuple(str(x) for x in v)

    return Agency(
        name=str(d["name"]).strip(),
        full_name=str(d.get("full_name") or ""),
        aliases=tup("aliases"),
        ambiguous=frozenset(tup("ambiguous")),
        country=str(d.get("country") or ""),
        language=str(d.get("language") or ""),
        domains=tup("domains"),
    )


def _read_entries(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".toml":
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    elif suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("reading a YAML agency registry needs PyYAML (pip install pyyaml)") from e
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    else:
        raise ValueError(f"agency registry must be .toml, .yaml or .yml, not {path.name}")
    entries = data if isinstance(data, list) else data.get("agency", data.get("agencies", []))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of agencies under 'agency'")
    return entries


def _merge(base: Agency, extra: Agency) -> Agency:
    return Agency(
        name=base.name,
        full_name=extra.full_name or base.full_name,
        aliases=tuple(dict.fromkeys((*base.aliases, *extra.aliases))),
        ambiguous=base.ambiguous | extra.ambiguous,
        country=extra.country or base.country,
        language=extra.language or base.language,
        domains=tuple(dict.fromkeys((*base.domains, *extra.domains))),
    )


def read_agency_file(path: Path | str) -> list[dict[str, Any]]:
    """The agency entries of a user file (TOML or YAML), checked: each must have a name."""
    entries = _read_entries(Path(path))
    for d in entries:
        _agency_from_mapping(d)
    return entries


def load_registry(extra: Path | None = None, *, entries: Iterable[dict[str, Any]] = ()) -> Registry:
    """The built-in agency registry, extended by ``extra`` (TOML or YAML) and ``entries`` when given.

    ``extra`` holds a list ``agency`` of tables with the keys of
    ``agencies.toml``; ``entries`` are such tables already read (a store keeps
    the ones its user declared). An entry whose name exists adds to it, a new
    name adds an agency.
    """
    text = resources.files("provenance").joinpath("agencies.toml").read_text(encoding="utf-8")
    agencies: dict[str, Agency] = {}
    for d in tomllib.loads(text)["agency"]:
        a = _agency_from_mapping(d)
        agencies[a.name] = a
    more = [*(_read_entries(Path(extra)) if extra is not None else []), *entries]
    for d in more:
        a = _agency_from_mapping(d)
        agencies[a.name] = _merge(agencies[a.name], a) if a.name in agencies else a
    return Registry(tuple(agencies.values()))


# --------------------------------------------------------------------------
# Alias scan
# --------------------------------------------------------------------------
#
# ``Registry.pattern.finditer`` (an alternation of ~160 aliases in the regex
# module) costs ~20 ms per 2 KB article. :class:`_Scanner` returns the same
# matches for a few microseconds:
#
# 1. A prefilter over a whole column at once (polars Aho-Corasick) tells which
#    aliases can occur in each text. It is a necessary condition only: a
#    case-sensitive alias needs its longest word verbatim in the text; a
#    case-insensitive one needs, in the lowercased text, its word, or for
#    several words the first two with one space between (in the lowercased text
#    with newline runs made one space, so a text with other whitespace, by the
#    regex module's ``\s``, or two spaces in a row, may hold any multi-word
#    alias). Polars' lowercasing agrees with the
#    regex module's case-insensitive matching on every character that matches a
#    key letter, except ASCII letters matching a non-ASCII key letter ("I" for
#    the "ı" of "Ajansı": the key gets a variant "ajansi") and "exotic" non-ASCII
#    ones ("ſ", "ı", "İ", old Cyrillic letter forms, Greek sigma, whose lowercase
#    depends on context): a text holding an exotic character may contain every
#    case-insensitive alias. Both are computed from the regex module itself
#    when the registry's scanner is built.
# 2. Each possible alias's own pattern (one alternative of ``pattern``) runs on
#    the text with ``overlapped=True``, which yields every position where it
#    matches. At a position the alternation returns its first alternative that
#    matches there, so the winner is the possible alias of smallest index; then
#    the scan goes on from the end of the winning match, as finditer's does.
#
# The context rules get the same kind of help: the costly searches of the line
# before an occurrence (photo credits, reporting cues, "Source:", a dash) run
# only where that text holds a word every match of the rule holds (computed
# for all occurrences of a batch at once; see ``_HINT_WORDS``).
#
# Disclaimers (``boilerplate.DISCLAIMER``): every match of those patterns holds
# one of ``_DISCLAIMER_WORDS`` and no "." except as its last character, so only
# the "."-delimited segments holding such a word are scanned, each on its own
# (``pos``/``endpos``), with the same matches.

# Blocks that have no cased letter and no whitespace in any Unicode version
# (ideographs, Hangul syllables, surrogates and private use, Tangut, Nushu):
# the character scan below skips them; above plane 1 there are none either.
_UNCASED_BLOCKS = (
    (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7B0), (0xD800, 0xF900), (0x17000, 0x18D00), (0x1B170, 0x1B300)
)


@functools.lru_cache(maxsize=1)
def _scan_universe() -> str:
    """Every character that can be cased or whitespace, as one string."""
    out: list[str] = []
    lo = 0
    for a, b in (*_UNCASED_BLOCKS, (0x20000, 0x20000)):
        out.extend(map(chr, range(lo, a)))
        lo = b
    return "".join(out)


# Matches of ``boilerplate.DISCLAIMER`` hold one of these words (case-insensitively)
# and no "." but as their last character; proved for the patterns below only (a
# copy of boilerplate's: a change there turns the shortcut off until proved again).
_DISCLAIMER_WORDS = ("published", "generated", "staff", "edited", "फीड", "फ़ीड", "\u095eीड", "एडिट", "संपाद")
_DISCLAIMER_PROVED_FOR = (
    r"(?:(?:disclaimer\s*:\s*)?(?:this|the above)\s+(?:post|story|article|report|news|copy)\s+(?:has\s+been|is|was)\s+"
    r"(?:auto[- ]?published|auto[- ]?generated|published)\s+(?:from|via|through)\s+(?:an?\s+|the\s+)?"
    r"(?:syndicated\s+|agency\s+|wire\s+|news\s+)*(?:feed|wire|service)[^.\n]*\.?)|"
    r"(?:(?:disclaimer\s*:\s*)?(?:only\s+the\s+)?(?:headline|heading|image)s?\s+(?:and\s+(?:the\s+)?(?:picture|image)s?\s+)?"
    r"(?:of\s+this\s+(?:report|story)\s+)?"
    r"(?:and\s+(?:the\s+)?(?:picture|image)\s+)?(?:may\s+have\s+been|has\s+been|was)\s+(?:reworked|changed|edited)\s+by\s+[^.\n]{0,80}?staff"
    r"[^.\n]*\.?)|"
    r"(?:(?:disclaimer\s*:\s*)?(?:this|the)\s+(?:story|article|report)\s+(?:has\s+)?not\s+(?:been\s+)?edited\s+by\s+[^.\n]{0,60}?staff"
    r"[^.\n]*\.?)|"
    r"(?:(?:except\s+for\s+the\s+headline,\s*)?this\s+story\s+has\s+not\s+been\s+edited\s+by\s+[^.\n]{0,60}?(?:staff|team)"
    r"[^.\n]*\.?)|"
    r"(?:(?:disclaimer\s*:\s*)?this\s+is\s+an?\s+(?:unedited\s+(?:and\s+)?)?(?:auto[- ]?generated|auto[- ]?published)\s+"
    r"(?:story|article|report|copy|news)\s+"
    r"(?:from|via|through)\s+(?:an?\s+|the\s+)?(?:syndicated\s+|agency\s+|wire\s+|news\s+)*(?:feed|wire|service)[^.\n]*\.?)|"
    r"(?:(?:disclaimer\s*:\s*)?this\s+(?:is|story|article|report|post)\s+(?:is\s+)?(?:part\s+of\s+)?"
    r"(?:an?\s+(?:automated|auto[- ]?generated|syndicated)\s+(?:news\s+)?feed|an?\s+(?:agency|wire|syndicated)\s+(?:copy|story|feed)"
    r"|auto[- ]?aggregated\s+by\s+a\s+computer\s+program)\s+and\s+has\s+not\s+been\s+(?:created\s+or\s+)?edited\s+by\s+"
    r"[^.\n]+\.?)|"
    r"(?:(?:(?:डिस्क्लेमर|अस्वीकरण)\s*[:ः]\s*)?(?:यह|ये)\s+(?:[^\s।.\n]+\s+){0,5}?(?:फ़ीड|फीड|\u095eीड)\s+से\s+"
    r"[^।.\n]{0,80}?(?:पब्लिश|प्रकाशित|पोस्ट)[^।.\n]*[।.]?)|"
    r"(?:(?:इसे|इसके\s+साथ|इस\s+(?:खबर|ख़बर|स्टोरी|लेख)\s+(?:को|में|के\s+साथ))\s+[^।.\n]{0,60}?"
    r"(?:टीम|स्टाफ|संपादक|हम)[^।.\n]{0,40}?(?:एडिटिंग|एडिट|संपादित|संपादन)\s+नहीं[^।.\n]*[।.]?)",
    int(regex.IGNORECASE),
)

# Words every match of a case-insensitive context rule holds (one word of each
# alternative of its keyword group; "pic" covers "picture", "сообщ" every form).
_HINT_WORDS: dict[str, tuple[str, ...]] = {
    "photo": ("photo", "image", "pic", "graphic", "video", "illustration", "credit", "foto", "bild", "фото"),
    "cue": (
        "according", "told", "cited", "reported", "quoted", "quoting", "citing", "interview", "spoke", "speaking",
        "confirmed", "statement", "said", "selon", "après", "déclaré", "dit", "según", "acuerdo", "dijo", "informó",
        "laut", "angaben", "berichtete", "sagte", "segundo", "acordo", "disse", "informou", "данным", "информации",
        "сообщ", "переда", "заявил", "据", "據", "援引", "告诉", "告訴",
    ),
    "source": ("source", "courtesy", "quelle", "fuente", "fonte", "источник", "स्रोत", "来源", "출처"),
    "inputs": ("input", "reporting", "informa", "material", "with", "avec", "com"),
}
_HINTS = ("photo", "cue", "source", "inputs", "dash")
_NO_HINTS = (True, True, True, True, True)

# A case-insensitive key gets one prefilter variant per way its lowercase can
# look; past this many its alias runs on every text instead.
_MAX_KEY_VARIANTS = 64


def _disclaimer_shortcut_valid() -> bool:
    """True while boilerplate's disclaimer patterns are the ones the shortcut was proved for."""
    d = boilerplate.DISCLAIMER
    return (d.pattern, d.flags & ~(regex.UNICODE | regex.VERSION0)) == _DISCLAIMER_PROVED_FOR


def _lowercase(strings: list[str]) -> list[str]:
    return pl.Series(strings, dtype=pl.String).str.to_lowercase().to_list()


def _char_class(chars: Iterable[str]) -> str:
    """A Rust-regex character class of exactly ``chars``."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(set(chars))) + "]"


class _Scanner:
    """The matches of an alternation of aliases, found without running it (see above).

    ``aliases`` are (NFC alias, case_sensitive) in the alternation's order.
    """

    def __init__(self, aliases: list[tuple[str, bool]]) -> None:
        self.patterns = [regex.compile(_alias_pattern(a, case_sensitive=cs)) for a, cs in aliases]
        universe = _scan_universe()
        self.ws_chars = "".join(sorted(set(regex.findall(r"\s", universe))))
        self.cs_keys: dict[str, list[int]] = {}  # longest word -> case-sensitive aliases
        self.ci_keys: dict[str, list[int]] = {}  # lowercase key (see above) -> case-insensitive aliases
        self.ci_all: list[int] = []
        self.ci_multi: list[int] = []  # case-insensitive aliases of several words
        self.always: list[int] = []  # aliases the prefilter cannot vouch for (none in the built-in registry)
        # Per alias: (first word, case-insensitive) to find its positions; for
        # case-insensitive aliases of ASCII words, the lowercase words an ASCII
        # text must hold (the first one followed by whitespace) for a match.
        self.first_word: list[tuple[str, bool, bool, bool]] = []  # word, case-insensitive, boundary, more words
        self.ascii_words: dict[int, tuple[str, tuple[str, ...]]] = {}
        # ASCII aliases: (words as compared: lowercase if case-insensitive, case-insensitive).
        self.ascii_alias: dict[int, tuple[tuple[str, ...], bool]] = {}
        ci_parts: list[tuple[int, list[str]]] = []
        for i, (alias, cs) in enumerate(aliases):
            parts = alias.split()
            left = bool(parts) and not _NO_BOUNDARY_SCRIPTS.match(alias[0])  # the pattern starts (?<![\w])
            self.first_word.append((parts[0] if parts else "", not cs, left, len(parts) > 1))
            if parts and alias.isascii():  # ASCII: no CJK edge, so both boundaries apply
                self.ascii_alias[i] = (tuple(parts if cs else (w.lower() for w in parts)), not cs)
            if not parts or any(ch in self.ws_chars for p in parts for ch in p):
                self.always.append(i)
            elif cs:
                self.cs_keys.setdefault(max(parts, key=len), []).append(i)
            else:
                ci_parts.append((i, parts))
                if all(p.isascii() for p in parts):
                    low = [p.lower() for p in parts]
                    self.ascii_words[i] = (low[0], tuple(low[1:]))
        words = [w for _, parts in ci_parts for w in parts] + list(_DISCLAIMER_WORDS)
        words += [w for ws in _HINT_WORDS.values() for w in ws]
        exotic, self._options = self._case_options({ch for w in words for ch in w}, universe)
        self.exotic_class = _char_class(exotic) if exotic else None
        for i, parts in ci_parts:
            forms = [self._variants(w) for w in parts[:2]]
            if any(len(f) > _MAX_KEY_VARIANTS for f in forms):
                self.always.append(i)
                continue
            keys = forms[0]
            if len(parts) > 1:
                # The first two words with one space between (newlines made spaces);
                # other whitespace after the first is caught by odd_space below.
                keys = [a + " " + b for a in forms[0] for b in forms[1]]
                self.ci_multi.append(i)
            self.ci_all.append(i)
            for key in keys:
                self.ci_keys.setdefault(key, []).append(i)
        self.always.sort()
        # In the lowercased text with every run of newlines made one space, the
        # whitespace between two words of an alias is one space, or holds other
        # whitespace than spaces and newlines, or two spaces in a row: a text
        # with either may hold any multi-word alias.
        rare = [c for c in self.ws_chars if c not in " \n"]
        self.odd_space = _char_class(rare) if rare else None  # or two spaces: see candidates
        self.ascii_ws = tuple(c for c in self.ws_chars if c.isascii())
        self.ascii_ws_set = frozenset(self.ascii_ws)
        disc = [self._variants(w) for w in _DISCLAIMER_WORDS]
        self.disclaimer_keys = frozenset(v for vs in disc for v in vs)
        self.disclaimer_words = regex.compile("|".join(_DISCLAIMER_WORDS), regex.IGNORECASE)
        self.disclaimer_shortcut = _disclaimer_shortcut_valid() and all(len(vs) <= _MAX_KEY_VARIANTS for vs in disc)
        self.hint_keys: dict[str, list[str] | None] = {}  # None: the rule always runs
        for h, ws in _HINT_WORDS.items():
            vs = [self._variants(w) for w in ws]
            self.hint_keys[h] = None if any(len(v) > _MAX_KEY_VARIANTS for v in vs) else sorted({x for v in vs for x in v})
        self.dash_tail = _char_class("-–—~") + _char_class(self.ws_chars) + "*$"
        self._lookups: dict[str, Any] = {}
        self._low_of: str | None = None
        self._low = ""

    def lookup(self, alias_text: str, registry: Registry) -> tuple[str, bool] | None:
        """``registry.lookup`` of a matched alias text (memoized: few distinct texts)."""
        got = self._lookups.get(alias_text, self)
        if got is self:
            got = self._lookups[alias_text] = registry.lookup(alias_text)
        return got  # type: ignore[return-value]

    def _lower(self, text: str) -> str:
        """``text.lower()``, kept for the last text (the alias scan and the disclaimer scan share it)."""
        if self._low_of is not text:
            self._low_of, self._low = text, text.lower()
        return self._low

    @staticmethod
    def _case_options(key_chars: set[str], universe: str) -> tuple[list[str], dict[str, tuple[str, ...]]]:
        """Exotic characters, and the lowercase forms a text can show for each key character.

        For a key character c, a text character x that the regex module matches
        with c case-insensitively shows up in the lowercased text as c's
        lowercase, or as x's lowercase for an ASCII x (the alias "Ajansı" is
        matched by "AJANSI", lowercased "ajansi"): c's options. A non-ASCII x
        lowercased otherwise, or a Greek sigma (its lowercase depends on the
        next letter), is exotic: a text holding one skips the prefilter.
        """
        chars = sorted(key_chars)
        any_key = regex.compile("(?i:[" + "".join(regex.escape(c) for c in chars) + "])")
        matching = sorted(set(any_key.findall(universe)) | key_chars)
        lower = dict(zip(matching, _lowercase(matching), strict=True))
        exotic: set[str] = set()
        options: dict[str, tuple[str, ...]] = {}
        for c in chars:
            one = regex.compile("(?i:" + regex.escape(c) + ")")
            same = [x for x in matching if one.fullmatch(x)]
            opts = {lower[c]}
            for x in same:
                if x.isascii():
                    opts.add(lower[x])
                elif lower[x] != lower[c] or x in "Σσς":
                    exotic.add(x)
            options[c] = tuple(sorted(opts))
        return sorted(exotic), options

    def _variants(self, word: str) -> list[str]:
        """Every lowercase form ``word`` can take in a lowercased non-exotic text."""
        keys = [""]
        for ch in word:
            keys = [k + o for k in keys for o in self._options.get(ch, (ch,))]
            if len(keys) > _MAX_KEY_VARIANTS:
                break
        return keys

    def candidates(self, texts: pl.Series, *, disclaimers: bool = False) -> tuple[list[list[int] | None], list[bool]]:
        """Per text: the aliases that can occur in it (None if none can), and whether a disclaimer can."""
        t, low = pl.col("t"), pl.col("low")
        ci_keys = sorted(set(self.ci_keys) | (self.disclaimer_keys if disclaimers else set()))
        exprs = [
            (t.str.extract_many(sorted(self.cs_keys), overlapping=True).list.unique()
             if self.cs_keys else pl.lit(None)).alias("cs"),
            (low.str.extract_many(ci_keys, overlapping=True).list.unique()
             if ci_keys else pl.lit(None)).alias("ci"),
            (t.str.contains(self.exotic_class) if self.exotic_class else pl.lit(False)).fill_null(False).alias("ex"),
            (low.str.contains("  ", literal=True)
             | (low.str.contains(self.odd_space) if self.odd_space else pl.lit(False))).fill_null(False).alias("odd"),
        ]
        df = (
            pl.DataFrame({"t": texts}, schema={"t": pl.String})
            .with_columns(t.str.to_lowercase().str.replace_all("\n+", " ").alias("low"))
            .select(exprs)
        )
        out: list[list[int] | None] = []
        maybe_disclaimer: list[bool] = []
        cs_keys, ci_keys_map, disc_keys = self.cs_keys, self.ci_keys, self.disclaimer_keys
        for cs_hits, ci_hits, ex, odd in df.iter_rows():
            found = set(self.always)
            disc = ex
            if cs_hits:
                for k in cs_hits:
                    found.update(cs_keys[k])
            if odd:
                found.update(self.ci_multi)
            if ex:
                found.update(self.ci_all)
            elif ci_hits:
                for k in ci_hits:
                    if k in ci_keys_map:
                        found.update(ci_keys_map[k])
                    if k in disc_keys:
                        disc = True
            out.append(sorted(found) if found else None)
            maybe_disclaimer.append(disc and disclaimers)
        return out, maybe_disclaimer

    def matches(self, text: str, possible: Iterable[int]) -> list[tuple[int, int, str]]:
        r"""(start, end, text) of the matches of ``pattern.finditer(text)``, given the aliases
        that can occur in ``text`` (ascending).

        In an ASCII text an ASCII alias is matched here: ``\w``, ``\s`` and case
        are ASCII's there, so its pattern is: not after a word character, its
        words (lowercased, if case-insensitive, in the lowercased text, which
        keeps positions) separated by whitespace, not before a word character.
        A case-sensitive alias is tried at the positions of its first word;
        any other by ``finditer(overlapped=True)``, which gives every position
        it matches at.
        """
        first: dict[int, tuple[int, int, str]] = {}
        is_ascii = text.isascii()
        low = None
        for i in possible:
            if is_ascii and i in self.ascii_alias:
                parts, ci = self.ascii_alias[i]
                if ci:
                    if low is None:
                        low = self._lower(text)
                    where = low
                else:
                    where = text
                if len(parts) > 1 and not all(w in where for w in parts[1:]):
                    continue
                for p in self._word_starts(where, parts[0], len(parts) > 1):
                    if p not in first:
                        e = self._ascii_match(where, p, parts)
                        if e >= 0:
                            first[p] = (p, e, text[p:e])  # the earlier alternative wins at a position
                continue
            pat = self.patterns[i]
            word, ci, _, _ = self.first_word[i]
            if ci:
                for m in pat.finditer(text, overlapped=True):
                    first.setdefault(m.start(), (m.start(), m.end(), m.group()))
                continue
            for p in find_all(text, word):
                if p not in first and (m := pat.match(text, p)):
                    first[p] = (p, m.end(), m.group())
        out = []
        cur = 0
        for p in sorted(first):
            if p >= cur:
                m = first[p]
                out.append(m)
                cur = m[1]
        return out

    def _word_starts(self, where: str, word: str, more: bool) -> list[int]:
        """Positions of ``word`` in ASCII ``where``; followed by whitespace if ``more``."""
        if not more:
            return find_all(where, word)
        return sorted(p for c in self.ascii_ws if word + c in where for p in find_all(where, word + c))

    def _ascii_match(self, where: str, p: int, parts: tuple[str, ...]) -> int:
        """End of the alias ``parts`` matched at p in ASCII ``where`` (which holds parts[0]
        there), or -1."""
        n = len(where)
        if p and _ASCII_WORD_CHAR(where[p - 1]):
            return -1
        pos = p + len(parts[0])
        ws = self.ascii_ws_set
        for part in parts[1:]:
            if pos >= n or where[pos] not in ws:
                return -1
            while pos < n and where[pos] in ws:
                pos += 1
            if not where.startswith(part, pos):
                return -1
            pos += len(part)
        if pos < n and _ASCII_WORD_CHAR(where[pos]):
            return -1
        return pos

    def hints(self, pres: list[str]) -> list[tuple[bool, bool, bool, bool, bool]]:
        """For each text before an occurrence (on its line): whether each costly context rule
        (photo, cue, source, inputs, dash; see ``_classify``) can match it."""
        if not pres:
            return []
        p = pl.col("p")
        low = p.str.to_lowercase()
        ex = p.str.contains(self.exotic_class) if self.exotic_class else pl.lit(False)
        exprs = [
            (low.str.contains_any(keys) | ex if (keys := self.hint_keys[h]) is not None else pl.lit(True)).alias(h)
            for h in _HINTS[:4]
        ]
        exprs.append(p.str.contains(self.dash_tail).alias("dash"))
        df = pl.DataFrame({"p": pres}, schema={"p": pl.String}).select(exprs)
        return list(df.iter_rows())

    def disclaimer_spans(self, text: str, maybe: bool) -> list[tuple[int, int]]:
        """``boilerplate.disclaimer_spans(text)``, given whether the prefilter allows one."""
        if not self.disclaimer_shortcut:
            return boilerplate.disclaimer_spans(text)
        if not maybe or not text:
            return []
        low = None
        if text.isascii():  # ASCII: lowercase keeps positions and is the regex module's case-insensitivity
            low = self._lower(text)
            words = sorted(i for w in _DISCLAIMER_WORDS for i in find_all(low, w))
        else:
            words = [w.start() for w in self.disclaimer_words.finditer(text)]
        out: list[tuple[int, int]] = []
        done = -1  # end of the last segment scanned
        for w in words:
            if w < done:
                continue
            s = text.rfind(".", 0, w) + 1
            e = text.find(".", w)
            e = len(text) if e < 0 else e + 1
            if low is None or _may_hold_disclaimer(low[s:e]):
                out.extend((m.start(), m.end()) for m in boilerplate.DISCLAIMER.finditer(text, s, e))
            done = e
        return out


_ASCII_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_ASCII_WORD_CHAR = _ASCII_WORD_CHARS.__contains__


def _may_hold_disclaimer(seg: str) -> bool:
    """Whether lowercase ``seg`` holds the words one of the proved patterns needs (see _DISCLAIMER_PROVED_FOR).
    Asked of ASCII texts only, so the Hindi patterns need no clause here."""
    def any_of(*words: str) -> bool:
        return any(w in seg for w in words)

    return (
        (any_of("published", "generated") and any_of("feed", "wire", "service"))  # 1st pattern
        or ("staff" in seg and any_of("reworked", "changed", "edited") and any_of("headline", "heading", "image"))
        or ("edited" in seg and "not" in seg
            and any_of("story", "article", "report", "copy", "feed", "aggregated"))  # 3rd, 4th and 6th
    )


def find_all(text: str, word: str) -> list[int]:
    """Start offsets of every occurrence of ``word`` in ``text`` (overlapping ones too)."""
    out = []
    i = text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


# --------------------------------------------------------------------------
# Credit detection
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    source: str
    kind: str  # agency | external | outlet
    role: str  # byline | dateline | copyright | republished | inputs | cited | disclaimer
    field: str
    span_start: int
    span_end: int
    span_text: str
    cited_via: str | None = None


_PHOTO_PRE = regex.compile(
    r"(?i)(?:photo|photos|image|images|picture|pic|file\s+photo|graphic|video|illustration|"
    r"credit|foto|imagen|bild|фото)\s*(?:credits?)?\s*[:|/-]?\s*(?:[^\n/:]{0,40}/\s*)?$"
)
#: After the name: "/ photographer", "Photo", or a photographer's name after a bar ("© dpa | Kay Brandt",
#: under a caption), which ends the line.
_PHOTO_POST = regex.compile(
    r"^\s*(?:/|(?i:photo|pool\s+photo|via\s+getty|images|video|tv\b|graphic)"
    r"|\|\s*(?!(?i:all\s+rights))\p{Lu}\p{Ll}+(?:\s+\p{Lu}\.)?\s+\p{Lu}[\p{Ll}'’-]+\s*$)"
)

#: "© 2012 The", "Copyright (c) Reuters", "(c) AFP", "Distributed by": what may stand before an agency
#: name in a copyright or distribution line. Such a line is a credit: the page says whose text it is.
_COPYRIGHT_PRE = regex.compile(
    r"(?i)(?:(?:©|\(c\)|copyright|copr\.)\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?"
    r"|(?:distributed|syndicated|supplied|provided|content)\s+(?:by|from)\s+)(?:the\s+)?$"
)
_SENT_BREAK = regex.compile(r"[.!?]\s+\p{Lu}")
_DIGIT = regex.compile(r"\d")
_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}.'’-]*")

_BYLINE_PRE = regex.compile(
    r"^\s*(?:(?i:written\s+|reported\s+|edited\s+|compiled\s+)?(?i:by)|From|FROM|Por|Par|Von)\s+"
    r"(?:[^|\n]{0,80}?(?:,|\band\b|&|/|\+)\s*)?(?:(?i:the|our)\s+)?$"
)
_LINE_START_POST = regex.compile(
    r"^\s*(?:(?i:staff|news\s+agency|news\s+service|wire|desk)\s*)?(?:[|•·]|[-–—:]\s|\s*$)"
)
#: After an agency's name opening a line: a place, and the line ends ("IANS  Seoul", "Press Trust of India New
#: Delhi": the credit block of a page).
_PLACE_LINE_POST = regex.compile(r"^[^\S\n]+\p{Lu}[\p{L}\p{M}.'’-]+(?:[ -]\p{Lu}[\p{L}\p{M}.'’-]+){0,2}[^\S\n]*$")
_QUOTE_POST = regex.compile(r"^\s*:\s*[\"“„«»‘'‚]")
_DASH_PRE = regex.compile(r"(?:^|[\s.!?\"”'])(?:[-–—]{1,3}|~)\s*$")
_END_POST = regex.compile(r"^\s*[.)]?\s*$")
_SOURCE_PRE = regex.compile(
    r"(?i)(?:^|[\s(\[])(?:source|sources|courtesy|quelle|fuente|fonte|источник|स्रोत|来源|출처)\s*[:：]\s*"
    r"(?:[^\n:]{0,60}?(?:,|\band\b|&|/|\+)\s*)?$"
)
_INPUTS_PRE = regex.compile(
    r"(?i)(?:(?:^|[\s(\[])(?:with\s+)?(?:additional\s+)?inputs?\s+from"
    r"|(?:^|[(\[;]|\bwith|\badditional)\s*reporting\s+(?:by|from))\s+(?:the\s+)?"
    r"(?:[^\n]{0,60}?(?:,|\band\b|&)\s*(?:the\s+)?)?$"
)
#: The same note in Spanish, Portuguese and German: "Con información de EFE y Reuters", "Com informações da
#: Agência Brasil", "Mit Material von dpa".
_INPUTS_INTL_PRE = regex.compile(
    r"(?i)(?:^|[\s(\[])(?:con\s+informaci[oó]n\s+de|com\s+informa[cç](?:[oõ]es|ão)\s+d[aeo]s?|mit\s+material\s+(?:von|der|des))"
    r"\s+(?:(?:la|el|los|las|der|die|dem|den)\s+)?"
    r"(?:[^\n]{0,60}?(?:,|\b(?:y|e|und|and)\b|&)\s*(?:(?:la|el|da|do|der|die|dem|den)\s+)?)?$"
)
#: "With AFP", "(avec AFP)", "— Com Lusa": a note of its own, opening its line or bracket and ending with the name.
_WITH_NOTE_PRE = regex.compile(
    r"(?i)(?:^|[(\[]|[—–-])\s*(?:with|avec|com)\s+(?:(?:the|l['’])\s*)?"
    r"(?:[^\n()]{0,40}?(?:,|\b(?:and|et|e|y)\b|&)\s*(?:(?:the|l['’])\s*)?)?$"
)
_NOTE_END_POST = regex.compile(r"(?i)^(?:\s*(?:,|\b(?:and|et|e|y)\b|&)\s*[^\n()]{1,40}?)?\s*[)\]]?\s*\.?\s*$")
_PAREN_PRE = regex.compile(r"\(\s*$")
_WS = "".join(regex.findall(r"\s", "".join(map(chr, range(0x3001)))))  # the regex module's \s (all below U+3001)
_PAREN_POST = regex.compile(r"^\s*\)")
_PAREN_DASH_POST = regex.compile(r"^\s*\)\s*(?:[-–—]{1,3}|\.-|:)")
_PAREN_END_POST = regex.compile(r"^\s*\)\s*[.:;,]?\s*$")
_PAREN_SENT_PRE = regex.compile(r"(?:^|[.!?\"”’]\s*)\(\s*$")
_CJK_DATELINE_POST = regex.compile(r"^[^\n，。,.]{0,24}?[电電]")
#: An ambiguous alias inside a name in a byline field: one capitalised word after it that ends the name
#: ("Petra Ruland", not a desk or brand word: "AP Staff", "Sputnik International", nor a job title: "AP
#: National Political Writer"), or an all-capitals word before it ("INTERIA PL", a portal's name).
_NAME_NEXT = regex.compile(
    r"^\s+(?!(?i:staff|desk|news|wire|reporters?|correspondents?|bureau|service|photos?|video|international"
    r"|media|agency|online|digital|english|world|and|und)\b)\p{Lu}\p{Ll}+\s*(?:$|[,;|/])"
)
_NAME_BEFORE = regex.compile(r"(?:^|\s)(?!(?i:by|von|por|par|from|and|und|via)\s+$)\p{Lu}[\p{Lu}\p{N}.'’-]+\s+$")
#: A parenthesised tag right after a capitalised word: with an ambiguous alias, a party or affiliation
#: ("Bolsonaro (PL)", "Scholz (SPD)"), unless a sentence ended before it.
_PAREN_AFTER_NAME = regex.compile(r"\p{Lu}[\p{L}.'’-]+\s*\(\s*$")

_PRE_CUE_WORDS = (
    r"according\s+to|told|cited\s+by|reported\s+by|quoted\s+by|quoting|citing|interviews?\s+with|"
    r"spoke\s+to|speaking\s+to|confirmed\s+to|(?:a\s+)?statement\s+to|said\s+to|selon|d['’]après|"
    r"a\s+déclaré\s+à|a\s+dit\s+à|según|de\s+acuerdo\s+con|dijo\s+a|informó|laut|"
    r"nach\s+Angaben\s+(?:von|der|des)|berichtete|sagte|segundo|de\s+acordo\s+com|disse\s+(?:à|ao)|"
    r"informou|по\s+данным|по\s+информации|сообщает|сообщило|передает|передаёт|заявил|заявила|"
    r"сообщил|сообщила|据|據|援引|告诉|告訴"
)
_FILLER = r"(?:the|l['’]|la|el|die|der|dem|das|a|o|agencia|agência|agence|агентству|агентства|агентство)"
_PRE_CUE = regex.compile(
    rf"(?i)(?:^|[^\w])(?:{_PRE_CUE_WORDS})[\s,:]*(?:{_FILLER}\s*)?"
    r"(?:(?!(?:that|which|who|when|and|but|que|dass)\b)[\w'’.-]+\s+){0,3}$"
)
_PRE_CUE_TIGHT = regex.compile(
    rf"(?i)(?:^|[^\w])(?:{_PRE_CUE_WORDS})[\s,:]*(?:{_FILLER}\s*)?$"
)
_POST_CUE_WORDS = (
    r"reported|reports|said|says|quoted|cited|learned|has\s+learned|reporting|"
    r"informó|reportó|informa|indicó|señaló|berichtete|berichtet|meldete|meldet|"
    r"a\s+rapporté|rapporte|a\s+indiqué|indique|rapportait|noticiou|informou|divulgou|reportou|"
    r"сообщает|сообщило|сообщил|передает|передаёт|пишет"
)
_POST_CUE = regex.compile(
    r"^(?:\s*\([^)\n]{1,20}\))?(?:['’]s?)?\s*"
    r"(?:(?i:news\s+agency|agency|state\s+media|wire\s+service|correspondents?|reporters?|report)\s*)?"
    r"(?:,\s*[^,\n]{1,60},\s*)?"
    rf"(?:(?i:{_POST_CUE_WORDS})\b|(?i:news\s+agency)\b|"
    r"报道|報道|报导|消息|称|稱|によると|が報じた|報じた|は伝えた|보도했다|전했다|에\s*따르면|"
    r"के\s+अनुसार|ने\s+बताया|की\s+रिपोर्ट)"
)
#: What people do rather than agencies: after an ambiguous name that is not all capitals (a surname or a
#: first name as well: Bloomberg, Petra), these verbs make no citation.
_SAID_POST = regex.compile(r"^(?:['’]s?)?\s*(?i:said|says|sagte|sagt|dijo|dice|disse|diz)\b")
_POST_CUE_TIGHT = regex.compile(
    r"^(?:['’]s?)?\s*"
    rf"(?:(?i:{_POST_CUE_WORDS})\b|(?i:news\s+agency)\b|"
    r"报道|報道|によると|보도했다|전했다|에\s*따르면|के\s+अनुसार|ने\s+बताया)"
)

_CONTRIBUTED_POST = regex.compile(
    r"^(?:['’]s?)?\s*(?:(?i:writers?|reporters?|correspondents?|staff)\b[^.\n]{0,80}?\s+)?(?i:(?:also\s+)?contributed)\b"
    r"(?:\s+(?i:reporting|to\s+(?:this|the)\s+(?:report|story|article))\b|(?=\s*(?:[.)\]]|$)))\.?"
)
_INPUTS_POST = regex.compile(r"^\s+(?i:inputs?)\b")
_WITH_PRE = regex.compile(r"(?i)(?:^|[(\[])\s*with\s+(?:the\s+)?$")
_USED_POST = regex.compile(r"^\s+(?i:(?:was|were)\s+used\s+in\s+(?:this|the)\s+(?:report|story|article))\.?")
_MATERIAL_PRE = regex.compile(r"(?i)(?:^|[\s(\[])(?:material|information|reporting)\s+from\s+(?:the\s+)?$")

_NP_STOP = (
    r"as|that|who|which|on|in|at|said|saying|says|and|to|for|earlier|late|last|this|"
    r"while|after|before|over|about|amid"
)
_QUOTING = regex.compile(
    r"[^.\n;]{0,60}?(?:(?<![\w])(?:quoting|citing|cited|quoted)|citando|en\s+citant|citant|"
    r"unter\s+Berufung\s+auf|ссылаясь\s+на|援引)\s+"
    r"(?P<np>[^\s.,;:\"“”()\n]+(?:\s+[^\s.,;:\"“”()\n]+){0,6}?)"
    rf"(?=\s*(?:[.,;:\"“”()\n]|$)|\s+(?:{_NP_STOP})\b)"
)


_NOT_PLACE = frozenset(
    ["in", "at", "on", "the", "a", "an", "for", "from", "with", "by", "as", "to", "of", "and", "but", "if", "when", "after", "before", "during", "en", "el", "la", "los", "las", "le", "les", "à", "au", "dans", "im", "der", "die", "das", "am"]
)


def _dateline_like(loc: str, *, strict: bool = False) -> bool:
    """Does ``loc`` look like the place-and-date head of a dateline?

    ``strict`` (for ambiguous aliases) wants a date or an all-caps place.
    """
    loc = loc.strip().rstrip(",").rstrip(".").strip()
    if not loc or len(loc) > 60:
        return False
    first = loc.split()[0].casefold()
    if first in _NOT_PLACE:
        return False
    if _SENT_BREAK.search(loc) or '"' in loc or "“" in loc:
        return False
    words = _WORD.findall(loc)
    if not words or len(words) > 8:
        return False
    if not (loc[0].isupper() or not loc[0].isascii() or loc[0].isdigit()):
        return False
    if _DIGIT.search(loc):
        return True
    if strict:
        letters = [ch for ch in loc if ch.isalpha()]
        return bool(letters) and all(ch.isupper() or not ch.isascii() for ch in letters)
    # "LONDON", "New Delhi", "Rio de Janeiro": capitalised words, few lowercase particles.
    lower = [w for w in words if w[0].islower()]
    return len(lower) <= 1 and all(len(w) <= 3 for w in lower) and len(words) <= 4


#: How far around an agency name the credit rules look (characters, within its line). Every
#: rule reads a few words beside the name (a byline prefix, a dateline of at most 8 words, a
#: reporting cue), so this changes nothing for real paragraphs; without it a text of one long
#: line (a 1 MB live blog) made every occurrence copy and regex-search the whole line so far:
#: 40k characters took 4.1 s and 1 MB minutes (quadratic).
_CONTEXT = 1000


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    """The line around ``pos``, cut to ``_CONTEXT`` characters on each side."""
    lo, hi = max(0, pos - _CONTEXT), min(len(text), pos + _CONTEXT)
    nl = text.rfind("\n", lo, pos)
    e = text.find("\n", pos, hi)
    return (nl + 1 if nl >= 0 else lo), (hi if e < 0 else e)


def _classify(
    text: str,
    start: int,
    end: int,
    *,
    ambiguous: bool,
    byline_field: bool,
    hints: tuple[bool, bool, bool, bool, bool] = _NO_HINTS,
) -> tuple[str, int, int] | None:
    """Role and span of the alias occurrence ``text[start:end]``, or None if no credit.

    ``hints`` (photo, cue, source, inputs, dash) False say that rule cannot match the
    line before the occurrence (:meth:`_Scanner.hints`), so its search is skipped.
    """
    photo_ok, cue_ok, source_ok, inputs_ok, dash_ok = hints
    ls, le = _line_bounds(text, start)
    pre = text[ls:start]
    post = text[end:le]
    # TASS-style "Москва, 16 октября. /ТАСС/."
    if pre.endswith("/") and post.startswith("/") and _dateline_like(pre[:-1], strict=ambiguous):
        off = len(pre) - len(pre.lstrip())
        return ("dateline", ls + off, end + 1)
    if (cr := _COPYRIGHT_PRE.search(pre)) and not _PHOTO_PRE.search(pre[: cr.start()]) and not _PHOTO_POST.match(post):
        return ("copyright", ls + cr.start(), end)
    if (photo_ok and _PHOTO_PRE.search(pre)) or _PHOTO_POST.match(post):
        return None
    if byline_field:
        if ambiguous and (_NAME_NEXT.match(post) or _NAME_BEFORE.search(pre)):
            return None  # part of a name: "Petra Ruland", "INTERIA PL"
        return ("byline", start, end)
    # Datelines: "SEOUL, Oct 16 (Yonhap) --", "LONDON (Reuters) -", "(Reuters) -".
    if pre.rstrip(_WS).endswith("(") and _PAREN_POST.match(post):  # _PAREN_PRE.search(pre)
        loc = _PAREN_PRE.sub("", pre)
        close = end + post.index(")") + 1
        dash = _PAREN_DASH_POST.match(post)
        span_end = end + dash.end() if dash else close
        if loc.strip() and _dateline_like(loc, strict=ambiguous and not dash):
            return ("dateline", ls + (len(loc) - len(loc.lstrip())), span_end)
        if not loc.strip() and dash:
            return ("dateline", ls + len(pre) - len(pre.lstrip()), span_end)
        if _PAREN_SENT_PRE.search(pre) or (
            _PAREN_END_POST.match(post) and not (ambiguous and _PAREN_AFTER_NAME.search(pre))
        ):  # "Jair Bolsonaro (PL)." is his party, not a Prensa Latina sign-off
            return ("byline", start - (len(pre) - pre.rfind("(")), close)
    if ("电" in post[:25] or "電" in post[:25]) and _CJK_DATELINE_POST.match(post) and not pre.strip():
        m = _CJK_DATELINE_POST.match(post)
        return ("dateline", start, end + m.end())
    # A contribution note credits the agency with part of the text, as "With inputs from PTI" does: "The
    # Associated Press contributed to this report", "Reuters writer ... contributed", "Material from Reuters
    # was used in this report".
    if (m := _INPUTS_POST.match(post)) and (w := _WITH_PRE.search(pre)):  # "(With PTI inputs)"
        return ("inputs", _opening(ls, w), end + m.end())
    if m := _CONTRIBUTED_POST.match(post):
        return ("inputs", start, end + m.end())
    if (m := _USED_POST.match(post)) and (w := _MATERIAL_PRE.search(pre)):
        return ("inputs", _opening(ls, w), end + m.end())
    # A reporting cue next to the name makes it a citation ("Reuters reported", "told Reuters").
    post_cue = (_POST_CUE_TIGHT if ambiguous else _POST_CUE).match(post)
    if post_cue and ambiguous and not text[start:end].isupper() and _SAID_POST.match(post):
        post_cue = None  # "Bloomberg said", "Petra said": a person speaks; an agency reports
    pre_cue = (_PRE_CUE_TIGHT if ambiguous else _PRE_CUE).search(pre) if cue_ok else None
    # Byline positions.
    if (m := _BYLINE_PRE.search(pre)) and not post_cue:
        if ambiguous and _NAME_NEXT.match(post):
            return None  # "By Tasnim Ahmed", "By Petra Ruland": a reporter's name
        return ("byline", ls + m.start() + (len(m.group()) - len(m.group().lstrip())), end)
    if not pre.strip() and _QUOTE_POST.match(post):  # 'Reuters: "Talks stalled"' says what Reuters reported
        return ("cited", start, end)
    if not pre.strip() and not post_cue and (_LINE_START_POST.match(post) or (not ambiguous and _PLACE_LINE_POST.match(post))):
        return ("byline", start, end)
    if dash_ok and _DASH_PRE.search(pre) and _END_POST.match(post):
        m = _DASH_PRE.search(pre)
        return ("byline", ls + m.start() + (1 if m.group()[0] not in "-–—~" else 0), end)
    if source_ok and (m := _SOURCE_PRE.search(pre)):
        return ("byline", _opening(ls, m), end)
    if inputs_ok and ((m := _INPUTS_PRE.search(pre)) or (m := _INPUTS_INTL_PRE.search(pre))
                      or (_NOTE_END_POST.match(post) and (m := _WITH_NOTE_PRE.search(pre)))):
        return ("inputs", _opening(ls, m, " ([\t—–-"), end)
    if post_cue or pre_cue:
        s = start
        if pre_cue:
            g = pre_cue.group()
            s = ls + pre_cue.start() + (len(g) - len(g.lstrip(" ,.;:([\t\"“")) if g else 0)
            if g and not g[0].isalnum() and pre_cue.start() == len(pre) - len(g):
                s = max(s, ls + pre_cue.start() + 1)
        e = end + post_cue.end() if post_cue else end
        return ("cited", s, e)
    return None


def _opening(ls: int, m: regex.Match[str], lead: str = " ([\t") -> int:
    """Where a credit note matched by ``m`` in the line starting at ``ls`` begins: after the space,
    bracket or dash it was matched from."""
    return ls + m.start() + len(m.group()) - len(m.group().lstrip(lead))


_THE = regex.compile(r"(?i)the\s+")


def _strip_np(np_text: str) -> tuple[str, int]:
    """Drop a leading "the " from a quoted source; returns (text, chars dropped)."""
    m = _THE.match(np_text)
    return (np_text[m.end():], m.end()) if m else (np_text, 0)


def find_credits(text: str | None, *, field: str, registry: Registry, byline_field: bool = False) -> list[Credit]:
    """Credits found in one text field, in order of position.

    ``byline_field`` marks text from a byline field, where any agency alias
    is a byline credit. Disclaimers are not detected here (see :func:`credits`).
    """
    if not text:
        return []
    sc = registry.scanner
    possible = sc.candidates(pl.Series([text], dtype=pl.String))[0][0]
    found = sc.matches(text, possible) if possible else []
    hints = sc.hints([_line_before(text, m[0]) for m in found])
    return _credits_in(text, found, hints, field=field, registry=registry, byline_field=byline_field)


def _line_before(text: str, pos: int) -> str:
    return text[_line_bounds(text, pos)[0] : pos]


def _credits_in(
    text: str,
    alias_matches: list[tuple[int, int, str]],
    hints: list[tuple[bool, bool, bool, bool, bool]],
    *,
    field: str,
    registry: Registry,
    byline_field: bool,
) -> list[Credit]:
    """Credits of ``text`` given the matches of ``registry.pattern`` in it and their hints."""
    out: list[Credit] = []
    claimed_until = -1  # an upstream named after "quoting"/"citing" is already credited
    for (m_start, m_end, m_text), h in zip(alias_matches, hints, strict=True):
        if m_start < claimed_until:
            continue
        hit = registry.scanner.lookup(m_text, registry)
        if hit is None:  # pragma: no cover - every alternative is an alias
            continue
        name, ambiguous = hit
        got = _classify(text, m_start, m_end, ambiguous=ambiguous, byline_field=byline_field, hints=h)
        if got is None:
            continue
        role, s, e = got
        out.append(Credit(name, "agency", role, field, s, e, text[s:e]))
        if role == "cited":
            q = _QUOTING.match(text, m_end, min(len(text), m_end + 200))
            if q:
                np_text, drop = _strip_np(q.group("np"))
                ns = q.start("np") + drop
                upstream = registry.canonical(np_text)
                if upstream != name:
                    claimed_until = q.end("np")
                    out.append(
                        Credit(
                            upstream or np_text,
                            "agency" if upstream else "external",
                            "cited",
                            field,
                            ns,
                            q.end("np"),
                            text[ns : q.end("np")],
                            cited_via=name,
                        )
                    )
    return _merge_overlaps(out, text) if out else out


def _merge_overlaps(cs: list[Credit], text: str) -> list[Credit]:
    """One credit per (source, role) where their spans overlap or nearly touch."""
    if len(cs) < 2:
        return cs
    cs = sorted(cs, key=lambda c: (c.span_start, c.span_end))
    out: list[Credit] = []
    for c in cs:
        for i in range(len(out) - 1, max(-1, len(out) - 4), -1):
            o = out[i]
            if (
                o.source == c.source
                and o.role == c.role
                and o.cited_via == c.cited_via
                and c.span_start <= o.span_end + 3
            ):
                s, e = o.span_start, max(o.span_end, c.span_end)
                out[i] = Credit(o.source, o.kind, o.role, o.field, s, e, text[s:e], o.cited_via)
                break
        else:
            out.append(c)
    return out


def credit_input(articles: pl.DataFrame) -> pl.DataFrame:
    """The part of ``articles`` :func:`credits` reads: id, outlet, byline and the field it scans (``text``
    is nulled where ``raw_text`` stands for it). Same credits, and half the bytes to ship to a worker."""
    has_raw = pl.col("raw_text").is_not_null() & (pl.col("raw_text") != "") if "raw_text" in articles.columns \
        else pl.lit(False)
    return articles.select(
        "article_id",
        *(c for c in ("outlet", "byline", "raw_text") if c in articles.columns),
        *((pl.when(has_raw).then(pl.lit(None, dtype=pl.String)).otherwise("text").alias("text"),)
          if "text" in articles.columns else ()),
    )


def credits(articles: pl.DataFrame, *, registry: Registry) -> pl.DataFrame:
    """Credits of every article (schema :data:`provenance.schemas.CREDITS`).

    Reads ``byline`` (any agency named there is a byline credit) and
    ``raw_text`` (or ``text`` when ``raw_text`` is null): bylines, datelines,
    citations, republication notices and disclaimers, each with its span in
    that field. An article may yield several rows for one source (byline
    field and page slug). A notice naming the article's own ``outlet`` is no
    credit ("Originally published on Live Science" on livescience.com).
    """
    if articles.height == 0:
        return schemas.empty(schemas.CREDITS)
    sc = registry.scanner
    str_or_null = {c: (pl.col(c) if c in articles.columns else pl.lit(None, dtype=pl.String)).alias(c)
                   for c in ("outlet", "byline", "text", "raw_text")}
    has_raw = str_or_null["raw_text"].is_not_null() & (str_or_null["raw_text"] != "")
    df = articles.select(
        "article_id",
        str_or_null["outlet"],
        str_or_null["byline"],
        pl.when(has_raw).then(str_or_null["raw_text"]).otherwise(str_or_null["text"]).alias("body"),
        pl.when(has_raw).then(pl.lit("raw_text")).otherwise(pl.lit("text")).alias("body_field"),
    )
    by_possible, _ = sc.candidates(df["byline"])
    body_possible, body_disc = sc.candidates(df["body"], disclaimers=True)
    todo = [i for i, (a, b, d) in enumerate(zip(by_possible, body_possible, body_disc, strict=True)) if a or b or d]
    rows: list[tuple[Any, ...]] = []
    if todo:
        sub = df[todo]
        # Alias occurrences of every field first, then the context hints of all at once.
        work = []
        pres: list[str] = []
        for i, article_id, byline, body, body_field in zip(
            todo, sub["article_id"], sub["byline"], sub["body"], sub["body_field"], strict=True
        ):
            by_m = sc.matches(byline, by_possible[i]) if byline and by_possible[i] else []
            body_m = sc.matches(body, body_possible[i]) if body and body_possible[i] else []
            pres.extend(_line_before(byline, m[0]) for m in by_m)
            pres.extend(_line_before(body, m[0]) for m in body_m)
            work.append((i, article_id, byline, body, body_field, by_m, body_m))
        hints = sc.hints(pres)
        h0 = 0
        for i, article_id, byline, body, body_field, by_m, body_m in work:
            h1 = h0 + len(by_m)
            h2 = h1 + len(body_m)
            found = (
                _credits_in(byline, by_m, hints[h0:h1], field="byline", registry=registry, byline_field=True)
                if by_m else []
            )
            if body_m:
                found += _credits_in(body, body_m, hints[h1:h2], field=body_field, registry=registry,
                                     byline_field=False)
            h0 = h2
            rows.extend(
                (article_id, c.source, c.kind, c.role, c.field, c.span_start, c.span_end, c.span_text, c.cited_via)
                for c in found
            )
            spans = sc.disclaimer_spans(body or "", body_disc[i])
            if spans:
                byline_agency = next(
                    (c.source for c in found if c.role in CREDIT_ROLES and c.kind == "agency"), None
                )
                source, kind = (byline_agency, "agency") if byline_agency else (GENERIC_FEED, "external")
                rows.extend(
                    (article_id, source, kind, "disclaimer", body_field, s, e, body[s:e], None) for s, e in spans
                )
    rows.extend(_republication_credits(df, registry))
    if "canonical_url" in articles.columns:
        rows.extend(_canonical_credits(articles, registry))
    if not rows:
        return schemas.empty(schemas.CREDITS)
    columns = zip(*rows, strict=True)
    return pl.DataFrame(dict(zip(schemas.CREDITS.names(), columns, strict=True)), schema=schemas.CREDITS)


def _republication_credits(df: pl.DataFrame, registry: Registry) -> list[tuple[Any, ...]]:
    """Credit rows of republication notices (:mod:`provenance.trace.republished`) in ``df``'s
    ``body`` (article_id, outlet, body, body_field), for the texts the cheap prefilter lets through."""
    rows: list[tuple[Any, ...]] = []
    maybe = df.filter(republished.has_notice(df["body"]))
    for article_id, outlet, body, body_field in maybe.select("article_id", "outlet", "body", "body_field").iter_rows():
        for nt in republished.notices(body):
            agency = registry.canonical(nt.name) or registry.canonical(regex.sub(r"(?i)^the\s+", "", nt.name))
            if republished.names_outlet(nt.name, outlet) or (agency and agency == registry.agency_of_outlet(outlet)):
                continue  # the page's own site
            rows.append((article_id, agency or nt.name, "agency" if agency else "outlet", "republished", body_field,
                         nt.start, nt.end, body[nt.start:nt.end], None))
    return rows


def _canonical_credits(articles: pl.DataFrame, registry: Registry) -> list[tuple[Any, ...]]:
    """Credit rows of canonical links naming another site than the article's own.

    A syndicated copy points its canonical link at the original (so search engines credit the
    original): MSN's page of a CNN story, a Tucson paper's page of an AP story. That is the page saying
    where its text came from, as "This article is republished from ..." says it in words. The source is
    the agency whose site it is, else the host as an outlet. A link to the article's own site
    (:func:`provenance.ingest.pages.same_site`: ``amp.``, ``m.``, another suffix) says nothing.
    """
    from provenance.extract.clean import host_expr
    from provenance.ingest.pages import same_site, url_host

    rows: list[tuple[Any, ...]] = []
    # Most links name the page's own host (a crawl's fetched URL differs from its canonical link by its
    # query): those are set aside as a column, and only the rest is looked at row by row.
    other_host = (host_expr(pl.col("canonical_url")) != host_expr(pl.col("url"))).fill_null(True)
    have = articles.filter(pl.col("canonical_url").is_not_null() & other_host)
    for article_id, url, outlet, canonical in have.select("article_id", "url", "outlet", "canonical_url").iter_rows():
        to = url_host(canonical)
        own = [h for h in (url_host(url), (outlet or "").lower().removeprefix("www.") or None) if h]
        if not to or not own or any(same_site(to, h) for h in own):
            continue
        agency = registry.agency_of_outlet(to)
        if agency and agency == registry.agency_of_outlet(own[0]):
            continue
        rows.append((article_id, agency or to, "agency" if agency else "outlet", "republished", "canonical_url",
                     0, len(canonical), canonical, None))
    return rows


def agency_copies(articles: pl.DataFrame, credits: pl.DataFrame, registry: Registry) -> pl.Series:
    """``article_id`` of the ``articles`` (article_id, outlet) whose text is agency copy: published on
    an agency's own site (the registry's names, domains and declared sites), or crediting an agency
    with the text (byline, dateline, copyright) or carrying an agency-feed disclaimer. A citation
    ("Reuters reported") does not make a text agency copy: it quotes the agency inside its own story.

    Why: the rewrite decision (:mod:`provenance.detect.sourced`) is calibrated on stories written from
    agency copy; between two outlets' own stories it asks more (see there).
    """
    if articles.height == 0:
        return pl.Series("article_id", [], dtype=pl.String)
    outlets = articles["outlet"].drop_nulls().unique().to_list()
    agency_sites = [o for o in outlets if registry.agency_identity(o) is not None]
    credited = credits.filter(
        ((pl.col("kind") == "agency") & pl.col("role").is_in(CREDIT_ROLES)) | (pl.col("role") == "disclaimer")
    )["article_id"]
    return articles.filter(
        pl.col("outlet").is_in(agency_sites) | pl.col("article_id").is_in(credited.implode())
    )["article_id"].unique()
