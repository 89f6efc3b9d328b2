"""Arabic place names in a clause: the name after حي / منطقة (and their duals and plurals), and
the lists they open, items joined by و or ، ("أحياء الملايين والسماح وكركوكلي"). Arabic has no
capitals, so the place word is what marks a name."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from mosulmap.campaign import current as current_campaign
from mosulmap.normalize import compile_folded, fold_arabic, has_arabic
from mosulmap.resolver import MatchStatus

if TYPE_CHECKING:
    from mosulmap.extract.mentions import Scanner

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


ARABIC_TOKEN = compile_folded(r"[\u0621-\u065F\u0660-\u0669\u0671-\u06D3\u0640A-Za-z0-9]+")  # not ، or ؛


def read_arabic_lists(scanner: Scanner, text: str, sentence: str, found: list, unplaced: list) -> None:
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
            item = _arabic_item(scanner, text, tokens, k, first, word)
            if item is None:
                if first and word_start >= 0:
                    name = f"{word} {tokens[k].group(0)}"
                    scanner.keep(text, word_start, name, scanner.resolver.resolve(name), sentence, found, unplaced)
                    break
                # In a list of several places an unknown one is reported and the list goes on.
                nxt = next((j for j in range(k + 1, min(k + 4, len(tokens)))
                            if "،" in text[tokens[j - 1].end():tokens[j].start()]), None)
                if word not in ARABIC_PLURAL_PLACE_WORDS or nxt is None:
                    break
                name = " ".join(t.group(0) for t in tokens[k:nxt]).removeprefix("و")
                scanner.keep(text, tokens[k].start(), name, scanner.resolver.resolve(name), sentence, found, unplaced)
                previous_end, k, first = tokens[nxt - 1].end(), nxt, False
                continue
            item_start, item_end, match, width = item
            if first and word_start >= 0:  # the written name keeps its حي, without a prefixed و or ب
                item_start = word_start
            scanner.keep(text, item_start, " ".join(text[item_start:item_end].split()), match, sentence, found,
                       unplaced, "geography" if approached else None)
            covered.append((start, item_end))
            k += width
            previous_end = item_end
            first = False

def _arabic_item(scanner: Scanner, text, tokens, k, first, word):
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
        match = next((m for t in tries if (m := scanner.resolver.lookup(t)) is not None), None)
        if match is None and width <= 2 and sum(len(w) for w in words) >= 5:
            fuzzy = scanner.resolver.resolve(phrase)  # a variant spelling (الاوربجية for الأربجيه)
            match = fuzzy if fuzzy.is_resolved else None
        if match is not None and match.status is not MatchStatus.UNRESOLVED:
            return span[0], span[1], match, skip + width
    return None
