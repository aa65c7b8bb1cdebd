"""The report opens with the answer: rankings with paired CIs, sentences whose numbers are the paired CIs,
the top design's loss account; then the details. One offline page with a working table of contents."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from analysis_frames import FakeResults, arm_runs, designs_arms
from plotly.offline import get_plotlyjs

from experiments import report_answer
from experiments.report import write_report
from experiments.report_format import MINUS, diff, interval, kind, value
from experiments.stats import describe, ok_runs, paired
from sim.outcomes import headline

DESIGNS = ("siloed", "shared_kpis", "merged")
REPLICATIONS, WEEKS = 10, 52
MANIFEST = {
    "spec": {"name": "three designs", "weeks": WEEKS, "replications": REPLICATIONS},
    "designs": list(DESIGNS),
    "baseline": "siloed",
}
SCALE = {" M": 1e6, " k": 1e3, " pp": 0.01, " %": 0.01, "": 1.0}
NUMBER = rf"([+{MINUS}-]?[\d,]+(?:\.\d+)?)"
CI = re.compile(rf"95 % CI {NUMBER} to {NUMBER}( M| k| pp)?;")


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    frame, _ = arm_runs(designs_arms(*DESIGNS), REPLICATIONS, WEEKS)
    return frame


@pytest.fixture(scope="module")
def report_page(runs, tmp_path_factory) -> str:
    results = FakeResults(runs, pd.DataFrame(), MANIFEST)
    return write_report(results, tmp_path_factory.mktemp("answer") / "report.html").read_text(
        encoding="utf-8"
    )


@pytest.fixture(scope="module")
def answer(report_page) -> str:
    """The page from "The answer" up to "Details"."""
    return report_page[report_page.index("<h2 id='answer'>") : report_page.index("<h2 id='details'>")]


def _number(text: str) -> tuple[float, float]:
    """A printed number and half a unit of its last printed digit."""
    text = text.replace(MINUS, "-").replace(",", "").lstrip("+")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10.0**-decimals


def _scaled(text: str, suffix: str | None) -> tuple[float, float]:
    number, tol = _number(text)
    scale = SCALE[suffix or ""]
    return number * scale, tol * scale * (1 + 1e-9)


def _interval(text: str) -> tuple[tuple[float, float], tuple[float, float]]:
    match = CI.search(text)
    assert match, text
    low, high, suffix = match.groups()
    return _scaled(low, suffix), _scaled(high, suffix)


def _cards(answer: str) -> dict[str, list[list[str]]]:
    """Outcome description -> rows of its ranking table (cell texts, tags stripped)."""
    cards = re.findall(r"<div class='card'><h4>(.*?) <small>.*?</h4>(.*?)</div>", answer)
    out = {}
    for title, table in cards:
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1])
        out[html.unescape(title)] = [
            [html.unescape(re.sub("<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in rows
        ]
    return out


def test_the_answer_comes_first_then_the_details(report_page):
    order = [
        "<h2 id='answer'>",
        "<h3 id='in-words'>",
        "<h3 id='rankings'>",
        "<h3 id='top-loss'>",
        "<h2 id='details'>",
        "<h3 id='experiment'>",
        "<h3 id='means'>",
        "<h3 id='paired'>",
        "<h3 id='loss'>",
    ]
    positions = [report_page.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert report_page.index("<h1>") < positions[0]


def test_every_headline_outcome_is_ranked_with_the_paired_ci_to_the_baseline(runs, answer):
    cards = _cards(answer)
    assert list(cards) == [o.description for o in headline()]
    table = paired(runs, "siloed").set_index(["design", "metric"])
    means = describe(runs).set_index(["design", "metric"])
    for o in headline():
        rows = cards[o.description]
        assert sorted(r[1].removesuffix(" (baseline)") for r in rows) == sorted(DESIGNS)
        for _rank, design, mean, delta, ci, mark in rows:
            design = design.removesuffix(" (baseline)")
            assert mean == value(means.at[(design, o.name), "mean"], o.unit)
            if design == "siloed":
                assert (delta, ci, mark) == ("", "", "")
                continue
            row = table.loc[(design, o.name)]
            (low, tol_low), (high, tol_high) = _interval(f"95 % CI {ci};")
            assert low == pytest.approx(row["ci_low"], abs=tol_low)
            assert high == pytest.approx(row["ci_high"], abs=tol_high)
            assert delta == diff(row["mean_diff"], o.unit, (row["ci_low"], row["ci_high"]))
            excludes_zero = row["ci_low"] > 0 or row["ci_high"] < 0
            good = row["mean_diff"] * report_answer.better(o.name) > 0
            assert mark == (("better" if good else "worse") if excludes_zero else "\u2013")


def test_churn_and_turnover_rank_lower_first_revenue_higher_first(runs, answer):
    cards = _cards(answer)
    means = ok_runs(runs).groupby("design")
    for o in headline():
        order = [r[1].removesuffix(" (baseline)") for r in cards[o.description]]
        shown = means[o.name].mean()[order].to_numpy()
        lower_first = o.name == "annual_churn_rate" or o.name.endswith("_turnover_annual")
        assert report_answer.better(o.name) == (-1 if lower_first else 1)
        assert list(shown) == sorted(shown, reverse=not lower_first), o.name
        assert [int(r[0]) for r in cards[o.description]] == [1, 2, 3]
    assert "lower is better" in answer.split("Customer churn rate", 1)[1].split("</h4>")[0]


def test_sentence_numbers_are_the_paired_ci_of_that_pair(runs):
    table = paired(runs, "siloed").set_index(["design", "metric"])
    seen = set()
    for design in DESIGNS[1:]:
        for o in headline():
            row = table.loc[(design, o.name)]
            text = report_answer.sentence(design, "siloed", row, o, WEEKS)
            (low, tol_low), (high, tol_high) = _interval(text)
            excludes_zero = row["ci_low"] > 0 or row["ci_high"] < 0
            assert text.startswith("No resolvable difference") == (not excludes_zero)
            flip = excludes_zero and row["mean_diff"] < 0  # "less" / "lower": the CI of the shortfall
            expected = (-row["ci_high"], -row["ci_low"]) if flip else (row["ci_low"], row["ci_high"])
            assert low == pytest.approx(expected[0], abs=tol_low)
            assert high == pytest.approx(expected[1], abs=tol_high)
            assert f"{REPLICATIONS} paired runs" in text and design in text and "siloed" in text
            if kind(o.unit) == "money":
                assert f"over {WEEKS} weeks" in text
                amount = re.search(rf"(?:earns |= ){NUMBER}( M| k)? EUR", text)
                sign = -1 if flip else 1
                value_, tol = _scaled(amount.group(1), amount.group(2))
                assert value_ == pytest.approx(sign * row["mean_diff"], abs=tol)
            seen.add(excludes_zero)
    assert seen == {True, False}  # both kinds of sentence were checked


def test_headline_sentences_in_the_page_lead_with_the_top_design(runs, answer):
    profit = ok_runs(runs).groupby("design")["profit"].mean()
    top = profit.drop("siloed").idxmax()
    words = re.findall(r"<li>(.*?)</li>", answer.split("<ul class='findings'>")[1].split("</ul>")[0])
    words = [html.unescape(w) for w in words]
    assert 2 <= len(words) <= 5
    for o in headline():  # every headline outcome is said, in a sentence of its own or the closing one
        assert o.description.lower() in " ".join(words).lower(), o.name
    if profit.idxmax() == "siloed":
        assert words.pop(0) == f"No design beats siloed on profit; the closest is {top}."
    row = paired(runs, "siloed", ["profit"]).set_index("design").loc[top]
    o = next(o for o in headline() if o.name == "profit")
    means = (profit[top], profit["siloed"])
    assert words[0] == report_answer.sentence(top, "siloed", row, o, WEEKS, means)
    assert words[0].startswith((top, "No resolvable difference in profit"))
    order = profit.sort_values(ascending=False).index
    if order[0] == top and order[1] != "siloed":  # the top design against the runner-up, same seeds
        runner = order[1]
        (said,) = [w for w in words if runner in w and "siloed" not in w]
        row = paired(runs, top, ["profit"]).set_index("design").loc[runner]
        (low, tol_low), (high, tol_high) = _interval(said)
        if row["ci_low"] > 0 or row["ci_high"] < 0:
            flip = row["mean_diff"] < 0
            expected = (-row["ci_high"], -row["ci_low"]) if flip else (row["ci_low"], row["ci_high"])
        else:
            assert said.startswith(f"{top}'s lead over {runner}, second on profit, is not resolvable")
            expected = (row["ci_low"], row["ci_high"])
        assert (low, high) == (
            pytest.approx(expected[0], abs=tol_low),
            pytest.approx(expected[1], abs=tol_high),
        )


def test_the_loss_account_in_the_answer_is_the_top_designs(runs, answer):
    profit = ok_runs(runs).groupby("design")["profit"].mean().drop("siloed")
    top = profit.idxmax()
    assert report_answer.top_design(runs, "siloed") == (top, "profit")
    section = answer[answer.index("<h3 id='top-loss'>") :]
    assert f"Where {top}'s gap to siloed comes from" in section
    assert f"loss account: {top}" in section and '"type":"waterfall"' in section
    gap = paired(runs, "siloed", ["profit", "total_revenue"]).set_index(["design", "metric"])
    last = re.findall(r"<tr class='total'>(.*?)</tr>", section)[-1]
    cells = [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", last)]
    assert cells[0] == "observed gap"
    for cell, metric in ((cells[1], "total_revenue"), (cells[3], "profit")):
        match = re.fullmatch(rf"{NUMBER}( M| k)?", cell)
        shown, tol = _scaled(*match.groups())
        assert shown == pytest.approx(gap.at[(top, metric), "mean_diff"], abs=tol)


def test_no_external_url_and_every_contents_link_resolves(report_page):
    bundle = get_plotlyjs()  # plotly.js itself holds attribution links it never loads
    assert report_page.count(bundle) == 1
    outside = report_page.replace(bundle, "")
    assert re.search(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", outside, re.I) is None
    assert re.search(r"https?://", outside) is None
    toc = report_page[report_page.index("<nav class='toc'>") : report_page.index("</nav>")]
    targets = re.findall(r"href='#([^']+)'", toc)
    assert {"answer", "in-words", "rankings", "top-loss", "details", "paired", "loss"} <= set(targets)
    for target in targets:
        assert report_page.count(f"id='{target}'") == 1


def test_numbers_read_by_unit():
    assert value(22_735_563.0, "EUR") == "22.7 M"
    assert value(462_161.0, "EUR") == "462 k"
    assert value(0.0962, "share of customers per year") == "9.62 %"
    assert value(1970.0, "accounts") == "1,970"
    assert diff(-1_376_421.0, "EUR") == f"{MINUS}1.38 M"
    assert diff(0.0013, "share") == "+0.13 pp"
    assert diff(3.93e-2, "share", (-0.059, 0.138)) == "+3.9 pp"
    assert interval(-302_000.0, 207_000.0, "EUR") == f"{MINUS}302 to 207 k"
    assert interval(float("nan"), 1.0, "EUR") == "n/a"
