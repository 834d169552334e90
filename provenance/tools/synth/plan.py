"""The plan: who publishes what, copied from whom, when. Shared by both modes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from provenance.tools.synth.outlets import (
    _ALL_AGENCY_W,
    _DOMESTIC,
    _DOMESTIC_W,
    _FOREIGN,
    _FOREIGN_W,
    AGENCIES,
    _outlets,
)
from provenance.tools.synth.schema import (
    C_BYLINE,
    C_CITED,
    C_DISCLAIMER,
    C_NONE,
    C_SLUG,
    R_INDEP,
    R_ORIGINAL,
    R_PARTIAL,
    R_REWRITE,
    RELATIONS,
)

K_DOM, K_FOR, K_EXT, K_OUT, K_IND = range(5)  # story kinds

_DEFAULT_REL_WEIGHTS = {
    "verbatim": 0.34,
    "trimmed": 0.14,
    "headline_changed": 0.12,
    "added_intro": 0.08,
    "edited": 0.12,
    "partial": 0.08,
    "rewrite": 0.12,
}
#: The relations a copy can have to its source: every relation but the two a story's first report has.
_COPY_RELS = tuple(r for r in RELATIONS if r not in ("original", "independent"))


@dataclass(frozen=True)
class _Options:
    n_outlets: int
    stories_per_day: float
    start_minute: int  # minutes since the Unix epoch, UTC
    missing_date_rate: float
    independent_share: float
    external_share: float
    foreign_share: float
    outlet_share: float
    rewrite_share: float  # share of foreign-agency stories rewritten by an Indian agency
    multihop_rate: float
    mean_copies: float
    rel_weights: tuple[float, ...]  # over _COPY_RELS


@dataclass
class _Plan:
    n: int
    n_stories: int
    story: np.ndarray  # local story index per row
    kind: np.ndarray  # story kind per row
    pos: np.ndarray  # position in story
    parent: np.ndarray  # row index or -1
    rel: np.ndarray  # relation code
    pub: np.ndarray  # publisher: agency index, or len(AGENCIES) + outlet index
    credited: np.ndarray  # publisher index credited (-1 none)
    ext: np.ndarray  # agency index of the external origin (-1 none)
    device: np.ndarray  # credit device code
    time: np.ndarray  # true publication time, minutes since epoch
    lag: np.ndarray  # minutes after the parent (or the external original), -1 null
    missing: np.ndarray  # published withheld
    target: np.ndarray  # independent articles: row of the event's root, else -1
    event: np.ndarray  # local story index of the event


def _coprimes(n: int) -> np.ndarray:
    return np.array([k for k in range(1, max(n, 2)) if math.gcd(k, n) == 1] or [1])


def _plan(n: int, rng: np.random.Generator, o: _Options, story_offset: int) -> _Plan:
    A = len(AGENCIES)
    n_out = o.n_outlets
    max_copies = max(1, n_out - 2)
    # --- stories (generate more than needed, cut at n rows)
    S = max(8, int(n / 2.5) + 16)
    while True:
        u = rng.random(S)
        cuts = np.cumsum([o.external_share, o.independent_share, o.outlet_share, o.foreign_share])
        kind = np.full(S, K_DOM, np.int8)
        kind[u < cuts[3]] = K_FOR
        kind[u < cuts[2]] = K_OUT
        kind[u < cuts[1]] = K_IND
        kind[u < cuts[0]] = K_EXT
        kind[0] = K_DOM  # the first story of a block always has copies to be reported independently
        # independents need an earlier wire story about their event
        wire_story = kind <= K_EXT
        n_before = np.cumsum(wire_story) - wire_story
        kind[(kind == K_IND) & (n_before == 0)] = K_OUT
        has_rw = (kind == K_FOR) & (rng.random(S) < o.rewrite_share)
        mu = math.log(max(o.mean_copies, 0.5)) - 0.4
        copies = np.floor(np.exp(rng.normal(mu, 0.9, S))).astype(np.int64)
        copies = np.clip(copies, 0, max_copies - has_rw)
        copies[kind == K_OUT] = rng.integers(0, 3, int((kind == K_OUT).sum()))
        copies[kind == K_IND] = 0
        size = 1 + has_rw.astype(np.int64) + copies
        if size.sum() >= n:
            break
        S *= 2
    csum = np.cumsum(size)
    n_st = int(np.searchsorted(csum, n) + 1)
    kind, has_rw, size = kind[:n_st], has_rw[:n_st], size[:n_st]
    start = csum[:n_st] - size
    story = np.repeat(np.arange(n_st), size)[:n]
    pos = np.arange(n) - start[story]
    k = kind[story]
    wire_pos = has_rw.astype(np.int64)
    wp = wire_pos[story]
    root = pos == 0
    rw_row = has_rw[story] & (pos == 1)
    copy_row = pos > wp

    # --- relations
    rel = np.full(n, R_ORIGINAL, np.int8)
    rel[root & (k == K_EXT)] = R_REWRITE
    rel[root & (k == K_IND)] = R_INDEP
    rel[rw_row] = R_REWRITE
    w = np.asarray(o.rel_weights, float)
    w = w / w.sum()
    codes = np.array([RELATIONS.index(x) for x in _COPY_RELS], np.int8)
    rel[copy_row] = codes[rng.choice(len(codes), size=int(copy_row.sum()), p=w)]

    # --- parents
    parent = np.full(n, -1, np.int64)
    parent[rw_row] = start[story[rw_row]]
    j = pos - wp  # 1.. for copies
    u1, u2 = rng.random(n), rng.random(n)
    multi = copy_row & (u1 < o.multihop_rate) & (j >= 2)
    ppos = np.where(multi, wp + 1 + np.floor(u2 * np.maximum(j - 1, 1)).astype(np.int64), wp)
    parent[copy_row] = start[story[copy_row]] + ppos[copy_row]

    # --- publishers
    pub = np.full(n, -1, np.int64)
    dom = _DOMESTIC[rng.choice(len(_DOMESTIC), size=n_st, p=_DOMESTIC_W)]
    forg = _FOREIGN[rng.choice(len(_FOREIGN), size=n_st, p=_FOREIGN_W)]
    anyag = rng.choice(A, size=n_st, p=_ALL_AGENCY_W)
    rw_ag = _DOMESTIC[rng.choice(len(_DOMESTIC), size=n_st, p=_DOMESTIC_W)]
    o_start = rng.integers(0, n_out, n_st)
    cop = _coprimes(n_out)
    o_step = cop[rng.integers(0, len(cop), n_st)]
    ind_by_agency = rng.random(n_st) < 0.2
    root_pub = np.where(
        (kind == K_DOM) | (kind == K_EXT),
        dom,
        np.where(kind == K_FOR, forg, A + o_start),
    )
    root_pub = np.where((kind == K_IND) & ind_by_agency, anyag, root_pub)
    pub[root] = root_pub[story[root]]
    pub[rw_row] = rw_ag[story[rw_row]]
    s_c = story[copy_row]
    pub[copy_row] = A + (o_start[s_c] + j[copy_row] * o_step[s_c]) % n_out

    # --- credits
    wire = np.where(has_rw, rw_ag, root_pub)  # what copies credit
    ext_ag = _FOREIGN[rng.choice(len(_FOREIGN), size=n_st, p=_FOREIGN_W)]
    ext = np.full(n, -1, np.int64)
    ext_story = kind == K_EXT
    ext[ext_story[story]] = ext_ag[story[ext_story[story]]]
    credited = np.full(n, -1, np.int64)
    device = np.full(n, C_NONE, np.int8)
    # the agency rewrites cite their source
    root_ext = root & (k == K_EXT)
    device[root_ext] = C_CITED
    credited[root_ext] = ext[root_ext]
    device[rw_row] = C_CITED
    credited[rw_row] = root_pub[story[rw_row]]
    # copies: habits of the outlet for whole copies, citations for partial reuse and rewrites
    habits = np.array([ot.habit for ot in _outlets(n_out)])
    hcum = np.cumsum(habits, axis=1)
    hcum /= hcum[:, -1:]
    hab_dev = np.array([C_BYLINE, C_SLUG, C_DISCLAIMER, C_NONE], np.int8)
    ucr = rng.random(n)
    oi = np.clip(pub - A, 0, n_out - 1)
    choice = (ucr[:, None] > hcum[oi]).sum(axis=1).clip(0, 3)
    dev_copy = hab_dev[choice]
    out_story = k == K_OUT
    dev_copy = np.where(out_story, np.where(ucr < 0.4, C_BYLINE, C_NONE), dev_copy)
    dev_copy = np.where(rel == R_PARTIAL, np.where(ucr < 0.35, C_CITED, C_NONE), dev_copy)
    dev_copy = np.where(rel == R_REWRITE, np.where(ucr < 0.45, C_CITED, C_NONE), dev_copy)
    device[copy_row] = dev_copy[copy_row]
    credited[copy_row] = np.where(dev_copy[copy_row] == C_NONE, -1, wire[story[copy_row]])

    # --- times
    mps = 1440.0 / o.stories_per_day
    g = story_offset + np.arange(n_st)
    t_root = o.start_minute + np.floor((g + rng.random(n_st)) * mps).astype(np.int64)
    lag = np.full(n, -1, np.int64)
    lag_copy = np.clip(np.exp(rng.normal(math.log(40), 1.1, n)), 2, 2880).astype(np.int64)
    lag_rw = np.clip(np.exp(rng.normal(math.log(55), 0.7, n)), 8, 720).astype(np.int64)
    lag_ext = np.clip(np.exp(rng.normal(math.log(50), 0.7, n)), 6, 600).astype(np.int64)
    lag[copy_row] = lag_copy[copy_row]
    lag[rw_row] = lag_rw[rw_row]
    lag[root_ext] = lag_ext[root_ext]
    # independents: an earlier wire story's event, published around the same time
    target = np.full(n, -1, np.int64)
    event = story.copy()
    ind_st = np.flatnonzero(kind == K_IND)
    if len(ind_st):
        wire_idx = np.flatnonzero(kind <= K_EXT)
        nb = np.searchsorted(wire_idx, ind_st)  # wire stories strictly before
        pick = wire_idx[np.floor(rng.random(len(ind_st)) * nb).astype(np.int64)]
        ev_of = np.arange(n_st)
        ev_of[ind_st] = pick
        t_root[ind_st] = t_root[pick] + rng.integers(-180, 720, len(ind_st))
        rows = np.flatnonzero(root & (k == K_IND))
        event = ev_of[story]
        target[rows] = start[ev_of[story[rows]]]
    time_ = np.zeros(n, np.int64)
    time_[root] = t_root[story[root]]
    for p in range(1, int(pos.max()) + 1 if n else 1):
        rows = np.flatnonzero(pos == p)
        time_[rows] = time_[parent[rows]] + lag[rows]
    missing = rng.random(n) < o.missing_date_rate
    return _Plan(
        n,
        n_st,
        story,
        k,
        pos,
        parent,
        rel,
        pub,
        credited,
        ext,
        device,
        time_,
        lag,
        missing,
        target,
        event,
    )
