import csv

import pytest

from mosulmap.errors import InputError
from mosulmap.gazetteer import load_extent, load_gazetteer


def test_bundled_gazetteer_holds_every_research_row(gazetteer):
    east = gazetteer.neighbourhoods()
    # 102 research rows, two pairs merged, Shuhada and Bisan added
    assert len(east) == 102 - 2 + 2
    assert [p.place_id for p in gazetteer.mapped() if p.is_whole_area] == ["east-mosul"]
    assert sum(p.has_point for p in east) == 36 + 49 - 2  # estimates for merged elam/majmua not used
    karkukli = gazetteer["karkukli"]
    assert karkukli.has_point and "Karkojli" in karkukli.variants
    assert (karkukli.coord_method, karkukli.uncertainty_m) == ("relation_estimate", 1000)
    assert gazetteer["faisaliya"].coord_source.startswith("Who's On First")


def test_merged_places_keep_their_old_ids_and_names(gazetteer, resolver):
    assert gazetteer.canonical_id("elam") == "alam" and gazetteer.canonical_id("majmua-al-thaqafiya") == "jamia"
    assert "elam" not in gazetteer
    assert gazetteer.by_name("Elam (al-I'lam)").place_id == "alam"
    for spelling in ("Aalam", "al-Elam", "al-I'lam", "الأعلام"):
        assert resolver.resolve(spelling).place_id == "alam", spelling
    assert resolver.resolve("Majmu'a al-Thaqafiya").place_id == "jamia"


def test_added_rows_shuhada_bisan_and_places_outside_mosul(gazetteer, resolver):
    assert gazetteer["shuhada-east"].scope == "east_bank" and not gazetteer["shuhada-east"].has_point
    assert resolver.resolve("Shuhada").place_id == "shuhada-east"
    assert resolver.resolve("بيسان").place_id == "bisan"
    for city in ("Baghdad", "Erbil", "Kirkuk", "Tikrit", "Raqqa", "بغداد"):
        match = resolver.resolve(city)
        assert match.status.value == "out_of_scope", city


def test_out_of_scope_places_are_flagged(gazetteer):
    assert gazetteer["zanjili"].scope == "west_bank"
    assert gazetteer["bartella"].scope == "outside_city"
    assert gazetteer["bab-sinjar"].scope == "west_bank"
    assert all(p.scope == "east_bank" for p in gazetteer.mapped())


def test_points_lie_inside_the_east_bank_extent(gazetteer):
    extent = load_extent()
    points = gazetteer.points()
    assert points.within(extent).all()
    west = [p for p in gazetteer if p.scope == "west_bank_or_edge" and p.has_point]
    assert west and all(not extent.contains(gazetteer.points(None).set_index("place_id").geometry[p.place_id])
                        for p in west[:10])


def _write(tmp_path, rows, header=("place_id", "name", "arabic", "variants", "scope", "lat", "lon")):
    path = tmp_path / "places.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_bad_rows_are_reported_with_file_and_line(tmp_path):
    path = _write(tmp_path, [["a", "A", "", "", "east_bank", "36.3", "43.2"],
                             ["a", "B", "", "", "east_bank", "36.3", "43.2"]])
    with pytest.raises(InputError, match=r"places.csv:3: column 'place_id': duplicate"):
        load_gazetteer(path)
    path = _write(tmp_path, [["a", "A", "", "", "North bank", "36.3", "43.2"]])
    with pytest.raises(InputError, match=r"places.csv:2: column 'scope'"):
        load_gazetteer(path)
    path = _write(tmp_path, [["a", "A", "", "", "east_bank", "x", "43.2"]])
    with pytest.raises(InputError, match=r"places.csv:2: column 'lat': not a number"):
        load_gazetteer(path)
    path = _write(tmp_path, [["a"]], header=("place_id",))
    with pytest.raises(InputError, match="missing columns"):
        load_gazetteer(path)
    with pytest.raises(InputError, match="cannot read"):
        load_gazetteer(tmp_path / "absent.csv")
