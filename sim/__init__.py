"""Truce: an agent-based model of the marketing-sales(-service) interface under organisational designs.

Public API: `TruceModel`, `run`, `RunResult`, `Intervention`, `params`, `designs`, `load_design`,
`Design`, `ParamSpec`, `InputError`, `resolve`, `RunSpec`, `Outcome`, `outcomes`.
"""

from sim.contract import RunSpec, resolve
from sim.design import Design, designs, get_design, load_design
from sim.errors import InputError
from sim.interventions import Intervention
from sim.model import TruceModel
from sim.outcomes import Outcome, outcomes
from sim.params import ParamSpec, params
from sim.runner import RunResult, run

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
    "get_design",
    "load_design",
    "outcomes",
    "params",
    "resolve",
    "run",
]
