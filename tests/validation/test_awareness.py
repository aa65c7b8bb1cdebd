"""Awareness matters (held out, never fitted): knowing us is what turns an account into demand.

Awareness reaches demand three ways (ODD 7.5, 7.8, 7.4): an aware account in the market asks us
(inbound, Dawes 2021), a cold account takes a prospecting meeting less often than one that knows us
(SiriusDecisions), and brand is preferred at the close. With marketing's budget at zero there are no
campaigns and brand fades, so word of mouth is the only thing that spreads awareness beyond the
outside influence (Bass p): stronger word of mouth (`bass_q`, Sultan, Farley & Lehmann 1990) must
then grow revenue. `siloed`, 260 weeks (awareness is a slow stock), N = 20 replications on common
random numbers, paired 95 % t intervals.
"""

from __future__ import annotations

WEEKS, N = 260, 20


def _no_budget(lab, name: str, bass_q: float):
    return lab.arm(name, weeks=WEEKS, replications=N, marketing_budget_week=0.0, bass_q=bass_q)


def test_without_marketing_budget_stronger_word_of_mouth_grows_inbound_demand_and_revenue(lab, record):
    strong, none = _no_budget(lab, "no_budget_bass_q_1.5", 1.5), _no_budget(lab, "no_budget_bass_q_0", 0.0)
    inbound = record(
        "leads_inbound_total, bass_q 1.5 - 0, marketing budget 0, siloed, 260 weeks",
        lab.effect(strong, none, "leads_inbound_total"),
    )
    revenue = record(
        "total_revenue, bass_q 1.5 - 0, marketing budget 0, siloed, 260 weeks",
        lab.effect(strong, none, "total_revenue"),
    )
    assert inbound.low > 0, inbound
    assert revenue.low > 0, revenue
