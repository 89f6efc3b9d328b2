"""Hostile archives (issue 18): nothing lost, nothing hangs, no traceback. Every hostile input is
generated here, small on disk (a gigabyte line compresses to a few kilobytes)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
import zlib
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mosulmap import pipeline
from mosulmap.cli import main
from mosulmap.corpus import extract_corpus
from mosulmap.dates import explicit_dates
from mosulmap.errors import InputError, MosulmapError

GOOD = "Iraqi special forces captured the Karama district of east Mosul on Friday, officers said."
GOOD2 = "Federal police stormed the Sumer neighbourhood of Mosul yesterday."
MB = 2**20


def _ids(result):
    return [c.claim_id for c in result.claims]


# -- claim ids --------------------------------------------------------------------------------------

def test_articles_with_alike_names_keep_every_claim(tmp_path):
    folder = tmp_path / "scraped"
    folder.mkdir()
    stem = "www.example-news-agency.com_2016_11_04_iraqi-forces-advance-in-east-mosul-district"
    for end in ("a", "b", "c"):
        (folder / f"{stem}-{end}.txt").write_text(f"2016-11-04\n\n{GOOD}", encoding="utf-8")
    for name in (" .txt", "..txt"):
        (folder / name).write_text(f"2016-11-04\n\n{GOOD2}", encoding="utf-8")
    result = extract_corpus([folder])
    assert len(result.claims) == 5 and len(set(_ids(result))) == 5
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "feed.jsonl").write_text(json.dumps({"text": GOOD, "published": "2016-11-04"}) + "\n")
    twice = extract_corpus([a / "feed.jsonl", b / "feed.jsonl"])
    assert len(set(_ids(twice))) == len(twice.claims) == 2


def test_a_build_keeps_every_extracted_claim_and_a_clash_is_an_error(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    stem = "x" * 70
    for end in ("1", "2", "3"):
        (folder / f"{stem}{end}.txt").write_text(f"2016-11-04\n\n{GOOD}", encoding="utf-8")
    claims = tmp_path / "mine.csv"
    claims.write_text("claim_id,date,date_precision,place_as_written,status,event,source\n"
                      "c1,2016-11-01,exact,Gogjali,contested,entered,s\n", encoding="utf-8")
    inputs = pipeline.load_inputs(claims_files=[claims], corpus=folder)
    assert len(inputs.claims.claims) == 4
    taken = inputs.claims.claims[1]
    clash = tmp_path / "clash.csv"
    clash.write_text("claim_id,date,date_precision,place_as_written,status,event,source\n"
                     f"{taken.claim_id},2016-11-02,exact,Samah,contested,entered,other\n", encoding="utf-8")
    with pytest.raises(MosulmapError, match="given twice"):
        pipeline.load_inputs(claims_files=[clash], corpus=folder)


def test_an_input_listed_twice_is_reported_not_dropped(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": GOOD, "published": "2016-11-04"}) + "\n")
    result = CliRunner().invoke(main, ["extract", str(feed), str(feed), "--quiet"])
    assert result.exit_code == 2 and "given twice" in result.output and "Traceback" not in result.output


# -- unbounded work -----------------------------------------------------------------------------------

def _brute_dates(text: str) -> list:
    from mosulmap.dates import DAY_MONTH, DOTTED, ISO, MONTH_DAY, _build

    found = []
    for pattern in (ISO, DOTTED, MONTH_DAY, DAY_MONTH):
        for m in pattern.finditer(text):
            built = _build(m, None)
            if built and not any(s <= m.start() < s + len(t) for s, _, _, t in found):
                found.append((m.start(), built[0], built[1], m.group(0)))
    return [(d, y, t) for _, d, y, t in sorted(found, key=lambda f: f[0])]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["November 3", "3 November", "2016-11-03", "03.11.2016", "Nov. 3, 2016", " and ",
                                 "on ", "Dec 29", "29 Dec 2016", "x", " "]), max_size=30))
def test_date_scan_finds_what_the_pairwise_check_found(parts):
    text = "".join(parts)
    assert explicit_dates(text) == _brute_dates(text)


def test_a_long_run_of_dates_is_read_in_linear_time():
    small = "on " + " and ".join(f"November {i % 28 + 1}" for i in range(4000))
    big = "on " + " and ".join(f"November {i % 28 + 1}" for i in range(32000))
    start = time.perf_counter()
    assert len(explicit_dates(small)) == 4000
    t_small = time.perf_counter() - start
    start = time.perf_counter()
    assert len(explicit_dates(big)) == 32000
    t_big = time.perf_counter() - start
    assert t_big < 40 * max(t_small, 0.005)  # 8x the input; quadratic would be 64x


def test_a_compressed_bomb_is_skipped_with_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(json.dumps({"text": GOOD, "published": "2016-11-04"}).encode() + b"\n")
        handle.write(b'{"text": "')
        for _ in range(256):
            handle.write(b" " * MB)  # one 256 MiB line
        handle.write(b'"}\n')
        handle.write(json.dumps({"text": GOOD2, "published": "2016-11-04"}).encode() + b"\n")
    assert bomb.stat().st_size < 2 * MB
    code = ("import json, resource, sys\nfrom mosulmap.corpus import extract_corpus\n"
            "r = extract_corpus([sys.argv[1]])\n"
            "print(json.dumps({'claims': len(r.claims), 'bad': [b.reason for b in r.bad], "
            "'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))")
    out = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["claims"] == 2 and len(report["bad"]) == 1 and "record limit" in report["bad"][0]
    assert report["rss"] < 700 * 1024  # kB: the 256 MiB line is never held


def test_oversized_rows_and_articles_are_skipped_and_the_rest_read(tmp_path):
    rows = tmp_path / "rows.csv.gz"
    with gzip.open(rows, "wt", encoding="utf-8", newline="") as handle:
        handle.write("text,published\n")
        handle.write(f'"{GOOD}",2016-11-04\n')
        handle.write('"' + "y" * (3 * MB) + '",2016-11-04\n')
        handle.write(f'"{GOOD2}",2016-11-04\n')
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "huge.txt.gz").write_bytes(gzip.compress(b"x" * (3 * MB)))
    (folder / "fine.txt").write_text(f"2016-11-04\n\n{GOOD}")
    result = extract_corpus([rows, folder])
    assert len(result.claims) == 3
    assert [b.where.rsplit("/", 1)[-1] for b in result.bad] == ["rows.csv.gz:2", "huge.txt.gz"]
    assert all("record limit" in b.reason for b in result.bad)
    assert len(extract_corpus([rows], max_record_bytes=16 * MB).claims) == 2  # the limit is a setting


def test_only_regular_files_are_read_and_links_stay_in_their_folder(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text(f"2016-11-04\n\n{GOOD2} SECRET")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(f"2016-11-04\n\n{GOOD}")
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    (folder / "leak.txt").symlink_to(outside)
    (folder / "inner.txt").symlink_to(folder / "good.txt")  # a link inside the folder is fine
    start = time.monotonic()
    result = extract_corpus([folder])
    assert time.monotonic() - start < 60
    reasons = {b.where.rsplit("/", 1)[-1]: b.reason for b in result.bad}
    assert "FIFO" in reasons["pipe.txt"]
    assert "outside the folder" in reasons["leak.txt"] and "outside the folder" in reasons["zero.txt"]
    assert not any(c.origin.endswith("leak.txt") for c in result.claims) and len(result.claims) == 2
    followed = extract_corpus([folder], follow_links=True)
    assert any(c.origin.endswith("leak.txt") for c in followed.claims)
    assert "device" in {b.where.rsplit("/", 1)[-1]: b.reason for b in followed.bad}["zero.txt"]


# -- tracebacks ---------------------------------------------------------------------------------------

def test_broken_parquet_files_are_reported_per_file(tmp_path):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    good = tmp_path / "good.parquet"
    pd.DataFrame({"text": [GOOD], "published": [pd.Timestamp("2016-11-04 09:30")]}).to_parquet(good)
    (tmp_path / "garbage.parquet").write_bytes(os.urandom(4000))
    (tmp_path / "empty.parquet").write_bytes(b"")
    (tmp_path / "truncated.parquet").write_bytes(good.read_bytes()[:-40])
    (tmp_path / "zipped.parquet.gz").write_bytes(gzip.compress(good.read_bytes()))
    twice = pa.Table.from_arrays([pa.array([GOOD]), pa.array([GOOD2])], names=["text", "text"])
    pq.write_table(twice, tmp_path / "twice.parquet")
    names = ["good", "garbage", "empty", "truncated", "zipped", "twice"]
    files = [tmp_path / (f"{n}.parquet" if n != "zipped" else "zipped.parquet.gz") for n in names]
    result = extract_corpus(files)
    assert len(result.claims) == 1 and result.claims[0].published == date(2016, 11, 4)
    assert len(result.bad) == 5
    result = CliRunner().invoke(main, ["extract", *map(str, files), "--quiet"])
    assert result.exit_code == 0 and "Traceback" not in result.output


def test_bad_deflate_and_truncated_gzip_name_the_file_and_keep_the_rest(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text(f"2016-11-04\n\n{GOOD}")
    whole = gzip.compress((f"2016-11-04\n\n{GOOD2}" * 50).encode())
    (folder / "b.txt.gz").write_bytes(whole[: len(whole) // 2])  # truncated
    corrupt = bytearray(gzip.compress(json.dumps({"text": GOOD}).encode() * 200))
    corrupt[40:60] = b"\xff" * 20
    feed = tmp_path / "feed.jsonl.gz"
    feed.write_bytes(bytes(corrupt))
    (folder / "c.txt").write_text(f"2016-11-05\n\n{GOOD2}")
    result = CliRunner().invoke(main, ["extract", str(folder), str(feed), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output
    assert "b.txt.gz" in result.output and "feed.jsonl.gz" in result.output
    assert "2 claims, 2 bad records skipped" in result.output  # a.txt and c.txt are read


def test_extract_refuses_an_output_format_it_cannot_write(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": GOOD, "published": "2016-11-04"}) + "\n")
    result = CliRunner().invoke(main, ["extract", str(feed), "-o", str(tmp_path / "out.xlsx"), "--quiet"])
    assert result.exit_code == 2 and ".parquet" in result.output and not (tmp_path / "out.xlsx").exists()


def test_a_sidecar_date_may_carry_a_time(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD)
    (folder / "a.txt.meta.json").write_text(json.dumps({"published": "2016-11-04T10:30:00Z"}))
    result = extract_corpus([folder])
    assert result.claims[0].date == date(2016, 11, 4) and not result.bad


def test_a_lone_cr_in_a_claims_csv_ends_a_line():
    from mosulmap.claim_files import load_claims

    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"cr-{os.getpid()}.csv")
    with open(path, "w", newline="") as handle:
        handle.write("claim_id,date,date_precision,place_as_written,status,event,source\n"
                     "a,2016-11-01,exact,Gogjali,contested,entered,s\rb,2016-11-02,exact,Karama,contested,entered,s\n"
                     'c,2016-11-03,exact,Samah,contested,entered,"two\rlines"\n')
    try:
        result = load_claims(path)
        assert [c.claim_id for c in result.claims] == ["a", "b", "c"] and not result.problems
        assert result.claims[2].source == "two\rlines"  # a CR inside quotes survives
    finally:
        os.unlink(path)


def test_a_huge_polygon_name_is_not_echoed_whole(tmp_path):
    name = "N" * MB
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": name}, "geometry": {
        "type": "Polygon", "coordinates": [[[43.2, 36.34], [43.21, 36.34], [43.21, 36.35], [43.2, 36.34]]]}}]}
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(fc))
    result = CliRunner().invoke(main, ["polygons", "--user", str(path), "--out", str(tmp_path / "o.geojson")])
    assert result.exit_code == 0 and len(result.output) < 5000 and "1,048,576 characters" in result.output


@pytest.mark.parametrize("option", [["--width", "0"], ["--width", "1"], ["--width", "-5"], ["--width", "6000"],
                                    ["--seconds", "0"], ["--seconds", "-1"], ["--seconds", "nan"],
                                    ["--seconds", "inf"], ["--seconds", "1e9"]])
def test_animate_checks_its_options_before_drawing(tmp_path, option):
    start = time.monotonic()
    result = CliRunner().invoke(main, ["animate", "--no-corpus", "--out", str(tmp_path), *option])
    assert result.exit_code == 2 and "error" in result.output.lower() and "Traceback" not in result.output
    assert time.monotonic() - start < 5 and not list(tmp_path.iterdir())


def test_a_full_disk_while_writing_the_geopackage_is_one_line(tmp_path, monkeypatch):
    import geopandas as gpd
    import pyogrio
    import pyogrio.errors

    def full(self, *args, **kwargs):
        raise pyogrio.errors.DataSourceError("sqlite3_exec(CREATE TABLE) failed: database or disk is full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", full)
    claims = tmp_path / "c.csv"
    claims.write_text("claim_id,date,date_precision,place_as_written,status,event,source\n"
                      "c1,2016-11-01,exact,Gogjali,contested,entered,s\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--claims", str(claims), "--no-corpus", "--no-snapshots",
                                       "--end", "2016-11-03", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "disk is full" in result.output and "Traceback" not in result.output
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None  # GDAL's setting restored


def test_a_build_leaves_gdal_timestamps_alone(evil_build):
    import pyogrio

    assert (evil_build / "control.gpkg").exists()
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None


# -- Dask -------------------------------------------------------------------------------------------

def test_dask_options_are_checked_before_anything_starts(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"text": GOOD}) + "\n")
    for workers in (0, -1):
        with pytest.raises(InputError, match="1 or more"):
            extract_corpus([feed], engine="dask", workers=workers)
        result = CliRunner().invoke(main, ["extract", str(feed), "--engine", "dask", "--workers", str(workers)])
        assert result.exit_code == 2 and "Traceback" not in result.output
    for address in ("localhost", "tcp://", "tcp://host", "http://x:1", "tcp://a b:80"):
        with pytest.raises(InputError, match="not a Dask scheduler address"):
            extract_corpus([feed], engine="dask", scheduler=address)


def test_a_scheduler_without_workers_is_an_error_not_a_hang(tmp_path):
    import shutil

    dask = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    file = tmp_path / "scheduler.json"
    proc = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                             "--scheduler-file", str(file)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        feed = tmp_path / "f.jsonl"
        feed.write_text(json.dumps({"text": GOOD}) + "\n")
        start = time.monotonic()
        with pytest.raises(InputError, match="no workers"):
            extract_corpus([feed], engine="dask", scheduler=address, worker_wait=3)
        assert time.monotonic() - start < 30
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_hostile_folder_on_one_process_and_on_dask(tmp_path, monkeypatch):
    """Every hostile file in one folder beside good articles: both engines finish, keep the good
    claims (the same ones, with the same ids), and name each bad file; a record that kills its
    worker is a bad record, not the end of the run."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for i in range(12):
        (folder / f"good{i:02d}.txt").write_text(f"2016-11-{4 + i % 20:02d}\n\n{GOOD if i % 2 else GOOD2}")
    (folder / "killer.txt").write_text(f"2016-11-04\n\n{GOOD} KILL-THE-WORKER")
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    (folder / "huge.txt.gz").write_bytes(gzip.compress(b"x" * (3 * MB)))
    whole = gzip.compress(f"2016-11-04\n\n{GOOD}".encode() * 40)
    (folder / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])
    (folder / "deflate.txt.gz").write_bytes(zlib.compress(b"not a gzip stream") + b"\x00" * 10)
    cr_only = tmp_path / "old-mac.jsonl"
    cr_only.write_bytes(b"\r".join(json.dumps({"text": t, "published": "2016-11-04"}).encode()
                                   for t in (GOOD, GOOD2, GOOD)) + b"\r")
    monkeypatch.setenv("MOSULMAP_TEST_EXIT_ON", "KILL-THE-WORKER")
    inputs = [folder, cr_only]
    distributed = extract_corpus(inputs, engine="dask", workers=2)
    monkeypatch.delenv("MOSULMAP_TEST_EXIT_ON")
    local = extract_corpus(inputs)
    assert [(c.claim_id, c.date) for c in distributed.claims] == \
        [(c.claim_id, c.date) for c in local.claims if not c.origin.endswith("killer.txt")]
    assert len(local.claims) == 13
    bad = {b.where.rsplit("/", 1)[-1]: b.reason for b in distributed.bad}
    assert {"zero.txt", "pipe.txt", "huge.txt.gz", "cut.txt.gz", "deflate.txt.gz", "killer.txt"} <= set(bad)
    assert "worker" in bad["killer.txt"]
    assert any(b.where.endswith("old-mac.jsonl:1") for b in local.bad)  # CR is no line end in JSON Lines
    assert {b.where for b in local.bad} == {b.where for b in distributed.bad} - {str(folder / "killer.txt")}


def test_parse_published_accepts_dates_and_times():
    from mosulmap.records import parse_published

    assert parse_published(datetime(2016, 11, 4, 9, 30)) == date(2016, 11, 4)
    assert parse_published("2016-11-04 09:30") == date(2016, 11, 4)
    with pytest.raises(ValueError):
        parse_published("2016-11-04junk")


def test_json_lines_read_alike_whichever_parser_takes_them(tmp_path):
    # orjson reads most lines; what it refuses or reads differently goes to json, so every record
    # reads, or fails, as the standard library alone would have it.
    from mosulmap.records import BadRecord, Record, iter_records

    lines = [json.dumps({"text": GOOD, "published": "2016-11-04"}).encode(),
             b'{"text": "Karama \xff district", "published": "2016-11-04"}',  # not UTF-8: replaced
             b'{"text": "lone \\ud800 surrogate", "url": NaN}',  # json reads both; a lone surrogate is no text
             b'{"text": "big number", "published": 123456789012345678901234567890}',
             b'{"text": "a float", "published": 2016.5}',
             b'{"text": "bad", ',
             b'[1, 2]']
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    got = list(iter_records([path]))
    assert isinstance(got[0], Record) and got[0].published == date(2016, 11, 4)
    assert got[1].text == "Karama \ufffd district"
    assert got[2].text == "lone \ufffd surrogate" and got[2].url == "nan"  # no character: replaced
    assert isinstance(got[3], BadRecord) and "'123456789012345678901234567890'" in got[3].reason
    assert isinstance(got[4], BadRecord) and "2016.5" in got[4].reason
    assert isinstance(got[5], BadRecord) and got[5].where.endswith(":6")
    assert got[6] == BadRecord(f"{path}:7", "not a JSON object")


def test_a_lone_surrogate_in_a_record_is_read_not_fatal(tmp_path):
    # "\ud800" is valid JSON but no character: it once stopped the whole run in the relevance pass.
    line = json.dumps({"text": "Karama \ud800 report\n\n" + GOOD, "published": "2016-11-05"})
    path = tmp_path / "c.jsonl"
    path.write_text(line + "\n" + json.dumps({"text": GOOD2, "published": "2016-11-05"}) + "\n", encoding="utf-8")
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(main, ["extract", str(path), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert "Karama" in written and "Sumer" in written and "\ud800" not in written
