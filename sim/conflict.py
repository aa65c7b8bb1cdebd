"""Step 8: blame between departments, from missed targets and unclear attribution.

Each person blames from its own miss; backing, an effective liaison and structure damp it (the
organisation's `damping`); shared KPIs do not enter here (Le Meunier-FitzHugh et al. 2011).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import marketing, people, sales, service
from sim.compiled import kernel
from sim.staff import Role

if TYPE_CHECKING:
    from sim.model import TruceModel

#: Who blames whom: sales blames marketing's leads, marketing sales' neglect, service sales' promises.
TARGET = {Role.SALES: Role.MARKETING, Role.MARKETING: Role.SALES, Role.SERVICE: Role.SALES}


def misses(model: TruceModel, rows: dict[Role, np.ndarray]) -> dict[Role, np.ndarray]:
    """How badly each person's own target is missed (0..1), by role."""
    p, staff, org = model.p, model.staff, model.org
    pace = _pace(rows[Role.SALES], staff.bookings, staff.ramp, model.quota, model.week)
    return {
        Role.MARKETING: marketing.miss(staff, rows[Role.MARKETING], p, org),
        Role.SALES: np.maximum(0.0, 1 - pace),
        Role.SERVICE: service.miss(staff, rows[Role.SERVICE], p),
    }


def blame(model: TruceModel, rows: dict[Role, np.ndarray]) -> int:
    """Draw this week's blame events and let them land; returns how many there were."""
    rng, org = model.streams["conflict"], model.org
    base = model.p.blame_rate / 13 * (1 - org.clarity) * org.damping
    miss = misses(model, rows)
    blamers, targets = [], []
    # Per person, one uniform decides whether they blame and one which colleague of the other side.
    draws, picks = rng.random((2, len(model.staff)))
    for role in (Role.MARKETING, Role.SALES, Role.SERVICE):
        who, other = rows[role], rows[TARGET[role]]
        if other.size:
            hit = draws[who] < base * miss[role]
            blamers.append(who[hit])
            targets.append(other[(picks[who[hit]] * other.size).astype(np.int64)])
    if not blamers:
        return 0
    blamers_, targets_ = np.concatenate(blamers), np.concatenate(targets)
    people.blamed(model.staff, blamers_, targets_)
    return int(blamers_.size)


@kernel
def _pace(rows, bookings, ramp, company_quota, week):
    return np.array([sales.pace(bookings[r], ramp[r], company_quota, week) for r in rows])
