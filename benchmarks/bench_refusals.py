"""How fast bad input is refused: a refusal should come before any work starts, so it should cost
little more than starting Python.

For a sample of the bad-input corpus (tests/test_bad_input_corpus.py) across the four input kinds
and the sizes that would otherwise run for days, it times the real `truce` command in a subprocess
(median of --repeat runs, wall clock) next to bare `python -c pass` and `truce --help`, and the
refusal's own cost in-process (the call that raises, after imports). Prints figures; asserts nothing.
Run: .venv/bin/python benchmarks/bench_refusals.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_bad_input_corpus import CASES, _build  # noqa: E402  (the corpus's own fixtures)

SAMPLE = (
    "design-accounts-nan",
    "design-folder",
    "design-symlink-loop",
    "design-binary",
    "set-accounts-nan",
    "spec-set-nan",
    "spec-design-folder",
    "spec-lhs-1e9",
    "spec-factorial-1e12",
    "spec-replications-1e9",
    "funnel-company-nan",
    "calibrate-out-missing-folder",
    "calibrate-replications-1e9",
    "run-weeks-1e9",
    "compare-replications-1e9",
    "compare-seed-negative",
    "dashboard-port-70000",
    "sweep-out-is-file",
    "sweep-scheduler-no-port",
    "sweep-scheduler-unreachable",
    "report-malformed-manifest",
    "run-weeks-not-int",
)


def _time(command: list[str], cwd: Path, repeat: int) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    times, code = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        code = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def _in_process(folder: Path) -> list[tuple[str, Callable[[], object]]]:
    """Refusals timed after imports: what the check itself costs."""
    import sim
    from experiments import Experiment
    from experiments.calibrate import load_funnel
    from sim import budget, files

    def spec_size(name: str) -> Callable[[], object]:
        def go() -> object:
            experiment = Experiment.from_toml(folder / name)
            return Experiment.run(experiment, folder / "never_written", workers=2)

        return go

    return [
        ("sim.resolve, accounts = nan in a design", lambda: sim.resolve(folder / "d_nan.toml")),
        ("sim.resolve, a folder as design", lambda: sim.resolve(folder / "folder.toml")),
        ("load_funnel, accounts = nan", lambda: load_funnel(folder / "f_company_nan.toml")),
        ("spec read + size check, LHS 10^9 samples", spec_size("s_lhs.toml")),
        ("spec read + size check, factorial 10^12", spec_size("s_factorial.toml")),
        ("files.check_out_file, missing folder", lambda: files.check_out_file(folder / "no/x.toml")),
        ("budget.memory_limit", budget.memory_limit),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median reported)")
    args = parser.parse_args()
    import sim

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _build(folder)
        py = [sys.executable]
        print(f"subprocess wall clock, median of {args.repeat} (Python {sys.version.split()[0]}):")
        print(f"{'command':<34} {'seconds':>8}  exit")
        for label, command in (
            ("python -c pass", [*py, "-c", "pass"]),
            ("truce --help", [*py, "-m", "truce.cli", "--help"]),
            ("import sim, experiments, pandas", [*py, "-c", "import sim, experiments, pandas"]),
        ):
            seconds, code = _time(command, folder, args.repeat)
            print(f"{label:<34} {seconds:>8.3f}  {code}")
        cases = {case.id: case for case in CASES}
        for case_id in SAMPLE:
            argv = [a.replace("{d}", str(folder)) for a in cases[case_id].args]
            seconds, code = _time([*py, "-m", "truce.cli", *argv], folder, args.repeat)
            print(f"{case_id:<34} {seconds:>8.3f}  {code}")

        print("\nin-process, after imports (median of 20 calls):")
        for label, call in _in_process(folder):
            times = []
            for _ in range(20):
                start = time.perf_counter()
                with contextlib.suppress(sim.InputError):
                    call()
                times.append(time.perf_counter() - start)
            print(f"{label:<44} {statistics.median(times) * 1e3:>8.2f} ms")


if __name__ == "__main__":
    main()
