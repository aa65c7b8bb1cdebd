"""Step 1: marketing turns budget and effort into brand (a decaying stock) and leads (a flow)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.marketer import SCORING_NOISE
from sim.market import Source, State

if TYPE_CHECKING:
    from sim.model import TruceModel


def run_campaigns(model: TruceModel) -> None:
    """Each marketer splits effort, then scores a pool of aware accounts and hands over the best."""
    p, market, rng = model.p, model.market, model.streams["leads"]
    marketers = model.marketers()
    shares = [m.brand_share() for m in marketers]
    budget = model.budget_factor()
    brand_effort = sum(share * m.productivity() for m, share in zip(marketers, shares, strict=True))
    target = min(1.0, 1.5 * brand_effort / p.marketers) * budget
    market.update_brand(min(1.0, target), p.brand_decay)
    plans = [m.plan_leads(share, budget) for m, share in zip(marketers, shares, strict=True)]
    pools = np.array([math.ceil(n / share) if n else 0 for n, share in plans], dtype=np.int64)
    aware = market.indices(State.AWARE)
    total = int(np.add.reduce(pools))
    if not total or not aware.size:
        return
    if total > aware.size:  # a small market runs out of aware accounts
        pools = np.floor(pools * aware.size / total).astype(np.int64)
        total = int(np.add.reduce(pools))
    candidates = rng.choice(aware, size=total, replace=False)
    # Each marketer scores its own slice of the candidates. The scoring noise is drawn for all slices
    # at once: the same numbers, in the same order, as one draw per marketer.
    profiles = market.profile[candidates]
    noise = rng.normal(0, SCORING_NOISE, total)
    scores = np.empty(candidates.size)
    ends = pools.cumsum().tolist()
    for marketer, (n, _), size, end in zip(marketers, plans, pools.tolist(), ends, strict=True):
        if size:
            scores[end - size : end] = marketer.score(profiles[end - size : end], noise[end - size : end])
            marketer.leads_made = min(n, size)
    # ... and hands over its best `n`: one stable sort by (marketer, -score) instead of one per marketer.
    owner = np.arange(len(marketers)).repeat(pools)
    order = np.lexsort((-scores, owner))
    rank = np.arange(order.size) - (np.asarray(ends) - pools)[owner[order]]
    best = order[rank < np.array([n for n, _ in plans])[owner[order]]]
    if best.size:
        chosen = candidates[best]
        ids = np.array([m.unique_id for m in marketers], dtype=np.int64)[owner[best]]
        market.state[chosen] = State.LEAD
        market.since[chosen] = model.week
        model.queue.add(chosen, ids, scores[best], model.week, Source.MARKETING)
        model.leads_generated[Source.MARKETING] += int(chosen.size)
