"""Benchmarks for mosulmap, each figure a ratio against a naive baseline measured in the same run.

Usage: ``python benchmarks/run.py [SECTION ...]`` (sections: accuracy, resolve, extract, build, scale).
Prints a table; copy the figures into ``benchmarks/RESULTS.md`` when they change.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz

from mosulmap.gazetteer import load_gazetteer
from mosulmap.normalize import normalise, phonetic, skeleton
from mosulmap.resolver import MIN_FUZZY_LENGTH, Match, MatchStatus, Resolver

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import best_of  # noqa: E402


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def resolution_workloads(seed: int = 7) -> dict[str, list[str]]:
    """Name lists like those a geoparser sends: gazetteer spellings, typos and unknown words.

    "news-like" draws 20,000 mentions with Zipf-like frequencies (a few names are everywhere,
    most are rare), as in a news corpus; "distinct" is 5,000 different names, the worst case.
    """
    rng = random.Random(seed)
    spellings = sorted({s for p in load_gazetteer() for s in p.names})
    unknown = ["Tisaee", "Zarqawi", "Sawah", "Mosul", "Baghdad", "Erbil", "Amaq", "Reuters", "Shama", "Ninewa"]
    vocabulary = spellings + [_typo(s, rng) for s in spellings] + [u + x for u in unknown for x in ("", "a", "iya")]
    rng.shuffle(vocabulary)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    news = rng.choices(vocabulary, weights=weights, k=20000)
    distinct = list(dict.fromkeys(vocabulary))
    while len(distinct) < 5000:
        candidate = _typo(_typo(rng.choice(spellings), rng), rng)
        if candidate not in distinct:
            distinct.append(candidate)
    return {"news-like, 20,000 mentions": news, "5,000 distinct names": distinct}


def _clear_caches() -> None:
    for func in (normalise, phonetic, skeleton, Resolver._keys):
        func.cache_clear()


def naive_resolve(resolver: Resolver, name: str) -> Match:
    """The same decisions as Resolver.resolve, written the first way one would: per name, no
    caching, rapidfuzz called once per gazetteer key in a Python loop."""
    _clear_caches()
    match = resolver._lookup(name)
    if match is None:
        query = resolver._keys(name)["phonetic"]
        if len(query.replace(" ", "")) < MIN_FUZZY_LENGTH:
            match = Match(name, MatchStatus.UNRESOLVED, reason="too short for fuzzy matching")
        else:
            scored = [(key, fuzz.ratio(query, key, processor=None)) for key in resolver._fuzzy_keys]
            scored.sort(key=lambda pair: (-pair[1], pair[0]))
            match = resolver._judge(name, scored[:12])
        match = resolver._mixed_script(name, match)
    return match


def bench_resolve() -> list[tuple[str, str]]:
    start = time.perf_counter()
    resolver = Resolver()
    t_index = time.perf_counter() - start
    rows = [("resolve: index build", f"{t_index * 1000:.0f} ms once per gazetteer ({len(resolver._fuzzy_keys)} keys)")]
    for label, names in resolution_workloads().items():
        _clear_caches()
        t_naive, naive = best_of(lambda names=names: [naive_resolve(resolver, n) for n in names], 1)
        _clear_caches()
        t_batch, batch = best_of(lambda names=names: resolver.resolve_many(names), 1)
        same = sum(a == b for a, b in zip(naive, batch))
        resolved = sum(m.is_resolved for m in batch)
        rows.append(
            (
                f"resolve: {label}",
                f"batch {t_batch * 1000:.0f} ms ({len(names) / t_batch:,.0f} names/s) vs per-name loop "
                f"{t_naive * 1000:.0f} ms: {t_naive / t_batch:.1f}x faster; same answers {same}/{len(names)}; "
                f"{resolved} resolved",
            )
        )
    return rows


def bench_extract(n_articles: int = 1000) -> list[tuple[str, str]]:
    from mosulmap import settings
    from mosulmap.extract import clean_text, extract_text, split_sentences

    texts = [p.read_text(encoding="utf-8") for p in sorted((settings.DATA_DIR / "corpus").glob("*.txt"))]
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

    t_ours, results = best_of(lambda: [extract_text(t, resolver, source=f"a{i}") for i, t in enumerate(articles)], 1)
    sample = articles[:100]
    t_naive, _ = best_of(lambda: naive(sample), 1)
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
    from mosulmap.maps import day_pages, render_slider, timeline_script
    from mosulmap.pipeline import load_inputs, prepare
    from mosulmap.snapshot import SnapshotRenderer

    start = time.perf_counter()
    data = prepare(load_inputs())
    t_prepare = time.perf_counter() - start
    days = data.timeline.days[:100]
    t_maps, _ = best_of(lambda: list(day_pages(data, days)), 1)
    t_slider, slider = best_of(lambda: timeline_script(data) + render_slider(data), 1)  # its data and its page
    snap = SnapshotRenderer(data)
    t_png, _ = best_of(lambda: [snap.render(d) for d in days], 1)
    snap.close()

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

    t_naive, naive = best_of(naive_slider, 1)
    import tempfile

    from mosulmap.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        t_full, _ = best_of(lambda: build(f"{tmp}/out", every_day=True), 1)
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
        ("build: PNG snapshots", f"100 snapshots {t_png:.1f} s ({t_png / 100:.2f} s each)"),
        ("build: mosulmap build --every-day", f"{t_full:.1f} s for 100 dated maps + 100 PNGs + slider + exports "
                                              f"(target: 100 maps + slider under 30 s)"),
        ("build: peak memory", f"{peak:.0f} MB resident (whole benchmark process)"),
    ]


DEV_SET = Path(__file__).resolve().parents[1].parent / "shared" / "extraction-dev"


def bench_accuracy() -> list[tuple[str, str]]:
    """Extraction accuracy on the real development articles, when ../shared/extraction-dev is present."""
    from mosulmap.evaluate import evaluate

    if not (DEV_SET / "gold.jsonl").exists():
        return [("accuracy", f"skipped: {DEV_SET} not found")]
    result = evaluate(DEV_SET / "gold.jsonl", DEV_SET / "articles", groups=("01-30", "31-70"))
    rows = [("accuracy: dated (date, place, status)", result.dated.line("all")),
            ("accuracy: undated (place, status)", result.undated.line("all"))]
    rows += [(f"accuracy: {status} (dated)", score.line(status)) for status, score in sorted(result.by_status.items())]
    rows += [(f"accuracy: {part} (dated)", score.line(part)) for part, score in result.parts.items()]
    return rows


def bench_scale(n_articles: int = 200_000, n_claims: int = 200_000) -> list[tuple[str, str]]:
    """Corpus-scale extraction and a build from 200,000 claims (synthetic inputs, benchmarks/synthetic.py)."""
    import json
    import resource
    import subprocess
    import tempfile

    from synthetic import write_claims_parquet, write_corpus_jsonl

    from mosulmap.corpus import extract_corpus

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus_jsonl(n_articles, Path(tmp) / "corpus.jsonl", share=0.01)
        t_all, full = best_of(lambda: extract_corpus([corpus], relevance=False), 1)
        t_rel, fast = best_of(lambda: extract_corpus([corpus]), 1)
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            address = cluster.scheduler_address
            extract_corpus([corpus], engine="dask", scheduler=address)  # warm the workers (imports, gazetteer)
            t_dask, dist = best_of(lambda: extract_corpus([corpus], engine="dask", scheduler=address), 1)
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        same = [c.claim_id for c in dist.claims] == [c.claim_id for c in fast.claims] == \
            [c.claim_id for c in full.claims]
        rate_all, rate_rel, rate_dask = n_articles / t_all, n_articles / t_rel, n_articles / t_dask
        rows += [
            (f"scale: {n_articles:,} articles, {fast.read - fast.irrelevant:,} about east Mosul",
             f"one process, every article {rate_all:,.0f}/s ({t_all:.0f} s); with the relevance pass "
             f"{rate_rel:,.0f}/s ({t_rel:.1f} s): {rate_rel / rate_all:.1f}x; local Dask cluster of 2 workers "
             f"{rate_dask:,.0f}/s ({t_dask:.1f} s): {rate_dask / rate_rel:.2f}x one process; same claims: {same}"),
            ("scale: peak memory per Dask worker", ", ".join(f"{v:.0f} MB" for v in peaks.values())),
            ("scale: projected 1,000,000 articles (1% relevant)",
             f"2 cores (the measured Dask rate): {1e6 / rate_dask:.0f} s; 32 cores (workers read their own byte "
             f"ranges, so the rate per worker is taken to hold): {1e6 / (rate_dask / 2 * 32):.0f} s; without the "
             f"relevance pass on 2 cores: {1e6 / rate_all / 60:.0f} min"),
        ]
        claims = write_claims_parquet(n_claims, Path(tmp) / "claims.parquet")
        script = ("import resource, sys, time; from mosulmap import pipeline; t = time.perf_counter(); "
                  f"pipeline.build('{tmp}/out', claims_files=['{claims}'], corpus=None); "
                  "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
        t_build, peak = map(float, subprocess.check_output([sys.executable, "-c", script], text=True).split())
        size = (Path(tmp) / "out" / "timeline.html").stat().st_size / 1e6
        files = sum(f.stat().st_size for f in (Path(tmp) / "out").rglob("*") if f.is_file()) / 1e6
        rows.append((f"scale: mosulmap build from {n_claims:,} claims (Parquet, with PNGs)",
                     f"{t_build:.1f} s, peak {peak:.0f} MB, timeline.html {size:.2f} MB, output {files:.0f} MB "
                     f"(targets: 60 s, 2 GB, 5 MB)"))
        json.dumps(rows)
    return rows


SECTIONS: dict[str, Callable[[], list[tuple[str, str]]]] = {
    "accuracy": bench_accuracy,
    "resolve": bench_resolve,
    "extract": bench_extract,
    "build": bench_build,
    "scale": bench_scale,
}


def main(argv: list[str]) -> None:
    chosen = argv or [s for s in SECTIONS if s != "scale"]  # scale takes minutes: ask for it by name
    for name in chosen:
        for label, text in SECTIONS[name]():
            print(f"{label}\n    {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
