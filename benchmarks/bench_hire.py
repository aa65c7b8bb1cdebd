"""What a week with a mass `hire` costs as the number hired grows: it should grow linearly.

Issue "Hardening and outputs" found the cost of hiring quadratic on core v1 (10,000 hires in one week
0.5 s, 80,000 hires 18 s): v1 copied every person's arrays per hire. Core v2 adds a whole batch to the
staff table at once. Each figure is the best of --repeats runs of a two-week `siloed` run with the
hires scheduled in week 1 (in batches of at most 10,000, the `hire` intervention's limit), minus
the same run without them. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_hire.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

import sim

LIMIT = 10_000  # the `hire` intervention's largest n


def best(repeats: int, hires: int) -> float:
    """Best wall time of a two-week run with `hires` people hired in week 1."""
    ivs = [
        sim.Intervention(kind="hire", week=1, role="sales", n=min(LIMIT, hires - k))
        for k in range(0, hires, LIMIT)
    ]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        sim.run("siloed", weeks=2, seed=0, interventions=ivs)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    best(1, 1)  # load the compiled model once
    base = best(args.repeats, 0)
    print(f"two-week run without hires: {base:.3f} s")
    print(f"{'hired in week 1':>16} {'extra seconds':>14} {'per 10,000':>11}")
    for hires in (10_000, 20_000, 40_000, 80_000):
        extra = best(args.repeats, hires) - base
        print(f"{hires:>16,} {extra:>14.3f} {extra / hires * LIMIT:>11.3f}")


if __name__ == "__main__":
    main()
