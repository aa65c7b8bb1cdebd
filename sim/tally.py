"""What the week's mechanisms count: one float array per week, a position per count (`Count`).

Mechanisms, compiled or not, add to the week's tally as they go (`tally[Count.churned] += n`), and the
weekly record (`sim.record`) is computed from it at the week's end: nothing is left on the model for a
collector to find and a reset to zero. Counts of people per role follow `ROLES`' order.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.staff import ROLES


class Count(IntEnum):
    """Positions in the week's tally."""

    leads_marketing = 0  # leads marketing handed over
    leads_bought = 1
    leads_accepted = 2
    leads_leaked = 3
    leads_leaked_bought = 4
    leads_qualified = 5
    opportunities_created = 6
    opportunities_created_marketing = 7
    wait_weeks_sum = 8  # weeks the leads that left the queue had waited, summed
    response_hours_sum = 9  # hours to first contact of the accepted leads, summed
    sla_met = 10
    feedback_resolved = 11  # marketing's leads and deals whose outcome is known this week
    feedback_reports = 12  # of those, reported back to marketing
    feedback_delivered = 13  # reports that reached marketing this week
    referrals = 14
    deals_won = 15
    deals_lost = 16
    overpromises = 17
    bookings = 18  # EUR
    churned = 19
    blame_events = 20
    rep_quarters = 21
    rep_quarters_at_quota = 22
    hires_marketing = 23
    hires_sales = 24
    hires_service = 25
    quits_marketing = 26
    quits_sales = 27
    quits_service = 28
    leads_inbound = 29  # of leads_marketing, requests of in-market accounts that asked us
    deals_won_marketing = 30  # of deals_won, those from marketing's leads
    leads_accepted_bought = 31  # of leads_accepted, bought ones


#: The positions of hires and quits, by role code.
HIRES = tuple(Count[f"hires_{role.value}"] for role in ROLES)
QUITS = tuple(Count[f"quits_{role.value}"] for role in ROLES)


def new() -> np.ndarray:
    """An empty tally: nothing counted yet."""
    return np.zeros(len(Count))
