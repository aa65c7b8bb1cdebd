"""Employees as Mesa agents: marketers, salespeople and service staff, each deciding from its own state."""

from sim.agents.employee import Employee, Role
from sim.agents.marketer import Marketer
from sim.agents.salesperson import Salesperson
from sim.agents.service import ServiceAgent

AGENT_TYPES: dict[Role, type[Employee]] = {
    Role.MARKETING: Marketer,
    Role.SALES: Salesperson,
    Role.SERVICE: ServiceAgent,
}

__all__ = ["AGENT_TYPES", "Employee", "Marketer", "Role", "Salesperson", "ServiceAgent"]
