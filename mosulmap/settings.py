"""Project-wide settings: where the bundled data lives.

Facts about a battle (its window, extent, CRS, default state, titles) are not here: they are
data in a campaign folder (see :mod:`mosulmap.campaign`). In a checkout the data folders
(``gazetteer/``, ``data/``, ``campaigns/``) sit at the repository root; an installed wheel
carries them as package data under ``mosulmap/_bundled/``. ``MOSULMAP_HOME`` points the package
at another checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_bundled"
if os.environ.get("MOSULMAP_HOME"):
    ROOT = Path(os.environ["MOSULMAP_HOME"])
    DATA_ROOT = ROOT
elif (_INSTALLED / "campaigns").is_dir():  # an installed wheel
    ROOT = Path.cwd()
    DATA_ROOT = _INSTALLED
else:  # a checkout (or an editable install)
    ROOT = _PACKAGE.parent
    DATA_ROOT = ROOT

GAZETTEER_DIR = DATA_ROOT / "gazetteer"
PLACES_CSV = GAZETTEER_DIR / "places.csv"
POLYGONS_GEOJSON = GAZETTEER_DIR / "polygons.geojson"
SOURCED_POLYGONS_GEOJSON = GAZETTEER_DIR / "sourced_polygons.geojson"  # real outlines (Who's On First)
COMMON_WORDS_CSV = GAZETTEER_DIR / "common_words.csv"  # names that are ordinary words on their own
TRANSLATED_NAMES_CSV = GAZETTEER_DIR / "translated_names.csv"  # names as machine translation renders them
DATA_DIR = DATA_ROOT / "data"
CAMPAIGNS_DIR = DATA_ROOT / "campaigns"
DEFAULT_CAMPAIGN = (CAMPAIGNS_DIR / "DEFAULT").read_text(encoding="utf-8").strip()  # a bundled campaign's id
OUTPUT_DIR = ROOT / "output"

WGS84 = "EPSG:4326"  # the CRS of every export
