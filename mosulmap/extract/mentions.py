"""Place mentions in a clause: where each name is, what it resolves to, and what role it plays.

Names are found as capitalised Latin runs (with or without al-/Hayy prefixes), Arabic phrases
carrying حي or منطقة, and items of lists that a place noun introduces; each is resolved on its
own, so one unknown name never spoils the rest. Each mention gets a role from the words around
it: ``place`` (a claim may be about it), ``partial`` ("half of al-Quds": contested at most),
``site`` (the district around a building that was taken: contested), ``building`` ("Al-Salam
hospital": not the district), ``geography`` ("the edge of X", "south-west of Wahda": not a claim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mosulmap.extract.lexicon import NOT_PLACES, PLACE_NOUNS
from mosulmap.normalize import has_arabic
from mosulmap.resolver import Match, MatchStatus, Resolver

# Word lengths are bounded: an unbounded run ("A-A-A-…") made the list pattern backtrack quadratically.
_LATIN_NAME = (r"(?:(?:[Aa]l|[Ee]l|Hayy?|Hai)[-\s])?[A-Z][\w'’\-]{0,30}"
               r"(?:\s+(?:(?:al|el)-)?[A-Z0-9][\w'’\-]{0,30}){0,3}")
_ARABIC_WORD = r"[\u0600-\u06FF][\u0600-\u06FF\u0660-\u0669]{0,30}"
_ARABIC_NAME = rf"{_ARABIC_WORD}(?:\s+{_ARABIC_WORD}){{0,5}}"
_NAME = rf"(?:{_LATIN_NAME}|{_ARABIC_NAME})"
_SEP = r"(?:\s*[,،]\s*(?:and\s+|و)?|\s+and\s+|\s+و)"
LIST = re.compile(rf"{_NAME}(?:{_SEP}{_NAME})+")
ITEM_SPLIT = re.compile(rf"{_SEP}")
CANDIDATE = re.compile(_LATIN_NAME)
ARABIC_PLACE_WORDS = ("حي", "منطقة", "حيي", "أحياء", "احياء", "مناطق")
ARABIC_NOT_NAMES = ("جديد", "جديدة", "آخر", "اخر", "أخرى", "اخرى", "شرقي", "غربي", "شمالي", "جنوبي", "في", "من")
ARABIC_PLURAL_PLACE_WORDS = ("حيي", "أحياء", "احياء", "مناطق")
# An Arabic place name follows حي / منطقة (or their plurals, then a list joined by و).
ARABIC_ANCHOR = re.compile(r"(?<![\u0621-\u064A\u0671-\u06D3])[وب]?(حيي|حي|منطقة|أحياء|احياء|مناطق)(?=\s)")
ARABIC_TOKEN = re.compile(r"[\u0600-\u06FF\u0660-\u0669]+")
ARABIC_QUOTES = str.maketrans({c: " " for c in "«»\"“”"})

BUILDINGS = (r"hospital|mosque|building|compound|complex|(?:military\s+)?base|station|headquarters|HQ|plant|factory|"
             r"school|college|bridge|prison|market|church|shrine|stadium|airport|hotel|palace|camp|barracks|"
             r"silos?|refinery|office|مستشفى|جامع|مسجد|مبنى|كلية|مقر|جسر|مصنع|معمل|سجن|مطار|فندق")
BUILDING_AFTER = re.compile(rf"^\s*(?:’s|'s)?\s*(?:{BUILDINGS})\b", re.I)
BUILDING_BEFORE_ARABIC = re.compile(r"(?:مستشفى|جامع|مسجد|مبنى|كلية|مقر|جسر|مصنع|معمل|سجن|مطار|فندق)\s*$")
SITE_BEFORE = re.compile(rf"\b(?:{BUILDINGS})(?:\s+(?:building|complex|compound))?\s+(?:in|inside|of|at|within)\s+"
                         r"(?:the\s+)?(?:(?:al|el)-)?$", re.I)
GEOGRAPHY_BEFORE = re.compile(
    r"(?:\b(?:edges?|outskirts|gates?|entrances?|limits|fringes?|borders?|outside|outer\s+edge)\s+of\s+(?:the\s+)?"
    r"|\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?(?:\s+of)?\s+(?:the\s+)?"
    r"|\b(?:near|close to|towards?|approaching|approached|reached|reaching|separates?|separating"
    r"|from\s+the\s+edge\s+of)\s+(?:the\s+)?"
    r"|\bmet(?:re|er)s?\s+(?:away\s+)?from\s+(?:the\s+)?|\bkm\s+(?:away\s+)?from\s+(?:the\s+)?"
    r"|(?<![\u0621-\u064A\u0671-\u06D3])(?:شمال|جنوب|شرق|غرب)(?:ي)?(?:\s+(?:شرقي|غربي|شمالي|جنوبي))?\s+(?:حي\s+)?"
    r"|(?:قرب|بالقرب من|مقابل|نحو|باتجاه)\s+(?:حي\s+)?)"
    r"(?:(?:al|el)-)?$", re.I)
PARTIAL_BEFORE = re.compile(
    r"\b(?:half|two-thirds|a third|one-third|a quarter|parts|large parts|most|much|some|portions?|"
    r"\d+\s*(?:percent|per cent|%)|near(?:ly)?\s+(?:total|full|complete)\s+control)\s+(?:of|over)\s+(?:the\s+)?"
    r"(?:(?:al|el)-)?$", re.I)


@dataclass(frozen=True)
class Mention:
    """A resolved place name in a clause."""

    start: int
    end: int
    written: str
    match: Match
    role: str = "place"  # place, partial, site, building, geography


@dataclass(frozen=True)
class Unplaced:
    """A name in a claim clause that the gazetteer could not turn into one east-bank place."""

    name: str
    status: str
    reason: str
    sentence: str
    candidates: tuple[str, ...] = ()


def looks_like_name(text: str, listed: bool = False) -> bool:
    """Latin names are capitalised. Arabic has no capitals, and many gazetteer names are also
    common words (الشرطة "the police", الجمعة "Friday", التحرير "the liberation"), so an Arabic
    name must carry حي or منطقة, or (``listed``) stand in a list that a place noun introduces."""
    if has_arabic(text):
        words = text.translate(ARABIC_QUOTES).split()
        if not words:
            return False
        if words[0] in ARABIC_PLACE_WORDS:
            return len(words) > 1
        return listed and words[0].lstrip("و").startswith("ال") and words[-1] not in ARABIC_PLACE_WORDS
    bare = re.sub(r"^(?:al|el)[-\s]", "", text)
    return bool(bare) and bare[0].isupper() and text.lower() not in NOT_PLACES


def _role(clause: str, start: int, end: int) -> str:
    before, after = clause[max(0, start - 60):start], clause[end:end + 40]
    after = re.sub(r"^\s+(?:neighbou?rhoods?|districts?|areas?|quarters?)\b", "", after, flags=re.I)
    if BUILDING_AFTER.match(after) or BUILDING_BEFORE_ARABIC.search(before):
        return "building"
    if SITE_BEFORE.search(before):
        return "site"
    if GEOGRAPHY_BEFORE.search(before):
        return "geography"
    if PARTIAL_BEFORE.search(before):
        return "partial"
    return "place"


class Scanner:
    """Finds place mentions in a clause: name lists first, then single names."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def mentions(self, clause: str, sentence: str) -> tuple[list[Mention], list[Unplaced]]:
        """Resolved mentions in ``clause`` (in order, one per span) and the names that failed."""
        text = clause.translate(ARABIC_QUOTES) if has_arabic(clause) else clause
        found: list[Mention] = []
        unplaced: list[Unplaced] = []
        taken: list[tuple[int, int]] = []
        for m in LIST.finditer(text):
            near = text[max(0, m.start() - 40): m.end() + 25]
            introduced = bool(PLACE_NOUNS.search(near))
            items = []
            offset = m.start()
            for piece in ITEM_SPLIT.split(m.group(0)):
                where = text.find(piece, offset)
                offset = where + len(piece)
                item = piece.strip(" .,")
                if item and looks_like_name(item, listed=introduced):
                    items.append((where + piece.find(item), item))
            if len(items) < 2:
                continue
            matches = self.resolver.resolve_many(i for _, i in items)
            if not (introduced or any(x.status is not MatchStatus.UNRESOLVED for x in matches)):
                continue  # a list of something else ("ISIS, ISIL, IS and Daesh")
            taken.append(m.span())
            for (where, item), match in zip(items, matches):
                self._keep(text, where, item, match, sentence, found, unplaced)
        for m in CANDIDATE.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            self._singles(text, m.group(0), m.start(), sentence, found, unplaced)
        if has_arabic(text):
            self._arabic(text, sentence, found, unplaced)
        found = sorted({(m.start, m.end): m for m in found}.values(), key=lambda x: x.start)
        return found, unplaced

    def _arabic(self, text, sentence, found, unplaced) -> None:
        """Names after حي / منطقة; after a plural (حيي, أحياء) a list joined by و."""
        covered = [(m.start, m.end) for m in found]
        for anchor in ARABIC_ANCHOR.finditer(text):
            if any(s <= anchor.start() < e for s, e in covered):
                continue
            tokens = list(ARABIC_TOKEN.finditer(text, anchor.end(), min(len(text), anchor.end() + 120)))[:8]
            if not tokens or tokens[0].group(0) in ARABIC_PLACE_WORDS + ARABIC_NOT_NAMES:
                continue  # "منطقة حي القدس": the inner anchor names the place; "حي جديد": a new one
            plural = anchor.group(1) in ARABIC_PLURAL_PLACE_WORDS
            k, first = 0, True
            while k < len(tokens):
                if not first and tokens[k].group(0) == "و":
                    k += 1  # "و «المثنى»": the quote left و standing alone
                    continue
                item = None
                for width in (3, 2, 1):
                    if k + width > len(tokens):
                        continue
                    span = (tokens[k].start(), tokens[k + width - 1].end())
                    phrase = " ".join(t.group(0) for t in tokens[k:k + width])
                    if not first:
                        phrase = phrase[1:] if phrase.startswith("و") and len(phrase) > 3 else phrase
                    tries = [f"{anchor.group(1)} {phrase}", phrase] if first else [phrase]
                    match = next((m for t in tries if (m := self.resolver.lookup(t)) is not None), None)
                    if match is not None:
                        item = (span, phrase, match, width)
                        break
                if item is None:
                    if first:
                        name = f"{anchor.group(1)} {tokens[k].group(0)}"
                        self._keep(text, anchor.start(), name, self.resolver.resolve(name), sentence, found, unplaced)
                    break
                (start, end), phrase, match, width = item
                if first:  # the written name includes its حي, without a prefixed و or ب
                    start = anchor.start(1)
                self._keep(text, start, " ".join(text[start:end].split()), match, sentence, found, unplaced)
                covered.append((anchor.start(), end))
                k += width
                first = False
                if not (plural and k < len(tokens) and tokens[k].group(0).startswith("و")):
                    break

    def _singles(self, text, phrase, offset, sentence, found, unplaced) -> None:
        """Longest sub-phrases of a capitalised run that the gazetteer knows exactly."""
        words = phrase.split()
        starts, position = [], 0
        for w in words:
            position = phrase.find(w, position)
            starts.append(position)
            position += len(w)
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                raw = " ".join(words[i:j])
                piece = raw.strip(" .,'’\"")
                if not looks_like_name(piece):
                    continue
                match = self.resolver.lookup(piece)
                if match is not None:
                    where = offset + starts[i] + raw.find(piece)
                    self._keep(text, where, piece, match, sentence, found, unplaced)
                    i = j - 1
                    break
            else:
                # An unknown name introduced as a place ("the Zarqawi neighbourhood") is reported.
                piece = words[i].strip(" .,'’\"")
                before = text[max(0, offset - 20): offset]
                after = text[offset + len(phrase): offset + len(phrase) + 16]
                if looks_like_name(piece) and (re.search(r"\b(?:of|in)\s+$", before) and PLACE_NOUNS.search(before)
                                               or PLACE_NOUNS.match(after.strip())):
                    where = offset + starts[i]
                    self._keep(text, where, piece, self.resolver.resolve(piece), sentence, found, unplaced)
            i += 1

    def _keep(self, text, where, item, match, sentence, found, unplaced) -> None:
        gazetteer = self.resolver.gazetteer
        if match.is_resolved and any(gazetteer[p].is_whole_area for p in match.place_ids):
            # "districts of eastern Mosul" is not a claim about all of it: whole-east-bank
            # claims come only from curated files.
            unplaced.append(Unplaced(item, "whole_area", "not taken from free text", sentence))
        elif match.is_resolved:
            found.append(Mention(where, where + len(item), item, match, _role(text, where, where + len(item))))
        else:
            unplaced.append(Unplaced(item, match.status.value, match.reason, sentence,
                                     tuple(c.name for c in match.alternatives[:3])))
