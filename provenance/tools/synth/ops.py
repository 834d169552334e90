"""Realistic mode: the copy operations on documents (trim, headline, intro, edit, rewrite, partial, independent)."""

from __future__ import annotations

import random
from datetime import datetime

from provenance.tools.synth.events import _Event, _new_event
from provenance.tools.synth.frames import _FRAMES
from provenance.tools.synth.grammar import (
    _compose,
    _dateline,
    _Doc,
    _paragraphs,
    _pick_template,
    _render,
    _Sent,
    _substitute,
    _title,
)
from provenance.tools.synth.outlets import _AG_INDEX, AGENCIES


def _op_trim(parent: _Doc, r: random.Random) -> _Doc:
    P = len(parent.paras)
    drop = r.randint(1, max(1, min(3, P - 3)))
    keep = max(1, P - drop)
    return _Doc(parent.title, parent.title_ti, parent.paras[:keep], parent.event)


def _op_headline(parent: _Doc, r: random.Random) -> _Doc:
    title, ti = _title(parent.event, r, {parent.title_ti})
    if title == parent.title:  # same template drawn twice: force another one
        title, ti = _title(parent.event, r, {parent.title_ti, ti})
    return _Doc(title, ti, parent.paras, parent.event)


def _op_intro(parent: _Doc, r: random.Random) -> _Doc:
    ev = parent.event
    ti = r.randrange(len(_FRAMES["INTRO"]))
    intro = [_render(ev, "INTRO", ti, 0, r)]
    if r.random() < 0.35:
        intro.append(_render(ev, "INTRO", _pick_template("INTRO", r, {ti}), 0, r))
    return _Doc(parent.title, parent.title_ti, [intro, *parent.paras], ev)


def _strip_slug(s: _Sent) -> _Sent:
    if s.frame == "DATELINE" and s.slug:
        slug = AGENCIES[_AG_INDEX[s.slug]].slug or ""
        return _Sent("DATELINE", -1, 0, s.text.replace(" " + slug, ""), None, None)
    return s


def _op_edit(parent: _Doc, r: random.Random, strip_slug: bool) -> _Doc:
    paras = [list(p) for p in parent.paras]
    cands = [
        (pi, si)
        for pi, p in enumerate(paras)
        for si, s in enumerate(p)
        if s.frame not in ("DATELINE", "QUOTE", "IQUOTE")
    ]
    r.shuffle(cands)
    want, changed = r.randint(2, 6), 0
    for pi, si in cands:
        if changed >= want:
            break
        s = paras[pi][si]
        text, c = _substitute(s.text, r, 1, (s.ev or parent.event).args)
        if c:
            paras[pi][si] = _Sent(s.frame, s.ti, s.key, text, s.cite, s.slug, s.ev)
            changed += c
    if strip_slug:
        paras = [[_strip_slug(s) for s in p] for p in paras]
    if changed == 0:  # nothing to substitute: drop the last sentence instead
        last = paras[-1]
        paras[-1] = last[:-1] if len(last) > 1 else last
        if len(last) == 1 and len(paras) > 2:
            paras = paras[:-1]
    return _Doc(parent.title, parent.title_ti, paras, parent.event)


def _op_rewrite(
    parent: _Doc, r: random.Random, dateline: list[_Sent], cite: str | None, keep_p: float = 0.25
) -> _Doc:
    """Paraphrase: same facts and quotes, other templates and words, sentences reordered."""
    ev = parent.event
    sents = [s for p in parent.paras for s in p if s.frame != "DATELINE"]
    lead, rest = sents[0], sents[1:]
    blocks: list[list[_Sent]] = []
    i = 0
    while i < len(rest):  # reorder runs of 2-3 sentences
        k = r.randint(2, 3)
        blocks.append(rest[i : i + k])
        i += k
    r.shuffle(blocks)
    order = [lead] + [s for b in blocks for s in b]
    out: list[_Sent] = []
    for s in order:
        quote = s.frame in ("QUOTE", "IQUOTE")
        sev = s.ev or ev
        if s.frame in _FRAMES and (quote or r.random() >= keep_p):
            ns = _render(sev, s.frame, _pick_template(s.frame, r, {s.ti}), s.key, r, s.cite)
            if not quote:
                ns.text, _ = _substitute(ns.text, r, 2, sev.args)
            out.append(ns)
        elif s.frame in _FRAMES:
            out.append(s)
        else:
            text, _ = _substitute(s.text, r, 2, ev.args)
            out.append(_Sent(s.frame, s.ti, s.key, text, s.cite))
    if cite:
        for idx in (1, 2, 0):
            if idx < len(out) and out[idx].frame not in ("QUOTE", "IQUOTE") and not out[idx].cite:
                s = out[idx]
                out[idx] = _Sent(
                    s.frame, s.ti, s.key, s.text[:-1] + ", " + cite + ".", cite, None, s.ev
                )
                break
    paras = _paragraphs(out, r)
    if dateline:
        paras[0] = dateline + paras[0]
    title, ti = _title(ev, r, {parent.title_ti})
    return _Doc(title, ti, paras, ev)


def _op_partial(
    parent: _Doc, r: random.Random, own_dateline_fmt: str, local: datetime, cite_src: str | None
) -> _Doc:
    """A new story of the outlet's own with 2-4 paragraphs lifted from ``parent``."""
    pev = parent.event
    own_ev = _new_event(r, -1, pev.region, local, pev.topic)
    own = _compose(
        own_ev,
        r,
        _dateline(own_dateline_fmt, own_ev, local, None),
        quotes=r.sample(range(4), 2),
        n_body=r.randint(4, 6),
    )
    liftable = [
        i for i, p in enumerate(parent.paras) if i > 0 and not any(s.frame == "DATELINE" for s in p)
    ]
    k = min(len(liftable), r.randint(2, 4))
    a = r.randint(0, len(liftable) - k) if liftable else 0
    lifted = [parent.paras[i] for i in liftable[a : a + k]]
    block: list[list[_Sent]] = []
    if cite_src:
        lead = r.choice(
            (
                f"Details of {pev.args['SUBJD']} were first reported by {cite_src}.",
                f"{cite_src} reported further details on {pev.args['DAY']}.",
                f"According to a report by {cite_src}, the developments unfolded as follows.",
            )
        )
        block.append([_Sent("LIT", -1, 0, lead)])
    block += lifted
    j = r.randint(1, max(1, len(own.paras) - 1))
    paras = own.paras[:j] + block + own.paras[j:]
    return _Doc(own.title, own.title_ti, paras, pev)


def _op_independent(
    ev: _Event, r: random.Random, dateline: list[_Sent], root_quotes: list[int]
) -> _Doc:
    """Another reporter's story of the same event: same names, places and numbers, one or
    two of the same quotes, and sentences of its own (templates no wire copy uses)."""
    used = ev.used.setdefault("INDEP", set())
    avail = [i for i in range(len(_FRAMES["INDEP"])) if i not in used]
    if len(avail) < 5:  # a fourth independent report of one event: wordings may repeat
        avail = list(range(len(_FRAMES["INDEP"])))
    pick = r.sample(avail, min(len(avail), r.randint(8, 10)))
    leads = [ti for ti in pick if ti in (0, 3, 9, 13)]
    if leads:  # open with a sentence that reads like a lead
        pick.remove(leads[0])
        pick.insert(0, leads[0])
    sents = [_render(ev, "INDEP", ti, 0, r) for ti in pick]
    qs = r.sample(root_quotes, min(len(root_quotes), 1 if r.random() < 0.7 else 2))
    for j, qk in enumerate(qs):
        ti = _pick_template("IQUOTE", r, ev.used.get("IQUOTE"))
        sents.insert(min(len(sents), 2 + 3 * j), _render(ev, "IQUOTE", ti, qk, r))
    paras = _paragraphs(sents, r)
    if dateline:
        paras[0] = dateline + paras[0]
    title, tti = _title(ev, r, ev.title_used)
    return _Doc(title, tti, paras, ev)
