"""Service: each agent's load and the quality it can deliver; customers' satisfaction follows it.

Quality is Forrester's delivery-delay effect of the agent's own backlog, so an overloaded agent serves
every one of its customers worse; sales' over-promises leave a gap that only service closes. Marketers'
effort on existing customers (onboarding content, user groups) is customer care too: it adds to the
service team's capacity, so it helps exactly where service is stretched. The coefficients are registered
constants (`sim/constants/service.toml`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled import kernel
from sim.market import forrester_effect
from sim.people import WORK_HOURS

if TYPE_CHECKING:
    from sim.model import TruceModel


@kernel
def capacity(person, service_capacity: float, help_: float) -> float:
    """Customer load an agent handles at normal quality (less while ramping and in meetings), plus
    its share of marketing's effort on existing customers (`help_`, in the same loads)."""
    time = 1 - person.meeting_hours / WORK_HOURS
    return max(1e-9, service_capacity * person.productivity * time + help_)


@kernel
def overload(person, service_capacity: float, help_: float) -> float:
    return max(0.0, person.load / capacity(person, service_capacity, help_) - 1.0)


@kernel
def miss(person, service_capacity: float, help_: float, p) -> float:
    """Sales promised what cannot be delivered: the service side's reason to blame sales."""
    return min(
        1.0, p.service_miss_per_gap_share * person.gap_share + overload(person, service_capacity, help_)
    )


def marketing_help(model: TruceModel, marketers: np.ndarray, servers: int) -> float:
    """Marketers' time on existing customers, as customer load each of `servers` service agents is
    relieved of: a marketer's hour on customers counts as `service_care_per_marketing_hour` of a
    service agent's hour."""
    if not servers or not marketers.size:
        return 0.0
    effort = _effort(model.staff.table, marketers)
    p = model.p
    return (
        p.marketing_existing_focus * effort * p.service_care_per_marketing_hour * p.service_capacity / servers
    )


@kernel
def _effort(staff, rows):
    """Marketers' full-time equivalents outside meetings, weighted by productivity."""
    total = 0.0
    for r in rows:
        total += staff[r].productivity * (1 - staff[r].meeting_hours / WORK_HOURS)
    return total


@kernel
def room(staff, rows, service_capacity, help_):
    """Customer load each service agent (`rows`) could still take at normal quality, as of last week."""
    out = np.empty(rows.size)
    for i, r in enumerate(rows):
        out[i] = capacity(staff[r], service_capacity, help_) - staff[r].load
    return out


@kernel
def delivery_ratio(staff, p, rows, service_capacity, help_, cust, server, since, week):
    """Service's backlog against its capacity (agents `rows`), as sales feel it when they close (at
    least 1)."""
    p = p[0]
    total = _capacity(staff, rows, service_capacity, help_)
    if total <= 0:
        return p.no_service_delivery_ratio
    return max(1.0, _backlog(cust, server, since, week, p) / total)


def serve(model: TruceModel, rows: np.ndarray) -> np.ndarray:
    """Each service agent's load and quality; customers' satisfaction follows what they get.

    Customers left without a server (their agent quit) go to someone on the team. Returns quality by
    agent id, the last entry for customers with no server (read again at the week's end, after
    churn and quits, for the weekly record).
    """
    market, staff, p = model.market, model.staff, model.p
    cust = market.customers
    orphaned = _orphaned(cust, market.server)
    if rows.size and orphaned.size:
        ids = staff.uid[rows]
        market.server[orphaned] = ids[model.streams["service"].integers(rows.size, size=orphaned.size)]
    by_id = np.full(staff.row_of.size + 1, p.unserved_quality)
    _serve(
        cust,
        market.server,
        market.since,
        model.week,
        market.gap,
        market.satisfaction,
        staff.row_of,
        staff.table,
        rows,
        p.service_capacity,
        model.org.service_help,
        by_id,
        p.packed,
    )
    return by_id


@kernel
def _orphaned(cust, server):
    """The customers without a service agent (theirs quit)."""
    n = 0
    for c in cust:
        n += server[c] < 0
    out = np.empty(n, dtype=np.int64)
    if n:
        n = 0
        for c in cust:
            if server[c] < 0:
                out[n] = c
                n += 1
    return out


@kernel
def _capacity(staff, rows, service_capacity, help_):
    total = 0.0
    for row in rows:
        total += capacity(staff[row], service_capacity, help_)
    return total


@kernel
def _weight(week, since, p):
    """A customer's load on its server: onboarding customers weigh more."""
    return p.onboarding_load if week - since < p.onboarding_weeks else 1.0


@kernel
def _backlog(cust, server, since, week, p):
    total = 0.0
    for c in cust:
        if server[c] >= 0:
            total += _weight(week, since[c], p)
    return total


@kernel
def _serve(
    cust, server, since, week, gap, satisfaction, row_of, staff, rows, service_capacity, help_, by_id, p
):
    """Agents' load and share of customers with an open promise gap; the quality each delivers
    (Forrester's effect of its own backlog); and each customer's satisfaction moving toward what
    it gets against what it was promised (Oliver's disconfirmation). The gap left by an
    over-promise shrinks only as fast as service delivers.

    A customer served as expected (quality 1, no promise gap) settles at `satisfaction_as_expected`:
    the American Customer Satisfaction Index has stayed at 73-77 of 100 since 2000 (ACSI).
    Satisfaction is proportional to the quality delivered against that expectation (Oliver 1980), so
    no service at all leaves little of it."""
    p = p[0]
    n = row_of.size
    load_, gaps, count = np.zeros(n), np.zeros(n), np.zeros(n)
    for c in cust:
        row = row_of[server[c]] if server[c] >= 0 else -1
        if row >= 0:
            load_[row] += _weight(week, since[c], p)
            gaps[row] += gap[c] > p.promise_gap_threshold
            count[row] += 1
    for row in rows:
        person = staff[row]
        person.load = load_[row]
        person.gap_share = gaps[row] / count[row] if count[row] > 0 else 0.0
        by_id[person.uid] = forrester_effect(1.0 + overload(person, service_capacity, help_))
    for c in cust:
        quality, sat = by_id[server[c]], satisfaction[c]
        target = p.satisfaction_as_expected * quality - gap[c]
        satisfaction[c] = min(1.0, max(0.0, sat + p.satisfaction_adjust_weekly * (target - sat)))
        gap[c] = gap[c] * (1.0 - p.promise_gap_closed_weekly * quality)
