"""What becomes of a lead a salesperson took: how soon it is first contacted, whether contact qualifies
it, and what follows (an opportunity, or a lost lead back in the aware pool and perhaps reported).

Kept apart from the hand-off queue (`sim.leads`), which decides only who takes which lead: this is
the work on a taken lead, with the response-time curve of Oldroyd, McElheran & Elkington (2011).
"""

from __future__ import annotations

import numpy as np

from sim import sales
from sim.compiled import kernel
from sim.lifecycle import State, market_move
from sim.market import Source, fit_log_odds, sigmoid
from sim.selling import open_deal
from sim.tally import Count

HOURS_PER_WEEK = 168.0
# Qualification odds relative to contact within the hour: 1/7 an hour later, 1/60 at a day (HBR 2011).
_CURVE_HOURS = np.log([1.0, 2.0, 24.0])
_CURVE_LOG_ODDS = np.log([1.0, 1 / 7, 1 / 60])


@kernel
def response_log_odds(hours: np.ndarray, strength: float, shelf_life_weeks: float) -> np.ndarray:
    """Log-odds multiplier of qualifying a lead first contacted after `hours`.

    The published curve up to a day, then the lead goes stale over its shelf life (Houghton et al.);
    `strength` (0..1) scales how much of the published effect applies to this market.
    """
    curve = np.interp(np.log(np.maximum(hours, 1.0)), _CURVE_HOURS, _CURVE_LOG_ODDS)
    stale = np.maximum(hours - 24.0, 0.0) / (shelf_life_weeks * HOURS_PER_WEEK)
    return strength * curve - stale


@kernel
def contact_hours(take, who, respond, carry, compliance, staff, q):
    """Hours to first contact of each taken lead (`take`, queue positions) by its taker (`who`, staff
    rows): exponential around the taker's own mean (`respond[0]`); when the taker meets the SLA
    (`respond[1]` below its `compliance`), somewhere between the fastest contact and the SLA
    (`respond[2]`); never below the contact floor. `carry` is each row's capacity this week."""
    hours = np.empty(take.size)
    sla = q.lead_sla_hours
    for i in range(take.size):
        w, lead = who[i], take[i]
        mean = sales.response_hours(
            q.response_hours,
            carry[w],
            staff[w].open,
            staff[w].trust,
            q.crm_level,
            q.handoff_friction,
            staff[w].hostility,
            q,
        )
        h = -np.log1p(-respond[0, lead]) * mean
        if sla > 0 and respond[1, lead] < compliance[w]:
            fastest = min(q.fastest_contact_hours, sla)
            h = min(h, fastest + (sla - fastest) * respond[2, lead])
        hours[i] = max(h, q.contact_floor_hours)
    return hours


@kernel
def qualifies(hours, u, profile, taste, accounts, strength, shelf_life_weeks, log_odds, sharpness):
    """Whether each contacted lead qualifies: the account's fit, discounted by the response time,
    plus each lead's `log_odds`."""
    delay = response_log_odds(hours, strength, shelf_life_weeks)
    return u < sigmoid(fit_log_odds(profile, taste, accounts, sharpness) + (delay + log_odds))


@kernel
def settle(
    accounts,
    who,
    marketer,
    qualified,
    waited,
    report_u,
    week,
    context,
    p,
    life,
    deals,
    profile,
    taste,
    staff,
    tally,
):
    """The contacted leads' outcomes land: each salesperson learns from marketing's leads; a lost
    lead returns to the aware pool and is reported back with the salesperson's own probability
    (`report_u`, one uniform per lead); a qualified one becomes an opportunity, its win chance
    lowered by the weeks it went stale. Counts into `tally`; returns which leads were reported."""
    p = p[0]
    market_move(life, accounts[~qualified], State.AWARE, week)
    sent = np.zeros(accounts.size, dtype=np.bool_)
    qualified_, ours_qualified, ours_lost = 0, 0, 0
    for i in range(accounts.size):
        row = who[i]
        if marketer[i] >= 0:
            sales.learn_from_lead(staff[row], qualified[i], p)
        if qualified[i]:
            stale = (-p.stale_log_odds / p.lead_shelf_life_weeks) * waited[i]
            source_ = Source.MARKETING if marketer[i] >= 0 else Source.BOUGHT
            open_deal(
                accounts[i],
                row,
                source_,
                marketer[i],
                context + stale,
                week,
                life,
                deals,
                profile,
                taste,
                staff,
                p,
            )
        else:
            sent[i] = marketer[i] >= 0 and sales.writes_up(staff[row], report_u[i], p)
            ours_lost += marketer[i] >= 0
        qualified_ += qualified[i]
        ours_qualified += qualified[i] and marketer[i] >= 0
    tally[Count.leads_qualified] += qualified_
    tally[Count.opportunities_created_marketing] += ours_qualified
    tally[Count.feedback_resolved] += ours_lost
    tally[Count.feedback_reports] += sent.sum()
    return sent
