"""Real browser: headless Chromium opens the built maps, offline, and we look at what a user sees.

Needs Debian's chromium (scripts/install.sh installs it); Playwright drives it.
"""

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from conftest import EVIL_QUOTE

from mosulmap import pipeline

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = Path(tempfile.gettempdir()) / "mosulmap-screenshots"  # looked at by people, not by asserts


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "Debian's chromium is needed for the browser test: run scripts/install.sh as root"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "output"
    pipeline.build(out, end=date(2016, 12, 20), snapshots=False)
    return out


def _open(browser, path: Path, fragment: str = ""):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: errors.append(f"network: {r.url}") if not r.url.startswith("file:") else None)
    page.goto(path.resolve().as_uri() + fragment)
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
    return page, errors


def _fills(page) -> list[str]:
    return page.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))")


def _drawn_ids() -> list[str]:
    from mosulmap.polygons import load_polygons

    return list(load_polygons()["place_id"])


def _drawn() -> int:
    return len(_drawn_ids())


def _styles(page) -> list[tuple[str, float]]:
    return page.eval_on_selector_all(
        "path.leaflet-interactive",
        "els => els.map(e => [e.getAttribute('fill'), parseFloat(e.getAttribute('fill-opacity'))])")


def test_dated_map_draws_polygons_legend_title_without_errors(browser, site):
    page, errors = _open(browser, site / "maps" / "2016-11-04.html")
    assert page.locator("path.leaflet-interactive").count() == _drawn()
    assert "who held what on Fri 4 Nov 2016" in page.locator(".mm-title h1").inner_text()
    legend = page.locator(".mm-legend").inner_text()
    for text in ("government-held", "IS-held", "assumed IS-held: no report yet", "cell around a sourced point",
                 "only the sector is known", "disputed"):
        assert text in legend, text
    styles = _styles(page)
    assert len({fill for fill, _ in styles}) >= 2  # more than one status on the map
    assert any(o > 0.5 for _, o in styles)
    # assumed IS-held ground is hatched in the IS-held hue, apart from reported ground
    assumed = page.eval_on_selector_all("path.mm-assumed", "els => els.map(e => getComputedStyle(e).fill)")
    assert assumed and all("mm-hatch" in f for f in assumed)
    assert page.locator("#mm-hatch rect").first.get_attribute("fill") == "#7b3294"
    assert "blue edge: its state changed that day" in legend and "only low-confidence reports" in legend
    # the places taken that day keep their labels (Khadra and Samah on 4 Nov)
    shown = page.eval_on_selector_all(".mm-label", "els => els.filter(e => e.style.visibility !== 'hidden')"
                                                   ".map(e => e.textContent)")
    assert {"Khadra", "Samah"} <= set(shown)
    page.locator("path.leaflet-interactive").first.click(force=True)
    assert page.locator(".leaflet-popup-content").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dated-map.png"))
    assert errors == []
    page.close()


def test_a_dated_map_is_the_slider_pinned_to_its_day(browser, site):
    """Each place on a dated map is drawn by the rules of ``leaflet_style`` and its popup says what the
    timeline says that day: state, age of the last report, dispute, the claims behind it."""
    from mosulmap.maps import timeline_payload
    from mosulmap.render import status_changed, weak_state
    from mosulmap.style import leaflet_style

    data = pipeline.prepare(pipeline.load_inputs(), end=date(2016, 12, 20))
    tl = data.timeline
    shapes = dict(zip(data.polygons["place_id"], data.polygons["geometry_confidence"]))
    mapped = set(tl.change_days())
    old = [s for p in tl.place_ids for s in tl.states[p] if s.disputed and s.age and s.age > 7 and p in shapes
           and s.day in mapped]
    day = old[0].day  # a dated map on which a place's same-day disagreement is over a week old
    page, errors = _open(browser, site / "maps" / f"{day}.html")
    assert page.locator("#mm-slider").count() == 0 and "slider" in page.locator(".mm-title a").inner_text()
    drawn = page.evaluate("""() => { const s = window.mosulmapSlider, out = {};
        s.layer.eachLayer(l => { const o = l.options; l.openPopup();
          out[s.meta[l.feature.properties.i].id] = [[o.fillColor, o.fillOpacity, o.color, o.weight, o.dashArray,
            o.opacity], l.getPopup().getElement().querySelector('.leaflet-popup-content').innerText];
          l.closePopup(); });
        return out; }""")
    assert sorted(drawn) == sorted(shapes)
    cited = {p["id"]: iv for p in timeline_payload(data)["meta"] for iv in p["intervals"]
             if iv[0] <= (day - tl.start).days <= iv[1]}
    for pid, (style, popup) in drawn.items():
        state = tl.state(pid, day)
        want = leaflet_style(state, shapes[pid], tl.initial, weak_state(tl, state), status_changed(tl, pid, day))
        assert style == [want[k] for k in ("fillColor", "fillOpacity", "color", "weight", "dashArray", "opacity")], pid
        if state.assumed:
            assert "No report names this place yet" in popup or "(the default)" in popup, pid
            continue
        assert (f"last report {state.age} day" if state.age else "reported that day") in popup, pid
        assert ("disputed: reports of" in popup) == state.disputed, pid
        assert all(f"[{cid}]" in popup for cid in cited[pid][4] + cited[pid][8]), pid
        assert "Weighed evidence (model, not the map's rule)" in popup, pid
    assert f"last report {old[0].age} days ago" in drawn[old[0].place_id][1]
    assert errors == []
    page.close()


def test_slider_moves_through_the_battle(browser, site):
    page, errors = _open(browser, site / "timeline.html")
    opened = page.evaluate("parseInt(document.getElementById('mm-slider').value, 10)")
    assert opened == page.evaluate("window.mosulmapSlider.start") > 40  # the latest day with a report
    assert page.locator("#mm-from").input_value() == str(opened - 1)  # compared with the day before
    page.close()
    page, errors = _open(browser, site / "timeline.html", "#2016-10-17")
    assert page.locator("path.leaflet-interactive").count() == _drawn()
    assert page.locator("#mm-date").inner_text() == "Mon 17 Oct 2016"
    first = _styles(page)
    assert page.locator("path.mm-assumed").count() == _drawn()  # before the offensive nothing is reported
    page.locator("#mm-slider").fill("50")  # 6 Dec 2016
    assert page.locator("#mm-date").inner_text() == "Tue 6 Dec 2016"
    assert page.evaluate("window.location.hash") == "#2016-12-06"  # the address follows the slider
    later = _styles(page)
    assert later != first and "#009e73" in {f for f, _ in later}
    assert "of 102 neighbourhoods" in page.locator("#mm-counts").inner_text()
    page.locator("path.leaflet-interactive").first.hover(force=True)
    assert page.locator(".leaflet-tooltip").count() == 1
    page.screenshot(path=str(SHOTS / "slider-map.png"))
    assert errors == []
    page.close()


def test_a_bad_day_in_the_address_is_said(browser, site):
    page, errors = _open(browser, site / "timeline.html", "#2015-01-01")
    note = page.locator("#mm-hash-note")
    assert note.is_visible() and "is not a day of this map" in note.inner_text()
    assert page.locator("#mm-date").inner_text() != "Mon 17 Oct 2016"  # the latest day with a report
    assert errors == []
    page.close()


def test_slider_plays_steps_and_opens_the_day_in_the_address(browser, site):
    page, errors = _open(browser, site / "timeline.html", "#2016-11-24")
    assert page.locator("#mm-date").inner_text() == "Thu 24 Nov 2016"
    page.locator("#mm-next").click()
    after = page.evaluate("parseInt(document.getElementById('mm-slider').value, 10)")
    assert after > 38  # the next day on which something changed
    page.locator("#mm-prev").click()
    assert page.evaluate("parseInt(document.getElementById('mm-slider').value, 10)") < after
    page.locator("#mm-play").click()
    start = page.evaluate("parseInt(document.getElementById('mm-slider').value, 10)")
    page.wait_for_function(f"parseInt(document.getElementById('mm-slider').value, 10) > {start + 1}", timeout=5000)
    page.locator("#mm-play").click()  # pause
    paused = page.evaluate("parseInt(document.getElementById('mm-slider').value, 10)")
    page.wait_for_timeout(800)
    assert page.evaluate("parseInt(document.getElementById('mm-slider').value, 10)") == paused
    assert errors == []
    page.close()


def test_map_is_usable_on_a_phone(browser, site):
    page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page.goto((site / "timeline.html").resolve().as_uri() + "#2016-11-04")
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
    panel = page.locator(".mm-panel").bounding_box()
    assert panel["height"] <= 60  # folded to one line; it opens on a tap
    assert "tap" in page.evaluate("getComputedStyle(document.querySelector('.mm-legend'), '::before').content")
    page.locator(".mm-legend").tap()
    assert page.locator(".mm-legend").bounding_box()["height"] > 200 and "IS-held" in page.locator(
        ".mm-legend").inner_text()
    page.locator(".mm-legend").tap()  # folds again
    # a tap on a place opens its popup, which fits the screen with its close button, and no tooltip
    page.evaluate("""() => { const l = window.mosulmapSlider.layer; let k = null;
        l.eachLayer(x => { if (window.mosulmapSlider.meta[x.feature.properties.i].id === 'karama') k = x; });
        k.openPopup(); }""")
    page.wait_for_timeout(600)  # the map pans to show the popup whole
    popup = page.locator(".leaflet-popup").bounding_box()
    close = page.locator(".leaflet-popup-close-button").bounding_box()
    assert popup["width"] <= 390 and 0 <= close["x"] and close["x"] + close["width"] <= 390
    assert page.locator(".leaflet-tooltip").count() == 0
    scale = page.locator(".leaflet-control-scale").bounding_box()
    slider_box = page.locator(".mm-slider").bounding_box()
    assert scale["y"] + scale["height"] < slider_box["y"]  # the scale bar is clear of the slider text
    page.evaluate("window.mosulmapSlider.layer.eachLayer(l => l.closePopup())")
    box = page.locator(".leaflet-container").bounding_box()
    assert box["width"] == 390
    slider = page.locator(".mm-slider").bounding_box()
    assert slider["x"] >= 0 and slider["x"] + slider["width"] <= 390 and slider["y"] + slider["height"] <= 844
    page.locator("#mm-next").click()  # the controls are not covered by the folded boxes
    page.screenshot(path=str(SHOTS / "phone-390x844.png"))
    page.close()


@pytest.mark.parametrize("name", ["timeline.html", "maps/2016-11-04.html"])
def test_a_popup_on_a_small_phone_opens_between_the_title_and_the_folded_boxes(browser, site, name):
    page = browser.new_page(viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True)
    page.goto((site / name).resolve().as_uri())
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
    page.evaluate("""() => { const s = window.mosulmapSlider, layer = s.layer; let k = null;
        layer.eachLayer(l => { const p = l.feature.properties;
          if (s.meta[p.i].id === 'karama') k = l; });
        k.openPopup(); }""")
    page.wait_for_timeout(600)  # the map pans to show the popup whole
    popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    title = page.locator(".mm-title").bounding_box()
    scale = page.locator(".leaflet-control-scale").bounding_box()
    folded = min(page.locator(sel).bounding_box()["y"] for sel in (".mm-legend", ".mm-panel"))
    assert popup["y"] >= max(title["y"] + title["height"], scale["y"] + scale["height"])  # its name is not hidden
    assert popup["y"] + popup["height"] <= folded  # nor its last lines under the folded legend
    page.close()


@pytest.mark.parametrize("place", ["malayeen", "karkukli"])
def test_a_popup_on_a_desktop_opens_below_the_title_box(browser, site, place):
    # the title box grows with the day's counts and the evidence switch: a popup near the top of the
    # map must not open under it (its close button was half hidden on the last day)
    page = browser.new_page(viewport={"width": 1366, "height": 850})
    page.goto((site / "timeline.html").resolve().as_uri())
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
    page.evaluate("""(place) => { const s = window.mosulmapSlider; let k = null;
        s.layer.eachLayer(l => { if (s.meta[l.feature.properties.i].id === place) k = l; });
        k.openPopup(); }""", place)
    page.wait_for_timeout(600)  # the map pans to show the popup whole
    popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    close = page.locator(".leaflet-popup-close-button").bounding_box()
    title = page.locator(".mm-title").bounding_box()
    assert popup["y"] >= title["y"] + title["height"] and close["y"] >= title["y"] + title["height"]
    page.close()


def test_injected_quote_shows_as_text_and_never_runs(browser, evil_build):
    for name in ("maps/2016-11-02.html", "timeline.html"):
        page, errors = _open(browser, evil_build / name)
        if name == "timeline.html":
            page.locator("#mm-slider").fill("16")  # 2 Nov 2016
        karama = page.evaluate(
            """() => { const s = window.mosulmapSlider, layer = s.layer; let hit = false;
                 layer.eachLayer(l => { const p = l.feature.properties;
                   if (s.meta[p.i].id === 'karama') { l.openPopup(); hit = true; } });
                 return hit; }"""
        )
        assert karama
        text = page.locator(".leaflet-popup-content").inner_text()
        assert "<script>window.__xss=1</script>" in text  # shown as text
        assert page.evaluate("window.__xss") is None
        assert errors == []
        page.close()
    assert "<script>" in EVIL_QUOTE


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, gazetteer):
    from conftest import hostile_claims_csv

    from mosulmap.polygons import load_polygons

    folder = tmp_path_factory.mktemp("hostile")
    drawn = set(load_polygons()["place_id"])
    places = [gazetteer[p].name for p in sorted(drawn)]
    claims = folder / "hostile.csv"
    claims.write_text(hostile_claims_csv(2000, places), encoding="utf-8")
    out = folder / "out"
    pipeline.build(out, claims_files=[claims], corpus=None, end=date(2016, 12, 31), snapshots=False)
    return claims, out


def _every_popup(page) -> list[str]:
    return page.evaluate(
        """() => { const s = window.mosulmapSlider, layer = s.layer, texts = [];
             layer.eachLayer(l => { l.openPopup();  // a closed popup fades out: read this one's own element
               texts.push(l.getPopup().getElement().querySelector('.leaflet-popup-content').innerText);
               l.closePopup(); });
             return texts; }"""
    )


def _full_claims(page, place_id: str) -> str:
    """Open a place's popup, load its whole claim list ("Show all claims") and return the text."""
    page.evaluate(
        """pid => { const s = window.mosulmapSlider, layer = s.layer;
             layer.eachLayer(l => { const p = l.feature.properties;
               if (s.meta[p.i].id === pid) { l.openPopup(); window.__open = l; } }); }""", place_id)
    own = "window.__open.getPopup().getElement()"
    page.evaluate(f"{own}.querySelector('a.mm-all').click()")
    page.wait_for_function(f"{own}.querySelector('.mm-all-claims table tbody tr') !== null", timeout=10000)
    for _ in range(100):  # page through the list, a hundred rows at a time, to its oldest claim
        more = f"{own}.querySelector('a.mm-more')"
        if page.evaluate(f"{more}.parentNode.style.display === 'none'"):
            break
        rows = page.evaluate(f"{own}.querySelectorAll('.mm-all-claims tbody tr').length")
        page.evaluate(f"{more}.click()")
        page.wait_for_function(f"{own}.querySelectorAll('.mm-all-claims tbody tr').length > {rows}", timeout=10000)
    text = page.evaluate(f"{own}.querySelector('.leaflet-popup-content').innerText")
    page.evaluate("window.__open.closePopup()")
    return text


def test_two_thousand_hostile_rows_show_as_text_and_nothing_runs(browser, hostile_site):
    _, out = hostile_site
    dialogs: list[str] = []
    errors: list[str] = []
    for name, day_index in (("maps/2016-12-26.html", None), ("timeline.html", "70")):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / name).resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
        if day_index:
            page.locator("#mm-slider").fill(day_index)
        popups = _every_popup(page)
        assert len(popups) == _drawn()
        shown = "\n".join(popups)
        assert "<script>window.__xss=1</script>" in shown and "{{7*7}}" in shown
        first, second = sorted(_drawn_ids())[:2]  # the hostile file gives them the ids __proto__, constructor
        assert "[__proto__]" in _full_claims(page, first)  # ids from data, looked up in a Map
        assert "[constructor]" in _full_claims(page, second)
        assert page.evaluate("document.querySelectorAll('.mm-injected, svg[onload], img[onerror]').length") == 0
        assert page.evaluate("window.__xss") is None
        assert dialogs == [] and errors == []
        page.screenshot(path=str(SHOTS / f"hostile-{name.replace('/', '-')}.png"))
        page.close()


def test_hostile_claims_csv_round_trips_through_mosulmap_claims(hostile_site):
    from click.testing import CliRunner

    from mosulmap.claim_files import load_claims
    from mosulmap.cli import main

    claims, out = hostile_site
    result = CliRunner().invoke(main, ["claims", str(out / "claims.csv")])
    assert result.exit_code == 0, result.output[-500:]
    loaded = load_claims(claims)
    assert len(loaded.claims) == 2000 and not loaded.problems
    original = {c.claim_id: c.to_row() for c in loaded.claims}
    exported = load_claims(out / "claims.csv").claims
    assert len(exported) > 1500
    assert all(c.to_row() == original[c.claim_id] for c in exported)


def test_labels_front_line_and_compare(browser, site):
    page, errors = _open(browser, site / "timeline.html", "#2016-12-06")
    visible = page.eval_on_selector_all(".mm-label", "els => els.filter(e => e.style.visibility !== 'hidden').length")
    assert visible >= 20  # readable at the default zoom, de-cluttered rather than piled up
    assert page.locator("text=Tigris").count() == 1 and page.locator(".mm-landmark").count() >= 3
    assert page.locator("path.mm-front").count() >= 1  # the front line is drawn
    page.select_option("#mm-from", "0")
    page.select_option("#mm-to", "50")
    changes = page.locator("#mm-diff li")
    assert changes.count() > 10 and "→" in changes.first.inner_text()
    assert "places changed between Mon 17 Oct 2016 and Tue 6 Dec 2016" in page.locator("#mm-diff-count").inner_text()
    page.screenshot(path=str(SHOTS / "compare-and-front.png"))
    day, _ = _open(browser, site / "maps" / "2016-12-06.html")
    assert day.locator("path.mm-front").count() >= 1 and "front line" in day.locator(".mm-legend").inner_text()
    day.close()
    assert errors == []
    page.close()


def test_a_place_with_thousands_of_claims_opens_a_page_at_a_time(browser, tmp_path):
    """ "Show all claims" on a place with 6,000 claims: the newest hundred at once, older ones on
    request, and only the chunks of the list that are shown are read."""
    import csv

    rows = [["claim_id", "date", "date_precision", "place_as_written", "status", "event", "source", "quote"]]
    for i in range(6000):
        day = date.fromordinal(date(2016, 10, 20).toordinal() + i % 60)
        rows.append([f"k{i:05d}", day.isoformat(), "exact", "Karama", "contested", "fighting", f"src {i}", f"q{i}"])
    claims = tmp_path / "many.csv"
    with claims.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "site"
    pipeline.build(out, claims_files=[claims], corpus=None, end=date(2016, 12, 31), snapshots=False)
    chunks = sorted((out / "claims").glob("karama.*.js"))
    assert len(chunks) == 12  # 500 rows a file
    page, errors = _open(browser, out / "maps" / "2016-11-30.html")
    text = _first_page_of_claims(page, "karama")
    expected = sum(1 for r in rows[1:] if r[1] <= "2016-11-30")
    assert f"{expected} claims up to this day; the latest 100 shown" in text
    loaded = page.evaluate("performance.getEntriesByType('resource').filter(e => /claims\\/karama/.test(e.name))"
                           ".length")
    assert loaded <= 3  # the index and the one or two chunks the first page needs, not 12 files
    page.evaluate("window.__open.getPopup().getElement().querySelector('a.mm-more').click()")
    page.wait_for_function("window.__open.getPopup().getElement()"
                           ".querySelectorAll('.mm-all-claims tbody tr').length === 200", timeout=10000)
    assert errors == []
    page.close()


def _first_page_of_claims(page, place_id: str) -> str:
    page.evaluate(
        """pid => { const s = window.mosulmapSlider;
             s.layer.eachLayer(l => {
               if (s.meta[l.feature.properties.i].id === pid) { l.openPopup(); window.__open = l; } });
           }""", place_id)
    own = "window.__open.getPopup().getElement()"
    page.evaluate(f"{own}.querySelector('a.mm-all').click()")
    page.wait_for_function(f"{own}.querySelectorAll('.mm-all-claims tbody tr').length === 100", timeout=10000)
    return page.evaluate(f"{own}.querySelector('.leaflet-popup-content').innerText")


def test_the_weighed_view_is_a_toggle_beside_the_rule(browser, site):
    page, errors = _open(browser, site / "timeline.html", "#2016-11-20")
    rule = _styles(page)
    assert not page.locator("#mm-weighed").is_checked()  # the rule is the default
    page.check("#mm-weighed")
    weighed = _styles(page)
    assert weighed != rule and page.locator("path.mm-assumed").count() > 0  # unreported places stay assumed
    page.uncheck("#mm-weighed")
    assert _styles(page) == rule
    assert errors == []
    page.close()
