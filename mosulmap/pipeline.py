"""Pipeline: run every stage and write ``output/``; what ``mosulmap build`` and notebooks call.

``load_inputs`` gathers the gazetteer, polygons, curated claims and claims extracted from the
corpus; ``prepare`` builds the timeline and map data; ``build`` renders everything into a
staging folder beside the output folder and swaps it in only when all of it was written, so a
failed build leaves the previous output intact.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
from tqdm import tqdm

from mosulmap import settings
from mosulmap.campaign import Campaign, load_campaign
from mosulmap.claim_files import load_claims
from mosulmap.claim_lists import place_claims_js
from mosulmap.claims import Claim, ClaimSet
from mosulmap.errors import MosulmapError
from mosulmap.exports import area_chart, control_geojson, exports, geopackage
from mosulmap.extract import ArticleResult, extract_files
from mosulmap.gazetteer import Gazetteer, load_gazetteer
from mosulmap.io import atomic_write_bytes, atomic_write_text
from mosulmap.maps import DATA_FILE, day_pages, render_day, render_slider, timeline_script
from mosulmap.outdir import MARKER, check_out_dir, clean_leftovers, staging_dir, swap_in
from mosulmap.polygons import build_polygons, load_polygons
from mosulmap.render import MapData, UnplacedName, lib_files, render_index
from mosulmap.resolver import Resolver
from mosulmap.snapshot import snapshot_pool
from mosulmap.timeline import ControlStatus, build_timeline
from mosulmap.user_polygons import PolygonImport


@dataclass
class Inputs:
    """Everything a build reads, after validation and resolution."""

    resolver: Resolver
    polygons: gpd.GeoDataFrame
    claims: ClaimSet
    articles: list[ArticleResult] = field(default_factory=list)
    polygon_report: PolygonImport | None = None
    claim_files: list[str] = field(default_factory=list)
    replaced_bundled: bool = False  # the caller's claims replaced the bundled dataset

    @property
    def gazetteer(self) -> Gazetteer:
        return self.resolver.gazetteer

    @property
    def campaign(self) -> Campaign:
        return self.resolver.gazetteer.campaign

    def unplaced(self) -> list[UnplacedName]:
        """Names from claims and articles that could not be put on the map, deduplicated."""
        seen: dict[tuple[str, str], UnplacedName] = {}
        for claim in self.claims.unresolved:
            key = (claim.place_as_written, claim.source)
            seen.setdefault(key, UnplacedName(claim.place_as_written, claim.source, claim.resolution))
        for article in self.articles:
            for u in article.unplaced:
                seen.setdefault((u.name, article.source), UnplacedName(u.name, article.source, u.status))
        return sorted(seen.values(), key=lambda u: (u.name.casefold(), u.source))


def load_inputs(
    claims_files: Iterable[str | Path] | None = None,
    corpus: str | Path | None = "campaign",
    polygons_file: str | Path | None = None,
    gazetteer_file: str | Path | None = None,
    strict: bool = False,
    name_column: str | None = None,
    layer: str | None = None,
    add_claims: Iterable[str | Path] = (),
    campaign: str | Path | Campaign | None = None,
) -> Inputs:
    """Load, validate and resolve the inputs of a build.

    Parameters
    ----------
    claims_files : paths, optional
        Claims files that replace the campaign's (default: the campaign's claims files).
    add_claims : paths, optional
        Claims files added to ``claims_files`` (or to the campaign's).
    corpus : path or None
        Folder of ``*.txt`` articles to extract claims from (default ``"campaign"``: the
        campaign's corpus, if it has one); None for none.
    polygons_file : path, optional
        Real polygons to merge over the derived ones for this build.
    gazetteer_file : path, optional
        Place table (default: bundled).
    strict : bool
        Stop at the first bad claims row instead of skipping it.
    name_column, layer : str, optional
        Name column and layer of ``polygons_file`` (default: guessed, first layer).
    campaign : Campaign, bundled id or folder, optional
        The battle to map (default: east Mosul).
    """
    campaign = load_campaign(campaign)
    resolver = Resolver(load_gazetteer(gazetteer_file, campaign=campaign))
    report = None
    if polygons_file:
        polygons, report = build_polygons(polygons_file, name_column, layer, resolver=resolver)
    else:
        polygons = load_polygons(gazetteer=resolver.gazetteer)
    files = [*(claims_files or campaign.claims), *add_claims]
    if not files:
        raise MosulmapError(f"campaign {campaign.id} names no claims files and none were given")
    claims = load_claims(files, resolver, strict=strict)
    articles: list[ArticleResult] = []
    own = corpus == "campaign"
    if own:
        corpus = campaign.corpus
    if corpus is not None:
        folder = Path(corpus)
        if not folder.is_dir():
            raise MosulmapError(f"{folder}: corpus folder not found")
        # The campaign's own articles are named from its folder: the same ids on every machine.
        articles = extract_files(sorted(folder.glob("*.txt")), resolver, relative_to=campaign.folder if own else None)
        claims.claims = merge_reports(claims.claims, [c for a in articles for c in a.claims])
    inputs = Inputs(resolver, polygons, claims, articles, report)
    inputs.claim_files = [str(f) for f in files]
    inputs.replaced_bundled = bool(claims_files)
    return inputs


def _url_key(text: str) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.|en\.|mobile\.)?", "", text.strip().lower()).rstrip("/")


def merge_reports(curated: list[Claim], extracted: list[Claim]) -> list[Claim]:
    """Curated claims plus extracted ones, each report counted once: an extracted claim whose
    article the curated data already cites for the same (date, place, status) is merged into
    that curated claim, which keeps both provenances in its note."""
    out = list(curated)
    taken = {c.claim_id: c for c in curated}
    index: dict[tuple, list[int]] = {}
    for i, c in enumerate(curated):
        index.setdefault((c.date, frozenset(c.place_ids), c.status), []).append(i)
    for claim in extracted:
        if claim.claim_id in taken:
            first = taken[claim.claim_id]
            if (first.date, first.place_ids, first.status, first.quote) == (claim.date, claim.place_ids, claim.status,
                                                                          claim.quote):
                continue  # the same extracted claim, also given in a claims file: one report
            raise MosulmapError(f"claim id {claim.claim_id!r} is given twice: by {first.origin or first.source} and by "
                                f"{claim.origin or claim.source}")
        article = _url_key(claim.origin)
        same = [i for i in index.get((claim.date, frozenset(claim.place_ids), claim.status), [])
                if article and (article in _url_key(out[i].source) or article == _url_key(out[i].url))]
        if same:
            i = same[0]
            note = f"{out[i].note}; also extracted from the article ({claim.claim_id}: {claim.quote[:120]})"
            out[i] = replace(out[i], note=note.lstrip("; "))
            continue
        out.append(claim)
        taken[claim.claim_id] = claim
    return out


def _geojson_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def prepare(inputs: Inputs, start: date | None = None, end: date | None = None,
            initial: ControlStatus | None = None, tiles: str | None = None) -> MapData:
    """Build the timeline and everything the renderers need (``initial``: the campaign's default
    state unless given)."""
    campaign = inputs.campaign
    timeline = build_timeline(inputs.claims.claims, inputs.gazetteer, start, end, initial=initial)
    return MapData(
        timeline=timeline,
        gazetteer=inputs.gazetteer,
        polygons=inputs.polygons,
        extent=_geojson_of(campaign.extent_file),
        river=_geojson_of(campaign.river) if campaign.river else {"type": "FeatureCollection", "features": []},
        unplaced=inputs.unplaced(),
        tiles=tiles,
    )


@dataclass
class BuildResult:
    """What a build wrote and what it found."""

    out_dir: Path
    days: list[date] = field(default_factory=list)
    summary: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[MosulmapError] = field(default_factory=list)  # bad claim rows that were skipped


def build_summary(inputs: Inputs, data: MapData, days: list[date]) -> dict[str, object]:
    """The figures a reader of the build needs first, including what the map cannot show."""
    tl, gaz = data.timeline, data.gazetteer
    disputed_days = sorted({s.day for p in tl.place_ids for s in tl.states[p] if s.disputed})
    shapes = data.polygons.set_index("place_id")["geometry_confidence"]
    drawn = {k: int((shapes == k).sum()) for k in ("sourced", "user-supplied", "approximate", "estimated", "marker")}
    last = tl.on(tl.end)
    stale = tl.stale(tl.end)
    claimed = {p for p in tl.place_ids if any(not gaz[c.place_ids[0]].is_whole_area for c in tl.history[p])}
    bundled = data.campaign.folder.parent == settings.CAMPAIGNS_DIR.resolve()
    source = (f"your claims (the {'bundled' if bundled else 'campaign'} dataset replaced): " if inputs.replaced_bundled
              else f"the {'bundled' if bundled else 'campaign'} dataset: ") + ", ".join(
        Path(f).name for f in inputs.claim_files)
    return {
        "campaign": f"{data.campaign.title} ({data.campaign.id})",
        "period": f"{tl.start.isoformat()} to {tl.end.isoformat()} ({len(tl.days)} days)",
        "claims from": source,
        "dated maps": len(days),
        "claims loaded": len(inputs.claims.claims),
        "claims extracted from articles": sum(len(a.claims) for a in inputs.articles),
        "claims used on the map": len({c.claim_id for p in tl.place_ids for c in tl.history[p] if c.date <= tl.end}),
        "bad claim rows skipped": len(inputs.claims.problems),
        "names not on the map": len(data.unplaced),
        "days with a disputed neighbourhood": len(disputed_days),
        "neighbourhoods drawn": f"{len(data.drawn)} of {len(tl.place_ids)} ("
                                + ", ".join(f"{n} {k}" for k, n in drawn.items() if n) + ")",
        "claimed places drawn": f"{len(claimed & set(data.drawn))} of {len(claimed)}",
        "claimed places no source locates": ", ".join(gaz[p].name for p in data.undrawn) or "none",
        f"assumed on {tl.end.isoformat()} (no report names them)": sum(s.assumed for s in last),
        f"stale on {tl.end.isoformat()} (last report over 14 days old)":
            ", ".join(f"{gaz[s.place_id].name} ({s.age} days)" for s in sorted(stale, key=lambda s: -s.age)) or "none",
        "longest stale states (no new report for over 14 days)": _stale_runs(tl, gaz) or "none",
    }


def _stale_runs(tl, gaz, days: int = 14, most: int = 12) -> str:
    """The places that sat longest in one reported state with no report newer than ``days``."""
    runs = []
    for pid in tl.place_ids:
        best, length, first = None, 0, None
        for state in tl.states[pid]:
            if not state.assumed and state.age is not None and state.age > days:
                length, first = (length + 1, first or state)
                if best is None or length > best[0]:
                    best = (length, first)
            else:
                length, first = 0, None
        if best:
            runs.append((best[0], pid, best[1]))
    runs.sort(key=lambda r: (-r[0], r[1]))
    return ", ".join(f"{gaz[pid].name} {s.status.label} {n + days} days from {s.last_report.isoformat()}"
                     for n, pid, s in runs[:most])


def build(
    out_dir: str | Path | None = None,
    claims_files: Iterable[str | Path] | None = None,
    corpus: str | Path | None = "campaign",
    polygons_file: str | Path | None = None,
    start: date | None = None,
    end: date | None = None,
    every_day: bool = False,
    tiles: str | None = None,
    snapshots: bool = True,
    strict: bool = False,
    progress: bool = False,
    initial: ControlStatus | None = None,
    name_column: str | None = None,
    layer: str | None = None,
    add_claims: Iterable[str | Path] = (),
    campaign: str | Path | Campaign | None = None,
    jobs: int | None = None,
) -> BuildResult:
    """Build every map and export of a campaign (default east Mosul) into ``out_dir`` (default
    ``output/``), atomically.

    Dated maps and snapshots are made for each day on which something changed (``every_day``
    for all days); the slider map covers every day, and each dated map is the slider's view pinned
    to its day (both read ``data/timeline.js``). ``initial`` is the state before any claim
    (default: the campaign's). ``jobs``: processes drawing the PNGs and the front lines (default:
    every core).
    """
    out = Path(out_dir or settings.OUTPUT_DIR).resolve()
    cleaned = clean_leftovers(out)
    check_out_dir(out)
    inputs = load_inputs(claims_files, corpus, polygons_file, strict=strict, name_column=name_column, layer=layer,
                         add_claims=add_claims, campaign=campaign)
    data = prepare(inputs, start, end, initial=initial, tiles=tiles)
    tl = data.timeline
    days = tl.days if every_day else tl.change_days()
    result = BuildResult(out, days, notes=cleaned, problems=list(inputs.claims.problems))
    if inputs.polygon_report is not None:
        result.notes.append(inputs.polygon_report.summary())
    result.summary = build_summary(inputs, data, days)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(out)
    try:
        for name, content in lib_files().items():
            atomic_write_bytes(staging / "lib" / name, content)
        # the slider and every dated map are views of one data file
        atomic_write_text(staging / DATA_FILE, timeline_script(data))
        atomic_write_text(staging / "timeline.html", render_slider(data))
        # worker processes draw the PNGs while this one writes the dated maps
        with snapshot_pool(data, days, jobs) if snapshots else nullcontext(iter(())) as pngs:
            for day, html in tqdm(day_pages(data, days), total=len(days), desc="maps", unit="day",
                                  disable=not progress):
                atomic_write_text(staging / "maps" / f"{day.isoformat()}.html", html)
            for day, png in pngs:
                atomic_write_bytes(staging / "snapshots" / f"{day.isoformat()}.png", png)
        for pid in tl.place_ids:  # each place's full claim list, loaded by the maps on demand
            if tl.history[pid]:
                for name, text in place_claims_js(tl, pid).items():
                    atomic_write_text(staging / "claims" / name, text)
        runs = control_geojson(data)  # once: the GeoJSON export and the GeoPackage share it
        for name, content in exports(data, inputs.polygons, runs):
            if isinstance(content, bytes):
                atomic_write_bytes(staging / name, content)
            else:
                atomic_write_text(staging / name, content)
        geopackage(data, inputs.polygons, runs, staging / "control.gpkg")
        atomic_write_bytes(staging / "area_by_day.png", area_chart(data))
        atomic_write_text(staging / "summary.json", json.dumps(result.summary, indent=1) + "\n")
        atomic_write_text(staging / "index.html", render_index(data, days, result.summary, snapshots, chart=True))
        swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def render_one(day: date, out_dir: str | Path | None = None, **inputs_options) -> Path:
    """Render the map of one day into ``OUT/maps/DAY.html`` (plus the Leaflet files it needs)."""
    out = Path(out_dir or settings.OUTPUT_DIR)
    check_out_dir(out)  # a folder a build did not write is not ours to add to
    inputs = load_inputs(**inputs_options)
    data = prepare(inputs)
    tl = data.timeline
    if not tl.start <= day <= tl.end:
        raise MosulmapError(f"{day} is outside the timeline {tl.start}..{tl.end}")
    for name, content in lib_files().items():
        atomic_write_bytes(out / "lib" / name, content)
    if not (out / MARKER).exists():
        atomic_write_text(out / MARKER, "written by mosulmap; a build may replace the whole folder\n")
    atomic_write_text(out / DATA_FILE, timeline_script(data))  # the data the dated map is a view of
    path = atomic_write_text(out / "maps" / f"{day.isoformat()}.html", render_day(data, day))
    # The index links every dated map in the folder, this one included.
    days = sorted(date.fromisoformat(p.stem) for p in (out / "maps").glob("*.html")
                  if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.stem))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8")) if (out / "summary.json").exists() \
        else build_summary(inputs, data, days)
    snapshots = all((out / "snapshots" / f"{d.isoformat()}.png").exists() for d in days)
    atomic_write_text(out / "index.html", render_index(data, days, summary, snapshots,
                                                      chart=(out / "area_by_day.png").exists()))
    return path
