"""Salespeople's decision rules: capacity, effort, willingness, response time, promises, feedback, pay.

Each rule is an array function over the whole staff table (only the salespeople's rows are read by the
mechanisms), so a rule is asked once a week for everyone, with the state as it stands at that moment
of the week: capacity shrinks as reports are written, free capacity as deals open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.params import Params
from sim.people import QUARTER
from sim.staff import Staff

if TYPE_CHECKING:
    from sim.organisation import Organisation

SELLING_HOURS = 12.0  # of a 40-hour week (share of time selling 22-38%, CALIBRATION "People")
FEEDBACK_HOURS = 0.25  # time to write up one lead outcome for marketing


def capacity(staff: Staff, p: Params) -> np.ndarray:
    """Open opportunities a person can carry: less while ramping, less when time goes to meetings
    and to writing feedback."""
    busy = (staff.meeting_hours + FEEDBACK_HOURS * staff.reports) / SELLING_HOURS
    return p.rep_capacity * (0.3 + 0.7 * staff.ramp) * np.maximum(0.0, 1 - 0.5 * busy)


def free_capacity(staff: Staff, p: Params) -> np.ndarray:
    """Whole opportunities a person can still take on (0 when full)."""
    return np.maximum(0, np.floor(capacity(staff, p) - staff.open)).astype(np.int64)


def overload(staff: Staff, p: Params) -> np.ndarray:
    return np.maximum(0.0, staff.open / np.maximum(1e-9, capacity(staff, p)) - 1.0)


def effort(p: Params) -> float:
    """Selling effort: shared pay invites free-riding; a retention bonus lowers acquisition urgency."""
    return (1 - p.free_riding * p.shared_bonus_share) * (1 - 0.2 * p.retention_bonus_share)


def quota(staff: Staff, company_quota: float) -> np.ndarray:
    """This quarter's quota, prorated while ramping (common sales practice)."""
    return company_quota * (0.3 + 0.7 * staff.ramp)


def elapsed(week: int) -> int:
    """Weeks of the current quarter so far, this one included."""
    return (week - 1) % QUARTER + 1


def pace(staff: Staff, company_quota: float, week: int) -> np.ndarray:
    """Bookings so far against the quota's pro-rata share of the quarter elapsed (1 without a quota)."""
    expected = quota(staff, company_quota) * elapsed(week) / QUARTER
    return np.divide(staff.bookings, expected, out=np.ones(len(staff)), where=expected > 0)


def sla_compliance(staff: Staff, p: Params) -> np.ndarray:
    """Probability of meeting the lead SLA (0 when there is none)."""
    if p.lead_sla_hours <= 0:
        return np.zeros(len(staff))
    return np.minimum(1.0, 0.4 + 0.4 * staff.trust + 0.3 * p.leadership_backing)


def willingness(staff: Staff, p: Params, org: Organisation) -> np.ndarray:
    """Chance of taking a marketing lead offered this week, from own trust and experience.

    Shared rewards raise cooperation (Le Meunier-FitzHugh et al. 2011); an SLA pushes acceptance as far
    as this person complies; hand-off friction loses what the lead's context was.
    """
    own = staff.trust * (0.3 + 0.7 * staff.perceived)
    coop = 0.25 * p.shared_bonus_share + 0.1 * p.marketing_revenue_weight
    push = 0.25 * sla_compliance(staff, p)
    friction = p.handoff_friction * (1 - 0.5 * org.liaison_strength)
    return np.clip(own * (1 - friction) + coop + push, 0.0, 1.0)


def response_hours(staff: Staff, p: Params) -> np.ndarray:
    """Mean first-contact delay: longer when loaded; a CRM shortens it as far as trust uses it."""
    load = staff.open / np.maximum(1.0, capacity(staff, p))
    crm = 1 - 0.3 * p.crm_level * staff.trust
    return p.response_hours * (0.5 + load) * crm * (1 + p.handoff_friction)


def overpromise_probability(staff: Staff, p: Params, company_quota: float, week: int) -> np.ndarray:
    """Under quota pressure late in the quarter, promise more than service can deliver."""
    behind = np.maximum(0.0, 1 - pace(staff, company_quota, week))
    lateness = elapsed(week) / QUARTER
    guard = (1 - p.retention_bonus_share) * (1 - 0.3 * p.integration)
    return np.minimum(1.0, 0.8 * behind * lateness * guard)


def feedback_probability(staff: Staff, p: Params) -> np.ndarray:
    """Chance of reporting a marketing lead's outcome: the design's norm, times own trust and tools."""
    prob = p.feedback_probability * (0.4 + 0.6 * staff.trust)
    prob = prob * ((1 + 0.3 * p.shared_bonus_share) * (1 + 0.5 * p.crm_level * staff.trust))
    return np.minimum(1.0, prob)


def learn_from_leads(staff: Staff, rows: np.ndarray, qualified: np.ndarray) -> None:
    """Own experience of marketing leads, the basis of trust in them: each lead's outcome moves its
    salesperson's view 5 % of the way toward it, within [0, 1], in the order the leads came (round k
    updates everyone who had at least k leads this week)."""
    order = np.argsort(rows, kind="stable")
    rows, target = rows[order], qualified[order] / 0.6
    rank = np.arange(rows.size) - np.searchsorted(rows, rows)
    for k in range(int(rank.max()) + 1 if rows.size else 0):
        now = rank == k
        who = rows[now]
        seen = staff.perceived[who]
        staff.perceived[who] = np.clip(seen + 0.05 * (target[now] - seen), 0.0, 1.0)


def pay_satisfaction(
    staff: Staff, p: Params, org: Organisation, company_quota: float, week: int
) -> np.ndarray:
    """Pay follows own attainment, team attainment and retention, as the incentive mix says.

    Sharing dilutes a top performer's pay: pure commission keeps the sellers who win now, shared pay
    keeps the average ones (Houghton et al.).
    """
    shared, retention = p.shared_bonus_share, p.retention_bonus_share
    own = 0.5 * staff.last_attainment + 0.5 * pace(staff, company_quota, week)
    mix = (1 - shared - retention) * own + shared * org.team_attainment + retention * org.retention_score
    return np.clip(mix / 1.3, 0.0, 1.0)
