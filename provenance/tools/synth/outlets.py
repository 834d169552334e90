"""Publishers: the wire agencies and outlets, their time zones, names in credits and staff bylines."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

import numpy as np

from provenance.tools.synth.vocab import _NAMES


@dataclass(frozen=True)
class _Agency:
    name: str
    region: str
    tz: str  # "+05:30"
    domestic: bool  # an Indian agency, whose copy Indian outlets carry
    dateline: str  # format with city, CITY, mon, mond, month, d, country
    slug: str | None  # credit the dateline itself carries, "(PTI)"


AGENCIES: tuple[_Agency, ...] = (
    _Agency("IANS", "india", "+05:30", True, "{city}, {mon} {d}", None),
    _Agency("PTI", "india", "+05:30", True, "{city}, {mon} {d} (PTI)", "(PTI)"),
    _Agency("ANI", "india", "+05:30", True, "{city} [{country}], {month} {d} (ANI):", "(ANI)"),
    _Agency("Yonhap", "korea", "+09:00", False, "{CITY}, {mond} {d} (Yonhap) --", "(Yonhap)"),
    _Agency("Xinhua", "china", "+08:00", False, "{CITY}, {mond} {d} (Xinhua) --", "(Xinhua)"),
    _Agency("Kyodo", "japan", "+09:00", False, "{CITY}, {mond} {d} (Kyodo) -", "(Kyodo)"),
    _Agency("AFP", "europe", "+01:00", False, "{city} (AFP) -", "(AFP)"),
    _Agency("Reuters", "world", "+00:00", False, "{CITY}, {month} {d} (Reuters) -", "(Reuters)"),
)
_AG_INDEX = {a.name: i for i, a in enumerate(AGENCIES)}
_DOMESTIC = np.array([i for i, a in enumerate(AGENCIES) if a.domestic])
_FOREIGN = np.array([i for i, a in enumerate(AGENCIES) if not a.domestic])
_DOMESTIC_W = np.array([0.5, 0.33, 0.17])
_FOREIGN_W = np.array([0.26, 0.22, 0.12, 0.2, 0.2])
_ALL_AGENCY_W = np.array([0.25, 0.18, 0.09, 0.12, 0.1, 0.06, 0.1, 0.1])


@dataclass(frozen=True)
class _Outlet:
    name: str  # display name, shown in page chrome
    slug: str  # the outlet identifier used in records and folder names
    dateline: str  # how the outlet's own stories open
    # credit habits for copies: weights of byline, slug, disclaimer, none
    habit: tuple[float, float, float, float]
    disclaimer_with_byline: bool  # adds the disclaimer under a byline credit too
    section: str


_NAMED_OUTLETS: tuple[_Outlet, ...] = (
    _Outlet("The Daily Example", "dailyexample.in", "{city}:", (0.7, 0.0, 0.2, 0.1), True, "news"),
    _Outlet("Example Times", "example-times.in", "{CITY}:", (0.5, 0.3, 0.0, 0.2), False, "india"),
    _Outlet("Morning Ledger", "morningledger.example", "", (0.2, 0.5, 0.0, 0.3), False, "world"),
    _Outlet(
        "National Chronicle",
        "nationalchronicle.example.in",
        "{city}, {month} {d}:",
        (0.6, 0.1, 0.2, 0.1),
        True,
        "nation",
    ),
    _Outlet(
        "Metro Bulletin", "metrobulletin.example", "{city}:", (0.1, 0.2, 0.2, 0.5), False, "metro"
    ),
    _Outlet(
        "Coastal Herald",
        "coastalherald.example.in",
        "{CITY}:",
        (0.5, 0.0, 0.4, 0.1),
        True,
        "latest",
    ),
    _Outlet(
        "Capital Observer",
        "capitalobserver.example",
        "{city}:",
        (0.4, 0.4, 0.0, 0.2),
        False,
        "politics",
    ),
    _Outlet(
        "Northern Star Post", "northernstarpost.example.in", "", (0.3, 0.2, 0.3, 0.2), False, "news"
    ),
    _Outlet(
        "Evening Gazette Online",
        "eveninggazette.example",
        "{city}:",
        (0.6, 0.2, 0.1, 0.1),
        True,
        "top-stories",
    ),
    _Outlet(
        "Valley Voice", "valleyvoice.example.in", "{city}:", (0.2, 0.1, 0.1, 0.6), False, "region"
    ),
    _Outlet(
        "Newsline Today",
        "newslinetoday.example",
        "{CITY}:",
        (0.7, 0.1, 0.1, 0.1),
        True,
        "agency-feed",
    ),
    _Outlet(
        "Frontier Tribune",
        "frontiertribune.example.in",
        "{city}:",
        (0.3, 0.3, 0.2, 0.2),
        False,
        "world",
    ),
    _Outlet(
        "Southern Courier",
        "southerncourier.example",
        "{city}, {mon} {d}:",
        (0.5, 0.2, 0.0, 0.3),
        False,
        "news",
    ),
    _Outlet(
        "Global Desk 24", "globaldesk24.example", "", (0.2, 0.2, 0.4, 0.2), False, "international"
    ),
    _Outlet(
        "Deccan Daybreak",
        "deccandaybreak.example.in",
        "{city}:",
        (0.6, 0.0, 0.3, 0.1),
        True,
        "state",
    ),
    _Outlet(
        "Riverside Post", "riversidepost.example", "{CITY}:", (0.4, 0.3, 0.1, 0.2), False, "news"
    ),
)


@lru_cache(maxsize=8)
def _outlets(n: int) -> tuple[_Outlet, ...]:
    """The first ``n`` outlets: the named ones, then numbered ones with seeded habits."""
    out = list(_NAMED_OUTLETS[:n])
    r = random.Random(4242)
    styles = ("{city}:", "{CITY}:", "", "{city}, {mon} {d}:")
    for k in range(len(out), n):
        w = [r.random() + 0.05 for _ in range(4)]
        s = sum(w)
        out.append(
            _Outlet(
                f"Example Outlet {k:04d}",
                f"outlet{k:04d}.example",
                styles[k % len(styles)],
                tuple(x / s for x in w),  # type: ignore[arg-type]
                r.random() < 0.3,
                ("news", "world", "india", "latest")[k % 4],
            )
        )
    return tuple(out)


def _tzinfo(tz: str) -> timezone:
    sign = -1 if tz[0] == "-" else 1
    h, m = int(tz[1:3]), int(tz[4:6])
    return timezone(sign * timedelta(hours=h, minutes=m))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _local(minute: int, tz: str) -> datetime:
    return (_EPOCH + timedelta(minutes=int(minute))).astimezone(_tzinfo(tz))


def _pub_tz(pub: int, n_out: int) -> str:
    return AGENCIES[pub].tz if pub < len(AGENCIES) else "+05:30"


def _pub_name(pub: int, n_out: int) -> str:
    """Name as written in credits: agency name or outlet display name."""
    return AGENCIES[pub].name if pub < len(AGENCIES) else _outlets(n_out)[pub - len(AGENCIES)].name


def _staff_byline(r: random.Random, ot: _Outlet) -> str | None:
    first, last = (x.split() for x in _NAMES["indian"])
    return r.choice(
        (
            None,
            "Staff Reporter",
            f"{ot.name} Desk",
            "Web Desk",
            f"By {r.choice(first)} {r.choice(last)}",
        )
    )
