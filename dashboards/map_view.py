"""The "Which design where?" view's data and figure: a design map read from its folder, drawn as a
plotly.js figure dict for the page's `Chart` widget.

A map folder (`truce map`'s output, or the map shipped in `experiments/maps/presets/`) holds
`map.parquet`, one row per evaluated cell (its span `ix0`..`iy1` on the finest grid, `winner`,
`n_pairs`, and per design `mean_`, `ci_low_`, `ci_high_`), and `map.json` (axes, resolution, designs,
baseline, outcome, the model's fingerprint). Both are read here with pandas and json alone: the
dashboard imports only `sim`, never `experiments`, so this mirrors the report's drawing
(`experiments/map_report.py`) instead of importing it.

Each finest cell takes the winner of the smallest evaluated cell over it; "no clear winner" is grey,
a cell not evaluated yet (a map still computing) is left blank; black lines mark where the winner
changes; a marker shows the company on the page. Hovering a cell shows its evaluated point: every
design's normalised mean with its 95 % CI and the number of paired replications.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import sim
from dashboards.figures import BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, Figure
from dashboards.i18n import Translator

#: The map of the four presets over market complexity x free riding on profit, shipped with Truce
#: (package data of `experiments`, found beside this package, read as files).
SHIPPED = Path(__file__).resolve().parents[1] / "experiments" / "maps" / "presets"
MAP, META = "map.parquet", "map.json"
#: The label `truce map` writes where no design wins (shown translated, in grey).
NO_WINNER = "no clear winner"
GREY = "#c9ced6"
#: Designs take these colours in the map's own order (Okabe-Ito, as the live charts).
PALETTE = (BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE)
#: Axis titles wrap after this many characters (the y axis's runs along the plot's shorter side):
#: German and Russian descriptions run long, and a clipped title says nothing.
WRAP = {"x": 40, "y": 36}


@dataclass(frozen=True, eq=False)
class DesignMap:
    """A map's evaluated cells (`map.parquet`) and description (`map.json`); equal only to itself
    (the page compares states: a newer read of a map is a new state)."""

    frame: pd.DataFrame
    info: dict[str, Any]

    @property
    def resolution(self) -> int:
        return int(self.info["resolution"])

    def owners(self) -> list[list[int]]:
        """resolution x resolution (rows y from low to high, columns x): the position in `frame` of
        the smallest evaluated cell over each finest cell, -1 where none is evaluated yet."""
        res = self.resolution
        grid = [[-1] * res for _ in range(res)]
        cells = self.frame[["depth", "point", "ix0", "ix1", "iy0", "iy1"]].astype(int).itertuples(index=False)
        ordered = sorted(enumerate(cells), key=lambda kc: (kc[1].depth, kc[1].point))
        for k, c in ordered:  # coarse first: finer cells overwrite the parts they cover
            for row in grid[c.iy0 : c.iy1]:
                row[c.ix0 : c.ix1] = [k] * (c.ix1 - c.ix0)
        return grid

    def labels(self) -> list[list[str]]:
        """The winner over each finest cell ("" where none is evaluated yet)."""
        winners = [*self.frame["winner"].astype(str), ""]
        return [[winners[k] for k in row] for row in self.owners()]  # -1 picks the trailing ""


def read(folder: str | Path) -> DesignMap | None:
    """The map in `folder`; None while it holds no cell yet (a background map is written from its
    first commit of runs on, before any cell has all its runs)."""
    folder = Path(folder)
    try:
        info = json.loads((folder / META).read_text(encoding="utf-8"))
        frame = pd.read_parquet(folder / MAP)
    except (OSError, ValueError):  # not written yet (both files are replaced atomically)
        return None
    return DesignMap(frame, info) if len(frame) else None


#: The stamp's hashes a map is checked against (`sim.fingerprint()`), and how each change is told.
HASHES = {"params_hash": "map.stale_params", "source_hash": "map.stale_code"}


def stale(info: Mapping[str, Any], t: Translator) -> str:
    """One line if the map was made by another model than the one installed; "" when current.

    Whether: `sim.stale_reasons`. Why, in the page's language (those sentences are English): which
    of the stamp's hashes differ from `sim.fingerprint()`'s, and the commit the map was made at."""
    stamp = info.get("model") or {}
    if not sim.stale_reasons(stamp):
        return ""
    now = sim.fingerprint()
    reasons = [t(key) for name, key in HASHES.items() if stamp.get(name) != now[name]] if stamp else []
    text = "; ".join(reasons or [t("map.stale_unstamped")])
    if stamp.get("git_commit"):
        text += " " + t("map.stale_since", commit=str(stamp["git_commit"])[:10])
    return t("map.stale", reasons=text)


def outcome_name(info: Mapping[str, Any], t: Translator) -> str:
    """What the map compares, in the page's language: a summary outcome's label, or "score"."""
    name = info["outcome"]
    declared = [o for o in sim.outcomes() if o.name == name and o.scope == "summary"]
    return t(declared[0].description_key) if declared else t("map.score")


def _axis_title(axis: Mapping[str, Any], t: Translator, width: int) -> str:
    """The axis parameter's description in the page's language, wrapped to lines of `width`."""
    spec = next((p for p in sim.params() if p.name == axis["name"]), None)
    return "<br>".join(textwrap.wrap(t.describe(spec) if spec is not None else axis["name"], width))


def _hover(row: pd.Series, designs: list[str], t: Translator, label: str) -> str:
    """An evaluated cell's text: its winner, then each design's normalised mean [95 % CI]."""
    lines = [f"<b>{label}</b>", t("map.hover_pairs", n=int(row["n_pairs"]))]
    for d in designs:
        mean, low, high = (t.number(float(row[f"{k}_{d}"]), 3) for k in ("mean", "ci_low", "ci_high"))
        lines.append(t("map.hover_design", design=t.design_name(d), mean=mean, low=low, high=high))
    return "<br>".join(lines)


def _boundary(labels: list[list[str]], rx: list[float], ry: list[float]) -> tuple[list[Any], list[Any]]:
    """Segments along every finest-cell edge between two evaluated cells of different winners."""
    res = len(labels)
    wx, wy = (rx[1] - rx[0]) / res, (ry[1] - ry[0]) / res

    def differ(a: str, b: str) -> bool:
        return a != b and a != "" and b != ""

    xs: list[float | None] = []
    ys: list[float | None] = []
    for j in range(res):
        for i in range(res - 1):
            if differ(labels[j][i], labels[j][i + 1]):  # a vertical edge right of cell (i, j)
                x = rx[0] + (i + 1) * wx
                xs += [x, x, None]
                ys += [ry[0] + j * wy, ry[0] + (j + 1) * wy, None]
    for j in range(res - 1):
        for i in range(res):
            if differ(labels[j][i], labels[j + 1][i]):  # a horizontal edge above cell (i, j)
                y = ry[0] + (j + 1) * wy
                xs += [rx[0] + i * wx, rx[0] + (i + 1) * wx, None]
                ys += [y, y, None]
    return xs, ys


def figure(dmap: DesignMap, t: Translator, company: Mapping[str, float], title: str) -> Figure:
    """The heat map of winners, the boundary, and a marker at `company`'s values of the two axes."""
    info, res = dmap.info, dmap.resolution
    designs: list[str] = list(info["designs"])
    ax, ay = info["axes"]["x"], info["axes"]["y"]
    rx, ry = [float(v) for v in ax["range"]], [float(v) for v in ay["range"]]
    categories = [*designs, NO_WINNER]
    colours = {**dict(zip(designs, PALETTE * 2, strict=False)), NO_WINNER: GREY}
    names = {**{d: t.design_name(d) for d in designs}, NO_WINNER: t("map.no_winner")}
    owners, labels = dmap.owners(), dmap.labels()
    code = {label: k for k, label in enumerate(categories)}
    z = [[code.get(label) for label in row] for row in labels]
    texts = [_hover(r, designs, t, names.get(r["winner"], r["winner"])) for _, r in dmap.frame.iterrows()]
    text = [[texts[k] if k >= 0 else "" for k in row] for row in owners]
    n = len(categories)
    scale = [[edge / n, colours[label]] for k, label in enumerate(categories) for edge in (k, k + 1)]
    heat = {
        "type": "heatmap",
        "x": [rx[0] + (i + 0.5) * (rx[1] - rx[0]) / res for i in range(res)],
        "y": [ry[0] + (j + 0.5) * (ry[1] - ry[0]) / res for j in range(res)],
        "z": z,
        "zmin": 0,
        "zmax": n,
        "colorscale": scale,
        "showscale": False,
        "hoverongaps": False,
        "text": text,
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": False,
    }
    # The heat map's categories as legend entries (the page's legend draws each trace's line colour).
    swatches = [
        {"type": "scatter", "x": [], "y": [], "name": names[c], "line": {"color": colours[c], "width": 12}}
        for c in categories
    ]
    bx, by = _boundary(labels, rx, ry)
    boundary = {
        "type": "scatter",
        "x": bx,
        "y": by,
        "mode": "lines",
        "name": t("map.boundary"),
        "line": {"color": "black", "width": 2},
        "hoverinfo": "skip",
    }
    cx, cy = float(company[ax["name"]]), float(company[ay["name"]])
    marker = {
        "type": "scatter",
        "x": [cx],
        "y": [cy],
        "mode": "markers+text",
        "text": [t("map.company")],
        "textposition": "top center",
        "textfont": {"size": 16, "color": "black"},
        "marker": {"symbol": "star", "size": 22, "color": "white", "line": {"color": "black", "width": 2}},
        "cliponaxis": False,  # the company may sit on the map's edge
        "hovertemplate": t("map.company_hover", x=t.number(cx, 2), y=t.number(cy, 2)) + "<extra></extra>",
        "showlegend": False,
    }
    layout = {
        "separators": t.separators,
        "font": {"size": 15, "color": "#222"},
        "margin": {"l": 10, "r": 20, "t": 30, "b": 10},
        "xaxis": {"title": {"text": _axis_title(ax, t, WRAP["x"])}, "range": rx, "automargin": True},
        "yaxis": {"title": {"text": _axis_title(ay, t, WRAP["y"])}, "range": ry, "automargin": True},
        "showlegend": False,
        "hovermode": "closest",
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
    }
    return {"title": title, "data": [heat, *swatches, boundary, marker], "layout": layout}


def title(info: Mapping[str, Any], t: Translator, design: str | None = None) -> str:
    """The map's title: what it compares, relative to which design; for a background map, its design."""
    key = "map.title" if design is None else "map.title_upload"
    baseline = t.design_name(str(info["baseline"]))
    return t(key, outcome=outcome_name(info, t), baseline=baseline, design=design or "")
