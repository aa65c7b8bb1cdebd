"""`truce sweep`, run as a user runs it: exit codes, the summary line, files, and one-line errors."""

from __future__ import annotations

import pandas as pd

from experiments import Experiment, load
from experiments.pool import SerialExecutor

SMALL = """
name = "small"
designs = ["siloed", "three_dimensional"]
replications = 2
weeks = 10
keep = ["revenue", "customers"]
"""
#: three_dimensional's retention bonus (0.4) plus this shared bonus exceeds all variable pay: the
#: model rejects the change in week 3, so those runs fail while siloed's run on.
FAILING = SMALL + '[[interventions]]\nweek = 3\nkind = "set"\nparam = "shared_bonus_share"\nvalue = 0.9\n'


def test_sweep_writes_the_folder_and_csv_and_exits_0(truce, spec_file, tmp_path):
    out = tmp_path / "out"
    done = truce("sweep", str(spec_file(SMALL)), "--out", str(out), "--workers", "2", "--csv")
    assert done.returncode == 0, done.stderr
    assert "small: 4 ok, 0 failed of 4 runs" in done.stdout
    results = load(out)
    assert len(results.runs) == 4 and len(results.weekly) == 4 * 10
    assert len(pd.read_csv(out / "runs.csv")) == 4 and len(pd.read_csv(out / "weekly.csv")) == 40


def test_failed_runs_are_counted_and_make_the_exit_code_nonzero(truce, spec_file, tmp_path):
    out = tmp_path / "out"
    done = truce("sweep", str(spec_file(FAILING)), "--out", str(out), "--workers", "2")
    assert done.returncode == 1
    assert "2 ok, 2 failed of 4 runs" in done.stdout
    assert "first failure, three_dimensional/0/0: sim.errors.InputError:" in done.stdout
    assert load(out).manifest["counts"]["failed"] == 2


def test_bad_spec_exits_2_with_one_line_and_starts_nothing(truce, spec_file, tmp_path):
    spec = spec_file(SMALL.replace('"siloed"', '"siloedd"'))
    done = truce("sweep", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(spec) in lines[0] and "designs[0]" in lines[0] and "siloedd" in lines[0]
    assert not (tmp_path / "out").exists()


def test_another_spec_into_an_existing_folder_exits_2(truce, spec_file, tmp_path):
    out = tmp_path / "out"
    assert truce("sweep", str(spec_file(SMALL)), "--out", str(out), "--workers", "1").returncode == 0
    other = truce("sweep", str(spec_file(SMALL.replace("weeks = 10", "weeks = 11"))), "--out", str(out))
    assert other.returncode == 2 and "different spec" in other.stderr


def test_local_dask_cluster_gives_the_same_runs_as_serial(truce, spec_file, tmp_path):
    spec = spec_file(SMALL)
    done = truce("sweep", str(spec), "--out", str(tmp_path / "dask"), "--local-cluster", "--workers", "1")
    assert done.returncode == 0, done.stderr
    serial = Experiment.from_toml(spec).run(tmp_path / "serial", executor=SerialExecutor(), progress=False)
    pd.testing.assert_frame_equal(load(tmp_path / "dask").runs, serial.runs, check_exact=True)
    pd.testing.assert_frame_equal(load(tmp_path / "dask").weekly, serial.weekly, check_exact=True)


def test_help_names_every_sweep_option(truce):
    done = truce("sweep", "--help")
    assert done.returncode == 0
    for option in ("--out", "--workers", "--scheduler", "--local-cluster", "--csv"):
        assert option in done.stdout
