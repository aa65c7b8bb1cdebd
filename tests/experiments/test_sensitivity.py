"""Sensitivity indices recover known functions and the model's dominant lever."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_frames import morris_sweep
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

import sim
from experiments.sensitivity import differences, elementary_effects, indices

NAMES = ["x0", "x1", "x2"]


def _runs(y_by_rep: list[np.ndarray], design: str = "d") -> pd.DataFrame:
    """One row per point x replication with the outcome in `total_revenue`."""
    frames = [
        pd.DataFrame({"design": design, "point": np.arange(y.size), "replication": r, "status": "ok", "y": y})
        for r, y in enumerate(y_by_rep)
    ]
    return pd.concat(frames, ignore_index=True)


def _sampling(method: str, samples: np.ndarray, bounds: list[list[float]]) -> dict:
    return {
        "method": method,
        "problem": {"names": NAMES, "bounds": bounds},
        "X": samples.tolist(),
        "calc_second_order": False,
        "num_levels": 4,
    }


def test_morris_recovers_a_linear_function_after_averaging_replications():
    bounds = [[0.0, 1.0]] * 3
    x = morris_sample.sample({"num_vars": 3, "names": NAMES, "bounds": bounds}, 10, num_levels=4, seed=1)
    y = x @ np.array([10.0, -2.0, 0.0])
    noise = np.random.default_rng(0).normal(0, 5, size=y.size)  # cancels in the mean of two replications
    runs = _runs([y + noise, y - noise])
    table = indices(runs, _sampling("morris", x, bounds), {"y": "y"}, seed=0)
    mu_star = table[table["index"] == "mu_star"].set_index("parameter")
    mu = table[table["index"] == "mu"].set_index("parameter")["value"]
    assert mu_star["value"].to_numpy() == pytest.approx([10.0, 2.0, 0.0], abs=1e-9)
    assert mu.to_numpy() == pytest.approx([10.0, -2.0, 0.0], abs=1e-9)
    assert mu_star["conf"].notna().all()


def test_sobol_recovers_the_ishigami_indices_within_their_confidence():
    bounds = [[-np.pi, np.pi]] * 3
    problem = {"num_vars": 3, "names": NAMES, "bounds": bounds}
    x = sobol_sample.sample(problem, 1024, calc_second_order=False, seed=2)
    table = indices(_runs([Ishigami.evaluate(x)]), _sampling("sobol", x, bounds), {"y": "y"}, seed=0)
    again = indices(_runs([Ishigami.evaluate(x)]), _sampling("sobol", x, bounds), {"y": "y"}, seed=0)
    pd.testing.assert_frame_equal(table, again)  # seed 0 is a seed too: the bootstrap repeats exactly
    table = table.set_index(["index", "parameter"])
    expected = {"S1": [0.314, 0.442, 0.0], "ST": [0.558, 0.442, 0.244]}  # Saltelli et al. 2008
    for index, values in expected.items():
        for name, value in zip(NAMES, values, strict=True):
            row = table.loc[(index, name)]
            assert abs(row["value"] - value) <= max(row["conf"], 0.02), (index, name, row.to_dict())
            assert 0 < row["conf"] < 0.15


def test_constant_outcome_gets_zero_indices_and_a_missing_point_is_an_error():
    bounds = [[0.0, 1.0]] * 3
    x = morris_sample.sample({"num_vars": 3, "names": NAMES, "bounds": bounds}, 4, num_levels=4, seed=1)
    runs = _runs([np.full(len(x), 3.0), np.full(len(x), 3.0)])
    table = indices(runs, _sampling("morris", x, bounds), {"y": "y"})
    assert (table["value"] == 0).all()
    runs.loc[runs["point"] == 5, "status"] = "failed"
    with pytest.raises(ValueError, match="sample points 5"):
        indices(runs, _sampling("morris", x, bounds), {"y": "y"})
    runs.loc[(runs["point"] == 5) & (runs["replication"] == 0), "status"] = "ok"  # one replication is enough
    assert len(indices(runs, _sampling("morris", x, bounds), {"y": "y"})) == len(table)


def test_market_size_dominates_revenue_in_a_real_morris_screening():
    """20 runs of `siloed` (4 trajectories x 4 inputs, 30 weeks): the initial book scales with the
    number of accounts, so `accounts` must rank first on revenue, clear of the others' confidence."""
    sweep = morris_sweep(
        ("marketing_budget_week", "accounts", "meeting_hours_week", "feedback_probability"),
        ((2000.0, 30000.0), (5000.0, 30000.0), (0.0, 4.0), (0.0, 1.0)),
        4,
        30,
    )
    table = indices(sweep.runs, sweep.manifest["sampling"], seed=0)
    mu_star = table[(table["metric"] == "total_revenue") & (table["index"] == "mu_star")]
    revenue = mu_star.set_index("parameter")
    ranked = revenue["value"].sort_values(ascending=False)
    assert ranked.index[0] == "accounts"
    others = revenue.drop("accounts")
    top = revenue.loc["accounts"]
    assert top["value"] - top["conf"] > (others["value"] + others["conf"]).max()
    # By default every headline metric, labelled by its description.
    headline = [o for o in sim.outcomes() if o.scope == "summary" and o.headline]
    assert set(zip(table["outcome"], table["metric"], strict=True)) == {
        (o.description, o.name) for o in headline
    }


def test_differences_pair_runs_on_point_and_replication_and_skip_failed_pairs():
    runs = pd.DataFrame(
        {
            "design": ["a"] * 4 + ["b"] * 4,
            "point": [0, 0, 1, 1] * 2,
            "replication": [0, 1] * 4,
            "status": ["ok"] * 7 + ["failed"],
            "y": [10.0, 20.0, 30.0, 0.0, 12.0, 18.0, 33.0, np.nan],
        }
    )
    out = differences(runs, "a", ["y"], relative=["y"])
    assert out["design"].tolist() == ["b - a"] * 3
    assert out[["point", "replication"]].values.tolist() == [[0, 0], [0, 1], [1, 0]]
    assert out["y"].tolist() == [2.0, -2.0, 3.0]
    assert out["y_relative"].tolist() == pytest.approx([0.2, -0.1, 0.1])
    with pytest.raises(ValueError, match="'c'"):
        differences(runs, "c", ["y"])


def test_elementary_effects_are_the_steps_whose_mean_absolute_value_is_mu_star():
    bounds = [[0.0, 1.0], [0.0, 2.0], [-1.0, 1.0]]
    x = morris_sample.sample({"num_vars": 3, "names": NAMES, "bounds": bounds}, 6, num_levels=4, seed=1)
    y = x @ np.array([10.0, -2.0, 0.0]) + 5.0 * (x[:, 0] > 0.5) * (x[:, 2] > 0)  # a step: one trajectory's
    sampling = _sampling("morris", x, bounds)
    effects = elementary_effects(sampling, y)
    assert effects.shape == (6, 3)
    table = indices(_runs([y]), sampling, {"y": "y"}, seed=0).set_index(["index", "parameter"])["value"]
    for i, name in enumerate(NAMES):
        assert np.abs(effects[:, i]).mean() == pytest.approx(table[("mu_star", name)])
        assert effects[:, i].mean() == pytest.approx(table[("mu", name)])
    with pytest.raises(ValueError, match="sample points"):
        elementary_effects(sampling, y[:-1])
