"""The HTML report is one offline file with plotly.js once, every section, and well-formed markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from analysis_frames import FakeResults, arm_runs, designs_arms, morris_sweep
from plotly.offline import get_plotlyjs

import experiments
from experiments.report import write_report
from truce.cli import main

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr"}
REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)
MANIFEST = {
    "spec": {"name": "two designs", "description": "test", "weeks": 52, "replications": 10},
    "designs": ["siloed", "shared_kpis"],
    "baseline": "siloed",
    "root_seed": 11,
    "provenance": {"git_commit": "abc123", "git_dirty": True, "python": "3.12.1", "packages": {"numpy": "2"}},
}


class TagBalance(HTMLParser):
    """Every non-void element closes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _results() -> FakeResults:
    runs, weekly = arm_runs(designs_arms("siloed", "shared_kpis"), 10, 52)
    failed = runs.iloc[[0]].assign(run_id="broken", design="shared_kpis", replication=99, status="failed")
    failed["error"] = "Traceback (most recent call last):\nValueError: boom"
    failed["total_revenue"] = np.nan
    return FakeResults(pd.concat([runs, failed], ignore_index=True), weekly, MANIFEST)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> str:
    path = write_report(_results(), tmp_path_factory.mktemp("report") / "sub" / "report.html")
    return path.read_text(encoding="utf-8")


def _well_formed(text: str) -> None:
    assert text.startswith("<!DOCTYPE html>")
    parser = TagBalance()
    parser.feed(text)
    parser.close()
    assert parser.errors == [] and parser.stack == []


def test_report_embeds_plotly_js_once_and_loads_nothing_remote(report_page):
    bundle = get_plotlyjs()
    assert report_page.count(bundle) == 1
    assert REMOTE.search(report_page) is None
    assert re.search("https?://", report_page.replace(bundle, "")) is None  # not even a link


def test_report_shows_designs_over_time_tables_and_the_loss_waterfall(report_page):
    page = report_page
    _well_formed(page)
    shown = ("siloed", "shared_kpis", "Designs over time", "Staff turnover in sales", "Paired differences")
    for text in shown:
        assert text in page
    assert "Loss accounts against siloed" in page and '"type":"waterfall"' in page
    assert "loss account: shared_kpis" in page
    assert page.count("Plotly.newPlot") == 2  # time series + one waterfall (one design against siloed)
    assert "Failed runs (1)" in page and "ValueError: boom" in page
    assert "abc123 (uncommitted changes)" in page


def test_summaries_only_morris_report_has_sensitivity_and_says_weekly_is_missing(tmp_path):
    sweep = morris_sweep(
        ("marketing_budget_week", "accounts", "meeting_hours_week", "feedback_probability"),
        ((2000.0, 30000.0), (5000.0, 30000.0), (0.0, 4.0), (0.0, 1.0)),
        4,
        30,
    )
    text = write_report(sweep, tmp_path / "morris.html").read_text(encoding="utf-8")
    _well_formed(text)
    assert "Weekly series were not kept" in text
    assert "Sensitivity (morris)" in text and "mu_star" in text and "accounts" in text
    assert "Loss account" not in text  # one design: nothing to compare
    assert text.count("Plotly.newPlot") == 1


def test_cli_report_writes_the_default_file_and_prints_the_headline(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(experiments, "load", lambda path: _results())
    assert main(["report", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "report.html").exists()
    assert "report written to" in out and "shared_kpis" in out and "revenue" in out
    assert out.index("paired runs") < out.index("mean ± 95% CI")  # the answer in words comes first
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "x.html")]) == 0
    assert (tmp_path / "x.html").exists()


def test_cli_report_on_a_folder_that_is_not_results_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a results folder" in capsys.readouterr().err


def test_results_without_the_loss_totals_still_get_a_report(tmp_path):
    """A folder written before the weeks-left totals existed: ranked and compared, no loss account."""
    results = _results()
    old = results.runs.drop(columns=[c for c in results.runs if c.endswith("_weeks_left")])
    page = write_report(FakeResults(old, results.weekly, MANIFEST), tmp_path / "report.html").read_text()
    assert "Designs ranked on each outcome" in page and "Paired differences" in page
    assert "No loss account: these results predate its totals" in page
    assert "id='loss'" not in page and "id='top-loss'" not in page
