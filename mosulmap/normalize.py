"""Spelling normalisation for Latin transliterations and Arabic script.

Place names of east Mosul reach us in many spellings (Kokjali / Gogjali / كوكجلي / گوگجلي).
This module turns a spelling into comparison keys of growing coarseness:

``normalise``  case, diacritics, punctuation, articles (al-/el-/ال), "neighbourhood"-type words,
               ordinals (al-Ula / first / الأولى -> 1), Arabic letter variants.
``phonetic``   transliteration alternations folded (k/g/q, o/u, e/i, ch/j, dh/z, doubled
               letters, -iya/-iyah/-iyya endings).
``skeleton``   the consonants of the phonetic key, for names written without their vowels
               (Kokjla); only long skeletons are trusted, see ``resolver``.

All functions are pure and total: any ``str`` gives a ``str`` (possibly empty), never an error.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from mosulmap.regex_guard import compile_guarded

ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")

# Letters that vary between Arabic, Persian and Kurdish orthographies, folded to one form.
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ء": None,
        "ـ": None,  # tatweel
        "گ": "ك",
        "ک": "ك",
        "ڭ": "ك",
        "چ": "ج",
        "پ": "ب",
        "ڤ": "ف",
        "ژ": "ز",
        "ۆ": "و",
        "ە": "ه",
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
        "۰": "0",
        "۱": "1",
        "۲": "2",
        "۳": "3",
        "۴": "4",
        "۵": "5",
        "۶": "6",
        "۷": "7",
        "۸": "8",
        "۹": "9",
    }
)

# Apostrophes, ayn/hamza marks and similar: dropped so that Mu'allimin == Muallimin.
_DROPPED = str.maketrans({c: None for c in "'’‘`´ʿʾʼʻ\"“”«»"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/\\.,;:!?()\[\]{}<>|+*&#@$%^=~]+")

# Words that describe the kind of place rather than name it.
_NOISE_WORDS = frozenset(
    """neighbourhood neighbourhoods neighborhood neighborhoods district districts quarter quarters
    area areas region hay hayy hai hayee hayi hy mahalla mahallat mahalat the
    حي منطقه محله محلة ناحيه""".split()
)
_ARTICLES = frozenset("al el il ul as ash az ad adh an ar at ath ad".split())
_ORDINALS = {
    "1": "1",
    "first": "1",
    "1st": "1",
    "ula": "1",
    "oula": "1",
    "oola": "1",
    "ulaa": "1",
    "awal": "1",
    "awwal": "1",
    "uwla": "1",
    "اولي": "1",
    "اول": "1",
    "2": "2",
    "second": "2",
    "2nd": "2",
    "thaniya": "2",
    "thaniyah": "2",
    "thania": "2",
    "thaniyya": "2",
    "thani": "2",
    "thanya": "2",
    "saniya": "2",
    "ثانيه": "2",
    "ثاني": "2",
}


# Transliterations of الأولى / الثانية not in the table above (al-Uola, al-Oula, al-Thaaniya …).
_ORDINAL_FORMS = (
    (re.compile(r"(?:[uo]{1,3}w?l[ae]{1,2}h?|aw+al)"), "1"),
    (re.compile(r"(?:th|s)a{1,2}n[iy]{1,3}[ae]{0,2}h?"), "2"),
)


_ARABIC_FOLD = str.maketrans("ىأإآٱ", "ياااا")


def fold_arabic(text: str) -> str:
    """Arabic letters that writers interchange, folded one to one (so offsets do not move):
    alef maksura to ya (Egyptian حى for حي), hamza and madda seats to bare alef."""
    return text.translate(_ARABIC_FOLD)


def compile_folded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` of a pattern whose Arabic letters are folded like the text it will search,
    behind a first-character guard (:mod:`mosulmap.regex_guard`: the same matches, faster)."""
    return compile_guarded(fold_arabic(pattern), flags)


def has_arabic(text: str) -> bool:
    """Return True if ``text`` holds any Arabic-script letter."""
    return not text.isascii() and ARABIC_RE.search(text) is not None


def _strip_marks(text: str) -> str:
    # NFKD splits accented Latin letters and Arabic letters with hamza/madda into a base letter
    # plus combining marks; dropping the marks removes diacritics and Arabic harakat together.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _arabic_token(token: str) -> str:
    if token.startswith("ال") and len(token) > 3:
        token = token[2:]
    return token


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Normalise a place-name spelling to a comparison key.

    Parameters
    ----------
    text : str
        Any spelling, Latin or Arabic script or both.

    Returns
    -------
    str
        Lower-case key with articles, type words, punctuation and diacritics removed and
        ordinals written as digits; ``""`` when nothing name-like is left.
    """
    if not isinstance(text, str):
        return ""
    text = _strip_marks(text.translate(_ARABIC_LETTERS)).translate(_ARABIC_LETTERS)
    text = text.casefold().translate(_DROPPED)
    tokens = [t for t in _SEPARATORS.split(text) if t]
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token in _NOISE_WORDS:
            continue
        if token in _ARTICLES and i < len(tokens) - 1:
            continue
        if has_arabic(token):
            token = _arabic_token(token)
        token = _ORDINALS.get(token) or next((n for rx, n in _ORDINAL_FORMS if rx.fullmatch(token)), token)
        out.append(token)
    return " ".join(out)


_DIGRAPHS = (
    ("ch", "j"),
    ("dh", "d"),  # ذ ض ظ ث are written dh, th, z or d: Hadhba, Khazra, Hadba, Khadra
    ("th", "d"),
    ("ph", "f"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ei", "i"),
    ("ie", "i"),
)
_LETTERS = str.maketrans({"q": "k", "g": "k", "c": "k", "o": "u", "e": "i", "x": "ks", "z": "d"})
_A_ENDING = re.compile(r"(?<=[^aeiou\s])[ea]h\b")  # Wahdeh, Wahdah: Wahda
_Y_NOT_BEFORE_VOWEL = re.compile(r"y(?![aiu])")
_IYA_ENDING = re.compile(r"(?:iya|ia|ya)h?\b|iyah\b")
_FINAL_H_AFTER_VOWEL = re.compile(r"(?<=[aiu])h\b")
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def phonetic(key: str) -> str:
    """Fold transliteration alternations in a normalised Latin key.

    Arabic-script text passes through unchanged (its variants are handled by ``normalise``).
    """
    if not key or has_arabic(key):
        return key
    key = _A_ENDING.sub("a", key)
    for a, b in _DIGRAPHS:
        key = key.replace(a, b)
    key = key.translate(_LETTERS)
    key = _Y_NOT_BEFORE_VOWEL.sub("i", key)
    key = _DOUBLED.sub(r"\1", key)
    key = _IYA_ENDING.sub("iya", key)
    key = _FINAL_H_AFTER_VOWEL.sub("", key)
    # One word or two ("Gog Jali", "Gogjali"); an ordinal stays apart ("kadisiya 2").
    key = re.sub(r" (?![0-9])", "", key)
    return _DOUBLED.sub(r"\1", key)


_SKELETON_DIGRAPHS = (("sh", "S"), ("kh", "X"), ("gh", "G"))
_VOWELS_AND_SPACE = re.compile(r"[aiu\s]")


@lru_cache(maxsize=65536)
def skeleton(phonetic_key: str) -> str:
    """Consonant skeleton of a phonetic key (``kukjali`` -> ``kkjl``); Arabic passes through."""
    if not phonetic_key or has_arabic(phonetic_key):
        return phonetic_key.replace(" ", "")
    for a, b in _SKELETON_DIGRAPHS:
        phonetic_key = phonetic_key.replace(a, b)
    return _VOWELS_AND_SPACE.sub("", phonetic_key)


# Arabic letters as the consonant classes the phonetic key keeps (long vowels, ع and hamza dropped).
_ARABIC_CONSONANTS = str.maketrans({
    "ب": "b", "ت": "t", "ث": "d", "ج": "j", "ح": "h", "خ": "X", "د": "d", "ذ": "d", "ر": "r", "ز": "d", "س": "s",
    "ش": "S", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "ع": None, "غ": "X", "ف": "f", "ق": "k", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "و": None, "ي": None, "ا": None, "ى": None, "ة": None, "ء": None, " ": None,
})
_ARABIC_FINAL_H = re.compile(r"(?<=[اويY])ح$")
_ARABIC_Y = re.compile(r"ي(?=[اةه])")  # a consonantal y (القادسية), kept as in Latin -iya
_LATIN_Y = re.compile(r"y(?=[aiu])")
_LATIN_DROPPED = re.compile(r"[aiuwy\s0-9]")


@lru_cache(maxsize=65536)
def consonants(key: str) -> str:
    """A script-neutral consonant key: ``سماح`` and ``sama`` (Samah) both give ``sm``.

    Arabic names of places that the gazetteer spells only in Latin (and the reverse) meet here.
    """
    if has_arabic(key):
        words = [w for w in key.split() if not w.isdigit()]
        # ة was folded to ه by normalise: a final ه is a vowel ending, not a consonant.
        joined = "".join(_ARABIC_FINAL_H.sub("", _ARABIC_Y.sub("Y", w)).removesuffix("ه") for w in words)
        return joined.translate(_ARABIC_CONSONANTS)
    for a, b in (("sh", "S"), ("kh", "X")):
        key = key.replace(a, b)
    return _DOUBLED.sub(r"\1", _LATIN_DROPPED.sub("", _LATIN_Y.sub("Y", key)))


ORDINAL_TAIL = re.compile(r"\s+[1-9]$")


def family_base(key: str) -> str:
    """The key without a trailing ordinal (``kadisiya 2`` -> ``kadisiya``)."""
    return ORDINAL_TAIL.sub("", key)
