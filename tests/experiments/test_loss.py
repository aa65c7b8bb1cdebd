"""The loss account adds up to the observed gap and moves the right bar in controlled cases."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_frames import arm_runs

from experiments.loss import loss_account
from experiments.stats import paired

SILOED = ("siloed", "siloed", (), ())
SHARED = ("shared_kpis", "shared_kpis", (), ())
#: 1,500 bought leads dumped on a sales team without the capacity to work them (week 4).
BUY = ("siloed+bought_leads", "siloed", (), ((4, "buy_leads", (("n", 1500),)),))
#: The same company in a market whose customers leave almost three times as readily.
CHURNY = ("siloed+churny_market", "siloed", (("churn_annual", 0.3),), ())
REPLICATIONS, WEEKS = 10, 52


@pytest.fixture(scope="module")
def runs():
    frame, _ = arm_runs((SILOED, SHARED, BUY, CHURNY), REPLICATIONS, WEEKS)
    return frame


@pytest.fixture(scope="module")
def account(runs):
    return loss_account(runs, "siloed").set_index(["design", "account", "component"]).sort_index()


def test_each_account_sums_exactly_to_the_observed_gap(runs, account):
    observed = paired(runs, "siloed", ["total_revenue", "profit"]).set_index(["design", "metric"])
    for design in ("shared_kpis", BUY[0], CHURNY[0]):
        for name, metric in (("revenue", "total_revenue"), ("profit", "profit")):
            rows = account.loc[(design, name)]
            gap = rows.loc["gap", "value"]
            assert gap == pytest.approx(observed.loc[(design, metric), "mean_diff"], rel=1e-12)
            assert rows.loc[rows["kind"] != "total", "value"].sum() == pytest.approx(gap, rel=1e-9, abs=1e-6)
            assert rows.loc["gap", "n_pairs"] == REPLICATIONS


def test_profit_account_carries_the_revenue_bars_and_adds_costs(account):
    revenue = account.loc[("shared_kpis", "revenue")]
    profit = account.loc[("shared_kpis", "profit")]
    shared = revenue.index.drop("gap")
    assert np.allclose(profit.loc[shared, "value"], revenue.loc[shared, "value"])
    assert {"coordination_costs", "other_costs"} <= set(profit.index)


def test_bought_leads_the_team_cannot_work_show_as_leaked_revenue(account):
    rows = account.loc[(BUY[0], "revenue")]
    assert rows.loc["leads_leaked", "units"] > 1000
    assert rows.loc["leads_leaked", "ci_high"] < 0
    assert rows.loc["lead_volume", "ci_low"] > 0


def test_a_churnier_market_shows_up_in_the_churn_bar_first(account):
    rows = account.loc[(CHURNY[0], "revenue")]
    bars = rows[rows["kind"] == "component"]
    assert rows.loc["churn", "ci_high"] < 0
    assert bars["value"].idxmin() == "churn"
    assert rows.loc["churn", "value"] < 0.5 * rows.loc["gap", "value"]  # the bulk of a negative gap


def test_shared_kpis_gains_in_the_hand_off_against_siloed(account):
    """CALIBRATION.md: SLAs and meetings cut leakage well below siloed, so fewer leads leak."""
    rows = account.loc[("shared_kpis", "revenue")]
    assert rows.loc["leads_leaked", "units"] < 0
    assert rows.loc["leads_leaked", "ci_low"] > 0


def test_unknown_baseline_is_rejected(runs):
    with pytest.raises(ValueError, match="nobody"):
        loss_account(runs, "nobody")
