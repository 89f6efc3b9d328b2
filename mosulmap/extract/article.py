"""Extraction of one article: layout → sentences → clauses → frames → dated claims.

Dates follow explicit scope rules:

* the publication date is the sidecar's, else the dateline's (inside the campaign and not after
  the sidecar's), else the command line's fallback, else inferred from a weekday and the latest
  date the text mentions;
* the story date is the date of the blog title ("Day 44, Nov 29, 2016"), else the lead's own
  ("… on Tuesday"), else the publication date; a section heading (";29 December") dates the
  blocks under it;
* a clause's own time expression dates its frames; a relative clause's date dates that relative
  clause only; a main clause's date dates the rest of its sentence and carries to the next
  sentences of the paragraph, unless it is a flashback ("originally", "back on") or background
  ("the offensive launched on Oct 17"); each paragraph starts again from the story date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from mosulmap.campaign import current as current_campaign
from mosulmap.campaign import using
from mosulmap.claims import Claim, DatePrecision, Status, claim_prefix
from mosulmap.dates import MONTHS, DateFinding, find_dateline, infer_publication
from mosulmap.errors import InputError
from mosulmap.extract.frames import Clause, Frame, clause_frames, find_triggers, split_clauses
from mosulmap.extract.layout import NUMERIC_DATE, Layout, parse_layout, split_sentences, strip_dateline_prefix
from mosulmap.extract.lexicon import (
    ACTORS,
    ANAPHOR_THERE,
    BACKGROUND,
    CAMPAIGN_NOUNS,
    FLASHBACK,
    LIST_COUNT,
    LIST_NAMING,
    LIST_REFERENCE,
    PHASE_SINCE,
    THE_PLACE,
)
from mosulmap.extract.mentions import Mention, Scanner, Unplaced
from mosulmap.extract.timex import NUMBER_WORDS, Anchors, Kind, Timex, find_timexes, is_background_date, resolve
from mosulmap.normalize import compile_folded, fold_arabic, has_arabic
from mosulmap.resolver import MatchStatus, Resolver

SINCE = compile_folded(r"\bsince\b|منذ", re.I)
AMAQ = compile_folded(r"\bAmaq\b")
LANDMARK_HEAD = compile_folded(r"\b(university|palace|hotel|airport|stadium|campus)s?\b", re.I)
MAX_SENTENCE = 1500  # characters; longer "sentences" are data or markup, not prose


@dataclass
class ArticleResult:
    """Everything extraction learned from one article."""

    source: str
    title: str
    published: DateFinding | None
    claims: list[Claim] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (clause, reason)
    noise_lines: int = 0
    story: DateFinding | None = None

    @property
    def undatable(self) -> bool:
        return self.published is None

    def summary(self) -> str:
        when = (
            f"{self.published.value} ({self.published.how})" if self.published else "UNDATABLE: no dated claims"
        )
        lines = [f"{self.source}: {when}; {len(self.claims)} claims"]
        if self.story and self.published and self.story.value != self.published.value:
            lines[0] += f"; describes {self.story.value} ({self.story.how})"
        lines += [f"  claim {c.date} {c.status.value:<11} {c.place_as_written} -> {';'.join(c.place_ids)}"
                  for c in self.claims]
        lines += [f"  unplaced {u.name!r}: {u.status} ({u.reason})" for u in self.unplaced]
        if self.noise_lines:
            lines.append(f"  {self.noise_lines} lines of scrape noise dropped")
        return "\n".join(lines)


# -- dates of the article -------------------------------------------------------------------------

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


def _story_date(layout: Layout, published: DateFinding) -> DateFinding | None:
    """The day a post's title names ("Mosul Campaign Day 44, Nov 29, 2016"), if any."""
    titles = [layout.headline] + [b.text for b in layout.blocks[:4] if b.kind == "heading"]
    for title in titles:
        day = _heading_date(title, published.value) if title else None
        if day and (day != published.value or re.search(r"\bDay\b", title)):
            return DateFinding(day, DatePrecision.EXACT, f"the title {title!r}")
    return None


def _section_date(block_text: str, published: date) -> DateFinding | None:
    """A heading that is only a date (";29 December") dates the entries under it."""
    day = _heading_date(block_text, published)
    if day and len(block_text.strip(";= ").split()) <= 3:
        return DateFinding(day, DatePrecision.EXACT, f"section heading {block_text!r}")
    return None


# -- one article ----------------------------------------------------------------------------------

class _Article:
    """State while reading one article: anchors, carried dates, the last named list."""

    def __init__(self, resolver: Resolver, published: DateFinding, label: str, id_prefix: str,
                 source: str) -> None:
        self.resolver, self.published, self.label = resolver, published, label
        self.id_prefix, self.source = id_prefix, source
        self.scanner = Scanner.for_resolver(resolver)
        self.result: ArticleResult | None = None
        self.phase_starts: list[date] = []
        self.groups: list[tuple[int, list[Mention], date]] = []  # (sentence no., places, date)
        self.sentence_no = 0
        self.previous = ""
        self.original = ""  # the sentence as written (the analysis reads a folded copy)
        self.keys: set[tuple] = set()  # (date, places, status): one claim each per article
        # "took six districts" with no names: waits for a sentence that names them
        self.pending: tuple[Clause, int, int, list[Timex]] | None = None
        self.recent: tuple[int, list[Mention]] | None = None  # (sentence no., places) last named
        self.last_day: date | None = None  # the day the text named last
        self.now: date | None = None  # the day a blog's title writes from
        self.landmarks: dict[str, Mention] = {}  # head noun ("university") -> the landmark it names

    def is_place(self, word: str) -> bool:
        """Whether an Arabic word names a place on its own (with حي before it)."""
        return self.resolver.lookup(f"حي {word}") is not None

    def anchors(self, reference: date) -> Anchors:
        starts = [d for d in self.phase_starts if d <= reference]
        return Anchors(self.published.value, reference, max(starts) if starts else None, self.last_day, self.now)

    def when(self, timexes: Iterable[Timex], reference: date) -> DateFinding | None:
        """The first time expression that names a day within the campaign."""
        for t in timexes:
            if t.kind is Kind.VAGUE:
                return DateFinding(reference, DatePrecision.APPROXIMATE, f"'{t.text}': no day given")
            found = resolve(t, self.anchors(reference))
            if found and not is_background_date(found.value):
                return found
        return None


def _background(clause: Clause, mentions: list[Mention]) -> bool:
    text = clause.text
    return bool(SINCE.search(text)) or (
        BACKGROUND.search(text) is not None and CAMPAIGN_NOUNS.search(text) is not None and not mentions
        and not LIST_REFERENCE.search(text))


def _phase_starts(state: _Article, sentences: list[str], story: date) -> None:
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
                found = state.when(find_timexes(clause.text), story)
                if found and found.value > current_campaign().start:
                    state.phase_starts.append(found.value)


def _lead_date(state: _Article, layout: Layout) -> DateFinding | None:
    """The day the lead sentence gives, when it is close to publication."""
    prose = layout.prose
    if not prose:
        return None
    lead = _lead_index(prose)
    for sentence in split_sentences(strip_dateline_prefix(prose[lead]))[:2]:
        if not find_triggers(sentence):
            continue  # a standfirst about something else ("the UN said on Saturday …") dates no story
        for clause in split_clauses(sentence):
            if _background(clause, []):
                continue
            found = state.when(find_timexes(clause.text), state.published.value)
            if found and found.precision is not DatePrecision.APPROXIMATE and \
                    state.published.value - found.value <= timedelta(days=7):
                return DateFinding(found.value, found.precision, f"the lead's {found.how}")
    return None


def _lead_index(prose: list[str]) -> int:
    """The lead paragraph: the one that opens with a dateline ("ERBIL, Kurdistan Region – …")
    when one of the first three does (what stands before it is a caption), else the first."""
    return next((i for i, p in enumerate(prose[:3]) if strip_dateline_prefix(p) != p), 0)


def _actor(clause: str, sentence: str, previous: str, event: str) -> str:
    if event == "admitted_loss":
        return "IS/Amaq" if AMAQ.search(sentence + " " + previous) else "IS"
    for text in (clause, sentence, previous):
        actor = _actor_named(text)
        if actor:
            return actor
    return "unspecified"


@lru_cache(maxsize=256)
def _actor_named(text: str) -> str:
    """The first force of ACTORS that a text names ("" for none). A sentence is asked again for
    each of its claims and once more as the next sentence's previous one."""
    return next((actor for rx, actor in ACTORS if actor != "IS/Amaq" and rx.search(text)), "")


def _confidence(frame: Frame, when: DateFinding, default: bool) -> str:
    match = frame.mention.match
    if match.status is MatchStatus.GROUP or match.method.value == "fuzzy" or frame.mention.role != "place":
        return "low"
    if default or when.precision is not DatePrecision.EXACT:
        return "medium"
    return "high"


def _status(frame: Frame) -> tuple[Status, str] | None:
    trig, role = frame.trigger, frame.mention.role
    if role in ("building", "geography"):
        return None
    if role == "site":  # a building taken inside a district: the district is fought over
        return (Status.CONTESTED, "fighting") if trig.status is not Status.IS_CONTROL else None
    if role == "partial" and trig.status is Status.GOV_CONTROL:
        return Status.CONTESTED, "fighting"
    return trig.status, trig.event


def _sentence(state: _Article, sentence: str, reference: DateFinding) -> DateFinding | None:
    """Extract the claims of one sentence; returns the date it carries to the next one."""
    result = state.result
    parsed: list[tuple[Clause, list[Mention], list[Timex], list[Frame]]] = []
    for clause in split_clauses(sentence, state.is_place):
        clause.triggers = find_triggers(clause.text)
        live = [t for t in clause.triggers if not t.blocked]
        clause.blocker = next((t.blocked for t in clause.triggers if t.blocked), None) if not live else None
        mentions: list[Mention] = []
        if live:
            mentions, unplaced = state.scanner.mentions(clause.text, sentence)
            result.unplaced += [u for u in dict.fromkeys(unplaced) if u not in result.unplaced]
        timexes = find_timexes(clause.text)
        background = _background(clause, mentions)
        frames = clause_frames(clause, mentions, [] if background else timexes)
        parsed.append((clause, mentions, [] if background else timexes, frames))
    # The sentence's own date: from a main clause, never from a relative clause or background.
    own: DateFinding | None = None
    flashback = False
    for clause, _, timexes, frames in parsed:
        if not clause.subordinate:
            scoped_out = {x for f in frames if f.relative for x in f.timexes}
            found = state.when([t for t in timexes if t not in scoped_out and t.kind is not Kind.VAGUE],
                               reference.value)
            if found:
                own, flashback = found, bool(FLASHBACK.search(clause.text))
                break
        if frames:
            break  # a later clause's date does not reach back over a claim already made
    default = own or reference
    previous: list[Mention] = []
    for clause, mentions, timexes, frames in parsed:
        if clause.blocker:
            result.skipped.append((clause.text, clause.blocker))
            continue
        if not clause.triggers:
            _named_later(state, clause, sentence, default)
            continue
        if mentions:
            previous = mentions
            state.recent = (state.sentence_no, mentions)
            _remember_landmarks(state, mentions)
        else:
            frames = _referred(state, clause, previous, timexes, default)
            count = LIST_COUNT.search(clause.text)
            if not frames and count:
                state.pending = (clause, _count(count["n"] or count["m"]), state.sentence_no, timexes)
        dates = {}
        for frame in frames:
            day = _claim(state, frame, clause, sentence, _shifted(default, clause), own is None)
            if day is not None and not frame.relative:
                dates.setdefault(id(frame.trigger), (day, []))[1].append(frame.mention)
        state.groups += [(state.sentence_no, places, day) for day, places in dates.values() if len(places) >= 2]
    if own is not None and own.precision is not DatePrecision.APPROXIMATE:
        state.last_day = own.value  # after the claims: each relative day is counted once, from the day before it
    return own if own and not flashback else None


def _shifted(default: DateFinding, clause: Clause) -> DateFinding:
    """The day of a clause that "two days after" introduces: the main clause's day minus two."""
    if not clause.shift:
        return default
    value = default.value + timedelta(days=clause.shift)
    how = f"{abs(clause.shift)} days {'before' if clause.shift < 0 else 'after'} {default.value} ({default.how})"
    return DateFinding(value, DatePrecision.INFERRED, how)


def _remember_landmarks(state: _Article, mentions: list[Mention]) -> None:
    """A landmark named in the article can later be "the university", "the palace", "the hotel"."""
    gaz = state.resolver.gazetteer
    for m in mentions:
        place = gaz[m.match.place_ids[0]] if m.match.place_id else None
        head = LANDMARK_HEAD.search(place.name) if place is not None and "landmark" in place.feature_type else None
        if head and m.role == "place":
            state.landmarks[head.group(1).lower()] = m


def _referred(state: _Article, clause: Clause, previous: list[Mention], timexes: list[Timex],
              default: DateFinding) -> list[Frame]:
    """Frames for a clause that names no place but points back to one: "there" or "them" for
    the places of the clause before, "the four districts" for a list of four named earlier."""
    trig, text = next((t for t in clause.triggers if not t.blocked), clause.triggers[0]), clause.text
    pointing = ANAPHOR_THERE.search(text, trig.start) or re.match(r"\s+(?:them|it)\b", text[trig.end:])
    if previous and pointing:
        return [Frame(trig, m, tuple(timexes), False) for m in previous]
    for head, mention in state.landmarks.items():  # "the university" after "Mosul University"
        if re.search(rf"\bthe {head}\b", text[trig.start:], re.I):
            return [Frame(trig, mention, tuple(timexes), False)]
    if _names_the_place(text, trig) and state.recent and state.sentence_no - state.recent[0] <= 1:
        named = {m.match.place_ids: m for m in state.recent[1] if m.role == "place"}
        if len(named) == 1:  # "The district was cleared on Tuesday": the one place named just before
            return [Frame(trig, next(iter(named.values())), tuple(timexes), False)]
    ref = LIST_REFERENCE.search(text)
    if ref:
        n = _count(ref["n"])
        own = state.when([t for t in timexes if t.kind is not Kind.VAGUE], default.value)
        for number, members, day in reversed(state.groups):
            if state.sentence_no - number > 2:
                break
            # A restatement of the same day adds nothing; a list named earlier and reported
            # on another day ("started their push into the four districts on Friday") does.
            if len(members) == n and own is not None and own.value != day:
                return [Frame(trig, m, tuple(timexes), False) for m in members]
    return []


def _names_the_place(text: str, trig) -> bool:
    """Whether "the district" is the trigger's own subject ("The district was cleared") or object
    ("troops entered the area"), not a word further off ("leaving the area amid clashes")."""
    subject = THE_PLACE.search(text[:trig.start])
    if subject is not None and len(text[:subject.start()].split()) <= 3:
        return True
    obj = THE_PLACE.search(text, trig.end, trig.end + 40)
    return obj is not None and len(text[trig.end:obj.start()].split()) <= 2


def _count(raw: str) -> int:
    return NUMBER_WORDS.get(raw.lower()) or int(raw)


def _named_later(state: _Article, clause: Clause, sentence: str, default: DateFinding) -> None:
    """ "took six districts … It named the districts as A, B, C, D, E and F": the names of a
    counted list that a trigger reported a sentence or two before."""
    if state.pending is None or state.sentence_no - state.pending[2] > 2 or not LIST_NAMING.search(clause.text):
        return
    source, n, _, timexes = state.pending
    mentions, unplaced = state.scanner.mentions(clause.text, sentence)
    among = re.search(r"\bamong\b", clause.text, re.I) is not None  # "among them are A and B": some of the n
    if not (len(mentions) == n or among and 1 <= len(mentions) <= n):
        return
    state.pending = None
    state.result.unplaced += [u for u in dict.fromkeys(unplaced) if u not in state.result.unplaced]
    for m in mentions:
        _claim(state, Frame(source.triggers[0], m, tuple(timexes), False), source, sentence, default, True)


def _claim(state: _Article, frame: Frame, clause: Clause, sentence: str, default: DateFinding,
           inherited: bool) -> date | None:
    """Add the claim a frame makes (if any); returns its date."""
    result = state.result
    if frame.trigger.recap:
        result.skipped.append((clause.text, f"history, not news: {frame.trigger.text!r}"))
        return None
    if frame.trigger.blocked:
        result.skipped.append((clause.text, f"{frame.trigger.blocked}: {frame.trigger.text!r}"))
        return None
    decided = _status(frame)
    if decided is None:
        return None
    status, event = decided
    own = state.when(frame.timexes, default.value)
    if frame.relative and own is None:
        result.skipped.append((clause.text, "relative clause without a date of its own"))
        return None
    when = own or default
    if when.value > state.published.value or is_background_date(when.value):
        return None
    match = frame.mention.match
    gaz = state.resolver.gazetteer
    key = (when.value, match.place_ids, status)
    if key in state.keys:
        return when.value
    state.keys.add(key)
    note = f"date: {when.how}" + (" (the story's date)" if own is None and inherited else "")
    if frame.relative:
        note += "; from a relative clause"
    if frame.mention.role != "place":
        note += f"; {frame.mention.role} mention ({frame.mention.written!r})"
    if AMAQ.search(sentence) and event != "admitted_loss":
        note += "; reported by IS/Amaq"
    result.claims.append(
        Claim(
            claim_id=f"{state.id_prefix}-{len(result.claims) + 1:03d}",
            date=when.value,
            date_precision=when.precision,
            place_as_written=_as_written(state, clause, frame.mention),
            status=status,
            event=event,
            source=state.label,
            actor=_actor(clause.text, sentence, state.previous, event),
            place_canonical=gaz[match.place_ids[0]].name if match.place_id else "",
            place_ids=match.place_ids,
            resolution=match.status.value,
            published=state.published.value,
            quote=_trim_quote(state.original or sentence),
            note=note,
            confidence=_confidence(frame, when, own is None),
            origin=state.source,
        )
    )
    return when.value


def _as_written(state: _Article, clause: Clause, mention: Mention) -> str:
    """The name as the source spells it (the analysis reads Arabic letters folded)."""
    start = clause.offset + mention.start
    original = state.original[start:start + len(mention.written)]
    return original if fold_arabic(original) == mention.written else mention.written


def _trim_quote(sentence: str) -> str:
    """The sentence without a quotation mark left dangling by sentence splitting."""
    if sentence.count('"') % 2:
        sentence = sentence.strip('" ')
    if sentence.count("“") != sentence.count("”"):
        sentence = sentence.strip("“” ")
    return sentence


def extract_text(
    text: str,
    resolver: Resolver,
    source: str = "<text>",
    published: date | None = None,
    publisher: str = "",
    title: str | None = None,
    id_prefix: str | None = None,
    fallback_published: date | None = None,
) -> ArticleResult:
    """Extract claims from one article's text.

    Parameters
    ----------
    text : str
        The article as scraped; its first line is the headline (or ``dateline | headline``).
    resolver : Resolver
    source : str
        File name or URL, recorded in each claim's ``source``.
    published : date, optional
        Publication date from the article's metadata: it wins over a printed dateline.
    publisher, title : str, optional
        Recorded in each claim's ``source``.
    id_prefix : str, optional
        Claim ids are ``<id_prefix>-001`` …; defaults to :func:`mosulmap.claims.claim_prefix` of ``source``.
    fallback_published : date, optional
        Used only when neither metadata nor the text dates the article.

    Returns
    -------
    ArticleResult
    """
    with using(resolver.gazetteer.campaign):  # date windows are the campaign's
        return _extract_text(text, resolver, source, published, publisher, title, id_prefix, fallback_published)


def _extract_text(text: str, resolver: Resolver, source: str, published: date | None, publisher: str,
                  title: str | None, id_prefix: str | None, fallback_published: date | None) -> ArticleResult:
    layout = parse_layout(text)
    finding = publication_date(layout, published, fallback_published)
    result = ArticleResult(source=source, title=title or layout.headline, published=finding,
                           noise_lines=layout.noise)
    result.skipped += [(line[:80], why) for line, why in layout.dropped]
    if finding is None:
        return result
    label = ", ".join(p for p in (publisher, f'"{result.title}"' if result.title else "", source) if p)
    state = _Article(resolver, finding, label, id_prefix or claim_prefix(source), source)
    state.result = result
    story = _story_date(layout, finding) or _lead_date(state, layout) or \
        DateFinding(finding.value, DatePrecision.INFERRED, "report date")
    result.story = story
    if story.how.startswith("the title"):
        state.now = story.value  # a post titled "Day 88, Jan 12" says "yesterday" from 12 Jan
    _phase_starts(state, [s for p in layout.prose for s in split_sentences(p)], story.value)
    section: DateFinding | None = None
    first_prose = 0
    previous_day: DateFinding | None = None
    for block in layout.blocks:
        if block.kind == "heading":
            section = _section_date(block.text, finding.value) or section
            continue
        continues = block.text.startswith("و") and has_arabic(block.text[:2]) and previous_day is not None
        # each paragraph starts again from the story's day, but an Arabic paragraph opening with
        # و ("and …") goes on with the narrative, and the day, of the one before it
        carried = previous_day if continues else section or story
        paragraph = strip_dateline_prefix(block.text) if first_prose < 3 else block.text
        first_prose += 1
        for sentence in split_sentences(paragraph):
            state.sentence_no += 1
            if len(sentence) > MAX_SENTENCE:
                result.skipped.append((sentence[:80] + "…", f"longer than {MAX_SENTENCE} characters: not prose"))
                continue
            state.original = sentence
            analysed = fold_arabic(sentence) if has_arabic(sentence) else sentence
            carried = _sentence(state, analysed, carried) or carried
            state.previous = sentence
        previous_day = carried
    return result


def read_metadata(path: Path) -> dict[str, str]:
    """Sidecar metadata ``<article>.meta.json`` (published, publisher, title, url), if present."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        sidecar = path.with_suffix(".meta.json")
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable metadata: {exc}", sidecar) from None
    if not isinstance(data, dict):
        raise InputError("metadata must be a JSON object", sidecar)
    return {k: str(v) for k, v in data.items() if v is not None}


def extract_file(path: str | Path, resolver: Resolver, published: date | None = None) -> ArticleResult:
    """Extract claims from one article file (UTF-8 text), using its sidecar metadata if any.

    ``published`` is a fallback: the sidecar's date and a printed dateline come first.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read article: {exc.strerror}", path) from None
    text = raw.decode("utf-8-sig", errors="replace")
    meta = read_metadata(path)
    metadata_date = None
    if meta.get("published"):
        try:
            given = meta["published"].strip()
            if len(given) > 10 and given[10] not in "T ":
                raise ValueError(given)
            metadata_date = date.fromisoformat(given[:10])  # a time after the date is allowed
        except ValueError:
            raise InputError("not an ISO date", path.with_name(path.name + ".meta.json"), None,
                             "published", meta["published"]) from None
    source = meta.get("url") or path.name
    return extract_text(text, resolver, source=source, published=metadata_date, publisher=meta.get("publisher", ""),
                        title=meta.get("title"), id_prefix=claim_prefix(str(path)), fallback_published=published)


def extract_files(paths: Iterable[str | Path], resolver: Resolver | None = None,
                  published: date | None = None) -> list[ArticleResult]:
    """Extract claims from several article files; see :func:`extract_file`."""
    resolver = resolver or Resolver()
    return [extract_file(p, resolver, published) for p in paths]
