"""Date strings as news pages and feeds print them, read into UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from provenance.extract.dates import parse_published, parse_published_series, read_published


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


CASES = [
    # ISO 8601
    ("2024-10-16T16:45:00+05:30", utc(2024, 10, 16, 11, 15), "minute"),
    ("2024-10-16T16:45:00Z", utc(2024, 10, 16, 16, 45), "minute"),
    ("2024-10-16T16:45:00.123Z", utc(2024, 10, 16, 16, 45), "minute"),
    ("2024-10-16T16:45+0900", utc(2024, 10, 16, 7, 45), "minute"),
    ("2024-10-16 16:45:30", utc(2024, 10, 16, 16, 45, 30), "minute"),  # naive -> UTC
    ("2024-10-16T16:45:00-04:00", utc(2024, 10, 16, 20, 45), "minute"),
    ("2024-10-16T16:45:00 UTC", utc(2024, 10, 16, 16, 45), "minute"),
    ("2024-10-16T16:45:00 KST", utc(2024, 10, 16, 7, 45), "minute"),
    ("2024-10-16", utc(2024, 10, 16), "day"),
    ("2024/10/16", utc(2024, 10, 16), "day"),
    # RFC 2822
    ("Wed, 16 Oct 2024 16:45:00 +0530", utc(2024, 10, 16, 11, 15), "minute"),
    ("Wed, 16 Oct 2024 11:15:00 GMT", utc(2024, 10, 16, 11, 15), "minute"),
    ("Wed, 16 Oct 2024 11:15:00 -0000", utc(2024, 10, 16, 11, 15), "minute"),
    ("Wed, 16 Oct 2024 07:15:00 EDT", utc(2024, 10, 16, 11, 15), "minute"),
    # news page styles
    ("October 16, 2024 16:45 IST", utc(2024, 10, 16, 11, 15), "minute"),
    ("Updated: October 16, 2024 16:45 IST", utc(2024, 10, 16, 11, 15), "minute"),
    ("Last Updated on: Oct 16, 2024 | 16:45 IST", utc(2024, 10, 16, 11, 15), "minute"),
    ("Published at 16 Oct 2024, 04:45 PM IST", utc(2024, 10, 16, 11, 15), "minute"),
    ("16 Oct 2024, 04:45 PM", utc(2024, 10, 16, 16, 45), "minute"),
    ("16 October 2024 4:45 pm KST", utc(2024, 10, 16, 7, 45), "minute"),
    ("Wednesday, October 16, 2024 at 4:45 p.m. JST", utc(2024, 10, 16, 7, 45), "minute"),
    ("Oct 16, 2024 16:45 hrs HKT", utc(2024, 10, 16, 8, 45), "minute"),
    ("Oct. 16, 2024 8:45 AM SGT", utc(2024, 10, 16, 0, 45), "minute"),
    ("16-Oct-2024 16:45 PKT", utc(2024, 10, 16, 11, 45), "minute"),
    ("Oct 16, 2024 4:45 PM BST", utc(2024, 10, 16, 15, 45), "minute"),
    ("Oct 16, 2024 4:45 PM CET", utc(2024, 10, 16, 15, 45), "minute"),
    ("Oct 16, 2024 4:45 PM CEST", utc(2024, 10, 16, 14, 45), "minute"),
    ("Oct 16, 2024 4:45 PM EET", utc(2024, 10, 16, 14, 45), "minute"),
    ("Oct 16, 2024 4:45 PM MSK", utc(2024, 10, 16, 13, 45), "minute"),
    ("Oct 16, 2024 4:45 PM EST", utc(2024, 10, 16, 21, 45), "minute"),
    ("Oct 16, 2024 4:45 PM CST", utc(2024, 10, 16, 22, 45), "minute"),  # US Central
    ("Oct 16, 2024 4:45 PM CDT", utc(2024, 10, 16, 21, 45), "minute"),
    ("Oct 16, 2024 4:45 PM PST", utc(2024, 10, 17, 0, 45), "minute"),
    ("Oct 16, 2024 4:45 PM PDT", utc(2024, 10, 16, 23, 45), "minute"),
    ("Oct 16, 2024 4:45 PM AEST", utc(2024, 10, 16, 6, 45), "minute"),
    ("Oct 16, 2024 4:45 PM GMT+5:30", utc(2024, 10, 16, 11, 15), "minute"),
    ("Oct 16, 2024 16:45 UTC+09:00", utc(2024, 10, 16, 7, 45), "minute"),
    ("Oct 16, 2024 16:45 Beijing time", utc(2024, 10, 16, 8, 45), "minute"),
    ("Oct 16, 2024", utc(2024, 10, 16), "day"),
    ("October 16th, 2024", utc(2024, 10, 16), "day"),
    ("16 Oct 2024 IST", utc(2024, 10, 16), "day"),  # a day is not shifted by its zone
    ("16/10/2024", utc(2024, 10, 16), "day"),  # unambiguous day-first
    ("10/16/2024", utc(2024, 10, 16), "day"),  # unambiguous month-first
    # ambiguous, but the zone's region writes the day first (Indian, British, European, Australian pages)
    ("Updated: 05-03-2025 16:45 IST", utc(2025, 3, 5, 11, 15), "minute"),
    ("05.03.2025 10:00 CET", utc(2025, 3, 5, 9, 0), "minute"),
    ("05/03/2025 India Standard Time", utc(2025, 3, 5), "day"),
    # Spanish, Portuguese, French, Italian and German pages: their month names and labels, day first
    ("Publicado el 05/03/2025 a las 10:30", utc(2025, 3, 5, 10, 30), "minute"),
    ("Mis à jour le 05/03/2025 à 10h30", utc(2025, 3, 5, 10, 30), "minute"),
    ("Veröffentlicht am 15.03.2025 um 10:30 Uhr", utc(2025, 3, 15, 10, 30), "minute"),
    ("Stand: 05.03.2025, 10:30 Uhr", utc(2025, 3, 5, 10, 30), "minute"),
    ("05.03.2025 10:30", utc(2025, 3, 5, 10, 30), "minute"),  # dotted: no region writes it month first
    ("Lunes, 5 de marzo de 2025, 10:30 CET", utc(2025, 3, 5, 9, 30), "minute"),
    ("mercredi 5 mars 2025 à 10h30", utc(2025, 3, 5, 10, 30), "minute"),
    ("15 de março de 2025 às 10h30", utc(2025, 3, 15, 10, 30), "minute"),
    ("5. März 2025", utc(2025, 3, 5), "day"),
    ("aggiornato il 5 maggio 2025", utc(2025, 5, 5), "day"),
    # the day's ordinal dot with a month written as in English; a local weekday; a dash or "Uhr" after the day
    ("3. August 2015", utc(2015, 8, 3), "day"),
    ("Dienstag, 2. November 2021", utc(2021, 11, 2), "day"),
    ("Dienstag, 02.11.2021", utc(2021, 11, 2), "day"),
    ("15.12.2020 – 14:49", utc(2020, 12, 15, 14, 49), "minute"),
    ("19.10.2019, 05:00 Uhr", utc(2019, 10, 19, 5, 0), "minute"),
    ("Erscheinungsdatum: 07.02.2022", utc(2022, 2, 7), "day"),
    ("Dienstag, der Stadtrat tagte am 02.11.2021", None, None),  # prose, whatever the words
    ("Mars landing on 05/03/2025", None, None),  # prose, whatever the words
    # epoch
    ("1729077300", utc(2024, 10, 16, 11, 15), "minute"),
    ("1729077300000", utc(2024, 10, 16, 11, 15), "minute"),
    # unreadable -> null
    ("05/06/2024", None, None),  # ambiguous: D/M or M/D
    ("05/06/2024 4:45 PM EST", None, None),  # a US zone says nothing for the day first
    ("05/06/2024 GMT", None, None),  # nor does GMT, which feeds everywhere print
    ("Seoul, Oct 16", None, None),  # no year
    ("yesterday", None, None),
    ("2 hours ago", None, None),
    ("2024-13-45", None, None),
    ("2024-02-30T10:00:00Z", None, None),
    ("Oct 16, 2024 25:61", None, None),
    ("The minister met Oct 16, 2024 officials", None, None),  # prose
    ("12345", None, None),
    ("", None, None),
    (None, None, None),
]


@pytest.mark.parametrize(("s", "want", "prec"), CASES)
def test_parse_published(s, want, prec):
    got, p = parse_published(s)
    assert got == want
    assert p == prec
    if got is not None:
        assert got.utcoffset().total_seconds() == 0


def test_series_matches_scalar_and_keeps_order():
    strings = [c[0] for c in CASES] * 3
    t, p, o = parse_published_series(pl.Series("published", strings, dtype=pl.String))
    assert t.dtype == pl.Datetime("us", "UTC") and o.dtype == pl.Int16
    assert t.name == "published"
    assert len(t) == len(strings)
    for s, got, prec, off in zip(strings, t.to_list(), p.to_list(), o.to_list(), strict=True):
        assert (got, prec, off) == read_published(s), s


def test_series_fast_path_for_iso_only():
    s = pl.Series(["2024-10-16T16:45:00+05:30", "2024-10-16", None, "1999-01-01 00:00"] * 1000)
    t, p, o = parse_published_series(s)
    assert t.null_count() == 1000
    assert p.to_list()[:4] == ["minute", "day", None, "minute"]
    assert o.to_list()[:4] == [330, None, None, None]


def test_series_empty():
    t, p, o = parse_published_series(pl.Series("x", [], dtype=pl.String))
    assert len(t) == 0 and t.dtype == pl.Datetime("us", "UTC")


@pytest.mark.parametrize(("s", "offset"), [
    ("2024-10-16T01:45:00+05:30", 330),  # 20:15 UTC the day before: the page's own day is the 16th
    ("2024-10-16T16:45:00Z", 0),
    ("2024-10-16T16:45:00-0400", -240),
    ("Updated: October 16, 2024 01:45 IST", 330),
    ("Oct 16, 2024 4:45 PM EDT", -240),
    ("Wed, 16 Oct 2024 16:45:00 GMT", 0),
    ("2024-10-16 16:45:30", None),  # no zone: taken as UTC, and no offset is claimed
    ("2024-10-16", None),  # a calendar day is the page's day already
    ("Oct 16, 2024 IST", None),
    ("1729091100", None),  # an instant
    ("not a date", None),
])
def test_the_offset_a_date_was_written_in_is_kept(s, offset):
    at, _, off = read_published(s)
    assert off == offset
    if off is not None:  # UTC plus the offset is the clock the page printed
        assert (at + timedelta(minutes=off)).strftime("%d %H:%M") in ("16 01:45", "16 16:45", "16 12:45")
