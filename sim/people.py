"""What every employee does each week: the rules about one person, compiled.

Ramp-up, productivity and meetings at the start of the week; trust, morale and forgetting of training
at its end. Roles differ only in the inputs they bring (their experience of the other side, their pay
satisfaction and workload); the rules are the same for everyone. A `person` is one row of the staff
table (`sim.staff`); writing to its fields writes to the table.
"""

from __future__ import annotations

import math

from sim.compiled import kernel

MORALE_QUIT_REFERENCE = 0.6  # morale at which the quit hazard equals the department's base rate
BLAME_MORALE_HIT = 0.04  # morale lost by the target of one blame event
BLAME_TRUST_HIT = 0.05  # trust lost by the target (and, halved, by the one who blames)
WORK_HOURS = 40.0  # a working week; meeting time is a share of it
QUARTER = 13


@kernel
def ready(staff, p, week: int, first: int = 0) -> None:
    """Ramp and productivity of everyone from row `first` on, as of `week`: new hires ramp up
    linearly over their role's ramp time; output is relative to a fully ramped, average employee
    (skill, ramp, training, morale)."""
    p = p[0]
    ramp_weeks = (p.ramp_weeks_marketing, p.ramp_weeks_sales, p.ramp_weeks_service)
    specialisation = 0.8 + 0.2 * p.specialisation
    for r in range(first, staff.size):
        person = staff[r]
        person.ramp = min(1.0, (week - person.hired_week + 1) / ramp_weeks[person.role])
        skill = person.ramp * (person.skill + person.training_gain)
        person.productivity = skill * specialisation * (0.8 + 0.4 * person.morale)


@kernel
def begin_week(staff, p, week: int, liaison: float) -> None:
    """Fix this week's ramp, productivity and meeting attendance (people go to the scheduled joint
    meetings less often when they trust the other side less), and how far each one's conflict with
    the other side reaches the work (`hostility`)."""
    ready(staff, p, week)
    hours = p[0].meeting_hours_week
    for r in range(staff.size):
        staff[r].meeting_hours = hours * min(1.0, 0.4 + staff[r].trust) if hours > 0 else 0.0
        staff[r].hostility = hostility(staff[r].conflict, liaison)


@kernel
def hostility(conflict: float, liaison: float) -> float:
    """Conflict reaches the work as a share below 1 (one blame event a week held, about a half), which
    an effective liaison absorbs (Dewsnap & Jobber 2009): it carries the work across the line that
    the two sides no longer cross themselves."""
    return conflict / (1.0 + conflict) * (1.0 - liaison)


@kernel
def update_trust(person, experience: float, liaison: float, integration: float) -> None:
    """Trust drifts to what experience, contact and structure support (blame acts on top)."""
    contact = min(1.0, person.meeting_hours / 2) * 0.5 + liaison * 0.5
    anchor = 0.15 + 0.45 * experience + 0.2 * contact + 0.2 * integration
    person.trust += 0.04 * (anchor - person.trust)


@kernel
def update_morale(
    person, pay_satisfaction: float, overload: float, support: float, adjust_weeks: float
) -> None:
    """Morale adjusts to pay, conflict, workload and support over about a quarter (Houghton). Workload
    weighs by the share of one's work left undone, which no overload can push past all of it."""
    person.conflict *= 0.9
    undone = overload / (1.0 + overload)
    target = 0.3 + 0.45 * pay_satisfaction - 0.12 * min(person.conflict, 2.0) - 0.25 * undone + 0.1 * support
    person.morale = min(1.0, max(0.0, person.morale + (target - person.morale) / adjust_weeks))


@kernel
def decay_training(person, decay: float, coaching: float) -> None:
    """Ebbinghaus-type forgetting; joint meetings and coaching reinforce and slow it."""
    reinforcement = min(0.8, person.meeting_hours / 5 + 0.3 * coaching)
    person.training_gain *= math.exp(-decay * (1 - reinforcement))


@kernel
def blamed(person, given: int, received: int) -> None:
    """Blame events: the target loses morale and trust; blaming is believing, so the blamer loses
    trust too; both remember the conflict."""
    person.morale = max(0.0, person.morale - BLAME_MORALE_HIT * received)
    person.trust = max(0.0, person.trust - BLAME_TRUST_HIT / 2 * given - BLAME_TRUST_HIT * received)
    person.conflict += given + received


@kernel
def quit_hazard(person, p) -> float:
    """Weekly probability of quitting: the role's base rate, rising steeply as morale falls."""
    base = (p.quit_marketing_annual, p.quit_sales_annual, p.quit_service_annual)[person.role] / 52
    return min(1.0, base * math.exp(p.quit_morale_sensitivity * (MORALE_QUIT_REFERENCE - person.morale)))
