"""The self-contained HTML report of a results folder: one file, plotly.js embedded, no network.

A strategist opens it from a share or an e-mail on a machine without internet, so nothing is fetched:
the plotly.js bundle is inlined once in the head and every figure only calls it. The page opens with
the answer (`report_answer`: the headline differences in words, the designs ranked on each headline
outcome, the top design's loss account), then the details; `report_format` holds its style and how
numbers read.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from experiments import figures, report_answer, report_robust
from experiments.loss import loss_account, recorded
from experiments.report_format import STYLE, diff, frame_table, interval, p_value, table, unit_label, value
from experiments.report_format import number as number  # re-exported: docs/sensitivity/make.py
from experiments.sensitivity import indices
from experiments.stats import describe, ok_runs, paired
from sim.files import write_text
from sim.outcomes import Outcome, outcomes


class ResultsLike(Protocol):
    """What the report reads: `experiments.Results`, or anything with the same three attributes."""

    runs: pd.DataFrame
    weekly: pd.DataFrame
    manifest: dict[str, Any]


#: Unit of every summary metric, for formatting rows of the tidy statistics tables.
UNITS = {o.name: o.unit for o in outcomes() if o.scope == "summary"}


def _figure(fig: go.Figure) -> str:
    html_ = fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})
    return f"<div class='figure'>{html_}</div>"


def _join(*values: object) -> str | None:
    """`a / b` of the values that are known; None when none is (the row is then left out)."""
    known = [str(v) for v in values if v is not None]
    return " / ".join(known) or None


def _scope(manifest: dict[str, Any], runs: pd.DataFrame, designs: list[str], baseline: str) -> str:
    """Title, description and one line saying what was compared, above the answer."""
    spec = manifest.get("spec", {})
    name = html.escape(str(spec.get("name", "experiment")))
    text = html.escape(str(spec.get("description", "")))
    ok = int((runs["status"] == "ok").sum())
    parts = [f"{len(designs)} design{'s' if len(designs) != 1 else ''}", f"baseline {baseline}"]
    if _replications(spec):
        parts.append(f"{_replications(spec)} replications")
    if spec.get("weeks"):
        parts.append(f"{spec['weeks']} weeks")
    parts.append(f"{ok:,} of {len(runs):,} runs ok")
    return (
        f"<h1>Truce experiment: {name}</h1>{f'<p>{text}</p>' if text else ''}"
        f"<p class='scope'>{html.escape(' \u00b7 '.join(parts))}</p>"
    )


def _replications(spec: dict[str, Any]) -> str | None:
    """Replications per point; a map's spec keeps its cap in `replications` (the seeds' spawn count)
    and says in `map` how many each point starts with."""
    grid = spec.get("map")
    if grid:
        return f"{grid['replications']} to {grid['max_replications']}"
    return spec.get("replications") and str(spec["replications"])


def _header(manifest: dict[str, Any], runs: pd.DataFrame) -> str:
    spec = manifest.get("spec", {})
    prov = manifest.get("provenance", {})
    counts = manifest.get("counts", {})
    sampling = manifest.get("sampling") or {}
    git = prov.get("git_commit")
    facts = {
        "designs": ", ".join(manifest.get("designs") or dict.fromkeys(runs["design"])),
        "baseline": manifest.get("baseline"),
        "replications": _replications(spec),
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
    resolved = html.escape(json.dumps(spec, indent=1, default=str))
    return (
        f"<h3 id='experiment'>Experiment and provenance</h3><table class='facts'><tbody>{rows}</tbody>"
        f"</table><details><summary>full resolved spec (manifest)</summary><pre>{resolved}</pre></details>"
    )


def _failures(runs: pd.DataFrame) -> str:
    failed = runs[runs["status"] != "ok"]
    if failed.empty:
        return ""
    first = failed["error"].fillna("").astype(str).str.strip().str.split("\n").str[-1]
    shown = failed[["run_id", "design"]].assign(error=first).head(20)
    return (
        f"<h3 id='failures'>Failed runs ({len(failed)})</h3><p class='note'>Left out of every statistic."
        f"</p>{frame_table(shown, summary='failed runs')}"
    )


def _over_time(runs: pd.DataFrame, weekly: pd.DataFrame) -> str:
    out = "<h3 id='over-time'>Designs over time</h3>"
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


def _label(o: Outcome) -> str:
    return html.escape(f"{o.description} ({unit_label(o.unit)})")


def _summary(runs: pd.DataFrame, shown: list[Outcome]) -> str:
    out = "<h3 id='means'>Means per design</h3>"
    table_ = describe(runs, [o.name for o in shown]).set_index(["metric", "design"])
    if table_.empty:
        return out + "<p class='note'>No run finished.</p>"
    designs = list(dict.fromkeys(table_.index.get_level_values("design")))
    rows = [["ok runs", *(f"{table_.at[(shown[0].name, d), 'n']:,}" for d in designs)]] if shown else []
    rows += [[_label(o), *(value(table_.at[(o.name, d), "mean"], o.unit) for d in designs)] for o in shown]
    full = describe(runs)
    every = [
        [
            html.escape(r.metric),
            html.escape(str(r.design)),
            f"{r.n:,}",
            value(r.mean, UNITS.get(r.metric, "")),
            diff(r.sd, UNITS.get(r.metric, "")).lstrip("+"),
            interval(r.ci_low, r.ci_high, UNITS.get(r.metric, "")).replace(" pp", " %"),
        ]
        for r in full.itertuples(index=False)
    ]
    return out + (
        "<p class='note'>Means over ok runs (money totals over the whole run; rates and indices after "
        "the warm-up year).</p>"
        + table(["outcome", *map(html.escape, designs)], rows, [False] + [True] * len(designs))
        + table(
            ["metric", "design", "n", "mean", "sd", "95 % CI"],
            every,
            [False, False, True, True, True, True],
            summary="every summary metric with sd and 95% CI",
            collapse=True,
        )
    )


def _paired(runs: pd.DataFrame, baseline: str, shown: list[Outcome]) -> str:
    frame = paired(runs, baseline, [o.name for o in shown])
    by = {o.name: o for o in shown}
    rows = [
        [
            html.escape(str(r.design)),
            _label(by[r.metric]),
            f"{r.n_pairs:,}",
            diff(r.mean_diff, by[r.metric].unit, (r.ci_low, r.ci_high)),
            diff(r.sd_diff, by[r.metric].unit).lstrip("+"),
            interval(r.ci_low, r.ci_high, by[r.metric].unit),
            p_value(r.p_t),
            p_value(r.p_wilcoxon),
        ]
        for r in frame.itertuples(index=False)
    ]
    columns = ["design", "outcome", "pairs", "mean \u0394", "sd \u0394", "95 % CI", "p (t)", "p (Wilcoxon)"]
    return (
        f"<h3 id='paired'>Paired differences to {html.escape(baseline)}</h3><p class='note'>design \u2212 "
        "baseline on the same point and seed (common random numbers); 95% t interval, paired t and "
        "Wilcoxon p-values.</p>"
        + table(columns, rows, [False, False, *[True] * 6], summary="every design and headline outcome")
    )


def _loss(account: pd.DataFrame, baseline: str, top: str | None) -> str:
    others = [d for d in account["design"].unique() if d != top]
    out = (
        f"<h3 id='loss'>Loss accounts against {html.escape(baseline)}</h3><p class='note'>The same "
        "account as in the answer for every design"
        f"{f' (besides {html.escape(top)}, shown there)' if top and others else ''}. Method and limits: "
        "docs/loss_account.md.</p>"
    )
    for design in others:
        out += _figure(figures.waterfall(account, design, baseline))
    shown = account[["design", "account", "label", "value", "ci_low", "ci_high"]]
    rows = [
        [
            html.escape(str(r.design)),
            r.account,
            html.escape(str(r.label)),
            diff(r.value, "EUR", (r.ci_low, r.ci_high)),
            interval(r.ci_low, r.ci_high, "EUR"),
        ]
        for r in shown.itertuples(index=False)
    ]
    columns = ["design", "account", "channel", "EUR", "95 % CI"]
    return out + table(
        columns, rows, [False, False, False, True, True], summary="every account with 95% CIs", collapse=True
    )


def _sensitivity(runs: pd.DataFrame, sampling: dict[str, Any] | None) -> str:
    if not sampling or sampling.get("method") not in ("morris", "sobol"):
        return ""
    out = f"<h3 id='sensitivity'>Sensitivity ({sampling['method']})</h3>"
    try:
        table_ = indices(runs, sampling)
    except ValueError as err:
        return out + f"<p class='note'>Not computed: {html.escape(str(err))}.</p>"
    for design in table_["design"].unique():
        out += _figure(figures.sensitivity_bars(table_, design))
    return out + frame_table(table_, summary="indices with 95% confidence", collapse=True)


def _answer(
    runs: pd.DataFrame,
    baseline: str,
    weeks: int | None,
    comparable: bool,
    account: pd.DataFrame | None,
    sensitivity: bool,
) -> str:
    out = "<h2 id='answer'>The answer</h2>"
    if not comparable:
        where = (
            " (see <a href='#sensitivity'>Sensitivity</a> for what moves the outcomes)" if sensitivity else ""
        )
        return out + (
            "<p>One design only, or no ok run of the baseline: there are no designs to rank. The means "
            f"per outcome are under Details{where}.</p>"
        )
    words = "".join(f"<li>{html.escape(s)}</li>" for s in report_answer.sentences(runs, baseline, weeks))
    out += f"<h3 id='in-words'>In words</h3><ul class='findings'>{words}</ul>"
    out += report_answer.rankings(runs, baseline)
    if account is None:
        return (
            out
            + "<p class='note'>No loss account: these results predate its totals (run the sweep again).</p>"
        )
    return out + report_answer.loss(account, runs, baseline, _figure)


def _toc(body: str) -> str:
    """A table of contents of the h2 and h3 headings that carry an id, h3 nested under their h2."""
    tree: list[tuple[str, list[str]]] = []
    for level, ident, title in re.findall(r"<h([23]) id='([^']+)'>(.*?)</h\1>", body):
        link = f"<a href='#{ident}'>{re.sub('<[^>]+>', '', title)}</a>"
        if level == "2" or not tree:
            tree.append((link, []))
        else:
            tree[-1][1].append(link)
    items = "".join(
        f"<li>{link}" + (f"<ol><li>{'</li><li>'.join(subs)}</li></ol>" if subs else "") + "</li>"
        for link, subs in tree
    )
    return f"<nav class='toc'><strong>Contents</strong><ol>{items}</ol></nav>"


def write_report(results: ResultsLike, path: str | Path) -> Path:
    """Write the HTML report of `results` to `path` (parents created) and return the path.

    The answer comes first (headline differences in words, designs ranked per headline outcome with
    paired 95% CIs, the top design's loss account), then the details (provenance, failures, designs
    over time, means, paired differences, every loss account, sensitivity).
    """
    runs, weekly, manifest = results.runs, results.weekly, results.manifest
    designs = list(dict.fromkeys(runs["design"]))
    baseline = manifest.get("baseline") or designs[0]
    shown = report_answer.shown(runs)
    weeks = manifest.get("spec", {}).get("weeks")
    comparable = report_answer.comparable(runs, baseline)  # not with one design, or no ok baseline run
    # None also for results written before the loss account's weeks-left totals were recorded.
    account = loss_account(runs, baseline) if comparable and recorded(runs) else None
    details = [_header(manifest, runs), _failures(runs), _over_time(runs, weekly), _summary(runs, shown)]
    if comparable:
        details.append(_paired(runs, baseline, shown))
    if account is not None:
        top = report_answer.top_design(runs, baseline)
        details.append(_loss(account, baseline, top and top[0]))
    details.append(_sensitivity(runs, manifest.get("sampling")))
    if comparable:  # sweeps that sample uncertainties: where each design wins (PRIM boxes in words)
        from experiments.report_discovery import section

        details.append(section(runs, manifest, baseline))
    answer = _answer(runs, baseline, weeks, comparable, account, "id='sensitivity'" in "".join(details))
    answer += report_robust.section(runs, manifest)  # "" unless the spec samples uncertainties
    from experiments.map_report import map_section  # a map's folder opens with the map (issue 16)

    body = map_section(getattr(results, "path", None)) + answer + "<h2 id='details'>Details</h2>"
    body += "".join(details)
    name = manifest.get("spec", {}).get("name", Path(path).stem)
    return write_page(path, f"Truce report: {name}", _scope(manifest, runs, designs, baseline), body)


def write_page(path: str | Path, title: str, scope: str, body: str) -> Path:
    """The report's page around `body` (contents from its headings, one style, plotly.js inline so it
    opens offline), written atomically: a failed write leaves no half page."""
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<style>{STYLE}</style><script type="text/javascript">{get_plotlyjs()}</script></head>'
        f"<body><div class='layout'>{_toc(body)}<main>{scope}{body}</main></div></body></html>\n"
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, page)
    return path
