"""The run contract: design, overrides, interventions and horizon resolved once into a frozen `RunSpec`.

Everything that accepts a run from a user (the model, `sim.run`, the experiments layer, the CLI, the
dashboard) validates through `resolve`, so a bad value is refused the same way everywhere and before
anything is built; downstream code trusts the `RunSpec` and re-validates nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.design import Design, get_design
from sim.errors import InputError
from sim.interventions import Intervention
from sim.params import Params, spec
from sim.params import resolve as resolve_params


@dataclass(frozen=True)
class RunSpec:
    """One run, resolved and validated: what `TruceModel` is built from."""

    design: Design
    params: Params
    interventions: tuple[Intervention, ...]  # the design's own, then the caller's; applied by week
    weeks: int

    @property
    def where(self) -> str:
        """How error messages name this run's source: its file, or the preset's name."""
        return self.design.source or f"design '{self.design.name}'"


def resolve(
    design: str | Path | Design = "siloed",
    *,
    weeks: int = 260,
    interventions: Sequence[Intervention] = (),
    **overrides: Any,
) -> RunSpec:
    """Resolve a design (preset name, TOML path or `Design`), parameter overrides, extra scheduled
    interventions and a horizon into a `RunSpec`; any problem is an `InputError` naming it.

    Scheduled parameter changes are replayed in week order here, so a file whose `set` in week 100
    would break a rule fails before week 1.
    """
    found = get_design(design)
    where = found.source or f"design '{found.name}'"
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise InputError(f"{where}: weeks = {weeks!r} is invalid (allowed: int >= 1)")
    params = resolve_params(found.values, where, overrides=overrides)
    schedule = (*found.interventions, *interventions)
    for iv in schedule:
        if not isinstance(iv, Intervention):
            raise InputError(f"{where}: interventions: {iv!r} is not an Intervention")
        iv.validate(weeks, f"{where}: intervention {iv.kind}")
    check_schedule(params, schedule, where)
    return RunSpec(design=found, params=params, interventions=schedule, weeks=weeks)


def lever_changes(iv: Intervention) -> dict[str, Any]:
    """The parameter values `iv` sets, each checked against its spec; {} for kinds that act on
    people or the market instead."""
    if iv.kind in _SETS:
        name, value = _SETS[iv.kind](iv)
        return {name: spec(name).check(value)}
    if iv.kind == "switch_design":
        new = get_design(iv.get("design"))
        return {name: value for name, value in new.values.items() if spec(name).kind == "lever"}
    return {}


def check_schedule(params: Params, interventions: Iterable[Intervention], where: str) -> None:
    """Replay the scheduled parameter changes in week order and reject the first impossible
    combination (each change is valid alone; together they may not be)."""
    for iv in sorted(interventions, key=lambda iv: iv.week):
        try:
            changes = lever_changes(iv)
        except InputError as err:  # a switch to a design that cannot be read: name where it was asked
            raise InputError(f"{where}: intervention {iv.kind} in week {iv.week}: {err}") from None
        if changes:
            params = params.replace(changes, f"{where}: intervention {iv.kind} in week {iv.week}")


#: Kinds that set one parameter: kind -> (parameter, value) of an intervention.
_SETS: Mapping[str, Any] = {
    "crm": lambda iv: ("crm_level", iv.get("level")),
    "liaison": lambda iv: ("liaison", iv.get("on")),
    "leadership_backing": lambda iv: ("leadership_backing", iv.get("level")),
    "set": lambda iv: (iv.get("param"), iv.get("value")),
}
