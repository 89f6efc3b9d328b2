"""Rendering: source text is escaped wherever it lands in HTML."""

from mosulmap.render import js_json


def test_js_json_cannot_close_a_script_element():
    text = js_json({"q": "</script><script>alert(1)</script>", "a": "&<>\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text


def test_day_map_shows_source_text_as_text(evil_build):
    html = (evil_build / "maps" / "2016-11-02.html").read_text()
    assert "window.__xss" in html  # the quote is there ...
    assert "<script>window.__xss" not in html and "<img src=x" not in html  # ... but never as markup
    assert "\\u0026lt;script\\u0026gt;window.__xss" in html  # escaped HTML inside escaped JSON
    assert "<b>Evil Times</b>" not in html and "<i>CTS</i>" not in html


def test_slider_map_and_index_escape_too(evil_build):
    for name in ("timeline.html", "index.html"):
        html = (evil_build / name).read_text()
        assert "<script>window.__xss" not in html and "<img src=x" not in html
        assert "<b>Evil Times</b>" not in html
