"""Front line and area held: what the timeline means on the ground, day by day.

The front line of a day is the edge of the government-held ground (the union of the shapes whose
state a claim reports as government-held) where it does not run along the outer edge of the
mapped area: the line between that ground and everything not yet reported taken, so
contested places sit on it. Sector-only places (markers) are points, not ground, and take no
part. ``area_by_day`` counts places and km² per shown state and day, assumed states apart.
Inputs are a :class:`~mosulmap.timeline.Timeline`, the polygons, the extent and a metric CRS; outputs
are shapely lines (WGS84), run tables and DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mosulmap import settings
from mosulmap.timeline import SHOWN, ControlStatus, Timeline

EDGE_TOLERANCE_M = 40.0  # a cell edge this close to the extent's outline is the outline, not a front
SIMPLIFY_M = 10.0


@dataclass(frozen=True)
class FrontRun:
    """One front line, valid for a run of days (indices into ``Timeline.days``, inclusive)."""

    first: int
    last: int
    line: BaseGeometry | None  # WGS84; None when no ground is reported government-held


def _ground(polygons: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    return polygons[polygons["geometry_confidence"] != "marker"].to_crs(crs)


def front_runs(timeline: Timeline, polygons: gpd.GeoDataFrame, extent: BaseGeometry, crs: str) -> list[FrontRun]:
    """The front line for every day, as runs of days with the same government-held ground
    (computed in the metric CRS ``crs``)."""
    ground = _ground(polygons, crs)
    shapes = dict(zip(ground["place_id"], ground.geometry))
    outline = gpd.GeoSeries([extent], crs=settings.WGS84).to_crs(crs).iloc[0].boundary
    outline = outline.buffer(EDGE_TOLERANCE_M)
    runs: list[FrontRun] = []
    previous: tuple[str, ...] | None = None
    for i, day in enumerate(timeline.days):
        held = tuple(sorted(p for p in shapes if timeline.state(p, day).status is ControlStatus.GOV_CONTROL
                            and not timeline.state(p, day).assumed))
        if held == previous:
            runs[-1] = FrontRun(runs[-1].first, i, runs[-1].line)
            continue
        previous = held
        runs.append(FrontRun(i, i, _line([shapes[p] for p in held], outline, crs)))
    return runs


def _line(shapes: list[BaseGeometry], outline: BaseGeometry, crs: str) -> BaseGeometry | None:
    if not shapes:
        return None
    area = shapely.union_all([s.buffer(0.5) for s in shapes]).buffer(-0.5)
    line = area.boundary.difference(outline).simplify(SIMPLIFY_M)
    if line.is_empty:
        return None
    return gpd.GeoSeries([line], crs=crs).to_crs(settings.WGS84).iloc[0]


def front_frame(timeline: Timeline, runs: list[FrontRun], crs: str, area_label: str = "the mapped area"
                ) -> gpd.GeoDataFrame:
    """One feature per run: ``valid_from``/``valid_to`` (inclusive), for GIS time filters."""
    days = timeline.days
    rows = [{"valid_from": days[r.first].isoformat(), "valid_to": days[r.last].isoformat(),
             "length_km": round(gpd.GeoSeries([r.line], crs=settings.WGS84).to_crs(crs).length.iloc[0]
                                / 1000, 2) if r.line is not None else 0.0,
             "definition": f"edge of the ground reported government-held, away from {area_label}'s outline"}
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
