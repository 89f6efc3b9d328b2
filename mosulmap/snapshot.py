"""Static PNG maps of one day, for reports and papers (geopandas + matplotlib, no basemap).

Each snapshot has the status colours with a legend, a title, neighbourhood labels, a 1 km scale
bar, the Tigris and east-bank extent for orientation, hatching on approximate polygons, a red
edge on disputed ones, and a source line. PNG metadata is fixed so rebuilds are byte-identical.
"""

from __future__ import annotations

import io
from datetime import date

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from mosulmap import settings  # noqa: E402
from mosulmap.render import STATUS_COLORS, MapData  # noqa: E402
from mosulmap.timeline import ControlStatus  # noqa: E402

SOURCE_LINE = (
    "Sources: mosulmap claims (curated news reports and extracted articles); polygons approximate "
    "(Voronoi cells around sourced points) unless user-supplied; river: Natural Earth, adjusted."
)


def _short(name: str) -> str:
    return name.split(" (")[0]


def render_snapshot(data: MapData, day: date, dpi: int = 110) -> bytes:
    """A PNG of who held what on ``day``."""
    tl = data.timeline
    polys = data.polygons.to_crs(settings.METRIC_CRS)
    states = [tl.state(pid, day) for pid in polys["place_id"]]
    extent = gpd.GeoDataFrame.from_features(data.extent["features"], crs=4326).to_crs(settings.METRIC_CRS)
    river = gpd.GeoDataFrame.from_features(data.river["features"], crs=4326).to_crs(settings.METRIC_CRS)

    fig, ax = plt.subplots(figsize=(8.5, 9))
    extent.plot(ax=ax, color="#f4f1ea", edgecolor="#9e9e9e", linewidth=0.8)
    approx = (polys["geometry_confidence"] == "approximate").to_numpy()
    colors = [STATUS_COLORS[s.status] for s in states]
    edges = ["#c0392b" if s.disputed else "#333333" for s in states]
    widths = [2.2 if s.disputed else 0.6 for s in states]
    for mask, hatch, alpha in ((approx, "///", 0.75), (~approx, None, 0.9)):
        if mask.any():
            polys[mask].plot(ax=ax, color=[c for c, m in zip(colors, mask) if m], alpha=alpha, hatch=hatch,
                             edgecolor=[e for e, m in zip(edges, mask) if m],
                             linewidth=[w for w, m in zip(widths, mask) if m])
    river.plot(ax=ax, color="#5b9bd5", linewidth=3)
    for name_id, geom, state in zip(polys["place_id"], polys.geometry, states):
        p = geom.representative_point()
        dark = state.status is ControlStatus.IS_CONTROL
        ax.annotate(_short(data.gazetteer[name_id].name), (p.x, p.y), ha="center", va="center", fontsize=6,
                    color="white" if dark else "black")
    minx, miny, maxx, maxy = extent.total_bounds
    ax.set_xlim(minx - 500, maxx + 500)
    ax.set_ylim(miny - 500, maxy + 500)
    x0, y0 = minx + 300, miny + 300
    ax.plot([x0, x0 + 1000], [y0, y0], color="black", linewidth=3)
    ax.text(x0 + 500, y0 + 200, "1 km", ha="center", fontsize=8)
    ax.annotate("N", xy=(maxx, maxy - 200), xytext=(maxx, maxy - 1200), ha="center", fontsize=10,
                arrowprops={"arrowstyle": "->"})
    ax.set_axis_off()
    counts = {s: sum(st.status is s for st in tl.on(day)) for s in ControlStatus}
    handles = [Patch(facecolor=STATUS_COLORS[s], edgecolor="#333", label=f"{s.label} ({counts[s]})")
               for s in ControlStatus]
    handles.append(Patch(facecolor="white", edgecolor="#333", hatch="///", label="approximate polygon"))
    handles.append(Patch(facecolor="white", edgecolor="#c0392b", linewidth=2, label="disputed that day"))
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.95)
    ax.set_title(f"East Mosul: who held what on {day.strftime('%-d %B %Y')}", fontsize=13)
    undrawn = len(data.undrawn)
    fig.text(0.02, 0.015, SOURCE_LINE + (f" {undrawn} claimed places have no polygon." if undrawn else ""),
             fontsize=6.5, wrap=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
