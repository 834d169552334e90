"""Attribution: what an article itself says about where its text came from.

This module owns the registry of news agencies (``agencies.toml`` plus any
user file) and the detection of credits in article text: bylines and slugs
("By IANS", "IANS |", "(IANS)", "— PTI", "Source: ANI", "With inputs from
PTI"), datelines ("SEOUL, Oct 16 (Yonhap) --", "LONDON (Reuters) -"),
citations of an upstream ("Yonhap news agency reported", "according to
Xinhua", "told Reuters") including who an agency itself quoted ("... reported
quoting Ukrainian media outlets" gives the external source "Ukrainian media
outlets" cited via Yonhap), and auto-publication disclaimers (patterns from
:mod:`provenance.boilerplate`).

Why it is separate from lineage: credits are facts read off one article, with
character spans as evidence; lineage weighs them against text reuse and time.

Detection is occurrence-first: every alias occurrence is found with one regex,
then its context decides the role (or that it is no credit at all). Short or
ambiguous aliases ("AP", "PA", "CP") only count in a credit position, so "the
PA system", "APPLE" or "Ani" never credit an agency, and "told Reuters" is a
citation, not a byline.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import regex

from provenance import boilerplate, schemas

__all__ = [
    "Agency",
    "Credit",
    "Registry",
    "load_registry",
    "find_credits",
    "credits",
    "GENERIC_FEED",
]

#: Source name for a disclaimer when the article names no agency.
GENERIC_FEED = "agency feed"


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
        """The agency an outlet *is* (``"IANS"``, ``"ianslive.in"``, ``"www.ptinews.com"``), or None.

        Outlet names equal to an agency alias count, and so do web domains
        listed for the agency (with any subdomain).
        """
        if not outlet:
            return None
        name = self.canonical(outlet)
        if name:
            return name
        host = outlet.strip().lower()
        host = regex.sub(r"^[a-z]+://", "", host).split("/")[0]
        for dom, ag in self._domain_index:
            if host == dom or host.endswith("." + dom):
                return ag
        return None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(a.name for a in self.agencies)


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


def load_registry(extra: Path | None = None) -> Registry:
    """The built-in agency registry, extended by ``extra`` (TOML or YAML) when given.

    ``extra`` holds a list ``agency`` of tables with the keys of
    ``agencies.toml``; an entry whose name exists adds to it, a new name adds an agency.
    """
    text = resources.files("provenance").joinpath("agencies.toml").read_text(encoding="utf-8")
    agencies: dict[str, Agency] = {}
    for d in tomllib.loads(text)["agency"]:
        a = _agency_from_mapping(d)
        agencies[a.name] = a
    if extra is not None:
        for d in _read_entries(Path(extra)):
            a = _agency_from_mapping(d)
            agencies[a.name] = _merge(agencies[a.name], a) if a.name in agencies else a
    return Registry(tuple(agencies.values()))


# --------------------------------------------------------------------------
# Credit detection
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    source: str
    kind: str  # agency | external
    role: str  # byline | dateline | cited | disclaimer
    field: str
    span_start: int
    span_end: int
    span_text: str
    cited_via: str | None = None


_PHOTO_PRE = regex.compile(
    r"(?i)(?:photo|photos|image|images|picture|pic|file\s+photo|graphic|video|illustration|"
    r"credit|foto|imagen|bild|фото)\s*(?:credits?)?\s*[:|/-]?\s*(?:[^\n/:]{0,40}/\s*)?$"
)
_PHOTO_POST = regex.compile(r"^\s*(?:/|(?i:photo|pool\s+photo|via\s+getty|images|video|tv\b|graphic))")

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
_DASH_PRE = regex.compile(r"(?:^|[\s.!?\"”'])(?:[-–—]{1,3}|~)\s*$")
_END_POST = regex.compile(r"^\s*[.)]?\s*$")
_SOURCE_PRE = regex.compile(
    r"(?i)(?:^|[\s(\[])(?:source|sources|courtesy|quelle|fuente|fonte|источник|स्रोत|来源|출처)\s*[:：]\s*"
    r"(?:[^\n:]{0,60}?(?:,|\band\b|&|/|\+)\s*)?$"
)
_INPUTS_PRE = regex.compile(
    r"(?i)(?:^|[\s(\[])(?:with\s+)?(?:additional\s+)?inputs?\s+from\s+(?:the\s+)?"
    r"(?:[^\n]{0,60}?(?:,|\band\b|&)\s*(?:the\s+)?)?$"
)
_PAREN_PRE = regex.compile(r"\(\s*$")
_PAREN_POST = regex.compile(r"^\s*\)")
_PAREN_DASH_POST = regex.compile(r"^\s*\)\s*(?:[-–—]{1,3}|\.-|:)")
_PAREN_END_POST = regex.compile(r"^\s*\)\s*[.:;,]?\s*$")
_PAREN_SENT_PRE = regex.compile(r"(?:^|[.!?\"”’]\s*)\(\s*$")
_CJK_DATELINE_POST = regex.compile(r"^[^\n，。,.]{0,24}?[电電]")

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
_POST_CUE_TIGHT = regex.compile(
    r"^(?:['’]s?)?\s*"
    rf"(?:(?i:{_POST_CUE_WORDS})\b|(?i:news\s+agency)\b|"
    r"报道|報道|によると|보도했다|전했다|에\s*따르면|के\s+अनुसार|ने\s+बताया)"
)

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


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _classify(
    text: str, start: int, end: int, *, ambiguous: bool, byline_field: bool
) -> tuple[str, int, int] | None:
    """Role and span of the alias occurrence ``text[start:end]``, or None if no credit."""
    ls, le = _line_bounds(text, start)
    pre = text[ls:start]
    post = text[end:le]
    # TASS-style "Москва, 16 октября. /ТАСС/."
    if pre.endswith("/") and post.startswith("/") and _dateline_like(pre[:-1], strict=ambiguous):
        off = len(pre) - len(pre.lstrip())
        return ("dateline", ls + off, end + 1)
    if _PHOTO_PRE.search(pre) or _PHOTO_POST.match(post):
        return None
    if byline_field:
        return ("byline", start, end)
    # Datelines: "SEOUL, Oct 16 (Yonhap) --", "LONDON (Reuters) -", "(Reuters) -".
    if _PAREN_PRE.search(pre) and _PAREN_POST.match(post):
        loc = _PAREN_PRE.sub("", pre)
        close = end + post.index(")") + 1
        dash = _PAREN_DASH_POST.match(post)
        span_end = end + dash.end() if dash else close
        if loc.strip() and _dateline_like(loc, strict=ambiguous and not dash):
            return ("dateline", ls + (len(loc) - len(loc.lstrip())), span_end)
        if not loc.strip() and dash:
            return ("dateline", ls + len(pre) - len(pre.lstrip()), span_end)
        if _PAREN_END_POST.match(post) or _PAREN_SENT_PRE.search(pre):
            return ("byline", start - (len(pre) - pre.rfind("(")), close)
    if _CJK_DATELINE_POST.match(post) and not pre.strip():
        m = _CJK_DATELINE_POST.match(post)
        return ("dateline", start, end + m.end())
    # A reporting cue next to the name makes it a citation ("Reuters reported", "told Reuters").
    post_cue = (_POST_CUE_TIGHT if ambiguous else _POST_CUE).match(post)
    pre_cue = (_PRE_CUE_TIGHT if ambiguous else _PRE_CUE).search(pre)
    # Byline positions.
    if (m := _BYLINE_PRE.search(pre)) and not post_cue:
        return ("byline", ls + m.start() + (len(m.group()) - len(m.group().lstrip())), end)
    if not pre.strip() and not post_cue and _LINE_START_POST.match(post):
        return ("byline", start, end)
    if _DASH_PRE.search(pre) and _END_POST.match(post):
        m = _DASH_PRE.search(pre)
        return ("byline", ls + m.start() + (1 if m.group()[0] not in "-–—~" else 0), end)
    if m := _SOURCE_PRE.search(pre):
        return ("byline", ls + m.start() + (len(m.group()) - len(m.group().lstrip(" ([\t"))), end)
    if m := _INPUTS_PRE.search(pre):
        return ("byline", ls + m.start() + (len(m.group()) - len(m.group().lstrip(" ([\t"))), end)
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


def _strip_np(np_text: str) -> tuple[str, int]:
    """Drop a leading "the " from a quoted source; returns (text, chars dropped)."""
    m = regex.match(r"(?i)the\s+", np_text)
    return (np_text[m.end():], m.end()) if m else (np_text, 0)


def find_credits(text: str | None, *, field: str, registry: Registry, byline_field: bool = False) -> list[Credit]:
    """Credits found in one text field, in order of position.

    ``byline_field`` marks text from a byline field, where any agency alias
    is a byline credit. Disclaimers are not detected here (see :func:`credits`).
    """
    if not text:
        return []
    out: list[Credit] = []
    claimed_until = -1  # an upstream named after "quoting"/"citing" is already credited
    for m in registry.pattern.finditer(text):
        if m.start() < claimed_until:
            continue
        hit = registry.lookup(m.group())
        if hit is None:  # pragma: no cover - every alternative is an alias
            continue
        name, ambiguous = hit
        got = _classify(text, m.start(), m.end(), ambiguous=ambiguous, byline_field=byline_field)
        if got is None:
            continue
        role, s, e = got
        out.append(Credit(name, "agency", role, field, s, e, text[s:e]))
        if role == "cited":
            q = _QUOTING.match(text, m.end(), min(len(text), m.end() + 200))
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
    return _merge_overlaps(out, text)


def _merge_overlaps(cs: list[Credit], text: str) -> list[Credit]:
    """One credit per (source, role) where their spans overlap or nearly touch."""
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


def _article_credits(
    article_id: str, byline: str | None, text: str | None, raw_text: str | None, registry: Registry
) -> list[dict[str, Any]]:
    body_field, body = ("raw_text", raw_text) if raw_text else ("text", text)
    found = find_credits(byline, field="byline", registry=registry, byline_field=True)
    found += find_credits(body, field=body_field, registry=registry)
    rows: list[dict[str, Any]] = []
    sources = {"byline": byline or "", "raw_text": raw_text or "", "text": text or ""}
    for c in found:
        src_text = sources[c.field]
        rows.append({**c.__dict__, "span_text": src_text[c.span_start : c.span_end], "article_id": article_id})
    byline_agency = next((c.source for c in found if c.role in ("byline", "dateline") and c.kind == "agency"), None)
    for s, e in boilerplate.disclaimer_spans(body or ""):
        rows.append(
            {
                "article_id": article_id,
                "source": byline_agency or GENERIC_FEED,
                "kind": "agency" if byline_agency else "external",
                "role": "disclaimer",
                "field": body_field,
                "span_start": s,
                "span_end": e,
                "span_text": (body or "")[s:e],
                "cited_via": None,
            }
        )
    return rows


def credits(articles: pl.DataFrame, *, registry: Registry) -> pl.DataFrame:
    """Credits of every article (schema :data:`provenance.schemas.CREDITS`).

    Reads ``byline`` (any agency named there is a byline credit) and
    ``raw_text`` (or ``text`` when ``raw_text`` is null): bylines, datelines,
    citations and disclaimers, each with its span in that field. An article
    may yield several rows for one source (byline field and page slug).
    """
    cols = [c for c in ("article_id", "byline", "text", "raw_text") if c in articles.columns]
    rows: list[dict[str, Any]] = []
    for r in articles.select(cols).iter_rows(named=True):
        rows.extend(
            _article_credits(r["article_id"], r.get("byline"), r.get("text"), r.get("raw_text"), registry)
        )
    if not rows:
        return schemas.empty(schemas.CREDITS)
    return schemas.conform(pl.DataFrame(rows, infer_schema_length=None), schemas.CREDITS)
