"""Frames: which trigger governs which place, and which time expression dates it.

A sentence is cut into clauses at conjunctions (while, but, although, after …; "as well as" is
not one). In each clause:

* relative clauses and appositives hanging on a place ("Zahra, which was freed on November 9",
  "Noor, originally penetrated on November 6") are frames of their own: their triggers and
  dates bear on that place only, and nothing else in the sentence inherits their date;
* every other place is governed by the nearest trigger before it ("seized Ghufran and entered
  Wahda": Ghufran captured, Wahda contested), or, when it stands before every trigger and the
  first trigger after it governs no place of its own, by that trigger ("Zuhur was declared
  freed");
* a trigger followed by a recap word ("liberated twice before") governs its places but gives no
  claim.

The output is a list of :class:`Frame` records; ``article`` turns them into dated claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import ahocorasick

from mosulmap.claims import Status
from mosulmap.extract.lexicon import (
    ATTRIBUTIVE_BEFORE,
    BLOCKERS,
    DAMAGE_BEFORE,
    GOV_AGENT,
    IS_AGENT,
    RECAP_AFTER,
    RECAP_BEFORE,
    TRIGGERS,
)
from mosulmap.extract.mentions import Mention
from mosulmap.extract.timex import NUMBER_WORDS, Timex
from mosulmap.normalize import compile_folded

CLAUSE_SPLIT = compile_folded(
    r"(,?\s+(?:while|whereas|but|although|though|even though|when|because|until|"
    r"(?:\d+|one|two|three|four|five|six|seven|a|an|several|a few)\s+(?:days?|hours?)\s+(?:after|before)|after|"
    r"(?<!well )as(?=\s+(?-i:[a-z]))"
    r"(?!\s+(?:well|part|a|an|of|for|to|if|far|long|soon|many|much|such|its|their|his|her|the first)\b))\s+"
    r"|;\s+|\s+(?:بينما|لكن|ولكن|حيث|بعد أن)\s+|؛\s*|،\s*(?=و(?!ال)[\u0621-\u064A]{3,}))",
    re.I,
)
SUBORDINATE = compile_folded(r"although|though|even though|when|after|before|because|until|as|بعد أن", re.I)
RELATIVE_START = compile_folded(
    r"^(?:\s+(?:neighbou?rhoods?|districts?|areas?|quarters?))?\s*,?\s*(?:which|that|who)\s+(?=\w)"
    # Arabic: "كوكجلي أولى المناطق التي سيطر عليها الجيش" (a short noun phrase may stand before it)
    r"|^(?:\s+[\u0621-\u064A]+){0,3}?\s*،?\s*(?:الذي|التي|اللذين|اللتين|الذين|اللواتي|اللتان|اللذان)\s+(?=\w)", re.I)
APPOSITIVE_START = compile_folded(
    r"^(?:\s+(?:neighbou?rhoods?|districts?|areas?|quarters?))?\s*,\s*"
    r"(?:(?:originally|first|already|previously|recently|earlier|also|once|since)\s+)?(?=[a-z-]+ed\b)", re.I)
QUESTION_END = compile_folded(r"\?\s*$")
PARTICIPLE_END = compile_folded(r"(?:ed|en)$")
SEGMENT_END = compile_folded(r"[,،]|\s(?:was|were|is|are|has|have|had)\s", re.I)


@dataclass(frozen=True)
class Trigger:
    """Control language in a clause and the (status, event) it implies."""

    start: int
    end: int
    status: Status
    event: str
    text: str
    recap: bool = False
    blocked: str | None = None  # a negation, plan or hypothesis that cancels it


@dataclass
class Clause:
    """A clause of a sentence: its text, where it starts, and whether it is subordinate."""

    text: str
    offset: int
    subordinate: bool
    blocker: str | None = None
    triggers: list[Trigger] = field(default_factory=list)
    shift: int | None = None  # "came two days after <this clause>": its day is the main clause's minus two


@dataclass(frozen=True)
class Frame:
    """One place under one trigger, with the time expressions that may date it."""

    trigger: Trigger
    mention: Mention
    timexes: tuple[Timex, ...]  # in scope for this frame, nearest first
    relative: bool  # inside a relative clause or appositive (dated by its own words only)


_SHIFT = compile_folded(r"(?P<n>\d+|one|two|three|four|five|six|seven|a|an)\s+(?:days?|(?P<hours>hours?))\s+"
                        r"(?P<dir>after|before)", re.I)


def _shift(connector: str) -> int | None:
    """Days from the main clause back to a clause that "N days after" introduces (or forward, for
    "before"); hours keep the day."""
    m = _SHIFT.search(connector)
    if not m:
        return None
    if m["hours"]:
        return 0
    raw = m["n"].lower()
    n = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    return -n if m["dir"].lower() == "after" else n


def split_clauses(sentence: str, is_place: Callable[[str], bool] | None = None) -> list[Clause]:
    """Clauses of a sentence. An Arabic "، و" opens a new clause unless the word after و is a place
    (``is_place``): then it continues a list ("السماح، وكوكجلي")."""
    parts = CLAUSE_SPLIT.split(sentence)
    if is_place is not None:
        i = 1
        while i < len(parts) - 1:
            word = parts[i + 1].split()[0] if parts[i + 1].split() else ""
            if parts[i].strip() == "،" and word.startswith("و") and is_place(word[1:]):
                parts[i - 1:i + 2] = [parts[i - 1] + parts[i] + parts[i + 1]]
            else:
                i += 2
    clauses, offset, connector = [], 0, ""
    for i, part in enumerate(parts):
        if i % 2:
            connector = part
            offset += len(part)
            continue
        if part.strip():
            clause = Clause(part, offset, bool(connector and SUBORDINATE.search(connector.strip(" ,"))))
            clause.shift = _shift(connector)
            clauses.append(clause)
        offset += len(part)
    return clauses


NEGATION_REACH = 6  # words: "have not yet been able to enter" still negates "enter"


def blocker(clause: str, start: int | None = None) -> str | None:
    """What cancels a trigger starting at ``start`` (or any trigger of the clause): a negation a
    few words before it, a plan or expectation or a hypothesis anywhere before it in the clause,
    a question mark ending the clause. Words after a trigger do not reach back ("entered X, the
    source said without giving details")."""
    before = clause if start is None else clause[:start]
    if QUESTION_END.search(clause):
        return "hypothetical or question"
    for rx, reason in BLOCKERS:
        for m in rx.finditer(before):
            if reason != "negation" or start is None or len(before[m.end():].split()) < NEGATION_REACH:
                return reason
    return None


def _agent_is_is(clause: str, start: int, end: int) -> bool:
    """Whether the actor of the trigger at ``start`` is IS: the nearest force named before it
    (or "by IS" right after it)."""
    if re.match(r"\s+by\s+(?:the\s+)?(?:IS|ISIS|ISIL|Daesh|Islamic State|militants|jihadists)\b", clause[end:end + 30],
                re.I):
        return True
    before = clause[max(0, start - 80):start]
    last_is = max((m.end() for m in IS_AGENT.finditer(before)), default=-1)
    last_gov = max((m.end() for m in GOV_AGENT.finditer(before)), default=-1)
    return last_is > last_gov


def _gate_automaton() -> tuple[ahocorasick.Automaton, list[int]]:
    """One Aho-Corasick pass finds which trigger entries a clause may hold: every string an entry
    requires is a key; entries with no known requirement always run."""
    automaton = ahocorasick.Automaton()
    keys: dict[str, set[int]] = {}
    for i, (gate, *_rest) in enumerate(TRIGGERS):
        for needle in gate or ():
            keys.setdefault(needle, set()).add(i)
    for needle, entries in keys.items():
        automaton.add_word(needle, frozenset(entries))
    automaton.make_automaton()
    return automaton, [i for i, (gate, *_rest) in enumerate(TRIGGERS) if gate is None]


_AUTOMATON, _UNGATED = _gate_automaton()


def _gated(lowered: str) -> list[tuple]:
    entries = set(_UNGATED)
    for _, found in _AUTOMATON.iter(lowered):
        entries |= found
    return [TRIGGERS[i] for i in sorted(entries)]


def find_triggers(clause: str) -> list[Trigger]:
    """Triggers in a clause, left to right; of overlapping matches the longest wins."""
    hits = [(m.start(), m.end(), status, event) for _, rx, status, event in _gated(clause.lower())
            for m in rx.finditer(clause)]
    chosen: list[tuple[int, int, Status, str]] = []
    for hit in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
        if all(hit[1] <= c[0] or hit[0] >= c[1] for c in chosen):
            chosen.append(hit)
    out = []
    for start, end, status, event in sorted(chosen):
        before = clause[max(0, start - 40):start]
        recap = bool(RECAP_AFTER.match(clause[end:end + 40]) or RECAP_BEFORE.search(before[-25:])
                     or DAMAGE_BEFORE.search(before)
                     or PARTICIPLE_END.search(clause[start:end]) and ATTRIBUTIVE_BEFORE.search(before))
        if event == "withdrew" and _agent_is_is(clause, start, end):
            status, event = Status.GOV_CONTROL, "captured"  # IS withdrew: a government gain
        elif event == "captured" and _agent_is_is(clause, start, end):
            status, event = Status.IS_CONTROL, "counterattack"  # IS retook the place
        out.append(Trigger(start, end, status, event, clause[start:end], recap, blocker(clause, start)))
    return out


def _segments(clause: str, mentions: list[Mention]) -> list[tuple[int, int, Mention]]:
    """Relative clauses and appositives: (start, end, the place they hang on)."""
    out = []
    for i, m in enumerate(mentions):
        rest = clause[m.end:]
        opener = RELATIVE_START.match(rest) or APPOSITIVE_START.match(rest)
        if not opener:
            continue
        start = m.end + opener.end()
        stop = SEGMENT_END.search(clause, start)
        end = stop.start() if stop else len(clause)
        if i + 1 < len(mentions):
            end = min(end, mentions[i + 1].start)
        if end > start:
            out.append((start, end, m))
    return out


_LIST_FILLER = compile_folded(r"^(?:[\s,]|and\b|also\b|neighbou?rhoods?\b|districts?\b|areas?\b|quarters?\b)*$", re.I)


def _subject_of_participle(text: str, m: Mention, trig: Trigger, places: list[Mention]) -> bool:
    """Whether ``m`` is the subject of a bare participle right after it (a list of places may
    stand between): "Karama and Sumer liberated once each"."""
    if not re.match(r"[a-z-]+ed\b", trig.text, re.I):
        return False
    first = min((p for p in places if p.end <= m.start and _LIST_FILLER.match(text[p.end:m.start])),
                key=lambda p: p.start, default=m)
    if not re.search(r"\bwith\s+(?:the\s+)?$", text[:first.start], re.I):
        return False  # only the absolute construction: "with X and Y liberated once each"
    gap, position = "", m.end
    for other in (p for p in places if m.end <= p.start < trig.start):
        gap += text[position:other.start]
        position = other.end
    gap += text[position:trig.start]
    return bool(_LIST_FILLER.match(gap))


def clause_frames(clause: Clause, mentions: list[Mention], timexes: list[Timex]) -> list[Frame]:
    """The frames of one clause (positions relative to the clause text)."""
    triggers = clause.triggers
    segments = _segments(clause.text, mentions)

    def inside(pos: int) -> tuple[int, int, Mention] | None:
        return next((s for s in segments if s[0] <= pos < s[1]), None)

    frames: list[Frame] = []
    for start, end, host in segments:
        for trig in (t for t in triggers if start <= t.start < end):
            scoped = sorted((x for x in timexes if start <= x.start < end), key=lambda x: (x.start < trig.end, x.start))
            frames.append(Frame(trig, host, tuple(scoped), True))
    main_triggers = [t for t in triggers if inside(t.start) is None]
    main_timexes = tuple(x for x in timexes if inside(x.start) is None)
    places = [m for m in mentions if inside(m.start) is None]
    governed: dict[int, list[Mention]] = {id(t): [] for t in main_triggers}
    waiting: list[tuple[Trigger, Mention]] = []
    for m in places:
        around = [t for t in main_triggers if t.start <= m.start < t.end]
        if around:  # "declared Zuhur freed": the name stands inside its trigger
            governed[id(around[0])].append(m)
            continue
        before = [t for t in main_triggers if t.end <= m.start]
        after = [t for t in main_triggers if t.start >= m.end]
        if after and _subject_of_participle(clause.text, m, after[0], places):
            governed[id(after[0])].append(m)  # "with Aden and Tahrir liberated once each"
            continue
        if before:
            governed[id(before[-1])].append(m)
            continue
        after = [t for t in main_triggers if t.start >= m.end]
        if after:
            waiting.append((after[0], m))
    for trig, m in waiting:  # a subject before its verb, when the verb has no object of its own
        if not any(g.start > trig.start for g in governed[id(trig)]):
            governed[id(trig)].append(m)
    for trig in main_triggers:
        for m in sorted(governed[id(trig)], key=lambda x: x.start):
            frames.append(Frame(trig, m, main_timexes, False))
    return frames
