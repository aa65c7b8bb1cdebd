"""The hand-off queue: marketing leads waiting for a salesperson, which of them leak, and who takes
which.

Leads are rows of a numpy structured array (account, marketer id, score, week created); every lead
leaves the queue exactly once, accepted or leaked. What becomes of a taken lead (first contact,
qualification, the opportunity or the report) is `sim.lead_outcomes`: the queue decides only who
works which lead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import lead_outcomes, sales
from sim.compiled import kernel
from sim.lifecycle import State, enter
from sim.staff import append
from sim.tally import Count

if TYPE_CHECKING:
    from sim.model import TruceModel

_NO_IDS = np.empty(0, dtype=np.int64)


#: A queued lead: the account, the marketer who passed it (id; -1 for a bought lead), its score, the
#: week it was passed, and whether the account asked us itself (an in-market buyer, `inbound`).
LEAD = np.dtype(
    [
        ("account", np.int64),
        ("marketer", np.int64),
        ("score", np.float64),
        ("created", np.int64),
        ("inbound", np.bool_),
    ]
)


class LeadQueue:
    """Marketing (and bought) leads waiting to be taken by sales, oldest first."""

    def __init__(self) -> None:
        self.leads = np.zeros(0, dtype=LEAD)

    def __len__(self) -> int:
        return self.leads.size

    def add(self, account: np.ndarray, marketer: np.ndarray | int, score: np.ndarray, week: int) -> None:
        new = np.empty(account.size, dtype=LEAD)
        new["account"], new["marketer"], new["score"], new["created"] = account, marketer, score, week
        new["inbound"] = False
        self.append(new)

    def append(self, new: np.ndarray) -> None:
        """Queue the leads `new` (`LEAD` rows) after those already waiting."""
        self.leads = append(self.leads, new)


@kernel
def extended(queue, n):
    """The queued leads `queue` followed by `n` rows for the caller to fill (`LEAD` rows)."""
    leads = np.empty(queue.size + n, dtype=LEAD)
    leads[: queue.size] = queue
    return leads


def run_handoff(
    model: TruceModel, reps: np.ndarray, tally: np.ndarray, odds: float
) -> tuple[np.ndarray, np.ndarray]:
    """Leads older than the queue limit leak; each other lead is looked at by one salesperson.

    A salesperson takes the lead with its own willingness and only while it has free capacity, best
    scores first. An accepted lead is contacted after a delay in hours drawn from that person's load
    and the SLA, plus the whole weeks it waited; the delay discounts the chance to qualify it.
    `odds` is what the organisation adds to a new deal's log-odds this week (`sim.selling.context`).
    Counts into `tally`; returns marketing's accepted and leaked leads by marketer id.
    """
    p, market, queue, week, staff = model.p, model.market, model.queue, model.week, model.staff
    leads, leaked_from = _leak(queue.leads, week, p.lead_queue_limit_weeks, market.life, tally)
    if leads.size < queue.leads.size:
        model.handoffs.append((leaked_from, None))
    queue.leads = leads
    n = leads.size
    if not n or not reps.size:
        return _NO_IDS, leaked_from
    # The week's draws, one set per queued lead whether it is taken or not: which salesperson looks
    # at it, whether they want it and whether contact qualifies it; the hours to first contact,
    # whether the SLA is met and the hours it caps them at; whether a lost lead is reported back.
    look = model.streams["handoff"].random((3, n))
    respond = model.streams["response"].random((3, n))
    report = model.streams["feedback"].random(n)
    queue.leads, reported_by, reported, outcomes, accepted_from, takers = _handoff(
        leads,
        look,
        respond,
        report,
        reps,
        week,
        odds,
        model.org.liaison_strength,
        p.packed,
        market.life,
        market.deals,
        market.profile,
        market.taste,
        staff.table,
        tally,
    )
    model.feedback.post(week + p.feedback_delay_weeks, reported_by, reported, outcomes)
    if accepted_from.size:
        model.handoffs.append((accepted_from, takers))
    return accepted_from, leaked_from


@kernel
def _leak(leads, week, limit, life, tally):
    """Leads that have waited `limit` weeks leak: their accounts return to the aware pool. Counts
    into `tally`; returns the leads still queued and marketing's leaked leads by marketer id."""
    stays = np.empty(leads.size, dtype=np.int64)
    marketers = np.empty(leads.size, dtype=np.int64)
    kept = leaked = ours = waited = 0
    for i in range(leads.size):
        lead = leads[i]
        age = week - lead.created
        if age < limit:
            stays[kept] = i
            kept += 1
            continue
        enter(life, lead.account, State.AWARE, week)
        leaked += 1
        waited += age
        if lead.marketer >= 0:  # bought leads have no marketer
            marketers[ours] = lead.marketer
            ours += 1
    tally[Count.leads_leaked] += leaked
    tally[Count.leads_leaked_bought] += leaked - ours
    tally[Count.wait_weeks_sum] += waited
    return leads[stays[:kept]], marketers[:ours]


@kernel
def _handoff(
    leads,
    look,
    respond,
    report,
    reps,
    week,
    context,
    liaison,
    p,
    life,
    deals,
    profile,
    taste,
    staff,
    tally,
):
    """The hand-off of the queued `leads` with the week's draws (see `run_handoff`): who takes which
    lead, the hours to first contact (exponential around the person's own mean; the SLA caps it when
    met), whether contact qualifies it, and what follows (`sim.lead_outcomes`); counts into `tally`. Returns
    the leads left in the queue; the reports on lost leads (marketer ids, accounts, outcomes); and
    marketing's accepted leads, by marketer id and by taker id."""
    q = p[0]
    carry = np.empty(staff.size)
    compliance = np.empty(staff.size)
    for r in range(staff.size):
        person = staff[r]
        carry[r] = sales.capacity(q.rep_capacity, person.ramp, person.meeting_hours, person.reports, q)
        compliance[r] = sales.sla_compliance(person.trust, q.lead_sla_hours, q.leadership_backing, q)
    take, who = _take(
        look[0],
        look[1],
        reps,
        leads["score"],
        carry,
        staff["open"],
        staff["trust"],
        staff["perceived"],
        compliance,
        q.shared_bonus_share,
        q.marketing_revenue_weight,
        q.handoff_friction,
        liaison,
        staff["hostility"],
        q,
    )
    m = take.size
    accounts, marketer = leads["account"][take], leads["marketer"][take]
    waited = week - leads["created"][take]
    hours = lead_outcomes.contact_hours(take, who, respond, carry, compliance, staff, q)
    qualified = lead_outcomes.qualifies(
        hours + waited * lead_outcomes.HOURS_PER_WEEK,
        look[2][take],
        profile,
        taste,
        accounts,
        q.response_decay_strength,
        q.lead_shelf_life_weeks,
        # an in-market buyer who asked us qualifies far more often than an account a campaign found
        np.log(q.qualification_odds) + q.in_market_log_odds * leads["inbound"][take],
        q.fit_sharpness,
    )
    sent = lead_outcomes.settle(
        accounts,
        who,
        marketer,
        qualified,
        waited,
        report[take],
        week,
        context,
        p,
        life,
        deals,
        profile,
        taste,
        staff,
        tally,
    )
    tally[Count.leads_accepted] += m
    sla = q.lead_sla_hours
    tally[Count.sla_met] += np.sum(hours <= sla) if sla > 0 else 0
    tally[Count.wait_weeks_sum] += waited.sum()
    tally[Count.response_hours_sum] += hours.sum()
    keep = np.ones(leads.size, dtype=np.bool_)
    keep[take] = False
    ours = marketer >= 0
    tally[Count.leads_accepted_bought] += m - ours.sum()
    return (
        leads[keep],
        marketer[sent],
        accounts[sent],
        qualified[sent],
        marketer[ours],
        staff["uid"][who[ours]],
    )


@kernel
def _take(
    pick,
    want,
    reps,
    score,
    carry,
    open_,
    trust,
    perceived,
    compliance,
    shared,
    weight,
    friction,
    liaison,
    hostility,
    p,
):
    """Which queued leads are taken, and by whom (staff rows): each lead is looked at by one
    salesperson (`pick`), who wants it with its own willingness while it has free capacity; each
    takes its best-scored wanted leads up to that capacity. Ordered by taker, best score first."""
    free = np.zeros(carry.size, dtype=np.int64)
    willing = np.zeros(carry.size)
    for r in reps:
        free[r] = sales.free_capacity(carry[r], open_[r])
        willing[r] = sales.willingness(
            trust[r], perceived[r], compliance[r], shared, weight, friction, liaison, hostility[r], p
        )
    looker = reps[(pick * reps.size).astype(np.int64)]
    wanted = np.empty(pick.size, dtype=np.int64)
    n = 0
    for i in range(pick.size):
        if want[i] < willing[looker[i]] and free[looker[i]] > 0:
            wanted[n] = i
            n += 1
    wanted = wanted[:n][np.argsort(-score[wanted[:n]], kind="mergesort")]
    # Grouped by taker, best score first within each (a stable counting sort by row).
    first = np.zeros(carry.size + 1, dtype=np.int64)
    for i in wanted:
        first[looker[i] + 1] += 1
    first = np.cumsum(first)
    cand = np.empty(n, dtype=np.int64)
    for i in wanted:
        cand[first[looker[i]]] = i
        first[looker[i]] += 1
    taken = np.zeros(cand.size, dtype=np.bool_)
    rank = 0
    for j in range(cand.size):
        rank = rank + 1 if j and looker[cand[j]] == looker[cand[j - 1]] else 0
        taken[j] = rank < free[looker[cand[j]]]
    take = cand[taken]
    return take, looker[take]
