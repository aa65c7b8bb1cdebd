"""Service staff: onboard and serve customers; overload lowers the quality they deliver."""

from __future__ import annotations

from sim.agents.employee import WORK_HOURS, Employee, Role
from sim.market import forrester_effect


class ServiceAgent(Employee):
    """Delivers what sales promised, as well as its own load allows."""

    role = Role.SERVICE
    load = 0.0
    gap_share = 0.0  # share of own customers still waiting for an over-promise to be delivered

    def capacity(self) -> float:
        p = self.model.p
        time = 1 - self.meeting_hours / WORK_HOURS
        return max(1e-9, p.service_capacity * self.productivity() * time)

    def overload(self) -> float:
        return max(0.0, self.load / self.capacity() - 1.0)

    def quality(self) -> float:
        """Quality delivered: Forrester's delivery-delay effect of this agent's own backlog."""
        return float(forrester_effect(1.0 + self.overload()))

    def miss(self) -> float:
        """Sales promised what cannot be delivered: the service side's reason to blame sales."""
        return min(1.0, 2 * self.gap_share + self.overload())

    def pay_satisfaction(self) -> float:
        return 0.65
