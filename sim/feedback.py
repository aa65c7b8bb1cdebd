"""Sales -> marketing feedback: lead outcomes reported with a design's probability and delay.

It is marketing's only source for improving lead scoring; what is not reported is never learned.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from sim import marketing

if TYPE_CHECKING:
    from sim.model import TruceModel


class FeedbackChannel:
    """Reports in transit: (marketer ids, accounts, outcomes) keyed by the week they arrive."""

    def __init__(self) -> None:
        self.pending: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = defaultdict(list)

    def post(self, due: int, marketers: np.ndarray, accounts: np.ndarray, won: np.ndarray) -> None:
        """Reports written this week, arriving in week `due`."""
        if marketers.size:
            self.pending[due].append((marketers, accounts, won.astype(float)))

    def deliver(self, model: TruceModel) -> tuple[np.ndarray, int]:
        """Hand this week's arriving reports to their marketers, who learn from them; returns reports
        received per staff row, and all that arrived. A marketer who has left takes the lesson along."""
        staff, p = model.staff, model.p
        batches = self.pending.pop(model.week, [])
        if not batches:
            return np.zeros(len(staff), dtype=np.int64), 0
        ids, accounts, outcomes = (np.concatenate(column) for column in zip(*batches, strict=True))
        received = marketing.learn(
            staff.scoring,
            staff.row_of,
            ids,
            accounts,
            outcomes,
            model.market.profile,
            p.learning_rate,
            p.fit_sharpness,
        )
        return received, ids.size
