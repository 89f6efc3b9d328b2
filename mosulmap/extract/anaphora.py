"""Clauses that name no place but point back to one: "there" or "them" for the places of the
clause before, "the university" for a landmark named earlier, "the district" for the one place
just named, "the four districts" for a list of four named a sentence or two before."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mosulmap.extract.frames import Clause, Frame
from mosulmap.extract.lexicon import ANAPHOR_THERE, LIST_REFERENCE, THE_PLACE
from mosulmap.extract.mentions import Mention
from mosulmap.extract.timex import NUMBER_WORDS, Kind, Timex
from mosulmap.normalize import compile_folded

if TYPE_CHECKING:
    from mosulmap.dates import DateFinding
    from mosulmap.extract.article import _Article

LANDMARK_HEAD = compile_folded(r"\b(university|palace|hotel|airport|stadium|campus)s?\b", re.I)


def remember_landmarks(state: _Article, mentions: list[Mention]) -> None:
    """A landmark named in the article can later be "the university", "the palace", "the hotel"."""
    gaz = state.resolver.gazetteer
    for m in mentions:
        place = gaz[m.match.place_ids[0]] if m.match.place_id else None
        head = LANDMARK_HEAD.search(place.name) if place is not None and "landmark" in place.feature_type else None
        if head and m.role == "place":
            state.landmarks[head.group(1).lower()] = m


def referred_frames(state: _Article, clause: Clause, previous: list[Mention], timexes: list[Timex],
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
        n = count_of(ref["n"])
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


def count_of(raw: str) -> int:
    """A count written in words or digits ("four", "4")."""
    return NUMBER_WORDS.get(raw.lower()) or int(raw)
