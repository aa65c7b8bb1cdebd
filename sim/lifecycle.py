"""An account's lifecycle: the one function that changes an account's state, and its clocks.

`Market.life` bundles what a change of state reads and writes: (state, since, census, episodes,
wake, forget_at, [cumulative awareness hazard], the keyed `clock` process's key). Every change of
state goes through `enter`, which keeps the census (accounts per state) true without counting and,
for the two states with a clock, draws the clock at once from the account's keyed uniform for
(which state, how many times it has entered it): an unaware account notices us when the market's
cumulative awareness hazard passes its own exponential threshold (the hazard is the same for every
unaware account, so one number a week decides for all of them), and an aware account forgets us
after a geometric number of weeks (1 % a week). Each is the inverse transform of a keyed uniform,
so the chance of the event in any week is exactly that week's hazard, and the same account meets
the same luck in every design run on the same seed.
"""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np

from sim.compiled import kernel
from sim.rng import keyed_unit

NEVER = np.iinfo(np.int32).max  # the forget week of an account with no clock to forget


class State(IntEnum):
    """Lifecycle of an account; every account is in exactly one state each week."""

    UNAWARE = 0
    AWARE = 1
    LEAD = 2
    OPPORTUNITY = 3
    CUSTOMER = 4
    CHURNED = 5


#: How many states there are: an account's k-th entry into state s draws key k * _STATES + s.
_STATES = len(State)


def hazard_increment(hazard: float) -> float:
    """Cumulative-hazard step that makes a week's event probability exactly `hazard` (1 -> inf)."""
    return -math.log1p(-hazard) if hazard < 1.0 else math.inf


@kernel
def enter(life, a, new, week):
    """Account `a` enters state `new` in `week`: the one place a state changes, so `census` (accounts
    per state) stays true without counting. Entering a state with a clock draws it at once, from
    the account's keyed uniform for (which state, how many times it has entered it): the awareness
    hazard at which an unaware account notices us, the week an aware one forgets us."""
    state, since, census, episodes, wake, forget_at, hazard, key, forget = life
    census[state[a]] -= 1
    census[new] += 1
    state[a] = new
    since[a] = week
    if new <= State.AWARE:
        episodes[new, a] += 1
        u = keyed_unit(key, episodes[new, a] * _STATES + new, a)
        if new == State.UNAWARE:
            wake[a] = hazard[0] - np.log(u)
        else:
            forget_at[a] = week + np.int64(np.ceil(np.log(u) / np.log1p(-forget[0])))


@kernel
def begin_unaware(life):
    """Every account has just entered the unaware state (it is in it from the start, week 0): its
    first stay there, and its clock, drawn as `enter` draws it."""
    episodes, wake, hazard, key = life[3], life[4], life[6], life[7]
    for a in range(wake.size):
        episodes[State.UNAWARE, a] = 1
        wake[a] = hazard[0] - np.log(keyed_unit(key, _STATES + State.UNAWARE, a))


@kernel
def market_move(life, idx, new, week):
    """Accounts `idx` enter state `new` in `week` (see `enter`)."""
    for a in idx:
        enter(life, a, new, week)


@kernel
def due(life, week, wake_up, forget):
    """Of the accounts whose clock ran out (`wake_up`: the cumulative awareness hazard has passed the
    threshold; `forget`: the week to forget has come), unaware ones notice us and aware ones forget
    us; the others' clocks are stale (they left the state meanwhile) and are switched off. An account
    that just noticed us has a fresh clock to forget, not yet run out."""
    state, wake, forget_at = life[0], life[4], life[5]
    for a in wake_up:
        if state[a] == State.UNAWARE:
            enter(life, a, State.AWARE, week)
        else:
            wake[a] = np.inf
    for a in forget:
        if forget_at[a] > week:
            continue
        if state[a] == State.AWARE:
            enter(life, a, State.UNAWARE, week)
        else:
            forget_at[a] = NEVER
