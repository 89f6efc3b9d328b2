import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon

from mosulmap import settings
from mosulmap.campaign import load_campaign
from mosulmap.errors import InputError
from mosulmap.gazetteer import load_extent
from mosulmap.io import geojson_text
from mosulmap.polygons import (
    MARKER_RADIUS_M,
    derive_polygons,
    load_polygons,
    merge_polygons,
)
from mosulmap.user_polygons import import_user_polygons

METRIC_CRS = load_campaign().metric_crs  # the default campaign's (UTM 38N)


@pytest.fixture(scope="module")
def derived(gazetteer):
    return derive_polygons(gazetteer)


def test_each_point_gets_a_shape_as_sure_as_the_point(derived, gazetteer):
    with_points = {p.place_id for p in gazetteer.mapped() if p.has_point}
    assert set(derived["place_id"]) == with_points
    by_id = derived.set_index("place_id")
    expected = {"sourced": "approximate", "relation_estimate": "estimated", "sector_estimate": "marker",
                "sourced_coordinate": "approximate"}
    for pid, row in by_id.iterrows():
        if pid == "rashidiya":
            assert row["geometry_confidence"] == "sourced" and row["geometry_source"].startswith("Who's On First")
        else:
            assert row["geometry_confidence"] == expected[gazetteer[pid].coord_method], pid
    assert by_id.loc["palestine", "geometry_confidence"] == "marker"  # only the sector is known
    assert by_id.loc["karkukli", "geometry_confidence"] == "estimated"  # placed between Samah and Bakr
    assert derived.geometry.is_valid.all() and not derived.geometry.is_empty.any()


def test_cells_contain_their_point_stay_in_the_extent_and_do_not_overlap(derived, gazetteer):
    points = gazetteer.points().set_index("place_id").geometry
    for pid, geom in zip(derived["place_id"], derived.geometry):
        assert geom.contains(points[pid]), pid
    extent = gpd.GeoSeries([load_extent()], crs=4326).to_crs(METRIC_CRS).iloc[0]
    cells = derived[derived["geometry_confidence"] != "marker"]
    metric = cells.to_crs(METRIC_CRS).geometry.tolist()
    assert max(g.difference(extent).area for g in metric if g is not None) < 1.0  # square metres
    overlap = sum(a.intersection(b).area for i, a in enumerate(metric) for b in metric[i + 1:])
    assert overlap < 1.0  # square metres: rounding only


def test_sector_estimates_do_not_carve_their_neighbours(gazetteer):
    # The cells are the same whether or not the sector-only points exist: they are markers on top.
    with_markers = derive_polygons(gazetteer).set_index("place_id")
    markers = with_markers[with_markers["geometry_confidence"] == "marker"]
    assert len(markers) > 20
    assert markers.to_crs(METRIC_CRS).area.max() <= 3.1416 * MARKER_RADIUS_M**2 * 1.001
    cells = with_markers[with_markers["geometry_confidence"] != "marker"].to_crs(METRIC_CRS)
    assert cells.area.sum() > 30e6  # the cells still tile most of the east bank


def test_radius_caps_edge_cells(gazetteer):
    small = derive_polygons(gazetteer, max_radius_m=500, sourced=None).to_crs(METRIC_CRS)
    assert small.area.max() <= 3.1416 * 500**2 * 1.001


def test_committed_polygons_are_up_to_date(derived):
    assert settings.POLYGONS_GEOJSON.read_text(encoding="utf-8") == geojson_text(derived)
    assert len(load_polygons()) == len(derived)


def _user_file(tmp_path, rows, crs="EPSG:32638", name="name", driver="GPKG"):
    gdf = gpd.GeoDataFrame({name: [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=crs)
    path = tmp_path / ("user.gpkg" if driver == "GPKG" else "user.geojson")
    gdf.to_file(path, driver=driver)
    return path


def _square_around(gazetteer, place_id, half=300.0):
    p = gazetteer.points().set_index("place_id").to_crs(METRIC_CRS).geometry[place_id]
    return shapely.box(p.x - half, p.y - half, p.x + half, p.y + half)


def test_user_polygons_replace_derived_ones(tmp_path, resolver, derived, gazetteer):
    sq = _square_around(gazetteer, "gogjali")
    c = _square_around(gazetteer, "zuhur").bounds
    bowtie = Polygon([(c[0], c[1]), (c[2], c[3]), (c[2], c[1]), (c[0], c[3])])  # self-intersecting
    path = _user_file(tmp_path, [("Kokjali", sq), ("Hayy al-Zuhoor", bowtie), ("Zarqawi", sq),
                                 ("Zanjili", sq), ("Karama", Polygon())])
    report = import_user_polygons(path, resolver)
    assert [m[2] for m in report.matched] == ["gogjali", "zuhur"]
    assert [r for r, _ in report.repaired] == [2]
    assert {n for _, n, _ in report.unmatched} == {"Zarqawi", "Zanjili"}
    assert "out_of_scope" in dict((n, w) for _, n, w in report.unmatched)["Zanjili"]
    assert [n for _, n, _ in report.rejected] == ["Karama"]
    merged = merge_polygons(derived, report.polygons).set_index("place_id")
    assert merged.loc["gogjali", "geometry_source"] == "user: user.gpkg"
    assert merged.loc["gogjali", "geometry"].equals_exact(
        gpd.GeoSeries([sq], crs=METRIC_CRS).to_crs(4326).iloc[0], 1e-9)
    assert merged.loc["karama", "geometry_source"] == "derived"
    user_union = merged.loc[["gogjali", "zuhur"]].geometry.union_all()
    others = merged.drop(index=["gogjali", "zuhur"]).geometry
    assert all(g.intersection(user_union).area < 1e-12 for g in others)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")  # the CRS-less file is the point
def test_user_polygon_file_problems_are_clear(tmp_path, resolver, gazetteer):
    sq = _square_around(gazetteer, "gogjali")
    path = _user_file(tmp_path, [("Kokjali", sq)], name="label_x")
    with pytest.raises(InputError, match="name column not found; columns are label_x"):
        import_user_polygons(path, resolver)
    assert import_user_polygons(path, resolver, name_column="label_x").matched
    no_crs = _user_file(tmp_path, [("Kokjali", sq)], crs=None, driver="GeoJSON")
    with pytest.raises(InputError, match="no CRS or a wrong one"):
        import_user_polygons(no_crs, resolver)
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="bad.geojson"):
        import_user_polygons(bad, resolver)
    with pytest.raises(InputError, match="no such file"):
        import_user_polygons(tmp_path / "missing.gpkg", resolver)
