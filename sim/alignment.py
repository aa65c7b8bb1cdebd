"""Step 11: Kotler, Rackham & Krishnaswamy's (2006) 20-item alignment diagnostic, scored from state.

Each item is a statement scored 1 (untrue) to 5 (true) from what actually happened this week, so the
index (20-100) moves during a run: Undefined < 40 <= Defined < 60 <= Aligned < 80 <= Integrated. It is
an output only; no mechanism reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.staff import Role

if TYPE_CHECKING:
    from collections import Counter as Tally

    from sim.model import TruceModel

LEVELS = ((40, "undefined"), (60, "defined"), (80, "aligned"), (101, "integrated"))


def level(index: float) -> str:
    """Kotler et al.'s name for an index value."""
    return next(name for bound, name in LEVELS if index < bound)


def items(
    model: TruceModel, tally: Tally, accuracy: float, trust: dict[Role, float], morale: float
) -> dict[str, float]:
    """The 20 statements as truth values in [0, 1], each read from emergent state: the week's
    `tally`, the marketers' mean targeting `accuracy`, mean `trust` by role, everyone's mean `morale`."""
    p, org, staff = model.p, model.org, model.staff
    trust_sales, trust_mkt = trust[Role.SALES], trust[Role.MARKETING]
    accepted = tally["leads_accepted"]
    leaving = accepted + tally["leads_leaked"]
    sla = tally["sla_met"] / accepted if accepted and p.lead_sla_hours > 0 else 0.0
    qualified = tally["leads_qualified"] / accepted if accepted else 0.0
    blame = min(1.0, tally["blame_events"] / max(1, len(staff)) * 13)
    meet = min(1.0, org.meeting_held / 2)
    attainment = min(1.0, org.team_attainment)
    resolved = tally["feedback_resolved"]
    feedback_rate = tally["feedback_reports"] / resolved if resolved else org.feedback_rate
    return {
        "sales_trusts_marketing": trust_sales,
        "marketing_trusts_sales": trust_mkt,
        "leads_are_worked": accepted / leaving if leaving else 0.0,
        "sla_is_kept": sla,
        "leads_qualify": min(1.0, qualified / 0.6),
        "outcomes_are_reported": feedback_rate,
        "feedback_arrives": min(1.0, tally["feedback_delivered"] / max(1.0, 0.2 * accepted)),
        "targeting_is_accurate": accuracy,
        "messages_are_consistent": org.consistency,
        "joint_meetings_are_held": meet,
        "joint_planning_is_held": meet * min(1.0, 0.5 + trust_sales),
        "shared_goal_is_met": attainment * p.marketing_revenue_weight,
        "rewards_are_shared": p.shared_bonus_share + p.marketing_revenue_weight * 0.5,
        "little_blame": 1 - blame,
        "results_are_attributed": org.clarity,
        "interface_has_an_owner": org.liaison_strength,
        "leadership_backs_it": p.leadership_backing,
        "one_view_of_the_customer": p.integration * org.consistency,
        "people_stay_motivated": morale,
        "long_and_short_term_balanced": org.orientation_diversity() * attainment,
    }


def alignment_index(
    model: TruceModel, tally: Tally, accuracy: float, trust: dict[Role, float], morale: float
) -> float:
    """Sum of the 20 item scores, each 1 + 4 x truth: 20 (undefined) .. 100 (integrated)."""
    truths = items(model, tally, accuracy, trust, morale).values()
    return float(sum(1 + 4 * min(1.0, max(0.0, v)) for v in truths))
