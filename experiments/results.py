"""A results folder read back: the runs and weekly tables, the manifest, and the analysis entry points.

Tables are read on first use, not on opening: the weekly table of a large sweep may not fit in memory,
and a script that only compares summaries should never load it.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import storage
from sim import InputError


class Results:
    """The committed runs of one results folder (complete or not), in plan order."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            what = "a file" if self.path.exists() else "no such folder"
            raise InputError(f"{self.path}: not a results folder ({what})")
        if not (self.path / storage.MANIFEST).exists():
            raise InputError(f"{self.path}: not a results folder (no {storage.MANIFEST})")
        self.manifest: dict[str, Any] = storage.read_manifest(self.path)

    def __repr__(self) -> str:
        c = self.manifest["counts"]
        return f"Results({str(self.path)!r}: {c['ok']} ok, {c['failed']} failed of {c['total']})"

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per run: ids, seed, every resolved parameter, status, error, every summary metric."""
        frame = storage.read(self.path, storage.RUNS)
        if frame is None:
            return pd.DataFrame(columns=self.manifest["columns"]["runs"])
        order = {name: i for i, name in enumerate(self.manifest["designs"])}
        frame = frame.assign(_design=frame["design"].map(order))
        frame = frame.sort_values(["_design", "point", "replication"], kind="stable")
        return frame.drop(columns="_design").reset_index(drop=True)

    @cached_property
    def weekly(self) -> pd.DataFrame:
        """One row per run and week: `run_id`, `week` and the kept columns, runs in the order of `runs`."""
        frame = storage.read(self.path, storage.WEEKLY)
        if frame is None:
            return pd.DataFrame(columns=self.manifest["columns"]["weekly"])
        rank = {run_id: i for i, run_id in enumerate(self.runs["run_id"])}
        frame = frame.assign(_rank=frame["run_id"].map(rank))
        frame = frame.sort_values(["_rank", "week"], kind="stable")
        return frame.drop(columns="_rank").reset_index(drop=True)

    def ok_runs(self) -> pd.DataFrame:
        """The runs that finished (failed runs have no metrics)."""
        return self.runs[self.runs["status"] == "ok"].reset_index(drop=True)

    def describe(self, metrics: list[str] | None = None) -> pd.DataFrame:
        """Per design: n, mean, sd and 95% CI of each metric (all summary metrics by default)."""
        from experiments.stats import describe

        return describe(self.ok_runs(), metrics)

    def compare(self, baseline: str | None = None, metrics: list[str] | None = None) -> pd.DataFrame:
        """Paired differences of every design to `baseline` (the spec's baseline by default), pairing
        runs on (point, replication): same parameters, same seed, so the market luck cancels."""
        from experiments.stats import paired

        return paired(self.ok_runs(), baseline or self.manifest["baseline"], metrics)

    def report(self, path: str | Path) -> Path:
        """Write the self-contained HTML report of this folder to `path`."""
        from experiments.report import write_report

        return write_report(self, Path(path))


def load(path: str | Path) -> Results:
    """Open a results folder written by `Experiment.run` or `truce sweep` (even an interrupted one)."""
    return Results(path)
