"""A measured effect as the statistical tests of the model report it: a mean and its 95% t interval."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CI:
    """A mean (of per-seed paired differences, or of values) and its two-sided t confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"mean {self.mean:.4g}, 95% CI [{self.low:.4g}, {self.high:.4g}] (n={self.n})"
