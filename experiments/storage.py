"""The results folder: Parquet datasets `runs/` and `weekly/`, streamed in atomic parts, and resumable.

A run counts as done only once its row is in a committed `runs/` part. Each batch is written as
`weekly/part-N` first and `runs/part-N` second, each to a hidden temporary file renamed into place, so a
kill at any instant leaves at worst a `weekly/` part without its `runs/` twin, which readers ignore and
the next resume deletes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

import sim
from experiments.manifest import FORMAT, now
from experiments.plan import Outcome, Task
from sim import InputError

RUNS, WEEKLY, MANIFEST, LOCK = "runs", "weekly", "manifest.json", ".sweep.lock"
_TYPES = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64()}


def schemas(keep: Iterable[str]) -> tuple[pa.Schema, pa.Schema | None]:
    """The fixed schemas of every part, from the parameter and outcome declarations (no run needed):
    a part of failed runs only reads back like any other."""
    runs = pa.schema(
        [
            ("run_id", pa.string()),
            ("design", pa.string()),
            ("point", pa.int64()),
            ("replication", pa.int64()),
            ("seed", pa.string()),
            *((p.name, _TYPES[p.type]) for p in sim.params()),
            ("status", pa.string()),
            ("error", pa.string()),
            *((o.name, _arrow(o.dtype)) for o in sim.outcomes() if o.scope == "summary"),
        ]
    )
    if len(set(runs.names)) != len(runs.names):
        raise RuntimeError("a summary outcome has the name of a parameter or of a run column")
    keep = list(keep)
    if not keep:
        return runs, None
    dtypes = {o.name: o.dtype for o in sim.outcomes() if o.scope == "weekly"}
    weekly = [(name, _arrow(dtypes[name])) for name in keep]
    return runs, pa.schema([("run_id", pa.string()), ("week", pa.int64()), *weekly])


def _arrow(dtype: str) -> pa.DataType:
    return pa.from_numpy_dtype(np.dtype(dtype))


@contextmanager
def hold(path: Path) -> Iterator[None]:
    """Hold the folder for one sweep at a time: two sweeps resuming into one folder would both compute
    the missing runs and commit them twice. The lock is the operating system's, so a killed sweep
    releases it at once; the file it locks stays and is harmless."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(path / LOCK, timeout=0):
            yield
    except Timeout:
        raise InputError(
            f"{path}: another sweep is writing into this folder; wait for it to finish or use another --out"
        ) from None


def open_folder(path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Create the folder, or check it holds this very experiment and tidy it for resuming.

    Returns the manifest to keep: the existing one when resuming (its start time stays).
    """
    file = path / MANIFEST
    if file.exists():
        old = read_manifest(path)
        if old.get("fingerprint") != manifest["fingerprint"]:
            raise InputError(
                f"{path}: holds results of a different spec ('{old.get('spec', {}).get('name')}' from "
                f"{old.get('spec_file')}); refusing to mix them: use another --out folder or delete it"
            )
        tidy(path)
        forget_lost(path)
        return old
    if path.exists() and any(f.name != LOCK for f in path.iterdir()):
        raise InputError(f"{path}: folder is not empty and has no {MANIFEST}; use an empty or new folder")
    for sub in (RUNS, WEEKLY):
        (path / sub).mkdir(parents=True, exist_ok=True)
    write_json(path / MANIFEST, manifest)
    return manifest


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a results folder; one that cannot be read or is not a manifest is one line."""
    from sim.files import read_text

    file = path / MANIFEST
    text = read_text(file, "manifest", max_bytes=None)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise InputError(f"{file}: not a results manifest (malformed JSON: {err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(
            f"{file}: not a results manifest (allowed: format {FORMAT!r}, as `truce sweep` writes)"
        )
    return data


def check_folder(path: Path) -> None:
    """Before a sweep holds `path`: an existing folder must be empty or hold a readable manifest
    (`open_folder` checks the rest), so a refusal leaves not even a lock file behind."""
    if not path.is_dir():
        return
    if (path / MANIFEST).exists():
        read_manifest(path)
    elif any(f.name != LOCK for f in path.iterdir()):
        raise InputError(f"{path}: folder is not empty and has no {MANIFEST}; use an empty or new folder")


def tidy(path: Path) -> None:
    """Delete what a killed writer left: temporary files and weekly parts whose runs part is missing."""
    for sub in (RUNS, WEEKLY):
        for tmp in (path / sub).glob(".*.tmp"):
            tmp.unlink()
    committed = {f.name for f in part_files(path)}
    for orphan in (path / WEEKLY).glob("part-*.parquet"):
        if orphan.name not in committed:
            orphan.unlink()


#: How sweeps before version 2 of the executor loop stored a run the executor lost, as if it had failed.
LOST_PREFIX = "executor error:"


def forget_lost(path: Path) -> int:
    """Drop rows of runs the executor lost that an older sweep stored as failed, so a resume computes
    them; returns how many. Each such part is rewritten atomically without them (a lost run has no
    weekly rows, so its weekly twin stays as it is); failures the model raised stay, as data."""
    dropped = 0
    for file in part_files(path):
        errors = pq.read_table(file, columns=["error"]).column("error").to_pylist()
        keep = [not (e or "").startswith(LOST_PREFIX) for e in errors]
        if all(keep):
            continue
        dropped += keep.count(False)
        _write_parquet(pq.read_table(file).filter(pa.array(keep)), file)
    return dropped


def part_files(path: Path, sub: str = RUNS) -> list[Path]:
    """Committed part files of `runs/` (or their twins in `weekly/`), in commit order."""
    names = sorted(f.name for f in (path / RUNS).glob("part-*.parquet"))
    return [path / sub / name for name in names if (path / sub / name).exists()]


def read(path: Path, sub: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    """One dataset of committed parts as a DataFrame (None when nothing is committed yet)."""
    files = part_files(path, sub)
    if not files:
        return None
    return ds.dataset([str(f) for f in files], format="parquet").to_table(columns=columns).to_pandas()


class PartWriter:
    """Buffers finished runs and commits them as one part per few runs or few seconds."""

    def __init__(
        self,
        path: Path,
        runs: pa.Schema,
        weekly: pa.Schema | None,
        provenance: dict[str, Any],
        flush_runs: int = 64,
        flush_seconds: float = 2.0,
        on_commit: Callable[[int, int], None] = lambda ok, failed: None,
    ) -> None:
        self.path, self.runs, self.weekly = path, runs, weekly
        self.on_commit = on_commit  # called with the part's ok and failed runs once it is committed
        self.provenance = provenance
        self.flush_runs, self.flush_seconds = flush_runs, flush_seconds
        numbers = [int(f.stem.split("-")[1]) for f in (path / RUNS).glob("part-*.parquet")]
        self.next_part = max(numbers, default=0) + 1
        self.rows: list[dict[str, Any]] = []
        self.weeks: list[dict[str, np.ndarray]] = []
        self.since = time.monotonic()

    def add(self, task: Task, outcome: Outcome) -> None:
        """Buffer one finished run; commit the buffer if it is large or old enough."""
        if not self.rows:
            self.since = time.monotonic()
        self.rows.append(
            {
                "run_id": task.run_id,
                "design": task.design.name,
                "point": task.point,
                "replication": task.replication,
                "seed": task.seed_label,
                **outcome.params,
                "status": "failed" if outcome.error else "ok",
                "error": outcome.error,
                **(outcome.summary or {}),
            }
        )
        if outcome.weekly is not None and self.weekly is not None:
            self.weeks.append({"run_id": np.full(len(outcome.weekly["week"]), task.run_id), **outcome.weekly})
        if self.due():
            self.flush()

    def due(self) -> bool:
        """True when the buffer should be committed now."""
        old = time.monotonic() - self.since >= self.flush_seconds
        return bool(self.rows) and (len(self.rows) >= self.flush_runs or old)

    def flush(self) -> None:
        """Commit the buffer: weekly part, then runs part (the commit point), each written atomically."""
        if not self.rows:
            return
        rows, weeks, part = self.rows, self.weeks, self.next_part
        self.rows, self.weeks, self.next_part = [], [], part + 1
        name = f"part-{part:06d}.parquet"
        meta = {b"truce": json.dumps({**self.provenance, "part": part, "written": now()}).encode()}
        if self.weekly is not None:
            arrays = [
                pa.array(np.concatenate([w[f.name] for w in weeks]) if weeks else [], type=f.type)
                for f in self.weekly
            ]
            table = pa.Table.from_arrays(arrays, schema=self.weekly.with_metadata(meta))
            _write_parquet(table, self.path / WEEKLY / name)
        table = pa.Table.from_pylist(rows, schema=self.runs.with_metadata(meta))
        _write_parquet(table, self.path / RUNS / name)
        failed = sum(row["status"] == "failed" for row in rows)
        self.on_commit(len(rows) - failed, failed)


def _write_parquet(table: pa.Table, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, target)


def write_json(target: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, target)


def export_csv(path: Path, runs: pd.DataFrame) -> None:
    """`runs.csv` and `weekly.csv` next to the datasets, for spreadsheets; weekly is streamed part by part."""
    tmp = path / ".runs.csv.tmp"
    runs.to_csv(tmp, index=False)
    os.replace(tmp, path / "runs.csv")
    files = part_files(path, WEEKLY)
    if not files:
        return
    tmp = path / ".weekly.csv.tmp"
    with tmp.open("w", encoding="utf-8", newline="") as out:
        for i, file in enumerate(files):
            pq.read_table(file).to_pandas().to_csv(out, header=i == 0, index=False)
    os.replace(tmp, path / "weekly.csv")
