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
from scipy import stats

import sim

OUTCOMES = {
    "total_revenue": ("revenue", "{:,.0f}"),
    "annual_churn_rate": ("churn/yr", "{:.3f}"),
    "sales_turnover_annual": ("sales turnover/yr", "{:.3f}"),
    "marketing_turnover_annual": ("marketing turnover/yr", "{:.3f}"),
    "service_turnover_annual": ("service turnover/yr", "{:.3f}"),
}
BASELINE = "siloed"


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Mean and half-width of its t confidence interval (0 half-width for fewer than two values)."""
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return mean, 0.0
    half = stats.t.ppf(0.5 + level / 2, n - 1) * float(np.std(values, ddof=1)) / np.sqrt(n)
    return mean, float(half)


def _one(design: str, seed: np.random.SeedSequence, weeks: int, overrides: dict) -> dict[str, float]:
    return sim.run(design, weeks=weeks, seed=seed, **overrides).summary


def compare(
    designs: list[str] | None,
    *,
    replications: int,
    root: int,
    weeks: int,
    workers: int | None,
    overrides: dict[str, Any],
) -> int:
    """Run every design x replication, print mean +- 95% CI and the paired difference to siloed."""
    from truce.progress import progress

    names = designs or list(sim.designs())
    for name in names:  # validate everything before the first run starts
        sim.TruceModel(sim.get_design(name), weeks=weeks, **overrides)
    seeds = np.random.SeedSequence(root).spawn(replications)
    results: dict[tuple[str, int], dict[str, float]] = {}
    jobs = [(d, r) for d in names for r in range(replications)]
    workers = workers or os.cpu_count() or 1
    with progress(len(jobs), "runs", "comparing designs") as advance:
        if workers == 1:
            for d, r in jobs:
                results[d, r] = _one(d, seeds[r], weeks, overrides)
                advance(1)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(_one, d, seeds[r], weeks, overrides): (d, r) for d, r in jobs}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    advance(1)
    _print(names, replications, root, results)
    return 0


def _print(names: list[str], n: int, root: int, results: dict) -> None:
    console = Console()
    table = Table(title=f"{n} replications per design, root seed {root} (mean ± 95% CI)")
    table.add_column("design")
    for label, _ in OUTCOMES.values():
        table.add_column(label, justify="right")
    base = BASELINE if BASELINE in names else names[0]
    for name in names:
        cells = []
        for key, (_, fmt) in OUTCOMES.items():
            mean, half = mean_ci(np.array([results[name, r][key] for r in range(n)]))
            cells.append(f"{fmt.format(mean)} ± {fmt.format(half)}")
        table.add_row(name, *cells)
    console.print(table)
    diff = Table(title=f"paired difference to {base} (same seeds; mean ± 95% CI)")
    diff.add_column("design")
    for label, _ in OUTCOMES.values():
        diff.add_column(f"Δ {label}", justify="right")
    for name in names:
        if name == base:
            continue
        cells = []
        for key, (_, fmt) in OUTCOMES.items():
            d = np.array([results[name, r][key] - results[base, r][key] for r in range(n)])
            mean, half = mean_ci(d)
            cells.append(f"{fmt.format(mean)} ± {fmt.format(half)}")
        diff.add_row(name, *cells)
    console.print(diff)
