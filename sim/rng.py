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
)
#: The processes whose draws are keyed by account (see `Keyed`). Append only, as `STREAMS`.
KEYED = ("clock", "leave", "decide")

# SplitMix64 (Steele, Lea & Flood 2014): the golden-ratio increment spreads consecutive counters over
# the 64-bit range, and Stafford's "mix13" finaliser makes every output bit depend on every input bit.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_WEEK = np.uint64(0xD1B54A32D192ED03)  # a second odd constant, so (week, id) pairs never coincide
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_MASK21 = np.uint64((1 << 21) - 1)
_SHIFTS = np.array([0, 21, 42], dtype=np.uint64)
_TO_UNIT53, _TO_UNIT21 = 2.0**-53, 2.0**-21


class Keyed:
    """One process's counter-based draws: a pure function of (key, week, account id)."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.key = int(seed.generate_state(1, np.uint64)[0])

    def bits(self, week: int | np.ndarray, ids: np.ndarray) -> np.ndarray:
        """64 random bits per id for `week` (one week for all, or one per id), as uint64."""
        z = ids.astype(np.uint64)
        z *= _GAMMA
        if isinstance(week, np.ndarray):
            z += week.astype(np.uint64) * _WEEK + np.uint64(self.key)
        else:
            z += np.uint64((self.key + week * int(_WEEK)) % 2**64)  # Python ints: wrap-around, no warning
        z ^= z >> _S30
        z *= _M1
        z ^= z >> _S27
        z *= _M2
        z ^= z >> _S31
        return z

    def uniform(self, week: int | np.ndarray, ids: np.ndarray) -> np.ndarray:
        """One uniform in (0, 1) per id: 53 bits, never exactly 0 (so its logarithm is finite)."""
        z = self.bits(week, ids)
        z >>= np.uint64(11)
        return (z.astype(np.float64) + 0.5) * _TO_UNIT53

    def uniform3(self, week: int, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Three independent uniforms in (0, 1) per id, 21 bits each, from one 64-bit draw: a deal's
        three decisions in a week cost one hash."""
        parts = (self.bits(week, ids)[:, None] >> _SHIFTS) & _MASK21
        u = (parts + 0.5) * _TO_UNIT21
        return u[:, 0], u[:, 1], u[:, 2]


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
