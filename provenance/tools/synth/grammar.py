"""The grammar engine: sentences and documents from templates and event facts (headlines, datelines,
composition, paragraphs, citations, fact substitution for edits)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime

from provenance.tools.synth.events import _Event
from provenance.tools.synth.frames import _FRAMES, _SYN, _TITLES, _cap, _expand
from provenance.tools.synth.vocab import _MON, _MOND, _MONTHS


@dataclass
class _Sent:
    frame: str  # a _FRAMES key, "DATELINE", "TITLE" or "LIT"
    ti: int  # template index (-1 for literal text)
    key: int  # quote index for QUOTE sentences
    text: str
    cite: str | None = None  # ", X news agency reported" added to the sentence
    slug: str | None = None  # for DATELINE: the agency whose slug it carries
    ev: _Event | None = None  # the event whose facts it states (a partial copy mixes two)


@dataclass
class _Doc:
    title: str
    title_ti: int
    paras: list[list[_Sent]]
    event: _Event

    def core(self) -> str:
        return "\n\n".join(" ".join(s.text for s in p) for p in self.paras)


def _pick_template(frame: str, r: random.Random, avoid: set[int] | None) -> int:
    n = len(_FRAMES[frame])
    choices = [i for i in range(n) if not avoid or i not in avoid]
    return r.choice(choices) if choices else r.randrange(n)


def _render(
    ev: _Event, frame: str, ti: int, key: int, r: random.Random, cite: str | None = None
) -> _Sent:
    args = ev.args if frame not in ("QUOTE", "IQUOTE") else {**ev.args, **ev.quotes[key]}
    text = _cap(_expand(_FRAMES[frame][ti], args, r))
    if cite:
        text = text[:-1] + ", " + cite + "."
    ev.used.setdefault(frame, set()).add(ti)
    return _Sent(frame, ti, key, text, cite, None, ev)


def _title(ev: _Event, r: random.Random, avoid: set[int] | None = None) -> tuple[str, int]:
    choices = [i for i in range(len(_TITLES)) if not avoid or i not in avoid] or list(
        range(len(_TITLES))
    )
    ti = r.choice(choices)
    ev.title_used.add(ti)
    return _cap(_expand(_TITLES[ti], ev.args, r)), ti


def _dateline_text(fmt: str, ev: _Event, local: datetime) -> str:
    city = ev.args["PLACE"]
    return fmt.format(
        city=city,
        CITY=city.upper(),
        mon=_MON[local.month - 1],
        mond=_MOND[local.month - 1],
        month=_MONTHS[local.month - 1],
        d=local.day,
        country=ev.args["COUNTRY"].removeprefix("the "),
    )


def _dateline(fmt: str, ev: _Event, local: datetime, slug_agency: str | None) -> list[_Sent]:
    if not fmt:
        return []
    return [_Sent("DATELINE", -1, 0, _dateline_text(fmt, ev, local), None, slug_agency)]


_BODY_FRAMES = ("DETAIL", "REACTION", "CONTEXT", "HISTORY", "STAT", "BACKGROUND", "PLAN")


def _compose(
    ev: _Event,
    r: random.Random,
    dateline: list[_Sent],
    *,
    quotes: list[int],
    n_body: int,
    cite: str | None = None,
    avoid_used: bool = False,
    quote_frame: str = "QUOTE",
) -> _Doc:
    """An article about ``ev``: a lead, ``n_body`` body sentences, the given quotes."""
    body = list(_BODY_FRAMES) + r.sample(_BODY_FRAMES, 4)
    r.shuffle(body)
    body = body[:n_body]
    if "DETAIL" in body:  # the number comes early in news copy
        body.remove("DETAIL")
        body.insert(0, "DETAIL")
    seq: list[tuple[str, int]] = [("LEAD", 0)] + [(f, 0) for f in body]
    for j, qk in enumerate(quotes):
        seq.insert(min(len(seq), 2 + 2 * j), (quote_frame, qk))
    local_used: dict[str, set[int]] = {}
    sents: list[_Sent] = []
    for frame, key in seq:
        avoid = set(local_used.get(frame, set()))
        if avoid_used:
            avoid |= ev.used.get(frame, set())
            if len(avoid) >= len(_FRAMES[frame]) and frame != quote_frame:
                continue  # every wording of this sentence is taken: an independent report skips it
        ti = _pick_template(frame, r, avoid)
        local_used.setdefault(frame, set()).add(ti)
        c = cite if (len(sents) == 1 and cite) else None
        if c and frame in (
            "QUOTE",
            "IQUOTE",
        ):  # cite on the first non-quote sentence after the lead
            c = None
        sents.append(_render(ev, frame, ti, key, r, c))
    if cite and not any(s.cite for s in sents):
        s = sents[0]
        s.text, s.cite = s.text[:-1] + ", " + cite + ".", cite
    paras = _paragraphs(sents, r)
    if dateline:
        paras[0] = dateline + paras[0]
    title, tti = _title(ev, r, ev.title_used if avoid_used else None)
    return _Doc(title, tti, paras, ev)


def _paragraphs(sents: list[_Sent], r: random.Random) -> list[list[_Sent]]:
    """Group sentences into paragraphs: mostly one sentence, sometimes two (never two quotes)."""
    paras: list[list[_Sent]] = []
    i = 0
    while i < len(sents):
        if (
            i + 1 < len(sents)
            and r.random() < 0.3
            and sents[i].frame not in ("QUOTE", "IQUOTE")
            and sents[i + 1].frame not in ("QUOTE", "IQUOTE")
        ):
            paras.append([sents[i], sents[i + 1]])
            i += 2
        else:
            paras.append([sents[i]])
            i += 1
    return paras


def _cite_phrase(source: str, ev: _Event, r: random.Random, agency: bool) -> str:
    if agency:
        return r.choice(
            (
                f"{source} news agency reported",
                f"{source} news agency reported quoting {ev.args['MEDIA']}",
                f"{source} reported",
                f"{source} reported, citing {ev.args['MEDIA']}",
            )
        )
    return r.choice((f"{source} reported", f"according to {source}"))


_WORD = re.compile(r"[A-Za-z]+")


_FACT_KEYS = (
    "ORG1",
    "ORG2",
    "ORG3",
    "SUBJS",
    "ISSUE1",
    "ISSUE2",
    "ACTION",
    "TRIGGER",
    "MEDIA",
    "TOPICNOUN",
)


def _substitute(
    text: str, r: random.Random, k: int, facts: dict[str, str] | None = None
) -> tuple[str, int]:
    """Replace up to ``k`` words found in _SYN, outside quotations and event facts
    (names of organisations, programmes, issues). Returns (text, n_changed)."""
    spans = []
    quoted = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"', text)]
    low = text.lower()
    for key in _FACT_KEYS if facts else ():
        v = facts[key].lower()  # type: ignore[index]
        start = low.find(v)
        while start >= 0:
            quoted.append((start, start + len(v)))
            start = low.find(v, start + 1)
    for m in _WORD.finditer(text):
        if m.group(0).lower() in _SYN and not any(a <= m.start() < b for a, b in quoted):
            spans.append(m)
    if not spans:
        return text, 0
    chosen = sorted(r.sample(spans, min(k, len(spans))), key=lambda m: m.start())
    out, last = [], 0
    for m in chosen:
        w = m.group(0)
        rep = r.choice(_SYN[w.lower()])
        if w[0].isupper():
            rep = _cap(rep)
        out.append(text[last : m.start()])
        out.append(rep)
        last = m.end()
    out.append(text[last:])
    return "".join(out), len(chosen)
