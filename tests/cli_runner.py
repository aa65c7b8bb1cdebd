"""Run the `truce` command line in a subprocess exactly as a user would (shared by the CLI tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_truce(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`python -m truce.cli ARGS` from the project root, with a wide terminal so tables do not fold."""
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
