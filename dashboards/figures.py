"""The live charts as plain plotly.js figure dicts, built from the runs' weekly records.

Plain dicts, not `plotly.graph_objects`: validation of graph objects costs more than the model's week,
and the browser's `Plotly.react` redraws only what changed. Colour names the series, line style the
design (A solid, B dashed), so overlaid designs read the same way on every chart. A weekly count that
is mostly noise at the model's scale (`SMOOTHED`) is drawn as its trailing quarterly average, the
raw weeks faint behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

from dashboards.i18n import Translator
from dashboards.session import Run

Figure = dict[str, Any]

#: Okabe-Ito colours: distinguishable for colour-blind viewers and on a washed-out projector.
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, GREY = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#555555",
)
DASH = {"A": "solid", "B": "dash"}
#: The margins leave room for every tick label, so plotly.js need not measure each label on every
#: redraw to hide those past the chart's edge (an eighth of a line chart's redraw, measured), nor to
#: choose an angle that keeps them apart (level labels never collide at these widths). Every label is
#: drawn again on every redraw: a few are plenty from across a room.
FAST_TICKS = {"ticklabeloverflow": "allow", "tickangle": 0, "nticks": 6}
#: Weeks are whole: the axis spans at least a quarter, so its ticks never fall between two weeks.
WEEK_TICKS = {"autorangeoptions": {"include": [0, 13]}}
DEPARTMENTS = (("marketing", ORANGE), ("sales", BLUE), ("service", GREEN))

#: Weekly counts (declared in `sim.outcomes`) that are noise at the model's scale: a few events a week
#: or fewer, so a week's value strays from its quarter's mean by 40 % or more (customers lost ~4 a week,
#: deals won ~7, deals lost ~20, referrals ~1; quits, hires and blame events under one). Wherever one
#: is drawn week by week, the chart shows its `trailing_mean` over `SMOOTHING_WEEKS` with the raw weeks
#: faint behind it. The only list of them; leads (~40-110 a week) and revenue are left as they are.
SMOOTHED = (
    "churned",
    "deals_won",
    "deals_lost",
    "referrals",
    "blame_events",
    *(f"{kind}_{dept}" for kind in ("quits", "hires") for dept, _ in DEPARTMENTS),
)
SMOOTHING_WEEKS = 13  # a quarter


def _series(run: Run, column: str) -> list[float]:
    return run.model.datacollector.model_vars[column].tolist()


def _cumulative(run: Run, column: str) -> list[float]:
    return list(accumulate(_series(run, column)))


def trailing_mean(values: Sequence[float], weeks: int = SMOOTHING_WEEKS) -> list[float]:
    """Each week's mean over itself and the `weeks - 1` before it (over the weeks so far, at first),
    to 3 decimals.

    Trailing, not centred: a week's mean never changes once drawn, so a live chart only appends points.
    """
    out, total = [], 0
    for i, value in enumerate(values):
        total += value
        if i >= weeks:
            total -= values[i - weeks]
        out.append(round(total / min(i + 1, weeks), 3))
    return out


def _faint(colour: str, alpha: float = 0.35) -> str:
    """A "#rrggbb" colour as a translucent rgba()."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _line(
    run: Run, runs: Sequence[Run], name: str, y: list[float], colour: str, width: float = 3, **extra: Any
) -> dict:
    """One trace; the design's letter joins the name only when two designs share the chart."""
    label = f"{name} · {run.label}" if len(runs) > 1 else name
    return {
        "type": "scatter",
        "mode": "lines",
        "name": label,
        "legendgroup": name,
        "showlegend": run.label == "A",  # the legend names each design's line style once
        "x": list(range(1, len(y) + 1)),
        "y": y,
        "line": {"color": colour, "width": width, "dash": DASH[run.label]},
        **extra,
    }


def _weekly(run: Run, runs: Sequence[Run], t: Translator, column: str, name: str, colour: str) -> list[dict]:
    """A weekly column's line; one of `SMOOTHED` as its trailing average over the raw weeks, drawn
    faint behind it. The legend and the hover say which line is which."""
    y = _series(run, column)
    if column not in SMOOTHED:
        return [_line(run, runs, name, y, colour)]
    raw = _line(run, runs, t("chart.each_week", name=name), y, _faint(colour), width=1.5)
    smooth = t("chart.smoothed", name=name, weeks=SMOOTHING_WEEKS)
    return [raw, _line(run, runs, smooth, trailing_mean(y), colour)]


def _right_line(run: Run, runs: Sequence[Run], t: Translator, name: str, y: list[float], colour: str) -> dict:
    """The chart's one series on a right axis, which its name says."""
    return _line(run, runs, t("chart.right_axis", name=name), y, colour, yaxis="y2")


def markers(runs: Sequence[Run], t: Translator) -> tuple[list[dict], list[dict]]:
    """Vertical lines and labels at the weeks interventions take effect (one label per week).

    An intervention made to both designs (the same kind and arguments in the same week) is labelled
    once; one made to a single design names it.
    """
    targets: dict[int, dict[str, tuple[str, set[str]]]] = {}
    for run in runs:
        for iv in run.markers():
            made = targets.setdefault(iv.week, {})
            same = repr(sorted(iv.to_dict().items()))
            made.setdefault(same, (t(f"iv.{iv.kind}"), set()))[1].add(run.label)
    shapes, notes = [], []
    for week, made in sorted(targets.items()):
        texts = [
            text if len(labels) == len(runs) else f"{text} ({min(labels)})" for text, labels in made.values()
        ]
        line = {"color": PURPLE, "width": 3, "dash": "dot"}
        shapes.append(
            {"type": "line", "x0": week, "x1": week, "yref": "paper", "y0": 0, "y1": 1, "line": line}
        )
        notes.append(
            {
                "x": week,
                "y": 1,
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "text": "<br>".join(dict.fromkeys(texts)),
                "showarrow": False,
                "font": {"size": 15, "color": PURPLE},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    return shapes, notes


def layout(t: Translator, runs: Sequence[Run], data: list[dict], counts: bool = False) -> dict:
    """What every time chart shares: big type, locale separators, intervention markers.

    No titles and no plotly.js legend: the page draws the chart's title above it and its legend
    below it once per figure (the figure's "title" and series names), and the series' names say
    what they count. plotly.js would redraw them on every week and move each axis title clear of
    the tick labels it measures first: together a third of a line chart's redraw (measured). A
    right axis is drawn for a series of `data` on it (`_right_line`), its tick labels in that
    series' colour. `counts`: the left axis counts people or events; it spans at
    least 0..5 so it never shows fractional ticks for the first few quits.
    """
    shapes, notes = markers(runs, t)
    right = next((trace["line"]["color"] for trace in data if trace.get("yaxis") == "y2"), "")
    out: dict[str, Any] = {
        "separators": t.separators,
        "font": {"size": 16, "color": "#222"},
        "margin": {"l": 60, "r": 70 if right else 30, "t": 14, "b": 30},
        "xaxis": {"rangemode": "tozero", "gridcolor": "#e5e5e5", **WEEK_TICKS, **FAST_TICKS},
        "yaxis": {"rangemode": "tozero", "gridcolor": "#e5e5e5", **FAST_TICKS},
        "showlegend": False,
        "hovermode": "x unified",
        "shapes": shapes,
        "annotations": notes,
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "uirevision": "keep",  # keep a facilitator's zoom while the model runs
    }
    if counts:
        out["yaxis"]["autorangeoptions"] = {"include": [0, 5]}
    if right:
        out["yaxis2"] = {
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            "tickfont": {"color": right},
            **FAST_TICKS,
        }
    return out


def _figure(runs: Sequence[Run], t: Translator, title: str, data: list[dict], layout: dict) -> Figure:
    """A time chart; side by side, `designs` names the line style of each design for the legend."""
    if len(runs) < 2:
        return {"title": title, "data": data, "layout": layout}
    designs = [{"name": f"{run.label}: {t.design_name(run.design)}", "dash": DASH[run.label]} for run in runs]
    return {"title": title, "data": data, "layout": layout, "designs": designs}


def revenue(runs: Sequence[Run], t: Translator) -> Figure:
    data = []
    for run in runs:
        data += _weekly(run, runs, t, "revenue", t("chart.revenue_weekly"), BLUE)
        cumulative = _series(run, "cumulative_revenue")
        data.append(_right_line(run, runs, t, t("chart.revenue_cumulative"), cumulative, VERMILLION))
    return _figure(runs, t, t("chart.revenue"), data, layout(t, runs, data))


def churn(runs: Sequence[Run], t: Translator) -> Figure:
    data = []
    for run in runs:
        data += _weekly(run, runs, t, "churned", t("chart.churned"), VERMILLION)
        data.append(_right_line(run, runs, t, t.outcome("customers"), _series(run, "customers"), BLUE))
    return _figure(runs, t, t("chart.churn"), data, layout(t, runs, data, counts=True))


def turnover(runs: Sequence[Run], t: Translator) -> Figure:
    data = [
        _line(run, runs, t(f"dept.{dept}"), _cumulative(run, f"quits_{dept}"), colour)
        for run in runs
        for dept, colour in DEPARTMENTS
    ]
    return _figure(runs, t, t("chart.turnover"), data, layout(t, runs, data, counts=True))


_FUNNEL = (
    ("leads_generated", BLUE),
    ("leads_accepted", SKY),
    ("opportunities_created", GREEN),
    ("deals_won", ORANGE),
    ("leads_leaked", VERMILLION),
)


def funnel(runs: Sequence[Run], t: Translator) -> Figure:
    data = [
        _line(run, runs, t.outcome(column), _cumulative(run, column), colour)
        for run in runs
        for column, colour in _FUNNEL
    ]
    return _figure(runs, t, t("chart.funnel"), data, layout(t, runs, data, counts=True))


def climate(runs: Sequence[Run], t: Translator) -> Figure:
    data = []
    for run in runs:
        data.append(_line(run, runs, t.outcome("trust"), _series(run, "trust"), PURPLE))
        for dept, colour in DEPARTMENTS:
            column = f"morale_{dept}"
            data.append(_line(run, runs, t.outcome(column), _series(run, column), colour))
        alignment = _series(run, "alignment_index")
        data.append(_right_line(run, runs, t, t.outcome("alignment_index"), alignment, GREY))
    # Trust and morale are shares (0-1), the alignment index has its own scale: a right axis.
    out = layout(t, runs, data)
    out["yaxis"]["range"] = [0, 1]
    out["yaxis2"]["range"] = [20, 100]  # the index's scale (sim/alignment.py)
    return _figure(runs, t, t("chart.climate"), data, out)


#: Chart name -> builder, in the order they appear on the page.
TIME_CHARTS: dict[str, Callable[[Sequence[Run], Translator], Figure]] = {
    "revenue": revenue,
    "churn": churn,
    "turnover": turnover,
    "funnel": funnel,
    "climate": climate,
}
