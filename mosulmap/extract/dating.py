"""The dates of an article: when it was published, which day its story tells, where its
sections start, and the days on which a phase of the offensive began.

* the publication date is the sidecar's, else the dateline's (inside the campaign and not after
  the sidecar's), else the command line's fallback, else inferred from a weekday and the latest
  date the text mentions;
* the story date is the date of the blog title ("Day 44, Nov 29, 2016"), else the lead's own
  ("… on Tuesday"), else the publication date; a section heading (";29 December") dates the
  blocks under it;
* background ("the offensive launched on Oct 17") dates the campaign, not an event in a
  neighbourhood: it gives the starts of phases ("on the fourth day"), never a claim's date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from mosulmap.campaign import current as current_campaign
from mosulmap.claims import DatePrecision
from mosulmap.dates import MONTHS, DateFinding, find_dateline, infer_publication
from mosulmap.extract.frames import Clause, find_triggers, split_clauses
from mosulmap.extract.layout import NUMERIC_DATE, Layout, split_sentences, strip_dateline_prefix
from mosulmap.extract.lexicon import BACKGROUND, CAMPAIGN_NOUNS, LIST_REFERENCE, PHASE_SINCE
from mosulmap.extract.mentions import Mention
from mosulmap.extract.timex import NUMBER_WORDS, Kind, find_timexes, is_background_date
from mosulmap.normalize import compile_folded

if TYPE_CHECKING:
    from mosulmap.extract.article import _Article

SINCE = compile_folded(r"\bsince\b|منذ", re.I)


def _plausible(value: date, metadata: date | None) -> bool:
    campaign = current_campaign()
    latest = metadata or campaign.claims_latest
    return campaign.start - timedelta(days=30) <= value <= latest


def _numeric_date(text: str) -> date | None:
    """Day/month/year as digits (18/11/2016, 18.11.2016); month/day when the day is over 12."""
    found = NUMERIC_DATE.search(text)
    if not found:
        return None
    day, month, year = int(found["day"]), int(found["month"]), int(found["year"])
    if month > 12 >= day:
        day, month = month, day
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _lead_dateline(paragraph: str) -> str | None:
    """The dateline a lead paragraph opens with ("ERBIL, Kurdistan Region – 18/11/2016 – …",
    "MOSUL, Iraq, Nov. 4 (UPI) — …"): the text up to a date that only names, places or an
    agency stand before."""
    head = paragraph[:100]
    ends = [m.end() for m in NUMERIC_DATE.finditer(head)]
    ends += [t.end for t in find_timexes(head) if t.kind is Kind.EXPLICIT]
    if not ends:
        return None
    end = min(ends)
    before = head[:end]
    words = re.findall(r"[^\W\d_][\w'’.-]*", before)
    date_words = sum(1 for w in words if w[:3].lower() in MONTHS)
    if re.search(r"(?:^|[\s,(])[a-z]", before) or len(words) - date_words > 6:
        return None  # a sentence that mentions a date, not a dateline
    return paragraph[:end]


def _dateline(layout: Layout, metadata: date | None) -> DateFinding | None:
    """The date printed at the top of the page, if it is a plausible publication date: the
    dateline line, a date line among the first headings, or a dateline opening the lead."""
    candidates = [(layout.dateline, True)] if layout.dateline else []
    candidates += [(b.text, False) for b in layout.blocks[:3] if b.kind == "heading"]
    candidates += [(lead, True) for b in layout.blocks[:3] if b.kind == "prose" and (lead := _lead_dateline(b.text))]
    for text, is_dateline in candidates:
        value = _numeric_date(text)
        if value and _plausible(value, metadata):
            return DateFinding(value, DatePrecision.EXACT, f"dateline {text!r}", text)
        found = find_dateline(text, header_lines=1)
        if found and _plausible(found.value, metadata):
            return found
        if not is_dateline:
            continue
        # A dateline that prints the day without the year ("MOSUL, Iraq, Nov. 4 (UPI) —").
        dates = [t.value for t in find_timexes(text) if t.kind is Kind.EXPLICIT]
        if dates and _plausible(dates[0], metadata):
            return DateFinding(dates[0], DatePrecision.INFERRED, f"dateline {text!r}, year from the campaign window",
                               text)
    return None


def publication_date(layout: Layout, metadata: date | None, fallback: date | None) -> DateFinding | None:
    """Sidecar date, else a plausible dateline, else the caller's fallback, else inference."""
    if metadata is not None:
        return DateFinding(metadata, DatePrecision.EXACT, "publication date from metadata")
    printed = _dateline(layout, None)
    if printed:
        return printed
    if fallback is not None:
        return DateFinding(fallback, DatePrecision.EXACT, "publication date given by the caller")
    inferred = infer_publication("\n".join(layout.prose))
    if inferred:
        return inferred
    dates = [t.value for b in layout.blocks for t in find_timexes(b.text) if t.kind is Kind.EXPLICIT
             and not is_background_date(t.value)]
    if dates:
        return DateFinding(max(dates), DatePrecision.INFERRED, "the latest date the text mentions (no dateline)")
    return None


def _heading_date(text: str, published: date) -> date | None:
    dates = [t.value for t in find_timexes(text) if t.kind is Kind.EXPLICIT and t.value <= published]
    return dates[0] if dates else None


def story_date(layout: Layout, published: DateFinding) -> DateFinding | None:
    """The day a post's title names ("Mosul Campaign Day 44, Nov 29, 2016"), if any."""
    titles = [layout.headline] + [b.text for b in layout.blocks[:4] if b.kind == "heading"]
    for title in titles:
        day = _heading_date(title, published.value) if title else None
        if day and (day != published.value or re.search(r"\bDay\b", title)):
            return DateFinding(day, DatePrecision.EXACT, f"the title {title!r}")
    return None


def section_date(block_text: str, published: date) -> DateFinding | None:
    """A heading that is only a date (";29 December") dates the entries under it."""
    day = _heading_date(block_text, published)
    if day and len(block_text.strip(";= ").split()) <= 3:
        return DateFinding(day, DatePrecision.EXACT, f"section heading {block_text!r}")
    return None


def background_clause(clause: Clause, mentions: list[Mention]) -> bool:
    """Whether a clause dates the campaign ("since the offensive began") rather than an event
    in the places it names."""
    text = clause.text
    return bool(SINCE.search(text)) or (
        BACKGROUND.search(text) is not None and CAMPAIGN_NOUNS.search(text) is not None and not mentions
        and not LIST_REFERENCE.search(text))


def find_phase_starts(state: _Article, sentences: list[str], story: date) -> None:
    """Days on which a phase of the offensive began, for "on the fourth day"."""
    for sentence in sentences:
        since = PHASE_SINCE.search(sentence)
        if since:
            raw = since["n"].lower()
            n = NUMBER_WORDS.get(raw) or (int(raw) if raw.isdigit() else 0)
            if 0 < n < 60:
                state.phase_starts.append(story - timedelta(days=n - 1))
        if not (BACKGROUND.search(sentence) and CAMPAIGN_NOUNS.search(sentence)):
            continue  # a clause can match only where its sentence does: no need to cut it
        for clause in split_clauses(sentence):
            if BACKGROUND.search(clause.text) and CAMPAIGN_NOUNS.search(clause.text):
                found = state.when(state.found(find_timexes, clause.text), story)
                if found and found.value > current_campaign().start:
                    state.phase_starts.append(found.value)


def lead_date(state: _Article, layout: Layout) -> DateFinding | None:
    """The day the lead sentence gives, when it is close to publication."""
    prose = layout.prose
    if not prose:
        return None
    lead = _lead_index(prose)
    for sentence in split_sentences(strip_dateline_prefix(prose[lead]))[:2]:
        if not state.found(find_triggers, sentence):
            continue  # a standfirst about something else ("the UN said on Saturday …") dates no story
        for clause in split_clauses(sentence):
            if background_clause(clause, []):
                continue
            found = state.when(state.found(find_timexes, clause.text), state.published.value)
            if found and found.precision is not DatePrecision.APPROXIMATE and \
                    state.published.value - found.value <= timedelta(days=7):
                return DateFinding(found.value, found.precision, f"the lead's {found.how}")
    return None


def _lead_index(prose: list[str]) -> int:
    """The lead paragraph: the one that opens with a dateline ("ERBIL, Kurdistan Region – …")
    when one of the first three does (what stands before it is a caption), else the first."""
    return next((i for i, p in enumerate(prose[:3]) if strip_dateline_prefix(p) != p), 0)
