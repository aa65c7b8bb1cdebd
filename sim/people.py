"""What every employee does each week, as array functions over the staff table.

Ramp-up, productivity and meetings at the start of the week; trust, morale and forgetting of training
at its end. Roles differ only in the inputs they bring (their experience of the other side, their pay
satisfaction and workload); the rules are the same for everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.params import Params
from sim.staff import CODE, Role, Staff

if TYPE_CHECKING:
    from sim.organisation import Organisation

MORALE_QUIT_REFERENCE = 0.6  # morale at which the quit hazard equals the department's base rate
BLAME_MORALE_HIT = 0.04  # morale lost by the target of one blame event
BLAME_TRUST_HIT = 0.05  # trust lost by the target (and, halved, by the one who blames)
WORK_HOURS = 40.0  # a working week; meeting time is a share of it
QUARTER = 13


def ramp(staff: Staff, p: Params, week: int) -> np.ndarray:
    """Share of full productivity reached: new hires ramp up linearly over their role's ramp time."""
    weeks = np.array((p.ramp_weeks_marketing, p.ramp_weeks_sales, p.ramp_weeks_service))[staff.role]
    return np.minimum(1.0, (week - staff.hired_week + 1) / weeks)


def productivity(staff: Staff, p: Params) -> np.ndarray:
    """Output relative to a fully ramped, average employee (skill, ramp, training, morale)."""
    specialisation = 0.8 + 0.2 * p.specialisation
    return staff.ramp * (staff.skill + staff.training_gain) * specialisation * (0.8 + 0.4 * staff.morale)


def begin_week(staff: Staff, p: Params, week: int) -> None:
    """Fix this week's ramp, productivity and meeting attendance (people go to the scheduled joint
    meetings less often when they trust the other side less)."""
    staff.ramp = ramp(staff, p, week)
    staff.productivity = productivity(staff, p)
    hours = p.meeting_hours_week
    staff.meeting_hours = hours * np.minimum(1.0, 0.4 + staff.trust) if hours > 0 else np.zeros(len(staff))


def update_trust(staff: Staff, p: Params, org: Organisation, experience: np.ndarray) -> None:
    """Trust drifts to what experience, contact and structure support (blame acts on top)."""
    contact = np.minimum(1.0, staff.meeting_hours / 2) * 0.5 + org.liaison_strength * 0.5
    anchor = 0.15 + 0.45 * experience + 0.2 * contact + 0.2 * p.integration
    staff.trust += 0.04 * (anchor - staff.trust)


def update_morale(
    staff: Staff, p: Params, org: Organisation, pay_satisfaction: np.ndarray, overload: np.ndarray
) -> None:
    """Morale adjusts to pay, conflict, workload and support over about a quarter (Houghton)."""
    staff.conflict *= 0.9
    target = (
        0.3
        + 0.45 * pay_satisfaction
        - 0.12 * np.minimum(staff.conflict, 2.0)
        - 0.25 * overload
        + 0.1 * org.support
    )
    staff.morale = np.clip(staff.morale + (target - staff.morale) / p.morale_adjust_weeks, 0.0, 1.0)


def decay_training(staff: Staff, p: Params, org: Organisation) -> None:
    """Ebbinghaus-type forgetting; joint meetings and coaching reinforce and slow it."""
    reinforcement = np.minimum(0.8, staff.meeting_hours / 5 + 0.3 * org.coaching)
    staff.training_gain *= np.exp(-p.training_decay * (1 - reinforcement))


def blamed(staff: Staff, blamers: np.ndarray, targets: np.ndarray) -> None:
    """Blame events: the target loses morale and trust; blaming is believing, so the blamer loses
    trust too; both remember the conflict. Each row may appear several times."""
    n = len(staff)
    given, received = np.bincount(blamers, minlength=n), np.bincount(targets, minlength=n)
    staff.morale = np.maximum(0.0, staff.morale - BLAME_MORALE_HIT * received)
    staff.trust = np.maximum(0.0, staff.trust - BLAME_TRUST_HIT / 2 * given - BLAME_TRUST_HIT * received)
    staff.conflict += given + received


def quit_hazard(staff: Staff, p: Params) -> np.ndarray:
    """Weekly probability of quitting: the role's base rate, rising steeply as morale falls."""
    base = np.array((p.quit_marketing_annual, p.quit_sales_annual, p.quit_service_annual))[staff.role] / 52
    return np.minimum(1.0, base * np.exp(p.quit_morale_sensitivity * (MORALE_QUIT_REFERENCE - staff.morale)))


def is_role(staff: Staff, role: Role) -> np.ndarray:
    """Mask of the rows of one role."""
    return staff.role == CODE[role]
