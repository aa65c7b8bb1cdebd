"""Experiments: sweeps of designs, parameters and seeds, streamed to resumable, self-describing folders.

`Experiment` defines a sweep (in Python or TOML), `Experiment.run` executes it on local processes,
in-process or on Dask, and `load` reads a results folder back. It imports `sim`; `sim` never imports it.
"""

from typing import TYPE_CHECKING, Any

from experiments.spec import Axis, Experiment, Sampling

if TYPE_CHECKING:
    from experiments.results import Results, load

__all__ = ["Axis", "Experiment", "Results", "Sampling", "load"]


def __getattr__(name: str) -> Any:
    """`Results` and `load` on first use: they need pandas and pyarrow (half a second), which reading
    and checking a spec does not, so a bad spec is refused before that time is spent."""
    if name in ("Results", "load"):
        from experiments import results

        return getattr(results, name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")
