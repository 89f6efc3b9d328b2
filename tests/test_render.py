"""Rendering: source text is escaped wherever it lands in HTML."""

from mosulmap.render import js_json


def test_js_json_cannot_close_a_script_element():
    text = js_json({"q": "</script><script>alert(1)</script>", "a": "&<>\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text


def test_the_maps_data_holds_source_text_as_data(evil_build):
    html = (evil_build / "maps" / "2016-11-02.html").read_text()
    assert "__xss" not in html and "Evil Times" not in html  # a dated map holds no source text of its own
    data = (evil_build / "data" / "timeline.js").read_text()
    assert "window.__xss" in data  # the quote is there, as data the page escapes ...
    assert "<" not in data.split("JSON.parse(", 1)[1]  # ... with no markup in it
    assert data.startswith("window.mosulmapTimeline = JSON.parse(\"") and data.endswith("\");\n")


def test_slider_map_and_index_escape_too(evil_build):
    for name in ("timeline.html", "index.html"):
        html = (evil_build / name).read_text()
        assert "<script>window.__xss" not in html and "<img src=x" not in html
        assert "<b>Evil Times</b>" not in html
