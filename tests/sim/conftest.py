"""Shared helpers for the model's tests: a cached runner and paired confidence intervals over seeds."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from tests.confidence import CI

#: Common random numbers: every arm of a mechanism test runs on exactly these seeds (>= 10).
SEEDS = tuple(range(10))
#: For effects that are small against the run-to-run spread (a paired CI over 10 seeds often spans 0).
MORE_SEEDS = tuple(range(20))

#: Where each department's initial headcount comes from, for the headcount identity.
INITIAL_STAFF = {"marketing": "marketers", "sales": "salespeople", "service": "service_staff"}

Params = tuple[tuple[str, Any], ...]
Interventions = tuple[tuple[int, str, Params], ...]


@cache
def _resolved(design: str) -> dict[str, Any]:
    return sim.resolve(design).params.as_dict()


def _canonical(design: str, params: dict[str, Any]) -> Params:
    """Overrides minus those equal to the design's own value, so an explicit control arm that matches the
    design shares its cached runs with tests that use the design as it is."""
    own = _resolved(design)
    return tuple(sorted((k, v) for k, v in params.items() if k not in own or own[k] != v))


@lru_cache(maxsize=1024)
def _cached_run(design: str, weeks: int, seed: int, params: Params, ivs: Interventions) -> sim.RunResult:
    interventions = [sim.Intervention(week, kind, **dict(args)) for week, kind, args in ivs]
    return sim.run(design, weeks=weeks, seed=seed, interventions=interventions, **dict(params))


def run(
    design: str = "siloed",
    *,
    weeks: int,
    seed: int,
    interventions: Iterable[sim.Intervention] = (),
    **params: Any,
) -> sim.RunResult:
    """`sim.run`, memoised per process: an arm shared by several tests (the baseline) runs only once.

    Callers must treat the returned result as read-only.
    """
    ivs = tuple((iv.week, iv.kind, tuple(sorted(iv.args.items()))) for iv in interventions)
    return _cached_run(design, weeks, seed, _canonical(design, params), ivs)


def mean_ci(values: Iterable[float], level: float = 0.95) -> CI:
    """t-based confidence interval of the mean of `values`."""
    v = np.asarray(list(values), dtype=float)
    assert v.size >= 2, "a confidence interval needs at least two values"
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    mean = float(v.mean())
    return CI(mean, mean - half, mean + half, int(v.size))


def paired_ci(treatment: Iterable[float], control: Iterable[float], level: float = 0.95) -> CI:
    """CI of the mean paired difference treatment - control; pair i must come from the same seed."""
    t = np.asarray(list(treatment), dtype=float)
    c = np.asarray(list(control), dtype=float)
    assert t.shape == c.shape, "paired samples must have the same length"
    return mean_ci(t - c, level)


Metric = Callable[[sim.RunResult], float]


def arm(
    metric: Metric,
    *,
    weeks: int,
    design: str = "siloed",
    seeds: Iterable[int] = SEEDS,
    interventions: Iterable[sim.Intervention] = (),
    **params: Any,
) -> np.ndarray:
    """`metric` of one arm, seed by seed (in the order of `seeds`)."""
    ivs = tuple(interventions)
    return np.array([metric(run(design, weeks=weeks, seed=s, interventions=ivs, **params)) for s in seeds])


def effect(
    metric: Metric,
    *,
    weeks: int,
    treatment: dict[str, Any],
    control: dict[str, Any],
    design: str = "siloed",
    seeds: Iterable[int] = SEEDS,
) -> CI:
    """Paired CI of `metric`, treatment arm minus control arm, both on the same seeds and design."""
    seeds = tuple(seeds)
    return paired_ci(
        arm(metric, weeks=weeks, design=design, seeds=seeds, **treatment),
        arm(metric, weeks=weeks, design=design, seeds=seeds, **control),
    )


# ---------------------------------------------------------------------- metrics
def total(column: str, first: int = 1, last: int | None = None) -> Metric:
    """Sum of a weekly column over weeks first..last (inclusive)."""

    def metric(result: sim.RunResult) -> float:
        return float(result.weekly.loc[first:last, column].sum())

    return metric


def average(column: str, first: int = 1, last: int | None = None) -> Metric:
    """Mean of a weekly column over weeks first..last (inclusive)."""

    def metric(result: sim.RunResult) -> float:
        return float(result.weekly.loc[first:last, column].mean())

    return metric


def at_week(column: str, week: int) -> Metric:
    """A weekly column's value in one week."""

    def metric(result: sim.RunResult) -> float:
        return float(result.weekly.loc[week, column])

    return metric


def summary(key: str) -> Metric:
    """One key of the run's summary."""

    def metric(result: sim.RunResult) -> float:
        return float(result.summary[key])

    return metric


def ratio(numerator: str, denominator: str, scale: float = 1.0) -> Metric:
    """scale x (sum of one weekly column) / (sum of another) over the whole run."""

    def metric(result: sim.RunResult) -> float:
        w: pd.DataFrame = result.weekly
        den = float(w[denominator].sum())
        return scale * float(w[numerator].sum()) / den if den else 0.0

    return metric


#: This module, taken while it is being imported: every folder's conftest is imported as `conftest`,
#: so `sys.modules["conftest"]` later holds whichever was imported last.
_THIS = sys.modules[__name__]


@pytest.fixture(scope="session")
def lab() -> ModuleType:
    """These helpers as one namespace (`lab.effect`, `lab.total`, ...): a fixture, because a `conftest`
    module is not reliably importable by name from test modules."""
    return _THIS
