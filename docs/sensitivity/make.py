"""Write docs/sensitivity/: Morris, Sobol and design-difference indices as CSV, SVG charts and README.md.

The numbers are computed, never typed: the script reads the four results folders that `truce sweep`
wrote from experiments/specs/morris.toml, sobol_noise.toml, sobol.toml and morris_designs.toml,
computes the indices with 95% bootstrap confidence through `experiments.sensitivity` (fixed resampling
seed, so a rerun writes the same files), measures the seed noise from the replications, and takes the
sample sizes, run times and provenance from the folders' manifests. Only the reading of the results is
written by hand; a rerun keeps it (the text between the reading markers).

    .venv/bin/python docs/sensitivity/make.py [MORRIS_DIR] [SOBOL_DIR] [DESIGNS_DIR] [NOISE_DIR]
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import re
import urllib.parse
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import plotly
import plotly.graph_objects as go

import experiments
from experiments.figures import sensitivity_bars
from experiments.report import number
from experiments.sensitivity import OUTCOMES, differences, elementary_effects, indices, point_means
from experiments.stats import ok_runs
from experiments.validation import registry

HERE = Path(__file__).resolve().parent
#: Bootstrap resamples behind the 95% intervals, and their seed (fixed, so a rerun writes the same files).
RESAMPLES, SEED = 1000, 1
TOP = 15  # Morris parameters shown per outcome
TOP_CHART = 10  # parameters per outcome in a design-difference chart
LARGEST = "largest above the floor"
MORRIS_COLUMNS = [
    "parameter",
    "kind",
    "mu_star",
    "mu_star_conf",
    "mu_star_median",
    "mu",
    "sigma",
    "mu_star_norm",
]
MORRIS_NAMES = {"mu_star_conf": "mu_star ±95%", "mu_star_median": "median abs EE"}
#: The design every other design is compared with, on common seeds.
BASELINE = "siloed"
#: Design differences screened: label -> (metric in the difference frame, summary metric, better if).
#: Revenue as a share of the baseline's revenue, so that market size (which scales both designs) does
#: not pass for a change in the ranking; profit in EUR, as a company would count it; churn in points.
DIFFERENCES = {
    "Profit difference": ("profit", "profit", "higher"),
    "Revenue difference (share of siloed revenue)": ("total_revenue_relative", "total_revenue", "higher"),
    "Churn difference": ("annual_churn_rate", "annual_churn_rate", "lower"),
}
START, END = "<!-- reading:start -->", "<!-- reading:end -->"
COMMANDS = """\
.venv/bin/truce sweep experiments/specs/morris.toml --out results/morris --workers 2
.venv/bin/truce sweep experiments/specs/morris_designs.toml --out results/morris_designs --workers 2
.venv/bin/truce sweep experiments/specs/sobol_noise.toml --out results/sobol_noise --workers 2
.venv/bin/truce sweep experiments/specs/sobol.toml --out results/sobol --workers 2
.venv/bin/python docs/sensitivity/make.py \\
    results/morris results/sobol results/morris_designs results/sobol_noise"""


# ------------------------------------------------------------------------------------------- indices


def analyse(
    runs: pd.DataFrame, sampling: dict, name: str, outcomes: dict[str, str] = OUTCOMES
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy indices of one sweep, and the same wide (one row per design x outcome x parameter) as CSV.

    Morris rows also get mu_star_norm = mu_star / the outcome's largest mu_star (per design), which
    puts money and rates on one scale: it is how the Sobol parameters were chosen.
    """
    tidy = indices(runs, sampling, outcomes, num_resamples=RESAMPLES, seed=SEED)
    keys = ["design", "outcome", "metric", "parameter"]
    wide = tidy.pivot_table(index=keys, columns="index", values=["value", "conf"], sort=False)
    wide.columns = [i if kind == "value" else f"{i}_conf" for kind, i in wide.columns]
    wide = wide.dropna(axis=1, how="all").reset_index()
    wide.insert(4, "kind", wide["parameter"].map(lambda p: registry()[p].kind))
    main = "mu_star" if "mu_star" in wide else "ST"
    if main == "mu_star":
        top = wide.groupby(["design", "outcome"])["mu_star"].transform("max")
        wide["mu_star_norm"] = (wide["mu_star"] / top.where(top > 0)).fillna(0.0)
        wide["mu_star_median"] = _medians(runs, sampling, wide)
    rank = {k: i for i, k in enumerate(dict.fromkeys(zip(tidy["design"], tidy["outcome"], strict=True)))}
    order = wide.apply(lambda r: rank[(r["design"], r["outcome"])], axis=1)
    wide = wide.assign(_o=order).sort_values(["_o", main], ascending=[True, False], kind="stable")
    wide = wide.drop(columns="_o").reset_index(drop=True)
    columns = [c for c in wide.columns if not (c == "design" and wide["design"].nunique() == 1)]
    wide[columns].to_csv(HERE / f"{name}_indices.csv", index=False, float_format="%.6g")
    return tidy, wide


def _medians(runs: pd.DataFrame, sampling: dict, wide: pd.DataFrame) -> pd.Series:
    """Per row of `wide`, the median over the trajectories of the absolute elementary effect: a mu*
    that one trajectory through a tipping point cannot make on its own."""
    names = sampling["problem"]["names"]
    out = pd.Series(np.nan, index=wide.index)
    for (design, metric), rows in wide.groupby(["design", "metric"], sort=False):
        y = point_means(runs[runs["design"] == design], metric, len(sampling["X"]))
        median = dict(zip(names, np.median(np.abs(elementary_effects(sampling, y)), axis=0), strict=True))
        out[rows.index] = rows["parameter"].map(median)
    return out


def pairs(results: experiments.Results) -> pd.DataFrame:
    """The design sweep as paired differences to the baseline, one row per pair of ok runs."""
    metrics = list(dict.fromkeys(m for _, m, _ in DIFFERENCES.values()))
    return differences(results.runs, BASELINE, metrics, relative=["total_revenue"])


# --------------------------------------------------------------------------------------------- noise


def noise(runs: pd.DataFrame, outcomes: dict[str, str]) -> pd.DataFrame:
    """Per design and outcome: the seed noise at a point against the spread between points.

    `replication_sd`: the square root of the mean over points of the variance between a point's
    replications (different seeds, same parameters); `between_sd`: the spread of the point's expected
    value, the variance of the point means less the noise left in them (within / replications).
    """
    rows = []
    for design, group in ok_runs(runs).groupby("design", sort=False):
        for outcome, metric in outcomes.items():
            by_point = group.groupby("point")[metric]
            within = float(by_point.var(ddof=1).mean())
            reps = float(by_point.size().mean())
            means = float(by_point.mean().var(ddof=1))
            between = max(0.0, means - within / reps)
            rows.append((design, outcome, metric, by_point.ngroups, reps, within, between, means))
    columns = ["design", "outcome", "metric", "points", "replications", "within", "between", "means"]
    return pd.DataFrame(rows, columns=columns)


def noise_share(within: float, between: float, replications: float) -> float:
    """Share of the variance of a point's mean over `replications` seeds that is seed noise."""
    left = within / replications
    return left / (between + left) if between + left > 0 else 0.0


def floor(replication_sd: float, num_levels: int) -> float:
    """mu* of a parameter that changes nothing but the seed's path: E|e1 - e2| / delta for independent
    noise e of sd `replication_sd` at two neighbouring points (SALib's step delta = p / (2 (p - 1)))."""
    delta = num_levels / (2 * (num_levels - 1))
    return 2 * replication_sd / math.sqrt(math.pi) / delta


# -------------------------------------------------------------------------------------------- charts


def _floor_line(fig: go.Figure, x: float, col: int = 1) -> go.Figure:
    return fig.add_vline(
        x=x, line_dash="dot", line_color="grey", annotation_text="seed-noise floor", row=1, col=col
    )


def charts(
    morris: pd.DataFrame,
    sobol: pd.DataFrame,
    designs: pd.DataFrame,
    floors: dict[str, float],
    dfloors: dict[tuple[str, str], float],
) -> dict[str, go.Figure]:
    """Morris mu* of the top parameters, one chart per outcome (each in its own unit); Sobol S1 and
    ST of every sampled parameter, all outcomes side by side (indices are shares, one scale); the
    design differences' mu*, one chart per pair of designs (its top parameters per outcome). Morris
    charts mark the seed-noise floor with a dotted line."""
    figs = {}
    for outcome, rows in morris[morris["index"] == "mu_star"].groupby("outcome", sort=False):
        top = rows.nlargest(TOP, "value")
        metric = top["metric"].iloc[0]
        fig = sensitivity_bars(top, top["design"].iloc[0]).update_xaxes(title_text=f"mu* of {metric}")
        title = f"Morris mu* with 95% CI: {outcome} ({metric}), top {len(top)} of {len(rows)}"
        fig = _floor_line(fig, floors[outcome])
        figs[f"morris_{metric}"] = fig.update_layout(title_text=title, showlegend=False)
    order = sobol[sobol["index"] == "ST"].groupby("parameter")["value"].mean().sort_values(ascending=False)
    ranked = sobol.sort_values("parameter", key=lambda s: s.map(order.rank(ascending=False)), kind="stable")
    fig = sensitivity_bars(ranked, ranked["design"].iloc[0])
    figs["sobol"] = fig.update_layout(title_text="Sobol first-order (S1) and total (ST) indices with 95% CI")
    mu_star = designs[designs["index"] == "mu_star"]
    for pair, rows in mu_star.groupby("design", sort=False):
        norm = rows["value"] / rows.groupby("outcome")["value"].transform("max")
        chosen = rows.assign(norm=norm).groupby("parameter")["norm"].max().nlargest(3 * TOP_CHART)
        chosen = [p for p in chosen.index if p in _tops(rows, TOP_CHART)]
        shown = rows[rows["parameter"].isin(chosen)]
        shown = shown.sort_values("parameter", key=lambda s: s.map({p: i for i, p in enumerate(chosen)}))
        fig = sensitivity_bars(shown, pair)
        for col, outcome in enumerate(dict.fromkeys(shown["outcome"]), start=1):
            if (pair, outcome) in dfloors:
                fig = _floor_line(fig, dfloors[(pair, outcome)], col)
        title = f"Morris mu* with 95% CI of the paired difference {pair}: the top {TOP_CHART} per outcome"
        figs[f"morris_designs_{pair.split(' ')[0]}"] = fig.update_layout(title_text=title, showlegend=False)
    return figs


def _tops(rows: pd.DataFrame, n: int) -> set[str]:
    return {p for _, r in rows.groupby("outcome") for p in r.nlargest(n, "value")["parameter"]}


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
    for stale in set(HERE.glob("*.svg")) - {HERE / f"{name}.svg" for name in figs}:
        stale.unlink()  # a chart no longer drawn (an outcome renamed or dropped)


# -------------------------------------------------------------------------------------------- README


def table(frame: pd.DataFrame) -> str:
    """A markdown table, cells formatted as in the HTML report."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|---" * len(frame.columns) + "|"]
    lines += ["| " + " | ".join(map(number, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _seconds(manifest: dict) -> float:
    stamp = "%Y-%m-%dT%H:%M:%S%z"
    return sum(
        (datetime.strptime(x["finished"], stamp) - datetime.strptime(x["started"], stamp)).total_seconds()
        for x in manifest["sessions"]
        if x.get("finished")
    )


def facts(results: experiments.Results) -> dict[str, str]:
    """Sample sizes, run counts, run time and provenance of one folder, from its manifest."""
    m, runs = results.manifest, results.runs
    s, spec, prov = m["sampling"], m["spec"], m["provenance"]
    k, points = s["problem"]["num_vars"], len(s["X"])
    if s["method"] == "morris":
        size = (
            f"r = {s['samples']} trajectories, {s['num_levels']} levels, k = {k}: r(k + 1) = {points} points"
        )
    elif s["method"] == "sobol":
        order = "with" if s["calc_second_order"] else "without"
        size = f"N = {s['samples']}, k = {k}, {order} second order: N(k + 2) = {points} points"
    else:
        size = f"{s['method']}, {points} points over k = {k} parameters"
    seconds = _seconds(m)
    c = m["counts"]
    designs = m["designs"]
    return {
        "sample": size + f", sampler seed {s['seed']}",
        "runs": f"{points} points x {spec['replications']} replication(s) x {len(designs)} design(s) "
        f"({', '.join(designs)}) = {c['total']} runs of {spec['weeks']} weeks; "
        f"{c['ok']} ok, {c['failed']} failed",
        "run time": f"{seconds / 60:.1f} min of wall time ({seconds / max(1, len(runs)):.3f} s per run), "
        f"{len(m['sessions'])} session(s), {m['started']} to {m['finished']}",
        "git commit": f"{prov['git_commit']}{' (with uncommitted changes)' if prov['git_dirty'] else ''}",
        "software": f"Python {prov['python']} on {prov['platform']}; "
        + ", ".join(f"{k} {v}" for k, v in prov["packages"].items() if v),
    }


def run_times(folders: dict[str, experiments.Results]) -> list[str]:
    """One row per sweep: its spec, runs and wall time, and the total."""
    rows = []
    for results in folders.values():
        m = results.manifest
        seconds = _seconds(m)
        spec = Path(m["spec_file"] or m["spec"]["name"]).name
        rows.append([f"`{spec}`", m["counts"]["total"], seconds / 60, seconds / max(1, m["counts"]["total"])])
    total = sum(r[2] for r in rows)
    rows.append(["all", sum(r[1] for r in rows), total, total * 60 / max(1, sum(r[1] for r in rows))])
    frame = pd.DataFrame(rows, columns=["sweep", "runs", "wall time (min)", "s per run"])
    return [table(frame)]


def _facts(results: experiments.Results, title: str) -> list[str]:
    spec = results.manifest["spec_file"] or results.manifest["spec"]["name"]
    return [
        "",
        f"## {title}: `{Path(spec).name}`",
        "",
        *(f"- **{k}**: {v}" for k, v in facts(results).items()),
    ]


def _short(outcome: str) -> str:
    """A column heading: "sales turnover" for "Staff turnover in sales"."""
    turnover = re.fullmatch(r"Staff turnover in (\w+)", outcome)
    return (
        f"{turnover.group(1)} turnover"
        if turnover
        else outcome.replace("Customer churn rate", "churn").lower()
    )


def morris_section(
    results: experiments.Results, wide: pd.DataFrame, chosen: list[str], floors: dict[str, float]
) -> list[str]:
    """The selection table (normalised mu* of every outcome), the constants' table, then the top
    parameters per outcome."""
    outcomes = list(dict.fromkeys(wide["outcome"]))
    norm = wide.pivot(index="parameter", columns="outcome", values="mu_star_norm")[outcomes]
    top = wide.groupby("outcome")["mu_star"].max()
    floor_row = pd.DataFrame([{o: floors[o] / top[o] for o in outcomes}], index=["(seed-noise floor)"])
    short = {o: _short(o) for o in outcomes}
    above = norm.where(norm.gt(floor_row.iloc[0], axis=1), 0.0)
    norm = norm.assign(**{LARGEST: above.max(axis=1)}).sort_values(LARGEST, ascending=False)
    kinds = wide.drop_duplicates("parameter").set_index("parameter")["kind"]

    def shown(frame: pd.DataFrame, n: int, sobol: bool) -> str:
        frame = frame.head(n).copy()
        if sobol:
            frame.insert(0, "in Sobol", ["yes" if p in chosen else "" for p in frame.index])
        frame.insert(0, "kind", kinds.reindex(frame.index).tolist())
        both = pd.concat(
            [floor_row.assign(**{LARGEST: "", "kind": ""}, **({"in Sobol": ""} if sobol else {})), frame]
        )
        return table(both[frame.columns].rename(columns=short).rename_axis("parameter").reset_index())

    top3 = dict.fromkeys(p for o in outcomes for p in norm[o].nlargest(3).index)
    missing = [p for p in top3 if p not in chosen]
    choice = (
        "The Sobol parameters are the three largest mu* of each outcome in this screening."
        if not missing
        else "The Sobol parameters were chosen as the three largest mu* of each outcome in an earlier "
        "screening (experiments/specs/sobol.toml); of this screening's three largest, "
        f"{len(missing)} are not among them: " + ", ".join(f"`{p}`" for p in missing) + "."
    )
    out = [*_facts(results, "Morris screening"), ""]
    out += [
        "### Normalised mu* (mu* / the outcome's largest), the top 25 of all parameters",
        "",
        "The first row is the seed-noise floor (below) on the same scale: a parameter at or under it in "
        "an outcome's column is not told apart from the seed's luck there. Ranked by the largest value "
        f"above the floor over the outcomes. {choice}",
        "",
        shown(norm, 25, sobol=True),
        "",
        "### Behavioural constants: the top 20 by normalised mu*",
        "",
        "The model's assumptions (sim/constants/*.toml), each over its registry range: where a constant "
        "is high, the results lean on a number nobody measured.",
        "",
        shown(norm[kinds.reindex(norm.index) == "constant"], 20, sobol=False),
    ]
    for outcome, rows in wide.groupby("outcome", sort=False):
        cells = rows.head(TOP)[MORRIS_COLUMNS]
        metric = rows["metric"].iloc[0]
        out += ["", f"### {outcome} (`{metric}`)", ""]
        out += [f"Seed-noise floor of mu*: {number(floors[outcome])}.", ""]
        out += [f"![Morris {outcome}](morris_{metric}.svg)", ""]
        out += [table(cells.rename(columns=MORRIS_NAMES))]
    return out


def noise_section(
    results: experiments.Results, pilot: pd.DataFrame, reps: int, sobol: pd.DataFrame, levels: int
) -> list[str]:
    """The pilot's noise against the spread between points, and what is left at the Sobol sweep's N."""
    out = [*_facts(results, "Seed noise and the replications per point"), ""]
    rows = []
    for r in pilot.itertuples():
        if r.design != BASELINE:
            continue
        realised = sobol[sobol["metric"] == r.metric].iloc[0]
        rows.append(
            [
                r.outcome,
                math.sqrt(r.within),
                math.sqrt(r.between),
                noise_share(r.within, r.between, 1),
                noise_share(r.within, r.between, reps),
                (realised["within"] / realised["replications"]) / realised["means"],
            ]
        )
    columns = [
        "outcome",
        "replication sd",
        "between-point sd",
        "noise share, 1 replication",
        f"noise share, {reps} replications",
        f"in the Sobol sweep ({reps} replications)",
    ]
    out += [
        "Noise share: of the variance of a point's mean over R seeds, the part that is the seeds' and not "
        "the parameters' (within / R over between + within / R). It is what every Sobol ST is inflated "
        "by and S1 deflated by, so it is the floor under the Sobol indices. The last column measures it "
        "again in the Sobol sweep itself, from the replications of every point. The seed-noise floor of "
        "a Morris mu* (given with each Morris table) is the mu* of a parameter that changes nothing but "
        "the path of the random draws: with independent noise of the replication sd at two neighbouring "
        "points, 2 sd / sqrt(pi) / delta = 1.69 sd (delta = 2/3, SALib's step at 4 levels). It is an upper "
        "bound: on common random numbers neighbouring points share their seed, so their noise partly "
        "cancels.",
        "",
        table(pd.DataFrame(rows, columns=columns)),
    ]
    diff = pilot[pilot["design"].str.contains(" - ")]
    if len(diff):
        out += [
            "",
            "Paired differences to `siloed` at the pilot's points (same point, same seed): replication sd "
            "of the difference and the seed-noise floor of its Morris mu*.",
            "",
            table(
                pd.DataFrame(
                    [
                        [
                            r.design,
                            r.outcome,
                            math.sqrt(r.within),
                            math.sqrt(r.between),
                            floor(math.sqrt(r.within), levels),
                        ]
                        for r in diff.itertuples()
                    ],
                    columns=["pair", "outcome", "replication sd", "between-point sd", "floor of mu*"],
                )
            ),
        ]
    return out


def sobol_section(results: experiments.Results, wide: pd.DataFrame, realised: pd.DataFrame) -> list[str]:
    """The chart, then S1 and ST of every parameter per outcome with their sums."""
    out = [*_facts(results, "Sobol analysis"), "", "![Sobol indices](sobol.svg)"]
    for outcome, rows in wide.groupby("outcome", sort=False):
        shown = rows[["parameter", "kind", "S1", "S1_conf", "ST", "ST_conf"]]
        total = pd.DataFrame([["sum", "", rows["S1"].sum(), "", rows["ST"].sum(), ""]], columns=shown.columns)
        shown = pd.concat([shown, total]).rename(columns={"S1_conf": "S1 ±95%", "ST_conf": "ST ±95%"})
        r = realised[realised["outcome"] == outcome].iloc[0]
        share = (r["within"] / r["replications"]) / r["means"]
        out += ["", f"### {outcome} (`{rows['metric'].iloc[0]}`)", ""]
        out += [f"Noise share of the point means (the floor under each ST): {number(share)}.", ""]
        out += [table(shown)]
    return out


def designs_section(
    results: experiments.Results,
    diffs: pd.DataFrame,
    wide: pd.DataFrame,
    floors: dict[tuple[str, str], float],
) -> list[str]:
    """How the differences are spread over the points, then their top parameters per pair and outcome."""
    out = [*_facts(results, "Design differences"), ""]
    rows = []
    for pair, group in diffs.groupby("design", sort=False):
        for label, (column, _, better) in DIFFERENCES.items():
            x = group[column]
            wins = (x > 0) if better == "higher" else (x < 0)
            rows.append([pair, label, x.mean(), x.std(), x.quantile(0.1), x.quantile(0.9), wins.mean()])
    columns = [
        "pair",
        "difference",
        "mean",
        "sd",
        "10th percentile",
        "90th percentile",
        "share of points better",
    ]
    out += [
        "The difference at each sample point (one seed per point, the same for both designs), over all "
        "points of the screening: how often the other design beats `siloed` (higher profit or revenue, "
        "lower churn), and how far apart the designs land.",
        "",
        table(pd.DataFrame(rows, columns=columns)),
    ]
    for pair, rows in wide.groupby("design", sort=False):
        out += ["", f"### {pair}", "", f"![Morris {pair}](morris_designs_{pair.split(' ')[0]}.svg)"]
        for outcome, cells in rows.groupby("outcome", sort=False):
            cells = cells.head(TOP)[MORRIS_COLUMNS]
            out += ["", f"#### {outcome}", ""]
            robust = rows[rows["outcome"] == outcome].nlargest(5, "mu_star_median")
            listed = ", ".join(f"`{r.parameter}` {number(r.mu_star_median)}" for r in robust.itertuples())
            out += [
                f"Seed-noise floor of mu*: {number(floors.get((pair, outcome), math.nan))}. "
                f"Largest median abs EE: {listed}.",
                "",
            ]
            out += [table(cells.rename(columns=MORRIS_NAMES))]
    return out


def readme(parts: list[str]) -> str:
    """README.md: how the results were made, the kept hand-written reading, the tables and charts."""
    old = (HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else ""
    reading = old.split(START)[1].split(END)[0].strip() if START in old else "_To be written._"
    return "\n".join(parts).replace("{reading}", f"{START}\n{reading}\n{END}") + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("morris", nargs="?", default="results/morris", help="Morris results folder")
    parser.add_argument("sobol", nargs="?", default="results/sobol", help="Sobol results folder")
    parser.add_argument(
        "designs", nargs="?", default="results/morris_designs", help="design-difference folder"
    )
    parser.add_argument("noise", nargs="?", default="results/sobol_noise", help="seed-noise pilot folder")
    args = parser.parse_args()
    folders = {k: experiments.load(getattr(args, k)) for k in ("morris", "designs", "noise", "sobol")}
    morris, sobol, designs, pilot_results = (folders[k] for k in ("morris", "sobol", "designs", "noise"))

    mtidy, mwide = analyse(morris.runs, morris.manifest["sampling"], "morris")
    stidy, swide = analyse(sobol.runs, sobol.manifest["sampling"], "sobol")
    diffs = pairs(designs)
    labels = {label: column for label, (column, _, _) in DIFFERENCES.items()}
    dtidy, dwide = analyse(diffs, designs.manifest["sampling"], "morris_designs", labels)

    pilot = noise(pilot_results.runs, OUTCOMES)
    pilot_diffs = pairs(pilot_results) if len(pilot_results.manifest["designs"]) > 1 else None
    if pilot_diffs is not None:
        pilot = pd.concat([pilot, noise(pilot_diffs, labels)], ignore_index=True)
    pilot.to_csv(HERE / "noise.csv", index=False, float_format="%.6g")
    realised = noise(sobol.runs, OUTCOMES)
    levels = morris.manifest["sampling"]["num_levels"]
    base = pilot[pilot["design"] == BASELINE].set_index("outcome")["within"]
    floors = {o: floor(math.sqrt(base[o]), levels) for o in OUTCOMES}
    dfloors = {
        (r.design, r.outcome): floor(math.sqrt(r.within), levels)
        for r in pilot[pilot["design"].str.contains(" - ")].itertuples()
    }
    reps = sobol.manifest["spec"]["replications"]

    svg(charts(mtidy, stidy, dtidy, floors, dfloors))
    parts = [
        "# Sensitivity of the headline outcomes, and of the designs' ranking, to every parameter",
        "",
        "Generated by `docs/sensitivity/make.py` from four sweeps; edit only the reading by hand. Every "
        "lever, uncertainty and behavioural constant is screened (Morris) around the siloed company, the "
        "most influential are then measured (Sobol), and the paired differences between designs on common "
        "seeds are screened as outcomes of their own. Indices are computed on the outcome per sample point "
        "(the mean over its replications), with 95% bootstrap confidence intervals "
        f"({RESAMPLES} resamples, seed {SEED}). Morris: mu* is the mean absolute elementary effect (the "
        "outcome's change over 2/3 of a parameter's band, in the outcome's unit), mu the mean signed effect "
        "(direction), sigma their spread (interactions, non-linearity or noise), median abs EE the median "
        "over the trajectories of the absolute effect (a mu* that one trajectory through a tipping point "
        "cannot make alone). Sobol: S1 is the share of "
        "the outcome's variance a parameter explains alone, ST with all its interactions. Every index is in "
        "`morris_indices.csv`, `sobol_indices.csv` and `morris_designs_indices.csv`, the seed noise in "
        "`noise.csv`.",
        "",
        "## Reproduce",
        "",
        "```sh",
        COMMANDS,
        "```",
        "",
        "Sweeps resume: rerunning a command continues where it stopped. The numbers do not depend on the "
        "output folder or the number of workers. Wall time of each sweep, from its manifest (2 workers on a "
        "2-core machine shared with other jobs):",
        "",
        *run_times(folders),
        "",
        "## Reading",
        "",
        "{reading}",
        *morris_section(morris, mwide, sobol.manifest["sampling"]["problem"]["names"], floors),
        *noise_section(pilot_results, pilot, reps, realised, levels),
        *sobol_section(sobol, swide, realised),
        *designs_section(designs, diffs, dwide, dfloors),
    ]
    (HERE / "README.md").write_text(readme(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
