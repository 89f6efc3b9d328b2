"""Shared fixtures: the real bundled gazetteer and a resolver over it (built once per session)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mosulmap import pipeline
from mosulmap.gazetteer import load_gazetteer
from mosulmap.resolver import Resolver

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"


@pytest.fixture(scope="session")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="session")
def resolver(gazetteer):
    return Resolver(gazetteer)


EVIL_QUOTE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> & `${x}`'
EVIL_SOURCE = '<b>Evil Times</b> "headline" </script>'


@pytest.fixture(scope="session")
def evil_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    claims = folder / "claims.csv"
    header = "claim_id,date,date_precision,place_as_written,status,event,actor,source,quote\n"
    row = f'x1,2016-11-02,exact,Karama,gov_control,captured,<i>CTS</i>,"{EVIL_SOURCE.replace(chr(34), 2 * chr(34))}",' \
          f'"{EVIL_QUOTE.replace(chr(34), 2 * chr(34))}"\n'
    claims.write_text(header + row, encoding="utf-8")
    out = folder / "out"
    pipeline.build(out, claims_files=[claims], corpus=None, end=date(2016, 11, 3), snapshots=False)
    return out


HOSTILE_FRAGMENTS = [
    "<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=2" class="mm-injected">',
    "</script><svg class=mm-injected onload=alert(1)>", "{{7*7}}", "{% raw %}", "{#", "}}", "{{", "{%",
    "\u202e", "\u2066", "\u200f", "\x07", "\x1b[31m", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", '"', "'",
    "`${alert(1)}`", "&amp;", "&lt;script&gt;", "\\u003c", "javascript:alert(1)", "__proto__", "constructor",
    "حي الزهور", "🙂", "\u2028", "<!--", "]]>", "\\", "%s%n",
]
EVENTS = [("gov_control", "captured"), ("contested", "fighting"), ("is_control", "withdrew"),
          ("gov_control", "liberated"), ("contested", "entered")]


def hostile_claims_csv(n: int, places: list[str], seed: int = 7) -> str:
    """A claims file of ``n`` valid rows whose every text field is made of hostile fragments."""
    import csv
    import io
    import random

    rng = random.Random(seed)

    def junk(k: int = 4) -> str:
        text = "".join(rng.choice(HOSTILE_FRAGMENTS) for _ in range(rng.randint(1, k)))
        return text if text.strip() else text + "x"  # required fields must not be blank

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["claim_id", "date", "date_precision", "place_as_written", "status", "event", "actor",
                     "source", "quote", "note", "confidence"])
    fixed_ids = ["__proto__", "constructor", "toString", "hasOwnProperty"]
    for i in range(n):
        status, event = rng.choice(EVENTS)
        claim_id = fixed_ids[i] if i < len(fixed_ids) else f"{junk(2)}-{i}"
        place = places[i] if i < len(fixed_ids) else rng.choice(places) if rng.random() < 0.85 else junk(2)
        day = date(2016, 10, 17).toordinal() + rng.randint(0, 70)
        writer.writerow([claim_id, date.fromordinal(day).isoformat(), "exact", place, status, event, junk(),
                         junk(), junk(6), junk(), rng.choice(["high", "medium", "low", ""])])
    return buffer.getvalue()


def maps_data(out) -> dict:
    """The data every map of a build shows (``data/timeline.js``), as the page parses it."""
    import json

    text = (out / "data" / "timeline.js").read_text(encoding="utf-8")
    prefix, suffix = "window.mosulmapTimeline = JSON.parse(", ");\n"
    assert text.startswith(prefix) and text.endswith(suffix)
    return json.loads(json.loads(text[len(prefix):-len(suffix)]))
