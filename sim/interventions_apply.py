"""What each intervention does to a running model (the data side lives in `sim.interventions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.contract import lever_changes
from sim.interventions import Intervention
from sim.market import State
from sim.params import spec
from sim.staff import Role
from sim.tally import Count
from sim.workforce import hire

if TYPE_CHECKING:
    from sim.model import TruceModel


def apply(model: TruceModel, iv: Intervention, tally: np.ndarray) -> None:
    """Dispatch on the intervention's kind; what it did for the weekly record (hires, leads) is
    counted into `tally`."""
    for name, n in (_HANDLERS[iv.kind](model, iv) or {}).items():
        tally[Count[name]] += n


def _training(model: TruceModel, iv: Intervention) -> None:
    """A one-off sales training: a skill gain that decays (Ebbinghaus) unless reinforced."""
    reps = model.staff.rows(Role.SALES)
    chosen = reps[model.streams["interventions"].random(reps.size) < iv.get("share")]
    model.staff.training_gain[chosen] += iv.get("gain")


def _hire(model: TruceModel, iv: Intervention) -> dict[str, int]:
    role, n = Role(iv.get("role")), iv.get("n")
    hire(model, role, model.week, model.streams["interventions"], n)
    return {f"hires_{role.value}": n}


def _buy_leads(model: TruceModel, iv: Intervention) -> dict[str, int]:
    """Bought leads go into the same hand-off queue; `quality` is how well they were pre-selected
    (the best by fit of `bought_lead_candidates` accounts per lead, at quality 1)."""
    market, rng = model.market, model.streams["interventions"]
    per_lead = model.p.bought_lead_candidates
    pool = market.prospects()
    n = min(iv.get("n"), pool.size // per_lead)
    if n <= 0:
        return {}
    cand = rng.choice(pool, size=per_lead * n, replace=False)
    quality = iv.get("quality")
    rank = quality * market.fit(cand) + (1 - quality) * rng.random(cand.size)
    chosen = cand[np.argsort(-rank, kind="stable")[:n]]
    market.move(chosen, State.LEAD, model.week)
    model.queue.add(chosen, -1, np.full(n, quality), model.week)
    return {"leads_bought": n}


def _set(model: TruceModel, iv: Intervention) -> None:
    """Change parameters; nothing changes if the result is invalid (alone or with the others)."""
    model.p = model.p.replace(lever_changes(iv), f"intervention {iv.kind}")


def _switch(model: TruceModel, iv: Intervention) -> None:
    """Adopt another design's levers. The dip that follows comes from mechanisms: relationships
    reset (trust returns part of the way to neutral, `switch_trust_reset`, halfway by default) and
    the change unsettles people in proportion to how much changed, less with leadership backing;
    morale, quits and re-learning do the rest.

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
    p = model.p
    shock = min(p.switch_shock_cap, p.switch_shock_per_change * float(change)) * (
        1 - p.switch_shock_damping_per_backing * p.leadership_backing
    )
    model.org.change_shock += shock
    staff = model.staff
    staff.trust += p.switch_trust_reset * (p.switch_trust_target - staff.trust)
    staff.morale = np.maximum(0.0, staff.morale - shock)
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
