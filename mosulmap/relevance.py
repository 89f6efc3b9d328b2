"""The relevance pass: which articles of an archive mention the campaign's city or a mapped place.

Most of a news archive never names the place; the pass drops those articles before the
extractor, with one RE2 regular expression (google-re2: a DFA, compiled once per gazetteer) over
every mapped name and the city's names. It reads texts (:meth:`Relevance.many`) and, before a
JSON Lines record is built, the raw bytes of its line (:meth:`Relevance.lines`), where a name may
stand with JSON escapes (``\\u0643``, ``\\/``) and an escape may stand against a name
(``\\nKarama``). The raw pattern lets through every line whose text the text pattern lets
through (and a few more, which the text pattern then reads), so both ways drop the same articles.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from mosulmap.gazetteer import Gazetteer

SCAN_BYTES = 8 << 20  # the relevance pass joins at most this much text for one scan


def relevance_words(gazetteer: Gazetteer) -> list[str]:
    """What the relevance pass looks for, lower-cased: the campaign's city names and every mapped
    name and variant of 4 characters or more (also without "al-"/"el-", and Arabic without حي/منطقة)."""
    words = {w.lower() for w in gazetteer.campaign.city_names}
    for place in gazetteer.mapped():
        for name in place.names:
            for form in (name.lower(), re.sub(r"^(?:al|el)[-\s]", "", name.lower()),
                         re.sub(r"^(?:حي|منطقة)\s+", "", name)):
                if len(form) >= 4:
                    words.add(form)
    return sorted(words)


def _options():
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = 64 << 20  # room for the DFA of a few thousand names
    return options


class Relevance:
    """Does a text mention the campaign's city or any of its mapped gazetteer names? Case-insensitive.
    Latin names match as whole words ("Amn" must not hit "amnesty"; RE2's word boundary is ASCII,
    so a name whose edge is not an ASCII letter or digit goes without it: more texts pass, none
    that names a place is lost); Arabic names match anywhere, prefixes and all."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        import re2

        words = relevance_words(gazetteer)
        parts = []
        for word in words:
            literal = re2.escape(word)
            if word[0] > "\u05ff":
                parts.append(literal)
            else:
                edge = [r"\b" if ch.isascii() and ch.isalnum() else "" for ch in (word[0], word[-1])]
                parts.append(edge[0] + literal + edge[1])
        self.search_bytes = re2.compile("|".join(parts).encode(), _options()).search if parts else _nothing
        self.search_raw = re2.compile(raw_pattern(words).encode(), _options()).search if parts else _nothing

    def many(self, texts: list[str]) -> list[bool]:
        """Which texts mention a name, in one scan of the batch: the texts are joined, as UTF-8,
        with a NUL byte between them (no name holds one, and it is no word character, so a match
        never spans two texts and word edges stay where they were); each match marks its text,
        and the scan goes on at the next one. A relevant text costs one call, an irrelevant one
        none (a call per text, and its conversion to UTF-8, cost more than the scan)."""
        found: list[bool] = []
        group: list[bytes] = []
        size = 0
        for text in texts:
            encoded = text.encode("utf-8", "surrogatepass")
            if group and size + len(encoded) > SCAN_BYTES:  # a batch of long records: a few scans, bounded copies
                found += self._scan(group)
                group, size = [], 0
            group.append(encoded)
            size += len(encoded) + 1
        return found + (self._scan(group) if group else [])

    def _scan(self, encoded: list[bytes]) -> list[bool]:
        starts = list(accumulate((len(b) + 1 for b in encoded[:-1]), initial=0))
        blob = b"\0".join(encoded)
        found = [False] * len(encoded)
        search, position = self.search_bytes, 0
        while (m := search(blob, position)) is not None:
            i = bisect_right(starts, m.start()) - 1
            found[i] = True
            if i + 1 == len(starts):
                break
            position = starts[i + 1]
        return found

    def __call__(self, text: str) -> bool:
        return self.many([text])[0]

    def lines(self, block: bytes) -> list[int]:
        """The offsets, in order, of the lines of a block of JSON Lines (split on ``\\n``) that
        may mention a name: every line whose text would pass :meth:`many`, and a few more."""
        found, position, search = [], 0, self.search_raw
        while (m := search(block, position)) is not None:
            start = block.rfind(b"\n", 0, m.start()) + 1
            found.append(start)
            position = block.find(b"\n", m.end())
            if position < 0:
                break
        return found


def _nothing(blob: bytes, position: int = 0) -> None:
    return None


def raw_pattern(words: list[str]) -> str:
    """The words as they may stand in a line of JSON, for a case-insensitive RE2 scan of its bytes:
    a character as itself or as the ``\\uXXXX`` escape of any of its case forms ("/" also as
    ``\\/``, '"' and "\\\\" only escaped); no word boundary before a name (an escape such as
    ``\\n`` may stand against it), one after it where the text pattern has one (what follows a
    name in JSON is the character itself or a backslash). A line that escapes a character that
    the words hold as itself (``\\u0041`` for "A": no encoder writes it, but JSON allows it) always
    passes, so nothing the text pattern finds is missed."""
    import re2

    parts = []
    for word in words:
        body = "".join(_raw_char(ch, re2.escape) for ch in word)
        edge = r"\b" if word[0] <= "\u05ff" and word[-1].isascii() and word[-1].isalnum() else ""
        parts.append(body + edge)
    plain = {c for ch in set("".join(words)) if ch.isascii() for c in _case_forms(ch)}
    if plain:
        parts.append("|".join(_escapes(c) for c in sorted(plain)))
    return "|".join(parts)


def _raw_char(ch: str, escape) -> str:
    escaped = [_escapes(c) for c in sorted(_case_forms(ch))]
    if ch == "/":
        return r"\\?/"
    if ch in '"\\' or ch < " ":
        return "(?:" + "|".join(escaped + [re.escape(_json_short(ch))]) + ")"
    if ch.isascii():
        return escape(ch)  # an escaped ASCII character makes the whole line pass (raw_pattern)
    return "(?:" + "|".join([escape(ch)] + escaped) + ")"


def _json_short(ch: str) -> str:
    return {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}.get(ch, ch)


def _escapes(ch: str) -> str:
    """``\\uXXXX`` of a character (two escapes, a surrogate pair, beyond the BMP) as a pattern."""
    units = ch.encode("utf-16-be")
    return "".join(r"\\u" + units[i:i + 2].hex() for i in range(0, len(units), 2))


def _case_forms(ch: str) -> set[str]:
    """The characters a case-insensitive match takes for ``ch``: those with the same lower or
    upper case (the Kelvin sign for "k", the long s for "s")."""
    lower, upper = _case_groups()
    return {ch} | lower.get(ch.lower(), set()) | upper.get(ch.upper(), set())


@lru_cache(maxsize=1)
def _case_groups() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    lower: dict[str, set[str]] = {}
    upper: dict[str, set[str]] = {}
    for ch in map(chr, range(0x10000)):
        low, up = ch.lower(), ch.upper()
        if low != ch or up != ch:  # only characters that have a case
            lower.setdefault(low, {low}).add(ch)
            upper.setdefault(up, {up}).add(ch)
    return lower, upper
