"""The market: every account as a row of numpy arrays, and the weekly processes that act on all of them.

Accounts are far too many to be Mesa agents (the scale goal is 1,000,000), so they live here as a
vectorised population. Draws that decide an account's fate use fixed-shape uniforms (one per account
per week), so the same account meets the same luck in every design run on the same seed.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.rng import uniform32

FEATURES = 4  # dimensions of an account's hidden profile; the market's taste is a direction in it
FIT_SHARPNESS = 2.0  # how strongly fit follows the profile's alignment with the market's taste
SAT_REFERENCE = 0.7  # satisfaction at which the churn hazard equals its base rate
ADVOCATE, DETRACTOR = 0.75, 0.45  # satisfaction above/below which customers talk about us
ONBOARDING_WEEKS, ONBOARDING_LOAD = 8, 4.0  # a new customer loads service 4x for two months


class State(IntEnum):
    """Lifecycle of an account; every account is in exactly one state each week."""

    UNAWARE = 0
    AWARE = 1
    LEAD = 2
    OPPORTUNITY = 3
    CUSTOMER = 4
    CHURNED = 5


class Source(IntEnum):
    """Where an opportunity came from (marketing leads and bought leads pass the hand-off queue)."""

    MARKETING = 0
    SELF = 1
    REFERRAL = 2
    BOUGHT = 3


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


_DELAY_RATIO = (1.0, 1.5, 2.0, 3.0, 6.0)
_DELAY_EFFECT = (1.0, 0.75, 0.5, 0.3, 0.15)


def forrester_effect(delay_ratio: np.ndarray | float) -> np.ndarray | float:
    """Forrester's delivery-delay multiplier: 1.0 at normal delay, .75 at 1.5x, .5 at 2x, .3 at 3x."""
    if isinstance(delay_ratio, float):  # one number (every service agent, every week): skip numpy
        return _interp(delay_ratio, _DELAY_RATIO, _DELAY_EFFECT)
    return np.interp(delay_ratio, _DELAY_RATIO, _DELAY_EFFECT)


def _interp(x: float, xp: tuple[float, ...], fp: tuple[float, ...]) -> float:
    """`np.interp` for one number, with numpy's own arithmetic (the same result to the last bit)."""
    if x <= xp[0]:
        return fp[0] if x == x else x  # NaN stays NaN
    for j in range(len(xp) - 1):
        if x < xp[j + 1]:
            if x == xp[j]:
                return fp[j]
            return (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]) * (x - xp[j]) + fp[j]
    return fp[-1] if x == x else x


class Market:
    """All accounts, the market's hidden taste, brand awareness and word of mouth."""

    def __init__(self, p: dict[str, Any], rng: np.random.Generator) -> None:
        n = p.accounts
        self.n = n
        self.taste = _unit(rng.normal(size=FEATURES))
        self.initial_taste = self.taste.copy()  # what the trade's textbooks teach new hires
        self.profile = rng.normal(size=(n, FEATURES)).astype(np.float32)
        self.value = (p.deal_value_mean * rng.lognormal(-0.18, 0.6, n)).astype(np.float32)
        self.state = np.zeros(n, dtype=np.int8)
        self.since = np.zeros(n, dtype=np.int32)  # week the account entered its state
        self.satisfaction = np.zeros(n, dtype=np.float32)
        self.gap = np.zeros(n, dtype=np.float32)  # promised minus delivered, on satisfaction's scale
        self.referred = np.zeros(n, dtype=bool)
        self.server = np.full(n, -1, dtype=np.int32)  # service agent of a customer
        self.owner = np.full(n, -1, dtype=np.int32)  # salesperson of an opportunity
        self.marketer = np.full(n, -1, dtype=np.int32)  # marketer whose lead it was, for feedback
        self.source = np.full(n, -1, dtype=np.int8)
        self.p_win = np.zeros(n, dtype=np.float32)
        self._customers = np.empty(0, dtype=np.int64)
        self.brand = 0.5
        # The initial book: customers are the better-fitting accounts (they bought before).
        fit = self.fit(np.arange(n))
        k = round(p.initial_customer_share * n)
        customers = rng.choice(n, size=k, replace=False, p=fit / fit.sum())
        self.state[customers] = State.CUSTOMER
        self.since[customers] = -rng.integers(0, 260, size=k)
        self.satisfaction[customers] = np.clip(rng.normal(0.72, 0.1, k), 0, 1)
        rest = np.flatnonzero(self.state == State.UNAWARE)
        aware = rng.random(rest.size) < 0.3
        self.state[rest[aware]] = State.AWARE

    # ------------------------------------------------------------------ queries
    def fit(self, idx: np.ndarray) -> np.ndarray:
        """True (hidden) propensity of accounts `idx` to buy: no agent ever reads it directly."""
        # `.dot` is `@` for these shapes (the same float64 products and sums) with less dispatch.
        return sigmoid(FIT_SHARPNESS * self.profile[idx].dot(self.taste))

    def count(self, state: State) -> int:
        return int(np.count_nonzero(self.state == state.value))

    def indices(self, state: State) -> np.ndarray:
        """Indices of the accounts in `state`, ascending.

        Full-market comparisons use the member's plain `int` (`.value`): numpy does not take an
        `IntEnum` member as a Python int, and casts the whole int8 column to int64 first (~7x slower).
        """
        return (self.state == state.value).nonzero()[0]

    def prospects(self) -> np.ndarray:
        """Indices of the accounts not yet in any sales process (unaware or aware), ascending."""
        return (self.state <= State.AWARE.value).nonzero()[0]

    def counts(self) -> np.ndarray:
        """Accounts per state (one comparison per state is faster than `bincount`'s cast to intp; the
        last state holds the accounts in none of the others)."""
        counts = [np.count_nonzero(self.state == s) for s in range(len(State) - 1)]
        return np.array([*counts, self.n - sum(counts)], dtype=np.int64)

    def customers(self) -> np.ndarray:
        """Indices of the current customers, ascending (read-only).

        Asked several times a week; the last answer is reused when it is provably still right: as many
        customers as before, and every one of them still a customer.
        """
        is_customer = self.state == State.CUSTOMER.value
        last = self._customers
        if last.size == np.count_nonzero(is_customer) and is_customer[last].all():
            return last
        self._customers = is_customer.nonzero()[0]
        self._customers.flags.writeable = False
        return self._customers

    def word_of_mouth(self, cust: np.ndarray) -> tuple[int, int]:
        """Advocates and detractors: satisfied customers, and dissatisfied or recently churned ones."""
        sat = self.satisfaction[cust]
        advocates = int(np.count_nonzero(sat >= ADVOCATE))
        detractors = int(np.count_nonzero(sat < DETRACTOR)) + self.count(State.CHURNED)
        return advocates, detractors

    # ------------------------------------------------------------------ weekly processes
    def drift(self, complexity: float, rng: np.random.Generator) -> None:
        """Turbulence: the market's taste wanders, faster the more complex the market."""
        if complexity > 0:
            self.taste = _unit(self.taste + rng.normal(0, 0.05 * complexity, FEATURES))

    def update_brand(self, target: float, decay: float) -> None:
        """Brand is a stock: it moves toward what current brand effort sustains, at the decay rate."""
        self.brand += decay * (target - self.brand)

    def spread_awareness(
        self, week: int, p: dict[str, Any], wom: tuple[int, int], rng: np.random.Generator
    ) -> None:
        """Unaware accounts learn of us from brand, from outside (Bass p) and from word of mouth."""
        advocates, detractors = wom
        imitation = p.bass_q * (advocates - p.negative_wom_weight * detractors) / self.n
        hazard = p.brand_awareness_rate * self.brand + (p.bass_p + max(imitation, 0)) / 52
        u = uniform32(rng, self.n)
        state, since = self.state, self.since
        # Few draws pass either threshold: find those first, then check their state.
        became = (u < hazard).nonzero()[0]
        became = became[state[became] == State.UNAWARE]
        forgot = (u > 1 - 0.01).nonzero()[0]  # un-nurtured awareness fades
        forgot = forgot[state[forgot] == State.AWARE]
        state[became] = State.AWARE
        state[forgot] = State.UNAWARE
        since[became] = week
        since[forgot] = week
        # Churned accounts return to the pool after their cool-down.
        back = self.indices(State.CHURNED)
        back = back[since[back] <= week - p.churn_cooldown_weeks]
        state[back] = State.UNAWARE
        since[back] = week

    def serve(
        self,
        week: int,
        cust: np.ndarray,
        quality_by_server: np.ndarray,
        focus: float,
        server: np.ndarray | None = None,
    ) -> None:
        """Satisfaction follows delivered versus promised value (Oliver's disconfirmation).

        Service quality of each customer's own server sets what is delivered; the expectation gap
        left by an over-promise shrinks only as fast as service delivers. `server` is
        `self.server[cust]` when the caller has read it already.
        """
        quality = quality_by_server[self.server[cust] if server is None else server]
        gap, sat = self.gap[cust], self.satisfaction[cust]
        # target = 0.5 + 0.25 * quality + 0.1 * focus - gap; sat += 0.1 * (target - sat), in place
        move = 0.25 * quality
        move += 0.5
        move += 0.1 * focus
        move -= gap
        move -= sat
        move *= 0.1
        move += sat
        self.satisfaction[cust] = np.clip(move, 0.0, 1.0, out=move)
        quality *= -0.03
        quality += 1.0
        quality *= gap
        self.gap[cust] = quality

    def churn(self, week: int, cust: np.ndarray, p: dict[str, Any], rng: np.random.Generator) -> np.ndarray:
        """Weekly hazard rising as satisfaction falls; referred customers stay longer. Returns the lost."""
        u = uniform32(rng, self.n)[cust]
        sat = self.satisfaction[cust]
        hazard = p.churn_annual / 52 * np.exp(p.churn_sensitivity * (SAT_REFERENCE - sat))
        hazard = np.where(self.referred[cust], 0.82 * hazard, hazard)  # Schmitt et al. 2011
        lose = u < hazard
        lost = cust[lose]
        if cust is self._customers:  # those who stay are the next `customers()`, already in order
            self._customers = cust[~lose]
            self._customers.setflags(write=False)
        self.state[lost] = State.CHURNED
        self.since[lost] = week
        self.server[lost] = -1
        self.gap[lost] = 0.0
        self.referred[lost] = False
        return lost

    def service_load(
        self, week: int, cust: np.ndarray, minlength: int, server: np.ndarray | None = None
    ) -> np.ndarray:
        """Load on each service agent (by agent id): onboarding customers weigh more. `server` is
        `self.server[cust]` when the caller has read it already."""
        new = (week - self.since[cust]) < ONBOARDING_WEEKS
        weights = np.where(new, ONBOARDING_LOAD, 1.0)
        server = self.server[cust] if server is None else server
        return np.bincount(server, weights=weights, minlength=minlength)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.sqrt(v.dot(v))  # np.linalg.norm's own arithmetic for a 1-d float array
