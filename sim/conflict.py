"""Step 8: blame between departments, from missed targets and unclear attribution.

Each person blames from its own miss; backing, an effective liaison and structure damp it (the
organisation's `damping`); shared KPIs do not enter here (Le Meunier-FitzHugh et al. 2011).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents import Role

if TYPE_CHECKING:
    from sim.model import TruceModel

#: Who blames whom: sales blames marketing's leads, marketing sales' neglect, service sales' promises.
TARGET = {Role.SALES: Role.MARKETING, Role.MARKETING: Role.SALES, Role.SERVICE: Role.SALES}
MISS_BOUND = 1.0 + 1e-9  # every role's `miss()` is in [0, 1], up to rounding in the last bits


def blame(model: TruceModel) -> int:
    """Draw this week's blame events; returns how many there were."""
    rng = model.streams["conflict"]
    org = model.org
    base = model.p.blame_rate / 13 * (1 - org.clarity) * org.damping
    groups = {role: model.agents_by_role(role) for role in Role}
    events = 0
    for role in (Role.MARKETING, Role.SALES, Role.SERVICE):
        targets = groups[TARGET[role]]
        people = groups[role]
        draws = rng.random(len(people))
        picks = rng.integers(0, max(1, len(targets)), size=len(people))
        # A miss is at most 1 (a marketer's, a weighted mean of shares, to within rounding), so a
        # draw at or above `base` can never blame: asking only the others gives the same events.
        cutoff = base * MISS_BOUND
        for person, u, pick in zip(people, draws.tolist(), picks.tolist(), strict=True):
            if targets and u < cutoff and u < base * person.miss():
                person.give_blame()
                targets[pick].receive_blame()
                events += 1
    return events
