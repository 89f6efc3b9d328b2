"""A user's real polygons (GeoJSON, GeoPackage, Shapefile; any CRS; a name column), matched to
gazetteer places by name and merged over the derived ones: names go through the resolver,
matched polygons replace derived ones, and unmatched, ambiguous or broken rows are reported,
never forced onto a place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mosulmap import settings
from mosulmap.campaign import current as current_campaign
from mosulmap.campaign import using
from mosulmap.errors import InputError
from mosulmap.gazetteer import load_extent
from mosulmap.polygons import (
    MIN_OVERLAP_M2,
    NAME_COLUMN_GUESSES,
    NEAR_DEGREES,
    POLYGON_COLUMNS,
    extent_name,
    metric_crs,
    polygonal,
)
from mosulmap.resolver import MatchStatus, Resolver


@dataclass
class PolygonImport:
    """What became of each row of a user's polygon file."""

    polygons: gpd.GeoDataFrame
    matched: list[tuple[int, str, str]] = field(default_factory=list)  # (row, name, place_id)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (row, name, reason)
    repaired: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{len(self.matched)} polygons matched to gazetteer places"]
        lines += [f"  row {r}: {_shown(n)} unmatched: {why}" for r, n, why in self.unmatched]
        lines += [f"  row {r}: {_shown(n)} geometry repaired" for r, n in self.repaired]
        lines += [f"  row {r}: {_shown(n)} rejected: {why}" for r, n, why in self.rejected]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _shown(name: object, limit: int = 80) -> str:
    """A name from the user's file as a message shows it: quoted, and cut if it is long."""
    text = str(name)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text):,} characters)"


def _read_any(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise InputError("no such file", path)
    try:
        return gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable data
        raise InputError(f"cannot read as a vector layer: {exc}", path) from None


def import_user_polygons(
    path: str | Path,
    resolver: Resolver | None = None,
    name_column: str | None = None,
    layer: str | None = None,
) -> PolygonImport:
    """Read a user's polygon file and match each polygon to a gazetteer place by its name.

    Parameters
    ----------
    path : str or Path
        Any vector format GDAL reads (GeoJSON, GeoPackage, Shapefile, ...), any CRS.
    resolver : Resolver, optional
        Defaults to one over the bundled gazetteer.
    name_column : str, optional
        Column holding the neighbourhood name; guessed from common names when omitted.
    layer : str, optional
        Layer of a multi-layer file.

    Returns
    -------
    PolygonImport
        Matched polygons (WGS84, columns ``POLYGON_COLUMNS``) and a per-row report.

    Raises
    ------
    InputError
        Unreadable file, no features, no name column, or no usable CRS.
    """
    path = Path(path)
    resolver = resolver or Resolver()
    with using(resolver.gazetteer.campaign):
        return _import_user_polygons(path, resolver, name_column, layer)


def _import_user_polygons(path: Path, resolver: Resolver, name_column: str | None, layer: str | None
                          ) -> PolygonImport:
    raw = _read_any(path, layer)
    if raw.empty:
        raise InputError("the layer has no features", path)
    column = name_column or next(
        (c for g in NAME_COLUMN_GUESSES for c in raw.columns if c.lower() == g), None
    )
    if column is None or column not in raw.columns:
        wanted = f"'{name_column}'" if name_column else "a name column"
        raise InputError(f"{wanted} not found; columns are {', '.join(map(str, raw.columns))}", path)
    report = PolygonImport(polygons=gpd.GeoDataFrame(columns=POLYGON_COLUMNS, geometry=[], crs=settings.WGS84))
    names = ["" if pd.isna(v) else str(v) for v in raw[column]]
    usable = [g is not None and not g.is_empty for g in raw.geometry]
    if not any(usable):
        raise InputError("every feature's geometry is empty: nothing to draw", path)
    # NaN coordinates make GEOS fail; such rows are rejected before anything else touches them.
    finite = [not u or bool(np.isfinite(shapely.get_coordinates(g)).all()) for g, u in zip(raw.geometry, usable)]
    for row, (name, u, f) in enumerate(zip(names, usable, finite), start=1):
        if u and not f:
            report.rejected.append((row, name, "coordinates that are not numbers (NaN or infinite)"))
    if not any(u and f for u, f in zip(usable, finite)):
        raise InputError("no feature has numeric coordinates", path)
    raw = raw.iloc[[i for i, f in enumerate(finite) if f]]
    names = [n for n, f in zip(names, finite) if f]
    rows_of = [i + 1 for i, f in enumerate(finite) if f]
    minx, miny, maxx, maxy = raw.geometry[~(raw.geometry.isna() | raw.geometry.is_empty)].total_bounds
    lonlat = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if raw.crs is None:
        if not lonlat:
            raise InputError("file has no CRS and its coordinates are not lon/lat", path)
        report.warnings.append("file has no CRS; coordinates look like lon/lat, assumed EPSG:4326")
        raw = raw.set_crs(settings.WGS84)
    if raw.crs.is_geographic and not lonlat:
        raise InputError(
            f"coordinates are out of lon/lat range for {raw.crs.to_string()}: "
            "the file has no CRS or a wrong one", path,
        )
    raw = raw.to_crs(settings.WGS84)
    near = load_extent().buffer(NEAR_DEGREES)
    if not raw.geometry.intersects(near).any():
        report.warnings.append(f"no polygon lies near {current_campaign().name}: is the file's CRS right?")
    matches = resolver.resolve_many(names)
    kept: dict[str, list[BaseGeometry]] = {}
    for row, name, geom, match in zip(rows_of, names, raw.geometry, matches):
        if geom is None or geom.is_empty:
            report.rejected.append((row, name, "empty geometry"))
            continue
        if not geom.is_valid:
            geom = polygonal(shapely.make_valid(geom))
            if geom is None:
                report.rejected.append((row, name, "invalid geometry with no polygon left after repair"))
                continue
            report.repaired.append((row, name))
        geom = polygonal(geom)
        if geom is None:
            report.rejected.append((row, name, "not a polygon"))
            continue
        if not geom.intersects(near):
            report.rejected.append((row, name, f"lies outside {current_campaign().name} (more than ~2 km from the "
                                               f"{extent_name()})"))
            continue
        if match.status is MatchStatus.RESOLVED:
            kept.setdefault(match.place_ids[0], []).append(geom)
            report.matched.append((row, name, match.place_ids[0]))
        else:
            why = match.status.value + (f": {match.reason}" if match.reason else "")
            report.unmatched.append((row, name, why))
    gazetteer = resolver.gazetteer
    rows = []
    for pid in sorted(kept):
        geom = shapely.union_all(kept[pid])
        if len(kept[pid]) > 1:
            report.warnings.append(f"{len(kept[pid])} polygons matched {pid}; merged into one")
        rows.append(
            {
                "place_id": pid,
                "name": gazetteer[pid].name,
                "geometry_source": f"user: {path.name}",
                "geometry_confidence": "user-supplied",
                "geometry_method": f"polygon from {path.name}, matched by its {column!r} column",
                "coord_confidence": gazetteer[pid].coord_confidence,
                "coord_method": gazetteer[pid].coord_method or "sourced",
                "uncertainty_m": gazetteer[pid].uncertainty_m,
                "geometry": geom,
            }
        )
    _trim_overlaps(rows, report)
    if rows:
        gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.WGS84)
        gdf["area_km2"] = (gdf.to_crs(metric_crs()).area / 1e6).round(3)
        report.polygons = gdf[POLYGON_COLUMNS + ["geometry"]]
    return report


def _trim_overlaps(rows: list[dict], report: PolygonImport) -> None:
    """User polygons of different places must not overlap: an overlap goes to the place that
    comes first by id and is cut from the other, and the report says so."""
    for i, later in enumerate(rows):
        for earlier in rows[:i]:
            shared = later["geometry"].intersection(earlier["geometry"])
            area = gpd.GeoSeries([shared], crs=settings.WGS84).to_crs(metric_crs()).area.iloc[0]
            if area < MIN_OVERLAP_M2:
                continue
            later["geometry"] = polygonal(later["geometry"].difference(earlier["geometry"])) or later["geometry"]
            report.warnings.append(
                f"polygons of {earlier['place_id']} and {later['place_id']} overlap by {area / 1e6:.3f} km²; "
                f"the overlap was kept in {earlier['place_id']} and cut from {later['place_id']}"
            )
