"""Checks behind every experiment field, each failing with one line that names file, key and value.

They run when an `Experiment` is built, so a typo is reported before the first of thousands of runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import sim
from sim import InputError
from sim.outcomes import outcome, weekly_names


def bad(where: str, key: str, value: Any, allowed: str) -> InputError:
    """The one error format of this package, matching `sim`'s own."""
    return InputError(f"{where}: {key} = {value!r} is invalid (allowed: {allowed})")


@cache
def registry() -> dict[str, sim.ParamSpec]:
    """`sim.params()` by name."""
    return {p.name: p for p in sim.params()}


def param(name: Any, where: str, key: str) -> sim.ParamSpec:
    """The spec of a parameter named in the experiment; unknown names list close matches."""
    specs = registry()
    if name not in specs:
        import difflib

        close = difflib.get_close_matches(str(name), list(specs), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "see `truce designs siloed`"
        raise InputError(f"{where}: {key}: unknown parameter {str(name)!r} ({hint})")
    return specs[name]


def integer(value: Any, where: str, key: str, minimum: int) -> int:
    """A whole number >= `minimum` (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise bad(where, key, value, f"int >= {minimum}")
    return value


def run(
    entry: str | Path | sim.Design,
    where: str,
    key: str,
    weeks: int | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> sim.RunSpec:
    """A preset, a design file or a `Design` with `fixed` values over its own, resolved by
    `sim.resolve` for `weeks` so that a bad value is one line naming `key` before any run.

    Without `weeks` the design is resolved at the horizon its own schedule needs: a variant's base
    and a switch target run inside another design's horizon, which is checked there.
    """
    try:
        found = sim.get_design(entry)
        horizon = weeks if weeks is not None else max((iv.week for iv in found.interventions), default=1)
        return sim.resolve(found, weeks=horizon, **(fixed or {}))
    except InputError as err:
        name = entry.name if isinstance(entry, sim.Design) else str(entry)
        raise InputError(f"{where}: {key} = {name!r}: {err}") from None


def design(entry: str | Path | sim.Design, where: str, key: str) -> sim.Design:
    """A design checked on its own, as a variant's base or a switch target is (see `run`)."""
    return run(entry, where, key).design


def interventions(items: Iterable[sim.Intervention], weeks: int, where: str, key: str) -> None:
    """Every intervention fits the horizon, and every design it switches to exists."""
    for i, iv in enumerate(items):
        iv.validate(weeks, f"{where}: {key}[{i}] {iv.kind}")
        if iv.kind == "switch_design":
            design(iv.get("design"), where, f"{key}[{i}].design")


def values(table: Mapping[str, Any], where: str, key: str) -> dict[str, Any]:
    """Parameter values, each converted to its parameter's type and checked against its range."""
    return {name: param(name, where, key).check(v, f"{where} {key}") for name, v in table.items()}


def bounds(name: str, pair: Any, where: str, key: str) -> tuple[float, float]:
    """A `[low, high]` range for a continuous sampler: strictly increasing and inside the parameter's."""
    spec = param(name, where, key)
    lo, hi = spec.range
    allowed = f"[low, high] with {lo} <= low < high <= {hi}"
    if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
        raise bad(where, key, pair, allowed)
    low, high = pair
    if spec.type == "bool" or any(isinstance(v, bool) for v in pair):
        if spec.type != "bool" or {bool(low), bool(high)} != {False, True}:
            hint = "[false, true] for an on/off parameter" if spec.type == "bool" else allowed
            raise bad(where, key, list(pair), hint)
        return 0.0, 1.0
    if not all(isinstance(v, int | float) for v in pair) or not lo <= low < high <= hi:
        raise bad(where, key, list(pair), allowed)
    return float(low), float(high)


def keep(value: Any, where: str) -> tuple[str, ...]:
    """Weekly columns to store: "all", "none" or a list of names declared in `sim.outcomes`."""
    if value == "all":
        return weekly_names()
    if value == "none":
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise bad(where, "keep", value, '"all", "none" or a list of weekly column names')
    for name in value:
        outcome(name, "weekly", f"{where}: keep")
    return tuple(dict.fromkeys(value))
