"""Command-line interface: parses arguments and calls the library API, nothing more.

Bad input (a ``MosulmapError``) becomes a one-line message on stderr and exit status 2.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from mosulmap import settings
from mosulmap.errors import MosulmapError


def _reports_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except MosulmapError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:  # disk full, read-only folder, permission denied …
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)

    return wrapper


@click.group()
@click.version_option(package_name="mosulmap")
def main() -> None:
    """Map who controlled which neighbourhood of a city, day by day, from the news (east Mosul
    unless --campaign says otherwise)."""


def campaign_option(function):
    return click.option("--campaign", default=None, metavar="ID|DIR",
                        help="A bundled campaign (see 'mosulmap campaigns') or a campaign folder "
                             "[default: the bundled default].")(function)


@main.command("campaigns")
@_reports_errors
def list_campaigns() -> None:
    """List the bundled campaigns."""
    from mosulmap.campaign import bundled, load_campaign

    for cid in bundled():
        c = load_campaign(cid)
        click.echo(f"{cid}{' (default)' if cid == settings.DEFAULT_CAMPAIGN else ''}: {c.title}")


@main.command("init-campaign")
@click.argument("folder", type=click.Path(file_okay=False))
@_reports_errors
def init_campaign(folder: str) -> None:
    """Write a complete example campaign (a made-up town) into FOLDER, ready to build and edit."""
    from mosulmap.campaign_tools import write_example

    path = write_example(folder)
    click.echo(f"wrote an example campaign to {path}; build it with: mosulmap build --campaign {path} "
               f"--out {path}/output, then read {path}/README.md to replace its data with yours")


@main.command("check")
@campaign_option
@_reports_errors
def check(campaign: str | None) -> None:
    """Validate a campaign: manifest, places, extent, claims (FILE:LINE errors; exit 2 if any)."""
    from mosulmap.campaign_tools import check_campaign

    problems, facts = check_campaign(campaign)
    for line in facts:
        click.echo(line)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(2)
    click.echo("ok")


@main.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per name.")
@click.option("--gazetteer", type=click.Path(dir_okay=False), help="Place table (default: bundled).")
@click.option("--polygons", type=click.Path(dir_okay=False), help="Polygon GeoJSON (default: bundled).")
@campaign_option
@_reports_errors
def resolve(names: tuple[str, ...], as_json: bool, gazetteer: str | None, polygons: str | None,
            campaign: str | None) -> None:
    """Resolve place-name spellings (Latin or Arabic) to the campaign's places."""
    from mosulmap.gazetteer import load_gazetteer
    from mosulmap.io import geojson_dict
    from mosulmap.polygons import load_polygons
    from mosulmap.resolver import Resolver

    resolver = Resolver(load_gazetteer(gazetteer, campaign=campaign or None))
    shapes = load_polygons(polygons, resolver.gazetteer).set_index("place_id")
    for match in resolver.resolve_many(names):
        polys = [pid for pid in match.place_ids if match.is_resolved and pid in shapes.index]
        if as_json:
            data = match.to_dict()
            data["names"] = {pid: resolver.gazetteer[pid].name for pid in match.place_ids}
            data["polygons"] = geojson_dict(shapes.loc[polys].reset_index()) if polys else None
            click.echo(json.dumps(data, ensure_ascii=False))
            continue
        label = ", ".join(f"{resolver.gazetteer[p].name} [{p}]" for p in match.place_ids)
        line = f"{match.query!r}: {match.status.value}"
        if match.place_ids:
            line += f" -> {label}"
        if match.method.value != "none":
            line += f" ({match.method.value}, score {match.score:g})"
        if match.reason:
            line += f"; {match.reason}"
        click.echo(line)
        for pid in polys:
            row = shapes.loc[pid]
            c = row.geometry.representative_point()
            click.echo(
                f"    polygon {pid}: {row['geometry_source']}, {row['geometry_confidence']}, "
                f"{row['area_km2']:g} km², around {c.y:.4f}N {c.x:.4f}E"
            )
        if match.is_resolved and not polys:
            click.echo("    no polygon: the gazetteer has no position for this place")
        if not match.is_resolved and match.alternatives:
            shown = ", ".join(f"{c.name} ({c.score:g})" for c in match.alternatives[:3])
            click.echo(f"    candidates: {shown}")


@main.command()
@click.option("--user", "user_file", type=click.Path(dir_okay=False), help="Real polygons to swap in.")
@click.option("--name-column", help="Column of the user file holding the neighbourhood name.")
@click.option("--layer", help="Layer of a multi-layer user file.")
@click.option("--max-radius", default=1500.0, show_default=True, help="Largest derived cell radius, metres.")
@click.option(
    "--out", type=click.Path(dir_okay=False), default=None,
    help="Output GeoJSON (default: the bundled gazetteer/polygons.geojson).",
)
@_reports_errors
def polygons(
    user_file: str | None, name_column: str | None, layer: str | None, max_radius: float, out: str | None
) -> None:
    """Regenerate neighbourhood polygons from the gazetteer, optionally merging real ones."""
    from mosulmap.polygons import build_polygons, write_polygons

    gdf, report = build_polygons(user_file, name_column, layer, max_radius_m=max_radius)
    path = write_polygons(gdf, out)
    if report is not None:
        click.echo(report.summary())
    derived = int((gdf["geometry_source"] == "derived").sum())
    user = int(gdf["geometry_source"].str.startswith("user").sum())
    click.echo(f"wrote {path}: {len(gdf)} polygons ({derived} derived, {len(gdf) - derived - user} sourced, "
               f"{user} user)")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Claims file to write: .csv, .jsonl or .parquet (a report is written beside it).")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Fallback publication date for articles that give none (a sidecar's date comes first).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="One process, or Dask workers.")
@click.option("--scheduler", help="Address of an existing Dask scheduler (tcp://HOST:PORT); default a local cluster.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Worker processes of the local Dask cluster.")
@click.option("--all-articles", is_flag=True, help="No relevance pass: extract from every article.")
@click.option("--strict", is_flag=True, help="Stop at the first bad record.")
@click.option("--quiet", is_flag=True, help="No per-article report on stderr (skipped records are still listed).")
@click.option("--max-record-mb", default=1.0, show_default=True, type=click.FloatRange(min=0.001, max=1024),
              help="Records (articles, lines, rows) larger than this are skipped and reported.")
@click.option("--follow-links", is_flag=True, help="Read links in a folder that point outside it.")
@campaign_option
@_reports_errors
def extract(inputs: tuple[str, ...], output: str | None, published, engine: str, scheduler: str | None,
            workers: int, all_articles: bool, strict: bool, quiet: bool, max_record_mb: float,
            follow_links: bool, campaign: str | None) -> None:
    """Extract dated control claims from news articles: .txt files or folders (with .meta.json
    sidecars), JSON Lines, CSV or Parquet with a text column, gzip-compressed or not."""
    from mosulmap.claim_files import CLAIM_SUFFIXES, claims_csv
    from mosulmap.corpus import extract_corpus

    if output and Path(output).suffix.lower() not in CLAIM_SUFFIXES:
        raise MosulmapError(f"{output}: claims are written as {', '.join(CLAIM_SUFFIXES)}; choose one of these")
    options = {"engine": engine, "scheduler": scheduler, "workers": workers, "relevance": not all_articles,
               "published": published.date() if published else None, "strict": strict,
               "max_record_bytes": int(max_record_mb * 2**20), "follow_links": follow_links, "campaign": campaign}
    if output:  # streamed: each article's claims are written as it finishes, nothing held to the end
        from mosulmap.stream import ClaimStream

        def show(article) -> None:
            if not quiet:
                click.echo(article.summary(), err=True)

        with ClaimStream(output, on_article=show) as stream:
            result = extract_corpus(inputs, progress=True, sink=stream, **options)
            for bad in result.bad:  # always: what was not read is never silent
                click.echo(f"skipped: {bad.where}: {bad.reason}", err=True)
            click.echo(result.summary(), err=True)
            stream.finish(result.totals())
        click.echo(f"wrote {stream.claims} claims to {output} and the report to {stream.report_path}", err=True)
        return
    result = extract_corpus(inputs, progress=False, **options)
    if not quiet:
        for article in result.results:
            click.echo(article.summary(), err=True)
    for bad in result.bad:  # always: what was not read is never silent
        click.echo(f"skipped: {bad.where}: {bad.reason}", err=True)
    click.echo(result.summary(), err=True)
    click.echo(claims_csv(result.claims), nl=False)


@main.command("claims")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Stop at the first bad row.")
@campaign_option
@_reports_errors
def check_claims(files: tuple[str, ...], strict: bool, campaign: str | None) -> None:
    """Validate claims files and report bad rows and unresolved places (exit 2 if any row is bad)."""
    from mosulmap.claim_files import load_claims
    from mosulmap.gazetteer import load_gazetteer
    from mosulmap.resolver import Resolver

    result = load_claims(files, Resolver(load_gazetteer(campaign=campaign)), strict=strict)
    for problem in result.problems:
        click.echo(f"error: {problem}", err=True)
    for warning in result.warnings:
        click.echo(f"unresolved: {warning}", err=True)
    click.echo(result.summary())
    if result.problems:
        sys.exit(2)


DATE = click.DateTime(formats=["%Y-%m-%d"])


@main.command()
@click.argument("gold", type=click.Path(dir_okay=False, exists=True))
@click.argument("articles", type=click.Path(file_okay=False, exists=True))
@click.option("--published", type=DATE, help="Fallback publication date for articles with no date of their own.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--brief", is_flag=True, help="Figures only, without the list of misses.")
@click.option("--group", "groups", multiple=True,
              help="Also score a group of files apart: FIRST-LAST (file stems, e.g. 31-70) or a glob. Repeatable.")
@campaign_option
@_reports_errors
def evaluate(gold: str, articles: str, published, as_json: bool, brief: bool, groups, campaign) -> None:
    """Score extraction against gold claims: precision, recall, F1 per status, language and file
    group, and every miss."""
    from mosulmap.evaluate import evaluate as run
    from mosulmap.gazetteer import load_gazetteer
    from mosulmap.resolver import Resolver

    result = run(gold, articles, Resolver(load_gazetteer(campaign=campaign)),
                 published=published.date() if published else None, groups=tuple(groups))
    click.echo(json.dumps(result.as_dict(), indent=1) if as_json else result.report(details=not brief))


@main.command("evaluate-states")
@campaign_option
@click.option("--claims", "claims_files", multiple=True, type=click.Path(dir_okay=False),
              help="Claims files to score instead of the campaign's.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@_reports_errors
def evaluate_states_command(campaign, claims_files, as_json) -> None:
    """Score, prequentially and leaving each place out, how well the latest-claim rule, the rule
    softened toward base rates, base rates and the evidence model forecast each claim."""
    import dataclasses

    from mosulmap.evidence_eval import evaluate_states
    from mosulmap.pipeline import build_timeline, load_inputs

    inputs = load_inputs(claims_files or None, corpus=None, campaign=campaign)
    result = evaluate_states(build_timeline(inputs.claims.claims, inputs.gazetteer), inputs.campaign.id)
    if as_json:
        click.echo(json.dumps({**dataclasses.asdict(result), "model_wins": result.model_wins}, indent=1))
    else:
        click.echo(result.report())


@main.command()
@click.option("--claims", "claims_files", multiple=True, type=click.Path(dir_okay=False),
              help="Claims file (CSV or JSONL) that REPLACES the campaign's claims; repeat for several.")
@click.option("--add-claims", "add_claims", multiple=True, type=click.Path(dir_okay=False),
              help="Claims file ADDED to the campaign's claims (or to --claims); repeat for several.")
@click.option("--corpus", type=click.Path(file_okay=False), default=None,
              help="Folder of .txt articles to extract claims from [default: the campaign's corpus].")
@click.option("--no-corpus", is_flag=True, help="Do not extract claims from articles.")
@click.option("--polygons", "polygons_file", type=click.Path(dir_okay=False), help="Real polygons to swap in.")
@click.option("--name-column", help="Column of the --polygons file holding the neighbourhood name.")
@click.option("--layer", help="Layer of a multi-layer --polygons file.")
@click.option("--start", type=DATE, help="First day (default: the campaign's first day).")
@click.option("--end", type=DATE, help="Last day (default: the last claim).")
@click.option("--every-day", is_flag=True, help="A dated map for every day, not only days with changes.")
@click.option("--tiles", help="Basemap tiles, e.g. OpenStreetMap (needs internet; default none).")
@click.option("--no-snapshots", is_flag=True, help="Skip the PNG snapshots.")
@click.option("--strict", is_flag=True, help="Stop at the first bad claims row.")
@click.option("--initial", type=click.Choice(["is_control", "unknown"]), default=None,
              help="State before any claim [default: the campaign's (its default.state)].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output folder (default: output/).")
@click.option("--jobs", type=click.IntRange(min=1, max=256), default=None,
              help="Processes drawing the PNG snapshots (or the dated maps with --no-snapshots) [default: every core].")
@campaign_option
@_reports_errors
def build(claims_files, add_claims, corpus, no_corpus, polygons_file, name_column, layer, start, end, every_day,
          tiles, no_snapshots, strict, initial, out_dir, jobs, campaign) -> None:
    """Build the maps and exports of a campaign into output/."""
    from mosulmap.pipeline import build as run_build
    from mosulmap.timeline import ControlStatus

    result = run_build(
        out_dir, claims_files or None, None if no_corpus else (corpus or "campaign"), polygons_file,
        start.date() if start else None, end.date() if end else None, every_day, tiles,
        snapshots=not no_snapshots, strict=strict, progress=True,
        initial=ControlStatus(initial) if initial else None,
        name_column=name_column, layer=layer, add_claims=add_claims, campaign=campaign, jobs=jobs,
    )
    for note in result.notes:
        click.echo(note)
    for problem in result.problems:
        click.echo(f"skipped: {problem}", err=True)
    for key, value in result.summary.items():
        click.echo(f"{key}: {value}")
    click.echo(f"open {result.out_dir / 'index.html'}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the GIF and MP4 (default: output/).")
@click.option("--every-day", is_flag=True, help="A frame for every day, not only days with changes.")
@click.option("--claims", "claims_files", multiple=True, type=click.Path(dir_okay=False),
              help="Claims file that replaces the bundled dataset.")
@click.option("--add-claims", "add_claims", multiple=True, type=click.Path(dir_okay=False),
              help="Claims file added to the bundled dataset.")
@click.option("--no-corpus", is_flag=True, help="Do not extract claims from the bundled articles.")
@click.option("--width", default=800, type=int, show_default=True,
              help="Frame width in pixels, 16 to 2000 (800: a web article's column).")
@click.option("--seconds", default=0.8, type=float, show_default=True, help="Seconds per frame, 0.05 to 60.")
@campaign_option
@_reports_errors
def animate(out_dir, every_day, claims_files, add_claims, no_corpus, width, seconds, campaign) -> None:
    """Write CAMPAIGN.gif and CAMPAIGN.mp4 (east_mosul.gif …): one frame per dated map, with the date and
    sources."""
    from mosulmap.animate import check_options, write_animation
    from mosulmap.pipeline import load_inputs, prepare

    check_options(width, seconds)  # before any input is read or frame drawn

    options = {"claims_files": claims_files or None, "add_claims": add_claims, "campaign": campaign}
    if no_corpus:
        options["corpus"] = None
    data = prepare(load_inputs(**options))
    days = data.timeline.days if every_day else data.timeline.change_days()
    gif, mp4 = write_animation(data, days, out_dir or settings.OUTPUT_DIR, stem=data.campaign.stem, width=width,
                               seconds_per_frame=seconds, progress=True)
    click.echo(f"wrote {gif} and {mp4}: {len(days)} frames")


@main.command()
@click.option("--date", "day", type=DATE, required=True, help="The day to map (YYYY-MM-DD).")
@click.option("--claims", "claims_files", multiple=True, type=click.Path(dir_okay=False))
@click.option("--no-corpus", is_flag=True, help="Do not extract claims from the bundled articles.")
@click.option("--polygons", "polygons_file", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output folder (default: output/).")
@campaign_option
@_reports_errors
def render(day, claims_files, no_corpus, polygons_file, out_dir, campaign) -> None:
    """Render the map of one day into OUT/maps/DAY.html."""
    from mosulmap.pipeline import render_one

    options = {"claims_files": claims_files or None, "polygons_file": polygons_file, "campaign": campaign}
    if no_corpus:
        options["corpus"] = None
    click.echo(f"wrote {render_one(day.date(), out_dir, **options)}")


if __name__ == "__main__":  # pragma: no cover
    main()
