"""Synthetic news corpora with known ground truth, for tests and benchmarks.

``generate(n, seed=..., mode=...)`` returns a :class:`Corpus`: ``articles``
(RAW-like records: id, url, outlet, published, title, byline, text) and
``truth`` (who was copied from whom, how, and with what credit).

The story structure is the same in both modes (see :func:`_plan`): agencies
publish originals; Indian agencies rewrite foreign agency stories citing them
("..., Yonhap news agency reported."), sometimes from a foreign story that is
not in the corpus; outlets republish the wire copy verbatim, trimmed, with a
new headline, with an added intro, lightly edited, partially (2-4 lifted
paragraphs in a story of their own) or rewritten, sometimes from another
outlet's copy (multi-hop); other articles report the same event
independently (same names, numbers and a quote or two, their own sentences).

* ``mode="realistic"``: English text from a compositional grammar written for
  this module (sentence frames x templates x event facts), so unrelated
  stories share few word 5-shingles while copies keep their parent's text.
* ``mode="fast"``: ~450 pseudo-words per article drawn from a Zipf law over a
  large synthetic vocabulary, generated and rendered by numba; for 1M-10M
  article benchmarks. :func:`generate_to` streams blocks to JSONL or Parquet.

Output is a deterministic function of ``(n, seed, mode, options, chunk)``.
Corpora are generated in blocks of ``chunk`` articles (stories never cross a
block), so ``generate`` and ``generate_to`` with the same arguments produce the
same rows.

CLI::

    python -m provenance.tools.synth N OUT [--seed S] [--mode fast|realistic] [--format jsonl|parquet]
    python -m provenance.tools.synth sample data/sample

All text in this module was written for it; none is taken from real articles.
"""

from __future__ import annotations

import argparse
import html as _html
import io
import json
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numba import njit

__all__ = [
    "Corpus",
    "RELATIONS",
    "CREDIT_STYLES",
    "ARTICLE_COLUMNS",
    "TRUTH_SCHEMA",
    "DISCLAIMERS",
    "generate",
    "iter_blocks",
    "generate_to",
    "write_jsonl",
    "write_parquet",
    "write_sample",
    "main",
]

RELATIONS = (
    "original",
    "verbatim",
    "trimmed",
    "headline_changed",
    "added_intro",
    "edited",
    "partial",
    "rewrite",
    "independent",
)
R_ORIGINAL, R_VERBATIM, R_TRIMMED, R_HEADLINE, R_INTRO, R_EDITED, R_PARTIAL, R_REWRITE, R_INDEP = (
    range(9)
)

CREDIT_STYLES = ("none", "byline", "slug", "disclaimer", "cited")
C_NONE, C_BYLINE, C_SLUG, C_DISCLAIMER, C_CITED = range(5)

ARTICLE_COLUMNS = ("id", "url", "outlet", "published", "title", "byline", "text")

#: Ground truth, one row per article. ``event_id`` is extra: articles about
#: one event (a story's members and the independent reports of it) share it.
TRUTH_SCHEMA = pl.Schema(
    {
        "article_id": pl.String,
        "story_id": pl.String,
        "origin_id": pl.String,
        "origin_external": pl.String,
        "parent_id": pl.String,
        "parent_external": pl.String,
        "relation": pl.String,
        "credited": pl.String,
        "credit_style": pl.String,
        "lag_minutes": pl.Int64,
        "event_id": pl.String,
    }
)

DEFAULT_CHUNK = 50_000
DEFAULT_START = "2024-10-01T00:00:00+00:00"

# ---------------------------------------------------------------------------
# Publishers
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Regions: places and names
# ---------------------------------------------------------------------------

_NAMES = {
    "indian": (
        "Arjun Priya Rahul Meera Vikram Ananya Sanjay Kavita Rohan Deepa Aditya Sunita Karan Nisha "
        "Manoj Lakshmi Suresh Pooja Amit Rekha Harish Shalini Naveen Geeta Farhan Zoya Gurpreet Tenzin",
        "Sharma Verma Iyer Reddy Das Patel Nair Menon Gupta Rao Chauhan Banerjee Mishra Joshi Pillai "
        "Kulkarni Saxena Bhat Mehta Thakur Ghosh Naidu Kapoor Sinha Qureshi Dhillon Lepcha Borah",
    ),
    "korean": (
        "Min-jun Seo-yeon Ji-ho Ha-eun Do-hyun Soo-ah Jae-won Yu-na Sung-min Hye-jin Tae-yang Eun-ji "
        "Kyung-soo Mi-rae Dong-hwan Bo-ram",
        "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang",
    ),
    "chinese": (
        "Wei Fang Jun Lei Min Jing Hao Yan Tao Xiu Qiang Lin Bo Hui Kai Rong",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo",
    ),
    "japanese": (
        "Haruto Yui Sota Aoi Ren Hina Kenji Mai Daiki Emi Takeshi Naoko Ryo Sakura",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Mori",
    ),
    "european": (
        "Claire Julien Camille Antoine Elise Mathieu Sophie Lucas Ingrid Matteo Lena Tomas Ines Pavel",
        "Martin Bernard Dubois Laurent Moreau Lefevre Fournier Girard Keller Rossi Novak Almeida Brandt Costa",
    ),
    "anglo": (
        "Emma Daniel Grace Oliver Hannah Samuel Olivia James Rachel Thomas Laura Patrick Megan Victor",
        "Carter Hughes Bennett Foster Morgan Turner Collins Reed Hayes Brooks Sullivan Walsh Fraser Doyle",
    ),
    "african": (
        "Amara Kwame Zawadi Tunde Nia Kofi Ayo Wanjiru Thabo Fatou Jabari Lindiwe",
        "Okafor Mensah Otieno Abebe Diallo Kamau Nkosi Banda Achieng Mwangi Sesay Adeyemi",
    ),
}

# (city, country, country adjective, name pool)
_REGIONS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "india": tuple(
        (c, "India", "Indian", "indian")
        for c in (
            "New Delhi Mumbai Kolkata Chennai Bengaluru Hyderabad Lucknow Jaipur Patna Bhopal Guwahati "
            "Thiruvananthapuram Ahmedabad Pune Chandigarh Bhubaneswar Ranchi Dehradun Srinagar Shimla "
            "Raipur Imphal Panaji Visakhapatnam Nagpur Indore Kochi Madurai"
        )
        .replace("New Delhi", "New_Delhi")
        .split()
    ),
    "korea": tuple(
        (c, "South Korea", "South Korean", "korean")
        for c in [
            "Seoul",
            "Busan",
            "Incheon",
            "Daegu",
            "Gwangju",
            "Daejeon",
            "Ulsan",
            "Suwon",
            "Sejong",
            "Jeju",
            "Changwon",
            "Pohang",
        ]
    ),
    "china": tuple(
        (c, "China", "Chinese", "chinese")
        for c in [
            "Beijing",
            "Shanghai",
            "Guangzhou",
            "Shenzhen",
            "Chengdu",
            "Wuhan",
            "Hangzhou",
            "Tianjin",
            "Kunming",
            "Nanjing",
            "Harbin",
            "Lanzhou",
        ]
    ),
    "japan": tuple(
        (c, "Japan", "Japanese", "japanese")
        for c in [
            "Tokyo",
            "Osaka",
            "Nagoya",
            "Sapporo",
            "Fukuoka",
            "Kobe",
            "Kyoto",
            "Sendai",
            "Hiroshima",
            "Niigata",
            "Okayama",
        ]
    ),
    "europe": (
        ("Paris", "France", "French", "european"),
        ("Lyon", "France", "French", "european"),
        ("Marseille", "France", "French", "european"),
        ("Geneva", "Switzerland", "Swiss", "european"),
        ("Brussels", "Belgium", "Belgian", "european"),
        ("Berlin", "Germany", "German", "european"),
        ("Vienna", "Austria", "Austrian", "european"),
        ("Madrid", "Spain", "Spanish", "european"),
        ("Rome", "Italy", "Italian", "european"),
        ("Lisbon", "Portugal", "Portuguese", "european"),
        ("Dakar", "Senegal", "Senegalese", "african"),
        ("Abidjan", "Ivory Coast", "Ivorian", "african"),
    ),
    "world": (
        ("London", "Britain", "British", "anglo"),
        ("Manchester", "Britain", "British", "anglo"),
        ("Washington", "the United States", "US", "anglo"),
        ("Chicago", "the United States", "US", "anglo"),
        ("Toronto", "Canada", "Canadian", "anglo"),
        ("Sydney", "Australia", "Australian", "anglo"),
        ("Singapore", "Singapore", "Singaporean", "chinese"),
        ("Nairobi", "Kenya", "Kenyan", "african"),
        ("Johannesburg", "South Africa", "South African", "african"),
        ("Lagos", "Nigeria", "Nigerian", "african"),
        ("Accra", "Ghana", "Ghanaian", "african"),
        ("Dubai", "the United Arab Emirates", "Emirati", "anglo"),
    ),
}
_REGIONS["india"] = tuple((c.replace("_", " "), *rest) for c, *rest in _REGIONS["india"])  # type: ignore[misc]

_MONEY = {
    "india": ("Rs {a} crore", (120, 9800)),
    "korea": ("{a} billion won", (40, 4800)),
    "china": ("{a} million yuan", (60, 9200)),
    "japan": ("{a} billion yen", (3, 880)),
    "europe": ("{a} million euros", (4, 960)),
    "world": ("${a} million", (5, 990)),
}
_MEDIA = {
    "india": (
        "local television channels",
        "officials in the state government",
        "regional newspapers",
    ),
    "korea": ("local media outlets", "South Korean broadcasters", "government sources in Seoul"),
    "china": ("state media", "local officials", "a government notice"),
    "japan": ("public broadcaster reports", "government sources", "local media"),
    "europe": (
        "local media outlets",
        "officials familiar with the matter",
        "a government statement",
    ),
    "world": (
        "local media outlets",
        "people familiar with the matter",
        "officials briefed on the plan",
    ),
}

_COMPANY_A = [
    "Sun",
    "Blue",
    "Silver",
    "River",
    "North",
    "Bright",
    "Iron",
    "Lotus",
    "Summit",
    "Harbor",
    "Crest",
    "Maple",
    "Coral",
    "Falcon",
    "Amber",
    "Cedar",
    "Orbit",
    "Prism",
    "Delta",
    "Nova",
    "Jade",
    "Opal",
    "Quartz",
    "Willow",
]
_COMPANY_B = [
    "vale",
    "line",
    "point",
    "field",
    "gate",
    "stone",
    "wave",
    "bridge",
    "core",
    "path",
    "ridge",
    "haven",
]
_COMPANY_C = [
    "Technologies",
    "Industries",
    "Energy",
    "Motors",
    "Systems",
    "Holdings",
    "Logistics",
    "Pharma",
    "Networks",
    "Foods",
]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MON = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sep", "Oct", "Nov", "Dec")
_MOND = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)

# ---------------------------------------------------------------------------
# Topics: the vocabulary that event facts are drawn from
# ---------------------------------------------------------------------------


def _t(s: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in s.split(";") if x.strip())


_TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "defence": dict(
        noun=_t("defence"),
        roles=_t(
            "Defence Minister; Army Chief; Navy Spokesperson; Air Marshal; Deputy Defence Minister; Military Intelligence Director"
        ),
        orgs=_t(
            "the defence ministry; the joint chiefs of staff; the national intelligence service; the coast guard; the border security command; the military procurement agency"
        ),
        adj=_t(
            "joint; large-scale; three-day; night-time; coastal; long-range; unannounced; week-long"
        ),
        subj=_t(
            "naval exercise; missile test; troop rotation; border patrol operation; air defence drill; surveillance flight programme; artillery exercise; amphibious landing drill"
        ),
        issues=_t(
            "cross-border troop movements; illegal arms transfers; repeated airspace violations; a widening military partnership; the deployment of foreign personnel; drone incursions along the frontier"
        ),
        units=_t("troops; soldiers; warships; fighter jets; personnel; armoured vehicles"),
        triggers=_t(
            "reports of unusual troop movements; satellite images released by analysts; a series of drone sightings; a warning from allied intelligence agencies"
        ),
        actions=_t(
            "strengthen surveillance along the northern frontier; expand joint training with partner navies; upgrade radar stations on outlying islands; review the readiness of reserve units"
        ),
    ),
    "economy": dict(
        noun=_t("trade and investment"),
        roles=_t(
            "Finance Minister; Central Bank Governor; Commerce Secretary; Chief Economic Adviser; Trade Minister; Revenue Secretary"
        ),
        orgs=_t(
            "the finance ministry; the central bank; the statistics office; the chamber of commerce; the export promotion council; the tax authority"
        ),
        adj=_t("revised; phased; emergency; nationwide; targeted; five-year; interim"),
        subj=_t(
            "fuel subsidy scheme; export credit programme; tax relief package; small business loan plan; customs overhaul; infrastructure bond sale; tariff review"
        ),
        issues=_t(
            "rising food prices; a slowdown in factory output; weak export demand; volatile currency markets; a shortage of affordable credit; stubborn core inflation"
        ),
        units=_t("companies; exporters; small firms; households; jobs"),
        triggers=_t(
            "weaker-than-expected growth figures; a sharp fall in exports last quarter; pressure from industry associations; a surprise jump in consumer prices"
        ),
        actions=_t(
            "cut borrowing costs for small traders; simplify the filing of indirect taxes; widen access to export insurance; trim the fiscal deficit"
        ),
    ),
    "health": dict(
        noun=_t("public health"),
        roles=_t(
            "Health Minister; Health Secretary; Director of Public Health; Chief Medical Officer; Disease Control Commissioner"
        ),
        orgs=_t(
            "the health ministry; the disease control agency; the state medical council; the national vaccination board; the public hospitals association"
        ),
        adj=_t("door-to-door; free; mandatory; expanded; pilot; school-based"),
        subj=_t(
            "vaccination drive; screening campaign; dengue control programme; mobile clinic network; nutrition scheme; hospital upgrade plan"
        ),
        issues=_t(
            "a surge in respiratory infections; shortages of essential medicines; overcrowded emergency wards; rising cases of dengue; gaps in rural health coverage"
        ),
        units=_t("patients; health workers; children; hospital beds; clinics"),
        triggers=_t(
            "a spike in hospital admissions; warnings from district health officers; the findings of a national survey; complaints from patient groups"
        ),
        actions=_t(
            "hire more nurses for district hospitals; distribute test kits to village clinics; extend outpatient hours; set up fever clinics in crowded neighbourhoods"
        ),
    ),
    "disaster": dict(
        noun=_t("disaster response"),
        roles=_t(
            "Disaster Management Minister; Chief Meteorologist; Relief Commissioner; Fire Service Chief; District Collector"
        ),
        orgs=_t(
            "the meteorological department; the disaster response force; the relief commissioner's office; the flood control board; the civil defence corps"
        ),
        adj=_t("round-the-clock; large-scale; emergency; coordinated; multi-district"),
        subj=_t(
            "rescue operation; evacuation effort; relief distribution; flood warning system; landslide clearance drive"
        ),
        issues=_t(
            "heavy overnight rainfall; overflowing rivers; damaged power lines; blocked mountain roads; landslides in hilly districts; a severe cold wave"
        ),
        units=_t("residents; families; villages; relief camps; rescue boats"),
        triggers=_t(
            "a red alert issued by forecasters; a breach in a river embankment; days of torrential rain; reports of stranded villagers"
        ),
        actions=_t(
            "move families from low-lying areas; restore electricity to affected districts; reopen the highway to traffic; deploy additional rescue boats"
        ),
    ),
    "technology": dict(
        noun=_t("digital infrastructure"),
        roles=_t(
            "IT Minister; Chief Technology Officer; Cybersecurity Director; Telecom Secretary; Chief Executive"
        ),
        orgs=_t(
            "the telecom regulator; the cybersecurity agency; the electronics ministry; the data protection board; the national semiconductor mission"
        ),
        adj=_t("nationwide; next-generation; open; secure; AI-based; low-cost"),
        subj=_t(
            "5G rollout; chip fabrication plant; data centre project; digital identity platform; satellite internet service; cloud computing hub"
        ),
        issues=_t(
            "a wave of ransomware attacks; concerns over user privacy; a global shortage of chips; outages on mobile networks; the spread of fraudulent apps"
        ),
        units=_t("users; engineers; start-ups; mobile towers; servers"),
        triggers=_t(
            "a breach affecting millions of accounts; a slowdown in network speeds; complaints about spam calls; a review ordered by parliament"
        ),
        actions=_t(
            "tighten rules for storing personal data; offer incentives to chip designers; connect remote villages to broadband; audit the security of government websites"
        ),
    ),
    "sport": dict(
        noun=_t("sport"),
        roles=_t("Sports Minister; Head Coach; Team Captain; Federation President; Chief Selector"),
        orgs=_t(
            "the national cricket board; the football federation; the olympic association; the hockey federation; the athletics federation"
        ),
        adj=_t("upcoming; two-match; home; qualifying; preparatory"),
        subj=_t(
            "Test series; championship campaign; training camp; qualifying tournament; league season"
        ),
        issues=_t(
            "a string of injuries; poor form in the middle order; a dispute over selection; delays in stadium upgrades; concerns over player workload"
        ),
        units=_t("players; athletes; matches; spectators; medals"),
        triggers=_t(
            "a heavy defeat in the last match; the withdrawal of two senior players; criticism from former captains; a review of the selection process"
        ),
        actions=_t(
            "give younger players more game time; rotate the fast bowlers; hold a camp at high altitude; bring in a specialist fielding coach"
        ),
    ),
    "courts": dict(
        noun=_t("legal reform"),
        roles=_t(
            "Chief Justice; Attorney General; Solicitor General; Senior Advocate; Police Commissioner"
        ),
        orgs=_t(
            "the supreme court; the high court; the central investigation bureau; the anti-corruption bureau; the state police"
        ),
        adj=_t("fresh; detailed; time-bound; independent; court-monitored"),
        subj=_t("inquiry; hearing; bail plea; corruption probe; petition; charge sheet"),
        issues=_t(
            "delays in the investigation; alleged irregularities in land allocation; the detention of activists; missing case records; a pattern of custodial complaints"
        ),
        units=_t("accused; witnesses; officials; documents; properties"),
        triggers=_t(
            "a petition filed by residents; new evidence submitted by investigators; the arrest of a senior official; a complaint by opposition members"
        ),
        actions=_t(
            "submit a status report within four weeks; freeze the bank accounts of the accused; protect the identity of witnesses; transfer the case to a special bench"
        ),
    ),
    "politics": dict(
        noun=_t("electoral matters"),
        roles=_t(
            "Chief Minister; Opposition Leader; Parliamentary Affairs Minister; Party President; Election Commissioner"
        ),
        orgs=_t(
            "the election commission; the ruling coalition; the main opposition party; the state assembly; the parliamentary committee"
        ),
        adj=_t("crucial; by-election; upcoming; special; two-phase"),
        subj=_t(
            "assembly session; seat-sharing agreement; no-confidence motion; voter registration drive; by-election campaign; cabinet reshuffle"
        ),
        issues=_t(
            "defections from the ruling bloc; allegations of voter list errors; a row over seat sharing; protests by farmers' unions; a dispute over the speaker's role"
        ),
        units=_t("voters; lawmakers; polling stations; candidates; seats"),
        triggers=_t(
            "the resignation of two ministers; a walkout by opposition members; complaints from rival candidates; the announcement of the poll schedule"
        ),
        actions=_t(
            "hold the vote in two phases; deploy additional observers; publish the revised voter rolls; convene an all-party meeting"
        ),
    ),
    "transport": dict(
        noun=_t("transport links"),
        roles=_t(
            "Transport Minister; Railway Board Chairman; Civil Aviation Secretary; Metro Managing Director; Ports Minister"
        ),
        orgs=_t(
            "the railway ministry; the civil aviation authority; the highways authority; the metro rail corporation; the port trust"
        ),
        adj=_t("high-speed; elevated; new; six-lane; long-delayed; driverless"),
        subj=_t(
            "rail corridor; metro line; airport terminal; expressway project; ferry service; freight terminal"
        ),
        issues=_t(
            "chronic traffic congestion; delays in land acquisition; cost overruns; a shortage of trained pilots; safety lapses at level crossings"
        ),
        units=_t("passengers; trains; flights; kilometres; buses"),
        triggers=_t(
            "a derailment near a busy junction; complaints about overcrowding; an audit of pending projects; the approval of fresh funding"
        ),
        actions=_t(
            "complete the track doubling work; add more coaches to suburban trains; open the terminal to domestic flights; install automatic signalling"
        ),
    ),
    "environment": dict(
        noun=_t("conservation"),
        roles=_t(
            "Environment Minister; Forest Conservator; Pollution Control Chairman; Wildlife Warden; Climate Envoy"
        ),
        orgs=_t(
            "the environment ministry; the pollution control board; the forest department; the wildlife institute; the climate change council"
        ),
        adj=_t("ambitious; long-term; city-wide; restoration; emergency"),
        subj=_t(
            "clean air plan; tree planting campaign; wetland protection project; ban on single-use plastics; tiger census; river clean-up mission"
        ),
        issues=_t(
            "hazardous air quality; illegal sand mining; shrinking forest cover; poaching in protected areas; untreated sewage in rivers"
        ),
        units=_t("trees; hectares; species; industrial units; tonnes of waste"),
        triggers=_t(
            "a spike in pollution readings; the death of a tigress near a highway; satellite data on forest loss; a report on groundwater depletion"
        ),
        actions=_t(
            "shut polluting brick kilns; set up more air quality monitors; fence the core areas of the reserve; impose fines on illegal dumping"
        ),
    ),
    "education": dict(
        noun=_t("schooling"),
        roles=_t(
            "Education Minister; Vice-Chancellor; School Education Secretary; Exam Board Chairman; Principal Secretary"
        ),
        orgs=_t(
            "the education ministry; the school examination board; the university grants body; the national testing agency; the teachers' federation"
        ),
        adj=_t("revised; four-year; digital; merit-based; bilingual"),
        subj=_t(
            "curriculum framework; entrance examination; scholarship scheme; teacher recruitment drive; school meal programme"
        ),
        issues=_t(
            "a paper leak in the entrance test; teacher vacancies in rural schools; rising dropout rates; a shortage of classrooms; delays in declaring results"
        ),
        units=_t("students; teachers; schools; colleges; candidates"),
        triggers=_t(
            "protests by aspiring candidates; the findings of an audit; a sharp fall in enrolment; a court order on admissions"
        ),
        actions=_t(
            "hold a re-examination for affected candidates; fill vacant teaching posts; provide tablets to senior students; publish results within a month"
        ),
    ),
    "space": dict(
        noun=_t("space research"),
        roles=_t(
            "Space Agency Chairman; Mission Director; Science Minister; Chief Scientist; Project Director"
        ),
        orgs=_t(
            "the space agency; the national science academy; the atomic energy commission; the ocean research institute; the national observatory"
        ),
        adj=_t("lunar; reusable; solar; deep-sea; crewed; experimental"),
        subj=_t(
            "launch vehicle test; orbiter mission; satellite launch; research expedition; telescope project"
        ),
        issues=_t(
            "delays in engine qualification; a budget squeeze on research; a glitch in the guidance system; concerns over space debris"
        ),
        units=_t("satellites; scientists; experiments; kilograms of payload; tests"),
        triggers=_t(
            "a successful static fire test; a delay caused by bad weather; the failure of a previous launch; the approval of the mission by the cabinet"
        ),
        actions=_t(
            "launch the satellite from the coastal spaceport; test the crew escape system; share data with international partners; build a second launch pad"
        ),
    ),
}
_TOPIC_NAMES = tuple(_TOPICS)

# ---------------------------------------------------------------------------
# Sentence frames. "[a|b]" picks one alternative; "{SLOT}" is an event fact.
# Every template of a frame uses the same facts, so a rewrite can re-render a
# sentence with another template and say the same thing in other words.
# ---------------------------------------------------------------------------

_FRAMES: dict[str, tuple[str, ...]] = {
    "LEAD": (
        "{ORG1C} said on {DAY} it is [closely|carefully|actively] [monitoring|reviewing|tracking] {ISSUE1}, [following|after] {TRIGGER}.",
        "{R1} {P1} on {DAY} announced {SUBJ} [in|for] {PLACE}, [saying|stating] the move [was needed|had become necessary] [because of|in view of] {ISSUE1}.",
        "[Authorities|Officials] in {PLACE} [have decided|decided on {DAY}] to [go ahead with|press ahead with] {SUBJ} [despite|amid] {ISSUE1}, {ORG1} said.",
        "{SUBJDC} [will begin|is set to begin|will start] [next week|later this month|within days], {R1} {P1} told [reporters|journalists] in {PLACE} on {DAY}.",
        "In a [major|significant|closely watched] [move|step|decision], {ORG1} on {DAY} [cleared|approved|unveiled] {SUBJ} [aimed at|intended to address] {ISSUE1}.",
        "{PLACE} turned its attention to {SUBJ} on {DAY} after {ORG1} [confirmed|announced|said] it would [move ahead|proceed] [despite|amid] {ISSUE1}.",
    ),
    "DETAIL": (
        "{SUBJDC} is expected to [involve|include|cover] [up to|as many as|nearly] {N1} {UNIT1}, [officials said|according to officials|an official said].",
        "[Nearly|About|More than] {N1} {UNIT1} [will take part|are expected to take part|will be covered] [in the first phase|initially|over the coming weeks], [with|and] {N2} {UNIT2} [to follow|joining later|set to join] [by|before] {MONTHN}.",
        "The [plan|programme|project] [carries|has] [an estimated|a projected|a total] cost of {MONEY}, [of which|with] {PCT} [to be borne by|coming from] {ORG2}.",
        "[Officials|The ministry] put the [number|figure] at {N1} {UNIT1}, {PCTA} [rise|increase|jump] [from|over] the [same period last year|previous year|figure recorded in {YEAR}].",
        "[Under|As per] the [plan|proposal|scheme], {N1} {UNIT1} [would|will] be [deployed|involved|covered] [across|in] {PLACE} and {PLACE2} [over|during] the [coming|next] [weeks|months].",
    ),
    "QUOTE": (
        '"{Q}," {SPK} said [when asked about|in response to questions on] {QISSUE}.',
        '"{Q}," {SPKN} [told|said in a statement to] [reporters|the media|lawmakers].',
        '{SPKN}, the {spkr}, said: "{Q}."',
        '"{Q}," {SPKR} [added|said later|stressed].',
        '[Speaking|Talking] to [reporters|the media] in {PLACE}, {SPKN} said, "{Q}."',
    ),
    "REACTION": (
        "{ORG2C} also said it [is working|was working] to [verify|assess|study] the [reports|findings|details] [while keeping|and was keeping] [in close touch|in contact] with {ORG3}.",
        "[Separately|Meanwhile|In a separate statement], {ORG2} [said|noted] that {ISSUE2} [remained|was still|continued to be] [a serious concern|a key concern|a major worry] [for|among] {UNIT1}.",
        "{ORG2C} [welcomed|cautiously welcomed|questioned] the [decision|move|announcement], [saying|arguing] that {ISSUE2} [needed|required|deserved] [urgent attention|a long-term fix|closer scrutiny].",
        "[Opposition|Industry|Community] [leaders|groups|representatives] in {PLACE2} [criticised|questioned|backed] the [timing|scale|cost] of {SUBJD}, [calling for|demanding|seeking] [greater transparency|a detailed briefing|wider consultation].",
        "[Residents|Traders|Local officials] [who spoke to|contacted by|interviewed by] [reporters|the media] in {PLACE} [gave|offered|had] [mixed|cautious|largely positive] [reactions|responses|views] to {SUBJD}.",
    ),
    "CONTEXT": (
        "{COUNTRYC} has [repeatedly|often|in the past] [raised concerns about|warned against|complained about] {ISSUE2}, which [officials|critics|analysts] [say|believe] [has worsened|has grown|has intensified] since {YEAR}.",
        "[The problem of|The issue of] {ISSUE1} [has been|had been] [a recurring|a long-standing|a growing] [concern|worry|challenge] in {PLACE} and [neighbouring|surrounding] [districts|areas|regions], where {N2} {UNIT2} [were affected|were reported|were recorded] last year.",
        "[Analysts|Experts|Observers] [say|said|believe] {SUBJD} [could|may|is likely to] [ease|reduce|address] {ISSUE1} [but|although they] [warned|cautioned|noted] that {ISSUE2} [would take longer to fix|remained unresolved|needed separate measures].",
        "[Critics|Residents|Local groups] [have long|have repeatedly] [argued|complained|pointed out] that {ISSUE2} [was|had been] [ignored|neglected|played down] in {PLACE2}.",
        "[The|This] [latest|most recent] [step|development|move] [follows|comes after] [months of|a year of|weeks of] [debate|pressure|negotiations] over {ISSUE1} [in|across] {COUNTRY}.",
    ),
    "HISTORY": (
        "Last {PERIOD}, {R2} {P2} told {AUD} that {ORG1} [was likely to|would|planned to] {ACTION}.",
        "[Earlier|Back] in {MONTHP}, {P2} [had said|said|announced] that the [government|administration|ministry] [would|intended to|wanted to] {ACTION} [by|before] {YEAR1}.",
        "The [announcement|decision|move] [comes|came] [weeks|months|days] after {P2}, the {r2}, [promised|pledged|vowed] to {ACTION}.",
        "[Only|Just] last {PERIOD}, {P2} had [indicated|hinted|signalled] that {ORG1} [might|could|would] {ACTION} if {ISSUE1} [persisted|continued|worsened].",
        "{ORG1C} first [floated|raised|mooted] a proposal to {ACTION} in {MONTHP}, according to {P2}, the {r2}.",
    ),
    "STAT": (
        "According to {ORG2}, {N2} {UNIT2} [were|had been] [recorded|reported|registered] in {PLACE} [so far this year|in the past month|since January], [up|down] {PCT} from {YEAR}.",
        "[Data|Figures] [released|published|compiled] by {ORG2} [show|showed|indicate] that {PCT} of {UNIT1} in {PLACE2} [were|had been] [affected|covered|included] [by the end of|as of] {MONTHP}.",
        "[Official|Government|Provisional] [estimates|numbers|records] [put|place] the [total|count|tally] at {N2} {UNIT2} [for|across] {PLACE} and {PLACE2} [combined|together].",
        "[In|Across] {PLACE2}, the share of {UNIT1} [affected|covered|involved] [rose|climbed|grew] to {PCT} [in|during] {MONTHP}, {ORG2} [said|estimated|reported].",
    ),
    "BACKGROUND": (
        "{PLACE} and {PLACE2} [have|had] [recently|in recent months] [stepped up|expanded|deepened] [cooperation|coordination] on {TOPICNOUN}, with {P3} and {P2} [signing|agreeing on|finalising] [a new|an updated|a joint] [agreement|framework|pact] in {MONTHP}.",
        "{SUBJDC} was first [proposed|announced|discussed] in {YEAR}, but [progress|work|implementation] [stalled|slowed|was delayed] [because of|due to|amid] {ISSUE2}.",
        "{P3}, [who|a former official who] [heads|leads|chairs] {ORG3}, [said|noted|argued] that the [plan|effort|project] [would|could|might] [benefit|help|support] [more than|nearly|around] {N2} {UNIT2}.",
        "[Work|Planning|Preparation] for {SUBJD} [has involved|has drawn in|brought together] {ORG2}, {ORG3} and [several|a number of|dozens of] [local|district|regional] [bodies|agencies|offices].",
    ),
    "PLAN": (
        "{P1} is [scheduled|expected|due] to [visit|travel to|hold talks in] {PLACE2} [next week|later this month|on {DAY2}] to {ACTION}.",
        "{ORG1C} [will|plans to|is expected to] [submit|present|publish] a [detailed|final|progress] [report|review|plan] [to|before] {ORG3} [by|before] the end of {MONTHN}.",
        "A [final|formal|detailed] decision on {SUBJD} [is expected|will be taken|is likely] [after|following] [consultations with|a meeting of|talks with] {ORG3} [next month|in the coming weeks|before {MONTHN}].",
        "[Officials|Authorities] in {PLACE} [said|indicated] the [next|following] [phase|stage] would [depend on|hinge on|be shaped by] how [quickly|soon] {ISSUE1} [could be|was] [brought under control|contained|resolved].",
        "{R1} {P1} [has called|called|will chair] a [review|meeting|briefing] [on|for] {DAY2} [with|involving] {ORG2} and {ORG3}.",
    ),
    # An independent reporter's own sentences about an event (never used by the wire copy).
    "INDEP": (
        "{PLACE} is [bracing for|preparing for|weighing] {SUBJ}, with {ORG1} [insisting|maintaining|arguing] that it [cannot wait|must go ahead|is overdue] despite {ISSUE1}.",
        "Going by [figures|numbers] [shared|circulated|made available] by {ORG2}, [some|roughly|around] {N1} {UNIT1} [stand to be|could be|are likely to be] [affected|involved|covered].",
        "For [people|families|many] in {PLACE2}, {ISSUE2} [is not|has never been] [an abstract|a distant|an academic] [worry|question|debate].",
        "{P1}, who serves as {r1}, has made {SUBJD} [a centrepiece of|central to|a priority of] [the|this year's] [agenda|programme|plans].",
        "The [price tag|bill|budget] of {MONEY} has [raised eyebrows|drawn questions|prompted debate] among [members of|officials at] {ORG3}.",
        "Since {SUBJD} was [first mooted|floated|first talked about] in {YEAR}, [little|not much] has [moved|happened|changed] on the ground, [critics say|residents complain|some argue].",
        "{P2} and {P3} are [among|part of] [those|the officials] [expected|due|scheduled] to [weigh in|attend|speak] when {ORG3} [meets|convenes] [next|this coming] {DAY2}.",
        "[Numbers|Statistics] [from|compiled by] {ORG2} [point to|suggest|reflect] {PCTA} [shift|change|swing] since {YEAR}, [a trend officials want to reverse|which has sharpened the debate|a figure often cited by critics].",
        "What happens next depends [largely|mostly|in part] on whether {ORG1} [can|will be able to] {ACTION} [in time|on schedule|this year].",
        "{TRIGGERC} [set off|prompted|sparked] the [latest|current|present] [round of|wave of] [discussion|activity|decisions] in {PLACE}.",
        "[Local|Regional] [representatives|leaders|officials] in {PLACE2} [have sought|want|have asked for] [clarity|assurances|answers] on how {ISSUE1} [will be|is to be] [handled|dealt with|tackled].",
        "{N2} {UNIT2} were [counted|logged|listed] [last year|the previous year|in {YEAR}] [alone|in all|overall], [by one official estimate|official records show|according to one count].",
        "[Observers|Watchers|Specialists] in {COUNTRY} [expect|anticipate|predict] [more|further|additional] [announcements|steps|decisions] [before|ahead of] {MONTHN}.",
        "The [matter|issue] has [dominated|featured in|topped] [local|regional|public] [debate|discussion|headlines] in {PLACE} [for days|all week|since {DAY2}].",
        "[Speaking separately|In a separate briefing|Elsewhere], {R2} {P2} [said|noted|pointed out] that {ORG2} [was|is] [ready|prepared|willing] to {ACTION}.",
        "{ORG1C} [did not respond|has not responded] to [requests|a request|queries] for [further|more|additional] [comment|details|information] [by the time of publication|late on {DAY}|by press time].",
        "[Several|A few|Many] {UNIT1} [told this reporter|said in conversations|told local reporters] that they [had heard little|knew little|were given few details] about {SUBJD}.",
        "[Back|Earlier] in {MONTHP}, the [same|very same] [concern|question|issue] [came up|surfaced|was raised] when {P3} [addressed|spoke to|met] [residents|traders|students] in {PLACE}.",
    ),
    # An outlet's own opening paragraph before a wire copy.
    # Quote attributions used only by independent reports of an event.
    "IQUOTE": (
        'In remarks on {DAY}, {SPKN} said: "{Q}."',
        '{SPKN} [put it bluntly|was emphatic|did not mince words]: "{Q}."',
        '"{Q}," {SPKN} [was quoted as saying|said at a public event|remarked at a briefing] [in|near] {PLACE}.',
        '[Asked about|Questioned on] the [matter|issue] [later in the day|that evening], {SPKN} [replied|answered], "{Q}."',
    ),
    "INTRO": (
        "[Here is|Below is] [what we know|the latest] [about|on] {SUBJD} [in|near] {PLACE}, [which|a development that] [has drawn|is drawing] [attention|scrutiny|interest] from [residents|officials|analysts] [across the region|nationwide|in {COUNTRY}].",
        "{PLACE} [is|was] [once again|again] [in focus|in the spotlight] [this week|on {DAY}] as {ISSUE1} [dominates|shapes|colours] [the debate|discussions|public conversation] [over|around] {SUBJD}.",
        "[Readers|Our readers] have been [asking|writing to us] about {ISSUE1}; the [following|wire] report [explains|sets out|describes] [where things stand|the latest position|what officials have said].",
        "[In a development|In news] [that|which] [could|may] [affect|matter to|concern] {N2} {UNIT2}, [authorities|officials] [have moved|acted on {DAY}|spoke on {DAY}] on {SUBJD}.",
    ),
}

_TITLES = (
    "{CADJ} {ORG1S} '[closely|carefully]' monitoring {ISSUE1}",
    "{S1} [says|vows] {SUBJD} will go ahead [despite|amid] {ISSUE1}",
    "{N1} {UNIT1} [to join|expected in|set for] {SUBJD} [in|near] {PLACE}",
    "{PLACE}: {ORG1SC} [clears|approves|unveils] {SUBJS}",
    "[Concern grows|Worry mounts|Questions raised] over {ISSUE1} in {PLACE}",
    "{ORG2SC} [flags|highlights|warns of] {ISSUE2} as {SUBJD} [nears|gets under way|begins]",
    "{R1} {P1} [announces|unveils|outlines] {SUBJ} for {PLACE}",
    "{SUBJDC} [could|may] [cost|need] {MONEY}, [says|estimates] {ORG2S}",
    "'{QSHORT}': {S1} on {SUBJS}",
    "{PLACE} [braces for|prepares for|gears up for] {SUBJD} as {ISSUE1} [persists|continues|deepens]",
)

_QUOTES = (
    "As there is a [possibility|chance|risk] of {ISSUE1}, [this|the situation] is being [closely|carefully] [monitored|watched] [at every level|round the clock|by all agencies]",
    "We [will not|cannot] [allow|accept] {ISSUE1} to [derail|delay|undermine] {SUBJD}, and we [will|shall] [act|respond] [firmly|decisively|promptly] if [needed|required]",
    "{SUBJDC} is [not just|not merely] about {N1} {UNIT1}; it is about [the future of|trust in|the safety of] [every family|every citizen|people] in {PLACE}",
    "Our [teams|officers|staff] have been [working|on the ground] [day and night|since early morning|for weeks], and [I want to|let me] [assure|tell] [people|residents|the public] in {PLACE2} that [help|support|relief] [is on its way|will be available|will be provided]",
    "[Any|Every] [step|measure|action] that [directly or indirectly|in any way] [worsens|fuels|encourages] {ISSUE2} [is|would be] [unacceptable|a violation of our commitments|against the public interest]",
    "We [once again|again|strongly] [urge|call on|ask] {ORG2} to [halt|stop|reconsider] [what it is doing|its current course|these actions] and [return to|resume] [dialogue|consultations|talks] on {ISSUE2}",
    "[The numbers|These figures|The data] [speak for themselves|tell a clear story|are worrying]: {PCT} [more|fewer] {UNIT2} than in {YEAR}, [and|so] we [need|have] to {ACTION}",
    "I have [asked|directed|instructed] [officials|the department|my team] to {ACTION} [within a fortnight|in the next thirty days|within two weeks]",
    "There is [no|absolutely no] [reason|case|need] to [panic|worry|delay], but [we are|I am] [keeping a close watch|watching closely|staying alert] [on|over] {ISSUE2}",
    "{PLACE} [deserves|needs|has waited long enough for] {SUBJ}, and [we|this administration] [intend|want|plan] to [deliver it|see it through|finish the job] [before|by] {YEAR1}",
    "This is a [difficult|challenging|delicate] [moment|period|situation] for {UNIT1} in {PLACE2}, [and|but] [our|the] [priority|focus|aim] [remains|is] to {ACTION}",
    "We are also [cooperating|working|coordinating] with {ORG3} to [confirm|verify|check] [the reports|the details|these claims] about {ISSUE1}",
)

#: Word substitutions used by light edits and rewrites.
_SYN: dict[str, tuple[str, ...]] = {
    "said": ("stated", "noted"),
    "announced": ("declared", "revealed"),
    "monitoring": ("watching", "observing"),
    "closely": ("carefully", "keenly"),
    "officials": ("authorities",),
    "expected": ("likely", "set"),
    "nearly": ("almost", "close to"),
    "working": ("striving", "trying"),
    "concern": ("worry", "issue"),
    "problem": ("challenge", "difficulty"),
    "reports": ("accounts", "claims"),
    "decision": ("ruling", "call"),
    "move": ("step", "measure"),
    "plan": ("proposal", "scheme"),
    "recently": ("lately", "of late"),
    "however": ("but", "still"),
    "warned": ("cautioned", "alerted"),
    "reviewing": ("examining", "studying"),
    "tracking": ("following", "watching"),
    "major": ("big", "key"),
    "significant": ("notable", "important"),
    "repeatedly": ("again and again", "time and again"),
    "cleared": ("approved", "passed"),
    "approved": ("cleared", "sanctioned"),
    "unveiled": ("launched", "presented"),
    "criticised": ("slammed", "faulted"),
    "questioned": ("queried", "challenged"),
    "welcomed": ("hailed", "praised"),
    "added": ("went on to say", "continued"),
    "stressed": ("emphasised", "underlined"),
    "told": ("informed", "briefed"),
    "reporters": ("journalists", "mediapersons"),
    "government": ("administration", "authorities"),
    "begin": ("start", "commence"),
    "increase": ("rise", "jump"),
    "rise": ("increase", "climb"),
    "cost": ("price tag", "outlay"),
    "district": ("area", "region"),
    "residents": ("locals", "inhabitants"),
    "scheduled": ("slated", "due"),
    "visit": ("tour", "travel to"),
    "data": ("figures", "statistics"),
    "figures": ("data", "numbers"),
    "show": ("indicate", "suggest"),
    "noted": ("observed", "remarked"),
    "also": ("further", "additionally"),
    "recorded": ("logged", "registered"),
    "urgent": ("pressing", "immediate"),
    "detailed": ("comprehensive", "thorough"),
    "final": ("conclusive", "definitive"),
    "nationwide": ("countrywide", "national"),
    "authorities": ("officials", "administrators"),
    "agreement": ("accord", "deal"),
    "since": ("ever since", "from"),
    "likely": ("expected", "poised"),
}

#: Auto-publication disclaimers an outlet appends to an unedited agency copy.
#: {outlet} is the outlet's display name. All are matched by
#: provenance.extract.boilerplate.DISCLAIMER (tested).
DISCLAIMERS = (
    "Disclaimer: This post has been auto-published from an agency feed without any modifications to the text and has not been reviewed by an editor",
    "This story has been published from a wire agency feed without modifications to the text.",
    "Only the headline of this report may have been reworked by {outlet} staff; the rest of the content is auto-generated from a syndicated feed.",
    "This article has not been edited by {outlet} staff and is published from a syndicated news feed.",
)

# ---------------------------------------------------------------------------
# The grammar engine
# ---------------------------------------------------------------------------

_ALT = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([A-Za-z0-9_]+)\}")


def _expand(tpl: str, args: dict[str, str], r: random.Random) -> str:
    s = _ALT.sub(lambda m: r.choice(m.group(1).split("|")), tpl)
    s = _SLOT.sub(lambda m: args[m.group(1)], s)
    return s


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _article(np_: str) -> str:
    return ("an " if np_[:1].lower() in "aeiou" else "a ") + np_


def _fmt_int(x: int) -> str:
    return f"{x:,}"


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


# ---------------------------------------------------------------------------
# The plan: who publishes what, copied from whom, when. Shared by both modes.
# ---------------------------------------------------------------------------

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
_COPY_RELS = (
    "verbatim",
    "trimmed",
    "headline_changed",
    "added_intro",
    "edited",
    "partial",
    "rewrite",
)


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


# ---------------------------------------------------------------------------
# Realistic mode: text operations on documents
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Fast mode: Zipf pseudo-words, generated and rendered by numba
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Assembly: ids, records, truth
# ---------------------------------------------------------------------------

_M64 = (1 << 64) - 1


def _splitmix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: a bijection on uint64, so distinct inputs give distinct ids."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _key(seed: int, salt: int) -> int:
    return int(_splitmix(np.array([(seed * 0x2545F4914F6CDD1D + salt) & _M64], np.uint64))[0])


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def _hex_ids(values: np.ndarray, key: int, prefix: str = "") -> pl.Series:
    h = _splitmix(values.astype(np.uint64) ^ np.uint64(key))
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    digits = _HEX[((h[:, None] >> shifts) & np.uint64(15)).astype(np.int64)]
    data = np.ascontiguousarray(digits).reshape(-1)
    offs = np.arange(0, 16 * len(values) + 1, 16, dtype=np.int64)
    s = _arrow_strings(data, offs)
    return (prefix + s) if prefix else s


def _parse_start(start: str | datetime) -> int:
    dt = datetime.fromisoformat(start) if isinstance(start, str) else start
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int((dt - _EPOCH).total_seconds() // 60)


def _pub_tables(n_out: int) -> dict[str, list[str]]:
    outs = _outlets(n_out)
    return {
        "outlet": [a.name for a in AGENCIES] + [ot.slug for ot in outs],
        "name": [a.name for a in AGENCIES] + [ot.name for ot in outs],
        "tz": [a.tz for a in AGENCIES] + ["+05:30"] * len(outs),
        "host": [f"{a.name.lower()}.wire.example" for a in AGENCIES] + [ot.slug for ot in outs],
        "section": ["story"] * len(AGENCIES) + [ot.section for ot in outs],
    }


def _published(time_min: np.ndarray, pub: np.ndarray, missing: np.ndarray, n_out: int) -> pl.Series:
    tz = _pub_tables(n_out)["tz"]
    off_min = np.array(
        [(-1 if z[0] == "-" else 1) * (int(z[1:3]) * 60 + int(z[4:6])) for z in tz], np.int64
    )
    local = time_min + off_min[pub]
    df = pl.DataFrame({"t": local * 60, "tz": pl.Series(tz)[pl.Series(pub)], "m": missing})
    out = df.select(
        pl.when(~pl.col("m"))
        .then(
            pl.from_epoch(pl.col("t"), time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S")
            + pl.col("tz")
        )
        .alias("published")
    )
    return out["published"]


def _block(
    b: int, plan: _Plan, seed: int, mode: str, o: _Options, row_offset: int, story_offset: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Render block ``b`` of a corpus from its plan: the articles and their truth."""
    n = plan.n
    A = len(AGENCIES)
    tabs = _pub_tables(o.n_outlets)
    ids = _hex_ids(np.arange(row_offset, row_offset + n), _key(seed, 1))
    if mode == "realistic":
        rr = _render_realistic(plan, o, random.Random(f"provenance-synth:{seed}:{b}"), story_offset)
        title = pl.Series(rr.title, dtype=pl.String)
        text = pl.Series(rr.text, dtype=pl.String)
        byline = pl.Series(rr.byline, dtype=pl.String)
        credited = pl.Series(rr.credited, dtype=pl.String)
        style = pl.Series(rr.style, dtype=pl.String)
        slugs = pl.Series(rr.slugs, dtype=pl.String) + "-"
    else:
        kseed = int(_splitmix(np.array([seed * 1_000_003 + b], np.uint64))[0] & 0xFFFFFFFF)
        title, text = _render_fast(plan, o, kseed)
        names = pl.Series(tabs["name"])
        has_credit = plan.credited >= 0
        credited = (
            names[pl.Series(np.where(has_credit, plan.credited, 0))].set(
                pl.Series(~has_credit), None
            )
            if n
            else pl.Series([], dtype=pl.String)
        )
        style = (
            pl.Series(np.array(CREDIT_STYLES)[plan.device]).set(pl.Series(~has_credit), "none")
            if n
            else pl.Series([], dtype=pl.String)
        )
        # a byline credit for copies, the agency's name on its own records
        pubname = names[pl.Series(plan.pub)]
        byline = (
            pl.DataFrame({"c": credited, "s": style, "p": pubname, "a": plan.pub < A})
            .select(
                pl.when(pl.col("s") == "byline")
                .then("By " + pl.col("c"))
                .when(pl.col("a"))
                .then(pl.col("p"))
                .otherwise(pl.lit(None, pl.String))
            )
            .to_series()
        )
        slugs = pl.Series([""] * n, dtype=pl.String)
    pub = pl.Series(plan.pub)
    host = pl.Series(tabs["host"])[pub]
    section = pl.Series(tabs["section"])[pub]
    url = "https://" + host + "/" + section + "/" + slugs + ids
    articles = pl.DataFrame(
        {
            "id": ids,
            "url": url,
            "outlet": pl.Series(tabs["outlet"])[pub],
            "published": _published(plan.time, plan.pub, plan.missing, o.n_outlets),
            "title": title,
            "byline": byline,
            "text": text,
        }
    )
    # truth
    story_ids = _hex_ids(story_offset + plan.story, _key(seed, 2), "s")
    event_ids = _hex_ids(story_offset + plan.event, _key(seed, 3), "e")
    root_row = np.arange(n) - plan.pos
    ext_story = plan.kind == K_EXT
    origin_id = ids[pl.Series(root_row)].set(pl.Series(ext_story), None) if n else ids
    ag_names = pl.Series([a.name for a in AGENCIES] + [""])
    ext_name = (
        ag_names[pl.Series(np.where(plan.ext >= 0, plan.ext, A))].set(pl.Series(plan.ext < 0), None)
        if n
        else pl.Series([], dtype=pl.String)
    )
    has_parent = plan.parent >= 0
    parent_id = (
        ids[pl.Series(np.where(has_parent, plan.parent, 0))].set(pl.Series(~has_parent), None)
        if n
        else ids
    )
    parent_ext = ext_name.set(pl.Series(has_parent | (plan.pos > 0)), None) if n else ext_name
    truth = pl.DataFrame(
        {
            "article_id": ids,
            "story_id": story_ids,
            "origin_id": origin_id,
            "origin_external": ext_name,
            "parent_id": parent_id,
            "parent_external": parent_ext,
            "relation": pl.Series(np.array(RELATIONS)[plan.rel])
            if n
            else pl.Series([], dtype=pl.String),
            "credited": credited,
            "credit_style": style,
            "lag_minutes": pl.Series(plan.lag).set(pl.Series(plan.lag < 0), None)
            if n
            else pl.Series([], dtype=pl.Int64),
            "event_id": event_ids,
        },
        schema=TRUTH_SCHEMA,
    )
    order = np.lexsort((np.arange(n), plan.time))
    idx = pl.Series(order)
    return articles[idx], truth[idx]


@dataclass(frozen=True)
class Corpus:
    """A generated corpus: RAW-like ``articles`` and their ground ``truth`` (same row order)."""

    articles: pl.DataFrame
    truth: pl.DataFrame

    def __len__(self) -> int:
        return self.articles.height


def _options(
    mode: str,
    *,
    start: str | datetime,
    n_outlets: int | None,
    stories_per_day: float | None,
    missing_date_rate: float,
    independent_share: float,
    external_share: float,
    foreign_share: float,
    outlet_share: float,
    rewrite_share: float,
    multihop_rate: float,
    mean_copies: float,
    relation_weights: dict[str, float] | None,
) -> _Options:
    if mode not in ("realistic", "fast"):
        raise ValueError(f"mode must be 'realistic' or 'fast', not {mode!r}")
    n_out = n_outlets or (len(_NAMED_OUTLETS) if mode == "realistic" else 300)
    if n_out < 3:
        raise ValueError("n_outlets must be at least 3")
    rw = dict(_DEFAULT_REL_WEIGHTS)
    if relation_weights:
        unknown = set(relation_weights) - set(_COPY_RELS)
        if unknown:
            raise ValueError(f"unknown copy relations: {sorted(unknown)}; use {_COPY_RELS}")
        rw.update(relation_weights)
    shares = external_share + independent_share + outlet_share + foreign_share
    if shares > 1 or min(external_share, independent_share, outlet_share, foreign_share) < 0:
        raise ValueError("story shares must be >= 0 and sum to at most 1")
    return _Options(
        n_outlets=n_out,
        stories_per_day=stories_per_day or (150.0 if mode == "realistic" else 2000.0),
        start_minute=_parse_start(start),
        missing_date_rate=missing_date_rate,
        independent_share=independent_share,
        external_share=external_share,
        foreign_share=foreign_share,
        outlet_share=outlet_share,
        rewrite_share=rewrite_share,
        multihop_rate=multihop_rate,
        mean_copies=mean_copies,
        rel_weights=tuple(rw[k] for k in _COPY_RELS),
    )


def iter_blocks(
    n_articles: int,
    *,
    seed: int = 0,
    mode: str = "realistic",
    chunk: int = DEFAULT_CHUNK,
    **options: Any,
) -> Iterator[Corpus]:
    """Generate the corpus block by block (``chunk`` articles each); see :func:`generate`."""
    if n_articles < 0:
        raise ValueError("n_articles must be >= 0")
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    o = _options(mode, **{**_DEFAULT_OPTS, **options})

    def jobs() -> Iterator[tuple[int, _Plan, int, int]]:
        # Plans are cheap and sequential (a block's story numbering continues the last one's).
        row, story, b = 0, 0, 0
        while row < n_articles:
            n = min(chunk, n_articles - row)
            plan = _plan(n, np.random.default_rng([seed, b, 0x5EED]), o, story)
            yield b, plan, row, story
            row += n
            story += plan.n_stories
            b += 1

    if mode != "fast" or n_articles <= chunk:
        for b, plan, row, story in jobs():
            yield Corpus(*_block(b, plan, seed, mode, o, row, story))
        return
    # fast mode: the numba kernels release the GIL, so render two blocks at once
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    _fast_vocab(o.n_outlets)
    _zipf_table()
    pending: deque[Future[tuple[pl.DataFrame, pl.DataFrame]]] = deque()
    with ThreadPoolExecutor(max_workers=2) as ex:
        for b, plan, row, story in jobs():
            pending.append(ex.submit(_block, b, plan, seed, mode, o, row, story))
            if len(pending) >= 2:
                yield Corpus(*pending.popleft().result())
        while pending:
            yield Corpus(*pending.popleft().result())


_DEFAULT_OPTS: dict[str, Any] = dict(
    start=DEFAULT_START,
    n_outlets=None,
    stories_per_day=None,
    missing_date_rate=0.05,
    independent_share=0.18,
    external_share=0.15,
    foreign_share=0.2,
    outlet_share=0.1,
    rewrite_share=0.6,
    multihop_rate=0.2,
    mean_copies=6.0,
    relation_weights=None,
)


def generate(
    n_articles: int,
    *,
    seed: int = 0,
    mode: str = "realistic",
    chunk: int = DEFAULT_CHUNK,
    start: str | datetime = DEFAULT_START,
    n_outlets: int | None = None,
    stories_per_day: float | None = None,
    missing_date_rate: float = 0.05,
    independent_share: float = 0.18,
    external_share: float = 0.15,
    foreign_share: float = 0.2,
    outlet_share: float = 0.1,
    rewrite_share: float = 0.6,
    multihop_rate: float = 0.2,
    mean_copies: float = 6.0,
    relation_weights: dict[str, float] | None = None,
) -> Corpus:
    """A corpus of exactly ``n_articles`` articles with known ground truth.

    ``mode``: ``"realistic"`` (grammar-built English, ~1-3k articles/s) or
    ``"fast"`` (Zipf pseudo-words, numba; for 1M+ benchmarks).
    Story mix: ``external_share`` of stories are an Indian agency's rewrite of
    a foreign story not in the corpus, ``foreign_share`` a foreign agency's
    original (rewritten by an Indian agency with probability
    ``rewrite_share``), ``outlet_share`` an outlet's own story,
    ``independent_share`` a single independent report of an earlier story's
    event; the rest are Indian agency originals. Wire stories get a
    lognormal number of copies (mean about ``mean_copies``) by distinct
    outlets; ``relation_weights`` weighs the copy relations; a copy is taken
    from another outlet's copy with probability ``multihop_rate``.
    ``stories_per_day`` spaces the stories in time from ``start``;
    ``missing_date_rate`` of records have no ``published``.
    """
    opts = dict(
        start=start,
        n_outlets=n_outlets,
        stories_per_day=stories_per_day,
        missing_date_rate=missing_date_rate,
        independent_share=independent_share,
        external_share=external_share,
        foreign_share=foreign_share,
        outlet_share=outlet_share,
        rewrite_share=rewrite_share,
        multihop_rate=multihop_rate,
        mean_copies=mean_copies,
        relation_weights=relation_weights,
    )
    blocks = list(iter_blocks(n_articles, seed=seed, mode=mode, chunk=chunk, **opts))
    if not blocks:
        o = _options(mode, **opts)  # validate anyway
        del o
        empty_a = pl.DataFrame(schema={c: pl.String for c in ARTICLE_COLUMNS})
        return Corpus(empty_a, pl.DataFrame(schema=TRUTH_SCHEMA))
    return Corpus(
        pl.concat([c.articles for c in blocks], rechunk=True),
        pl.concat([c.truth for c in blocks], rechunk=True),
    )


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def _targets(path: str | Path, fmt: str) -> tuple[Path, Path]:
    """Articles and truth paths: ``x.parquet`` -> ``x.truth.parquet``; a directory -> articles/truth inside."""
    p = Path(path)
    if p.suffix.lower() in (".jsonl", ".parquet", ".ndjson"):
        return p, p.with_name(p.stem + ".truth" + p.suffix)
    return p / f"articles.{fmt}", p / f"truth.{fmt}"


def write_jsonl(corpus: Corpus, dir: str | Path) -> tuple[Path, Path]:
    """Write ``articles.jsonl`` and ``truth.jsonl`` into ``dir``."""
    a, t = _targets(dir, "jsonl")
    a.parent.mkdir(parents=True, exist_ok=True)
    corpus.articles.write_ndjson(a)
    corpus.truth.write_ndjson(t)
    return a, t


def write_parquet(corpus: Corpus, dir: str | Path) -> tuple[Path, Path]:
    """Write ``articles.parquet`` and ``truth.parquet`` into ``dir``."""
    a, t = _targets(dir, "parquet")
    a.parent.mkdir(parents=True, exist_ok=True)
    corpus.articles.write_parquet(a)
    corpus.truth.write_parquet(t)
    return a, t


def generate_to(
    path: str | Path,
    n: int,
    seed: int = 0,
    mode: str = "fast",
    format: str = "parquet",
    chunk: int = DEFAULT_CHUNK,
    **options: Any,
) -> dict[str, Any]:
    """Stream a corpus of ``n`` articles to disk, one block of ``chunk`` articles at a time.

    ``path`` is the articles file (``corpus.parquet``; truth goes to
    ``corpus.truth.parquet``) or a directory (``articles.<format>`` and
    ``truth.<format>`` inside). Memory stays bounded by one block, so 10M
    articles need no more than ``chunk`` in memory. The rows equal
    ``generate(n, seed=seed, mode=mode, chunk=chunk, **options)``.
    Returns the paths, row count and timings.
    """
    if format not in ("jsonl", "parquet"):
        raise ValueError(f"format must be 'jsonl' or 'parquet', not {format!r}")
    a_path, t_path = _targets(path, format)
    a_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    gen_s = 0.0
    rows = 0
    if format == "parquet":
        import pyarrow.parquet as pq

        aw = tw = None
        try:
            it = iter_blocks(n, seed=seed, mode=mode, chunk=chunk, **options)
            while True:
                g0 = time.perf_counter()
                c = next(it, None)
                gen_s += time.perf_counter() - g0
                if c is None:
                    break
                at, tt = c.articles.to_arrow(), c.truth.to_arrow()
                if aw is None:
                    aw = pq.ParquetWriter(a_path, at.schema, compression="zstd")
                    tw = pq.ParquetWriter(t_path, tt.schema, compression="zstd")
                aw.write_table(at)
                tw.write_table(tt)  # type: ignore[union-attr]
                rows += c.articles.height
        finally:
            if aw is not None:
                aw.close()
            if tw is not None:
                tw.close()
        if rows == 0:
            pl.DataFrame(schema={c: pl.String for c in ARTICLE_COLUMNS}).write_parquet(a_path)
            pl.DataFrame(schema=TRUTH_SCHEMA).write_parquet(t_path)
    else:
        with open(a_path, "wb") as fa, open(t_path, "wb") as ft:
            it = iter_blocks(n, seed=seed, mode=mode, chunk=chunk, **options)
            while True:
                g0 = time.perf_counter()
                c = next(it, None)
                gen_s += time.perf_counter() - g0
                if c is None:
                    break
                buf = io.BytesIO()
                c.articles.write_ndjson(buf)
                fa.write(buf.getvalue())
                buf = io.BytesIO()
                c.truth.write_ndjson(buf)
                ft.write(buf.getvalue())
                rows += c.articles.height
    total = time.perf_counter() - t0
    return {
        "articles": str(a_path),
        "truth": str(t_path),
        "rows": rows,
        "seconds": total,
        "generate_seconds": gen_s,
        "articles_per_second": rows / total if total else float("inf"),
    }


# ---------------------------------------------------------------------------
# The bundled sample: data/sample in three forms (feed, HTML pages, scraped text)
# ---------------------------------------------------------------------------

SAMPLE_SEED = 20241016
SAMPLE_N = 236
_SAMPLE_OPTS: dict[str, Any] = dict(
    start="2024-10-14T00:30:00+00:00",
    n_outlets=16,
    stories_per_day=8.0,
    missing_date_rate=0.04,
    mean_copies=5.0,
)

# Outlet index % 3 picks the form its pages take: 0 feed, 1 html, 2 pages.
_FORMS = ("feed", "html", "pages")

_HTML_CHROME: dict[int, dict[str, Any]] = {
    1: dict(
        theme="A",
        nav=("Home", "India", "World", "Business", "Sports", "Opinion"),
        footer="Example Times is a fictional newspaper used in tests.",
        jsonld=True,
        meta=True,
    ),
    4: dict(
        theme="B",
        nav=("Top", "Metro", "Nation", "Markets", "Lifestyle"),
        footer="Metro Bulletin — your city, every hour.",
        jsonld=False,
        meta=True,
    ),
    7: dict(
        theme="C",
        nav=("News", "States", "Explained", "Videos", "Podcasts", "Weather"),
        footer="Northern Star Post · Registered office: 1 Example Road.",
        jsonld=True,
        meta=False,
    ),
    10: dict(
        theme="A",
        nav=("Latest", "Agency Feed", "Cities", "Tech", "Health"),
        footer="Newsline Today publishes agency copy around the clock.",
        jsonld=True,
        meta=True,
    ),
    13: dict(
        theme="B",
        nav=("World", "Asia", "Europe", "Africa", "Americas"),
        footer="Global Desk 24 · All times IST.",
        jsonld=True,
        meta=False,
    ),
}
_PAGE_CHROME: dict[int, dict[str, Any]] = {
    2: dict(
        menu=("City", "Epaper"),
        related="Related Stories",
        app=True,
        sections=("National", "International", "Business", "Sports"),
    ),
    5: dict(
        menu=("Home", "Live TV", "E-Paper"),
        related="Also Read",
        app=False,
        sections=("Kerala", "India", "World", "Tech"),
    ),
    8: dict(
        menu=("Latest", "Trending", "Web Stories"),
        related="More Stories",
        app=True,
        sections=("Top Stories", "World", "Money"),
    ),
    11: dict(
        menu=("Menu", "Search", "Subscribe"),
        related="Related Stories",
        app=False,
        sections=("World", "India", "Science"),
    ),
    14: dict(
        menu=("Deccan", "Bengaluru", "Hyderabad", "E-Paper"),
        related="You May Also Like",
        app=True,
        sections=("State", "National", "Sports", "Business"),
    ),
}

_HOSTILE_TITLE = "Ward council postpones vote on market stalls <script>alert(1)</script>"
_HOSTILE_BODY = (
    "{city}: The ward council on {weekday} postponed a vote on the allocation of new market stalls for the third time this year, "
    "saying the list of applicants still had to be checked.\n\n"
    "Councillors said the revised list would be posted on the notice board outside the ward office <img src=x onerror=alert(1)> "
    "and that traders could raise objections for two weeks.\n\n"
    "Stall holders who have waited since the spring said the delay was costing them sales during the festival season, "
    "and asked the council to fix a firm date for the vote.\n\n"
    "The council chairperson said the vote would be held once the objections were heard, and promised that every application would be read."
)

# Written for this sample (Hindi, Devanagari): a new electric bus service in Jaipur.
_HINDI_TITLE = "जयपुर में नई इलेक्ट्रिक बस सेवा शुरू, रोज़ाना बीस हज़ार यात्रियों को लाभ"
_HINDI_BODY = (
    "जयपुर, 16 अक्टूबर (आईएएनएस)। राजस्थान की राजधानी जयपुर में बुधवार को नई इलेक्ट्रिक बस सेवा की शुरुआत हुई। "
    "परिवहन विभाग के अनुसार पहले चरण में शहर के छह प्रमुख मार्गों पर चालीस बसें चलाई जाएंगी।\n\n"
    'परिवहन मंत्री ने उद्घाटन के अवसर पर कहा, "हमारा लक्ष्य है कि अगले दो वर्षों में शहर की आधी बसें बिजली से चलें '
    'और हवा की गुणवत्ता में साफ़ सुधार दिखे।"\n\n'
    "अधिकारियों ने बताया कि इन बसों से रोज़ाना लगभग बीस हज़ार यात्रियों को सुविधा मिलेगी। किराया पहले जितना ही रहेगा, "
    "जबकि विद्यार्थियों और वरिष्ठ नागरिकों को विशेष छूट दी जाएगी।\n\n"
    "नगर निगम ने चार नए चार्जिंग केंद्र भी बनाए हैं। स्थानीय व्यापारियों ने इस पहल का स्वागत किया, हालांकि कुछ यात्रियों ने "
    "बस स्टॉप पर छाया और बैठने की बेहतर व्यवस्था की मांग की।"
)
# Written for this sample (Chinese): two new express bus lines in Kunming.
_CHINESE_TITLE = "昆明新开通两条城市公交快线"
_CHINESE_BODY = (
    "新华社昆明10月16日电 记者从昆明市交通运输局获悉，该市16日起新开通两条城市公交快线，连接主城区与南部新区，"
    "全程运行时间约为四十分钟。\n\n"
    "据介绍，两条快线共投入新能源公交车三十辆，高峰时段发车间隔为八分钟。市交通运输局负责人表示，"
    "将根据客流情况适时调整运力，方便市民出行。"
)


def _sample_specials(
    seed: int, row0: int, story0: int, n_out: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The hand-written records: a hostile pair, a Hindi pair, a Chinese pair."""
    outs = _outlets(n_out)
    ids = _hex_ids(np.arange(row0, row0 + 7), _key(seed, 1)).to_list()
    sids = _hex_ids(np.arange(story0, story0 + 3), _key(seed, 2), "s").to_list()
    eids = _hex_ids(np.arange(story0, story0 + 3), _key(seed, 3), "e").to_list()
    feed_out, html_out, page_out = outs[0], outs[1], outs[2]
    h_body = _HOSTILE_BODY.format(city="Pune", weekday="Thursday")
    recs = [
        # id, url, outlet, published, title, byline, text
        (
            ids[0],
            f"https://{feed_out.slug}/{feed_out.section}/ward-council-postpones-vote-{ids[0]}",
            feed_out.slug,
            "2024-10-17T09:10:00+05:30",
            _HOSTILE_TITLE,
            "By Rekha Joshi",
            h_body,
        ),
        (
            ids[1],
            f"https://{page_out.slug}/{page_out.section}/ward-council-vote-{ids[1]}",
            page_out.slug,
            "2024-10-17T10:02:00+05:30",
            _HOSTILE_TITLE,
            None,
            h_body,
        ),
        (
            ids[2],
            f"https://{html_out.slug}/{html_out.section}/ward-council-market-stalls-{ids[2]}",
            html_out.slug,
            "2024-10-17T11:45:00+05:30",
            _HOSTILE_TITLE,
            f"By {feed_out.name}",
            h_body,
        ),
        (
            ids[3],
            f"https://ians.wire.example/hindi/{ids[3]}",
            "IANS",
            "2024-10-16T13:20:00+05:30",
            _HINDI_TITLE,
            "IANS",
            _HINDI_BODY,
        ),
        (
            ids[4],
            f"https://{page_out.slug}/hindi/{ids[4]}",
            page_out.slug,
            "2024-10-16T14:05:00+05:30",
            _HINDI_TITLE,
            "IANS",
            _HINDI_BODY,
        ),
        (
            ids[5],
            f"https://xinhua.wire.example/zh/{ids[5]}",
            "Xinhua",
            "2024-10-16T10:30:00+08:00",
            _CHINESE_TITLE,
            "Xinhua",
            _CHINESE_BODY,
        ),
        (
            ids[6],
            f"https://{html_out.slug}/china/{ids[6]}",
            html_out.slug,
            "2024-10-16T09:15:00+05:30",
            _CHINESE_TITLE,
            None,
            _CHINESE_BODY,
        ),
    ]
    arts = pl.DataFrame(recs, schema={c: pl.String for c in ARTICLE_COLUMNS}, orient="row")
    T = [
        # article, story, origin, parent, relation, credited, style, lag
        (0, 0, 0, None, "original", None, "none", None),
        (1, 0, 0, 0, "verbatim", None, "none", 52),
        (2, 0, 0, 0, "verbatim", feed_out.name, "byline", 155),
        (3, 1, 3, None, "original", None, "none", None),
        (4, 1, 3, 3, "verbatim", "IANS", "byline", 45),
        (5, 2, 5, None, "original", None, "none", None),
        (6, 2, 5, 5, "verbatim", "Xinhua", "slug", 75),
    ]
    truth = pl.DataFrame(
        [
            (
                ids[a],
                sids[s],
                ids[o],
                None,
                None if p is None else ids[p],
                None,
                rel,
                cr,
                st,
                lag,
                eids[s],
            )
            for a, s, o, p, rel, cr, st, lag in T
        ],
        schema=TRUTH_SCHEMA,
        orient="row",
    )
    return arts, truth


def _ist(published: str | None) -> str | None:
    if not published:
        return None
    dt = datetime.fromisoformat(published).astimezone(_tzinfo("+05:30"))
    return f"{_MONTHS[dt.month - 1]} {dt.day}, {dt.year} {dt.hour:02d}:{dt.minute:02d} IST"


def _teaser(text: str, n: int = 18) -> str:
    words = text.split("\n\n")[0].split()
    return " ".join(words[:n]) + " ..."


def _page_txt(rec: dict[str, Any], ch: dict[str, Any], related: list[str]) -> str:
    lines: list[str] = list(ch["menu"])
    lines.append(rec["title"])
    by = rec["byline"]
    if by and not by.startswith("By "):
        by = "By " + by
    when = _ist(rec["published"])
    meta = " | ".join(x for x in (by, f"Updated: {when}" if when else None) if x)
    if meta:
        lines.append(meta)
    lines.append(_teaser(rec["text"]))
    if ch["app"]:
        lines.append("Open in App")
    lines += rec["text"].split("\n\n")
    if ch["app"]:
        lines.append("Open in App")
    lines.append(ch["related"])
    for k, t in enumerate(related):
        lines.append(ch["sections"][k % len(ch["sections"])] + t)
    return "\n\n".join(lines) + "\n"


_DISCLAIMER_HEADS = tuple(d.split("{")[0] for d in DISCLAIMERS)


def _e(s: str | None) -> str:
    return _html.escape(s or "", quote=True)


def _page_html(
    rec: dict[str, Any], ot: _Outlet, ch: dict[str, Any], related: list[tuple[str, str]], raw: bool
) -> str:
    """A full article page. ``raw``: the hostile record, whose markup is left unescaped."""
    title = rec["title"]
    paras = rec["text"].split("\n\n")
    body_ps = []
    for k, p in enumerate(paras):
        cls = ' class="disclaimer"' if p.startswith(_DISCLAIMER_HEADS) else ""
        body_ps.append(f"<p{cls}>{p if raw else _e(p)}</p>")
        if ch["theme"] == "C" and k == 1 and related:
            body_ps.append(
                f'<div class="also-read">Also read: <a href="{_e(related[0][1])}">{_e(related[0][0])}</a></div>'
            )
    pub = rec["published"]
    head = [
        '<meta charset="utf-8">',
        f"<title>{_e(title)} | {_e(ot.name)}</title>",
        f'<meta name="provenance:id" content="{_e(rec["id"])}">',
        f'<link rel="canonical" href="{_e(rec["url"])}">',
        f'<meta name="description" content="{_e(_teaser(rec["text"], 24))}">',
        f'<meta property="og:site_name" content="{_e(ot.name)}">',
        f'<meta property="og:title" content="{_e(title)}">',
    ]
    if pub and ch["meta"]:
        head.append(f'<meta property="article:published_time" content="{_e(pub)}">')
    if ch["jsonld"]:
        ld: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "mainEntityOfPage": rec["url"],
            "publisher": {"@type": "Organization", "name": ot.name},
        }
        if pub:
            ld["datePublished"] = pub
        if rec["byline"]:
            ld["author"] = {"@type": "Person", "name": rec["byline"].removeprefix("By ")}
        js = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        head.append(f'<script type="application/ld+json">{js}</script>')
    nav = "".join(
        f'<li><a href="/{n.lower().replace(" ", "-")}/">{_e(n)}</a></li>' for n in ch["nav"]
    )
    rel_items = "".join(f'<li><a href="{_e(u)}">{_e(t)}</a></li>' for t, u in related)
    when = _ist(pub)
    by = _e(rec["byline"]) if rec["byline"] else ""
    h1 = title if raw else _e(title)
    if ch["theme"] == "A":
        body = (
            f'<header class="site-header"><a class="logo" href="/">{_e(ot.name)}</a><nav><ul>{nav}</ul></nav></header>\n'
            f'<main><article><h1>{h1}</h1>\n<div class="byline">{by}</div>'
            + (f'<time datetime="{_e(pub)}">{_e(when)}</time>' if pub else "")
            + '\n<div class="article-body">\n'
            + "\n".join(body_ps)
            + "\n</div></article>\n"
            f'<aside class="related"><h2>Related</h2><ul>{rel_items}</ul></aside></main>\n'
            f'<footer><p>{_e(ch["footer"])}</p><p><a href="/about/">About us</a> | <a href="/privacy/">Privacy</a> | <a href="/contact/">Contact</a></p></footer>'
        )
    elif ch["theme"] == "B":
        body = (
            f'<div id="top-menu"><span class="brand">{_e(ot.name)}</span><ul class="menu">{nav}</ul></div>\n'
            f'<div class="story"><h1 class="headline">{h1}</h1>\n'
            f'<p class="meta">{by}{" | Updated: " + _e(when) if when else ""}</p>\n'
            f'<div id="story-content">\n' + "\n".join(body_ps) + "\n</div></div>\n"
            f'<div class="trending"><h3>Trending now</h3><ol>{rel_items}</ol></div>\n'
            f'<div class="footer">{_e(ch["footer"])} Copyright 2024. <a href="/terms/">Terms of use</a></div>'
        )
    else:
        body = (
            f'<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>\n'
            f'<nav class="main-nav"><ul>{nav}</ul></nav>\n'
            f'<div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/{ot.section}/">{_e(ot.section.title())}</a></div>\n'
            f'<section class="article"><h1>{h1}</h1>\n'
            f'<div class="author-line">{by}</div>'
            + (f'<div class="dateline">{_e(when)}</div>' if when else "")
            + '\n<div class="share">Share: Facebook | X | WhatsApp</div>\n<div class="content">\n'
            + "\n".join(body_ps)
            + "\n</div></section>\n"
            f'<div class="newsletter">Get the morning briefing in your inbox. <input type="email"></div>\n'
            f'<aside class="more"><h4>More from {_e(ot.name)}</h4><ul>{rel_items}</ul></aside>\n'
            f'<footer class="site-footer">{_e(ch["footer"])}</footer>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
        + "\n".join(head)
        + "\n</head>\n<body>\n"
        + body
        + "\n</body>\n</html>\n"
    )


def _sample_corpus() -> tuple[pl.DataFrame, pl.DataFrame]:
    c = generate(SAMPLE_N, seed=SAMPLE_SEED, mode="realistic", **_SAMPLE_OPTS)
    n_stories = c.truth["story_id"].n_unique()
    sa, st = _sample_specials(SAMPLE_SEED, SAMPLE_N, 10_000 + n_stories, _SAMPLE_OPTS["n_outlets"])
    arts = pl.concat([c.articles, sa])
    truth = pl.concat([c.truth, st])
    return arts, truth


def _check_sample(arts: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    """The composition the sample promises; raises if the generator stops delivering it."""
    t = truth.join(arts.select("id", "outlet"), left_on="article_id", right_on="id")
    ag_names = {a.name for a in AGENCIES}
    roots = t.filter(
        pl.col("parent_id").is_null() & pl.col("relation").is_in(["original", "rewrite"])
    )
    agency_roots = roots.filter(pl.col("outlet").is_in(list(ag_names)))
    stats = {
        "articles": arts.height,
        "agency_stories": agency_roots["story_id"].n_unique(),
        "agencies": sorted(set(t["outlet"]) & ag_names),
        "outlets": sorted(set(t["outlet"]) - ag_names),
        "relations": dict(sorted(Counter(t["relation"].to_list()).items())),
        "credit_styles": dict(sorted(Counter(t["credit_style"].to_list()).items())),
        "cited_foreign": t.filter(
            pl.col("credit_style") == "cited", pl.col("outlet").is_in(list(ag_names))
        ).height,
        "external_roots": t.filter(pl.col("parent_external").is_not_null()).height,
        "missing_published": arts["published"].null_count(),
    }
    problems = []
    if stats["agency_stories"] < 30:
        problems.append(f"{stats['agency_stories']} agency stories < 30")
    if len(set(roots.filter(pl.col("outlet").is_in(list(ag_names)))["outlet"])) < 5:
        problems.append("fewer than 5 agencies publish stories")
    if len(stats["outlets"]) < 10:
        problems.append("fewer than 10 outlets")
    missing = set(RELATIONS) - set(stats["relations"])
    if missing:
        problems.append(f"relations missing: {sorted(missing)}")
    if stats["cited_foreign"] < 3:
        problems.append("fewer than 3 agency rewrites citing a foreign agency")
    if problems:
        raise AssertionError("sample composition: " + "; ".join(problems))
    return stats


def write_sample(out_dir: str | Path) -> dict[str, Any]:
    """(Re)write the bundled sample into ``out_dir``: feed.jsonl, html/, pages/, truth.csv.

    Byte-identical on every run. Only these four entries of ``out_dir`` are
    replaced; anything else there is left alone.
    """
    import shutil

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("html", "pages"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    n_out = _SAMPLE_OPTS["n_outlets"]
    outs = _outlets(n_out)
    slug_idx = {ot.slug: i for i, ot in enumerate(outs)}
    arts, truth = _sample_corpus()
    stats = _check_sample(arts, truth)
    hostile_raw = {arts.row(SAMPLE_N + 2, named=True)["id"]}  # the HTML copy of the hostile story

    recs = arts.to_dicts()
    form_of: dict[str, str] = {}
    path_of: dict[str, str] = {}
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for rec in recs:
        i = slug_idx.get(rec["outlet"])
        form = "feed" if i is None else _FORMS[i % 3]
        form_of[rec["id"]] = form
        by_outlet.setdefault(rec["outlet"], []).append(rec)

    feed_lines = []
    for rec in recs:
        if form_of[rec["id"]] == "feed":
            feed_lines.append(json.dumps({c: rec[c] for c in ARTICLE_COLUMNS}, ensure_ascii=False))
            path_of[rec["id"]] = "feed.jsonl"
    (out / "feed.jsonl").write_text("\n".join(feed_lines) + "\n", encoding="utf-8")

    for slug, rs in sorted(by_outlet.items()):
        i = slug_idx.get(slug)
        if i is None or _FORMS[i % 3] == "feed":
            continue
        ot = outs[i]
        folder = out / _FORMS[i % 3] / slug
        folder.mkdir(parents=True, exist_ok=True)
        for k, rec in enumerate(rs):
            others = [rs[(k + d) % len(rs)] for d in range(1, min(6, len(rs)))]
            if _FORMS[i % 3] == "html":
                name = rec["url"].rstrip("/").rsplit("/", 1)[-1] + ".html"
                page = _page_html(
                    rec,
                    ot,
                    _HTML_CHROME[i],
                    [(x["title"], x["url"]) for x in others[:4]],
                    rec["id"] in hostile_raw,
                )
            else:
                name = rec["id"] + ".txt"
                page = _page_txt(rec, _PAGE_CHROME[i], [x["title"] for x in others])
            (folder / name).write_text(page, encoding="utf-8")
            path_of[rec["id"]] = f"{_FORMS[i % 3]}/{slug}/{name}"

    t = truth.join(
        arts.select("id", "outlet"),
        left_on="article_id",
        right_on="id",
        how="left",
        maintain_order="left",
    )
    t = t.with_columns(
        pl.col("article_id").replace_strict(form_of).alias("form"),
        pl.col("article_id").replace_strict(path_of).alias("path"),
    )
    t.write_csv(out / "truth.csv")
    stats["bytes"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    stats["forms"] = dict(sorted(Counter(form_of.values()).items()))
    return stats


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sample":
        ap = argparse.ArgumentParser(
            prog="python -m provenance.tools.synth sample",
            description="Regenerate the bundled sample corpus.",
        )
        ap.add_argument("out", nargs="?", default="data/sample")
        a = ap.parse_args(argv[1:])
        stats = write_sample(a.out)
        print(json.dumps(stats, indent=1, ensure_ascii=False))
        return 0
    ap = argparse.ArgumentParser(
        prog="python -m provenance.tools.synth",
        description="Generate a synthetic news corpus with ground truth. "
        "OUT is the articles file (truth goes beside it as <name>.truth.<ext>) or a directory "
        "(articles.<ext> and truth.<ext> inside). 'python -m provenance.tools.synth sample DIR' rewrites the bundled sample.",
    )
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out", help="articles file or directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mode", choices=("fast", "realistic"), default="fast")
    ap.add_argument(
        "--format",
        choices=("jsonl", "parquet"),
        default=None,
        help="default: from OUT's suffix, else parquet",
    )
    ap.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="articles per generated block")
    a = ap.parse_args(argv)
    fmt = a.format
    if fmt is None:
        suf = Path(a.out).suffix.lower()
        fmt = "jsonl" if suf in (".jsonl", ".ndjson") else "parquet"
    info = generate_to(a.out, a.n, seed=a.seed, mode=a.mode, format=fmt, chunk=a.chunk)
    print(
        f"wrote {info['rows']:,} articles to {info['articles']} and truth to {info['truth']} "
        f"in {info['seconds']:.1f}s ({info['articles_per_second']:,.0f} articles/s; generation {info['generate_seconds']:.1f}s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
