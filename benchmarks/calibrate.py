"""Fit the market and workforce constants tagged "fitted" to CALIBRATION.md's fitted bands.

Only constants of the market and the workforce move (never a design lever): each is paired with the
one band it drives most directly and updated by a damped fixed-point step toward the band's middle,
using the mean over seeds 0-19 of the default `siloed` company (260 weeks, rates over weeks 53-260).

    .venv/bin/python benchmarks/calibrate.py            # fit, print each round, print the result
    .venv/bin/python benchmarks/calibrate.py --write    # ... and write the values to sim/parameters.toml
    .venv/bin/python benchmarks/calibrate.py --check    # only measure the bands at the current defaults
"""

from __future__ import annotations

import argparse
import math
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

import sim

SEEDS = range(20)
WEEKS = 260
#: summary key -> (band low, band high, fitted constant, how the constant maps to the outcome)
FITTED = {
    "sales_turnover_annual": (0.25, 0.35, "quit_sales_annual", "rate"),
    "marketing_turnover_annual": (0.12, 0.20, "quit_marketing_annual", "rate"),
    "annual_churn_rate": (0.05, 0.15, "churn_annual", "rate"),
    "mql_to_opportunity": (0.13, 0.30, "qualification_odds", "odds"),
    "win_rate": (0.15, 0.30, "win_odds", "odds"),
    "lead_leakage_share": (0.50, 0.80, "leads_per_marketer_week", "rate"),
}
HELD_OUT = {
    "reps_at_quota_share": (0.45, 0.65),
    "lead_response_hours": (24.0, 72.0),
}
PARAMETERS = Path(__file__).resolve().parents[1] / "sim" / "parameters.toml"


def _summary(args: tuple[int, dict]) -> dict[str, float]:
    seed, values = args
    return sim.run("siloed", weeks=WEEKS, seed=seed, **values).summary


def measure(values: dict[str, float], pool: ProcessPoolExecutor) -> dict[str, float]:
    """Mean of every summary metric over the calibration seeds."""
    rows = list(pool.map(_summary, [(s, values) for s in SEEDS]))
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def step(values: dict[str, float], means: dict[str, float], damping: float) -> dict[str, float]:
    """Move each constant so its outcome heads for the middle of its band."""
    new = dict(values)
    for key, (lo, hi, name, how) in FITTED.items():
        target, seen = (lo + hi) / 2, min(max(means[key], 1e-3), 1 - 1e-3)
        ratio = target / (1 - target) / (seen / (1 - seen)) if how == "odds" else target / seen
        new[name] = values[name] * math.exp(damping * math.log(ratio))
    return new


def _training(seed: int) -> tuple[float, float]:
    week = 60
    iv = sim.Intervention(week, "sales_training", gain=0.2)
    gain = sim.run("siloed", weeks=week + 26, seed=seed, interventions=[iv]).weekly["training_gain"]
    return float(gain[week + 3] / 0.2), float(gain[week + 25] / 0.2)


def _shared(seed: int) -> float:
    return sim.run("shared_kpis", weeks=WEEKS, seed=seed).summary["lead_leakage_share"]


def held_out_extra(pool: ProcessPoolExecutor, siloed: dict[str, float]) -> None:
    """The held-out rows that need other runs: shared KPIs' leakage, training retention."""
    shared = float(np.mean(list(pool.map(_shared, SEEDS))))
    drop = siloed["lead_leakage_share"] - shared
    print(
        f"  held-out shared_kpis lead_leakage_share   {shared:8.4f}  ({drop:.3f} below siloed; "
        f"band: >= 0.10 below, ideally 0.25-0.40)"
    )
    kept = np.array(list(pool.map(_training, SEEDS)))
    print(f"  held-out training gain left at week 4      {kept[:, 0].mean():8.4f}  band 0.13-0.25")
    print(f"  held-out training gain left at week 26     {kept[:, 1].mean():8.4f}  band <= 0.05")


def report(means: dict[str, float], margin: float = 0.0) -> bool:
    """Print fitted and held-out bands; True if every fitted mean lies inside its band, shrunk on
    each side by `margin` x its width (fitting aims well inside, so seeds' noise cannot push out)."""
    ok = True
    for key, (lo, hi, *_rest) in FITTED.items():
        inside = lo <= means[key] <= hi
        pad = margin * (hi - lo)
        ok &= lo + pad <= means[key] <= hi - pad
        print(f"  fitted   {key:28s} {means[key]:8.4f}  band {lo}-{hi}  {'ok' if inside else 'OUT'}")
    for key, (lo, hi) in HELD_OUT.items():
        inside = lo <= means[key] <= hi
        print(f"  held-out {key:28s} {means[key]:8.4f}  band {lo}-{hi}  {'inside' if inside else 'outside'}")
    return ok


def write(values: dict[str, float]) -> None:
    text = PARAMETERS.read_text()
    for name, value in values.items():
        pattern = re.compile(rf"(\[{name}\]\n(?:[^\[]*?\n)*?default = )([^\n]+)")
        text, n = pattern.subn(lambda m, v=value: f"{m.group(1)}{v:.4g}", text, count=1)
        assert n == 1, name
    PARAMETERS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--damping", type=float, default=0.8)
    parser.add_argument("--write", action="store_true", help="write fitted defaults to parameters.toml")
    parser.add_argument("--check", action="store_true", help="only measure the bands at the defaults")
    args = parser.parse_args()
    defaults = {p.name: p.default for p in sim.params()}
    values = {name: defaults[name] for *_x, name, _how in FITTED.values()}
    with ProcessPoolExecutor() as pool:
        for r in range(0 if args.check else args.rounds):
            means = measure(values, pool)
            print(f"round {r}: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
            if report(means, margin=0.25):
                break
            values = step(values, means, args.damping)
        means = measure(values, pool)
        print("result: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
        inside = report(means)
        held_out_extra(pool, means)
    if args.write and not args.check:
        write(values)
        print(f"wrote {PARAMETERS}")
    raise SystemExit(0 if inside else 1)


if __name__ == "__main__":
    main()
