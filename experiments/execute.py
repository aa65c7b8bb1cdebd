"""Executors behind one interface (`concurrent.futures.Executor`) and the loop that feeds them.

Serial, local processes and Dask differ only in where `run_task` executes; results are keyed by run
id, never by completion order, and every task carries its own seed, so the numbers are identical
whichever executor and however many workers ran them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from contextlib import contextmanager
from typing import Any

from experiments.plan import Outcome, Task, run_task
from sim import InputError


class SerialExecutor(Executor):
    """Runs each task in this process at `submit`: for debugging, profiling, and one-core machines."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # KeyboardInterrupt propagates: the sweep must stop, not record it
            future.set_exception(exc)
        return future


def _ignore_sigint() -> None:
    """Worker initialiser: Ctrl-C is the parent's to handle, so runs in flight are not torn down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def executor_for(
    workers: int | None = None, scheduler: str | None = None, local_cluster: bool = False
) -> Iterator[tuple[Executor, int]]:
    """The executor a sweep asked for and how many runs it can work on at once.

    Local processes start by forkserver, whatever the platform's default: forking a process that
    already runs threads (pyarrow's, a Dask client's, a notebook's) can deadlock the child. The
    server preloads the model once, so each worker starts in milliseconds. This is the pool's own
    context; no global start method is set. (As with any non-fork start method, a script must
    guard its entry point with `if __name__ == "__main__":`.)
    """
    if scheduler or local_cluster:
        with _dask(workers, scheduler) as pair:
            yield pair
        return
    n = workers or os.cpu_count() or 1
    if n == 1:
        yield SerialExecutor(), 1
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["experiments.plan"])
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_ignore_sigint)
    try:
        yield pool, n
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _dask(workers: int | None, scheduler: str | None) -> Iterator[tuple[Executor, int]]:
    """A Dask executor on a running scheduler, or on a `LocalCluster` of one-thread worker processes."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as err:
            raise InputError(f"--scheduler {scheduler}: cannot connect ({err})") from None
    else:
        n = workers or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    try:
        executor = client.get_executor(pure=False)  # pure=False: never merge two runs into one task
        yield executor, max(1, sum(client.nthreads().values()))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _submit(executor: Executor, task: Task) -> Future:
    try:
        return executor.submit(run_task, task)
    except BrokenExecutor as err:
        raise RuntimeError(
            "the worker processes died; if this is a script, start the sweep under "
            "`if __name__ == '__main__':` (workers start by forkserver and import the script), "
            "or run it with workers=1"
        ) from err


def drive(
    executor: Executor,
    tasks: Iterable[Task],
    on_done: Callable[[Task, Outcome], None],
    window: int,
    tick: Callable[[], None] = lambda: None,
    stop: Callable[[], bool] = lambda: False,
    tick_seconds: float = 0.5,
) -> None:
    """Run `tasks` on `executor`, at most `window` in flight, calling `on_done` as each finishes.

    The window keeps memory flat however many runs a sweep has. `tick` runs at least every
    `tick_seconds`, so buffered results are committed on time even while no run finishes. An error
    of the executor itself (a worker process killed, a lost Dask worker) fails that run only.
    Once `stop()` is true, `KeyboardInterrupt` is raised between runs; on any interruption, runs
    not yet started are cancelled before the exception propagates.
    """
    pending: dict[Future, Task] = {}
    queue = iter(tasks)
    exhausted = False
    try:
        while True:
            if stop():
                raise KeyboardInterrupt
            while not exhausted and len(pending) < window:
                task = next(queue, None)
                if task is None:
                    exhausted = True
                else:
                    pending[_submit(executor, task)] = task
            if not pending:
                return
            done, _ = wait(pending, timeout=tick_seconds, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # the same exception object may fail many runs: no traceback
                    error = "".join(traceback.format_exception_only(exc))
                    outcome = Outcome(task.run_id, {}, None, None, f"executor error: {error}")
                on_done(task, outcome)
            tick()
    finally:
        for future in pending:
            future.cancel()
