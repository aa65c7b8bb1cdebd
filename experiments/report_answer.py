"""The answer the report opens with: designs ranked per headline outcome, the headline differences in
words, and where the top design's money gap to the baseline comes from.

Every number is a paired comparison on common random numbers (`experiments.stats.paired`): design minus
baseline on the same point and seed, mean over pairs with its 95% t interval. A difference is called
resolved when that interval excludes 0, and "no resolvable difference" otherwise.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from experiments import figures
from experiments.report_format import diff, interval, kind, resolved, table, unit_label, value
from experiments.stats import describe, ok_runs, paired
from sim.outcomes import Outcome, headline

#: The headline outcomes (declared once in sim/outcomes.py), in their declared order.
HEADLINE: tuple[Outcome, ...] = headline()
#: Headline outcomes where less is better: customers and staff leaving. The declarations carry no
#: direction, so it is set here, once, for every use in the report; every other headline outcome
#: (revenue, profit, alignment) is better when higher.
LOWER_IS_BETTER = frozenset(
    {"annual_churn_rate", *(f"{role}_turnover_annual" for role in ("sales", "marketing", "service"))}
)
_unknown = LOWER_IS_BETTER - {o.name for o in HEADLINE}
if _unknown:  # a renamed outcome must not silently flip a ranking
    raise RuntimeError(f"LOWER_IS_BETTER names outcomes that are not headline outcomes: {sorted(_unknown)}")
#: The outcome that picks the top design (the first one a results folder has).
KEY = ("profit", "total_revenue")
#: At most this many sentences in words.
MAX_SENTENCES = 5


def better(name: str) -> int:
    """+1 when more of outcome `name` is better, -1 when less is."""
    return -1 if name in LOWER_IS_BETTER else 1


def comparable(runs: pd.DataFrame, baseline: str) -> bool:
    """Whether there is anything to compare: a second design, and ok runs of the baseline."""
    return runs["design"].nunique() > 1 and bool((ok_runs(runs)["design"] == baseline).any())


def shown(runs: pd.DataFrame) -> list[Outcome]:
    """The headline outcomes present in `runs`, in declared order."""
    return [o for o in HEADLINE if o.name in runs.columns]


def _name(o: Outcome) -> str:
    """The outcome's description inside a sentence: "customer churn rate"."""
    return o.description[0].lower() + o.description[1:]


def rank(runs: pd.DataFrame, name: str) -> list[str]:
    """Designs with ok runs, best first on outcome `name` by their mean over ok runs."""
    means = ok_runs(runs).groupby("design", sort=False)[name].mean()
    return list(means.sort_values(ascending=better(name) < 0, kind="stable").index)


def top_design(runs: pd.DataFrame, baseline: str) -> tuple[str, str] | None:
    """(design, outcome): the best design other than the baseline on profit (revenue if profit is
    missing); None when no other design has ok runs or neither outcome was recorded."""
    for name in KEY:
        if name in runs.columns:
            order = [d for d in rank(runs, name) if d != baseline]
            return (order[0], name) if order else None
    return None


@dataclass(frozen=True)
class Verdict:
    text: str
    css: str


def verdict(row: Mapping[str, float], name: str) -> Verdict:
    """better / worse when the 95% CI of design - baseline excludes 0, else a dash."""
    if not resolved(row["ci_low"], row["ci_high"]):
        return Verdict("\u2013", "flat")
    return Verdict("better", "better") if row["mean_diff"] * better(name) > 0 else Verdict("worse", "worse")


def _over(o: Outcome, weeks: int | None) -> str:
    """Whole-run totals (money) are over the horizon; rates and indices are after the warm-up year."""
    return f" over {weeks} weeks" if kind(o.unit) == "money" and weeks else ""


def sentence(
    design: str,
    against: str,
    row: Mapping[str, float],
    o: Outcome,
    weeks: int | None = None,
    means: tuple[float, float] | None = None,
) -> str:
    """One headline difference in words, from `row` (mean_diff, ci_low, ci_high, n_pairs) of
    `experiments.stats.paired`: design minus `against` on the same seeds.

    A resolved difference reads in its own direction ("earns 1.04 M EUR more", "is 4.8 percentage
    points lower", CI of that magnitude); an unresolved one as "no resolvable difference" with the
    signed difference and its CI. Plain text (escape it for HTML).
    """
    mean, low, high, n = row["mean_diff"], row["ci_low"], row["ci_high"], int(row["n_pairs"])
    label = _name(o)
    pairs = f"{n} paired run{'s' if n != 1 else ''}"
    over = _over(o, weeks)
    if not resolved(low, high):
        signed = diff(mean, o.unit, (low, high)) + (" EUR" if kind(o.unit) == "money" else "")
        return (
            f"No resolvable difference in {label} between {design} and {against}{over}: "
            f"{design} \u2212 {against} = {signed} (95 % CI {interval(low, high, o.unit)}; {pairs})."
        )
    up = mean > 0
    size = diff(abs(mean), o.unit, (low, high)).lstrip("+")
    ci = interval(low, high, o.unit) if up else interval(-high, -low, o.unit)
    if kind(o.unit) == "money":
        return (
            f"{design} earns {size} EUR {'more' if up else 'less'} {label} than {against}{over} "
            f"(95 % CI {ci}; {pairs})."
        )
    if kind(o.unit) == "share":
        size = size.replace(" pp", " percentage points")
    else:
        size = f"{size} {o.unit.split(' ')[0]}"
    level = ""
    if means is not None:
        a, b = (value(m, o.unit) for m in means)
        level = f": {a} against {b}{' a year' if o.unit.endswith('per year') else ''}"
    return (
        f"Under {design}, {label} is {size} {'higher' if up else 'lower'} than under {against}{level} "
        f"(95 % CI {ci}; {pairs})."
    )


def _listed(names: Iterable[str], conjunction: str = "or") -> str:
    names = list(names)
    return ", ".join(names[:-1]) + (f" {conjunction} " if len(names) > 1 else "") + names[-1]


def sentences(runs: pd.DataFrame, baseline: str, weeks: int | None) -> list[str]:
    """2-5 headline sentences: the top design against the baseline on the money outcomes, against the
    runner-up on the key outcome, then its other resolved differences, then what did not differ."""
    top = top_design(runs, baseline)
    if top is None:
        return []
    design, key = top
    outcomes = shown(runs)
    table_ = paired(runs, baseline, [o.name for o in outcomes]).set_index(["design", "metric"])
    means = ok_runs(runs).groupby("design")[[o.name for o in outcomes]].mean()

    def said(o: Outcome, d: str = design, against: str = baseline, rows: pd.DataFrame = table_) -> str:
        return sentence(
            d, against, rows.loc[(d, o.name)], o, weeks, (means.at[d, o.name], means.at[against, o.name])
        )

    money = sorted((o for o in outcomes if kind(o.unit) == "money"), key=lambda o: o.name != key)
    out = [said(o) for o in money]
    order = rank(runs, key)
    if order[0] == baseline:
        out.insert(0, f"No design beats {baseline} on {key.replace('_', ' ')}; the closest is {design}.")
    elif len(order) > 2 and order[1] != baseline:  # is the top design ahead of the next one?
        against = paired(runs, design, [key]).set_index(["design", "metric"])
        o = next(o for o in outcomes if o.name == key)
        text = said(o, order[1], design, against)
        if text.startswith("No resolvable difference"):  # say what it means for the ranking
            text = (
                f"{design}'s lead over {order[1]}, second on {_name(o)}, is not resolvable"
                + text[text.index(":") :]
            )
        out.append(text)
    others = [o for o in outcomes if kind(o.unit) != "money"]
    found = [o for o in others if resolved(*table_.loc[(design, o.name), ["ci_low", "ci_high"]])]
    rest = [_name(o) for o in others if o not in found]
    # Resolved differences in whole sentences while they fit; what does not fit closes in one sentence.
    closing = len(out) + len(found) + bool(rest) > MAX_SENTENCES
    keep = MAX_SENTENCES - 1 - len(out) if closing else len(found)
    out += [said(o) for o in found[:keep]]
    last = []
    if found[keep:]:
        also = _listed(map(_name, found[keep:]), "and")
        last.append(f"also resolved for {design} against {baseline}: {also} (see the rankings below)")
    if rest:
        between = "" if last else f" between {design} and {baseline}"
        last.append(f"no resolvable difference{between} in {_listed(rest)}")
    if last:
        text = "; ".join(last)
        out.append(f"{text[0].upper()}{text[1:]}.")
    return out


def _ranking(runs: pd.DataFrame, o: Outcome, baseline: str, rows: pd.DataFrame, stats: pd.DataFrame) -> str:
    body, classes = [], []
    for i, design in enumerate(rank(runs, o.name), start=1):
        mean = value(stats.at[(design, o.name), "mean"], o.unit)
        if design == baseline:
            body.append([str(i), f"{html.escape(design)} (baseline)", mean, "", "", ""])
            classes.append("base")
            continue
        row = rows.loc[(design, o.name)]
        v = verdict(row, o.name)
        delta = (diff(row["mean_diff"], o.unit, (row["ci_low"], row["ci_high"])), v.css)
        body.append(
            [
                str(i),
                html.escape(design),
                mean,
                delta,
                interval(row["ci_low"], row["ci_high"], o.unit),
                (v.text, v.css),
            ]
        )
        classes.append("")
    columns = ["#", "design", "mean", f"\u0394 vs {baseline}", "95 % CI", ""]
    return (
        f"<div class='card'><h4>{html.escape(o.description)} <small>{html.escape(unit_label(o.unit))}"
        f"{', lower is better' if better(o.name) < 0 else ''}</small></h4>"
        f"{table(columns, body, [True, False, True, True, True, False], classes)}</div>"
    )


def rankings(runs: pd.DataFrame, baseline: str) -> str:
    """One small ranked table per headline outcome: best first, mean, paired difference and 95% CI."""
    outcomes = shown(runs)
    names = [o.name for o in outcomes]
    rows = paired(runs, baseline, names).set_index(["design", "metric"])
    stats = describe(runs, names).set_index(["design", "metric"])
    cards = "".join(_ranking(runs, o, baseline, rows, stats) for o in outcomes)
    return (
        "<h3 id='rankings'>Designs ranked on each outcome</h3><p class='note'>Best first by the mean over "
        f"ok runs. \u0394 is the paired difference design \u2212 {html.escape(baseline)} on the same seeds "
        "with its 95 % t interval; <span class='better'>better</span> / <span class='worse'>worse</span>"
        " when that interval excludes 0, \u2013 when it does not (no resolvable difference).</p>"
        f"<div class='cards'>{cards}</div>"
    )


def _bars(account: pd.DataFrame) -> str:
    """The top design's bars: revenue and profit account side by side, one row per channel."""
    accounts = list(dict.fromkeys(account["account"]))
    rows = account.assign(last=account["kind"] == "total").sort_values("last", kind="stable")
    labels = dict(zip(rows["component"], rows["label"], strict=False))
    by = account.set_index(["account", "component"])
    body, classes = [], []
    for component, label in labels.items():
        cells = [html.escape(str(label))]
        for name in accounts:
            if (name, component) not in by.index:
                cells += ["", ""]
                continue
            bar = by.loc[(name, component)]
            css = (
                ("better" if bar["value"] > 0 else "worse") if resolved(bar["ci_low"], bar["ci_high"]) else ""
            )
            cells += [
                (diff(bar["value"], "EUR", (bar["ci_low"], bar["ci_high"])), css),
                interval(bar["ci_low"], bar["ci_high"], "EUR"),
            ]
        body.append(cells)
        classes.append(
            "total" if account.loc[account["component"] == component, "kind"].iloc[0] == "total" else ""
        )
    columns = ["channel"] + [h for name in accounts for h in (f"{name} (EUR)", "95 % CI")]
    return table(columns, body, [False] + [True] * 2 * len(accounts), classes)


def loss(account: pd.DataFrame, runs: pd.DataFrame, baseline: str, figure: Callable[[go.Figure], str]) -> str:
    """The top design's loss account (rows of `experiments.loss.loss_account` against `baseline`):
    both waterfalls, drawn by `figure`, and a compact table of their bars."""
    top = top_design(runs, baseline)
    if top is None:
        return ""
    design, key = top
    mine = account[account["design"] == design][
        ["design", "account", "component", "label", "kind", "value", "ci_low", "ci_high"]
    ]
    first = rank(runs, key)[0] == design
    who, base = html.escape(design), html.escape(baseline)
    return (
        f"<h3 id='top-loss'>Where {who}'s gap to {base} comes from</h3><p class='note'>{who} is the "
        f"{'top design' if first else f'best design other than {base}'} on {key.replace('_', ' ')}. Each "
        f"bar is a difference ({who} \u2212 {base}, same seeds) in a flow counted in the weeks it has left"
        f" to the horizon, priced at {base}'s yields; + means {who} earns more through that channel, and"
        " the bars add up to the observed gap (bold: 95 % CI excludes 0). Method: docs/loss_account.md.</p>"
        f"{figure(figures.waterfall(mine, design, baseline))}{_bars(mine)}"
    )
