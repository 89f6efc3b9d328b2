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


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: errors.append(f"network: {r.url}") if not r.url.startswith("file:") else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0")
    return page, errors


def _fills(page) -> list[str]:
    return page.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))")


def test_dated_map_draws_polygons_legend_title_without_errors(browser, site):
    page, errors = _open(browser, site / "maps" / "2016-11-04.html")
    assert page.locator("path.leaflet-interactive").count() == 36
    assert "who held what on 4 November 2016" in page.locator(".mm-title h1").inner_text()
    legend = page.locator(".mm-legend").inner_text()
    assert "government-held" in legend and "IS-held" in legend and "approximate" in legend
    assert len(set(_fills(page))) >= 2  # more than one status on the map
    page.locator("path.leaflet-interactive").first.click(force=True)
    assert page.locator(".leaflet-popup-content").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dated-map.png"))
    assert errors == []
    page.close()


def test_slider_moves_through_the_battle(browser, site):
    page, errors = _open(browser, site / "timeline.html")
    assert page.locator("path.leaflet-interactive").count() == 36
    assert page.locator("#mm-date").inner_text() == "2016-10-17"
    first = _fills(page)
    assert set(first) == {"#262626"}  # everything IS-held before the offensive reached the city
    page.locator("#mm-slider").fill("50")  # 6 Dec 2016
    assert page.locator("#mm-date").inner_text() == "2016-12-06"
    later = _fills(page)
    assert later != first and "#1a9850" in later
    assert "of 102 neighbourhoods" in page.locator("#mm-counts").inner_text()
    page.locator("path.leaflet-interactive").first.hover(force=True)
    assert page.locator(".leaflet-tooltip").count() == 1
    page.screenshot(path=str(SHOTS / "slider-map.png"))
    assert errors == []
    page.close()


def test_injected_quote_shows_as_text_and_never_runs(browser, evil_build):
    for name in ("maps/2016-11-02.html", "timeline.html"):
        page, errors = _open(browser, evil_build / name)
        if name == "timeline.html":
            page.locator("#mm-slider").fill("16")  # 2 Nov 2016
        karama = page.evaluate(
            """() => { const s = window.mosulmapSlider, layer = window.mosulmapLayer || s.layer; let hit = false;
                 layer.eachLayer(l => { const p = l.feature.properties;
                   if ((p.place_id || s.meta[p.i].id) === 'karama') { l.openPopup(); hit = true; } });
                 return hit; }"""
        )
        assert karama
        text = page.locator(".leaflet-popup-content").inner_text()
        assert "<script>window.__xss=1</script>" in text  # shown as text
        assert page.evaluate("window.__xss") is None
        assert errors == []
        page.close()
    assert "<script>" in EVIL_QUOTE
