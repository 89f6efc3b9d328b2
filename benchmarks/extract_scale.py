"""Extraction throughput on a synthetic archive (1 % relevant), all in one run: a json.loads pass over
the file (the floor, best of three), every article extracted (once), and the relevance pass in
one process (best of ``ROUNDS`` runs before and as many after the cluster: an idle cluster in the
same process slows it by some 4 %) and on a local Dask cluster of 2 workers, started as ``--engine
dask`` starts its own (its start is not timed; best of ``ROUNDS``); then an archive of as many
articles that names no place (the relevance pass and the work on each record alone) against a
json.loads pass over it.
``python benchmarks/extract_scale.py [ARTICLES]`` (default 50,000, about 34 MB)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import best_of  # noqa: E402

ROUNDS = 7  # single runs on this machine vary by 10-30 %: the best of many


def main(n: int) -> None:
    from distributed import Client
    from synthetic import write_corpus_jsonl

    from mosulmap.corpus import extract_corpus
    from mosulmap.dask_engine import local_cluster

    corpus = write_corpus_jsonl(n, Path(tempfile.mkdtemp()) / "corpus.jsonl", share=0.01)
    mb = corpus.stat().st_size / 1e6
    t_json, _ = best_of(lambda: [json.loads(line) for line in corpus.open("rb")], 3)
    t_all, every = best_of(lambda: extract_corpus([corpus], relevance=False), 1)
    local = lambda: extract_corpus([corpus])  # noqa: E731
    t_before, relevant = best_of(local, ROUNDS)
    with local_cluster(2) as cluster, Client(cluster):  # the cluster `--engine dask --workers 2` starts
        dask = lambda: extract_corpus([corpus], engine="dask", scheduler=cluster.scheduler_address)  # noqa: E731
        dask()  # warm the workers
        t_dask, dist = best_of(dask, ROUNDS)
    t_rel = min(t_before, best_of(local, ROUNDS)[0])  # one process, before and after the cluster ran
    # An archive that names no place: the relevance pass and the per-record work alone, against reading.
    nothing = write_corpus_jsonl(n, corpus.with_name("nothing.jsonl"), share=0.0)
    mb_nothing = nothing.stat().st_size / 1e6
    t_nothing, none = best_of(lambda: extract_corpus([nothing]), ROUNDS)
    t_json_nothing, _ = best_of(lambda: [json.loads(line) for line in nothing.open("rb")], 3)
    same = [c.claim_id for c in dist.claims] == [c.claim_id for c in relevant.claims] == \
        [c.claim_id for c in every.claims]
    print(f"{n:,} articles, {mb:.1f} MB, {relevant.read - relevant.irrelevant} relevant: json.loads alone "
          f"{mb / t_json:.1f} MB/s; every article extracted {mb / t_all:.1f} MB/s; with the relevance pass "
          f"{mb / t_rel:.1f} MB/s; Dask, 2 workers {mb / t_dask:.1f} MB/s = {t_rel / t_dask:.2f}x one process; "
          f"same claims: {same}")
    print(f"an archive of {n:,} articles ({mb_nothing:.1f} MB) that names no place ({none.irrelevant:,} cleared): "
          f"{mb_nothing / t_nothing:.0f} MB/s in one process; json.loads alone {mb_nothing / t_json_nothing:.0f} MB/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
