"""Evaluation: how well extraction reproduces hand-made gold claims on real articles.

Input is a gold file (JSON Lines, one object per article: ``file``, ``published``, ``claims`` with
``date``, ``place_canonical``, ``place_as_written``, ``status``, ``place_id``, optional
``whole_area``) and the folder of those articles; output is precision, recall and F1 on
(event date, place, status) and on (place, status), per status, with every false positive and
false negative and the sentence behind it. Gold places go through the gazetteer (``place_id``
alternatives ``|``, groups ``;``, ``?`` for a place the gazetteer lacked, then ``place_canonical``
and ``place_as_written``), so renaming or merging gazetteer ids does not break the gold file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from mosulmap.claims import Claim
from mosulmap.errors import InputError
from mosulmap.extract import ArticleResult, extract_file, read_metadata
from mosulmap.normalize import has_arabic
from mosulmap.resolver import Resolver

Places = frozenset[str]


@dataclass(frozen=True)
class GoldClaim:
    """One gold claim: its acceptable place sets (one per ``|`` alternative)."""

    file: str
    date: date | None
    places: tuple[Places, ...]
    status: str
    place_as_written: str
    quote: str

    def matches(self, places: Places, status: str, day: date | None, dated: bool) -> bool:
        return status == self.status and places in self.places and (not dated or day == self.date)


@dataclass(frozen=True)
class Miss:
    """A false positive (extracted, not in gold) or false negative (gold, not extracted)."""

    file: str
    date: date | None
    place: str
    status: str
    sentence: str


@dataclass
class Score:
    """Counts and rates for one way of matching."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[Miss] = field(default_factory=list)
    false_negatives: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, label: str) -> str:
        return (f"{label}: precision {self.precision:.2f}, recall {self.recall:.2f}, F1 {self.f1:.2f} "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn})")


@dataclass
class Evaluation:
    """Scores of an extraction run against gold, overall and per status."""

    dated: Score
    undated: Score
    by_status: dict[str, Score]
    articles: int
    gold_claims: int
    unmatched_gold: list[str] = field(default_factory=list)  # gold places no gazetteer entry matches
    parts: dict[str, Score] = field(default_factory=dict)  # dated scores per language and file group

    def as_dict(self) -> dict[str, object]:
        def rates(s: Score) -> dict[str, float | int]:
            return {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3),
                    "tp": s.tp, "fp": s.fp, "fn": s.fn}

        return {"articles": self.articles, "gold_claims": self.gold_claims, "dated": rates(self.dated),
                "undated": rates(self.undated), "by_status": {k: rates(v) for k, v in self.by_status.items()},
                "parts": {k: rates(v) for k, v in self.parts.items()}}

    def report(self, details: bool = True) -> str:
        lines = [f"{self.articles} articles, {self.gold_claims} gold claims (whole-area claims left out)",
                 self.dated.line("dated (date, place, status)"),
                 self.undated.line("undated (place, status)")]
        lines += [score.line(f"  {status} (dated)") for status, score in sorted(self.by_status.items())]
        lines += [score.line(f"  {part} (dated)") for part, score in self.parts.items()]
        if self.unmatched_gold:
            lines.append("gold places the gazetteer lacks: " + ", ".join(sorted(set(self.unmatched_gold))))
        if details:
            for title, misses in (("false positives", self.dated.false_positives),
                                  ("false negatives", self.dated.false_negatives)):
                lines.append(f"{title} (dated): {len(misses)}")
                lines += [f"  {m.file} {m.date} {m.status:<11} {m.place}: {m.sentence[:160]}" for m in misses]
        return "\n".join(lines)


def _gold_places(claim: dict, resolver: Resolver) -> tuple[tuple[Places, ...], bool]:
    """Acceptable place sets of a gold claim, and whether every member was found."""
    gazetteer = resolver.gazetteer
    alternatives, complete = [], True
    for alternative in str(claim.get("place_id") or "").split("|"):
        members = set()
        for member in (m.strip() for m in alternative.split(";") if m.strip()):
            pid = gazetteer.canonical_id(member.lstrip("?"))
            if pid is not None and member.startswith("?") and not gazetteer.in_scope(gazetteer[pid]):
                pid = None  # "?x": a place the annotator's gazetteer lacked; an out-of-scope x is another place
            if pid is None:
                for name in (claim.get("place_as_written", ""), str(claim.get("place_canonical", "")).split(" (")[0]):
                    match = resolver.resolve(name) if name else None
                    if match is not None and match.place_id:
                        pid = match.place_id
                        break
            if pid is None:
                complete = False
                break
            members.add(pid)
        else:
            if members:
                alternatives.append(frozenset(members))
    return tuple(dict.fromkeys(alternatives)), complete and bool(alternatives)


def load_gold(path: str | Path, resolver: Resolver) -> tuple[dict[str, dict], list[GoldClaim], list[str]]:
    """Articles (file -> gold record), gold claims with their place sets, and places not found."""
    path = Path(path)
    articles: dict[str, dict] = {}
    claims: list[GoldClaim] = []
    missing: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read gold claims: {exc}", path) from None
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            articles[record["file"]] = record
        except (ValueError, KeyError, TypeError):
            raise InputError("not a gold record (a JSON object with 'file' and 'claims')", path, number) from None
        for claim in record.get("claims", []):
            if claim.get("whole_area"):
                continue
            places, complete = _gold_places(claim, resolver)
            if not complete:
                missing.append(str(claim.get("place_canonical") or claim.get("place_as_written")))
            day = date.fromisoformat(claim["date"]) if claim.get("date") else None
            claims.append(GoldClaim(record["file"], day, places, claim["status"], claim.get("place_as_written", ""),
                                    claim.get("quote", "")))
    return articles, claims, missing


def _key(claim: Claim) -> tuple[date, Places, str]:
    return claim.date, frozenset(claim.place_ids), claim.status.value


def _names(places: Places, resolver: Resolver) -> str:
    return ";".join(sorted(resolver.gazetteer[p].name for p in places))


def score_articles(gold: list[GoldClaim], results: dict[str, ArticleResult], resolver: Resolver,
                   dated: bool) -> Score:
    """Match extracted claims to gold per article, each gold claim used once."""
    score = Score()
    for file, result in sorted(results.items()):
        wanted = [g for g in gold if g.file == file]
        if dated:
            loose = [g for g in wanted if g.date is None]  # bounded only loosely: counted undated only
            wanted = [g for g in wanted if g.date is not None]
        else:
            loose = []
            # Ignoring dates, two gold claims on one place and status are one claim.
            wanted = list({(g.places, g.status): g for g in reversed(wanted)}.values())[::-1]
        extracted: dict[tuple, Claim] = {}
        for claim in result.claims:
            key = _key(claim) if dated else (None, frozenset(claim.place_ids), claim.status.value)
            extracted.setdefault(key, claim)
        found = [False] * len(wanted)
        for (day, places, status), claim in extracted.items():
            hit = next((i for i, g in enumerate(wanted) if not found[i] and g.matches(places, status, day, dated)),
                       None)
            if hit is not None:
                found[hit] = True
                score.tp += 1
            elif not any(g.matches(places, status, day, False) for g in loose):
                score.fp += 1
                score.false_positives.append(Miss(file, day, _names(places, resolver), status, claim.quote))
        for g, ok in zip(wanted, found):
            if not ok:
                score.fn += 1
                name = _names(g.places[0], resolver) if g.places else g.place_as_written
                score.false_negatives.append(Miss(file, g.date, name, g.status, g.quote))
    return score


def language_of(path: Path, text: str) -> str:
    """The article's language: the sidecar's ``language`` (``ar``, ``en``, ``en-mt`` …), else ``ar``
    for a text in Arabic script and ``en`` for the rest."""
    language = read_metadata(path).get("language", "").strip()
    return language or ("ar" if has_arabic(text) else "en")


def in_group(file: str, spec: str) -> bool:
    """Whether an article file belongs to a group: ``FIRST-LAST`` is an inclusive range of file
    stems (``01-30``), anything else a glob on the file name (``3*.txt``)."""
    stem = Path(file).stem
    bounds = re.fullmatch(r"([^*?\[\]-]+)-([^*?\[\]-]+)", spec)
    if bounds:
        first, last = bounds.groups()
        width = max(len(first), len(last))
        return first.zfill(width) <= stem.zfill(width) <= last.zfill(width)
    return fnmatch(file, spec)


def evaluate(gold_file: str | Path, articles_dir: str | Path, resolver: Resolver | None = None,
             published: date | None = None, groups: tuple[str, ...] = ()) -> Evaluation:
    """Run extraction on every article of a gold file and score it.

    Parameters
    ----------
    gold_file : path
        JSON Lines gold claims (see the module docstring).
    articles_dir : path
        Folder holding each gold record's ``file`` (and its ``.meta.json`` sidecar, if any).
    resolver : Resolver, optional
        Defaults to one over the bundled gazetteer.
    published : date, optional
        Fallback publication date for articles with neither a dateline nor a sidecar date.
    groups : tuple of str
        File groups scored apart (see :func:`in_group`), besides the per-language scores.

    Returns
    -------
    Evaluation
    """
    resolver = resolver or Resolver()
    folder = Path(articles_dir)
    articles, gold, missing = load_gold(gold_file, resolver)
    results, languages = {}, {}
    for file in articles:
        path = folder / file
        if not path.exists():
            raise InputError("article named in the gold file not found", path)
        results[file] = extract_file(path, resolver, published=published)
        languages[file] = language_of(path, path.read_text(encoding="utf-8", errors="replace"))
    parts: dict[str, Score] = {}
    selections = [(f"language {lang}", {f for f, x in languages.items() if x == lang})
                  for lang in sorted(set(languages.values()))]
    selections += [(f"files {spec}", {f for f in results if in_group(f, spec)}) for spec in groups]
    for label, files in selections:
        parts[label] = score_articles([g for g in gold if g.file in files],
                                      {f: r for f, r in results.items() if f in files}, resolver, dated=True)
    by_status: dict[str, Score] = {}
    for status in sorted({g.status for g in gold}):
        subset = [g for g in gold if g.status == status]
        only = {f: _only(r, status) for f, r in results.items()}
        by_status[status] = score_articles(subset, only, resolver, dated=True)
    return Evaluation(
        dated=score_articles(gold, results, resolver, dated=True),
        undated=score_articles(gold, results, resolver, dated=False),
        by_status=by_status,
        articles=len(articles),
        gold_claims=len(gold),
        unmatched_gold=missing,
        parts=parts,
    )


def _only(result: ArticleResult, status: str) -> ArticleResult:
    copy = ArticleResult(result.source, result.title, result.published)
    copy.claims = [c for c in result.claims if c.status.value == status]
    return copy
