"""Static PNG maps of one day, for reports and papers (matplotlib, no basemap).

Each snapshot has the status colours with a legend that matches them (opacity included), assumed
states faint with a dotted edge, a title, neighbourhood labels, a 1 km scale bar, the Tigris and
east-bank extent for orientation, one edge style per shape confidence (as on the HTML maps), an
orange edge on disputed places, and a source line. :class:`SnapshotRenderer` draws the static
parts once and only recolours per day, and PNG metadata is fixed so rebuilds are byte-identical.
It draws on its own Agg canvas (``matplotlib.figure.Figure``) and never switches pyplot's backend,
so importing it leaves a notebook's inline plots alone.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from PIL import Image

from mosulmap.parallel import day_pool
from mosulmap.render import MapData, format_day
from mosulmap.style import (
    ASSUMED_OPACITY,
    CHANGED_EDGE,
    DISPUTED_EDGE,
    GEOMETRY_STYLES,
    WEAK_FACTOR,
    shape_styles,
    shown_color,
    shown_label,
)
from mosulmap.timeline import SHOWN, ControlStatus

SOURCE_LINE = ("Sources: mosulmap claims (curated news reports and extracted articles). Shapes are derived from "
               "sourced or estimated points unless an outline is sourced or user-supplied (each shape's source is in "
               "the HTML maps).")


def source_line(data: MapData) -> str:
    """The PNG's credit line: the claims, the shapes, and the context layers' own credits (a
    ``credit`` property of the river's features), with the claimed places not drawn."""
    credits = sorted({str(f["properties"]["credit"]) for f in data.river.get("features", [])
                      if (f.get("properties") or {}).get("credit")})
    undrawn = len(data.undrawn)
    return (SOURCE_LINE + (f" River: {', '.join(credits)}." if credits else "")
            + (f" {undrawn} claimed places are not located." if undrawn else ""))
# matplotlib dash patterns for the shape styles of mosulmap.style
_DASHES = {None: "solid", "6 4": (0, (6, 4)), "3 4": (0, (3, 4)), "1 3": (0, (1, 3))}


def _path(geom) -> MplPath:
    """A matplotlib path for a (multi)polygon, holes included."""
    vertices, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in (poly.exterior, *poly.interiors):
            coords = np.asarray(ring.coords)
            vertices.append(coords)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _short(name: str) -> str:
    return name.split(" (")[0]


class SnapshotRenderer:
    """Draws the map once; :meth:`render` recolours it for a day and returns the PNG bytes."""

    def __init__(self, data: MapData, dpi: int = 110) -> None:
        self.data, self.dpi = data, dpi
        initial = data.timeline.initial
        crs = data.campaign.metric_crs
        polys = data.polygons.to_crs(crs)
        extent = gpd.GeoDataFrame.from_features(data.extent["features"], crs=4326).to_crs(crs)
        river = gpd.GeoDataFrame.from_features(data.river["features"], crs=4326).to_crs(crs) \
            if data.river.get("features") else gpd.GeoDataFrame(geometry=[], crs=crs)

        # The map on the left, the legend in its own column on the right: it never covers a place.
        self.fig = Figure(figsize=(11, 9), dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.fig.subplots_adjust(left=0.01, right=0.68, top=0.95, bottom=0.05)
        ax = self.ax = self.fig.add_subplot()
        for geom in extent.geometry:
            ax.add_patch(PathPatch(_path(geom), facecolor="#f4f1ea", edgecolor="#9e9e9e", linewidth=0.8))
        # One collection per shape style; markers (sector-only places) drawn last, on top.
        self.groups: list[tuple[list[str], PatchCollection, float, float]] = []
        for confidence in ("sourced", "user-supplied", "approximate", "estimated", "marker"):
            chosen = polys[polys["geometry_confidence"] == confidence]
            if chosen.empty:
                continue
            opacity, dash, weight, _ = GEOMETRY_STYLES[confidence]
            coll = PatchCollection([PathPatch(_path(g)) for g in chosen.geometry], linewidths=weight * 0.6,
                                   edgecolors="#333333", linestyles=_DASHES.get(dash, "solid"))
            ax.add_collection(coll)
            self.groups.append((list(chosen["place_id"]), coll, opacity, weight * 0.6))
        self.river_lines = []
        for line in river.geometry:
            for part in getattr(line, "geoms", [line]):
                x, y = part.xy
                self.river_lines += ax.plot(x, y, color="#5b9bd5", linewidth=3)
        # The front line of each run of days, projected once; render() shows the day's one.
        self.fronts = []
        for run in data.fronts:
            parts = []
            if run.line is not None:
                metric = gpd.GeoSeries([run.line], crs=4326).to_crs(crs).iloc[0]
                parts = [np.asarray(g.coords) for g in getattr(metric, "geoms", [metric]) if g.length > 0]
            self.fronts.append((run.first, run.last, parts))
        self.front_lines = []
        self.labels = {}
        for pid, geom, confidence in zip(polys["place_id"], polys.geometry, polys["geometry_confidence"]):
            if confidence == "marker":
                continue  # a sector estimate's circle is too small to carry a label legibly
            p = geom.representative_point()
            self.labels[pid] = ax.text(p.x, p.y, _short(data.gazetteer[pid].name), ha="center", va="center",
                                       fontsize=7, parse_math=False)
        minx, miny, maxx, maxy = extent.total_bounds
        ax.set_xlim(minx - 500, maxx + 500)
        ax.set_ylim(miny - 500, maxy + 500)
        ax.set_aspect("equal")
        x0, y0 = minx + 300, miny + 300
        ax.plot([x0, x0 + 1000], [y0, y0], color="black", linewidth=3)
        ax.text(x0 + 500, y0 + 200, "1 km", ha="center", fontsize=8)
        ax.annotate("N", xy=(maxx, maxy - 200), xytext=(maxx, maxy - 1200), ha="center", fontsize=10,
                    arrowprops={"arrowstyle": "->"})
        ax.set_axis_off()
        self.shown_keys = [k for k in SHOWN if k != "unknown" or initial is ControlStatus.UNKNOWN]
        states = [Patch(facecolor=to_rgba(shown_color(k, initial), ASSUMED_OPACITY if k == "assumed" else 0.72),
                        edgecolor="#333", linestyle=":" if k == "assumed" else "-",
                        label=f"{shown_label(k, initial)} (888)") for k in self.shown_keys]
        handles = [Patch(facecolor=to_rgba(shown_color("gov_control", initial), 0.72 * WEAK_FACTOR),
                         edgecolor="#333", linestyle=(0, (2, 3)), label="lighter: only low-confidence reports")]
        handles += [Patch(facecolor="white", edgecolor="#333", linestyle=_DASHES.get(dash, "solid"),
                          label=textwrap.fill(text, 38))
                    for _, dash, text in shape_styles(data.polygons["geometry_confidence"])]
        handles.append(Line2D([], [], color="black", linewidth=2.5, linestyle=(0, (5, 2)),
                              label="front line: government-held ground\nmeets IS-held, contested or assumed"))
        handles.append(Line2D([], [], color=DISPUTED_EDGE, linewidth=2.5, label="disputed: same-day reports disagree"))
        handles.append(Line2D([], [], color=CHANGED_EDGE, linewidth=2.5, label="blue edge: its state changed that day"))
        # Two boxes in the legend column: the day's counts (redrawn per day) and the static key below.
        self.legend = self.fig.legend(handles=states, loc="upper left", bbox_to_anchor=(0.69, 0.93), fontsize=7.5,
                                      framealpha=1, title="Control, as reported", title_fontsize=9)
        self.key = self.fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.69, 0.6), fontsize=7.5,
                                   framealpha=1)
        self.title = ax.set_title("", fontsize=13)
        self.fig.text(0.02, 0.012, source_line(data), fontsize=6, wrap=True)
        self.fig.canvas.draw()
        box = self.legend.get_window_extent().transformed(self.fig.transFigure.inverted())
        self.key.set_bbox_to_anchor((0.69, box.y0 - 0.01), transform=self.fig.transFigure)
        self._cache_layers()

    def _cache_layers(self) -> None:
        """Split the figure into what changes per day and what does not. The static parts under
        the places (background, extent) are kept as a canvas region, those above them (labels,
        scale bar, the key, the source line) as a transparent overlay: text is most of the cost of
        a frame, so :meth:`render` draws only the shapes, the front line, the title, the counts and
        the labels that turn white on a reported IS-held place."""
        ax = self.ax
        self.dynamic = [coll for _, coll, _, _ in self.groups] + self.river_lines
        below = [a for a in ax.patches]  # the extent
        moving = {*self.dynamic, *self.labels.values(), self.title, self.legend}
        above = [a for a in (*ax.get_children(), *self.fig.legends, *self.fig.texts)
                 if a.get_visible() and a not in moving and a not in below and a is not ax.patch]
        hidden = [*self.dynamic, self.title, self.legend, *above]
        for artist in hidden:
            artist.set_visible(False)
        for text in self.labels.values():
            text.set_visible(False)
        self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        # The overlay: every label in black and the static parts above the places, on a clear figure.
        for artist in below:
            artist.set_visible(False)
        for artist in (*above, *self.labels.values()):
            artist.set_visible(True)
        self.fig.patch.set_alpha(0)
        ax.patch.set_visible(False)
        self.fig.canvas.draw()
        self.overlay = Image.fromarray(np.asarray(self.fig.canvas.buffer_rgba()).copy())
        renderer = self.fig.canvas.get_renderer()
        height = self.overlay.height
        self.boxes = {}
        for pid, text in self.labels.items():
            box = text.get_window_extent(renderer)
            self.boxes[pid] = (max(0, int(box.x0) - 1), max(0, int(height - box.y1) - 1),
                               int(box.x1) + 2, int(height - box.y0) + 2)
            text.set_color("white")
            text.set_visible(False)
        for artist in above:
            artist.set_visible(False)
        for artist in (*below, *self.dynamic, self.title, self.legend):
            artist.set_visible(True)
        self.fig.patch.set_alpha(1)
        ax.patch.set_visible(True)

    def render(self, day: date) -> bytes:
        """The PNG of who held what on ``day``."""
        from mosulmap.render import status_changed, weak_state

        tl = self.data.timeline
        for place_ids, coll, opacity, weight in self.groups:
            states = [tl.state(pid, day) for pid in place_ids]
            changed = [status_changed(tl, pid, day) for pid in place_ids]
            coll.set_facecolors([to_rgba(shown_color(s.shown, tl.initial), ASSUMED_OPACITY if s.assumed else
                                         opacity * (WEAK_FACTOR if weak_state(tl, s) else 1)) for s in states])
            coll.set_edgecolors([DISPUTED_EDGE if s.disputed else CHANGED_EDGE if c else
                                 (0.2, 0.2, 0.2, 0.5 if s.assumed else 1) for s, c in zip(states, changed)])
            coll.set_linewidths([2.2 if s.disputed or c else weight for s, c in zip(states, changed)])
        dark = [pid for pid in self.labels if (s := tl.state(pid, day)).status is ControlStatus.IS_CONTROL
                and not s.assumed]
        index = (day - tl.start).days
        parts = next((p for first, last, p in self.fronts if first <= index <= last), [])
        front = [Line2D(c[:, 0], c[:, 1], color="black", linewidth=2, linestyle=(0, (5, 2))) for c in parts]
        everyone = tl.on(day)
        for text, key in zip(self.legend.get_texts(), self.shown_keys):
            text.set_text(f"{shown_label(key, tl.initial)} ({sum(s.shown == key for s in everyone)})")
        self.title.set_text(f"{self.data.campaign.name}: who held what on {format_day(day)}")
        canvas, ax = self.fig.canvas, self.ax
        canvas.restore_region(self.background)
        for artist in self.dynamic:
            ax.draw_artist(artist)
        for line in front:
            line.axes, line.figure = ax, self.fig
            line.set_transform(ax.transData)
            line.set_clip_path(ax.patch)
            ax.draw_artist(line)
        for pid in dark:
            self.labels[pid].set_visible(True)
            ax.draw_artist(self.labels[pid])
            self.labels[pid].set_visible(False)
        ax.draw_artist(self.title)
        self.fig.draw_artist(self.legend)
        image = Image.fromarray(np.asarray(canvas.buffer_rgba()))
        overlay = self.overlay
        if dark:  # those labels are drawn white instead
            overlay = overlay.copy()
            for pid in dark:
                overlay.paste((0, 0, 0, 0), self.boxes[pid])
        image = Image.alpha_composite(image, overlay).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    __call__ = render  # the per-day function of a worker pool (mosulmap.parallel)

    def close(self) -> None:
        self.fig.clear()


def render_snapshot(data: MapData, day: date, dpi: int = 110) -> bytes:
    """A PNG of who held what on ``day`` (for many days, reuse a :class:`SnapshotRenderer`)."""
    renderer = SnapshotRenderer(data, dpi)
    try:
        return renderer.render(day)
    finally:
        renderer.close()


__all__ = ["SnapshotRenderer", "render_snapshot", "snapshot_pool"]


@contextmanager
def snapshot_pool(data: MapData, days: list[date], jobs: int | None = None) -> Iterator[Iterator[tuple[date, bytes]]]:
    """PNGs of ``days`` drawn by ``jobs`` worker processes (default: every core) while the caller does
    other work; yields an iterator of (day, PNG bytes) in day order. The same bytes as one process."""
    with day_pool(data, days, SnapshotRenderer, jobs) as pngs:
        yield pngs
