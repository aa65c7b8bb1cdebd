"""Salespeople: the quarter's horizon, quota and commission, limited capacity, and their choices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.agents.employee import Employee, Role

if TYPE_CHECKING:
    from sim.model import TruceModel
    from sim.organisation import Organisation

QUARTER = 13
SELLING_HOURS = 12.0  # of a 40-hour week (share of time selling 22-38%, CALIBRATION "People")
FEEDBACK_HOURS = 0.25  # time to write up one lead outcome for marketing

# The decision rules below take one person's state as floats or a whole team's as arrays (the same
# arithmetic either way, so both give the same numbers to the last bit): a salesperson's methods ask
# them for itself, and `selling.SalesTeam` asks them once for everyone during selling.
Num = Any  # a float, or a numpy array with one entry per salesperson
_NUMBER = (float, int)  # a tuple: `isinstance` against `float | int` builds the union on every call


def _max(low: float, x: Num) -> Num:
    """`max` for one number (numpy's ufunc costs ~1 us a call), `np.maximum` for an array: both
    return `low` on a tie and so give the same numbers."""
    return max(low, x) if isinstance(x, _NUMBER) else np.maximum(low, x)


def _min(high: float, x: Num) -> Num:
    """`min` for one number, `np.minimum` for an array (the same numbers, as `_max`)."""
    return min(high, x) if isinstance(x, _NUMBER) else np.minimum(high, x)


def capacity_rule(p: dict[str, Any], ramp: Num, meeting_hours: Num, reports: Num) -> Num:
    """`Salesperson.capacity` from its inputs."""
    busy = (meeting_hours + FEEDBACK_HOURS * reports) / SELLING_HOURS
    time = _max(0.0, 1 - 0.5 * busy)
    return p.rep_capacity * (0.3 + 0.7 * ramp) * time


def free_capacity_rule(capacity: Num, open_: Num) -> Num:
    """`Salesperson.free_capacity` (as a float or a float array) from capacity and open deals."""
    return _max(0.0, np.floor(capacity - open_))


def sla_compliance_rule(p: dict[str, Any], trust: Num) -> Num:
    """`Salesperson.sla_compliance` from trust."""
    if p.lead_sla_hours <= 0:
        return np.zeros_like(trust, dtype=np.float64)
    return _min(1.0, 0.4 + 0.4 * trust + 0.3 * p.leadership_backing)


def willingness_rule(p: dict[str, Any], org: Organisation, trust: Num, perceived: Num) -> Num:
    """`Salesperson.willingness` from trust and experience of marketing's leads."""
    own = trust * (0.3 + 0.7 * perceived)
    coop = 0.25 * p.shared_bonus_share + 0.1 * p.marketing_revenue_weight
    push = 0.25 * sla_compliance_rule(p, trust)
    friction = p.handoff_friction * (1 - 0.5 * org.liaison_strength)
    return _min(1.0, _max(0.0, own * (1 - friction) + coop + push))


def response_hours_rule(p: dict[str, Any], open_: Num, capacity: Num, trust: Num) -> Num:
    """`Salesperson.response_hours` from load and trust."""
    load = open_ / _max(1.0, capacity)
    crm = 1 - 0.3 * p.crm_level * trust
    return p.response_hours * (0.5 + load) * crm * (1 + p.handoff_friction)


def overpromise_rule(p: dict[str, Any], week: int, pace: Num) -> Num:
    """`Salesperson.overpromise_probability` from the pace against quota."""
    behind = _max(0.0, 1 - pace)
    lateness = ((week - 1) % QUARTER + 1) / QUARTER
    guard = (1 - p.retention_bonus_share) * (1 - 0.3 * p.integration)
    return _min(1.0, 0.8 * behind * lateness * guard)


def feedback_rule(p: dict[str, Any], trust: Num) -> Num:
    """`Salesperson.feedback_probability` from trust."""
    prob = p.feedback_probability * (0.4 + 0.6 * trust)
    prob = prob * ((1 + 0.3 * p.shared_bonus_share) * (1 + 0.5 * p.crm_level * trust))
    return _min(1.0, prob)


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
        return float(capacity_rule(self.model.p, self.ramp(), self.meeting_hours, self.reports))

    def free_capacity(self) -> int:
        return int(free_capacity_rule(self.capacity(), self.open))

    def overload(self) -> float:
        return max(0.0, self.open / max(1e-9, self.capacity()) - 1.0)

    def effort(self) -> float:
        """Selling effort: shared pay invites free-riding; a retention bonus lowers acquisition urgency."""
        p = self.model.p
        return (1 - p.free_riding * p.shared_bonus_share) * (1 - 0.2 * p.retention_bonus_share)

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
        return float(willingness_rule(self.model.p, self.model.org, self.trust, self.perceived))

    def sla_compliance(self) -> float:
        """Probability of meeting the lead SLA (0 when there is none)."""
        return float(sla_compliance_rule(self.model.p, self.trust))

    def response_hours(self) -> float:
        """Mean first-contact delay: longer when loaded; a CRM shortens it as far as trust uses it."""
        return float(response_hours_rule(self.model.p, self.open, self.capacity(), self.trust))

    def overpromise_probability(self) -> float:
        """Under quota pressure late in the quarter, promise more than service can deliver."""
        return float(overpromise_rule(self.model.p, self.model.week, self.pace()))

    def feedback_probability(self) -> float:
        """Chance of reporting a marketing lead's outcome: design's norm, times own trust and tools."""
        return float(feedback_rule(self.model.p, self.trust))

    def miss(self) -> float:
        return max(0.0, 1 - self.pace())

    def pay_satisfaction(self) -> float:
        """Pay follows own attainment, team attainment and retention, as the incentive mix says.

        Sharing dilutes a top performer's pay: pure commission keeps the sellers who win now, shared
        pay keeps the average ones (Houghton et al.).
        """
        p = self.model.p
        shared, retention = p.shared_bonus_share, p.retention_bonus_share
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
