"""``control.csv``: a state per day and neighbourhood, built column by column and streamed.

A thousand days over two thousand places is over two million rows: the columns are gathered
place by place from the timeline's states (each repeated text made formula-safe once), laid out
day by day, and written by the csv module in pieces, so the table never stands in memory as
Python rows or as one string. Inputs are the prepared :class:`~mosulmap.render.MapData`; the
output is the CSV text in pieces, the same text ``pandas.DataFrame.to_csv`` gave before.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np

from mosulmap.claims import csv_safe
from mosulmap.io import csv_pieces
from mosulmap.render import MapData

COLUMNS = ["date", "place_id", "name", "status", "since", "disputed", "claim_ids", "basis", "assumed",
           "last_report", "days_since_report"]
STATES = ("gov", "contested", "is")  # the evidence model's probabilities, smoothed and filtered


def control_csv(data: MapData, rows: int = 50_000) -> Iterator[str]:
    """The CSV text of ``control.csv`` in pieces of ``rows`` rows: days in order, places in the
    timeline's order within a day."""
    tl, gaz = data.timeline, data.gazetteer
    places, days = tl.place_ids, len(tl.days)
    text = cache(csv_safe)  # formula-safe, each distinct text once
    iso = cache(lambda day: day.isoformat() if day else "")
    ids = cache(lambda claim_ids: text(";".join(claim_ids)))

    per_place = {k: np.empty((len(places), days), dtype=object) for k in COLUMNS[3:]}
    for j, pid in enumerate(places):
        states = tl.states[pid]
        per_place["status"][j] = [s.status.value for s in states]
        per_place["since"][j] = [iso(s.since) for s in states]
        per_place["disputed"][j] = [s.disputed for s in states]
        per_place["claim_ids"][j] = [ids(s.claim_ids) for s in states]
        per_place["basis"][j] = [text(s.basis) for s in states]
        per_place["assumed"][j] = [s.assumed for s in states]
        per_place["last_report"][j] = [iso(s.last_report) for s in states]
        per_place["days_since_report"][j] = [("" if a is None else a) for a in (s.age for s in states)]
    columns = {
        "date": np.repeat(np.array([iso(d) for d in tl.days], dtype=object), len(places)),
        "place_id": np.tile(np.array([text(p) for p in places], dtype=object), days),
        "name": np.tile(np.array([text(gaz[p].name) for p in places], dtype=object), days),
        **{k: v.T.ravel() for k, v in per_place.items()},  # day by day
    }
    filtered, smoothed = data.evidence  # (places, days, 3)
    for k, state in enumerate(STATES):
        columns[f"p_{state}"] = smoothed[:, :, k].T.ravel().round(3)
        columns[f"p_{state}_filtered"] = filtered[:, :, k].T.ravel().round(3)
    names = list(columns)
    return csv_pieces(names, len(columns["date"]),
                      lambda start, stop: zip(*(columns[k][start:stop].tolist() for k in names)), rows)
