"""Any campaign: the city, its window and its map frame are data (bundled east/west Mosul and the
whole battle, a campaign generated here in another hemisphere, the example, the wheel)."""

import ast
import csv
import json
import math
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Point, shape

from mosulmap import pipeline, settings
from mosulmap.campaign import bundled, load_campaign, utm_crs
from mosulmap.campaign_tools import check_campaign, write_example
from mosulmap.cli import main
from mosulmap.errors import MosulmapError
from mosulmap.gazetteer import load_gazetteer
from mosulmap.snapshot import source_line
from mosulmap.timeline import ControlStatus

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_campaigns_and_their_facts():
    assert set(bundled()) == {"east-mosul", "west-mosul", "mosul"}
    east, west, whole = (load_campaign(c) for c in ("east-mosul", "west-mosul", "mosul"))
    assert load_campaign() == east  # the default
    assert (east.start, east.end, west.start, west.end) == (date(2016, 10, 17), date(2017, 1, 24),
                                                            date(2017, 2, 19), date(2017, 7, 10))
    assert (whole.start, whole.end) == (east.start, west.end)
    assert {c.metric_crs for c in (east, west, whole)} == {utm_crs(east.extent)} == {"EPSG:32638"}
    result = CliRunner().invoke(main, ["campaigns"])
    assert result.exit_code == 0 and "west-mosul: West Mosul, 19 Feb – 10 Jul 2017" in result.output


def test_utm_zone_comes_from_the_extent_north_or_south():
    assert utm_crs(Point(43.15, 36.35)) == "EPSG:32638"
    assert utm_crs(Point(28.28, -15.42)) == "EPSG:32735"
    assert utm_crs(Point(-70.6, -33.45)) == "EPSG:32719"


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that are not docstrings, and literal date(...) calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append((node.lineno, node.value))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "date" \
                and node.args and all(isinstance(a, ast.Constant) for a in node.args):
            out.append((node.lineno, "date literal " + ast.unparse(node)))
    return out


def test_no_campaign_fact_is_left_in_the_code():
    facts = re.compile(r"EPSG:(?!4326\b)\d+|\b(?:19|20)\d\d-\d\d-\d\d\b|date literal|\bMosul\b|الموصل|\bTigris\b"
                       r"|east[_ -]bank|west[_ -]bank|east_mosul|Who's On First|Natural Earth", re.I)
    found = [f"{p.relative_to(ROOT)}:{line}: {text[:80]!r}" for p in sorted((ROOT / "mosulmap").rglob("*.py"))
             for line, text in _code_strings(p) if facts.search(text)
             and not (p.name == "gazetteer.py" and text in ("east_bank", "west_bank", "west_bank_or_edge",
                                                             "east bank", "west bank", "west bank or city edge"))]
    for path in (ROOT / "mosulmap" / "templates").iterdir():  # the page scripts and styles
        found += [f"{path.name}: {m.group(0)}" for m in facts.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_west_mosul_draws_every_located_place_with_its_own_title():
    inputs = pipeline.load_inputs(corpus=None, campaign="west-mosul")
    data = pipeline.prepare(inputs)
    gaz = data.gazetteer
    located = {p.place_id for p in gaz.neighbourhoods() if p.has_point}
    assert len(located) > 100 and located <= set(data.drawn)
    assert all(gaz[p].scope in ("west_bank", "west_bank_or_edge") for p in data.timeline.place_ids)
    west = load_campaign("west-mosul").extent.buffer(1e-4)
    assert all(west.covers(g) for g in data.polygons.geometry)  # no cell crosses the river
    html = pipeline.render_day(data, date(2017, 3, 1), lib="inline")
    assert "West Mosul: who held what on" in html and '"westName":"East Mosul\\u003cbr\\u003e(not mapped)"' in html
    summary = pipeline.build_summary(inputs, data, data.timeline.change_days())
    assert "Uruba" in summary["claimed places no source locates"]


def test_the_old_city_is_drawn_through_its_quarters():
    inputs = pipeline.load_inputs(corpus=None, campaign="west-mosul")
    gaz, claims = inputs.gazetteer, inputs.claims.claims
    quarters = gaz.members()["old-city"]
    assert "old-city" in gaz.aggregates() and len(quarters) >= 30
    assert "old-city" not in {p.place_id for p in gaz.neighbourhoods()}
    tl = pipeline.build_timeline(claims, gaz)
    whole = {c.date for c in claims if "west-mosul" in c.place_ids}  # the whole-area claims win those days
    on_city = sorted({c.date for c in claims if "old-city" in c.place_ids} - whole)
    own = {(c.date, p) for c in claims for p in c.place_ids}
    checked = 0
    for day in on_city:
        for q in quarters:
            state = tl.state(q, day)
            if (day, q) in own:  # a quarter's own claim that day wins over the Old City's
                assert state.basis == "claim"
            else:
                assert state.basis == "claim on Old City" and any(
                    "old-city" in tl.claims[i].place_ids for i in state.claim_ids)
                checked += 1
    assert checked > 0


def test_the_whole_battle_has_both_banks_and_names_on_both_banks_are_ambiguous():
    inputs = pipeline.load_inputs(corpus=None, campaign="mosul")
    data = pipeline.prepare(inputs)
    scopes = {data.gazetteer[p].scope for p in data.drawn}
    assert {"east_bank", "west_bank"} <= scopes
    east, west = load_campaign("east-mosul").extent.buffer(1e-4), load_campaign("west-mosul").extent.buffer(1e-4)
    for pid, geom in zip(data.polygons["place_id"], data.polygons.geometry):
        assert (east if data.gazetteer[pid].scope == "east_bank" else west).covers(geom), pid
    assert inputs.resolver.resolve("Shuhada").status.value == "ambiguous"
    tl = data.timeline
    assert tl.start == date(2016, 10, 17) and tl.end == date(2017, 7, 10)
    # a bank's whole-area declaration covers that bank only: the east's of Jan 2017 frees no west place
    west = [p for p in tl.place_ids if data.gazetteer[p].scope != "east_bank"]
    east = [p for p in tl.place_ids if data.gazetteer[p].scope == "east_bank"]
    assert all(tl.state(p, date(2017, 1, 25)).shown == "gov_control" for p in east)
    assert sum(tl.state(p, date(2017, 1, 25)).shown == "gov_control" for p in west) == 0
    assert all(tl.state(p, date(2017, 7, 10)).shown == "gov_control" for p in west)


def _made_up_city(folder: Path) -> Path:
    """A made-up city of 30 places south of the equator (UTM 35S), with its own window and default."""
    folder.mkdir()
    lat0, lon0 = -15.45, 28.25
    rows, claims = [], []
    for i in range(30):
        row, col = divmod(i, 6)
        rows.append({"place_id": f"ward-{i:02d}", "name": f"Ward {i:02d}", "arabic": "", "variants": f"Kata {i:02d}",
                     "scope": "city", "feature_type": "ward", "lat": f"{lat0 + row * 0.01:.4f}",
                     "lon": f"{lon0 + col * 0.01:.4f}", "coord_confidence": "medium", "coord_method": "sourced"})
    rows.append({"place_id": "lakeside", "name": "Lakeside", "arabic": "", "variants": "", "scope": "outskirts",
                 "feature_type": "village", "lat": "-15.60", "lon": "28.40", "coord_confidence": "low",
                 "coord_method": "sourced"})
    with (folder / "places.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for i, (day, place, status, event) in enumerate([
        ("2021-05-03", "Ward 00", "contested", "entered"), ("2021-05-05", "Kata 00", "gov_control", "captured"),
        ("2021-05-05", "Ward 07", "contested", "fighting"), ("2021-05-20", "Ward 07", "gov_control", "cleared"),
        ("2021-05-21", "Ward 29", "is_control", "withdrew"), ("2021-05-22", "Lakeside", "gov_control", "captured"),
    ]):
        claims.append({"claim_id": f"m{i}", "date": day, "date_precision": "exact", "place_as_written": place,
                       "place_id": "", "status": status, "event": event, "source": "made up",
                       "quote": f"{place}: {event}"})
    with (folder / "claims.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(claims[0]))
        writer.writeheader()
        writer.writerows(claims)
    ring = [[lon0 - 0.01, lat0 - 0.01], [lon0 + 0.06, lat0 - 0.01], [lon0 + 0.06, lat0 + 0.05],
            [lon0 - 0.01, lat0 + 0.05], [lon0 - 0.01, lat0 - 0.01]]
    (folder / "extent.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    (folder / "campaign.toml").write_text("""id = "made-up-city"
title = "Made-up City, 1 May – 31 May 2021"
name = "Made-up City"
[window]
start = 2021-05-01
end = 2021-05-31
[default]
state = "unknown"
[area]
places = "places.csv"
scopes = ["city"]
extent = "extent.geojson"
[claims]
files = ["claims.csv"]
""", encoding="utf-8")
    return folder


def test_a_campaign_made_here_in_another_hemisphere_builds_end_to_end(tmp_path):
    folder = _made_up_city(tmp_path / "city")
    campaign = load_campaign(folder)
    assert campaign.metric_crs == "EPSG:32735"
    assert check_campaign(folder)[0] == []
    result = pipeline.build(tmp_path / "out", campaign=folder)
    out = tmp_path / "out"
    assert result.summary["neighbourhoods drawn"].startswith("30 of 30")
    page = (out / "timeline.html").read_text(encoding="utf-8")
    assert "Made-up City: who held what on" in page
    # the legend names only the kinds of shape drawn: cells around its points, no sourced outline
    assert "cell around a sourced point" in page and "outline from a source" not in page
    east = pipeline.prepare(pipeline.load_inputs(corpus=None))
    assert "River: Natural Earth" in source_line(east)  # the PNG credits the river file's credit
    assert "River:" not in source_line(pipeline.prepare(pipeline.load_inputs(corpus=None, campaign=folder)))
    assert "Lakeside" in (out / "unresolved.csv").read_text(encoding="utf-8")  # outside: reported, not drawn
    control = list(csv.DictReader((out / "control.csv").open(encoding="utf-8")))
    first = {r["place_id"]: r for r in control if r["date"] == "2021-05-01"}
    assert {r["status"] for r in first.values()} == {"unknown"}  # its own default state
    end = max(r["date"] for r in control)
    assert end == "2021-05-21"  # the last mapped claim's day (Lakeside's is out of scope)
    last = {r["place_id"]: r["status"] for r in control if r["date"] == end}
    assert (last["ward-00"], last["ward-07"], last["ward-29"]) == ("gov_control", "gov_control", "is_control")
    # areas in metres of the right zone: 30 cells tile the 7.7 x 6.6 km extent
    total = pipeline.load_inputs(campaign=folder).polygons["area_km2"].sum()
    expected = (0.07 * 111.32 * math.cos(math.radians(15.43))) * (0.06 * 110.6)
    assert abs(total - expected) / expected < 0.03, (total, expected)
    assert sorted(p.name for p in (out / "snapshots").iterdir())  # PNGs too
    assert ControlStatus.GOV_CONTROL.value in (out / "area_by_day.csv").read_text(encoding="utf-8")


def test_check_reports_file_and_line(tmp_path):
    folder = _made_up_city(tmp_path / "city")
    text = (folder / "places.csv").read_text(encoding="utf-8")
    (folder / "places.csv").write_text(text.replace("-15.4500,28.2500", "-14.0000,28.2500"), encoding="utf-8")
    with (folder / "claims.csv").open("a", encoding="utf-8") as f:
        f.write("m9,2021-05-09,exact,Ward 01,nowhere,contested,entered,made up,quote\n")
    manifest = (folder / "campaign.toml").read_text(encoding="utf-8")
    (folder / "campaign.toml").write_text(manifest.replace('scopes = ["city"]', 'scopes = ["city", "suburbs"]')
                                          .replace("end = 2021-05-31", "end = 2021-05-02")
                                          .replace("start = 2021-05-01", "start = 2021-04-01"), encoding="utf-8")
    problems, _ = check_campaign(folder)
    text = "\n".join(problems)
    assert re.search(r"places\.csv:2: ward-00 .* lies outside the extent", text)
    assert re.search(r"claims\.csv:8: column 'place_id': not a gazetteer place", text)
    assert "area.scopes names 'suburbs'" in text and "excludes every claim" in text
    result = CliRunner().invoke(main, ["check", "--campaign", str(folder)])
    assert result.exit_code == 2
    (folder / "campaign.toml").write_text("id = \n", encoding="utf-8")
    assert "campaign.toml:1: not valid TOML" in check_campaign(folder)[0][0]
    with pytest.raises(MosulmapError, match="not a bundled campaign"):
        load_campaign(tmp_path / "nothing-here")


def test_init_campaign_writes_an_example_that_checks_and_builds(tmp_path):
    folder = tmp_path / "town"
    result = CliRunner().invoke(main, ["init-campaign", str(folder)])
    assert result.exit_code == 0, result.output
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for column in ("place_id", "scope", "coord_method", "part_of", "claim_id", "window.start", "area.scopes"):
        assert column in readme
    assert CliRunner().invoke(main, ["check", "--campaign", str(folder)]).exit_code == 0
    built = CliRunner().invoke(main, ["build", "--campaign", str(folder), "--out", str(tmp_path / "out"),
                                      "--no-snapshots"])
    assert built.exit_code == 0, built.output
    control = list(csv.DictReader((tmp_path / "out" / "control.csv").open(encoding="utf-8")))
    mill = [r for r in control if r["place_id"] == "mill-quarter" and r["date"] == "2020-04-12"][0]
    assert mill["status"] == "contested" and mill["basis"] == "claim on Old Town"  # the aggregate's claim
    assert "old-town" not in {r["place_id"] for r in control}
    with pytest.raises(MosulmapError, match="not an empty folder"):
        write_example(folder)


def test_the_built_wheel_installs_and_builds_from_an_empty_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(wheels), str(ROOT)], check=True, timeout=300)
    wheel = next(wheels.glob("mosulmap-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The dependencies come from this environment's site-packages (a .pth line), not from the
    # network; the editable checkout's finder is not installed there, so mosulmap is the wheel's.
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    import sysconfig

    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    where = subprocess.run([str(python), "-c", "import mosulmap.settings as s; print(s.DATA_ROOT)"], cwd=empty,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and "_bundled" in where
    run = subprocess.run([str(venv / "bin" / "mosulmap"), "build", "--campaign", "west-mosul", "--no-snapshots",
                          "--out", "out", "--end", "2017-03-10"], cwd=empty, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (empty / "out" / "timeline.html").exists() and (empty / "out" / "control.gpkg").exists()
    assert "campaign: West Mosul" in run.stdout
    assert shutil.which("mosulmap", path=str(venv / "bin"))


def test_extraction_takes_the_campaign(tmp_path):
    from mosulmap.corpus import extract_corpus

    article = tmp_path / "a.txt"
    article.write_text("Iraqi forces captured the Shuhada neighbourhood of Mosul on Monday, officers said.\n",
                       encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text(json.dumps({"published": "2017-03-07"}), encoding="utf-8")
    ids = {}
    for campaign in ("east-mosul", "west-mosul"):
        result = extract_corpus([tmp_path], campaign=campaign)
        ids[campaign] = {p for c in result.claims for p in c.place_ids}
    assert ids == {"east-mosul": {"shuhada-east"}, "west-mosul": {"shuhada"}}


def test_the_gazetteer_is_shared_and_an_id_means_one_place():
    east, west = load_gazetteer(campaign="east-mosul"), load_gazetteer(campaign="west-mosul")
    assert [p.place_id for p in east] == [p.place_id for p in west]  # one table, two views
    assert east["tanak"].scope == "west_bank" and "altank" in east["tanak"].aliases  # merged, not duplicated
    assert east.canonical_id("altank") == "tanak"
    east_extent = load_campaign("east-mosul").extent
    assert not any(east_extent.covers(Point(p.lon, p.lat)) for p in west.neighbourhoods() if p.has_point)
    city = shapely.union_all([shape(f["geometry"]) for f in json.loads(
        (settings.GAZETTEER_DIR / "mosul_city.geojson").read_text())["features"]])
    assert city.intersects(load_campaign("west-mosul").extent)
