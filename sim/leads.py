"""The hand-off queue: marketing leads waiting for a salesperson, and what happens to them.

Leads are parallel numpy arrays (account, marketer, score, week created); every lead leaves the queue
exactly once, accepted or leaked. First-contact delay is drawn in hours and discounted with the
response-time curve of Oldroyd, McElheran & Elkington (2011).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.market import Source, State, sigmoid
from sim.selling import open_opportunities

if TYPE_CHECKING:
    from sim.model import TruceModel

HOURS_PER_WEEK = 168.0
# Qualification odds relative to contact within the hour: 1/7 an hour later, 1/60 at a day (HBR 2011).
_CURVE_HOURS = np.log([1.0, 2.0, 24.0])
_CURVE_LOG_ODDS = np.log([1.0, 1 / 7, 1 / 60])


def response_log_odds(hours: np.ndarray, strength: float, shelf_life_weeks: float) -> np.ndarray:
    """Log-odds multiplier of qualifying a lead first contacted after `hours`.

    The published curve up to a day, then the lead goes stale over its shelf life (Houghton et al.);
    `strength` (0..1) scales how much of the published effect applies to this market.
    """
    log_h = np.log(np.maximum(hours, 1.0))
    curve = np.interp(log_h, _CURVE_HOURS, _CURVE_LOG_ODDS)
    stale = np.maximum(hours - 24.0, 0.0) / (shelf_life_weeks * HOURS_PER_WEEK)
    return strength * curve - stale


@dataclass
class Handoff:
    """What the hand-off did this week (counts for the weekly record)."""

    accepted: int = 0
    leaked: int = 0
    wait_weeks_sum: float = 0.0
    response_hours_sum: float = 0.0
    qualified: int = 0
    sla_met: int = 0


class LeadQueue:
    """Marketing (and bought) leads waiting to be taken by sales."""

    def __init__(self) -> None:
        self.account = np.empty(0, dtype=np.int64)
        self.marketer = np.empty(0, dtype=np.int32)
        self.score = np.empty(0, dtype=np.float64)
        self.created = np.empty(0, dtype=np.int32)
        self.source = np.empty(0, dtype=np.int8)

    def __len__(self) -> int:
        return self.account.size

    def add(self, account, marketer, score, week: int, source: Source) -> None:
        n = len(account)
        self.account = np.concatenate([self.account, account])
        self.marketer = np.concatenate([self.marketer, np.broadcast_to(marketer, n)])
        self.score = np.concatenate([self.score, score])
        self.created = np.concatenate([self.created, np.full(n, week, dtype=np.int32)])
        self.source = np.concatenate([self.source, np.full(n, source, dtype=np.int8)])

    def remove(self, keep: np.ndarray) -> None:
        for name in ("account", "marketer", "score", "created", "source"):
            setattr(self, name, getattr(self, name)[keep])


def run_handoff(model: TruceModel) -> Handoff:
    """Leads older than the queue limit leak; each other lead is looked at by one salesperson.

    A salesperson takes the lead with its own willingness and only while it has free capacity, best
    scores first. An accepted lead is contacted after a delay in hours drawn from that person's load
    and the SLA, plus the whole weeks it waited; the delay discounts the chance to qualify it.
    """
    p, market, queue, week = model.p, model.market, model.queue, model.week
    out = Handoff()
    age = week - queue.created
    leak = age >= p["lead_queue_limit_weeks"]
    if leak.any():
        gone = queue.account[leak]
        market.state[gone] = State.AWARE
        market.since[gone] = week
        out.leaked = int(leak.sum())
        out.wait_weeks_sum += float(age[leak].sum())
        model.tally_marketer("leaked", queue.marketer[leak & (queue.source == Source.MARKETING)])
        queue.remove(~leak)
    reps = model.salespeople()
    if not len(queue) or not reps:
        return out
    h = model.streams["handoff"]
    will = np.array([r.willingness() for r in reps])
    free = np.array([r.free_capacity() for r in reps])
    looker = h.integers(len(reps), size=len(queue))
    wants = h.random(len(queue)) < will[looker]
    cand = np.flatnonzero(wants & (free[looker] > 0))
    # Per salesperson, best-scored candidates first, up to free capacity.
    cand = cand[np.lexsort((-queue.score[cand], looker[cand]))]
    who = looker[cand]
    first = np.searchsorted(who, who, side="left")
    take = cand[(np.arange(cand.size) - first) < free[who]]
    if not take.size:
        return out
    who = looker[take]
    accounts = queue.account[take]
    waited = (week - queue.created[take]).astype(float)
    hours = _first_contact_hours(model, reps, who, h=model.streams["response"])
    out.sla_met = int(np.count_nonzero(hours <= p["lead_sla_hours"])) if p["lead_sla_hours"] else 0
    total_hours = hours + waited * HOURS_PER_WEEK
    fit = market.fit(accounts)
    logit = (
        math.log(p["qualification_odds"])
        + np.log(fit / (1 - fit))
        + response_log_odds(total_hours, p["response_decay_strength"], p["lead_shelf_life_weeks"])
    )
    bought = queue.source[take] == Source.BOUGHT
    qualified = h.random(take.size) < sigmoid(logit)
    out.accepted, out.qualified = int(take.size), int(qualified.sum())
    out.wait_weeks_sum += float(waited.sum())
    out.response_hours_sum = float(hours.sum())
    model.tally_marketer("accepted", queue.marketer[take][~bought])
    for i, q in zip(who[~bought], qualified[~bought], strict=True):
        reps[i].learn_from_lead(bool(q))
    # Qualified leads become opportunities; the rest return to the aware pool, to be reported on.
    market.state[accounts[~qualified]] = State.AWARE
    market.since[accounts[~qualified]] = week
    model.feedback.report(
        model,
        reps,
        who[~qualified],
        accounts[~qualified],
        queue.marketer[take][~qualified],
        np.zeros(int((~qualified).sum())),
    )
    src = np.where(bought, Source.BOUGHT, Source.MARKETING)[qualified]
    open_opportunities(
        model,
        reps,
        who[qualified],
        accounts[qualified],
        src,
        queue.marketer[take][qualified],
        waited[qualified],
    )
    keep = np.ones(len(queue), dtype=bool)
    keep[take] = False
    queue.remove(keep)
    return out


def _first_contact_hours(model: TruceModel, reps, who: np.ndarray, h: np.random.Generator):
    """Hours to first contact: exponential around the person's own mean; the SLA caps it when met."""
    mean = np.array([r.response_hours() for r in reps])[who]
    hours = h.exponential(1.0, who.size) * mean
    sla = model.p["lead_sla_hours"]
    if sla > 0:
        comply = np.array([r.sla_compliance() for r in reps])[who]
        met = h.random(who.size) < comply
        hours = np.where(met, np.minimum(hours, h.uniform(0.2, sla, who.size)), hours)
    return np.maximum(hours, 0.1)
