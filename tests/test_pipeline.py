"""End to end: bundled claims + corpus articles -> output/ (maps, slider, snapshots, exports)."""

import csv
import json
import os
from datetime import date
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import maps_data

from mosulmap import pipeline, settings
from mosulmap.campaign import load_campaign
from mosulmap.claims import claim_prefix
from mosulmap.cli import main
from mosulmap.errors import MosulmapError

END = date(2016, 11, 20)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "output"
    result = pipeline.build(out, end=END)
    return out, result


def test_build_writes_every_product(built):
    out, result = built
    days = [d.isoformat() for d in result.days]
    assert days[0] == "2016-10-17" and "2016-11-04" in days
    for day in days:
        assert (out / "maps" / f"{day}.html").stat().st_size > 10_000
        assert (out / "snapshots" / f"{day}.png").read_bytes()[:4] == b"\x89PNG"
    for name in ("index.html", "timeline.html", "control.csv", "control.geojson", "claims.csv",
                 "unresolved.csv", "places.geojson", "summary.json", "lib/leaflet.js"):
        assert (out / name).exists(), name
    index = (out / "index.html").read_text()
    assert all(f'href="maps/{d}.html"' in index for d in days) and 'href="timeline.html"' in index


def test_corpus_claims_reach_the_map(built):
    out, _ = built
    rows = list(csv.DictReader((out / "control.csv").open()))
    samah = {r["date"]: r for r in rows if r["place_id"] == "samah"}
    assert samah["2016-10-17"]["status"] == "is_control" and samah["2016-10-17"]["basis"] == "default"
    assert samah["2016-11-17"]["status"] == "gov_control"
    # The bundled articles' ids stem from their path from the campaign's folder: the same in any clone.
    campaign = load_campaign()
    corpus = Path(os.path.relpath(campaign.corpus, campaign.folder)).as_posix()
    kurdistan = claim_prefix(f"{corpus}/kurdistan24_is_admits_losing_territory.txt")
    assert f"{kurdistan}-001" in samah["2016-11-17"]["claim_ids"].split(";")
    used = {r["claim_id"]: r for r in csv.DictReader((out / "claims.csv").open())}
    assert "c0001" in used and "c1022" in used  # both bundled files
    # The Alalam report of 4 Nov is curated (c0014, Malayeen) and is also a bundled article: one claim,
    # both provenances.
    alalam = claim_prefix(f"{corpus}/alalam_2016-11-04_east_mosul_six_districts.txt")
    assert f"{alalam}-001" not in used
    assert f"also extracted from the article ({alalam}-001" in used["c0014"]["note"]
    assert any(c.startswith("kurdistan24-") for c in used)  # what the curated data lacks is still added
    unresolved = {r["name"] for r in csv.DictReader((out / "unresolved.csv").open())}
    assert {"Tisaee", "Zarqawi", "Shama"} <= unresolved


def test_control_geojson_has_time_intervals_and_precision(built):
    out, _ = built
    features = json.loads((out / "control.geojson").read_text())["features"]
    gogjali = [f["properties"] for f in features if f["properties"]["place_id"] == "gogjali"]
    assert gogjali[0]["valid_from"] == "2016-10-17" and gogjali[0]["status"] == "is_control"
    assert all(a["valid_to"] < b["valid_from"] for a, b in zip(gogjali, gogjali[1:]))
    assert {f["properties"]["geo_precision"] for f in features} == {1, 2, 3}  # Rashidiya's outline is 1
    palestine = next(f["properties"] for f in features if f["properties"]["place_id"] == "palestine")
    assert (palestine["coord_method"], palestine["uncertainty_m"], palestine["geo_precision"]) == (
        "sector_estimate", 1800, 3)
    assert any(f["geometry"] is None for f in features)  # claimed places with no polygon stay in the table


def test_day_map_content(built):
    out, _ = built
    html = (out / "maps" / "2016-11-04.html").read_text()
    assert "East Mosul: who held what on Fri 4 Nov 2016" in html
    assert "cdn." not in html and "../lib/leaflet.js" in html  # works offline
    # the slider's data, pinned to day 18
    assert '<script src="../data/timeline.js">' in html and '{"pin":18,"base":"../"}' in html
    assert "Claimed places no source locates" in html
    shared = maps_data(out)
    data = pipeline.prepare(pipeline.load_inputs(), end=END)
    assert data.undrawn  # e.g. Domiz: named by claims, located by no source
    assert [p["id"] for p in shared["nopoly"]] == data.undrawn  # listed beside every map, with their state
    for pid, place in zip(data.undrawn, shared["nopoly"]):
        assert escape(data.gazetteer[pid].name) in place["tip"], pid
    assert "Tisaee" not in shared["unplaced"] or "Names not on the map" in shared["unplaced"]
    assert "cell around a sourced point" in html and "disputed" in html and "assumed IS-held: no report yet" in html


def test_rebuild_is_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        pipeline.build(out, end=date(2016, 11, 5))
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) > 10
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_failed_build_leaves_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    pipeline.build(out, end=date(2016, 11, 2), snapshots=False)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "render_slider", boom)
    with pytest.raises(RuntimeError):
        pipeline.build(out, end=date(2016, 11, 10), snapshots=False)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no staging left behind


def test_refuses_to_replace_a_foreign_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(MosulmapError, match="not written by mosulmap"):
        pipeline.build(tmp_path, end=date(2016, 11, 2))
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_cli_build_and_render(tmp_path):
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--end", "2016-11-03", "--no-snapshots",
                                       "--every-day"])
    assert result.exit_code == 0, result.output
    assert "dated maps: 18" in result.output and "names not on the map:" in result.output
    assert len(list((out / "maps").glob("*.html"))) == 18
    unknown = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "u"), "--end", "2016-11-03",
                                        "--no-snapshots", "--initial", "unknown"])
    assert unknown.exit_code == 0, unknown.output
    first = (tmp_path / "u" / "control.csv").read_text().splitlines()[1]
    assert first.split(",")[3] == "unknown"
    assert "shown as assumed unknown," in (tmp_path / "u" / "index.html").read_text()
    assert "assumed unknown: no report yet" in (tmp_path / "u" / "maps" / "2016-10-17.html").read_text()
    one = CliRunner().invoke(main, ["render", "--date", "2016-11-04", "--out", str(tmp_path / "r")])
    assert one.exit_code == 0, one.output
    assert (tmp_path / "r" / "maps" / "2016-11-04.html").exists()
    assert 'href="maps/2016-11-04.html"' in (tmp_path / "r" / "index.html").read_text()  # the index links it
    bad = CliRunner().invoke(main, ["build", "--out", str(out), "--claims", str(tmp_path / "absent.csv")])
    assert bad.exit_code == 2 and "absent.csv" in bad.output and "Traceback" not in bad.output


def test_default_output_folder_is_the_repo_output(monkeypatch):
    assert settings.OUTPUT_DIR.name == "output" and settings.OUTPUT_DIR.parent == settings.ROOT


def test_animate_writes_a_gif_and_an_mp4_with_one_frame_per_dated_map(tmp_path):
    import imageio.v3 as iio

    mine = tmp_path / "mine.csv"
    mine.write_text("claim_id,date,date_precision,place_as_written,status,event,source\n"
                    "a,2016-11-01,exact,Gogjali,contested,entered,s\nb,2016-11-04,exact,Karama,gov_control,captured,s\n"
                    "c,2016-11-06,exact,Gogjali,gov_control,cleared,s\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["animate", "--claims", str(mine), "--no-corpus", "--out", str(tmp_path),
                                       "--width", "400"])
    assert result.exit_code == 0, result.output
    data = pipeline.prepare(pipeline.load_inputs(claims_files=[mine], corpus=None))
    expected = len(data.timeline.change_days())
    assert f"{expected} frames" in result.output
    gif = iio.imread(tmp_path / "east_mosul.gif", index=None)
    assert gif.shape[0] == expected and gif.shape[2] == 400
    mp4 = list(iio.imiter(tmp_path / "east_mosul.mp4", plugin="FFMPEG"))
    assert len(mp4) == expected


def test_front_line_area_and_geopackage_exports(built):
    import geopandas as gpd
    import pyogrio

    out, _ = built
    front = json.loads((out / "frontline.geojson").read_text())["features"]
    # on the first day the city's edge faces government-held country (the campaign's front.outside)
    assert front[0]["properties"]["valid_from"] == "2016-10-17" and front[0]["geometry"] is not None
    assert all(a["properties"]["valid_to"] < b["properties"]["valid_from"] for a, b in zip(front, front[1:]))
    assert any(f["geometry"] and f["properties"]["length_km"] > 1 for f in front)
    area = list(csv.DictReader((out / "area_by_day.csv").open()))
    assert len(area) == (END - date(2016, 10, 17)).days + 1
    last = area[-1]
    assert float(last["gov_control_km2"]) > 0 and int(last["assumed_places"]) > 0
    assert sum(int(last[f"{k}_places"]) for k in ("gov_control", "contested", "is_control", "unknown",
                                                  "assumed")) == 102
    layers = dict(pyogrio.list_layers(out / "control.gpkg"))
    assert set(layers) == {"control", "control_runs", "places", "frontline"}
    # each shape stored once: the runs are a table, and "control" a layer joining them to the places
    assert layers["control_runs"] is None
    runs = json.loads((out / "control.geojson").read_text())["features"]
    control = gpd.read_file(out / "control.gpkg", layer="control")
    assert len(control) == len(runs) and list(control["place_id"]) == [f["properties"]["place_id"] for f in runs]
    assert [g is None for g in control.geometry] == [f["geometry"] is None for f in runs]
    assert len(gpd.read_file(out / "control.gpkg", layer="places")) > 80
    assert (out / "area_by_day.png").read_bytes()[:4] == b"\x89PNG"
    assert 'src="area_by_day.png"' in (out / "index.html").read_text()
