"""People flows per department: quits, vacancies that take weeks to fill, hires who ramp up.

Each person decides to quit from their own morale; a quit opens a vacancy whose fill time is drawn
from the hiring stream; a filled vacancy is a new person with tenure zero (so it ramps up). Service
headcount is planned each quarter against the customer book, within a budget: a company that wins
customers hires the people to serve them, months later (search and ramp-up), as real ones do. How new
people are drawn and the service plan's floor are registered constants (`sim/constants/workforce.toml`).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim import people
from sim.agents import AGENT_TYPES
from sim.compiled import kernel
from sim.market import State
from sim.staff import CODE, FEATURES, ROLES, Role
from sim.tally import HIRES, QUITS

if TYPE_CHECKING:
    from sim.model import TruceModel


@dataclass
class Department:
    """One role's open seats: the week each will be filled, as a heap (the soonest first); and the
    planned headcount, if the role is planned (None: every quit is refilled, nothing more)."""

    role: Role
    vacancies: list[int] = field(default_factory=list)
    plan: int | None = None


def hire(
    model: TruceModel, role: Role, hired_week: np.ndarray | int, rng: np.random.Generator, n: int
) -> None:
    """Add `n` people to `role` (Mesa agents with rows in the staff table): skill varies between
    people (around the average person's 1); a marketer starts with a rough scoring model.

    New marketers know the market as it was taught, not as it has drifted since: only feedback from
    sales brings their scoring up to date.
    """
    if n <= 0:
        return
    p = model.p
    skill = np.clip(rng.normal(1.0, p.hire_skill_spread, n), p.hire_skill_floor, p.hire_skill_cap)
    morale = np.clip(rng.normal(p.hire_morale_mean, p.hire_morale_spread, n), p.hire_morale_floor, 1.0)
    scoring = None
    if role is Role.MARKETING:
        noise = rng.normal(size=(n, FEATURES))
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        # a unit taste and a unit noise, by default weighted 0.6 and 0.8: cos ~ 0.6 to the truth
        scoring = (
            p.hire_scoring_taste_weight * model.market.initial_taste + p.hire_scoring_noise_weight * noise
        )
    agents = [AGENT_TYPES[role](model) for _ in range(n)]
    staff = model.staff
    staff.add(agents, role, hired_week, skill, morale, model.p, scoring)
    # New people count (ramping) from the day they start.
    people.ready(staff.table, model.p.packed, model.week, len(staff) - n)


def consider_quitting(model: TruceModel, tally: np.ndarray) -> None:
    """Every person weighs quitting this week; leavers open a vacancy and hand their work over to
    colleagues of the same role who stay. Counts quits per role into `tally`."""
    staff, p = model.staff, model.p
    gone = _leavers(staff.table, p.packed, model.streams["quits"].random(len(staff)))
    if not gone.size:
        return
    leaving = np.zeros(len(staff), dtype=bool)
    leaving[gone] = True
    for role in ROLES:
        mine = leaving & (staff.role == CODE[role])
        n = int(np.count_nonzero(mine))
        tally[QUITS[CODE[role]]] += n
        if not n:
            continue
        dept = model.departments[role]
        stay = int(np.count_nonzero(staff.role == CODE[role])) - n
        seats = n if dept.plan is None else min(n, dept.plan - stay - len(dept.vacancies))
        _search(model, dept, seats)
        _hand_over(model, role, staff.uid[mine], (~leaving & (staff.role == CODE[role])).nonzero()[0])
    for agent in [staff.agents[row] for row in gone.tolist()]:
        agent.remove()
    staff.remove(gone)


def _search(model: TruceModel, dept: Department, n: int) -> None:
    """Open `n` vacancies in `dept`, each filled after a search time drawn from the hiring stream."""
    if n <= 0:
        return
    weeks = getattr(model.p, f"vacancy_weeks_{dept.role.value}")
    hiring = model.streams["hiring"]
    for due in (model.week + np.maximum(1, np.ceil(hiring.exponential(weeks, n)))).astype(int).tolist():
        heapq.heappush(dept.vacancies, due)


def plan_service(model: TruceModel) -> None:
    """The quarter's service headcount plan: enough people to carry the customer book at the planned
    load (`service_planned_load` of what one person serves well; onboarding customers weigh more),
    as far as the budget allows (`service_budget_share` of recurring revenue in salaries), and never
    below `service_plan_floor` people. Seats missing from the plan are searched for; seats above it
    are not refilled when people leave, and searches beyond it stop (nobody is laid off)."""
    p, market, dept = model.p, model.market, model.departments[Role.SERVICE]
    if p.service_planned_load <= 0:
        return
    cust = market.customers
    onboarding = np.count_nonzero(model.week - market.since[cust] < p.onboarding_weeks)
    load = float(onboarding) * (p.onboarding_load - 1)
    need = math.ceil((cust.size + load) / (p.service_capacity * p.service_planned_load))
    revenue_week = float(market.value[cust].sum()) / 52
    if p.salary_week > 0:
        need = min(need, math.floor(p.service_budget_share * revenue_week / p.salary_week))
    dept.plan = max(p.service_plan_floor, need)
    have = int(np.count_nonzero(model.staff.role == CODE[Role.SERVICE]))
    excess = have + len(dept.vacancies) - dept.plan
    if excess > 0:
        dept.vacancies = sorted(dept.vacancies)[: max(0, len(dept.vacancies) - excess)]
    _search(model, dept, -excess)


def _hand_over(model: TruceModel, role: Role, leavers: np.ndarray, stay: np.ndarray) -> None:
    """Leavers' open opportunities (sales) or customers (service) pass to colleagues who stay."""
    market, staff = model.market, model.staff
    if role is Role.SALES:  # an owner is set only while the account is an opportunity
        field_, held = market.deals["owner"], market.indices(State.OPPORTUNITY)
    elif role is Role.SERVICE:  # a server only while it is a customer
        field_, held = market.server, market.customers
    else:
        return
    mine = _held_by(field_, held, leavers)
    if not mine.size:
        return
    if not stay.size:
        if role is Role.SALES:  # nobody left to sell: the deals go cold, referral and all
            market.move(mine, State.AWARE, model.week)
            market.referred[mine] = False
            market.deals["held"][mine] = False
        field_[mine] = -1
        return
    pick = stay[model.streams["hiring"].integers(stay.size, size=mine.size)]
    field_[mine] = staff.uid[pick]
    if role is Role.SALES:  # a deal held over stays held, off its new owner's workload
        staff.open += np.bincount(pick[~market.deals["held"][mine]], minlength=len(staff))


def fill_vacancies(model: TruceModel, tally: np.ndarray) -> None:
    """Seats whose search is over get a new hire this week; counts hires per role into `tally`."""
    for role, dept in model.departments.items():
        due = 0
        while dept.vacancies and dept.vacancies[0] <= model.week:
            heapq.heappop(dept.vacancies)
            due += 1
        if due:
            hire(model, role, model.week, model.streams["hiring"], due)
            tally[HIRES[CODE[role]]] += due


@kernel
def _leavers(staff, p, u):
    """The rows of those who quit this week: each person's uniform `u` below their quit hazard."""
    rows = np.empty(staff.size, dtype=np.int64)
    n = 0
    for r in range(staff.size):
        if u[r] < people.quit_hazard(staff[r], p[0]):
            rows[n] = r
            n += 1
    return rows[:n]


@kernel
def _held_by(field, accounts, ids):
    """Those of `accounts` whose `field` (owner or server) is one of `ids` (a few people who leave),
    in the order of `accounts`."""
    held = []
    for a in accounts:
        for uid in ids:
            if field[a] == uid:
                held.append(a)
    return np.array(held, dtype=np.int64)
