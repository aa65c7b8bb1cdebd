"""The "Which design where?" view in a real Chromium: the shipped map drawn with its data, the company
marker following the sliders, hover texts with CIs; then a design file dropped on the page, whose
map computes in the background (progress, cells appearing) while the model still steps, and whose
process and folder are gone once the page closes.

The server runs with a tiny background grid through the view's own option (`TRUCE_MAP_GRID`), so the
background map takes seconds, not the workshop default's minutes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

import sim
from dashboards import map_view
from dashboards.assets import server_env
from dashboards.i18n import LANGUAGES, Translator
from experiments.map_store import raster
from tests.dashboards.conftest import ARTIFACTS, SOLARA_RUN, _serving, open_dashboard, wait_charts

DESIGN = """name = "acme"
description = "Acme: shared KPIs with a lead SLA of four hours"
[levers]
marketing_revenue_weight = 0.7
shared_bonus_share = 0.3
lead_sla_hours = 4.0
"""
#: The map chart's plotted traces: heat map z and text, and the company marker.
TRACES = """(name) => {
    const chart = document.querySelector(`.truce-chart[data-chart="${name}"]`);
    const front = chart && chart.querySelector('.truce-front');
    if (!front || !front.data) return null;
    const heat = front.data.find((tr) => tr.type === 'heatmap');
    const marker = front.data.find((tr) => tr.mode === 'markers+text');
    return {rev: chart.dataset.rev, title: chart.querySelector('.truce-chart-title').textContent,
            z: heat ? heat.z : null, text: heat ? heat.text : null,
            marker: marker ? [marker.x[0], marker.y[0]] : null};
}"""
#: The page position of a point of the map (axis values), for the mouse.
WHERE = """([x, y]) => {
    const front = document.querySelector('.truce-chart[data-chart="map"] .truce-front');
    const box = front.getBoundingClientRect(), fl = front._fullLayout;
    return [box.left + fl.xaxis._offset + fl.xaxis.l2p(x), box.top + fl.yaxis._offset + fl.yaxis.l2p(y)];
}"""
#: Drop a file on the page's drop zone, as the browser's own drop of a file would (Playwright cannot
#: drag from the desktop): the zone reads it through the same file-entry API.
DROP = """([name, text]) => {
    const zone = document.querySelector('.truce-upload .solara-file-drop');
    const file = new File([text], name, {type: 'application/toml'});
    const entry = {isFile: true, file: (resolve) => resolve(file)};
    const event = new Event('drop', {bubbles: true, cancelable: true});
    Object.defineProperty(event, 'dataTransfer', {value: {items: [{webkitGetAsEntry: () => entry}]}});
    zone.dispatchEvent(event);
}"""


@pytest.fixture(scope="module")
def temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's temporary folder, where background maps live."""
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def server(temp: Path) -> Iterator[str]:
    """The real dashboard with a 4 x 4 background map from 2 x 2 cells, 2 replications a point."""
    env = {**server_env(), "TRUCE_MAP_GRID": "4,2,2", "TMPDIR": str(temp)}
    env["SOLARA_KERNEL_CULL_TIMEOUT"] = "3s"  # a closed page's session ends soon after
    with _serving([sys.executable, "-m", "solara", *SOLARA_RUN], env) as url:
        yield url


def _map(page: Page, name: str = "map") -> dict:
    page.wait_for_function(f"() => ({TRACES})('{name}')?.z", timeout=60_000)
    return page.evaluate(TRACES, name)


def _nudge(page: Page, scope: str, lever: str, marker: list[float]) -> None:
    """One step right on a lever's slider; then the map's marker must be at `marker`."""
    slider = page.locator(f"{scope} .lever-{lever} [role=slider]")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({TRACES})('map').marker.join() === '{marker[0]},{marker[1]}'")


def test_the_map_view_shows_the_shipped_map_the_company_and_the_cis(page: Page, server: str):
    watch = open_dashboard(page, server)
    page.get_by_role("button", name="Which design where?").click()
    shown = _map(page)
    shipped = map_view.read(map_view.SHIPPED)
    res = shipped.info["resolution"]
    categories = [*shipped.info["designs"], map_view.NO_WINNER]
    z = np.array(shown["z"], dtype=float)
    assert z.shape == (res, res)
    assert (np.array(categories, dtype=object)[z.astype(int)] == raster(shipped.frame, res)).all()
    assert shown["title"].startswith("Profit: which design is best where?")
    assert shown["marker"] == [0.5, 0.3]  # siloed: the registry defaults
    stale = page.locator(".truce-map-stale")
    expect(stale).to_have_count(1 if sim.stale_reasons(shipped.info["model"]) else 0)

    # Hover over the cell at (0.9, 0.1): its evaluated point's means and 95 % CIs, as plotly.js shows.
    en = Translator("en")
    page.locator('.truce-chart[data-chart="map"]').scroll_into_view_if_needed()
    page.mouse.move(*page.evaluate(WHERE, [0.9, 0.1]))
    hover = page.locator(".truce-map-grid .hoverlayer .hovertext")
    expect(hover).to_contain_text("paired replications")
    cell = shown["text"][int(0.1 * res)][int(0.9 * res)]
    for d in shipped.info["designs"]:
        line = next(part for part in cell.split("<br>") if part.startswith(f"{en.design_name(d)}: "))
        assert " [" in line and line.endswith("]")
        expect(hover).to_contain_text(line)

    # The marker follows the market complexity slider (main levers) and the free riding one (the view's).
    for marker in ([0.51, 0.3], [0.52, 0.3]):  # each press re-renders the slider: one at a time
        _nudge(page, ".truce-side", "market_complexity", marker)
    _nudge(page, ".truce-map", "free_riding", [0.52, 0.31])
    page.locator(".truce-map").screenshot(path=ARTIFACTS / "map-view.png")
    assert watch.errors == []


def test_an_uploaded_design_maps_in_the_background_while_the_model_steps(
    context: BrowserContext, server: str, temp: Path
):
    page = context.new_page()
    watch = open_dashboard(page, server)
    page.get_by_role("button", name="Which design where?").click()
    _map(page)
    expect(page.locator(".truce-map-hint")).to_be_visible()
    page.evaluate(DROP, ["acme.toml", DESIGN])
    expect(page.locator(".truce-design-a")).to_contain_text("acme.toml", timeout=30_000)
    bar = page.locator(".truce-map-progress [role=progressbar]")
    expect(bar).to_be_visible(timeout=30_000)
    assert len(list(temp.glob("truce-map-*"))) == 1
    # Follow the bar while the map computes, stepping the live model meanwhile.
    seen, steps, revs = [], 0, wait_charts(page)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        seen.append(float(bar.get_attribute("aria-valuenow") or 0))
        shown = page.evaluate(TRACES, "map_upload")
        if shown and shown["z"] and any(v is not None for row in shown["z"] for v in row):
            break
        page.get_by_role("button", name="Step", exact=True).click()
        revs = wait_charts(page, revs, timeout=20_000)  # the model steps while the map computes
        steps += 1
        time.sleep(0.3)
    else:
        pytest.fail(f"no cell of the background map appeared; progress seen: {seen}")
    assert shown["title"].startswith("With acme") and shown["marker"] == [0.5, 0.3]
    assert seen[0] < max(seen) and steps >= 1, seen  # the bar advanced; the model stepped meanwhile
    expect(page.locator(".truce-week")).to_contain_text(f"Week {steps} of")
    filled = sum(v is not None for row in shown["z"] for v in row)
    assert 0 < filled <= 16
    hover = [t for row in shown["text"] for t in row if t]
    assert all("paired replications" in t and "acme: " in t for t in hover)
    page.locator(".truce-map").screenshot(path=ARTIFACTS / "map-background.png")
    assert watch.errors == []
    # The page closes: its session ends, the map's process is stopped and its folder deleted.
    page.close()
    deadline = time.monotonic() + 60
    while list(temp.glob("truce-map-*")) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert list(temp.glob("truce-map-*")) == []


#: The map's title, legend entries and axis titles: inside the chart's box, and no HTML text cut.
CUT = """() => {
    const chart = document.querySelector('.truce-chart[data-chart="map"]');
    const box = chart.getBoundingClientRect();
    const inside = (r) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5
        && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
    const texts = [...chart.querySelectorAll(
        '.truce-chart-title, .truce-legend-item, .truce-front .g-xtitle text, .truce-front .g-ytitle text')];
    return {count: texts.length, cut: texts.filter((el) => !inside(el.getBoundingClientRect())
        || (el instanceof HTMLElement && el.scrollWidth > el.clientWidth)).map((el) => el.textContent)};
}"""


@pytest.mark.parametrize("lang", ["de", "ru"])
def test_the_maps_long_titles_wrap_whole_on_a_projector_screen(browser: Browser, server: str, lang: str):
    """At 1280 px wide the map is about 450 px: German and Russian titles wrap, none is cut."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = open_dashboard(page, server)
    page.get_by_role("button", name=LANGUAGES[lang]).click()
    t = Translator(lang)
    page.get_by_role("button", name=t("map.open")).click()
    shipped = map_view.read(map_view.SHIPPED)
    title = map_view.title(shipped.info, t)
    page.wait_for_function(f"() => ({TRACES})('map')?.title === {title!r}", timeout=60_000)
    page.locator('.truce-chart[data-chart="map"]').scroll_into_view_if_needed()
    page.locator(".truce-map").screenshot(path=ARTIFACTS / f"map-{lang}.png")
    shown = page.evaluate(CUT)
    assert shown["count"] >= 1 + 6 + 2 and shown["cut"] == []  # title, 6 legend entries, 2 axes
    expect(page.locator(".truce-map-caption")).to_have_text(t("map.caption"))
    context.close()
    assert watch.errors == []
