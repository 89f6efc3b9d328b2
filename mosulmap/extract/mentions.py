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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from mosulmap.campaign import current as current_campaign
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
LIST = compile_folded(rf"{_LATIN_NAME}(?:{_SEP}{_LATIN_NAME})+")  # Arabic lists are read by Scanner._arabic
ITEM_SPLIT = compile_folded(rf"{_SEP}")
CANDIDATE = compile_folded(_LATIN_NAME)
ARABIC_PLACE_WORDS = tuple(fold_arabic(w) for w in ("حي", "منطقة", "حيي", "منطقتي", "أحياء", "مناطق"))
ARABIC_NOT_NAMES = tuple(fold_arabic(w) for w in ("جديد", "جديدة", "آخر", "أخرى", "أخرى", "شرقي", "غربي", "شمالي",
                                                  "جنوبي", "في", "من", "مختلفة", "عدة", "عديدة", "سكنية"))
ARABIC_PLURAL_PLACE_WORDS = tuple(fold_arabic(w) for w in ("حيي", "منطقتي", "أحياء", "مناطق"))
# An Arabic place name follows حي / منطقة (or their plurals, then a list joined by و).
ARABIC_ANCHOR = compile_folded(
    r"(?<![\u0621-\u064A\u0671-\u06D3])[وبل]?(حيي|حي|الحي|منطقتي|منطقة|أحياء|مناطق)(?=\s)")
# "الأحياء المسيطر عليها بالكامل هي: السماح، وكوكجلي": a colon after a plural place word opens a list.
ARABIC_COLON_LIST = compile_folded(r"(?:أحياء|مناطق)[^.:؛]{0,80}?:")
ARABIC_APPROACH = compile_folded(r"(?<![\u0621-\u064A])(?:نحو|باتجاه|اتجاه|قرب|بالقرب|مشارف|أطراف|تخوم|مداخل)"
                                 r"(?![\u0621-\u064A])")


@lru_cache(maxsize=8)
def arabic_where(city_names: tuple[str, ...]) -> re.Pattern[str]:
    """"north of (the city of) Mosul / of the city": a bearing, for the campaign's Arabic city names."""
    cities = "|".join(re.escape(n) for n in sorted(city_names, key=len, reverse=True) if has_arabic(n))
    return compile_folded(r"(?:في\s+)?(?:ال)?(?:شمال|جنوب|شرق|غرب)(?:ي|ى)?(?:\s+(?:ال)?(?:شرقي|غربي|شمالي|جنوبي))?"
                          rf"\s+(?:مدينة\s+)?(?:{cities + '|' if cities else ''}المدينة)(?![\u0621-\u064A])")


def _not_places() -> frozenset[str]:
    campaign = current_campaign()
    return _not_places_of(campaign.city_names + campaign.not_places)


@lru_cache(maxsize=8)
def _not_places_of(words: tuple[str, ...]) -> frozenset[str]:
    return NOT_PLACES | {w.lower() for w in words}
AL_PREFIX = compile_folded(r"^(?:al|el)[-\s]")
PLACE_NOUN_AFTER = compile_folded(r"^\s+(?:neighbou?rhoods?|districts?|areas?|quarters?)\b", re.I)
ARABIC_TOKEN = compile_folded(r"[\u0621-\u065F\u0660-\u0669\u0671-\u06D3\u0640A-Za-z0-9]+")  # not ، or ؛
ARABIC_QUOTES = str.maketrans({c: " " for c in "«»\"“”"})

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
                self._keep(text, where, item, match, sentence, found, unplaced)
        if self.phrases is not None:
            for start, end in self.phrases.spans(text):
                match = self.resolver.lookup(text[start:end])
                if match is not None:
                    self._keep(text, start, text[start:end], match, sentence, found, unplaced)
                    taken.append((start, end))
        if self.translated is not None and PLACE_NOUNS.search(text):
            for m in self.translated.finditer(text):
                gloss = m.group("gloss") or m.group("gloss2")
                place_id = self.glosses[gloss.lower()]
                match = self.resolver.lookup(self.resolver.gazetteer[place_id].name)
                if match is not None and not any(s <= m.start() < e for s, e in taken):
                    where = m.start("gloss") if m.group("gloss") else m.start("gloss2")
                    self._keep(text, where, gloss, match, sentence, found, unplaced)
                    taken.append(m.span())
        for m in CANDIDATE.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            self._singles(text, m.group(0), m.start(), sentence, found, unplaced)
        if has_arabic(text):
            self._arabic(text, sentence, found, unplaced)
        found = sorted({(m.start, m.end): m for m in found}.values(), key=lambda x: x.start)
        return found, unplaced

    def _arabic(self, text, sentence, found, unplaced) -> None:
        """Arabic names after حي / منطقة (and their duals and plurals), and the lists they open:
        items joined by و or ، ("أحياء الملايين والسماح وكركوكلي", "حي نينوى الشرقية وسوق الأغنام
        ومنطقة باب شمس", "الأحياء … هي: الشيماء، الانتصار"). Each item is resolved on its own, with the
        anchor's place word licensing names that are also ordinary words (الوحدة "unity"); the list
        ends at the first item that names no place."""
        covered = [(m.start, m.end) for m in found]
        starts = [(a.start(), a.start(1), a.end(), a.group(1)) for a in ARABIC_ANCHOR.finditer(text)]
        starts += [(c.end() - 1, -1, c.end(), "احياء") for c in ARABIC_COLON_LIST.finditer(text)]
        for start, word_start, end, word in sorted(starts):
            if any(s <= start < e for s, e in covered):
                continue
            tokens = list(ARABIC_TOKEN.finditer(text, end, min(len(text), end + 400)))[:60]
            if not tokens or tokens[0].group(0) in ARABIC_PLACE_WORDS + ARABIC_NOT_NAMES:
                continue  # "منطقة حي القدس": the inner anchor names the place; "حي جديد": a new one
            # "تقدم القطعات نحو خمسة مناطق … هي: سومر و الصحة": a list the forces only approach.
            head = text[max(0, start - 30):end] if word_start >= 0 else text[max(0, start - 120):end]
            approached = ARABIC_APPROACH.search(head) is not None
            k, first, previous_end, conjunction = 0, True, end, False
            while k < len(tokens):
                gap = text[previous_end:tokens[k].start()]
                if not first and tokens[k].group(0) == "و":  # "و «المثنى»": the quote left و standing alone
                    k, previous_end, conjunction = k + 1, tokens[k].end(), True
                    continue
                where_to = arabic_where(current_campaign().city_names).match(text, tokens[k].start())
                if not first and where_to and not conjunction:
                    # "حيي الوحدة جنوب شرقي الموصل والبريد": a place's bearing stands between two items
                    k = next((j for j, t in enumerate(tokens) if t.start() >= where_to.end()), len(tokens))
                    continue
                if not first:
                    joined = conjunction or tokens[k].group(0).startswith("و") or "،" in gap or "," in gap
                    conjunction = False
                    if not joined or re.search(r"[.:;؛()]", gap):
                        break
                item = self._arabic_item(text, tokens, k, first, word)
                if item is None:
                    if first and word_start >= 0:
                        name = f"{word} {tokens[k].group(0)}"
                        self._keep(text, word_start, name, self.resolver.resolve(name), sentence, found, unplaced)
                        break
                    # In a list of several places an unknown one is reported and the list goes on.
                    nxt = next((j for j in range(k + 1, min(k + 4, len(tokens)))
                                if "،" in text[tokens[j - 1].end():tokens[j].start()]), None)
                    if word not in ARABIC_PLURAL_PLACE_WORDS or nxt is None:
                        break
                    name = " ".join(t.group(0) for t in tokens[k:nxt]).removeprefix("و")
                    self._keep(text, tokens[k].start(), name, self.resolver.resolve(name), sentence, found, unplaced)
                    previous_end, k, first = tokens[nxt - 1].end(), nxt, False
                    continue
                item_start, item_end, match, width = item
                if first and word_start >= 0:  # the written name keeps its حي, without a prefixed و or ب
                    item_start = word_start
                self._keep(text, item_start, " ".join(text[item_start:item_end].split()), match, sentence, found,
                           unplaced, "geography" if approached else None)
                covered.append((start, item_end))
                k += width
                previous_end = item_end
                first = False

    def _arabic_item(self, text, tokens, k, first, word):
        """The place named at token ``k`` of an Arabic list: (start, end, match, tokens used), or None."""
        skip = 0
        head = tokens[k].group(0)
        bare = head[1:] if not first and head.startswith("و") and len(head) > 2 else head
        if bare in ARABIC_PLACE_WORDS or bare in ("الحي", "المنطقة"):
            skip = 1  # "ومنطقة باب شمس", "وحي الضباط": the item carries its own place word
        licence = "حي" if word in ARABIC_PLURAL_PLACE_WORDS + ("حي", "الحي", "حيي") else "منطقة"
        for width in (3, 2, 1):
            if k + skip + width > len(tokens):
                continue
            inner = tokens[k:k + skip + width]
            if any(text[a.end():b.start()].strip() for a, b in zip(inner, inner[1:])):
                continue  # an item does not run across a comma or a quotation mark
            words = [t.group(0) for t in tokens[k + skip:k + skip + width]]
            if width > 1 and "و" in words:
                continue  # a lone و (left by a quotation mark) joins two items, it is in neither
            if skip == 0 and not first:
                words[0] = bare
            phrase = " ".join(words)
            span_start = tokens[k].start() + (1 if skip == 0 and not first and bare != head else 0)
            span = (span_start, tokens[k + skip + width - 1].end())
            tries = [f"{licence} {phrase}", phrase] + ([f"{word} {phrase}"] if first else [])
            match = next((m for t in tries if (m := self.resolver.lookup(t)) is not None), None)
            if match is None and width <= 2 and sum(len(w) for w in words) >= 5:
                fuzzy = self.resolver.resolve(phrase)  # a variant spelling (الاوربجية for الأربجيه)
                match = fuzzy if fuzzy.is_resolved else None
            if match is not None and match.status is not MatchStatus.UNRESOLVED:
                return span[0], span[1], match, skip + width
        return None

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

    def _keep(self, text, where, item, match, sentence, found, unplaced, role: str | None = None) -> None:
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
