"""Experiments: sweeps of designs, parameters and seeds, streamed to resumable, self-describing folders.

`Experiment` defines a sweep (in Python or TOML), `Experiment.run` executes it on local processes,
in-process or on Dask, and `load` reads a results folder back. It imports `sim`; `sim` never imports it.
"""

from experiments.results import Results, load
from experiments.spec import Axis, Experiment, Sampling

__all__ = ["Axis", "Experiment", "Results", "Sampling", "load"]
