"""Dates in news text: datelines, explicit dates, weekdays and relative days.

Used by ``extract`` to date an article: a printed dateline, or a weekday plus the latest explicit
date in the text. The time expressions of sentences are ``extract.timex``'s job. Each answer says
how it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from mosulmap.campaign import current as current_campaign
from mosulmap.claims import DatePrecision

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?", re.I)
DAY_MONTH = re.compile(rf"\b{_DAY}\s+{_MONTH}\b(?:,?\s+{_YEAR})?", re.I)
ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
DOTTED = re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b")
WEEKDAY = re.compile(r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I)
@dataclass(frozen=True)
class DateFinding:
    """A date found in text, how firmly, and how it was found."""

    value: date
    precision: DatePrecision
    how: str
    text: str = ""  # the dateline as written, when the date came from one


def campaign_year(month: int, day: int) -> int | None:
    """The year that puts a day-month inside the current campaign's window (a month before its
    start to half a year after its end)."""
    return current_campaign().year_for(month, day)


def _build(match: re.Match, year_hint: int | None) -> tuple[date, bool] | None:
    """(date, year_was_given) from a month/day(/year) regex match."""
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text[:3].lower()]
    day = int(match.group("day"))
    year_text = match.groupdict().get("year")
    year = int(year_text) if year_text else (year_hint or campaign_year(month, day))
    if year is None:
        return None
    try:
        return date(year, month, day), bool(year_text)
    except ValueError:
        return None


def explicit_dates(text: str, year_hint: int | None = None) -> list[tuple[date, bool, str]]:
    """Every calendar date written in ``text``: (date, year_given, matched text), in order."""
    found: list[tuple[int, date, bool, str]] = []
    covered = bytearray(len(text))  # characters inside a date already found: linear in the text
    for pattern in (ISO, DOTTED, MONTH_DAY, DAY_MONTH):
        for m in pattern.finditer(text):
            built = _build(m, year_hint)
            if built and not covered[m.start()]:
                found.append((m.start(), built[0], built[1], m.group(0)))
                covered[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return [(d, y, t) for _, d, y, t in sorted(found, key=lambda f: f[0])]


DATELINE_AGENCY = re.compile(rf"^[A-Z][A-Za-z .,'-]{{0,60}}?,\s*{_MONTH}\s+{_DAY}\s*\((?P<agency>[^)]+)\)")


def find_dateline(text: str, header_lines: int = 6) -> DateFinding | None:
    """The publication date printed at the top of an article, if any.

    Recognises "Fri Nov 4, 2016 13:08:29", "MOSUL, Iraq, Dec 6 (AP) —", "2016-12-06",
    "06.12.2016", "4 November 2016" in the first ``header_lines`` non-empty lines.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:header_lines]
    for line in lines:
        agency = DATELINE_AGENCY.match(line)
        if agency:
            built = _build(agency, None)
            if built:
                how = f"dateline {agency.group(0)!r}" + ("" if built[1] else ", year from the campaign window")
                precision = DatePrecision.EXACT if built[1] else DatePrecision.INFERRED
                return DateFinding(built[0], precision, how, agency.group(0))
        dates = [(d, y, t) for d, y, t in explicit_dates(line) if y]
        # A dateline is a short line that is mostly the date (not a sentence that mentions one).
        if dates and len(line) <= len(dates[0][2]) + 40:
            return DateFinding(dates[0][0], DatePrecision.EXACT, f"dateline {line!r}", line)
    return None


def weekday_on_or_after(anchor: date, weekday: int) -> date:
    return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)


def infer_publication(text: str) -> DateFinding | None:
    """Date an undated article from a weekday and the latest explicit date it mentions.

    "On Nov. 15 ... said" and "on Thursday" make it the first Thursday on or after 15 Nov.
    """
    dates = [d for d, _, _ in explicit_dates(text)]
    weekdays = [m.group("weekday").lower() for m in WEEKDAY.finditer(text)]
    if not dates or not weekdays:
        return None
    latest = max(dates)
    weekday = max(set(weekdays), key=weekdays.count)  # the day the report is about
    value = weekday_on_or_after(latest, WEEKDAYS[weekday])
    how = f"inferred: '{weekday.title()}' after the latest date mentioned ({latest.isoformat()})"
    return DateFinding(value, DatePrecision.INFERRED, how)
