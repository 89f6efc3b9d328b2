"""Orientation layers drawn under and around the neighbourhoods, so a reader who does not know
Mosul sees a city: the west bank (the WOF city outline beyond the east-bank extent) in a light
neutral tone, the Tigris with its name, the bridges and a few landmarks from
``gazetteer/landmarks.csv``. Output is GeoJSON dicts (WGS84) for the pages and the PNGs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from mosulmap import settings
from mosulmap.gazetteer import Gazetteer, load_extent


def west_bank() -> dict:
    """The city west of the east-bank extent, as one feature (empty if the outline is missing)."""
    path = settings.GAZETTEER_DIR / "mosul_city.geojson"
    if not path.exists():
        return {"type": "FeatureCollection", "features": []}
    city = shapely.union_all([shape(f["geometry"]) for f in json.loads(path.read_text())["features"]])
    west = city.difference(load_extent().buffer(0.0005))
    west = shapely.set_precision(west, 1e-5)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "West Mosul (not mapped here)"}, "geometry": mapping(west)}]}


def landmarks(gazetteer: Gazetteer, path: str | Path | None = None) -> dict:
    """Bridges and landmarks as points with a label and a kind."""
    path = Path(path or settings.GAZETTEER_DIR / "landmarks.csv")
    features = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["place_id"]:
                place = gazetteer[row["place_id"]]
                lat, lon = place.lat, place.lon
            else:
                lat, lon = float(row["lat"]), float(row["lon"])
            if lat is None:
                continue
            features.append({"type": "Feature", "properties": {"label": row["label"], "kind": row["kind"]},
                             "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}})
    return {"type": "FeatureCollection", "features": features}


def river_label(river: dict) -> tuple[float, float]:
    """(lat, lon) of a point on the Tigris where its name can stand."""
    line = shapely.union_all([shape(f["geometry"]) for f in river["features"]])
    point = line.interpolate(0.42, normalized=True)
    return point.y, point.x
