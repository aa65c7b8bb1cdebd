"""A progress bar that appears only when a job runs longer than about two seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

DELAY_SECONDS = 2.0


@contextmanager
def progress(total: int, unit: str, label: str) -> Iterator[Callable[[int], None]]:
    """Yield `advance(n)`; the bar is drawn on stderr once `DELAY_SECONDS` have passed."""
    start = time.monotonic()
    done = 0
    bar: Progress | None = None
    task = None

    def advance(n: int) -> None:
        nonlocal done, bar, task
        done += n
        if bar is None and time.monotonic() - start > DELAY_SECONDS:
            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(unit),
                TimeRemainingColumn(),
                transient=True,
                console=Console(stderr=True),
            )
            bar.start()
            task = bar.add_task(label, total=total, completed=done)
        elif bar is not None:
            bar.update(task, completed=done)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()
