"""The weekly record (step 10, accounting included) and the per-run summary computed from it.

Flows are counts within the week; stocks and levels are read at the week's end. Ratios with a zero
denominator are 0, so no value is NaN or infinite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import pandas as pd

from sim.agents import Role
from sim.market import Source, State
from sim.outcomes import TOTALS, weekly_names

if TYPE_CHECKING:
    from sim.model import TruceModel

#: The weekly frame's columns, as `sim.outcomes` declares them (with unit, dtype and description).
COLUMNS = weekly_names()


#: The per-state and per-role column names, built once.
_STATE_COLUMNS = tuple((int(state), f"accounts_{state.name.lower()}") for state in State)
_ROLE_COLUMNS = tuple(
    (role, *(f"{kind}_{role.value}" for kind in ("headcount", "hires", "quits", "vacancies", "morale")))
    for role in Role
)


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def mean(values: list[float]) -> float:
    """`np.mean(values)` (0 when empty), bit for bit, without its per-call overhead: the same pairwise
    sum divided by the count."""
    return float(np.add.reduce(np.array(values, dtype=np.float64))) / len(values) if values else 0.0


def mean_of(values: np.ndarray) -> float:
    """`np.mean` of a float64 array (0 when empty), bit for bit, without its per-call overhead."""
    return float(np.add.reduce(values)) / values.size if values.size else 0.0


def mean32(values: np.ndarray) -> float:
    """`values.mean()` of a float32 array (0 when empty), bit for bit, without its per-call overhead:
    numpy sums in float32, divides by the count in float64 and rounds the mean back to float32."""
    return float(np.float32(float(np.add.reduce(values)) / values.size)) if values.size else 0.0


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector, recording each week's `model.metrics` under the model reporters' names.

    Mesa deep-copies the value of every callable reporter on every collect; the weekly metrics are
    fresh numbers each week, so the copy buys nothing and cost more than computing them. Everything
    else (`model_vars`, the DataFrames, tables) is Mesa's own.
    """

    def collect(self, model: Any) -> None:
        if self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        metrics = model.metrics
        for name, column in self.model_vars.items():
            column.append(metrics[name])


def weekly_metrics(model: TruceModel) -> dict[str, float]:
    """Everything recorded for the week just simulated (the alignment index is added after)."""
    p, market, org, sell, hand = model.p, model.market, model.org, model.selling, model.handoff
    week = model.week
    counts = market.counts().tolist()
    cust = market.customers()
    first_year = (week - market.since[cust]) < 52
    weekly_value = market.value[cust].astype(np.float64) / 52
    revenue_new = float(np.add.reduce(weekly_value[first_year]))
    revenue_recurring = float(np.add.reduce(weekly_value[~first_year]))
    revenue = revenue_new + revenue_recurring
    staff = {role: model.agents_by_role(role) for role in (Role.MARKETING, Role.SALES, Role.SERVICE)}
    headcount = len(staff[Role.MARKETING]) + len(staff[Role.SALES]) + len(staff[Role.SERVICE])
    salaries = headcount * p.salary_week
    managers = org.managers * 1.8 * p.salary_week
    coordination = (
        p.overlay_managers * 2.5 * p.salary_week
        + float(p.liaison) * 1.5 * p.salary_week
        + p.leadership_backing * 2.0 * p.salary_week
        + p.crm_level * 30.0 * headcount
    )
    costs = (
        salaries
        + managers
        + coordination
        + p.marketing_budget_week
        + p.commission_rate * sell.bookings
        + model.hire_costs
    )
    reps = staff[Role.SALES]
    marketers = staff[Role.MARKETING]
    trusting = marketers + reps
    generated = model.leads_generated[Source.MARKETING] + model.leads_generated[Source.BOUGHT]
    leaving = hand.accepted + hand.leaked
    out = {
        "revenue": revenue,
        "revenue_new": revenue_new,
        "revenue_recurring": revenue_recurring,
        "cumulative_revenue": model.metrics.get("cumulative_revenue", 0.0) + revenue,
        "costs": costs,
        "profit": revenue - costs,
        "leads_generated": generated,
        "leads_accepted": hand.accepted,
        "leads_leaked": hand.leaked,
        "lead_queue": len(model.queue),
        "lead_wait_weeks": _ratio(hand.wait_weeks_sum, leaving),
        "lead_response_hours": _ratio(hand.response_hours_sum, hand.accepted),
        "opportunities": counts[State.OPPORTUNITY],
        "opportunities_created": sell.created,
        "deals_won": sell.won,
        "deals_lost": sell.lost,
        "win_rate": _ratio(sell.won, sell.won + sell.lost),
        "customers": counts[State.CUSTOMER],
        "churned": int(model.lost.size),
        "satisfaction": mean32(market.satisfaction[cust]),
        "referrals": sell.referrals,
        "trust": mean([a.trust for a in trusting]),
        "blame_events": model.blame_events,
        "targeting_accuracy": mean([m.accuracy() for m in marketers]),
        "reps_at_quota_share": model.quarter["last_share"],
        "leads_bought": model.leads_generated[Source.BOUGHT],
        "leads_leaked_bought": hand.leaked_bought,
        "opportunities_created_marketing": sell.created_marketing,
        "leads_qualified": hand.qualified,
        "bookings": sell.bookings,
        "overpromises": sell.overpromises,
        "feedback_reports": model.feedback.reported,
        "feedback_rate": org.feedback_rate,
        "sla_met": hand.sla_met,
        "rep_quarters": model.quarter["rep_quarters"],
        "rep_quarters_at_quota": model.quarter["at_quota"],
        "sales_capacity_fte": float(sum([r.ramp() for r in reps])),
        "service_quality": mean_of(model.quality[market.server[cust]]),
        "brand": market.brand,
        "message_consistency": org.consistency,
        "training_gain": mean([r.training_gain for r in reps]),
        # Meeting time is paid within salaries; it is shown here as what coordination takes from work.
        "coordination_cost": coordination
        + managers
        + model.org.meeting_held * headcount / 40 * p.salary_week,
    }
    for state, column in _STATE_COLUMNS:
        out[column] = counts[state]
    for role, headcount_, hires, quits, vacancies, morale in _ROLE_COLUMNS:
        dept, group = model.departments[role], staff[role]
        out[headcount_] = len(group)
        out[hires] = dept.hires
        out[quits] = dept.quits
        out[vacancies] = len(dept.vacancies)
        out[morale] = mean([a.morale for a in group])
    return out


def summary(weekly: pd.DataFrame) -> dict[str, float]:
    """Per-run outcomes as CALIBRATION.md defines them: annual rates over weeks 53.. (year 1 is
    warm-up) when the run is longer than a year, otherwise over the whole run."""
    w = weekly[weekly.index > 52] if len(weekly) > 52 else weekly
    years = len(w) / 52

    def annual(flow: str, stock: str) -> float:
        return _ratio(w[flow].sum(), w[stock].mean() * years)

    out = {
        "total_revenue": float(weekly["revenue"].sum()),
        "profit": float(weekly["profit"].sum()),
        "annual_churn_rate": annual("churned", "customers"),
        "sales_turnover_annual": annual("quits_sales", "headcount_sales"),
        "marketing_turnover_annual": annual("quits_marketing", "headcount_marketing"),
        "service_turnover_annual": annual("quits_service", "headcount_service"),
        # Marketing's own leads only: bought leads leak at their own rate (validation compares them).
        "lead_leakage_share": _ratio(
            (w["leads_leaked"] - w["leads_leaked_bought"]).sum(),
            (w["leads_generated"] - w["leads_bought"]).sum(),
        ),
        "mql_to_opportunity": _ratio(
            w["opportunities_created_marketing"].sum(),
            (w["leads_generated"] - w["leads_bought"]).sum(),
        ),
        "win_rate": _ratio(w["deals_won"].sum(), (w["deals_won"] + w["deals_lost"]).sum()),
        "reps_at_quota_share": _ratio(w["rep_quarters_at_quota"].sum(), w["rep_quarters"].sum()),
        "mean_satisfaction": float(w["satisfaction"].mean()),
        "alignment_index": float(w["alignment_index"].mean()),
        "lead_response_hours": _ratio(
            (w["lead_response_hours"] * w["leads_accepted"]).sum(), w["leads_accepted"].sum()
        ),
        "customers_end": float(weekly["customers"].iloc[-1]),
        "deals_won": float(weekly["deals_won"].sum()),
        "targeting_accuracy_end": float(weekly["targeting_accuracy"].iloc[-1]),
        "mean_trust": float(w["trust"].mean()),
        "blame_events_annual": _ratio(w["blame_events"].sum(), years),
        "referrals": float(weekly["referrals"].sum()),
    }
    # Whole-run totals of the flows the loss account prices (experiments compares them across designs).
    for flow in TOTALS:
        out[f"{flow}_total"] = float(weekly[flow].sum())
    return out
