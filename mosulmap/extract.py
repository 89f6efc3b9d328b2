"""Extraction stage: dated control claims from raw news articles.

Input is article text (scrape noise and all) plus optional metadata; output is, per article, the
publication date and how it was found, the claims (one per place per claim clause, each with its
sentence as quote), the names that could not be placed, and what was skipped and why.

Precision before recall: a clause yields claims only if it has control language (``lexicon``),
no blocker (negation, plans, geography), and a place the gazetteer resolves. Each place
mention is resolved on its own, so one unknown name never spoils the rest of the article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mosulmap.claims import Claim, DatePrecision, Status
from mosulmap.dates import DateFinding, find_dateline, infer_publication, sentence_date
from mosulmap.errors import InputError
from mosulmap.lexicon import ACTORS, BLOCKERS, CUES, IS_SUBJECT, NOT_PLACES, PLACE_NOUNS
from mosulmap.normalize import has_arabic
from mosulmap.resolver import Match, MatchStatus, Resolver

# Word lengths are bounded: an unbounded run ("A-A-A-…") made the list pattern backtrack quadratically.
_LATIN_NAME = r"(?:(?:[Aa]l|[Ee]l|Hayy?|Hai)[-\s])?[A-Z][\w'’\-]{0,30}(?:\s+(?:(?:al|el)-)?[A-Z0-9][\w'’\-]{0,30}){0,3}"
_ARABIC_WORD = r"[\u0600-\u06FF][\u0600-\u06FF\u0660-\u0669]{0,30}"
_ARABIC_NAME = rf"{_ARABIC_WORD}(?:\s+{_ARABIC_WORD}){{0,5}}"
MAX_SENTENCE = 1500  # characters; longer "sentences" are data or markup, not prose
_NAME = rf"(?:{_LATIN_NAME}|{_ARABIC_NAME})"
_SEP = r"(?:\s*[,،]\s*(?:and\s+|و)?|\s+and\s+|\s+و)"
LIST = re.compile(rf"{_NAME}(?:{_SEP}{_NAME})+")
ITEM_SPLIT = re.compile(rf"{_SEP}")
CANDIDATE = re.compile(_NAME)
CLAUSE_SPLIT = re.compile(
    r",?\s+(?:while|whereas|but|as|after|before|although|though|when)\s+|;\s+", re.I
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z\u0600-\u06FF])")
ABBREVIATIONS = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Gen|Lt|Col|Maj|Brig|Capt|Sgt|Mr|Mrs|Dr|St|No|U\.S|U\.N)\.$"
)
NOISE = [
    re.compile(r"^\s*string\(\d+\)"),  # PHP var_dump of related-items data
    re.compile(r"\{\s*\"[^\"]+\"\s*:\s*\""),  # JSON records
]


@dataclass(frozen=True)
class Unplaced:
    """A name in a claim clause that the gazetteer could not turn into one east-bank place."""

    name: str
    status: str
    reason: str
    sentence: str
    candidates: tuple[str, ...] = ()


@dataclass
class ArticleResult:
    """Everything extraction learned from one article."""

    source: str
    title: str
    published: DateFinding | None
    claims: list[Claim] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (clause, reason)
    noise_lines: int = 0

    @property
    def undatable(self) -> bool:
        return self.published is None

    def summary(self) -> str:
        when = (
            f"{self.published.value} ({self.published.how})" if self.published else "UNDATABLE: no dated claims"
        )
        lines = [f"{self.source}: {when}; {len(self.claims)} claims"]
        lines += [f"  claim {c.date} {c.status.value:<11} {c.place_as_written} -> {';'.join(c.place_ids)}"
                  for c in self.claims]
        lines += [f"  unplaced {u.name!r}: {u.status} ({u.reason})" for u in self.unplaced]
        if self.noise_lines:
            lines.append(f"  {self.noise_lines} lines of scrape noise dropped")
        return "\n".join(lines)


def clean_text(text: str) -> tuple[list[str], int]:
    """Paragraphs of article text with scrape noise (data dumps, markup) removed."""
    paragraphs, dropped = [], 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        letters = sum(c.isalpha() for c in stripped)
        if any(p.search(stripped) for p in NOISE) or (len(stripped) > 40 and letters < 0.5 * len(stripped)):
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
        sentences.append(paragraph[start : m.start()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def classify(clause: str) -> tuple[tuple[Status, str] | None, str | None]:
    """((status, event) or None, blocker reason or None) for one clause."""
    cue = next(((status, event) for rx, status, event in CUES if rx.search(clause)), None)
    blocker = next((reason for rx, reason in BLOCKERS if rx.search(clause)), None)
    return cue, blocker


def find_actor(clause: str, sentence: str, previous: str, event: str) -> str:
    """The force a claim credits: from the clause, else the sentence, else the sentence before."""
    if event == "admitted_loss":
        return "IS/Amaq" if re.search(r"\bAmaq\b", sentence + " " + previous) else "IS"
    for text in (clause, sentence, previous):
        for rx, actor in ACTORS:
            if actor != "IS/Amaq" and rx.search(text):
                return actor
    if event == "withdrew" and IS_SUBJECT.search(clause):
        return "IS"
    return "unspecified"


ARABIC_PLACE_WORDS = ("حي", "منطقة")


def _looks_like_name(text: str, listed: bool = False) -> bool:
    """Latin names are capitalised. Arabic has no capitals, and many gazetteer names are also
    common words (الشرطة "the police", الجمعة "Friday", التحرير "the liberation"), so an Arabic
    name must carry حي or منطقة, or (``listed``) stand in a list that a place noun introduces."""
    if has_arabic(text):
        words = text.split()
        if words[0] in ARABIC_PLACE_WORDS:
            return len(words) > 1
        return listed and words[0].startswith("ال") and words[-1] not in ARABIC_PLACE_WORDS
    bare = re.sub(r"^(?:al|el)[-\s]", "", text)
    return bool(bare) and bare[0].isupper() and text.lower() not in NOT_PLACES


class _Scanner:
    """Finds place mentions in a clause: name lists first, then single names."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def mentions(self, clause: str, sentence: str) -> tuple[list[tuple[str, Match]], list[Unplaced]]:
        found: list[tuple[str, Match]] = []
        unplaced: list[Unplaced] = []
        taken: list[tuple[int, int]] = []
        for m in LIST.finditer(clause):
            items = [i.strip(" .,") for i in ITEM_SPLIT.split(m.group(0)) if i.strip(" .,")]
            near = clause[max(0, m.start() - 40) : m.end() + 25]
            introduced = bool(PLACE_NOUNS.search(near))
            items = [i for i in items if _looks_like_name(i, listed=introduced)]
            if len(items) < 2:
                continue
            matches = self.resolver.resolve_many(items)
            if not (introduced or any(x.status is not MatchStatus.UNRESOLVED for x in matches)):
                continue  # a list of something else ("ISIS, ISIL, IS and Daesh")
            taken.append(m.span())
            for item, match in zip(items, matches):
                self._keep(item, match, sentence, found, unplaced)
        for m in CANDIDATE.finditer(clause):
            if any(s <= m.start() < e for s, e in taken):
                continue
            self._singles(m.group(0), clause, m.start(), sentence, found, unplaced)
        return found, unplaced

    def _singles(self, phrase, clause, offset, sentence, found, unplaced) -> None:
        """Longest sub-phrases of a capitalised run that the gazetteer knows exactly."""
        words = phrase.split()
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                text = " ".join(words[i:j]).strip(" .,'’\"")
                if not _looks_like_name(text):
                    continue
                match = self.resolver.lookup(text)
                if match is not None:
                    self._keep(text, match, sentence, found, unplaced)
                    i = j - 1
                    break
            else:
                # An unknown name introduced as a place ("the Zarqawi neighbourhood") is reported.
                text = words[i].strip(" .,'’\"")
                before = clause[max(0, offset - 20) : offset]
                after = clause[offset + len(phrase) : offset + len(phrase) + 16]
                if _looks_like_name(text) and (re.search(r"\b(?:of|in)\s+$", before) and PLACE_NOUNS.search(before)
                                               or PLACE_NOUNS.match(after.strip())):
                    self._keep(text, self.resolver.resolve(text), sentence, found, unplaced)
            i += 1

    def _keep(self, item, match, sentence, found, unplaced) -> None:
        if match.is_resolved and any(self.resolver.gazetteer[p].is_whole_area for p in match.place_ids):
            # "districts of eastern Mosul" is not a claim about all of it: whole-east-bank
            # claims come only from curated files.
            unplaced.append(Unplaced(item, "whole_area", "not taken from free text", sentence))
        elif match.is_resolved:
            found.append((item, match))
        else:
            unplaced.append(
                Unplaced(item, match.status.value, match.reason, sentence,
                         tuple(c.name for c in match.alternatives[:3]))
            )


def _confidence(match: Match, when: DateFinding, inherited: bool) -> str:
    if match.status is MatchStatus.GROUP or match.method.value == "fuzzy":
        return "low"
    if inherited or when.precision is not DatePrecision.EXACT:
        return "medium"
    return "high"


def extract_text(
    text: str,
    resolver: Resolver,
    source: str = "<text>",
    published: date | None = None,
    publisher: str = "",
    title: str | None = None,
    id_prefix: str | None = None,
) -> ArticleResult:
    """Extract claims from one article's text.

    Parameters
    ----------
    text : str
        The article as scraped; the first line is taken as its title unless ``title`` is given.
    resolver : Resolver
    source : str
        File name or URL, recorded in each claim's ``source``.
    published : date, optional
        Publication date from metadata; used when the text has no dateline.
    publisher, title : str, optional
        Recorded in each claim's ``source``.
    id_prefix : str, optional
        Claim ids are ``<id_prefix>-001`` …; defaults to a slug of ``source``.

    Returns
    -------
    ArticleResult
    """
    paragraphs, dropped = clean_text(text)
    # The first line is the headline: kept for the record, not mined (title case defeats the
    # capitalisation cue, and the body repeats what the headline says).
    headline, body = (paragraphs[0], paragraphs[1:]) if paragraphs else ("", [])
    title = title or headline
    finding = find_dateline("\n".join(paragraphs))
    if finding is None and published is not None:
        finding = DateFinding(published, DatePrecision.EXACT, "publication date from metadata")
    if finding is None:
        finding = infer_publication("\n".join(body))
    if finding is not None and finding.text:
        # The dateline dates the report, not the events of the sentence it opens.
        body = [p.replace(finding.text, "", 1).lstrip(" -–—:") if finding.text in p else p for p in body]
        body = [p for p in body if p]
    result = ArticleResult(source=source, title=title, published=finding, noise_lines=dropped)
    if finding is None:
        return result
    label = ", ".join(p for p in (publisher, f'"{title}"' if title else "", source) if p)
    scanner = _Scanner(resolver)
    recent: list[DateFinding | None] = []
    previous = ""
    sentences = [s for p in body for s in split_sentences(p)]
    for sentence in sentences:
        if len(sentence) > MAX_SENTENCE:
            result.skipped.append((sentence[:80] + "…", f"longer than {MAX_SENTENCE} characters: not prose"))
            continue
        own = sentence_date(sentence, finding.value)
        recent = (recent + [own])[-3:]
        inherited = next((d for d in reversed(recent[:-1]) if d), None) if own is None else None
        when = own or inherited or DateFinding(finding.value, DatePrecision.INFERRED, "report date")
        for clause in CLAUSE_SPLIT.split(sentence):
            cue, blocker = classify(clause)
            if cue is None:
                continue
            if blocker:
                result.skipped.append((clause, blocker))
                continue
            mentions, unplaced = scanner.mentions(clause, sentence)
            result.unplaced += [u for u in dict.fromkeys(unplaced) if u not in result.unplaced]
            mentions = list({m.place_ids: (w, m) for w, m in reversed(mentions)}.values())[::-1]  # one per place
            status, event = cue
            actor = find_actor(clause, sentence, previous, event)
            for written, match in mentions:
                gaz = resolver.gazetteer
                note = f"date: {when.how}" + (" (from a nearby sentence)" if inherited and when is inherited else "")
                if re.search(r"\bAmaq\b", sentence) and event != "admitted_loss":
                    note += "; reported by IS/Amaq"
                result.claims.append(
                    Claim(
                        claim_id=f"{id_prefix or _slug(source)}-{len(result.claims) + 1:03d}",
                        date=when.value,
                        date_precision=when.precision,
                        place_as_written=written,
                        status=status,
                        event=event,
                        source=label,
                        actor=actor,
                        place_canonical=gaz[match.place_ids[0]].name if match.place_id else "",
                        place_ids=match.place_ids,
                        resolution=match.status.value,
                        published=finding.value,
                        quote=_trim_quote(sentence),
                        note=note,
                        confidence=_confidence(match, when, inherited is not None and when is inherited),
                        origin=source,
                    )
                )
        previous = sentence
    return result


def _trim_quote(sentence: str) -> str:
    """The sentence without a quotation mark left dangling by sentence splitting."""
    if sentence.count('"') % 2:
        sentence = sentence.strip('" ')
    if sentence.count("“") != sentence.count("”"):
        sentence = sentence.strip("“” ")
    return sentence


def _slug(source: str) -> str:
    stem = Path(source).stem if source else "text"
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "text"


def read_metadata(path: Path) -> dict[str, str]:
    """Sidecar metadata ``<article>.meta.json`` (published, publisher, title, url), if present."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        sidecar = path.with_suffix(".meta.json")
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable metadata: {exc}", sidecar) from None
    if not isinstance(data, dict):
        raise InputError("metadata must be a JSON object", sidecar)
    return {k: str(v) for k, v in data.items() if v is not None}


def extract_file(path: str | Path, resolver: Resolver, published: date | None = None) -> ArticleResult:
    """Extract claims from one article file (UTF-8 text), using its sidecar metadata if any."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read article: {exc.strerror}", path) from None
    text = raw.decode("utf-8-sig", errors="replace")
    meta = read_metadata(path)
    if published is None and meta.get("published"):
        try:
            published = date.fromisoformat(meta["published"])
        except ValueError:
            raise InputError("not an ISO date", path.with_name(path.name + ".meta.json"), None,
                             "published", meta["published"]) from None
    source = meta.get("url") or path.name
    return extract_text(text, resolver, source=source, published=published,
                        publisher=meta.get("publisher", ""), title=meta.get("title"), id_prefix=_slug(path.name))


def extract_files(paths: Iterable[str | Path], resolver: Resolver | None = None,
                  published: date | None = None) -> list[ArticleResult]:
    """Extract claims from several article files; see :func:`extract_file`."""
    resolver = resolver or Resolver()
    return [extract_file(p, resolver, published) for p in paths]
