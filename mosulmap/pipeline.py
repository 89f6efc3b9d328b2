"""Pipeline: run the stages end to end and write ``output/``.

``build`` is what ``mosulmap build`` runs. It loads the gazetteer and polygons and writes the
exports; every file is written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from mosulmap import settings
from mosulmap.gazetteer import Gazetteer, load_gazetteer
from mosulmap.io import atomic_write_text, write_geojson
from mosulmap.polygons import build_polygons, load_polygons
from mosulmap.resolver import Resolver


@dataclass
class BuildResult:
    """What a build wrote and what it could not place."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def places_frame(gazetteer: Gazetteer, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """East-bank places with their polygon (None where the gazetteer has no position)."""
    shapes = polygons.set_index("place_id")
    frame = gazetteer.to_frame()
    frame = frame[frame["scope"] == "east_bank"].drop(columns=["scope"])
    for column in ("geometry_source", "geometry_confidence"):
        frame[column] = [shapes[column].get(pid, "none") for pid in frame["place_id"]]
    geometry = [shapes.geometry.get(pid) for pid in frame["place_id"]]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=settings.WGS84)


def build(
    out_dir: str | Path | None = None,
    polygons_file: str | Path | None = None,
    gazetteer_file: str | Path | None = None,
) -> BuildResult:
    """Build every output into ``out_dir`` (default ``output/``)."""
    out = Path(out_dir or settings.OUTPUT_DIR)
    resolver = Resolver(load_gazetteer(gazetteer_file))
    result = BuildResult(out)
    if polygons_file:
        polygons, report = build_polygons(polygons_file, resolver=resolver)
        result.notes.append(report.summary())
    else:
        polygons = load_polygons()
    places = places_frame(resolver.gazetteer, polygons)
    result.files.append(write_geojson(places, out / "places.geojson"))
    result.files.append(atomic_write_text(out / "places.csv", places.drop(columns="geometry").to_csv(index=False)))
    return result
