"""Orientation diversity, integration and liaisons: the structural findings of the literature.

Sources: Homburg & Jensen 2007 (differences in short- versus long-term orientation raise market
performance even though they cost cooperation); Kotler, Rackham & Krishnaswamy 2006, Biemans et al.
2010, Lawrence & Lorsch 1967 (integration pays mainly in complex, fast-changing markets); Dewsnap &
Jobber 2009 (a liaison helps only when it is effective, not merely present). The `siloed` company with
one lever or uncertainty changed, N = 10 replications (20 for integration, 30 for the liaisons) on
common random numbers (`conftest.py`), paired 95% t intervals of the per-seed differences.
"""

from __future__ import annotations


def test_marketing_on_sales_short_horizon_costs_revenue_and_win_rate(lab, record):
    """Removing the orientation difference: marketing on sales' 13-week horizon instead of 52 weeks,
    everything else equal (156 weeks). Less brand and no orientation value on new opportunities cost
    more than the extra demand leads bring: revenue and win rate both fall."""
    short, base = lab.arm("marketing_horizon_13", marketing_horizon_weeks=13.0), lab.arm("siloed")
    revenue = record("total_revenue, horizon 13 - 52 weeks", lab.effect(short, base, "total_revenue"))
    win_rate = record("win_rate, horizon 13 - 52 weeks", lab.effect(short, base, "win_rate"))
    assert revenue.high < 0, revenue
    assert win_rate.high < 0, win_rate


def test_integration_premium_grows_with_market_complexity(lab, record):
    """The revenue gain of `integration` 1 over 0 (all else `siloed`) is larger in a complex, turbulent
    market (`market_complexity` 1) than in a simple, stable one (0): paired CI of the difference of
    the two premiums, seed by seed (104 weeks). N = 20: the difference has a per-seed sd of about
    0.3 M EUR on a mean of about 0.45 M (60 seeds, December 2026), so at N = 10 its interval can
    reach zero."""

    def arm(integration: float, complexity: float):
        return lab.arm(
            f"integration_{integration:g}_complexity_{complexity:g}",
            weeks=104,
            replications=20,
            integration=integration,
            market_complexity=complexity,
        )

    complex_ = (arm(1.0, 1.0), arm(0.0, 1.0))
    simple = (arm(1.0, 0.0), arm(0.0, 0.0))
    for label, (treated, control) in (("complexity 1", complex_), ("complexity 0", simple)):
        record(f"total_revenue, integration 1 - 0, {label}", lab.effect(treated, control, "total_revenue"))
    ci = record(
        "integration premium at complexity 1 minus at complexity 0",
        lab.difference_of_effects(complex_, simple, "total_revenue"),
    )
    assert ci.low > 0, ci


def _liaisons(lab):
    """30 replications: an ineffective liaison's revenue effect must be resolved inside a ±2 % margin."""
    effective = lab.arm("liaison_effective_n30", liaison=True, liaison_effectiveness=0.9, replications=30)
    ineffective = lab.arm("liaison_ineffective_n30", liaison=True, liaison_effectiveness=0.1, replications=30)
    return effective, ineffective, lab.arm("siloed_n30", replications=30)


def test_effective_liaison_raises_revenue_over_none_and_over_an_ineffective_one(lab, record):
    """A liaison of effectiveness 0.9 (an uncertainty: how well the role works) raises revenue both
    against no liaison and against an equally paid liaison of effectiveness 0.1 (156 weeks)."""
    effective, ineffective, none = _liaisons(lab)
    vs_none = record("total_revenue, effective liaison - none", lab.effect(effective, none, "total_revenue"))
    vs_weak = record(
        "total_revenue, effective - ineffective liaison",
        lab.effect(effective, ineffective, "total_revenue"),
    )
    assert vs_none.low > 0, vs_none
    assert vs_weak.low > 0, vs_weak


def test_ineffective_liaison_adds_no_revenue_within_2_percent_yet_adds_costs(lab, record):
    """Equivalence, margin ±2% of the `siloed` arm's mean revenue: a liaison that is merely present
    (effectiveness 0.1) does not change revenue, while the company pays for it (costs rise)."""
    _, ineffective, none = _liaisons(lab)
    margin = 0.02 * lab.mean(none, "total_revenue").mean
    revenue = record(
        f"total_revenue, ineffective liaison - none (margin ±{margin:.3g})",
        lab.effect(ineffective, none, "total_revenue"),
    )
    costs = record("costs_total, ineffective liaison - none", lab.effect(ineffective, none, "costs_total"))
    record("profit, ineffective liaison - none (reported)", lab.effect(ineffective, none, "profit"))
    assert -margin < revenue.low and revenue.high < margin, (revenue, margin)
    assert costs.low > 0, costs
