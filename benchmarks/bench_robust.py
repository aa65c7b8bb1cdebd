"""Robust choice at full size: the shipped 4,000-run spec on 1 and 2 local workers and a real Dask cluster.

Prints figures and asserts nothing (see benchmarks/README.md). The issue's target: 200 scenarios x 4
designs x 5 replications x 260 weeks in 10 minutes or less on this 2-core machine, scaling with Dask
workers. Each configuration sweeps `experiments/specs/robust.toml` into a fresh temporary folder and
times the sweep (and, separately, `experiments.robust.robust` on its runs table); the Dask one starts
a real `dask scheduler` and one `dask worker` process with two one-thread workers on 127.0.0.1 as
subprocesses (as tests/experiments/test_faults.py does), and stops them afterwards. Usage:

    .venv/bin/python benchmarks/bench_robust.py                    # the whole spec, three ways (long)
    .venv/bin/python benchmarks/bench_robust.py --scenarios 20     # a tenth, to see that it works
    .venv/bin/python benchmarks/bench_robust.py --modes local1 dask
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SPEC = ROOT / "experiments/specs/robust.toml"
DASK = Path(sys.executable).with_name("dask")
MODES = ("local1", "local2", "dask")
WORKER_FLAGS = ("--nthreads", "1", "--no-dashboard")


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "PYTHONWARNINGS": "ignore"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dask_cluster(workers: int = 2) -> Iterator[str]:
    """A `dask scheduler` and `workers` one-thread workers on 127.0.0.1; stopped (their own process
    groups only) on exit."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    common = {"env": _env(), "cwd": ROOT, "start_new_session": True}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    port = address.rsplit(":", 1)[1]
    procs = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
            **common,
            **quiet,
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [str(DASK), "worker", address, "--nworkers", str(workers), *WORKER_FLAGS],
                **common,
                **quiet,
            )
        )
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


def experiment(scenarios: int, weeks: int | None):
    from experiments import Experiment

    spec = Experiment.from_toml(SPEC)
    sampling = dataclasses.replace(spec.sampling, samples=scenarios)
    keep = spec.keep or "none"  # resolved "none" is (), which the constructor does not take back
    return dataclasses.replace(spec, sampling=sampling, weeks=weeks or spec.weeks, keep=keep)


def measure(mode: str, scenarios: int, weeks: int | None) -> dict[str, object]:
    """Sweep the spec one way into a temporary folder: wall time, runs, and the robust table."""
    from experiments.robust import robust

    exp = experiment(scenarios, weeks)
    out = Path(tempfile.mkdtemp(prefix="bench_robust_")) / "results"
    try:
        start = time.perf_counter()
        if mode == "dask":
            with dask_cluster(2) as address:
                ready = time.perf_counter()
                results = exp.run(out, scheduler=address, workers=2, progress=False, max_hours=None)
                seconds = time.perf_counter() - ready
            setup = ready - start
        else:
            workers = int(mode.removeprefix("local"))
            results = exp.run(out, workers=workers, progress=False, max_hours=None)
            seconds, setup = time.perf_counter() - start, 0.0
        counts = results.manifest["counts"]
        start = time.perf_counter()
        table = robust(results.runs, results.manifest).table
        analysis = time.perf_counter() - start
        return {
            "mode": mode,
            "seconds": seconds,
            "setup": setup,
            "ok": counts["ok"],
            "total": counts["total"],
            "analysis": analysis,
            "table": table,
        }
    finally:
        shutil.rmtree(out.parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=200, help="LHS points (the spec: 200)")
    parser.add_argument("--weeks", type=int, default=None, help="horizon (default: the spec's 260)")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args()
    exp = experiment(args.scenarios, args.weeks)
    runs = len(exp.designs) * args.scenarios * exp.replications
    print(
        f"robust.toml: {args.scenarios} scenarios x {len(exp.designs)} designs x {exp.replications} "
        f"replications x {exp.weeks} weeks = {runs:,} runs; {os.cpu_count()} cores"
    )
    figures = [measure(mode, args.scenarios, args.weeks) for mode in args.modes]
    base = figures[0]
    for f in figures:
        speedup = base["seconds"] / f["seconds"]
        same = f["table"].equals(base["table"])
        setup = f" (+{f['setup']:.1f} s to start the cluster)" if f["setup"] else ""
        print(
            f"{f['mode']:>7}: {f['seconds']:7.1f} s{setup}, {f['ok']}/{f['total']} ok, "
            f"{1000 * f['seconds'] / f['total']:.0f} ms a run, x{speedup:.2f} vs {base['mode']}, "
            f"robust table {f['analysis']:.2f} s, same table as {base['mode']}: {'yes' if same else 'NO'}"
        )
    if args.scenarios != 200:
        full = 200 * len(exp.designs) * exp.replications
        for f in figures:
            minutes = f["seconds"] * full / runs / 60
            print(f"{f['mode']:>7}: the full {full:,} runs at {exp.weeks} weeks: about {minutes:.1f} min")


if __name__ == "__main__":
    main()
