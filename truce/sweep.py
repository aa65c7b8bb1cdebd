"""`truce sweep`: run an experiment spec into a results folder, resuming whatever is already there."""

from __future__ import annotations

import sys
import time
from pathlib import Path


def sweep(
    spec: str,
    out: str,
    *,
    workers: int | None,
    scheduler: str | None,
    local_cluster: bool,
    csv: bool,
    max_hours: float | None = None,
) -> int:
    """Run `spec` into `out` and print one summary line; exit code 1 if any run failed.

    Failed runs do not stop the sweep, but a script chaining `truce sweep && truce report` should
    know, hence the exit code; the first failure's last line points at the cause. A lost executor
    (the Dask scheduler gone, local workers dying) is no failure of the model: one line on stderr
    and exit code 75 (`EX_TEMPFAIL`), the runs it lost still missing, to be computed by a rerun.
    """
    from experiments import Experiment
    from experiments.execute import ExecutorLost
    from sim import files

    files.check_out_dir(out)
    if scheduler:
        _reach(scheduler)
    experiment = Experiment.from_toml(spec)
    start = time.monotonic()
    try:
        results = experiment.run(
            Path(out),
            workers=workers,
            scheduler=scheduler,
            local_cluster=local_cluster,
            csv=csv,
            max_hours=max_hours,
        )
    except ExecutorLost as lost:
        print(f"truce: {lost}", file=sys.stderr)
        return lost.exit_code
    counts = results.manifest["counts"]
    seconds = time.monotonic() - start
    print(
        f"{experiment.name}: {counts['ok']} ok, {counts['failed']} failed of {counts['total']} runs "
        f"in {out} ({seconds:.1f} s this session)"
    )
    if not counts["failed"]:
        return 0
    runs = results.runs
    first = runs[runs["status"] == "failed"].iloc[0]
    print(f"first failure, {first['run_id']}: {str(first['error']).strip().splitlines()[-1]}")
    return 1


def _reach(scheduler: str) -> None:
    """Refuse at once a tcp:// scheduler address where nothing listens (Dask itself waits 10 s)."""
    import socket

    from sim import InputError

    protocol, _, rest = scheduler.rpartition("://")
    if protocol not in ("", "tcp"):
        return
    host, _, port = rest.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as err:
        raise InputError(f"--scheduler {scheduler}: cannot connect ({err.strerror or err})") from None
