"""Who passes leads to whom: marketers to salespeople (or into the leak) as a Sankey diagram.

Link width is the number of marketing leads since the start; colour says accepted versus leaked.
People who left are pooled into one "former" node per department, so the diagram stays readable as
staff turn over during a long run.

Nodes and links keep the order given here (`sort: "input"`), links sorted by source then target so
that they leave and enter every node in the order of the nodes they join. plotly.js then skips
re-sorting every node's links on each of its 50 layout passes (some 40% of a Sankey redraw),
and people keep their places from week to week instead of swapping as the flows grow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from dashboards.figures import GREEN, ORANGE, VERMILLION, Figure, markers
from dashboards.i18n import Translator
from dashboards.session import Run

ACCEPTED = "rgba(0, 158, 115, 0.45)"
LEAKED = "rgba(213, 94, 0, 0.75)"
FORMER = -1  # the pooled node of people who have left


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


def _trace(run: Run, t: Translator, domain: dict[str, list[float]]) -> dict[str, Any]:
    accepted, leaked = _links(run)
    marketers = sorted({m for m, _ in accepted} | set(leaked), key=lambda m: (m == FORMER, m))
    sellers = sorted({s for _, s in accepted}, key=lambda s: (s == FORMER, s))
    hover = [
        t("chart.former_marketers") if m == FORMER else t("chart.marketer", n=i + 1)
        for i, m in enumerate(marketers)
    ]
    hover += [
        t("chart.former_salespeople") if s == FORMER else t("chart.salesperson", n=i + 1)
        for i, s in enumerate(sellers)
    ]
    hover.append(t("chart.leaked"))
    index = {("m", m): i for i, m in enumerate(marketers)}
    index.update({("s", s): len(marketers) + i for i, s in enumerate(sellers)})
    leak = len(hover) - 1
    accepted_text, leaked_text = t("chart.accepted_leads"), t("chart.leaked_leads")
    links = [(index["m", m], index["s", s], n, ACCEPTED, accepted_text) for (m, s), n in accepted.items()]
    links += [(index["m", m], leak, n, LEAKED, leaked_text) for m, n in leaked.items()]
    links.sort(key=lambda link: link[:2])
    colours = [ORANGE] * len(marketers) + [GREEN] * len(sellers) + [VERMILLION]
    return {
        "type": "sankey",
        "arrangement": "fixed",
        "domain": domain,
        "node": {
            "label": [""] * (len(hover) - 1) + [t("chart.leaked")],
            "customdata": hover,
            "hovertemplate": "%{customdata}: %{value}<extra></extra>",
            "color": colours,
            "pad": 2,
            "thickness": 18,
            "line": {"width": 0},
            "sort": "input",
        },
        "link": {
            "source": [link[0] for link in links],
            "target": [link[1] for link in links],
            "value": [link[2] for link in links],
            "color": [link[3] for link in links],
            "customdata": [link[4] for link in links],
            "hovertemplate": "%{value} %{customdata}<extra></extra>",
            "sort": "input",
        },
    }


def handoff(runs: Sequence[Run], t: Translator) -> Figure:
    """One Sankey per design, side by side, with column headings and the interventions listed."""
    width = 1 / len(runs)
    data, notes = [], []
    for i, run in enumerate(runs):
        x0, x1 = i * width + (0.02 if i else 0), (i + 1) * width - (0.02 if i < len(runs) - 1 else 0)
        prefix = f"{run.label}: " if len(runs) > 1 else ""
        notes.append(_note(x0, f"{prefix}{t('chart.marketers')}", "left"))
        notes.append(_note(x1, t("chart.salespeople"), "right"))
        if run.model.lead_flow["accepted"] or run.model.lead_flow["leaked"]:  # none: nothing to lay out
            data.append(_trace(run, t, {"x": [x0, x1], "y": [0, 0.92]}))
    _, marks = markers(runs, t)
    listed = " · ".join(f"{t('chart.week')} {m['x']}: {m['text'].replace('<br>', ', ')}" for m in marks)
    if listed:
        notes.append({**_note(0, listed, "left"), "y": -0.02, "yanchor": "top", "font": {"size": 15}})
    return {
        "data": data,
        "layout": {
            "title": {"text": t("chart.handoff"), "font": {"size": 22}, "x": 0.01, "xanchor": "left"},
            "separators": t.separators,
            "font": {"size": 16, "color": "#222"},
            "margin": {"l": 20, "r": 20, "t": 50, "b": 40},
            "annotations": notes,
            "paper_bgcolor": "#ffffff",
        },
    }


def _note(x: float, text: str, anchor: str) -> dict[str, Any]:
    return {
        "x": x,
        "y": 0.93,
        "xref": "paper",
        "yref": "paper",
        "xanchor": anchor,
        "yanchor": "bottom",
        "text": text,
        "showarrow": False,
        "font": {"size": 17},
    }
