"""One browser session's simulation: one model, or two in lockstep, and what was done to them.

Plain Python with no Solara in it, so the rules (lockstep stepping, live interventions, exports that
re-run to the same numbers) are tested without a browser. The page keeps one `Session` per browser
session; a module-level model would be shared by every visitor. Designs are chosen by key in the
session's `Catalogue`, never by a string `sim` would open as a path.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import tomli_w

import sim
from dashboards.catalogue import Catalogue, presets, shown

#: Horizon of a dashboard run: five years, as in the article's comparisons.
WEEKS = 260


@dataclass(frozen=True)
class Config:
    """What the facilitator chose; a new `Config` means new models (Reset)."""

    design: str = "siloed"  # a key of the session's `Catalogue`
    compare: str | None = None  # design B when running side by side (a key too)
    seed: int = 1
    levers: dict[str, Any] = field(default_factory=dict)  # overrides of design A's values


@dataclass
class Run:
    """One model on screen and what made it: enough to export it as a design file."""

    label: str  # "A" or "B"
    design: str  # its key in the session's `Catalogue`
    model: sim.TruceModel
    start: dict[str, Any]  # every parameter at week 0 (interventions change `model.p` later)

    def weekly(self) -> pd.DataFrame:
        """The weekly record so far, indexed by week 1..n like `sim.run(...).weekly`."""
        frame = self.model.datacollector.get_model_vars_dataframe()
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="week")
        return frame

    def markers(self) -> list[sim.Intervention]:
        """Every intervention of this run in the order the model applied them (the design file's and
        the live ones, each with the week it took effect), then the design file's still to come."""
        done = [sim.Intervention.from_dict(entry) for entry in self.model.applied]
        pending = [iv for iv in self.model.design.interventions if iv.week > self.model.week]
        return [*done, *pending]


class Session:
    """The runs of one browser session; every change of configuration rebuilds them at week 0."""

    def __init__(self, config: Config | None = None, catalogue: Catalogue | None = None) -> None:
        self.config = config or Config()
        self.catalogue = catalogue or Catalogue()
        self.runs: list[Run] = []
        self.closed = False
        # The play thread steps the models while the page reads them (figures, numbers, downloads).
        self.lock = threading.RLock()
        #: One more after every change to the runs (a step, an intervention, a reset).
        self.version = 0
        self._ahead: tuple[int, list[Run]] | None = None  # (version they follow, runs a week on)
        self.reset(self.config)

    def reset(self, config: Config) -> None:
        """New models for `config`, all on the same seed (common random numbers: same market luck).

        Raises `sim.InputError` for an impossible configuration and keeps the previous runs then;
        both designs are resolved before either model is built.
        """
        designs = self.catalogue
        specs = [("A", config.design, sim.resolve(designs.get(config.design), weeks=WEEKS, **config.levers))]
        if config.compare:
            specs.append(("B", config.compare, sim.resolve(designs.get(config.compare), weeks=WEEKS)))
        runs = [self._build(label, design, run, config.seed) for label, design, run in specs]
        with self.lock:
            if self.closed:
                return
            self.config, self.runs = config, runs
            self.version += 1

    def close(self) -> None:
        """Let go of the models and the prepared week, now: the page is gone.

        Called when the browser session ends. A thread still holding this `Session` (a play loop
        finishing its week, a `prepare` timer) then finds nothing to run and keeps no model alive.
        """
        with self.lock:
            self.closed = True
            self.runs = []
            self._ahead = None
            self.version += 1

    @staticmethod
    def _build(label: str, design: str, run: sim.RunSpec, seed: int) -> Run:
        return Run(label, design, sim.TruceModel(run, rng=seed), start=run.params.as_dict())

    @property
    def week(self) -> int:
        return self.runs[0].model.week if self.runs else 0

    @property
    def running(self) -> bool:
        return bool(self.runs) and all(run.model.running for run in self.runs)

    def step(self, weeks: int = 1) -> None:
        """Advance every run by up to `weeks` weeks, in lockstep (taking a prepared week if any)."""
        with self.lock:
            for _ in range(weeks):
                if not self.running:
                    return
                ahead, self._ahead = self._ahead, None
                if ahead is not None and ahead[0] == self.version:
                    for run, next_week in zip(self.runs, ahead[1], strict=True):
                        run.model = next_week.model
                else:
                    for run in self.runs:
                        run.model.step()
                self.version += 1

    def prepare(self) -> tuple[int, list[Run]] | None:
        """Compute the coming week on copies of the runs, for the next `step` to take as it is.

        Called while the page is idle, so that a click on Step only swaps models in instead of
        computing a week on the way from the click to the repaint. A deep copy of a model steps to
        the same numbers bit for bit; any change to the runs in between (an intervention, a reset)
        makes the prepared week stale, and `step` then computes the week as usual. Returns the
        version the runs will have once they took it, and the runs a week on (to build their
        figures in advance); None if there is nothing to prepare or the runs changed meanwhile.
        """
        with self.lock:
            version = self.version
            if self._ahead is not None and self._ahead[0] == version:
                return version + 1, self._ahead[1]
            if not self.running:
                return None
            ahead = [Run(run.label, run.design, copy.deepcopy(run.model), run.start) for run in self.runs]
        for run in ahead:  # outside the lock: the copies are nobody else's
            run.model.step()
        with self.lock:
            if self.version != version:
                return None
            self._ahead = (version, ahead)
        return version + 1, ahead

    def intervene(self, kind: str, target: str = "both", **args: Any) -> sim.Intervention:
        """Apply `kind` now to the target run(s) ("A", "B" or "both") with `model.apply`.

        Between two weeks the model stamps it with the coming week, as a design file's
        `[[interventions]]` entry for that week would be, so the download re-runs to the same numbers.
        Every target is checked before any is changed: both runs of a comparison change, or neither.
        """
        if kind == "switch_design" and args.get("design") not in presets():
            # a design name from the browser: `sim` would open any other string as a path
            raise sim.InputError(
                f"switch_design: design = {shown(args.get('design'))} is not a preset "
                f"(allowed: {', '.join(presets())})"
            )
        with self.lock:
            iv = sim.Intervention(self.week + 1, kind, **args)
            targets = [run for run in self.runs if target in ("both", run.label)]
            for run in targets:
                iv.validate(run.model.weeks)
            self.version += 1
            for run in targets:
                run.model.apply(iv)
        return iv

    def csv(self, run: Run) -> str:
        return run.weekly().to_csv(index_label="week")

    def toml(self, run: Run, description: str = "") -> str:
        """A self-contained design file: every resolved value at week 0 and every intervention.

        `truce run FILE --seed S --weeks W` reproduces the run (the header comment says S and W).
        """
        kinds = {p.name: p.kind for p in sim.params()}
        default = {p.name: p.default for p in sim.params()}
        table = {
            "name": f"{run.design.removesuffix('.toml')}_workshop",
            "description": description,
            "levers": {k: v for k, v in run.start.items() if kinds[k] == "lever"},
            "uncertainties": {k: v for k, v in run.start.items() if kinds[k] == "uncertainty"},
            # behavioural constants only where the run's design changed one: the rest are the model's
            "constants": {k: v for k, v in run.start.items() if kinds[k] == "constant" and v != default[k]},
            "interventions": [iv.to_dict() for iv in run.markers()],
        }
        header = (
            f"# Design {run.label} of the Truce dashboard, exported at week {self.week}.\n"
            f"# Re-run: truce run FILE --seed {self.config.seed} --weeks {self.week}\n"
        )
        return header + tomli_w.dumps(table)
