"""A design map computed in the background for a design file uploaded on the page.

The dashboard imports only `sim`, so the map is computed by Truce's own CLI in a child process:
`python -m truce map SPEC --out DIR --workers 1`, with the same Python and the same Truce as this
server. The spec is written into a private temporary folder with the uploaded file's content (never
a path from the browser) next to it: the designs of the shipped map plus the upload, the shipped
map's axes, outcome, baseline, horizon and seed, on a coarser grid (`Grid`). One worker at a lowered
CPU priority leaves the other core to the live simulation, which must never wait for the map.

`truce map` writes the map so far after every commit of runs (status "running") and keeps its
manifest's counts up to date; the page polls both (`progress`, `read`). The child is stopped and the
folder deleted when the page closes or another upload replaces the design (`stop`).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from dashboards import map_view

#: The background map's grid, "RESOLUTION,START,REPLICATIONS", e.g. `TRUCE_MAP_GRID=4,2,4` for a
#: quick look on a slow laptop (the browser test uses a tiny grid this way).
GRID_ENV = "TRUCE_MAP_GRID"
#: How much lower than the server's the map's CPU priority is (the live simulation goes first).
NICENESS = 10
CODE = Path(__file__).resolve().parents[1]  # the folder holding this Truce's packages


@dataclass(frozen=True)
class Grid:
    """A workshop-sized map: `start` x `start` cells first, refined to `resolution` x `resolution`
    where designs change places, `replications` per point (twice that at unclear points).

    The default, 8 x 8 from 4 x 4 with 6 replications, measured on this 2-core machine with one
    worker: five designs over the start grid take 480 runs (~1 min at ~0.12 s a five-year run), and
    the whole map about 2,000-2,500 runs (~4-5 min) as refinement follows the boundaries. The shipped
    map's 32 x 32 with 10 replications took 14,240 runs: far too long to wait for in a workshop.
    """

    resolution: int = 8
    start: int = 4
    replications: int = 6

    @classmethod
    def from_env(cls) -> Grid:
        """The grid `TRUCE_MAP_GRID` asks for, else the default; `truce map` checks the sizes."""
        text = os.environ.get(GRID_ENV, "").strip()
        if not text:
            return cls()
        try:
            resolution, start, replications = (int(part) for part in text.split(","))
        except ValueError:
            raise ValueError(
                f"{GRID_ENV}={text!r} (allowed: RESOLUTION,START,REPLICATIONS, e.g. 8,4,6)"
            ) from None
        return cls(resolution, start, replications)


@dataclass(frozen=True)
class Progress:
    """What the page shows of a background map: its state and runs done of those planned so far."""

    status: str  # "starting", "running", "complete" or "failed"
    done: int = 0
    planned: int = 0
    message: str = ""  # why it failed: `truce`'s last line

    @property
    def share(self) -> float:
        return self.done / self.planned if self.planned else 0.0


def spec(shipped: dict[str, Any], design_file: str, design_name: str, grid: Grid) -> dict[str, Any]:
    """The map spec: the shipped map's designs and the uploaded one (in its place if it has a
    preset's name), its axes, outcome, baseline, horizon and seed; `grid`'s sizes."""
    old = shipped["spec"]
    designs = [d for d in shipped["designs"] if d != design_name]
    table: dict[str, Any] = {
        "name": "workshop_map",
        "description": f"The shipped map's designs and {design_name}, sized for a workshop",
        "designs": [*designs, design_file],
        "baseline": shipped["baseline"],
        "weeks": old["weeks"],
        "seed": old["seed"],
        "map": {
            key: {"name": old["map"][key]["name"], "range": old["map"][key]["range"]} for key in ("x", "y")
        },
    }
    table["map"] |= {"outcome": old["map"]["outcome"], "resolution": grid.resolution, "start": grid.start}
    table["map"] |= {"replications": grid.replications, "max_replications": 2 * grid.replications}
    if old["map"]["outcome"] == "score":
        table["map"]["score"] = old["map"]["score"]
    else:
        table["map"]["direction"] = old["map"]["direction"]
    return table


class MapJob:
    """One background map: its private folder and the `truce map` process filling it."""

    def __init__(self, key: str, data: bytes, design_name: str, shipped: dict[str, Any], grid: Grid) -> None:
        self.design = design_name
        self.folder = Path(tempfile.mkdtemp(prefix="truce-map-"))
        self.out = self.folder / "out"
        (self.folder / "design").mkdir()
        (self.folder / "design" / key).write_bytes(data)  # `key`: the catalogue's cleaned file name
        spec_file = self.folder / "map.toml"
        spec_file.write_text(tomli_w.dumps(spec(shipped, f"design/{key}", design_name, grid)))
        paths = [str(CODE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        command = [sys.executable, "-m", "truce", "map", str(spec_file), "--out", str(self.out)]
        self._log = (self.folder / "truce.log").open("wb")
        # No `preexec_fn` (unsafe in a threaded server): the priority is lowered just after the
        # start, before the child has imported enough to run anything.
        self.process = subprocess.Popen(
            [*command, "--workers", "1"], cwd=self.folder, env=env, stdout=self._log, stderr=self._log
        )
        with contextlib.suppress(OSError, AttributeError):  # AttributeError: no setpriority on Windows
            os.setpriority(os.PRIO_PROCESS, self.process.pid, NICENESS)
        _running.add(self)

    def progress(self) -> Progress:
        """The map's state now, from the process and the manifest's counts."""
        code = self.process.poll()
        try:
            manifest = json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        counts = manifest.get("counts", {})
        done, planned = counts.get("ok", 0) + counts.get("failed", 0), counts.get("total", 0)
        if code is None:
            return Progress("running" if planned else "starting", done, planned)
        if code == 0 or manifest.get("status") == "complete":
            return Progress("complete", done, planned)
        return Progress("failed", done, planned, self._last_line())

    def _last_line(self) -> str:
        """`truce`'s last line (its one-line error); "" once `stop` has deleted the log."""
        try:
            text = (self.folder / "truce.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return next((line for line in reversed(text.splitlines()) if line.strip()), "")

    def read(self) -> map_view.DesignMap | None:
        """The cells finished so far (None before the first)."""
        return map_view.read(self.out)

    def stop(self) -> None:
        """Stop the process (if still running) and delete the folder with everything in it."""
        _running.discard(self)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


#: Background maps still running: stopped when the server exits, so none outlives it.
_running: weakref.WeakSet[MapJob] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for job in list(_running):
        job.stop()


class Background:
    """A page's background map: at most one, for the design file uploaded last."""

    def __init__(self) -> None:
        self.job: MapJob | None = None

    def start(self, key: str, data: bytes, design_name: str) -> None:
        """Compute the map with this upload, stopping (and deleting) the one before; nothing
        without a shipped map to take the axes and designs from (the view says it is missing)."""
        self.stop()
        shipped = map_view.read(map_view.SHIPPED)
        if shipped is not None:
            self.job = MapJob(key, data, design_name, shipped.info, Grid.from_env())

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()
            self.job = None
