"""Sweep speed and memory: `truce`'s experiments against the model's own parallel speed and mesa.batch_run.

Prints figures and asserts nothing (see benchmarks/README.md). Every measurement runs in a fresh child
process while this process samples the resident memory of the child's whole process tree, so pool
workers count and the parent's own memory does not. Usage:

    .venv/bin/python benchmarks/bench_sweep.py                      # speed, batch_run, 1,000-run memory
    .venv/bin/python benchmarks/bench_sweep.py --memory 1000 10000  # both memory figures (10k: long)
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ("siloed", "shared_kpis", "merged", "three_dimensional")


# ---------------------------------------------------------------------- children (run in fresh processes)
def child_bare(runs: int, weeks: int) -> dict[str, float]:
    """The bare model, no experiment machinery: `runs` runs back to back in one process."""
    import sim

    sim.run("siloed", weeks=5, seed=99)  # warm-up: imports and first-call costs are not the model's
    start = time.perf_counter()
    for seed in range(runs):
        sim.run("siloed", weeks=weeks, seed=seed)
    return {"seconds": time.perf_counter() - start}


def child_sweep(replications: int, weeks: int, workers: int) -> dict[str, float]:
    """designs.toml at `replications` and `weeks`, keeping every weekly column, into a temporary folder."""
    from experiments import Experiment

    spec = Experiment.from_toml(ROOT / "experiments/specs/designs.toml")
    experiment = dataclasses.replace(spec, replications=replications, weeks=weeks, keep="all")
    out = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    try:
        start = time.perf_counter()
        results = experiment.run(out / "results", workers=workers, progress=False)
        seconds = time.perf_counter() - start
        assert results.manifest["counts"]["ok"] == 4 * replications
        size = sum(f.stat().st_size for f in (out / "results").rglob("*") if f.is_file())
        return {"seconds": seconds, "folder_mb": size / 1e6}
    finally:
        shutil.rmtree(out)


def child_batch_run(replications: int, weeks: int, workers: int) -> dict[str, float]:
    """The same runs with mesa.batch_run, collecting every weekly row as Mesa does (list of dicts)."""
    import mesa
    import numpy as np

    import sim

    seeds = np.random.SeedSequence(0).spawn(replications)
    start = time.perf_counter()
    rows = mesa.batch_run(
        sim.TruceModel,
        parameters={"design": list(DESIGNS), "weeks": weeks},
        number_processes=workers,
        rng=seeds,
        data_collection_period=1,
        max_steps=weeks,
        display_progress=False,
    )
    seconds = time.perf_counter() - start
    assert len(rows) >= 4 * replications * weeks
    return {"seconds": seconds}


CHILDREN = {"bare": child_bare, "sweep": child_sweep, "batch_run": child_batch_run}


# ---------------------------------------------------------------------- the parent
def measure(kind: str, *args: int) -> dict[str, float]:
    """Run one child; return its figures plus the peak resident memory of its process tree."""
    cmd = [sys.executable, __file__, "--child", kind, *map(str, args)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        peak = max(peak, _tree_rss(root))
        time.sleep(0.05)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"child {kind} failed with exit code {proc.returncode}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_rss_mb": peak / 1e6}


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


def bare_speedup(runs: int, weeks: int) -> tuple[float, float]:
    """Seconds per run in one bare process, and the speed-up of two bare processes running at once."""
    one = measure("bare", runs, weeks)["seconds"]
    results: list[float] = []

    def go() -> None:
        results.append(measure("bare", runs, weeks)["seconds"])

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return one / runs, 2 * one / max(results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--replications", type=int, default=100, help="per design (4 designs)")
    parser.add_argument("--weeks", type=int, default=260, help="horizon of the speed runs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bare-runs", type=int, default=6, help="runs per bare process")
    parser.add_argument("--memory", type=int, nargs="*", default=[1000], help="sweep sizes for peak memory")
    parser.add_argument("--memory-weeks", type=int, default=52, help="horizon of the memory sweeps")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-batch-run", action="store_true")
    args = parser.parse_args()
    if args.child:
        kind, *numbers = args.child
        print(json.dumps(CHILDREN[kind](*map(int, numbers))))
        return
    n = 4 * args.replications
    if not args.skip_speed:
        per_run, speedup = bare_speedup(args.bare_runs, args.weeks)
        target = 1.1 * n * per_run / speedup
        print(
            f"bare model: {per_run:.3f} s per {args.weeks}-week run; two processes: {speedup:.2f}x speed-up"
        )
        sweep = measure("sweep", args.replications, args.weeks, args.workers)
        verdict = "meets" if sweep["seconds"] <= target else "misses"
        print(
            f"sweep {n} runs x {args.weeks} weeks, {args.workers} workers: {sweep['seconds']:.1f} s "
            f"(target {target:.1f} s = 1.1 x {n} x {per_run:.3f} / {speedup:.2f}: {verdict}); "
            f"peak RSS {sweep['peak_rss_mb']:.0f} MB; folder {sweep['folder_mb']:.1f} MB"
        )
        if not args.skip_batch_run:
            batch = measure("batch_run", args.replications, args.weeks, args.workers)
            print(
                f"mesa.batch_run, same {n} runs, {args.workers} processes, every week collected: "
                f"{batch['seconds']:.1f} s; peak RSS {batch['peak_rss_mb']:.0f} MB"
            )
    peaks = {}
    for runs in args.memory:
        result = measure("sweep", runs // 4, args.memory_weeks, args.workers)
        peaks[runs] = result["peak_rss_mb"]
        print(
            f"memory: {runs} runs x {args.memory_weeks} weeks, all weekly columns kept: peak RSS "
            f"{result['peak_rss_mb']:.0f} MB ({result['seconds']:.0f} s, folder {result['folder_mb']:.0f} MB)"
        )
    if len(peaks) >= 2:
        small, large = min(peaks), max(peaks)
        print(f"memory ratio {large} / {small} runs: {peaks[large] / peaks[small]:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
