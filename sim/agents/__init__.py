"""Employees as Mesa agents: views onto their row of the staff table (`sim.staff`).

`model.agents`, `agents_by_type`, `mesa.batch_run` and the dashboard see people as Mesa agents; the
weekly mechanisms see the table. An agent's attributes read and write its own row, so both see the
same values, and nothing is copied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim.staff import COLUMNS, Role

if TYPE_CHECKING:
    from sim.model import TruceModel


class _Column:
    """An agent attribute that is a cell of the staff table (Python numbers in, Python numbers out)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, agent: Employee | None, owner: type | None = None) -> Any:
        if agent is None:
            return self
        staff = agent.model.staff
        return getattr(staff, self.name)[staff.row_of[agent.unique_id]].item()

    def __set__(self, agent: Employee, value: Any) -> None:
        staff = agent.model.staff
        getattr(staff, self.name)[staff.row_of[agent.unique_id]] = value


class Employee(mesa.Agent):
    """A person with a role; every state variable is a column of `model.staff` (see `sim.staff`)."""

    role: Role
    model: TruceModel

    @property
    def row(self) -> int:
        """This person's row in `model.staff` (rows shift when colleagues leave; ids never do)."""
        return int(self.model.staff.row_of[self.unique_id])

    def tenure(self) -> int:
        return self.model.week - self.hired_week


for _name in COLUMNS:
    if _name not in ("uid", "role"):  # Mesa's `unique_id` and the class's `role` say these
        setattr(Employee, _name, _Column(_name))


class Marketer(Employee):
    """Splits effort between brand and demand; scores and passes leads; learns from sales' reports."""

    role = Role.MARKETING

    @property
    def scoring(self) -> np.ndarray:
        """Own estimate of the market's taste (a view: writing into it changes the table)."""
        return self.model.staff.scoring[self.row]


class Salesperson(Employee):
    """Works opportunities against a quarterly quota; decides which leads to take, what to promise."""

    role = Role.SALES


class ServiceAgent(Employee):
    """Onboards and serves customers; overload lowers the quality delivered."""

    role = Role.SERVICE


AGENT_TYPES: dict[Role, type[Employee]] = {
    Role.MARKETING: Marketer,
    Role.SALES: Salesperson,
    Role.SERVICE: ServiceAgent,
}

__all__ = ["AGENT_TYPES", "Employee", "Marketer", "Role", "Salesperson", "ServiceAgent"]
