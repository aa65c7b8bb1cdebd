"""What each intervention does to a running model (the data side lives in `sim.interventions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import Role
from sim.contract import lever_changes
from sim.interventions import Intervention
from sim.market import Source, State
from sim.params import spec
from sim.workforce import hire

if TYPE_CHECKING:
    from sim.model import TruceModel


def apply(model: TruceModel, iv: Intervention) -> None:
    """Dispatch on the intervention's kind."""
    _HANDLERS[iv.kind](model, iv)


def _training(model: TruceModel, iv: Intervention) -> None:
    """A one-off sales training: a skill gain that decays (Ebbinghaus) unless reinforced."""
    reps = model.salespeople()
    chosen = model.streams["interventions"].random(len(reps)) < iv.get("share")
    for rep, yes in zip(reps, chosen, strict=True):
        if yes:
            rep.training_gain += iv.get("gain")


def _hire(model: TruceModel, iv: Intervention) -> None:
    hire(model, Role(iv.get("role")), iv.get("n"), model.streams["interventions"])


def _buy_leads(model: TruceModel, iv: Intervention) -> None:
    """Bought leads go into the same hand-off queue; `quality` is how well they were pre-selected."""
    market, rng = model.market, model.streams["interventions"]
    pool = np.flatnonzero(market.state <= State.AWARE)
    n = min(iv.get("n"), pool.size // 3)
    if n <= 0:
        return
    cand = rng.choice(pool, size=3 * n, replace=False)
    quality = iv.get("quality")
    rank = quality * market.fit(cand) + (1 - quality) * rng.random(cand.size)
    chosen = cand[np.argsort(-rank, kind="stable")[:n]]
    market.state[chosen] = State.LEAD
    market.since[chosen] = model.week
    model.queue.add(chosen, -1, np.full(n, quality), model.week, Source.BOUGHT)
    model.leads_generated[Source.BOUGHT] += n


def _set(model: TruceModel, iv: Intervention) -> None:
    """Change parameters; nothing changes if the result is invalid (alone or with the others)."""
    model.p = model.p.replace(lever_changes(iv), f"intervention {iv.kind}")


def _switch(model: TruceModel, iv: Intervention) -> None:
    """Adopt another design's levers. The dip that follows comes from mechanisms: relationships
    reset (trust returns halfway to neutral) and the change unsettles people in proportion to how
    much changed, less with leadership backing; morale, quits and re-learning do the rest.

    Only the levers the new design file sets change: headcount, budget, CRM and leadership backing
    are the company's own, not the design's, and stay as they are."""
    levers = lever_changes(iv)
    if not levers:
        return
    change = np.mean(
        [
            abs(float(v) - float(getattr(model.p, n))) / (spec(n).range[1] - spec(n).range[0])
            for n, v in levers.items()
        ]
    )
    model.p = model.p.replace(levers, f"switch to {iv.get('design')}")
    shock = min(0.3, 1.5 * float(change)) * (1 - 0.6 * model.p.leadership_backing)
    model.org.change_shock += shock
    for person in model.agents:
        person.trust += 0.5 * (0.5 - person.trust)
        person.morale = max(0.0, person.morale - shock)
    model.org.consistency *= 1 - float(change)


_HANDLERS = {
    "sales_training": _training,
    "hire": _hire,
    "buy_leads": _buy_leads,
    "crm": _set,
    "liaison": _set,
    "leadership_backing": _set,
    "switch_design": _switch,
    "set": _set,
}
