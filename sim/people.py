"""Steps 5, 7 and 9: service delivery, feedback and its effect on trust, then morale, quits and hiring."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import ServiceAgent
from sim.agents.salesperson import QUARTER
from sim.workforce import consider_quitting, fill_vacancies

if TYPE_CHECKING:
    from sim.model import TruceModel

UNSERVED_QUALITY = 0.15  # customers of a service seat left empty get next to nothing


def serve(model: TruceModel, servers: list[ServiceAgent]) -> np.ndarray:
    """Each service agent's load and quality; customers' satisfaction follows what they get.

    Returns quality indexed by agent id (the last entry is for customers with no server).
    """
    market = model.market
    cust = market.customers()
    size = model.agent_id_counter + 2
    # Each customer's server is read once (and kept equal to the column); with a team, everyone has one.
    server = market.server[cust]
    orphaned = server < 0
    served, served_by = cust, server
    if not servers:
        served, served_by = cust[~orphaned], server[~orphaned]
    elif orphaned.any():  # customers left without a server go to someone on the team
        ids = np.array([s.unique_id for s in servers], dtype=np.int32)
        n = int(np.count_nonzero(orphaned))
        server[orphaned] = ids[model.streams["service"].integers(len(ids), size=n)]
        market.server[cust[orphaned]] = server[orphaned]
    load = market.service_load(model.week, served, size, served_by)
    gaps = np.bincount(served_by, weights=market.gap[served] > 0.05, minlength=size)
    counts = np.bincount(served_by, minlength=size)
    quality = np.full(size, UNSERVED_QUALITY)
    load, gaps, counts = load.tolist(), gaps.tolist(), counts.tolist()  # Python numbers: cheaper to read
    for agent in servers:
        uid = agent.unique_id
        agent.load = load[uid]
        agent.gap_share = gaps[uid] / counts[uid] if counts[uid] else 0.0
        quality[uid] = agent.quality()
    market.serve(model.week, cust, quality, model.p.marketing_existing_focus, server)
    return quality


def exchange_feedback(model: TruceModel) -> None:
    """Reports reach marketers; both sides update trust from what they experienced this week."""
    delivered = model.feedback.deliver(model)
    fb = model.feedback
    if fb.resolved:
        model.org.feedback_rate += 0.1 * (fb.reported / fb.resolved - model.org.feedback_rate)
    marketers = model.marketers()
    uids = [m.unique_id for m in marketers]
    leaked = model.marketer_counts("leaked", uids)
    accepted = model.marketer_counts("accepted", uids)
    for m, uid, n_leaked, n_accepted in zip(marketers, uids, leaked, accepted, strict=True):
        m.review_week(n_leaked, n_accepted, delivered.get(uid, 0))
    for rep in model.salespeople():
        rep.update_trust(rep.perceived)
    for agent in model.service_staff():  # service trusts sales as far as sales' promises hold
        agent.update_trust(1 - min(1.0, 2 * agent.gap_share))


def review(model: TruceModel) -> None:
    """Morale, training decay, quits and hires; at a quarter's end, quotas are settled."""
    for person in model.everyone():
        person.update_morale(person.pay_satisfaction(), person.overload())
        person.decay_training()
    reps = model.salespeople()
    quotas = sum(r.quota() for r in reps)
    elapsed = (model.week - 1) % QUARTER + 1
    booked = sum(r.bookings for r in reps)
    model.org.team_attainment = booked / (quotas * elapsed / QUARTER) if quotas > 0 else 0.0
    model.year_bookings += model.selling.bookings
    model.year_rep_weeks += len(reps)
    if model.week % QUARTER == 0:
        at_quota = sum(r.close_quarter() for r in reps)
        model.quarter["rep_quarters"] = len(reps)
        model.quarter["at_quota"] = at_quota
        model.quarter["last_share"] = at_quota / len(reps) if reps else 0.0
    if model.week % 52 == 0 and model.year_rep_weeks:
        # Next year's quota: last year's bookings per rep-quarter, plus the growth target.
        per_rep_quarter = model.year_bookings / model.year_rep_weeks * QUARTER
        model.quota = per_rep_quarter * (1 + model.p.quota_growth)
        model.year_bookings, model.year_rep_weeks = 0.0, 0
    consider_quitting(model)
    fill_vacancies(model)
