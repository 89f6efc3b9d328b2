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
