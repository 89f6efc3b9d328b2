"""Exports of a build: the tables and layers a GIS user or an analyst takes away.

``control.csv`` (a state per day and neighbourhood), ``control.geojson`` (runs of state with
``valid_from``/``valid_to``), ``frontline.geojson``, ``area_by_day.csv`` and its chart,
``claims.csv`` (formula-safe) and ``claims.parquet`` (raw, columnar), ``unresolved.csv``, ``places.geojson`` and
the same layers in ``control.gpkg``. Inputs are the prepared :class:`~mosulmap.render.MapData`;
outputs are texts and bytes that ``pipeline.build`` writes atomically.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from operator import attrgetter
from pathlib import Path

import geopandas as gpd
import pandas as pd

from mosulmap import settings
from mosulmap.claims import csv_safe
from mosulmap.claims_table import claims_table, csv_chunks, safe_table, write_parquet
from mosulmap.control_table import control_csv
from mosulmap.errors import MosulmapError
from mosulmap.frontline import front_frame
from mosulmap.gazetteer import Gazetteer
from mosulmap.io import geojson_dict, geojson_lines, geojson_text
from mosulmap.render import MapData
from mosulmap.style import ASSUMED_OPACITY, shown_color, shown_label
from mosulmap.timeline import SHOWN


def control_geojson(data: MapData) -> dict:
    """One feature per run of identical state per neighbourhood (valid_from/valid_to), for GIS."""
    runs = data.timeline.intervals()
    shapes = data.polygons.set_index("place_id")
    gaz = data.gazetteer
    runs["name"] = [gaz[p].name for p in runs["place_id"]]
    runs["arabic"] = [gaz[p].arabic for p in runs["place_id"]]
    runs["geometry_source"] = [shapes["geometry_source"].get(p, "none") for p in runs["place_id"]]
    runs["geometry_confidence"] = [shapes["geometry_confidence"].get(p, "none") for p in runs["place_id"]]
    runs["coord_method"] = [gaz[p].coord_method or ("sourced" if gaz[p].has_point else "none")
                            for p in runs["place_id"]]
    runs["uncertainty_m"] = [gaz[p].uncertainty_m for p in runs["place_id"]]
    # ACLED-style geo_precision: 1 an outline (sourced or user), 2 a cell around a sourced or
    # estimated point, 3 only the sector or nothing is known.
    runs["geo_precision"] = [
        1 if c in ("sourced", "user-supplied") else 2 if c in ("approximate", "estimated") else 3
        for c in runs["geometry_confidence"]
    ]
    # the evidence model's smoothed probabilities, averaged over the run's days
    _, smoothed = data.evidence
    tl = data.timeline
    index = {p: i for i, p in enumerate(tl.place_ids)}
    for k, name in enumerate(("p_gov", "p_contested", "p_is")):
        runs[name] = [round(float(smoothed[index[p], (date.fromisoformat(a) - tl.start).days:
                                           (date.fromisoformat(b) - tl.start).days + 1, k].mean()), 3)
                      for p, a, b in zip(runs["place_id"], runs["valid_from"], runs["valid_to"])]
    geometry = [shapes.geometry.get(p) for p in runs["place_id"]]
    return geojson_dict(gpd.GeoDataFrame(runs, geometry=geometry, crs=settings.WGS84))


def exports(data: MapData, polygons: gpd.GeoDataFrame, runs: dict) -> Iterator[tuple[str, str | bytes | Iterator[str]]]:
    """Every export of a build as (file name, content): text, bytes (Parquet), or pieces of text
    to stream. Each is made when the caller asks for it, so one stands in memory at a time."""
    tl, gaz = data.timeline, data.gazetteer
    yield "control.csv", control_csv(data)
    yield "control.geojson", geojson_lines(runs)
    used = sorted({c.claim_id: c for p in tl.place_ids for c in tl.history[p] if c.date <= tl.end}.values(),
                  key=attrgetter("date", "claim_id"))
    table = claims_table(used)  # built once: raw in Parquet, formula-safe in the CSV
    del used
    yield "claims.csv", csv_chunks(safe_table(table))
    yield "claims.parquet", write_parquet(table)
    del table
    unplaced = pd.DataFrame([u.__dict__ for u in data.unplaced], columns=["name", "source", "reason"])
    yield "unresolved.csv", safe_csv(unplaced)
    yield "places.geojson", geojson_text(places_frame(gaz, polygons))
    yield "frontline.geojson", geojson_lines(geojson_dict(front_frame(tl, data.fronts, data.campaign.metric_crs)))
    yield "area_by_day.csv", safe_csv(data.area_by_day)


def geopackage(data: MapData, polygons: gpd.GeoDataFrame, runs: dict, path: Path) -> None:
    """The GeoJSON layers in one GeoPackage for QGIS and ArcGIS: places, front line, and control
    runs. Each place's shape is stored once: the runs are a table (``control_runs``) and the layer
    ``control`` is a spatial view joining each run to its place's shape (GeoPackage views are read
    by GDAL, QGIS and ArcGIS as feature layers; a run of a place with no shape has none)."""
    control = pd.DataFrame([f["properties"] for f in runs["features"]])
    control["claim_ids"] = control["claim_ids"].astype(str)
    places = places_frame(data.gazetteer, polygons)
    layers = {"places": places[places.geometry.notna()],
              "frontline": front_frame(data.timeline, data.fronts, data.campaign.metric_crs)}
    import pyogrio
    import pyogrio.errors

    # A fixed timestamp in the GeoPackage's metadata keeps rebuilds byte-identical; GDAL's setting
    # is process-wide, so it is restored after the write (a notebook's own GeoPackages keep theirs).
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    stamp = f"{data.campaign.end.isoformat()}T00:00:00.000Z"
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        for name, frame in layers.items():
            frame[frame.geometry.notna()].to_file(path, layer=name, driver="GPKG")
        pyogrio.write_dataframe(control, path, layer="control_runs", driver="GPKG")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            pyogrio.errors.GeometryError, pyogrio.errors.FeatureError, RuntimeError) as exc:
        raise MosulmapError(f"{path}: cannot write the GeoPackage ({str(exc).splitlines()[0][:200]})") from None
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    _control_view(path, stamp)


def _control_view(path: Path, stamp: str) -> None:
    """Register ``control``: every column of ``control_runs`` and the shape of its place."""
    import sqlite3

    with closing(sqlite3.connect(path)) as db, db:
        kind, srs = db.execute("SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns "
                               "WHERE table_name = 'places'").fetchone()
        db.execute('CREATE VIEW control AS SELECT r.*, p.geom AS geom FROM control_runs r '
                   'LEFT JOIN places p ON p.place_id = r.place_id')
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) "
                   "VALUES ('control', 'features', 'control', 'runs of state, each with its place''s shape', ?, ?)",
                   (stamp, srs))
        db.execute("INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
                   "VALUES ('control', 'geom', ?, ?, 0, 0)", (kind, srs))


def area_chart(data: MapData) -> bytes:
    """PNG of the km² each side held per day (assumed apart), drawn on its own Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    table = data.area_by_day
    days = pd.to_datetime(table["date"])
    keys = [k for k in SHOWN if table[f"{k}_km2"].any()]
    fig = Figure(figsize=(9, 3.4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    areas = ax.stackplot(days, *[table[f"{k}_km2"] for k in keys],
                         labels=[shown_label(k, data.timeline.initial) for k in keys],
                         colors=[shown_color(k, data.timeline.initial) for k in keys], alpha=0.85)
    for area, key in zip(areas, keys):
        if key == "assumed":
            area.set_alpha(ASSUMED_OPACITY + 0.1)
    ax.set_ylabel(f"km² of drawn {data.campaign.area_label.removeprefix('the ')}")
    ax.set_title(f"{data.campaign.name}: area held per day, as reported (assumed apart)")
    ax.legend(loc="upper left", fontsize=8)
    ax.margins(x=0)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def safe_csv(frame: pd.DataFrame) -> str:
    """A table as CSV with formula-like text neutralised for spreadsheets (raw values: GeoJSON/JSONL)."""
    frame = frame.copy()
    for column in frame.columns:
        frame[column] = [csv_safe(v) if isinstance(v, str) else v for v in frame[column]]
    return frame.to_csv(index=False, lineterminator="\n")


def places_frame(gazetteer: Gazetteer, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    shapes = polygons.set_index("place_id")
    frame = gazetteer.to_frame()
    frame = frame[frame["scope"].isin(gazetteer.campaign.scopes)]
    if len(gazetteer.campaign.scopes) == 1:
        frame = frame.drop(columns=["scope"])
    for column in ("geometry_source", "geometry_confidence"):
        frame[column] = [shapes[column].get(pid, "none") for pid in frame["place_id"]]
    geometry = [shapes.geometry.get(pid) for pid in frame["place_id"]]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=settings.WGS84)
