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
