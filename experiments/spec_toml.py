"""The TOML form of an `Experiment`: read a spec file into the constructor's keyword arguments.

Only the file's shape is checked here (unknown keys, tables versus lists); values are checked by the
`Experiment` constructor, so a spec written in Python gets exactly the same checks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sim
from experiments import validation as check
from experiments.spec import Axis, Sampling
from sim import InputError, files

_TOP = {"name", "description", "designs", "variants", "baseline", "replications", "seed", "weeks", "keep"}
_TOP |= {"set", "sampling", "axes", "vary_constants", "points", "interventions"}
_SAMPLING = {"method", "samples", "seed", "calc_second_order", "num_levels"}
_VARIANT = {"base", "description", "levers", "uncertainties", "constants", "interventions"}


def parse(path: Path, extra: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The spec file at `path` as `Experiment(**kwargs)` arguments; `extra` top-level keys (a map's
    `[map]` table) are allowed and left to the caller."""
    where = str(path)
    raw = read_toml(path)
    unknown_keys(raw, _TOP | extra, where)
    variants = {
        name: _variant(name, table(body, where, f"variants.{name}"), path.parent, where)
        for name, body in table(raw.get("variants", {}), where, "variants").items()
    }
    entries = raw.get("designs", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise check.bad(where, "designs", entries, "a list of preset names, design files or [variants] names")
    designs = [variants.pop(e) if e in variants else _locate(e, path.parent) for e in entries]
    if variants:
        raise check.bad(where, "variants", sorted(variants)[0], "only variants that `designs` lists")
    sampling = table(raw.get("sampling", {}), where, "sampling")
    unknown_keys(sampling, _SAMPLING, where, "sampling.")
    axes = [
        _axis(name, table(body, where, f"axes.{name}"), where)
        for name, body in table(raw.get("axes", {}), where, "axes").items()
    ]
    vary = raw.get("vary_constants", False)
    if not isinstance(vary, bool):
        raise check.bad(where, "vary_constants", vary, "true or false")
    if vary:  # every behavioural constant not named in [axes], over its registry range
        named = {axis.name for axis in axes}
        axes += [
            Axis(p.name, bounds=p.range) for p in sim.params() if p.kind == "constant" and p.name not in named
        ]
    points = raw.get("points", [])
    if not isinstance(points, list) or not all(isinstance(p, dict) for p in points):
        raise check.bad(where, "points", points, "an array of tables ([[points]])")
    default = "list" if points else "factorial" if axes else "none"
    return {
        "designs": designs,
        "replications": raw.get("replications", 30),
        "seed": raw.get("seed", 0),
        "weeks": raw.get("weeks", 260),
        "axes": axes,
        "sampling": Sampling(**{"method": default, **sampling}),
        "points": points,
        "fixed": table(raw.get("set", {}), where, "set"),
        "interventions": _interventions(raw.get("interventions", []), where, "interventions"),
        "keep": raw.get("keep", "all"),
        "baseline": raw.get("baseline"),
        "name": str(raw.get("name", path.stem)),
        "description": str(raw.get("description", "")),
        "source": where,
    }


def _axis(name: str, body: dict[str, Any], where: str) -> Axis:
    unknown_keys(body, {"values", "range"}, where, f"axes.{name}.")
    values = body.get("values", [])
    if not isinstance(values, list):
        raise check.bad(where, f"axes.{name}.values", values, "a list of values")
    bounds = body.get("range")
    return Axis(name, values=tuple(values), bounds=tuple(bounds) if isinstance(bounds, list) else bounds)


def _variant(name: str, body: dict[str, Any], folder: Path, where: str) -> sim.Design:
    """A design defined inside the spec: a base design plus lever values and interventions."""
    key = f"variants.{name}"
    unknown_keys(body, _VARIANT, where, f"{key}.")
    if "base" not in body:
        raise InputError(f"{where}: {key} needs a 'base' design (a preset or a design file)")
    base = check.design(_locate(str(body["base"]), folder), where, f"{key}.base")
    values = dict(base.values)
    for group, kind in (("levers", "lever"), ("uncertainties", "uncertainty"), ("constants", "constant")):
        for pname, value in table(body.get(group, {}), where, f"{key}.{group}").items():
            spec = check.param(pname, where, f"{key}.{group}")
            if spec.kind != kind:
                raise check.bad(where, f"{key}.{group}", pname, f"{kind} names ('{pname}' is a {spec.kind})")
            values[pname] = spec.check(value, f"{where} [{key}.{group}]")
    extra = _interventions(body.get("interventions", []), where, f"{key}.interventions")
    return sim.Design(
        name=name,
        description=str(body.get("description", f"{base.name} with changes")),
        values=values,
        interventions=(*base.interventions, *extra),
        source=where,
    )


def _interventions(items: Any, where: str, key: str) -> list[sim.Intervention]:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise check.bad(where, key, items, "an array of tables ([[interventions]])")
    return [sim.Intervention.from_dict(item, f"{where} [[{key}]] #{i + 1}") for i, item in enumerate(items)]


def _locate(entry: str, folder: Path) -> str:
    """A preset name as it is; a relative design-file path relative to the spec's folder."""
    if entry in sim.designs() or Path(entry).is_absolute():
        return entry
    try:
        here = os.path.lexists(folder / entry)  # a symlink loop is there too, and reported as one
    except (OSError, ValueError):
        here = False
    return str(folder / entry) if here else entry


def table(raw: Any, where: str, key: str) -> dict[str, Any]:
    """A TOML table, or an error naming the key."""
    if not isinstance(raw, dict):
        raise check.bad(where, key, raw, "a table")
    return raw


def unknown_keys(raw: Mapping[str, Any], allowed: set[str], where: str, prefix: str = "") -> None:
    """Reject a misspelt key instead of silently ignoring it."""
    extra = sorted(set(raw) - allowed)
    if extra:
        raise InputError(f"{where}: unknown key '{prefix}{extra[0]}' (allowed: {', '.join(sorted(allowed))})")


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; a missing file or bad syntax is one line naming the file."""
    return files.read_toml(path, "spec file")
