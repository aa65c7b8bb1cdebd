"""Runs as data: the task of one (design, point, replication) and the worker function.

A task carries everything its run needs, its seed included, so any executor on any machine computes
the same numbers, and a run's result never depends on which worker ran it or when.
"""

from __future__ import annotations

import traceback
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

import sim

if TYPE_CHECKING:
    from experiments.sampling import Samples
    from experiments.spec import Experiment


@dataclass(frozen=True)
class Task:
    """One run: design, parameter overrides, seed, horizon, and which weekly columns to return."""

    run_id: str
    design: sim.Design
    point: int
    replication: int
    seed: np.random.SeedSequence
    seed_label: str
    weeks: int
    values: Mapping[str, Any]  # [set] and the sample point, over the design's own values
    interventions: tuple[sim.Intervention, ...]
    columns: tuple[tuple[str, str], ...]  # kept weekly columns and their dtypes


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: parameters, and either summary and weekly arrays or a traceback."""

    run_id: str
    params: dict[str, Any]
    summary: dict[str, float] | None
    weekly: dict[str, np.ndarray] | None
    error: str | None = None


def run_id(design: str, point: int, replication: int) -> str:
    """The key of a run in every table: stable across resumes, executors and worker counts."""
    return f"{design}/{point}/{replication}"


def replication_seed(root: int, r: int) -> np.random.SeedSequence:
    """`SeedSequence(root).spawn(N)[r]` for any N, made alone: a plan of a million replications never
    holds a million seeds (a child's state is its parent's entropy and its index, nothing else)."""
    return np.random.SeedSequence(np.random.SeedSequence(root).entropy, spawn_key=(r,))


def tasks(experiment: Experiment, samples: Samples, skip: Container[str]) -> Iterator[Task]:
    """Every run not in `skip`, lazily: designs innermost, so an interrupted sweep still holds every
    design for the seeds it reached (complete pairs for the comparison)."""
    n = experiment.replications
    points = ((point, values, n) for point, values in enumerate(samples.points))
    return point_tasks(experiment, points, skip, n)


def point_tasks(
    experiment: Experiment,
    points: Iterable[tuple[int, dict[str, Any], int]],
    skip: Container[str],
    spawn: int,
) -> Iterator[Task]:
    """The runs of each (point, sampled values, replications) not in `skip`; replication r's seed is
    `SeedSequence(seed).spawn(spawn)[r]` (a design map's points take different numbers of them)."""
    dtypes = {o.name: o.dtype for o in sim.outcomes() if o.scope == "weekly"}
    columns = tuple((name, dtypes[name]) for name in experiment.keep)
    for point, values, replications in points:
        for r in range(replications):
            seed = replication_seed(experiment.seed, r)
            for design in experiment.designs:
                assert isinstance(design, sim.Design)
                rid = run_id(design.name, point, r)
                if rid in skip:
                    continue
                yield Task(
                    run_id=rid,
                    design=design,
                    point=point,
                    replication=r,
                    seed=seed,
                    seed_label=f"SeedSequence({experiment.seed}).spawn({spawn})[{r}]",
                    weeks=experiment.weeks,
                    values={**experiment.fixed, **values},
                    interventions=tuple(experiment.interventions),
                    columns=columns,
                )


def run_task(task: Task) -> Outcome:
    """Run one task; any exception becomes a failed outcome with its traceback (failures are data).

    Resolved in two steps: the design with the task's values (as `check_points` checked it before
    the sweep began) gives the parameters; the experiment's interventions join second, so a
    schedule they make impossible at this point fails this run as data, its parameters recorded.
    """
    params: dict[str, Any] = {}
    try:
        start = sim.resolve(task.design, weeks=task.weeks, **task.values)
        params = start.params.as_dict()
        run = sim.resolve(start.design, weeks=task.weeks, interventions=task.interventions, **task.values)
        result = sim.run(run, seed=task.seed)
        weekly = None
        if task.columns:
            weekly = {"week": result.weekly.index.to_numpy(dtype=np.int64)}
            weekly |= {name: _column(result.weekly, name, dtype) for name, dtype in task.columns}
        summary = {key: float(value) for key, value in result.summary.items()}
        return Outcome(task.run_id, params, summary, weekly)
    except Exception:
        return Outcome(task.run_id, params, None, None, traceback.format_exc())


def _column(frame: pd.DataFrame, name: str, dtype: str) -> np.ndarray:
    """A weekly column as the dtype every part file declares; a lossy cast is an error, not a rounding."""
    values = frame[name].to_numpy()
    cast = values.astype(dtype)
    if not np.array_equal(cast, values):
        raise TypeError(f"weekly column '{name}' holds {values.dtype} values that are not {dtype}")
    return cast
