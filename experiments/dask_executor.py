"""The Dask executor: a client on a running scheduler or on a `LocalCluster`, and its failure modes.

Dask needs handling of its own that local processes do not: its client is closed without waiting
for a scheduler that is gone, `gone` tells a lost scheduler from a run that failed, and while a
sweep runs on Dask the tracebacks distributed logs when its scheduler dies are dropped (the sweep
says so in one line). `distributed` is imported only when a Dask executor is made.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager, suppress

from sim import InputError


@contextmanager
def dask_executor(workers: int | None, scheduler: str | None) -> Iterator[tuple[Executor, int]]:
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
