"""The "why" panel: B's revenue (or profit) gap to A as a waterfall of the loss account's channels.

`sim.loss_account` splits the gap between two runs into channels (leads leaked, win rate, churn, ...;
docs/loss_account.md), from the two runs' summaries. Here both summaries are of the weeks both runs
have so far (`sim.summary` of each weekly record, cut to the lower week count), so the gap bar is
exactly the difference of the cumulative revenues the big numbers show. The residual, zero for one
pair (up to rounding), is left out; the last bar is plotly.js's own sum of the bars above it.

Built with the other charts' figures, once per redraw (a few milliseconds at week 260), and drawn
whole by the same chart widget: the values change every week, so there is nothing to append.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import accumulate

import pandas as pd

import sim
from dashboards.figures import BLUE, FAST_TICKS, GREEN, VERMILLION, Figure
from dashboards.i18n import Translator
from dashboards.session import Run

#: The accounts the panel can show, the first by default.
ACCOUNTS = ("revenue", "profit")
#: A component of the account the chart leaves out: zero for one pair (sim/loss.py).
LEFT_OUT = ("residual",)
#: The share of the bars' span added on each side of the value axis, for the values written there.
PAD = 0.16


@cache
def _empty() -> pd.DataFrame:
    """The accounts of two runs with no week yet: every bar 0, in the same order as later."""
    zero = {o.name: 0.0 for o in sim.outcomes() if o.scope == "summary"}
    return sim.loss_account(zero, zero)


def account(runs: Sequence[Run]) -> tuple[pd.DataFrame, int]:
    """The loss account of B against A over the weeks both have (the lower count if they differ),
    and that week."""
    a, b = runs[0], runs[1]
    weeks = min(a.model.week, b.model.week)
    if weeks == 0:
        return _empty(), 0
    design, baseline = (sim.summary(run.weekly().iloc[:weeks]) for run in (b, a))
    return sim.loss_account(design, baseline), weeks


def waterfall(table: pd.DataFrame, kind: str, t: Translator, title: str) -> Figure:
    """A horizontal waterfall of one account of `sim.loss_account`'s table, bars in its order.

    Bars are labelled in the page's language (`why.<component>`, with a longer `why.<component>_tip`
    on hover) and carry their value in euros; the last, the gap, is the sum of the others.
    """
    rows = table[(table["account"] == kind) & ~table["component"].isin(LEFT_OUT)]
    names = rows["component"].tolist()
    values = [round(float(v), 2) + 0.0 for v in rows["value"]]  # + 0.0: no minus zero from a rounded -0.001
    shown = [t.signed(t.money(round(v)), round(v)) for v in values]
    labels = [t(f"why.{name}") for name in names]
    hover = [
        f"<b>{label}</b><br>{t(f'why.{name}_tip')}<br>{text}"
        for name, label, text in zip(names, labels, shown, strict=True)
    ]
    trace = {
        "type": "waterfall",
        "orientation": "h",
        "measure": ["total" if name == "gap" else "relative" for name in names],
        "y": labels,
        "x": values,
        "text": shown,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>",
        "increasing": {"marker": {"color": GREEN}},
        "decreasing": {"marker": {"color": VERMILLION}},
        "totals": {"marker": {"color": BLUE}},
        "connector": {"line": {"color": "#999999", "width": 1}},
        "showlegend": False,
    }
    # The bars' span from zero, widened so the values written beyond the longest bars stay inside the
    # plot (plotly.js's own range leaves no room for them: they would cover the bars' labels).
    ends = list(accumulate(v for v, name in zip(values, names, strict=True) if name != "gap"))
    lo, hi = min(0.0, *ends), max(0.0, *ends)
    pad = PAD * (hi - lo or 1.0)
    layout = {
        "separators": t.separators,
        "font": {"size": 16, "color": "#222"},
        "margin": {"l": 10, "r": 20, "t": 6, "b": 56},  # b: the tick labels and the axis title
        "xaxis": {
            "title": {"text": t("why.axis")},
            "gridcolor": "#e5e5e5",
            "zeroline": True,
            "zerolinecolor": "#888888",  # light and thin: the values written across it stay legible
            "zerolinewidth": 1,
            "layer": "below traces",
            "range": [lo - pad, hi + pad],
            **FAST_TICKS,
        },
        # The labels' room is measured (their length depends on the language); every label is shown.
        "yaxis": {
            "autorange": "reversed",
            "automargin": True,
            "ticksuffix": "  ",
            "ticklabeloverflow": "allow",
            "tickangle": 0,
        },
        "showlegend": False,
        "hovermode": "closest",
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
    }
    return {"title": title, "data": [trace], "layout": layout}


def why(runs: Sequence[Run], t: Translator, kind: str = "revenue") -> Figure:
    """B against A, in `kind`'s account ("revenue" or "profit"), up to the week both have reached."""
    table, weeks = account(runs)
    names = {"a": t.design_name(runs[0].design), "b": t.design_name(runs[1].design)}
    span = t("why.weeks", week=weeks) if weeks else t("why.no_weeks")
    title = t(f"why.title_{kind}", **names, weeks=span)
    return waterfall(table, kind, t, title)
