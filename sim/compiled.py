"""Compiled loops: the inner work of the weekly mechanisms, as machine code (Numba).

A week asks many small, data-dependent questions of the same arrays (which accounts are due, who takes
which lead, whose deal is decided this week). Written as numpy expressions, each question is several
passes and several calls, and with a few dozen staff and a few thousand active accounts the calls, not
the arithmetic, set a run's time. A mechanism's loop compiled once answers it in one pass, and a rule
about one person (a salesperson's capacity, say) is written once, as a function of that person's
numbers, and called from every loop that needs it.

The machine code is cached on disk so that only the first process compiles. Numba checks a cached
function against its own file only, not against the rules it calls from other files, so the cache
lives in a folder named for the contents of every file of the model: any edit starts a fresh cache.
`error_model="numpy"` gives numpy's semantics for a division by zero (inf or NaN, no exception).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba


def _cache_dir() -> Path:
    model = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(model.rglob("*.py")):
        digest.update(path.relative_to(model).as_posix().encode())
        digest.update(path.read_bytes())
    root = os.environ.get("TRUCE_CACHE_DIR") or Path.home() / ".cache" / "truce"
    return Path(root) / "numba" / digest.hexdigest()[:16]


CACHE = _cache_dir()
numba.config.CACHE_DIR = str(CACHE)
kernel = numba.njit(cache=True, error_model="numpy")


def warm() -> None:
    """Compile the model once, if this version of it has no cache yet (`scripts/_env.sh` calls it,
    so that no user's first run, and no workshop's first Step, waits for the compiler)."""
    if CACHE.exists():
        return
    import sys

    import sim

    print("compiling the model for this machine (once per version, about a minute)", file=sys.stderr)
    for design in ("siloed", "shared_kpis", "merged", "three_dimensional"):
        sim.run(design, weeks=26, seed=0)


if __name__ == "__main__":
    warm()
