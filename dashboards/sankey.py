"""Who passes leads to whom: marketers to salespeople (or into the leak) as a Sankey diagram.

Link width is the number of marketing leads since the start; colour says accepted versus leaked.
People who left are pooled into one "former" node per department, so the diagram stays readable as
staff turn over during a long run.

The diagram is laid out here and drawn by the chart widget as plain SVG shapes (`Diagram`), not as a
plotly.js Sankey trace. The layout needs no search: two columns in a fixed order (people by id), each
node as tall as its flow, links stacked in the order of the nodes they join, so people keep their
places from week to week. plotly.js re-runs its iterative Sankey layout and rebuilds the diagram's
DOM on every update (~35 ms per diagram per step, measured; `Plotly.react` instead animates each change
for half a second), which alone took a quarter of the 150 ms a Step may take to repaint the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dashboards.figures import GREEN, ORANGE, VERMILLION, markers
from dashboards.i18n import Translator
from dashboards.session import Run

ACCEPTED = "rgba(0, 158, 115, 0.45)"
LEAKED = "rgba(213, 94, 0, 0.75)"
FORMER = -1  # the pooled node of people who have left

#: The drawing's frame, as shares of its width and height (the chart's title is above it): column
#: headings above the flows, the interventions listed below them.
TOP, BOTTOM = 0.1, 0.88
NODE_WIDTH = 0.022  # a node's thickness, of the chart's width
PAD = 0.006  # between two nodes of a column, of the chart's height
LEAK_GAP = 0.04  # sets the leak apart from the salespeople
PANEL_GAP = 0.04  # between the two designs' diagrams side by side
#: The thinnest link drawn (of the chart's height: under a pixel). In a long run most links
#: carry under half a pixel of leads: drawn to scale they would vanish and leave each marketer's
#: accepted leads as a blank gap, so they are drawn this wide, centred on their place in the stack
#: (which stays to scale) and translucent, so that the many leads spread thinly still show. Too thin
#: to point at, they carry no hover text and go into one SVG path per colour (hundreds of elements
#: fewer to rebuild on every step).
THINNEST = 0.0025


@dataclass(frozen=True)
class Node:
    label: str
    colour: str
    flow: int


@dataclass(frozen=True)
class Link:
    source: int  # index into the left column
    target: int  # index into the right column
    value: int
    leaked: bool


def _links(run: Run) -> tuple[Counter, Counter]:
    """Lead counts with people who left pooled under `FORMER`."""
    flow = run.model.lead_flow
    marketers = {m.unique_id for m in run.model.marketers()}
    sellers = {s.unique_id for s in run.model.salespeople()}
    accepted: Counter = Counter()
    for (m, s), n in flow["accepted"].items():
        accepted[(m if m in marketers else FORMER, s if s in sellers else FORMER)] += n
    leaked: Counter = Counter()
    for m, n in flow["leaked"].items():
        leaked[m if m in marketers else FORMER] += n
    return accepted, leaked


def graph(run: Run, t: Translator) -> tuple[list[Node], list[Node], list[Link]]:
    """Marketers (left), salespeople then the leak (right), and the leads between them."""
    accepted, leaked = _links(run)
    marketers = sorted({m for m, _ in accepted} | set(leaked), key=lambda m: (m == FORMER, m))
    sellers = sorted({s for _, s in accepted}, key=lambda s: (s == FORMER, s))
    left_index = {m: i for i, m in enumerate(marketers)}
    right_index = {s: i for i, s in enumerate(sellers)}
    links = [Link(left_index[m], right_index[s], n, False) for (m, s), n in accepted.items()]
    links += [Link(left_index[m], len(sellers), n, True) for m, n in leaked.items()]
    links.sort(key=lambda link: (link.source, link.target))
    out_flow, in_flow = Counter(), Counter()
    for link in links:
        out_flow[link.source] += link.value
        in_flow[link.target] += link.value
    left = [
        Node(
            t("chart.former_marketers") if m == FORMER else t("chart.marketer", n=i + 1), ORANGE, out_flow[i]
        )
        for i, m in enumerate(marketers)
    ]
    right = [
        Node(
            t("chart.former_salespeople") if s == FORMER else t("chart.salesperson", n=i + 1),
            GREEN,
            in_flow[i],
        )
        for i, s in enumerate(sellers)
    ]
    if leaked:
        right.append(Node(t("chart.leaked"), VERMILLION, in_flow[len(sellers)]))
    return left, right, links


def _stack(nodes: list[Node], scale: float, gaps: list[float]) -> list[float]:
    """Top of each node: one below the other from `TOP`, `gaps[i]` above node `i`."""
    tops, y = [], TOP
    for node, gap in zip(nodes, gaps, strict=True):
        y += gap
        tops.append(y)
        y += node.flow * scale
    return tops


def _band(x0: float, y0: float, x1: float, y1: float, width: float) -> str:
    """A link: a band of constant `width` curving from (x0, y0) to (x1, y1), the tops of its ends."""
    xm = (x0 + x1) / 2
    return (
        f"M{x0:.4f} {y0:.4f}C{xm:.4f} {y0:.4f} {xm:.4f} {y1:.4f} {x1:.4f} {y1:.4f}"
        f"V{y1 + width:.4f}C{xm:.4f} {y1 + width:.4f} {xm:.4f} {y0 + width:.4f} {x0:.4f} {y0 + width:.4f}Z"
    )


def _rect(x: float, y: float, w: float, h: float) -> str:
    return f"M{x:.4f} {y:.4f}h{w:.4f}v{h:.4f}h{-w:.4f}Z"


def panel(run: Run, t: Translator, x0: float, x1: float) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The shapes of one design's diagram between `x0` and `x1` (links first, nodes on top), and
    the leak's label beside it.

    Both columns carry every lead once, so one scale (the tighter column's) makes each node as tall
    as its flow and each link as wide as its leads on both ends.
    """
    left, right, links = graph(run, t)
    total = sum(node.flow for node in left)
    if not total:
        return [], []
    leak = any(link.leaked for link in links)  # then the right column's last node is the leak
    room = BOTTOM - TOP
    pad = min(PAD, 0.3 * room / max(len(left), len(right)))  # a big company: gaps take at most 30 %
    left_gaps = [0.0] + [pad] * (len(left) - 1)
    right_gaps = [0.0] + [pad] * (len(right) - 1)
    if leak and len(right) > 1:
        right_gaps[-1] = LEAK_GAP
    scale = min((room - sum(left_gaps)) / total, (room - sum(right_gaps)) / total)
    left_top, right_top = _stack(left, scale, left_gaps), _stack(right, scale, right_gaps)
    out_y, in_y = list(left_top), list(right_top)  # where the next link leaves / enters each node
    in_order = sorted(links, key=lambda link: (link.target, link.source))
    entry = {}
    for link in in_order:
        entry[link.source, link.target] = in_y[link.target]
        in_y[link.target] += link.value * scale
    shapes = []
    thin: dict[str, list[str]] = {ACCEPTED: [], LEAKED: []}  # too thin to point at: one path a colour
    number = t.number
    for link in links:
        width = link.value * scale
        y0, y1 = out_y[link.source], entry[link.source, link.target]
        out_y[link.source] += width
        fill = LEAKED if link.leaked else ACCEPTED
        if width < THINNEST:
            shift = (width - THINNEST) / 2
            thin[fill].append(_band(x0 + NODE_WIDTH, y0 + shift, x1 - NODE_WIDTH, y1 + shift, THINNEST))
            continue
        kind = t("chart.leaked_leads") if link.leaked else t("chart.accepted_leads")
        between = f"{left[link.source].label} → {right[link.target].label}"
        shapes.append(
            {
                "d": _band(x0 + NODE_WIDTH, y0, x1 - NODE_WIDTH, y1, width),
                "fill": fill,
                "title": f"{between}: {number(link.value)} {kind}",
            }
        )
    shapes += [{"d": "".join(paths), "fill": fill, "title": ""} for fill, paths in thin.items() if paths]
    for nodes, tops, x in ((left, left_top, x0), (right, right_top, x1 - NODE_WIDTH)):
        for node, top in zip(nodes, tops, strict=True):
            shapes.append(
                {
                    "d": _rect(x, top, NODE_WIDTH, node.flow * scale),
                    "fill": node.colour,
                    "title": f"{node.label}: {number(node.flow)}",
                }
            )
    labels = []
    if leak:
        middle = right_top[-1] + right[-1].flow * scale / 2
        labels.append(_text(x1 - NODE_WIDTH - 0.006, middle, t("chart.leaked"), "end", baseline="middle"))
    return shapes, labels


def handoff(runs: Sequence[Run], t: Translator) -> dict[str, Any]:
    """One diagram per design, side by side, with column headings and the interventions listed."""
    width = 1 / len(runs)
    shapes: list[dict[str, str]] = []
    texts: list[dict[str, Any]] = []
    for i, run in enumerate(runs):
        x0 = i * width + (PANEL_GAP / 2 if i else 0.01)
        x1 = (i + 1) * width - (PANEL_GAP / 2 if i < len(runs) - 1 else 0.01)
        prefix = f"{run.label}: " if len(runs) > 1 else ""
        texts.append(_text(x0, TOP - 0.03, f"{prefix}{t('chart.marketers')}", "start"))
        texts.append(_text(x1, TOP - 0.03, t("chart.salespeople"), "end"))
        drawn, labels = panel(run, t, x0, x1)
        shapes += drawn
        texts += labels
    _, marks = markers(runs, t)
    listed = " · ".join(f"{t('chart.week')} {m['x']}: {m['text'].replace('<br>', ', ')}" for m in marks)
    if listed:
        texts.append(_text(0.01, 0.97, listed, "start", size=15))
    return {"title": t("chart.handoff"), "diagram": {"shapes": shapes, "texts": texts}}


def _text(
    x: float, y: float, text: str, anchor: str, size: int = 17, baseline: str = "auto"
) -> dict[str, Any]:
    """A label at (`x`, `y`), shares of the chart's width and height."""
    return {"x": x, "y": y, "text": text, "anchor": anchor, "size": size, "baseline": baseline}
