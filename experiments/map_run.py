"""`truce map`: a design map computed round by round with the sweep's executors and storage.

Each round is one batch of runs (new cells' replications, or more replications at unclear cells)
driven by `sweep.commit_runs` on the executor a sweep would use, and committed by the sweep's
`PartWriter` into `runs/`. A round's runs are keyed like a sweep's (design/point/replication), so a
rerun after Ctrl-C or a kill replays the rounds from what is stored and computes only what is missing.
After every commit the map so far and the manifest's counts are written too (`_Partial`), so a reader
polling the folder (the dashboard's background map) sees cells appear and the runs advance.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import sim
from experiments import manifest as mf
from experiments import storage
from experiments.execute import ExecutorLost
from experiments.map_grid import NO_WINNER, Cell, Quadtree, Verdict, decide, normalise
from experiments.map_spec import SCORE, MapSpec
from experiments.map_store import write_map
from experiments.plan import Outcome, Task, point_tasks, run_id
from experiments.progress import SweepProgress
from experiments.sweep import _ctrl_c, _executor, commit_runs
from sim import budget, files


@dataclass
class MapRun:
    """What a finished (or stopped) map session leaves: the folder, its status and the counts."""

    out: Path
    status: str
    runs: int
    runs_this_session: int
    points: int
    failed: int


class _State:
    """Every stored result this map needs: outcome values per run id (None for a failed run)."""

    def __init__(self, spec: MapSpec, stored: Any) -> None:
        self.spec = spec
        self.values: dict[str, tuple[float, ...] | None] = {}
        if stored is not None:
            cols = spec.outcomes
            for row in stored.itertuples(index=False):
                ok = row.status == "ok"
                self.values[row.run_id] = tuple(getattr(row, c) for c in cols) if ok else None

    def add(self, task: Task, outcome: Outcome) -> None:
        s = outcome.summary
        self.values[task.run_id] = None if s is None else tuple(s[c] for c in self.spec.outcomes)

    def verdict(self, cell: Cell, reps: int) -> Verdict:
        """The verdict at `cell` from its first `reps` replications that every design completed."""
        spec, names = self.spec, self.spec.experiment.design_names
        point = cell.point(spec.start)
        rows = []
        for r in range(reps):
            got = [self.values.get(run_id(d, point, r)) for d in names]
            if all(g is not None for g in got):
                rows.append(got)
        raw = np.array(rows, dtype=float).reshape(len(rows), len(names), len(spec.outcomes))
        weights = spec.weights if spec.outcome == SCORE else {spec.outcome: 1.0}
        tables = {name: raw[:, :, k] for k, name in enumerate(spec.outcomes)}
        values = normalise(tables, names.index(str(spec.experiment.baseline)), weights)
        return decide(values, spec.sign, spec.max_replications)


def run_map(
    spec: MapSpec,
    out: str | Path,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    local_cluster: bool = False,
    progress: bool = True,
    max_hours: float | None = budget.MAX_HOURS,
    flush_runs: int = 64,
    flush_seconds: float = 2.0,
) -> MapRun:
    """Compute (or resume) the map of `spec` into `out`: `runs/`, `manifest.json`, `map.parquet`, `map.json`.

    The time check before anything starts covers the start grid at its replications (what the map
    costs at least); refinement adds runs only where cells disagree or are unclear.
    """
    out = files.check_out_dir(out)
    storage.check_folder(out)
    exp = spec.experiment
    first = len(exp.designs) * spec.start**2 * spec.replications
    one = sum(budget.run_seconds(sim.resolve(d, weeks=exp.weeks).params, exp.weeks) for d in exp.designs)
    n = workers or 1
    seconds = one * spec.start**2 * spec.replications / max(1, min(n, first))
    budget.check(f"map {spec.where} (start grid)", budget.Size(first, seconds, 0, 1), max_hours)
    runs_schema, weekly_schema = storage.schemas(exp.keep)
    with _executor(executor, workers, scheduler, local_cluster) as (pool, n), storage.hold(out):
        manifest = storage.open_folder(out, _manifest(spec, runs_schema, weekly_schema))
        stored = storage.read(out, storage.RUNS, ["run_id", "status", *spec.outcomes])
        state = _State(spec, stored)
        before = len(state.values)
        session = {"started": mf.now(), "git_commit": mf.provenance()["git_commit"]}
        tree = Quadtree(spec.start, spec.resolution, spec.replications, spec.max_replications)
        partial = _Partial(spec, out, manifest, tree, state)
        writer = storage.PartWriter(
            out, runs_schema, weekly_schema, mf.part_provenance(manifest), flush_runs, flush_seconds,
            partial.write,
        )  # fmt: skip
        status, lost = "aborted", None
        bar = SweepProgress(_planned(spec, tree), before, f"map {exp.name}", progress)
        with bar, _ctrl_c() as stop:
            try:
                while True:
                    _grow(bar, _planned(spec, tree))
                    todo = list(_tasks(spec, tree, state.values))
                    # `state.add` first: a commit inside `writer.add` then counts this run.
                    commit_runs(pool, n, todo, writer, bar, stop, seen=state.add)
                    writer.flush()
                    verdicts = [state.verdict(c, tree.target[c]) for c in tree.leaves()]
                    labels = [_label(spec, v) for v in verdicts]
                    if not tree.refine(labels, [v.resolvable for v in verdicts]):
                        break
                status = "complete"
            except KeyboardInterrupt:
                status = "interrupted"
                raise
            except ExecutorLost as err:
                status, lost = "executor lost", err
            finally:
                writer.flush()
                result = _finish(spec, out, manifest, session, status, tree, state)
                result.runs_this_session = len(state.values) - before
                if status == "interrupted":
                    print(
                        f"map interrupted: {result.runs} runs are committed in {out}; run the same "
                        "command again to go on",
                        file=sys.stderr,
                    )
    if lost is not None:
        raise ExecutorLost(f"map stopped, {lost}: run the same command again to go on") from None
    return result


def _label(spec: MapSpec, verdict: Verdict) -> str:
    names = spec.experiment.design_names
    return NO_WINNER if verdict.winner is None else names[verdict.winner]


def _tasks(spec: MapSpec, tree: Quadtree, done: dict[str, Any]) -> Iterator[Task]:
    """The runs this round still needs: replications outermost within a cell, designs innermost, so
    an interrupted round still holds complete pairs."""
    points = []
    for cell in sorted(tree.target):
        fx, fy = cell.centre(spec.start)
        values = {spec.x.name: spec.x.value(fx), spec.y.name: spec.y.value(fy)}
        points.append((cell.point(spec.start), values, tree.target[cell]))
    return point_tasks(spec.experiment, points, done, spec.max_replications)


def _planned(spec: MapSpec, tree: Quadtree) -> int:
    return len(spec.experiment.designs) * sum(tree.target.values())


def _grow(bar: SweepProgress, total: int) -> None:
    """The bar's total grows with every round that adds cells or replications."""
    bar.total = total
    if bar.bar is not None and bar.task is not None:
        bar.bar.update(bar.task, total=total)


def _manifest(spec: MapSpec, runs: Any, weekly: Any) -> dict[str, Any]:
    """A sweep-style manifest (so `experiments.load` and `truce report` read the folder), whose
    fingerprint covers the map spec: only the same map resumes into a folder."""
    data = spec.to_dict()
    columns = {"runs": runs.names, "weekly": weekly.names if weekly is not None else []}
    identity = json.dumps({"map": data, "columns": columns}, sort_keys=True, default=str)
    exp = spec.experiment
    return {
        "format": mf.FORMAT,
        "kind": "map",
        "fingerprint": hashlib.sha256(identity.encode()).hexdigest(),
        "spec": data,
        "spec_file": exp.source or None,
        "root_seed": exp.seed,
        "seed_rule": "replication r uses numpy.random.SeedSequence(root_seed).spawn(N)[r], in every design "
        "and at every point of the map",
        "designs": exp.design_names,
        "baseline": exp.baseline,
        "runs_total": 0,
        "samples": {"names": [spec.x.name, spec.y.name], "points": []},
        "sampling": None,
        "columns": columns,
        "provenance": mf.provenance(),
        "started": mf.now(),
        "finished": None,
        "status": "running",
        "counts": {"total": 0, "ok": 0, "failed": 0, "missing": 0},
        "sessions": [],
    }


def _finish(
    spec: MapSpec,
    out: Path,
    manifest: dict[str, Any],
    session: dict[str, Any],
    status: str,
    tree: Quadtree,
    state: _State,
) -> MapRun:
    """Record the session, count the runs, and write the map of every cell whose runs are all in."""
    storage.tidy(out)
    have, counts = _counts(spec, tree, state)
    failed = counts["failed"]
    final = "complete" if status == "complete" and counts["missing"] == 0 else "interrupted"
    finished = mf.now()
    manifest.update(
        runs_total=counts["total"],
        counts=counts,
        finished=finished,
        status=final,
        sessions=[*manifest.get("sessions", []), {**session, "finished": finished, "status": status}],
    )
    storage.write_json(out / storage.MANIFEST, manifest)
    cells = [c for c in sorted(tree.target) if all(k in have for k in _ids(spec, c, tree.target[c]))]
    verdicts = {c: state.verdict(c, tree.target[c]) for c in cells}
    write_map(out, spec, tree, verdicts, status=final, runs=len(have))
    return MapRun(out, final, len(have), 0, len(cells), failed)


def _counts(spec: MapSpec, tree: Quadtree, state: _State) -> tuple[dict[str, Any], dict[str, int]]:
    """The stored results this map plans so far (by run id), and the manifest's counts of them."""
    wanted = {
        run_id(d, c.point(spec.start), r)
        for c, reps in tree.target.items()
        for r in range(reps)
        for d in spec.experiment.design_names
    }
    have = {k: v for k, v in state.values.items() if k in wanted}
    failed = sum(v is None for v in have.values())
    total = len(wanted)
    return have, {"total": total, "ok": len(have) - failed, "failed": failed, "missing": total - len(have)}


class _Partial:
    """The map so far, written after every commit of runs, so a reader (the dashboard polling the
    folder) sees cells appear while the map computes instead of only at the end.

    A cell appears once all its planned replications are in; when a later round adds replications
    to it, its earlier verdict stays on show until those are in too. The manifest's counts (planned
    so far, done, failed) follow with status "running": they are the reader's progress. Writing is
    skipped while the last write took more than a twentieth of the time since (as a sweep's manifest
    updates are), so a large map's commits do not wait on their own snapshots.
    """

    def __init__(
        self, spec: MapSpec, out: Path, manifest: dict[str, Any], tree: Quadtree, state: _State
    ) -> None:
        self.spec, self.out, self.manifest, self.tree, self.state = spec, out, manifest, tree, state
        self.shown: dict[Cell, tuple[int, Verdict]] = {}  # cell -> (replications, verdict) on show
        self.written = self.cost = 0.0

    def write(self, ok: int, failed: int) -> None:
        """`PartWriter`'s commit hook (its counts are recounted here from every stored result)."""
        if time.monotonic() - self.written < 20 * self.cost:
            return
        began = time.monotonic()
        spec, tree = self.spec, self.tree
        have, counts = _counts(spec, tree, self.state)
        for cell, reps in tree.target.items():
            done = all(k in have for k in _ids(spec, cell, reps))
            if done and self.shown.get(cell, (0, None))[0] != reps:
                self.shown[cell] = (reps, self.state.verdict(cell, reps))
        now = {"runs_total": counts["total"], "counts": counts, "status": "running"}
        storage.write_json(self.out / storage.MANIFEST, {**self.manifest, **now})
        verdicts = {cell: verdict for cell, (_, verdict) in self.shown.items()}
        write_map(self.out, spec, tree, verdicts, status="running", runs=len(have))
        self.written, self.cost = time.monotonic(), time.monotonic() - began


def _ids(spec: MapSpec, cell: Cell, reps: int) -> list[str]:
    point = cell.point(spec.start)
    return [run_id(d, point, r) for r in range(reps) for d in spec.experiment.design_names]
