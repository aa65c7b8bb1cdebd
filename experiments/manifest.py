"""`manifest.json`: what a results folder holds and how it was made, so the folder describes itself.

The fingerprint covers everything that decides the numbers (resolved designs, points, seeds, horizon,
stored columns) and nothing incidental (paths, worker counts), so only the same experiment resumes.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sim

if TYPE_CHECKING:
    import pyarrow as pa

    from experiments.sampling import Samples
    from experiments.spec import Experiment

FORMAT = "truce-experiment/1"
# The versions that decide the numbers a folder holds or a report draws from it (SALib's indices,
# EMA's PRIM boxes), recorded in every manifest.
_PACKAGES = (
    *("truce", "mesa", "numpy", "pandas", "pyarrow", "scipy"),
    *("SALib", "ema-workbench", "dask", "distributed"),
)


def build(
    experiment: Experiment, samples: Samples, runs: pa.Schema, weekly: pa.Schema | None
) -> dict[str, Any]:
    """A new manifest for `experiment`; `status`, times and counts are updated as the sweep goes."""
    spec = experiment.to_dict()
    columns = {"runs": runs.names, "weekly": weekly.names if weekly is not None else []}
    points = [dict(p) for p in samples.points]
    identity = json.dumps({"spec": spec, "points": points, "columns": columns}, sort_keys=True, default=str)
    total = len(experiment.designs) * len(points) * experiment.replications
    return {
        "format": FORMAT,
        "fingerprint": hashlib.sha256(identity.encode()).hexdigest(),
        "spec": spec,
        "spec_file": experiment.source or None,
        "root_seed": experiment.seed,
        "seed_rule": "replication r uses numpy.random.SeedSequence(root_seed).spawn(replications)[r]",
        "designs": experiment.design_names,
        "baseline": experiment.baseline,
        "runs_total": total,
        "samples": {"names": list(samples.names), "points": points},
        "sampling": samples.manifest(experiment),
        "columns": columns,
        "provenance": provenance(),
        "started": now(),
        "finished": None,
        "status": "running",
        "counts": {"total": total, "ok": 0, "failed": 0, "missing": total},
        "sessions": [],
    }


def provenance() -> dict[str, Any]:
    """Package versions, Python, platform and the project's git commit (None outside a checkout)."""
    packages = {}
    for name in _PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    commit, dirty = _git()
    return {
        "packages": packages,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git_commit": commit,
        "git_dirty": dirty,
    }


def _git() -> tuple[str | None, bool | None]:
    root = Path(sim.__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None, None
    if commit.returncode != 0:
        return None, None
    return commit.stdout.strip(), bool(status.stdout.strip())


def part_provenance(manifest: dict[str, Any]) -> dict[str, Any]:
    """The short provenance stored in every part file's schema metadata."""
    prov = manifest["provenance"]
    return {
        "format": FORMAT,
        "experiment": manifest["spec"]["name"],
        "fingerprint": manifest["fingerprint"],
        "git_commit": prov["git_commit"],
        "packages": prov["packages"],
    }


def now() -> str:
    """Local time, ISO 8601 with offset."""
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
