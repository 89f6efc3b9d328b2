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

from mosulmap.claims import Status


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


_BE = r"(?:is|are|was|were|been|being|be|still|now|also|continued|continuing|kept)"
# (stems, pattern, status, event): the pattern runs only on a clause holding one of its stems
# (lower-cased substrings), which keeps the many clauses without control language cheap.
TRIGGERS: list[tuple[tuple[str, ...], re.Pattern[str], Status, str]] = [
    # IS still holds the place
    (("left to", "remain", "yet to", "still", "under", "fell to", "يزال", "تزال"),
     _rx(r"\bleft to (?:retake|recapture|liberate|clear|free)\b",
         r"\bremain(?:s|ed)? to be (?:retaken|cleared|liberated|freed)\b",
         r"\byet to be (?:retaken|cleared|liberated|freed)\b", r"\bstill (?:held|controlled) by\b",
         r"\bstill (?:under|in) (?:the )?(?:full )?(?:control of )?"
         r"(?:IS|ISIS|ISIL|Daesh|Islamic State|militant|jihadist)",
         r"\bstill holds?(?: on)?(?: onto| to)?\b",
         r"\bunder (?:the )?(?:full )?control of (?:the )?(?:IS|ISIS|ISIL|Daesh|Islamic State|militants|jihadists)\b",
         r"\bunder (?:IS|ISIS|ISIL|Daesh|militant|jihadist) control\b",
         r"\bfell to (?:the )?(?:IS|ISIS|ISIL|Daesh|Islamic State|militants|jihadists)\b",
         r"لا (?:يزال|تزال)[^.،]{0,30}(?:تحت سيطرة|يسيطر|تسيطر)"),
     Status.IS_CONTROL, "held"),
    (("forced", "withdr", "pulled", "retreat", "driven", "انسحب", "انسحاب"),
     _rx(r"\bforced (?:to withdraw |to retreat |to pull back )?(?:out of|from)\b", r"\bwithdr[ae]w(?: from)?\b",
         r"\bwithdrawn from\b", r"\bwithdrawing from\b", r"\bpulled (?:back|out)(?: of| from)?\b",
         r"\bretreated from\b", r"\bdriven (?:back )?(?:out of|from)\b", r"انسحب", r"انسحاب"),
     Status.IS_CONTROL, "withdrew"),
    (("admit", "lost"),
     _rx(r"\badmit(?:s|ted)?\b[^.]{0,80}\blos(?:t|ing|s)\b", r"\blost (?:some )?territor", r"\bhad lost\b"),
     Status.GOV_CONTROL, "admitted_loss"),
    (("declare",),
     _rx(r"\bdeclared?\b[^.,]{0,40}?\b(?:liberated|freed|free of|fully (?:retaken|liberated)|cleared)\b"),
     Status.GOV_CONTROL, "declared_liberated"),
    # an operation in progress: contested, whatever the verb's outcome would be
    (("retaking", "recapturing", "liberating", "clearing", "securing", "capturing", "trying to", "control"),
     _rx(rf"\b{_BE}\s+(?:\w+\s+)?(?:retaking|recapturing|liberating|clearing|securing|capturing|taking control of)\b",
         r"\btrying to (?:clear|secure|retake|recapture|take|liberate|storm|enter|push)\b",
         r"\bstill clearing\b", r"\bclearing (?:operations? )?in\b",
         r"\bnear(?:ly)? (?:total|full|complete) control (?:of|over)\b"),
     Status.CONTESTED, "fighting"),
    (("liberat", "freed", "free", "تحرير", "حرر", "تحرر"),
     _rx(r"\bliberat(?:ed|e|ing|ion of)\b", r"\bfreed\b", r"\bfree(?:d)? of\b", r"\bto free\b", r"\bfree the\b",
         r"تحرير", r"حررت", r"تحرر", r"حرر"),
     Status.GOV_CONTROL, "liberated"),
    (("clear", "تطهير", "طهر"),
     _rx(r"\bre-?cleared\b", r"\bcleared\b", r"\bclear(?:ed|ing)? (?:out )?of (?:IS|ISIS|ISIL|Daesh|militants)\b",
         r"تطهير", r"طهرت"),
     Status.GOV_CONTROL, "cleared"),
    (("captur", "took", "taken", "take", "seiz", "retook", "regain", "raised", "control", "wrest", "secured", "drove",
      "driven", "pushed", "fell to", "ousted", "expelled", "evicted", "routed", "سيطر", "استعاد", "رفع", "انتزع",
      "دحر", "طرد"),
     _rx(r"\bcaptur(?:ed|ing|e of)\b", r"\b(?:re)?captur(?:ed|e of)\b", r"\brecapture\b", r"\btook (?:over|control)\b",
         r"\btaken (?:over|control)\b", r"\btake (?:over|control)\b", r"\bseiz(?:ed|ing|e)\b",
         r"\b(?:retook|retaken|regained|regain)\b", r"\braised the (?:Iraqi )?flag\b",
         r"\b(?:full|complete|total) control (?:of|over)\b", r"\bin (?:full )?control of\b",
         r"\bwrest(?:ed)? control\b",
         r"\bcontrol of\b", r"\bsecured\b", r"\bdrove\b[^.,]{0,30}\bout of\b", r"\bdriven\b[^.,]{0,30}\bout of\b",
         r"\bpushed (?:IS|ISIS|ISIL|Daesh|the militants|militants)\b[^.,]{0,15}\bout of\b",
         r"\bfell to\b", r"\b(?:ousted|expelled|evicted|routed)\b[^.,]{0,30}\bfrom\b", r"دحر", r"طرد",
         r"\btook\b(?=\s+(?:the\s+)?(?:[A-Z]|(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
         r"(?:new\s+|more\s+)?(?:districts|neighbou?rhoods|areas|quarters)))",
         r"السيطرة على", r"سيطرت", r"سيطرة على", r"استعاد", r"استعادة", r"رفع(?:ت)? العلم", r"انتزع"),
     Status.GOV_CONTROL, "captured"),
    (("counter", "هجوم"),
     _rx(r"\bcounter[- ]?attack(?:ed|s|ing)?\b", r"\bcounter[- ]?offensives?\b", r"هجوم مضاد", r"هجوما مضادا"),
     Status.CONTESTED, "counterattack"),
    (("storm", "اقتحم", "اقتحام"),
     _rx(r"\bstorm(?:ed|ing)?\b", r"اقتحم", r"اقتحام"), Status.CONTESTED, "stormed"),
    (("enter", "into", "advanc", "penetrat", "breach", "assault", "foothold", "progress", "pushed back", "دخل", "دخول",
      "توغل", "تقدم"),
     _rx(r"\benter(?:ed|ing)?\b", r"\bbr(?:oke|eak|eaking) into\b", r"\bpush(?:ed|ing)? (?:deeper |further )?into\b",
         r"\badvanc(?:ed|ing|es?) (?:in|into)\b", r"\bmov(?:ed|e|ing) (?:forward )?into\b", r"\bpenetrat(?:ed|ing)\b",
         r"\bbreach(?:ed|ing)?\b", r"\bassault (?:on|into)\b", r"\b(?:gained|gain|expanding|expanded|established) "
         r"(?:a |their )?foothold\b", r"\bfoothold in\b", r"\bmade (?:a |some )?(?:significant |major )?progress in\b",
         r"\bmaking progress in\b", r"\bpushed back (?:IS|ISIS|ISIL|Daesh|the militants|militants)\b",
         r"دخلت", r"دخول", r"توغلت", r"تقدمت", r"تقدم"),
     Status.CONTESTED, "entered"),
    (("fight", "fought", "clash", "battl", "struggl", "skirmish", "resistance", "اشتباك", "معارك"),
     _rx(r"\b(?:fight(?:ing)?|battl(?:e|ing)|struggl(?:e|ing))\s+for\s+(?:the\s+)?(?:full\s+)?control\s+(?:of|over)\b",
         r"\bfighting\b", r"\bfought\b", r"\bclash(?:es|ed|ing)\b", r"\bbattl(?:ed|ing|es|e for)\b",
         r"\bskirmishes\b", r"\bgun ?battles?\b", r"\bcontinued resistance\b", r"اشتباكات", r"معارك"),
     Status.CONTESTED, "fighting"),
    (("attack", "offensive", "هجوم"),
     _rx(r"\battack(?:ed|ing)?\b", r"\battacks? on\b", r"\boffensive on\b", r"هجوم"), Status.CONTESTED, "attacked"),
]

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
RECAP_AFTER = re.compile(
    r"^(?:\s+(?!on\b|in\b|by\b|days?\b|weeks?\b|months?\b|hours?\b)\w+){0,2}?\s+(?:once|twice|thrice|(?:two|three|four|five|six|several|many|multiple|\d+)"
    r"\s+times|before(?=\s*[,.;)]|\s*$)|previously|again and again|repeatedly)\b", re.I)
RECAP_BEFORE = re.compile(r"\b(?:already|previously|once)\s+(?:been\s+)?$", re.I)

# Clauses that date the campaign itself, not an event in a neighbourhood.
BACKGROUND = re.compile(
    r"\b(?:launch(?:ed|ing)?|began|begun|beginning|start(?:ed|ing)?|restart(?:ed)?|resum(?:ed|ing)|kicked off|since)\b"
    r"|منذ|بدء|انطلاق|انطلقت|بدأت", re.I)
CAMPAIGN_NOUNS = re.compile(r"\b(?:offensive|operation|campaign|battle|phase|assault|war|push|drive)\b"
                            r"|عمليات|العملية|المرحلة|معركة|الحملة", re.I)
PHASE_SINCE = re.compile(
    r"\b(?:in the|over the|for the)\s+(?P<n>\w+)\s+days?\s+since\b[^.]{0,60}"
    r"\b(?:restart|resum|launch|began|start|renew)", re.I)
# A flashback date does not carry to the next sentence.
FLASHBACK = re.compile(r"\b(?:originally|first|previously|earlier|already|back (?:on|in)|once)\b", re.I)

# Words around a name that mark it as a place.
PLACE_NOUNS = re.compile(
    r"\b(?:neighbou?rhoods?|districts?|areas?|quarters?|suburbs?|hayy?|hai|localities|أحياء|حيي|حي|منطقة|مناطق)\b",
    re.I)
# "the four districts": a list named before.
LIST_REFERENCE = re.compile(
    r"\b(?:the|these|those|both|all)\s+(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:new\s+)?"
    r"(?:districts|neighbou?rhoods|areas|quarters)\b", re.I)
LIST_COUNT = re.compile(
    r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:new\s+|more\s+|other\s+)?"
    r"(?:districts|neighbou?rhoods|areas|quarters)\b", re.I)
LIST_NAMING = re.compile(r"\b(?:named|identified|listed|namely|were|are|include|included|including)\b", re.I)
ANAPHOR_THERE = re.compile(
    r"\bthere\b(?!\s+(?:is|are|was|were|has|have|had|will|would|could|may|might|remain|seem|appear))", re.I)

# (pattern, actor) — the first match in a clause, then its sentence, then the previous sentence.
ACTORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bAmaq\b", re.I), "IS/Amaq"),
    (re.compile(r"Counter[- ]Terrorism|\bCTS\b|\bICTF\b|Golden Division|\bISOF\b|Special Forces|commandos|"
                r"جهاز مكافحة الإرهاب|مكافحة الإرهاب|مكافحة الارهاب", re.I), "CTS/Golden Division"),
    (re.compile(r"\b9th (?:Armou?red )?Division\b", re.I), "9th Armoured Division"),
    (re.compile(r"\b16th (?:Infantry )?Division\b", re.I), "16th Division"),
    (re.compile(r"\b15th (?:Infantry )?Division\b", re.I), "15th Division"),
    (re.compile(r"\bRapid (?:Response|Intervention)\b|الرد السريع", re.I), "Federal Police (Rapid Response)"),
    (re.compile(r"\bFederal Police\b|الشرطة الاتحادية", re.I), "Federal Police"),
    (re.compile(r"\b(?:Iraqi|government|security|joint|pro-government) (?:forces|troops|army|soldiers)\b|"
                r"\bIraqi army\b|\bthe army\b|\btroops\b|القوات العراقية|القوات الأمنية", re.I),
     "Iraqi forces (unit not named)"),
]
IS_AGENT = re.compile(
    r"\b(?:IS|ISIS|ISIL|Daesh|Islamic State|insurgents?|militants?|jihadists?|extremists?|terrorists?|fighters)\b"
    r"|داعش", re.I)
GOV_AGENT = re.compile(
    r"\b(?:forces|troops|army|soldiers|units?|division|police|CTS|ICTF|commandos|brigade|regiment|officers?)\b"
    r"|القوات", re.I)

# Capitalised words that are never neighbourhood names in these reports, even when a
# gazetteer variant spells them (Nineveh is also the province; Mosul is the city).
NOT_PLACES = frozenset(
    """mosul iraq iraqi nineveh ninewa erbil baghdad kurdistan syria islamic state is isis isil daesh
    amaq reuters ap afp cts tigris peshmerga forests eden""".split()
)
