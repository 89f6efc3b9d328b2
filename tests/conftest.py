"""Shared fixtures: the real bundled gazetteer and a resolver over it (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
