"""The loop that feeds an executor (`drive`), and the choice of executor a sweep asked for.

Serial, local processes (`experiments.pool`) and Dask (`experiments.dask_executor`) differ only in
where `run_task` executes; results are keyed by run id, never by completion order, and every task
carries its own seed, so the numbers are identical whichever executor and however many workers ran them.

A run that raises is a result (`run_task` returns its traceback as a failed outcome). A run the
executor loses (a worker process killed, a Dask future cancelled, the scheduler gone) is not: it is
never recorded, so the next session computes it. A broken local pool is replaced by a fresh one a
few times; an executor that cannot go on raises `ExecutorLost` within seconds.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Executor, Future, wait
from contextlib import contextmanager, nullcontext

from experiments.dask_executor import dask_executor, gone, quiet_cascade
from experiments.plan import Outcome, Task, run_task
from experiments.pool import LocalPool, SerialExecutor

#: Exit code of a sweep whose executor was lost (sysexits' EX_TEMPFAIL: try again later).
EXECUTOR_LOST = 75
#: How often a lost run is re-submitted to a healthy executor before the sweep gives up on it.
RUN_RETRIES = 2


class ExecutorLost(RuntimeError):
    """The executor can run no more (scheduler gone, worker processes dying): no fault of the model.

    Runs it lost are not results; they stay missing, and the same sweep computes them when rerun.
    """

    exit_code = EXECUTOR_LOST


@contextmanager
def executor_for(
    workers: int | None = None, scheduler: str | None = None, local_cluster: bool = False
) -> Iterator[tuple[Executor, int]]:
    """The executor a sweep asked for and how many runs it can work on at once."""
    if scheduler or local_cluster:
        with dask_executor(workers, scheduler) as pair:
            yield pair
        return
    n = workers or os.cpu_count() or 1
    if n == 1:
        yield SerialExecutor(), 1
        return
    pool = LocalPool(n)
    try:
        yield pool, n
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def drive(
    executor: Executor,
    tasks: Iterable[Task],
    on_done: Callable[[Task, Outcome], None],
    window: int,
    tick: Callable[[], None] = lambda: None,
    stop: Callable[[], bool] = lambda: False,
    tick_seconds: float = 0.5,
    note: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> None:
    """Run `tasks` on `executor`, at most `window` in flight, calling `on_done` as each finishes.

    The window keeps memory flat however many runs a sweep has. `tick` runs at least every
    `tick_seconds`, so buffered results are committed on time even while no run finishes. Once
    `stop()` is true, `KeyboardInterrupt` is raised between runs; on any interruption, runs not yet
    started are cancelled before the exception propagates.

    `on_done` sees only what `run_task` returned: results and model failures. A run the executor
    lost is re-submitted (to a fresh pool if the pool broke, `note` saying so in one line); when the
    executor is gone, its pool cannot be renewed, or a run is lost too often, the runs that did
    finish are handed to `on_done` and `ExecutorLost` is raised; lost runs are never recorded.
    """
    with quiet_cascade() if hasattr(executor, "_client") else nullcontext():
        _drive(executor, tasks, on_done, window, tick, stop, tick_seconds, note)


def _drive(
    executor: Executor,
    tasks: Iterable[Task],
    on_done: Callable[[Task, Outcome], None],
    window: int,
    tick: Callable[[], None],
    stop: Callable[[], bool],
    tick_seconds: float,
    note: Callable[[str], None],
) -> None:
    pending: dict[Future, Task] = {}
    queue = iter(tasks)
    retry: deque[Task] = deque()
    attempts: dict[str, int] = {}
    exhausted = False
    finished = 0  # runs this executor (this pool) has returned
    breaks = 0  # how often the pool broke
    try:
        while True:
            if stop():
                raise KeyboardInterrupt
            reason = gone(executor)
            if reason:
                raise ExecutorLost(reason)
            broken: BaseException | None = None
            while broken is None and len(pending) < window:
                task = retry.popleft() if retry else None if exhausted else next(queue, None)
                if task is None:
                    exhausted = True
                    break
                try:
                    pending[executor.submit(run_task, task)] = task
                except BrokenExecutor as err:
                    retry.appendleft(task)
                    broken = err
            if not pending and broken is None:
                return
            done, _ = wait(pending, timeout=0 if broken else tick_seconds, return_when=FIRST_COMPLETED)
            lost: list[tuple[Task, BaseException]] = []
            for future in done:
                task = pending.pop(future)
                err = _error(future)
                if err is None:
                    finished += 1
                    on_done(task, future.result())
                elif isinstance(err, BrokenExecutor):
                    broken = err
                    retry.append(task)
                else:
                    lost.append((task, err))
            if broken is not None:  # every run in flight went with the pool; those done are kept
                finished += _harvest(pending, on_done)
                retry.extend(pending.values())
                pending.clear()
                breaks += 1
                _renew(executor, broken, finished, breaks, len(retry), note)
                finished = 0
            for task, err in lost:
                _lost_one(executor, task, err, retry, attempts)
            tick()
    except ExecutorLost:
        _harvest(pending, on_done)
        raise
    finally:
        # A gone Dask client has cancelled its futures already; cancelling them here as well races
        # its callbacks (which set results on them) into "InvalidStateError" tracebacks on stderr.
        if not gone(executor):
            for future in pending:
                future.cancel()


def _error(future: Future) -> BaseException | None:
    """The exception of a done future (a `CancelledError` if it was cancelled), None for a result."""
    if future.cancelled():
        return CancelledError()
    return future.exception()


def _harvest(pending: dict[Future, Task], on_done: Callable[[Task, Outcome], None]) -> int:
    """Hand the runs that did finish to `on_done` and forget them; the rest stay in `pending`."""
    ready = [f for f in pending if f.done() and _error(f) is None]
    for future in ready:
        on_done(pending.pop(future), future.result())
    return len(ready)


def _lost_one(
    executor: Executor, task: Task, err: BaseException, retry: deque[Task], attempts: dict[str, int]
) -> None:
    """One run lost by an executor that still runs (a cancelled future, a Dask KilledWorker): retried
    a few times, then the sweep stops; or the executor is gone, and the sweep stops at once."""
    reason = gone(executor)
    if reason:
        raise ExecutorLost(reason)
    attempts[task.run_id] = attempts.get(task.run_id, 0) + 1
    if attempts[task.run_id] > RUN_RETRIES:
        raise ExecutorLost(f"run {task.run_id} was lost {attempts[task.run_id]} times ({_describe(err)})")
    retry.append(task)


def _renew(
    executor: Executor, err: BaseException, finished: int, breaks: int, lost: int, note: Callable
) -> None:
    """After the pool broke (the `breaks`-th time this sweep): a fresh one, or `ExecutorLost` saying why not.

    A pool that broke before returning a single run is not renewed: that is a worker that cannot
    start, which a fresh pool would repeat.
    """
    if finished == 0 and breaks == 1:
        raise ExecutorLost(
            "the worker processes died before finishing any run (if this is a script, start the sweep "
            "under `if __name__ == '__main__':`, as workers start by forkserver and import the script, "
            f"or run it with workers=1; {_describe(err)})"
        )
    if finished == 0:
        raise ExecutorLost(
            f"a fresh pool's worker processes died before finishing any run ({_describe(err)})"
        )
    renew = getattr(executor, "renew", None)
    if renew is None or not renew():
        times = f"{breaks} time{'s' if breaks > 1 else ''}"
        raise ExecutorLost(f"local worker processes died, the pool broke {times} ({_describe(err)})")
    note(f"a worker process died ({_describe(err)}); its pool's {lost} runs in flight go to a fresh pool")


def _describe(err: BaseException | None) -> str:
    if err is None:
        return "no reason given"
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__
