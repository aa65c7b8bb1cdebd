"""Write docs/sensitivity/: the Morris and Sobol indices as CSV tables, SVG charts and README.md.

The numbers are computed, never typed: the script reads the two results folders that
`truce sweep experiments/specs/morris.toml` and `.../sobol.toml` wrote, computes the indices with 95%
bootstrap confidence through `experiments.sensitivity` (fixed resampling seed, so a rerun writes the
same files), and takes the sample sizes, run times and provenance from the folders' manifests. Only
the reading of the results is written by hand; a rerun keeps it (the text between the reading markers).

    .venv/bin/python docs/sensitivity/make.py [MORRIS_DIR] [SOBOL_DIR]
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import urllib.parse
from datetime import datetime
from pathlib import Path

import pandas as pd
import plotly
import plotly.graph_objects as go

import experiments
from experiments.figures import sensitivity_bars
from experiments.report import number
from experiments.sensitivity import OUTCOMES, indices
from experiments.validation import registry

HERE = Path(__file__).resolve().parent
#: Bootstrap resamples behind the 95% intervals, and their seed (fixed, so a rerun writes the same files).
RESAMPLES, SEED = 1000, 1
TOP = 15  # Morris parameters shown per outcome
#: Outcomes the Sobol parameters were chosen for (the issue's revenue, churn and turnover), by the label
#: the indices carry (the declared description); the other headline outcomes are shown, but the other two
#: departments' turnover has a Morris ranking that is mostly noise (see the reading).
SELECT = [
    label
    for label, metric in OUTCOMES.items()
    if metric in ("total_revenue", "annual_churn_rate", "sales_turnover_annual")
]
START, END = "<!-- reading:start -->", "<!-- reading:end -->"
COMMANDS = """\
.venv/bin/truce sweep experiments/specs/morris.toml --out results/morris --workers 1
.venv/bin/truce sweep experiments/specs/sobol.toml --out results/sobol --workers 1
.venv/bin/python docs/sensitivity/make.py results/morris results/sobol"""


def analyse(results: experiments.Results, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy indices of one folder, and the same wide (one row per outcome x parameter) as CSV.

    Morris rows also get mu_star_norm = mu_star / the outcome's largest mu_star, which puts money
    and rates on one scale: it is how the Sobol parameters were chosen.
    """
    tidy = indices(results.runs, results.manifest["sampling"], num_resamples=RESAMPLES, seed=SEED)
    wide = tidy.pivot_table(
        index=["outcome", "metric", "parameter"], columns="index", values=["value", "conf"]
    )
    wide.columns = [i if kind == "value" else f"{i}_conf" for kind, i in wide.columns]
    wide = wide.dropna(axis=1, how="all").reset_index()
    wide.insert(3, "kind", wide["parameter"].map(lambda p: registry()[p].kind))
    main = "mu_star" if "mu_star" in wide else "ST"
    if main == "mu_star":
        wide["mu_star_norm"] = wide["mu_star"] / wide.groupby("outcome")["mu_star"].transform("max")
    rank = {o: i for i, o in enumerate(dict.fromkeys(tidy["outcome"]))}
    wide = wide.assign(_o=wide["outcome"].map(rank)).sort_values(["_o", main], ascending=[True, False])
    wide = wide.drop(columns="_o").reset_index(drop=True)
    wide.to_csv(HERE / f"{name}_indices.csv", index=False, float_format="%.6g")
    return tidy, wide


def charts(morris: pd.DataFrame, sobol: pd.DataFrame) -> dict[str, go.Figure]:
    """Morris mu* of the top parameters, one chart per outcome (each in its own unit); Sobol S1 and
    ST of every sampled parameter, all outcomes side by side (indices are shares, one scale)."""
    figs = {}
    for outcome, rows in morris[morris["index"] == "mu_star"].groupby("outcome", sort=False):
        top = rows.nlargest(TOP, "value")
        fig = sensitivity_bars(top, top["design"].iloc[0]).update_xaxes(
            title_text=f"mu* of {top['metric'].iloc[0]}"
        )
        title = f"Morris mu* with 95% CI: {outcome} ({top['metric'].iloc[0]}), top {len(top)} of {len(rows)}"
        figs[f"morris_{top['metric'].iloc[0]}"] = fig.update_layout(title_text=title, showlegend=False)
    order = sobol[sobol["index"] == "ST"].groupby("parameter")["value"].mean().sort_values(ascending=False)
    ranked = sobol.sort_values("parameter", key=lambda s: s.map(order.rank(ascending=False)), kind="stable")
    fig = sensitivity_bars(ranked, ranked["design"].iloc[0])
    figs["sobol"] = fig.update_layout(title_text="Sobol first-order (S1) and total (ST) indices with 95% CI")
    return figs


def svg(figs: dict[str, go.Figure], width: int = 1100) -> None:
    """Save each figure as HERE/<name>.svg, drawn by plotly.js in headless Chromium.

    Kaleido is no dependency, Playwright (dev) and Debian's Chromium are. plotly.js is the copy bundled
    in the plotly package, injected as text, so nothing is fetched. plotly.js names the clip paths
    after a random id; it is replaced by the figure's name, so an unchanged chart is an unchanged file.
    """
    from playwright.sync_api import sync_playwright

    script = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content("<div id='f'></div>")
        page.add_script_tag(content=script.read_text(encoding="utf-8"))
        for name, fig in figs.items():
            fig.update_yaxes(automargin=True)
            url = page.evaluate(
                "async ([fig, w]) => { await Plotly.react('f', fig.data, fig.layout);"
                " return Plotly.toImage('f', {format: 'svg', width: w, height: fig.layout.height}); }",
                [json.loads(fig.to_json()), width],
            )
            head, _, data = url.partition(",")
            text = base64.b64decode(data).decode() if head.endswith(";base64") else urllib.parse.unquote(data)
            uid = re.search(r'id="defs-(\w+)"', text).group(1)  # random per drawing
            text = re.sub(rf"(defs-|clip|legend){uid}", rf"\g<1>{name}", text)
            (HERE / f"{name}.svg").write_text(text, encoding="utf-8")
        browser.close()


def table(frame: pd.DataFrame) -> str:
    """A markdown table, cells formatted as in the HTML report."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|---" * len(frame.columns) + "|"]
    lines += ["| " + " | ".join(map(number, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def facts(results: experiments.Results) -> dict[str, str]:
    """Sample sizes, run counts, run time and provenance of one folder, from its manifest."""
    m, runs = results.manifest, results.runs
    s, spec, prov = m["sampling"], m["spec"], m["provenance"]
    k, points = s["problem"]["num_vars"], len(s["X"])
    if s["method"] == "morris":
        size = (
            f"r = {s['samples']} trajectories, {s['num_levels']} levels, k = {k}: r(k + 1) = {points} points"
        )
    else:
        order = "with" if s["calc_second_order"] else "without"
        size = f"N = {s['samples']}, k = {k}, {order} second order: N(k + 2) = {points} points"
    stamp = "%Y-%m-%dT%H:%M:%S%z"
    seconds = sum(
        (datetime.strptime(x["finished"], stamp) - datetime.strptime(x["started"], stamp)).total_seconds()
        for x in m["sessions"]
    )
    c = m["counts"]
    return {
        "sample": size + f", sampler seed {s['seed']}",
        "runs": f"{points} points x {spec['replications']} replication(s) x {len(m['designs'])} design "
        f"({', '.join(m['designs'])}) = {c['total']} runs of {spec['weeks']} weeks; "
        f"{c['ok']} ok, {c['failed']} failed",
        "run time": f"{seconds / 60:.0f} min on one worker ({seconds / max(1, len(runs)):.2f} s per run), "
        f"{len(m['sessions'])} session(s), {m['started']} to {m['finished']}",
        "git commit": f"{prov['git_commit']}{' (with uncommitted changes)' if prov['git_dirty'] else ''}",
        "software": f"Python {prov['python']} on {prov['platform']}; "
        + ", ".join(f"{k} {v}" for k, v in prov["packages"].items() if v),
    }


def _facts(results: experiments.Results, title: str) -> list[str]:
    spec = results.manifest["spec_file"] or results.manifest["spec"]["name"]
    return [
        "",
        f"## {title}: `{Path(spec).name}`",
        "",
        *(f"- **{k}**: {v}" for k, v in facts(results).items()),
    ]


def morris_section(results: experiments.Results, wide: pd.DataFrame, chosen: list[str]) -> list[str]:
    """The selection table (normalised mu* of every outcome), then the top parameters per outcome."""
    outcomes = list(dict.fromkeys(wide["outcome"]))
    norm = wide.pivot(index="parameter", columns="outcome", values="mu_star_norm")[outcomes]
    key = f"largest of {', '.join(SELECT)}"
    norm = norm.assign(**{key: norm[SELECT].max(axis=1)}).sort_values(key, ascending=False).head(20)
    norm.insert(0, "in Sobol", ["yes" if p in chosen else "" for p in norm.index])
    out = [*_facts(results, "Morris screening"), ""]
    out += [f"### Normalised mu* (mu* / the outcome's largest), top 20 by the {key}", ""]
    out += ["The Sobol parameters were chosen from this table.", "", table(norm.reset_index())]
    for outcome, rows in wide.groupby("outcome", sort=False):
        shown = rows.head(TOP)[
            ["parameter", "kind", "mu_star", "mu_star_conf", "mu", "sigma", "mu_star_norm"]
        ]
        out += ["", f"### {outcome} (`{rows['metric'].iloc[0]}`)", ""]
        out += [f"![Morris {outcome}](morris_{rows['metric'].iloc[0]}.svg)", ""]
        out += [table(shown.rename(columns={"mu_star_conf": "mu_star ±95%"}))]
    return out


def sobol_section(results: experiments.Results, wide: pd.DataFrame) -> list[str]:
    """The chart, then S1 and ST of every parameter per outcome with their sums."""
    out = [*_facts(results, "Sobol analysis"), "", "![Sobol indices](sobol.svg)"]
    for outcome, rows in wide.groupby("outcome", sort=False):
        shown = rows[["parameter", "kind", "S1", "S1_conf", "ST", "ST_conf"]]
        total = pd.DataFrame([["sum", "", rows["S1"].sum(), "", rows["ST"].sum(), ""]], columns=shown.columns)
        shown = pd.concat([shown, total]).rename(columns={"S1_conf": "S1 ±95%", "ST_conf": "ST ±95%"})
        out += ["", f"### {outcome} (`{rows['metric'].iloc[0]}`)", "", table(shown)]
    return out


def readme(
    morris: experiments.Results, mwide: pd.DataFrame, sobol: experiments.Results, swide: pd.DataFrame
) -> str:
    """README.md: how the results were made, the kept hand-written reading, the tables and charts."""
    old = (HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else ""
    reading = old.split(START)[1].split(END)[0].strip() if START in old else "_To be written._"
    out = [
        "# Sensitivity of the headline outcomes to every lever and uncertainty",
        "",
        "Generated by `docs/sensitivity/make.py` from two sweeps of the siloed company; edit only the "
        "reading by hand. Indices are computed on the outcome per sample point (the mean over its "
        f"replications), with 95% bootstrap confidence intervals ({RESAMPLES} resamples, seed {SEED}). "
        "Morris: mu* is the mean absolute elementary effect (overall influence, in the outcome's unit), mu "
        "the mean signed effect (direction), sigma their spread (interactions, non-linearity or noise). "
        "Sobol: S1 is the share of the outcome's variance a parameter explains alone, ST with all its "
        "interactions. Every index is in `morris_indices.csv` and `sobol_indices.csv`.",
        "",
        "## Reproduce",
        "",
        "```sh",
        COMMANDS,
        "```",
        "",
        "Sweeps resume: rerunning a command continues where it stopped. The numbers do not depend on the "
        "output folder or the number of workers.",
        "",
        "## Reading",
        "",
        START,
        reading,
        END,
    ]
    out += morris_section(morris, mwide, sobol.manifest["sampling"]["problem"]["names"])
    out += sobol_section(sobol, swide)
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("morris", nargs="?", default="results/morris", help="Morris results folder")
    parser.add_argument("sobol", nargs="?", default="results/sobol", help="Sobol results folder")
    args = parser.parse_args()
    morris, sobol = experiments.load(args.morris), experiments.load(args.sobol)
    mtidy, mwide = analyse(morris, "morris")
    stidy, swide = analyse(sobol, "sobol")
    svg(charts(mtidy, stidy))
    (HERE / "README.md").write_text(readme(morris, mwide, sobol, swide), encoding="utf-8")


if __name__ == "__main__":
    main()
