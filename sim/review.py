"""Steps 7 and 9: feedback reaches marketing and both sides update trust; then morale, training,
quarter-end quotas, quits and hires."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import marketing, people, sales, service, workforce
from sim.compiled import kernel
from sim.people import QUARTER
from sim.staff import CODE, Role
from sim.tally import Count

MARKETING, SALES = CODE[Role.MARKETING], CODE[Role.SALES]

if TYPE_CHECKING:
    from sim.model import TruceModel


def exchange_feedback(
    model: TruceModel, tally: np.ndarray, accepted_from: np.ndarray, leaked_from: np.ndarray
) -> None:
    """Reports reach marketers; everyone's trust drifts toward what they experienced this week:
    marketers from how sales treated their leads, salespeople from the leads themselves, service
    from whether sales' promises held."""
    staff, org, p = model.staff, model.org, model.p
    received, arrived = model.feedback.deliver(model)
    tally[Count.feedback_delivered] += arrived
    resolved = tally[Count.feedback_resolved]
    if resolved:
        reported = float(tally[Count.feedback_reports]) / float(resolved)
        org.feedback_rate += p.feedback_rate_adjust_weekly * (reported - org.feedback_rate)
    _trust_week(
        staff.table, p.packed, staff.row_of, leaked_from, accepted_from, received, org.liaison_strength
    )


@kernel
def _trust_week(staff, p, row_of, leaked_from, accepted_from, received, liaison):
    p = p[0]
    leaked, accepted = np.zeros(staff.size, np.int64), np.zeros(staff.size, np.int64)
    for ids, count in ((leaked_from, leaked), (accepted_from, accepted)):
        for uid in ids:
            if row_of[uid] >= 0:
                count[row_of[uid]] += 1
    for r in range(staff.size):
        person = staff[r]
        if person.role == MARKETING:
            experience = marketing.review_week(person, leaked[r], accepted[r], received[r], p)
        elif person.role == SALES:
            experience = person.perceived
        else:
            experience = 1 - min(1.0, p.service_distrust_per_gap * person.gap_share)
        people.update_trust(person, experience, liaison, p.integration, p)


def review(model: TruceModel, tally: np.ndarray) -> None:
    """Morale, training decay, quits and hires; at a quarter's end, quotas are settled."""
    staff, p, org, week = model.staff, model.p, model.org, model.week
    reps = staff.rows(Role.SALES)
    quotas, booked = _people_review(
        staff.table,
        p.packed,
        model.quota,
        week,
        org.team_attainment,
        org.retention_score,
        org.support,
        org.coaching,
        org.service_help,
    )
    total = quotas.sum()
    org.team_attainment = booked / (total * sales.elapsed(week) / QUARTER) if total > 0 else 0.0
    if week % QUARTER == 0:
        quotas = quotas[reps]
        attainment = np.divide(staff.bookings[reps], quotas, out=np.ones(reps.size), where=quotas > 0)
        staff.last_attainment[reps] = attainment
        staff.bookings[reps] = 0.0
        at_quota = int(np.count_nonzero(attainment >= 1.0))
        tally[Count.rep_quarters] += reps.size
        tally[Count.rep_quarters_at_quota] += at_quota
        model.reps_at_quota_share = at_quota / reps.size if reps.size else 0.0
        workforce.plan_service(model)
    if week % 52 == 0:
        model.quota = sales.plan_quota(model)  # next year's plan, top-down
    workforce.consider_quitting(model, tally)
    workforce.fill_vacancies(model, tally)


@kernel
def _people_review(staff, p, company_quota, week, team, retention_score, support, coaching, help_):
    """Everyone's morale follows pay satisfaction and workload; training fades. Returns each row's
    quota (0 outside sales) and the salespeople's bookings this quarter."""
    p = p[0]
    quotas = np.zeros(staff.size)
    booked = 0.0
    for r in range(staff.size):
        person = staff[r]
        if person.role == MARKETING:
            pay = marketing.pay_satisfaction(person.ignored, p.marketing_revenue_weight, team, p)
            overload = 0.0
        elif person.role == SALES:
            pace = sales.pace(person.bookings, person.ramp, company_quota, week, p)
            pay = sales.pay_satisfaction(
                person.last_attainment,
                pace,
                p.shared_bonus_share,
                p.retention_bonus_share,
                team,
                retention_score,
                p,
            )
            carry = sales.capacity(p.rep_capacity, person.ramp, person.meeting_hours, person.reports, p)
            overload = sales.overload(carry, person.open)
            quotas[r] = sales.quota(company_quota, person.ramp, p)
            booked += person.bookings
        else:
            pay = p.service_pay_satisfaction  # fixed pay: no variable part to satisfy or disappoint
            overload = service.overload(person, p.service_capacity, help_)
        people.update_morale(person, pay, overload, support, p)
        people.decay_training(person, coaching, p)
    return quotas, booked
