"""`sim.run`: one design, one seed, a whole horizon, as tidy pandas results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.contract import RunSpec
from sim.design import Design
from sim.interventions import Intervention
from sim.metrics import summary
from sim.model import TruceModel


@dataclass(frozen=True)
class RunResult:
    """What one run produced: the weekly record, its summary, and what made it."""

    weekly: pd.DataFrame
    summary: dict[str, float]
    design: str
    seed: Any
    params: dict[str, Any] = field(default_factory=dict)
    interventions: list[dict[str, Any]] = field(default_factory=list)


def weekly_frame(model: TruceModel) -> pd.DataFrame:
    """The model's datacollector table indexed by `week` = 1..weeks."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="week")
    return frame


def run(
    design: str | Path | Design | RunSpec,
    *,
    weeks: int | None = None,
    seed: int | np.random.SeedSequence = 0,
    interventions: tuple[Intervention, ...] | list[Intervention] = (),
    **params: Any,
) -> RunResult:
    """Run `design` for `weeks` weeks (default 260) from `seed`; `params` override the design's values.

    `design` may also be a `RunSpec` from `sim.resolve`, which carries weeks, interventions and
    parameters itself (giving them again is an error, as for `TruceModel`).
    """
    model = TruceModel(design, rng=seed, weeks=weeks, interventions=tuple(interventions), **params)
    model.run_model()
    weekly = weekly_frame(model)
    return RunResult(
        weekly=weekly,
        summary=summary(model.datacollector.table[: model.datacollector.size]),
        design=model.design.name,
        seed=seed,
        params=model.p.as_dict(),
        interventions=list(model.applied),
    )
