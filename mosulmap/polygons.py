"""Polygons stage: derive approximate neighbourhood polygons, or swap in a user's real ones.

No public polygon set of Mosul neighbourhoods was reachable, so polygons are derived
deterministically: the Voronoi cell of each mapped point, clipped to the campaign's extent
and to ``max_radius_m`` around the point, computed in the campaign's metric CRS. Each carries
``geometry_source`` and ``geometry_confidence`` so maps can show it as approximate.
A user with real polygons (GeoJSON, GeoPackage, Shapefile; any CRS; a name column) merges them
in with :func:`mosulmap.user_polygons.import_user_polygons`: names go through the resolver, matched polygons replace
derived ones, and unmatched, ambiguous or broken rows are reported, never forced onto a place.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from mosulmap import settings
from mosulmap.campaign import current as current_campaign
from mosulmap.campaign import using
from mosulmap.errors import InputError
from mosulmap.gazetteer import Gazetteer, load_gazetteer
from mosulmap.io import write_geojson
from mosulmap.resolver import Resolver

if TYPE_CHECKING:
    from mosulmap.user_polygons import PolygonImport

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
    points = gazetteer.points().to_crs(metric_crs())
    area = gpd.GeoSeries([extent], crs=settings.WGS84).to_crs(metric_crs()).iloc[0]
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
        geoms[i] = polygonal(g.buffer(MARKER_RADIUS_M, 16).intersection(area))
    method = {
        "approximate": f"Voronoi cell of a sourced point among the sourced and relation-estimated points, clipped to "
                       f"the {extent_name()} and to {max_radius_m / 1000:g} km of the point",
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
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs=metric_crs())
    gdf["area_km2"] = (gdf.area / 1e6).round(3)
    gdf = gdf.to_crs(settings.WGS84)[POLYGON_COLUMNS + ["geometry"]].sort_values("place_id", ignore_index=True)
    if sourced is not None and Path(sourced).exists():
        gdf = merge_polygons(gdf, _sourced_polygons(Path(sourced), gazetteer, extent))
    return gdf


def metric_crs() -> str:
    """The campaign's metric CRS, where shapes are cut and measured."""
    return current_campaign().metric_crs


def extent_name() -> str:
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
    return [polygonal(cell.intersection(area).intersection(shapely.Point(x, y).buffer(max_radius_m, 16)))
            for (x, y), cell in zip(coords, shapely.get_parts(cells))]


def _clip_metric(geom: BaseGeometry, extent: BaseGeometry) -> BaseGeometry | None:
    """``geom`` clipped to ``extent``, computed in metres like the derived cells."""
    both = gpd.GeoSeries([geom, extent], crs=settings.WGS84).to_crs(metric_crs())
    clipped = polygonal(both.iloc[0].intersection(both.iloc[1]))
    return gpd.GeoSeries([clipped], crs=metric_crs()).to_crs(settings.WGS84).iloc[0]


def _sourced_polygons(path: Path, gazetteer: Gazetteer, extent: BaseGeometry) -> gpd.GeoDataFrame:
    raw = gpd.read_file(path).to_crs(settings.WGS84)
    rows = []
    for _, r in raw.iterrows():
        place = gazetteer[r["place_id"]]
        rows.append({"place_id": place.place_id, "name": place.name, "geometry_source": r["geometry_source"],
                     "geometry_confidence": "sourced",
                     "geometry_method": f"outline from {r['geometry_source']}, clipped to the {extent_name()}",
                     "coord_confidence": place.coord_confidence, "coord_method": place.coord_method or "sourced",
                     "uncertainty_m": place.uncertainty_m, "geometry": _clip_metric(r.geometry, extent)})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.WGS84)
    gdf["area_km2"] = (gdf.to_crs(metric_crs()).area / 1e6).round(3)
    return gdf[POLYGON_COLUMNS + ["geometry"]]


def polygonal(geom: BaseGeometry) -> BaseGeometry | None:
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


def merge_polygons(derived: gpd.GeoDataFrame, user: gpd.GeoDataFrame,
                   report: PolygonImport | None = None) -> gpd.GeoDataFrame:
    """User polygons replace derived ones; remaining derived cells give way to user polygons.

    A derived cell that the user polygons cover entirely is dropped, and ``report`` says so."""
    if user.empty:
        return derived
    kept = derived[~derived["place_id"].isin(user["place_id"])].copy()
    cover = shapely.union_all(list(user.geometry))
    kept["geometry"] = [polygonal(g.difference(cover)) for g in kept.geometry]
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
    from mosulmap.user_polygons import import_user_polygons

    report = import_user_polygons(user_file, resolver, name_column, layer)
    return merge_polygons(derived, report.polygons, report), report


def write_polygons(gdf: gpd.GeoDataFrame, path: str | Path | None = None) -> Path:
    """Write a polygon set as deterministic GeoJSON (default: ``gazetteer/polygons.geojson``)."""
    return write_geojson(gdf, path or settings.POLYGONS_GEOJSON)
