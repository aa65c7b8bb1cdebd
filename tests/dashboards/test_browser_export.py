"""The dashboard in German and Russian, and its downloads, in a real Chromium."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

import sim
from dashboards.i18n import Translator, catalogue
from tests.dashboards.conftest import shot
from tests.dashboards.test_browser import step


def _english_phrases(lang: str) -> set[str]:
    """English UI texts whose translation differs: none may show on the `lang` page."""
    english, other = catalogue("en"), catalogue(lang)
    phrases = set()
    for key, text in english.items():
        if other.get(key) == text:
            continue  # the same word in both languages (CRM, Marketing, ...)
        for literal, *_ in string.Formatter().parse(text):
            if len(literal.strip()) >= 5:
                phrases.add(literal.strip())
    return phrases


def _page_text(page: Page) -> str:
    svg = page.evaluate("[...document.querySelectorAll('svg text')].map(t => t.textContent).join('\\n')")
    return page.locator("body").inner_text() + "\n" + svg


@pytest.mark.parametrize(
    ("lang", "button", "week"), [("de", "Deutsch", "Woche 2"), ("ru", "Русский", "Неделя 2")]
)
def test_translated_page_shows_no_english(dash: Page, lang: str, button: str, week: str):
    dash.locator(".truce-side-by-side label").click()
    step(dash, 2)
    dash.get_by_role("button", name="Hire salespeople").click()
    dash.get_by_role("button", name=button).click()
    expect(dash.locator(".truce-week")).to_contain_text(week)
    expect(dash.locator('.truce-chart[data-chart="revenue"] .truce-chart-title')).to_contain_text(
        Translator(lang)("chart.revenue")
    )
    step(dash, label=Translator(lang)("control.step"))
    text = _page_text(dash)
    leaked = sorted(phrase for phrase in _english_phrases(lang) if phrase in text)
    assert leaked == [], f"English on the {lang} page: {leaked}"
    # Locale numbers: a decimal comma in the levers' values (e.g. "0,50 Index").
    expect(dash.locator(".lever-handoff_friction .truce-lever-value")).to_have_text(re.compile(r"^\d,\d\d "))
    shot(dash, f"language_{lang}")


def _download(page: Page, label: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_downloads_rerun_to_the_numbers_on_the_page(dash: Page, tmp_path: Path):
    step(dash, 3)
    dash.get_by_role("button", name="Buy leads").click()
    dash.get_by_role("button", name="Sales training").click()
    step(dash, 3)
    weekly = pd.read_csv(io.StringIO(_download(dash, "Weekly data (CSV)")), index_col="week")
    assert list(weekly.index) == [1, 2, 3, 4, 5, 6]
    assert {"revenue", "churned", "quits_sales", "leads_leaked"} <= set(weekly.columns)
    design = _download(dash, "Design and interventions (TOML)")
    assert "--seed 1 --weeks 6" in design
    path = tmp_path / "exported.toml"
    path.write_text(design, encoding="utf-8")
    rerun = sim.run(str(path), weeks=6, seed=1)
    assert [iv["kind"] for iv in rerun.interventions] == ["buy_leads", "sales_training"]
    pd.testing.assert_frame_equal(rerun.weekly, weekly, check_dtype=False, check_names=False)
    shown = dash.locator(".truce-kpi-revenue .truce-kpi-value").inner_text()
    assert shown == Translator("en").money(rerun.summary["total_revenue"])
