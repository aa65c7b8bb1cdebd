"""Selling: opportunities opened (from leads, prospecting, referrals), progressed, won or lost.

Win chances come from the account's hidden fit, the salesperson's productivity (skill, ramp, training),
the consistency of marketing's and sales' messages, marketing's orientation, how stale the lead got,
negative word of mouth, over-promising at the close, and service's delivery delay (Forrester 1968).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.market import Source, State, forrester_effect, sigmoid

if TYPE_CHECKING:
    from sim.agents import Salesperson
    from sim.model import TruceModel

REFERRAL_VALUE = 1.16  # referred customers are worth >= 16% more (Schmitt, Skiera & Van den Bulte 2011)


@dataclass
class Selling:
    """What selling did this week (counts for the weekly record)."""

    created: int = 0
    created_marketing: int = 0
    won: int = 0
    lost: int = 0
    referrals: int = 0
    overpromises: int = 0
    bookings: float = 0.0


def open_opportunities(
    model: TruceModel,
    reps: list[Salesperson],
    who: np.ndarray,
    accounts: np.ndarray,
    source: np.ndarray,
    marketer: np.ndarray,
    waited: np.ndarray,
) -> None:
    """Make `accounts` opportunities owned by `reps[who]`, fixing their win chance at qualification."""
    if not accounts.size:
        return
    p, market, org = model.p, model.market, model.org
    fit = market.fit(accounts)
    prod = np.array([r.productivity() for r in reps])[who]
    complexity = p["market_complexity"]
    logit = (
        math.log(p["win_odds"])
        + np.log(fit / (1 - fit))
        + 0.8 * (prod - 1)
        + 1.5 * complexity * (org.consistency - 0.6)
        + p["orientation_value"] * org.orientation_diversity()
        - 0.5 * waited / p["lead_shelf_life_weeks"]
        - 2.0 * model.detractor_share
        + np.where(source == Source.REFERRAL, 0.5, 0.0)
    )
    market.state[accounts] = State.OPPORTUNITY
    market.since[accounts] = model.week
    market.p_win[accounts] = sigmoid(logit)
    market.owner[accounts] = np.array([r.unique_id for r in reps], dtype=np.int32)[who]
    market.source[accounts] = source
    market.marketer[accounts] = marketer
    for i in who:
        reps[i].open += 1
    model.selling.created += int(accounts.size)
    model.selling.created_marketing += int(np.count_nonzero(source == Source.MARKETING))


def prospect(model: TruceModel, reps: list[Salesperson]) -> None:
    """Salespeople source their own opportunities with whatever capacity marketing leads left free."""
    s, market = model.streams["selling"], model.market
    pool = np.flatnonzero(market.state <= State.AWARE)
    rate = model.p["self_sourced_per_rep_week"]
    wants = s.poisson([2 * rate * r.effort() * r.productivity() for r in reps])
    n = np.minimum(wants, [r.free_capacity() for r in reps])
    total = int(n.sum())
    if not total or pool.size < total:
        return
    accounts = s.choice(pool, size=total, replace=False)
    who = np.repeat(np.arange(len(reps)), n)
    good = s.random(total) < market.fit(accounts)  # talking to them shows who really fits
    k = int(good.sum())
    open_opportunities(
        model,
        reps,
        who[good],
        accounts[good],
        np.full(k, Source.SELF),
        np.full(k, -1, dtype=np.int32),
        np.zeros(k),
    )


def refer(model: TruceModel, reps: list[Salesperson], advocates: int) -> None:
    """Advocates bring referred accounts straight to a salesperson with room for them."""
    p, market, w = model.p, model.market, model.streams["wom"]
    rate = p["referral_rate"] / 52 * advocates * (1 + p["marketing_existing_focus"])
    n = int(w.poisson(rate))
    free = np.array([r.free_capacity() for r in reps]) if reps else np.zeros(0)
    pool = np.flatnonzero(market.state <= State.AWARE)
    n = min(n, int(free.sum()), pool.size)
    if n <= 0:
        return
    accounts = w.choice(pool, size=n, replace=False)
    who = w.choice(np.repeat(np.arange(len(reps)), free), size=n, replace=False)
    market.referred[accounts] = True
    model.selling.referrals += n
    open_opportunities(
        model,
        reps,
        who,
        accounts,
        np.full(n, Source.REFERRAL),
        np.full(n, -1, dtype=np.int32),
        np.zeros(n),
    )


def close_deals(model: TruceModel, reps: list[Salesperson], delivery_ratio: float) -> None:
    """Opportunities reach a decision at the owner's pace; over-promising lifts the odds of winning."""
    p, market, week, s = model.p, model.market, model.week, model.streams["selling"]
    u_resolve = s.random(market.n, dtype=np.float32)
    u_win = s.random(market.n, dtype=np.float32)
    u_promise = s.random(market.n, dtype=np.float32)
    opps = np.flatnonzero(market.state == State.OPPORTUNITY)
    if not opps.size or not reps:
        return
    index = np.full(model.agent_id_counter + 2, -1)
    index[[r.unique_id for r in reps]] = np.arange(len(reps))
    slot = index[market.owner[opps]]
    effort = np.array([r.effort() for r in reps] + [0.0])[slot]
    due = u_resolve[opps] < effort / p["sales_cycle_weeks"]
    opps, slot = opps[due], slot[due]
    if not opps.size:
        return
    promise = u_promise[opps] < np.array([r.overpromise_probability() for r in reps])[slot]
    logit = np.log(market.p_win[opps] / (1 - market.p_win[opps]))
    logit += promise * p["overpromise_lift"] + math.log(forrester_effect(delivery_ratio))
    won = u_win[opps] < sigmoid(logit)
    sell = model.selling
    sell.won += int(won.sum())
    sell.lost += int((~won).sum())
    sell.overpromises += int(promise.sum())
    for i in slot:
        reps[i].open -= 1
    # Losses go back to the aware pool; wins become customers.
    lost = opps[~won]
    market.state[lost] = State.AWARE
    market.since[lost] = week
    market.referred[lost] = False
    wins = opps[won]
    market.value[wins] *= np.where(market.referred[wins], REFERRAL_VALUE, 1.0).astype(np.float32)
    values = market.value[wins]
    for i, v in zip(slot[won], values, strict=True):
        reps[i].bookings += float(v)
    sell.bookings += float(values.sum())
    market.state[wins] = State.CUSTOMER
    market.since[wins] = week
    market.satisfaction[wins] = 0.72
    market.gap[wins] = np.where(promise[won], p["overpromise_gap"], 0.0)
    servers = model.service_ids()
    if servers.size:
        market.server[wins] = model.streams["service"].choice(servers, size=wins.size)
    mkt = market.source[opps] == Source.MARKETING
    model.feedback.report(
        model, reps, slot[mkt], opps[mkt], market.marketer[opps[mkt]], won[mkt].astype(float)
    )
    market.owner[opps] = -1
