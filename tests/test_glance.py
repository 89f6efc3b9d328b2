"""Maps that read right at a glance: the front line, IS ground, what changed, weak evidence,
the static PNG and GIF (on the bundled data)."""

from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image
from shapely.geometry import shape

from mosulmap import pipeline
from mosulmap.animate import shared_palette, to_palette
from mosulmap.render import status_changed, weak_state
from mosulmap.snapshot import SnapshotRenderer
from mosulmap.style import ASSUMED_OPACITY, STATUS_COLORS, leaflet_style, shown_color
from mosulmap.timeline import ControlStatus


@pytest.fixture(scope="module")
def data():
    return pipeline.prepare(pipeline.load_inputs(corpus=None))


def _metric(geom, crs):
    return gpd.GeoSeries([geom], crs=4326).to_crs(crs).iloc[0]


def test_the_front_line_is_where_government_ground_meets_is_ground(data):
    tl, crs = data.timeline, data.campaign.metric_crs
    cells = data.polygons[data.polygons["geometry_confidence"] != "marker"].to_crs(crs)
    shapes = dict(zip(cells["place_id"], cells.geometry))
    river = _metric(shapely.union_all([shape(f["geometry"]) for f in data.river["features"]]), crs)
    extent = _metric(data.campaign.extent, crs)
    outside = extent.buffer(200).difference(extent)
    checked = 0
    for run in data.fronts:
        day = tl.days[run.first]
        states = {p: tl.state(p, day) for p in shapes}
        gov = shapely.union_all([g for p, g in shapes.items()
                                 if states[p].status is ControlStatus.GOV_CONTROL and not states[p].assumed])
        theirs = [g for p, g in shapes.items()
                  if states[p].status in (ControlStatus.IS_CONTROL, ControlStatus.CONTESTED)]
        if run.line is None:
            continue
        line = _metric(run.line, crs)
        enemy = shapely.union_all(theirs)
        ours = shapely.union_all([gov, outside])  # beyond the extent: government-held, as the campaign says
        for point in shapely.get_parts(shapely.points(shapely.get_coordinates(line))):
            assert point.distance(enemy) < 60  # never between two government-held places, never behind
            assert point.distance(ours) < 60
        assert line.distance(river) > 100  # the river is a boundary here, not a front
        checked += 1
    assert checked > 5
    assert data.front(tl.end) is None  # nothing left to fight over on the last day
    lengths = [(_metric(shapely.geometry.shape(data.front(d)), crs).length if data.front(d) else 0) for d in
               (date(2016, 11, 4), date(2016, 12, 15), tl.end)]
    assert lengths[-1] == 0 and lengths[1] > 0


@pytest.mark.parametrize("campaign", ["east-mosul", "west-mosul"])
def test_the_front_drawn_from_local_pieces_is_the_front_of_the_whole_ground(campaign):
    """Front lines are built from pieces around each cell; on every run of both banks they match
    the edge of the whole held ground near the whole other side (to the simplification's 10 m)."""
    from mosulmap import frontline

    data = pipeline.prepare(pipeline.load_inputs(corpus=None, campaign=campaign))
    tl, crs = data.timeline, data.campaign.metric_crs
    cells = data.polygons[data.polygons["geometry_confidence"] != "marker"].to_crs(crs)
    shapes = dict(zip(cells["place_id"], cells.geometry))
    extent = _metric(data.campaign.extent, crs)
    band = extent.buffer(frontline.OUTSIDE_BAND_M).difference(extent)
    if data.river["features"] and not data.campaign.river_is_front:
        water = _metric(shapely.union_all([shape(f["geometry"]) for f in data.river["features"]]), crs).buffer(
            frontline.RIVER_M)
        band = band.difference(water)
    else:
        water = None
    compared = 0
    for run in data.fronts:
        states = {p: tl.states[p][run.first] for p in shapes}
        held = [g for p, g in shapes.items() if states[p].status is ControlStatus.GOV_CONTROL and not states[p].assumed]
        enemy = [g for p, g in shapes.items() if states[p].status in frontline.IS_GROUND]
        (held if data.campaign.front_outside == "gov_control" else enemy).append(band)
        near_enemy = shapely.union_all(enemy).buffer(frontline.EDGE_TOLERANCE_M) if enemy else None
        edge = frontline._union(held).boundary.intersection(near_enemy) if held and enemy else shapely.LineString()
        if water is not None:
            edge = edge.difference(water)
        lines = [g for g in shapely.get_parts(shapely.line_merge(shapely.union_all(
            [p for p in shapely.get_parts(edge) if p.geom_type in ("LineString", "LinearRing")])))
            if g.length >= frontline.MIN_PIECE_M] if not edge.is_empty else []
        if run.line is None:
            assert not lines
            continue
        drawn = _metric(run.line, crs)
        whole = shapely.MultiLineString([shapely.LineString(g.coords) for g in lines])
        assert drawn.hausdorff_distance(whole) < frontline.SIMPLIFY_M + 1
        assert abs(drawn.length - whole.length) < 0.01 * whole.length + frontline.MIN_PIECE_M
        compared += 1
    assert compared > 10


def test_a_changed_badge_means_the_shown_state_changed(data):
    tl = data.timeline
    for pid in tl.place_ids:
        for i, day in enumerate(tl.days[1:], start=1):
            assert status_changed(tl, pid, day) == (tl.states[pid][i].shown != tl.states[pid][i - 1].shown)
    # Karama, 14 Dec: only its disputed flag ended; the shown state is the same, so no badge
    karama = [(tl.state("karama", d).shown, tl.state("karama", d).disputed) for d in (date(2016, 12, 13),
                                                                                     date(2016, 12, 14))]
    if karama[0][0] == karama[1][0]:
        assert not status_changed(tl, "karama", date(2016, 12, 14))


def test_assumed_is_ground_reads_as_is_ground_and_weaker(data):
    tl = data.timeline
    assert shown_color("assumed", tl.initial) == STATUS_COLORS[ControlStatus.IS_CONTROL]
    state = tl.state("karama", tl.start)
    style = leaflet_style(state, "approximate", tl.initial)
    assert state.assumed and style["className"] == "mm-assumed" and style["fillOpacity"] == ASSUMED_OPACITY
    weak = [(p, s) for p in tl.place_ids for s in tl.states[p] if weak_state(tl, s)]
    assert weak, "the bundled claims have states resting only on low-confidence reports"
    pid, s = weak[0]
    assert all(tl.claims[c].confidence == "low" for c in s.claim_ids)
    faint, full = leaflet_style(s, "approximate", tl.initial, weak=True), leaflet_style(s, "approximate", tl.initial)
    assert faint["fillOpacity"] < full["fillOpacity"] and faint["dashArray"] != full["dashArray"]


def test_the_png_legend_sits_beside_the_map_and_labels_print(data):
    renderer = SnapshotRenderer(data)
    try:
        png = renderer.render(date(2016, 11, 4))
        fig_renderer = renderer.fig.canvas.get_renderer()
        counts, key = (box.get_window_extent(fig_renderer) for box in (renderer.legend, renderer.key))
        axes = renderer.ax.get_window_extent(fig_renderer)
        for legend in (counts, key):
            assert legend.x0 >= axes.x1 - 1  # never over a neighbourhood
            assert legend.x1 <= renderer.fig.bbox.x1 and legend.y0 >= 0  # and whole
        assert key.y1 <= counts.y0  # the key below the day's counts, not over them
        assert min(t.get_fontsize() for t in renderer.labels.values()) >= 7
        assert any("changed that day" in t.get_text() for t in renderer.key.get_texts())
        assert any("(0)" in t.get_text() for t in renderer.legend.get_texts())  # no IS-held place that day
    finally:
        renderer.close()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_gif_frames_share_one_palette_with_the_legend_colours(data):
    frame = Image.new("RGB", (40, 40), "#f4f1ea")
    palette = shared_palette(frame, data)
    colours = set(zip(*[iter(palette.getpalette()[:768])] * 3))
    for key in ("gov_control", "contested", "is_control"):
        rgb = tuple(int(shown_color(key, data.timeline.initial)[i:i + 2], 16) for i in (1, 3, 5))
        legend = tuple(round(0.72 * c + 0.28 * 255) for c in rgb)  # the swatch: 0.72 over the white legend box
        assert legend in colours, key
        one = to_palette(np.asarray(Image.new("RGB", (4, 4), legend)), palette).convert("RGB")
        assert tuple(np.asarray(one)[0, 0]) == legend  # the swatch keeps its exact colour in every frame


def test_the_slider_opens_on_the_latest_day_with_a_report(data):
    import json
    import re

    html = pipeline.render_slider(data, shared=None)
    payload = json.loads(re.search(r'<script type="application/json" id="mm-data">(.*?)</script>', html, re.S)
                         .group(1))
    reported = {c.date for p in data.timeline.place_ids for c in data.timeline.history[p]}
    latest = max(d for d in data.timeline.days if d in reported)
    assert payload["days"][payload["start"]] == latest.isoformat()
    assert data.timeline.start + timedelta(days=payload["start"]) == latest


def test_pngs_drawn_in_parallel_are_the_same_bytes(data):
    from mosulmap.snapshot import snapshot_pool

    days = data.timeline.change_days()[:6]
    with snapshot_pool(data, days, jobs=1) as one:
        serial = list(one)
    with snapshot_pool(data, days, jobs=2) as two:
        parallel = list(two)
    assert [d for d, _ in parallel] == days and serial == parallel
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for _, png in serial)
