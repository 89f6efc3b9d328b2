"""Benchmarks for mosulmap, each figure a ratio against a naive baseline measured in the same run.

Usage: ``python benchmarks/run.py [SECTION ...]`` (sections: resolve). Prints a table; copy the
figures into ``benchmarks/RESULTS.md`` when they change.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

from rapidfuzz import fuzz

from mosulmap.gazetteer import load_gazetteer
from mosulmap.normalize import normalise, phonetic
from mosulmap.resolver import MatchStatus, Resolver


def _timed(func: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def resolution_workload(n: int = 5000, seed: int = 7) -> list[str]:
    """Gazetteer spellings, typo'd spellings and unknown words, like names pulled from news."""
    rng = random.Random(seed)
    spellings = [s for p in load_gazetteer() for s in p.names]
    unknown = ["Tisaee", "Zarqawi", "Sawah", "Mosul", "Baghdad", "Erbil", "Amaq", "Reuters"]
    names = []
    while len(names) < n:
        kind = rng.random()
        base = rng.choice(spellings)
        if kind < 0.6:
            names.append(base)
        elif kind < 0.9:
            names.append(_typo(base, rng))
        else:
            names.append(rng.choice(unknown) + rng.choice(["", "a", "i", "ya"]))
    return names


def bench_resolve() -> list[tuple[str, str]]:
    resolver = Resolver()
    keys = [(pid, k) for k, ids in resolver._index["phonetic"].items() for pid in ids]

    def naive(names: list[str]) -> list[str | None]:
        # What one writes first: for each name, score every known variant with rapidfuzz.
        out = []
        for name in names:
            query = phonetic.__wrapped__(normalise.__wrapped__(name))
            best_pid, best = None, -1.0
            for pid, key in keys:
                score = fuzz.ratio(query, key, processor=None)
                if score > best:
                    best_pid, best = pid, score
            out.append(best_pid if best >= 85 else None)
        return out

    rows = []
    for label, names in [
        ("5,000 names, news-like repeats", resolution_workload(5000)),
        ("5,000 distinct names", list(dict.fromkeys(resolution_workload(40000)))[:5000]),
    ]:
        normalise.cache_clear()
        phonetic.cache_clear()
        t_naive, naive_ids = _timed(lambda names=names: naive(names), repeat=1)
        normalise.cache_clear()
        phonetic.cache_clear()
        t_batch, matches = _timed(lambda names=names: Resolver(resolver.gazetteer).resolve_many(names), repeat=1)
        single = [resolver.resolve(n) for n in names[:500]]
        same = single == matches[:500]
        agree = sum(
            1 for m, nid in zip(matches, naive_ids) if m.status is MatchStatus.RESOLVED and m.place_id == nid
        )
        resolved = sum(m.status is MatchStatus.RESOLVED for m in matches)
        rows.append(
            (
                f"resolve: {label}",
                f"batch {t_batch * 1000:.0f} ms ({len(names) / t_batch:,.0f} names/s, index build included) "
                f"vs naive loop {t_naive * 1000:.0f} ms: {t_naive / t_batch:.1f}x faster; "
                f"batch == one-by-one: {same}; naive picks the same place for {agree}/{resolved} resolved",
            )
        )
    return rows


SECTIONS: dict[str, Callable[[], list[tuple[str, str]]]] = {"resolve": bench_resolve}


def main(argv: list[str]) -> None:
    chosen = argv or list(SECTIONS)
    for name in chosen:
        for label, text in SECTIONS[name]():
            print(f"{label}\n    {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
