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


def blame(model: TruceModel) -> int:
    """Draw this week's blame events; returns how many there were."""
    rng = model.streams["conflict"]
    org = model.org
    base = model.p["blame_rate"] / 13 * (1 - org.clarity) * org.damping
    groups = {role: model.agents_by_role(role) for role in Role}
    events = 0
    for role in (Role.MARKETING, Role.SALES, Role.SERVICE):
        targets = groups[TARGET[role]]
        people = groups[role]
        draws = rng.random(len(people))
        picks = rng.integers(0, max(1, len(targets)), size=len(people))
        for person, u, pick in zip(people, draws, picks, strict=True):
            if targets and u < base * person.miss():
                person.give_blame()
                targets[pick].receive_blame()
                events += 1
    return events
