"""Exploration helpers for notebooks: the same pipeline as ``mosulmap build``, made interactive.

:class:`Explorer` loads the inputs once (optionally a user's own claims or polygons) and offers
a date-slider map that updates in place, a look-up of any spelling with the place's whole
control history, a chart of status counts over time and the table of disputed days. Widgets
come from ipywidgets; everything else returns plain pandas/matplotlib objects, so it is tested
without a kernel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from mosulmap import pipeline, settings
from mosulmap.campaign import Campaign
from mosulmap.frontline import front_frame
from mosulmap.maps import render_day
from mosulmap.render import MapData
from mosulmap.resolver import Match
from mosulmap.style import ASSUMED_OPACITY, shown_color, shown_label
from mosulmap.timeline import SHOWN, Timeline

if TYPE_CHECKING:  # widgets and matplotlib are imported only when used
    import ipywidgets as widgets
    from matplotlib.axes import Axes


@dataclass
class PlaceReport:
    """What the resolver says about a spelling, and each matched place's history."""

    query: str
    match: Match
    names: dict[str, str]  # place_id -> canonical name (Arabic appended)
    states: pd.DataFrame  # runs of state: place_id, valid_from, valid_to, status, disputed, claim_ids
    claims: pd.DataFrame  # every claim on the places: date, status, event, actor, source, quote

    def _repr_html_(self) -> str:
        m = self.match
        head = f"<p><b>{escape(self.query)}</b>: {escape(m.status.value)}"
        if m.place_ids:
            head += " → " + ", ".join(escape(n) for n in self.names.values())
        if m.method.value != "none":
            head += f" ({escape(m.method.value)}, score {m.score:g})"
        if m.reason:
            head += f"; {escape(m.reason)}"
        head += "</p>"
        if self.states.empty:
            return head
        return head + "<h4>Control history</h4>" + self.states.to_html(index=False) + \
            "<h4>Claims</h4>" + self.claims.to_html(index=False)


class Explorer:
    """Interactive access to one build's data (see :meth:`load`)."""

    def __init__(self, inputs: pipeline.Inputs, data: MapData) -> None:
        self.inputs = inputs
        self.data = data

    @classmethod
    def load(
        cls,
        claims: str | Path | Iterable[str | Path] | None = None,
        polygons: str | Path | None = None,
        corpus: str | Path | None = "campaign",
        start: date | None = None,
        end: date | None = None,
        campaign: str | Path | Campaign | None = None,
    ) -> Explorer:
        """Load a campaign's data (default east Mosul; ``campaign="west-mosul"``, ``"mosul"`` or a
        folder), or your own claims file(s) and/or polygons, in one call."""
        if isinstance(claims, (str, Path)):
            claims = [claims]
        inputs = pipeline.load_inputs(claims, corpus, polygons, campaign=campaign)
        return cls(inputs, pipeline.prepare(inputs, start, end))

    @property
    def timeline(self) -> Timeline:
        return self.data.timeline

    @property
    def campaign(self) -> Campaign:
        return self.data.campaign

    # -- map -------------------------------------------------------------------------------

    def map_html(self, day: date, height: int = 620) -> str:
        """The day's folium map as an iframe (Leaflet inlined: works offline, in any notebook)."""
        page = render_day(self.data, day, lib="inline")
        return (f'<iframe srcdoc="{escape(page, quote=True)}" style="width:100%;height:{height}px;border:0" '
                f'title="{escape(self.campaign.name, quote=True)} control {day.isoformat()}"></iframe>')

    def map_widget(self, day: date | None = None) -> widgets.VBox:
        """A date slider and the map for that date; moving the slider updates the map in place."""
        import ipywidgets as widgets

        days = self.timeline.days
        slider = widgets.SelectionSlider(
            options=[(d.isoformat(), d) for d in days], value=day or days[0], description="Date",
            continuous_update=False, layout=widgets.Layout(width="95%"),
        )
        view = widgets.HTML(self.map_html(slider.value))

        def redraw(change: dict) -> None:
            view.value = self.map_html(change["new"])

        slider.observe(redraw, names="value")
        return widgets.VBox([slider, view])

    # -- places ----------------------------------------------------------------------------

    def lookup(self, name: str) -> PlaceReport:
        """Resolve any spelling and gather the matched places' control history and claims."""
        match = self.inputs.resolver.resolve(name)
        gaz = self.inputs.gazetteer
        ids = [p for p in match.place_ids if p in self.timeline.states] if match.is_resolved else []
        names = {p: gaz[p].name + (f" ({gaz[p].arabic})" if gaz[p].arabic else "") for p in match.place_ids}
        runs = self.timeline.intervals()
        states = runs[runs["place_id"].isin(ids)].reset_index(drop=True)
        rows = [
            {"place_id": p, "date": c.date.isoformat(), "precision": c.date_precision.value, "status": c.status.value,
             "event": c.event, "actor": c.actor, "source": c.source, "quote": c.quote or c.note,
             "claim_id": c.claim_id}
            for p in ids for c in self.timeline.history[p]
        ]
        claims = pd.DataFrame(rows, columns=["place_id", "date", "precision", "status", "event", "actor", "source",
                                             "quote", "claim_id"])
        return PlaceReport(name, match, names, states, claims)

    def lookup_widget(self) -> widgets.VBox:
        """A text box: type any spelling (Latin or Arabic), see the answer and history in place."""
        import ipywidgets as widgets
        from IPython.display import display

        box = widgets.Text(placeholder="any spelling, e.g. Kokjili or كوكجلي", description="Place",
                           continuous_update=False)
        out = widgets.Output()

        def show(change: dict) -> None:
            with out:
                out.clear_output()
                if change["new"].strip():
                    display(self.lookup(change["new"]))

        box.observe(show, names="value")
        return widgets.VBox([box, out])

    # -- summaries ---------------------------------------------------------------------------

    def counts(self) -> pd.DataFrame:
        """Neighbourhoods per status per day."""
        return self.timeline.counts()

    def status_chart(self, ax: Axes | None = None) -> Axes:
        """Stacked area chart of government-held, contested and IS-held neighbourhoods over time."""
        import matplotlib.pyplot as plt

        counts = self.counts()
        counts.index = pd.to_datetime(counts.index)
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 4))
        order = [k for k in SHOWN if counts[k].any()]
        initial = self.timeline.initial
        areas = ax.stackplot(counts.index, *[counts[k] for k in order], labels=[shown_label(k, initial) for k in order],
                             colors=[shown_color(k, initial) for k in order], alpha=0.85)
        for area, key in zip(areas, order):
            if key == "assumed":  # no report behind it: faint, as on the maps
                area.set_alpha(ASSUMED_OPACITY + 0.1)
                area.set_hatch("..")
        ax.set_ylabel("neighbourhoods")
        ax.set_title(f"{self.campaign.name} neighbourhoods by reported control (assumed states apart)")
        ax.legend(loc="upper left")
        ax.margins(x=0)
        return ax

    # -- for geopandas users -----------------------------------------------------------------

    def state_frame(self, day: date) -> gpd.GeoDataFrame:
        """Every neighbourhood's state on ``day`` as a GeoDataFrame (EPSG:4326): ``place_id``,
        names, status, ``shown`` (``assumed`` apart), since, disputed, last report, the shape's
        source and confidence, the point's method and uncertainty. Places no source locates have
        no geometry. Ready for ``.plot()``, ``.explore()`` or a join with your own layers."""
        gaz = self.inputs.gazetteer
        shapes = self.data.polygons.set_index("place_id")
        rows = []
        for state in self.timeline.on(day):
            place = gaz[state.place_id]
            rows.append({
                "place_id": state.place_id, "name": place.name, "arabic": place.arabic,
                "status": state.status.value, "shown": state.shown, "assumed": state.assumed,
                "since": state.since, "disputed": state.disputed, "last_report": state.last_report,
                "days_since_report": state.age, "claim_ids": ";".join(state.claim_ids),
                "geometry_source": shapes["geometry_source"].get(state.place_id, "none"),
                "geometry_confidence": shapes["geometry_confidence"].get(state.place_id, "none"),
                "coord_method": place.coord_method, "uncertainty_m": place.uncertainty_m,
            })
        geometry = [shapes.geometry.get(r["place_id"]) for r in rows]
        return gpd.GeoDataFrame(rows, geometry=geometry, crs=settings.WGS84)

    def place_history(self, name: str) -> gpd.GeoDataFrame:
        """One place's runs of state (``valid_from``/``valid_to``) with its shape, for any spelling."""
        match = self.inputs.resolver.resolve(name)
        if not match.is_resolved:
            raise ValueError(f"{name!r}: {match.status.value} ({match.reason})")
        runs = self.timeline.intervals()
        runs = runs[runs["place_id"].isin(match.place_ids)].reset_index(drop=True)
        shapes = self.data.polygons.set_index("place_id").geometry
        return gpd.GeoDataFrame(runs, geometry=[shapes.get(p) for p in runs["place_id"]], crs=settings.WGS84)

    def front_line(self, day: date | None = None) -> gpd.GeoDataFrame:
        """The front line (all runs of days, or the one of ``day``) as a GeoDataFrame."""
        frame = front_frame(self.timeline, self.data.fronts, self.campaign.metric_crs)
        if day is not None:
            frame = frame[(frame["valid_from"] <= day.isoformat()) & (frame["valid_to"] >= day.isoformat())]
        return frame.reset_index(drop=True)

    def area_by_day(self) -> pd.DataFrame:
        """Places and km² per shown state and day (the data of ``output/area_by_day.csv``)."""
        return self.data.area_by_day.copy()

    def area_chart(self, ax: Axes | None = None) -> Axes:
        """Stacked chart of the km² each side held per day, assumed states apart."""
        import matplotlib.pyplot as plt

        table = self.area_by_day()
        days = pd.to_datetime(table["date"])
        keys = [k for k in SHOWN if table[f"{k}_km2"].any()]
        initial = self.timeline.initial
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 4))
        areas = ax.stackplot(days, *[table[f"{k}_km2"] for k in keys], labels=[shown_label(k, initial) for k in keys],
                             colors=[shown_color(k, initial) for k in keys], alpha=0.85)
        for area, key in zip(areas, keys):
            if key == "assumed":
                area.set_alpha(ASSUMED_OPACITY + 0.1)
        ax.set_ylabel(f"km² of drawn {self.campaign.area_label.removeprefix('the ')}")
        ax.set_title("Area held per day, as reported (assumed apart)")
        ax.legend(loc="upper left")
        ax.margins(x=0)
        return ax

    def disputed(self) -> pd.DataFrame:
        """Every day on which a neighbourhood's same-day claims disagree, with names and claims."""
        table = self.timeline.disputed_days()
        table.insert(2, "name", [self.inputs.gazetteer[p].name for p in table["place_id"]])
        return table
