"""The sweep's progress bar on stderr: runs done, failed, rate and time left.

Like the CLI's bar (`truce/progress.py`) it appears only after a couple of seconds, and only on a
terminal, so quick sweeps, pipes and tests stay quiet; this package cannot import the CLI's, as
nothing imports `truce`.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

DELAY_SECONDS = 2.0


class SweepProgress:
    """Counts finished runs of this session on top of those already in the folder (a resume)."""

    def __init__(self, total: int, already: int, label: str, enabled: bool = True) -> None:
        self.total, self.label, self.enabled = total, label, enabled
        self.done, self.failed, self.new = already, 0, 0
        self.start = time.monotonic()
        self.bar: Progress | None = None
        self.task = None

    def __enter__(self) -> SweepProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, failed: bool) -> None:
        """Count one finished run."""
        self.done += 1
        self.new += 1
        self.failed += failed
        self.refresh()

    def note(self, line: str) -> None:
        """Print one line on stderr, above the bar if it is drawn."""
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=sys.stderr)

    def rate(self) -> float:
        """Runs per second in this session."""
        return self.new / max(1e-9, time.monotonic() - self.start)

    def refresh(self) -> None:
        """Draw (or start drawing, once the delay has passed) the bar with the latest counts."""
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < DELAY_SECONDS:
                return
            console = Console(stderr=True)
            if not console.is_terminal:  # a bar in a pipe or log file is a stray blank line
                self.enabled = False
                return
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("runs · [red]{task.fields[failed]} failed[/] · {task.fields[rate]} runs/s ·"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(
                self.label, total=self.total, completed=self.done, failed=0, rate=""
            )
        self.bar.update(self.task, completed=self.done, failed=self.failed, rate=f"{self.rate():.2f}")
