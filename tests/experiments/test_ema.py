"""The EMA Workbench adapter: EMA runs Truce, and what it reports is what `sim.run` gives."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import sim
from experiments.ema import ema_model, workbench
from sim.errors import InputError

WEEKS = 8
OUTCOMES = ["profit", "total_revenue", "annual_churn_rate"]
UNCERTAINTIES = {"market_complexity": (0.0, 1.0), "free_riding": (0.1, 0.5), "rep_capacity": (6, 20)}
LEVERS = {"liaison": None, "integration": (0.0, 1.0)}


def _small(**kwargs: object):
    args = {"uncertainties": UNCERTAINTIES, "levers": LEVERS, "seed": 3}
    return ema_model("merged", weeks=WEEKS, outcomes=OUTCOMES, **(args | kwargs))


def _values(row: object, names: list[str]) -> dict[str, object]:
    """A row's parameter values as Python scalars (the registry checks Python types)."""
    return {n: getattr(row, n).item() if hasattr(getattr(row, n), "item") else getattr(row, n) for n in names}


def test_perform_experiments_matches_sim_run_on_the_same_parameters_and_seed() -> None:
    ema = workbench()
    model = _small()
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4, policies=2)
    assert len(experiments) == 8
    names = [*UNCERTAINTIES, *LEVERS]
    seed = np.random.SeedSequence(3).spawn(1)[0]  # the module's rule with one replication
    for i, row in enumerate(experiments.itertuples(index=False)):
        result = sim.run("merged", weeks=WEEKS, seed=seed, **_values(row, names))
        for name in OUTCOMES:
            assert outcomes[name][i] == result.summary[name], (i, name)
    # Common random numbers: the two policies differ, the scenarios are the same four.
    assert experiments["policy"].nunique() == 2
    per_policy = experiments.groupby("policy", observed=True)["market_complexity"].apply(tuple)
    assert per_policy.nunique() == 1


def test_replications_are_the_mean_over_common_seeds() -> None:
    ema = workbench()
    model = ema_model(
        "siloed", weeks=WEEKS, outcomes=["profit"], uncertainties={"free_riding": (0.1, 0.5)}, replications=2
    )
    experiments, outcomes = ema.perform_experiments(model, scenarios=2, evaluator=None)
    seeds = np.random.SeedSequence(0).spawn(2)
    for i, value in enumerate(experiments["free_riding"]):
        runs = [sim.run("siloed", weeks=WEEKS, seed=s, free_riding=float(value)) for s in seeds]
        assert outcomes["profit"][i] == pytest.approx(np.mean([r.summary["profit"] for r in runs]), rel=1e-12)


def test_default_model_takes_every_uncertainty_and_summary_outcome_from_the_declarations() -> None:
    model = ema_model("siloed", weeks=WEEKS)
    declared = [p for p in sim.params() if p.kind == "uncertainty"]
    assert [u.name for u in model.uncertainties] == [p.name for p in declared]
    for u, p in zip(model.uncertainties, declared, strict=True):
        if p.type != "bool":
            assert (u.lower_bound, u.upper_bound) == p.range
    assert not list(model.levers)  # the design is the policy unless levers are asked for
    assert [o.name for o in model.outcomes] == [o.name for o in sim.outcomes() if o.scope == "summary"]
    kinds = {o.name: o.kind for o in model.outcomes}
    ScalarOutcome = workbench().ScalarOutcome
    assert kinds["annual_churn_rate"] == ScalarOutcome.MINIMIZE
    assert kinds["profit"] == ScalarOutcome.MAXIMIZE
    assert kinds["deals_won"] == ScalarOutcome.INFO
    all_levers = ema_model("siloed", weeks=WEEKS, levers=None).levers
    assert {lv.name for lv in all_levers} == {p.name for p in sim.params() if p.kind == "lever"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcomes": ["profits"]}, "not summary metrics"),
        ({"uncertainties": ["integration"]}, "'integration' is a lever, not an uncertainty"),
        ({"levers": ["free_riding"]}, "is an uncertainty, not a lever"),
        ({"uncertainties": {"free_riding": (0.1, 1.5)}}, "upper bound of 'free_riding'"),
        ({"uncertainties": {"free_riding": (0.5, 0.1)}}, "is empty"),
        ({"uncertainties": ["no_such_parameter"]}, "no_such_parameter"),
        ({"replications": 0}, "replications"),
    ],
)
def test_bad_selections_are_refused_with_one_line(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        ema_model("siloed", weeks=WEEKS, **kwargs)
    assert "\n" not in str(err.value)


def test_truce_run_does_not_import_the_workbench() -> None:
    code = (
        "import sys; from truce.cli import main; main(['run', 'siloed', '--weeks', '2']); "
        "assert 'ema_workbench' not in sys.modules and 'experiments.discovery' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
