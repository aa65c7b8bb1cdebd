"""The loss account of an experiment: every design's revenue and profit gap to the baseline, by channel,
over paired replications.

The arithmetic is the model's (`sim.loss`, which the dashboard uses for one live pair); here the
baseline's yields are pooled over all its ok runs, each pair (same point and replication, common
random numbers) is decomposed, and every bar gets the mean over pairs with a 95 % t interval. The
method, formulas and limits are in docs/loss_account.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.stats import ok_runs, pairs, t_interval
from sim.loss import KEYS, LABELS, Rates, components, values

COLUMNS = [
    "design",
    "account",
    "component",
    "label",
    "kind",
    "n_pairs",
    "units",
    "unit_value",
    "value",
    "ci_low",
    "ci_high",
]


def _row(
    design: str, account: str, name: str, kind: str, units: Any, unit_value: Any, money: np.ndarray
) -> dict[str, Any]:
    """One line of the account: mean units, mean value per unit, mean money and its 95 % CI."""
    mean, _sd, low, high = t_interval(money)
    return {
        "design": design,
        "account": account,
        "component": name,
        "label": LABELS.get(name, "observed gap"),
        "kind": kind,
        "n_pairs": money.size,
        "units": float(np.mean(units)),
        "unit_value": float(np.mean(unit_value)),
        "value": mean,
        "ci_low": low,
        "ci_high": high,
    }


def _design_account(design: str, joined: pd.DataFrame, r: Rates) -> list[dict[str, Any]]:
    mine = {key: joined[key].to_numpy(dtype=float) for key in KEYS}
    base = {key: joined[f"{key}_base"].to_numpy(dtype=float) for key in KEYS}
    parts, money = components(mine, base, r), values(mine, base, r)
    nan = float("nan")
    revenue = [(n, "component", *parts[n]) for n in parts] + [("residual", "residual", nan, nan)]
    rows = [_row(design, "revenue", n, kind, u, v, money[n]) for n, kind, u, v in revenue]
    rows.append(_row(design, "revenue", "gap", "total", nan, nan, money["gap"]))
    rows += [_row(design, "profit", n, kind, u, v, money[n]) for n, kind, u, v in revenue]
    coordination = mine["coordination_cost_total"] - base["coordination_cost_total"]
    other = (mine["costs_total"] - mine["coordination_cost_total"]) - (
        base["costs_total"] - base["coordination_cost_total"]
    )
    for name, delta in (("coordination_costs", coordination), ("other_costs", other)):
        rows.append(_row(design, "profit", name, "component", delta, -1.0, -delta))
    rows.append(_row(design, "profit", "gap", "total", nan, nan, mine["profit"] - base["profit"]))
    return rows


def recorded(runs: pd.DataFrame) -> bool:
    """Whether the runs carry every total the account reads (results written before issue 15 do not)."""
    return all(key in runs for key in KEYS)


def loss_account(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """The revenue and profit accounts of every other design against `baseline`, over paired seeds.

    Returns tidy rows (design, account "revenue" | "profit", component, label, kind "component" |
    "residual" | "total", n_pairs, units = mean difference in weeks left (or in revenue per
    customer-week), unit_value = mean signed value per unit, value = mean money effect,
    ci_low/ci_high = 95 % t interval over pairs). Per pair the components plus the residual equal the
    gap exactly, hence so do their means; the residual is only the difference of the starting books.

    Raises:
        ValueError: the baseline design has no ok runs, or the runs predate the weeks-left totals.
    """
    base = ok_runs(runs)
    base = base[base["design"] == baseline]
    if base.empty:
        raise ValueError(f"baseline design {baseline!r} has no ok runs")
    if not recorded(runs):
        missing = next(key for key in KEYS if key not in runs)
        raise ValueError(f"the runs have no {missing} (recorded since issue 15): run the sweep again")
    rates = Rates.of({key: base[key].to_numpy(dtype=float) for key in KEYS})
    rows = []
    for design in runs["design"].unique():
        if design != baseline:
            rows += _design_account(design, pairs(runs, design, baseline), rates)
    return pd.DataFrame(rows, columns=COLUMNS)
