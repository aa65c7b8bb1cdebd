"""Steps 7 and 9: feedback reaches marketing and both sides update trust; then morale, training,
quarter-end quotas, quits and hires."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import marketing, people, sales, service, workforce
from sim.compiled import kernel
from sim.people import QUARTER
from sim.staff import ROLES, Role

if TYPE_CHECKING:
    from sim.model import TruceModel
    from sim.record import Tally


def exchange_feedback(
    model: TruceModel, tally: Tally, accepted_from: np.ndarray, leaked_from: np.ndarray
) -> None:
    """Reports reach marketers; everyone's trust drifts toward what they experienced this week:
    marketers from how sales treated their leads, salespeople from the leads themselves, service
    from whether sales' promises held."""
    staff, org, p = model.staff, model.org, model.p
    received, arrived = model.feedback.deliver(model)
    tally["feedback_delivered"] += arrived
    if tally["feedback_resolved"]:
        org.feedback_rate += 0.1 * (
            tally["feedback_reports"] / tally["feedback_resolved"] - org.feedback_rate
        )
    n = len(staff)
    rows = {role: staff.rows(role) for role in ROLES}
    mkt = rows[Role.MARKETING]
    experience = np.zeros(n)
    experience[mkt] = marketing.review_week(
        staff,
        mkt,
        _per_row(staff, leaked_from)[mkt],
        _per_row(staff, accepted_from)[mkt],
        received[mkt],
    )
    experience[rows[Role.SALES]] = staff.perceived[rows[Role.SALES]]
    experience[rows[Role.SERVICE]] = 1 - np.minimum(1.0, 2 * staff.gap_share[rows[Role.SERVICE]])
    people.update_trust(staff, p, org, experience)


def _per_row(staff, ids: np.ndarray) -> np.ndarray:
    """Events per staff row from the ids they concern (ids of people who left count nowhere)."""
    rows = staff.row_of[ids] if ids.size else ids
    return np.bincount(rows[rows >= 0], minlength=len(staff))


def review(model: TruceModel, tally: Tally) -> None:
    """Morale, training decay, quits and hires; at a quarter's end, quotas are settled."""
    staff, p, org, week = model.staff, model.p, model.org, model.week
    rows = {role: staff.rows(role) for role in ROLES}
    reps, mkt, svc = rows[Role.SALES], rows[Role.MARKETING], rows[Role.SERVICE]
    pay = np.zeros(len(staff))
    pay[mkt] = marketing.pay_satisfaction(staff, mkt, p, org)
    pay[svc] = 0.65  # service pay is fixed: no variable part to satisfy or disappoint
    overload = np.zeros(len(staff))
    quotas = _sales_review(
        reps,
        staff.last_attainment,
        staff.bookings,
        staff.ramp,
        staff.open,
        staff.meeting_hours,
        staff.reports,
        model.quota,
        week,
        p.rep_capacity,
        p.shared_bonus_share,
        p.retention_bonus_share,
        org.team_attainment,
        org.retention_score,
        pay,
        overload,
    )
    overload[svc] = service.overload(staff, svc, p)
    people.update_morale(staff, p, org, pay, overload)
    people.decay_training(staff, p, org)
    quotas_ = float(quotas.sum())
    booked = float(staff.bookings[reps].sum())
    org.team_attainment = booked / (quotas_ * sales.elapsed(week) / QUARTER) if quotas_ > 0 else 0.0
    model.year_bookings += tally["bookings"]
    model.year_rep_weeks += reps.size
    if week % QUARTER == 0:
        attainment = np.divide(staff.bookings[reps], quotas, out=np.ones(reps.size), where=quotas > 0)
        staff.last_attainment[reps] = attainment
        staff.bookings[reps] = 0.0
        at_quota = int(np.count_nonzero(attainment >= 1.0))
        tally["rep_quarters"] += reps.size
        tally["rep_quarters_at_quota"] += at_quota
        model.reps_at_quota_share = at_quota / reps.size if reps.size else 0.0
    if week % 52 == 0 and model.year_rep_weeks:
        # Next year's quota: last year's bookings per rep-quarter, plus the growth target.
        per_rep_quarter = model.year_bookings / model.year_rep_weeks * QUARTER
        model.quota = per_rep_quarter * (1 + p.quota_growth)
        model.year_bookings, model.year_rep_weeks = 0.0, 0
    tally.update(workforce.consider_quitting(model))
    tally.update(workforce.fill_vacancies(model))


@kernel
def _sales_review(
    reps,
    last_attainment,
    bookings,
    ramp,
    open_,
    meeting_hours,
    reports,
    company_quota,
    week,
    rep_capacity,
    shared,
    retention,
    team,
    retention_score,
    pay,
    overload,
):
    """Salespeople's pay satisfaction and overload (written into `pay` and `overload` by row);
    returns their quotas."""
    quotas = np.empty(reps.size)
    for i, r in enumerate(reps):
        pace = sales.pace(bookings[r], ramp[r], company_quota, week)
        pay[r] = sales.pay_satisfaction(last_attainment[r], pace, shared, retention, team, retention_score)
        carry = sales.capacity(rep_capacity, ramp[r], meeting_hours[r], reports[r])
        overload[r] = sales.overload(carry, open_[r])
        quotas[i] = sales.quota(company_quota, ramp[r])
    return quotas
