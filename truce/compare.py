"""`truce compare`: designs over replications on common random numbers, with paired differences.

Replication r of every design uses seed `SeedSequence(root).spawn(N)[r]`, so each design meets the
same market luck and differences are estimated pairwise (much tighter than unpaired).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

import sim
from sim import budget
from sim.outcomes import headline

#: Number formats by unit (presentation; rates and shares get three decimals).
FORMATS = {"EUR": "{:,.0f}", "points 20-100": "{:.1f}"}
#: Headline summary metric -> (row label: its description and unit, number format).
OUTCOMES = {o.name: (f"{o.description} ({o.unit})", FORMATS.get(o.unit, "{:.3f}")) for o in headline()}
BASELINE = "siloed"


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Mean and half-width of its t confidence interval (0 half-width for fewer than two values)."""
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return mean, 0.0
    from scipy import stats  # here: a refused comparison never waits for scipy

    half = stats.t.ppf(0.5 + level / 2, n - 1) * float(np.std(values, ddof=1)) / np.sqrt(n)
    return mean, float(half)


def _one(run: sim.RunSpec, seed: np.random.SeedSequence) -> dict[str, float]:
    return sim.run(run, seed=seed).summary


def compare(
    designs: list[str] | None,
    *,
    replications: int,
    root: int,
    weeks: int,
    workers: int | None,
    overrides: dict[str, Any],
    max_hours: float | None = budget.MAX_HOURS,
) -> int:
    """Run every design x replication, print mean +- 95% CI and the paired difference to siloed."""
    from truce.progress import progress

    names = designs or list(sim.designs())
    for i, name in enumerate(names):
        if names.index(name) != i:
            raise sim.InputError(f"compare: design {name!r} is given twice (allowed: each design once)")
    # Resolved once, before the first run starts: a bad design or override stops nothing half-done.
    runs = {name: sim.resolve(name, weeks=weeks, **overrides) for name in names}
    # No more processes than runs: the pool starts all of them at once.
    workers = min(workers or os.cpu_count() or 1, len(names) * replications)
    budget.check(
        f"compare --replications {replications} --weeks {weeks}", size(runs, replications, workers), max_hours
    )
    seeds = np.random.SeedSequence(root).spawn(replications)
    results: dict[tuple[str, int], dict[str, float]] = {}
    jobs = [(d, r) for d in names for r in range(replications)]
    with progress(len(jobs), "runs", "comparing designs") as advance:
        if workers == 1:
            for d, r in jobs:
                results[d, r] = _one(runs[d], seeds[r])
                advance(1)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(_one, runs[d], seeds[r]): (d, r) for d, r in jobs}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    advance(1)
    _print(names, replications, root, results)
    return 0


#: What the parent holds per run until the table is printed: its job, its future, its summary.
JOB_BYTES = 16 * 1024


def size(runs: dict[str, sim.RunSpec], replications: int, workers: int) -> budget.Size:
    """Runs, wall-clock time and peak memory of a comparison, before it starts."""
    n = len(runs) * replications
    used = min(workers, n)
    seconds = sum(budget.run_seconds(r.params, r.weeks) for r in runs.values()) * replications / used
    one = max(budget.run_bytes(r.params, r.weeks) for r in runs.values())
    pool = one if used == 1 else used * (budget.WORKER_BYTES + one)
    return budget.Size(n, seconds, pool + n * JOB_BYTES, used)


def _print(names: list[str], n: int, root: int, results: dict) -> None:
    """One row per headline outcome and one column per design, so the seven outcomes stay readable on
    an 80-column terminal (a cell wraps at its ±, never inside a number)."""
    console = Console()
    base = BASELINE if BASELINE in names else names[0]
    others = [name for name in names if name != base]
    table = Table(title=f"{n} replications per design, root seed {root} (mean ± 95% CI)")
    diff = Table(title=f"paired difference to {base} (same seeds; mean ± 95% CI)")
    table.add_column("outcome")
    diff.add_column("outcome")
    for name in names:
        table.add_column(name, justify="right")
    for name in others:
        diff.add_column(f"{name} - {base}", justify="right")
    for key, (label, fmt) in OUTCOMES.items():
        table.add_row(label, *(_cell(fmt, [results[name, r][key] for r in range(n)]) for name in names))
        diff.add_row(
            label,
            *(
                _cell(fmt, [results[name, r][key] - results[base, r][key] for r in range(n)])
                for name in others
            ),
        )
    console.print(table)
    console.print(diff)


def _cell(fmt: str, values: list[float]) -> str:
    mean, half = mean_ci(np.array(values))
    return f"{fmt.format(mean)} ± {fmt.format(half)}"
