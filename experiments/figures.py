"""Plotly figures of the experiment report: time series with CI bands, loss waterfalls, sensitivity bars.

Each function returns a `plotly.graph_objects.Figure` built from the tidy tables of `stats`, `loss` and
`sensitivity`; `report` embeds them with one shared copy of plotly.js.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots
from scipy import stats

from sim import Outcome
from sim.outcomes import outcome as declared

#: Weeks over which the turnover panels count quits (a quarter), annualised.
TURNOVER_WINDOW = 13


def _column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    def get(weekly: pd.DataFrame) -> pd.Series:
        return weekly[name]

    return get


def _turnover(department: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Annualised quits / headcount over the trailing quarter, per run (weekly quits are 0 or 1)."""

    def get(weekly: pd.DataFrame) -> pd.Series:
        by_run = weekly.groupby("run_id", sort=False)
        quits = by_run[f"quits_{department}"].transform(lambda s: s.rolling(TURNOVER_WINDOW, 1).sum())
        heads = by_run[f"headcount_{department}"].transform(lambda s: s.rolling(TURNOVER_WINDOW, 1).mean())
        weeks = by_run["week"].transform(lambda s: np.minimum(np.arange(1, s.size + 1), TURNOVER_WINDOW))
        return (quits / heads.where(heads > 0) * 52 / weeks).fillna(0.0)

    return get


def _title(shown: Outcome, note: str = "") -> str:
    """A panel's title: what it shows as the outcome declaration describes it, and its unit."""
    return f"{shown.description} ({note or shown.unit})"


#: Panel title -> (weekly columns it needs, how to compute it from the weekly table).
PANELS: dict[str, tuple[tuple[str, ...], Callable[[pd.DataFrame], pd.Series]]] = {
    **{
        _title(declared(name, "weekly")): ((name,), _column(name))
        for name in ("revenue", "customers", "churned")
    },
    **{
        _title(declared(f"{dept}_turnover_annual", "summary"), f"annualised, last {TURNOVER_WINDOW} weeks"): (
            (f"quits_{dept}", f"headcount_{dept}"),
            _turnover(dept),
        )
        for dept in ("sales", "marketing", "service")
    },
}


def colours(designs: list[str]) -> dict[str, str]:
    palette = qualitative.Plotly
    return {d: palette[i % len(palette)] for i, d in enumerate(designs)}


def _band(values: pd.DataFrame) -> pd.DataFrame:
    """Per design and week: mean and 95% t interval over runs (no band where only one run)."""
    g = values.groupby(["design", "week"], sort=False)["value"].agg(["mean", "std", "count"]).reset_index()
    half = stats.t.ppf(0.975, np.maximum(g["count"] - 1, 1)) * g["std"] / np.sqrt(g["count"])
    return g.assign(low=g["mean"] - half, high=g["mean"] + half)


def time_series(weekly: pd.DataFrame, design_of: pd.Series, panels: list[str]) -> go.Figure:
    """Designs side by side: each panel's mean over runs per week with its 95% CI band.

    `design_of` maps run_id to design (ok runs only; other runs are left out).
    """
    weekly = weekly[weekly["run_id"].isin(design_of.index)]
    designs = list(dict.fromkeys(design_of))
    colour = colours(designs)
    cols = 3
    rows = -(-len(panels) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=panels, horizontal_spacing=0.06)
    for k, title in enumerate(panels):
        values = pd.DataFrame(
            {
                "design": weekly["run_id"].map(design_of),
                "week": weekly["week"],
                "value": PANELS[title][1](weekly),
            }
        )
        band = _band(values)
        for design in designs:
            b = band[band["design"] == design]
            x = b["week"].tolist()
            where = {"row": k // cols + 1, "col": k % cols + 1}
            fig.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=b["high"].tolist() + b["low"].tolist()[::-1],
                    fill="toself",
                    fillcolor=colour[design],
                    opacity=0.2,
                    line={"width": 0},
                    hoverinfo="skip",
                    legendgroup=design,
                    showlegend=False,
                ),
                **where,
            )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=b["mean"],
                    name=design,
                    line={"color": colour[design], "width": 2},
                    legendgroup=design,
                    showlegend=k == 0,
                ),
                **where,
            )
    fig.update_layout(height=330 * rows, margin={"t": 40, "b": 30}, legend={"orientation": "h", "y": -0.08})
    fig.update_xaxes(title_text="week", row=rows)
    return fig


def waterfall(account: pd.DataFrame, design: str, baseline: str) -> go.Figure:
    """The revenue and profit accounts of `design` against `baseline` as two waterfalls."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[f"revenue gap to {baseline}", f"profit gap to {baseline}"],
        horizontal_spacing=0.12,
    )
    for col, name in enumerate(("revenue", "profit"), start=1):
        rows = account[(account["design"] == design) & (account["account"] == name)]
        measure = ["total" if kind == "total" else "relative" for kind in rows["kind"]]
        fig.add_trace(
            go.Waterfall(
                x=rows["label"].tolist(),
                y=[0.0 if m == "total" else v for m, v in zip(measure, rows["value"], strict=True)],
                measure=measure,
                text=[f"{v:+,.0f}" for v in rows["value"]],
                textposition="outside",
                name=name,
                showlegend=False,
                hovertemplate="%{x}<br>%{text} EUR<extra></extra>",
            ),
            row=1,
            col=col,
        )
    fig.update_layout(height=600, margin={"t": 90, "b": 200}, title_text=f"loss account: {design}")
    fig.update_xaxes(tickangle=-40)
    fig.update_yaxes(title_text="EUR (+ = design earns more)", col=1)
    return fig


def sensitivity_bars(table: pd.DataFrame, design: str) -> go.Figure:
    """Per outcome, the main index per parameter (Morris mu*, Sobol S1 and ST) with its confidence."""
    table = table[table["design"] == design]
    method = table["method"].iloc[0]
    shown = ["mu_star"] if method == "morris" else ["S1", "ST"]
    outcomes = list(dict.fromkeys(table["outcome"]))
    names = list(dict.fromkeys(table["parameter"]))
    fig = make_subplots(rows=1, cols=len(outcomes), subplot_titles=outcomes, shared_yaxes=True)
    palette = qualitative.Plotly
    for col, outcome in enumerate(outcomes, start=1):
        for i, index in enumerate(shown):
            rows = table[(table["outcome"] == outcome) & (table["index"] == index)]
            fig.add_trace(
                go.Bar(
                    y=rows["parameter"],
                    x=rows["value"],
                    error_x={"type": "data", "array": rows["conf"].fillna(0).tolist()},
                    orientation="h",
                    name=index,
                    marker_color=palette[i],
                    legendgroup=index,
                    showlegend=col == 1,
                ),
                row=1,
                col=col,
            )
    fig.update_layout(
        height=max(300, 60 + 22 * len(names) * len(shown)),
        barmode="group",
        title_text=f"{method} sensitivity: {design}",
        margin={"t": 60},
    )
    fig.update_yaxes(autorange="reversed")
    return fig
