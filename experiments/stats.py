"""Per-design statistics and paired differences on common random numbers.

Every design meets the same market luck on the same seed, so comparing designs pair by pair (same
sample point, same replication) removes most of the seed-to-seed noise that an unpaired comparison
would carry. Only runs with status "ok" count; a pair needs both sides ok.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

import sim

#: Columns of the runs table that identify or describe a run rather than measure it.
ID_COLUMNS = ("run_id", "design", "point", "replication", "seed", "status", "error")
#: How runs pair across designs (common random numbers: same point, same replication, same seed).
PAIR_KEYS = ["point", "replication"]
LEVEL = 0.95


def metric_columns(runs: pd.DataFrame) -> list[str]:
    """The summary metrics in a runs table: numeric columns that are neither ids nor parameters."""
    skip = set(ID_COLUMNS) | {spec.name for spec in sim.params()}
    return [c for c in runs.columns if c not in skip and pd.api.types.is_float_dtype(runs[c])]


def ok_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs that finished; failed runs are data for the sweep log, not for the statistics."""
    return runs[runs["status"] == "ok"]


def t_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float, float, float]:
    """Mean, sample sd and the t confidence interval of the mean.

    Fewer than two values give NaN for sd and interval: one value says nothing about spread.
    """
    n = values.size
    mean = float(np.mean(values)) if n else float("nan")
    if n < 2:
        return mean, float("nan"), float("nan"), float("nan")
    sd = float(np.std(values, ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


def wilson(hits: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """The Wilson score interval of a share of `hits` in `n` (scenarios where something holds).

    Not the bootstrap: at a share of 0 or 1 every resample is the same and the bootstrap interval
    collapses to a point, while 12 of 12 scenarios is still compatible with a true share of 0.76.
    """
    ci = stats.binomtest(int(hits), int(n)).proportion_ci(level, method="wilson")
    return float(ci.low), float(ci.high)


def describe(runs: pd.DataFrame, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean, sd and 95% t interval of each metric per design, over the design's ok runs.

    Returns one row per design x metric with columns design, metric, n, mean, sd, ci_low, ci_high
    (sd and interval NaN when n < 2), designs in order of first appearance.
    """
    runs = ok_runs(runs)
    metrics = list(metrics) if metrics is not None else metric_columns(runs)
    rows = []
    for design, group in runs.groupby("design", sort=False):
        for metric in metrics:
            values = group[metric].to_numpy(dtype=float)
            mean, sd, low, high = t_interval(values)
            rows.append(
                {
                    "design": design,
                    "metric": metric,
                    "n": values.size,
                    "mean": mean,
                    "sd": sd,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows, columns=["design", "metric", "n", "mean", "sd", "ci_low", "ci_high"])


def pairs(runs: pd.DataFrame, design: str, baseline: str) -> pd.DataFrame:
    """Ok runs of `design` joined to the ok baseline run on the same point and replication.

    Columns of the design keep their names; baseline columns get the suffix `_base`.
    """
    runs = ok_runs(runs)
    mine = runs[runs["design"] == design]
    base = runs[runs["design"] == baseline]
    return mine.merge(base, on=PAIR_KEYS, suffixes=("", "_base"), validate="one_to_one")


def paired_tests(diff: np.ndarray) -> tuple[float, float]:
    """Two-sided p-values of the paired t test and the Wilcoxon signed-rank test of `diff`.

    Degenerate cases are decided here instead of by scipy (which returns NaN with a warning):
    - all differences exactly zero: both p = 1.0 (the designs did exactly the same on every seed,
      no evidence of any difference);
    - constant nonzero differences: p_t = 0.0 (the t statistic is infinite), Wilcoxon as usual;
    - fewer than two pairs: both NaN (no test is possible).
    """
    n = diff.size
    if n < 2:
        return float("nan"), float("nan")
    if not diff.any():
        return 1.0, 1.0
    sd = float(np.std(diff, ddof=1))
    mean = float(np.mean(diff))
    p_t = 0.0 if sd == 0 else float(2 * stats.t.sf(abs(mean) / (sd / np.sqrt(n)), n - 1))
    p_w = float(stats.wilcoxon(diff).pvalue)
    return p_t, p_w


def paired(runs: pd.DataFrame, baseline: str, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Paired differences (design - baseline) of each metric, per design other than the baseline.

    Returns one row per design x metric with columns design, metric, n_pairs, mean_diff, sd_diff,
    ci_low, ci_high (95% t interval of the mean difference), p_t (paired t test) and p_wilcoxon
    (Wilcoxon signed-rank; zero differences dropped, scipy's default). See `paired_tests` for what
    degenerate cases return.

    Raises:
        ValueError: the baseline design has no runs.
    """
    if not (runs["design"] == baseline).any():
        raise ValueError(f"baseline design {baseline!r} has no runs")
    metrics = list(metrics) if metrics is not None else metric_columns(ok_runs(runs))
    rows = []
    for design in runs["design"].unique():
        if design == baseline:
            continue
        joined = pairs(runs, design, baseline)
        for metric in metrics:
            diff = (joined[metric] - joined[f"{metric}_base"]).to_numpy(dtype=float)
            mean, sd, low, high = t_interval(diff)
            p_t, p_w = paired_tests(diff)
            rows.append(
                {
                    "design": design,
                    "metric": metric,
                    "n_pairs": diff.size,
                    "mean_diff": mean,
                    "sd_diff": sd,
                    "ci_low": low,
                    "ci_high": high,
                    "p_t": p_t,
                    "p_wilcoxon": p_w,
                }
            )
    columns = [
        "design",
        "metric",
        "n_pairs",
        "mean_diff",
        "sd_diff",
        "ci_low",
        "ci_high",
        "p_t",
        "p_wilcoxon",
    ]
    return pd.DataFrame(rows, columns=columns)
