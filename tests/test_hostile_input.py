"""Input a user did not write: source text is data, never code, and every bad row is reported.

Each test here is a regression test for a hole found by an adversarial review: template syntax in
any field, CSV records that used to swallow the rows after them, JSON Lines split on Unicode line
separators, files with nothing to map, hostile polygon files, environment failures and the
leftovers of a build that was killed.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from mosulmap import pipeline
from mosulmap.campaign import load_campaign
from mosulmap.claim_files import claims_csv, load_claims, read_claims, write_claims
from mosulmap.cli import main
from mosulmap.errors import InputError
from mosulmap.extract import extract_text
from mosulmap.polygons import build_polygons
from mosulmap.user_polygons import import_user_polygons

METRIC_CRS = load_campaign().metric_crs  # the default campaign's (UTM 38N)

HEADER = "claim_id,date,date_precision,place_as_written,status,event,actor,source,quote,note\n"
END = date(2016, 11, 6)


def _q(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _row(claim_id, day="2016-11-04", place="Karama", actor="CTS", source="s", quote="q", note=""):
    return ",".join([_q(claim_id), day, "exact", _q(place), "gov_control", "captured", _q(actor), _q(source),
                     _q(quote), _q(note)]) + "\n"


def _build(tmp_path, claims_text, name="claims.csv", **options):
    claims = tmp_path / name
    claims.write_text(claims_text, encoding="utf-8")
    out = tmp_path / "out"
    options.setdefault("corpus", None)
    return pipeline.build(out, claims_files=[claims], end=END, snapshots=False, **options), out


def _all_text(out: Path) -> str:
    """Every page of a build and the data the pages show (the maps' data file, the claim lists)."""
    pages = [*out.rglob("*.html"), *(out / "data").glob("*.js"), *(out / "claims").glob("*.js")]
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(pages))


# -- template syntax is data --------------------------------------------------------------------

def test_template_syntax_in_every_claim_field_is_shown_literally_and_never_runs(tmp_path):
    pwned = tmp_path / "PWNED"
    command = "{{ lipsum.__globals__.os.popen('touch " + str(pwned) + "').read() }}"
    rows = [
        _row(command, actor="{{7*7}} actor", source="{% if 1 %}src{% endif %}", quote="quote {{7*7}} {# x #}",
             note="note {{ 6*7 }}"),
        _row("c-unclosed", place="Zuhur", quote="an unclosed {{ brace and {% tag", source="{#1}"),
        _row("c-place", place="{{7*7}}", quote="a place name that is template syntax"),
    ]
    result, out = _build(tmp_path, HEADER + "".join(rows))
    assert not pwned.exists()
    html = _all_text(out)
    for literal in ("{{7*7}} actor", "{% if 1 %}src{% endif %}", "quote {{7*7}} {# x #}", "an unclosed {{ brace",
                    "{#1}", "lipsum.__globals__"):
        assert literal in html, literal
    assert "49 actor" not in html and "quote 49" not in html
    # the unplaced name is listed beside the map as written
    maps = (out / "data" / "timeline.js").read_text(encoding="utf-8")  # what every map shows
    assert "Names not on the map" in maps and "{{7*7}}" in maps
    assert result.summary["claims used on the map"] == 2


def test_template_syntax_in_articles_file_names_and_sidecars(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pwned = tmp_path / "PWNED"
    article = corpus / "{{7*7}} {#1}.txt"
    article.write_text("Headline {{7*7}}\n\n2016-11-04\n\nIraqi forces captured the Karama district {#1} "
                       "on Friday {{ 7*7 }}. An unclosed {% tag here.\n", encoding="utf-8")
    (corpus / "{{7*7}} {#1}.txt.meta.json").write_text(json.dumps({
        "url": "https://example.org/{{ lipsum.__globals__.os.popen('touch " + str(pwned) + "').read() }}",
        "title": "{% raw %}title", "publisher": "{{7*7}} News"}), encoding="utf-8")
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1", place="Zuhur"), encoding="utf-8")
    out = tmp_path / "out"
    result = pipeline.build(out, claims_files=[claims], corpus=corpus, end=END, snapshots=False)
    assert not pwned.exists()
    assert result.summary["claims extracted from articles"] == 1
    html = _all_text(out)
    assert "{{7*7}} News" in html and "{% raw %}title" in html and "lipsum.__globals__" in html


def test_template_syntax_in_polygon_names(tmp_path, gazetteer):
    pwned = tmp_path / "PWNED"
    p = gazetteer.points().set_index("place_id").geometry["gogjali"]
    square = shapely.box(p.x - 0.003, p.y - 0.003, p.x + 0.003, p.y + 0.003)
    names = ["Gogjali", "{{ lipsum.__globals__.os.popen('touch " + str(pwned) + "').read() }}", "{% for %}"]
    path = tmp_path / "user.geojson"
    gpd.GeoDataFrame({"name": names}, geometry=[square] * 3, crs=4326).to_file(path)
    result, out = _build(tmp_path, HEADER + _row("c1", place="Gogjali"), polygons_file=path)
    assert not pwned.exists()
    assert "{% for %}" in result.notes[0]
    assert "user: user.geojson" in (out / "data" / "timeline.js").read_text(encoding="utf-8")


# -- CSV and JSON Lines -------------------------------------------------------------------------

def test_rows_after_a_broken_csv_record_are_read_and_reported(tmp_path):
    rows = [_row(f"c{i}", day=f"2016-11-0{i}") for i in range(1, 8)]
    rows[3] = _row("c4", day="2016-11-04", quote="x" * 10_000_000)  # over csv's default 131,072 limit
    rows[5] = _row("c6", day="2016-13-06")
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "".join(rows), encoding="utf-8")
    result = read_claims(big)
    assert [c.claim_id for c in result.claims] == ["c1", "c2", "c3", "c4", "c5", "c7"]
    assert [p.line for p in result.problems] == [7]
    unbalanced = tmp_path / "unbalanced.csv"
    unbalanced.write_text(HEADER + rows[0] + 'c2,2016-11-02,exact,"Karama,gov_control,captured,a,s,q,n\n'
                          + rows[2] + "c9,20161104,exact,Karama,gov_control,captured,a,s,q,n\n" + rows[4],
                          encoding="utf-8")
    result = read_claims(unbalanced)
    assert [c.claim_id for c in result.claims] == ["c1", "c3", "c5"]
    assert [p.line for p in result.problems] == [3, 5]
    assert "malformed CSV" in str(result.problems[0]) and "column 'date'" in str(result.problems[1])


def test_a_quoted_field_may_hold_line_breaks_and_carriage_returns(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(HEADER + _row("c1", quote="one\r\ntwo\rthree\nfour") + _row("c2"), encoding="utf-8",
                    newline="")
    result = read_claims(path)
    assert [c.quote for c in result.claims] == ["one\r\ntwo\rthree\nfour", "q"] and not result.problems


def test_json_lines_keep_unicode_line_separators_inside_strings(tmp_path, resolver):
    text = "Headline\n\n2016-11-04\n\nIraqi forces captured the Karama district\u2028 and Zuhur\u2029 on Friday."
    claims = extract_text(text, resolver, source="sep\u0085.txt").claims
    assert len(claims) == 2 and any("\u2028" in c.quote for c in claims)
    path = write_claims(claims, tmp_path / "claims.jsonl")
    back = read_claims(path)
    assert not back.problems
    assert [c.to_row() for c in back.claims] == [c.to_row() for c in claims]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(path.read_text(encoding="utf-8") + "{not json}\n", encoding="utf-8")
    assert [p.line for p in read_claims(bad).problems] == [3]


@pytest.mark.parametrize("name, text, message", [
    ("empty.csv", "", "empty file"),
    ("header.csv", HEADER, "no claims in file"),
    ("columns.csv", "claim_id,date\nc1,2016-11-04\n", "missing columns"),
    ("twice.csv", HEADER.strip() + ",date\n" + _row("c1").strip() + ",2016-11-05\n", "column repeated"),
    ("array.json", json.dumps([{"claim_id": "c1"}]), "JSON array"),
    ("allbad.csv", HEADER + _row("c1", day="2016-11-31") + _row("c2", day="x"), "no usable claims: all 2 rows"),
])
def test_a_file_with_nothing_to_map_is_an_error_and_keeps_the_previous_output(tmp_path, name, text, message):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + _row("c1"), encoding="utf-8")
    out = tmp_path / "out"
    base = ["build", "--no-corpus", "--no-snapshots", "--end", "2016-11-06", "--out", str(out)]
    assert CliRunner().invoke(main, base + ["--claims", str(good)]).exit_code == 0
    before = (out / "control.csv").read_bytes()
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, base + ["--claims", str(bad)])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (out / "control.csv").read_bytes() == before


def test_dates_must_be_written_yyyy_mm_dd_and_bad_rows_exit_2(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(HEADER + _row("c1") + _row("c2", day="20161104") + _row("c3", day="2016-W44-5"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["claims", str(path)])
    assert result.exit_code == 2
    assert "dates.csv:3: column 'date': not an ISO date" in result.output
    assert "dates.csv:4: column 'date'" in result.output


# -- exports: spreadsheets do not run formulas, the raw values stay available --------------------

def test_exports_neutralise_formulas_and_claims_csv_reads_back_unchanged(tmp_path):
    rows = [_row("c1", actor="=HYPERLINK(\"http://x\")", source="+cmd|' /C calc'!A0", quote="-2+3",
                 note="@SUM(A1)"),
            _row("c2", place="=Tisaee", quote="'=already quoted", source="\tx")]
    claims_in = load_claims(_build(tmp_path, HEADER + "".join(rows))[1].parent / "claims.csv")
    out = tmp_path / "out"
    for name in ("claims.csv", "control.csv", "unresolved.csv"):
        for row in csv.reader((out / name).open(encoding="utf-8")):
            assert not any(v[:1] in ("=", "+", "-", "@", "\t", "\r") for v in row), (name, row)
    exported = load_claims(out / "claims.csv")
    ours = {c.claim_id: c.to_row() for c in claims_in.claims}
    assert {c.claim_id: c.to_row() for c in exported.claims} == {k: ours[k] for k in ("c1",)}
    raw = pd.read_parquet(out / "claims.parquet").to_dict("records")  # the raw values, columnar
    assert raw[0]["actor"] == "=HYPERLINK(\"http://x\")" and raw[0]["quote"] == "-2+3"
    assert [r["claim_id"] for r in raw] == [c.claim_id for c in exported.claims]
    assert claims_csv(exported.claims) == (out / "claims.csv").read_text(encoding="utf-8")
    unresolved = (out / "unresolved.csv").read_text(encoding="utf-8")
    assert "'=Tisaee" in unresolved


# -- polygons ------------------------------------------------------------------------------------

def _user(tmp_path, names, geoms, crs=4326, name="user.geojson"):
    path = tmp_path / name
    gpd.GeoDataFrame({"name": names}, geometry=geoms, crs=crs).to_file(path)
    return path


def _square(gazetteer, place_id, half=0.003):
    p = gazetteer.points().set_index("place_id").geometry[place_id]
    return shapely.box(p.x - half, p.y - half, p.x + half, p.y + half)


def test_polygons_with_nan_coordinates_are_rejected_by_row(tmp_path, resolver, gazetteer):
    path = tmp_path / "nan.geojson"
    good = json.loads(gpd.GeoSeries([_square(gazetteer, "gogjali")], crs=4326).to_json())["features"][0]["geometry"]
    nan = {"type": "Polygon", "coordinates": [[[43.2, 36.3], ["NaN", 36.3], [43.3, 36.4], [43.2, 36.3]]]}
    features = [{"type": "Feature", "properties": {"name": n}, "geometry": g}
                for n, g in (("Gogjali", good), ("Karama", nan))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}).replace('"NaN"', "NaN"))
    report = import_user_polygons(path, resolver)
    assert [m[2] for m in report.matched] == ["gogjali"]
    assert report.rejected == [(2, "Karama", "coordinates that are not numbers (NaN or infinite)")]


def test_a_layer_of_empty_geometries_says_so(tmp_path, resolver):
    path = tmp_path / "empty.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Karama"}, "geometry": None}]}))
    with pytest.raises(InputError, match="every feature's geometry is empty"):
        import_user_polygons(path, resolver)


def test_overlapping_user_polygons_are_trimmed_and_reported(tmp_path, resolver, gazetteer):
    a, b = _square(gazetteer, "karama", 0.006), _square(gazetteer, "karama", 0.004).buffer(0.003)
    path = _user(tmp_path, ["Karama", "Muthanna"], [a, b.difference(a).union(shapely.box(*a.bounds).buffer(-0.004))])
    polygons, report = build_polygons(path, resolver=resolver)
    user = polygons[polygons["geometry_source"].str.startswith("user")]
    assert len(user) == 2
    metric = user.to_crs(METRIC_CRS).geometry
    assert abs(sum(metric.area) - metric.union_all().area) < 1.0  # m²: nothing overlaps any more
    assert any("overlap" in w and "karama" in w for w in report.warnings)


def test_derived_cells_covered_by_user_polygons_are_noted(tmp_path, resolver, gazetteer):
    big = _square(gazetteer, "karama", 0.03)  # covers several neighbours' cells entirely
    _, report = build_polygons(_user(tmp_path, ["Karama"], [big]), resolver=resolver)
    assert any("lies wholly under user polygons" in w for w in report.warnings)


def test_polygons_far_from_mosul_are_rejected(tmp_path, resolver):
    brazil = shapely.box(-47.9, -15.8, -47.8, -15.7)
    report = import_user_polygons(_user(tmp_path, ["Karama"], [brazil]), resolver)
    assert not report.matched and "outside East Mosul" in report.rejected[0][2]


def test_build_polygons_takes_a_name_column_and_layer(tmp_path, gazetteer):
    path = tmp_path / "user.gpkg"
    gpd.GeoDataFrame({"label_x": ["Gogjali"]}, geometry=[_square(gazetteer, "gogjali")], crs=4326).to_file(
        path, layer="districts")
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1", place="Gogjali"), encoding="utf-8")
    args = ["build", "--claims", str(claims), "--no-corpus", "--no-snapshots", "--end", "2016-11-06",
            "--polygons", str(path), "--name-column", "label_x", "--layer", "districts", "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "1 polygons matched" in result.output


# -- the environment -----------------------------------------------------------------------------

@pytest.mark.parametrize("errno, text", [(28, "No space left on device"), (30, "Read-only file system")])
def test_disk_full_and_read_only_are_one_line_and_keep_the_output(tmp_path, monkeypatch, errno, text):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1"), encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", "--claims", str(claims), "--no-corpus", "--no-snapshots", "--end", "2016-11-06",
            "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = sorted(p.name for p in out.iterdir())

    def fail(path, data):
        raise OSError(errno, text, str(path))

    monkeypatch.setattr(pipeline, "atomic_write_text", fail)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and text in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


@pytest.mark.parametrize("window, message", [
    (["--start", "2016-12-01", "--end", "2016-11-01"], "before the start date"),
    (["--end", "9999-12-31"], "outside 2014-06-01..2017-12-31"),
])
def test_impossible_windows_are_one_line(tmp_path, window, message):
    result = CliRunner().invoke(main, ["build", "--no-corpus", "--no-snapshots", "--out", str(tmp_path / "o")]
                                + window)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_leftovers_of_a_killed_build_are_cleaned_and_a_lost_swap_recovered(tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1"), encoding="utf-8")
    out = tmp_path / "out"
    pipeline.build(out, claims_files=[claims], corpus=None, end=END, snapshots=False)
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    stale = tmp_path / f".out.build-{dead}-abcd"
    (stale / "maps").mkdir(parents=True)
    (stale / pipeline.MARKER).write_text("staging")  # a build marks its staging folder at once
    # a crash between the two renames: the output is only under its .old name
    out.rename(tmp_path / f".out.old-{dead}")
    notes = pipeline.clean_leftovers(out)
    assert (out / "control.csv").exists() and not stale.exists()
    assert any("recovered" in n for n in notes) and any("removed" in n for n in notes)
    result = pipeline.build(out, claims_files=[claims], corpus=None, end=END, snapshots=False)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
    assert result.out_dir == out.resolve()


def test_cleaning_leftovers_spares_what_a_build_did_not_write(tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1"), encoding="utf-8")
    dead = 2**22 + 12345
    mine = [tmp_path / ".out.old-backup", tmp_path / f".out.build-{dead}-unmarked", tmp_path / ".other.old-1"]
    for folder in mine:
        (folder / "keep").mkdir(parents=True)
    pipeline.build(tmp_path / "out", claims_files=[claims], corpus=None, end=END, snapshots=False)
    assert all((folder / "keep").is_dir() for folder in mine)
    # a glob character in the target name is a character, not a pattern
    star = tmp_path / "d*"
    sibling = tmp_path / f".dx.build-{dead}-zz"
    (sibling).mkdir()
    (sibling / pipeline.MARKER).write_text("staging")
    pipeline.build(star, claims_files=[claims], corpus=None, end=END, snapshots=False)
    assert sibling.is_dir() and (star / "index.html").exists()


def test_render_refuses_a_folder_it_did_not_write(tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1"), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("my own page")
    args = ["render", "--date", "2016-11-02", "--claims", str(claims), "--no-corpus", "--out", str(site)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "not written by mosulmap" in result.output
    assert (site / "index.html").read_text() == "my own page"
    fresh = tmp_path / "fresh"
    assert CliRunner().invoke(main, args[:-1] + [str(fresh)]).exit_code == 0
    assert CliRunner().invoke(main, args[:-1] + [str(fresh)]).exit_code == 0  # its own folder: fine


def test_output_folder_has_the_mode_mkdir_would_give(tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1"), encoding="utf-8")
    reference = tmp_path / "ref"
    reference.mkdir()
    out = tmp_path / "out"
    pipeline.build(out, claims_files=[claims], corpus=None, end=END, snapshots=False)
    assert out.stat().st_mode & 0o777 == reference.stat().st_mode & 0o777
    assert (out / "index.html").stat().st_mode & 0o044  # readable by others under the usual umask


def test_the_build_leaves_nothing_behind_when_rendering_fails(tmp_path, monkeypatch):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + _row("c1"), encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(pipeline, "render_slider", boom)
    with pytest.raises(RuntimeError):
        pipeline.build(tmp_path / "out", claims_files=[claims], corpus=None, end=END, snapshots=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv"]
