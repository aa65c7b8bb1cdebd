"""Selling: opportunities opened (from leads, prospecting, referrals) and each one's chance to win.

Win chances come from the account's hidden fit, the salesperson's productivity (skill, ramp, training),
the consistency of marketing's and sales' messages, marketing's orientation, how stale the lead got
and negative word of mouth; they are fixed when the opportunity opens. How the week's decisions on
open opportunities fall is `sim.closing`. Salespeople are rows of the staff table; an opportunity's
owner is stored by id.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim import sales
from sim.compiled import kernel
from sim.lifecycle import State, enter
from sim.market import Source, fit_log_odds, sigmoid
from sim.rng import poisson_counts

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


def open_going_concern(model: TruceModel, rows: np.ndarray, accounts: np.ndarray) -> None:
    """The deals already in flight at week 0: qualified before any design took effect, so their chance
    depends on the account alone, and every design starts from the same company."""
    logit = math.log(model.p.win_odds) + model.market.fit_log_odds(accounts)
    _open(model, rows, accounts, Source.SELF, -1, logit)


def _open(model, rows, accounts, source, marketer, logit) -> None:
    market, staff = model.market, model.staff
    market.move(accounts, State.OPPORTUNITY, model.week)
    deals = market.deals
    deals["p_win"][accounts] = sigmoid(logit)
    deals["owner"][accounts] = staff.uid[rows]
    deals["source"][accounts] = source
    deals["marketer"][accounts] = marketer
    staff.open += np.bincount(rows, minlength=len(staff))


def prospect(model: TruceModel, reps: np.ndarray, odds: float) -> int:
    """Salespeople source their own opportunities with whatever capacity marketing leads left free;
    returns how many they opened. They reach accounts who know us and accounts who do not alike; a
    cold account takes the meeting less often (`cold_response_factor`). `odds` is what the
    organisation adds to a new deal's log-odds this week (`context`)."""
    s, market, staff, p = model.streams["selling"], model.market, model.staff, model.p
    wants = poisson_counts(s, 2 * p.self_sourced_per_rep_week * sales.effort(p) * staff.productivity[reps])
    n, total = _within_capacity(wants, staff.table, p.packed, reps)
    if not total or market.count(State.UNAWARE, State.AWARE) < total:
        return 0
    accounts = market.sample(s, total, State.UNAWARE, State.AWARE)
    return _prospect(
        accounts,
        s.random(total),
        reps,
        n,
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
def _within_capacity(wants, staff, p, rows):
    """How many of the accounts each salesperson (`rows`) `wants` to prospect it has room for, and
    their total."""
    n = np.minimum(wants, sales.free(staff, p, rows))
    return n, n.sum()


@kernel
def _prospect(accounts, u, reps, n, log_odds, week, life, deals, profile, taste, staff, p):
    """Talking to the prospected `accounts` shows who really fits (`u` below the account's fit, times
    `cold_response_factor` for an account that does not know us): those become opportunities of the
    salespeople who found them (the first `n[0]` accounts `reps[0]`'s, and so on). Returns how many."""
    p = p[0]
    state = life[0]
    fit = sigmoid(fit_log_odds(profile, taste, accounts, p.fit_sharpness))
    opened = i = 0
    for r in range(reps.size):
        row = reps[r]
        for _ in range(n[r]):
            response = fit[i] if state[accounts[i]] == State.AWARE else fit[i] * p.cold_response_factor
            if u[i] < response:
                open_deal(
                    accounts[i], row, Source.SELF, -1, log_odds, week, life, deals, profile, taste, staff, p
                )
                opened += 1
            i += 1
    return opened


def refer(model: TruceModel, reps: np.ndarray, advocates: float, odds: float) -> int:
    """Advocates bring referred accounts straight to a salesperson with room for them; returns how
    many. `odds` is what the organisation adds to a new deal's log-odds this week (`context`); a
    referred account adds its trust in the seller."""
    p, market, w = model.p, model.market, model.streams["wom"]
    n = int(w.poisson(p.referral_rate / 52 * advocates))
    if n <= 0:
        return 0
    free = sales.free(model.staff.table, p.packed, reps)
    n = min(n, int(free.sum()), market.count(State.UNAWARE, State.AWARE))
    if n <= 0:
        return 0
    accounts = market.sample(w, n, State.UNAWARE, State.AWARE)
    rows = w.permutation(reps.repeat(free))[:n]  # n of the free places, distinct, at random
    _open_referred(
        accounts,
        rows,
        odds + p.referral_log_odds,
        model.week,
        market.life,
        market.deals,
        market.profile,
        market.taste,
        market.referred,
        model.staff.table,
        p.packed,
    )
    return n


@kernel
def _open_referred(accounts, rows, log_odds, week, life, deals, profile, taste, referred, staff, p):
    """The referred `accounts` become opportunities of the salespeople in `rows`."""
    p = p[0]
    referred[accounts] = True
    for i in range(accounts.size):
        open_deal(
            accounts[i], rows[i], Source.REFERRAL, -1, log_odds, week, life, deals, profile, taste, staff, p
        )
