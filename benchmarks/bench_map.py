"""Design-map cost: the adaptive map against the full grid it stands for (issue 16, part 1).

Runs `experiments/specs/presets_map.toml` (four designs, market_complexity x free_riding, 260 weeks)
adaptively from a fresh folder and prints runs used and wall time; with `--full-grid` it also
computes the full grid once (every finest cell at the same replications and cap, stored in
`--grid-out` and reused on later calls, resumable) and prints how far the two maps agree: over all
finest cells, and over the cells on the full grid's boundaries. Asserts nothing (benchmarks/README.md).

    .venv/bin/python benchmarks/bench_map.py --resolution 8              # a reduced run, ~minutes
    .venv/bin/python benchmarks/bench_map.py --full-grid                 # the real one: over an hour
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.map_run import run_map  # noqa: E402
from experiments.map_spec import MapSpec  # noqa: E402
from experiments.map_store import raster, read_map  # noqa: E402


def edges(grid: np.ndarray) -> np.ndarray:
    """Finest cells with a 4-neighbour of another label: the boundary, as a mask."""
    out = np.zeros(grid.shape, dtype=bool)
    vertical, horizontal = grid[:, 1:] != grid[:, :-1], grid[1:, :] != grid[:-1, :]
    out[:, 1:] |= vertical
    out[:, :-1] |= vertical
    out[1:, :] |= horizontal
    out[:-1, :] |= horizontal
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", default=str(ROOT / "experiments/specs/presets_map.toml"))
    parser.add_argument("--resolution", type=int, default=32)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--max-replications", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", default="results/bench_map", help="adaptive map (deleted first)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep a complete adaptive map in --out; time from its manifest"
    )
    parser.add_argument("--full-grid", action="store_true", help="also compute (or reuse) the full grid")
    parser.add_argument(
        "--grid-out", default=None, help="full grid folder (default: results/bench_map_grid_R)"
    )
    args = parser.parse_args()

    spec = MapSpec.from_toml(args.spec)
    start = min(spec.start, args.resolution)
    spec = dataclasses.replace(
        spec,
        experiment=dataclasses.replace(
            spec.experiment, weeks=args.weeks, replications=args.max_replications, keep="none"
        ),
        resolution=args.resolution,
        start=start,
        replications=args.replications,
        max_replications=args.max_replications,
    )
    out = Path(args.out)
    if not args.reuse:
        shutil.rmtree(out, ignore_errors=True)
    began = time.perf_counter()
    done = run_map(spec, out, workers=args.workers, progress=False)
    seconds = time.perf_counter() - began
    if args.reuse:  # the sessions that computed it, as recorded
        sessions = json.loads((out / "manifest.json").read_text())["sessions"]
        seconds = sum(
            (datetime.fromisoformat(s["finished"]) - datetime.fromisoformat(s["started"])).total_seconds()
            for s in sessions
        )
    frame, _ = read_map(out)
    designs = len(spec.experiment.designs)
    full_min = designs * args.resolution**2 * args.replications
    print(f"adaptive map {args.resolution} x {args.resolution} from {start} x {start}, {args.weeks} weeks:")
    print(
        f"  {done.runs:,} runs, {len(frame)} points, {seconds:.1f} s wall ({done.runs / seconds:.1f} runs/s)"
    )
    print(
        f"  full grid at {args.replications} replications: {full_min:,} runs; "
        f"adaptive used {done.runs / full_min:.0%}"
    )
    if not args.full_grid:
        return
    grid_out = Path(args.grid_out or f"results/bench_map_grid_{args.resolution}")
    full = dataclasses.replace(spec, start=args.resolution)  # every finest cell evaluated, no split
    began = time.perf_counter()
    grid_done = run_map(full, grid_out, workers=args.workers, progress=False)
    grid_seconds = time.perf_counter() - began
    grid_frame, _ = read_map(grid_out)
    a, b = raster(frame, args.resolution), raster(grid_frame, args.resolution)
    boundary = edges(b)
    print(
        f"full grid: {grid_done.runs:,} runs ({grid_done.runs_this_session:,} computed now, "
        f"{grid_seconds:.1f} s this session)"
    )
    print(f"  adaptive / full-grid runs: {done.runs / grid_done.runs:.0%}")
    print(f"  agreement over all cells: {(a == b).mean():.1%}")
    if boundary.any():
        print(
            f"  agreement on the full grid's boundary cells ({boundary.sum()}): "
            f"{(a == b)[boundary].mean():.1%}"
        )
    for label in sorted(set(b.ravel()) | set(a.ravel())):
        print(f"  {label}: adaptive {(a == label).mean():.1%}, full grid {(b == label).mean():.1%}")


if __name__ == "__main__":  # workers start by forkserver and import this script
    main()
