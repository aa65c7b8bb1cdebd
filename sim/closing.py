"""Closing: the week's decisions on open opportunities, won or lost, and what follows (bookings, new
customers handed to service, reports to marketing).

Kept apart from opening them (`sim.selling`): a deal's chance is fixed when it opens; at the close
only the seller's over-promising and service's delivery delay (Forrester 1968) move it. Each deal's
luck is keyed by (week, account), so a deal meets the same draws in every design.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import sales, service
from sim.compiled import kernel
from sim.lifecycle import State, enter, market_move
from sim.market import Source, forrester_effect
from sim.rng import keyed_uniform3
from sim.tally import Count

if TYPE_CHECKING:
    from sim.model import TruceModel


def close_deals(model: TruceModel, reps: np.ndarray, servers: np.ndarray, tally: np.ndarray) -> None:
    """Opportunities reach a decision at the owner's pace; over-promising lifts the odds of winning,
    and a slow service (the backlog of the service staff, rows `servers`) lowers them (Forrester).

    Losses go back to the aware pool; wins become customers, assigned to a service agent; marketing's
    leads are reported back on. Counts into `tally` (won, lost, over-promises, bookings, reports).
    """
    p, market, staff, week = model.p, model.market, model.staff, model.week
    if not reps.size:
        return
    wins, marketers, accounts, outcomes = _close(
        market.indices(State.OPPORTUNITY),
        servers,
        staff.row_of,
        staff.table,
        p.packed,
        model.keyed["decide"].key,
        model.keyed["settle"].key,
        week,
        model.quota,
        sales.effort(p) / p.sales_cycle_weeks,
        model.org.service_help,
        market.customers,
        market.since,
        market.life,
        market.referred,
        market.value,
        market.satisfaction,
        market.gap,
        market.server,
        market.deals,
        tally,
    )
    market.moved(wins, State.CUSTOMER, week)
    model.feedback.post(week + p.feedback_delay_weeks, marketers, accounts, outcomes)


@kernel
def _close(
    opps,
    servers,
    row_of,
    staff,
    p,
    decide_key,
    settle_key,
    week,
    company_quota,
    chance,
    help_,
    cust,
    since,
    life,
    referred,
    value,
    satisfaction,
    gap,
    server,
    deals,
    tally,
):
    """The week's decisions on the open opportunities `opps` (`_decide`) and what follows (`_settle`).
    Returns the won accounts, and the reports written on marketing's leads: marketer ids, accounts
    and outcomes. Service's delivery ratio (its backlog against its capacity, as of last week's
    loads) lowers every deal's odds; wins go to the service agent with the most room."""
    capacity = p[0].service_capacity
    ratio = service.delivery_ratio(staff, p, servers, capacity, help_, cust, server, since, week)
    log_delay_effect = np.log(forrester_effect(ratio))
    opps, rows, promise, won, pulled = _decide(
        opps,
        deals,
        row_of,
        staff,
        p,
        decide_key,
        week,
        company_quota,
        chance,
        log_delay_effect,
    )
    sent = _settle(
        opps,
        rows,
        promise,
        won,
        pulled,
        staff["uid"][servers],
        service.room(staff, servers, capacity, help_),
        settle_key,
        week,
        p,
        life,
        referred,
        value,
        satisfaction,
        gap,
        server,
        deals,
        staff,
        tally,
    )
    reported = opps[sent]
    return opps[won], deals["marketer"][reported], reported, won[sent]


@kernel
def _decide(opps, deals, row_of, staff, p, key, week, company_quota, chance, log_delay_effect):
    """Of the opportunities `opps`, those (with an owner still on staff) that reach a decision this
    week at their owner's quota-driven pace (`sales.closing_rate`), in account order, with their
    owners' rows, whether the seller over-promised (more likely when behind quota late in the
    quarter), whether the deal was won and whether it was pulled in ahead of its normal pace. A deal
    its seller holds over (it would have been decided, but the quarter's quota is made) leaves the
    seller's workload and is decided once the seller is below quota again, in practice the next
    quarter's first week. Each deal's three uniforms are keyed by (week, account), so a deal meets
    the same luck in every design."""
    p = p[0]
    owner = deals["owner"]
    opps = opps[row_of[owner[opps]] >= 0]
    u = keyed_uniform3(key, week, opps)
    due, pulled = np.zeros(opps.size, dtype=np.bool_), np.zeros(opps.size, dtype=np.bool_)
    for i in range(opps.size):
        deal, row = deals[opps[i]], staff[row_of[owner[opps[i]]]]
        rate = sales.closing_rate(row.bookings, row.ramp, company_quota, week, p)
        if deal.held:
            due[i] = rate >= 1.0
            continue
        due[i] = u[0, i] < chance * rate
        pulled[i] = due[i] and u[0, i] >= chance
        if not due[i] and u[0, i] < chance:
            deal.held = True
            row.open -= 1
    opps, pulled, u_promise, u_win = opps[due], pulled[due], u[1, due], u[2, due]
    rows = row_of[owner[opps]]
    promise, won = np.zeros(opps.size, dtype=np.bool_), np.zeros(opps.size, dtype=np.bool_)
    for i in range(opps.size):
        row = staff[rows[i]]
        pace = sales.pace(row.bookings, row.ramp, company_quota, week, p)
        chance_ = sales.overpromise_probability(pace, week, p.retention_bonus_share, p.integration, p)
        promise[i] = u_promise[i] < chance_
        odds = deals[opps[i]].p_win / (np.float32(1) - deals[opps[i]].p_win)
        logit = np.log(odds) + promise[i] * p.overpromise_lift
        logit += log_delay_effect
        won[i] = u_win[i] < 1.0 / (1.0 + np.exp(-logit))
    return opps, rows, promise, won, pulled


@kernel
def _settle(
    opps,
    rows,
    promise,
    won,
    pulled,
    servers,
    room,
    key,
    week,
    p,
    life,
    referred,
    value,
    satisfaction,
    gap,
    server,
    deals,
    staff,
    tally,
):
    """Decided deals land: the seller's pipeline shrinks and a win books its value (referred customers
    are worth more, deals pulled in less); losses return to the aware pool, wins become customers
    with the promise gap an over-promise left, each given to the service agent (`servers`, ids)
    with the most `room` left (as a team lead balances the books); the seller reports marketing's
    leads back with its own probability, keyed by (week, account), as the deal's decision. Counts
    into `tally`; returns which were reported."""
    p = p[0]
    market_move(life, opps[~won], State.AWARE, week)
    u = keyed_uniform3(key, week, opps)
    bookings, marketing, won_marketing = 0.0, 0, 0
    sent = np.zeros(opps.size, dtype=np.bool_)
    for i in range(opps.size):
        a, row = opps[i], staff[rows[i]]
        row.open -= not deals[a].held
        deals[a].held = False
        if won[i]:
            if referred[a]:
                value[a] = value[a] * np.float32(p.referral_value_factor)
            if pulled[i]:
                value[a] = value[a] * np.float32(1 - p.pull_in_discount)
            booked = np.float64(value[a])
            row.bookings += booked
            bookings += booked
            enter(life, a, State.CUSTOMER, week)
            satisfaction[a] = p.new_customer_satisfaction
            gap[a] = p.overpromise_gap if promise[i] else 0.0
            if servers.size:
                k = np.argmax(room)
                server[a] = servers[k]
                room[k] -= p.onboarding_load
        else:
            referred[a] = False
        if deals[a].source == Source.MARKETING:
            sent[i] = sales.writes_up(row, u[1, i], p)
            marketing += 1
            won_marketing += won[i]
        deals[a].owner = -1
    tally[Count.deals_won] += won.sum()
    tally[Count.deals_won_marketing] += won_marketing
    tally[Count.deals_lost] += opps.size - won.sum()
    tally[Count.overpromises] += promise.sum()
    tally[Count.bookings] += bookings
    tally[Count.feedback_resolved] += marketing
    tally[Count.feedback_reports] += sent.sum()
    return sent
