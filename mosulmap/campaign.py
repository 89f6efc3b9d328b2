"""Campaigns: a city, its window and its map frame, read from a folder of data.

A campaign is a folder holding ``campaign.toml`` (read with :mod:`tomllib`) and the files it
names: the place table, the extent of the mapped area, optional shapes and context layers
(river, outline of the city, landmarks), the claims and a corpus. Every fact the stages need
about a battle (its title, window, default state, mapped scopes, metric CRS, the words that
mark an article as relevant) comes from here, so a new battle needs data, not code.

Bundled campaigns live in ``campaigns/`` (``east-mosul`` is the default); ``load_campaign``
takes a bundled name or a path. Paths in a manifest are relative to the manifest's folder.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from pathlib import Path

from shapely import union_all
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mosulmap import settings
from mosulmap.errors import InputError, MosulmapError

MANIFEST = "campaign.toml"
STATES = ("is_control", "gov_control", "contested", "unknown")


def utm_crs(geometry: BaseGeometry) -> str:
    """The UTM zone (WGS84, north or south) of a geometry's centroid, as an EPSG code."""
    point = geometry.centroid
    zone = min(60, int(math.floor((point.x + 180) / 6)) + 1)
    return f"EPSG:{(32600 if point.y >= 0 else 32700) + zone}"


@dataclass(frozen=True)
class Campaign:
    """One battle to map: what it is called, when and where, and where its data lies."""

    id: str
    title: str  # "East Mosul, 17 Oct 2016 – 24 Jan 2017"
    name: str  # "East Mosul": the mapped area in headings ("East Mosul: who held what on …")
    folder: Path
    start: date
    end: date
    scopes: tuple[str, ...]  # gazetteer scopes that are mapped
    places: Path
    extent_file: Path
    initial: str = "is_control"  # the state before any claim
    initial_since: date | None = None
    initial_note: str = ""  # "as east Mosul was from June 2014"
    claims: tuple[Path, ...] = ()
    corpus: Path | None = None
    polygons: Path | None = None  # prepared shapes; derived from the points when absent
    sourced_polygons: Path | None = None
    river: Path | None = None
    river_name: str = ""
    outline: Path | None = None  # the whole city: what lies outside the extent is drawn as context
    outline_label: str = ""
    landmarks: Path | None = None
    common_words: Path | None = None
    translated_names: Path | None = None
    city_names: tuple[str, ...] = ()  # words that make an article relevant besides place names
    not_places: tuple[str, ...] = ()  # capitalised words that never name a mapped place (province, river)
    metric_crs_code: str = ""  # derived from the extent when empty
    earliest: date | None = None  # the span claims may cover
    latest: date | None = None
    area_label: str = "the mapped area"  # "the east bank"
    description: str = ""
    front_outside: str = "gov_control"  # the state of the ground beyond the extent, for the front line
    river_is_front: bool = False
    prefer_over: tuple[str, ...] = ()  # a name shared with places of these scopes means the campaign's own
    parts: tuple[str, ...] = ()  # campaigns whose shapes this one joins (the whole city: both banks)

    @property
    def stem(self) -> str:
        """File-name stem of the campaign's outputs (``east_mosul``)."""
        return self.id.replace("-", "_")

    @cached_property
    def extent(self) -> BaseGeometry:
        return load_extent(self.extent_file)

    @cached_property
    def metric_crs(self) -> str:
        return self.metric_crs_code or utm_crs(self.extent)

    @property
    def claims_earliest(self) -> date:
        return self.earliest or (self.initial_since or self.start - timedelta(days=366))

    @property
    def claims_latest(self) -> date:
        return self.latest or self.end + timedelta(days=366)

    def year_for(self, month: int, day: int) -> int | None:
        """The year that puts a day-month inside the campaign (a month before it to a year after
        its end); None if no year or several do."""
        years = []
        for year in range(self.start.year, self.claims_latest.year + 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if self.start - timedelta(days=30) <= candidate <= self.end + timedelta(days=190):
                years.append(year)
        return years[0] if years else None


def load_extent(path: str | Path) -> BaseGeometry:
    """The extent polygon (WGS84) from a GeoJSON file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        geometries = [shape(f["geometry"]) for f in data["features"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"not a readable GeoJSON extent: {exc}", path) from None
    if not geometries:
        raise InputError("extent file has no features", path)
    return union_all(geometries)


def bundled() -> dict[str, Path]:
    """Bundled campaigns by id."""
    root = settings.CAMPAIGNS_DIR
    return {p.parent.name: p.parent for p in sorted(root.glob(f"*/{MANIFEST}"))}


def load_campaign(ref: str | Path | Campaign | None = None) -> Campaign:
    """A campaign by bundled id (``east-mosul``, ``west-mosul``, ``mosul``) or by folder path;
    None gives the default."""
    if isinstance(ref, Campaign):
        return ref
    ref = ref or settings.DEFAULT_CAMPAIGN
    known = bundled()
    folder = known.get(str(ref)) or Path(ref)
    if folder.is_file():
        folder = folder.parent
    manifest = folder / MANIFEST
    if not manifest.is_file():
        names = ", ".join(known) or "none"
        raise MosulmapError(f"{ref}: not a bundled campaign ({names}) nor a folder with {MANIFEST}")
    return _read(manifest)


def _read(manifest: Path) -> Campaign:
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the manifest: {exc}", manifest) from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+)", str(exc))
        raise InputError(f"not valid TOML ({str(exc).split(' (at')[0]})", manifest,
                         int(where.group(1)) if where else None) from None
    folder = manifest.parent.resolve()

    def get(table: str | None, key: str, kind: type, required: bool = False, default=None):
        section = data if table is None else data.get(table, {})
        if not isinstance(section, dict):
            raise InputError(f"[{table}] must be a table", manifest)
        where = f"{table}.{key}" if table else key
        if key not in section:
            if required:
                raise InputError(f"missing '{where}'", manifest)
            return default
        value = section[key]
        if kind is date and isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if kind is not date and isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        raise InputError(f"'{where}' must be {'a date (YYYY-MM-DD, unquoted)' if kind is date else kind.__name__}"
                         f" (got {value!r})", manifest)

    def path(table: str | None, key: str, required: bool = False) -> Path | None:
        value = get(table, key, str, required)
        if not value:
            return None
        resolved = (folder / value).resolve()
        if not resolved.exists():
            raise InputError(f"'{table + '.' if table else ''}{key}': {value} not found", manifest)
        return resolved

    def strings(table: str | None, key: str) -> tuple[str, ...]:
        value = get(table, key, list, default=[])
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise InputError(f"'{table}.{key}' must be a list of non-empty strings", manifest)
        return tuple(value)

    cid = get(None, "id", str, True)
    start, end = get("window", "start", date, True), get("window", "end", date, True)
    if end < start:
        raise InputError(f"window.end {end} is before window.start {start}", manifest)
    initial = get("default", "state", str, default="is_control")
    if initial not in STATES:
        raise InputError(f"default.state must be one of {', '.join(STATES)} (got {initial!r})", manifest)
    scopes = strings("area", "scopes")
    if not scopes:
        raise InputError("area.scopes must name at least one scope of the place table", manifest)
    claims_files = tuple((folder / f).resolve() for f in strings("claims", "files"))
    for f in claims_files:
        if not f.is_file():
            raise InputError(f"claims file {f} not found", manifest)
    campaign = Campaign(
        id=cid,
        title=get(None, "title", str, True),
        name=get(None, "name", str, default=cid.replace("-", " ").title()),
        description=get(None, "description", str, default=""),
        folder=folder,
        start=start,
        end=end,
        scopes=scopes,
        places=path("area", "places", True),
        extent_file=path("area", "extent", True),
        area_label=get("area", "label", str, default="the mapped area"),
        metric_crs_code=get("area", "metric_crs", str, default=""),
        initial=initial,
        initial_since=get("default", "since", date),
        initial_note=get("default", "note", str, default=""),
        claims=claims_files,
        corpus=path("claims", "corpus"),
        earliest=get("claims", "earliest", date),
        latest=get("claims", "latest", date),
        polygons=path("area", "polygons"),
        sourced_polygons=path("area", "sourced_polygons"),
        river=path("context", "river"),
        river_name=get("context", "river_name", str, default=""),
        outline=path("context", "outline"),
        outline_label=get("context", "outline_label", str, default=""),
        landmarks=path("context", "landmarks"),
        common_words=path("names", "common_words"),
        translated_names=path("names", "translated_names"),
        city_names=strings("names", "city"),
        not_places=strings("names", "not_places"),
        prefer_over=strings("area", "prefer_over"),
        front_outside=get("front", "outside", str, default="gov_control"),
        river_is_front=get("front", "river_is_front", bool, default=False),
        parts=tuple(p if p in bundled() else str((folder / p).resolve()) for p in strings(None, "parts")),
    )
    if campaign.metric_crs_code:
        from pyproj import CRS
        from pyproj.exceptions import CRSError

        try:
            crs = CRS.from_user_input(campaign.metric_crs_code)
        except CRSError:
            raise InputError(f"area.metric_crs {campaign.metric_crs_code!r} is not a CRS", manifest) from None
        if not crs.is_projected:
            raise InputError(f"area.metric_crs {campaign.metric_crs_code!r} is not a projected (metric) CRS", manifest)
    return campaign


_ACTIVE: ContextVar[Campaign | None] = ContextVar("mosulmap_campaign", default=None)


def current() -> Campaign:
    """The campaign that free functions (date windows in extraction) work in: the one set by
    :func:`using`, else the default."""
    return _ACTIVE.get() or _default()


@lru_cache(maxsize=1)
def _default() -> Campaign:
    return load_campaign(None)


@contextmanager
def using(campaign: Campaign | None) -> Iterator[Campaign]:
    """Run a block in ``campaign`` (None: the current one)."""
    token = _ACTIVE.set(campaign or current())
    try:
        yield _ACTIVE.get()
    finally:
        _ACTIVE.reset(token)
