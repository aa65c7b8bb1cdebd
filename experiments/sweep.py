"""One sweep from start to end: check, plan, resume, execute, commit, and describe the folder.

Ctrl-C sets a flag instead of raising inside whatever line happens to run, so the sweep stops between
runs: finished runs are committed, the manifest says "interrupted", and the same call resumes it. An
executor that is lost (Dask scheduler gone, local workers dying) ends the sweep the same way, with
`ExecutorLost` naming the cause: the runs it lost are missing, not failed, and the same call computes them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments import manifest as mf
from experiments import storage
from experiments.execute import ExecutorLost, drive, executor_for
from experiments.plan import Outcome, Task, tasks
from experiments.pool import SerialExecutor
from experiments.progress import SweepProgress
from experiments.results import Results
from experiments.sampling import check_points, draw

if TYPE_CHECKING:
    from experiments.spec import Experiment


def sweep(
    experiment: Experiment,
    out: Path,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    local_cluster: bool = False,
    csv: bool = False,
    progress: bool = True,
    flush_runs: int = 64,
    flush_seconds: float = 2.0,
) -> Results:
    """Compute every run of `experiment` missing from `out`; see `Experiment.run`."""
    samples = draw(experiment)
    check_points(experiment, samples)
    runs_schema, weekly_schema = storage.schemas(experiment.keep)
    # The executor first: a scheduler that cannot be reached must not leave a folder and manifest behind.
    with _executor(executor, workers, scheduler, local_cluster) as (pool, n), storage.hold(out):
        manifest = storage.open_folder(out, mf.build(experiment, samples, runs_schema, weekly_schema))
        session: dict[str, Any] = {"started": mf.now(), "git_commit": mf.provenance()["git_commit"]}
        ids = storage.read(out, storage.RUNS, ["run_id", "status"])
        done = set() if ids is None else set(ids["run_id"])
        total = manifest["runs_total"]
        failed = 0 if ids is None else int((ids["status"] == "failed").sum())
        live = {"total": total, "ok": len(done) - failed, "failed": failed, "written": 0.0, "cost": 0.0}

        def on_commit(ok: int, failed: int) -> None:
            """Keep the manifest's counts up with the folder, so that even a killed sweep's manifest
            tells what it holds: after every part, or less often if the manifest is large (writing
            it may take at most a twentieth of the time)."""
            live["ok"] += ok
            live["failed"] += failed
            if time.monotonic() - live["written"] < 20 * live["cost"]:
                return
            start = time.monotonic()
            counts = {k: live[k] for k in ("total", "ok", "failed")}
            counts["missing"] = total - counts["ok"] - counts["failed"]
            storage.write_json(out / storage.MANIFEST, {**manifest, "counts": counts, "status": "running"})
            live["written"], live["cost"] = time.monotonic(), time.monotonic() - start

        writer = storage.PartWriter(
            out,
            runs_schema,
            weekly_schema,
            mf.part_provenance(manifest),
            flush_runs,
            flush_seconds,
            on_commit,
        )
        status = "aborted"  # an error other than Ctrl-C; what was committed stays, and resumes
        lost: ExecutorLost | None = None
        with SweepProgress(total, len(done), f"sweep {experiment.name}", progress) as bar, _ctrl_c() as stop:
            try:
                commit_runs(pool, n, tasks(experiment, samples, done), writer, bar, stop)
                status = "complete"
            except KeyboardInterrupt:
                status = "interrupted"
                raise
            except ExecutorLost as err:  # not re-raised here: the folder is described first
                status, lost = "executor lost", err
            finally:
                writer.flush()
                counts = _finish(out, manifest, session, status, csv)
                committed = f"{total - counts['missing']} of {total} runs are committed in {out}"
                if status == "interrupted":
                    print(
                        f"sweep interrupted: {committed}; run the same command again to compute the rest",
                        file=sys.stderr,
                    )
    if lost is not None:  # one line for the caller (the CLI prints it): the cause and how to go on
        raise ExecutorLost(
            f"sweep stopped, {lost}: {committed}; run the same command again (with a working "
            "scheduler or workers) to compute the rest"
        ) from None
    return Results(out)


def _executor(
    executor: Executor | None, workers: int | None, scheduler: str | None, local_cluster: bool
) -> Any:
    """The caller's executor (left open: the caller owns it), or one made and closed here."""
    if executor is not None:
        return nullcontext((executor, workers or os.cpu_count() or 1))
    return executor_for(workers, scheduler, local_cluster)


def commit_runs(
    pool: Executor,
    n: int,
    todo: Iterable[Task],
    writer: storage.PartWriter,
    bar: SweepProgress,
    stop: threading.Event,
    seen: Callable[[Task, Outcome], None] = lambda task, outcome: None,
) -> None:
    """Run `todo` on `pool` (n workers), each result to `seen` and then to `writer`, which commits
    a part whenever it is due; `bar` counts them. A sweep's and a design map's rounds run this way."""

    def on_done(task: Task, outcome: Outcome) -> None:
        seen(task, outcome)
        writer.add(task, outcome)
        bar.advance(outcome.error is not None)

    def tick() -> None:
        if writer.due():
            writer.flush()
        bar.refresh()

    window = 1 if isinstance(pool, SerialExecutor) else max(8, 4 * n)  # busy workers, flat memory
    drive(pool, todo, on_done, window, tick=tick, stop=stop, note=bar.note)


def _finish(
    out: Path, manifest: dict[str, Any], session: dict[str, Any], status: str, csv: bool
) -> dict[str, int]:
    """Count what the folder holds, record this session in the manifest, and export CSV if asked."""
    storage.tidy(out)
    status_col = storage.read(out, storage.RUNS, ["status"])
    ok = 0 if status_col is None else int((status_col["status"] == "ok").sum())
    failed = 0 if status_col is None else int((status_col["status"] == "failed").sum())
    total = manifest["runs_total"]
    counts = {"total": total, "ok": ok, "failed": failed, "missing": total - ok - failed}
    finished = mf.now()
    manifest.update(
        counts=counts,
        finished=finished,
        status="complete" if counts["missing"] == 0 else "interrupted",
        sessions=[*manifest.get("sessions", []), {**session, "finished": finished, "status": status}],
    )
    storage.write_json(out / storage.MANIFEST, manifest)
    if csv:
        storage.export_csv(out, Results(out).runs)
    return counts


@contextmanager
def _ctrl_c() -> Iterator[Callable[[], bool]]:
    """Yield `stop()`, true once Ctrl-C was pressed; a second Ctrl-C interrupts at once as usual.

    Outside the main thread signals cannot be caught, and Ctrl-C keeps Python's default behaviour.
    """
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag.is_set
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: object) -> None:
        flag.set()
        signal.signal(signal.SIGINT, previous)
        print("\nstopping after the runs in flight (Ctrl-C again to stop at once)", file=sys.stderr)

    signal.signal(signal.SIGINT, handler)
    try:
        yield flag.is_set
    finally:
        signal.signal(signal.SIGINT, previous)
