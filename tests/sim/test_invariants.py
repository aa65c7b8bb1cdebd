"""Bookkeeping that must hold in every week of every run, whatever the design, seed or levers.

A fixed set of representative runs (every preset, and runs with interventions) is checked invariant by
invariant; a hypothesis test then draws seeds, designs, lever values and an intervention and checks all
invariants at once. Horizons are short: the identities are week by week.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim

WEEKS = 30
ACCOUNT_STATES = (
    "accounts_unaware",
    "accounts_aware",
    "accounts_lead",
    "accounts_opportunity",
    "accounts_customer",
    "accounts_churned",
)
DEPARTMENTS = {"marketing": "marketers", "sales": "salespeople", "service": "service_staff"}
CONTRACT_COLUMNS = (
    "revenue",
    "revenue_new",
    "revenue_recurring",
    "cumulative_revenue",
    "costs",
    "profit",
    "leads_generated",
    "leads_accepted",
    "leads_leaked",
    "lead_queue",
    "lead_wait_weeks",
    "lead_response_hours",
    "opportunities",
    "opportunities_created",
    "deals_won",
    "deals_lost",
    "win_rate",
    "customers",
    "churned",
    "satisfaction",
    "referrals",
    "headcount_marketing",
    "headcount_sales",
    "headcount_service",
    "hires_marketing",
    "hires_sales",
    "hires_service",
    "quits_marketing",
    "quits_sales",
    "quits_service",
    "vacancies_marketing",
    "vacancies_sales",
    "vacancies_service",
    "morale_marketing",
    "morale_sales",
    "morale_service",
    "trust",
    "blame_events",
    "targeting_accuracy",
    "reps_at_quota_share",
    "alignment_index",
)
SUMMARY_KEYS = (
    "total_revenue",
    "profit",
    "annual_churn_rate",
    "sales_turnover_annual",
    "marketing_turnover_annual",
    "service_turnover_annual",
    "lead_leakage_share",
    "mql_to_opportunity",
    "win_rate",
    "reps_at_quota_share",
    "mean_satisfaction",
    "alignment_index",
)
SHARES = (
    "win_rate",
    "reps_at_quota_share",
    "satisfaction",
    "morale_marketing",
    "morale_sales",
    "morale_service",
    "trust",
    "targeting_accuracy",
)
COUNTS = (
    "leads_generated",
    "leads_accepted",
    "leads_leaked",
    "lead_queue",
    "opportunities",
    "opportunities_created",
    "deals_won",
    "deals_lost",
    "customers",
    "churned",
    "referrals",
    "blame_events",
    *(f"{kind}_{dept}" for kind in ("headcount", "hires", "quits", "vacancies") for dept in DEPARTMENTS),
    *ACCOUNT_STATES,
)

#: Representative runs: (design, seed, levers, interventions). Hiring and bought leads exercise the
#: flows that a short default run rarely shows.
CASES = [
    *((name, 1, {}, ()) for name in ("siloed", "shared_kpis", "merged", "three_dimensional")),
    (
        "siloed",
        2,
        {"accounts": 3000, "quit_sales_annual": 2.0, "vacancy_weeks_sales": 2.0},
        (
            sim.Intervention(5, "hire", role="service", n=3),
            sim.Intervention(8, "buy_leads", n=200, quality=0.5),
            sim.Intervention(12, "switch_design", design="merged"),
        ),
    ),
]


def _initial_staff(design: str, levers: dict[str, Any]) -> dict[str, int]:
    resolved = {**sim.resolve(design).params.as_dict(), **levers}
    return {dept: int(resolved[key]) for dept, key in DEPARTMENTS.items()}


# ---------------------------------------------------------------------- the invariants
def check_rows(result: sim.RunResult, weeks: int) -> None:
    """Exactly `weeks` rows, indexed by week 1..weeks."""
    assert len(result.weekly) == weeks
    assert list(result.weekly.index) == list(range(1, weeks + 1))
    assert result.weekly.index.name == "week"


def check_contract(result: sim.RunResult) -> None:
    """Every column and summary key of the output contract is present."""
    missing = [c for c in CONTRACT_COLUMNS if c not in result.weekly.columns]
    assert not missing, f"weekly lacks contract columns {missing}"
    missing = [k for k in SUMMARY_KEYS if k not in result.summary]
    assert not missing, f"summary lacks contract keys {missing}"


def check_finite(result: sim.RunResult) -> None:
    """No NaN or infinity anywhere in the weekly record or the summary."""
    values = result.weekly.to_numpy(dtype=float)
    bad = result.weekly.columns[~np.isfinite(values).all(axis=0)].tolist()
    assert not bad, f"non-finite values in {bad}"
    assert all(np.isfinite(float(v)) for v in result.summary.values()), result.summary


def check_accounts(result: sim.RunResult, accounts: int) -> None:
    """Accounts are conserved: every account is in exactly one lifecycle state every week."""
    totals = result.weekly[list(ACCOUNT_STATES)].sum(axis=1)
    wrong = totals[totals != accounts]
    assert wrong.empty, f"account states do not sum to {accounts} in weeks {wrong.to_dict()}"
    w = result.weekly
    assert (w["customers"] == w["accounts_customer"]).all()
    assert (w["opportunities"] == w["accounts_opportunity"]).all()
    assert (w["lead_queue"] == w["accounts_lead"]).all(), "queued leads and accounts in the lead state differ"


def check_headcount(result: sim.RunResult, initial: dict[str, int]) -> None:
    """headcount = initial + cumulative hires - cumulative quits, per department and week."""
    w = result.weekly
    for dept, start in initial.items():
        expected = start + w[f"hires_{dept}"].cumsum() - w[f"quits_{dept}"].cumsum()
        wrong = w.index[w[f"headcount_{dept}"] != expected].tolist()
        assert not wrong, f"headcount_{dept} breaks the stock-flow identity in weeks {wrong[:5]}"


def check_lead_queue(result: sim.RunResult) -> None:
    """Every lead leaves the queue accepted or leaked: queue[t] = queue[t-1] + in - accepted - leaked."""
    w = result.weekly
    inflow = w["leads_generated"] - w["leads_accepted"] - w["leads_leaked"]
    change = w["lead_queue"].diff()
    wrong = w.index[1:][(change.iloc[1:] != inflow.iloc[1:]).to_numpy()].tolist()
    assert not wrong, f"lead queue breaks the flow identity in weeks {wrong[:5]}"
    start = w["lead_queue"].iloc[0] - inflow.iloc[0]  # the queue the company started with
    assert start >= 0


def check_ranges(result: sim.RunResult) -> None:
    """Rates and shares lie in [0, 1]; counts are non-negative whole numbers; the index in [20, 100]."""
    w = result.weekly
    for col in SHARES:
        assert w[col].between(0.0, 1.0).all(), f"{col} leaves [0, 1]: {w[col].min()}..{w[col].max()}"
    for col in COUNTS:
        values = w[col].to_numpy(dtype=float)
        assert (values >= 0).all() and (values == np.round(values)).all(), f"{col} is not a count"
    assert w["alignment_index"].between(20.0, 100.0).all()
    assert (w["lead_response_hours"] >= 0).all() and (w["lead_wait_weeks"] >= 0).all()
    for key in ("annual_churn_rate", "lead_leakage_share", "mql_to_opportunity", "win_rate"):
        assert result.summary[key] >= 0, key
    for key in ("lead_leakage_share", "win_rate", "reps_at_quota_share", "mean_satisfaction"):
        assert result.summary[key] <= 1, key


def check_accounting(result: sim.RunResult) -> None:
    """Revenue splits into new and recurring; profit is revenue minus costs; cumulative is the running sum;
    the win rate is wins over decisions."""
    w = result.weekly
    np.testing.assert_allclose(w["revenue"], w["revenue_new"] + w["revenue_recurring"], rtol=1e-9)
    np.testing.assert_allclose(w["profit"], w["revenue"] - w["costs"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(w["cumulative_revenue"], w["revenue"].cumsum(), rtol=1e-9)
    decided = w["deals_won"] + w["deals_lost"]
    rate = np.where(decided > 0, w["deals_won"] / decided.where(decided > 0, 1), 0.0)
    np.testing.assert_allclose(w["win_rate"], rate, rtol=1e-9)
    assert np.isclose(result.summary["total_revenue"], w["revenue"].sum(), rtol=1e-9)


def check_all(result: sim.RunResult, weeks: int, accounts: int, initial: dict[str, int]) -> None:
    check_rows(result, weeks)
    check_contract(result)
    check_finite(result)
    check_accounts(result, accounts)
    check_headcount(result, initial)
    check_lead_queue(result)
    check_ranges(result)
    check_accounting(result)


# ---------------------------------------------------------------------- fixed representative runs
@pytest.fixture(
    params=CASES, ids=lambda case: f"{case[0]}-seed{case[1]}{'-interventions' if case[3] else ''}"
)
def case(request, lab):
    design, seed, levers, interventions = request.param
    result = lab.run(design, weeks=WEEKS, seed=seed, interventions=interventions, **levers)
    accounts = int({**sim.resolve(design).params.as_dict(), **levers}["accounts"])
    return result, accounts, _initial_staff(design, levers)


def test_one_row_per_week_indexed_from_one(case):
    check_rows(case[0], WEEKS)


def test_every_contract_column_and_summary_key_is_present(case):
    check_contract(case[0])


def test_no_nan_or_infinity(case):
    check_finite(case[0])


def test_accounts_are_conserved_across_states(case):
    check_accounts(case[0], case[1])


def test_headcount_is_initial_plus_hires_minus_quits(case):
    check_headcount(case[0], case[2])


def test_every_lead_leaves_the_queue_accepted_or_leaked(case):
    check_lead_queue(case[0])


def test_rates_and_shares_stay_in_range(case):
    check_ranges(case[0])


def test_revenue_costs_and_profit_add_up(case):
    check_accounting(case[0])


def test_the_hire_intervention_case_actually_hires_and_quits(lab):
    """Guard: the intervention case above exercises hires, quits and bought leads, not only zeros."""
    design, seed, levers, interventions = CASES[-1]
    w = lab.run(design, weeks=WEEKS, seed=seed, interventions=interventions, **levers).weekly
    assert w["hires_service"].sum() >= 3 and w["quits_sales"].sum() > 0 and w["hires_sales"].sum() > 0
    assert w.loc[8, "leads_generated"] >= 200


# ---------------------------------------------------------------------- drawn runs
INTERVENTIONS = st.one_of(
    st.none(),
    st.builds(
        lambda week, role, n: sim.Intervention(week, "hire", role=role, n=n),
        st.integers(1, WEEKS),
        st.sampled_from(["marketing", "sales", "service"]),
        st.integers(1, 8),
    ),
    st.builds(
        lambda week, n: sim.Intervention(week, "buy_leads", n=n),
        st.integers(1, WEEKS),
        st.integers(1, 400),
    ),
    st.builds(
        lambda week, design: sim.Intervention(week, "switch_design", design=design),
        st.integers(1, WEEKS),
        st.sampled_from(list(sim.designs())),
    ),
    st.builds(lambda week: sim.Intervention(week, "sales_training", gain=0.3), st.integers(1, WEEKS)),
)


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    design=st.sampled_from(list(sim.designs())),
    levers=st.fixed_dictionaries(
        {"accounts": st.integers(1000, 4000)},
        optional={
            "lead_sla_hours": st.sampled_from([0.0, 1.0, 24.0, 168.0]),
            "shared_bonus_share": st.floats(0.0, 1.0),
            "meeting_hours_week": st.floats(0.0, 10.0),
            "leadership_backing": st.floats(0.0, 1.0),
            "service_capacity": st.floats(10.0, 1000.0),
            "salespeople": st.integers(1, 40),
            "quit_sales_annual": st.floats(0.0, 2.0),
        },
    ),
    intervention=INTERVENTIONS,
)
def test_invariants_hold_for_drawn_designs_seeds_levers_and_interventions(seed, design, levers, intervention):
    interventions = [] if intervention is None else [intervention]
    result = sim.run(design, weeks=WEEKS, seed=seed, interventions=interventions, **levers)
    check_all(result, WEEKS, levers["accounts"], _initial_staff(design, levers))


@pytest.mark.parametrize("case_", CASES, ids=lambda case: f"{case[0]}-{len(case[3])}-interventions")
def test_the_census_of_states_is_the_count_of_the_accounts_states(case_):
    """`Market.census` is kept by `lifecycle.enter`, not counted: each week it must equal the number of
    accounts actually in each state (mechanisms, hand-overs and interventions included)."""
    design, seed, levers, interventions = case_
    model = sim.TruceModel(design, rng=seed, weeks=WEEKS, interventions=interventions, **levers)
    for _ in range(WEEKS):
        model.step()
        market = model.market
        assert market.census.tolist() == np.bincount(market.state, minlength=market.census.size).tolist()
