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

from sim.agents.salesperson import (
    QUARTER,
    capacity_rule,
    feedback_rule,
    free_capacity_rule,
    overpromise_rule,
    response_hours_rule,
    sla_compliance_rule,
    willingness_rule,
)
from sim.market import Source, State, forrester_effect, sigmoid
from sim.rng import uniform32

if TYPE_CHECKING:
    from sim.agents import Salesperson
    from sim.model import TruceModel

REFERRAL_VALUE = 1.16  # referred customers are worth >= 16% more (Schmitt, Skiera & Van den Bulte 2011)


class SalesTeam:
    """This week's salespeople, slot `i` being `reps[i]`, with what the selling mechanisms ask of them.

    Built once a step, after everyone's `begin_week` (which fixes productivity for the week). During
    selling only a salesperson's open deals, reports written, experience of leads and bookings change
    (through this team, which writes them through to the person), and the levers and organisation stay
    fixed until the step ends: so the team holds that state as arrays by slot and puts each question to
    everyone at once, with the same decision rules a salesperson uses for itself.
    """

    def __init__(self, model: TruceModel, reps: list[Salesperson]) -> None:
        self.model = model
        self.reps = reps
        self.ids = np.array([r.unique_id for r in reps], dtype=np.int32)
        self.slot_of = np.full(model.agent_id_counter + 2, -1)  # agent id -> slot; -1 for anyone else
        self.slot_of[self.ids] = np.arange(len(reps))
        self.productivity = np.array([r.productivity() for r in reps], dtype=np.float64)
        self.ramp = np.array([r.ramp() for r in reps], dtype=np.float64)
        self.trust = np.array([r.trust for r in reps], dtype=np.float64)
        self.meeting_hours = np.array([r.meeting_hours for r in reps], dtype=np.float64)
        self.perceived = np.array([r.perceived for r in reps], dtype=np.float64)
        self.bookings = np.array([r.bookings for r in reps], dtype=np.float64)
        self.open = np.array([r.open for r in reps], dtype=np.int64)
        self.reports = np.array([r.reports for r in reps], dtype=np.int64)
        # Effort depends on the levers alone; the extra last entry (0) is for "owned by nobody here".
        self.effort = np.full(len(reps), reps[0].effort() if reps else 0.0)
        self.effort_or_none = np.append(self.effort, 0.0)
        # Answers kept until one of their inputs changes: capacity until reports are written, free
        # capacity until then or until deals open or close; feedback probability (trust) all week.
        self._capacity: np.ndarray | None = None
        self._free: np.ndarray | None = None
        self._feedback: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.reps)

    # ------------------------------------------------------------------ questions, by slot
    def capacity(self) -> np.ndarray:
        if self._capacity is None:
            capacity = capacity_rule(self.model.p, self.ramp, self.meeting_hours, self.reports)
            self._capacity = _read_only(capacity)
        return self._capacity

    def free_capacity(self) -> np.ndarray:
        if self._free is None:
            self._free = _read_only(free_capacity_rule(self.capacity(), self.open).astype(np.int64))
        return self._free

    def willingness(self) -> np.ndarray:
        return willingness_rule(self.model.p, self.model.org, self.trust, self.perceived)

    def sla_compliance(self) -> np.ndarray:
        return sla_compliance_rule(self.model.p, self.trust)

    def response_hours(self) -> np.ndarray:
        return response_hours_rule(self.model.p, self.open, self.capacity(), self.trust)

    def overpromise_probability(self) -> np.ndarray:
        """`Salesperson.pace` for everyone (bookings against the quota's pro-rata share), then the rule."""
        model = self.model
        elapsed = (model.week - 1) % QUARTER + 1
        expected = model.quota * (0.3 + 0.7 * self.ramp) * elapsed / QUARTER
        pace = np.divide(self.bookings, expected, out=np.ones(len(self.reps)), where=expected > 0)
        return overpromise_rule(model.p, model.week, pace)

    def feedback_probability(self) -> np.ndarray:
        if self._feedback is None:
            self._feedback = _read_only(feedback_rule(self.model.p, self.trust))
        return self._feedback

    # ------------------------------------------------------------------ changes, written through
    def add_open(self, who: np.ndarray, step: int) -> None:
        """One more (`step` = 1) or one fewer (-1) open opportunity per entry of `who`."""
        self.open += step * np.bincount(who, minlength=len(self.reps))
        self._free = None
        self._write("open", who)

    def add_reports(self, who: np.ndarray) -> None:
        """One more feedback report written per entry of `who`."""
        if not who.size:
            return
        self.reports += np.bincount(who, minlength=len(self.reps))
        self._capacity = self._free = None
        self._write("reports", who)

    def learn_from_leads(self, who: list[int], qualified: list[bool]) -> None:
        """Each lead's outcome updates its salesperson's experience, in the order the leads came."""
        reps = self.reps
        for i, q in zip(who, qualified, strict=True):
            reps[i].learn_from_lead(q)
        for i in set(who):
            self.perceived[i] = reps[i].perceived

    def book(self, who: list[int], values: list[float]) -> None:
        """Add won contract values to their salespeople's bookings, deal by deal."""
        reps = self.reps
        for i, v in zip(who, values, strict=True):
            reps[i].bookings += v
        for i in set(who):
            self.bookings[i] = reps[i].bookings

    def _write(self, name: str, who: np.ndarray) -> None:
        values = getattr(self, name).tolist()
        reps = self.reps
        for i in set(who.tolist()):
            setattr(reps[i], name, values[i])


def _read_only(values: np.ndarray) -> np.ndarray:
    """`values`, locked: a kept answer is shared by every caller until its inputs change."""
    values.setflags(write=False)  # `flags.writeable = False` builds a flags object first: 3x slower
    return values


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
    logit = math.log(p.win_odds) + np.log(fit / (1 - fit))
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
    complexity = p.market_complexity
    return (
        0.8 * (prod - 1)
        + 1.5 * complexity * (org.consistency - 0.6)
        + p.orientation_value * org.orientation_diversity()
        - 0.5 * waited / p.lead_shelf_life_weeks
        - 2.0 * model.detractor_share
        + (source == Source.REFERRAL.value) * 0.5
    )


def prospect(model: TruceModel, team: SalesTeam) -> None:
    """Salespeople source their own opportunities with whatever capacity marketing leads left free."""
    s, market = model.streams["selling"], model.market
    pool = market.prospects()
    rate = model.p.self_sourced_per_rep_week
    wants = s.poisson(2 * rate * team.effort * team.productivity)
    n = np.minimum(wants, team.free_capacity())
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
    rate = p.referral_rate / 52 * advocates * (1 + p.marketing_existing_focus)
    n = int(w.poisson(rate))
    free = team.free_capacity()
    n = min(n, int(np.add.reduce(free)))
    if n <= 0:  # no referral this week: spare the full-market scan for prospects
        return
    pool = market.prospects()
    n = min(n, pool.size)
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
    u_resolve, u_win, u_promise = uniform32(s, (3, market.n))  # three draws of `n`, one after another
    opps = market.indices(State.OPPORTUNITY)
    if not opps.size or not len(team):
        return
    slot = team.slot_of[market.owner[opps]]
    effort = team.effort_or_none[slot]
    due = u_resolve[opps] < effort / p.sales_cycle_weeks
    opps, slot = opps[due], slot[due]
    if not opps.size:
        return
    promise = u_promise[opps] < team.overpromise_probability()[slot]
    logit = np.log(market.p_win[opps] / (1 - market.p_win[opps]))
    logit += promise * p.overpromise_lift + math.log(forrester_effect(delivery_ratio))
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
    team.book(slot[won].tolist(), values.tolist())
    sell.bookings += float(np.add.reduce(values))
    market.state[wins] = State.CUSTOMER
    market.since[wins] = week
    market.satisfaction[wins] = 0.72
    market.gap[wins] = np.where(promise[won], p.overpromise_gap, 0.0)
    servers = model.service_ids()
    if servers.size:
        # `choice(servers, size)` with replacement is exactly this draw, without choice's overhead.
        market.server[wins] = servers[model.streams["service"].integers(0, servers.size, size=wins.size)]
    mkt = market.source[opps] == Source.MARKETING
    model.feedback.report(
        model, team, slot[mkt], opps[mkt], market.marketer[opps[mkt]], won[mkt].astype(float)
    )
    market.owner[opps] = -1
