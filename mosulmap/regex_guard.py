"""A first-character guard for regular expressions that search running text.

Python's ``re`` tries a pattern at every position of the text. For an alternation of words that
open with ``\\b`` or a look-behind (``\\bnot\\b|\\bnever\\b|…``) it walks every alternative at
every position, and the extractor spends much of its time doing so. Prefixed with a look-ahead
for the characters the pattern can begin with, ``(?=\\b[n…])(?:…)``, a position that cannot start
a match fails on one test: the same matches (the look-ahead only rules out positions where the
pattern could not match anyway), several times faster on prose.

The characters a pattern can begin with are read from ``re``'s own parse of it (``re._parser``,
part of CPython), never guessed: where any step is not understood (a class with ``\\w`` or a
negation in it, ``.``, a back-reference), or the pattern can match the empty string, no guard is
added. Nor is one added where it would cost more than it saves (measured on the extractor's
patterns): a pattern anchored at the start, one that ``re`` already finds with its own fast scan
(a literal prefix without case, such as an Arabic word), and one with a single way in.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from re import _compiler, _parser
from re import _constants as C  # noqa: N812 (CPython's sre constants)

_ZERO_WIDTH = (C.AT, C.ASSERT_NOT, C.ASSERT)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_MAX_RANGE = 4096  # a class wider than this (a whole script block or more) is not worth a guard


class _Unknown(Exception):
    pass


@lru_cache(maxsize=4)
def _category(digit: bool, ascii_only: bool) -> frozenset[str]:
    """Every character ``\\d`` (or ``\\s``) matches: all of Unicode's, as ``re`` reads a str pattern."""
    test = str.isdecimal if digit else str.isspace
    return frozenset(c for c in map(chr, range(128 if ascii_only else sys.maxunicode + 1)) if test(c))


def _first(items, flags: int, bounded: bool = False) -> tuple[set[str], set[str], bool]:
    """(characters the sequence can begin with right after a word boundary ``\\b`` that every
    path to them passes, the characters it can begin with otherwise, whether it can match the
    empty string). ``bounded``: a boundary was passed before the sequence."""
    after_edge: set[str] = set()
    found: set[str] = set()
    for op, av in items:
        if op is C.AT and av is C.AT_BOUNDARY:
            bounded = True
            continue
        if op in _ZERO_WIDTH:
            continue  # anchors, look-arounds: consume nothing (ignoring a constraint only widens the set)
        if op is C.LITERAL:
            (after_edge if bounded else found).add(chr(av))
            return after_edge, found, False
        if op is C.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is C.LITERAL:
                    chars.add(chr(value))
                elif kind is C.RANGE and value[1] - value[0] <= _MAX_RANGE:
                    chars.update(map(chr, range(value[0], value[1] + 1)))
                elif kind is C.CATEGORY and value in (C.CATEGORY_DIGIT, C.CATEGORY_SPACE):
                    chars |= _category(value is C.CATEGORY_DIGIT, bool(flags & re.ASCII))
                else:
                    raise _Unknown  # NEGATE, CATEGORY (\w, \W, …), a huge range
            (after_edge if bounded else found).update(chars)
            return after_edge, found, False
        if op is C.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE and not flags & re.IGNORECASE:
                raise _Unknown  # (?i:…) inside a case-sensitive pattern: the guard would be too strict
            edge, chars, empty = _first(sub, flags, bounded)
        elif op is C.BRANCH:
            edge, chars, empty = set(), set(), False
            for alternative in av[1]:
                more_edge, more, alt_empty = _first(alternative, flags, bounded)
                edge |= more_edge
                chars |= more
                empty = empty or alt_empty
        elif op in _REPEATS:
            low, _high, sub = av
            edge, chars, empty = _first(sub, flags, bounded)
            empty = empty or low == 0
        elif op is C.ATOMIC_GROUP:
            edge, chars, empty = _first(av, flags, bounded)
        else:
            raise _Unknown  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, …
        after_edge |= edge
        found |= chars
        if not empty:
            return after_edge, found, False
        # the part may match nothing: a boundary inside it does not hold for what follows
    return after_edge, found, True


def _parse(pattern: str, flags: int):
    """re's parse of ``pattern``, or None when a guard cannot be put in front of it."""
    try:
        parsed = _parser.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & ~flags & (re.IGNORECASE | re.VERBOSE | re.MULTILINE | re.DOTALL):
        return None  # inline global flags ("(?i)…") must stay at the front
    return parsed


def _heads(parsed) -> tuple[frozenset[str], frozenset[str]] | None:
    try:
        after_edge, found, empty = _first(parsed, parsed.state.flags)
    except (_Unknown, RecursionError):
        return None
    if empty or not (after_edge or found):
        return None
    return frozenset(after_edge - found), frozenset(found)


def _worth_guarding(parsed) -> bool:
    """Whether a guard makes re faster on this pattern (see the three helpers below)."""
    if parsed.data and parsed.data[0] in ((C.AT, C.AT_BEGINNING), (C.AT, C.AT_BEGINNING_STRING)):
        return False  # "^…": re tries it at the start only; a guard in front would make it scan the text
    return not _scans_fast(parsed, parsed.state.flags) and _ways_in(parsed) >= 2


def _ways_in(items) -> int:
    """How many alternatives re tries at each position before the first character: the guard
    pays for itself from two (one \\b-word pattern fails as fast without it; measured on the
    extractor's patterns: 105 of one way 17 % slower with a guard, 63 of two or more 31 % faster)."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is C.BRANCH:
            return sum(_ways_in(alternative) for alternative in av[1])
        if op is C.SUBPATTERN:
            return _ways_in(av[3])
        if op in _REPEATS:
            return _ways_in(av[2]) + (1 if av[0] == 0 else 0)
        return 1
    return 1


def _scans_fast(parsed, flags: int) -> bool:
    """Whether re already skips to where a match can start: a pattern opening with a literal that
    has no case (Arabic, punctuation) or a case-sensitive one gets a prefix that re looks for
    with a fast scan, and a guard in front of it would hide that (0.3 -> 2.9 us on a clause)."""
    try:
        return bool(_compiler._get_literal_prefix(parsed, flags)[0] or _compiler._get_charset_prefix(parsed, flags))
    except Exception:  # noqa: BLE001 (a CPython internal: if it changes, guard as before)
        return False


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The characters every match of ``pattern`` begins with, or None when they are not known
    (or it can match the empty string)."""
    parsed = _parse(pattern, flags)
    heads = None if parsed is None else _heads(parsed)
    return None if heads is None else heads[0] | heads[1]


def _class(chars: frozenset[str]) -> str:
    """A character class of ``chars`` as ranges. Characters past the Basic Multilingual Plane (a
    few Unicode digits) widen to the whole of it: ``re`` keeps a class within the BMP as one
    table, and tries a class with single characters past it one by one, slower than no guard."""
    codes = sorted({ord(c) for c in chars if ord(c) <= 0xFFFF})
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = [f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges]
    if any(ord(c) > 0xFFFF for c in chars):
        parts.append("\\U00010000-\\U0010ffff")
    return "[" + "".join(parts) + "]"


def guarded(pattern: str, flags: int = 0) -> str:
    """``pattern`` behind a look-ahead for its first characters (unchanged when they are unknown).
    Where every way to a first character passes a word boundary (``\\bnot\\b|\\bnever\\b``) the
    look-ahead asks for the boundary too, so a position inside a word fails at once."""
    parsed = None if flags & re.VERBOSE else _parse(pattern, flags)  # a closing comment would eat the ")"
    heads = _heads(parsed) if parsed is not None and _worth_guarding(parsed) else None
    if heads is None:
        return pattern
    after_edge, found = heads
    options = ([r"\b" + _class(after_edge)] if after_edge else []) + ([_class(found)] if found else [])
    return f"(?={'|'.join(options)})(?:{pattern})"


def compile_guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` with the first-character guard; the same matches, groups and group numbers."""
    return re.compile(guarded(pattern, flags), flags)
