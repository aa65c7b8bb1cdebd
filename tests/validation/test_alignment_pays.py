"""Held out: alignment pays on the funnel (CALIBRATION.md, test-band table).

Miller Heiman / Northern Illinois University 2010: of 821 firms split in thirds by alignment, the most
aligned third converted 29 % of leads to business against the least aligned third's 24 % (ratio 1.21),
and grew its new accounts by 3 % a year against -0.5 % (a gap of 3.5 points). The model's version is
a cross-section of 200 simulated companies: a Latin hypercube over every organisational lever (each
parameter of kind "lever" and source "design" in `sim.params()`, over its registry range; the two
bonus shares over [0, 0.5] each so their sum stays within 1), sizes, budget and uncertainties at
their defaults, on the `siloed` company, 260 weeks, one replication per company (every company on
the experiment's replication seed: they differ by their levers only). Companies are split in thirds by
the alignment index (mean over weeks 53-260). The bands apply to the point estimates; each is
reported with a 95 % bootstrap interval over companies (2,000 resamples of the 200 companies, the
thirds drawn again in each, percentile interval, fixed seed). Nothing is fitted to these rows.

Measured (200 companies, about 30 s on 2 cores; December 2026, with deals timed to quotas): the most
aligned third converts 0.127 of marketing's leads to won deals, the least 0.080 (the source: 0.29
and 0.24), a ratio of 1.59 [1.43, 1.79], above the band (strict xfail); the growth gap is +0.25
points [-1.31, +1.76], below its band (strict xfail; it was +1.53 [-0.37, +3.01] before). Across the
companies the index is driven most by `feedback_probability` and `marketing_revenue_weight`
(correlations 0.59 and 0.48 when first measured), conversion by `marketing_existing_focus` and
`marketing_revenue_weight` (0.71 and 0.59); `marketing_revenue_weight` also enters two of the
index's items directly (ODD 7.21).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from experiments import Axis, Experiment, Sampling
from experiments.stats import t_interval
from tests.confidence import CI
from tests.validation.conftest import ROOT_SEED

COMPANIES, WEEKS, YEAR = 200, 260, 52
BOOTSTRAP = 2000
#: The two bonus shares may not sum to more than 1 (`params.check_combination`).
BONUS_SHARES = ("shared_bonus_share", "retention_bonus_share")


def levers() -> list[sim.ParamSpec]:
    """The organisational levers: what a design sets (sizes, budget and pay rates are the company's)."""
    return [p for p in sim.params() if p.kind == "lever" and p.source == "design"]


def cross_section() -> Experiment:
    axes = [Axis(p.name, bounds=(0.0, 0.5) if p.name in BONUS_SHARES else p.range) for p in levers()]
    return Experiment(
        designs=["siloed"],
        replications=1,
        seed=ROOT_SEED,
        weeks=WEEKS,
        axes=axes,
        sampling=Sampling(method="lhs", samples=COMPANIES, seed=ROOT_SEED),
        keep=["alignment_index", "deals_won", "deals_won_marketing", "leads_generated", "leads_bought"],
        name="alignment_cross_section",
    )


@pytest.fixture(scope="module")
def companies(lab) -> pd.DataFrame:
    """One row per simulated company: alignment, lead-to-business conversion and new-account growth."""
    weekly = lab.sweep(cross_section()).weekly
    late = weekly[weekly["week"] > YEAR].groupby("run_id")
    marketing_leads = late["leads_generated"].sum() - late["leads_bought"].sum()
    won = weekly.groupby(["run_id", (weekly["week"] - 1) // YEAR + 1])["deals_won"].sum().unstack()
    growth = pd.concat([100.0 * (won[k + 1] / won[k] - 1.0) for k in (2, 3, 4)], axis=1).mean(axis=1)
    frame = pd.DataFrame(
        {
            "alignment": late["alignment_index"].mean(),
            "conversion": late["deals_won_marketing"].sum() / marketing_leads,
            "growth": growth,
        }
    )
    assert len(frame) == COMPANIES and frame.notna().all().all(), frame.describe()
    return frame


def thirds(alignment: np.ndarray) -> np.ndarray:
    """0 = least aligned third, 2 = most aligned (ranks split as evenly as the count allows)."""
    rank = np.argsort(np.argsort(alignment, kind="stable"), kind="stable")
    return 3 * rank // alignment.size


def estimate(companies: pd.DataFrame, statistic, seed: int = ROOT_SEED) -> CI:
    """The statistic of (outcome of the top third, outcome of the bottom third) on the companies, with
    a 95 % percentile bootstrap interval over companies (the thirds re-drawn in every resample)."""
    alignment = companies["alignment"].to_numpy()
    outcomes = companies.drop(columns="alignment")

    def of(rows: np.ndarray) -> float:
        third = thirds(alignment[rows])
        top = outcomes.iloc[rows[third == 2]].mean()
        bottom = outcomes.iloc[rows[third == 0]].mean()
        return float(statistic(top, bottom))

    rng = np.random.default_rng(seed)
    n = len(companies)
    draws = np.array([of(rng.integers(0, n, n)) for _ in range(BOOTSTRAP)])
    low, high = np.percentile(draws, [2.5, 97.5])
    return CI(of(np.arange(n)), float(low), float(high), n)


def _by_third(companies: pd.DataFrame, record, column: str, label: str) -> None:
    """Record the mean of `column` in the top and bottom thirds (95 % t intervals, for context)."""
    third = thirds(companies["alignment"].to_numpy())
    for k, name in ((2, "top"), (0, "bottom")):
        values = companies[column].to_numpy()[third == k]
        mean, _, low, high = t_interval(values)
        record(f"{label}, {name} third", CI(mean, low, high, values.size))


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="held-out band 1.10-1.35 (29 % vs 24 %); measured 1.59, 95 % bootstrap CI [1.43, 1.79] "
    "(conversion 0.127 in the most aligned third vs 0.080 in the least): above the band, the whole "
    "interval; not tuned",
)
def test_most_aligned_third_converts_marketing_leads_1_10_to_1_35_times_the_least(companies, record):
    """Band 1.10-1.35 on the point estimate: deals won from marketing's leads ÷ marketing's leads
    (bought leads excluded), weeks 53-260, mean over the most aligned third ÷ the least aligned."""
    _by_third(companies, record, "conversion", "lead-to-business conversion, weeks 53-260")
    ci = record(
        "lead-to-business conversion, top third ÷ bottom third",
        estimate(companies, lambda top, bottom: top["conversion"] / bottom["conversion"]),
    )
    assert 1.10 <= ci.mean <= 1.35, ci


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="held-out band +1.5 to +6 points; measured +0.25, 95 % bootstrap CI [-1.31, +1.76] (top third "
    "-0.36 % a year, bottom third -0.61 %): below the band; not tuned",
)
def test_most_aligned_third_grows_new_accounts_1_5_to_6_points_a_year_faster(companies, record):
    """Band +1.5 to +6 points on the point estimate: year-over-year change (%) in deals won, years
    2->3, 3->4 and 4->5 averaged per company, mean over the top third minus the bottom third.

    When this test was written the row passed at the band's lower edge (+1.53 points, 95 % bootstrap
    CI [-0.37, +3.01]), its interval including 0; since deals are timed to quotas (December 2026) the
    point estimate is +0.25 [-1.31, +1.76]. Either way the model does not resolve the growth gap."""
    _by_third(companies, record, "growth", "new accounts, mean yearly change %, years 2-5")
    ci = record(
        "new accounts, yearly change, top third - bottom third (points)",
        estimate(companies, lambda top, bottom: top["growth"] - bottom["growth"]),
    )
    assert 1.5 <= ci.mean <= 6.0, ci
