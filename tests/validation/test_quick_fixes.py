"""Quick fixes applied to the `siloed` company in week 53 (after the warm-up year): bought leads and
new salespeople, the fixes management reaches for first (experiments/specs/quick_fixes.toml).

Sources: leakage of marketing leads in siloed companies 50-80% (MarketingSherpa / Forrester / CSO
Insights, CALIBRATION.md); vacancy and ramp of new account executives (DePaul; Bridge Group). Same
set-up as the other validation tests: N = 10 replications on common random numbers, 156 weeks, paired
95% t intervals of the per-seed differences against the untouched `siloed` arm.
"""

from __future__ import annotations

import sim

FIX_WEEK = 53
BOUGHT = 500


def test_bought_leads_mostly_leak_in_a_siloed_company(lab, record):
    """500 bought leads (quality 0.3) in week 53: more than half of them end up as extra leaked leads
    (the whole interval of extra leaked leads ÷ 500 lies above 0.5). Salespeople's capacity, not the
    supply of leads, binds in `siloed`: accepted leads barely move (reported), and marketing's own
    leads leak more as well.

    N = 30 here, not 10: total leaked leads over three years vary by about +-200 between paired runs,
    so with 10 seeds the interval of extra leaks per bought lead spans +-0.3 to +-0.4 around its mean
    (measured 0.8-1.1 in core v1 and v2) and reaches below 0.5 by chance."""
    buy = lab.arm(
        "buy_leads_500_n30",
        interventions=[sim.Intervention(FIX_WEEK, "buy_leads", n=BOUGHT, quality=0.3)],
        replications=30,
    )
    base = lab.arm("siloed_n30", replications=30)
    leaked = lab.effect(buy, base, lab.total("leads_leaked"))
    accepted = record("extra accepted leads (reported)", lab.effect(buy, base, lab.total("leads_accepted")))
    share = record(
        "extra leaked leads per bought lead",
        type(leaked)(leaked.mean / BOUGHT, leaked.low / BOUGHT, leaked.high / BOUGHT, leaked.n),
    )
    record(
        "share of the bought leads themselves that leaked (reported)",
        lab.mean(buy, lambda w: w["leads_leaked_bought"].sum() / w["leads_bought"].sum()),
    )
    assert share.low > 0.5, (share, accepted)


def test_hired_salespeople_raise_costs_before_revenue(lab, record):
    """Five salespeople hired in week 53: in the 13 weeks that follow, costs rise at once while revenue
    moves by less than a tenth of that extra cost either way (equivalence, margin = 10% of the mean
    extra cost): new hires are paid from day one but sell only after their ramp. Revenue rises only
    in the third year (weeks 105-156)."""
    hire = lab.arm("hire_5_sales", interventions=[sim.Intervention(FIX_WEEK, "hire", role="sales", n=5)])
    base = lab.arm("siloed")
    first_quarter = (FIX_WEEK, FIX_WEEK + 12)
    costs = record(
        "costs, weeks 53-65, hire - none", lab.effect(hire, base, lab.total("costs", *first_quarter))
    )
    margin = 0.1 * costs.mean
    revenue = record(
        f"revenue, weeks 53-65, hire - none (margin ±{margin:.3g})",
        lab.effect(hire, base, lab.total("revenue", *first_quarter)),
    )
    later = record("revenue, weeks 105-156, hire - none", lab.effect(hire, base, lab.total("revenue", 105)))
    assert costs.low > 0, costs
    assert -margin < revenue.low and revenue.high < margin, (revenue, margin)
    assert later.low > 0, later
