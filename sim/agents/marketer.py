"""Marketers: a long horizon, a brand-versus-demand split, and a lead-scoring model only feedback improves."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.employee import WORK_HOURS, Employee, Role
from sim.market import FIT_SHARPNESS, sigmoid

if TYPE_CHECKING:
    from sim.model import TruceModel

LEARNING_RATE = 0.05  # step of the online logistic update per reported lead outcome
SCORING_NOISE = 0.6  # a marketer's scores are noisy even with a perfect model


class Marketer(Employee):
    """Splits effort between brand and demand; scores and passes leads; learns from sales' reports."""

    role = Role.MARKETING

    def __init__(
        self, model: TruceModel, hired_week: int, skill: float, morale: float, scoring: np.ndarray
    ) -> None:
        super().__init__(model, hired_week, skill, morale)
        self.scoring = scoring.astype(float)  # own estimate of the market's taste
        self.ignored = 0.5  # recent share of own leads that sales let leak
        self.feedback_signal = 0.2  # recent rate of reports coming back from sales
        self.leads_made = 0

    def brand_share(self) -> float:
        """Share of demand-side effort put into brand: more with a longer horizon, less under pressure."""
        horizon = self.model.p.marketing_horizon_weeks
        pressure = self.model.org.team_attainment < 1.0
        share = 0.45 * math.sqrt(horizon / 52) * (0.8 if pressure else 1.0)
        return min(0.8, max(0.05, share))

    def plan_leads(self, brand_share: float, budget: float) -> tuple[int, float]:
        """How many leads to hand over this week and how selective to be, given this week's
        `brand_share()` and the company's `budget_factor()` (both fixed for the week's campaigns).

        A lead-volume KPI pushes quantity and passes everything; a revenue KPI passes fewer, better
        leads. Effort on existing customers and on brand is effort not spent on demand generation.
        """
        p = self.model.p
        weight = p.marketing_revenue_weight
        demand = (1 - p.marketing_existing_focus) * (1 - brand_share)
        time = 1 - self.meeting_hours / WORK_HOURS  # meeting time is taken from campaign work
        rate = p.leads_per_marketer_week * demand / 0.5 * budget * (1.3 - 0.6 * weight) * time
        n = self.model.streams["leads"].poisson(rate * self.productivity())
        return int(n), 1.0 - 0.6 * weight

    def score(self, profiles: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """Own scores of accounts' `profiles`, blurred by `noise` (normal, sd `SCORING_NOISE`, one per
        profile, drawn by the caller from the leads stream)."""
        return profiles @ self.scoring + noise

    def learn(self, profiles: np.ndarray, outcomes: np.ndarray) -> None:
        """Online logistic regression on reported outcomes: the only way scoring improves."""
        pred = sigmoid(FIT_SHARPNESS * (profiles @ self.scoring))
        self.scoring += LEARNING_RATE * ((outcomes - pred) @ profiles)

    def accuracy(self) -> float:
        """Cosine between own scoring direction and the market's true taste, floored at 0."""
        taste = self.model.market.taste
        norm = math.sqrt(self.scoring.dot(self.scoring))  # np.linalg.norm's own arithmetic, 1-d
        return max(0.0, float(self.scoring @ taste) / norm) if norm > 0 else 0.0

    def review_week(self, leaked: int, accepted: int, reports: int) -> None:
        """Update what this marketer believes about sales from what happened to its own leads."""
        handled = leaked + accepted
        if handled:
            self.ignored += 0.1 * (leaked / handled - self.ignored)
        expected = max(1.0, 0.3 * accepted)
        self.feedback_signal += 0.1 * (min(1.0, reports / expected) - self.feedback_signal)
        self.update_trust(0.6 * (1 - self.ignored) + 0.4 * self.feedback_signal)

    def miss(self) -> float:
        """How badly this marketer's KPI is missed: leads ignored (volume KPI) or revenue (revenue KPI)."""
        weight = self.model.p.marketing_revenue_weight
        return (1 - weight) * self.ignored + weight * max(0.0, 1 - self.model.org.team_attainment)

    def pay_satisfaction(self) -> float:
        weight = self.model.p.marketing_revenue_weight
        return (1 - weight) * (1 - 0.5 * self.ignored) + weight * min(
            1.0, self.model.org.team_attainment / 1.2
        )
