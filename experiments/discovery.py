"""Scenario discovery: where over the sampled uncertainties a design wins, or fails a threshold (PRIM).

A sweep that samples uncertainties gives, per scenario (sample point), each design's outcomes on
common seeds. A *question* turns each scenario into a case of interest or not: "design A beats B on
O" (the mean over replications of the paired difference A - B, signed so that more is better, is
> 0; churn and turnover are better lower, `report_answer.LOWER_IS_BETTER`) or "A's mean O is below
(above) t". PRIM (Friedman & Fisher 1999), from the EMA Workbench (`ema_workbench.analysis.prim`,
its lenient objective and quasi-p values, Bryant & Lempert 2010), then peels the space of sampled
parameters down to a box where the cases concentrate.

Which box of the peeling trajectory: PRIM returns a whole trajectory from the full space (coverage 1,
density = the share of cases) to small dense boxes, and EMA leaves the choice to the analyst
(`inspect_tradeoff`). The rule here, so a report can choose without one: among boxes that restrict
at most `MAX_DIMS` parameters (a box in words a strategist can use) and whose every restriction is
significant, the one with the best harmonic mean of coverage and density, i.e. the F1 score of the
box read as a classifier of the cases (density is its precision, coverage its recall); ties go to the
earlier (larger) box. A side of a box whose quasi-p value (Bryant & Lempert's one-sided binomial test,
computed by EMA) is above 0.05 is dropped first, as an analyst would with EMA's `drop_restriction`,
and the box's coverage and density are those of what remains.

Intervals: coverage (k of the cases in the box), density (k of the box's scenarios) and the share of
cases are Wilson 95 % intervals, with the box held fixed: optimistic, for they leave out PRIM choosing
another box on other scenarios and each label's noise from few replications. Not a bootstrap: at 10 of
10 every resample agrees and its interval collapses to 100 to 100 %.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.ema import workbench
from experiments.report_answer import LOWER_IS_BETTER
from experiments.stats import ok_runs, pairs, wilson
from sim.errors import InputError

#: At most this many restricted parameters in the chosen box.
MAX_DIMS = 3
#: The quasi-p value each restriction of the chosen box must reach.
ALPHA = 0.05
#: Fewer scenarios than this make no box worth stating.
MIN_SCENARIOS = 10


@dataclass(frozen=True)
class Question:
    """Which scenarios are cases: `design` beats `versus`, or its mean `outcome` is below/above a value."""

    design: str
    outcome: str = "profit"
    versus: str | None = None
    below: float | None = None
    above: float | None = None

    def __post_init__(self) -> None:
        asked = [x is not None for x in (self.versus, self.below, self.above)]
        if sum(asked) != 1:
            raise InputError("a question needs exactly one of: versus a design, below a value, above a value")
        if self.versus == self.design:
            raise InputError(f"design and versus are both '{self.design}': compare two different designs")
        for flag, t in (("--below", self.below), ("--above", self.above)):
            if t is not None and not math.isfinite(t):
                raise InputError(f"{flag} {t}: the threshold must be a finite number")

    def words(self) -> str:
        """The question in words: "merged beats siloed on profit", "merged's profit is below 0"."""
        if self.versus is not None:
            lower = " (lower is better)" if self.outcome in LOWER_IS_BETTER else ""
            return f"{self.design} beats {self.versus} on {self.outcome}{lower}"
        side, t = ("below", self.below) if self.below is not None else ("above", self.above)
        return f"{self.design}'s {self.outcome} is {side} {t:g}"


@dataclass(frozen=True)
class Box:
    """The chosen PRIM box: limits of the restricted parameters, its statistics and their intervals."""

    question: Question
    #: Restricted parameters only: (low, high) with None for an unrestricted side, or the set of values
    #: kept for an on/off parameter.
    limits: dict[str, tuple[Any, Any] | frozenset[Any]]
    quasi_p: dict[str, float]
    coverage: float
    density: float
    coverage_ci: tuple[float, float]
    density_ci: tuple[float, float]
    in_box: int
    cases: int
    scenarios: int
    trajectory: pd.DataFrame = field(repr=False)
    chosen: int = 0  # the box's index on the trajectory

    @property
    def found(self) -> bool:
        """Whether PRIM found a region (some restriction), not just the whole space."""
        return bool(self.limits)

    def words(self) -> str:
        """The box in plain words, with its coverage and density and their 95 % intervals."""
        low, high = wilson(self.cases, self.scenarios)
        base = f"{self.cases} of {self.scenarios} scenarios (95 % CI {_pct(low, False)} to {_pct(high)})"
        if self.cases in (0, self.scenarios):
            every = "none" if not self.cases else "every one"
            return f"{self.question.words()} in {every} of the {self.scenarios} scenarios (no region to find)"
        if not self.found:
            return (
                f"{self.question.words()} in {base}, in no region PRIM can state "
                f"(no box of at most {MAX_DIMS} significant restrictions)"
            )
        where = " and ".join(_condition(name, lim) for name, lim in self.limits.items())
        return (
            f"{self.question.words()} when {where}: covers {_pct(self.coverage)} of such cases "
            f"(95 % CI {_pct(self.coverage_ci[0], False)} to {_pct(self.coverage_ci[1])}), "
            f"{_pct(self.density)} dense (95 % CI {_pct(self.density_ci[0], False)} to "
            f"{_pct(self.density_ci[1])}); {self.in_box} scenarios in the box, {base} are cases"
        )


def _pct(x: float, unit: bool = True) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.0f}{' %' if unit else ''}"


def _num(x: Any) -> str:
    return str(x) if isinstance(x, int | np.integer) else f"{float(x):.3g}"


def _condition(name: str, limit: tuple[Any, Any] | frozenset[Any]) -> str:
    if isinstance(limit, frozenset):  # an on/off (categorical) restriction
        values = sorted(limit)
        return f"{name} is {values[0]}" if len(values) == 1 else f"{name} in {values}"
    low, high = limit
    strict = not isinstance(low if low is not None else high, int | np.integer)
    lt, gt = ("<", ">") if strict else ("\u2264", "\u2265")
    if low is not None and high is not None:
        return f"{_num(low)} {lt} {name} {lt} {_num(high)}"
    return f"{name} {gt} {_num(low)}" if low is not None else f"{name} {lt} {_num(high)}"


def scenarios(runs: pd.DataFrame, axes: list[str]) -> pd.DataFrame:
    """The sampled values of each scenario (sample point), one row per point, indexed by point."""
    missing = [a for a in axes if a not in runs.columns]
    if missing:
        raise InputError(f"the runs table has no column for the sampled parameters {missing}")
    return runs.groupby("point", sort=True)[axes].first()


def cases(runs: pd.DataFrame, question: Question) -> pd.Series:
    """Per scenario (point), whether it is a case of interest for `question` (bool, indexed by point).

    "Beats": the mean over the replications of (design - versus) on common seeds, signed so that more
    is better, is > 0; only complete pairs count. Threshold: the design's mean over its ok runs.
    """
    q, ok = question, ok_runs(runs)
    names = set(ok["design"])
    for d in (q.design, q.versus):
        if d is not None and d not in names:
            raise InputError(f"design '{d}' has no ok runs here (designs: {', '.join(sorted(names))})")
    if q.outcome not in ok.columns or not pd.api.types.is_float_dtype(ok[q.outcome]):
        raise InputError(f"outcome '{q.outcome}' is not a summary metric of these runs")
    if q.versus is not None:
        joined = pairs(runs, q.design, q.versus)
        sign = -1.0 if q.outcome in LOWER_IS_BETTER else 1.0
        diff = sign * (joined[q.outcome] - joined[f"{q.outcome}_base"])
        return diff.groupby(joined["point"]).mean().gt(0).sort_index()
    means = ok[ok["design"] == q.design].groupby("point")[q.outcome].mean().sort_index()
    return means.lt(q.below) if q.below is not None else means.gt(q.above)


def discover(runs: pd.DataFrame, axes: list[str], question: Question) -> Box:
    """The PRIM box for `question` over the sampled parameters `axes` (see the module docstring).

    Raises:
        InputError: unknown design or outcome, or fewer than `MIN_SCENARIOS` scenarios with a label.
    """
    y = cases(runs, question)
    x = scenarios(runs, axes).loc[y.index].reset_index(drop=True)
    # Integer parameters go to PRIM as floats: EMA 3.0.0 pastes a midpoint (8.5) into an int64 column,
    # which pandas 3 refuses; their limits are rounded inward again in `_limits`.
    ints = [c for c in x.columns if x[c].dtype.kind in "iu"]  # not bool (kind "b")
    x = x.astype(dict.fromkeys(ints, "float64"))
    if len(y) < MIN_SCENARIOS:
        raise InputError(f"{len(y)} scenarios with ok runs: PRIM needs at least {MIN_SCENARIOS}")
    flags = y.to_numpy(dtype=bool)
    n, k = len(flags), int(flags.sum())
    nan2 = (math.nan, math.nan)
    columns = ["coverage", "density", "res_dim", "mass"]
    if k in (0, n):  # nothing to separate: no case, or every scenario a case
        return Box(
            question,
            {},
            {},
            1.0 if k else math.nan,
            k / n,
            nan2,
            nan2,
            n,
            k,
            n,
            pd.DataFrame(columns=columns),
        )
    box = _prim(x, flags)
    trajectory = box.peeling_trajectory[columns].astype(float).reset_index(drop=True)
    found = choose(box, x, flags)
    if found is None:
        return Box(question, {}, {}, 1.0, k / n, nan2, nan2, n, k, n, trajectory)
    i, lims, inside = found
    limits, qp = _limits(box, i, lims, ints)
    hits, in_box = int((inside & flags).sum()), int(inside.sum())
    return Box(
        question,
        limits,
        qp,
        coverage=hits / k,
        density=hits / in_box,
        coverage_ci=wilson(hits, k),
        density_ci=wilson(hits, in_box),
        in_box=in_box,
        cases=k,
        scenarios=n,
        trajectory=trajectory,
        chosen=i,
    )


def _prim(x: pd.DataFrame, y: np.ndarray) -> Any:
    """PRIM's first box with its peeling trajectory (EMA's defaults: peel and paste alpha 0.05)."""
    import logging

    workbench()
    from ema_workbench.analysis import prim

    logging.getLogger("EMA").setLevel(logging.WARNING)  # its INFO lines are for notebooks
    with warnings.catch_warnings():  # EMA 3.0.0 calls DataFrame.drop(inplace=True), deprecated in pandas 3
        warnings.filterwarnings("ignore", message="The inplace keyword")
        return prim.Prim(x, y.astype(int), mass_min=0.05).find_box()


def choose(box: Any, x: pd.DataFrame, flags: np.ndarray) -> tuple[int, pd.DataFrame, np.ndarray] | None:
    """The chosen box (the module docstring's rule): its index on the trajectory, its limits with the
    insignificant sides dropped, and which scenarios it holds; None if no box qualifies."""
    init = box.prim.box_init
    best, score = None, 0.0
    for i in range(len(box.peeling_trajectory)):
        lims = _significant(box.box_lims[i], box.p_values[i], init)
        dims = [c for c in lims.columns if not _same(lims[c], init[c])]
        if not 1 <= len(dims) <= MAX_DIMS:
            continue
        inside = _inside(x, lims)
        hits = int((inside & flags).sum())
        if not hits:
            continue
        c, d = hits / int(flags.sum()), hits / int(inside.sum())
        f1 = 2 * c * d / (c + d)
        if f1 > score:
            best, score = (i, lims, inside), f1
    return best


def _same(a: pd.Series, b: pd.Series) -> bool:
    return bool(a.iloc[0] == b.iloc[0] and a.iloc[1] == b.iloc[1])


def _significant(lims: pd.DataFrame, qp: dict[str, list[float]], init: pd.DataFrame) -> pd.DataFrame:
    """`lims` with every restricted side whose quasi-p exceeds `ALPHA` put back to the full range
    (EMA's `drop_restriction`, done on a copy; a side's quasi-p is -1 when it is not restricted)."""
    out = lims.copy()
    for name, (p_low, p_high) in qp.items():
        if isinstance(lims.at[0, name], set):
            if p_low > ALPHA:
                out[name] = init[name]
            continue
        if p_low > ALPHA:
            out.at[0, name] = init.at[0, name]
        if p_high > ALPHA:
            out.at[1, name] = init.at[1, name]
    return out


def _limits(
    box: Any, i: int, lims: pd.DataFrame, ints: list[str]
) -> tuple[dict[str, tuple[Any, Any] | frozenset[Any]], dict[str, float]]:
    """The restricted sides of `lims` (None for an unrestricted side; integer parameters' limits
    rounded inward, the box holding the same scenarios) and each one's quasi-p, as PRIM computed it
    for box `i` (before insignificant sides were dropped)."""
    init = box.prim.box_init
    out: dict[str, tuple[Any, Any] | frozenset[Any]] = {}
    qp: dict[str, float] = {}
    for name in lims.columns:
        lo, hi = lims.at[0, name], lims.at[1, name]
        if isinstance(lo, set):
            if lo != init.at[0, name]:
                out[name] = frozenset(_py(v) for v in lo)
                qp[name] = float(box.p_values[i][name][0])
            continue
        low = lo if lo != init.at[0, name] else None
        high = hi if hi != init.at[1, name] else None
        if name in ints:
            low = None if low is None else math.ceil(low)
            high = None if high is None else math.floor(high)
        if low is not None or high is not None:
            out[name] = (_py(low), _py(high))
            sides = box.p_values[i][name]
            qp[name] = float(max(p for p, kept in zip(sides, (low, high), strict=True) if kept is not None))
    return out, qp


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _inside(x: pd.DataFrame, lims: pd.DataFrame) -> np.ndarray:
    """Which scenarios lie in the box `lims` (EMA's limits are inclusive)."""
    keep = np.ones(len(x), dtype=bool)
    for name in lims.columns:
        lo, hi = lims.at[0, name], lims.at[1, name]
        if isinstance(lo, set):
            keep &= x[name].isin(lo).to_numpy()
        else:
            keep &= ((x[name] >= lo) & (x[name] <= hi)).to_numpy()
    return keep
