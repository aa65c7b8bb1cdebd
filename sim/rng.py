"""Named random streams: one `SeedSequence` per run, spawned into one generator per process.

Each stochastic process draws from its own stream, so a design that draws more (or fewer) numbers in
one process leaves every other process's draws unchanged: two designs on the same seed share their
market luck wherever their mechanisms allow (common random numbers).
"""

from __future__ import annotations

import numpy as np

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
)


def seed_sequence(rng: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """The run's root `SeedSequence` from an int, a `SeedSequence`, or None (fresh entropy)."""
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
        raise TypeError(f"rng must be a non-negative int, a SeedSequence or None, not {rng!r}")
    return np.random.SeedSequence(int(rng))


def spawn_streams(root: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One independent `Generator` per process name in `STREAMS`."""
    children = root.spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)}
