"""`truce calibrate`: fit the market and workforce constants to a company's funnel, write its design."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import sim
from experiments.calibrate import Fit, base_run, calibrate, design_toml, evaluations, load_funnel
from sim import budget, files
from sim.params import spec
from truce.tables import show, table


def run_calibration(
    funnel_path: str,
    out: str,
    *,
    replications: int,
    root: int,
    weeks: int,
    base: str,
    workers: int | None,
    max_hours: float | None = budget.MAX_HOURS,
) -> int:
    """Validate everything, fit, print the fit per target and the values, write the design file.

    The written file is resolved with `sim.resolve` afterwards, so a file that `truce run` would
    reject is never left behind silently.
    """
    from truce.progress import progress

    path = files.check_out_file(out, "--out", suffix=".toml")  # before the fit, never after it
    funnel = load_funnel(funnel_path)
    run = base_run(funnel, base, weeks)
    design = run.design
    total = evaluations(funnel.fitted) * replications
    workers = min(workers or os.cpu_count() or 1, replications)  # an evaluation runs N at once
    budget.check(f"calibrate {funnel_path}", size(run, total, replications, workers), max_hours)
    with (
        progress(total, "runs", "calibrating") as advance,
        ProcessPoolExecutor(max_workers=workers) as pool,
    ):
        fit = calibrate(
            funnel, base, replications=replications, root=root, weeks=weeks, executor=pool,
            on_evaluation=advance,
        )  # fmt: skip
    _print(fit, replications, root, weeks)
    header = (
        f"Calibrated by `truce calibrate {funnel_path} --replications {replications} --seed {root} "
        f"--weeks {weeks} --design {base}`:\n"
        f"{', '.join(fit.values)} fitted by damped fixed-point rounds, then scipy least_squares on\n"
        f"log-odds/log residuals, {fit.evaluations} evaluations of {replications} runs each on common "
        f"seeds SeedSequence({root}).spawn({replications}), {weeks} weeks (rates over weeks 53..)."
    )
    text = design_toml(fit, funnel, design, name=path.stem, header=header)
    files.write_text(path, text)
    sim.resolve(path)
    show(f"wrote {path}: `truce run {path}` or `truce compare {path} siloed`")
    return 0


def size(run: sim.RunSpec, runs: int, replications: int, workers: int) -> budget.Size:
    """Runs, wall-clock time and memory of a calibration (at most `runs`: every evaluation's bound)."""
    used = max(1, min(workers, replications))
    seconds = budget.run_seconds(run.params, run.weeks) * runs / used
    one = budget.run_bytes(run.params, run.weeks)
    return budget.Size(runs, seconds, used * (budget.WORKER_BYTES + one), used)


def _print(fit: Fit, replications: int, root: int, weeks: int) -> None:
    title = (
        f"fit per target: {replications} replications, root seed {root}, {weeks} weeks "
        f"(mean, 95% CI over replications)"
    )
    columns = ("target", "observed", "fitted mean", "95% CI", "residual")
    rows = [
        (
            str(row["target"]),
            f"{row['observed']:.4g}",
            f"{row['fitted']:.4g}",
            f"{row['ci_low']:.4g} .. {row['ci_high']:.4g}",
            f"{row['residual']:+.3g}",
        )
        for row in fit.table()
    ]
    fitted = table(title, columns, rows, right=columns[1:])
    columns = ("constant", "default", "fitted", "range")
    rows = []
    for name, value in fit.values.items():
        p = spec(name)
        rows.append((name, f"{p.default:.4g}", f"{value:.4g}", f"{p.range[0]} .. {p.range[1]}"))
    title = f"fitted constants ({fit.evaluations} evaluations; {fit.message})"
    show(fitted, table(title, columns, rows, right=columns[1:]))
