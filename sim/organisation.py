"""The organisation around the people: management attention, liaison, backing, shared message.

These are weekly, derived quantities that every employee's decisions read; they come from the design's
levers and from emergent state (meetings actually held, feedback actually given), never from the
design's name.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.staff import CODE, Role, Staff

if TYPE_CHECKING:
    from sim.model import TruceModel


class Organisation:
    """Org-level state updated once a week before anyone acts."""

    def __init__(self, model: TruceModel) -> None:
        self.model = model
        # How consistent marketing's and sales' messages to the market are.
        self.consistency = model.p.consistency_at_start
        self.managers = 0
        self.attention = 1.0  # management attention per person (falls with span of control)
        self.coaching = 0.0
        self.liaison_strength = 0.0
        self.support = 0.0
        self.damping = 1.0  # multiplier on blame: backing, an effective liaison and structure damp it
        self.clarity = 0.0  # attribution clarity: who made the result is visible
        self.feedback_rate = 0.0  # share of resolved marketing leads reported back (recent)
        self.meeting_held = 0.0  # mean joint meeting hours attended last week
        self.team_attainment = 1.0  # company bookings this quarter against the sum of quotas
        self.change_shock = 0.0  # unsettlement after a design switch, fading
        self.service_help = 0.0  # customer load per service agent that marketers take on this week
        self.detractor_share = 0.0  # of everyone talking about us, the share who speak badly
        self.churn_rate = model.p.churn_annual  # recent annual churn, as management sees it
        self.retention_score = 1.0  # what a retention bonus pays out on (falls as churn rises)

    def update(self) -> None:
        """Recompute the derived quantities from levers and last week's emergent state."""
        p, model = self.model.p, self.model
        headcount = max(1, len(model.staff))
        self.managers = math.ceil(headcount / p.span_of_control)
        self.attention = min(1.0, p.reference_span / p.span_of_control)
        self.coaching = p.coaching_per_attention * self.attention
        self.liaison_strength = float(p.liaison) * p.liaison_effectiveness
        backing = p.leadership_backing
        self.support = (
            p.support_per_backing * backing + p.support_per_attention * self.attention - self.change_shock
        )
        self.change_shock *= 1.0 - p.change_shock_fade_weekly * (
            1 + p.change_shock_fade_per_backing * backing
        )
        # Le Meunier-FitzHugh et al. 2011: backing strongly reduces conflict; shared rewards do not.
        coverage = self.process_coverage()
        self.damping = (
            (1 - p.blame_damping_per_backing * backing)
            * (1 - p.blame_damping_per_coverage * coverage)
            * (1 - p.blame_damping_per_liaison * self.liaison_strength)
            * (1 - p.blame_damping_per_integration * p.integration)
            * (1 - p.blame_damping_per_attention * self.attention)
        )
        self.clarity = min(1.0, p.clarity_per_feedback * self.feedback_rate + p.clarity_per_crm * p.crm_level)
        restore = (
            p.consistency_restore_per_meetings * min(1.0, self.meeting_held / p.consistency_meeting_hours)
            + p.consistency_restore_per_integration * p.integration
            + p.consistency_restore_per_feedback * self.feedback_rate
            + p.consistency_restore_per_liaison * self.liaison_strength
            + p.consistency_restore_per_coverage * coverage
        )
        complexity = p.market_complexity
        self.consistency += p.consistency_restore_weekly * restore * (1 - self.consistency)
        self.consistency -= p.consistency_erosion_per_complexity * complexity * self.consistency
        # Sides in conflict stop coordinating what they tell the market: messages drift apart.
        self.consistency -= p.consistency_erosion_per_hostility * _hostility(model.staff) * self.consistency

    def observe_churn(self, lost: int, customers: int) -> None:
        """Management's view of churn follows the weekly losses with a lag of about 20 weeks (at the
        default `churn_observation_weekly`)."""
        p = self.model.p
        self.churn_rate += p.churn_observation_weekly * (52 * lost / max(1, customers) - self.churn_rate)
        # 0.02 only keeps the divisor positive: below it the score is at its cap anyway.
        self.retention_score = min(
            p.retention_score_cap, p.retention_reference_churn / max(0.02, self.churn_rate)
        )

    def levels(self) -> tuple[float, ...]:
        """What the weekly record reads of the organisation, in the order `sim.record` unpacks it:
        meeting hours held, team attainment, feedback rate, consistency, clarity, liaison strength,
        orientation diversity."""
        return (
            self.meeting_held,
            self.team_attainment,
            self.feedback_rate,
            self.consistency,
            self.clarity,
            self.liaison_strength,
            self.orientation_diversity(),
        )

    def orientation_diversity(self) -> float:
        """How far marketing's horizon stands from sales' quarter, kept only as far as the two stay
        separate units: one head and one goal absorb the tension (Homburg & Jensen 2007)."""
        p = self.model.p
        gap = min(1.0, max(0.0, (p.marketing_horizon_weeks - 13) / 39))
        return gap * (1 - p.orientation_diversity_per_integration * p.integration)

    def process_coverage(self) -> float:
        """Share of the staff whose customer process an overlay manager actually owns
        (one process owner can cover about `overlay_reach` people)."""
        p = self.model.p
        return min(1.0, p.overlay_managers * p.overlay_reach / max(1, len(self.model.staff)))


def _hostility(staff: Staff) -> float:
    """Mean hostility of marketing and sales (last week's): the two sides that speak to the market."""
    hostility = staff.hostility[staff.role != CODE[Role.SERVICE]]
    # The mean as `ndarray.mean` computes it (the same sum, divided), without its overhead.
    return float(np.add.reduce(hostility)) / hostility.size if hostility.size else 0.0
