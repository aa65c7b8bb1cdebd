"""The hand-off queue: marketing leads waiting for a salesperson, and what happens to them.

Leads are rows of a numpy structured array (account, marketer id, score, week created); every lead
leaves the queue exactly once, accepted or leaked. First-contact delay is drawn in hours and discounted with
the response-time curve of Oldroyd, McElheran & Elkington (2011).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim import sales
from sim.compiled import kernel
from sim.market import Source, State, fit_log_odds, market_move, sigmoid
from sim.selling import context, open_deal
from sim.staff import append

if TYPE_CHECKING:
    from sim.model import TruceModel

HOURS_PER_WEEK = 168.0
# Qualification odds relative to contact within the hour: 1/7 an hour later, 1/60 at a day (HBR 2011).
_CURVE_HOURS = np.log([1.0, 2.0, 24.0])
_CURVE_LOG_ODDS = np.log([1.0, 1 / 7, 1 / 60])


@kernel
def response_log_odds(hours: np.ndarray, strength: float, shelf_life_weeks: float) -> np.ndarray:
    """Log-odds multiplier of qualifying a lead first contacted after `hours`.

    The published curve up to a day, then the lead goes stale over its shelf life (Houghton et al.);
    `strength` (0..1) scales how much of the published effect applies to this market.
    """
    curve = np.interp(np.log(np.maximum(hours, 1.0)), _CURVE_HOURS, _CURVE_LOG_ODDS)
    stale = np.maximum(hours - 24.0, 0.0) / (shelf_life_weeks * HOURS_PER_WEEK)
    return strength * curve - stale


#: A queued lead: the account, the marketer who passed it (id; -1 for a bought lead), its score, the
#: week it was passed.
LEAD = np.dtype([("account", np.int64), ("marketer", np.int64), ("score", np.float64), ("created", np.int64)])


class LeadQueue:
    """Marketing (and bought) leads waiting to be taken by sales, oldest first."""

    def __init__(self) -> None:
        self.leads = np.zeros(0, dtype=LEAD)

    def __len__(self) -> int:
        return self.leads.size

    def add(self, account: np.ndarray, marketer: np.ndarray | int, score: np.ndarray, week: int) -> None:
        new = np.empty(account.size, dtype=LEAD)
        new["account"], new["marketer"], new["score"], new["created"] = account, marketer, score, week
        self.leads = append(self.leads, new)


def run_handoff(model: TruceModel, reps: np.ndarray) -> dict[str, float]:
    """Leads older than the queue limit leak; each other lead is looked at by one salesperson.

    A salesperson takes the lead with its own willingness and only while it has free capacity, best
    scores first. An accepted lead is contacted after a delay in hours drawn from that person's load
    and the SLA, plus the whole weeks it waited; the delay discounts the chance to qualify it.
    Returns the week's counts, with marketing's accepted and leaked leads by marketer id.
    """
    p, market, queue, week, staff = model.p, model.market, model.queue, model.week, model.staff
    out: dict[str, float] = {}
    leads = queue.leads
    age = week - leads["created"]
    leak = age >= p.lead_queue_limit_weeks
    if leak.any():
        gone = leads[leak]
        market.move(gone["account"], State.AWARE, week)
        mine = gone["marketer"][gone["marketer"] >= 0]  # bought leads have no marketer
        out |= {"leads_leaked": gone.size, "leads_leaked_bought": gone.size - mine.size, "leaked_from": mine}
        out["wait_weeks_sum"] = float(age[leak].sum())
        model.handoffs.append((mine, None))
        queue.leads = leads = leads[~leak]
    n = leads.size
    if not n or not reps.size:
        return out
    h = model.streams["handoff"]
    pick, want = h.random((2, n))  # which salesperson looks at each lead, and whether they want it
    org, carry = model.org, sales.carrying(staff, p)
    compliance = _compliance(staff.trust, p.lead_sla_hours, p.leadership_backing)
    take, who = _take(
        pick,
        want,
        reps,
        leads["score"],
        carry,
        staff.open,
        staff.trust,
        staff.perceived,
        compliance,
        p.shared_bonus_share,
        p.marketing_revenue_weight,
        p.handoff_friction,
        org.liaison_strength,
    )
    if not take.size:
        return out
    taken = leads[take]
    accounts, marketer, waited = taken["account"], taken["marketer"], week - taken["created"]
    # The draws: hours to first contact (exponential around the person's own mean; the SLA caps it
    # when met), then whether the contact qualifies the lead.
    r, sla = model.streams["response"], p.lead_sla_hours
    norm = _response_hours(
        who, carry, staff.open, staff.trust, p.response_hours, p.crm_level, p.handoff_friction
    )
    hours = r.exponential(1.0, take.size) * norm
    if sla > 0:
        met = r.random(take.size) < compliance[who]
        hours = np.where(met, np.minimum(hours, r.uniform(min(0.2, sla), sla, take.size)), hours)
    hours = np.maximum(hours, 0.1)
    qualified = _qualified(
        hours + waited * HOURS_PER_WEEK,
        h.random(take.size),
        market.profile,
        market.taste,
        accounts,
        p.response_decay_strength,
        p.lead_shelf_life_weeks,
        math.log(p.qualification_odds),
    )
    # Lost leads return to the aware pool, each reported on or not; qualified ones become deals.
    report_u = model.streams["feedback"].random(take.size - int(qualified.sum()))
    lost, clock, sent, counts = _settle(
        accounts,
        who,
        marketer,
        qualified,
        waited,
        report_u,
        week,
        context(model),
        p.packed,
        market.state,
        market.since,
        market.episodes,
        market.deals,
        market.profile,
        market.taste,
        staff.table,
    )
    market.moved(lost, State.AWARE, week, clock)
    model.feedback.post(week + p.feedback_delay_weeks, marketer[sent], accounts[sent], qualified[sent])
    ours = marketer >= 0
    out.update(
        leads_accepted=take.size,
        leads_qualified=counts[0],
        opportunities_created_marketing=counts[1],
        feedback_resolved=counts[2],
        feedback_reports=counts[3],
        sla_met=int((hours <= p.lead_sla_hours).sum()) if p.lead_sla_hours else 0,
        wait_weeks_sum=out.get("wait_weeks_sum", 0.0) + float(waited.sum()),
        response_hours_sum=float(hours.sum()),
        accepted_from=marketer[ours],
    )
    model.handoffs.append((marketer[ours], staff.uid[who[ours]]))
    keep = np.ones(n, dtype=bool)
    keep[take] = False
    queue.leads = leads[keep]
    return out


@kernel
def _settle(
    accounts,
    who,
    marketer,
    qualified,
    waited,
    report_u,
    week,
    context,
    p,
    state,
    since,
    episodes,
    deals,
    profile,
    taste,
    staff,
):
    """The contacted leads' outcomes land: each salesperson learns from marketing's leads; a lost
    lead returns to the aware pool and is reported back with the salesperson's own probability; a
    qualified one becomes an opportunity, its win chance lowered by the weeks it went stale.
    Returns the lost accounts, the keys of their aware clocks, which leads were reported, and the counts
    of leads qualified, of marketing's leads qualified, of marketing's leads lost and of reports."""
    p = p[0]
    lost = accounts[~qualified]
    clock = market_move(state, since, episodes, lost, State.AWARE, week)
    sent = np.zeros(accounts.size, dtype=np.bool_)
    qualified_, ours_qualified, ours_lost = 0, 0, 0
    j = 0
    for i in range(accounts.size):
        row = who[i]
        if marketer[i] >= 0:
            sales.learn_from_lead(staff[row], qualified[i])
        if qualified[i]:
            stale = (-0.5 / p.lead_shelf_life_weeks) * waited[i]
            source_ = Source.MARKETING if marketer[i] >= 0 else Source.BOUGHT
            open_deal(
                accounts[i],
                row,
                source_,
                marketer[i],
                context + stale,
                week,
                state,
                since,
                deals,
                profile,
                taste,
                staff,
            )
        else:
            sent[i] = marketer[i] >= 0 and sales.writes_up(staff[row], report_u[j], p)
            j += 1
            ours_lost += marketer[i] >= 0
        qualified_ += qualified[i]
        ours_qualified += qualified[i] and marketer[i] >= 0
    return lost, clock, sent, (qualified_, ours_qualified, ours_lost, sent.sum())


@kernel
def _take(
    pick, want, reps, score, carry, open_, trust, perceived, compliance, shared, weight, friction, liaison
):
    """Which queued leads are taken, and by whom (staff rows): each lead is looked at by one
    salesperson (`pick`), who wants it with its own willingness while it has free capacity; each
    takes its best-scored wanted leads up to that capacity. Ordered by taker, best score first."""
    free = np.zeros(carry.size, dtype=np.int64)
    willing = np.zeros(carry.size)
    for r in reps:
        free[r] = sales.free_capacity(carry[r], open_[r])
        willing[r] = sales.willingness(
            trust[r], perceived[r], compliance[r], shared, weight, friction, liaison
        )
    looker = reps[(pick * reps.size).astype(np.int64)]
    cand = np.array([i for i in range(pick.size) if want[i] < willing[looker[i]] and free[looker[i]] > 0])
    cand = cand[np.argsort(-score[cand], kind="mergesort")]
    cand = cand[np.argsort(looker[cand], kind="mergesort")]
    taken = np.zeros(cand.size, dtype=np.bool_)
    rank = 0
    for j in range(cand.size):
        rank = rank + 1 if j and looker[cand[j]] == looker[cand[j - 1]] else 0
        taken[j] = rank < free[looker[cand[j]]]
    take = cand[taken]
    return take, looker[take]


@kernel
def _compliance(trust, sla_hours, backing):
    return np.array([sales.sla_compliance(t, sla_hours, backing) for t in trust])


@kernel
def _response_hours(who, carry, open_, trust, hours, crm, friction):
    return np.array([sales.response_hours(hours, carry[w], open_[w], trust[w], crm, friction) for w in who])


@kernel
def _qualified(hours, u, profile, taste, accounts, strength, shelf_life_weeks, log_odds):
    """Whether each contacted lead qualifies: the account's fit, discounted by the response time."""
    delay = response_log_odds(hours, strength, shelf_life_weeks)
    return u < sigmoid(fit_log_odds(profile, taste, accounts) + (delay + log_odds))
