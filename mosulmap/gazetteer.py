"""Gazetteer stage: load the place table and the extent of a campaign.

Input is a place table (the bundled ``gazetteer/places.csv``: one row per place of Mosul, each
with its scope — east bank, west bank, outside the city) and the campaign, which says which
scopes are mapped (:mod:`mosulmap.campaign`). Output is a :class:`Gazetteer` of :class:`Place`
records, the place points as a GeoDataFrame, and the extent polygon. Name resolution lives in
``resolver``; polygons in ``polygons``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from mosulmap import settings
from mosulmap.campaign import Campaign, load_campaign
from mosulmap.campaign import current as current_campaign
from mosulmap.campaign import load_extent as campaign_extent
from mosulmap.errors import InputError

SCOPE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def scope_label(scope: str) -> str:
    """How a scope reads in a sentence ("west_bank": "west bank")."""
    return scope.replace("_", " ")


WHOLE_AREA = "whole area"
REQUIRED_COLUMNS = ("place_id", "name", "arabic", "variants", "scope", "lat", "lon")
COORD_CONFIDENCE = ("high", "medium", "low", "estimated", "")


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    place_id: str
    name: str
    arabic: str
    variants: tuple[str, ...]
    scope: str
    feature_type: str
    lat: float | None
    lon: float | None
    coord_source: str
    coord_confidence: str
    sources: str
    notes: str
    aliases: tuple[str, ...] = ()  # former ids of places merged into this one
    coord_method: str = ""  # sourced, sourced_coordinate, relation_estimate, sector_estimate
    uncertainty_m: float | None = None  # stated uncertainty of an estimated point
    part_of: str = ""  # the larger unit this place belongs to (an Old City quarter: old-city)

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling the gazetteer knows for this place, canonical first."""
        return tuple(n for n in (self.name, self.arabic, *self.variants) if n)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def is_whole_area(self) -> bool:
        """True for the row standing for the whole mapped area (claims on it cover every place)."""
        return self.feature_type == WHOLE_AREA


class Gazetteer:
    """The places of the gazetteer, by id, in file order."""

    def __init__(self, places: list[Place], source: Path | None = None, campaign: Campaign | None = None) -> None:
        self.source = source
        self.campaign = campaign or current_campaign()
        self._places = {p.place_id: p for p in places}
        self._by_name = {p.name: p for p in places}
        self._aliases = {a: p.place_id for p in places for a in p.aliases}

    def __getitem__(self, place_id: str) -> Place:
        return self._places[place_id]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __len__(self) -> int:
        return len(self._places)

    def canonical_id(self, place_id: str) -> str | None:
        """The id of the place now known by ``place_id`` (itself, or a former id merged into another)."""
        if place_id in self._places:
            return place_id
        return self._aliases.get(place_id)

    def by_name(self, name: str) -> Place | None:
        """The place whose canonical name is exactly ``name`` (or, for a place merged into
        another, whose former name was: it lives on as a variant of exactly one place)."""
        place = self._by_name.get(name)
        if place is None:
            holders = [p for p in self if name in p.variants]
            place = holders[0] if len(holders) == 1 else None
        return place

    def in_scope(self, place: Place) -> bool:
        """Does the campaign map this place's scope?"""
        return place.scope in self.campaign.scopes

    def mapped(self) -> list[Place]:
        """The places in the campaign's scopes (the whole-area row included)."""
        return [p for p in self if p.scope in self.campaign.scopes]

    def members(self) -> dict[str, list[str]]:
        """Mapped places that are part of another mapped place, by that place's id."""
        out: dict[str, list[str]] = {}
        for p in self.mapped():
            if p.part_of and p.part_of in self._places and self.in_scope(self._places[p.part_of]):
                out.setdefault(p.part_of, []).append(p.place_id)
        return out

    def aggregates(self) -> set[str]:
        """Places made of parts (the Old City of its quarters, Harmat of Harmat 1–3): at least two
        mapped places are ``part_of`` them. They are not drawn over their parts; a claim on one
        sets each part that has no claim of its own (see the timeline)."""
        return {pid for pid, parts in self.members().items() if len(parts) >= 2}

    def neighbourhoods(self) -> list[Place]:
        """Mapped places that get a state of their own (all but the whole-area row and aggregates)."""
        aggregates = self.aggregates()
        return [p for p in self.mapped() if not p.is_whole_area and p.place_id not in aggregates]

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame (variants joined with ``" | "``)."""
        rows = [
            {
                "place_id": p.place_id,
                "name": p.name,
                "arabic": p.arabic,
                "variants": " | ".join(p.variants),
                "scope": p.scope,
                "feature_type": p.feature_type,
                "lat": p.lat,
                "lon": p.lon,
                "coord_source": p.coord_source,
                "coord_confidence": p.coord_confidence,
                "coord_method": p.coord_method,
                "uncertainty_m": p.uncertainty_m,
                "sources": p.sources,
            }
            for p in self
        ]
        return pd.DataFrame(rows)

    def points(self, scope: str | None = "mapped") -> gpd.GeoDataFrame:
        """Places with a point, as a GeoDataFrame in WGS84: the drawn places of the campaign's
        scopes (``"mapped"``: aggregates and the whole-area row left out), one scope, or all (None)."""
        if scope == "mapped":
            drawn = {p.place_id for p in self.neighbourhoods()}
            places = [p for p in self if p.has_point and p.place_id in drawn]
        else:
            places = [p for p in self if p.has_point and (scope is None or p.scope == scope)]
        frame = pd.DataFrame(
            {
                "place_id": [p.place_id for p in places],
                "name": [p.name for p in places],
                "coord_confidence": [p.coord_confidence for p in places],
                "coord_source": [p.coord_source for p in places],
            }
        )
        geometry = [Point(p.lon, p.lat) for p in places]
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=settings.WGS84)


def _parse_coord(raw: str, low: float, high: float, path: Path, line: int, column: str) -> float | None:
    if not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InputError("not a number", path, line, column, raw) from None
    if not low <= value <= high:
        raise InputError(f"outside {low}..{high}", path, line, column, raw)
    return value


def load_gazetteer(path: str | Path | None = None, campaign: Campaign | str | Path | None = None) -> Gazetteer:
    """Load and validate a gazetteer table.

    Parameters
    ----------
    path : str or Path, optional
        CSV with at least the columns in ``REQUIRED_COLUMNS``; defaults to the campaign's.
    campaign : Campaign, id or folder, optional
        Says which scopes are mapped (default: the current campaign, east Mosul unless set).

    Returns
    -------
    Gazetteer

    Raises
    ------
    InputError
        Missing columns, duplicate ids, unknown scopes or bad coordinates, with file and line.
    """
    campaign = load_campaign(campaign) if campaign is not None else current_campaign()
    path = Path(path or campaign.places)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read gazetteer: {exc.strerror}", path) from None
    places: list[Place] = []
    seen: set[str] = set()
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing columns {', '.join(missing)}", path, 1)
        for row in reader:
            line = reader.line_num
            pid = (row["place_id"] or "").strip()
            if not pid:
                raise InputError("empty place_id", path, line, "place_id")
            if pid in seen:
                raise InputError("duplicate place_id", path, line, "place_id", pid)
            seen.add(pid)
            scope = (row["scope"] or "").strip()
            if not SCOPE_NAME.fullmatch(scope):
                raise InputError("scope must be a lower-case name (letters, digits, _), such as old_town",
                                 path, line, "scope", row["scope"])
            lat = _parse_coord(row["lat"] or "", -90, 90, path, line, "lat")
            lon = _parse_coord(row["lon"] or "", -180, 180, path, line, "lon")
            if (lat is None) != (lon is None):
                raise InputError("lat and lon must both be given or both be empty", path, line)
            confidence = (row.get("coord_confidence") or "").strip()
            if confidence not in COORD_CONFIDENCE:
                raise InputError("unknown coord_confidence", path, line, "coord_confidence", confidence)
            places.append(
                Place(
                    place_id=pid,
                    name=row["name"].strip(),
                    arabic=(row["arabic"] or "").strip(),
                    variants=tuple(v.strip() for v in (row["variants"] or "").split("|") if v.strip()),
                    scope=scope,
                    feature_type=(row.get("feature_type") or "").strip(),
                    lat=lat,
                    lon=lon,
                    coord_source=(row.get("coord_source") or "").strip(),
                    coord_confidence=confidence,
                    sources=(row.get("sources") or "").strip(),
                    notes=(row.get("notes") or "").strip(),
                    aliases=tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()),
                    coord_method=(row.get("coord_method") or "").strip(),
                    uncertainty_m=_parse_coord(row.get("uncertainty_m") or "", 0, 100_000, path, line, "uncertainty_m"),
                    part_of=(row.get("part_of") or "").strip(),
                )
            )
    for place in places:
        if place.part_of and place.part_of not in seen:
            raise InputError(f"part_of names an unknown place_id ({place.place_id})", path, None, "part_of",
                             place.part_of)
    return Gazetteer(places, source=path, campaign=campaign)


def load_extent(path: str | Path | None = None) -> BaseGeometry:
    """The extent polygon (WGS84) of the current campaign, or of a GeoJSON file."""
    return campaign_extent(path or current_campaign().extent_file)
