"""Truce: an agent-based model of the marketing-sales(-service) interface under organisational designs.

Public API: `TruceModel`, `run`, `RunResult`, `Intervention`, `params`, `designs`, `load_design`,
`Design`, `ParamSpec`, `InputError`, `resolve`, `RunSpec`, `Outcome`, `outcomes`, `summary` (the
per-run outcomes of a weekly frame, e.g. a live run's weeks so far), `loss_account` (one run's
revenue and profit gap to another, by channel), and `fingerprint`/`stale_reasons` (what a stored
result such as a shipped design map was computed with, and why it no longer matches this model).
"""

from typing import TYPE_CHECKING, Any

from sim.contract import RunSpec, resolve
from sim.design import Design, designs, get_design, load_design
from sim.errors import InputError
from sim.fingerprint import fingerprint, stale_reasons
from sim.interventions import Intervention
from sim.outcomes import Outcome, outcomes
from sim.params import ParamSpec, params

if TYPE_CHECKING:
    from sim.loss import loss_account
    from sim.metrics import summary
    from sim.model import TruceModel
    from sim.runner import RunResult, run

#: Imported on first use: the model needs Mesa and pandas (a second), while checking input needs
#: neither, so a refusal comes before that second is spent.
_LAZY = {
    "TruceModel": "sim.model",
    "RunResult": "sim.runner",
    "run": "sim.runner",
    "summary": "sim.metrics",
    "loss_account": "sim.loss",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in ("model", "runner", "metrics"):  # `sim.runner.weekly_frame` as before
        return importlib.import_module(f"sim.{name}")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__all__ = [
    "Design",
    "InputError",
    "Intervention",
    "Outcome",
    "ParamSpec",
    "RunResult",
    "RunSpec",
    "TruceModel",
    "designs",
    "fingerprint",
    "get_design",
    "load_design",
    "loss_account",
    "outcomes",
    "params",
    "resolve",
    "run",
    "stale_reasons",
    "summary",
]
