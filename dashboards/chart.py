"""`Chart`: a Plotly chart widget that redraws in place, fed plain plotly.js figure dicts.

Solara's `FigurePlotly` validates a `plotly.graph_objects` figure in Python and re-adds every trace on
each update (~27 ms per chart per frame, measured); a live dashboard with six charts then cannot keep
up with the model. This widget sends the JSON figure as it is and lets plotly.js diff it in the
browser (`Plotly.react`). A week usually only adds one point to each line: then just those points
travel (a few hundred bytes instead of a figure that grows to hundreds of kilobytes by week 260).

While the page is idle, a chart can also be `offer`ed the coming week's figure (computed ahead by
`Session.prepare`): the browser draws it into a hidden second plot, and when the Step that makes that
week arrives, it only swaps the two plots. plotly.js's redraw (about 20 ms a chart, a floor on this
machine) then happens before the click instead of between the click and the repaint.

A chart can instead show a `{"diagram": ...}`: SVG shapes laid out in Python (the hand-off Sankey,
`dashboards.sankey`), drawn directly without plotly.js and sent whole on every change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from dashboards.assets import plotly_url

#: The arrays a week may lengthen; a change anywhere else in a figure sends the whole figure.
GROWING = ("x", "y")


def _frame(figure: dict[str, Any]) -> list[Any]:
    """Everything of a figure but the growing arrays: the same frame means only points were added."""
    traces = [{k: v for k, v in trace.items() if k not in GROWING} for trace in figure["data"]]
    return [figure.get("title"), figure["layout"], figure.get("designs"), traces]


def _new_points(old: dict[str, Any], new: dict[str, Any]) -> list[list[list[Any]] | None] | None:
    """Per trace the [x, y] points appended since `old` (None: none), or None if not an append."""
    if "data" not in old or "data" not in new or _frame(old) != _frame(new):
        return None
    points: list[list[list[Any]] | None] = []
    for was, now in zip(old["data"], new["data"], strict=True):
        if not all(k in was and k in now for k in GROWING):
            points.append(None)
            continue
        n = len(was["x"])
        if len(now["x"]) < n or any(now[k][:n] != was[k] for k in GROWING):
            return None
        points.append([now[k][n:] for k in GROWING] if len(now["x"]) > n else None)
    return points


def _own_arrays(trace: dict[str, Any]) -> dict[str, Any]:
    """The trace with copies of its growing arrays."""
    return {**trace, **{k: list(trace[k]) for k in GROWING if k in trace}}


class Chart(anywidget.AnyWidget):
    """One chart; `show` a figure ({"title", "data", "layout"}) or a diagram ({"title", "diagram"})."""

    _esm = Path(__file__).with_name("chart.js")
    figure = traitlets.Dict().tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(340).tag(sync=True)
    plotly_url = traitlets.Unicode(plotly_url()).tag(sync=True)
    #: Whether the page's redraw after a step waits for this chart's update too (chart.js gathers
    #: them); off for a chart no step changes (the design maps), which would only delay the rest.
    gather = traitlets.Bool(True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: dict[str, Any] | None = None  # a copy of the figure the browser holds now
        self._rev = 0
        self._offered: tuple[int, int] | None = None  # (base revision, id of the figure) offered last
        self.on_msg(self._resync)

    def show(self, figure: dict[str, Any], rev: int) -> None:
        """Redraw with `figure`, labelled `rev`: only its new points if nothing else changed.

        The browser appends the points to the figure it holds, so it ends with the same figure a full
        send would give it.
        """
        points = None if self._shown is None else _new_points(self._shown, figure)
        if points is None:
            self.figure = {**figure, "rev": rev}
        else:
            # `offered`: these points are the ones offered on this base, so the browser may swap in
            # the plot it drew with them in advance.
            offered = self._offered == (self._rev, id(figure))
            self.send({"base": self._rev, "rev": rev, "points": points, "offered": offered})
        self._offered = None
        # A copy: the models keep appending to the lists the figure was built from.
        if "data" in figure:
            figure = {**figure, "data": [_own_arrays(trace) for trace in figure["data"]]}
        self._shown, self._rev = figure, rev

    def offer(self, figure: dict[str, Any]) -> None:
        """Let the browser draw `figure`, the coming week's, in advance (only the points it adds).

        `show` of this same figure object next tells the browser to swap it in; anything else shown
        first makes the offer stale, and the browser then draws as usual.
        """
        points = None if self._shown is None else _new_points(self._shown, figure)
        if points is None:  # not an append (nor a figure of lines): nothing to draw ahead
            return
        self.send({"offer": True, "base": self._rev, "points": points})
        self._offered = (self._rev, id(figure))

    def _resync(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        """The browser missed some points (they came before it was ready): send it everything."""
        if content.get("resync") and self._shown is not None:
            self.figure = {**self._shown, "rev": self._rev}
