"""Time expressions in news sentences: recognition first, normalisation second.

Recognition (:func:`find_timexes`) finds each expression with its span and kind, as temporal
taggers such as HeidelTime do; normalisation (:func:`resolve`) turns it into a date against the
article's :class:`Anchors`:

* explicit dates ("November 9", "29 December", "Nov. 15, 2016", "15 ديسمبر") stand alone;
* weekdays ("on Tuesday", "Sunday", "الخميس") are the latest such day on or before publication;
* deictic days ("today", "yesterday", "two days ago", "أمس") count from the publication date;
* anaphoric days ("two days before", "the day before", "earlier in the day") count from the
  reference date, the day the surrounding text is about;
* "on the fourth day" counts from the start of the current phase of the offensive;
* vague spans ("in the past few days", "last week") give no day at all.

Which sentence or clause an expression dates is decided in ``frames`` (scope rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from mosulmap.campaign import current as current_campaign
from mosulmap.claims import DatePrecision
from mosulmap.dates import DAY_MONTH, DOTTED, ISO, MONTH_DAY, MONTHS, WEEKDAYS, DateFinding, campaign_year
from mosulmap.normalize import compile_folded, fold_arabic, has_arabic

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "a": 1, "an": 1}
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10}
ARABIC_MONTHS = {
    "كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "آذار": 3, "اذار": 3, "مارس": 3, "نيسان": 4,
    "أبريل": 4, "ابريل": 4, "أيار": 5, "ايار": 5, "مايو": 5, "حزيران": 6, "يونيو": 6, "تموز": 7, "يوليو": 7,
    "آب": 8, "اب": 8, "أغسطس": 8, "اغسطس": 8, "أيلول": 9, "ايلول": 9, "سبتمبر": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "أكتوبر": 10, "اكتوبر": 10, "تشرين الثاني": 11, "نوفمبر": 11, "كانون الأول": 12,
    "كانون الاول": 12, "ديسمبر": 12,
}
ARABIC_WEEKDAYS = {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
                   "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6}
ARABIC_MONTHS |= {fold_arabic(k): v for k, v in ARABIC_MONTHS.items()}
ARABIC_WEEKDAYS |= {fold_arabic(k): v for k, v in ARABIC_WEEKDAYS.items()}
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_AR = r"(?<![\u0621-\u064A\u0671-\u06D3])"  # at an Arabic word boundary (Arabic commas are not letters)
_AR_END = r"(?![\u0621-\u064A\u0671-\u06D3])"
_N = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)"

WEEKDAY = compile_folded(
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s|’s)?"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)
ARABIC_WEEKDAY = compile_folded(
    rf"{_AR}(?:يوم\s+)?[وب]?(?P<weekday>{'|'.join(ARABIC_WEEKDAYS)}){_AR_END}")
ARABIC_DATE = compile_folded(
    rf"(?P<day>[0-9٠-٩]{{1,2}})\s+(?P<month>{'|'.join(sorted(ARABIC_MONTHS, key=len, reverse=True))})"
    rf"(?:\s+(?P<year>[0-9٠-٩]{{4}}))?")
DEICTIC = compile_folded(
    r"\b(?:(?P<today>today|tonight|this (?:morning|afternoon|evening)|earlier today)"
    rf"|(?P<yesterday>yesterday|last night)|(?P<before_yesterday>the day before yesterday)|{_N}\s+days?\s+ago)\b",
    re.I)
ARABIC_DEICTIC = compile_folded(
    rf"{_AR}(?:(?P<before_yesterday>أول\s+أمس|اول\s+امس|أول\s+امس|أمس\s+الأول|امس\s+الاول)|(?P<yesterday>أمس|امس|الأمس|البارحة)"
    rf"|(?P<today>(?:عصر|صباح|مساء|ظهر)?\s*اليوم)){_AR_END}")
ANAPHORIC = compile_folded(
    rf"\b(?:{_N}\s+days?\s+(?P<dir>before|earlier|later|after)"
    r"|(?P<minus1>the day before|the previous day|a day earlier|the night before)"
    r"|(?P<plus1>the (?:next|following) day|a day later)"
    r"|(?P<same>earlier in the day|later in the day|the same day|that day|by the end of the day))\b", re.I)
NTH_DAY = compile_folded(rf"\bthe\s+(?P<nth>{'|'.join(ORDINAL_WORDS)}|\d+(?:st|nd|rd|th))\s+day\b", re.I)
VAGUE = compile_folded(
    r"\b(?:last week|a week ago|earlier this week|this week|last month|earlier this month|recently"
    r"|(?:in|over|during) the (?:past|last) (?:few|several|couple of|two|three|\d+) (?:days|weeks)"
    r"|in recent (?:days|weeks)|for (?:days|weeks)|in the past (?:days|weeks))\b", re.I)


_DIGIT = re.compile(r"\d")


class Kind(StrEnum):
    EXPLICIT = "explicit"
    WEEKDAY = "weekday"
    DEICTIC = "deictic"
    ANAPHORIC = "anaphoric"
    NTH_DAY = "nth_day"
    VAGUE = "vague"


@dataclass(frozen=True)
class Timex:
    """A time expression found in a text: where, what kind, and what it needs to become a date."""

    start: int
    end: int
    text: str
    kind: Kind
    value: date | None = None  # explicit dates
    offset: int = 0  # deictic and anaphoric days
    weekday: int | None = None
    nth: int | None = None


@dataclass(frozen=True)
class Anchors:
    """What relative expressions count from."""

    published: date
    reference: date  # the day the surrounding text is about
    phase_start: date | None = None
    last: date | None = None  # the day the text named last ("the same day", "the next day" count from it)
    now: date | None = None  # the writer's today: a blog titled "Day 88, Jan 12" writes from 12 Jan


def _explicit(text: str, year_hint: int | None) -> list[Timex]:
    found: list[Timex] = []
    for pattern in (ISO, DOTTED, MONTH_DAY, DAY_MONTH):
        for m in pattern.finditer(text):
            month_text = m.group("month")
            month = int(month_text) if month_text.isdigit() else MONTHS[month_text[:3].lower()]
            found += _dated(m, month, int(m.group("day")), m.groupdict().get("year"), year_hint)
    for m in ARABIC_DATE.finditer(text):
        day = int(m.group("day").translate(_ARABIC_DIGITS))
        year = m.group("year").translate(_ARABIC_DIGITS) if m.group("year") else None
        found += _dated(m, ARABIC_MONTHS[m.group("month")], day, year, year_hint)
    return found


def _dated(m: re.Match, month: int, day: int, year_text: str | None, year_hint: int | None) -> list[Timex]:
    year = int(year_text) if year_text else (year_hint or campaign_year(month, day))
    if year is None:
        return []
    try:
        value = date(year, month, day)
    except ValueError:
        return []
    return [Timex(m.start(), m.end(), m.group(0), Kind.EXPLICIT, value=value)]


def _number(raw: str) -> int:
    raw = raw.lower()
    return int(raw) if raw.isdigit() else NUMBER_WORDS[raw]


def find_timexes(text: str, year_hint: int | None = None) -> list[Timex]:
    """Every time expression in ``text``, in order, overlaps resolved in favour of the longer.

    Each pattern runs only when the text holds a word it needs (most clauses hold none)."""
    arabic = has_arabic(text)
    if arabic:
        text = fold_arabic(text)  # one letter for one: the spans stay those of the text given
    lowered = text.lower()
    digits = _DIGIT.search(text) is not None
    found = _explicit(text, year_hint) if digits else []
    if "day" in lowered:
        found += _weekdays(WEEKDAY, text, WEEKDAYS)
    if arabic:
        found += _weekdays(ARABIC_WEEKDAY, text, ARABIC_WEEKDAYS)
    if any(w in lowered for w in ("today", "tonight", "this ", "yesterday", "last night", " ago")):
        found += _deictic(DEICTIC, text)
    if arabic:
        found += _deictic(ARABIC_DEICTIC, text)
    if any(w in lowered for w in ("before", "earlier", "later", "after", "previous", "next", "following", "same day",
                                  "that day", "end of the day", "night before")):
        for m in ANAPHORIC.finditer(text):
            if m.group("n"):
                n = _number(m.group("n"))
                offset = -n if m.group("dir").lower() in ("before", "earlier") else n
            else:
                offset = -1 if m.group("minus1") else 1 if m.group("plus1") else 0
            found.append(Timex(m.start(), m.end(), m.group(0), Kind.ANAPHORIC, offset=offset))
    if " day" in lowered:
        for m in NTH_DAY.finditer(text):
            raw = m.group("nth").lower()
            nth = ORDINAL_WORDS[raw] if raw in ORDINAL_WORDS else int(re.sub(r"\D", "", raw))
            found.append(Timex(m.start(), m.end(), m.group(0), Kind.NTH_DAY, nth=nth))
    if any(w in lowered for w in ("week", "month", "recent", "past", "for days")):
        found += [Timex(m.start(), m.end(), m.group(0), Kind.VAGUE) for m in VAGUE.finditer(text)]
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[Timex] = []
    for t in found:
        if kept and t.start < kept[-1].end:
            continue  # "Thursday (December 29)" keeps both; "two days before" is one expression
        kept.append(t)
    return kept


def _weekdays(pattern: re.Pattern[str], text: str, names: dict[str, int]) -> list[Timex]:
    out = []
    for m in pattern.finditer(text):
        name = m.group("weekday")
        weekday = names.get(name.lower(), names.get(name))
        out.append(Timex(m.start(), m.end(), m.group(0), Kind.WEEKDAY, weekday=weekday))
    return out


def _deictic(pattern: re.Pattern[str], text: str) -> list[Timex]:
    out = []
    for m in pattern.finditer(text):
        groups = m.groupdict()
        if groups.get("today"):
            offset = 0
        elif groups.get("yesterday"):
            offset = -1
        elif groups.get("before_yesterday"):
            offset = -2
        else:
            offset = -_number(groups["n"])
        out.append(Timex(m.start(), m.end(), m.group(0), Kind.DEICTIC, offset=offset))
    return out


def resolve(t: Timex, anchors: Anchors) -> DateFinding | None:
    """The day ``t`` names, or None (vague, unanchored, or after publication)."""
    if t.kind is Kind.EXPLICIT:
        value, precision, how = t.value, DatePrecision.EXACT, f"'{t.text}'"
    elif t.kind is Kind.WEEKDAY:
        now = anchors.now or anchors.published
        value = now - timedelta(days=(now.weekday() - t.weekday) % 7)
        precision, how = DatePrecision.INFERRED, f"'{t.text}' on or before {now.isoformat()}"
    elif t.kind is Kind.DEICTIC:
        value = (anchors.now or anchors.published) + timedelta(days=t.offset)
        precision = DatePrecision.INFERRED
        how = f"'{t.text}' from the publication date" if anchors.now is None else f"'{t.text}' from the title's day"
    elif t.kind is Kind.ANAPHORIC:
        base = anchors.last or anchors.reference
        value = base + timedelta(days=t.offset)
        precision, how = DatePrecision.INFERRED, f"'{t.text}' from {base.isoformat()}"
    elif t.kind is Kind.NTH_DAY and anchors.phase_start is not None:
        value = anchors.phase_start + timedelta(days=t.nth - 1)
        precision, how = DatePrecision.INFERRED, f"'{t.text}' of the phase begun {anchors.phase_start.isoformat()}"
    else:
        return None
    if value is None or value > anchors.published:
        return None  # a future day is a plan, not an event
    return DateFinding(value, precision, how)


def is_background_date(value: date) -> bool:
    """Days long before the offensive ("captured by IS in June 2014") date no event on the map."""
    return value < current_campaign().start - timedelta(days=30)
