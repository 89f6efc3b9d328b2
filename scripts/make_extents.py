"""Build the west-bank and whole-city extents from data already in ``gazetteer/``.

Run when the city outline, the river or the west-bank points change
(``python scripts/make_extents.py``); the outputs are committed:

* ``west_bank_extent.geojson``: the Who's On First city outline (``mosul_city.geojson``) west of
  the Tigris centreline (``tigris.geojson``, extended straight beyond its ends), minus the east-bank
  extent, plus a 500 m disc round every west-bank point that falls just outside it (Wadi Aqab,
  Hawi al-Kanisa), so every located west-bank place can be drawn.
* ``mosul_extent.geojson``: the union of the east-bank and west-bank extents (the whole battle).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import shapely
from shapely.geometry import LineString, Point, mapping, shape
from shapely.ops import split

GAZ = Path(__file__).resolve().parents[1] / "gazetteer"
KM = 1 / 111.0  # degrees per km, near enough at 36° N for buffers of a few hundred metres


def _load(name: str):
    return shapely.union_all([shape(f["geometry"]) for f in json.loads((GAZ / name).read_text())["features"]])


def _write(name: str, geom, properties: dict) -> None:
    geom = shapely.set_precision(geom, 1e-6)
    data = {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": properties, "geometry": mapping(geom)}]}
    (GAZ / name).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {name}: {geom.area / KM / KM:.1f} km² (approx.)")


def main() -> None:
    city, east, river = _load("mosul_city.geojson"), _load("east_bank_extent.geojson"), _load("tigris.geojson")
    coords = list(river.coords)
    (x0, y0), (x1, y1) = coords[0], coords[1]
    (xa, ya), (xb, yb) = coords[-2], coords[-1]
    def beyond(ax: float, ay: float, bx: float, by: float) -> tuple[float, float]:
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        return bx + (bx - ax) / length, by + (by - ay) / length  # one degree further on

    line = LineString([beyond(x1, y1, x0, y0), *coords, beyond(xa, ya, xb, yb)])
    box = city.envelope.buffer(0.05)
    sides = list(split(box, line).geoms)
    old_city = Point(43.1265, 36.3428)  # a point known to be west of the river
    west_side = next(g for g in sides if g.contains(old_city))
    west = city.intersection(west_side).difference(east)
    rows = [r for r in csv.DictReader((GAZ / "places.csv").open(encoding="utf-8"))
            if r["scope"] in ("west_bank", "west_bank_or_edge") and r["lat"]]
    outside = [Point(float(r["lon"]), float(r["lat"])) for r in rows
               if not west.covers(Point(float(r["lon"]), float(r["lat"])))]
    if outside:
        west = shapely.union_all([west, *[p.buffer(0.5 * KM, 16) for p in outside]]).difference(east)
    parts = sorted(shapely.get_parts(west), key=lambda g: -g.area)
    west = shapely.union_all([p for p in parts if p.area > 0.05 * KM * KM])
    _write("west_bank_extent.geojson", west, {
        "name": "West (right-bank) Mosul, approximate",
        "method": "Who's On First Mosul outline (mosul_city.geojson) west of the Tigris centreline (tigris.geojson, "
                  "its end segments extended), minus east_bank_extent.geojson, plus 500 m discs round the "
                  f"{len(outside)} west-bank points just outside it; built by scripts/make_extents.py",
        "licence": "Derived from Who's On First (CC0, credit requested) and the project's river line (see SOURCES.md)",
        "crs": "EPSG:4326 lon/lat"})
    _write("mosul_extent.geojson", shapely.union_all([east, west]), {
        "name": "Mosul, both banks, approximate",
        "method": "union of east_bank_extent.geojson and west_bank_extent.geojson (scripts/make_extents.py)",
        "crs": "EPSG:4326 lon/lat"})


if __name__ == "__main__":
    main()
