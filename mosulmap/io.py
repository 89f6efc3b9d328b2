"""Output helpers shared by every stage: atomic writes and deterministic GeoJSON/CSV text.

Files are written to a temporary sibling and renamed into place, so a reader never sees a
half-written file and a failure leaves the previous version intact. GeoJSON is serialised by
hand (sorted features, coordinates rounded) so that the same input gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

COORD_DECIMALS = 6  # ~0.1 m: far finer than any position in the gazetteer
UMASK = os.umask(0)
os.umask(UMASK)


def atomic_write_bytes(path: str | Path, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or pieces of it to stream) to ``path`` via a temporary file and an
    atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes | bytearray | memoryview):
                handle.write(data)
            else:
                handle.writelines(data)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str | Iterable[str]) -> Path:
    """Write UTF-8 ``text`` (a string, or pieces of it to stream) atomically (``\\n`` line ends on
    every platform)."""
    if isinstance(text, str):
        return atomic_write_bytes(path, text.encode("utf-8"))
    return atomic_write_bytes(path, (piece.encode("utf-8") for piece in text))


def round_geometry(geom: Any, decimals: int) -> dict | None:
    """A shapely geometry as a GeoJSON geometry dict, coordinates rounded (None when empty)."""
    if geom is None or geom.is_empty:
        return None
    return mapping(shapely.transform(geom, lambda xy: np.round(xy, decimals)))


def csv_pieces(header: list[str] | None, count: int, rows_of: Callable[[int, int], Iterable[tuple]],
               rows: int = 50_000) -> Iterator[str]:
    """CSV text (the csv module's quoting, ``\\n`` line ends) of ``count`` rows in pieces of ``rows``:
    ``rows_of(start, stop)`` gives the rows of a piece, so a large table is streamed, never held whole."""
    for start in range(0, max(count, 1), rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if header and start == 0:
            writer.writerow(header)
        writer.writerows(rows_of(start, min(start + rows, count)))
        yield buffer.getvalue()


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def geojson_dict(gdf: gpd.GeoDataFrame, decimals: int = COORD_DECIMALS) -> dict:
    """A GeoDataFrame as a GeoJSON FeatureCollection dict (WGS84, rounded coordinates)."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    features = []
    for row, geom in zip(gdf[columns].itertuples(index=False), gdf.geometry):
        geometry = round_geometry(geom, decimals)
        props = {c: _clean(v) for c, v in zip(columns, row)}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def geojson_text(gdf: gpd.GeoDataFrame, decimals: int = COORD_DECIMALS) -> str:
    return json.dumps(geojson_dict(gdf, decimals), ensure_ascii=False, indent=1) + "\n"


def geojson_lines(collection: dict) -> Iterator[str]:
    """A large FeatureCollection as GeoJSON text in pieces, one feature per line (written by the
    json module's C encoder, which an indented dump cannot use)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    features = collection["features"]
    for i, feature in enumerate(features):
        yield json.dumps(feature, ensure_ascii=False) + (",\n" if i < len(features) - 1 else "\n")
    yield "]}\n"


def write_geojson(gdf: gpd.GeoDataFrame, path: str | Path, decimals: int = COORD_DECIMALS) -> Path:
    """Write a GeoDataFrame as deterministic GeoJSON, atomically."""
    return atomic_write_text(path, geojson_text(gdf, decimals))
