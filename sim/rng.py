"""Named random streams: one `SeedSequence` per run, spawned into one generator per process.

Each stochastic process draws from its own stream, so a design that draws more (or fewer) numbers in
one process leaves every other process's draws unchanged: two designs on the same seed share their
market luck wherever their mechanisms allow (common random numbers).
"""

from __future__ import annotations

import numpy as np

from sim.errors import InputError

#: The processes with a stream of their own. Append only: reordering changes every seed's results.
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


def spawn_streams(root: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One independent `Generator` per process name in `STREAMS`."""
    children = root.spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)}
