"""The per-run summary: annual rates and totals computed from the weekly record (`sim.record`).

Ratios with a zero denominator are 0, so no value is NaN or infinite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outcomes import TOTALS, WEEKS_LEFT, weekly_names

COLUMNS = weekly_names()


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def summary(weekly: pd.DataFrame | np.ndarray) -> dict[str, float]:
    """Per-run outcomes as CALIBRATION.md defines them: annual rates over weeks 53.. (year 1 is
    warm-up) when the run is longer than a year, otherwise over the whole run.

    `weekly` is the weekly frame (indexed by week) or the model's weekly table (`sim.record.WEEK`
    rows, the first for week 1)."""
    if isinstance(weekly, pd.DataFrame):
        weeks = weekly.index.to_numpy()
        whole = {name: weekly[name].to_numpy() for name in _READ}
    else:
        weeks = np.arange(1, weekly.size + 1)
        whole = {name: weekly[name] for name in _READ}
    late = weeks > 52 if weeks.size > 52 else np.ones(weeks.size, dtype=bool)
    w = {name: values[late] for name, values in whole.items()}
    years = int(late.sum()) / 52

    def annual(flow: str, stock: str) -> float:
        return _ratio(w[flow].sum(), w[stock].mean() * years)

    # Marketing's own leads that left the hand-off queue in the window, taken or leaked: the shares of
    # its leads below count over these same leads, so neither can exceed 1 (leads still queued at the
    # end, and the queue the run starts with, are in no share until they leave it).
    leaked = (w["leads_leaked"] - w["leads_leaked_bought"]).sum()
    resolved = leaked + (w["leads_accepted"] - w["leads_accepted_bought"]).sum()
    out = {
        "total_revenue": float(whole["revenue"].sum()),
        "profit": float(whole["profit"].sum()),
        "annual_churn_rate": annual("churned", "customers"),
        "sales_turnover_annual": annual("quits_sales", "headcount_sales"),
        "marketing_turnover_annual": annual("quits_marketing", "headcount_marketing"),
        "service_turnover_annual": annual("quits_service", "headcount_service"),
        # Marketing's own leads only: bought leads leak at their own rate (validation compares them).
        "lead_leakage_share": _ratio(leaked, resolved),
        "mql_to_opportunity": _ratio(w["opportunities_created_marketing"].sum(), resolved),
        "win_rate": _ratio(w["deals_won"].sum(), (w["deals_won"] + w["deals_lost"]).sum()),
        "reps_at_quota_share": _ratio(w["rep_quarters_at_quota"].sum(), w["rep_quarters"].sum()),
        "mean_satisfaction": float(w["satisfaction"].mean()),
        "alignment_index": float(w["alignment_index"].mean()),
        "lead_response_hours": _ratio(
            (w["lead_response_hours"] * w["leads_accepted"]).sum(), w["leads_accepted"].sum()
        ),
        "customers_end": float(whole["customers"][-1]),
        "deals_won": float(whole["deals_won"].sum()),
        "targeting_accuracy_end": float(whole["targeting_accuracy"][-1]),
        "mean_trust": float(w["trust"].mean()),
        "blame_events_annual": _ratio(w["blame_events"].sum(), years),
        "referrals": float(whole["referrals"].sum()),
    }
    # Whole-run totals of the flows the loss account prices (experiments compares them across designs).
    for flow in TOTALS:
        out[f"{flow}_total"] = float(whole[flow].sum())
    # The loss account's time weights: what a week's flow brings is on the book for the week-ends left.
    out["customer_weeks_total"] = float(whole["customers"].sum())
    left = (weeks[-1] - weeks + 1).astype(float) if weeks.size else weeks.astype(float)
    for flow in WEEKS_LEFT:
        out[f"{flow}_weeks_left"] = float(whole[flow] @ left)
    return out


#: The weekly columns `summary` reads.
_READ = tuple(
    dict.fromkeys(
        (
            "revenue",
            "profit",
            "churned",
            "customers",
            "quits_sales",
            "headcount_sales",
            "quits_marketing",
            "headcount_marketing",
            "quits_service",
            "headcount_service",
            "leads_leaked",
            "leads_leaked_bought",
            "leads_accepted_bought",
            "opportunities_created_marketing",
            "deals_won",
            "deals_lost",
            "rep_quarters_at_quota",
            "rep_quarters",
            "satisfaction",
            "alignment_index",
            "lead_response_hours",
            "leads_accepted",
            "targeting_accuracy",
            "trust",
            "blame_events",
            "referrals",
            *TOTALS,
            *WEEKS_LEFT,
        )
    )
)
