"""Selling: opportunities opened (from leads, prospecting, referrals), progressed, won or lost.

Win chances come from the account's hidden fit, the salesperson's productivity (skill, ramp, training),
the consistency of marketing's and sales' messages, marketing's orientation, how stale the lead got,
negative word of mouth, over-promising at the close, and service's delivery delay (Forrester 1968).
Salespeople are rows of the staff table; an opportunity's owner is stored by id.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim import sales, service
from sim.compiled import kernel
from sim.lifecycle import State, enter, market_move
from sim.market import Source, fit_log_odds, forrester_effect, sigmoid
from sim.rng import keyed_uniform3, poisson_counts
from sim.staff import Role
from sim.tally import Count

if TYPE_CHECKING:
    from sim.model import TruceModel


def context(model: TruceModel) -> float:
    """What the organisation adds to every new opportunity's log-odds of winning: the market's base
    odds, the consistency of the two sides' messages, the value of marketing's longer orientation,
    the preference a strong brand earns, and the damage of negative word of mouth."""
    p, org = model.p, model.org
    return (
        math.log(p.win_odds)
        + p.consistency_log_odds * p.market_complexity * (org.consistency - p.consistency_reference)
        + p.orientation_value * org.orientation_diversity()
        + p.brand_log_odds * (model.market.brand - p.brand_reference)
        - p.detractor_log_odds * org.detractor_share
    )


@kernel
def open_deal(a, row, source, marketer, log_odds, week, life, deals, profile, taste, staff, p):
    """Account `a` becomes an opportunity owned by staff `row`; its win chance is fixed now from its
    fit, the seller's productivity and `log_odds` (the organisation's context plus the caller's)."""
    fit = 0.0
    for f in range(taste.size):
        fit += profile[a, f] * taste[f]
    logit = p.fit_sharpness * fit + p.seller_log_odds * (staff[row].productivity - 1) + log_odds
    enter(life, a, State.OPPORTUNITY, week)
    deal = deals[a]
    deal.p_win = 1.0 / (1.0 + np.exp(-logit))
    deal.owner = staff[row].uid
    deal.source = source
    deal.held = False
    deal.marketer = marketer
    staff[row].open += 1


@kernel
def _open_all(accounts, rows, source, log_odds, week, life, deals, profile, taste, staff, p):
    p = p[0]
    for i in range(accounts.size):
        open_deal(
            accounts[i],
            rows[i],
            source,
            -1,
            log_odds,
            week,
            life,
            deals,
            profile,
            taste,
            staff,
            p,
        )


def open_going_concern(model: TruceModel, rows: np.ndarray, accounts: np.ndarray) -> None:
    """The deals already in flight at week 0: qualified before any design took effect, so their chance
    depends on the account alone, and every design starts from the same company."""
    logit = math.log(model.p.win_odds) + model.market.fit_log_odds(accounts)
    _open(model, rows, accounts, Source.SELF, -1, logit)


def _open(model, rows, accounts, source, marketer, logit) -> None:
    market, staff = model.market, model.staff
    market.move(accounts, State.OPPORTUNITY, model.week)
    market.p_win[accounts] = sigmoid(logit)
    market.owner[accounts] = staff.uid[rows]
    market.source[accounts] = source
    market.marketer[accounts] = marketer
    staff.open += np.bincount(rows, minlength=len(staff))


def prospect(model: TruceModel, reps: np.ndarray, odds: float) -> int:
    """Salespeople source their own opportunities with whatever capacity marketing leads left free;
    returns how many they opened. They reach accounts who know us and accounts who do not alike; a
    cold account takes the meeting less often (`cold_response_factor`). `odds` is what the
    organisation adds to a new deal's log-odds this week (`context`)."""
    s, market, staff, p = model.streams["selling"], model.market, model.staff, model.p
    wants = poisson_counts(s, 2 * p.self_sourced_per_rep_week * sales.effort(p) * staff.productivity[reps])
    n = np.minimum(wants, sales.free(staff, p, reps))
    total = int(n.sum())
    if not total or market.count(State.UNAWARE, State.AWARE) < total:
        return 0
    accounts = market.sample(s, total, State.UNAWARE, State.AWARE)
    return _prospect(
        accounts,
        s.random(total),
        reps.repeat(n),
        odds,
        model.week,
        market.life,
        market.deals,
        market.profile,
        market.taste,
        staff.table,
        p.packed,
    )


@kernel
def _prospect(accounts, u, rows, log_odds, week, life, deals, profile, taste, staff, p):
    """Talking to the prospected `accounts` shows who really fits (`u` below the account's fit, times
    `cold_response_factor` for an account that does not know us): those become opportunities of the
    salespeople in `rows`. Returns how many."""
    p = p[0]
    state = life[0]
    fit = sigmoid(fit_log_odds(profile, taste, accounts, p.fit_sharpness))
    opened = 0
    for i in range(accounts.size):
        response = fit[i] if state[accounts[i]] == State.AWARE else fit[i] * p.cold_response_factor
        if u[i] < response:
            open_deal(
                accounts[i], rows[i], Source.SELF, -1, log_odds, week, life, deals, profile, taste, staff, p
            )
            opened += 1
    return opened


def refer(model: TruceModel, reps: np.ndarray, advocates: float, odds: float) -> int:
    """Advocates bring referred accounts straight to a salesperson with room for them; returns how
    many. `odds` is what the organisation adds to a new deal's log-odds this week (`context`); a
    referred account adds its trust in the seller."""
    p, market, w = model.p, model.market, model.streams["wom"]
    n = int(w.poisson(p.referral_rate / 52 * advocates))
    if n <= 0:
        return 0
    free = sales.free(model.staff, p, reps)
    n = min(n, int(free.sum()), market.count(State.UNAWARE, State.AWARE))
    if n <= 0:
        return 0
    accounts = market.sample(w, n, State.UNAWARE, State.AWARE)
    rows = w.permutation(reps.repeat(free))[:n]  # n of the free places, distinct, at random
    market.referred[accounts] = True
    _open_all(
        accounts,
        rows,
        Source.REFERRAL.value,
        odds + p.referral_log_odds,
        model.week,
        market.life,
        market.deals,
        market.profile,
        market.taste,
        model.staff.table,
        p.packed,
    )
    return n


def close_deals(model: TruceModel, reps: np.ndarray, delivery_ratio: float, tally: np.ndarray) -> None:
    """Opportunities reach a decision at the owner's pace; over-promising lifts the odds of winning.

    Losses go back to the aware pool; wins become customers, assigned to a service agent; marketing's
    leads are reported back on. Counts into `tally` (won, lost, over-promises, bookings, reports).
    """
    p, market, staff, week = model.p, model.market, model.staff, model.week
    if not reps.size:
        return
    servers = staff.rows(Role.SERVICE)
    wins, marketers, accounts, outcomes = _close(
        market.indices(State.OPPORTUNITY),
        staff.row_of,
        staff.table,
        p.packed,
        np.uint64(model.keyed["decide"].key),
        np.uint64(model.keyed["settle"].key),
        week,
        model.quota,
        sales.effort(p) / p.sales_cycle_weeks,
        delivery_ratio,
        staff.uid[servers],
        service.room(model, servers),
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
    row_of,
    staff,
    p,
    decide_key,
    settle_key,
    week,
    company_quota,
    chance,
    delivery_ratio,
    servers,
    room,
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
    and outcomes. A slow service (`delivery_ratio`) lowers every deal's odds (Forrester)."""
    log_delay_effect = np.log(forrester_effect(delivery_ratio))
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
        servers,
        room,
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
