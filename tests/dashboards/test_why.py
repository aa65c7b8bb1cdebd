"""The why panel's waterfall and the smoothed weekly counts, without a browser."""

from __future__ import annotations

import random

import pandas as pd
import pytest

import sim
from dashboards.chart import Chart
from dashboards.figures import SMOOTHED, SMOOTHING_WEEKS, churn, trailing_mean
from dashboards.i18n import LANGUAGES, Translator, ui_messages
from dashboards.session import Config, Session
from dashboards.why import ACCOUNTS, LEFT_OUT, account, why


@pytest.fixture(scope="module")
def pair() -> Session:
    """Siloed (A) against shared KPIs (B) after 20 weeks, on one seed."""
    session = Session(Config(design="siloed", compare="shared_kpis", seed=3))
    session.step(20)
    return session


def _bars(figure: dict) -> tuple[list[float], float]:
    trace = figure["data"][0]
    assert trace["type"] == "waterfall" and trace["measure"][-1] == "total"
    assert set(trace["measure"][:-1]) == {"relative"}
    return trace["x"][:-1], trace["x"][-1]


def test_the_revenue_bars_add_up_to_the_gap_in_cumulative_revenue(pair: Session):
    t = Translator("en")
    a, b = (run.model.datacollector.model_vars["cumulative_revenue"][-1] for run in pair.runs)
    bars, gap = _bars(why(pair.runs, t))
    assert gap == pytest.approx(b - a, abs=0.01)
    assert sum(bars) == pytest.approx(gap, abs=0.01 * len(bars))  # each bar rounded to the cent
    assert max(abs(bar) for bar in bars) > 1000  # the channels say something
    figure = why(pair.runs, t)
    assert figure["data"][0]["text"][-1] == t.signed(t.money(round(gap)), round(gap))
    assert figure["title"].endswith("weeks 1\u201320") and "B (Shared KPIs)" in figure["title"]


def test_the_profit_bars_add_the_costs_and_add_up_to_the_profit_gap(pair: Session):
    t = Translator("en")
    a, b = (float(run.model.datacollector.model_vars["profit"].sum()) for run in pair.runs)
    figure = why(pair.runs, t, "profit")
    bars, gap = _bars(figure)
    assert gap == pytest.approx(b - a, abs=0.01)
    assert sum(bars) == pytest.approx(gap, abs=0.01 * len(bars))
    assert figure["data"][0]["y"][-3:-1] == [t("why.coordination_costs"), t("why.other_costs")]
    assert "profit gap" in figure["title"]


def test_the_account_takes_both_runs_up_to_the_lower_week(pair: Session):
    session = Session(Config(design="siloed", compare="merged", seed=2))
    session.step(5)
    a, b = session.runs
    b.model.step()  # B a week ahead of A
    table, weeks = account(session.runs)
    assert weeks == 5
    expected = sim.loss_account(sim.summary(b.weekly().iloc[:5]), sim.summary(a.weekly()))
    pd.testing.assert_frame_equal(table, expected)
    assert why(session.runs, Translator("de"))["title"].endswith("Wochen 1\u20135")


def test_the_residual_left_out_is_zero_for_one_pair(pair: Session):
    table, _ = account(pair.runs)
    for kind in ACCOUNTS:
        rows = table[table["account"] == kind].set_index("component")["value"]
        assert abs(rows["residual"]) < 1e-6 * rows.abs().max()


def test_before_the_first_week_every_bar_is_zero_and_the_title_says_so():
    session = Session(Config(compare="shared_kpis"))
    for kind in ACCOUNTS:
        figure = why(session.runs, Translator("ru"), kind)
        assert set(figure["data"][0]["x"]) == {0.0}
        assert figure["title"].endswith(Translator("ru")("why.no_weeks"))
        assert "\u2212" not in "".join(figure["data"][0]["text"])  # no minus zero


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_bar_of_the_account_is_labelled_in_every_language(pair: Session, lang: str):
    """Every component `sim.loss_account` returns has a label and a hover tip in each catalogue."""
    table, _ = account(pair.runs)
    components = set(table["component"]) - set(LEFT_OUT)
    texts = ui_messages(lang)
    missing = sorted(
        f"why.{c}{tip}" for c in components for tip in ("", "_tip") if f"why.{c}{tip}" not in texts
    )
    assert missing == []
    t = Translator(lang)
    for kind in ACCOUNTS:
        trace = why(pair.runs, t, kind)["data"][0]
        rows = table[(table["account"] == kind) & ~table["component"].isin(LEFT_OUT)]
        assert trace["y"] == [texts[f"why.{c}"] for c in rows["component"]]
        tips = zip(rows["component"], trace["customdata"], strict=True)
        assert all(texts[f"why.{c}_tip"] in hover for c, hover in tips)


def test_the_trailing_mean_averages_the_last_weeks_and_never_changes_a_drawn_week():
    assert trailing_mean([0, 3, 3, 6], weeks=2) == [0, 1.5, 3, 4.5]
    rng = random.Random(1)
    values = [rng.randint(0, 8) for _ in range(60)]
    full = trailing_mean(values)
    assert full[0] == values[0] and full[4] == pytest.approx(sum(values[:5]) / 5, abs=1e-3)
    assert full[40] == pytest.approx(sum(values[28:41]) / SMOOTHING_WEEKS, abs=1e-3)
    # A live chart only appends: the weeks so far give the same means as the whole record.
    assert all(trailing_mean(values[:n]) == full[:n] for n in range(len(values)))


def test_the_smoothed_series_are_declared_weekly_counts():
    declared = {o.name: o for o in sim.outcomes() if o.scope == "weekly"}
    for name in SMOOTHED:
        assert declared[name].dtype == "int64" and declared[name].unit.endswith("per week"), name
    assert "churned" in SMOOTHED and "revenue" not in SMOOTHED


def test_the_churn_chart_draws_the_quarterly_average_over_the_faint_weeks(pair: Session):
    t = Translator("en")
    traces = {trace["name"]: trace for trace in churn(pair.runs, t)["data"]}
    for run in pair.runs:
        raw = traces[f"{t('chart.churned')}: each week · {run.label}"]
        smooth = traces[f"{t('chart.churned')}: average of the last 13 weeks · {run.label}"]
        assert raw["y"] == run.model.datacollector.model_vars["churned"].tolist()
        assert smooth["y"] == trailing_mean(raw["y"])
        assert smooth["line"]["width"] > raw["line"]["width"] and raw["line"]["color"].startswith("rgba(")
        assert list(traces).index(raw["name"]) < list(traces).index(smooth["name"])  # drawn behind it


def test_a_step_only_appends_to_the_smoothed_line():
    session, t, chart = Session(Config(compare="merged")), Translator("en"), Chart(name="churn")
    sent: list[dict] = []
    chart.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    session.step(15)
    chart.show(churn(session.runs, t), 1)
    session.step()
    chart.show(churn(session.runs, t), 2)
    assert chart.figure["rev"] == 1 and [m["rev"] for m in sent] == [2]
    assert all(points[0] == [16] for points in sent[0]["points"])
