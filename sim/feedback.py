"""Sales -> marketing feedback: lead outcomes reported with a design's probability and delay.

It is marketing's only source for improving lead scoring; what is not reported is never learned.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import TruceModel
    from sim.selling import SalesTeam


class FeedbackChannel:
    """Reports in transit, keyed by the week they arrive."""

    def __init__(self) -> None:
        self.pending: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = defaultdict(list)
        self.resolved = 0  # marketing leads whose outcome became known to sales this week
        self.reported = 0  # of which reported
        self.delivered = 0  # reports that reached marketing this week

    def reset_week(self) -> None:
        self.resolved = self.reported = self.delivered = 0

    def report(
        self,
        model: TruceModel,
        team: SalesTeam,
        who: np.ndarray,
        accounts: np.ndarray,
        marketers: np.ndarray,
        outcomes: np.ndarray,
    ) -> None:
        """Each salesperson decides, lead by lead, whether to write the outcome up for marketing."""
        if not accounts.size:
            return
        f = model.streams["feedback"]
        prob = team.feedback_probability()[who]
        known = marketers >= 0
        sent = (f.random(accounts.size) < prob) & known
        self.resolved += int(np.count_nonzero(known))
        reported = int(np.count_nonzero(sent))
        self.reported += reported
        team.add_reports(who[sent])
        if reported:
            due = model.week + model.p.feedback_delay_weeks
            self.pending[due].append((marketers[sent], accounts[sent], outcomes[sent]))

    def deliver(self, model: TruceModel) -> dict[int, int]:
        """Hand this week's arriving reports to their marketers; returns reports per marketer id."""
        batches = self.pending.pop(model.week, [])
        if not batches:
            return {}
        marketers = np.concatenate([b[0] for b in batches])
        accounts = np.concatenate([b[1] for b in batches])
        outcomes = np.concatenate([b[2] for b in batches])
        self.delivered = int(marketers.size)
        by_id = model.marketers_by_id()
        counts: dict[int, int] = {}
        for mid in sorted(set(marketers.tolist())):
            who = by_id.get(mid)
            if who is None:  # the marketer has left: the lesson is lost with them
                continue
            mine = marketers == mid
            who.learn(model.market.profile[accounts[mine]].astype(float), outcomes[mine])
            counts[mid] = int(np.count_nonzero(mine))
        return counts
