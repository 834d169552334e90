"""Realistic mode: rendering a plan into titles, bylines, texts and credits with the grammar and the copy operations."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from provenance.tools.synth.events import _Event, _new_event
from provenance.tools.synth.frames import DISCLAIMERS
from provenance.tools.synth.grammar import _cite_phrase, _compose, _dateline, _Doc
from provenance.tools.synth.ops import (
    _op_edit,
    _op_headline,
    _op_independent,
    _op_intro,
    _op_partial,
    _op_rewrite,
    _op_trim,
)
from provenance.tools.synth.outlets import (
    AGENCIES,
    _Agency,
    _local,
    _outlets,
    _pub_name,
    _pub_tz,
    _staff_byline,
)
from provenance.tools.synth.plan import K_DOM, K_EXT, K_FOR, K_IND, K_OUT, _Options, _Plan
from provenance.tools.synth.schema import (
    C_BYLINE,
    C_CITED,
    C_DISCLAIMER,
    C_NONE,
    C_SLUG,
    R_EDITED,
    R_HEADLINE,
    R_INTRO,
    R_PARTIAL,
    R_REWRITE,
    R_TRIMMED,
    R_VERBATIM,
)
from provenance.tools.synth.vocab import _NAMES


@dataclass
class _Rendered:
    title: list[str]
    byline: list[str | None]
    text: list[str]
    credited: list[str | None]
    style: list[str]
    slugs: list[str]  # url slug words


def _slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:10]) or "story"


def _render_realistic(plan: _Plan, o: _Options, r: random.Random, story_offset: int) -> _Rendered:
    A = len(AGENCIES)
    n_out = o.n_outlets
    outlets = _outlets(n_out)
    docs: list[_Doc | None] = [None] * plan.n
    events: dict[int, _Event] = {}
    root_quotes: dict[int, list[int]] = {}
    out = _Rendered([], [], [], [], [], [])
    for i in range(plan.n):
        pub, rel, s, kind = (
            int(plan.pub[i]),
            int(plan.rel[i]),
            int(plan.story[i]),
            int(plan.kind[i]),
        )
        local = _local(plan.time[i], _pub_tz(pub, n_out))
        if pub < A:
            ag: _Agency | None = AGENCIES[pub]
            ot = None
            dl_fmt, dl_slug = ag.dateline, (ag.name if ag.slug else None)
        else:
            ag, ot = None, outlets[pub - A]
            dl_fmt, dl_slug = ot.dateline, None
        ext_name = AGENCIES[int(plan.ext[i])].name if plan.ext[i] >= 0 else None
        cred_pub = int(plan.credited[i])
        device = int(plan.device[i])
        if plan.pos[i] == 0:
            if kind == K_IND:
                ev = events[int(plan.event[i])]
                doc = _op_independent(
                    ev, r, _dateline(dl_fmt, ev, local, dl_slug), root_quotes[int(plan.event[i])]
                )
            else:
                if kind == K_DOM:
                    region = "india"
                elif kind == K_FOR:
                    region = AGENCIES[pub].region
                elif kind == K_EXT:
                    region = AGENCIES[int(plan.ext[i])].region
                else:
                    region = r.choice(("india", "india", "india", "world"))
                ev = _new_event(r, story_offset + s, region, local)
                events[s] = ev
                qs = r.sample(range(4), r.randint(3, 4))
                root_quotes[s] = qs
                cite = _cite_phrase(ext_name, ev, r, True) if kind == K_EXT and ext_name else None
                doc = _compose(
                    ev,
                    r,
                    _dateline(dl_fmt, ev, local, dl_slug),
                    quotes=qs,
                    n_body=r.randint(9, 11),
                    cite=cite,
                )
        else:
            parent = docs[int(plan.parent[i])]
            assert parent is not None
            ev = parent.event
            cite_src = _pub_name(cred_pub, n_out) if (device == C_CITED and cred_pub >= 0) else None
            if rel == R_VERBATIM:
                doc = _Doc(parent.title, parent.title_ti, parent.paras, ev)
            elif rel == R_TRIMMED:
                doc = _op_trim(parent, r)
            elif rel == R_HEADLINE:
                doc = _op_headline(parent, r)
            elif rel == R_INTRO:
                doc = _op_intro(parent, r)
            elif rel == R_EDITED:
                doc = _op_edit(parent, r, strip_slug=device == C_NONE)
            elif rel == R_PARTIAL:
                doc = _op_partial(parent, r, dl_fmt, local, cite_src)
            elif rel == R_REWRITE:
                cite = _cite_phrase(cite_src, ev, r, cred_pub < A) if cite_src else None
                doc = _op_rewrite(parent, r, _dateline(dl_fmt, ev, local, dl_slug), cite)
            else:  # pragma: no cover - the plan has no other copy relation
                raise AssertionError(rel)
        docs[i] = doc

        # credits and decorations
        deco: list[str] = []
        byline: str | None
        wire = _pub_name(cred_pub, n_out) if cred_pub >= 0 else None
        has_byline = has_slug = has_disc = has_cited = False
        if ag is not None:
            byline = ag.name
            has_cited = device == C_CITED
        else:
            assert ot is not None
            oi = pub - A
            byline = _staff_byline(r, ot)
            if plan.pos[i] == 0:
                if r.random() < 0.6:
                    first, last = (x.split() for x in _NAMES["indian"])
                    byline = r.choice(
                        (f"By {r.choice(first)} {r.choice(last)}", f"{ot.name} Bureau")
                    )
            elif wire is not None:
                wire_is_agency = cred_pub < A
                inherent = any(
                    x.frame == "DATELINE" and x.slug == wire for p in doc.paras[:2] for x in p
                )
                if device == C_BYLINE:
                    byline = (f"By {wire}", wire)[oi % 2]
                    has_byline = True
                    if ot.disclaimer_with_byline and wire_is_agency:
                        deco.append(DISCLAIMERS[oi % len(DISCLAIMERS)].format(outlet=ot.name))
                        has_disc = True
                elif device == C_SLUG:
                    if not inherent:
                        deco.append(("--{w}", "({w})", "— {w}")[oi % 3].format(w=wire))
                    has_slug = True
                elif device == C_DISCLAIMER:
                    deco.append(DISCLAIMERS[oi % len(DISCLAIMERS)].format(outlet=ot.name))
                    has_disc = True
                elif device == C_CITED:
                    has_cited = True
                has_slug = has_slug or inherent
            else:
                # uncredited copies of a wire whose dateline carries a slug still credit it
                root_pub = int(plan.pub[i - int(plan.pos[i])])
                if root_pub < A and kind != K_OUT:
                    wire_guess = None
                    for p in doc.paras[:2]:
                        for x in p:
                            if x.frame == "DATELINE" and x.slug:
                                wire_guess = x.slug
                    if wire_guess:
                        wire, has_slug = wire_guess, True
        if has_byline:
            style = "byline"
        elif has_slug:
            style = "slug"
        elif has_disc:
            style = "disclaimer"
        elif has_cited:
            style = "cited"
        else:
            style = "none"
        credited = None if style == "none" else wire
        text = doc.core()
        if deco:
            text = text + "\n\n" + "\n\n".join(deco)
        out.title.append(doc.title)
        out.byline.append(byline)
        out.text.append(text)
        out.credited.append(credited)
        out.style.append(style)
        out.slugs.append(_slugify(doc.title))
    return out
