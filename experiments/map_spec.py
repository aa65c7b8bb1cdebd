"""The definition of a design map: designs over two parameter axes, the outcome that decides, the grid.

A map spec is an experiment spec (designs, baseline, seed, horizon, `[set]`, interventions) with a
`[map]` table instead of `replications`, `[axes]` and `[sampling]`. Everything is checked when the
`MapSpec` is built, so a typo is one line (file, key, value, allowed) before any run starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sim
from experiments import validation as check
from experiments.report_answer import better
from experiments.spec import Experiment
from sim import InputError
from sim.outcomes import headline, outcome

_MAP = {"x", "y", "outcome", "direction", "resolution", "start", "replications", "max_replications", "score"}
#: Experiment keys a map replaces with its own (`[map]` has the grid and the replications).
_NOT_IN_MAP = {"replications": "map.replications", "axes": "map.x and map.y", "sampling": "[map]"}
_NOT_IN_MAP |= {"points": "[map]", "vary_constants": "map.x and map.y"}
MAX_RESOLUTION = 256
SCORE = "score"


@dataclass(frozen=True)
class MapAxis:
    """One side of the map: a lever or an uncertainty over `[low, high]` (inside its registry range)."""

    name: str
    low: float
    high: float

    @property
    def param(self) -> sim.ParamSpec:
        """The parameter's registry entry."""
        return check.registry()[self.name]

    def value(self, fraction: float) -> float | int:
        """The parameter value `fraction` of the way from `low` to `high` (integers rounded)."""
        x = self.low + fraction * (self.high - self.low)
        return round(x) if self.param.type == "int" else float(x)


@dataclass(frozen=True)
class MapSpec:
    """Designs x (adaptively refined) grid cells x replications on common seeds, judged on one outcome.

    `outcome` is a summary outcome or "score" (the weighted sum of `weights`' outcomes); each
    outcome is normalised by the baseline's mean at the point. `sign` is +1 when more is better:
    from `report_answer.LOWER_IS_BETTER` for headline outcomes, `direction` for any other, +1 for a
    score (its weights carry the signs).
    """

    experiment: Experiment
    x: MapAxis
    y: MapAxis
    outcome: str = "profit"
    weights: Mapping[str, float] = field(default_factory=dict)
    direction: str | None = None  # "higher" or "lower" is better; needed only for non-headline outcomes
    resolution: int = 32
    start: int = 4
    replications: int = 10
    max_replications: int | None = None  # default: 2 x replications
    sign: int = field(init=False, default=1)

    @property
    def where(self) -> str:
        """The spec's file (or name) as error messages name it."""
        return self.experiment.source or f"map '{self.experiment.name}'"

    @property
    def depth(self) -> int:
        """How often a start cell can be split: resolution = start x 2**depth."""
        return (self.resolution // self.start).bit_length() - 1

    @property
    def outcomes(self) -> list[str]:
        """The summary outcomes a run must return for this map."""
        return list(self.weights) if self.outcome == SCORE else [self.outcome]

    @property
    def overrides(self) -> dict[str, dict[str, Any]]:
        """Levers on an axis, each with every design's own value that the axis overrides."""
        out = {}
        for axis in (self.x, self.y):
            if axis.param.kind == "lever":
                exp = self.experiment
                out[axis.name] = {
                    d.name: sim.resolve(d, weeks=exp.weeks, **exp.fixed).params.as_dict()[axis.name]
                    for d in exp.designs  # type: ignore[union-attr]
                }
        return out

    def to_dict(self) -> dict[str, Any]:
        """The resolved map spec as JSON-able data (the manifest's and the fingerprint's)."""
        spec = self.experiment.to_dict()
        spec.pop("sampling"), spec.pop("axes"), spec.pop("points")
        spec["map"] = {
            "x": {"name": self.x.name, "range": [self.x.low, self.x.high]},
            "y": {"name": self.y.name, "range": [self.y.low, self.y.high]},
            "outcome": self.outcome,
            "score": dict(self.weights),
            "direction": "higher" if self.sign > 0 else "lower",
            "resolution": self.resolution,
            "start": self.start,
            "replications": self.replications,
            "max_replications": self.max_replications,
        }
        return spec

    @classmethod
    def from_toml(cls, path: str | Path) -> MapSpec:
        """Read a map spec file (design files in it are found relative to its folder)."""
        from experiments.spec_toml import parse, read_toml, table, unknown_keys

        path = Path(path)
        where = str(path)
        raw = read_toml(path)
        for key, instead in _NOT_IN_MAP.items():
            if key in raw:
                raise InputError(f"{where}: key '{key}' is not used in a map spec (allowed: {instead})")
        if "map" not in raw:
            raise InputError(f"{where}: no [map] table (a map spec needs map.x, map.y and map.outcome)")
        body = table(raw["map"], where, "map")
        unknown_keys(body, _MAP, where, "map.")
        kwargs = parse(path, frozenset({"map"}))
        maxed = body.get("max_replications", 2 * body.get("replications", 10))
        kwargs |= {"replications": maxed if isinstance(maxed, int) else 1, "keep": raw.get("keep", "none")}
        experiment = Experiment(**kwargs)
        x, y = (_axis(body, key, where) for key in ("x", "y"))
        args = {k: body[k] for k in ("resolution", "start", "replications") if k in body}
        return cls(
            experiment,
            x,
            y,
            outcome=body.get("outcome", "profit"),
            weights=table(body.get("score", {}), where, "map.score"),
            direction=body.get("direction"),
            max_replications=maxed,
            **args,
        )

    def __post_init__(self) -> None:
        where, exp = self.where, self.experiment
        if len(exp.designs) < 2:
            raise check.bad(where, "designs", exp.design_names, "at least two designs to compare")
        for key, axis in (("map.x", self.x), ("map.y", self.y)):
            spec = check.param(axis.name, where, f"{key}.name")
            if spec.type == "bool":
                raise check.bad(where, f"{key}.name", axis.name, "a float or int parameter (not on/off)")
            check.bounds(axis.name, [axis.low, axis.high], where, f"{key}.range")
            if axis.name in exp.fixed:
                raise check.bad(where, f"{key}.name", axis.name, "a parameter not also fixed in [set]")
        if self.x.name == self.y.name:
            raise check.bad(where, "map.y.name", self.y.name, f"a parameter other than map.x ({self.x.name})")
        self._check_outcome(where)
        object.__setattr__(self, "sign", _direction(self.outcome, self.direction, where))
        start = check.integer(self.start, where, "map.start", 1)
        res = check.integer(self.resolution, where, "map.resolution", start)
        ratio = res // start
        if res % start or ratio & (ratio - 1) or res > MAX_RESOLUTION:
            allowed = f"start x a power of two (start = {start}: {start}, {2 * start}, {4 * start}, ...)"
            raise check.bad(where, "map.resolution", res, f"{allowed}, at most {MAX_RESOLUTION}")
        reps = check.integer(self.replications, where, "map.replications", 2)
        if self.max_replications is None:
            object.__setattr__(self, "max_replications", 2 * reps)
        check.integer(self.max_replications, where, "map.max_replications", reps)
        object.__setattr__(self, "weights", dict(self.weights))
        for point in _corners(self):  # values valid alone can be impossible together
            for d in exp.designs:
                try:
                    sim.resolve(d, weeks=exp.weeks, **exp.fixed, **point)
                except InputError as err:
                    raise InputError(f"{where}: map corner {point}: {err}") from None

    def _check_outcome(self, where: str) -> None:
        if self.outcome == SCORE:
            if not self.weights:
                raise check.bad(where, "map.score", {}, 'a [map.score] table of outcome = weight for "score"')
            for name, weight in self.weights.items():
                outcome(name, "summary", f"{where}: map.score")
                if isinstance(weight, bool) or not isinstance(weight, int | float) or weight == 0:
                    raise check.bad(where, f"map.score.{name}", weight, "a non-zero number")
            return
        if not isinstance(self.outcome, str):
            raise check.bad(where, "map.outcome", self.outcome, 'a summary outcome name or "score"')
        if self.weights:
            raise check.bad(where, "map.score", dict(self.weights), 'only with outcome = "score"')
        outcome(self.outcome, "summary", f"{where}: map.outcome")


def _axis(body: Mapping[str, Any], key: str, where: str) -> MapAxis:
    from experiments.spec_toml import table, unknown_keys

    if key not in body:
        raise InputError(
            f"{where}: map.{key} is missing (allowed: {{ name = PARAMETER, range = [low, high] }})"
        )
    entry = table(body[key], where, f"map.{key}")
    unknown_keys(entry, {"name", "range"}, where, f"map.{key}.")
    spec = check.param(entry.get("name"), where, f"map.{key}.name")
    low, high = check.bounds(spec.name, entry.get("range", list(spec.range)), where, f"map.{key}.range")
    return MapAxis(spec.name, low, high)


def _direction(name: Any, stated: Any, where: str) -> int:
    """+1 when more of the map's outcome is better. Headline outcomes have a known direction (and a
    stated one must agree); any other outcome must state it, as its direction is not declared."""
    if stated is not None and stated not in ("higher", "lower"):
        raise check.bad(where, "map.direction", stated, '"higher" or "lower" (which is better)')
    if name == SCORE:
        if stated is not None:
            raise check.bad(where, "map.direction", stated, "none with a score (weights carry the signs)")
        return 1
    known = {o.name for o in headline()}
    if name in known:
        sign = better(name)
        if stated is not None and (stated == "higher") != (sign > 0):
            expected = "higher" if sign > 0 else "lower"
            raise check.bad(where, "map.direction", stated, f'"{expected}" is better for {name}')
        return sign
    if stated is None and isinstance(name, str):
        outcome(name, "summary", f"{where}: map.outcome")  # an unknown name first, as such
        raise InputError(
            f'{where}: map.direction is needed for outcome {name!r} (allowed: "higher" or "lower"; '
            "known without it for headline outcomes)"
        )
    return 1 if stated == "higher" else -1


def _corners(spec: MapSpec) -> list[dict[str, Any]]:
    return [{spec.x.name: spec.x.value(a), spec.y.name: spec.y.value(b)} for a in (0, 1) for b in (0, 1)]
