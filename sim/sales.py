"""Salespeople's decision rules: capacity, effort, willingness, response time, promises, feedback, pay.

Each rule is a compiled function of one salesperson's numbers (their row of the staff table) and the
parameters, called by the mechanisms' loops with the state as it stands at that moment of the week:
capacity shrinks as reports are written, free capacity as deals open. Their coefficients are
registered constants (`sim/constants/sales.toml`), read from the packed parameter record `p`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.compiled import kernel
from sim.params import Params
from sim.people import QUARTER
from sim.staff import Role

if TYPE_CHECKING:
    from sim.model import TruceModel


@kernel
def capacity(rep_capacity: float, ramp: float, meeting_hours: float, reports: int, p) -> float:
    """Open opportunities a person can carry: less while ramping, less when time goes to meetings
    and to writing feedback (as a share of the `selling_hours` of a week)."""
    busy = (meeting_hours + p.feedback_report_hours * reports) / p.selling_hours
    ramped = p.rep_capacity_at_no_ramp + p.rep_capacity_per_ramp * ramp
    return rep_capacity * ramped * max(0.0, 1 - p.rep_capacity_lost_per_busy * busy)


@kernel
def free(staff, p, rows):
    """`free_capacity` of the people in `rows` of the staff table `staff`, as it stands now."""
    p = p[0]
    out = np.empty(rows.size, dtype=np.int64)
    for i, r in enumerate(rows):
        person = staff[r]
        carry = capacity(p.rep_capacity, person.ramp, person.meeting_hours, person.reports, p)
        out[i] = free_capacity(carry, person.open)
    return out


@kernel
def free_capacity(carry: float, open_: int) -> int:
    """Whole opportunities a person who can `carry` that many can still take on (0 when full)."""
    return max(0, math.floor(carry - open_))


@kernel
def overload(carry: float, open_: int) -> float:
    return max(0.0, open_ / max(1e-9, carry) - 1.0)


def effort(p: Params) -> float:
    """Selling effort: shared pay invites free-riding; a retention bonus lowers acquisition urgency."""
    return (1 - p.free_riding * p.shared_bonus_share) * (
        1 - p.effort_lost_per_retention_bonus * p.retention_bonus_share
    )


def plan_quota(model: TruceModel) -> float:
    """A fully ramped salesperson's quarterly quota, set top-down as companies do: the year's bookings
    plan (replace the churn management sees and grow the customer book by `quota_growth`) split
    evenly over the sales seats, filled or vacant (each seat a territory)."""
    market, staff = model.market, model.staff
    book = float(market.value[market.customers].sum())
    plan = book * (model.org.churn_rate + model.p.quota_growth)
    seats = staff.rows(Role.SALES).size + len(model.departments[Role.SALES].vacancies)
    return plan / 4 / max(1, seats)


@kernel
def quota(company_quota: float, ramp: float, p) -> float:
    """This quarter's quota, prorated while ramping (common sales practice)."""
    return company_quota * (p.quota_at_no_ramp + p.quota_per_ramp * ramp)


@kernel
def elapsed(week: int) -> int:
    """Weeks of the current quarter so far, this one included."""
    return (week - 1) % QUARTER + 1


@kernel
def pace(bookings: float, ramp: float, company_quota: float, week: int, p) -> float:
    """Bookings so far against the quota's pro-rata share of the quarter elapsed (1 without a quota)."""
    expected = quota(company_quota, ramp, p) * elapsed(week) / QUARTER
    return bookings / expected if expected > 0 else 1.0


@kernel
def closing_rate(bookings: float, ramp: float, company_quota: float, week: int, p) -> float:
    """How fast a salesperson brings deals to a decision, as a multiple of the normal pace: quotas make
    people game the timing (Oyer 1998; Larkin 2014). Once the quarter's quota is made, deals are held
    over to count toward the next one; behind quota in the quarter's last weeks, deals are pulled in
    (at a discount, `pull_in_discount`)."""
    target = quota(company_quota, ramp, p)
    if target <= 0:
        return 1.0
    if bookings >= target:
        return p.closing_rate_quota_made
    if elapsed(week) > QUARTER - p.chase_weeks:
        return p.closing_rate_chasing
    return 1.0


@kernel
def sla_compliance(trust: float, sla_hours: float, backing: float, p) -> float:
    """Probability of meeting the lead SLA (0 when there is none)."""
    if sla_hours <= 0:
        return 0.0
    return min(
        1.0,
        p.sla_compliance_at_nothing
        + p.sla_compliance_per_trust * trust
        + p.sla_compliance_per_backing * backing,
    )


@kernel
def willingness(
    trust: float,
    perceived: float,
    compliance: float,
    shared: float,
    revenue_weight: float,
    friction: float,
    liaison: float,
    hostility: float,
    p,
) -> float:
    """Chance of taking a marketing lead offered this week, from own trust and experience.

    Shared rewards raise cooperation (Le Meunier-FitzHugh et al. 2011); an SLA pushes acceptance as far
    as this person complies (`compliance`); hand-off friction loses what the lead's context was, less
    with a strong liaison. A salesperson in conflict with marketing leaves the blamed side's leads
    lying (`hostility`): conflict acts through the work (Homburg, Jensen & Krohmer 2008).
    """
    own = trust * (p.willingness_at_no_experience + p.willingness_per_experience * perceived)
    coop = p.willingness_per_shared_bonus * shared + p.willingness_per_revenue_weight * revenue_weight
    push = p.willingness_per_sla_compliance * compliance
    lost = friction * (1 - p.friction_absorbed_by_liaison * liaison)
    return min(1.0, max(0.0, own * (1 - lost) + coop + push)) * (1.0 - hostility)


@kernel
def response_hours(
    hours: float, carry: float, open_: int, trust: float, crm: float, friction: float, hostility: float, p
) -> float:
    """Mean first-contact delay: longer when loaded and with more hand-off friction; a CRM shortens it
    as far as trust uses it. `hours` is the published mean over ordinary firms (Oldroyd et al. 2011),
    so it is the delay at an ordinary firm's conditions (`ordinary_firm_load`, a full desk, and
    `ordinary_firm_friction`, medium friction), and load and friction scale it relative to those. A
    salesperson in conflict with marketing gets to its leads later (`hostility`)."""
    load = open_ / max(1.0, carry)
    use = 1 - p.response_cut_per_crm_trust * crm * trust
    base = p.response_load_at_empty_desk
    ordinary = (base + load) / (base + p.ordinary_firm_load) * (1 + friction) / (1 + p.ordinary_firm_friction)
    return hours * ordinary * use * (1 + hostility)


@kernel
def overpromise_probability(pace: float, week: int, retention: float, integration: float, p) -> float:
    """Under quota pressure late in the quarter, promise more than service can deliver."""
    behind = max(0.0, 1 - pace)
    lateness = elapsed(week) / QUARTER
    guard = (1 - retention) * (1 - p.overpromise_cut_per_integration * integration)
    return min(1.0, p.overpromise_at_full_pressure * behind * lateness * guard)


@kernel
def feedback_probability(trust: float, norm: float, shared: float, crm: float, hostility: float, p) -> float:
    """Chance of reporting a marketing lead's outcome: the design's norm, times own trust and tools;
    a salesperson in conflict with marketing keeps what it learned to itself (`hostility`)."""
    prob = norm * (p.feedback_at_no_trust + p.feedback_per_trust * trust)
    prob = prob * ((1 + p.feedback_per_shared_bonus * shared) * (1 + p.feedback_per_crm_trust * crm * trust))
    return min(1.0, prob) * (1.0 - hostility)


@kernel
def learn_from_lead(person, qualified: bool, p) -> None:
    """Own experience of marketing leads, the basis of trust in them: a lead's outcome moves the
    salesperson's (`person`, a row of the staff table) view `perceived_adjust_per_lead` (5 %) of the
    way toward it, within [0, 1]; a qualification rate of `satisfactory_qualification_rate` counts
    as fully satisfactory."""
    seen = person.perceived
    step = p.perceived_adjust_per_lead * (qualified / p.satisfactory_qualification_rate - seen)
    person.perceived = min(1.0, max(0.0, seen + step))


@kernel
def writes_up(person, u: float, p) -> bool:
    """Whether the salesperson reports one marketing lead's outcome back (`u`: its uniform draw);
    a report written takes selling time (`reports`, see `capacity`)."""
    sent = u < feedback_probability(
        person.trust, p.feedback_probability, p.shared_bonus_share, p.crm_level, person.hostility, p
    )
    person.reports += sent
    return sent


@kernel
def pay_satisfaction(
    last_attainment: float,
    pace: float,
    shared: float,
    retention: float,
    team: float,
    retention_score: float,
    p,
) -> float:
    """Pay follows own attainment, team attainment and retention, as the incentive mix says.

    Sharing dilutes a top performer's pay: pure commission keeps the sellers who win now, shared pay
    keeps the average ones (Houghton et al.).
    """
    last = p.pay_weight_last_quarter
    own = last * last_attainment + (1 - last) * pace
    mix = (1 - shared - retention) * own + shared * team + retention * retention_score
    return min(1.0, max(0.0, mix / p.pay_satisfied_attainment))
