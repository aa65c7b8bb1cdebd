"""The self-contained HTML report of a results folder: one file, plotly.js embedded, no network.

A strategist opens it from a share or an e-mail on a machine without internet, so nothing is fetched:
the plotly.js bundle is inlined once in the head and every figure only calls it.
"""

from __future__ import annotations

import html
import json
import numbers
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from experiments import figures
from experiments.loss import loss_account
from experiments.sensitivity import indices
from experiments.stats import describe, ok_runs, paired
from sim.files import write_text
from sim.outcomes import headline

#: Summary metrics in the report's main tables (all metrics are in the collapsed full table).
HEADLINE = [o.name for o in headline()]
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1400px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
.facts td { text-align: left; }
.note { color: #555; font-size: 0.9em; max-width: 70em; }
"""


class ResultsLike(Protocol):
    """What the report reads: `experiments.Results`, or anything with the same three attributes."""

    runs: pd.DataFrame
    weekly: pd.DataFrame
    manifest: dict[str, Any]


def number(x: object) -> str:
    """A table cell: money without decimals, rates with three significant digits, text escaped."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
        return html.escape(str(x))
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x else "0"


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{number(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def _join(*values: object) -> str | None:
    """`a / b` of the values that are known; None when none is (the row is then left out)."""
    known = [str(v) for v in values if v is not None]
    return " / ".join(known) or None


def _header(manifest: dict[str, Any], runs: pd.DataFrame) -> str:
    spec = manifest.get("spec", {})
    prov = manifest.get("provenance", {})
    counts = manifest.get("counts", {})
    sampling = manifest.get("sampling") or {}
    git = prov.get("git_commit")
    facts = {
        "designs": ", ".join(manifest.get("designs") or dict.fromkeys(runs["design"])),
        "baseline": manifest.get("baseline"),
        "replications": spec.get("replications"),
        "weeks": spec.get("weeks"),
        "sampling": sampling.get("method"),
        "root seed": manifest.get("root_seed"),
        "seed rule": manifest.get("seed_rule"),
        "runs ok / failed / total": _join(
            (runs["status"] == "ok").sum(), (runs["status"] != "ok").sum(), counts.get("total", len(runs))
        ),
        "status": manifest.get("status"),
        "started / finished": _join(manifest.get("started"), manifest.get("finished")),
        "git commit": git and f"{git}{' (uncommitted changes)' if prov.get('git_dirty') else ''}",
        "python / platform": _join(prov.get("python"), prov.get("platform")),
        "packages": ", ".join(f"{k} {v}" for k, v in (prov.get("packages") or {}).items()) or None,
        "fingerprint": manifest.get("fingerprint"),
    }
    rows = "".join(
        f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in facts.items() if v is not None
    )
    name = html.escape(str(spec.get("name", "experiment")))
    text = html.escape(str(spec.get("description", "")))
    resolved = html.escape(json.dumps(spec, indent=1, default=str))
    return (
        f"<h1>Truce experiment: {name}</h1><p>{text}</p><table class='facts'>{rows}</table>"
        f"<details><summary>full resolved spec (manifest)</summary><pre>{resolved}</pre></details>"
    )


def _failures(runs: pd.DataFrame) -> str:
    failed = runs[runs["status"] != "ok"]
    if failed.empty:
        return ""
    first = failed["error"].fillna("").astype(str).str.strip().str.split("\n").str[-1]
    shown = failed[["run_id", "design"]].assign(error=first).head(20)
    return (
        f"<h2>Failed runs ({len(failed)})</h2><p class='note'>Left out of every statistic.</p>{_table(shown)}"
    )


def _over_time(runs: pd.DataFrame, weekly: pd.DataFrame) -> str:
    out = "<h2>Designs over time</h2>"
    if weekly.empty:
        return out + "<p class='note'>Weekly series were not kept in this experiment (summaries only).</p>"
    panels = [t for t, (need, _) in figures.PANELS.items() if set(need) <= set(weekly.columns)]
    missing = [t for t in figures.PANELS if t not in panels]
    note = f" Not kept, so not shown: {', '.join(missing)}." if missing else ""
    if not panels:
        return out + f"<p class='note'>{note}</p>"
    ok = ok_runs(runs)
    fig = figures.time_series(weekly, ok.set_index("run_id")["design"], panels)
    return out + (
        "<p class='note'>Mean over each design's ok runs with its 95% t band per week (runs pooled over "
        f"sample points, if any).{note}</p>{_figure(fig)}"
    )


def _summary(runs: pd.DataFrame, metrics: list[str]) -> str:
    out = "<h2>Summary per design</h2>"
    table = describe(runs, metrics)
    if table.empty:
        return out + "<p class='note'>No run finished.</p>"
    main = table.pivot(index="design", columns="metric", values="mean")[metrics].reset_index()
    return out + (
        f"<p class='note'>Means over ok runs; sd and 95% t intervals in the full table.</p>{_table(main)}"
        f"<details><summary>all metrics with sd and 95% CI</summary>{_table(describe(runs))}</details>"
    )


def _paired(runs: pd.DataFrame, baseline: str, metrics: list[str]) -> str:
    table = paired(runs, baseline, metrics)
    return (
        f"<h2>Paired differences to {html.escape(baseline)}</h2><p class='note'>design - baseline on the "
        "same point and seed (common random numbers); 95% t interval, paired t and Wilcoxon p-values.</p>"
        + _table(table)
    )


def _loss(runs: pd.DataFrame, baseline: str) -> str:
    account = loss_account(runs, baseline)
    out = (
        f"<h2>Loss account against {html.escape(baseline)}</h2><p class='note'>Each bar is a count "
        "difference (design - baseline, same seeds) priced at the baseline's revenue per unit; + means "
        "the design earns more through that channel. The residual makes each account add up exactly "
        "to the observed gap (last bar). Method and limits: docs/loss_account.md.</p>"
    )
    for design in account["design"].unique():
        out += _figure(figures.waterfall(account, design, baseline))
    shown = account.drop(columns=["component", "kind"])
    return out + f"<details><summary>loss account table with 95% CIs</summary>{_table(shown)}</details>"


def _sensitivity(runs: pd.DataFrame, sampling: dict[str, Any] | None) -> str:
    if not sampling or sampling.get("method") not in ("morris", "sobol"):
        return ""
    out = f"<h2>Sensitivity ({sampling['method']})</h2>"
    try:
        table = indices(runs, sampling)
    except ValueError as err:
        return out + f"<p class='note'>Not computed: {html.escape(str(err))}.</p>"
    for design in table["design"].unique():
        out += _figure(figures.sensitivity_bars(table, design))
    return out + f"<details><summary>indices with 95% confidence</summary>{_table(table)}</details>"


def write_report(results: ResultsLike, path: str | Path) -> Path:
    """Write the HTML report of `results` to `path` (parents created) and return the path."""
    runs, weekly, manifest = results.runs, results.weekly, results.manifest
    designs = list(dict.fromkeys(runs["design"]))
    baseline = manifest.get("baseline") or designs[0]
    metrics = [m for m in HEADLINE if m in runs.columns]
    body = [_header(manifest, runs), _failures(runs), _over_time(runs, weekly), _summary(runs, metrics)]
    if len(designs) > 1 and (ok_runs(runs)["design"] == baseline).any():
        body += [_paired(runs, baseline, metrics), _loss(runs, baseline)]
    body.append(_sensitivity(runs, manifest.get("sampling")))
    title = html.escape(f"Truce report: {manifest.get('spec', {}).get('name', Path(path).stem)}")
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<style>{STYLE}</style><script type="text/javascript">{get_plotlyjs()}</script></head>'
        f"<body>{''.join(body)}</body></html>\n"
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, page)  # atomically: a failed write leaves no half page
    return path
