"""How many runs the equivalence test needs, from v1's own spread (prints figures, asserts nothing).

For an identical model, mean(v2) - mean(v1) is normal around 0 with standard error
se = sd * sqrt(1/N1 + 1/N2). A metric's test passes when the 90 % interval, diff +- 1.645 se, lies
inside +-margin, so it fails with probability P(|Z| > margin/se - 1.645) (one tail, plus the other's
negligible rest). The family fails if any test fails; the union bound adds the probabilities (metrics
that are the same number twice, such as `referrals` and `referrals_total`, count once). N is the
smallest number of v2 runs per design (N2, against the reference's N1 = 3,200) that keeps that bound
at or below 5 %.

    .venv/bin/python benchmarks/equivalence/size.py [tests/data/v1_reference.parquet]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).parents[2] / "tests" / "sim"))
from test_equivalence import REFERENCE, margin

Z = stats.norm.ppf(0.95)


def failure_bound(spread: pd.DataFrame, n1: int, n2: int) -> pd.Series:
    """Per (design, metric): the probability that an identical model fails the test."""
    se = spread["sd"] * np.sqrt(1 / n1 + 1 / n2)
    with np.errstate(divide="ignore"):
        z = spread["margin"] / se - Z
    fail = stats.norm.sf(z) + stats.norm.sf(z + 2 * Z)
    return pd.Series(np.where(spread["sd"] > 0, fail, 0.0), index=spread.index)


def main(path: Path) -> None:
    ref = pd.read_parquet(path)
    metrics = [c for c in ref.columns if c not in ("design", "replication", "seed")]
    rows = []
    for design, group in ref.groupby("design", sort=False):
        seen = set()
        for metric in metrics:
            values = group[metric].to_numpy(float)
            key = values.tobytes()
            if key in seen:  # the same number under another name
                continue
            seen.add(key)
            rows.append((design, metric, values.std(ddof=1), margin(metric, values.mean())))
    spread = pd.DataFrame(rows, columns=["design", "metric", "sd", "margin"]).set_index(["design", "metric"])
    n1 = int(ref.groupby("design").size().min())
    print(f"v1 reference: {n1} runs per design, {len(spread)} distinct tests")
    print("worst sd / margin:")
    print((spread["sd"] / spread["margin"]).sort_values(ascending=False).head(6).round(2).to_string())
    for n2 in (400, 800, 1000, 1200, 1600):
        bound = failure_bound(spread, n1, n2)
        print(f"N2 = {n2:5d}: P(an identical model fails any test) <= {bound.sum():.3f}")
    smallest = next(n2 for n2 in range(100, 5001, 100) if failure_bound(spread, n1, n2).sum() <= 0.05)
    print(f"smallest N2 (multiple of 100) with P(pass all) >= 95 %: {smallest}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE)
