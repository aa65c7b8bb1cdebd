"""The weekly record (step 10, accounting included): what the mechanisms reported, plus the stocks and
levels read at the week's end.

Mechanisms return their counts as a `Tally`; nothing is left on the model for a collector to find and
a reset to zero. Ratios with a zero denominator are 0, so no value is NaN or infinite.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import alignment, marketing
from sim.compiled import kernel
from sim.market import State
from sim.staff import CODE, ROLES, Role

SALES = CODE[Role.SALES]

if TYPE_CHECKING:
    from sim.model import TruceModel

#: What the mechanisms counted this week, by name (a missing name counted nothing).
Tally = Counter

_STATES = tuple((int(state), f"accounts_{state.name.lower()}") for state in State)
_ROLES = tuple(
    (
        CODE[role],
        role.value,
        *(f"{kind}_{role.value}" for kind in ("headcount", "hires", "quits", "vacancies", "morale")),
    )
    for role in ROLES
)


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector holding the weekly record: `model_vars` has one list per column, so
    `get_model_vars_dataframe`, `mesa.batch_run` and the dashboard read it as Mesa's own.

    The week's record is assembled by the step from what the mechanisms returned; `record` appends
    it, rather than Mesa calling one reporter per column to fetch what is already there.
    """

    def __init__(self, columns: tuple[str, ...]) -> None:
        super().__init__(model_reporters={name: name for name in columns})

    def record(self, model: mesa.Model, row: dict[str, float]) -> None:
        """Append one week's record (every column)."""
        self._collection_steps.append(model.time)
        for name, column in self.model_vars.items():
            column.append(row[name])


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def week_record(model: TruceModel, tally: Tally, quality_by_id: np.ndarray) -> dict[str, float]:
    """Every column of the weekly record for the week just simulated."""
    p, market, org, staff = model.p, model.market, model.org, model.staff
    week = model.week
    counts = market.counts()
    cust = market.customers
    revenue, revenue_new, satisfaction, quality = _book(
        cust, market.value, market.since, market.satisfaction, market.server, quality_by_id, week
    )
    heads, morale, trust, ramp, training = _people(staff.table, len(ROLES))
    heads, morale, trust = heads.tolist(), morale.tolist(), trust.tolist()
    mkt, sales = CODE[Role.MARKETING], CODE[Role.SALES]
    headcount = len(staff)
    salary = p.salary_week
    managers = org.managers * 1.8 * salary
    coordination = (
        p.overlay_managers * 2.5 * salary
        + float(p.liaison) * 1.5 * salary
        + p.leadership_backing * 2.0 * salary
        + p.crm_level * 30.0 * headcount
    )
    hires = tally["hires_marketing"] + tally["hires_sales"] + tally["hires_service"]
    costs = (
        headcount * salary
        + managers
        + coordination
        + p.marketing_budget_week
        + p.commission_rate * tally["bookings"]
        + hires * p.hire_cost
    )
    accuracy = marketing.accuracy(staff.table, staff.scoring, market.taste)
    previous = model.datacollector.model_vars["cumulative_revenue"]
    accepted, leaked = int(tally["leads_accepted"]), int(tally["leads_leaked"])
    won, lost = int(tally["deals_won"]), int(tally["deals_lost"])
    n_cust = cust.size
    out: dict[str, float] = {
        "revenue": revenue,
        "revenue_new": revenue_new,
        "revenue_recurring": revenue - revenue_new,
        "cumulative_revenue": (previous[-1] if previous else 0.0) + revenue,
        "costs": costs,
        "profit": revenue - costs,
        "leads_generated": int(tally["leads_marketing"] + tally["leads_bought"]),
        "leads_accepted": accepted,
        "leads_leaked": leaked,
        "lead_queue": len(model.queue),
        "lead_wait_weeks": _ratio(tally["wait_weeks_sum"], accepted + leaked),
        "lead_response_hours": _ratio(tally["response_hours_sum"], accepted),
        "opportunities": counts[State.OPPORTUNITY],
        "opportunities_created": int(tally["opportunities_created"]),
        "deals_won": won,
        "deals_lost": lost,
        "win_rate": _ratio(won, won + lost),
        "customers": counts[State.CUSTOMER],
        "churned": int(tally["churned"]),
        "satisfaction": _ratio(satisfaction, n_cust),
        "referrals": int(tally["referrals"]),
    }
    for code, role, headcount_, hires_, quits_, vacancies_, morale_ in _ROLES:
        out[headcount_] = heads[code]
        out[hires_] = int(tally[hires_])
        out[quits_] = int(tally[quits_])
        out[vacancies_] = len(model.departments[role].vacancies)
        out[morale_] = _ratio(morale[code], heads[code])
    trust_of = {role: _ratio(trust[CODE[role]], heads[CODE[role]]) for role in (Role.MARKETING, Role.SALES)}
    out |= {
        "trust": _ratio(trust[mkt] + trust[sales], heads[mkt] + heads[sales]),
        "blame_events": int(tally["blame_events"]),
        "targeting_accuracy": accuracy,
        "reps_at_quota_share": model.reps_at_quota_share,
        "alignment_index": alignment.alignment_index(
            model, tally, accuracy, trust_of, _ratio(sum(morale), headcount)
        ),
        "leads_bought": int(tally["leads_bought"]),
        "leads_leaked_bought": int(tally["leads_leaked_bought"]),
        "opportunities_created_marketing": int(tally["opportunities_created_marketing"]),
        "leads_qualified": int(tally["leads_qualified"]),
        "bookings": float(tally["bookings"]),
        "overpromises": int(tally["overpromises"]),
        "feedback_reports": int(tally["feedback_reports"]),
        "feedback_rate": org.feedback_rate,
        "sla_met": int(tally["sla_met"]),
        "rep_quarters": int(tally["rep_quarters"]),
        "rep_quarters_at_quota": int(tally["rep_quarters_at_quota"]),
        "sales_capacity_fte": ramp,
        "service_quality": _ratio(quality, n_cust),
        "brand": market.brand,
        "message_consistency": org.consistency,
        "training_gain": _ratio(training, heads[sales]),
    }
    for state, column in _STATES:
        out[column] = counts[state]
    # Meeting time is paid within salaries; it is shown here as what coordination takes from work.
    out["coordination_cost"] = coordination + managers + org.meeting_held * headcount / 40 * salary
    return out


@kernel
def _book(cust, value, since, satisfaction, server, quality_by_id, week):
    """Over the customer book: annual revenue, the part from customers won in the last year, and the
    sums of satisfaction and of the service quality each customer gets."""
    revenue = revenue_new = sat = quality = 0.0
    for c in cust:
        revenue += value[c]
        if since[c] > week - 52:
            revenue_new += value[c]
        sat += satisfaction[c]
        quality += quality_by_id[server[c]]
    return revenue / 52, revenue_new / 52, sat, quality


@kernel
def _people(staff, roles):
    """Per role: headcount and the sums of morale and trust; the salespeople's ramped capacity (in
    full-time equivalents) and training."""
    heads, morale, trust = np.zeros(roles, np.int64), np.zeros(roles), np.zeros(roles)
    ramp = training = 0.0
    for person in staff:
        heads[person.role] += 1
        morale[person.role] += person.morale
        trust[person.role] += person.trust
        if person.role == SALES:
            ramp += person.ramp
            training += person.training_gain
    return heads, morale, trust, ramp, training
