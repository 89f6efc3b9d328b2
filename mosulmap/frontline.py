"""Front line and area held: what the timeline means on the ground, day by day.

The front line of a day is where ground reported government-held meets ground held or contested
by IS — reported, or assumed IS-held because no report names it yet (the union of the cells in
each group; their shared edges). It is never the city's outer edge behind the advance, never
between two government-held places, and empty when no IS ground is left. Ground outside the
mapped area counts as the campaign says (``front.outside``, government-held unless stated); the
river is a boundary, not a front, unless ``front.river_is_front``. Sector-only places (markers)
are points, not ground, and take no part. ``area_by_day`` counts places and km² per shown state
and day, assumed states apart. Inputs are a :class:`~mosulmap.timeline.Timeline`, the polygons,
the extent and a metric CRS; outputs are shapely lines (WGS84), run tables and DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mosulmap import settings
from mosulmap.parallel import day_pool
from mosulmap.timeline import SHOWN, ControlStatus, Timeline

EDGE_TOLERANCE_M = 40.0  # cells this close count as touching (derived cells share edges; outlines may not)
OUTSIDE_BAND_M = 200.0  # the ground just outside the extent, when the campaign says IS holds it
RIVER_M = 150.0  # the river's width either side of its centre line
MIN_PIECE_M = 60.0  # shorter pieces of a front are slivers of geometry, not a front
SIMPLIFY_M = 10.0


@dataclass(frozen=True)
class FrontRun:
    """One front line, valid for a run of days (indices into ``Timeline.days``, inclusive)."""

    first: int
    last: int
    line: BaseGeometry | None  # WGS84; None when no ground is reported government-held


def _ground(polygons: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    return polygons[polygons["geometry_confidence"] != "marker"].to_crs(crs)


def front_runs(timeline: Timeline, polygons: gpd.GeoDataFrame, extent: BaseGeometry, crs: str,
               outside: str = "gov_control", river: BaseGeometry | None = None,
               river_is_front: bool = False, jobs: int | None = None) -> list[FrontRun]:
    """The front line for every day, as runs of days with the same ground on each side
    (computed in the metric CRS ``crs``; ``outside``: the state of the ground beyond the extent)."""
    ground = _ground(polygons, crs)
    shapes = dict(zip(ground["place_id"], ground.geometry))
    area = gpd.GeoSeries([extent], crs=settings.WGS84).to_crs(crs).iloc[0]
    band = area.buffer(OUTSIDE_BAND_M).difference(area)  # the ground just beyond the extent
    water = gpd.GeoSeries([river], crs=settings.WGS84).to_crs(crs).iloc[0].buffer(RIVER_M) \
        if river is not None and not river_is_front else None
    if water is not None:
        band = band.difference(water)
    ours = [band] if outside == ControlStatus.GOV_CONTROL.value and not band.is_empty else []
    theirs = [band] if outside in IS_GROUND and not band.is_empty else []
    spans: list[list] = []  # [first, last, (held, enemy)]: runs of days with the same ground on each side
    for i, day in enumerate(timeline.days):
        states = {p: timeline.state(p, day) for p in shapes}
        held = tuple(sorted(p for p, s in states.items() if s.status is ControlStatus.GOV_CONTROL and not s.assumed))
        enemy = tuple(sorted(p for p, s in states.items() if s.status in IS_GROUND and p not in held))
        if spans and spans[-1][2] == (held, enemy):
            spans[-1][1] = i
        else:
            spans.append([i, i, (held, enemy)])
    keys = list(dict.fromkeys(key for _, _, key in spans))
    ground_of = (shapes, ours, theirs, crs, water)
    # each distinct line once; a long war has hundreds, drawn on every core (the same lines as one process)
    with day_pool(ground_of, keys, _line_maker, jobs if len(keys) >= PARALLEL_LINES else 1) as made:
        lines = dict(made)
    return [FrontRun(first, last, lines[key]) for first, last, key in spans]


PARALLEL_LINES = 16  # fewer lines than this are drawn in this process


def _line_maker(ground_of: tuple):
    shapes, ours, theirs, crs, water = ground_of

    def line(key: tuple) -> BaseGeometry | None:
        held, enemy = key
        return _line([shapes[p] for p in held] + ours, [shapes[p] for p in enemy] + theirs, crs, water)

    return line


IS_GROUND = (ControlStatus.IS_CONTROL, ControlStatus.CONTESTED)  # StrEnum: "is_control" matches too


def _union(shapes: list[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all([s.buffer(0.5) for s in shapes]).buffer(-0.5)


def _line(held: list[BaseGeometry], others: list[BaseGeometry], crs: str,
          water: BaseGeometry | None = None) -> BaseGeometry | None:
    """The edge of the held ground where it touches the other side's ground (not along the river
    when ``water``, its buffer, is given)."""
    if not held or not others:
        return None
    edge = _union(held).boundary.intersection(_union(others).buffer(EDGE_TOLERANCE_M))
    if water is not None:
        edge = edge.difference(water)
    parts = [g for g in shapely.get_parts(shapely.line_merge(shapely.union_all(
        [p for p in shapely.get_parts(edge) if p.geom_type in ("LineString", "LinearRing")])))
        if g.length >= MIN_PIECE_M] if not edge.is_empty else []
    if not parts:
        return None
    line = shapely.MultiLineString([shapely.LineString(p.coords) for p in parts]).simplify(SIMPLIFY_M)
    return gpd.GeoSeries([line], crs=crs).to_crs(settings.WGS84).iloc[0]


def front_frame(timeline: Timeline, runs: list[FrontRun], crs: str) -> gpd.GeoDataFrame:
    """One feature per run: ``valid_from``/``valid_to`` (inclusive), for GIS time filters."""
    days = timeline.days
    rows = [{"valid_from": days[r.first].isoformat(), "valid_to": days[r.last].isoformat(),
             "length_km": round(gpd.GeoSeries([r.line], crs=settings.WGS84).to_crs(crs).length.iloc[0]
                                / 1000, 2) if r.line is not None else 0.0,
             "definition": "where ground reported government-held meets ground held or contested by IS "
                           "(reported, or assumed IS-held: no report yet)"}
            for r in runs]
    return gpd.GeoDataFrame(rows, geometry=[r.line for r in runs], crs=settings.WGS84)


def area_by_day(timeline: Timeline, polygons: gpd.GeoDataFrame, crs: str) -> pd.DataFrame:
    """Per day and shown state: places (all neighbourhoods) and km² (drawn ground only, in ``crs``)."""
    ground = _ground(polygons, crs)
    km2 = dict(zip(ground["place_id"], ground.area / 1e6))
    rows = []
    for day in timeline.days:
        states = timeline.on(day)
        row: dict[str, object] = {"date": day.isoformat()}
        for key in SHOWN:
            chosen = [s for s in states if s.shown == key]
            row[f"{key}_places"] = len(chosen)
            row[f"{key}_km2"] = round(sum(km2.get(s.place_id, 0.0) for s in chosen), 3)
        rows.append(row)
    return pd.DataFrame(rows)
