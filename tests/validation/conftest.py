"""Shared runs for the validation suite: each arm is one `experiments.Experiment`, run once per session.

An *arm* is a design (a preset, optionally with changed parameters or scheduled interventions) run for
`REPLICATIONS` replications on the experiments layer's common random numbers (replication r uses
`SeedSequence(ROOT_SEED).spawn(REPLICATIONS)[r]` in every arm), so any two arms pair seed by seed.
Arms are named and stored once per session in a results folder each; tests that share an arm (the
`siloed` baseline above all) share its runs. Under `pytest -n` the folders live in the session's
common temporary directory and a file lock per arm makes sure only one worker runs it: a worker that
needs several arms first takes whichever nobody is running, so two workers rarely wait on each other.

Comparisons are paired 95% t intervals from `experiments.stats.paired` (the same code as
`truce compare` and `Results.compare`); a metric is a summary key or a function of one run's weekly
table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from filelock import FileLock, Timeout

import experiments
import sim
from experiments.pool import SerialExecutor
from experiments.stats import paired, t_interval
from tests.confidence import CI

#: Common random numbers: every arm runs these replications of this root seed (stated N >= 10; an arm
#: may run more, and `SeedSequence(ROOT_SEED).spawn(n)` begins with the same seeds for every n).
REPLICATIONS = 10
ROOT_SEED = 0
#: The default horizon (weeks): the first year is warm-up, interventions start in week 53.
WEEKS = 156
#: Weekly columns the tests read (the rest of the record is not stored).
KEEP = (
    "revenue",
    "costs",
    "profit",
    "leads_accepted",
    "leads_leaked",
    "leads_bought",
    "leads_leaked_bought",
    "blame_events",
    "training_gain",
    "morale_sales",
    "message_consistency",
)

#: A metric: a summary key, or a function of one run's weekly table (indexed by week).
Metric = str | Callable[[pd.DataFrame], float]


# ---------------------------------------------------------------------- metrics of the weekly table
def total(column: str, first: int = 1, last: int | None = None) -> Callable[[pd.DataFrame], float]:
    """Sum of a weekly column over weeks first..last (inclusive)."""
    return lambda w: float(w.loc[first:last, column].sum())


def acceptance(w: pd.DataFrame) -> float:
    """Share of the leads leaving the hand-off queue that a salesperson accepted (the rest leaked)."""
    accepted = float(w["leads_accepted"].sum())
    return accepted / (accepted + float(w["leads_leaked"].sum()))


@dataclass(frozen=True)
class Arm:
    """One arm: a preset design with changed parameter values and scheduled interventions."""

    name: str
    design: str = "siloed"
    weeks: int = WEEKS
    values: dict[str, Any] = field(default_factory=dict)
    interventions: tuple[sim.Intervention, ...] = ()
    replications: int = REPLICATIONS

    def experiment(self) -> experiments.Experiment:
        base = sim.get_design(self.design)
        design = sim.Design(
            self.name, values={**base.values, **self.values}, interventions=self.interventions
        )
        return experiments.Experiment(
            designs=[design],
            replications=self.replications,
            seed=ROOT_SEED,
            weeks=self.weeks,
            keep=list(KEEP),
            name=self.name,
        )


class Lab:
    """Runs arms through the experiments layer (once per session) and compares them seed by seed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._arms: dict[str, Arm] = {}
        self._results: dict[str, experiments.Results] = {}
        self._sweeps: dict[str, experiments.Results] = {}

    def arm(
        self,
        name: str,
        design: str = "siloed",
        *,
        weeks: int = WEEKS,
        interventions: Iterable[sim.Intervention] = (),
        replications: int = REPLICATIONS,
        **values: Any,
    ) -> Arm:
        """The arm `name`; tests that share an arm must define it identically (checked here)."""
        arm = Arm(name, design, weeks, values, tuple(interventions), replications)
        known = self._arms.setdefault(name, arm)
        assert known == arm, f"arm {name!r} defined twice, differently: {known} and {arm}"
        return arm

    total = staticmethod(total)
    acceptance = staticmethod(acceptance)

    # ------------------------------------------------------------------ running
    def results(self, *arms: Arm) -> list[experiments.Results]:
        """The results of `arms`, running those not yet run (by this or another worker)."""
        pending = [a for a in arms if a.name not in self._results]
        while pending:
            for arm in list(pending):  # first every arm no other worker is running right now
                with self._lock(arm, block=False) as got:
                    if got:
                        self._load_or_run(arm)
                        pending.remove(arm)
            if pending:  # the rest are being run elsewhere: wait for the first
                with self._lock(pending[0], block=True):
                    self._load_or_run(pending.pop(0))
        return [self._results[a.name] for a in arms]

    @contextmanager
    def _lock(self, arm: Arm, *, block: bool) -> Iterator[bool]:
        """Yield whether this worker holds the arm's lock (the same OS lock as a sweep's folder)."""
        lock = FileLock(self.root / f"{arm.name}.lock", timeout=-1 if block else 0)
        try:
            lock.acquire()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def _load_or_run(self, arm: Arm) -> None:
        out = self.root / arm.name
        done = (out / "manifest.json").exists() and experiments.load(out).manifest["counts"]["ok"] == (
            arm.replications
        )
        results = (
            experiments.load(out)
            if done
            else arm.experiment().run(out, executor=SerialExecutor(), progress=False)
        )
        runs, weekly = results.ok_runs(), results.weekly  # read while the lock is held
        assert len(runs) == arm.replications, f"{arm.name}: failed runs\n{results.runs['error'].dropna()}"
        assert len(weekly) == arm.replications * arm.weeks
        self._results[arm.name] = results

    def sweep(self, experiment: experiments.Experiment, workers: int = 2) -> experiments.Results:
        """A sweep that is not an arm (sample points, its own columns), run once per session on
        `workers` local processes into a folder named after the experiment, under the same lock
        scheme as the arms: tests on several xdist workers that need it share one run of it."""
        name = experiment.name
        if name not in self._sweeps:
            out = self.root / name
            with self._lock(Arm(name), block=True):
                counts = experiments.load(out).manifest["counts"] if (out / "manifest.json").exists() else {}
                done = bool(counts) and counts["ok"] == counts["total"]
                results = (
                    experiments.load(out) if done else experiment.run(out, workers=workers, progress=False)
                )
                counts = results.manifest["counts"]
                assert counts["ok"] == counts["total"], (
                    f"{name}: failed runs\n{results.runs['error'].dropna()}"
                )
                _ = results.weekly  # read while the lock is held
            self._sweeps[name] = results
        return self._sweeps[name]

    # ------------------------------------------------------------------ measuring
    def values(self, arm: Arm, metric: Metric) -> pd.DataFrame:
        """One row per replication: `point`, `replication`, `design` and the metric as `value`."""
        (results,) = self.results(arm)
        runs = results.ok_runs()[["run_id", "design", "point", "replication", "status"]].copy()
        if isinstance(metric, str):
            runs["value"] = results.ok_runs()[metric].to_numpy(dtype=float)
        else:
            weekly = results.weekly.set_index("week")
            per_run = {rid: float(metric(w)) for rid, w in weekly.groupby("run_id", sort=False)}
            runs["value"] = runs["run_id"].map(per_run).astype(float)
        return runs

    def mean(self, arm: Arm, metric: Metric) -> CI:
        """Mean of the metric over the arm's replications and its 95% t interval."""
        v = self.values(arm, metric)["value"].to_numpy(dtype=float)
        mean, _, low, high = t_interval(v)
        return CI(mean, low, high, v.size)

    def effect(self, treatment: Arm, control: Arm, metric: Metric) -> CI:
        """Paired 95% CI of the metric, treatment minus control, replication by replication
        (`experiments.stats.paired`: same point, same replication, hence the same seed)."""
        self.results(treatment, control)  # both at once, so two workers can share the work
        runs = pd.concat([self.values(treatment, metric), self.values(control, metric)])
        row = paired(runs, control.name, ["value"]).iloc[0]
        return CI(float(row.mean_diff), float(row.ci_low), float(row.ci_high), int(row.n_pairs))

    def difference_of_effects(self, a: tuple[Arm, Arm], b: tuple[Arm, Arm], metric: Metric) -> CI:
        """Paired CI of (a[0] - a[1]) - (b[0] - b[1]): does an effect grow from one setting to another?"""
        self.results(*a, *b)
        v = [self.values(arm, metric).set_index("replication")["value"] for arm in (*a, *b)]
        diff = ((v[0] - v[1]) - (v[2] - v[3])).to_numpy(dtype=float)
        mean, _, low, high = t_interval(diff)
        return CI(mean, low, high, diff.size)


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Lab:
    """The session's arms, stored in the temporary directory shared by all xdist workers (an xdist
    worker's base directory is one per worker; its parent is the session's)."""
    base = tmp_path_factory.getbasetemp()
    shared = hasattr(request.config, "workerinput")  # set on xdist workers only
    root = (base.parent if shared else base) / "validation-arms"
    root.mkdir(exist_ok=True)
    return Lab(root)
