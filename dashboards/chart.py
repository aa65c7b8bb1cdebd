"""`Chart`: a Plotly chart widget that redraws in place, fed plain plotly.js figure dicts.

Solara's `FigurePlotly` validates a `plotly.graph_objects` figure in Python and re-adds every trace on
each update (~27 ms per chart per frame, measured); a live dashboard with six charts then cannot keep
up with the model. This widget sends the JSON figure as it is and lets plotly.js diff it in the
browser (`Plotly.react`).
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from dashboards.assets import plotly_url


class Chart(anywidget.AnyWidget):
    """One chart; assign `figure` ({"data", "layout", "rev"}) to redraw it."""

    _esm = Path(__file__).with_name("chart.js")
    figure = traitlets.Dict().tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(340).tag(sync=True)
    plotly_url = traitlets.Unicode(plotly_url()).tag(sync=True)
