"""The report's "Robust choice" section and the words and cells the CLI shares with it.

Shown for a results folder whose spec samples uncertainties (`experiments.robust`): one table of each
design's regret and satisficing share with 95 % bootstrap intervals, and the answer in a sentence.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from experiments.report_format import diff, interval, kind, table
from experiments.robust import OUTCOME, WITHIN, Robust, robust, samples_uncertainties
from experiments.stats import wilson
from sim import InputError
from sim.outcomes import outcome as declared

COLUMNS = ("design", "mean regret", "95 % CI", "p90 regret", "95 % CI", "max regret", "95 % CI")


def _unit(r: Robust) -> str:
    return declared(r.outcome, "summary").unit


def amount(x: float, r: Robust, like: tuple[float, float] = ()) -> str:
    """A regret, which is a shortfall (a difference): "0.21 M", "0.50 pp", "3.2"."""
    return diff(x, _unit(r), like).lstrip("+")


def share(x: float) -> str:
    return f"{100 * x:.0f} %"


def cells(r: Robust) -> list[list[str]]:
    """One row per design (least mean regret first): the statistics and their 95 % intervals."""
    unit, rows = _unit(r), []
    for row in r.table.itertuples(index=False):
        line = [str(row.design)]
        for name in ("mean_regret", "p90_regret", "max_regret"):
            low, high = getattr(row, f"{name}_low"), getattr(row, f"{name}_high")
            line += [amount(getattr(row, name), r, (low, high)), interval(low, high, unit)]
        line += [share(row.satisficing), f"{share(row.satisficing_low)} to {share(row.satisficing_high)}"]
        rows.append(line)
    return rows


def columns(r: Robust) -> list[str]:
    return [*COLUMNS, f"within {r.within:g} %", "95 % CI"]


def title(r: Robust) -> str:
    unit = _unit(r)
    direction = "lower" if _lower(r) else "higher"
    return (
        f"regret on {r.outcome} ({unit}; {direction} is better) over {r.scenarios} scenarios, "
        f"{'' if r.balanced else 'at least '}{r.replications} replications each (95 % CIs over scenarios)"
    )


def _lower(r: Robust) -> bool:
    from experiments.report_answer import better

    return better(r.outcome) < 0


def sentences(r: Robust) -> list[str]:
    """The answer in words: the least-regret design with its mean regret and satisficing share, the
    least-worst-case design when another one, and how much of it is within replication noise."""
    unit = _unit(r)
    top = r.table.iloc[0]
    money = " EUR" if kind(unit) == "money" else ""
    ci = (top.mean_regret_low, top.mean_regret_high)
    out = [
        f"{top.design} has the lowest mean regret on {r.outcome}, {amount(top.mean_regret, r, ci)}{money} "
        f"(95 % CI {interval(*ci, unit)}), and is within {r.within:g} % of the best design in "
        f"{share(top.satisficing)} of {r.scenarios} scenarios (95 % CI {share(top.satisficing_low)} to "
        f"{share(top.satisficing_high)})."
    ]
    safest = r.table.sort_values("max_regret", kind="stable").iloc[0]
    worst = (safest.max_regret_low, safest.max_regret_high)
    if safest.design != top.design:
        theirs = (top.max_regret_low, top.max_regret_high)
        out.append(
            f"The smallest worst case is {safest.design}'s: its largest regret in any scenario is "
            f"{amount(safest.max_regret, r, worst)}{money} (95 % CI {interval(*worst, unit)}) against "
            f"{amount(top.max_regret, r, theirs)}{money} ({interval(*theirs, unit)}) for {top.design}."
        )
    else:
        out.append(
            f"{top.design} also has the smallest worst case: its largest regret in any scenario is "
            f"{amount(top.max_regret, r, worst)}{money} (95 % CI {interval(*worst, unit)})."
        )
    low, high = wilson(r.unresolved, r.scenarios)
    out.append(
        f"In {r.unresolved} of {r.scenarios} scenarios (95 % CI {100 * low:.0f} to {100 * high:.0f} %) "
        "the best design leads the second within replication noise (paired 95 % CI includes 0)."
    )
    return out


def _note(r: Robust) -> str:
    unit = _unit(r)
    rel = (
        " (relative: 5 % of a 10 % rate is 0.5 percentage points)"
        if kind(unit) == "share" and r.within
        else ""
    )
    dropped = f" {r.dropped} scenarios left out: some design had no ok run there." if r.dropped else ""
    return (
        f"A scenario is one sample point of the {len(r.uncertainties)} uncertainties the spec samples; "
        f"each design's value there is its mean over the replications every design finished (common "
        f"seeds). Regret: the shortfall from the best design in that scenario (Savage), "
        f"{'lower' if _lower(r) else 'higher'} {r.outcome} being better; 0 for the best. "
        f"Within {r.within:g} %: regret at most {r.within:g} % of the best design's absolute value in "
        f"that scenario{rel}, so it reads the same for a negative best. Intervals over scenarios: 95 % "
        "bootstrap for regret (BCa; percentile for the maximum, which cannot exceed the largest regret "
        "sampled), Wilson for the share; they carry replication noise through each scenario's mean, "
        "but choosing the best on noisy means biases regret up a little where leads are within noise."
        f"{dropped} Method: README, Robust choice."
    )


def section(runs: pd.DataFrame, manifest: Mapping[str, Any]) -> str:
    """The "Robust choice" section on profit (revenue if profit is missing), or "" when the folder
    samples no uncertainty."""
    if not samples_uncertainties(manifest) or runs["design"].nunique() < 2:
        return ""  # a sensitivity analysis of one design has nothing to choose between
    out = "<h3 id='robust'>Robust choice</h3>"
    name = OUTCOME if OUTCOME in runs.columns else "total_revenue"
    try:
        r = robust(runs, manifest, name, WITHIN)
    except InputError as err:
        return out + f"<p class='note'>Not computed: {html.escape(str(err))}.</p>"
    words = "".join(f"<li>{html.escape(s)}</li>" for s in sentences(r))
    rows = [[html.escape(c) for c in row] for row in cells(r)]
    return (
        f"{out}<ul class='findings'>{words}</ul>"
        + table(columns(r), rows, [False] + [True] * (len(COLUMNS) + 1), summary="regret per design")
        + f"<p class='note'>{html.escape(title(r))}. {html.escape(_note(r))}</p>"
    )


def robust_lines(runs: pd.DataFrame, manifest: Mapping[str, Any]) -> list[str]:
    """The section's sentences as `truce report` prints them ("- ..."); none when it is not shown."""
    if not samples_uncertainties(manifest):
        return []
    try:
        r = robust(runs, manifest, OUTCOME if OUTCOME in runs.columns else "total_revenue", WITHIN)
    except InputError:
        return []
    return [f"- Robust choice: {line}" if i == 0 else f"- {line}" for i, line in enumerate(sentences(r))]
