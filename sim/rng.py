"""Random numbers: named generator streams for the staff, and counter-based draws for the accounts.

Each stochastic process draws from its own stream, so a design that draws more (or fewer) numbers in
one process leaves every other process's draws unchanged. An account's own luck (when it notices us,
forgets us, leaves, or decides on a deal) is not drawn from a stream at all but computed from a key:
a hash of (run, process, week, account id), in the way of counter-based generators (Salmon et al.
2011, "Parallel random numbers: as easy as 1, 2, 3"). The same account therefore meets the same draw
in every design run on the same seed (common random numbers), however many other accounts a design
touches, and only the accounts a mechanism touches are drawn for.
"""

from __future__ import annotations

import numpy as np

from sim.compiled import kernel
from sim.errors import InputError

#: The processes with a generator stream of their own. Append only: reordering changes every result.
STREAMS = (
    "init",
    "awareness",
    "wom",
    "leads",
    "handoff",
    "response",
    "selling",
    "service",
    "churn",
    "feedback",
    "conflict",
    "quits",
    "hiring",
    "interventions",
    "mesa",
    "closing",
    "inbound",
)
#: The processes whose draws are keyed by account (see `Keyed`). Append only, as `STREAMS`.
KEYED = ("clock", "leave", "decide", "settle")

# SplitMix64 (Steele, Lea & Flood 2014): the golden-ratio increment spreads consecutive counters over
# the 64-bit range, and Stafford's "mix13" finaliser makes every output bit depend on every input bit.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_WEEK = np.uint64(0xD1B54A32D192ED03)  # a second odd constant, so (week, id) pairs never coincide
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_TO_UNIT53, _TO_UNIT21 = 2.0**-53, 2.0**-21
_MASK21 = np.uint64((1 << 21) - 1)


@kernel
def _bits(key: np.uint64, week: np.uint64, account: np.uint64) -> np.uint64:
    z = account * _GAMMA + week * _WEEK + key
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@kernel
def keyed_unit(key, week, account) -> float:
    """The uniform in (0, 1) of one (key, week, account): 53 bits, never exactly 0 or 1."""
    z = _bits(np.uint64(key), np.uint64(week), np.uint64(account))
    return (np.float64(z >> np.uint64(11)) + 0.5) * _TO_UNIT53


@kernel
def keyed_uniform(key, weeks, ids):
    out = np.empty(ids.size)
    for i in range(ids.size):
        out[i] = keyed_unit(key, weeks[i % weeks.size], ids[i])
    return out


@kernel
def keyed_uniform3(key, week, ids):
    out = np.empty((3, ids.size))
    for i in range(ids.size):
        z = _bits(np.uint64(key), np.uint64(week), np.uint64(ids[i]))
        for j in range(3):
            out[j, i] = (np.float64((z >> np.uint64(21 * j)) & _MASK21) + 0.5) * _TO_UNIT21
    return out


class Keyed:
    """One process's counter-based draws: a pure function of (key, week, account id)."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.key = seed.generate_state(1, np.uint64)[0]  # a numpy uint64, as the kernels take it

    def uniform(self, week: int | np.ndarray, ids: np.ndarray) -> np.ndarray:
        """One uniform in (0, 1) per id (53 bits, never exactly 0, so its logarithm is finite), for
        one `week` for all ids or one week per id."""
        weeks = np.asarray(week, dtype=np.int64).reshape(-1)
        return keyed_uniform(self.key, weeks, ids)

    def uniform3(self, week: int, ids: np.ndarray) -> np.ndarray:
        """Three independent uniforms in (0, 1) per id (rows 0-2), 21 bits each, from one 64-bit draw:
        a deal's three decisions in a week cost one hash."""
        return keyed_uniform3(self.key, week, ids)


def poisson_counts(rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
    """Independent Poisson counts with the given `means`: the total is Poisson with the summed mean
    and each of its events falls to one mean in proportion to its size (Poisson splitting), which is
    the law of one Poisson draw per mean, in two draws however many people there are."""
    total = float(means.sum())
    if total <= 0:
        return np.zeros(means.size, dtype=np.int64)
    return _split(rng.random(rng.poisson(total)), means)


@kernel
def _split(u, means):
    """How many of the events with uniforms `u` fall to each mean: an event falls to the first mean
    whose running sum exceeds its uniform's share of the total."""
    running = np.cumsum(means)
    counts = np.zeros(means.size, dtype=np.int64)
    for x in u:
        counts[min(np.searchsorted(running, x * running[-1], side="right"), means.size - 1)] += 1
    return counts


def seed_sequence(rng: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """The run's root `SeedSequence` from an int, a `SeedSequence`, or None (fresh entropy)."""
    if isinstance(rng, np.random.SeedSequence):
        # A copy: spawning mutates a SeedSequence, and the caller's object must give the same run
        # every time it is reused (e.g. one seed object passed to every design).
        return np.random.SeedSequence(rng.entropy, spawn_key=rng.spawn_key, pool_size=rng.pool_size)
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
        raise InputError(f"seed = {rng!r} is invalid (allowed: int >= 0, a SeedSequence, or None)")
    return np.random.SeedSequence(int(rng))


def spawn_streams(root: np.random.SeedSequence) -> tuple[dict[str, np.random.Generator], dict[str, Keyed]]:
    """One independent `Generator` per name in `STREAMS` and one `Keyed` per name in `KEYED`."""
    children = root.spawn(len(STREAMS) + len(KEYED))
    streams = {name: np.random.default_rng(c) for name, c in zip(STREAMS, children, strict=False)}
    keyed = {name: Keyed(c) for name, c in zip(KEYED, children[len(STREAMS) :], strict=True)}
    return streams, keyed
