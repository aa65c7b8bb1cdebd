"""Executors behind one interface (`concurrent.futures.Executor`) and the loop that feeds them.

Serial, local processes and Dask differ only in where `run_task` executes; results are keyed by run
id, never by completion order, and every task carries its own seed, so the numbers are identical
whichever executor and however many workers ran them.

A run that raises is a result (`run_task` returns its traceback as a failed outcome). A run the
executor loses (a worker process killed, a Dask future cancelled, the scheduler gone) is not: it is
never recorded, so the next session computes it. A broken local pool is replaced by a fresh one a
few times; an executor that cannot go on raises `ExecutorLost` within seconds.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from contextlib import contextmanager, nullcontext, suppress
from typing import Any

from experiments.plan import Outcome, Task, run_task
from sim import InputError

#: Exit code of a sweep whose executor was lost (sysexits' EX_TEMPFAIL: try again later).
EXECUTOR_LOST = 75
#: How often a lost run is re-submitted to a healthy executor before the sweep gives up on it.
RUN_RETRIES = 2
#: How often a broken local pool is replaced by a fresh one in one sweep.
POOL_RESTARTS = 3


class ExecutorLost(RuntimeError):
    """The executor can run no more (scheduler gone, worker processes dying): no fault of the model.

    Runs it lost are not results; they stay missing, and the same sweep computes them when rerun.
    """

    exit_code = EXECUTOR_LOST


class SerialExecutor(Executor):
    """Runs each task in this process at `submit`: for debugging, profiling, and one-core machines."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # KeyboardInterrupt propagates: the sweep must stop, not record it
            future.set_exception(exc)
        return future


def _worker_init(sweep_pid: int) -> None:
    """Worker initialiser: Ctrl-C is the parent's to handle, so runs in flight are not torn down; and
    the worker exits as soon as the sweep process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(sweep_pid)


def watch_parent(pid: int) -> threading.Thread | None:
    """Exit this process (at once, `os._exit`) when process `pid` ends; returns the watching thread.

    A killed sweep cannot shut its pool down, and its workers (children of the forkserver, not of the
    sweep) would wait for work forever, keeping the forkserver, the resource tracker and the sweep's
    output pipes alive with them. On Linux a pidfd wakes the watcher the moment `pid` exits (zombie or
    not); elsewhere the watcher polls twice a second.
    """
    if pid == os.getpid():
        return None
    fd: int | None = None
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd on this platform or kernel
        fd = None

    def wait_for_exit() -> None:
        if fd is not None:
            select.select([fd], [], [])
        else:
            while _alive(pid):
                time.sleep(0.5)
        os._exit(1)

    thread = threading.Thread(target=wait_for_exit, name="truce-watch-sweep", daemon=True)
    thread.start()
    return thread


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalPool(Executor):
    """`n` local worker processes (forkserver), replaced by a fresh pool when one of them dies.

    Local processes start by forkserver, whatever the platform's default: forking a process that
    already runs threads (pyarrow's, a Dask client's, a notebook's) can deadlock the child. The
    server preloads the model once, so each worker starts in milliseconds. This is the pool's own
    context; no global start method is set. (As with any non-fork start method, a script must
    guard its entry point with `if __name__ == "__main__":`.)
    """

    def __init__(self, n: int, restarts: int | None = None) -> None:
        self.n = n
        self.restarts = POOL_RESTARTS if restarts is None else restarts
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["experiments.plan"])
        return ProcessPoolExecutor(
            max_workers=self.n, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),)
        )

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.pool.submit(fn, *args, **kwargs)

    def renew(self) -> bool:
        """Replace a broken pool by a fresh one; False once the restarts are used up."""
        if self.restarts <= 0:
            return False
        self.restarts -= 1
        self.pool.shutdown(wait=True, cancel_futures=True)  # a broken pool has terminated its workers
        self.pool = self._new()
        return True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


@contextmanager
def executor_for(
    workers: int | None = None, scheduler: str | None = None, local_cluster: bool = False
) -> Iterator[tuple[Executor, int]]:
    """The executor a sweep asked for and how many runs it can work on at once."""
    if scheduler or local_cluster:
        with _dask(workers, scheduler) as pair:
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
        with quiet_cascade():
            yield executor, max(1, sum(client.nthreads().values()))
    finally:
        if client.status == "running":
            client.close()
        else:  # the scheduler is gone: do not wait for a reconnection, nor log the failure of one
            with _quiet("distributed", "distributed.client", "distributed.utils"), suppress(Exception):
                client.close(timeout=2)
        if cluster is not None:
            cluster.close()


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence these loggers for a while (Dask logs a cancelled reconnection as an error)."""
    logs = [logging.getLogger(name) for name in names]
    before = [log.disabled for log in logs]
    for log in logs:
        log.disabled = True
    try:
        yield
    finally:
        for log, disabled in zip(logs, before, strict=True):
            log.disabled = disabled


class _CascadeFilter(logging.Filter):
    """Drops tornado's report of an error raised inside distributed's `_cascade_future`.

    When the scheduler goes away while a result is being fetched, distributed's executor lets the
    `CommClosedError` escape into the event loop, which logs it as a 50-line traceback (and leaves
    the future pending). The sweep notices the lost scheduler itself and says so in one line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return True
        return not any(f.f_code.co_name == "_cascade_future" for f, _ in traceback.walk_tb(exc.__traceback__))


class _ClosedCommFilter(logging.Filter):
    """Drops distributed's report that a batched stream to the scheduler closed.

    A client that writes to its scheduler at the moment the scheduler dies logs the closed stream as
    an INFO record with a traceback; the sweep says in one line that its scheduler is gone.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Batched Comm Closed")


_FILTERS = {"tornado.application": _CascadeFilter(), "distributed.batched": _ClosedCommFilter()}
_cascade_users = 0
_cascade_lock = threading.Lock()


@contextmanager
def quiet_cascade() -> Iterator[None]:
    """While any sweep runs on Dask, drop the noise of a lost scheduler that the sweep reports itself."""
    global _cascade_users
    with _cascade_lock:
        _cascade_users += 1
        for name, noise in _FILTERS.items():
            logging.getLogger(name).addFilter(noise)
    try:
        yield
    finally:
        with _cascade_lock:
            _cascade_users -= 1
            if _cascade_users == 0:
                for name, noise in _FILTERS.items():
                    logging.getLogger(name).removeFilter(noise)


def gone(executor: Executor) -> str | None:
    """Why `executor` can run nothing more (e.g. its Dask scheduler is gone), or None if it can."""
    client = getattr(executor, "_client", None)  # distributed's ClientExecutor
    if client is not None:
        status = str(getattr(client, "status", "running"))
        if status != "running":
            address = getattr(getattr(client, "scheduler", None), "address", None) or "?"
            return f"the Dask scheduler at {address} is gone (client {status})"
    return None


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
