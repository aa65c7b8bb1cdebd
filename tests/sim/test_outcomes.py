"""The outcome declaration is what the model records: names, order, dtypes, summary keys and texts."""

from __future__ import annotations

import pytest

import sim
from sim.outcomes import SUMMARY, TOTALS, WEEKLY, outcome, summary_names, weekly_names
from sim.params import messages
from tests.sim.conftest import run


@pytest.mark.parametrize("design", list(sim.designs()))
@pytest.mark.parametrize("weeks", [1, 14])  # one week (what a storage schema once probed); past a quarter end
def test_weekly_frame_and_summary_are_exactly_the_declaration(design, weeks):
    result = run(design, weeks=weeks, seed=3)
    assert tuple(result.weekly.columns) == weekly_names()
    assert {name: str(dtype) for name, dtype in result.weekly.dtypes.items()} == {
        o.name: o.dtype for o in WEEKLY
    }
    assert tuple(result.summary) == summary_names()
    assert all(type(value) is float for value in result.summary.values())


def test_an_intervention_changes_no_column_type():
    ivs = [
        sim.Intervention(2, "hire", role="sales", n=3),
        sim.Intervention(3, "buy_leads", n=50, quality=0.5),
    ]
    weekly = run("siloed", weeks=6, seed=1, interventions=ivs).weekly
    assert {name: str(dtype) for name, dtype in weekly.dtypes.items()} == {o.name: o.dtype for o in WEEKLY}


def test_names_are_unique_per_scope_and_every_total_sums_a_weekly_column():
    assert len(set(weekly_names())) == len(WEEKLY) and len(set(summary_names())) == len(SUMMARY)
    assert set(TOTALS) <= set(weekly_names())
    assert {f"{flow}_total" for flow in TOTALS} <= set(summary_names())
    assert sim.outcomes() == WEEKLY + SUMMARY
    assert {o.scope for o in WEEKLY} == {"weekly"} and {o.scope for o in SUMMARY} == {"summary"}
    assert {o.dtype for o in SUMMARY} == {"float64"}


def test_headline_metrics_include_revenue_profit_churn_turnover_and_alignment():
    headline = {o.name for o in SUMMARY if o.headline}
    assert headline == {
        "total_revenue",
        "profit",
        "annual_churn_rate",
        "sales_turnover_annual",
        "marketing_turnover_annual",
        "service_turnover_annual",
        "alignment_index",
    }


@pytest.mark.parametrize("lang", ["en", "de", "ru"])
def test_every_outcome_has_a_description_in_every_language(lang):
    texts = messages(lang)
    missing = sorted({o.description_key for o in sim.outcomes()} - set(texts))
    assert missing == []


def test_an_unknown_outcome_is_an_input_error_naming_close_matches():
    assert outcome("win_rate", "weekly").dtype == "float64"
    assert outcome("win_rate", "summary").unit == "share"
    assert outcome("churned", "weekly").description == "Customers lost"  # English, from the catalogue
    with pytest.raises(
        sim.InputError, match=r"spec\.toml: keep: unknown weekly outcome 'revnue' \(did you mean revenue"
    ):
        outcome("revnue", "weekly", "spec.toml: keep")
    with pytest.raises(sim.InputError, match="total_revenue"):
        outcome("total_revenue", "weekly")
