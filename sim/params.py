"""The parameter registry: every lever, uncertainty and behavioural constant, its type, default, range
and unit, once.

Everything that shows or checks a parameter (design files, `TruceModel` keywords, CLI help, dashboard
sliders, sensitivity analysis) reads this registry, so a default or a range is never restated anywhere
else. Levers and uncertainties are declared in `parameters.toml` and described in every language of
the message catalogue; behavioural constants (the coefficients that shape a mechanism) are declared in
`constants/<mechanism>.toml`, one file per submodel, and described there in English: they are the
model's assumptions, read by researchers and sensitivity analysis, never shown as dashboard levers.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, make_dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np

from sim.errors import InputError

Kind = Literal["lever", "uncertainty", "constant"]
_TYPES = {"float": float, "int": int, "bool": bool}
_PACKED = {"float": np.float64, "int": np.int64, "bool": np.bool_}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: what it is, what values it accepts, and where its default comes from."""

    name: str
    kind: Kind
    type: str
    default: Any
    range: tuple[Any, Any]
    unit: str
    description_key: str
    main: bool
    source: str
    #: A constant's mechanism (the stem of its file in `constants/`); empty for levers and uncertainties.
    group: str = ""
    #: A constant's English description, declared with it (constants are not in the message catalogue).
    text: str = ""

    @property
    def description(self) -> str:
        """English description, from the message catalogue keyed by `description_key`."""
        return messages("en").get(self.description_key, self.text or self.name)

    def check(self, value: Any, where: str = "") -> Any:
        """Return `value` converted to this parameter's type, or raise `InputError` naming it.

        Nothing is clamped: an out-of-range value is an error, because a silently clamped lever would
        make a sweep report results for a design that was never run.
        """
        lo, hi = self.range
        allowed = f"allowed: {self.type} in [{lo}, {hi}]"
        prefix = f"{where}: " if where else ""
        bad = InputError(f"{prefix}parameter '{self.name}' = {value!r} is invalid ({allowed})")
        if self.type == "bool":
            if not isinstance(value, bool | int) or value not in (0, 1):
                raise bad
            return bool(value)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise bad
        if self.type == "int":
            if float(value) != int(value):
                raise bad
            value = int(value)
        else:
            value = float(value)
        if not lo <= value <= hi or value != value:
            raise bad
        return value


@cache
def messages(lang: str) -> dict[str, str]:
    """The message catalogue of one language (flat `key -> text`)."""
    text = resources.files("sim").joinpath("locale", f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


@cache
def _registry() -> dict[str, ParamSpec]:
    root = resources.files("sim")
    specs = {name: _spec(name, entry) for name, entry in _load(root.joinpath("parameters.toml")).items()}
    for path in sorted(root.joinpath("constants").iterdir(), key=lambda entry: entry.name):
        if not path.name.endswith(".toml"):
            continue
        group = path.name[: -len(".toml")]
        for name, entry in _load(path).items():
            if name in specs:
                raise ValueError(f"sim/constants/{path.name}: '{name}' is declared twice in the registry")
            specs[name] = _spec(name, {"kind": "constant", "main": False, **entry}, group)
    return specs


def _load(path: Any) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _spec(name: str, entry: dict[str, Any], group: str = "") -> ParamSpec:
    cast = _TYPES[entry["type"]]
    return ParamSpec(
        name=name,
        kind=entry["kind"],
        type=entry["type"],
        default=cast(entry["default"]),
        range=(cast(entry["range"][0]), cast(entry["range"][1])),
        unit=entry["unit"],
        description_key=f"param.{name}",
        main=bool(entry["main"]),
        source=entry["source"],
        group=group,
        text=entry.get("description", ""),
    )


def params() -> list[ParamSpec]:
    """Every parameter of the model in the registry's order: levers, uncertainties, then constants."""
    return list(_registry().values())


def spec(name: str, where: str = "") -> ParamSpec:
    """The spec of one parameter; an unknown name is an `InputError` listing close matches."""
    try:
        return _registry()[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(_registry()), n=3)
        hint = (
            f" (did you mean {', '.join(close)}?)"
            if close
            else " (no parameter has a similar name; `truce designs siloed` lists them all)"
        )
        prefix = f"{where}: " if where else ""
        raise InputError(f"{prefix}unknown parameter '{name}'{hint}") from None


def defaults() -> dict[str, Any]:
    """Default value of every parameter."""
    return {p.name: p.default for p in _registry().values()}


def resolve(
    values: dict[str, Any],
    where: str = "",
    overrides: dict[str, Any] | None = None,
    overrides_where: str = "keyword arguments",
) -> Params:
    """Defaults overlaid with `values` (from `where`), then with `overrides`, each checked against
    its spec and all against each other.

    A bad override is named as what it is (`overrides_where`), not as a key of the design file whose
    values it overrides.
    """
    resolved = defaults()
    for given, source in ((values, where), (overrides or {}, overrides_where)):
        for name, value in given.items():
            resolved[name] = spec(name, source).check(value, source)
    check_combination(resolved, where)
    return Params(**resolved)


def check_combination(values: Mapping[str, Any], where: str = "") -> None:
    """Reject values that are each in range but impossible together.

    Pay is split into individual commission, a shared bonus and a retention bonus: the two bonus
    shares cannot exceed the whole of variable pay.
    """
    shared, retention = values["shared_bonus_share"], values["retention_bonus_share"]
    if shared + retention > 1.0 + 1e-12:
        prefix = f"{where}: " if where else ""
        raise InputError(
            f"{prefix}shared_bonus_share + retention_bonus_share = {shared} + {retention} = "
            f"{shared + retention:g} is invalid (allowed: sum <= 1, the whole of variable pay)"
        )


class _ParamsBase:
    """Behaviour of `Params`; its fields (one per registry entry) are added by `_params_class`."""

    __slots__ = ()

    def __post_init__(self) -> None:
        values = tuple(getattr(self, name) for name in _registry())
        object.__setattr__(self, "packed", np.array([values], dtype=_packed_dtype()))

    def replace(self, changes: Mapping[str, Any], where: str = "") -> Params:
        """A new `Params` with `changes` applied, each checked against its spec and all together.

        Mid-run changes (a `set` intervention, a design switch) make a new object: a resolved run's
        parameters never change under a mechanism's feet.
        """
        values = self.as_dict()
        for name, value in changes.items():
            values[name] = spec(name, where).check(value, where)
        check_combination(values, where)
        return Params(**values)

    def as_dict(self) -> dict[str, Any]:
        """Every parameter's value by name, in the registry's order (for storage and display)."""
        return {name: getattr(self, name) for name in _registry()}


@cache
def _packed_dtype() -> np.dtype:
    return np.dtype([(p.name, _PACKED[p.type]) for p in _registry().values()])


@cache
def _params_class() -> type:
    """The frozen, slotted dataclass with one typed attribute per registry entry.

    Generated from `parameters.toml`, the single declaration, so a parameter is never written twice.
    """
    cls = make_dataclass(
        "Params",
        [(p.name, _TYPES[p.type]) for p in _registry().values()]
        # The same values as a one-row numpy structured array, the form compiled mechanisms read
        # (`p.packed[0].lead_sla_hours`); derived, so not compared, hashed or shown.
        + [("packed", np.ndarray, field(init=False, repr=False, compare=False))],
        bases=(_ParamsBase,),
        frozen=True,
        slots=True,
        module=__name__,
    )
    cls.__doc__ = "Every parameter of one run, validated: read as attributes, e.g. `p.lead_sla_hours`."
    return cls


#: The run's parameters as one typed, frozen object (see `_params_class`).
Params = _params_class()
