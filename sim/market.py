"""The market: every account as a row of numpy arrays, and the processes that act on it.

Accounts are far too many to be Mesa agents (the scale goal is 1,000,000), so they live here as a
vectorised population. Every change of an account's state goes through `sim.lifecycle.enter`
(`Market.move` from Python). An account's luck comes from keyed draws (`sim.rng.Keyed`), computed
only for the accounts a process touches: the prospects' clocks once, on entry into their state
(`sim.lifecycle`); customers (a tenth of the accounts) and open deals each week, keyed by (week,
account). Either way the same account meets the same luck in every design run on the same seed.
"""

from __future__ import annotations

import math
from collections import deque
from enum import IntEnum

import numpy as np

from sim.compiled import kernel
from sim.lifecycle import NEVER, State, begin_unaware, due, hazard_increment, market_move
from sim.params import Params
from sim.rng import Keyed, keyed_unit
from sim.staff import FEATURES

_DELAY_RATIO = np.array([1.0, 1.5, 2.0, 3.0, 6.0])
_DELAY_EFFECT = np.array([1.0, 0.75, 0.5, 0.3, 0.15])


#: What an opportunity carries, per account (read while it is one): its owner (a salesperson's id),
#: the marketer whose lead it was (id, for feedback; -1 if none), its `Source`, its chance to win,
#: and whether its owner is holding it over to the next quarter (ready, no longer worked).
DEAL = np.dtype(
    [
        ("owner", np.int64),
        ("marketer", np.int64),
        ("source", np.int8),
        ("p_win", np.float32),
        ("held", np.bool_),
    ]
)


class Source(IntEnum):
    """Where an opportunity came from (marketing leads and bought leads pass the hand-off queue)."""

    MARKETING = 0
    SELF = 1
    REFERRAL = 2
    BOUGHT = 3


@kernel
def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@kernel
def fit_log_odds(
    profile: np.ndarray, taste: np.ndarray, accounts: np.ndarray, sharpness: float
) -> np.ndarray:
    """The log-odds of accounts' true (hidden) propensity to buy: how well each profile aligns with
    the market's taste, times `sharpness` (`fit_sharpness`). No agent ever reads it directly."""
    out = np.empty(accounts.size)
    for i, a in enumerate(accounts):
        s = 0.0
        for f in range(taste.size):
            s += profile[a, f] * taste[f]
        out[i] = sharpness * s
    return out


@kernel
def forrester_effect(delay_ratio: np.ndarray | float) -> np.ndarray:
    """Forrester's delivery-delay multiplier: 1.0 at normal delay, .75 at 1.5x, .5 at 2x, .3 at 3x."""
    return np.interp(delay_ratio, _DELAY_RATIO, _DELAY_EFFECT)


class Market:
    """All accounts, the market's hidden taste, brand awareness and word of mouth."""

    def __init__(self, p: Params, rng: np.random.Generator, keyed: dict[str, Keyed]) -> None:
        n = p.accounts
        self.n = n
        self.p = p  # the week's parameters (`begin_week`)
        self.forget = np.array([p.forget_weekly])  # read by compiled state changes (`life`)
        self.keyed = keyed
        self.taste = _unit(rng.normal(size=FEATURES))
        self.initial_taste = self.taste.copy()  # what the trade's textbooks teach new hires
        self.profile = rng.standard_normal((n, FEATURES), dtype=np.float32)
        spread = p.deal_value_spread  # lognormal around the mean: mu = -sigma^2 / 2
        self.value = (p.deal_value_mean * rng.lognormal(-(spread**2) / 2, spread, n)).astype(np.float32)
        self.state = np.zeros(n, dtype=np.int8)
        self.census = np.zeros(len(State), dtype=np.int64)  # accounts per state, kept by `enter`
        self.census[State.UNAWARE] = n
        self.since = np.zeros(n, dtype=np.int32)  # week the account entered its state
        self.satisfaction = np.zeros(n, dtype=np.float32)
        self.gap = np.zeros(n, dtype=np.float32)  # promised minus delivered, on satisfaction's scale
        self.referred = np.zeros(n, dtype=bool)
        self.server = np.full(n, -1, dtype=np.int32)  # service agent (id) of a customer
        self.deals = np.zeros(n, dtype=DEAL)  # an opportunity's terms (see `DEAL`)
        self.deals["owner"] = self.deals["marketer"] = self.deals["source"] = -1
        self.brand = p.initial_brand
        self.recommended = 0.0  # chance a buyer heard us recommended in the past year (word of mouth)
        # Each account's luck in its current state (see the module docstring).
        self.hazard = np.zeros(1)  # cumulative awareness hazard, the same for every unaware account
        self.wake = np.full(n, np.inf)  # awareness hazard at which an unaware account notices us
        self.forget_at = np.full(n, NEVER, dtype=np.int32)  # week an aware account forgets us
        # Times each account has entered each state with a clock: its k-th stay in a state meets the
        # k-th draw, whenever that stay begins (so histories that drift apart in time stay paired).
        self.episodes = np.zeros((len(State), n), dtype=np.int32)
        #: What a change of state reads and writes, for compiled mechanisms (`enter`, `market_move`).
        self.life = (
            self.state,
            self.since,
            self.census,
            self.episodes,
            self.wake,
            self.forget_at,
            self.hazard,
            keyed["clock"].key,
            self.forget,
        )
        self._churned: deque[tuple[int, np.ndarray]] = deque()  # (week, accounts), oldest first
        self.churned = 0  # accounts in the churned state (all of them are in `_churned`)
        # The current customers, ascending: every weekly pass over them then walks the account arrays
        # forward, which at a million accounts is more than twice as fast as in the order they came.
        self.customers = np.empty(0, dtype=np.int64)
        self._seen = np.zeros(n, dtype=bool)  # scratch for `sample`, all False between calls
        begin_unaware(self.life)  # every account's first stay, unaware since week 0, and its clock
        everyone = np.arange(n)
        # The initial book: customers are the better-fitting accounts (they bought before).
        fit = self.fit(everyone)
        k = round(p.initial_customer_share * n)
        # k distinct accounts, each draw in proportion to fit among those not yet drawn: the k smallest
        # exponential draws divided by fit (Efraimidis & Spirakis 2006).
        customers = np.argpartition(rng.exponential(size=n) / fit, k - 1)[:k] if k else np.empty(0, np.int64)
        self.move(customers, State.CUSTOMER, 0)
        self.since[customers] = -rng.integers(0, p.initial_customer_tenure_weeks, size=k)
        satisfaction = rng.normal(p.initial_satisfaction, p.initial_satisfaction_spread, k)
        self.satisfaction[customers] = np.clip(satisfaction, 0, 1)
        rest = self.indices(State.UNAWARE)
        self.move(rest[rng.random(rest.size) < p.initial_aware_share], State.AWARE, 0)

    # ------------------------------------------------------------------ the lifecycle
    def move(self, idx: np.ndarray, state: State, week: int) -> None:
        """Put accounts `idx` into `state` as of `week` (drawing their luck for the new state)."""
        market_move(self.life, idx, int(state), week)
        self.moved(idx, state, week)

    def moved(self, idx: np.ndarray, state: State, week: int) -> None:
        """The rest of `move`, for accounts a compiled mechanism moved itself with `market_move`:
        the customer list and the churned accounts' cool-down."""
        if state == State.CUSTOMER:
            self.customers = _merged(self.customers, np.sort(idx))
        elif state == State.CHURNED:
            self._churned.append((week, idx))
            self.churned += idx.size

    def spread_awareness(self, week: int, p: Params, advocates: float, detractors: float) -> None:
        """Unaware accounts learn of us from brand, from outside (Bass p) and from word of mouth; aware
        ones forget; churned ones return to the pool after their cool-down."""
        imitation = max(p.bass_q * (advocates - p.negative_wom_weight * detractors) / self.n, 0.0)
        hazard = p.brand_awareness_rate * self.brand + (p.bass_p + imitation) / 52
        self.recommended = -math.expm1(-imitation)
        self.hazard[0] += hazard_increment(hazard)
        wake_up, forget = (self.wake <= self.hazard[0]).nonzero()[0], (self.forget_at <= week).nonzero()[0]
        due(self.life, week, wake_up, forget)
        back = []
        while self._churned and self._churned[0][0] <= week - p.churn_cooldown_weeks:
            back.append(self._churned.popleft()[1])
        if back:
            back_ = np.concatenate(back)
            self.churned -= back_.size
            self.move(back_, State.UNAWARE, week)

    def churn(self, week: int, p: Params) -> np.ndarray:
        """Weekly hazard rising as satisfaction falls; referred customers stay longer. Returns the lost.

        Churn is the only way out of the customer state, so the customer list is kept here."""
        lost, self.customers = _leave(
            self.customers,
            self.satisfaction,
            self.referred,
            self.server,
            self.gap,
            self.keyed["leave"].key,
            week,
            p.churn_annual / 52,
            p.churn_sensitivity,
            p.churn_reference_satisfaction,
            p.referred_churn_factor,
            self.life,
        )
        self.moved(lost, State.CHURNED, week)
        return lost

    # ------------------------------------------------------------------ queries
    def fit(self, idx: np.ndarray) -> np.ndarray:
        """True (hidden) propensity of accounts `idx` to buy: no agent ever reads it directly."""
        return sigmoid(self.fit_log_odds(idx))

    def fit_log_odds(self, idx: np.ndarray) -> np.ndarray:
        """The log-odds of `fit`."""
        return fit_log_odds(self.profile, self.taste, idx, self.p.fit_sharpness)

    def count(self, first: State, last: State | None = None) -> int:
        """Accounts in `first` (to `last`, if given)."""
        return sum(self.census[first : (first if last is None else last) + 1].tolist())

    def indices(self, state: State) -> np.ndarray:
        """Indices of the accounts in `state`, ascending."""
        return (self.state == state.value).nonzero()[0]

    def prospects(self) -> np.ndarray:
        """Indices of the accounts not yet in any sales process (unaware or aware), ascending."""
        return (self.state <= State.AWARE.value).nonzero()[0]

    def sample(self, rng: np.random.Generator, k: int, first: State, last: State) -> np.ndarray:
        """`k` distinct accounts drawn uniformly at random from those in states `first` to `last`
        (at most as many as there are), in random order: the law of `rng.choice` on the list of them,
        without listing them. Candidates are drawn from all accounts and those outside the states
        passed over, so the cost follows `k`, not the size of the market; a pool under four times
        `k` is listed instead."""
        pool = self.count(first, last)
        k = min(k, pool)
        if 4 * k > pool:
            listed = ((self.state >= first) & (self.state <= last)).nonzero()[0]
            return rng.choice(listed, size=k, replace=False)
        chosen = np.empty(k, dtype=np.int64)
        got = 0
        while got < k:
            tries = rng.random(int(1.5 * (k - got) * self.n / pool) + 32)
            got = _sample(self.state, first.value, last.value, tries, chosen, got, self._seen)
        return chosen

    def word_of_mouth(self, cust: np.ndarray) -> tuple[float, float]:
        """Advocates and detractors (expected numbers): customers by how likely their satisfaction
        makes them to recommend us or warn others, and the recently churned."""
        p = self.p
        advocates, detractors = _talkers(
            cust, self.satisfaction, p.advocate_satisfaction, p.detractor_satisfaction, p.talk_spread
        )
        return advocates, detractors + self.churned

    # ------------------------------------------------------------------ weekly processes
    def begin_week(self, p: Params, rng: np.random.Generator) -> None:
        """The week's parameters (an intervention may have set new ones), then turbulence: the
        market's taste wanders, faster the more complex the market."""
        self.p = p
        self.forget[0] = p.forget_weekly
        if p.market_complexity > 0:
            self.taste = _unit(
                self.taste + rng.normal(0, p.taste_drift_weekly * p.market_complexity, FEATURES)
            )

    def salience(self) -> float:
        """The chance that an aware buyer thinks of us when the need arises (mental availability):
        our brand brings us to mind, and so does a recommendation heard from a peer (word of mouth
        is the first influence on business buying, Keller Fay 2006)."""
        return 1.0 - (1.0 - self.brand) * (1.0 - self.recommended)

    def update_brand(self, target: float, decay: float) -> None:
        """Brand is a stock: it moves toward what current brand effort sustains, at the decay rate."""
        self.brand += decay * (target - self.brand)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / math.sqrt(v @ v)


@kernel
def _merged(a, b):
    """The ascending arrays `a` and `b` (of distinct accounts) as one ascending array. `b` is short (a
    week's new customers, `a` the book), so `a` is copied in whole runs between `b`'s entries."""
    out = np.empty(a.size + b.size, dtype=np.int64)
    i = 0
    for k in range(b.size):
        j = i + np.searchsorted(a[i:], b[k])  # a[i:j] < b[k] <= a[j:]
        out[i + k : j + k] = a[i:j]
        out[j + k] = b[k]
        i = j
    out[i + b.size :] = a[i:]
    return out


@kernel
def _talkers(cust, satisfaction, advocate, detractor, width):
    """Each customer recommends us with a probability rising smoothly through `advocate` and warns
    others with one falling through `detractor` (logistic, of `width`). Both curves have the same
    width, so one exponential per customer gives both: with e = exp((advocate - s) / width), the
    detractor share 1 / (1 + exp((s - detractor) / width)) is e / (e + apart)."""
    apart = math.exp((advocate - detractor) / width)
    advocates = detractors = 0.0
    for c in cust:
        e = math.exp((advocate - satisfaction[c]) / width)
        advocates += 1.0 / (1.0 + e)
        detractors += e / (e + apart)
    return advocates, detractors


@kernel
def _sample(state, first, last, tries, chosen, got, seen):
    """Fill `chosen` from `got` on with the accounts `tries` (uniforms, scaled to account indices) hit
    in states `first` to `last`, each once (`seen` marks those taken, until all are); returns how
    many are chosen."""
    for u in tries:
        if got == chosen.size:
            break
        a = np.int64(u * state.size)
        if first <= state[a] <= last and not seen[a]:
            seen[a] = True
            chosen[got] = a
            got += 1
    if got == chosen.size:
        seen[chosen] = False
    return got


@kernel
def _leave(
    cust, satisfaction, referred, server, gap, key, week, base, sensitivity, reference, referred_factor, life
):
    """Which customers leave this week: a weekly hazard rising as satisfaction falls, lower for
    referred customers, met by each customer's keyed uniform for (week, account). Leavers lose their
    server, promise gap and referral and enter the churned state; returns them and the customers who
    stay (both ascending)."""
    leave = np.zeros(cust.size, dtype=np.bool_)
    # No customer's hazard exceeds that at satisfaction 0 (sensitivity >= 0): a draw above it stays.
    highest = base * np.exp(sensitivity * reference) * (1 + 1e-9)
    for i, c in enumerate(cust):
        u = keyed_unit(key, week, c)
        if u >= highest:
            continue
        hazard = base * np.exp(sensitivity * (reference - satisfaction[c]))
        if referred[c]:
            hazard *= referred_factor
        if u < hazard:
            leave[i] = True
            server[c], gap[c], referred[c] = -1, 0.0, False
    lost = cust[leave]
    market_move(life, lost, State.CHURNED, week)
    return lost, cust[~leave]
