"""Step 8: blame between departments, from missed targets and unclear attribution.

Each person blames from its own miss; backing, an effective liaison and structure damp it (the
organisation's `damping`); shared KPIs do not enter here (Le Meunier-FitzHugh et al. 2011).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import marketing, people, sales, service
from sim.compiled import kernel
from sim.staff import CODE, Role

MARKETING, SALES = CODE[Role.MARKETING], CODE[Role.SALES]

if TYPE_CHECKING:
    from sim.model import TruceModel


def blame(model: TruceModel, rows: dict[Role, np.ndarray]) -> int:
    """Draw this week's blame events and let them land; returns how many there were.

    Each person blames from its own miss (marketing: its KPI; sales: its pace against quota;
    service: sales' unkept promises and its own overload), at a rate the organisation sets.
    """
    rng, org, p = model.streams["conflict"], model.org, model.p
    base = p.blame_rate / 13 * (1 - org.clarity) * org.damping
    # Per person, one uniform decides whether they blame and one which colleague of the other side.
    draws, picks = rng.random((2, len(model.staff)))
    return _blame(
        model.staff.table,
        draws,
        picks,
        base,
        p.packed,
        org.team_attainment,
        model.quota,
        org.service_help,
        model.week,
        rows[Role.MARKETING],
        rows[Role.SALES],
        rows[Role.SERVICE],
    )


@kernel
def _blame(staff, draws, picks, base, p, team, company_quota, help_, week, marketers, reps, service_):
    p = p[0]
    given, received = np.zeros(staff.size, np.int64), np.zeros(staff.size, np.int64)
    # Who blames whom: marketing blames sales' neglect, sales marketing's leads, service sales' promises.
    for who, other in ((marketers, reps), (reps, marketers), (service_, reps)):
        if not other.size:
            continue
        for w in who:
            person = staff[w]
            if person.role == MARKETING:
                miss = marketing.miss(person.ignored, p.marketing_revenue_weight, team)
            elif person.role == SALES:
                miss = max(0.0, 1 - sales.pace(person.bookings, person.ramp, company_quota, week, p))
            else:
                miss = service.miss(person, p.service_capacity, help_, p)
            # A grudge lowers the threshold: who is in conflict blames more readily (self-reinforcing).
            if draws[w] < base * miss * (1.0 + p.blame_per_hostility * person.hostility):
                given[w] += 1
                received[other[np.int64(picks[w] * other.size)]] += 1
    for r in range(staff.size):
        if given[r] or received[r]:
            people.blamed(staff[r], given[r], received[r], p)
    return given.sum()
