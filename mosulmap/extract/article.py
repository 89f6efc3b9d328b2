"""Extraction of one article: layout → sentences → clauses → frames → dated claims.

Dates follow explicit scope rules. The article's own dates (publication, story, section
headings, phases of the offensive) are read by :mod:`mosulmap.extract.dating`; then:

* a clause's own time expression dates its frames; a relative clause's date dates that relative
  clause only; a main clause's date dates the rest of its sentence and carries to the next
  sentences of the paragraph, unless it is a flashback ("originally", "back on") or background
  ("the offensive launched on Oct 17"); each paragraph starts again from the story date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from mosulmap.campaign import using
from mosulmap.claims import Claim, DatePrecision, Status, claim_prefix
from mosulmap.dates import DateFinding
from mosulmap.extract.anaphora import count_of, referred_frames, remember_landmarks
from mosulmap.extract.dating import (
    background_clause,
    find_phase_starts,
    lead_date,
    publication_date,
    section_date,
    story_date,
)
from mosulmap.extract.frames import Clause, Frame, clause_frames, find_triggers, split_clauses
from mosulmap.extract.layout import parse_layout, split_sentences, strip_dateline_prefix
from mosulmap.extract.lexicon import (
    ACTORS,
    FLASHBACK,
    LIST_COUNT,
    LIST_NAMING,
)
from mosulmap.extract.mentions import Mention, Scanner, Unplaced
from mosulmap.extract.timex import Anchors, Kind, Timex, find_timexes, is_background_date, resolve
from mosulmap.normalize import compile_folded, fold_arabic, has_arabic
from mosulmap.resolver import MatchStatus, Resolver

AMAQ = compile_folded(r"\bAmaq\b")
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
        self._found: dict[tuple[Callable, str], list] = {}

    def found(self, find: Callable[[str], list], text: str) -> list:
        """``find(text)`` (:func:`find_triggers`, :func:`find_timexes`) once per text of this
        article: the lead's sentences are read for the story's date, then again for their claims.
        The list is shared: never mutated."""
        key = (find, text)
        if key not in self._found:
            self._found[key] = find(text)
        return self._found[key]

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
        clause.triggers = state.found(find_triggers, clause.text)
        live = [t for t in clause.triggers if not t.blocked]
        clause.blocker = next((t.blocked for t in clause.triggers if t.blocked), None) if not live else None
        mentions: list[Mention] = []
        if live:
            mentions, unplaced = state.scanner.mentions(clause.text, sentence)
            result.unplaced += [u for u in dict.fromkeys(unplaced) if u not in result.unplaced]
        timexes = state.found(find_timexes, clause.text)
        background = background_clause(clause, mentions)
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
            remember_landmarks(state, mentions)
        else:
            frames = referred_frames(state, clause, previous, timexes, default)
            count = LIST_COUNT.search(clause.text)
            if not frames and count:
                state.pending = (clause, count_of(count["n"] or count["m"]), state.sentence_no, timexes)
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
    story = story_date(layout, finding) or lead_date(state, layout) or \
        DateFinding(finding.value, DatePrecision.INFERRED, "report date")
    result.story = story
    if story.how.startswith("the title"):
        state.now = story.value  # a post titled "Day 88, Jan 12" says "yesterday" from 12 Jan
    find_phase_starts(state, [s for p in layout.prose for s in split_sentences(p)], story.value)
    section: DateFinding | None = None
    first_prose = 0
    previous_day: DateFinding | None = None
    for block in layout.blocks:
        if block.kind == "heading":
            section = section_date(block.text, finding.value) or section
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
