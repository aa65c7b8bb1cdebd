"""Robust choice on a real sweep: regret per scenario, identical designs, a design best everywhere,
the direction of churn, the CLI and the report section; and the shipped 4,000-run spec."""

from __future__ import annotations

import html
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from experiments import Experiment, Results, load
from experiments.pool import SerialExecutor
from experiments.report import write_report
from experiments.report_format import interval
from experiments.report_robust import amount, share
from experiments.robust import robust, scenario_names
from experiments.stats import wilson
from sim import InputError

#: 12 LHS scenarios over four uncertainties x 4 designs x 3 replications x 26 weeks = 144 runs.
#: siloed_copy is siloed under another name (the same runs); siloed_lean is siloed with cheaper line
#: managers, a cost that feeds back into nothing, so its runs are siloed's with more profit in every
#: scenario and replication.
SPEC = """
name = "robust_small"
designs = ["siloed", "merged", "siloed_copy", "siloed_lean"]
replications = 3
seed = 4
weeks = 26
keep = "none"

[sampling]
method = "lhs"
samples = 12
seed = 2

[axes]
market_complexity = { range = [0.0, 1.0] }
free_riding = { range = [0.1, 0.5] }
deal_value_mean = { range = [3000.0, 12000.0] }
churn_annual = { range = [0.06, 0.17] }

[variants.siloed_copy]
base = "siloed"
description = "siloed under another name"

[variants.siloed_lean]
base = "siloed"
description = "siloed with cheaper line managers (a cost only: the same runs, more profit)"
constants = { manager_cost_per_salary = 1.2 }
"""
SCENARIOS, REPLICATIONS = 12, 3
SHIPPED = Path(__file__).resolve().parents[2] / "experiments/specs/robust.toml"
#: No sampled uncertainty: robust choice does not apply.
PLAIN = """
name = "plain"
designs = ["siloed", "merged"]
replications = 2
weeks = 5
keep = "none"
"""


def _sweep(tmp_path_factory: pytest.TempPathFactory, name: str, text: str) -> Results:
    """Run the spec `text` serially into a fresh folder and read the results back."""
    folder = tmp_path_factory.mktemp(name)
    spec = folder / f"{name}.toml"
    spec.write_text(text, encoding="utf-8")
    Experiment.from_toml(spec).run(folder / "out", executor=SerialExecutor(), progress=False)
    return load(folder / "out")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Results:
    return _sweep(tmp_path_factory, "robust_small", SPEC)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Results:
    return _sweep(tmp_path_factory, "plain", PLAIN)


def _means(results: Results, outcome: str) -> pd.DataFrame:
    """Scenario x design means over replications, straight from the runs table."""
    ok = results.runs[results.runs["status"] == "ok"]
    return ok.pivot_table(index="point", columns="design", values=outcome, aggfunc="mean")


def test_regret_is_the_shortfall_from_each_scenarios_best_zero_for_it_and_never_negative(swept):
    r = robust(swept.runs, swept.manifest)
    assert r.scenarios == SCENARIOS and r.replications == REPLICATIONS and r.dropped == 0
    means = _means(swept, "profit")[list(r.regret.columns)]
    pd.testing.assert_frame_equal(r.values, means, check_names=False)
    expected = means.max(axis=1).to_numpy()[:, None] - means.to_numpy()
    np.testing.assert_allclose(r.regret.to_numpy(), expected, rtol=0, atol=1e-6)
    assert (r.regret.to_numpy() >= 0).all()
    assert (r.regret.min(axis=1) == 0).all()
    # The table's statistics are those of the regret columns, and each lies in its interval.
    row = r.table.set_index("design").loc["merged"]
    assert row["mean_regret"] == pytest.approx(r.regret["merged"].mean())
    assert row["max_regret"] == pytest.approx(r.regret["merged"].max())
    assert row["p90_regret"] == pytest.approx(np.quantile(r.regret["merged"], 0.9))
    for name in ("mean_regret", "p90_regret", "max_regret", "satisficing"):
        assert (r.table[f"{name}_low"] <= r.table[name] + 1e-9).all()
        assert (r.table[name] <= r.table[f"{name}_high"] + 1e-9).all()
    assert list(r.table["mean_regret"]) == sorted(r.table["mean_regret"])


def test_a_design_identical_to_another_has_identical_regret(swept):
    r = robust(swept.runs, swept.manifest)
    np.testing.assert_array_equal(r.regret["siloed_copy"], r.regret["siloed"])
    table = r.table.set_index("design")
    pd.testing.assert_series_equal(table.loc["siloed_copy"], table.loc["siloed"], check_names=False)


def test_a_design_best_in_every_scenario_has_no_regret_and_satisfices_everywhere(swept):
    r = robust(swept.runs, swept.manifest, designs=["siloed", "siloed_copy", "siloed_lean"])
    lean = r.table.set_index("design").loc["siloed_lean"]
    assert (r.regret["siloed_lean"] == 0).all()
    assert lean["mean_regret"] == lean["mean_regret_low"] == lean["mean_regret_high"] == 0
    assert lean["max_regret"] == 0 and lean["satisficing"] == 1 and lean["satisficing_high"] == 1
    # 12 of 12 is not a certainty: the Wilson interval reaches down to about 76 %.
    assert 0.7 < lean["satisficing_low"] < 0.8
    assert r.table.iloc[0]["design"] == "siloed_lean"


def test_satisficing_share_matches_a_hand_computation_on_the_runs_table(swept):
    r = robust(swept.runs, swept.manifest, within=2.5)
    means = _means(swept, "profit")
    best = means.max(axis=1)
    for design in means.columns:
        hand = ((best - means[design]) <= 0.025 * best.abs()).mean()
        assert r.table.set_index("design").at[design, "satisficing"] == pytest.approx(hand)


def test_within_is_relative_to_the_best_designs_absolute_value_when_the_outcome_is_negative():
    """Best profit -2 M: within 5 % allows down to -2.1 M, whichever the sign."""
    rows = []
    for point, (a, b, c) in enumerate([(-2.0e6, -2.08e6, -2.2e6), (2.0e6, 1.92e6, 1.8e6)] * 2):
        for design, profit in zip("abc", (a, b, c), strict=True):
            rows.append(
                {"design": design, "point": point, "replication": 0, "status": "ok", "profit": profit}
            )
    manifest = {"designs": ["a", "b", "c"], "spec": {"axes": [{"name": "market_complexity"}]}}
    r = robust(pd.DataFrame(rows), manifest)
    share = r.table.set_index("design")["satisficing"]
    assert share.to_dict() == {"a": 1.0, "b": 1.0, "c": 0.0}
    np.testing.assert_allclose(r.regret["b"], 0.08e6)


def test_lower_churn_is_better(swept):
    r = robust(swept.runs, swept.manifest, "annual_churn_rate")
    means = _means(swept, "annual_churn_rate")[list(r.regret.columns)]
    expected = means.to_numpy() - means.min(axis=1).to_numpy()[:, None]
    np.testing.assert_allclose(r.regret.to_numpy(), expected, rtol=0, atol=1e-12)
    best = r.regret.idxmin(axis=1)
    assert all(means.at[p, d] == means.loc[p].min() for p, d in best.items())


def test_bad_input_is_refused(swept, plain):
    with pytest.raises(InputError, match="samples no uncertainty"):
        robust(plain.runs, plain.manifest)
    with pytest.raises(InputError, match="outcome 'profits'"):
        robust(swept.runs, swept.manifest, "profits")
    with pytest.raises(InputError, match="--within"):
        robust(swept.runs, swept.manifest, within=-1)
    with pytest.raises(InputError, match="at least two designs"):
        robust(swept.runs, swept.manifest, designs=["merged"])
    with pytest.raises(InputError, match="no runs of design 'matrix'"):
        robust(swept.runs, swept.manifest, designs=["merged", "matrix"])
    lever = {"spec": {"axes": [{"name": "market_complexity"}, {"name": "integration"}]}}
    with pytest.raises(InputError, match="samples the lever 'integration'"):
        scenario_names(lever)


def test_cli_prints_the_table_and_the_answer(truce, swept):
    done = truce("robust", str(swept.path), "--outcome", "profit", "--within", "5")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "regret on profit (EUR; higher is better) over 12 scenarios, 3 replications each" in out
    for header in ("mean regret", "p90 regret", "max regret", "within 5 %"):
        assert header in out
    for design in ("siloed", "merged", "siloed_copy", "siloed_lean"):
        assert f" {design} " in out
    assert "has the lowest mean regret on profit" in out and "of 12 scenarios (95 % CI" in out
    csv = truce("robust", str(swept.path), "--outcome", "annual_churn_rate", "--format", "csv")
    frame = pd.read_csv(StringIO(csv.stdout))
    assert csv.returncode == 0 and len(frame) == 4 and set(frame["outcome"]) == {"annual_churn_rate"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--outcome", "profits"], "outcome 'profits' is not a summary metric"),
        (["--within", "150"], "--within = 150.0 is invalid"),
        (["--within", "-5"], "--within = -5.0 is invalid"),
    ],
)
def test_cli_refuses_bad_input_with_one_line_and_exit_2(truce, swept, args, words):
    done = truce("robust", str(swept.path), *args)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]


def test_cli_refuses_a_folder_that_samples_no_uncertainty(truce, plain):
    done = truce("robust", str(plain.path))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "samples no uncertainty" in lines[0]
    assert lines[0].startswith(f"truce: error: {plain.path}: ")


def test_report_has_a_robust_choice_section_only_when_uncertainties_are_sampled(swept, plain, tmp_path):
    page = write_report(swept, tmp_path / "robust.html").read_text(encoding="utf-8")
    section = page[page.index("<h3 id='robust'>Robust choice</h3>") : page.index("<h2 id='details'>")]
    r = robust(swept.runs, swept.manifest)
    top = r.table.iloc[0]
    said = (
        f"{top['design']} has the lowest mean regret on profit, "
        f"{amount(top['mean_regret'], r, (top['mean_regret_low'], top['mean_regret_high']))} EUR (95 % CI "
        f"{interval(top['mean_regret_low'], top['mean_regret_high'], 'EUR')}), and is within 5 % of the best "
        f"design in {share(top['satisficing'])} of 12 scenarios (95 % CI {share(top['satisficing_low'])} to "
    )
    assert said in html.unescape(section)
    low, high = wilson(r.unresolved, r.scenarios)
    noise = f"In {r.unresolved} of 12 scenarios (95 % CI {100 * low:.0f} to {100 * high:.0f} %) the best"
    assert noise in html.unescape(section)
    assert section.count("<tr>") == 1 + 4  # header and one row per design
    assert "<a href='#robust'>Robust choice</a>" in page  # in the contents
    other = write_report(plain, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "id='robust'" not in other


def test_the_shipped_spec_samples_every_uncertainty_200_times_for_4000_runs():
    from experiments.sampling import count

    spec = Experiment.from_toml(SHIPPED)
    uncertainties = {p.name for p in sim.params() if p.kind == "uncertainty"}
    assert {a.name for a in spec.axes} == uncertainties
    assert spec.sampling.method == "lhs" and count(spec) == 200
    assert spec.design_names == list(sim.designs()) and spec.replications == 5 and spec.weeks == 260
    assert len(spec.designs) * count(spec) * spec.replications == 4000
    for axis in spec.axes:  # inside the registry's range (checked on load) and a real band
        assert axis.bounds[0] < axis.bounds[1]
