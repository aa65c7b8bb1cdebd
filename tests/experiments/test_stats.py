"""Per-design statistics and paired differences: coverage, agreement with scipy, degenerate cases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from analysis_frames import arm_runs, designs_arms
from scipy import stats

from experiments.stats import describe, metric_columns, paired


def _synthetic(n_pairs: int, true_diffs: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Two designs on `n_pairs` common seeds; metric k differs by `true_diffs[k]` on average.

    The seed effect (sd 5) is shared by both designs, as common random numbers make it; the run noise
    (sd 1) is not, so only a paired analysis sees the difference clearly.
    """
    k = true_diffs.size
    seed_effect = rng.normal(0, 5, size=(n_pairs, k))
    base = 100 + seed_effect + rng.normal(0, 1, size=(n_pairs, k))
    other = 100 + true_diffs + seed_effect + rng.normal(0, 1, size=(n_pairs, k))
    frames = []
    for design, values in (("base", base), ("other", other)):
        frame = pd.DataFrame(values, columns=[f"m{i}" for i in range(k)])
        frame.insert(0, "design", design)
        frame.insert(1, "point", 0)
        frame.insert(2, "replication", np.arange(n_pairs))
        frame.insert(3, "status", "ok")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_paired_95_ci_covers_the_true_difference_in_93_to_97_percent_of_1000_cases():
    rng = np.random.default_rng(20240601)
    truth = rng.uniform(-2, 2, size=1000)
    runs = _synthetic(12, truth, rng)
    table = paired(runs, "base", metrics=[f"m{i}" for i in range(truth.size)])
    covered = (table["ci_low"].to_numpy() <= truth) & (truth <= table["ci_high"].to_numpy())
    assert 0.93 <= covered.mean() <= 0.97, covered.mean()


def test_paired_matches_scipy_t_interval_ttest_rel_and_wilcoxon():
    rng = np.random.default_rng(1)
    runs = _synthetic(15, np.array([0.7, 0.0, -3.0]), rng)
    table = paired(runs, "base").set_index("metric")
    base = runs[runs["design"] == "base"].set_index("replication")
    other = runs[runs["design"] == "other"].set_index("replication")
    for metric in ("m0", "m1", "m2"):
        d = (other[metric] - base[metric]).to_numpy()
        row = table.loc[metric]
        low, high = stats.t.interval(0.95, d.size - 1, loc=d.mean(), scale=stats.sem(d))
        assert row["n_pairs"] == 15
        assert row["mean_diff"] == pytest.approx(d.mean(), rel=1e-12)
        assert row["sd_diff"] == pytest.approx(d.std(ddof=1), rel=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-12)
        assert row["p_t"] == pytest.approx(stats.ttest_rel(other[metric], base[metric]).pvalue, rel=1e-9)
        assert row["p_wilcoxon"] == pytest.approx(stats.wilcoxon(d).pvalue, rel=1e-12)


def test_describe_matches_scipy_per_design():
    rng = np.random.default_rng(2)
    runs = _synthetic(9, np.array([1.0]), rng)
    table = describe(runs, ["m0"]).set_index("design")
    assert list(table.index) == ["base", "other"]
    for design in ("base", "other"):
        x = runs.loc[runs["design"] == design, "m0"].to_numpy()
        low, high = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
        row = table.loc[design]
        assert (row["n"], row["mean"], row["sd"]) == pytest.approx((9, x.mean(), x.std(ddof=1)), rel=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-12)


def test_failed_runs_are_left_out_and_break_their_pair():
    runs = _synthetic(10, np.array([1.0]), np.random.default_rng(3))
    runs.loc[(runs["design"] == "other") & (runs["replication"] == 2), "status"] = "failed"
    runs.loc[(runs["design"] == "base") & (runs["replication"] == 7), "status"] = "failed"
    runs.loc[runs["status"] == "failed", "m0"] = np.nan
    assert paired(runs, "base")["n_pairs"].tolist() == [8]
    assert describe(runs)["n"].tolist() == [9, 9]


def test_identical_designs_give_p_one_without_warnings():
    runs = _synthetic(10, np.array([0.0]), np.random.default_rng(4))
    twin = runs[runs["design"] == "base"].assign(design="twin")
    shifted = runs[runs["design"] == "base"].assign(design="shifted", m0=lambda f: f["m0"] + 2.5)
    runs = pd.concat([runs, twin, shifted], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = paired(runs, "base").set_index("design")
    assert table.loc["twin", ["mean_diff", "sd_diff", "p_t", "p_wilcoxon"]].tolist() == [0, 0, 1.0, 1.0]
    assert table.loc["shifted", "p_t"] == 0.0  # constant nonzero difference: infinite t
    assert table.loc["shifted", "p_wilcoxon"] == pytest.approx(2 / 2**10)  # exact two-sided, all ranks +


def test_unknown_baseline_is_rejected():
    runs = _synthetic(3, np.array([0.0]), np.random.default_rng(5))
    with pytest.raises(ValueError, match="nobody"):
        paired(runs, "nobody")


def test_common_random_numbers_make_real_paired_differences_tighter_than_unpaired():
    """On the model itself: the same seed gives both designs the same initial book and market luck."""
    runs, _ = arm_runs(designs_arms("siloed", "shared_kpis"), 10, 52)
    assert "total_revenue" in metric_columns(runs) and "accounts" not in metric_columns(runs)
    row = paired(runs, "siloed", ["total_revenue", "lead_leakage_share"]).set_index("metric")
    spread = describe(runs, ["total_revenue"]).set_index("design")["sd"]
    assert row.loc["total_revenue", "sd_diff"] < 0.5 * np.hypot(spread["siloed"], spread["shared_kpis"])
    assert row.loc["lead_leakage_share", "ci_high"] < -0.10  # CALIBRATION.md: at least 0.10 below siloed
