"""The why panel, the smoothed churn line and unclipped titles, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboards.figures import trailing_mean
from dashboards.i18n import LANGUAGES, Translator
from tests.dashboards.conftest import open_dashboard, shot
from tests.dashboards.test_browser import step

# The why chart drawn with the step's revision (the one the time charts show), and what it shows:
# its bars and plotly.js's own total (the last bar's running sum, as drawn).
WHY_DRAWN = """() => {
    const why = document.querySelector('.truce-chart[data-chart="why"]');
    const rev = document.querySelector('.truce-chart[data-chart="revenue"]').dataset.rev;
    return why && why.dataset.rev === rev && why.querySelector('.truce-front').calcdata !== undefined;
}"""
WHY = """() => {
    const chart = document.querySelector('.truce-chart[data-chart="why"]');
    const front = chart.querySelector('.truce-front');
    const trace = front.data[0];
    return {title: chart.querySelector('.truce-chart-title').textContent, labels: trace.y, x: trace.x,
            text: trace.text, measure: trace.measure, total: front.calcdata[0].at(-1).s};
}"""


def _why(page: Page, weeks: int) -> dict:
    """The why chart once it shows `weeks` weeks, drawn with the same revision as the other charts."""
    page.wait_for_function(WHY_DRAWN, timeout=60_000)
    expect(page.locator('.truce-chart[data-chart="why"] .truce-chart-title')).to_contain_text(
        f"weeks 1\u2013{weeks}"
    )
    return page.evaluate(WHY)


def _euros(text: str) -> tuple[float, float]:
    """An English money text's value ("+€7,087", "€\u221249k", "€1.44M") and half its last shown digit."""
    match = re.search(r"([+]?)€(\u2212?)([\d,.]+)([kM]?)", text)
    assert match, text
    number, scale = match[3].replace(",", ""), {"": 1, "k": 1e3, "M": 1e6}[match[4]]
    decimals = len(number.partition(".")[2])
    return (-1 if match[2] else 1) * float(number) * scale, 0.5 * scale * 10**-decimals


def test_why_panel_explains_the_revenue_gap_in_the_big_numbers_week_by_week(dash: Page):
    dash.locator(".truce-side-by-side label").click()
    expect(dash.locator(".truce-design-b")).to_contain_text("Shared KPIs")
    expect(dash.locator(".truce-design-a")).to_contain_text("Siloed")
    # Shown at once, at week 0 (not the week computed ahead for the single run it replaced).
    expect(dash.locator('.truce-chart[data-chart="why"] .truce-chart-title')).to_contain_text(
        "no week run yet"
    )
    dash.wait_for_function(WHY_DRAWN, timeout=60_000)
    assert set(dash.evaluate(WHY)["x"]) == {0}
    kpi = dash.locator(".truce-kpi-revenue .truce-kpi-value")
    gaps = []
    for weeks in (4, 7):
        step(dash, 4 if weeks == 4 else 3)
        shown = _why(dash, weeks)
        assert shown["measure"] == ["relative"] * (len(shown["x"]) - 1) + ["total"]
        assert shown["labels"][-1] == "Gap B \u2212 A" and "Win rate" in shown["labels"]
        # The bars add up to the gap bar, plotly.js draws that sum as the total, and it is the
        # difference of cumulative revenue the big numbers show (as text, and within their rounding).
        assert sum(shown["x"][:-1]) == pytest.approx(shown["x"][-1], abs=0.01 * len(shown["x"]))
        assert shown["total"] == pytest.approx(shown["x"][-1], abs=0.01 * len(shown["x"]))
        expect(kpi).to_have_text(f"B \u2212 A: {shown['text'][-1]}")
        difference, rounding = _euros(kpi.inner_text())
        assert abs(shown["total"] - difference) <= rounding + 0.01 * len(shown["x"])
        a, b = (
            _euros(part)
            for part in dash.locator(".truce-kpi-revenue .truce-kpi-detail").inner_text().split("·")
        )
        assert abs(shown["total"] - (b[0] - a[0])) <= a[1] + b[1] + rounding
        gaps.append(shown["total"])
    assert gaps[0] != gaps[1]  # the panel follows the weeks
    shot(dash, "why")
    # The profit account: the same channels, then the costs.
    dash.get_by_role("button", name="Profit", exact=True).click()
    expect(dash.locator('.truce-chart[data-chart="why"] .truce-chart-title')).to_contain_text("profit gap")
    profit = _why(dash, 7)
    assert profit["labels"][-3:] == ["Coordination costs", "Other costs", "Gap B \u2212 A"]
    assert profit["total"] == pytest.approx(sum(profit["x"][:-1]), abs=0.01 * len(profit["x"]))


CHURN = """() => document.querySelector('.truce-chart[data-chart="churn"] .truce-front').data
    .map((trace) => ({name: trace.name, y: trace.y, width: trace.line.width, color: trace.line.color}))"""


def test_churn_chart_shows_the_quarterly_average_over_the_faint_weeks_by_default(dash: Page):
    dash.get_by_role("button", name="Full", exact=True).click()
    dash.get_by_role("button", name="Play", exact=True).click()
    dash.wait_for_function("parseInt(document.querySelector('.truce-week').innerText.match(/\\d+/)[0]) >= 16")
    dash.get_by_role("button", name="Pause", exact=True).click()
    expect(dash.get_by_role("button", name="Play", exact=True)).to_be_visible()
    step(dash)  # then every chart shows the same week
    traces = {trace["name"]: trace for trace in dash.evaluate(CHURN)}
    raw, smooth = (
        traces["Customers lost per week: each week"],
        traces["Customers lost per week: average of the last 13 weeks"],
    )
    assert len(raw["y"]) >= 17
    assert smooth["y"] == trailing_mean(raw["y"])
    assert smooth["width"] > raw["width"] and raw["color"].startswith("rgba(")
    legend = dash.locator('.truce-chart[data-chart="churn"] .truce-legend')
    expect(legend).to_contain_text("average of the last 13 weeks")


# Every chart's title, every legend entry, and the why panel's bar labels: inside their chart and not
# cut (a cut text's scroll width exceeds its box); the why panel's title clear of its account buttons.
CUT = """() => {
    const inside = (inner, outer) => inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5
        && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
    const cut = [];
    for (const chart of document.querySelectorAll('.truce-chart')) {
        const box = chart.getBoundingClientRect();
        const texts = [...chart.querySelectorAll(
            '.truce-chart-title, .truce-legend-item, .truce-front .ytick text')];
        for (const el of texts) {
            const clipped = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
            if (!inside(el.getBoundingClientRect(), box) || (el instanceof HTMLElement && clipped))
                cut.push(`${chart.dataset.chart}: ${el.textContent}`);
        }
    }
    const title = document.querySelector('.truce-why .truce-chart-title');
    const toggle = document.querySelector('.truce-why-account').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(title);
    for (const line of range.getClientRects())
        if (line.right > toggle.left && line.top < toggle.bottom && line.bottom > toggle.top)
            cut.push(`why: under the buttons: ${title.textContent}`);
    return cut;
}"""
TITLES = "() => [...document.querySelectorAll('.truce-chart-title')].map((el) => el.textContent)"


@pytest.mark.parametrize("lang", ["de", "ru"])
def test_long_titles_are_not_cut_on_a_projector_screen(browser: Browser, server: str, lang: str):
    """At 1280 px wide the time charts are about 420 px: German and Russian titles wrap, whole."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = open_dashboard(page, server)
    page.locator(".truce-side-by-side label").click()
    expect(page.locator(".truce-design-b")).to_be_visible()
    page.get_by_role("button", name=LANGUAGES[lang]).click()
    t = Translator(lang)
    expect(page.locator(".truce-week")).to_contain_text(t("control.week", week=0, weeks=260))
    step(page, 2, label=t("control.step"))
    page.wait_for_function(WHY_DRAWN, timeout=60_000)
    expect(page.locator('.truce-chart[data-chart="why"] .truce-chart-title')).to_contain_text(
        t("why.weeks", week=2)
    )
    titles = page.evaluate(TITLES)
    for key in ("revenue", "churn", "turnover", "funnel", "climate", "handoff"):
        assert t(f"chart.{key}") in titles  # whole, as the catalogue has it
    assert page.evaluate(CUT) == []
    shot(page, f"titles_{lang}")
    context.close()
    assert watch.errors == []
