"""Synthetic inputs for the scale benchmarks: claims files and news corpora of any size.

Everything is generated from fixed templates and a seeded random generator, so a run is
repeatable; no real article text is used.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from mosulmap.claims import COLUMNS
from mosulmap.gazetteer import load_gazetteer

EVENTS = [("gov_control", "captured"), ("gov_control", "liberated"), ("contested", "fighting"),
          ("contested", "entered"), ("is_control", "withdrew")]
RELEVANT = [
    "Iraqi special forces captured the {p} district of east Mosul on {wd}, officers said.",
    "Fighting went on in {p} while the army entered {q}.",
    "The Federal Police stormed {p} yesterday after days of shelling.",
    "Troops freed the {p} neighbourhood and pushed into {q} on the same day.",
]
UNRELATED = [
    "The city council approved a new tram line on {wd} after a long debate about costs.",
    "Wheat prices rose for a third week as dry weather hit the plains and traders worried.",
    "A museum reopened after two years of repairs, with a new wing for modern art.",
    "The national team won its qualifier two goals to one in front of a full stadium.",
    "Shares in technology companies fell after the central bank signalled higher rates.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def claims_rows(n: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    places = [p.name for p in load_gazetteer().neighbourhoods()]
    rows = []
    for i in range(n):
        status, event = rng.choice(EVENTS)
        day = date(2016, 10, 20) + timedelta(days=rng.randrange(95))
        rows.append({c: "" for c in COLUMNS} | {
            "claim_id": f"s{i:07d}", "date": day.isoformat(), "date_precision": "exact",
            "place_as_written": rng.choice(places), "status": status, "event": event,
            "actor": "unspecified", "source": f"Synthetic Wire {i % 997}", "quote": f"Report number {i}."})
    return rows


def write_claims_parquet(n: int, path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(claims_rows(n)), path)
    return path


def corpus_rows(n: int, share: float = 0.01, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    places = ["Karama", "Zuhur", "Samah", "Quds", "Intisar", "Sumer", "Masarif", "Bakr", "Wahda", "Tahrir"]
    rows = []
    for i in range(n):
        published = date(2016, 11, 1) + timedelta(days=rng.randrange(80))
        wd = rng.choice(WEEKDAYS)
        pool = RELEVANT if rng.random() < share else UNRELATED
        body = " ".join(rng.choice(pool).format(p=rng.choice(places), q=rng.choice(places), wd=wd)
                        for _ in range(rng.randint(4, 10)))
        rows.append({"text": f"{published.isoformat()} | Report {i}\n\n{body}", "published": published.isoformat(),
                     "url": f"https://example.org/{i}"})
    return rows


def write_corpus_jsonl(n: int, path: Path, share: float = 0.01) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in corpus_rows(n, share):
            handle.write(json.dumps(row) + "\n")
    return path


PLACE_COLUMNS = ["place_id", "name", "arabic", "variants", "scope", "feature_type", "lat", "lon", "coord_source",
                 "coord_confidence", "coord_method", "uncertainty_m", "sources", "notes", "part_of"]
SEQUENCE = [("contested", "entered"), ("gov_control", "captured"), ("is_control", "counterattack"),
            ("contested", "fighting"), ("gov_control", "captured")]


def write_campaign(folder: Path, days: int, places: int, claims_per_place: int = 5, seed: int = 11) -> Path:
    """A made-up campaign of ``places`` neighbourhoods on a grid (about 400 m apart) fought over
    ``days`` days, each place taken, lost and retaken through ``claims_per_place`` dated claims.

    It goes through the campaign mechanism like any real battle: ``campaign.toml``, a place table,
    an extent and a claims file; polygons are derived from the points as for a new campaign."""
    import csv

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    side = int(places ** 0.5 + 0.999)
    step = 0.0045  # degrees: about 400 m at 35° N
    lat0, lon0 = 35.0, 40.0
    start = date(2020, 1, 1)
    end = start + timedelta(days=days - 1)
    rows = [{c: "" for c in PLACE_COLUMNS} | {"place_id": "synthetic-city", "name": "Synthetic City",
                                              "scope": "city", "feature_type": "whole area", "sources": "made up"}]
    for i in range(places):
        r, c = divmod(i, side)
        rows.append({col: "" for col in PLACE_COLUMNS} | {
            "place_id": f"q{i:05d}", "name": f"Quarter {i:05d}", "scope": "city", "feature_type": "neighbourhood",
            "lat": f"{lat0 + r * step:.5f}", "lon": f"{lon0 + c * step:.5f}", "coord_source": "made up",
            "coord_confidence": "medium", "coord_method": "sourced", "sources": "made up"})
    with (folder / "places.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, PLACE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    pad = step
    ring = [[lon0 - pad, lat0 - pad], [lon0 + side * step, lat0 - pad], [lon0 + side * step, lat0 + side * step],
            [lon0 - pad, lat0 + side * step], [lon0 - pad, lat0 - pad]]
    (folder / "extent.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Synthetic City (made up)"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}), encoding="utf-8")
    claims = []
    for i in range(places):
        when = sorted(rng.sample(range(days), min(days, claims_per_place)))
        for k, offset in enumerate(when):
            status, event = SEQUENCE[k % len(SEQUENCE)]
            claims.append({c: "" for c in COLUMNS} | {
                "claim_id": f"c{i:05d}-{k}", "date": (start + timedelta(days=offset)).isoformat(),
                "date_precision": "exact", "place_as_written": f"Quarter {i:05d}", "place_id": f"q{i:05d}",
                "status": status, "event": event, "actor": "unspecified", "source": f"Synthetic Wire {k}",
                "quote": f"Quarter {i:05d}: {event} (report {k})."})
    with (folder / "claims.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(claims)
    (folder / "campaign.toml").write_text(f"""id = "synthetic-{days}x{places}"
title = "Synthetic City (made up), {days} days x {places} places"
name = "Synthetic City"

[window]
start = {start.isoformat()}
end = {end.isoformat()}

[default]
state = "is_control"
since = {(start - timedelta(days=365)).isoformat()}

[area]
places = "places.csv"
scopes = ["city"]
label = "the city"
extent = "extent.geojson"

[claims]
files = ["claims.csv"]
""", encoding="utf-8")
    return folder
