"""The map's logic without any run: quadtree cells, the winner rule (paired CIs, Holm) and refinement.

A cell at depth d has index (i, j) on a grid of `start * 2**d` cells per side; it is evaluated at its
centre. Refinement is a pure function of the results so far, so the same spec always gives the same
map, and a resumed map replays its rounds from stored runs up to where it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from experiments.stats import LEVEL, t_interval

NO_WINNER = "no clear winner"
ALPHA = 1 - LEVEL


@dataclass(frozen=True, order=True)
class Cell:
    """One quadtree cell: depth 0 is the start grid; (i, j) count along x and y from the low corner."""

    depth: int
    i: int
    j: int

    def side(self, start: int) -> int:
        """Cells per side of the grid at this cell's depth."""
        return start << self.depth

    def point(self, start: int) -> int:
        """The cell's `point` number in run ids: every cell of every depth numbered once."""
        n = self.side(start)
        offset = start * start * ((1 << (2 * self.depth)) - 1) // 3  # cells of all coarser depths
        return offset + self.j * n + self.i

    def centre(self, start: int) -> tuple[float, float]:
        """The centre as fractions of the axes' ranges."""
        n = self.side(start)
        return (self.i + 0.5) / n, (self.j + 0.5) / n

    def span(self, start: int, resolution: int) -> tuple[int, int, int, int]:
        """(ix0, ix1, iy0, iy1): the finest-grid cells this cell covers, half-open."""
        k = resolution // self.side(start)
        return self.i * k, (self.i + 1) * k, self.j * k, (self.j + 1) * k

    def children(self) -> list[Cell]:
        """The four quarters, in (j, i) order."""
        d, i, j = self.depth + 1, 2 * self.i, 2 * self.j
        return [Cell(d, i + a, j + b) for b in (0, 1) for a in (0, 1)]


@dataclass(frozen=True)
class Verdict:
    """What the runs at one point say: per-design means and CIs of the normalised outcome, the leader
    (best mean), its Holm-adjusted paired CIs against every other design, and the winner if all of
    them exclude 0; `resolvable` when more replications could make an unclear point clear."""

    n: int
    means: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    leader: int
    diff_lows: tuple[float, ...]  # (leader - design), oriented so that > 0 favours the leader
    diff_highs: tuple[float, ...]
    winner: int | None
    resolvable: bool


def decide(values: np.ndarray, sign: int, max_n: int) -> Verdict:
    """The verdict at one point from `values` (replications x designs, common seeds in each row).

    The leader is the design with the best mean (more is better when `sign` is +1). It wins when its
    paired difference to every other design excludes 0 with Holm's step-down correction over those
    m comparisons: sorted by t statistic (equal degrees of freedom, so the same order as by p), the
    k-th (from 0) must exclude 0 at level 1 - alpha / (m - k); the first that does not stops it. An
    unclear point is `resolvable` when every comparison left would exclude 0 at `max_n` pairs if
    its mean and sd stayed as they are (a true tie, mean difference 0, never is).
    """
    n, m = values.shape[0], values.shape[1] - 1
    rows = [t_interval(values[:, d]) for d in range(values.shape[1])]
    means = tuple(r[0] for r in rows)
    oriented = values * sign
    leader = int(np.argmax(oriented.mean(axis=0))) if n else 0
    others = [d for d in range(values.shape[1]) if d != leader]
    diffs = {d: oriented[:, leader] - oriented[:, d] for d in others}
    order = sorted(others, key=lambda d: -_t(diffs[d]))
    lows, highs = [float("nan")] * (m + 1), [float("nan")] * (m + 1)
    clear, resolvable = n >= 2, n < max_n
    for k, d in enumerate(order):
        level = 1 - ALPHA / (m - k)
        mean, sd, low, high = t_interval(diffs[d], level)
        lows[d], highs[d] = low, high
        if clear and low > 0:
            continue
        clear = False
        if n >= 2 and resolvable:
            half = sps.t.ppf(0.5 + level / 2, max_n - 1) * sd / np.sqrt(max_n)
            resolvable = bool(mean > half)
    return Verdict(
        n=n,
        means=means,
        lows=tuple(r[2] for r in rows),
        highs=tuple(r[3] for r in rows),
        leader=leader,
        diff_lows=tuple(lows),
        diff_highs=tuple(highs),
        winner=leader if clear else None,
        resolvable=resolvable and not clear,
    )


def _t(diff: np.ndarray) -> float:
    """The paired t statistic of `diff` (infinite for a constant positive difference)."""
    if diff.size < 2:
        return 0.0
    mean, sd = float(np.mean(diff)), float(np.std(diff, ddof=1))
    if sd == 0:
        return float("inf") if mean > 0 else 0.0
    return mean / (sd / np.sqrt(diff.size))


def normalise(raw: Mapping[str, np.ndarray], baseline: int, weights: Mapping[str, float]) -> np.ndarray:
    """Replications x designs of the weighted sum of each outcome divided by the baseline's mean at
    this point (its absolute value, so a negative profit keeps the order; 1 when it is 0)."""
    total = None
    for name, w in weights.items():
        table = raw[name]
        base = float(np.mean(table[:, baseline])) if table.shape[0] else 1.0
        scaled = w * table / (abs(base) or 1.0)
        total = scaled if total is None else total + scaled
    assert total is not None
    return total


class Quadtree:
    """The evaluated cells, each with its target replications, and which of them are split."""

    def __init__(self, start: int, resolution: int, replications: int, max_replications: int) -> None:
        self.start, self.resolution = start, resolution
        self.replications, self.max_replications = replications, max_replications
        self.depth = (resolution // start).bit_length() - 1
        self.target: dict[Cell, int] = {
            Cell(0, i, j): replications for j in range(start) for i in range(start)
        }
        self.split: set[Cell] = set()

    def leaves(self) -> list[Cell]:
        """Evaluated cells not split: they tile the map."""
        return sorted(c for c in self.target if c not in self.split)

    def owners(self) -> np.ndarray:
        """resolution x resolution (rows y, columns x) of indices into `leaves()`."""
        grid = np.full((self.resolution, self.resolution), -1, dtype=np.int64)
        for k, cell in enumerate(self.leaves()):
            x0, x1, y0, y1 = cell.span(self.start, self.resolution)
            grid[y0:y1, x0:x1] = k
        return grid

    def refine(self, labels: Sequence[str], resolvable: Sequence[bool]) -> bool:
        """One round: replications up to the cap for unclear leaves that more could resolve; a split
        into four for settled leaves (above the finest depth) whose label differs from a settled
        neighbour's. `labels` and `resolvable` follow `leaves()`. False when nothing is left to do."""
        leaves = self.leaves()
        unsettled = {
            k for k, (lab, r) in enumerate(zip(labels, resolvable, strict=True)) if lab == NO_WINNER and r
        }
        unsettled = {k for k in unsettled if self.target[leaves[k]] < self.max_replications}
        grid = self.owners()
        split = []
        for k, cell in enumerate(leaves):
            if k in unsettled or cell.depth >= self.depth:
                continue
            x0, x1, y0, y1 = cell.span(self.start, self.resolution)
            edge = np.concatenate(
                [
                    grid[y0:y1, x0 - 1] if x0 > 0 else [],
                    grid[y0:y1, x1] if x1 < self.resolution else [],
                    grid[y0 - 1, x0:x1] if y0 > 0 else [],
                    grid[y1, x0:x1] if y1 < self.resolution else [],
                ]
            ).astype(np.int64)
            if any(n not in unsettled and labels[n] != labels[k] for n in set(edge.tolist())):
                split.append(cell)
        for k in unsettled:
            self.target[leaves[k]] = self.max_replications
        for cell in split:
            self.split.add(cell)
            for child in cell.children():
                self.target[child] = self.replications
        return bool(unsettled or split)
