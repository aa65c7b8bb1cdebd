"""Speed of a Truce run against Mesa's own BoltzmannWealth example, timed in the same process.

Prints figures and asserts nothing: speed is measured here, never in the unit tests. Targets (from the
core-v2 issue): a default 260-week run <= 3x BoltzmannWealth; a company of 2,000 employees and
1,000,000 accounts <= 120x, with peak memory <= 1 GB.

    .venv/bin/python benchmarks/bench_model.py              # default run and scale run (~1 min)
    .venv/bin/python benchmarks/bench_model.py --quick      # default run only (~15 s)
    .venv/bin/python benchmarks/bench_model.py --weeks 52   # a shorter horizon for both runs
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

DEFAULT_TARGET, SCALE_TARGET, RSS_TARGET_GB = 3.0, 120.0, 1.0
#: 2,000 employees (the default mix of roles, scaled up) serving a million accounts.
SCALE = {"accounts": 1_000_000, "marketers": 465, "salespeople": 1163, "service_staff": 372}


def boltzmann() -> None:
    """Mesa's shipped BoltzmannWealth: 100 agents on 10 x 10, 100 steps with its data collection."""
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

    model = BoltzmannWealth(BoltzmannScenario(n=100, width=10, height=10, rng=1))
    for _ in range(100):
        model.step()


def truce(weeks: int, **params: int) -> None:
    """One `sim.run` of the siloed design: model, every mechanism, the weekly record, the DataFrame."""
    import sim

    sim.run("siloed", weeks=weeks, seed=0, **params)


def best_times(repeats: int, *fns: Callable[[], None]) -> list[float]:
    """Best wall time of each function over `repeats` rounds.

    The functions alternate within a round, so a busy spell on the machine slows both sides of a
    ratio rather than one; the best time is the least disturbed one.
    """
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def scale_child(weeks: int, repeats: int) -> None:
    """In a fresh interpreter: BoltzmannWealth, then one scale run; prints both times as JSON.

    A two-week scale run first loads the compiled model (once per process, about a second, as the
    default run's warm-up does in the parent), so the timed run is what every further run costs."""
    boltzmann()
    truce(2, **SCALE)
    (base,) = best_times(repeats, boltzmann)
    (run,) = best_times(1, lambda: truce(weeks, **SCALE))
    print(json.dumps({"boltzmann": base, "scale": run}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-account scale run")
    parser.add_argument("--weeks", type=int, default=260, help="horizon of both runs (default 260)")
    parser.add_argument("--repeats", type=int, default=7, help="timing rounds; the best counts (default 7)")
    parser.add_argument("--scale-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_child:
        scale_child(args.weeks, args.repeats)
        return

    truce(4)  # warm-up: imports, the parameter registry, the design files
    boltzmann()
    base, default = best_times(args.repeats, boltzmann, lambda: truce(args.weeks))
    print(f"BoltzmannWealth (100 agents, 100 steps)         {base:8.3f} s")
    print(
        f"default run (siloed, {args.weeks} weeks)                {default:8.3f} s "
        f"{default / base:7.1f}x BoltzmannWealth (target <= {DEFAULT_TARGET:.0f}x)"
    )
    if args.quick:
        return
    # A fresh interpreter, so the peak RSS is the scale run's own (tracemalloc would miss numpy's).
    child = [sys.executable, __file__, "--scale-child", "--weeks", str(args.weeks)]
    out = subprocess.run([*child, "--repeats", str(args.repeats)], check=True, capture_output=True, text=True)
    times = json.loads(out.stdout.strip().splitlines()[-1])
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e9  # Linux: KiB
    print(f"BoltzmannWealth in the scale run's process     {times['boltzmann']:8.3f} s")
    print(
        f"scale run (2,000 staff, 1e6 accounts, {args.weeks} weeks) {times['scale']:8.1f} s "
        f"{times['scale'] / times['boltzmann']:7.0f}x BoltzmannWealth (target <= {SCALE_TARGET:.0f}x)"
    )
    print(f"scale run peak RSS                              {peak_gb:8.2f} GB (target <= {RSS_TARGET_GB} GB)")


if __name__ == "__main__":
    main()
