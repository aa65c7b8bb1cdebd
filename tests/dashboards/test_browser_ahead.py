"""The coming week drawn in advance: a Step swaps in the hidden plot, and it shows the model's numbers."""

from __future__ import annotations

from playwright.sync_api import Page

import sim
from dashboards.figures import TIME_CHARTS
from dashboards.i18n import Translator
from dashboards.session import Config, Session
from tests.dashboards.test_browser import step

DRAWN_AHEAD = """([names, week]) => names.every((n) => {
    const back = document.querySelector(`.truce-chart[data-chart="${n}"] .truce-back`);
    return back.data && back.data.every((trace) => trace.x.length === week);
})"""
TAG_FRONT = """names => names.forEach((n) => {
    document.querySelector(`.truce-chart[data-chart="${n}"] .truce-front`).__truceWasFront = true;
})"""
FRONT = """names => Object.fromEntries(names.map((n) => {
    const front = document.querySelector(`.truce-chart[data-chart="${n}"] .truce-front`);
    return [n, {swapped: !front.__truceWasFront, data: front.data.map((t) => [t.x, t.y])}];
}))"""


def test_a_step_swaps_in_the_week_drawn_ahead_with_the_same_numbers(dash: Page):
    names = list(TIME_CHARTS)
    dash.locator(".truce-side-by-side label").click()
    step(dash, 2)
    dash.wait_for_function(DRAWN_AHEAD, arg=[names, 3], timeout=30_000)
    dash.evaluate(TAG_FRONT, names)
    step(dash)
    front = dash.evaluate(FRONT, names)
    # The page's runs, rebuilt here: the default design and seed, and the first other design as B.
    session = Session(Config(compare=next(name for name in sim.designs() if name != Config.design)))
    session.step(3)
    for name, build in TIME_CHARTS.items():
        assert front[name]["swapped"], f"{name}: the week was drawn again after the click"
        expected = [[trace["x"], trace["y"]] for trace in build(session.runs, Translator("en"))["data"]]
        assert front[name]["data"] == expected, name


RANGE = "() => document.querySelector('.truce-chart[data-chart=\"revenue\"] .truce-front').layout.xaxis.range"


def test_a_zoomed_chart_keeps_its_zoom_and_is_drawn_in_place(dash: Page):
    names = list(TIME_CHARTS)
    step(dash, 2)
    # A facilitator drags a zoom box across the revenue chart.
    box = dash.locator('.truce-chart[data-chart="revenue"] .truce-front .nsewdrag').bounding_box()
    y = box["y"] + box["height"] / 2
    dash.mouse.move(box["x"] + box["width"] * 0.2, y)
    dash.mouse.down()
    dash.mouse.move(box["x"] + box["width"] * 0.6, y + 30, steps=5)
    dash.mouse.up()
    zoomed = dash.evaluate(RANGE)
    dash.wait_for_function(DRAWN_AHEAD, arg=[names[1:], 3], timeout=30_000)
    dash.evaluate(TAG_FRONT, names)
    step(dash)
    front = dash.evaluate(FRONT, names)
    assert not front["revenue"]["swapped"] and len(front["revenue"]["data"][0][0]) == 3
    assert all(front[name]["swapped"] for name in names[1:])
    assert dash.evaluate(RANGE) == zoomed
