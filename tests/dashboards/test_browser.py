"""The dashboard driven in a real Chromium: controls, levers, designs, side by side, interventions."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.dashboards.conftest import CHARTS, open_dashboard, revisions, shot, wait_charts


def week(page: Page) -> int:
    return int(re.search(r"\d+", page.locator(".truce-week").inner_text()).group())


WEEK_AFTER = "w => parseInt(document.querySelector('.truce-week').innerText.match(/\\d+/)[0]) > w"


def step(page: Page, times: int = 1, label: str = "Step") -> None:
    """Click Step (`label` in the page's language) and wait until every chart and the week label show
    the new week (the label re-renders after the charts are sent: on busy cores, noticeably later)."""
    for _ in range(times):
        before, shown = revisions(page), week(page)
        page.get_by_role("button", name=label, exact=True).click()
        wait_charts(page, newer_than=before)
        page.wait_for_function(WEEK_AFTER, arg=shown, timeout=90_000)


def test_page_loads_with_every_chart_and_steps(dash: Page):
    assert week(dash) == 0
    step(dash, 2)
    assert week(dash) == 2
    expect(dash.locator(".truce-kpi-revenue .truce-kpi-value")).to_contain_text("€")
    for name in CHARTS[:-1]:
        assert dash.locator(f'.truce-chart[data-chart="{name}"] .main-svg').count() >= 1, name
    assert dash.locator('.truce-chart[data-chart="handoff"] .truce-diagram path').count() >= 1
    shot(dash, "single")


def test_play_runs_weeks_and_pause_stops_them(dash: Page):
    dash.get_by_role("button", name="13/s").click()
    dash.get_by_role("button", name="Play", exact=True).click()
    dash.wait_for_function("parseInt(document.querySelector('.truce-week').innerText.match(/\\d+/)[0]) >= 5")
    dash.get_by_role("button", name="Pause", exact=True).click()
    expect(dash.get_by_role("button", name="Play", exact=True)).to_be_visible()
    paused = week(dash)
    dash.wait_for_timeout(600)
    assert week(dash) == paused
    assert paused >= 5


def test_changed_lever_applies_on_reset(dash: Page):
    lever = dash.locator(".lever-lead_sla_hours")
    value = lever.locator(".truce-lever-value")
    assert value.inner_text().startswith("0 ")
    step(dash)
    for hours in (1, 2, 3):  # one step per key press; each press re-renders the lever
        slider = lever.get_by_role("slider")
        slider.focus()
        dash.keyboard.press("ArrowRight")
        expect(value).to_have_text(re.compile(rf"^{hours} "))
        # The next press must reach the re-rendered slider, not the one it replaces.
        expect(slider).to_have_attribute("aria-valuenow", str(hours))
    expect(dash.locator(".truce-pending")).to_be_visible()
    assert week(dash) == 1  # staged: the running model is untouched until Reset
    dash.get_by_role("button", name="Reset", exact=True).click()
    expect(dash.locator(".truce-pending")).to_have_count(0)
    expect(dash.locator(".truce-week")).to_contain_text("Week 0")
    expect(value).to_have_text(re.compile(r"^3 "))


def test_switching_design_rebuilds_at_week_zero(dash: Page):
    step(dash)
    dash.locator(".truce-design-a").click()
    dash.get_by_role("option", name="Merged").click()
    expect(dash.locator(".truce-week")).to_contain_text("Week 0")
    expect(dash.locator(".truce-design-text").first).to_contain_text("One business development department")
    # The lever sliders now show the merged design's values (its SLA is not the default's 0).
    expect(dash.locator(".lever-lead_sla_hours .truce-lever-value")).not_to_have_text(re.compile(r"^0 "))


def test_side_by_side_shows_running_differences(dash: Page):
    dash.locator(".truce-side-by-side label").click()
    expect(dash.locator(".truce-design-b")).to_be_visible()
    step(dash, 3)
    for key in ("revenue", "churned", "quits"):
        expect(dash.locator(f".truce-kpi-{key} .truce-kpi-value")).to_contain_text("B \u2212 A")
        expect(dash.locator(f".truce-kpi-{key} .truce-kpi-detail")).to_contain_text("A ")
    legend = dash.locator('.truce-chart[data-chart="revenue"] .truce-legend')
    expect(legend).to_contain_text("A: Siloed")
    expect(legend).to_contain_text("B: Shared KPIs")
    shot(dash, "side_by_side")


def test_intervention_is_marked_on_every_chart(dash: Page):
    step(dash, 2)
    dash.get_by_role("button", name="Hire salespeople").click()
    step(dash, 2)
    for name in CHARTS:
        chart = dash.locator(f'.truce-chart[data-chart="{name}"]')
        # On the chart on show (the hidden one holds the coming week, drawn in advance).
        expect(chart.locator(".truce-front svg text", has_text="Hire salespeople")).to_have_count(1)
    shot(dash, "intervention")


def test_impossible_input_shows_a_message_and_the_page_lives_on(dash: Page):
    seed = dash.locator(".truce-seed input")
    seed.fill("-1")
    seed.press("Enter")
    dash.get_by_role("button", name="Reset", exact=True).click()
    expect(dash.locator(".truce-error")).to_contain_text("seed")
    shot(dash, "error")
    step(dash)  # the previous model still runs
    assert week(dash) == 1


def test_two_browser_sessions_have_independent_models(browser: Browser, server: str):
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        pages.append((page, open_dashboard(page, server)))
    first, second = pages[0][0], pages[1][0]
    step(first, 3)
    second.reload()
    wait_charts(second)
    assert week(first) == 3
    assert week(second) == 0
    step(second)
    assert week(first) == 3
    for page, watch in pages:
        page.context.close()
        assert watch.errors == []
