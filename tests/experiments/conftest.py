"""Shared fixtures for the experiments tests: a small real sweep, its serial reference, the CLI runner.

Runs are real model runs, kept short (20 weeks, a handful of runs) so the whole folder takes minutes.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sim
from experiments import Experiment, Results
from experiments.pool import SerialExecutor
from tests.cli_runner import run_truce

ROOT = Path(__file__).resolve().parents[2]
WEEKS = 20
KEEP = ("revenue", "customers", "headcount_sales")

#: Makes a genuine failure of some runs only: three_dimensional pays a 0.4 retention bonus, so a
#: schedule raising the shared bonus to 0.9 in week 3 is rejected when its model is built (in the
#: worker); siloed (no retention bonus) runs on.
FAILING_SET = sim.Intervention(3, "set", param="shared_bonus_share", value=0.9)


def small_experiment(**overrides: Any) -> Experiment:
    """Two designs x three replications of 20 weeks, three weekly columns kept."""
    args: dict[str, Any] = {"designs": ["siloed", "merged"], "replications": 3, "weeks": WEEKS, "keep": KEEP}
    return Experiment(**{**args, **overrides})


@pytest.fixture
def small() -> Callable[..., Experiment]:
    """`small(**overrides)`: the small experiment, with any field changed."""
    return small_experiment


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """The small experiment run serially in this process: what every other executor must reproduce."""
    out = tmp_path_factory.mktemp("reference") / "results"
    return small_experiment().run(out, executor=SerialExecutor(), progress=False)


@pytest.fixture
def truce() -> Callable[..., subprocess.CompletedProcess[str]]:
    """The CLI runner (a fixture: conftest modules are not reliably importable by name)."""
    return run_truce


@pytest.fixture
def spec_file(tmp_path: Path) -> Callable[[str], Path]:
    """`spec_file(text)`: a spec TOML written to a fresh file, its path returned."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"spec{next(counter)}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def failing_set() -> sim.Intervention:
    """An intervention that makes every three_dimensional run raise (see `FAILING_SET`)."""
    return FAILING_SET
