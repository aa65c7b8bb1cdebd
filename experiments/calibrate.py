"""Calibrate the market and workforce constants to one company's observed funnel and HR rates.

The user's FUNNEL.toml names known facts (`[company]`: sizes, deal value, ...) and observed rates
(`[targets]`). Each target is paired with the constant that drives it most directly (as in
`benchmarks/calibrate.py`); only those constants move, never a design lever. The fit is least squares
on log-odds (shares) or log (rates, volumes) residuals over log-parameters, evaluated on common
random numbers: every evaluation runs the same seeds `SeedSequence(root).spawn(N)`, so the objective
is a deterministic function of the parameters and finite differences measure the parameters' effect,
not the luck of fresh seeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

import sim
from sim.design import Design
from sim.files import read_toml
from sim.params import spec

#: target -> (scale of its residual, constant it drives). "share": log-odds, "rate"/"volume": log.
TARGETS: dict[str, tuple[str, str]] = {
    "lead_leakage_share": ("share", "leads_per_marketer_week"),
    "mql_to_opportunity": ("share", "qualification_odds"),
    "win_rate": ("share", "win_odds"),
    "annual_churn_rate": ("rate", "churn_annual"),
    "sales_turnover_annual": ("rate", "quit_sales_annual"),
    "marketing_turnover_annual": ("rate", "quit_marketing_annual"),
    "service_turnover_annual": ("rate", "quit_service_annual"),
    "leads_per_week": ("volume", "leads_per_marketer_week"),
}
#: Levers that are facts of size, not design choices: `[company]` may set them besides uncertainties.
SIZE_LEVERS = ("marketers", "salespeople", "service_staff")
_TOP_KEYS = ("company", "targets")


@dataclass(frozen=True)
class Funnel:
    """A validated FUNNEL.toml: known facts, observed targets, and the file they came from."""

    company: dict[str, Any]
    targets: dict[str, float]
    source: str = ""

    @property
    def fitted(self) -> list[str]:
        """The constants to fit, once each, in the order of their first target."""
        return list(dict.fromkeys(TARGETS[t][1] for t in self.targets))


@dataclass
class Fit:
    """The result: fitted values, per-replication outcomes at them, and what it cost."""

    values: dict[str, float]
    targets: dict[str, float]
    outcomes: dict[str, np.ndarray]
    evaluations: int
    message: str
    history: list[dict[str, float]] = field(default_factory=list)

    def table(self) -> list[dict[str, float | str]]:
        """Per target: observed, fitted mean with its 95% CI over replications, and the residual."""
        from experiments.stats import t_interval

        rows: list[dict[str, float | str]] = []
        for key, target in self.targets.items():
            mean, _sd, low, high = t_interval(self.outcomes[key])
            rows.append({"target": key, "observed": target, "fitted": mean, "ci_low": low, "ci_high": high})
            rows[-1]["residual"] = mean - target
        return rows


def load_funnel(path: str | Path) -> Funnel:
    """Read and validate FUNNEL.toml; any problem is one `InputError` line naming file, key, value."""
    path = Path(path)
    raw = read_toml(path, "funnel file")
    for key in raw:
        if key not in _TOP_KEYS:
            raise sim.InputError(f"{path}: unknown table '{key}' (allowed: {', '.join(_TOP_KEYS)})")
        if not isinstance(raw[key], dict):
            raise sim.InputError(f"{path}: '{key}' must be a table [{key}]")
    company = {}
    for name, value in raw.get("company", {}).items():
        p = spec(name, f"{path} [company]")
        if p.kind == "lever" and name not in SIZE_LEVERS:
            raise sim.InputError(f"{path} [company]: '{name}' is a design lever, not a fact of the company")
        company[name] = p.check(value, f"{path} [company]")
    targets = {name: _check_target(path, name, value) for name, value in raw.get("targets", {}).items()}
    if not targets:
        raise sim.InputError(f"{path}: [targets] is empty (allowed: {', '.join(TARGETS)})")
    funnel = Funnel(company, targets, str(path))
    for name in funnel.fitted:
        if name in company:
            raise sim.InputError(f"{path} [company]: '{name}' is fitted to a target; set one of the two")
    return funnel


def _check_target(path: Path, name: str, value: Any) -> float:
    if name not in TARGETS:
        raise sim.InputError(f"{path} [targets]: unknown target '{name}' (allowed: {', '.join(TARGETS)})")
    scale = TARGETS[name][0]
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok and (0 < value < 1 if scale == "share" else 0 < value <= (1 if scale == "rate" else math.inf)):
        return float(value)
    allowed = {"share": "in (0, 1)", "rate": "per year in (0, 1]", "volume": "> 0"}[scale]
    raise sim.InputError(f"{path} [targets]: '{name}' = {value!r} is invalid (allowed: {allowed})")


def outcome(summary: dict[str, float], key: str, weeks: int) -> float:
    """A target's value in one run; `leads_per_week` is marketing's own leads over the whole run."""
    if key == "leads_per_week":
        return (summary["leads_generated_total"] - summary["leads_bought_total"]) / weeks
    return summary[key]


def _transform(key: str, value: np.ndarray | float) -> np.ndarray:
    """Log-odds for shares, log for rates and volumes: residuals comparable across targets."""
    v = np.clip(np.asarray(value, dtype=float), 1e-6, None)
    if TARGETS[key][0] == "share":
        v = np.clip(v, None, 1 - 1e-6)
        return np.log(v / (1 - v))
    return np.log(v)


def _run(job: tuple[sim.RunSpec, np.random.SeedSequence]) -> dict[str, float]:
    run, seed = job
    return sim.run(run, seed=seed).summary


def base_run(funnel: Funnel, base: str | Path | Design, weeks: int) -> sim.RunSpec:
    """The base design with the company's facts set, resolved for `weeks`: what every evaluation
    runs, refused (say, facts impossible with the design's pay rule) before any run starts."""
    design = sim.get_design(base)
    values = {**design.values, **funnel.company}
    return sim.resolve(
        Design(design.name, design.description, values, design.interventions, design.source), weeks=weeks
    )


def calibrate(
    funnel: Funnel,
    base: str | Path | Design = "siloed",
    *,
    replications: int = 6,
    root: int = 0,
    weeks: int = 156,
    executor: Executor | None = None,
    rounds: int = 3,
    damping: float = 0.8,
    max_nfev: int = 4,
    on_evaluation: Callable[[int], None] | None = None,
) -> Fit:
    """Fit the constants paired with `funnel.targets`: damped fixed-point rounds, then least squares.

    The fixed-point rounds (each constant scaled by its target's ratio, as in the default company's
    calibration) are cheap and get close when the pairing dominates; least squares then accounts for
    the cross-effects (e.g. more leads also change lead -> opportunity). Every evaluation is N runs on
    the same seeds; `on_evaluation(runs)` reports progress.
    """
    from scipy.optimize import least_squares  # here: reading a funnel needs no scipy

    if weeks <= 52:
        raise sim.InputError(f"--weeks = {weeks} is invalid (allowed: > 52; year 1 is warm-up)")
    run = base_run(funnel, base, weeks)
    seeds = np.random.SeedSequence(root).spawn(replications)
    names, keys = funnel.fitted, list(funnel.targets)
    lo = np.log([max(spec(n).range[0], spec(n).range[1] * 1e-4) for n in names])
    hi = np.log([spec(n).range[1] for n in names])
    goal = np.array([_transform(k, funnel.targets[k]) for k in keys])
    cache: dict[tuple[float, ...], dict[str, np.ndarray]] = {}
    history: list[dict[str, float]] = []

    def measure(x: np.ndarray) -> dict[str, np.ndarray]:
        key = tuple(np.round(x, 12))
        if key not in cache:
            values = {n: float(np.exp(v)) for n, v in zip(names, x, strict=True)}
            at = sim.resolve(run.design, weeks=weeks, **values)  # once per evaluation, not per run
            jobs = [(at, s) for s in seeds]
            rows = list(executor.map(_run, jobs) if executor else map(_run, jobs))
            cache[key] = {k: np.array([outcome(r, k, weeks) for r in rows]) for k in keys}
            history.append(values)
            if on_evaluation:
                on_evaluation(len(jobs))
        return cache[key]

    def residuals(x: np.ndarray) -> np.ndarray:
        got = measure(x)
        return np.array([_transform(k, got[k].mean()) for k in keys]) - goal

    x = np.clip(np.log([max(getattr(run.params, n), math.exp(lo[i])) for i, n in enumerate(names)]), lo, hi)
    for _ in range(rounds):
        r = residuals(x)
        if np.all(np.abs(r) < 0.02):
            break
        steps: dict[str, list[float]] = {n: [] for n in names}
        for k, rk in zip(keys, r, strict=True):
            steps[TARGETS[k][1]].append(-rk)
        x = np.clip(x + damping * np.array([np.mean(steps[n]) for n in names]), lo, hi)
    x = np.clip(x, lo + 1e-9, hi - 1e-9)
    result = least_squares(
        residuals, x, bounds=(lo, hi), diff_step=0.05, x_scale=1.0, max_nfev=max_nfev, xtol=1e-3
    )
    best = min(cache, key=lambda k: float(np.sum(residuals(np.array(k)) ** 2)))
    values = {n: float(f"{math.exp(v):.4g}") for n, v in zip(names, best, strict=True)}
    outcomes = measure(np.log(list(values.values())))
    return Fit(values, dict(funnel.targets), outcomes, len(history), str(result.message), history)


def evaluations(names: Iterable[str], rounds: int = 3, max_nfev: int = 4) -> int:
    """An upper bound on evaluations (each N runs), for a progress bar's total."""
    k = len(list(names))
    return rounds + max_nfev * (k + 1) + 1


def design_toml(fit: Fit, funnel: Funnel, design: Design, *, name: str, header: str) -> str:
    """The company as a self-contained design file: the base design's levers and interventions, the
    company's facts, and the fitted constants, so `truce run` needs neither FUNNEL.toml nor the base."""
    values = {**design.values, **fit.values}
    table: dict[str, Any] = {"name": name, "description": f"{design.name}, calibrated to {funnel.source}"}
    for kind, home in (("lever", "levers"), ("uncertainty", "uncertainties")):
        table[home] = {n: v for n, v in values.items() if spec(n).kind == kind}
    if design.interventions:
        table["interventions"] = [iv.to_dict() for iv in design.interventions]
    return "".join(f"# {line}\n" for line in header.splitlines()) + tomli_w.dumps(table)
