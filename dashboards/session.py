"""One browser session's simulation: one model, or two in lockstep, and what was done to them.

Plain Python with no Solara in it, so the rules (lockstep stepping, live interventions, exports that
re-run to the same numbers) are tested without a browser. The page keeps one `Session` per browser
session; a module-level model would be shared by every visitor.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import tomli_w

import sim

#: Horizon of a dashboard run: five years, as in the article's comparisons.
WEEKS = 260


@dataclass(frozen=True)
class Config:
    """What the facilitator chose; a new `Config` means new models (Reset)."""

    design: str = "siloed"
    compare: str | None = None  # design B when running side by side
    seed: int = 1
    levers: dict[str, Any] = field(default_factory=dict)  # overrides of design A's values


@dataclass
class Run:
    """One model on screen and what made it: enough to export it as a design file."""

    label: str  # "A" or "B"
    design: str
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

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.runs: list[Run] = []
        # The play thread steps the models while the page reads them (figures, numbers, downloads).
        self.lock = threading.RLock()
        self.reset(self.config)

    def reset(self, config: Config) -> None:
        """New models for `config`, all on the same seed (common random numbers: same market luck).

        Raises `sim.InputError` for an impossible configuration and keeps the previous runs then.
        """
        runs = [self._build("A", config.design, config.seed, config.levers)]
        if config.compare:
            runs.append(self._build("B", config.compare, config.seed, {}))
        with self.lock:
            self.config, self.runs = config, runs

    @staticmethod
    def _build(label: str, design: str, seed: int, levers: dict[str, Any]) -> Run:
        model = sim.TruceModel(design, rng=seed, weeks=WEEKS, **levers)
        return Run(label, design, model, start=dict(model.p))

    @property
    def week(self) -> int:
        return self.runs[0].model.week

    @property
    def running(self) -> bool:
        return all(run.model.running for run in self.runs)

    def step(self, weeks: int = 1) -> None:
        """Advance every run by up to `weeks` weeks, in lockstep."""
        with self.lock:
            for _ in range(weeks):
                if not self.running:
                    return
                for run in self.runs:
                    run.model.step()

    def intervene(self, kind: str, target: str = "both", **args: Any) -> sim.Intervention:
        """Apply `kind` now to the target run(s) ("A", "B" or "both") with `model.apply`.

        Between two weeks the model stamps it with the coming week, as a design file's
        `[[interventions]]` entry for that week would be, so the download re-runs to the same numbers.
        Every target is checked before any is changed: both runs of a comparison change, or neither.
        """
        with self.lock:
            iv = sim.Intervention(self.week + 1, kind, **args)
            targets = [run for run in self.runs if target in ("both", run.label)]
            for run in targets:
                iv.validate(run.model.weeks)
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
        table = {
            "name": f"{run.design}_workshop",
            "description": description,
            "levers": {k: v for k, v in run.start.items() if kinds[k] == "lever"},
            "uncertainties": {k: v for k, v in run.start.items() if kinds[k] == "uncertainty"},
            "interventions": [iv.to_dict() for iv in run.markers()],
        }
        header = (
            f"# Design {run.label} of the Truce dashboard, exported at week {self.week}.\n"
            f"# Re-run: truce run FILE --seed {self.config.seed} --weeks {self.week}\n"
        )
        return header + tomli_w.dumps(table)
