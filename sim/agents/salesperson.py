"""Salespeople: the quarter's horizon, quota and commission, limited capacity, and their choices."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.agents.employee import Employee, Role

if TYPE_CHECKING:
    from sim.model import TruceModel

QUARTER = 13
SELLING_HOURS = 12.0  # of a 40-hour week (share of time selling 22-38%, CALIBRATION "People")
FEEDBACK_HOURS = 0.25  # time to write up one lead outcome for marketing


class Salesperson(Employee):
    """Works opportunities against a quarterly quota; decides which leads to take, what to promise."""

    role = Role.SALES

    def __init__(self, model: TruceModel, hired_week: int, skill: float, morale: float) -> None:
        super().__init__(model, hired_week, skill, morale)
        self.open = 0  # open opportunities owned
        self.bookings = 0.0  # contract value won this quarter
        self.last_attainment = 1.0  # bookings / quota of the last completed quarter
        self.perceived = 0.5  # own experience of marketing leads' quality, 0..1
        self.reports = 0  # feedback written this week

    # ------------------------------------------------------------------ capacity and effort
    def capacity(self) -> float:
        """Open opportunities this person can carry: less while ramping, less when time goes to meetings."""
        p = self.model.p
        busy = (self.meeting_hours + FEEDBACK_HOURS * self.reports) / SELLING_HOURS
        time = max(0.0, 1 - 0.5 * busy)
        return p["rep_capacity"] * (0.3 + 0.7 * self.ramp()) * time

    def free_capacity(self) -> int:
        return max(0, math.floor(self.capacity() - self.open))

    def overload(self) -> float:
        return max(0.0, self.open / max(1e-9, self.capacity()) - 1.0)

    def effort(self) -> float:
        """Selling effort: shared pay invites free-riding; a retention bonus lowers acquisition urgency."""
        p = self.model.p
        return (1 - p["free_riding"] * p["shared_bonus_share"]) * (1 - 0.2 * p["retention_bonus_share"])

    def quota(self) -> float:
        """This quarter's quota, prorated while ramping (common sales practice)."""
        return self.model.quota * (0.3 + 0.7 * self.ramp())

    def pace(self) -> float:
        """Bookings so far against the quota's pro-rata share of the quarter elapsed."""
        elapsed = (self.model.week - 1) % QUARTER + 1
        expected = self.quota() * elapsed / QUARTER
        return self.bookings / expected if expected > 0 else 1.0

    # ------------------------------------------------------------------ decisions
    def willingness(self) -> float:
        """Chance of taking a marketing lead offered this week, from own trust and experience.

        Shared rewards raise cooperation (Le Meunier-FitzHugh et al. 2011); an SLA pushes acceptance
        as far as this person complies; hand-off friction loses what the lead's context was.
        """
        p = self.model.p
        own = self.trust * (0.3 + 0.7 * self.perceived)
        coop = 0.25 * p["shared_bonus_share"] + 0.1 * p["marketing_revenue_weight"]
        push = 0.25 * self.sla_compliance()
        friction = p["handoff_friction"] * (1 - 0.5 * self.model.org.liaison_strength)
        return min(1.0, max(0.0, own * (1 - friction) + coop + push))

    def sla_compliance(self) -> float:
        """Probability of meeting the lead SLA (0 when there is none)."""
        p = self.model.p
        if p["lead_sla_hours"] <= 0:
            return 0.0
        return min(1.0, 0.4 + 0.4 * self.trust + 0.3 * p["leadership_backing"])

    def response_hours(self) -> float:
        """Mean first-contact delay: longer when loaded; a CRM shortens it as far as trust uses it."""
        p = self.model.p
        load = self.open / max(1.0, self.capacity())
        crm = 1 - 0.3 * p["crm_level"] * self.trust
        return p["response_hours"] * (0.5 + load) * crm * (1 + p["handoff_friction"])

    def overpromise_probability(self) -> float:
        """Under quota pressure late in the quarter, promise more than service can deliver."""
        p = self.model.p
        behind = max(0.0, 1 - self.pace())
        lateness = ((self.model.week - 1) % QUARTER + 1) / QUARTER
        guard = (1 - p["retention_bonus_share"]) * (1 - 0.3 * p["integration"])
        return min(1.0, 0.8 * behind * lateness * guard)

    def feedback_probability(self) -> float:
        """Chance of reporting a marketing lead's outcome: design's norm, times own trust and tools."""
        p = self.model.p
        prob = p["feedback_probability"] * (0.4 + 0.6 * self.trust)
        prob *= (1 + 0.3 * p["shared_bonus_share"]) * (1 + 0.5 * p["crm_level"] * self.trust)
        return min(1.0, prob)

    def miss(self) -> float:
        return max(0.0, 1 - self.pace())

    def pay_satisfaction(self) -> float:
        """Pay follows own attainment, team attainment and retention, as the incentive mix says.

        Sharing dilutes a top performer's pay: pure commission keeps the sellers who win now, shared
        pay keeps the average ones (Houghton et al.).
        """
        p = self.model.p
        shared, retention = p["shared_bonus_share"], p["retention_bonus_share"]
        own = 0.5 * self.last_attainment + 0.5 * self.pace()
        team = self.model.org.team_attainment
        mix = (1 - shared - retention) * own + shared * team + retention * self.model.retention_score
        return min(1.0, max(0.0, mix / 1.3))

    def learn_from_lead(self, qualified: bool) -> None:
        """Own experience of marketing leads: the basis of trust in them."""
        self.perceived += 0.05 * (float(qualified) / 0.6 - self.perceived)
        self.perceived = min(1.0, max(0.0, self.perceived))

    def close_quarter(self) -> bool:
        """Book the quarter's result; True if at or above quota."""
        quota = self.quota()
        self.last_attainment = self.bookings / quota if quota > 0 else 1.0
        self.bookings = 0.0
        return self.last_attainment >= 1.0
