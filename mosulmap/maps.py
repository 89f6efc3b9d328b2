"""The interactive maps: the slider over every day, and each dated map, the same view pinned to one day.

Both read one data file. :func:`timeline_payload` gathers what the page script
(``templates/slider.js``) needs for every day: each shape once, each place's states as runs, the
claims behind them as compact rows (escaped and laid out in the page), the front lines, the day's
counts and the weighed evidence. A build writes it once as ``data/timeline.js``
(:func:`timeline_script`); ``timeline.html`` is the slider over it, and ``maps/DAY.html`` is the
same view pinned to one day: a few KB each, however many places and days. A self-contained page
(``lib="inline"``, for notebooks) carries the data in itself instead. Every source text is escaped
in Python (names, notes) or by the page's ``mosulmapEsc`` (claims), and data reaches the page only
through ``JSON.parse``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from html import escape

import geopandas as gpd
import numpy as np

from mosulmap.claim_lists import CLAIM_HEAD, claims_file, compact_claim
from mosulmap.claims import Claim
from mosulmap.gazetteer import Gazetteer
from mosulmap.io import geojson_dict
from mosulmap.render import (
    MAP_DECIMALS,
    MapData,
    PageScript,
    RawHTML,
    _base_map,
    _drawing_order,
    _legend,
    _round_geometry,
    _titled,
    _unplaced_html,
    deterministic_ids,
    format_day,
    geometry_note,
    js_json,
    place_header,
    place_tip,
    status_changed,
    weak_state,
)
from mosulmap.style import (
    ASSUMED_OPACITY,
    CHANGED_EDGE,
    DISPUTED_EDGE,
    GEOMETRY_STYLES,
    RECENT_DISPUTE_DAYS,
    STATUS_COLORS,
    WEAK_FACTOR,
    geometry_style,
    shown_color,
    shown_label,
)
from mosulmap.timeline import SHOWN, ControlState, ControlStatus, Timeline

DATA_FILE = "data/timeline.js"  # the maps' shared data, relative to the output folder
STATE_CLAIMS = 3  # claims behind the state shown in a popup
RECENT_CLAIMS = 3  # and the latest others; the full list is one click away (claims/PLACE.js)
POPUP_QUOTE = 240  # characters of a quote in a popup (the full list has it whole)
WEIGHED_STATES = ("gov_control", "contested", "is_control")


def _latest(tl: Timeline, place_id: str, day: date, state: ControlState, n_behind: int,
            n_others: int) -> tuple[list[Claim], list[Claim], int]:
    """The latest claims behind ``state`` and the latest others up to ``day`` (newest first), and
    how many claims there are up to that day. History is sorted by date: bisect, then walk back
    only as far as needed, so a popup costs the same with 300 claims or 200,000."""
    from bisect import bisect_right

    history = tl.history[place_id]
    count = bisect_right(history, day, key=lambda c: c.date)
    behind: list[Claim] = []
    others: list[Claim] = []
    for i in range(count - 1, -1, -1):
        c = history[i]
        if c.claim_id in state.claim_ids:
            if len(behind) < n_behind:
                behind.append(c)
        elif len(others) < n_others:
            others.append(c)
        if len(behind) >= min(n_behind, len(state.claim_ids)) and len(others) >= n_others:
            break
    return behind, others, count


def _intervals(tl: Timeline, place_id: str) -> list[list]:
    """A place's states as compact runs: [first, last, shown code, disputed, the claims behind the state
    (at most STATE_CLAIMS), since, basis, day index of the last report (may precede the window; None
    before any), the latest other claims (at most RECENT_CLAIMS), claims so far, claims behind the
    state, only low-confidence reports behind it, the shown state changed on its first day]."""
    codes = {k: i for i, k in enumerate(SHOWN)}
    out = []
    for first, last, s in tl.runs(place_id):
        report = (s.last_report - tl.start).days if s.last_report else None
        behind, others, count = _latest(tl, place_id, tl.days[last], s, STATE_CLAIMS, RECENT_CLAIMS)
        out.append([first, last, codes[s.shown], s.disputed, [c.claim_id for c in behind],
                    format_day(s.since) if s.since and not s.assumed else "", s.basis, report,
                    [c.claim_id for c in others], count, len(s.claim_ids), weak_state(tl, s),
                    status_changed(tl, place_id, tl.days[first])])
    return out


def _place(tl: Timeline, gaz: Gazetteer, place_id: str, geom: int | None, style: tuple) -> dict:
    opacity, dash, weight, _ = style
    return {
        "id": place_id,
        "tip": place_tip(gaz, place_id),
        "header": place_header(gaz, place_id),
        "geom": geom,
        "shape": [opacity, dash, weight],
        "claimsFile": "claims/" + claims_file(place_id),
        "intervals": _intervals(tl, place_id),
    }


def _weighed_runs(probs: np.ndarray) -> list[list[int]]:
    """Runs [first, last, most probable state, its probability in tenths] of one place's P(state) by day."""
    best = probs.argmax(axis=1)
    tenths = np.rint(probs[np.arange(len(best)), best] * 10).astype(int)
    runs: list[list[int]] = []
    for t, (s, p) in enumerate(zip(best.tolist(), tenths.tolist())):
        if runs and runs[-1][2:] == [s, p]:
            runs[-1][1] = t
        else:
            runs.append([t, t, s, p])
    return runs


def timeline_payload(data: MapData) -> dict:
    """Everything the slider and the dated maps show, for every day: geometry stored once, states
    as runs, claims as compact rows that only the runs cite."""
    tl, gaz = data.timeline, data.gazetteer
    polygons = _drawing_order(data.polygons)
    geom_notes: dict[str, int] = {}
    meta = []
    for pid, confidence, source in zip(polygons["place_id"], polygons["geometry_confidence"],
                                       polygons["geometry_source"]):
        note = geometry_note({"place_id": pid, "geometry_confidence": confidence, "geometry_source": source}, gaz)
        meta.append(_place(tl, gaz, pid, geom_notes.setdefault(note, len(geom_notes)), geometry_style(confidence)))
    nopoly = [_place(tl, gaz, p, None, geometry_style("approximate")) for p in data.undrawn]
    used: dict[str, Claim] = {}
    for place in meta + nopoly:
        for iv in place["intervals"]:
            for cid in iv[4] + iv[8]:
                used.setdefault(cid, tl.claims[cid])
    codes = {k: i for i, k in enumerate(SHOWN)}
    reported = {c.date for pid in tl.place_ids for c in tl.history[pid]}
    per_day = [[0] * len(SHOWN) for _ in tl.days]
    for pid in tl.place_ids:
        for i, state in enumerate(tl.states[pid]):
            per_day[i][codes[state.shown]] += 1
    filtered, smoothed = data.evidence
    rows = [data._row[p["id"]] for p in meta]
    return {
        "days": [d.isoformat() for d in tl.days],
        "dayLabels": [format_day(d) for d in tl.days],
        "changes": [(d - tl.start).days for d in tl.change_days()],
        "counts": per_day,
        "total": len(tl.place_ids),
        "start": max((i for i, d in enumerate(tl.days) if d in reported), default=0),  # latest day with a report
        "hatch": shown_color("assumed", tl.initial),
        "shown": [{"label": shown_label(k, tl.initial), "color": shown_color(k, tl.initial),
                   "opacity": ASSUMED_OPACITY if k == "assumed" else GEOMETRY_STYLES["approximate"][0]} for k in SHOWN],
        "assumedCode": codes["assumed"],
        "assumedOpacity": ASSUMED_OPACITY,
        "weakFactor": WEAK_FACTOR,
        "changedEdge": CHANGED_EDGE,
        "recentDispute": RECENT_DISPUTE_DAYS,
        "disputedEdge": DISPUTED_EDGE,
        # compact rows, escaped and laid out in the page (mosulmapClaimRow in common.js): the data grows
        # with places and days, not with claims
        "claims": [compact_claim(c, POPUP_QUOTE) for _, c in sorted(used.items())],
        "claimHead": CLAIM_HEAD,
        "geom": list(geom_notes),
        "meta": meta,
        "nopoly": nopoly,
        "extent": data.extent,
        "river": data.river,
        "places": geojson_dict(
            gpd.GeoDataFrame({"i": list(range(len(meta)))}, geometry=list(polygons.geometry), crs=4326),
            MAP_DECIMALS,
        ),
        "fronts": [[r.first, r.last, _round_geometry(r.line)] for r in data.fronts],
        # the weighed evidence, per drawn place: runs [first, last, most probable state, its probability in
        # tenths], from the reports up to each day (the map's toggle) and from all reports (in popups)
        "weighed": [_weighed_runs(filtered[i]) for i in rows],
        "weighedAll": [_weighed_runs(smoothed[i]) for i in rows],
        "stateColors": [STATUS_COLORS[ControlStatus(s)] for s in WEIGHED_STATES],
        "stateLabels": [ControlStatus(s).label for s in WEIGHED_STATES],
        "labels": data.labels,
        "unplaced": _unplaced_html(data),  # escaped here; the panel shows it
        **data.context,
    }


def timeline_script(data: MapData) -> str:
    """The shared data file (``data/timeline.js``): the payload as a JSON string the page parses
    with ``JSON.parse``, so nothing in it is ever read as code. A script, so it loads from a folder
    opened without a server."""
    return f"window.mosulmapTimeline = JSON.parse({js_json(js_json(timeline_payload(data)))});\n"


_WEIGHED_TOGGLE = (
    '<label class="mm-toggle"><input type="checkbox" id="mm-weighed"> weighed evidence (model, from the '
    'reports up to the day: colour = most probable state, strength = its probability; places no report names '
    'stay assumed; the map\'s default is the latest-claim rule)</label>'
)


def _panel(data: MapData) -> str:
    """The side panel; the page fills in the day's lists (and the dates to compare, from the data)."""
    return ('<div class="mm-box mm-panel"><h2>Compare two dates</h2><div class="mm-compare">'
            '<select id="mm-from" aria-label="from date"></select> → <select id="mm-to" aria-label="to date"></select>'
            '</div><p id="mm-diff-count" class="mm-basis"></p><ul id="mm-diff"></ul>'
            f'<h2>Claimed places no source locates ({len(data.undrawn)})</h2>'
            '<ul id="mm-nopoly"></ul><div id="mm-unplaced"></div></div>')


def _page(data: MapData, lib: str, shared: str | None, controls: str, view: dict, title: str) -> str:
    """A page of the timeline view: the shared data file from ``shared`` (relative), or with the
    data in the page when ``shared`` is None."""
    with deterministic_ids():
        m = _base_map(data, lib)
        blocks: dict[str, object] = {"mm-view": view}
        if shared:
            m.get_root().header.add_child(RawHTML(f'<script src="{escape(shared)}"></script>'), name="mosulmap_shared")
        else:
            blocks["mm-data"] = timeline_payload(data)
        m.get_root().html.add_child(RawHTML(controls + _legend(data) + _panel(data)))
        m.add_child(PageScript("slider.js", blocks))
        return _titled(m.get_root().render(), title)


def render_slider(data: MapData, lib: str = "lib", shared: str | None = DATA_FILE) -> str:
    """One map with a date slider over every day (the data from ``shared``, or in the page if None).

    Play/pause, previous/next change, arrow keys, and the day in the URL (``timeline.html#2016-11-24``
    opens that day; the hash follows the slider). Places whose state changed on the day shown are
    outlined."""
    tl = data.timeline
    controls = (
        f'<div class="mm-box mm-title"><h1>{escape(data.campaign.name)}: who held what on <span id="mm-date"></span>'
        f'</h1>{_WEIGHED_TOGGLE}<p id="mm-counts"></p><p id="mm-hash-note" class="mm-note" hidden></p></div>'
        '<div class="mm-box mm-slider"><div class="mm-buttons">'
        '<button id="mm-prev" type="button" title="previous change (←)">◀ change</button>'
        '<button id="mm-play" type="button" title="play / pause (space)">▶ play</button>'
        '<button id="mm-next" type="button" title="next change (→)">change ▶</button></div>'
        f'<input id="mm-slider" type="range" min="0" max="{len(tl.days) - 1}" value="0" step="1" aria-label="date">'
        f'<div>{format_day(tl.start)} … {format_day(tl.end)}: drag, play, or use the arrow keys; '
        "the address bar keeps the day (share the link)</div></div>"
    )
    return _page(data, lib, shared, controls, {}, f"{data.campaign.name} control, day by day")


def render_day(data: MapData, day: date, lib: str = "../lib", shared: str | None = "../" + DATA_FILE) -> str:
    """The map of ``day``: the slider's view pinned to that day (Leaflet from ``lib``; ``lib="inline"``
    makes a self-contained page with its data in it)."""
    if lib == "inline":
        shared = None
    return _day_page(data, lib, shared, day.isoformat(), format_day(day), (day - data.timeline.start).days)


def _day_page(data: MapData, lib: str, shared: str | None, iso: str, label: str, index: int | str) -> str:
    slider = f'<a href="../timeline.html#{iso}">open this day in the map with a date slider</a>' if shared else ""
    controls = (
        f'<div class="mm-box mm-title"><h1>{escape(data.campaign.name)}: who held what on {label}</h1>'
        f'{_WEIGHED_TOGGLE}<p id="mm-counts"></p><p class="mm-basis">{slider}</p></div>'
    )
    view = {"pin": index, "base": "../"}  # a dated map lies in maps/, beside claims/
    return _page(data, lib, shared, controls, view, f"{data.campaign.name} control, {iso}")


_MARK = "\x00mosulmap-{}\x00"  # stands for a day's values in a page rendered once


def day_pages(data: MapData, days: list[date], lib: str = "../lib",
              shared: str = "../" + DATA_FILE) -> Iterator[tuple[date, str]]:
    """The dated maps of ``days``, rendered once and filled in per day. The page differs between days
    only in the day (its ISO date, label and index); if source text in the page happens to hold the
    placeholders, each page is rendered whole instead."""
    marks = {k: _MARK.format(k) for k in ("iso", "label", "index")}
    page = _day_page(data, lib, shared, marks["iso"], marks["label"], marks["index"])
    # the index is written into JSON: js_json escapes the NUL characters of its placeholder
    page = page.replace(js_json(marks["index"]), marks["index"])
    expected = {"iso": 2, "label": 1, "index": 1}  # the <title> and the link; the heading; the view block
    if any(page.count(marks[k]) != n for k, n in expected.items()):
        for day in days:
            yield day, render_day(data, day, lib, shared)
        return
    start = data.timeline.start
    for day in days:
        yield day, (page.replace(marks["iso"], day.isoformat()).replace(marks["label"], format_day(day))
                    .replace(marks["index"], str((day - start).days)))
