"""How states and shapes look, in one place for the HTML maps, the PNG snapshots and the notebook.

Colours are colour-blind-safe (Okabe–Ito hues) and the legend draws each swatch with the same
fill colour *and* opacity as the map. A state that no report supports (``assumed``) is drawn in
the default's colour but faint and with a dotted edge, never like a reported one. Shapes say how
much is known of a place: solid edge for a sourced outline, dashed for a cell around a sourced
point, short dashes for a cell around a point estimated from stated relations, a dotted small
circle for a place known only by its sector.
"""

from __future__ import annotations

from mosulmap.timeline import ControlState, ControlStatus

STATUS_COLORS = {
    ControlStatus.GOV_CONTROL: "#009e73",
    ControlStatus.CONTESTED: "#e69f00",
    ControlStatus.IS_CONTROL: "#2d1a3d",
    ControlStatus.UNKNOWN: "#a6a6a6",
}
DISPUTED_EDGE = "#d55e00"
EDGE = "#333333"
RECENT_DISPUTE_DAYS = 7  # a disagreement older than this is drawn thin: no longer news
ASSUMED_OPACITY = 0.22

# geometry_confidence -> (fill opacity, dash pattern, edge weight, legend text)
GEOMETRY_STYLES: dict[str, tuple[float, str | None, float, str]] = {
    "sourced": (0.8, None, 1.4, "outline from a source (Who's On First)"),
    "user-supplied": (0.8, None, 1.4, "outline supplied by the user"),
    "approximate": (0.72, "6 4", 1.2, "cell around a sourced point (approximate)"),
    "estimated": (0.6, "3 4", 1.2, "cell around a point estimated from stated relations"),
    "marker": (0.7, "1 3", 2.0, "circle: only the sector is known (where it may be, not its extent)"),
}


def shown_label(shown: str, initial: ControlStatus) -> str:
    if shown == "assumed":
        return f"assumed {initial.label}: no report yet"
    return ControlStatus(shown).label


def shown_color(shown: str, initial: ControlStatus) -> str:
    return STATUS_COLORS[initial if shown == "assumed" else ControlStatus(shown)]


def geometry_style(confidence: str) -> tuple[float, str | None, float, str]:
    return GEOMETRY_STYLES.get(confidence, GEOMETRY_STYLES["approximate"])


def leaflet_style(state: ControlState, confidence: str, initial: ControlStatus) -> dict:
    """The Leaflet path style of a place in a state."""
    opacity, dash, weight, _ = geometry_style(confidence)
    assumed = state.assumed
    recent = state.disputed and (state.age is None or state.age <= RECENT_DISPUTE_DAYS)
    return {
        "fillColor": shown_color(state.shown, initial),
        "fillOpacity": ASSUMED_OPACITY if assumed else opacity,
        "color": DISPUTED_EDGE if state.disputed else EDGE,
        "weight": 3.5 if recent else 2 if state.disputed else weight,
        "dashArray": "1 4" if assumed else ("6 3" if state.disputed and not recent else dash),
        "opacity": 0.6 if assumed else 1,
    }


def rgba(color: str, opacity: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity:g})"
