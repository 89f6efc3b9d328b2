"""Project-wide settings: where the bundled data lives and the campaign's fixed facts.

Every path can be overridden by the caller; ``MOSULMAP_HOME`` points the package at another
checkout (the data folders ``gazetteer/`` and ``data/`` sit at the repository root).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(os.environ.get("MOSULMAP_HOME", Path(__file__).resolve().parents[1]))
GAZETTEER_DIR = ROOT / "gazetteer"
PLACES_CSV = GAZETTEER_DIR / "places.csv"
POLYGONS_GEOJSON = GAZETTEER_DIR / "polygons.geojson"
SOURCED_POLYGONS_GEOJSON = GAZETTEER_DIR / "sourced_polygons.geojson"  # real outlines (Who's On First)
COMMON_WORDS_CSV = GAZETTEER_DIR / "common_words.csv"  # names that are ordinary words on their own
TRANSLATED_NAMES_CSV = GAZETTEER_DIR / "translated_names.csv"  # names as machine translation renders them
EXTENT_GEOJSON = GAZETTEER_DIR / "east_bank_extent.geojson"
TIGRIS_GEOJSON = GAZETTEER_DIR / "tigris.geojson"
DATA_DIR = ROOT / "data"
DEFAULT_CLAIMS = DATA_DIR / "claims" / "east_mosul_claims.csv"
CLAIMS_ADDITIONS = DATA_DIR / "claims" / "east_mosul_claims_additions.csv"
BUNDLED_CLAIMS = (DEFAULT_CLAIMS, CLAIMS_ADDITIONS)  # the bundled dataset: both files, each its own provenance
DEFAULT_CORPUS = DATA_DIR / "corpus"
OUTPUT_DIR = ROOT / "output"

# A metric CRS for distances and areas around Mosul (UTM zone 38N), and the CRS of all exports.
METRIC_CRS = "EPSG:32638"
WGS84 = "EPSG:4326"

# East Mosul was held by IS from June 2014; the offensive began on 17 Oct 2016.
CAMPAIGN_START = date(2016, 10, 17)
