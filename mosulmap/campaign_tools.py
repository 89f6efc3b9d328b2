"""Campaign tools: write the example campaign, and check a campaign folder before building it.

``write_example`` copies the packaged example (a made-up town: manifest, places, claims, extent,
river, README) into a folder. ``check_campaign`` reads a campaign the way a build does and lists
every problem as ``FILE:LINE: …`` (missing columns, scopes no place has, points outside the
extent, claims on unknown places, a window that excludes every claim), plus a few facts.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from shapely.geometry import Point

from mosulmap.campaign import Campaign, load_campaign
from mosulmap.errors import InputError, MosulmapError

EXAMPLE_FILES = ("campaign.toml", "places.csv", "claims.csv", "extent.geojson", "river.geojson", "README.md")


def write_example(folder: str | Path) -> Path:
    """Write the example campaign into ``folder`` (created; it must be empty or new)."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise MosulmapError(f"{folder}: exists and is not an empty folder; choose a new one")
    folder.mkdir(parents=True, exist_ok=True)
    source = resources.files("mosulmap").joinpath("example_campaign")
    for name in EXAMPLE_FILES:
        (folder / name).write_bytes(source.joinpath(name).read_bytes())
    return folder.resolve()


def _lines(path: Path) -> dict[str, int]:
    """Line of each place_id in a CSV (for FILE:LINE messages)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return {(row.get("place_id") or "").strip(): reader.line_num for row in reader}


def check_campaign(ref: str | Path | Campaign | None) -> tuple[list[str], list[str]]:
    """Problems (each one line, ``FILE:LINE: …`` where a line is known) and facts about a campaign."""
    from mosulmap.claim_files import load_claims
    from mosulmap.gazetteer import load_gazetteer
    from mosulmap.resolver import Resolver

    problems: list[str] = []
    try:
        campaign = load_campaign(ref)
        gazetteer = load_gazetteer(campaign=campaign)
        extent = campaign.extent
    except MosulmapError as exc:
        return [str(exc)], []
    facts = [f"campaign {campaign.id}: {campaign.title}", f"window {campaign.start} to {campaign.end}",
             f"metric CRS {campaign.metric_crs}"]
    manifest = campaign.folder / "campaign.toml"
    scopes = {p.scope for p in gazetteer}
    for scope in campaign.scopes:
        if scope not in scopes:
            problems.append(f"{manifest}: area.scopes names '{scope}', which no row of {campaign.places} has "
                            f"(its scopes: {', '.join(sorted(scopes))})")
    lines = _lines(campaign.places)
    mapped = gazetteer.neighbourhoods()
    with_point = [p for p in mapped if p.has_point]
    facts.append(f"{len(mapped)} mapped places, {len(with_point)} with a point")
    if not mapped:
        problems.append(f"{campaign.places}: no place is in the mapped scopes ({', '.join(campaign.scopes)})")
    for place in with_point:
        if not extent.covers(Point(place.lon, place.lat)):
            problems.append(f"{campaign.places}:{lines.get(place.place_id, '?')}: {place.place_id} "
                            f"({place.lat}, {place.lon}) lies outside the extent {campaign.extent_file.name}")
    if campaign.landmarks is not None:
        with campaign.landmarks.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                if row.get("place_id") and row["place_id"] not in gazetteer:
                    problems.append(f"{campaign.landmarks}:{reader.line_num}: unknown place_id {row['place_id']!r}")
    if not campaign.claims:
        problems.append(f"{manifest}: claims.files names no claims file")
        return problems, facts
    try:
        claims = load_claims(campaign.claims, Resolver(gazetteer))
    except InputError as exc:
        return [*problems, str(exc)], facts
    problems += [str(p) for p in claims.problems]
    facts += [f"unresolved (listed beside the map, not drawn): {w}" for w in claims.warnings]
    placed = [c for c in claims.claims if c.place_ids]
    outside = [c for c in placed if not any(gazetteer.in_scope(gazetteer[p]) for p in c.place_ids)]
    facts.append(f"{len(claims.claims)} claims, {len(placed)} placed, {len(outside)} on places outside the mapped "
                 f"scopes")
    inside = [c for c in placed if campaign.start <= c.date <= campaign.end]
    if placed and not inside:
        first, last = min(c.date for c in placed), max(c.date for c in placed)
        problems.append(f"{manifest}: the window {campaign.start}..{campaign.end} excludes every claim "
                        f"(claims run from {first} to {last})")
    return problems, facts
