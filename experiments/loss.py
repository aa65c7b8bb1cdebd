"""The loss account: where a design's revenue (and profit) gap to the baseline comes from.

Every component is a count difference (design minus baseline, on the same seed) priced at a value
per unit measured in the baseline, so the bars read as "money the design gains (+) or loses (-)
through this channel". A residual bar makes the account add up exactly to the observed gap. The
method, formulas and limits are in docs/loss_account.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.stats import ok_runs, pairs, t_interval

#: Component -> label, in waterfall order (revenue account; the profit account adds the cost rows).
LABELS = {
    "lead_volume": "leads generated",
    "leads_leaked": "leads leaked in hand-off",
    "lead_qualification": "lead qualification (fit, response time)",
    "sales_capacity": "sales capacity (vacancies, ramp-up)",
    "prospecting": "self-sourced opportunities per sales FTE",
    "referrals": "referrals",
    "deals_lost": "deals lost beyond the baseline loss rate",
    "churn": "customers churned",
    "residual": "residual (timing, deal size, pipeline at horizon)",
    "coordination_costs": "coordination costs (managers, liaison, CRM)",
    "other_costs": "other costs (salaries, budget, commission, hiring)",
}
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


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def counts(frame: pd.DataFrame, suffix: str = "") -> pd.DataFrame:
    """The funnel counts of each run (columns of `frame` with `suffix`), whole-run totals.

    Qualified leads are `leads_qualified_total` when the summary has it; otherwise they are estimated
    from `mql_to_opportunity` (measured after the warm-up year) times the marketing leads generated.
    Self-sourced opportunities are what is left of all opportunities after qualified leads and
    referrals (each referral opens an opportunity directly).
    """

    def col(name: str) -> np.ndarray:
        return frame[name + suffix].to_numpy(dtype=float)

    generated = col("leads_generated_total")
    if "leads_qualified_total" + suffix in frame:
        qualified = col("leads_qualified_total")
    else:
        qualified = col("mql_to_opportunity") * (generated - col("leads_bought_total"))
    opportunities = col("opportunities_created_total")
    return pd.DataFrame(
        {
            "revenue": col("total_revenue"),
            "profit": col("profit"),
            "customers_start": col("customers_end") - col("deals_won_total") + col("churned_total"),
            "customers_end": col("customers_end"),
            "generated": generated,
            "leaked": col("leads_leaked_total"),
            "accepted": col("leads_accepted_total"),
            "qualified": qualified,
            "opportunities": opportunities,
            "referrals": col("referrals_total"),
            "self_sourced": opportunities - qualified - col("referrals_total"),
            "won": col("deals_won_total"),
            "lost": col("deals_lost_total"),
            "churned": col("churned_total"),
            "sales_fte_weeks": col("sales_capacity_fte_total"),
            "coordination_costs": col("coordination_cost_total"),
            "costs": col("costs_total"),
        }
    )


@dataclass(frozen=True)
class Rates:
    """Baseline yields, pooled over the baseline's ok runs (ratios of totals, 0 if undefined)."""

    customer: float  # revenue of one customer gained (or kept) mid-run
    qualified_per_accepted: float
    won_per_opportunity: float
    lost_per_opportunity: float
    self_sourced_per_fte_week: float

    @classmethod
    def of(cls, c: pd.DataFrame) -> Rates:
        """A customer won or lost at a uniformly random week is on the books for half the horizon on
        average, and the mean book is about (start + end) / 2 customers, so one customer is worth
        revenue / (start + end) customers; the horizon cancels out."""
        s = c.sum()
        return cls(
            customer=_ratio(s["revenue"], s["customers_start"] + s["customers_end"]),
            qualified_per_accepted=_ratio(s["qualified"], s["accepted"]),
            won_per_opportunity=_ratio(s["won"], s["opportunities"]),
            lost_per_opportunity=_ratio(s["lost"], s["opportunities"]),
            self_sourced_per_fte_week=_ratio(s["self_sourced"], s["sales_fte_weeks"]),
        )

    @property
    def opportunity(self) -> float:
        """Revenue of one more opportunity at the baseline's conversion."""
        return self.customer * self.won_per_opportunity

    @property
    def lead(self) -> float:
        """Revenue of one more accepted lead: qualified, then converted, at baseline rates."""
        return self.opportunity * self.qualified_per_accepted


def components(d: pd.DataFrame, b: pd.DataFrame, r: Rates) -> dict[str, tuple[np.ndarray, float]]:
    """Per pair, each revenue component's count difference and its signed value per unit.

    Volumes are priced at the baseline yield; rate channels count only the excess over what the
    baseline rate predicts from the design's own volume (e.g. lost deals beyond lost-per-opportunity
    times the extra opportunities), so no won deal is counted twice along the funnel.
    """
    delta = d - b
    return {
        "lead_volume": (delta["generated"].to_numpy(), r.lead),
        "leads_leaked": (delta["leaked"].to_numpy(), -r.lead),
        "lead_qualification": (
            (delta["qualified"] - r.qualified_per_accepted * delta["accepted"]).to_numpy(),
            r.opportunity,
        ),
        "sales_capacity": (delta["sales_fte_weeks"].to_numpy(), r.opportunity * r.self_sourced_per_fte_week),
        "prospecting": (
            (delta["self_sourced"] - r.self_sourced_per_fte_week * delta["sales_fte_weeks"]).to_numpy(),
            r.opportunity,
        ),
        "referrals": (delta["referrals"].to_numpy(), r.opportunity),
        "deals_lost": (
            (delta["lost"] - r.lost_per_opportunity * delta["opportunities"]).to_numpy(),
            -r.customer,
        ),
        "churn": (delta["churned"].to_numpy(), -r.customer),
    }


def _row(
    design: str,
    account: str,
    name: str,
    kind: str,
    units: np.ndarray | None,
    unit_value: float,
    values: np.ndarray,
) -> dict[str, Any]:
    """One line of the account: mean count difference, value per unit, mean value and its 95% CI."""
    mean, _sd, low, high = t_interval(values)
    return {
        "design": design,
        "account": account,
        "component": name,
        "label": LABELS.get(name, "observed gap"),
        "kind": kind,
        "n_pairs": values.size,
        "units": float(np.mean(units)) if units is not None else float("nan"),
        "unit_value": unit_value,
        "value": mean,
        "ci_low": low,
        "ci_high": high,
    }


def _design_account(design: str, joined: pd.DataFrame, r: Rates) -> list[dict[str, Any]]:
    d, b = counts(joined), counts(joined, "_base")
    parts = components(d, b, r)
    values = {name: units * unit for name, (units, unit) in parts.items()}
    gap = (d["revenue"] - b["revenue"]).to_numpy()
    values["residual"] = gap - np.sum(list(values.values()), axis=0)
    rows = [_row(design, "revenue", n, "component", *parts[n], values[n]) for n in parts]
    rows.append(_row(design, "revenue", "residual", "residual", None, float("nan"), values["residual"]))
    rows.append(_row(design, "revenue", "gap", "total", None, float("nan"), gap))
    costs = {
        "coordination_costs": (d["coordination_costs"] - b["coordination_costs"]).to_numpy(),
        "other_costs": (
            (d["costs"] - d["coordination_costs"]) - (b["costs"] - b["coordination_costs"])
        ).to_numpy(),
    }
    for name in [*parts, "residual"]:
        kind = "residual" if name == "residual" else "component"
        units, unit = parts.get(name, (None, float("nan")))
        rows.append(_row(design, "profit", name, kind, units, unit, values[name]))
    for name, delta in costs.items():
        rows.append(_row(design, "profit", name, "component", delta, -1.0, -delta))
    profit_gap = (d["profit"] - b["profit"]).to_numpy()
    rows.append(_row(design, "profit", "gap", "total", None, float("nan"), profit_gap))
    return rows


def loss_account(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """The revenue and profit accounts of every other design against `baseline`, over paired seeds.

    Returns tidy rows (design, account "revenue" | "profit", component, label, kind "component" |
    "residual" | "total", n_pairs, units = mean count difference, unit_value = signed baseline value
    per unit, value = mean money effect, ci_low/ci_high = 95% t interval over pairs). Per pair the
    components plus the residual equal the gap exactly, hence so do their means.

    Raises:
        ValueError: the baseline design has no ok runs.
    """
    base = ok_runs(runs)
    base = base[base["design"] == baseline]
    if base.empty:
        raise ValueError(f"baseline design {baseline!r} has no ok runs")
    rates = Rates.of(counts(base))
    rows = []
    for design in runs["design"].unique():
        if design != baseline:
            rows += _design_account(design, pairs(runs, design, baseline), rates)
    return pd.DataFrame(rows, columns=COLUMNS)
