"""How states and shapes look, in one place for the HTML maps, the PNG snapshots and the notebook.

Colours are colour-blind-safe (Okabe–Ito hues) and the legend draws each swatch with the same
fill colour *and* opacity as the map. IS-held ground is purple; ground assumed IS-held (no report
yet) is the same purple, lighter and hatched, with a dotted edge — IS ground first, visibly weaker,
never like a reported state. A state that rests only on low-confidence reports is drawn lighter. Shapes say how
much is known of a place: solid edge for a sourced outline, dashed for a cell around a sourced
point, short dashes for a cell around a point estimated from stated relations, a dotted small
circle for a place known only by its sector.
"""

from __future__ import annotations

from mosulmap.timeline import ControlState, ControlStatus

STATUS_COLORS = {
    ControlStatus.GOV_CONTROL: "#009e73",
    ControlStatus.CONTESTED: "#e69f00",
    ControlStatus.IS_CONTROL: "#7b3294",
    ControlStatus.UNKNOWN: "#a6a6a6",
}
DISPUTED_EDGE = "#d55e00"
EDGE = "#333333"
RECENT_DISPUTE_DAYS = 7  # a disagreement older than this is drawn thin: no longer news
ASSUMED_OPACITY = 0.38
WEAK_FACTOR = 0.5  # fill opacity of a state resting only on low-confidence reports, relative
CHANGED_EDGE = "#0072b2"

# geometry_confidence -> (fill opacity, dash pattern, edge weight, legend text)
GEOMETRY_STYLES: dict[str, tuple[float, str | None, float, str]] = {
    "sourced": (0.8, None, 1.4, "outline from a source"),
    "user-supplied": (0.8, None, 1.4, "outline supplied by the user"),
    "approximate": (0.72, "6 4", 1.2, "cell around a sourced point (approximate)"),
    "estimated": (0.6, "3 4", 1.2, "cell around a point estimated from stated relations"),
    "marker": (0.95, "1 3", 2.0, "circle: only the sector is known (where it may be, not its extent)"),
}


def shape_styles(confidences) -> list[tuple[str, str | None, str]]:
    """(kind, dash pattern, legend text) of the kinds of shape a map draws, in the legend's order:
    a legend names only what is on the map."""
    present = set(confidences)
    return [(key, dash, text) for key, (_, dash, _, text) in GEOMETRY_STYLES.items() if key in present]


def shown_label(shown: str, initial: ControlStatus) -> str:
    if shown == "assumed":
        return f"assumed {initial.label}: no report yet"
    return ControlStatus(shown).label


def shown_color(shown: str, initial: ControlStatus) -> str:
    return STATUS_COLORS[initial if shown == "assumed" else ControlStatus(shown)]


def geometry_style(confidence: str) -> tuple[float, str | None, float, str]:
    return GEOMETRY_STYLES.get(confidence, GEOMETRY_STYLES["approximate"])


def leaflet_style(state: ControlState, confidence: str, initial: ControlStatus, weak: bool = False,
                  changed: bool = False) -> dict:
    """The Leaflet path style of a place in a state (``weak``: only low-confidence reports behind it;
    ``changed``: its status changed that day). The slider's ``style`` in slider.js follows the same rules."""
    opacity, dash, weight, _ = geometry_style(confidence)
    assumed = state.assumed
    recent = state.disputed and (state.age is None or state.age <= RECENT_DISPUTE_DAYS)
    return {
        "fillColor": shown_color(state.shown, initial),
        "fillOpacity": ASSUMED_OPACITY if assumed else round(opacity * (WEAK_FACTOR if weak else 1), 3),
        "color": DISPUTED_EDGE if state.disputed else CHANGED_EDGE if changed else EDGE,
        "weight": 3.5 if recent else 2.5 if state.disputed or changed else weight,
        "dashArray": "1 4" if assumed else ("6 3" if state.disputed and not recent else "2 3" if weak else dash),
        "opacity": 0.6 if assumed else 1,
        "className": "mm-assumed" if assumed else "mm-place",
    }


def rgba(color: str, opacity: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity:g})"
