"""Faults of the infrastructure are not failures of the model, tried with real processes.

A Dask scheduler killed mid-sweep, a local pool worker killed with `kill -9`, and the sweep process
itself killed with SIGKILL: the sweep ends promptly (or carries on), what finished is committed, the
manifest matches the folder, no run the executor lost is stored as failed, no worker outlives the
sweep, and a rerun ends with every run exactly once and the numbers of an uninterrupted sweep.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments import Experiment, Results, load
from experiments.execute import EXECUTOR_LOST
from experiments.pool import SerialExecutor

ROOT = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).with_name("dask")
SPEC = """
name = "faults"
designs = ["siloed", "merged", "three_dimensional"]
replications = 16
seed = 5
weeks = 260
keep = ["revenue", "customers"]
"""
TOTAL = 48

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def env() -> dict[str, str]:
    """This checkout first on the path of every process started here (CLI, Dask workers)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}


def sweep(*args: str) -> subprocess.Popen[str]:
    """`truce sweep ARGS` in its own session (so its descendants can be found, and none is killed by
    accident)."""
    return subprocess.Popen(
        [sys.executable, "-m", "truce.cli", "sweep", *args],
        cwd=ROOT,
        env=env(),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def committed(out: Path) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in (out / "runs").glob("part-*.parquet"))


def wait_for_commit(proc: subprocess.Popen[str], out: Path, timeout: float = 120) -> int:
    """Block until the sweep has committed a part; returns the runs committed (fewer than all)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the sweep ended before the fault: {proc.communicate()}"
        if (out / "runs").exists() and (n := committed(out)) > 0:
            assert n < TOTAL, "the sweep was not mid-way"
            return n
        time.sleep(0.02)
    raise AssertionError("no part was committed in time")


def session(sid: int) -> dict[int, tuple[int, str]]:
    """Live processes of session `sid`: pid -> (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found[int(entry.name)] = (int(fields[1]), cmd)
    return found


def pool_workers(sweep_pid: int) -> list[int]:
    """The sweep's local pool workers: children of its forkserver."""
    procs = session(sweep_pid)
    servers = {p for p, (parent, cmd) in procs.items() if parent == sweep_pid and "forkserver" in cmd}
    return sorted(p for p, (parent, _) in procs.items() if parent in servers)


def kill_session(sid: int) -> None:
    for pid in session(sid):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def assert_consistent(out: Path) -> None:
    """The manifest counts what the folder holds, and nothing is stored as failed."""
    runs = load(out).runs
    counts = manifest(out)["counts"]
    assert counts == {"total": TOTAL, "ok": len(runs), "failed": 0, "missing": TOTAL - len(runs)}
    assert set(runs["status"]) <= {"ok"} and runs["run_id"].is_unique


def assert_whole(out: Path, whole: Results) -> None:
    """Every run exactly once, ok, with the numbers of the uninterrupted sweep."""
    results = load(out)
    assert len(results.runs) == TOTAL and results.runs["run_id"].is_unique
    assert set(results.runs["status"]) == {"ok"}
    assert not results.weekly.duplicated(["run_id", "week"]).any()
    pd.testing.assert_frame_equal(results.runs, whole.runs, check_exact=True)
    pd.testing.assert_frame_equal(results.weekly, whole.weekly, check_exact=True)
    assert results.manifest["status"] == "complete" and results.manifest["counts"]["missing"] == 0


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "faults.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def whole(spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Results:
    """The sweep uninterrupted, in this process: what every resumed folder must equal."""
    out = tmp_path_factory.mktemp("whole") / "out"
    return Experiment.from_toml(spec).run(out, executor=SerialExecutor(), progress=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real `dask scheduler` and two one-thread `dask worker` processes on 127.0.0.1."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    common = {"env": env(), "cwd": ROOT, "start_new_session": True}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [
            str(DASK),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            address.rsplit(":", 1)[1],
            "--no-dashboard",
        ],
        **common,
        **quiet,
    )
    workers = subprocess.Popen(
        [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
        **common,
        **quiet,
    )
    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, scheduler
    finally:
        for proc in (workers, scheduler):
            kill_session(proc.pid)
            proc.wait(timeout=30)


def test_a_dask_scheduler_killed_mid_sweep_ends_it_at_once_and_a_rerun_completes(
    spec, whole, dask_cluster, tmp_path
):
    address, scheduler = dask_cluster
    out = tmp_path / "out"
    proc = sweep(str(spec), "--out", str(out), "--scheduler", address)
    wait_for_commit(proc, out)
    scheduler.kill()
    killed = time.monotonic()
    _, err = proc.communicate(timeout=60)
    seconds = time.monotonic() - killed
    assert proc.returncode == EXECUTOR_LOST, err
    assert seconds < 10, f"the sweep took {seconds:.1f} s to notice its scheduler was gone"
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert f"the Dask scheduler at {address} is gone" in lines[0] and "runs are committed" in lines[0]
    assert_consistent(out)
    assert manifest(out)["status"] == "interrupted"
    assert manifest(out)["sessions"][-1]["status"] == "executor lost"

    rerun = sweep(str(spec), "--out", str(out), "--workers", "2")
    stdout, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{TOTAL} ok, 0 failed of {TOTAL}" in stdout
    assert_whole(out, whole)


def test_a_killed_pool_worker_is_replaced_and_the_sweep_completes(spec, whole, tmp_path):
    out = tmp_path / "out"
    proc = sweep(str(spec), "--out", str(out), "--workers", "2")
    wait_for_commit(proc, out)
    workers = pool_workers(proc.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    stdout, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "a worker process died" in lines[0] and "fresh pool" in lines[0], err
    assert "Traceback" not in err and "__main__" not in err
    assert f"{TOTAL} ok, 0 failed of {TOTAL}" in stdout
    assert_whole(out, whole)


#: The sweep with no pool restarts left, so the first killed worker ends it.
NO_RESTARTS = """
import sys
from pathlib import Path
from experiments import Experiment, pool
from experiments.execute import ExecutorLost
from experiments.sweep import sweep
pool.POOL_RESTARTS = 0
try:
    sweep(Experiment.from_toml(sys.argv[1]), Path(sys.argv[2]), workers=2, flush_seconds=0.3, progress=False)
except ExecutorLost as lost:
    print(lost, file=sys.stderr)
    sys.exit(lost.exit_code)
"""


def test_a_pool_that_keeps_breaking_ends_the_sweep_with_one_line_and_a_rerun_completes(spec, whole, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-c", NO_RESTARTS, str(spec), str(out)],
        cwd=ROOT,
        env=env(),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_commit(proc, out)
    os.kill(pool_workers(proc.pid)[0], signal.SIGKILL)
    killed = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == EXECUTOR_LOST, err
    assert time.monotonic() - killed < 10
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "the pool broke 1 time (" in lines[0], err
    assert "runs are committed" in lines[0] and "__main__" not in lines[0]
    assert_consistent(out)
    assert 0 < len(load(out).runs) < TOTAL

    rerun = sweep(str(spec), "--out", str(out), "--workers", "2")
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert_whole(out, whole)


def test_a_sigkilled_sweep_leaves_no_process_behind(spec, tmp_path):
    """Only the sweep is killed, not its process group: its forkserver, pool workers and resource
    tracker must go by themselves, and release the sweep's output pipes."""
    out = tmp_path / "out"
    proc = sweep(str(spec), "--out", str(out), "--workers", "2")
    try:
        wait_for_commit(proc, out)
        assert len(pool_workers(proc.pid)) == 2
        proc.kill()
        killed = time.monotonic()
        proc.communicate(timeout=10)  # returns only once no process holds the pipes
        while session(proc.pid) and time.monotonic() - killed < 5:
            time.sleep(0.05)
        assert session(proc.pid) == {}, f"outlived the sweep by 5 s: {session(proc.pid)}"
        # The manifest was kept up with every committed part: at most the newest is not counted yet.
        parts = sorted((out / "runs").glob("part-*.parquet"))
        rows, newest = committed(out), pq.ParquetFile(parts[-1]).metadata.num_rows
        counts = manifest(out)["counts"]
        assert manifest(out)["status"] == "running" and counts["failed"] == 0
        assert rows - newest <= counts["ok"] <= rows and counts["missing"] == TOTAL - counts["ok"]
    finally:
        kill_session(proc.pid)
