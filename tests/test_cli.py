"""The `truce` command, run as a user runs it: a subprocess, judged by exit code, stdout and stderr."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import sim
from tests.cli_runner import run_truce as truce

ROOT = Path(__file__).resolve().parents[1]


def test_designs_lists_the_four_presets():
    out = truce("designs")
    assert out.returncode == 0, out.stderr
    for name in ("siloed", "shared_kpis", "merged", "three_dimensional"):
        assert name in out.stdout


def test_designs_shows_every_parameter_of_one_design():
    out = truce("designs", "shared_kpis")
    assert out.returncode == 0, out.stderr
    missing = [spec.name for spec in sim.params() if spec.name not in out.stdout]
    assert not missing, f"`truce designs shared_kpis` does not show {missing}"
    assert "lead_sla_hours" in out.stdout and "24.0" in out.stdout  # the design's own SLA value


def test_run_prints_a_summary():
    out = truce("run", "siloed", "--weeks", "20")
    assert out.returncode == 0, out.stderr
    for key in ("total_revenue", "annual_churn_rate", "sales_turnover_annual", "lead_leakage_share"):
        assert key in out.stdout
    assert "Traceback" not in out.stderr


def test_compare_prints_both_designs_and_their_paired_difference():
    out = truce("compare", "siloed", "merged", "--replications", "2", "--weeks", "20", "--workers", "1")
    assert out.returncode == 0, out.stderr
    assert "siloed" in out.stdout and "merged" in out.stdout
    assert "paired difference" in out.stdout
    assert "Traceback" not in out.stderr


def _assert_one_line_error(out: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines}"
    assert lines[0].startswith("truce: error:"), lines[0]
    missing = [f for f in fragments if f not in lines[0]]
    assert not missing, f"{lines[0]!r} does not name {missing}"


def test_unknown_design_exits_2_with_one_line():
    _assert_one_line_error(truce("run", "silod", "--weeks", "5"), "silod", "siloed")


def test_out_of_range_parameter_exits_2_with_one_line():
    _assert_one_line_error(
        truce("run", "siloed", "--weeks", "5", "--set", "accounts=5"), "accounts", "5", "[1000, 2000000]"
    )


def test_malformed_toml_file_exits_2_with_one_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "broken"\n[levers\nlead_sla_hours = 24.0\n', encoding="utf-8")
    _assert_one_line_error(truce("run", str(path), "--weeks", "5"), str(path), "malformed TOML")


@pytest.mark.parametrize("command", [["run", "siloed"], ["compare", "siloed", "merged"]])
def test_zero_weeks_exits_2_with_one_line(command):
    _assert_one_line_error(truce(*command, "--weeks", "0"), "--weeks", "0")


def test_unknown_design_in_compare_exits_2_before_any_run():
    _assert_one_line_error(
        truce("compare", "siloed", "silod", "--replications", "2", "--weeks", "5", "--workers", "1"), "silod"
    )


@pytest.mark.parametrize("command", [["run", "siloed"], ["compare", "siloed", "merged"]])
def test_a_bad_set_is_named_as_the_set_it_came_from_not_as_the_design_file(command):
    out = truce(*command, "--weeks", "5", "--set", "liaison=3", "--set", "nonsense=1")
    _assert_one_line_error(out, "--set 'liaison=3'", "liaison", "3", "bool")
    assert "siloed.toml" not in out.stderr
    out = truce(*command, "--weeks", "5", "--set", "nonsense=1")
    _assert_one_line_error(out, "--set 'nonsense=1'", "unknown parameter 'nonsense'")


def test_malformed_set_exits_2_with_one_line():
    _assert_one_line_error(truce("run", "siloed", "--weeks", "5", "--set", "accounts"), "accounts")


def test_negative_seed_exits_2_with_one_line():
    _assert_one_line_error(truce("run", "siloed", "--weeks", "5", "--seed", "-1"), "seed", "-1")


@pytest.mark.parametrize(
    ("setting", "fragments"),
    [
        ("liaison=3", ("--set 'liaison=3'", "bool")),  # bad alone
        ("shared_bonus_share=0.8", ("three_dimensional", "shared_bonus_share + retention_bonus_share")),
    ],
)
def test_compare_refuses_a_bad_override_without_building_any_model(monkeypatch, capsys, setting, fragments):
    """In-process (through `main`), so a spy can prove that no `TruceModel` was ever constructed:
    every design is resolved with `sim.resolve` before the first run."""
    from truce.cli import main

    built: list[object] = []
    monkeypatch.setattr(sim.TruceModel, "__init__", lambda self, *args, **kwargs: built.append(args))
    designs = ["siloed", "three_dimensional"]  # the second pays a 0.4 retention bonus: 0.8 more is too much
    options = ["--replications", "2", "--weeks", "5", "--workers", "1", "--set", setting]
    code = main(["compare", *designs, *options])
    err = capsys.readouterr().err
    _assert_one_line_error(subprocess.CompletedProcess([], code, "", err), *fragments)
    assert not built
