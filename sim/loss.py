"""The loss account: through which channels a design's revenue gap to a baseline comes.

A customer is worth what it pays while on the book, so every flow is counted in the weeks it has left
to the horizon (a deal won in week t of T is on the book at T - t + 1 week-ends; the summary's
`<flow>_weeks_left`). Revenue is revenue per customer-week times customer-weeks, and customer-weeks
are the starting book times T plus the deals won minus the customers churned, each weighted by its
weeks left: an identity of the record, not an approximation. The extra customer-weeks are split
along the funnel (leads worked, qualified, opportunities by source, wins) and priced at the
baseline's yields; a design whose wins come early or late shows it in the weights, one whose deals
are smaller (discounts, mix) in the revenue-per-customer-week bar. What is left, the residual, is
the interaction of the two (the pair's baseline price of a customer-week against the pooled one,
times the extra customer-weeks) plus any difference in the starting book, which common seeds make
the same: second order, and zero for a single pair.

Every function takes a mapping of summary keys to numbers or to arrays of paired runs (`sim.run`'s
`summary`, or columns of a runs table), so the same arithmetic serves one live pair in the dashboard
and hundreds of replications in `experiments.loss`. The method is in docs/loss_account.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.outcomes import WEEKS_LEFT

#: Component -> label, in waterfall order (the profit account adds the cost rows).
LABELS = {
    "lead_volume": "leads reaching sales",
    "leads_leaked": "leads leaked in hand-off",
    "lead_qualification": "lead qualification (fit, response time)",
    "sales_capacity": "sales capacity (vacancies, ramp-up)",
    "prospecting": "self-sourced opportunities per sales FTE",
    "referrals": "referrals",
    "win_rate": "deals won per opportunity (win rate, time to close)",
    "churn": "customers churned",
    "deal_value": "revenue per customer-week (deal size, discounts, mix)",
    "residual": "residual (price x volume interaction, starting book)",
    "coordination_costs": "coordination costs (managers, liaison, CRM)",
    "other_costs": "other costs (salaries, budget, commission, hiring)",
}
#: The summary keys the account reads (whole-run totals and their weeks-left weights).
KEYS = (
    "total_revenue",
    "profit",
    "customer_weeks_total",
    *(f"{flow}_weeks_left" for flow in WEEKS_LEFT),
    "coordination_cost_total",
    "costs_total",
)
Totals = Mapping[str, "float | np.ndarray"]


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def _flows(t: Totals) -> dict[str, np.ndarray]:
    """The funnel in weeks left: worked leads, qualified, opportunities by source, wins, churn."""
    g = {key: np.asarray(t[f"{key}_weeks_left"], dtype=float) for key in WEEKS_LEFT}
    g["self_sourced"] = g["opportunities_created"] - g["leads_qualified"] - g["referrals"]
    g["resolved"] = g["leads_accepted"] + g["leads_leaked"]
    g["revenue"] = np.asarray(t["total_revenue"], dtype=float)
    g["customer_weeks"] = np.asarray(t["customer_weeks_total"], dtype=float)
    return g


@dataclass(frozen=True)
class Rates:
    """The baseline's yields, in weeks left, pooled over its runs (ratios of totals; 0 if undefined)."""

    customer_week: float  # revenue of one customer for one week
    qualified_per_accepted: float
    won_per_opportunity: float
    self_sourced_per_fte: float

    @classmethod
    def of(cls, baseline: Totals) -> Rates:
        f = {name: float(np.sum(values)) for name, values in _flows(baseline).items()}
        return cls(
            customer_week=_ratio(f["revenue"], f["customer_weeks"]),
            qualified_per_accepted=_ratio(f["leads_qualified"], f["leads_accepted"]),
            won_per_opportunity=_ratio(f["deals_won"], f["opportunities_created"]),
            self_sourced_per_fte=_ratio(f["self_sourced"], f["sales_capacity_fte"]),
        )


def _per_week(f: dict[str, np.ndarray]) -> np.ndarray:
    """Revenue per customer-week (0 without customers)."""
    weeks = np.maximum(f["customer_weeks"], 1.0)
    return np.where(f["customer_weeks"] > 0, f["revenue"] / weeks, 0.0)


def components(design: Totals, baseline: Totals, r: Rates) -> dict[str, tuple[np.ndarray, float]]:
    """Per pair, each revenue channel's units (a difference in weeks left, or in revenue per
    customer-week) and its value per unit.

    Volumes are priced at the baseline's yield; a rate channel counts only the excess over what the
    baseline rate predicts from the design's own volume (e.g. wins beyond won-per-opportunity times
    the extra opportunities), so no won deal is counted twice along the funnel, and the channels down
    to `win_rate` add up to the extra weeks on the book of the deals won.
    """
    d, b = _flows(design), _flows(baseline)
    delta = {name: d[name] - b[name] for name in d}
    customer = r.customer_week
    opportunity = customer * r.won_per_opportunity
    lead = opportunity * r.qualified_per_accepted
    return {
        "lead_volume": (delta["resolved"], lead),
        "leads_leaked": (delta["leads_leaked"], -lead),
        "lead_qualification": (
            delta["leads_qualified"] - r.qualified_per_accepted * delta["leads_accepted"],
            opportunity,
        ),
        "sales_capacity": (delta["sales_capacity_fte"], opportunity * r.self_sourced_per_fte),
        "prospecting": (
            delta["self_sourced"] - r.self_sourced_per_fte * delta["sales_capacity_fte"],
            opportunity,
        ),
        "referrals": (delta["referrals"], opportunity),
        "win_rate": (delta["deals_won"] - r.won_per_opportunity * delta["opportunities_created"], customer),
        "churn": (delta["churned"], -customer),
        # Revenue = (revenue per customer-week) x customer-weeks: the design's weeks at the price
        # difference to its own pair's baseline (the seed's luck in deal sizes cancels).
        "deal_value": (_per_week(d) - _per_week(b), d["customer_weeks"]),
    }


def values(design: Totals, baseline: Totals, r: Rates) -> dict[str, np.ndarray]:
    """Money per channel and pair, the residual and the gap (revenue account), then the cost rows."""
    parts = components(design, baseline, r)
    money = {name: units * unit for name, (units, unit) in parts.items()}
    gap = np.asarray(design["total_revenue"], dtype=float) - np.asarray(
        baseline["total_revenue"], dtype=float
    )
    money["residual"] = gap - np.sum(list(money.values()), axis=0)
    money["gap"] = gap
    return money


def loss_account(design: Totals, baseline: Totals) -> pd.DataFrame:
    """The revenue and profit accounts of one run against another (a live pair; the baseline's own
    yields price the channels): rows of account, component, label, units, unit_value and value (EUR),
    in waterfall order, each account ending with its `gap`."""
    r = Rates.of(baseline)
    parts, money = components(design, baseline, r), values(design, baseline, r)
    rows = [(name, float(np.mean(parts[name][0])), float(np.mean(parts[name][1]))) for name in parts]
    rows += [("residual", float("nan"), float("nan")), ("gap", float("nan"), float("nan"))]
    revenue = [("revenue", n, LABELS.get(n, "observed gap"), u, v, float(money[n])) for n, u, v in rows]
    costs = {
        "coordination_costs": float(design["coordination_cost_total"])
        - float(baseline["coordination_cost_total"]),
        "other_costs": (float(design["costs_total"]) - float(design["coordination_cost_total"]))
        - (float(baseline["costs_total"]) - float(baseline["coordination_cost_total"])),
    }
    profit = [("profit", *row[1:]) for row in revenue[:-1]]
    profit += [("profit", n, LABELS[n], delta, -1.0, -delta) for n, delta in costs.items()]
    profit_gap = float(design["profit"]) - float(baseline["profit"])
    profit.append(("profit", "gap", "observed gap", float("nan"), float("nan"), profit_gap))
    return pd.DataFrame(
        revenue + profit, columns=["account", "component", "label", "units", "unit_value", "value"]
    )
