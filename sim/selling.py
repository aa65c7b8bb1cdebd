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


class SalesTeam:
    """This week's salespeople, slot `i` being `reps[i]`, with what the selling mechanisms ask of them.

    Built once a step, after everyone's `begin_week` (which fixes productivity for the week). During
    selling, a salesperson's answers depend on their own state and on levers and organisation that stay
    fixed until the step ends, so each question is put to the whole team once and afterwards only to
    people whose state has changed since (`touch`).
    """

    def __init__(self, model: TruceModel, reps: list[Salesperson]) -> None:
        self.reps = reps
        self.ids = np.array([r.unique_id for r in reps], dtype=np.int32)
        self.slot_of = np.full(model.agent_id_counter + 2, -1)  # agent id -> slot; -1 for anyone else
        self.slot_of[self.ids] = np.arange(len(reps))
        self.productivity = np.array([r.productivity() for r in reps], dtype=np.float64)
        self._answers: dict[str, tuple[np.ndarray, set[int]]] = {}

    def __len__(self) -> int:
        return len(self.reps)

    def ask(self, method: str, dtype: type = np.float64) -> np.ndarray:
        """`rep.<method>()` of every salesperson, as an array by slot."""
        known = self._answers.get(method)
        if known is None:
            values = np.array([getattr(r, method)() for r in self.reps], dtype=dtype)
        else:
            values, stale = known
            for i in stale:
                values[i] = getattr(self.reps[i], method)()
        self._answers[method] = (values, set())
        return values.copy()

    def ask_some(self, method: str, slots: np.ndarray) -> np.ndarray:
        """`reps[i].<method>()` for each entry `i` of `slots`, asking each person once."""
        asked = np.zeros(len(self.reps), dtype=bool)
        asked[slots] = True
        values = np.zeros(len(self.reps))
        for i in asked.nonzero()[0].tolist():
            values[i] = getattr(self.reps[i], method)()
        return values[slots]

    def touch(self, slots: list[int]) -> None:
        """Mark people whose state changed: their next answers are asked afresh."""
        for _values, stale in self._answers.values():
            stale.update(slots)

    def add_open(self, who: np.ndarray, step: int) -> None:
        """One more (`step` = 1) or one fewer (-1) open opportunity per entry of `who`."""
        slots = who.tolist()
        for i in slots:
            self.reps[i].open += step
        self.touch(slots)

    def add_reports(self, who: np.ndarray) -> None:
        """One more feedback report written per entry of `who`."""
        slots = who.tolist()
        for i in slots:
            self.reps[i].reports += 1
        self.touch(slots)


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
    team: SalesTeam,
    who: np.ndarray,
    accounts: np.ndarray,
    source: np.ndarray,
    marketer: np.ndarray,
    waited: np.ndarray,
    *,
    going_concern: bool = False,
) -> None:
    """Make `accounts` opportunities owned by `team.reps[who]`, fixing their win chance at qualification.

    The deals already in flight at week 0 (`going_concern`) were qualified before any design took
    effect, so their chance depends on the account alone: every design starts from the same company.
    """
    if not accounts.size:
        return
    p, market = model.p, model.market
    fit = market.fit(accounts)
    logit = math.log(p["win_odds"]) + np.log(fit / (1 - fit))
    if not going_concern:
        logit = logit + _context_log_odds(model, team, who, source, waited)
    market.state[accounts] = State.OPPORTUNITY
    market.since[accounts] = model.week
    market.p_win[accounts] = sigmoid(logit)
    market.owner[accounts] = team.ids[who]
    market.source[accounts] = source
    market.marketer[accounts] = marketer
    team.add_open(who, 1)
    model.selling.created += int(accounts.size)
    model.selling.created_marketing += int(np.count_nonzero(source == Source.MARKETING))


def _context_log_odds(
    model: TruceModel, team: SalesTeam, who: np.ndarray, source: np.ndarray, waited: np.ndarray
) -> np.ndarray:
    """What the organisation adds to an opportunity's odds beyond the account's own fit."""
    p, org = model.p, model.org
    prod = team.productivity[who]
    complexity = p["market_complexity"]
    return (
        0.8 * (prod - 1)
        + 1.5 * complexity * (org.consistency - 0.6)
        + p["orientation_value"] * org.orientation_diversity()
        - 0.5 * waited / p["lead_shelf_life_weeks"]
        - 2.0 * model.detractor_share
        + np.where(source == Source.REFERRAL, 0.5, 0.0)
    )


def prospect(model: TruceModel, team: SalesTeam) -> None:
    """Salespeople source their own opportunities with whatever capacity marketing leads left free."""
    s, market = model.streams["selling"], model.market
    pool = (market.state <= State.AWARE).nonzero()[0]
    rate = model.p["self_sourced_per_rep_week"]
    wants = s.poisson(2 * rate * team.ask("effort") * team.productivity)
    n = np.minimum(wants, team.ask("free_capacity", np.int64))
    total = int(np.add.reduce(n))
    if not total or pool.size < total:
        return
    accounts = s.choice(pool, size=total, replace=False)
    who = np.arange(len(team)).repeat(n)
    good = s.random(total) < market.fit(accounts)  # talking to them shows who really fits
    k = int(np.count_nonzero(good))
    open_opportunities(
        model,
        team,
        who[good],
        accounts[good],
        np.full(k, Source.SELF),
        np.full(k, -1, dtype=np.int32),
        np.zeros(k),
    )


def refer(model: TruceModel, team: SalesTeam, advocates: int) -> None:
    """Advocates bring referred accounts straight to a salesperson with room for them."""
    p, market, w = model.p, model.market, model.streams["wom"]
    rate = p["referral_rate"] / 52 * advocates * (1 + p["marketing_existing_focus"])
    n = int(w.poisson(rate))
    free = team.ask("free_capacity", np.int64)
    pool = (market.state <= State.AWARE).nonzero()[0]
    n = min(n, int(np.add.reduce(free)), pool.size)
    if n <= 0:
        return
    accounts = w.choice(pool, size=n, replace=False)
    who = w.choice(np.arange(len(team)).repeat(free), size=n, replace=False)
    market.referred[accounts] = True
    model.selling.referrals += n
    open_opportunities(
        model,
        team,
        who,
        accounts,
        np.full(n, Source.REFERRAL),
        np.full(n, -1, dtype=np.int32),
        np.zeros(n),
    )


def close_deals(model: TruceModel, team: SalesTeam, delivery_ratio: float) -> None:
    """Opportunities reach a decision at the owner's pace; over-promising lifts the odds of winning."""
    p, market, week, s = model.p, model.market, model.week, model.streams["closing"]
    u_resolve = s.random(market.n, dtype=np.float32)
    u_win = s.random(market.n, dtype=np.float32)
    u_promise = s.random(market.n, dtype=np.float32)
    opps = (market.state == State.OPPORTUNITY).nonzero()[0]
    if not opps.size or not len(team):
        return
    reps = team.reps
    slot = team.slot_of[market.owner[opps]]
    effort = np.concatenate([team.ask("effort"), [0.0]])[slot]
    due = u_resolve[opps] < effort / p["sales_cycle_weeks"]
    opps, slot = opps[due], slot[due]
    if not opps.size:
        return
    promise = u_promise[opps] < team.ask_some("overpromise_probability", slot)
    logit = np.log(market.p_win[opps] / (1 - market.p_win[opps]))
    logit += promise * p["overpromise_lift"] + math.log(forrester_effect(delivery_ratio))
    won = u_win[opps] < sigmoid(logit)
    sell = model.selling
    n_won = int(np.count_nonzero(won))
    sell.won += n_won
    sell.lost += won.size - n_won
    sell.overpromises += int(np.count_nonzero(promise))
    team.add_open(slot, -1)
    # Losses go back to the aware pool; wins become customers.
    lost = opps[~won]
    market.state[lost] = State.AWARE
    market.since[lost] = week
    market.referred[lost] = False
    wins = opps[won]
    market.value[wins] *= np.where(market.referred[wins], REFERRAL_VALUE, 1.0).astype(np.float32)
    values = market.value[wins]
    for i, v in zip(slot[won].tolist(), values.tolist(), strict=True):
        reps[i].bookings += v
    team.touch(slot[won].tolist())
    sell.bookings += float(np.add.reduce(values))
    market.state[wins] = State.CUSTOMER
    market.since[wins] = week
    market.satisfaction[wins] = 0.72
    market.gap[wins] = np.where(promise[won], p["overpromise_gap"], 0.0)
    servers = model.service_ids()
    if servers.size:
        market.server[wins] = model.streams["service"].choice(servers, size=wins.size)
    mkt = market.source[opps] == Source.MARKETING
    model.feedback.report(
        model, team, slot[mkt], opps[mkt], market.marketer[opps[mkt]], won[mkt].astype(float)
    )
    market.owner[opps] = -1
