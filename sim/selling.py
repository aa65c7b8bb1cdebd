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

from sim import sales
from sim.compiled import kernel
from sim.market import Source, State, forrester_effect, sigmoid
from sim.staff import Role

if TYPE_CHECKING:
    from sim.model import TruceModel

REFERRAL_VALUE = 1.16  # referred customers are worth >= 16% more (Schmitt, Skiera & Van den Bulte 2011)
REFERRAL_LOG_ODDS = 0.5  # a referred account trusts the seller more


def open_opportunities(
    model: TruceModel,
    rows: np.ndarray,
    accounts: np.ndarray,
    source: Source | np.ndarray,
    marketer: np.ndarray | int = -1,
    log_odds: np.ndarray | float = 0.0,
) -> None:
    """Make `accounts` opportunities owned by the salespeople in staff `rows`, fixing their win chance
    at qualification: the account's fit, then what the organisation and the seller add, plus the
    caller's own `log_odds` (a stale lead's loss, a referral's trust)."""
    if not accounts.size:
        return
    p, market, staff, org = model.p, model.market, model.staff, model.org
    context = (
        math.log(p.win_odds)
        + 1.5 * p.market_complexity * (org.consistency - 0.6)
        + p.orientation_value * org.orientation_diversity()
        - 2.0 * org.detractor_share
    )
    logit = market.fit_log_odds(accounts) + 0.8 * (staff.productivity[rows] - 1) + (context + log_odds)
    _open(model, rows, accounts, source, marketer, logit)


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


def prospect(model: TruceModel, reps: np.ndarray) -> int:
    """Salespeople source their own opportunities with whatever capacity marketing leads left free;
    returns how many they opened."""
    s, market, staff, p = model.streams["selling"], model.market, model.staff, model.p
    wants = s.poisson(2 * p.self_sourced_per_rep_week * sales.effort(p) * staff.productivity[reps])
    n = np.minimum(wants, sales.free(staff, p, reps))
    total = int(n.sum())
    if not total:
        return 0
    pool = market.prospects()
    if pool.size < total:
        return 0
    accounts = s.choice(pool, size=total, replace=False)
    good = s.random(total) < market.fit(accounts)  # talking to them shows who really fits
    open_opportunities(model, reps.repeat(n)[good], accounts[good], Source.SELF)
    return int(good.sum())


def refer(model: TruceModel, reps: np.ndarray, advocates: int) -> int:
    """Advocates bring referred accounts straight to a salesperson with room for them; returns how
    many."""
    p, market, w = model.p, model.market, model.streams["wom"]
    n = int(w.poisson(p.referral_rate / 52 * advocates * (1 + p.marketing_existing_focus)))
    if n <= 0:
        return 0
    free = sales.free(model.staff, p, reps)
    pool = market.prospects()
    n = min(n, int(free.sum()), pool.size)
    if n <= 0:
        return 0
    accounts = w.choice(pool, size=n, replace=False)
    rows = w.choice(reps.repeat(free), size=n, replace=False)
    market.referred[accounts] = True
    open_opportunities(model, rows, accounts, Source.REFERRAL, log_odds=REFERRAL_LOG_ODDS)
    return n


def close_deals(model: TruceModel, reps: np.ndarray, delivery_ratio: float) -> dict[str, float]:
    """Opportunities reach a decision at the owner's pace; over-promising lifts the odds of winning.

    Returns the week's counts (won, lost, over-promises, bookings) for the weekly record.
    """
    p, market, staff, week = model.p, model.market, model.staff, model.week
    if not reps.size:
        return {}
    opps = market.indices(State.OPPORTUNITY)
    opps, rows, u_promise, u_win = _due(
        opps,
        staff.row_of[market.owner[opps]],
        model.keyed["decide"].uniform3(week, opps),
        sales.effort(p) / p.sales_cycle_weeks,
    )
    if not opps.size:
        return {}
    promise = u_promise < _overpromise(
        rows, staff.bookings, staff.ramp, model.quota, week, p.retention_bonus_share, p.integration
    )
    p_win = market.p_win[opps]
    logit = np.log(p_win / (1 - p_win)) + promise * p.overpromise_lift
    logit += math.log(float(forrester_effect(delivery_ratio)))
    won = u_win < sigmoid(logit)
    staff.open -= np.bincount(rows, minlength=len(staff))
    # Losses go back to the aware pool; wins become customers.
    lost = opps[~won]
    market.move(lost, State.AWARE, week)
    market.referred[lost] = False
    wins = opps[won]
    market.value[wins] *= np.where(market.referred[wins], REFERRAL_VALUE, 1.0).astype(np.float32)
    values = market.value[wins].astype(np.float64)
    staff.bookings += np.bincount(rows[won], weights=values, minlength=len(staff))
    market.move(wins, State.CUSTOMER, week)
    market.satisfaction[wins] = 0.72
    market.gap[wins] = np.where(promise[won], p.overpromise_gap, 0.0)
    servers = staff.uid[staff.rows(Role.SERVICE)]
    if servers.size:
        market.server[wins] = servers[model.streams["service"].integers(0, servers.size, size=wins.size)]
    mkt = market.source[opps] == Source.MARKETING
    reported = model.feedback.report(model, rows[mkt], opps[mkt], market.marketer[opps[mkt]], won[mkt])
    market.owner[opps] = -1
    return {
        "deals_won": int(wins.size),
        "deals_lost": int(lost.size),
        "overpromises": int(np.count_nonzero(promise)),
        "bookings": float(values.sum()),
        **reported,
    }


@kernel
def _due(opps, rows, u, chance):
    """The opportunities (with an owner still on staff) that reach a decision this week, their
    owners' rows, and the two uniforms that decide a promise and the outcome."""
    due = np.array([i for i in range(opps.size) if rows[i] >= 0 and u[0, i] < chance])
    return opps[due], rows[due], u[1, due], u[2, due]


@kernel
def _overpromise(rows, bookings, ramp, company_quota, week, retention, integration):
    out = np.empty(rows.size)
    for i, r in enumerate(rows):
        pace = sales.pace(bookings[r], ramp[r], company_quota, week)
        out[i] = sales.overpromise_probability(pace, week, retention, integration)
    return out
