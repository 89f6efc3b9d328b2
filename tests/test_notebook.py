"""The exploration API and the notebook that uses it (executed top to bottom, as CI does)."""

from datetime import date

import nbformat
import pytest
from nbclient import NotebookClient

from mosulmap import settings
from mosulmap.explore import Explorer
from mosulmap.resolver import MatchStatus

NOTEBOOK = settings.ROOT / "notebooks" / "explore_east_mosul.ipynb"


@pytest.fixture(scope="module")
def ex():
    return Explorer.load()


def test_lookup_gives_answer_history_and_sources(ex):
    report = ex.lookup("كوكجلي")
    assert report.match.place_id == "gogjali"
    assert report.states["valid_from"].iloc[0] == "2016-10-17" and report.states["status"].iloc[0] == "is_control"
    assert {"contested", "gov_control"} <= set(report.states["status"])
    assert (report.claims["place_id"] == "gogjali").all() and report.claims["source"].str.len().min() > 0
    html = report._repr_html_()
    assert "Control history" in html and "Gogjali" in html
    none = ex.lookup("Tisaee")
    assert none.match.status is MatchStatus.UNRESOLVED and none.states.empty and "unresolved" in none._repr_html_()


def test_map_html_is_self_contained_and_escaped(ex):
    html = ex.map_html(date(2016, 11, 4))
    assert html.startswith("<iframe srcdoc=") and "lib/leaflet.js" not in html  # Leaflet inlined
    assert "&lt;script&gt;" in html and "<script" not in html  # the whole page sits escaped in srcdoc


def test_widgets_update_in_place(ex):
    box = ex.map_widget(date(2016, 11, 4))
    slider, view = box.children
    before = view.value
    slider.value = date(2016, 12, 20)
    assert view.value != before and "Tue 20 Dec 2016" in view.value  # same widget, new map
    lookup = ex.lookup_widget()
    assert len(lookup.children) == 2


def test_chart_and_disputed_table(ex):
    ax = ex.status_chart()
    assert len(ax.collections) >= 3 and ax.get_title()
    disputed = ex.disputed()
    assert not disputed.empty and {"date", "place_id", "name", "claim_ids"} <= set(disputed.columns)


def test_own_claims_in_one_call(tmp_path):
    claims = tmp_path / "mine.csv"
    claims.write_text(
        "claim_id,date,date_precision,place_as_written,status,event,source\n"
        "m1,2016-11-10,exact,Zohour,gov_control,captured,my notes\n", encoding="utf-8")
    mine = Explorer.load(claims=claims, corpus=None)
    assert mine.timeline.end == date(2016, 11, 10)
    assert mine.timeline.state("zuhur", date(2016, 11, 10)).claim_ids == ("m1",)


def test_notebook_is_stored_without_outputs_and_runs_top_to_bottom(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "'Qadsiya'    -> group" in text and "'Zanjili'    -> out_of_scope" in text
    # The status chart is drawn inline: importing the PNG renderer must not switch matplotlib's backend.
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3, "the status chart, the area chart and the day's map should be drawn inline"
    assert "front line:" in text and "gov_control" in text  # the day's GeoDataFrame was used


def test_geodataframes_for_geopandas_users(ex):
    day = ex.state_frame(date(2017, 1, 1))
    assert day.crs.to_epsg() == 4326 and len(day) == len(ex.timeline.place_ids)
    assert {"place_id", "name", "status", "shown", "assumed", "since", "disputed", "last_report",
            "geometry_source", "geometry_confidence"} <= set(day.columns)
    assert day.geometry.notna().sum() == len(ex.data.drawn)
    history = ex.place_history("Kokjali")
    assert set(history["place_id"]) == {"gogjali"} and history.geometry.notna().all()
    front = ex.front_line(date(2017, 1, 1))
    assert len(front) == 1 and front.geometry.iloc[0].length > 0
    area = ex.area_by_day()
    assert area.loc[area["date"] == "2016-10-17", "assumed_places"].iloc[0] == len(ex.timeline.place_ids)
