"""Resume: a sweep killed (SIGKILL or Ctrl-C) at any moment and rerun ends with exactly every run once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments import Experiment, load
from experiments.pool import SerialExecutor

SPEC = """
name = "resume"
designs = ["siloed", "merged", "three_dimensional"]
replications = 20
seed = 11
weeks = 12
keep = ["revenue", "customers", "leads_leaked"]
"""
TOTAL = 60

#: The sweep in a subprocess with small, frequent parts, so several commits happen before each kill.
SWEEP = """
import sys
from pathlib import Path
from experiments import Experiment
from experiments.sweep import sweep
sweep(Experiment.from_toml(sys.argv[1]), Path(sys.argv[2]), workers=2, flush_runs=4, flush_seconds=0.3,
      progress=False)
"""
ROOT = Path(__file__).resolve().parents[2]


def committed(out: Path) -> int:
    """Rows in committed runs parts (a part appears by atomic rename, so it is always complete)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in (out / "runs").glob("part-*.parquet"))


def start(spec: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", SWEEP, str(spec), str(out)],
        cwd=ROOT,
        start_new_session=True,  # its own process group: the kill reaches the workers too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def interrupt_after(proc: subprocess.Popen[bytes], out: Path, at_least: int, sig: signal.Signals) -> int:
    """Send `sig` to the sweep's process group once a new part is committed and `at_least` runs are;
    returns the count at that moment, checking the sweep had runs left (so runs were in flight)."""
    before = committed(out) if (out / "runs").exists() else 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"sweep ended before the kill: {proc.stderr.read().decode()[-2000:]}"
        now = committed(out) if (out / "runs").exists() else 0
        if now > before and now >= at_least:
            os.killpg(proc.pid, sig)
            assert now < TOTAL
            return now
        time.sleep(0.02)
    raise AssertionError("no part was committed within two minutes")


def test_sweep_killed_three_times_then_resumed_equals_an_uninterrupted_sweep(tmp_path, truce):
    spec = tmp_path / "resume.toml"
    spec.write_text(SPEC)
    out = tmp_path / "killed"
    counts = []
    for at_least in (8, 24, 40):  # three different points, each in a fresh session
        proc = start(spec, out)
        counts.append(interrupt_after(proc, out, at_least, signal.SIGKILL))
        assert proc.wait(timeout=30) == -signal.SIGKILL
    assert counts == sorted(counts) and len(set(counts)) == 3
    done = truce("sweep", str(spec), "--out", str(out), "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert f"{TOTAL} ok, 0 failed of {TOTAL}" in done.stdout

    resumed = load(out)
    assert len(resumed.runs) == TOTAL and resumed.runs["run_id"].is_unique
    assert len(resumed.weekly) == TOTAL * 12
    assert not resumed.weekly.duplicated(["run_id", "week"]).any()
    whole = Experiment.from_toml(spec).run(tmp_path / "whole", executor=SerialExecutor(), progress=False)
    pd.testing.assert_frame_equal(resumed.runs, whole.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.weekly, whole.weekly, check_exact=True)
    assert resumed.manifest["status"] == "complete" and resumed.manifest["counts"]["missing"] == 0
    leftovers = [
        f.name for sub in ("runs", "weekly") for f in (out / sub).iterdir() if f.name.startswith(".")
    ]
    assert leftovers == []


def test_ctrl_c_stops_cleanly_keeping_committed_runs_and_rerun_completes(tmp_path):
    spec = tmp_path / "resume.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    proc = start(spec, out)
    interrupt_after(proc, out, 8, signal.SIGINT)  # to the whole group, as a terminal sends it
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert b"sweep interrupted" in err and b"run the same command again" in err
    stopped = load(out)
    assert stopped.manifest["status"] == "interrupted"
    kept = stopped.manifest["counts"]["ok"]
    assert 8 <= kept < TOTAL and len(stopped.runs) == kept  # everything finished was committed
    assert set(stopped.weekly["run_id"]) == set(stopped.runs["run_id"])
    rerun = Experiment.from_toml(spec).run(out, executor=SerialExecutor(), progress=False)
    assert len(rerun.runs) == TOTAL and rerun.runs["run_id"].is_unique
    assert rerun.manifest["status"] == "complete"


def test_a_second_sweep_into_a_folder_in_use_is_refused_and_the_first_completes(tmp_path, truce):
    """Two sweeps resuming into one folder would both compute the missing runs: the second is refused
    with one line while the first runs, the first ends with every run exactly once, and once it has
    finished the same command is accepted (it finds nothing missing). Runs of five years, so the first
    sweep is still busy (several seconds) when the second starts."""
    spec = tmp_path / "resume.toml"
    spec.write_text(SPEC.replace("weeks = 12", "weeks = 260"))
    out = tmp_path / "out"
    first = start(spec, out)
    deadline = time.monotonic() + 120
    while not (out / "runs").exists() or committed(out) == 0:
        assert first.poll() is None and time.monotonic() < deadline, first.stderr.read().decode()[-2000:]
        time.sleep(0.02)
    second = truce("sweep", str(spec), "--out", str(out), "--workers", "1")
    assert second.returncode == 2, second.stderr
    assert "another sweep is writing into this folder" in second.stderr and str(out) in second.stderr
    assert first.poll() is None, "the refused sweep must not have waited for the first to finish"
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()[-2000:]
    results = load(out)
    assert len(results.runs) == TOTAL and results.runs["run_id"].is_unique
    again = truce("sweep", str(spec), "--out", str(out), "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert f"{TOTAL} ok, 0 failed of {TOTAL}" in again.stdout


def test_runs_an_older_sweep_stored_as_executor_errors_are_computed_on_resume(small, reference, tmp_path):
    """Before lost runs were told apart, a cancelled Dask future was stored as a failed run with
    "executor error: ..."; such rows are not results: a resume drops them and computes those runs,
    while a failure the model raised would stay."""
    out = tmp_path / "out"
    small().run(out, executor=SerialExecutor(), progress=False)
    part = sorted((out / "runs").glob("part-*.parquet"))[0]
    table = pq.read_table(part)
    rows = table.to_pylist()
    lost = [rows[1]["run_id"], rows[4]["run_id"]]
    metrics = table.schema.names[table.schema.names.index("error") + 1 :]  # the summary columns
    for row in (rows[1], rows[4]):
        row.update({"status": "failed", "error": "executor error: CancelledError()\n"})
        row.update(dict.fromkeys(metrics))
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), part)
    weekly = pq.read_table(out / "weekly" / part.name)
    keep = [rid not in lost for rid in weekly.column("run_id").to_pylist()]
    pq.write_table(weekly.filter(pa.array(keep)), out / "weekly" / part.name)
    assert load(out).runs.set_index("run_id").loc[lost, "status"].eq("failed").all()

    resumed = small().run(out, executor=SerialExecutor(), progress=False)
    assert len(resumed.runs) == 6 and resumed.runs["run_id"].is_unique
    assert set(resumed.runs["status"]) == {"ok"}
    pd.testing.assert_frame_equal(resumed.runs, reference.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.weekly, reference.weekly, check_exact=True)
