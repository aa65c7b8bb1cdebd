"""Runs and weekly tables in the shape `experiments` stores them, built straight from `sim.run`.

The analysis tests (stats, sensitivity, loss account, report) need real results without depending on
the sweep machinery; these helpers produce the same columns, cached per test process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

import sim

Pairs = tuple[tuple[str, Any], ...]
#: (label, design, parameter overrides, interventions as (week, kind, arguments)); hashable for caching.
Arm = tuple[str, str, Pairs, tuple[tuple[int, str, Pairs], ...]]
Arms = tuple[Arm, ...]


@dataclass
class FakeResults:
    """What the analysis reads from core's `Results`: runs, weekly and the manifest."""

    runs: pd.DataFrame
    weekly: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)


def _row(label: str, point: int, rep: int, seed: Any, result: sim.RunResult) -> dict[str, Any]:
    return {
        "run_id": f"{label}-{point}-{rep}",
        "design": label,
        "point": point,
        "replication": rep,
        "seed": str(seed),
        **{k: result.params[k] for k in (s.name for s in sim.params())},
        "status": "ok",
        "error": "",
        **result.summary,
    }


@cache
def _arm(
    arm: Arm, replications: int, weeks: int, root: int
) -> tuple[list[dict[str, Any]], list[pd.DataFrame]]:
    label, design, params, interventions = arm
    rows, weekly = [], []
    for rep, seed in enumerate(np.random.SeedSequence(root).spawn(replications)):
        ivs = [sim.Intervention(week, kind, **dict(args)) for week, kind, args in interventions]
        result = sim.run(design, weeks=weeks, seed=seed, interventions=ivs, **dict(params))
        row = _row(label, 0, rep, seed.entropy, result)
        rows.append(row)
        weekly.append(result.weekly.reset_index().assign(run_id=row["run_id"]))
    return rows, weekly


def arm_runs(arms: Arms, replications: int, weeks: int, root: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each arm x replication on common seeds (replication r: `SeedSequence(root).spawn(n)[r]`), point 0.

    Runs are cached per arm, so tests that share an arm share its runs.
    """
    parts = [_arm(arm, replications, weeks, root) for arm in arms]
    runs = pd.DataFrame([row for rows, _ in parts for row in rows])
    return runs, pd.concat([w for _, weekly in parts for w in weekly], ignore_index=True)


def designs_arms(*designs: str) -> Arms:
    return tuple((d, d, (), ()) for d in designs)


@cache
def morris_sweep(
    names: tuple[str, ...], bounds: tuple[tuple[float, float], ...], trajectories: int, weeks: int
) -> FakeResults:
    """A tiny real Morris screening of `names` on `siloed`, one replication per point (common seed)."""
    from SALib.sample import morris

    problem = {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}
    samples = morris.sample(problem, trajectories, num_levels=4, seed=3)
    ints = {s.name for s in sim.params() if s.type == "int"}
    seed = np.random.SeedSequence(5).spawn(1)[0]
    rows = []
    for point, x in enumerate(samples):
        params = {n: round(v) if n in ints else float(v) for n, v in zip(names, x, strict=True)}
        rows.append(
            _row("siloed", point, 0, seed.entropy, sim.run("siloed", weeks=weeks, seed=seed, **params))
        )
    manifest = {
        "baseline": "siloed",
        "sampling": {
            "method": "morris",
            "samples": trajectories,
            "seed": 3,
            "problem": {"names": list(names), "bounds": [list(b) for b in bounds]},
            "X": samples.tolist(),
            "num_levels": 4,
        },
    }
    return FakeResults(pd.DataFrame(rows), pd.DataFrame(), manifest)
