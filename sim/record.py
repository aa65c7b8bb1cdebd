"""The weekly record (step 10, accounting included): what the mechanisms counted, plus the stocks and
levels read at the week's end, as one row of a table typed by the declared outcomes (`sim.outcomes`).

The row is computed in one pass from the week's tally (`sim.tally`) and the populations' tables.
Ratios with a zero denominator are 0, so no value is NaN or infinite.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from sim import alignment, marketing
from sim.compiled import kernel
from sim.market import State
from sim.outcomes import WEEKLY
from sim.staff import CODE, Role
from sim.tally import Count

MARKETING, SALES, SERVICE = CODE[Role.MARKETING], CODE[Role.SALES], CODE[Role.SERVICE]

if TYPE_CHECKING:
    from sim.model import TruceModel

#: A week's row: one field per weekly outcome, in the weekly frame's order and with its dtype.
WEEK = np.dtype([(o.name, o.dtype) for o in WEEKLY])


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector holding the weekly record as a table (one row per week, see `WEEK`):
    `model_vars` maps each column to its values so far, so `get_model_vars_dataframe`,
    `mesa.batch_run` and the dashboard read it as Mesa's own."""

    def __init__(self, weeks: int) -> None:
        super().__init__(model_reporters={name: name for name in WEEK.names})
        self.table = np.zeros(max(1, weeks), dtype=WEEK)
        self.size = 0
        self.model_vars = _Columns(self)

    def next_row(self, model: mesa.Model) -> np.ndarray:
        """The row for the week being recorded (a one-row view of the table), the table grown if a
        run goes on past its horizon."""
        if self.size == self.table.size:
            self.table = np.concatenate([self.table, np.zeros(self.table.size, dtype=WEEK)])
        self._collection_steps.append(model.time)
        self.size += 1
        return self.table[self.size - 1 : self.size]

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        return pd.DataFrame(self.table[: self.size])


class _Columns(Mapping):
    """The recorded weeks of each column (views into the collector's table)."""

    def __init__(self, collector: WeeklyCollector) -> None:
        self.collector = collector

    def __getitem__(self, name: str) -> np.ndarray:
        return self.collector.table[name][: self.collector.size]

    def __iter__(self) -> Iterator[str]:
        return iter(WEEK.names)

    def __len__(self) -> int:
        return len(WEEK.names)


def record_week(model: TruceModel, tally: np.ndarray, quality_by_id: np.ndarray) -> None:
    """Write the week just simulated into the model's weekly record."""
    market, org, staff, collector = model.market, model.org, model.staff, model.datacollector
    previous = collector.table["cumulative_revenue"][collector.size - 1] if collector.size else 0.0
    vacancies = tuple([len(department.vacancies) for department in model.departments.values()])
    _week(
        collector.next_row(model),
        tally,
        model.p.packed,
        model.week,
        float(previous),
        len(model.queue),
        vacancies,
        model.reps_at_quota_share,
        org.managers,
        org.levels(),
        market.brand,
        market.census,
        market.customers,
        market.value,
        market.since,
        market.satisfaction,
        market.server,
        market.taste,
        quality_by_id,
        staff.table,
        staff.scoring,
    )


@kernel
def _week(
    row,
    t,
    p,
    week,
    previous,
    queue,
    vacancies,
    reps_at_quota_share,
    managers,
    org,
    brand,
    census,
    cust,
    value,
    since,
    satisfaction,
    server,
    taste,
    quality_by_id,
    staff,
    scoring,
):
    """Fill `row` (the week's row of the weekly table) from the tally `t`, the parameters `p`, the
    organisation's levels `org` (`Organisation.levels`) and the populations."""
    w, p = row[0], p[0]
    meeting_held, feedback_rate, consistency = org[0], org[2], org[3]
    revenue, revenue_new, sat, quality = _book(cust, value, since, satisfaction, server, quality_by_id, week)
    heads, morale, trust, ramp, training = _people(staff)
    headcount = staff.size
    salary = p.salary_week
    managers_cost = managers * p.manager_cost_per_salary * salary
    coordination = (
        p.overlay_managers * p.overlay_manager_cost_per_salary * salary
        + p.liaison * p.liaison_cost_per_salary * salary
        + p.leadership_backing * p.backing_cost_per_salary * salary
        + p.crm_level * p.crm_cost_per_person_week * headcount
    )
    hires = t[Count.hires_marketing] + t[Count.hires_sales] + t[Count.hires_service]
    costs = (
        headcount * salary
        + managers_cost
        + coordination
        + p.marketing_budget_week
        + p.commission_rate * t[Count.bookings]
        + hires * p.hire_cost
    )
    accuracy = marketing.accuracy(staff, scoring, taste)
    accepted, leaked = t[Count.leads_accepted], t[Count.leads_leaked]
    won, lost = t[Count.deals_won], t[Count.deals_lost]
    n_cust = cust.size
    w.revenue = revenue
    w.revenue_new = revenue_new
    w.revenue_recurring = revenue - revenue_new
    w.cumulative_revenue = previous + revenue
    w.costs = costs
    w.profit = revenue - costs
    w.leads_generated = t[Count.leads_marketing] + t[Count.leads_bought]
    w.leads_accepted = accepted
    w.leads_leaked = leaked
    w.lead_queue = queue
    w.lead_wait_weeks = _ratio(t[Count.wait_weeks_sum], accepted + leaked)
    w.lead_response_hours = _ratio(t[Count.response_hours_sum], accepted)
    w.opportunities = census[State.OPPORTUNITY]
    w.opportunities_created = t[Count.opportunities_created]
    w.deals_won = won
    w.deals_lost = lost
    w.win_rate = _ratio(won, won + lost)
    w.customers = census[State.CUSTOMER]
    w.churned = t[Count.churned]
    w.satisfaction = _ratio(sat, n_cust)
    w.referrals = t[Count.referrals]
    w.headcount_marketing = heads[MARKETING]
    w.headcount_sales = heads[SALES]
    w.headcount_service = heads[SERVICE]
    w.hires_marketing = t[Count.hires_marketing]
    w.hires_sales = t[Count.hires_sales]
    w.hires_service = t[Count.hires_service]
    w.quits_marketing = t[Count.quits_marketing]
    w.quits_sales = t[Count.quits_sales]
    w.quits_service = t[Count.quits_service]
    w.vacancies_marketing = vacancies[MARKETING]
    w.vacancies_sales = vacancies[SALES]
    w.vacancies_service = vacancies[SERVICE]
    w.morale_marketing = _ratio(morale[MARKETING], heads[MARKETING])
    w.morale_sales = _ratio(morale[SALES], heads[SALES])
    w.morale_service = _ratio(morale[SERVICE], heads[SERVICE])
    trust_marketing = _ratio(trust[MARKETING], heads[MARKETING])
    trust_sales = _ratio(trust[SALES], heads[SALES])
    w.trust = _ratio(trust[MARKETING] + trust[SALES], heads[MARKETING] + heads[SALES])
    w.blame_events = t[Count.blame_events]
    w.targeting_accuracy = accuracy
    w.reps_at_quota_share = reps_at_quota_share
    everyone = _ratio(morale[MARKETING] + morale[SALES] + morale[SERVICE], headcount)
    w.alignment_index = alignment.index(
        alignment.items(t, p, headcount, accuracy, trust_sales, trust_marketing, everyone, org)
    )
    w.leads_bought = t[Count.leads_bought]
    w.leads_leaked_bought = t[Count.leads_leaked_bought]
    w.leads_accepted_bought = t[Count.leads_accepted_bought]
    w.opportunities_created_marketing = t[Count.opportunities_created_marketing]
    w.leads_inbound = t[Count.leads_inbound]
    w.deals_won_marketing = t[Count.deals_won_marketing]
    w.leads_qualified = t[Count.leads_qualified]
    w.bookings = t[Count.bookings]
    w.overpromises = t[Count.overpromises]
    w.feedback_reports = t[Count.feedback_reports]
    w.feedback_rate = feedback_rate
    w.sla_met = t[Count.sla_met]
    w.rep_quarters = t[Count.rep_quarters]
    w.rep_quarters_at_quota = t[Count.rep_quarters_at_quota]
    w.sales_capacity_fte = ramp
    w.service_quality = _ratio(quality, n_cust)
    w.brand = brand
    w.message_consistency = consistency
    w.training_gain = _ratio(training, heads[SALES])
    w.accounts_unaware = census[State.UNAWARE]
    w.accounts_aware = census[State.AWARE]
    w.accounts_lead = census[State.LEAD]
    w.accounts_opportunity = census[State.OPPORTUNITY]
    w.accounts_customer = census[State.CUSTOMER]
    w.accounts_churned = census[State.CHURNED]
    # Meeting time is paid within salaries; it is shown here as what coordination takes from work.
    w.coordination_cost = coordination + managers_cost + meeting_held * headcount / 40 * salary


@kernel
def _ratio(num, den) -> float:
    return np.float64(num) / np.float64(den) if den else 0.0


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
def _people(staff):
    """Per role: headcount and the sums of morale and trust; the salespeople's ramped capacity (in
    full-time equivalents) and training."""
    heads, morale, trust = np.zeros(3, np.int64), np.zeros(3), np.zeros(3)
    ramp = training = 0.0
    for person in staff:
        heads[person.role] += 1
        morale[person.role] += person.morale
        trust[person.role] += person.trust
        if person.role == SALES:
            ramp += person.ramp
            training += person.training_gain
    return heads, morale, trust, ramp, training
