"""The first-character guard (mosulmap.regex_guard) changes how fast the extractor's patterns
search, never what they find: every guarded pattern of the extraction package finds the same
spans and groups as the bare pattern, on sentences in the style of the reports and on random
text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosulmap.extract import anaphora, arabic_lists, article, dating, frames, layout, lexicon, mentions, timex
from mosulmap.regex_guard import first_chars, guarded


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = {}
    for module in (lexicon, mentions, arabic_lists, frames, timex, layout, article, dating, anaphora):
        for name, value in vars(module).items():
            items = [value] if isinstance(value, re.Pattern) else \
                [x[0] for x in value if isinstance(x, tuple) and x and isinstance(x[0], re.Pattern)] \
                if isinstance(value, list) else []
            for i, rx in enumerate(items):
                found.setdefault(rx.pattern, (f"{module.__name__}.{name}[{i}]", rx))
    return list(found.values())


PATTERNS = _patterns()
GUARDED = [(name, rx) for name, rx in PATTERNS if rx.pattern.startswith("(?=")]
SENTENCES = [
    "Iraqi special forces said on Tuesday they had not yet entered al-Zuhur, while the army pushed into Karama.",
    "The Federal Police could retake the Wahda district within 2 days, an officer told reporters on 12 November 2016.",
    "Troops freed the Samah neighbourhood two days after they stormed Quds; IS fighters withdrew towards the river.",
    "Fighting raged in parts of Intisar, 800 metres from the edge of Sumer, as CTS units reached the hospital.",
    "قالت قيادة العمليات المشتركة إن القوات حررت حي الزهور وحي القدس، ولم تدخل منطقة الانتصار بعد.",
    "On 17.10.2016 the offensive began; by Dec. 3 troops had cleared the districts of Bakr and Tahrir — reports said.",
    "  ,  and  ؛  ‘Al-Karama’ (AFP/Getty)  ",
]


def _same(bare: re.Pattern[str], rx: re.Pattern[str], text: str) -> None:
    assert [(m.span(), m.groups()) for m in rx.finditer(text)] == \
        [(m.span(), m.groups()) for m in bare.finditer(text)]
    assert rx.split(text) == bare.split(text)


def _bare(rx: re.Pattern[str]) -> re.Pattern[str]:
    inner = rx.pattern.split(")(?:", 1)[1][:-1]
    return re.compile(inner, rx.flags)


def test_the_guard_covers_most_of_the_extractors_patterns():
    # Without the guard a word alternation is tried at every position of every clause; a pattern
    # the guard cannot read (a class with \w), or one it would slow down, keeps working unguarded.
    assert len(PATTERNS) > 60
    assert len(GUARDED) >= 40
    assert guarded(r"[^\W\d_]+") == r"[^\W\d_]+"
    from mosulmap.extract.lexicon import BLOCKERS

    assert all(rx.pattern.startswith("(?=") for rx, _ in BLOCKERS)  # the alternations of many words
    assert guarded(r"\bto free\b", re.I) == r"\bto free\b"  # one way in: as fast without
    assert guarded("سيطر|حرر") == "سيطر|حرر"  # re finds a literal without case by its own fast scan


@pytest.mark.parametrize("name,rx", GUARDED, ids=[n for n, _ in GUARDED])
def test_guarded_patterns_find_what_the_bare_ones_find(name, rx):
    bare = _bare(rx)
    for sentence in SENTENCES:
        for start in range(0, len(sentence), 7):  # windows as the extractor cuts them
            _same(bare, rx, sentence[start:start + 60])
        _same(bare, rx, sentence)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeinostdrlwNAKSZ ,.;?'’-0123456789حيالزهورو،")), max_size=80))
def test_guarded_patterns_agree_on_random_text(text):
    for _name, rx in GUARDED:
        _same(_bare(rx), rx, text)


def test_first_characters_are_read_not_guessed():
    assert first_chars(r"\bnot\b|\bnever\b", re.I) == frozenset("n")  # the guard is compiled with re.I too
    assert first_chars(r"(?<![a-z])(?:al-)?[A-C]x") == frozenset("aABC")
    assert first_chars(r"x?\d") >= frozenset("x0123456789٠١")  # \d reads every Unicode digit, as re does
    assert first_chars(r"a*") is None  # can match the empty string: no guard
    assert first_chars(r".x") is None and first_chars(r"\w+") is None and first_chars(r"[^a]x") is None
    rx = re.compile(guarded(r"(?P<n>\d+) (days?)", re.I), re.I)
    assert rx.search("after 12 Days").group("n", 2) == ("12", "Days")


def test_a_boundary_before_every_first_character_joins_the_guard():
    from mosulmap.regex_guard import compile_guarded

    # every way in passes \b: the guard asks for it, so a position inside a word fails at once
    assert guarded(r"\b(?:near|towards?)\s+$", re.I).startswith(r"(?=\b[")
    # an optional prefix holding the \b does not hold for what follows it
    rx = compile_guarded(r"(?:\bal-)?Karama|Samah", re.I)
    assert rx.search("xKarama").start() == 1 and rx.search("the al-Karama").start() == 4
    # a digit past the Basic Multilingual Plane is a digit to re, and to the guard
    assert compile_guarded(r"x?\d+").search("a \U0001D7CE\U0001D7CF").group() == "\U0001D7CE\U0001D7CF"


def test_a_pattern_anchored_at_the_start_keeps_no_guard():
    # re tries "^…" at the start only; a look-ahead in front of it made it scan every position
    # (0.1 -> 9 us on a 700-character line)
    assert guarded(r"^\s*string\(\d+\)") == r"^\s*string\(\d+\)"
    assert guarded(r"\Aal-") == r"\Aal-"
