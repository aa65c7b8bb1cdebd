"""Executors on this machine: in-process (`SerialExecutor`) and a pool of worker processes (`LocalPool`).

They live apart from the loop that feeds them (`experiments.execute`) because what they hold is the
lifetime of processes: a pool replaced when a worker dies, and workers that ignore Ctrl-C (the sweep
stops between runs) and exit by themselves when the sweep process is killed, so none outlives it.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

#: How often a broken local pool is replaced by a fresh one in one sweep.
POOL_RESTARTS = 3


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
