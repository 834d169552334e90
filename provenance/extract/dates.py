"""Publication dates: what the date strings of news pages and feeds mean, in UTC.

Owns every rule about reading a date string, so readers and extraction agree:

* Result: a UTC-aware ``datetime`` and a precision, ``"minute"`` when the string
  carries a time of day, ``"day"`` when it is a calendar date only, or
  ``(None, None)`` when it cannot be read. Seconds are kept when given.
* A day-precision date is that calendar day as written, at 00:00 UTC. It is not
  shifted by a zone that comes with it ("Oct 16, 2024 IST" stays Oct 16),
  because shifting would name the day before.
* A time without a zone is taken as UTC: we cannot know the page's zone, and
  UTC keeps naive ISO timestamps from feeds (which are mostly UTC) right.
* Zone abbreviations are read with the table ``TZ_OFFSETS``. Ambiguous ones
  are resolved for news use: ``IST`` is India (+05:30), ``BST`` British Summer
  Time (+01), ``CST``/``CDT`` US Central (as in RFC 2822; China is ``BJT`` or
  "Beijing time"), ``AST`` Arabia (+03), ``EST``/``EDT`` US Eastern.
* Numeric dates are read only when unambiguous: ``2024-10-16``, ``2024/10/16``,
  or ``D/M/YYYY`` where one of the first two numbers exceeds 12. ``05/06/2024``
  is null rather than a guess: a wrong date is worse than none when deciding who
  published first. The one exception is a zone of a region that writes the day
  first (``DAY_FIRST_ZONES``: India's ``IST``, Britain's ``BST``, Europe's, Australia's...):
  "Updated: 05-03-2025 16:45 IST" is 5 March; so is a dotted "05.03.2025", and a date of a
  Spanish, Portuguese, French, Italian or German page, whose month names and labels are read
  ("Veröffentlicht am 5. März 2025, 10:30 Uhr", "Mis à jour le 05/03/2025 à 10h30"); their weekday
  names mark the language too ("Dienstag, 02.11.2021"). A day may carry its ordinal dot ("3. August 2015").
* Epoch numbers: 9-10 digits are seconds, 12-13 digits milliseconds.
* Anything else that is left after the date, time and zone are taken out
  (besides weekday names and words like "Updated:", "at", "hrs") makes the
  string unreadable: we never guess a date out of prose.

``parse_published_series`` is the vectorized form: strings that look like ISO
8601 go through polars' native parser, only the rest through Python (once per
distinct string).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import polars as pl

#: Offsets in minutes east of UTC for the zone names news pages print.
TZ_OFFSETS: dict[str, int] = {
    "utc": 0, "gmt": 0, "z": 0, "ut": 0, "wet": 0,
    "west": 60, "bst": 60, "cet": 60, "met": 60, "wat": 60,
    "cest": 120, "mest": 120, "eet": 120, "sast": 120, "cat": 120, "ist_il": 120,
    "eest": 180, "msk": 180, "eat": 180, "ast": 180, "trt": 180,
    "irst": 210, "gst": 240, "aft": 270,
    "pkt": 300, "ist": 330, "npt": 345, "bdt": 360, "mmt": 390,
    "ict": 420, "wib": 420,
    "hkt": 480, "sgt": 480, "pht": 480, "myt": 480, "awst": 480, "bjt": 480, "wita": 480,
    "kst": 540, "jst": 540, "wit": 540,
    "acst": 570, "aest": 600, "acdt": 630, "aedt": 660,
    "nzst": 720, "nzdt": 780,
    "edt": -240, "est": -300, "cdt": -300, "cst": -360, "mdt": -360, "mst": -420,
    "pdt": -420, "pst": -480, "akdt": -480, "akst": -540, "hst": -600,
    "adt": -180, "nst": -210, "ndt": -150,
}
TZ_OFFSETS.pop("ist_il")
#: Zones of regions whose pages write numeric dates day first (South Asia, Britain, Europe, Africa, the Gulf,
#: South-East Asia, Australia, New Zealand). Not GMT or UTC, which feeds everywhere print, nor US zones.
DAY_FIRST_ZONES = frozenset({
    "ist", "pkt", "bdt", "npt", "bst", "wet", "west", "cet", "cest", "met", "mest", "eet", "eest", "msk", "trt",
    "wat", "cat", "eat", "sast", "gst", "sgt", "myt", "hkt", "wib", "wita", "wit", "awst", "acst", "acdt", "aest",
    "aedt", "nzst", "nzdt",
})

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"

_PREFIX = re.compile(
    r"^\s*(?:(?:last\s+|first\s+)?(?:updated|published|posted|modified|created|dated?|released)"
    r"(?:\s+(?:on|at))?\s*[:\-]?\s*)+",
    re.I,
)
_EPOCH = re.compile(r"^\s*(\d{9,10}(?:\.\d+)?|\d{12,13})\s*$")
_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.I,
)
#: What ``parse_published_series`` hands to polars' native parser.
ISO_POLARS = (
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?"
    r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)

_TIME = re.compile(
    r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([ap])\.?\s?m\b\.?)?"
    r"|(?<![\d.])(\d{1,2})(?:\.(\d{2}))?\s*([ap])\.?\s?m\b\.?",
    re.I,
)
_OFFSET = re.compile(r"(?:\b(?:gmt|utc)\s*|(?<![\w-]))([+-])(\d{1,2})(?::?(\d{2}))?(?!\d)", re.I)
_ZONE_NAMES = re.compile(
    r"\b(" + "|".join(sorted((k for k in TZ_OFFSETS if len(k) > 1), key=len, reverse=True)) + r")\b"
    r"|\b(beijing|china)\s+(?:standard\s+)?time\b"
    r"|\b(korea|japan|india)\s+standard\s+time\b",
    re.I,
)
_NAMED_ZONES = {"beijing": 480, "china": 480, "korea": 540, "japan": 540, "india": 330}
_DATE_MDY = re.compile(_MONTH_RE + r"\s+(\d{1,2})" + _ORD + r"\s*,?\s*(\d{4})\b", re.I)
_DATE_DMY = re.compile(  # "16 October 2024", "16th of Oct, 2024", "3. August 2015" (the day's ordinal dot)
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|\.)?(?:\s+of)?[\s\-]+" + _MONTH_RE + r"[\s\-,]+(\d{4})\b", re.I
)
_DATE_YMD = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DATE_NUM = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_NOISE = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\b\.?"
    r"|\b(?:at|on|hrs|hours|hr|h|local|time|updated|published|posted|uhr)\b"
    r"|[\s,.|:;()\[\]\-/–—·•]+",
    re.I,
)

_MIN_YEAR, _MAX_YEAR = 1900, 2100


_DEVANAGARI = re.compile("[\u0900-\u097f]")
#: Hindi month names (with their common spellings) and date labels, as English, and Devanagari digits: a
#: Hindi page's "अपडेटेड: 16 अक्टूबर 2024 10:15 AM IST" reads as "updated: 16 October 2024 10:15 AM IST".
_HINDI_WORDS = {
    "जनवरी": "January", "फरवरी": "February", "फ़रवरी": "February", "मार्च": "March", "अप्रैल": "April",
    "मई": "May", "जून": "June", "जुलाई": "July", "अगस्त": "August", "सितंबर": "September", "सितम्बर": "September",
    "अक्टूबर": "October", "अक्तूबर": "October", "नवंबर": "November", "नवम्बर": "November", "दिसंबर": "December",
    "दिसम्बर": "December", "अपडेटेड": "updated", "अपडेट": "updated", "प्रकाशित": "published", "पब्लिश्ड": "published",
}
_HINDI_WORD = re.compile("|".join(sorted(map(re.escape, _HINDI_WORDS), key=len, reverse=True)))
_HINDI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


def _from_hindi(s: str) -> str:
    return _HINDI_WORD.sub(lambda m: _HINDI_WORDS[m.group()], s.translate(_HINDI_DIGITS))


#: Month names of Spanish, Portuguese, French, Italian and German pages, as English. These languages write
#: numeric dates day first, so a string holding one of these words (or a label below) is read day first.
_LOCAL_MONTHS = {
    **dict.fromkeys(["enero", "janeiro", "janvier", "gennaio", "januar", "jänner"], "January"),
    **dict.fromkeys(["febrero", "fevereiro", "février", "fevrier", "febbraio", "februar"], "February"),
    **dict.fromkeys(["marzo", "março", "marco", "mars", "märz", "maerz"], "March"),
    **dict.fromkeys(["abril", "avril", "aprile"], "April"),
    **dict.fromkeys(["mayo", "maio", "mai", "maggio"], "May"),
    **dict.fromkeys(["junio", "junho", "juin", "giugno", "juni"], "June"),
    **dict.fromkeys(["julio", "julho", "juillet", "luglio", "juli"], "July"),
    **dict.fromkeys(["agosto", "août", "aout"], "August"),
    **dict.fromkeys(["septiembre", "setiembre", "setembro", "septembre", "settembre"], "September"),
    **dict.fromkeys(["octubre", "outubro", "octobre", "ottobre", "oktober"], "October"),
    **dict.fromkeys(["noviembre", "novembro", "novembre"], "November"),
    **dict.fromkeys(["diciembre", "dezembro", "décembre", "decembre", "dicembre", "dezember"], "December"),
}
#: Date labels of those languages.
_LOCAL_LABELS = (
    r"publicado|actualizado|atualizado|publié|publie|mis\s+à\s+jour|mis\s+a\s+jour|modifié|modifie|"
    r"veröffentlicht|aktualisiert|zuletzt\s+aktualisiert|letzte\s+aktualisierung|erschienen|erscheinungsdatum|"
    r"stand|pubblicato|aggiornato|publiziert|erstellt|créé"
)
#: Weekday names of those languages: a date that names one is written in them, so day first.
_LOCAL_DAYS = (
    r"lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|segunda-feira|terça-feira|"
    r"quarta-feira|quinta-feira|sexta-feira|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunedì|lunedi|"
    r"martedì|martedi|mercoledì|mercoledi|giovedì|giovedi|venerdì|venerdi|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag"
)
#: What a written date starts with: a digit, or a month's or a weekday's name, English or of the languages
#: above ("March 5, 2025", "Mittwoch, 5. März 2025"); a credit line's name ends where it begins.
DATE_START = re.compile(
    r"^(?:\d|(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?(?!\w)"
    rf"|(?:{'|'.join(sorted(map(re.escape, _LOCAL_MONTHS), key=len, reverse=True))})\.?(?!\w)|(?:{_LOCAL_DAYS})(?!\w))",
    re.I,
)
_LOCAL_WORD = re.compile(
    r"(?<![\w])(?:(" + "|".join(sorted(map(re.escape, _LOCAL_MONTHS), key=len, reverse=True)) + r")\.?"
    r"|(" + _LOCAL_LABELS + r")|(?:" + _LOCAL_DAYS + r"))(?![\w])", re.I)
#: What stands between a local date's parts or around it: weekdays, "de", "el", "le", "am", "um", "à", "às",
#: "a las", "alle", "ore", "Uhr", "h"; dropped once a local month or label is found.
_LOCAL_NOISE = re.compile(
    r"(?<![\w])(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|segunda|terça|terca|"
    r"quarta|quinta|sexta|feira|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunedì|lunedi|martedì|martedi|"
    r"mercoledì|mercoledi|giovedì|giovedi|venerdì|venerdi|sabato|montag|dienstag|mittwoch|donnerstag|freitag|"
    r"samstag|sonntag|de|del|do|da|el|le|il|am|um|em|en|à|às|as|a\s+las|a\s+la|alle|ore|uhr|à\s+partir)(?![\w])\.?",
    re.I,
)
_LOCAL_TIME = re.compile(r"(?<![\d:])(\d{1,2})\s*h\s*(\d{2})(?!\d)", re.I)  # "10h30", "10 h 30"
_DOTTED = re.compile(r"(?<!\d)\d{1,2}\.\d{1,2}\.\d{4}(?!\d)")  # "05.03.2025": no region writes it month first


def _from_local(s: str) -> tuple[str, bool]:
    """``s`` with a Spanish, Portuguese, French, Italian or German date's words as English ("5. März 2025,
    10:30 Uhr" -> "5 March 2025, 10:30"), and whether it is written day first (it holds such a word, or it
    is dotted)."""
    found = False

    def word(m: re.Match[str]) -> str:
        nonlocal found
        found = True
        if m.group(1):
            return _LOCAL_MONTHS[m.group(1).lower()]
        return "updated" if m.group(2) else " "  # a label reads as "updated"; a weekday says only the language

    out = _LOCAL_WORD.sub(word, s)
    if not found:
        return s, bool(_DOTTED.search(s))
    out = _LOCAL_TIME.sub(r"\1:\2", _LOCAL_NOISE.sub(" ", out))
    out = re.sub(r"(?<!\d)(\d{1,2})\.(?=\s+[A-Za-z])", r"\1", out)  # "5. March" -> "5 March"
    return out, True


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _cut(s: str, m: re.Match[str]) -> str:
    return s[: m.start()] + " " + s[m.end() :]


#: What a date string says: (UTC datetime, precision, offset in minutes east of UTC as written).
Read = tuple[datetime | None, str | None, int | None]
_NOTHING: Read = (None, None, None)


def _finish(y: int, mo: int, d: int, hm: tuple[int, int, int] | None, offset_min: int | None) -> Read:
    if not (_MIN_YEAR <= y <= _MAX_YEAR):
        return _NOTHING
    try:
        if hm is None:
            return datetime(y, mo, d, tzinfo=UTC), "day", None
        h, mi, sec = hm
        dt = datetime(y, mo, d, h, mi, sec, tzinfo=timezone(timedelta(minutes=offset_min or 0)))
    except (ValueError, OverflowError):
        return _NOTHING
    return dt.astimezone(UTC), "minute", offset_min


def _parse_iso(m: re.Match[str]) -> Read:
    y, mo, d, h, mi, sec, zone = m.groups()
    if h is None:
        return _finish(int(y), int(mo), int(d), None, None)
    off = _offset_of(zone) if zone else None
    if zone and off is None:
        return _NOTHING
    return _finish(int(y), int(mo), int(d), (int(h), int(mi), int(sec or 0)), off)


def _offset_of(zone: str) -> int | None:
    z = zone.strip().lower()
    if z in TZ_OFFSETS:
        return TZ_OFFSETS[z]
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", z)
    if not m:
        return None
    sign = -1 if m.group(1) == "-" else 1
    hours, mins = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or mins > 59:
        return None
    return sign * (hours * 60 + mins)


def parse_published(s: str | None) -> tuple[datetime | None, str | None]:
    """Read one date string: ``(UTC datetime, "minute" | "day")`` or ``(None, None)``.

    >>> parse_published("Updated: October 16, 2024 16:45 IST")
    (datetime.datetime(2024, 10, 16, 11, 15, tzinfo=datetime.timezone.utc), 'minute')
    >>> parse_published("2024-10-16")
    (datetime.datetime(2024, 10, 16, 0, 0, tzinfo=datetime.timezone.utc), 'day')
    """
    return read_published(s)[:2]


def read_published(s: str | None) -> Read:
    """:func:`parse_published` and the offset the string was written in: minutes east of UTC, or None
    when it named no zone (the time was taken as UTC), is a calendar day, or an epoch number. The
    offset gives back the page's own clock and calendar day, which UTC alone cannot.

    >>> read_published("Updated: October 16, 2024 01:45 IST")[2]
    330
    """
    if s is None:
        return _NOTHING
    s = str(s).strip()
    if not s or len(s) > 120:
        return _NOTHING
    if _DEVANAGARI.search(s):
        s = _from_hindi(s)
    s, day_first = _from_local(s)
    s = _PREFIX.sub("", s)
    if m := _EPOCH.match(s):
        v = float(m.group(1))
        if len(m.group(1)) >= 12:
            v /= 1000.0
        try:
            dt = datetime.fromtimestamp(v, UTC)
        except (OverflowError, OSError, ValueError):
            return _NOTHING
        if not (1990 <= dt.year <= _MAX_YEAR):
            return _NOTHING
        return dt, "minute", None
    if m := _ISO.match(s):
        return _parse_iso(m)
    return _parse_text(s, day_first=day_first)


def _parse_text(s: str, *, day_first: bool = False) -> Read:
    rest = re.sub(r"(?<=\d)T(?=\d)", " ", s)
    # Date first: it removes the digits a zone offset or time could be confused with.
    y = mo = d = None
    if m := _DATE_MDY.search(rest):
        mo, d, y = _month(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DATE_DMY.search(rest):
        d, mo, y = int(m.group(1)), _month(m.group(2)), int(m.group(3))
    elif m := _DATE_YMD.search(rest):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DATE_NUM.search(rest):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 and b <= 12:
            d, mo = a, b
        elif b > 12 and a <= 12:
            mo, d = a, b
        elif a == b or day_first or _day_first_zone(rest):
            d, mo = a, b
        else:
            return _NOTHING
    if m is None or y is None:
        return _NOTHING
    rest = _cut(rest, m)

    hm = None
    if tm := _TIME.search(rest):
        if tm.group(1) is not None:
            h, mi, sec, ampm = int(tm.group(1)), int(tm.group(2)), int(tm.group(3) or 0), tm.group(4)
        else:
            h, mi, sec, ampm = int(tm.group(5)), int(tm.group(6) or 0), 0, tm.group(7)
        if ampm:
            if not 1 <= h <= 12:
                return _NOTHING
            h = h % 12 + (12 if ampm.lower() == "p" else 0)
        if h > 23 or mi > 59 or sec > 60:
            return _NOTHING
        hm = (h, mi, min(sec, 59))
        rest = _cut(rest, tm)

    offset = None
    if om := _OFFSET.search(rest):
        offset = _offset_of(om.group(1) + om.group(2).zfill(2) + (om.group(3) or "00"))
        if offset is None:
            return _NOTHING
        rest = _cut(rest, om)
    elif zm := _ZONE_NAMES.search(rest):
        if zm.group(1):
            offset = TZ_OFFSETS[zm.group(1).lower()]
        else:
            offset = _NAMED_ZONES[(zm.group(2) or zm.group(3)).lower()]
        rest = _cut(rest, zm)
    if _NOISE.sub("", rest):
        return _NOTHING
    return _finish(y, mo, d, hm, offset)


def offset_text(minutes: int) -> str:
    """``330`` → ``"+05:30"``."""
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_iso(at: pl.Expr, offset: pl.Expr, *, unknown: str = "") -> pl.Expr:
    """ISO 8601 text of a UTC ``at`` on the clock it was written in: "2024-10-16T16:45:00+05:30"
    for 11:15 UTC written in IST. Without an offset, the UTC time followed by ``unknown``."""
    minutes = offset.cast(pl.Int32)
    clock = (at + pl.duration(minutes=minutes.fill_null(0))).dt.replace_time_zone(None)
    sign = pl.when(minutes < 0).then(pl.lit("-")).otherwise(pl.lit("+"))
    hh = (minutes.abs() // 60).cast(pl.String).str.zfill(2)
    mm = (minutes.abs() % 60).cast(pl.String).str.zfill(2)
    suffix = pl.when(minutes.is_null()).then(pl.lit(unknown)).otherwise(pl.concat_str(sign, hh, pl.lit(":"), mm))
    return pl.concat_str(clock.dt.strftime("%Y-%m-%dT%H:%M:%S"), suffix)


def _day_first_zone(s: str) -> bool:
    """Whether ``s`` names a zone of a region that writes the day first (:data:`DAY_FIRST_ZONES`)."""
    return any((zm.group(1) or "").lower() in DAY_FIRST_ZONES or (zm.group(3) or "").lower() == "india" for zm in _ZONE_NAMES.finditer(s))


def parse_published_series(s: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Vectorized :func:`read_published`: ``(Datetime("us","UTC") series, precision series, offset series)``
    (``published_precision``; ``published_offset``, Int16 minutes east of UTC).

    ISO 8601 strings are parsed natively by polars; every other distinct
    string once in Python. Results equal the scalar function's.
    """
    name = s.name
    s = s.cast(pl.String, strict=False)
    if len(s) == 0:
        return (
            pl.Series(name, [], dtype=pl.Datetime("us", "UTC")),
            pl.Series("published_precision", [], dtype=pl.String),
            pl.Series("published_offset", [], dtype=pl.Int16),
        )
    df = pl.DataFrame({"s": s}).with_columns(pl.col("s").str.strip_chars())
    # Normalize ISO strings to one shape: "YYYY-MM-DDTHH:MM:SS[+HH:MM]" or "YYYY-MM-DD".
    iso = pl.col("s").str.contains(ISO_POLARS)
    norm = (
        pl.col("s")
        .str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
        .str.replace(r"[.,]\d{1,9}", "")
        .str.replace(r"\s+", "")
        .str.replace(r"Z$", "+00:00")
        .str.replace(r"([+-]\d{2})(\d{2})$", "${1}:${2}")
        .str.replace(r"([+-]\d{2})$", "${1}:00")
        .str.replace(r"(T\d{2}:\d{2})([+-]|$)", "${1}:00${2}")
    )
    df = df.with_columns(iso.fill_null(False).alias("iso"), norm.alias("n"))
    zoned = pl.col("n").str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%z", strict=False, time_zone="UTC", time_unit="us"
    )
    naive = (
        pl.col("n")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us")
        .dt.replace_time_zone("UTC")
    )
    day = pl.col("n").str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    # The offset as written ("+05:30" → 330); "Z" was made "+00:00". A naive time has none.
    tail = pl.col("n").str.extract_groups(r"T\d{2}:\d{2}:\d{2}([+-])(\d{2}):(\d{2})$")
    written = (
        pl.when(tail.struct.field("1") == "-").then(-1).otherwise(1)
        * (tail.struct.field("2").cast(pl.Int32) * 60 + tail.struct.field("3").cast(pl.Int32))
    )
    df = df.with_columns(
        pl.when(pl.col("iso")).then(pl.coalesce(zoned, naive)).alias("t_min"),
        pl.when(pl.col("iso")).then(day).alias("t_day"),
        pl.when(pl.col("iso") & zoned.is_not_null()).then(written).alias("o"),
    )
    in_range = pl.col("t").dt.year().is_between(_MIN_YEAR, _MAX_YEAR)
    df = df.with_columns(
        pl.coalesce("t_min", "t_day").alias("t"),
        pl.when(pl.col("t_min").is_not_null())
        .then(pl.lit("minute"))
        .when(pl.col("t_day").is_not_null())
        .then(pl.lit("day"))
        .alias("p"),
    ).with_columns(
        pl.when(in_range).then(pl.col("t")).alias("t"),
        pl.when(in_range).then(pl.col("p")).alias("p"),
        pl.when(in_range & pl.col("t_min").is_not_null()).then(pl.col("o")).alias("o"),
    )
    # The rest, once per distinct string, in Python.
    todo = df.filter(pl.col("t").is_null() & pl.col("s").is_not_null() & (pl.col("s") != ""))
    if todo.height:
        uniq = todo.get_column("s").unique().to_list()
        parsed = [read_published(u) for u in uniq]
        lookup = pl.DataFrame(
            {
                "s": uniq,
                "t2": [p[0] for p in parsed],
                "p2": [p[1] for p in parsed],
                "o2": [p[2] for p in parsed],
            },
            schema={"s": pl.String, "t2": pl.Datetime("us", "UTC"), "p2": pl.String, "o2": pl.Int32},
        )
        df = df.join(lookup, on="s", how="left", maintain_order="left").with_columns(
            pl.when(pl.col("t").is_null()).then(pl.col("o2")).otherwise(pl.col("o")).alias("o"),
            pl.coalesce("t", "t2").alias("t"), pl.coalesce("p", "p2").alias("p"),
        )
    return (
        df.get_column("t").cast(pl.Datetime("us", "UTC")).alias(name),
        df.get_column("p").cast(pl.String).alias("published_precision"),
        df.get_column("o").cast(pl.Int16).alias("published_offset"),
    )
