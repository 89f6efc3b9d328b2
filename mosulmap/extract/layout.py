"""Article layout: what in a scraped page is prose to mine, and what is headline, heading or noise.

Input is the page text as stored; output is a :class:`Layout`: the dateline and headline of the
first line (``<dateline> | <headline>``, or a bare headline), the blocks of the body in order,
each prose or heading, and the count of lines dropped as noise (data dumps, photo credits,
citation lines of a blog's bibliography). Headings are not mined, but their dates matter: a
blog title "Day 44, Nov 29, 2016" says which day the post describes, and a section heading
";29 December" dates the entries under it. A one-paragraph article is prose, not a headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mosulmap.extract.timex import find_timexes
from mosulmap.normalize import compile_folded, has_arabic

NOISE = [
    compile_folded(r"^\s*string\(\d+\)"),  # PHP var_dump of related-items data
    compile_folded(r"\{\s*\"[^\"]+\"\s*:\s*\""),  # JSON records
]
CAPTION = compile_folded(r"\b(?:REUTERS|AFP|AP|Getty|EPA)\s*/|\[(?:AFP|Getty|Reuters|AP)[^\]]*\]|\(Photo:|صورة أرشيفية")
# A photo caption ends its first sentence with the full date the photo was taken ("… in Mosul, Iraq,
# January 15, 2017. / Agency", "… northern Iraq, 06 December 2016."): its claims keep their own date,
# and it is not the story's lead.
DATED_CAPTION = compile_folded(
    r"^[^.!?]{20,400}?,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+20\d\d|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+20\d\d)\.?"
    r"\s*(?:$|[/(\[]|[A-Z])")
# "Troops entered Sumer yesterday (EPA)": a line that ends in a photo agency's credit, not a full stop.
CREDITED_CAPTION = compile_folded(r"[^.!?؟:]\s*\((?:[^()]{0,25}/\s*)?[^()]{2,25}\)\s*$")
CITATION = compile_folded(r"[\"“][^\"”]{3,300}[\"”][^\"”]{0,100}\b\d{1,2}/\d{1,2}/\d{2,4}\s*$")
SENTENCE_END = compile_folded(r"(?<=[.!?؟])[\"”’']?\s+(?=[\"“‘'«(]?[A-Z\u0600-\u06FF])")
ABBREVIATIONS = compile_folded(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Gen|Lt|Col|Maj|Brig|Capt|Sgt|Mr|Mrs|Dr|St|No|U\.S|U\.N"
    r"|Staff|Adm|Gov|Sen|Rep|Prof|Jr|Sr|vs|approx)\.$"
)
DATELINE_PREFIX = compile_folded(
    r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][A-Za-z.'’-]+(?:\s+[A-Za-z][A-Za-z.'’-]+){0,2}){0,2}"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*(?:\([^)]{1,30}\))?\s*(?:[—–:]|-)\s*"
)
MAX_HEADING_WORDS = 12
NUMERIC_DATE = compile_folded(r"\b(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)[/.-](?P<year>20\d\d)\b")
_NOT_LETTERS = compile_folded(r"[\W\d_]+")  # what is left of a line without them is its letters


@dataclass(frozen=True)
class Block:
    kind: str  # "prose", "heading" or "caption" (mined, never the lead)
    text: str


@dataclass
class Layout:
    headline: str = ""
    dateline: str = ""
    blocks: list[Block] = field(default_factory=list)
    noise: int = 0
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (line, why)

    @property
    def prose(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "prose"]


def clean_text(text: str) -> tuple[list[str], int]:
    """Paragraphs of article text with scrape noise (data dumps, markup) removed."""
    paragraphs, dropped = [], 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip().lstrip("\ufeff").strip()
        if not stripped:
            continue
        if any(p.search(stripped) for p in NOISE) or (
                len(stripped) > 40 and len(_NOT_LETTERS.sub("", stripped)) < 0.5 * len(stripped)):
            dropped += 1
            continue
        paragraphs.append(stripped)
    return paragraphs, dropped


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, not breaking after "Nov." or "Lt."."""
    sentences, start = [], 0
    for m in SENTENCE_END.finditer(paragraph):
        # Look only at the few characters before the break: rescanning the growing sentence
        # made a run of "Gen. Gen. …" quadratic.
        if ABBREVIATIONS.search(paragraph, max(start, m.start() - 8), m.start()):
            continue
        sentences.append(paragraph[start: m.start()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def is_heading(paragraph: str) -> bool:
    """A short line without sentence punctuation: a title, byline, caption or section heading."""
    if paragraph.startswith(("==", ";")):
        return True
    words = paragraph.split()
    if has_arabic(paragraph) and len(words) >= 5:
        return False  # Arabic news sentences often end without a full stop
    if len(split_sentences(paragraph)) > 1 and len(words) >= 6:
        return False  # "Troops stormed Sumer yesterday. More soon": sentences, however short
    return len(words) <= MAX_HEADING_WORDS and not re.search(r"[.!?؟:\"”»]\s*$", paragraph)


def _is_prose(paragraph: str) -> bool:
    return len(paragraph.split()) > MAX_HEADING_WORDS and bool(re.search(r"[.!?؟]", paragraph))


def is_date_line(paragraph: str) -> bool:
    """A line that is a date and little else: "Sun 6 Nov 2016", "2016-11-09", "18/11/2016 14:02",
    "Friday, January 13, 2017", "15 يناير 2017" (a dateline without the place)."""
    if len(paragraph) > 60 or NUMERIC_DATE.search(paragraph) is None and not find_timexes(paragraph):
        return False
    rest = NUMERIC_DATE.sub(" ", paragraph)
    for t in find_timexes(rest):
        rest = rest.replace(t.text, " ")
    rest = re.sub(r"\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b\.?|\d{1,2}:\d\d(?::\d\d)?|\b(?:GMT|UTC|AM|PM)\b"
                  r"|[\s,.:|/()–—-]+", " ", rest, flags=re.I)
    return len(rest.split()) <= 2


def parse_layout(text: str) -> Layout:
    """Split an article into headline, dateline and body blocks.

    The page may open with ``dateline | headline`` on one line, or with a date line, a title, or
    neither, in any order: leading date lines are the dateline, a leading line too short to be a
    sentence (no sentence punctuation) is the headline, and the first sentence-like line starts
    the body. A sentence is never taken for a headline."""
    paragraphs, noise = clean_text(text)
    layout = Layout(noise=noise)
    if not paragraphs:
        return layout
    body = paragraphs
    if " | " in paragraphs[0]:
        dateline, headline = (part.strip() for part in paragraphs[0].split(" | ", 1))
        if not _is_prose(headline):
            layout.dateline, layout.headline, body = dateline, headline, paragraphs[1:]
    leading = 0
    while leading < min(3, len(body) - 1):
        line = body[leading]
        if is_date_line(line):
            if not layout.dateline:
                layout.dateline = line
            else:
                layout.blocks.append(Block("heading", line))
        elif not layout.headline and is_heading(line) and not layout.blocks:
            layout.headline = line
        else:
            break
        leading += 1
    for paragraph in body[leading:]:
        if CAPTION.search(paragraph):
            layout.dropped.append((paragraph, "photo caption or credit"))
        elif CITATION.search(paragraph):
            layout.dropped.append((paragraph, "citation line"))
        elif is_heading(paragraph):
            layout.blocks.append(Block("heading", paragraph))
        elif DATED_CAPTION.search(paragraph) or CREDITED_CAPTION.search(paragraph):
            layout.blocks.append(Block("caption", paragraph))
        else:
            layout.blocks.append(Block("prose", paragraph))
    return layout


_DATE_AFTER_DATELINE = compile_folded(
    r"^\s*(?:[0-3]?\d[/.-][01]?\d[/.-]20\d\d|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8}\.?"
    r"(?:\s+\d{4})?)\s*(?:\([^)]{1,30}\))?\s*(?:--|[—–:-])\s*")


def strip_dateline_prefix(sentence: str) -> str:
    """ "MOSUL, Iraq — Troops …" -> "Troops …" (the place and agency of a dateline are not news);
    a date after the place goes too ("ERBIL, Kurdistan Region – 18/11/2016 – Troops …")."""
    m = DATELINE_PREFIX.match(sentence)
    if m and m.end() < len(sentence) and not re.search(r"\b(?:[a-z]{3,})\b", m.group(0)):
        rest = sentence[m.end():]
        dated = _DATE_AFTER_DATELINE.match(rest)
        rest = rest[dated.end():] if dated else rest
        return re.sub(r"^-\s*", "", rest)
    return sentence
