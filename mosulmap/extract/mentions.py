"""Place mentions in a clause: where each name is, what it resolves to, and what role it plays.

Names are found as capitalised Latin runs (with or without al-/Hayy prefixes), Arabic phrases
carrying حي or منطقة, and items of lists that a place noun introduces; each is resolved on its
own, so one unknown name never spoils the rest. Each mention gets a role from the words around
it: ``place`` (a claim may be about it), ``partial`` ("half of al-Quds": contested at most),
``site`` (the district around a building that was taken: contested), ``building`` ("Al-Salam
hospital": not the district), ``geography`` ("the edge of X", "south-west of Wahda": not a claim).
"""

from __future__ import annotations

import csv
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from mosulmap.campaign import current as current_campaign
from mosulmap.extract.arabic_lists import ARABIC_PLACE_WORDS, read_arabic_lists
from mosulmap.extract.lexicon import NOT_PLACES, PLACE_NOUNS
from mosulmap.normalize import compile_folded, fold_arabic, has_arabic
from mosulmap.resolver import Match, MatchStatus, Resolver

# Word lengths are bounded: an unbounded run ("A-A-A-…") made the list pattern backtrack quadratically.
_LATIN_NAME = (r"(?<![\w'’-])(?:(?:[Aa]l|[Ee]l|Hayy?|Hai)[-\s])?[A-Z][\w'’\-]{0,30}"
               r"(?:\s+(?:(?:al|el)-)?[A-Z0-9][\w'’\-]{0,30}){0,3}")
_ARABIC_WORD = r"[\u0600-\u06FF][\u0600-\u06FF\u0660-\u0669]{0,30}"
_ARABIC_NAME = rf"{_ARABIC_WORD}(?:\s+{_ARABIC_WORD}){{0,5}}"
_NAME = rf"(?:{_LATIN_NAME}|{_ARABIC_NAME})"
_SEP = r"(?:\s*[,،]\s*(?:and\s+|و)?|\s+and\s+|\s+و)"
LIST = compile_folded(rf"{_LATIN_NAME}(?:{_SEP}{_LATIN_NAME})+")  # Arabic lists: arabic_lists
ITEM_SPLIT = compile_folded(rf"{_SEP}")
CANDIDATE = compile_folded(_LATIN_NAME)
def _not_places() -> frozenset[str]:
    campaign = current_campaign()
    return _not_places_of(campaign.city_names + campaign.not_places)


@lru_cache(maxsize=8)
def _not_places_of(words: tuple[str, ...]) -> frozenset[str]:
    return NOT_PLACES | {w.lower() for w in words}
OF_IN_BEFORE = compile_folded(r"\b(?:of|in)\s+$")
AL_PREFIX = compile_folded(r"^(?:al|el)[-\s]")
PLACE_NOUN_AFTER = compile_folded(r"^\s+(?:neighbou?rhoods?|districts?|areas?|quarters?)\b", re.I)
ARABIC_QUOTES = str.maketrans({c: " " for c in "«»\"“”"})
PIECE_MEMO = 50_000  # capitalised runs remembered per scanner (a few MB)

BUILDINGS = (r"hospital|mosque|building|compound|complex|(?:military\s+)?base|station|headquarters|HQ|plant|factory|"
             r"school|college|bridge|prison|market|church|shrine|stadium|airport|hotel|palace|camp|barracks|"
             r"silos?|refinery|office|مستشفى|جامع|مسجد|مبنى|كلية|مقر|جسر|مصنع|معمل|سجن|مطار|فندق")
BUILDING_AFTER = compile_folded(rf"^\s*(?:’s|'s)?\s*(?:{BUILDINGS})\b", re.I)
BUILDING_BEFORE_ARABIC = compile_folded(r"(?:مستشفى|جامع|مسجد|مبنى|كلية|مقر|جسر|مصنع|معمل|سجن|مطار|فندق)\s*$")
SITE_BEFORE = compile_folded(rf"\b(?:{BUILDINGS})(?:\s+(?:building|complex|compound))?\s+(?:in|inside|of|at|within)\s+"
                         r"(?:the\s+)?(?:(?:al|el)-)?$", re.I)
# Up to three words may stand between a marker and the name ("800 metres from the more central
# Karama", "large parts of the district of Intisar"), never a comma or a conjunction.
_MODIFIERS = r"(?:(?!(?:and|or|but|while)\b)[\w'’-]+\s+){0,3}?"
_DIRECTION = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
GEOGRAPHY_BEFORE = compile_folded(
    r"(?:\b(?:edges?|outskirts|gates?|entrances?|limits|fringes?|borders?|outside|outer\s+edge|doorstep|perimeter)"
    rf"\s+of\s+{_MODIFIERS}"
    rf"|\b{_DIRECTION}(?:ern)?\s+(?:edges?|outskirts)\s+of\s+{_MODIFIERS}"
    rf"|\b{_DIRECTION}\s+of\s+{_MODIFIERS}"
    r"|\b(?:near(?!\s+(?:total|full|complete)\b)|nearing|close to|towards?|approaching|approached"
    r"|reached|reaching|separates?|separating"
    r"|on\s+(?:their|its|the)\s+way\s+to|heading\s+(?:to|towards?|for)|closing\s+in\s+on|advanc\w*\s+(?:towards?|on)"
    r"|within\s+(?:sight|reach|range)\s+of|from\s+the\s+edge\s+of|villages?\s+of|the\s+villages?"
    rf"|(?:met(?:re|er)s?|km|kilomet(?:re|er)s?|miles?|yards|feet)\s+(?:away\s+)?from){{1}}\s+{_MODIFIERS}"
    r"|(?<![\u0621-\u064A\u0671-\u06D3])(?:شمال|جنوب|شرق|غرب)(?:ي)?(?:\s+(?:شرقي|غربي|شمالي|جنوبي))?\s+(?:حي\s+)?"
    r"|(?:قرب|بالقرب من|مقابل|نحو|باتجاه|مشارف|أطراف|حدود|مداخل|مدخل|تخوم|تماست مع|على بعد [^،.]{0,20} من)\s+"
    r"(?:حي\s+|منطقة\s+)?)"
    r"(?:(?:al|el)-)?$", re.I)
PARTIAL_BEFORE = compile_folded(
    r"\b(?:half|two-thirds|a third|one-third|a quarter|three-quarters|part|parts|large parts|most|much|some|portions?"
    r"|sections?|pockets?|streets|blocks|clusters?(?:\s+of\s+buildings)?|\d+\s*(?:percent|per cent|%)"
    rf"|(?:{_DIRECTION}(?:ern)?\s+)(?:parts?|sections?|side|half)"
    rf"|near(?:ly)?\s+(?:total|full|complete)\s+control)\s+(?:of|over|in)\s+{_MODIFIERS}"
    r"(?:(?:al|el)-)?$"
    r"|(?<![\u0621-\u064A])(?:أجزاء|جزء|أغلب|معظم|نصف|بعض|ثلثي|ثلث|\d+\s*(?:بالمئة|بالمائة|%|في المئة))\s+(?:من\s+)?"
    r"(?:مساحة\s+)?$", re.I)

def _translated_names(resolver: Resolver) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Names as a word-by-word machine translation renders them ("the health neighbourhood" for حي
    الصحة), from ``gazetteer/translated_names.csv``: a gloss names a place only beside a word for
    neighbourhood, since on its own it is an ordinary word."""
    path = resolver.gazetteer.campaign.translated_names
    if path is None or not path.exists():
        return None, {}
    with path.open(encoding="utf-8") as handle:
        glosses = {r["gloss"].strip().lower(): r["place_id"].strip() for r in csv.DictReader(handle)
                   if r.get("gloss") and r.get("place_id", "").strip() in resolver.gazetteer
                  and resolver.gazetteer.in_scope(resolver.gazetteer[r["place_id"].strip()])}
    if not glosses:
        return None, {}
    words = "|".join(re.escape(g) for g in sorted(glosses, key=len, reverse=True))
    noun = r"(?:neighbou?rhoods?|district|quarter|area|hayy?|hai)"
    pattern = (rf"\b{noun}\s+(?:of\s+)?(?:the\s+|al-)?(?P<gloss>{words})\b"
               rf"|\b(?:the\s+|al-)?(?P<gloss2>{words})\s+{noun}\b")
    return compile_folded(pattern, re.I), glosses


def _phrase_names(resolver: Resolver) -> PhraseFinder | None:
    """Gazetteer names that capitalised runs and place-word anchors cannot find: Latin names with a
    lower-case word ("University of Mosul", "archaeological site") and Arabic names of two words or
    more that open with a noun of their own (جامعة الموصل, سوق الأغنام, تل نركال)."""
    names = set()
    for place in resolver.gazetteer:
        for name in place.names:
            words = name.split()
            if len(words) < 2 or len(name) > 60:
                continue
            if has_arabic(name):
                if fold_arabic(words[0]) not in ARABIC_PLACE_WORDS:
                    names.add(fold_arabic(name))
            elif any(w[0].islower() and not re.match(r"(?:al|el)-", w) for w in words) and name.isascii():
                names.add(name)
    if not names:
        return None
    return PhraseFinder(names)


class PhraseFinder:
    """Whole-word, case-insensitive occurrences of many fixed names in one Aho-Corasick pass,
    longest first where they overlap."""

    def __init__(self, names: Iterable[str]) -> None:
        self.automaton = ahocorasick.Automaton()
        for name in names:
            self.automaton.add_word(name.lower(), len(name))
        self.automaton.make_automaton()

    def spans(self, text: str) -> list[tuple[int, int]]:
        lowered = text.lower()
        if len(lowered) != len(text):
            return []  # a case mapping changed the length: offsets would not hold
        found = []
        for end, length in self.automaton.iter(lowered):
            start, stop = end + 1 - length, end + 1
            if not (start and _word_char(text[start - 1]) or stop < len(text) and _word_char(text[stop])):
                found.append((start, stop))
        chosen: list[tuple[int, int]] = []
        for span in sorted(found, key=lambda x: (x[0] - x[1], x[0])):
            if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
                chosen.append(span)
        return sorted(chosen)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


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
    bare = AL_PREFIX.sub("", text)
    return bool(bare) and bare[0].isupper() and text.lower() not in _not_places()


def _role(clause: str, start: int, end: int) -> str:
    before, after = clause[max(0, start - 60):start], clause[end:end + 40]
    after = PLACE_NOUN_AFTER.sub("", after)
    if BUILDING_AFTER.match(after) or BUILDING_BEFORE_ARABIC.search(before):
        return "building"
    if SITE_BEFORE.search(before):
        return "site"
    if GEOGRAPHY_BEFORE.search(before):
        return "geography"
    if PARTIAL_BEFORE.search(before):
        return "partial"
    return "place"


_SCANNERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Scanner:
    """Finds place mentions in a clause: name lists first, then single names."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.phrases = _phrase_names(resolver)
        self.translated, self.glosses = _translated_names(resolver)
        self._piece_memo: dict[frozenset[str], dict[str, tuple]] = {}

    @classmethod
    def for_resolver(cls, resolver: Resolver) -> Scanner:
        """One scanner per resolver (its name patterns are built once, not per article)."""
        scanner = _SCANNERS.get(resolver)
        if scanner is None:
            scanner = _SCANNERS[resolver] = cls(resolver)
        return scanner

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
                self.keep(text, where, item, match, sentence, found, unplaced)
        if self.phrases is not None:
            for start, end in self.phrases.spans(text):
                match = self.resolver.lookup(text[start:end])
                if match is not None:
                    self.keep(text, start, text[start:end], match, sentence, found, unplaced)
                    taken.append((start, end))
        if self.translated is not None and PLACE_NOUNS.search(text):
            for m in self.translated.finditer(text):
                gloss = m.group("gloss") or m.group("gloss2")
                place_id = self.glosses[gloss.lower()]
                match = self.resolver.lookup(self.resolver.gazetteer[place_id].name)
                if match is not None and not any(s <= m.start() < e for s, e in taken):
                    where = m.start("gloss") if m.group("gloss") else m.start("gloss2")
                    self.keep(text, where, gloss, match, sentence, found, unplaced)
                    taken.append(m.span())
        for m in CANDIDATE.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            self._singles(text, m.group(0), m.start(), sentence, found, unplaced)
        if has_arabic(text):
            read_arabic_lists(self, text, sentence, found, unplaced)
        found = sorted({(m.start, m.end): m for m in found}.values(), key=lambda x: x.start)
        return found, unplaced

    def _singles(self, text, phrase, offset, sentence, found, unplaced) -> None:
        """Longest sub-phrases of a capitalised run that the gazetteer knows exactly."""
        for where, piece, match in self._pieces(phrase):
            if match is not None:
                self.keep(text, offset + where, piece, match, sentence, found, unplaced)
                continue
            # An unknown name introduced as a place ("the Zarqawi neighbourhood") is reported.
            before = text[max(0, offset - 20): offset]
            after = text[offset + len(phrase): offset + len(phrase) + 16]
            if OF_IN_BEFORE.search(before) and PLACE_NOUNS.search(before) or PLACE_NOUNS.match(after.strip()):
                self.keep(text, offset + where, piece, self.resolver.resolve(piece), sentence, found, unplaced)

    def _pieces(self, phrase: str) -> tuple[tuple[int, str, Match | None], ...]:
        """How a capitalised run splits into names, as (offset in the run, name, match): the
        longest sub-phrases the gazetteer knows (with their match) and the single words that only
        look like names (None). The same runs ("Iraqi", "Mosul", "Islamic State") come back in
        article after article, so each is worked out once per campaign (in a bounded memo)."""
        memo = self._piece_memo.setdefault(_not_places(), {})
        pieces = memo.get(phrase)
        if pieces is None:
            if len(memo) >= PIECE_MEMO:
                memo.clear()
            pieces = memo[phrase] = tuple(self._split_run(phrase))
        return pieces

    def _split_run(self, phrase: str) -> Iterator[tuple[int, str, Match | None]]:
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
                    yield starts[i] + raw.find(piece), piece, match
                    i = j - 1
                    break
            else:
                piece = words[i].strip(" .,'’\"")
                if looks_like_name(piece):
                    yield starts[i], piece, None
            i += 1

    def keep(self, text, where, item, match, sentence, found, unplaced, role: str | None = None) -> None:
        """Add a resolved name to ``found`` (with its role), or report it in ``unplaced``."""
        gazetteer = self.resolver.gazetteer
        if match.is_resolved and any(gazetteer[p].is_whole_area for p in match.place_ids):
            # "districts of eastern Mosul" is not a claim about all of it: whole-east-bank
            # claims come only from curated files.
            unplaced.append(Unplaced(item, "whole_area", "not taken from free text", sentence))
        elif match.is_resolved:
            role = role or _role(text, where, where + len(item))
            if role == "building" and all("landmark" in gazetteer[p].feature_type for p in match.place_ids):
                role = "place"  # "Mosul University complex" is the landmark itself
            found.append(Mention(where, where + len(item), item, match, role))
        else:
            unplaced.append(Unplaced(item, match.status.value, match.reason, sentence,
                                     tuple(c.name for c in match.alternatives[:3])))
