"""Events: the facts (place, people, numbers, quotes) that every article about one event shares."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime

from provenance.tools.synth.frames import _QUOTES, _article, _cap, _expand, _fmt_int
from provenance.tools.synth.vocab import (
    _MEDIA,
    _MONEY,
    _MONTHS,
    _NAMES,
    _REGIONS,
    _TOPIC_NAMES,
    _TOPICS,
    _WEEKDAYS,
)


@dataclass
class _Event:
    eid: int
    topic: str
    region: str
    args: dict[str, str]
    quotes: list[dict[str, str]]  # per quote: Q, SPK, SPKN, SPKR, spkr, QISSUE
    used: dict[str, set[int]] = field(default_factory=dict)  # templates used so far, by frame
    title_used: set[int] = field(default_factory=set)


def _person(r: random.Random, pool: str, taken: set[str]) -> tuple[str, str]:
    firsts, lasts = (x.split() for x in _NAMES[pool])
    for _ in range(20):
        f, l_ = r.choice(firsts), r.choice(lasts)
        if l_ not in taken:
            break
    taken.add(l_)
    full = f"{l_} {f}" if pool in ("korean", "chinese") else f"{f} {l_}"
    return full, l_


def _new_event(
    r: random.Random, eid: int, region: str, when: datetime, topic: str | None = None
) -> _Event:
    topic = topic or r.choice(_TOPIC_NAMES)
    T = _TOPICS[topic]
    cities = _REGIONS[region]
    city, country, cadj, pool = r.choice(cities)
    city2 = r.choice([c for c in cities if c[0] != city])[0]
    taken: set[str] = set()
    persons = [_person(r, pool, taken) for _ in range(3)]
    roles = r.sample(T["roles"], 3)
    orgs = r.sample(T["orgs"], 3)
    adj, noun = r.choice(T["adj"]), r.choice(T["subj"])
    issues = r.sample(T["issues"], 2)
    units = r.sample(T["units"], 2)
    money_fmt, (lo, hi) = _MONEY[region]
    n1 = r.choice(
        (r.randint(12, 99), r.randint(100, 990) // 10 * 10, r.randint(1000, 9900) // 50 * 50)
    )
    n2 = r.choice((r.randint(3, 60), r.randint(100, 2500), r.randint(10_000, 95_000) // 100 * 100))
    pct = r.choice(
        (f"{r.randint(3, 48)} per cent", f"{r.randint(1, 19)}.{r.randint(1, 9)} per cent")
    )
    amount = r.randint(lo, hi)
    args = {
        "TOPICNOUN": T["noun"][0],
        "PLACE": city,
        "PLACE2": city2,
        "COUNTRY": country,
        "COUNTRYC": _cap(country),
        "CADJ": cadj,
        "SUBJ": _article(f"{adj} {noun}"),
        "SUBJD": f"the {adj} {noun}",
        "SUBJDC": f"The {adj} {noun}",
        "SUBJS": f"{adj} {noun}",
        "ISSUE1": issues[0],
        "ISSUE1C": _cap(issues[0]),
        "ISSUE2": issues[1],
        "TRIGGER": (trigger := r.choice(T["triggers"])),
        "TRIGGERC": _cap(trigger),
        "ACTION": r.choice(T["actions"]),
        "UNIT1": units[0],
        "UNIT2": units[1],
        "N1": _fmt_int(n1),
        "N2": _fmt_int(n2),
        "PCT": pct,
        "PCTA": ("an " if re.match(r"(8|11|18)\b|8\d", pct) else "a ") + pct,
        "MONEY": money_fmt.format(a=_fmt_int(amount)),
        "YEAR": str(when.year - r.randint(2, 9)),
        "YEAR1": str(when.year + r.randint(1, 4)),
        "DAY": _WEEKDAYS[when.weekday()],
        "DAY2": _WEEKDAYS[(when.weekday() + r.randint(2, 5)) % 7],
        "MONTHN": _MONTHS[when.month % 12],
        "MONTHP": _MONTHS[(when.month - 1 - r.randint(1, 4)) % 12],
        "PERIOD": r.choice(("week", "month")),
        "AUD": r.choice(
            (
                "lawmakers",
                "a parliamentary panel",
                "reporters",
                "a press conference",
                "industry representatives",
            )
        ),
        "MEDIA": r.choice(_MEDIA[region]),
    }
    for i, ((full, last), role, org) in enumerate(zip(persons, roles, orgs, strict=True), start=1):
        low = " ".join(w if w.isupper() else w.lower() for w in role.split())
        args[f"P{i}"], args[f"S{i}"], args[f"R{i}"], args[f"r{i}"] = full, last, role, low
        args[f"ORG{i}"], args[f"ORG{i}C"] = org, _cap(org)
        short = org[4:] if org.startswith("the ") else org
        args[f"ORG{i}S"], args[f"ORG{i}SC"] = short, _cap(short)
    quotes = []
    for qi, ti in enumerate(r.sample(range(len(_QUOTES)), 4)):
        k = 1 if qi < 2 else qi
        q = _cap(_expand(_QUOTES[ti], args, r))
        quotes.append(
            {
                "Q": q,
                "SPK": f"{args[f'R{k}']} {args[f'P{k}']}",
                "SPKN": args[f"P{k}"],
                "SPKR": f"the {args[f'r{k}']}",
                "spkr": args[f"r{k}"],
                "QISSUE": args["ISSUE1" if qi % 2 == 0 else "ISSUE2"],
                "PLACE": city,
            }
        )
    clause = re.split(r"[;:]|,\s", quotes[0]["Q"])[0].split()
    args["QSHORT"] = " ".join(clause) if len(clause) <= 9 else " ".join(clause[:6]) + "..."
    return _Event(eid, topic, region, args, quotes)
