"""The report's scenario-discovery section: where each design beats the baseline, as PRIM boxes in words.

Shown for sweeps that sample uncertainties (`[axes]` with at least one uncertainty, and enough
scenarios for PRIM): for every design other than the baseline and every headline outcome, the box of
`experiments.discovery` in plain words with its coverage and density and their Wilson intervals.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

import sim
from experiments.discovery import MAX_DIMS, MIN_SCENARIOS, Question, discover
from experiments.report_answer import shown
from experiments.report_format import table
from sim.errors import InputError


def sampled_axes(manifest: dict[str, Any], where: str = "this sweep") -> list[str]:
    """The sampled parameters of a results folder (its spec's axes); InputError naming `where` (the
    folder) when it has none."""
    axes = [a["name"] for a in manifest.get("spec", {}).get("axes", [])]
    method = (manifest.get("spec", {}).get("sampling") or {}).get("method", "none")
    if not axes or method == "list":
        raise InputError(
            f"{where} samples no parameters: scenario discovery needs [axes] sampled by lhs "
            "(or factorial, sobol, morris)"
        )
    return axes


def applies(runs: pd.DataFrame, manifest: dict[str, Any], baseline: str) -> bool:
    """Whether the section is shown: sampled uncertainties, enough scenarios, a design to compare."""
    try:
        axes = sampled_axes(manifest)
    except InputError:
        return False
    kinds = {p.name: p.kind for p in sim.params()}
    others = set(runs.loc[runs["status"] == "ok", "design"]) - {baseline}
    enough = runs["point"].nunique() >= MIN_SCENARIOS if "point" in runs else False
    return any(kinds.get(a) == "uncertainty" for a in axes) and bool(others) and enough


def section(runs: pd.DataFrame, manifest: dict[str, Any], baseline: str) -> str:
    """The HTML section, or "" when it does not apply."""
    if not applies(runs, manifest, baseline):
        return ""
    axes = sampled_axes(manifest)
    out = (
        "<h3 id='discovery'>Where each design wins (scenario discovery)</h3><p class='note'>Over the "
        f"{runs['point'].nunique()} sampled scenarios ({', '.join(map(html.escape, axes))}): a scenario "
        "counts when the design's mean paired difference to the baseline over its replications favours "
        "it (lower is better for churn and turnover). PRIM (EMA Workbench) finds the box; the box shown "
        "has the best harmonic mean of coverage (share of such scenarios inside it) and density (share "
        f"of its scenarios that are such), among boxes of at most {MAX_DIMS} restrictions each with "
        "quasi-p \u2264 0.05. 95 % CIs: Wilson, with the box fixed (optimistic: the box was chosen "
        "on the same scenarios).</p>"
    )
    designs = [d for d in dict.fromkeys(runs["design"]) if d != baseline]
    sentences, rows = [], []
    for design in designs:
        for o in shown(runs):
            try:
                box = discover(runs, axes, Question(design, o.name, versus=baseline))
            except InputError as err:
                sentences.append(html.escape(f"{design} on {o.name}: not computed ({err})"))
                continue
            sentences.append(html.escape(box.words()))
            if box.found:
                rows.append(
                    [
                        html.escape(design),
                        html.escape(o.name),
                        html.escape(" and ".join(box.limits)),
                        f"{100 * box.coverage:.0f} %",
                        f"{100 * box.density:.0f} %",
                        f"{box.cases} of {box.scenarios}",
                    ]
                )
    out += f"<ul class='findings'>{''.join(f'<li>{s}</li>' for s in sentences)}</ul>"
    if rows:
        columns = ["design", "outcome", "restricted", "coverage", "density", "cases"]
        out += table(
            columns, rows, [False, False, False, True, True, True], summary="every box", collapse=True
        )
    return out
