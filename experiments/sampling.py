"""Sample points: one list of parameter values, drawn once by a seeded sampler and shared by every design.

Sharing the points (and the replication seeds) across designs is what lets runs be paired on
(point, replication) when designs are compared.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

import sim
from experiments import validation as check
from sim import InputError, budget

if TYPE_CHECKING:
    from experiments.spec import Experiment


@dataclass(frozen=True)
class Samples:
    """The points of an experiment and, for the continuous samplers, the matrix as SALib drew it."""

    names: tuple[str, ...]
    points: tuple[dict[str, Any], ...]
    raw: np.ndarray | None = None  # rows = points, before integer parameters were rounded
    problem: dict[str, Any] | None = None  # SALib's problem definition for `raw`

    def manifest(self, experiment: Experiment) -> dict[str, Any] | None:
        """What SALib's analyse functions need, with X in point order; None for the other methods."""
        if self.raw is None:
            return None
        s = experiment.sampling
        entry = {"method": s.method, "samples": s.samples, "seed": _seed(experiment)}
        entry |= {"problem": self.problem, "X": self.raw.tolist()}
        if s.method == "sobol":
            entry["calc_second_order"] = s.calc_second_order
        if s.method == "morris":
            entry["num_levels"] = s.num_levels
        return entry


def _seed(experiment: Experiment) -> int:
    return experiment.seed if experiment.sampling.seed is None else experiment.sampling.seed


#: Bytes the sweep's parent holds per sampled value: the point's dict, SALib's matrix, and the
#: manifest's copies of both (as data and as JSON text).
VALUE_BYTES = 512
#: Bytes the parent holds per run: its id among those done, its row when the folder is read back.
RUN_BYTES = 2048


def count(experiment: Experiment) -> int:
    """How many points `draw` will make, computed without making them."""
    s, d = experiment.sampling, len(experiment.axes)
    if s.method == "none":
        return 1
    if s.method == "list":
        return len(experiment.points)
    if s.method == "factorial":
        return math.prod(len(a.values) for a in experiment.axes)
    if s.method == "lhs":
        return s.samples
    if s.method == "sobol":
        return s.samples * (2 * d + 2 if s.calc_second_order else d + 2)
    return s.samples * (d + 1)  # morris: trajectories of d + 1 points


def size(experiment: Experiment, workers: int, local: bool = True, cluster: bool = False) -> budget.Size:
    """Runs, wall-clock time on `workers` and the memory of the sweep, estimated before drawing a point.

    `local`: the workers are this machine's processes (their memory counts), not a Dask cluster's;
    `cluster`: a local Dask cluster, which starts all `workers` whatever the number of runs.
    """
    points = count(experiment)
    n = len(experiment.designs) * points * experiment.replications
    used = max(1, min(workers, n))
    one_point = sum(
        budget.run_seconds(
            sim.resolve(d, weeks=experiment.weeks, **experiment.fixed).params, experiment.weeks
        )
        for d in experiment.designs
    )
    seconds = one_point * points * experiment.replications / used
    heaviest = max(
        budget.run_bytes(sim.resolve(d, weeks=experiment.weeks, **experiment.fixed).params, experiment.weeks)
        for d in experiment.designs
    )
    window = 1 if used == 1 else max(8, 4 * used)
    memory = _plan_bytes(experiment, points, n) + window * experiment.weeks * len(experiment.keep) * 16
    if local:
        used = workers if cluster else used
        memory += heaviest if used == 1 else used * (budget.WORKER_BYTES + heaviest)
    return budget.Size(n, seconds, memory, used)


def _plan_bytes(experiment: Experiment, points: int, runs: int) -> float:
    return points * max(1, len(experiment.axes)) * VALUE_BYTES + runs * RUN_BYTES


def draw(experiment: Experiment) -> Samples:
    """Every sample point of `experiment`, in a fixed order (the `point` index of its runs).

    A plan too large for memory is refused before its first point is drawn.
    """
    s, axes = experiment.sampling, experiment.axes
    points = count(experiment)
    runs = points * len(experiment.designs) * experiment.replications
    where = experiment.source or f"experiment '{experiment.name}'"
    budget.check(
        f"{where}: {points:,} sample points",
        budget.Size(runs, 0, _plan_bytes(experiment, points, runs), 1),
        None,
    )
    names = tuple(a.name for a in axes)
    if s.method == "none":
        return Samples((), ({},))
    if s.method == "list":
        keys = tuple(dict.fromkeys(k for p in experiment.points for k in p))
        return Samples(keys, tuple(dict(p) for p in experiment.points))
    if s.method == "factorial":
        combos = itertools.product(*(a.values for a in axes))
        return Samples(names, tuple(dict(zip(names, c, strict=True)) for c in combos))
    problem = {"num_vars": len(axes), "names": list(names), "bounds": [list(a.bounds) for a in axes]}
    raw = _salib(s.method, problem, experiment)
    specs = [check.registry()[n] for n in names]
    points = tuple({p.name: _typed(p, x) for p, x in zip(specs, row, strict=True)} for row in raw)
    return Samples(names, points, raw, problem)


def _salib(method: str, problem: dict[str, Any], experiment: Experiment) -> np.ndarray:
    s, seed = experiment.sampling, _seed(experiment)
    if method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, s.samples, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, s.samples, calc_second_order=s.calc_second_order, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, s.samples, num_levels=s.num_levels, seed=seed)


def _typed(spec: sim.ParamSpec, x: float) -> Any:
    """A sampled number as the parameter's type: integers rounded, on/off at 0.5; numbers kept in range.

    SALib's Morris grid is computed in floating point, so a level at the top of a band can come out a
    rounding error above it (0.9000000000000001 for a band ending at 0.9): clamped to the registry range.
    """
    if spec.type == "bool":
        return bool(x >= 0.5)
    lo, hi = spec.range
    if spec.type == "int":
        return int(min(hi, max(lo, round(float(x)))))
    return float(min(hi, max(lo, float(x))))


def check_points(experiment: Experiment, samples: Samples) -> None:
    """Resolve every (design, point) now: values valid alone can be impossible together.

    The experiment's own interventions are left to each run: a schedule impossible at one point
    fails those runs, recorded as data, instead of refusing the whole sweep.
    """
    where = experiment.source or f"experiment '{experiment.name}'"
    for design in experiment.designs:
        for i, point in enumerate(samples.points):
            try:
                sim.resolve(design, weeks=experiment.weeks, **{**experiment.fixed, **point})
            except InputError as err:
                raise InputError(f"{where}: sample point {i}: {err}") from None
