"""Step 11: Kotler, Rackham & Krishnaswamy's (2006) 20-item alignment diagnostic, scored from state.

Each item is a statement scored 1 (untrue) to 5 (true) from what actually happened this week, so the
index (20-100) moves during a run: Undefined < 40 <= Defined < 60 <= Aligned < 80 <= Integrated. It is
an output only; no mechanism reads it.
"""

from __future__ import annotations

import numpy as np

from sim.compiled import kernel
from sim.tally import Count

LEVELS = ((40, "undefined"), (60, "defined"), (80, "aligned"), (101, "integrated"))

#: The 20 statements, in the order `items` scores them.
ITEMS = (
    "sales_trusts_marketing",
    "marketing_trusts_sales",
    "leads_are_worked",
    "sla_is_kept",
    "leads_qualify",
    "outcomes_are_reported",
    "feedback_arrives",
    "targeting_is_accurate",
    "messages_are_consistent",
    "joint_meetings_are_held",
    "joint_planning_is_held",
    "shared_goal_is_met",
    "rewards_are_shared",
    "little_blame",
    "results_are_attributed",
    "interface_has_an_owner",
    "leadership_backs_it",
    "one_view_of_the_customer",
    "people_stay_motivated",
    "long_and_short_term_balanced",
)


def level(index: float) -> str:
    """Kotler et al.'s name for an index value."""
    return next(name for bound, name in LEVELS if index < bound)


@kernel
def items(t, p, headcount, accuracy, trust_sales, trust_marketing, morale, org):
    """The 20 statements (`ITEMS`) as truth values, each read from emergent state: the week's tally
    `t` (`sim.tally`), the marketers' mean targeting `accuracy`, mean trust by role, everyone's mean
    `morale`, and the organisation's levels `org` (`Organisation.levels`)."""
    meeting_held, team_attainment, feedback_rate, consistency, clarity, liaison, diversity = org
    accepted = t[Count.leads_accepted]
    leaving = accepted + t[Count.leads_leaked]
    sla = t[Count.sla_met] / accepted if accepted and p.lead_sla_hours > 0 else 0.0
    qualified = t[Count.leads_qualified] / accepted if accepted else 0.0
    blame = min(1.0, t[Count.blame_events] / max(1, headcount) * 13)
    meet = min(1.0, meeting_held / 2)
    attainment = min(1.0, team_attainment)
    resolved = t[Count.feedback_resolved]
    return np.array(
        [
            trust_sales,
            trust_marketing,
            accepted / leaving if leaving else 0.0,
            sla,
            min(1.0, qualified / 0.6),
            t[Count.feedback_reports] / resolved if resolved else feedback_rate,
            min(1.0, t[Count.feedback_delivered] / max(1.0, 0.2 * accepted)),
            accuracy,
            consistency,
            meet,
            meet * min(1.0, 0.5 + trust_sales),
            attainment * p.marketing_revenue_weight,
            p.shared_bonus_share + p.marketing_revenue_weight * 0.5,
            1 - blame,
            clarity,
            liaison,
            p.leadership_backing,
            p.integration * consistency,
            morale,
            diversity * attainment,
        ]
    )


@kernel
def index(truths) -> float:
    """Sum of the 20 item scores, each 1 + 4 x truth: 20 (undefined) .. 100 (integrated)."""
    total = 0.0
    for v in truths:
        total += 1 + 4 * min(1.0, max(0.0, v))
    return total
