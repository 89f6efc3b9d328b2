import json

from click.testing import CliRunner

from mosulmap.cli import main


def test_resolve_prints_each_name_with_its_polygon_or_an_honest_answer():
    result = CliRunner().invoke(main, ["resolve", "Kokjali", "Gogjali", "كوكجلي", "Karkojli", "Qadsiya", "Tisaee",
                                       "Shuhada"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("'Kokjali': resolved -> Gogjali [gogjali]")
    assert "polygon gogjali: derived, approximate" in lines[1]
    assert sum("-> Gogjali [gogjali]" in line for line in lines) == 3
    assert any("Karkukli [karkukli]" in line for line in lines)
    assert any("no polygon" in line for line in lines)
    assert any(line.startswith("'Qadsiya': group") for line in lines)
    assert any(line.startswith("'Tisaee': unresolved") for line in lines)


def test_resolve_json_is_one_object_per_name():
    result = CliRunner().invoke(main, ["resolve", "--json", "Kokjali", "Zanjili", "Zarqawi"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["status"] for r in rows] == ["resolved", "out_of_scope", "unresolved"]
    assert rows[0]["place_id"] == "gogjali"
    assert rows[0]["polygons"]["features"][0]["properties"]["geometry_confidence"] == "approximate"
    assert rows[1]["place_id"] is None and rows[1]["polygons"] is None


def test_bad_gazetteer_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text("place_id,name\nx,y\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["resolve", "--gazetteer", str(bad), "Karama"])
    assert result.exit_code == 2
    assert "places.csv:1: missing columns" in result.output
    assert "Traceback" not in result.output


def test_polygons_command_regenerates_the_derived_set(tmp_path):
    out = tmp_path / "polys.geojson"
    result = CliRunner().invoke(main, ["polygons", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "83 polygons (82 derived, 1 sourced, 0 user)" in result.output
    assert len(json.loads(out.read_text())["features"]) == 83
