"""People flows per department: quits, vacancies that take weeks to fill, hires who ramp up.

Each person decides to quit from their own morale; a quit opens a vacancy whose fill time is drawn
from the hiring stream; a filled vacancy is a new agent with tenure zero (so it ramps up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.agents import AGENT_TYPES, Employee, Marketer, Role
from sim.agents.employee import quit_hazard_rule
from sim.market import FEATURES, State

if TYPE_CHECKING:
    from sim.model import TruceModel


QUIT_BOUND = 1.0 + 1e-9  # `math.exp` may wobble in the last bit; the ceiling allows for it


@dataclass
class Department:
    """One role's vacancies and this week's flows."""

    role: Role
    vacancies: list[int] = field(default_factory=list)  # week each open seat will be filled
    hires: int = 0
    quits: int = 0
    initial: int = 0
    total_hires: int = 0
    total_quits: int = 0

    def reset_week(self) -> None:
        self.hires = self.quits = 0


def new_employee(
    model: TruceModel,
    role: Role,
    hired_week: int,
    rng: np.random.Generator,
    morale: float | None = None,
) -> Employee:
    """A new person: skill varies between people; a marketer starts with a rough scoring model."""
    skill = float(np.clip(rng.normal(1.0, 0.15), 0.5, 1.5))
    morale = float(np.clip(rng.normal(0.62, 0.08), 0.2, 1.0)) if morale is None else morale
    cls = AGENT_TYPES[role]
    if cls is Marketer:
        # New hires know the market as it was taught, not as it has drifted since: only feedback
        # from sales brings their scoring up to date.
        taste = model.market.initial_taste
        scoring = 0.6 * taste + 0.8 * _unit(rng.normal(size=FEATURES))  # cos ~ 0.6 to the truth
        return Marketer(model, hired_week, skill, morale, scoring)
    return cls(model, hired_week, skill, morale)


def consider_quitting(model: TruceModel) -> None:
    """Every person weighs quitting this week; leavers open a vacancy and hand their work over."""
    q, hiring = model.streams["quits"], model.streams["hiring"]
    people = model.everyone()
    u = q.random(len(people)).tolist()
    # Nobody's hazard exceeds their role's at zero morale, so a draw at or above that (less a
    # rounding margin) never quits: only the few lower draws need the person's own hazard.
    ceiling = {role: quit_hazard_rule(model.p, role, 0.0) * QUIT_BOUND for role in Role}
    for person, draw in zip(people, u, strict=True):
        if draw < ceiling[person.role] and draw < person.quit_hazard():
            dept = model.departments[person.role]
            dept.quits += 1
            dept.total_quits += 1
            weeks = getattr(model.p, f"vacancy_weeks_{person.role.value}")
            dept.vacancies.append(model.week + max(1, math.ceil(hiring.exponential(weeks))))
            _hand_over(model, person)
            person.remove()


def _hand_over(model: TruceModel, person: Employee) -> None:
    """A leaver's open opportunities and customers pass to colleagues of the same role."""
    market = model.market
    field_ = {Role.SALES: market.owner, Role.SERVICE: market.server}.get(person.role)
    if field_ is None:
        return
    mine = (field_ == person.unique_id).nonzero()[0]
    if not mine.size:
        return
    colleagues = [a for a in model.agents_by_role(person.role) if a is not person]
    if not colleagues:
        if person.role is Role.SALES:  # nobody left to sell: the deals go cold
            market.state[mine] = State.AWARE
            market.since[mine] = model.week
        field_[mine] = -1
        return
    pick = model.streams["hiring"].integers(len(colleagues), size=mine.size)
    ids = np.array([c.unique_id for c in colleagues], dtype=np.int32)
    field_[mine] = ids[pick]
    if person.role is Role.SALES:
        for i in pick.tolist():
            colleagues[i].open += 1


def fill_vacancies(model: TruceModel) -> None:
    """Seats whose search is over get a new hire this week."""
    rng = model.streams["hiring"]
    for role, dept in model.departments.items():
        due = [w for w in dept.vacancies if w <= model.week]
        if due:
            dept.vacancies = [w for w in dept.vacancies if w > model.week]
            hire(model, role, len(due), rng)


def hire(model: TruceModel, role: Role, n: int, rng: np.random.Generator) -> None:
    """Add `n` new people to `role` now (tenure zero: they ramp up)."""
    dept = model.departments[role]
    for _ in range(n):
        new_employee(model, role, model.week, rng)
    dept.hires += n
    dept.total_hires += n
    model.hire_costs += n * model.p.hire_cost


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)
