"""Step 1: marketing turns budget and effort into brand (a decaying stock) and leads (a flow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.market import Source, State

if TYPE_CHECKING:
    from sim.model import TruceModel


def run_campaigns(model: TruceModel) -> None:
    """Each marketer splits effort, then scores a pool of aware accounts and hands over the best."""
    p, market, rng = model.p, model.market, model.streams["leads"]
    marketers = model.marketers()
    brand_effort = sum(m.brand_share() * m.productivity() for m in marketers)
    target = min(1.0, 1.5 * brand_effort / p["marketers"]) * model.budget_factor()
    market.update_brand(min(1.0, target), p["brand_decay"])
    plans = [m.plan_leads() for m in marketers]
    pools = np.array([int(np.ceil(n / share)) if n else 0 for n, share in plans], dtype=np.int64)
    aware = np.flatnonzero(market.state == State.AWARE)
    if not pools.sum() or not aware.size:
        return
    if pools.sum() > aware.size:  # a small market runs out of aware accounts
        pools = np.floor(pools * aware.size / pools.sum()).astype(np.int64)
    candidates = rng.choice(aware, size=int(pools.sum()), replace=False)
    start = 0
    batches = []
    for marketer, (n, _), size in zip(marketers, plans, pools, strict=True):
        pool = candidates[start : start + size]
        start += size
        if not pool.size:
            continue
        scores = marketer.score(market.profile[pool])
        best = np.argsort(-scores, kind="stable")[: min(n, pool.size)]
        batches.append((pool[best], np.full(best.size, marketer.unique_id), scores[best]))
        marketer.leads_made = int(best.size)
    if batches:
        chosen, ids, scores = (np.concatenate(parts) for parts in zip(*batches, strict=True))
        market.state[chosen] = State.LEAD
        market.since[chosen] = model.week
        model.queue.add(chosen, ids, scores, model.week, Source.MARKETING)
        model.leads_generated[Source.MARKETING] += int(chosen.size)
