"""`truce compare`: designs over replications on common random numbers, with paired differences.

Replication r of every design uses seed `SeedSequence(root).spawn(N)[r]`, so each design meets the
same market luck and differences are estimated pairwise (much tighter than unpaired).
"""

from __future__ import annotations

import json
import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

import numpy as np

import sim
from sim import budget
from sim.outcomes import headline, outcome

if TYPE_CHECKING:
    import pandas as pd

#: Number formats by unit (presentation; rates and shares get three decimals).
FORMATS = {"EUR": "{:,.0f}", "points 20-100": "{:.1f}"}
#: Headline summary metric -> (row label: its description and unit, number format).
OUTCOMES = {o.name: (f"{o.description} ({o.unit})", FORMATS.get(o.unit, "{:.3f}")) for o in headline()}
BASELINE = "siloed"
#: `--format` choices: the human table (never cut), or one row per design x outcome for machines, or a
#: GitHub table to paste.
OUTPUTS = ("table", "csv", "json", "markdown")


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
    output: str = "table",
) -> int:
    """Run every design x replication, print mean +- 95% CI and the paired difference to siloed
    in the `output` format (one of `OUTPUTS`)."""
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
    write(summarise(names, replications, results), output, root)
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


def summarise(names: list[str], n: int, results: dict[tuple[str, int], dict[str, float]]) -> pd.DataFrame:
    """One row per design x headline outcome (designs in the given order): `n` replications, mean and
    95% CI, and the paired difference to the baseline (siloed if compared, else the first design) on
    the same seeds with its 95% CI; the baseline's own difference columns are empty (NaN)."""
    import pandas as pd

    base = BASELINE if BASELINE in names else names[0]
    rows = []
    for name in names:
        for key in OUTCOMES:
            values = np.array([results[name, r][key] for r in range(n)])
            mean, half = mean_ci(values)
            row = {"design": name, "metric": key, "unit": outcome(key, "summary").unit, "n": n}
            row |= {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "baseline": base}
            diff, half = (np.nan, np.nan)
            if name != base:
                diff, half = mean_ci(values - np.array([results[base, r][key] for r in range(n)]))
            rows.append(row | {"diff_mean": diff, "diff_ci_low": diff - half, "diff_ci_high": diff + half})
    return pd.DataFrame(rows)


def write(frame: pd.DataFrame, output: str, root: int) -> None:
    """Print `summarise`'s frame on stdout: csv and json are the frame itself with numbers at full
    precision (json through the standard library, as pandas' `to_json` rounds to 15 decimals; NaN is
    null); table and markdown are `_layout`'s tables with rounded numbers."""
    if output == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif output == "json":
        rows = [{k: _none_if_nan(v) for k, v in row.items()} for row in frame.to_dict("records")]
        print(json.dumps(rows, indent=1, allow_nan=False))
    elif output == "markdown":
        tables = _layout(frame, root)
        print("\n\n".join(f"**{title}**\n\n{_markdown(cols, rows)}" for title, cols, rows in tables))
    else:
        from truce.tables import show, table

        show(*(table(title, cols, rows, right=cols[1:]) for title, cols, rows in _layout(frame, root)))


def _none_if_nan(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _layout(frame: pd.DataFrame, root: int) -> list[tuple[str, list[str], list[list[str]]]]:
    """The human layout as (title, columns, rows): one row per headline outcome and one column per
    design, so the seven outcomes stay readable on an 80-column terminal (a cell wraps at its ±, never
    inside a number); then the same for the paired differences, when there is more than one design."""
    names = list(dict.fromkeys(frame["design"]))
    base = frame["baseline"].iloc[0]
    others = [name for name in names if name != base]
    cells = frame.set_index(["metric", "design"])
    n = int(frame["n"].iloc[0])
    means, diffs = [], []
    for key, (label, fmt) in OUTCOMES.items():
        means.append([label, *(_cell(fmt, cells.loc[key, name], "") for name in names)])
        diffs.append([label, *(_cell(fmt, cells.loc[key, name], "diff_") for name in others)])
    title = f"{n} replications per design, root seed {root} (mean ± 95% CI)"
    tables = [(title, ["outcome", *names], means)]
    if others:
        title = f"paired difference to {base} (same seeds; mean ± 95% CI)"
        tables.append((title, ["outcome", *(f"{name} - {base}" for name in others)], diffs))
    return tables


def _cell(fmt: str, row: pd.Series, prefix: str) -> str:
    mean, low, high = (row[f"{prefix}{part}"] for part in ("mean", "ci_low", "ci_high"))
    return f"{fmt.format(mean)} ± {fmt.format((high - low) / 2)}"


def _markdown(columns: list[str], rows: list[list[str]]) -> str:
    """A GitHub table: the first column left-aligned, the numbers right-aligned; `|` escaped."""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(columns), line([":--", *["--:"] * (len(columns) - 1)]), *map(line, rows)])
