"""Orientation layers drawn under and around the neighbourhoods, so a reader who does not know
the city sees one: the rest of the city (its outline beyond the campaign's extent: for east Mosul
the west bank) in a light neutral tone, the river with its name, the bridges and a few landmarks,
all named by the campaign. Output is GeoJSON dicts (WGS84) for the pages and the PNGs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from mosulmap.campaign import Campaign
from mosulmap.gazetteer import Gazetteer


def beyond(campaign: Campaign) -> dict:
    """The city outside the campaign's extent (the other bank), as one feature; empty when the
    campaign has no city outline or the extent covers it."""
    path = campaign.outline
    if path is None or not path.exists():
        return {"type": "FeatureCollection", "features": []}
    city = shapely.union_all([shape(f["geometry"]) for f in json.loads(path.read_text())["features"]])
    rest = city.difference(campaign.extent.buffer(0.0005))
    rest = shapely.set_precision(rest, 1e-5)
    if rest.is_empty or rest.area < 1e-6:
        return {"type": "FeatureCollection", "features": []}
    label = campaign.outline_label or "(not mapped here)"
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": label}, "geometry": mapping(rest)}]}


def landmarks(gazetteer: Gazetteer, path: str | Path | None = None) -> dict:
    """Bridges and landmarks as points with a label and a kind (none when the campaign has no
    landmarks file; a landmark on a place without a point is left out)."""
    path = path or gazetteer.campaign.landmarks
    features = []
    if path is None:
        return {"type": "FeatureCollection", "features": features}
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["place_id"]:
                if row["place_id"] not in gazetteer:
                    continue
                place = gazetteer[row["place_id"]]
                lat, lon = place.lat, place.lon
            else:
                lat, lon = float(row["lat"]), float(row["lon"])
            if lat is None:
                continue
            features.append({"type": "Feature", "properties": {"label": row["label"], "kind": row["kind"]},
                             "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}})
    return {"type": "FeatureCollection", "features": features}


def river_label(river: dict) -> tuple[float, float] | None:
    """(lat, lon) of a point on the river where its name can stand (None without a river)."""
    if not river.get("features"):
        return None
    line = shapely.union_all([shape(f["geometry"]) for f in river["features"]])
    point = line.interpolate(0.42, normalized=True)
    return point.y, point.x
