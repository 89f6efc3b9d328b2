"""Vocabulary of control language used by extraction: triggers, blockers, actors and cue words.

A trigger is a phrase that puts the places it governs into a control state ("seized",
"pushed into", "left to retake"); each pattern gives the (status, event) it implies. Where
several patterns match overlapping text, the longest wins ("left to retake" over "retake",
"counter attacked" over "attacked"). Blockers veto a whole clause (negation, plans,
hypotheticals); recap words veto one trigger ("liberated twice before"). Geography, buildings
and partial control are judged per place mention in ``mentions``.
"""

from __future__ import annotations

import re
import re._constants as _sre
import re._parser as _sre_parse
import tomllib
from pathlib import Path

from lemminflect import getAllInflections

from mosulmap.claims import Status
from mosulmap.normalize import compile_folded


def _rx(*parts: str) -> re.Pattern[str]:
    return compile_folded("|".join(parts), re.I)


_TRIGGERS_FILE = Path(__file__).with_name("triggers.toml")
# Case matters for "IS": the English word "is" is not the Islamic State.
IS_NAMES = (r"(?:(?-i:IS|ISIS|ISIL)|Daesh|(?:the )?Islamic State|(?:the )?(?:militants|jihadists|extremists|insurgents)"
            r"|(?-i:the group)|داعش)")
MACROS = {
    "IS": IS_NAMES,
    "BE": r"(?:is|are|was|were|been|being|be|still|now|also|continued|continuing|kept)",
    "HAVE": r"(?:has|have|had|having)",
}
_PLACEHOLDER = compile_folded(r"\{(?P<lemma>[a-z]+)(?::(?P<form>ed|ing|n|vn))?\}")


def _forms(lemma: str, form: str | None) -> list[str]:
    """Inflected forms of a lemma from lemminflect: every verb form, the participle, the -ing form,
    or the noun forms."""
    verb = getAllInflections(lemma, upos="VERB") or {"VB": (lemma,)}
    noun = getAllInflections(lemma, upos="NOUN") or {"NN": (lemma,)}
    if form == "ed":
        tags = verb.get("VBN") or verb.get("VBD") or (lemma,)
        return list(tags)
    if form == "ing":
        return list(verb.get("VBG", ()))
    found = {w for tags in (noun.values() if form == "n" else verb.values()) for w in tags}
    if form == "vn":
        found |= {w for tags in noun.values() for w in tags}
    return sorted(found | {lemma} if form in (None, "vn", "n") else found, key=len, reverse=True)


def expand(pattern: str) -> str:
    """A lexicon pattern with its lemma placeholders and macros replaced by regular expressions."""
    def replace(m: re.Match) -> str:
        if m["lemma"].upper() in MACROS and m["form"] is None:
            return MACROS[m["lemma"].upper()]
        return "(?:" + "|".join(re.escape(w) for w in _forms(m["lemma"], m["form"])) + ")"

    pattern = re.sub(r"\{(IS|BE|HAVE)\}", lambda m: MACROS[m[1]], pattern)
    return _PLACEHOLDER.sub(replace, pattern)


_COMMON = frozenset("the from out of to in on and back over under for with".split())


def required_strings(pattern: str) -> frozenset[str] | None:
    """Lower-cased strings of which every match of ``pattern`` contains at least one, or None when
    no such set is known. Clauses holding none of them cannot match, so the pattern is not run
    there (most clauses of a news archive hold no control language)."""

    def literal_runs(items) -> list[str]:
        runs, current = [], ""
        for op, arg in items:
            if op is _sre.LITERAL:
                current += chr(arg)
            else:
                runs.append(current)
                current = ""
        return [r for r in runs + [current] if len(r.strip()) >= 3]

    def req(items) -> frozenset[str] | None:
        options: list[frozenset[str]] = [frozenset({r.lower()}) for r in literal_runs(items)]
        for op, arg in items:
            found = None
            if op is _sre.SUBPATTERN:
                found = req(arg[-1])
            elif op is _sre.BRANCH:
                branches = [req(b) for b in arg[1]]
                found = None if any(b is None for b in branches) else frozenset().union(*branches)
            elif op is _sre.IN:
                chars = [chr(a) for o, a in arg if o is _sre.LITERAL]
                found = frozenset(c.lower() for c in chars) if len(chars) == len(arg) and chars else None
                found = found if found and all(len(c) >= 3 for c in found) else None
            elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and arg[0] >= 1:
                found = req(arg[2])
            if found:
                options.append(found)
        # The most selective option: the one whose shortest string is longest (common words count as empty).
        return max(options, key=lambda o: (min(0 if x.strip() in _COMMON else len(x.strip()) for x in o), -len(o)),
                   default=None)

    return req(_sre_parse.parse(pattern, re.I))


def load_triggers(path: Path = _TRIGGERS_FILE) -> list[tuple[frozenset[str] | None, re.Pattern[str], Status, str]]:
    """The trigger lexicon, one row per pattern: (strings one of which a matching clause holds, or
    None; the pattern; status; event)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    out = []
    for entry in data["trigger"]:
        for pattern in (expand(p) for p in entry["patterns"]):
            out.append((required_strings(pattern), _rx(pattern), Status(entry["status"]), entry["event"]))
    return out


TRIGGERS = load_triggers()

BLOCKERS: list[tuple[re.Pattern[str], str]] = [
    (_rx(r"\bnot\b", r"\bno\b", r"\bnever\b", r"n't\b", r"n’t\b", r"\bnor\b", r"\bwithout\b", r"\bfailed to\b",
         r"\bdenied\b", r"\bunable to\b", r"(?<![\u0621-\u064A\u0671-\u06D3])(?:لم|لن)(?![\u0621-\u064A\u0671-\u06D3])",
         r"(?<![\u0621-\u064A\u0671-\u06D3])لا(?![\u0621-\u064A\u0671-\u06D3])(?!\s+(?:يزال|تزال))"),
     "negation"),
    (_rx(r"\bpreparing\b", r"\bprepare[sd]? (?:to|for)\b", r"\bexpected\b", r"\bexpects?\b", r"\bwill\b",
         r"\bwould\b", r"\bcould\b", r"\bmay\b", r"\bmight\b", r"\bshould\b", r"\bplan(?:s|ned|ning)? to\b",
         r"\bplans? (?:for|are)\b", r"\baim(?:s|ed|ing)? (?:to|for|at)\b", r"\bintend", r"\bset to\b", r"\babout to\b",
         r"\bpoised\b", r"\bready to\b", r"\bawait", r"\bimportant to\b", r"\bneed(?:s|ed)? to\b", r"\bin order to\b",
         r"\bhop(?:e|es|ed|ing) to\b", r"\bsupposed to\b", r"\bunderway to\b", r"\bunder way to\b", r"\bgoal\b",
         r"\bseek(?:s|ing)? to\b", r"\bwant(?:s|ed)? to\b", r"\bvow(?:s|ed)? to\b", r"\boperations? to\b",
         r"\bتستعد\b", r"\bمن المتوقع\b", r"\bستقوم\b", r"\bسوف\b"),
     "plan or expectation"),
    (_rx(r"\bwhether\b", r"\bif\b", r"\bunless\b", r"\?\s*$", r"\bhypothetical"), "hypothetical or question"),
]

# After a trigger: the event is history, not news ("liberated twice before", "freed once each").
RECAP_AFTER = compile_folded(
    r"^(?:\s+(?!on\b|in\b|by\b|days?\b|weeks?\b|months?\b|hours?\b)\w+){0,2}?\s+(?:once|twice|thrice|(?:two|three|four|five|six|several|many|multiple|\d+)"
    r"\s+times|before(?=\s*[,.;)]|\s*$)|previously|again and again|repeatedly)\b", re.I)
RECAP_BEFORE = compile_folded(r"\b(?:already|previously|once|newly|recently)\s+(?:been\s+)?$", re.I)
# "the liberated Intisar neighbourhood", "its freed districts": a participle used as an adjective
# describes a place, it reports no event.
ATTRIBUTIVE_BEFORE = compile_folded(r"\b(?:the|a|an|its|their|these|those)\s+$", re.I)
# "the district most affected by the fighting": damage, not an event.
DAMAGE_BEFORE = compile_folded(
    r"\b(?:affected|damaged|destroyed|ravaged|devastated|scarred|hit|wrecked)\s+(?:\w+\s+)?(?:by|in|during)\s+"
    r"(?:the\s+)?(?:\w+\s+)?$", re.I)

# Clauses that date the campaign itself, not an event in a neighbourhood.
BACKGROUND = compile_folded(
    r"\b(?:launch(?:ed|ing)?|began|begun|beginning|start(?:ed|ing)?|restart(?:ed)?|resum(?:ed|ing)|kicked off|since)\b"
    r"|منذ|بدء|انطلاق|انطلقت|بدأت", re.I)
CAMPAIGN_NOUNS = compile_folded(r"\b(?:offensive|operation|campaign|battle|phase|assault|war|push|drive)\b"
                            r"|عمليات|العملية|المرحلة|معركة|الحملة", re.I)
PHASE_SINCE = compile_folded(
    r"\b(?:in the|over the|for the)\s+(?P<n>\w+)\s+days?\s+since\b[^.]{0,60}"
    r"\b(?:restart|resum|launch|began|start|renew)", re.I)
# A flashback date does not carry to the next sentence.
FLASHBACK = compile_folded(r"\b(?:originally|first|previously|earlier|already|back (?:on|in)|once)\b", re.I)

# Words around a name that mark it as a place.
PLACE_NOUNS = compile_folded(
    r"\b(?:neighbou?rhoods?|districts?|areas?|quarters?|suburbs?|hayy?|hai|localities|أحياء|حيي|حي|منطقة|مناطق)\b",
    re.I)
# "the four districts": a list named before.
LIST_REFERENCE = compile_folded(
    r"\b(?:the|these|those|both|all)\s+(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:new\s+)?"
    r"(?:districts|neighbou?rhoods|areas|quarters)\b", re.I)
LIST_COUNT = compile_folded(
    r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:new\s+|more\s+|other\s+)?"
    r"(?:districts|neighbou?rhoods|areas|quarters)\b"
    # "only five remain under IS control": a count whose noun is understood
    r"|\b(?:only|just|the last|the remaining)\s+(?P<m>two|three|four|five|six|seven|eight|nine|ten|\d+)\b"
    r"(?=\s+(?:remain|are|were|still|left))", re.I)
LIST_NAMING = compile_folded(r"\b(?:named|identified|listed|namely|were|are|include|included|including|among)\b",
                             re.I)
# "The district was cleared": a place named in the sentence before.
THE_PLACE = compile_folded(r"\bthe\s+(?:same\s+)?(?:district|neighbou?rhood|area|quarter)\b(?!\s+(?:of|in)\b)", re.I)
ANAPHOR_THERE = compile_folded(
    r"\bthere\b(?!\s+(?:is|are|was|were|has|have|had|will|would|could|may|might|remain|seem|appear))", re.I)

# (pattern, actor) — the first match in a clause, then its sentence, then the previous sentence.
ACTORS: list[tuple[re.Pattern[str], str]] = [
    (compile_folded(r"\bAmaq\b", re.I), "IS/Amaq"),
    (compile_folded(r"Counter[- ]Terrorism|\bCTS\b|\bICTF\b|Golden Division|\bISOF\b|Special Forces|commandos|"
                r"جهاز مكافحة الإرهاب|مكافحة الإرهاب|مكافحة الارهاب", re.I), "CTS/Golden Division"),
    (compile_folded(r"\b9th (?:Armou?red )?Division\b", re.I), "9th Armoured Division"),
    (compile_folded(r"\b16th (?:Infantry )?Division\b", re.I), "16th Division"),
    (compile_folded(r"\b15th (?:Infantry )?Division\b", re.I), "15th Division"),
    (compile_folded(r"\bRapid (?:Response|Intervention)\b|الرد السريع", re.I), "Federal Police (Rapid Response)"),
    (compile_folded(r"\bFederal Police\b|الشرطة الاتحادية", re.I), "Federal Police"),
    (compile_folded(r"\b(?:Iraqi|government|security|joint|pro-government) (?:forces|troops|army|soldiers)\b|"
                r"\bIraqi army\b|\bthe army\b|\btroops\b|القوات العراقية|القوات الأمنية", re.I),
     "Iraqi forces (unit not named)"),
]
IS_AGENT = compile_folded(
    r"\b(?:(?-i:IS|ISIS|ISIL)|Daesh|Islamic State|insurgents?|militants?|jihadists?|extremists?|terrorists?|fighters)\b"
    r"|داعش|التنظيم|مسلحو|مسلحي", re.I)
GOV_AGENT = compile_folded(
    r"\b(?:forces|troops|army|soldiers|units?|division|police|CTS|ICTF|commandos|brigade|regiment|officers?)\b"
    r"|القوات", re.I)

# Capitalised words that are never neighbourhood names in these reports, even when a gazetteer
# variant spells them; the campaign adds its own (its city, province, river: names.not_places).
NOT_PLACES = frozenset("islamic state is isis isil daesh amaq reuters ap afp".split())
