"""Corpus-scale extraction: every input format, bad records, the relevance pass, and a real Dask
cluster (a scheduler and two workers started here on 127.0.0.1) giving the claims of one process.

The articles are generated from sentences written for these tests, mixed with unrelated text.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from mosulmap import settings
from mosulmap.claim_files import read_claims, write_claims
from mosulmap.corpus import extract_corpus
from mosulmap.relevance import Relevance, relevance_words

PLACES = ["Karama", "Zuhur", "Samah", "Quds", "Intisar", "Sumer", "Masarif", "Bakr", "Wahda", "Tahrir"]
RELEVANT = [
    "Iraqi special forces captured the {p} district of east Mosul on {wd}, officers said.",
    "Fighting went on in {p} while the army entered {q}.",
    "The Federal Police stormed {p} yesterday after days of shelling.",
    "Troops freed the {p} neighbourhood and pushed into {q} on the same day.",
]
UNRELATED = [
    "The city council of Lisbon approved a new tram line on {wd}.",
    "Wheat prices rose for a third week as dry weather hit the plains.",
    "A museum in Oslo reopened after two years of repairs.",
    "The national team won its qualifier two goals to one.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def generate(n: int, share: float = 0.3, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        published = date(2016, 11, 1) + timedelta(days=rng.randrange(60))
        wd = rng.choice(WEEKDAYS)
        if rng.random() < share:
            body = " ".join(rng.choice(RELEVANT).format(p=rng.choice(PLACES), q=rng.choice(PLACES), wd=wd)
                            for _ in range(rng.randint(1, 3)))
        else:
            body = " ".join(rng.choice(UNRELATED).format(wd=wd) for _ in range(rng.randint(1, 3)))
        rows.append({"text": f"{published.isoformat()} | Report {i}\n\n{body}", "published": published.isoformat(),
                     "url": f"https://example.org/{i}", "publisher": "Example Wire", "title": f"Report {i}"})
    return rows


def _jsonl(path: Path, rows: list[dict], gz: bool = False) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if gz:
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _keys(claims) -> list[tuple]:
    return [(c.claim_id, c.date, c.place_ids, c.status.value) for c in claims]


def test_every_input_format_gives_the_same_claims(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = generate(120)
    _jsonl(tmp_path / "a.jsonl", rows)
    _jsonl(tmp_path / "b.jsonl.gz", rows, gz=True)
    with (tmp_path / "c.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "d.parquet")
    folder = tmp_path / "txt"
    folder.mkdir()
    for i, r in enumerate(rows):
        (folder / f"a#{i + 1}.txt").write_text(r["text"], encoding="utf-8")
        (folder / f"a#{i + 1}.txt.meta.json").write_text(json.dumps({"published": r["published"], "url": r["url"]}))
    results = {name: extract_corpus([tmp_path / name]) for name in ("a.jsonl", "b.jsonl.gz", "c.csv", "d.parquet")}
    base = [(c.date, c.place_ids, c.status.value, c.source) for c in results["a.jsonl"].claims]
    assert len(base) > 30
    for name, result in results.items():
        assert [(c.date, c.place_ids, c.status.value, c.source) for c in result.claims] == base, name
        assert result.read == 120 and not result.bad
    from_txt = extract_corpus([folder])
    assert sorted((c.date, c.place_ids, c.status.value) for c in from_txt.claims) == sorted(b[:3] for b in base)


def test_bad_records_are_reported_with_file_and_number_and_never_stop_the_run(tmp_path):
    rows = generate(5)
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps(rows[0]), "{not json", json.dumps({"url": "no text here"}), json.dumps(rows[1]), "[1, 2]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = extract_corpus([path])
    assert result.read == 2
    assert [b.where for b in result.bad] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    from mosulmap.errors import InputError

    with pytest.raises(InputError, match="corpus.jsonl:2"):
        extract_corpus([path], strict=True)
    truncated = tmp_path / "cut.jsonl.gz"
    truncated.write_bytes(gzip.compress(b"\n".join(json.dumps(r).encode() for r in rows))[:-20])
    result = extract_corpus([truncated])
    assert result.bad and "cannot read" in result.bad[-1].reason


def _whole_word_matcher(gazetteer):
    """The relevance pass as it was first written (an Aho–Corasick automaton, Python's Unicode word
    boundaries): the RE2 pass must let through every text this one lets through."""
    import re

    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in relevance_words(gazetteer):
        automaton.add_word(word, word)
    automaton.make_automaton()

    def relevant(text: str) -> bool:
        lowered = text.lower()
        for end, word in automaton.iter(lowered):
            start = end - len(word) + 1
            before = lowered[start - 1] if start > 0 else " "
            after = lowered[end + 1] if end + 1 < len(lowered) else " "
            if word[0] > "\u05ff" or (not re.match(r"\w", before) and not re.match(r"\w", after)):
                return True
        return False

    return relevant


def test_the_relevance_pass_lets_through_every_text_that_names_a_place(gazetteer):
    relevant, reference = Relevance(gazetteer), _whole_word_matcher(gazetteer)
    texts = [r["text"] for r in generate(400, share=0.3)]
    texts += [p.read_text(encoding="utf-8") for p in sorted((settings.DATA_DIR / "corpus").glob("*.txt"))]
    # names at the edges of punctuation, quotes, dashes, other scripts and case; and near misses
    texts += ["“Karama” was retaken.", "AL-KARAMA fell", "al–Karama, (Gogjali)", "Kokjali's edge", "Ökarama",
              "والزهراء", "في حي الزهور.", "in_karama_", "karama2", "Amnesty", "samahwise", "1ST Quds",
              "Kar", "ama fell", "Karama", "s", "", "a lone \ud800 beside Karama"]  # a batch's neighbours
    for text in texts:
        if reference(text):
            assert relevant(text), text[:80]
    assert sum(map(relevant, texts)) >= sum(map(reference, texts)) > 100
    # One scan of a whole batch finds what a scan of each text alone finds: no match spans two texts.
    assert relevant.many(texts) == [relevant(t) for t in texts]
    assert relevant.many(texts[-6:]) == [False, False, True, False, False, True]


def test_the_relevance_pass_scans_long_batches_in_bounded_pieces(gazetteer, monkeypatch):
    from mosulmap import relevance

    relevant = Relevance(gazetteer)
    texts = [r["text"] for r in generate(300, share=0.3)] + ["Karama", "", "x" * 5000]
    whole = relevant.many(texts)
    monkeypatch.setattr(relevance, "SCAN_BYTES", 2_000)  # many pieces: the same answers
    assert relevant.many(texts) == whole and sum(whole) > 50


def test_the_relevance_pass_drops_only_articles_that_never_mention_the_place(tmp_path, gazetteer):
    relevant = Relevance(gazetteer)
    assert relevant("Troops entered the Karama district.") and relevant("قوات في حي الزهور")
    assert relevant("Fighting in eastern Mosul continued.")
    assert not relevant("Amnesty International published a report on Lisbon's trams.")  # "Amn" is a whole word
    rows = generate(300, share=0.2)
    path = _jsonl(tmp_path / "c.jsonl", rows)
    fast = extract_corpus([path])
    full = extract_corpus([path], relevance=False)
    assert fast.irrelevant > 150 and full.irrelevant == 0
    assert _keys(fast.claims) == _keys(full.claims)  # nothing relevant is lost


def test_claims_round_trip_through_parquet(tmp_path):
    result = extract_corpus([_jsonl(tmp_path / "c.jsonl", generate(80))])
    path = write_claims(result.claims, tmp_path / "claims.parquet")
    back = read_claims(path)
    assert not back.problems and [c.to_row() for c in back.claims] == [c.to_row() for c in result.claims]


@pytest.fixture()
def dask_cluster(tmp_path):
    """A real scheduler and two worker processes on 127.0.0.1, stopped afterwards."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    assert dask, "the dask command comes with the distributed package"
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(scheduler_file)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert scheduler_file.exists(), "the scheduler did not start within 60 s"
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                           "--no-dashboard", "--host", "127.0.0.1"], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_a_dask_cluster_gives_the_claims_of_one_process(tmp_path, dask_cluster, monkeypatch):
    from mosulmap import dask_engine

    monkeypatch.setattr(dask_engine, "CHUNK_BYTES", 60_000)  # many byte ranges, read by the workers
    monkeypatch.setattr(dask_engine, "CHUNK_FILES", 7)
    rows = generate(3000, share=0.25, seed=11)
    corpus = _jsonl(tmp_path / "corpus.jsonl", rows)
    with corpus.open("a", encoding="utf-8") as handle:
        # a line that is no JSON, and one that names no place with a bad date: both reported on both engines
        handle.write("{broken\n" + json.dumps({"text": "Wheat prices rose.", "published": "soon"}) + "\n"
                     + json.dumps(rows[0]) + "\n")
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, r in enumerate(rows[:40]):
        (folder / f"n{i:03d}.txt").write_text(r["text"], encoding="utf-8")
    local = extract_corpus([corpus, folder])
    distributed = extract_corpus([corpus, folder], engine="dask", scheduler=dask_cluster)
    assert len(local.claims) > 500
    assert _keys(distributed.claims) == _keys(local.claims)  # same claims, same ids, same order
    assert (distributed.read, distributed.irrelevant) == (local.read, local.irrelevant)
    assert [b.where for b in distributed.bad] == [b.where for b in local.bad] == [f"{corpus}:3001", f"{corpus}:3002"]


def test_a_json_lines_file_is_cut_into_even_ranges_for_every_worker(tmp_path, monkeypatch):
    from mosulmap import dask_engine

    monkeypatch.setattr(dask_engine, "CHUNK_BYTES", 50_000)
    corpus = _jsonl(tmp_path / "corpus.jsonl", generate(900, share=0.1, seed=3))
    size = corpus.stat().st_size
    lines = corpus.read_bytes().split(b"\n")
    for threads in (1, 2, 3, 4):
        tasks = list(dask_engine._tasks([corpus], threads))
        if size > 50_000 * threads:
            assert len(tasks) % threads == 0  # no worker is left alone with the last range
        # the ranges cover the file end to end, each starts at a line and knows its line number
        assert tasks[0][3] == 0 and tasks[-1][4] == size
        assert all(a[4] == b[3] for a, b in zip(tasks, tasks[1:]))
        for task in tasks:
            number = task[5]
            assert corpus.read_bytes()[task[3]:].split(b"\n", 1)[0] == lines[number - 1]
        widths = [t[4] - t[3] for t in tasks[:-1]]
        assert max(widths) - min(widths) < 2_000  # about equal (a range ends at the next line end)


def test_a_build_reads_the_parquet_claims_of_a_corpus_run(tmp_path):
    from click.testing import CliRunner

    from mosulmap.cli import main

    corpus = _jsonl(tmp_path / "c.jsonl.gz", generate(200, share=0.5), gz=True)
    out = tmp_path / "claims.parquet"
    result = CliRunner().invoke(main, ["extract", str(corpus), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    report = [json.loads(line) for line in (tmp_path / "claims.parquet.report.jsonl").read_text().splitlines()]
    assert report[-1]["read"] == 200 and report[-1]["claims"] > 50
    built = CliRunner().invoke(main, ["build", "--claims", str(out), "--no-corpus", "--no-snapshots",
                                      "--out", str(tmp_path / "site")])
    assert built.exit_code == 0, built.output
    assert f"claims loaded: {report[-1]['claims']}" in built.output
    assert (tmp_path / "site" / "claims").is_dir()  # every place's full claim list, loaded on demand


def test_relative_paths_reach_the_workers_of_an_existing_cluster(tmp_path, dask_cluster, monkeypatch):
    """The workers run in another folder: tasks carry absolute paths, records keep the path as given."""
    rows = generate(60, share=0.5, seed=5)
    _jsonl(tmp_path / "rel.jsonl", rows)
    folder = tmp_path / "arts"
    folder.mkdir()
    for i, r in enumerate(rows[:5]):
        (folder / f"a{i}.txt").write_text(r["text"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    local = extract_corpus(["rel.jsonl", "arts"])
    distributed = extract_corpus(["rel.jsonl", "arts"], engine="dask", scheduler=dask_cluster)
    assert len(local.claims) > 10 and not distributed.bad
    assert _keys(distributed.claims) == _keys(local.claims)  # same ids: the keys are the paths as given
    assert [r.source for r in distributed.results] == [r.source for r in local.results]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_streamed_claims_are_the_claims_of_a_run_held_in_memory(tmp_path, monkeypatch, suffix):
    from click.testing import CliRunner

    from mosulmap import stream
    from mosulmap.cli import main
    from mosulmap.corpus import write_report

    monkeypatch.setattr(stream, "FLUSH", 50)  # many row groups / appends
    corpus = _jsonl(tmp_path / "c.jsonl", generate(600, share=0.4, seed=5) + [{"no_text": 1}])
    held = extract_corpus([corpus])
    out = tmp_path / f"claims{suffix}"
    result = CliRunner().invoke(main, ["extract", str(corpus), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(held.claims) > 200
    back = read_claims(out)
    assert not back.problems and [c.to_row() for c in back.claims] == [c.to_row() for c in held.claims]
    expected = write_report(held, tmp_path / "held.report.jsonl").read_text(encoding="utf-8")
    assert Path(f"{out}.report.jsonl").read_text(encoding="utf-8") == expected  # bad record and totals too
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["c.jsonl", out.name, f"{out.name}.report.jsonl",
                                                                 "held.report.jsonl"])  # no temporary left


def test_a_streamed_run_that_fails_leaves_the_previous_claims_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mosulmap import stream
    from mosulmap.cli import main

    monkeypatch.setattr(stream, "FLUSH", 10)
    corpus = _jsonl(tmp_path / "c.jsonl", generate(300, share=0.5, seed=8))
    out = tmp_path / "claims.parquet"
    out.write_bytes(b"the previous run's file")
    # the same input twice gives every claim id twice: an error found halfway, after writes began
    result = CliRunner().invoke(main, ["extract", str(corpus), str(corpus), "-o", str(out), "--quiet"])
    assert result.exit_code != 0 and "is given twice" in result.output
    assert out.read_bytes() == b"the previous run's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "claims.parquet"]
