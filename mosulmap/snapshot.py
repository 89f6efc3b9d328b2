"""Static PNG maps of one day, for reports and papers (matplotlib, no basemap).

Each snapshot has the status colours with a legend, a title, neighbourhood labels, a 1 km scale
bar, the Tigris and east-bank extent for orientation, hatching on approximate polygons, a red
edge on disputed ones, and a source line. :class:`SnapshotRenderer` draws the static parts once
and only recolours per day (profiling showed repeated full draws dominating), and PNG metadata is
fixed so rebuilds are byte-identical.
"""

from __future__ import annotations

import io
from datetime import date

import geopandas as gpd
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import Patch, PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from mosulmap import settings  # noqa: E402
from mosulmap.render import STATUS_COLORS, MapData  # noqa: E402
from mosulmap.timeline import ControlStatus  # noqa: E402

SOURCE_LINE = (
    "Sources: mosulmap claims (curated news reports and extracted articles); polygons approximate "
    "(Voronoi cells around sourced points) unless user-supplied; river: Natural Earth, adjusted."
)
DISPUTED_EDGE = "#c0392b"


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
        polys = data.polygons.to_crs(settings.METRIC_CRS)
        self.place_ids = list(polys["place_id"])
        extent = gpd.GeoDataFrame.from_features(data.extent["features"], crs=4326).to_crs(settings.METRIC_CRS)
        river = gpd.GeoDataFrame.from_features(data.river["features"], crs=4326).to_crs(settings.METRIC_CRS)

        self.fig, ax = plt.subplots(figsize=(8.5, 9))
        self.fig.subplots_adjust(left=0.01, right=0.99, top=0.95, bottom=0.05)
        self.ax = ax
        for geom in extent.geometry:
            ax.add_patch(PathPatch(_path(geom), facecolor="#f4f1ea", edgecolor="#9e9e9e", linewidth=0.8))
        self.approx = (polys["geometry_confidence"] == "approximate").to_numpy()
        self.collections = {}
        for flag, hatch, alpha in ((True, "///", 0.75), (False, None, 0.9)):
            patches = [PathPatch(_path(g)) for g, a in zip(polys.geometry, self.approx) if a == flag]
            if patches:
                coll = PatchCollection(patches, hatch=hatch, alpha=alpha, linewidths=0.6, edgecolors="#333333")
                ax.add_collection(coll)
                self.collections[flag] = coll
        for line in river.geometry:
            for part in getattr(line, "geoms", [line]):
                x, y = part.xy
                ax.plot(x, y, color="#5b9bd5", linewidth=3)
        self.labels = []
        for pid, geom in zip(self.place_ids, polys.geometry):
            p = geom.representative_point()
            self.labels.append(ax.text(p.x, p.y, _short(data.gazetteer[pid].name), ha="center", va="center",
                                       fontsize=6))
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
        handles = [Patch(facecolor=STATUS_COLORS[s], edgecolor="#333", label=s.label) for s in ControlStatus]
        handles.append(Patch(facecolor="white", edgecolor="#333", hatch="///", label="approximate polygon"))
        handles.append(Patch(facecolor="white", edgecolor=DISPUTED_EDGE, linewidth=2, label="disputed that day"))
        self.legend = ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.95)
        self.title = ax.set_title("", fontsize=13)
        undrawn = len(data.undrawn)
        self.fig.text(0.02, 0.012, SOURCE_LINE + (f" {undrawn} claimed places have no polygon." if undrawn else ""),
                      fontsize=6.5, wrap=True)

    def render(self, day: date) -> bytes:
        """The PNG of who held what on ``day``."""
        tl = self.data.timeline
        states = [tl.state(pid, day) for pid in self.place_ids]
        for flag, coll in self.collections.items():
            chosen = [s for s, a in zip(states, self.approx) if a == flag]
            coll.set_facecolors([STATUS_COLORS[s.status] for s in chosen])
            coll.set_edgecolors([DISPUTED_EDGE if s.disputed else "#333333" for s in chosen])
            coll.set_linewidths([2.2 if s.disputed else 0.6 for s in chosen])
        for text, state in zip(self.labels, states):
            text.set_color("white" if state.status is ControlStatus.IS_CONTROL else "black")
        everyone = tl.on(day)
        for text, status in zip(self.legend.get_texts(), ControlStatus):
            text.set_text(f"{status.label} ({sum(s.status is status for s in everyone)})")
        self.title.set_text(f"East Mosul: who held what on {day.strftime('%-d %B %Y')}")
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=self.dpi, metadata={"Software": None})
        return buffer.getvalue()

    def close(self) -> None:
        plt.close(self.fig)


def render_snapshot(data: MapData, day: date, dpi: int = 110) -> bytes:
    """A PNG of who held what on ``day`` (for many days, reuse a :class:`SnapshotRenderer`)."""
    renderer = SnapshotRenderer(data, dpi)
    try:
        return renderer.render(day)
    finally:
        renderer.close()
