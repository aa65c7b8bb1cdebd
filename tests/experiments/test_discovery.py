"""Scenario discovery: which scenarios are cases, a planted box recovered, a real sweep's box, the CLI."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import Axis, Experiment, Results, Sampling
from experiments.discovery import Question, cases, discover, scenarios
from experiments.pool import SerialExecutor
from experiments.report_discovery import sampled_axes
from experiments.stats import wilson
from sim.errors import InputError

AXES = ["market_complexity", "free_riding", "rep_capacity"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """30 LHS scenarios over three uncertainties x 2 designs x 2 replications x 26 weeks (120 runs)."""
    experiment = Experiment(
        designs=["siloed", "merged"],
        replications=2,
        weeks=26,
        keep="none",
        sampling=Sampling("lhs", samples=30, seed=1),
        axes=[
            Axis("market_complexity", bounds=(0.0, 1.0)),
            Axis("free_riding", bounds=(0.1, 0.5)),
            Axis("rep_capacity", bounds=(6, 20)),
        ],
    )
    out = tmp_path_factory.mktemp("discovery") / "results"
    return experiment.run(out, executor=SerialExecutor(), progress=False)


def _planted(n: int = 300, noise: float = 0.05, seed: int = 1) -> pd.DataFrame:
    """A runs table whose truth is known: merged beats siloed exactly when market_complexity > 0.6 and
    free_riding < 0.3 (rep_capacity irrelevant), with a share `noise` of scenarios' labels flipped."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "market_complexity": rng.random(n),
            "free_riding": rng.random(n),
            "rep_capacity": rng.integers(6, 21, n),
        }
    )
    truth = (x["market_complexity"] > 0.6) & (x["free_riding"] < 0.3)
    label = truth.to_numpy() ^ (rng.random(n) < noise)
    rows = [
        {
            "run_id": f"{d}-{p}",
            "design": d,
            "point": p,
            "replication": 0,
            "status": "ok",
            **x.iloc[p].to_dict(),
        }
        | {"profit": (1.0 if label[p] else -1.0) if d == "merged" else 0.0}
        for p in range(n)
        for d in ("siloed", "merged")
    ]
    return pd.DataFrame(rows).astype({"rep_capacity": "int64"})


def test_planted_box_is_recovered_within_tolerance() -> None:
    runs = _planted()
    box = discover(runs, AXES, Question("merged", versus="siloed"))
    assert set(box.limits) == {"market_complexity", "free_riding"}  # the irrelevant one left free
    low, high = box.limits["market_complexity"]
    assert high is None and low == pytest.approx(0.6, abs=0.05)
    low, high = box.limits["free_riding"]
    assert low is None and high == pytest.approx(0.3, abs=0.05)
    # The flipped labels outside the true box cannot be covered: judge against the true box's own
    # coverage and density on the same noisy labels.
    x, y = scenarios(runs, AXES), cases(runs, Question("merged", versus="siloed"))
    truth = (x["market_complexity"] > 0.6) & (x["free_riding"] < 0.3)
    assert box.coverage >= 0.9 * (truth & y).sum() / y.sum()
    assert box.density >= 0.9 * (truth & y).sum() / truth.sum()
    assert all(p <= 0.05 for p in box.quasi_p.values())
    for value, (lo, hi) in ((box.coverage, box.coverage_ci), (box.density, box.density_ci)):
        assert lo <= value <= hi
    assert box.words().startswith("merged beats siloed on profit when market_complexity > 0.6")


def test_a_box_holding_every_case_still_has_an_interval_below_100_percent() -> None:
    # Without noise the box can hold all 30-odd cases: coverage is 1, but k of k cases is compatible
    # with less; a bootstrap over scenarios would have said 100 to 100 %.
    box = discover(_planted(n=150, noise=0.0), AXES, Question("merged", versus="siloed"))
    hits = round(box.coverage * box.cases)
    assert box.found and box.coverage == 1.0
    assert box.coverage_ci == wilson(hits, box.cases) and box.coverage_ci[0] < 0.95
    assert box.density_ci == wilson(hits, box.in_box)


def test_labels_without_structure_give_no_region() -> None:
    runs = _planted()
    rng = np.random.default_rng(7)
    merged = runs["design"] == "merged"
    runs.loc[merged, "profit"] = np.where(rng.random(int(merged.sum())) < 0.3, 1.0, -1.0)
    box = discover(runs, AXES, Question("merged", versus="siloed"))
    assert not box.found
    assert "in no region PRIM can state" in box.words()
    # The share of cases carries its Wilson interval: k of n, then the interval around k / n.
    k, n = box.cases, box.scenarios
    low, high = (
        int(v) for v in re.search(r"of \d+ scenarios \(95 % CI (\d+) to (\d+) %\)", box.words()).groups()
    )
    assert low < 100 * k / n < high


def test_cases_are_paired_means_over_replications_and_lower_is_better_for_churn(sweep: Results) -> None:
    runs = sweep.runs
    wide = runs.pivot_table(index="point", columns="design", values=["profit", "annual_churn_rate"])
    for outcome, sign in (("profit", 1), ("annual_churn_rate", -1)):
        expected = (sign * (wide[(outcome, "merged")] - wide[(outcome, "siloed")])) > 0
        got = cases(runs, Question("merged", outcome, versus="siloed"))
        pd.testing.assert_series_equal(got, expected, check_names=False)
    means = runs[runs["design"] == "merged"].groupby("point")["profit"].mean()
    below = cases(runs, Question("merged", "profit", below=float(means.median())))
    assert int(below.sum()) == int((means < means.median()).sum())


def test_real_sweep_box_states_what_the_scenarios_show(sweep: Results) -> None:
    runs = sweep.runs
    assert sampled_axes(sweep.manifest) == AXES
    means = runs[runs["design"] == "merged"].groupby("point")["profit"].mean()
    question = Question("merged", "profit", below=float(means.median()))
    box = discover(runs, AXES, question)
    assert box.found and box.scenarios == 30
    # Recount coverage and density from the scenarios and the stated limits.
    x, y = scenarios(runs, AXES), cases(runs, question)
    inside = pd.Series(True, index=x.index)
    for name, (lo, hi) in box.limits.items():
        inside &= x[name].ge(lo if lo is not None else -np.inf) & x[name].le(hi if hi is not None else np.inf)
    assert box.in_box == int(inside.sum())
    assert box.coverage == pytest.approx((inside & y).sum() / y.sum())
    assert box.density == pytest.approx((inside & y).sum() / inside.sum())
    assert box.density > y.mean()  # the box concentrates the cases
    assert "covers" in box.words() and "dense" in box.words()


def test_discover_cli_prints_the_box_and_refuses_bad_input(
    sweep: Results, reference: Results, truce: Callable[..., object]
) -> None:
    done = truce("discover", str(sweep.path), "--design", "merged", "--outcome", "total_revenue")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("merged beats siloed on total_revenue")
    for args, message in (
        (["--design", "merged", "--outcome", "profits"], "outcome 'profits' is not a summary metric"),
        (["--design", "hybrid"], "design 'hybrid' has no ok runs"),
        (["--design", "merged", "--versus", "merged"], "compare two different designs"),
        (["--design", "merged", "--versus", "siloed", "--below", "0"], "not allowed with"),
    ):
        bad = truce("discover", str(sweep.path), *args)
        assert bad.returncode == 2 and message in bad.stderr and bad.stderr.count("\n") == 1, bad.stderr
    bad = truce("discover", str(reference.path), "--design", "merged")
    assert bad.returncode == 2 and "samples no parameters" in bad.stderr
    bad = truce("discover", str(Path(sweep.path) / "nothing"), "--design", "merged")
    assert bad.returncode == 2 and "not a results folder" in bad.stderr


def test_a_question_asks_exactly_one_thing() -> None:
    with pytest.raises(InputError, match="exactly one"):
        Question("merged", versus="siloed", below=0.0)
    with pytest.raises(InputError, match="exactly one"):
        Question("merged")
    assert Question("merged", "annual_churn_rate", versus="siloed").words().endswith("(lower is better)")


def test_report_shows_where_each_design_wins_only_for_sampled_uncertainties(
    sweep: Results, reference: Results, tmp_path: Path
) -> None:
    from experiments.report import write_report
    from experiments.report_discovery import section

    page = write_report(sweep, tmp_path / "sweep.html").read_text(encoding="utf-8")
    assert "id='discovery'" in page and "href='#discovery'" in page
    assert "merged beats siloed on profit" in page
    assert section(reference.runs, reference.manifest, "siloed") == ""  # no sampled uncertainties
