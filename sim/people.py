"""What every employee does each week: the rules about one person, compiled.

Ramp-up, productivity and meetings at the start of the week; trust, morale and forgetting of training
at its end. Roles differ only in the inputs they bring (their experience of the other side, their pay
satisfaction and workload); the rules are the same for everyone. A `person` is one row of the staff
table (`sim.staff`); writing to its fields writes to the table.
"""

from __future__ import annotations

import math

from sim.compiled import kernel

WORK_HOURS = 40.0  # a working week; meeting time is a share of it
QUARTER = 13


@kernel
def ready(staff, p, week: int, first: int = 0) -> None:
    """Ramp and productivity of everyone from row `first` on, as of `week`: new hires ramp up
    linearly over their role's ramp time; output is relative to a fully ramped, average employee
    (skill, ramp, training, morale)."""
    p = p[0]
    ramp_weeks = (p.ramp_weeks_marketing, p.ramp_weeks_sales, p.ramp_weeks_service)
    specialisation = p.unspecialised_output + p.output_per_specialisation * p.specialisation
    for r in range(first, staff.size):
        person = staff[r]
        person.ramp = min(1.0, (week - person.hired_week + 1) / ramp_weeks[person.role])
        skill = person.ramp * (person.skill + person.training_gain)
        morale = p.productivity_at_no_morale + p.productivity_per_morale * person.morale
        person.productivity = skill * specialisation * morale


@kernel
def begin_week(staff, p, week: int, liaison: float) -> None:
    """Fix this week's ramp, productivity and meeting attendance (people go to the scheduled joint
    meetings less often when they trust the other side less), and how far each one's conflict with
    the other side reaches the work (`hostility`); nobody has written a report yet this week."""
    ready(staff, p, week)
    p = p[0]
    hours = p.meeting_hours_week
    for r in range(staff.size):
        staff[r].reports = 0
        attendance = min(1.0, p.attendance_at_no_trust + staff[r].trust)
        staff[r].meeting_hours = hours * attendance if hours > 0 else 0.0
        staff[r].hostility = hostility(staff[r].conflict, liaison, p)


@kernel
def hostility(conflict: float, liaison: float, p) -> float:
    """Conflict reaches the work as a share below 1 (half at `hostility_half_conflict`), which an
    effective liaison absorbs (Dewsnap & Jobber 2009): it carries the work across the line that the
    two sides no longer cross themselves."""
    return conflict / (p.hostility_half_conflict + conflict) * (1.0 - liaison)


@kernel
def update_trust(person, experience: float, liaison: float, integration: float, p) -> None:
    """Trust drifts to what experience, contact and structure support (blame acts on top)."""
    met = min(1.0, person.meeting_hours / p.contact_meeting_hours)
    contact = met * (1.0 - p.contact_liaison_share) + liaison * p.contact_liaison_share
    anchor = (
        p.trust_at_nothing
        + p.trust_per_experience * experience
        + p.trust_per_contact * contact
        + p.trust_per_integration * integration
    )
    person.trust += p.trust_adjust_weekly * (anchor - person.trust)


@kernel
def update_morale(person, pay_satisfaction: float, overload: float, support: float, p) -> None:
    """Morale adjusts to pay, conflict, workload and support over about a quarter (Houghton). Workload
    weighs by the share of one's work left undone, which no overload can push past all of it."""
    person.conflict *= p.conflict_memory_weekly
    undone = overload / (1.0 + overload)
    target = (
        p.morale_at_nothing
        + p.morale_per_pay * pay_satisfaction
        - p.morale_per_conflict * min(person.conflict, p.morale_conflict_cap)
        - p.morale_per_undone * undone
        + p.morale_per_support * support
    )
    person.morale = min(1.0, max(0.0, person.morale + (target - person.morale) / p.morale_adjust_weeks))


@kernel
def decay_training(person, coaching: float, p) -> None:
    """Ebbinghaus-type forgetting; joint meetings and coaching reinforce and slow it."""
    meetings = person.meeting_hours / p.reinforcing_meeting_hours
    reinforcement = min(p.reinforcement_cap, meetings + p.reinforcement_per_coaching * coaching)
    person.training_gain *= math.exp(-p.training_decay * (1 - reinforcement))


@kernel
def blamed(person, given: int, received: int, p) -> None:
    """Blame events: the target loses morale and trust; blaming is believing, so the blamer loses
    trust too (half as much); both remember the conflict."""
    person.morale = max(0.0, person.morale - p.blame_morale_hit * received)
    person.trust = max(0.0, person.trust - p.blame_trust_hit / 2 * given - p.blame_trust_hit * received)
    person.conflict += given + received


@kernel
def quit_hazard(person, p) -> float:
    """Weekly probability of quitting: the role's base rate, rising steeply as morale falls."""
    base = (p.quit_marketing_annual, p.quit_sales_annual, p.quit_service_annual)[person.role] / 52
    return min(1.0, base * math.exp(p.quit_morale_sensitivity * (p.morale_quit_reference - person.morale)))
