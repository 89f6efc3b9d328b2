"""Polygons stage: derive approximate neighbourhood polygons, or swap in a user's real ones.

No public polygon set of Mosul neighbourhoods was reachable, so polygons are derived
deterministically: the Voronoi cell of each mapped point, clipped to the campaign's extent
and to ``max_radius_m`` around the point, computed in the campaign's metric CRS. Each carries
``geometry_source`` and ``geometry_confidence`` so maps can show it as approximate.
A user with real polygons (GeoJSON, GeoPackage, Shapefile; any CRS; a name column) merges them
in with :func:`import_user_polygons`: names go through the resolver, matched polygons replace
derived ones, and unmatched, ambiguous or broken rows are reported, never forced onto a place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from mosulmap import settings
from mosulmap.campaign import current as current_campaign
from mosulmap.campaign import using
from mosulmap.errors import InputError
from mosulmap.gazetteer import Gazetteer, load_extent, load_gazetteer
from mosulmap.io import write_geojson
from mosulmap.resolver import MatchStatus, Resolver

DEFAULT_MAX_RADIUS_M = 1500.0
MARKER_RADIUS_M = 350.0  # a place known only by its sector is drawn as a small circle, not a territory
# geometry_confidence by how the point was placed: what the map may claim about the shape.
CONFIDENCE_BY_METHOD = {"sourced": "approximate", "sourced_coordinate": "approximate", "": "approximate",
                        "relation_estimate": "estimated", "sector_estimate": "marker"}
NEAR_DEGREES = 0.02  # about 2 km: a user polygon farther than this from the extent is not of it
MIN_OVERLAP_M2 = 1.0  # digitising slivers below a square metre are not worth a note
POLYGON_COLUMNS = [
    "place_id",
    "name",
    "geometry_source",
    "geometry_confidence",
    "geometry_method",
    "coord_confidence",
    "coord_method",
    "uncertainty_m",
    "area_km2",
]
NAME_COLUMN_GUESSES = (
    "name", "name_en", "english", "neighbourhood", "neighborhood", "district", "hay",
    "label", "name_ar", "arabic", "adm4_en", "adm3_en",
)


def derive_polygons(
    gazetteer: Gazetteer | None = None,
    extent: BaseGeometry | None = None,
    max_radius_m: float = DEFAULT_MAX_RADIUS_M,
    sourced: str | Path | None = "campaign",
) -> gpd.GeoDataFrame:
    """Polygons for the mapped points of the gazetteer's campaign, each as sure of itself as its point is.

    * points from a source (``coord_method`` sourced) and points placed from stated relations
      (``relation_estimate``) get the Voronoi cell of the point among those points, clipped to the
      extent and a radius: ``geometry_confidence`` "approximate" and "estimated";
    * points known only by their sector (``sector_estimate``) carve nothing out of their
      neighbours: they are drawn as a circle of ``MARKER_RADIUS_M`` ("marker"), on top of the cells;
    * real outlines in ``sourced`` (Who's On First's Rashidiya) replace the cell ("sourced") and
      the cells around them give way.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer; only the mapped places with a point get a polygon
        (aggregates such as the Old City are drawn through their parts).
    extent : shapely geometry, optional
        WGS84 extent; defaults to the campaign's.
    max_radius_m : float
        No cell reaches farther than this from its point, so edge cells do not swallow
        open country.
    sourced : path, optional
        GeoJSON of real outlines with a ``place_id`` property (default: the campaign's; None for none).

    Returns
    -------
    GeoDataFrame
        One row per place with a point, columns ``POLYGON_COLUMNS``, CRS WGS84, sorted by id.
    """
    gazetteer = gazetteer or load_gazetteer()
    with using(gazetteer.campaign):
        return _derive(gazetteer, extent if extent is not None else gazetteer.campaign.extent, max_radius_m,
                       gazetteer.campaign.sourced_polygons if sourced == "campaign" else sourced)


def _derive(gazetteer: Gazetteer, extent: BaseGeometry, max_radius_m: float,
            sourced: str | Path | None) -> gpd.GeoDataFrame:
    points = gazetteer.points().to_crs(_metric())
    area = gpd.GeoSeries([extent], crs=settings.WGS84).to_crs(_metric()).iloc[0]
    inside = points.within(area)
    if not inside.all():
        outside = ", ".join(points.loc[~inside, "place_id"])
        raise InputError(f"points outside the campaign's extent: {outside}", gazetteer.source)
    methods = [gazetteer[pid].coord_method for pid in points["place_id"]]
    confidence = [CONFIDENCE_BY_METHOD.get(m, "approximate") for m in methods]
    cells = [c != "marker" for c in confidence]
    geoms: list[BaseGeometry | None] = [None] * len(points)
    cell_geoms = _voronoi([g for g, c in zip(points.geometry, cells) if c], area, max_radius_m)
    for i in (i for i, c in enumerate(cells) if c):
        geoms[i] = cell_geoms.pop(0)
    for i in (i for i, c in enumerate(cells) if not c):
        g = points.geometry.iloc[i]
        geoms[i] = _polygonal(g.buffer(MARKER_RADIUS_M, 16).intersection(area))
    method = {
        "approximate": f"Voronoi cell of a sourced point among the sourced and relation-estimated points, clipped to "
                       f"the {_extent_name()} and to {max_radius_m / 1000:g} km of the point",
        "estimated": "Voronoi cell of a point placed from stated relations (see coord_note), clipped as the others",
        "marker": f"circle of {MARKER_RADIUS_M:g} m around a point known only by its sector: where the place may be, "
                  f"not its extent",
    }
    frame = pd.DataFrame(
        {
            "place_id": points["place_id"].to_numpy(),
            "name": points["name"].to_numpy(),
            "geometry_source": "derived",
            "geometry_confidence": confidence,
            "geometry_method": [method[c] for c in confidence],
            "coord_confidence": points["coord_confidence"].to_numpy(),
            "coord_method": [m or "sourced" for m in methods],
            "uncertainty_m": [gazetteer[pid].uncertainty_m for pid in points["place_id"]],
        }
    )
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs=_metric())
    gdf["area_km2"] = (gdf.area / 1e6).round(3)
    gdf = gdf.to_crs(settings.WGS84)[POLYGON_COLUMNS + ["geometry"]].sort_values("place_id", ignore_index=True)
    if sourced is not None and Path(sourced).exists():
        gdf = merge_polygons(gdf, _sourced_polygons(Path(sourced), gazetteer, extent))
    return gdf


def _metric() -> str:
    return current_campaign().metric_crs


def _extent_name() -> str:
    """"east-bank extent": how method notes name the campaign's extent."""
    return current_campaign().area_label.removeprefix("the ").replace(" ", "-") + " extent"


def _voronoi(points: list, area: BaseGeometry, max_radius_m: float) -> list[BaseGeometry | None]:
    # Coincident points would share one cell: nudge later duplicates by a metre, deterministically.
    coords = [(round(g.x, 3), round(g.y, 3)) for g in points]
    seen: dict[tuple[float, float], int] = {}
    for i, xy in enumerate(coords):
        n = seen.get(xy, 0)
        seen[xy] = n + 1
        coords[i] = (xy[0] + n, xy[1])
    cells = shapely.voronoi_polygons(shapely.MultiPoint(coords), extend_to=area.envelope.buffer(5000), ordered=True)
    return [_polygonal(cell.intersection(area).intersection(shapely.Point(x, y).buffer(max_radius_m, 16)))
            for (x, y), cell in zip(coords, shapely.get_parts(cells))]


def _clip_metric(geom: BaseGeometry, extent: BaseGeometry) -> BaseGeometry | None:
    """``geom`` clipped to ``extent``, computed in metres like the derived cells."""
    both = gpd.GeoSeries([geom, extent], crs=settings.WGS84).to_crs(_metric())
    clipped = _polygonal(both.iloc[0].intersection(both.iloc[1]))
    return gpd.GeoSeries([clipped], crs=_metric()).to_crs(settings.WGS84).iloc[0]


def _sourced_polygons(path: Path, gazetteer: Gazetteer, extent: BaseGeometry) -> gpd.GeoDataFrame:
    raw = gpd.read_file(path).to_crs(settings.WGS84)
    rows = []
    for _, r in raw.iterrows():
        place = gazetteer[r["place_id"]]
        rows.append({"place_id": place.place_id, "name": place.name, "geometry_source": r["geometry_source"],
                     "geometry_confidence": "sourced",
                     "geometry_method": f"outline from {r['geometry_source']}, clipped to the {_extent_name()}",
                     "coord_confidence": place.coord_confidence, "coord_method": place.coord_method or "sourced",
                     "uncertainty_m": place.uncertainty_m, "geometry": _clip_metric(r.geometry, extent)})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.WGS84)
    gdf["area_km2"] = (gdf.to_crs(_metric()).area / 1e6).round(3)
    return gdf[POLYGON_COLUMNS + ["geometry"]]


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """Only the polygon parts of a geometry; None when there are none."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, (Polygon, MultiPolygon))]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if not merged.is_empty else None


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
            geom = _polygonal(shapely.make_valid(geom))
            if geom is None:
                report.rejected.append((row, name, "invalid geometry with no polygon left after repair"))
                continue
            report.repaired.append((row, name))
        geom = _polygonal(geom)
        if geom is None:
            report.rejected.append((row, name, "not a polygon"))
            continue
        if not geom.intersects(near):
            report.rejected.append((row, name, f"lies outside {current_campaign().name} (more than ~2 km from the "
                                               f"{_extent_name()})"))
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
        gdf["area_km2"] = (gdf.to_crs(_metric()).area / 1e6).round(3)
        report.polygons = gdf[POLYGON_COLUMNS + ["geometry"]]
    return report


def _trim_overlaps(rows: list[dict], report: PolygonImport) -> None:
    """User polygons of different places must not overlap: an overlap goes to the place that
    comes first by id and is cut from the other, and the report says so."""
    for i, later in enumerate(rows):
        for earlier in rows[:i]:
            shared = later["geometry"].intersection(earlier["geometry"])
            area = gpd.GeoSeries([shared], crs=settings.WGS84).to_crs(_metric()).area.iloc[0]
            if area < MIN_OVERLAP_M2:
                continue
            later["geometry"] = _polygonal(later["geometry"].difference(earlier["geometry"])) or later["geometry"]
            report.warnings.append(
                f"polygons of {earlier['place_id']} and {later['place_id']} overlap by {area / 1e6:.3f} km²; "
                f"the overlap was kept in {earlier['place_id']} and cut from {later['place_id']}"
            )


def merge_polygons(derived: gpd.GeoDataFrame, user: gpd.GeoDataFrame,
                   report: PolygonImport | None = None) -> gpd.GeoDataFrame:
    """User polygons replace derived ones; remaining derived cells give way to user polygons.

    A derived cell that the user polygons cover entirely is dropped, and ``report`` says so."""
    if user.empty:
        return derived
    kept = derived[~derived["place_id"].isin(user["place_id"])].copy()
    cover = shapely.union_all(list(user.geometry))
    kept["geometry"] = [_polygonal(g.difference(cover)) for g in kept.geometry]
    if report is not None:
        for pid in kept.loc[kept.geometry.isna(), "place_id"]:
            report.warnings.append(f"the derived cell of {pid} lies wholly under user polygons and is not drawn")
    kept = kept[kept.geometry.notna()]
    merged = pd.concat([kept, user], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=settings.WGS84).sort_values(
        "place_id", ignore_index=True
    )


def load_polygons(path: str | Path | None = None, gazetteer: Gazetteer | None = None) -> gpd.GeoDataFrame:
    """Read a polygon set written by :func:`write_polygons` (default: the campaign's prepared set);
    a campaign without one gets its shapes derived from its points."""
    if path is None:
        gazetteer = gazetteer or load_gazetteer()
        campaign = gazetteer.campaign
        if campaign.parts:  # the whole city: each bank's shapes, each clipped to its own bank
            from mosulmap.campaign import load_campaign

            frames = [load_polygons(gazetteer=load_gazetteer(campaign.places, campaign=load_campaign(part)))
                      for part in campaign.parts]
            return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=settings.WGS84).sort_values(
                "place_id", ignore_index=True)
        if campaign.polygons is None:
            return derive_polygons(gazetteer)
        path = gazetteer.campaign.polygons
    path = Path(path)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise InputError(f"cannot read polygons: {exc}", path) from None
    missing = [c for c in ("place_id", "geometry_source", "geometry_confidence") if c not in gdf.columns]
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", path)
    return gdf


def build_polygons(
    user_file: str | Path | None = None,
    name_column: str | None = None,
    layer: str | None = None,
    resolver: Resolver | None = None,
    max_radius_m: float = DEFAULT_MAX_RADIUS_M,
) -> tuple[gpd.GeoDataFrame, PolygonImport | None]:
    """Derived polygons, with a user's polygons merged in when ``user_file`` is given."""
    resolver = resolver or Resolver()
    derived = derive_polygons(resolver.gazetteer, max_radius_m=max_radius_m)
    if user_file is None:
        return derived, None
    report = import_user_polygons(user_file, resolver, name_column, layer)
    return merge_polygons(derived, report.polygons, report), report


def write_polygons(gdf: gpd.GeoDataFrame, path: str | Path | None = None) -> Path:
    """Write a polygon set as deterministic GeoJSON (default: ``gazetteer/polygons.geojson``)."""
    return write_geojson(gdf, path or settings.POLYGONS_GEOJSON)
