"""Designs as data: a TOML file of lever values (and optionally uncertainties, behavioural constants
and interventions).

The four presets in `sim/scenarios/` are such files; the model has no code path per design, it only
reads the resolved parameter values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.files import read_toml
from sim.interventions import Intervention
from sim.params import spec

_TABLES = {"levers": "lever", "uncertainties": "uncertainty", "constants": "constant"}
_TOP_KEYS = {"name", "description", *_TABLES, "interventions"}
_WHAT = {"lever": "a lever", "uncertainty": "an uncertainty", "constant": "a behavioural constant"}


@dataclass(frozen=True)
class Design:
    """A named set of parameter values that differ from the defaults, plus scheduled interventions.

    `sim.resolve` turns it (with overrides, more interventions and a horizon) into a run's parameters.
    """

    name: str
    description: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    interventions: tuple[Intervention, ...] = ()
    source: str = ""  # the file it was loaded from, named in error messages


def load_design(path: str | Path) -> Design:
    """Load and validate a TOML design file; any problem is an `InputError` naming file and key."""
    path = Path(path)
    return _parse(read_toml(path, "design file"), str(path), default_name=path.stem)


def _parse(raw: dict[str, Any], where: str, default_name: str) -> Design:
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise InputError(
            f"{where}: unknown top-level key '{sorted(unknown)[0]}' (allowed: {', '.join(sorted(_TOP_KEYS))})"
        )
    values: dict[str, Any] = {}
    for table, kind in _TABLES.items():
        entries = raw.get(table, {})
        if not isinstance(entries, dict):
            raise InputError(f"{where}: [{table}] must be a table of name = value")
        for name, value in entries.items():
            p = spec(name, f"{where} [{table}]")
            if p.kind != kind:
                home = next(t for t, k in _TABLES.items() if k == p.kind)
                raise InputError(
                    f"{where}: '{name}' is {_WHAT[p.kind]}, so it belongs in [{home}], not [{table}]"
                )
            values[name] = p.check(value, f"{where} [{table}]")
    items = raw.get("interventions", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InputError(
            f"{where}: interventions = {items!r} is invalid (allowed: an array of tables, [[interventions]])"
        )
    interventions = tuple(
        Intervention.from_dict(item, f"{where} [[interventions]] #{i + 1}") for i, item in enumerate(items)
    )
    return Design(
        name=str(raw.get("name", default_name)),
        description=str(raw.get("description", "")),
        values=values,
        interventions=interventions,
        source=where if where.endswith(".toml") else "",
    )


def _preset_dir():
    return resources.files("sim").joinpath("scenarios")


@cache
def _presets() -> dict[str, Design]:
    out = {}
    for entry in sorted(_preset_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            raw = tomllib.loads(entry.read_text(encoding="utf-8"))
            out[entry.name[:-5]] = _parse(raw, f"sim/scenarios/{entry.name}", entry.name[:-5])
    return out


#: The presets in the order the brief lists them (the rest, if any, follow alphabetically).
_ORDER = ("siloed", "shared_kpis", "merged", "three_dimensional")


def designs() -> dict[str, str]:
    """The preset designs, name -> one-line description."""
    presets = _presets()
    names = [n for n in _ORDER if n in presets] + sorted(set(presets) - set(_ORDER))
    return {name: presets[name].description for name in names}


def _exists(text: str) -> bool:
    try:
        return Path(text).exists()
    except (OSError, ValueError):  # a name too long, a NUL byte: no such file
        return False


def get_design(design: str | Path | Design) -> Design:
    """A preset name, a path to a TOML file, or a `Design`, as a `Design`."""
    if isinstance(design, Design):
        return design
    text = str(design)
    if text in _presets():
        return _presets()[text]
    if text.endswith(".toml") or _exists(text):
        return load_design(text)
    raise InputError(f"design '{text}' is neither a preset ({', '.join(designs())}) nor a TOML file")
