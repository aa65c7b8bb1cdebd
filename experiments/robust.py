"""Robust choice over sampled scenarios: each design's Savage regret and its satisficing share.

A sweep whose spec samples the uncertainties (e.g. `sampling.method = "lhs"` over them) already runs
every design on every sample point ("scenario") with replications on common seeds. Robust decision
making (Lempert, Popper & Bankes 2003) asks of those runs not "which design is best at the default
market?" but "which design do we regret least over the markets we cannot rule out?":

- a design's value in a scenario is its mean over the scenario's replications (only replications in
  which every design finished count, so the designs stay paired on seeds);
- its regret there (Savage 1951) is its shortfall from the best design in that scenario, in the
  outcome's unit: `best - value` when more is better (profit, revenue), `value - best` when less is
  better (churn and staff turnover, `report_answer.LOWER_IS_BETTER`); 0 for the best, never negative;
- per design: the mean, 90th percentile and maximum of its regret over scenarios, and its satisficing
  share: the share of scenarios where its regret is at most `within` percent of the best design's
  absolute value there (`regret <= within / 100 * |best|`). Relative to |best| so that it means the
  same when the outcome is negative: at a best profit of -2 M, "within 5 %" allows a shortfall of
  0.1 M (down to -2.1 M), as it does at +2 M. At a best value of exactly 0 only a tie satisfices.
  For churn and turnover the tolerance is relative too (5 % of a 10 % churn rate is 0.5 points).

Intervals: each regret statistic has a 95 % bootstrap interval over scenarios (`scipy.stats.bootstrap`,
BCa, seeded; percentile for the maximum, and where BCa is undefined), i.e. what another draw of as
many scenarios from the same ranges could give; the satisficing share a 95 % Wilson score interval
over scenarios (a binomial share, whose bootstrap interval collapses to a point at 0 % and 100 %).
Replication noise is included the way a one-stage cluster bootstrap includes it (Davison & Hinkley
1997, sec. 3.8): each scenario's value is a mean over its replications, so the spread of the
resampled scenarios carries that noise too. Not covered: noise picks the best design in a scenario
whose leader is within replication noise, which biases regret up a little; `unresolved` counts such
scenarios (the leader's paired 95 % t interval against the runner-up includes 0). The
maximum's interval cannot reach above the largest regret sampled: read it as a lower bound.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

import sim
from experiments.report_answer import better
from experiments.stats import LEVEL, metric_columns, ok_runs, t_interval, wilson
from sim import InputError

OUTCOME = "profit"
WITHIN = 5.0
#: Bootstrap resamples of the scenarios, and the generator's seed (the same table gives the same CIs).
RESAMPLES = 2000
SEED = 0
#: The statistics per design, in the table's order (each with `_low` and `_high` 95 % bounds).
STATISTICS = ("mean_regret", "p90_regret", "max_regret", "satisficing")


@dataclass(frozen=True)
class Robust:
    """Robust choice of one results folder on one outcome.

    `table`: one row per design, least mean regret first, with columns design, each of `STATISTICS`
    and its `_low` / `_high` bootstrap bounds. `values` and `regret`: scenario x design frames.
    """

    outcome: str
    within: float
    table: pd.DataFrame
    values: pd.DataFrame
    regret: pd.DataFrame
    replications: int  # the fewest replications a scenario kept (all designs ok)
    balanced: bool  # every scenario kept as many
    dropped: int  # scenarios left out: some design has no ok run there
    unresolved: int  # scenarios whose best design leads the runner-up within replication noise
    uncertainties: tuple[str, ...]

    @property
    def scenarios(self) -> int:
        return len(self.values)


def scenario_names(manifest: Mapping[str, Any], where: str = "results") -> tuple[str, ...]:
    """The sampled parameters that make a scenario: at least one uncertainty (or behavioural constant),
    and no lever, since a lever on an axis would override the designs being chosen between.

    Raises:
        InputError: nothing sampled, no uncertainty sampled, or a lever sampled.
    """
    spec = manifest.get("spec", {})
    names = [a["name"] for a in spec.get("axes", [])]
    names += [k for p in spec.get("points", []) for k in p if k not in names]
    kinds = {p.name: p.kind for p in sim.params()}
    levers = [n for n in names if kinds.get(n) == "lever"]
    if levers:
        raise InputError(
            f"{where}: samples the lever {levers[0]!r}; robust choice needs scenarios of uncertainties only "
            "(the designs set the levers)"
        )
    if not any(kinds.get(n) == "uncertainty" for n in names):
        method = (manifest.get("sampling") or {}).get("method") or spec.get("sampling", {}).get("method")
        raise InputError(
            f"{where}: samples no uncertainty (sampling {method or 'none'}); robust choice needs a spec "
            'with [axes] over uncertainties, e.g. sampling.method = "lhs" (experiments/specs/robust.toml)'
        )
    return tuple(names)


def check_outcome(runs: pd.DataFrame, outcome: str, where: str = "results") -> None:
    """A summary metric recorded in `runs`, or one line naming the headline ones."""
    if outcome not in metric_columns(runs):
        from sim.outcomes import headline

        allowed = ", ".join(o.name for o in headline() if o.name in runs.columns)
        raise InputError(
            f"{where}: outcome {outcome!r} is not a summary metric of these runs "
            f"(allowed: {allowed}, or another summary metric)"
        )


def check_within(within: float) -> float:
    """The satisficing tolerance in percent of |best|: 0 (ties only) to 100."""
    if not (np.isfinite(within) and 0 <= within <= 100):
        raise InputError(f"--within = {within} is invalid (allowed: percent in [0, 100])")
    return float(within)


def _paired_values(runs: pd.DataFrame, outcome: str, designs: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """(point, replication) x design of `outcome`, only where every design finished; and how many
    scenarios had some design with no such replication (dropped)."""
    ok = ok_runs(runs)
    ok = ok[ok["design"].isin(designs)]
    wide = ok.pivot_table(index=["point", "replication"], columns="design", values=outcome, aggfunc="first")
    wide = wide.reindex(columns=list(designs)).dropna()
    dropped = runs["point"].nunique() - wide.index.get_level_values("point").nunique()
    return wide, int(dropped)


def _unresolved(wide: pd.DataFrame, means: pd.DataFrame, sign: int) -> int:
    """Scenarios whose best design's paired 95 % t interval against the runner-up includes 0."""
    count = 0
    for point, group in wide.groupby(level="point"):
        order = (sign * means.loc[point]).sort_values(ascending=False).index
        diff = (group[order[0]] - group[order[1]]).to_numpy(dtype=float)
        _, _, low, high = t_interval(diff)
        count += not (np.isfinite(low) and (low > 0 or high < 0))
    return count


def _interval(data: np.ndarray, statistic: Any, method: str, seed: int, resamples: int) -> np.ndarray:
    """Bounds (2 x designs) of `statistic` over scenarios (rows of `data`), resampled together."""
    point = statistic(data, axis=0)
    if len(data) < 2:
        return np.vstack([np.full_like(point, np.nan), np.full_like(point, np.nan)])

    def bootstrap(how: str) -> np.ndarray:
        with warnings.catch_warnings():  # degenerate columns are handled below
            warnings.simplefilter("ignore")
            result = stats.bootstrap(
                (data,),
                statistic,
                n_resamples=resamples,
                confidence_level=LEVEL,
                method=how,
                axis=0,
                vectorized=True,
                rng=np.random.default_rng(seed),
            )
        return np.vstack([result.confidence_interval.low, result.confidence_interval.high])

    bounds = bootstrap(method)
    # BCa's acceleration is undefined when the jackknife does not move the statistic (a 90th percentile
    # of mostly zeros): those columns take the percentile interval of the same resamples.
    if np.isnan(bounds).any():
        bounds = np.where(np.isnan(bounds), bootstrap("percentile"), bounds)
    constant = np.all(data == data[0], axis=0)
    bounds[:, constant] = point[constant]  # no spread: the interval is the value
    return bounds


def _wilson(hits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals of each column's share of hits (scenarios x designs of 0/1)."""
    bounds = [wilson(int(k), len(hits)) for k in hits.sum(axis=0)]
    return np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])


def _p90(x: np.ndarray, axis: int) -> np.ndarray:
    return np.quantile(x, 0.9, axis=axis)


def robust(
    runs: pd.DataFrame,
    manifest: Mapping[str, Any],
    outcome: str = OUTCOME,
    within: float = WITHIN,
    *,
    designs: Sequence[str] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    where: str | None = None,
) -> Robust:
    """Regret and satisficing share of each design (all of the folder's, or `designs`) on `outcome`;
    `where` names the results in an error (default: the spec file).

    Raises:
        InputError: the folder samples no uncertainty, the outcome is not a recorded summary metric,
            `within` is outside [0, 100], fewer than two designs, or no scenario where all finished.
    """
    where = where or str(manifest.get("spec_file") or manifest.get("spec", {}).get("name", "results"))
    names = scenario_names(manifest, where)
    check_outcome(runs, outcome, where)
    within = check_within(within)
    designs = list(designs or manifest.get("designs") or dict.fromkeys(runs["design"]))
    unknown = [d for d in designs if d not in set(runs["design"])]
    if unknown:
        raise InputError(
            f"{where}: no runs of design {unknown[0]!r} (has {', '.join(dict.fromkeys(runs['design']))})"
        )
    if len(designs) < 2:
        raise InputError(f"{where}: robust choice needs at least two designs (has {', '.join(designs)})")
    wide, dropped = _paired_values(runs, outcome, designs)
    if wide.empty:
        raise InputError(f"{where}: no scenario where every design has an ok run")
    sign = better(outcome)
    values = wide.groupby(level="point").mean()
    kept = wide.groupby(level="point").size()
    replications = int(kept.min())
    signed = sign * values.to_numpy(dtype=float)
    best = signed.max(axis=1, keepdims=True)
    regret = best - signed  # >= 0, exactly 0 for the best (and for any design tied with it)
    tolerance = within / 100 * np.abs(best)  # |best| in the outcome's own sign: |sign * v| = |v|
    satisficing = (regret <= tolerance).astype(float)
    columns: dict[str, Any] = {"design": designs}
    for name, data, statistic, method in (
        ("mean_regret", regret, np.mean, "BCa"),
        ("p90_regret", regret, _p90, "BCa"),
        ("max_regret", regret, np.max, "percentile"),
    ):
        low, high = _interval(data, statistic, method, seed, resamples)
        columns |= {name: statistic(data, axis=0), f"{name}_low": low, f"{name}_high": high}
    low, high = _wilson(satisficing)
    columns |= {"satisficing": satisficing.mean(axis=0), "satisficing_low": low, "satisficing_high": high}
    table = pd.DataFrame(columns).sort_values(["mean_regret", "max_regret"], kind="stable")
    return Robust(
        outcome=outcome,
        within=within,
        table=table.reset_index(drop=True),
        values=values,
        regret=pd.DataFrame(regret, index=values.index, columns=designs),
        replications=replications,
        balanced=bool(kept.max() == replications),
        dropped=dropped,
        unresolved=_unresolved(wide, values, sign) if replications > 1 else len(values),
        uncertainties=names,
    )


def samples_uncertainties(manifest: Mapping[str, Any]) -> bool:
    """Whether a results folder is one robust choice applies to (the report's test)."""
    try:
        scenario_names(manifest)
    except InputError:
        return False
    return True
