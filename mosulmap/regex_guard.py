"""A first-character guard for regular expressions that search running text.

Python's ``re`` tries a pattern at every position of the text. For an alternation of words that
open with ``\\b`` or a look-behind (``\\bnot\\b|\\bnever\\b|…``) it walks every alternative at
every position, and the extractor spends much of its time doing so. Prefixed with a look-ahead
for the characters the pattern can begin with, ``(?=[nN…])(?:…)``, a position that cannot start
a match fails on one character-class test: the same matches (the look-ahead only rules out
positions where the pattern could not match anyway), several times faster on prose.

The characters a pattern can begin with are read from ``re``'s own parse of it (``re._parser``,
part of CPython), never guessed: where any step is not understood (a class with ``\\w`` or a negation in it,
``.``, a back-reference), or the pattern can match the empty string, no guard is added.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from re import _constants as C  # noqa: N812 (CPython's sre constants)
from re import _parser

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


def _first(items, flags: int) -> tuple[set[str], bool]:
    """(characters the sequence can begin with, whether it can match the empty string)."""
    found: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # anchors, look-arounds: consume nothing (ignoring a constraint only widens the set)
        if op is C.LITERAL:
            found.add(chr(av))
            return found, False
        if op is C.IN:
            for kind, value in av:
                if kind is C.LITERAL:
                    found.add(chr(value))
                elif kind is C.RANGE and value[1] - value[0] <= _MAX_RANGE:
                    found.update(map(chr, range(value[0], value[1] + 1)))
                elif kind is C.CATEGORY and value in (C.CATEGORY_DIGIT, C.CATEGORY_SPACE):
                    found |= _category(value is C.CATEGORY_DIGIT, bool(flags & re.ASCII))
                else:
                    raise _Unknown  # NEGATE, CATEGORY (\w, \d, \s), a huge range
            return found, False
        if op is C.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE and not flags & re.IGNORECASE:
                raise _Unknown  # (?i:…) inside a case-sensitive pattern: the guard would be too strict
            chars, empty = _first(sub, flags)
        elif op is C.BRANCH:
            chars, empty = set(), False
            for alternative in av[1]:
                more, alt_empty = _first(alternative, flags)
                chars |= more
                empty = empty or alt_empty
        elif op in _REPEATS:
            low, _high, sub = av
            chars, empty = _first(sub, flags)
            empty = empty or low == 0
        elif op is C.ATOMIC_GROUP:
            chars, empty = _first(av, flags)
        else:
            raise _Unknown  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, …
        found |= chars
        if not empty:
            return found, False
    return found, True


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The characters every match of ``pattern`` begins with, or None when they are not known
    (or it can match the empty string)."""
    try:
        parsed = _parser.parse(pattern, flags)
        if parsed.state.flags & ~flags & (re.IGNORECASE | re.VERBOSE | re.MULTILINE | re.DOTALL):
            return None  # inline global flags ("(?i)…") must stay at the front
        chars, empty = _first(parsed, parsed.state.flags)
    except (_Unknown, re.error, RecursionError):
        return None
    return None if empty or not chars else frozenset(chars)


def guarded(pattern: str, flags: int = 0) -> str:
    """``pattern`` behind a look-ahead for its first characters (unchanged when they are unknown)."""
    chars = None if flags & re.VERBOSE else first_chars(pattern, flags)  # a closing comment would eat the ")"
    if chars is None:
        return pattern
    cls = "".join(f"\\U{ord(c):08x}" for c in sorted(chars))
    return f"(?=[{cls}])(?:{pattern})"


def compile_guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` with the first-character guard; the same matches, groups and group numbers."""
    return re.compile(guarded(pattern, flags), flags)
