"""The size of a job, estimated before it starts: how long its runs take and how much memory they hold.

A job that cannot fit in the memory this machine has free is refused, always; a job estimated to take
longer than a time limit (`--max-hours`, default 24) is refused unless the limit is raised. The
figures are rough (a run's cost measured on a laptop core, scaled by weeks, accounts and staff),
good for telling a minute from a month, not a minute from two.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError

try:
    import resource
except ImportError:  # not POSIX: free memory alone is the limit
    resource = None  # type: ignore[assignment]

#: Default time limit of one command, in hours of wall-clock time on its workers.
MAX_HOURS = 24.0
#: Cost model of one run (seconds): set-up, then per week a fixed part, per account and per person.
RUN_SECONDS = 0.2
WEEK_SECONDS = 6e-3
ACCOUNT_WEEK_SECONDS = 2e-8
PERSON_WEEK_SECONDS = 6e-6
#: Memory model of one run (bytes): the model's tables and its weekly record (lists, then a frame).
RUN_BYTES = 16 * 2**20
ACCOUNT_BYTES = 256
PERSON_BYTES = 4096
WEEK_BYTES = 64 * 48  # every weekly column, as a Python float in a list and again in a frame
#: A local worker process (interpreter, numpy, pandas, the model's code) before its first run.
WORKER_BYTES = 120 * 2**20


@dataclass(frozen=True)
class Size:
    """An estimate: runs, wall-clock seconds on `workers`, and peak bytes held at once."""

    runs: int
    seconds: float
    memory: float
    workers: int


def run_seconds(params: object, weeks: int) -> float:
    """Seconds one run of `weeks` takes with these parameters (a `Params`)."""
    staff = params.marketers + params.salespeople + params.service_staff  # type: ignore[attr-defined]
    per_week = WEEK_SECONDS + ACCOUNT_WEEK_SECONDS * params.accounts + PERSON_WEEK_SECONDS * staff  # type: ignore[attr-defined]
    return RUN_SECONDS + weeks * per_week


def run_bytes(params: object, weeks: int) -> float:
    """Peak bytes of one run of `weeks` with these parameters (a `Params`)."""
    staff = params.marketers + params.salespeople + params.service_staff  # type: ignore[attr-defined]
    return RUN_BYTES + ACCOUNT_BYTES * params.accounts + PERSON_BYTES * staff + WEEK_BYTES * weeks  # type: ignore[attr-defined]


def memory_limit() -> float:
    """Bytes this process may still use: free memory, capped by its resource and cgroup limits."""
    limits = [_available()]
    if resource is not None:
        for which in (resource.RLIMIT_AS, resource.RLIMIT_DATA):
            soft, _hard = resource.getrlimit(which)
            if soft != resource.RLIM_INFINITY:
                limits.append(float(soft))
    limits.append(_cgroup())
    return min(limits)


def _available() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return math.inf


def _cgroup() -> float:
    try:
        text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = float(Path("/sys/fs/cgroup/memory.current").read_text().strip())
    except (OSError, ValueError):
        return math.inf
    return math.inf if text == "max" else max(0.0, float(text) - used)


def bytes_text(n: float) -> str:
    """1536 -> '1.5 KB' (binary units, as memory is counted)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if n < 1024 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError


def time_text(seconds: float) -> str:
    """Seconds as the largest sensible unit: '40 s', '2.5 hours', '3.1 years'."""
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:.0f} s"


def check(what: str, size: Size, max_hours: float | None = MAX_HOURS) -> None:
    """Refuse a job that cannot fit in memory (always) or would run past `max_hours` (None: no limit)."""
    runs = f"{size.runs:,} run{'s' if size.runs != 1 else ''}"
    need, take = ("need", "take") if size.runs != 1 else ("needs", "takes")
    limit = memory_limit()
    workers = f"{size.workers:,} worker{'s' if size.workers != 1 else ''}"
    if size.memory > limit:
        on = f" on {workers}" if size.workers > 1 else ""
        raise InputError(
            f"{what}: {runs}{on} {need} about {bytes_text(size.memory)} of memory "
            f"(allowed: at most {bytes_text(limit)}, what this machine has free)"
        )
    if max_hours is not None and size.seconds > max_hours * 3600:
        raise InputError(
            f"{what}: {runs} {take} about {time_text(size.seconds)} on {workers} "
            f"(allowed: --max-hours {max_hours:g}; raise it to run anyway)"
        )


def check_hours(value: object, flag: str = "--max-hours") -> float:
    """A time limit: a positive finite number of hours."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InputError(f"{flag} = {value!r} is invalid (allowed: a number of hours > 0, or inf)")
    return float(value)
