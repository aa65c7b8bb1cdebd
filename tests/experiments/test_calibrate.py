"""`truce calibrate`: synthetic recovery on common seeds, bad input, and the design file it writes.

Runs are short (104 weeks, few replications): on common random numbers the synthetic targets are
met exactly at the true values, so the fit needs few replications to find them again.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pytest

import sim
from experiments.calibrate import Funnel, calibrate, load_funnel, outcome

WEEKS = 104
REPLICATIONS = 4
#: Non-default values (each 20-25 % from its default) and the target each one drives.
TRUE = {"churn_annual": 0.14, "win_odds": 0.08, "leads_per_marketer_week": 7.5}
TARGETS = ("annual_churn_rate", "win_rate", "leads_per_week")


def _synthetic_targets(pool: ProcessPoolExecutor) -> dict[str, float]:
    """The targets the model produces at `TRUE`, on the seeds the fit will use (root 0)."""
    seeds = np.random.SeedSequence(0).spawn(REPLICATIONS)
    jobs = [pool.submit(sim.run, "siloed", weeks=WEEKS, seed=s, **TRUE) for s in seeds]
    rows = [job.result().summary for job in jobs]
    return {key: float(np.mean([outcome(r, key, WEEKS) for r in rows])) for key in TARGETS}


def test_synthetic_targets_recover_three_constants_within_ten_percent() -> None:
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("forkserver")) as pool:
        targets = _synthetic_targets(pool)
        funnel = Funnel({}, targets, "synthetic")
        fit = calibrate(funnel, replications=REPLICATIONS, weeks=WEEKS, executor=pool)
    defaults = {p.name: p.default for p in sim.params()}
    for name, true in TRUE.items():
        assert abs(defaults[name] / true - 1) > 0.15, name  # the fit starts far from the truth
        assert fit.values[name] == pytest.approx(true, rel=0.10), name


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[targets]\nwin_rate = 1.3\n", "'win_rate' = 1.3"),
        ("[targets]\nannual_churn_rate = -0.1\n", "'annual_churn_rate' = -0.1"),
        ("[targets]\nwin_rate = true\n", "'win_rate' = True"),
        ("[targets]\nleads_per_week = 0\n", "'leads_per_week' = 0"),
        ("[targets]\nwin_ratio = 0.2\n", "unknown target 'win_ratio'"),
        ("[targets]\n", "[targets] is empty"),
        ("[funnel]\nwin_rate = 0.2\n", "unknown table 'funnel'"),
        ("[company]\nsalespeople = 0\n[targets]\nwin_rate = 0.2\n", "'salespeople' = 0"),
        ("[company]\nlead_sla_hours = 24.0\n[targets]\nwin_rate = 0.2\n", "'lead_sla_hours' is a design"),
        ("[company]\nwin_odds = 0.1\n[targets]\nwin_rate = 0.2\n", "'win_odds' is fitted"),
        ("[company]\nreps = 3\n[targets]\nwin_rate = 0.2\n", "unknown parameter 'reps'"),
        ("[targets\n", "malformed TOML"),
    ],
)
def test_bad_funnel_is_one_line_naming_file_and_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "funnel.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(sim.InputError) as err:
        load_funnel(path)
    assert str(path) in str(err.value) and named in str(err.value) and "\n" not in str(err.value)


def test_cli_rejects_bad_funnel_with_exit_2(
    tmp_path: Path, truce: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    path = tmp_path / "funnel.toml"
    path.write_text("[targets]\nwin_rate = 1.5\n", encoding="utf-8")
    done = truce("calibrate", str(path), "--out", str(tmp_path / "c.toml"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "'win_rate' = 1.5" in done.stderr
    assert not (tmp_path / "c.toml").exists()


def test_cli_writes_a_design_that_reproduces_the_fitted_targets(
    tmp_path: Path, truce: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    funnel = tmp_path / "funnel.toml"
    targets = {"annual_churn_rate": 0.13, "win_rate": 0.2}
    funnel.write_text(
        "[company]\nsalespeople = 20\n[targets]\n" + "".join(f"{k} = {v}\n" for k, v in targets.items()),
        encoding="utf-8",
    )
    out = tmp_path / "company.toml"
    done = truce(
        "calibrate", str(funnel), "--out", str(out), "--replications", "2", "--weeks", "80",
        "--workers", "2", "--seed", "5",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "annual_churn_rate" in done.stdout and "95% CI" in done.stdout
    assert out.read_text(encoding="utf-8").startswith("# Calibrated by")
    design = sim.load_design(out)
    assert design.values["salespeople"] == 20 and design.values["handoff_friction"] == 0.5
    assert {"churn_annual", "win_odds"} <= set(design.values)
    seeds = np.random.SeedSequence(5).spawn(2)
    runs = [sim.run(out, weeks=80, seed=s).summary for s in seeds]
    for key, target in targets.items():
        assert np.mean([r[key] for r in runs]) == pytest.approx(target, rel=0.15), key
