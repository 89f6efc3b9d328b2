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


def bench_extract(n_articles: int = 1000) -> list[tuple[str, str]]:
    from mosulmap import settings
    from mosulmap.extract import clean_text, extract_text, split_sentences

    texts = [p.read_text(encoding="utf-8") for p in sorted(settings.DEFAULT_CORPUS.glob("*.txt"))]
    articles = [texts[i % len(texts)] for i in range(n_articles)]
    resolver = Resolver()

    def naive(sample: list[str]) -> int:
        # A naive geoparser: every word and word pair of every sentence through the full
        # (fuzzy) resolver, one call each.
        found = 0
        for text in sample:
            for paragraph in clean_text(text)[0]:
                for sentence in split_sentences(paragraph):
                    words = sentence.split()
                    for i in range(len(words)):
                        for j in (i + 1, i + 2):
                            if j <= len(words):
                                found += resolver.resolve(" ".join(words[i:j])).is_resolved
        return found

    t_ours, results = _timed(lambda: [extract_text(t, resolver, source=f"a{i}") for i, t in enumerate(articles)], 1)
    sample = articles[:100]
    t_naive, _ = _timed(lambda: naive(sample), 1)
    t_naive *= len(articles) / len(sample)
    claims = sum(len(r.claims) for r in results)
    return [
        (
            f"extract: {n_articles} articles (the 2 corpus articles repeated)",
            f"{n_articles / t_ours:,.0f} articles/s ({t_ours:.2f} s, {claims} claims) vs naive every-n-gram fuzzy "
            f"geoparse {n_articles / t_naive:,.0f} articles/s (timed on 100, scaled): {t_naive / t_ours:.1f}x faster",
        )
    ]


def bench_build() -> list[tuple[str, str]]:
    import json
    import resource

    from mosulmap.io import geojson_dict
    from mosulmap.pipeline import load_inputs, prepare
    from mosulmap.render import render_day, render_slider
    from mosulmap.snapshot import render_snapshot

    start = time.perf_counter()
    data = prepare(load_inputs())
    t_prepare = time.perf_counter() - start
    days = data.timeline.days[:100]
    t_maps, _ = _timed(lambda: [render_day(data, d) for d in days], 1)
    t_slider, slider = _timed(lambda: render_slider(data), 1)
    t_png, _ = _timed(lambda: [render_snapshot(data, d) for d in days[:10]], 1)

    def naive_slider() -> str:
        # The naive time-slider: a full GeoJSON copy (geometry + popup text) for every day.
        frames = []
        for d in days:
            gdf = data.polygons.copy()
            states = [data.timeline.state(p, d) for p in gdf["place_id"]]
            gdf["status"] = [s.status.value for s in states]
            gdf["popup"] = [str([c.quote for c in data.timeline.history[p] if c.date <= d]) for p in gdf["place_id"]]
            gdf["time"] = d.isoformat()
            frames.append(geojson_dict(gdf[["place_id", "status", "popup", "time", "geometry"]], 5))
        return json.dumps(frames)

    t_naive, naive = _timed(naive_slider, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        (
            "build: 100 dated maps + slider (HTML)",
            f"inputs+timeline {t_prepare:.2f} s; 100 dated maps {t_maps:.2f} s ({100 / t_maps:.0f} maps/s); "
            f"slider {t_slider:.2f} s; total {t_prepare + t_maps + t_slider:.1f} s",
        ),
        (
            "build: slider HTML size",
            f"{len(slider.encode()) / 1e6:.2f} MB for {len(data.timeline.days)} days vs naive per-date GeoJSON copy "
            f"{len(naive.encode()) / 1e6:.2f} MB for 100 days ({t_naive:.2f} s): "
            f"{len(naive.encode()) / len(slider.encode()):.1f}x smaller",
        ),
        ("build: PNG snapshots", f"{t_png / 10:.2f} s per snapshot (10 timed)"),
        ("build: peak memory", f"{peak:.0f} MB resident (whole benchmark process)"),
    ]


SECTIONS: dict[str, Callable[[], list[tuple[str, str]]]] = {
    "resolve": bench_resolve,
    "extract": bench_extract,
    "build": bench_build,
}


def main(argv: list[str]) -> None:
    chosen = argv or list(SECTIONS)
    for name in chosen:
        for label, text in SECTIONS[name]():
            print(f"{label}\n    {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
