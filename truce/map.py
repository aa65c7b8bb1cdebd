"""`truce map`: compute (or resume) a design map into a folder and print where each design wins."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_parser(sub: Any, formatter: type[argparse.HelpFormatter], max_hours: Callable[..., None]) -> None:
    """The `map` subcommand on the CLI's subparsers (kept here, so truce/cli.py stays short);
    `max_hours` adds the CLI's shared --max-hours flag."""
    mp = sub.add_parser(
        "map",
        help="which design wins where: a map over two parameters, refined where designs change places",
        formatter_class=formatter,
    )
    mp.add_argument("spec", help="map spec, e.g. experiments/specs/presets_map.toml")
    mp.add_argument("--out", required=True, help="results folder; rerun the same command to resume")
    mp.add_argument(
        "--workers", type=int, default=None, help="processes or Dask workers (default: all cores)"
    )
    on = mp.add_mutually_exclusive_group()
    on.add_argument("--scheduler", default=None, metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786")
    on.add_argument("--local-cluster", action="store_true", help="run on a local Dask cluster")
    max_hours(mp)
    mp.set_defaults(func=_command)


def _command(args: argparse.Namespace) -> int:
    return design_map(
        args.spec,
        args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        local_cluster=args.local_cluster,
        max_hours=args.max_hours,
    )


def design_map(
    spec: str,
    out: str,
    *,
    workers: int | None,
    scheduler: str | None,
    local_cluster: bool,
    max_hours: float | None = None,
) -> int:
    """Run the map of `spec` into `out`; print runs used and each label's share of the map's area.

    Exit code 1 if any run failed (the map leaves those replications out), 75 if the executor was
    lost (a rerun computes the rest), as for `truce sweep`.
    """
    from experiments.execute import ExecutorLost
    from experiments.map_spec import MapSpec
    from sim import files
    from truce.sweep import _reach

    files.check_out_dir(out)
    if scheduler:
        _reach(scheduler)
    parsed = MapSpec.from_toml(spec)
    from experiments.map_run import run_map  # pandas, pyarrow, the executors: only once it will run
    from experiments.map_store import read_map

    begin = time.monotonic()
    try:
        done = run_map(
            parsed,
            Path(out),
            workers=workers,
            scheduler=scheduler,
            local_cluster=local_cluster,
            max_hours=max_hours,
        )
    except ExecutorLost as lost:
        print(f"truce: {lost}", file=sys.stderr)
        return lost.exit_code
    frame, info = read_map(out)
    print(
        f"{parsed.experiment.name}: {len(frame)} points evaluated, {done.runs} runs "
        f"({done.runs_this_session} this session, {time.monotonic() - begin:.1f} s) in {out}"
    )
    print(f"share of the map ({info['resolution']} x {info['resolution']}): {area(frame, info)}")
    if done.failed:
        print(f"{done.failed} runs failed (left out of their points' comparisons)")
        return 1
    return 0


def area(frame: Any, info: dict[str, Any]) -> str:
    """Each label's share of the map's area at full resolution, largest first: "shared_kpis 84%, ..."."""
    import numpy as np

    from experiments.map_store import raster

    grid = np.asarray(raster(frame, info["resolution"])).astype(str)
    values, counts = np.unique(grid, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return ", ".join(f"{values[k]} {counts[k] / counts.sum():.0%}" for k in order)
