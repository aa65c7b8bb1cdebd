"""The hand-off queue: marketing leads waiting for a salesperson, and what happens to them.

Leads are parallel numpy arrays (account, marketer id, score, week created, source); every lead leaves
the queue exactly once, accepted or leaked. First-contact delay is drawn in hours and discounted with
the response-time curve of Oldroyd, McElheran & Elkington (2011).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim import sales
from sim.market import Source, State, sigmoid
from sim.selling import open_opportunities

if TYPE_CHECKING:
    from sim.model import TruceModel

HOURS_PER_WEEK = 168.0
# Qualification odds relative to contact within the hour: 1/7 an hour later, 1/60 at a day (HBR 2011).
_CURVE_HOURS = np.log([1.0, 2.0, 24.0])
_CURVE_LOG_ODDS = np.log([1.0, 1 / 7, 1 / 60])
_FIELDS = ("account", "marketer", "score", "created", "source")


def response_log_odds(hours: np.ndarray, strength: float, shelf_life_weeks: float) -> np.ndarray:
    """Log-odds multiplier of qualifying a lead first contacted after `hours`.

    The published curve up to a day, then the lead goes stale over its shelf life (Houghton et al.);
    `strength` (0..1) scales how much of the published effect applies to this market.
    """
    curve = np.interp(np.log(np.maximum(hours, 1.0)), _CURVE_HOURS, _CURVE_LOG_ODDS)
    stale = np.maximum(hours - 24.0, 0.0) / (shelf_life_weeks * HOURS_PER_WEEK)
    return strength * curve - stale


class LeadQueue:
    """Marketing (and bought) leads waiting to be taken by sales."""

    def __init__(self) -> None:
        self.account = np.empty(0, dtype=np.int64)
        self.marketer = np.empty(0, dtype=np.int64)  # id; -1 for bought leads
        self.score = np.empty(0)
        self.created = np.empty(0, dtype=np.int64)
        self.source = np.empty(0, dtype=np.int8)

    def __len__(self) -> int:
        return self.account.size

    def add(
        self, account: np.ndarray, marketer: np.ndarray | int, score: np.ndarray, week: int, source: Source
    ):
        n = account.size
        new = (account, np.broadcast_to(marketer, n), score, np.full(n, week), np.full(n, source))
        for name, values in zip(_FIELDS, new, strict=True):
            setattr(self, name, np.concatenate([getattr(self, name), values]))

    def keep(self, mask: np.ndarray) -> None:
        for name in _FIELDS:
            setattr(self, name, getattr(self, name)[mask])


def run_handoff(model: TruceModel, reps: np.ndarray) -> dict[str, float]:
    """Leads older than the queue limit leak; each other lead is looked at by one salesperson.

    A salesperson takes the lead with its own willingness and only while it has free capacity, best
    scores first. An accepted lead is contacted after a delay in hours drawn from that person's load
    and the SLA, plus the whole weeks it waited; the delay discounts the chance to qualify it.
    Returns the week's counts, with marketing's accepted and leaked leads by marketer id.
    """
    p, market, queue, week, staff = model.p, model.market, model.queue, model.week, model.staff
    out: dict[str, float] = {}
    age = week - queue.created
    leak = age >= p.lead_queue_limit_weeks
    n_leak = int(leak.sum())
    if n_leak:
        market.move(queue.account[leak], State.AWARE, week)
        mine = queue.marketer[leak]
        mine = mine[mine >= 0]  # bought leads have no marketer
        out |= {"leads_leaked": n_leak, "leads_leaked_bought": n_leak - mine.size, "leaked_from": mine}
        out["wait_weeks_sum"] = float(age[leak].sum())
        model.handoffs.append((mine, None))
        queue.keep(~leak)
    n = len(queue)
    if not n or not reps.size:
        return out
    h = model.streams["handoff"]
    pick, want = h.random((2, n))  # which salesperson looks at each lead, and whether they want it
    looker = reps[(pick * reps.size).astype(np.int64)]
    free = sales.free_capacity(staff, p)
    wants = (want < sales.willingness(staff, p, model.org)[looker]) & (free[looker] > 0)
    cand = wants.nonzero()[0]
    # Per salesperson, best-scored candidates first, up to free capacity.
    cand = cand[np.lexsort((-queue.score[cand], looker[cand]))]
    who = looker[cand]
    take = cand[np.arange(cand.size) - np.searchsorted(who, who) < free[who]]
    if not take.size:
        return out
    who, accounts, marketer = looker[take], queue.account[take], queue.marketer[take]
    waited = week - queue.created[take]
    hours = _first_contact_hours(model, who)
    delay = response_log_odds(
        hours + waited * HOURS_PER_WEEK, p.response_decay_strength, p.lead_shelf_life_weeks
    )
    logit = market.fit_log_odds(accounts) + (delay + math.log(p.qualification_odds))
    qualified = h.random(take.size) < sigmoid(logit)
    ours = marketer >= 0
    n_qualified = int(qualified.sum())
    out.update(
        leads_accepted=take.size,
        leads_qualified=n_qualified,
        sla_met=int((hours <= p.lead_sla_hours).sum()) if p.lead_sla_hours else 0,
        wait_weeks_sum=out.get("wait_weeks_sum", 0.0) + float(waited.sum()),
        response_hours_sum=float(hours.sum()),
        opportunities_created_marketing=int((qualified & ours).sum()),
        accepted_from=marketer[ours],
    )
    model.handoffs.append((marketer[ours], staff.uid[who[ours]]))
    sales.learn_from_leads(staff, who[ours], qualified[ours])
    # Qualified leads become opportunities; the rest return to the aware pool, to be reported on.
    lost = ~qualified
    market.move(accounts[lost], State.AWARE, week)
    out.update(model.feedback.report(model, who[lost], accounts[lost], marketer[lost], qualified[lost]))
    source = np.where(ours[qualified], Source.MARKETING, Source.BOUGHT)
    stale = (-0.5 / p.lead_shelf_life_weeks) * waited[qualified]
    open_opportunities(model, who[qualified], accounts[qualified], source, marketer[qualified], stale)
    keep = np.ones(n, dtype=bool)
    keep[take] = False
    queue.keep(keep)
    return out


def _first_contact_hours(model: TruceModel, who: np.ndarray) -> np.ndarray:
    """Hours to first contact: exponential around the person's own mean; the SLA caps it when met."""
    p, staff, r = model.p, model.staff, model.streams["response"]
    hours = r.exponential(1.0, who.size) * sales.response_hours(staff, p)[who]
    sla = p.lead_sla_hours
    if sla > 0:
        met = r.random(who.size) < sales.sla_compliance(staff, p)[who]
        hours = np.where(met, np.minimum(hours, r.uniform(min(0.2, sla), sla, who.size)), hours)
    return np.maximum(hours, 0.1)
