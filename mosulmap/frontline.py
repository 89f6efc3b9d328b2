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
import numpy as np
import pandas as pd
import pyproj
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
    ours = outside == ControlStatus.GOV_CONTROL.value
    beyond = band if (ours or outside in IS_GROUND) and not band.is_empty else None
    # per place and day: 1 reported government-held, 2 IS ground (reported or assumed), 0 neither
    places = sorted(shapes)
    side = np.array([[1 if s.status is ControlStatus.GOV_CONTROL and not s.assumed else
                      2 if s.status in IS_GROUND else 0 for s in timeline.states[p]] for p in places],
                    dtype=np.int8).reshape(len(places), len(timeline.days)).T
    spans: list[list] = []  # [first, last, (held, enemy)]: runs of days with the same ground on each side
    for i, row in enumerate(side):
        if i and np.array_equal(row, side[i - 1]):
            spans[-1][1] = i
        else:
            spans.append([i, i, (tuple(places[j] for j in np.flatnonzero(row == 1)),
                                 tuple(places[j] for j in np.flatnonzero(row == 2)))])
    keys = list(dict.fromkeys(key for _, _, key in spans))
    ground_of = (shapes, beyond, ours, crs, water)
    # each distinct line once; a long war has hundreds, drawn on every core (the same lines as one process)
    with day_pool(ground_of, keys, _Fronts, jobs if len(keys) >= PARALLEL_LINES else 1) as made:
        lines = dict(made)
    return [FrontRun(first, last, lines[key]) for first, last, key in spans]


PARALLEL_LINES = 16  # fewer lines than this are drawn in this process
IS_GROUND = (ControlStatus.IS_CONTROL, ControlStatus.CONTESTED)  # StrEnum: "is_control" matches too
BEYOND = "\x00beyond"  # the ground beyond the extent, as a cell of the side the campaign gives it
NEAR_M = EDGE_TOLERANCE_M + 2.0  # held cells farther than this from a cell cannot change the front along it
RIVAL_M = 2 * EDGE_TOLERANCE_M + 2.0  # other-side cells this close may claim the same stretch of front
GRID_M = 0.01  # pieces are rounded to this grid, so the ends of neighbouring pieces meet exactly


class _Fronts:
    """Front lines built from local pieces, so a day's change redraws only the front around it.

    The front is the edge of the held ground within ``EDGE_TOLERANCE_M`` of the other side's
    ground. Along one cell B of the other side, that edge depends only on the held cells within
    ``NEAR_M`` of B; a stretch near several such cells belongs to the first of them (a fixed order).
    So the piece along B is computed once per set of held neighbours and earlier rivals B has, the
    pieces of a day join where their ends meet, and each joined line (merged, slivers dropped,
    simplified, in WGS84) is computed once per set of pieces."""

    def __init__(self, ground_of: tuple) -> None:
        shapes, beyond, self.beyond_is_ours, crs, self.water = ground_of
        self.shapes = dict(shapes)
        if beyond is not None:
            self.shapes[BEYOND] = beyond
        ids = list(self.shapes)
        rank = {p: i for i, p in enumerate(ids)}
        geoms = [self.shapes[i] for i in ids]
        tree = shapely.STRtree(geoms)
        self.near = _within(tree, geoms, ids, NEAR_M)
        self.rivals = {p: [r for r in found if rank[r] < rank[p]]
                       for p, found in _within(tree, geoms, ids, RIVAL_M).items()}
        self.zones: dict[str, BaseGeometry] = {}
        self.grown: dict[str, BaseGeometry] = {}
        self.pieces: dict[tuple, list[int]] = {}  # (cell, held neighbours, earlier rivals) -> part numbers
        self.parts: list[BaseGeometry] = []
        self.ends: list[tuple[tuple[float, float], tuple[float, float]]] = []
        self.sizes: list[int] = []
        self.joined: dict[frozenset[int], list[BaseGeometry]] = {}
        to_wgs84 = pyproj.Transformer.from_crs(crs, settings.WGS84, always_xy=True)
        self.to_wgs84 = lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1]))

    def __call__(self, key: tuple) -> BaseGeometry | None:
        held, enemy = key
        held, enemy = set(held), list(enemy)
        if BEYOND in self.shapes:
            (held.add if self.beyond_is_ours else enemy.append)(BEYOND)
        theirs = set(enemy)
        parts: list[int] = []
        for b in enemy:
            local = tuple(a for a in self.near[b] if a in held)
            if local:
                parts += self._piece(b, local, tuple(r for r in self.rivals[b] if r in theirs))
        lines = [line for group in _groups(parts, self.ends) for line in self._joined(group)]
        if not lines:
            return None
        return shapely.MultiLineString(sorted(lines, key=lambda g: g.coords[0]))

    def _zone(self, b: str) -> BaseGeometry:
        if b not in self.zones:
            self.zones[b] = self.shapes[b].buffer(EDGE_TOLERANCE_M)
        return self.zones[b]

    def _piece(self, b: str, held: tuple, earlier: tuple) -> list[int]:
        """The edge of the held cells ``held`` (B's held neighbours) within the tolerance of B and
        not of an earlier cell of the other side, as numbered parts."""
        key = (b, held, earlier)
        found = self.pieces.get(key)
        if found is None:
            grown = [self.grown[a] if a in self.grown else self.grown.setdefault(a, _grown(self.shapes[a]))
                     for a in held]
            edge = _closed(grown).boundary.intersection(self._zone(b))
            if earlier and not edge.is_empty:
                edge = edge.difference(shapely.union_all([self._zone(r) for r in earlier]))
            if self.water is not None and not edge.is_empty:
                edge = edge.difference(self.water)
            found = []
            lines = [p for p in shapely.get_parts(edge)
                     if p.geom_type in ("LineString", "LinearRing") and not p.is_empty and p.length > 0]
            for line in shapely.get_parts(shapely.line_merge(shapely.MultiLineString(
                    [shapely.LineString(p.coords) for p in lines]))) if lines else []:
                xy = np.round(shapely.get_coordinates(line) / GRID_M) * GRID_M
                if len(xy) >= 2 and line.length > 0:
                    found.append(len(self.parts))
                    self.parts.append(shapely.LineString(xy))
                    self.ends.append((tuple(xy[0]), tuple(xy[-1])))
                    self.sizes.append(len(xy))
            self.pieces[key] = found
        return found

    def _joined(self, group: frozenset[int]) -> list[BaseGeometry]:
        """The lines of a group of touching parts: merged, slivers dropped, simplified, in WGS84."""
        found = self.joined.get(group)
        if found is None:
            ends = self.ends  # an order that does not depend on the order parts were first met
            parts = [self.parts[i] for i in sorted(group, key=lambda i: (ends[i], self.sizes[i]))]
            merged = shapely.get_parts(shapely.line_merge(shapely.MultiLineString(parts)))
            # Douglas-Peucker on each joined line (a line needs no topology kept; many times faster)
            found = [shapely.transform(line.simplify(SIMPLIFY_M, preserve_topology=False), self.to_wgs84)
                     for line in merged if line.length >= MIN_PIECE_M]
            self.joined[group] = found
        return found


def _within(tree: shapely.STRtree, geoms: list, ids: list[str], distance: float) -> dict[str, list[str]]:
    a, b = tree.query(geoms, predicate="dwithin", distance=distance)
    found: dict[str, list[str]] = {i: [] for i in ids}
    for x, y in zip(a.tolist(), b.tolist()):
        if x != y:
            found[ids[x]].append(ids[y])
    return found


def _groups(parts: list[int], ends: list[tuple]) -> list[frozenset[int]]:
    """Parts joined through shared ends (union-find)."""
    parent = {i: i for i in parts}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple, int] = {}
    for i in parts:
        for end in ends[i]:
            j = owner.setdefault(end, i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, set[int]] = {}
    for i in parts:
        groups.setdefault(root(i), set()).add(i)
    return [frozenset(g) for g in groups.values()]


def _union(shapes: list[BaseGeometry]) -> BaseGeometry:
    """The ground of ``shapes`` as one area, gaps under a metre between them closed."""
    return _closed([_grown(s) for s in shapes])


def _grown(shape: BaseGeometry) -> BaseGeometry:
    return shape.buffer(0.5)


def _closed(grown: list[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all(grown).buffer(-0.5)


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
