"""Fast mode: Zipf pseudo-words, generated and rendered by numba."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl
from numba import njit

from provenance.tools.synth.frames import DISCLAIMERS
from provenance.tools.synth.outlets import AGENCIES, _outlets
from provenance.tools.synth.plan import _Options, _Plan
from provenance.tools.synth.schema import (
    C_BYLINE,
    C_CITED,
    C_DISCLAIMER,
    C_SLUG,
    R_EDITED,
    R_HEADLINE,
    R_INDEP,
    R_INTRO,
    R_PARTIAL,
    R_REWRITE,
    R_TRIMMED,
    R_VERBATIM,
)

_FAST_V = 100_000  # vocabulary size
_ZIPF_BITS = 16  # quantile table of 64k slots
_SEPS = (" ", ". ", ".\n\n", ", ", ".", "", "\n\n")
S_SP, S_END, S_PARA, S_COMMA, S_DOC, S_NONE, S_BREAK = range(7)


@lru_cache(maxsize=1)
def _fast_words() -> list[str]:
    """100k distinct pronounceable pseudo-words, shortest first (Zipf's law of abbreviation)."""
    r = random.Random(20241016)
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "w",
        "z",
        "br",
        "cr",
        "dr",
        "fr",
        "gr",
        "pr",
        "tr",
        "st",
        "sl",
        "sp",
        "ch",
        "sh",
        "th",
    ]
    vowels = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ou", "io"]
    codas = ["", "", "", "n", "r", "s", "l", "m", "t", "nd", "st"]
    seen: dict[str, None] = {}
    while len(seen) < _FAST_V:
        n_syl = r.choices((1, 2, 3, 4), (3, 5, 3, 1))[0]
        w = "".join(r.choice(onsets) + r.choice(vowels) + r.choice(codas) for _ in range(n_syl))
        seen.setdefault(w, None)
    return sorted(seen, key=len)


@lru_cache(maxsize=1)
def _zipf_table() -> np.ndarray:
    """Ranks at the quantiles j/M of a Zipf-Mandelbrot law over the vocabulary (M = 2^16).

    Sampling picks a slot j uniformly, then a rank uniformly between the
    slot's bounds: exact for the frequent words (a slot each), piecewise
    uniform in the tail; and the table stays in cache.
    """
    ranks = np.arange(_FAST_V, dtype=np.float64)
    p = 1.0 / (ranks + 2.7) ** 1.05
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    q = np.arange((1 << _ZIPF_BITS) + 1, dtype=np.float64) / (1 << _ZIPF_BITS)
    t = np.searchsorted(cdf, q).astype(np.int32)
    return np.minimum(t, _FAST_V - 1)


@dataclass(frozen=True)
class _FastVocab:
    data: np.ndarray  # uint8, all token strings concatenated
    off: np.ndarray  # int64 offsets, len n_tokens + 1
    sep_data: np.ndarray
    sep_off: np.ndarray
    cite_agency: int  # first id of "X news agency reported" (one per agency)
    cite_outlet: int  # first id of "X reported" (one per outlet)
    slug: int  # first id of slug lines (3 per agency)
    disc: int  # first id of disclaimers (one per outlet)


@lru_cache(maxsize=4)
def _fast_vocab(n_out: int) -> _FastVocab:
    words = _fast_words()
    outlets = _outlets(n_out)
    toks = list(words) + [w[:1].upper() + w[1:] for w in words]
    cite_agency = len(toks)
    toks += [f"{a.name} news agency reported" for a in AGENCIES]
    cite_outlet = len(toks)
    toks += [f"{ot.name} reported" for ot in outlets]
    slug = len(toks)
    for a in AGENCIES:
        toks += [f"--{a.name}", f"({a.name})", f"— {a.name}"]
    disc = len(toks)
    toks += [
        DISCLAIMERS[k % len(DISCLAIMERS)].format(outlet=ot.name) for k, ot in enumerate(outlets)
    ]

    def pack(strings: list[str] | tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        enc = [s.encode() for s in strings]
        off = np.zeros(len(enc) + 1, np.int64)
        off[1:] = np.cumsum([len(b) for b in enc])
        return np.frombuffer(b"".join(enc), np.uint8).copy(), off

    data, off = pack(toks)
    sd, so = pack(_SEPS)
    return _FastVocab(data, off, sd, so, cite_agency, cite_outlet, slug, disc)


_V = _FAST_V


_XS_MUL = np.uint64(0x2545F4914F6CDD1D)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True, nogil=True, inline="always")
def _nb_random(st):
    """xorshift64*: a float in [0, 1). numba's own np.random is slow here (thread-local state)."""
    x = st[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    st[0] = x
    return np.float64((x * _XS_MUL) >> np.uint64(11)) * _INV53


@njit(cache=True, nogil=True, inline="always")
def _nb_randint(st, lo, hi):
    """An int in [lo, hi)."""
    return lo + np.int64(_nb_random(st) * (hi - lo))


@njit(cache=True, nogil=True, inline="always")
def _nb_zipf(st, table):
    x = _nb_random(st) * (table.shape[0] - 1)
    j = np.int64(x)
    lo = np.int64(table[j])
    hi = np.int64(table[j + 1])
    if hi <= lo:
        return lo
    r = lo + np.int64((x - j) * (hi - lo + 1))
    return r if r <= hi else hi


@njit(cache=True, nogil=True)
def _nb_sentence(st, tok, sep, prot, w, nwords, ents, table, prot_flag):
    for k in range(nwords):
        if _nb_random(st) < 0.05:
            t = ents[_nb_randint(st, 0, ents.shape[0])]
            pf = 2
        else:
            t = _nb_zipf(st, table)
            if k == 0:
                t += _V
            pf = 0
        tok[w] = t
        sep[w] = S_COMMA if (k > 2 and k < nwords - 2 and _nb_random(st) < 0.04) else S_SP
        prot[w] = prot_flag if prot_flag else pf
        w += 1
    sep[w - 1] = S_END
    return w


@njit(cache=True, nogil=True)
def _nb_para(st, tok, sep, prot, w, ents, table, quote):
    ns = _nb_randint(st, 2, 4)
    for _ in range(ns):
        w = _nb_sentence(
            st, tok, sep, prot, w, _nb_randint(st, 14, 29), ents, table, 1 if quote else 0
        )
        quote = False
    sep[w - 1] = S_PARA
    return w


@njit(cache=True, nogil=True)
def _nb_para_bounds(sep, a, b, out):
    """Paragraph start offsets of tok[a:b] into out; returns count (out[count] = b)."""
    n = 0
    out[0] = a
    for t in range(a, b):
        if (sep[t] == S_PARA or sep[t] == S_DOC or t == b - 1) and n < out.shape[0] - 2:
            n += 1
            out[n] = t + 1
    return n


@njit(cache=True, nogil=True)
def _nb_copy(tok, sep, prot, w, a, b):
    for t in range(a, b):
        tok[w] = tok[t]
        sep[w] = sep[t]
        prot[w] = prot[t]
        w += 1
    return w


@njit(cache=True, nogil=True)
def _nb_cite(tok, sep, prot, a, w, cite, nth):
    """Insert token ``cite`` before the end of the ``nth`` sentence of tok[a:w]."""
    count = 0
    for t in range(a, w):
        if sep[t] == S_END or sep[t] == S_PARA or sep[t] == S_DOC:
            if count == nth or t == w - 1:
                for u in range(w, t + 1, -1):
                    tok[u] = tok[u - 1]
                    sep[u] = sep[u - 1]
                    prot[u] = prot[u - 1]
                tok[t + 1] = cite
                sep[t + 1] = sep[t]
                prot[t + 1] = 1
                sep[t] = S_COMMA
                return w + 1
            count += 1
    return w


@njit(cache=True, nogil=True)
def _nb_title(st, ttok, tsep, tw, ents, table):
    n = _nb_randint(st, 6, 13)
    e = _nb_randint(st, 0, n)
    for k in range(n):
        if k == e:
            t = ents[_nb_randint(st, 0, ents.shape[0])]
        else:
            t = _nb_zipf(st, table)
            if k == 0:
                t += _V
        ttok[tw] = t
        tsep[tw] = S_SP
        tw += 1
    tsep[tw - 1] = S_NONE
    return tw


@njit(cache=True, nogil=True)
def _fast_kernel(seed, rel, parent, story, target, cite_tok, slug_tok, disc_tok, n_stories, table):
    st = np.zeros(1, np.uint64)
    st[0] = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019)
    if st[0] == 0:
        st[0] = np.uint64(1)
    n = rel.shape[0]
    cap = n * 560 + 4096
    tok = np.empty(cap, np.int32)
    sep = np.empty(cap, np.uint8)
    prot = np.zeros(cap, np.uint8)
    b_start = np.zeros(n, np.int64)
    b_core = np.zeros(n, np.int64)
    b_len = np.zeros(n, np.int64)
    ttok = np.empty(n * 13 + 16, np.int32)
    tsep = np.empty(n * 13 + 16, np.uint8)
    t_start = np.zeros(n, np.int64)
    t_len = np.zeros(n, np.int64)
    ents = np.zeros((n_stories, 8), np.int32)
    q_start = np.full(n_stories, -1, np.int64)
    q_len = np.zeros(n_stories, np.int64)
    own = np.zeros(8, np.int32)
    pb = np.zeros(4096, np.int64)
    order = np.zeros(4096, np.int64)
    w = 0
    tw = 0
    for i in range(n):
        need = 4096 if parent[i] < 0 else 2 * b_core[parent[i]] + 4096
        while cap - w < need:
            cap2 = cap * 2
            tok2 = np.empty(cap2, np.int32)
            sep2 = np.empty(cap2, np.uint8)
            prot2 = np.zeros(cap2, np.uint8)
            tok2[:w] = tok[:w]
            sep2[:w] = sep[:w]
            prot2[:w] = prot[:w]
            tok, sep, prot, cap = tok2, sep2, prot2, cap2
        a = w
        title_ents = ents[story[i]]
        r = rel[i]
        s = story[i]
        p = parent[i]
        new_title = True
        if p < 0 and r != R_INDEP:  # a story's root: new text
            for e in range(8):
                ents[s, e] = _V + _nb_randint(st, 2000, _V)
            npara = _nb_randint(st, 7, 11)
            qpara = _nb_randint(st, 1, 4)
            for k in range(npara):
                ws = w
                w = _nb_para(st, tok, sep, prot, w, ents[s], table, k == qpara or k == qpara + 3)
                if k == qpara:  # the story's first quote: its first sentence
                    q_start[s] = ws
                    e = ws
                    while sep[e] == S_SP or sep[e] == S_COMMA:
                        e += 1
                    q_len[s] = e + 1 - ws
        elif r == R_INDEP:
            ts = story[target[i]]
            for e in range(8):
                ents[s, e] = ents[ts, e]
            npara = _nb_randint(st, 7, 11)
            qp = _nb_randint(st, 1, npara)
            for k in range(npara):
                if k == qp and q_start[ts] >= 0:
                    w = _nb_copy(tok, sep, prot, w, q_start[ts], q_start[ts] + q_len[ts])
                    sep[w - 1] = S_PARA
                w = _nb_para(st, tok, sep, prot, w, ents[s], table, False)
        else:
            for e in range(8):
                ents[s, e] = ents[story[p], e]
            pa = b_start[p]
            pe = pa + b_core[p]
            if r == R_VERBATIM or r == R_HEADLINE or r == R_EDITED:  # noqa: SIM109 (numba)
                w = _nb_copy(tok, sep, prot, w, pa, pe)
                new_title = r == R_HEADLINE
                if r == R_EDITED:
                    want = _nb_randint(st, 2, 8)
                    done = 0
                    for _ in range(200):
                        if done >= want:
                            break
                        t = a + _nb_randint(st, 0, w - a)
                        if prot[t] == 0:
                            tok[t] = _nb_zipf(st, table) + (_V if tok[t] >= _V else 0)
                            done += 1
            elif r == R_TRIMMED:
                P = _nb_para_bounds(sep, pa, pe, pb)
                drop = _nb_randint(st, 1, max(1, min(3, P - 3)) + 1)
                keep = max(1, P - drop)
                w = _nb_copy(tok, sep, prot, w, pa, pb[keep])
                new_title = False
            elif r == R_INTRO:
                w = _nb_para(st, tok, sep, prot, w, ents[s], table, False)
                w = _nb_copy(tok, sep, prot, w, pa, pe)
                new_title = False
            elif r == R_PARTIAL:
                for e in range(8):
                    own[e] = _V + _nb_randint(st, 2000, _V)
                P = _nb_para_bounds(sep, pa, pe, pb)
                k = min(_nb_randint(st, 2, 5), P - 1)
                first = 1 + _nb_randint(st, 0, max(1, P - k))
                nown = _nb_randint(st, 4, 8)
                at = _nb_randint(st, 1, nown)
                for j in range(nown):
                    if j == at:
                        if cite_tok[i] >= 0:
                            w = _nb_cite(tok, sep, prot, w - 1, w, cite_tok[i], 0)
                        for q in range(first, min(first + k, P)):
                            w = _nb_copy(tok, sep, prot, w, pb[q], pb[q + 1])
                            sep[w - 1] = S_PARA
                    w = _nb_para(st, tok, sep, prot, w, own, table, j == 0)
                title_ents = own
            elif r == R_REWRITE:
                P = _nb_para_bounds(sep, pa, pe, pb)
                for j in range(P):
                    order[j] = j
                for j in range(P - 1, 1, -1):  # keep the lead paragraph first
                    x = 1 + _nb_randint(st, 0, j)
                    order[j], order[x] = order[x], order[j]
                for j in range(P):
                    q0, q1 = pb[order[j]], pb[order[j] + 1]
                    t = q0
                    while t < q1:
                        e = t
                        quoted = False
                        while e < q1 - 1 and (sep[e] == S_SP or sep[e] == S_COMMA):
                            if prot[e] == 1:
                                quoted = True
                            e += 1
                        if prot[e] == 1:
                            quoted = True
                        keep_s = quoted or _nb_random(st) < 0.25
                        for u in range(t, e + 1):
                            tk = tok[u]
                            if not keep_s and prot[u] == 0 and _nb_random(st) < 0.4:
                                tk = _nb_zipf(st, table) + (_V if tok[u] >= _V else 0)
                            tok[w] = tk
                            sep[w] = sep[u]
                            prot[w] = prot[u]
                            w += 1
                        t = e + 1
                    sep[w - 1] = S_PARA
            sep[w - 1] = S_DOC
            if r == R_REWRITE and cite_tok[i] >= 0:
                w = _nb_cite(tok, sep, prot, a, w, cite_tok[i], 1)
        if p < 0 and cite_tok[i] >= 0:  # an agency's rewrite of an external story
            sep[w - 1] = S_DOC
            w = _nb_cite(tok, sep, prot, a, w, cite_tok[i], 1)
            q_start[s] += 1  # the citation went into the first paragraph, before the quote
        sep[w - 1] = S_DOC
        b_start[i] = a
        b_core[i] = w - a
        if slug_tok[i] >= 0 or disc_tok[i] >= 0:
            sep[w - 1] = S_PARA
            if slug_tok[i] >= 0:
                tok[w] = slug_tok[i]
                sep[w] = S_BREAK
                prot[w] = 1
                w += 1
            if disc_tok[i] >= 0:
                tok[w] = disc_tok[i]
                sep[w] = S_BREAK
                prot[w] = 1
                w += 1
            sep[w - 1] = S_NONE
        b_len[i] = w - a
        t_start[i] = tw
        if new_title:
            tw = _nb_title(st, ttok, tsep, tw, title_ents, table)
        else:
            for u in range(t_start[p], t_start[p] + t_len[p]):
                ttok[tw] = ttok[u]
                tsep[tw] = tsep[u]
                tw += 1
        t_len[i] = tw - t_start[i]
    return tok[:w], sep[:w], b_start, b_len, ttok[:tw], tsep[:tw], t_start, t_len


@njit(cache=True, nogil=True)
def _render_tokens(tok, sep, starts, lens, vdata, voff, sdata, soff):
    n = starts.shape[0]
    offs = np.zeros(n + 1, np.int64)
    for i in range(n):
        L = 0
        for t in range(starts[i], starts[i] + lens[i]):
            L += voff[tok[t] + 1] - voff[tok[t]] + soff[sep[t] + 1] - soff[sep[t]]
        offs[i + 1] = offs[i] + L
    out = np.empty(offs[n], np.uint8)
    w = 0
    for i in range(n):
        for t in range(starts[i], starts[i] + lens[i]):
            a, b = voff[tok[t]], voff[tok[t] + 1]
            for c in range(a, b):
                out[w] = vdata[c]
                w += 1
            a, b = soff[sep[t]], soff[sep[t] + 1]
            for c in range(a, b):
                out[w] = sdata[c]
                w += 1
    return out, offs


def _arrow_strings(data: np.ndarray, offs: np.ndarray) -> pl.Series:
    import pyarrow as pa

    arr = pa.LargeStringArray.from_buffers(len(offs) - 1, pa.py_buffer(offs), pa.py_buffer(data))
    return pl.Series(pl.from_arrow(arr)).cast(pl.String)


def _render_fast(plan: _Plan, o: _Options, seed: int) -> tuple[pl.Series, pl.Series]:
    A = len(AGENCIES)
    n_out = o.n_outlets
    fv = _fast_vocab(n_out)
    n = plan.n
    cite_tok = np.full(n, -1, np.int64)
    cited = (plan.device == C_CITED) & (plan.credited >= 0)
    cp = plan.credited
    cite_tok[cited] = np.where(
        cp[cited] < A, fv.cite_agency + cp[cited], fv.cite_outlet + (cp[cited] - A)
    )
    slug_tok = np.full(n, -1, np.int64)
    sl = (plan.device == C_SLUG) & (cp >= 0) & (cp < A)
    oi = np.clip(plan.pub - A, 0, n_out - 1)
    slug_tok[sl] = fv.slug + 3 * cp[sl] + oi[sl] % 3
    disc_tok = np.full(n, -1, np.int64)
    habit_disc = np.array([ot.disclaimer_with_byline for ot in _outlets(n_out)])
    dc = (
        (plan.pub >= A)
        & (cp >= 0)
        & (cp < A)
        & ((plan.device == C_DISCLAIMER) | ((plan.device == C_BYLINE) & habit_disc[oi]))
    )
    disc_tok[dc] = fv.disc + oi[dc]
    tok, sep, bs, bl, ttok, tsep, ts, tl = _fast_kernel(
        seed,
        plan.rel.astype(np.int64),
        plan.parent,
        plan.story,
        plan.target,
        cite_tok,
        slug_tok,
        disc_tok,
        plan.n_stories,
        _zipf_table(),
    )
    data, offs = _render_tokens(tok, sep, bs, bl, fv.data, fv.off, fv.sep_data, fv.sep_off)
    tdata, toffs = _render_tokens(ttok, tsep, ts, tl, fv.data, fv.off, fv.sep_data, fv.sep_off)
    return _arrow_strings(tdata, toffs), _arrow_strings(data, offs)
