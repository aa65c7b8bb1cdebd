"""The design map in the HTML report: which design wins where, as a heat map at full resolution.

Each finest cell takes the winner of the smallest evaluated cell containing it; "no clear winner" is
grey; black lines mark where the label changes; a star marks the default company (the registry
defaults of the two axes); the legend names every lever an axis overrides. Hovering a cell shows the
evaluated point it belongs to, with every design's mean and 95 % CI.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from experiments.figures import colours
from experiments.map_grid import NO_WINNER
from experiments.map_store import MAP, META, owner, raster, read_map, stale
from experiments.report_format import table
from experiments.storage import MANIFEST

GREY = "#c9ced6"


def map_section(folder: str | Path | None) -> str:
    """The report's map section for a results folder holding a map; "" for any other folder."""
    if folder is None or not (Path(folder) / MAP).exists() or not (Path(folder) / META).exists():
        return ""
    frame, info = read_map(folder)
    out = "<h2 id='map'>Which design where</h2>"
    if frame.empty:
        return out + "<p class='note'>No point of the map is complete yet.</p>"
    reasons = stale(folder)
    if reasons:
        out += f"<p class='note'><strong>Stale:</strong> {html.escape('; '.join(reasons))}.</p>"
    if info.get("status") != "complete":
        out += f"<p class='note'>The map is {html.escape(str(info.get('status')))}: rerun `truce map`.</p>"
    out += f"<p>{html.escape(_caption(info))}</p>"
    from experiments.report import _figure  # the report's one way to embed a figure

    out += _figure(figure(frame, info)) + _legend_notes(info) + _shares(frame, info)
    if not (Path(folder) / MANIFEST).exists():  # a shipped map: no runs, no sections below
        return out
    return out + (
        "<p class='note'>The sections below pool the runs of every evaluated point of the map, most of "
        "them near its boundaries: read the map, not those means, for which design wins where.</p>"
    )


def write_map_report(folder: str | Path, path: str | Path) -> Path:
    """The report of a folder that holds only a map (`map.parquet` and `map.json`, as shipped in
    `experiments/maps/`): the map section alone, saying whether the model has changed since."""
    from experiments.report import write_page

    _, info = read_map(folder)
    model = info.get("model") or {}
    scope = (
        f"<h1>Truce design map: {html.escape(str(info.get('name', 'map')))}</h1><p class='scope'>"
        f"{len(info['designs'])} designs \u00b7 baseline {html.escape(str(info['baseline']))} \u00b7 "
        f"{info['runs']:,} runs \u00b7 computed {html.escape(str(info.get('written', '?')))} at commit "
        f"{html.escape(str(model.get('git_commit') or 'unknown'))}</p>"
    )
    return write_page(path, f"Truce design map: {info.get('name', 'map')}", scope, map_section(folder))


def _caption(info: dict[str, Any]) -> str:
    what = info["outcome"]
    if what == "score":
        what = "the score " + " ".join(f"{w:+g} x {n}" for n, w in info["score"].items())
    better = "" if info["outcome"] == "score" else f" ({info['better']} is better)"
    return (
        f"Best design on {what}{better}, each outcome divided by {info['baseline']}'s mean at the point: "
        "a design wins a cell when its paired 95 % CI against every other design excludes 0 after a "
        f"Holm correction ({info['replications']} to {info['max_replications']} replications on common "
        f"seeds, {info['weeks']} weeks); {info['points']} points evaluated with {info['runs']:,} runs, "
        f"refined from {info['start']} x {info['start']} to {info['resolution']} x {info['resolution']} "
        "cells where neighbours disagree or intervals overlap."
    )


def figure(frame: pd.DataFrame, info: dict[str, Any]) -> go.Figure:
    """The heat map of winners, the boundary, the evaluated points and the default company."""
    res, designs = info["resolution"], info["designs"]
    ax, ay = info["axes"]["x"], info["axes"]["y"]
    grid = raster(frame, res)
    labels = [*designs, NO_WINNER]
    palette = {**colours(designs), NO_WINNER: GREY}
    codes = np.vectorize(lambda s: labels.index(s) if s in labels else np.nan, otypes=[float])(grid)
    xs = ax["range"][0] + (np.arange(res) + 0.5) * (ax["range"][1] - ax["range"][0]) / res
    ys = ay["range"][0] + (np.arange(res) + 0.5) * (ay["range"][1] - ay["range"][0]) / res
    bands = [(k / len(labels), (k + 1) / len(labels), palette[lab]) for k, lab in enumerate(labels)]
    scale = [[edge, colour] for low, high, colour in bands for edge in (low, high)]
    hover = _hover(frame, owner(frame, res), designs)
    fig = go.Figure(
        go.Heatmap(
            x=xs,
            y=ys,
            z=codes,
            zmin=0,
            zmax=len(labels),
            colorscale=scale,
            showscale=False,
            text=hover,
            hoverinfo="text",
        )
    )
    for lab in labels:  # the heat map's categories as legend entries
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=lab,
                marker={"symbol": "square", "size": 14, "color": palette[lab]},
            )
        )
    fig.add_trace(_boundary(grid, ax["range"], ay["range"]))
    fig.add_trace(
        go.Scatter(
            x=frame["x"],
            y=frame["y"],
            mode="markers",
            name="evaluated points",
            marker={"size": 3, "color": "rgba(0,0,0,0.35)"},
            hoverinfo="skip",
        )
    )
    dx, dy = ax["default"], ay["default"]
    if ax["range"][0] <= dx <= ax["range"][1] and ay["range"][0] <= dy <= ay["range"][1]:
        fig.add_trace(
            go.Scatter(
                x=[dx],
                y=[dy],
                mode="markers",
                name=f"default company ({dx:g}, {dy:g})",
                marker={
                    "symbol": "star",
                    "size": 18,
                    "color": "white",
                    "line": {"color": "black", "width": 1.5},
                },
                cliponaxis=False,  # the default company may sit on the map's edge
            )
        )
    for lever, values in (info.get("overrides") or {}).items():
        own = ", ".join(f"{d} {v:g}" for d, v in values.items())
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"size": 0, "color": "white"},
                name=f"lever {lever} set by the axis in every design (own: {own})",
            )
        )
    fig.update_layout(
        height=620, margin={"l": 70, "r": 20, "t": 30, "b": 60}, plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.14},
        xaxis={"title": f"{ax['name']} ({ax['kind']}, {ax['unit']})", "range": ax["range"]},
        yaxis={"title": f"{ay['name']} ({ay['kind']}, {ay['unit']})", "range": ay["range"]},
    )  # fmt: skip
    return fig


def _boundary(grid: np.ndarray, rx: list[float], ry: list[float]) -> go.Scatter:
    """Black segments along every finest-cell edge where the label changes."""
    res = grid.shape[0]
    wx, wy = (rx[1] - rx[0]) / res, (ry[1] - ry[0]) / res
    xs: list[float | None] = []
    ys: list[float | None] = []
    for j, i in zip(*np.nonzero(grid[:, 1:] != grid[:, :-1]), strict=True):  # vertical edges
        x = rx[0] + (i + 1) * wx
        xs += [x, x, None]
        ys += [ry[0] + j * wy, ry[0] + (j + 1) * wy, None]
    for j, i in zip(*np.nonzero(grid[1:, :] != grid[:-1, :]), strict=True):  # horizontal edges
        y = ry[0] + (j + 1) * wy
        xs += [rx[0] + i * wx, rx[0] + (i + 1) * wx, None]
        ys += [y, y, None]
    return go.Scatter(x=xs, y=ys, mode="lines", name="boundary", line={"color": "black", "width": 2},
                      hoverinfo="skip")  # fmt: skip


def _hover(frame: pd.DataFrame, owners: np.ndarray, designs: list[str]) -> np.ndarray:
    """Per finest cell, the text of the evaluated point it takes its label from."""
    text = {}
    for k, r in frame.iterrows():
        lines = [
            f"<b>{r['winner']}</b> (cell {r['x_low']:.3g}-{r['x_high']:.3g}"
            f" x {r['y_low']:.3g}-{r['y_high']:.3g})",
            f"{int(r['n_pairs'])} paired replications; normalised mean [95 % CI]:",
        ]
        for d in designs:
            lines.append(f"{d}: {r[f'mean_{d}']:.4f} [{r[f'ci_low_{d}']:.4f}, {r[f'ci_high_{d}']:.4f}]")
        text[k] = "<br>".join(lines)
    return np.vectorize(lambda k: text.get(k, ""), otypes=[object])(owners)


def _legend_notes(info: dict[str, Any]) -> str:
    notes = []
    for lever, values in (info.get("overrides") or {}).items():
        own = ", ".join(f"{html.escape(d)} {v:g}" for d, v in values.items())
        notes.append(
            f"Lever <code>{html.escape(lever)}</code> is an axis: at every point it replaces each "
            f"design's own value ({own})."
        )
    dc = ", ".join(f"{html.escape(k)} = {v:g}" for k, v in info["default_company"].items())
    notes.append(f"Star: the default company (registry defaults, {dc}).")
    return "".join(f"<p class='note'>{n}</p>" for n in notes)


def _shares(frame: pd.DataFrame, info: dict[str, Any]) -> str:
    grid = raster(frame, info["resolution"])
    labels = [*info["designs"], NO_WINNER]
    depth = frame.groupby("depth").size()
    rows = [[html.escape(lab), f"{(grid == lab).mean():.0%}"] for lab in labels if (grid == lab).any()]
    per = ", ".join(f"depth {d}: {n}" for d, n in depth.items())
    return table(["label", "share of the map"], rows, [False, True]) + (
        f"<p class='note'>Evaluated points per depth: {per}.</p>"
    )
