"""Resolver: map any spelling of a place name to a gazetteer entry, or say honestly that it cannot.

Look-ups go from strict to loose and stop at the first level that finds anything:
exact spelling, normalised key, phonetic key, consonant skeleton (long skeletons only), then
rapidfuzz on phonetic keys with an acceptance threshold and a margin over the runner-up. A
name that fits several places is ``ambiguous``; a bare name of a numbered family (Qadisiya for
Qadisiya 1 and 2) is a ``group``; west-bank quarters and villages outside the city are
``out_of_scope``; anything else that fits nothing well is ``unresolved``, with its nearest
candidates. Batches are resolved with one vectorised ``rapidfuzz.process.cdist`` call.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from mosulmap import settings
from mosulmap.gazetteer import Gazetteer, load_gazetteer, scope_label
from mosulmap.matches import Candidate, Match, MatchStatus, Method  # re-exported: callers import them from here
from mosulmap.normalize import ARABIC_RE, consonants, family_base, has_arabic, normalise, phonetic, skeleton

FUZZY_ACCEPT = 85.0  # lowest fuzzy score accepted as a match
FUZZY_MARGIN = 8.0  # the best place must beat the runner-up place by this much
CANDIDATE_FLOOR = 60.0  # weaker candidates are not worth showing
MIN_FUZZY_LENGTH = 4  # shorter keys are matched only exactly
MIN_SKELETON_LENGTH = 4  # shorter consonant skeletons collide too often (Shama / Shaimaa)
MAX_NAME_LENGTH = 80  # longer normalised strings are not place names
LOOKUP_MEMO = 1 << 16  # names a resolver remembers the look-up of (text scanners ask for the same ones again and again)
_LEVEL_SCORES = {"exact": 100.0, "normalised": 100.0, "phonetic": 95.0, "skeleton": 90.0, "consonants": 88.0}


PLACE_WORD = re.compile(r"\b(?:neighbou?rhoods?|districts?|quarters?|areas?|hayy?|hai)\b|حي|منطقة", re.I)
BUILDING_WORD = re.compile(r"\b(?:shrine|mosque|hospital|hotel|palaces?|base|camp|factory|plant|station|bridge|school|"
                           r"college)$", re.I)


def _names_a_building(name: str, place) -> bool:
    """A variant that names a building in a neighbourhood (landmarks keep their own names)."""
    return bool(BUILDING_WORD.search(name.strip())) and "landmark" not in place.feature_type


def _load_common_words(path: str | Path) -> dict[str, str]:
    """Normalised ordinary words -> meaning, from ``gazetteer/common_words.csv`` (none if absent)."""
    path = Path(path)
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {normalise(r["word"]): r["meaning"] for r in csv.DictReader(handle) if r.get("word")}


def _exact_key(text: str) -> str:
    return " ".join(text.casefold().split())


class Resolver:
    """Resolve place-name spellings against a gazetteer.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer.
    """

    levels = ("exact", "normalised", "phonetic", "skeleton", "consonants")

    def __init__(self, gazetteer: Gazetteer | None = None, common_words: str | Path | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer()
        self._common = _load_common_words(common_words or self.gazetteer.campaign.common_words
                                          or settings.COMMON_WORDS_CSV)
        self._order = {p.place_id: i for i, p in enumerate(self.gazetteer)}
        self._index: dict[str, dict[str, set[str]]] = {lvl: defaultdict(set) for lvl in self.levels}
        self._spelling: dict[tuple[str, str, str], str] = {}
        self._groups: dict[str, dict[str, frozenset[str]]] = {lvl: {} for lvl in self.levels}
        # Numbered families (Qadisiya 1 and 2): the bare name stands for the whole family.
        families: dict[str, set[str]] = defaultdict(set)
        for place in self.gazetteer.mapped():
            for name in place.names:
                norm = normalise(name)
                if family_base(norm) != norm:
                    families[family_base(norm)].add(place.place_id)
        groups = {base: frozenset(m) for base, m in families.items() if len(m) > 1}
        # A family member's unnumbered spelling (Qadesiyya, Al-Kadasia) also names the family.
        by_skeleton = {skeleton(phonetic(base)): m for base, m in groups.items()}
        for place in self.gazetteer:
            for name in place.names:
                if _names_a_building(name, place):
                    continue  # "Nabi Younis shrine" is the shrine, not the neighbourhood around it
                norm = normalise(name)
                members = by_skeleton.get(skeleton(phonetic(norm))) if family_base(norm) == norm else None
                if members and place.place_id not in members:
                    members = None
                for level, key in self._keys(name).items():
                    if not key:
                        continue
                    self._index[level][key] |= members or {place.place_id}
                    self._spelling.setdefault((level, key, place.place_id), name)
                    if members:
                        self._groups[level][key] = members
        for base, members in groups.items():
            for level, key in self._keys(base).items():
                if key and level != "exact":
                    self._index[level][key] |= members
                    self._groups[level][key] = members
        # Fuzzy matching runs on phonetic keys; each key knows the places it names.
        self._fuzzy_keys = sorted(self._index["phonetic"])
        self._looked_up: dict[tuple[str, tuple[str, ...]], Match | None] = {}

    @staticmethod
    @lru_cache(maxsize=65536)
    def _keys(name: str) -> dict[str, str]:
        norm = normalise(name)
        phon = phonetic(norm)
        skel = skeleton(phon)
        long_skeleton = not has_arabic(skel) and len(skel.replace(" ", "")) >= MIN_SKELETON_LENGTH
        return {
            "exact": _exact_key(name),
            "normalised": norm,
            "phonetic": phon,
            "skeleton": skel if long_skeleton else "",
            # Arabic script against names the gazetteer spells only in Latin (حي السماح: Samah).
            "consonants": consonants(norm if has_arabic(norm) else phon),
        }

    # -- decisions -------------------------------------------------------------------------

    def _candidates(self, ids: Iterable[str], score: float) -> tuple[Candidate, ...]:
        order = self._order
        return tuple(
            Candidate(pid, self.gazetteer[pid].name, self.gazetteer[pid].scope, round(score, 1))
            for pid in sorted(ids, key=order.__getitem__)
        )

    def _decide(
        self, query: str, ids: frozenset[str], level: str, key: str, score: float, method: Method
    ) -> Match:
        matched = [self._spelling.get((level, key, pid)) for pid in ids]
        matched_name = next((m for m in matched if m), None)
        places = [self.gazetteer[pid] for pid in ids]
        ordered = tuple(c.place_id for c in self._candidates(ids, score))
        if len(places) == 1:
            place = places[0]
            if self.gazetteer.in_scope(place):
                return Match(query, MatchStatus.RESOLVED, ordered, score, method, matched_name)
            return Match(
                query, MatchStatus.OUT_OF_SCOPE, ordered, score, method, matched_name,
                reason=f"{place.name} is {scope_label(place.scope)}",
            )
        if self._groups[level].get(key) == ids:
            names = " and ".join(p.name for p in sorted(places, key=lambda p: ordered.index(p.place_id)))
            return Match(
                query, MatchStatus.GROUP, ordered, score, method, matched_name,
                self._candidates(ids, score), reason=f"unnumbered name of {names}",
            )
        inside = [p for p in places if self.gazetteer.in_scope(p)]
        prefer = self.gazetteer.campaign.prefer_over
        if len(inside) == 1 and all(p.scope in prefer for p in places if p is not inside[0]):
            # A name on both banks (Shuhada) means the campaign's own bank first; a village of the
            # same name outside the city keeps it ambiguous.
            return Match(query, MatchStatus.RESOLVED, (inside[0].place_id,), score, method, matched_name)
        if not inside:
            labels = sorted({scope_label(p.scope) for p in places})
            return Match(
                query, MatchStatus.OUT_OF_SCOPE, ordered, score, method, matched_name,
                self._candidates(ids, score), reason=f"{' / '.join(labels)}",
            )
        described = "; ".join(f"{p.name} ({scope_label(p.scope)})" for p in places)
        return Match(
            query, MatchStatus.AMBIGUOUS, ordered, score, method, matched_name,
            self._candidates(ids, score), reason=f"fits several places: {described}",
        )

    def lookup(self, query: str, levels: tuple[str, ...] = ("exact", "normalised", "phonetic")) -> Match | None:
        """Dictionary look-up only (no fuzzy step): a Match, or None if no key matches.

        Text scanners use this to test candidate phrases cheaply and strictly.
        """
        key = (query, levels)
        try:
            return self._looked_up[key]
        except KeyError:
            pass
        match = self._lookup(query, levels)
        found = match if match is not None and match.method is not Method.NONE else None
        if len(self._looked_up) >= LOOKUP_MEMO:
            self._looked_up.clear()  # bounded: an archive's names repeat, its odd phrases need not stay
        self._looked_up[key] = found  # a Match is frozen: sharing it is safe
        return found

    def _lookup(self, query: str, levels: tuple[str, ...] | None = None) -> Match | None:
        """Dictionary levels; ``None`` when the name needs fuzzy matching."""
        keys = self._keys(query)
        norm = keys["normalised"]
        if not norm.strip():
            return Match(query, MatchStatus.UNRESOLVED, reason="no letters to match")
        if norm in self._common and not PLACE_WORD.search(query):
            return Match(query, MatchStatus.UNRESOLVED,
                         reason=f"an ordinary word ({self._common[norm]}): a place only with حي / منطقة / 'district'")
        if len(norm) > MAX_NAME_LENGTH:
            return Match(query, MatchStatus.UNRESOLVED, reason="too long to be a place name")
        attempts = [keys]
        # MSF-style spellings glue the article on (Alquds, Almalayeen).
        if norm[:2] in ("al", "el") and len(norm) > 5 and " " not in norm:
            attempts.append(self._keys(norm[2:]))
        other_bank: Match | None = None
        for level in levels or self.levels:
            for attempt in attempts:
                key = attempt[level]
                if key and key in self._index[level]:
                    method = Method.EXACT if level == "exact" else Method.NORMALISED
                    ids = frozenset(self._index[level][key])
                    if level == "consonants" and not self._cross_script(norm, key, ids):
                        continue
                    match = self._decide(query, ids, level, key, _LEVEL_SCORES[level], method)
                    if other_bank is not None and match.status is not MatchStatus.RESOLVED:
                        return other_bank
                    if match.status is MatchStatus.OUT_OF_SCOPE and level in ("exact", "normalised") and all(
                            self.gazetteer[pid].scope in self.gazetteer.campaign.prefer_over for pid in ids):
                        # The other bank spells it so exactly; does a place of this bank match as
                        # closely ("Saha": Sihha west by its variant, Sihha east by sound)?
                        other_bank = match
                        break
                    return match
            if other_bank is not None and level == "phonetic":
                return other_bank
        return other_bank

    def _cross_script(self, norm: str, key: str, ids: frozenset[str]) -> bool:
        """Consonants alone decide only for Arabic script, for a key of two or more letters that
        names a single place (or one numbered family) that has no Arabic name of its own."""
        if not has_arabic(norm) or len(key) < 2 or not (len(ids) == 1 or self._groups["consonants"].get(key) == ids):
            return False
        # A place the gazetteer spells in Arabic is matched by its Arabic names, not by consonants
        # (الوزراء "ministers" is not الزراعي, though both reduce to z-r).
        return not any(has_arabic(n) for pid in ids for n in self.gazetteer[pid].names)

    def _fuzzy(self, queries: list[str]) -> list[Match]:
        phon = [self._keys(q)["phonetic"] for q in queries]
        out: list[Match] = [Match(q, MatchStatus.UNRESOLVED) for q in queries]
        rows = [i for i, p in enumerate(phon) if len(p.replace(" ", "")) >= MIN_FUZZY_LENGTH]
        if not rows or not self._fuzzy_keys:
            for i, q in enumerate(queries):
                out[i] = Match(q, MatchStatus.UNRESOLVED, reason="too short for fuzzy matching")
            return out
        scores = process.cdist(
            [phon[i] for i in rows], self._fuzzy_keys, scorer=fuzz.ratio, processor=None, workers=-1
        )
        top_k = min(12, scores.shape[1])
        best = np.argpartition(-scores, top_k - 1, axis=1)[:, :top_k]
        for row, i in enumerate(rows):
            order = sorted(best[row], key=lambda k: (-scores[row, k], self._fuzzy_keys[k]))
            out[i] = self._judge(queries[i], [(self._fuzzy_keys[k], float(scores[row, k])) for k in order])
        matched = set(rows)
        for i, q in enumerate(queries):
            if i not in matched:
                out[i] = Match(q, MatchStatus.UNRESOLVED, reason="too short for fuzzy matching")
        return out

    def _judge(self, query: str, ranked: list[tuple[str, float]]) -> Match:
        """Decide from fuzzy-ranked phonetic keys (best first)."""
        best_key, best = ranked[0]
        best_ids = frozenset(self._index["phonetic"][best_key])
        runner_up = next((s for k, s in ranked[1:] if not self._index["phonetic"][k] <= best_ids), 0.0)
        seen: dict[str, float] = {}
        for key, score in ranked:
            for pid in self._index["phonetic"][key]:
                seen.setdefault(pid, score)
        alternatives = tuple(
            Candidate(pid, self.gazetteer[pid].name, self.gazetteer[pid].scope, round(s, 1))
            for pid, s in seen.items()
            if s >= CANDIDATE_FLOOR
        )[:5]
        if best >= FUZZY_ACCEPT and best - runner_up >= FUZZY_MARGIN:
            match = self._decide(query, best_ids, "phonetic", best_key, round(best, 1), Method.FUZZY)
            others = tuple(c for c in alternatives if c.place_id not in best_ids)
            return replace(match, alternatives=match.alternatives or others)
        if best >= FUZZY_ACCEPT:
            return Match(
                query, MatchStatus.AMBIGUOUS, tuple(c.place_id for c in alternatives), round(best, 1),
                Method.FUZZY, None, alternatives,
                reason=f"close to several places (best {best:.0f}, runner-up {runner_up:.0f})",
            )
        reason = "no gazetteer name is close enough"
        if alternatives:
            reason += f" (nearest {alternatives[0].name}, {alternatives[0].score:.0f})"
        return Match(query, MatchStatus.UNRESOLVED, (), round(best, 1), Method.NONE, None, alternatives, reason)

    # -- public API ------------------------------------------------------------------------

    def resolve(self, name: str) -> Match:
        """Resolve one spelling; see :meth:`resolve_many`."""
        return self.resolve_many([name])[0]

    def resolve_many(self, names: Iterable[str]) -> list[Match]:
        """Resolve a batch of spellings.

        Parameters
        ----------
        names : iterable of str
            Any strings; non-strings are treated as empty.

        Returns
        -------
        list of Match
            One per input, in input order. Never raises for odd input.
        """
        names = [n if isinstance(n, str) else "" for n in names]
        results: dict[str, Match] = {}
        pending: list[str] = []
        for name in dict.fromkeys(names):
            match = self._lookup(name)
            if match is None:
                pending.append(name)
            else:
                results[name] = match
        if pending:
            for name, match in zip(pending, self._fuzzy(pending)):
                results[name] = self._mixed_script(name, match)
        return [results[n] for n in names]

    def _mixed_script(self, name: str, match: Match) -> Match:
        """A name written in both scripts resolves if each script part agrees."""
        norm = normalise(name)
        if match.is_resolved or not has_arabic(norm) or not any(c.isascii() and c.isalpha() for c in norm):
            return match
        # Split by character, not by word: "Kokjaliكوكجلي" has both scripts in one word. Each part
        # then holds one script only, so this cannot recurse further.
        arabic = "".join(c if has_arabic(c) or c == " " else " " for c in norm).strip()
        latin = ARABIC_RE.sub(" ", norm).strip()
        parts = [m for m in self.resolve_many([arabic, latin]) if m.status is not MatchStatus.UNRESOLVED]
        if parts and all(m.place_ids == parts[0].place_ids and m.status == parts[0].status for m in parts):
            first = parts[0]
            return Match(
                name, first.status, first.place_ids, first.score, first.method, first.matched_name,
                first.alternatives, reason="mixed-script name; parts agree",
            )
        return match


_DEFAULT: Resolver | None = None


def default_resolver() -> Resolver:
    """A shared resolver over the bundled gazetteer (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Resolver()
    return _DEFAULT


def resolve_place(name: str, resolver: Resolver | None = None) -> Match:
    """Resolve one place-name spelling with the bundled gazetteer (or ``resolver``)."""
    return (resolver or default_resolver()).resolve(name)
