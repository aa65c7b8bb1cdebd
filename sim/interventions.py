"""Interventions: what-ifs applied to a running company at a chosen week.

They are data (kind + arguments), validated against a table of allowed arguments, so a design file, a
Python script and a dashboard button all describe them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.errors import InputError
from sim.params import spec

#: kind -> {argument: (type, default, low, high)}; `None` bounds mean "any value of that type".
KINDS: dict[str, dict[str, tuple[type, Any, Any, Any]]] = {
    "sales_training": {"gain": (float, 0.2, 0.0, 1.0), "share": (float, 1.0, 0.0, 1.0)},
    "hire": {"role": (str, "sales", None, None), "n": (int, 5, 1, 10000)},
    "buy_leads": {"n": (int, 500, 1, 10_000_000), "quality": (float, 0.3, 0.0, 1.0)},
    "crm": {"level": (float, 1.0, 0.0, 1.0)},
    "liaison": {"on": (bool, True, None, None)},
    "leadership_backing": {"level": (float, 1.0, 0.0, 1.0)},
    "switch_design": {"design": (str, "shared_kpis", None, None)},
    # `value` is checked against the named parameter's own spec (type and range).
    "set": {"param": (str, "", None, None), "value": (object, 0.0, None, None)},
}
ROLES = ("marketing", "sales", "service")


@dataclass(frozen=True, init=False)
class Intervention:
    """`Intervention(week, kind, **args)`: apply `kind` with `args` at the start of `week`."""

    week: int
    kind: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, week: int, kind: str, **args: Any) -> None:
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "args", dict(args))
        self.validate()

    def validate(self, weeks: int | None = None, where: str = "intervention") -> None:
        """Raise `InputError` if the kind, an argument or the week is not allowed."""
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise InputError(f"{where}: kind = {self.kind!r} is unknown (allowed: {', '.join(KINDS)})")
        if isinstance(self.week, bool) or not isinstance(self.week, int) or self.week < 1:
            raise InputError(f"{where}: week = {self.week!r} is invalid (allowed: int >= 1)")
        if weeks is not None and self.week > weeks:
            raise InputError(f"{where}: week = {self.week} is beyond the horizon (allowed: 1..{weeks})")
        allowed = KINDS[self.kind]
        for name, value in self.args.items():
            if name not in allowed:
                raise InputError(
                    f"{where}: {self.kind} has no argument '{name}' (allowed: {', '.join(allowed)})"
                )
            typ, _, lo, hi = allowed[name]
            ok = isinstance(value, typ) or (typ is float and isinstance(value, int))
            ok = ok and not (typ not in (bool, object) and isinstance(value, bool))
            if ok and lo is not None:
                ok = lo <= value <= hi
            if not ok:
                rng = f"{typ.__name__} in [{lo}, {hi}]" if lo is not None else typ.__name__
                raise InputError(f"{where}: {self.kind}.{name} = {value!r} is invalid (allowed: {rng})")
        if self.kind == "hire" and self.get("role") not in ROLES:
            raise InputError(
                f"{where}: hire.role = {self.get('role')!r} is invalid (allowed: {', '.join(ROLES)})"
            )
        if self.kind == "set":
            spec(self.get("param"), where).check(self.get("value"), where)

    def get(self, name: str) -> Any:
        """An argument's value, or its default."""
        return self.args.get(name, KINDS[self.kind][name][1])

    def to_dict(self) -> dict[str, Any]:
        """The TOML/JSON form: `{"week": ..., "kind": ..., **args}`."""
        return {"week": self.week, "kind": self.kind, **self.args}

    @classmethod
    def from_dict(cls, table: Mapping[str, Any], where: str = "intervention") -> Intervention:
        """Build from the TOML/JSON form, naming `where` in any error."""
        if not isinstance(table, Mapping):
            raise InputError(
                f"{where}: {table!r} is invalid (allowed: a table with week, kind and arguments)"
            )
        table = dict(table)
        if "week" not in table or "kind" not in table:
            raise InputError(f"{where}: needs 'week' and 'kind' (got keys {sorted(table)})")
        week, kind = table.pop("week"), table.pop("kind")
        try:
            return cls(week, kind, **table)
        except InputError as err:
            raise InputError(f"{where}: {str(err).split(': ', 1)[-1]}") from None
