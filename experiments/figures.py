"""Plotly figures of the experiment report: time series with CI bands, loss waterfalls, sensitivity bars.

Each function returns a `plotly.graph_objects.Figure` built from the tidy tables of `stats`, `loss` and
`sensitivity`; `report` embeds them with one shared copy of plotly.js.
"""

from __future__ import annotations

import textwrap
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
    titles = [t.replace(" (", "<br>(", 1) for t in panels]  # unit on its own line: titles never overlap
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.06, vertical_spacing=0.16
    )
    fig.update_annotations(font_size=13)
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
    fig.update_layout(height=340 * rows, margin={"t": 60, "b": 30}, legend={"orientation": "h", "y": -0.1})
    fig.update_xaxes(title_text="week", row=rows)
    return fig


def _money(x: float) -> str:
    """A bar's label: signed euros in M or k, three significant digits."""
    for size, suffix in ((1e6, " M"), (1e3, " k")):
        if abs(x) >= size:
            return f"{x / size:+.3g}{suffix}".replace("-", "\u2212")
    return f"{x:+.3g}".replace("-", "\u2212")


def waterfall(account: pd.DataFrame, design: str, baseline: str) -> go.Figure:
    """The revenue and profit accounts of `design` against `baseline` as two horizontal waterfalls.

    Channels read top-down on one shared axis of labels (the cost channels only in the profit account),
    the observed gap last.
    """
    mine = account[account["design"] == design]
    order = list(
        dict.fromkeys(mine.assign(last=mine["kind"] == "total").sort_values("last", kind="stable")["label"])
    )
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[f"revenue gap to {baseline}", f"profit gap to {baseline}"],
        shared_yaxes=True,
        horizontal_spacing=0.06,
    )
    for col, name in enumerate(("revenue", "profit"), start=1):
        rows = mine[mine["account"] == name]
        measure = ["total" if kind == "total" else "relative" for kind in rows["kind"]]
        fig.add_trace(
            go.Waterfall(
                orientation="h",
                y=rows["label"].tolist(),
                x=[0.0 if m == "total" else v for m, v in zip(measure, rows["value"], strict=True)],
                measure=measure,
                text=[_money(v) for v in rows["value"]],
                textposition="outside",
                cliponaxis=False,
                name=name,
                showlegend=False,
                hovertemplate="%{y}<br>%{text} EUR<extra></extra>",
            ),
            row=1,
            col=col,
        )
        # Room on both sides for the labels outside the bars: they never run into the channel names.
        steps = [v for m, v in zip(measure, rows["value"], strict=True) if m != "total"]
        ends = [*np.cumsum(steps), *rows.loc[rows["kind"] == "total", "value"]]
        low, high = min(0.0, *ends), max(0.0, *ends)
        pad = 0.3 * (high - low or 1.0)
        fig.update_xaxes(range=[low - pad, high + pad], row=1, col=col)
    fig.update_layout(
        height=140 + 30 * len(order),
        margin={"t": 70, "b": 50, "l": 10, "r": 60},
        title_text=f"loss account: {design}",
        title_x=0.01,
        title_xref="container",
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=order, autorange="reversed", automargin=True, ticklabelstandoff=8
    )
    fig.update_xaxes(title_text="EUR (+ = design earns more)", zeroline=True, zerolinecolor="#888")
    return fig


def sensitivity_bars(table: pd.DataFrame, design: str) -> go.Figure:
    """Per outcome, the main index per parameter (Morris mu*, Sobol S1 and ST) with its confidence."""
    table = table[table["design"] == design]
    method = table["method"].iloc[0]
    shown = ["mu_star"] if method == "morris" else ["S1", "ST"]
    outcomes = list(dict.fromkeys(table["outcome"]))
    names = list(dict.fromkeys(table["parameter"]))
    # Titles wrapped to the width of a panel, so neighbours never run into each other.
    titles = ["<br>".join(textwrap.wrap(str(o), 14)) for o in outcomes]
    fig = make_subplots(rows=1, cols=len(outcomes), subplot_titles=titles, shared_yaxes=True)
    fig.update_annotations(font_size=13)
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
        margin={"t": 100},
    )
    fig.update_yaxes(autorange="reversed", automargin=True, ticklabelstandoff=6)
    fig.update_xaxes(nticks=4)
    return fig
