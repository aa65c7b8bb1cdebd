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
from sim.selling import SalesTeam, open_opportunities

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
    leaked_bought: int = 0
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
        marketer = np.asarray(marketer)  # one id for all, or one per lead
        self.account = np.concatenate([self.account, account])
        self.marketer = np.concatenate([self.marketer, marketer.repeat(n) if not marketer.ndim else marketer])
        self.score = np.concatenate([self.score, score])
        self.created = np.concatenate([self.created, _filled(n, week, np.int32)])
        self.source = np.concatenate([self.source, _filled(n, source, np.int8)])

    def remove(self, keep: np.ndarray) -> None:
        for name in ("account", "marketer", "score", "created", "source"):
            setattr(self, name, getattr(self, name)[keep])


def run_handoff(model: TruceModel, team: SalesTeam) -> Handoff:
    """Leads older than the queue limit leak; each other lead is looked at by one salesperson.

    A salesperson takes the lead with its own willingness and only while it has free capacity, best
    scores first. An accepted lead is contacted after a delay in hours drawn from that person's load
    and the SLA, plus the whole weeks it waited; the delay discounts the chance to qualify it.
    """
    p, market, queue, week = model.p, model.market, model.queue, model.week
    out = Handoff()
    age = week - queue.created
    leak = age >= p.lead_queue_limit_weeks
    if leak.any():
        gone = queue.account[leak]
        market.state[gone] = State.AWARE
        market.since[gone] = week
        out.leaked = int(np.count_nonzero(leak))
        out.leaked_bought = int(np.count_nonzero(leak & (queue.source == Source.BOUGHT)))
        out.wait_weeks_sum += float(np.add.reduce(age[leak]))
        leaked_from = queue.marketer[leak & (queue.source == Source.MARKETING)]
        model.tally_marketer("leaked", leaked_from)
        model.lead_flow["leaked"].update(leaked_from.tolist())
        queue.remove(~leak)
    reps = team.reps
    if not len(queue) or not reps:
        return out
    h = model.streams["handoff"]
    will = team.willingness()
    free = team.free_capacity()
    looker = h.integers(len(reps), size=len(queue))
    wants = h.random(len(queue)) < will[looker]
    cand = (wants & (free[looker] > 0)).nonzero()[0]
    # Per salesperson, best-scored candidates first, up to free capacity.
    cand = cand[np.lexsort((-queue.score[cand], looker[cand]))]
    who = looker[cand]
    first = who.searchsorted(who, side="left")
    take = cand[(np.arange(cand.size) - first) < free[who]]
    if not take.size:
        return out
    who = looker[take]
    accounts = queue.account[take]
    waited = (week - queue.created[take]).astype(float)
    hours = _first_contact_hours(model, team, who, h=model.streams["response"])
    out.sla_met = int(np.count_nonzero(hours <= p.lead_sla_hours)) if p.lead_sla_hours else 0
    total_hours = hours + waited * HOURS_PER_WEEK
    fit = market.fit(accounts)
    logit = (
        math.log(p.qualification_odds)
        + np.log(fit / (1 - fit))
        + response_log_odds(total_hours, p.response_decay_strength, p.lead_shelf_life_weeks)
    )
    bought = queue.source[take] == Source.BOUGHT
    qualified = h.random(take.size) < sigmoid(logit)
    out.accepted, out.qualified = int(take.size), int(np.count_nonzero(qualified))
    out.wait_weeks_sum += float(np.add.reduce(waited))
    out.response_hours_sum = float(np.add.reduce(hours))
    from_marketer = queue.marketer[take][~bought]
    model.tally_marketer("accepted", from_marketer)
    rep_ids = [reps[i].unique_id for i in who[~bought].tolist()]
    model.lead_flow["accepted"].update(zip(from_marketer.tolist(), rep_ids, strict=True))
    team.learn_from_leads(who[~bought].tolist(), qualified[~bought].tolist())
    # Qualified leads become opportunities; the rest return to the aware pool, to be reported on.
    market.state[accounts[~qualified]] = State.AWARE
    market.since[accounts[~qualified]] = week
    model.feedback.report(
        model,
        team,
        who[~qualified],
        accounts[~qualified],
        queue.marketer[take][~qualified],
        np.zeros(int((~qualified).sum())),
    )
    src = np.where(bought, Source.BOUGHT, Source.MARKETING)[qualified]
    open_opportunities(
        model,
        team,
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


def _first_contact_hours(model: TruceModel, team: SalesTeam, who: np.ndarray, h: np.random.Generator):
    """Hours to first contact: exponential around the person's own mean; the SLA caps it when met."""
    mean = team.response_hours()[who]
    hours = h.exponential(1.0, who.size) * mean
    sla = model.p.lead_sla_hours
    if sla > 0:
        comply = team.sla_compliance()[who]
        met = h.random(who.size) < comply
        hours = np.where(met, np.minimum(hours, h.uniform(min(0.2, sla), sla, who.size)), hours)
    return np.maximum(hours, 0.1)


def _filled(n: int, value: int, dtype: type) -> np.ndarray:
    """`np.full(n, value, dtype)` without its Python-level overhead."""
    out = np.empty(n, dtype=dtype)
    out.fill(value)
    return out
