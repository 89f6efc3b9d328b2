"""What makes large inputs fast must not change what a build says: the column-wise claims
validator agrees with the row-by-row one, the vectorised evidence rules agree with the per-claim
ones, claims are written once as Parquet and once as CSV with the same content, control runs
split only where the map changes, and a synthetic campaign goes through the campaign mechanism."""

from __future__ import annotations

import csv
import io
import random
import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mosulmap import pipeline
from mosulmap.campaign import load_campaign, using
from mosulmap.claim_files import _rows, load_claims, read_claims
from mosulmap.claims import COLUMNS, InputError, claim_from_row
from mosulmap.evidence import basis_of, claimant_class, classify

ROOT = Path(__file__).resolve().parents[1]

# One kind of bad value per column that a rule checks; each row breaks one rule (or none).
BREAKS = [
    ("status", "held_by_is"), ("event", "captured it"), ("event", "withdrew"), ("date", "2016-02-30"),
    ("date", "20161104"), ("date", "2031-01-01"), ("published", "2016-11-01"), ("published", "yesterday"),
    ("date_precision", "roughly"), ("confidence", "certain"), ("basis", "rumour"), ("claim_id", ""),
    ("source", "   "), ("place_as_written", ""), ("claim_id", "dup"),
]


def _mixed_rows(n: int, seed: int = 3) -> list[dict]:
    """Valid claims with every kind of bad row among them, and padding spaces and empty values."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = {c: "" for c in COLUMNS} | {
            "claim_id": f"m{i}", "date": f"2016-11-{1 + i % 28:02d}", "date_precision": "exact",
            "place_as_written": rng.choice(["Karama", "Zuhur", " Gogjali ", "Nowhere Town"]), "status": "contested",
            "event": "fighting", "source": rng.choice(["Reuters", "AFP", "=HYPERLINK(1)"]), "published": "2016-12-01",
            "quote": rng.choice(["", "  spaced  ", "Troops entered.", "+2"]), "confidence": rng.choice(["", "low"])}
        if rng.random() < 0.3:
            column, value = rng.choice(BREAKS)
            row[column] = value
        rows.append(row)
    return rows


def _one_by_one(path: Path) -> tuple[list[dict], list[str]]:
    """The reference: every row through ``claim_from_row`` in order, duplicates checked as it goes."""
    claims, problems, seen = [], [], {}
    text = path.read_text(encoding="utf-8")
    for line, row in _rows(path, text):
        try:
            if isinstance(row, InputError):
                raise row
            claim = claim_from_row(row, path, line)
            if claim.claim_id in seen:
                raise InputError(f"duplicate claim_id (first on line {seen[claim.claim_id]})", path, line,
                                 "claim_id", claim.claim_id)
            seen[claim.claim_id] = line
            claims.append(claim.to_row() | {"origin": claim.origin})
        except InputError as exc:
            problems.append(exc.describe())
    return claims, problems


def test_column_wise_validation_agrees_with_row_by_row(tmp_path):
    rows = _mixed_rows(3000)
    path = tmp_path / "mixed.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with using(load_campaign(None)):
        expected_claims, expected_problems = _one_by_one(path)
        got = read_claims(path)
    assert 100 < len(expected_problems) < 2000  # the file really mixes good and bad rows
    assert [c.to_row() | {"origin": c.origin} for c in got.claims] == expected_claims
    assert [p.describe() for p in got.problems] == expected_problems


def test_parquet_claims_validate_like_the_same_rows_in_csv(tmp_path):
    rows = _mixed_rows(2000, seed=9)
    csv_path, parquet_path = tmp_path / "c.csv", tmp_path / "c.parquet"
    pd.DataFrame(rows, columns=COLUMNS).to_csv(csv_path, index=False)
    pq.write_table(pa.Table.from_pylist(rows), parquet_path)
    with using(load_campaign(None)):
        from_csv, from_parquet = read_claims(csv_path), read_claims(parquet_path)
    # the record number stands for the line in Parquet: one less than the CSV line (the header)
    assert [c.to_row() for c in from_parquet.claims] == [c.to_row() for c in from_csv.claims]
    def record(message: str) -> str:  # "first on line N" names the CSV line: one more than the record
        return re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) - 1}", message)

    assert [(p.message, p.line) for p in from_parquet.problems] == [(record(p.message), p.line - 1)
                                                                    for p in from_csv.problems]


def test_parquet_with_numbers_and_nulls_reads_like_text(tmp_path):
    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"claim_id": [1, 2], "date": ["2016-11-04", None], "date_precision": ["exact"] * 2,
                             "place_as_written": ["Karama", "Zuhur"], "status": ["contested"] * 2,
                             "event": ["fighting"] * 2, "source": ["AFP", "AFP"], "quote": [None, "x"]}), path)
    with using(load_campaign(None)):
        got = read_claims(path)
    assert [c.claim_id for c in got.claims] == ["1"] and got.claims[0].quote == ""
    assert [(p.line, p.column) for p in got.problems] == [(2, "date")]


def test_vectorised_evidence_rules_agree_with_the_per_claim_rules():
    for campaign in ("east-mosul", "west-mosul"):
        claims = pipeline.load_inputs(campaign=campaign, corpus=None).claims.claims
        kinds = classify(claims)
        assert len(kinds) == len({c.claim_id for c in claims}) > 300
        assert all(kinds[c.claim_id] == (claimant_class(c), basis_of(c)) for c in claims), campaign
        assert {k for k, _ in kinds.values()} >= {"official", "press"}


@pytest.fixture(scope="module")
def east(tmp_path_factory):
    out = tmp_path_factory.mktemp("east") / "out"
    pipeline.build(out, snapshots=False)
    return out


def test_claims_are_written_once_raw_in_parquet_and_once_safe_in_csv(east):
    raw = pd.read_parquet(east / "claims.parquet")
    assert list(raw.columns) == list(COLUMNS) and len(raw) > 300
    assert not (east / "claims.jsonl").exists()
    from_csv = load_claims(east / "claims.csv").claims
    from_parquet = load_claims(east / "claims.parquet").claims
    assert [c.to_row() for c in from_csv] == [c.to_row() for c in from_parquet]
    with (east / "claims.csv").open(encoding="utf-8") as handle:
        cells = [v for row in csv.reader(handle) for v in row]
    assert not any(v[:1] in ("=", "+", "-", "@") for v in cells)  # formulas neutralised in the CSV only


def test_control_runs_split_only_where_the_map_changes(east):
    import json

    features = json.loads((east / "control.geojson").read_text(encoding="utf-8"))["features"]
    by_place: dict[str, list[dict]] = {}
    for f in features:
        by_place.setdefault(f["properties"]["place_id"], []).append(f["properties"])
    data = pipeline.prepare(pipeline.load_inputs(corpus=None))
    tl = data.timeline
    for pid, runs in by_place.items():
        runs.sort(key=lambda r: r["valid_from"])
        for a, b in zip(runs, runs[1:]):
            assert (a["status"], a["assumed"], a["disputed"]) != (b["status"], b["assumed"], b["disputed"]), pid
            assert date.fromisoformat(b["valid_from"]) == date.fromisoformat(a["valid_to"]).fromordinal(
                date.fromisoformat(a["valid_to"]).toordinal() + 1)
        # every claim behind any day's state is listed on the run that covers the day
        for state in tl.states[pid]:
            run = next(r for r in runs if r["valid_from"] <= state.day.isoformat() <= r["valid_to"])
            assert set(state.claim_ids) <= set(run["claim_ids"].split(";") if run["claim_ids"] else [])
    assert len(features) < sum(len(tl.runs(p)) for p in tl.place_ids)  # fewer runs than states with new claims


def test_a_synthetic_campaign_builds_through_the_campaign_mechanism(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import write_campaign

    folder = write_campaign(tmp_path / "syn", days=40, places=30)
    result = pipeline.build(tmp_path / "out", campaign=folder, snapshots=False)
    assert result.summary["neighbourhoods drawn"].startswith("30 of 30")
    assert result.summary["claims loaded"] == 30 * 5
    control = pd.read_csv(tmp_path / "out" / "control.csv")
    assert control["place_id"].nunique() == 30 and len(control) == 30 * control["date"].nunique()
    assert set(control["status"]) == {"is_control", "contested", "gov_control"}


def test_claims_csv_text_matches_the_csv_module(tmp_path):
    """pyarrow builds the table, the csv module writes it: the same bytes as writing row by row."""
    from mosulmap.claim_files import claims_csv
    from mosulmap.claims import csv_safe

    claims = pipeline.load_inputs(corpus=None).claims.claims[:200]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for claim in claims:
        writer.writerow({k: csv_safe(v) for k, v in claim.to_row().items()})
    assert claims_csv(claims) == buffer.getvalue()


def test_dated_maps_filled_in_per_day_are_those_rendered_whole(tmp_path):
    from copy import copy
    from dataclasses import replace

    from mosulmap.maps import day_pages, render_day
    from mosulmap.render import format_day

    data = pipeline.prepare(pipeline.load_inputs(corpus=None))
    days = data.timeline.change_days()[:6]
    assert [html for _, html in day_pages(data, days)] == [render_day(data, d) for d in days]
    # a campaign whose name holds a placeholder cannot fill a page in: each page is then rendered whole
    odd = copy(data)
    odd.campaign = replace(data.campaign, name="Odd \x00mosulmap-label\x00")
    pages = dict(day_pages(odd, days[:2]))
    assert list(pages.values()) == [render_day(odd, d) for d in days[:2]]
    assert all(format_day(d) in pages[d] for d in days[:2])


def test_front_lines_drawn_by_worker_processes_are_those_of_one_process():
    import shapely
    from shapely.geometry import shape

    from mosulmap.frontline import front_runs

    data = pipeline.prepare(pipeline.load_inputs(corpus=None))
    extent = shapely.union_all([shape(f["geometry"]) for f in data.extent["features"]])
    river = shapely.union_all([shape(f["geometry"]) for f in data.river["features"]])
    args = (data.timeline, data.polygons, extent, data.campaign.metric_crs, data.campaign.front_outside, river,
            data.campaign.river_is_front)
    one, two = front_runs(*args, jobs=1), front_runs(*args, jobs=2)
    assert len(one) == len(two) > 16  # enough lines for the pool
    for a, b in zip(one, two):
        assert (a.first, a.last) == (b.first, b.last)
        assert (a.line is None and b.line is None) or a.line.equals_exact(b.line, 0)
    assert [(r.first, r.last) for r in one] == [(r.first, r.last) for r in data.fronts]
