"""The model's fingerprint: what a stored result (a shipped design map) was computed with.

A stored map is stamped with the git commit it was made at (provenance), a hash of the parameter
registry (`sim.params()`: every name, kind, type, default and range) and a hash of the model's source
(`sim/**/*.py` and its TOML declarations, translations left out). It is stale when either hash
differs from the installed model's. The commit alone cannot decide it: the commit that ships a map
is necessarily later than the one the map was computed at, and a commit that touches only the
dashboard changes no number. Here, not in `experiments`, because the dashboard reads shipped maps and
may import only `sim`.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from sim.params import params

_ROOT = Path(__file__).resolve().parent


def params_hash() -> str:
    """SHA-256 of the parameter registry as canonical JSON (descriptions and sources left out)."""
    rows = [
        {k: v for k, v in asdict(p).items() if k not in ("description_key", "source", "text", "main")}
        for p in params()
    ]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


@cache
def source_hash() -> str:
    """SHA-256 over the model's code and declarations (`sim/`, translations left out), path by path."""
    digest = hashlib.sha256()
    for path in sorted(_ROOT.rglob("*")):
        rel = path.relative_to(_ROOT)
        if path.suffix not in (".py", ".toml") or rel.parts[0] in ("locale", "__pycache__"):
            continue
        digest.update(str(rel.as_posix()).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def git_commit() -> str | None:
    """The checkout's commit (None outside a git checkout), for provenance only."""
    try:
        done = subprocess.run(
            ["git", "-C", str(_ROOT.parent), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def fingerprint() -> dict[str, Any]:
    """The stamp a stored map carries: git commit, registry hash and source hash."""
    return {"git_commit": git_commit(), "params_hash": params_hash(), "source_hash": source_hash()}


def stale_reasons(stamp: dict[str, Any] | None) -> list[str]:
    """Why a result stamped with `stamp` no longer matches this model; empty when it does."""
    if not stamp:
        return ["it carries no model fingerprint"]
    reasons = []
    if stamp.get("params_hash") != params_hash():
        reasons.append("the parameter registry changed (names, defaults or ranges)")
    if stamp.get("source_hash") != source_hash():
        reasons.append("the model's code changed")
    if reasons and stamp.get("git_commit"):
        reasons[-1] += f" since commit {str(stamp['git_commit'])[:10]}"
    return reasons
