"""A design switch shows a worse-before-better dip from mechanisms, and leadership backing shortens it.

The dip is not scripted: relationships reset (trust halfway back to neutral) and the change unsettles
people in proportion to how much changed, less when leadership backs it (Kotter 1995; Repenning &
Sterman 2001); morale then drives quits and productivity. Every arm is `siloed` switching to
`shared_kpis` in week 53 (or staying), N = 10 replications on common random numbers through the
experiments layer (`conftest.py`), paired 95% t intervals.
"""

import pytest

import sim

SWITCH = 53
TO_SHARED_KPIS = (sim.Intervention(SWITCH, "switch_design", design="shared_kpis"),)


def _morale_dip(w) -> float:
    """Sales morale over the 8 weeks before the switch minus over the 8 weeks after it."""
    before = w.loc[SWITCH - 8 : SWITCH - 1, "morale_sales"].mean()
    return float(before - w.loc[SWITCH : SWITCH + 7, "morale_sales"].mean())


def test_switching_design_dips_morale_and_backing_shortens_the_dip(lab, record):
    """Without backing (`leadership_backing` 0) sales morale falls after the switch; with full backing
    (1.0) it falls less, seed by seed (65 weeks)."""

    def arm(backing: float):
        return lab.arm(
            f"switch_backing_{backing:g}",
            weeks=SWITCH + 12,
            interventions=TO_SHARED_KPIS,
            leadership_backing=backing,
        )

    weak, strong = arm(0.0), arm(1.0)
    dip = record("sales morale dip after the switch, backing 0", lab.mean(weak, _morale_dip))
    shorter = record("morale dip, backing 0 - backing 1", lab.effect(weak, strong, _morale_dip))
    assert dip.low > 0, dip  # a real dip without backing
    assert shorter.low > 0, shorter  # backing makes it smaller (same seeds)


def _switch_and_stay(lab):
    """N = 100: the revenue effects of a switch are small against a paired spread of about 26k EUR
    over 26 weeks."""
    switch = lab.arm("switch_to_shared_kpis_n100", interventions=TO_SHARED_KPIS, replications=100)
    return switch, lab.arm("siloed_n100", replications=100)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="measured -0.8k EUR, 95 % CI [-5.1k, +3.6k] over weeks 53-78 (N = 100): no revenue dip "
    "resolved since deals are timed to quotas (December 2026; before, -7.0k [-11.8k, -2.1k]); the "
    "morale dip holds (test above); not tuned, see docs/ODD.md, Known divergences",
)
def test_switching_to_shared_kpis_costs_revenue_first(lab, record):
    """Worse before better in revenue: revenue is lower over the 26 weeks after the switch (meeting
    time, reset relationships, shaken morale) than in the `siloed` company that stays as it is. The
    dip, when it showed, was a few tenths of a percent (about -7k EUR over 26 weeks)."""
    worse = record(
        "revenue, weeks 53-78, switch - stay",
        lab.effect(*_switch_and_stay(lab), lab.total("revenue", SWITCH, SWITCH + 25)),
    )
    assert worse.high < 0, worse


def test_switching_to_shared_kpis_pays_in_the_third_year(lab, record):
    """... and better later: revenue is higher over the third year (weeks 105-156) than in the
    `siloed` company that stays as it is."""
    better = record(
        "revenue, weeks 105-156, switch - stay", lab.effect(*_switch_and_stay(lab), lab.total("revenue", 105))
    )
    assert better.low > 0, better
