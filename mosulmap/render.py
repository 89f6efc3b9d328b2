"""Render stage: HTML maps of the timeline (one per day, one with a date slider) and an index.

Inputs are a :class:`~mosulmap.timeline.Timeline`, the gazetteer and the polygons; outputs are
HTML strings (``pipeline`` writes them). Maps use folium with no basemap by default (the
east-bank extent and the Tigris are drawn instead) and a local copy of Leaflet, so they work
offline. Every text that comes from a source — names, quotes, headlines — is HTML-escaped here,
and JSON placed inside ``<script>`` has ``<``, ``>`` and ``&`` escaped, so a quote holding
``<script>`` shows as text. Element ids are deterministic so rebuilds are byte-identical.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from html import escape
from importlib import resources

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from shapely.geometry import shape

from mosulmap import settings
from mosulmap.context import beyond, landmarks, river_label
from mosulmap.frontline import area_by_day, front_runs
from mosulmap.gazetteer import Gazetteer
from mosulmap.io import round_geometry
from mosulmap.style import (
    ASSUMED_OPACITY,
    CHANGED_EDGE,
    DISPUTED_EDGE,
    GEOMETRY_STYLES,
    RECENT_DISPUTE_DAYS,
    STATUS_COLORS,
    WEAK_FACTOR,
    geometry_style,
    rgba,
    shape_styles,
    shown_label,
)
from mosulmap.timeline import SHOWN, ControlState, ControlStatus, Timeline

MAP_DECIMALS = 5  # ~1 m; keeps embedded GeoJSON small


@dataclass(frozen=True)
class UnplacedName:
    """A place name from the claims that could not be mapped, and where it came from."""

    name: str
    source: str
    reason: str


@dataclass
class MapData:
    """Everything the renderers need, prepared once per build."""

    timeline: Timeline
    gazetteer: Gazetteer
    polygons: gpd.GeoDataFrame
    extent: dict
    river: dict
    unplaced: list[UnplacedName] = field(default_factory=list)
    tiles: str | None = None

    def __post_init__(self) -> None:
        polys = self.polygons[self.polygons["place_id"].isin(self.timeline.place_ids)]
        self.polygons = polys.sort_values("place_id", ignore_index=True)
        self.drawn = list(self.polygons["place_id"])
        drawn = set(self.drawn)
        # Places with claims but nothing to draw are listed beside the map instead.
        self.undrawn = [p for p in self.timeline.place_ids if p not in drawn and self._has_claims(p)]
        self.campaign = self.gazetteer.campaign
        extent = shapely.union_all([shape(f["geometry"]) for f in self.extent["features"]])
        river = shapely.union_all([shape(f["geometry"]) for f in self.river.get("features", [])]) \
            if self.river.get("features") else None
        self.fronts = front_runs(self.timeline, self.polygons, extent, self.campaign.metric_crs,
                                 self.campaign.front_outside, river, self.campaign.river_is_front)
        west = beyond(self.campaign)
        west_point = shapely.union_all([shape(f["geometry"]) for f in west["features"]]).representative_point() \
            if west["features"] else None
        label = river_label(self.river) if self.campaign.river_name else None
        self.context = {"west": west, "landmarks": landmarks(self.gazetteer),
                        "riverLabel": list(label) if label else None,
                        "riverName": escape(self.campaign.river_name),
                        "westName": escape(self.campaign.outline_label).replace(" (", "<br>(").replace(
                            " here)", ")"),
                        "westLabel": [west_point.y, west_point.x] if west_point is not None else None}
        # Labels, larger places first (they win when labels collide).
        metric = self.polygons.to_crs(self.campaign.metric_crs)
        order = metric.assign(_a=metric.area).sort_values("_a", ascending=False)
        self.labels = [[round(pt.y, 5), round(pt.x, 5), escape(_short(self.gazetteer[pid].name)), pid]
                       for pid, pt in zip(order["place_id"], order.to_crs(settings.WGS84).representative_point())]

    @cached_property
    def _row(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.timeline.place_ids)}

    @cached_property
    def evidence(self):
        """(filtered, smoothed) P(gov, contested, IS) per place (timeline order) and day, from the
        evidence model (:mod:`mosulmap.evidence`)."""
        from mosulmap.evidence import posteriors

        filtered, smoothed, _ = posteriors(self.timeline)
        return filtered, smoothed

    @cached_property
    def area_by_day(self) -> pd.DataFrame:
        """Places and km² per shown state and day (``area_by_day.csv`` and its chart)."""
        return area_by_day(self.timeline, self.polygons, self.campaign.metric_crs)

    def front(self, day: date) -> dict | None:
        """The front line of ``day`` as a GeoJSON geometry (None when nothing is held)."""
        i = (day - self.timeline.start).days
        run = next(r for r in self.fronts if r.first <= i <= r.last)
        return _round_geometry(run.line)

    def _has_claims(self, place_id: str) -> bool:
        return any(not self.gazetteer[c.place_ids[0]].is_whole_area for c in self.timeline.history[place_id])


def _short(name: str) -> str:
    return name.split(" (")[0]


def _round_geometry(geom) -> dict | None:
    return round_geometry(geom, MAP_DECIMALS)


def _template(name: str) -> str:
    return resources.files("mosulmap").joinpath("templates", name).read_text(encoding="utf-8")


def js_json(obj: object) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                       ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


@contextmanager
def deterministic_ids() -> Iterator[None]:
    """Make folium/branca element ids a counter instead of random, for reproducible files."""
    counter = itertools.count()
    original = Element.__dict__["_generate_id"]
    Element._generate_id = classmethod(lambda cls: f"{next(counter):016x}")
    try:
        yield
    finally:
        Element._generate_id = original


class RawHTML(Element):
    """HTML added to a page as it is. branca's ``Element(text)`` compiles ``text`` as a Jinja
    template, so ``{{ … }}`` in a quote would run at build time; this element is never compiled."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self._html = html

    def render(self, **kwargs) -> str:
        return self._html


class PageScript(MacroElement):
    """A fixed script from ``templates/`` and the JSON blocks it reads with ``JSON.parse``
    (``<script type="application/json" id="KEY">``): the data never becomes template source."""

    def __init__(self, template: str, blocks: dict[str, object]) -> None:
        super().__init__()
        self._name = "MosulmapLayer"
        self.template_name = template
        self.blocks = blocks

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        for key, value in self.blocks.items():
            block = f'<script type="application/json" id="{key}">{js_json(value)}</script>'
            figure.html.add_child(RawHTML(block), name=f"mosulmap_{key}")
        script = _template(self.template_name).replace("__MAP__", self._parent.get_name())
        figure.script.add_child(RawHTML(script), name=self.get_name())


# -- HTML fragments (all source text escaped) ----------------------------------------------------

def _text(value: str) -> str:
    """Source text for HTML: escaped, and isolated so bidi controls in it cannot reorder the page."""
    return f"<bdi>{escape(value)}</bdi>"


def place_header(gazetteer: Gazetteer, place_id: str) -> str:
    place = gazetteer[place_id]
    arabic = f' <span dir="rtl" lang="ar">{escape(place.arabic)}</span>' if place.arabic else ""
    variants = ", ".join(escape(v) for v in place.variants[:10])
    also = f'<p class="mm-variants">Also written: {variants}</p>' if variants else ""
    return f'<div class="mm-popup"><h4>{escape(place.name)}{arabic}</h4>{also}</div>'


def place_tip(gazetteer: Gazetteer, place_id: str) -> str:
    place = gazetteer[place_id]
    arabic = f' <span dir="rtl" lang="ar">{escape(place.arabic)}</span>' if place.arabic else ""
    return f"<b>{escape(place.name)}</b>{arabic}"


METHOD_LABELS = {"sourced": "from a source", "sourced_coordinate": "a source's coordinate",
                 "relation_estimate": "estimated from stated relations", "sector_estimate": "only the sector is known"}


def point_note(gazetteer: Gazetteer, place_id: str) -> str:
    """How the place's point was placed: method, uncertainty and source."""
    place = gazetteer[place_id]
    if not place.has_point:
        return "no position: no source locates it"
    method = METHOD_LABELS.get(place.coord_method or "sourced", place.coord_method)
    uncertainty = f", ±{place.uncertainty_m:g} m" if place.uncertainty_m else ""
    source = f" ({place.coord_source[:160]})" if place.coord_source else ""
    return f"point {method}{uncertainty}{source}"


def geometry_note(row: pd.Series, gazetteer: Gazetteer) -> str:
    text = geometry_style(str(row["geometry_confidence"]))[3]
    return (
        f'<p class="mm-geom">Shape: {escape(text)} [{escape(str(row["geometry_source"]))}]; '
        f'{escape(point_note(gazetteer, row["place_id"]))}</p>'
    )


def weak_state(tl: Timeline, state: ControlState) -> bool:
    """Does the state rest only on low-confidence reports?"""
    return bool(state.claim_ids) and all(tl.claims[c].confidence == "low" for c in state.claim_ids)


def status_changed(tl: Timeline, place_id: str, day: date) -> bool:
    """Did the shown state change on ``day`` (not only its claims or its disputed flag)?"""
    return day > tl.start and tl.state(place_id, day).shown != tl.state(place_id, day - timedelta(days=1)).shown


def _swatch(color: str, opacity: float, border: str = "1px solid #555") -> str:
    return f'<i style="background:{rgba(color, opacity)};border:{border}"></i>'


def _border(dash: str | None, width: float = 2, edge: str = "#333") -> str:
    kind = "solid" if not dash else "dotted" if dash.startswith("1 ") else "dashed"
    return f"{width:g}px {kind} {edge}"


def format_day(day: date) -> str:
    """The one way dates are written for readers: "Fri 4 Nov 2016"."""
    return day.strftime("%a %-d %b %Y")


def _legend(data: MapData) -> str:
    initial, campaign = data.timeline.initial, data.campaign
    opacity = GEOMETRY_STYLES["approximate"][0]
    reported = "".join(
        f"<div>{_swatch(STATUS_COLORS[s], opacity)}{s.label}</div>"
        for s in ControlStatus if s is not ControlStatus.UNKNOWN or initial is ControlStatus.UNKNOWN
    )
    color = STATUS_COLORS[initial]
    hatch = (f"repeating-linear-gradient(45deg,{rgba(color, 0.75)} 0 2px,{rgba(color, ASSUMED_OPACITY)} 2px 5px)"
             if initial is not ControlStatus.UNKNOWN else rgba(color, ASSUMED_OPACITY))
    since = f" (the default, as since {campaign.initial_since:%B %Y})" if campaign.initial_since and \
        initial.value == campaign.initial else " (the default)"
    assumed = (f'<div><i style="background:{hatch};border:{_border("1 4", 1)}"></i>'
               f"{escape(shown_label('assumed', initial))}{escape(since)}</div>")
    weak = (f"<div>{_swatch(STATUS_COLORS[ControlStatus.GOV_CONTROL], opacity * WEAK_FACTOR, _border('2 3', 1))}"
            "lighter, short dashes: only low-confidence reports</div>")
    shapes = "".join(f"<div>{_swatch('#ffffff', 1, _border(dash))}{escape(text)}</div>"
                     for _, dash, text in shape_styles(data.polygons["geometry_confidence"]))
    return (
        f'<div class="mm-box mm-legend" tabindex="0"><b>Control, as reported</b>{reported}{assumed}{weak}'
        f'<div>{_swatch("#ffffff", 1, _border(None, 2.5, CHANGED_EDGE))}blue edge: its state changed that day</div>'
        f'<b>Shape</b>{shapes}'
        '<div><i style="background:#fff;border:0;border-top:3px dashed #000;height:0;margin-top:6px"></i>'
        'front line: where government-held ground meets IS-held, contested or assumed IS-held ground</div>'
        f'<div>{_swatch("#ffffff", 1, _border(None, 3, DISPUTED_EDGE))}disputed: same-day reports disagree '
        f'(thin dashes: the disagreement is over {RECENT_DISPUTE_DAYS} days old)</div></div>'
    )


UNPLACED_SOURCES = 3  # sources named beside each unplaced name on the maps (unresolved.csv has them all)


def _unplaced_html(data: MapData) -> str:
    """Names not on the map, one line per name and reason with how many reports gave it: an archive
    that names one unknown place in 600 reports gives one line, not 600."""
    if not data.unplaced:
        return ""
    groups: dict[tuple[str, str], list[str]] = {}
    for u in data.unplaced:
        groups.setdefault((u.name, u.reason), []).append(u.source)
    items = []
    for (name, reason), sources in groups.items():
        shown = "; ".join(_text(s) for s in sources[:UNPLACED_SOURCES])
        more = f"; and {len(sources) - UNPLACED_SOURCES} more" if len(sources) > UNPLACED_SOURCES else ""
        reports = f"{len(sources)} reports: " if len(sources) > 1 else ""
        items.append(f"<li>{_text(name)} <span class='mm-basis'>({escape(reason)}; {reports}{shown}{more})</span></li>")
    return (f"<h2>Names not on the map ({len(groups)})</h2><ul>{''.join(items)}</ul>"
            "<p class='mm-basis'>Every report: unresolved.csv</p>")


def lib_files() -> dict[str, bytes]:
    """The files of a map folder's ``lib/``: Leaflet (with its licence) and the maps' own script and style."""
    leaflet = resources.files("mosulmap").joinpath("vendor", "leaflet")
    files = {name: leaflet.joinpath(name).read_bytes() for name in ("leaflet.js", "leaflet.css", "LICENSE")}
    return files | {"mosulmap.js": _template("common.js").encode(), "mosulmap.css": _template("page.css").encode()}


def _base_map(data: MapData, lib: str) -> folium.Map:
    """A folium map using Leaflet from ``lib`` (a relative folder, or "inline" to embed it)."""
    centre = data.campaign.extent.centroid  # the map then fits the extent's bounds (common.js)
    m = folium.Map(location=(round(centre.y, 5), round(centre.x, 5)), zoom_start=12, tiles=None, control_scale=True,
                   prefer_canvas=False, zoom_snap=0.25)  # quarter zoom steps: the extent fills a phone
    if lib == "inline":  # a single self-contained file, e.g. for a notebook iframe
        leaflet = resources.files("mosulmap").joinpath("vendor", "leaflet")
        m.default_js, m.default_css = [], []
        m.get_root().header.add_child(
            RawHTML(f"<style>{leaflet.joinpath('leaflet.css').read_text(encoding='utf-8')}</style>"
                    f"<script>{leaflet.joinpath('leaflet.js').read_text(encoding='utf-8')}</script>"
                    f"<style>{_template('page.css')}</style><script>{_template('common.js')}</script>"),
            name="leaflet_inline",
        )
    else:  # the page's own script and style are shared files too (lib_files)
        m.default_js = [("leaflet", f"{lib}/leaflet.js"), ("mosulmap", f"{lib}/mosulmap.js")]
        m.default_css = [("leaflet_css", f"{lib}/leaflet.css"), ("mosulmap_css", f"{lib}/mosulmap.css")]
    if data.tiles:
        folium.TileLayer(data.tiles, opacity=0.5).add_to(m)
    return m


def _drawing_order(polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Markers (sector-only places) last, so they sit on top of the cells."""
    return polygons.assign(_m=polygons["geometry_confidence"] == "marker").sort_values(
        ["_m", "place_id"], kind="stable").drop(columns="_m")


def _titled(html: str, title: str) -> str:
    return html.replace("<head>", f"<head>\n    <title>{escape(title)}</title>", 1)


def render_index(data: MapData, days: list[date], summary: dict[str, object], snapshots: bool = True,
                 chart: bool = False) -> str:
    """The landing page: links to every map, snapshot and export, the area chart and the summary."""
    tl = data.timeline
    rows = []
    for day in days:
        states = tl.on(day)
        n = {k: sum(st.shown == k for st in states) for k in SHOWN}
        png = f' · <a href="snapshots/{day.isoformat()}.png">PNG</a>' if snapshots else ""
        rows.append(
            f"<tr><td><a href=\"maps/{day.isoformat()}.html\">{format_day(day)}</a>{png} · "
            f"<a href=\"timeline.html#{day.isoformat()}\">slider</a></td>"
            + "".join(f"<td>{n[k]}</td>" for k in SHOWN)
            + f"<td>{sum(st.disputed for st in states)}</td></tr>"
        )
    facts = "".join(f"<li>{escape(str(k))}: {escape(str(v))}</li>" for k, v in summary.items())
    head = "".join(f"<th>{escape(shown_label(k, tl.initial))}</th>" for k in SHOWN)
    campaign = data.campaign
    name = escape(campaign.name)
    note = campaign.initial_note if tl.initial.value == campaign.initial else ""
    default_note = escape(f", {note}") if note else ""
    figure = (f'<p><img src="area_by_day.png" alt="Area of {name} held by each side per day" '
              'style="max-width:100%">'
              '<br><small>Drawn area (km², sector-only markers excluded) per shown state and day; assumed states '
              'apart. Data: <a href="area_by_day.csv">area_by_day.csv</a>.</small></p>') if chart else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mosulmap: {name} control maps</title>
<style>body{{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:64em}}td,th{{padding:2px 8px;text-align:right}}
td:first-child{{text-align:left}}</style></head><body>
<h1>{name}, {format_day(tl.start)} – {format_day(tl.end)}: who held which neighbourhood</h1>
<p><a href="timeline.html"><b>Map with a date slider</b></a> (every day; play, compare two dates) ·
exports: <a href="control.csv">control.csv</a>, <a href="control.geojson">control.geojson</a>,
<a href="frontline.geojson">frontline.geojson</a>, <a href="control.gpkg">control.gpkg</a> (QGIS/ArcGIS),
<a href="claims.csv">claims.csv</a>, <a href="claims.parquet">claims.parquet</a>,
<a href="area_by_day.csv">area_by_day.csv</a>, <a href="unresolved.csv">unresolved.csv</a></p>
{figure}
<ul>{facts}</ul>
<p>Shapes are derived from sourced or estimated points unless an outline is sourced or user-supplied; each map's
legend says which is which. Before any report a neighbourhood is shown as assumed {tl.initial.label}{default_note},
drawn faint and counted apart.</p>
<table><tr><th>map for the day</th>{head}<th>disputed</th></tr>
{"".join(rows)}
</table></body></html>
"""
