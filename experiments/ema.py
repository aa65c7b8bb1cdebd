"""An EMA Workbench `Model` that wraps Truce: levers, uncertainties and outcomes from the declarations.

The EMA Workbench (Kwakkel 2017) samples uncertainties and levers, runs experiments, optimises and
does scenario discovery over any Python function. `ema_model` gives it Truce with the three nouns
taken from where Truce declares them once: `sim.params()` (kind "uncertainty" and "lever", type and
range) and `sim.outcomes()` (the summary metrics), so nothing is restated here.

Seeds: every experiment runs on the same seeds, as every Truce comparison does (common random
numbers): replication r of every scenario and policy uses `SeedSequence(seed).spawn(n)[r]`, the seed
rule of `truce compare` and the sweeps. With `replications=1` the model is an EMA `Model` (one run
per experiment); with more it is a `ReplicatorModel` and each outcome is the mean over the
replications (EMA's ScalarOutcome `function`).

A sampled combination the model refuses (two values valid alone but impossible together) gives NaN
outcomes for that experiment, logged as a warning, instead of aborting the whole set: failures are
data, as in a sweep. Any other error propagates.

The workbench is imported here only, so `truce run` never loads it (it costs about 2 s).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import sim
from sim.errors import InputError
from sim.params import spec

if TYPE_CHECKING:
    import ema_workbench

_log = logging.getLogger(__name__)

#: Which parameters become EMA variables: names (over the registry range), a mapping of name to a
#: narrower (low, high), or None for every parameter of that kind over its registry range.
Selection = Sequence[str] | Mapping[str, tuple[Any, Any]] | None


def workbench() -> Any:
    """`ema_workbench`, imported without a display (matplotlib Agg unless the user chose a backend)
    and without its warning about the optional ipyparallel evaluator."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        import ema_workbench

    return ema_workbench


def _selected(kind: str, chosen: Selection, where: str) -> list[tuple[sim.ParamSpec, tuple[Any, Any]]]:
    """(spec, range) of each parameter chosen, checked: the right kind, a range inside the registry's."""
    if chosen is None:
        return [(p, p.range) for p in sim.params() if p.kind == kind]
    bounds = dict(chosen) if isinstance(chosen, Mapping) else dict.fromkeys(chosen)
    out = []
    for name, band in bounds.items():
        p = spec(name, where)
        if p.kind != kind:
            raise InputError(f"{where}: '{name}' is {_a(p.kind)}, not {_a(kind)}")
        if band is None or p.type == "bool":
            out.append((p, p.range))
            continue
        lo, hi = band
        p.check(lo, f"{where}: lower bound of '{name}'")
        p.check(hi, f"{where}: upper bound of '{name}'")
        if not lo < hi:
            raise InputError(f"{where}: range of '{name}' = [{lo}, {hi}] is empty (low must be < high)")
        out.append((p, (lo, hi)))
    return out


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _parameter(p: sim.ParamSpec, band: tuple[Any, Any]) -> Any:
    """The EMA parameter of one Truce parameter. No default: a parameter an experiment does not set
    keeps the design's value (an EMA default would silently replace it with the registry's)."""
    ema = workbench()
    if p.type == "bool":
        return ema.BooleanParameter(p.name)
    if p.type == "int":
        return ema.IntegerParameter(p.name, int(band[0]), int(band[1]))
    return ema.RealParameter(p.name, float(band[0]), float(band[1]))


def _outcome(name: str, replications: int) -> Any:
    """A summary metric as a ScalarOutcome, the mean over the replications when there are several;
    headline ones carry their direction (for `optimize`)."""
    from experiments.report_answer import HEADLINE, LOWER_IS_BETTER

    outcome = workbench().ScalarOutcome
    kind = outcome.INFO
    if name in LOWER_IS_BETTER:
        kind = outcome.MINIMIZE
    elif name in {o.name for o in HEADLINE}:
        kind = outcome.MAXIMIZE
    return outcome(name, kind=kind, function=_mean if replications > 1 else None)


def _mean(values: Sequence[float]) -> float:
    """The mean over replications (a named function, not a lambda: models stay picklable)."""
    return float(np.mean(values))


def run_truce(
    design: str, weeks: int, outcomes: tuple[str, ...], seed: int, replication: int, n: int, **values: Any
) -> dict[str, float]:
    """One experiment: `sim.run(design, weeks=weeks, seed=SeedSequence(seed).spawn(n)[replication],
    **values)`, its summary metrics `outcomes`; NaN for each when the values are impossible together."""
    child = np.random.SeedSequence(seed).spawn(n)[replication]
    # EMA hands numpy scalars (np.int64, np.bool_); the registry checks Python types.
    values = {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
    try:
        result = sim.run(design, weeks=weeks, seed=child, **values)
    except InputError as err:
        _log.warning("experiment %s refused by the model: %s", values, err)
        return dict.fromkeys(outcomes, float("nan"))
    return {name: float(result.summary[name]) for name in outcomes}


def ema_model(
    design: str | Path = "siloed",
    weeks: int = 260,
    outcomes: Iterable[str] | None = None,
    *,
    uncertainties: Selection = None,
    levers: Selection = (),
    constants: Selection = (),
    replications: int = 1,
    seed: int = 0,
    name: str | None = None,
) -> ema_workbench.Model:
    """An EMA Workbench model of `design` run for `weeks`, ready for `perform_experiments`.

    Args:
        design: preset name or design file; the values no experiment sets are the design's.
        weeks: horizon of every run.
        outcomes: summary metrics to report (default: every summary metric, `sim.outcomes()` with
            scope "summary"); headline ones are MAXIMIZE or MINIMIZE (churn and turnover), the rest INFO.
        uncertainties: which uncertainties EMA samples as scenarios. None (default): every one over its
            registry range, which is the range a value is *allowed* in (up to 2,000,000 accounts), so
            for a study pass a mapping of name to a plausible (low, high) instead.
        levers: which levers EMA samples as policies (the same forms). Default none: the design is the
            policy; pass names or a mapping to search over levers (None: every lever).
        constants: behavioural constants to sample as uncertainties as well (excluded by default).
        replications: runs per experiment, on the common seeds described in the module docstring.
        seed: root seed R; replication r runs on `SeedSequence(R).spawn(replications)[r]`.
        name: the model's name (a Python identifier; default: the design's name).

    Raises:
        InputError: an unknown outcome or parameter, a parameter of the wrong kind, a range outside
            the registry's, or a design that does not resolve.
    """
    ema = workbench()
    where = "ema_model"
    resolved = sim.resolve(design, weeks=weeks)  # a bad design or horizon is refused here, not in run 1
    summary = [o.name for o in sim.outcomes() if o.scope == "summary"]
    chosen = list(summary if outcomes is None else outcomes)
    unknown = [o for o in chosen if o not in summary]
    if unknown or not chosen:
        raise InputError(f"{where}: outcomes {unknown or chosen} are not summary metrics (sim.outcomes())")
    if replications < 1:
        raise InputError(f"{where}: replications = {replications} is invalid (allowed: int >= 1)")
    label = name or "".join(c if c.isalnum() else "_" for c in resolved.design.name)
    function = partial(run_truce, str(design), weeks, tuple(chosen), seed)
    if replications == 1:
        model = ema.Model(label, function=partial(function, 0, 1))
    else:
        model = ema.ReplicatorModel(label, function=partial(function, n=replications))
        model.replications = [{"replication": r} for r in range(replications)]
    sampled = _selected("uncertainty", uncertainties, where) + _selected("constant", constants, where)
    model.uncertainties = [_parameter(p, band) for p, band in sampled]
    model.levers = [_parameter(p, band) for p, band in _selected("lever", levers, where)]
    model.outcomes = [_outcome(o, replications) for o in chosen]
    return model
