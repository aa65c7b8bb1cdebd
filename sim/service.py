"""Service: each agent's load and the quality it can deliver; customers' satisfaction follows it.

Quality is Forrester's delivery-delay effect of the agent's own backlog, so an overloaded agent serves
every one of its customers worse; sales' over-promises leave a gap that only service closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.market import forrester_effect
from sim.people import WORK_HOURS

if TYPE_CHECKING:
    from sim.model import TruceModel
    from sim.params import Params
    from sim.staff import Staff

UNSERVED_QUALITY = 0.15  # customers of a service seat left empty get next to nothing
NO_SERVICE_DELAY = 6.0  # delivery-delay ratio when nobody is left in service


def capacity(staff: Staff, rows: np.ndarray, p: Params) -> np.ndarray:
    """Customer load an agent handles at normal quality (less while ramping and in meetings)."""
    time = 1 - staff.meeting_hours[rows] / WORK_HOURS
    return np.maximum(1e-9, p.service_capacity * staff.productivity[rows] * time)


def overload(staff: Staff, rows: np.ndarray, p: Params) -> np.ndarray:
    return np.maximum(0.0, staff.load[rows] / capacity(staff, rows, p) - 1.0)


def miss(staff: Staff, rows: np.ndarray, p: Params) -> np.ndarray:
    """Sales promised what cannot be delivered: the service side's reason to blame sales."""
    return np.minimum(1.0, 2 * staff.gap_share[rows] + overload(staff, rows, p))


def delivery_ratio(model: TruceModel, rows: np.ndarray) -> float:
    """Service's backlog against its capacity, as sales feel it when they close (at least 1)."""
    total = float(capacity(model.staff, rows, model.p).sum()) if rows.size else 0.0
    if total <= 0:
        return NO_SERVICE_DELAY
    market = model.market
    cust = market.customers
    served = cust[market.server[cust] >= 0]
    return max(1.0, float(market.service_weights(model.week, served).sum()) / total)


def serve(model: TruceModel, rows: np.ndarray) -> np.ndarray:
    """Each service agent's load and quality; customers' satisfaction follows what they get.

    Customers left without a server (their agent quit) go to someone on the team. Returns quality by
    agent id, the last entry for customers with no server (read again at the week's end, after
    churn and quits, for the weekly record).
    """
    market, staff, p = model.market, model.staff, model.p
    cust = market.customers
    server = market.server[cust]
    orphaned = (server < 0).nonzero()[0]
    if rows.size and orphaned.size:
        ids = staff.uid[rows]
        server[orphaned] = ids[model.streams["service"].integers(rows.size, size=orphaned.size)]
        market.server[cust[orphaned]] = server[orphaned]
    row = np.where(server >= 0, staff.row_of[server], -1)
    served = row >= 0
    n = len(staff)
    weights = market.service_weights(model.week, cust[served])
    staff.load[rows] = np.bincount(row[served], weights=weights, minlength=n)[rows]
    gaps = np.bincount(row[served], weights=market.gap[cust[served]] > 0.05, minlength=n)[rows]
    counts = np.bincount(row[served], minlength=n)[rows]
    staff.gap_share[rows] = np.divide(gaps, counts, out=np.zeros(rows.size), where=counts > 0)
    by_id = np.full(staff.row_of.size + 1, UNSERVED_QUALITY)
    by_id[staff.uid[rows]] = forrester_effect(1.0 + overload(staff, rows, p))
    market.serve(cust, by_id[server], p.marketing_existing_focus)
    return by_id
