"""What every employee has: morale, trust in the other department, tenure, skill, training, quitting."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import mesa

if TYPE_CHECKING:
    from sim.model import TruceModel

MORALE_QUIT_REFERENCE = 0.6  # morale at which the quit hazard equals the department's base rate
BLAME_MORALE_HIT = 0.04  # morale lost by the target of one blame event
BLAME_TRUST_HIT = 0.05  # trust lost by the target (and, halved, by the one who blames)
WORK_HOURS = 40.0  # a working week; meeting time is a share of it


class Role(StrEnum):
    """Department an employee belongs to (in `merged` people keep their role inside one unit)."""

    MARKETING = "marketing"
    SALES = "sales"
    SERVICE = "service"


#: Per-role parameter names, formatted once rather than in every person's weekly update.
RAMP_WEEKS = {role: f"ramp_weeks_{role}" for role in Role}
QUIT_ANNUAL = {role: f"quit_{role}_annual" for role in Role}


class Employee(mesa.Agent):
    """A person with a role. Subclasses add the role's work; this holds the common state and verbs."""

    role: Role
    model: TruceModel

    def __init__(self, model: TruceModel, hired_week: int, skill: float, morale: float) -> None:
        super().__init__(model)
        self.hired_week = hired_week
        self.skill = skill
        self.morale = morale
        self.trust = 0.5  # in the other department
        self.training_gain = 0.0  # skill added by a training, decaying unless reinforced
        self.conflict = 0.0  # recent blame received or given (decaying)
        self.meeting_hours = 0.0  # joint meeting time actually attended this week
        self.begin_week()

    # ------------------------------------------------------------------ state
    def tenure(self) -> int:
        return self.model.week - self.hired_week

    def begin_week(self) -> None:
        """Cache this week's ramp and productivity: many mechanisms read them many times a week."""
        model = self.model
        p = model.p
        self._ramp = min(1.0, (model.week - self.hired_week + 1) / getattr(p, RAMP_WEEKS[self.role]))
        spec = 0.8 + 0.2 * p.specialisation
        self._productivity = self._ramp * (self.skill + self.training_gain) * spec * (0.8 + 0.4 * self.morale)

    def ramp(self) -> float:
        """Share of full productivity reached: new hires ramp up linearly over the role's ramp time."""
        return self._ramp

    def productivity(self) -> float:
        """Output relative to a fully ramped, average employee (skill, ramp, training, morale)."""
        return self._productivity

    def overload(self) -> float:
        """Work beyond capacity, as a share of capacity (roles with a workload override this)."""
        return 0.0

    # ------------------------------------------------------------------ verbs
    def attend_meetings(self) -> None:
        """Go to the scheduled joint meetings, less often when trust in the other side is low."""
        hours = self.model.p.meeting_hours_week
        self.meeting_hours = hours * min(1.0, 0.4 + self.trust) if hours > 0 else 0.0

    def decay_training(self) -> None:
        """Ebbinghaus-type forgetting; joint meetings and coaching reinforce and slow it."""
        if self.training_gain > 0:
            reinforcement = min(0.8, self.meeting_hours / 5 + 0.3 * self.model.org.coaching)
            self.training_gain *= math.exp(-self.model.p.training_decay * (1 - reinforcement))

    def receive_blame(self) -> None:
        """Being blamed costs morale and trust in the department that blamed."""
        self.morale = max(0.0, self.morale - BLAME_MORALE_HIT)
        self.trust = max(0.0, self.trust - BLAME_TRUST_HIT)
        self.conflict += 1.0

    def give_blame(self) -> None:
        """Blaming is believing: it lowers the blamer's own trust too."""
        self.trust = max(0.0, self.trust - BLAME_TRUST_HIT / 2)
        self.conflict += 1.0

    def update_trust(self, experience: float) -> None:
        """Trust drifts to what experience, contact and structure support (blame acts on top)."""
        org = self.model.org
        contact = min(1.0, self.meeting_hours / 2) * 0.5 + org.liaison_strength * 0.5
        anchor = 0.15 + 0.45 * experience + 0.2 * contact + 0.2 * self.model.p.integration
        self.trust += 0.04 * (anchor - self.trust)

    def update_morale(self, pay_satisfaction: float, overload: float) -> None:
        """Morale adjusts to pay, conflict, workload and support over about a quarter (Houghton)."""
        org = self.model.org
        self.conflict *= 0.9
        target = (
            0.3
            + 0.45 * pay_satisfaction
            - 0.12 * min(self.conflict, 2.0)
            - 0.25 * overload
            + 0.1 * org.support
        )
        self.morale += (target - self.morale) / self.model.p.morale_adjust_weeks
        self.morale = min(1.0, max(0.0, self.morale))

    def quit_hazard(self) -> float:
        """Weekly probability of quitting: the base rate, rising steeply as morale falls."""
        return quit_hazard_rule(self.model.p, self.role, self.morale)


def quit_hazard_rule(p: dict[str, Any], role: Role, morale: float) -> float:
    """`Employee.quit_hazard` from its inputs; highest at zero morale (morale is never below 0)."""
    base = getattr(p, QUIT_ANNUAL[role]) / 52
    sens = p.quit_morale_sensitivity
    return min(1.0, base * math.exp(sens * (MORALE_QUIT_REFERENCE - morale)))
