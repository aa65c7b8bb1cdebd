"""The per-run summary: annual rates and totals computed from the weekly record (`sim.record`).

Ratios with a zero denominator are 0, so no value is NaN or infinite.
"""

from __future__ import annotations

import pandas as pd

from sim.outcomes import TOTALS, weekly_names

COLUMNS = weekly_names()


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def summary(weekly: pd.DataFrame) -> dict[str, float]:
    """Per-run outcomes as CALIBRATION.md defines them: annual rates over weeks 53.. (year 1 is
    warm-up) when the run is longer than a year, otherwise over the whole run."""
    w = weekly[weekly.index > 52] if len(weekly) > 52 else weekly
    years = len(w) / 52

    def annual(flow: str, stock: str) -> float:
        return _ratio(w[flow].sum(), w[stock].mean() * years)

    out = {
        "total_revenue": float(weekly["revenue"].sum()),
        "profit": float(weekly["profit"].sum()),
        "annual_churn_rate": annual("churned", "customers"),
        "sales_turnover_annual": annual("quits_sales", "headcount_sales"),
        "marketing_turnover_annual": annual("quits_marketing", "headcount_marketing"),
        "service_turnover_annual": annual("quits_service", "headcount_service"),
        # Marketing's own leads only: bought leads leak at their own rate (validation compares them).
        "lead_leakage_share": _ratio(
            (w["leads_leaked"] - w["leads_leaked_bought"]).sum(),
            (w["leads_generated"] - w["leads_bought"]).sum(),
        ),
        "mql_to_opportunity": _ratio(
            w["opportunities_created_marketing"].sum(),
            (w["leads_generated"] - w["leads_bought"]).sum(),
        ),
        "win_rate": _ratio(w["deals_won"].sum(), (w["deals_won"] + w["deals_lost"]).sum()),
        "reps_at_quota_share": _ratio(w["rep_quarters_at_quota"].sum(), w["rep_quarters"].sum()),
        "mean_satisfaction": float(w["satisfaction"].mean()),
        "alignment_index": float(w["alignment_index"].mean()),
        "lead_response_hours": _ratio(
            (w["lead_response_hours"] * w["leads_accepted"]).sum(), w["leads_accepted"].sum()
        ),
        "customers_end": float(weekly["customers"].iloc[-1]),
        "deals_won": float(weekly["deals_won"].sum()),
        "targeting_accuracy_end": float(weekly["targeting_accuracy"].iloc[-1]),
        "mean_trust": float(w["trust"].mean()),
        "blame_events_annual": _ratio(w["blame_events"].sum(), years),
        "referrals": float(weekly["referrals"].sum()),
    }
    # Whole-run totals of the flows the loss account prices (experiments compares them across designs).
    for flow in TOTALS:
        out[f"{flow}_total"] = float(weekly[flow].sum())
    return out
