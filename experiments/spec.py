"""The experiment definition: designs, axes, sampling, seeds and horizon, as frozen dataclasses and TOML.

An `Experiment` is validated completely when it is built, from TOML or in Python, so a bad value is
reported as one line before any run starts rather than as a failure in run 9,999.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sim
from experiments import validation as check
from sim import budget, files

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from experiments.results import Results

METHODS = ("none", "list", "factorial", "lhs", "sobol", "morris")
CONTINUOUS = ("lhs", "sobol", "morris")


@dataclass(frozen=True)
class Axis:
    """One parameter to vary: `values` for a full factorial, `bounds` for LHS, Sobol and Morris."""

    name: str
    values: tuple[Any, ...] = ()
    bounds: tuple[float, float] | None = None


@dataclass(frozen=True)
class Sampling:
    """How sample points are drawn; `samples` is LHS's points, Sobol's base N, Morris's trajectories."""

    method: str = "none"
    samples: int = 0
    seed: int | None = None  # the sampler's own seed; None = the experiment's root seed
    calc_second_order: bool = False  # Sobol
    num_levels: int = 4  # Morris


@dataclass(frozen=True)
class Experiment:
    """Designs x sample points x replications, each replication on the same seed in every cell.

    Parameter values of a run: the design's, overlaid by `fixed`, overlaid by the sample point's.
    """

    designs: Sequence[str | Path | sim.Design]
    replications: int = 30
    seed: int = 0
    weeks: int = 260
    axes: Sequence[Axis] = ()
    sampling: Sampling = field(default_factory=Sampling)
    points: Sequence[Mapping[str, Any]] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    interventions: Sequence[sim.Intervention] = ()
    keep: str | Sequence[str] = "all"
    baseline: str | None = None
    name: str = "experiment"
    description: str = ""
    source: str = ""  # the spec file, named in every error message

    def __post_init__(self) -> None:
        where = self.source or f"experiment '{self.name}'"
        put = object.__setattr__
        put(self, "replications", check.integer(self.replications, where, "replications", 1))
        put(self, "seed", check.integer(self.seed, where, "seed", 0))
        put(self, "weeks", check.integer(self.weeks, where, "weeks", 1))
        if isinstance(self.designs, str | Path | sim.Design) or not self.designs:
            raise check.bad(where, "designs", self.designs, "a non-empty list of presets or design files")
        put(self, "fixed", check.values(self.fixed, where, "[set]"))
        # Each design with [set] and its own schedule, at this horizon: the runs' common part, resolved.
        found = tuple(
            check.run(d, where, f"designs[{i}]", self.weeks, self.fixed).design
            for i, d in enumerate(self.designs)
        )
        names = [d.name for d in found]
        for i, d in enumerate(found):
            if names.index(d.name) != i:
                raise check.bad(where, f"designs[{i}]", d.name, "each design name once")
        put(self, "designs", found)
        baseline = names[0] if self.baseline is None else self.baseline
        if baseline not in names:
            raise check.bad(where, "baseline", baseline, f"one of the designs ({', '.join(names)})")
        put(self, "baseline", baseline)
        put(self, "interventions", tuple(self.interventions))
        check.interventions(self.interventions, self.weeks, where, "interventions")
        put(self, "keep", check.keep(self.keep, where))
        self._check_sampling(where)

    def _check_sampling(self, where: str) -> None:
        s = self.sampling
        if s.method not in METHODS:
            raise check.bad(where, "sampling.method", s.method, ", ".join(METHODS))
        if s.seed is not None:
            check.integer(s.seed, where, "sampling.seed", 0)
        axes = tuple(self.axes)
        object.__setattr__(self, "axes", axes)
        names = [a.name for a in axes]
        for a in axes:
            key = f"axes.{a.name}"
            check.param(a.name, where, key)
            if a.name in self.fixed:
                raise check.bad(where, key, a.name, "a parameter either varied in [axes] or fixed in [set]")
            if names.count(a.name) > 1:
                raise check.bad(where, key, a.name, "each parameter once")
        if s.method == "list":
            if axes or not self.points:
                raise check.bad(where, "points", list(self.points), "a non-empty [[points]] list, no [axes]")
            points = tuple(check.values(p, where, f"[[points]] #{i + 1}") for i, p in enumerate(self.points))
            object.__setattr__(self, "points", points)
            return
        if self.points:
            raise check.bad(where, "sampling.method", s.method, '"list" when [[points]] are given')
        if s.method == "none" and axes:
            raise check.bad(where, "sampling.method", s.method, f"{', '.join(METHODS[1:])} with [axes]")
        if s.method != "none" and not axes:
            raise check.bad(where, "axes", [], f"at least one axis for sampling.method = {s.method!r}")
        fixed_axes = []
        for a in axes:
            key = f"axes.{a.name}"
            if s.method == "factorial":
                if a.bounds is not None or not a.values:
                    raise check.bad(where, key, a.bounds, "values = [...] for a factorial (not range)")
                vals = tuple(check.values({a.name: v}, where, f"[{key}]")[a.name] for v in a.values)
                fixed_axes.append(Axis(a.name, values=vals))
            elif s.method in CONTINUOUS:
                if a.values or a.bounds is None:
                    raise check.bad(where, key, list(a.values), f"range = [low, high] for {s.method}")
                fixed_axes.append(Axis(a.name, bounds=check.bounds(a.name, a.bounds, where, f"{key}.range")))
        object.__setattr__(self, "axes", tuple(fixed_axes))
        if s.method in CONTINUOUS:
            check.integer(s.samples, where, "sampling.samples", 2 if s.method == "morris" else 1)
        if s.method == "sobol" and s.samples & (s.samples - 1):
            raise check.bad(where, "sampling.samples", s.samples, "a power of 2 for Sobol (Saltelli)")
        if s.method == "morris":
            check.integer(s.num_levels, where, "sampling.num_levels", 2)

    @property
    def design_names(self) -> list[str]:
        """The designs' names in the spec's order."""
        return [d.name for d in self.designs]  # type: ignore[union-attr]

    def to_dict(self) -> dict[str, Any]:
        """The resolved spec as JSON-able data: what the manifest stores and the resume check compares."""
        return {
            "name": self.name,
            "description": self.description,
            "designs": [
                {
                    "name": d.name,
                    "description": d.description,
                    "values": dict(d.values),
                    "resolved": sim.resolve(d, weeks=self.weeks).params.as_dict(),
                    "interventions": [iv.to_dict() for iv in d.interventions],
                }
                for d in self.designs  # type: ignore[union-attr]
            ],
            "baseline": self.baseline,
            "replications": self.replications,
            "seed": self.seed,
            "weeks": self.weeks,
            "keep": list(self.keep),
            "set": dict(self.fixed),
            "sampling": asdict(self.sampling),
            "axes": [
                {"name": a.name, **({"range": list(a.bounds)} if a.bounds else {"values": list(a.values)})}
                for a in self.axes
            ],
            "points": [dict(p) for p in self.points],
            "interventions": [iv.to_dict() for iv in self.interventions],
        }

    @classmethod
    def from_toml(cls, path: str | Path) -> Experiment:
        """Read a spec file; design files named in it are found relative to the spec's folder."""
        from experiments.spec_toml import parse

        return cls(**parse(Path(path)))

    def run(
        self,
        out: str | Path,
        executor: Executor | None = None,
        *,
        workers: int | None = None,
        scheduler: str | None = None,
        local_cluster: bool = False,
        csv: bool = False,
        progress: bool = True,
        max_hours: float | None = budget.MAX_HOURS,
    ) -> Results:
        """Run every missing run into the folder `out` (resuming what is there) and read it back.

        `executor` is any `concurrent.futures.Executor` the caller owns; without one the sweep uses
        local processes (`workers`, default all cores), a Dask scheduler at `scheduler`, or a local
        Dask cluster (`local_cluster`).

        Before anything is drawn, started or written, `out` must be a folder this process can write,
        and the sweep must fit in memory and (estimated) finish within `max_hours` (None: no limit)
        on `workers` (for a Dask scheduler: the cluster's size as `workers` says, default this
        machine's cores); otherwise `InputError`.
        """
        import os

        from experiments.sampling import size

        if files.check_out_dir(out).is_dir():
            from experiments.storage import check_folder

            check_folder(Path(out))
        n = workers or os.cpu_count() or 1
        local = executor is None and scheduler is None
        where = self.source or f"experiment '{self.name}'"
        budget.check(f"sweep {where}", size(self, n, local=local, cluster=local_cluster), max_hours)
        from experiments.sweep import sweep  # pandas, pyarrow, the executors: only once it will run

        return sweep(
            self,
            Path(out),
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            local_cluster=local_cluster,
            csv=csv,
            progress=progress,
        )
