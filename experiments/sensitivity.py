"""Sensitivity indices (SALib) of the outcomes to the sampled levers and uncertainties.

Morris screening ranks many inputs cheaply by their elementary effects; Sobol indices split the
outcome's variance between inputs (first order S1) and with their interactions (total ST). Both read
the raw sample matrix that the sweep recorded in its manifest, and one outcome value per sample point:
the mean over that point's ok replications, so the indices describe the model's expected response
rather than one seed's luck. `differences` turns a sweep of several designs into the paired
differences to a baseline, so the same indices say what moves the designs' ranking.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

from experiments.stats import ok_runs
from sim.outcomes import headline

#: Outcome label -> summary metric analysed by default: the headline metrics, labelled by description.
OUTCOMES = {o.description: o.name for o in headline()}
#: Index names each method reports, with the SALib key of their confidence half-width (None: none).
INDICES = {
    "morris": {"mu_star": "mu_star_conf", "mu": None, "sigma": None},
    "sobol": {"S1": "S1_conf", "ST": "ST_conf"},
}
COLUMNS = ["design", "outcome", "metric", "parameter", "method", "index", "value", "conf"]


def point_means(runs: pd.DataFrame, metric: str, n_points: int) -> np.ndarray:
    """The mean of `metric` over each sample point's ok replications, for points 0..n_points-1.

    Raises:
        ValueError: some point has no ok run (SALib needs every row of the sample matrix).
    """
    means = ok_runs(runs).groupby("point")[metric].mean()
    missing = sorted(set(range(n_points)) - set(means.index))
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise ValueError(f"no ok run at sample points {shown}: sensitivity indices need every point")
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def _salib(sampling: Mapping[str, Any], y: np.ndarray, num_resamples: int, seed: int) -> Mapping[str, Any]:
    names = list(sampling["problem"]["names"])
    problem = {"num_vars": len(names), "names": names, "bounds": sampling["problem"]["bounds"]}
    if sampling["method"] == "morris":
        x = np.asarray(sampling["X"], dtype=float)
        return morris.analyze(
            problem, x, y, num_resamples=num_resamples, num_levels=sampling["num_levels"], seed=seed
        )
    # SALib's Sobol analysis reads seed 0 as "no seed" (`if seed:`) and then draws its bootstrap from
    # the global state, so the intervals would change from call to call: 0 stands for another fixed seed.
    return sobol.analyze(
        problem,
        y,
        calc_second_order=sampling["calc_second_order"],
        num_resamples=num_resamples,
        seed=seed or 2**31 - 1,
    )


def indices(
    runs: pd.DataFrame,
    sampling: Mapping[str, Any],
    outcomes: Mapping[str, str] = OUTCOMES,
    *,
    num_resamples: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Sensitivity indices with 95% bootstrap confidence, per design x outcome x parameter.

    `sampling` is the manifest's "sampling" entry: method "morris" or "sobol", SALib's problem, the
    raw sample matrix X (row i = point i), num_levels (Morris) or calc_second_order (Sobol).
    Returns tidy rows (design, outcome, metric, parameter, method, index, value, conf): Morris
    mu_star (with conf), mu and sigma (conf NaN: SALib gives none); Sobol S1 and ST (second-order
    indices are not reported). An outcome that does not vary across points gets every index 0 with
    conf 0: no input explains variation that is not there.

    Raises:
        ValueError: unknown method, or a sample point without any ok run.
    """
    method = sampling["method"]
    if method not in INDICES:
        raise ValueError(f"sampling method {method!r} has no sensitivity indices (allowed: morris, sobol)")
    names = list(sampling["problem"]["names"])
    n_points = len(sampling["X"])
    rows = []
    for design, group in runs.groupby("design", sort=False):
        for outcome, metric in outcomes.items():
            y = point_means(group, metric, n_points)
            constant = bool(np.all(y == y[0]))
            result = None if constant else _salib(sampling, y, num_resamples, seed)
            for index, conf_key in INDICES[method].items():
                for i, name in enumerate(names):
                    value = conf = 0.0
                    if result is not None:
                        value = float(np.ma.filled(result[index], np.nan)[i])
                        conf = float(np.ma.filled(result[conf_key], np.nan)[i]) if conf_key else np.nan
                    rows.append((design, outcome, metric, name, method, index, value, conf))
    return pd.DataFrame(rows, columns=COLUMNS)


def elementary_effects(sampling: Mapping[str, Any], y: np.ndarray) -> np.ndarray:
    """Morris elementary effects as a (trajectories x parameters) matrix, in the outcome's unit.

    `sampling` is a Morris manifest entry and `y` one value per sample point (`point_means`). Each
    effect is the outcome's change over one step of a trajectory divided by the step as a share of
    the parameter's band, as SALib computes them: the mean of their absolute values is mu*, of the
    values mu. The matrix shows what the summaries hide, such as one trajectory that makes a mu*.

    Raises:
        ValueError: the sampling is not Morris, or `y` has not one value per point.
    """
    if sampling["method"] != "morris":
        raise ValueError(f"elementary effects need a Morris sample, not {sampling['method']!r}")
    x = np.asarray(sampling["X"], dtype=float)
    bounds = np.asarray(sampling["problem"]["bounds"], dtype=float)
    y = np.asarray(y, dtype=float)
    if y.shape != (len(x),):
        raise ValueError(f"{y.size} outcome values for {len(x)} sample points")
    k = x.shape[1]
    steps = np.diff(((x - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])).reshape(-1, k + 1, k), axis=1)
    which = np.abs(steps).argmax(axis=2)  # the one parameter each step moves
    size = np.take_along_axis(steps, which[..., None], axis=2)[..., 0]
    effects = np.diff(y.reshape(-1, k + 1), axis=1) / size
    out = np.empty((len(x) // (k + 1), k))
    np.put_along_axis(out, which, effects, axis=1)
    return out


def differences(
    runs: pd.DataFrame,
    baseline: str,
    metrics: Sequence[str],
    *,
    relative: Collection[str] = (),
) -> pd.DataFrame:
    """Paired differences of every other design to `baseline`, as runs `indices` can read.

    Runs are paired on (point, replication): the same parameter values and the same seed, so the
    market's luck cancels and what is left is the designs' difference at that point. Returns one row
    per pair in which both runs are ok: design "<design> - <baseline>", point, replication, status
    "ok", and per metric m its difference design - baseline in column m, and for m in `relative` also
    the difference as a share of the baseline's value in column "<m>_relative" (NaN where the baseline
    is 0). Designs keep the order they have in `runs`.

    Raises:
        ValueError: `baseline` is not among the runs' designs, or it is the only design.
    """
    designs = list(dict.fromkeys(runs["design"]))
    if baseline not in designs or len(designs) < 2:
        raise ValueError(f"differences need {baseline!r} and another design among {designs}")
    ok = ok_runs(runs).set_index(["point", "replication"])
    base = ok[ok["design"] == baseline][list(metrics)]
    frames = []
    for design in designs:
        if design == baseline:
            continue
        other = ok[ok["design"] == design][list(metrics)]
        pair = other.merge(base, left_index=True, right_index=True, suffixes=("", "_base"))
        out = pd.DataFrame(index=pair.index)
        for m in metrics:
            out[m] = pair[m] - pair[f"{m}_base"]
        for m in relative:
            scale = pair[f"{m}_base"].where(pair[f"{m}_base"] != 0)
            out[f"{m}_relative"] = out[m] / scale.abs()
        frames.append(out.reset_index().assign(design=f"{design} - {baseline}", status="ok"))
    columns = ["design", "point", "replication", "status", *metrics, *(f"{m}_relative" for m in relative)]
    return pd.concat(frames, ignore_index=True)[columns]
