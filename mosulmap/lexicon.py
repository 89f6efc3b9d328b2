"""Vocabulary of control language used by ``extract``: cues, blockers and actors.

Each cue is a regular expression and the (status, event) it implies. Order matters: the first
cue group that matches a clause wins, so outcomes (withdrew, captured) come before process
(entered, fighting). Blockers veto a clause: negation, plans and expectations, and geography
("a few metres separate X from Y"), because a wrong claim on the map is worse than a missing one.
"""

from __future__ import annotations

import re

from mosulmap.claims import Status


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


# (pattern, status, event), most decisive first.
CUES: list[tuple[re.Pattern[str], Status, str]] = [
    (_rx(r"\bwithdr[ae]w\b", r"\bwithdrawn\b", r"\bpulled (?:back|out)\b", r"\bretreated from\b",
         r"\b(?:IS|ISIS|ISIL|Daesh|Islamic State|militants|jihadists)\b[^.]{0,40}\b(?:retook|recaptured|regained)\b",
         r"انسحب", r"انسحاب"),
     Status.IS_CONTROL, "withdrew"),
    (_rx(r"\badmit(?:s|ted)?\b[^.]{0,80}\blos(?:t|ing|s)\b", r"\blost (?:some )?territor", r"\bhad lost\b"),
     Status.GOV_CONTROL, "admitted_loss"),
    (_rx(r"\bdeclared?\b[^.]{0,60}\b(?:liberated|freed|free of|fully (?:retaken|liberated))\b"),
     Status.GOV_CONTROL, "declared_liberated"),
    (_rx(r"\bliberat(?:ed|ing|ion of)\b", r"\bfreed\b", r"تحرير", r"حررت", r"تحرر"),
     Status.GOV_CONTROL, "liberated"),
    (_rx(r"\b(?:is|are|was|were|been|being|fully|now)\s+cleared\b", r"\bcleared\b", r"\bclearing\b", r"تطهير"),
     Status.GOV_CONTROL, "cleared"),
    (_rx(r"\bcaptur(?:ed|ing)\b", r"\btook (?:over|control)\b", r"\btaken (?:over|control)\b", r"\bseized\b",
         r"\b(?:retook|recaptured|retaken|regained)\b", r"\braised the (?:Iraqi )?flag\b",
         r"\b(?:full|complete) control (?:of|over)\b", r"\bcontrol of\b", r"السيطرة على", r"سيطرت", r"استعاد"),
     Status.GOV_CONTROL, "captured"),
    (_rx(r"\bcounter-?attack", r"هجوم مضاد"), Status.CONTESTED, "counterattack"),
    (_rx(r"\bstorm(?:ed|ing)?\b", r"اقتحم", r"اقتحام"), Status.CONTESTED, "stormed"),
    (_rx(r"\benter(?:ed|ing)?\b", r"\bbroke into\b", r"\bpushed into\b", r"\badvanced into\b", r"\bmoved into\b",
         r"دخلت", r"دخول"),
     Status.CONTESTED, "entered"),
    (_rx(r"\bfighting\b", r"\bclashes\b", r"\bbattl(?:ed|ing|es)\b", r"\bfought\b", r"اشتباكات", r"معارك"),
     Status.CONTESTED, "fighting"),
    (_rx(r"\battack(?:ed|ing)?\b", r"\bassault(?:ed)? on\b", r"\boffensive on\b"), Status.CONTESTED, "attacked"),
]

BLOCKERS: list[tuple[re.Pattern[str], str]] = [
    (_rx(r"\bnot\b", r"\bno\b", r"\bnever\b", r"n't\b", r"\bnor\b", r"\bwithout\b", r"\bfailed to\b",
         r"\bdenied\b", r"\bunable to\b", r"\bلم\b", r"\bلا\b", r"\bلن\b"),
     "negation"),
    (_rx(r"\bpreparing\b", r"\bprepare[sd]? (?:to|for)\b", r"\bexpected\b", r"\bexpects?\b", r"\bwill\b",
         r"\bwould\b", r"\bcould\b", r"\bmay\b", r"\bmight\b", r"\bplan(?:s|ned|ning)? to\b", r"\baim(?:s|ing)? to\b",
         r"\bintend", r"\bset to\b", r"\babout to\b", r"\bpoised\b", r"\bready to\b", r"\bawait",
         r"\bimportant to\b", r"\bneed(?:s|ed)? to\b", r"\bin order to\b", r"\bhopes? to\b",
         r"\bتستعد\b", r"\bمن المتوقع\b", r"\bستقوم\b"),
     "plan or expectation"),
    (_rx(r"\bseparat(?:e|es|ing)\b",
         r"\b(?:metres|meters|km|kilometres|kilometers|miles)\s+(?:from|away|of|separate)\b",
         r"\bapproach(?:ed|ing|es)?\b", r"\boutskirts\b", r"\bnear(?:by)?\b", r"\bedge of\b", r"\bborder(?:s|ing)?\b",
         r"\badjacent\b", r"\bon the road (?:to|from)\b"),
     "geography, not control"),
]

# Words around a list that mark it as a list of places.
PLACE_NOUNS = re.compile(
    r"\b(?:neighbou?rhoods?|districts?|areas?|quarters?|suburbs?|hayy?|hai|localities|أحياء|حي|منطقة)\b", re.I
)

# (pattern, actor) — the first match in a clause, then its sentence, then the previous sentence.
ACTORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bAmaq\b", re.I), "IS/Amaq"),
    (re.compile(r"Counter[- ]Terrorism Service|\bCTS\b|Golden Division|\bISOF\b|Special Forces|جهاز مكافحة الإرهاب",
                re.I), "CTS/Golden Division"),
    (re.compile(r"\b9th Armou?red Division\b", re.I), "9th Armoured Division"),
    (re.compile(r"\b16th (?:Infantry )?Division\b", re.I), "16th Division"),
    (re.compile(r"\b15th (?:Infantry )?Division\b", re.I), "15th Division"),
    (re.compile(r"\bRapid (?:Response|Intervention)\b", re.I), "Federal Police (Rapid Response)"),
    (re.compile(r"\bFederal Police\b|الشرطة الاتحادية", re.I), "Federal Police"),
    (re.compile(r"\b(?:Iraqi|government|security|joint|pro-government) (?:forces|troops|army|soldiers)\b|"
                r"\bIraqi army\b|القوات العراقية|القوات الأمنية", re.I), "Iraqi forces (unit not named)"),
]
IS_SUBJECT = re.compile(r"\b(?:IS|ISIS|ISIL|Daesh|Islamic State|insurgent group|caliphate|militants?)\b", re.I)

# Capitalised words that are never neighbourhood names in these reports, even when a
# gazetteer variant spells them (Nineveh is also the province; Mosul is the city).
NOT_PLACES = frozenset(
    """mosul iraq iraqi nineveh ninewa erbil baghdad kurdistan syria islamic state is isis isil daesh
    amaq reuters ap afp cts tigris peshmerga forests eden""".split()
)
